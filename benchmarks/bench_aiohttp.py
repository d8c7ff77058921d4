"""Per-request cost over aiohttp: one stubbed request through the plugin vs the same canned
response through aioresponses, and vs a bare local aiohttp test server.

aioresponses 0.7.9 (the newest) builds ``ClientResponse`` by hand and fails on aiohttp
3.14, so the side-by-side arms run in one virtual environment pinned to aiohttp 3.13.5
and aioresponses 0.7.9, which this script creates under
``~/.cache/pytest-smartcar/bench-aiohttp`` (``--venv DIR`` to choose; pytest-smartcar is
installed there from this checkout, editable, without dependencies). One more arm runs
the plugin on this interpreter's aiohttp (the newest), for information.

Each arm is a long-lived worker process with one event loop and one session; a round asks
every worker for one loop of n requests (``async with session.get(url) as r: await
r.read()``), in alternating order, and each worker times its own loop (wall time and its
process's CPU time), so no start-up is counted. The plugin builds a fresh response for
each request (new request id, JSON body); aioresponses and the server replay one canned
response, captured from the plugin once. Target: plugin / aioresponses <= 1.0.

    python benchmarks/bench_aiohttp.py [--quick] [--venv DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from _timing import ROOT, Row, Sample, interleave, print_rows

BENCH = "aiohttp"
KEY = "VEHICLE_STATE:ASLEEP"
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
PATH = f"/v2.0/vehicles/{VEHICLE}/odometer"
URL = f"https://api.smartcar.com{PATH}"
TARGET = 1.0
PINS = ("aiohttp==3.13.5", "aioresponses==0.7.9")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pytest-smartcar"


# --- the worker: runs in the peer venv (or this one), one arm, loops on request ------------


def _canned() -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers and body the engine serves for KEY, captured once."""
    import asyncio

    import aiohttp

    from pytest_smartcar import stub_smartcar

    async def go() -> tuple[int, list[tuple[str, str]], bytes]:
        async with aiohttp.ClientSession() as s, s.get(URL) as r:
            body = await r.read()
            skip = {"content-length", "date", "server"}
            return r.status, [(k, v) for k, v in r.headers.items() if k.lower() not in skip], body

    with stub_smartcar() as stub:
        stub.serve(KEY, endpoint="odometer")
        return asyncio.run(go())


def worker(arm: str) -> None:
    """Answer each line ``n`` on stdin with ``wall cpu`` seconds per request on stdout."""
    import asyncio
    import gc

    import aiohttp
    from _timing import Stopwatch

    status, headers, body = _canned()
    loop = asyncio.new_event_loop()
    url = URL
    setup: Callable[[], Any] = lambda: None  # noqa: E731
    if arm == "plugin":
        from pytest_smartcar import stub_smartcar

        def setup() -> Any:
            stub = stub_smartcar(assert_all_requested=False).__enter__()
            stub.serve(KEY, endpoint="odometer")
            return stub

    elif arm == "aioresponses":
        from aioresponses import aioresponses

        def setup() -> Any:
            mock = aioresponses().__enter__()
            mock.get(URL, status=status, body=body, headers=dict(headers), repeat=True)
            return mock

    elif arm == "server":
        from aiohttp import web
        from aiohttp.test_utils import TestServer

        async def answer(request: web.Request) -> web.Response:
            return web.Response(status=status, body=body, headers=headers)

        app = web.Application()
        app.router.add_get(PATH, answer)
        server = TestServer(app)
        loop.run_until_complete(server.start_server())
        url = str(server.make_url(PATH))
    session = loop.run_until_complete(_session())

    async def run(n: int) -> Sample:
        gc.collect()
        with Stopwatch() as sw:
            for _ in range(n):
                async with session.get(url) as r:
                    await r.read()
                    got = r.status
        if got != status:
            raise AssertionError(f"{arm}: expected {status}, got {got}")
        return sw.sample.scaled(1 / n)

    print(f"ready aiohttp {aiohttp.__version__}", flush=True)
    for line in sys.stdin:
        active = setup()  # a started stub or mock (or None), stopped after its loop
        try:
            sample = loop.run_until_complete(run(int(line)))
        finally:
            if active is not None:
                active.__exit__(None, None, None)
        print(f"{sample.wall} {sample.cpu}", flush=True)
    loop.run_until_complete(session.close())
    if arm == "server":
        loop.run_until_complete(server.close())
    loop.close()


async def _session() -> Any:
    import aiohttp

    return aiohttp.ClientSession()


# --- the driver ----------------------------------------------------------------------------


def peer_venv(venv: Path) -> Path:
    """The pinned environment's python, created (once) if missing."""
    python = venv / "bin" / "python"
    stamp = venv / "pins.txt"
    wanted = "\n".join(PINS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"creating {venv} ({', '.join(PINS)}) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *PINS, "httpx>=0.25", "pytest>=8.0"], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(wanted)
    return python


class Worker:
    """One arm in its own process."""

    def __init__(self, python: str, arm: str) -> None:
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", arm],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.version = self._line().split()[-1]

    def _line(self) -> str:
        out: IO[str] | None = self.proc.stdout
        assert out is not None
        line = out.readline()
        if not line:
            raise RuntimeError(f"worker {self.proc.args} exited {self.proc.wait()}")
        return line.strip()

    def sample(self, n: int) -> Sample:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        wall, cpu = self._line().split()
        return Sample(float(wall), float(cpu))

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def run(quick: bool = False, venv: Path | None = None) -> list[Row]:
    n = 300 if quick else 2000
    rounds = 5 if quick else 11
    peer = str(peer_venv(venv or CACHE / "bench-aiohttp"))
    workers = {
        "aioresponses": Worker(peer, "aioresponses"),
        "local server": Worker(peer, "server"),
        "pytest-smartcar": Worker(peer, "plugin"),
        "pytest-smartcar, newest aiohttp": Worker(sys.executable, "plugin"),
    }
    try:
        samples = interleave(
            {name: (lambda w=w: w.sample(n)) for name, w in workers.items()},
            rounds,
            progress="aiohttp, 1 request",
        )
    finally:
        for w in workers.values():
            w.close()
    pinned = workers["aioresponses"].version
    newest = workers["pytest-smartcar, newest aiohttp"].version
    note = f"{n} requests per loop; aiohttp {pinned} unless said"
    rows = [
        Row.compare(BENCH, f"aiohttp {pinned}, 1 request", samples, "aioresponses",
                    "pytest-smartcar", TARGET, unit="request", note=note),
        Row.compare(BENCH, f"aiohttp {pinned}, 1 request", samples, "local server",
                    "pytest-smartcar", None, unit="request", note=note),
        Row.compare(BENCH, f"plugin on aiohttp {newest}", samples, "aioresponses",
                    "pytest-smartcar, newest aiohttp", None, unit="request", note=note),
    ]  # fmt: skip
    print_rows(rows)  # each row shows every arm's spread and the ratio's 95% interval
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and rounds")
    parser.add_argument("--venv", type=Path, help="the pinned aiohttp + aioresponses venv")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    run(args.quick, args.venv)


if __name__ == "__main__":
    main()
