"""The odometer feature again, on the official ``smartcar`` SDK (which uses requests).

SDK errors are turned into the app's ``SmartcarApiError`` so that one ``user_message``
serves both clients. The SDK's exception only has the attributes the response carried,
so every read has a default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import smartcar

from app.errors import SmartcarApiError, parse_retry_after
from app.messages import user_message


def from_sdk(exc: smartcar.SmartcarException) -> SmartcarApiError:
    """The app's view of an SDK exception (``SDK_ERROR``: Smartcar was not reached)."""

    def read(name: str) -> Any:
        value = getattr(exc, name, None)
        return value if isinstance(value, str) else None

    if read("type") == "SDK_ERROR" or getattr(exc, "message", None) == "SDK_ERROR":
        return SmartcarApiError(status=None, description=read("message"))
    status = getattr(exc, "status_code", None)
    resolution = getattr(exc, "resolution", None)
    if not isinstance(resolution, dict):
        resolution = {}
    return SmartcarApiError(
        status=status if isinstance(status, int) else 0,
        type=read("type"),
        code=read("code"),
        description=read("description") or read("message"),
        resolution=resolution.get("type"),
        resolution_url=resolution.get("url"),
        suggested_user_message=read("suggested_user_message"),
        request_id=read("request_id"),
        retry_after=parse_retry_after(read("retry_after")),
    )


class SdkOdometerService:
    """Reads odometers through ``smartcar.Vehicle``; errors raise ``SmartcarApiError``."""

    def __init__(
        self,
        access_token: str,
        *,
        vehicle: Callable[[str, str], smartcar.Vehicle] = smartcar.Vehicle,
    ) -> None:
        self.access_token = access_token
        self.vehicle = vehicle

    def odometer(self, vehicle_id: str) -> float:
        try:
            return float(self.vehicle(vehicle_id, self.access_token).odometer().distance)
        except smartcar.SmartcarException as exc:
            raise from_sdk(exc) from exc

    def odometer_text(self, vehicle_id: str) -> str:
        """What the dashboard shows: the distance, or the message for the error."""
        try:
            return f"{self.odometer(vehicle_id):,.0f} km"
        except SmartcarApiError as err:
            return user_message(err)
