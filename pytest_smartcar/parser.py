"""``SmartcarError``: the parsed view of one failed response, and the reference parser.

``SmartcarError.from_response`` applies the ground-truth rules (see ``docs/fuzzing.md``,
"What `case.expected` claims") and never raises. It is duck-typed over ``httpx.Response``,
``requests.Response`` and anything else with ``status_code``, ``headers`` and ``content``
(or ``read()``), so neither library is imported here. Each of those, and each field read
from them, is read on its own: one that raises, or holds what the rules cannot read,
makes no claim for itself and costs no other field its claim.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_smartcar.views import response_view

__all__ = ["SmartcarError", "header", "parse_retry_after", "read_json_object"]

#: Digits of the largest finite float (1.8e308): a longer delta-seconds never fits.
_FLOAT_DIGITS = len(str(int(sys.float_info.max)))


@dataclass(frozen=True)
class SmartcarError:
    """What a correct parser recovers from a Smartcar error response.

    In an ``ErrorCase.expected``, a ``None`` field means "no claim". ``title`` comes from
    API V3 bodies only; ``detail`` (the VALIDATION list) from v2.0 bodies only.
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
    title: str | None = None

    @property
    def key(self) -> str | None:
        """``TYPE:CODE`` (or ``TYPE``) when the type is known, else ``None``."""
        if self.type is None:
            return None
        return self.type if self.code is None else f"{self.type}:{self.code}"

    @classmethod
    def from_response(cls, response: Any) -> SmartcarError:
        """Parse an ``httpx.Response``, a ``requests.Response``, an aiohttp response whose
        body was read (see :mod:`pytest_smartcar.views`) or a look-alike; never raises."""
        try:
            return _parse(response_view(response))
        except Exception:  # every read below is guarded; this is the last line of defence
            return cls(status=_status(response))

    def __str__(self) -> str:
        what = self.key or "unparsed error"
        text = f": {self.description}" if self.description else ""
        return f"{what} ({self.status}){text}"


# --- reading the response's parts, each on its own ---------------------------------------------


def _status(response: Any) -> int | None:
    try:
        value = response.status_code
        if isinstance(value, int) and not isinstance(value, bool):
            return int.__index__(value)  # a plain int, even from an int subclass
    except Exception:
        pass
    return None


def _text_of(value: Any) -> str | None:
    """A header name or value as text: bytes as Latin-1, str as is, nothing else."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, str):
        return str.__str__(value)  # a plain str, even from a str subclass
    return None


def _header_items(headers: Any) -> list[tuple[str, str]]:
    """Headers (a mapping or pairs) as text pairs, read until they cannot be: an item that
    is not a pair of text is left out, and what follows an item that raises is not read."""
    out: list[tuple[str, str]] = []
    try:
        if headers is None:
            return out
        for item in headers.items() if hasattr(headers, "items") else headers:
            try:
                name, value = item
            except Exception:
                continue
            name_text, value_text = _text_of(name), _text_of(value)
            if name_text is not None and value_text is not None:
                out.append((name_text, value_text))
    except Exception:
        pass
    return out


def _headers(response: Any) -> list[tuple[str, str]]:
    try:
        headers = response.headers
    except Exception:
        return []
    return _header_items(headers)


def header(headers: Any, name: str) -> str | None:
    """A header's value by case-insensitive name, from a mapping or a list of pairs;
    ``None`` when it is absent or cannot be read."""
    return _find(_header_items(headers), name)


def _find(items: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    for key, value in items:
        if key.lower() == wanted:
            return value
    return None


def _raw_content(response: Any) -> Any:
    try:
        return response.content
    except Exception:
        pass
    try:
        return response.read()
    except Exception:
        return None


def _content(response: Any) -> bytes:
    """The body bytes (``content``, else ``read()``); nothing readable is an empty body."""
    content = _raw_content(response)
    if isinstance(content, types.CoroutineType):  # aiohttp's read(): not awaited here
        content.close()
        return b""
    if isinstance(content, str):
        try:
            return content.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: not text a server sent
            return b""
    if isinstance(content, (bytes, bytearray, memoryview)):
        try:
            return bytes(content)
        except Exception:  # a released memoryview
            return b""
    return b""


def parse_retry_after(value: str | None) -> float | None:
    """Delta-seconds (ASCII digits after trimming spaces) as a float; anything else,
    including a number too large for a finite float, is ``None``."""
    if value is None:
        return None
    trimmed = value.strip(" ")
    if not (trimmed and trimmed.isascii() and trimmed.isdigit()):
        return None
    significant = trimmed.lstrip("0") or "0"
    if len(significant) > _FLOAT_DIGITS:  # also keeps int() clear of its digit limit
        return None
    try:
        return float(int(significant))
    except (OverflowError, ValueError):
        return None


def _is_json_media_type(content_type: str | None) -> bool:
    if content_type is None:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_object(content: bytes, content_type: str | None) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when the rules say it is not to be read
    (not a JSON media type, not UTF-8, not JSON, not an object, or more than ``json.loads``
    decodes: an integer past its digit limit, nesting past the recursion limit)."""
    if not _is_json_media_type(content_type):
        return None
    try:
        value = json.loads(content.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError, MemoryError):
        return None
    return value if isinstance(value, dict) else None


# --- the body's fields --------------------------------------------------------------------------


def _str(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def _resolution(holder: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``resolution.type`` and ``.url`` of an object; a bare string is the type itself."""
    raw = holder.get("resolution")
    if isinstance(raw, dict):
        return _str(raw, "type"), _str(raw, "url")
    return (raw if isinstance(raw, str) else None), None


def _v3_error(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The first item of a V3 ``errors`` array, when it is an object with a string type."""
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict) and isinstance(first.get("type"), str):
            return first
    return None


def _v2_claims(body: dict[str, Any]) -> dict[str, Any]:
    resolution, resolution_url = _resolution(body)
    detail = body.get("detail")
    return {
        "type": body["type"],
        "code": _str(body, "code"),
        "description": _str(body, "description"),
        "doc_url": _str(body, "docURL"),
        "suggested_user_message": _str(body, "suggestedUserMessage"),
        "resolution": resolution,
        "resolution_url": resolution_url,
        "detail": detail if isinstance(detail, list) else None,
    }


def _v3_claims(item: dict[str, Any]) -> dict[str, Any]:
    resolution, resolution_url = _resolution(item)
    links = item.get("links")
    return {
        "type": item["type"],
        "code": _str(item, "code"),
        "title": _str(item, "title"),
        "description": _str(item, "detail"),
        "doc_url": _str(links, "about") if isinstance(links, dict) else None,
        "suggested_user_message": _str(item, "suggestedUserMessage"),
        "resolution": resolution,
        "resolution_url": resolution_url,
    }


def _legacy_claims(body: dict[str, Any]) -> dict[str, Any]:
    message = _str(body, "message")
    return {
        "type": body["error"],
        "code": _str(body, "code"),
        "description": message if message is not None else _str(body, "error_description"),
    }


def _body_claims(body: dict[str, Any]) -> dict[str, Any]:
    """Precedence: a string ``type`` makes it v2.0; then V3; then legacy v1.0 or OAuth."""
    if isinstance(body.get("type"), str):
        return _v2_claims(body)
    item = _v3_error(body)
    if item is not None:
        return _v3_claims(item)
    if isinstance(body.get("error"), str):
        return _legacy_claims(body)
    return {}


def _parse(response: Any) -> SmartcarError:
    headers = _headers(response)
    body = read_json_object(_content(response), _find(headers, "content-type")) or {}
    request_id = _find(headers, "sc-request-id")  # when the body's differs: no claim either way
    if request_id is None:
        request_id = _str(body, "requestId")
    return SmartcarError(
        status=_status(response),
        request_id=request_id,
        retry_after=parse_retry_after(_find(headers, "retry-after")),
        **_body_claims(body),
    )
