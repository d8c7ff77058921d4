"""The retry contract's pytest face: the ini keys, the option and the marker, read once.

``smartcar_retry_contract`` (or ``--smartcar-retry-contract``) checks the contract at the
end of every test that uses the ``smartcar_error`` fixture; ``smartcar_retry_max_attempts``
and ``smartcar_retry_ignore`` (options ``--smartcar-retry-max-attempts``,
``--smartcar-retry-ignore``) set its bound and the rules it skips. The marker
``@pytest.mark.smartcar_retry_contract(max_attempts=3, ignore=[...])`` turns the check on
for a test, module or class (``smartcar_retry_contract(False)`` turns it off); the
closest marker wins, and what it leaves out comes from the ini.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from pytest_smartcar.errors import SmartcarUsageError

MARKER = "smartcar_retry_contract"
MARKER_SIGNATURE = (
    f"{MARKER}(enabled=True, *, max_attempts=None, ignore=()): check Smartcar's retry "
    "contract on the smartcar_error fixture when the test ends (max_attempts, rules to skip)"
)


class ContractSettings(NamedTuple):
    """Whether to check, and the ``assert_retry_contract()`` arguments that were set
    (what is not set keeps the contract's defaults). Built at every pytest start: a
    NamedTuple is cheaper to define than a dataclass."""

    enabled: bool
    arguments: dict[str, Any]


def from_config(config: pytest.Config) -> ContractSettings:
    """The session-wide settings; bad values raise ``SmartcarUsageError``. The contract
    module is imported only when a value needs checking: not at every pytest start."""
    enabled = bool(config.getoption("smartcar_retry_contract") or config.getini(MARKER))
    arguments: dict[str, Any] = {}
    raw = config.getoption("smartcar_retry_max_attempts")
    raw = str(raw if raw is not None else config.getini("smartcar_retry_max_attempts")).strip()
    ignore = config.getoption("smartcar_retry_ignore") or config.getini("smartcar_retry_ignore")
    if raw:
        if raw.lower() in ("none", "off"):
            arguments["max_attempts"] = None
        elif raw.isdigit():
            arguments["max_attempts"] = int(raw)
        else:
            raise SmartcarUsageError(
                f"smartcar_retry_max_attempts = {raw!r}: write a whole number >= 1 or 'none'"
            )
    if ignore:
        arguments["ignore"] = ignore
    return ContractSettings(enabled, _checked(arguments))


def _checked(arguments: dict[str, Any]) -> dict[str, Any]:
    __tracebackhide__ = True
    if not arguments:
        return arguments
    from pytest_smartcar.contract import check_max_attempts, check_rules

    out = dict(arguments)
    if "max_attempts" in out:
        out["max_attempts"] = check_max_attempts(out["max_attempts"])
    if "ignore" in out:
        out["ignore"] = check_rules(out["ignore"])
    return out


def for_item(item: pytest.Item, base: ContractSettings) -> ContractSettings:
    """The settings for one test: its closest marker over the session's."""
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return base
    if len(marker.args) > 1 or set(marker.kwargs) - {"enabled", "max_attempts", "ignore"}:
        raise SmartcarUsageError(
            f"@pytest.mark.{MARKER} takes (enabled=True, *, max_attempts=..., ignore=[...]), "
            f"got args={marker.args!r} kwargs={marker.kwargs!r}"
        )
    enabled = marker.kwargs.get("enabled", marker.args[0] if marker.args else True)
    if not isinstance(enabled, bool):
        raise SmartcarUsageError(f"@pytest.mark.{MARKER}({enabled!r}): write True or False")
    own = {k: v for k, v in marker.kwargs.items() if k != "enabled"}
    return ContractSettings(enabled, {**base.arguments, **_checked(own)})


def add_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    group.addoption(
        "--smartcar-retry-contract",
        dest="smartcar_retry_contract",
        action="store_true",
        default=False,
        help="check Smartcar's retry contract at the end of every test that uses the "
        "smartcar_error fixture (ini: smartcar_retry_contract).",
    )
    group.addoption(
        "--smartcar-retry-max-attempts",
        dest="smartcar_retry_max_attempts",
        metavar="N",
        help="the retry contract's bound on attempts at one request in a row, or 'none' "
        "(default: the contract's, 5; ini: smartcar_retry_max_attempts).",
    )
    group.addoption(
        "--smartcar-retry-ignore",
        dest="smartcar_retry_ignore",
        action="append",
        default=[],
        metavar="RULE",
        help="a retry contract rule not to check; repeatable (ini: smartcar_retry_ignore).",
    )
    parser.addini(
        MARKER,
        "check Smartcar's retry contract at the end of every smartcar_error test",
        type="bool",
        default=False,
    )
    parser.addini(
        "smartcar_retry_max_attempts",
        "the retry contract's bound on attempts at one request in a row ('none': no bound)",
        default="",
    )
    parser.addini(
        "smartcar_retry_ignore",
        "retry contract rules not to check (retry_after, retry_later_wait, not_retryable, "
        "max_attempts)",
        type="args",
        default=[],
    )
