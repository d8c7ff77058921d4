"""Named mutation operators for Smartcar error responses, and the ground truth of each.

Everything here is plain data and pure functions; hypothesis is not imported
(``pytest_smartcar.strategies`` draws the choices).

- :class:`Draft` (``draft``) is a response under construction: HTTP status, headers as
  sent, the JSON body (or raw bytes that replace it) and a running human description.
- ``v2_draft``, ``batch_draft`` (``v2``), ``v3_draft`` (``v3``), ``v1_draft`` and
  ``oauth_draft`` (``legacy``) build what Smartcar really sends; their options are *valid*
  variations (nothing is broken).
- :data:`OPERATORS` are named mutation operators: each takes a draft and one of the
  discrete ``choices`` it offers for that draft, and returns the broken draft with a note
  saying what was broken; an operator with no choices does not apply to the draft. They
  live by what they break: ``fields`` (one field of the error, any version), ``v2``
  (``statusCode``), ``v3`` (the ``errors`` array and V3-only fields), ``bodies`` (the
  whole body) and ``headers``.
- :func:`expected_error` (``truth``) is the ground truth, derived from the draft's
  structured data and sharing no code with ``pytest_smartcar.parser``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_smartcar._mutations import bodies, fields, headers, v2, v3
from pytest_smartcar._mutations.draft import (
    CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    JSONAPI_CONTENT_TYPE,
    REQUEST_ID,
    RETRY_AFTER,
    DocUrlStyle,
    Draft,
    Family,
    NameStyle,
    Operator,
    ResolutionStyle,
    encode_json,
    rename_headers,
)
from pytest_smartcar._mutations.legacy import oauth_draft, v1_draft
from pytest_smartcar._mutations.truth import expected_error
from pytest_smartcar._mutations.v2 import BatchItem, batch_draft, v2_draft, validation_detail
from pytest_smartcar._mutations.v3 import V3ResolutionStyle, v3_draft

__all__ = [
    "CONTENT_TYPE",
    "JSONAPI_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "OPERATORS",
    "REQUEST_ID",
    "RETRY_AFTER",
    "BatchItem",
    "DocUrlStyle",
    "Draft",
    "Family",
    "NameStyle",
    "Operator",
    "ResolutionStyle",
    "V3ResolutionStyle",
    "apply_operators",
    "batch_draft",
    "encode_json",
    "expected_error",
    "oauth_draft",
    "rename_headers",
    "v1_draft",
    "v2_draft",
    "v3_draft",
    "validation_detail",
]

OPERATORS: Mapping[str, Operator] = {
    op.name: op for module in (fields, v2, v3, bodies, headers) for op in module.OPERATORS
}


def apply_operators(draft: Draft, chosen: Sequence[tuple[str, Any]]) -> Draft:
    """Apply ``(operator name, choice)`` pairs in order (no hypothesis needed)."""
    for name, choice in chosen:
        draft = OPERATORS[name](draft, choice)
    return draft
