"""Webhook payload version 4.0: VEHICLE_STATE events and checking an app's VERIFY answer."""

from __future__ import annotations

import json

import httpx
import pytest
import requests
import smartcar

from pytest_smartcar.webhooks import (
    DEFAULT_USER_ID,
    SIGNATURE_HEADER,
    TEST_MANAGEMENT_TOKEN,
    challenge_response,
    check_challenge_response,
    signed_request,
    vehicle_error_payload,
    vehicle_state_payload,
)

AMT = TEST_MANAGEMENT_TOKEN


def test_vehicle_state_payload_shape_and_signature() -> None:
    payload = vehicle_state_payload(user_id="user-7", vehicle_id="veh-1", delivered_at=17)
    assert (payload["eventType"], payload["vehicleId"]) == ("VEHICLE_STATE", "veh-1")
    assert payload["data"]["user"] == {"id": "user-7"}
    assert payload["data"]["vehicle"]["id"] == "veh-1"
    location, soc = payload["data"]["signals"]
    assert (location["code"], location["group"], location["name"]) == (
        "location-preciselocation",
        "Location",
        "PreciseLocation",
    )
    assert soc["body"] == {"unit": "percent", "value": 75}
    assert soc["status"] == {"value": "SUCCESS"}
    assert soc["meta"] == {"retrievedAt": 17, "oemUpdatedAt": 17}
    assert payload["triggers"] == [
        {"type": "SIGNAL_UPDATED", "signal": {k: location[k] for k in ("code", "name", "group")}}
    ]
    meta = payload["meta"]
    assert (meta["version"], meta["signalCount"], meta["mode"], meta["deliveredAt"]) == (
        "4.0",
        2,
        "LIVE",
        17,
    )
    body, headers = signed_request(payload, management_token=AMT)
    assert smartcar.verify_payload(AMT, headers[SIGNATURE_HEADER], body.decode("utf-8"))


def test_failing_signal_carries_its_error_and_no_body() -> None:
    payload = vehicle_state_payload(
        "tractionbattery-stateofcharge",
        failing={
            "location-isathome": "COMPATIBILITY:VEHICLE_NOT_CAPABLE",
            "tractionbattery-stateofcharge": {"type": "VEHICLE_STATE", "code": "ASLEEP"},
        },
        triggers="FIRST_DELIVERY",
    )
    soc, at_home = payload["data"]["signals"]
    assert soc["status"] == {"value": "ERROR", "error": {"type": "VEHICLE_STATE", "code": "ASLEEP"}}
    assert "body" not in soc
    assert at_home == {
        "code": "location-isathome",
        "status": {
            "error": {"code": "VEHICLE_NOT_CAPABLE", "type": "COMPATIBILITY"},
            "value": "ERROR",
        },
    }
    assert payload["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert payload["meta"]["signalCount"] == 2


def test_events_carry_the_user_id_v3_calls_need() -> None:
    assert vehicle_error_payload("VEHICLE_STATE:ASLEEP")["data"]["user"]["id"] == DEFAULT_USER_ID
    assert vehicle_state_payload()["data"]["user"]["id"] == DEFAULT_USER_ID


def _ok(challenge: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps(challenge_response(challenge, AMT)).encode()
    return 200, {"Content-Type": "application/json"}, body


def test_a_correct_verify_answer_passes_in_every_form() -> None:
    status, headers, body = _ok("abc")
    check_challenge_response((status, headers, body), "abc", AMT)
    check_challenge_response(httpx.Response(status, headers=headers, content=body), "abc", AMT)
    r = requests.Response()
    r.status_code, r._content = status, body
    r.headers.update(headers)
    check_challenge_response(r, "abc", AMT)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ((201, {"Content-Type": "application/json"}, None), "status 201, Smartcar needs 200"),
        ((200, {"Content-Type": "text/plain"}, None), "Content-Type 'text/plain'"),
        ((200, {"Content-Type": "application/json"}, b'{"challenge": "abc"}'), "body b'"),
        ((200, {}, b"not json"), "Content-Type None"),
    ],
)
def test_a_wrong_verify_answer_says_what_smartcar_needs(
    answer: tuple[int, dict[str, str], bytes | None], problem: str
) -> None:
    status, headers, body = answer
    with pytest.raises(AssertionError, match="would fail Smartcar's webhook verification") as info:
        check_challenge_response((status, headers, body or _ok("abc")[2]), "abc", AMT)
    assert problem in str(info.value)
    with pytest.raises(TypeError, match="test client's response"):
        check_challenge_response(object(), "abc", AMT)
