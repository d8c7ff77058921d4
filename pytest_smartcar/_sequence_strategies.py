"""``error_sequences()``: generated stories of errors, faults and successes for retry logic.

Re-exported by :mod:`pytest_smartcar.strategies` (import it from there). Each draw is an
``ErrorSequence`` that ``stub.serve_sequence(seq)`` serves in order::

    @given(error_sequences())
    def test_retries_follow_the_contract(seq):
        with virtual_clock(), stub_smartcar() as stub:
            stub.serve_sequence(seq, endpoint="odometer")
            client.try_odometer(VEHICLE_ID)
        stub.assert_retry_contract(max_attempts=3)

Every choice is ordered simplest-first, so a failure shrinks to the shortest sequence of
the plainest steps: ``RETRY_LATER`` errors before the others (``RATE_LIMIT:VEHICLE``
first, with the catalog's ``Retry-After: 120``), then faults, then success.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from pytest_smartcar.catalog import ErrorSpec, select
from pytest_smartcar.outcomes import FAULTS, SUCCESS
from pytest_smartcar.sequences import ErrorSequence, Step
from pytest_smartcar.serving import UNSET

__all__ = ["error_sequences"]

#: Retry-After values besides the catalog's, plainest first: seconds, then the odd ones a
#: proxy might send (a robust client treats them as no advice; " 30 " is valid: spaces
#: are trimmed).
_SECONDS = (1, 2, 5, 30, 60, 120, 600, 3600, 0)
_ODD = ("1.5", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", " 30 ", "", "1e3")
_FIRST = "RATE_LIMIT:VEHICLE"


def _ordered(specs: Iterable[ErrorSpec]) -> tuple[list[ErrorSpec], list[ErrorSpec]]:
    """(RETRY_LATER errors, the others), catalog order, the rate limit first."""
    retry = [s for s in specs if s.resolution == "RETRY_LATER"]
    retry.sort(key=lambda s: s.key != _FIRST)
    return retry, [s for s in specs if s.resolution != "RETRY_LATER"]


def _retry_afters(spec: ErrorSpec, vary: bool) -> tuple[Any, ...]:
    if not vary:
        return (UNSET,)
    default = spec.retry_after
    values = [v for v in (*_SECONDS, *_ODD) if v != default]
    return (UNSET, *([None] if default is not None else []), *values)


def _error_steps(specs: list[ErrorSpec], vary: bool) -> SearchStrategy[Step]:
    @st.composite
    def steps(draw: st.DrawFn) -> Step:
        spec = draw(st.sampled_from(specs))
        return Step(spec.key, draw(st.sampled_from(_retry_afters(spec, vary))))

    return steps()


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}= takes True or False, got {value!r}")
    return value


def _size(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgument(f"{name}= takes a whole number >= 1, got {value!r}")
    return value


def error_sequences(
    *patterns: str,
    type: str | Iterable[str] | None = None,
    status: int | Iterable[int] | None = None,
    resolution: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    faults: bool = True,
    success: bool = True,
    retry_after: bool = True,
    min_size: int = 1,
    max_size: int = 4,
) -> SearchStrategy[ErrorSequence]:
    """Sequences of 1 to ``max_size`` outcomes for ``stub.serve_sequence()``.

    Steps are v2.0 catalog errors (narrowed by the filters of ``catalog.select``), the
    faults (``faults=False`` leaves them out) and successes (``success=False``).
    ``RETRY_LATER`` errors get varied ``Retry-After`` headers (the catalog's, none,
    seconds from 0 to 3600, and odd values: ``"1.5"``, ``"-1"``, an HTTP-date...);
    ``retry_after=False`` keeps the catalog's. After the last step, the last repeats.
    """
    specs = select(*patterns, type=type, status=status, resolution=resolution, exclude=exclude)
    filters = {"type": type, "status": status, "resolution": resolution, "exclude": exclude}
    if not specs:
        given = [repr(p) for p in patterns]
        given += [f"{k}={v!r}" for k, v in filters.items() if v is not None]
        raise InvalidArgument(
            f"no Smartcar error matches all of {', '.join(given)}: nothing to generate"
        )
    vary = _flag("retry_after", retry_after)
    low, high = _size("min_size", min_size), _size("max_size", max_size)
    if low > high:
        raise InvalidArgument(f"min_size={low} is above max_size={high}")
    retry, others = _ordered(specs)
    branches: list[SearchStrategy[Step]] = [
        _error_steps(group, vary) for group in (retry, others) if group
    ]
    if _flag("faults", faults):
        branches.append(st.sampled_from([Step(f) for f in FAULTS]))
    if _flag("success", success):
        branches.append(st.just(Step(SUCCESS)))
    return st.lists(st.one_of(branches), min_size=low, max_size=high).map(
        lambda steps: ErrorSequence(tuple(steps))
    )
