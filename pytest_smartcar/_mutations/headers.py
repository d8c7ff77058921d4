"""Stage 3: operators on the headers (request id, ``Retry-After``, ``Content-Type``).

They apply to every API version: the request-id operators read and write the body's
top-level ``requestId`` (v2.0 has one, V3 bodies have none).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from pytest_smartcar._mutations.draft import (
    CONTENT_TYPE,
    JSONAPI_CONTENT_TYPE,
    REQUEST_ID,
    RETRY_AFTER,
    Draft,
    Operator,
    const,
    edit_top,
    has_top_string,
    json_kind,
    when,
)

__all__ = ["OPERATORS"]


def _other_id(request_id: str) -> str:
    try:
        return str(uuid.UUID(int=uuid.UUID(request_id).int ^ 0xFFFF))
    except ValueError:
        return request_id + "-other"


def _header_and_body_id(draft: Draft) -> bool:
    return draft.header(REQUEST_ID) is not None and has_top_string(draft, "requestId")


def _request_id_header_missing(draft: Draft, _: None) -> Draft:
    return draft.drop_header(REQUEST_ID).note("SC-Request-Id header missing")


def _request_id_only_in_header(draft: Draft, _: None) -> Draft:
    return edit_top(draft, requestId=...).note("requestId only in the SC-Request-Id header")


def _request_id_nowhere(draft: Draft, _: None) -> Draft:
    out = draft.drop_header(REQUEST_ID)
    if out.live_dict is not None and "requestId" in out.live_dict:
        out = edit_top(out, requestId=...)
    return out.note("no request id at all")


def _request_id_differs(draft: Draft, _: None) -> Draft:
    other = _other_id(draft.header(REQUEST_ID) or "")
    return draft.set_header(REQUEST_ID, other).note(
        "SC-Request-Id header differs from body requestId"
    )


BODY_IDS_WRONG: tuple[Any, ...] = (12345, None, ["x"], True)


def _request_id_body_wrong(draft: Draft, value: Any) -> Draft:
    return edit_top(draft, requestId=value).note(f"body requestId as JSON {json_kind(value)}")


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


#: Delta-seconds too long for naive parsing, each with what it is: ``float(int(v))``
#: overflows past 308 digits and ``int(v)`` refuses more than 4,300 digits by default.
HUGE_RETRY_AFTERS: tuple[tuple[str, str], ...] = (
    ("9" * 309, "309 digits: past the largest finite float"),
    ("1" + "0" * 308, "1e308 in 309 digits: still a finite float"),
    ("9" * 4_301, "4,301 digits: past Python's int-length limit"),
    ("0" * 5_000 + "7", "7 after 5,000 leading zeros"),
    ("1" * 400, "400 digits"),
)


def _retry_after_huge(draft: Draft, index: int) -> Draft:
    value, what = HUGE_RETRY_AFTERS[index]
    return draft.set_header(RETRY_AFTER, value).note(f"Retry-After of {what}")


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
    # JSON:API's media type: no Smartcar source shows it on V3 errors, but V3 bodies are
    # JSON:API documents and a proxy or a future release may label them so.
    "jsonapi": (JSONAPI_CONTENT_TYPE, f"{JSONAPI_CONTENT_TYPE}; charset=utf-8"),
}


def _content_type_missing(draft: Draft, _: None) -> Draft:
    return draft.drop_header(CONTENT_TYPE).note("Content-Type missing")


def _content_type(draft: Draft, value: str) -> Draft:
    return draft.set_header(CONTENT_TYPE, value).note(f"Content-Type {value!r}")


OPERATORS: tuple[Operator, ...] = (
    Operator(
        "request_id_header_missing",
        "SC-Request-Id header missing (requestId only in the body)",
        3,
        when(_header_and_body_id),
        _request_id_header_missing,
    ),
    Operator(
        "request_id_only_in_header",
        "requestId missing from the body (only in the header)",
        3,
        when(_header_and_body_id),
        _request_id_only_in_header,
    ),
    Operator(
        "request_id_nowhere",
        "no request id in the header or the body",
        3,
        when(lambda d: d.header(REQUEST_ID) is not None or has_top_string(d, "requestId")),
        _request_id_nowhere,
    ),
    Operator(
        "request_id_differs",
        "SC-Request-Id header and body requestId differ",
        3,
        when(_header_and_body_id),
        _request_id_differs,
    ),
    Operator(
        "request_id_body_wrong",
        "body requestId not a string while the header has one",
        3,
        const(
            BODY_IDS_WRONG,
            lambda d: d.header(REQUEST_ID) is not None and d.live_dict is not None,
        ),
        _request_id_body_wrong,
    ),
    *(
        Operator(
            f"retry_after_{kind}",
            f"Retry-After {what}",
            3,
            const(RETRY_AFTER_VALUES[kind]),
            _retry_after(kind),
        )
        for kind, what in RETRY_AFTER_WHAT.items()
    ),
    Operator(
        "retry_after_huge",
        "Retry-After of hundreds or thousands of digits",
        3,
        const(range(len(HUGE_RETRY_AFTERS))),
        _retry_after_huge,
    ),
    Operator(
        "content_type_missing",
        "Content-Type missing",
        3,
        when(lambda d: d.header(CONTENT_TYPE) is not None),
        _content_type_missing,
    ),
    *(
        Operator(
            f"content_type_{kind}",
            f"Content-Type {values[0]!r} and the like",
            3,
            const(values),
            _content_type,
        )
        for kind, values in CONTENT_TYPES.items()
    ),
)
