"""Failure reports as users should read them: the app's frame, our message, no secrets.

Two jobs on a finished ``TestReport``:

- a refused Smartcar request (``UnmatchedSmartcarRequest``, or a client's exception that
  wraps it, as the official SDK does) is shown at the line of the user's code that made
  it, with the HTTP clients', the SDK's and our own frames left out; a
  failure our checks raise at the end of a test (a swallowed refusal, a stub never
  requested) is shown as its message alone;
- every text of the report (traceback lines, the frames' arguments and locals, the crash
  message, captured output) has the credentials of this test's Smartcar requests
  replaced, so neither the terminal nor junitxml shows a token, a client secret or an
  authorization code.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
from typing import Any

import pytest

from pytest_smartcar import redact
from pytest_smartcar.errors import SmartcarStubError
from pytest_smartcar.redact import REDACTED, SECRET_NAMES, redact_text, secrets_in

__all__ = [
    "forget_secrets",
    "point_at_the_app",
    "redact_report",
    "refusal_in",
    "without_plumbing",
]

#: Frames from these packages are plumbing between the user's call and our refusal.
_PLUMBING = (
    "smartcar",  # the official SDK, which wraps our refusal in SmartcarException
    "httpx",
    "httpcore",
    "requests",
    "urllib3",
    "aiohttp",
    "anyio",
    "asyncio",
    "concurrent",
    "pytest_smartcar",
)


def _plumbing_dirs() -> tuple[str, ...]:
    """The folders of the plumbing packages imported so far."""
    import sys

    dirs = []
    for name in _PLUMBING:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            dirs.append(os.path.dirname(path) + os.sep)
    return tuple(dirs)


def refusal_in(exc: BaseException | None) -> SmartcarStubError | None:
    """Our failure, whether raised as is or wrapped by a client that catches everything
    (the official SDK raises ``SmartcarException("SDK_ERROR") from`` it)."""
    for _ in range(8):
        if exc is None:
            return None
        if isinstance(exc, SmartcarStubError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def point_at_the_app(
    item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException], rep: Any
) -> None:
    """Show our failure at the user's frame, or as its message alone when it has none;
    a failure that does not come from one of ours is left as pytest shows it."""
    value = excinfo.value
    ours = refusal_in(value)
    if ours is None:
        return
    dirs = _plumbing_dirs()
    if getattr(value, "__smartcar_message_only__", False) or not any(
        not str(e.path).startswith(dirs) for e in excinfo.traceback
    ):
        rep.longrepr = excinfo.getrepr(style="value")
        _headline(rep, ours)
        return
    original = getattr(item, "_traceback_filter", None)
    if original is None:
        return
    # pytest's own filter (cut at the test function, __tracebackhide__), then ours on top;
    # --fulltrace still shows everything.
    setattr(item, "_traceback_filter", without_plumbing(original))  # noqa: B010
    try:
        if rep.when == "call":
            rep.longrepr = item.repr_failure(excinfo)
        else:
            style = item.config.getoption("tbstyle", "auto")
            rep.longrepr = item._repr_failure_py(excinfo, style=style)
    except Exception:  # never lose the failure over its presentation
        rep.longrepr = str(value)
    finally:
        delattr(item, "_traceback_filter")
    _headline(rep, ours)


def without_plumbing(original: Any) -> Any:
    """``original`` (a node's traceback filter), then, for a failure of ours (or one that
    wraps ours), the HTTP clients' and our own frames out: each exception of the chain is
    shown at the app's frames, or by its message alone when it has none."""

    def filtered(info: pytest.ExceptionInfo[BaseException]) -> Any:
        entries = original(info)
        if refusal_in(info.value) is None:
            return entries
        dirs = _plumbing_dirs()
        return type(entries)([e for e in entries if not str(e.path).startswith(dirs)])

    return filtered


def _headline(rep: Any, value: BaseException) -> None:
    """The short test summary shows what went wrong first, not our exception's class."""
    crash = getattr(rep.longrepr, "reprcrash", None)
    lines = str(value).splitlines()
    if crash is not None and lines:
        crash.message = lines[0].removeprefix("pytest-smartcar: ")


def forget_secrets() -> None:
    """A new test starts: the secrets of the last one are no longer needed."""
    from pytest_smartcar.transports import guard

    guard.seen.clear()
    redact.forget()


def _secrets() -> set[str]:
    from pytest_smartcar.transports import guard

    found = redact.remembered()
    for request in list(guard.seen):
        found |= secrets_in(request.headers, request.body)
    return found


def redact_report(rep: Any) -> None:
    """Replace this test's credentials everywhere in ``rep``: those its Smartcar
    requests carried, those given to our helpers, and the values of frames' arguments
    and locals with a credential's name (``client_secret``, ``token``, ``amt``...)."""
    secrets = _secrets()
    if rep.longrepr is not None:
        _named_secrets(rep.longrepr, secrets)
        rep.longrepr = _walk(rep.longrepr, secrets)
    rep.sections = [(title, redact_text(text, secrets)) for title, text in rep.sections]


_LOCAL = re.compile(r"^(?P<name>\w+)(?P<eq>\s*=\s*)(?P<value>.*)$")


def _named_secrets(value: Any, found: set[str]) -> None:
    """Hide the values of arguments and locals named like credentials, in place, and
    add them to ``found`` so they are hidden wherever else they appear."""
    kind = type(value).__name__
    if kind == "ReprFuncArgs":
        value.args = [
            (name, _hidden(name, shown, found)) if name.lower() in SECRET_NAMES else (name, shown)
            for name, shown in value.args
        ]
    elif kind == "ReprLocals":
        lines = []
        for line in value.lines:
            match = _LOCAL.match(line)
            if match and match["name"].lower() in SECRET_NAMES:
                line = match["name"] + match["eq"] + _hidden(match["name"], match["value"], found)
            lines.append(line)
        value.lines = lines
    elif isinstance(value, (list, tuple)):
        for item in value:
            _named_secrets(item, found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _named_secrets(getattr(value, f.name), found)


def _hidden(name: str, shown: object, found: set[str]) -> str:
    """``[redacted]`` for a credential's printed value; its plain string parts go to
    ``found`` (for ``auth=(client_id, secret)``, the secret only)."""
    try:
        literal = ast.literal_eval(str(shown))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        literal = None
    if isinstance(literal, str):
        found.update(s for s in [literal] if len(s) >= 6)
    elif isinstance(literal, tuple) and len(literal) == 2 and isinstance(literal[1], str):
        found.update(s for s in [literal[1]] if len(s) >= 6)
    return REDACTED


def _walk(value: Any, secrets: set[str]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, list):
        return [_walk(v, secrets) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v, secrets) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = _walk(old, secrets)
            if new is not old:
                object.__setattr__(value, f.name, new)
        return value
    return value
