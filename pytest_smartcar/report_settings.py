"""The coverage report's options, read and checked once when pytest starts.

A mistake in them (an empty path, one file for both reports, a threshold that is not a
percentage, an unknown scope) is one usage error before any test runs, never a report
silently not written. Standard library and pytest only: this module loads at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, NamedTuple

import pytest

__all__ = ["FAMILIES", "ReportSettings", "add_report_options", "parse_scope"]

#: The catalogs the coverage figure can count, in report order, with their names: the
#: v2.0 API errors (served on v2.0 requests), the errors API V3 sends (served on V3
#: requests) and the Connect errors.
FAMILIES: Final = {"api": "API", "v3": "V3", "connect": "Connect"}
_SCOPES = ("auto", "all", *FAMILIES)


def add_report_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    """Declare the report options in the plugin's ``smartcar`` group (called by the plugin)."""
    group.addoption(
        "--smartcar-report",
        action="store_true",
        dest="smartcar_report",
        default=False,
        help="print which Smartcar catalog errors the tests exercised (-v: every error "
        "with its tests).",
    )
    group.addoption(
        "--smartcar-report-json",
        dest="smartcar_report_json",
        metavar="PATH",
        default=None,
        help="write the Smartcar catalog coverage report as JSON to PATH.",
    )
    group.addoption(
        "--smartcar-report-html",
        dest="smartcar_report_html",
        metavar="PATH",
        default=None,
        help="write the Smartcar catalog coverage report as one self-contained HTML file.",
    )
    group.addoption(
        "--smartcar-fail-under",
        dest="smartcar_fail_under",
        metavar="PCT",
        default=None,
        help="fail the run when less than PCT%% (0-100, e.g. 90 or 90%%) of the catalogs "
        "in --smartcar-report-scope was exercised; overrides the smartcar_fail_under ini key.",
    )
    parser.addini(
        "smartcar_fail_under",
        "a percentage from 0 to 100 (90 or 90%): fail the run when less of the Smartcar "
        "catalogs in scope was exercised.",
        default="",
    )
    group.addoption(
        "--smartcar-report-scope",
        dest="smartcar_report_scope",
        metavar="SCOPE",
        default=None,
        help="which catalogs the coverage figure and --smartcar-fail-under count: 'auto' "
        "(default: each catalog the suite served an error of; API if none), 'all', or a "
        f"comma-separated list of {', '.join(FAMILIES)} (ini: smartcar_report_scope).",
    )
    parser.addini(
        "smartcar_report_scope",
        "which catalogs the coverage figure counts: auto, all, or a list of " + ", ".join(FAMILIES),
        default="auto",
    )


def parse_scope(raw: str, origin: str) -> tuple[str, ...] | None:
    """``None`` for ``auto``; else the families named, in report order."""
    words = [w.strip().lower() for w in raw.replace(" ", ",").split(",") if w.strip()]
    for word in words:
        if word not in _SCOPES:
            from pytest_smartcar._suggest import did_you_mean

            raise pytest.UsageError(
                f"{origin}: unknown scope {word!r}{did_you_mean(word, _SCOPES)}; use auto, "
                f"all, or a comma-separated list of {', '.join(FAMILIES)}"
            )
    if not words or words == ["auto"]:
        return None
    if "auto" in words:
        raise pytest.UsageError(f"{origin}: 'auto' cannot be combined with other scopes")
    return tuple(FAMILIES) if "all" in words else tuple(f for f in FAMILIES if f in words)


class ReportSettings(NamedTuple):
    """What the user asked for, validated once at configure time (a NamedTuple, not a
    dataclass: every pytest run builds this class, and a dataclass costs 0.5 ms)."""

    terminal: bool = False
    json_path: Path | None = None
    html_path: Path | None = None
    fail_under: float | None = None
    #: Where the threshold came from, named in the failure message so it can be changed.
    fail_under_origin: str = "--smartcar-fail-under"
    #: The families the figure counts; ``None``: those the suite served (``auto``).
    scope: tuple[str, ...] | None = None

    @property
    def active(self) -> bool:
        return (
            self.terminal
            or self.json_path is not None
            or self.html_path is not None
            or self.fail_under is not None
        )

    @classmethod
    def from_config(cls, config: pytest.Config) -> ReportSettings:
        """Read the options (tolerating a plugin that did not declare them) and ini keys."""
        json_path = _path(config, "smartcar_report_json", "--smartcar-report-json")
        html_path = _path(config, "smartcar_report_html", "--smartcar-report-html")
        if (
            json_path is not None
            and html_path is not None
            and (json_path.resolve() == html_path.resolve())
        ):
            raise pytest.UsageError(
                f"--smartcar-report-json and --smartcar-report-html both name {json_path}: "
                "the HTML report would overwrite the JSON one; give each its own file"
            )
        raw: object = config.getoption("smartcar_fail_under", None)
        origin = f"--smartcar-fail-under={raw}"
        if raw is None:
            ini = str(config.getini("smartcar_fail_under") or "").strip()
            raw, origin = (ini or None), f"ini smartcar_fail_under = {ini}"
        scope = config.getoption("smartcar_report_scope", None)
        scope_origin = f"--smartcar-report-scope={scope}"
        if scope is None:
            scope = str(config.getini("smartcar_report_scope") or "auto")
            scope_origin = f"ini smartcar_report_scope = {scope}"
        return cls(
            terminal=bool(config.getoption("smartcar_report", False)),
            json_path=json_path,
            html_path=html_path,
            fail_under=None if raw is None else _percentage(raw, origin),
            fail_under_origin=origin,
            scope=parse_scope(str(scope), scope_origin),
        )


def _path(config: pytest.Config, name: str, option: str) -> Path | None:
    value = config.getoption(name, None)
    if value is None:
        return None
    if not str(value).strip():
        raise pytest.UsageError(
            f"{option}= got an empty path; give a file name, like {option}=smartcar-report"
            f"{'.json' if 'json' in option else '.html'}"
        )
    return Path(config.invocation_params.dir) / os.path.expanduser(str(value))


def _percentage(raw: object, origin: str) -> float:
    text = str(raw).strip()
    try:
        value = float(text.removesuffix("%").strip())
    except ValueError:
        value = float("nan")
    if not 0 <= value <= 100:  # also rejects NaN
        raise pytest.UsageError(
            f"{origin}: takes a percentage from 0 to 100, like 90 or 90%, got {raw!r}"
        )
    return value
