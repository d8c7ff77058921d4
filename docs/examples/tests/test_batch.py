"""Batch reads: Smartcar answers 200 even when some paths fail; each path is checked."""

from __future__ import annotations

import pytest
import smartcar
from pytest_smartcar import SmartcarStub, VirtualClock, catalog

from app import SmartcarApiError, SmartcarClient

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"


@pytest.mark.smartcar_error(
    "VEHICLE_STATE:ASLEEP", "RATE_LIMIT:VEHICLE", endpoint="batch", batch_paths="/battery"
)
def test_one_failing_path_keeps_the_others(
    smartcar_error: SmartcarStub, client: SmartcarClient
) -> None:
    results = client.batch(VEHICLE, ["/odometer", "/battery"])
    assert results["/odometer"] == {"distance": 104.32}
    failed = results["/battery"]
    assert isinstance(failed, SmartcarApiError)
    spec = smartcar_error.spec
    assert spec is not None
    assert (failed.key, failed.status) == (spec.key, spec.status)


@pytest.mark.smartcar_error("SERVER:INTERNAL", endpoint="batch", batch_whole=True)
def test_a_failed_batch_call_is_retried_then_raised(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock
) -> None:
    with pytest.raises(SmartcarApiError) as info:
        client.batch(VEHICLE, ["/odometer"])
    assert info.value.key == "SERVER:INTERNAL"
    assert len(smartcar_error.calls) == 3
    assert smartcar_clock.sleeps == [1.0, 2.0]


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", endpoint="batch", batch_paths="/fuel")
def test_the_official_sdk_raises_on_the_failed_path(smartcar_error: SmartcarStub) -> None:
    result = smartcar.Vehicle(VEHICLE, "token").batch(["/odometer", "/fuel"])
    assert result.odometer().distance > 0
    with pytest.raises(smartcar.SmartcarException) as info:
        result.fuel()
    spec = catalog.get("RATE_LIMIT:VEHICLE")
    assert (info.value.type, info.value.code) == (spec.type, spec.code)
    assert info.value.retry_after == "120"  # the stub sends the title-case header the SDK reads
