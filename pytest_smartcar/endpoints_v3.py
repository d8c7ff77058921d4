"""Smartcar API V3's endpoints and their success bodies (reference smartcar-v3.md section 1).

Three hosts: the Vehicle API (``vehicle.api.smartcar.com/v3``: vehicle, signals,
connections, users, one path per command, command executions), the Management API
(``management.api.smartcar.com/v3``: webhooks and subscriptions, both the OpenAPI's
top-level ``/subscriptions`` and the blog's ``/webhooks/{id}/subscriptions``, since which
is live is UNCONFIRMED) and the token endpoint ``iam.smartcar.com/oauth2/token``. Paths
the docs list without showing them are UNCONFIRMED picks, marked below. Success bodies
follow the JSON:API shapes of the docs and the SDK fixtures; :func:`success` builds one
from the request (the command a body names, the signal asked for, a 202 in progress).
Standard library only.
"""

from __future__ import annotations

import copy
import fnmatch
import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "COMMANDS",
    "SIGNALS",
    "SIGNALS_ENDPOINT",
    "TABLE",
    "V3_HOSTS",
    "signal_id",
    "signals_matching",
    "success",
    "success_status",
]

#: Host kinds whose requests are answered in the V3 wire format.
V3_HOSTS = frozenset({"v3", "management.v3", "iam"})
SIGNALS_ENDPOINT = "v3.signals"

_VID = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
_USER = "725146a3-8b9a-4f8e-9a8e-1d3f0f6b2c11"
_WEBHOOK = "c4bd3a6d-1c6a-4ac1-9a8b-2a4b1e8e7b0f"
_SUB = "sub_5f2c3a1b9d"
_CONN = "conn_8d1e4f7a2b"
_V = "/v3/vehicles/{vehicle_id}"
_CMD = _V + "/commands/"

#: Each command: (endpoint name, path under ``commands/``, commandType). security and
#: charge start and set-limit are confirmed; the rest are UNCONFIRMED paths in the same
#: style (the docs list those commands but the stored copies did not show their paths).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("v3.commands.security.lock", "security/lock", "security-lock"),
    ("v3.commands.security.unlock", "security/unlock", "security-unlock"),
    ("v3.commands.charge.start", "charge/start", "charge-start"),
    ("v3.commands.charge.stop", "charge/stop", "charge-stop"),  # path UNCONFIRMED
    ("v3.commands.charge.set_limit", "charge/set-limit", "charge-set-limit"),
    # UNCONFIRMED paths from here on
    ("v3.commands.navigation.set_destination", "navigation/set-destination",
     "navigation-set-destination"),
    ("v3.commands.charge.set_daily_schedule", "charge/set-daily-schedule",
     "charge-set-daily-schedule"),
    ("v3.commands.charge.set_weekly_schedule", "charge/set-weekly-schedule",
     "charge-set-weekly-schedule"),
    ("v3.commands.charge.set_workweek_schedule", "charge/set-workweek-schedule",
     "charge-set-workweek-schedule"),
    ("v3.commands.charge.delete_schedule", "charge/delete-schedule", "charge-delete-schedule"),
)  # fmt: skip
_COMMAND_TYPE = {name: kind for name, _, kind in COMMANDS}

#: (name, method, host kind, path, action), as in the v2.0 table.
TABLE: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("v3.vehicle", "GET", "v3", _V, None),
    ("v3.signals", "GET", "v3", _V + "/signals", None),
    ("v3.signal", "GET", "v3", _V + "/signals/{signal_code}", None),
    ("v3.connections", "GET", "v3", "/v3/connections", None),
    ("v3.connection", "GET", "v3", "/v3/connections/{connection_id}", None),
    ("v3.connection", "DELETE", "v3", "/v3/connections/{connection_id}", None),  # UNCONFIRMED
    ("v3.user", "DELETE", "v3", "/v3/users/{user_id}", None),
    *((name, "POST", "v3", _CMD + path, None) for name, path, _ in COMMANDS),
    # UNCONFIRMED path: the "Command Executions" tag exists, its path was not retrieved.
    ("v3.command_execution", "GET", "v3", _CMD + "executions/{execution_id}", None),
    ("management.v3.webhooks", "GET", "management.v3", "/v3/webhooks", None),
    ("management.v3.webhooks", "POST", "management.v3", "/v3/webhooks", None),
    ("management.v3.webhook", "GET", "management.v3", "/v3/webhooks/{webhook_id}", None),
    ("management.v3.webhook", "DELETE", "management.v3", "/v3/webhooks/{webhook_id}", None),
    ("management.v3.subscriptions", "GET", "management.v3", "/v3/subscriptions", None),
    ("management.v3.subscriptions", "POST", "management.v3", "/v3/subscriptions", None),
    ("management.v3.subscription", "GET", "management.v3",
     "/v3/subscriptions/{subscription_id}", None),
    ("management.v3.subscription", "DELETE", "management.v3",
     "/v3/subscriptions/{subscription_id}", None),
    *(
        ("management.v3.webhook.subscriptions", method, "management.v3",
         "/v3/webhooks/{webhook_id}/subscriptions", None)
        for method in ("GET", "POST", "DELETE")
    ),
    ("iam.token", "POST", "iam", "/oauth2/token", None),
)  # fmt: skip


# --- signals -------------------------------------------------------------------------------

#: The signals a realistic ``GET /signals`` returns: (group, name, body). Codes are the
#: lower-case ``group-name`` seen in webhooks (``location-preciselocation``).
SIGNALS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("TractionBattery", "StateOfCharge", {"value": 80, "unit": "percent"}),
    ("Odometer", "TraveledDistance", {"value": 21340.5, "unit": "km"}),
    ("Location", "PreciseLocation",
     {"latitude": 37.4292, "longitude": -122.1381, "heading": 120, "direction": "SE"}),
    ("Closure", "IsLocked", {"value": True}),
)  # fmt: skip


def signal_id(group: str, name: str) -> str:
    """``TractionBattery.StateOfCharge``: how ``serve(signals=...)`` names a signal."""
    return f"{group}.{name}"


def _code(group: str, name: str) -> str:
    return f"{group}-{name}".lower()


def _signal(vehicle_id: str, group: str, name: str, body: dict[str, Any] | None) -> dict[str, Any]:
    code = _code(group, name)
    attributes: dict[str, Any] = {"code": code, "name": name, "group": group}
    attributes["status"] = {"value": "SUCCESS"}
    if body is not None:
        attributes["body"] = copy.deepcopy(body)
    return {
        "id": code,
        "type": "signal",
        "attributes": attributes,
        "meta": {"retrievedAt": 1767225600000, "oemUpdatedAt": 1767225540000},
        "links": {
            "self": f"/v3/vehicles/{vehicle_id}/signals/{code}",
            "vehicle": f"/v3/vehicles/{vehicle_id}",
        },
    }


def signals_matching(patterns: Iterable[str]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The signals ``patterns`` name (``Group.Name``, codes or globs, case-insensitive):
    known ones with their body, unknown exact names as new signals of their own."""
    pats = [p.strip().lower() for p in patterns]
    out: list[tuple[str, str, dict[str, Any] | None]] = []
    for group, name, body in SIGNALS:
        names = (signal_id(group, name).lower(), _code(group, name))
        if any(fnmatch.fnmatchcase(n, p) for p in pats for n in names):
            out.append((group, name, body))
    known = {signal_id(g, n).lower() for g, n, _ in out} | {_code(g, n) for g, n, _ in out}
    for raw in patterns:
        pat = raw.strip()
        if not any(ch in pat for ch in "*?[") and pat.lower() not in known and "." in pat:
            group, _, name = pat.partition(".")
            out.append((group, name, None))
    return out


def signals_body(
    vehicle_id: str, failing: Mapping[tuple[str, str], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``GET /signals``: every known signal (plus any failing one not among them), those
    in ``failing`` carrying ``status: {"value": "ERROR", "error": ...}`` and no body."""
    failing = dict(failing or {})
    rows: list[tuple[str, str, dict[str, Any] | None]] = list(SIGNALS)
    rows += [(g, n, None) for g, n in failing if (g, n) not in {(r[0], r[1]) for r in rows}]
    data = []
    for group, name, body in rows:
        error = failing.get((group, name))
        signal = _signal(vehicle_id, group, name, None if error is not None else body)
        if error is not None:
            signal["attributes"]["status"] = {"value": "ERROR", "error": error}
        data.append(signal)
    base = f"/v3/vehicles/{vehicle_id}/signals"
    page = "?page=1&pageSize=10"
    return {
        "data": data,
        "meta": {"page": 1, "pageSize": 10, "totalCount": len(data)},
        "links": {
            "self": base + page, "first": base + page, "previous": None, "next": None,
            "last": base + page,
        },
        "included": {"vehicle": _vehicle(vehicle_id)},
    }  # fmt: skip


def _one_signal(vehicle_id: str, code: str) -> dict[str, Any]:
    for group, name, body in SIGNALS:
        if code.lower() in (_code(group, name), signal_id(group, name).lower()):
            return _signal(vehicle_id, group, name, body)
    group, _, name = code.replace("-", ".").partition(".")
    return _signal(vehicle_id, group or code, name or code, {"value": None})


# --- the other bodies ----------------------------------------------------------------------


def _vehicle(vehicle_id: str) -> dict[str, Any]:
    return {
        "id": vehicle_id,
        "type": "vehicle",
        "attributes": {"make": "TESLA", "model": "Model 3", "year": 2020},
        "links": {"self": f"/v3/vehicles/{vehicle_id}"},
    }


def _connection(connection_id: str) -> dict[str, Any]:
    return {
        "id": connection_id,
        "type": "connection",
        "attributes": {
            "permissions": ["read_battery", "read_odometer", "control_security"],
            "vehicle": {
                "make": "TESLA", "model": "Model 3", "year": 2020, "mode": "LIVE",
                "powertrainType": "BEV",
            },
        },
        "relationships": {
            "vehicle": {"data": {"type": "vehicle", "id": _VID}},
            "user": {"data": {"type": "user", "id": _USER}},
        },
        "meta": {"createdAt": "2026-01-05T10:00:00.000Z", "updatedAt": "2026-01-05T10:00:00.000Z"},
        "links": {"self": f"/v3/connections/{connection_id}"},
    }  # fmt: skip


def _webhook(webhook_id: str) -> dict[str, Any]:
    return {
        "id": webhook_id,
        "type": "webhook",
        "attributes": {
            "name": "Chargely state", "callbackUri": "https://example.com/smartcar/webhooks",
            "isEnabled": True, "autoSubscribe": False,
        },
        "links": {"self": f"/v3/webhooks/{webhook_id}"},
    }  # fmt: skip


def _subscription(subscription_id: str) -> dict[str, Any]:
    return {
        "id": subscription_id,
        "type": "subscription",
        "relationships": {
            "webhook": {"data": {"type": "webhook", "id": _WEBHOOK}},
            "user": {"data": {"type": "user", "id": _USER}},
            "vehicle": {"data": {"type": "vehicle", "id": _VID}},
        },
        "links": {"self": f"/v3/subscriptions/{subscription_id}"},
    }


def _listing(items: list[dict[str, Any]], path: str, page_size: int) -> dict[str, Any]:
    return {
        "data": items,
        "meta": {"pageNumber": 1, "pageSize": page_size, "totalCount": len(items)},
        "links": {"self": path},
    }


def _parameters(content: bytes) -> dict[str, Any] | None:
    """``data.attributes`` of a command's JSON body (``{"percent": 80}`` for set-limit)."""
    try:
        body = json.loads(content or b"null")
    except ValueError:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    return attributes if isinstance(attributes, dict) and attributes else None


def command_execution(
    command_type: str,
    *,
    execution_id: str = "exec_9876543210",
    in_progress: bool = False,
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``command-execution`` as the commands answer: 200 ``SUCCESS`` ``sync`` (verbatim
    shape of the unlock page), or with ``in_progress`` the body of a 202, whose status and
    mode values are UNCONFIRMED picks (``IN_PROGRESS``, ``async``, no ``completedAt``)."""
    attributes: dict[str, Any] = {
        "commandType": command_type,
        "status": {"value": "IN_PROGRESS" if in_progress else "SUCCESS"},
        "executionMode": "async" if in_progress else "sync",
    }
    if parameters:
        attributes["parameters"] = dict(parameters)
    meta: dict[str, Any] = {"executedAt": "2026-01-01T12:00:00Z"}
    if not in_progress:
        meta.update(completedAt="2026-01-01T12:00:02Z", durationInSeconds=2)
    return {"data": {"id": execution_id, "type": "command-execution",
                     "attributes": attributes, "meta": meta}}  # fmt: skip


#: Successes that are not a plain 200: (name, method) -> status. DELETE /users is a
#: documented 204 and POST /subscriptions a documented 202; the rest are UNCONFIRMED picks.
_STATUS = {
    ("v3.user", "DELETE"): 204,
    ("v3.connection", "DELETE"): 204,
    ("management.v3.webhooks", "POST"): 201,
    ("management.v3.webhook", "DELETE"): 204,
    ("management.v3.subscriptions", "POST"): 202,
    ("management.v3.subscription", "DELETE"): 204,
    ("management.v3.webhook.subscriptions", "POST"): 202,
    ("management.v3.webhook.subscriptions", "DELETE"): 204,
}
_IN_PROGRESS = {"meta": {"message": "subscription creation in progress"}}


def success_status(name: str, method: str) -> int:
    """The HTTP status of a V3 endpoint's success (200 unless listed above)."""
    return _STATUS.get((name, method), 200)


def success(name: str, method: str, params: Mapping[str, str], content: bytes, status: int) -> Any:
    """The success body of a V3 endpoint for one request; ``None`` for no body (204).

    ``status`` is the HTTP status being sent: a command answered 202 gets the
    in-progress body.
    """
    if status == 204:
        return None
    vehicle_id = params.get("vehicle_id", _VID)
    if name in _COMMAND_TYPE:
        return command_execution(
            _COMMAND_TYPE[name], in_progress=status == 202, parameters=_parameters(content)
        )
    if name == "v3.command_execution":
        return command_execution("security-unlock", execution_id=params["execution_id"])
    if name == "v3.vehicle":
        return _vehicle(vehicle_id)
    if name == SIGNALS_ENDPOINT:
        return signals_body(vehicle_id)
    if name == "v3.signal":
        return _one_signal(vehicle_id, params["signal_code"])
    if name == "v3.connections":
        return _listing([_connection(_CONN)], "/v3/connections?page[number]=1", 10)
    if name == "v3.connection":
        return {"data": _connection(params["connection_id"])}
    if name == "management.v3.webhooks":
        if method == "POST":
            return {"data": _webhook(_WEBHOOK)}
        return _listing([_webhook(_WEBHOOK)], "/v3/webhooks?page[number]=1", 50)
    if name == "management.v3.webhook":
        return {"data": _webhook(params["webhook_id"])}
    if name in ("management.v3.subscriptions", "management.v3.webhook.subscriptions"):
        if method == "POST":
            return copy.deepcopy(_IN_PROGRESS)
        return _listing([_subscription(_SUB)], "/v3/subscriptions?page[number]=1", 50)
    if name == "management.v3.subscription":
        return {"data": _subscription(params["subscription_id"])}
    if name == "iam.token":
        return {"access_token": "eyJhbGciOiJSUzI1NiJ9.c2MtdjM.sig", "token_type": "Bearer",
                "expires_in": 3600}  # fmt: skip
    return {}
