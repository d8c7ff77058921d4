"""The same feature on the official ``smartcar`` SDK: one stub serves requests too."""

from __future__ import annotations

import pytest
from pytest_smartcar import SmartcarStub

from app import SdkOdometerService, SmartcarApiError
from app.messages import BY_KEY, UNREACHABLE

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"


@pytest.fixture
def service() -> SdkOdometerService:
    return SdkOdometerService("test-access-token")


@pytest.mark.smartcar_error  # every catalog error, through the SDK
def test_no_error_crashes_the_sdk_variant(
    smartcar_error: SmartcarStub, service: SdkOdometerService
) -> None:
    assert service.odometer_text(VEHICLE).strip()
    with pytest.raises(SmartcarApiError) as info:
        service.odometer(VEHICLE)
    spec = smartcar_error.spec
    assert spec is not None
    assert (info.value.key, info.value.status) == (spec.key, spec.status)


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_sdk_asleep_car(smartcar_error: SmartcarStub, service: SdkOdometerService) -> None:
    assert service.odometer_text(VEHICLE) == BY_KEY["VEHICLE_STATE:ASLEEP"]


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE")
def test_sdk_keeps_retry_after(smartcar_error: SmartcarStub, service: SdkOdometerService) -> None:
    with pytest.raises(SmartcarApiError) as info:
        service.odometer(VEHICLE)
    assert info.value.retry_after == 120.0
    assert service.odometer_text(VEHICLE).endswith("try again in 2 minutes.")


def test_sdk_timeout_reads_as_unreachable(
    smartcar_error: SmartcarStub, service: SdkOdometerService
) -> None:
    smartcar_error.serve("timeout", endpoint="odometer")
    assert service.odometer_text(VEHICLE) == UNREACHABLE


def test_sdk_success(smartcar_error: SmartcarStub, service: SdkOdometerService) -> None:
    smartcar_error.succeed(endpoint="odometer")
    assert service.odometer_text(VEHICLE) == "104 km"
