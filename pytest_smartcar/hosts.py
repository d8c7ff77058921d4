"""Which hosts are Smartcar's: the one definition the guard, the engine and every transport share.

A Smartcar host is ``smartcar.com`` or any host under it, whatever the scheme, port, case
or trailing dot, plus the origins named by the ``SMARTCAR_*_ORIGIN`` variables the
official SDKs read (an override names one host *and port*: ``http://localhost:8080`` makes
that port Smartcar's, not all of localhost). Each known host has a *kind* that says which
part of the endpoint table it serves (``api``, ``v3``, ``auth``, ``iam`` ...); a Smartcar
host without a kind (``connect.smartcar.com``, ``foo.smartcar.com``) is still guarded and
still servable with ``endpoint="*"``. Standard library only: the guard loads this at
start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

__all__ = [
    "ENV_ORIGINS",
    "HostMap",
    "Origin",
    "host_map",
    "is_smartcar_host",
    "normalize_host",
]

DOMAIN = "smartcar.com"

#: Smartcar's own hosts and the part of the endpoint table each serves. The v2.0
#: management endpoints answer on api.smartcar.com too (reference section 7).
_DEFAULT_ORIGINS: dict[str, tuple[str, ...]] = {
    "api": ("https://api.smartcar.com",),
    "v3": ("https://vehicle.api.smartcar.com",),
    "auth": ("https://auth.smartcar.com",),
    "iam": ("https://iam.smartcar.com",),
    "management": ("https://management.smartcar.com", "https://api.smartcar.com"),
    "management.v3": ("https://management.api.smartcar.com",),
}

#: The variables the official SDKs read (Python, Node, Java, Ruby; smartcar-v3.md section 5),
#: and the kind of host each one moves. ``SMARTCAR_AUTH_ORIGIN`` is a full URL ending in
#: the token path. The management and IAM variables are not read by any SDK we found;
#: they follow the same naming so a V3 client can be pointed elsewhere alike.
ENV_ORIGINS: dict[str, str] = {
    "SMARTCAR_API_ORIGIN": "api",
    "SMARTCAR_API_V3_ORIGIN": "v3",
    "SMARTCAR_VEHICLE_API_V3_ORIGIN": "v3",
    "SMARTCAR_VEHICLE_API_ORIGIN": "v3",
    "SMARTCAR_AUTH_ORIGIN": "auth",
    "SMARTCAR_IAM_ORIGIN": "iam",
    "SMARTCAR_MANAGEMENT_API_ORIGIN": "management",
    "SMARTCAR_MANAGEMENT_API_V3_ORIGIN": "management.v3",
}
_TOKEN_PATHS = {"auth": "/oauth/token", "iam": "/oauth2/token"}


def normalize_host(host: str) -> str:
    """``API.Smartcar.com.`` and ``api.smartcar.com`` are the same host."""
    return host.lower().rstrip(".")


def is_smartcar_host(host: str) -> bool:
    """True for ``smartcar.com`` and every host under it (already normalised or not)."""
    name = normalize_host(host)
    return name == DOMAIN or name.endswith("." + DOMAIN)


def default_port(scheme: str) -> int:
    return 80 if scheme.lower() in ("http", "ws") else 443


@dataclass(frozen=True)
class Origin:
    """A host (and, for overrides, a port) Smartcar serves on, and the base path to strip."""

    kind: str
    host: str
    port: int | None  # None: any port (Smartcar's own hosts)
    base: str


def _origin(kind: str, url: str, *, any_port: bool) -> Origin:
    parts = urlsplit(url if "//" in url else f"https://{url}")
    scheme = parts.scheme or "https"
    base = parts.path.rstrip("/")
    token_path = _TOKEN_PATHS.get(kind)
    if token_path and base.endswith(token_path):
        base = base[: -len(token_path)]
    port = None if any_port else (parts.port or default_port(scheme))
    return Origin(kind, normalize_host(parts.hostname or ""), port, base)


class HostMap:
    """Smartcar's hosts plus the overrides of one environment."""

    def __init__(self, overrides: Mapping[str, str]) -> None:
        own = [
            _origin(kind, url, any_port=True)
            for kind, urls in _DEFAULT_ORIGINS.items()
            for url in urls
        ]
        extra = [
            _origin(ENV_ORIGINS[var], url, any_port=False)
            for var, url in overrides.items()
            if url and var in ENV_ORIGINS
        ]
        self.origins: tuple[Origin, ...] = tuple(extra + own)
        self._extra = {(o.host, o.port) for o in extra}

    def is_smartcar(self, scheme: str, host: str, port: int | None) -> bool:
        """Whether a request to this URL is a Smartcar request the guard must answer."""
        name = normalize_host(host)
        if name == DOMAIN or name.endswith("." + DOMAIN):
            return True
        return bool(self._extra) and (name, port or default_port(scheme)) in self._extra

    def origins_for(self, scheme: str, host: str, port: int | None) -> list[Origin]:
        """The origins a Smartcar URL belongs to, most specific first (may be empty)."""
        name = normalize_host(host)
        port = port or default_port(scheme)
        return [o for o in self.origins if o.host == name and o.port in (None, port)]


def host_map(environ: Mapping[str, str] | None = None) -> HostMap:
    """The ``HostMap`` of ``environ`` (default ``os.environ``), read at every request so a
    test that sets an override with ``monkeypatch.setenv`` is guarded at once; built once
    per distinct set of values."""
    env = os.environ if environ is None else environ
    return _host_map(tuple(env.get(var) or "" for var in ENV_ORIGINS))


@lru_cache(maxsize=32)
def _host_map(values: tuple[str, ...]) -> HostMap:
    return HostMap(dict(zip(ENV_ORIGINS, values, strict=False)))
