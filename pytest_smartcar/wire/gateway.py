"""What a load balancer in front of Smartcar sends instead of JSON: an HTML error page."""

from __future__ import annotations

from pytest_smartcar.exchange import Reply

__all__ = ["GATEWAY_PAGES", "gateway_reply"]

GATEWAY_PAGES = {
    502: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
    504: "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    "<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n",
}


def gateway_reply(status: int = 502) -> Reply:
    """The HTML page of a 502 or 504 from the gateway."""
    if status not in GATEWAY_PAGES:
        raise ValueError(f"gateway pages exist for 502 and 504, got {status!r}")
    return Reply(status, [("Content-Type", "text/html")], GATEWAY_PAGES[status].encode("ascii"))
