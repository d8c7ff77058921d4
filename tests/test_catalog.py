"""The catalog against the seed documents, and its lookup and filter API."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from pytest_smartcar import catalog
from pytest_smartcar.catalog import UnknownSmartcarError

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
TYPES = sorted(
    {"CONNECTED_SERVICES_ACCOUNT", "RESOURCE_NOT_FOUND", "VEHICLE_STATE", "AUTHENTICATION",
     "COMPATIBILITY", "RATE_LIMIT", "PERMISSION", "VALIDATION", "UPSTREAM", "BILLING", "SERVER"},
    key=len,
    reverse=True,
)  # fmt: skip


def _seed_text() -> str:
    path = SEEDS / "api-and-connect-errors.txt"
    if not path.exists():
        message = f"seed document not found at {path} (shared/ must sit beside the repo)"
        if os.environ.get("CI"):  # CI always has shared/: its absence is a broken set-up
            pytest.fail(message)
        pytest.skip(message)
    return path.read_text("utf-8")


def _seed_api_rows() -> list[tuple[str, str | None, int]]:
    rows = []
    for line in _seed_text().splitlines():
        for type_ in TYPES:
            m = re.match(re.escape(type_) + r"([A-Z_]+?)(\d{3})", line)
            if m:
                code = None if m.group(1) == "NULL" else m.group(1)
                rows.append((type_, code, int(m.group(2))))
                break
    return rows


def _seed_connect_codes() -> list[str]:
    """Rows read "Access Deniedaccess_deniedThis error...": a name, then its snake_case code."""
    codes = []
    for line in _seed_text().split("API Errors")[0].splitlines():
        head = re.split(r"This error|If there", line)[0]
        for i in range(1, len(head)):
            if head[i:] == head[:i].lower().replace(" ", "_"):
                codes.append(head[i:])
                break
    return codes


def test_every_seed_api_row_is_in_the_catalog_with_its_status() -> None:
    rows = _seed_api_rows()
    assert len(rows) == 45
    by_pair = {(s.type, s.code): s for s in catalog.API_ERRORS}
    for type_, code, status in rows:
        assert (type_, code) in by_pair, f"{type_}:{code} missing"
        assert by_pair[(type_, code)].status == status
    extra = {s.key for s in catalog.API_ERRORS} - {
        t if c is None else f"{t}:{c}" for t, c, _ in rows
    }
    assert extra == {
        "COMPATIBILITY:PLATFORM_NOT_CAPABLE",
        "VEHICLE_STATE:CHARGING_PLUG_CONNECTED",
        "VEHICLE_STATE:LOW_BATTERY",
    }
    assert len(catalog.API_ERRORS) == 48


def test_seed_rows_keep_documentation_order() -> None:
    seed_keys = [t if c is None else f"{t}:{c}" for t, c, _ in _seed_api_rows()]
    ours = [s.key for s in catalog.API_ERRORS if s.in_overview_table]
    assert sorted(ours, key=seed_keys.index) == ours or ours == seed_keys


def test_every_seed_connect_error_is_in_the_catalog() -> None:
    codes = _seed_connect_codes()
    assert len(codes) == 6
    ours = [s.code for s in catalog.CONNECT_ERRORS]
    assert set(codes) <= set(ours)
    assert len(ours) == 9
    assert {"oem_cancelled_login", "user_manually_returned_to_application",
            "battery_capacity_no_selection"} <= set(ours)  # fmt: skip


def test_entries_are_frozen_and_carry_sources() -> None:
    for spec in catalog.API_ERRORS:
        assert spec.source.startswith("https://smartcar.com/docs/")
        assert spec.resolution in (*catalog.RESOLUTION_TYPES, None)
        assert spec.doc_url.startswith("https://smartcar.com/docs/errors/")
        with pytest.raises(dataclasses.FrozenInstanceError):
            spec.status = 200  # type: ignore[misc]
    assert catalog.get("RATE_LIMIT:VEHICLE").retry_after == 120
    assert catalog.get("VALIDATION").detail is not None
    assert catalog.get("SERVER:MULTIPLE_RECORDS_FOUND").detail == (
        {"capacities": [83.9, 83.9, 70.2]},
    )
    assert catalog.get("VEHICLE_STATE:ASLEEP").test_vin == "0SCLR0002E8896323"
    assert catalog.get("VEHICLE_STATE:ASLEEP").test_email == "VEHICLE_STATE.ASLEEP@smartcar.com"
    assert catalog.get("CONNECTED_SERVICES_ACCOUNT:VIRTUAL_KEY_REQUIRED").resolution_url == (
        "https://www.tesla.com/_ak/smartcar.com"
    )
    assert catalog.get_connect("vehicle_incompatible").test_vin == "0SCAUDI012FE3B132"


def test_legacy_and_oauth_errors_are_data_too() -> None:
    vs = catalog.lookup("v1:vehicle_state_error:vs_000")
    assert isinstance(vs, catalog.LegacyErrorSpec)
    assert vs.body() == {
        "error": "vehicle_state_error",
        "message": "Vehicle state cannot be determined.",
        "code": "VS_000",
    }
    oauth = catalog.lookup("oauth:invalid_code")
    assert isinstance(oauth, catalog.OAuthErrorSpec)
    assert oauth.body("abc") == {
        "error": "invalid_request",
        "error_description": "Invalid code: abc.",
    }


@pytest.mark.parametrize(
    "key", ["vehicle_state:asleep", " VEHICLE_STATE:ASLEEP ", "Vehicle_State:Asleep"]
)
def test_get_is_case_insensitive(key: str) -> None:
    assert catalog.get(key).key == "VEHICLE_STATE:ASLEEP"


def test_code_less_keys() -> None:
    assert catalog.get("authentication").code is None
    assert catalog.get("PERMISSION:").key == "PERMISSION"


def test_unknown_key_names_the_closest() -> None:
    with pytest.raises(UnknownSmartcarError) as info:
        catalog.get("VEHICLE_STATE:ASLEPE")
    assert isinstance(info.value, KeyError)
    assert "VEHICLE_STATE:ASLEEP" in str(info.value)
    assert info.value.suggestions[0] == "VEHICLE_STATE:ASLEEP"
    with pytest.raises(UnknownSmartcarError, match="VEHICLE_STATE:ASLEEP"):
        catalog.get("ASLEEP")
    with pytest.raises(UnknownSmartcarError):
        catalog.get("OAUTH:INVALID_CODE")  # get() is for API errors; lookup() finds it


def test_select_globs_and_filters_in_catalog_order() -> None:
    state = catalog.select("VEHICLE_STATE:*")
    assert [s.key for s in state] == [
        s.key for s in catalog.API_ERRORS if s.type == "VEHICLE_STATE"
    ]
    assert [s.key for s in catalog.select("*:RATE_LIMIT")] == ["UPSTREAM:RATE_LIMIT"]
    assert [s.key for s in catalog.select("VALIDATION:*")] == ["VALIDATION", "VALIDATION:PARAMETER"]
    retry = catalog.select(resolution="RETRY_LATER", status=409)
    assert [s.key for s in retry] == ["VEHICLE_STATE:UNKNOWN", "VEHICLE_STATE:LOW_BATTERY"]
    assert catalog.select(type=["billing"], exclude="*:VEHICLE_*") == (
        catalog.get("BILLING:INVALID_PLAN"),
        catalog.get("BILLING:ACCOUNT_SUSPENDED"),
    )
    assert len(catalog.select(resolution="none")) == sum(
        s.resolution is None for s in catalog.API_ERRORS
    )
    assert catalog.select() == catalog.API_ERRORS
    assert catalog.select("VEHICLE_STATE:*", status=430) == ()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"type": "VEHICLE_STAT"},
            ValueError,
            "type='VEHICLE_STAT' matches no Smartcar error; did you mean VEHICLE_STATE?",
        ),
        ({"status": 418}, ValueError, "status=418 matches no Smartcar error"),
        ({"resolution": "RETRY"}, ValueError, "did you mean RETRY_LATER?"),
        ({"status": "409"}, TypeError, "status= takes an int or a list of them, got '409'"),
    ],
)
def test_select_rejects_bad_filters(kwargs: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error) as info:
        catalog.select(**kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_select_unknown_concrete_key() -> None:
    with pytest.raises(UnknownSmartcarError, match="did you mean VEHICLE_STATE:DOOR_OPEN"):
        catalog.select("VEHICLE_STATE:DOOR_OPN")
