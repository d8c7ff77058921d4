"""Bodies for ``POST /v2.0/vehicles/{id}/batch``: partial failures inside a 200.

A batch call returns HTTP 200 even when some of its sub-requests fail: each item of
``responses`` carries its own ``code``, ``body`` and sometimes ``headers``. Apps that only
look at the top-level status miss those failures, so tests need batch bodies that mix
successes with catalog errors. Facts (reference §6): item header names are lower-case on
successes; error items usually have no ``headers``, except 429 items, which were seen with
their own Retry-After (casing UNCONFIRMED; the official Python SDK only reads the
title-case ``Retry-After`` there). Builders here are pure; :func:`batch_response` wraps one
in an ``httpx.Response``.
"""

from __future__ import annotations

import copy
import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from pytest_smartcar.catalog import ErrorSpec, get
from pytest_smartcar.endpoints import BATCH_PATHS, ENDPOINTS, success_body
from pytest_smartcar.responses import error_body, json_response, new_request_id

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_BODIES",
    "ErrorOutcome",
    "batch_body",
    "batch_item",
    "batch_response",
    "default_body",
    "normalize_path",
    "parse_batch_request",
]

HeaderCase = Literal["lower", "title"]

_BY_NAME_GET = {e.name: e for e in ENDPOINTS if e.method == "GET"}
#: Realistic success bodies by path: the engine's own success bodies, so a batch item and
#: the single request for the same data answer alike.
DEFAULT_BODIES: dict[str, dict[str, Any]] = {
    path: success_body(_BY_NAME_GET[name]) for path, name in BATCH_PATHS.items()
}
#: Paths whose values depend on the unit system, hence answered with ``sc-unit-system``.
_UNIT_PATHS = frozenset({"/odometer", "/battery", "/fuel", "/tires/pressure"})
_DATA_AGE = "2019-10-24T00:43:46.000Z"


def normalize_path(path: str) -> str:
    """``odometer``, ``/odometer/`` and ``/odometer`` are the same sub-request."""
    if not isinstance(path, str):
        raise TypeError(f"a batch path is a string like '/odometer', got {path!r}")
    stripped = path.strip().strip("/")
    return "/" + stripped


def default_body(path: str) -> dict[str, Any]:
    """A realistic success body for ``path`` (a fresh copy; ``{}`` for unknown paths)."""
    return copy.deepcopy(DEFAULT_BODIES.get(normalize_path(path), {}))


class _Catalog(enum.Enum):
    """Sentinel type: "the catalog's Retry-After" (``None`` already means "no header")."""

    CATALOG = "catalog"


_CATALOG = _Catalog.CATALOG


@dataclass(frozen=True)
class ErrorOutcome:
    """A failing sub-request with options: ``status`` overrides the item's ``code`` only,
    ``retry_after`` (seconds, or ``None`` for no header) overrides the catalog's, ``body``
    overrides body fields by JSON name (``...`` removes one), ``headers`` adds item headers."""

    spec: ErrorSpec | str
    status: int | None = None
    retry_after: int | str | _Catalog | None = _CATALOG
    body: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


Outcome = ErrorSpec | str | ErrorOutcome | Mapping[str, Any] | None


def _retry_after_name(case: HeaderCase) -> str:
    if case == "lower":
        return "retry-after"
    if case == "title":
        return "Retry-After"
    raise ValueError(f"retry_after_case must be 'lower' or 'title', got {case!r}")


def batch_item(
    path: str,
    outcome: Outcome = None,
    *,
    item_headers: bool | None = None,
    retry_after_case: HeaderCase = "lower",
    request_id: str | None = None,
    unit_system: str = "metric",
    data_age: str = _DATA_AGE,
    **body_options: Any,
) -> dict[str, Any]:
    """One element of ``responses``; see :func:`batch_body` for the options."""
    header_name = _retry_after_name(retry_after_case)
    if outcome is None or isinstance(outcome, Mapping):
        body = default_body(path) if outcome is None else copy.deepcopy(dict(outcome))
        item: dict[str, Any] = {"path": path, "code": 200, "body": body}
        if item_headers is not False:
            success_headers = {"sc-data-age": data_age, "sc-fetched-at": data_age}
            if normalize_path(path) in _UNIT_PATHS:
                success_headers["sc-unit-system"] = unit_system
            item["headers"] = success_headers
        return item
    err = outcome if isinstance(outcome, ErrorOutcome) else ErrorOutcome(outcome)
    if isinstance(err.spec, ErrorSpec):
        spec = err.spec
    elif isinstance(err.spec, str):
        spec = get(err.spec)
    else:
        raise TypeError(
            f"batch outcome for {path!r} must be a catalog key, an ErrorSpec, an ErrorOutcome, "
            f"a success body (dict) or None, got {err.spec!r}"
        )
    body = error_body(
        spec, request_id=request_id or new_request_id(), **body_options, **dict(err.body)
    )
    status = err.status or spec.status
    item = {"path": path, "code": status, "body": body}
    headers: dict[str, str] = {}
    wait: int | str | None
    if isinstance(err.retry_after, _Catalog):
        # Smartcar documents Retry-After on rate-limit items only.
        wait = spec.retry_after if status == 429 else None
    else:
        wait = err.retry_after  # asked for explicitly, whatever the status
    if wait is not None:
        headers[header_name] = str(wait)
    headers.update(err.headers)
    if item_headers is True or (item_headers is None and headers):
        item["headers"] = headers
    return item


def _pairs(paths_to_outcomes: Mapping[str, Outcome] | Iterable[str]) -> list[tuple[str, Outcome]]:
    if isinstance(paths_to_outcomes, Mapping):
        return list(paths_to_outcomes.items())
    if isinstance(paths_to_outcomes, (str, bytes)):
        raise TypeError(
            "batch_body() takes a mapping of paths to outcomes (or a list of paths), "
            f"got {paths_to_outcomes!r}"
        )
    return [(p, None) for p in paths_to_outcomes]


def batch_body(
    paths_to_outcomes: Mapping[str, Outcome] | Iterable[str],
    *,
    item_headers: bool | None = None,
    retry_after_case: HeaderCase = "lower",
    request_id: str | None = None,
    unit_system: str = "metric",
    data_age: str | None = None,
    **body_options: Any,
) -> dict[str, Any]:
    """The JSON body of a batch response: ``{"responses": [...]}`` in the given order.

    Each outcome is a success body (a dict), ``None`` for a realistic default body of
    that path (``{}`` when unknown), or an error: an ErrorSpec, a catalog key such as
    ``"VEHICLE_STATE:ASLEEP"``, or an :class:`ErrorOutcome` for per-item options. A plain
    list of paths means all succeed.

    ``item_headers``: ``None`` (default) gives successes ``sc-data-age``/``sc-fetched-at``
    (plus ``sc-unit-system`` where units matter) and errors headers only when there is a
    Retry-After (429 items); ``True`` gives every item a ``headers`` object; ``False``
    none (note that the official Python SDK's ``batch`` then fails with ``KeyError:
    'headers'`` on success items). ``retry_after_case`` is ``"lower"`` or ``"title"``.
    ``request_id`` is written into every error body's ``requestId`` (fresh UUIDs
    otherwise); other keywords go to :func:`~pytest_smartcar.responses.error_body`
    (``app_name``, ``resolution_style``...).
    """
    if item_headers not in (None, True, False):
        raise TypeError(f"item_headers must be None, True or False, got {item_headers!r}")
    _retry_after_name(retry_after_case)
    age = data_age or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "responses": [
            batch_item(
                path,
                outcome,
                item_headers=item_headers,
                retry_after_case=retry_after_case,
                request_id=request_id,
                unit_system=unit_system,
                data_age=age,
                **body_options,
            )
            for path, outcome in _pairs(paths_to_outcomes)
        ]
    }


def batch_response(
    paths_to_outcomes: Mapping[str, Outcome] | Iterable[str],
    *,
    request_id: str | None = None,
    **options: Any,
) -> httpx.Response:
    """A 200 ``httpx.Response`` carrying :func:`batch_body`, with ``SC-Request-Id`` (the
    same id as the error items' ``requestId`` when ``request_id`` is given)."""
    rid = request_id or new_request_id()
    body = batch_body(paths_to_outcomes, request_id=request_id, **options)
    return json_response(200, body, request_id=rid)


def parse_batch_request(content: bytes | str) -> list[str]:
    """The paths a batch request asks for, from ``{"requests": [{"path": "/odometer"}, ...]}``.

    Raises ``ValueError`` saying what is wrong with a malformed request (Smartcar answers
    those with a 400 VALIDATION error), so a stub can tell a broken client from a broken
    stub.
    """
    if isinstance(content, (bytes, bytearray)):
        try:
            text = bytes(content).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"batch request body is not UTF-8: {exc}") from None
    elif isinstance(content, str):
        text = content
    else:
        raise TypeError(f"parse_batch_request() takes the raw body (bytes or str), got {content!r}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"batch request body is not JSON ({exc}): {text[:200]!r}") from None
    if not isinstance(data, dict):
        raise ValueError(f"batch request body must be a JSON object with 'requests', got {data!r}")
    if "requests" not in data:
        raise ValueError(f'batch request body has no "requests" key (keys: {sorted(data)})')
    requests = data["requests"]
    if not isinstance(requests, list) or not requests:
        raise ValueError(
            f'"requests" must be a non-empty list of {{"path": ...}} objects, got {requests!r}'
        )
    paths = []
    for index, item in enumerate(requests):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not item["path"]:
            raise ValueError(
                f'requests[{index}] must be an object with a string "path", got {item!r}'
            )
        paths.append(item["path"])
    return paths
