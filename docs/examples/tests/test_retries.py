"""Retries: what is retried, how long the app waits, and when it gives up.

``times=N, then=...`` serves a sequence; the ``sleeps`` fixture records each wait the
client asked for, so nothing here sleeps.
"""

from __future__ import annotations

import pytest
from pytest_smartcar import SmartcarStub

from app import SmartcarApiError, SmartcarClient

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", times=2, retry_after=2, then="success")
def test_rate_limit_waits_for_retry_after(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float]
) -> None:
    assert client.odometer(VEHICLE) == 104.32
    assert sleeps == [2.0, 2.0]
    assert smartcar_error.served == {"RATE_LIMIT:VEHICLE": 2, "success": 1}


@pytest.mark.smartcar_error(resolution="RETRY_LATER", times=1, retry_after=1, then="success")
def test_every_retry_later_error_is_retried(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float]
) -> None:
    assert client.odometer(VEHICLE) == 104.32
    assert sleeps == [1.0]


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE")  # Retry-After: 120, as Smartcar sends
def test_a_long_retry_after_goes_straight_to_the_user(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float]
) -> None:
    with pytest.raises(SmartcarApiError) as info:
        client.odometer(VEHICLE)
    assert info.value.retry_after == 120.0
    assert sleeps == []
    assert len(smartcar_error.calls) == 1


@pytest.mark.smartcar_error("UPSTREAM:NO_RESPONSE")  # no Retry-After: exponential backoff
def test_gives_up_after_three_attempts(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float]
) -> None:
    with pytest.raises(SmartcarApiError) as info:
        client.odometer(VEHICLE)
    assert info.value.key == "UPSTREAM:NO_RESPONSE"
    assert sleeps == [1.0, 2.0]
    assert len(smartcar_error.calls) == 3


@pytest.mark.smartcar_error(resolution="NONE", type="VEHICLE_STATE")
def test_errors_without_retry_later_are_not_retried(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float]
) -> None:
    with pytest.raises(SmartcarApiError):
        client.odometer(VEHICLE)
    assert (len(smartcar_error.calls), sleeps) == (1, [])


@pytest.mark.parametrize("fault", ["timeout", "connect_error", "gateway_502", "gateway_504"])
def test_network_faults_are_retried(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float], fault: str
) -> None:
    smartcar_error.serve(fault, endpoint="battery", times=1, then="success")
    assert client.battery(VEHICLE).percent == 0.3
    assert sleeps == [1.0]


@pytest.mark.parametrize("header", ["Wed, 21 Oct 2015 07:28:00 GMT", "-5", "1.5", "soon"])
def test_a_retry_after_that_is_not_seconds_means_backoff(
    smartcar_error: SmartcarStub, client: SmartcarClient, sleeps: list[float], header: str
) -> None:
    smartcar_error.serve("SERVER:INTERNAL", retry_after=header, times=2, then="success")
    assert client.odometer(VEHICLE) == 104.32
    assert sleeps == [1.0, 2.0]
