"""The stub engine: ``stub_smartcar()`` answers Smartcar requests with catalog errors.

An engine holds the stubs a test declared with ``serve()`` and answers the Smartcar
requests the transports hand it, newest stub first. While it is active it sits on the
guard's stack (:mod:`pytest_smartcar.transports.guard`): a request goes to the innermost
engine first, then outward, and one no stub answers fails with
``UnmatchedSmartcarRequest`` inside the client, never reaching the network. The engine
knows nothing about HTTP clients: it takes a neutral request and gives back a neutral
reply, rendered by the wire layer in the format of the API version the request called.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_smartcar import _decorate, _recording, replies
from pytest_smartcar import endpoints as ep
from pytest_smartcar._signature import checked_arguments
from pytest_smartcar.calls import Call, describe_calls, redact_headers
from pytest_smartcar.catalog import ErrorSpec, get
from pytest_smartcar.contract import DEFAULT_MAX_ATTEMPTS
from pytest_smartcar.errors import (
    SmartcarUsageError,
    UnmatchedSmartcarRequest,
    UnrequestedSmartcarStub,
)
from pytest_smartcar.exchange import Reply, SmartcarRequest
from pytest_smartcar.outcomes import FAULTS, SUCCESS, Outcome, as_outcome
from pytest_smartcar.refusals import check as refusal_for
from pytest_smartcar.serving import UNSET, check_serve_arguments
from pytest_smartcar.stubs import ServedStub
from pytest_smartcar.transports import guard

if TYPE_CHECKING:
    import httpx

    from pytest_smartcar.catalog import AnySpec

__all__ = [
    "FAULTS",
    "Call",
    "Outcome",
    "ServedStub",
    "SmartcarStub",
    "as_outcome",
    "redact_headers",
    "stub_smartcar",
]

F = TypeVar("F", bound=Callable[..., Any])
_UNSET: Any = UNSET
_REAUTH_KEY = "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"
#: Outcomes a refusal overrides: they presuppose Smartcar accepted the request.
_REFUSABLE = ("error", "success")


def _flag(name: str, value: object) -> bool:
    __tracebackhide__ = True
    if not isinstance(value, bool):
        raise SmartcarUsageError(f"{name}= takes True or False, got {value!r}")
    return value


def _text(name: str, value: object) -> str | None:
    __tracebackhide__ = True
    if value is not None and not isinstance(value, str):
        raise SmartcarUsageError(f"{name}= takes a string, got {value!r}")
    return value


def _origin() -> str:
    """``file:line`` of the user's code that called us (for "started at ..." messages)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        ("pytest_smartcar", "contextlib", "_pytest", "pluggy")
    ):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class SmartcarStub:
    """The handle of an engine: ``serve()`` errors, read ``calls`` afterwards.

    Use it as a context manager or a decorator (sync or async functions); the
    ``smartcar_error`` fixture is one of these. ``name`` is how messages refer to it.
    """

    @checked_arguments("SmartcarStub")
    def __init__(
        self,
        response: httpx.Response | None = None,
        *,
        app_name: str | None = None,
        client_id: str | None = None,
        block_unmatched: bool = False,
        assert_all_requested: bool = True,
        name: str = "stub",
    ) -> None:
        __tracebackhide__ = True
        self.app_name = _text("app_name", app_name)
        self.client_id = _text("client_id", client_id)
        self.block_unmatched = _flag("block_unmatched", block_unmatched)
        self.assert_all_requested = _flag("assert_all_requested", assert_all_requested)
        self.name = name
        self.stubs: list[ServedStub] = []
        self.calls: list[Call] = []
        self.unmatched: list[tuple[SmartcarRequest, str]] = []
        #: Where the engine was last started (``file:line``), for leak messages.
        self.origin: str | None = None
        #: Set by the pytest plugin: the scope and test the engine was started in.
        self.started_in: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._active = False
        self._started = 0.0
        #: How many calls had been made at each ``reauth_redirect()`` (the contract's
        #: evidence of a re-authentication).
        self._reauths: list[int] = []
        if response is not None:
            outcome = as_outcome(response, "response")
            if outcome.kind != "response":
                raise SmartcarUsageError(
                    "stub_smartcar(response) takes an httpx.Response (e.g. case.response from "
                    f"error_cases()); got {response!r}. To serve a catalog error use "
                    "stub_smartcar().serve('VEHICLE_STATE:ASLEEP')"
                )
            self._add(
                ServedStub(
                    outcome,
                    times=None,
                    then=(),
                    endpoints=None,
                    endpoint_label="every Smartcar request",
                    methods=None,
                    vehicle_ids=None,
                    optional=False,
                    options={},
                )
            )

    # -- declaring ------------------------------------------------------------------------

    @checked_arguments("serve")
    def serve(
        self,
        error: object,
        /,
        *,
        endpoint: str | Iterable[str] | None = None,
        method: str | Iterable[str] | None = None,
        vehicle_id: str | Iterable[str] | None = None,
        times: int | None = None,
        then: object = _UNSET,
        retry_after: int | str | None = _UNSET,
        status: int | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str | None] | None = None,
        resolution_style: str = "object",
        doc_url_style: str = "current",
        optional: bool = False,
        batch_paths: str | Iterable[str] | None = None,
        batch_whole: bool = False,
        signals: str | Iterable[str] | None = None,
    ) -> ServedStub:
        """Answer matching Smartcar requests with ``error``.

        ``error`` is a catalog key, an ``ErrorSpec``, a fault (``timeout``,
        ``connect_error``, ``disconnect``, ``gateway_502``, ``gateway_504``),
        ``"success"``, a success body or an ``httpx.Response``. By default every vehicle
        endpoint answers it, forever; ``endpoint="*"`` answers every request to a
        Smartcar host, documented path or not. ``times=N`` then ``then=`` (one outcome or
        a list, the last repeating) builds sequences for retry logic. ``optional=True``
        lets the test pass without the request being made.

        On the batch endpoint a catalog error answers 200 with the error inside the items
        of ``batch_paths`` (default: every requested path; the others succeed);
        ``batch_whole=True`` fails the batch call itself instead. On V3's ``v3.signals``,
        ``signals=`` (``Group.Name`` names, codes or globs) answers 200 with those signals
        failing with the error and the others succeeding.

        A V3 request (``vehicle.api``/``management.api``/``iam``) is answered in the V3
        wire format, any other in v2.0's; see ``pytest_smartcar.refusals`` for the
        requests answered with the real API's refusal instead.
        """
        __tracebackhide__ = True
        args = check_serve_arguments(
            error,
            endpoint=endpoint,
            method=method,
            vehicle_id=vehicle_id,
            times=times,
            then=then,
            retry_after=retry_after,
            status=status,
            body=body,
            headers=headers,
            resolution_style=resolution_style,
            doc_url_style=doc_url_style,
            optional=optional,
            batch_paths=batch_paths,
            batch_whole=batch_whole,
            signals=signals,
        )
        stub = ServedStub(**args)
        self._add(stub)
        return stub

    def serve_sequence(
        self,
        sequence: object,
        /,
        *,
        endpoint: str | Iterable[str] | None = None,
        method: str | Iterable[str] | None = None,
        vehicle_id: str | Iterable[str] | None = None,
        optional: bool = False,
    ) -> list[ServedStub]:
        """Serve an ``error_sequences()`` draw (or its words, or a list of outcomes) in
        order to matching requests; after the last outcome, the last repeats."""
        __tracebackhide__ = True
        from pytest_smartcar.sequences import serve_sequence

        return serve_sequence(
            self, sequence, endpoint=endpoint, method=method, vehicle_id=vehicle_id,
            optional=optional,
        )  # fmt: skip

    def succeed(
        self, body: Any = None, /, *, endpoint: str | Iterable[str] | None = None, **kw: Any
    ) -> ServedStub:
        """Answer matching requests with a realistic 200 (or ``body``); optional by default."""
        __tracebackhide__ = True
        kw.setdefault("optional", True)
        return self.serve(body if body is not None else SUCCESS, endpoint=endpoint, **kw)

    def _add(self, stub: ServedStub) -> None:
        with self._lock:
            self.stubs.append(stub)

    # -- reading -------------------------------------------------------------------------

    @property
    def spec(self) -> AnySpec | None:
        """The catalog entry of the first stub declared (the marker's error)."""
        return next((s.spec for s in self.stubs if s.spec is not None), None)

    @property
    def served(self) -> Counter[str]:
        """How many times each outcome (catalog key, fault, ``success``) was served."""
        return Counter(c.key for c in self.calls)

    @property
    def call_count(self) -> int:
        return len(self.calls)

    @property
    def active(self) -> bool:
        return self._active

    def now(self) -> float:
        """The ``at`` of a call made now: the virtual clock's time while one runs, else
        seconds since the engine started."""
        from pytest_smartcar.clock import running as running_clock  # as the fixture finds it

        running = running_clock()
        return running.now() if running is not None else time.monotonic() - self._started

    # -- answering -----------------------------------------------------------------------

    def answer(
        self,
        request: SmartcarRequest,
        match: ep.Match | None,
        refusals: list[tuple[ServedStub, str]],
    ) -> Reply | None:
        """The reply of the newest stub that matches ``request``; ``None`` when none does
        (each stub's reason is appended to ``refusals``)."""
        __tracebackhide__ = True
        run = _decorate.running(self)  # a decorated call's own engine, if any
        if run is not None:
            return run.answer(request, match, refusals)
        with self._lock:
            for stub in reversed(self.stubs):
                reason = stub.refusal(match, request.method)
                if reason is None:
                    index, outcome = stub.next_outcome()
                    call = Call(
                        request,
                        outcome.key,
                        match.endpoint.name if match else None,
                        stub,
                        outcome.spec,
                        self.now(),
                    )
                    stub.calls.append(call)
                    self.calls.append(call)
                    break
                refusals.append((stub, reason))
            else:
                return None
        api = replies.api_called(request, match)
        refusal = refusal_for(request, match, api) if outcome.kind in _REFUSABLE else None
        fill = replies.Fill(self.app_name, self.client_id)
        if refusal is not None:
            call.key, call.spec, call.refused = refusal[0].key, get(refusal[0].key), refusal[1]
            call.reply = replies.refusal_reply(refusal[0], api, stub.options, match, fill)
            return call.reply
        if isinstance(outcome.spec, ErrorSpec):  # counted in the catalog of the API called
            _recording.record("v3" if api == "v3" else "api", outcome.spec.key, call.endpoint)
        call.reply = replies.respond(stub, index, outcome, request, match, api, fill)
        return call.reply

    def note_unmatched(self, request: SmartcarRequest, message: str) -> None:
        """Keep a refused request, so ``verify()`` reports it if the app swallowed it."""
        run = _decorate.running(self)
        if run is not None:
            return run.note_unmatched(request, message)
        with self._lock:
            self.unmatched.append((request, message))

    def handle(self, request: httpx.Request) -> httpx.Response | None:
        """Answer one ``httpx.Request`` with this engine alone, without a client: the
        response, or ``None`` when the request is not for a Smartcar host. A fault raises
        the httpx exception a client would."""
        __tracebackhide__ = True
        from pytest_smartcar.hosts import host_map
        from pytest_smartcar.transports import httpx as transport

        url = request.url
        hosts = host_map()
        if not hosts.is_smartcar(url.scheme, url.host, url.port):
            return None
        exchange = transport._exchange(request, request.read())
        match = ep.identify(
            hosts, exchange.scheme, exchange.host, exchange.port, exchange.method,
            exchange.path, exchange.body,
        )  # fmt: skip
        refusals: list[tuple[ServedStub, str]] = []
        reply = self.answer(exchange, match, refusals)
        if reply is None:
            from pytest_smartcar import messages

            message = messages.unmatched(exchange, match, refusals, [self])
            self.note_unmatched(exchange, message)
            raise UnmatchedSmartcarRequest(message)
        if reply.fault is not None:
            raise transport._fault(reply.fault, request)
        return reply.to_httpx(request)

    def reauth_redirect(
        self, redirect_uri: str, *, state: str | None = None, denied: bool = False
    ) -> str:
        """The redirect Connect sends back after re-authentication of the vehicle whose
        request last got ``CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED``: success
        (``vehicle_id``, ``state``, no ``code``) or, with ``denied=True``, ``access_denied``.
        """
        from pytest_smartcar.connect import (
            parse_reauth_url,
            reauth_error_redirect,
            reauth_success_redirect,
        )
        from pytest_smartcar.parser import SmartcarError

        if denied:
            return reauth_error_redirect(redirect_uri, state=state)
        for call in reversed(self.calls):
            if call.key == _REAUTH_KEY and call.response is not None:
                url = SmartcarError.from_response(call.response).resolution_url
                if url:
                    vehicle_id = parse_reauth_url(url, require_redirect_uri=False)["vehicle_id"]
                    self._reauths.append(len(self.calls))
                    return reauth_success_redirect(redirect_uri, vehicle_id=vehicle_id, state=state)
        raise SmartcarUsageError(
            f"reauth_redirect(): no {_REAUTH_KEY} response was served yet, so there is no "
            "vehicle to re-authenticate; serve that error and let the app request it first"
        )

    # -- checking ------------------------------------------------------------------------

    def verify(self) -> None:
        """Fail when the code under test swallowed an unmatched request or never made a
        request a required stub answers."""
        if self.unmatched:
            _, message = self.unmatched[0]
            more = len(self.unmatched) - 1
            extra = f" ({more} more unmatched request{'s' if more != 1 else ''})" if more else ""
            raise UnmatchedSmartcarRequest(
                f"{message}\nThe code under test caught this error and went on{extra}."
            )
        idle = [s for s in self.stubs if not s.calls and not s.optional]
        if idle:
            names = "\n".join(f"  - {s.describe()}" for s in idle)
            raise UnrequestedSmartcarStub(
                "pytest-smartcar: the code under test never made a request these stubs "
                f"answer:\n{names}\nCheck the endpoint= and method= of each, or allow it to go "
                "unused with serve(..., optional=True) (marker argument optional=True)."
            )

    def assert_retry_contract(
        self, *, max_attempts: int | None = DEFAULT_MAX_ATTEMPTS, ignore: str | Iterable[str] = ()
    ) -> None:
        """Raise ``RetryContractViolation`` when the app's retries broke Smartcar's rules
        (``Retry-After``, waits after ``RETRY_LATER``, errors retrying does not fix, more
        than ``max_attempts`` attempts in a row); ``ignore`` switches rules off by name."""
        __tracebackhide__ = True
        from pytest_smartcar.contract import check

        check(self, max_attempts=max_attempts, ignore=ignore)

    def describe_calls(self, limit: int = 2000) -> str:
        """What was served, request by request, for a failure report (secrets redacted)."""
        return describe_calls(self.calls, [request for request, _ in self.unmatched], limit)

    # -- activation ----------------------------------------------------------------------

    def start(self) -> SmartcarStub:
        """Begin answering; prefer ``with stub_smartcar() as stub:``."""
        from pytest_smartcar.transports import install

        if self._active:
            raise SmartcarUsageError(
                f"this stub_smartcar() is already active (started at {self.origin}); "
                "stop it first, or open a second stub_smartcar()"
            )
        with self._lock:
            self.calls.clear()
            self.unmatched.clear()
            self._reauths.clear()
            for stub in self.stubs:
                stub.calls.clear()
        self.origin = _origin()
        self.started_in = guard.settings.scope
        self._started = time.monotonic()
        install.acquire()
        self._active = True
        guard.push(self)
        return self

    def stop(self) -> None:
        """Stop answering (idempotent); does not verify."""
        from pytest_smartcar.transports import install

        if not self._active:
            return
        self._active = False
        guard.pop(self)
        install.release()

    def __enter__(self) -> SmartcarStub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        # Never mask the body's own exception with our check (responses' mistake).
        if exc_type is None and self.assert_all_requested:
            self.verify()

    def __call__(self, func: F) -> F:
        """Decorate a function, coroutine function, generator or class (its ``test*``
        methods): each call runs with an engine of its own, forked from this one."""
        from pytest_smartcar._decorate import decorate

        return decorate(self, func)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        state = f"active since {self.origin}" if self._active else "inactive"
        return f"<SmartcarStub {self.name} {state}, {len(self.stubs)} stubs>"


@checked_arguments("stub_smartcar")
def stub_smartcar(
    response: httpx.Response | None = None,
    *,
    app_name: str | None = None,
    client_id: str | None = None,
    block_unmatched: bool = False,
    assert_all_requested: bool = True,
) -> SmartcarStub:
    """Stub Smartcar's hosts: ``with stub_smartcar() as stub: stub.serve("VEHICLE_STATE:ASLEEP")``.

    With a ready ``httpx.Response`` (e.g. ``case.response`` from ``error_cases()``) every
    Smartcar request gets a copy of it. Inside another active engine it answers first and
    the outer engine still answers what it does not. On a clean exit, a stub never
    requested fails (``assert_all_requested=False`` turns that off); an exception from
    the body is never masked.
    """
    __tracebackhide__ = True
    return SmartcarStub(
        response,
        app_name=app_name,
        client_id=client_id,
        block_unmatched=block_unmatched,
        assert_all_requested=assert_all_requested,
    )
