"""The ``smartcar_error`` fixture, seen from pytest: strictness, teardown rules, the
failure report section, redaction, and the plugin's face in ``--help`` / ``-p no:smartcar``.

Every test runs a small inner suite with ``pytester`` (in-process) and pins what a user
sees: outcomes, exit codes and the exact lines of our messages.
"""

from __future__ import annotations

import pytest

from tests.support import INNER, UNMATCHED_NO_STUB, shown

SECTION = "*smartcar: what the code under test received*"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """In-process run, order as written, strict markers."""
    return pytester.runpytest(*INNER, "--strict-markers", *args)


# --- without a marker: nothing served, hosts still guarded ------------------------------------


def test_bare_fixture_serves_nothing_and_fails_the_request_with_the_listing(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_it(smartcar_error):
            assert smartcar_error.spec is None
            assert smartcar_error.stubs == []
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(shown(UNMATCHED_NO_STUB), consecutive=True)
    # Our message replaces the httpx/respx frames: no traceback into the libraries.
    result.stdout.no_fnmatch_line("*/respx/*")
    result.stdout.no_fnmatch_line("*/httpx/*")
    result.stdout.no_fnmatch_line("*/pytest_smartcar/*")


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("https://vehicle.api.smartcar.com/v3/vehicles/abc/signals", "endpoint v3.signals"),
        (
            "https://api.smartcar.com/v2.0/vehicles/abc/no-such-thing",
            "a path not in pytest-smartcar's endpoint table",
        ),
        ("https://API.SMARTCAR.COM/v2.0/vehicles/abc/battery", "endpoint battery"),
    ],
    ids=["v3-host", "undocumented-path", "host-case"],
)
def test_bare_fixture_guards_every_smartcar_host(
    pytester: pytest.Pytester, url: str, what: str
) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        def test_it(smartcar_error):
            httpx.get({url!r})
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*pytest-smartcar: no stub answers GET *({what}*"])


def test_bare_fixture_guards_the_auth_host_for_post(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_it(smartcar_error):
            httpx.post("https://auth.smartcar.com/oauth/token", data={"code": "x"})
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest-smartcar: no stub answers POST https://auth.smartcar.com/oauth/token "
            "(endpoint token).",
            '*smartcar_error.serve("KEY", endpoint="token")*',
        ]
    )


def test_bare_fixture_serve_then_request_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_it(smartcar_error):
            smartcar_error.serve("vehicle_state:asleep")
            r = httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            assert r.status_code == 409
            assert (r.json()["type"], r.json()["code"]) == ("VEHICLE_STATE", "ASLEEP")
            assert smartcar_error.spec.key == "VEHICLE_STATE:ASLEEP"
            assert [c.key for c in smartcar_error.calls] == ["VEHICLE_STATE:ASLEEP"]
        """
    )
    run(pytester).assert_outcomes(passed=1)


# --- the same strictness with and without a marker ----------------------------------------------


@pytest.mark.parametrize("marked", [False, True], ids=["serve", "marker"])
def test_unrequested_stub_fails_the_same_with_and_without_marker(
    pytester: pytest.Pytester, marked: bool
) -> None:
    if marked:
        head = '@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", endpoint="lock")'
        body = "pass"
    else:
        head = ""
        body = 'smartcar_error.serve("RATE_LIMIT:VEHICLE", endpoint="lock")'
    pytester.makepyfile(
        f"""
        import pytest

        {head}
        def test_it(smartcar_error):
            {body}
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "pytest-smartcar: the code under test never made a request these stubs answer:",
            "  - RATE_LIMIT:VEHICLE (429) on lock",
            "Check the endpoint= and method= of each, or allow it to go unused with "
            "serve(..., optional=True) (marker argument optional=True).",
        ],
        consecutive=True,
    )


@pytest.mark.parametrize("marked", [False, True], ids=["serve", "marker"])
def test_unmatched_request_lists_active_stubs_the_same_with_and_without_marker(
    pytester: pytest.Pytester, marked: bool
) -> None:
    if marked:
        head = '@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", endpoint="lock")'
        serve = "pass"
    else:
        head = ""
        serve = 'smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="lock")'
    pytester.makepyfile(
        f"""
        import httpx
        import pytest

        {head}
        def test_it(smartcar_error):
            {serve}
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest-smartcar: no stub answers GET "
            "https://api.smartcar.com/v2.0/vehicles/abc/odometer (endpoint odometer).",
            "*Active stubs, newest first, and why each did not match:",
            "*  - VEHICLE_STATE:ASLEEP (409) on lock: endpoint odometer is not among lock",
        ],
        consecutive=True,
    )
    # One failure, reported once: the unmatched request does not also fail verification.
    failures = result.stdout.str().split("short test summary info")[0]
    assert failures.count("no stub answers GET") == 1
    result.stdout.no_fnmatch_line("*never made a request*")


def test_optional_stubs_may_go_unused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_serve_optional(smartcar_error):
            smartcar_error.serve("VEHICLE_STATE:ASLEEP", optional=True)

        def test_succeed_is_optional_by_default(smartcar_error):
            smartcar_error.succeed(endpoint="odometer")

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", optional=True)
        def test_marker_optional(smartcar_error):
            pass

        @pytest.mark.smartcar_error(type="RATE_LIMIT", optional=True)
        def test_parametrized_optional(smartcar_error):
            pass
        """
    )
    run(pytester).assert_outcomes(passed=5)


def test_marker_alone_activates_the_stub_without_the_fixture_argument(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_served():
            r = httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            assert r.status_code == 409

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_unrequested():
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_unrequested*", "*never made a request these stubs answer:*"]
    )


def test_single_key_marker_serves_from_the_start(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from pytest_smartcar import catalog

        @pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE")
        def test_it(smartcar_error):
            assert smartcar_error.spec is catalog.get("RATE_LIMIT:VEHICLE")
            r = httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            assert r.status_code == 429
            assert smartcar_error.served == {"RATE_LIMIT:VEHICLE": 1}
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_it PASSED*"])


# --- teardown rules --------------------------------------------------------------------------


def test_own_failure_is_reported_alone_without_a_second_error(pytester: pytest.Pytester) -> None:
    """The test failed on its own: the unrequested stub is not reported on top of it."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_it(smartcar_error):
            assert 1 == 2, "the app is broken"
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1, errors=0)
    result.stdout.fnmatch_lines(["E       AssertionError: the app is broken"])
    result.stdout.no_fnmatch_line("*never made a request*")
    result.stdout.no_fnmatch_line("*ERROR at teardown*")


def test_own_failure_wins_over_a_swallowed_unmatched_request(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_it(smartcar_error):
            try:
                httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            except Exception:
                pass
            raise ValueError("own problem")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1, errors=0)
    result.stdout.fnmatch_lines(["E       ValueError: own problem"])
    result.stdout.no_fnmatch_line("*caught this error and went on*")


def test_swallowed_unmatched_request_still_fails_a_passing_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_it(smartcar_error):
            for _ in range(2):
                try:
                    httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
                except Exception:
                    pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1, errors=0)
    result.stdout.fnmatch_lines(
        [
            *UNMATCHED_NO_STUB,
            "The code under test caught this error and went on (1 more unmatched request).",
        ],
        consecutive=True,
    )


def test_skipped_and_xfailed_tests_are_not_verified(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_skip(smartcar_error):
            pytest.skip("not today")

        @pytest.mark.xfail(reason="known", strict=True)
        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_xfail(smartcar_error):
            assert False
        """
    )
    result = run(pytester)
    result.assert_outcomes(skipped=1, xfailed=1)
    assert result.ret == pytest.ExitCode.OK


XFAIL_SUITE = """
import httpx
import pytest
from pytest_smartcar.errors import UnmatchedSmartcarRequest, UnrequestedSmartcarStub

URL = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"

@pytest.mark.xfail(raises=UnmatchedSmartcarRequest, strict=True)
def test_unmatched_in_the_client(smartcar_error):
    httpx.get(URL)

@pytest.mark.xfail(raises=AssertionError, strict=True)
def test_unmatched_as_an_assertion(smartcar_error):
    httpx.get(URL)

@pytest.mark.xfail(raises=UnmatchedSmartcarRequest, strict=True)
def test_unmatched_and_swallowed(smartcar_error):
    try:
        httpx.get(URL)
    except UnmatchedSmartcarRequest:
        pass

@pytest.mark.xfail(raises=UnrequestedSmartcarStub, strict=True)
@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_never_requested(smartcar_error):
    pass

@pytest.mark.xfail(raises=ValueError, strict=True)
def test_another_exception_still_fails(smartcar_error):
    httpx.get(URL)
"""


def test_xfail_raises_sees_the_plugins_own_failures(pytester: pytest.Pytester) -> None:
    """The end-of-test check is raised in the call phase, so xfail(raises=...) applies."""
    pytester.makepyfile(XFAIL_SUITE)
    result = run(pytester)
    result.assert_outcomes(xfailed=4, failed=1)
    result.stdout.fnmatch_lines(["FAILED *test_another_exception_still_fails*"])


def test_failure_in_another_fixture_stops_the_stub_and_reports_once(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.fixture
        def broken(smartcar_error):
            raise RuntimeError("fixture broke")

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_it(broken):
            pass

        def test_next_is_clean(smartcar_error):
            smartcar_error.serve("RATE_LIMIT:VEHICLE")
            r = httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            assert r.status_code == 429
            assert len(smartcar_error.calls) == 1
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at setup of test_it*", "E       RuntimeError: fixture broke"]
    )
    result.stdout.no_fnmatch_line("*never made a request*")


def test_unmatched_request_in_a_fixture_gets_the_same_clean_message(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.fixture
        def app(smartcar_error):
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")

        def test_it(app):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(shown(UNMATCHED_NO_STUB), consecutive=True)
    result.stdout.no_fnmatch_line("*SideEffectError*")
    result.stdout.no_fnmatch_line("*/respx/*")
    result.stdout.no_fnmatch_line("*/httpx/*")


# --- the report section and redaction -----------------------------------------------------------


def test_failure_report_shows_what_was_served(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", times=1, then="success")
        def test_it(smartcar_error):
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            assert False, "app did not retry properly"
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            SECTION,
            "GET https://api.smartcar.com/v2.0/vehicles/abc/odometer -> VEHICLE_STATE:ASLEEP (409)",
            '    < {"type": "VEHICLE_STATE", "code": "ASLEEP", *"statusCode": 409*',
            "GET https://api.smartcar.com/v2.0/vehicles/abc/odometer -> success (200)",
            '    < {"distance": *}',
        ]
    )


def test_failure_report_of_an_unrequested_stub_says_nothing_was_requested(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_it(smartcar_error):
            pass
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines([SECTION, "no Smartcar request was made"], consecutive=True)


def test_report_section_only_on_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_it(smartcar_error):
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
        """
    )
    result = run(pytester, "-rA")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line(SECTION)


def test_credentials_are_redacted_in_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import requests
        import pytest

        HEADERS = {
            "Authorization": "Bearer sk-live-TOPSECRET-1",
            "Cookie": "session=TOPSECRET-2",
            "Proxy-Authorization": "Basic TOPSECRET-3",
            "X-Visible": "shown-value",
        }

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
        def test_it(smartcar_error):
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer", headers=HEADERS)
            requests.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer", headers=HEADERS)
            assert False
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    assert "TOPSECRET" not in result.stdout.str()
    result.stdout.re_match_lines(
        [
            r"    > Authorization: \[redacted\]",
            r"    > Cookie: \[redacted\]",
            r"    > Proxy-Authorization: \[redacted\]",
        ]
    )
    result.stdout.fnmatch_lines(["    > X-Visible: shown-value"])
    # Both requests (httpx and requests) are listed, both redacted.
    assert result.stdout.str().lower().count("> authorization: [redacted]") == 2


# --- the plugin's face: --help, -p no:smartcar ---------------------------------------------------


def test_help_shows_the_smartcar_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "pytest-smartcar: Smartcar API error stubs:",
            "  --smartcar-app-name=NAME",
            "  --smartcar-select=PATTERN",
            "  --smartcar-block-unmatched",
        ]
    )
    result.stdout.fnmatch_lines(["  smartcar_app_name (string):*"])


def test_p_no_smartcar_disables_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(smartcar_error):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:smartcar")
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["E       fixture 'smartcar_error' not found"])
    assert "--smartcar-select" not in pytester.runpytest("-p", "no:smartcar", "--help").stdout.str()


def test_parametrized_marker_without_the_fixture_argument_still_stubs(
    pytester: pytest.Pytester,
) -> None:
    """Regression: pytest prunes a fixture appended at parametrization; the stub must start."""
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from pytest_smartcar import SmartcarError

        URL = "https://api.smartcar.com/v2.0/vehicles/v1/odometer"

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", "RATE_LIMIT:VEHICLE")
        def test_no_argument(request):
            parsed = SmartcarError.from_response(httpx.get(URL))
            assert parsed.key == request.node.callspec.id

        class TestConnect:
            pytestmark = pytest.mark.smartcar_connect_error("access_denied", "no_vehicles")

            def test_no_argument(self, request):
                assert "smartcar_connect_error" in request.fixturenames
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest", "-v")
    result.assert_outcomes(passed=4)
