"""A response under construction (:class:`Draft`), and what every mutation operator shares.

Plain data and pure functions: hypothesis is not imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pytest_smartcar.wire.common import apply_overrides

__all__ = [
    "CONTENT_TYPE",
    "JSONAPI_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "REQUEST_ID",
    "RETRY_AFTER",
    "Draft",
    "Family",
    "Operator",
    "encode_json",
    "rename_headers",
]

Header = tuple[str, str]
#: What a draft was generated as: v2.0, API V3, legacy v1.0, OAuth, or a v2.0 batch.
Family = Literal["v2", "v3", "v1", "oauth", "batch"]
ResolutionStyle = Literal["object", "string", "null"]
DetailStyle = Literal["as-is", "absent", "null"]
DocUrlStyle = Literal["current", "v2.0"]
NameStyle = Literal["canonical", "lower", "upper"]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
JSONAPI_CONTENT_TYPE = "application/vnd.api+json"
CONTENT_TYPE = "Content-Type"
REQUEST_ID = "SC-Request-Id"
RETRY_AFTER = "Retry-After"


@dataclass(frozen=True)
class Draft:
    """A response under construction, and what has been generated or broken so far.

    ``body`` is the JSON value the content encodes, unless ``content`` holds raw bytes
    that replace the serialization; ``is_json`` says whether those bytes decode (UTF-8,
    with Python's ``json.loads``) to exactly ``body``. Header names are kept as sent;
    there is at most one header per case-insensitive name.
    """

    status: int
    label: str
    headers: tuple[Header, ...] = ()
    body: Any = None
    content: bytes | None = None
    is_json: bool = True
    ascii_only: bool = False
    notes: tuple[str, ...] = ()
    malformed: bool = False
    applied: tuple[str, ...] = ()
    family: Family = "v2"

    @property
    def description(self) -> str:
        """``label`` and every note: what was generated, then what was varied or broken."""
        return ", ".join((self.label, *self.notes))

    @property
    def live_dict(self) -> dict[str, Any] | None:
        """The body when it is a JSON object still serialized from ``body``, else None."""
        if self.content is None and self.is_json and isinstance(self.body, dict):
            return self.body
        return None

    @property
    def error(self) -> dict[str, Any] | None:
        """The error object field operators edit: a V3 body's first ``errors`` item (while
        the body still has that shape), else the body itself."""
        body = self.live_dict
        if body is None or self.family != "v3":
            return body
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return errors[0]
        return None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def set_header(self, name: str, value: str) -> Draft:
        """Replace the header of that name (any case) in place, or append it."""
        wanted = name.lower()
        out: list[Header] = []
        done = False
        for key, old in self.headers:
            if key.lower() == wanted:
                if not done:
                    out.append((key, value))
                    done = True
            else:
                out.append((key, old))
        if not done:
            out.append((name, value))
        return replace(self, headers=tuple(out))

    def drop_header(self, name: str) -> Draft:
        wanted = name.lower()
        return replace(self, headers=tuple(h for h in self.headers if h[0].lower() != wanted))

    def with_body(self, body: Any) -> Draft:
        return replace(self, body=body, content=None, is_json=True)

    def with_content(self, content: bytes) -> Draft:
        """Raw bytes that ``json.loads`` does not decode to a JSON object the rules read."""
        return replace(self, body=None, content=content, is_json=False)

    def note(self, text: str, *, malformed: bool = True) -> Draft:
        return replace(self, notes=(*self.notes, text), malformed=self.malformed or malformed)

    def content_bytes(self) -> bytes:
        """The body as sent."""
        if self.content is not None:
            return self.content
        return encode_json(self.body, ascii_only=self.ascii_only)


def encode_json(value: Any, *, ascii_only: bool = False) -> bytes:
    """Compact JSON in UTF-8; ``\\u`` escapes when asked or when a string can't be UTF-8."""
    if not ascii_only:
        try:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: only the escaped form is valid UTF-8
            pass
    return json.dumps(value, separators=(",", ":")).encode("ascii")


def json_headers(content_type: str, request_id: str | None) -> tuple[Header, ...]:
    headers: list[Header] = [(CONTENT_TYPE, content_type)]
    if request_id is not None:
        headers.append((REQUEST_ID, request_id))
    return tuple(headers)


def rename_headers(draft: Draft, style: NameStyle) -> Draft:
    """Send every header name canonical, lower-case (as HTTP/2 does) or upper-case."""
    if style == "canonical":
        return draft
    change = str.lower if style == "lower" else str.upper
    renamed = replace(draft, headers=tuple((change(k), v) for k, v in draft.headers))
    return renamed.note(f"header names {style}-case", malformed=False)


# --- what every operator module shares ------------------------------------------------------


@dataclass(frozen=True)
class Operator:
    """A named mutation: ``apply(draft, choice)`` for one of ``choices(draft)``.

    ``stage`` orders operators in one case: 0 edits fields of the error object, 1 changes
    the body's shape but keeps it JSON (a V3 ``errors`` array that is empty, a second
    error...), 2 replaces or re-encodes the whole body (at most one per case; ``discards``
    when the body is lost), 3 edits headers. ``summary`` says what the operator breaks.
    """

    name: str
    summary: str
    stage: int
    choices: Callable[[Draft], Sequence[Any]]
    apply: Callable[[Draft, Any], Draft]
    discards: bool = False

    def __call__(self, draft: Draft, choice: Any) -> Draft:
        """Apply the operator and record its name in ``draft.applied``."""
        out = self.apply(draft, choice)
        return replace(out, applied=(*out.applied, self.name))


#: Body fields in the order mutations pick them (the most important first).
FIELD_ORDER = (
    "type",
    "code",
    "statusCode",
    "status",
    "title",
    "description",
    "detail",
    "resolution",
    "requestId",
    "docURL",
    "links",
    "suggestedUserMessage",
    "error",
    "message",
    "error_description",
    "responses",
    "errors",
)


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "object"


def fields(mapping: Mapping[str, Any]) -> list[str]:
    known = [name for name in FIELD_ORDER if name in mapping]
    return known + sorted(name for name in mapping if name not in FIELD_ORDER)


def _changed(mapping: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    return apply_overrides(dict(mapping), changes)  # a copy: drafts are never edited in place


def edit(draft: Draft, **changes: Any) -> Draft:
    """The draft with fields of its error object changed (``...`` removes a field)."""
    body = draft.live_dict or {}
    if draft.family == "v3" and draft.error is not None:
        errors = list(body["errors"])
        errors[0] = _changed(errors[0], changes)
        return draft.with_body({**body, "errors": errors})
    return draft.with_body(_changed(body, changes))


def edit_top(draft: Draft, **changes: Any) -> Draft:
    """The draft with top-level body fields changed (``...`` removes a field)."""
    return draft.with_body(_changed(draft.live_dict or {}, changes))


def present(draft: Draft) -> list[str]:
    """The error object's fields, most important first."""
    error = draft.error
    return fields(error) if error is not None else []


def has_string(draft: Draft, name: str) -> bool:
    error = draft.error
    return error is not None and isinstance(error.get(name), str)


def has_top_string(draft: Draft, name: str) -> bool:
    body = draft.live_dict
    return body is not None and isinstance(body.get(name), str)


def has_type(draft: Draft) -> bool:
    """The error object has a string ``type`` (a v2.0 body or a V3 error)."""
    return has_string(draft, "type")


def has_error(draft: Draft) -> bool:
    return draft.error is not None


def has_body(draft: Draft) -> bool:
    return draft.content is None and draft.is_json


_ONE: tuple[None] = (None,)


def when(test: Callable[[Draft], bool]) -> Callable[[Draft], Sequence[Any]]:
    """Choices of an operator that has one way to apply, where ``test`` holds."""
    return lambda draft: _ONE if test(draft) else ()


def const(
    values: Sequence[Any], test: Callable[[Draft], bool] = lambda d: True
) -> Callable[[Draft], Sequence[Any]]:
    """Choices of an operator that offers ``values`` wherever ``test`` holds."""
    return lambda draft: values if test(draft) else ()


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value
