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

from pytest_smartcar.catalog import ErrorSpec
from pytest_smartcar.exchange import Reply
from pytest_smartcar.wire.common import (
    PLACEHOLDER,
    UNSET,
    ResolutionStyle,
    Template,
    apply_overrides,
    fill_values,
    new_request_id,
    resolution_value,
    wait_headers,
)

__all__ = ["DocUrlStyle", "ResolutionStyle", "error_body", "error_reply", "error_template"]

DocUrlStyle = Literal["current", "v2.0"]
_UNSET: Any = UNSET


def legacy_doc_url(spec: ErrorSpec) -> str:
    """The 2021–2022 ``docURL`` style (``.../errors/v2.0/vehicle-state/#asleep``)."""
    if spec.code is None:
        return f"https://smartcar.com/docs/errors/v2.0/other-errors/#{spec.type.lower()}"
    slug = spec.type.lower().replace("_", "-")
    return f"https://smartcar.com/docs/errors/v2.0/{slug}/#{spec.code.lower()}"


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
        "resolution": resolution_value(spec.resolution, resolution_style, url),
    }
    if spec.suggested_user_message is not None:
        body["suggestedUserMessage"] = spec.suggested_user_message.format(
            connect_link=url or "", **fill
        )
    if spec.detail is not None:
        body["detail"] = json.loads(json.dumps(list(spec.detail)))
    return apply_overrides(body, overrides)


def error_headers(
    spec: ErrorSpec,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str | None] | None = None,
) -> dict[str, str | None]:
    """``Retry-After`` where Smartcar sends one (``None`` drops it), then ``headers``."""
    return wait_headers(spec.retry_after, retry_after, headers)


def error_template(
    spec: ErrorSpec,
    *,
    status: int | None = None,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str | None] | None = None,
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
