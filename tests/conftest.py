from __future__ import annotations

import pytest

from tests.transports import TRANSPORTS, Transport


@pytest.fixture(params=TRANSPORTS, ids=[t.name for t in TRANSPORTS])
def client(request: pytest.FixtureRequest) -> Transport:
    """The same scenario over httpx sync, httpx async and requests."""
    transport: Transport = request.param
    return transport
