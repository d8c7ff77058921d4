"""Named mutation operators for Smartcar error responses, and the ground truth of each.

Everything here is plain data and pure functions; hypothesis is not imported.

- :class:`Draft` is a response under construction: HTTP status, headers as sent, the JSON
  body (or raw bytes that replace it) and a running human description.
- :func:`v2_draft`, :func:`v1_draft`, :func:`oauth_draft` and :func:`batch_draft` build
  what Smartcar really sends; their options are *valid* variations (nothing is broken).
- :data:`OPERATORS` are named mutation operators: each takes a draft and one of the
  discrete ``choices`` it offers for that draft, and returns the broken draft with a note
  saying what was broken. An operator with no choices does not apply to the draft.
- :func:`expected_error` is the ground truth of PRODUCT.md, derived from the draft's
  structured data (what was generated), not from the bytes, and sharing no code with
  ``pytest_smartcar.parser``.

``pytest_smartcar.strategies`` draws the choices with hypothesis.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pytest_smartcar.batch import default_body
from pytest_smartcar.catalog import ErrorSpec, LegacyErrorSpec, OAuthErrorSpec
from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.responses import GATEWAY_PAGES, error_body

__all__ = [
    "OPERATORS",
    "Draft",
    "Operator",
    "apply_operators",
    "batch_draft",
    "expected_error",
    "oauth_draft",
    "rename_headers",
    "v1_draft",
    "v2_draft",
]

Header = tuple[str, str]
ResolutionStyle = Literal["object", "string", "null"]
DetailStyle = Literal["as-is", "absent", "null"]
DocUrlStyle = Literal["current", "v2.0"]
NameStyle = Literal["canonical", "lower", "upper"]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
CONTENT_TYPE = "Content-Type"
REQUEST_ID = "SC-Request-Id"
RETRY_AFTER = "Retry-After"

#: Statuses a body's ``statusCode`` is changed to (simplest first).
STATUSES = (500, 400, 401, 403, 404, 409, 429, 430, 501, 502, 503, 504, 200)

#: Body fields in the order mutations pick them (the most important first).
FIELD_ORDER = (
    "type",
    "code",
    "statusCode",
    "description",
    "resolution",
    "requestId",
    "docURL",
    "suggestedUserMessage",
    "detail",
    "error",
    "message",
    "error_description",
    "responses",
)


# --- the draft -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A response under construction, and what has been generated or broken so far.

    ``body`` is the JSON value the content encodes, unless ``content`` holds raw bytes
    that replace the serialization; ``is_json`` says whether those bytes decode (UTF-8)
    to exactly ``body``. Header names are kept as sent; there is at most one header per
    case-insensitive name.
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


def rename_headers(draft: Draft, style: NameStyle) -> Draft:
    """Send every header name canonical, lower-case (as HTTP/2 does) or upper-case."""
    if style == "canonical":
        return draft
    change = str.lower if style == "lower" else str.upper
    renamed = replace(draft, headers=tuple((change(k), v) for k, v in draft.headers))
    return renamed.note(f"header names {style}-case", malformed=False)


# --- what Smartcar really sends (valid variations) -------------------------------------------


def _json_headers(content_type: str, request_id: str | None) -> tuple[Header, ...]:
    headers: list[Header] = [(CONTENT_TYPE, content_type)]
    if request_id is not None:
        headers.append((REQUEST_ID, request_id))
    return tuple(headers)


def v2_draft(
    spec: ErrorSpec,
    *,
    request_id: str,
    app_name: str = "Example App",
    resolution_style: ResolutionStyle = "object",
    suggested: bool = True,
    detail: DetailStyle | list[Any] = "as-is",
    doc_url_style: DocUrlStyle = "current",
    status_first: bool = False,
    content_type: str = JSON_CONTENT_TYPE,
    retry_after: int | None = None,
) -> Draft:
    """A v2.0 error as Smartcar sends it, with the variations Smartcar has shown.

    ``resolution_style`` "string" and "null" are the shapes of older responses;
    ``detail`` "null" is Smartcar's way of sending no detail, a list replaces it;
    ``status_first`` puts ``statusCode`` first and ``requestId`` last (as in the
    MULTIPLE_RECORDS_FOUND example); ``retry_after`` sets the header in seconds.
    """
    overrides: dict[str, Any] = {}
    notes: list[str] = []
    if not suggested and spec.suggested_user_message is not None:
        overrides["suggestedUserMessage"] = ...
        notes.append("no suggestedUserMessage")
    if isinstance(detail, list):
        overrides["detail"] = detail
        notes.append(f"detail with {len(detail)} item(s)")
    elif detail == "null":
        overrides["detail"] = None
        notes.append("detail null")
    elif detail == "absent" and spec.detail is not None:
        overrides["detail"] = ...
        notes.append("detail absent")
    body = error_body(
        spec,
        request_id=request_id,
        app_name=app_name,
        resolution_style=resolution_style,
        doc_url_style=doc_url_style,
        **overrides,
    )
    if resolution_style == "string" and spec.resolution is not None:
        notes.insert(0, "resolution as bare string")
    elif resolution_style != "object":
        notes.insert(0, "resolution null")
    if doc_url_style != "current":
        notes.append("docURL in the 2021 v2.0 style")
    if app_name != "Example App" and "suggestedUserMessage" in body:
        notes.append(f"app name {app_name!r}")
    if status_first:
        body = {"statusCode": body.pop("statusCode"), **body}
        body["requestId"] = body.pop("requestId")
        notes.append("statusCode first")
    headers = _json_headers(content_type, request_id)
    if content_type != JSON_CONTENT_TYPE:
        notes.append(f"Content-Type {content_type!r}")
    draft = Draft(status=spec.status, label=spec.key, headers=headers, body=body)
    if retry_after is not None:
        draft = draft.set_header(RETRY_AFTER, str(retry_after))
        if retry_after != spec.retry_after:
            notes.append(f"Retry-After: {retry_after}")
    for text in notes:
        draft = draft.note(text, malformed=False)
    return draft


def validation_detail(names: Sequence[str]) -> list[dict[str, Any]]:
    """A Joi-style VALIDATION ``detail``: one item per field name."""
    return [{"field": [name], "message": f'"{name}" is required'} for name in names]


def v1_draft(
    spec: LegacyErrorSpec,
    *,
    request_id: str | None,
    content_type: str = JSON_CONTENT_TYPE,
) -> Draft:
    """A legacy v1.0 error (``error``, ``message``, ``code``); the request id is a header."""
    note = () if content_type == JSON_CONTENT_TYPE else (f"Content-Type {content_type!r}",)
    return Draft(
        status=spec.status,
        label=f"legacy v1.0 {spec.key}",
        headers=_json_headers(content_type, request_id),
        body=spec.body(),
        notes=note,
    )


def oauth_draft(spec: OAuthErrorSpec, *, value: str | None = None) -> Draft:
    """A token-endpoint error (``error``, ``error_description``), as auth.smartcar.com sends."""
    return Draft(
        status=spec.status,
        label=f"OAuth {spec.key}",
        headers=_json_headers(JSON_CONTENT_TYPE, None),
        body=spec.body(value),
    )


#: A batch item: its path, and the error it fails with (None: it succeeds).
BatchItem = tuple[str, ErrorSpec | None]


def batch_draft(
    items: Sequence[BatchItem],
    *,
    request_id: str,
    item_request_ids: Sequence[str] = (),
    retry_after_name: str = "Retry-After",
) -> Draft:
    """A 200 batch response; ``items`` pair each path with an error (or None: success).

    Error items carry a v2.0 body and no ``headers``, except 429 items, which carry their
    own Retry-After; success items carry lower-case ``sc-data-age``/``sc-unit-system``.
    """
    responses: list[dict[str, Any]] = []
    described: list[str] = []
    for index, (path, spec) in enumerate(items):
        if spec is None:
            responses.append(
                {
                    "path": path,
                    "body": default_body(path),
                    "code": 200,
                    "headers": {
                        "sc-data-age": "2026-01-01T00:00:00.000Z",
                        "sc-unit-system": "metric",
                    },
                }
            )
            described.append(f"{path} 200")
            continue
        rid = item_request_ids[index] if index < len(item_request_ids) else request_id
        item: dict[str, Any] = {
            "path": path,
            "code": spec.status,
            "body": error_body(spec, request_id=rid),
        }
        if spec.status == 429:
            item["headers"] = {retry_after_name: spec.retry_after or 60}
        responses.append(item)
        described.append(f"{path} {spec.key} {spec.status}")
    return Draft(
        status=200,
        label="batch response: " + "; ".join(described),
        headers=_json_headers(JSON_CONTENT_TYPE, request_id),
        body={"responses": responses},
    )


# --- the ground truth ------------------------------------------------------------------------


def _reads_as_json(content_type: str | None) -> bool:
    if content_type is None:
        return True
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _delta_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    digits = value.strip(" ")
    if digits and all(ch in "0123456789" for ch in digits):
        return float(int(digits))
    return None


def expected_error(draft: Draft) -> SmartcarError:
    """What a correct parser recovers from the draft's response (``None``: no claim).

    The rules are those of PRODUCT.md "Ground truth", applied to what was generated.
    """
    read = (
        draft.is_json
        and isinstance(draft.body, dict)
        and _reads_as_json(draft.header(CONTENT_TYPE))
    )
    body: dict[str, Any] = draft.body if read else {}

    def text(mapping: Mapping[str, Any], name: str) -> str | None:
        value = mapping.get(name)
        return value if isinstance(value, str) else None

    header_id = draft.header(REQUEST_ID)
    body_id = text(body, "requestId")
    request_id = header_id if header_id is not None else body_id
    if header_id is not None and body_id is not None and header_id != body_id:
        request_id = None
    common: dict[str, Any] = {
        "status": draft.status,
        "request_id": request_id,
        "retry_after": _delta_seconds(draft.header(RETRY_AFTER)),
    }
    if isinstance(body.get("type"), str):
        resolution = body.get("resolution")
        res_type = res_url = None
        if isinstance(resolution, dict):
            res_type, res_url = text(resolution, "type"), text(resolution, "url")
        elif isinstance(resolution, str):
            res_type = resolution
        detail = body.get("detail")
        return SmartcarError(
            type=body["type"],
            code=text(body, "code"),
            description=text(body, "description"),
            doc_url=text(body, "docURL"),
            suggested_user_message=text(body, "suggestedUserMessage"),
            resolution=res_type,
            resolution_url=res_url,
            detail=detail if isinstance(detail, list) else None,
            **common,
        )
    if isinstance(body.get("error"), str):
        description = text(body, "message")
        if description is None:
            description = text(body, "error_description")
        return SmartcarError(
            type=body["error"], code=text(body, "code"), description=description, **common
        )
    return SmartcarError(**common)


# --- mutation operators ----------------------------------------------------------------------


@dataclass(frozen=True)
class Operator:
    """A named mutation: ``apply(draft, choice)`` for one of ``choices(draft)``.

    ``stage`` orders operators in one case: 0 edits body fields, 1 replaces or re-encodes
    the whole body (at most one per case; ``discards`` when the body is lost), 2 edits
    headers. ``summary`` says what the operator breaks, for the docs.
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


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "object"


def _fields(body: Mapping[str, Any]) -> list[str]:
    known = [name for name in FIELD_ORDER if name in body]
    return known + sorted(name for name in body if name not in FIELD_ORDER)


def _edit(draft: Draft, **changes: Any) -> Draft:
    body = dict(draft.live_dict or {})
    for name, value in changes.items():
        if value is ...:
            body.pop(name, None)
        else:
            body[name] = value
    return draft.with_body(body)


def _present(draft: Draft) -> list[str]:
    body = draft.live_dict
    return _fields(body) if body is not None else []


def _is_v2(draft: Draft) -> bool:
    body = draft.live_dict
    return body is not None and isinstance(body.get("type"), str)


# stage 0: body fields


def _drop_field(draft: Draft, name: str) -> Draft:
    text = f"{name} missing" if name in ("statusCode", "resolution") else f"{name} dropped"
    return _edit(draft, **{name: ...}).note(text)


def _null_choices(draft: Draft) -> list[str]:
    body = draft.live_dict or {}
    return [name for name in _present(draft) if body[name] is not None]


def _null_field(draft: Draft, name: str) -> Draft:
    text = "code JSON null" if name == "code" else f"{name} null"
    return _edit(draft, **{name: None}).note(text)


#: One value per JSON kind, for fields of the wrong type (the number looks like a status).
WRONG_TYPED: tuple[tuple[str, Any], ...] = (
    ("number", 409),
    ("string", "409"),
    ("boolean", True),
    ("list", []),
    ("object", {}),
    ("number", 1.5),
    ("list", ["REAUTHENTICATE"]),
    ("object", {"type": "RETRY_LATER"}),
)


def _retype_choices(draft: Draft) -> list[tuple[str, Any]]:
    body = draft.live_dict or {}
    return [
        (name, value)
        for name in _present(draft)
        for kind, value in WRONG_TYPED
        if kind != _json_kind(body[name])
    ]


def _retype_field(draft: Draft, choice: tuple[str, Any]) -> Draft:
    name, value = choice
    return _edit(draft, **{name: value}).note(
        f"{name} as JSON {_json_kind(value)} {json.dumps(value)}"
    )


EXTRA_FIELDS: tuple[tuple[str, Any], ...] = (
    ("extra", "value"),
    ("error", "unexpected_error"),
    ("meta", {"trace": [1, 2, 3]}),
    ("message", "An extra message."),
    ("Type", "LOWER_CASE_TWIN"),
    ("", ""),
    ("__proto__", {"polluted": True}),
    ("retryAfter", 30),
)


def _extra_choices(draft: Draft) -> list[tuple[str, Any]]:
    body = draft.live_dict
    if body is None:
        return []
    return [(name, value) for name, value in EXTRA_FIELDS if name not in body]


def _extra_field(draft: Draft, choice: tuple[str, Any]) -> Draft:
    name, value = choice
    return _edit(draft, **{name: value}).note(f"extra field {name!r}")


UNKNOWN_TYPES = ("FUTURE_TYPE", "vehicle_state", "", "VEHICLE STATE", "TYPE:WITH:COLONS", "ÜNKNOWN")
UNKNOWN_CODES = ("FUTURE_CODE", "asleep", "", "VS_000", "CODE WITH SPACES", "ÇODE")


def _unknown_type(draft: Draft, value: str) -> Draft:
    return _edit(draft, type=value).note(f"unknown type {value!r}")


def _unknown_code(draft: Draft, value: str) -> Draft:
    return _edit(draft, code=value).note(f"unknown code {value!r}")


def _has_string(draft: Draft, name: str) -> bool:
    body = draft.live_dict
    return body is not None and isinstance(body.get(name), str)


def _status_choices(draft: Draft) -> list[int]:
    body = draft.live_dict
    if body is None:
        return []
    # Legacy bodies get one too: the Python SDK reads ``statusCode`` from v1.0 bodies.
    return [s for s in STATUSES if s != draft.status and s != body.get("statusCode")]


def _status_differs(draft: Draft, status: int) -> Draft:
    return _edit(draft, statusCode=status).note(
        f"statusCode {status} differs from HTTP {draft.status}"
    )


def _resolution(draft: Draft) -> Any:
    body = draft.live_dict
    return None if body is None else body.get("resolution", ...)


def _without_url(draft: Draft, _: None) -> Draft:
    resolution = {k: v for k, v in _resolution(draft).items() if k != "url"}
    return _edit(draft, resolution=resolution).note("resolution object without url")


RESOLUTION_TYPES_WRONG: tuple[Any, ...] = (3, ["RETRY_LATER"], {"name": "RETRY_LATER"}, True)


def _resolution_type_wrong(draft: Draft, value: Any) -> Draft:
    resolution = dict(_resolution(draft))
    resolution["type"] = value
    return _edit(draft, resolution=resolution).note(f"resolution.type as JSON {_json_kind(value)}")


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


DETAIL_DEPTHS = (16, 64, 200)


def _deep_detail(draft: Draft, depth: int) -> Draft:
    leaf = {"field": ["requests"], "message": '"requests" is required'}
    return _edit(draft, detail=_nested(depth, leaf)).note(f"detail nested {depth} deep")


def _string_fields(draft: Draft) -> list[str]:
    body = draft.live_dict or {}
    return [name for name in _present(draft) if isinstance(body[name], str)]


HUGE_LENGTHS = (10_000, 100_000)


def _huge_choices(draft: Draft) -> list[tuple[str, int]]:
    return [(name, n) for name in _string_fields(draft) for n in HUGE_LENGTHS]


def _huge_string(draft: Draft, choice: tuple[str, int]) -> Draft:
    name, length = choice
    seed = (draft.live_dict or {})[name] or "x"
    value = (seed * (length // len(seed) + 1))[:length]
    return _edit(draft, **{name: value}).note(f"{name} of {length:,} characters")


#: Strings that break naive text handling, each with what it is.
UNICODE_TEXTS: tuple[tuple[str, str], ...] = (
    ("emoji", "Your car 🚗 is asleep 😴 🔋⚡"),
    ("right-to-left text", "السيارة نائمة"),
    ("CJK text", "車がスリープ状態です"),
    ("combining marks", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǒ̟͍ text"),
    ("a NUL character", "asleep\x00awake"),
    ("line separators", "line\u2028separator\u2029paragraph\r\nend"),
    ("zero-width characters", "as\u200ble\u200dep\ufeff"),
    ("non-BMP letters", "𝔞𝔰𝔩𝔢𝔢𝔭"),
    ("a lone surrogate (\\u-escaped)", "broken \ud83d half"),
    ("quotes and backslashes", 'say "asleep" \\ C:\\path'),
    ("HTML markup", "<b>asleep</b> &amp; <script>alert(1)</script>"),
    ("format placeholders", "{app_name} %s {0} %(x)d"),
)


def _unicode_choices(draft: Draft) -> list[tuple[str, int]]:
    return [(name, i) for name in _string_fields(draft) for i in range(len(UNICODE_TEXTS))]


def _unicode_string(draft: Draft, choice: tuple[str, int]) -> Draft:
    name, index = choice
    what, value = UNICODE_TEXTS[index]
    return _edit(draft, **{name: value}).note(f"{name} with {what}")


def _ascii_escapes(draft: Draft, _: None) -> Draft:
    return replace(draft, ascii_only=True).note("JSON with \\u escapes for non-ASCII")


# stage 1: the whole body


NON_OBJECTS = ("null", "list", "number", "string", "boolean", "nested list")


def _non_object(draft: Draft, kind: str) -> Draft:
    body = draft.body
    values: dict[str, Any] = {
        "null": None,
        "list": [body],
        "number": draft.status,
        "string": encode_json(body).decode("utf-8"),
        "boolean": False,
        "nested list": _nested(64, body),
    }
    return draft.with_body(values[kind]).note(f"body is JSON {kind}")


DEEP_ARRAY = 100_000


def _deep_array(draft: Draft, depth: int) -> Draft:
    content = b"[" * depth + b"]" * depth
    return replace(draft, body=None, content=content, is_json=False).note(
        f"body is an array nested {depth:,} deep"
    )


def _gateway(draft: Draft, status: int) -> Draft:
    page = GATEWAY_PAGES[status].encode("ascii")
    out = replace(draft, status=status, body=None, content=page, is_json=False)
    out = out.drop_header(REQUEST_ID).drop_header(RETRY_AFTER).set_header(CONTENT_TYPE, "text/html")
    return out.note(f"gateway HTML {status} page")


def _empty(draft: Draft, _: None) -> Draft:
    return replace(draft, body=None, content=b"", is_json=False).note("empty body")


def _truncate_choices(draft: Draft) -> Sequence[int]:
    if draft.content is not None or not draft.is_json or not isinstance(draft.body, (dict, list)):
        return []
    size = len(draft.content_bytes())
    # A proper prefix of an object or array is never JSON: the closing bracket is last.
    return range(max(1, size // 2), size) if size > 1 else []


def _truncated(draft: Draft, cut: int) -> Draft:
    full = draft.content_bytes()
    return replace(draft, body=None, content=full[:cut], is_json=False).note(
        f"JSON truncated to {cut} of {len(full)} bytes"
    )


INVALID_UTF8: tuple[tuple[str, bytes], ...] = (
    ("a 0xFF byte", b"\xff"),
    ("a Latin-1 é (0xE9)", b"Caf\xe9"),
    ("a cut multi-byte sequence", b"\xe2\x82"),
    ("a UTF-8-encoded surrogate", b"\xed\xa0\x80"),
)


def _invalid_utf8(draft: Draft, index: int) -> Draft:
    what, bad = INVALID_UTF8[index]
    full = draft.content_bytes()
    # Inside a string value when there is one (the first ':"' ), else in the middle.
    at = full.find(b':"')
    at = at + 2 if at >= 0 else len(full) // 2
    content = full[:at] + bad + full[at:]
    return replace(draft, body=None, content=content, is_json=False).note(f"invalid UTF-8: {what}")


PLAIN_TEXTS = (
    b"Service Unavailable",
    b"upstream connect error or disconnect/reset before headers. "
    b"reset reason: connection termination",
)


def _plain_text(draft: Draft, index: int) -> Draft:
    return replace(draft, body=None, content=PLAIN_TEXTS[index], is_json=False).note(
        "plain-text body"
    )


NON_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity")


def _non_json_number(draft: Draft, literal: str) -> Draft:
    body = dict(draft.live_dict or {})
    body["statusCode"] = float(literal)
    content = json.dumps(body, separators=(",", ":")).encode("ascii")
    return replace(draft, body=None, content=content, is_json=False).note(
        f"statusCode {literal} (not JSON)"
    )


# stage 2: headers


def _other_id(request_id: str) -> str:
    try:
        return str(uuid.UUID(int=uuid.UUID(request_id).int ^ 0xFFFF))
    except ValueError:
        return request_id + "-other"


def _header_and_body_id(draft: Draft) -> bool:
    return draft.header(REQUEST_ID) is not None and _has_string(draft, "requestId")


def _request_id_header_missing(draft: Draft, _: None) -> Draft:
    return draft.drop_header(REQUEST_ID).note("SC-Request-Id header missing")


def _request_id_only_in_header(draft: Draft, _: None) -> Draft:
    return _edit(draft, requestId=...).note("requestId only in the SC-Request-Id header")


def _request_id_nowhere(draft: Draft, _: None) -> Draft:
    out = draft.drop_header(REQUEST_ID)
    if out.live_dict is not None and "requestId" in out.live_dict:
        out = _edit(out, requestId=...)
    return out.note("no request id at all")


def _request_id_differs(draft: Draft, _: None) -> Draft:
    other = _other_id(draft.header(REQUEST_ID) or "")
    return draft.set_header(REQUEST_ID, other).note(
        "SC-Request-Id header differs from body requestId"
    )


BODY_IDS_WRONG: tuple[Any, ...] = (12345, None, ["x"], True)


def _request_id_body_wrong(draft: Draft, value: Any) -> Draft:
    return _edit(draft, requestId=value).note(f"body requestId as JSON {_json_kind(value)}")


RETRY_AFTER_VALUES: Mapping[str, tuple[str, ...]] = {
    "padded": (" 120 ", "  30", "5 "),
    "date": ("Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT"),
    "negative": ("-1", "-120"),
    "fraction": ("1.5", "0.5", "120.0"),
    "garbage": ("soon", "", "120s", "1e3", "0x1F", "1_000", "inf", "nan", "12 0", "+120"),
}
RETRY_AFTER_WHAT = {
    "padded": "seconds padded with spaces",
    "date": "an HTTP-date",
    "negative": "negative",
    "fraction": "fractional",
    "garbage": "garbage",
}


def _retry_after(kind: str) -> Callable[[Draft, str], Draft]:
    def apply(draft: Draft, value: str) -> Draft:
        out = draft.set_header(RETRY_AFTER, value)
        return out.note(f"Retry-After {value!r} ({RETRY_AFTER_WHAT[kind]})")

    return apply


CONTENT_TYPES: Mapping[str, tuple[str, ...]] = {
    "html": ("text/html; charset=utf-8", "text/html"),
    "text": ("text/plain", "text/plain; charset=utf-8"),
    "odd": (
        "Application/JSON; Charset=UTF-8",
        "APPLICATION/JSON",
        " application/json ; charset=utf-8",
        "application/json;charset=UTF-8",
    ),
    "plus_json": ("application/problem+json", "application/vnd.smartcar.v2+json; charset=utf-8"),
}


def _content_type_missing(draft: Draft, _: None) -> Draft:
    return draft.drop_header(CONTENT_TYPE).note("Content-Type missing")


def _content_type(draft: Draft, value: str) -> Draft:
    return draft.set_header(CONTENT_TYPE, value).note(f"Content-Type {value!r}")


_ONE: tuple[None] = (None,)


def _when(test: Callable[[Draft], bool]) -> Callable[[Draft], Sequence[Any]]:
    return lambda draft: _ONE if test(draft) else ()


def _const(
    values: Sequence[Any], test: Callable[[Draft], bool] = lambda d: True
) -> Callable[[Draft], Sequence[Any]]:
    return lambda draft: values if test(draft) else ()


def _has_dict(draft: Draft) -> bool:
    return draft.live_dict is not None


def _has_body(draft: Draft) -> bool:
    return draft.content is None and draft.is_json


OPERATORS: Mapping[str, Operator] = {
    op.name: op
    for op in (
        Operator("drop_field", "a body field dropped", 0, _present, _drop_field),
        Operator("null_field", "a body field set to JSON null", 0, _null_choices, _null_field),
        Operator(
            "retype_field", "a body field of the wrong JSON type", 0, _retype_choices, _retype_field
        ),
        Operator(
            "status_code_differs",
            "the body's statusCode differs from the HTTP status",
            0,
            _status_choices,
            _status_differs,
        ),
        Operator(
            "status_code_missing",
            "statusCode missing",
            0,
            lambda d: ("statusCode",) if "statusCode" in (d.live_dict or {}) else (),
            _drop_field,
        ),
        Operator(
            "code_null",
            "code JSON null",
            0,
            lambda d: ("code",) if _has_string(d, "code") else (),
            _null_field,
        ),
        Operator(
            "resolution_without_url",
            "resolution object without url",
            0,
            _when(lambda d: isinstance(_resolution(d), dict) and "url" in _resolution(d)),
            _without_url,
        ),
        Operator(
            "resolution_missing",
            "resolution missing",
            0,
            lambda d: ("resolution",) if _is_v2(d) and "resolution" in (d.live_dict or {}) else (),
            _drop_field,
        ),
        Operator(
            "resolution_type_wrong",
            "resolution.type not a string",
            0,
            _const(RESOLUTION_TYPES_WRONG, lambda d: isinstance(_resolution(d), dict)),
            _resolution_type_wrong,
        ),
        Operator(
            "unknown_type",
            "a type Smartcar never documented",
            0,
            _const(UNKNOWN_TYPES, _is_v2),
            _unknown_type,
        ),
        Operator(
            "unknown_code",
            "a code Smartcar never documented",
            0,
            _const(UNKNOWN_CODES, _is_v2),
            _unknown_code,
        ),
        Operator("extra_field", "an undocumented extra field", 0, _extra_choices, _extra_field),
        Operator(
            "unicode_string",
            "a string field with hostile unicode",
            0,
            _unicode_choices,
            _unicode_string,
        ),
        Operator(
            "huge_string",
            "a string field of 10k or 100k characters",
            0,
            _huge_choices,
            _huge_string,
        ),
        Operator(
            "deep_detail", "detail nested deep", 0, _const(DETAIL_DEPTHS, _has_dict), _deep_detail
        ),
        Operator("ascii_escapes", "JSON with \\u escapes", 0, _when(_has_body), _ascii_escapes),
        Operator(
            "non_object",
            "the body is JSON null, a list, a number, a string or a boolean",
            1,
            _const(NON_OBJECTS, _has_body),
            _non_object,
            discards=True,
        ),
        Operator(
            "deep_array",
            "the body is an array nested 100,000 deep",
            1,
            _const((DEEP_ARRAY,)),
            _deep_array,
            discards=True,
        ),
        Operator(
            "gateway_page",
            "a gateway's HTML 502/504 page",
            1,
            _const((502, 504)),
            _gateway,
            discards=True,
        ),
        Operator("empty_body", "an empty body", 1, _when(lambda d: True), _empty, discards=True),
        Operator(
            "truncated_json", "JSON cut short", 1, _truncate_choices, _truncated, discards=True
        ),
        Operator(
            "invalid_utf8",
            "bytes that are not UTF-8",
            1,
            _const(range(len(INVALID_UTF8)), _has_body),
            _invalid_utf8,
            discards=True,
        ),
        Operator(
            "plain_text",
            "a plain-text body",
            1,
            _const(range(len(PLAIN_TEXTS))),
            _plain_text,
            discards=True,
        ),
        Operator(
            "non_json_number",
            "NaN or Infinity in the body (not JSON)",
            1,
            _const(NON_JSON_NUMBERS, _has_dict),
            _non_json_number,
            discards=True,
        ),
        Operator(
            "request_id_header_missing",
            "SC-Request-Id header missing (requestId only in the body)",
            2,
            _when(_header_and_body_id),
            _request_id_header_missing,
        ),
        Operator(
            "request_id_only_in_header",
            "requestId missing from the body (only in the header)",
            2,
            _when(_header_and_body_id),
            _request_id_only_in_header,
        ),
        Operator(
            "request_id_nowhere",
            "no request id in the header or the body",
            2,
            _when(lambda d: d.header(REQUEST_ID) is not None or _has_string(d, "requestId")),
            _request_id_nowhere,
        ),
        Operator(
            "request_id_differs",
            "SC-Request-Id header and body requestId differ",
            2,
            _when(_header_and_body_id),
            _request_id_differs,
        ),
        Operator(
            "request_id_body_wrong",
            "body requestId not a string while the header has one",
            2,
            _const(BODY_IDS_WRONG, lambda d: d.header(REQUEST_ID) is not None and _has_dict(d)),
            _request_id_body_wrong,
        ),
        *(
            Operator(
                f"retry_after_{kind}",
                f"Retry-After {what}",
                2,
                _const(RETRY_AFTER_VALUES[kind]),
                _retry_after(kind),
            )
            for kind, what in RETRY_AFTER_WHAT.items()
        ),
        Operator(
            "content_type_missing",
            "Content-Type missing",
            2,
            _when(lambda d: d.header(CONTENT_TYPE) is not None),
            _content_type_missing,
        ),
        *(
            Operator(
                f"content_type_{kind}",
                f"Content-Type {values[0]!r} and the like",
                2,
                _const(values),
                _content_type,
            )
            for kind, values in CONTENT_TYPES.items()
        ),
    )
}


def apply_operators(draft: Draft, chosen: Sequence[tuple[str, Any]]) -> Draft:
    """Apply ``(operator name, choice)`` pairs in order (no hypothesis needed)."""
    for name, choice in chosen:
        draft = OPERATORS[name](draft, choice)
    return draft
