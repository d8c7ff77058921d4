"""Error sequences: served in order, read as words, generated, and shrunk to the shortest.

The acceptance test of issue 15 is here: a small client per retry rule that breaks it,
and one that keeps them all, each run under ``@given(error_sequences())`` at hypothesis'
default 100 examples in three seeds. Every breaking client fails the contract in every
seed; the correct one never does.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable

import httpx
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pytest_smartcar import (
    ErrorSequence,
    RetryContractViolation,
    SmartcarError,
    SmartcarUsageError,
    stub_smartcar,
    virtual_clock,
)
from pytest_smartcar.catalog import get
from pytest_smartcar.sequences import Step
from pytest_smartcar.strategies import error_sequences

URL = "https://api.smartcar.com/v2.0/vehicles/36ab27d0-fd9d-4455-823a-ce30af709ffc/odometer"


# -- serving ----------------------------------------------------------------------------------


def test_steps_are_served_in_order_and_the_last_repeats() -> None:
    with stub_smartcar() as stub, httpx.Client() as http:
        stub.serve_sequence(
            "RATE_LIMIT:VEHICLE, then SERVER:INTERNAL with Retry-After: 5, then gateway_504, "
            "then success"
        )
        replies = [http.get(URL) for _ in range(5)]
    assert [r.status_code for r in replies] == [429, 500, 504, 200, 200]
    assert [r.headers.get("Retry-After") for r in replies[:2]] == ["120", "5"]
    assert stub.served == {"RATE_LIMIT:VEHICLE": 1, "SERVER:INTERNAL": 1, "gateway_504": 1,
                           "success": 2}  # fmt: skip


def test_an_app_that_stops_early_leaves_later_steps_unused() -> None:
    with stub_smartcar() as stub, httpx.Client() as http:
        stub.serve_sequence(["PERMISSION", "success"], endpoint="odometer")
        assert http.get(URL).status_code == 403
    assert len(stub.calls) == 1  # and the stub's exit check passed


def test_the_first_step_must_be_requested() -> None:
    with pytest.raises(AssertionError, match="never made a request"), stub_smartcar() as stub:
        stub.serve_sequence("SERVER:INTERNAL, then success")


def test_a_list_takes_anything_serve_takes() -> None:
    with stub_smartcar() as stub, httpx.Client() as http:
        stub.serve_sequence(["timeout", Step("SERVER:INTERNAL", None), {"distance": 1.5}])
        with pytest.raises(httpx.ReadTimeout):
            http.get(URL)
        assert http.get(URL).status_code == 500
        assert http.get(URL).json() == {"distance": 1.5}


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        ("SERVER:INTERNL, then success", "did you mean"),
        ([], "a non-empty list of outcomes"),
        ("SERVER:INTERNAL with Retry-After: soon", 'write Retry-After: "soon"'),
        (["success", "VEHICLE_STATE:ASLEP"], "step 2 of the sequence"),
    ],
)
def test_bad_sequences_are_usage_errors(sequence: object, message: str) -> None:
    stub = stub_smartcar()
    with pytest.raises(SmartcarUsageError, match=message):
        stub.serve_sequence(sequence)
    assert stub.stubs == []  # nothing half-declared


# -- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "words"),
    [
        ((Step("RATE_LIMIT:VEHICLE"), Step("success")),
         "RATE_LIMIT:VEHICLE with Retry-After: 120, then success"),
        ((Step("rate_limit:vehicle", None),), "RATE_LIMIT:VEHICLE without Retry-After"),
        ((Step("SERVER:INTERNAL", " 30 "), Step("timeout")),
         'SERVER:INTERNAL with Retry-After: " 30 ", then timeout'),
        ((Step("RATE_LIMIT:VEHICLE", 120),), "RATE_LIMIT:VEHICLE with Retry-After: 120"),
    ],
)  # fmt: skip
def test_a_sequence_reads_as_words(steps: tuple[Step, ...], words: str) -> None:
    sequence = ErrorSequence(steps)
    assert str(sequence) == words
    assert repr(sequence) == f"ErrorSequence.parse({words!r})"
    assert ErrorSequence.parse(words) == sequence


@given(error_sequences())
def test_every_generated_sequence_parses_back_from_its_repr(sequence: ErrorSequence) -> None:
    assert eval(repr(sequence), {"ErrorSequence": ErrorSequence}) == sequence
    assert 1 <= len(sequence) <= 4


@given(error_sequences(resolution="RETRY_LATER", faults=False, success=False, max_size=2))
def test_filters_narrow_the_errors(sequence: ErrorSequence) -> None:
    assert all(get(step.outcome).resolution == "RETRY_LATER" for step in sequence)
    assert len(sequence) <= 2


@pytest.mark.parametrize(
    "kwargs",
    [{"max_size": 0}, {"min_size": 3, "max_size": 2}, {"faults": "yes"}, {"type": "NOPE"}],
)
def test_bad_strategy_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises((InvalidArgument, ValueError)):
        error_sequences(**kwargs).example()  # type: ignore[arg-type]


# -- the acceptance: one client per broken rule, one correct client -----------------------------

HTTP = httpx.Client()


class GaveUp(Exception):
    """The client shows the error to the user."""


def retrying_client(
    *,
    honour_retry_after: bool = True,
    back_off: bool = True,
    retry_everything: bool = False,
    attempts: int = 3,
    max_wait: float = 600.0,
) -> Callable[[], object]:
    """A small odometer client; the defaults keep every rule."""

    def read() -> object:
        for attempt in range(1, attempts + 1):
            error: SmartcarError | None = None
            try:
                response = HTTP.get(URL)
            except httpx.TransportError:
                pass
            else:
                if response.is_success:
                    return response.json()
                error = SmartcarError.from_response(response)
            retryable = (
                retry_everything
                or error is None
                or error.resolution == "RETRY_LATER"
                or (error.type is None and error.status in (502, 503, 504))
            )
            if not retryable or attempt == attempts:
                raise GaveUp
            advice = error.retry_after if error is not None and honour_retry_after else None
            if advice is None:
                advice = 2.0 ** (attempt - 1) if back_off else 0.0
            if advice > max_wait:
                raise GaveUp
            time.sleep(advice)
        raise AssertionError("unreachable")

    return read


CLIENTS = {
    "correct": retrying_client(),
    "ignores_retry_after": retrying_client(honour_retry_after=False),  # breaks retry_after
    "no_backoff": retrying_client(back_off=False),  # breaks retry_later_wait
    "retries_everything": retrying_client(retry_everything=True),  # breaks not_retryable
    "unbounded": retrying_client(attempts=10),  # breaks max_attempts (the contract's 3)
}
BROKEN = {
    "ignores_retry_after": "retry_after",
    "no_backoff": "retry_later_wait",
    "retries_everything": "not_retryable",
    "unbounded": "max_attempts",
}
SEEDS = range(int(os.environ.get("SMARTCAR_CONTRACT_SEEDS", "3")))


def run_client(client: Callable[[], object], sequence: ErrorSequence) -> None:
    with virtual_clock(), stub_smartcar() as stub:
        stub.serve_sequence(sequence, endpoint="odometer")
        with contextlib.suppress(GaveUp):
            client()
    stub.assert_retry_contract(max_attempts=3)


def explore(name: str, seed_value: int) -> tuple[ErrorSequence, RetryContractViolation] | None:
    """Run ``name`` under ``@given(error_sequences())``: the shrunk failing example and its
    violation, or ``None`` when all 100 examples kept the contract."""
    failures: list[tuple[ErrorSequence, RetryContractViolation]] = []

    @seed(seed_value)
    @settings(database=None, max_examples=100)
    @given(error_sequences())
    def keeps_the_contract(sequence: ErrorSequence) -> None:
        try:
            run_client(CLIENTS[name], sequence)
        except RetryContractViolation as exc:
            failures.append((sequence, exc))
            raise

    try:
        keeps_the_contract()
    except RetryContractViolation:
        return failures[-1]  # hypothesis replays the shrunk example last
    return None


@pytest.mark.parametrize("seed_value", SEEDS)
@pytest.mark.parametrize("name", list(BROKEN))
def test_each_broken_rule_is_found_and_shrunk(name: str, seed_value: int) -> None:
    found = explore(name, seed_value)
    assert found is not None, f"{name} kept the contract in 100 examples (seed {seed_value})"
    sequence, violation = found
    print(f"SHRUNK {name} seed {seed_value}: {sequence}")
    assert {v.rule for v in violation.violations} == {BROKEN[name]}
    assert len(sequence) == 1  # the last step repeats: one step is the shortest story


@pytest.mark.parametrize("seed_value", SEEDS)
def test_the_correct_client_keeps_the_contract(seed_value: int) -> None:
    assert explore("correct", seed_value) is None


@pytest.mark.parametrize("name", list(BROKEN))
def test_the_breaking_clients_break_only_their_rule(name: str) -> None:
    @settings(database=None, max_examples=60, derandomize=True)
    @given(st.data())
    def only_its_rule(data: st.DataObject) -> None:
        sequence = data.draw(error_sequences())
        try:
            run_client(CLIENTS[name], sequence)
        except RetryContractViolation as exc:
            assert {v.rule for v in exc.violations} == {BROKEN[name]}

    only_its_rule()
