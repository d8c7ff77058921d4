"""Smartcar's retry contract: each rule breaks on what it names and on nothing else."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import httpx
import pytest

from pytest_smartcar import (
    RetryContractViolation,
    SmartcarStub,
    SmartcarUsageError,
    stub_smartcar,
    virtual_clock,
)
from pytest_smartcar.contract import RULES
from tests.support import INNER

VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
URL = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer"
TOKEN_URL = "https://auth.smartcar.com/oauth/token"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with virtual_clock(), httpx.Client(headers={"Authorization": "Bearer old"}) as client:
        yield client


def _rules(stub: SmartcarStub, **kw: object) -> list[str]:
    try:
        stub.assert_retry_contract(**kw)  # type: ignore[arg-type]
    except RetryContractViolation as exc:
        return [v.rule for v in exc.violations]
    return []


def _twice(http: httpx.Client, first: str, wait: float, **serve: object) -> list[str]:
    with stub_smartcar() as stub:
        stub.serve(first, times=1, then="success", **serve)  # type: ignore[arg-type]
        http.get(URL)
        time.sleep(wait)
        http.get(URL)
    return _rules(stub)


@pytest.mark.parametrize(("wait", "broken"), [(119, ["retry_after"]), (120, [])])
def test_retry_after_is_waited_for(http: httpx.Client, wait: float, broken: list[str]) -> None:
    assert _twice(http, "RATE_LIMIT:VEHICLE", wait) == broken


@pytest.mark.parametrize(
    ("header", "wait", "broken"),
    [
        (" 30 ", 29, ["retry_after"]),  # spaces are trimmed: still 30 s
        ("0", 0, []),  # Smartcar said: now
        ("1.5", 0, ["retry_later_wait"]),  # not delta-seconds: no advice, so back off
        ("Wed, 21 Oct 2015 07:28:00 GMT", 1, []),
    ],
)
def test_only_delta_seconds_are_advice(
    http: httpx.Client, header: str, wait: float, broken: list[str]
) -> None:
    assert _twice(http, "SERVER:INTERNAL", wait, retry_after=header) == broken


@pytest.mark.parametrize(("wait", "broken"), [(0, ["retry_later_wait"]), (0.5, [])])
def test_retry_later_needs_some_wait(http: httpx.Client, wait: float, broken: list[str]) -> None:
    assert _twice(http, "UPSTREAM:NO_RESPONSE", wait) == broken


@pytest.mark.parametrize(
    "key",
    [
        "CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED",
        "BILLING:INVALID_PLAN",
        "BILLING:ACCOUNT_SUSPENDED",
        "CONNECTED_SERVICES_ACCOUNT:VIRTUAL_KEY_REQUIRED",
        "VEHICLE_STATE:ASLEEP",  # a 4xx with no resolution
        "AUTHENTICATION",
    ],
)
def test_what_retrying_does_not_fix_is_not_repeated(http: httpx.Client, key: str) -> None:
    assert _twice(http, key, 60) == ["not_retryable"]


@pytest.mark.parametrize("key", ["COMPATIBILITY:VEHICLE_NOT_CAPABLE", "gateway_502", "timeout"])
def test_no_rule_without_smartcar_advice(http: httpx.Client, key: str) -> None:
    with stub_smartcar() as stub:
        stub.serve(key, times=1, then="success")
        for _ in range(2):
            with contextlib.suppress(httpx.TransportError):
                http.get(URL)
    assert _rules(stub) == []


def test_a_new_token_is_a_change(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("PERMISSION", times=1, then="success")
        http.get(URL)
        http.get(URL, headers={"Authorization": "Bearer new"})
    assert _rules(stub) == []


def test_a_token_refresh_is_a_change(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("AUTHENTICATION", endpoint="odometer", times=1, then="success")
        stub.succeed(endpoint="token")
        http.get(URL)
        http.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": "r"})
        http.get(URL)
    assert _rules(stub) == []


def test_a_reauthentication_is_a_change(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", times=1, then="success")
        http.get(URL)
        stub.reauth_redirect("https://app.example/callback", state="s")
        http.get(URL)
    assert _rules(stub) == []


def test_a_declined_reauthentication_changes_nothing(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED", times=1, then="success")
        http.get(URL)
        stub.reauth_redirect("https://app.example/callback", denied=True)
        http.get(URL)
    assert _rules(stub) == ["not_retryable"]


def test_another_request_is_not_a_repeat(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        http.get(URL)
        http.get(URL.replace(VEHICLE, "other-vehicle"))
        http.post(URL.replace("odometer", "security"), json={"action": "LOCK"})
        http.post(URL.replace("odometer", "security"), json={"action": "UNLOCK"})
    assert _rules(stub) == []


def test_json_bodies_compare_as_data(http: httpx.Client) -> None:
    url = URL.replace("odometer", "security")
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:DOOR_OPEN")
        http.post(url, content=b'{"action": "LOCK"}')
        http.post(url, content=b'{"action":"LOCK"}')
    assert _rules(stub) == ["not_retryable"]


@pytest.mark.parametrize(("attempts", "broken"), [(3, []), (4, ["max_attempts"])])
def test_attempts_in_a_row_are_bounded(
    http: httpx.Client, attempts: int, broken: list[str]
) -> None:
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL")
        for n in range(attempts):
            http.get(URL)
            time.sleep(2**n)
    assert _rules(stub, max_attempts=3) == broken
    assert _rules(stub, max_attempts=None) == []


def test_a_success_ends_the_row(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve_sequence(["SERVER:INTERNAL", "SERVER:INTERNAL", "success", "SERVER:INTERNAL"])
        for _ in range(6):
            http.get(URL)
            time.sleep(1)
    assert _rules(stub, max_attempts=3) == []


def test_rules_switch_off_by_name(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("PERMISSION")
        for _ in range(4):
            http.get(URL)
    assert _rules(stub, max_attempts=3) == ["not_retryable"] * 3 + ["max_attempts"]
    assert _rules(stub, max_attempts=3, ignore=["not_retryable"]) == ["max_attempts"]
    assert _rules(stub, max_attempts=3, ignore="max_attempts") == ["not_retryable"] * 3
    assert _rules(stub, max_attempts=3, ignore=list(RULES)) == []


def test_bad_arguments_are_usage_errors() -> None:
    stub = stub_smartcar()
    with pytest.raises(SmartcarUsageError, match="did you mean 'retry_after'"):
        stub.assert_retry_contract(ignore=["retry-after"])
    with pytest.raises(SmartcarUsageError, match="whole number >= 1"):
        stub.assert_retry_contract(max_attempts=0)


def test_the_message_names_the_error_the_calls_and_the_fix(http: httpx.Client) -> None:
    with stub_smartcar() as stub:
        stub.serve("RATE_LIMIT:VEHICLE", times=1, then="success")
        http.get(URL)
        time.sleep(1)
        http.get(URL)
    with pytest.raises(RetryContractViolation) as info:
        stub.assert_retry_contract()
    assert isinstance(info.value, AssertionError)
    assert str(info.value).splitlines() == [
        "pytest-smartcar: the code under test broke Smartcar's retry contract (1 violation):",
        f"  - retry_after: GET {URL} was repeated 1 s after RATE_LIMIT:VEHICLE (429) said "
        "Retry-After: 120",
        f"      call 1 at 0 s: GET {URL} -> RATE_LIMIT:VEHICLE (429), Retry-After: 120",
        f"      call 2 at 1 s: GET {URL} -> success (200)",
        "    The rule: wait at least as long as Retry-After says before repeating the "
        "request. See https://pytest-smartcar.readthedocs.io/en/latest/retries/#rule-retry_after",
        "To switch a rule off: assert_retry_contract(ignore=[...]) with its name, the ini key "
        "smartcar_retry_ignore, or @pytest.mark.smartcar_retry_contract(ignore=[...]).",
    ]


# -- the pytest face ------------------------------------------------------------------------------

HAMMERING = """
import httpx
import pytest

URL = "https://api.smartcar.com/v2.0/vehicles/v1/odometer"


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_hammers(smartcar_error):
    for _ in range(3):
        httpx.get(URL, headers={"Authorization": "Bearer secret-token-123"})


@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_asks_once(smartcar_error):
    httpx.get(URL)
"""


@pytest.mark.parametrize("how", ["option", "ini"])
def test_the_ini_checks_every_stubbed_test_once(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(HAMMERING)
    if how == "ini":
        pytester.makeini("[pytest]\nsmartcar_retry_contract = true\n")
    args = ["--smartcar-retry-contract"] if how == "option" else []
    result = pytester.runpytest(*INNER, *args)
    result.assert_outcomes(passed=1, failed=1)  # failed once: no teardown ERROR
    result.stdout.fnmatch_lines(
        [
            "*the code under test broke Smartcar's retry contract (2 violations)*",
            "*not_retryable: GET * was repeated after VEHICLE_STATE:ASLEEP (409)*",
        ]
    )
    result.stdout.no_fnmatch_line("*secret-token-123*")


def test_the_contract_is_off_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(HAMMERING)
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


@pytest.mark.parametrize("how", ["option", "ini"])
def test_bound_and_rules_off(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(HAMMERING)
    args = ["--smartcar-retry-contract"]
    if how == "ini":
        pytester.makeini(
            "[pytest]\nsmartcar_retry_max_attempts = 2\nsmartcar_retry_ignore = not_retryable\n"
        )
    else:
        args += ["--smartcar-retry-max-attempts=2", "--smartcar-retry-ignore=not_retryable"]
    result = pytester.runpytest(*INNER, *args)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*max_attempts: GET * was attempted 3 times in a row*"])


def test_the_marker_turns_the_check_on_and_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HAMMERING.replace(
            '@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")\ndef test_hammers',
            '@pytest.mark.smartcar_retry_contract(ignore=["max_attempts"])\n'
            '@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")\ndef test_hammers',
        )
        + """

@pytest.mark.smartcar_retry_contract(False)
@pytest.mark.smartcar_error("VEHICLE_STATE:ASLEEP")
def test_allowed_to_hammer(smartcar_error):
    for _ in range(3):
        httpx.get(URL)
"""
    )
    pytester.makeini("[pytest]\nsmartcar_retry_contract = false\n")
    result = pytester.runpytest(*INNER, "--smartcar-retry-contract")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*FAILED*test_hammers*"])


def test_a_bad_ini_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(HAMMERING)
    pytester.makeini("[pytest]\nsmartcar_retry_ignore = retry_afte\n")
    result = pytester.runpytest(*INNER)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'retry_afte' is not a retry contract rule; did you mean*"])
