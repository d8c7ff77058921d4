"""The virtual clock: waits return at once, time moves, the test tools keep real time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import anyio
import pytest
from _pytest import timing

from pytest_smartcar import SmartcarUsageError, stub_smartcar, virtual_clock
from pytest_smartcar.clock import VirtualClock
from tests.support import INNER

URL = "https://api.smartcar.com/v2.0/vehicles/36ab27d0-fd9d-4455-823a-ce30af709ffc/odometer"
ORIGINALS = (time.sleep, time.monotonic, time.monotonic_ns, time.time, time.time_ns, asyncio.sleep)


def _originals() -> tuple[object, ...]:
    return (time.sleep, time.monotonic, time.monotonic_ns, time.time, time.time_ns, asyncio.sleep)


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    with virtual_clock() as running:
        yield running
    assert _originals() == ORIGINALS


def test_sleep_returns_at_once_and_moves_every_clock(clock: VirtualClock) -> None:
    mono, wall, real = time.monotonic(), time.time(), time.perf_counter()
    time.sleep(120)
    assert clock.sleeps == [120.0]
    assert clock.now() == 120.0
    assert time.monotonic() - mono == pytest.approx(120.0)
    assert time.time() - wall == pytest.approx(120.0)
    assert time.monotonic_ns() // 10**9 == int(time.monotonic())
    assert time.perf_counter() - real < 60  # perf_counter is real time, never patched


def test_time_stands_still_between_waits(clock: VirtualClock) -> None:
    before = time.monotonic()
    sum(range(100_000))
    assert time.monotonic() == before


def test_zero_waits_and_bad_values_are_the_real_functions(clock: VirtualClock) -> None:
    time.sleep(0)
    with pytest.raises(ValueError):
        time.sleep(-1)
    with pytest.raises(TypeError):
        time.sleep("1")  # type: ignore[arg-type]
    assert clock.sleeps == []


def test_advance_moves_time_without_a_sleep(clock: VirtualClock) -> None:
    clock.advance(30)
    assert (clock.now(), clock.sleeps) == (30.0, [])
    with pytest.raises(SmartcarUsageError, match="finite number of seconds"):
        clock.advance(-1)


def test_from_time_import_sleep_is_reached(pytester: pytest.Pytester) -> None:
    # A name bound before the clock started: the clock replaces it, then puts it back.
    pytester.makepyfile(
        app="""
        from time import monotonic, sleep


        def wait():
            sleep(50)
            return monotonic()
        """
    )
    pytester.makepyfile(
        """
        import time
        import app

        def test_bound_names(smartcar_clock):
            start = time.monotonic()
            assert app.wait() - start == 50.0
            assert smartcar_clock.sleeps == [50.0]

        def test_bound_names_are_real_again():
            assert app.sleep is time.sleep and app.monotonic is time.monotonic
        """
    )
    pytester.syspathinsert()
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


def test_pytest_and_hypothesis_keep_real_time(clock: VirtualClock) -> None:
    before, real = timing.Instant(), time.perf_counter()
    time.sleep(3600)
    assert timing.Instant().time - before.time < 60  # pytest's report timestamps
    tool: dict[str, object] = {"__name__": "hypothesis.internal.conjecture.engine"}
    exec("import time\nnow = time.monotonic()", tool)  # as hypothesis' engine reads it
    assert tool["now"] == pytest.approx(real, abs=60)


def test_pytest_reports_keep_real_timestamps(pytester: pytest.Pytester) -> None:
    # time-machine's C-level time.time patch makes the call phase's stop - start +120 s
    # and the teardown's -120 s; the virtual clock leaves pytest's timing alone.
    pytester.makeconftest(
        """
        def pytest_runtest_logreport(report):
            assert abs(report.stop - report.start) < 60, report.when
        """
    )
    pytester.makepyfile(
        """
        import time

        def test_waits(smartcar_clock):
            time.sleep(120)
        """
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=1)


def test_hypothesis_deadlines_measure_real_time() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.integers(0, 3))
    def waits_an_hour(n: int) -> None:  # the default deadline is 200 ms
        with virtual_clock() as running:
            time.sleep(3600)
        assert running.sleeps == [3600.0]

    waits_an_hour()
    assert _originals() == ORIGINALS


def test_a_second_clock_is_refused(clock: VirtualClock) -> None:
    with pytest.raises(SmartcarUsageError, match="already running"), virtual_clock():
        pass
    assert clock.running


def test_calls_are_stamped_with_the_clock(clock: VirtualClock) -> None:
    import httpx

    with stub_smartcar() as stub, httpx.Client() as http:
        stub.serve("RATE_LIMIT:VEHICLE", times=1, then="success")
        http.get(URL)
        time.sleep(120)
        http.get(URL)
    assert [c.at for c in stub.calls] == [0.0, 120.0]


def test_concurrent_async_sleeps_overlap(clock: VirtualClock) -> None:
    async def main() -> None:
        await asyncio.gather(asyncio.sleep(10), asyncio.sleep(10), asyncio.sleep(4))

    asyncio.run(main())
    assert clock.now() == 10.0
    assert sorted(clock.sleeps) == [4.0, 10.0, 10.0]


def test_deadlines_fire_at_their_time(clock: VirtualClock) -> None:
    async def main() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.sleep(200), timeout=60)
        return loop.time() - start

    assert asyncio.run(main()) == pytest.approx(60.0)
    assert clock.now() == pytest.approx(60.0)


@pytest.mark.parametrize("real_start", [65528.85923981311, 1764651234.123456, 0.1])
def test_readings_differ_by_exactly_the_waits(
    real_start: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_smartcar import clock as clock_module

    monkeypatch.setitem(clock_module._REAL, "monotonic", lambda: real_start)
    monkeypatch.setitem(clock_module._REAL, "time", lambda: real_start)
    with virtual_clock():
        start, wall = time.monotonic(), time.time()
        time.sleep(50)
        assert time.monotonic() - start == 50.0
        assert time.time() - wall == 50.0
        assert start >= real_start  # never behind a real reading taken before the start


@pytest.mark.parametrize("real_start", [51.88912636955312, 262129.22955873786, 0.1])
def test_a_deadline_lands_on_its_exact_second(
    real_start: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's clock is the real monotonic start plus virtual seconds; a deadline
    read back through it lands on its second, whatever the start's low bits."""
    from pytest_smartcar import clock as clock_module

    monkeypatch.setitem(clock_module._REAL, "monotonic", lambda: real_start)

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.sleep(120), timeout=30)

    with virtual_clock() as running:
        asyncio.run(main())
    assert running.now() == 30.0


def test_loop_timers_fire_while_a_task_sleeps(clock: VirtualClock) -> None:
    fired: list[float] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        loop.call_later(30, lambda: fired.append(loop.time() - start))
        await asyncio.sleep(100)

    asyncio.run(main())
    assert fired == [pytest.approx(30.0)]
    assert clock.now() == 100.0


def test_anyio_sleep_and_its_cancel_scopes(clock: VirtualClock) -> None:
    async def main() -> float:
        start = anyio.current_time()
        await anyio.sleep(120)
        with anyio.move_on_after(30):
            await anyio.sleep(100)
        return anyio.current_time() - start

    assert anyio.run(main) == pytest.approx(150.0)
    assert clock.sleeps == [120.0, 100.0]


# -- as users meet it: pytester runs -------------------------------------------------------------

APP = f"""
import asyncio
import time

import httpx

URL = "{URL}"


def read_sync():
    with httpx.Client() as http:
        response = http.get(URL)
        if response.status_code == 429:
            time.sleep(float(response.headers["Retry-After"]))
            response = http.get(URL)
        return response.json()["distance"]


async def read_httpx():
    async with httpx.AsyncClient() as http:
        response = await http.get(URL)
        if response.status_code == 429:
            await asyncio.sleep(float(response.headers["Retry-After"]))
            response = await http.get(URL)
        return response.json()["distance"]


async def read_aiohttp():
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(URL) as response:
            status, retry_after = response.status, response.headers.get("Retry-After")
        if status == 429:
            await asyncio.sleep(float(retry_after))
        async with http.get(URL) as response:
            return (await response.json())["distance"]
"""

TESTS = """
import asyncio
import time

import pytest

import app


@pytest.mark.smartcar_error("RATE_LIMIT:VEHICLE", times=1, then="success")
@pytest.mark.parametrize("read", [{reads}])
def test_waits_retry_after(smartcar_error, smartcar_clock, read):
    start = time.perf_counter()
    result = getattr(app, read)()
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    real = time.perf_counter() - start
    assert result == 104.32
    assert smartcar_clock.sleeps == [120.0]
    assert [call.at for call in smartcar_error.calls] == [0.0, 120.0]
    print(f"REAL {{read}} {{real:.4f}} s for {{smartcar_clock.now()}} virtual s")
    assert real < 1.0 < smartcar_clock.now()
"""


def _async_reads() -> list[str]:
    import importlib.util

    reads = ["'read_httpx'"]
    if importlib.util.find_spec("pytest_smartcar.transports.aiohttp") is not None:
        reads.append("'read_aiohttp'")
    return reads


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_120_s_retry_after_takes_no_real_time(pytester: pytest.Pytester, kind: str) -> None:
    reads = ["'read_sync'"] if kind == "sync" else _async_reads()
    pytester.makepyfile(app=APP, test_app=TESTS.format(reads=", ".join(reads)))
    pytester.syspathinsert()
    result = pytester.runpytest("-s", *INNER)
    result.assert_outcomes(passed=len(reads))
    result.stdout.fnmatch_lines(["*REAL read_* s for 120.0 virtual s"] * len(reads))


def test_aiohttp_app_waits_virtually(pytester: pytest.Pytester) -> None:
    pytest.importorskip(
        "pytest_smartcar.transports.aiohttp",
        reason="the aiohttp transport lands with the aiohttp branch; then this runs",
    )
    pytester.makepyfile(app=APP, test_app=TESTS.format(reads="'read_aiohttp'"))
    pytester.syspathinsert()
    pytester.runpytest("-s", *INNER).assert_outcomes(passed=1)


UNPATCHED = """
import asyncio
import time

import pytest

ORIGINALS = (time.sleep, time.monotonic, time.time, asyncio.sleep)


@pytest.fixture(autouse=True)
def unpatched_before_and_after():
    assert (time.sleep, time.monotonic, time.time, asyncio.sleep) == ORIGINALS
    yield
    assert (time.sleep, time.monotonic, time.time, asyncio.sleep) == ORIGINALS
"""

ORDER_TESTS = """
import asyncio
import time

import httpx
import pytest
from pytest_smartcar import virtual_clock

URL = "https://api.smartcar.com/v2.0/vehicles/v1/odometer"


@pytest.mark.parametrize("n", range(6))
def test_clock_fixture(smartcar_clock, smartcar_error, n):
    smartcar_error.serve("SERVER:INTERNAL", times=1, then="success")
    assert httpx.get(URL).status_code == 500
    time.sleep(n + 1)
    assert httpx.get(URL).status_code == 200
    smartcar_error.assert_retry_contract()
    assert smartcar_clock.sleeps == [n + 1.0]


@pytest.mark.parametrize("n", range(6))
def test_clock_context(n):
    with virtual_clock() as clock:
        asyncio.run(asyncio.sleep(n + 1))
    assert clock.now() == n + 1


@pytest.mark.parametrize("n", range(6))
def test_real_time_between(n):
    start = time.perf_counter()
    time.sleep(0.01)
    assert time.perf_counter() - start >= 0.01
"""


def test_xdist_and_random_order_leave_time_unpatched(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(UNPATCHED)
    pytester.makepyfile(test_order=ORDER_TESTS)
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "randomly", "-p", "no:cacheprovider", "-q"
    )
    result.assert_outcomes(passed=18)


def test_a_leaked_clock_is_stopped_with_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(UNPATCHED.rsplit("    yield", 1)[0] + "    yield\n")
    pytester.makepyfile(
        """
        from pytest_smartcar import virtual_clock

        KEPT = []

        def test_leaks():
            KEPT.append(virtual_clock())
            KEPT[0].__enter__()

        def test_next():
            pass
        """
    )
    result = pytester.runpytest(*INNER, "-W", "default")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*virtual_clock() started in *test_leaks was still running*"])


def test_plugin_start_up_loads_neither_the_clock_nor_the_contract() -> None:
    import subprocess
    import sys

    code = "import sys, pytest_smartcar.plugin\nprint(' '.join(sys.modules))"
    names = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert not {"asyncio", "pytest_smartcar.clock", "pytest_smartcar.contract"} & names
