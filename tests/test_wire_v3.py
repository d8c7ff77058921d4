"""The V3 wire format and the catalog's V3 facts, against the bodies Smartcar publishes."""

from __future__ import annotations

import json

import pytest

from pytest_smartcar import catalog
from pytest_smartcar.wire import v3

# Verbatim from reference smartcar-v3.md section 2 (the doc typos, trailing commas, removed).
PUBLISHED = {
    "AUTHENTICATION": {
        "links": {
            "about": "https://smartcar.com/docs/errors/api-errors/authentication-errors#null"
        },
        "status": "401",
        "type": "AUTHENTICATION",
        "code": "UNAUTHORIZED",
        "title": "Unauthorized",
        "detail": "The Authorization token is missing or invalid.",
    },
    "AUTHENTICATION:ACCESS_DENIED": {
        "status": "403",
        "type": "AUTHENTICATION",
        "code": "ACCESS_DENIED",
        "title": "Access Denied",
        "detail": "The given token does not provide access to the requested resource.",
    },
    "VALIDATION:BAD_REQUEST": {
        "status": "400",
        "type": "VALIDATION",
        "code": "BAD_REQUEST",
        "title": "Bad Request",
        "detail": "The request could not be understood by the server due to malformed syntax.",
        "links": {"about": "https://smartcar.com/docs/errors/api-errors/v3/validation-errors"},
    },
    "COMPATIBILITY:MAKE_NOT_COMPATIBLE": {
        "status": "501",
        "type": "COMPATIBILITY",
        "code": "MAKE_NOT_COMPATIBLE",
        "title": "Make Not Compatible",
        "detail": "Smartcar is not yet compatible with this vehicle’s make in the country you "
        "specified.",
        "links": {
            "about": "https://smartcar.com/docs/errors/api-errors/compatibility-errors"
            "#make-not-compatible"
        },
        "resolution": {"type": None},
    },
    "UPSTREAM:INVALID_DATA": {
        "status": "502",
        "type": "UPSTREAM",
        "code": "INVALID_DATA",
        "title": "Bad Gateway",
        "detail": "Smartcar received invalid data from an upstream source. Please retry your "
        "request at a later time.",
        "links": {
            "about": "https://smartcar.com/docs/errors/api-errors/upstream-errors#invalid-data"
        },
        "resolution": {"type": "RETRY_LATER"},
        "suggestedUserMessage": "Your car is temporarily unable to connect to <app name>. "
        "Please be patient while we're working to resolve this issue.",
    },
}


@pytest.mark.parametrize("key", PUBLISHED)
def test_published_v3_bodies_are_reproduced(key: str) -> None:
    body = v3.error_body(catalog.get(key), app_name="<app name>")
    item = body["errors"][0]
    if "suggestedUserMessage" in item:  # the catalog keeps Smartcar's curly apostrophe
        item["suggestedUserMessage"] = item["suggestedUserMessage"].replace("’", "'")
    assert body == {"errors": [PUBLISHED[key]]}


def test_v3_body_carries_no_v2_fields_and_a_string_status() -> None:
    for spec in catalog.V3_ERRORS:
        (item,) = v3.error_body(spec)["errors"]
        assert item["status"] == str(spec.status)
        assert not {"requestId", "statusCode", "docURL", "description"} & set(item)
        assert isinstance(item["title"], str) and isinstance(item["detail"], str)
        assert item["type"] == spec.type


def test_reply_headers_request_id_and_retry_after() -> None:
    spec = catalog.get("RATE_LIMIT:VEHICLE")
    reply = v3.error_reply(spec, request_id="req-1")
    headers = dict(reply.headers)
    assert (reply.status, headers["SC-Request-Id"], headers["Retry-After"]) == (429, "req-1", "120")
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(reply.body)["errors"][0]["code"] == "VEHICLE"


def test_headers_can_be_dropped_or_replaced() -> None:
    spec = catalog.get("RATE_LIMIT:VEHICLE")
    reply = v3.error_reply(
        spec,
        retry_after=None,
        headers={"SC-Request-Id": None, "Content-Type": "application/vnd.api+json"},
    )
    names = {k.lower(): v for k, v in reply.headers}
    assert "retry-after" not in names and "sc-request-id" not in names
    assert names["content-type"] == "application/vnd.api+json"


def test_template_gives_a_fresh_request_id_per_reply() -> None:
    template = v3.error_template(catalog.get("VEHICLE_STATE:ASLEEP"))
    first, second = (dict(template.reply().headers)["SC-Request-Id"] for _ in range(2))
    assert first != second and len(first) == 36


def test_body_overrides_replace_and_remove_item_fields() -> None:
    spec = catalog.get("VEHICLE_STATE:ASLEEP")
    template = v3.error_template(spec, status=503, body={"title": "Zzz", "links": ...})
    reply = template.reply()
    (item,) = json.loads(reply.body)["errors"]
    assert reply.status == 503 and item["status"] == "409"
    assert item["title"] == "Zzz" and "links" not in item


def test_resolution_styles_and_connect_link() -> None:
    spec = catalog.get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
    item = v3.error_item(spec, vehicle_id="veh-1", client_id="cid")
    assert item["resolution"]["type"] == "REAUTHENTICATE"
    assert "vehicle_id=veh-1" in item["resolution"]["url"]
    assert "client_id=cid" in item["resolution"]["url"]
    assert v3.error_item(spec, resolution_style="string")["resolution"] == "REAUTHENTICATE"
    assert v3.error_item(spec, resolution_style="null")["resolution"] is None


def test_signal_error_is_type_and_code() -> None:
    spec = catalog.get("COMPATIBILITY:VEHICLE_NOT_CAPABLE")
    assert v3.signal_error(spec) == {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"}


def test_spec_response_picks_the_wire_format() -> None:
    spec = catalog.get("VEHICLE_STATE:ASLEEP")
    assert "errors" in spec.response(api="v3").json()
    assert spec.response().json()["statusCode"] == 409
    assert spec.body(api="v3")["errors"][0]["code"] == "ASLEEP"
    with pytest.raises(ValueError, match="api="):
        spec.response(api="v4")


# -- the catalog's V3 data ------------------------------------------------------------------


def test_v3_errors_are_the_shared_ones_then_the_v3_only_ones() -> None:
    v3_only = {s.key for s in catalog.V3_ONLY_ERRORS}
    assert v3_only == {"AUTHENTICATION:ACCESS_DENIED", "VALIDATION:BAD_REQUEST"}
    assert [s.key for s in catalog.V3_ERRORS] == [
        *(s.key for s in catalog.API_ERRORS if s.key != "VALIDATION"),
        *(s.key for s in catalog.V3_ONLY_ERRORS),
    ]
    assert all(s.apis == ("v3",) for s in catalog.V3_ONLY_ERRORS)
    assert catalog.get("VALIDATION").apis == ("v2.0",)


def test_every_v3_fact_has_a_source_and_unconfirmed_ones_say_so() -> None:
    confirmed = set(PUBLISHED)
    for spec in catalog.V3_ERRORS:
        assert spec.v3.source
        if spec.key not in confirmed:
            assert spec.v3.notes and "UNCONFIRMED" in spec.v3.notes, spec.key


def test_v3_names_of_null_code_errors_find_the_entry() -> None:
    assert catalog.get("authentication:unauthorized") is catalog.get("AUTHENTICATION")
    assert catalog.get("AUTHENTICATION").v3_key == "AUTHENTICATION:UNAUTHORIZED"
    assert catalog.select("AUTHENTICATION:UNAUTHORIZED") == (catalog.get("AUTHENTICATION"),)


def test_select_by_api() -> None:
    assert catalog.select() == catalog.API_ERRORS
    assert catalog.select(api="v3") == catalog.V3_ERRORS
    assert len(catalog.select(api="any")) == len(catalog.API_ERRORS) + 2
    assert catalog.select(type="AUTHENTICATION", api="v3") == (
        catalog.get("AUTHENTICATION"),
        catalog.get("AUTHENTICATION:ACCESS_DENIED"),
    )
    # A key named exactly is selected whatever api= says.
    assert catalog.select("VALIDATION:BAD_REQUEST") == (catalog.get("VALIDATION:BAD_REQUEST"),)
    with pytest.raises(ValueError, match="api="):
        catalog.select(api="v4")


def test_iam_token_errors_are_oauth_style_entries() -> None:
    request = catalog.lookup("IAM:INVALID_REQUEST")
    client = catalog.lookup("IAM:INVALID_CLIENT")
    assert isinstance(request, catalog.OAuthErrorSpec) and request.host == "iam"
    assert (request.status, client.status) == (400, 401)
    assert client.body() == {
        "error": "invalid_client",
        "error_description": "Invalid client_id or client_secret.",
    }
    assert "UNCONFIRMED" in (client.notes or "")


def test_refusals_name_catalog_errors() -> None:
    whens = {r.when: catalog.get(r.key) for r in catalog.REFUSALS}
    assert whens["no_authorization"].v3.code == "UNAUTHORIZED"
    assert whens["no_sc_user_id"].key == "VALIDATION:BAD_REQUEST"
