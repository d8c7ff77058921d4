"""An aiohttp app under the plugin, as its users run it: async tests (pytest-asyncio), a
session fixture, markers, sequences and batch; then the same suite with no stub, under
pytest-socket, where every request must fail with the guard's message before any socket.

The inner runs use whichever aiohttp is installed: CI runs this module on the newest and
on the oldest aiohttp we support (``.ci/run``).
"""

from __future__ import annotations

import re

import pytest

from pytest_smartcar.catalog import API_ERRORS
from tests.support import INNER

#: INNER without "-p no:asyncio": these inner suites are async, as aiohttp apps' are.
_AT = INNER.index("no:asyncio")
FLAGS = INNER[: _AT - 1] + INNER[_AT + 1 :]
#: pytest-socket in the inner run (asyncio's own loop needs a Unix socket pair).
NO_SOCKETS = ("-p", "socket", "--disable-socket", "--allow-unix-socket")
INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

APP = '''
"""The app under test: a small aiohttp client of Smartcar's v2.0 API."""
import aiohttp

API = "https://api.smartcar.com/v2.0"
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
AUTH = {"Authorization": "Bearer access-token-123"}


async def odometer(session):
    async with session.get(f"{API}/vehicles/{VEHICLE}/odometer", headers=AUTH) as resp:
        await resp.read()
        return resp


async def lock(session):
    url = f"{API}/vehicles/{VEHICLE}/security"
    async with session.post(url, json={"action": "LOCK"}, headers=AUTH) as resp:
        await resp.read()
        return resp


async def batch(session, paths):
    body = {"requests": [{"path": p} for p in paths]}
    async with session.post(f"{API}/vehicles/{VEHICLE}/batch", json=body, headers=AUTH) as resp:
        return resp.status, await resp.json()
'''

CONFTEST = """
import aiohttp
import pytest


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as shared:
        yield shared
"""

SUITE = """
import json

import pytest

import app
from pytest_smartcar import SmartcarError


def check(resp, spec, calls, endpoint):
    err = SmartcarError.from_response(resp)
    assert resp.status == spec.status
    assert (err.type, err.code, err.resolution) == (spec.type, spec.code, spec.resolution)
    assert err.request_id == resp.headers["sc-request-id"]
    assert err.retry_after == (float(spec.retry_after) if spec.retry_after else None)
    (call,) = calls
    assert (call.endpoint, call.exchange.client, call.key) == (endpoint, "aiohttp", spec.key)
    assert call.request.headers["authorization"] == "Bearer access-token-123"


@pytest.mark.smartcar_error
async def test_every_error_on_the_odometer(smartcar_error, session):
    resp = await app.odometer(session)
    check(resp, smartcar_error.spec, smartcar_error.calls, "odometer")


@pytest.mark.smartcar_error(endpoint="lock")
async def test_every_error_on_lock(smartcar_error, session):
    resp = await app.lock(session)
    check(resp, smartcar_error.spec, smartcar_error.calls, "lock")
    assert json.loads(smartcar_error.calls[0].exchange.body) == {"action": "LOCK"}


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", times=2, then="success")
async def test_rate_limited_twice_then_success(smartcar_error, session):
    statuses = [(await app.odometer(session)).status for _ in range(3)]
    assert statuses == [429, 429, 200]
    assert smartcar_error.served == {"RATE_LIMIT:VEHICLE": 2, "success": 1}


@pytest.mark.smartcar_error(
    "SERVER:INTERNAL", times=1, then=["UPSTREAM:NO_RESPONSE", {"distance": 1.5}]
)
async def test_then_sequence_ends_on_its_last_outcome(smartcar_error, session):
    replies = [await app.odometer(session) for _ in range(4)]
    assert [r.status for r in replies] == [500, 502, 200, 200]
    assert await replies[-1].json() == {"distance": 1.5}


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", endpoint="batch", batch_paths=["/odometer"])
async def test_one_batch_item_fails(smartcar_error, session):
    status, body = await app.batch(session, ["/odometer", "/battery"])
    items = {item["path"]: item for item in body["responses"]}
    assert status == 200
    assert (items["/odometer"]["code"], items["/odometer"]["body"]["code"]) == (409, "ASLEEP")
    assert items["/battery"]["code"] == 200
    assert smartcar_error.calls[0].endpoint == "batch"


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", endpoint="batch", batch_whole=True)
async def test_the_whole_batch_fails(smartcar_error, session):
    status, body = await app.batch(session, ["/odometer"])
    assert (status, body["code"]) == (429, "VEHICLE")
"""

#: The suite's tests, as (name, how many items the markers make of it).
ITEMS = {
    "test_every_error_on_the_odometer": len(API_ERRORS),
    "test_every_error_on_lock": len(API_ERRORS),
    "test_rate_limited_twice_then_success": 1,
    "test_then_sequence_ends_on_its_last_outcome": 1,
    "test_one_batch_item_fails": 1,
    "test_the_whole_batch_fails": 1,
}


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("PYTEST_ADDOPTS")  # the inner suites need pytest-asyncio
    pytester.makeini(INI)
    pytester.makepyfile(app=APP, conftest=CONFTEST)
    pytester.syspathinsert()
    return pytester


def test_the_suite_passes_for_every_error_sequence_and_batch(project: pytest.Pytester) -> None:
    project.makepyfile(test_app=SUITE)
    result = project.runpytest_subprocess(*FLAGS, "-p", "asyncio", "-v", *NO_SOCKETS)
    result.assert_outcomes(passed=sum(ITEMS.values()))
    for key in ("AUTHENTICATION", "VEHICLE_STATE:ASLEEP", "BILLING:VEHICLE_LIMIT"):
        result.stdout.fnmatch_lines([f"*test_every_error_on_lock*{key}* PASSED*"])


def _without_markers(suite: str) -> str:
    """The same tests with every ``@pytest.mark.smartcar_error(...)`` taken off."""
    return re.sub(r"^@pytest\.mark\.smartcar_error(\((?:[^()]|\n)*?\))?\n", "", suite, flags=re.M)


def test_with_no_stub_every_request_fails_with_the_guards_message_and_no_socket(
    project: pytest.Pytester,
) -> None:
    unstubbed = _without_markers(SUITE)
    assert "smartcar_error(" not in unstubbed.replace("def ", "")
    project.makepyfile(test_app=unstubbed)
    result = project.runpytest_subprocess(*FLAGS, "-p", "asyncio", *NO_SOCKETS)
    result.assert_outcomes(failed=len(ITEMS))
    out = result.stdout.str()
    for name in ITEMS:
        result.stdout.fnmatch_lines([f"*_ {name} _*"])
    for what in ("GET */odometer (endpoint odometer)", "POST */security (endpoint lock)"):
        result.stdout.fnmatch_lines([f"E * pytest-smartcar: no stub answers {what}."])
    assert out.count("Nothing is served yet") == len(ITEMS)
    # Refused by the guard inside aiohttp, before any socket: not pytest-socket's error.
    assert "SocketBlockedError" not in out and "tried to use socket" not in out
    # Shown at the app's line, with aiohttp's and our frames left out.
    result.stdout.fnmatch_lines(
        [
            "app.py:10: in odometer",
            "    async with session.get(*",
            "E   *UnmatchedSmartcarRequest: pytest-smartcar: no stub answers GET *",
        ],
        consecutive=True,
    )
    failures = out.split("= FAILURES =")[1].split("short test summary info")[0]
    assert "site-packages/aiohttp/" not in failures and "/pytest_smartcar/" not in failures
    assert "access-token-123" not in out
