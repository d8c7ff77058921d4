"""Tests of ``pytest_smartcar.strategies`` and of the mutation operators behind it."""

from __future__ import annotations

import asyncio
import json
import re
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

from pytest_smartcar import _drafting as drafting
from pytest_smartcar import _mutations as mu
from pytest_smartcar import strategies as strats
from pytest_smartcar.catalog import API_ERRORS, UnknownSmartcarError, get
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
from tests.wire_truth import agrees, truth_from_the_wire

REQUEST_ID = "5dea93a1-3f79-4246-90c5-89610a20471b"
GENERATE_ONLY = settings(database=None, phases=[Phase.generate], deadline=None)


# --- acceptance: ``expected`` is the ground truth, and the reference parser meets it ----------


@settings(GENERATE_ONLY, max_examples=600)
@given(error_cases(batch=True, api="any"))
def test_expected_is_what_an_independent_reading_of_the_wire_gives(case: ErrorCase) -> None:
    assert truth_from_the_wire(case.response) == case.expected


@settings(GENERATE_ONLY, max_examples=3000)
@given(error_cases(batch=True, api="any"))
def test_the_reference_parser_agrees_with_every_claim(case: ErrorCase) -> None:
    """v2.0, V3, legacy, OAuth and batch responses, valid and malformed: 3,000 of them.
    ``from_response`` raising would fail the test as surely as a wrong claim."""
    agrees(SmartcarError.from_response(case.response), case.expected)


# --- the operators: every one reachable, the mix as designed -----------------------------------

V3_REAUTH = mu.v3_draft(
    get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"), request_id=REQUEST_ID
)
V2_REAUTH = mu.v2_draft(
    get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED"), request_id=REQUEST_ID
)


@pytest.mark.parametrize(
    ("pools", "base"),
    [
        (("field_ops", "replace_ops", "header_ops"), V2_REAUTH),
        (("v3_field_ops", "replace_ops", "v3_header_ops"), V3_REAUTH),
    ],
    ids=["v2.0", "V3"],
)
def test_every_operator_of_a_pool_applies_to_what_the_pool_is_drawn_for(
    pools: tuple[str, ...], base: mu.Draft
) -> None:
    """Reachability without luck: every operator a malformed case may draw is in the
    registry and applies to a valid base of its family (so it is drawn with a chance
    set by its weight, never zero)."""
    plan = drafting.Plan(specs=API_ERRORS, families=("v2",))
    for pool in pools:
        names = set(getattr(plan, pool))
        assert names <= set(mu.OPERATORS), names - set(mu.OPERATORS)
        for name in names:
            assert mu.OPERATORS[name].choices(base), f"{name} ({pool}) never applies"


def test_every_operator_is_in_a_pool() -> None:
    plan = drafting.Plan(specs=API_ERRORS, families=("v2",))
    pooled = {
        *plan.field_ops,
        *plan.v3_field_ops,
        *plan.replace_ops,
        *plan.header_ops,
        *plan.v3_header_ops,
    }
    assert pooled == set(mu.OPERATORS)


_SEEN: Counter[str] = Counter()


@settings(GENERATE_ONLY, max_examples=1500)
@given(
    drafting.drafts(
        strats._plan(
            strats._specs((), None, None, None, None, "any"),
            "any",
            malformed=True,
            legacy=True,
            batch=False,
        )
    )
)
def _collect(draft: mu.Draft) -> None:
    _SEEN["cases"] += 1
    _SEEN["malformed"] += draft.malformed
    _SEEN["family " + draft.family] += 1
    _SEEN.update(draft.applied)


def test_error_cases_mix_families_and_operators_and_stay_half_valid() -> None:
    """Sampled proportions, with margins so wide that no seed misses them: the malformed
    share is 0.50-0.52 in runs of 5,000 (a standard deviation of 0.013 at 1,500 examples);
    the rarest operators come about once in 400 cases, so a few may be absent from a run,
    but not a quarter of them."""
    _SEEN.clear()
    _collect()
    assert 0.35 < _SEEN["malformed"] / _SEEN["cases"] < 0.65
    for family in ("v2", "v3", "v1", "oauth"):  # the rarest, oauth, comes 85 times in 1,500
        assert _SEEN["family " + family] > 20, family
    reached = set(mu.OPERATORS) & set(_SEEN)
    assert len(reached) > 0.75 * len(mu.OPERATORS), set(mu.OPERATORS) - reached


def test_resolution_without_url_is_generated_for_the_errors_that_have_a_url() -> None:
    with_url = error_cases(
        "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED",
        "CONNECTED_SERVICES_ACCOUNT:VIRTUAL_KEY_REQUIRED",
        malformed=True,
    )
    # 1 case in 200 has it: find's default 2,000 tries would miss it once in 20,000 runs.
    case = find(
        with_url,
        lambda c: "resolution object without url" in c.description,
        settings=settings(max_examples=10_000),
    )
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
        (lambda: error_cases(api="v2"), InvalidArgument, "got 'v2' (did you mean v2.0?)"),
        (lambda: error_bodies(api=3), InvalidArgument, "'v2.0', 'v3' or 'any', got 3"),  # type: ignore[arg-type]
        (lambda: error_cases(api="v3", batch=True), InvalidArgument, "API V3 has no batch"),
        (lambda: error_responses(api="v3", batch=True), InvalidArgument, "api='any'"),
        (lambda: batch_responses(paths="/odometer"), InvalidArgument, "'/odometer'"),
        (lambda: batch_responses(paths=["odometer"]), InvalidArgument, "'odometer'"),
        (lambda: batch_responses(paths=[]), InvalidArgument, "at least one path"),
    ],
)
def test_arguments_are_validated_with_the_bad_value(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
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


def _huge(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 10_000


def test_malformed_bodies_break_the_shape_in_every_way() -> None:
    bodies = malformed_error_bodies("VEHICLE_STATE:ASLEEP")
    assert find(bodies, lambda v: not isinstance(v, dict)) is None  # JSON null is the simplest
    assert isinstance(find(bodies, lambda v: isinstance(v, list)), list)
    assert "type" not in find(bodies, lambda v: isinstance(v, dict) and "type" not in v)
    # Each predicate holds for 1 case in 60 or more, so find's 2,000 tries miss it with a
    # chance below 1e-12 (a statusCode of one given wrong type is 1 in 1,000: a flaky test).
    assert find(bodies, lambda v: isinstance(v, dict) and type(v.get("statusCode", 0)) is not int)
    assert find(bodies, lambda v: isinstance(v, dict) and any(_huge(x) for x in v.values()))


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
    # The key, then one mutation ("AUTHENTICATION, body is an array nested 100,000 deep":
    # a mutation's own text may hold a comma, never ", ").
    shrunk = find(error_cases(), lambda case: case.malformed).description
    assert len(shrunk.split(", ")) == 2, shrunk


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


def test_importing_hypothesis_imports_nothing_of_ours_and_from_type_still_works() -> None:
    out = _python(
        """
        import sys
        import hypothesis
        from hypothesis import find, strategies as st
        ours = sorted(m for m in sys.modules if m.startswith("pytest_smartcar."))
        # the entry point and the package's one import hook (standard library only)
        assert ours == ["pytest_smartcar._hypothesis_entry", "pytest_smartcar._import_hooks"], ours
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


def test_from_type_works_for_modules_imported_before_hypothesis_and_reimported() -> None:
    out = _python(
        """
        import sys
        import pytest_smartcar.catalog
        import hypothesis
        from hypothesis import find, strategies as st
        print(find(st.from_type(pytest_smartcar.catalog.ErrorSpec), lambda s: True).key)
        for name in [m for m in sys.modules if m.startswith("pytest_smartcar.")]:
            if name != "pytest_smartcar._hypothesis_entry":
                del sys.modules[name]  # as pytester does after an in-process run
        from pytest_smartcar.parser import SmartcarError
        print(find(st.from_type(SmartcarError), lambda e: e.type is not None).key)
        """
    )
    assert out.splitlines() == ["AUTHENTICATION", "AUTHENTICATION"]


def test_importing_the_strategies_builds_nothing() -> None:
    out = _python(
        """
        import pytest_smartcar._drafting as d
        import pytest_smartcar.strategies
        caches = (d.sampler, d.index, d.request_id_bytes)
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
