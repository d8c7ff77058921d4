"""Signed VEHICLE_ERROR and VERIFY webhook deliveries, checked with the official SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
import smartcar

from pytest_smartcar import catalog
from pytest_smartcar.catalog import API_ERRORS, DEFAULT_VEHICLE_ID, ErrorSpec
from pytest_smartcar.webhooks import (
    DEFAULT_WEBHOOK_ID,
    DOCUMENTED_ERROR_TYPES,
    SIGNATURE_HEADER,
    TEST_MANAGEMENT_TOKEN,
    challenge_response,
    hash_challenge,
    serialize,
    sign,
    signed_request,
    vehicle_error_entry,
    vehicle_error_payload,
    verify_event_payload,
    verify_signature,
)

AMT = TEST_MANAGEMENT_TOKEN
WEBHOOK_ERRORS = [s for s in API_ERRORS if s.type in DOCUMENTED_ERROR_TYPES]


def sdk_verifies(body: bytes, headers: dict[str, str], amt: str = AMT) -> bool:
    """What an app using the official SDK does with the raw request."""
    result: bool = smartcar.verify_payload(amt, headers[SIGNATURE_HEADER], body.decode("utf-8"))
    return result


@pytest.mark.parametrize("spec", WEBHOOK_ERRORS, ids=[s.key for s in WEBHOOK_ERRORS])
def test_vehicle_error_payload_shape_and_signature(spec: ErrorSpec) -> None:
    payload = vehicle_error_payload(spec, vehicle_id="veh-1", webhook_id="wh-1")
    assert payload["eventType"] == "VEHICLE_ERROR"
    assert payload["vehicleId"] == "veh-1"
    assert isinstance(payload["eventId"], str) and len(payload["eventId"]) == 36
    assert payload["data"]["vehicle"]["id"] == "veh-1"
    assert set(payload["data"]["vehicle"]) == {"id", "make", "model", "year"}
    assert isinstance(payload["data"]["user"]["id"], str)
    meta = payload["meta"]
    assert meta["version"] == "4.0"
    assert meta["webhookId"] == "wh-1"
    assert isinstance(meta["deliveredAt"], int)
    assert {"deliveryId", "webhookName", "mode"} <= set(meta)
    (entry,) = payload["data"]["errors"]
    assert entry["type"] == spec.type
    assert entry["code"] == spec.code
    assert entry["state"] == "ERROR"
    assert entry["description"] == spec.description
    assert entry["docURL"] == spec.doc_url
    assert entry["resolution"]["type"] == spec.resolution
    assert ("suggestedUserMessage" in entry) == (spec.suggested_user_message is not None)
    assert entry["signals"] == [
        {"code": "location-preciselocation", "name": "PreciseLocation", "group": "Location"}
    ]
    assert "statusCode" not in entry and "requestId" not in entry

    body, headers = signed_request(payload, management_token=AMT)
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == payload
    assert sdk_verifies(body, headers)
    assert not sdk_verifies(body, headers, amt="another-token")


@pytest.mark.parametrize("tamper", [True, "body", "signature"])
def test_tampered_delivery_fails_sdk_verification(tamper: Any) -> None:
    payload = vehicle_error_payload("VEHICLE_STATE:ASLEEP")
    body, headers = signed_request(payload, management_token=AMT, tamper=tamper)
    assert not sdk_verifies(body, headers)
    assert not verify_signature(body, headers[SIGNATURE_HEADER], AMT)
    parsed = json.loads(body)  # still valid JSON: only the signature can tell
    assert parsed["data"] == payload["data"]
    if tamper == "signature":
        assert parsed == payload
    else:
        assert parsed["eventId"] != payload["eventId"]


def test_tampered_raw_body() -> None:
    body, headers = signed_request(b'{"eventType":"VERIFY"}', management_token=AMT, tamper=True)
    assert body == b'{"eventType":"VERIFY"} '
    assert not sdk_verifies(body, headers)
    body, headers = signed_request('{"a":"é"}', management_token=AMT)
    assert sdk_verifies(body, headers)


def test_signature_covers_the_exact_bytes() -> None:
    payload = vehicle_error_payload("COMPATIBILITY:VEHICLE_NOT_CAPABLE")
    body, headers = signed_request(payload, management_token=AMT)
    assert b": " not in body and b", " not in body.split(b'"description"')[0]
    # An app that re-serializes the parsed JSON before checking gets it wrong, as with Smartcar.
    reserialized = json.dumps(json.loads(body))
    assert not smartcar.verify_payload(AMT, headers[SIGNATURE_HEADER], reserialized)
    assert sign(body, AMT) == sign(body.decode(), AMT) == headers[SIGNATURE_HEADER]
    assert body == serialize(payload)


def test_non_ascii_body_is_signed_as_utf8() -> None:
    payload = vehicle_error_payload("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
    body, headers = signed_request(payload, management_token=AMT)
    assert "’".encode() in body  # sent unescaped, as JSON.stringify does
    assert sdk_verifies(body, headers)


def test_resolved_entry_is_short() -> None:
    payload = vehicle_error_payload("VEHICLE_STATE:UNREACHABLE", state="RESOLVED")
    (entry,) = payload["data"]["errors"]
    assert entry == {
        "type": "VEHICLE_STATE",
        "code": "UNREACHABLE",
        "state": "RESOLVED",
        "description": catalog.get("VEHICLE_STATE:UNREACHABLE").description,
        "signals": [
            {"code": "location-preciselocation", "name": "PreciseLocation", "group": "Location"}
        ],
    }


def test_reauthenticate_error_carries_the_reauth_url_for_the_vehicle() -> None:
    payload = vehicle_error_payload(
        "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", vehicle_id="veh-7"
    )
    resolution = payload["data"]["errors"][0]["resolution"]
    assert resolution["type"] == "REAUTHENTICATE"
    assert resolution["url"].endswith("&vehicle_id=veh-7")


def test_several_errors_signals_and_ready_made_entries() -> None:
    custom: dict[str, Any] = {"type": "PERMISSION", "code": None, "state": "ERROR", "signals": []}
    payload = vehicle_error_payload(
        "VEHICLE_STATE:ASLEEP",
        catalog.get("COMPATIBILITY:MAKE_NOT_COMPATIBLE"),
        custom,
        signals=["tractionbattery-stateofcharge", "custom-signal", {"code": "x-y", "name": "Y"}],
        vehicle={"make": "FORD", "vin": "1FT"},
        event_id="evt-1",
        delivery_id="del-1",
        delivered_at=1761896351529,
        mode="SIMULATED",
    )
    errors = payload["data"]["errors"]
    assert [e["code"] for e in errors] == ["ASLEEP", "MAKE_NOT_COMPATIBLE", None]
    assert errors[2] == custom and errors[2] is not custom
    assert errors[0]["signals"] == [
        {
            "code": "tractionbattery-stateofcharge",
            "name": "StateOfCharge",
            "group": "TractionBattery",
        },
        {"code": "custom-signal"},
        {"code": "x-y", "name": "Y"},
    ]
    assert payload["data"]["vehicle"] == {
        "id": DEFAULT_VEHICLE_ID,
        "make": "FORD",
        "model": "Model 3",
        "year": 2020,
        "vin": "1FT",
    }
    assert (payload["eventId"], payload["meta"]["deliveryId"]) == ("evt-1", "del-1")
    assert payload["meta"]["deliveredAt"] == 1761896351529
    assert payload["meta"]["mode"] == "SIMULATED"


def test_fresh_event_ids_per_payload() -> None:
    first, second = (vehicle_error_payload("VEHICLE_STATE:ASLEEP") for _ in range(2))
    assert first["eventId"] != second["eventId"]
    assert first["meta"]["deliveryId"] != second["meta"]["deliveryId"]


def test_entry_overrides_and_removal() -> None:
    entry = vehicle_error_entry(
        "vehicle_state:asleep", suggestedUserMessage=..., description="Zzz", signals=[]
    )
    assert "suggestedUserMessage" not in entry
    assert entry["description"] == "Zzz"
    assert entry["signals"] == []


def test_verify_event_and_challenge_response_match_the_sdk() -> None:
    payload = verify_event_payload("nsQsLU7wY9WKt2IU", webhook_id="wh-9")
    assert payload["eventType"] == "VERIFY"
    assert payload["data"] == {"challenge": "nsQsLU7wY9WKt2IU"}
    assert payload["meta"]["webhookId"] == "wh-9"
    assert "mode" not in payload["meta"]
    expected = smartcar.hash_challenge(AMT, "nsQsLU7wY9WKt2IU")
    assert hash_challenge(AMT, "nsQsLU7wY9WKt2IU") == expected
    assert challenge_response("nsQsLU7wY9WKt2IU", AMT) == {"challenge": expected}
    random_challenge = verify_event_payload()["data"]["challenge"]
    assert isinstance(random_challenge, str) and random_challenge
    assert verify_event_payload()["meta"]["webhookId"] == DEFAULT_WEBHOOK_ID
    body, headers = signed_request(payload, management_token=AMT)
    assert sdk_verifies(body, headers)


def test_argument_errors_name_the_bad_value() -> None:
    with pytest.raises(TypeError, match="at least one error"):
        vehicle_error_payload()
    with pytest.raises(ValueError, match="'PENDING'"):
        vehicle_error_payload("VEHICLE_STATE:ASLEEP", state="PENDING")  # type: ignore[arg-type]
    with pytest.raises(catalog.UnknownSmartcarError, match="VEHICLE_STATE:ASLEEP"):
        vehicle_error_payload("VEHICLE_STATE:ASLEPE")
    with pytest.raises(TypeError, match="42"):
        vehicle_error_payload(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"3\.5"):
        vehicle_error_entry("VEHICLE_STATE:ASLEEP", signals=[3.5])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="'code'"):
        vehicle_error_entry("VEHICLE_STATE:ASLEEP", signals=[{"name": "x"}])
    with pytest.raises(TypeError, match="management_token"):
        sign(b"{}", "")
    with pytest.raises(TypeError, match="sign"):
        sign(123, AMT)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'both'"):
        signed_request({}, management_token=AMT, tamper="both")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="payload"):
        signed_request(["x"], management_token=AMT)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="challenge"):
        verify_event_payload("")
    assert verify_signature(b"{}", None, AMT) is False  # type: ignore[arg-type]
