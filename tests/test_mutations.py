"""The mutation operators and the ground truth behind ``error_cases``, without hypothesis."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pytest_smartcar import _mutations as mu
from pytest_smartcar.catalog import get, lookup
from pytest_smartcar.parser import SmartcarError
from tests.wire_truth import agrees, truth_from_the_wire

REQUEST_ID = "5dea93a1-3f79-4246-90c5-89610a20471b"
ASLEEP = mu.v2_draft(get("VEHICLE_STATE:ASLEEP"), request_id=REQUEST_ID)
REAUTH = mu.v2_draft(get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"), request_id=REQUEST_ID)
V3_REAUTH = mu.v3_draft(
    get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"), request_id=REQUEST_ID
)
V3_ASLEEP = mu.v3_draft(get("VEHICLE_STATE:ASLEEP"), request_id=REQUEST_ID, request_id_header=False)
BASES = {"v2.0": REAUTH, "V3": V3_REAUTH}


def response_of(draft: mu.Draft) -> httpx.Response:
    return httpx.Response(draft.status, headers=list(draft.headers), content=draft.content_bytes())


def expected(draft: mu.Draft, operators: list[tuple[str, Any]]) -> SmartcarError:
    return mu.expected_error(mu.apply_operators(draft, operators))


# --- v2.0 rules -------------------------------------------------------------------------------


def test_status_is_always_the_http_status() -> None:
    draft = mu.apply_operators(ASLEEP, [("status_code_differs", 500)])
    assert draft.body["statusCode"] == 500
    assert mu.expected_error(draft).status == 409
    item = mu.apply_operators(V3_ASLEEP, [("status_differs", "500")])
    assert item.body["errors"][0]["status"] == "500"
    assert mu.expected_error(item).status == 409


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
    assert expected(ASLEEP, operators).request_id == request_id


RETRY_AFTERS = [
    ("120", 120.0),
    (" 120 ", 120.0),
    ("0", 0.0),
    ("007", 7.0),
    ("1.5", None),
    ("-1", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", None),
    ("soon", None),
    ("", None),
    ("+120", None),
    ("1_000", None),
    ("1e3", None),
    ("9" * 309, None),  # float(int()) overflows
    ("9" * 4_301, None),  # int() refuses it: past the int-length limit
    ("0" * 5_000 + "7", 7.0),
    ("1" * 400, None),
    ("1" + "0" * 308, 1e308),
    ("17976931348623157" + "0" * 292, 1.7976931348623157e308),  # the largest float
]


@pytest.mark.parametrize(("value", "seconds"), RETRY_AFTERS, ids=lambda v: str(v)[:24])
def test_retry_after_claims_only_finite_delta_seconds(value: str, seconds: float | None) -> None:
    draft = ASLEEP.set_header("retry-after", value)
    assert mu.expected_error(draft).retry_after == seconds
    assert truth_from_the_wire(response_of(draft)).retry_after == seconds
    parsed = SmartcarError.from_response(response_of(draft))
    assert parsed.retry_after == seconds
    assert parsed.key == "VEHICLE_STATE:ASLEEP"  # a header never costs the body its claims


@pytest.mark.parametrize(
    ("content_type", "read"),
    [
        (None, True),
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON; Charset=UTF-8", True),
        (" application/json ; charset=utf-8", True),
        ("application/problem+json", True),
        ("application/vnd.api+json", True),
        ("text/html", False),
        ("text/plain; charset=utf-8", False),
        ("application/jsonp", False),
    ],
)
@pytest.mark.parametrize("base", [ASLEEP, V3_ASLEEP], ids=["v2.0", "V3"])
def test_the_body_is_read_only_for_json_media_types(
    base: mu.Draft, content_type: str | None, read: bool
) -> None:
    draft = (
        base.drop_header("Content-Type")
        if content_type is None
        else base.set_header("Content-Type", content_type)
    )
    assert (mu.expected_error(draft).type == "VEHICLE_STATE") is read
    assert mu.expected_error(ASLEEP).request_id == REQUEST_ID  # the header counts either way


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
        (
            V3_REAUTH,
            "REAUTHENTICATE",
            V3_REAUTH.body["errors"][0]["resolution"]["url"],
        ),
        (mu.apply_operators(V3_REAUTH, [("resolution_without_url", None)]), "REAUTHENTICATE", None),
        (mu.v3_draft(get("PERMISSION"), request_id="r", resolution_style="type null"), None, None),
        (mu.apply_operators(V3_REAUTH, [("resolution_missing", "resolution")]), None, None),
    ],
)
def test_resolution_rules(draft: mu.Draft, resolution: str | None, url: str | None) -> None:
    claims = mu.expected_error(draft)
    assert (claims.resolution, claims.resolution_url) == (resolution, url)


def test_code_null_and_numbers_are_never_coerced() -> None:
    assert mu.expected_error(mu.v2_draft(get("AUTHENTICATION"), request_id="r")).code is None
    assert expected(ASLEEP, [("code_null", "code")]).code is None
    assert expected(ASLEEP, [("retype_field", ("code", 409))]).key == "VEHICLE_STATE"
    assert expected(ASLEEP, [("unknown_code", "")]).code == ""
    assert expected(ASLEEP, [("huge_integer", ("code", 400))]).key == "VEHICLE_STATE"
    assert expected(V3_ASLEEP, [("code_null", "code")]).key == "VEHICLE_STATE"


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
        [("deep_array", 100_000)],
        [("deep_nesting_inside", 100_000)],
        [("undecodable_integer", 4_301)],
    ],
)
@pytest.mark.parametrize("base", [ASLEEP, V3_ASLEEP], ids=["v2.0", "V3"])
def test_unreadable_bodies_claim_nothing_but_status_and_headers(
    base: mu.Draft, operators: list[tuple[str, Any]]
) -> None:
    claims = expected(base, operators)
    assert claims.type is None and claims.description is None
    assert (
        SmartcarError.from_response(response_of(mu.apply_operators(base, operators))).type is None
    )


# --- V3 rules ---------------------------------------------------------------------------------


def test_a_v3_error_is_the_first_item_of_errors() -> None:
    item = V3_REAUTH.body["errors"][0]
    claims = mu.expected_error(V3_REAUTH)
    assert (claims.type, claims.code, claims.title) == (item["type"], item["code"], item["title"])
    assert claims.description == item["detail"]
    assert claims.doc_url == item["links"]["about"]
    assert claims.suggested_user_message == item["suggestedUserMessage"]
    assert claims.detail is None and claims.status == 400
    assert claims.request_id == REQUEST_ID  # the header; V3 bodies carry no requestId
    assert mu.expected_error(V3_ASLEEP).request_id is None


@pytest.mark.parametrize(
    ("operators", "key"),
    [
        ([("errors_empty", None)], None),
        ([("errors_not_list", "object")], None),
        ([("first_error_not_object", "null")], None),
        ([("first_error_not_object", "list")], None),
        ([("several_errors", "another error after")], "VEHICLE_STATE:ASLEEP"),
        ([("several_errors", "another error first")], "SERVER:INTERNAL"),
        ([("several_errors", "an untyped error first")], None),
        ([("title_only", "title alone")], None),
        ([("title_only", "type and title")], "VEHICLE_STATE"),
        ([("retype_field", ("type", 409))], None),
        # Precedence: a string type at the top makes the body v2.0; V3 wins over legacy.
        ([("v2_fields_mixed_in", mu.v3.MIXED_IN[1])], "VEHICLE_STATE:ASLEEP"),
        ([("v2_fields_mixed_in", mu.v3.MIXED_IN[2])], "VEHICLE_STATE:ASLEEP"),
    ],
)
def test_v3_shape_rules(operators: list[tuple[str, Any]], key: str | None) -> None:
    draft = mu.apply_operators(V3_ASLEEP, operators)
    assert mu.expected_error(draft).key == key
    assert SmartcarError.from_response(response_of(draft)).key == key


def test_v3_falls_back_to_legacy_only_when_it_is_not_v3() -> None:
    legacy = V3_ASLEEP.with_body({"errors": [], "error": "vehicle_state_error", "message": "m"})
    assert mu.expected_error(legacy).key == "vehicle_state_error"
    mixed = mu.apply_operators(V3_ASLEEP, [("v2_fields_mixed_in", mu.v3.MIXED_IN[1])])
    assert mu.expected_error(mixed).title is None  # read as v2.0: no title


@pytest.mark.parametrize(
    ("operators", "field", "value"),
    [
        ([("links_missing", None)], "doc_url", None),
        ([("links_not_object", "https://smartcar.com/docs/errors/api-errors")], "doc_url", None),
        ([("links_about_wrong", {"about": 404})], "doc_url", None),
        ([("detail_missing", None)], "description", None),
        ([("detail_not_string", ["The sentence, as a list."])], "description", None),
        ([("detail_not_string", ["The sentence, as a list."])], "detail", None),
        ([("status_number", None)], "status", 409),
        ([("title_only", "type and title")], "description", None),
        ([("v2_fields_mixed_in", mu.v3.MIXED_IN[0])], "request_id", mu.v3.MIXED_REQUEST_ID),
        (
            [("v2_fields_mixed_in", mu.v3.MIXED_IN[3])],
            "doc_url",
            V3_ASLEEP.body["errors"][0]["links"]["about"],
        ),
    ],
)
def test_v3_field_rules(operators: list[tuple[str, Any]], field: str, value: Any) -> None:
    draft = mu.apply_operators(V3_ASLEEP, operators)
    assert getattr(mu.expected_error(draft), field) == value
    assert truth_from_the_wire(response_of(draft)) == mu.expected_error(draft)


# --- every operator, on a base where it applies -------------------------------------------


@pytest.mark.parametrize("name", sorted(mu.OPERATORS))
def test_every_operator_breaks_something_and_keeps_the_truth(name: str) -> None:
    operator = mu.OPERATORS[name]
    bases = {api: base for api, base in BASES.items() if operator.choices(base)}
    assert bases, f"{name} applies to neither a full v2.0 body nor a full V3 body"
    for base in bases.values():
        for choice in list(operator.choices(base))[:40]:
            draft = operator(base, choice)
            assert draft.malformed and draft.applied == (name,)
            assert len(draft.notes) == 1 and draft.description.startswith(base.label + ", ")
            assert len(draft.description) < 200, "descriptions stay readable"
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
    v3 = mu.apply_operators(V3_ASLEEP, [("errors_not_list", "object")])
    assert (
        v3.description
        == "V3 VEHICLE_STATE:ASLEEP, no SC-Request-Id, errors a JSON object, not an array"
    )
