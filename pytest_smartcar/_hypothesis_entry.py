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


class _Loader:
    """Runs the real loader, then registers the module's type (other methods pass through)."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        with contextlib.suppress(Exception):  # st.from_type's nicety: never fail an import
            _REGISTER[module.__name__](module)


class _Finder:
    """A meta-path finder for our two modules only: it asks the other finders for the
    real spec and wraps its loader."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in _REGISTER:
            return None
        for finder in list(sys.meta_path):
            find = None if finder is self else getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


_FINDER = _Finder()


def _register() -> None:
    for name, register in _REGISTER.items():
        module = sys.modules.get(name)
        if module is not None:
            register(module)
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
