"""Issue 6: the official SDK's Vehicle.batch and an httpx client both see per-path errors."""

from __future__ import annotations

import httpx
import pytest
import smartcar

from pytest_smartcar import SmartcarError, SmartcarStub, catalog

VEHICLE_ID = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
BATCH = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE_ID}/batch"


@pytest.mark.smartcar_error(
    "VEHICLE_STATE:ASLEEP", "RATE_LIMIT:VEHICLE", "UPSTREAM:NO_RESPONSE",
    endpoint="batch", batch_paths=["/fuel"],
)  # fmt: skip
def test_sdk_batch_sees_per_path_errors(smartcar_error: SmartcarStub) -> None:
    spec = smartcar_error.spec
    assert isinstance(spec, catalog.ErrorSpec)
    result = smartcar.Vehicle(VEHICLE_ID, "token").batch(["/odometer", "/fuel"])
    assert result.odometer().distance == 104.32 or result.odometer().distance > 0
    with pytest.raises(smartcar.SmartcarException) as info:
        result.fuel()
    err = info.value
    assert (err.type, err.code, err.status_code) == (spec.type, spec.code, spec.status)
    assert err.resolution["type"] == spec.resolution
    if spec.retry_after is not None:
        assert err.retry_after == str(spec.retry_after)


@pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint="batch", batch_paths="/odometer")
def test_httpx_batch_sees_per_path_errors(smartcar_error: SmartcarStub) -> None:
    reply = httpx.post(BATCH, json={"requests": [{"path": "/odometer"}, {"path": "/location"}]})
    items = {item["path"]: item for item in reply.json()["responses"]}
    assert reply.status_code == 200
    assert items["/location"]["code"] == 200
    failed = items["/odometer"]
    fake = httpx.Response(failed["code"], json=failed["body"], headers=failed.get("headers", {}))
    parsed = SmartcarError.from_response(fake)
    assert (parsed.status, parsed.key) == (409, "VEHICLE_STATE:DOOR_OPEN")


def test_sdk_batch_succeeds_with_every_requested_path(smartcar_error: SmartcarStub) -> None:
    """succeed(endpoint="batch") answers {"responses": [...]}, one 200 item per path."""
    smartcar_error.succeed(endpoint="batch")
    result = smartcar.Vehicle(VEHICLE_ID, "token").batch(["/odometer", "/location", "/fuel"])
    assert result.odometer().distance == 104.32
    assert (result.location().latitude, result.fuel().percent_remaining) == (37.4292, 0.3)
    reply = httpx.post(BATCH, json={"requests": [{"path": "/odometer"}, {"path": "/battery"}]})
    assert [(i["path"], i["code"]) for i in reply.json()["responses"]] == [
        ("/odometer", 200),
        ("/battery", 200),
    ]


def test_batch_retried_after_a_whole_failure_succeeds(smartcar_error: SmartcarStub) -> None:
    smartcar_error.serve(
        "SERVER:INTERNAL", endpoint="batch", batch_whole=True, times=1, then="success"
    )
    vehicle = smartcar.Vehicle(VEHICLE_ID, "token")
    with pytest.raises(smartcar.SmartcarException) as info:
        vehicle.batch(["/odometer"])
    assert info.value.status_code == 500
    assert vehicle.batch(["/odometer"]).odometer().distance == 104.32
