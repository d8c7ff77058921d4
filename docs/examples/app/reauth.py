"""Re-authentication: the link that brings a disconnected car back.

When the owner's login at the car maker stops working, Smartcar answers
``CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED`` with a partial Connect URL in
``resolution.url``; the app appends its ``redirect_uri`` (and a ``state`` it checks on
return). The browser comes back with ``?vehicle_id=...&state=...`` and no ``code``: the
existing tokens work again (see ``app.web``).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from app.errors import SmartcarApiError

CONNECT_HOST = "connect.smartcar.com"
REAUTH_PATH = "/oauth/reauthenticate"


def reauth_url(err: SmartcarApiError, *, redirect_uri: str, state: str) -> str | None:
    """Where to send the user, or ``None`` when ``err`` carries no re-authentication link.

    Only Smartcar's own Connect URL is accepted: an app must never redirect its users to
    a host that a response body names.
    """
    url = err.resolution_url
    if err.resolution != "REAUTHENTICATE" or not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc, parts.path) != ("https", CONNECT_HOST, REAUTH_PATH):
        return None
    separator = "" if url.endswith(("?", "&")) else "&"
    return f"{url}{separator}{urlencode({'redirect_uri': redirect_uri, 'state': state})}"
