"""Generation speed of ``error_cases()`` against hypothesis-jsonschema's ``from_schema``.

Not a test: a script that prints examples per second for each strategy and the ratio.
Both run the same way, as a ``@given`` test that only counts its calls, with
``settings(max_examples=N, database=None, phases=[Phase.generate])``; the time is the
whole run (hypothesis's engine included), after one warm-up run of each.

hypothesis-jsonschema 0.23.1 fails with hypothesis >= 6.170.10 ("'many' object has no
attribute 'more'"), so the side-by-side run uses its own virtual environment, pinned to
hypothesis 6.170.5 (both strategies then run on the same hypothesis)::

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install hypothesis==6.170.5 hypothesis-jsonschema==0.23.1 \
        httpx respx pytest
    /work/bench-venv/bin/pip install -e /work/main --no-deps
    /work/bench-venv/bin/python /work/main/benchmarks/bench_strategies.py

Ours alone, on the project's current hypothesis (hypothesis-jsonschema is skipped when it
is missing or broken)::

    /work/venv/bin/python /work/main/benchmarks/bench_strategies.py

Options: ``--examples N`` (default 500) and ``--repeat R`` (default 3; the median counts).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from typing import Any

import httpx
import hypothesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.strategies import SearchStrategy

from pytest_smartcar.catalog import API_ERRORS, RESOLUTION_TYPES
from pytest_smartcar.strategies import error_cases

UUID4 = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def v2_body_schema() -> dict[str, Any]:
    """A JSON Schema of the v2.0 error body (reference section 2), from the catalog."""
    return {
        "type": "object",
        "required": [
            "type",
            "code",
            "description",
            "docURL",
            "statusCode",
            "requestId",
            "resolution",
        ],
        "additionalProperties": False,
        "properties": {
            "type": {"enum": sorted({s.type for s in API_ERRORS})},
            "code": {
                "anyOf": [
                    {"enum": sorted({s.code for s in API_ERRORS if s.code})},
                    {"type": "null"},
                ]
            },
            "description": {"type": "string", "minLength": 1},
            "docURL": {"type": "string", "format": "uri"},
            "statusCode": {"enum": sorted({s.status for s in API_ERRORS})},
            "requestId": {"type": "string", "pattern": UUID4},
            "resolution": {
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["type"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"enum": [*RESOLUTION_TYPES, None]},
                            "url": {"type": "string", "format": "uri"},
                        },
                    },
                    {"enum": list(RESOLUTION_TYPES)},
                    {"type": "null"},
                ]
            },
            "suggestedUserMessage": {"type": "string"},
            "detail": {
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "message"],
                            "properties": {
                                "field": {"type": "array", "items": {"type": "string"}},
                                "message": {"type": "string"},
                            },
                        },
                    },
                ]
            },
        },
    }


def as_response(body: Any) -> httpx.Response:
    """What our strategy also does: serialize the body into a complete response."""
    return httpx.Response(
        int(body["statusCode"]),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "SC-Request-Id": body["requestId"],
        },
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
    )


def rate(strategy: SearchStrategy[Any], examples: int, run_seed: int) -> float:
    """Examples per second of a ``@given`` test that only counts its calls."""
    calls = 0

    @seed(run_seed)
    @settings(
        max_examples=examples,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def count(value: Any) -> None:
        nonlocal calls
        calls += 1

    start = time.perf_counter()
    count()
    return calls / (time.perf_counter() - start)


def jsonschema_strategies() -> dict[str, SearchStrategy[Any]]:
    """hypothesis-jsonschema's strategies, or none when it is missing or broken here."""
    try:
        from hypothesis_jsonschema import from_schema  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        print("hypothesis-jsonschema is not installed: ours alone")
        return {}
    bodies = from_schema(v2_body_schema())
    try:
        rate(bodies, 5, 0)
    except Exception as exc:  # 0.23.1 with hypothesis >= 6.170.10: AttributeError
        broken = f"hypothesis-jsonschema fails with hypothesis {hypothesis.__version__}"
        print(f"{broken}: {exc!r}; ours alone")
        return {}
    return {
        "from_schema (body dict)": bodies,
        "from_schema + httpx.Response": bodies.map(as_response),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    strategies: dict[str, SearchStrategy[Any]] = {"error_cases() (ErrorCase)": error_cases()}
    strategies.update(jsonschema_strategies())
    version = "unknown"
    try:
        from importlib.metadata import version as dist_version

        version = dist_version("hypothesis-jsonschema")
    except Exception:
        pass
    print(
        f"python {sys.version.split()[0]}, hypothesis {hypothesis.__version__}, "
        f"hypothesis-jsonschema {version if len(strategies) > 1 else '-'}, "
        f"httpx {httpx.__version__}"
    )
    print(
        f"{args.examples} examples per run, {args.repeat} runs each (median), Phase.generate only\n"
    )

    for strategy in strategies.values():  # warm-up: strategy compilation, caches, imports
        rate(strategy, 50, 12345)
    rates: dict[str, list[float]] = {name: [] for name in strategies}
    for run in range(args.repeat):  # interleaved, so drift hits both alike
        for name, strategy in strategies.items():
            rates[name].append(rate(strategy, args.examples, run))

    ours = statistics.median(rates["error_cases() (ErrorCase)"])
    width = max(len(n) for n in strategies)
    for name, values in rates.items():
        median = statistics.median(values)
        ratio = "" if median == ours else f"   error_cases() is {ours / median:.1f}x faster"
        spread = f"(min {min(values):,.0f}, max {max(values):,.0f})"
        print(f"{name:<{width}}  {median:>8,.0f} examples/s {spread}{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
