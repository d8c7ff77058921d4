"""Issue 13's acceptance for serving API V3, as users meet it: pytester runs of user test
modules for an httpx V3 client.

1. The bare marker on ``v3.signals``, a command and ``v3.connections`` passes for every
   catalog error, each response read by the V3 truth rules; the same module on v2.0 paths
   keeps passing.
2. ``signals=[...]`` fails exactly the named signals inside a 200, and the coverage report
   counts them.
4. The token call, management V3 and every command path are served and never reach the
   network (pytest-socket's ``--disable-socket``).
"""

from __future__ import annotations

import json

import pytest

from pytest_smartcar import catalog
from pytest_smartcar.endpoints import ENDPOINTS
from tests.support import INNER

CLIENT_MODULE = '''
import httpx
import pytest

from pytest_smartcar import SmartcarError, catalog
from tests.v3_truth import truth

API = "{api}"
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
USER = "725146a3-8b9a-4f8e-9a8e-1d3f0f6b2c11"


class Chargely:
    """A V3 client as users write it now the SDKs are in maintenance: plain httpx."""

    def __init__(self):
        self.http = httpx.Client(headers={{"Authorization": "Bearer app-token"}})

    def battery(self):
        if API == "v3":
            url = f"https://vehicle.api.smartcar.com/v3/vehicles/{{VEHICLE}}/signals"
            return self.http.get(url, headers={{"sc-user-id": USER}})
        return self.http.get(f"https://api.smartcar.com/v2.0/vehicles/{{VEHICLE}}/battery")

    def lock(self):
        if API == "v3":
            url = f"https://vehicle.api.smartcar.com/v3/vehicles/{{VEHICLE}}/commands/security/lock"
            return self.http.post(url, headers={{"sc-user-id": USER}})
        url = f"https://api.smartcar.com/v2.0/vehicles/{{VEHICLE}}/security"
        return self.http.post(url, json={{"action": "LOCK"}})

    def connections(self):
        if API == "v3":
            return self.http.get("https://vehicle.api.smartcar.com/v3/connections")
        return self.http.get("https://management.smartcar.com/v2.0/management/connections")


APP = Chargely()
ENDPOINTS = {endpoints!r}


def check(response, spec):
    assert response.status_code == spec.status
    if API == "v3":
        got = truth(response.status_code, response.headers, response.content)
        assert (got["type"], got["code"], got["title"]) == (spec.type, spec.v3.code, spec.v3.title)
        assert got["description"] == spec.v3.detail and got["doc_url"] == spec.v3.about
        assert got["resolution"] == (spec.resolution if spec.v3.resolution else None)
        assert got["request_id"] == response.headers["sc-request-id"]
        assert "requestId" not in response.json()["errors"][0]
    else:
        err = SmartcarError.from_response(response)
        assert (err.type, err.code, err.resolution) == (spec.type, spec.code, spec.resolution)
        assert err.request_id == response.json()["requestId"]


@pytest.mark.smartcar_error(endpoint=ENDPOINTS[0])
def test_battery_survives_every_error(smartcar_error):
    check(APP.battery(), smartcar_error.spec)


@pytest.mark.smartcar_error(endpoint=ENDPOINTS[1])
def test_lock_survives_every_error(smartcar_error):
    check(APP.lock(), smartcar_error.spec)


@pytest.mark.smartcar_error(endpoint=ENDPOINTS[2])
def test_connections_survive_every_error(smartcar_error):
    check(APP.connections(), smartcar_error.spec)
'''

CASES = {
    "v3": (("v3.signals", "v3.commands.security.lock", "v3.connections"), catalog.V3_ERRORS),
    "v2.0": (("battery", "lock", "management.connections"), catalog.API_ERRORS),
}


@pytest.mark.parametrize("api", list(CASES))
def test_acceptance_1_bare_marker_on_signals_a_command_and_connections(
    pytester: pytest.Pytester, api: str
) -> None:
    endpoints, errors = CASES[api]
    pytester.makepyfile(test_chargely=CLIENT_MODULE.format(api=api, endpoints=endpoints))
    result = pytester.runpytest(*INNER, "--strict-markers", "-q")
    result.assert_outcomes(passed=3 * len(errors))
    keys = {s.key for s in errors}
    if api == "v3":  # the V3-only errors are part of it, the v2.0-only one is not
        assert {"AUTHENTICATION:ACCESS_DENIED", "VALIDATION:BAD_REQUEST"} <= keys
        assert "VALIDATION" not in keys
        result.stdout.no_fnmatch_line("*VALIDATION]*")


SIGNALS_MODULE = """
import httpx
import pytest

URL = "https://vehicle.api.smartcar.com/v3/vehicles/veh-1/signals"
HEADERS = {"Authorization": "Bearer t", "sc-user-id": "user-1"}


@pytest.mark.smartcar_error(
    "COMPATIBILITY:VEHICLE_NOT_CAPABLE",
    endpoint="v3.signals",
    signals=["TractionBattery.StateOfCharge"],
)
def test_one_signal_fails(smartcar_error):
    r = httpx.get(URL, headers=HEADERS)
    assert r.status_code == 200
    failed = {
        s["attributes"]["group"] + "." + s["attributes"]["name"]: s["attributes"]["status"]
        for s in r.json()["data"]
        if s["attributes"]["status"]["value"] == "ERROR"
    }
    assert failed == {"TractionBattery.StateOfCharge": {
        "value": "ERROR", "error": {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"}}}


def test_served_in_the_body(smartcar_error):
    smartcar_error.serve(
        "VEHICLE_STATE:ASLEEP", endpoint="v3.signals",
        signals=["Location.PreciseLocation", "Odometer.TraveledDistance"],
    )
    data = httpx.get(URL, headers=HEADERS).json()["data"]
    assert sorted(s["id"] for s in data if s["attributes"]["status"]["value"] == "ERROR") == [
        "location-preciselocation", "odometer-traveleddistance"]
"""


def test_acceptance_2_named_signals_fail_inside_a_200_and_are_counted(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_signals=SIGNALS_MODULE)
    result = pytester.runpytest(*INNER, "--smartcar-report-json=report.json")
    result.assert_outcomes(passed=2)
    report = json.loads((pytester.path / "report.json").read_text("utf-8"))
    assert report["scope"] == ["v3"]  # served on V3 requests: counted in the V3 catalog
    errors = report["v3"]["errors"]
    for key, test in [
        ("COMPATIBILITY:VEHICLE_NOT_CAPABLE", "test_signals.py::test_one_signal_fails"),
        ("VEHICLE_STATE:ASLEEP", "test_signals.py::test_served_in_the_body"),
    ]:
        assert errors[key]["exercised"] is True
        assert errors[key]["endpoints"] == ["v3.signals"]
        assert errors[key]["tests"] == [test]
    assert report["v3"]["exercised"] == 2
    assert report["api"]["exercised"] == 0


_BASES = {
    "v3": "https://vehicle.api.smartcar.com",
    "management.v3": "https://management.api.smartcar.com",
    "iam": "https://iam.smartcar.com",
}
_TARGETS = [
    (e.name, e.method, _BASES[e.host] + e.path.replace("{", "").replace("}", "-1"))
    for e in ENDPOINTS
    if e.host in ("iam", "management.v3") or e.name.startswith("v3.commands.")
]

SOCKET_MODULE = """
import httpx
import pytest
import requests
from pytest_socket import SocketBlockedError

TARGETS = {targets!r}
HEADERS = {{"Authorization": "Bearer t", "sc-user-id": "user-1"}}


def test_control_sockets_really_are_blocked():
    with pytest.raises(SocketBlockedError):
        httpx.get("http://127.0.0.1:9/")


@pytest.mark.parametrize("name, method, url", TARGETS)
def test_served_without_a_socket(smartcar_error, name, method, url):
    smartcar_error.serve("SERVER:INTERNAL", endpoint=name, method=method, times=1,
                         then="success")
    assert httpx.request(method, url, headers=HEADERS).status_code == 500
    assert requests.request(method, url, headers=HEADERS).status_code in (200, 201, 202, 204)
    assert [c.endpoint for c in smartcar_error.calls] == [name, name]


def test_token_errors_without_a_socket(smartcar_error):
    smartcar_error.serve("IAM:INVALID_CLIENT", endpoint="iam.token", times=1,
                         then="IAM:INVALID_REQUEST")
    url = "https://iam.smartcar.com/oauth2/token"
    form = {{"grant_type": "client_credentials", "client_id": "client_x"}}
    assert httpx.post(url, data=form).json()["error"] == "invalid_client"
    assert requests.post(url, data=form).status_code == 400


@pytest.mark.parametrize("url", [
    "https://iam.smartcar.com/oauth2/token",
    "https://management.api.smartcar.com/v3/webhooks",
    "https://vehicle.api.smartcar.com/v3/vehicles/v/commands/charge/start",
])
def test_unstubbed_v3_requests_fail_without_a_socket(smartcar_error, url):
    httpx.post(url, headers=HEADERS)
"""


def test_acceptance_4_token_management_and_commands_never_reach_the_network(
    pytester: pytest.Pytester,
) -> None:
    assert len(_TARGETS) > 20  # 10 commands, 11 management routes, the token call
    pytester.makepyfile(test_socket=SOCKET_MODULE.format(targets=_TARGETS))
    result = pytester.runpytest_subprocess(*INNER, "-p", "socket", "--disable-socket")
    result.assert_outcomes(passed=len(_TARGETS) + 2, failed=3)
    out = result.stdout.str()
    failures = out.split("= FAILURES =")[1].split("= warnings summary =")[0]
    assert failures.count("pytest-smartcar: no stub answers POST") == 3
    assert "SocketBlockedError" not in failures and "tried to use socket" not in failures


REFUSAL_MODULE = """
import httpx

def test_it(smartcar_error):
    smartcar_error.succeed(endpoint="v3.signals")
    r = httpx.get("https://vehicle.api.smartcar.com/v3/vehicles/v/signals")
    assert r.status_code == {status}
"""


@pytest.mark.parametrize(
    ("args", "ini", "status"),
    [((), "", 401), (("--smartcar-refusals=off",), "", 200), ((), "smartcar_refusals = off", 200)],
)
def test_refusals_option_and_ini(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str, status: int
) -> None:
    pytester.makepyfile(test_refusal=REFUSAL_MODULE.format(status=status))
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.runpytest(*INNER, *args).assert_outcomes(passed=1)


def test_a_wrong_refusals_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsmartcar_refusals = sometimes\n")
    result = pytester.runpytest(*INNER)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*smartcar_refusals = 'sometimes': use one of v3, all, off*"])
    (pytester.path / "tox.ini").unlink()
    result = pytester.runpytest(*INNER, "--help")
    result.stdout.fnmatch_lines(["*--smartcar-refusals={v3,all,off}*"])
