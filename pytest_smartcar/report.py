"""Catalog coverage: which documented Smartcar errors the suite actually served.

Each time the engine serves a catalog error to the code under test it appends
``("smartcar_served", {"kind": "api"|"v3"|"connect", "key": ..., "endpoint": ...})`` to the
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
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from pytest_smartcar._keys import SERVED_PROPERTY
from pytest_smartcar.report_settings import FAMILIES, ReportSettings, add_report_options

__all__ = [
    "FAMILIES",
    "PLUGIN_NAME",
    "SCHEMA_VERSION",
    "SERVED_PROPERTY",
    "CatalogCoverage",
    "CoverageReporter",
    "ReportSettings",
    "add_report_options",
    "register",
    "scope_name",
    "shows_v3",
    "terminal_lines",
]

#: The name the reporter is registered under in the plugin manager.
PLUGIN_NAME: Final = "smartcar-report"
#: Bumped when a field of the JSON report changes meaning or disappears (2: the top-level
#: figures count the catalogs in ``scope`` only; 3: errors served on V3 requests count in
#: the ``v3`` section, not in ``api``).
SCHEMA_VERSION: Final = 3


@functools.cache
def _api_keys() -> tuple[str, ...]:
    from pytest_smartcar import catalog

    return tuple(spec.key for spec in catalog.API_ERRORS)


@functools.cache
def _v3_keys() -> tuple[str, ...]:
    from pytest_smartcar import catalog

    return tuple(spec.key for spec in catalog.V3_ERRORS)


@functools.cache
def _connect_keys() -> tuple[str, ...]:
    from pytest_smartcar import catalog

    return tuple(spec.code for spec in catalog.CONNECT_ERRORS)


# --------------------------------------------------------------------------- options


def register(
    config: pytest.Config, settings: ReportSettings | None = None
) -> CoverageReporter | None:
    """Register the reporter when a report option or a threshold is set (called by the plugin).

    Nothing is registered on xdist workers (the controller receives their reports and
    writes the report once), in ``--collect-only`` runs (nothing is served) or when no
    report was asked for, so runs without the options pay nothing.
    """
    existing = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if isinstance(existing, CoverageReporter):
        return existing
    settings = settings or ReportSettings.from_config(config)
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
        self.v3: dict[str, _Served] = {}
        self.connect: dict[str, _Served] = {}
        #: Served keys outside the catalogs (legacy v1.0, OAuth, an error V3 does not
        #: send served on a V3 request): reported, but no part of the percentage.
        self.other: dict[str, _Served] = {}

    def add(self, kind: str, key: str, endpoint: str | None, nodeid: str) -> None:
        """Record one served error; unknown keys go to ``other`` rather than being lost."""
        from pytest_smartcar import catalog

        if kind == "connect":
            norm = key.strip().lower()
            table = self.connect if norm in _connect_keys() else self.other
        elif kind == "v3":
            norm = catalog.normalize_key(key)
            table = self.v3 if norm in _v3_keys() else self.other
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
            credit = value.get("credit")
            who = credit if isinstance(credit, str) else report.nodeid
            if isinstance(kind, str) and isinstance(key, str):
                self.add(kind, key, endpoint if isinstance(endpoint, str) else None, who)

    def to_json(self, scope: Sequence[str] | None = None) -> dict[str, Any]:
        """The report as JSON-ready data (schema in docs/report.md); sorted, so reproducible.

        The top-level figures count the catalogs in ``scope``; ``None`` (``auto``) counts
        each catalog the suite served at least one error of, the API when none.
        """
        from pytest_smartcar import catalog

        sections = {
            "api": self._section(
                _api_keys(),
                self.api,
                _facts(catalog.API_ERRORS),
            ),
            "v3": self._section(
                _v3_keys(),
                self.v3,
                _facts(catalog.V3_ERRORS),
            ),
            "connect": self._section(
                _connect_keys(),
                self.connect,
                {s.code: {"name": s.name} for s in catalog.CONNECT_ERRORS},
            ),
        }
        counted = (
            list(scope)
            if scope is not None
            else [f for f in FAMILIES if sections[f]["exercised"]] or ["api"]
        )
        total = sum(sections[f]["total"] for f in counted)
        exercised = sum(sections[f]["exercised"] for f in counted)
        return {
            "schema_version": SCHEMA_VERSION,
            "catalog_version": catalog.CATALOG_VERSION,
            "scope": counted,
            "scope_auto": scope is None,
            "total": total,
            "exercised": exercised,
            "percent": _percent(exercised, total),
            **sections,
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


def _facts(specs: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """What the report says of each API error besides whether it was served."""
    return {s.key: {"type": s.type, "code": s.code, "status": s.status} for s in specs}


def _percent(part: int, whole: int) -> float:
    """Rounded down to two decimals, so 99.99% never shows as 100%."""
    return (part * 10_000 // whole) / 100 if whole else 100.0


def _fmt(percent: float) -> str:
    return f"{percent:.2f}%"


# -------------------------------------------------------------------------- terminal


def shows_v3(data: Mapping[str, Any]) -> bool:
    """Whether a report lists the V3 errors one by one: when V3 is counted or was served
    (a v2.0-only suite's report stays as it was)."""
    return "v3" in data["scope"] or bool(data["v3"]["exercised"])


def scope_name(data: Mapping[str, Any]) -> str:
    """``API and Connect``: the catalogs the figure counts."""
    names = [FAMILIES[f] for f in data["scope"]]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def terminal_lines(data: Mapping[str, Any], *, verbose: bool = False, width: int = 80) -> list[str]:
    """The terminal summary for ``CatalogCoverage.to_json()`` data, without the title line:
    a few lines when everything in scope was exercised, the missing keys otherwise, and
    every error with its tests under ``-v``."""
    lines = [
        f"catalog {data['catalog_version']}: {data['exercised']} of {data['total']} errors "
        f"exercised ({_fmt(data['percent'])}), counting {scope_name(data)}",
    ]
    for family, label in FAMILIES.items():
        if family == "v3" and not shows_v3(data):
            continue
        section = data[family]
        line = (
            f"  {label:<8}{section['exercised']:>3}/{section['total']:<4}"
            f"{_fmt(section['percent']):>8}"
        )
        if family not in data["scope"]:
            why = (
                f"no {label} error was served; --smartcar-report-scope=all counts it"
                if data.get("scope_auto", True)
                else "left out by --smartcar-report-scope"
            )
            line += f"  not counted: {why}"
        lines.append(line)
    if verbose:
        lines += _verbose_sections(data)
    else:
        for family in data["scope"]:
            missing = data[family]["missing"]
            if missing:
                head = f"missing {FAMILIES[family]} errors ({len(missing)}):"
                lines += _wrap(head, _globbed(data[family]["errors"], missing), 2, width)
        lines.append("(-v lists every error with the tests that exercised it)")
    if data["other"]:
        head = "also served, outside the API, V3 and Connect catalogs:"
        lines += _wrap(head, list(data["other"]), 2, width)
    return lines


def _globbed(errors: Mapping[str, Mapping[str, Any]], missing: list[str]) -> list[str]:
    """The missing keys, with a type none of whose errors was served as one ``TYPE:*``
    (still what a marker takes)."""
    by_type: dict[str, list[str]] = {}
    for key, error in errors.items():
        by_type.setdefault(error.get("type") or key, []).append(key)
    gone = set(missing)
    out: list[str] = []
    for name, keys in by_type.items():
        if len(keys) > 1 and gone.issuperset(keys):
            out.append(f"{name}:* ({len(keys)})")
        else:
            out += [k for k in keys if k in gone]
    return out


def _verbose_sections(data: Mapping[str, Any]) -> list[str]:
    def counted(errors: list[tuple[str, dict[str, Any]]]) -> str:
        return f"{sum(e['exercised'] for _, e in errors)}/{len(errors)}"

    lines: list[str] = []
    for family in ("api", "v3"):
        if family == "v3" and not shows_v3(data):
            continue
        groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for key, error in data[family]["errors"].items():
            groups.setdefault(error["type"], []).append((key, error))
        lines.append(f"{FAMILIES[family]} errors by type (+ exercised, - missing):")
        for name, errors in groups.items():
            lines.append(f"  {name} {counted(errors)}")
            lines += _verbose_errors(errors)
    connect_errors = list(data["connect"]["errors"].items())
    lines.append(f"Connect errors {counted(connect_errors)}")
    lines += _verbose_errors(connect_errors)
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
        self._data = data = self.coverage.to_json(self.settings.scope)
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
        figure = (
            f"{_fmt(data['percent'])} ({data['exercised']} of {data['total']} errors, "
            f"{scope_name(data)})"
        )
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
            data = self._data
            if data is None:
                data = self.coverage.to_json(self.settings.scope)
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
