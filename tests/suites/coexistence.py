"""Inner suite of tests/test_coexistence.py: our stubs next to the user's own HTTP mocks.

Each test names its expectation: ``test_ok_*`` passes; ``test_theirs_*`` fails with the
user's mock's own message (its strictness survives); ``test_ours_*`` fails with ours. The
mock is one of ``FORMS`` (respx, pytest_httpx, responses, each in the ways users set them
up: fixture before or after ``smartcar_error``, context manager, started late), or a
decorator in the ``*_decorated`` tests; the client is httpx sync or async for the httpx
mocks, requests or the official SDK for responses. The inner conftest refuses every
socket connection, so a request that escapes both mocks fails loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
import responses
import respx
import smartcar

VEHICLE = "abc"
SMARTCAR = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer"
#: A Smartcar request no stub in these tests serves.
SMARTCAR_UNSERVED = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/battery"
OTHER = "https://weather.example.com/today"
#: A request to another host that the user's mock does not know.
UNMOCKED = "https://maps.example.com/route"


# --- clients ---------------------------------------------------------------------------


def _httpx_sync(url: str) -> tuple[int, Any]:
    response = httpx.get(url)
    return response.status_code, response


def _httpx_async(url: str) -> tuple[int, Any]:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(url)

    response = asyncio.run(go())
    return response.status_code, response


def _requests(url: str) -> tuple[int, Any]:
    response = requests.get(url, timeout=5)
    return response.status_code, response


def _sdk(url: str) -> tuple[int, Any]:
    """The official SDK for Smartcar's URLs (it raises on errors), requests for others."""
    if "smartcar.com" not in url:
        return _requests(url)
    vehicle = smartcar.Vehicle(VEHICLE, "access-token")
    try:
        return 200, (vehicle.odometer() if url == SMARTCAR else vehicle.battery())
    except smartcar.SmartcarException as exc:
        return exc.status_code, exc


CLIENTS: dict[str, Callable[[str], tuple[int, Any]]] = {
    "httpx-sync": _httpx_sync,
    "httpx-async": _httpx_async,
    "requests": _requests,
    "sdk": _sdk,
}
HTTPX_CLIENTS = ["httpx-sync", "httpx-async"]
REQUESTS_CLIENTS = ["requests", "sdk"]


# --- the user's mocks -------------------------------------------------------------------


@dataclass
class Mock:
    """One of the user's mocks, set up: ``add(url)`` makes it answer ``{"sun": true}``."""

    add: Callable[[str], None]


def _respx_router(router: respx.MockRouter) -> Mock:
    return Mock(lambda url: router.get(url).respond(200, json={"sun": True}))


def _respx_base_url(router: respx.MockRouter) -> Mock:
    # base_url routes take paths; every OTHER-like URL here is on weather.example.com.
    def add(url: str) -> None:
        router.get(httpx.URL(url).path).respond(200, json={"sun": True})

    return Mock(add)


def _responses(mock: responses.RequestsMock) -> Mock:
    return Mock(lambda url: mock.get(url, json={"sun": True}))


@contextlib.contextmanager
def _fixtures(request: pytest.FixtureRequest, mock: str, *, before: bool) -> Iterator[Any]:
    """The user's mock fixture set up before or after ``smartcar_error`` (as if listed
    before or after it in the test's arguments: pytest tears them down in reverse)."""
    if mock == "respx_mock":  # the bare fixture does not check its routes were called
        request.node.add_marker(pytest.mark.respx(assert_all_called=True))
    names = [mock, "smartcar_error"] if before else ["smartcar_error", mock]
    values = {name: request.getfixturevalue(name) for name in names}
    yield values[mock]


@contextlib.contextmanager
def _started_late() -> Iterator[responses.RequestsMock]:
    mock = responses.RequestsMock()
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
        mock.reset()


#: name -> (clients it applies to, how to set it up in a test)
FORMS: dict[str, tuple[list[str], Callable[[pytest.FixtureRequest], Any]]] = {
    "respx_mock-before": (
        HTTPX_CLIENTS,
        lambda r: _map(_fixtures(r, "respx_mock", before=True), _respx_router),
    ),
    "respx_mock-after": (
        HTTPX_CLIENTS,
        lambda r: _map(_fixtures(r, "respx_mock", before=False), _respx_router),
    ),
    "respx.mock()": (HTTPX_CLIENTS, lambda r: _map(respx.mock(), _respx_router)),
    "respx.mock(base_url)": (
        HTTPX_CLIENTS,
        lambda r: _map(respx.mock(base_url="https://weather.example.com"), _respx_base_url),
    ),
    "respx.mock(using=httpx)": (
        HTTPX_CLIENTS,
        lambda r: _map(respx.mock(using="httpx"), _respx_router),
    ),
    "httpx_mock-before": (
        HTTPX_CLIENTS,
        lambda r: _map(
            _fixtures(r, "httpx_mock", before=True),
            lambda m: Mock(lambda url: m.add_response(url=url, json={"sun": True})),
        ),
    ),
    "httpx_mock-after": (
        HTTPX_CLIENTS,
        lambda r: _map(
            _fixtures(r, "httpx_mock", before=False),
            lambda m: Mock(lambda url: m.add_response(url=url, json={"sun": True})),
        ),
    ),
    "RequestsMock()": (REQUESTS_CLIENTS, lambda r: _map(responses.RequestsMock(), _responses)),
    "RequestsMock-started-late": (REQUESTS_CLIENTS, lambda r: _map(_started_late(), _responses)),
    "rsps-fixture-before": (
        REQUESTS_CLIENTS,
        lambda r: _map(_fixtures(r, "rsps", before=True), _responses),
    ),
    "rsps-fixture-after": (
        REQUESTS_CLIENTS,
        lambda r: _map(_fixtures(r, "rsps", before=False), _responses),
    ),
}


@contextlib.contextmanager
def _map(manager: Any, wrap: Callable[[Any], Mock]) -> Iterator[Mock]:
    with manager as value:
        yield wrap(value)


CASES = [
    pytest.param(form, client, id=f"{form}-{client}")
    for form, (clients, _) in FORMS.items()
    for client in clients
]


@contextlib.contextmanager
def _both(request: pytest.FixtureRequest, form: str, client: str) -> Iterator[tuple[Any, Any]]:
    """Inside the test: the user's mock set up as ``form`` says, answering OTHER, and our
    stub answering the odometer; gives the client's ``get`` and the stub."""
    with FORMS[form][1](request) as mock:
        stub = request.getfixturevalue("smartcar_error")
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
        mock.add(OTHER)
        yield CLIENTS[client], stub


# --- the matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "client"), CASES)
def test_ok_each_mock_answers_its_own(request: pytest.FixtureRequest, form: str, client: str):
    with _both(request, form, client) as (get, stub):
        status, _ = get(SMARTCAR)
        assert status == 409
        status, other = get(OTHER)
        assert (status, other.json()) == (200, {"sun": True})
        assert [c.key for c in stub.calls] == ["VEHICLE_STATE:ASLEEP"]


@pytest.mark.parametrize(("form", "client"), CASES)
def test_theirs_unmocked_host_fails(request: pytest.FixtureRequest, form: str, client: str):
    with _both(request, form, client) as (get, _stub):
        assert get(SMARTCAR)[0] == 409
        assert get(OTHER)[0] == 200
        get(UNMOCKED)


@pytest.mark.parametrize(("form", "client"), CASES)
def test_theirs_uncalled_mock_fails(request: pytest.FixtureRequest, form: str, client: str):
    with _both(request, form, client) as (get, _stub):
        assert get(SMARTCAR)[0] == 409


@pytest.mark.parametrize(("form", "client"), CASES)
def test_ours_unserved_smartcar_request_fails(
    request: pytest.FixtureRequest, form: str, client: str
):
    with _both(request, form, client) as (get, _stub):
        assert get(OTHER)[0] == 200
        assert get(SMARTCAR)[0] == 409
        get(SMARTCAR_UNSERVED)


@pytest.mark.parametrize(("form", "client"), CASES)
def test_ours_unrequested_stub_fails(request: pytest.FixtureRequest, form: str, client: str):
    with _both(request, form, client) as (get, _stub):
        assert get(OTHER)[0] == 200


# --- decorators: the mock is active while the test function runs -------------------------


@pytest.mark.parametrize("client", HTTPX_CLIENTS)
@respx.mock
def test_ok_respx_decorated(smartcar_error: Any, client: str) -> None:
    respx.get(OTHER).respond(200, json={"sun": True})
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    assert CLIENTS[client](SMARTCAR)[0] == 409
    assert CLIENTS[client](OTHER)[1].json() == {"sun": True}


@pytest.mark.parametrize("client", HTTPX_CLIENTS)
@respx.mock
def test_theirs_respx_decorated_unmocked_host_fails(smartcar_error: Any, client: str) -> None:
    respx.get(OTHER).respond(200, json={"sun": True})
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    assert CLIENTS[client](SMARTCAR)[0] == 409
    CLIENTS[client](UNMOCKED)


@pytest.mark.parametrize("client", REQUESTS_CLIENTS)
@responses.activate
def test_ok_responses_decorated(smartcar_error: Any, client: str) -> None:
    responses.get(OTHER, json={"sun": True})
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    assert CLIENTS[client](SMARTCAR)[0] == 409
    assert CLIENTS[client](OTHER)[1].json() == {"sun": True}


@pytest.mark.parametrize("client", REQUESTS_CLIENTS)
@responses.activate(assert_all_requests_are_fired=True)
def test_theirs_responses_decorated_uncalled_mock_fails(smartcar_error: Any, client: str) -> None:
    responses.get(OTHER, json={"sun": True})
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    assert CLIENTS[client](SMARTCAR)[0] == 409


@pytest.mark.parametrize("client", REQUESTS_CLIENTS)
@responses.activate
def test_theirs_responses_decorated_unmocked_host_fails(smartcar_error: Any, client: str) -> None:
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    assert CLIENTS[client](SMARTCAR)[0] == 409
    CLIENTS[client](UNMOCKED)
