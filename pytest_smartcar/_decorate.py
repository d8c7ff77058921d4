"""``@stub_smartcar(...)`` as a decorator: functions, coroutines, generators and classes.

Each call of a decorated function is one *run*, with an engine of its own forked from
the decorator's (same stubs, fresh counts), so two coroutines of the same decorated
function awaited together each get their ``times=`` and their "never requested" check,
instead of the second failing with "already active". The decorator's engine is started
by the first run and stopped by the last; it answers the guard and hands each request
to the run it belongs to (the run of the current context, or the only run in progress).
When a run ends, its calls are added to the decorator's ``calls``.

A generator keeps its run from its first step until it finishes or is closed, so a
decorated yield fixture stubs the test in between; a class has its ``test*`` methods
decorated, as ``unittest.mock.patch`` does.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import threading
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_smartcar.errors import SmartcarUsageError

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.stubs import ServedStub

__all__ = ["decorate", "running"]

#: The runs of the current context, innermost last: (decorator's engine, the run's).
_current: contextvars.ContextVar[tuple[tuple[Any, Any], ...]] = contextvars.ContextVar(
    "pytest_smartcar_runs", default=()
)
_lock = threading.Lock()
#: Engines with runs in progress (empty nearly always: the fast path of ``running``).
_runs: dict[Any, _Runs] = {}


@dataclass
class _Runs:
    started: bool = False
    forks: list[tuple[SmartcarStub, list[tuple[ServedStub, ServedStub]]]] = field(
        default_factory=list
    )


def running(engine: SmartcarStub) -> SmartcarStub | None:
    """The run of ``engine`` that a request made now belongs to, if it has runs."""
    if not _runs:
        return None
    for outer, fork in reversed(_current.get()):
        if outer is engine:
            return fork  # type: ignore[no-any-return]
    state = _runs.get(engine)
    if state is not None and len(state.forks) == 1:
        return state.forks[0][0]
    return None  # several runs, none of this context: the engine answers itself


def decorate(engine: SmartcarStub, target: Any) -> Any:
    """``target`` with ``engine`` active while it runs (see the module docstring)."""
    if inspect.isclass(target):
        return _decorate_class(engine, target)
    if inspect.isasyncgenfunction(target):
        return _async_generator(engine, target)
    if inspect.iscoroutinefunction(target):
        return _coroutine(engine, target)
    if inspect.isgeneratorfunction(target):
        return _generator(engine, target)
    if callable(target):
        return _function(engine, target)
    raise SmartcarUsageError(
        "stub_smartcar() decorates functions, coroutine functions, generators and classes "
        f"(their test* methods); got {target!r}. Use 'with stub_smartcar() as stub:' around "
        "other code"
    )


def _decorate_class(engine: SmartcarStub, cls: type) -> type:
    for name, attr in list(vars(cls).items()):
        if not name.startswith("test"):
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            setattr(cls, name, type(attr)(decorate(engine, attr.__func__)))
        elif inspect.isfunction(attr):
            setattr(cls, name, decorate(engine, attr))
    return cls


# --- runs ---------------------------------------------------------------------------


def _enter(engine: SmartcarStub) -> SmartcarStub:
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.stubs import ServedStub

    with _lock:
        state = _runs.get(engine)
        if state is None:
            state = _runs[engine] = _Runs(started=not engine.active)
            if state.started:
                try:
                    engine.start()
                except BaseException:
                    del _runs[engine]
                    raise
        fork = SmartcarStub(
            app_name=engine.app_name,
            client_id=engine.client_id,
            block_unmatched=engine.block_unmatched,
            assert_all_requested=engine.assert_all_requested,
            name=engine.name,
        )
        pairs = []
        for stub in list(engine.stubs):
            copy = ServedStub(
                stub.first,
                times=stub.times,
                then=stub.then,
                endpoints=stub.endpoints,
                endpoint_label=stub.endpoint_label,
                methods=stub.methods,
                vehicle_ids=stub.vehicle_ids,
                optional=stub.optional,
                options=stub.options,
            )
            copy.rendered = stub.rendered  # rendered responses are shared, not counts
            fork.stubs.append(copy)
            pairs.append((stub, copy))
        fork.origin = engine.origin
        fork._started = engine._started
        state.forks.append((fork, pairs))
    return fork


def _leave(engine: SmartcarStub, fork: SmartcarStub, *, verify: bool) -> None:
    __tracebackhide__ = True
    with _lock:
        state = _runs[engine]
        pairs = next(p for f, p in state.forks if f is fork)
        state.forks = [(f, p) for f, p in state.forks if f is not fork]
        with engine._lock:
            engine.calls.extend(fork.calls)
            engine.unmatched.extend(fork.unmatched)
            for original, copy in pairs:
                original.calls.extend(copy.calls)
        if not state.forks:
            del _runs[engine]
            if state.started:
                engine.stop()
    if verify and fork.assert_all_requested:
        fork.verify()


@contextmanager
def _as_current(engine: SmartcarStub, fork: SmartcarStub) -> Iterator[None]:
    token = _current.set((*_current.get(), (engine, fork)))
    try:
        yield
    finally:
        _current.reset(token)


# --- wrappers -----------------------------------------------------------------------


def _function(engine: SmartcarStub, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        fork = _enter(engine)
        try:
            with _as_current(engine, fork):
                result = func(*args, **kwargs)
        except BaseException:
            _leave(engine, fork, verify=False)  # never mask the body's own exception
            raise
        _leave(engine, fork, verify=True)
        return result

    return run


def _coroutine(engine: SmartcarStub, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    async def run(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        fork = _enter(engine)
        try:
            with _as_current(engine, fork):
                result = await func(*args, **kwargs)
        except BaseException:
            _leave(engine, fork, verify=False)
            raise
        _leave(engine, fork, verify=True)
        return result

    return run


def _generator(engine: SmartcarStub, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        __tracebackhide__ = True
        fork = _enter(engine)
        try:
            with _as_current(engine, fork):
                inner = func(*args, **kwargs)
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                try:
                    with _as_current(engine, fork):  # only while the body runs
                        item = inner.send(sent) if thrown is None else inner.throw(thrown)
                except StopIteration as stop:
                    result = stop.value
                    break
                sent, thrown = None, None
                try:
                    sent = yield item
                except GeneratorExit:
                    with _as_current(engine, fork):
                        inner.close()
                    raise
                except BaseException as exc:
                    thrown = exc
        except BaseException:
            _leave(engine, fork, verify=False)
            raise
        _leave(engine, fork, verify=True)
        return result

    return run


def _async_generator(engine: SmartcarStub, func: Callable[..., Any]) -> Callable[..., Any]:
    # The async twin of _generator: Python cannot share one body between the two.
    @functools.wraps(func)
    async def run(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        __tracebackhide__ = True
        fork = _enter(engine)
        try:
            with _as_current(engine, fork):
                inner = func(*args, **kwargs)
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                try:
                    with _as_current(engine, fork):
                        if thrown is None:
                            item = await inner.asend(sent)
                        else:
                            item = await inner.athrow(thrown)
                except StopAsyncIteration:
                    break
                sent, thrown = None, None
                try:
                    sent = yield item
                except GeneratorExit:
                    with _as_current(engine, fork):
                        await inner.aclose()
                    raise
                except BaseException as exc:
                    thrown = exc
        except BaseException:
            _leave(engine, fork, verify=False)
            raise
        _leave(engine, fork, verify=True)

    return run
