"""A virtual clock: the app's waits return at once and move time forward instead.

While a clock runs, ``time.sleep`` and ``asyncio.sleep`` (and anyio's sleep on asyncio)
return at once and advance it; ``time.monotonic()``, ``time.time()`` (and their ``_ns``
twins) and so the running event loop's ``time()`` read it. Time stands still otherwise:
a test that sleeps 120 s reads exactly 120 s later, whatever the machine's load.

Why not time-machine: it patches ``time.time`` at the C level, which is how it reaches
names bound before it starts, but that also reaches ``_pytest.timing`` (bound at import),
so pytest's report timestamps jump; and it leaves ``sleep``, ``monotonic`` and the loop's
clock alone, which is what retry code uses. This module patches module attributes
instead, plus names that app modules bound with ``from time import sleep`` (modules of
the standard library and of the test tools are left alone, so pytest's durations,
hypothesis' deadlines and ``threading`` timeouts keep real time); calls made from the
test tools read real time too. ``perf_counter`` is never patched.

Only one clock runs at a time, in the whole process (threads share it). Standard
library only; ``asyncio`` is imported when a clock starts, not before.
"""

from __future__ import annotations

import contextlib
import math
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pytest_smartcar.errors import SmartcarUsageError

__all__ = ["VirtualClock", "running", "virtual_clock"]

#: Callers from these packages read real time: the test tools' own timing stays true.
_TOOLS = frozenset(
    {
        "_pytest",
        "pytest",
        "pluggy",
        "hypothesis",
        "_hypothesis_pytestplugin",
        "_hypothesis_globals",
        "xdist",
        "execnet",
        "pytest_timeout",
        "coverage",
        "time_machine",
        "freezegun",
    }
)
#: Modules whose ``from time import ...`` names are never replaced (they keep real time).
_SKIP = _TOOLS | frozenset(sys.stdlib_module_names) | {"pytest_smartcar"}

_REAL: dict[str, Any] = {
    "sleep": time.sleep,
    "monotonic": time.monotonic,
    "monotonic_ns": time.monotonic_ns,
    "time": time.time,
    "time_ns": time.time_ns,
}
_lock = threading.Lock()
_running: VirtualClock | None = None
#: What each patched attribute held before, to put back: (namespace, name, value).
_saved: list[tuple[Any, str, Any]] = []
#: Modules already scanned for bound names and found clean (by name: the module object).
_clean: dict[str, types.ModuleType] = {}


class VirtualClock:
    """The time a test's waits add up to. Read ``sleeps`` and ``now()``; it is started
    by ``virtual_clock()`` or the ``smartcar_clock`` fixture."""

    def __init__(self) -> None:
        #: Every wait the code under test made, in seconds, in order (``time.sleep``,
        #: ``asyncio.sleep``, ``anyio.sleep``); waits of 0 (a yield) are not listed.
        self.sleeps: list[float] = []
        #: Where the clock was started: the pytest scope and test, set by the plugin.
        self.started_in: tuple[str, str] | None = None
        self._now = 0.0
        self._monotonic0 = 0.0
        self._time0 = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Virtual seconds since the clock started: the sum of the waits (and advances)."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward without a sleep (a token expiring, the user coming back)."""
        __tracebackhide__ = True
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise SmartcarUsageError(f"advance() takes seconds (a number), got {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise SmartcarUsageError(
                f"advance() takes a finite number of seconds >= 0, got {seconds!r}"
            )
        with self._lock:
            self._now += float(seconds)

    def _wait(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(float(seconds))
            self._now += float(seconds)

    def monotonic(self) -> float:
        """What ``time.monotonic()`` returns while the clock runs."""
        return self._monotonic0 + self._now

    def time(self) -> float:
        """What ``time.time()`` returns while the clock runs."""
        return self._time0 + self._now

    @property
    def running(self) -> bool:
        return _running is self

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<VirtualClock {state} at {self._now:g} s, {len(self.sleeps)} sleeps>"


def running() -> VirtualClock | None:
    """The clock that runs now, if any."""
    return _running


# -- what the patched names do ---------------------------------------------------------------


def _clock_for_caller() -> VirtualClock | None:
    """The running clock, unless the caller (two frames up) is one of the test tools."""
    clock = _running
    if clock is None:
        return None
    name = sys._getframe(2).f_globals.get("__name__", "")
    return None if name.partition(".")[0] in _TOOLS else clock


def _virtual(seconds: object) -> bool:
    """A wait the clock takes over: a finite number above 0 (everything else, including
    the errors of a bad value, is the real function's business)."""
    return (
        isinstance(seconds, (int, float))
        and not isinstance(seconds, bool)
        and math.isfinite(seconds)
        and seconds > 0
    )


def _original(name: str) -> Any:
    for namespace, attr, value in _saved:
        if namespace is time and attr == name:
            return value
    return _REAL[name]


def _sleep(seconds: float, /) -> None:
    clock = _clock_for_caller()
    if clock is None or not _virtual(seconds):
        _original("sleep")(seconds)
        return
    clock._wait(seconds)


def _monotonic() -> float:
    clock = _clock_for_caller()
    return _original("monotonic")() if clock is None else clock.monotonic()


def _monotonic_ns() -> int:
    clock = _clock_for_caller()
    return _original("monotonic_ns")() if clock is None else int(clock.monotonic() * 1e9)


def _time() -> float:
    clock = _clock_for_caller()
    return _original("time")() if clock is None else clock.time()


def _time_ns() -> int:
    clock = _clock_for_caller()
    return _original("time_ns")() if clock is None else int(clock.time() * 1e9)


_REAL_ASYNC_SLEEP: Callable[..., Any] | None = None


async def _async_sleep(delay: float, result: Any = None) -> Any:
    """``asyncio.sleep``: the wait returns at once, but the loop's own timers still fire
    in order. The sleep marks its end with a timer, yields so that other tasks can start
    their waits and, when the loop has nothing else to run, jumps the clock to its
    earliest timer (its own end, or sooner: a ``wait_for`` deadline, another task's
    shorter sleep); until its end is reached or a deadline cancels it."""
    assert _REAL_ASYNC_SLEEP is not None
    clock = _running
    if clock is None or not _virtual(delay):
        return await _REAL_ASYNC_SLEEP(delay, result)
    import asyncio

    loop = asyncio.get_running_loop()
    with clock._lock:
        clock.sleeps.append(float(delay))
        end = clock._now + float(delay)
    marker = loop.call_at(loop.time() + float(delay), _nothing)
    try:
        busy = 0  # turns the loop had other work, or a due timer still to run
        while clock._now < end:
            await _REAL_ASYNC_SLEEP(0)
            target = end
            if busy < _PATIENCE:
                target = min(end, _next_timer(loop, clock))
                if getattr(loop, "_ready", None) or target <= clock._now:
                    busy += 1
                    continue
            busy = 0
            with clock._lock:
                clock._now = max(clock._now, target)
    finally:
        marker.cancel()
    return result


#: How many turns of the loop a virtual sleep waits for other callbacks before it jumps.
_PATIENCE = 1000


def _nothing() -> None:
    """The callback of the timer that marks a virtual sleep's end."""


def _next_timer(loop: Any, clock: VirtualClock) -> float:
    """The clock time of the loop's earliest pending timer (``inf`` when it has none, or
    when the loop keeps its timers where we cannot read them, as uvloop does)."""
    scheduled = getattr(loop, "_scheduled", None)
    if not scheduled:
        return math.inf
    offset = loop.time() - clock._now
    pending = [h.when() for h in scheduled if not h.cancelled()]
    if not pending:
        return math.inf
    # The loop keeps times as real monotonic + virtual seconds: taking the offset off
    # again loses the low bits (30 s becomes 29.999999999996), so the clock time is read
    # to the microsecond, which keeps a 30 s deadline at 30.0 (loops fire timers within
    # their clock resolution anyway).
    return round(float(min(pending) - offset), 6)


_TIME_FAKES: dict[str, Any] = {
    "sleep": _sleep,
    "monotonic": _monotonic,
    "monotonic_ns": _monotonic_ns,
    "time": _time,
    "time_ns": _time_ns,
}


# -- patching --------------------------------------------------------------------------------


def _set(namespace: Any, name: str, value: Any) -> None:
    _saved.append((namespace, name, getattr(namespace, name)))
    setattr(namespace, name, value)


def _install() -> None:
    global _REAL_ASYNC_SLEEP
    import asyncio.tasks

    if "anyio" in sys.modules:  # its asyncio backend binds asyncio.sleep at import
        with contextlib.suppress(ImportError):
            import anyio._backends._asyncio  # noqa: F401
    if _REAL_ASYNC_SLEEP is None or asyncio.sleep is not _async_sleep:
        _REAL_ASYNC_SLEEP = asyncio.sleep
    fakes: dict[int, tuple[Any, Any]] = {}
    for name, fake in _TIME_FAKES.items():
        fakes[id(getattr(time, name))] = (getattr(time, name), fake)
        _set(time, name, fake)
    fakes[id(asyncio.sleep)] = (asyncio.sleep, _async_sleep)
    _set(asyncio, "sleep", _async_sleep)
    if asyncio.tasks.sleep is not _async_sleep:
        _set(asyncio.tasks, "sleep", _async_sleep)
    _rebind(fakes)


def _rebind(fakes: dict[int, tuple[Any, Any]]) -> None:
    """Replace ``from time import sleep`` (and the like) in app and library modules."""
    for name, module in list(sys.modules.items()):
        if _clean.get(name) is module or not isinstance(module, types.ModuleType):
            continue
        if name.partition(".")[0] in _SKIP:
            continue
        found = False
        for attr, value in list(module.__dict__.items()):
            hit = fakes.get(id(value))
            if hit is not None and hit[0] is value:
                _set(module, attr, hit[1])
                found = True
        if not found:
            _clean[name] = module


def _uninstall() -> None:
    while _saved:
        namespace, name, value = _saved.pop()
        if getattr(namespace, name, None) in (*_TIME_FAKES.values(), _async_sleep):
            setattr(namespace, name, value)


def _start(clock: VirtualClock) -> None:
    global _running
    __tracebackhide__ = True
    with _lock:
        if _running is not None:
            where = f" (started in {_running.started_in[1]})" if _running.started_in else ""
            raise SmartcarUsageError(
                f"a virtual clock is already running{where}: use that one (the "
                "smartcar_clock fixture or the outer virtual_clock()), not a second"
            )
        from pytest_smartcar.transports import guard

        clock.started_in = guard.settings.scope
        # Started at the real clocks' next whole second, so the virtual readings differ
        # by exactly the waits: monotonic() after a 50 s sleep minus monotonic() before
        # is 50.0, not 50.000000000007 (and never less than a real reading taken before).
        clock._monotonic0 = float(math.ceil(_REAL["monotonic"]()))
        clock._time0 = float(math.ceil(_REAL["time"]()))
        _install()
        _running = clock


def _stop(clock: VirtualClock) -> None:
    global _running
    with _lock:
        if _running is not clock:
            return
        _running = None
        _uninstall()


def stop_running() -> VirtualClock | None:
    """Stop the clock that runs now (the plugin's leak check), and return it."""
    clock = _running
    if clock is not None:
        _stop(clock)
    return clock


@contextmanager
def virtual_clock() -> Iterator[VirtualClock]:
    """Run a virtual clock for the ``with`` block (usable inside ``@given``)::

    with virtual_clock() as clock:
        client.odometer(VEHICLE_ID)  # sleeps 120 s: returns at once
    assert clock.sleeps == [120.0]
    """
    clock = VirtualClock()
    _start(clock)
    try:
        yield clock
    finally:
        _stop(clock)
