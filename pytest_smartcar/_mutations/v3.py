"""API V3 responses (JSON:API ``{"errors": [...]}``), their valid variations, and the
operators that break what only V3 bodies carry.

A V3 error is the first item of ``errors``: ``status`` (a string), ``type``, ``code``,
``title``, ``detail``, ``links.about``, ``resolution`` and ``suggestedUserMessage`` where
Smartcar sends them. The field operators of :mod:`pytest_smartcar._mutations.fields` break
that item like a v2.0 body; the ones here break the array around it and the V3-only fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pytest_smartcar._mutations.draft import (
    JSON_CONTENT_TYPE,
    REQUEST_ID,
    RETRY_AFTER,
    Draft,
    Operator,
    const,
    edit,
    edit_top,
    has_error,
    has_string,
    json_headers,
    when,
)
from pytest_smartcar._mutations.v2 import STATUSES
from pytest_smartcar.catalog import ErrorSpec
from pytest_smartcar.wire.v3 import error_item

__all__ = ["OPERATORS", "v3_draft"]

V3ResolutionStyle = Literal["as-is", "absent", "type null"]


def v3_draft(
    spec: ErrorSpec,
    *,
    request_id: str,
    app_name: str = "Example App",
    resolution_style: V3ResolutionStyle = "as-is",
    suggested: bool = True,
    links: bool = True,
    links_first: bool = False,
    request_id_header: bool | None = None,
    content_type: str = JSON_CONTENT_TYPE,
    retry_after: int | None = None,
) -> Draft:
    """A V3 error as :mod:`pytest_smartcar.wire.v3` renders it from the catalog's V3
    facts, with the variations V3 examples show.

    ``resolution_style`` "absent" drops ``resolution``, "type null" sends ``{"type":
    null}`` (MAKE_NOT_COMPATIBLE); ``links=False`` drops ``links`` (ACCESS_DENIED);
    ``links_first`` puts it first (UNAUTHORIZED); ``suggested=False`` drops
    ``suggestedUserMessage``. Whether V3 sends ``SC-Request-Id`` and ``Retry-After`` is
    unconfirmed: ``request_id_header`` (default: the catalog's choice) and
    ``retry_after`` (default: the catalog's) vary them.
    """
    item = error_item(spec, app_name=app_name)
    notes: list[str] = []
    if resolution_style == "absent" and "resolution" in item:
        del item["resolution"]
        notes.append("no resolution")
    elif resolution_style == "type null":
        item["resolution"] = {"type": None}
        notes.append("resolution.type null")
    if not suggested and "suggestedUserMessage" in item:
        del item["suggestedUserMessage"]
        notes.append("no suggestedUserMessage")
    if app_name != "Example App" and "suggestedUserMessage" in item:
        notes.append(f"app name {app_name!r}")
    if not links and "links" in item:
        del item["links"]
        notes.append("no links")
    elif links_first and "links" in item:
        item = {"links": item.pop("links"), **item}
        notes.append("links first")
    if content_type != JSON_CONTENT_TYPE:
        notes.append(f"Content-Type {content_type!r}")
    sends_id = spec.v3.request_id_header if request_id_header is None else request_id_header
    if sends_id != spec.v3.request_id_header:
        notes.append("with SC-Request-Id" if sends_id else "no SC-Request-Id")
    draft = Draft(
        status=spec.status,
        label=f"V3 {spec.v3_key}",
        headers=json_headers(content_type, request_id if sends_id else None),
        body={"errors": [item]},
        family="v3",
    )
    wait = spec.v3.retry_after if retry_after is None else retry_after
    if wait is not None:
        draft = draft.set_header(RETRY_AFTER, str(wait))
        if wait != spec.v3.retry_after:
            notes.append(f"Retry-After: {wait}")
    for text in notes:
        draft = draft.note(text, malformed=False)
    return draft


# --- operators on the errors array (stage 1) ----------------------------------------------


def _v3(draft: Draft) -> bool:
    return draft.family == "v3" and has_error(draft)


def _item(draft: Draft) -> dict[str, Any]:
    return dict(draft.error or {})


def _errors_empty(draft: Draft, _: None) -> Draft:
    return edit_top(draft, errors=[]).note("errors empty")


ERRORS_NOT_LISTS = ("object", "string", "null", "number")


def _errors_not_list(draft: Draft, kind: str) -> Draft:
    item = _item(draft)
    values = {"object": item, "string": item.get("title", "error"), "null": None, "number": 1}
    return edit_top(draft, errors=values[kind]).note(f"errors a JSON {kind}, not an array")


FIRST_NOT_OBJECTS = ("string", "null", "list", "number")


def _first_not_object(draft: Draft, kind: str) -> Draft:
    item = _item(draft)
    first = {"string": str(item.get("title", "error")), "null": None, "list": [item], "number": 0}
    errors = [first[kind]] if kind == "list" else [first[kind], item]
    return edit_top(draft, errors=errors).note(f"first error a JSON {kind}, not an object")


#: Another error, as a second (or first) item of ``errors``.
OTHER_ERROR: dict[str, Any] = {
    "status": "500",
    "type": "SERVER",
    "code": "INTERNAL",
    "title": "Internal Server Error",
    "detail": "Smartcar encountered an internal error.",
    "links": {"about": "https://smartcar.com/docs/errors/api-errors/server-errors#internal"},
}
SEVERAL = (
    "another error after",
    "the same error twice",
    "another error first",
    "an untyped error first",
)


def _several(draft: Draft, how: str) -> Draft:
    item = _item(draft)
    errors = {
        "another error after": [item, OTHER_ERROR],
        "the same error twice": [item, item],
        "another error first": [OTHER_ERROR, item],
        "an untyped error first": [{"title": "Unknown"}, item],
    }[how]
    return edit_top(draft, errors=errors).note(f"several errors: {how}")


TITLE_ONLY = ("title alone", "status and title", "type and title")


def _title_only(draft: Draft, how: str) -> Draft:
    item = _item(draft)
    kept = {"title alone": ("title",), "status and title": ("status", "title")}.get(
        how, ("type", "title")
    )
    only = {name: item[name] for name in kept if name in item}
    return edit_top(draft, errors=[only]).note(f"error with {how} only")


MIXED_IN = (
    "top-level requestId and statusCode",
    "top-level type, code and description",
    "top-level error and message",
    "description, docURL, statusCode and requestId in the error",
)
#: The body id mixed in when the response has no SC-Request-Id.
MIXED_REQUEST_ID = "c0ffee00-0000-4000-8000-000000000000"


def _mixed_in(draft: Draft, how: str) -> Draft:
    item = _item(draft)
    rid = draft.header(REQUEST_ID) or MIXED_REQUEST_ID
    links = item.get("links")
    v2 = {
        "description": item.get("detail"),
        "docURL": links.get("about") if isinstance(links, dict) else None,
        "statusCode": draft.status,
        "requestId": rid,
    }
    if how == MIXED_IN[0]:
        out = edit_top(draft, requestId=rid, statusCode=draft.status)
    elif how == MIXED_IN[1]:
        out = edit_top(
            draft, type=item.get("type"), code=item.get("code"), description=item.get("detail")
        )
    elif how == MIXED_IN[2]:
        out = edit_top(draft, error=str(item.get("type")).lower(), message=item.get("detail"))
    else:
        out = edit(draft, **v2)
    return out.note(f"v2.0 fields mixed in: {how}")


# --- operators on the V3-only fields of the error (stage 0) -------------------------------


def _status_number(draft: Draft, _: None) -> Draft:
    return edit(draft, status=draft.status).note("status a JSON number")


def _status_choices(draft: Draft) -> Sequence[str]:
    if not (_v3(draft) and has_string(draft, "status")):
        return ()
    return [str(s) for s in STATUSES if s != draft.status]


def _status_differs(draft: Draft, status: str) -> Draft:
    return edit(draft, status=status).note(f"status {status!r} differs from HTTP {draft.status}")


def _links_missing(draft: Draft, _: None) -> Draft:
    return edit(draft, links=...).note("links missing")


LINKS_NOT_OBJECTS: tuple[Any, ...] = (
    "https://smartcar.com/docs/errors/api-errors",
    ["https://smartcar.com/docs/errors/api-errors"],
    None,
    404,
)


def _links_not_object(draft: Draft, value: Any) -> Draft:
    kind = "null" if value is None else type(value).__name__.replace("str", "string")
    return edit(draft, links=value).note(f"links a JSON {kind}, not an object")


ABOUTS_WRONG: tuple[Any, ...] = ({"about": None}, {"about": 404}, {"self": "https://x"}, {})


def _about_wrong(draft: Draft, links: dict[str, Any]) -> Draft:
    return edit(draft, links=links).note(f"links {links!r}: no string about")


def _detail_missing(draft: Draft, _: None) -> Draft:
    return edit(draft, detail=...).note("detail missing")


DETAILS_NOT_STRINGS: tuple[Any, ...] = (["The sentence, as a list."], 409, None, {"text": "x"})


def _detail_not_string(draft: Draft, value: Any) -> Draft:
    kind = {list: "list", int: "number", dict: "object"}.get(type(value), "null")
    return edit(draft, detail=value).note(f"detail a JSON {kind}, not a string")


def _has_field(name: str) -> Any:
    return when(lambda d: _v3(d) and name in (d.error or {}))


OPERATORS: tuple[Operator, ...] = (
    Operator("errors_empty", "errors an empty array", 1, when(_v3), _errors_empty),
    Operator(
        "errors_not_list",
        "errors an object, string, null or number",
        1,
        const(ERRORS_NOT_LISTS, _v3),
        _errors_not_list,
    ),
    Operator(
        "first_error_not_object",
        "the first item of errors not an object",
        1,
        const(FIRST_NOT_OBJECTS, _v3),
        _first_not_object,
    ),
    Operator("several_errors", "errors with two items", 1, const(SEVERAL, _v3), _several),
    Operator(
        "title_only", "an error with little but its title", 1, const(TITLE_ONLY, _v3), _title_only
    ),
    Operator(
        "v2_fields_mixed_in",
        "v2.0 fields (type, requestId, statusCode...) in a V3 body",
        1,
        const(MIXED_IN, _v3),
        _mixed_in,
    ),
    Operator(
        "status_number",
        "the error's status a JSON number",
        0,
        when(lambda d: _v3(d) and has_string(d, "status")),
        _status_number,
    ),
    Operator(
        "status_differs",
        "the error's status differs from the HTTP status",
        0,
        _status_choices,
        _status_differs,
    ),
    Operator("links_missing", "links missing", 0, _has_field("links"), _links_missing),
    Operator(
        "links_not_object",
        "links a string, list, null or number",
        0,
        const(LINKS_NOT_OBJECTS, _v3),
        _links_not_object,
    ),
    Operator(
        "links_about_wrong",
        "links without a string about",
        0,
        const(ABOUTS_WRONG, _v3),
        _about_wrong,
    ),
    Operator("detail_missing", "detail missing", 0, _has_field("detail"), _detail_missing),
    Operator(
        "detail_not_string",
        "detail a list, number, null or object",
        0,
        const(DETAILS_NOT_STRINGS, _v3),
        _detail_not_string,
    ),
)
