"""API V3 through the engine: one catalog, two wire formats, per-signal failures, refusals.

Each scenario runs over httpx sync, httpx async and requests; V3 responses are checked
against the ground-truth rules (tests/v3_truth.py), not against the wire module.
"""

from __future__ import annotations

import json

import pytest

from pytest_smartcar import catalog, stub_smartcar
from pytest_smartcar.endpoints import ENDPOINTS
from pytest_smartcar.errors import SmartcarUsageError
from pytest_smartcar.transports import guard
from tests.transports import Transport
from tests.v3_truth import assert_v3_error, truth

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
V3 = f"https://vehicle.api.smartcar.com/v3/vehicles/{VEHICLE}"
V2 = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer"
HEADERS = {"Authorization": "Bearer app-token", "sc-user-id": "725146a3-8b9a"}
LOCK = V3 + "/commands/security/lock"
SOC = "TractionBattery.StateOfCharge"


@pytest.mark.parametrize("spec", catalog.V3_ERRORS, ids=lambda s: s.key)
def test_every_v3_error_round_trips_on_signals(client: Transport, spec: catalog.ErrorSpec) -> None:
    with stub_smartcar() as stub:
        stub.serve(spec, endpoint="v3.signals")
        reply = client.get(V3 + "/signals", headers=HEADERS)
    assert_v3_error(reply.status, reply.headers, reply.content, spec)
    assert stub.served == {spec.key: 1} and stub.calls[0].endpoint == "v3.signals"


def test_same_key_answers_each_version_in_its_own_format(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")  # every vehicle endpoint, v2.0 and V3
        old = client.get(V2)
        new = client.post(LOCK, headers=HEADERS)
    assert old.json()["statusCode"] == 409 and old.json()["code"] == "ASLEEP"
    assert_v3_error(new.status, new.headers, new.content, "VEHICLE_STATE:ASLEEP")
    assert [c.key for c in stub.calls] == ["VEHICLE_STATE:ASLEEP"] * 2


def test_v3_options_retry_after_headers_and_body(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve(
            "RATE_LIMIT:VEHICLE",
            endpoint="v3.signals",
            retry_after=7,
            headers={"SC-Request-Id": None, "Content-Type": "application/vnd.api+json"},
            body={"detail": "slow down", "links": ...},
        )
        reply = client.get(V3 + "/signals", headers=HEADERS)
    got = truth(reply.status, reply.headers, reply.content)
    assert (got["retry_after"], got["request_id"]) == (7.0, None)
    assert (got["description"], got["doc_url"], got["code"]) == ("slow down", None, "VEHICLE")


# -- per-signal failures ---------------------------------------------------------------------


def _statuses(reply_json: dict[str, object]) -> dict[str, object]:
    data = reply_json["data"]
    assert isinstance(data, list)
    return {
        f"{s['attributes']['group']}.{s['attributes']['name']}": s["attributes"]["status"]
        for s in data
    }


def test_named_signals_fail_inside_a_200(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("COMPATIBILITY:VEHICLE_NOT_CAPABLE", endpoint="v3.signals", signals=[SOC])
        reply = client.get(V3 + "/signals", headers=HEADERS)
    assert reply.status == 200
    statuses = _statuses(reply.json())
    assert statuses.pop(SOC) == {
        "value": "ERROR",
        "error": {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"},
    }
    assert statuses and all(s == {"value": "SUCCESS"} for s in statuses.values())
    failed = next(s for s in reply.json()["data"] if s["id"] == "tractionbattery-stateofcharge")
    assert "body" not in failed["attributes"]
    assert stub.served == {"COMPATIBILITY:VEHICLE_NOT_CAPABLE": 1}


def test_signals_by_glob_code_and_unknown_name() -> None:
    import httpx

    with stub_smartcar() as stub:
        stub.serve(
            "VEHICLE_STATE:ASLEEP",
            endpoint="v3.signals",
            signals=["location-*", "Charge.ChargeLimit"],
            body={"title": "Asleep"},
        )
        body = httpx.get(V3 + "/signals", headers=HEADERS).json()
    statuses = _statuses(body)
    failing = {k for k, v in statuses.items() if v["value"] == "ERROR"}  # type: ignore[index]
    assert failing == {"Location.PreciseLocation", "Charge.ChargeLimit"}
    assert statuses["Charge.ChargeLimit"]["error"]["title"] == "Asleep"  # type: ignore[index]
    assert body["meta"]["totalCount"] == len(body["data"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"endpoint": "odometer", "signals": SOC}, "signals= only applies to v3.signals"),
        ({"endpoint": "*", "signals": SOC}, "signals= only applies to v3.signals"),
        ({"endpoint": "v3.signals", "signals": []}, "signals= takes a non-empty string"),
        ({"endpoint": "v3.signals", "signals": SOC, "status": 500}, "signals= and status="),
    ],
)
def test_signals_argument_mistakes(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SmartcarUsageError, match=message):
        stub_smartcar().serve("VEHICLE_STATE:ASLEEP", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(SmartcarUsageError, match="serves 200"):
        stub_smartcar().serve("success", endpoint="v3.signals", signals=SOC)


# -- errors one version never sends ----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "endpoint", "instead"),
    [
        ("AUTHENTICATION:ACCESS_DENIED", "odometer", "PERMISSION"),
        ("VALIDATION:BAD_REQUEST", ["odometer", "lock"], "VALIDATION"),
        ("VALIDATION", "v3.signals", "VALIDATION:BAD_REQUEST"),
    ],
)
def test_an_error_served_only_where_it_is_never_sent_is_refused(
    key: str, endpoint: object, instead: str
) -> None:
    with pytest.raises(SmartcarUsageError, match=f"never sent.*serve {instead} there instead"):
        stub_smartcar().serve(key, endpoint=endpoint)  # type: ignore[arg-type]


def test_v3_only_error_on_both_versions_answers_each_in_its_format(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("AUTHENTICATION:ACCESS_DENIED")
        old = client.get(V2)
        new = client.get(V3 + "/signals", headers=HEADERS)
    assert (old.status, old.json()["code"], old.json()["statusCode"]) == (403, "ACCESS_DENIED", 403)
    assert_v3_error(new.status, new.headers, new.content, "AUTHENTICATION:ACCESS_DENIED")
    assert "links" not in new.json()["errors"][0]


# -- refusals --------------------------------------------------------------------------------


def test_no_authorization_is_refused_with_unauthorized(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="v3.signals")
        reply = client.get(V3 + "/signals", headers={"sc-user-id": "u"})
    assert_v3_error(reply.status, reply.headers, reply.content, "AUTHENTICATION")
    (call,) = stub.calls
    assert call.key == "AUTHENTICATION" and "no Authorization header" in (call.refused or "")
    assert "refused: the request has no Authorization header" in stub.describe_calls()


@pytest.mark.parametrize(
    "url",
    [V3 + "/signals", V3 + "/signals/odometer-traveleddistance", LOCK],
    ids=["signals", "signal", "lock"],
)
def test_signals_and_commands_need_sc_user_id(client: Transport, url: str) -> None:
    with stub_smartcar() as stub:
        stub.succeed(endpoint=["v3.signals", "v3.signal", "v3.commands.*"])
        method = "POST" if "commands" in url else "GET"
        reply = client.request(method, url, headers={"Authorization": "Bearer t"})
    detail = "The sc-user-id header is required for this request."
    assert_v3_error(
        reply.status, reply.headers, reply.content, "VALIDATION:BAD_REQUEST", detail=detail
    )
    assert "requires the sc-user-id header" in (stub.calls[0].refused or "")


def test_what_is_not_refused(client: Transport) -> None:
    """The vehicle endpoint needs no user; token calls carry credentials in the body;
    a ready response is what the test serves for the request; v2.0 is left alone."""
    with stub_smartcar() as stub:
        stub.succeed(endpoint=["v3.vehicle", "iam.token", "odometer"])
        stub.serve(catalog.get("SERVER:INTERNAL").response(api="v3"), endpoint="v3.connections")
        vehicle = client.get(V3, headers={"Authorization": "Bearer t"})
        token = client.post("https://iam.smartcar.com/oauth2/token", data={"grant_type": "x"})
        ready = client.get("https://vehicle.api.smartcar.com/v3/connections")
        old = client.get(V2)
    assert [r.status for r in (vehicle, token, ready, old)] == [200, 200, 500, 200]
    assert all(c.refused is None for c in stub.calls)


@pytest.mark.parametrize(("mode", "status"), [("off", 200), ("all", 401)])
def test_refusal_modes(monkeypatch: pytest.MonkeyPatch, mode: str, status: int) -> None:
    import httpx

    monkeypatch.setattr(guard.settings, "refusals", mode)
    with stub_smartcar() as stub:
        stub.succeed(endpoint=["odometer", "v3.signals"])
        old = httpx.get(V2)
        new = httpx.get(V3 + "/signals")
    assert (old.status_code, new.status_code) == (status, status)
    if mode == "all":
        assert old.json()["type"] == "AUTHENTICATION" and "errors" in new.json()


# -- every V3 endpoint -----------------------------------------------------------------------

V3_ENDPOINTS = [e for e in ENDPOINTS if e.api == "v3"]
_BASES = {
    "v3": "https://vehicle.api.smartcar.com",
    "management.v3": "https://management.api.smartcar.com",
    "iam": "https://iam.smartcar.com",
}


def url_of(endpoint: object) -> str:
    path = endpoint.path  # type: ignore[attr-defined]
    for name in ("vehicle_id", "signal_code", "connection_id", "user_id", "execution_id",
                 "webhook_id", "subscription_id"):  # fmt: skip
        path = path.replace("{" + name + "}", f"{name[:3]}-1")
    return _BASES[endpoint.host] + path  # type: ignore[attr-defined]


@pytest.mark.parametrize("endpoint", V3_ENDPOINTS, ids=lambda e: f"{e.method} {e.name}")
def test_every_v3_endpoint_is_served_error_and_success(client: Transport, endpoint: object) -> None:
    name, method = endpoint.name, endpoint.method  # type: ignore[attr-defined]
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL", endpoint=name, method=method, times=1, then="success")
        failed = client.request(method, url_of(endpoint), headers=HEADERS)
        ok = client.request(method, url_of(endpoint), headers=HEADERS)
    assert [c.endpoint for c in stub.calls] == [name, name]
    assert_v3_error(failed.status, failed.headers, failed.content, "SERVER:INTERNAL")
    assert ok.status in (200, 201, 202, 204)
    if ok.status == 204:
        assert ok.content == b""
    else:
        body = ok.json()
        assert isinstance(body, dict) and body
        assert "errors" not in body


def test_command_bodies_sync_200_and_202_in_progress(client: Transport) -> None:
    limit = V3 + "/commands/charge/set-limit"
    with stub_smartcar() as stub:
        stub.succeed(endpoint="v3.commands.*")
        stub.succeed(endpoint="v3.commands.charge.start", status=202)
        done = client.post(limit, headers=HEADERS, json={"data": {"attributes": {"percent": 80}}})
        started = client.post(V3 + "/commands/charge/start", headers=HEADERS)
    attributes = done.json()["data"]["attributes"]
    assert done.status == 200 and done.json()["data"]["type"] == "command-execution"
    assert attributes == {
        "commandType": "charge-set-limit",
        "status": {"value": "SUCCESS"},
        "executionMode": "sync",
        "parameters": {"percent": 80},
    }
    assert started.status == 202
    assert started.json()["data"]["attributes"]["status"] == {"value": "IN_PROGRESS"}
    assert len(stub.calls) == 2


def test_iam_token_errors_are_oauth_bodies(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("IAM:INVALID_CLIENT", endpoint="iam.token")
        reply = client.post("https://iam.smartcar.com/oauth2/token", data={"client_id": "x"})
    assert reply.status == 401
    assert reply.json() == {
        "error": "invalid_client",
        "error_description": "Invalid client_id or client_secret.",
    }
    assert stub.served == {"IAM:INVALID_CLIENT": 1}


def test_success_bodies_echo_the_request() -> None:
    import httpx

    with stub_smartcar() as stub:
        stub.succeed(endpoint=["v3.vehicle", "v3.signal", "v3.connection"])
        vehicle = httpx.get(V3, headers=HEADERS).json()
        signal = httpx.get(V3 + "/signals/odometer-traveleddistance", headers=HEADERS).json()
        conn = httpx.get(
            "https://vehicle.api.smartcar.com/v3/connections/conn-7", headers=HEADERS
        ).json()
    assert (vehicle["id"], vehicle["type"]) == (VEHICLE, "vehicle")
    assert signal["attributes"]["code"] == "odometer-traveleddistance"
    assert signal["attributes"]["body"]["unit"] == "km"
    assert conn["data"]["id"] == "conn-7"
    assert json.dumps(stub.calls[0].response.json())  # type: ignore[union-attr]


def test_the_official_sdk_is_not_refused_for_sc_user_id() -> None:
    """smartcar 6.19.1 calls V3 signals with a per-vehicle token and no sc-user-id."""
    import smartcar

    with stub_smartcar() as stub:
        stub.succeed(endpoint="v3.signals")
        body = smartcar.Vehicle(VEHICLE, "per-vehicle-token").get_signals()["body"]
    assert body["data"] and stub.calls[0].refused is None
    assert stub.calls[0].exchange.header("sc-user-id") is None


def test_the_v3_page_names_every_v3_endpoint_and_the_counts() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "v3.md").read_text("utf-8")
    missing = {e.name for e in V3_ENDPOINTS if f"`{e.name}`" not in page}
    assert not missing, f"docs/v3.md does not name {sorted(missing)}"
    shared = [s for s in catalog.API_ERRORS if "v3" in s.apis]
    assert f"The V3 set has {len(catalog.V3_ERRORS)} errors" in page
    assert f"the {len(shared)} v2.0 errors V3 shares" in page
