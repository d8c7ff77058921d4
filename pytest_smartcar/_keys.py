"""Stash keys shared by the plugin hooks and the fixtures (kept import-light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.markers import Plan
    from pytest_smartcar.transports.guard import Session

STUB_KEY: pytest.StashKey[SmartcarStub] = pytest.StashKey()
#: This session's hold on the guard, while the plugin's guard is installed.
GUARD_KEY: pytest.StashKey[Session] = pytest.StashKey()
SERVED_PROPERTY = "smartcar_served"
#: Marker plans computed at collection, by test function (so setup does not redo them).
PLANS_KEY: pytest.StashKey[dict[str, Plan]] = pytest.StashKey()


def function_key(node: pytest.Item | pytest.Function | object) -> str:
    """The test function's id without its parametrization, shared by all its items."""
    parent = getattr(node, "parent", None)
    name = getattr(node, "originalname", None) or getattr(node, "name", "")
    return f"{getattr(parent, 'nodeid', '')}::{name}"
