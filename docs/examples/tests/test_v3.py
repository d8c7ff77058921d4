"""The API V3 client: every error V3 sends reaches the user, per-signal failures inside a
200 are not mistaken for data, and the token call's errors are the OAuth ones. The V3
client sends ``sc-user-id``; the plugin refuses signal reads and commands that forget it,
as Smartcar does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_smartcar import SmartcarStub, catalog

from app import SmartcarApiError, SmartcarV3Client, user_message

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
USER = "725146a3-8b9a-4f8e-9a8e-1d3f0f6b2c11"
ENDPOINT = {"battery_percent": "v3.signals", "lock": "v3.commands.security.lock"}


@pytest.fixture
def v3(smartcar_error: SmartcarStub) -> Iterator[SmartcarV3Client]:
    """The V3 client, its app-token call answered with a realistic token."""
    smartcar_error.succeed(endpoint="iam.token")
    client = SmartcarV3Client("client_8229df9f", "secret")
    yield client
    client.close()


@pytest.mark.smartcar_error(api="v3")  # every error API V3 sends, V3-only ones included
@pytest.mark.parametrize("feature", list(ENDPOINT))
def test_every_v3_error_reaches_the_user(
    smartcar_error: SmartcarStub, v3: SmartcarV3Client, feature: str
) -> None:
    spec = smartcar_error.spec
    assert isinstance(spec, catalog.ErrorSpec)
    with pytest.raises(SmartcarApiError) as info:
        getattr(v3, feature)(VEHICLE, USER)
    err = info.value
    assert (err.status, err.type, err.code) == (spec.status, spec.type, spec.v3.code)
    assert err.request_id and user_message(err)
    assert smartcar_error.calls[-1].endpoint == ENDPOINT[feature]


@pytest.mark.smartcar_error(
    "COMPATIBILITY:VEHICLE_NOT_CAPABLE",
    endpoint="v3.signals",
    signals=["TractionBattery.StateOfCharge"],
)
def test_a_failed_signal_inside_a_200_is_an_error(v3: SmartcarV3Client) -> None:
    with pytest.raises(SmartcarApiError) as info:
        v3.battery_percent(VEHICLE, USER)
    assert (info.value.status, info.value.key) == (200, "COMPATIBILITY:VEHICLE_NOT_CAPABLE")
    assert user_message(info.value) == "Your car doesn't support this feature."


def test_signals_and_commands_succeed(smartcar_error: SmartcarStub, v3: SmartcarV3Client) -> None:
    smartcar_error.succeed(endpoint=["v3.signals", "v3.commands.security.lock"])
    assert v3.battery_percent(VEHICLE, USER) == 80.0
    assert v3.lock(VEHICLE, USER) == "SUCCESS"


def test_a_long_running_command_answers_202_in_progress(
    smartcar_error: SmartcarStub, v3: SmartcarV3Client
) -> None:
    smartcar_error.succeed(endpoint="v3.commands.security.lock", status=202)
    assert v3.lock(VEHICLE, USER) == "IN_PROGRESS"


@pytest.mark.parametrize("spec", catalog.IAM_ERRORS, ids=lambda s: s.key)
def test_token_errors(smartcar_error: SmartcarStub, spec: catalog.OAuthErrorSpec) -> None:
    smartcar_error.serve(spec, endpoint="iam.token")
    with pytest.raises(SmartcarApiError) as info:
        SmartcarV3Client("client_8229df9f", "wrong-secret").token()
    assert (info.value.status, info.value.type) == (spec.status, spec.error)
    assert info.value.description == spec.error_description


def test_a_forgotten_user_id_is_refused_as_smartcar_would(
    smartcar_error: SmartcarStub, v3: SmartcarV3Client
) -> None:
    smartcar_error.succeed(endpoint="v3.signals")
    with pytest.raises(SmartcarApiError) as info:
        v3.battery_percent(VEHICLE, user_id="")
    assert (info.value.status, info.value.key) == (400, "VALIDATION:BAD_REQUEST")
    assert "sc-user-id" in (smartcar_error.calls[-1].refused or "")
