"""Per-request cost: one stubbed request through the engine vs the same response through a
bare mock library, in one process, thousands of requests per loop.

* httpx (sync and async): ``stub_smartcar().serve(KEY, endpoint="odometer")`` vs a bare
  respx route on the same URL returning the same status, headers and body. Target 1.05.
* requests: the requests bridge (the same engine, reached through
  ``HTTPAdapter.send``) vs a ``responses`` registration of the same response. Target 0.95.
* informational: ``SmartcarStub.handle()`` called directly (no client, no transport).

The engine builds a fresh response for each request (new request id, JSON body); the
baselines replay one canned response, which is what a hand-written mock does.

    python benchmarks/bench_request.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
from collections.abc import Callable

import httpx
import requests
import responses
import respx
from _timing import (
    Row,
    Sample,
    Stopwatch,
    interleave,
    per_call,
    print_profile_diff,
    print_rows,
)

from pytest_smartcar import stub_smartcar

BENCH = "per-request"
KEY = "VEHICLE_STATE:ASLEEP"
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
URL = f"https://api.smartcar.com/v2.0/vehicles/{VEHICLE}/odometer"
TARGET_HTTPX = 1.05
TARGET_REQUESTS = 0.95


def canned() -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers and body the engine serves for KEY, captured once."""
    with stub_smartcar() as stub, httpx.Client() as client:
        stub.serve(KEY, endpoint="odometer")
        resp = client.get(URL)
    headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() != "content-length"]
    return resp.status_code, headers, resp.content


STATUS, HEADERS, BODY = canned()


def _loop(n: int, send: Callable[[], int]) -> Sample:
    """Seconds per request over ``n`` requests (the last status is checked)."""
    gc.collect()
    with Stopwatch() as sw:
        for _ in range(n):
            status = send()
    if status != STATUS:
        raise AssertionError(f"expected {STATUS}, got {status}")
    return sw.sample.scaled(1 / n)


# --- httpx ----------------------------------------------------------------------------------


def httpx_engine(n: int) -> Sample:
    client = httpx.Client()
    with stub_smartcar(assert_all_requested=False) as stub:
        stub.serve(KEY, endpoint="odometer")
        return _loop(n, lambda: client.get(URL).status_code)


def httpx_respx(n: int) -> Sample:
    client = httpx.Client()
    with respx.mock(assert_all_called=False) as router:
        router.get(URL).mock(return_value=httpx.Response(STATUS, headers=HEADERS, content=BODY))
        return _loop(n, lambda: client.get(URL).status_code)


async def _aloop(n: int, client: httpx.AsyncClient) -> Sample:
    gc.collect()
    with Stopwatch() as sw:
        for _ in range(n):
            status = (await client.get(URL)).status_code
    if status != STATUS:
        raise AssertionError(f"expected {STATUS}, got {status}")
    return sw.sample.scaled(1 / n)


def async_engine(n: int) -> Sample:
    async def go() -> Sample:
        async with httpx.AsyncClient() as client:
            with stub_smartcar(assert_all_requested=False) as stub:
                stub.serve(KEY, endpoint="odometer")
                return await _aloop(n, client)

    return asyncio.run(go())


def async_respx(n: int) -> Sample:
    async def go() -> Sample:
        async with httpx.AsyncClient() as client:
            with respx.mock(assert_all_called=False) as router:
                router.get(URL).mock(
                    return_value=httpx.Response(STATUS, headers=HEADERS, content=BODY)
                )
                return await _aloop(n, client)

    return asyncio.run(go())


# --- requests -------------------------------------------------------------------------------


def requests_bridge(n: int) -> Sample:
    session = requests.Session()
    with stub_smartcar(assert_all_requested=False) as stub:
        stub.serve(KEY, endpoint="odometer")
        return _loop(n, lambda: session.get(URL).status_code)


def requests_responses(n: int) -> Sample:
    session = requests.Session()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, URL, body=BODY, status=STATUS, headers=HEADERS)
        return _loop(n, lambda: session.get(URL).status_code)


# --- the engine alone -----------------------------------------------------------------------


def handle_only(n: int) -> Sample:
    request = httpx.Request("GET", URL)
    stub = stub_smartcar(assert_all_requested=False)
    stub.serve(KEY, endpoint="odometer")

    def send() -> int:
        response = stub.handle(request)
        assert response is not None
        return response.status_code

    return _loop(n, send)


def build_only(n: int) -> Sample:
    """What the respx baseline does per request besides routing: build a response."""
    return _loop(n, lambda: httpx.Response(STATUS, headers=HEADERS, content=BODY).status_code)


Arm = Callable[[int], Sample]
CASES: list[tuple[str, str, Arm, Arm, float | None]] = [
    ("httpx sync, 1 request", "respx route", httpx_respx, httpx_engine, TARGET_HTTPX),
    ("httpx async, 1 request", "respx route", async_respx, async_engine, TARGET_HTTPX),
    (
        "requests (bridge), 1 request",
        "responses 0.26",
        requests_responses,
        requests_bridge,
        TARGET_REQUESTS,
    ),
    ("SmartcarStub.handle() alone", "httpx.Response()", build_only, handle_only, None),
]


def run(quick: bool = False) -> list[Row]:
    n = 500 if quick else 3000
    rounds = 5 if quick else 11
    rows = []
    for name, label, baseline, candidate, target in CASES:
        samples = interleave(
            {label: lambda b=baseline: b(n), "pytest-smartcar": lambda c=candidate: c(n)},
            rounds,
            progress=name,
        )
        rows.append(
            Row.compare(
                BENCH,
                name,
                samples,
                label,
                "pytest-smartcar",
                target,
                unit="request",
                note=f"{n} requests per loop, per-request figure = loop time / {n}",
            )
        )
    print_rows(rows)
    return rows


def _profile(func: Arm, n: int) -> pstats.Stats:
    func(200)
    prof = cProfile.Profile()
    prof.enable()
    func(n)
    prof.disable()
    return pstats.Stats(prof)


def profile(n: int = 3000) -> None:
    """cProfile each case's baseline and candidate; print where the candidate's extra
    time goes (own time per request, candidate minus baseline) and our functions."""
    for name, label, baseline, candidate, _ in CASES[:3]:
        print(f"=== {name}: {label} vs pytest-smartcar ===")
        print_profile_diff(
            per_call(_profile(baseline, n), n), per_call(_profile(candidate, n), n), unit="request"
        )


def breakdown(number: int = 2000) -> list[tuple[str, float]]:
    """What the pieces of one stubbed request cost, each timed alone (best of 5 timeit
    repeats, µs per call); no profiler overhead. Indented rows are parts of the row
    above them."""
    import timeit

    from pytest_smartcar import endpoints as ep
    from pytest_smartcar.hosts import host_map
    from pytest_smartcar.transports import guard
    from pytest_smartcar.transports import httpx as httpx_transport
    from pytest_smartcar.transports import requests as requests_transport

    stub = stub_smartcar(assert_all_requested=False)
    stub.serve(KEY, endpoint="odometer")
    client = httpx.Client()
    request = client.build_request("GET", URL)
    exchange = httpx_transport._exchange(request, b"")
    prepared = requests.Request("GET", URL).prepare()
    adapter = requests_transport.SmartcarAdapter(requests.adapters.HTTPAdapter)
    canned_response = httpx.Response(STATUS, headers=HEADERS, content=BODY)
    hosts = host_map()
    with stub:
        reply = guard.answer(exchange)
        assert reply is not None
        template = next(iter(stub.stubs[0].rendered.values()))
        pieces: list[tuple[str, Callable[[], object]]] = [
            ("httpx: client.get(), whole", lambda: client.get(URL)),
            ("  httpx transport: request -> SmartcarRequest", lambda: httpx_transport._exchange(
                request, b"")),
            ("  guard.answer(request), whole (engine)", lambda: guard.answer(exchange)),
            ("    guard.is_smartcar()", lambda: guard.is_smartcar("https", "api.smartcar.com",
                                                                 None)),
            ("    endpoints.identify() (odometer, cached)", lambda: ep.identify(
                hosts, "https", "api.smartcar.com", None, "GET", exchange.path, b"")),
            ("    pre-rendered error: Template.reply() (fresh request id)", template.reply),
            ("  httpx transport: Reply -> httpx.Response", lambda: httpx_transport._response(
                client, request, reply)),
            ("requests transport: Reply -> requests.Response", lambda: adapter._response(
                prepared, reply)),
            ("baseline: httpx.Response(status, headers, body)", lambda: httpx.Response(
                STATUS, headers=HEADERS, content=BODY)),
            ("baseline: respx clone_response()", lambda: respx.models.clone_response(
                canned_response, request)),
        ]  # fmt: skip
        out = []
        for name, func in pieces:
            best = min(timeit.repeat(func, number=number, repeat=5)) / number
            out.append((name, best * 1e6))
    client.close()
    return out


def print_breakdown() -> None:
    print("per-request pieces, best of 5 x 2000 calls each (µs per call):")
    for name, micro in breakdown():
        print(f"  {micro:8.1f}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and rounds")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine arms")
    parser.add_argument(
        "--breakdown", action="store_true", help="time the pieces of one engine answer"
    )
    args = parser.parse_args()
    if args.profile:
        profile()
        return
    if args.breakdown:
        print_breakdown()
        return
    run(args.quick)


if __name__ == "__main__":
    main()
