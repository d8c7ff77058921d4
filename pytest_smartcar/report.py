"""Catalog coverage: which documented Smartcar errors the suite actually served.

Each time the engine serves a catalog error to the code under test it appends
``("smartcar_served", {"kind": "api"|"connect", "key": ..., "endpoint": ...})`` to the
test item's ``user_properties``. Those travel with every ``TestReport``, from
pytest-xdist workers to the controller too, so the controller alone aggregates them
here and prints or writes the report: the numbers are identical with and without
``-n``. A stub that is declared but never requested leaves no record, so it does not
count. Only the standard library and the catalog are imported: this module loads at
pytest start-up.

The schema of the JSON report and the meaning of the figures are in ``docs/report.md``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from pytest_smartcar._keys import SERVED_PROPERTY

__all__ = [
    "PLUGIN_NAME",
    "SCHEMA_VERSION",
    "SERVED_PROPERTY",
    "CatalogCoverage",
    "CoverageReporter",
    "ReportSettings",
    "add_report_options",
    "register",
    "terminal_lines",
]

#: The name the reporter is registered under in the plugin manager.
PLUGIN_NAME: Final = "smartcar-report"
#: Bumped when a field of the JSON report changes meaning or disappears.
SCHEMA_VERSION: Final = 1


@functools.cache
def _api_keys() -> tuple[str, ...]:
    from pytest_smartcar import catalog

    return tuple(spec.key for spec in catalog.API_ERRORS)


@functools.cache
def _connect_keys() -> tuple[str, ...]:
    from pytest_smartcar import catalog

    return tuple(spec.code for spec in catalog.CONNECT_ERRORS)


# --------------------------------------------------------------------------- options


def add_report_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    """Declare the report options in the plugin's ``smartcar`` group (called by the plugin)."""
    group.addoption(
        "--smartcar-report",
        action="store_true",
        dest="smartcar_report",
        default=False,
        help="print which Smartcar catalog errors the tests exercised (-v: one line per error).",
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
        type=float,
        default=None,
        help="fail the run when less than PCT%% of the Smartcar catalog (API and Connect "
        "errors together) was exercised; overrides the smartcar_fail_under ini key.",
    )
    parser.addini(
        "smartcar_fail_under",
        "fail the run when less than this percentage of the Smartcar catalog was exercised.",
        default="",
    )


@dataclass(frozen=True)
class ReportSettings:
    """What the user asked for, validated once at configure time."""

    terminal: bool = False
    json_path: Path | None = None
    html_path: Path | None = None
    fail_under: float | None = None
    #: Where the threshold came from, named in the failure message so it can be changed.
    fail_under_origin: str = "--smartcar-fail-under"

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
        """Read the options (tolerating a plugin that did not declare them) and the ini key."""
        base = config.invocation_params.dir

        def path(name: str) -> Path | None:
            value = config.getoption(name, None)
            return base / os.path.expanduser(value) if value else None

        raw: object = config.getoption("smartcar_fail_under", None)
        origin = f"--smartcar-fail-under={raw:g}" if isinstance(raw, float) else ""
        if raw is None:
            ini = str(config.getini("smartcar_fail_under") or "").strip()
            raw, origin = (ini or None), f"ini smartcar_fail_under = {ini}"
        return cls(
            terminal=bool(config.getoption("smartcar_report", False)),
            json_path=path("smartcar_report_json"),
            html_path=path("smartcar_report_html"),
            fail_under=None if raw is None else _percentage(raw, origin),
            fail_under_origin=origin,
        )


def _percentage(raw: object, origin: str) -> float:
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 <= value <= 100:  # also rejects NaN
        raise pytest.UsageError(f"{origin}: takes a percentage from 0 to 100, got {raw!r}")
    return value


def register(config: pytest.Config) -> CoverageReporter | None:
    """Register the reporter when a report option or a threshold is set (called by the plugin).

    Nothing is registered on xdist workers (the controller receives their reports and
    writes the report once), in ``--collect-only`` runs (nothing is served) or when no
    report was asked for, so runs without the options pay nothing.
    """
    existing = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if isinstance(existing, CoverageReporter):
        return existing
    settings = ReportSettings.from_config(config)
    if hasattr(config, "workerinput") or not settings.active or config.getoption("collectonly"):
        return None
    reporter = CoverageReporter(config, settings)
    config.pluginmanager.register(reporter, PLUGIN_NAME)
    return reporter


# ----------------------------------------------------------------------- aggregation


@dataclass
class _Served:
    endpoints: set[str] = field(default_factory=set)
    tests: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, list[str]]:
        return {"endpoints": sorted(self.endpoints), "tests": sorted(self.tests)}


class CatalogCoverage:
    """The served errors of a run, as sets: the order reports arrive in cannot change them."""

    def __init__(self) -> None:
        self.api: dict[str, _Served] = {}
        self.connect: dict[str, _Served] = {}
        #: Served keys outside the v2.0 API and Connect catalogs (legacy v1.0, OAuth):
        #: reported, but no part of the percentage.
        self.other: dict[str, _Served] = {}

    def add(self, kind: str, key: str, endpoint: str | None, nodeid: str) -> None:
        """Record one served error; unknown keys go to ``other`` rather than being lost."""
        from pytest_smartcar import catalog

        if kind == "connect":
            norm = key.strip().lower()
            table = self.connect if norm in _connect_keys() else self.other
        else:
            norm = catalog.normalize_key(key)
            table = self.api if norm in _api_keys() else self.other
        served = table.setdefault(norm, _Served())
        served.tests.add(nodeid)
        if endpoint:
            served.endpoints.add(endpoint)

    def add_report(self, report: pytest.TestReport) -> None:
        """Take the records of one phase report; every phase is read, duplicates merge."""
        for entry in report.user_properties:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                continue
            name, value = entry
            if name != SERVED_PROPERTY or not isinstance(value, Mapping):
                continue
            kind, key, endpoint = value.get("kind"), value.get("key"), value.get("endpoint")
            if isinstance(kind, str) and isinstance(key, str):
                self.add(kind, key, endpoint if isinstance(endpoint, str) else None, report.nodeid)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (schema in docs/report.md); sorted, so reproducible."""
        from pytest_smartcar import catalog

        total = len(_api_keys()) + len(_connect_keys())
        api = self._section(
            _api_keys(),
            self.api,
            {
                s.key: {"type": s.type, "code": s.code, "status": s.status}
                for s in catalog.API_ERRORS
            },
        )
        connect = self._section(
            _connect_keys(),
            self.connect,
            {s.code: {"name": s.name} for s in catalog.CONNECT_ERRORS},
        )
        exercised = api["exercised"] + connect["exercised"]
        return {
            "schema_version": SCHEMA_VERSION,
            "catalog_version": catalog.CATALOG_VERSION,
            "total": total,
            "exercised": exercised,
            "percent": _percent(exercised, total),
            "api": api,
            "connect": connect,
            "other": {key: self.other[key].as_json() for key in sorted(self.other)},
        }

    @staticmethod
    def _section(
        keys: tuple[str, ...], served: Mapping[str, _Served], facts: Mapping[str, dict[str, Any]]
    ) -> dict[str, Any]:
        errors = {
            key: {
                **facts[key],
                "exercised": key in served,
                **(served[key] if key in served else _Served()).as_json(),
            }
            for key in keys
        }
        exercised = sum(key in served for key in keys)
        return {
            "total": len(keys),
            "exercised": exercised,
            "percent": _percent(exercised, len(keys)),
            "missing": [key for key in keys if key not in served],
            "errors": errors,
        }


def _percent(part: int, whole: int) -> float:
    """Rounded down to two decimals, so 99.99% never shows as 100%."""
    return (part * 10_000 // whole) / 100 if whole else 100.0


def _fmt(percent: float) -> str:
    return f"{percent:.2f}%"


# -------------------------------------------------------------------------- terminal


def terminal_lines(data: Mapping[str, Any], *, verbose: bool = False, width: int = 80) -> list[str]:
    """The terminal summary for ``CatalogCoverage.to_json()`` data, without the title line."""
    api, connect = data["api"], data["connect"]
    lines = [
        f"catalog {data['catalog_version']}: {data['exercised']} of {data['total']} errors "
        f"exercised ({_fmt(data['percent'])}): API {api['exercised']}/{api['total']}, "
        f"Connect {connect['exercised']}/{connect['total']}",
    ]
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for key, error in api["errors"].items():
        groups.setdefault(error["type"], []).append((key, error))
    label_width = max(len("Connect errors"), *(len(f"  {name}") for name in groups)) + 2

    def served_on(key: str, error: Mapping[str, Any]) -> str:
        return f"{key} ({', '.join(error['endpoints'])})" if error["endpoints"] else key

    def counted(errors: list[tuple[str, dict[str, Any]]]) -> str:
        return f"{sum(e['exercised'] for _, e in errors)}/{len(errors)}"

    if verbose:
        lines.append("API errors by type (+ exercised, - missing):")
        for name, errors in groups.items():
            lines.append(f"  {name} {counted(errors)}")
            lines += _verbose_errors(errors)
        connect_errors = list(connect["errors"].items())
        lines.append(f"Connect errors {counted(connect_errors)}")
        lines += _verbose_errors(connect_errors)
    else:
        lines.append("API errors by type:")
        for name, errors in groups.items():
            head = f"  {name}".ljust(label_width) + counted(errors).ljust(6)
            shown = [served_on(k, e) for k, e in errors if e["exercised"]]
            lines += _wrap(head, shown, len(head), width)
        connect_errors = list(connect["errors"].items())
        head = "Connect errors".ljust(label_width) + counted(connect_errors).ljust(6)
        lines += _wrap(head, [k for k, e in connect_errors if e["exercised"]], len(head), width)
        for title, section in (("API", api), ("Connect", connect)):
            if section["missing"]:
                head = f"missing {title} errors ({len(section['missing'])}):"
                lines += _wrap(head, section["missing"], 2, width)
        lines.append("(-v lists every error with the tests that exercised it)")
    if data["other"]:
        head = "also served, outside the v2.0 API and Connect catalogs:"
        lines += _wrap(head, list(data["other"]), 2, width)
    return lines


def _verbose_errors(errors: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    lines = []
    for key, error in errors:
        if not error["exercised"]:
            lines.append(f"    - {key}")
            continue
        on = f" on {', '.join(error['endpoints'])}" if error["endpoints"] else ""
        lines.append(f"    + {key}{on}")
        lines += [f"        {test}" for test in error["tests"]]
    return lines


def _wrap(head: str, items: list[str], indent: int, width: int) -> list[str]:
    """``head`` then comma-separated ``items``, continuation lines indented by ``indent``."""
    if not items:
        return [head.rstrip()]
    return textwrap.wrap(
        ", ".join(items),
        width=max(width - 1, indent + 20),
        initial_indent=head if head.endswith(" ") else head + " ",
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


# -------------------------------------------------------------------------- reporter


class CoverageReporter:
    """The pytest plugin object: collects records, writes the files, enforces the threshold."""

    def __init__(self, config: pytest.Config, settings: ReportSettings) -> None:
        self.config = config
        self.settings = settings
        self.coverage = CatalogCoverage()
        self._data: dict[str, Any] | None = None
        self._written: list[tuple[str, Path]] = []
        self._write_errors: list[str] = []
        self._verdict: tuple[bool, str] | None = None
        self._verdict_shown = False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.coverage.add_report(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(
        self, session: pytest.Session, exitstatus: int | pytest.ExitCode
    ) -> None:
        # Every report has arrived by now (xdist's controller loop has ended).
        self._data = data = self.coverage.to_json()
        if self.settings.json_path is not None:
            text = json.dumps(data, indent=2) + "\n"
            self._write("JSON", self.settings.json_path, text)
        if self.settings.html_path is not None:
            from pytest_smartcar.report_html import render

            self._write("HTML", self.settings.html_path, render(data))
        if self._write_errors and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # CI relies on the artifact
        threshold = self.settings.fail_under
        # An interrupted or broken run covers an arbitrary part of the suite: no verdict.
        if threshold is None or exitstatus not in (
            pytest.ExitCode.OK,
            pytest.ExitCode.TESTS_FAILED,
        ):
            return
        ok = data["exercised"] * 100 >= threshold * data["total"]
        figure = f"{_fmt(data['percent'])} ({data['exercised']} of {data['total']} errors)"
        if ok:
            message = f"Required Smartcar catalog coverage of {threshold:g}% reached: {figure}."
        else:
            message = (
                f"FAIL: Smartcar catalog coverage {figure} is below the required "
                f"{threshold:g}% ({self.settings.fail_under_origin}). Add tests for the "
                "missing errors (--smartcar-report lists them) or lower the threshold."
            )
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        self._verdict = (ok, message)

    def _write(self, what: str, path: Path, text: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self._write_errors.append(f"could not write the Smartcar coverage {what}: {exc}")
        else:
            self._written.append((what, path))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.settings.terminal:
            terminalreporter.write_sep("=", "Smartcar catalog coverage")
            width = self.config.get_terminal_writer().fullwidth
            verbose = self.config.getoption("verbose", 0) > 0
            data = self._data if self._data is not None else self.coverage.to_json()
            for line in terminal_lines(data, verbose=verbose, width=width):
                terminalreporter.write_line(line)
        for what, path in self._written:
            terminalreporter.write_sep("-", f"generated Smartcar coverage {what}: {path}")
        for error in self._write_errors:
            terminalreporter.write_line(f"ERROR: {error}", red=True, bold=True)
        if self._verdict is not None:
            ok, message = self._verdict
            terminalreporter.write_line(message, green=ok, red=not ok, bold=not ok)
            self._verdict_shown = True

    def pytest_unconfigure(self) -> None:
        # Without a terminal reporter (-p no:terminal) a failing verdict must still be said.
        if self._verdict is not None and not self._verdict[0] and not self._verdict_shown:
            print(self._verdict[1], file=sys.stderr)
