"""Hypothesis entry point: ``st.from_type(ErrorSpec)`` and ``st.from_type(SmartcarError)``.

Hypothesis calls ``_register`` when it is imported (``[project.entry-points.hypothesis]``).
Registration imports only the catalog and the parser (both standard library only); the
strategies module, and with it httpx, is imported on the first draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from pytest_smartcar.catalog import ErrorSpec
    from pytest_smartcar.parser import SmartcarError


def _error_specs() -> SearchStrategy[ErrorSpec]:
    from pytest_smartcar.strategies import error_specs

    return error_specs()


def _smartcar_errors() -> SearchStrategy[SmartcarError]:
    from pytest_smartcar.strategies import _parsed_errors

    return _parsed_errors()


def _register() -> None:
    from hypothesis import strategies as st

    from pytest_smartcar.catalog import ErrorSpec
    from pytest_smartcar.parser import SmartcarError

    st.register_type_strategy(ErrorSpec, st.deferred(_error_specs))
    st.register_type_strategy(SmartcarError, st.deferred(_smartcar_errors))
