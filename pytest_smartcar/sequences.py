"""Sequences of outcomes for retry logic: what ``serve_sequence()`` serves, in order.

An ``ErrorSequence`` is a tuple of ``Step`` (an outcome, and the ``Retry-After`` it is
served with) that reads as words and parses back from them::

    RATE_LIMIT:VEHICLE with Retry-After: 120, then SERVER:INTERNAL, then success

``error_sequences()`` (in :mod:`pytest_smartcar.strategies`) generates them; tests can
write them by hand too (``stub.serve_sequence("SERVER:INTERNAL, then success")``).
Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_smartcar.errors import SmartcarUsageError
from pytest_smartcar.outcomes import FAULTS, SUCCESS, as_outcome
from pytest_smartcar.serving import UNSET, check_serve_arguments

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.stubs import ServedStub

__all__ = ["ErrorSequence", "Step", "serve_sequence"]

_THEN = ", then "
_STEP = re.compile(
    r"^(?P<outcome>[^\s,]+)"
    r"(?: (?:with Retry-After: (?P<value>.+)|(?P<without>without Retry-After)))?$"
)


@dataclass(frozen=True)
class Step:
    """One outcome of a sequence: a catalog key, a fault or ``"success"``, and the
    ``Retry-After`` served with it (``retry_after``: as ``serve()`` takes it; left unset,
    the catalog's own, i.e. 120 for ``RATE_LIMIT:VEHICLE`` and none for the others)."""

    outcome: str
    retry_after: int | str | None = UNSET

    def __post_init__(self) -> None:
        __tracebackhide__ = True
        outcome = as_outcome(self.outcome, "step")  # refuses unknown keys, with a hint
        if outcome.kind == "response" or outcome.body is not None:
            raise SmartcarUsageError(
                f"a Step takes a catalog key, a fault or 'success', got {self.outcome!r}; "
                "pass bodies and responses to serve_sequence() in a plain list instead"
            )
        if outcome.spec is not None:
            object.__setattr__(self, "outcome", outcome.spec.key)
        elif outcome.kind == "success":
            object.__setattr__(self, "outcome", SUCCESS)
        elif outcome.kind == "fault":
            object.__setattr__(self, "outcome", outcome.label)
        if self.retry_after is not UNSET and self.catalog_retry_after() == self.retry_after:
            object.__setattr__(self, "retry_after", UNSET)  # one spelling for one response

    def catalog_retry_after(self) -> int | None:
        """The ``Retry-After`` the catalog serves with this outcome."""
        spec = as_outcome(self.outcome).spec
        value = getattr(spec, "retry_after", None)
        return value if isinstance(value, int) else None

    def describe(self) -> str:
        """``RATE_LIMIT:VEHICLE with Retry-After: 120``, ``timeout``, ``success``."""
        value = self.catalog_retry_after() if self.retry_after is UNSET else self.retry_after
        if value is None:
            return (
                f"{self.outcome} without Retry-After"
                if self.catalog_retry_after() is not None
                else self.outcome
            )
        shown = json.dumps(value) if isinstance(value, str) else str(value)
        return f"{self.outcome} with Retry-After: {shown}"

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True, repr=False)
class ErrorSequence:
    """Outcomes served in order to matching requests; after the last, the last repeats.

    ``repr()`` is the words, as ``ErrorSequence.parse(...)``, so a failing example that
    hypothesis prints can be pasted into ``@example(...)``.
    """

    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        __tracebackhide__ = True
        if not self.steps:
            raise SmartcarUsageError("an ErrorSequence needs at least one step")

    @classmethod
    def parse(cls, text: str) -> ErrorSequence:
        """Read the words back: ``"SERVER:INTERNAL, then success"``."""
        __tracebackhide__ = True
        if not isinstance(text, str) or not text.strip():
            raise SmartcarUsageError(
                f"ErrorSequence.parse() takes words like 'SERVER:INTERNAL, then success', "
                f"got {text!r}"
            )
        return cls(tuple(_parse_step(part.strip()) for part in text.split(_THEN)))

    @property
    def description(self) -> str:
        return _THEN.join(step.describe() for step in self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> Step:
        return self.steps[index]

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return f"ErrorSequence.parse({self.description!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def _parse_step(text: str) -> Step:
    __tracebackhide__ = True
    match = _STEP.match(text)
    if match is None:
        raise SmartcarUsageError(
            f"cannot read {text!r} as a step: write a catalog key, a fault "
            f"({', '.join(FAULTS)}) or 'success', optionally followed by "
            "'with Retry-After: 120' or 'without Retry-After'"
        )
    outcome, value = match["outcome"], match["value"]
    if match["without"]:
        return Step(outcome, None)
    if value is None:
        return Step(outcome)
    if value.startswith('"'):
        try:
            raw = json.loads(value)
        except ValueError:
            raw = None
        if not isinstance(raw, str):
            raise SmartcarUsageError(f"Retry-After: {value} is not a quoted string")
        return Step(outcome, raw)
    if not value.isdigit():
        raise SmartcarUsageError(
            f"Retry-After: {value} is neither seconds nor a quoted header value "
            f'(write Retry-After: "{value}" to serve that text)'
        )
    return Step(outcome, int(value))


def as_steps(sequence: object) -> tuple[Any, ...]:
    """What ``serve_sequence()`` takes: an ``ErrorSequence``, its words, or a list of
    steps and outcomes (anything ``serve()`` takes)."""
    __tracebackhide__ = True
    if isinstance(sequence, str):
        return ErrorSequence.parse(sequence).steps
    if isinstance(sequence, ErrorSequence):
        return sequence.steps
    if isinstance(sequence, Iterable) and not isinstance(sequence, (bytes, dict)):
        items = tuple(sequence)
        if items:
            return items
    raise SmartcarUsageError(
        "serve_sequence() takes an ErrorSequence (from error_sequences()), its words "
        f"('SERVER:INTERNAL, then success') or a non-empty list of outcomes; got {sequence!r}"
    )


def serve_sequence(
    stub: SmartcarStub,
    sequence: object,
    *,
    endpoint: str | Iterable[str] | None,
    method: str | Iterable[str] | None,
    vehicle_id: str | Iterable[str] | None,
    optional: bool,
) -> list[ServedStub]:
    """One stub per step, newest first, so step 1 answers the first request; each but
    the last answers once, the last repeats. Steps after the first are optional: an app
    that gives up early does not fail the test for the steps it never reached."""
    __tracebackhide__ = True
    from pytest_smartcar.stubs import ServedStub

    steps = as_steps(sequence)
    declared: list[dict[str, Any]] = []
    for position, step in enumerate(steps):
        outcome, retry_after = (
            (step.outcome, step.retry_after) if isinstance(step, Step) else (step, UNSET)
        )
        last = position == len(steps) - 1
        try:
            declared.append(
                check_serve_arguments(
                    outcome,
                    endpoint=endpoint,
                    method=method,
                    vehicle_id=vehicle_id,
                    times=None if last else 1,
                    retry_after=retry_after,
                    optional=optional if position == 0 else True,
                )
            )
        except SmartcarUsageError as exc:
            problem = f"step {position + 1} of the sequence: {exc}"
        else:
            continue
        raise SmartcarUsageError(problem)
    served = [ServedStub(**args) for args in declared]
    for one in reversed(served):
        stub._add(one)
    return served
