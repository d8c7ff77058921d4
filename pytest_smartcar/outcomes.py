"""What one request is answered with: a catalog error, a success, a ready response or a fault.

Users name outcomes as ``error=`` and in ``then=``: a catalog key, an ``ErrorSpec``, a fault
(``timeout``, ``connect_error``, ``disconnect``, ``gateway_502``, ``gateway_504``),
``"success"``, a success body or an ``httpx.Response``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_smartcar._suggest import close_matches
from pytest_smartcar.catalog import AnySpec, ErrorSpec, LegacyErrorSpec, OAuthErrorSpec, lookup
from pytest_smartcar.errors import SmartcarUsageError
from pytest_smartcar.exchange import Reply

__all__ = ["FAULTS", "SUCCESS", "Outcome", "as_outcome", "outcome_names", "type_hint"]

#: Failures that are not Smartcar errors: the network, or a gateway in front of Smartcar.
FAULTS = ("timeout", "connect_error", "disconnect", "gateway_502", "gateway_504")
SUCCESS = "success"
_SUCCESS_NAMES = (SUCCESS, "ok", "200")


@dataclass(frozen=True)
class Outcome:
    """One answer. ``kind`` is ``error``, ``success``, ``response`` or ``fault``."""

    kind: str
    label: str
    spec: AnySpec | None = None
    body: Any = None
    reply: Reply | None = None  # a ready response, copied for each request

    @property
    def key(self) -> str:
        """What the call record and the report name this outcome by."""
        if self.spec is not None:
            return self.spec.key
        return SUCCESS if self.kind == "success" else self.label

    def __str__(self) -> str:
        return self.label


def outcome_names() -> str:
    return f"faults ({', '.join(FAULTS)}) and {SUCCESS!r} (a realistic 200)"


def as_outcome(value: object, argument: str = "error") -> Outcome:
    """Read what a user passed as ``error=`` or in ``then=`` into an ``Outcome``."""
    __tracebackhide__ = True
    if isinstance(value, Outcome):
        return value
    if isinstance(value, (ErrorSpec, LegacyErrorSpec, OAuthErrorSpec)):
        return Outcome("error", f"{value.key} ({value.status})", spec=value)
    if isinstance(value, Reply):
        return Outcome("response", f"response {value.status}", reply=value)
    if type(value).__name__ == "Response" and hasattr(value, "status_code"):
        from pytest_smartcar.transports.httpx import reply_of

        reply = reply_of(value)  # type: ignore[arg-type]
        if reply is not None:
            return Outcome("response", f"response {reply.status}", reply=reply)
    if isinstance(value, (dict, list)):
        from pytest_smartcar.wire.common import dump_json

        try:
            dump_json(value)
        except (TypeError, ValueError) as exc:
            raise SmartcarUsageError(
                f"{argument}= got a success body that is not JSON ({exc}): {value!r}"
            ) from None
        return Outcome("success", "200", body=value)
    if isinstance(value, str):
        name = value.strip().lower()
        if name in FAULTS:
            return Outcome("fault", name)
        if name in _SUCCESS_NAMES:
            return Outcome("success", "200")
        try:
            spec = lookup(value)
        except KeyError as exc:
            hint = type_hint(value)
            if hint is not None:
                raise SmartcarUsageError(f"{argument}={value!r} {hint}") from None
            near = close_matches(name, [*FAULTS, SUCCESS]) if name else []
            if near:
                raise SmartcarUsageError(
                    f"{argument}={value!r} is not a catalog key, a fault or 'success'; did you "
                    f"mean {' or '.join(repr(n) for n in near)}?"
                ) from None
            raise SmartcarUsageError(
                f"{argument}={value!r}: {_key_message(exc)}; {argument}= also takes "
                f"{outcome_names()}"
            ) from None
        return Outcome("error", f"{spec.key} ({spec.status})", spec=spec)
    raise SmartcarUsageError(
        f"{argument}= takes a catalog key like 'VEHICLE_STATE:ASLEEP', an ErrorSpec, "
        f"{outcome_names()}, a success body (dict) or an httpx.Response; got {value!r}"
    )


def type_hint(value: str) -> str | None:
    """What to write instead of a bare error type (``"VEHICLE_STATE"``), or ``None``."""
    from pytest_smartcar.catalog import API_ERRORS, normalize_key

    name = normalize_key(value)
    keys = [s.key for s in API_ERRORS if s.type == name and s.code is not None]
    if not keys:
        return None
    return (
        f"is an error type, not one error: name one, like {keys[0]!r}, or run the test once "
        f"per {name} error with @pytest.mark.smartcar_error({name + ':*'!r}) or "
        f"@pytest.mark.smartcar_error(type={name!r})"
    )


def _key_message(exc: KeyError) -> str:
    text = str(exc)
    return text[1:-1] if text.startswith(("'", '"')) and text.endswith(("'", '"')) else text
