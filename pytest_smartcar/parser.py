"""``SmartcarError``: the parsed view of one failed response, and the reference parser.

``SmartcarError.from_response`` follows the ground-truth rules of PRODUCT.md to the
letter and never raises. It is duck-typed over ``httpx.Response`` and
``requests.Response`` (``status_code``, ``headers``, ``content``), so neither library is
imported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_smartcar.views import response_view

__all__ = ["SmartcarError", "header", "parse_retry_after", "read_json_object"]


@dataclass(frozen=True)
class SmartcarError:
    """What a correct parser recovers from a Smartcar error response.

    In an ``ErrorCase.expected``, a ``None`` field means "no claim".
    """

    status: int | None
    type: str | None = None
    code: str | None = None
    description: str | None = None
    request_id: str | None = None
    resolution: str | None = None
    resolution_url: str | None = None
    doc_url: str | None = None
    suggested_user_message: str | None = None
    detail: list[Any] | None = field(default=None, hash=False)
    retry_after: float | None = None

    @property
    def key(self) -> str | None:
        """``TYPE:CODE`` (or ``TYPE``) when the type is known, else ``None``."""
        if self.type is None:
            return None
        return self.type if self.code is None else f"{self.type}:{self.code}"

    @classmethod
    def from_response(cls, response: Any) -> SmartcarError:
        """Parse an ``httpx.Response``, a ``requests.Response`` or an aiohttp response whose
        body was read (see :mod:`pytest_smartcar.views`); never raises."""
        try:
            return _parse(response_view(response))
        except Exception:  # the contract is "never raises": degrade to the status alone
            status = getattr(response, "status_code", None)
            return cls(status=status if isinstance(status, int) else None)

    def __str__(self) -> str:
        what = self.key or "unparsed error"
        text = f": {self.description}" if self.description else ""
        return f"{what} ({self.status}){text}"


def header(headers: Any, name: str) -> str | None:
    """A header's value by case-insensitive name, from any mapping of headers."""
    if headers is None:
        return None
    wanted = name.lower()
    items = headers.items() if hasattr(headers, "items") else headers
    for key, value in items:
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() == wanted:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def parse_retry_after(value: str | None) -> float | None:
    """Delta-seconds (ASCII digits after trimming spaces) as float; anything else is None."""
    if value is None:
        return None
    trimmed = value.strip(" ")
    if trimmed and trimmed.isascii() and trimmed.isdigit():
        return float(int(trimmed))
    return None


def _is_json_media_type(content_type: str | None) -> bool:
    if content_type is None:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_object(content: bytes, content_type: str | None) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when the rules say it is not to be read."""
    if not _is_json_media_type(content_type):
        return None
    try:
        value = json.loads(content.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _str(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def _content(response: Any) -> bytes:
    try:
        content = response.content
    except Exception:
        content = response.read()
    if isinstance(content, str):
        return content.encode("utf-8")
    return bytes(content) if content is not None else b""


def _parse(response: Any) -> SmartcarError:
    status = response.status_code
    headers = response.headers
    body = read_json_object(_content(response), header(headers, "content-type")) or {}
    request_id = header(headers, "sc-request-id")
    if request_id is None:
        request_id = _str(body, "requestId")
    retry_after = parse_retry_after(header(headers, "retry-after"))
    common: dict[str, Any] = {
        "status": status,
        "request_id": request_id,
        "retry_after": retry_after,
    }
    if isinstance(body.get("type"), str):
        raw_resolution = body.get("resolution")
        resolution: str | None = None
        resolution_url: str | None = None
        if isinstance(raw_resolution, dict):
            resolution = _str(raw_resolution, "type")
            resolution_url = _str(raw_resolution, "url")
        elif isinstance(raw_resolution, str):
            resolution = raw_resolution
        detail = body.get("detail")
        return SmartcarError(
            type=body["type"],
            code=_str(body, "code"),
            description=_str(body, "description"),
            doc_url=_str(body, "docURL"),
            suggested_user_message=_str(body, "suggestedUserMessage"),
            resolution=resolution,
            resolution_url=resolution_url,
            detail=detail if isinstance(detail, list) else None,
            **common,
        )
    if isinstance(body.get("error"), str):
        message = _str(body, "message")
        return SmartcarError(
            type=body["error"],
            code=_str(body, "code"),
            description=message if message is not None else _str(body, "error_description"),
            **common,
        )
    return SmartcarError(**common)
