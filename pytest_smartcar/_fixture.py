"""The runtime side of the pytest face: build the engine a test asked for.

Imported by the fixtures only when a test uses them, so a pytest run that never touches
Smartcar never imports httpx or respx.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_smartcar import markers
from pytest_smartcar._keys import PLANS_KEY, STUB_KEY, function_key
from pytest_smartcar._recording import record
from pytest_smartcar.connect import ConnectError
from pytest_smartcar.engine import SmartcarStub
from pytest_smartcar.errors import SmartcarUsageError


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(name)
    return value if value not in (None, False) else config.getini(name)


def open_stub(request: pytest.FixtureRequest) -> SmartcarStub:
    """A started engine for ``request.node``, serving what its marker (or param) says."""
    config = request.config
    stub = SmartcarStub(
        name="smartcar_error",
        app_name=_option(config, "smartcar_app_name") or None,
        block_unmatched=bool(_option(config, "smartcar_block_unmatched")),
        assert_all_requested=False,  # verified by the runtest hook, only when the test passed
    )
    param, found = markers.item_marks(request.node, markers.MARKER)
    problem: str | None = None
    if found:
        try:
            plans = config.stash.get(PLANS_KEY, {})
            plan = (None if param else plans.get(function_key(request.node))) or markers.plan(found)
            case = getattr(request, "param", None)
            if not isinstance(case, markers.Case):  # one concrete key: not parametrized
                case = plan.cases[0]
            kwargs = dict(plan.serve)
            if case.endpoint is not None:
                kwargs["endpoint"] = case.endpoint
            stub.serve(case.outcome, **kwargs)
        except SmartcarUsageError as exc:
            problem = str(exc)  # the report names the test
    if problem is not None:  # outside the except: one message, no chained traceback
        pytest.fail(problem, pytrace=False)
    stub.start()
    stub.origin = f"the smartcar_error fixture of {request.node.nodeid}"
    request.node.stash[STUB_KEY] = stub
    return stub


def open_connect(request: pytest.FixtureRequest) -> ConnectError:
    """The Connect error for ``request.node`` (its parametrized code or marker's single code)."""
    from pytest_smartcar.catalog import get_connect

    problem: str | None = None
    try:
        plan = markers.connect_plan(request.node.iter_markers(markers.CONNECT_MARKER))
    except SmartcarUsageError as exc:
        problem = str(exc)  # the report names the test
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    code = getattr(request, "param", None) or plan.codes[0]
    record("connect", code, None)
    return ConnectError(get_connect(code), state=plan.state)
