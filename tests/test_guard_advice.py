"""What a refused Smartcar request tells the user: a fix that works, the likely URL
mistake, and the line of their own code that made the request.

- ``serve(..., endpoint="*")`` answers any path on any Smartcar host, listed or not.
- Each fix the refusal offers is taken literally (``"KEY"`` replaced by a real key) in a
  second run, and the request then passes: the advice never loops.
- ``messages.wrong_url_hint`` names a missing or misspelt version, a version on the wrong
  host, an unknown subdomain, a trailing slash, a missing action or another method.
- The failure shows the app's frame, not httpx's, requests', the SDK's or ours, in every
  phase and client.
"""

from __future__ import annotations

import re
import textwrap
from urllib.parse import urlsplit

import pytest

from pytest_smartcar import stub_smartcar
from pytest_smartcar.exchange import SmartcarRequest
from pytest_smartcar.messages import wrong_url_hint
from tests.support import INNER
from tests.transports import Transport

# --- endpoint="*" serves every Smartcar path ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.smartcar.com/v2.0/vehicles/abc/not-in-the-table",
        "https://api.smartcar.com/",
        "https://vehicle.api.smartcar.com/v3/vehicles/abc/anything/else?x=1",
        "https://management.api.smartcar.com/v3/webhooks/w1/subscriptions",
        "https://iam.smartcar.com/oauth2/token",
        "https://connect.smartcar.com/oauth/authorize",
        "https://foo.bar.smartcar.com:9443/",
        "https://smartcar.com/docs",
        "http://127.0.0.1:8765/base/v2.0/vehicles/abc/odometer",
    ],
)
def test_catch_all_serves_any_smartcar_path(
    client: Transport, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("SMARTCAR_API_ORIGIN", "http://127.0.0.1:8765/base")
    auth = {"Authorization": "Bearer access-token"}  # V3 hosts refuse a request without
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL", endpoint="*")
        reply = client.post(url, headers=auth) if "token" in url else client.get(url, headers=auth)
    assert reply.status == 500
    assert [(c.exchange.url, c.key) for c in stub.calls] == [(url, "SERVER:INTERNAL")]


# --- the advice works when followed ----------------------------------------------------------

#: (name, what the test declares before the request, the request) -> refused as it stands.
SCENARIOS = {
    "nothing-served": ("", "httpx.get(f'{API}/vehicles/abc/odometer')"),
    "other-endpoint": (
        "smartcar_error.serve('VEHICLE_STATE:ASLEEP', endpoint='battery', optional=True)",
        "requests.get(f'{API}/vehicles/abc/odometer')",
    ),
    "other-vehicle": (
        "smartcar_error.serve('VEHICLE_STATE:ASLEEP', vehicle_id='xyz', optional=True)",
        "httpx.get(f'{API}/vehicles/abc/odometer')",
    ),
    "used-up": (
        "smartcar_error.serve('VEHICLE_STATE:ASLEEP', times=1)\n"
        "    httpx.get(f'{API}/vehicles/abc/odometer')",
        "httpx.get(f'{API}/vehicles/abc/odometer')",
    ),
    "other-method": (
        "smartcar_error.serve('VEHICLE_STATE:ASLEEP', method='GET', endpoint='*', optional=True)",
        "requests.post(f'{API}/vehicles/abc/security', json={'action': 'LOCK'})",
    ),
    "unlisted-path": ("", "httpx.get(f'{API}/vehicles/abc/not-in-the-table')"),
    "unlisted-host": ("", "requests.get('https://foo.smartcar.com/x')"),
    "v3-token": ("", "httpx.post('https://iam.smartcar.com/oauth2/token', data={'a': 'b'})"),
}

WITH_FIXTURE = """
import httpx
import pytest
import requests
from pytest_smartcar import stub_smartcar

API = "https://api.smartcar.com/v2.0"


{decorator}
def test_it(smartcar_error):
    {declared}
    {fix}
    response = {call}
    assert response.status_code in (200, 500)
"""


def _advised(text: str) -> list[str]:
    """The serve()/succeed() calls a refusal offers, with "KEY" made a real key."""
    offered = r'(\w+\.(?:serve\("KEY", endpoint="[^"]+"\)|succeed\(endpoint="[^"]+"\)))'
    calls = dict.fromkeys(re.findall(offered, text))
    return [c.replace('"KEY"', '"SERVER:INTERNAL"') for c in calls]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_following_the_advice_makes_the_request_pass(
    pytester: pytest.Pytester, scenario: str
) -> None:
    declared, call = SCENARIOS[scenario]
    source = WITH_FIXTURE.format(decorator="", declared=declared or "pass", fix="", call=call)
    pytester.makepyfile(test_advice=source)
    refused = pytester.runpytest(*INNER)
    refused.assert_outcomes(failed=1)
    advice = _advised(refused.stdout.str())
    assert len(advice) == 2, refused.stdout.str()  # an error, and a success
    for fix in advice:
        followed = WITH_FIXTURE.format(
            decorator="", declared=declared or "pass", fix=fix, call=call
        )
        pytester.makepyfile(test_advice=followed)
        result = pytester.runpytest(*INNER)
        assert result.ret == pytest.ExitCode.OK, f"{fix}:\n{result.stdout.str()}"


@pytest.mark.parametrize("scenario", ["nothing-served", "unlisted-path", "v3-token"])
def test_following_the_advice_without_the_fixture(pytester: pytest.Pytester, scenario: str) -> None:
    """Without an active stub the refusal offers the fixture, the marker and stub_smartcar()."""
    _, call = SCENARIOS[scenario]
    bare = WITH_FIXTURE.replace("def test_it(smartcar_error):", "def test_it():")
    pytester.makepyfile(test_advice=bare.format(decorator="", declared="pass", fix="", call=call))
    refused = pytester.runpytest(*INNER)
    refused.assert_outcomes(failed=1)
    out = refused.stdout.str()
    [target] = set(re.findall(r'@pytest\.mark\.smartcar_error\("KEY", endpoint="([^"]+)"\)', out))
    assert f'smartcar_error.serve("KEY", endpoint="{target}")' in out
    assert 'wrap the code in "with stub_smartcar() as stub: stub.serve(...)"' in out
    served = f'"SERVER:INTERNAL", endpoint="{target}"'
    wrapped = (
        f"None\n    with stub_smartcar() as stub:\n        stub.serve({served})\n"
        f"        response = {call}"
    )
    followed = {
        "fixture": WITH_FIXTURE.format(
            decorator="", declared="pass", fix=f"smartcar_error.serve({served})", call=call
        ),
        "marker": WITH_FIXTURE.format(
            decorator=f"@pytest.mark.smartcar_error({served})", declared="pass", fix="", call=call
        ),
        "stub_smartcar": bare.format(decorator="", declared="pass", fix="", call=wrapped),
    }
    for name, source in followed.items():
        pytester.makepyfile(test_advice=source)
        result = pytester.runpytest(*INNER)
        assert result.ret == pytest.ExitCode.OK, f"{name}:\n{source}\n{result.stdout.str()}"


# --- the likely URL mistake ---------------------------------------------------------------


def _request(method: str, url: str, body: bytes = b"") -> SmartcarRequest:
    parts = urlsplit(url)
    return SmartcarRequest(
        method, url, [], body, client="test", scheme=parts.scheme, host=parts.hostname or "",
        port=parts.port, path=parts.path or "/", query=parts.query,
    )  # fmt: skip


V2 = "https://api.smartcar.com"


@pytest.mark.parametrize(
    ("method", "url", "body", "hint"),
    [
        ("GET", f"{V2}/vehicles/abc/odometer", b"", "the path has no API version; Smartcar's "
         "paths on api.smartcar.com start with /v2.0/."),
        ("GET", f"{V2}/v2/vehicles/abc/odometer", b"", "Smartcar's v2.0 paths start with "
         "/v2.0/, not /v2/."),
        ("GET", f"{V2}/v3/vehicles/abc/signals", b"", "API V3 is served on "
         "vehicle.api.smartcar.com (https://vehicle.api.smartcar.com/v3/...)."),
        ("GET", "https://vehicle.api.smartcar.com/v2.0/vehicles/abc/odometer", b"", "API v2.0 "
         "(and v1.0) is served on api.smartcar.com (https://api.smartcar.com/v2.0/...)."),
        ("GET", "https://vehicle.api.smartcar.com/vehicles/abc", b"", "the path has no API "
         "version; Smartcar's paths on vehicle.api.smartcar.com start with /v3/."),
        ("GET", "https://vehicles.smartcar.com/v3/vehicles/abc", b"", "vehicles.smartcar.com "
         "serves no documented Smartcar API (documented hosts: api.smartcar.com, "
         "auth.smartcar.com, iam.smartcar.com, management.api.smartcar.com, "
         "management.smartcar.com, vehicle.api.smartcar.com)."),
        ("GET", f"{V2}/v2.0/vehicles/abc/odometer/", b"", "drop the trailing slash: "
         "/v2.0/vehicles/abc/odometer is endpoint odometer."),
        ("POST", f"{V2}/v2.0/vehicles/abc/security", b'{"action": "OPEN"}', "POST "
         '/v2.0/vehicles/abc/security needs a JSON body with "action": one of LOCK, UNLOCK.'),
        ("POST", f"{V2}/v2.0/vehicles/abc/odometer", b"", "this path answers GET (odometer), "
         "not POST."),
        ("GET", "https://auth.smartcar.com/oauth/token", b"", "this path answers POST (token), "
         "not GET."),
        ("GET", f"{V2}/v2.0/vehicles/abc/not-in-the-table", b"", None),
        ("POST", "https://iam.smartcar.com/oauth2/token", b"", None),
    ],
    ids=[
        "no-version", "v2-not-v2.0", "v3-on-v2-host", "v2-on-v3-host", "v3-no-version",
        "unknown-subdomain", "trailing-slash", "bad-action", "method", "token-method",
        "unlisted", "v3-token",
    ],
)  # fmt: skip
def test_wrong_url_hint(method: str, url: str, body: bytes, hint: str | None) -> None:
    assert wrong_url_hint(_request(method, url, body)) == hint


def test_the_hint_is_in_the_refusal(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_it(smartcar_error):
            httpx.get("https://api.smartcar.com/vehicles/abc/odometer")
        """
    )
    result = pytester.runpytest(*INNER)
    result.stdout.fnmatch_lines(
        [
            "E *no stub answers GET https://api.smartcar.com/vehicles/abc/odometer (a path "
            "not in pytest-smartcar's endpoint table).",
            "E *Nothing is served yet*",
            "E *The URL is probably wrong: the path has no API version; Smartcar's paths on "
            "api.smartcar.com start with /v2.0/.",
        ]
    )


# --- the failure points at the app ----------------------------------------------------------

APP = """
import asyncio

import httpx
import requests
import smartcar

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


def read_odometer(client):
    if client == "httpx-sync":
        return httpx.get(ODOMETER)  # the line: httpx-sync
    if client == "httpx-async":
        return asyncio.run(_read_async())
    if client == "requests":
        return requests.get(ODOMETER)  # the line: requests
    return smartcar.Vehicle("abc", "access-token").odometer()  # the line: sdk


async def _read_async():
    async with httpx.AsyncClient() as client:
        return await client.get(ODOMETER)  # the line: httpx-async
"""
CLIENTS = ["httpx-sync", "httpx-async", "requests", "sdk"]

PHASES = {
    "call": """
        def test_it(smartcar_error):
            app.read_odometer(CLIENT)
    """,
    "setup": """
        @pytest.fixture
        def reading():
            return app.read_odometer(CLIENT)

        def test_it(reading):
            pass
    """,
    "teardown": """
        @pytest.fixture
        def reading():
            yield
            app.read_odometer(CLIENT)

        def test_it(reading):
            pass
    """,
    "import": """
        app.read_odometer(CLIENT)

        def test_it():
            pass
    """,
}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("client", CLIENTS)
def test_the_refusal_points_at_the_app(pytester: pytest.Pytester, client: str, phase: str) -> None:
    app = pytester.makepyfile(app=APP).read_text().splitlines()
    line = next(n for n, text in enumerate(app, 1) if text.endswith(f"# the line: {client}"))
    header = f"import pytest\nimport app\nCLIENT = {client!r}\n"
    pytester.makepyfile(test_app=header + textwrap.dedent(PHASES[phase]))
    result = pytester.runpytest(*INNER)
    assert result.ret in (pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED)
    out = result.stdout.str()
    assert f"app.py:{line}: " in out, out
    assert "pytest-smartcar: no stub answers GET" in out
    for plumbing in ("httpx", "httpcore", "requests", "smartcar", "pytest_smartcar", "asyncio"):
        assert f"/{plumbing}/" not in out, f"{plumbing} frames shown:\n{out}"
    if phase != "import":  # the short summary names the refused request, not our class
        summary = out.split("short test summary info")[1]
        assert " - no stub answers GET" in summary, summary
