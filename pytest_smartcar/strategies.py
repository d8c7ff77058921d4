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

About half the cases are valid (what Smartcar sends, varied the way Smartcar varies it);
the others stack named mutation operators (``pytest_smartcar._mutations.OPERATORS``): up
to three body-field edits or one replaced body, plus up to three header operators.
Every choice is ordered simplest-first, so a failure shrinks to the plainest response
that still fails. This is the only module of the package that imports hypothesis
(``pip install pytest-smartcar[hypothesis]``); nothing is built at import time.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from pytest_smartcar import _mutations as mu
from pytest_smartcar._sequence_strategies import error_sequences as error_sequences
from pytest_smartcar.catalog import LEGACY_ERRORS, OAUTH_ERRORS, ErrorSpec, select
from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.responses import REASONS

__all__ = [
    "DEFAULT_BATCH_PATHS",
    "ErrorCase",
    "batch_responses",
    "error_bodies",
    "error_cases",
    "error_responses",
    "error_specs",
    "malformed_error_bodies",
    "oauth_error_bodies",
    "v1_error_bodies",
]

#: Paths ``batch_responses()`` draws from unless told otherwise.
DEFAULT_BATCH_PATHS = (
    "/odometer",
    "/location",
    "/battery",
    "/fuel",
    "/tires/pressure",
    "/engine/oil",
)


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


def _specs(
    patterns: Sequence[str],
    type: str | Iterable[str] | None,
    status: int | Iterable[int] | None,
    resolution: str | Iterable[str] | None,
    exclude: str | Iterable[str] | None,
) -> tuple[ErrorSpec, ...]:
    """``catalog.select`` (its errors, unchanged), refusing a selection that is empty."""
    specs = select(*patterns, type=type, status=status, resolution=resolution, exclude=exclude)
    if not specs:
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
        raise InvalidArgument(
            f"no Smartcar error matches all of {', '.join(given)}: nothing to generate"
        )
    return specs


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}= takes True or False, got {value!r}")
    return value


def _filtered(patterns: Sequence[str], **filters: object) -> bool:
    return bool(patterns) or any(value is not None for value in filters.values())


# --- drawing drafts ---------------------------------------------------------------------------

# Every tuple below is ordered simplest-first (the shrinker moves toward index 0);
# repeated entries weight a choice.
_RESOLUTION_STYLES: tuple[mu.ResolutionStyle, ...] = ("object", "string", "null")
_DETAIL_STYLES: tuple[str, ...] = ("as-is", "as-is", "absent", "null", "custom")
_NO_DETAIL_STYLES: tuple[str, ...] = ("as-is", "as-is", "null")
_DETAIL_NAMES = ("requests", "request", "path", "unit_system", "vin", "percentRemaining")
_APP_NAMES = ("Example App", "Optiwatt", "KabobMobile", "Ünïcødé Mobility", "車アプリ")
_CONTENT_TYPES = (mu.JSON_CONTENT_TYPE, mu.JSON_CONTENT_TYPE, "application/json")
_SUGGESTED = (True, True, False)
_DOC_URL_STYLES: tuple[mu.DocUrlStyle, ...] = ("current", "current", "v2.0")
_STATUS_FIRST = (False, False, False, True)
#: Whether a v2.0 error carries a Retry-After in seconds other than the catalog's.
_RETRY_AFTER_SET = (False, False, False, False, True)
_NAME_STYLES: tuple[mu.NameStyle, ...] = ("canonical", "lower", "upper")
_FAMILIES = ("v2",) * 13 + ("v1", "v1", "oauth")
_OAUTH_VALUES = (None, "bad code here", "", "ÿ-ünïcødé-çode", "x" * 300)
#: Mutation operators by pool, each with its weight, simplest first. A malformed case
#: either edits one to three body fields or replaces the body, then stacks zero to three
#: header operators.
_FIELD_OPS: tuple[tuple[str, int], ...] = (
    ("drop_field", 3),
    ("null_field", 2),
    ("retype_field", 2),
    ("status_code_differs", 4),
    ("status_code_missing", 1),
    ("code_null", 1),
    ("resolution_without_url", 1),
    ("resolution_missing", 1),
    ("resolution_type_wrong", 1),
    ("unknown_type", 1),
    ("unknown_code", 1),
    ("extra_field", 1),
    ("unicode_string", 2),
    ("huge_string", 1),
    ("deep_detail", 1),
    ("ascii_escapes", 1),
)
_REPLACE_OPS: tuple[tuple[str, int], ...] = (
    ("non_object", 5),
    ("empty_body", 1),
    ("gateway_page", 1),
    ("truncated_json", 1),
    ("invalid_utf8", 5),
    ("plain_text", 1),
    ("deep_array", 3),
    ("non_json_number", 1),
)
_HEADER_OPS: tuple[tuple[str, int], ...] = (
    ("request_id_header_missing", 1),
    ("request_id_only_in_header", 1),
    ("request_id_nowhere", 1),
    ("request_id_differs", 1),
    ("request_id_body_wrong", 4),
    ("retry_after_padded", 1),
    ("retry_after_date", 2),
    ("retry_after_negative", 1),
    ("retry_after_fraction", 1),
    ("retry_after_garbage", 2),
    ("content_type_missing", 3),
    ("content_type_odd", 2),
    ("content_type_plus_json", 2),
    ("content_type_html", 1),
    ("content_type_text", 1),
)
_BODY_ID_OPS = frozenset(
    {
        "request_id_header_missing",
        "request_id_only_in_header",
        "request_id_differs",
        "request_id_body_wrong",
    }
)
#: Malformed cases edit body fields or replace the body, half and half.
_BODY_MODES = ("fields", "replace")
_FIELD_OP_COUNTS = (0, 1, 2, 3, 2, 3)
_HEADER_OP_COUNTS = (0, 1, 2, 3, 2)


def _weighted(pairs: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(name for name, weight in pairs for _ in range(weight))


@dataclass(frozen=True)
class _Plan:
    """What one strategy draws from: specs, families, and the operator pools (weighted)."""

    specs: tuple[ErrorSpec, ...]
    families: tuple[str, ...]
    malformed: tuple[bool, ...] = (False, True)
    body_modes: tuple[str, ...] = _BODY_MODES
    field_ops: tuple[str, ...] = _weighted(_FIELD_OPS)
    replace_ops: tuple[str, ...] = _weighted(_REPLACE_OPS)
    header_ops: tuple[str, ...] = _weighted(_HEADER_OPS)
    header_op_counts: tuple[int, ...] = _HEADER_OP_COUNTS
    paths: tuple[str, ...] = DEFAULT_BATCH_PATHS


@functools.cache
def _sampler(decision: str, options: tuple[Any, ...]) -> SearchStrategy[Any]:
    """One prebuilt ``sampled_from`` per decision, built on first use.

    Distinct option tuples give distinct span labels, so hypothesis's mutator (which
    copies values between draws of the same label) does not copy, say, the app-name
    index into the number of mutations.
    """
    return st.sampled_from(options)


def _pick(draw: st.DrawFn, decision: str, options: tuple[Any, ...]) -> Any:
    """One of ``options``, shrinking toward the first."""
    if len(options) == 1:
        return options[0]
    return draw(_sampler(decision, options))


@functools.cache
def _index(size: int) -> SearchStrategy[int]:
    # sampled_from(range(n)) rather than integers(0, n - 1): its span label depends on n,
    # so the mutator does not copy, say, a request id into an operator's choice.
    return st.sampled_from(range(size))


def _pick_dynamic(draw: st.DrawFn, options: Sequence[Any]) -> Any:
    """One of options that depend on the draft (operator choices), shrinking toward the first."""
    if len(options) == 1:
        return options[0]
    return options[draw(_index(len(options)))]


@functools.cache
def _request_id_bytes() -> SearchStrategy[bytes]:
    return st.binary(min_size=16, max_size=16)


def _request_id(draw: st.DrawFn) -> str:
    # Not st.uuids(): a mapped strategy shares its span label with the mapped strategy
    # around this composite, and hypothesis's mutator would copy one over the other.
    return str(uuid.UUID(bytes=draw(_request_id_bytes()), version=4))


@dataclass(frozen=True)
class _Style:
    """The valid variations of one case, most significant first (for shrinking)."""

    resolution: mu.ResolutionStyle
    detail: str
    suggested: bool
    content_type: str
    retry_after: bool
    doc_url: mu.DocUrlStyle
    status_first: bool
    app_name: str
    request_id: str


def _draw_style(draw: st.DrawFn, *, with_detail: bool) -> _Style:
    # Every family draws the same decisions (legacy and OAuth ignore most of them), so
    # all bases are equally long and the shrinker, which prefers shorter choice
    # sequences, moves toward the first family (v2.0, the common case) when it can.
    return _Style(
        resolution=_pick(draw, "resolution", _RESOLUTION_STYLES),
        detail=_pick(draw, "detail", _DETAIL_STYLES)
        if with_detail
        else _pick(draw, "no detail", _NO_DETAIL_STYLES),
        suggested=_pick(draw, "suggested", _SUGGESTED),
        content_type=_pick(draw, "content type", _CONTENT_TYPES),
        retry_after=_pick(draw, "retry-after", _RETRY_AFTER_SET),
        doc_url=_pick(draw, "docURL", _DOC_URL_STYLES),
        status_first=_pick(draw, "key order", _STATUS_FIRST),
        app_name=_pick(draw, "app name", _APP_NAMES),
        request_id=_request_id(draw),
    )


def _with_retry_after(draw: st.DrawFn, draft: mu.Draft, style: _Style) -> mu.Draft:
    """A Retry-After in seconds, when the style says so (a valid variation)."""
    if not style.retry_after:
        return draft
    seconds = draw(_index(3601))
    return draft.set_header(mu.RETRY_AFTER, str(seconds)).note(
        f"Retry-After: {seconds}", malformed=False
    )


def _draw_v2(draw: st.DrawFn, spec: ErrorSpec) -> mu.Draft:
    style = _draw_style(draw, with_detail=spec.detail is not None)
    detail: Any = style.detail
    if detail == "custom":
        names = draw(
            st.lists(_sampler("detail names", _DETAIL_NAMES), min_size=1, max_size=3, unique=True)
        )
        detail = mu.validation_detail(names)
    draft = mu.v2_draft(
        spec,
        request_id=style.request_id,
        app_name=style.app_name,
        resolution_style=style.resolution,
        suggested=style.suggested,
        detail=detail,
        doc_url_style=style.doc_url,
        status_first=style.status_first,
        content_type=style.content_type,
        retry_after=spec.retry_after,
    )
    return _with_retry_after(draw, draft, style)


def _draw_v1(draw: st.DrawFn) -> mu.Draft:
    spec = _pick(draw, "v1", LEGACY_ERRORS)
    style = _draw_style(draw, with_detail=False)
    draft = mu.v1_draft(spec, request_id=style.request_id, content_type=style.content_type)
    return _with_retry_after(draw, draft, style)


def _draw_oauth(draw: st.DrawFn) -> mu.Draft:
    spec = _pick(draw, "oauth", OAUTH_ERRORS)
    _draw_style(draw, with_detail=False)  # unused, but keeps every family equally long
    return mu.oauth_draft(spec, value=_pick(draw, "oauth value", _OAUTH_VALUES))


def _draw_batch(draw: st.DrawFn, plan: _Plan) -> mu.Draft:
    paths = draw(
        st.lists(
            _sampler("paths", plan.paths), min_size=1, max_size=min(4, len(plan.paths)), unique=True
        )
    )
    items: list[mu.BatchItem] = []
    for index, path in enumerate(paths):
        # The first item fails, so every batch mixes in at least one error.
        fails = index == 0 or draw(st.booleans())
        items.append((path, _pick(draw, "spec", plan.specs) if fails else None))
    return mu.batch_draft(
        items,
        request_id=_request_id(draw),
        retry_after_name=_pick(draw, "batch retry-after", ("Retry-After", "retry-after")),
    )


def _draw_base(draw: st.DrawFn, plan: _Plan, family: str) -> mu.Draft:
    if family == "v2":
        return _draw_v2(draw, _pick(draw, "spec", plan.specs))
    if family == "v1":
        return _draw_v1(draw)
    if family == "oauth":
        return _draw_oauth(draw)
    return _draw_batch(draw, plan)


def _mutate(draw: st.DrawFn, draft: mu.Draft, names: Sequence[str]) -> mu.Draft:
    ops = sorted((mu.OPERATORS[name] for name in names), key=lambda op: op.stage)
    replacing = [op for op in ops if op.discards and op.choices(draft)]
    if replacing:
        # The body is replaced: edits to its fields would be lost; one replacement counts.
        ops = [op for op in ops if op.stage == 2 or op is replacing[0]]
    for op in ops:
        choices = op.choices(draft)
        if choices:
            draft = op(draft, _pick_dynamic(draw, choices))
    return draft


def _names(draw: st.DrawFn, decision: str, pool: tuple[str, ...], count: int) -> list[str]:
    names: list[str] = []
    for position in range(count):
        # Each position draws from the pool rotated by one more step: a distinct span
        # label, so the mutator does not spend examples copying one operator over another.
        name = _pick(draw, f"{decision} {position}", pool[position:] + pool[:position])
        if name not in names:
            names.append(name)
    return names


@st.composite
def _drafts(draw: st.DrawFn, plan: _Plan) -> mu.Draft:
    # Decisions whose options never change come first: when hypothesis's mutator edits
    # a draw, later draws whose options changed fall back to their simplest value, and
    # these must not all collapse to "valid".
    family = _pick(draw, "family", plan.families)
    names: list[str] = []
    if _pick(draw, "malformed", plan.malformed):
        if _pick(draw, "body mode", plan.body_modes) == "fields":
            count = _pick(draw, "field operator count", _FIELD_OP_COUNTS)
            names += _names(draw, "field operator", plan.field_ops, count)
            header_ops = plan.header_ops
        else:
            names += _names(draw, "replacement", plan.replace_ops, 1)
            # Without a JSON body, operators on the body's requestId would not apply.
            header_ops = tuple(n for n in plan.header_ops if n not in _BODY_ID_OPS)
        count = _pick(draw, "header operator count", plan.header_op_counts)
        names += _names(draw, "header operator", header_ops, count)
    name_style = _pick(draw, "header names", _NAME_STYLES)
    draft = _mutate(draw, _draw_base(draw, plan, family), names)
    return mu.rename_headers(draft, name_style)


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


@st.composite
def _cases(draw: st.DrawFn, plan: _Plan) -> ErrorCase:
    # A composite rather than ``_drafts(plan).map(_case)``: hypothesis prints a mapped
    # value as the call that made it (``_case(Draft(...))``); this way a falsifying
    # example prints as the ErrorCase itself, description first.
    return _case(draw(_drafts(plan)))


def _plan(specs: tuple[ErrorSpec, ...], *, malformed: bool, legacy: bool, batch: bool) -> _Plan:
    families = _FAMILIES if legacy else ("v2",)
    if batch:
        families = (*families, "batch")
    return _Plan(specs=specs, families=families, malformed=(False, True) if malformed else (False,))


# --- public strategies ------------------------------------------------------------------------


def error_specs(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
) -> SearchStrategy[ErrorSpec]:
    """Catalog entries matching the filters of ``catalog.select``, in catalog order.

    Failures shrink toward the first entries (``AUTHENTICATION`` without filters).
    Unknown keys or filter values raise the catalog's errors (with close matches); a
    selection that matches nothing raises ``InvalidArgument``.
    """
    return st.sampled_from(_specs(patterns, type, status, resolution, exclude))


def error_bodies(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
) -> SearchStrategy[dict[str, Any]]:
    """Valid v2.0 bodies, as Smartcar sends them.

    Varies what Smartcar varies: the request id, the app name in
    ``suggestedUserMessage``, optional fields present or absent, ``detail`` (as
    documented, absent, null, other VALIDATION fields), ``resolution`` as an object, a
    bare string or null (older responses), the ``docURL`` style and the key order.
    """
    plan = _plan(
        _specs(patterns, type, status, resolution, exclude),
        malformed=False,
        legacy=False,
        batch=False,
    )
    return _drafts(plan).map(lambda draft: draft.body)


def malformed_error_bodies(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
) -> SearchStrategy[Any]:
    """JSON values that break the v2.0 shape, built from the filtered catalog entries.

    Fields dropped, null or of the wrong JSON type; unknown types and codes; extra
    fields; ``statusCode`` or ``resolution`` broken; deep nesting; huge and unicode
    strings; non-object JSON (null, list, number, string, boolean).
    """
    specs = _specs(patterns, type, status, resolution, exclude)
    plan = _Plan(
        specs=specs,
        families=("v2",),
        malformed=(True,),
        body_modes=("fields", "replace"),
        field_ops=_weighted((name, w) for name, w in _FIELD_OPS if name != "ascii_escapes"),
        replace_ops=("non_object",),
        header_op_counts=(0,),
    )
    return _drafts(plan).filter(lambda draft: draft.malformed).map(lambda draft: draft.body)


def error_cases(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    malformed: bool = True,
    legacy: bool | None = None,
    batch: bool = False,
) -> SearchStrategy[ErrorCase]:
    """Complete responses with their ground truth: ``ErrorCase(response, expected, ...)``.

    About half the cases are valid: v2.0 errors varied as in ``error_bodies`` (with
    ``Retry-After`` and header-name casing varied too), and legacy v1.0 and OAuth bodies.
    The others (``malformed=True``) stack named mutation operators: up to three body-field
    edits or one replaced body (non-JSON, non-object, a gateway page...), plus up to three
    header operators (request id, ``Retry-After``, ``Content-Type``).

    Filters (as ``catalog.select``) narrow the v2.0 errors cases are built from.
    ``malformed=False`` keeps only valid responses; ``legacy`` adds v1.0 and OAuth
    bodies (default: only when no filter is given); ``batch=True`` adds 200 batch
    responses whose items mix successes and errors.
    """
    specs = _specs(patterns, type, status, resolution, exclude)
    with_legacy = (
        not _filtered(patterns, type=type, status=status, resolution=resolution, exclude=exclude)
        if legacy is None
        else _flag("legacy", legacy)
    )
    plan = _plan(
        specs,
        malformed=_flag("malformed", malformed),
        legacy=with_legacy,
        batch=_flag("batch", batch),
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
        st.sampled_from(_OAUTH_VALUES) | st.text(max_size=40),
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
    plan = _Plan(
        specs=_specs((), None, None, None, None),
        families=("batch",),
        malformed=(False,),
        paths=checked,
    )
    return _drafts(plan).map(_response)


def _parsed_errors() -> SearchStrategy[SmartcarError]:
    """What a correct parser returns for valid v2.0, v1.0 and OAuth responses."""
    plan = _plan(_specs((), None, None, None, None), malformed=False, legacy=True, batch=False)
    return _drafts(plan).map(mu.expected_error)
