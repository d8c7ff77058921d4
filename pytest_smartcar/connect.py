"""Smartcar Connect redirects: the errors, re-authentication and success URLs an app receives.

Connect never answers the app's backend directly: it sends the user's browser to the app's
``redirect_uri`` with the outcome in the query string. Testing a callback handler therefore
means building those URLs exactly as Smartcar does (302 ``Location``, form-encoded values,
``state`` echoed, the app's own query parameters kept). Everything here is pure string work
on the standard library, so the pytest plugin can use it at collection time for free.
"""

from __future__ import annotations

import enum
import io
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, unquote_plus, urlencode, urlsplit

from pytest_smartcar.catalog import (
    CONNECT_ERRORS,
    DEFAULT_VEHICLE_ID,
    ConnectErrorSpec,
    get_connect,
)

__all__ = [
    "CONNECT_ORIGIN",
    "DEFAULT_AUTH_CODE",
    "DEFAULT_STATE",
    "REAUTH_PATH",
    "ConnectError",
    "all_connect_errors",
    "complete_reauth_url",
    "connect_success_redirect",
    "parse_reauth_url",
    "parse_redirect",
    "reauth_error_redirect",
    "reauth_success_redirect",
    "wsgi_environ",
]

#: The ``state`` value of Smartcar's documentation examples.
DEFAULT_STATE = "0facda3319"
#: A fixed authorization code, so tests that assert on it are deterministic.
DEFAULT_AUTH_CODE = "9c4cb4c6-3a40-4fe8-9a6e-2ec8f0a8b8c1"
CONNECT_ORIGIN = "https://connect.smartcar.com"
REAUTH_PATH = "/oauth/reauthenticate"


class _Keep(enum.Enum):
    """Sentinel type: "use the instance's ``state``" (``None`` already means "no state")."""

    KEEP = "keep"


_KEEP = _Keep.KEEP


def _check_redirect_uri(redirect_uri: object, name: str = "redirect_uri") -> str:
    """Reject what Connect itself would refuse to redirect to, naming the bad value."""
    if not isinstance(redirect_uri, str):
        raise TypeError(
            f"{name} must be a string URL like 'https://example.com/home', got {redirect_uri!r}"
        )
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{name} must be an absolute http(s) URL like 'https://example.com/home' "
            f"(test clients accept 'http://testserver/callback'), got {redirect_uri!r}"
        )
    if parts.fragment or redirect_uri.endswith("#"):
        raise ValueError(
            f"{name} must not contain a #fragment (OAuth forbids it), got {redirect_uri!r}"
        )
    return redirect_uri


def _check_value(name: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"query parameter {name}= takes a string (or None to drop it), got {value!r}")


def _append_query(redirect_uri: str, params: list[tuple[str, str]]) -> str:
    """``redirect_uri`` with ``params`` appended; its own parameters are kept byte for byte,
    except those whose name Smartcar sets (Smartcar's value must be the one the app reads)."""
    base, _, existing = redirect_uri.partition("?")
    ours = {name for name, _ in params}
    kept = [
        piece
        for piece in existing.split("&")
        if piece and unquote_plus(piece.partition("=")[0]) not in ours
    ]
    query = "&".join([*kept, urlencode(params)]) if params else "&".join(kept)
    return f"{base}?{query}" if query else base


def _with_state(params: list[tuple[str, str]], state: str | None) -> list[tuple[str, str]]:
    checked = _check_value("state", state)
    return [*params, ("state", checked)] if checked is not None else params


class ConnectError:
    """One Connect error as the app's redirect URI receives it.

    ``query`` holds every parameter Connect sends: ``error``, ``error_description``, the
    error's extra parameters (``vin``/``make``/``model``/``year`` for vehicle_incompatible,
    ``status_code``/``error_message`` for configuration_error, ``vehicle_id`` for
    battery_capacity_no_selection) with the catalog's examples, then ``state`` unless it is
    ``None``. ``params`` replaces or adds parameters; a value of ``None`` drops one (the
    vehicle_incompatible parameters are optional: the user may decline to share them).
    """

    __slots__ = ("_params", "code", "spec", "state")

    code: str
    spec: ConnectErrorSpec
    state: str | None
    _params: tuple[tuple[str, str], ...]

    def __init__(
        self,
        spec: ConnectErrorSpec | str,
        *,
        state: str | None = DEFAULT_STATE,
        params: Mapping[str, str | None] | None = None,
    ) -> None:
        if isinstance(spec, str):
            spec = get_connect(spec)
        elif not isinstance(spec, ConnectErrorSpec):
            raise TypeError(
                "ConnectError takes a ConnectErrorSpec or a Connect error code like "
                f"'access_denied', got {spec!r}"
            )
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(f"params= takes a mapping of query parameters, got {params!r}")
        self.spec = spec
        self.code = spec.code
        self.state = _check_value("state", state)
        values: dict[str, str | None] = {
            "error": spec.code,
            "error_description": spec.description,
        }
        for param in spec.params:
            # The simulated-mode VIN is the one that really triggers the error in Connect.
            example = spec.test_vin if param.name == "vin" and spec.test_vin else param.example
            values[param.name] = example
        for name, value in (params or {}).items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"params= keys are parameter names, got {name!r}")
            values[name] = _check_value(name, value)
        self._params = tuple((k, v) for k, v in values.items() if v is not None)

    @property
    def error_description(self) -> str:
        """The ``error_description`` Connect sends (``spec.description`` unless overridden)."""
        return dict(self._params).get("error_description", "")

    @property
    def query(self) -> dict[str, str]:
        """Every query parameter of the redirect, ``state`` included when not ``None``."""
        return dict(_with_state(list(self._params), self.state))

    def _state(self, state: str | _Keep | None) -> str | None:
        return self.state if state is _KEEP else state

    def redirect_url(
        self,
        redirect_uri: str,
        *,
        state: str | _Keep | None = _KEEP,
        **extra: str | None,
    ) -> str:
        """The URL Connect 302s the browser to: ``redirect_uri`` plus the error parameters.

        Values are form-encoded (``+`` for spaces) as Smartcar sends them; the redirect
        URI's own query parameters are kept. ``extra`` adds or replaces parameters
        (``None`` drops one); ``state`` overrides the instance's.
        """
        _check_redirect_uri(redirect_uri)
        values = dict(self._params)
        for name, value in extra.items():
            checked = _check_value(name, value)
            if checked is None:
                values.pop(name, None)
            else:
                values[name] = checked
        return _append_query(redirect_uri, _with_state(list(values.items()), self._state(state)))

    def location_header(
        self,
        redirect_uri: str,
        *,
        state: str | _Keep | None = _KEEP,
        **extra: str | None,
    ) -> dict[str, str]:
        """``{"Location": url}``: the header of Connect's ``302 Found``."""
        return {"Location": self.redirect_url(redirect_uri, state=state, **extra)}

    def wsgi_environ(
        self,
        redirect_uri: str,
        *,
        state: str | _Keep | None = _KEEP,
        **extra: str | None,
    ) -> dict[str, Any]:
        """A WSGI environ for the browser's ``GET`` of the redirect, to call an app directly."""
        return wsgi_environ(self.redirect_url(redirect_uri, state=state, **extra))

    def __repr__(self) -> str:
        return f"<ConnectError {self.code} state={self.state!r}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConnectError):
            return NotImplemented
        return (self.code, self._params, self.state) == (other.code, other._params, other.state)

    def __hash__(self) -> int:
        return hash((self.code, self._params, self.state))


def all_connect_errors(*, state: str | None = DEFAULT_STATE) -> tuple[ConnectError, ...]:
    """One ``ConnectError`` per catalog Connect error, in catalog order."""
    return tuple(ConnectError(spec, state=state) for spec in CONNECT_ERRORS)


def parse_redirect(url: str) -> dict[str, str]:
    """The query parameters of a redirect URL, decoded; a repeated name is a ``ValueError``
    (an app reading the first or the last value would silently disagree)."""
    if not isinstance(url, str):
        raise TypeError(f"parse_redirect() takes a URL string, got {url!r}")
    out: dict[str, str] = {}
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name in out:
            raise ValueError(f"query parameter {name!r} appears more than once in {url!r}")
        out[name] = value
    return out


def connect_success_redirect(
    redirect_uri: str,
    *,
    code: str = DEFAULT_AUTH_CODE,
    state: str | None = None,
) -> str:
    """The redirect after the user granted access: ``code`` (valid 10 minutes) and ``state``."""
    _check_redirect_uri(redirect_uri)
    checked = _check_value("code", code)
    if not checked:
        raise ValueError(f"code= must be a non-empty authorization code, got {code!r}")
    return _append_query(redirect_uri, _with_state([("code", checked)], state))


# --- Re-authentication (CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED) -----------------


def _check_reauth(url: object, *, name: str) -> dict[str, str]:
    """Validate a Smartcar re-authentication URL and return its query parameters."""
    if not isinstance(url, str):
        raise TypeError(f"{name} must be the resolution.url string of the error body, got {url!r}")
    if "{" in url or "}" in url:
        raise ValueError(
            f"{name} still has an unfilled placeholder ({url!r}): pass the URL from the "
            "error body (resolution.url), not the catalog template"
        )
    parts = urlsplit(url)
    problems = []
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin != CONNECT_ORIGIN:
        problems.append(f"origin is {origin!r}, expected {CONNECT_ORIGIN!r}")
    if parts.path != REAUTH_PATH:
        problems.append(f"path is {parts.path!r}, expected {REAUTH_PATH!r}")
    if parts.fragment:
        problems.append(f"it has a #fragment {parts.fragment!r}")
    try:
        params = parse_redirect(url)
    except ValueError as exc:
        problems.append(str(exc))
        params = {}
    if params.get("response_type") != "vehicle_id":
        problems.append(f"response_type is {params.get('response_type')!r}, expected 'vehicle_id'")
    for required in ("client_id", "vehicle_id"):
        if not params.get(required):
            problems.append(f"{required} is missing")
    if problems:
        raise ValueError(
            f"{name} is not a Smartcar re-authentication URL ({url!r}):\n"
            + "\n".join(f"- {p}" for p in problems)
        )
    return params


def complete_reauth_url(
    resolution_url: str,
    *,
    redirect_uri: str,
    state: str | None = None,
    user: str | None = None,
) -> str:
    """The full re-authentication URL an app sends its user to.

    Smartcar's AUTHENTICATION_FAILED body carries a partial URL in ``resolution.url``
    (``response_type``, ``client_id``, ``vehicle_id``); the app must append
    ``redirect_uri`` and may append ``state`` and ``user``. This is the reference
    completion an app's own code can be compared with.
    """
    params = _check_reauth(resolution_url, name="resolution_url")
    if "redirect_uri" in params:
        raise ValueError(
            "resolution_url already has a redirect_uri: Smartcar sends it without one "
            f"and the app appends its own, got {resolution_url!r}"
        )
    _check_redirect_uri(redirect_uri)
    extra = [("redirect_uri", redirect_uri)]
    extra = _with_state(extra, state)
    checked_user = _check_value("user", user)
    if checked_user is not None:
        extra.append(("user", checked_user))
    separator = "" if resolution_url.endswith(("?", "&")) else "&"
    return f"{resolution_url}{separator}{urlencode(extra)}"


def parse_reauth_url(url: str, *, require_redirect_uri: bool = True) -> dict[str, str]:
    """The parameters of a completed re-authentication URL, validated.

    Use it on the URL an app built: it must point at Connect's ``/oauth/reauthenticate``
    with ``response_type=vehicle_id``, ``client_id``, ``vehicle_id`` and an absolute
    ``redirect_uri`` (documented as required; ``require_redirect_uri=False`` accepts its
    absence, where Connect falls back to the dashboard's default).
    """
    params = _check_reauth(url, name="url")
    if "redirect_uri" in params:
        _check_redirect_uri(params["redirect_uri"], name="the redirect_uri parameter")
    elif require_redirect_uri:
        raise ValueError(f"re-authentication URL has no redirect_uri parameter: {url!r}")
    return params


def reauth_success_redirect(
    redirect_uri: str,
    *,
    vehicle_id: str = DEFAULT_VEHICLE_ID,
    state: str | None = None,
) -> str:
    """The redirect after a successful re-authentication: ``vehicle_id`` and ``state``,
    and no ``code`` (the app's existing tokens work again; no token exchange)."""
    _check_redirect_uri(redirect_uri)
    checked = _check_value("vehicle_id", vehicle_id)
    if not checked:
        raise ValueError(f"vehicle_id= must be a non-empty vehicle id, got {vehicle_id!r}")
    return _append_query(redirect_uri, _with_state([("vehicle_id", checked)], state))


def reauth_error_redirect(redirect_uri: str, *, state: str | None = None) -> str:
    """The redirect when the user declines re-authentication (``access_denied``)."""
    return ConnectError("access_denied", state=state).redirect_url(redirect_uri)


# --- WSGI ----------------------------------------------------------------------------------


def wsgi_environ(url: str, *, method: str = "GET") -> dict[str, Any]:
    """A PEP 3333 environ for a bodiless request to ``url``, to call a WSGI app directly
    (the browser following Connect's redirect, without any web framework's test client)."""
    _check_redirect_uri(url, name="url")
    parts = urlsplit(url)
    scheme = parts.scheme
    port = parts.port or (443 if scheme == "https" else 80)
    path = unquote(parts.path or "/", encoding="latin-1")
    return {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": parts.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
