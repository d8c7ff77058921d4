"""The engine's scenarios, each written once and run over httpx sync, httpx async and requests."""

from __future__ import annotations

import pytest

from pytest_smartcar import SmartcarError, catalog, stub_smartcar
from pytest_smartcar.errors import (
    SmartcarUsageError,
    UnmatchedSmartcarRequest,
    UnrequestedSmartcarStub,
)
from tests.transports import Fault, Transport

API = "https://api.smartcar.com/v2.0"
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
ODOMETER = f"{API}/vehicles/{VEHICLE}/odometer"
SECURITY = f"{API}/vehicles/{VEHICLE}/security"


@pytest.mark.parametrize("spec", catalog.API_ERRORS, ids=lambda s: s.key)
def test_every_catalog_error_round_trips(client: Transport, spec: catalog.ErrorSpec) -> None:
    with stub_smartcar() as stub:
        stub.serve(spec)
        reply = client.get(ODOMETER)
    parsed = reply.parsed
    assert reply.status == spec.status
    assert (parsed.type, parsed.code, parsed.resolution) == (spec.type, spec.code, spec.resolution)
    assert parsed.request_id == reply.headers["sc-request-id"] == reply.json()["requestId"]
    assert parsed.retry_after == (float(spec.retry_after) if spec.retry_after else None)
    assert stub.served == {spec.key: 1}
    assert stub.calls[0].endpoint == "odometer"


def test_retry_sequence_then_success(client: Transport) -> None:
    """RATE_LIMIT:VEHICLE twice with Retry-After: 2, then the odometer reading."""
    with stub_smartcar() as stub:
        stub.serve("RATE_LIMIT:VEHICLE", times=2, retry_after=2, then="success")
        replies = [client.get(ODOMETER) for _ in range(3)]
    assert [r.status for r in replies] == [429, 429, 200]
    assert [r.parsed.retry_after for r in replies[:2]] == [2.0, 2.0]
    assert replies[2].json() == {"distance": 104.32}
    assert stub.served == {"RATE_LIMIT:VEHICLE": 2, "success": 1}


def test_then_sequence_last_outcome_repeats(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL", times=1, then=["UPSTREAM:NO_RESPONSE", {"distance": 1.5}])
        statuses = [client.get(ODOMETER).status for _ in range(4)]
    assert statuses == [500, 502, 200, 200]


def test_times_without_then_is_used_up(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", times=1)
        assert client.get(ODOMETER).status == 409
        with pytest.raises((UnmatchedSmartcarRequest, Fault)) as info:
            client.get(ODOMETER)
        stub.unmatched.clear()
    assert "used up: it answered its 1 request" in _message(info.value)


@pytest.mark.parametrize(
    ("fault", "kind"), [("timeout", "timeout"), ("connect_error", "connect_error")]
)
def test_transport_faults_raise_the_clients_exception(
    client: Transport, fault: str, kind: str
) -> None:
    with stub_smartcar() as stub:
        stub.serve(fault)
        with pytest.raises(Fault) as info:
            client.get(ODOMETER)
    assert info.value.kind == kind
    assert stub.served == {fault: 1}


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_html_pages(client: Transport, status: int) -> None:
    with stub_smartcar() as stub:
        stub.serve(f"gateway_{status}")
        reply = client.get(ODOMETER)
    assert reply.status == status
    assert reply.headers["content-type"] == "text/html"
    assert reply.content.startswith(b"<html>")
    assert reply.parsed == SmartcarError(status=status)


def test_endpoint_method_and_vehicle_narrowing(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:DOOR_OPEN", endpoint="lock")
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer", vehicle_id=VEHICLE)
        stub.serve("COMPATIBILITY:VEHICLE_NOT_CAPABLE", endpoint="charge.*", method="POST")
        assert client.post(SECURITY, json={"action": "LOCK"}).parsed.code == "DOOR_OPEN"
        assert client.get(ODOMETER).parsed.code == "ASLEEP"
        start = client.post(f"{API}/vehicles/{VEHICLE}/charge", json={"action": "START"})
        assert start.parsed.code == "VEHICLE_NOT_CAPABLE"
        with pytest.raises((UnmatchedSmartcarRequest, Fault)) as info:
            client.post(SECURITY, json={"action": "UNLOCK"})
        stub.unmatched.clear()
    message = _message(info.value)
    assert "no stub answers POST https://api.smartcar.com/v2.0/vehicles/" in message
    assert "endpoint unlock is not among lock" in message
    assert [c.endpoint for c in stub.calls] == ["lock", "odometer", "charge.start"]


def test_newest_stub_wins(client: Transport) -> None:
    with stub_smartcar(assert_all_requested=False) as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        stub.serve("RATE_LIMIT:VEHICLE", endpoint="odometer")
        assert client.get(ODOMETER).status == 429


def test_call_recording(client: Transport) -> None:
    with stub_smartcar() as stub:
        served = stub.serve("VEHICLE_STATE:ASLEEP", times=1, then="success")
        client.get(ODOMETER, headers={"Authorization": "Bearer secret-token"})
        client.get(ODOMETER)
    assert served.call_count == 2
    assert [c.key for c in stub.calls] == ["VEHICLE_STATE:ASLEEP", "success"]
    assert stub.calls[0].spec is catalog.get("VEHICLE_STATE:ASLEEP")
    assert stub.calls[0].request.url == ODOMETER
    assert stub.calls[0].response is not None and stub.calls[0].response.status_code == 409
    assert stub.spec is catalog.get("VEHICLE_STATE:ASLEEP")
    shown = stub.describe_calls()
    assert "secret-token" not in shown
    assert "authorization: [redacted]" in shown.lower()


def test_unmatched_smartcar_request_is_never_sent(client: Transport) -> None:
    with stub_smartcar(assert_all_requested=False) as stub:
        with pytest.raises((UnmatchedSmartcarRequest, Fault)) as info:
            client.get(f"{API}/vehicles/{VEHICLE}/battery")
        assert len(stub.unmatched) == 1
        with pytest.raises(UnmatchedSmartcarRequest, match="caught this error"):
            stub.verify()
        stub.unmatched.clear()
    assert "Nothing is served yet" in _message(info.value)


def test_strictness_is_reported_on_exit(client: Transport) -> None:
    with pytest.raises(UnrequestedSmartcarStub, match=r"VEHICLE_STATE:ASLEEP \(409\) on lock"):
        with stub_smartcar() as stub:
            stub.serve("VEHICLE_STATE:ASLEEP", endpoint="lock")
            stub.serve("SERVER:INTERNAL", endpoint="odometer")
            client.get(ODOMETER)


def test_body_exception_is_not_masked_by_the_exit_check(client: Transport) -> None:
    with pytest.raises(ZeroDivisionError), stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        1 / 0  # noqa: B018


def test_optional_stub_may_go_unused(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="lock", optional=True)
        stub.succeed(endpoint="odometer")
        assert client.get(ODOMETER).status == 200


def test_ready_response_answers_every_smartcar_request(client: Transport) -> None:
    response = catalog.get("UPSTREAM:NO_RESPONSE").response(request_id="rid-1")
    with stub_smartcar(response):
        first = client.get(ODOMETER)
        second = client.get(f"{API}/vehicles/{VEHICLE}/no/such/path")
    assert first.status == second.status == 502
    assert first.parsed.request_id == second.parsed.request_id == "rid-1"


def test_body_headers_and_status_overrides(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve(
            "VEHICLE_STATE:ASLEEP",
            body={"description": "custom", "suggestedUserMessage": ...},
            headers={"X-Extra": "1"},
            resolution_style="string",
        )
        reply = client.get(ODOMETER)
    body = reply.json()
    assert body["description"] == "custom"
    assert "suggestedUserMessage" not in body
    assert body["resolution"] is None
    assert reply.headers["x-extra"] == "1"


def test_app_name_and_vehicle_id_fill_the_texts(client: Transport) -> None:
    with stub_smartcar(app_name="Optiwatt") as stub:
        stub.serve("CONNECTED_SERVICES_ACCOUNT:AUTHENTICATION_FAILED")
        reply = client.get(ODOMETER)
    parsed = reply.parsed
    assert parsed.suggested_user_message is not None
    assert "Optiwatt" in parsed.suggested_user_message
    assert parsed.resolution_url is not None
    assert f"vehicle_id={VEHICLE}" in parsed.resolution_url
    assert parsed.resolution_url in parsed.suggested_user_message


def test_token_endpoint_oauth_error(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("OAUTH:INVALID_CODE", endpoint="token")
        reply = client.post(
            "https://auth.smartcar.com/oauth/token",
            data={"grant_type": "authorization_code", "code": "bad-code"},
        )
    assert reply.status == 400
    assert reply.json() == {
        "error": "invalid_request",
        "error_description": "Invalid code: bad-code.",
    }


def test_other_hosts_pass_through_unless_blocked(client: Transport) -> None:
    with stub_smartcar(assert_all_requested=False):
        with pytest.raises(Fault):  # passed through: nothing listens on port 9
            client.get("http://127.0.0.1:9/health")
    with stub_smartcar(block_unmatched=True, assert_all_requested=False) as stub:
        with pytest.raises((UnmatchedSmartcarRequest, Fault)) as info:
            client.get("http://127.0.0.1:9/health")
        stub.unmatched.clear()
    assert "block_unmatched is on" in _message(info.value)


def test_env_origin_override(client: Transport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCAR_API_ORIGIN", "http://localhost:8123")
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        reply = client.get(f"http://localhost:8123/v2.0/vehicles/{VEHICLE}/odometer")
    assert reply.status == 409


def test_legacy_v1_error(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("v1:vehicle_state_error:VS_000")
        reply = client.get(ODOMETER)
    assert reply.status == 409
    assert reply.parsed.type == "vehicle_state_error"
    assert reply.parsed.code == "VS_000"


def test_nothing_leaks_after_exit(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP")
        client.get(ODOMETER)
    with pytest.raises(Exception) as info:  # the real network guard refuses it
        client.get(ODOMETER)
    assert "network" in repr(info.value) or isinstance(info.value, Fault)


def test_decorator_form_sync_and_async() -> None:
    import asyncio

    import httpx

    response = catalog.get("VEHICLE_STATE:ASLEEP").response()

    @stub_smartcar(response)
    def sync_call() -> int:
        return httpx.get(ODOMETER).status_code

    @stub_smartcar(response)
    async def async_call() -> int:
        async with httpx.AsyncClient() as c:
            return (await c.get(ODOMETER)).status_code

    assert sync_call() == 409
    assert asyncio.run(async_call()) == 409


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"times": 0}, "times= takes a positive whole number, got 0"),
        ({"times": True}, "times= takes a positive whole number, got True"),
        ({"then": "success"}, "then='success' is never reached without times="),
        (
            {"endpoint": "odometr"},
            "endpoint='odometr' names no Smartcar endpoint; did you mean odometer?",
        ),
        ({"method": "FETCH"}, "method='FETCH' is not one of GET, POST, PUT, PATCH, DELETE"),
        ({"optional": "yes"}, "optional= takes True or False, got 'yes'"),
        ({"status": 99}, "status= takes an HTTP status code, got 99"),
    ],
)
def test_serve_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    stub = stub_smartcar()
    with pytest.raises(SmartcarUsageError) as info:
        stub.serve("VEHICLE_STATE:ASLEEP", **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_serve_unknown_key_suggests() -> None:
    with pytest.raises(SmartcarUsageError, match="did you mean VEHICLE_STATE:ASLEEP"):
        stub_smartcar().serve("VEHICLE_STATE:ASLEPE")
    with pytest.raises(SmartcarUsageError, match="takes a catalog key"):
        stub_smartcar().serve(42)


def _message(exc: BaseException) -> str:
    """The engine's message, whether raised directly or wrapped by the transport."""
    while exc is not None and not isinstance(exc, UnmatchedSmartcarRequest):
        nxt = getattr(exc, "origin", None) or exc.__cause__ or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return str(exc)


def test_batch_partial_failure(client: Transport) -> None:
    with stub_smartcar() as stub:
        stub.serve("RATE_LIMIT:VEHICLE", endpoint="batch", batch_paths=["/fuel"], retry_after=30)
        reply = client.post(
            f"{API}/vehicles/{VEHICLE}/batch",
            json={"requests": [{"path": "/odometer"}, {"path": "/fuel"}]},
        )
    assert reply.status == 200
    odometer, fuel = reply.json()["responses"]
    assert (odometer["path"], odometer["code"]) == ("/odometer", 200)
    assert "distance" in odometer["body"]
    assert (fuel["path"], fuel["code"]) == ("/fuel", 429)
    assert (fuel["body"]["type"], fuel["body"]["code"]) == ("RATE_LIMIT", "VEHICLE")
    assert fuel["headers"] == {"Retry-After": "30"}
    assert stub.served == {"RATE_LIMIT:VEHICLE": 1}


def test_batch_whole_and_malformed(client: Transport) -> None:
    url = f"{API}/vehicles/{VEHICLE}/batch"
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL", endpoint="batch", batch_whole=True)
        whole = client.post(url, json={"requests": [{"path": "/fuel"}]})
    with stub_smartcar() as stub:
        stub.serve("VEHICLE_STATE:ASLEEP", endpoint="batch")
        malformed = client.post(url, json={"request": []})
    assert whole.status == 500
    assert malformed.status == 400
    assert malformed.parsed.type == "VALIDATION"
    assert (malformed.parsed.description or "").startswith("Invalid batch request:")


def test_batch_success_answers_each_requested_path(client: Transport) -> None:
    """``succeed(endpoint="batch")`` and ``then="success"`` answer the paths asked for."""
    url = f"{API}/vehicles/{VEHICLE}/batch"
    with stub_smartcar() as stub:
        stub.serve("SERVER:INTERNAL", endpoint="batch", batch_whole=True, times=1, then="success")
        client.post(url, json={"requests": [{"path": "/odometer"}]})
        reply = client.post(url, json={"requests": [{"path": "/battery"}, {"path": "/fuel"}]})
    items = reply.json()["responses"]
    assert [(i["path"], i["code"]) for i in items] == [("/battery", 200), ("/fuel", 200)]
    assert "percentRemaining" in items[0]["body"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"endpoint": "odometer", "method": "POST"},
            "method=POST conflicts with endpoint='odometer': those endpoints answer GET only",
        ),
        (
            {"endpoint": "odometer", "batch_paths": ["/fuel"]},
            "batch_paths=/batch_whole= only apply to the batch endpoint",
        ),
        (
            {"endpoint": "batch", "batch_paths": ["/fuel"], "batch_whole": True},
            "batch_paths= and batch_whole=True conflict",
        ),
    ],
)
def test_serve_rejects_conflicting_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SmartcarUsageError) as info:
        stub_smartcar().serve("VEHICLE_STATE:ASLEEP", **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
