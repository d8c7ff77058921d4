"""``@pytest.mark.smartcar_error``: what it serves, how it parametrizes, how markers merge
across module, class and function, and how ``--smartcar-select`` and ``-k`` narrow it.

Inner suites run in-process with ``pytester``; collected ids are compared exactly.
"""

from __future__ import annotations

import pytest

from pytest_smartcar.catalog import API_ERRORS
from tests.support import INNER

KEYS = [s.key for s in API_ERRORS]
VEHICLE_STATE = [k for k in KEYS if k.startswith("VEHICLE_STATE:")]
UPSTREAM = [k for k in KEYS if k.startswith("UPSTREAM:")]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*INNER, "--strict-markers", *args)


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    """The node ids ``--collect-only -q`` prints, in order."""
    result = run(pytester, "--collect-only", "-q", *args)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    return [line for line in result.stdout.lines if "::" in line]


def ids(nodeids: list[str]) -> list[str]:
    """``test_x.py::test_it[odometer-VEHICLE_STATE:ASLEEP]`` -> ``odometer-VEHICLE_STATE:ASLEEP``
    (``""`` for a test that is not parametrized)."""
    return [n[n.index("[") + 1 : -1] if n.endswith("]") else "" for n in nodeids]


# --- acceptance 3: a bare marker is the whole catalog --------------------------------------------


def test_bare_marker_collects_every_catalog_error_with_key_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error
        def test_it(smartcar_error):
            pass
        """
    )
    nodeids = collected(pytester)
    assert len(nodeids) == len(API_ERRORS) == 48
    assert ids(nodeids) == KEYS  # catalog order, the keys themselves
    assert (
        nodeids[0]
        == "test_bare_marker_collects_every_catalog_error_with_key_ids.py::test_it[AUTHENTICATION]"
    )


def test_bare_marker_with_endpoint_list_is_the_cross_product(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error(endpoint=["odometer", "lock"])
        def test_it(smartcar_error):
            pass
        """
    )
    got = ids(collected(pytester))
    assert len(got) == 2 * len(API_ERRORS)
    assert sorted(got) == sorted(f"{e}-{k}" for e in ("odometer", "lock") for k in KEYS)
    assert "odometer-VEHICLE_STATE:ASLEEP" in got
    for endpoint in ("odometer", "lock"):  # catalog order within each endpoint
        assert [i.split("-", 1)[1] for i in got if i.startswith(endpoint + "-")] == KEYS


def test_every_parametrized_case_is_served_its_own_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        CLIENT = httpx.Client()  # one TLS context for 48 tests

        @pytest.mark.smartcar_error
        def test_it(smartcar_error, request):
            spec = smartcar_error.spec
            assert spec.key == request.node.callspec.id
            r = CLIENT.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
            assert r.status_code == spec.status
            assert (r.json()["type"], r.json()["code"]) == (spec.type, spec.code)
            assert smartcar_error.served == {spec.key: 1}
        """
    )
    run(pytester).assert_outcomes(passed=len(API_ERRORS))


# --- single key vs parametrized ------------------------------------------------------------------


def test_single_key_is_not_parametrized(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_smartcar import catalog

        @pytest.mark.smartcar_error("vehicle_state:asleep")
        def test_lower_case_key(smartcar_error):
            assert smartcar_error.spec.key == "VEHICLE_STATE:ASLEEP"

        @pytest.mark.smartcar_error(catalog.get("RATE_LIMIT:VEHICLE"))
        def test_error_spec(smartcar_error):
            assert smartcar_error.spec is catalog.get("RATE_LIMIT:VEHICLE")

        @pytest.mark.smartcar_error("AUTHENTICATION", endpoint="odometer")
        def test_code_less_key(smartcar_error):
            assert smartcar_error.spec.key == "AUTHENTICATION"
        """
    )
    nodeids = collected(pytester)
    assert ids(nodeids) == ["", "", ""]
    # Each test fails only on its unrequested stub: the single key was served from the start.
    result = run(pytester)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_lower_case_key _*",
            "  - VEHICLE_STATE:ASLEEP (409) on every vehicle endpoint",
            "*_ test_error_spec _*",
            "  - RATE_LIMIT:VEHICLE (429) on every vehicle endpoint",
            "*_ test_code_less_key _*",
            "  - AUTHENTICATION (401) on odometer",
        ]
    )


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        pytest.param(
            '"VEHICLE_STATE:DOOR_OPEN", "vehicle_state:asleep"',
            ["VEHICLE_STATE:ASLEEP", "VEHICLE_STATE:DOOR_OPEN"],
            id="keys-in-catalog-order",
        ),
        pytest.param('"vehicle_state:*"', VEHICLE_STATE, id="glob-upper-case-ids"),
        pytest.param('"*:RATE_LIMIT"', ["UPSTREAM:RATE_LIMIT"], id="glob-on-code"),
        pytest.param(
            '"VALIDATION:*"', ["VALIDATION", "VALIDATION:PARAMETER"], id="glob-takes-code-less"
        ),
        pytest.param('"VEHICLE_STATE:ASLEE?"', ["VEHICLE_STATE:ASLEEP"], id="glob-one-match"),
        pytest.param(
            'type="RATE_LIMIT"', ["RATE_LIMIT:SMARTCAR_API", "RATE_LIMIT:VEHICLE"], id="type"
        ),
        pytest.param(
            "status=[429, 430]",
            [k for k in KEYS if k.startswith(("BILLING:", "RATE_LIMIT:"))],
            id="status-list",
        ),
        pytest.param(
            'resolution="RETRY_LATER", exclude="UPSTREAM:*"',
            [
                "RATE_LIMIT:SMARTCAR_API",
                "RATE_LIMIT:VEHICLE",
                "SERVER:INTERNAL",
                "VEHICLE_STATE:UNKNOWN",
                "VEHICLE_STATE:LOW_BATTERY",
            ],
            id="resolution-exclude",
        ),
        pytest.param(
            'type="COMPATIBILITY", resolution="NONE"',
            [
                "COMPATIBILITY:MAKE_NOT_COMPATIBLE",
                "COMPATIBILITY:SMARTCAR_NOT_CAPABLE",
                "COMPATIBILITY:VEHICLE_NOT_CAPABLE",
            ],
            id="resolution-none",
        ),
        pytest.param(
            '"VEHICLE_STATE:*", "RATE_LIMIT:*", status=429',
            ["RATE_LIMIT:SMARTCAR_API", "RATE_LIMIT:VEHICLE"],
            id="patterns-and-filters",
        ),
        pytest.param(
            '"VEHICLE_STATE:ASLEEP", type="VEHICLE_STATE"',
            ["VEHICLE_STATE:ASLEEP"],
            id="key-plus-filter-still-parametrizes",
        ),
    ],
)
def test_marker_selection_and_ids(
    pytester: pytest.Pytester, marker: str, expected: list[str]
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.smartcar_error({marker})
        def test_it(smartcar_error):
            pass
        """
    )
    assert ids(collected(pytester)) == expected


def test_ids_work_with_k(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error
        def test_it(smartcar_error):
            pass

        @pytest.mark.smartcar_error(endpoint=["odometer", "lock"])
        def test_cross(smartcar_error):
            pass
        """
    )
    assert ids(collected(pytester, "-k", "ASLEEP")) == [
        "VEHICLE_STATE:ASLEEP",
        "odometer-VEHICLE_STATE:ASLEEP",
        "lock-VEHICLE_STATE:ASLEEP",
    ]
    assert ids(collected(pytester, "-k", "lock and RATE_LIMIT")) == [
        "lock-RATE_LIMIT:SMARTCAR_API",
        "lock-RATE_LIMIT:VEHICLE",
        "lock-UPSTREAM:RATE_LIMIT",
    ]


# --- endpoint= as a list or glob -----------------------------------------------------------------


def test_endpoint_glob_parametrizes_and_serves_each_endpoint(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        API = "https://api.smartcar.com/v2.0/vehicles/abc"
        CALLS = {
            "charge.limit": ("GET", API + "/charge/limit", None),
            "charge.start": ("POST", API + "/charge", {"action": "START"}),
            "charge.stop": ("POST", API + "/charge", {"action": "STOP"}),
        }

        @pytest.mark.smartcar_error("VEHICLE_STATE:CHARGE_FAULT", endpoint="charge.*")
        def test_it(smartcar_error, request):
            endpoint = request.node.callspec.id.split("-")[0]
            method, url, body = CALLS[endpoint]
            r = httpx.request(method, url, json=body)
            assert r.status_code == 409
            assert [c.endpoint for c in smartcar_error.calls] == [endpoint]
            # Other endpoints are not answered by this case's stub.
            with pytest.raises(AssertionError, match="no stub answers GET"):
                httpx.get(API + "/odometer")
            smartcar_error.unmatched.clear()
        """
    )
    assert ids(collected(pytester)) == [
        "charge.limit-VEHICLE_STATE:CHARGE_FAULT",
        "charge.start-VEHICLE_STATE:CHARGE_FAULT",
        "charge.stop-VEHICLE_STATE:CHARGE_FAULT",
    ]
    run(pytester).assert_outcomes(passed=3)


def test_single_endpoint_does_not_parametrize(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint="lock")
        def test_name(smartcar_error):
            r = httpx.post(
                "https://api.smartcar.com/v2.0/vehicles/abc/security", json={"action": "LOCK"}
            )
            assert r.status_code == 409

        @pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint=["lock"])
        def test_one_item_list(smartcar_error):
            pass

        @pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint="odom*")
        def test_glob_matching_one(smartcar_error):
            pass
        """
    )
    assert ids(collected(pytester)) == ["", "", ""]


def test_single_endpoint_from_list_or_glob_is_still_restricted(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint=["lock"])
        def test_one_item_list(smartcar_error):
            assert smartcar_error.stubs[0].describe() == "VEHICLE_STATE:DOOR_OPEN (409) on lock"
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")

        @pytest.mark.smartcar_error("VEHICLE_STATE:DOOR_OPEN", endpoint="odom*")
        def test_glob_matching_one(smartcar_error):
            httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/battery")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_one_item_list _*",
            "*  - VEHICLE_STATE:DOOR_OPEN (409) on lock: endpoint odometer is not among lock",
            "*_ test_glob_matching_one _*",
            "*  - VEHICLE_STATE:DOOR_OPEN (409) on odom*: endpoint battery is not among *",
        ]
    )


# --- merging across module, class and function ---------------------------------------------------


MERGE_SUITE = """
import httpx
import pytest

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"

pytestmark = pytest.mark.smartcar_error("UPSTREAM:*", endpoint="odometer", optional=True)


class TestLevels:
    pytestmark = pytest.mark.smartcar_error(method="GET", times=1)

    @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
    def test_function_keys_class_and_module_kwargs(self, smartcar_error):
        (stub,) = smartcar_error.stubs
        assert stub.describe() == "VEHICLE_STATE:ASLEEP (409) x1 on odometer (GET)"
        assert stub.optional is True

    @pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", times=2, optional=False)
    def test_function_kwargs_win(self, smartcar_error):
        (stub,) = smartcar_error.stubs
        assert stub.describe() == "RATE_LIMIT:VEHICLE (429) x2 on odometer (GET)"
        assert [httpx.get(ODOMETER).status_code for _ in range(2)] == [429, 429]

    def test_class_kwargs_module_patterns(self, smartcar_error, request):
        (stub,) = smartcar_error.stubs
        key = request.node.callspec.id
        assert stub.describe() == f"{key} (502) x1 on odometer (GET)"

    @pytest.mark.smartcar_error(endpoint="battery")
    def test_function_endpoint_wins(self, smartcar_error):
        assert smartcar_error.stubs[0].describe().endswith(" x1 on battery (GET)")


def test_module_level_only(smartcar_error, request):
    (stub,) = smartcar_error.stubs
    assert stub.describe() == f"{request.node.callspec.id} (502) on odometer"
    assert stub.optional is True


@pytest.mark.smartcar_error
def test_bare_function_marker_keeps_module_patterns(smartcar_error):
    assert smartcar_error.spec.type == "UPSTREAM"
"""


def test_markers_merge_across_three_levels_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_merge=MERGE_SUITE)
    nodeids = collected(pytester)
    n = len(UPSTREAM)
    by_test: dict[str, list[str]] = {}
    for nodeid in nodeids:
        name = nodeid.split("::")[-1].split("[")[0]
        by_test.setdefault(name, []).append(nodeid)
    assert {name: len(v) for name, v in by_test.items()} == {
        "test_function_keys_class_and_module_kwargs": 1,
        "test_function_kwargs_win": 1,
        "test_class_kwargs_module_patterns": n,
        "test_function_endpoint_wins": n,
        "test_module_level_only": n,
        "test_bare_function_marker_keeps_module_patterns": n,
    }
    assert ids(by_test["test_module_level_only"]) == UPSTREAM
    result = run(pytester)
    result.assert_outcomes(passed=2 + 4 * n)


# --- the marker serves what serve() serves ------------------------------------------------------


OUTCOMES_SUITE = """
import httpx
import pytest

URL = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
TOKEN = "https://auth.smartcar.com/oauth/token"

@pytest.mark.smartcar_error("timeout")
def test_fault(smartcar_error):
    with pytest.raises(httpx.TimeoutException):
        httpx.get(URL)

@pytest.mark.smartcar_error("success")
def test_success(smartcar_error):
    assert httpx.get(URL).status_code == 200

@pytest.mark.smartcar_error({"distance": 5.0, "unit": "km"})
def test_success_body(smartcar_error):
    assert httpx.get(URL).json() == {"distance": 5.0, "unit": "km"}

@pytest.mark.smartcar_error("OAUTH:INVALID_CODE", endpoint="token")
def test_oauth(smartcar_error):
    reply = httpx.post(TOKEN, data={"grant_type": "authorization_code", "code": "x"})
    assert (reply.status_code, reply.json()["error"]) == (400, "invalid_request")

@pytest.mark.smartcar_error("v1:vehicle_state_error:VS_000")
def test_legacy(smartcar_error):
    assert httpx.get(URL).json()["error"] == "vehicle_state_error"

@pytest.mark.smartcar_error("gateway_502", "success", "RATE_LIMIT:*")
def test_mixed(smartcar_error):
    httpx.get(URL)
"""


def test_the_marker_takes_faults_success_bodies_and_other_catalog_keys(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_outcomes=OUTCOMES_SUITE)
    assert ids(collected(pytester)) == [
        "", "", "", "", "",
        "gateway_502", "success", "RATE_LIMIT:SMARTCAR_API", "RATE_LIMIT:VEHICLE",
    ]  # fmt: skip
    run(pytester).assert_outcomes(passed=9)


def test_a_param_level_marker_serves_its_own_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_param="""
        import httpx
        import pytest

        URL = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"

        @pytest.mark.smartcar_error(endpoint="odometer")
        @pytest.mark.parametrize(
            "status",
            [
                pytest.param(429, marks=pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE")),
                pytest.param(500, marks=pytest.mark.smartcar_error("SERVER:INTERNAL")),
                pytest.param(200, marks=pytest.mark.smartcar_error("success")),
            ],
        )
        def test_it(smartcar_error, status):
            assert httpx.get(URL).status_code == status
            assert smartcar_error.calls[0].endpoint == "odometer"
        """
    )
    run(pytester).assert_outcomes(passed=3)


# --- --smartcar-select ---------------------------------------------------------------------------


SELECT_SUITE = """
import pytest

@pytest.mark.smartcar_error("VEHICLE_STATE:*")
def test_states(smartcar_error):
    pass

@pytest.mark.smartcar_error(endpoint=["odometer", "lock"])
def test_cross(smartcar_error):
    pass

@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", optional=True)
def test_single(smartcar_error):
    pass

def test_plain():
    pass
"""


#: test_states: 17 VEHICLE_STATE errors; test_cross: 48 errors x 2 endpoints.
CASES_IN_SELECT_SUITE = 17 + 48 * 2


def test_smartcar_select_narrows_every_parametrized_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_select=SELECT_SUITE)
    nodeids = collected(pytester, "--smartcar-select", "vehicle_state:a*")
    assert [n.split("::")[1] for n in nodeids] == [
        "test_states[VEHICLE_STATE:ASLEEP]",
        "test_cross[odometer-VEHICLE_STATE:ASLEEP]",
        "test_cross[lock-VEHICLE_STATE:ASLEEP]",
        "test_single",  # one concrete key: not a parametrized marker, not narrowed
        "test_plain",
    ]


def test_smartcar_select_is_repeatable_and_combines_with_k(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_select=SELECT_SUITE)
    args = ("--smartcar-select", "*:ASLEEP", "--smartcar-select=RATE_LIMIT:*")
    assert [n.split("::")[1] for n in collected(pytester, *args, "-k", "cross")] == [
        "test_cross[odometer-RATE_LIMIT:SMARTCAR_API]",
        "test_cross[odometer-RATE_LIMIT:VEHICLE]",
        "test_cross[odometer-VEHICLE_STATE:ASLEEP]",
        "test_cross[lock-RATE_LIMIT:SMARTCAR_API]",
        "test_cross[lock-RATE_LIMIT:VEHICLE]",
        "test_cross[lock-VEHICLE_STATE:ASLEEP]",
    ]
    result = run(pytester, *args)
    result.assert_outcomes(failed=1 + 6, passed=2)  # unrequested stubs fail; the rest pass


def test_smartcar_select_matching_nothing_drops_the_test_cleanly(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_select=SELECT_SUITE)
    result = run(pytester, "--smartcar-select", "BILLING:*", "-rs")
    result.stdout.no_fnmatch_line("*NOTSET*")
    result.stdout.no_fnmatch_line("*empty parameter set*")
    # test_cross keeps its 4 x 2 BILLING cases; every other case is deselected.
    result.assert_outcomes(failed=8, passed=2, deselected=CASES_IN_SELECT_SUITE - 8)


def test_smartcar_select_counts_each_case_it_leaves_out_as_deselected(
    pytester: pytest.Pytester,
) -> None:
    """pytest's "N deselected" counts cases, as -k does: docs/parametrize.md says so."""
    pytester.makepyfile(test_select=SELECT_SUITE)
    result = run(pytester, "--smartcar-select", "vehicle_state:a*")
    result.assert_outcomes(failed=3, passed=2, deselected=CASES_IN_SELECT_SUITE - 3)


# --- registration --------------------------------------------------------------------------------


def test_markers_are_registered_with_their_signature(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--markers")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            # (other developers may append keyword arguments after optional=)
            "@pytest.mark.smartcar_error(*keys_or_patterns, type=, status=, resolution=, "
            "exclude=, endpoint=, method=, vehicle_id=, times=, then=, retry_after=, body=, "
            "headers=, resolution_style=, doc_url_style=, optional=*): serve Smartcar API "
            "errors to the test; several keys, globs, filters or a bare marker run the test "
            "once per matching catalog error.",
            "@pytest.mark.smartcar_connect_error(*codes, state=): give the test a Smartcar "
            "Connect error redirect; several codes or a bare marker run it once per Connect "
            "error.",
        ]
    )


def test_strict_markers_accepts_both_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP", optional=True)
        def test_api(smartcar_error):
            pass

        @pytest.mark.smartcar_connect_error("access_denied")
        def test_connect(smartcar_connect_error):
            pass
        """
    )
    result = run(pytester, "--strict-markers", "-W", "error")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
