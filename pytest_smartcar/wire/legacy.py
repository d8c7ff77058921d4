"""The v1.0 wire format (sunset 2023-01-06): ``{"error", "message", "code"?}``.

Old integrations and SDK fixtures still show it (reference smartcar-errors.md section 3).
"""

from __future__ import annotations

from pytest_smartcar.catalog import LegacyErrorSpec
from pytest_smartcar.exchange import Reply
from pytest_smartcar.wire.common import json_reply, new_request_id

__all__ = ["legacy_reply"]


def legacy_reply(spec: LegacyErrorSpec, *, request_id: str | None = None) -> Reply:
    """A v1.0 error response with its ``SC-Request-Id``."""
    return json_reply(spec.status, spec.body(), request_id=request_id or new_request_id())
