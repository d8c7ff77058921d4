"""SmartcarError.from_response: exact on every catalog response, and never raises."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import requests
from hypothesis import Phase, given, settings
from requests.structures import CaseInsensitiveDict

from pytest_smartcar import SmartcarError, catalog
from tests.hostile import EXCEPTIONS, Hostile, HostileCase, check, hostile_cases


def as_requests(response: httpx.Response) -> requests.Response:
    """The same response as requests would hand it to an app."""
    r = requests.Response()
    r.status_code = response.status_code
    r.headers = CaseInsensitiveDict(response.headers.multi_items())
    r._content = response.content
    return r


BUILDERS = [pytest.param(lambda r: r, id="httpx"), pytest.param(as_requests, id="requests")]


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("spec", catalog.API_ERRORS, ids=lambda s: s.key)
def test_recovers_every_catalog_error_exactly(spec: catalog.ErrorSpec, build: Any) -> None:
    response = spec.response(request_id="9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")
    parsed = SmartcarError.from_response(build(response))
    assert parsed.status == spec.status
    assert (parsed.type, parsed.code) == (spec.type, spec.code)
    assert parsed.request_id == "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
    assert parsed.resolution == spec.resolution
    assert parsed.retry_after == (float(spec.retry_after) if spec.retry_after is not None else None)
    assert parsed.description == spec.description
    assert parsed.doc_url == spec.doc_url
    assert parsed.key == spec.key
    assert parsed.detail == (list(spec.detail) if spec.detail else None)


def _response(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers or {}, content=content)


NASTY = {
    "html 502": _response(
        502, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"}
    ),
    "empty": _response(500, b""),
    "invalid utf-8": _response(409, b'{"type": "\xff\xfe"}', {"Content-Type": "application/json"}),
    "truncated json": _response(409, b'{"type": "VEHICLE_STATE", "code": "ASL'),
    "json null": _response(500, b"null"),
    "json list": _response(500, b"[1, 2]"),
    "json number": _response(500, b"42"),
    "json string": _response(500, b'"oops"'),
    "nan": _response(500, b'{"type": NaN}'),
    "deep nesting": _response(
        500, b'{"type": "X", "detail": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    ),
    "odd content-type": _response(409, b'{"type": "A"}', {"Content-Type": ";;;"}),
    "http-date retry-after": _response(
        429, b"{}", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    ),
    "garbage retry-after": _response(429, b"{}", {"Retry-After": "soon\x00"}),
    "v1 body": _response(
        409, json.dumps({"error": "vehicle_state_error", "message": "m", "code": "VS_000"}).encode()
    ),
    "oauth body": _response(
        400,
        json.dumps({"error": "invalid_request", "error_description": "Invalid code: x."}).encode(),
    ),
    "10 MB body": _response(
        502, b'{"type": "UPSTREAM", "description": "' + b"x" * 10_000_000 + b'"}'
    ),
}


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("name", list(NASTY))
def test_never_raises(name: str, build: Any) -> None:
    parsed = SmartcarError.from_response(build(NASTY[name]))
    assert parsed.status == NASTY[name].status_code


def test_ground_truth_details() -> None:
    assert SmartcarError.from_response(NASTY["v1 body"]) == SmartcarError(
        status=409, type="vehicle_state_error", code="VS_000", description="m"
    )
    assert SmartcarError.from_response(NASTY["oauth body"]).description == "Invalid code: x."
    assert SmartcarError.from_response(NASTY["html 502"]).type is None
    assert SmartcarError.from_response(NASTY["http-date retry-after"]).retry_after is None
    assert SmartcarError.from_response(NASTY["10 MB body"]).type == "UPSTREAM"
    # status is the HTTP status, never the body's statusCode
    body = catalog.get("VEHICLE_STATE:ASLEEP").body()
    assert SmartcarError.from_response(_response(500, json.dumps(body).encode())).status == 500


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("-1", None),
        ("1.5", None),
        ("٣", None),
        ("", None),
    ],
)
def test_retry_after_is_delta_seconds_only(value: str, expected: float | None) -> None:
    raw = httpx.Response(429, headers=[(b"retry-after", value.encode("utf-8"))], content=b"{}")
    parsed = SmartcarError.from_response(raw)
    assert parsed.retry_after == expected


@pytest.mark.parametrize(
    ("content_type", "read"),
    [
        (None, True),
        ("application/json", True),
        ("Application/JSON; charset=UTF-8", True),
        ("application/problem+json", True),
        ("text/html", False),
        ("text/plain; charset=utf-8", False),
    ],
)
def test_content_type_decides_whether_the_body_is_read(
    content_type: str | None, read: bool
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    parsed = SmartcarError.from_response(_response(409, b'{"type": "VEHICLE_STATE"}', headers))
    assert (parsed.type == "VEHICLE_STATE") is read


def test_resolution_shapes_and_exact_strings() -> None:
    def parse(body: dict[str, Any]) -> SmartcarError:
        return SmartcarError.from_response(_response(400, json.dumps(body).encode()))

    assert parse({"type": "T", "resolution": "REAUTHENTICATE"}).resolution == "REAUTHENTICATE"
    assert parse({"type": "T", "resolution": {"type": "R", "url": "u"}}).resolution_url == "u"
    assert parse({"type": "T", "resolution": {"type": 5}}).resolution is None
    assert parse({"type": "T", "code": 409}).code is None  # numbers are never coerced
    assert parse({"type": "T", "description": ""}).description == ""
    assert parse({"type": "T", "requestId": "body-id"}).request_id == "body-id"
    header_wins = SmartcarError.from_response(
        _response(400, b'{"type": "T", "requestId": "b"}', {"SC-REQUEST-ID": "h"})
    )
    assert header_wins.request_id == "h"


def test_empty_strings_are_kept_and_lone_surrogates_are_escaped() -> None:
    spec = catalog.get("RATE_LIMIT:VEHICLE")
    response = spec.response(request_id="", app_name="", body={"description": "\ud800"})
    parsed = SmartcarError.from_response(response)
    assert parsed.request_id == ""
    assert parsed.description == "\ud800"
    assert parsed.suggested_user_message is not None
    assert "connect to ." in parsed.suggested_user_message


# --- hostile duck types (issue 17): never raise, lose only what cannot be read ------------------


@settings(database=None, phases=[Phase.generate], deadline=None, max_examples=400)
@given(hostile_cases())
def test_never_raises_on_hostile_responses_and_keeps_every_readable_claim(
    case: HostileCase,
) -> None:
    """400 here; ``python tests/hostile.py 100000`` is the long run."""
    check(case)


@pytest.mark.parametrize("error", EXCEPTIONS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("part", ["status_code", "headers", "content"])
def test_a_part_that_raises_costs_only_its_own_claims(part: str, error: Exception) -> None:
    spec = catalog.get("RATE_LIMIT:VEHICLE")
    response = spec.response(request_id="r-1", headers={"Content-Type": "application/json"})
    parts: dict[str, Any] = {
        "status_code": 429,
        "headers": response.headers,
        "content": response.content,
    }
    parts[part] = error
    parsed = SmartcarError.from_response(
        Hostile(parts["status_code"], parts["headers"], parts["content"])
    )
    assert parsed.status == (None if part == "status_code" else 429)
    assert parsed.key == (None if part == "content" else "RATE_LIMIT:VEHICLE")
    # The request id is in the header and the body: either one gives it; Retry-After
    # is only in the headers.
    assert parsed.request_id == "r-1"
    assert parsed.retry_after == (None if part == "headers" else float(spec.retry_after or 0))


@pytest.mark.parametrize(
    "retry_after", ["9" * 309, "9" * 4_301, "1" * 5_000], ids=["309", "4301", "5000"]
)
def test_a_huge_retry_after_costs_the_body_nothing(retry_after: str) -> None:
    response = catalog.get("RATE_LIMIT:VEHICLE").response(request_id="r-2", retry_after=retry_after)
    parsed = SmartcarError.from_response(response)
    assert (parsed.key, parsed.request_id, parsed.retry_after) == (
        "RATE_LIMIT:VEHICLE",
        "r-2",
        None,
    )


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b'{"type": "X", "statusCode": ' + b"9" * 4_301 + b"}", "an integer past the digit limit"),
        (
            b'{"type": "X", "detail": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
            "nesting past the limit",
        ),
    ],
    ids=["digits", "nesting"],
)
def test_a_body_json_loads_refuses_is_not_read(content: bytes, what: str) -> None:
    response = _response(500, content, {"SC-Request-Id": "r-3"})
    with pytest.raises((ValueError, RecursionError)):
        json.loads(content)
    parsed = SmartcarError.from_response(response)
    assert (parsed.status, parsed.type, parsed.request_id) == (500, None, "r-3"), what


def test_aiohttp_style_read_coroutines_are_closed_not_leaked() -> None:
    async def read() -> bytes:
        return b'{"type": "X"}'

    class Async:
        status_code = 500
        headers = ()

        @property
        def content(self) -> Any:
            raise AttributeError("a StreamReader, not bytes")

        def read(self) -> Any:
            return read()

    assert SmartcarError.from_response(Async()) == SmartcarError(status=500)
