"""Legacy v1.0 and OAuth token-endpoint errors as Smartcar sends them.

Both carry ``error`` (a string) where v2.0 has ``type``; the field operators of
:mod:`pytest_smartcar._mutations.fields` break them like any other body.
"""

from __future__ import annotations

from pytest_smartcar._mutations.draft import JSON_CONTENT_TYPE, Draft, json_headers
from pytest_smartcar.catalog import LegacyErrorSpec, OAuthErrorSpec

__all__ = ["oauth_draft", "v1_draft"]


def v1_draft(
    spec: LegacyErrorSpec,
    *,
    request_id: str | None,
    content_type: str = JSON_CONTENT_TYPE,
) -> Draft:
    """A legacy v1.0 error (``error``, ``message``, ``code``); the request id is a header."""
    note = () if content_type == JSON_CONTENT_TYPE else (f"Content-Type {content_type!r}",)
    return Draft(
        status=spec.status,
        label=f"legacy v1.0 {spec.key}",
        headers=json_headers(content_type, request_id),
        body=spec.body(),
        notes=note,
        family="v1",
    )


def oauth_draft(spec: OAuthErrorSpec, *, value: str | None = None) -> Draft:
    """A token-endpoint error (``error``, ``error_description``), as auth.smartcar.com sends."""
    return Draft(
        status=spec.status,
        label=f"OAuth {spec.key}",
        headers=json_headers(JSON_CONTENT_TYPE, None),
        body=spec.body(value),
        family="oauth",
    )
