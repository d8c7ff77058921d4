"""The HTML coverage report: self-contained, and its grid really shows what was exercised.

The page is rendered in headless Chromium and the screenshot's pixels are read back
(with a small PNG decoder, to need no imaging library): known exercised cells must be
green, known missing cells red, and the space beside a short row white.

Run this file directly (``python -m tests.test_report_html``) to regenerate the
screenshot in ``docs/img/report.png``.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from pytest_smartcar import catalog
from pytest_smartcar.report import CatalogCoverage
from pytest_smartcar.report_html import (
    EXERCISED_RGB,
    MISSING_RGB,
    cell_box,
    grid_rows,
    page_size,
    render,
)
from tests.test_report import SERVED_CONFTEST, SUBSET_SUITE

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WHITE = (255, 255, 255)


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def screenshot(html: Path, png: Path, size: tuple[int, int]) -> None:
    """Render ``html`` at ``size`` CSS pixels (scale 1) into ``png`` with headless Chromium."""
    chromium = find_chromium()
    assert chromium is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={size[0]},{size[1]}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert png.exists(), f"chromium wrote no screenshot (exit {done.returncode}):\n{done.stderr}"


class Png:
    """An 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes), decoded to rows."""

    def __init__(self, data: bytes) -> None:
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        pos, idat = 8, b""
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos : pos + 4])
            kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
            pos += 12 + length
            if kind == b"IHDR":
                self.width, self.height, depth, color, _, _, interlace = struct.unpack(
                    ">IIBBBBB", body
                )
                assert (depth, interlace) == (8, 0) and color in (2, 6), (depth, color, interlace)
                self.channels = 3 if color == 2 else 4
            elif kind == b"IDAT":
                idat += body
        self.rows = self._unfilter(zlib.decompress(idat))

    def _unfilter(self, raw: bytes) -> list[bytes]:
        bpp, stride = self.channels, self.width * self.channels
        rows: list[bytes] = []
        prev = bytes(stride)
        for y in range(self.height):
            start = y * (stride + 1)
            kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
            if kind == 1:
                for i in range(bpp, stride):
                    line[i] = (line[i] + line[i - bpp]) & 0xFF
            elif kind == 2:
                line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
            elif kind == 3:
                for i in range(stride):
                    left = line[i - bpp] if i >= bpp else 0
                    line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
            elif kind == 4:
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                    line[i] = (line[i] + pred) & 0xFF
            prev = bytes(line)
            rows.append(prev)
        return rows

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        i = x * self.channels
        r, g, b = self.rows[y][i : i + 3]
        return r, g, b

    def share(self, box: tuple[int, int, int, int], rgb: tuple[int, int, int]) -> float:
        """The fraction of the box (inset past rounded corners) within 12 of ``rgb``."""
        x, y, w, h = box
        inside = [(px, py) for py in range(y + 4, y + h - 4) for px in range(x + 4, x + w - 4)]
        close = sum(
            all(abs(c - want) <= 12 for c, want in zip(self.pixel(px, py), rgb, strict=True))
            for px, py in inside
        )
        return close / len(inside)


def cell_of(data: dict[str, Any], key: str) -> tuple[int, int, int, int]:
    for row, (_, keys) in enumerate(grid_rows(data)):
        if key in keys:
            return cell_box(row, keys.index(key))
    raise KeyError(key)


# ------------------------------------------------------------------------ tests


@pytest.fixture
def subset_report(pytester: pytest.Pytester) -> tuple[dict[str, Any], Path]:
    """The JSON data and HTML page a run of the known subset writes."""
    pytester.makeconftest(SERVED_CONFTEST)
    pytester.makepyfile(test_subset=SUBSET_SUITE)
    result = pytester.runpytest(
        "--smartcar-report-json=cov/report.json", "--smartcar-report-html=cov/report.html"
    )
    result.assert_outcomes(passed=6)
    html = pytester.path / "cov" / "report.html"
    result.stdout.fnmatch_lines([f"*generated Smartcar coverage HTML: {html}*"])
    data: dict[str, Any] = json.loads((pytester.path / "cov" / "report.json").read_text("utf-8"))
    return data, html


def test_html_is_self_contained(subset_report: tuple[dict[str, Any], Path]) -> None:
    data, path = subset_report
    page = path.read_text("utf-8")
    assert page == render(data)
    # Nothing fetched: no script, stylesheet, image, frame, font or CSS url().
    for pattern in (r"<script", r"<link", r"<img", r"<iframe", r"url\(", r"@import", r"src="):
        assert not re.search(pattern, page, re.IGNORECASE), pattern
    assert not re.search(r"https?://", page)
    assert "4 of 57</strong> documented errors exercised (<strong>7.01%</strong>)" in page


def test_html_cells_link_to_details_and_show_tests_on_hover(
    subset_report: tuple[dict[str, Any], Path],
) -> None:
    page = subset_report[1].read_text("utf-8")
    cells = re.findall(r'<a class="cell (\w+)" href="#([^"]+)" title="([^"]*)">', page)
    assert len(cells) == len(catalog.API_ERRORS) + len(catalog.CONNECT_ERRORS)
    by_anchor = {anchor: (state, title) for state, anchor, title in cells}
    assert by_anchor["e-VEHICLE_STATE-ASLEEP"] == (
        "exercised",
        "VEHICLE_STATE:ASLEEP (409): exercised on battery, odometer by\n"
        "  test_subset.py::test_asleep_battery\n  test_subset.py::test_asleep_odometer",
    )
    assert by_anchor["e-RATE_LIMIT-SMARTCAR_API"] == (
        "missing",
        "RATE_LIMIT:SMARTCAR_API (429): missing, served to no test",
    )
    assert by_anchor["e-access_denied"][0] == "exercised"
    # every cell's target exists, once, in the details table
    for anchor in by_anchor:
        assert page.count(f'<tr id="{anchor}">') == 1


def test_html_escapes_what_it_shows() -> None:
    coverage = CatalogCoverage()
    coverage.add("api", "SERVER:INTERNAL", "<b>odometer</b>", 'test_x.py::test["&"]')
    page = render(coverage.to_json())
    assert "<b>odometer" not in page
    assert "&lt;b&gt;odometer&lt;/b&gt;" in page
    assert "test[&quot;&amp;&quot;]" in page


@pytest.mark.skipif(
    find_chromium() is None,
    reason="needs Chromium for the screenshot (apt-get install chromium); CI installs it",
)
def test_html_grid_renders_in_chromium(
    subset_report: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    data, html = subset_report
    size = page_size(data)
    png_path = tmp_path / "report.png"
    screenshot(html, png_path, size)
    png = Png(png_path.read_bytes())
    assert (png.width, png.height) == size

    exercised = ["AUTHENTICATION", "RATE_LIMIT:VEHICLE", "VEHICLE_STATE:ASLEEP", "access_denied"]
    missing = ["BILLING:INVALID_PLAN", "RATE_LIMIT:SMARTCAR_API", "VEHICLE_STATE:LOW_BATTERY"]
    missing += ["invalid_subscription", "battery_capacity_no_selection"]
    for key in exercised:
        assert png.share(cell_of(data, key), EXERCISED_RGB) > 0.6, key
    for key in missing:
        assert png.share(cell_of(data, key), MISSING_RGB) > 0.6, key
    # The slot right of AUTHENTICATION (a one-error row) is page background: the
    # geometry is right, and the colours above are not just everywhere.
    assert png.share(cell_box(0, 1), WHITE) > 0.95


def regenerate_docs_screenshot() -> None:
    """Write docs/img/report.png from a suite that covers about half of the catalog."""
    coverage = CatalogCoverage()
    endpoints = ("odometer", "battery", "location", "lock", "charge.start")
    for n, spec in enumerate(catalog.API_ERRORS):
        if n % 5 in (0, 1, 3):
            for endpoint in endpoints[: 1 + n % 3]:
                coverage.add(
                    "api", spec.key, endpoint, f"tests/test_errors.py::test_shown[{spec.key}]"
                )
    for connect in catalog.CONNECT_ERRORS[:4]:
        coverage.add(
            "connect", connect.code, None, f"tests/test_connect.py::test_redirect[{connect.code}]"
        )
    data = coverage.to_json()
    target = Path(__file__).resolve().parent.parent / "docs" / "img" / "report.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        html.write_text(render(data), encoding="utf-8")
        screenshot(html, target, page_size(data))
    print(f"wrote {target} ({data['exercised']} of {data['total']} exercised)", file=sys.stderr)


if __name__ == "__main__":
    regenerate_docs_screenshot()
