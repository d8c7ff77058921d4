"""requests (and so the official ``smartcar`` SDK): Smartcar URLs get the engine's adapter.

``Session.get_adapter(url)`` is where requests picks the adapter that sends a request.
For a Smartcar URL it now returns an adapter that asks the engine, whatever adapters the
session has mounted; every other URL gets the session's own adapter, so ``responses``
(which patches ``HTTPAdapter.send``, below this point) and custom adapters keep working
for other hosts, and never see Smartcar requests. The answer goes back through requests'
own ``HTTPAdapter.build_response`` from a urllib3 response, so status, reason, headers
(original casing), raw bytes, encoding, cookies, hooks and redirects are what requests
itself would produce.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.exceptions
from urllib3 import HTTPHeaderDict
from urllib3.exceptions import ProtocolError
from urllib3.response import HTTPResponse

from pytest_smartcar.errors import UnmatchedSmartcarRequest
from pytest_smartcar.exchange import Reply, SmartcarRequest
from pytest_smartcar.transports import guard

__all__ = ["install", "uninstall"]

_original: dict[str, Any] = {}
_build_response = requests.adapters.HTTPAdapter.build_response


@lru_cache(maxsize=1024)
def _split(url: str) -> tuple[str, str, int | None, str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port, parts.path or "/", parts.query


def _body(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)  # type: ignore[attr-defined]


class SmartcarAdapter(requests.adapters.BaseAdapter):
    """Answers one Smartcar request from the engine; falls back to the session's own
    adapter only when the user let unanswered requests through to the network."""

    def __init__(self, fallback: Callable[[], requests.adapters.BaseAdapter]) -> None:
        self._fallback = fallback  # no super().__init__(): BaseAdapter's does nothing

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        __tracebackhide__ = True
        url = request.url or ""
        scheme, host, port, path, query = _split(url)
        content = _body(request.body)
        exchange = SmartcarRequest(
            request.method or "GET",
            url,
            list(request.headers.items()),
            content,
            client="requests",
            scheme=scheme,
            host=host,
            port=port,
            path=path,
            query=query,
        )
        reply = guard.answer(exchange)
        if reply is None:
            return self._fallback().send(request, *args, **kwargs)
        return self._response(request, reply)

    def _response(self, request: requests.PreparedRequest, reply: Reply) -> requests.Response:
        if reply.fault == "timeout":
            raise requests.exceptions.ReadTimeout(
                "pytest-smartcar: simulated timeout", request=request
            )
        if reply.fault == "connect_error":
            raise requests.exceptions.ConnectionError(
                "pytest-smartcar: simulated connect error", request=request
            )
        if reply.fault is not None:
            raise requests.exceptions.ConnectionError(
                ProtocolError(
                    "Connection aborted.",
                    ConnectionResetError("pytest-smartcar: simulated disconnect"),
                ),
                request=request,
            )
        raw = HTTPResponse(
            body=io.BytesIO(reply.body),
            headers=HTTPHeaderDict(reply.headers),
            status=reply.status,
            reason=reply.reason or _reason(reply.status),
            preload_content=False,
            decode_content=True,
            request_url=request.url,
        )
        return _build_response(self, request, raw)  # type: ignore[arg-type]

    def close(self) -> None:
        pass


class _BlockingAdapter(requests.adapters.BaseAdapter):
    """Refuses a request to another host while an engine blocks them."""

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        __tracebackhide__ = True
        message = guard.blocked_message(request.method or "GET", request.url or "")
        raise UnmatchedSmartcarRequest(message or "pytest-smartcar blocked this request")

    def close(self) -> None:
        pass


@lru_cache(maxsize=64)
def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _get_adapter(self: requests.Session, url: str) -> requests.adapters.BaseAdapter:
    if guard.guarding():
        scheme, host, port, _, _ = _split(url)
        if guard.is_smartcar(scheme, host, port):
            return SmartcarAdapter(lambda: _original["get_adapter"](self, url))
        if guard.blocked_message("", url) is not None:
            return _BlockingAdapter()
    adapter: requests.adapters.BaseAdapter = _original["get_adapter"](self, url)
    return adapter


def install() -> None:
    if "get_adapter" not in _original:
        _original["get_adapter"] = requests.Session.get_adapter
        requests.Session.get_adapter = _get_adapter  # type: ignore[method-assign]


def uninstall() -> None:
    original = _original.pop("get_adapter", None)
    if original is not None and requests.Session.get_adapter is _get_adapter:
        requests.Session.get_adapter = original  # type: ignore[method-assign]
