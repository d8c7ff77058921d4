"""How the app reads a failed Smartcar response.

``parse_error`` never raises: a parser that crashes on an odd body turns a car that is
asleep into a 500 page. It follows Smartcar's error formats (v2.0 bodies, API V3's JSON:API
``{"errors": [...]}`` bodies, legacy v1.0 and OAuth bodies, ``SC-Request-Id`` and
``Retry-After`` headers) and keeps what the UI needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

_DIGITS = re.compile(r"[0-9]+")


@dataclass(eq=False)
class SmartcarApiError(Exception):
    """A failed Smartcar call. ``status`` is ``None`` when Smartcar was never reached."""

    status: int | None
    type: str | None = None
    code: str | None = None
    description: str | None = None
    resolution: str | None = None
    resolution_url: str | None = None
    suggested_user_message: str | None = None
    request_id: str | None = None
    retry_after: float | None = None

    @property
    def key(self) -> str | None:
        """``TYPE:CODE`` (``TYPE`` when Smartcar's code is null), as in Smartcar's docs."""
        if self.type is None:
            return None
        return self.type if self.code is None else f"{self.type}:{self.code}"

    @property
    def retryable(self) -> bool:
        """Worth another attempt: Smartcar says so, or a gateway answered instead of it."""
        if self.resolution == "RETRY_LATER":
            return True
        return self.type is None and self.status in (None, 502, 503, 504)

    def __str__(self) -> str:
        return f"{self.key or 'unparsed error'} ({self.status}): {self.description or ''}"


def parse_error(response: httpx.Response) -> SmartcarApiError:
    """The error in ``response``; never raises (the worst case keeps the status only)."""
    return parse_parts(response.status_code, response.headers, response.content)


def parse_parts(status: int, headers: Mapping[str, str], content: bytes) -> SmartcarApiError:
    """Same as ``parse_error`` from raw parts (batch items carry their own)."""
    try:
        return _parse(status, httpx.Headers(headers), content)
    except Exception:  # a bug here must degrade, not take the page down
        return SmartcarApiError(status=status)


def _json_object(content: bytes, content_type: str | None) -> dict[str, Any]:
    if content_type is not None:
        media = content_type.split(";", 1)[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            return {}
    try:
        value = json.loads(content.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _str(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def parse_retry_after(value: str | None) -> float | None:
    """Delta-seconds only; an HTTP-date or garbage means "no advice", not a crash."""
    if value is None:
        return None
    trimmed = value.strip(" ")
    return float(trimmed) if _DIGITS.fullmatch(trimmed) else None


def _parse(status: int, headers: httpx.Headers, content: bytes) -> SmartcarApiError:
    body = _json_object(content, headers.get("content-type"))
    request_id = headers.get("sc-request-id")
    if request_id is None:
        request_id = _str(body, "requestId")
    common: dict[str, Any] = {
        "status": status,
        "request_id": request_id,
        "retry_after": parse_retry_after(headers.get("retry-after")),
    }
    if isinstance(body.get("type"), str):  # v2.0
        resolution, resolution_url = _resolution(body.get("resolution"))
        return SmartcarApiError(
            type=body["type"],
            code=_str(body, "code"),
            description=_str(body, "description"),
            resolution=resolution,
            resolution_url=resolution_url,
            suggested_user_message=_str(body, "suggestedUserMessage"),
            **common,
        )
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else None
    if isinstance(first, dict) and isinstance(first.get("type"), str):  # API V3
        return _v3(first, common)
    if isinstance(body.get("error"), str):  # v1.0 or the OAuth token endpoint
        message = _str(body, "message")
        return SmartcarApiError(
            type=body["error"],
            code=_str(body, "code"),
            description=message if message is not None else _str(body, "error_description"),
            **common,
        )
    return SmartcarApiError(**common)


def _resolution(raw: object) -> tuple[str | None, str | None]:
    if isinstance(raw, dict):
        return _str(raw, "type"), _str(raw, "url")
    return (raw if isinstance(raw, str) else None), None


def _v3(item: dict[str, Any], common: dict[str, Any]) -> SmartcarApiError:
    """The first JSON:API error item: ``detail`` is the description, ``links.about`` the
    docs; the item's string ``status`` is ignored (the HTTP status is the truth)."""
    resolution, resolution_url = _resolution(item.get("resolution"))
    return SmartcarApiError(
        type=item["type"],
        code=_str(item, "code"),
        description=_str(item, "detail"),
        resolution=resolution,
        resolution_url=resolution_url,
        suggested_user_message=_str(item, "suggestedUserMessage"),
        **common,
    )
