"""The Home Assistant-style coordinator (aiohttp) against the whole catalog.

The same markers as for the httpx client: the plugin answers aiohttp's requests too. The
batch call fails whole, or one of its paths fails, with each of the 48 errors; retries,
re-authentication and the shared session are checked on their own.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from pytest_smartcar import SmartcarStub, VirtualClock
from pytest_smartcar.catalog import ErrorSpec

from app.coordinator import ReauthRequired, SmartcarCoordinator, UpdateFailed

pytestmark = pytest.mark.asyncio

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
OTHER_CAR = "5a8d2a40-2d0b-4b0e-9f4c-3b2b0c1d9e7f"
MAX_WAIT = 30.0


@pytest_asyncio.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """The instance-wide session every integration shares (``async_get_clientsession``)."""
    async with aiohttp.ClientSession() as shared:
        yield shared


@pytest.fixture
def coordinator(
    session: aiohttp.ClientSession, smartcar_clock: VirtualClock
) -> SmartcarCoordinator:
    """The coordinator waits with ``asyncio.sleep``: on the virtual clock, at once."""
    return SmartcarCoordinator(session, VEHICLE, "test-access-token")


def needs_reauth(spec: ErrorSpec) -> bool:
    return spec.resolution == "REAUTHENTICATE" or spec.status == 401


def retried(spec: ErrorSpec) -> bool:
    return spec.resolution == "RETRY_LATER" and (spec.retry_after or 0) <= MAX_WAIT


def asked_for(call_index: int, stub: SmartcarStub) -> list[str]:
    """The paths the coordinator's batch request number ``call_index`` asked for."""
    body = json.loads(stub.calls[call_index].request.content)
    return [item["path"] for item in body["requests"]]


@pytest.mark.smartcar_error(endpoint="batch", batch_whole=True)
async def test_every_error_of_the_call_fails_the_refresh_cleanly(
    smartcar_error: SmartcarStub, coordinator: SmartcarCoordinator
) -> None:
    spec = smartcar_error.spec
    assert spec is not None
    with pytest.raises((UpdateFailed, ReauthRequired)) as info:
        await coordinator.async_refresh()
    assert isinstance(info.value, ReauthRequired) == needs_reauth(spec)
    assert info.value.error.key == spec.key
    assert len(smartcar_error.calls) == (3 if retried(spec) else 1)
    if isinstance(info.value, UpdateFailed):  # Home Assistant waits as long as Smartcar says
        assert info.value.retry_after == spec.retry_after


@pytest.mark.smartcar_error(endpoint="batch", batch_paths="/battery")
async def test_every_error_on_one_path_keeps_the_other(
    smartcar_error: SmartcarStub, coordinator: SmartcarCoordinator
) -> None:
    spec = smartcar_error.spec
    assert spec is not None
    if needs_reauth(spec):
        with pytest.raises(ReauthRequired):
            await coordinator.async_refresh()
        return
    data = await coordinator.async_refresh()
    assert (data.odometer_km, data.battery_percent) == (104.32, None)
    assert data.problems["/battery"].key == spec.key
    assert len(smartcar_error.calls) == (3 if retried(spec) else 1)
    for later in range(1, len(smartcar_error.calls)):  # a retry asks for the failed path only
        assert asked_for(later, smartcar_error) == ["/battery"]


@pytest.mark.smartcar_error(
    "UPSTREAM:NO_RESPONSE", endpoint="batch", batch_whole=True, times=1, then="success"
)
async def test_a_failed_call_is_retried(
    smartcar_error: SmartcarStub, coordinator: SmartcarCoordinator, smartcar_clock: VirtualClock
) -> None:
    data = await coordinator.async_refresh()
    assert (data.odometer_km, data.battery_percent, data.range_km) == (104.32, 30.0, 40.5)
    assert data.problems == {}
    assert smartcar_clock.sleeps == [1.0]


async def test_a_rate_limited_path_is_fetched_again_after_retry_after(
    smartcar_error: SmartcarStub, coordinator: SmartcarCoordinator, smartcar_clock: VirtualClock
) -> None:
    smartcar_error.serve(
        "RATE_LIMIT:VEHICLE", endpoint="batch", batch_paths="/battery", retry_after=5,
        times=1, then="success",
    )  # fmt: skip
    data = await coordinator.async_refresh()
    assert (data.battery_percent, data.problems) == (30.0, {})
    assert smartcar_clock.sleeps == [5.0]
    assert asked_for(1, smartcar_error) == ["/battery"]


@pytest.mark.parametrize("fault", ["timeout", "connect_error", "disconnect"])
async def test_network_failures_are_retried(
    smartcar_error: SmartcarStub, coordinator: SmartcarCoordinator, fault: str
) -> None:
    smartcar_error.serve(fault, endpoint="batch", times=1, then="success")
    data = await coordinator.async_refresh()
    assert data.odometer_km == 104.32
    assert smartcar_error.served == {fault: 1, "success": 1}


async def test_cars_share_the_session_but_not_their_errors(
    smartcar_error: SmartcarStub, session: aiohttp.ClientSession
) -> None:
    smartcar_error.serve(
        "VEHICLE_STATE:ASLEEP", endpoint="batch", vehicle_id=VEHICLE, batch_paths="/battery"
    )
    smartcar_error.succeed(endpoint="batch", vehicle_id=OTHER_CAR)
    asleep = SmartcarCoordinator(session, VEHICLE, "token-1")
    awake = SmartcarCoordinator(session, OTHER_CAR, "token-2")
    first, second = await asleep.async_refresh(), await awake.async_refresh()
    assert first.problems["/battery"].key == "VEHICLE_STATE:ASLEEP"
    assert (second.battery_percent, second.problems) == (30.0, {})
