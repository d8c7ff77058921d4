"""Options and ini keys: the app name in suggested messages, and blocking other hosts."""

from __future__ import annotations

import pytest

TEST_FILE = """
import httpx
import pytest

@pytest.mark.smartcar_error("RATE_LIMIT:SMARTCAR_API")
def test_message(smartcar_error):
    body = httpx.get("https://api.smartcar.com/v2.0/vehicles/v1/odometer").json()
    print("SUM=" + body["suggestedUserMessage"])
"""


@pytest.mark.parametrize(
    ("ini", "args", "name"),
    [
        pytest.param("", [], "Example App", id="default"),
        pytest.param("[pytest]\nsmartcar_app_name = Optiwatt\n", [], "Optiwatt", id="ini"),
        (
            "[pytest]\nsmartcar_app_name = Optiwatt\n",
            ["--smartcar-app-name=KabobMobile"],
            "KabobMobile",
        ),
    ],
)
def test_app_name_fills_suggested_user_message(
    pytester: pytest.Pytester, ini: str, args: list[str], name: str
) -> None:
    if ini:
        pytester.makeini(ini)
    pytester.makepyfile(TEST_FILE)
    result = pytester.runpytest("-s", "-p", "no:randomly", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*SUM=Your vehicle is temporarily unable to connect to {name}.*"])


@pytest.mark.parametrize("how", ["option", "ini"])
def test_block_unmatched_fails_other_hosts(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_other_host(smartcar_error):
            httpx.get("http://127.0.0.1:9/health")
        """
    )
    args = ["--smartcar-block-unmatched"] if how == "option" else []
    if how == "ini":
        pytester.makeini("[pytest]\nsmartcar_block_unmatched = true\n")
    result = pytester.runpytest("-p", "no:randomly", *args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*pytest-smartcar blocked GET http://127.0.0.1:9/health: block_unmatched is on*"]
    )
