"""Read ``@pytest.mark.smartcar_error(...)`` into a plan: what to serve, what to parametrize.

Markers merge across module (``pytestmark``), class and function level, the closest
winning per argument. Everything here is validated at collection time, so a typo in a
marker is a clear collection error naming the test, never a traceback from our code.
Standard library and catalog only: this runs during collection of every marked test.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_smartcar._suggest import did_you_mean
from pytest_smartcar.errors import SmartcarUsageError

__all__ = [
    "CONNECT_MARKER",
    "DESELECTED",
    "MARKER",
    "Case",
    "ConnectPlan",
    "Plan",
    "check_selects",
    "merge",
    "plan",
]

MARKER = "smartcar_error"
CONNECT_MARKER = "smartcar_connect_error"
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

MARKER_SIGNATURE = (
    f"{MARKER}(*keys_or_patterns, type=, status=, resolution=, exclude=, endpoint=, method=, "
    "vehicle_id=, times=, then=, retry_after=, body=, headers=, resolution_style=, "
    "doc_url_style=, optional=, batch_paths=, batch_whole=, signals=, api=): serve Smartcar "
    "API errors to the test; several keys, globs, filters or a bare marker run the test once "
    "per matching catalog error."
)
CONNECT_SIGNATURE = (
    f"{CONNECT_MARKER}(*codes, state=): give the test a Smartcar Connect error redirect; "
    "several codes or a bare marker run it once per Connect error."
)


@dataclass(frozen=True)
class Case:
    """One parametrized run: the error key and, for cross products, the endpoint."""

    key: str
    endpoint: str | None = None

    @property
    def id(self) -> str:
        return self.key if self.endpoint is None else f"{self.endpoint}-{self.key}"


#: The one case of a test that ``--smartcar-select`` left without errors (deselected).
DESELECTED = Case("<deselected by --smartcar-select>")


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


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def plan(markers: Iterable[Any], selects: Sequence[str] = ()) -> Plan:
    """The plan for one test's ``smartcar_error`` markers (closest first)."""
    from pytest_smartcar import catalog

    args, kwargs = merge(markers, ALL_ARGS, MARKER)
    for arg in args:
        if not isinstance(arg, (str, catalog.ErrorSpec)):
            raise SmartcarUsageError(
                f"@pytest.mark.{MARKER} takes error keys or globs like 'VEHICLE_STATE:ASLEEP' or "
                f"'VEHICLE_STATE:*' as positional arguments, got {arg!r}"
            )
    patterns = [a.key if isinstance(a, catalog.ErrorSpec) else a for a in args]
    filters = {k: kwargs.pop(k) for k in FILTERS if k in kwargs}
    explicit_api = "api" in filters
    filters.setdefault("api", _api_of(kwargs.get("endpoint")))
    specs = _select(patterns, filters)
    if not specs:
        given = ", ".join(
            [
                *(repr(p) for p in patterns),
                *(f"{k}={v!r}" for k, v in filters.items() if k != "api"),
            ]
        )
        raise SmartcarUsageError(
            f"@pytest.mark.{MARKER}({given}) matches no Smartcar error: the filters exclude "
            "each other. Loosen one, or list keys (see pytest_smartcar.catalog.API_ERRORS)."
        )
    single = len(patterns) == 1 and not _is_glob(patterns[0]) and not set(filters) - {"api"}
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
        cases = tuple(Case(spec.key, e) for e in endpoints for spec in specs)
    else:  # each endpoint of a cross product gets the errors of its own API version
        cases = tuple(
            Case(spec.key, e)
            for e in endpoints
            for spec in _select(patterns, {**filters, "api": _api_of(e)})
            if _api_of(e) in spec.apis or e == "*"
        )
        if not cases:
            raise SmartcarUsageError(
                f"@pytest.mark.{MARKER}: none of the errors chosen is sent by the API "
                f"version of endpoint={endpoint!r}"
            )
    _check_serve_args(cases[0].key, {**kwargs, "endpoint": endpoint})
    if single:
        return Plan(cases, parametrize=False, serve=kwargs)
    if selects:
        cases = tuple(
            c for c in cases if any(fnmatch.fnmatchcase(c.key, s.upper()) for s in selects)
        )
    return Plan(cases, parametrize=True, serve=kwargs)


def _select(patterns: Sequence[str], filters: dict[str, Any]) -> tuple[Any, ...]:
    from pytest_smartcar import catalog

    try:
        return catalog.select(*patterns, **filters)
    except (KeyError, TypeError, ValueError) as exc:
        raise SmartcarUsageError(f"@pytest.mark.{MARKER}: {_message(exc)}") from None


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


def check_selects(selects: Sequence[str]) -> None:
    """Each ``--smartcar-select`` pattern must match some catalog key: a typo would
    otherwise deselect every parametrized test silently."""
    from pytest_smartcar import catalog

    keys = [s.key for s in catalog.select(api="any")]
    for pattern in selects:
        if not any(fnmatch.fnmatchcase(k, pattern.upper()) for k in keys):
            raise SmartcarUsageError(
                f"--smartcar-select={pattern!r} matches no Smartcar error"
                f"{did_you_mean(pattern, keys)}; patterns are globs on keys like "
                "'VEHICLE_STATE:*' or 'RATE_LIMIT:VEHICLE'"
            )


def _check_serve_args(key: str, kwargs: dict[str, Any]) -> None:
    """Catch wrong serve() arguments at collection with the engine's own checks (one
    place for them), without importing the engine or any HTTP client."""
    from pytest_smartcar.serving import check_serve_arguments

    try:
        check_serve_arguments(key, **kwargs)
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
