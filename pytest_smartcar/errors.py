"""Exceptions the plugin raises at users: each says what went wrong and what to do."""

from __future__ import annotations


class SmartcarStubError(Exception):
    """Base of every error pytest-smartcar raises about stubs (not about Smartcar itself)."""


class SmartcarUsageError(SmartcarStubError, ValueError):
    """Bad input to a marker, fixture call or ``stub_smartcar``: a wrong key, argument or type."""


class UnmatchedSmartcarRequest(SmartcarStubError, AssertionError):
    """A request reached a Smartcar host but no active stub answers it.

    It is raised inside the HTTP client (never sent to the network), and, should the
    app swallow it, reported again when the test ends.
    """


class UnrequestedSmartcarStub(SmartcarStubError, AssertionError):
    """A stub was declared but the code under test never made the request it answers."""


class SmartcarStubLeakWarning(UserWarning):
    """A ``stub_smartcar()`` was started and never stopped; the plugin stopped it."""
