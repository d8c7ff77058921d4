"""Retries: what is retried, how long the app waits, and when it gives up.

The client calls ``time.sleep`` itself; the ``client`` fixture runs every test on the
virtual clock (``smartcar_clock``), so a 120 s ``Retry-After`` takes no time and
``smartcar_clock.sleeps`` lists the waits. The marker below checks Smartcar's retry
contract at the end of each test, and the last test hands the client generated error
sequences.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from hypothesis import given
from pytest_smartcar import ErrorSequence, SmartcarStub, VirtualClock, stub_smartcar, virtual_clock
from pytest_smartcar.strategies import error_sequences

from app import SmartcarApiError, SmartcarClient

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"

pytestmark = pytest.mark.smartcar_retry_contract(max_attempts=3)


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", times=2, retry_after=2, then="success")
def test_rate_limit_waits_for_retry_after(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock
) -> None:
    assert client.odometer(VEHICLE) == 104.32
    assert smartcar_clock.sleeps == [2.0, 2.0]
    assert [call.at for call in smartcar_error.calls] == [0.0, 2.0, 4.0]


@pytest.mark.smartcar_error(resolution="RETRY_LATER", times=1, retry_after=1, then="success")
def test_every_retry_later_error_is_retried(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock
) -> None:
    assert client.odometer(VEHICLE) == 104.32
    assert smartcar_clock.sleeps == [1.0]


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE")  # Retry-After: 120, as Smartcar sends
def test_a_long_retry_after_goes_straight_to_the_user(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock
) -> None:
    with pytest.raises(SmartcarApiError) as info:
        client.odometer(VEHICLE)
    assert info.value.retry_after == 120.0
    assert smartcar_clock.sleeps == []
    assert len(smartcar_error.calls) == 1


def test_a_patient_client_waits_the_full_120_s(
    smartcar_error: SmartcarStub, smartcar_clock: VirtualClock
) -> None:
    smartcar_error.serve("RATE_LIMIT:VEHICLE", times=1, then="success")
    with SmartcarClient("test-access-token", max_wait=300) as patient:
        assert patient.odometer(VEHICLE) == 104.32
    assert smartcar_clock.sleeps == [120.0]  # in no real time


@pytest.mark.smartcar_error("UPSTREAM:NO_RESPONSE")  # no Retry-After: exponential backoff
def test_gives_up_after_three_attempts(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock
) -> None:
    with pytest.raises(SmartcarApiError) as info:
        client.odometer(VEHICLE)
    assert info.value.key == "UPSTREAM:NO_RESPONSE"
    assert smartcar_clock.sleeps == [1.0, 2.0]
    assert len(smartcar_error.calls) == 3


@pytest.mark.smartcar_error(resolution="NONE", type="VEHICLE_STATE")
def test_errors_without_retry_later_are_not_retried(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock
) -> None:
    with pytest.raises(SmartcarApiError):
        client.odometer(VEHICLE)
    assert (len(smartcar_error.calls), smartcar_clock.sleeps) == (1, [])


@pytest.mark.parametrize("fault", ["timeout", "connect_error", "gateway_502", "gateway_504"])
def test_network_faults_are_retried(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock, fault: str
) -> None:
    smartcar_error.serve(fault, endpoint="battery", times=1, then="success")
    assert client.battery(VEHICLE).percent == 0.3
    assert smartcar_clock.sleeps == [1.0]


@pytest.mark.parametrize("header", ["Wed, 21 Oct 2015 07:28:00 GMT", "-5", "1.5", "soon"])
def test_a_retry_after_that_is_not_seconds_means_backoff(
    smartcar_error: SmartcarStub, client: SmartcarClient, smartcar_clock: VirtualClock, header: str
) -> None:
    smartcar_error.serve("SERVER:INTERNAL", retry_after=header, times=2, then="success")
    assert client.odometer(VEHICLE) == 104.32
    assert smartcar_clock.sleeps == [1.0, 2.0]


@pytest.fixture(scope="module")
def shared_client() -> Iterator[SmartcarClient]:
    """One client for all the examples hypothesis runs (a new one per example is slow)."""
    with SmartcarClient("test-access-token") as client:
        yield client


@given(error_sequences())
def test_any_sequence_of_errors_keeps_the_retry_contract(
    shared_client: SmartcarClient, sequence: ErrorSequence
) -> None:
    with virtual_clock() as clock, stub_smartcar() as stub:
        stub.serve_sequence(sequence, endpoint="odometer")
        with contextlib.suppress(SmartcarApiError):  # giving up is fine: the contract
            shared_client.odometer(VEHICLE)  # checks how the client got there
    stub.assert_retry_contract(max_attempts=3)
    assert clock.now() <= 30.0 * 2  # never more than max_wait per retry
