"""No credential in a failing test's report: not in the terminal with ``--tb=long`` or
``--showlocals``, not in junitxml with ``junit_logging=all``. Tried with the official SDK
(a bearer token, ``AuthClient.exchange_code``'s client secret and authorization code)
and with a signed webhook (the application management token)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import INNER

TOKEN = "tok-9f2c1e7a55b64d3d8e"
CLIENT_SECRET = "cs-71c0d2f9b8e44e1a"
CODE = "code-3b9d21f0aa7c"
AMT = "amt-5e6f7a8b9c0d1e2f"
SECRETS = (TOKEN, CLIENT_SECRET, CODE, AMT)

SUITE = f"""
import smartcar
import pytest
from pytest_smartcar import webhooks

VEHICLE_ID = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
TOKEN = {TOKEN!r}
AMT = {AMT!r}


def test_unmatched_sdk_request():
    print("calling with", TOKEN)
    smartcar.Vehicle(VEHICLE_ID, TOKEN).odometer()


def test_sdk_error_not_handled(smartcar_error):
    smartcar_error.serve("VEHICLE_STATE:ASLEEP")
    smartcar.Vehicle(VEHICLE_ID, TOKEN).odometer()


def test_exchange_code(smartcar_error):
    smartcar_error.serve("OAUTH:INVALID_CODE", endpoint="token")
    client = smartcar.AuthClient("client-id-1", {CLIENT_SECRET!r}, "https://example.com/cb")
    client.exchange_code({CODE!r})


@pytest.fixture
def amt():
    return AMT


def test_webhook_signature(amt):
    body, headers = webhooks.signed_request(b'{{"eventId": "1"}}', management_token=amt)
    assert smartcar.verify_payload(amt, headers["SC-Signature"], body + b" ")


def test_webhook_sdk_only():
    signature = smartcar.hash_challenge(AMT, "challenge")
    assert signature == webhooks.hash_challenge(AMT, "other")
"""


def assert_no_secret(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"leaked {leaked}:\n{text}"


@pytest.mark.parametrize(
    "args", [("--tb=long",), ("--tb=long", "--showlocals"), ("--tb=short",), ("-rA",)]
)
def test_the_terminal_shows_no_credential(pytester: pytest.Pytester, args: tuple[str]) -> None:
    pytester.makepyfile(test_sdk_app=SUITE)
    result = pytester.runpytest(*INNER, *args)
    result.assert_outcomes(failed=5)
    text = result.stdout.str() + result.stderr.str()
    assert "[redacted]" in text
    assert_no_secret(text)


def test_junitxml_with_all_logging_shows_no_credential(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sdk_app=SUITE)
    xml = Path(pytester.path) / "junit.xml"
    result = pytester.runpytest(*INNER, "--tb=long", f"--junitxml={xml}", "-o", "junit_logging=all")
    result.assert_outcomes(failed=5)
    text = xml.read_text("utf-8")
    assert "calling with [redacted]" in text  # the captured output is there, redacted
    assert_no_secret(text)
    assert_no_secret(result.stdout.str())


def test_the_users_frames_are_still_shown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sdk_app=SUITE)
    result = pytester.runpytest(*INNER, "--tb=long", "-k", "exchange_code")
    result.stdout.fnmatch_lines(
        [
            ">*client.exchange_code('[[]redacted]')",
            "*SmartcarException*",
        ]
    )
