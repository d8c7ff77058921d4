"""Thread pools: work carries the test and engine it was submitted under.

A pool's worker thread is started once and then runs everyone's work, so what a worker
was started under says nothing about the work it runs now. Patching
``ThreadPoolExecutor.submit`` (which ``loop.run_in_executor`` and ``asyncio.to_thread``
use too) hands the submitter's owner (:func:`guard.current_owner`) to the work, so work
submitted by one test and run after it ended is refused like a stray thread. Installed when
``concurrent.futures.thread`` is first imported, like the HTTP clients.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pytest_smartcar.transports import guard

__all__ = ["install", "uninstall"]

_original: dict[str, Any] = {}


def _submit(self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kw: Any) -> Any:
    owner = guard.current_owner()
    return _original["submit"](self, guard.run_as, owner, fn, *args, **kw)


def install() -> None:
    if "submit" not in _original:
        _original["submit"] = ThreadPoolExecutor.submit
        ThreadPoolExecutor.submit = _submit  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    original = _original.pop("submit", None)
    if original is not None and ThreadPoolExecutor.submit is _submit:
        ThreadPoolExecutor.submit = original  # type: ignore[method-assign]
