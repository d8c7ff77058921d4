"""Stash keys shared by the plugin hooks and the fixtures (kept import-light)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub

STUB_KEY: pytest.StashKey[SmartcarStub] = pytest.StashKey()
#: Coverage records (``{"kind", "key", "endpoint"}``) a test produced besides served calls.
RECORDS_KEY: pytest.StashKey[list[dict[str, Any]]] = pytest.StashKey()
SERVED_PROPERTY = "smartcar_served"
