"""The dashboard tiles: where a Smartcar error meets the user.

Every tile either shows data or a message from ``user_message``; a tile never raises,
whatever Smartcar (or the network in between) answered. When the error asks for
re-authentication, the tile carries the link that fixes it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from app.client import SmartcarClient
from app.errors import SmartcarApiError
from app.messages import user_message
from app.reauth import reauth_url


@dataclass(frozen=True)
class Tile:
    """One dashboard tile: its text, whether it shows data, and a fix-it link."""

    text: str
    ok: bool
    reconnect_url: str | None = None


class Dashboard:
    """The vehicle page; ``new_state`` makes the re-authentication ``state`` testable."""

    def __init__(
        self,
        client: SmartcarClient,
        *,
        redirect_uri: str,
        new_state: Callable[[], str] = lambda: secrets.token_urlsafe(12),
    ) -> None:
        self.client = client
        self.redirect_uri = redirect_uri
        self.new_state = new_state

    def odometer_tile(self, vehicle_id: str) -> Tile:
        return self._tile(lambda: f"{self.client.odometer(vehicle_id):,.0f} km")

    def battery_tile(self, vehicle_id: str) -> Tile:
        def read() -> str:
            battery = self.client.battery(vehicle_id)
            return f"{battery.percent:.0%} charged, {battery.range_km:,.0f} km range"

        return self._tile(read)

    def lock_tile(self, vehicle_id: str) -> Tile:
        def lock() -> str:
            self.client.lock(vehicle_id)
            return "Locked"

        return self._tile(lock)

    def _tile(self, read: Callable[[], str]) -> Tile:
        try:
            return Tile(read(), ok=True)
        except SmartcarApiError as err:
            link = reauth_url(err, redirect_uri=self.redirect_uri, state=self.new_state())
            return Tile(user_message(err), ok=False, reconnect_url=link)
