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

import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import Phase, given, seed, settings

from pytest_smartcar.parser import SmartcarError
from pytest_smartcar.strategies import ErrorCase, error_cases
from tests.defective_parsers import DEFECTIVE, CorrectParser, CrashesOnStringResolution
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
    print(
        f"\nDetection without shrinking over seeds 0..{many - 1} "
        "(100 examples each, 300 for V3 defects):"
    )
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
