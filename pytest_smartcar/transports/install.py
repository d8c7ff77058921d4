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
import sys
import threading
from types import ModuleType

from pytest_smartcar._import_hooks import AfterImport
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


def _patch_imported(module: ModuleType) -> None:
    _patch(module.__name__)


#: Patches each client right after its import finishes.
_finder = AfterImport(dict.fromkeys(TRANSPORTS, _patch_imported))


def acquire() -> None:
    """Install the guard and every transport; the first holder installs, others count."""
    global _holders
    with _lock:
        _holders += 1
        if _holders > 1:
            return
        guard.install()
        _finder.insert()
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
        _finder.remove()
        for _, module in _installed.values():
            module.uninstall()
        _installed.clear()
        guard.uninstall()


def installed() -> list[str]:
    """The clients patched right now (for tests and the docs' claims)."""
    return sorted(_installed)
