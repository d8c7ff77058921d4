"""Stage 2: operators that replace or re-encode the whole body, whatever the API version.

After any of these the body is not a JSON object Python's ``json.loads`` decodes (invalid
JSON, not UTF-8, past the int-length or recursion limits, HTML, a JSON non-object), so the
ground truth claims nothing from it: only the status and the headers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pytest_smartcar._mutations.draft import (
    CONTENT_TYPE,
    REQUEST_ID,
    RETRY_AFTER,
    Draft,
    Operator,
    const,
    edit,
    encode_json,
    has_body,
    has_error,
    nested,
    when,
)
from pytest_smartcar.wire.gateway import GATEWAY_PAGES

__all__ = ["OPERATORS"]

NON_OBJECTS = ("null", "list", "number", "string", "boolean", "nested list")


def _non_object(draft: Draft, kind: str) -> Draft:
    body = draft.body
    values: dict[str, Any] = {
        "null": None,
        "list": [body],
        "number": draft.status,
        "string": encode_json(body).decode("utf-8"),
        "boolean": False,
        "nested list": nested(64, body),
    }
    return draft.with_body(values[kind]).note(f"body is JSON {kind}")


#: Far past the recursion limit of ``json.loads`` (about 1,000 levels).
DEEP_ARRAY = 100_000


def _deep_array(draft: Draft, depth: int) -> Draft:
    return draft.with_content(b"[" * depth + b"]" * depth).note(
        f"body is an array nested {depth:,} deep"
    )


#: Stands for a value spliced into the serialized body.
_MARK = "\x00spliced\x00"


def _spliced(draft: Draft, name: str, raw: bytes) -> bytes:
    """The body as sent with the error's field ``name`` replaced by raw JSON text."""
    content = edit(draft, **{name: _MARK}).content_bytes()
    return content.replace(json.dumps(_MARK).encode("ascii"), raw, 1)


def _status_field(draft: Draft) -> str:
    return "status" if draft.family == "v3" else "statusCode"


def _deep_inside(draft: Draft, depth: int) -> Draft:
    content = _spliced(draft, "detail", b"[" * depth + b"]" * depth)
    return draft.with_content(content).note(f"detail an array nested {depth:,} deep")


def _int_digit_limit() -> int:
    """Python's int-length limit for ``int(str)`` (and so ``json.loads``); 0 when none."""
    get = getattr(sys, "get_int_max_str_digits", None)
    return int(get()) if get is not None else 0


#: Integers past Python's default int-length limit (4,300 digits).
UNDECODABLE_DIGITS = (4_301, 10_000)


def _undecodable_choices(draft: Draft) -> Sequence[int]:
    limit = _int_digit_limit()
    if not has_error(draft) or limit == 0:
        return ()
    return [digits for digits in UNDECODABLE_DIGITS if digits > limit]


def _undecodable_integer(draft: Draft, digits: int) -> Draft:
    name = _status_field(draft)
    content = _spliced(draft, name, b"9" * digits)
    return draft.with_content(content).note(
        f"{name} a {digits:,}-digit integer (past Python's int-length limit)"
    )


def _gateway(draft: Draft, status: int) -> Draft:
    page = GATEWAY_PAGES[status].encode("ascii")
    out = draft.with_content(page)
    out = out.drop_header(REQUEST_ID).drop_header(RETRY_AFTER).set_header(CONTENT_TYPE, "text/html")
    return replace(out, status=status).note(f"gateway HTML {status} page")


def _empty(draft: Draft, _: None) -> Draft:
    return draft.with_content(b"").note("empty body")


def _truncate_choices(draft: Draft) -> Sequence[int]:
    if draft.content is not None or not draft.is_json or not isinstance(draft.body, (dict, list)):
        return []
    size = len(draft.content_bytes())
    # A proper prefix of an object or array is never JSON: the closing bracket is last.
    return range(max(1, size // 2), size) if size > 1 else []


def _truncated(draft: Draft, cut: int) -> Draft:
    full = draft.content_bytes()
    return draft.with_content(full[:cut]).note(f"JSON truncated to {cut} of {len(full)} bytes")


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
    return draft.with_content(full[:at] + bad + full[at:]).note(f"invalid UTF-8: {what}")


PLAIN_TEXTS = (
    b"Service Unavailable",
    b"upstream connect error or disconnect/reset before headers. "
    b"reset reason: connection termination",
)


def _plain_text(draft: Draft, index: int) -> Draft:
    return draft.with_content(PLAIN_TEXTS[index]).note("plain-text body")


NON_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity")


def _non_json_number(draft: Draft, literal: str) -> Draft:
    body = dict(draft.live_dict or {})
    body["statusCode"] = float(literal)
    content = json.dumps(body, separators=(",", ":")).encode("ascii")
    return draft.with_content(content).note(f"statusCode {literal} (not JSON)")


def _has_dict(draft: Draft) -> bool:
    return draft.live_dict is not None


OPERATORS: tuple[Operator, ...] = (
    Operator(
        "non_object",
        "the body is JSON null, a list, a number, a string or a boolean",
        2,
        const(NON_OBJECTS, has_body),
        _non_object,
        discards=True,
    ),
    Operator(
        "deep_array",
        "the body is an array nested 100,000 deep",
        2,
        const((DEEP_ARRAY,)),
        _deep_array,
        discards=True,
    ),
    Operator(
        "deep_nesting_inside",
        "a field nested 100,000 deep (past json.loads' recursion limit)",
        2,
        const((DEEP_ARRAY,), has_error),
        _deep_inside,
        discards=True,
    ),
    Operator(
        "undecodable_integer",
        "an integer past Python's int-length limit (json.loads refuses the body)",
        2,
        _undecodable_choices,
        _undecodable_integer,
        discards=True,
    ),
    Operator(
        "gateway_page",
        "a gateway's HTML 502/504 page",
        2,
        const((502, 504)),
        _gateway,
        discards=True,
    ),
    Operator("empty_body", "an empty body", 2, when(lambda d: True), _empty, discards=True),
    Operator("truncated_json", "JSON cut short", 2, _truncate_choices, _truncated, discards=True),
    Operator(
        "invalid_utf8",
        "bytes that are not UTF-8",
        2,
        const(range(len(INVALID_UTF8)), has_body),
        _invalid_utf8,
        discards=True,
    ),
    Operator(
        "plain_text",
        "a plain-text body",
        2,
        const(range(len(PLAIN_TEXTS))),
        _plain_text,
        discards=True,
    ),
    Operator(
        "non_json_number",
        "NaN or Infinity in the body (not JSON)",
        2,
        const(NON_JSON_NUMBERS, _has_dict),
        _non_json_number,
        discards=True,
    ),
)
