"""The session-wide guard: no Smartcar request leaves the machine, and nothing leaks.

- The leaks of issue 12 (other schemes, ports and trailing dots; several engines at once;
  ``responses`` started late; custom adapters; clients we do not intercept; threads and
  pools outliving their test): ``tests/suites/leaks.py``, run under a socket sentinel.
- An engine started and never stopped: stopped at the end of its scope with a warning
  naming where it was started, and nothing stays patched after the session.
- A pytester session inside a test hands the guard back as it found it.
- Without a stub every Smartcar host is refused, in every phase, before any socket; with
  the opt-out (option or ini key) the request goes through, down to the socket layer.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import httpx
import pytest

from pytest_smartcar import SmartcarStub
from tests.support import INNER, SENTINEL_CONFTEST, attempts, junit_results

SUITES = Path(__file__).parent / "suites"
ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


def test_every_leak_is_closed(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SENTINEL_CONFTEST)
    pytester.makepyfile(test_leaks=(SUITES / "leaks.py").read_text(encoding="utf-8"))
    result = pytester.runpytest(*INNER, "--junitxml=out.xml", "-W", "error")
    failed = {name: text for name, text in junit_results(pytester.path / "out.xml").items() if text}
    assert not failed, "\n\n".join(f"{n}:\n{t[:2000]}" for n, t in failed.items())
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) == 68 and set(outcomes) <= {"passed", "seconds"}
    assert attempts(pytester.path) == []


# --- an engine nobody stopped -------------------------------------------------------------

FORGOTTEN_CONFTEST = """
import atexit
import json
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import requests

ORIGINAL = {
    "httpx": httpx.Client._send_single_request,
    "httpx-async": httpx.AsyncClient._send_single_request,
    "requests": requests.Session.get_adapter,
    "getaddrinfo": socket.getaddrinfo,
    "thread-start": threading.Thread.start,
    "pool-submit": ThreadPoolExecutor.submit,
}
NOW = {
    "httpx": lambda: httpx.Client._send_single_request,
    "httpx-async": lambda: httpx.AsyncClient._send_single_request,
    "requests": lambda: requests.Session.get_adapter,
    "getaddrinfo": lambda: socket.getaddrinfo,
    "thread-start": lambda: threading.Thread.start,
    "pool-submit": lambda: ThreadPoolExecutor.submit,
}


@atexit.register
def _after_the_session():
    from pytest_smartcar.transports import guard, install

    state = {
        "installed": install.installed(),
        "still patched": sorted(k for k in ORIGINAL if NOW[k]() is not ORIGINAL[k]),
        "engines": len(guard.engines()),
        "guarding": guard.settings.guarding,
        "import hook": install._finder in sys.meta_path,
    }
    print("AFTER THE SESSION", json.dumps(state, sort_keys=True))
"""

FORGOTTEN = {
    "test_a.py": """
        import httpx
        import pytest
        import requests

        from pytest_smartcar import stub_smartcar

        ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


        def test_forgets_to_stop():
            stub = stub_smartcar()
            stub.serve("VEHICLE_STATE:ASLEEP", optional=True)
            stub.start()  # line 13


        def test_the_next_test_is_not_answered_by_it():
            with pytest.raises(AssertionError, match="No stub is active"):
                httpx.get(ODOMETER)
            with pytest.raises(AssertionError, match="No stub is active"):
                requests.get(ODOMETER)


        @pytest.fixture(scope="module")
        def module_engine():
            stub = stub_smartcar()
            stub.serve("RATE_LIMIT:VEHICLE", optional=True)
            yield stub.start()  # line 27: never stopped


        def test_uses_the_module_engine(module_engine):
            assert httpx.get(ODOMETER).status_code == 429


        def test_the_module_engine_lasts_its_module(module_engine):
            assert requests.get(ODOMETER).status_code == 429
    """,
    "test_b.py": """
        import httpx
        import pytest

        from pytest_smartcar import stub_smartcar

        ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


        def test_the_next_module_is_not_answered_by_the_module_engine():
            with pytest.raises(AssertionError, match="No stub is active"):
                httpx.get(ODOMETER)


        @pytest.fixture(scope="session")
        def session_engine():
            yield stub_smartcar().start()  # line 16: belongs to the session


        def test_a_session_engine_lasts_the_session(session_engine):
            assert session_engine.active
    """,
}


def test_a_forgotten_start_is_stopped_and_nothing_stays_patched(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FORGOTTEN_CONFTEST)
    pytester.makepyfile(**{k: textwrap.dedent(v) for k, v in FORGOTTEN.items()})
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, warnings=2)
    a, b = pytester.path / "test_a.py", pytester.path / "test_b.py"
    result.stdout.fnmatch_lines(
        [
            f"*/test_a.py:13: SmartcarStubLeakWarning: pytest-smartcar: a stub_smartcar() "
            f"started at {a}:13 was still active at the end of "
            "test_a.py::test_forgets_to_stop; it was stopped now, so it answers no later "
            "test. *",
            f"*/test_a.py:27: SmartcarStubLeakWarning: pytest-smartcar: a stub_smartcar() "
            f"started at {a}:27 was still active at the end of test_a.py; *",
        ]
    )
    # The session fixture's engine: stopped when the session ends (after pytest's
    # warnings summary, so on stderr).
    result.stderr.fnmatch_lines(
        [f"*{b}:16: SmartcarStubLeakWarning: *started at {b}:16 was still active at the end*"]
    )
    result.stderr.fnmatch_lines(["*the end of the session; it was stopped now*"])
    result.stdout.fnmatch_lines(
        [
            'AFTER THE SESSION {"engines": 0, "guarding": false, "import hook": false, '
            '"installed": [], "still patched": []}'
        ]
    )


def test_a_session_inside_a_test_hands_the_guard_back(
    pytester: pytest.Pytester, smartcar_error: SmartcarStub
) -> None:
    """pytester runs sessions in this process: the inner one must not switch off the
    outer one's guard, nor stop the outer test's engine."""
    from pytest_smartcar.transports import guard

    stub = smartcar_error
    stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer")
    before = (guard.settings.guarding, guard.settings.allow_network, guard.settings.scope)
    pytester.makepyfile("def test_inner(): pass")
    pytester.runpytest(*INNER, "--smartcar-allow-network").assert_outcomes(passed=1)
    assert (guard.settings.guarding, guard.settings.allow_network, guard.settings.scope) == before
    assert guard.engines()[-1] is stub
    assert httpx.get(ODOMETER).status_code == 409
    with pytest.raises(AssertionError, match="no stub answers GET"):
        httpx.get(ODOMETER.replace("odometer", "battery"))
    stub.unmatched.clear()


# --- no stub: every Smartcar host refused; the opt-out lets it through ----------------------

UNSTUBBED = """
import asyncio

import aiohttp
import httpx
import pytest
import requests

OVERRIDE = "http://127.0.0.1:8765"
URLS = [
    "https://api.smartcar.com/v2.0/vehicles/abc/odometer",
    "https://iam.smartcar.com/oauth2/token",
    "https://management.api.smartcar.com/v3/webhooks",
    "https://foo.smartcar.com/",
    "https://API.SMARTCAR.COM./v2.0/vehicles",
    OVERRIDE + "/v2.0/vehicles",
]


def send(client, url):
    body = {"grant_type": "client_credentials", "client_secret": "s3cr3t"}
    if client == "httpx-sync":
        return httpx.post(url, data=body)
    if client == "httpx-async":
        async def go():
            async with httpx.AsyncClient() as c:
                return await c.post(url, data=body)
        return asyncio.run(go())
    if client == "aiohttp":
        async def go_aiohttp():
            async with aiohttp.ClientSession() as session:
                async with session.post(url, data=body) as response:
                    return response.status
        return asyncio.run(go_aiohttp())
    return requests.post(url, data=body, timeout=5)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("client", ["httpx-sync", "httpx-async", "requests", "aiohttp"])
def test_call(monkeypatch, client, url):
    monkeypatch.setenv("SMARTCAR_API_ORIGIN", OVERRIDE)
    send(client, url)
"""

PHASES = """
import httpx
import pytest
import requests

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
SEEN = []


def refused(call):
    try:
        call()
    except AssertionError as exc:
        SEEN.append(str(exc).splitlines()[1])
    else:
        SEEN.append("answered")


refused(lambda: httpx.get(ODOMETER))  # at import


@pytest.fixture(scope="module")
def in_module_fixture():
    refused(lambda: requests.get(ODOMETER))


@pytest.fixture
def in_setup_and_teardown():
    refused(lambda: httpx.get(ODOMETER))
    yield
    refused(lambda: requests.get(ODOMETER))


def test_1(in_module_fixture, in_setup_and_teardown):
    pass


def test_2_every_phase_was_refused():
    assert SEEN == [
        "No stub is active: the plugin refuses every Smartcar request that no stub answers, "
        "in every test and fixture."
    ] * 4
"""


def _refused_everywhere(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makeconftest(SENTINEL_CONFTEST)
    pytester.makepyfile(test_unstubbed=UNSTUBBED, test_phases=PHASES)
    return pytester.runpytest(*INNER, "--junitxml=out.xml", *args)


def test_without_a_stub_every_smartcar_host_is_refused(pytester: pytest.Pytester) -> None:
    result = _refused_everywhere(pytester)
    result.assert_outcomes(failed=24, passed=2)
    for name, text in junit_results(pytester.path / "out.xml").items():
        if name.startswith("test_call"):
            assert "No stub is active: the plugin refuses every Smartcar request" in text, name
            assert "--smartcar-allow-network (ini: smartcar_allow_network = true)" in text
            assert "s3cr3t" not in text
    assert attempts(pytester.path) == []


@pytest.mark.parametrize("how", ["option", "ini"])
def test_the_opt_out_lets_requests_reach_the_socket_layer(
    pytester: pytest.Pytester, how: str
) -> None:
    if how == "ini":
        pytester.makeini("[pytest]\nsmartcar_allow_network = true\n")
    pytester.makeconftest(SENTINEL_CONFTEST)
    pytester.makepyfile(test_unstubbed=UNSTUBBED)  # PHASES would resolve names for real
    args = ["--smartcar-allow-network"] if how == "option" else []
    result = pytester.runpytest(*INNER, "--junitxml=out.xml", *args)
    result.assert_outcomes(failed=24)
    results = junit_results(pytester.path / "out.xml")
    assert not [name for name, text in results.items() if "No stub is active" in text]
    # Each request went past the plugin: name resolution or connect reached the sentinel.
    assert {test for _, _, test in attempts(pytester.path)} == set(results)


STRAY_WITH_OPT_OUT = """
import threading

import httpx

GO, LATER, THREADS = threading.Event(), {}, []


def later():
    GO.wait(10)
    try:
        httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
    except Exception as exc:
        LATER["error"] = repr(exc)


def test_1_starts_a_thread(smartcar_error):
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", optional=True)
    THREADS.append(threading.Thread(target=later))
    THREADS[0].start()


def test_2_is_not_answered_for_it(smartcar_error):
    smartcar_error.serve("VEHICLE_STATE:ASLEEP", optional=True)
    GO.set()
    THREADS[0].join(10)
    assert smartcar_error.calls == []
    assert "socket sentinel" in LATER["error"], LATER
"""


def test_a_stray_thread_goes_on_like_any_unanswered_request_with_the_opt_out(
    pytester: pytest.Pytester,
) -> None:
    """With --smartcar-allow-network a thread that outlived its test is still not answered
    by the next test's stub; its request goes on, as any unanswered one would."""
    pytester.makeconftest(SENTINEL_CONFTEST)
    pytester.makepyfile(test_stray=STRAY_WITH_OPT_OUT)
    pytester.runpytest(*INNER, "--smartcar-allow-network").assert_outcomes(passed=2)
    assert [kind for kind, _, _ in attempts(pytester.path)] == ["getaddrinfo"]


def test_the_docs_name_every_variable_the_guard_reads() -> None:
    from pytest_smartcar.hosts import ENV_ORIGINS

    page = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert [v for v in ENV_ORIGINS if f"`{v}`" not in page] == []
