"""Every documented Smartcar endpoint, with a stable name, and how to recognise a request.

The table is data (reference section 7): name, method, host, path template and, for the
two endpoints that share a path, the ``action`` in the JSON body. Names are what users
pass as ``endpoint=`` (``odometer``, ``lock``, ``charge.start``, ``tesla.charge.ammeter``,
``v3.signals``, ``v3.commands.security.lock``, ``iam.token``, ``token`` ...). The V3
rows and their success bodies live in :mod:`pytest_smartcar.endpoints_v3`. Paths
compile to one regex per host, once.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any

from pytest_smartcar import endpoints_v3 as v3
from pytest_smartcar._suggest import close_matches
from pytest_smartcar.errors import SmartcarUsageError
from pytest_smartcar.hosts import HostMap

__all__ = [
    "ANY",
    "ENDPOINTS",
    "Endpoint",
    "Match",
    "api_of",
    "identify",
    "resolve_endpoints",
    "success",
    "success_body",
]

# (name, method, host, path, action). ``{v}`` is the API version segment (``v2.0``).
_V = "/{v}/vehicles/{vehicle_id}"
_TABLE: tuple[tuple[str, str, str, str, str | None], ...] = (
    # user, vehicles, compatibility (v2.0)
    ("user", "GET", "api", "/{v}/user", None),
    ("vehicles", "GET", "api", "/{v}/vehicles", None),
    ("compatibility", "GET", "api", "/{v}/compatibility", None),
    ("compatibility.matrix", "GET", "api", "/{v}/compatibility/matrix", None),
    # core vehicle endpoints
    ("attributes", "GET", "api", _V, None),
    ("vin", "GET", "api", _V + "/vin", None),
    ("odometer", "GET", "api", _V + "/odometer", None),
    ("location", "GET", "api", _V + "/location", None),
    ("battery", "GET", "api", _V + "/battery", None),
    ("battery.capacity", "GET", "api", _V + "/battery/capacity", None),
    ("battery.nominal_capacity", "GET", "api", _V + "/battery/nominal_capacity", None),
    ("charge", "GET", "api", _V + "/charge", None),
    ("charge.limit", "GET", "api", _V + "/charge/limit", None),
    ("fuel", "GET", "api", _V + "/fuel", None),
    ("tires.pressure", "GET", "api", _V + "/tires/pressure", None),
    ("engine.oil", "GET", "api", _V + "/engine/oil", None),
    ("lock_status", "GET", "api", _V + "/security", None),
    ("permissions", "GET", "api", _V + "/permissions", None),
    ("service.history", "GET", "api", _V + "/service/history", None),
    ("diagnostics.system_status", "GET", "api", _V + "/diagnostics/system_status", None),
    ("diagnostics.dtcs", "GET", "api", _V + "/diagnostics/dtcs", None),
    ("lock", "POST", "api", _V + "/security", "LOCK"),
    ("unlock", "POST", "api", _V + "/security", "UNLOCK"),
    ("charge.start", "POST", "api", _V + "/charge", "START"),
    ("charge.stop", "POST", "api", _V + "/charge", "STOP"),
    ("charge.limit", "POST", "api", _V + "/charge/limit", None),
    ("navigation.destination", "POST", "api", _V + "/navigation/destination", None),
    ("batch", "POST", "api", _V + "/batch", None),
    ("disconnect", "DELETE", "api", _V + "/application", None),
    ("webhooks.subscribe", "POST", "api", _V + "/webhooks/{webhook_id}", None),
    ("webhooks.unsubscribe", "DELETE", "api", _V + "/webhooks/{webhook_id}", None),
    # make-specific endpoints
    ("audi.charge", "GET", "api", _V + "/audi/charge", None),
    ("bmw.charge.records", "GET", "api", _V + "/bmw/charge/records", None),
    ("mini.charge.records", "GET", "api", _V + "/mini/charge/records", None),
    ("cadillac.charge.completion", "GET", "api", _V + "/cadillac/charge/completion", None),
    ("cadillac.charge.voltmeter", "GET", "api", _V + "/cadillac/charge/voltmeter", None),
    ("chevrolet.charge.completion", "GET", "api", _V + "/chevrolet/charge/completion", None),
    ("chevrolet.charge.voltmeter", "GET", "api", _V + "/chevrolet/charge/voltmeter", None),
    *(
        (f"{make}.charge.schedule_by_location", method, "api",
         _V + f"/{make}/charge/schedule_by_location", None)
        for make in ("ford", "lincoln")
        for method in ("GET", "PUT")
    ),
    ("nissan.charge.schedule", "GET", "api", _V + "/nissan/charge/schedule", None),
    ("nissan.charge.schedule", "PUT", "api", _V + "/nissan/charge/schedule", None),
    *(
        (f"tesla.{p.replace('/', '.')}", "GET", "api", _V + f"/tesla/{p}", None)
        for p in (
            "alerts", "attributes", "battery", "charge", "charge/completion", "charge/records",
            "charge/records/billing", "charge/schedule", "charge/voltmeter", "charge/wattmeter",
            "charge/ammeter", "climate/cabin", "climate/defroster", "climate/steering_wheel",
            "compass", "migration", "speedometer", "status", "thermometer/exterior",
            "thermometer/interior", "user/access", "user/info", "virtual_key",
        )
    ),
    *(
        (f"tesla.{p.replace('/', '.')}", "POST", "api", _V + f"/tesla/{p}", None)
        for p in (
            "charge/ammeter", "charge/charge_port_door", "charge/schedule", "climate/cabin",
            "climate/defroster", "climate/steering_wheel", "pin", "security/frunk",
            "security/trunk",
        )
    ),
    ("tesla.pin", "DELETE", "api", _V + "/tesla/pin", None),
    # auth and management
    ("token", "POST", "auth", "/oauth/token", None),
    ("management.connections", "GET", "management", "/{v}/management/connections", None),
    ("management.connections", "DELETE", "management", "/{v}/management/connections", None),
    # API V3: vehicle, management and token endpoints
    *v3.TABLE,
)  # fmt: skip

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Endpoint:
    """One documented endpoint: ``name`` is shared by the GET and POST of one resource.

    ``host`` is the kind of host it answers on (see :mod:`pytest_smartcar.hosts`).
    """

    name: str
    method: str
    host: str
    path: str
    action: str | None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regex, compiled on first use: most runs never need most of them."""
        return _compile(self.path)

    @property
    def api(self) -> str:
        """The API version whose wire format answers it: ``"v3"`` or ``"v2.0"``."""
        return "v3" if self.host in v3.V3_HOSTS else "v2.0"

    @property
    def is_vehicle(self) -> bool:
        """Vehicle endpoints are what an error is served on by default."""
        return "{vehicle_id}" in self.path

    def __str__(self) -> str:
        action = f" {{action: {self.action}}}" if self.action else ""
        return f"{self.name} ({self.method} {self.path}{action})"


def _segment(name: str) -> str:
    return r"v\d+(?:\.\d+)?" if name == "v" else f"(?P<{name}>[^/]+)"


def _compile(path: str) -> re.Pattern[str]:
    # Even parts of the split are literal text, odd parts are ``{param}`` names.
    parts = _PARAM.split(path)
    regex = "".join(re.escape(p) if i % 2 == 0 else _segment(p) for i, p in enumerate(parts))
    return re.compile(regex + "/?")


ENDPOINTS: tuple[Endpoint, ...] = tuple(
    Endpoint(name, method, host, path, action) for name, method, host, path, action in _TABLE
)
NAMES: tuple[str, ...] = tuple(dict.fromkeys(e.name for e in ENDPOINTS))
VEHICLE_ENDPOINTS: frozenset[Endpoint] = frozenset(e for e in ENDPOINTS if e.is_vehicle)


_BY_NAME: dict[str, frozenset[Endpoint]] = {}
for _e in ENDPOINTS:
    _BY_NAME[_e.name] = _BY_NAME.get(_e.name, frozenset()) | {_e}


#: ``endpoint="*"``: every request to a Smartcar host, documented path or not.
ANY = "*"


def resolve_endpoints(spec: str | Iterable[str] | None) -> frozenset[Endpoint] | None:
    """Endpoints named by ``spec``: a name, a glob (``charge.*``) or a list of them.

    ``None`` means every vehicle endpoint; ``"*"`` every Smartcar request, documented or
    not, and resolves to ``None``. Unknown names raise ``SmartcarUsageError`` with close
    matches.
    """
    __tracebackhide__ = True
    if spec is None:
        return VEHICLE_ENDPOINTS
    if spec == ANY or (not isinstance(spec, str) and isinstance(spec, Iterable) and ANY in spec):
        if not isinstance(spec, str) and any(not isinstance(i, str) for i in spec):
            raise SmartcarUsageError(f"endpoint= takes endpoint names or globs, got {spec!r}")
        return None
    if isinstance(spec, str):
        items = [spec]
    elif isinstance(spec, Iterable) and not isinstance(spec, (bytes, Mapping)):
        items = list(spec)
    else:
        items = [spec]  # type: ignore[list-item]  # reported below as not a name
    if not items:
        raise SmartcarUsageError(
            "endpoint= got an empty list; name at least one endpoint, or leave endpoint= out "
            "to serve on every vehicle endpoint"
        )
    chosen: set[Endpoint] = set()
    for item in items:
        if not isinstance(item, str):
            raise SmartcarUsageError(
                f"endpoint= takes endpoint names or globs (like 'odometer' or 'charge.*'), "
                f"got {item!r}"
            )
        exact = _BY_NAME.get(item.lower())
        found = list(exact) if exact else _glob(item.lower())
        if not found:
            hint = close_matches(item, NAMES)
            did = f"; did you mean {' or '.join(hint)}?" if hint else ""
            raise SmartcarUsageError(
                f"endpoint={item!r} names no Smartcar endpoint{did} "
                "(see pytest_smartcar.endpoints.NAMES for the list)"
            )
        chosen.update(found)
    return frozenset(chosen)


def _glob(pattern: str) -> list[Endpoint]:
    return [e for e in ENDPOINTS if fnmatch.fnmatchcase(e.name, pattern)]


def expand_names(spec: str | Iterable[str]) -> list[str]:
    """Endpoint names matched by ``spec`` in table order (for parametrizing)."""
    chosen = resolve_endpoints(spec)
    if chosen is None:
        return [ANY]
    return [n for n in NAMES if any(e.name == n for e in chosen)]


@dataclass(frozen=True)
class Match:
    """A request recognised as a documented endpoint, with its path parameters."""

    endpoint: Endpoint
    params: Mapping[str, str]


def _action(content: bytes) -> str | None:
    try:
        body = json.loads(content or b"null")
    except ValueError:
        return None
    action = body.get("action") if isinstance(body, dict) else None
    return action.upper() if isinstance(action, str) else None


def identify(
    hosts: HostMap, scheme: str, host: str, port: int | None, method: str, path: str, body: bytes
) -> Match | None:
    """The endpoint a Smartcar request is for, or ``None`` for an undocumented path."""
    found = _candidates(hosts, scheme, host, port, method.upper(), path)
    if not found:
        return None
    if found[0].endpoint.action is None and len(found) == 1:
        return found[0]
    action = _action(body)
    for match in found:
        if match.endpoint.action is None or match.endpoint.action == action:
            return match
    return None


@lru_cache(maxsize=2048)
def _candidates(
    hosts: HostMap, scheme: str, host: str, port: int | None, method: str, path: str
) -> tuple[Match, ...]:
    """Every endpoint whose path and method fit, in table order (the body is read only
    where two endpoints share a path and differ by ``action``). Cached: a test suite asks
    about the same few paths again and again."""
    out: list[Match] = []
    for origin in hosts.origins_for(scheme, host, port):
        if origin.base and not path.startswith(origin.base):
            continue
        rel = path[len(origin.base) :] or "/"
        for endpoint in _by_host(origin.kind):
            if endpoint.method != method:
                continue
            m = endpoint.pattern.fullmatch(rel)
            if m is not None:
                out.append(Match(endpoint, m.groupdict()))
        if out:
            break
    return tuple(out)


@cache
def _by_host(kind: str) -> tuple[Endpoint, ...]:
    return tuple(e for e in ENDPOINTS if e.host == kind)


# --- realistic success bodies ----------------------------------------------------------------

_OK_COMMAND = {"status": "success", "message": "Successfully sent request to vehicle"}
_SUCCESS: dict[str, Any] = {
    "user": {"id": "e0514ef4-5226-11e8-8c13-8f6e8f02e27e"},
    "vehicles": {
        "vehicles": ["36ab27d0-fd9d-4455-823a-ce30af709ffc"],
        "paging": {"count": 1, "offset": 0},
    },
    "compatibility": {"compatible": True, "reason": None, "capabilities": []},
    "attributes": {
        "id": "36ab27d0-fd9d-4455-823a-ce30af709ffc",
        "make": "TESLA",
        "model": "Model 3",
        "year": 2019,
    },
    "vin": {"vin": "0SCTLAAAE00000001"},
    "odometer": {"distance": 104.32},
    "location": {"latitude": 37.4292, "longitude": -122.1381},
    "battery": {"percentRemaining": 0.3, "range": 40.5},
    "battery.capacity": {"capacity": 28.0},
    "battery.nominal_capacity": {"availableCapacities": [], "capacity": None, "url": None},
    "charge": {"isPluggedIn": True, "state": "CHARGING"},
    "charge.limit": {"limit": 0.8},
    "fuel": {"amountRemaining": 53.2, "percentRemaining": 0.3, "range": 40.5},
    "tires.pressure": {
        "frontLeft": 219.3,
        "frontRight": 219.3,
        "backLeft": 219.3,
        "backRight": 219.3,
    },
    "engine.oil": {"lifeRemaining": 0.35},
    "lock_status": {
        "isLocked": True,
        "doors": [
            {"type": "frontLeft", "status": "LOCKED"},
            {"type": "frontRight", "status": "LOCKED"},
            {"type": "backLeft", "status": "LOCKED"},
            {"type": "backRight", "status": "LOCKED"},
        ],
        "windows": [
            {"type": "frontLeft", "status": "CLOSED"},
            {"type": "frontRight", "status": "CLOSED"},
        ],
        "sunroof": [{"type": "sunroof", "status": "CLOSED"}],
        "storage": [{"type": "rear", "status": "CLOSED"}, {"type": "front", "status": "CLOSED"}],
        "chargingPort": [{"type": "chargingPort", "status": "CLOSED"}],
    },
    "permissions": {"permissions": ["read_odometer"], "paging": {"count": 1, "offset": 0}},
    "token": {
        "access_token": "88704225-9f6c-4919-93e7-e0cec71317ae",
        "token_type": "Bearer",
        "expires_in": 7200,
        "refresh_token": "60a9e801-6d35-4b5c-b4e2-7e0c6b2a2d4c",
        "refresh_expires_in": 5184000,
    },
    "management.connections": {"connections": [], "paging": {"cursor": None}},
    "webhooks.subscribe": {
        "vehicleId": "36ab27d0-fd9d-4455-823a-ce30af709ffc",
        "webhookId": "c4bd3a6d-1c6a-4ac1-9a8b-2a4b1e8e7b0f",
    },
    "webhooks.unsubscribe": {"status": "success"},
    "disconnect": {"status": "success"},
}


#: Batch sub-request paths and the endpoint whose success body answers them.
BATCH_PATHS: dict[str, str] = {
    "/": "attributes",
    "/vin": "vin",
    "/odometer": "odometer",
    "/location": "location",
    "/battery": "battery",
    "/battery/capacity": "battery.capacity",
    "/charge": "charge",
    "/charge/limit": "charge.limit",
    "/fuel": "fuel",
    "/tires/pressure": "tires.pressure",
    "/engine/oil": "engine.oil",
    "/security": "lock_status",
}


def success_body(endpoint: Endpoint | None) -> Any:
    """A realistic 200 body for ``endpoint`` (commands answer ``{"status": "success"}``)."""
    if endpoint is None:
        return {}
    if endpoint.method == "GET":
        body = _SUCCESS.get(endpoint.name, {})
    else:
        body = _SUCCESS.get(endpoint.name, _OK_COMMAND)
    return json.loads(json.dumps(body))


def api_of(hosts: HostMap, match: Match | None, scheme: str, host: str, port: int | None,
           path: str) -> str:  # fmt: skip
    """The API version a request called, ``"v3"`` or ``"v2.0"``: its endpoint's, or for an
    undocumented path its host's (a V3 host, or a ``/v3/`` path on any Smartcar host)."""
    if match is not None:
        return match.endpoint.api
    if any(o.kind in v3.V3_HOSTS for o in hosts.origins_for(scheme, host, port)):
        return "v3"
    return "v3" if path.startswith("/v3/") else "v2.0"


def success(match: Match | None, content: bytes, status: int | None = None) -> tuple[int, Any]:
    """The HTTP status and realistic body of a success for this request (``status``
    overrides the endpoint's own; a body of ``None`` means no body, as for a 204)."""
    if match is None or match.endpoint.api != "v3":
        return status or 200, success_body(match.endpoint if match else None)
    endpoint = match.endpoint
    code = status or v3.success_status(endpoint.name, endpoint.method)
    return code, v3.success(endpoint.name, endpoint.method, match.params, content, code)
