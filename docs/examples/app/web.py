"""The app's two Smartcar-facing web endpoints, as one plain WSGI application.

- ``GET /smartcar/callback``: where Smartcar Connect sends the browser back, with a
  ``code`` (connected), a ``vehicle_id`` (re-authenticated) or an ``error``.
- ``POST /webhooks/smartcar``: signed webhook deliveries (``VERIFY`` and
  ``VEHICLE_ERROR``), checked against the application management token.

Plain WSGI keeps the example free of any web framework; the tests call it directly.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from app.errors import SmartcarApiError
from app.messages import user_message

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

#: What the user reads for each Connect error; unknown codes get ``CONNECT_GENERIC``.
CONNECT_MESSAGES = {
    "access_denied": "You chose not to connect your car. You can connect it any time.",
    "invalid_subscription": "Your car's connected services subscription is not active.",
    "configuration_error": "We couldn't finish connecting your car. Please try again later.",
    "no_vehicles": "We found no car in that account. Add your car in its maker's app first.",
    "vehicle_incompatible": "Your car isn't supported by Chargely yet.",
    "server_error": "Connecting failed on our partner's side. Please try again later.",
    "oem_cancelled_login": "Your car maker cancelled the sign-in. Please try again.",
    "user_manually_returned_to_application": "You left before connecting your car.",
    "battery_capacity_no_selection": "Please pick your battery size to finish connecting.",
}
CONNECT_GENERIC = "We couldn't connect your car. Please try again."


def connect_message(query: dict[str, str]) -> str:
    """The page text for a Connect redirect that carries ``error``."""
    code = query.get("error", "")
    if code == "vehicle_incompatible" and query.get("make") and query.get("model"):
        car = " ".join(v for v in (query.get("year"), query["make"], query["model"]) if v)
        return f"Your {car} isn't supported by Chargely yet."
    return CONNECT_MESSAGES.get(code, CONNECT_GENERIC)


class ChargelyWeb:
    """The WSGI app; ``notifications`` keeps what webhooks told the app, newest last."""

    def __init__(self, *, management_token: str) -> None:
        self.management_token = management_token
        self.notifications: list[dict[str, str]] = []

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/smartcar/callback" and method == "GET":
            status, body = self._callback(dict(parse_qsl(environ.get("QUERY_STRING", ""))))
            return _send(start_response, status, "text/html; charset=utf-8", body)
        if path == "/webhooks/smartcar" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length)
            status, payload = self._webhook(raw, environ.get("HTTP_SC_SIGNATURE", ""))
            return _send(start_response, status, "application/json", json.dumps(payload))
        return _send(start_response, "404 Not Found", "text/plain", "not found")

    def _callback(self, query: dict[str, str]) -> tuple[str, str]:
        if "error" in query:
            return "400 Bad Request", _page(connect_message(query))
        if "code" in query:  # a real app exchanges the code for tokens here
            return "200 OK", _page("Your car is connected.")
        if "vehicle_id" in query:  # back from re-authentication: no code, tokens work again
            return "200 OK", _page("Your car is reconnected.")
        return "400 Bad Request", _page(CONNECT_GENERIC)

    def _webhook(self, raw: bytes, signature: str) -> tuple[str, dict[str, Any]]:
        # Verify the raw bytes: re-serialized JSON would not match Smartcar's signature.
        expected = hmac.new(self.management_token.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "401 Unauthorized", {"error": "bad signature"}
        try:
            event = json.loads(raw)
            kind = event["eventType"]
        except (ValueError, KeyError, TypeError):
            return "400 Bad Request", {"error": "not a Smartcar event"}
        if kind == "VERIFY":
            challenge = str(event["data"]["challenge"]).encode()
            answer = hmac.new(self.management_token.encode(), challenge, hashlib.sha256)
            return "200 OK", {"challenge": answer.hexdigest()}
        if kind == "VEHICLE_ERROR":
            for entry in event.get("data", {}).get("errors", []):
                self.notifications.append(_notification(event.get("vehicleId", ""), entry))
        return "200 OK", {}


def _notification(vehicle_id: str, entry: dict[str, Any]) -> dict[str, str]:
    resolution = entry.get("resolution")
    err = SmartcarApiError(
        status=200,
        type=entry.get("type"),
        code=entry.get("code"),
        resolution=resolution.get("type") if isinstance(resolution, dict) else None,
        suggested_user_message=entry.get("suggestedUserMessage"),
    )
    state = entry.get("state")
    text = "Your car is back to normal." if state == "RESOLVED" else user_message(err)
    return {"vehicle_id": vehicle_id, "key": err.key or "", "state": str(state), "text": text}


def _page(text: str) -> str:
    return f"<!doctype html><title>Chargely</title><p>{html.escape(text)}</p>"


def _send(start_response: StartResponse, status: str, content_type: str, body: str) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]
