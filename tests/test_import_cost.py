"""Loading the plugin must not import httpx, respx, requests, aiohttp or hypothesis: every pytest
run in a user's project pays for what the plugin imports at start-up."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("httpx", "respx", "requests", "hypothesis", "urllib3", "aiohttp", "yarl", "multidict")


def _imported_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize(
    "code",
    [
        "import pytest_smartcar.plugin",
        "import pytest_smartcar; pytest_smartcar.catalog.get('VEHICLE_STATE:ASLEEP')",
        "from pytest_smartcar import markers; markers.connect_plan([])",
    ],
)
def test_plugin_load_imports_nothing_heavy(code: str) -> None:
    assert _imported_by(code).isdisjoint(HEAVY)


def test_importtime_shows_no_heavy_module() -> None:
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest_smartcar.plugin"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in err.splitlines()}
    assert "pytest_smartcar" in modules
    assert modules.isdisjoint(HEAVY)


def test_lazy_facade_still_gives_every_public_name() -> None:
    code = (
        "import pytest_smartcar as p; from pytest_smartcar import engine\n"
        "assert p.stub_smartcar is engine.stub_smartcar and p.SmartcarError and p.catalog"
    )
    # The engine is client-neutral: answering needs no HTTP client until one sends.
    assert _imported_by(code).isdisjoint(HEAVY)
