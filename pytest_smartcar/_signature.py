"""Misspelt keyword arguments as usage errors with a suggestion, not a bare ``TypeError``.

``serve(..., endpont="odometer")`` would otherwise stop at Python's "unexpected keyword
argument" with no hint. The decorator keeps the function's own typed signature (a
``ParamSpec``), so mypy and editors still flag the mistake before the test runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pytest_smartcar._suggest import did_you_mean
from pytest_smartcar.errors import SmartcarUsageError

__all__ = ["checked_arguments"]

P = ParamSpec("P")
R = TypeVar("R")
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def checked_arguments(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse unknown keywords and extra positional arguments of ``name()`` clearly."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        params = list(inspect.signature(func).parameters.values())
        if params and params[0].name == "self":
            params = params[1:]
            offset = 1
        else:
            offset = 0
        kinds = {p.kind for p in params}
        named = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        keywords = frozenset(named)
        positional = [p.name for p in params if p.kind in _POSITIONAL]
        by_keyword = [n for n in named if n not in positional] or named
        any_keyword = inspect.Parameter.VAR_KEYWORD in kinds
        any_positional = inspect.Parameter.VAR_POSITIONAL in kinds
        limit = len(positional) + offset

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            __tracebackhide__ = True
            if (len(args) > limit and not any_positional) or (
                not any_keyword and not keywords.issuperset(kwargs)
            ):
                _refuse(name, args[offset:], kwargs, positional, keywords, by_keyword)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def _refuse(
    name: str,
    args: tuple[object, ...],
    kwargs: dict[str, object],
    positional: list[str],
    keywords: frozenset[str],
    valid: list[str],
) -> None:
    __tracebackhide__ = True
    for key in kwargs:
        if key not in keywords:
            raise SmartcarUsageError(
                f"{name}() got an unknown argument {key!r}{did_you_mean(key, valid)}; "
                f"it takes {', '.join(f'{k}=' for k in valid)}"
            )
    takes = f"{len(positional)} positional argument{'s' if len(positional) != 1 else ''}"
    raise SmartcarUsageError(
        f"{name}() takes {takes} ({', '.join(positional) or 'none'}) but got {len(args)}: "
        f"{', '.join(repr(a) for a in args)}; pass the others by keyword "
        f"({', '.join(f'{k}=' for k in valid)})"
    )
