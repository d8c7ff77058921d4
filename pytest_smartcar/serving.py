"""The arguments of ``serve()``, checked once: the engine and the marker share these checks.

Every mistake is a ``SmartcarUsageError`` raised where the stub is declared, naming the
bad value and what is expected, never a traceback at request time or a stub that can
silently never match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pytest_smartcar import endpoints as ep
from pytest_smartcar.errors import SmartcarUsageError
from pytest_smartcar.outcomes import Outcome, as_outcome
from pytest_smartcar.serving_v3 import check_v3_arguments

__all__ = ["METHODS", "UNSET", "check_serve_arguments"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: "Not given" for serve()'s keywords where ``None`` means something (no Retry-After).
UNSET: Any = object()
_UNSET = UNSET
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_VEHICLE_ID = re.compile(r"^[^/?#*\s]+$")


def check_serve_arguments(
    error: object,
    *,
    endpoint: object = None,
    method: object = None,
    vehicle_id: object = None,
    times: object = None,
    then: object = _UNSET,
    retry_after: object = _UNSET,
    status: object = None,
    body: object = None,
    headers: object = None,
    resolution_style: object = "object",
    doc_url_style: object = "current",
    optional: object = False,
    batch_paths: object = None,
    batch_whole: object = False,
    signals: object = None,
) -> dict[str, Any]:
    """The keyword arguments of a ``ServedStub`` for one ``serve()`` call."""
    __tracebackhide__ = True
    first = as_outcome(error)
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise SmartcarUsageError(f"times= takes a positive whole number, got {times!r}")
    sequence: list[Outcome] = []
    if then is not _UNSET:
        if times is None:
            raise SmartcarUsageError(
                f"then={then!r} is never reached without times=: say how many requests "
                f"get {first.label} first, e.g. times=2, then={then!r}"
            )
        values = then if isinstance(then, (list, tuple)) else [then]
        if not values:
            raise SmartcarUsageError("then= needs at least one outcome, got an empty list")
        sequence = [as_outcome(v, "then") for v in values]
    _check_flag("optional", optional)
    _check_flag("batch_whole", batch_whole)
    if status is not None and (
        not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599
    ):
        raise SmartcarUsageError(f"status= takes an HTTP status code, got {status!r}")
    if resolution_style not in ("object", "string", "null"):
        raise SmartcarUsageError(
            f"resolution_style= is 'object', 'string' or 'null', got {resolution_style!r}"
        )
    if doc_url_style not in ("current", "v2.0"):
        raise SmartcarUsageError(f"doc_url_style= is 'current' or 'v2.0', got {doc_url_style!r}")
    options: dict[str, Any] = {
        "batch_paths": _batch_paths(batch_paths),
        "batch_whole": batch_whole,
        "signals": _strings("signals", signals),
        "status": status,
        "body": _body(body),
        "headers": _headers(headers),
        "resolution_style": resolution_style,
        "doc_url_style": doc_url_style,
    }
    if retry_after is not _UNSET:
        options["retry_after"] = _retry_after(retry_after)
    endpoints = ep.resolve_endpoints(endpoint)  # type: ignore[arg-type]
    methods = _methods(method)
    vehicle_ids = _vehicle_ids(vehicle_id, endpoints)
    _check_conflicts(endpoint, endpoints, methods, options)
    check_v3_arguments(endpoint, endpoints, [first, *sequence], options)
    return {
        "first": first,
        "times": times,
        "then": sequence,
        "endpoints": endpoints,
        "endpoint_label": _endpoint_label(endpoint),
        "methods": methods,
        "vehicle_ids": vehicle_ids,
        "optional": optional,
        "options": options,
    }


def _check_flag(name: str, value: object) -> None:
    __tracebackhide__ = True
    if not isinstance(value, bool):
        raise SmartcarUsageError(f"{name}= takes True or False, got {value!r}")


def _body(body: object) -> dict[str, Any]:
    """Body overrides must become JSON: refuse what ``json.dumps`` cannot write now, not
    when the first request comes."""
    __tracebackhide__ = True
    if body is None:
        return {}
    if not isinstance(body, Mapping):
        raise SmartcarUsageError(f"body= takes a dict, got {body!r}")
    out = dict(body)
    for key, value in out.items():
        if not isinstance(key, str):
            raise SmartcarUsageError(f"body= field names are strings, got {key!r} in {body!r}")
        if value is ...:
            continue  # removes the field
        try:
            json.dumps(value, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise SmartcarUsageError(
                f"body={{{key!r}: {value!r}}} cannot be sent as JSON ({exc}); use strings, "
                "numbers, booleans, None, lists and dicts with string keys"
            ) from None
    return out


def _headers(headers: object) -> dict[str, str | None]:
    """Header names and values; ``None`` removes a header Smartcar would send."""
    __tracebackhide__ = True
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise SmartcarUsageError(f"headers= takes a dict, got {headers!r}")
    out: dict[str, str | None] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise SmartcarUsageError(
                f"headers= names are HTTP header names (letters, digits, '-'), got {name!r}"
            )
        if value is None:
            out[name] = None
            continue
        if not isinstance(value, str):
            raise SmartcarUsageError(
                f"headers={{{name!r}: {value!r}}}: header values are strings (or None to "
                "leave the header out); "
                f"write {str(value)!r} if that is what Smartcar should send"
            )
        if "\r" in value or "\n" in value or "\x00" in value:
            raise SmartcarUsageError(
                f"headers={{{name!r}: {value!r}}}: a header value cannot hold CR, LF or NUL "
                "(it would inject headers)"
            )
        out[name] = value
    return out


def _retry_after(value: object) -> int | str | None:
    __tracebackhide__ = True
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        if isinstance(value, int) and value < 0:
            raise SmartcarUsageError(
                f"retry_after= takes seconds (a whole number >= 0), a raw header value "
                f"(string) or None for no header, got {value!r}"
            )
        return value
    if isinstance(value, str):
        if "\r" in value or "\n" in value:
            raise SmartcarUsageError(f"retry_after={value!r} cannot hold CR or LF")
        return value
    raise SmartcarUsageError(
        f"retry_after= takes seconds (int) or a raw header value, got {value!r}"
    )


def _strings(name: str, value: object) -> frozenset[str] | None:
    __tracebackhide__ = True
    if value is None:
        return None
    items: Any = [value] if isinstance(value, str) else value
    try:
        out: frozenset[Any] = frozenset(items)
    except TypeError:
        raise SmartcarUsageError(
            f"{name}= takes a string or a list of strings, got {value!r}"
        ) from None
    if not out or not all(isinstance(v, str) and v for v in out):
        raise SmartcarUsageError(
            f"{name}= takes a non-empty string or a list of them, got {value!r}"
        )
    return out


def _batch_paths(value: object) -> frozenset[str] | None:
    __tracebackhide__ = True
    paths = _strings("batch_paths", value)
    if paths is not None and any(not p.strip().strip("/") and p.strip() != "/" for p in paths):
        raise SmartcarUsageError(f"batch_paths= takes paths like '/odometer', got {value!r}")
    return paths


def _vehicle_ids(value: object, endpoints: frozenset[ep.Endpoint] | None) -> frozenset[str] | None:
    __tracebackhide__ = True
    ids = _strings("vehicle_id", value)
    if ids is None:
        return None
    for vid in ids:
        if not _VEHICLE_ID.match(vid):
            raise SmartcarUsageError(
                f"vehicle_id={vid!r} can never match a request: a vehicle id is one path "
                "segment (no '/', '?', '#', '*' or spaces); leave vehicle_id= out to match "
                "every vehicle"
            )
    if endpoints is not None and not any(e.is_vehicle for e in endpoints):
        names = ", ".join(sorted({e.name for e in endpoints}))
        raise SmartcarUsageError(
            f"vehicle_id= can never match on {names}: those endpoints have no vehicle in their path"
        )
    return ids


def _methods(value: object) -> frozenset[str] | None:
    __tracebackhide__ = True
    names = _strings("method", value)
    if names is None:
        return None
    upper = frozenset(n.upper() for n in names)
    bad = sorted(upper - set(METHODS))
    if bad:
        raise SmartcarUsageError(f"method={bad[0]!r} is not one of {', '.join(METHODS)}")
    return upper


def _check_conflicts(
    endpoint: object,
    endpoints: frozenset[ep.Endpoint] | None,
    methods: frozenset[str] | None,
    options: Mapping[str, Any],
) -> None:
    """Refuse argument combinations that could never answer a request."""
    __tracebackhide__ = True
    if (
        endpoints is not None
        and methods is not None
        and not any(e.method in methods for e in endpoints)
    ):
        have = sorted({e.method for e in endpoints})
        raise SmartcarUsageError(
            f"method={'/'.join(sorted(methods))} conflicts with endpoint={endpoint!r}: "
            f"those endpoints answer {'/'.join(have)} only"
        )
    batch_options = options["batch_paths"] is not None or options["batch_whole"]
    if batch_options and (endpoints is None or not any(e.name == "batch" for e in endpoints)):
        raise SmartcarUsageError(
            f"batch_paths=/batch_whole= only apply to the batch endpoint, but endpoint="
            f"{endpoint!r} does not include it; add endpoint='batch'"
        )
    if options["batch_paths"] is not None and options["batch_whole"]:
        raise SmartcarUsageError(
            "batch_paths= and batch_whole=True conflict: batch_whole fails the whole call, "
            "batch_paths chooses the items that fail inside a 200"
        )


def _endpoint_label(value: object) -> str:
    if value is None:
        return "every vehicle endpoint"
    if value == ep.ANY:
        return "every Smartcar request"
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ", ".join(str(v) for v in value)
    return str(value)
