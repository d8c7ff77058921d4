"""Smartcar's documented errors, loaded once from ``data/catalog.json``.

The catalog is data: one JSON file holds every v2.0 API error, Connect error,
legacy v1.0 error and OAuth token error, each with the source of its facts, and for
each API error what API V3 sends for it (:class:`V3Facts`), plus the errors only V3
sends. This module turns it into frozen dataclasses and offers lookup (``get``) and
filtering (``select``). It imports nothing beyond the standard library, so the
pytest plugin can use it at collection time for free.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from pytest_smartcar._suggest import close_matches

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIS",
    "API_ERRORS",
    "CATALOG_VERSION",
    "CONNECT_ERRORS",
    "IAM_ERRORS",
    "LEGACY_ERRORS",
    "OAUTH_ERRORS",
    "REFUSALS",
    "RESOLUTION_TYPES",
    "V3_ERRORS",
    "V3_ONLY_ERRORS",
    "ConnectErrorSpec",
    "ErrorSpec",
    "LegacyErrorSpec",
    "OAuthErrorSpec",
    "Refusal",
    "UnknownSmartcarError",
    "V3Facts",
    "get",
    "select",
]

#: Values Smartcar sends in ``resolution.type`` (two beyond the three the overview documents).
RESOLUTION_TYPES = (
    "RETRY_LATER",
    "REAUTHENTICATE",
    "CONTACT_SUPPORT",
    "ACTION_REQUIRED",
    "FINANCE",
)

#: The API versions an error can be sent by (``ErrorSpec.apis``), and ``select(api=)``'s "any".
APIS = ("v2.0", "v3")

#: Defaults used to fill the placeholders of catalog texts and URLs.
DEFAULT_APP_NAME = "Example App"
DEFAULT_CLIENT_ID = "8229df9f-91a0-4ff0-a1ae-a1f38ee24d07"
DEFAULT_VEHICLE_ID = "sc4a1b01e5-0497-417c-a30e-6df6ba33ba46"


class UnknownSmartcarError(KeyError):
    """A key that names no catalog error; the message lists the closest keys."""

    def __init__(
        self, key: object, suggestions: Iterable[str] = (), *, hint: str | None = None
    ) -> None:
        self.key = key
        self.suggestions = tuple(suggestions)
        self.hint = hint
        super().__init__(key)

    def __str__(self) -> str:
        if self.hint:
            return f"unknown Smartcar error {self.key!r}: {self.hint}"
        hint = (
            "did you mean " + " or ".join(self.suggestions) + "?"
            if self.suggestions
            else "see pytest_smartcar.catalog.API_ERRORS for the known keys"
        )
        return f"unknown Smartcar error {self.key!r}: {hint}"


@dataclass(frozen=True)
class V3Facts:
    """What API V3 sends for one catalog error: its JSON:API error object and headers.

    The item is ``{"status": str(spec.status), "type": spec.type, "code", "title",
    "detail", "links": {"about"}, "resolution": {"type": spec.resolution[, "url"]},
    "suggestedUserMessage"}``: ``about`` of ``None`` leaves ``links`` out,
    ``resolution=False`` leaves ``resolution`` out, ``suggested_user_message`` of
    ``None`` leaves it out. Texts hold the same ``{app_name}``-style placeholders as the
    v2.0 ones. ``notes`` says what is UNCONFIRMED (most V3 bodies are not published).
    """

    code: str | None
    title: str
    detail: str
    about: str | None
    resolution: bool
    suggested_user_message: str | None
    request_id_header: bool
    retry_after: int | None
    source: str
    notes: str | None


@dataclass(frozen=True)
class ErrorSpec:
    """One documented API error: what Smartcar sends and where the facts come from.

    The top-level fields are the v2.0 body; ``v3`` is what API V3 sends for the same
    error. ``apis`` names the API versions that really send it: ``("v2.0", "v3")`` for
    most, ``("v3",)`` for the V3-only errors (whose v2.0 fields repeat the V3 ones),
    ``("v2.0",)`` for ``VALIDATION`` (V3 sends ``VALIDATION:BAD_REQUEST`` instead).
    """

    key: str
    type: str
    code: str | None
    status: int
    summary: str
    description: str
    resolution: str | None
    resolution_url: str | None
    doc_url: str
    suggested_user_message: str | None
    detail: tuple[Any, ...] | None = field(hash=False)
    retry_after: int | None
    test_email: str | None
    test_vin: str | None
    in_overview_table: bool
    source: str
    notes: str | None
    apis: tuple[str, ...]
    v3: V3Facts

    @property
    def v3_key(self) -> str:
        """``TYPE:CODE`` as V3 names it (``AUTHENTICATION:UNAUTHORIZED``); ``get`` finds it."""
        return self.type if self.v3.code is None else f"{self.type}:{self.v3.code}"

    def body(self, api: str = "v2.0", **overrides: Any) -> dict[str, Any]:
        """The JSON body Smartcar sends; ``overrides`` replace fields by their JSON name
        (for ``api="v3"``, fields of the error item inside ``errors``).

        See :func:`pytest_smartcar.responses.error_body` for the options
        (``request_id``, ``app_name``, ``resolution_style``, ``doc_url_style`` ...).
        """
        from pytest_smartcar.responses import error_body

        return error_body(self, api=api, **overrides)

    def response(self, api: str = "v2.0", **options: Any) -> httpx.Response:
        """A complete ``httpx.Response`` for this error in the wire format of ``api``
        (``"v2.0"`` or ``"v3"``; see ``responses.error_response``)."""
        from pytest_smartcar.responses import error_response

        return error_response(self, api=api, **options)

    def __repr__(self) -> str:
        return f"<ErrorSpec {self.key} {self.status}>"


@dataclass(frozen=True)
class ConnectParam:
    """An extra query parameter a Connect error adds to the redirect."""

    name: str
    example: str


@dataclass(frozen=True)
class ConnectErrorSpec:
    """One Smartcar Connect error, as delivered to the app's redirect URI."""

    key: str
    code: str
    name: str
    description: str
    summary: str
    params: tuple[ConnectParam, ...]
    test_email: str | None
    test_vin: str | None
    how_to_trigger: str | None
    source: str
    notes: str | None

    def __repr__(self) -> str:
        return f"<ConnectErrorSpec {self.code}>"


@dataclass(frozen=True)
class LegacyErrorSpec:
    """A v1.0 error (sunset 2023-01-06) that old integrations and SDK fixtures still show."""

    key: str
    error: str
    code: str | None
    status: int
    message: str
    test_email: str | None
    test_vin: str | None
    source: str
    notes: str | None

    def body(self) -> dict[str, Any]:
        """The v1.0 body: ``error``, ``message`` and ``code`` when there is one."""
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.code is not None:
            body["code"] = self.code
        return body


@dataclass(frozen=True)
class OAuthErrorSpec:
    """An error from a token endpoint (``error`` / ``error_description``).

    ``host`` is ``auth`` (``auth.smartcar.com/oauth/token``, keys ``OAUTH:NAME``) or
    ``iam`` (the V3 ``iam.smartcar.com/oauth2/token``, keys ``IAM:NAME``).
    """

    key: str
    name: str
    error: str
    status: int
    error_description: str
    example_value: str | None
    source: str
    notes: str | None
    host: str = "auth"

    def body(self, value: str | None = None) -> dict[str, Any]:
        """The OAuth body, the description filled with ``value`` (the bad code, token...)."""
        filled = value if value is not None else (self.example_value or "")
        return {
            "error": self.error,
            "error_description": self.error_description.format(value=filled),
        }


@dataclass(frozen=True)
class Refusal:
    """What the V3 API answers a request it refuses before any vehicle is asked.

    ``when`` is ``no_authorization`` or ``no_sc_user_id``; ``key`` the catalog error;
    ``detail`` (when set) replaces the error's ``detail``.
    """

    when: str
    key: str
    detail: str | None
    source: str
    notes: str | None


def _api(raw: Mapping[str, Any]) -> ErrorSpec:
    key = raw["type"] if raw["code"] is None else f"{raw['type']}:{raw['code']}"
    detail = raw["detail"]
    return ErrorSpec(
        key=key,
        type=raw["type"],
        code=raw["code"],
        status=raw["status"],
        summary=raw["summary"],
        description=raw["description"],
        resolution=raw["resolution"],
        resolution_url=raw["resolution_url"],
        doc_url=raw["doc_url"],
        suggested_user_message=raw["suggested_user_message"],
        detail=tuple(detail) if detail is not None else None,
        retry_after=raw["retry_after"],
        test_email=raw["test_email"],
        test_vin=raw["test_vin"],
        in_overview_table=raw["in_overview_table"],
        source=raw["source"],
        notes=raw["notes"],
        apis=tuple(raw["apis"]),
        v3=V3Facts(**raw["v3"]),
    )


def _connect(raw: Mapping[str, Any]) -> ConnectErrorSpec:
    return ConnectErrorSpec(
        key=raw["code"],
        code=raw["code"],
        name=raw["name"],
        description=raw["description"],
        summary=raw["summary"],
        params=tuple(ConnectParam(p["name"], p["example"]) for p in raw["params"]),
        test_email=raw["test_email"],
        test_vin=raw["test_vin"],
        how_to_trigger=raw["how_to_trigger"],
        source=raw["source"],
        notes=raw["notes"],
    )


def _legacy(raw: Mapping[str, Any]) -> LegacyErrorSpec:
    suffix = f":{raw['code']}" if raw["code"] else ""
    return LegacyErrorSpec(key=f"V1:{raw['error'].upper()}{suffix}", **raw)


def _oauth(raw: Mapping[str, Any]) -> OAuthErrorSpec:
    prefix = "IAM" if raw["host"] == "iam" else "OAUTH"
    return OAuthErrorSpec(key=f"{prefix}:{raw['name'].upper()}", **raw)


def _load() -> dict[str, Any]:
    text = resources.files("pytest_smartcar").joinpath("data/catalog.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_DATA = _load()
CATALOG_VERSION: str = _DATA["version"]
#: The v2.0 API errors (48), in catalog order; each also knows its V3 form (``spec.v3``).
API_ERRORS: tuple[ErrorSpec, ...] = tuple(_api(e) for e in _DATA["api_errors"])
#: The errors only API V3 sends (``AUTHENTICATION:ACCESS_DENIED``, ``VALIDATION:BAD_REQUEST``).
V3_ONLY_ERRORS: tuple[ErrorSpec, ...] = tuple(_api(e) for e in _DATA["v3_only_errors"])
#: Every error API V3 sends: the v2.0 ones it shares, then the V3-only ones.
V3_ERRORS: tuple[ErrorSpec, ...] = (
    *(s for s in API_ERRORS if "v3" in s.apis),
    *V3_ONLY_ERRORS,
)
_EVERY_API_ERROR: tuple[ErrorSpec, ...] = (*API_ERRORS, *V3_ONLY_ERRORS)
#: What V3 answers requests it refuses (no ``Authorization``, no ``sc-user-id``).
REFUSALS: tuple[Refusal, ...] = tuple(Refusal(**r) for r in _DATA["v3_refusals"])
CONNECT_ERRORS: tuple[ConnectErrorSpec, ...] = tuple(_connect(e) for e in _DATA["connect_errors"])
LEGACY_ERRORS: tuple[LegacyErrorSpec, ...] = tuple(_legacy(e) for e in _DATA["legacy_errors"])
#: Token-endpoint errors of both hosts: ``auth.smartcar.com`` (``OAUTH:NAME``) and V3's
#: ``iam.smartcar.com`` (``IAM:NAME``); ``spec.host`` says which.
OAUTH_ERRORS: tuple[OAuthErrorSpec, ...] = tuple(_oauth(e) for e in _DATA["oauth_errors"])
#: The errors of V3's ``iam.smartcar.com/oauth2/token`` alone.
IAM_ERRORS: tuple[OAuthErrorSpec, ...] = tuple(s for s in OAUTH_ERRORS if s.host == "iam")
del _DATA

AnySpec = ErrorSpec | LegacyErrorSpec | OAuthErrorSpec
_ALL: tuple[AnySpec, ...] = (*API_ERRORS, *V3_ONLY_ERRORS, *LEGACY_ERRORS, *OAUTH_ERRORS)
_BY_KEY: dict[str, AnySpec] = {s.key: s for s in _ALL}
#: V3's own names for errors whose v2.0 code is null (``AUTHENTICATION:UNAUTHORIZED``).
_ALIASES: dict[str, AnySpec] = {s.v3_key: s for s in _EVERY_API_ERROR if s.v3_key not in _BY_KEY}
_CONNECT_BY_CODE: dict[str, ConnectErrorSpec] = {s.code: s for s in CONNECT_ERRORS}


def normalize_key(key: str) -> str:
    """Upper-case a key and drop spaces; ``TYPE:`` (empty code) is the same as ``TYPE``."""
    return key.strip().upper().rstrip(":")


def get(key: str) -> ErrorSpec:
    """The API error named ``TYPE:CODE`` or ``TYPE`` (case-insensitive), v2.0 or V3;
    V3's names for null-code errors (``AUTHENTICATION:UNAUTHORIZED``) find them too.

    Raises ``UnknownSmartcarError`` (a ``KeyError``) naming the closest keys.
    """
    spec = lookup(key)
    if not isinstance(spec, ErrorSpec):
        raise UnknownSmartcarError(
            key, [], hint=f"{spec.key} is not an API error; catalog.lookup() finds it"
        )
    return spec


def lookup(key: str) -> AnySpec:
    """Any servable catalog error: API keys, ``OAUTH:NAME``, ``IAM:NAME`` and
    ``V1:ERROR[:CODE]`` keys."""
    if not isinstance(key, str):
        raise TypeError(
            f"a Smartcar error key must be a string like 'VEHICLE_STATE:ASLEEP', got {key!r}"
        )
    norm = normalize_key(key)
    spec = _BY_KEY.get(norm) or _ALIASES.get(norm)
    if spec is None:
        raise UnknownSmartcarError(key, close_matches(norm, list(_BY_KEY)))
    return spec


def get_connect(code: str) -> ConnectErrorSpec:
    """The Connect error with this ``error`` code (case-insensitive)."""
    if not isinstance(code, str):
        raise TypeError(f"a Connect error code must be a string like 'access_denied', got {code!r}")
    spec = _CONNECT_BY_CODE.get(code.strip().lower())
    if spec is None:
        raise UnknownSmartcarError(
            code, close_matches(code.strip().lower(), list(_CONNECT_BY_CODE))
        )
    return spec


def _as_set(name: str, value: object, kind: type) -> set[Any] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, (str, int)) else value
    if not isinstance(values, Iterable) or isinstance(values, (bytes, Mapping)):
        raise TypeError(f"{name}= takes {_a(kind)} or a list of them, got {value!r}")
    out: set[Any] = set()
    for item in values:
        if not isinstance(item, kind) or isinstance(item, bool):
            raise TypeError(f"{name}= takes {_a(kind)} or a list of them, got {item!r}")
        out.add(item.upper() if isinstance(item, str) else item)
    return out


def _a(kind: type) -> str:
    return {"int": "an int", "str": "a string"}.get(kind.__name__, f"a {kind.__name__}")


def _check_known(name: str, wanted: set[Any] | None, known: Iterable[Any]) -> None:
    if wanted is None:
        return
    known_set = set(known)
    for value in sorted(wanted - known_set, key=str):
        suggestions = close_matches(str(value), [str(k) for k in sorted(known_set, key=str)])
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        choices = ", ".join(str(k) for k in sorted(known_set, key=str))
        raise ValueError(f"{name}={value!r} matches no Smartcar error{hint} (known: {choices})")


def select(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    api: str = "v2.0",
) -> tuple[ErrorSpec, ...]:
    """API errors matching every filter, in catalog order.

    ``patterns`` are keys or globs (``VEHICLE_STATE:*``, ``*:RATE_LIMIT``); no pattern
    means all. ``resolution="NONE"`` selects errors without a resolution. ``exclude``
    takes keys or globs to drop. ``api`` says whose errors globs and filters range over:
    ``"v2.0"`` (the 48 v2.0 errors), ``"v3"`` (every error V3 sends, V3-only ones
    included) or ``"any"``; a key named exactly is selected whatever ``api`` says. A
    filter value that exists nowhere raises ``ValueError`` (with close matches); a filter
    combination that matches nothing returns ``()``.
    """
    if api not in (*APIS, "any"):
        raise ValueError(f"api= is 'v2.0', 'v3' or 'any', got {api!r}")
    pats = [_pattern(p) for p in patterns]
    if exclude is not None and not isinstance(exclude, (str, Iterable)):
        raise TypeError(f"exclude= takes a key, a glob or a list of them, got {exclude!r}")
    excl = [_pattern(p) for p in ([exclude] if isinstance(exclude, str) else exclude or [])]
    types = _as_set("type", type, str)
    statuses = _as_set("status", status, int)
    resolutions = _as_set("resolution", resolution, str)
    _check_known("type", types, (s.type for s in _EVERY_API_ERROR))
    _check_known("status", statuses, (s.status for s in _EVERY_API_ERROR))
    _check_known("resolution", resolutions, (*RESOLUTION_TYPES, "NONE"))
    exact = {p for p in pats if not _is_glob(p)}
    return tuple(
        spec
        for spec in _EVERY_API_ERROR
        if (api == "any" or api in spec.apis or spec.key in exact)
        and (not pats or any(_matches(spec, p) for p in pats))
        and (types is None or spec.type in types)
        and (statuses is None or spec.status in statuses)
        and (resolutions is None or (spec.resolution or "NONE") in resolutions)
        and not any(_matches(spec, p) for p in excl)
    )


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _pattern(pattern: object) -> str:
    """A pattern in upper case; an exact key becomes the catalog key it names (V3 names
    of null-code errors included)."""
    if not isinstance(pattern, str):
        raise TypeError(f"error patterns are strings like 'VEHICLE_STATE:*', got {pattern!r}")
    norm = normalize_key(pattern)
    if _is_glob(norm):
        return norm
    spec = _BY_KEY.get(norm) or _ALIASES.get(norm)
    if not isinstance(spec, ErrorSpec):
        raise UnknownSmartcarError(pattern, close_matches(norm, [s.key for s in _EVERY_API_ERROR]))
    return spec.key


def _matches(spec: ErrorSpec, pattern: str) -> bool:
    # ``TYPE:*`` also matches the code-less ``TYPE`` key, since Smartcar's code is null there.
    return fnmatch.fnmatchcase(spec.key, pattern) or (
        spec.code is None and fnmatch.fnmatchcase(spec.key + ":", pattern)
    )
