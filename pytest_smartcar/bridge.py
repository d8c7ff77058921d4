"""Let ``requests`` (and so the official ``smartcar`` SDK) consult the engine.

While an engine is active, ``requests.adapters.HTTPAdapter.send`` is wrapped: a request
to a Smartcar host becomes an ``httpx.Request``, the engine answers it, and the answer
goes back through requests' own ``build_response`` from a urllib3 response, so status,
reason, headers (original casing), raw bytes, encoding, ``url`` and ``request`` are what
requests itself would produce. Other traffic goes to the real ``send``. Nothing is
patched when ``requests`` is not installed or no engine is active.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub

__all__ = ["activate"]

_active: list[SmartcarStub] = []
_lock = threading.Lock()
_original_send: Callable[..., Any] | None = None


def activate(engine: SmartcarStub) -> Callable[[], None]:
    """Route ``requests`` through ``engine`` until the returned function is called."""
    try:
        import requests.adapters
    except ImportError:  # requests is optional
        return lambda: None
    global _original_send
    with _lock:
        if not _active:
            _original_send = requests.adapters.HTTPAdapter.send
            requests.adapters.HTTPAdapter.send = _send  # type: ignore[method-assign,assignment]
        _active.append(engine)

    def deactivate() -> None:
        global _original_send
        with _lock:
            if engine in _active:
                _active.remove(engine)
            if not _active and _original_send is not None:
                requests.adapters.HTTPAdapter.send = _original_send  # type: ignore[method-assign]
                _original_send = None

    return deactivate


@functools.lru_cache(maxsize=512)
def _url(url: str) -> httpx.URL:
    """Parsed once per URL: httpx's parser is most of the bridge's cost per request."""
    return httpx.URL(url)


def _body_bytes(body: object) -> bytes:
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


def _send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
    __tracebackhide__ = True
    import requests.exceptions
    from urllib3 import HTTPHeaderDict
    from urllib3.response import HTTPResponse

    engine = _active[-1] if _active else None
    original = _original_send
    assert original is not None
    if engine is None:
        return original(adapter, request, *args, **kwargs)
    content = _body_bytes(request.body)
    httpx_request = httpx.Request(
        request.method or "GET",
        _url(request.url),
        headers=list(request.headers.items()),
        content=content,
    )
    try:
        response = engine.handle(httpx_request)
    except httpx.TimeoutException as exc:
        raise requests.exceptions.ReadTimeout(str(exc), request=request) from exc
    except httpx.TransportError as exc:
        raise requests.exceptions.ConnectionError(str(exc), request=request) from exc
    if response is None:
        return original(adapter, request, *args, **kwargs)
    raw = HTTPResponse(
        body=io.BytesIO(response.content),
        headers=HTTPHeaderDict(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        ),
        status=response.status_code,
        reason=response.reason_phrase,
        preload_content=False,
        decode_content=False,
        request_url=request.url,
    )
    return adapter.build_response(request, raw)
