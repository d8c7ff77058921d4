"""Helpers shared by the plugin's own tests."""

from __future__ import annotations

import importlib

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
