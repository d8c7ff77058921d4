"""httpx (sync and async): Smartcar requests are answered where a client sends one request.

``Client._send_single_request`` (and the async twin) is where httpx hands one request,
after auth and before redirects are followed, to the transport. Patching there, above
every transport, means a Smartcar request is answered whichever transport the client has
(the default one, a custom or retrying transport, respx's or pytest_httpx's mocks, which
sit below) and that every other request goes down to them untouched. The response is a
real ``httpx.Response`` that httpx then treats as its own: cookies, event hooks,
redirects, ``raise_for_status``, streaming. The cost is one private name, stable since
httpx 0.18; the import-cost test pins it.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import httpx

from pytest_smartcar.errors import UnmatchedSmartcarRequest
from pytest_smartcar.exchange import Reply, SmartcarRequest
from pytest_smartcar.transports import guard

__all__ = ["install", "reply_of", "uninstall"]

_logger = logging.getLogger("httpx")
_ZERO = datetime.timedelta(0)
_originals: dict[type, Any] = {}


def _exchange(request: httpx.Request, body: bytes) -> SmartcarRequest:
    url = request.url
    raw = url.raw_path.decode("ascii")
    path, _, query = raw.partition("?")
    return SmartcarRequest(
        request.method,
        str(url),
        [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
        body,
        client="httpx",
        scheme=url.scheme,
        host=url.host,
        port=url.port,
        path=path or "/",
        query=query,
        native=request,
    )


def _fault(fault: str, request: httpx.Request) -> httpx.TransportError:
    if fault == "timeout":
        return httpx.ReadTimeout("pytest-smartcar: simulated timeout", request=request)
    if fault == "connect_error":
        return httpx.ConnectError("pytest-smartcar: simulated connect error", request=request)
    return httpx.RemoteProtocolError(
        "pytest-smartcar: simulated disconnect: server disconnected without sending a response.",
        request=request,
    )


def _response(client: Any, request: httpx.Request, reply: Reply) -> httpx.Response:
    if reply.fault is not None:
        raise _fault(reply.fault, request)
    extensions = {"http_version": b"HTTP/1.1"}
    if reply.reason:
        extensions["reason_phrase"] = reply.reason.encode("ascii")
    response = httpx.Response(
        reply.status,
        headers=reply.headers,
        content=reply.body,
        extensions=extensions,
        request=request,
    )
    response.elapsed = _ZERO
    client.cookies.extract_cookies(response)
    encoding = getattr(client, "_default_encoding", None)
    if encoding is not None:
        response.default_encoding = encoding
    if _logger.isEnabledFor(logging.INFO):
        _logger.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            request.url,
            "HTTP/1.1",
            response.status_code,
            response.reason_phrase,
        )
    return response


def _refuse_other(request: httpx.Request) -> None:
    __tracebackhide__ = True
    message = guard.blocked_message(request.method, str(request.url))
    if message is not None:
        raise UnmatchedSmartcarRequest(message)


def _send_single_request(self: httpx.Client, request: httpx.Request) -> httpx.Response:
    __tracebackhide__ = True
    url = request.url
    if guard.guarding():
        if guard.is_smartcar(url.scheme, url.host, url.port):
            reply = guard.answer(_exchange(request, request.read()))
            if reply is not None:
                return _response(self, request, reply)
        else:
            _refuse_other(request)
    response: httpx.Response = _originals[httpx.Client](self, request)
    return response


async def _send_single_request_async(
    self: httpx.AsyncClient, request: httpx.Request
) -> httpx.Response:
    __tracebackhide__ = True
    url = request.url
    if guard.guarding():
        if guard.is_smartcar(url.scheme, url.host, url.port):
            reply = guard.answer(_exchange(request, await request.aread()))
            if reply is not None:
                return _response(self, request, reply)
        else:
            _refuse_other(request)
    response: httpx.Response = await _originals[httpx.AsyncClient](self, request)
    return response


_PATCHES: dict[type, Any] = {
    httpx.Client: _send_single_request,
    httpx.AsyncClient: _send_single_request_async,
}
_NAME = "_send_single_request"


def install() -> None:
    """Patch both clients (idempotent)."""
    for cls, patched in _PATCHES.items():
        if cls not in _originals:
            _originals[cls] = getattr(cls, _NAME)
            setattr(cls, _NAME, patched)


def uninstall() -> None:
    for cls, original in list(_originals.items()):
        if getattr(cls, _NAME) is _PATCHES[cls]:
            setattr(cls, _NAME, original)
        del _originals[cls]


def reply_of(response: httpx.Response) -> Reply | None:
    """A ready ``httpx.Response`` as a reply to copy for each request: its raw bytes as
    built (so a gzip body arrives gzipped, as the user built it), reason and headers."""
    if not isinstance(response, httpx.Response):
        return None
    stream = response.stream
    if isinstance(stream, httpx.ByteStream):
        body = b"".join(stream)
        headers = _raw_headers(response)
    else:  # a streamed body: read it, and it is no longer encoded
        body = response.read()
        headers = [(k, v) for k, v in _raw_headers(response) if k.lower() != "content-encoding"]
    reason = response.extensions.get("reason_phrase")
    return Reply(
        response.status_code,
        headers,
        body,
        reason.decode("ascii", "replace") if isinstance(reason, bytes) else None,
    )


def _raw_headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
