"""The guard: which engine answers a Smartcar request, or why none does.

Active engines form a stack. A Smartcar request is offered to the innermost engine first,
then outward; the first stub that matches answers it. If none does, the request fails with
``UnmatchedSmartcarRequest`` inside the client, before any socket is opened, unless the
user opted out (``--smartcar-allow-network``). Requests from a thread inherit the engine
that was innermost when the thread started (or, in a thread pool, when the work was
submitted), so a thread that outlives its test is refused instead of being answered and
counted by the next test's stub. For clients no transport intercepts, the guard refuses
to resolve Smartcar's host names. Standard library only.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_smartcar import messages
from pytest_smartcar.errors import UnmatchedSmartcarRequest
from pytest_smartcar.hosts import host_map, is_smartcar_host

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.exchange import Reply, SmartcarRequest

__all__ = [
    "answer",
    "blocked_message",
    "engines",
    "guarding",
    "is_smartcar",
    "pop",
    "push",
    "settings",
]


class _Settings:
    """Session-wide switches the pytest plugin sets."""

    #: The plugin is active: refuse unanswered Smartcar requests even with no engine.
    guarding = False
    #: ``--smartcar-allow-network``: unanswered Smartcar requests go to the network.
    allow_network = False
    #: Where engines started now belong: (pytest scope, node id), set by the plugin.
    scope: tuple[str, str] | None = None


settings = _Settings()
_engines: list[SmartcarStub] = []
#: The Smartcar requests of the current test, so its report can hide their credentials
#: (the plugin clears it when a test starts).
seen: list[SmartcarRequest] = []
_SEEN_LIMIT = 256
_lock = threading.RLock()
_local = threading.local()
_UNOWNED: Any = object()


def push(engine: SmartcarStub) -> None:
    with _lock:
        _engines.append(engine)


def pop(engine: SmartcarStub) -> None:
    with _lock:
        if engine in _engines:
            _engines.remove(engine)


def engines() -> list[SmartcarStub]:
    """The active engines, oldest first."""
    return list(_engines)


def guarding() -> bool:
    """Whether Smartcar requests must be answered or refused right now."""
    return settings.guarding or bool(_engines)


def is_smartcar(scheme: str, host: str, port: int | None) -> bool:
    return host_map().is_smartcar(scheme, host, port)


def blocked_message(method: str, url: str) -> str | None:
    """The refusal of a non-Smartcar request, when an active engine blocks other hosts."""
    if any(e.block_unmatched for e in _engines):
        return messages.blocked(method, url)
    return None


def _visible(request: SmartcarRequest) -> list[SmartcarStub]:
    """The engines this thread may be answered by: all of them, or, for a thread started
    under an engine, that engine and the ones outside it."""
    owner = owner_of_this_thread()
    with _lock:
        active = list(_engines)
    if owner is None:
        return active
    if owner not in active:
        raise UnmatchedSmartcarRequest(messages.stray(request, owner))
    return active[: active.index(owner) + 1]


def answer(request: SmartcarRequest) -> Reply | None:
    """The reply to a Smartcar request; ``None`` lets the client send it as usual (only
    with ``--smartcar-allow-network``, or while nothing guards)."""
    __tracebackhide__ = True
    from pytest_smartcar import endpoints as ep

    if len(seen) < _SEEN_LIMIT:
        seen.append(request)
    visible = _visible(request)
    if not visible and not settings.guarding:
        return None
    hosts = host_map()
    match = ep.identify(
        hosts, request.scheme, request.host, request.port, request.method, request.path,
        request.body,
    )  # fmt: skip
    refusals: list[Any] = []
    for engine in reversed(visible):
        reply = engine.answer(request, match, refusals)
        if reply is not None:
            return reply
    if settings.allow_network:
        return None
    message = messages.unmatched(request, match, refusals, visible)
    if visible:
        visible[-1].note_unmatched(request, message)
    raise UnmatchedSmartcarRequest(message)


# --- threads: a request is answered by the engine its thread was started under ------------

_original_start: Callable[..., Any] | None = None


def owner_of_this_thread() -> Any:
    """The engine this thread's requests belong to: set for work a pool runs, else the
    thread's own (``None``: the main thread, or one started with no engine active)."""
    owner = getattr(_local, "owner", _UNOWNED)
    if owner is _UNOWNED:
        owner = getattr(threading.current_thread(), "_smartcar_owner", None)
    return owner


def run_as(owner: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` with its requests owned by ``owner`` (a pool runs everyone's work)."""
    previous = getattr(_local, "owner", _UNOWNED)
    _local.owner = owner
    try:
        return fn(*args, **kwargs)
    finally:
        if previous is _UNOWNED:
            del _local.owner
        else:
            _local.owner = previous


def _current_owner() -> SmartcarStub | None:
    owner = owner_of_this_thread()
    if owner is None and _engines:
        owner = _engines[-1]
    return owner  # type: ignore[no-any-return]


def _start(self: threading.Thread) -> None:
    if "_smartcar_owner" not in self.__dict__:
        self._smartcar_owner = _current_owner()  # type: ignore[attr-defined]
    assert _original_start is not None
    _original_start(self)


# --- the last line of defence: no name resolution of Smartcar hosts -----------------------

_original_dns: dict[str, Callable[..., Any]] = {}


def _refuse(host: object) -> None:
    __tracebackhide__ = True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if (
        isinstance(host, str)
        and not settings.allow_network
        and guarding()
        and is_smartcar_host(host)
    ):
        raise UnmatchedSmartcarRequest(messages.dns_refused(host))


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    __tracebackhide__ = True
    _refuse(host)
    return _original_dns["getaddrinfo"](host, *args, **kwargs)


def _gethostbyname(host: Any) -> Any:
    __tracebackhide__ = True
    _refuse(host)
    return _original_dns["gethostbyname"](host)


def _gethostbyname_ex(host: Any) -> Any:
    __tracebackhide__ = True
    _refuse(host)
    return _original_dns["gethostbyname_ex"](host)


_DNS = {
    "getaddrinfo": _getaddrinfo,
    "gethostbyname": _gethostbyname,
    "gethostbyname_ex": _gethostbyname_ex,
}


def install() -> None:
    """Guard name resolution and tag threads (idempotent)."""
    global _original_start
    with _lock:
        if _original_start is not None:
            return
        for name, guard in _DNS.items():
            _original_dns[name] = getattr(socket, name)
            setattr(socket, name, guard)
        _original_start = threading.Thread.start
        threading.Thread.start = _start  # type: ignore[method-assign]


def uninstall() -> None:
    """Undo :func:`install` (idempotent)."""
    global _original_start
    with _lock:
        if _original_start is None:
            return
        for name, original in _original_dns.items():
            if getattr(socket, name) is _DNS[name]:
                setattr(socket, name, original)
        _original_dns.clear()
        if threading.Thread.start is _start:
            threading.Thread.start = _original_start  # type: ignore[method-assign]
        _original_start = None
