"""Tests of ``pytest_smartcar.strategies`` and of the mutation operators behind it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import FrozenInstanceError
from typing import Any

import httpx
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pytest_smartcar import _mutations as mu
from pytest_smartcar import strategies as strats
from pytest_smartcar.catalog import API_ERRORS, UnknownSmartcarError, get, lookup
from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.strategies import (
    ErrorCase,
    batch_responses,
    error_bodies,
    error_cases,
    error_responses,
    error_specs,
    malformed_error_bodies,
    oauth_error_bodies,
    v1_error_bodies,
)
from tests.support import CLAIMED

REQUEST_ID = "5dea93a1-3f79-4246-90c5-89610a20471b"
GENERATE_ONLY = settings(database=None, phases=[Phase.generate], deadline=None)


def agrees(parsed: SmartcarError, expected: SmartcarError) -> None:
    """Status always; type and code when the type is claimed; every other claimed field."""
    assert parsed.status == expected.status
    if expected.type is not None:
        assert (parsed.type, parsed.code) == (expected.type, expected.code)
    for name in CLAIMED:
        if getattr(expected, name) is not None:
            assert getattr(parsed, name) == getattr(expected, name), name


def response_of(draft: mu.Draft) -> httpx.Response:
    return httpx.Response(draft.status, headers=list(draft.headers), content=draft.content_bytes())


# --- acceptance 1: ``expected`` is the ground truth ---------------------------------------------


def _not_json(name: str) -> Any:
    raise ValueError(name)


def truth_from_the_wire(response: httpx.Response) -> SmartcarError:
    """PRODUCT.md's rules applied to the bytes and raw headers, written apart from both
    ``_mutations.expected_error`` (which reads the generator's data) and ``parser.py``."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        headers.setdefault(raw_name.decode("ascii").lower(), raw_value.decode("latin-1"))
    content_type = headers.get("content-type")
    media = None if content_type is None else content_type.split(";")[0].strip().lower()
    body: dict[str, Any] = {}
    if media is None or media == "application/json" or media.endswith("+json"):
        try:
            value = json.loads(response.content.decode("utf-8"), parse_constant=_not_json)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, dict):
            body = value

    def string(mapping: dict[str, Any], key: str) -> str | None:
        value = mapping.get(key)
        return value if type(value) is str else None

    in_header, in_body = headers.get("sc-request-id"), string(body, "requestId")
    if in_header is not None and in_body is not None and in_header != in_body:
        request_id = None
    else:
        request_id = in_header if in_header is not None else in_body
    retry = headers.get("retry-after")
    digits = None if retry is None else retry.strip(" ")
    retry_after = float(digits) if digits and set(digits) <= set("0123456789") else None
    base = SmartcarError(
        status=response.status_code, request_id=request_id, retry_after=retry_after
    )
    if string(body, "type") is not None:
        resolution = body.get("resolution")
        if isinstance(resolution, dict):
            res, url = string(resolution, "type"), string(resolution, "url")
        else:
            res, url = (resolution if type(resolution) is str else None), None
        detail = body.get("detail")
        return SmartcarError(
            status=base.status,
            type=body["type"],
            code=string(body, "code"),
            description=string(body, "description"),
            request_id=request_id,
            resolution=res,
            resolution_url=url,
            doc_url=string(body, "docURL"),
            suggested_user_message=string(body, "suggestedUserMessage"),
            detail=detail if type(detail) is list else None,
            retry_after=retry_after,
        )
    if string(body, "error") is not None:
        message = string(body, "message")
        return SmartcarError(
            status=base.status,
            type=body["error"],
            code=string(body, "code"),
            description=message if message is not None else string(body, "error_description"),
            request_id=request_id,
            retry_after=retry_after,
        )
    return base


@settings(GENERATE_ONLY, max_examples=500)
@given(error_cases(batch=True))
def test_expected_is_what_an_independent_reading_of_the_wire_gives(case: ErrorCase) -> None:
    assert truth_from_the_wire(case.response) == case.expected


@settings(GENERATE_ONLY, max_examples=3000)
@given(error_cases(batch=True))
def test_the_reference_parser_agrees_with_every_claim(case: ErrorCase) -> None:
    agrees(SmartcarError.from_response(case.response), case.expected)


# --- the ground-truth rules, one by one ----------------------------------------------------------

ASLEEP = mu.v2_draft(get("VEHICLE_STATE:ASLEEP"), request_id=REQUEST_ID)
REAUTH = mu.v2_draft(get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"), request_id=REQUEST_ID)


def test_status_is_always_the_http_status() -> None:
    draft = mu.apply_operators(ASLEEP, [("status_code_differs", 500)])
    assert draft.body["statusCode"] == 500
    assert mu.expected_error(draft).status == 409


@pytest.mark.parametrize(
    ("operators", "request_id"),
    [
        ([], REQUEST_ID),
        ([("request_id_header_missing", None)], REQUEST_ID),
        ([("request_id_only_in_header", None)], REQUEST_ID),
        ([("request_id_differs", None)], None),
        ([("request_id_body_wrong", 12345)], REQUEST_ID),
        ([("request_id_nowhere", None)], None),
    ],
)
def test_request_id_rules(operators: list[tuple[str, Any]], request_id: str | None) -> None:
    assert mu.expected_error(mu.apply_operators(ASLEEP, operators)).request_id == request_id


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", None),
        ("-1", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        ("soon", None),
        ("", None),
        ("+120", None),
        ("1_000", None),
        ("1e3", None),
    ],
)
def test_retry_after_claims_only_delta_seconds(value: str, seconds: float | None) -> None:
    draft = ASLEEP.set_header("retry-after", value)
    assert mu.expected_error(draft).retry_after == seconds
    assert SmartcarError.from_response(response_of(draft)).retry_after == seconds


@pytest.mark.parametrize(
    ("content_type", "read"),
    [
        (None, True),
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON; Charset=UTF-8", True),
        (" application/json ; charset=utf-8", True),
        ("application/problem+json", True),
        ("text/html", False),
        ("text/plain; charset=utf-8", False),
        ("application/jsonp", False),
    ],
)
def test_the_body_is_read_only_for_json_media_types(content_type: str | None, read: bool) -> None:
    draft = (
        ASLEEP.drop_header("Content-Type")
        if content_type is None
        else ASLEEP.set_header("Content-Type", content_type)
    )
    expected = mu.expected_error(draft)
    assert (expected.type == "VEHICLE_STATE") is read
    assert expected.request_id == REQUEST_ID  # the header counts either way


@pytest.mark.parametrize(
    ("draft", "resolution", "url"),
    [
        (REAUTH, "REAUTHENTICATE", REAUTH.body["resolution"]["url"]),
        (mu.apply_operators(REAUTH, [("resolution_without_url", None)]), "REAUTHENTICATE", None),
        (
            mu.v2_draft(get("PERMISSION"), request_id="r", resolution_style="string"),
            "REAUTHENTICATE",
            None,
        ),
        (mu.v2_draft(get("PERMISSION"), request_id="r", resolution_style="null"), None, None),
        (mu.apply_operators(REAUTH, [("resolution_missing", "resolution")]), None, None),
        (
            mu.apply_operators(REAUTH, [("resolution_type_wrong", 3)]),
            None,
            REAUTH.body["resolution"]["url"],
        ),
    ],
)
def test_resolution_rules(draft: mu.Draft, resolution: str | None, url: str | None) -> None:
    expected = mu.expected_error(draft)
    assert (expected.resolution, expected.resolution_url) == (resolution, url)


def test_code_null_and_numbers_are_never_coerced() -> None:
    assert mu.expected_error(mu.v2_draft(get("AUTHENTICATION"), request_id="r")).code is None
    assert mu.expected_error(mu.apply_operators(ASLEEP, [("code_null", "code")])).code is None
    retyped = mu.apply_operators(ASLEEP, [("retype_field", ("code", 409))])
    assert mu.expected_error(retyped).key == "VEHICLE_STATE"
    assert mu.expected_error(mu.apply_operators(ASLEEP, [("unknown_code", "")])).code == ""


def test_legacy_and_oauth_bodies() -> None:
    v1 = mu.expected_error(mu.v1_draft(lookup("V1:VEHICLE_STATE_ERROR:VS_000"), request_id="r"))  # type: ignore[arg-type]
    assert (v1.type, v1.code, v1.description) == (
        "vehicle_state_error",
        "VS_000",
        "Vehicle state cannot be determined.",
    )
    oauth = mu.expected_error(mu.oauth_draft(lookup("OAUTH:INVALID_CODE"), value="abc"))  # type: ignore[arg-type]
    assert (oauth.type, oauth.code, oauth.description) == (
        "invalid_request",
        None,
        "Invalid code: abc.",
    )


@pytest.mark.parametrize(
    "operators",
    [
        [("gateway_page", 502)],
        [("invalid_utf8", 0)],
        [("non_object", "list")],
        [("non_json_number", "NaN")],
        [("empty_body", None)],
    ],
)
def test_unreadable_bodies_claim_nothing_but_status_and_headers(
    operators: list[tuple[str, Any]],
) -> None:
    expected = mu.expected_error(mu.apply_operators(ASLEEP, operators))
    assert expected.type is None and expected.description is None


# --- every operator, on a base where all of them apply -------------------------------------------


@pytest.mark.parametrize("name", sorted(mu.OPERATORS))
def test_every_operator_breaks_something_and_keeps_the_truth(name: str) -> None:
    operator = mu.OPERATORS[name]
    choices = operator.choices(REAUTH)
    assert choices, f"{name} does not apply to a full v2.0 body"
    for choice in list(choices)[:40]:
        draft = operator(REAUTH, choice)
        assert draft.malformed and draft.applied == (name,)
        assert len(draft.notes) == 1 and draft.description.startswith(REAUTH.label + ", ")
        response = response_of(draft)
        if draft.is_json:
            assert json.loads(response.content) == draft.body
        assert truth_from_the_wire(response) == mu.expected_error(draft)
        agrees(SmartcarError.from_response(response), mu.expected_error(draft))


def test_descriptions_name_what_was_generated_and_broken() -> None:
    draft = mu.v2_draft(get("PERMISSION"), request_id=REQUEST_ID, resolution_style="string")
    draft = mu.apply_operators(draft, [("request_id_header_missing", None)])
    assert (
        draft.description == "PERMISSION, resolution as bare string, SC-Request-Id header missing"
    )
    assert draft.malformed
    assert not mu.v2_draft(
        get("PERMISSION"), request_id=REQUEST_ID, resolution_style="string"
    ).malformed


@settings(GENERATE_ONLY, max_examples=1200)
@given(strats._drafts(strats._plan(API_ERRORS, malformed=True, legacy=True, batch=False)))
def _collect(draft: mu.Draft) -> None:
    _SEEN["cases"] += 1
    _SEEN["malformed"] += draft.malformed
    _SEEN.update(draft.applied)


_SEEN: Counter[str] = Counter()


def test_error_cases_reach_every_operator_and_stay_mostly_valid() -> None:
    _SEEN.clear()
    _collect()
    # Only the two errors whose resolution has a url can lose it: see the filtered run below.
    assert set(mu.OPERATORS) - {"resolution_without_url"} <= set(_SEEN), set(mu.OPERATORS) - set(
        _SEEN
    )
    assert 0.3 < _SEEN["malformed"] / _SEEN["cases"] < 0.6
    with_url = error_cases(
        "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED",
        "CONNECTED_SERVICES_ACCOUNT:VIRTUAL_KEY_REQUIRED",
    )
    case = find(with_url, lambda c: "resolution object without url" in c.description)
    resolution = json.loads(case.response.content)["resolution"]
    assert (
        isinstance(resolution, dict)
        and "url" not in resolution
        and case.expected.resolution_url is None
    )


# --- the public strategies -----------------------------------------------------------------------


def test_error_specs_filter_like_the_catalog_and_shrink_to_the_first_entry() -> None:
    assert find(error_specs(), lambda spec: True).key == API_ERRORS[0].key
    assert find(error_specs(type="VEHICLE_STATE"), lambda spec: True).key == "VEHICLE_STATE:ASLEEP"
    assert (
        find(error_specs("*:RATE_LIMIT", "RATE_LIMIT:*"), lambda s: s.status == 502).key
        == "UPSTREAM:RATE_LIMIT"
    )

    @settings(GENERATE_ONLY, max_examples=50)
    @given(error_specs(resolution="RETRY_LATER", exclude="UPSTREAM:*"))
    def check(spec: Any) -> None:
        assert spec.resolution == "RETRY_LATER" and spec.type != "UPSTREAM"

    check()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: error_specs("VEHICLE_STATE:ASLEPE"), UnknownSmartcarError, "VEHICLE_STATE:ASLEEP"),
        (lambda: error_cases(type="VEHICLE_STAT"), ValueError, "VEHICLE_STAT"),
        (
            lambda: error_bodies(status="409"),  # type: ignore[arg-type]
            TypeError,
            "'409'",
        ),
        (
            lambda: error_specs(type="BILLING", status=409),
            InvalidArgument,
            "type='BILLING', status=409",
        ),
        (
            lambda: error_cases(malformed="yes"),  # type: ignore[arg-type]
            InvalidArgument,
            "'yes'",
        ),
        (
            lambda: error_responses(legacy=1),  # type: ignore[arg-type]
            InvalidArgument,
            "legacy= takes True or False, got 1",
        ),
        (
            lambda: error_cases(batch=None),  # type: ignore[arg-type]
            InvalidArgument,
            "None",
        ),
        (lambda: batch_responses(paths="/odometer"), InvalidArgument, "'/odometer'"),
        (lambda: batch_responses(paths=["odometer"]), InvalidArgument, "'odometer'"),
        (lambda: batch_responses(paths=[]), InvalidArgument, "at least one path"),
    ],
)
def test_arguments_are_validated_with_the_bad_value(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace("?", r"\?")):
        call()


def test_strategies_take_keywords_only_beyond_patterns() -> None:
    with pytest.raises(TypeError):
        batch_responses(["/odometer"])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        v1_error_bodies(1)  # type: ignore[call-arg]


@settings(GENERATE_ONLY, max_examples=300)
@given(error_bodies())
def test_error_bodies_have_the_v2_shape(body: dict[str, Any]) -> None:
    assert {
        "type",
        "code",
        "description",
        "docURL",
        "statusCode",
        "requestId",
        "resolution",
    } <= set(body)
    key = body["type"] if body["code"] is None else f"{body['type']}:{body['code']}"
    assert get(key).status == body["statusCode"]
    assert body["resolution"] is None or isinstance(body["resolution"], (str, dict))
    json.dumps(body, allow_nan=False)


def test_error_bodies_vary_what_smartcar_varies() -> None:
    bodies = error_bodies("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", "VALIDATION")
    assert (
        find(bodies, lambda b: isinstance(b["resolution"], str))["resolution"] == "REAUTHENTICATE"
    )
    assert find(bodies, lambda b: b["resolution"] is None)
    assert find(
        bodies,
        lambda b: b["type"] == "CONNECTED_SERVICES_ACCOUNT" and "suggestedUserMessage" not in b,
    )
    assert find(bodies, lambda b: b["type"] == "VALIDATION" and b.get("detail") is None)
    assert find(bodies, lambda b: "/v2.0/" in b["docURL"])
    ids = set()

    @settings(GENERATE_ONLY, max_examples=30)
    @given(bodies)
    def collect(body: dict[str, Any]) -> None:
        ids.add(body["requestId"])

    collect()
    assert len(ids) > 10


@settings(GENERATE_ONLY, max_examples=300)
@given(malformed_error_bodies())
def test_malformed_bodies_are_json_values(value: Any) -> None:
    json.dumps(value, allow_nan=False)


def test_malformed_bodies_break_the_shape_in_every_way() -> None:
    bodies = malformed_error_bodies("VEHICLE_STATE:ASLEEP")
    assert find(bodies, lambda v: not isinstance(v, dict)) is None  # JSON null is the simplest
    assert isinstance(find(bodies, lambda v: isinstance(v, list)), list)
    assert "type" not in find(bodies, lambda v: isinstance(v, dict) and "type" not in v)
    assert find(bodies, lambda v: isinstance(v, dict) and isinstance(v.get("statusCode"), str))
    assert find(
        bodies, lambda v: isinstance(v, dict) and len(str(v.get("description", ""))) >= 10_000
    )


@settings(GENERATE_ONLY, max_examples=50)
@given(v1_error_bodies(), oauth_error_bodies())
def test_legacy_and_oauth_error_bodies(v1: dict[str, Any], oauth: dict[str, Any]) -> None:
    assert isinstance(v1["error"], str) and isinstance(v1["message"], str)
    assert set(oauth) == {"error", "error_description"}


@settings(GENERATE_ONLY, max_examples=100)
@given(batch_responses(paths=["/odometer", "/fuel", "/battery"]))
def test_batch_responses_mix_successes_and_errors(response: httpx.Response) -> None:
    assert response.status_code == 200
    items = response.json()["responses"]
    assert items[0]["code"] >= 400 and isinstance(items[0]["body"]["type"], str)
    assert {item["path"] for item in items} <= {"/odometer", "/fuel", "/battery"}
    for item in items:
        if item["code"] == 429:
            assert {k.lower() for k in item["headers"]} == {"retry-after"}


def test_error_cases_shrink_to_the_plain_common_case() -> None:
    assert find(error_cases(), lambda case: True).description == "AUTHENTICATION"
    bare = find(error_cases(), lambda case: "resolution as bare string" in case.description)
    assert bare.description == "BILLING:INVALID_PLAN, resolution as bare string"
    assert find(error_cases(), lambda case: case.malformed).description.count(",") == 1


@settings(GENERATE_ONLY, max_examples=200)
@given(error_cases("RATE_LIMIT:*", malformed=False))
def test_filtered_valid_cases_are_only_those_errors(case: ErrorCase) -> None:
    assert not case.malformed
    assert case.expected.type == "RATE_LIMIT" and case.response.status_code == 429
    assert case.description.startswith("RATE_LIMIT:")


def test_legacy_bodies_come_only_without_filters_unless_asked() -> None:
    assert find(error_cases(), lambda c: c.description.startswith("legacy v1.0"))
    assert find(error_cases(), lambda c: c.description.startswith("OAuth"))
    assert find(
        error_cases("VEHICLE_STATE:*", legacy=True), lambda c: c.description.startswith("legacy")
    )

    @settings(GENERATE_ONLY, max_examples=100)
    @given(error_cases(type="VEHICLE_STATE"))
    def check(case: ErrorCase) -> None:
        assert case.description.startswith("VEHICLE_STATE:")

    check()


@settings(GENERATE_ONLY, max_examples=50)
@given(error_responses(status=409, malformed=False))
def test_error_responses_are_responses(response: httpx.Response) -> None:
    assert isinstance(response, httpx.Response) and response.status_code == 409


def test_error_case_is_a_frozen_dataclass_with_a_readable_repr() -> None:
    case = find(error_cases(), lambda c: True)
    with pytest.raises(FrozenInstanceError):
        case.malformed = True  # type: ignore[misc]
    assert repr(case).startswith(
        "ErrorCase(description='AUTHENTICATION', malformed=False, status=401"
    )
    assert "('SC-Request-Id', '" in repr(case) and "body (434 bytes)=b'{" in repr(case)


# --- hypothesis integration: the entry point, laziness -------------------------------------------


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_from_type_works_without_importing_the_strategies() -> None:
    out = _python(
        """
        import sys
        import hypothesis
        from hypothesis import find, strategies as st
        from pytest_smartcar.catalog import ErrorSpec
        from pytest_smartcar.parser import SmartcarError
        assert "pytest_smartcar.strategies" not in sys.modules
        assert "httpx" not in sys.modules  # registering imports neither
        print(find(st.from_type(ErrorSpec), lambda spec: True).key)
        error = find(st.from_type(SmartcarError), lambda e: e.type is not None)
        print(type(error).__name__, error.key, error.status)
        """
    )
    assert out.splitlines() == ["AUTHENTICATION", "SmartcarError AUTHENTICATION 401"]


def test_importing_the_strategies_builds_nothing() -> None:
    out = _python(
        """
        import pytest_smartcar.strategies as s
        caches = (s._sampler, s._index, s._request_id_bytes)
        print(*(cache.cache_info().currsize for cache in caches))
        """
    )
    assert out == "0 0 0"


# --- acceptance 3: inside @given, with the stub engine --------------------------------------------

URL = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
# One client each, shared by every example: a new client builds an SSL context (~20 ms).
SYNC_CLIENT = httpx.Client()
ASYNC_CLIENT = httpx.AsyncClient()


@settings(GENERATE_ONLY, max_examples=100)
@given(error_cases(batch=True))
def test_cases_through_stub_smartcar_with_httpx(case: ErrorCase) -> None:
    from pytest_smartcar import stub_smartcar

    with stub_smartcar(case.response):
        response = SYNC_CLIENT.get(URL)
    assert (response.status_code, response.content) == (
        case.response.status_code,
        case.response.content,
    )
    agrees(SmartcarError.from_response(response), case.expected)


@settings(GENERATE_ONLY, max_examples=100)
@given(error_cases())
def test_cases_through_stub_smartcar_with_async_httpx(case: ErrorCase) -> None:
    from pytest_smartcar import stub_smartcar

    with stub_smartcar(case.response):
        response = asyncio.run(ASYNC_CLIENT.get(URL))
    agrees(SmartcarError.from_response(response), case.expected)


def test_strategies_compose_with_other_strategies() -> None:
    pair = find(st.tuples(error_specs(), error_cases(malformed=False)), lambda p: True)
    assert pair[0].key == "AUTHENTICATION" and pair[1].description == "AUTHENTICATION"
