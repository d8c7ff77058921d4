"""HTTP/1.1 on the server's side, as little as an in-memory connection needs: standard library.

:class:`RequestReader` collects the bytes a client writes until one request is complete
(its head, then a ``Content-Length`` or chunked body, the framing RFC 9112 section 6
gives), and :func:`response_bytes` writes a reply as a server would send it. The aiohttp
transport feeds those bytes to aiohttp's own parser. We wrote this instead of using h11
(which httpx already installs) because the reader needs only framing from a client that
writes well-formed requests, and h11 costs about 60 µs per request against 3 µs here.
"""

from __future__ import annotations

from functools import lru_cache
from http import HTTPStatus

__all__ = ["RequestReader", "response_bytes"]

_END = b"\r\n\r\n"
#: Statuses whose responses never have a body (RFC 9110 section 6.4.1).
_NO_BODY = frozenset({*range(100, 200), 204, 304})


class RequestReader:
    """One request's bytes, as written: ``feed()`` until it says the request is complete."""

    __slots__ = ("_body_at", "_buffer", "_chunked", "_length", "body", "headers", "method")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._body_at = -1  # where the body starts, once the head is in
        self._chunked = False
        self._length = 0
        self.method = ""
        self.headers: list[tuple[str, str]] = []
        self.body = b""

    @property
    def raw(self) -> bytes:
        """Every byte fed so far, as written."""
        return bytes(self._buffer)

    @property
    def head_complete(self) -> bool:
        return self._body_at >= 0

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def feed(self, data: bytes | bytearray | memoryview) -> bool:
        """Add written bytes; ``True`` once the whole request is in (the body is then set)."""
        self._buffer += data
        if self._body_at < 0:
            end = self._buffer.find(_END)
            if end < 0:
                return False
            self._read_head(bytes(self._buffer[:end]))
            self._body_at = end + len(_END)
        rest = self._buffer[self._body_at :]
        if self._chunked:
            body = _dechunk(rest)
            if body is None:
                return False
            self.body = body
            return True
        if len(rest) < self._length:
            return False
        self.body = bytes(rest[: self._length])
        return True

    def _read_head(self, head: bytes) -> None:
        lines = head.decode("utf-8", "surrogateescape").split("\r\n")
        self.method = lines[0].split(" ", 1)[0]
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip(), value.strip(" \t")))
        encoding = (self.header("transfer-encoding") or "").lower()
        self._chunked = encoding.rsplit(",", 1)[-1].strip() == "chunked"
        length = self.header("content-length")
        self._length = int(length) if length and length.strip().isdigit() else 0


def _dechunk(data: bytearray) -> bytes | None:
    """The body of a complete chunked message, or ``None`` while more is to come."""
    out = bytearray()
    at = 0
    while True:
        eol = data.find(b"\r\n", at)
        if eol < 0:
            return None
        size = int(bytes(data[at:eol]).split(b";", 1)[0].strip() or b"0", 16)
        at = eol + 2
        if size == 0:  # the last chunk; then trailers, ended by an empty line
            if data.startswith(b"\r\n", at):
                return bytes(out)
            return bytes(out) if data.find(_END, at - 2) >= 0 else None
        if len(data) < at + size + 2:
            return None
        out += data[at : at + size]
        at += size + 2


@lru_cache(maxsize=128)
def _status_line(status: int, reason: str | None) -> bytes:
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"HTTP/1.1 {status} {reason}\r\n".encode("latin-1", "replace")


def response_bytes(
    status: int,
    reason: str | None,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    with_body: bool = True,
) -> bytes:
    """A response as a server sends it: the headers as given, plus ``Content-Length`` when
    neither it nor ``Transfer-Encoding`` frames the body (a chunked body is chunked here)."""
    lines = [_status_line(status, reason)]
    lines += [f"{k}: {v}\r\n".encode("utf-8", "surrogateescape") for k, v in headers]
    names = {k.lower(): v for k, v in headers}
    coding = names.get("transfer-encoding")
    chunked = coding is not None and coding.rsplit(",", 1)[-1].strip().lower() == "chunked"
    if coding is None and "content-length" not in names and status not in _NO_BODY:
        lines.append(b"Content-Length: %d\r\n" % len(body))
    lines.append(b"\r\n")
    if with_body and body:
        lines.append(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if chunked else body)
    elif with_body and chunked:
        lines.append(b"0\r\n\r\n")
    return b"".join(lines)
