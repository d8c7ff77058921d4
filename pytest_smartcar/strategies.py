"""Hypothesis strategies for Smartcar errors: catalog entries, bodies and whole responses.

``error_cases()`` is the one to fuzz a parser with: each ``ErrorCase`` holds an
``httpx.Response``, the ``SmartcarError`` a correct parser recovers from it (the ground
truth of the docs; a ``None`` field makes no claim), a description of what was generated
or broken, and whether it was broken (``malformed``)::

    @given(error_cases())
    def test_client_parses_any_error(case):
        with stub_smartcar(case.response):
            err = client.try_odometer(VEHICLE_ID)
        assert err.status == case.expected.status

``api="v2.0"`` (the default) generates v2.0 errors, ``api="v3"`` API V3 errors
(``{"errors": [...]}``), ``api="any"`` both. About half the cases are valid (what
Smartcar sends, varied the way Smartcar varies it); the others stack named mutation
operators (``pytest_smartcar._mutations.OPERATORS``): up to three edits of the error's
fields (or of a V3 body's shape) or one replaced body, plus up to three header
operators. How a case is drawn lives in ``pytest_smartcar._drafting``. These are the only
modules of the package that import hypothesis (``pip install pytest-smartcar[hypothesis]``);
nothing is built at import time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from pytest_smartcar import _mutations as mu
from pytest_smartcar._drafting import (
    DEFAULT_BATCH_PATHS,
    FIELD_OPS,
    V3_FIELD_OPS,
    Plan,
    drafts,
    families,
    oauth_specs,
    weighted,
)
from pytest_smartcar._sequence_strategies import error_sequences as error_sequences
from pytest_smartcar._suggest import did_you_mean
from pytest_smartcar.catalog import LEGACY_ERRORS, OAUTH_ERRORS, ErrorSpec, select
from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.responses import REASONS

__all__ = [
    "APIS",
    "DEFAULT_BATCH_PATHS",
    "ErrorCase",
    "batch_responses",
    "error_bodies",
    "error_cases",
    "error_responses",
    "error_sequences",
    "error_specs",
    "malformed_error_bodies",
    "oauth_error_bodies",
    "v1_error_bodies",
]

#: The values of ``api=``: Smartcar's v2.0 wire format, API V3's, or both.
APIS = ("v2.0", "v3", "any")


#: How much of a body ``repr(ErrorCase)`` shows.
_SHOWN_BYTES = 400


@dataclass(frozen=True, repr=False)
class ErrorCase:
    """One generated response and what a correct parser recovers from it.

    ``expected`` follows the ground-truth rules; a ``None`` field makes no claim, except
    ``code``, which is claimed together with ``type``. ``description`` names what was
    generated and every variation or mutation; ``malformed`` is True when a mutation
    operator broke the response (legacy and OAuth bodies are not malformed).
    """

    response: httpx.Response
    expected: SmartcarError
    description: str
    malformed: bool

    def _shown(self) -> list[tuple[str, Any]]:
        """What a reader needs, in order: the description first, then the raw response."""
        content = self.response.content
        body: Any = content if len(content) <= _SHOWN_BYTES else content[:_SHOWN_BYTES] + b"..."
        return [
            ("description", self.description),
            ("malformed", self.malformed),
            ("status", self.response.status_code),
            (
                "headers",
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.response.headers.raw],
            ),
            (f"body ({len(content):,} bytes)", body),
            ("expected", self.expected),
        ]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._shown())
        return f"ErrorCase({fields})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How hypothesis prints a falsifying example (instead of field by field)."""
        with printer.group(4, "ErrorCase(", ")"):
            for name, value in self._shown():
                printer.breakable("")
                printer.text(f"{name}=")
                printer.pretty(value)
                printer.text(",")
            printer.break_()


# --- argument checking ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selection:
    """The catalog errors a strategy builds on, per wire format."""

    v2: tuple[ErrorSpec, ...]
    v3: tuple[ErrorSpec, ...]

    @property
    def all(self) -> tuple[ErrorSpec, ...]:
        return tuple(dict.fromkeys((*self.v2, *self.v3)))


def _specs(
    patterns: Sequence[str],
    type: str | Iterable[str] | None,
    status: int | Iterable[int] | None,
    resolution: str | Iterable[str] | None,
    exclude: str | Iterable[str] | None,
    api: str = "v2.0",
) -> _Selection:
    """``catalog.select`` for each API version ``api`` covers (its errors, unchanged),
    refusing a selection that is empty in all of them."""

    def chosen(version: str) -> tuple[ErrorSpec, ...]:
        if api not in (version, "any"):
            return ()
        specs = select(
            *patterns, type=type, status=status, resolution=resolution, exclude=exclude, api=version
        )
        # A key named exactly is selected in any version (catalog.select); with "any",
        # each version serves only the errors it really sends.
        return specs if api == version else tuple(s for s in specs if version in s.apis)

    selection = _Selection(chosen("v2.0"), chosen("v3"))
    if not selection.all:
        given = [repr(p) for p in patterns] + [
            f"{name}={value!r}"
            for name, value in (
                ("type", type),
                ("status", status),
                ("resolution", resolution),
                ("exclude", exclude),
            )
            if value is not None
        ]
        where = {"v2.0": "v2.0 ", "v3": "V3 "}.get(api, "")
        raise InvalidArgument(
            f"no Smartcar {where}error matches all of {', '.join(given)}: nothing to generate"
        )
    return selection


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}= takes True or False, got {value!r}")
    return value


def _filtered(patterns: Sequence[str], **filters: object) -> bool:
    return bool(patterns) or any(value is not None for value in filters.values())


def _api(value: object) -> str:
    if value in APIS:
        return str(value)
    hint = did_you_mean(value, APIS) if isinstance(value, str) else ""
    raise InvalidArgument(f"api= takes 'v2.0', 'v3' or 'any', got {value!r}{hint}")


def _no_v3_batch(api: str, batch: bool) -> None:
    if batch and api == "v3":
        raise InvalidArgument(
            "batch=True adds v2.0 batch responses (POST /v2.0/vehicles/{id}/batch), and "
            "API V3 has no batch endpoint: use api='any' (V3 and v2.0, batches included) "
            "or api='v2.0'"
        )


@st.composite
def _cases(draw: st.DrawFn, plan: Plan) -> ErrorCase:
    # A composite rather than ``drafts(plan).map(_case)``: hypothesis prints a mapped
    # value as the call that made it (``_case(Draft(...))``); this way a falsifying
    # example prints as the ErrorCase itself, description first.
    return _case(draw(drafts(plan)))


def _response(draft: mu.Draft) -> httpx.Response:
    reason = REASONS.get(draft.status)
    return httpx.Response(
        draft.status,
        headers=list(draft.headers),
        content=draft.content_bytes(),
        extensions={"reason_phrase": reason.encode("ascii")} if reason else {},
    )


def _case(draft: mu.Draft) -> ErrorCase:
    return ErrorCase(_response(draft), mu.expected_error(draft), draft.description, draft.malformed)


def _plan(selection: _Selection, api: str, *, malformed: bool, legacy: bool, batch: bool) -> Plan:
    # With api="any", a filter may keep errors of one version only (a V3-only key).
    dropped = {"v2", "batch"} if not selection.v2 else {"v3"} if not selection.v3 else set()
    return Plan(
        specs=selection.v2,
        v3_specs=selection.v3,
        families=tuple(f for f in families(api, legacy=legacy, batch=batch) if f not in dropped),
        oauth_specs=oauth_specs(api),
        malformed=(False, True) if malformed else (False,),
    )


# --- public strategies ------------------------------------------------------------------------


def error_specs(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    api: str = "v2.0",
) -> SearchStrategy[ErrorSpec]:
    """Catalog entries matching the filters of ``catalog.select``, in catalog order:
    the errors v2.0 sends, V3 sends (``api="v3"``: the V3-only ones included, not
    ``VALIDATION``) or either (``api="any"``).

    Failures shrink toward the first entries (``AUTHENTICATION`` without filters).
    Unknown keys or filter values raise the catalog's errors (with close matches); a
    selection that matches nothing raises ``InvalidArgument``.
    """
    return st.sampled_from(_specs(patterns, type, status, resolution, exclude, _api(api)).all)


def error_bodies(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    api: str = "v2.0",
) -> SearchStrategy[dict[str, Any]]:
    """Valid error bodies, as Smartcar sends them (v2.0 unless ``api`` says otherwise).

    Varies what Smartcar varies: the request id, the app name in
    ``suggestedUserMessage``, optional fields present or absent. v2.0: ``detail`` (as
    documented, absent, null, other VALIDATION fields), ``resolution`` as an object, a
    bare string or null (older responses), the ``docURL`` style and the key order. V3:
    ``resolution`` as sent, absent or ``{"type": null}``, ``links`` present or absent and
    first or last.
    """
    checked = _api(api)
    plan = _plan(
        _specs(patterns, type, status, resolution, exclude, checked),
        checked,
        malformed=False,
        legacy=False,
        batch=False,
    )
    return drafts(plan).map(lambda draft: draft.body)


def malformed_error_bodies(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    api: str = "v2.0",
) -> SearchStrategy[Any]:
    """JSON values that break the error shape, built from the filtered catalog entries.

    Fields dropped, null or of the wrong JSON type (huge integers included); unknown
    types and codes; extra fields; ``statusCode`` (v2.0), the ``errors`` array, ``status``,
    ``links`` or ``detail`` (V3) or ``resolution`` broken; deep nesting; huge and
    unicode strings; non-object JSON (null, list, number, string, boolean).
    """
    checked = _api(api)
    base = _plan(
        _specs(patterns, type, status, resolution, exclude, checked),
        checked,
        malformed=True,
        legacy=False,
        batch=False,
    )
    plan = replace(
        base,
        malformed=(True,),
        field_ops=weighted((n, w) for n, w in FIELD_OPS if n != "ascii_escapes"),
        v3_field_ops=weighted((n, w) for n, w in V3_FIELD_OPS if n != "ascii_escapes"),
        replace_ops=("non_object",),
        header_op_counts=(0,),
    )
    return drafts(plan).filter(lambda draft: draft.malformed).map(lambda draft: draft.body)


def error_cases(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    malformed: bool = True,
    legacy: bool | None = None,
    batch: bool = False,
    api: str = "v2.0",
) -> SearchStrategy[ErrorCase]:
    """Complete responses with their ground truth: ``ErrorCase(response, expected, ...)``.

    ``api="v2.0"`` (default) generates v2.0 errors, ``api="v3"`` API V3 errors and
    ``api="any"`` both. About half the cases are valid: errors varied as in
    ``error_bodies`` (with ``Retry-After``, ``SC-Request-Id`` on V3, and header-name
    casing varied too), and legacy v1.0 and OAuth bodies. The others (``malformed=True``)
    stack named mutation operators: up to three edits of the error's fields or of a V3
    body's shape, or one replaced body (non-JSON, non-object, a gateway page...), plus up
    to three header operators (request id, ``Retry-After``, ``Content-Type``).

    Filters (as ``catalog.select``) narrow the errors cases are built from, in every API
    version. ``malformed=False`` keeps only valid responses; ``legacy`` adds v1.0 and
    OAuth bodies (default: only when no filter is given); ``batch=True`` adds 200 v2.0
    batch responses whose items mix successes and errors (refused with ``api="v3"``:
    V3 has no batch endpoint).
    """
    checked = _api(api)
    with_batch = _flag("batch", batch)
    _no_v3_batch(checked, with_batch)
    selection = _specs(patterns, type, status, resolution, exclude, checked)
    with_legacy = (
        not _filtered(patterns, type=type, status=status, resolution=resolution, exclude=exclude)
        if legacy is None
        else _flag("legacy", legacy)
    )
    plan = _plan(
        selection,
        checked,
        malformed=_flag("malformed", malformed),
        legacy=with_legacy,
        batch=with_batch,
    )
    return _cases(plan)


def error_responses(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    malformed: bool = True,
    legacy: bool | None = None,
    batch: bool = False,
    api: str = "v2.0",
) -> SearchStrategy[httpx.Response]:
    """The responses of ``error_cases`` (same arguments), without the ground truth."""
    cases = error_cases(
        *patterns,
        type=type,
        status=status,
        resolution=resolution,
        exclude=exclude,
        malformed=malformed,
        legacy=legacy,
        batch=batch,
        api=api,
    )
    return cases.map(lambda case: case.response)


def v1_error_bodies() -> SearchStrategy[dict[str, Any]]:
    """Legacy v1.0 bodies (``error``, ``message`` and ``code`` where there is one)."""
    return st.sampled_from(LEGACY_ERRORS).map(lambda spec: spec.body())


def oauth_error_bodies() -> SearchStrategy[dict[str, Any]]:
    """Token-endpoint bodies (``error``, ``error_description``), with varied bad values."""
    return st.builds(
        lambda spec, value: spec.body(value),
        st.sampled_from(OAUTH_ERRORS),
        st.sampled_from((None, "bad code here", "", "ÿ-ünïcødé-çode", "x" * 300))
        | st.text(max_size=40),
    )


def batch_responses(
    *, paths: Iterable[str] = DEFAULT_BATCH_PATHS
) -> SearchStrategy[httpx.Response]:
    """200 responses of ``POST /v2.0/vehicles/{id}/batch`` mixing successes and errors.

    Each response has one to four items for distinct ``paths``; the first item always
    fails with a catalog error. Error items have no ``headers`` except 429 items
    (their own ``Retry-After``); success items have lower-case ``sc-*`` headers.
    """
    if isinstance(paths, (str, bytes)) or not isinstance(paths, Iterable):
        raise InvalidArgument(f"paths= takes a list of paths like ['/odometer'], got {paths!r}")
    checked = tuple(dict.fromkeys(paths))
    for path in checked:
        if not isinstance(path, str) or not path.startswith("/"):
            raise InvalidArgument(
                f"paths= takes paths starting with '/', like '/odometer', got {path!r}"
            )
    if not checked:
        raise InvalidArgument("paths= needs at least one path, got an empty list")
    plan = Plan(
        specs=_specs((), None, None, None, None).v2,
        families=("batch",),
        malformed=(False,),
        paths=checked,
    )
    return drafts(plan).map(_response)


def _parsed_errors() -> SearchStrategy[SmartcarError]:
    """What a correct parser returns for valid v2.0, V3, v1.0 and OAuth responses."""
    plan = _plan(
        _specs((), None, None, None, None), "any", malformed=False, legacy=True, batch=False
    )
    return drafts(plan).map(mu.expected_error)
