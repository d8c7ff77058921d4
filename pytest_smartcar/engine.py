"""The stub engine: ``stub_smartcar()`` answers Smartcar requests with catalog errors.

One respx router sees every httpx request (sync and async; the requests bridge feeds it
``requests`` traffic too). Requests to Smartcar hosts are matched against the stubs the
test declared with ``serve()`` (newest first); a Smartcar request no stub answers raises
``UnmatchedSmartcarRequest`` inside the client and never reaches the network. Requests
to other hosts pass through untouched unless ``block_unmatched=True``.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs

import httpx
import respx

from pytest_smartcar import _recording
from pytest_smartcar import endpoints as ep
from pytest_smartcar.batch import (
    ErrorOutcome,
    batch_response,
    normalize_path,
    parse_batch_request,
)
from pytest_smartcar.catalog import ErrorSpec, LegacyErrorSpec, OAuthErrorSpec, get, lookup
from pytest_smartcar.errors import (
    SmartcarUsageError,
    UnmatchedSmartcarRequest,
    UnrequestedSmartcarStub,
)
from pytest_smartcar.responses import (
    error_response,
    gateway_response,
    json_response,
    legacy_response,
    new_request_id,
    oauth_response,
)

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
AnySpec = ErrorSpec | LegacyErrorSpec | OAuthErrorSpec

#: Failures that are not Smartcar errors: the network or a gateway in front of Smartcar.
FAULTS = ("timeout", "connect_error", "gateway_502", "gateway_504")
SUCCESS = "success"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_UNSET: Any = object()
_REAUTH_KEY = "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"
REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


# --- outcomes: what one request is answered with -----------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One answer: a catalog error, a success body, a ready response or a fault."""

    kind: str  # "error", "success", "response", "fault"
    label: str
    spec: AnySpec | None = None
    body: Any = None
    response: httpx.Response | None = None

    def __str__(self) -> str:
        return self.label


def as_outcome(value: object, argument: str = "error") -> Outcome:
    """Read what a user passed as ``error=`` or in ``then=`` into an ``Outcome``."""
    __tracebackhide__ = True
    if isinstance(value, Outcome):
        return value
    if isinstance(value, (ErrorSpec, LegacyErrorSpec, OAuthErrorSpec)):
        return Outcome("error", f"{value.key} ({value.status})", spec=value)
    if isinstance(value, httpx.Response):
        return Outcome("response", f"response {value.status_code}", response=value)
    if isinstance(value, (dict, list)):
        return Outcome("success", "200", body=value)
    if isinstance(value, str):
        name = value.strip().lower()
        if name in FAULTS:
            return Outcome("fault", name)
        if name in (SUCCESS, "ok", "200"):
            return Outcome("success", "200")
        try:
            spec = lookup(value)
        except KeyError as exc:
            raise SmartcarUsageError(
                f"{argument}={value!r}: {exc}; faults are {', '.join(FAULTS)} "
                f"and {SUCCESS!r} answers 200"
            ) from None
        return Outcome("error", f"{spec.key} ({spec.status})", spec=spec)
    raise SmartcarUsageError(
        f"{argument}= takes a catalog key like 'VEHICLE_STATE:ASLEEP', an ErrorSpec, a fault "
        f"({', '.join(FAULTS)}), 'success', a success body (dict) or an httpx.Response; "
        f"got {value!r}"
    )


# --- the record of what happened ----------------------------------------------------------------


@dataclass
class Call:
    """One Smartcar request the engine answered (or refused)."""

    request: httpx.Request
    response: httpx.Response | None
    key: str | None  # catalog key, "success", a fault name; None when unmatched
    endpoint: str | None
    stub: ServedStub | None = field(default=None, repr=False)
    #: The catalog entry served, when a catalog error was served.
    spec: AnySpec | None = field(default=None, repr=False)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers safe to print: credentials replaced with ``[redacted]``."""
    return [(k, REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in headers]


def describe_request(request: httpx.Request) -> str:
    """``GET https://api.smartcar.com/...`` for messages."""
    return f"{request.method} {request.url}"


# --- one serve() ----------------------------------------------------------------------------


class ServedStub:
    """What one ``serve()`` call declared, and the calls it answered."""

    def __init__(
        self,
        first: Outcome,
        *,
        times: int | None,
        then: Sequence[Outcome],
        endpoints: frozenset[ep.Endpoint] | None,
        endpoint_label: str,
        methods: frozenset[str] | None,
        vehicle_ids: frozenset[str] | None,
        optional: bool,
        options: Mapping[str, Any],
    ) -> None:
        self.first = first
        self.times = times
        self.then = tuple(then)
        self.endpoints = endpoints
        self.endpoint_label = endpoint_label
        self.methods = methods
        self.vehicle_ids = vehicle_ids
        self.optional = optional
        self.options = dict(options)
        self.calls: list[Call] = []

    @property
    def spec(self) -> AnySpec | None:
        """The catalog entry this stub serves first (``None`` for faults and successes)."""
        return self.first.spec

    @property
    def call_count(self) -> int:
        return len(self.calls)

    @property
    def called(self) -> bool:
        return bool(self.calls)

    def describe(self) -> str:
        """``VEHICLE_STATE:ASLEEP x2 then 200 on odometer (GET)``."""
        text = self.first.label
        if self.times is not None:
            text += f" x{self.times}"
            if self.then:
                text += " then " + ", then ".join(o.label for o in self.then)
        text += f" on {self.endpoint_label}"
        if self.methods:
            text += f" ({'/'.join(sorted(self.methods))})"
        if self.vehicle_ids:
            text += f" for vehicle {' or '.join(sorted(self.vehicle_ids))}"
        return text

    def capacity(self) -> int | None:
        """How many requests this stub can answer (``None``: unlimited)."""
        if self.times is None or self.then:
            return None
        return self.times

    def refusal(self, match: ep.Match | None, method: str) -> str | None:
        """Why this stub does not answer a request, or ``None`` when it does."""
        if self.endpoints is not None:
            if match is None:
                return "the path is not a documented Smartcar endpoint"
            if match.endpoint not in self.endpoints:
                return f"endpoint {match.endpoint.name} is not among {self.endpoint_label}"
        if self.methods is not None and method not in self.methods:
            return f"method {method} is not {'/'.join(sorted(self.methods))}"
        if self.vehicle_ids is not None:
            vid = match.params.get("vehicle_id") if match else None
            if vid not in self.vehicle_ids:
                return f"vehicle id {vid!r} is not {' or '.join(sorted(self.vehicle_ids))}"
        cap = self.capacity()
        if cap is not None and len(self.calls) >= cap:
            return f"used up: it answered its {cap} request{'s' if cap != 1 else ''}"
        return None

    def next_outcome(self) -> Outcome:
        n = len(self.calls)
        if self.times is None or n < self.times:
            return self.first
        return self.then[min(n - self.times, len(self.then) - 1)]


# --- the engine handle ----------------------------------------------------------------------


class SmartcarStub:
    """The handle of an active engine: ``serve()`` errors, read ``calls`` afterwards.

    Use it as a context manager or a decorator (sync or async functions); the
    ``smartcar_error`` fixture is one of these.
    """

    def __init__(
        self,
        response: httpx.Response | None = None,
        *,
        app_name: str | None = None,
        client_id: str | None = None,
        block_unmatched: bool = False,
        assert_all_requested: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if response is not None and not isinstance(response, httpx.Response):
            raise SmartcarUsageError(
                "stub_smartcar(response) takes an httpx.Response (e.g. case.response from "
                f"error_cases()); got {response!r}. To serve a catalog error use "
                "stub_smartcar().serve('VEHICLE_STATE:ASLEEP')"
            )
        self.app_name = app_name
        self.client_id = client_id
        self.block_unmatched = block_unmatched
        self.assert_all_requested = assert_all_requested
        self.hosts = ep.host_map(environ)
        self.stubs: list[ServedStub] = []
        self.calls: list[Call] = []
        self.unmatched: list[tuple[httpx.Request, str]] = []
        self._lock = threading.Lock()
        self._router: respx.MockRouter | None = None
        self._bridge: Any = None
        if response is not None:
            self._add(
                ServedStub(
                    as_outcome(response),
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
        headers: Mapping[str, str] | None = None,
        resolution_style: str = "object",
        doc_url_style: str = "current",
        optional: bool = False,
        batch_paths: str | Iterable[str] | None = None,
        batch_whole: bool = False,
    ) -> ServedStub:
        """Answer matching Smartcar requests with ``error``.

        ``error`` is a catalog key, an ``ErrorSpec``, a fault (``timeout``,
        ``connect_error``, ``gateway_502``, ``gateway_504``), ``"success"``, a success body
        or an ``httpx.Response``. By default every vehicle endpoint answers it, forever;
        ``times=N`` then ``then=`` (one outcome or a list, the last repeating) builds
        sequences for retry logic. ``optional=True`` lets the test pass without the
        request being made.

        On the batch endpoint a catalog error answers 200 with the error inside the items
        of ``batch_paths`` (default: every requested path; the others succeed);
        ``batch_whole=True`` fails the batch call itself instead.
        """
        __tracebackhide__ = True
        first = as_outcome(error)
        if times is not None and (not isinstance(times, int) or isinstance(times, bool)):
            raise SmartcarUsageError(f"times= takes a positive whole number, got {times!r}")
        if times is not None and times < 1:
            raise SmartcarUsageError(f"times= takes a positive whole number, got {times!r}")
        sequence: list[Outcome] = []
        if then is not _UNSET:
            if times is None:
                raise SmartcarUsageError(
                    f"then={then!r} is never reached without times=: say how many requests "
                    f"get {first.label} first, e.g. times=2, then={then!r}"
                )
            values = then if isinstance(then, (list, tuple)) else [then]
            if not values:
                raise SmartcarUsageError("then= needs at least one outcome, got an empty list")
            sequence = [as_outcome(v, "then") for v in values]
        if not isinstance(optional, bool):
            raise SmartcarUsageError(f"optional= takes True or False, got {optional!r}")
        if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
            raise SmartcarUsageError(f"status= takes an HTTP status code, got {status!r}")
        for name, mapping in (("body", body), ("headers", headers)):
            if mapping is not None and not isinstance(mapping, Mapping):
                raise SmartcarUsageError(f"{name}= takes a dict, got {mapping!r}")
        if resolution_style not in ("object", "string", "null"):
            raise SmartcarUsageError(
                f"resolution_style= is 'object', 'string' or 'null', got {resolution_style!r}"
            )
        if doc_url_style not in ("current", "v2.0"):
            raise SmartcarUsageError(
                f"doc_url_style= is 'current' or 'v2.0', got {doc_url_style!r}"
            )
        if not isinstance(batch_whole, bool):
            raise SmartcarUsageError(f"batch_whole= takes True or False, got {batch_whole!r}")
        options: dict[str, Any] = {
            "batch_paths": _strings("batch_paths", batch_paths),
            "batch_whole": batch_whole,
            "status": status,
            "body": dict(body or {}),
            "headers": dict(headers or {}),
            "resolution_style": resolution_style,
            "doc_url_style": doc_url_style,
        }
        if retry_after is not _UNSET:
            if retry_after is not None and not isinstance(retry_after, (int, str)):
                raise SmartcarUsageError(
                    f"retry_after= takes seconds (int) or a raw header value, got {retry_after!r}"
                )
            options["retry_after"] = retry_after
        endpoints = ep.resolve_endpoints(endpoint)
        methods = _methods(method)
        _check_conflicts(endpoint, endpoints, methods, options)
        stub = ServedStub(
            first,
            times=times,
            then=sequence,
            endpoints=endpoints,
            endpoint_label=_endpoint_label(endpoint),
            methods=methods,
            vehicle_ids=_strings("vehicle_id", vehicle_id),
            optional=optional,
            options=options,
        )
        self._add(stub)
        return stub

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
        return Counter(c.key for c in self.calls if c.key is not None)

    @property
    def call_count(self) -> int:
        return len(self.calls)

    # -- answering -----------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response | None:
        """The response for ``request``; ``None`` means "not Smartcar, let it through".

        Faults raise the httpx exception a real failure would.
        """
        __tracebackhide__ = True
        url = request.url
        origins = self.hosts.origins_for(url.scheme, url.host, url.port)
        if not origins:
            if self.block_unmatched:
                message = (
                    f"pytest-smartcar blocked {describe_request(request)}: block_unmatched is on "
                    "(--smartcar-block-unmatched), so requests to hosts that are not "
                    "Smartcar's fail instead of reaching the network. Mock that host "
                    "yourself or turn the option off."
                )
                with self._lock:
                    self.unmatched.append((request, message))
                raise UnmatchedSmartcarRequest(message)
            return None
        content = request.read()
        match = ep.identify(origins, request.method, url.raw_path.split(b"?")[0].decode(), content)
        with self._lock:
            refusals: list[tuple[ServedStub, str]] = []
            for stub in reversed(self.stubs):
                reason = stub.refusal(match, request.method)
                if reason is None:
                    outcome = stub.next_outcome()
                    call = Call(
                        request,
                        None,
                        _call_key(outcome),
                        match.endpoint.name if match else None,
                        stub,
                        outcome.spec,
                    )
                    stub.calls.append(call)
                    self.calls.append(call)
                    if isinstance(outcome.spec, ErrorSpec):
                        _recording.record("api", outcome.spec.key, call.endpoint)
                    break
                refusals.append((stub, reason))
            else:
                message = self._unmatched_message(request, match, refusals)
                self.unmatched.append((request, message))
                raise UnmatchedSmartcarRequest(message)
        response = self._respond(outcome, stub, request, match, content)
        call.response = response
        return response

    def _respond(
        self,
        outcome: Outcome,
        stub: ServedStub,
        request: httpx.Request,
        match: ep.Match | None,
        content: bytes,
    ) -> httpx.Response:
        opts = stub.options
        if outcome.kind == "fault":
            if outcome.label == "timeout":
                raise httpx.ReadTimeout("pytest-smartcar: simulated timeout", request=request)
            if outcome.label == "connect_error":
                raise httpx.ConnectError(
                    "pytest-smartcar: simulated connect error", request=request
                )
            return gateway_response(int(outcome.label.rsplit("_", 1)[1]))
        if outcome.kind == "response":
            assert outcome.response is not None
            return _copy(outcome.response)
        if outcome.kind == "success":
            body = (
                outcome.body
                if outcome.body is not None
                else ep.success_body(match.endpoint if match else None)
            )
            return json_response(200, body, request_id=new_request_id(), headers=_SUCCESS_HEADERS)
        spec = outcome.spec
        if isinstance(spec, OAuthErrorSpec):
            return oauth_response(spec, _form_value(content, spec))
        if isinstance(spec, LegacyErrorSpec):
            return legacy_response(spec)
        assert isinstance(spec, ErrorSpec)
        vehicle_id = match.params.get("vehicle_id") if match else None
        if match is not None and match.endpoint.name == "batch" and not opts["batch_whole"]:
            return self._batch(spec, opts, content, vehicle_id)
        extra: dict[str, Any] = {}
        if "retry_after" in opts:
            extra["retry_after"] = opts["retry_after"]
        return error_response(
            spec,
            status=opts.get("status"),
            headers=opts.get("headers"),
            body=opts.get("body"),
            **self._body_options(opts, vehicle_id),
            **extra,
        )

    def _batch(
        self, spec: ErrorSpec, opts: Mapping[str, Any], content: bytes, vehicle_id: str | None
    ) -> httpx.Response:
        """200 with the error inside the chosen items, as Smartcar reports partial failures."""
        try:
            paths = parse_batch_request(content)
        except ValueError as exc:  # Smartcar rejects a malformed batch as a whole
            return error_response(
                get("VALIDATION"), body={"description": f"Invalid batch request: {exc}"}
            )
        chosen = opts["batch_paths"]
        wanted = None if chosen is None else {normalize_path(p) for p in chosen}
        failing = ErrorOutcome(
            spec,
            status=opts.get("status"),
            retry_after=opts.get("retry_after", spec.retry_after),
            body=opts.get("body") or {},
            headers=opts.get("headers") or {},
        )
        outcomes = {
            p: failing if wanted is None or normalize_path(p) in wanted else None for p in paths
        }
        # Title-case Retry-After in items: the Python SDK reads only that spelling.
        return batch_response(
            outcomes,
            retry_after_case="title",
            **self._body_options(opts, vehicle_id),
        )

    def _body_options(self, opts: Mapping[str, Any], vehicle_id: str | None) -> dict[str, Any]:
        """How every error body this engine serves is filled in and shaped."""
        return {
            "app_name": self.app_name,
            "client_id": self.client_id,
            "vehicle_id": vehicle_id,
            "resolution_style": opts.get("resolution_style", "object"),
            "doc_url_style": opts.get("doc_url_style", "current"),
        }

    def _unmatched_message(
        self,
        request: httpx.Request,
        match: ep.Match | None,
        refusals: list[tuple[ServedStub, str]],
    ) -> str:
        what = f"endpoint {match.endpoint.name}" if match else "an undocumented Smartcar path"
        lines = [f"pytest-smartcar: no stub answers {describe_request(request)} ({what})."]
        if refusals:
            lines.append("Active stubs, newest first, and why each did not match:")
            lines += [f"  - {stub.describe()}: {reason}" for stub, reason in refusals]
        else:
            lines.append("No stub is active: nothing was served yet.")
        name = match.endpoint.name if match else None
        target = f'endpoint="{name}"' if name else 'endpoint="*"'
        lines.append(
            "The request was not sent to the network. To answer it, serve an error "
            f'(smartcar_error.serve("KEY", {target})) or a success '
            f"(smartcar_error.succeed({target}))."
        )
        return "\n".join(lines)

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

    def describe_calls(self, limit: int = 2000) -> str:
        """What was served, request by request, for a failure report (secrets redacted)."""
        if not self.calls and not self.unmatched:
            return "no Smartcar request was made"
        lines: list[str] = []
        for call in self.calls:
            status = call.response.status_code if call.response is not None else "-"
            lines.append(f"{describe_request(call.request)} -> {call.key} ({status})")
            headers = redact_headers(call.request.headers.multi_items())
            lines += [f"    > {k}: {v}" for k, v in headers]
            if call.response is not None:
                text = call.response.content[:limit].decode("utf-8", "replace")
                lines.append(f"    < {text}")
        for request, _ in self.unmatched:
            lines.append(f"{describe_request(request)} -> unmatched (UnmatchedSmartcarRequest)")
        return "\n".join(lines)

    # -- activation ----------------------------------------------------------------------

    def start(self) -> SmartcarStub:
        """Begin intercepting; prefer ``with stub_smartcar() as stub:``."""
        if self._router is not None:
            raise SmartcarUsageError("this stub_smartcar() is already active")
        with self._lock:
            self.calls.clear()
            self.unmatched.clear()
            for stub in self.stubs:
                stub.calls.clear()
        router = respx.MockRouter(assert_all_called=False, assert_all_mocked=False)
        router.add(_EngineRoute(self))
        router.start()
        self._router = router
        from pytest_smartcar import bridge

        self._bridge = bridge.activate(self)
        return self

    def stop(self) -> None:
        """Stop intercepting (idempotent); does not verify."""
        if self._bridge is not None:
            self._bridge()
            self._bridge = None
        if self._router is not None:
            self._router.stop(quiet=True)
            self._router = None

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
        """Decorate a sync or async function: the stub is active while it runs."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class _EngineRoute(respx.Route):
    """The one respx route of an engine: it asks the engine directly.

    A callable ``side_effect`` would do, but respx inspects its signature on every
    request; this keeps the per-request cost close to a bare respx route.
    """

    def __init__(self, engine: SmartcarStub) -> None:
        super().__init__()
        self._engine = engine

    def match(self, request: httpx.Request) -> httpx.Response | httpx.Request:
        __tracebackhide__ = True
        response = self._engine.handle(request)
        return request if response is None else response  # the request itself: pass through


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
    Smartcar request gets a copy of it. On a clean exit, a stub never requested fails
    (``assert_all_requested=False`` turns that off); an exception from the body is
    never masked.
    """
    return SmartcarStub(
        response,
        app_name=app_name,
        client_id=client_id,
        block_unmatched=block_unmatched,
        assert_all_requested=assert_all_requested,
    )


# --- helpers --------------------------------------------------------------------------------

_SUCCESS_HEADERS = {"SC-Unit-System": "metric", "SC-Data-Age": "2026-01-01T00:00:00.000Z"}


def _copy(response: httpx.Response) -> httpx.Response:
    """A fresh copy, since a served response is consumed by the client."""
    if not hasattr(response, "_content"):
        response.read()
    ext = {k: v for k, v in response.extensions.items() if k == "reason_phrase"}
    return httpx.Response(
        response.status_code, headers=response.headers.raw, content=response.content, extensions=ext
    )


def _call_key(outcome: Outcome) -> str:
    if outcome.spec is not None:
        return outcome.spec.key
    return SUCCESS if outcome.kind == "success" else outcome.label


def _form_value(content: bytes, spec: OAuthErrorSpec) -> str | None:
    """The bad code or refresh token from a token request, for the OAuth description."""
    field_name = {"invalid_code": "code", "invalid_refresh_token": "refresh_token"}.get(spec.name)
    if field_name is None:
        return None
    try:
        values = parse_qs(content.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    found = values.get(field_name)
    return found[0] if found else None


def _strings(name: str, value: str | Iterable[str] | None) -> frozenset[str] | None:
    __tracebackhide__ = True
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    try:
        out = frozenset(items)
    except TypeError:
        raise SmartcarUsageError(
            f"{name}= takes a string or a list of strings, got {value!r}"
        ) from None
    if not out or not all(isinstance(v, str) for v in out):
        raise SmartcarUsageError(f"{name}= takes a string or a list of strings, got {value!r}")
    return out


def _methods(value: str | Iterable[str] | None) -> frozenset[str] | None:
    __tracebackhide__ = True
    names = _strings("method", value)
    if names is None:
        return None
    upper = frozenset(n.upper() for n in names)
    bad = sorted(upper - set(METHODS))
    if bad:
        raise SmartcarUsageError(f"method={bad[0]!r} is not one of {', '.join(METHODS)}")
    return upper


def _check_conflicts(
    endpoint: object,
    endpoints: frozenset[ep.Endpoint],
    methods: frozenset[str] | None,
    options: Mapping[str, Any],
) -> None:
    """Refuse argument combinations that could never answer a request."""
    __tracebackhide__ = True
    if methods is not None and not any(e.method in methods for e in endpoints):
        have = sorted({e.method for e in endpoints})
        raise SmartcarUsageError(
            f"method={'/'.join(sorted(methods))} conflicts with endpoint={endpoint!r}: "
            f"those endpoints answer {'/'.join(have)} only"
        )
    batch_options = options["batch_paths"] is not None or options["batch_whole"]
    if batch_options and not any(e.name == "batch" for e in endpoints):
        raise SmartcarUsageError(
            f"batch_paths=/batch_whole= only apply to the batch endpoint, but endpoint="
            f"{endpoint!r} does not include it; add endpoint='batch'"
        )
    if options["batch_paths"] is not None and options["batch_whole"]:
        raise SmartcarUsageError(
            "batch_paths= and batch_whole=True conflict: batch_whole fails the whole call, "
            "batch_paths chooses the items that fail inside a 200"
        )


def _endpoint_label(value: str | Iterable[str] | None) -> str:
    if value is None:
        return "every vehicle endpoint"
    if isinstance(value, str):
        return value
    return ", ".join(str(v) for v in value)
