"""From the outcome a stub chose to the reply a request gets, in its API version's format.

The engine decides *what* answers a request; this module renders it: a fault, a ready
response, a realistic success, a catalog error in the wire format of the API version the
request called (:mod:`~pytest_smartcar.wire.v2` or :mod:`~pytest_smartcar.wire.v3`), a
v2.0 batch or V3 signals response with failures inside a 200, or the refusal the real API
gives a request it does not accept. Rendered bodies are kept on the stub, so repeated
requests pay for a fresh request id only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_smartcar import endpoints as ep
from pytest_smartcar import endpoints_v3 as ep_v3
from pytest_smartcar.catalog import ErrorSpec, LegacyErrorSpec, OAuthErrorSpec, Refusal, get
from pytest_smartcar.exchange import FAULTS as TRANSPORT_FAULTS
from pytest_smartcar.exchange import Reply, SmartcarRequest
from pytest_smartcar.outcomes import Outcome
from pytest_smartcar.stubs import ServedStub
from pytest_smartcar.wire import oauth, v2, v3
from pytest_smartcar.wire.common import Template, json_reply, new_request_id
from pytest_smartcar.wire.gateway import gateway_reply
from pytest_smartcar.wire.legacy import legacy_reply

__all__ = ["Fill", "api_called", "refusal_reply", "respond"]

_SUCCESS_HEADERS = {"SC-Unit-System": "metric", "SC-Data-Age": "2026-01-01T00:00:00.000Z"}


@dataclass(frozen=True)
class Fill:
    """The engine's values for the placeholders of catalog texts."""

    app_name: str | None
    client_id: str | None

    def options(self, opts: Mapping[str, Any], vehicle_id: str | None) -> dict[str, Any]:
        """How every error body the engine serves is filled in and shaped."""
        return {
            "app_name": self.app_name,
            "client_id": self.client_id,
            "vehicle_id": vehicle_id,
            "resolution_style": opts.get("resolution_style", "object"),
            "doc_url_style": opts.get("doc_url_style", "current"),
        }


def _wire(api: str) -> Any:
    return v3 if api == "v3" else v2


def api_called(request: SmartcarRequest, match: ep.Match | None) -> str:
    """The API version the request called (``"v3"`` or ``"v2.0"``): its answer comes in
    that wire format."""
    if match is not None:
        return match.endpoint.api
    from pytest_smartcar.hosts import host_map

    return ep.api_of(host_map(), None, request.scheme, request.host, request.port, request.path)


def refusal_reply(
    refusal: Refusal, api: str, opts: Mapping[str, Any], match: ep.Match | None, fill: Fill
) -> Reply:
    """The error the real API answers a request it refuses, in the version's format."""
    vehicle_id = match.params.get("vehicle_id") if match else None
    body = {"detail": refusal.detail} if refusal.detail and api == "v3" else None
    reply: Reply = _wire(api).error_reply(
        get(refusal.key), body=body, **fill.options(opts, vehicle_id)
    )
    return reply


def respond(
    stub: ServedStub,
    index: int,
    outcome: Outcome,
    request: SmartcarRequest,
    match: ep.Match | None,
    api: str,
    fill: Fill,
) -> Reply:
    """The reply for ``outcome``, the ``index``-th of ``stub``'s sequence."""
    opts = stub.options
    if outcome.kind == "fault":
        if outcome.label in TRANSPORT_FAULTS:
            return Reply.failure(outcome.label)
        return gateway_reply(int(outcome.label.rsplit("_", 1)[1]))
    if outcome.kind == "response":
        assert outcome.reply is not None
        reply = outcome.reply
        return Reply(reply.status, list(reply.headers), reply.body, reply.reason)
    vehicle_id = match.params.get("vehicle_id") if match else None
    if outcome.kind == "success" and outcome.body is None and _is_batch(match):
        return _batch(None, opts, request.body, fill.options(opts, vehicle_id))  # every path ok
    if outcome.kind == "success":
        return _success(stub, index, outcome, request, match, api)
    spec = outcome.spec
    if isinstance(spec, OAuthErrorSpec):
        return oauth.oauth_reply(spec, oauth.form_value(request.body, spec))
    if isinstance(spec, LegacyErrorSpec):
        return legacy_reply(spec)
    assert isinstance(spec, ErrorSpec)
    if _is_batch(match) and not opts["batch_whole"]:
        return _batch(spec, opts, request.body, fill.options(opts, vehicle_id))
    if match is not None and match.endpoint.name == ep_v3.SIGNALS_ENDPOINT and opts["signals"]:
        return _signals(spec, opts, vehicle_id)
    error_key = (index, api, vehicle_id)
    template = stub.rendered.get(error_key)
    if template is None:
        extra: dict[str, Any] = {}
        if "retry_after" in opts:
            extra["retry_after"] = opts["retry_after"]
        template = stub.rendered[error_key] = _wire(api).error_template(
            spec,
            status=opts.get("status"),
            headers=opts.get("headers"),
            body=opts.get("body"),
            **fill.options(opts, vehicle_id),
            **extra,
        )
    return template.reply()


def _success(
    stub: ServedStub,
    index: int,
    outcome: Outcome,
    request: SmartcarRequest,
    match: ep.Match | None,
    api: str,
) -> Reply:
    """A realistic success (or the stub's own body), rendered once per distinct request
    shape: V3 bodies echo the path's ids and a command's parameters. ``status=`` on a
    success stub sets the HTTP status (202 makes a V3 command answer in progress)."""
    name = match.endpoint.name if match else None
    key: tuple[Any, ...] = (index, name)
    if api == "v3" and match is not None:
        key += (tuple(sorted(match.params.items())), request.body)
    template = stub.rendered.get(key)
    if template is None:
        status = stub.options.get("status")
        if outcome.body is not None:
            status, body = status or 200, outcome.body
        else:
            status, body = ep.success(match, request.body, status)
        if body is None:  # 204 No Content
            return Reply(status, [("SC-Request-Id", new_request_id())], b"")
        headers = _SUCCESS_HEADERS if api == "v2.0" else None
        template = stub.rendered[key] = Template.render(status, body, headers=headers)
    return template.reply()


def _signals(spec: ErrorSpec, opts: Mapping[str, Any], vehicle_id: str | None) -> Reply:
    """200 with the chosen signals failing (``status.value: ERROR``), the rest fine."""
    error = v3.signal_error(spec, **(opts.get("body") or {}))
    failing = {(g, n): error for g, n, _ in ep_v3.signals_matching(opts["signals"])}
    body = ep_v3.signals_body(vehicle_id or "", failing)
    return json_reply(200, body, request_id=new_request_id(), headers=opts.get("headers"))


def _is_batch(match: ep.Match | None) -> bool:
    return match is not None and match.endpoint.name == "batch"


def _batch(
    spec: ErrorSpec | None,
    opts: Mapping[str, Any],
    content: bytes,
    body_options: Mapping[str, Any],
) -> Reply:
    """200 with the error inside the chosen items, as Smartcar reports partial failures
    (``spec=None``: every requested path answers its own success body)."""
    from pytest_smartcar.batch import ErrorOutcome, batch_body, normalize_path, parse_batch_request

    try:
        paths = parse_batch_request(content)
    except ValueError as exc:  # Smartcar rejects a malformed batch as a whole
        return v2.error_reply(
            get("VALIDATION"), body={"description": f"Invalid batch request: {exc}"}
        )
    chosen = opts["batch_paths"]
    wanted = None if chosen is None else {normalize_path(p) for p in chosen}
    failing = spec and ErrorOutcome(
        spec,
        status=opts.get("status"),
        retry_after=opts.get("retry_after", spec.retry_after),
        body=opts.get("body") or {},
        headers={k: v for k, v in (opts.get("headers") or {}).items() if v is not None},
    )
    outcomes = {
        p: failing if wanted is None or normalize_path(p) in wanted else None for p in paths
    }
    # Title-case Retry-After in items: the Python SDK reads only that spelling.
    body = batch_body(outcomes, retry_after_case="title", **body_options)
    return json_reply(200, body, request_id=new_request_id())
