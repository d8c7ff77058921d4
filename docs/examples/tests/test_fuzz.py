"""Fuzz the app's error parser with every shape Smartcar (or a proxy) might send.

``error_cases()`` yields valid, legacy and malformed responses, each with the ground
truth a correct parser recovers; a ``None`` field makes no claim.
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from pytest_smartcar import SmartcarError, stub_smartcar
from pytest_smartcar.strategies import ErrorCase, error_cases

from app import SmartcarApiError, SmartcarClient, user_message

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
CLAIMS = [f.name for f in fields(SmartcarError) if f.name != "detail"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(error_cases())
def test_client_parses_any_error(case: ErrorCase) -> None:
    client = SmartcarClient("token", max_attempts=1)
    with stub_smartcar(case.response), pytest.raises(SmartcarApiError) as info:
        client.odometer(VEHICLE)  # every case is an error status
    err = info.value
    for name in CLAIMS:
        claimed = getattr(case.expected, name)
        if claimed is not None and hasattr(err, name):
            assert getattr(err, name) == claimed, f"{name} of {case.description}"
    if case.expected.type is not None:
        assert err.code == case.expected.code
    assert user_message(err).strip()
