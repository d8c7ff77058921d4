"""Isolation: nothing leaks from one test into the next, an unstubbed Smartcar request never
opens a socket (checked under pytest-socket), and a representative suite gives the same
outcomes under pytest-xdist and pytest-randomly.

The leak checks run in-process; pytest-socket, xdist and randomly runs use a subprocess
(they patch the socket module or spawn workers).
"""

from __future__ import annotations

import pytest

from pytest_smartcar.catalog import select
from tests.support import INNER, shown
from tests.support import UNMATCHED_NO_STUB as UNMATCHED

# A conftest for inner runs: ``--reverse`` runs the tests backwards, and ``reached_network``
# replaces DNS and connect with a sentinel, so "the request went past our stub" is
# observable without touching the network.
CONFTEST = """
import socket

import pytest


def pytest_addoption(parser):
    parser.addoption("--reverse", action="store_true")


def pytest_collection_modifyitems(config, items):
    if config.getoption("reverse"):
        items.reverse()


class ReachedNetwork(OSError):
    pass


@pytest.fixture
def reached_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise ReachedNetwork("the request reached the socket layer")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
"""

LEAK_SUITE = """
import httpx
import pytest
import requests

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


def test_0_no_stub_before(reached_network):
    # Outside any stub the guard refuses, before DNS: the sentinel is never reached.
    with pytest.raises(AssertionError, match="No stub is active"):
        httpx.get(ODOMETER)
    with pytest.raises(AssertionError, match="No stub is active"):
        requests.get(ODOMETER)


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_1_stubbed(smartcar_error):
    assert httpx.get(ODOMETER).status_code == 409
    assert requests.get(ODOMETER).status_code == 409


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_2_fails_midway(smartcar_error):
    httpx.get(ODOMETER)
    raise RuntimeError("the test broke with the stub active")


def test_3_unmatched(smartcar_error):
    smartcar_error.serve("RATE_LIMIT:VEHICLE", endpoint="lock")
    requests.get(ODOMETER)


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_4_unrequested(smartcar_error):
    pass


def test_5_no_stub_after(reached_network):
    with pytest.raises(AssertionError, match="No stub is active"):
        httpx.get(ODOMETER)
    with pytest.raises(AssertionError, match="No stub is active"):
        requests.get(ODOMETER)


@pytest.mark.parametrize("n", [1, 2])
def test_6_fresh_engine_each_time(smartcar_error, n):
    assert (smartcar_error.stubs, smartcar_error.calls, smartcar_error.unmatched) == ([], [], [])
    smartcar_error.serve("RATE_LIMIT:VEHICLE", times=1)
    assert httpx.get(ODOMETER).status_code == 429


@pytest.mark.smartcar_error(type="RATE_LIMIT")
def test_7_parametrized_cases_do_not_share_calls(smartcar_error):
    assert len(smartcar_error.stubs) == 1
    assert smartcar_error.calls == []
    assert httpx.get(ODOMETER).status_code == 429
    assert [c.key for c in smartcar_error.calls] == [smartcar_error.spec.key]


def test_8_marker_of_another_test_does_not_apply(smartcar_error):
    assert smartcar_error.stubs == []
    with pytest.raises(AssertionError, match="Nothing is served yet"):
        httpx.get(ODOMETER)
    smartcar_error.unmatched.clear()  # handled: the test passes
"""


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_nothing_leaks_into_the_next_test(pytester: pytest.Pytester, order: str) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_leaks=LEAK_SUITE)
    args = ["--reverse"] if order == "reverse" else []
    result = pytester.runpytest(*INNER, "-v", *args)
    result.assert_outcomes(passed=8, failed=3)
    for name in ("test_2_fails_midway", "test_3_unmatched", "test_4_unrequested"):
        result.stdout.fnmatch_lines([f"*::{name} FAILED*"])
    result.stdout.fnmatch_lines(["*::test_0_no_stub_before PASSED*"])
    result.stdout.fnmatch_lines(["*::test_5_no_stub_after PASSED*"])


# --- pytest-socket: an unstubbed Smartcar request opens no socket ---------------------------


SOCKET_SUITE = """
import httpx
import pytest
import requests
from pytest_socket import SocketBlockedError

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


def test_control_sockets_really_are_blocked():
    with pytest.raises(SocketBlockedError):
        httpx.get("http://127.0.0.1:9/")


def test_unstubbed_httpx(smartcar_error):
    httpx.get(ODOMETER)


def test_unstubbed_requests(smartcar_error):
    requests.get(ODOMETER)


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_stubbed_needs_no_socket(smartcar_error):
    assert httpx.get(ODOMETER).status_code == 409
    assert requests.get(ODOMETER).status_code == 409
"""


def test_unstubbed_request_opens_no_socket(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_socket=SOCKET_SUITE)
    result = pytester.runpytest_subprocess(*INNER, "-p", "socket", "--disable-socket")
    result.assert_outcomes(passed=2, failed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    for name in ("test_unstubbed_httpx", "test_unstubbed_requests"):
        result.stdout.fnmatch_lines([f"*_ {name} _*"])
        result.stdout.fnmatch_lines(shown(UNMATCHED), consecutive=True)
    # Our message, not pytest-socket's: the request never got near a socket. (Only the
    # control test may show up in pytest-socket's warnings: it is blocked on purpose.)
    out = result.stdout.str()
    failures = out.split("= FAILURES =")[1].split("= warnings summary =")[0]
    assert "SocketBlockedError" not in failures
    assert "tried to use socket" not in failures
    warnings = out.split("= warnings summary =")[1].split("short test summary info")[0]
    assert "test_socket.py::test_unstubbed" not in warnings
    assert "test_socket.py::test_control_sockets_really_are_blocked" in warnings


# --- pytest-xdist and pytest-randomly ------------------------------------------------------------


REPRESENTATIVE_SUITE = {
    "test_markers": """
        import httpx
        import pytest
        import requests

        ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
        CLIENT = httpx.Client()

        pytestmark = pytest.mark.smartcar_error(endpoint="odometer")


        @pytest.mark.smartcar_error(type="VEHICLE_STATE")
        def test_every_state(smartcar_error, request):
            r = CLIENT.get(ODOMETER)
            assert r.status_code == 409
            assert r.json()["code"] == request.node.callspec.id.split(":")[1]


        class TestRetries:
            pytestmark = pytest.mark.smartcar_error(times=1, then="success")

            @pytest.mark.smartcar_error(resolution="RETRY_LATER")
            def test_retry_then_success(self, smartcar_error):
                assert requests.get(ODOMETER).status_code == smartcar_error.spec.status
                assert CLIENT.get(ODOMETER).status_code == 200


        @pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", endpoint=["odometer", "battery"])
        def test_cross(smartcar_error, request):
            endpoint = request.node.callspec.id.split("-")[0]
            url = ODOMETER.replace("odometer", endpoint)
            assert CLIENT.get(url).status_code == 429


        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_expected_failure_unrequested(smartcar_error):
            pass
    """,
    "test_fixture": """
        import httpx
        import pytest

        ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


        @pytest.mark.parametrize("key", ["AUTHENTICATION", "PERMISSION", "SERVER:INTERNAL"])
        def test_serve(smartcar_error, key):
            assert smartcar_error.stubs == []
            smartcar_error.serve(key)
            assert httpx.get(ODOMETER).status_code in (401, 403, 500)
            assert smartcar_error.served == {key: 1}


        def test_expected_failure_unmatched(smartcar_error):
            httpx.get(ODOMETER)


        def test_expected_failure_own(smartcar_error):
            smartcar_error.serve("VEHICLE_STATE:ASLEEP")
            assert httpx.get(ODOMETER).status_code == 200, "the app expected success"
    """,
}
N_STATES = len(select(type="VEHICLE_STATE"))
N_RETRY = len(select(resolution="RETRY_LATER"))
EXPECTED = {"passed": N_STATES + N_RETRY + 2 + 3, "failed": 3}


@pytest.mark.parametrize(
    "plugins",
    [
        pytest.param(("-p", "xdist", "-n", "2"), id="xdist"),
        pytest.param(("-p", "randomly"), id="randomly"),
    ],
)
def test_representative_suite_under_xdist_and_randomly(
    pytester: pytest.Pytester, plugins: tuple[str, ...]
) -> None:
    pytester.makepyfile(**REPRESENTATIVE_SUITE)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-rf", *plugins
    )
    result.assert_outcomes(**EXPECTED)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    if "randomly" in plugins:
        result.stdout.fnmatch_lines(["Using --randomly-seed=*"])
    if "xdist" in plugins:
        result.stdout.fnmatch_lines(["created: 2/2 workers"])
    # Failures keep their messages and report section across workers.
    result.stdout.fnmatch_lines(
        [
            "*never made a request these stubs answer:*",
            "  - VEHICLE_STATE:ASLEEP (409) on odometer",
        ]
    )
    result.stdout.fnmatch_lines(shown(UNMATCHED[:1]))
    result.stdout.fnmatch_lines(["E       AssertionError: the app expected success"])
    result.stdout.fnmatch_lines(
        [
            "*smartcar: what the code under test received*",
            "GET https://api.smartcar.com/v2.0/vehicles/abc/odometer -> VEHICLE_STATE:ASLEEP (409)",
        ]
    )
