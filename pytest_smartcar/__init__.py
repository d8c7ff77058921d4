"""pytest-smartcar: prove your app handles every way a Smartcar API call can fail.

The public names are re-exported lazily so that loading the pytest plugin (which
imports this package) pulls in neither httpx, respx, requests nor hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_smartcar import catalog
    from pytest_smartcar.catalog import ErrorSpec, UnknownSmartcarError
    from pytest_smartcar.clock import VirtualClock, virtual_clock
    from pytest_smartcar.contract import RetryContractViolation
    from pytest_smartcar.engine import SmartcarStub, stub_smartcar
    from pytest_smartcar.errors import SmartcarUsageError, UnmatchedSmartcarRequest
    from pytest_smartcar.parser import SmartcarError
    from pytest_smartcar.sequences import ErrorSequence

__all__ = [
    "ErrorSequence",
    "ErrorSpec",
    "RetryContractViolation",
    "SmartcarError",
    "SmartcarStub",
    "SmartcarUsageError",
    "UnknownSmartcarError",
    "UnmatchedSmartcarRequest",
    "VirtualClock",
    "catalog",
    "stub_smartcar",
    "virtual_clock",
]
__version__ = "0.1.0"

_LAZY = {
    "catalog": ("pytest_smartcar.catalog", None),
    "ErrorSpec": ("pytest_smartcar.catalog", "ErrorSpec"),
    "UnknownSmartcarError": ("pytest_smartcar.catalog", "UnknownSmartcarError"),
    "SmartcarError": ("pytest_smartcar.parser", "SmartcarError"),
    "stub_smartcar": ("pytest_smartcar.engine", "stub_smartcar"),
    "SmartcarStub": ("pytest_smartcar.engine", "SmartcarStub"),
    "SmartcarUsageError": ("pytest_smartcar.errors", "SmartcarUsageError"),
    "UnmatchedSmartcarRequest": ("pytest_smartcar.errors", "UnmatchedSmartcarRequest"),
    "RetryContractViolation": ("pytest_smartcar.contract", "RetryContractViolation"),
    "virtual_clock": ("pytest_smartcar.clock", "virtual_clock"),
    "VirtualClock": ("pytest_smartcar.clock", "VirtualClock"),
    "ErrorSequence": ("pytest_smartcar.sequences", "ErrorSequence"),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'pytest_smartcar' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
