"""What the user reads when a Smartcar call fails.

``user_message`` picks a text by Smartcar's ``resolution`` first (it says what the user
can do), then Smartcar's own ``suggestedUserMessage``, then the error type. It never
raises and never returns an empty string, whatever it is given: an unknown resolution,
a malformed body or something that is not an error at all gets the generic text.
"""

from __future__ import annotations

import math

GENERIC = "Something went wrong while talking to your car. Please try again later."
UNREACHABLE = "We couldn't reach your car's manufacturer. Please try again in a few minutes."

#: Texts the app writes itself for the errors users meet most.
BY_KEY = {
    "VEHICLE_STATE:ASLEEP": "Your car is asleep. Open your car's own app to wake it, then retry.",
    "VEHICLE_STATE:DOOR_OPEN": "Your car can't lock while a door or the trunk is open.",
}
BY_TYPE = {
    "AUTHENTICATION": "Please sign in to Chargely again.",
    "PERMISSION": "Chargely needs more access to your car. Please reconnect it.",
    "COMPATIBILITY": "Your car doesn't support this feature.",
    "VEHICLE_STATE": "Your car can't do that right now. Please try again later.",
}


def user_message(err: object) -> str:
    """A non-empty, user-facing text for ``err`` (any object)."""
    try:
        text = _message(err)
    except Exception:  # a message must never be the reason the page breaks
        text = None
    return text.strip() if isinstance(text, str) and text.strip() else GENERIC


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _message(err: object) -> str | None:
    status = getattr(err, "status", ...)
    if status is None:
        return UNREACHABLE
    key, kind = _text(getattr(err, "key", None)), _text(getattr(err, "type", None))
    resolution = getattr(err, "resolution", None)
    suggested = _text(getattr(err, "suggested_user_message", None))
    if key in BY_KEY:
        return BY_KEY[key]
    if resolution == "RETRY_LATER":
        wait = getattr(err, "retry_after", None)
        when = "in a few minutes"
        if isinstance(wait, (int, float)) and math.isfinite(wait) and wait > 60:
            when = f"in {math.ceil(wait / 60)} minutes"
        return f"Your car is temporarily unavailable. Please try again {when}."
    if resolution == "REAUTHENTICATE":
        return "Your car got disconnected from Chargely. Tap Reconnect to sign in again."
    if resolution == "CONTACT_SUPPORT":
        request_id = _text(getattr(err, "request_id", None))
        reference = f" and quote reference {request_id}" if request_id else ""
        return f"Please contact Chargely support{reference}."
    if resolution == "ACTION_REQUIRED":
        return suggested or "Your car's manufacturer needs you to take an action in their app."
    if resolution == "FINANCE":
        return "There is a billing problem with Chargely's car connection. We're on it."
    return suggested or BY_TYPE.get(kind or "") or GENERIC
