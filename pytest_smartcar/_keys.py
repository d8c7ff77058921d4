"""Names shared by the plugin hooks, the fixtures and the markers: stash keys, marker names
and signatures. Strings and keys only: every pytest run imports this."""

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
#: Set at configure: whether served errors are recorded for a coverage report.
RECORDING_KEY: pytest.StashKey[bool] = pytest.StashKey()

FIXTURE = "smartcar_error"
CONNECT_FIXTURE = "smartcar_connect_error"
MARKER = "smartcar_error"
CONNECT_MARKER = "smartcar_connect_error"
#: Marker plans computed at collection, by test function (so setup does not redo them).
PLANS_KEY: pytest.StashKey[dict[str, Plan]] = pytest.StashKey()

MARKER_SIGNATURE = (
    f"{MARKER}(*keys_or_patterns, type=, status=, resolution=, exclude=, endpoint=, method=, "
    "vehicle_id=, times=, then=, retry_after=, body=, headers=, resolution_style=, "
    "doc_url_style=, optional=, batch_paths=, batch_whole=, signals=, api=): serve Smartcar "
    "API errors to the test; several keys, globs, filters or a bare marker run the test once "
    "per matching catalog error."
)
CONNECT_SIGNATURE = (
    f"{CONNECT_MARKER}(*codes, state=): give the test a Smartcar Connect error redirect; "
    "several codes or a bare marker run it once per Connect error."
)


def function_key(node: pytest.Item | pytest.Function | object) -> str:
    """The test function's id without its parametrization, shared by all its items."""
    parent = getattr(node, "parent", None)
    name = getattr(node, "originalname", None) or getattr(node, "name", "")
    return f"{getattr(parent, 'nodeid', '')}::{name}"
