"""What every wire format shares: JSON bytes, headers, reason phrases, request ids, texts.

A :class:`Template` is a reply rendered once with a placeholder where the request id goes,
so a stub that answers many requests pays for ``json.dumps`` once and for a fresh id per
request only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pytest_smartcar.catalog import DEFAULT_APP_NAME, DEFAULT_CLIENT_ID, DEFAULT_VEHICLE_ID
from pytest_smartcar.exchange import Reply

__all__ = [
    "JSON_CONTENT_TYPE",
    "PLACEHOLDER",
    "REASONS",
    "UNSET",
    "ResolutionStyle",
    "Template",
    "apply_overrides",
    "dump_json",
    "fill_values",
    "json_reply",
    "new_request_id",
    "resolution_value",
    "wait_headers",
]

ResolutionStyle = Literal["object", "string", "null"]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

#: Reason phrases for statuses the HTTP registry lacks (430 is Smartcar's billing status).
REASONS = {430: "Billing Limit Reached"}

#: Stands for the request id in a :class:`Template`: random, so no body a user writes holds it.
PLACEHOLDER = f"sc-request-id-{uuid.uuid4().hex}"


def new_request_id() -> str:
    """A fresh 36-character request id, as Smartcar sends in ``SC-Request-Id``."""
    return str(uuid.uuid4())


def fill_values(
    app_name: str | None, client_id: str | None, vehicle_id: str | None
) -> dict[str, str]:
    """The values of ``{app_name}``, ``{client_id}`` and ``{vehicle_id}`` in catalog texts."""
    return {
        "app_name": DEFAULT_APP_NAME if app_name is None else app_name,
        "client_id": DEFAULT_CLIENT_ID if client_id is None else client_id,
        "vehicle_id": DEFAULT_VEHICLE_ID if vehicle_id is None else vehicle_id,
    }


def resolution_value(resolution: str | None, style: ResolutionStyle, url: str | None) -> Any:
    """``resolution`` as an object (current), a bare string or null (older responses)."""
    if style == "null":
        return None
    if style == "string":
        return resolution
    if style != "object":
        raise ValueError(f"resolution_style must be 'object', 'string' or 'null', got {style!r}")
    value: dict[str, Any] = {"type": resolution}
    if url is not None:
        value["url"] = url
    return value


#: "Not given" for ``retry_after=``, where ``None`` means "send no Retry-After".
UNSET: Any = object()


def wait_headers(
    default: int | None,
    retry_after: int | str | None,
    headers: Mapping[str, str | None] | None,
) -> dict[str, str | None]:
    """``Retry-After`` (``default`` unless ``retry_after`` is given; ``None`` drops it),
    then ``headers``."""
    extra: dict[str, str | None] = {}
    wait = default if retry_after is UNSET else retry_after
    if wait is not None:
        extra["Retry-After"] = str(wait)
    extra.update(headers or {})
    return extra


def apply_overrides(body: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Replace or add fields of ``body`` by JSON name; a value of ``...`` removes one."""
    for name, value in overrides.items():
        if value is ...:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def dump_json(body: Any) -> bytes:
    """``body`` as UTF-8 JSON bytes; a lone surrogate is sent escaped (valid UTF-8)."""
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body).encode("ascii")


def json_headers(
    request_id: str | None,
    headers: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
    content_type: str | None = JSON_CONTENT_TYPE,
) -> list[tuple[str, str]]:
    """``Content-Type``, ``SC-Request-Id`` and then ``headers``; a later header replaces an
    earlier one of the same name (case-insensitive), so a test can override either, and
    a value of ``None`` removes it."""
    out: list[tuple[str, str]] = []
    if content_type is not None:
        out.append(("Content-Type", content_type))
    if request_id is not None:
        out.append(("SC-Request-Id", request_id))
    items = headers.items() if isinstance(headers, Mapping) else (headers or ())
    for name, value in items:
        lower = name.lower()
        out = [(k, v) for k, v in out if k.lower() != lower]
        if value is not None:
            out.append((name, value))
    return out


def json_reply(
    status: int,
    body: Any,
    *,
    request_id: str | None = None,
    headers: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
    content_type: str | None = JSON_CONTENT_TYPE,
) -> Reply:
    """A reply carrying ``body`` as JSON with Smartcar's headers."""
    return Reply(
        status,
        json_headers(request_id, headers, content_type),
        dump_json(body),
        REASONS.get(status),
    )


@dataclass(frozen=True)
class Template:
    """A reply rendered once; :meth:`reply` fills in a fresh request id each time."""

    status: int
    headers: tuple[tuple[str, tuple[str, ...]], ...]  # values split where the id goes
    body: tuple[bytes, ...]  # the body split where the id goes

    @classmethod
    def render(
        cls,
        status: int,
        body: Any,
        *,
        headers: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
        with_request_id: bool = True,
        content_type: str | None = JSON_CONTENT_TYPE,
    ) -> Template:
        """Render ``body``, which may hold :data:`PLACEHOLDER` where the request id belongs;
        ``with_request_id`` adds the ``SC-Request-Id`` header."""
        raw = json_headers(PLACEHOLDER if with_request_id else None, headers, content_type)
        return cls(
            status,
            tuple((k, tuple(v.split(PLACEHOLDER))) for k, v in raw),
            tuple(dump_json(body).split(PLACEHOLDER.encode("ascii"))),
        )

    def reply(self, request_id: str | None = None) -> Reply:
        """The reply, with ``request_id`` (a fresh one by default) wherever it belongs."""
        rid = new_request_id() if request_id is None else request_id
        return Reply(
            self.status,
            [(k, v[0] if len(v) == 1 else rid.join(v)) for k, v in self.headers],
            self.body[0] if len(self.body) == 1 else rid.encode("utf-8").join(self.body),
            REASONS.get(self.status),
        )
