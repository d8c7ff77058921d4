"""Smartcar's retry contract, checked against the calls an engine answered.

Four rules, each with a name that switches it off (``ignore=``), each from what Smartcar
documents (see ``docs/retries.md``):

- ``retry_after``: a request answered with ``Retry-After: N`` (delta-seconds) is not
  repeated before N seconds passed on the clock.
- ``retry_later_wait``: after a ``RETRY_LATER`` error without a usable ``Retry-After``,
  the app waits before it repeats the request (any wait; none at all breaks the rule).
- ``not_retryable``: after an error that retrying does not fix (resolution
  ``REAUTHENTICATE``, ``CONTACT_SUPPORT``, ``FINANCE``, ``ACTION_REQUIRED``, or a 4xx with
  no resolution and no ``Retry-After``), the same request is not repeated until something
  changed: a new access token, a token-endpoint call, or a re-authentication
  (``stub.reauth_redirect()``) in between.
- ``max_attempts``: no more than ``max_attempts`` attempts at one request in a row (a
  success ends the row).

"The same request" is the same method, URL (host, path: so the endpoint and the vehicle,
and query) and body (JSON compared as data); headers do not count, so a new token does not
make a request new: it is the change ``not_retryable`` looks for. A repeat is the next
call of the same request after a failed one, whatever other requests came in between.
Times are ``Call.at``: the virtual clock's time while one ran, else real time.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_smartcar._suggest import close_matches
from pytest_smartcar.calls import Call, describe_request
from pytest_smartcar.errors import SmartcarStubError, SmartcarUsageError
from pytest_smartcar.messages import DOCS
from pytest_smartcar.parser import SmartcarError, parse_retry_after

if TYPE_CHECKING:
    from pytest_smartcar.engine import SmartcarStub

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "RULES",
    "RetryContractViolation",
    "check",
    "check_max_attempts",
    "check_rules",
]

#: Smartcar documents no number; five attempts is lenient enough for the ini-wide check.
DEFAULT_MAX_ATTEMPTS = 5
#: The resolutions that retrying does not fix: a person must act (the owner, support).
_PERSON_MUST_ACT = frozenset({"REAUTHENTICATE", "CONTACT_SUPPORT", "FINANCE", "ACTION_REQUIRED"})
#: 4xx statuses that invite a retry by HTTP's own rules (RFC 9110 §15.5.9, RFC 6585 §4).
_RETRYABLE_4XX = frozenset({408, 429})
#: Waits shorter than this (virtual seconds) count as no wait at all.
_NO_WAIT = 0.001
#: Floating-point slack when comparing a wait with Retry-After.
_EPSILON = 1e-6
_PAGE = f"{DOCS}/retries/"

#: Rule name -> (what it asks, docs anchor).
RULES: dict[str, tuple[str, str]] = {
    "retry_after": (
        "wait at least as long as Retry-After says before repeating the request",
        "rule-retry_after",
    ),
    "retry_later_wait": (
        "wait before repeating a request that got a RETRY_LATER error without Retry-After "
        "(back off: 1 s, 2 s, 4 s...)",
        "rule-retry_later_wait",
    ),
    "not_retryable": (
        "do not repeat a request retrying will not fix; show the error (re-authenticate, "
        "contact support) or change something first (a new token, a re-authentication)",
        "rule-not_retryable",
    ),
    "max_attempts": ("give up after a bounded number of attempts", "rule-max_attempts"),
}


class RetryContractViolation(SmartcarStubError, AssertionError):
    """The code under test broke Smartcar's retry contract; ``violations`` lists how."""

    def __init__(self, message: str, violations: Sequence[Violation]) -> None:
        super().__init__(message)
        self.violations = tuple(violations)


@dataclass(frozen=True)
class Violation:
    """One broken rule: its name, what happened, and the calls involved."""

    rule: str
    summary: str
    calls: tuple[Call, ...]


def check_rules(ignore: str | Iterable[str]) -> frozenset[str]:
    """The rule names in ``ignore``, refused with a close match when one is unknown."""
    __tracebackhide__ = True
    names = [ignore] if isinstance(ignore, str) else list(ignore)
    for name in names:
        if not isinstance(name, str) or name not in RULES:
            near = close_matches(str(name), list(RULES))
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise SmartcarUsageError(
                f"ignore={name!r} is not a retry contract rule{hint} The rules are "
                f"{', '.join(RULES)}."
            )
    return frozenset(names)


def check_max_attempts(max_attempts: object) -> int | None:
    __tracebackhide__ = True
    if max_attempts is None:
        return None
    if not isinstance(max_attempts, int) or isinstance(max_attempts, bool) or max_attempts < 1:
        raise SmartcarUsageError(
            f"max_attempts= takes a whole number >= 1 (the first attempt counts), or None "
            f"for no bound; got {max_attempts!r}"
        )
    return max_attempts


# -- reading the calls -----------------------------------------------------------------------


def request_key(call: Call) -> tuple[Any, ...]:
    """What makes two calls "the same request": method, URL and body (JSON as data)."""
    ex = call.exchange
    body: Any = ex.body
    if body:
        with contextlib.suppress(ValueError, UnicodeDecodeError, RecursionError):
            body = json.dumps(json.loads(body), sort_keys=True)
    return (ex.method, ex.scheme, ex.host.lower(), ex.port, ex.path, ex.query, body)


@dataclass(frozen=True)
class _Answer:
    """What the app was told: success, the error, and the Retry-After it can use."""

    ok: bool
    error: SmartcarError | None
    retry_after: float | None

    @property
    def resolution(self) -> str | None:
        return self.error.resolution if self.error else None


def _answer(call: Call) -> _Answer:
    response = call.response
    if response is None:  # a fault: no response at all
        return _Answer(False, None, None)
    if response.is_success:
        return _Answer(True, None, None)
    error = SmartcarError.from_response(response)
    return _Answer(False, error, parse_retry_after(response.headers.get("retry-after")))


def _not_retryable(answer: _Answer) -> bool:
    err = answer.error
    if err is None or answer.retry_after is not None:
        return False
    if err.resolution in _PERSON_MUST_ACT:
        return True
    status = err.status or 0
    return err.resolution is None and 400 <= status < 500 and status not in _RETRYABLE_4XX


def _is_token_call(call: Call) -> bool:
    path = call.exchange.path.rstrip("/")
    return call.endpoint == "token" or path.endswith(("/oauth/token", "/oauth2/token"))


def _changed(calls: Sequence[Call], i: int, j: int, reauths: Sequence[int]) -> bool:
    """Whether something changed between call ``i`` and call ``j`` (indexes in ``calls``)."""
    before, after = calls[i], calls[j]
    if before.exchange.header("authorization") != after.exchange.header("authorization"):
        return True
    if any(_is_token_call(c) and (c.status or 0) < 400 for c in calls[i + 1 : j]):
        return True
    return any(i < mark <= j for mark in reauths)


# -- the rules -------------------------------------------------------------------------------


def _label(call: Call, answer: _Answer) -> str:
    if answer.ok:
        return f"success ({call.status})"
    if answer.error is None:
        return f"{call.key} (no response)"
    key = answer.error.key or call.key
    return f"{key} ({answer.error.status})"


def violations(
    stub: SmartcarStub, *, max_attempts: int | None, ignore: frozenset[str]
) -> list[Violation]:
    calls = list(stub.calls)
    reauths: list[int] = list(getattr(stub, "_reauths", ()))
    answers = [_answer(c) for c in calls]
    last: dict[tuple[Any, ...], int] = {}  # request -> index of its latest call
    row: dict[tuple[Any, ...], list[int]] = {}  # request -> its failed calls in a row
    found: list[Violation] = []

    def add(rule: str, summary: str, *indexes: int) -> None:
        if rule not in ignore:
            found.append(Violation(rule, summary, tuple(calls[k] for k in indexes)))

    for j, call in enumerate(calls):
        key = request_key(call)
        i = last.get(key)
        last[key] = j
        attempts = row.setdefault(key, [])
        attempts.append(j)
        if i is not None and not answers[i].ok:
            before, waited = answers[i], call.at - calls[i].at
            what = f"{describe_request(call.exchange)} was repeated"
            told = _label(calls[i], before)
            if before.retry_after is not None and waited + _EPSILON < before.retry_after:
                add(
                    "retry_after",
                    f"{what} {waited:g} s after {told} said Retry-After: {before.retry_after:g}",
                    i,
                    j,
                )
            elif (
                before.resolution == "RETRY_LATER"
                and before.retry_after is None
                and waited < _NO_WAIT
            ):
                add("retry_later_wait", f"{what} at once after {told}, with no wait", i, j)
            if _not_retryable(before) and not _changed(calls, i, j, reauths):
                why = f"resolution {before.resolution}" if before.resolution else "a 4xx"
                add(
                    "not_retryable",
                    f"{what} after {told} ({why}: retrying does not fix it) with nothing "
                    "changed in between",
                    i,
                    j,
                )
        if max_attempts is not None and len(attempts) == max_attempts + 1:
            add(
                "max_attempts",
                f"{describe_request(call.exchange)} was attempted {len(attempts)} times in a "
                f"row (max_attempts={max_attempts})",
                *attempts,
            )
        if answers[j].ok:
            attempts.clear()
    return found


def _message(stub: SmartcarStub, found: Sequence[Violation]) -> str:
    count = f"{len(found)} violation{'s' if len(found) != 1 else ''}"
    lines = [f"pytest-smartcar: the code under test broke Smartcar's retry contract ({count}):"]
    index = {id(c): n for n, c in enumerate(stub.calls, 1)}
    for v in found:
        asks, anchor = RULES[v.rule]
        lines.append(f"  - {v.rule}: {v.summary}")
        for call in v.calls:
            answer = _answer(call)
            extra = ""
            if answer.retry_after is not None:
                extra = f", Retry-After: {answer.retry_after:g}"
            lines.append(
                f"      call {index.get(id(call), '?')} at {call.at:g} s: "
                f"{describe_request(call.exchange)} -> {_label(call, answer)}{extra}"
            )
        lines.append(f"    The rule: {asks}. See {_PAGE}#{anchor}")
    lines.append(
        "To switch a rule off: assert_retry_contract(ignore=[...]) with its name, the ini key "
        "smartcar_retry_ignore, or @pytest.mark.smartcar_retry_contract(ignore=[...])."
    )
    return "\n".join(lines)


def check(
    stub: SmartcarStub,
    *,
    max_attempts: int | None = DEFAULT_MAX_ATTEMPTS,
    ignore: str | Iterable[str] = (),
) -> None:
    """Raise ``RetryContractViolation`` when the calls of ``stub`` break a rule."""
    __tracebackhide__ = True
    bound = check_max_attempts(max_attempts)
    off = check_rules(ignore)
    found = violations(stub, max_attempts=bound, ignore=off)
    if found:
        raise RetryContractViolation(_message(stub, found), found)
