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


@pytest.mark.parametrize("name", ["smartcar_block_unmatched", "smartcar_allow_network"])
def test_a_yes_no_ini_key_pytest_cannot_read_is_one_usage_error(
    pytester: pytest.Pytester, name: str
) -> None:
    pytester.makeini(f"[pytest]\n{name} = maybe\n")
    pytester.makepyfile(
        "def test_a(smartcar_error):\n    pass\n\ndef test_b(smartcar_error):\n    pass\n"
    )
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: ini {name}: *'maybe'; it takes true or false (also yes/no, on/off, 1/0)"]
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
