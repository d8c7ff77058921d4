"""The ``serve()`` checks that concern API V3: per-signal failures and errors one API
version never sends.

An error only V3 sends (``AUTHENTICATION:ACCESS_DENIED``) served where every endpoint is
a v2.0 one, or an error V3 does not send (``VALIDATION``) served only on V3 endpoints,
is a mistake caught at declaration, with the error to serve instead. Where the endpoints
span both versions (the default, every vehicle endpoint), each request is answered in the
format of the version it called, from the entry's facts for that version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_smartcar import endpoints as ep
from pytest_smartcar.catalog import API_ERRORS, V3_ERRORS, ErrorSpec
from pytest_smartcar.endpoints_v3 import SIGNALS_ENDPOINT
from pytest_smartcar.errors import SmartcarUsageError
from pytest_smartcar.outcomes import Outcome

__all__ = ["check_v3_arguments"]

_NAMES = {"v2.0": "v2.0", "v3": "V3"}


def check_v3_arguments(
    endpoint: object,
    endpoints: frozenset[ep.Endpoint] | None,
    outcomes: Sequence[Outcome],
    options: Mapping[str, Any],
) -> None:
    __tracebackhide__ = True
    if options["signals"] is not None:
        if endpoints is None or not any(e.name == SIGNALS_ENDPOINT for e in endpoints):
            raise SmartcarUsageError(
                f"signals= only applies to {SIGNALS_ENDPOINT} (GET /v3/vehicles/{{id}}/signals), "
                f"but endpoint={endpoint!r} does not include it; add endpoint='{SIGNALS_ENDPOINT}'"
            )
        if not isinstance(outcomes[0].spec, ErrorSpec):
            raise SmartcarUsageError(
                f"signals= fails the named signals with a catalog API error, but the stub "
                f"serves {outcomes[0].label}; serve a key such as "
                "'COMPATIBILITY:VEHICLE_NOT_CAPABLE'"
            )
        for name in ("status", "retry_after"):
            if options.get(name) is not None:
                raise SmartcarUsageError(
                    f"signals= and {name}= conflict: a per-signal failure is answered with "
                    "200, without headers of its own; leave signals= out to fail the call"
                )
    if endpoints is None:
        return
    apis = {e.api for e in endpoints}
    for outcome in outcomes:
        spec = outcome.spec
        if isinstance(spec, ErrorSpec) and not apis & set(spec.apis):
            (api,) = apis
            raise SmartcarUsageError(
                f"{spec.key} ({spec.status}) is never sent by Smartcar API {_NAMES[api]}, and "
                f"endpoint={endpoint!r} names {_NAMES[api]} endpoints only{_instead(spec, api)}"
            )


def _instead(spec: ErrorSpec, api: str) -> str:
    """What the other version sends in its place: same type (or status) with no code."""
    pool = V3_ERRORS if api == "v3" else API_ERRORS
    for other in pool:
        if other.status == spec.status and (
            (api == "v3" and other.type == spec.type and other.code == spec.v3.code)
            or (api == "v2.0" and other.code is None)
        ):
            return f"; serve {other.key} there instead"
    return ""
