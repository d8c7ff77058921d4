"""Other clients' responses as the reference parser reads them: status, headers, bytes.

``SmartcarError.from_response`` reads ``status_code``, ``headers`` and ``content``, which
httpx and requests responses have. An aiohttp ``ClientResponse`` has ``status`` and
``headers``, but its body is read with ``await`` (``read()``, ``json()``, ``text()``), and a
parser that never raises cannot await. So :func:`response_view` views an aiohttp response
*after* the app read it: the bytes ``read()`` cached. A response whose body was never
read gives its status and headers alone (no body claims). Duck-typed: aiohttp is not
imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ResponseView", "aiohttp_view", "response_view"]


@dataclass(frozen=True)
class ResponseView:
    """What the parser reads, from any client's response."""

    status_code: int
    headers: Any
    content: bytes


def response_view(response: Any) -> Any:
    """``response`` itself when the parser can read it as it is, else its view."""
    if hasattr(response, "status_code"):
        return response
    status = getattr(response, "status", None)
    if isinstance(status, int) and hasattr(response, "headers"):
        body = getattr(response, "_body", None)  # what aiohttp's read() cached
        return ResponseView(status, response.headers, body if isinstance(body, bytes) else b"")
    return response


async def aiohttp_view(response: Any) -> ResponseView:
    """An aiohttp response with its body read (``await`` it): for a response the app has
    not read yet, ``SmartcarError.from_response(await aiohttp_view(resp))``."""
    body = await response.read()
    return ResponseView(response.status, response.headers, body)
