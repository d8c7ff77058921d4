"""Signed Smartcar webhook deliveries (payload version 4.0): ``VERIFY``, ``VEHICLE_STATE``
and ``VEHICLE_ERROR`` events.

Smartcar pushes signal data as ``VEHICLE_STATE`` events (a signal that could not be read
carries ``status: {"value": "ERROR", "error": {type, code}}``), errors as
``VEHICLE_ERROR`` events (state ``ERROR``, later ``RESOLVED``), both with the ``user.id``
an app needs for V3's ``sc-user-id``, and signs every delivery with ``SC-Signature``: the
HMAC-SHA256 hex digest of the raw body keyed by the application management token (AMT),
which the official SDK checks with ``smartcar.verify_payload(amt, signature, body)``. An
app's webhook handler is only tested when it receives such a body, correctly signed, and
also a tampered one.

Payload shape (webhook payload version 4.0) from Smartcar's docs,
``api-reference/webhooks/events/vehicle-error``, ``.../vehicle-state``,
``api-reference/webhooks/event-types`` and ``integrations/webhooks/responses``. A
``VERIFY`` delivery must be answered 200 ``application/json`` ``{"challenge": <hmac>}``;
:func:`check_challenge_response` checks an app's answer.
Standard library only, plus the catalog and ``responses.error_body``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pytest_smartcar.catalog import DEFAULT_VEHICLE_ID, ErrorSpec, get
from pytest_smartcar.responses import error_body
from pytest_smartcar.wire.common import apply_overrides

__all__ = [
    "DEFAULT_USER_ID",
    "DEFAULT_WEBHOOK_ID",
    "DEFAULT_WEBHOOK_NAME",
    "DOCUMENTED_ERROR_TYPES",
    "ERROR_STATES",
    "SIGNALS",
    "SIGNATURE_HEADER",
    "TEST_MANAGEMENT_TOKEN",
    "WEBHOOK_VERSION",
    "challenge_response",
    "check_challenge_response",
    "hash_challenge",
    "serialize",
    "sign",
    "signed_request",
    "vehicle_error_entry",
    "vehicle_error_payload",
    "vehicle_state_payload",
    "verify_event_payload",
    "verify_signature",
]

WEBHOOK_VERSION = "4.0"
SIGNATURE_HEADER = "SC-Signature"
DEFAULT_WEBHOOK_ID = "5a8e5e38-1e12-4011-a36d-56f120053f9e"
DEFAULT_WEBHOOK_NAME = "Example Webhook"
DEFAULT_USER_ID = "93b3ea96-ca37-43a9-9073-f4334719a0c7"
#: A made-up application management token for tests (Smartcar's are UUIDs too).
TEST_MANAGEMENT_TOKEN = "d1f5c2a8-7e3b-4f6a-9c0d-2b8e4a6f1c3e"

ErrorState = Literal["ERROR", "RESOLVED"]
ERROR_STATES: tuple[ErrorState, ...] = ("ERROR", "RESOLVED")
#: The error types Smartcar's VEHICLE_ERROR page lists; other catalog errors are accepted
#: (the API can fail in more ways than the page shows) but are less likely in a webhook.
DOCUMENTED_ERROR_TYPES = (
    "CONNECTED_SERVICES_ACCOUNT",
    "VEHICLE_STATE",
    "COMPATIBILITY",
    "PERMISSION",
)

#: Signal descriptors (``code``, ``name``, ``group``) for common signals, by code.
SIGNALS: dict[str, dict[str, str]] = {
    s["code"]: s
    for s in (
        {"code": "location-preciselocation", "name": "PreciseLocation", "group": "Location"},
        {
            "code": "tractionbattery-stateofcharge",
            "name": "StateOfCharge",
            "group": "TractionBattery",
        },
        {"code": "charge-ischarging", "name": "IsCharging", "group": "Charge"},
        {"code": "charge-voltage", "name": "Voltage", "group": "Charge"},
        {"code": "odometer-traveleddistance", "name": "TraveledDistance", "group": "Odometer"},
        {"code": "closure-islocked", "name": "IsLocked", "group": "Closure"},
    )
}
_DEFAULT_SIGNALS = ("location-preciselocation",)
#: What each common signal reads in a VEHICLE_STATE event (the docs' example values).
_BODIES: dict[str, dict[str, Any]] = {
    "location-preciselocation": {"latitude": 37.7749, "longitude": -122.4194},
    "tractionbattery-stateofcharge": {"unit": "percent", "value": 75},
    "charge-ischarging": {"value": True},
    "charge-voltage": {"unit": "volts", "value": 240},
    "odometer-traveleddistance": {"unit": "km", "value": 21340.5},
    "closure-islocked": {"value": True},
}
_STATE_SIGNALS = ("location-preciselocation", "tractionbattery-stateofcharge")
_DEFAULT_VEHICLE = {"make": "TESLA", "model": "Model 3", "year": 2020}

SignalLike = str | Mapping[str, Any]
ErrorLike = ErrorSpec | str | Mapping[str, Any]


def _signal(signal: SignalLike) -> dict[str, Any]:
    if isinstance(signal, Mapping):
        if not isinstance(signal.get("code"), str):
            raise ValueError(f"a signal mapping needs a string 'code', got {dict(signal)!r}")
        return dict(signal)
    if isinstance(signal, str):
        # Unknown codes carry the code alone rather than a guessed name and group.
        return dict(SIGNALS.get(signal, {"code": signal}))
    raise TypeError(
        f"signals= takes signal codes or {{code, name, group}} mappings, got {signal!r}"
    )


def _signals(signals: Sequence[SignalLike] | None) -> list[dict[str, Any]]:
    if signals is None:
        signals = _DEFAULT_SIGNALS
    if isinstance(signals, (str, Mapping)):
        signals = [signals]
    return [_signal(s) for s in signals]


def _spec(spec_or_key: ErrorSpec | str) -> ErrorSpec:
    if isinstance(spec_or_key, ErrorSpec):
        return spec_or_key
    if isinstance(spec_or_key, str):
        return get(spec_or_key)
    raise TypeError(
        "a VEHICLE_ERROR entry is an ErrorSpec, a catalog key like 'VEHICLE_STATE:ASLEEP' "
        f"or a ready-made mapping, got {spec_or_key!r}"
    )


def vehicle_error_entry(
    spec_or_key: ErrorSpec | str,
    *,
    state: ErrorState = "ERROR",
    signals: Sequence[SignalLike] | None = None,
    app_name: str | None = None,
    vehicle_id: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """One ``data.errors[]`` entry of a VEHICLE_ERROR event.

    ``ERROR`` entries carry type, code, state, description, suggestedUserMessage (when the
    catalog has one), docURL, resolution and signals; ``RESOLVED`` entries carry type,
    code, state, description and signals, as Smartcar's resolved example does.
    ``overrides`` replace fields by JSON name; ``...`` (Ellipsis) removes one.
    """
    if state not in ERROR_STATES:
        raise ValueError(f"state must be 'ERROR' or 'RESOLVED', got {state!r}")
    spec = _spec(spec_or_key)
    body = error_body(spec, app_name=app_name, vehicle_id=vehicle_id)
    entry: dict[str, Any] = {
        "type": body["type"],
        "code": body["code"],
        "state": state,
        "description": body["description"],
    }
    if state == "ERROR":
        if "suggestedUserMessage" in body:
            entry["suggestedUserMessage"] = body["suggestedUserMessage"]
        entry["docURL"] = body["docURL"]
        entry["resolution"] = body["resolution"]
    entry["signals"] = _signals(signals)
    return apply_overrides(entry, overrides)


def _meta(
    *,
    webhook_id: str,
    webhook_name: str,
    delivery_id: str | None,
    delivered_at: int | str | None,
    mode: str | None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "version": WEBHOOK_VERSION,
        "deliveryId": delivery_id or str(uuid.uuid4()),
        # Milliseconds since the epoch, as in the VEHICLE_ERROR examples.
        "deliveredAt": delivered_at if delivered_at is not None else int(time.time() * 1000),
        "webhookId": webhook_id,
        "webhookName": webhook_name,
    }
    if mode is not None:
        meta["mode"] = mode
    return meta


def vehicle_error_payload(
    *errors: ErrorLike,
    vehicle_id: str = DEFAULT_VEHICLE_ID,
    webhook_id: str = DEFAULT_WEBHOOK_ID,
    state: ErrorState = "ERROR",
    signals: Sequence[SignalLike] | None = None,
    user_id: str = DEFAULT_USER_ID,
    vehicle: Mapping[str, Any] | None = None,
    event_id: str | None = None,
    delivery_id: str | None = None,
    delivered_at: int | str | None = None,
    webhook_name: str = DEFAULT_WEBHOOK_NAME,
    mode: str | None = "LIVE",
    app_name: str | None = None,
) -> dict[str, Any]:
    """A complete VEHICLE_ERROR event (``eventId``, ``eventType``, ``vehicleId``, ``data``
    with ``user``, ``vehicle`` and ``errors``, ``meta``), one entry per error.

    Errors are ErrorSpecs or catalog keys (built with ``state`` and ``signals``) or
    ready-made entry mappings (used as given). ``vehicle`` replaces or adds fields of
    ``data.vehicle`` (make, model, year, vin...). ``eventId`` and ``deliveryId`` are fresh
    UUIDs and ``deliveredAt`` is now (ms) unless given, because apps deduplicate on them.
    """
    if not errors:
        raise TypeError("vehicle_error_payload() needs at least one error (an ErrorSpec or key)")
    entries = [
        dict(e)
        if isinstance(e, Mapping)
        else vehicle_error_entry(
            e, state=state, signals=signals, app_name=app_name, vehicle_id=vehicle_id
        )
        for e in errors
    ]
    return {
        "eventId": event_id or str(uuid.uuid4()),
        "eventType": "VEHICLE_ERROR",
        "vehicleId": vehicle_id,
        "data": {
            "user": {"id": user_id},
            "vehicle": {"id": vehicle_id, **_DEFAULT_VEHICLE, **dict(vehicle or {})},
            "errors": entries,
        },
        "meta": _meta(
            webhook_id=webhook_id,
            webhook_name=webhook_name,
            delivery_id=delivery_id,
            delivered_at=delivered_at,
            mode=mode,
        ),
    }


def _state_signal(signal: SignalLike, error: ErrorLike | None, at: int) -> dict[str, Any]:
    """One ``data.signals[]`` item: code, name, group, body, status and meta, or for a
    failing signal its error in ``status`` and no body (as in the docs' example)."""
    item = _signal(signal)
    if error is None:
        item.setdefault("body", dict(_BODIES.get(item["code"], {"value": None})))
        item.setdefault("status", {"value": "SUCCESS"})
        item.setdefault("meta", {"retrievedAt": at, "oemUpdatedAt": at})
        return item
    item.pop("body", None)
    if isinstance(error, Mapping):
        detail = dict(error)
    else:
        spec = _spec(error)
        detail = {"code": spec.v3.code, "type": spec.type}
    item["status"] = {"error": detail, "value": "ERROR"}
    return item


def vehicle_state_payload(
    *signals: SignalLike,
    failing: Mapping[str, ErrorLike] | None = None,
    triggers: Sequence[SignalLike] | Literal["FIRST_DELIVERY"] | None = None,
    vehicle_id: str = DEFAULT_VEHICLE_ID,
    user_id: str = DEFAULT_USER_ID,
    vehicle: Mapping[str, Any] | None = None,
    webhook_id: str = DEFAULT_WEBHOOK_ID,
    webhook_name: str = DEFAULT_WEBHOOK_NAME,
    event_id: str | None = None,
    delivery_id: str | None = None,
    delivered_at: int | str | None = None,
    mode: str | None = "LIVE",
) -> dict[str, Any]:
    """A VEHICLE_STATE event: every subscribed signal with its value, ``triggers`` naming
    the ones that changed, ``meta.signalCount``.

    ``signals`` are codes (``tractionbattery-stateofcharge``) or mappings (``code``,
    ``name``, ``group``, ``body`` ...); by default location and state of charge.
    ``failing`` maps signal codes to a catalog error (ErrorSpec or key) or a ready
    ``{type, code}``: those signals carry the error instead of a body, as when the vehicle
    cannot report them (a failing code not among ``signals`` is added). ``triggers`` are
    the signals that changed (``SIGNAL_UPDATED``; default the first signal) or
    ``"FIRST_DELIVERY"`` for the first payload after subscribing (sent as
    ``{"type": "FIRST_DELIVERY"}``, as on the webhook responses page; the event page shows
    ``{"code": ...}``, so the form is UNCONFIRMED).
    """
    failing = dict(failing or {})
    codes: list[SignalLike] = list(signals) if signals else list(_STATE_SIGNALS)
    known = {_signal(s)["code"] for s in codes}
    codes += [code for code in failing if code not in known]
    at = delivered_at if isinstance(delivered_at, int) else int(time.time() * 1000)
    items = [_state_signal(s, failing.get(_signal(s)["code"]), at) for s in codes]
    if triggers == "FIRST_DELIVERY":
        trigger_list: list[dict[str, Any]] = [{"type": "FIRST_DELIVERY"}]
    else:
        changed = list(triggers) if triggers is not None else codes[:1]
        trigger_list = [{"type": "SIGNAL_UPDATED", "signal": _signal(s)} for s in changed]
    meta = _meta(
        webhook_id=webhook_id,
        webhook_name=webhook_name,
        delivery_id=delivery_id,
        delivered_at=delivered_at,
        mode=None,
    )
    meta["signalCount"] = len(items)
    if mode is not None:
        meta["mode"] = mode
    return {
        "eventId": event_id or str(uuid.uuid4()),
        "eventType": "VEHICLE_STATE",
        "vehicleId": vehicle_id,
        "data": {
            "user": {"id": user_id},
            "vehicle": {"id": vehicle_id, **_DEFAULT_VEHICLE, **dict(vehicle or {})},
            "signals": items,
        },
        "triggers": trigger_list,
        "meta": meta,
    }


def verify_event_payload(
    challenge: str | None = None,
    *,
    webhook_id: str = DEFAULT_WEBHOOK_ID,
    webhook_name: str = DEFAULT_WEBHOOK_NAME,
    event_id: str | None = None,
    delivery_id: str | None = None,
    delivered_at: int | str | None = None,
) -> dict[str, Any]:
    """The one-time VERIFY event Smartcar sends when a webhook is created or its URL changes.

    The app must answer 200 with :func:`challenge_response` (``challenge`` defaults to a
    random string). Not named ``verify_payload``: that is the SDK's signature check.
    """
    if challenge is None:
        challenge = uuid.uuid4().hex
    elif not isinstance(challenge, str) or not challenge:
        raise TypeError(f"challenge= must be a non-empty string, got {challenge!r}")
    return {
        "eventId": event_id or str(uuid.uuid4()),
        "eventType": "VERIFY",
        "data": {"challenge": challenge},
        "meta": _meta(
            webhook_id=webhook_id,
            webhook_name=webhook_name,
            delivery_id=delivery_id,
            delivered_at=delivered_at,
            mode=None,
        ),
    }


def _token(management_token: object) -> bytes:
    if not isinstance(management_token, str) or not management_token:
        raise TypeError(
            "management_token must be the application management token string, "
            f"got {management_token!r}"
        )
    return management_token.encode("utf-8")


def hash_challenge(management_token: str, challenge: str) -> str:
    """HMAC-SHA256 hex of ``challenge`` keyed by the AMT (``smartcar.hash_challenge``)."""
    if not isinstance(challenge, str):
        raise TypeError(f"challenge must be a string, got {challenge!r}")
    return sign(challenge, management_token)


def challenge_response(challenge: str, management_token: str) -> dict[str, str]:
    """The JSON body a correct app answers a VERIFY event with: ``{"challenge": <hmac>}``."""
    return {"challenge": hash_challenge(management_token, challenge)}


def check_challenge_response(response: Any, challenge: str, management_token: str) -> None:
    """Raise ``AssertionError`` unless ``response`` is what Smartcar accepts for a VERIFY
    event: status 200, ``Content-Type: application/json`` and the body
    ``{"challenge": hash_challenge(management_token, challenge)}``.

    ``response`` is any test client's response (httpx, requests, Werkzeug/Flask, Django,
    Starlette) or a ``(status, headers, body)`` tuple.
    """
    status, headers, body = _response_parts(response)
    expected = hash_challenge(management_token, challenge)
    problems = []
    if status != 200:
        problems.append(f"status {status}, Smartcar needs 200")
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    if content_type is None or content_type.split(";")[0].strip().lower() != "application/json":
        problems.append(f"Content-Type {content_type!r}, Smartcar needs application/json")
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or parsed.get("challenge") != expected:
        problems.append(
            f'body {body[:200]!r}, Smartcar needs {{"challenge": "{expected}"}} (the '
            "HMAC-SHA256 hex of the challenge keyed by the application management token)"
        )
    if problems:
        raise AssertionError(
            "the app's answer to the VERIFY event would fail Smartcar's webhook verification:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def _response_parts(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    if isinstance(response, tuple) and len(response) == 3:
        status, headers, body = response
        items = headers.items() if isinstance(headers, Mapping) else headers
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        return int(status), [(str(k), str(v)) for k, v in items], raw
    status = getattr(response, "status_code", None)
    if status is None:
        raise TypeError(
            "check_challenge_response() takes a test client's response or a "
            f"(status, headers, body) tuple, got {response!r}"
        )
    get_data = getattr(response, "get_data", None)
    raw = get_data() if callable(get_data) else response.content
    headers = response.headers
    items = headers.items() if hasattr(headers, "items") else headers
    return int(status), [(str(k), str(v)) for k, v in items], bytes(raw)


def serialize(payload: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as Smartcar's Node.js services produce it (``JSON.stringify``).

    The signature covers these exact bytes: an app that re-serializes the parsed JSON
    before checking it (Python's default separators add spaces) fails verification, as it
    would against Smartcar.
    """
    if not isinstance(payload, Mapping):
        raise TypeError(f"a webhook payload is a JSON object (mapping), got {payload!r}")
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(body: bytes | str, management_token: str) -> str:
    """The ``SC-Signature`` value: HMAC-SHA256 hex of the raw body keyed by the AMT."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, (bytes, bytearray)):
        raise TypeError(f"sign() takes the raw body as bytes or str, got {body!r}")
    return hmac.new(_token(management_token), bytes(body), hashlib.sha256).hexdigest()


def verify_signature(body: bytes | str, signature: str, management_token: str) -> bool:
    """Constant-time check of ``signature`` against ``body`` (what an app should do)."""
    if not isinstance(signature, str):
        return False
    return hmac.compare_digest(sign(body, management_token), signature)


Tamper = bool | Literal["body", "signature"]


def signed_request(
    payload: Mapping[str, Any] | bytes | str,
    *,
    management_token: str,
    tamper: Tamper = False,
) -> tuple[bytes, dict[str, str]]:
    """``(body, headers)`` of a webhook delivery: the body bytes and ``Content-Type`` plus
    ``SC-Signature`` headers, ready for any test client's ``post(url, data=body, headers=...)``.

    ``tamper=True`` (or ``"body"``) changes the body after signing (a new ``eventId``, or a
    trailing space for a raw body) so the signature no longer matches; ``"signature"``
    keeps the body and corrupts the signature. A correct app rejects both.
    """
    if tamper not in (False, True, "body", "signature"):
        raise ValueError(f"tamper must be False, True, 'body' or 'signature', got {tamper!r}")
    if isinstance(payload, Mapping):
        body = serialize(payload)
    elif isinstance(payload, str):
        body = payload.encode("utf-8")
    elif isinstance(payload, (bytes, bytearray)):
        body = bytes(payload)
    else:
        raise TypeError(f"signed_request() takes a payload mapping or raw bytes, got {payload!r}")
    signature = sign(body, management_token)
    if tamper in (True, "body"):
        if isinstance(payload, Mapping):
            forged = dict(payload)
            forged["eventId"] = str(uuid.uuid4())
            body = serialize(forged)
        else:
            body += b" "
    elif tamper == "signature":
        signature = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    return body, {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
