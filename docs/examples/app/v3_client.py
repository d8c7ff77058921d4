"""The app's Smartcar API V3 client: an app token, one signal read and one command.

API V3 (``vehicle.api.smartcar.com/v3``) takes an application token from
``iam.smartcar.com/oauth2/token`` (client credentials, valid for an hour) and the user's
id in ``sc-user-id`` on signal reads and commands. A signal can fail inside a 200
``/signals`` response: that signal carries ``status: {"value": "ERROR", "error": ...}``
and no body, and the client raises for it as for a failed call.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.errors import SmartcarApiError, parse_error, parse_parts

VEHICLE_API = "https://vehicle.api.smartcar.com/v3"
TOKEN_URL = "https://iam.smartcar.com/oauth2/token"
STATE_OF_CHARGE = "tractionbattery-stateofcharge"


class SmartcarV3Client:
    """Sync V3 client for one application; errors raise ``SmartcarApiError``."""

    def __init__(
        self, client_id: str, client_secret: str, *, http: httpx.Client | None = None
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = http or httpx.Client(timeout=10.0)
        self._token: str | None = None

    def close(self) -> None:
        self.http.close()

    def token(self) -> str:
        """The application token (fetched once; a 400/401 raises with the OAuth error)."""
        if self._token is None:
            form = {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            }
            response = self.http.post(TOKEN_URL, data=form)
            if not response.is_success:
                raise parse_error(response)
            self._token = str(response.json()["access_token"])
        return self._token

    def battery_percent(self, vehicle_id: str, user_id: str) -> float:
        """The state of charge, from ``GET /vehicles/{id}/signals``."""
        body = self._call("GET", f"/vehicles/{vehicle_id}/signals", user_id)
        for signal in body.get("data", []):
            if signal.get("id") == STATE_OF_CHARGE:
                attributes = signal.get("attributes", {})
                status = attributes.get("status", {})
                if status.get("value") == "ERROR":
                    content = json.dumps({"errors": [status.get("error")]}).encode()
                    raise parse_parts(200, {}, content)
                return float(attributes["body"]["value"])
        raise SmartcarApiError(status=200, description="no state of charge in the answer")

    def lock(self, vehicle_id: str, user_id: str) -> str:
        """Lock the doors; the command's status (``SUCCESS``, or ``IN_PROGRESS`` on a 202:
        the result then comes later, through signals or webhooks)."""
        body = self._call("POST", f"/vehicles/{vehicle_id}/commands/security/lock", user_id)
        return str(body["data"]["attributes"]["status"]["value"])

    def _call(self, method: str, path: str, user_id: str | None) -> Any:
        headers = {"Authorization": f"Bearer {self.token()}"}
        if user_id:
            headers["sc-user-id"] = user_id
        response = self.http.request(method, VEHICLE_API + path, headers=headers)
        if not response.is_success:
            raise parse_error(response)
        return response.json()
