"""``stub_smartcar()`` as a decorator on what users decorate: functions, coroutines run
concurrently, generators (yield fixtures), async generators and classes."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import unittest
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from pytest_smartcar import stub_smartcar
from pytest_smartcar.engine import SmartcarStub
from pytest_smartcar.errors import (
    SmartcarUsageError,
    UnmatchedSmartcarRequest,
    UnrequestedSmartcarStub,
)
from tests.support import INNER

ODOMETER = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"


def asleep_once() -> SmartcarStub:
    """An engine that answers ASLEEP once, then the odometer reading."""
    stub = stub_smartcar()
    stub.serve("VEHICLE_STATE:ASLEEP", endpoint="odometer", times=1, then="success")
    return stub


def test_a_generator_is_stubbed_while_its_body_runs() -> None:
    stub = asleep_once()

    @stub
    def readings() -> Iterator[int]:
        yield httpx.get(ODOMETER).status_code
        yield httpx.get(ODOMETER).status_code

    assert list(readings()) == [409, 200]
    assert [c.key for c in stub.calls] == ["VEHICLE_STATE:ASLEEP", "success"]
    assert not stub.active


def test_a_decorated_yield_fixture_stubs_the_test_in_between(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from pytest_smartcar import stub_smartcar

        URL = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
        stub = stub_smartcar()
        stub.serve("SERVER:INTERNAL", endpoint="odometer")

        @pytest.fixture
        @stub
        def broken_api():
            yield

        def test_uses_it(broken_api):
            assert httpx.get(URL).status_code == 500

        def test_after_it():
            assert not stub.active
            assert [c.key for c in stub.calls] == ["SERVER:INTERNAL"]
        """
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


def test_an_async_generator_is_stubbed_while_its_body_runs() -> None:
    stub = asleep_once()

    @stub
    async def readings() -> AsyncIterator[int]:
        async with httpx.AsyncClient() as client:
            for _ in range(2):
                yield (await client.get(ODOMETER)).status_code

    async def collect() -> list[int]:
        return [status async for status in readings()]

    assert asyncio.run(collect()) == [409, 200]


def test_concurrent_calls_of_a_coroutine_each_get_an_engine() -> None:
    stub = asleep_once()
    started = asyncio.Event

    @stub
    async def refresh(gate: asyncio.Event, ready: asyncio.Event) -> list[int]:
        async with httpx.AsyncClient() as client:
            first = (await client.get(ODOMETER)).status_code
            ready.set()
            await gate.wait()  # both calls are in progress here
            return [first, (await client.get(ODOMETER)).status_code]

    async def both() -> list[list[int]]:
        gate, ready_a, ready_b = started(), started(), started()
        runs = asyncio.gather(refresh(gate, ready_a), refresh(gate, ready_b))
        await ready_a.wait()
        await ready_b.wait()
        gate.set()
        return list(await runs)

    assert asyncio.run(both()) == [[409, 200], [409, 200]]  # times=1 counted per call
    assert sorted(c.key for c in stub.calls) == ["VEHICLE_STATE:ASLEEP"] * 2 + ["success"] * 2


def test_concurrent_threads_each_get_an_engine() -> None:
    stub = asleep_once()
    barrier = threading.Barrier(2, timeout=10)
    statuses: list[list[int]] = []

    @stub
    def refresh() -> None:
        first = httpx.get(ODOMETER).status_code
        barrier.wait()
        statuses.append([first, httpx.get(ODOMETER).status_code])

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [[409, 200], [409, 200]]


def test_each_call_is_checked_for_its_own_unrequested_stubs() -> None:
    stub = stub_smartcar()
    stub.serve("SERVER:INTERNAL", endpoint="odometer")

    @stub
    async def maybe(call: bool, gate: asyncio.Event) -> None:
        await gate.wait()  # both calls are in progress before either requests
        if call:
            async with httpx.AsyncClient() as client:
                await client.get(ODOMETER)

    async def both() -> list[BaseException | None]:
        gate = asyncio.Event()
        runs = asyncio.gather(maybe(True, gate), maybe(False, gate), return_exceptions=True)
        await asyncio.sleep(0)
        gate.set()
        return list(await runs)

    first, second = asyncio.run(both())
    assert first is None
    assert isinstance(second, UnrequestedSmartcarStub), second


def test_a_swallowed_unmatched_request_fails_its_own_call() -> None:
    @stub_smartcar()
    def swallow() -> None:
        with contextlib.suppress(UnmatchedSmartcarRequest):
            httpx.get(ODOMETER)

    with pytest.raises(UnmatchedSmartcarRequest, match="caught this error and went on"):
        swallow()


def test_a_class_has_its_test_methods_decorated_and_stays_a_class() -> None:
    stub = stub_smartcar()
    stub.serve("SERVER:INTERNAL", endpoint="odometer", optional=True)

    @stub
    class TestApp(unittest.TestCase):
        def helper(self) -> int:
            return httpx.get(ODOMETER).status_code

        def test_read(self) -> None:
            self.assertEqual(self.helper(), 500)

        @staticmethod
        def test_static() -> None:
            assert httpx.get(ODOMETER).status_code == 500

    assert isinstance(TestApp, type) and issubclass(TestApp, unittest.TestCase)
    import io

    outcome = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(TestApp)
    )
    assert (outcome.testsRun, outcome.failures, outcome.errors) == (2, [], [])
    with stub_smartcar() as outside:
        outside.succeed(endpoint="odometer")
        assert TestApp("test_read").helper() == 200  # not a test method: not decorated


def test_a_decorated_pytest_class(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        from pytest_smartcar import stub_smartcar

        URL = "https://api.smartcar.com/v2.0/vehicles/abc/odometer"
        stub = stub_smartcar()
        stub.serve("RATE_LIMIT:VEHICLE", endpoint="odometer")

        @stub
        class TestRateLimited:
            def test_one(self):
                assert httpx.get(URL).status_code == 429

            def test_two(self):
                assert httpx.get(URL).status_code == 429
        """
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


def test_what_cannot_be_decorated_is_refused_when_decorated() -> None:
    with pytest.raises(SmartcarUsageError, match="decorates functions, coroutine functions"):
        stub_smartcar()(42)  # type: ignore[type-var]
