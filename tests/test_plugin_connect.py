"""Issue 6 through pytest: the Connect marker, and a whole re-authentication walk."""

from __future__ import annotations

import pytest

CALLBACK_APP = '''
from urllib.parse import parse_qs

def callback_app(environ, start_response):
    """A tiny WSGI redirect handler, as an app would write it (no framework)."""
    query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
    if "error" in query:
        status, text = "400 Bad Request", "error:" + query["error"]
    elif "vehicle_id" in query and "code" not in query:
        status, text = "200 OK", "reauthenticated:" + query["vehicle_id"]
    else:
        status, text = "200 OK", "connected"
    start_response(status, [("Content-Type", "text/plain")])
    return [text.encode()], query

def call(app, environ):
    seen = {}
    def start(status, headers):
        seen["status"] = status
    body, query = app(environ, start)
    return seen["status"], b"".join(body).decode(), query
'''


def test_connect_marker_parametrizes_all_nine_through_a_wsgi_callback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(callback=CALLBACK_APP)
    pytester.makepyfile(
        """
        import pytest
        from callback import callback_app, call
        from pytest_smartcar.connect import wsgi_environ

        @pytest.mark.smartcar_connect_error
        def test_callback(smartcar_connect_error):
            url = smartcar_connect_error.redirect_url("https://app.example/callback?src=x")
            status, text, query = call(callback_app, wsgi_environ(url))
            assert status == "400 Bad Request"
            assert text == "error:" + smartcar_connect_error.code
            assert query["state"] == "0facda3319"
            assert query["src"] == "x"
            assert query == {**smartcar_connect_error.query, "src": "x"}
            if smartcar_connect_error.code == "vehicle_incompatible":
                assert query["vin"] == "0SCAUDI012FE3B132"
                assert {"make", "model", "year"} <= set(query)
            if smartcar_connect_error.code == "configuration_error":
                assert {"status_code", "error_message"} <= set(query)
            if smartcar_connect_error.code == "battery_capacity_no_selection":
                assert "vehicle_id" in query

        @pytest.mark.smartcar_connect_error("access_denied", state=None)
        def test_single(smartcar_connect_error):
            assert "state" not in smartcar_connect_error.query
            assert smartcar_connect_error.spec.description == "User denied access to application."
        """
    )
    result = pytester.runpytest("-v", "-p", "no:randomly")
    result.assert_outcomes(passed=10)
    result.stdout.re_match_lines(
        [
            r".*test_callback\[access_denied\] PASSED.*",
            r".*test_callback\[battery_capacity_no_selection\] PASSED.*",
            r".*test_single PASSED.*",
        ]
    )


def test_connect_marker_unknown_code_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_connect_error("acess_denied")
        def test_x(smartcar_connect_error):
            pass
        """
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*test_x*@pytest.mark.smartcar_connect_error: unknown Smartcar error 'acess_denied': "
            "did you mean access_denied?*"
        ]
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_reauthentication_walk(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(callback=CALLBACK_APP)
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from urllib.parse import parse_qs, urlsplit
        from callback import callback_app, call
        from pytest_smartcar import SmartcarError
        from pytest_smartcar.connect import complete_reauth_url, wsgi_environ

        VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
        URL = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer"

        @pytest.mark.smartcar_error(
            "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", times=1, then="success"
        )
        def test_walk(smartcar_error):
            first = SmartcarError.from_response(httpx.get(URL))
            assert first.resolution == "REAUTHENTICATE"
            url = complete_reauth_url(
                first.resolution_url, redirect_uri="https://app.example/callback", state="s1"
            )
            parts = urlsplit(url)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            assert (parts.netloc, parts.path) == ("connect.smartcar.com", "/oauth/reauthenticate")
            assert query["response_type"] == "vehicle_id"
            assert query["vehicle_id"] == VEHICLE
            assert query["redirect_uri"] == "https://app.example/callback"
            assert query["state"] == "s1"

            back = smartcar_error.reauth_redirect("https://app.example/callback", state="s1")
            status, text, params = call(callback_app, wsgi_environ(back))
            assert (status, text) == ("200 OK", "reauthenticated:" + VEHICLE)
            assert "code" not in params and params["state"] == "s1"

            denied = smartcar_error.reauth_redirect("https://app.example/callback", denied=True)
            assert call(callback_app, wsgi_environ(denied))[1] == "error:access_denied"

            assert httpx.get(URL).json() == {"distance": 104.32}
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
