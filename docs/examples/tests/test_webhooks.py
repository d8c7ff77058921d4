"""Signed webhook deliveries: VEHICLE_ERROR events reach the user, forgeries do not."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pytest_smartcar import catalog
from pytest_smartcar.webhooks import (
    TEST_MANAGEMENT_TOKEN,
    challenge_response,
    signed_request,
    vehicle_error_payload,
    verify_event_payload,
)

from app import ChargelyWeb, user_message
from app.errors import SmartcarApiError

Post = Callable[[str, bytes, dict[str, str]], tuple[str, str]]
HOOK = "/webhooks/smartcar"


@pytest.mark.parametrize("spec", catalog.select(type="VEHICLE_STATE"), ids=lambda s: s.key)
def test_vehicle_error_becomes_a_notification(
    post: Post, web: ChargelyWeb, spec: catalog.ErrorSpec
) -> None:
    payload = vehicle_error_payload(spec, vehicle_id="veh-1")
    status, _ = post(HOOK, *signed_request(payload, management_token=TEST_MANAGEMENT_TOKEN))
    assert status == "200 OK"
    [note] = web.notifications
    assert (note["vehicle_id"], note["key"], note["state"]) == ("veh-1", spec.key, "ERROR")
    expected = SmartcarApiError(
        status=200,
        type=spec.type,
        code=spec.code,
        resolution=spec.resolution,
        suggested_user_message=spec.body()["suggestedUserMessage"],
    )
    assert note["text"] == user_message(expected)


def test_resolved_error_says_so(post: Post, web: ChargelyWeb) -> None:
    payload = vehicle_error_payload("VEHICLE_STATE:ASLEEP", state="RESOLVED")
    post(HOOK, *signed_request(payload, management_token=TEST_MANAGEMENT_TOKEN))
    assert web.notifications[0]["text"] == "Your car is back to normal."


@pytest.mark.parametrize("tamper", ["body", "signature"])
def test_forged_delivery_is_rejected(post: Post, web: ChargelyWeb, tamper: str) -> None:
    payload = vehicle_error_payload("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
    body, headers = signed_request(payload, management_token=TEST_MANAGEMENT_TOKEN, tamper=tamper)  # type: ignore[arg-type]
    status, _ = post(HOOK, body, headers)
    assert status == "401 Unauthorized"
    assert web.notifications == []


def test_verify_challenge(post: Post) -> None:
    payload = verify_event_payload("nsQsLU7wY9WKt2IU")
    status, body = post(HOOK, *signed_request(payload, management_token=TEST_MANAGEMENT_TOKEN))
    assert status == "200 OK"
    assert json.loads(body) == challenge_response("nsQsLU7wY9WKt2IU", TEST_MANAGEMENT_TOKEN)
