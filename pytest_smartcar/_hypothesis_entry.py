"""Hypothesis entry point: ``st.from_type(ErrorSpec)`` and ``st.from_type(SmartcarError)``.

Hypothesis calls ``_register`` when it is imported (``[project.entry-points.hypothesis]``),
in every process that imports hypothesis, whether or not it uses pytest-smartcar. So
registration imports nothing of ours: a type whose module is already imported is
registered at once, and a small import hook registers it right after its module
(``catalog`` or ``parser``) is imported, which ``from_type(ErrorSpec)`` implies. The hook
stays: a module imported again (pytester unloads what an inner run imported) defines
its type again, and that type is registered again.
The strategies module, and with it httpx, is imported on the first draw.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

from pytest_smartcar._import_hooks import AfterImport

if TYPE_CHECKING:
    from types import ModuleType

    from hypothesis.strategies import SearchStrategy

    from pytest_smartcar.catalog import ErrorSpec
    from pytest_smartcar.parser import SmartcarError


# Functions of the type rather than strategies: hypothesis checks that a registered
# strategy is not empty, which would build it, and with it import the strategies and
# httpx, in every process that imports our catalog after hypothesis.


def _error_specs(_: type) -> SearchStrategy[ErrorSpec]:
    from pytest_smartcar.strategies import error_specs

    return error_specs()


def _smartcar_errors(_: type) -> SearchStrategy[SmartcarError]:
    from pytest_smartcar.strategies import _parsed_errors

    return _parsed_errors()


def _register_catalog(module: ModuleType) -> None:
    from hypothesis import strategies as st

    st.register_type_strategy(module.ErrorSpec, _error_specs)


def _register_parser(module: ModuleType) -> None:
    from hypothesis import strategies as st

    st.register_type_strategy(module.SmartcarError, _smartcar_errors)


#: The module that defines each type, and how to register it once it is imported.
_REGISTER = {
    "pytest_smartcar.catalog": _register_catalog,
    "pytest_smartcar.parser": _register_parser,
}


def _quietly(register: Any) -> Any:
    def run(module: ModuleType) -> None:
        with contextlib.suppress(Exception):  # st.from_type's nicety: never fail an import
            register(module)

    return run


_FINDER = AfterImport({name: _quietly(register) for name, register in _REGISTER.items()})


def _register() -> None:
    for name, register in _REGISTER.items():
        module = sys.modules.get(name)
        if module is not None:
            register(module)
    _FINDER.insert()
