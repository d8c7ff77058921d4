"""aiohttp: a Smartcar request gets an in-memory connection, and aiohttp does the rest.

``BaseConnector.connect(req, ...)`` is where aiohttp asks for a connection to send one
request on. For a Smartcar URL it now returns one that goes nowhere: aiohttp's own
``ClientRequest`` writes the request into it, the bytes are read back (as a server reads
them) and offered to the engine, and the reply goes, as raw HTTP/1.1 bytes, into
aiohttp's own ``ResponseHandler`` and response parser. aiohttp then builds its own
``ClientResponse``: status, reason, headers, ``json()``/``text()``/streaming,
``raise_for_status``, redirects, cookies, middlewares, timeouts and its retry of a
dropped idempotent request all behave as against a real server, and no socket is
opened. Faults are what a connection does: a read timeout, a refused connect, a peer
that closes without answering.

We chose this layer over the others (``docs/aiohttp.md`` says why at length): building
``ClientResponse`` by hand, as aioresponses does, breaks when its constructor changes
(it did in 3.14); client middlewares exist from 3.12 only and still need a response; an
in-process server needs loopback sockets; patching ``ClientSession._request`` means
re-implementing it. What this relies on has held from aiohttp 3.9 to 3.14:
``BaseConnector.connect(req, traces, timeout)``, ``Connection(connector, key, protocol,
loop)``, ``ResponseHandler(loop)`` fed through the asyncio protocol methods, and the
asyncio ``Transport`` interface; the suite runs on the oldest and newest we support.
Every other request goes to the connector untouched (so a user's own mock above it,
or a custom connector below, keeps working), unless an engine blocks other hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp.client_proto import ResponseHandler
from aiohttp.connector import BaseConnector, Connection

from pytest_smartcar.errors import UnmatchedSmartcarRequest
from pytest_smartcar.exchange import Reply, SmartcarRequest
from pytest_smartcar.transports import guard
from pytest_smartcar.transports._http1 import RequestReader, response_bytes

__all__ = ["install", "uninstall"]

_original: dict[str, Any] = {}
#: ``connect()``'s arguments after the request: ``(traces, timeout)``, by position or name.
_ConnectArgs = tuple[tuple[Any, ...], dict[str, Any]]
#: aiohttp's own exception for a read that times out (``SocketTimeoutError`` from 3.10).
_ReadTimeout: type[Exception] = getattr(aiohttp, "SocketTimeoutError", aiohttp.ServerTimeoutError)
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class _Wire(asyncio.Transport):
    """The client's end of an in-memory connection: what aiohttp writes is read as a
    request; the engine's reply comes back as bytes to aiohttp's protocol."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol: ResponseHandler,
        connector: BaseConnector,
        req: Any,
        connect_args: _ConnectArgs,
    ) -> None:
        super().__init__()
        self._loop = loop
        self._protocol = protocol
        self._connector = connector
        self._req = req
        self._connect_args = connect_args
        self._reader = RequestReader()
        self._closing = False
        self._done = False  # the request is complete: later writes are ignored
        self._continued = False
        self._real: Any = None  # the connection used when the request goes out for real

    # -- asyncio.Transport -------------------------------------------------------------

    def write(self, data: Any) -> None:
        if self._closing or self._done:
            return
        if self._reader.feed(data):
            self._done = True
            self._loop.call_soon(self._answer)
        elif (
            not self._continued
            and self._reader.head_complete
            and (self._reader.header("expect") or "").lower() == "100-continue"
        ):
            self._continued = True
            self._loop.call_soon(self._deliver, _CONTINUE, False)

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        if self._real is not None:
            self._real.close()
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is left to tell
            self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def get_write_buffer_size(self) -> int:
        return 0

    def is_reading(self) -> bool:
        return not self._closing

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    # -- the other end -----------------------------------------------------------------

    def _exchange(self) -> SmartcarRequest:
        url = self._req.url
        return SmartcarRequest(
            self._reader.method,
            str(url),
            self._reader.headers,
            self._reader.body,
            client="aiohttp",
            scheme=url.scheme,
            host=url.raw_host or "",
            port=url.port,
            path=url.raw_path or "/",
            query=url.raw_query_string,
        )

    def _answer(self) -> None:
        if self._closing:
            return
        try:
            reply = guard.answer(self._exchange())
        except Exception as exc:  # the guard's refusal: raised where aiohttp reads
            self._protocol.set_exception(exc)
            return
        if reply is None:
            self._loop.create_task(self._send_for_real())
        elif reply.fault is not None:
            self._fault(reply.fault)
        else:
            head_only = self._reader.method == "HEAD"
            self._deliver(_bytes_of(reply, head_only), True)

    def _deliver(self, data: bytes, last: bool) -> None:
        """Bytes from the server; after the last response it closes the connection, so a
        body shorter than its ``Content-Length`` fails as it would, instead of hanging."""
        if self._closing:
            return
        self._protocol.data_received(data)
        if last:
            self._hang_up()

    def _hang_up(self) -> None:
        self._closing = True
        self._protocol.eof_received()
        self._protocol.connection_lost(None)

    def _fault(self, fault: str) -> None:
        if fault == "timeout":
            self._protocol.set_exception(_ReadTimeout("Timeout on reading data from socket"))
        elif fault == "connect_error":
            url = self._req.url
            refused = ConnectionRefusedError(
                errno.ECONNREFUSED, f"Connect call failed ('{url.raw_host}', {url.port})"
            )
            key = self._req.connection_key

            def error() -> Exception:
                return aiohttp.ClientConnectorError(key, refused)

            _refused.remember(self._connect_args, error)
            self._protocol.set_exception(error())
        else:  # disconnect: closed before any response (aiohttp: ServerDisconnectedError)
            self._hang_up()

    async def _send_for_real(self) -> None:
        """``--smartcar-allow-network`` and no stub answered: the same bytes go out on a
        real connection, whose answer is read by the same aiohttp protocol."""
        try:
            args, kwargs = self._connect_args
            real = await _original["connect"](self._connector, self._req, *args, **kwargs)
        except Exception as exc:
            self._protocol.set_exception(exc)
            return
        if self._closing:
            real.close()
            return
        self._real = real
        real.transport.set_protocol(_Relay(self))
        real.transport.write(self._reader.raw)


class _Refused:
    """A refused connect must fail like one. The engine can only refuse once the request
    is written, after ``connect()`` returned; aiohttp 3.10 and 3.11 retry an idempotent
    request that fails there, where a real refusal (raised by ``connect()``) is final.
    So a ``connect()`` made again within the same ``session.request()`` (the same
    ``traces`` list, which aiohttp builds once per call) raises that refusal at once."""

    _LIMIT = 64

    def __init__(self) -> None:
        self._pending: dict[int, tuple[object, Callable[[], Exception]]] = {}

    def remember(self, connect_args: _ConnectArgs, error: Callable[[], Exception]) -> None:
        traces = _traces(connect_args)
        if traces is not None:
            if len(self._pending) >= self._LIMIT:  # requests never retried: forget the oldest
                del self._pending[next(iter(self._pending))]
            self._pending[id(traces)] = (traces, error)

    def again(self, connect_args: _ConnectArgs) -> Exception | None:
        traces = _traces(connect_args)
        entry = self._pending.pop(id(traces), None) if traces is not None else None
        return entry[1]() if entry is not None and entry[0] is traces else None


def _traces(connect_args: _ConnectArgs) -> object | None:
    args, kwargs = connect_args
    return kwargs.get("traces", args[0] if args else None)


_refused = _Refused()


class _Relay(asyncio.Protocol):
    """Hands what the real server sends to the protocol aiohttp reads from."""

    def __init__(self, wire: _Wire) -> None:
        self._wire = wire

    def data_received(self, data: bytes) -> None:
        self._wire._deliver(data, False)

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._wire.close()


class _MemoryConnection(Connection):
    """A connection the connector never pooled: releasing it closes it."""

    def release(self) -> None:
        self.close()

    def close(self) -> None:
        self._notify_release()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            protocol.close()

    def __del__(self, *args: Any) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.transport.close()


def _bytes_of(reply: Reply, head_only: bool) -> bytes:
    return response_bytes(
        reply.status, reply.reason, reply.headers, reply.body, with_body=not head_only
    )


async def _connect(self: BaseConnector, req: Any, *args: Any, **kwargs: Any) -> Connection:
    __tracebackhide__ = True
    if guard.guarding():
        url = req.url
        if guard.is_smartcar(url.scheme, url.raw_host or "", url.port):
            if self.closed:
                raise aiohttp.ClientConnectionError("Connector is closed.")
            refused = _refused.again((args, kwargs))
            if refused is not None:
                raise refused
            loop = asyncio.get_running_loop()
            protocol = ResponseHandler(loop)
            protocol.connection_made(_Wire(loop, protocol, self, req, (args, kwargs)))
            return _MemoryConnection(self, req.connection_key, protocol, loop)
        message = guard.blocked_message(req.method, str(url))
        if message is not None:
            raise UnmatchedSmartcarRequest(message)
    connection: Connection = await _original["connect"](self, req, *args, **kwargs)
    return connection


def install() -> None:
    if "connect" not in _original:
        _original["connect"] = BaseConnector.connect
        BaseConnector.connect = _connect  # type: ignore[method-assign]


def uninstall() -> None:
    original = _original.pop("connect", None)
    if original is not None and BaseConnector.connect is _connect:
        BaseConnector.connect = original  # type: ignore[method-assign]
