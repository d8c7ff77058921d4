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
