"""``error_cases(api="v3")`` and ``api="any"``: V3 responses, mixed with v2.0 and legacy."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import Phase, find, given, settings

from pytest_smartcar.catalog import V3_ERRORS, get
from pytest_smartcar.strategies import (
    ErrorCase,
    error_bodies,
    error_cases,
    error_specs,
    malformed_error_bodies,
)

GENERATE_ONLY = settings(database=None, phases=[Phase.generate], deadline=None)


# --- the V3 shape ---------------------------------------------------------------------


@settings(GENERATE_ONLY, max_examples=300)
@given(error_bodies(api="v3"))
def test_v3_bodies_have_the_json_api_shape(body: dict[str, Any]) -> None:
    assert list(body) == ["errors"] and len(body["errors"]) == 1
    item = body["errors"][0]
    assert {"status", "type", "code", "title", "detail"} <= set(item)
    assert isinstance(item["status"], str) and item["status"].isdigit()
    assert "requestId" not in item and "statusCode" not in item and "description" not in item
    spec = get(
        item["type"] if item["code"] in (None, "UNAUTHORIZED") else f"{item['type']}:{item['code']}"
    )
    assert item["status"] == str(spec.status)
    json.dumps(body, allow_nan=False)


@settings(GENERATE_ONLY, max_examples=200)
@given(error_cases(api="v3", malformed=False, legacy=False))
def test_valid_v3_cases_claim_what_the_v3_item_holds(case: ErrorCase) -> None:
    item = case.response.json()["errors"][0]
    assert case.description.startswith("V3 ") and not case.malformed
    assert case.response.status_code == int(item["status"])
    assert (case.expected.type, case.expected.code) == (item["type"], item["code"])
    assert case.expected.title == item["title"] and case.expected.description == item["detail"]
    assert case.expected.detail is None


def test_v3_cases_vary_what_v3_examples_vary() -> None:
    cases = error_cases(
        "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", api="v3", malformed=False
    )
    for text in (
        "no links",
        "links first",
        "no resolution",
        "resolution.type null",
        "no SC-Request-Id",
    ):
        assert text in find(cases, lambda c, t=text: t in c.description).description  # type: ignore[misc]


def test_v3_cases_shrink_to_the_first_error_and_filters_apply() -> None:
    assert (
        find(error_cases(api="v3"), lambda c: True).description == "V3 AUTHENTICATION:UNAUTHORIZED"
    )
    found = find(error_cases("RATE_LIMIT:*", api="v3", malformed=False), lambda c: True)
    assert found.description == "V3 RATE_LIMIT:SMARTCAR_API" and found.response.status_code == 429
    jsonapi = find(error_cases(api="v3"), lambda c: "vnd.api+json" in c.description)
    assert jsonapi.expected.type is not None or jsonapi.malformed


def test_any_mixes_v2_v3_and_legacy_and_shrinks_to_v2() -> None:
    cases = error_cases(api="any")
    assert find(cases, lambda c: True).description == "AUTHENTICATION"
    assert find(cases, lambda c: c.description.startswith("V3 "))
    assert find(cases, lambda c: c.description.startswith("legacy v1.0"))
    assert find(error_cases(api="any", batch=True), lambda c: c.description.startswith("batch"))


def test_api_selects_the_errors_each_version_sends() -> None:
    v3_keys = {spec.key for spec in V3_ERRORS}
    assert "AUTHENTICATION:ACCESS_DENIED" in v3_keys and "VALIDATION" not in v3_keys

    @settings(GENERATE_ONLY, max_examples=200)
    @given(error_specs(api="v3"), error_cases(api="v3", malformed=False, legacy=True))
    def check(spec: Any, case: ErrorCase) -> None:
        assert spec.key in v3_keys
        assert case.description.startswith(("V3 ", "OAuth IAM:")), case.description

    check()
    assert find(error_specs(api="any"), lambda s: s.key == "VALIDATION:BAD_REQUEST")
    only_v3 = find(error_cases("AUTHENTICATION:ACCESS_DENIED", api="any"), lambda c: True)
    assert only_v3.description == "V3 AUTHENTICATION:ACCESS_DENIED"
    token = find(error_cases(api="v3"), lambda c: c.description.startswith("OAuth"))
    assert token.description.startswith("OAuth IAM:")


@settings(GENERATE_ONLY, max_examples=300)
@given(malformed_error_bodies("VEHICLE_STATE:ASLEEP", api="v3"))
def test_malformed_v3_bodies_are_json_values(value: Any) -> None:
    json.dumps(value, allow_nan=False)


def test_malformed_v3_bodies_break_the_errors_array() -> None:
    bodies = malformed_error_bodies("VEHICLE_STATE:ASLEEP", api="v3")
    assert find(bodies, lambda v: isinstance(v, dict) and v.get("errors") == [])
    assert find(bodies, lambda v: isinstance(v, dict) and not isinstance(v.get("errors"), list))
    assert find(
        bodies,
        lambda v: (
            isinstance(v, dict)
            and isinstance(v.get("errors"), list)
            and any(
                isinstance(e, dict) and not isinstance(e.get("status"), str) for e in v["errors"]
            )
        ),
    )
