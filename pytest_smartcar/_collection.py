"""Marker mistakes as one collection error per file, listing every mistake in it.

``pytest_generate_tests`` notes a bad marker here instead of failing at once (which would
hide the next ones); when the file (or class) has been collected, its report becomes a
single failure naming each test and what is wrong, the useful part first so the short
test summary keeps it. Marks pytest only attaches after parametrization
(``pytest.param(..., marks=...)``) and misspelt marker names are checked at the same
point. Under pytest-xdist every worker collects the same files; only the first reports
the mistakes, so they are printed once. Standard library and pytest only: this runs at
collection of every test file.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_smartcar._keys import CONNECT_MARKER, MARKER
from pytest_smartcar.errors import SmartcarUsageError

__all__ = ["note", "review"]

_PROBLEMS: pytest.StashKey[list[tuple[str, str]]] = pytest.StashKey()
_OURS = (MARKER, CONNECT_MARKER)
_STRICT = re.compile(r"'(\w+)' not found in `markers` configuration option")


def note(metafunc: pytest.Metafunc, exc: SmartcarUsageError) -> None:
    """Keep a marker mistake of ``metafunc``'s test for its file's collection report."""
    parent = metafunc.definition.parent
    assert parent is not None
    parent.stash.setdefault(_PROBLEMS, []).append((metafunc.definition.name, str(exc)))


def review(collector: pytest.Collector, rep: pytest.CollectReport) -> pytest.CollectReport:
    """The collection report of ``collector``, failed if its markers have mistakes."""
    if rep.failed:
        _hint_at_strict_markers(rep)
        return rep
    problems = collector.stash.get(_PROBLEMS, [])
    if _PROBLEMS in collector.stash:
        del collector.stash[_PROBLEMS]
    problems += _item_problems(collector.config, rep.result)
    if not problems:
        return rep
    problems += _class_problems(collector.config, rep.result)
    rep.result = []
    worker = getattr(collector.config, "workerinput", {}).get("workerid")
    if worker not in (None, "gw0"):
        return rep  # gw0 reports it; every worker leaves the file's tests out alike
    rep.outcome = "failed"
    rep.longrepr = _failure(collector, problems)
    return rep


def _class_problems(config: pytest.Config, result: list[Any]) -> list[tuple[str, str]]:
    """The mistakes in the file's classes, which pytest would collect only later (and not
    at all once the file has failed)."""
    problems: list[tuple[str, str]] = []
    for node in result:
        if not isinstance(node, pytest.Class):
            continue
        try:
            children = list(node.collect())
        except Exception:  # pytest reports it when it collects the class itself
            continue
        found = node.stash.get(_PROBLEMS, [])
        problems += [(f"{node.name}::{name}", message) for name, message in found]
        problems += [
            (f"{node.name}::{name}", message)
            for name, message in _item_problems(config, children)
            + _class_problems(config, children)
        ]
    return problems


def _failure(collector: pytest.Collector, problems: list[tuple[str, str]]) -> Any:
    where = collector.nodeid or "this file"
    count = f"{len(problems)} mistakes" if len(problems) > 1 else "a mistake"
    lines = [f"pytest-smartcar: {count} in the Smartcar markers of {where}:"]
    lines += [f"  - {name}: {message}" for name, message in problems]
    try:
        pytest.fail("\n".join(lines), pytrace=False)
    except pytest.fail.Exception:
        excinfo = pytest.ExceptionInfo[BaseException].from_current()
    longrepr = collector.repr_failure(excinfo)
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:  # the short test summary: what is wrong, before any path
        name, message = problems[0]
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        prefix = f"@pytest.mark.{MARKER}: "
        crash.message = f"{name}: {message.removeprefix(prefix)}{more}"
    return longrepr


def _item_problems(config: pytest.Config, result: list[Any]) -> list[tuple[str, str]]:
    registered = _registered(config)
    problems: list[tuple[str, str]] = []
    seen = set(registered)  # names already judged: each is looked at once per file
    for item in result:
        if not isinstance(item, pytest.Function):
            continue
        ours = False
        for mark in item.iter_markers():
            ours = ours or mark.name == MARKER
            if mark.name in seen:
                continue
            seen.add(mark.name)
            near = _near(mark.name)
            if near:
                problems.append((item.name, _misspelt(mark.name, near)))
        problem = _param_marks(item) if ours else None
        if problem is not None and (item.originalname, problem) not in problems:
            problems.append((item.originalname, problem))
    return problems


def _near(name: str) -> str | None:
    """Our marker ``name`` is a typo of, if any (strict: a marker of the user's own that
    merely starts with ``smartcar_`` is not one)."""
    import difflib

    found = difflib.get_close_matches(name.lower(), _OURS, n=1, cutoff=0.85)
    return found[0] if found else None


def _misspelt(name: str, ours: str) -> str:
    return (
        f"@pytest.mark.{name} is not a pytest-smartcar marker: did you mean "
        f"@pytest.mark.{ours}? As written it serves nothing."
    )


def _param_marks(item: pytest.Function) -> str | None:
    """A ``smartcar_error`` mark inside ``pytest.param(...)`` arrives after the test was
    parametrized, so it can serve one error, not run the test once per error."""
    from pytest_smartcar import markers

    param, found = markers.item_marks(item, MARKER)
    callspec = getattr(item, "callspec", None)
    outer = callspec is not None and MARKER in callspec.params
    if not param:
        siblings = found and not outer and markers.params_marked(item.iter_markers("parametrize"))
        if siblings and markers.shared_only(found):
            return (
                f"some pytest.param(...) of this test carry @pytest.mark.{MARKER}"
                "(KEY) and some do not; give each one (marks=pytest.mark."
                f"{MARKER}('success') serves a 200)"
            )
        return None
    if outer and any(m.args for m in param):
        return (
            f"@pytest.mark.{MARKER} in pytest.param(...) names errors, but the "
            "marker on the test already runs it once per error; name them in one place"
        )
    try:
        plan = markers.plan(found)
    except SmartcarUsageError as exc:
        return str(exc)
    if plan.parametrize and not outer:
        given = ", ".join(repr(a) for a in param[0].args) or "no key"
        return (
            f"@pytest.mark.{MARKER}({given}) in pytest.param(...) serves one error, "
            "but this selects several: give each pytest.param one key, or put the marker on "
            "the test function to run it once per error"
        )
    return None


_REGISTERED: pytest.StashKey[frozenset[str]] = pytest.StashKey()


def _registered(config: pytest.Config) -> frozenset[str]:
    names = config.stash.get(_REGISTERED, None)
    if names is None:
        lines = config.getini("markers")
        names = frozenset(re.split(r"[(:]", line, maxsplit=1)[0].strip() for line in lines)
        config.stash[_REGISTERED] = names
    return names


def _hint_at_strict_markers(rep: pytest.CollectReport) -> None:
    """``--strict-markers`` fails the import of a file with a misspelt marker; name ours."""
    crash = getattr(rep.longrepr, "reprcrash", None)
    found = _STRICT.search(getattr(crash, "message", "") or "")
    if crash is None or found is None:
        return
    near = _near(found.group(1))
    if near:
        crash.message += f" (did you mean {near}?)"
        rep.sections.append(("pytest-smartcar", _misspelt(found.group(1), near)))
