"""One ``serve()``: what it answers, in which order, and the calls it took.

A ``ServedStub`` matches requests by endpoint, method and vehicle, hands out its outcomes
in sequence (``times=`` then ``then=``, the last repeating) and keeps the responses it
rendered, so the hundredth identical error costs a fresh request id, not a new body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_smartcar import endpoints as ep
from pytest_smartcar.calls import Call
from pytest_smartcar.catalog import AnySpec
from pytest_smartcar.outcomes import Outcome
from pytest_smartcar.wire.common import Template

__all__ = ["ServedStub"]


class ServedStub:
    """What one ``serve()`` call declared, and the calls it answered.

    ``endpoints`` of ``None`` answers every request to a Smartcar host, documented path
    or not (``endpoint="*"``).
    """

    def __init__(
        self,
        first: Outcome,
        *,
        times: int | None,
        then: Sequence[Outcome],
        endpoints: frozenset[ep.Endpoint] | None,
        endpoint_label: str,
        methods: frozenset[str] | None,
        vehicle_ids: frozenset[str] | None,
        optional: bool,
        options: Mapping[str, Any],
    ) -> None:
        self.first = first
        self.times = times
        self.then = tuple(then)
        self.endpoints = endpoints
        self.endpoint_label = endpoint_label
        self.methods = methods
        self.vehicle_ids = vehicle_ids
        self.optional = optional
        self.options = dict(options)
        self.calls: list[Call] = []
        #: Rendered responses by (outcome index, API version, vehicle id).
        self.rendered: dict[tuple[Any, ...], Template] = {}

    @property
    def spec(self) -> AnySpec | None:
        """The catalog entry this stub serves first (``None`` for faults and successes)."""
        return self.first.spec

    @property
    def call_count(self) -> int:
        return len(self.calls)

    @property
    def called(self) -> bool:
        return bool(self.calls)

    def describe(self) -> str:
        """``VEHICLE_STATE:ASLEEP x2 then 200 on odometer (GET)``."""
        text = self.first.label
        if self.times is not None:
            text += f" x{self.times}"
            if self.then:
                text += " then " + ", then ".join(o.label for o in self.then)
        text += f" on {self.endpoint_label}"
        if self.methods:
            text += f" ({'/'.join(sorted(self.methods))})"
        if self.vehicle_ids:
            text += f" for vehicle {' or '.join(sorted(self.vehicle_ids))}"
        return text

    def capacity(self) -> int | None:
        """How many requests this stub can answer (``None``: unlimited)."""
        if self.times is None or self.then:
            return None
        return self.times

    def refusal(self, match: ep.Match | None, method: str) -> str | None:
        """Why this stub does not answer a request, or ``None`` when it does."""
        if self.endpoints is not None:
            if match is None:
                return "the path is not a documented Smartcar endpoint"
            if match.endpoint not in self.endpoints:
                return f"endpoint {match.endpoint.name} is not among {self.endpoint_label}"
        if self.methods is not None and method not in self.methods:
            return f"method {method} is not {'/'.join(sorted(self.methods))}"
        if self.vehicle_ids is not None:
            vid = match.params.get("vehicle_id") if match else None
            if vid not in self.vehicle_ids:
                return f"vehicle id {vid!r} is not {' or '.join(sorted(self.vehicle_ids))}"
        cap = self.capacity()
        if cap is not None and len(self.calls) >= cap:
            return f"used up: it answered its {cap} request{'s' if cap != 1 else ''}"
        return None

    def next_outcome(self) -> tuple[int, Outcome]:
        """The outcome for the next request, and its position in the sequence."""
        n = len(self.calls)
        if self.times is None or n < self.times:
            return 0, self.first
        index = min(n - self.times, len(self.then) - 1)
        return index + 1, self.then[index]
