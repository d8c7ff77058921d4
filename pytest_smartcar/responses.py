"""Turn catalog entries into the HTTP responses Smartcar (or a gateway in front of it) sends.

Bodies are plain dicts built from the catalog data; responses are ``httpx.Response``
objects (the requests bridge converts them). ``httpx`` is imported on first use only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pytest_smartcar.catalog import (
    DEFAULT_APP_NAME,
    DEFAULT_CLIENT_ID,
    DEFAULT_VEHICLE_ID,
    ErrorSpec,
    LegacyErrorSpec,
    OAuthErrorSpec,
)

if TYPE_CHECKING:
    import httpx

ResolutionStyle = Literal["object", "string", "null"]
DocUrlStyle = Literal["current", "v2.0"]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_UNSET: Any = object()

#: Reason phrases for statuses the HTTP registry lacks (430 is Smartcar's billing status).
REASONS = {430: "Billing Limit Reached"}


def new_request_id() -> str:
    """A fresh 36-character request id, as Smartcar sends in ``SC-Request-Id``."""
    return str(uuid.uuid4())


def legacy_doc_url(spec: ErrorSpec) -> str:
    """The 2021–2022 ``docURL`` style (``.../errors/v2.0/vehicle-state/#asleep``)."""
    if spec.code is None:
        return f"https://smartcar.com/docs/errors/v2.0/other-errors/#{spec.type.lower()}"
    slug = spec.type.lower().replace("_", "-")
    return f"https://smartcar.com/docs/errors/v2.0/{slug}/#{spec.code.lower()}"


def _resolution(spec: ErrorSpec, style: ResolutionStyle, url: str | None) -> Any:
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
    fill = {
        "app_name": DEFAULT_APP_NAME if app_name is None else app_name,
        "client_id": DEFAULT_CLIENT_ID if client_id is None else client_id,
        "vehicle_id": DEFAULT_VEHICLE_ID if vehicle_id is None else vehicle_id,
    }
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
        "resolution": _resolution(spec, resolution_style, url),
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


def json_response(
    status: int,
    body: Any,
    *,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    content_type: str | None = JSON_CONTENT_TYPE,
) -> httpx.Response:
    """An ``httpx.Response`` carrying ``body`` as JSON with Smartcar's headers."""
    import httpx

    out: dict[str, str] = {}
    if content_type is not None:
        out["Content-Type"] = content_type
    if request_id is not None:
        out["SC-Request-Id"] = request_id
    out.update(headers or {})
    try:
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only the escaped form is valid UTF-8
        content = json.dumps(body).encode("ascii")
    return httpx.Response(status, headers=out, content=content, extensions=_reason(status))


def _reason(status: int) -> dict[str, Any]:
    reason = REASONS.get(status)
    return {"reason_phrase": reason.encode("ascii")} if reason else {}


def error_response(
    spec: ErrorSpec,
    *,
    status: int | None = None,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str] | None = None,
    body: Mapping[str, Any] | None = None,
    request_id: str | None = None,
    **body_options: Any,
) -> httpx.Response:
    """A complete response for ``spec``: JSON body, ``SC-Request-Id`` equal to the body's
    ``requestId`` and ``Retry-After`` (seconds) where Smartcar sends one.

    ``status`` overrides the HTTP status only (the body keeps ``statusCode``);
    ``retry_after=None`` drops the header; ``body`` overrides fields by JSON name;
    other keywords go to :func:`error_body` (``resolution_style``, ``app_name`` ...).
    """
    rid = new_request_id() if request_id is None else request_id
    payload = error_body(spec, request_id=rid, **body_options, **dict(body or {}))
    extra: dict[str, str] = {}
    wait = spec.retry_after if retry_after is _UNSET else retry_after
    if wait is not None:
        extra["Retry-After"] = str(wait)
    extra.update(headers or {})
    return json_response(status or spec.status, payload, request_id=rid, headers=extra)


def legacy_response(spec: LegacyErrorSpec, *, request_id: str | None = None) -> httpx.Response:
    """A v1.0 error response (``error``, ``message``, ``code``)."""
    return json_response(spec.status, spec.body(), request_id=request_id or new_request_id())


def oauth_response(spec: OAuthErrorSpec, value: str | None = None) -> httpx.Response:
    """A token-endpoint error response (``error``, ``error_description``)."""
    return json_response(spec.status, spec.body(value))


GATEWAY_PAGES = {
    502: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
    504: "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    "<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n",
}


def gateway_response(status: int = 502) -> httpx.Response:
    """The HTML page a load balancer returns instead of Smartcar's JSON."""
    import httpx

    if status not in GATEWAY_PAGES:
        raise ValueError(f"gateway pages exist for 502 and 504, got {status!r}")
    return httpx.Response(
        status,
        headers={"Content-Type": "text/html"},
        content=GATEWAY_PAGES[status].encode("ascii"),
    )
