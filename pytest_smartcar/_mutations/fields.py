"""Stage 0: operators that break one field of the error object, whatever the API version.

The error object is the body of a v2.0, v1.0 or OAuth draft and the first ``errors`` item
of a V3 draft (``Draft.error``), so one operator breaks ``code`` in both shapes.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from pytest_smartcar._mutations.draft import (
    Draft,
    Operator,
    const,
    edit,
    has_body,
    has_error,
    has_string,
    has_type,
    json_kind,
    nested,
    present,
    when,
)

__all__ = ["OPERATORS"]


def _drop_field(draft: Draft, name: str) -> Draft:
    text = f"{name} missing" if name in ("statusCode", "resolution") else f"{name} dropped"
    return edit(draft, **{name: ...}).note(text)


def _null_choices(draft: Draft) -> list[str]:
    error = draft.error or {}
    return [name for name in present(draft) if error[name] is not None]


def _null_field(draft: Draft, name: str) -> Draft:
    text = "code JSON null" if name == "code" else f"{name} null"
    return edit(draft, **{name: None}).note(text)


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
    error = draft.error or {}
    return [
        (name, value)
        for name in present(draft)
        for kind, value in WRONG_TYPED
        if kind != json_kind(error[name])
    ]


def _retype_field(draft: Draft, choice: tuple[str, Any]) -> Draft:
    name, value = choice
    return edit(draft, **{name: value}).note(
        f"{name} as JSON {json_kind(value)} {json.dumps(value)}"
    )


#: Integers past what a 64-bit field or a float holds (a JSON parser still decodes them).
HUGE_INTEGER_DIGITS = (20, 400)


def _huge_integer_choices(draft: Draft) -> list[tuple[str, int]]:
    return [(name, digits) for name in present(draft) for digits in HUGE_INTEGER_DIGITS]


def _huge_integer(draft: Draft, choice: tuple[str, int]) -> Draft:
    name, digits = choice
    return edit(draft, **{name: int("9" * digits)}).note(f"{name} as a {digits}-digit integer")


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
    error = draft.error
    if error is None:
        return []
    return [(name, value) for name, value in EXTRA_FIELDS if name not in error]


def _extra_field(draft: Draft, choice: tuple[str, Any]) -> Draft:
    name, value = choice
    return edit(draft, **{name: value}).note(f"extra field {name!r}")


UNKNOWN_TYPES = ("FUTURE_TYPE", "vehicle_state", "", "VEHICLE STATE", "TYPE:WITH:COLONS", "ÜNKNOWN")
UNKNOWN_CODES = ("FUTURE_CODE", "asleep", "", "VS_000", "CODE WITH SPACES", "ÇODE")


def _unknown_type(draft: Draft, value: str) -> Draft:
    return edit(draft, type=value).note(f"unknown type {value!r}")


def _unknown_code(draft: Draft, value: str) -> Draft:
    return edit(draft, code=value).note(f"unknown code {value!r}")


def _resolution(draft: Draft) -> Any:
    error = draft.error
    return None if error is None else error.get("resolution", ...)


def _without_url(draft: Draft, _: None) -> Draft:
    resolution = {k: v for k, v in _resolution(draft).items() if k != "url"}
    return edit(draft, resolution=resolution).note("resolution object without url")


RESOLUTION_TYPES_WRONG: tuple[Any, ...] = (3, ["RETRY_LATER"], {"name": "RETRY_LATER"}, True)


def _resolution_type_wrong(draft: Draft, value: Any) -> Draft:
    resolution = dict(_resolution(draft))
    resolution["type"] = value
    return edit(draft, resolution=resolution).note(f"resolution.type as JSON {json_kind(value)}")


DETAIL_DEPTHS = (16, 64, 200)


def _deep_detail(draft: Draft, depth: int) -> Draft:
    leaf = {"field": ["requests"], "message": '"requests" is required'}
    return edit(draft, detail=nested(depth, leaf)).note(f"detail nested {depth} deep")


def _string_fields(draft: Draft) -> list[str]:
    error = draft.error or {}
    return [name for name in present(draft) if isinstance(error[name], str)]


HUGE_LENGTHS = (10_000, 100_000)


def _huge_choices(draft: Draft) -> list[tuple[str, int]]:
    return [(name, n) for name in _string_fields(draft) for n in HUGE_LENGTHS]


def _huge_string(draft: Draft, choice: tuple[str, int]) -> Draft:
    name, length = choice
    seed = (draft.error or {})[name] or "x"
    value = (seed * (length // len(seed) + 1))[:length]
    return edit(draft, **{name: value}).note(f"{name} of {length:,} characters")


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
    return edit(draft, **{name: value}).note(f"{name} with {what}")


def _ascii_escapes(draft: Draft, _: None) -> Draft:
    return replace(draft, ascii_only=True).note("JSON with \\u escapes for non-ASCII")


OPERATORS: tuple[Operator, ...] = (
    Operator("drop_field", "a field of the error dropped", 0, present, _drop_field),
    Operator("null_field", "a field of the error set to JSON null", 0, _null_choices, _null_field),
    Operator(
        "retype_field",
        "a field of the error of the wrong JSON type",
        0,
        _retype_choices,
        _retype_field,
    ),
    Operator(
        "huge_integer",
        "a field holding a 20- or 400-digit integer",
        0,
        _huge_integer_choices,
        _huge_integer,
    ),
    Operator(
        "code_null",
        "code JSON null",
        0,
        lambda d: ("code",) if has_string(d, "code") else (),
        _null_field,
    ),
    Operator(
        "resolution_without_url",
        "resolution object without url",
        0,
        when(lambda d: isinstance(_resolution(d), dict) and "url" in _resolution(d)),
        _without_url,
    ),
    Operator(
        "resolution_missing",
        "resolution missing",
        0,
        lambda d: ("resolution",) if has_type(d) and "resolution" in (d.error or {}) else (),
        _drop_field,
    ),
    Operator(
        "resolution_type_wrong",
        "resolution.type not a string",
        0,
        const(RESOLUTION_TYPES_WRONG, lambda d: isinstance(_resolution(d), dict)),
        _resolution_type_wrong,
    ),
    Operator(
        "unknown_type",
        "a type Smartcar never documented",
        0,
        const(UNKNOWN_TYPES, has_type),
        _unknown_type,
    ),
    Operator(
        "unknown_code",
        "a code Smartcar never documented",
        0,
        const(UNKNOWN_CODES, has_type),
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
    Operator("deep_detail", "detail nested deep", 0, const(DETAIL_DEPTHS, has_error), _deep_detail),
    Operator("ascii_escapes", "JSON with \\u escapes", 0, when(has_body), _ascii_escapes),
)
