"""The record of what happened: one ``Call`` per Smartcar request an engine answered.

A call keeps the neutral request and reply; the ``httpx`` objects users read
(``call.request``, ``call.response``) are built on first access, so a request that nobody
inspects costs no httpx objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pytest_smartcar.exchange import Reply, SmartcarRequest
from pytest_smartcar.redact import REDACTED, redact_url

if TYPE_CHECKING:
    import httpx

    from pytest_smartcar.catalog import AnySpec
    from pytest_smartcar.stubs import ServedStub

__all__ = ["REDACTED", "Call", "describe_calls", "describe_request", "redact_headers"]

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "sc-signature"})


class Call:
    """One Smartcar request the engine answered: what came, what went back, and when.

    ``key`` is the catalog key, ``"success"`` or a fault name; ``endpoint`` the endpoint
    name (``None`` for an undocumented path); ``at`` the time of the request in seconds,
    on the virtual clock when one runs, else since the engine started. ``refused`` says
    why the real API would have refused the request (no ``Authorization``, no
    ``sc-user-id``) when the engine answered that refusal instead of the stub's outcome.
    """

    __slots__ = (
        "_extra",
        "at",
        "endpoint",
        "exchange",
        "key",
        "refused",
        "reply",
        "spec",
        "stub",
    )

    def __init__(
        self,
        exchange: SmartcarRequest,
        key: str,
        endpoint: str | None,
        stub: ServedStub | None,
        spec: AnySpec | None,
        at: float,
    ) -> None:
        self.exchange = exchange
        self.key = key
        self.endpoint = endpoint
        self.stub = stub
        self.spec = spec
        self.at = at
        self.reply: Reply | None = None
        self.refused: str | None = None
        self._extra: dict[str, Any] = {}

    @property
    def request(self) -> httpx.Request:
        """The request as an ``httpx.Request`` (whatever client sent it)."""
        return self.exchange.to_httpx()

    @property
    def response(self) -> httpx.Response | None:
        """The response as an ``httpx.Response``; ``None`` for a fault (no response)."""
        if self.reply is None or self.reply.fault is not None:
            return None
        return self.reply.record()

    @property
    def status(self) -> int | None:
        """The HTTP status served, ``None`` for a fault."""
        if self.reply is None or self.reply.fault is not None:
            return None
        return self.reply.status

    def __repr__(self) -> str:
        return f"<Call {describe_request(self.exchange)} -> {self.key}>"


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers safe to print: credentials replaced with ``[redacted]``."""
    return [(k, REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in headers]


def describe_request(request: SmartcarRequest | Any) -> str:
    """``GET https://api.smartcar.com/...`` for messages (query strings redacted)."""
    return f"{request.method} {redact_url(str(request.url))}"


def describe_calls(
    calls: Sequence[Call], unmatched: Sequence[SmartcarRequest], limit: int = 2000
) -> str:
    """What was served, request by request, for a failure report (secrets redacted)."""
    if not calls and not unmatched:
        return "no Smartcar request was made"
    lines: list[str] = []
    for call in calls:
        status = call.status if call.status is not None else "-"
        lines.append(f"{describe_request(call.exchange)} -> {call.key} ({status})")
        if call.refused:
            lines.append(f"    refused: {call.refused}")
        lines += [f"    > {k}: {v}" for k, v in redact_headers(call.exchange.headers)]
        if call.reply is not None and call.reply.fault is None:
            text = call.reply.body[:limit].decode("utf-8", "replace")
            lines.append(f"    < {text}")
    for request in unmatched:
        lines.append(f"{describe_request(request)} -> unmatched (UnmatchedSmartcarRequest)")
    return "\n".join(lines)
