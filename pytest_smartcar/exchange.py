"""One request as a client sent it, and the reply the engine gives: neutral of HTTP client.

Transports (httpx, requests, aiohttp) turn their native request into a
``SmartcarRequest`` and a ``Reply`` back into their native response, so the engine and the
wire formats never see a client library. The httpx objects users read from the call
record (``call.request``, ``call.response``) are built from these on first access only.
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_smartcar.hosts import default_port

if TYPE_CHECKING:
    import httpx

__all__ = ["FAULTS", "Reply", "SmartcarRequest"]

#: Failures that are not HTTP responses; each transport raises its client's own exception.
#: ``disconnect`` is a connection closed before any response (aiohttp's
#: ``ServerDisconnectedError``, httpx's ``RemoteProtocolError``).
FAULTS = ("timeout", "connect_error", "disconnect")


class SmartcarRequest:
    """A request to a Smartcar host: method, URL parts, headers and body, as sent."""

    __slots__ = (
        "_httpx",
        "body",
        "client",
        "headers",
        "host",
        "method",
        "path",
        "port",
        "query",
        "scheme",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        client: str,
        scheme: str | None = None,
        host: str | None = None,
        port: int | None = None,
        path: str | None = None,
        query: str | None = None,
        native: Any = None,
    ) -> None:
        self.method = method.upper()
        self.url = url
        self.headers = headers
        self.body = body
        self.client = client
        if scheme is None or host is None or path is None:
            parts = urlsplit(url)
            scheme, host, port = parts.scheme, parts.hostname or "", parts.port
            path, query = parts.path or "/", parts.query
        self.scheme = scheme
        self.host = host
        self.port = port if port is not None else default_port(scheme)
        self.path = path
        self.query = query or ""
        self._httpx = native

    def header(self, name: str) -> str | None:
        """A header's value by case-insensitive name (the first one), or ``None``."""
        return _header(self.headers, name)

    def to_httpx(self) -> httpx.Request:
        """The request as an ``httpx.Request`` (built once, on first use)."""
        if self._httpx is None:
            import httpx

            self._httpx = httpx.Request(
                self.method, self.url, headers=self.headers, content=self.body
            )
        request: httpx.Request = self._httpx
        return request

    def __repr__(self) -> str:
        return f"<SmartcarRequest {self.method} {self.url} via {self.client}>"


@dataclass
class Reply:
    """What the engine answers: a complete HTTP response, or a fault to raise instead.

    ``headers`` keep their casing and order; ``reason`` is the status line's phrase when
    the HTTP registry has none (Smartcar's 430).
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    reason: str | None = None
    fault: str | None = None
    _httpx: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def failure(cls, fault: str) -> Reply:
        return cls(0, [], b"", fault=fault)

    def header(self, name: str) -> str | None:
        """A header's value by case-insensitive name (the first one), or ``None``."""
        return _header(self.headers, name)

    def to_httpx(self, request: httpx.Request | None = None) -> httpx.Response:
        """The reply as an ``httpx.Response``, a new one on each call (clients consume it)."""
        import httpx

        ext = {"reason_phrase": self.reason.encode("ascii")} if self.reason else None
        return httpx.Response(
            self.status,
            headers=self.headers,
            content=self.body,
            extensions=ext,
            request=request,
        )

    def record(self) -> httpx.Response:
        """The ``httpx.Response`` kept in the call record (one per reply, built lazily)."""
        if self._httpx is None:
            self._httpx = self.to_httpx()
        response: httpx.Response = self._httpx
        return response


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers if k.lower() == wanted), None)
