"""Our stubs next to the user's own HTTP mocks: respx, pytest_httpx and responses.

The matrix (``tests/suites/coexistence.py``) runs as a real pytest project: every mock
form (fixture before or after ``smartcar_error``, decorator, context manager, started
late, ``base_url``, ``using="httpx"``) with every client it applies to (httpx sync and
async; requests and the official SDK). In each, Smartcar requests are answered by our
stub and other hosts by the user's mock; the user's mock keeps its own strictness and
messages, and ours keep theirs. The inner run has a socket guard (a ``connect`` and
``getaddrinfo`` sentinel in process, pytest-socket in a subprocess), so a request that
escaped both mocks would show up.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import INNER, SENTINEL_CONFTEST, attempts, junit_results

SUITE = (Path(__file__).parent / "suites" / "coexistence.py").read_text(encoding="utf-8")

CONFTEST = (
    SENTINEL_CONFTEST
    + """

@pytest.fixture
def rsps():
    import responses

    with responses.RequestsMock() as mock:
        yield mock
"""
)

#: What each user mock says when a request it does not know comes, or a route goes unused.
THEIRS = {
    "respx": {
        "unmocked": "RESPX: <Request('GET', 'https://maps.example.com/route')> not mocked!",
        "uncalled": "RESPX: some routes were not called!",
    },
    "pytest_httpx": {
        "unmocked": "No response can be found for GET request on https://maps.example.com/route",
        "uncalled": "The following responses are mocked but not requested",
    },
    "responses": {
        "unmocked": "Connection refused by Responses - the call doesn't match any registered mock.",
        "uncalled": "Not all requests have been executed [('GET', 'https://weather.example.com/today')]",
    },
}
OURS = {
    "unserved": "no stub answers GET https://api.smartcar.com/v2.0/vehicles/abc/battery "
    "(endpoint battery).",
    "unrequested": "the code under test never made a request these stubs answer:",
}
#: Inner tests of each kind without decorators: 11 forms (FORMS in the suite), 2 clients each.
N_FORMS = 2 * 11


def _family(name: str) -> str:
    if "respx" in name:
        return "respx"
    if "httpx_mock" in name:
        return "pytest_httpx"
    return "responses"


def _kind(name: str) -> str:
    """What an inner test expects, from its name (see the suite's docstring)."""
    if name.startswith("test_ok_"):
        return "ok"
    return next(k for k in ("unmocked", "uncalled", "unserved", "unrequested") if k in name)


def _check(results: dict[str, str]) -> None:
    counts = dict.fromkeys(("ok", "unmocked", "uncalled", "unserved", "unrequested"), 0)
    problems = []
    for name, text in results.items():
        kind = _kind(name)
        counts[kind] += 1
        if kind == "ok":
            if text:
                problems.append(f"{name} should pass:\n{text[:1500]}")
            continue
        if kind in ("unmocked", "uncalled"):  # the user's mock fails the test, not us
            expected = THEIRS[_family(name)][kind]
            unwanted = ["pytest-smartcar"]
        else:  # we fail the test, and the user's mock has nothing to say
            expected = OURS[kind]
            unwanted = [m for messages in THEIRS.values() for m in messages.values()]
        extra = [m for m in unwanted if m in text]
        if expected not in text or extra:
            problems.append(f"{name}: wanted {expected!r}, not {extra}:\n{text[:1500]}")
    assert not problems, "\n\n".join(problems)
    # 2 clients for each of the 11 forms, plus the decorated tests.
    assert counts == {
        "ok": N_FORMS + 4,
        "unmocked": N_FORMS + 4,
        "uncalled": N_FORMS + 2,
        "unserved": N_FORMS,
        "unrequested": N_FORMS,
    }


@pytest.mark.parametrize("guard", ["socket-sentinel", "pytest-socket"])
def test_every_mock_keeps_its_hosts_and_its_strictness(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, guard: str
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_coexistence=SUITE)
    args = [*INNER, "--junitxml=out.xml", "-p", "no:asyncio"]
    if guard == "pytest-socket":
        monkeypatch.setenv("SMARTCAR_TEST_NO_SENTINEL", "1")
        # asyncio's event loop needs a socketpair (a Unix socket); Internet sockets are off.
        result = pytester.runpytest_subprocess(
            *args, "-p", "socket", "--disable-socket", "--allow-unix-socket"
        )
        assert "SocketBlockedError" not in result.stdout.str()
    else:
        result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _check(junit_results(pytester.path / "out.xml"))
    assert attempts(pytester.path) == []


def test_pytest_responses_fixture(pytester: pytest.Pytester) -> None:
    """pytest-responses starts ``responses`` for every test and gives a fixture of it."""
    pytest.importorskip("pytest_responses")
    pytester.makepyfile(
        """
        import requests

        SMARTCAR = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"

        def test_both(smartcar_error, responses):
            responses.get("https://weather.example.com/today", json={"sun": True})
            smartcar_error.serve("VEHICLE_STATE:ASLEEP")
            assert requests.get(SMARTCAR).status_code == 409
            assert requests.get("https://weather.example.com/today").json() == {"sun": True}
        """
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=1)


# --- stub_smartcar() without pytest -------------------------------------------------------

SCRIPT = """
import asyncio
import socket

import httpx
import requests
import respx
import responses

from pytest_smartcar import stub_smartcar
from pytest_smartcar.transports import install


def refuse(*args, **kwargs):
    raise OSError("SOCKET SENTINEL")


socket.socket.connect = refuse
SMARTCAR = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
OTHER = "https://weather.example.com/today"


async def async_get(url):
    async with httpx.AsyncClient() as client:
        return await client.get(url)


with respx.mock() as router, responses.RequestsMock() as rsps, stub_smartcar() as stub:
    router.get(OTHER).respond(200, json={"from": "respx"})
    rsps.get(OTHER, json={"from": "responses"})
    stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    print("smartcar", httpx.get(SMARTCAR).status_code, asyncio.run(async_get(SMARTCAR)).status_code,
          requests.get(SMARTCAR).status_code)
    print("other", httpx.get(OTHER).json()["from"], asyncio.run(async_get(OTHER)).json()["from"],
          requests.get(OTHER).json()["from"])
    print("patched while active", install.installed())
    try:
        requests.get("https://maps.example.com/route")
    except requests.ConnectionError as exc:
        print("responses keeps its strictness:", str(exc).splitlines()[0])
    try:
        httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/battery")
    except AssertionError as exc:
        print("ours keeps ours:", str(exc).splitlines()[0])
        stub.unmatched.clear()  # handled here, so the with block does not report it
print("patched after", install.installed(), "calls", stub.call_count)
"""


def test_stub_smartcar_without_pytest(tmp_path: Path) -> None:
    script = tmp_path / "app_check.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "smartcar 409 409 409",
        "other respx respx responses",
        "patched while active ['httpx', 'requests']",
        "responses keeps its strictness: Connection refused by Responses - the call doesn't "
        "match any registered mock.",
        "ours keeps ours: pytest-smartcar: no stub answers GET "
        "https://api.smartcar.com/v2.0/vehicles/abc/battery (endpoint battery).",
        "patched after [] calls 3",
    ]
