"""The whole catalog against the app: no Smartcar error crashes a tile, and the user
always reads something. The bare marker runs each test once per catalog error (48),
crossed here with the app's own parametrization (3 features): 144 tests, ids like
``test_no_error_crashes_a_tile[VEHICLE_STATE:ASLEEP-odometer]``.
"""

from __future__ import annotations

import pytest
from pytest_smartcar import SmartcarStub

from app import Dashboard
from app.messages import BY_KEY

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
FEATURES = ["odometer", "battery", "lock"]


@pytest.mark.smartcar_error
@pytest.mark.parametrize("feature", FEATURES)
def test_no_error_crashes_a_tile(
    smartcar_error: SmartcarStub, dashboard: Dashboard, feature: str
) -> None:
    tile = getattr(dashboard, f"{feature}_tile")(VEHICLE)
    assert not tile.ok
    assert tile.text.strip()
    assert smartcar_error.calls, "the stub answered the app's request"
    assert all(call.endpoint == feature for call in smartcar_error.calls)


@pytest.mark.smartcar_error(type="VEHICLE_STATE")
def test_vehicle_state_errors_show_smartcars_advice(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    """Where Smartcar suggests a message and the app has none of its own, it is shown."""
    spec = smartcar_error.spec
    assert spec is not None
    tile = dashboard.odometer_tile(VEHICLE)
    if spec.key not in BY_KEY and spec.resolution is None:
        body = smartcar_error.calls[0].response.json()  # type: ignore[union-attr]
        assert tile.text == body["suggestedUserMessage"].strip()
