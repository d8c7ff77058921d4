"""What the coverage report counts, collected while a test runs.

Any engine, the fixture's or a ``stub_smartcar()`` opened in the test body, reports each
catalog error it serves here; the plugin opens a recording around every test phase and
moves it into the report's ``user_properties`` (which also carries it across xdist).
Standard library only: the plugin imports this at start-up.
"""

from __future__ import annotations

from typing import Any

_open: list[list[dict[str, Any]]] = []


def begin() -> list[dict[str, Any]]:
    """Start a recording; everything served until :func:`end` lands in the returned list."""
    records: list[dict[str, Any]] = []
    _open.append(records)
    return records


def end(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stop a recording and return it."""
    if records in _open:
        _open.remove(records)
    return records


def credit(records: list[dict[str, Any]], name: str) -> None:
    """Credit ``records`` to ``name`` (a fixture wider than a test) instead of the test
    whose setup happened to run it, and pass them on to the recording around it."""
    for entry in records:
        entry["credit"] = name
    if _open:
        _open[-1].extend(records)


def record(kind: str, key: str, endpoint: str | None) -> None:
    """Note that ``key`` was served (kind ``api`` or ``connect``), if anyone is recording."""
    if _open:
        _open[-1].append({"kind": kind, "key": key, "endpoint": endpoint})
