"""Batch bodies with partial failures, read back by the official Python SDK's ``Vehicle.batch``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import smartcar
import smartcar.helpers
from requests.structures import CaseInsensitiveDict
from smartcar.exception import SmartcarException

from pytest_smartcar import catalog
from pytest_smartcar.batch import (
    DEFAULT_BODIES,
    ErrorOutcome,
    batch_body,
    batch_item,
    batch_response,
    default_body,
    normalize_path,
    parse_batch_request,
)

REQUEST_ID = "58ae060d-0a03-40a4-a628-3b699b479cd7"
ALL_PATHS = list(DEFAULT_BODIES)


def hand_built_response(body: dict[str, Any], *, request_id: str = REQUEST_ID) -> requests.Response:
    """A ``requests.Response`` as the SDK's HTTP layer would return it, without any network."""
    response = requests.Response()
    response.status_code = 200
    response.reason = "OK"
    response._content = json.dumps(body).encode("utf-8")
    response.encoding = "utf-8"
    response.headers = CaseInsensitiveDict(
        {"Content-Type": "application/json; charset=utf-8", "SC-Request-Id": request_id}
    )
    response.url = "https://api.smartcar.com/v2.0/vehicles/veh-1/batch"
    return response


@pytest.fixture
def sdk_batch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """Run the SDK's real ``Vehicle.batch`` against a batch body we built.

    Only ``smartcar.helpers.requester`` (the SDK's single HTTP entry point) is replaced, so
    request building and all response parsing are the SDK's own code. The fake also checks
    that the request the SDK sent parses with ``parse_batch_request``.
    """
    sent: list[dict[str, Any]] = []

    def run(paths: list[str], body: dict[str, Any]) -> Any:
        def fake_requester(method: str, url: str, **kwargs: Any) -> requests.Response:
            sent.append({"method": method, "url": url, **kwargs})
            return hand_built_response(body)

        monkeypatch.setattr(smartcar.helpers, "requester", fake_requester)
        result = smartcar.Vehicle("veh-1", "access-token").batch(paths)
        (call,) = sent[-1:]
        assert (call["method"], call["url"]) == (
            "POST",
            "https://api.smartcar.com/v2.0/vehicles/veh-1/batch",
        )
        assert parse_batch_request(json.dumps(call["json"]).encode()) == paths
        return result

    yield run


# --- Body shape ------------------------------------------------------------------------------


def test_mixed_body_shape() -> None:
    body = batch_body(
        {
            "/odometer": None,
            "/fuel": "VEHICLE_STATE:DOOR_OPEN",
            "/location": {"latitude": 1.5, "longitude": 2.5},
            "/battery/capacity": catalog.get("RATE_LIMIT:VEHICLE"),
        },
        request_id=REQUEST_ID,
        data_age="2019-10-24T00:43:46.000Z",
    )
    assert list(body) == ["responses"]
    odometer, fuel, location, capacity = body["responses"]
    assert odometer == {
        "path": "/odometer",
        "code": 200,
        "body": {"distance": 104.32},
        "headers": {
            "sc-data-age": "2019-10-24T00:43:46.000Z",
            "sc-fetched-at": "2019-10-24T00:43:46.000Z",
            "sc-unit-system": "metric",
        },
    }
    assert location["body"] == {"latitude": 1.5, "longitude": 2.5}
    assert "sc-unit-system" not in location["headers"]
    assert fuel["code"] == 409
    assert "headers" not in fuel  # error items carry no headers (Java SDK PR #118)
    assert fuel["body"]["type"] == "VEHICLE_STATE"
    assert fuel["body"]["code"] == "DOOR_OPEN"
    assert fuel["body"]["statusCode"] == 409
    assert fuel["body"]["requestId"] == REQUEST_ID
    assert capacity["code"] == 429
    assert capacity["headers"] == {"retry-after": "120"}
    json.dumps(body)  # JSON-serializable as is


def test_retry_after_title_case_and_rate_limits_without_a_documented_wait() -> None:
    body = batch_body(
        {"/odometer": "RATE_LIMIT:VEHICLE", "/fuel": "RATE_LIMIT:SMARTCAR_API"},
        retry_after_case="title",
    )
    vehicle_limit, api_limit = body["responses"]
    assert vehicle_limit["headers"] == {"Retry-After": "120"}
    assert "headers" not in api_limit  # the catalog has no documented Retry-After for it


@pytest.mark.parametrize("path", ALL_PATHS)
def test_default_success_bodies(path: str) -> None:
    (item,) = batch_body([path])["responses"]
    assert item["path"] == path
    assert item["code"] == 200
    assert item["body"] == DEFAULT_BODIES[path]
    assert item["body"] is not DEFAULT_BODIES[path]
    assert "sc-data-age" in item["headers"]


def test_unknown_path_gets_an_empty_body_and_paths_are_echoed_as_given() -> None:
    body = batch_body({"/diagnostics/dtcs": None, "odometer/": None})
    unknown, odometer = body["responses"]
    assert unknown["body"] == {}
    assert odometer["path"] == "odometer/"
    assert odometer["body"] == DEFAULT_BODIES["/odometer"]
    assert normalize_path(" /engine/oil/ ") == "/engine/oil"
    assert normalize_path("") == "/"


def test_default_body_is_a_copy() -> None:
    body = default_body("/security")
    body["doors"].clear()
    assert DEFAULT_BODIES["/security"]["doors"]


def test_item_headers_true_and_false() -> None:
    outcomes = {"/odometer": None, "/fuel": "VEHICLE_STATE:ASLEEP", "/vin": "RATE_LIMIT:VEHICLE"}
    always = batch_body(outcomes, item_headers=True)["responses"]
    assert [i["headers"] for i in always[1:]] == [{}, {"retry-after": "120"}]
    never = batch_body(outcomes, item_headers=False)["responses"]
    assert all("headers" not in i for i in never)


def test_error_outcome_options() -> None:
    item = batch_item(
        "/charge",
        ErrorOutcome(
            "VEHICLE_STATE:ASLEEP",
            status=500,
            retry_after=30,
            body={"suggestedUserMessage": ..., "extra": 1},
            headers={"x-debug": "1"},
        ),
    )
    assert item["code"] == 500
    assert item["body"]["statusCode"] == 409  # the body keeps the catalog's statusCode
    assert "suggestedUserMessage" not in item["body"]
    assert item["body"]["extra"] == 1
    assert item["headers"] == {"retry-after": "30", "x-debug": "1"}
    no_wait = batch_item("/charge", ErrorOutcome("RATE_LIMIT:VEHICLE", retry_after=None))
    assert "headers" not in no_wait


def test_body_options_reach_error_body() -> None:
    (item,) = batch_body(
        {"/odometer": "PERMISSION"}, resolution_style="string", app_name="Optiwatt"
    )["responses"]
    assert item["body"]["resolution"] == "REAUTHENTICATE"
    (item,) = batch_body({"/odometer": "RATE_LIMIT:VEHICLE"}, app_name="Optiwatt")["responses"]
    assert "Optiwatt" in item["body"]["suggestedUserMessage"]


def test_fresh_request_ids_per_error_item_unless_given() -> None:
    items = batch_body({"/a": "SERVER:INTERNAL", "/b": "SERVER:INTERNAL"})["responses"]
    assert items[0]["body"]["requestId"] != items[1]["body"]["requestId"]


def test_batch_response_is_a_200_with_the_request_id() -> None:
    response = batch_response({"/fuel": "VEHICLE_STATE:ASLEEP"}, request_id=REQUEST_ID)
    assert response.status_code == 200
    assert response.headers["SC-Request-Id"] == REQUEST_ID
    assert response.json()["responses"][0]["body"]["requestId"] == REQUEST_ID


def test_argument_errors_name_the_bad_value() -> None:
    with pytest.raises(catalog.UnknownSmartcarError, match="VEHICLE_STATE:ASLEEP"):
        batch_body({"/odometer": "VEHICLE_STATE:ASLEPE"})
    with pytest.raises(ValueError, match="'upper'"):
        batch_body(["/odometer"], retry_after_case="upper")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'yes'"):
        batch_body(["/odometer"], item_headers="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="42"):
        batch_body({"/odometer": 42})
    with pytest.raises(TypeError, match="'/odometer'"):
        batch_body("/odometer")  # a str is iterable, but never a list of paths
    with pytest.raises(TypeError, match="None"):
        normalize_path(None)  # type: ignore[arg-type]


# --- The official SDK reads our bodies --------------------------------------------------------


def test_sdk_batch_surfaces_per_path_errors(sdk_batch: Callable[..., Any]) -> None:
    paths = ["/odometer", "/fuel", "/battery/capacity", "/tires/pressure", "/"]
    body = batch_body(
        {
            "/odometer": None,
            "/fuel": "VEHICLE_STATE:DOOR_OPEN",
            "/battery/capacity": "RATE_LIMIT:VEHICLE",
            "/tires/pressure": None,
            "/": None,
        },
        retry_after_case="title",
        request_id=REQUEST_ID,
    )
    result = sdk_batch(paths, body)

    odometer = result.odometer()
    assert odometer.distance == 104.32
    assert odometer.meta.unit_system == "metric"
    assert odometer.meta.request_id == REQUEST_ID
    assert result.tire_pressure().front_left == 219.3
    assert result.attributes().make == "TESLA"
    assert result.meta.request_id == REQUEST_ID

    with pytest.raises(SmartcarException) as door:
        result.fuel()
    assert door.value.status_code == 409
    assert (door.value.type, door.value.code) == ("VEHICLE_STATE", "DOOR_OPEN")
    assert door.value.request_id == REQUEST_ID
    assert door.value.resolution == {"type": None, "url": None}
    assert not hasattr(door.value, "retry_after")

    with pytest.raises(SmartcarException) as limited:
        result.battery_capacity()
    assert limited.value.status_code == 429
    assert (limited.value.type, limited.value.code) == ("RATE_LIMIT", "VEHICLE")
    assert limited.value.retry_after == "120"
    assert limited.value.suggested_user_message.startswith("Your vehicle is temporarily")


def test_sdk_ignores_a_lower_case_retry_after_in_batch_items(
    sdk_batch: Callable[..., Any],
) -> None:
    # The SDK looks up "Retry-After" in a plain dict: item header casing matters to it.
    body = batch_body({"/odometer": "RATE_LIMIT:VEHICLE"}, retry_after_case="lower")
    result = sdk_batch(["/odometer"], body)
    with pytest.raises(SmartcarException) as limited:
        result.odometer()
    assert limited.value.status_code == 429
    assert not hasattr(limited.value, "retry_after")


@pytest.mark.parametrize("spec", catalog.API_ERRORS, ids=[s.key for s in catalog.API_ERRORS])
def test_sdk_reads_every_catalog_error_as_a_batch_item(
    sdk_batch: Callable[..., Any], spec: catalog.ErrorSpec
) -> None:
    result = sdk_batch(["/odometer"], batch_body({"/odometer": spec}, retry_after_case="title"))
    with pytest.raises(SmartcarException) as info:
        result.odometer()
    assert info.value.status_code == spec.status
    assert info.value.type == spec.type
    assert info.value.code == spec.code
    assert info.value.description == spec.description
    assert info.value.resolution["type"] == spec.resolution


def test_sdk_batch_needs_headers_on_success_items(sdk_batch: Callable[..., Any]) -> None:
    # Pin the SDK's fragility that item_headers=False exists to expose.
    with pytest.raises(KeyError, match="headers"):
        sdk_batch(["/odometer"], batch_body(["/odometer"], item_headers=False))


# --- Parsing the request ----------------------------------------------------------------------


def test_parse_batch_request() -> None:
    content = b'{"requests": [{"path": "/odometer"}, {"path": "/location"}]}'
    assert parse_batch_request(content) == ["/odometer", "/location"]
    assert parse_batch_request(content.decode()) == ["/odometer", "/location"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "JSON object"),
        (b'{"request": [{"path": "/odometer"}]}', 'no "requests" key'),
        (b'{"requests": []}', "non-empty list"),
        (b'{"requests": {"path": "/odometer"}}', "non-empty list"),
        (b'{"requests": ["/odometer"]}', r"requests\[0\]"),
        (b'{"requests": [{"path": "/odometer"}, {"path": 3}]}', r"requests\[1\]"),
        (b'{"requests": [{"path": ""}]}', r"requests\[0\]"),
    ],
    ids=[
        "empty",
        "not-utf8",
        "array",
        "wrong-key",
        "empty-list",
        "object",
        "bare-string",
        "int-path",
        "empty-path",
    ],
)
def test_parse_batch_request_rejects_malformed_requests(content: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_batch_request(content)


def test_parse_batch_request_type_error() -> None:
    with pytest.raises(TypeError, match="None"):
        parse_batch_request(None)  # type: ignore[arg-type]
