"""The V3 ground-truth rules of PRODUCT.md, written out independently of the plugin.

What a correct parser must recover from a V3 error response: the tests check served
responses against this, so the wire format is held to the rules, not to itself. (The
reference parser's V3 reading is written elsewhere; this stays the independent check.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pytest_smartcar import catalog
from pytest_smartcar.catalog import ErrorSpec


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def truth(status: int, headers: Mapping[str, str], content: bytes) -> dict[str, Any]:
    """The fields the rules recover from a response (``headers`` with lower-case names)."""
    out: dict[str, Any] = {"status": status, "type": None}
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    body: Any = None
    if not media or media == "application/json" or media.endswith("+json"):
        try:
            body = json.loads(content.decode("utf-8"))
        except ValueError:
            body = None
    rid = headers.get("sc-request-id")
    out["request_id"] = rid
    wait = headers.get("retry-after", "").strip(" ")
    out["retry_after"] = float(wait) if re.fullmatch(r"[0-9]+", wait) else None
    if not isinstance(body, dict) or isinstance(body.get("type"), str):
        return out
    errors = body.get("errors")
    if not (isinstance(errors, list) and errors and isinstance(errors[0], dict)):
        return out
    item = errors[0]
    if not isinstance(item.get("type"), str):
        return out
    links = item.get("links")
    resolution = item.get("resolution")
    out.update(
        type=item["type"],
        code=_string(item.get("code")),
        title=_string(item.get("title")),
        suggested_user_message=_string(item.get("suggestedUserMessage")),
        description=_string(item.get("detail")),
        doc_url=_string(links.get("about")) if isinstance(links, dict) else None,
        resolution=(
            _string(resolution.get("type")) if isinstance(resolution, dict) else _string(resolution)
        ),
        resolution_url=_string(resolution.get("url")) if isinstance(resolution, dict) else None,
        detail=None,
    )
    if rid is None and isinstance(body.get("requestId"), str):
        out["request_id"] = body["requestId"]
    return out


def assert_v3_error(
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    spec: ErrorSpec | str,
    *,
    detail: str | None = None,
) -> dict[str, Any]:
    """The response is ``spec`` in the V3 wire format, read by the rules alone
    (``detail`` when the engine replaced the catalog's)."""
    if isinstance(spec, str):
        spec = catalog.get(spec)
    got = truth(status, {k.lower(): v for k, v in headers.items()}, content)
    facts = spec.v3
    assert got["status"] == spec.status
    assert (got["type"], got["code"], got["title"]) == (spec.type, facts.code, facts.title)
    assert (got["description"], got["doc_url"]) == (detail or facts.detail, facts.about)
    assert got["resolution"] == (spec.resolution if facts.resolution else None)
    assert (got["suggested_user_message"] is not None) == (facts.suggested_user_message is not None)
    assert got["request_id"] is not None and len(got["request_id"]) == 36
    assert got["retry_after"] == (float(facts.retry_after) if facts.retry_after else None)
    item = json.loads(content)["errors"][0]
    assert item["status"] == str(spec.status)  # a string, and never the status claim
    assert not {"requestId", "statusCode", "docURL", "description"} & set(item)
    return got
