"""Engine behaviours the red-team run found wrong: encoded ready responses, nested
engines, and the wording of the unmatched message outside pytest."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib

import httpx
import pytest

from pytest_smartcar import SmartcarError, stub_smartcar
from tests.transports import Transport

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
BODY = json.dumps({"type": "SERVER", "code": "INTERNAL", "description": "boom"}).encode()


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [("gzip", gzip.compress(BODY)), ("deflate", zlib.compress(BODY))],
    ids=["gzip", "deflate"],
)
def test_a_ready_response_with_a_content_encoding_arrives_as_built(
    client: Transport, encoding: str, encoded: bytes
) -> None:
    response = httpx.Response(
        500,
        headers={"Content-Encoding": encoding, "Content-Type": "application/json"},
        content=encoded,
    )
    with stub_smartcar(response):
        reply = client.get(ODOMETER)
    assert reply.status == 500
    assert reply.content == BODY  # decoded once, by the client, as from the network
    assert reply.headers["content-encoding"] == encoding
    assert (reply.parsed.type, reply.parsed.code) == ("SERVER", "INTERNAL")


def test_nested_engines_answer_innermost_first(client: Transport) -> None:
    with stub_smartcar() as outer:
        outer.serve("SERVER:INTERNAL", endpoint="odometer")
        outer.serve("VEHICLE_STATE:ASLEEP", endpoint="battery")
        with stub_smartcar() as inner:
            inner.serve("RATE_LIMIT:VEHICLE", endpoint="odometer")
            odometer = client.get(ODOMETER)
            battery = client.get(ODOMETER.replace("odometer", "battery"))
        after = client.get(ODOMETER)
    assert (odometer.status, battery.status, after.status) == (429, 409, 500)
    assert inner.served == {"RATE_LIMIT:VEHICLE": 1}
    assert outer.served == {"VEHICLE_STATE:ASLEEP": 1, "SERVER:INTERNAL": 1}


OUTSIDE_PYTEST = """
import httpx
from pytest_smartcar import stub_smartcar
from pytest_smartcar.errors import UnmatchedSmartcarRequest

with stub_smartcar(assert_all_requested=False) as stub:
    try:
        httpx.get("https://api.smartcar.com/v2.0/vehicles/abc/odometer")
    except UnmatchedSmartcarRequest as exc:
        print(exc)
"""


def test_outside_pytest_the_message_names_the_users_stub() -> None:
    done = subprocess.run(
        [sys.executable, "-c", OUTSIDE_PYTEST], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert 'stub.serve("KEY", endpoint="odometer")' in done.stdout
    assert "stub.succeed(" in done.stdout
    assert "smartcar_error" not in done.stdout, done.stdout


def test_the_reference_parser_reads_an_encoded_ready_response() -> None:
    response = httpx.Response(
        500, headers={"Content-Encoding": "gzip"}, content=gzip.compress(BODY)
    )
    assert SmartcarError.from_response(response).code == "INTERNAL"
