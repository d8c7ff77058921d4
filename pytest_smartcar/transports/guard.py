"""The guard: which engine answers a Smartcar request, or why none does.

Active engines form a stack. A Smartcar request is offered to the innermost engine first,
then outward; the first stub that matches answers it, whichever thread or client asks. If
none does, the request fails with ``UnmatchedSmartcarRequest`` inside the client, before
any socket is opened, unless the user opted out (``--smartcar-allow-network``).

A thread (or a thread pool's work item) belongs to the test and the engine it was started
under (submitted under). Once that test has ended, or that engine has stopped, its
requests are refused instead of being answered and counted by a later test's stub.
Threads started outside any test and engine (a server started by a session fixture)
belong to nobody and are answered like the main thread.

pytester runs pytest sessions inside a test's session: each session saves the settings
it replaces and puts them back, and stops only the engines started during it.

For clients no transport intercepts, the guard refuses to resolve Smartcar's host names.
Standard library only.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_smartcar.errors import UnmatchedSmartcarRequest

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.exchange import Reply, SmartcarRequest

__all__ = [
    "Owner",
    "Session",
    "answer",
    "blocked_message",
    "close_session",
    "current_owner",
    "engines",
    "guarding",
    "is_smartcar",
    "open_session",
    "outlived",
    "pop",
    "push",
    "settings",
]


class Session:
    """One pytest session's hold on the guard (pytester nests sessions in one process)."""

    def __init__(
        self, previous: tuple[bool, bool, str, tuple[str, str] | None, Session | None]
    ) -> None:
        self.previous = previous


#: The values of ``--smartcar-refusals`` (pytest_smartcar.refusals says what each does).
REFUSAL_MODES = ("v3", "all", "off")


class _Settings:
    """Session-wide switches the pytest plugin sets."""

    #: The plugin is active: refuse unanswered Smartcar requests even with no engine.
    guarding = False
    #: ``--smartcar-allow-network``: unanswered Smartcar requests go to the network.
    allow_network = False
    #: Which requests the real API would refuse are answered with its error
    #: (``--smartcar-refusals``: ``v3``, ``all`` or ``off``; see pytest_smartcar.refusals).
    refusals = "v3"
    #: Where engines and threads started now belong: (pytest scope, node id of the scope's
    #: node), set by the plugin; ``("function", nodeid)`` through a test's setup, call and
    #: teardown.
    scope: tuple[str, str] | None = None
    #: The innermost pytest session, whose engines its end stops.
    session: Session | None = None


settings = _Settings()
_engines: list[SmartcarStub] = []
#: The session each active engine was started in.
_sessions: dict[SmartcarStub, Session | None] = {}
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
        _sessions[engine] = settings.session


def pop(engine: SmartcarStub) -> None:
    with _lock:
        if engine in _engines:
            _engines.remove(engine)
        _sessions.pop(engine, None)


def engines() -> list[SmartcarStub]:
    """The active engines, oldest first."""
    return list(_engines)


def open_session(*, allow_network: bool, refusals: str = "v3") -> Session:
    """A pytest session starts: guard every Smartcar request until :func:`close_session`."""
    with _lock:
        session = Session(
            (
                settings.guarding,
                settings.allow_network,
                settings.refusals,
                settings.scope,
                settings.session,
            )
        )
        settings.guarding = True
        settings.allow_network = allow_network
        settings.refusals = refusals
        settings.scope = ("session", "")
        settings.session = session
        return session


def close_session(session: Session) -> None:
    """Put back what :func:`open_session` replaced (the outer session's, in pytester)."""
    with _lock:
        (
            settings.guarding,
            settings.allow_network,
            settings.refusals,
            settings.scope,
            settings.session,
        ) = session.previous


def outlived(session: Session, alive: Collection[str] | None = None) -> list[SmartcarStub]:
    """The engines started in ``session`` and still active whose pytest scope has ended:
    every one when ``alive`` is ``None``, else those whose scope's node id is not in
    ``alive`` (the node ids of the next test and its parents)."""
    with _lock:
        return [
            e
            for e in _engines
            if _sessions.get(e) is session
            and (alive is None or e.started_in is None or e.started_in[1] not in alive)
        ]


def guarding() -> bool:
    """Whether Smartcar requests must be answered or refused right now."""
    return settings.guarding or bool(_engines)


def is_smartcar(scheme: str, host: str, port: int | None) -> bool:
    from pytest_smartcar.hosts import host_map, is_smartcar_host

    # Smartcar's own hosts need no look at the environment's overrides (8 variables read
    # on every request otherwise).
    return is_smartcar_host(host) or host_map().is_smartcar(scheme, host, port)


def blocked_message(method: str, url: str) -> str | None:
    """The refusal of a non-Smartcar request, when an active engine blocks other hosts."""
    if any(e.block_unmatched for e in _engines):
        from pytest_smartcar import messages

        return messages.blocked(method, url)
    return None


def _visible(request: SmartcarRequest) -> list[SmartcarStub]:
    """The engines that may answer this thread: every active one, unless the thread
    outlived the test or the engine it was started under. Then none may: the request is
    refused, or, with ``--smartcar-allow-network``, sent on like any unanswered one."""
    __tracebackhide__ = True
    owner = owner_of_this_thread()
    with _lock:
        active = list(_engines)
        test = _test_now()
    if owner is None:
        return active
    from pytest_smartcar import messages

    stray: str | None = None
    if owner.test is not None and owner.test != test:
        stray = messages.stray_from_test(request, owner.test, test)
    elif owner.engine is not None and owner.engine not in active:
        stray = messages.stray(request, owner.engine)
    if stray is None:
        return active
    if settings.allow_network:
        return []
    raise UnmatchedSmartcarRequest(stray)


def answer(request: SmartcarRequest) -> Reply | None:
    """The reply to a Smartcar request; ``None`` lets the client send it as usual (only
    with ``--smartcar-allow-network``, or while nothing guards)."""
    __tracebackhide__ = True
    from pytest_smartcar import endpoints as ep
    from pytest_smartcar import messages
    from pytest_smartcar.hosts import host_map

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


# --- threads: a request belongs to the test and engine its thread was started under -------

_original_start: Callable[..., Any] | None = None


class Owner(NamedTuple):
    """What a thread was started under: the innermost engine, and the test (``None``:
    outside any test, e.g. in a module or session fixture)."""

    engine: SmartcarStub | None
    test: str | None


def _test_now() -> str | None:
    scope = settings.scope
    return scope[1] if scope is not None and scope[0] == "function" else None


def owner_of_this_thread() -> Owner | None:
    """What this thread's requests belong to: set for work a pool runs, else the thread's
    own (``None``: the main thread, or one started outside any test and engine)."""
    owner = getattr(_local, "owner", _UNOWNED)
    if owner is _UNOWNED:
        owner = getattr(threading.current_thread(), "_smartcar_owner", None)
    return owner  # type: ignore[no-any-return]


def current_owner() -> Owner | None:
    """The owner of a thread (or pooled work) started now from this thread: this thread's
    own owner, else the innermost engine and the running test."""
    owner = owner_of_this_thread()
    if owner is not None:
        return owner
    with _lock:
        engine = _engines[-1] if _engines else None
        test = _test_now()
    return None if engine is None and test is None else Owner(engine, test)


def run_as(owner: Owner | None, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
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


def _start(self: threading.Thread) -> None:
    if "_smartcar_owner" not in self.__dict__:
        self._smartcar_owner = current_owner()  # type: ignore[attr-defined]
    assert _original_start is not None
    _original_start(self)


# --- the last line of defence: no name resolution of Smartcar hosts -----------------------

_original_dns: dict[str, Callable[..., Any]] = {}


def _refuse(host: object) -> None:
    __tracebackhide__ = True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if isinstance(host, str) and not settings.allow_network and guarding():
        from pytest_smartcar.hosts import is_smartcar_host

        if is_smartcar_host(host):
            from pytest_smartcar import messages

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
