"""Bad arguments to ``serve()`` and ``stub_smartcar()`` are usage errors where they are
written, naming the bad value and what is expected: never accepted silently, never a
traceback at request time, never a stub that can never match."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_smartcar import stub_smartcar
from pytest_smartcar.errors import SmartcarUsageError

KEY = "VEHICLE_STATE:ASLEEP"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": {"x": object()}}, "body={'x': <object object"),
        ({"body": {"x": {1, 2}}}, "cannot be sent as JSON"),
        ({"body": {1: "a"}}, "body= field names are strings, got 1"),
        ({"body": ["a"]}, "body= takes a dict, got ['a']"),
        ({"headers": {1: "a"}}, "headers= names are HTTP header names"),
        (
            {"headers": {"X-A": 1}},
            "header values are strings (or None to leave the header out); write '1'",
        ),
        ({"headers": {"X-A": "b\r\nSet-Cookie: x"}}, "cannot hold CR, LF or NUL"),
        ({"headers": {"X A": "b"}}, "headers= names are HTTP header names"),
        ({"vehicle_id": ""}, "vehicle_id= takes a non-empty string"),
        ({"vehicle_id": "a/b"}, "vehicle_id='a/b' can never match a request"),
        ({"vehicle_id": "*"}, "vehicle_id='*' can never match a request"),
        ({"vehicle_id": "abc", "endpoint": "token"}, "vehicle_id= can never match on token"),
        ({"retry_after": True}, "retry_after= takes seconds (int) or a raw header value"),
        ({"retry_after": -1}, "retry_after= takes seconds (a whole number >= 0)"),
        ({"retry_after": "1\r\nX: y"}, "cannot hold CR or LF"),
        ({"batch_paths": "", "endpoint": "batch"}, "batch_paths= takes a non-empty string"),
        ({"batch_paths": "   ", "endpoint": "batch"}, "batch_paths= takes paths like"),
        (
            {"batch_paths": ["/odometer"], "endpoint": "odometer"},
            "only apply to the batch endpoint",
        ),
        ({"times": 1, "then": "sucess"}, "did you mean 'success'?"),
        ({"endpont": "odometer"}, "unknown argument 'endpont' (did you mean endpoint?)"),
        ({"retry": 3}, "serve() got an unknown argument 'retry'"),
    ],
)
def test_serve_refuses_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SmartcarUsageError) as info:
        stub_smartcar().serve(KEY, **kwargs)
    assert message in str(info.value)


def test_serve_takes_one_positional_argument() -> None:
    with pytest.raises(SmartcarUsageError, match=r"pass the others by keyword \(endpoint="):
        stub_smartcar().serve(KEY, "odometer")  # type: ignore[misc]


def test_a_bare_error_type_points_at_the_glob_and_type_filter() -> None:
    with pytest.raises(SmartcarUsageError) as info:
        stub_smartcar().serve("vehicle_state")
    text = str(info.value)
    assert "is an error type, not one error" in text
    assert "'VEHICLE_STATE:*'" in text
    assert "type='VEHICLE_STATE'" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"block_unmatched": "no"}, "block_unmatched= takes True or False, got 'no'"),
        ({"assert_all_requested": "no"}, "assert_all_requested= takes True or False, got 'no'"),
        ({"app_name": 42}, "app_name= takes a string, got 42"),
        ({"client_id": 123}, "client_id= takes a string, got 123"),
        ({"blok_unmatched": True}, "unknown argument 'blok_unmatched' (did you mean"),
    ],
)
def test_stub_smartcar_refuses_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SmartcarUsageError) as info:
        stub_smartcar(**kwargs)
    assert message in str(info.value)


def test_the_checked_signature_stays_typed() -> None:
    """Editors and mypy read the real signature through the wrapper."""
    import inspect

    params = inspect.signature(stub_smartcar().serve).parameters
    assert list(params)[:3] == ["error", "endpoint", "method"]
    assert "kwargs" not in params


def test_a_usage_error_is_shown_at_the_users_line(pytester: pytest.Pytester) -> None:
    from tests.support import INNER

    pytester.makepyfile(
        test_typo="""
        def test_typo(smartcar_error):
            smartcar_error.serve("VEHICLE_STATE:ASLEEP", times=1, then="sucess")
        """
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '>*smartcar_error.serve("VEHICLE_STATE:ASLEEP", times=1, then="sucess")',
            "E*then='sucess' is not a catalog key, a fault or 'success'; did you mean 'success'?",
            "FAILED test_typo.py::test_typo - then='sucess' is not a catalog key*",
        ]
    )
    for internal in ("engine.py", "serving.py", "outcomes.py", "_signature.py"):
        assert internal not in result.stdout.str()
    assert "what the code under test received" not in result.stdout.str()
