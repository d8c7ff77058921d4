"""The ground-truth rules applied to a response's bytes and raw headers.

Written apart from both ``_mutations.truth`` (which reads the generator's data) and
``parser.py`` (which reads duck-typed responses), so each of the three checks the others.
"""

from __future__ import annotations

import json
import math
from typing import Any

import httpx

from pytest_smartcar.parser import SmartcarError
from tests.support import CLAIMED


def _not_json(name: str) -> Any:
    raise ValueError(name)


def _string(mapping: Any, key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if type(value) is str else None


def _resolution(holder: dict[str, Any]) -> tuple[str | None, str | None]:
    resolution = holder.get("resolution")
    if isinstance(resolution, dict):
        return _string(resolution, "type"), _string(resolution, "url")
    return (resolution if type(resolution) is str else None), None


def _body(response: httpx.Response, content_type: str | None) -> dict[str, Any]:
    media = None if content_type is None else content_type.split(";")[0].strip().lower()
    if media is not None and media != "application/json" and not media.endswith("+json"):
        return {}
    try:
        value = json.loads(response.content.decode("utf-8"), parse_constant=_not_json)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _retry_after(value: str | None) -> float | None:
    digits = None if value is None else value.strip(" ")
    if not digits or not set(digits) <= set("0123456789"):
        return None
    significant = digits.lstrip("0") or "0"
    # 10**309 > the largest float; past that no number of this many digits is finite.
    seconds = math.inf if len(significant) > 309 else float(significant)
    return None if math.isinf(seconds) else seconds


def truth_from_the_wire(response: httpx.Response) -> SmartcarError:
    """What a correct parser recovers from ``response``, by the rules in docs/fuzzing.md."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        headers.setdefault(raw_name.decode("ascii").lower(), raw_value.decode("latin-1"))
    body = _body(response, headers.get("content-type"))
    in_header, in_body = headers.get("sc-request-id"), _string(body, "requestId")
    if in_header is not None and in_body is not None and in_header != in_body:
        request_id = None
    else:
        request_id = in_header if in_header is not None else in_body
    common: dict[str, Any] = {
        "status": response.status_code,
        "request_id": request_id,
        "retry_after": _retry_after(headers.get("retry-after")),
    }
    errors = body.get("errors")
    first = errors[0] if type(errors) is list and errors else None
    if _string(body, "type") is not None:
        res, url = _resolution(body)
        detail = body.get("detail")
        return SmartcarError(
            type=body["type"],
            code=_string(body, "code"),
            description=_string(body, "description"),
            resolution=res,
            resolution_url=url,
            doc_url=_string(body, "docURL"),
            suggested_user_message=_string(body, "suggestedUserMessage"),
            detail=detail if type(detail) is list else None,
            **common,
        )
    if _string(first, "type") is not None:
        assert isinstance(first, dict)
        res, url = _resolution(first)
        return SmartcarError(
            type=first["type"],
            code=_string(first, "code"),
            title=_string(first, "title"),
            description=_string(first, "detail"),
            resolution=res,
            resolution_url=url,
            doc_url=_string(first.get("links"), "about"),
            suggested_user_message=_string(first, "suggestedUserMessage"),
            **common,
        )
    if _string(body, "error") is not None:
        message = _string(body, "message")
        return SmartcarError(
            type=body["error"],
            code=_string(body, "code"),
            description=message if message is not None else _string(body, "error_description"),
            **common,
        )
    return SmartcarError(**common)


def agrees(parsed: SmartcarError, expected: SmartcarError) -> None:
    """Status always; type and code when the type is claimed; every other claimed field."""
    assert parsed.status == expected.status
    if expected.type is not None:
        assert (parsed.type, parsed.code) == (expected.type, expected.code)
    for name in CLAIMED:
        if getattr(expected, name) is not None:
            assert getattr(parsed, name) == getattr(expected, name), name
