"""Bad input to the marker and to the fixture: a clear usage error that names the test,
never a traceback from inside pytest-smartcar.

Marker problems are collection errors (exit code 2); bad fixture calls fail the test that
made them (exit code 1). Messages are pinned line by line.
"""

from __future__ import annotations

from fnmatch import fnmatch

import pytest

from tests.support import INNER

VALID_ARGS = (
    "type, status, resolution, exclude, endpoint, method, vehicle_id, times, then, "
    "retry_after, body, headers, resolution_style, doc_url_style, optional"
)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*INNER, "--strict-markers", *args)


def literal(text: str) -> str:
    """``text`` as an fnmatch pattern that matches it literally (only ``[`` needs care)."""
    return text.replace("[", "[[]")


def assert_no_internal_traceback(result: pytest.RunResult) -> None:
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "/pytest_smartcar/" not in out, "a frame from inside the plugin is shown"
    assert "/_pytest/" not in out and "/pluggy/" not in out


def marked_test(pytester: pytest.Pytester, marker_args: str) -> str:
    """Write ``test_bad.py`` with one marked test; return its node id."""
    pytester.makepyfile(
        test_bad=f"""
        import pytest

        @pytest.mark.smartcar_error({marker_args})
        def test_it(smartcar_error):
            pass
        """
    )
    return "test_bad.py::test_it"


# --- marker problems: collection errors naming the test ------------------------------------------


COLLECTION_ERRORS = [
    pytest.param(
        '"VEHICLE_STATE:ASLEP"',
        "@pytest.mark.smartcar_error: unknown Smartcar error 'VEHICLE_STATE:ASLEP': "
        "did you mean VEHICLE_STATE:ASLEEP or *?",
        id="unknown-key-close-matches",
    ),
    pytest.param(
        '"ASLEEP"',
        "@pytest.mark.smartcar_error: unknown Smartcar error 'ASLEEP': "
        "did you mean VEHICLE_STATE:ASLEEP?",
        id="bare-code-finds-its-key",
    ),
    pytest.param(
        '"NOPE:NOTHING"',
        "@pytest.mark.smartcar_error: unknown Smartcar error 'NOPE:NOTHING': "
        "see pytest_smartcar.catalog.API_ERRORS for the known keys. The marker takes *",
        id="unknown-key-no-match",
    ),
    pytest.param(
        '"VEHICLE_STATE:*", "NOPE"',
        "@pytest.mark.smartcar_error: unknown Smartcar error 'NOPE': *",
        id="unknown-key-among-patterns",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", tmes=2',
        "@pytest.mark.smartcar_error got an unknown argument 'tmes' (did you mean times?); "
        f"valid arguments: {VALID_ARGS}*",
        id="unknown-argument",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", error="RATE_LIMIT:VEHICLE"',
        "@pytest.mark.smartcar_error got an unknown argument 'error'; "
        f"valid arguments: {VALID_ARGS}*",
        id="unknown-argument-no-match",
    ),
    pytest.param(
        "42",
        "@pytest.mark.smartcar_error: cannot serve 42. The marker takes what serve() takes: "
        "catalog keys and globs of API errors ('VEHICLE_STATE:ASLEEP', 'RATE_LIMIT:*'), other "
        "catalog keys *, faults (timeout, connect_error, disconnect, gateway_502, gateway_504), "
        "'success', a success body (dict) or an httpx.Response.",
        id="positional-not-a-string",
    ),
    pytest.param(
        '"timeoutt"',
        "@pytest.mark.smartcar_error: unknown Smartcar error 'timeoutt': did you mean timeout?",
        id="fault-typo",
    ),
    pytest.param(
        '"VEHICLE_STATE"',
        "@pytest.mark.smartcar_error('VEHICLE_STATE'): 'VEHICLE_STATE' is an error type, not "
        "one error: name one, like 'VEHICLE_STATE:ASLEEP', or run the test once per "
        "VEHICLE_STATE error with @pytest.mark.smartcar_error('VEHICLE_STATE:*') or "
        "@pytest.mark.smartcar_error(type='VEHICLE_STATE')",
        id="bare-type",
    ),
    pytest.param(
        '"VEHICLE:*"',
        "@pytest.mark.smartcar_error: 'VEHICLE:*' matches no Smartcar error: there is no error "
        "type 'VEHICLE' (did you mean VEHICLE_STATE?). Types: AUTHENTICATION, BILLING, *",
        id="glob-unknown-type-close",
    ),
    pytest.param(
        '"FOO:*"',
        "@pytest.mark.smartcar_error: 'FOO:*' matches no Smartcar error: there is no error "
        "type 'FOO'. Types: AUTHENTICATION, BILLING, *",
        id="glob-unknown-type",
    ),
    pytest.param(
        '"VEHICLE_STATE:["',
        "@pytest.mark.smartcar_error: 'VEHICLE_STATE:[' is not a valid glob: '[' opens a set "
        "of characters like [AB] that is never closed",
        id="glob-invalid",
    ),
    pytest.param(
        '"*:ASLEPE"',
        "@pytest.mark.smartcar_error: '*:ASLEPE' matches no Smartcar API error*",
        id="glob-matches-nothing",
    ),
    pytest.param(
        "status=[]",
        "@pytest.mark.smartcar_error: status=[] selects no error; leave it out to allow all",
        id="filter-empty",
    ),
    pytest.param(
        '"timeout", type="VEHICLE_STATE"',
        "@pytest.mark.smartcar_error: type='VEHICLE_STATE' filters the catalog's API errors, "
        "but 'timeout' is not one; give it a marker of its own (on another test) or drop the "
        "filter",
        id="filter-with-a-fault",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", times="2"',
        "@pytest.mark.smartcar_error: times= takes a positive whole number, got '2'",
        id="times-string",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", times=0',
        "@pytest.mark.smartcar_error: times= takes a positive whole number, got 0",
        id="times-zero",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", times=True',
        "@pytest.mark.smartcar_error: times= takes a positive whole number, got True",
        id="times-bool",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", optional="yes"',
        "@pytest.mark.smartcar_error: optional= takes True or False, got 'yes'",
        id="optional-string",
    ),
    pytest.param(
        "type=5",
        "@pytest.mark.smartcar_error: type= takes a string or a list of them, got 5",
        id="type-not-a-string",
    ),
    pytest.param(
        'status="409"',
        "@pytest.mark.smartcar_error: status= takes a*int or a list of them, got '409'",
        id="status-not-an-int",
    ),
    pytest.param(
        'type="VEHICLE_STAT"',
        "@pytest.mark.smartcar_error: type='VEHICLE_STAT' matches no Smartcar error; "
        "did you mean VEHICLE_STATE? (known: AUTHENTICATION, BILLING, *, VEHICLE_STATE)",
        id="filter-value-unknown",
    ),
    pytest.param(
        'resolution="RETRY_LATR"',
        "@pytest.mark.smartcar_error: resolution='RETRY_LATR' matches no Smartcar error; "
        "did you mean RETRY_LATER? (known: ACTION_REQUIRED, *, NONE, *)",
        id="resolution-unknown",
    ),
    pytest.param(
        "status=[409, 999]",
        "@pytest.mark.smartcar_error: status=999 matches no Smartcar error (known: 400, *)",
        id="status-unknown",
    ),
    pytest.param(
        'type="VEHICLE_STATE", status=429',
        "@pytest.mark.smartcar_error: type='VEHICLE_STATE' matches 17, status=429 matches 2, "
        "but no Smartcar error matches all of them together. Loosen one, or list keys "
        "(see pytest_smartcar.catalog.API_ERRORS).",
        id="filters-match-nothing",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", status=429',
        "@pytest.mark.smartcar_error: 'VEHICLE_STATE:ASLEEP' matches 1, status=429 matches 2, "
        "but no Smartcar error matches all of them together. *",
        id="key-conflicts-with-filter",
    ),
    pytest.param(
        '"RATE_LIMIT:*", exclude="RATE_LIMIT:*"',
        "@pytest.mark.smartcar_error: 'RATE_LIMIT:*' matches 2, exclude='RATE_LIMIT:*' "
        "matches 46, but no Smartcar error matches all of them together. *",
        id="exclude-everything",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", endpoint="odometr"',
        "@pytest.mark.smartcar_error: endpoint='odometr' names no Smartcar endpoint; "
        "did you mean odometer? (see pytest_smartcar.endpoints.NAMES for the list)",
        id="endpoint-unknown",
    ),
    pytest.param(
        'endpoint=["odometer", "lokc"]',
        "@pytest.mark.smartcar_error: endpoint='lokc' names no Smartcar endpoint; "
        "did you mean lock*? (see pytest_smartcar.endpoints.NAMES for the list)",
        id="endpoint-unknown-in-list",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", endpoint="nothing.*"',
        "@pytest.mark.smartcar_error: endpoint='nothing.*' names no Smartcar endpoint*",
        id="endpoint-glob-matches-nothing",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", endpoint=["odometer", 5]',
        "@pytest.mark.smartcar_error: endpoint= takes endpoint names or globs "
        "(like 'odometer' or 'charge.*'), got 5",
        id="endpoint-item-not-a-string",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", then="success"',
        "@pytest.mark.smartcar_error: then='success' is never reached without times=: say how "
        "many requests get VEHICLE_STATE:ASLEEP (409) first, e.g. times=2, then='success'",
        id="then-without-times",
    ),
    # Arguments passed on to serve(): a dry run of serve() checks them at collection, so
    # the message is the engine's own, prefixed with the marker's name.
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", method="FETCH"',
        "@pytest.mark.smartcar_error: method='FETCH' is not one of GET, POST, PUT, PATCH, DELETE",
        id="method",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", endpoint="lock", method="GET"',
        "@pytest.mark.smartcar_error: method=GET conflicts with endpoint='lock': those "
        "endpoints answer POST only",
        id="method-conflicts-with-endpoint",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", times=1, then="nope"',
        "@pytest.mark.smartcar_error: then='nope': unknown Smartcar error 'nope': *; then= also "
        "takes faults (timeout, connect_error, disconnect, gateway_502, gateway_504) and "
        "'success' (a realistic 200)",
        id="then-unknown",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", times=1, then=[]',
        "@pytest.mark.smartcar_error: then= needs at least one outcome, got an empty list",
        id="then-empty",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", retry_after=1.5',
        "@pytest.mark.smartcar_error: retry_after= takes seconds (int) or a raw header value, "
        "got 1.5",
        id="retry-after",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", body="x"',
        "@pytest.mark.smartcar_error: body= takes a dict, got 'x'",
        id="body",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", headers=[1]',
        "@pytest.mark.smartcar_error: headers= takes a dict, got [1]",
        id="headers",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", resolution_style="x"',
        "@pytest.mark.smartcar_error: resolution_style= is 'object', 'string' or 'null', got 'x'",
        id="resolution-style",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", doc_url_style="x"',
        "@pytest.mark.smartcar_error: doc_url_style= is 'current' or 'v2.0', got 'x'",
        id="doc-url-style",
    ),
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", vehicle_id=3',
        "@pytest.mark.smartcar_error: vehicle_id= takes a string or a list of strings, got 3",
        id="vehicle-id",
    ),
    pytest.param(
        'type="RATE_LIMIT", times=1, then="nope"',
        "@pytest.mark.smartcar_error: then='nope': unknown Smartcar error 'nope': *",
        id="checked-once-for-a-parametrized-marker",
    ),
]


def test_marker_problems_are_collection_errors_naming_the_test(pytester: pytest.Pytester) -> None:
    """Every case in one inner run (one module each): a collection error costs pytest
    ~0.3 s of traceback formatting for its "Interrupted" summary, once per run."""
    cases = {
        f"test_{str(p.id).replace('-', '_')}": (str(p.values[0]), str(p.values[1]))
        for p in COLLECTION_ERRORS
    }
    for module, (marker_args, _) in cases.items():
        pytester.makepyfile(
            **{
                module: f"""
                import pytest

                @pytest.mark.smartcar_error({marker_args})
                def test_it(smartcar_error):
                    pass
                """
            }
        )
    result = run(pytester)
    result.assert_outcomes(errors=len(cases))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert_no_internal_traceback(result)
    lines = result.stdout.lines
    missing = [
        f"{module}.py: {message}"
        for module, (_, message) in cases.items()
        if not any(fnmatch(line, literal(f"  - test_it: {message}")) for line in lines)
    ]
    assert not missing, "expected lines not printed:\n" + "\n".join(missing)
    for module in cases:
        result.stdout.fnmatch_lines([f"*ERROR collecting {module}.py*"])


def test_marker_problem_at_module_and_class_level_names_each_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_module="""
        import pytest

        pytestmark = pytest.mark.smartcar_error(tmes=2)

        def test_first(smartcar_error):
            pass
        """,
        test_class="""
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEP")
        class TestGroup:
            def test_member(self, smartcar_error):
                pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(errors=2)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting test_class.py*",
            "pytest-smartcar: a mistake in the Smartcar markers of test_class.py::TestGroup:",
            "  - test_member: @pytest.mark.smartcar_error: unknown Smartcar error "
            "'VEHICLE_STATE:ASLEP': *",
            "*ERROR collecting test_module.py*",
            "  - test_first: @pytest.mark.smartcar_error got an unknown argument "
            "'tmes' (did you mean times?); *",
        ]
    )
    assert_no_internal_traceback(result)


def test_marker_problem_without_the_fixture_argument_is_still_caught(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEP")
        def test_it():
            pass
        """
    )
    result = run(pytester)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["  - test_it: @pytest.mark.smartcar_error: unknown*"])


def test_collect_only_reports_marker_problems_too(pytester: pytest.Pytester) -> None:
    marked_test(pytester, '"VEHICLE_STATE:ASLEEP", tmes=2')
    result = run(pytester, "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["  - test_it: @pytest.mark.smartcar_error got an unknown*"])


def test_marker_problem_is_printed_once(pytester: pytest.Pytester) -> None:
    marked_test(pytester, '"VEHICLE_STATE:ASLEP"')
    result = run(pytester)
    result.stdout.no_fnmatch_line("*During handling of the above exception*")
    errors_section = result.stdout.str().split("short test summary info")[0]
    assert errors_section.count("unknown Smartcar error 'VEHICLE_STATE:ASLEP'") == 1


WRONG_TYPES = [
    pytest.param(
        '"VEHICLE_STATE:ASLEEP", endpoint=5',
        "@pytest.mark.smartcar_error: endpoint= takes endpoint names or globs "
        "(like 'odometer' or 'charge.*'), got 5",
        id="endpoint-int",
    ),
    pytest.param(
        'type="VEHICLE_STATE", exclude=5',
        "@pytest.mark.smartcar_error: exclude= takes *, got 5",
        id="exclude-int",
    ),
    pytest.param(
        "endpoint=[]",
        "@pytest.mark.smartcar_error: endpoint= *",
        id="endpoint-empty-list",
    ),
    pytest.param(
        'status="409"',
        "@pytest.mark.smartcar_error: status= takes an int or a list of them, got '409'",
        id="status-string",
    ),
]


@pytest.mark.parametrize(("marker_args", "message"), WRONG_TYPES)
def test_wrong_types_give_a_usage_error(
    pytester: pytest.Pytester, marker_args: str, message: str
) -> None:
    marked_test(pytester, marker_args)
    result = run(pytester)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([literal(f"  - test_it: {message}")])
    assert_no_internal_traceback(result)


# --- bad fixture calls: the test that made them fails --------------------------------------------


FIXTURE_CALLS = [
    pytest.param(
        'smartcar_error.serve("VEHICLE_STATE:ASLEP")',
        "error='VEHICLE_STATE:ASLEP': unknown Smartcar error 'VEHICLE_STATE:ASLEP': did you "
        "mean VEHICLE_STATE:ASLEEP or *?; error= also takes faults (timeout, connect_error, "
        "disconnect, gateway_502, gateway_504) and 'success' (a realistic 200)",
        id="unknown-key",
    ),
    pytest.param(
        "smartcar_error.serve(42)",
        "error= takes a catalog key like 'VEHICLE_STATE:ASLEEP', an ErrorSpec, faults "
        "(timeout, connect_error, disconnect, gateway_502, gateway_504) and 'success' (a "
        "realistic 200), a success body (dict) or an httpx.Response; got 42",
        id="wrong-type",
    ),
    pytest.param(
        'smartcar_error.serve("VEHICLE_STATE:ASLEEP", endpoint="odometr")',
        "endpoint='odometr' names no Smartcar endpoint; did you mean odometer? "
        "(see pytest_smartcar.endpoints.NAMES for the list)",
        id="unknown-endpoint",
    ),
    pytest.param(
        'smartcar_error.succeed(endpoint="lokc")',
        "endpoint='lokc' names no Smartcar endpoint; did you mean lock*?*",
        id="succeed-unknown-endpoint",
    ),
    pytest.param(
        'smartcar_error.serve("VEHICLE_STATE:ASLEEP", then="success")',
        "then='success' is never reached without times=: say how many requests get "
        "VEHICLE_STATE:ASLEEP (409) first, e.g. times=2, then='success'",
        id="then-without-times",
    ),
    pytest.param(
        'smartcar_error.serve("VEHICLE_STATE:ASLEEP", times=0)',
        "times= takes a positive whole number, got 0",
        id="times-zero",
    ),
    pytest.param(
        'smartcar_error.serve("VEHICLE_STATE:ASLEEP", method="FETCH")',
        "method='FETCH' is not one of GET, POST, PUT, PATCH, DELETE",
        id="method",
    ),
    pytest.param(
        'smartcar_error.serve("VEHICLE_STATE:ASLEEP", status=9999)',
        "status= takes an HTTP status code, got 9999",
        id="status",
    ),
]


def fixture_call_test(pytester: pytest.Pytester, call: str) -> str:
    pytester.makepyfile(
        test_call=f"""
        def test_it(smartcar_error):
            {call}
        """
    )
    return "test_call.py::test_it"


@pytest.mark.parametrize(("call", "message"), FIXTURE_CALLS)
def test_bad_fixture_call_fails_the_test_with_a_clear_message(
    pytester: pytest.Pytester, call: str, message: str
) -> None:
    fixture_call_test(pytester, call)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([literal(f"E   *{message}")])
    result.stdout.fnmatch_lines([literal(f">       {call}")])  # the user's own line is shown


@pytest.mark.parametrize(("call", "message"), FIXTURE_CALLS[:3])
def test_bad_fixture_call_shows_no_internal_traceback(
    pytester: pytest.Pytester, call: str, message: str
) -> None:
    fixture_call_test(pytester, call)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([literal(f"*{message}")])
    assert_no_internal_traceback(result)


# --- options -------------------------------------------------------------------------------------


def test_smartcar_select_typo_is_a_usage_error(pytester: pytest.Pytester) -> None:
    marked_test(pytester, "")
    result = run(pytester, "--smartcar-select", "VEHICLE_STATE:ASLEP")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--smartcar-select*'VEHICLE_STATE:ASLEP'*VEHICLE_STATE:ASLEEP*"])


# --- every mistake of a file, once, useful part first ----------------------------------------


def test_every_marker_mistake_of_a_file_is_reported_at_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mistakes="""
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEPE")
        def test_m1_key_typo(smartcar_error):
            pass

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", tmes=2)
        def test_m2_argument_typo(smartcar_error):
            pass

        def test_fine():
            pass

        class TestGroup:
            @pytest.mark.smartcar_error(status=[])
            def test_m3_in_a_class(self, smartcar_error):
                pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "pytest-smartcar: 3 mistakes in the Smartcar markers of test_mistakes.py:",
            "  - test_m1_key_typo: @pytest.mark.smartcar_error: unknown Smartcar error "
            "'VEHICLE_STATE:ASLEPE': *",
            "  - test_m2_argument_typo: @pytest.mark.smartcar_error got an unknown argument "
            "'tmes' *",
            "  - TestGroup::test_m3_in_a_class: @pytest.mark.smartcar_error: status=[] selects *",
            # The short summary starts with what is wrong, not with the path again.
            "ERROR test_mistakes.py - test_m1_key_typo: unknown Smartcar error 'VEHICLE_ST*",
        ]
    )
    assert_no_internal_traceback(result)


def test_marker_mistakes_are_printed_once_under_xdist(pytester: pytest.Pytester) -> None:
    marked_test(pytester, '"VEHICLE_STATE:ASLEP"')
    pytester.makepyfile(test_other="def test_ok():\n    pass\n")
    result = run(pytester, "-n", "2")
    text = result.stdout.str()
    assert text.count("ERROR collecting test_bad.py") == 1, text
    assert text.count("ERROR test_bad.py - test_it: unknown Smartcar error") == 1, text
    result.assert_outcomes(passed=1, errors=1)


@pytest.mark.parametrize("strict", [True, False], ids=["strict-markers", "lax-markers"])
def test_a_misspelt_marker_name_is_named(pytester: pytest.Pytester, strict: bool) -> None:
    pytester.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.smartcar_errors("VEHICLE_STATE:ASLEEP")
        def test_it():
            pass

        @pytest.mark.smartcar_slow  # a marker of the user's own, not a typo of ours
        def test_own():
            pass
        """
    )
    args = ("--strict-markers",) if strict else ("-W", "ignore::pytest.PytestUnknownMarkWarning")
    result = pytester.runpytest(*INNER, *args)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*did you mean*smartcar_error?*"])
    assert "smartcar_slow is not" not in result.stdout.str()
    if not strict:
        result.stdout.fnmatch_lines(
            [
                "  - test_it: @pytest.mark.smartcar_errors is not a pytest-smartcar marker: "
                "did you mean @pytest.mark.smartcar_error? As written it serves nothing.",
            ]
        )


def test_a_registered_marker_of_the_users_is_left_alone(pytester: pytest.Pytester) -> None:
    # Not the name the test above misspells: pytest remembers registered markers across
    # in-process runs, so sharing it would make that test depend on the order.
    pytester.makeini("[pytest]\nmarkers =\n    smartcar_eror: the user's own\n")
    pytester.makepyfile("import pytest\n\n@pytest.mark.smartcar_eror\ndef test_it():\n    pass\n")
    run(pytester).assert_outcomes(passed=1)


def test_a_param_level_marker_selecting_several_errors_is_refused(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_param="""
        import pytest

        @pytest.mark.parametrize(
            "app", [pytest.param("a", marks=pytest.mark.smartcar_error("RATE_LIMIT:*"))]
        )
        def test_it(smartcar_error, app):
            pass

        @pytest.mark.smartcar_error("VEHICLE_STATE:*")
        @pytest.mark.parametrize(
            "app", [pytest.param("a", marks=pytest.mark.smartcar_error("SERVER:INTERNAL"))]
        )
        def test_twice(smartcar_error, app):
            pass

        @pytest.mark.smartcar_error(endpoint="odometer")
        @pytest.mark.parametrize(
            "app", ["a", pytest.param("b", marks=pytest.mark.smartcar_error("SERVER:INTERNAL"))]
        )
        def test_unmarked_param(smartcar_error, app):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "  - test_it: @pytest.mark.smartcar_error('RATE_LIMIT:*') in pytest.param(...) "
            "serves one error, but this selects several: give each pytest.param one key, or "
            "put the marker on the test function to run it once per error",
            "  - test_twice: @pytest.mark.smartcar_error in pytest.param(...) "
            "names errors, but the marker on the test already runs it once per error; name "
            "them in one place",
            "  - test_unmarked_param: some pytest.param(...) of this test carry "
            "@pytest.mark.smartcar_error(KEY) and some do not; give each one *",
        ]
    )
