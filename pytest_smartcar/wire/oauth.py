"""The OAuth wire format of the token endpoints: ``{"error", "error_description"}``.

RFC 6749 section 5.2 errors from ``auth.smartcar.com/oauth/token`` (reference
smartcar-errors.md section 3); the token endpoint sends no ``SC-Request-Id``.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from pytest_smartcar.catalog import OAuthErrorSpec
from pytest_smartcar.exchange import Reply
from pytest_smartcar.wire.common import json_reply

__all__ = ["form_value", "oauth_reply"]

#: The form field whose bad value an error's description quotes.
_QUOTED_FIELD = {"invalid_code": "code", "invalid_refresh_token": "refresh_token"}


def oauth_reply(spec: OAuthErrorSpec, value: str | None = None) -> Reply:
    """A token-endpoint error response, the description quoting ``value`` (the bad code)."""
    return json_reply(spec.status, spec.body(value))


def form_value(content: bytes, spec: OAuthErrorSpec) -> str | None:
    """The bad code or refresh token a token request sent, for the error's description."""
    field_name = _QUOTED_FIELD.get(spec.name)
    if field_name is None:
        return None
    try:
        values = parse_qs(content.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    found = values.get(field_name)
    return found[0] if found else None
