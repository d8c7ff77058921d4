"""Run a function right after a module is imported: the one import hook the package uses.

The transports patch an HTTP client the moment its import finishes, and the hypothesis
entry point registers our types once their module exists, both without importing the
module themselves. A meta path finder watches the named modules only, asks the other
finders for the real spec and wraps its loader; every other import pays one dict lookup.
Standard library only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

__all__ = ["AfterImport"]


class _Loader:
    """Runs the real loader, then the callback (every other attribute passes through)."""

    def __init__(self, loader: Any, then: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: Any) -> ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        # The module must look loaded by the real loader (importlib.resources, pkgutil and
        # reloads read __spec__.loader).
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        module.__loader__ = self._loader
        self._loader.exec_module(module)
        self._then(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class AfterImport:
    """A meta path finder that calls ``callbacks[name](module)`` after ``name`` executes;
    again each time the module is imported anew (pytester unloads modules)."""

    def __init__(self, callbacks: Mapping[str, Callable[[ModuleType], None]]) -> None:
        self.callbacks = dict(callbacks)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        then = self.callbacks.get(fullname)
        if then is None:
            return None
        for finder in list(sys.meta_path):
            find = None if finder is self else getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, then)
                return spec
        return None

    def insert(self) -> None:
        """Put the hook first on ``sys.meta_path`` (idempotent)."""
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def remove(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
