"""The catalog coverage report as one self-contained HTML page.

A grid, one row per error type (API, then V3 when the suite served V3 or counts it,
then one for Connect), one cell per documented error,
green when a test was served it and red when none was. Hovering a cell shows the
tests and endpoints; clicking it jumps to (and highlights) its row in the table
below. No script, font or image is loaded from anywhere: the file is sent around as a
CI artifact and opened offline. The page is rendered from the JSON report data
(``CatalogCoverage.to_json()``), so both always agree.

The grid has a fixed geometry (``cell_box``), which keeps the layout stable across
catalog changes and lets the screenshot test find a cell's pixels.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any, Final

__all__ = [
    "CELL_H",
    "CELL_W",
    "EXERCISED_RGB",
    "MISSING_RGB",
    "cell_box",
    "entries",
    "grid_rows",
    "page_size",
    "render",
]

PAD: Final = 16
HEADER_H: Final = 96
LABEL_W: Final = 280
CELL_W: Final = 80
CELL_H: Final = 48
GAP: Final = 4
EXERCISED_RGB: Final = (31, 157, 85)
MISSING_RGB: Final = (214, 69, 69)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


#: How a V3 error is named on the page, beside the v2.0 error of the same key.
V3_PREFIX: Final = "V3 "


def entries(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every error the page shows, by its name on the page: the API and Connect keys, and
    the V3 keys prefixed ``V3 `` when the report shows V3 (``report.shows_v3``)."""
    from pytest_smartcar.report import shows_v3

    found: dict[str, Mapping[str, Any]] = dict(data["api"]["errors"])
    if shows_v3(data):
        found.update({V3_PREFIX + k: e for k, e in data["v3"]["errors"].items()})
    found.update(data["connect"]["errors"])
    return found


def grid_rows(data: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """The grid's rows: ``(label, names)``, API types in catalog order, then the V3 types
    when V3 is shown, then Connect."""
    from pytest_smartcar.report import shows_v3

    rows: dict[str, list[str]] = {}
    for key, error in data["api"]["errors"].items():
        rows.setdefault(error["type"], []).append(key)
    if shows_v3(data):
        for key, error in data["v3"]["errors"].items():
            rows.setdefault(V3_PREFIX + error["type"], []).append(V3_PREFIX + key)
    return [*rows.items(), ("Connect", list(data["connect"]["errors"]))]


def cell_box(row: int, col: int) -> tuple[int, int, int, int]:
    """``(x, y, width, height)`` in CSS pixels of the grid cell at ``row``, ``col``."""
    x = PAD + LABEL_W + GAP + col * (CELL_W + GAP)
    y = PAD + HEADER_H + row * (CELL_H + GAP)
    return x, y, CELL_W, CELL_H


def page_size(data: Mapping[str, Any]) -> tuple[int, int]:
    """The viewport that shows the header and the whole grid."""
    rows = grid_rows(data)
    cols = max(len(keys) for _, keys in rows)
    return (
        2 * PAD + LABEL_W + cols * (CELL_W + GAP),
        2 * PAD + HEADER_H + len(rows) * (CELL_H + GAP),
    )


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#1b1f24;background:#fff}
main{padding:%(pad)dpx}
header{height:%(header)dpx;overflow:hidden}
h1{font-size:22px;margin:0 0 6px}
header p{margin:0 0 6px}
.key{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;
margin:0 4px 0 12px}
.key:first-child{margin-left:0}
.grid{display:grid;grid-template-columns:%(label)dpx repeat(%(cols)d,%(cell_w)dpx);
grid-auto-rows:%(cell_h)dpx;gap:%(gap)dpx;width:max-content}
.label{display:flex;align-items:center;justify-content:space-between;padding:0 10px 0 0;
font-weight:600;font-size:13px;grid-column:1}
.label span{font-weight:400;color:#57606a}
.cell{display:block;border-radius:4px;padding:3px 4px;color:#fff;text-decoration:none;
font-size:9px;line-height:11px;overflow:hidden;overflow-wrap:anywhere}
.cell:hover,.cell:focus{outline:3px solid #1b1f24;outline-offset:1px}
.exercised{background:%(ok)s}
.missing{background:%(missing)s}
h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
td.state-exercised{color:%(ok)s;font-weight:600}
td.state-missing{color:%(missing)s;font-weight:600}
tr:target{background:#fff3bf}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
footer{margin-top:20px;color:#57606a;font-size:12px}
"""


def render(data: Mapping[str, Any]) -> str:
    """The HTML page for ``CatalogCoverage.to_json()`` data."""
    from pytest_smartcar.report import scope_name

    rows = grid_rows(data)
    css = _CSS % {
        "pad": PAD,
        "header": HEADER_H,
        "label": LABEL_W,
        "cols": max(len(keys) for _, keys in rows),
        "cell_w": CELL_W,
        "cell_h": CELL_H,
        "gap": GAP,
        "ok": _hex(EXERCISED_RGB),
        "missing": _hex(MISSING_RGB),
    }
    from pytest_smartcar.report import shows_v3

    errors = entries(data)
    api, v3, connect = data["api"], data["v3"], data["connect"]
    v3_figure = f"V3 {v3['exercised']}/{v3['total']}, " if shows_v3(data) else ""
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        "<title>Smartcar catalog coverage</title>\n<style>",
        css,
        "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>Smartcar catalog coverage</h1>\n",
        f"<p><strong>{data['exercised']} of {data['total']}</strong> documented errors exercised "
        f"(<strong>{data['percent']:.2f}%</strong>), counting {escape(scope_name(data))}: "
        f"API {api['exercised']}/{api['total']}, {v3_figure}"
        f"Connect {connect['exercised']}/{connect['total']}. "
        f"Catalog {escape(str(data['catalog_version']))}.</p>\n",
        '<p><span class="key exercised"></span>exercised (served to at least one test)'
        '<span class="key missing"></span>missing. Hover a cell for its tests; '
        "click it for the details.</p>\n</header>\n",
        '<div class="grid">\n',
    ]
    for label, keys in rows:
        done = sum(errors[k]["exercised"] for k in keys)
        out.append(
            f'<div class="label">{escape(label)} <span>{done}/{len(keys)}</span></div>'
            + "".join(_cell(key, errors[key]) for key in keys)
            + "\n"
        )
    out.append("</div>\n")
    out.append(_table(data, errors))
    out.append(
        f"<footer>pytest-smartcar catalog coverage report, schema version "
        f"{escape(str(data['schema_version']))}.</footer>\n</main>\n</body>\n</html>\n"
    )
    return "".join(out)


def _anchor(name: str) -> str:
    return "e-" + name.replace(":", "-").replace(" ", "-")


def _cell(key: str, error: Mapping[str, Any]) -> str:
    state = "exercised" if error["exercised"] else "missing"
    code = error.get("code", key)  # Connect entries have no separate code
    text = escape(code).replace("_", "_<wbr>") if code is not None else "<i>no code</i>"
    return (
        f'<a class="cell {state}" href="#{_anchor(key)}" title="{escape(_tooltip(key, error))}">'
        f"{text}</a>"
    )


def _tooltip(key: str, error: Mapping[str, Any]) -> str:
    status = f" ({error['status']})" if "status" in error else ""
    if not error["exercised"]:
        return f"{key}{status}: missing, served to no test"
    on = f" on {', '.join(error['endpoints'])}" if error["endpoints"] else ""
    tests = "\n".join("  " + t for t in error["tests"])
    return f"{key}{status}: exercised{on} by\n{tests}"


def _table(data: Mapping[str, Any], errors: Mapping[str, Mapping[str, Any]]) -> str:
    out = [
        "<h2>Every error</h2>\n<table>\n<thead><tr><th>error</th><th>HTTP</th><th>state</th>"
        "<th>endpoints</th><th>tests</th></tr></thead>\n<tbody>\n"
    ]
    for key, error in errors.items():
        state = "exercised" if error["exercised"] else "missing"
        out.append(
            f'<tr id="{_anchor(key)}"><td><code>{escape(key)}</code></td>'
            f"<td>{error.get('status', '')}</td>"
            f'<td class="state-{state}">{state}</td>'
            f"<td>{escape(', '.join(error['endpoints']))}</td>"
            f"<td>{'<br>'.join(f'<code>{escape(t)}</code>' for t in error['tests'])}</td></tr>\n"
        )
    out.append("</tbody>\n</table>\n")
    if data["other"]:
        out.append(
            "<h2>Also served, outside the API, V3 and Connect catalogs</h2>\n<table>\n"
            "<thead><tr><th>key</th><th>endpoints</th><th>tests</th></tr></thead>\n<tbody>\n"
        )
        for key, served in data["other"].items():
            out.append(
                f"<tr><td><code>{escape(key)}</code></td>"
                f"<td>{escape(', '.join(served['endpoints']))}</td>"
                f"<td>{'<br>'.join(f'<code>{escape(t)}</code>' for t in served['tests'])}</td>"
                "</tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    return "".join(out)
