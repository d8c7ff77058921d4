"""A Home Assistant-style data coordinator for one car, on aiohttp.

Home Assistant integrations share one ``aiohttp.ClientSession`` for the whole instance
(``async_get_clientsession(hass)``), and a ``DataUpdateCoordinator`` refreshes a car's data
on an interval: a failed refresh raises ``UpdateFailed`` (the entities go unavailable
until the next one), and a login that no longer works raises ``ConfigEntryAuthFailed``,
which starts the re-authentication flow. This is that shape without Home Assistant:

* one batch call fetches every path; Smartcar answers 200 even when some paths fail, so
  each item is read on its own, and one failing path leaves the others' values in place;
* ``RETRY_LATER`` errors (of the call, or of single items) are tried again after their
  ``Retry-After`` when that is short, else the refresh fails with the advice attached;
* ``REAUTHENTICATE`` (or a 401) raises :class:`ReauthRequired` at once: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from app.errors import SmartcarApiError, parse_parts

API = "https://api.smartcar.com/v2.0"
PATHS = ("/odometer", "/battery")


class UpdateFailed(Exception):
    """Home Assistant's ``UpdateFailed``: this refresh failed; try at the next interval
    (or after ``retry_after`` seconds, when Smartcar said so)."""

    def __init__(self, error: SmartcarApiError) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = error.retry_after


class ReauthRequired(Exception):
    """Home Assistant's ``ConfigEntryAuthFailed``: the user must reconnect the car."""

    def __init__(self, error: SmartcarApiError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class CarData:
    """What the entities show; ``None`` where this refresh could not read the value."""

    odometer_km: float | None = None
    battery_percent: float | None = None
    range_km: float | None = None
    problems: dict[str, SmartcarApiError] = field(default_factory=dict)


class SmartcarCoordinator:
    """Refreshes one car's data through the instance's shared ``aiohttp`` session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        vehicle_id: str,
        access_token: str,
        *,
        max_attempts: int = 3,
        max_wait: float = 30.0,
        base_url: str = API,
    ) -> None:
        self.session = session
        self.vehicle_id = vehicle_id
        self.access_token = access_token
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.url = f"{base_url}/vehicles/{vehicle_id}/batch"
        self.data = CarData()

    async def async_refresh(self) -> CarData:
        """One refresh: ``self.data`` on success; raises ``UpdateFailed`` or ``ReauthRequired``."""
        bodies: dict[str, Any] = {}
        problems: dict[str, SmartcarApiError] = {}
        wanted: list[str] = list(PATHS)
        for attempt in range(1, self.max_attempts + 1):
            try:
                results = await self._batch(wanted)
            except SmartcarApiError as error:  # the whole call failed
                self._check_auth(error)
                if not self._retry(error, attempt):
                    raise UpdateFailed(error) from None
                await asyncio.sleep(self._wait(error, attempt))
                continue
            for path, result in results.items():
                if isinstance(result, SmartcarApiError):
                    self._check_auth(result)
                    problems[path] = result
                else:
                    bodies[path] = result
                    problems.pop(path, None)
            again = [p for p, e in problems.items() if self._retry(e, attempt)]
            if not again:
                break
            await asyncio.sleep(max(self._wait(problems[p], attempt) for p in again))
            wanted = again
        self.data = _car_data(bodies, problems)
        return self.data

    def _check_auth(self, error: SmartcarApiError) -> None:
        if error.resolution == "REAUTHENTICATE" or error.status == 401:
            raise ReauthRequired(error)

    def _retry(self, error: SmartcarApiError, attempt: int) -> bool:
        return (
            error.retryable
            and attempt < self.max_attempts
            and (error.retry_after is None or error.retry_after <= self.max_wait)
        )

    def _wait(self, error: SmartcarApiError, attempt: int) -> float:
        return error.retry_after if error.retry_after is not None else float(2 ** (attempt - 1))

    async def _batch(self, paths: Iterable[str]) -> dict[str, Any]:
        """Each path's body, or its ``SmartcarApiError``; raises one when the call fails."""
        payload = {"requests": [{"path": path} for path in paths]}
        headers = {"Authorization": f"Bearer {self.access_token}"}
        try:
            async with self.session.post(self.url, json=payload, headers=headers) as resp:
                content = await resp.read()
                if resp.status != 200:
                    raise parse_parts(resp.status, resp.headers, content)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:  # Smartcar never answered
            raise SmartcarApiError(status=None, description=type(exc).__name__) from exc
        try:
            items = json.loads(content)["responses"]
        except (ValueError, KeyError, TypeError):
            raise SmartcarApiError(
                status=200, description="batch answer without responses"
            ) from None
        results: dict[str, Any] = {}
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            code, body, item_headers = item.get("code"), item.get("body"), item.get("headers")
            if code == 200 and isinstance(body, dict):
                results[item["path"]] = body
            else:
                status = code if isinstance(code, int) else 502
                headers = item_headers if isinstance(item_headers, dict) else {}
                results[item["path"]] = parse_parts(status, headers, json.dumps(body).encode())
        return results


def _number(body: Any, name: str) -> float | None:
    value = body.get(name) if isinstance(body, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _car_data(bodies: dict[str, Any], problems: dict[str, SmartcarApiError]) -> CarData:
    battery = bodies.get("/battery")
    fraction = _number(battery, "percentRemaining")  # Smartcar sends 0.0 to 1.0
    return CarData(
        odometer_km=_number(bodies.get("/odometer"), "distance"),
        battery_percent=None if fraction is None else round(fraction * 100, 1),
        range_km=_number(battery, "range"),
        problems=problems,
    )
