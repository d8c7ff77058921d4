"""Re-authentication: the tile links to Connect, and the return trip is handled."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_smartcar import RetryContractViolation, SmartcarStub
from pytest_smartcar.connect import (
    complete_reauth_url,
    parse_reauth_url,
    reauth_error_redirect,
    reauth_success_redirect,
    wsgi_environ,
)

from app import Dashboard, SmartcarApiError, reauth_url

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
REDIRECT_URI = "https://chargely.example/smartcar/callback"
STATE = "reauth-state-1"
Browse = Callable[[dict[str, object]], tuple[str, str]]


@pytest.mark.smartcar_error("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
def test_disconnected_car_gets_a_reconnect_link(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    tile = dashboard.odometer_tile(VEHICLE)
    body = smartcar_error.calls[0].response.json()  # type: ignore[union-attr]
    partial = body["resolution"]["url"]
    state = dashboard.new_state()  # the fixture's fixed state
    assert tile.reconnect_url == complete_reauth_url(
        partial, redirect_uri=dashboard.redirect_uri, state=state
    )
    params = parse_reauth_url(tile.reconnect_url)
    assert (params["vehicle_id"], params["state"]) == (VEHICLE, state)


@pytest.mark.smartcar_error(resolution="REAUTHENTICATE")
def test_every_reauthenticate_error_asks_to_reconnect(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    tile = dashboard.odometer_tile(VEHICLE)
    assert "Reconnect" in tile.text
    has_link = smartcar_error.calls[0].response.json()["resolution"].get("url")  # type: ignore[union-attr]
    assert (tile.reconnect_url is not None) == bool(has_link)


def test_a_link_to_another_host_is_never_followed() -> None:
    err = SmartcarApiError(
        status=400,
        resolution="REAUTHENTICATE",
        resolution_url="https://evil.example/oauth/reauthenticate?vehicle_id=x",
    )
    assert reauth_url(err, redirect_uri=REDIRECT_URI, state=STATE) is None


def test_back_from_reauthentication(browse: Browse) -> None:
    url = reauth_success_redirect(REDIRECT_URI, vehicle_id=VEHICLE, state=STATE)
    status, page = browse(wsgi_environ(url))
    assert (status, "reconnected" in page) == ("200 OK", True)


def test_user_declines_reauthentication(browse: Browse) -> None:
    status, page = browse(wsgi_environ(reauth_error_redirect(REDIRECT_URI, state=STATE)))
    assert status == "400 Bad Request"
    assert "chose not to connect" in page


@pytest.mark.smartcar_error(
    "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", times=1, then="success"
)
def test_the_tile_works_again_after_reconnecting(
    smartcar_error: SmartcarStub, dashboard: Dashboard, browse: Browse
) -> None:
    assert dashboard.odometer_tile(VEHICLE).reconnect_url is not None
    # The user follows the link; Connect sends the browser back to the app.
    back = smartcar_error.reauth_redirect(REDIRECT_URI, state=STATE)
    assert browse(wsgi_environ(back))[0] == "200 OK"
    assert dashboard.odometer_tile(VEHICLE).ok
    smartcar_error.assert_retry_contract()  # the repeat came after a re-authentication


@pytest.mark.smartcar_error("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
def test_asking_again_without_reconnecting_breaks_the_contract(
    smartcar_error: SmartcarStub, dashboard: Dashboard
) -> None:
    dashboard.odometer_tile(VEHICLE)
    dashboard.odometer_tile(VEHICLE)  # e.g. a page that polls: the same token, again
    with pytest.raises(RetryContractViolation) as info:
        smartcar_error.assert_retry_contract()
    assert [v.rule for v in info.value.violations] == ["not_retryable"]
