"""Catalog entries as ``httpx.Response`` objects, for tests that build responses by hand.

A thin face over :mod:`pytest_smartcar.wire`, which renders the bodies; ``httpx`` is
imported on first use only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_smartcar.catalog import ErrorSpec, LegacyErrorSpec, OAuthErrorSpec
from pytest_smartcar.exchange import Reply
from pytest_smartcar.wire import v2, v3
from pytest_smartcar.wire.common import JSON_CONTENT_TYPE, REASONS, json_reply, new_request_id
from pytest_smartcar.wire.gateway import GATEWAY_PAGES, gateway_reply
from pytest_smartcar.wire.legacy import legacy_reply
from pytest_smartcar.wire.oauth import oauth_reply
from pytest_smartcar.wire.v2 import DocUrlStyle, ResolutionStyle, legacy_doc_url

if TYPE_CHECKING:
    import httpx

__all__ = [
    "GATEWAY_PAGES",
    "JSON_CONTENT_TYPE",
    "REASONS",
    "DocUrlStyle",
    "ResolutionStyle",
    "error_body",
    "error_response",
    "gateway_response",
    "json_response",
    "legacy_doc_url",
    "legacy_response",
    "new_request_id",
    "oauth_response",
]


def json_response(
    status: int,
    body: Any,
    *,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    content_type: str | None = JSON_CONTENT_TYPE,
) -> httpx.Response:
    """An ``httpx.Response`` carrying ``body`` as JSON with Smartcar's headers."""
    reply = json_reply(
        status, body, request_id=request_id, headers=headers, content_type=content_type
    )
    return reply.to_httpx()


def _wire(api: str) -> Any:
    if api == "v2.0":
        return v2
    if api == "v3":
        return v3
    raise ValueError(f"api= is 'v2.0' or 'v3', got {api!r}")


def error_body(spec: ErrorSpec, *, api: str = "v2.0", **overrides: Any) -> dict[str, Any]:
    """The JSON body of ``spec`` as the ``api`` version sends it (see
    :func:`pytest_smartcar.wire.v2.error_body` and :func:`pytest_smartcar.wire.v3.error_body`
    for the options; for V3, ``overrides`` replace fields of the error item)."""
    body: dict[str, Any] = _wire(api).error_body(spec, **overrides)
    return body


def error_response(spec: ErrorSpec, *, api: str = "v2.0", **options: Any) -> httpx.Response:
    """A complete response for ``spec`` in the wire format of ``api`` (``"v2.0"`` or
    ``"v3"``; see :func:`pytest_smartcar.wire.v2.error_template` for the options:
    ``status``, ``retry_after``, ``headers``, ``body``, ``request_id`` ...)."""
    reply: Reply = _wire(api).error_reply(spec, **options)
    return reply.to_httpx()


def legacy_response(spec: LegacyErrorSpec, *, request_id: str | None = None) -> httpx.Response:
    """A v1.0 error response (``error``, ``message``, ``code``)."""
    return legacy_reply(spec, request_id=request_id).to_httpx()


def oauth_response(spec: OAuthErrorSpec, value: str | None = None) -> httpx.Response:
    """A token-endpoint error response (``error``, ``error_description``)."""
    return oauth_reply(spec, value).to_httpx()


def gateway_response(status: int = 502) -> httpx.Response:
    """The HTML page a load balancer returns instead of Smartcar's JSON."""
    return gateway_reply(status).to_httpx()
