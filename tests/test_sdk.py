"""The official `smartcar` SDK (which uses requests) under the plugin's stubs."""

from __future__ import annotations

import pytest
import requests
import smartcar

from pytest_smartcar import SmartcarError, SmartcarStub, catalog

VEHICLE_ID = "36ab27d0-fd9d-4455-823a-ce30af709ffc"


def _served(stub: SmartcarStub) -> SmartcarError:
    response = stub.calls[-1].response
    assert response is not None
    return SmartcarError.from_response(response)


@pytest.mark.smartcar_error
def test_sdk_raises_what_the_reference_parser_reads(smartcar_error: SmartcarStub) -> None:
    vehicle = smartcar.Vehicle(VEHICLE_ID, "access-token")
    with pytest.raises(smartcar.SmartcarException) as info:
        vehicle.odometer()
    err, expected = info.value, _served(smartcar_error)
    assert expected.key == smartcar_error.spec.key  # type: ignore[union-attr]
    assert (err.type, err.code, err.status_code) == (expected.type, expected.code, expected.status)
    assert err.request_id == expected.request_id
    assert err.resolution["type"] == expected.resolution
    assert err.resolution["url"] == expected.resolution_url
    if expected.retry_after is not None:
        assert float(err.retry_after) == expected.retry_after


@pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint="lock")
def test_sdk_commands(smartcar_error: SmartcarStub) -> None:
    with pytest.raises(smartcar.SmartcarException) as info:
        smartcar.Vehicle(VEHICLE_ID, "access-token").lock()
    assert info.value.code == "DOOR_OPEN"
    assert smartcar_error.calls[0].endpoint == "lock"


@pytest.mark.parametrize("name", [s.name for s in catalog.OAUTH_ERRORS if s.host == "auth"])
def test_oauth_errors_reach_exchange_code(smartcar_error: SmartcarStub, name: str) -> None:
    spec = catalog.lookup(f"OAUTH:{name}")
    assert isinstance(spec, catalog.OAuthErrorSpec)
    smartcar_error.serve(spec, endpoint="token")
    client = smartcar.AuthClient("client-id", "client-secret", "https://example.com/callback")
    with pytest.raises(smartcar.SmartcarException) as info:
        client.exchange_code("bad code here")
    served = _served(smartcar_error)
    assert info.value.type == spec.error == served.type
    assert info.value.message == served.description
    if name == "invalid_code":  # the bad code is echoed, as Smartcar does
        assert served.description == "Invalid code: bad code here."
    assert info.value.status_code == spec.status


def test_refresh_token_error_names_the_token(smartcar_error: SmartcarStub) -> None:
    smartcar_error.serve("OAUTH:INVALID_REFRESH_TOKEN", endpoint="token")
    client = smartcar.AuthClient("client-id", "client-secret", "https://example.com/callback")
    with pytest.raises(smartcar.SmartcarException, match=r"Invalid refresh_token: stale-token\."):
        client.exchange_refresh_token("stale-token")


def test_sdk_flows_succeed_and_fail_under_one_stub(smartcar_error: SmartcarStub) -> None:
    smartcar_error.succeed(endpoint=["vehicles", "user", "compatibility", "token", "v3.vehicle"])
    smartcar_error.serve("SERVER:INTERNAL", endpoint="management.connections")
    assert smartcar.get_vehicles("token").vehicles == [VEHICLE_ID]
    assert smartcar.get_user("token").id
    assert smartcar.get_compatibility("5YJSA1E29HF000000", ["read_odometer"], options={
        "client_id": "id", "client_secret": "secret"}).compatible  # fmt: skip
    access = smartcar.AuthClient("id", "secret", "https://example.com/cb").exchange_code("code")
    assert access.access_token
    assert smartcar.smartcar.get_vehicle("token", VEHICLE_ID)
    with pytest.raises(smartcar.SmartcarException) as info:
        smartcar.get_connections("amt")
    assert info.value.type == "SERVER"


def test_sdk_timeout_surfaces_as_sdk_error(smartcar_error: SmartcarStub) -> None:
    smartcar_error.serve("timeout", endpoint="odometer")
    with pytest.raises(smartcar.SmartcarException) as info:
        smartcar.Vehicle(VEHICLE_ID, "token").odometer()
    assert str(info.value) == "SDK_ERROR"
    assert isinstance(info.value.__context__, requests.Timeout)  # what requests itself raises
