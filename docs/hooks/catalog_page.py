"""MkDocs hook: pages generated from the package's data, so docs and data never disagree.

- ``catalog.md`` is written at build time from ``pytest_smartcar.catalog``: every API,
  Connect, legacy and OAuth error with its status, resolution, texts and test account.
- ``<!-- generated:NAME -->`` in any page is replaced by a table built from the package
  (``endpoints``: the names ``endpoint=`` takes).
- A backticked key such as ``VEHICLE_STATE:ASLEPE`` that names no catalog error is a
  warning, so ``mkdocs build --strict`` fails on a typo in the prose.

Registered in ``mkdocs.yml`` under ``hooks:``; it needs nothing beyond mkdocs itself.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from mkdocs.structure.files import File, Files

from pytest_smartcar import catalog, endpoints

log = logging.getLogger("mkdocs.hooks.catalog_page")

PAGE = "catalog.md"
#: Pages in the nav that are written separately and may not exist yet.
_PLACEHOLDER = re.compile(r"<!-- generated:(?P<name>[\w-]+) -->")
# `TYPE:CODE` in backticks, for a TYPE the catalog knows (globs and other colons skipped).
_KEY = re.compile(r"`(?P<key>[A-Z][A-Z_]+:[A-Z][A-Z0-9_]*)`")
_TYPES = {spec.type for spec in catalog.API_ERRORS}
_KEYS = {k for s in catalog.select(api="any") for k in (s.key, s.v3_key)}
#: Typos the docs show on purpose, to explain the messages they produce.
_DELIBERATE = {"VEHICLE_STATE:ASLEPE"}


def anchor(key: str) -> str:
    """The id of an error's heading: ``VEHICLE_STATE:ASLEEP`` -> ``vehicle_state-asleep``."""
    return key.lower().replace(":", "-")


def _text(value: object) -> str:
    """Catalog prose as inert Markdown: escaped HTML, no emphasis, tables kept whole."""
    if value is None or value == "":
        return "—"
    escaped = html.escape(str(value), quote=False)
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", escaped).replace("\n", " ")


def _code(value: object) -> str:
    return "—" if value in (None, "") else f"<code>{html.escape(str(value))}</code>"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    head = list(head)
    return [_row(*head), _row(*["---"] * len(head)), *(_row(*r) for r in rows), ""]


def render_catalog() -> str:
    """The Markdown of the catalog page."""
    api, connect = catalog.API_ERRORS, catalog.CONNECT_ERRORS
    lines = [
        "# Error catalog",
        "",
        f"Catalog version **{catalog.CATALOG_VERSION}**: {len(api)} v2.0 API errors, "
        f"{len(connect)} Connect errors, {len(catalog.LEGACY_ERRORS)} legacy v1.0 errors "
        f"and {len(catalog.OAUTH_ERRORS)} OAuth token errors. This page is generated from "
        "`pytest_smartcar.catalog` each time the documentation is built.",
        "",
        "`{app_name}`, `{client_id}`, `{vehicle_id}` and `{connect_link}` in the texts are "
        "filled in when an error is served (`--smartcar-app-name`, the requested vehicle). "
        "The test VIN and email are Smartcar's simulated-mode accounts that trigger the "
        "error against the real API.",
        "",
        "## API errors at a glance",
        "",
        *_table(
            ["Key", "Status", "Resolution", "Retry-After", "Test VIN"],
            (
                [
                    f"[`{s.key}`](#{anchor(s.key)})",
                    s.status,
                    _code(s.resolution),
                    f"{s.retry_after} s" if s.retry_after else "—",
                    _code(s.test_vin),
                ]
                for s in api
            ),
        ),
    ]
    for error_type in dict.fromkeys(s.type for s in api):
        lines += [f"## {error_type}", ""]
        for spec in (s for s in api if s.type == error_type):
            lines += _api_section(spec)
    lines += _v3_section() + _connect_section() + _legacy_section() + _oauth_section()
    return "\n".join(lines)


def _v3_section() -> list[str]:
    """Each error's V3 form: what a V3 path answers for its key (see v3.md)."""
    lines = [
        "## API V3",
        "",
        f"The {len(catalog.V3_ERRORS)} errors API V3 sends, as a V3 path answers them "
        '(`{"errors": [{"status", "type", "code", "title", "detail", "links": {"about"}, '
        '"resolution"}]}`); see [Smartcar API V3](v3.md). Only a few V3 bodies are '
        "published: the notes say what is unconfirmed for each.",
        "",
        *_table(
            ["Key", "V3 code", "Status", "Title", "`links.about`", "`resolution`", "Notes"],
            (
                [
                    f"`{s.key}`" if s.apis == ("v3",) else f"[`{s.key}`](#{anchor(s.key)})",
                    _code(s.v3.code),
                    s.status,
                    _text(s.v3.title),
                    f"<{s.v3.about}>" if s.v3.about else "—",
                    "sent" if s.v3.resolution else "—",
                    _text(s.v3.notes),
                ]
                for s in catalog.V3_ERRORS
            ),
        ),
    ]
    return lines


def _api_section(spec: catalog.ErrorSpec) -> list[str]:
    facts: list[tuple[str, object]] = [
        ("Status", spec.status),
        ("Resolution", _code(spec.resolution)),
        ("Resolution URL", _code(spec.resolution_url)),
        ("Retry-After", f"{spec.retry_after} seconds" if spec.retry_after else "—"),
        ("Description", _text(spec.description)),
        ("Suggested user message", _text(spec.suggested_user_message)),
        ("Test VIN", _code(spec.test_vin)),
        ("Test email", _code(spec.test_email)),
        ("Smartcar docs", f"<{spec.doc_url}>"),
        ("Source", _text(spec.source)),
    ]
    if spec.notes:
        facts.append(("Notes", _text(spec.notes)))
    return [
        f"### `{spec.key}` {{#{anchor(spec.key)}}}",
        "",
        _text(spec.summary),
        "",
        *_table(["Field", "Value"], ([f"**{name}**", value] for name, value in facts)),
    ]


def _connect_section() -> list[str]:
    lines = [
        "## Connect errors",
        "",
        "Delivered to the app's redirect URI as `?error=<code>&error_description=...`; "
        "see [Connect, re-authentication, batch and webhooks](connect.md).",
        "",
    ]
    for spec in catalog.CONNECT_ERRORS:
        params = ", ".join(f"`{p.name}` (e.g. {_text(p.example)})" for p in spec.params)
        facts: list[tuple[str, object]] = [
            ("Name", _text(spec.name)),
            ("error_description", _text(spec.description)),
            ("Extra parameters", params or "—"),
            ("Test VIN", _code(spec.test_vin)),
            ("Test email", _code(spec.test_email)),
            ("How to trigger", _text(spec.how_to_trigger)),
            ("Source", _text(spec.source)),
        ]
        if spec.notes:
            facts.append(("Notes", _text(spec.notes)))
        lines += [
            f"### `{spec.code}` {{#connect-{spec.code.replace('_', '-')}}}",
            "",
            _text(spec.summary),
            "",
            *_table(["Field", "Value"], ([f"**{name}**", value] for name, value in facts)),
        ]
    return lines


def _legacy_section() -> list[str]:
    return [
        "## Legacy v1.0 errors",
        "",
        "Sunset by Smartcar on 2023-01-06, still seen in old integrations and SDK fixtures. "
        'Serve one with `smartcar_error.serve("V1:...")`.',
        "",
        *_table(
            ["Key", "Status", "`error`", "`code`", "`message`"],
            (
                [f"`{s.key}`", s.status, _code(s.error), _code(s.code), _text(s.message)]
                for s in catalog.LEGACY_ERRORS
            ),
        ),
    ]


def _oauth_section() -> list[str]:
    return [
        "## OAuth token errors",
        "",
        "Answers of the token endpoints: `OAUTH:` keys on `auth.smartcar.com` "
        '(`endpoint="token"`), `IAM:` keys on V3\'s `iam.smartcar.com` '
        '(`endpoint="iam.token"`). `{value}` is the code or refresh token the request sent.',
        "",
        *_table(
            ["Key", "Status", "`error`", "`error_description`"],
            (
                [f"`{s.key}`", s.status, _code(s.error), _text(s.error_description)]
                for s in catalog.OAUTH_ERRORS
            ),
        ),
    ]


def render_endpoints() -> str:
    """The table of endpoint names ``endpoint=`` takes, in the engine's order."""
    rows = [
        [f"`{e.name}`", e.method, f"`{e.path}`" + (f" (`action: {e.action}`)" if e.action else "")]
        for e in endpoints.ENDPOINTS
    ]
    return "\n".join(_table(["Name", "Method", "Path"], rows))


GENERATORS: dict[str, Callable[[], str]] = {"endpoints": render_endpoints}


def on_files(files: Files, config: Any) -> Files:
    """Add the generated catalog page (a real ``docs/catalog.md`` would be a conflict)."""
    if files.get_file_from_path(PAGE) is not None:
        raise ValueError(f"docs/{PAGE} is generated by docs/hooks/catalog_page.py; remove it")
    files.append(File.generated(config, PAGE, content=render_catalog()))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Fill ``<!-- generated:NAME -->`` placeholders and check the keys the page names."""

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            log.warning("%s: unknown placeholder %r", page.file.src_uri, match.group(0))
            return match.group(0)
        return GENERATORS[name]()

    for found in _KEY.finditer(markdown):
        key = found.group("key")
        if key.split(":")[0] in _TYPES and key not in _KEYS | _DELIBERATE:
            log.warning("%s: `%s` is not a catalog key", page.file.src_uri, key)
    return _PLACEHOLDER.sub(fill, markdown)
