"""Put the transports in place: now for clients already imported, on import for the rest.

The plugin installs once per session (``acquire`` at configure, ``release`` at unconfigure);
``stub_smartcar()`` used without pytest does the same around its own activity. A client
imported later (inside a test, after collection) is patched the moment its import
finishes, by a meta path finder that only watches three names, so a suite that never
imports httpx, requests or aiohttp pays nothing for them and one that imports them late
is still guarded. We chose an import hook over "patch on first engine start" because the
guard must also refuse requests made when no engine is active.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from pytest_smartcar.transports import guard

__all__ = ["acquire", "release"]

#: Module -> our transport module that patches it once it is imported.
TRANSPORTS = {
    "httpx": "pytest_smartcar.transports.httpx",
    "requests": "pytest_smartcar.transports.requests",
    "aiohttp": "pytest_smartcar.transports.aiohttp",
    "concurrent.futures.thread": "pytest_smartcar.transports.pools",
}
_lock = threading.RLock()
_holders = 0
#: Client package -> (the client module patched, our transport module that patched it).
_installed: dict[str, tuple[ModuleType, ModuleType]] = {}


def _patch(package: str) -> None:
    """Patch ``package``; again if it was imported anew since (pytester's inner runs
    unload and re-import modules)."""
    with _lock:
        client = sys.modules.get(package)
        if _holders == 0 or client is None:
            return
        previous = _installed.pop(package, None)
        if previous is not None:
            if previous[0] is client:
                _installed[package] = previous
                return
            previous[1].uninstall()
            sys.modules.pop(TRANSPORTS[package], None)
        try:
            module = importlib.import_module(TRANSPORTS[package])
        except ImportError:  # no transport for this client (yet)
            return
        module.install()
        _installed[package] = (client, module)


class _Loader(importlib.abc.Loader):
    """Runs the real loader, then patches the client it just loaded."""

    def __init__(self, package: str, loader: importlib.abc.Loader) -> None:
        self._package = package
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # The module must look like it was loaded by the real loader (importlib.resources,
        # pkgutil and reloads read __spec__.loader).
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        module.__loader__ = self._loader
        self._loader.exec_module(module)
        _patch(self._package)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    """Watches the imports of httpx, requests and aiohttp, and nothing else."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in TRANSPORTS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(fullname, spec.loader)
                return spec
        return None


_finder = _Finder()


def acquire() -> None:
    """Install the guard and every transport; the first holder installs, others count."""
    global _holders
    with _lock:
        _holders += 1
        if _holders > 1:
            return
        guard.install()
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
        for package in TRANSPORTS:
            if package in sys.modules:
                _patch(package)


def release() -> None:
    """Undo :func:`acquire`; the last holder removes every patch."""
    global _holders
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders:
            return
        if _finder in sys.meta_path:
            sys.meta_path.remove(_finder)
        for _, module in _installed.values():
            module.uninstall()
        _installed.clear()
        guard.uninstall()


def installed() -> list[str]:
    """The clients patched right now (for tests and the docs' claims)."""
    return sorted(_installed)
