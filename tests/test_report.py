"""The catalog coverage report: terminal summary, JSON, fail-under, and xdist parity.

Most suites below record served errors the way the engine does (a ``user_properties``
entry), so the report is pinned independently of the engine; the ``real_fixture`` tests
go through ``smartcar_error`` and ``smartcar_connect_error`` end to end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import pytest_smartcar
from pytest_smartcar import catalog
from pytest_smartcar._keys import SERVED_PROPERTY
from pytest_smartcar.report import CatalogCoverage, terminal_lines

# Records served errors exactly as the engine does, so the report can be tested alone.
SERVED_CONFTEST = f"""
import pytest

@pytest.fixture
def served(request):
    def serve(key, endpoint=None, kind="api"):
        record = {{"kind": kind, "key": key, "endpoint": endpoint}}
        request.node.user_properties.append(({SERVED_PROPERTY!r}, record))
    return serve
"""

# A known subset: 3 of 48 API errors and 1 of 9 Connect errors.
SUBSET_SUITE = """
def test_asleep_odometer(served):
    served("VEHICLE_STATE:ASLEEP", "odometer")

def test_asleep_battery(served):
    served("vehicle_state:asleep", "battery")   # keys are case-insensitive

def test_rate_limit_twice(served):
    served("RATE_LIMIT:VEHICLE", "lock")
    served("RATE_LIMIT:VEHICLE", "lock")

def test_authentication(served):
    served("AUTHENTICATION")

def test_access_denied(served):
    served("access_denied", kind="connect")

def test_nothing_served(served):
    pass
"""

SUBSET_EXERCISED: dict[str, dict[str, Any]] = {
    "AUTHENTICATION": {
        "type": "AUTHENTICATION",
        "code": None,
        "status": 401,
        "exercised": True,
        "endpoints": [],
        "tests": ["test_subset.py::test_authentication"],
    },
    "RATE_LIMIT:VEHICLE": {
        "type": "RATE_LIMIT",
        "code": "VEHICLE",
        "status": 429,
        "exercised": True,
        "endpoints": ["lock"],
        "tests": ["test_subset.py::test_rate_limit_twice"],
    },
    "VEHICLE_STATE:ASLEEP": {
        "type": "VEHICLE_STATE",
        "code": "ASLEEP",
        "status": 409,
        "exercised": True,
        "endpoints": ["battery", "odometer"],
        "tests": [
            "test_subset.py::test_asleep_battery",
            "test_subset.py::test_asleep_odometer",
        ],
    },
}

SUBSET_COMPACT = """\
catalog 2026.12: 4 of 57 errors exercised (7.01%), counting API and Connect
  API       3/48     6.25%
  Connect   1/9     11.11%
missing API errors (45): BILLING:* (4), COMPATIBILITY:* (4),
  CONNECTED_SERVICES_ACCOUNT:* (7), PERMISSION, RATE_LIMIT:SMARTCAR_API,
  RESOURCE_NOT_FOUND:* (2), SERVER:* (3), UPSTREAM:* (5), VALIDATION:* (2),
  VEHICLE_STATE:CHARGING_IN_PROGRESS, VEHICLE_STATE:CHARGING_PLUG_CONNECTED,
  VEHICLE_STATE:CHARGING_PLUG_NOT_CONNECTED, VEHICLE_STATE:DOOR_OPEN,
  VEHICLE_STATE:FULLY_CHARGED, VEHICLE_STATE:NOT_CHARGING,
  VEHICLE_STATE:CHARGE_FAULT, VEHICLE_STATE:HOOD_OPEN,
  VEHICLE_STATE:IGNITION_ON, VEHICLE_STATE:IN_MOTION,
  VEHICLE_STATE:REMOTE_ACCESS_DISABLED, VEHICLE_STATE:TRUNK_OPEN,
  VEHICLE_STATE:UNKNOWN, VEHICLE_STATE:UNREACHABLE,
  VEHICLE_STATE:VEHICLE_OFFLINE_FOR_SERVICE, VEHICLE_STATE:LOW_BATTERY
missing Connect errors (8): invalid_subscription, configuration_error,
  no_vehicles, vehicle_incompatible, server_error, oem_cancelled_login,
  user_manually_returned_to_application, battery_capacity_no_selection
(-v lists every error with the tests that exercised it)"""

TITLE = "Smartcar catalog coverage"


@pytest.fixture(autouse=True)
def _fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal for every run, so the wrapped summary lines are pinned."""
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def subset(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project whose suite exercises the known subset."""
    pytester.makeconftest(SERVED_CONFTEST)
    pytester.makepyfile(test_subset=SUBSET_SUITE)
    return pytester


def report_section(result: pytest.RunResult) -> list[str]:
    """The lines of the coverage section: after its title, up to the next separator."""
    lines = result.outlines
    start = next(i for i, line in enumerate(lines) if f" {TITLE} " in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("=", "-")))
    return lines[start + 1 : end]


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def exercised(section: dict[str, Any]) -> dict[str, Any]:
    return {key: e for key, e in section["errors"].items() if e["exercised"]}


# ------------------------------------------------------------------ terminal summary


def test_compact_summary_pins_the_subset(subset: pytest.Pytester) -> None:
    result = subset.runpytest("--smartcar-report")
    result.assert_outcomes(passed=6)
    assert report_section(result) == SUBSET_COMPACT.splitlines()


def test_verbose_summary_lists_every_error_with_its_tests(subset: pytest.Pytester) -> None:
    result = subset.runpytest("--smartcar-report", "-v")
    section = report_section(result)
    assert section[:5] == [
        "catalog 2026.12: 4 of 57 errors exercised (7.01%), counting API and Connect",
        "  API       3/48     6.25%",
        "  Connect   1/9     11.11%",
        "API errors by type (+ exercised, - missing):",
        "  AUTHENTICATION 1/1",
    ]
    result.stdout.fnmatch_lines(
        [
            "  RATE_LIMIT 1/2",
            "    - RATE_LIMIT:SMARTCAR_API",
            "    + RATE_LIMIT:VEHICLE on lock",
            "        test_subset.py::test_rate_limit_twice",
            "  RESOURCE_NOT_FOUND 0/2",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "  VEHICLE_STATE 1/17",
            "    + VEHICLE_STATE:ASLEEP on battery, odometer",
            "        test_subset.py::test_asleep_battery",
            "        test_subset.py::test_asleep_odometer",
            "    - VEHICLE_STATE:CHARGING_IN_PROGRESS",
        ],
        consecutive=True,
    )
    assert section[-11:] == [
        "Connect errors 1/9",
        "    + access_denied",
        "        test_subset.py::test_access_denied",
        *(f"    - {spec.code}" for spec in catalog.CONNECT_ERRORS[1:]),
    ]
    # every catalog error has exactly one +/- line
    marked = [line.strip()[2:].split(" on ")[0] for line in section if line[4:6] in ("+ ", "- ")]
    assert marked == [s.key for s in catalog.API_ERRORS] + [s.code for s in catalog.CONNECT_ERRORS]


def test_no_report_option_no_report(subset: pytest.Pytester) -> None:
    result = subset.runpytest()
    result.assert_outcomes(passed=6)
    assert TITLE not in result.stdout.str()


def test_collect_only_registers_nothing(subset: pytest.Pytester) -> None:
    out = subset.path / "report.json"
    result = subset.runpytest(
        "--collect-only", "--smartcar-report", f"--smartcar-report-json={out}"
    )
    assert result.ret == pytest.ExitCode.OK
    assert TITLE not in result.stdout.str()
    assert not out.exists()


# ---------------------------------------------------------------------------- JSON


def test_json_report_holds_exactly_the_subset(subset: pytest.Pytester) -> None:
    result = subset.runpytest("--smartcar-report-json=out/report.json")
    result.assert_outcomes(passed=6)
    path = subset.path / "out" / "report.json"
    result.stdout.fnmatch_lines([f"*generated Smartcar coverage JSON: {path}*"])
    data = read_json(path)
    api_missing = [s.key for s in catalog.API_ERRORS if s.key not in SUBSET_EXERCISED]
    assert {k: data[k] for k in ("schema_version", "catalog_version", "total", "exercised")} == {
        "schema_version": 3,
        "catalog_version": catalog.CATALOG_VERSION,
        "total": 57,
        "exercised": 4,
    }
    assert data["percent"] == 7.01
    api = data["api"]
    assert (api["total"], api["exercised"], api["percent"]) == (48, 3, 6.25)
    assert api["missing"] == api_missing
    assert exercised(api) == SUBSET_EXERCISED
    assert list(api["errors"]) == [s.key for s in catalog.API_ERRORS]
    assert api["errors"]["BILLING:INVALID_PLAN"] == {
        "type": "BILLING",
        "code": "INVALID_PLAN",
        "status": 430,
        "exercised": False,
        "endpoints": [],
        "tests": [],
    }
    connect = data["connect"]
    assert (connect["total"], connect["exercised"], connect["percent"]) == (9, 1, 11.11)
    assert connect["missing"] == [s.code for s in catalog.CONNECT_ERRORS][1:]
    assert exercised(connect) == {
        "access_denied": {
            "name": "Access Denied",
            "exercised": True,
            "endpoints": [],
            "tests": ["test_subset.py::test_access_denied"],
        }
    }
    assert data["other"] == {}


def test_served_keys_outside_the_catalog_are_reported_apart(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(SERVED_CONFTEST)
    pytester.makepyfile(
        test_other="""
        def test_oauth(served):
            served("oauth:invalid_grant")

        def test_unknown_connect(served):
            served("made_up", kind="connect")
        """
    )
    result = pytester.runpytest("--smartcar-report", "--smartcar-report-json=r.json")
    data = read_json(pytester.path / "r.json")
    assert data["exercised"] == 0
    assert data["other"] == {
        "OAUTH:INVALID_GRANT": {"endpoints": [], "tests": ["test_other.py::test_oauth"]},
        "made_up": {"endpoints": [], "tests": ["test_other.py::test_unknown_connect"]},
    }
    result.stdout.fnmatch_lines(
        [
            "also served, outside the API, V3 and Connect catalogs: OAUTH:INVALID_GRANT,",
            "  made_up",
        ],
        consecutive=True,
    )


def test_failed_and_skipped_tests_count_what_they_were_served(pytester: pytest.Pytester) -> None:
    """Served is served: the report measures what the suite exercises, the outcome is pytest's."""
    pytester.makeconftest(SERVED_CONFTEST)
    pytester.makepyfile(
        test_outcomes="""
        import pytest

        def test_fails(served):
            served("SERVER:INTERNAL", "odometer")
            assert False

        def test_skips(served):
            served("UPSTREAM:NO_RESPONSE")
            pytest.skip("later")

        @pytest.fixture
        def in_setup(served):
            served("PERMISSION")

        def test_setup_record(in_setup):
            pass
        """
    )
    pytester.runpytest("--smartcar-report-json=r.json").assert_outcomes(
        passed=1, failed=1, skipped=1
    )
    data = read_json(pytester.path / "r.json")
    assert sorted(exercised(data["api"])) == [
        "PERMISSION",
        "SERVER:INTERNAL",
        "UPSTREAM:NO_RESPONSE",
    ]


def test_unwritable_report_path_fails_the_run_clearly(subset: pytest.Pytester) -> None:
    subset.mkdir("taken.json")  # a directory where the file should go
    result = subset.runpytest("--smartcar-report-json=taken.json")
    result.assert_outcomes(passed=6)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["ERROR: could not write the Smartcar coverage JSON: *taken.json*"])


# ---------------------------------------------------------------------- fail-under


@pytest.mark.parametrize(
    ("threshold", "fails"),
    [("0", False), ("7", False), ("7.01", False), ("7.02", True), ("50", True), ("100", True)],
)
def test_fail_under_option(subset: pytest.Pytester, threshold: str, fails: bool) -> None:
    # 4 of 57 is 7.0175...%: 7.01 passes, 7.02 does not.
    result = subset.runpytest(f"--smartcar-fail-under={threshold}")
    result.assert_outcomes(passed=6)
    if fails:
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.fnmatch_lines(
            [
                "FAIL: Smartcar catalog coverage 7.01% (4 of 57 errors, API and Connect) is below "
                "the required "
                f"{float(threshold):g}% (--smartcar-fail-under={float(threshold):g}). Add tests "
                "for the missing errors (--smartcar-report lists them) or lower the threshold."
            ]
        )
    else:
        assert result.ret == pytest.ExitCode.OK
        result.stdout.fnmatch_lines(
            [
                f"Required Smartcar catalog coverage of {float(threshold):g}% reached: "
                "7.01% (4 of 57 errors, API and Connect)."
            ]
        )


def test_fail_under_ini_key_and_option_override(subset: pytest.Pytester) -> None:
    subset.makeini("[pytest]\nsmartcar_fail_under = 8\n")
    result = subset.runpytest()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL: *below the required 8% (ini smartcar_fail_under = 8).*"])
    assert subset.runpytest("--smartcar-fail-under=7").ret == pytest.ExitCode.OK


def test_fail_under_keeps_a_test_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_fails():\n    assert False\n")
    result = pytester.runpytest("--smartcar-fail-under=0")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["Required Smartcar catalog coverage of 0% reached: 0.00%*"])


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (["--smartcar-fail-under=101"], None, "--smartcar-fail-under=101: takes a percentage*"),
        (["--smartcar-fail-under=-1"], None, "--smartcar-fail-under=-1: takes a percentage*"),
        (["--smartcar-fail-under=abc"], None, "*from 0 to 100, like 90 or 90%, got 'abc'"),
        ([], "lots", "ini smartcar_fail_under = lots: takes a percentage from 0 to 100*'lots'"),
        (["--smartcar-report-json="], None, "--smartcar-report-json= got an empty path; *"),
        (["--smartcar-report-html= "], None, "--smartcar-report-html= got an empty path; *"),
        (
            ["--smartcar-report-json=r.json", "--smartcar-report-html=./r.json"],
            None,
            "--smartcar-report-json and --smartcar-report-html both name *r.json: the HTML "
            "report would overwrite the JSON one; give each its own file",
        ),
        (
            ["--smartcar-report-scope=conect"],
            None,
            "--smartcar-report-scope=conect: unknown scope 'conect' (did you mean connect?); *",
        ),
    ],
)
def test_report_options_refuse_bad_values_at_start_up(
    pytester: pytest.Pytester, args: list[str], ini: str | None, message: str
) -> None:
    pytester.makepyfile("def test_ok():\n    pass\n")
    if ini is not None:
        pytester.makeini(f"[pytest]\nsmartcar_fail_under = {ini}\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_fail_under_without_a_terminal_still_says_why(subset: pytest.Pytester) -> None:
    result = subset.runpytest("-p", "no:terminal", "--smartcar-fail-under=50")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stderr.fnmatch_lines(["FAIL: Smartcar catalog coverage 7.01%*below the required 50%*"])


# ------------------------------------------------------------------------- scope


API_ONLY_SUITE = """
import pytest
from pytest_smartcar import catalog

@pytest.mark.parametrize("key", [s.key for s in catalog.API_ERRORS])
def test_every_api_error(served, key):
    served(key, "odometer")
"""


@pytest.fixture
def api_only(pytester: pytest.Pytester) -> pytest.Pytester:
    """A suite that exercises every API error and no Connect error."""
    pytester.makeconftest(SERVED_CONFTEST)
    pytester.makepyfile(test_api=API_ONLY_SUITE)
    return pytester


def test_an_api_only_suite_is_measured_on_the_api_and_can_pass(api_only: pytest.Pytester) -> None:
    result = api_only.runpytest("--smartcar-report", "--smartcar-fail-under=90%")
    assert result.ret == pytest.ExitCode.OK
    # At full coverage the summary is a few lines; -v has the detail.
    assert report_section(result) == [
        "catalog 2026.12: 48 of 48 errors exercised (100.00%), counting API",
        "  API      48/48   100.00%",
        "  Connect   0/9      0.00%  not counted: no Connect error was served; "
        "--smartcar-report-scope=all counts it",
        "(-v lists every error with the tests that exercised it)",
        "Required Smartcar catalog coverage of 90% reached: 100.00% (48 of 48 errors, API).",
    ]


V3_SUITE = """
import httpx
import pytest

URL = "https://vehicle.api.smartcar.com/v3/vehicles/veh-1/signals"
HEADERS = {"Authorization": "Bearer t", "sc-user-id": "user-1"}

@pytest.mark.smartcar_error(endpoint="v3.signals")
def test_every_v3_error(smartcar_error):
    assert httpx.get(URL, headers=HEADERS).status_code >= 400
"""


def test_a_v3_suite_is_measured_on_the_v3_catalog(pytester: pytest.Pytester) -> None:
    """Errors served on V3 requests count in the V3 catalog, which a V3-only suite can
    complete; the v2.0 catalog is shown, not counted."""
    pytester.makepyfile(test_v3=V3_SUITE)
    result = pytester.runpytest(
        "-p", "no:randomly", "--smartcar-report", "--smartcar-report-html=r.html",
        "--smartcar-report-json=r.json", "--smartcar-fail-under=100",
    )  # fmt: skip
    result.assert_outcomes(passed=49)
    assert report_section(result) == [
        "catalog 2026.12: 49 of 49 errors exercised (100.00%), counting V3",
        "  API       0/48     0.00%  not counted: no API error was served; "
        "--smartcar-report-scope=all counts it",
        "  V3       49/49   100.00%",
        "  Connect   0/9      0.00%  not counted: no Connect error was served; "
        "--smartcar-report-scope=all counts it",
        "(-v lists every error with the tests that exercised it)",
    ]
    data = read_json(pytester.path / "r.json")
    assert data["v3"]["errors"]["VALIDATION:BAD_REQUEST"]["endpoints"] == ["v3.signals"]
    assert "VALIDATION" not in data["v3"]["errors"]  # v2.0 only
    page = (pytester.path / "r.html").read_text("utf-8")
    assert "V3 49/49" in page and 'id="e-V3-VALIDATION-BAD_REQUEST"' in page
    # A v2.0 suite's report does not list the V3 catalog at all.
    pytester.makepyfile(test_v3="def test_nothing():\n    pass\n")
    plain = pytester.runpytest("--smartcar-report")
    assert not any(line.startswith("  V3") for line in report_section(plain))


@pytest.mark.parametrize(
    ("scope", "figure", "ok"),
    [
        ("all", "45.28% (48 of 106 errors, API, V3 and Connect)", False),
        ("api,connect", "84.21% (48 of 57 errors, API and Connect)", False),
        ("connect", "0.00% (0 of 9 errors, Connect)", False),
        ("v3", "0.00% (0 of 49 errors, V3)", False),
        ("api", "100.00% (48 of 48 errors, API)", True),
    ],
)
def test_the_scope_chooses_the_catalogs_the_figure_counts(
    api_only: pytest.Pytester, scope: str, figure: str, ok: bool
) -> None:
    api_only.makeini(f"[pytest]\nsmartcar_report_scope = {scope}\nsmartcar_fail_under = 90\n")
    result = api_only.runpytest("--smartcar-report-json=r.json")
    assert (result.ret == pytest.ExitCode.OK) is ok
    result.stdout.fnmatch_lines([f"*Smartcar catalog coverage* {figure}*"])
    data = read_json(api_only.path / "r.json")
    families = {"all": ["api", "v3", "connect"], "api,connect": ["api", "connect"]}
    assert (data["scope"], data["scope_auto"]) == (families.get(scope, [scope]), False)


def test_a_suite_that_serves_nothing_is_measured_on_the_api(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_ok():\n    pass\n")
    result = pytester.runpytest("--smartcar-fail-under=1")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL: Smartcar catalog coverage 0.00% (0 of 48 errors, API)*"])


def test_help_says_what_the_report_options_take(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*--smartcar-fail-under=PCT*",
            "*(0-100, e.g. 90 or 90%)*",
            "*--smartcar-report-scope=SCOPE*",
            "*smartcar_fail_under (string):*",
            "*a percentage from 0 to 100 (90 or 90%)*",
        ]
    )


# -------------------------------------------------------------------------- xdist


def _subprocess_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the child interpreter import this checkout even when it is not installed."""
    root = str(Path(pytest_smartcar.__file__).parent.parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )


def test_xdist_gives_the_same_json_as_a_serial_run(
    subset: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xdist")
    _subprocess_env(monkeypatch)
    # A second file, so both workers serve something.
    subset.makepyfile(
        test_more="""
        import pytest

        @pytest.mark.parametrize("code", ["ASLEEP", "UNREACHABLE", "DOOR_OPEN", "TRUNK_OPEN"])
        def test_vehicle_state(served, code):
            served("VEHICLE_STATE:" + code, "lock")
            served("VEHICLE_STATE:" + code, "unlock")
        """
    )
    serial = subset.runpytest_subprocess(
        "-p", "no:randomly", "--smartcar-report", "--smartcar-report-json=serial.json"
    )
    serial.assert_outcomes(passed=10)
    parallel = subset.runpytest_subprocess(
        "-n", "2", "--smartcar-report", "--smartcar-report-json=parallel.json"
    )
    parallel.assert_outcomes(passed=10)
    parallel.stdout.fnmatch_lines(["created: 2/2 workers"])
    serial_data = read_json(subset.path / "serial.json")
    assert read_json(subset.path / "parallel.json") == serial_data
    assert serial_data["api"]["errors"]["VEHICLE_STATE:ASLEEP"]["endpoints"] == [
        "battery",
        "lock",
        "odometer",
        "unlock",
    ]
    assert serial_data["exercised"] == 7
    # The controller alone reports: one summary, one file written.
    assert report_section(parallel) == report_section(serial)
    assert parallel.stdout.str().count(TITLE) == 1
    assert parallel.stdout.str().count("generated Smartcar coverage JSON") == 1


def test_xdist_fail_under(subset: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("xdist")
    _subprocess_env(monkeypatch)
    result = subset.runpytest_subprocess("-n", "2", "--smartcar-fail-under=7.02")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL: Smartcar catalog coverage 7.01% (4 of 57 errors*"])


# ---------------------------------------------------- through the real fixtures


REAL_SUITE = """
import httpx
import pytest

VEHICLE = "https://api.smartcar.com/v2.0/vehicles/36ab27d0-fd9d-4455-823a-ce30af709ffc"

@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_asleep(smartcar_error):
    assert httpx.get(VEHICLE + "/odometer").status_code == 409

def test_declared_but_never_requested(smartcar_error):
    smartcar_error.serve("BILLING:VEHICLE_LIMIT", optional=True)

def test_requested_on_lock(smartcar_error):
    smartcar_error.serve("RATE_LIMIT:VEHICLE", endpoint="lock")
    response = httpx.post(VEHICLE + "/security", json={"action": "LOCK"})
    assert response.status_code == 429

@pytest.mark.smartcar_error(type="COMPATIBILITY")
def test_every_compatibility_error(smartcar_error):
    assert httpx.get(VEHICLE + "/battery").status_code == 501

@pytest.mark.smartcar_connect_error("access_denied")
def test_denied(smartcar_connect_error):
    assert smartcar_connect_error.query["error"] == "access_denied"

def test_engine_opened_in_the_body():
    from pytest_smartcar import stub_smartcar
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL", endpoint="fuel")
        assert httpx.get(VEHICLE + "/fuel").status_code == 500

@pytest.fixture
def app_warmup():
    from pytest_smartcar import stub_smartcar
    with stub_smartcar() as stub:
        stub.serve("UPSTREAM:NO_RESPONSE", endpoint="vin")
        httpx.get(VEHICLE + "/vin")
    yield

def test_served_during_fixture_setup(app_warmup):
    pass

@pytest.fixture(scope="module")
def module_warmup():
    from pytest_smartcar import stub_smartcar
    with stub_smartcar() as stub:
        stub.serve("SERVER:RECORD_NOT_FOUND", endpoint="vin")
        httpx.get(VEHICLE + "/vin")
    yield

def test_first_user_of_the_module_fixture(module_warmup):
    pass

def test_second_user_of_the_module_fixture(module_warmup):
    pass
"""


def test_real_fixtures_count_only_what_was_served(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_real=REAL_SUITE)
    result = pytester.runpytest("--smartcar-report", "--smartcar-report-json=r.json")
    result.assert_outcomes(passed=12)
    data = read_json(pytester.path / "r.json")
    api = exercised(data["api"])
    assert "BILLING:VEHICLE_LIMIT" not in api  # declared, never requested
    assert {key: (e["endpoints"], e["tests"]) for key, e in api.items()} == {
        **{
            spec.key: (["battery"], [f"test_real.py::test_every_compatibility_error[{spec.key}]"])
            for spec in catalog.select(type="COMPATIBILITY")
        },
        "RATE_LIMIT:VEHICLE": (["lock"], ["test_real.py::test_requested_on_lock"]),
        "VEHICLE_STATE:ASLEEP": (["odometer"], ["test_real.py::test_asleep"]),
        "SERVER:INTERNAL": (["fuel"], ["test_real.py::test_engine_opened_in_the_body"]),
        "UPSTREAM:NO_RESPONSE": (["vin"], ["test_real.py::test_served_during_fixture_setup"]),
        # A module-scoped fixture's setup is credited to it, not to its first test.
        "SERVER:RECORD_NOT_FOUND": (
            ["vin"],
            ["test_real.py::module_warmup (module-scoped fixture)"],
        ),
    }
    assert exercised(data["connect"]) == {
        "access_denied": {
            "name": "Access Denied",
            "exercised": True,
            "endpoints": [],
            "tests": ["test_real.py::test_denied"],
        }
    }
    assert (data["api"]["exercised"], data["connect"]["exercised"], data["exercised"]) == (9, 1, 10)
    result.stdout.fnmatch_lines(["catalog 2026.12: 10 of 57 errors exercised (17.54%)*"])


# ------------------------------------------------------------------- aggregation


class _Report:
    """Just what ``CatalogCoverage.add_report`` reads from a ``TestReport``."""

    def __init__(self, nodeid: str, user_properties: list[Any]) -> None:
        self.nodeid = nodeid
        self.user_properties = user_properties


def test_aggregation_merges_phases_and_ignores_foreign_properties() -> None:
    coverage = CatalogCoverage()
    record = {"kind": "api", "key": "server:internal", "endpoint": "odometer"}
    for props in (
        [(SERVED_PROPERTY, record)],  # call phase
        [(SERVED_PROPERTY, record), ["smartcar_served", dict(record, endpoint=None)]],  # teardown
        [("other_plugin", {"key": "X"}), ("smartcar_served", "not a dict"), ("a", "b", "c")],
        [(SERVED_PROPERTY, {"kind": "api"}), (SERVED_PROPERTY, {"kind": "api", "key": 3})],
    ):
        coverage.add_report(_Report("t.py::test", props))  # type: ignore[arg-type]
    data = coverage.to_json()
    assert exercised(data["api"]) == {
        "SERVER:INTERNAL": {
            "type": "SERVER",
            "code": "INTERNAL",
            "status": 500,
            "exercised": True,
            "endpoints": ["odometer"],
            "tests": ["t.py::test"],
        }
    }
    assert data["other"] == {}


def test_percentages_round_down() -> None:
    """99.99% must never print as 100% next to a 100% threshold."""
    coverage = CatalogCoverage()
    for spec in catalog.API_ERRORS:
        coverage.add("api", spec.key, None, "t.py::test")
    for connect in catalog.CONNECT_ERRORS[:-1]:
        coverage.add("connect", connect.code, None, "t.py::test")
    data = coverage.to_json()
    assert (data["exercised"], data["percent"]) == (56, 98.24)  # 98.245...
    assert data["scope"] == ["api", "connect"]
    assert data["connect"]["percent"] == 88.88  # 88.888...
    lines = terminal_lines(data)
    assert lines[0].startswith("catalog 2026.12: 56 of 57 errors exercised (98.24%)")
    assert lines[2] == "  Connect   8/9     88.88%"
    assert lines[-2:] == [
        "missing Connect errors (1): battery_capacity_no_selection",
        "(-v lists every error with the tests that exercised it)",
    ]
