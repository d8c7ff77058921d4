"""How ``pytest_smartcar.strategies`` draws one response: a plan, its decisions, a draft.

A :class:`Plan` says what a strategy draws from (catalog entries, wire families, operator
pools); :func:`drafts` draws a family, the mutation operators, the valid variations and
each operator's choice, and returns the :class:`~pytest_smartcar._mutations.Draft`.
Every choice is ordered simplest-first, so a failure shrinks to the plainest response
that still fails. Imported by the strategies only: it imports hypothesis.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from pytest_smartcar import _mutations as mu
from pytest_smartcar.catalog import (
    IAM_ERRORS,
    LEGACY_ERRORS,
    OAUTH_ERRORS,
    ErrorSpec,
    OAuthErrorSpec,
)

__all__ = ["DEFAULT_BATCH_PATHS", "Plan", "drafts", "families", "oauth_specs", "weighted"]

#: Paths ``batch_responses()`` draws from unless told otherwise.
DEFAULT_BATCH_PATHS = (
    "/odometer",
    "/location",
    "/battery",
    "/fuel",
    "/tires/pressure",
    "/engine/oil",
)

# Every tuple below is ordered simplest-first (the shrinker moves toward index 0);
# repeated entries weight a choice.
_RESOLUTION_STYLES: tuple[mu.ResolutionStyle, ...] = ("object", "string", "null")
_V3_RESOLUTION_STYLES: tuple[mu.V3ResolutionStyle, ...] = ("as-is", "as-is", "absent", "type null")
_DETAIL_STYLES: tuple[str, ...] = ("as-is", "as-is", "absent", "null", "custom")
_NO_DETAIL_STYLES: tuple[str, ...] = ("as-is", "as-is", "null")
_DETAIL_NAMES = ("requests", "request", "path", "unit_system", "vin", "percentRemaining")
_APP_NAMES = ("Example App", "Optiwatt", "KabobMobile", "Ünïcødé Mobility", "車アプリ")
_CONTENT_TYPES = (mu.JSON_CONTENT_TYPE, mu.JSON_CONTENT_TYPE, "application/json")
_SUGGESTED = (True, True, False)
_LINKS = (True, True, True, False)
#: Whether a V3 error carries SC-Request-Id as the catalog says (unconfirmed for V3, so
#: the other way is generated too).
_V3_REQUEST_ID = (True, True, False)
_DOC_URL_STYLES: tuple[mu.DocUrlStyle, ...] = ("current", "current", "v2.0")
_KEY_ORDER_MOVED = (False, False, False, True)
#: Whether an error carries a Retry-After in seconds other than the catalog's.
_RETRY_AFTER_SET = (False, False, False, False, True)
_NAME_STYLES: tuple[mu.NameStyle, ...] = ("canonical", "lower", "upper")
_LEGACY_FAMILIES = ("v1", "v1", "oauth")
#: V3 has no v1.0: its legacy-shaped errors are the token endpoint's (iam.smartcar.com).
_V3_LEGACY_FAMILIES = ("oauth", "oauth", "oauth")
_OAUTH_VALUES = (None, "bad code here", "", "ÿ-ünïcødé-çode", "x" * 300)

#: Mutation operators by pool, each with its weight, simplest first. A malformed case
#: either edits one to three fields (or the shape of a V3 body) or replaces the body,
#: then stacks zero to three header operators.
#: Field operators of every version, after each version's own (the shrinker prefers
#: the first entries: dropping, nulling or retyping a field).
_ANY_FIELD_OPS: tuple[tuple[str, int], ...] = (
    ("code_null", 1),
    ("resolution_missing", 1),
    ("resolution_type_wrong", 1),
    ("unknown_type", 1),
    ("unknown_code", 1),
    ("extra_field", 1),
    ("unicode_string", 2),
    ("huge_string", 1),
    ("huge_integer", 1),
    ("deep_detail", 1),
    ("ascii_escapes", 1),
)
FIELD_OPS: tuple[tuple[str, int], ...] = (
    ("drop_field", 3),
    ("null_field", 2),
    ("retype_field", 2),
    ("status_code_differs", 4),
    ("status_code_missing", 1),
    ("resolution_without_url", 1),
    *_ANY_FIELD_OPS,
)
#: The operators on what only V3 has (the errors array, status, links, detail) weigh
#: more than the field operators every version shares: they are what api="v3" is for.
V3_FIELD_OPS: tuple[tuple[str, int], ...] = (
    ("drop_field", 3),
    ("status_differs", 6),
    ("several_errors", 6),
    ("errors_not_list", 4),
    ("first_error_not_object", 4),
    ("links_not_object", 5),
    ("detail_not_string", 4),
    ("errors_empty", 3),
    ("status_number", 2),
    ("v2_fields_mixed_in", 2),
    ("null_field", 2),
    ("retype_field", 2),
    ("links_missing", 1),
    ("links_about_wrong", 1),
    ("detail_missing", 1),
    ("title_only", 1),
    ("resolution_without_url", 1),
    *_ANY_FIELD_OPS,
)
REPLACE_OPS: tuple[tuple[str, int], ...] = (
    ("non_object", 5),
    ("empty_body", 1),
    ("gateway_page", 1),
    ("truncated_json", 1),
    ("invalid_utf8", 5),
    ("plain_text", 1),
    ("deep_array", 3),
    ("deep_nesting_inside", 1),
    ("undecodable_integer", 1),
    ("non_json_number", 1),
)
HEADER_OPS: tuple[tuple[str, int], ...] = (
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
    ("retry_after_huge", 1),
    ("content_type_missing", 3),
    ("content_type_odd", 2),
    ("content_type_plus_json", 2),
    ("content_type_jsonapi", 1),
    ("content_type_html", 1),
    ("content_type_text", 1),
)
#: Operators on the body's requestId: they apply only to a body that has one.
BODY_ID_OPS = frozenset(
    {
        "request_id_header_missing",
        "request_id_only_in_header",
        "request_id_differs",
        "request_id_body_wrong",
    }
)
#: V3 bodies have no requestId, and V3 is JSON:API: its media type comes more often.
V3_HEADER_OPS: tuple[tuple[str, int], ...] = tuple(
    (name, 3 if name == "content_type_jsonapi" else weight)
    for name, weight in HEADER_OPS
    if name not in BODY_ID_OPS - {"request_id_body_wrong"}
)
#: Malformed cases edit fields or replace the body, half and half; V3 cases edit two
#: times in three, since their shape (the errors array) is what V3 parsers get wrong and
#: a replaced body is the same whatever the version.
_BODY_MODES = ("fields", "replace")
_V3_BODY_MODES = ("fields", "fields", "replace")
_FIELD_OP_COUNTS = (0, 1, 2, 3, 2, 3)
_HEADER_OP_COUNTS = (0, 1, 2, 3, 2)


def weighted(pairs: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(name for name, weight in pairs for _ in range(weight))


def families(api: str, *, legacy: bool, batch: bool) -> tuple[str, ...]:
    """The wire families of an ``api`` ("v2.0", "v3" or "any"), weighted, simplest first."""
    if api == "v2.0":
        base: tuple[str, ...] = ("v2",) * 13 if legacy else ("v2",)
    elif api == "v3":
        base = ("v3",) * 13 if legacy else ("v3",)
    else:
        base = ("v2",) * 7 + ("v3",) * 6 if legacy else ("v2", "v3")
    if legacy:
        base += _V3_LEGACY_FAMILIES if api == "v3" else _LEGACY_FAMILIES
    return (*base, "batch") if batch else base


def oauth_specs(api: str) -> tuple[OAuthErrorSpec, ...]:
    """Token-endpoint errors: auth.smartcar.com's for v2.0, iam.smartcar.com's for V3."""
    return {"v2.0": OAUTH_ERRORS, "v3": IAM_ERRORS}.get(api, (*OAUTH_ERRORS, *IAM_ERRORS))


@dataclass(frozen=True)
class Plan:
    """What one strategy draws from: specs, families, and the operator pools (weighted)."""

    specs: tuple[ErrorSpec, ...]
    families: tuple[str, ...]
    v3_specs: tuple[ErrorSpec, ...] = ()
    oauth_specs: tuple[OAuthErrorSpec, ...] = OAUTH_ERRORS
    malformed: tuple[bool, ...] = (False, True)
    body_modes: tuple[str, ...] = _BODY_MODES
    v3_body_modes: tuple[str, ...] = _V3_BODY_MODES
    field_ops: tuple[str, ...] = weighted(FIELD_OPS)
    v3_field_ops: tuple[str, ...] = weighted(V3_FIELD_OPS)
    replace_ops: tuple[str, ...] = weighted(REPLACE_OPS)
    header_ops: tuple[str, ...] = weighted(HEADER_OPS)
    v3_header_ops: tuple[str, ...] = weighted(V3_HEADER_OPS)
    header_op_counts: tuple[int, ...] = _HEADER_OP_COUNTS
    paths: tuple[str, ...] = DEFAULT_BATCH_PATHS


@functools.cache
def sampler(decision: str, options: tuple[Any, ...]) -> SearchStrategy[Any]:
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
    return draw(sampler(decision, options))


@functools.cache
def index(size: int) -> SearchStrategy[int]:
    # sampled_from(range(n)) rather than integers(0, n - 1): its span label depends on n,
    # so the mutator does not copy, say, a request id into an operator's choice.
    return st.sampled_from(range(size))


def _pick_dynamic(draw: st.DrawFn, options: Sequence[Any]) -> Any:
    """One of options that depend on the draft (operator choices), shrinking toward the first."""
    if len(options) == 1:
        return options[0]
    return options[draw(index(len(options)))]


@functools.cache
def request_id_bytes() -> SearchStrategy[bytes]:
    return st.binary(min_size=16, max_size=16)


def request_id(draw: st.DrawFn) -> str:
    # Not st.uuids(): a mapped strategy shares its span label with the mapped strategy
    # around this composite, and hypothesis's mutator would copy one over the other.
    return str(uuid.UUID(bytes=draw(request_id_bytes()), version=4))


@dataclass(frozen=True)
class _Style:
    """The valid variations of one case, most significant first (for shrinking)."""

    resolution: mu.ResolutionStyle
    v3_resolution: mu.V3ResolutionStyle
    detail: str
    suggested: bool
    links: bool
    content_type: str
    retry_after: bool
    doc_url: mu.DocUrlStyle
    key_order_moved: bool
    app_name: str
    v3_request_id: bool
    request_id: str


def _draw_style(draw: st.DrawFn, plan: Plan, *, with_detail: bool) -> _Style:
    # Every family draws the same decisions (each ignores those of the others), so all
    # bases are equally long and the shrinker, which prefers shorter choice sequences,
    # moves toward the first family (the common case) when it can. The V3 decisions are
    # drawn only by plans with V3 cases, so v2.0 cases draw exactly what they use.
    v3 = "v3" in plan.families
    return _Style(
        resolution=_pick(draw, "resolution", _RESOLUTION_STYLES),
        v3_resolution=_pick(draw, "V3 resolution", _V3_RESOLUTION_STYLES) if v3 else "as-is",
        detail=_pick(draw, "detail", _DETAIL_STYLES)
        if with_detail
        else _pick(draw, "no detail", _NO_DETAIL_STYLES),
        suggested=_pick(draw, "suggested", _SUGGESTED),
        links=_pick(draw, "links", _LINKS) if v3 else True,
        content_type=_pick(draw, "content type", _CONTENT_TYPES),
        retry_after=_pick(draw, "retry-after", _RETRY_AFTER_SET),
        doc_url=_pick(draw, "docURL", _DOC_URL_STYLES),
        key_order_moved=_pick(draw, "key order", _KEY_ORDER_MOVED),
        app_name=_pick(draw, "app name", _APP_NAMES),
        v3_request_id=_pick(draw, "V3 request id", _V3_REQUEST_ID) if v3 else True,
        request_id=request_id(draw),
    )


def _with_retry_after(draw: st.DrawFn, draft: mu.Draft, style: _Style) -> mu.Draft:
    """A Retry-After in seconds, when the style says so (a valid variation)."""
    if not style.retry_after:
        return draft
    seconds = draw(index(3601))
    return draft.set_header(mu.RETRY_AFTER, str(seconds)).note(
        f"Retry-After: {seconds}", malformed=False
    )


def _draw_v2(draw: st.DrawFn, plan: Plan, spec: ErrorSpec) -> mu.Draft:
    style = _draw_style(draw, plan, with_detail=spec.detail is not None)
    detail: Any = style.detail
    if detail == "custom":
        names = draw(
            st.lists(sampler("detail names", _DETAIL_NAMES), min_size=1, max_size=3, unique=True)
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
        status_first=style.key_order_moved,
        content_type=style.content_type,
        retry_after=spec.retry_after,
    )
    return _with_retry_after(draw, draft, style)


def _draw_v3(draw: st.DrawFn, plan: Plan, spec: ErrorSpec) -> mu.Draft:
    style = _draw_style(draw, plan, with_detail=spec.detail is not None)
    draft = mu.v3_draft(
        spec,
        request_id=style.request_id,
        app_name=style.app_name,
        resolution_style=style.v3_resolution,
        suggested=style.suggested,
        links=style.links,
        links_first=style.key_order_moved,
        request_id_header=None if style.v3_request_id else not spec.v3.request_id_header,
        content_type=style.content_type,
    )
    return _with_retry_after(draw, draft, style)


def _draw_v1(draw: st.DrawFn, plan: Plan) -> mu.Draft:
    spec = _pick(draw, "v1", LEGACY_ERRORS)
    style = _draw_style(draw, plan, with_detail=False)
    draft = mu.v1_draft(spec, request_id=style.request_id, content_type=style.content_type)
    return _with_retry_after(draw, draft, style)


def _draw_oauth(draw: st.DrawFn, plan: Plan) -> mu.Draft:
    spec = _pick(draw, "oauth", plan.oauth_specs)
    _draw_style(draw, plan, with_detail=False)  # unused, but keeps every family equally long
    return mu.oauth_draft(spec, value=_pick(draw, "oauth value", _OAUTH_VALUES))


def _draw_batch(draw: st.DrawFn, plan: Plan) -> mu.Draft:
    paths = draw(
        st.lists(
            sampler("paths", plan.paths), min_size=1, max_size=min(4, len(plan.paths)), unique=True
        )
    )
    items: list[mu.BatchItem] = []
    for position, path in enumerate(paths):
        # The first item fails, so every batch mixes in at least one error.
        fails = position == 0 or draw(st.booleans())
        items.append((path, _pick(draw, "spec", plan.specs) if fails else None))
    return mu.batch_draft(
        items,
        request_id=request_id(draw),
        retry_after_name=_pick(draw, "batch retry-after", ("Retry-After", "retry-after")),
    )


def _draw_base(draw: st.DrawFn, plan: Plan, family: str) -> mu.Draft:
    if family == "v2":
        return _draw_v2(draw, plan, _pick(draw, "spec", plan.specs))
    if family == "v3":
        return _draw_v3(draw, plan, _pick(draw, "V3 spec", plan.v3_specs))
    if family == "v1":
        return _draw_v1(draw, plan)
    if family == "oauth":
        return _draw_oauth(draw, plan)
    return _draw_batch(draw, plan)


def _mutate(draw: st.DrawFn, draft: mu.Draft, names: Sequence[str]) -> mu.Draft:
    ops = sorted((mu.OPERATORS[name] for name in names), key=lambda op: op.stage)
    replacing = [op for op in ops if op.discards and op.choices(draft)]
    if replacing:
        # The body is replaced: edits to it would be lost; one replacement counts.
        ops = [op for op in ops if op.stage == 3 or op is replacing[0]]
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
def drafts(draw: st.DrawFn, plan: Plan) -> mu.Draft:
    """One draft of ``plan``: a family, then (when malformed) the operators, then the base."""
    # Decisions whose options never change come first: when hypothesis's mutator edits
    # a draw, later draws whose options changed fall back to their simplest value, and
    # these must not all collapse to "valid".
    family = _pick(draw, "family", plan.families)
    v3 = family == "v3"
    names: list[str] = []
    if _pick(draw, "malformed", plan.malformed):
        header_ops = plan.v3_header_ops if v3 else plan.header_ops
        modes = plan.v3_body_modes if v3 else plan.body_modes
        if _pick(draw, "body mode", modes) == "fields":
            count = _pick(draw, "field operator count", _FIELD_OP_COUNTS)
            names += _names(
                draw, "field operator", plan.v3_field_ops if v3 else plan.field_ops, count
            )
        else:
            names += _names(draw, "replacement", plan.replace_ops, 1)
            # Without a JSON body, operators on the body's requestId would not apply.
            header_ops = tuple(n for n in header_ops if n not in BODY_ID_OPS)
        count = _pick(draw, "header operator count", plan.header_op_counts)
        names += _names(draw, "header operator", header_ops, count)
    name_style = _pick(draw, "header names", _NAME_STYLES)
    draft = _mutate(draw, _draw_base(draw, plan, family), names)
    return mu.rename_headers(draft, name_style)
