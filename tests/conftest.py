from __future__ import annotations

import pytest

from tests.transports import TRANSPORTS, Transport


@pytest.fixture(params=TRANSPORTS, ids=[t.name for t in TRANSPORTS])
def client(request: pytest.FixtureRequest) -> Transport:
    """The same scenario over httpx sync, httpx async, requests and aiohttp."""
    transport: Transport = request.param
    return transport


@pytest.fixture(autouse=True)
def _inner_runs_without_asyncio(request: pytest.FixtureRequest) -> None:
    """pytest-asyncio (a dev dependency, for the tests of asyncio apps) warns about its
    loop scope in every inner project without an ini; inner runs leave it out unless a
    test turns it on (``monkeypatch.delenv("PYTEST_ADDOPTS")`` and ``-p asyncio``)."""
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester")  # it clears PYTEST_ADDOPTS when it starts
        request.getfixturevalue("monkeypatch").setenv("PYTEST_ADDOPTS", "-p no:asyncio")
