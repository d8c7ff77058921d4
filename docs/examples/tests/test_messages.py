"""What the user reads, one resolution type at a time, and when the error is garbage."""

from __future__ import annotations

import math

import pytest
from pytest_smartcar import SmartcarStub

from app import Dashboard, SmartcarApiError, user_message
from app.messages import BY_TYPE, GENERIC, UNREACHABLE

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_asleep_car_shows_friendly_message(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    tile = dashboard.odometer_tile(VEHICLE)
    assert tile.text == "Your car is asleep. Open your car's own app to wake it, then retry."
    assert len(smartcar_error.calls) == 1  # not retried: waiting will not wake it


@pytest.mark.smartcar_error(resolution="REAUTHENTICATE")
def test_reauthenticate_errors_ask_to_reconnect(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    assert "Reconnect" in dashboard.odometer_tile(VEHICLE).text


@pytest.mark.smartcar_error(resolution="CONTACT_SUPPORT")
def test_support_errors_quote_the_request_id(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    tile = dashboard.battery_tile(VEHICLE)
    response = smartcar_error.calls[0].response
    assert response is not None
    assert response.headers["SC-Request-Id"] in tile.text


@pytest.mark.smartcar_error(resolution="ACTION_REQUIRED")
def test_action_required_shows_smartcars_instructions(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    tile = dashboard.lock_tile(VEHICLE)
    body = smartcar_error.calls[0].response.json()  # type: ignore[union-attr]
    assert tile.text == body["suggestedUserMessage"].strip()


@pytest.mark.smartcar_error(resolution="FINANCE")
def test_billing_problems_are_not_the_users_fault(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    assert "billing" in dashboard.odometer_tile(VEHICLE).text


@pytest.mark.smartcar_error(type="COMPATIBILITY", resolution="NONE")
def test_incompatible_cars_are_told_so(smartcar_error: SmartcarStub, dashboard: Dashboard) -> None:
    assert dashboard.odometer_tile(VEHICLE).text == BY_TYPE["COMPATIBILITY"]


@pytest.mark.smartcar_error(
    "VEHICLE_STATE:UNREACHABLE", body={"suggestedUserMessage": "", "type": "VEHICLE_STATE"}
)
def test_empty_suggested_message_falls_back(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    assert dashboard.odometer_tile(VEHICLE).text == BY_TYPE["VEHICLE_STATE"]


@pytest.mark.parametrize("fault", ["gateway_502", "gateway_504", "timeout", "connect_error"])
def test_network_and_gateway_failures_read_well(
    smartcar_error: SmartcarStub, dashboard: Dashboard, fault: str
) -> None:
    smartcar_error.serve(fault)
    tile = dashboard.odometer_tile(VEHICLE)
    assert tile.text in (GENERIC, UNREACHABLE)


@pytest.mark.parametrize(
    "err",
    [
        None,
        "VEHICLE_STATE:ASLEEP",
        ValueError("not a Smartcar error"),
        SmartcarApiError(status=500),
        SmartcarApiError(status=409, type="VEHICLE_STATE", code="SOMETHING_NEW"),
        SmartcarApiError(status=400, type="NEW_TYPE", resolution="SOMETHING_NEW"),
        SmartcarApiError(status=429, resolution="RETRY_LATER", retry_after=math.inf),
        SmartcarApiError(status=429, resolution="RETRY_LATER", retry_after=math.nan),
        SmartcarApiError(status=400, suggested_user_message="   "),
        SmartcarApiError(status=400, type=42, code=[], resolution={}),  # type: ignore[arg-type]
    ],
    ids=repr,
)
def test_unknown_and_malformed_errors_fall_back_safely(err: object) -> None:
    text = user_message(err)
    assert text.strip()
    assert "nan" not in text and "inf" not in text
