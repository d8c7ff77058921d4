"""The V3 wire format: a JSON:API ``{"errors": [...]}`` body and the headers that come with it.

Each error item is ``{"status": "409", "type", "code", "title", "detail", "links":
{"about"}, "resolution": {"type"}, "suggestedUserMessage"}`` (reference smartcar-v3.md
section 2): ``status`` is a string, there is no ``requestId``, ``statusCode`` or
``docURL``, and ``links``, ``resolution`` and ``suggestedUserMessage`` appear only where
the catalog's :class:`~pytest_smartcar.catalog.V3Facts` say Smartcar sends them. Every
fact the docs do not show is UNCONFIRMED and chosen in the catalog data, so a test can
change it per stub: ``body=`` overrides fields of the error item, ``headers=`` adds,
replaces or (with ``None``) removes headers, ``retry_after=None`` drops ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_smartcar.catalog import ErrorSpec
from pytest_smartcar.exchange import Reply
from pytest_smartcar.wire.common import (
    UNSET,
    ResolutionStyle,
    Template,
    apply_overrides,
    fill_values,
    resolution_value,
    wait_headers,
)

__all__ = [
    "error_body",
    "error_headers",
    "error_item",
    "error_reply",
    "error_template",
    "signal_error",
]

_UNSET: Any = UNSET


def error_item(
    spec: ErrorSpec,
    *,
    app_name: str | None = None,
    vehicle_id: str | None = None,
    client_id: str | None = None,
    resolution_style: ResolutionStyle = "object",
    doc_url_style: str = "current",
    **overrides: Any,
) -> dict[str, Any]:
    """The one error object V3 puts in ``errors`` for ``spec``.

    ``{app_name}``, ``{client_id}`` and ``{vehicle_id}`` in the texts are filled in;
    ``resolution_style`` shapes ``resolution`` as for v2.0 (``object``, ``string``,
    ``null``) where the item carries one; ``doc_url_style`` is a v2.0 option and has no
    effect here. ``overrides`` replace (or add) fields by their JSON name; ``...``
    (Ellipsis) removes one.
    """
    del doc_url_style  # v2.0 only: V3's links.about has a single style
    facts = spec.v3
    fill = fill_values(app_name, client_id, vehicle_id)
    url = spec.resolution_url.format(**fill) if spec.resolution_url else None
    item: dict[str, Any] = {
        "status": str(spec.status),
        "type": spec.type,
        "code": facts.code,
        "title": facts.title,
        "detail": facts.detail,
    }
    if facts.about is not None:
        item["links"] = {"about": facts.about}
    if facts.resolution:
        item["resolution"] = resolution_value(spec.resolution, resolution_style, url)
    if facts.suggested_user_message is not None:
        item["suggestedUserMessage"] = facts.suggested_user_message.format(
            connect_link=url or "", **fill
        )
    return apply_overrides(item, overrides)


def error_body(spec: ErrorSpec, **options: Any) -> dict[str, Any]:
    """The V3 body of ``spec``: ``{"errors": [item]}`` (options as for :func:`error_item`).

    ``request_id`` is accepted for symmetry with v2.0 and ignored: a V3 body carries no
    request id (it travels in the ``SC-Request-Id`` header).
    """
    options.pop("request_id", None)
    return {"errors": [error_item(spec, **options)]}


def signal_error(spec: ErrorSpec, **overrides: Any) -> dict[str, Any]:
    """The ``error`` of a signal that failed inside a 200 ``/signals`` response:
    ``{"type", "code"}`` as the docs show it (third-party mocks add ``title`` and
    ``detail``; ``overrides`` can add them)."""
    return apply_overrides({"type": spec.type, "code": spec.v3.code}, overrides)


def error_headers(
    spec: ErrorSpec,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str | None] | None = None,
) -> dict[str, str | None]:
    """``Retry-After`` where the catalog says V3 sends one (``None`` drops it), then
    ``headers`` (a value of ``None`` removes that header, ``SC-Request-Id`` included)."""
    return wait_headers(spec.v3.retry_after, retry_after, headers)


def error_template(
    spec: ErrorSpec,
    *,
    status: int | None = None,
    retry_after: int | str | None = _UNSET,
    headers: Mapping[str, str | None] | None = None,
    body: Mapping[str, Any] | None = None,
    **item_options: Any,
) -> Template:
    """The V3 response for ``spec`` rendered once, its ``SC-Request-Id`` fresh per reply.

    ``status`` overrides the HTTP status only (the item keeps its own ``status``);
    ``retry_after=None`` drops the header; ``body`` overrides fields of the error item
    by JSON name; other keywords go to :func:`error_item`.
    """
    payload = error_body(spec, **item_options, **dict(body or {}))
    return Template.render(
        status or spec.status,
        payload,
        headers=error_headers(spec, retry_after, headers),
        with_request_id=spec.v3.request_id_header,
    )


def error_reply(spec: ErrorSpec, *, request_id: str | None = None, **options: Any) -> Reply:
    """One V3 response for ``spec`` (see :func:`error_template` for the options)."""
    return error_template(spec, **options).reply(request_id)
