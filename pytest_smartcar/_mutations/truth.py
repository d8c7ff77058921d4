"""The ground truth: what a correct parser recovers from a draft's response.

Derived from the draft's structured data (what was generated), not from the bytes, and
sharing no code with ``pytest_smartcar.parser``, so each checks the other. The rules are
stated in ``docs/fuzzing.md`` ("What `case.expected` claims").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pytest_smartcar._mutations.draft import CONTENT_TYPE, REQUEST_ID, RETRY_AFTER, Draft
from pytest_smartcar.parser import SmartcarError

__all__ = ["delta_seconds", "expected_error"]


def _reads_as_json(content_type: str | None) -> bool:
    if content_type is None:
        return True
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def delta_seconds(value: str | None) -> float | None:
    """``Retry-After`` as delta-seconds; no claim for anything else or for a number too
    large for a finite float. ``float()`` of the digits, not ``float(int())``: it is
    correctly rounded the same way, needs no int-length limit, and overflows to ``inf``."""
    if value is None:
        return None
    digits = value.strip(" ")
    if not digits or any(ch not in "0123456789" for ch in digits):
        return None
    seconds = float(digits)
    return seconds if math.isfinite(seconds) else None


def _text(mapping: Mapping[str, Any], name: str) -> str | None:
    value = mapping.get(name)
    return value if isinstance(value, str) else None


def _resolution(holder: Mapping[str, Any]) -> dict[str, Any]:
    resolution = holder.get("resolution")
    res_type = res_url = None
    if isinstance(resolution, dict):
        res_type, res_url = _text(resolution, "type"), _text(resolution, "url")
    elif isinstance(resolution, str):
        res_type = resolution
    return {"resolution": res_type, "resolution_url": res_url}


def _v3_item(body: Mapping[str, Any]) -> dict[str, Any] | None:
    errors = body.get("errors")
    if not isinstance(errors, list) or len(errors) == 0:
        return None
    first = errors[0]
    return first if isinstance(first, dict) and isinstance(first.get("type"), str) else None


def _claims(body: dict[str, Any]) -> dict[str, Any]:
    if isinstance(body.get("type"), str):  # v2.0, whatever else the body holds
        detail = body.get("detail")
        return {
            "type": body["type"],
            "code": _text(body, "code"),
            "description": _text(body, "description"),
            "doc_url": _text(body, "docURL"),
            "suggested_user_message": _text(body, "suggestedUserMessage"),
            "detail": detail if isinstance(detail, list) else None,
            **_resolution(body),
        }
    item = _v3_item(body)
    if item is not None:  # API V3: the first error of the array
        links = item.get("links")
        return {
            "type": item["type"],
            "code": _text(item, "code"),
            "title": _text(item, "title"),
            "description": _text(item, "detail"),
            "doc_url": _text(links, "about") if isinstance(links, dict) else None,
            "suggested_user_message": _text(item, "suggestedUserMessage"),
            **_resolution(item),
        }
    if isinstance(body.get("error"), str):  # legacy v1.0 or OAuth
        description = _text(body, "message")
        if description is None:
            description = _text(body, "error_description")
        return {"type": body["error"], "code": _text(body, "code"), "description": description}
    return {}


def expected_error(draft: Draft) -> SmartcarError:
    """What a correct parser recovers from the draft's response (``None``: no claim)."""
    read = (
        draft.is_json
        and isinstance(draft.body, dict)
        and _reads_as_json(draft.header(CONTENT_TYPE))
    )
    body: dict[str, Any] = draft.body if read else {}
    header_id = draft.header(REQUEST_ID)
    body_id = _text(body, "requestId")
    request_id = header_id if header_id is not None else body_id
    if header_id is not None and body_id is not None and header_id != body_id:
        request_id = None
    return SmartcarError(
        status=draft.status,
        request_id=request_id,
        retry_after=delta_seconds(draft.header(RETRY_AFTER)),
        **_claims(body),
    )
