"""The v2.0 wire format: Smartcar's flat error object and the headers that come with it.

``{"type", "code", "description", "docURL", "statusCode", "requestId", "resolution",
"suggestedUserMessage"?, "detail"?}`` (reference smartcar-errors.md section 2), with
``SC-Request-Id`` equal to ``requestId`` and ``Retry-After`` (seconds) where Smartcar sends
one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pytest_smartcar.catalog import (
    DEFAULT_APP_NAME,
    DEFAULT_CLIENT_ID,
    DEFAULT_VEHICLE_ID,
    ErrorSpec,
)
from pytest_smartcar.exchange import Reply
from pytest_smartcar.wire.common import PLACEHOLDER, Template, new_request_id

__all__ = ["DocUrlStyle", "ResolutionStyle", "error_body", "error_reply", "error_template"]

ResolutionStyle = Literal["object", "string", "null"]
DocUrlStyle = Literal["current", "v2.0"]
_UNSET: Any = object()


def fill_values(
    app_name: str | None, client_id: str | None, vehicle_id: str | None
) -> dict[str, str]:
    """The values of ``{app_name}``, ``{client_id}`` and ``{vehicle_id}`` in catalog texts."""
    return {
        "app_name": DEFAULT_APP_NAME if app_name is None else app_name,
        "client_id": DEFAULT_CLIENT_ID if client_id is None else client_id,
        "vehicle_id": DEFAULT_VEHICLE_ID if vehicle_id is None else vehicle_id,
    }


def legacy_doc_url(spec: ErrorSpec) -> str:
    """The 2021–2022 ``docURL`` style (``.../errors/v2.0/vehicle-state/#asleep``)."""
    if spec.code is None:
        return f"https://smartcar.com/docs/errors/v2.0/other-errors/#{spec.type.lower()}"
    slug = spec.type.lower().replace("_", "-")
    return f"https://smartcar.com/docs/errors/v2.0/{slug}/#{spec.code.lower()}"


def resolution_value(spec: ErrorSpec, style: ResolutionStyle, url: str | None) -> Any:
    """``resolution`` as an object (current), a bare string or null (older responses)."""
    if style == "null":
        return None
    if style == "string":
        return spec.resolution
    if style != "object":
        raise ValueError(f"resolution_style must be 'object', 'string' or 'null', got {style!r}")
    resolution: dict[str, Any] = {"type": spec.resolution}
    if url is not None:
        resolution["url"] = url
    return resolution


def error_body(
    spec: ErrorSpec,
    *,
    request_id: str | None = None,
    app_name: str | None = None,
    vehicle_id: str | None = None,
    client_id: str | None = None,
    resolution_style: ResolutionStyle = "object",
    doc_url_style: DocUrlStyle = "current",
    **overrides: Any,
) -> dict[str, Any]:
    """The v2.0 body of ``spec``, as Smartcar sends it.

    ``code`` is present (JSON null) even where Smartcar's code is null; ``requestId`` is a
    fresh UUID4 unless given; ``{app_name}``, ``{client_id}`` and ``{vehicle_id}`` in the
    catalog texts are filled in. ``overrides`` replace (or add) fields by their JSON name;
    an override of ``...`` (Ellipsis) removes the field.
    """
    fill = fill_values(app_name, client_id, vehicle_id)
    url = spec.resolution_url.format(**fill) if spec.resolution_url else None
    if doc_url_style not in ("current", "v2.0"):
        raise ValueError(f"doc_url_style must be 'current' or 'v2.0', got {doc_url_style!r}")
    body: dict[str, Any] = {
        "type": spec.type,
        "code": spec.code,
        "description": spec.description,
        "docURL": spec.doc_url if doc_url_style == "current" else legacy_doc_url(spec),
        "statusCode": spec.status,
        "requestId": new_request_id() if request_id is None else request_id,
        "resolution": resolution_value(spec, resolution_style, url),
    }
    if spec.suggested_user_message is not None:
        body["suggestedUserMessage"] = spec.suggested_user_message.format(
            connect_link=url or "", **fill
        )
    if spec.detail is not None:
        body["detail"] = json.loads(json.dumps(list(spec.detail)))
    for name, value in overrides.items():
        if value is ...:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def error_headers(
    spec: ErrorSpec,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``Retry-After`` where Smartcar sends one (``None`` drops it), then ``headers``."""
    extra: dict[str, str] = {}
    wait = spec.retry_after if retry_after is _UNSET else retry_after
    if wait is not None:
        extra["Retry-After"] = str(wait)
    extra.update(headers or {})
    return extra


def error_template(
    spec: ErrorSpec,
    *,
    status: int | None = None,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str] | None = None,
    body: Mapping[str, Any] | None = None,
    **body_options: Any,
) -> Template:
    """The response for ``spec`` rendered once, its request id filled in per reply.

    ``status`` overrides the HTTP status only (the body keeps ``statusCode``);
    ``retry_after=None`` drops the header; ``body`` overrides fields by JSON name;
    other keywords go to :func:`error_body` (``resolution_style``, ``app_name`` ...).
    """
    payload = error_body(spec, request_id=PLACEHOLDER, **body_options, **dict(body or {}))
    return Template.render(
        status or spec.status, payload, headers=error_headers(spec, retry_after, headers)
    )


def error_reply(spec: ErrorSpec, *, request_id: str | None = None, **options: Any) -> Reply:
    """One response for ``spec`` (see :func:`error_template` for the options)."""
    return error_template(spec, **options).reply(request_id)
