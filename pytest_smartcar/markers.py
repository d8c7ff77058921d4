"""Read ``@pytest.mark.smartcar_error(...)`` into a plan: what to serve, what to parametrize.

Markers merge across module (``pytestmark``), class and function level, the closest
winning per argument. Everything here is validated at collection time, so a typo in a
marker is a clear collection error naming the test, never a traceback from our code.
Standard library and catalog only: this runs during collection of every marked test.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The names live in _keys, which every pytest run imports; markers loads with a marker.
from pytest_smartcar._keys import CONNECT_MARKER, CONNECT_SIGNATURE, MARKER, MARKER_SIGNATURE
from pytest_smartcar._suggest import close_matches, did_you_mean
from pytest_smartcar.errors import SmartcarUsageError

__all__ = [
    "CONNECT_MARKER",
    "CONNECT_SIGNATURE",
    "MARKER",
    "MARKER_SIGNATURE",
    "Case",
    "ConnectPlan",
    "Plan",
    "check_selects",
    "item_marks",
    "merge",
    "params_marked",
    "plan",
    "selected",
    "shared_only",
]

FILTERS = ("type", "status", "resolution", "exclude", "api")
SERVE_ARGS = (
    "endpoint",
    "method",
    "vehicle_id",
    "times",
    "then",
    "retry_after",
    "body",
    "headers",
    "resolution_style",
    "doc_url_style",
    "optional",
    "batch_paths",
    "batch_whole",
    "signals",
)
ALL_ARGS = FILTERS[:-1] + SERVE_ARGS + FILTERS[-1:]  # api= last: it came with V3
CONNECT_ARGS = ("state",)


@dataclass(frozen=True)
class Case:
    """One run: what is served (a catalog key, a fault or ``success``) and, for cross
    products, the endpoint. ``value`` holds what the marker was given when it is not a
    key (a success body, an ``httpx.Response``)."""

    key: str
    endpoint: str | None = None
    value: Any = field(default=None, compare=False, hash=False)

    @property
    def id(self) -> str:
        return self.key if self.endpoint is None else f"{self.endpoint}-{self.key}"

    @property
    def outcome(self) -> Any:
        """What ``serve()`` is given for this case."""
        return self.key if self.value is None else self.value


@dataclass(frozen=True)
class Plan:
    """What a merged marker asks for."""

    cases: tuple[Case, ...]
    parametrize: bool
    serve: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectPlan:
    codes: tuple[str, ...]
    parametrize: bool
    state: str | None


def merge(
    markers: Iterable[Any], valid: Sequence[str], name: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Merge markers given closest first: positional arguments from the closest marker that
    has some, each keyword from the closest marker that sets it."""
    args: tuple[Any, ...] | None = None
    kwargs: dict[str, Any] = {}
    for mark in markers:
        for key in mark.kwargs:
            if key not in valid:
                raise SmartcarUsageError(
                    f"@pytest.mark.{name} got an unknown argument {key!r}"
                    f"{did_you_mean(key, list(valid))}; valid arguments: {', '.join(valid)}"
                )
        if args is None and mark.args:
            args = tuple(mark.args)
        for key, value in mark.kwargs.items():
            kwargs.setdefault(key, value)
    return args or (), kwargs


def item_marks(item: Any, name: str) -> tuple[list[Any], list[Any]]:
    """``name`` marks of a test item, closest first: those of its ``pytest.param(...)``
    (pytest lists them after the function's own, but they are closer), then the rest."""
    callspec = getattr(item, "callspec", None)
    param = [m for m in getattr(callspec, "marks", ()) if m.name == name]
    rest = [m for m in item.iter_markers(name) if not any(m is p for p in param)]
    return param, param + rest


def shared_only(found: Iterable[Any]) -> bool:
    """Whether the marks name no error (no keys, no filters): on a test whose
    ``pytest.param(...)`` marks name them, they only hold the arguments the params share."""
    try:
        args, kwargs = merge(found, ALL_ARGS, MARKER)
    except SmartcarUsageError:
        return False  # reported by plan()
    return not args and not any(k in kwargs for k in FILTERS)


def params_marked(parametrize: Iterable[Any]) -> bool:
    """Whether a ``pytest.param(...)`` of these ``parametrize`` marks has our marker."""
    for mark in parametrize:
        values = mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues", ())
        for value in values if isinstance(values, (list, tuple)) else ():
            if any(getattr(m, "name", None) == MARKER for m in getattr(value, "marks", ())):
                return True
    return False


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


#: What the marker's positional arguments may be, for messages.
TAKES = (
    "The marker takes what serve() takes: catalog keys and globs of API errors "
    "('VEHICLE_STATE:ASLEEP', 'RATE_LIMIT:*'), other catalog keys ('OAUTH:INVALID_GRANT', "
    "'V1:VEHICLE_STATE_ERROR:VS_000'), faults (timeout, connect_error, disconnect, "
    "gateway_502, gateway_504), 'success', a success body (dict) or an httpx.Response."
)


def plan(markers: Iterable[Any]) -> Plan:
    """The plan for one test's ``smartcar_error`` markers (closest first)."""
    from pytest_smartcar import catalog

    args, kwargs = merge(markers, ALL_ARGS, MARKER)
    filters = {k: kwargs.pop(k) for k in FILTERS if k in kwargs}
    explicit_api = "api" in filters
    api = filters.pop("api", None) if explicit_api else _api_of(kwargs.get("endpoint"))
    patterns: list[str] = []  # API keys and globs: one block of catalog errors
    slots: list[Case | None] = []  # None: where that block goes
    for arg in args:
        if isinstance(arg, catalog.ErrorSpec):
            arg = arg.key
        if isinstance(arg, str) and (_is_glob(arg) or _is_api_key(arg)):
            if not patterns:
                slots.append(None)
            patterns.append(arg)
        else:
            slots.append(_other_case(arg))
    others = [c for c in slots if c is not None]
    if others and filters:
        given = ", ".join(f"{k}={v!r}" for k, v in filters.items())
        raise SmartcarUsageError(
            f"@pytest.mark.{MARKER}: {given} filters the catalog's API errors, but "
            f"{others[0].key!r} is not one; give it a marker of its own (on another test) "
            "or drop the filter"
        )

    def cases_of(version: Any) -> list[Case]:
        """The arguments' cases, the catalog block drawn from ``version``'s errors."""
        specs = _select(patterns, {**filters, "api": version}) if patterns or not others else ()
        block = [Case(spec.key) for spec in specs]
        out: list[Case] = []
        for slot in slots or [None]:
            out += block if slot is None else [slot]
        return out

    cases_of_args = cases_of(api)
    single = len(args) == 1 and not filters and not (patterns and _is_glob(patterns[0]))
    endpoint = kwargs.get("endpoint")
    endpoints: list[str | None] = [None]
    if endpoint is not None and (not isinstance(endpoint, str) or _is_glob(endpoint)):
        from pytest_smartcar.endpoints import expand_names

        try:
            endpoints = list(expand_names(endpoint))
        except SmartcarUsageError as exc:
            raise SmartcarUsageError(f"@pytest.mark.{MARKER}: {exc}") from None
        kwargs.pop("endpoint")
        single = single and len(endpoints) == 1
    if endpoints == [None] or explicit_api:
        cases = tuple(Case(c.key, e, c.value) for e in endpoints for c in cases_of_args)
    else:  # each endpoint of a cross product gets the errors of its own API version
        cases = tuple(
            Case(c.key, e, c.value)
            for e in endpoints
            for c in cases_of(_api_of(e))
            if e == "*" or _sent_by(c.key, _api_of(e))
        )
        if not cases:
            raise SmartcarUsageError(
                f"@pytest.mark.{MARKER}: none of the errors chosen is sent by the API "
                f"version of endpoint={endpoint!r}"
            )
    _check_serve_args(cases[0].outcome, {**kwargs, "endpoint": endpoint})
    return Plan(cases, parametrize=not single, serve=kwargs)


def _sent_by(key: str, version: str) -> bool:
    """Whether API ``version`` sends the catalog error ``key`` (faults and others: yes)."""
    from pytest_smartcar import catalog

    try:
        spec = catalog.get(key)
    except KeyError:
        return True
    return version in spec.apis


def _api_of(endpoint: object) -> str:
    """Whose errors a marker ranges over: V3's when ``endpoint=`` names V3 endpoints only,
    else v2.0's (an unknown name is reported by the serve() checks)."""
    from pytest_smartcar.endpoints import resolve_endpoints

    if endpoint is None:
        return "v2.0"
    try:
        chosen = resolve_endpoints(endpoint)  # type: ignore[arg-type]
    except SmartcarUsageError:
        return "v2.0"
    return "v3" if chosen and all(e.api == "v3" for e in chosen) else "v2.0"


def _is_api_key(text: str) -> bool:
    from pytest_smartcar import catalog

    try:
        catalog.get(text)
    except KeyError:
        return False
    return True


def _other_case(arg: object) -> Case:
    """A case for what is not an API key or glob: a fault, ``success``, an OAuth or
    legacy key, a success body or a ready response, read as ``serve()`` reads it."""
    from pytest_smartcar.outcomes import FAULTS, SUCCESS, as_outcome, type_hint

    if isinstance(arg, str):
        hint = type_hint(arg)
        if hint is not None:
            raise SmartcarUsageError(f"@pytest.mark.{MARKER}({arg!r}): {arg!r} {hint}")
    try:
        outcome = as_outcome(arg)
    except SmartcarUsageError:
        if not isinstance(arg, str):
            raise SmartcarUsageError(
                f"@pytest.mark.{MARKER}: cannot serve {arg!r}. {TAKES}"
            ) from None
        problem = _unknown(arg, [*FAULTS, SUCCESS])
        if not problem.endswith("?"):  # no close match: say what it takes
            problem += f". {TAKES}"
        raise SmartcarUsageError(f"@pytest.mark.{MARKER}: {problem}") from None
    if isinstance(arg, str) or outcome.spec is not None:
        return Case(outcome.key)  # served by its name, as serve() would read it
    return Case(outcome.key, value=arg)


def _unknown(arg: str, names: Sequence[str]) -> str:
    from pytest_smartcar import catalog

    near = close_matches(arg.strip(), names)
    if near:
        return f"unknown Smartcar error {arg!r}: did you mean {' or '.join(near)}?"
    try:
        catalog.lookup(arg)
    except KeyError as exc:
        return _message(exc)
    return f"unknown Smartcar error {arg!r}"  # pragma: no cover (lookup found it)


def _select(patterns: Sequence[str], filters: Mapping[str, Any]) -> tuple[Any, ...]:
    """The API errors of ``patterns`` and ``filters``, or a usage error that says which
    of them selects nothing, and why."""
    from pytest_smartcar import catalog

    try:
        specs = catalog.select(*patterns, **filters)
    except (KeyError, TypeError, ValueError) as exc:
        raise SmartcarUsageError(f"@pytest.mark.{MARKER}: {_message(exc)}") from None
    if specs:
        return specs
    api: dict[str, Any] = {"api": filters.get("api", "v2.0")}
    for pattern in patterns:
        if not catalog.select(pattern, api="any"):
            raise SmartcarUsageError(f"@pytest.mark.{MARKER}: {_no_match(pattern)}")
    for name, value in filters.items():
        if name == "api":
            continue
        if not catalog.select(**{name: value}, **api):
            what = "leaves out every error" if name == "exclude" else "selects no error"
            raise SmartcarUsageError(
                f"@pytest.mark.{MARKER}: {name}={value!r} {what}; leave it out to allow all"
            )
    counts = [
        *(f"{p!r} matches {len(catalog.select(p, **api))}" for p in patterns),
        *(
            f"{k}={v!r} matches {len(catalog.select(**{k: v}, **api))}"
            for k, v in filters.items()
            if k != "api"
        ),
    ]
    raise SmartcarUsageError(
        f"@pytest.mark.{MARKER}: {', '.join(counts)}, but no Smartcar error matches all of "
        "them together. Loosen one, or list keys (see pytest_smartcar.catalog.API_ERRORS)."
    )


def _no_match(pattern: str) -> str:
    """Why a glob matches no API error: a broken glob, an unknown type, or a typo."""
    from pytest_smartcar import catalog

    if "[" in pattern and "]" not in pattern[pattern.index("[") :]:
        return (
            f"{pattern!r} is not a valid glob: '[' opens a set of characters like [AB] that "
            "is never closed"
        )
    type_part = catalog.normalize_key(pattern).partition(":")[0]
    types = list(dict.fromkeys(s.type for s in catalog.select(api="any")))
    if type_part and not _is_glob(type_part) and type_part not in types:
        return (
            f"{pattern!r} matches no Smartcar error: there is no error type {type_part!r}"
            f"{did_you_mean(type_part, types)}. Types: {', '.join(types)}"
        )
    keys = [s.key for s in catalog.select(api="any")]
    return f"{pattern!r} matches no Smartcar API error{did_you_mean(pattern, keys)}"


def _select_keys() -> list[str]:
    """Every key ``--smartcar-select`` can match: the cases markers can run."""
    from pytest_smartcar import catalog
    from pytest_smartcar.outcomes import FAULTS, SUCCESS

    keys = [s.key for s in catalog.select(api="any")]
    keys += [s.key for s in catalog.OAUTH_ERRORS] + [s.key for s in catalog.LEGACY_ERRORS]
    return [*keys, *(f.upper() for f in FAULTS), SUCCESS.upper()]


def check_selects(selects: Sequence[str]) -> None:
    """Each ``--smartcar-select`` pattern must match some key: a typo would otherwise
    deselect every parametrized test silently."""
    keys = _select_keys()
    for pattern in selects:
        if not any(fnmatch.fnmatchcase(k, pattern.upper()) for k in keys):
            raise SmartcarUsageError(
                f"--smartcar-select={pattern!r} matches no Smartcar error"
                f"{did_you_mean(pattern, keys)}; patterns are globs on keys like "
                "'VEHICLE_STATE:*' or 'RATE_LIMIT:VEHICLE' (faults and 'success' too)"
            )


def selected(case: Case, selects: Sequence[str]) -> bool:
    """Whether ``--smartcar-select`` keeps this parametrized case."""
    key = case.key.upper()
    return any(fnmatch.fnmatchcase(key, s.upper()) for s in selects)


def _check_serve_args(outcome: object, kwargs: dict[str, Any]) -> None:
    """Catch wrong serve() arguments at collection with the engine's own checks (one
    place for them), without importing the engine or any HTTP client."""
    from pytest_smartcar.serving import check_serve_arguments

    try:
        check_serve_arguments(outcome, **kwargs)
    except SmartcarUsageError as exc:
        raise SmartcarUsageError(f"@pytest.mark.{MARKER}: {exc}") from None


def connect_plan(markers: Iterable[Any]) -> ConnectPlan:
    """The plan for one test's ``smartcar_connect_error`` markers (closest first)."""
    from pytest_smartcar import catalog

    args, kwargs = merge(markers, CONNECT_ARGS, CONNECT_MARKER)
    codes: list[str] = []
    for arg in args:
        try:
            codes.append(catalog.get_connect(arg).code)
        except (KeyError, TypeError) as exc:
            raise SmartcarUsageError(f"@pytest.mark.{CONNECT_MARKER}: {_message(exc)}") from None
    state = kwargs.get("state", "0facda3319")
    if state is not None and not isinstance(state, str):
        raise SmartcarUsageError(
            f"@pytest.mark.{CONNECT_MARKER}: state= takes a string or None, got {state!r}"
        )
    if not codes:
        return ConnectPlan(tuple(s.code for s in catalog.CONNECT_ERRORS), True, state)
    return ConnectPlan(tuple(codes), len(codes) > 1, state)


def _message(exc: BaseException) -> str:
    from pytest_smartcar import catalog

    # KeyError's str() wraps the message in quotes; UnknownSmartcarError defines its own.
    if isinstance(exc, KeyError) and not isinstance(exc, catalog.UnknownSmartcarError):
        return str(exc.args[0]) if exc.args else repr(exc)
    return str(exc)
