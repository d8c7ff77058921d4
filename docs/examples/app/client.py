"""The app's Smartcar client: three calls, a batch read, and retries done right.

Retries follow what Smartcar says: only errors whose resolution is ``RETRY_LATER`` (and
gateway pages or network failures, where Smartcar said nothing) are retried, after the
``Retry-After`` the response gives, or a short backoff. A wait longer than ``max_wait``
is not worth holding a request for, so the error goes to the user at once. The waits are
plain ``time.sleep`` calls: the tests run them on pytest-smartcar's virtual clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from app.errors import SmartcarApiError, parse_error, parse_parts

API = "https://api.smartcar.com/v2.0"


@dataclass(frozen=True)
class Battery:
    """What the dashboard shows for an EV battery."""

    percent: float
    range_km: float


class SmartcarClient:
    """Sync Smartcar client for one user's access token; errors raise ``SmartcarApiError``."""

    def __init__(
        self,
        access_token: str,
        *,
        http: httpx.Client | None = None,
        max_attempts: int = 3,
        max_wait: float = 30.0,
        backoff: float = 1.0,
        base_url: str = API,
    ) -> None:
        self.access_token = access_token
        self.http = http or httpx.Client(timeout=10.0)
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.backoff = backoff
        self.base_url = base_url

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SmartcarClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def odometer(self, vehicle_id: str) -> float:
        """Distance driven, in kilometres."""
        return float(self._call("GET", vehicle_id, "/odometer")["distance"])

    def battery(self, vehicle_id: str) -> Battery:
        body = self._call("GET", vehicle_id, "/battery")
        return Battery(percent=float(body["percentRemaining"]), range_km=float(body["range"]))

    def lock(self, vehicle_id: str) -> None:
        self._call("POST", vehicle_id, "/security", {"action": "LOCK"})

    def batch(self, vehicle_id: str, paths: Iterable[str]) -> dict[str, Any]:
        """Several reads in one call: each path maps to its body or its ``SmartcarApiError``.

        Smartcar answers 200 even when some paths fail, so each item is checked on its own.
        """
        requests = [{"path": path} for path in paths]
        body = self._call("POST", vehicle_id, "/batch", {"requests": requests})
        items = body.get("responses") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise SmartcarApiError(status=200, description="batch answer without responses")
        results: dict[str, Any] = {}
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            code = item.get("code")
            if code == 200:
                results[item["path"]] = item.get("body")
            else:
                content = json.dumps(item.get("body")).encode()
                headers = item.get("headers")
                status = code if isinstance(code, int) else 502
                results[item["path"]] = parse_parts(
                    status, headers if isinstance(headers, dict) else {}, content
                )
        return results

    def _call(self, method: str, vehicle_id: str, path: str, body: Any = None) -> Any:
        url = f"{self.base_url}/vehicles/{vehicle_id}{path}"
        headers = {"Authorization": f"Bearer {self.access_token}"}
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.http.request(method, url, json=body, headers=headers)
            except httpx.TransportError as exc:  # timeouts, refused connections
                error = SmartcarApiError(status=None, description=type(exc).__name__)
            else:
                if response.is_success:
                    try:
                        return response.json()
                    except ValueError:
                        raise SmartcarApiError(
                            response.status_code, description="not JSON"
                        ) from None
                error = parse_error(response)
                if not error.retryable:
                    raise error
            wait = error.retry_after if error.retry_after is not None else self._backoff(attempt)
            if attempt == self.max_attempts or wait > self.max_wait:
                raise error
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _backoff(self, attempt: int) -> float:
        return float(self.backoff * 2 ** (attempt - 1))
