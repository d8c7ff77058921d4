"""Requests the real API refuses before it looks at a vehicle, answered as it would.

A V3 request without ``Authorization`` gets ``AUTHENTICATION`` (V3: ``UNAUTHORIZED``,
401); a V3 signals or command request without ``sc-user-id`` gets
``VALIDATION:BAD_REQUEST`` (400, UNCONFIRMED: the docs mark the header required but do
not show the error). The official SDKs call V3 signals with a per-vehicle token and no
``sc-user-id`` (reference smartcar-v3.md section 5), and those tokens "continue to work",
so a request whose ``User-Agent`` is an official SDK's (``Smartcar/6.19.1(...)``) is not
refused for it (UNCONFIRMED). The errors come from ``catalog.REFUSALS``. A stub that serves a
catalog error or a success on such a request is overridden, since Smartcar would never
get that far; a stub serving a ready response or a fault answers as declared (the test
serves something else for it). The call record keeps the reason (``Call.refused``).

``transports.guard.settings.refusals`` is ``"v3"`` (the default: V3 requests only, so
v2.0 suites that send no ``Authorization`` keep working), ``"all"`` (the
``Authorization`` check on v2.0 requests too) or ``"off"``; the plugin sets it from
``--smartcar-refusals`` / ``smartcar_refusals``.
Standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_smartcar.catalog import REFUSALS, Refusal
from pytest_smartcar.transports.guard import REFUSAL_MODES, settings

if TYPE_CHECKING:
    from pytest_smartcar.endpoints import Match
    from pytest_smartcar.exchange import SmartcarRequest

__all__ = ["MODES", "check"]

MODES = REFUSAL_MODES
#: Token endpoints authenticate with the form body or Basic credentials, not a Bearer token.
_TOKEN_ENDPOINTS = frozenset({"token", "iam.token"})
_BY_WHEN = {r.when: r for r in REFUSALS}
#: How the official SDKs introduce themselves (``Smartcar/6.19.1(Linux; x86_64) Python ...``).
_SDK_AGENT = "Smartcar/"


def _needs_user(name: str) -> bool:
    """``sc-user-id`` is "required when accessing vehicle signals and issuing commands"."""
    return name in ("v3.signals", "v3.signal") or name.startswith("v3.commands.")


def check(request: SmartcarRequest, match: Match | None, api: str) -> tuple[Refusal, str] | None:
    """The refusal the real API gives this request, with the reason; ``None`` when it
    would be accepted (or refusals are off). Only documented endpoints are checked."""
    mode = settings.refusals
    if mode == "off" or match is None or (api != "v3" and mode != "all"):
        return None
    name = match.endpoint.name
    if name in _TOKEN_ENDPOINTS:
        return None
    if not request.header("Authorization"):
        return _BY_WHEN["no_authorization"], (
            "the request has no Authorization header, so Smartcar refuses it before anything "
            "the test served (send 'Authorization: Bearer <token>')"
        )
    if (
        api == "v3"
        and _needs_user(name)
        and not request.header("sc-user-id")
        and not (request.header("User-Agent") or "").startswith(_SDK_AGENT)
    ):
        return _BY_WHEN["no_sc_user_id"], (
            f"{name} requires the sc-user-id header (the user id from Connect or the "
            "Connections API), so Smartcar refuses the request before anything the test served"
        )
    return None
