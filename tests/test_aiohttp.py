"""aiohttp as apps use it, answered by the engine: real ``ClientResponse`` objects, aiohttp's
own exceptions for faults, and no socket for a Smartcar request.

Runs on whichever aiohttp is installed; CI runs it on the newest and the oldest supported
(``.ci/run``). The scenarios every transport shares are in ``test_engine_scenarios.py``.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import aiohttp
import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import given, settings

from pytest_smartcar import SmartcarError, stub_smartcar
from pytest_smartcar.errors import UnmatchedSmartcarRequest
from pytest_smartcar.strategies import ErrorCase, error_cases
from pytest_smartcar.transports import guard, install
from pytest_smartcar.views import aiohttp_view
from tests.support import CLAIMED

T = TypeVar("T")
API = "https://api.smartcar.com/v2.0"
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
ODOMETER = f"{API}/vehicles/{VEHICLE}/odometer"
BATTERY = f"{API}/vehicles/{VEHICLE}/battery"
SECURITY = f"{API}/vehicles/{VEHICLE}/security"
VERSION = tuple(int(p) for p in aiohttp.__version__.split(".")[:2])


def run(main: Callable[[aiohttp.ClientSession], Awaitable[T]], **session: Any) -> T:
    """``main(session)`` in a fresh loop, with a session closed afterwards."""

    async def go() -> T:
        async with aiohttp.ClientSession(**session) as s:
            return await main(s)

    return asyncio.run(go())


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Every socket connect attempt, refused and recorded."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("socket connect attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts
    assert attempts == []


def test_transport_is_installed_with_aiohttp() -> None:
    assert "aiohttp" in install.installed()


def test_a_real_client_response_with_smartcars_reason(no_sockets: list[object]) -> None:
    async def main(s: aiohttp.ClientSession) -> None:
        async with s.get(ODOMETER) as r:
            assert isinstance(r, aiohttp.ClientResponse)
            assert (r.status, r.reason) == (430, "Billing Limit Reached")
            assert r.content_type == "application/json"
            assert r.charset == "utf-8"
            assert r.headers["sc-request-id"] == r.headers["SC-REQUEST-ID"]
            body = await r.json()
            assert body["requestId"] == r.headers["SC-Request-Id"]
            assert json.loads(await r.text()) == body
            assert json.loads(await r.read()) == body
            assert SmartcarError.from_response(r).key == "BILLING:VEHICLE_LIMIT"

    with stub_smartcar() as stub:
        stub.serve("BILLING:VEHICLE_LIMIT")
        run(main)


def test_json_of_an_html_page_raises_content_type_error() -> None:
    async def main(s: aiohttp.ClientSession) -> str:
        async with s.get(ODOMETER) as r:
            assert r.status == 502 and r.content_type == "text/html"
            with pytest.raises(aiohttp.ContentTypeError):
                await r.json()
            return await r.text()

    with stub_smartcar() as stub:
        stub.serve("gateway_502")
        assert "<html" in run(main).lower()


def test_streaming_reads_and_release() -> None:
    async def main(s: aiohttp.ClientSession) -> tuple[bytes, bytes, bytes]:
        async with s.get(ODOMETER) as r:
            head = await r.content.read(10)
            rest = b"".join([chunk async for chunk in r.content.iter_chunked(7)])
        async with s.get(ODOMETER) as r:
            lines = b"".join([line async for line in r.content])
        r = await s.get(ODOMETER)
        r.release()
        await asyncio.sleep(0)  # aiohttp 3.9 releases once its request writer is done
        assert r.connection is None
        return head, rest, lines

    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        head, rest, lines = run(main)
    assert len(head) == 10
    assert json.loads(head + rest)["code"] == "ASLEEP"
    assert json.loads(lines)["code"] == "ASLEEP"
    assert stub.served == {"VEHICLE_STATE:ASLEEP": 3}


def test_raise_for_status_and_raising_sessions() -> None:
    async def main(s: aiohttp.ClientSession) -> aiohttp.ClientResponseError:
        async with s.get(ODOMETER) as r:
            with pytest.raises(aiohttp.ClientResponseError) as info:
                r.raise_for_status()
        return info.value

    async def raising(s: aiohttp.ClientSession) -> aiohttp.ClientResponseError:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            await s.get(ODOMETER)
        return info.value

    with stub_smartcar() as stub:
        stub.serve("BILLING:VEHICLE_LIMIT")
        plain = run(main)
        strict = run(raising, raise_for_status=True)
    for error in (plain, strict):
        assert (error.status, error.message) == (430, "Billing Limit Reached")
        assert str(error.request_info.url) == ODOMETER


def test_base_url_sessions() -> None:
    async def main(s: aiohttp.ClientSession) -> int:
        async with s.get(f"/v2.0/vehicles/{VEHICLE}/odometer") as r:
            return r.status

    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
        assert run(main, base_url="https://api.smartcar.com") == 409
    assert stub.calls[0].request.url == ODOMETER


def test_a_shared_session_outlives_its_stubs() -> None:
    """Home Assistant's pattern: one session for the app, created before any stub."""

    async def main() -> list[int]:
        statuses = []
        async with aiohttp.ClientSession() as shared:
            for key in ("VEHICLE_STATE:ASLEEP", "SERVER:INTERNAL", "success"):
                with stub_smartcar() as stub:
                    stub.serve(key, endpoint="odometer")
                    async with shared.get(ODOMETER) as r:
                        statuses.append(r.status)
        return statuses

    assert asyncio.run(main()) == [409, 500, 200]


class _Connector(aiohttp.TCPConnector):
    """A custom connector, as integrations build for their own DNS or TLS needs."""


@pytest.mark.parametrize(
    "make",
    [
        lambda: aiohttp.TCPConnector(limit=1),
        lambda: aiohttp.TCPConnector(force_close=True, limit_per_host=1),
        lambda: _Connector(ttl_dns_cache=1),
    ],
    ids=["limit-1", "force-close", "subclass"],
)
def test_custom_connectors_and_concurrency(
    make: Callable[[], aiohttp.BaseConnector], no_sockets: list[object]
) -> None:
    async def main() -> list[int]:
        async with aiohttp.ClientSession(connector=make()) as s:

            async def one() -> int:
                async with s.get(ODOMETER) as r:
                    await r.read()
                    return r.status

            return list(await asyncio.gather(*(one() for _ in range(8))))

    with stub_smartcar() as stub:
        stub.serve("RATE_LIMIT:VEHICLE", times=3, then="success")
        assert sorted(asyncio.run(main())) == [200] * 5 + [429] * 3


def test_the_call_record_holds_the_request_as_sent() -> None:
    async def main(s: aiohttp.ClientSession) -> None:
        headers = {"Authorization": "Bearer secret-token"}
        async with s.post(SECURITY, json={"action": "LOCK"}, headers=headers) as r:
            assert r.status == 409

    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:DOOR_OPEN", endpoint="lock")
        run(main)
    call = stub.calls[0]
    assert (call.endpoint, call.exchange.client) == ("lock", "aiohttp")
    assert (call.request.method, str(call.request.url)) == ("POST", SECURITY)
    assert json.loads(call.exchange.body) == {"action": "LOCK"}
    assert call.request.headers["content-type"] == "application/json"
    assert call.request.headers["user-agent"].startswith("Python/")
    assert call.exchange.header("authorization") == "Bearer secret-token"
    assert "secret-token" not in stub.describe_calls()


async def _chunks() -> AsyncIterator[bytes]:
    for part in (b'{"action"', b': "UNL', b'OCK"}'):
        yield part


@pytest.mark.parametrize(
    "send",
    [
        {"data": _chunks},
        {"data": lambda: b'{"action": "UNLOCK"}', "expect100": True},
        {"data": lambda: b'{"action": "UNLOCK"}'},
    ],
    ids=["chunked", "expect-100-continue", "bytes"],
)
def test_request_bodies_arrive_whole(send: dict[str, Any]) -> None:
    async def main(s: aiohttp.ClientSession) -> int:
        kw = {k: (v() if callable(v) else v) for k, v in send.items()}
        async with s.post(SECURITY, headers={"Content-Type": "application/json"}, **kw) as r:
            return r.status

    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:DOOR_OPEN", endpoint="unlock")
        assert run(main) == 409
    assert json.loads(stub.calls[0].exchange.body) == {"action": "UNLOCK"}


def test_head_requests_get_headers_only() -> None:
    async def main(s: aiohttp.ClientSession) -> tuple[int, bytes]:
        async with s.head(ODOMETER) as r:
            return r.status, await r.read()

    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="*")
        assert run(main) == (409, b"")


def test_redirects_cookies_and_encodings_are_aiohttps_own() -> None:
    async def main(s: aiohttp.ClientSession) -> Any:
        async with s.get(ODOMETER) as r:
            assert [h.status for h in r.history] == [307]
            assert str(r.url) == BATTERY
            assert s.cookie_jar.filter_cookies(r.url)["session"].value == "abc"
            return await r.json()

    moved = httpx.Response(307, headers={"Location": BATTERY, "Set-Cookie": "session=abc"})
    packed = httpx.Response(
        200,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        content=gzip.compress(b'{"percentRemaining": 0.3}'),
    )
    with stub_smartcar() as stub:
        stub.serve(moved, endpoint="odometer")
        stub.serve(packed, endpoint="battery")
        assert run(main) == {"percentRemaining": 0.3}


@pytest.mark.skipif(VERSION < (3, 12), reason="client middlewares came in aiohttp 3.12")
def test_client_middlewares_see_the_response() -> None:
    seen: list[int] = []

    async def middleware(req: Any, handler: Any) -> Any:
        resp = await handler(req)
        seen.append(resp.status)
        return resp

    async def main(s: aiohttp.ClientSession) -> int:
        async with s.get(ODOMETER) as r:
            return r.status

    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        assert run(main, middlewares=(middleware,)) == 409
    assert seen == [409]


# --- faults -------------------------------------------------------------------------------


def _fails(fault: str, method: str = "GET") -> BaseException:
    async def main(s: aiohttp.ClientSession) -> BaseException:
        with pytest.raises(Exception) as info:
            async with s.request(method, SECURITY if method == "POST" else ODOMETER) as r:
                await r.read()
        return info.value

    with stub_smartcar() as stub:
        stub.serve(fault, endpoint="*")
        error = run(main)
    assert sum(stub.served.values()) >= 1
    return error


def test_timeout_is_aiohttps_read_timeout(no_sockets: list[object]) -> None:
    error = _fails("timeout")
    assert isinstance(error, aiohttp.ServerTimeoutError)
    assert isinstance(error, asyncio.TimeoutError)
    assert "Timeout on reading data from socket" in str(error)


def test_connect_error_is_a_connector_error(no_sockets: list[object]) -> None:
    error = _fails("connect_error")
    assert isinstance(error, aiohttp.ClientConnectorError)
    assert "Cannot connect to host api.smartcar.com:443" in str(error)


def test_disconnect_is_server_disconnected(no_sockets: list[object]) -> None:
    assert isinstance(_fails("disconnect", "POST"), aiohttp.ServerDisconnectedError)


def test_a_dropped_idempotent_request_is_retried_as_aiohttp_does() -> None:
    """aiohttp 3.10 and newer send a GET again once when the server hangs up without an
    answer; the engine sees both, and the app the answer to the second."""

    async def main(s: aiohttp.ClientSession) -> int:
        async with s.get(ODOMETER) as r:
            return r.status

    with stub_smartcar() as stub:
        stub.serve("disconnect", times=1, then="success")
        if VERSION >= (3, 10):
            assert run(main) == 200
            assert stub.served == {"disconnect": 1, "success": 1}
        else:
            with pytest.raises(aiohttp.ServerDisconnectedError):
                run(main)
            stub.succeed(endpoint="battery", optional=True)


# --- the guard ----------------------------------------------------------------------------


def test_unanswered_request_fails_inside_the_client_without_a_socket(
    no_sockets: list[object],
) -> None:
    async def main(s: aiohttp.ClientSession) -> None:
        await s.get(BATTERY)

    with stub_smartcar(assert_all_requested=False) as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
        with pytest.raises(UnmatchedSmartcarRequest, match=r"no stub answers GET .*/battery"):
            run(main)
        stub.unmatched.clear()


def _against_local_server(check: Callable[[str], Awaitable[None]]) -> None:
    async def go() -> None:
        async def hello(request: web.Request) -> web.Response:
            return web.json_response({"path": request.path}, status=201)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", hello)
        async with TestServer(app) as server:
            await check(str(server.make_url("/")).rstrip("/"))

    asyncio.run(go())


def test_other_hosts_pass_through_untouched() -> None:
    async def check(origin: str) -> None:
        async with aiohttp.ClientSession() as s, s.get(f"{origin}/other") as r:
            assert (r.status, await r.json()) == (201, {"path": "/other"})

    with stub_smartcar(assert_all_requested=False) as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        _against_local_server(check)
    assert stub.calls == []


def test_other_hosts_are_refused_when_an_engine_blocks_them(no_sockets: list[object]) -> None:
    async def main(s: aiohttp.ClientSession) -> None:
        await s.get("https://example.com/hello")

    with stub_smartcar(block_unmatched=True, assert_all_requested=False):
        with pytest.raises(UnmatchedSmartcarRequest, match=r"example\.com"):
            run(main)


def test_allow_network_sends_unanswered_requests_for_real(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--smartcar-allow-network``: the bytes aiohttp wrote go out on a real connection
    (here to a local server standing in for Smartcar) and its answer is read as usual."""

    async def check(origin: str) -> None:
        monkeypatch.setenv("SMARTCAR_API_ORIGIN", origin)
        async with aiohttp.ClientSession() as s:
            path = f"/v2.0/vehicles/{VEHICLE}/battery"
            async with s.post(f"{origin}{path}", json={}) as r:
                assert (r.status, await r.json()) == (201, {"path": path})
            async with s.get(f"{origin}/v2.0/vehicles/{VEHICLE}/odometer") as r:
                assert r.status == 409  # a stub still answers what it matches

    monkeypatch.setattr(guard.settings, "allow_network", True)
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
        _against_local_server(check)


def test_an_unread_response_parses_through_the_view() -> None:
    async def main(s: aiohttp.ClientSession) -> tuple[SmartcarError, SmartcarError]:
        async with s.get(ODOMETER) as r:
            unread = SmartcarError.from_response(r)
            return unread, SmartcarError.from_response(await aiohttp_view(r))

    with stub_smartcar() as stub:
        stub.serve("RATE_LIMIT:VEHICLE")
        unread, read = run(main)
    assert (unread.status, unread.type, unread.retry_after) == (429, None, 120.0)
    assert (read.key, read.resolution) == ("RATE_LIMIT:VEHICLE", "RETRY_LATER")


def test_a_refused_connect_is_final() -> None:
    """A refusal fails the request however aiohttp retries others (3.10 and 3.11 retry an
    idempotent request that fails after its connect)."""

    async def main(s: aiohttp.ClientSession) -> int:
        with pytest.raises(aiohttp.ClientConnectorError):
            await s.get(ODOMETER)
        async with s.get(ODOMETER) as r:  # the app's own retry is a new request
            return r.status

    with stub_smartcar() as stub:
        stub.serve("connect_error", times=1, then="success")
        assert run(main) == 200
    assert stub.served == {"connect_error": 1, "success": 1}


# --- fuzzed responses ---------------------------------------------------------------------


@settings(max_examples=150, deadline=None, database=None)
@given(error_cases(api="any"))
def test_every_error_case_reaches_an_aiohttp_client_intact(case: ErrorCase) -> None:
    """``stub_smartcar(case.response)`` inside ``@given``: each example goes through
    aiohttp's request writer and response parser, and parses as the response itself."""

    async def main(s: aiohttp.ClientSession) -> aiohttp.ClientResponse:
        async with s.get(ODOMETER) as r:
            await r.read()
            return r

    with stub_smartcar(case.response) as stub:
        resp = run(main)
    assert len(stub.calls) == 1
    parsed = SmartcarError.from_response(resp)
    assert parsed.status == case.expected.status
    for name in ("type", "code", *CLAIMED):
        claim = getattr(case.expected, name)
        if claim is not None:
            assert getattr(parsed, name) == claim, (name, case.description)
    assert parsed == SmartcarError.from_response(case.response), case.description
