"""Fixtures of the example suite: the app's objects, on a virtual clock so tests never wait."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator

import pytest
from pytest_smartcar import VirtualClock
from pytest_smartcar.webhooks import TEST_MANAGEMENT_TOKEN

from app import ChargelyWeb, Dashboard, SmartcarClient

REDIRECT_URI = "https://chargely.example/smartcar/callback"
STATE = "reauth-state-1"

#: ``(status, body)`` of one request to the WSGI app.
Reply = tuple[str, str]


@pytest.fixture
def client(smartcar_clock: VirtualClock) -> Iterator[SmartcarClient]:
    """The app's client. Its retries call ``time.sleep``: on the virtual clock that every
    test using it runs on, they return at once (``smartcar_clock.sleeps`` lists them)."""
    with SmartcarClient("test-access-token") as client:
        yield client


@pytest.fixture
def dashboard(client: SmartcarClient) -> Dashboard:
    return Dashboard(client, redirect_uri=REDIRECT_URI, new_state=lambda: STATE)


@pytest.fixture
def web() -> ChargelyWeb:
    return ChargelyWeb(management_token=TEST_MANAGEMENT_TOKEN)


@pytest.fixture
def post(web: ChargelyWeb) -> Callable[[str, bytes, dict[str, str]], Reply]:
    """POST raw bytes to the WSGI app, as a web server would hand them over."""

    def post(path: str, body: bytes, headers: dict[str, str]) -> Reply:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
        }
        return call(web, environ)

    return post


def call(app: ChargelyWeb, environ: dict[str, object]) -> Reply:
    statuses: list[str] = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], body.decode("utf-8")


@pytest.fixture
def browse(web: ChargelyWeb) -> Callable[[dict[str, object]], Reply]:
    """GET the WSGI app with a ready environ (``ConnectError.wsgi_environ(...)``)."""
    return lambda environ: call(web, environ)
