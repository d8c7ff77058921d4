"""Keep credentials out of everything the plugin prints: messages, reports and tracebacks.

Two layers: by *name* (``Authorization`` headers, ``code=``/``refresh_token=``/
``client_secret=`` values in URLs and forms), and by *value*: every secret a Smartcar
request carried during a test (a bearer token, Basic credentials, form secrets) is
replaced wherever it appears, so a traceback that prints a frame's ``headers`` argument
shows ``[redacted]`` instead of the token. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl

__all__ = [
    "REDACTED",
    "SECRET_NAMES",
    "forget",
    "redact_text",
    "redact_url",
    "remember",
    "remembered",
    "secrets_in",
]

REDACTED = "[redacted]"
#: Query and form fields that carry credentials (OAuth 2.0, Smartcar Connect, V3 IAM).
SECRET_FIELDS = frozenset(
    {"code", "refresh_token", "client_secret", "access_token", "assertion", "password", "token"}
)
_QUERY_SECRET = re.compile(
    r"(?P<key>(?:^|[?&;])(?:" + "|".join(sorted(SECRET_FIELDS)) + r")=)(?P<value>[^&;#\s'\"]*)",
    re.IGNORECASE,
)
_AUTH_VALUE = re.compile(r"\b(?P<scheme>Bearer|Basic)\s+(?P<value>[A-Za-z0-9._~+/=-]{6,})")
#: Shorter strings are not worth hiding (and would blank out ordinary words).
_MIN_SECRET = 6
#: Argument and variable names whose values a report never shows (frames' arguments,
#: ``--showlocals``): the SDKs' and requests' own names for credentials.
SECRET_NAMES = frozenset(
    {
        "access_token",
        "amt",
        "api_key",
        "auth",
        "authorization",
        "client_secret",
        "management_token",
        "password",
        "refresh_token",
        "secret",
        "token",
    }
)
#: Secrets handed to the plugin's own helpers (the webhook AMT) during the current test.
_remembered: set[str] = set()


def remember(secret: object) -> None:
    """Hide ``secret`` in this test's report, wherever it appears."""
    if isinstance(secret, str) and len(secret) >= _MIN_SECRET:
        _remembered.add(secret)


def remembered() -> set[str]:
    return set(_remembered)


def forget() -> None:
    """A new test starts: the last one's secrets are no longer needed."""
    _remembered.clear()


def redact_url(url: str) -> str:
    """``url`` with the values of credential query fields replaced."""
    if "=" not in url:
        return url
    return _QUERY_SECRET.sub(lambda m: m.group("key") + REDACTED, url)


def secrets_in(headers: Iterable[tuple[str, str]], body: bytes = b"") -> set[str]:
    """The credential values a request carries, to be hidden wherever they are printed."""
    found: set[str] = set()
    for name, value in headers:
        lower = name.lower()
        if lower in ("authorization", "proxy-authorization"):
            scheme, _, credential = value.strip().partition(" ")
            credential = credential.strip()
            if credential:
                found.add(credential)
                if scheme.lower() == "basic":
                    found.update(_basic_parts(credential))
        elif lower in ("cookie", "sc-signature"):
            found.add(value)
    if body and b"=" in body[:4096]:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=False)
        except (UnicodeDecodeError, ValueError):
            pairs = []
        found.update(v for k, v in pairs if k.lower() in SECRET_FIELDS)
    return {s for s in found if len(s) >= _MIN_SECRET}


def _basic_parts(credential: str) -> list[str]:
    try:
        decoded = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return []
    _user, _, password = decoded.partition(":")
    return [decoded, password]  # the client id alone is not secret


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret, bearer/basic credential and credential query
    value replaced by ``[redacted]``."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _AUTH_VALUE.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)
    return redact_url(text) if "=" in text else text
