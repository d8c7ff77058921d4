"""Hostile inputs for ``SmartcarError.from_response``: duck-typed responses whose parts
raise or hold the wrong types, around every kind of body ``error_cases`` generates (huge
integers, nesting past the recursion limit, Retry-After values of thousands of digits).

The expected result is the ground truth of what the parser can read: a part that raises
or holds what the rules cannot read is absent, and only that part. It is computed with
``tests.wire_truth`` from the parts a parser can see, never with the parser.

Run as a script for the long run (issue 17 asks for at least 100,000 inputs)::

    .venv/bin/python tests/hostile.py 100000
"""

from __future__ import annotations

import dataclasses
import http
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import strategies as st

from pytest_smartcar._mutations.headers import HUGE_RETRY_AFTERS
from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.strategies import ErrorCase, error_cases
from tests.wire_truth import agrees, truth_from_the_wire


class Weird(Exception):
    """An exception of the app's own, whose message cannot even be printed."""

    def __str__(self) -> str:
        raise RuntimeError("no message")


#: What a property of a hostile response raises (Exception subclasses only: a parser
#: that swallowed KeyboardInterrupt would be a defect of its own).
EXCEPTIONS: tuple[Exception, ...] = (
    ValueError("bad"),
    RuntimeError("closed"),
    AttributeError("content"),
    KeyError("status_code"),
    TypeError("not bytes"),
    RecursionError("deep"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    OverflowError("int too large to convert to float"),
    MemoryError(),
    Weird(),
)


class StatusSubclass(int):
    """An int subclass whose conversions raise."""

    def __int__(self) -> int:
        raise ValueError("no int")

    def __index__(self) -> int:
        raise ValueError("no index")


class RaisingItems:
    def items(self) -> Any:
        raise RuntimeError("headers closed")


@dataclass
class BreaksMidway:
    """Header pairs that raise after ``at`` of them."""

    pairs: list[tuple[str, str]]
    at: int

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for index, pair in enumerate(self.pairs):
            if index == self.at:
                raise ConnectionResetError("stream reset")
            yield pair


_MISSING = object()


class Hostile:
    """A duck-typed response: each part a value, or an exception it raises."""

    def __init__(self, status: Any, headers: Any, content: Any, read: Any = _MISSING) -> None:
        self._status, self._headers, self._content, self._read = status, headers, content, read

    @staticmethod
    def _give(value: Any) -> Any:
        if isinstance(value, BaseException):
            raise value
        return value

    @property
    def status_code(self) -> Any:
        return self._give(self._status)

    @property
    def headers(self) -> Any:
        return self._give(self._headers)

    @property
    def content(self) -> Any:
        return self._give(self._content)

    def read(self) -> Any:
        if self._read is _MISSING:
            raise AttributeError("read")
        return self._give(self._read)

    def __repr__(self) -> str:
        parts = (type(self._headers).__name__, type(self._content).__name__)
        return f"Hostile({self._status!r}, {', '.join(parts)})"


@dataclass(frozen=True)
class HostileCase:
    """A hostile response, what a correct parser recovers from it, and how it was made."""

    response: Hostile
    expected: SmartcarError
    description: str


STATUS_KINDS = ("plain", "raises", "bool", "str", "none", "HTTPStatus", "int subclass", "float")
HEADER_KINDS = (
    "httpx",
    "dict",
    "pairs",
    "bytes pairs",
    "raises",
    "items raises",
    "breaks midway",
    "none",
    "junk items",
)
CONTENT_KINDS = (
    "bytes",
    "bytearray",
    "memoryview",
    "str",
    "raises, read() gives bytes",
    "raises, read() raises",
    "none",
    "int",
    "list",
)
_JUNK: tuple[Any, ...] = (("X-A", "b", "c"), 7, (1, 2), (None, "x"), ("X-Int", 5), "ab", ())


def _status(kind: str, status: int, error: Exception) -> tuple[Any, int | None]:
    if kind == "plain":
        return status, status
    if kind == "HTTPStatus" and status in http.HTTPStatus._value2member_map_:
        return http.HTTPStatus(status), status
    if kind == "int subclass":
        return StatusSubclass(status), status
    values: dict[str, Any] = {"raises": error, "bool": True, "str": str(status), "none": None}
    return values.get(kind, float(status)), None


def _headers(
    kind: str, pairs: list[tuple[str, str]], error: Exception, at: int
) -> tuple[Any, list[tuple[str, str]]]:
    """The headers object, and the pairs a parser can read from it."""
    if kind == "httpx":
        return httpx.Headers(pairs), pairs
    if kind == "dict":
        return dict(pairs), pairs
    if kind == "pairs":
        return list(pairs), pairs
    if kind == "bytes pairs":
        return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs], pairs
    if kind == "breaks midway":
        cut = min(at, len(pairs))
        return BreaksMidway(pairs, cut), pairs[:cut]
    if kind == "junk items":
        mixed: list[Any] = []
        for index, pair in enumerate(pairs):
            mixed += [_JUNK[index % len(_JUNK)], pair]
        return mixed, pairs
    values: dict[str, Any] = {"raises": error, "items raises": RaisingItems(), "none": None}
    return values[kind], []


def _content(kind: str, body: bytes, error: Exception) -> tuple[Any, Any, bytes]:
    """``content``, ``read()``, and the bytes a parser can read from them."""
    if kind == "str":
        try:
            return body.decode("utf-8"), _MISSING, body
        except UnicodeDecodeError:
            return body, _MISSING, body
    if kind == "bytearray":
        return bytearray(body), _MISSING, body
    if kind == "memoryview":
        return memoryview(body), _MISSING, body
    if kind == "raises, read() gives bytes":
        return error, body, body
    if kind == "raises, read() raises":
        return error, error, b""
    values: dict[str, Any] = {"bytes": body, "none": None, "int": 10**12, "list": [body]}
    return values[kind], _MISSING, body if kind == "bytes" else b""


def _with_header(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in pairs if k.lower() != name.lower()]
    return [*kept, (name, value)]


def hostile(
    case: ErrorCase,
    status_kind: str,
    header_kind: str,
    content_kind: str,
    error: Exception,
    at: int,
    retry_after: str | None,
) -> HostileCase:
    raw = case.response
    pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw.headers.raw]
    if retry_after is not None:
        pairs = _with_header(pairs, "Retry-After", retry_after)
    status, seen_status = _status(status_kind, raw.status_code, error)
    headers, seen_pairs = _headers(header_kind, pairs, error, at)
    content, read, seen_content = _content(content_kind, raw.content, error)
    seen = httpx.Response(200, headers=seen_pairs, content=seen_content)
    expected = dataclasses.replace(truth_from_the_wire(seen), status=seen_status)
    what = f"status {status_kind}, headers {header_kind}, content {content_kind}"
    if retry_after is not None:
        what += f", Retry-After of {len(retry_after)} characters"
    return HostileCase(
        Hostile(status, headers, content, read), expected, f"{case.description}; {what}"
    )


def hostile_cases() -> st.SearchStrategy[HostileCase]:
    """Every kind of generated response, behind every kind of hostile duck type."""
    return st.builds(
        hostile,
        error_cases(api="any", batch=True),
        st.sampled_from(STATUS_KINDS),
        st.sampled_from(HEADER_KINDS),
        st.sampled_from(CONTENT_KINDS),
        st.sampled_from(EXCEPTIONS),
        st.integers(0, 3),
        st.sampled_from((None, None, "12", *(value for value, _ in HUGE_RETRY_AFTERS))),
    )


def check(case: HostileCase) -> None:
    """``from_response`` does not raise, and returns every claim of what can be read."""
    agrees(SmartcarError.from_response(case.response), case.expected)


def main(argv: list[str]) -> int:
    import warnings

    from hypothesis import HealthCheck, Phase, given, seed, settings

    warnings.simplefilter("ignore")  # hypothesis warns about the repr of 100 kB bodies
    count = int(argv[1]) if len(argv) > 1 else 100_000
    ran = {"cases": 0, "raised": 0, "disagreed": 0}

    @seed(17)
    @settings(
        database=None,
        phases=[Phase.generate],
        max_examples=count,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(hostile_cases())
    def run(case: HostileCase) -> None:
        ran["cases"] += 1
        try:
            parsed = SmartcarError.from_response(case.response)
        except Exception as exc:
            ran["raised"] += 1
            print(f"RAISED {exc!r}: {case.description}")
            return
        try:
            agrees(parsed, case.expected)
        except AssertionError:
            ran["disagreed"] += 1
            print(f"DISAGREED: {case.description}\n  got      {parsed}\n  expected {case.expected}")

    start = time.perf_counter()
    run()
    print(
        f"{ran['cases']:,} hostile inputs: {ran['raised']} raised, {ran['disagreed']} disagreed "
        f"with the ground truth ({time.perf_counter() - start:.0f} s)"
    )
    return 1 if ran["raised"] or ran["disagreed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
