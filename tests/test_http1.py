"""The in-memory server's HTTP/1.1: requests read back whole, responses framed."""

from __future__ import annotations

import pytest

from pytest_smartcar.transports._http1 import RequestReader, response_bytes

HEAD = b"POST /v2.0/vehicles/v/security HTTP/1.1\r\nHost: api.smartcar.com\r\n"


def _feed_bytewise(raw: bytes) -> tuple[RequestReader, int]:
    """Feed one byte at a time; the index of the byte that completed the request."""
    reader = RequestReader()
    for i in range(len(raw)):
        if reader.feed(raw[i : i + 1]):
            return reader, i
    raise AssertionError("the request never completed")


@pytest.mark.parametrize(
    ("raw", "body"),
    [
        (HEAD + b"\r\n", b""),
        (HEAD + b"Content-Length: 5\r\n\r\nhello", b"hello"),
        (HEAD + b"content-length: 0\r\n\r\n", b""),
        (
            HEAD + b"Transfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x=1\r\nlo\r\n0\r\n\r\n",
            b"hello",
        ),
        (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n", b"hello"),
    ],
    ids=["no-body", "length", "length-0", "chunked", "chunked-trailers"],
)
def test_a_request_completes_on_its_last_byte(raw: bytes, body: bytes) -> None:
    reader, last = _feed_bytewise(raw)
    assert last == len(raw) - 1
    assert (reader.method, reader.body) == ("POST", body)
    assert reader.header("HOST") == "api.smartcar.com"


def test_headers_keep_their_case_and_lose_their_padding() -> None:
    reader = RequestReader()
    assert reader.feed(HEAD + b"X-Odd:   spaced \t\r\nExpect: 100-continue\r\n\r\n")
    assert reader.headers[-2:] == [("X-Odd", "spaced"), ("Expect", "100-continue")]


def test_response_framing() -> None:
    plain = response_bytes(430, "Billing Limit Reached", [("Content-Type", "a/b")], b"{}")
    assert plain == (
        b"HTTP/1.1 430 Billing Limit Reached\r\nContent-Type: a/b\r\nContent-Length: 2\r\n\r\n{}"
    )
    chunked = response_bytes(200, None, [("Transfer-Encoding", "chunked")], b"abc")
    assert chunked == b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    assert response_bytes(204, None, [], b"") == b"HTTP/1.1 204 No Content\r\n\r\n"
    assert response_bytes(409, None, [], b"xyz", with_body=False).endswith(
        b"Content-Length: 3\r\n\r\n"
    )
    assert response_bytes(599, None, [], b"").startswith(b"HTTP/1.1 599 \r\n")
