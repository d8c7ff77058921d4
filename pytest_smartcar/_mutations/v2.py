"""v2.0 responses as Smartcar sends them (valid variations), and the v2.0-only operators.

``v2_draft`` builds the flat v2.0 error object through :mod:`pytest_smartcar.wire.v2`;
``batch_draft`` the 200 answer of ``POST /v2.0/vehicles/{id}/batch``. The operators here
break what only v2.0 (and v1.0) bodies carry: ``statusCode``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_smartcar._mutations.draft import (
    JSON_CONTENT_TYPE,
    RETRY_AFTER,
    DetailStyle,
    DocUrlStyle,
    Draft,
    Operator,
    ResolutionStyle,
    edit,
    json_headers,
)
from pytest_smartcar.batch import default_body
from pytest_smartcar.catalog import ErrorSpec
from pytest_smartcar.wire.v2 import error_body

__all__ = ["OPERATORS", "BatchItem", "batch_draft", "v2_draft", "validation_detail"]

#: Statuses a body's ``statusCode`` is changed to (simplest first).
STATUSES = (500, 400, 401, 403, 404, 409, 429, 430, 501, 502, 503, 504, 200)


def v2_draft(
    spec: ErrorSpec,
    *,
    request_id: str,
    app_name: str = "Example App",
    resolution_style: ResolutionStyle = "object",
    suggested: bool = True,
    detail: DetailStyle | list[Any] = "as-is",
    doc_url_style: DocUrlStyle = "current",
    status_first: bool = False,
    content_type: str = JSON_CONTENT_TYPE,
    retry_after: int | None = None,
) -> Draft:
    """A v2.0 error as Smartcar sends it, with the variations Smartcar has shown.

    ``resolution_style`` "string" and "null" are the shapes of older responses;
    ``detail`` "null" is Smartcar's way of sending no detail, a list replaces it;
    ``status_first`` puts ``statusCode`` first and ``requestId`` last (as in the
    MULTIPLE_RECORDS_FOUND example); ``retry_after`` sets the header in seconds.
    """
    overrides: dict[str, Any] = {}
    notes: list[str] = []
    if not suggested and spec.suggested_user_message is not None:
        overrides["suggestedUserMessage"] = ...
        notes.append("no suggestedUserMessage")
    if isinstance(detail, list):
        overrides["detail"] = detail
        notes.append(f"detail with {len(detail)} item(s)")
    elif detail == "null":
        overrides["detail"] = None
        notes.append("detail null")
    elif detail == "absent" and spec.detail is not None:
        overrides["detail"] = ...
        notes.append("detail absent")
    body = error_body(
        spec,
        request_id=request_id,
        app_name=app_name,
        resolution_style=resolution_style,
        doc_url_style=doc_url_style,
        **overrides,
    )
    if resolution_style == "string" and spec.resolution is not None:
        notes.insert(0, "resolution as bare string")
    elif resolution_style != "object":
        notes.insert(0, "resolution null")
    if doc_url_style != "current":
        notes.append("docURL in the 2021 v2.0 style")
    if app_name != "Example App" and "suggestedUserMessage" in body:
        notes.append(f"app name {app_name!r}")
    if status_first:
        body = {"statusCode": body.pop("statusCode"), **body}
        body["requestId"] = body.pop("requestId")
        notes.append("statusCode first")
    headers = json_headers(content_type, request_id)
    if content_type != JSON_CONTENT_TYPE:
        notes.append(f"Content-Type {content_type!r}")
    draft = Draft(status=spec.status, label=spec.key, headers=headers, body=body)
    if retry_after is not None:
        draft = draft.set_header(RETRY_AFTER, str(retry_after))
        if retry_after != spec.retry_after:
            notes.append(f"Retry-After: {retry_after}")
    for text in notes:
        draft = draft.note(text, malformed=False)
    return draft


def validation_detail(names: Sequence[str]) -> list[dict[str, Any]]:
    """A Joi-style VALIDATION ``detail``: one item per field name."""
    return [{"field": [name], "message": f'"{name}" is required'} for name in names]


#: A batch item: its path, and the error it fails with (None: it succeeds).
BatchItem = tuple[str, ErrorSpec | None]


def batch_draft(
    items: Sequence[BatchItem],
    *,
    request_id: str,
    item_request_ids: Sequence[str] = (),
    retry_after_name: str = "Retry-After",
) -> Draft:
    """A 200 batch response; ``items`` pair each path with an error (or None: success).

    Error items carry a v2.0 body and no ``headers``, except 429 items, which carry their
    own Retry-After; success items carry lower-case ``sc-data-age``/``sc-unit-system``.
    """
    responses: list[dict[str, Any]] = []
    described: list[str] = []
    for index, (path, spec) in enumerate(items):
        if spec is None:
            responses.append(
                {
                    "path": path,
                    "body": default_body(path),
                    "code": 200,
                    "headers": {
                        "sc-data-age": "2026-01-01T00:00:00.000Z",
                        "sc-unit-system": "metric",
                    },
                }
            )
            described.append(f"{path} 200")
            continue
        rid = item_request_ids[index] if index < len(item_request_ids) else request_id
        item: dict[str, Any] = {
            "path": path,
            "code": spec.status,
            "body": error_body(spec, request_id=rid),
        }
        if spec.status == 429:
            item["headers"] = {retry_after_name: spec.retry_after or 60}
        responses.append(item)
        described.append(f"{path} {spec.key} {spec.status}")
    return Draft(
        status=200,
        label="batch response: " + "; ".join(described),
        headers=json_headers(JSON_CONTENT_TYPE, request_id),
        body={"responses": responses},
        family="batch",
    )


# --- operators on statusCode ---------------------------------------------------------------


def _flat(draft: Draft) -> dict[str, Any] | None:
    """The body of a flat (v2.0 or v1.0) draft; V3 errors carry ``status`` instead."""
    return None if draft.family == "v3" else draft.live_dict


def _status_choices(draft: Draft) -> list[int]:
    body = _flat(draft)
    if body is None:
        return []
    # Legacy bodies get one too: the Python SDK reads ``statusCode`` from v1.0 bodies.
    return [s for s in STATUSES if s != draft.status and s != body.get("statusCode")]


def _status_differs(draft: Draft, status: int) -> Draft:
    return edit(draft, statusCode=status).note(
        f"statusCode {status} differs from HTTP {draft.status}"
    )


def _status_missing(draft: Draft, _: str) -> Draft:
    return edit(draft, statusCode=...).note("statusCode missing")


OPERATORS: tuple[Operator, ...] = (
    Operator(
        "status_code_differs",
        "the body's statusCode differs from the HTTP status",
        0,
        _status_choices,
        _status_differs,
    ),
    Operator(
        "status_code_missing",
        "statusCode missing",
        0,
        lambda d: ("statusCode",) if "statusCode" in (_flat(d) or {}) else (),
        _status_missing,
    ),
)
