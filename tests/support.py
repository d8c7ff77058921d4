"""Helpers shared by the plugin's own tests."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

#: Loaded once: pytester's in-process runs unload every module they import, so without this
#: each inner run would import httpx, respx and requests again (~0.3 s a run).
WARM = [
    importlib.import_module(m)
    for m in (
        "pytest_smartcar._fixture",
        "httpx",
        "requests",
        "pytest_smartcar.transports.requests",
    )
]
#: Inner runs: order as written, and no hypothesis plugin (its terminal summary imports
#: hypothesis, which pytester unloads again after every in-process run: ~0.5 s each).
#: pytest-asyncio is off too: without an ini of its own an inner run would warn about its
#: loop scope; the tests about asyncio apps turn it on with that ini.
INNER = (
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:asyncio",
)

#: The engine's message for GET .../vehicles/abc/odometer when nothing is served.
UNMATCHED_NO_STUB = [
    "pytest-smartcar: no stub answers GET "
    "https://api.smartcar.com/v2.0/vehicles/abc/odometer (endpoint odometer).",
    "Nothing is served yet: no serve() call or marker declared a stub.",
    "The request was not sent to the network. To answer it, serve an error "
    '(smartcar_error.serve("KEY", endpoint="odometer")) or a success '
    '(smartcar_error.succeed(endpoint="odometer")).',
    "To let unanswered Smartcar requests reach the real API on purpose, run with "
    "--smartcar-allow-network (ini: smartcar_allow_network = true).",
]

#: SmartcarError fields an ErrorCase.expected may claim besides status, type and code.
CLAIMED = (
    "description",
    "request_id",
    "resolution",
    "resolution_url",
    "doc_url",
    "suggested_user_message",
    "detail",
    "retry_after",
    "title",
)


def shown(lines: list[str]) -> list[str]:
    """Message lines as the failure report shows them: after pytest's ``E`` column and, on
    the first line, the exception's name."""
    return ["*" + line for line in lines]


#: A conftest for inner runs that proves "nothing reached the network": every socket
#: ``connect`` (and, unless a test is marked ``our_dns``, every ``getaddrinfo``) raises
#: ``ReachedTheNetwork`` and is written to ``attempts.json`` (kind, target, test name)
#: when the session ends.
#: ``SMARTCAR_TEST_NO_SENTINEL=1`` turns it off (for runs under pytest-socket).
SENTINEL_CONFTEST = '''
import json
import os
import socket

import pytest

ATTEMPTS = []


class ReachedTheNetwork(OSError):
    """The request got past the plugin, down to the socket layer."""


def _refuse(kind):
    def refuse(*args, **kwargs):
        target = args[1] if kind == "connect" else args[0]
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0].rpartition("::")[2]
        ATTEMPTS.append([kind, str(target), test])
        raise ReachedTheNetwork(f"socket sentinel: {kind} {target!r}")

    return refuse


@pytest.fixture(autouse=True)
def _socket_sentinel(request, monkeypatch):
    if os.environ.get("SMARTCAR_TEST_NO_SENTINEL"):
        return
    monkeypatch.setattr(socket.socket, "connect", _refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse("connect"))
    if request.node.get_closest_marker("our_dns") is None:
        monkeypatch.setattr(socket, "getaddrinfo", _refuse("getaddrinfo"))


def pytest_configure(config):
    config.addinivalue_line("markers", "our_dns: leave name resolution to the plugin's guard")


def pytest_sessionfinish(session):
    with open("attempts.json", "w") as f:
        json.dump(ATTEMPTS, f)
'''


def attempts(path: Path) -> list[list[str]]:
    """What reached the socket layer in an inner run with ``SENTINEL_CONFTEST``."""
    found: list[list[str]] = json.loads((path / "attempts.json").read_text(encoding="utf-8"))
    return found


def junit_results(path: Path) -> dict[str, str]:
    """Each inner test's failure, error and skip texts from a ``--junitxml`` file, by test
    name ('' when it passed)."""
    import xml.etree.ElementTree as ET

    found: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("name", "")
        texts = [
            f"{kid.get('message', '')}\n{kid.text or ''}"
            for kid in case
            if kid.tag in ("failure", "error", "skipped")
        ]
        found[name] = found.get(name, "") + "\n".join(texts)
    return found
