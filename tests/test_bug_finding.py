"""Bug-finding power of ``error_cases()``: one correct parser, many one-defect parsers.

Each defective parser is the correct one with a single realistic bug: thirteen in v2.0
and legacy parsing, fuzzed with ``error_cases()``, and eight in V3 parsing, fuzzed with
``error_cases(api="v3")``. With hypothesis's default 100 examples (300 for the three V3
defects that only one shape of body shows), the property test (the one in PRODUCT.md,
extended to every field the case claims) must fail for every defective parser and pass
for the correct one and the reference parser, whatever the seed. Run this file as a
script to print the size of each falsifying example after shrinking, and how often each
defect is caught over many seeds::

    .venv/bin/python tests/test_bug_finding.py [seeds]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import Phase, given, seed, settings

from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.strategies import ErrorCase, error_cases
from tests.support import CLAIMED


def check(parsed: SmartcarError, expected: SmartcarError) -> None:
    """The property: status always; type and code when the type is claimed; every claimed field."""
    assert parsed.status == expected.status, "status"
    if expected.type is not None:
        assert (parsed.type, parsed.code) == (expected.type, expected.code), "type/code"
    for name in CLAIMED:
        want = getattr(expected, name)
        if want is not None:
            assert getattr(parsed, name) == want, name


# --- the parsers ------------------------------------------------------------------------------


class CorrectParser:
    """A small parser written from the ground-truth rules (no code shared with parser.py)."""

    #: The ``error_cases(api=...)`` a defect is fuzzed with (the correct parser meets all),
    #: and the examples it takes: hypothesis's default 100, more for defects that only
    #: one shape of body shows (the script below prints how often each is caught).
    api = "v2.0"
    examples = 100

    def __call__(self, response: httpx.Response) -> SmartcarError:
        body = self.body(response)
        found: dict[str, Any] = {
            "status": self.status(response, body),
            "request_id": self.request_id(response, body),
            "retry_after": self.retry_after(self.header(response, "Retry-After")),
        }
        if isinstance(body.get("type"), str):
            resolution, url = self.resolution(body)
            detail = body.get("detail")
            found.update(
                type=body["type"],
                code=self.code(body),
                description=_text(body, "description"),
                doc_url=_text(body, "docURL"),
                suggested_user_message=self.suggested(body),
                resolution=resolution,
                resolution_url=url,
                detail=detail if isinstance(detail, list) else None,
            )
        else:
            found.update(self.v3(body) or self.legacy(body))
        return SmartcarError(**found)

    def first_error(self, body: dict[str, Any]) -> dict[str, Any] | None:
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first: dict[str, Any] = errors[0]
            return first if isinstance(first.get("type"), str) else None
        return None

    def v3(self, body: dict[str, Any]) -> dict[str, Any]:
        item = self.first_error(body)
        if item is None:
            return {}
        resolution, url = self.resolution(item)
        return {
            "type": item["type"],
            "code": self.code(item),
            "title": _text(item, "title"),
            "description": self.v3_description(item),
            "doc_url": self.v3_doc_url(item),
            "suggested_user_message": self.suggested(item),
            "resolution": resolution,
            "resolution_url": url,
        }

    def v3_description(self, item: dict[str, Any]) -> str | None:
        return _text(item, "detail")

    def v3_doc_url(self, item: dict[str, Any]) -> str | None:
        links = item.get("links")
        return _text(links, "about") if isinstance(links, dict) else None

    def header(self, response: httpx.Response, name: str) -> str | None:
        value: str | None = response.headers.get(name)
        return value

    def is_json(self, content_type: str | None) -> bool:
        if content_type is None:
            return True
        media = content_type.split(";")[0].strip().lower()
        return media == "application/json" or media.endswith("+json")

    def load(self, content: bytes) -> Any:
        try:
            return json.loads(content.decode("utf-8"), parse_constant=_no_constants)
        except (ValueError, RecursionError):
            return None

    def body(self, response: httpx.Response) -> dict[str, Any]:
        if not self.is_json(self.header(response, "Content-Type")):
            return {}
        value = self.load(response.content)
        return value if isinstance(value, dict) else {}

    def status(self, response: httpx.Response, body: dict[str, Any]) -> int:
        return response.status_code

    def code(self, body: dict[str, Any]) -> str | None:
        return _text(body, "code")

    def suggested(self, body: dict[str, Any]) -> str | None:
        return _text(body, "suggestedUserMessage")

    def resolution(self, body: dict[str, Any]) -> tuple[str | None, str | None]:
        value = body.get("resolution")
        if isinstance(value, dict):
            return _text(value, "type"), _text(value, "url")
        return (value if isinstance(value, str) else None), None

    def legacy(self, body: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(body.get("error"), str):
            return {}
        message = _text(body, "message")
        return {
            "type": body["error"],
            "code": _text(body, "code"),
            "description": message if message is not None else _text(body, "error_description"),
        }

    def request_id(self, response: httpx.Response, body: dict[str, Any]) -> str | None:
        in_header = self.header(response, "SC-Request-Id")
        return in_header if in_header is not None else _text(body, "requestId")

    def retry_after(self, value: str | None) -> float | None:
        if value is None:
            return None
        value = value.strip(" ")
        if value and value.isascii() and value.isdigit():
            return float(value)
        return None


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class CrashesOnGatewayHtml(CorrectParser):
    """Ignores Content-Type and calls json.loads with no try: a gateway's HTML page crashes it."""

    def body(self, response: httpx.Response) -> dict[str, Any]:
        value = json.loads(response.content)  # the defect
        return value if isinstance(value, dict) else {}


class TrustsBodyStatusCode(CorrectParser):
    """Takes the body's statusCode over the HTTP status."""

    def status(self, response: httpx.Response, body: dict[str, Any]) -> int:
        return body.get("statusCode", response.status_code)  # type: ignore[no-any-return]


class CrashesOnStringResolution(CorrectParser):
    """Assumes ``resolution`` is an object (older responses send a bare string)."""

    def resolution(self, body: dict[str, Any]) -> tuple[str | None, str | None]:
        value = body.get("resolution")
        if value is None:
            return None, None
        return _text(value, "type"), _text(value, "url")  # the defect: str has no .get


class ContentTypeSubstring(CorrectParser):
    """Reads the body only when 'application/json' is in Content-Type (as the SDKs do)."""

    def is_json(self, content_type: str | None) -> bool:
        return "application/json" in (content_type or "")


class RetryAfterFloat(CorrectParser):
    """Reads Retry-After with float(): an HTTP-date crashes it."""

    def retry_after(self, value: str | None) -> float | None:
        return float(value) if value is not None else None


class CaseSensitiveHeaders(CorrectParser):
    """Copies the headers into a plain dict and looks names up as documented."""

    def header(self, response: httpx.Response, name: str) -> str | None:
        raw = {k.decode("latin-1"): v.decode("latin-1") for k, v in response.headers.raw}
        return raw.get(name)


class RequiresSuggestedMessage(CorrectParser):
    """Indexes ``suggestedUserMessage``, which doc examples and older responses omit."""

    def suggested(self, body: dict[str, Any]) -> str | None:
        return body["suggestedUserMessage"]  # type: ignore[no-any-return]


class IgnoresLegacyBodies(CorrectParser):
    """Knows only v2.0 bodies: v1.0 and OAuth errors lose their type."""

    def legacy(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}


class CrashesOnNonObjectJson(CorrectParser):
    """Assumes valid JSON is an object: ``null`` or a list crashes it."""

    def body(self, response: httpx.Response) -> dict[str, Any]:
        if not self.is_json(self.header(response, "Content-Type")):
            return {}
        value = self.load(response.content)
        if value is None:
            return {}
        value.get("type")  # the defect: lists, strings and numbers have no .get
        return value  # type: ignore[no-any-return]


class StringifiesCode(CorrectParser):
    """``str(body.get("code"))``: a null code becomes the string 'None'."""

    def code(self, body: dict[str, Any]) -> str | None:
        return str(body.get("code"))


class BodyRequestIdFirst(CorrectParser):
    """``body.requestId || header`` (as the Node SDK does): a non-string body id wins."""

    def request_id(self, response: httpx.Response, body: dict[str, Any]) -> str | None:
        return body.get("requestId") or self.header(response, "SC-Request-Id")


class CrashesOnInvalidUtf8(CorrectParser):
    """Decodes the bytes outside the try: a Latin-1 body crashes it."""

    def load(self, content: bytes) -> Any:
        text = content.decode("utf-8")  # the defect
        try:
            return json.loads(text, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            return None


class CatchesOnlyJsonDecodeError(CorrectParser):
    """``except json.JSONDecodeError``: a deeply nested array raises RecursionError."""

    def load(self, content: bytes) -> Any:
        try:
            return json.loads(content.decode("utf-8", "replace"), parse_constant=_no_constants)
        except json.JSONDecodeError:
            return None


# --- defects of V3 parsers ---------------------------------------------------------------------


class V3IgnoresV3Bodies(CorrectParser):
    """Knows v2.0 and legacy bodies only, as every SDK does (see the SDK page)."""

    api = "v3"

    def v3(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}


class V3StatusFromTheError(CorrectParser):
    """Takes ``int(errors[0].status)`` for the status, which is a string in V3 bodies."""

    api = "v3"

    def status(self, response: httpx.Response, body: dict[str, Any]) -> int:
        item = self.first_error(body)
        return int(item["status"]) if item is not None else response.status_code


class V3ErrorsUnchecked(CorrectParser):
    """``body["errors"][0]`` whenever ``errors`` is there: empty or not a list, it crashes."""

    api = "v3"

    def first_error(self, body: dict[str, Any]) -> dict[str, Any] | None:
        if "errors" not in body:
            return None
        first: dict[str, Any] = body["errors"][0]  # the defect
        return first if isinstance(first.get("type"), str) else None


class V3LastError(CorrectParser):
    """Reads ``errors[-1]``: with several errors, the wrong one."""

    api = "v3"
    examples = 300

    def first_error(self, body: dict[str, Any]) -> dict[str, Any] | None:
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[-1], dict):
            last: dict[str, Any] = errors[-1]
            return last if isinstance(last.get("type"), str) else None
        return None


class V3DetailStripped(CorrectParser):
    """``item["detail"].strip()``: a missing or non-string detail crashes it."""

    api = "v3"
    examples = 300

    def v3_description(self, item: dict[str, Any]) -> str | None:
        return item["detail"].strip()  # type: ignore[no-any-return]


class V3LinksUnchecked(CorrectParser):
    """``item.get("links", {}).get("about")``: links as a string, list or null crash it."""

    api = "v3"
    examples = 300

    def v3_doc_url(self, item: dict[str, Any]) -> str | None:
        about = item.get("links", {}).get("about")
        return about if isinstance(about, str) else None


class V3TitleForDetail(CorrectParser):
    """Reports the short ``title`` where the sentence (``detail``) belongs."""

    api = "v3"

    def v3_description(self, item: dict[str, Any]) -> str | None:
        return _text(item, "title")


class V3JsonMediaTypeOnly(CorrectParser):
    """Reads bodies labelled exactly ``application/json``: a JSON:API
    ``application/vnd.api+json`` body is skipped."""

    api = "v3"

    def is_json(self, content_type: str | None) -> bool:
        return (
            content_type is None or content_type.split(";")[0].strip().lower() == "application/json"
        )


DEFECTIVE: tuple[type[CorrectParser], ...] = (
    CrashesOnGatewayHtml,
    TrustsBodyStatusCode,
    CrashesOnStringResolution,
    ContentTypeSubstring,
    RetryAfterFloat,
    CaseSensitiveHeaders,
    RequiresSuggestedMessage,
    IgnoresLegacyBodies,
    CrashesOnNonObjectJson,
    StringifiesCode,
    BodyRequestIdFirst,
    CrashesOnInvalidUtf8,
    CatchesOnlyJsonDecodeError,
    V3IgnoresV3Bodies,
    V3StatusFromTheError,
    V3ErrorsUnchecked,
    V3LastError,
    V3DetailStripped,
    V3LinksUnchecked,
    V3TitleForDetail,
    V3JsonMediaTypeOnly,
)
SEEDS = (0, 1, 2)
#: Hypothesis's default phases without shrinking: shrinking changes which failing example
#: is reported, never whether one is found, and it is most of the run time.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def run_property(
    parser: Callable[[httpx.Response], SmartcarError],
    run_seed: int,
    *,
    shrink: bool = False,
    api: str | None = None,
) -> ErrorCase | None:
    """Run the property test under ``run_seed`` with hypothesis's defaults (100 examples),
    no example database and, unless ``shrink``, no shrinking, on ``error_cases(api=api)``
    (by default the parser's own ``api``).

    Returns the falsifying case (the last one run: hypothesis replays the reported
    example last), or None when the test passed.
    """
    last: list[ErrorCase] = []

    @seed(run_seed)
    @settings(
        database=None,
        phases=tuple(Phase) if shrink else NO_SHRINK,
        max_examples=getattr(parser, "examples", 100),
    )
    @given(error_cases(api=api or getattr(parser, "api", "v2.0")))
    def property_test(case: ErrorCase) -> None:
        last[:] = [case]
        check(parser(case.response), case.expected)

    try:
        property_test()
    except Exception:
        return last[0]
    return None


# --- the tests --------------------------------------------------------------------------------


APIS = ("v2.0", "v3", "any")


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("run_seed", SEEDS)
def test_the_correct_parser_passes(run_seed: int, api: str) -> None:
    assert run_property(CorrectParser(), run_seed, api=api) is None


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("run_seed", SEEDS)
def test_the_reference_parser_passes(run_seed: int, api: str) -> None:
    assert run_property(SmartcarError.from_response, run_seed, api=api) is None


@pytest.mark.parametrize("parser_class", DEFECTIVE, ids=lambda cls: cls.__name__)
def test_every_defective_parser_is_caught_whatever_the_seed(
    parser_class: type[CorrectParser],
) -> None:
    missed = [s for s in SEEDS if run_property(parser_class(), s) is None]
    assert not missed, f"{parser_class.__name__} passed the property test with seeds {missed}"


def test_a_failure_shrinks_to_the_plain_case() -> None:
    """With shrinking on, a parser that crashes on string resolutions is reported with the
    first catalog error that has a resolution, nothing else varied or broken."""
    falsifying = run_property(CrashesOnStringResolution(), 0, shrink=True)
    assert falsifying is not None
    assert falsifying.description == "BILLING:INVALID_PLAN, resolution as bare string"
    assert not falsifying.malformed


def test_each_defect_really_differs_from_the_correct_parser() -> None:
    """Guard against a 'defective' parser that is accidentally correct: on a hand-made
    response for its defect, it must crash or disagree with the ground truth."""
    from pytest_smartcar import _mutations as mu
    from pytest_smartcar.catalog import get

    assert len(DEFECTIVE) >= 8
    asleep = mu.v2_draft(
        get("VEHICLE_STATE:ASLEEP"), request_id="5dea93a1-3f79-4246-90c5-89610a20471b"
    )
    v3_asleep = mu.v3_draft(get("VEHICLE_STATE:ASLEEP"), request_id="r")
    drafts = [
        mu.OPERATORS["gateway_page"](asleep, 502),
        mu.OPERATORS["status_code_differs"](asleep, 500),
        mu.v2_draft(get("PERMISSION"), request_id="r", resolution_style="string"),
        mu.OPERATORS["content_type_missing"](asleep, None),
        mu.OPERATORS["retry_after_date"](asleep, "Wed, 21 Oct 2015 07:28:00 GMT"),
        mu.rename_headers(mu.OPERATORS["request_id_only_in_header"](asleep, None), "lower"),
        mu.v2_draft(get("VEHICLE_STATE:ASLEEP"), request_id="r", suggested=False),
        mu.v1_draft(get_legacy("V1:PERMISSION_ERROR"), request_id="r"),
        mu.OPERATORS["non_object"](asleep, "list"),
        mu.v2_draft(get("AUTHENTICATION"), request_id="r"),
        mu.OPERATORS["request_id_body_wrong"](asleep, 12345),
        mu.OPERATORS["invalid_utf8"](asleep, 1),
        mu.OPERATORS["deep_array"](asleep, 100_000),
        v3_asleep,
        mu.OPERATORS["status_differs"](v3_asleep, "500"),
        mu.OPERATORS["errors_empty"](v3_asleep, None),
        mu.OPERATORS["several_errors"](v3_asleep, "another error after"),
        mu.OPERATORS["detail_not_string"](v3_asleep, 409),
        mu.OPERATORS["links_not_object"](v3_asleep, "https://smartcar.com/docs"),
        v3_asleep,
        mu.OPERATORS["content_type_jsonapi"](v3_asleep, "application/vnd.api+json"),
    ]
    for parser_class, draft in zip(DEFECTIVE, drafts, strict=True):
        response = httpx.Response(
            draft.status, headers=list(draft.headers), content=draft.content_bytes()
        )
        expected = mu.expected_error(draft)
        check(CorrectParser()(response), expected)
        with pytest.raises(Exception):  # noqa: B017 - a crash or a failed check, either will do
            check(parser_class()(response), expected)


def get_legacy(key: str) -> Any:
    from pytest_smartcar.catalog import lookup

    return lookup(key)


# --- the script: falsifying example sizes, and detection over many seeds ------------------------


def falsifying_table(seeds: tuple[int, ...] = SEEDS) -> list[tuple[str, int, int, int, str]]:
    """(parser, seeds caught, median description length, median body bytes, shortest
    description), from runs with hypothesis's full defaults, shrinking included."""
    rows = []
    for parser_class in DEFECTIVE:
        cases = [
            c
            for c in (run_property(parser_class(), s, shrink=True) for s in seeds)
            if c is not None
        ]
        if not cases:
            rows.append((parser_class.__name__, 0, 0, 0, "-"))
            continue
        desc = sorted(len(c.description) for c in cases)
        size = sorted(len(c.response.content) for c in cases)
        shortest = min(cases, key=lambda c: len(c.description)).description
        rows.append(
            (
                parser_class.__name__,
                len(cases),
                desc[len(desc) // 2],
                size[len(size) // 2],
                shortest,
            )
        )
    return rows


def examples_to_failure(parser: CorrectParser, run_seed: int) -> int | None:
    """How many examples the (unshrunk) property test runs before it fails, or None."""
    calls = 0

    @seed(run_seed)
    @settings(database=None, phases=NO_SHRINK, max_examples=parser.examples)
    @given(error_cases(api=parser.api))
    def property_test(case: ErrorCase) -> None:
        nonlocal calls
        calls += 1
        check(parser(case.response), case.expected)

    try:
        property_test()
    except Exception:
        return calls
    return None


def main(argv: list[str]) -> int:
    import time
    import warnings

    warnings.simplefilter("ignore")  # hypothesis warns about the repr of 100 kB bodies
    many = int(argv[1]) if len(argv) > 1 else 50
    start = time.perf_counter()
    print(f"Falsifying examples after shrinking (hypothesis defaults, seeds {SEEDS}):")
    print(f"{'defective parser':<28} {'caught':>6} {'desc':>5} {'bytes':>6}  shortest description")
    for name, caught, desc, size, shortest in falsifying_table():
        print(f"{name:<28} {caught:>4}/{len(SEEDS)} {desc:>5} {size:>6}  {shortest}")
    print(f"\nDetection without shrinking over seeds 0..{many - 1} (100 examples each):")
    print(f"{'parser':<28} {'caught':>8} {'examples to failure: median':>28} {'max':>5}")
    parsers: tuple[type[CorrectParser], ...] = (CorrectParser, *DEFECTIVE)
    for parser_class in parsers:
        runs = [examples_to_failure(parser_class(), s) for s in range(many)]
        found = sorted(r for r in runs if r is not None)
        median = found[len(found) // 2] if found else "-"
        worst = max(found, default=0)
        print(f"{parser_class.__name__:<28} {len(found):>5}/{many} {median!s:>28} {worst:>5}")
    print(f"\n{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
