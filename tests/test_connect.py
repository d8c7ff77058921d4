"""Connect redirects: every Connect error, the success redirect and re-authentication."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pytest_smartcar import catalog
from pytest_smartcar.catalog import CONNECT_ERRORS, ConnectErrorSpec, UnknownSmartcarError
from pytest_smartcar.connect import (
    DEFAULT_AUTH_CODE,
    DEFAULT_STATE,
    ConnectError,
    all_connect_errors,
    complete_reauth_url,
    connect_success_redirect,
    parse_reauth_url,
    parse_redirect,
    reauth_error_redirect,
    reauth_success_redirect,
    wsgi_environ,
)
from pytest_smartcar.responses import error_body

REDIRECT_URI = "https://example.com/home"
CONNECT_IDS = [s.code for s in CONNECT_ERRORS]


def _single_values(url: str) -> dict[str, str]:
    """Parse independently of the module under test; a repeated key fails the test."""
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in parsed.values()), parsed
    return {k: v[0] for k, v in parsed.items()}


# --- A tiny WSGI callback app, as an app under test would have --------------------------------


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def callback_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Handles Connect's redirect the way Smartcar's docs describe: error, code or vehicle_id."""
    params = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
    if environ["PATH_INFO"] != "/callback":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    if "error" in params:
        outcome = {
            "outcome": "error",
            "error": params["error"],
            "message": params.get("error_description", ""),
            "state": params.get("state"),
            "vehicle": {k: params[k] for k in ("vin", "make", "model", "year") if k in params},
            "extra": {
                k: params[k] for k in ("status_code", "error_message", "vehicle_id") if k in params
            },
        }
        status = "400 Bad Request"
    elif "code" in params:
        outcome = {"outcome": "connected", "code": params["code"], "state": params.get("state")}
        status = "200 OK"
    elif "vehicle_id" in params:
        outcome = {"outcome": "reconnected", "vehicle_id": params["vehicle_id"]}
        outcome["state"] = params.get("state")
        status = "200 OK"
    else:
        outcome = {"outcome": "confused"}
        status = "500 Internal Server Error"
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(outcome).encode()]


def call(
    app: Callable[..., Iterable[bytes]], environ: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status
        seen["headers"] = headers

    body = b"".join(app(environ, start_response))
    return seen["status"], json.loads(body)


# --- Every Connect error --------------------------------------------------------------------


def test_the_catalog_has_nine_connect_errors() -> None:
    assert len(CONNECT_ERRORS) == 9
    assert [e.code for e in all_connect_errors()] == CONNECT_IDS


@pytest.mark.parametrize("spec", CONNECT_ERRORS, ids=CONNECT_IDS)
def test_redirect_url_parses_back_to_the_error(spec: ConnectErrorSpec) -> None:
    err = ConnectError(spec)
    url = err.redirect_url(REDIRECT_URI)
    assert url.startswith(REDIRECT_URI + "?error=" + spec.code + "&")
    params = _single_values(url)
    assert params["error"] == spec.code
    assert params["error_description"] == spec.description
    assert params["state"] == DEFAULT_STATE
    for param in spec.params:
        assert params[param.name] == (
            spec.test_vin if param.name == "vin" and spec.test_vin else param.example
        )
    assert set(params) == {"error", "error_description", "state", *(p.name for p in spec.params)}
    assert params == err.query == parse_redirect(url)
    # Smartcar form-encodes: spaces are "+", never "%20".
    assert "%20" not in url
    if " " in spec.description:
        assert "+" in url


@pytest.mark.parametrize("spec", CONNECT_ERRORS, ids=CONNECT_IDS)
def test_wsgi_callback_receives_every_error(spec: ConnectErrorSpec) -> None:
    err = ConnectError(spec, state="abc 123")
    environ = err.wsgi_environ("http://testserver/callback")
    assert environ["PATH_INFO"] == "/callback"
    assert environ["SERVER_NAME"] == "testserver"
    assert environ["SERVER_PORT"] == "80"
    status, outcome = call(callback_app, environ)
    assert status == "400 Bad Request"
    assert outcome["error"] == spec.code
    assert outcome["message"] == spec.description
    assert outcome["state"] == "abc 123"
    received = {**outcome["vehicle"], **outcome["extra"]}
    assert received == {p.name: err.query[p.name] for p in spec.params}


def test_wsgi_environ_built_from_a_plain_url() -> None:
    url = ConnectError("access_denied").redirect_url("https://app.example:8443/callback?x=1")
    environ = wsgi_environ(url)
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["SERVER_PORT"] == "8443"
    assert environ["HTTP_HOST"] == "app.example:8443"
    assert environ["QUERY_STRING"] == urlsplit(url).query
    assert environ["wsgi.input"].read() == b""
    status, outcome = call(callback_app, environ)
    assert (status, outcome["error"]) == ("400 Bad Request", "access_denied")


def test_access_denied_matches_smartcars_documented_location() -> None:
    err = ConnectError("access_denied")
    assert err.location_header(REDIRECT_URI) == {
        "Location": "https://example.com/home?error=access_denied"
        "&error_description=User+denied+access+to+application.&state=0facda3319"
    }


def test_vehicle_incompatible_uses_the_simulated_mode_vin() -> None:
    err = ConnectError("vehicle_incompatible")
    assert err.query["vin"] == "0SCAUDI012FE3B132" == catalog.get_connect(err.code).test_vin
    assert {"make", "model", "year"} <= set(err.query)


def test_optional_params_can_be_dropped_replaced_or_added() -> None:
    err = ConnectError(
        "vehicle_incompatible",
        params={"model": None, "year": 2021, "user_id": "u-1"},  # type: ignore[dict-item]
    )
    assert "model" not in err.query
    assert err.query["year"] == "2021"
    assert err.query["user_id"] == "u-1"
    url = err.redirect_url(REDIRECT_URI, vin=None, make="VW")
    params = _single_values(url)
    assert "vin" not in params
    assert params["make"] == "VW"


def test_state_none_omits_state_and_redirect_url_can_override_it() -> None:
    err = ConnectError("server_error", state=None)
    assert "state" not in err.query
    assert "state" not in _single_values(err.redirect_url(REDIRECT_URI))
    assert _single_values(err.redirect_url(REDIRECT_URI, state="xyz"))["state"] == "xyz"
    with_state = ConnectError("server_error")
    assert "state" not in _single_values(with_state.redirect_url(REDIRECT_URI, state=None))


def test_redirect_uri_query_is_kept_and_smartcar_params_win() -> None:
    url = ConnectError("access_denied").redirect_url(
        "https://example.com/cb?tenant=a%20b&state=stale&next=%2Fhome"
    )
    assert url.startswith("https://example.com/cb?tenant=a%20b&next=%2Fhome&error=access_denied")
    params = _single_values(url)
    assert params["tenant"] == "a b"
    assert params["next"] == "/home"
    assert params["state"] == DEFAULT_STATE


def test_non_ascii_description_is_utf8_percent_encoded() -> None:
    url = ConnectError("vehicle_incompatible").redirect_url(REDIRECT_URI)
    assert "The+user%E2%80%99s+vehicle" in url
    assert _single_values(url)["error_description"] == "The user’s vehicle is not compatible."


@pytest.mark.parametrize(
    "bad",
    ["/callback", "example.com/home", "ftp://example.com/home", "https://", "", "https://e.com/#x"],
)
def test_bad_redirect_uri_is_a_value_error_naming_it(bad: str) -> None:
    with pytest.raises(ValueError, match="redirect_uri") as info:
        ConnectError("access_denied").redirect_url(bad)
    assert repr(bad) in str(info.value)


def test_non_string_redirect_uri_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="42"):
        ConnectError("access_denied").redirect_url(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="b'x'"):
        connect_success_redirect(b"x")  # type: ignore[arg-type]


def test_constructor_accepts_codes_case_insensitively_and_rejects_unknown_ones() -> None:
    assert ConnectError("ACCESS_DENIED") == ConnectError(catalog.get_connect("access_denied"))
    assert hash(ConnectError("access_denied")) == hash(ConnectError("access_denied"))
    assert ConnectError("access_denied") != ConnectError("access_denied", state="other")
    assert repr(ConnectError("no_vehicles")) == "<ConnectError no_vehicles state='0facda3319'>"
    with pytest.raises(UnknownSmartcarError, match="access_denied"):
        ConnectError("acess_denied")
    with pytest.raises(TypeError, match="ConnectErrorSpec"):
        ConnectError(catalog.get("VEHICLE_STATE:ASLEEP"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="year="):
        ConnectError("vehicle_incompatible", params={"year": 20.5})  # type: ignore[dict-item]


def test_error_description_property() -> None:
    assert ConnectError("access_denied").error_description == "User denied access to application."
    overridden = ConnectError("access_denied", params={"error_description": "nope"})
    assert overridden.error_description == "nope"


# --- Success -----------------------------------------------------------------------------


def test_connect_success_redirect_carries_code_and_state() -> None:
    url = connect_success_redirect("http://testserver/callback", state="s 1")
    assert _single_values(url) == {"code": DEFAULT_AUTH_CODE, "state": "s 1"}
    assert "state=s+1" in url
    status, outcome = call(callback_app, wsgi_environ(url))
    assert (status, outcome["code"], outcome["state"]) == ("200 OK", DEFAULT_AUTH_CODE, "s 1")
    assert _single_values(connect_success_redirect(REDIRECT_URI, code="abc")) == {"code": "abc"}
    with pytest.raises(ValueError, match="code="):
        connect_success_redirect(REDIRECT_URI, code="")


# --- Re-authentication ---------------------------------------------------------------------


def _resolution_url(*, vehicle_id: str | None = None, client_id: str | None = None) -> str:
    spec = catalog.get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
    url: str = error_body(spec, vehicle_id=vehicle_id, client_id=client_id)["resolution"]["url"]
    return url


def test_complete_reauth_url_appends_redirect_uri_state_and_user() -> None:
    partial = _resolution_url(vehicle_id="veh-1", client_id="client-1")
    full = complete_reauth_url(partial, redirect_uri=REDIRECT_URI, state="0facda3319", user="u 1")
    assert full.startswith(partial + "&redirect_uri=")
    parts = urlsplit(full)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "connect.smartcar.com",
        "/oauth/reauthenticate",
    )
    assert _single_values(full) == {
        "response_type": "vehicle_id",
        "client_id": "client-1",
        "vehicle_id": "veh-1",
        "redirect_uri": REDIRECT_URI,
        "state": "0facda3319",
        "user": "u 1",
    }
    assert parse_reauth_url(full) == _single_values(full)


def test_complete_reauth_url_without_optional_params() -> None:
    full = complete_reauth_url(_resolution_url(), redirect_uri=REDIRECT_URI)
    assert set(_single_values(full)) == {"response_type", "client_id", "vehicle_id", "redirect_uri"}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "https://connect.smartcar.com/oauth/authorize?response_type=vehicle_id&client_id=c&vehicle_id=v",
            "path is '/oauth/authorize'",
        ),
        (
            "https://evil.example/oauth/reauthenticate?response_type=vehicle_id&client_id=c&vehicle_id=v",
            "origin is 'https://evil.example'",
        ),
        (
            "http://connect.smartcar.com/oauth/reauthenticate?response_type=vehicle_id&client_id=c&vehicle_id=v",
            "origin is 'http://connect.smartcar.com'",
        ),
        (
            "https://connect.smartcar.com/oauth/reauthenticate?response_type=code&client_id=c&vehicle_id=v",
            "response_type is 'code'",
        ),
        (
            "https://connect.smartcar.com/oauth/reauthenticate?response_type=vehicle_id&client_id=c",
            "vehicle_id is missing",
        ),
        (
            catalog.get("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED").resolution_url,
            "placeholder",
        ),
    ],
    ids=[
        "authorize-path",
        "other-host",
        "plain-http",
        "response-type",
        "no-vehicle-id",
        "template",
    ],
)
def test_complete_reauth_url_rejects_what_is_not_a_reauth_url(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match="resolution_url") as info:
        complete_reauth_url(url, redirect_uri=REDIRECT_URI)
    assert problem in str(info.value)


def test_complete_reauth_url_rejects_an_already_completed_url_and_bad_redirect_uri() -> None:
    full = complete_reauth_url(_resolution_url(), redirect_uri=REDIRECT_URI)
    with pytest.raises(ValueError, match="already has a redirect_uri"):
        complete_reauth_url(full, redirect_uri=REDIRECT_URI)
    with pytest.raises(ValueError, match="'/home'"):
        complete_reauth_url(_resolution_url(), redirect_uri="/home")
    with pytest.raises(TypeError, match="None"):
        complete_reauth_url(None, redirect_uri=REDIRECT_URI)  # type: ignore[arg-type]


def test_parse_reauth_url_requires_redirect_uri_unless_told_otherwise() -> None:
    partial = _resolution_url()
    with pytest.raises(ValueError, match="no redirect_uri"):
        parse_reauth_url(partial)
    assert parse_reauth_url(partial, require_redirect_uri=False)["response_type"] == "vehicle_id"
    relative = partial + "&redirect_uri=%2Fhome"
    with pytest.raises(ValueError, match="redirect_uri parameter"):
        parse_reauth_url(relative)


def test_reauth_success_redirect_has_vehicle_id_and_no_code() -> None:
    url = reauth_success_redirect("http://testserver/callback", vehicle_id="veh-9", state="st")
    assert _single_values(url) == {"vehicle_id": "veh-9", "state": "st"}
    status, outcome = call(callback_app, wsgi_environ(url))
    assert (status, outcome) == (
        "200 OK",
        {"outcome": "reconnected", "vehicle_id": "veh-9", "state": "st"},
    )
    assert set(_single_values(reauth_success_redirect(REDIRECT_URI))) == {"vehicle_id"}


def test_reauth_error_redirect_is_access_denied() -> None:
    url = reauth_error_redirect(REDIRECT_URI, state="0facda3319")
    assert url == (
        "https://example.com/home?error=access_denied"
        "&error_description=User+denied+access+to+application.&state=0facda3319"
    )
    assert "state" not in _single_values(reauth_error_redirect(REDIRECT_URI))


def test_parse_redirect_rejects_repeated_parameters() -> None:
    with pytest.raises(ValueError, match="'a' appears more than once"):
        parse_redirect("https://e.com/?a=1&a=2")
