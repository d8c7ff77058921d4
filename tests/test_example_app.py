"""The example app's suite (docs/examples) passes and covers the whole catalog.

It is the README's main command; running it here too keeps it green in the tests job,
which is where a change to the plugin would break it first.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_example_suite_passes_with_full_catalog_coverage() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "docs/examples", "-q", "-p", "no:randomly",
         "-p", "no:cacheprovider", "--smartcar-report", "--smartcar-fail-under=100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "106 of 106 errors exercised (100.00%), counting API, V3 and Connect" in output, output
    assert "Required Smartcar catalog coverage of 100% reached" in output, output
