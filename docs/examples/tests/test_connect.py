"""Smartcar Connect sends the browser back with an error: the callback page must say
something useful for each of the nine Connect errors."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from pytest_smartcar.connect import ConnectError, connect_success_redirect, wsgi_environ

from app.web import CONNECT_GENERIC, connect_message

CALLBACK = "https://chargely.example/smartcar/callback"
Browse = Callable[[dict[str, object]], tuple[str, str]]


@pytest.mark.smartcar_connect_error  # bare: once per Connect error
def test_every_connect_error_gets_a_page(
    smartcar_connect_error: ConnectError, browse: Browse
) -> None:
    status, page = browse(smartcar_connect_error.wsgi_environ(CALLBACK))
    assert status == "400 Bad Request"
    message = connect_message(smartcar_connect_error.query)
    assert html.escape(message) in page
    assert message != CONNECT_GENERIC, "every documented Connect error has its own text"


@pytest.mark.smartcar_connect_error("vehicle_incompatible")
def test_incompatible_car_is_named(smartcar_connect_error: ConnectError, browse: Browse) -> None:
    query = smartcar_connect_error.query
    _, page = browse(smartcar_connect_error.wsgi_environ(CALLBACK))
    assert f"Your {query['year']} {query['make']} {query['model']} isn&#x27;t" in page


def test_incompatible_car_without_details(browse: Browse) -> None:
    """The user may decline to share the car's details: the parameters are optional."""
    declined = ConnectError("vehicle_incompatible", params=dict.fromkeys(["make", "model"]))
    _, page = browse(declined.wsgi_environ(CALLBACK))
    assert "Your car isn&#x27;t supported" in page


def test_car_details_are_escaped(browse: Browse) -> None:
    evil = ConnectError("vehicle_incompatible", params={"model": "<script>alert(1)</script>"})
    _, page = browse(evil.wsgi_environ(CALLBACK))
    assert "<script>" not in page


def test_success_redirect_connects(browse: Browse) -> None:
    status, page = browse(wsgi_environ(connect_success_redirect(CALLBACK, state="s1")))
    assert (status, "connected" in page) == ("200 OK", True)
