"""Inner suite of tests/test_guard.py: the leaks of issue 12 (point 3), each closed.

The clients are httpx (sync, async), requests, the official SDK and aiohttp where they
apply. Every test here must pass; the inner conftest (``tests.support.SENTINEL_CONFTEST``)
records anything that reached the socket layer, and the outer test checks nothing did.
Tests run in file order (the thread tests rely on it).
"""

from __future__ import annotations

import asyncio
import http.client
import queue
import threading
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import requests.adapters
import responses
import smartcar
import urllib3

from pytest_smartcar import catalog, stub_smartcar

VEHICLE = "abc"
ODOMETER = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer"
BATTERY = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/battery"
OTHER = "https://weather.example.com/today"


def _status(client: str, url: str, method: str = "GET") -> int:
    """The status a client gets (the SDK's exception status for its errors)."""
    if client == "httpx-sync":
        return httpx.request(method, url).status_code
    if client == "httpx-async":

        async def go() -> int:
            async with httpx.AsyncClient() as c:
                return (await c.request(method, url)).status_code

        return asyncio.run(go())
    if client == "requests":
        return requests.request(method, url, timeout=5).status_code
    if client == "aiohttp":

        async def go_aiohttp() -> int:
            async with aiohttp.ClientSession() as session:
                async with session.request(method, url) as response:
                    return response.status

        return asyncio.run(go_aiohttp())
    if client == "sdk":
        vehicle = smartcar.Vehicle(VEHICLE, "access-token")
        try:
            (vehicle.odometer if url == ODOMETER else vehicle.battery)()
        except smartcar.SmartcarException as exc:
            return int(exc.status_code)
        return 200
    if client in ("thread", "pool"):  # a worker started inside the test, under its engines
        if client == "pool":
            with ThreadPoolExecutor(1) as pool:
                return pool.submit(_status, "httpx-sync", url, method).result()
        box: list[Any] = []
        worker = threading.Thread(target=lambda: box.append(_status("requests", url, method)))
        worker.start()
        worker.join()
        return int(box[0])
    raise AssertionError(client)


CLIENTS = ["httpx-sync", "httpx-async", "requests", "aiohttp"]

# --- other schemes, ports and trailing dots are Smartcar's too ---------------------------

ODD_URLS = [
    f"http://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer",
    f"https://api.smartcar.com:8443/v2.0/vehicles/{VEHICLE}/odometer",
    f"https://api.smartcar.com./v2.0/vehicles/{VEHICLE}/odometer",
    "https://auth.smartcar.com./oauth/token",
]


@pytest.mark.parametrize("url", ODD_URLS)
@pytest.mark.parametrize("client", CLIENTS)
def test_odd_urls_are_served_by_a_catch_all_stub(smartcar_error: Any, client: str, url: str):
    smartcar_error.serve("SERVER:INTERNAL", endpoint="*")
    method = "POST" if url.endswith("/token") else "GET"
    assert _status(client, url, method) == 500
    assert len(smartcar_error.calls) == 1


@pytest.mark.parametrize("url", ODD_URLS)
@pytest.mark.parametrize("client", CLIENTS)
def test_odd_urls_are_refused_when_nothing_serves_them(client: str, url: str):
    with pytest.raises(AssertionError, match="No stub is active"):
        _status(client, url, "POST" if url.endswith("/token") else "GET")


# --- several engines: innermost first, then outward, for every client ---------------------


@pytest.fixture(scope="module")
def module_engine() -> Iterator[Any]:
    with stub_smartcar() as stub:
        stub.serve("RATE_LIMIT:VEHICLE", endpoint="*", optional=True)
        yield stub


@pytest.mark.parametrize("client", [*CLIENTS, "sdk", "thread", "pool"])
def test_innermost_engine_answers_first_then_outward(
    module_engine: Any, smartcar_error: Any, client: str
):
    assert _status(client, ODOMETER) == 429  # only the module's engine serves anything
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    assert _status(client, ODOMETER) == 409  # the test's engine first
    assert _status(client, BATTERY) == 429  # ... and the module's for what it does not serve
    with stub_smartcar() as inner:
        inner.serve("SERVER:INTERNAL", endpoint="odometer")
        assert _status(client, ODOMETER) == 500
        assert _status(client, BATTERY) == 429
        with stub_smartcar() as innermost:
            innermost.serve("VEHICLE_STATE:DOOR_OPEN", endpoint="battery")
            assert (_status(client, ODOMETER), _status(client, BATTERY)) == (500, 409)
    assert _status(client, ODOMETER) == 409  # the inner engines stopped
    assert [c.key for c in inner.calls] == ["SERVER:INTERNAL"] * 2


@pytest.mark.parametrize("client", [*CLIENTS, "sdk"])
def test_case_response_inside_a_fixture_test(smartcar_error: Any, client: str):
    """The documented ``with stub_smartcar(case.response)`` in a test that also uses the
    fixture: the inner stub answers everything while it is active."""
    response = catalog.get("VEHICLE_STATE:ASLEEP").response()
    smartcar_error.serve("RATE_LIMIT:VEHICLE", endpoint="battery")
    with stub_smartcar(response):
        assert (_status(client, ODOMETER), _status(client, BATTERY)) == (409, 409)
    assert _status(client, BATTERY) == 429
    assert [c.key for c in smartcar_error.calls] == ["RATE_LIMIT:VEHICLE"]


# --- requests: other mocks and adapters never see Smartcar's requests ---------------------


@pytest.mark.parametrize("client", ["requests", "sdk"])
def test_responses_started_late_leaves_smartcar_to_the_stub(smartcar_error: Any, client: str):
    smartcar_error.serve("VEHICLE_STATE:ASLEEP")
    responses.start()  # the global mock, after the fixture
    try:
        responses.get(OTHER, json={"sun": True})
        assert _status(client, ODOMETER) == 409
        assert requests.get(OTHER, timeout=5).json() == {"sun": True}
    finally:
        responses.stop()
        responses.reset()


def test_a_custom_adapter_does_not_take_smartcar_requests(smartcar_error: Any):
    sent: list[str] = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(request.url)
            raise AssertionError("the custom adapter was used")

    session = requests.Session()
    session.mount("https://", Recording())
    smartcar_error.serve("VEHICLE_STATE:ASLEEP")
    assert session.get(ODOMETER).status_code == 409
    assert sent == []


# --- clients the plugin does not intercept: refused at name resolution ---------------------

UNINTERCEPTED: dict[str, Callable[[str], object]] = {
    "urllib.request": lambda host: urllib.request.urlopen(f"https://{host}/v2.0/vehicles"),
    "urllib3": lambda host: urllib3.PoolManager().request("GET", f"https://{host}/v2.0/vehicles"),
    "http.client": lambda host: http.client.HTTPSConnection(host).request("GET", "/"),
    "requests-adapter-direct": lambda host: requests.adapters.HTTPAdapter().send(
        requests.Request("GET", f"https://{host}/v2.0/vehicles").prepare()
    ),
}


@pytest.mark.our_dns
@pytest.mark.parametrize("host", ["api.smartcar.com", "API.SMARTCAR.COM."])
@pytest.mark.parametrize("call", UNINTERCEPTED)
@pytest.mark.parametrize("stubbed", [False, True], ids=["no-stub", "catch-all-stub"])
def test_unintercepted_clients_are_refused_at_name_resolution(
    request: pytest.FixtureRequest, call: str, host: str, stubbed: bool
):
    if stubbed:
        request.getfixturevalue("smartcar_error").serve(
            "SERVER:INTERNAL", endpoint="*", optional=True
        )
    with pytest.raises(
        AssertionError, match=r"(?i)refused to resolve 'api\.smartcar\.com\.?': a client"
    ):
        UNINTERCEPTED[call](host)


# --- threads and pools that outlive their test ----------------------------------------------

GO = threading.Event()
LATER: dict[str, Any] = {}
WORKERS: list[threading.Thread] = []
POOL = ThreadPoolExecutor(2)
FUTURES: list[Any] = []


def _when_told(name: str) -> Callable[[], None]:
    """Wait for the next test, then request the odometer; keep what happened."""

    def run() -> None:
        GO.wait(30)
        try:
            LATER[name] = ("answered", httpx.get(ODOMETER).status_code)
        except AssertionError as exc:
            LATER[name] = ("refused", str(exc))

    return run


def _start_work(prefix: str) -> None:
    worker = threading.Thread(target=_when_told(f"{prefix} thread"), name=f"{prefix}-worker")
    worker.start()
    WORKERS.append(worker)
    FUTURES.append(POOL.submit(_when_told(f"{prefix} pool")))


def test_threads_1_started_with_no_stub(module_engine: Any):
    _start_work("no-stub")


def test_threads_2_started_under_the_fixture(module_engine: Any, smartcar_error: Any):
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", optional=True)
    _start_work("fixture")


def test_threads_3_are_not_answered_by_a_later_test(module_engine: Any, smartcar_error: Any):
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="*", optional=True)
    answered_before = len(module_engine.calls)
    GO.set()
    for worker in WORKERS:
        worker.join(30)
    for future in FUTURES:
        future.result(30)
    assert smartcar_error.calls == []
    assert len(module_engine.calls) == answered_before
    assert sorted(LATER) == ["fixture pool", "fixture thread", "no-stub pool", "no-stub thread"]
    for name, (what, text) in LATER.items():
        first = "test_threads_1" if name.startswith("no-stub") else "test_threads_2"
        assert what == "refused", (name, text)
        assert "the thread was started by " in text and f"{first}_" in text, text
        assert "which has ended, and the request came during" in text, text
        assert "test_threads_3_are_not_answered_by_a_later_test" in text, text


@pytest.fixture(scope="session")
def server() -> Iterator[Callable[[str], Any]]:
    """A worker thread started by a session fixture, serving every test (like an app
    server under test): it belongs to no test."""
    asks: queue.Queue[str | None] = queue.Queue()
    answers: queue.Queue[Any] = queue.Queue()

    def serve() -> None:
        while (url := asks.get()) is not None:
            try:
                answers.put(httpx.get(url).status_code)
            except AssertionError as exc:
                answers.put(str(exc))

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()

    def ask(url: str) -> Any:
        asks.put(url)
        return answers.get(timeout=30)

    yield ask
    asks.put(None)
    worker.join(30)


@pytest.mark.parametrize(
    ("key", "status"), [("VEHICLE_STATE:ASLEEP", 409), ("SERVER:INTERNAL", 500)]
)
def test_a_session_server_thread_is_answered_by_each_test(
    server: Callable[[str], Any], smartcar_error: Any, key: str, status: int
):
    smartcar_error.serve(key)
    assert server(ODOMETER) == status
    assert len(smartcar_error.calls) == 1
