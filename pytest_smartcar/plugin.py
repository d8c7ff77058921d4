"""The pytest face of pytest-smartcar: options, markers, fixtures, hooks.

Thin on purpose: it translates markers and options into engine calls. Every pytest run
in a user's project imports it, so it imports only names at start-up; each hook imports
what it needs when it first needs it (the marker reading when a test has a marker, the
report when one was asked for, the engine when a test uses a fixture).
"""

from __future__ import annotations

import inspect
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_smartcar._keys import (
    CONNECT_FIXTURE,
    CONNECT_MARKER,
    CONNECT_SIGNATURE,
    FIXTURE,
    GUARD_KEY,
    MARKER,
    MARKER_SIGNATURE,
    PLANS_KEY,
    RECORDING_KEY,
    SERVED_PROPERTY,
    STUB_KEY,
    function_key,
)
from pytest_smartcar.errors import (
    SmartcarStubError,
    SmartcarStubLeakWarning,
    SmartcarUsageError,
)

if TYPE_CHECKING:
    from pytest_smartcar._retry_options import ContractSettings
    from pytest_smartcar.clock import VirtualClock
    from pytest_smartcar.connect import ConnectError
    from pytest_smartcar.engine import SmartcarStub

CONTRACT_KEY: pytest.StashKey[ContractSettings] = pytest.StashKey()


GIVEN = """\
The smartcar_error fixture is set up once per test, not once per hypothesis example, so
its stubs, their times= counts and its calls would carry over from one example to the
next. Open an engine per example inside the test instead:

    @given(case=error_cases())
    def test_parser(case):
        with stub_smartcar(case.response):
            ...

    @pytest.mark.parametrize("key", ["RATE_LIMIT:VEHICLE", "SERVER:INTERNAL"])
    @given(attempts=st.integers(1, 5))
    def test_retries(key, attempts):
        with stub_smartcar() as stub:
            stub.serve(key, times=attempts, then="success")
            ...

More: https://pytest-smartcar.readthedocs.io/en/latest/troubleshooting/#given-and-the-smartcar_error-fixture"""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("smartcar", "pytest-smartcar: Smartcar API error stubs")
    group.addoption(
        "--smartcar-app-name",
        dest="smartcar_app_name",
        metavar="NAME",
        help="app name filled into suggestedUserMessage (ini: smartcar_app_name).",
    )
    parser.addini("smartcar_app_name", "app name filled into suggestedUserMessage", default="")
    group.addoption(
        "--smartcar-select",
        dest="smartcar_select",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run only the catalog errors matching PATTERN (glob on keys, e.g. "
        "'VEHICLE_STATE:*') in parametrized smartcar_error tests; repeatable.",
    )
    group.addoption(
        "--smartcar-block-unmatched",
        dest="smartcar_block_unmatched",
        action="store_true",
        default=False,
        help="while a Smartcar stub is active, fail requests to any other host too "
        "(ini: smartcar_block_unmatched).",
    )
    parser.addini(
        "smartcar_block_unmatched",
        "fail requests to non-Smartcar hosts while a stub is active",
        type="bool",
        default=False,
    )
    group.addoption(
        "--smartcar-allow-network",
        dest="smartcar_allow_network",
        action="store_true",
        default=False,
        help="let Smartcar requests that no stub answers reach the real API, instead of "
        "failing them (ini: smartcar_allow_network).",
    )
    parser.addini(
        "smartcar_allow_network",
        "let Smartcar requests that no stub answers reach the real API",
        type="bool",
        default=False,
    )
    group.addoption(
        "--smartcar-refusals",
        dest="smartcar_refusals",
        choices=("v3", "all", "off"),
        default=None,
        help="answer requests the real API refuses (no Authorization; V3 signals and "
        "commands without sc-user-id) with its error: v3 (default), all (v2.0 too) or off "
        "(ini: smartcar_refusals).",
    )
    parser.addini(
        "smartcar_refusals",
        "answer requests the real API refuses with its error: v3, all or off",
        default="v3",
    )
    from pytest_smartcar import _retry_options, report_settings

    report_settings.add_report_options(group, parser)
    _retry_options.add_options(group, parser)


def _refusals_mode(config: pytest.Config) -> str:
    """``--smartcar-refusals`` or the ini key, checked (see pytest_smartcar.refusals)."""
    from pytest_smartcar.transports.guard import REFUSAL_MODES as MODES

    value = config.getoption("smartcar_refusals") or str(config.getini("smartcar_refusals"))
    mode = value.strip().lower()
    if mode not in MODES:
        raise pytest.UsageError(
            f"smartcar_refusals = {value!r}: use one of {', '.join(MODES)} (v3 answers V3 "
            "requests without Authorization or sc-user-id as Smartcar does; off turns it off)"
        )
    return mode


def pytest_configure(config: pytest.Config) -> None:
    from pytest_smartcar import _retry_options
    from pytest_smartcar.report_settings import ReportSettings

    problem: str | None = None
    try:
        selects = config.getoption("smartcar_select")
        if selects:  # the catalog loads only when a pattern needs checking
            from pytest_smartcar import markers

            markers.check_selects(selects)
        config.stash[CONTRACT_KEY] = _retry_options.from_config(config)
    except SmartcarUsageError as exc:
        problem = str(exc)
    if problem is not None:
        raise pytest.UsageError(problem)
    _check_flags(config)
    config.addinivalue_line("markers", MARKER_SIGNATURE)
    config.addinivalue_line("markers", CONNECT_SIGNATURE)
    config.addinivalue_line("markers", _retry_options.MARKER_SIGNATURE)
    settings = ReportSettings.from_config(config)
    # Served errors are recorded (and carried in user_properties, across xdist too) only
    # for a report: a run without one keeps nothing per test.
    config.stash[RECORDING_KEY] = settings.active
    if settings.active:
        from pytest_smartcar import report

        report.register(config, settings)
    _start_guard(config, _refusals_mode(config))


def _check_flags(config: pytest.Config) -> None:
    """A yes/no ini key pytest cannot read is one usage error now, not one per test."""
    for name in ("smartcar_block_unmatched", "smartcar_allow_network"):
        try:
            config.getini(name)
        except (ValueError, pytest.UsageError) as exc:  # pytest 9 raises UsageError
            problem = f"ini {name}: {exc}; it takes true or false (also yes/no, on/off, 1/0)"
        else:
            continue
        raise pytest.UsageError(problem)


def _start_guard(config: pytest.Config, refusals: str) -> None:
    """From here to the end of the session, every Smartcar request is answered or refused."""
    from pytest_smartcar.transports import guard, install

    allow = config.getoption("smartcar_allow_network") or config.getini("smartcar_allow_network")
    config.stash[GUARD_KEY] = guard.open_session(allow_network=bool(allow), refusals=refusals)
    install.acquire()


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(GUARD_KEY, None)
    if session is not None:
        from pytest_smartcar.transports import guard, install

        del config.stash[GUARD_KEY]
        _stop_leaked(guard.outlived(session), "the end of the session")
        install.release()
        guard.close_session(session)


def _stop_leaked(engines: list[SmartcarStub], when: str) -> None:
    """Stop engines nobody stopped, and say where each was started (the warning points
    at that line)."""
    import warnings

    for engine in reversed(engines):
        engine.stop()
        where = engine.origin or "an unknown place"
        filename, _, line = where.rpartition(":")
        if not line.isdigit():  # not file:line (the fixture's engine names its test)
            filename, line = where, "0"
        warnings.warn_explicit(
            SmartcarStubLeakWarning(
                f"pytest-smartcar: a stub_smartcar() started at {where} was still active at "
                f"{when}; it was stopped now, so it answers no later test. Use 'with "
                "stub_smartcar() as stub:' or call stub.stop() (in a fixture, after its yield)."
            ),
            SmartcarStubLeakWarning,
            filename,
            int(line),
        )


def _stop_leaked_clock(item: pytest.Item) -> None:
    """A virtual_clock() this test started and never stopped would make every later
    test's sleeps instant: stop it, and say so."""
    import sys
    import warnings

    clock = sys.modules.get("pytest_smartcar.clock")
    running = clock.running() if clock is not None else None
    if running is not None and running.started_in == ("function", item.nodeid):
        clock.stop_running()  # type: ignore[union-attr]
        warnings.warn(
            SmartcarStubLeakWarning(
                f"pytest-smartcar: a virtual_clock() started in {item.nodeid} was still "
                "running at its end; it was stopped now. Use 'with virtual_clock() as clock:' "
                "or the smartcar_clock fixture."
            ),
            stacklevel=1,
        )


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    # An engine started by a fixture belongs to the fixture's scope: a module-scoped one
    # may outlive the test that set it up, a function-scoped one may not.
    from pytest_smartcar.transports import guard

    previous = guard.settings.scope
    guard.settings.scope = (fixturedef.scope, request.node.nodeid)
    # What a module- or session-wide fixture serves belongs to it, not to the first test
    # that happened to set it up.
    records = _begin_recording(request.config) if fixturedef.scope != "function" else None
    try:
        return (yield)
    finally:
        guard.settings.scope = previous
        if records is not None:
            from pytest_smartcar import _recording

            where = f"{request.node.nodeid}::" if request.node.nodeid else ""
            name = f"{where}{fixturedef.argname} ({fixturedef.scope}-scoped fixture)"
            _recording.credit(_recording.end(records), name)


def _begin_recording(config: pytest.Config) -> list[Any] | None:
    """Start recording what is served, when a report will read it (``None``: no report)."""
    if not config.stash.get(RECORDING_KEY, False):
        return None
    from pytest_smartcar import _recording

    return _recording.begin()


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    # A marked test that does not name the fixture still needs it, and it must be in the
    # function's fixture closure before parametrization, or pytest prunes it again and
    # the test runs unstubbed. usefixtures on the function puts it there.
    if not inspect.isfunction(obj):
        return
    names = {m.name for m in getattr(obj, "pytestmark", ())} | _marker_names(collector)
    for marker, fixture in ((MARKER, FIXTURE), (CONNECT_MARKER, CONNECT_FIXTURE)):
        if marker in names:
            pytest.mark.usefixtures(fixture)(obj)


#: The names of the markers on a collector and its parents, walked once per collector
#: (not twice per function).
_MARKER_NAMES: pytest.StashKey[frozenset[str]] = pytest.StashKey()


def _marker_names(collector: pytest.Collector) -> frozenset[str]:
    names = collector.stash.get(_MARKER_NAMES, None)
    if names is None:
        names = collector.stash[_MARKER_NAMES] = frozenset(m.name for m in collector.iter_markers())
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    found: list[pytest.Mark] = []
    connect: list[pytest.Mark] = []
    for mark in metafunc.definition.iter_markers():  # one walk for both markers
        if mark.name == MARKER:
            found.append(mark)
        elif mark.name == CONNECT_MARKER:
            connect.append(mark)
    if not found and not connect and CONNECT_FIXTURE not in metafunc.fixturenames:
        return
    from pytest_smartcar import markers

    try:
        if found:
            plan = markers.plan(found)
            plans = metafunc.config.stash.setdefault(PLANS_KEY, {})
            plans[function_key(metafunc.definition)] = plan
            # pytest.param(..., marks=smartcar_error(KEY)) name the errors themselves.
            by_params = markers.params_marked(
                metafunc.definition.iter_markers("parametrize")
            ) and markers.shared_only(found)
            if plan.parametrize and not by_params:
                ids = [c.id for c in plan.cases]
                metafunc.parametrize(FIXTURE, plan.cases, indirect=True, ids=ids)
        if connect or CONNECT_FIXTURE in metafunc.fixturenames:
            cplan = markers.connect_plan(connect)
            if cplan.parametrize:
                metafunc.parametrize(CONNECT_FIXTURE, cplan.codes, indirect=True, ids=cplan.codes)
    except SmartcarUsageError as exc:  # reported with the file's other mistakes
        from pytest_smartcar import _collection

        _collection.note(metafunc, exc)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Each case --smartcar-select leaves out is deselected, as -k would count it.
    selects = config.getoption("smartcar_select")
    if not selects:
        return
    from pytest_smartcar import markers

    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get(FIXTURE) if callspec is not None else None
        if isinstance(case, markers.Case) and not markers.selected(case, selects):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def smartcar_error(request: pytest.FixtureRequest) -> Iterator[SmartcarStub]:
    """A Smartcar stub engine for this test: serves what the marker asks, guards the hosts.

    Without a marker nothing is served until ``smartcar_error.serve(...)``; Smartcar
    requests no stub answers fail. A stub the code never requested fails the test.
    """
    from pytest_smartcar._fixture import open_stub

    stub = open_stub(request)
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def smartcar_clock() -> Iterator[VirtualClock]:
    """A virtual clock for this test: ``time.sleep`` and ``asyncio.sleep`` return at once
    and move it forward; ``.sleeps`` lists the waits, ``.now()`` reads it."""
    from pytest_smartcar.clock import virtual_clock

    with virtual_clock() as clock:
        yield clock


@pytest.fixture
def smartcar_connect_error(request: pytest.FixtureRequest) -> ConnectError:
    """A Smartcar Connect error redirect for this test (``.redirect_url(...)``, ``.query``)."""
    from pytest_smartcar._fixture import open_connect

    return open_connect(request)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    # Verify stubs only when the test itself passed, and inside the call phase, so a
    # leftover stub fails the test once (FAILED) instead of adding a teardown ERROR. The
    # failure is raised, not pytest.fail()ed, so xfail(raises=...) sees our exception.
    result = yield from _phase(item)
    stub = item.stash.get(STUB_KEY, None)
    if stub is not None:
        try:
            stub.verify()
            _check_contract(item, stub)
        except SmartcarStubError as exc:
            exc.__smartcar_message_only__ = True  # type: ignore[attr-defined]
            raise exc.with_traceback(None) from None
    return result


def _check_contract(item: pytest.Item, stub: SmartcarStub) -> None:
    base = item.config.stash.get(CONTRACT_KEY, None)
    if base is None:
        return
    from pytest_smartcar import _retry_options

    try:
        wanted = _retry_options.for_item(item, base)
    except SmartcarUsageError as exc:
        problem = f"{item.nodeid}: {exc}"
    else:
        if wanted.enabled:
            stub.assert_retry_contract(**wanted.arguments)
        return
    pytest.fail(problem, pytrace=False)


def _fixture_under_given(exc: BaseException) -> bool:
    """Hypothesis refused our function-scoped fixture (without importing hypothesis)."""
    return type(exc).__name__ == "FailedHealthCheck" and f"'{FIXTURE}'" in str(exc)


def _phase(item: pytest.Item) -> Generator[None, Any, Any]:
    """Run one test phase while recording what is served, then attach it to the report.
    Threads and engines started in it belong to the test (a fixture's setup narrows or
    widens that: pytest_fixture_setup)."""
    from pytest_smartcar.transports import guard

    previous = guard.settings.scope
    guard.settings.scope = ("function", item.nodeid)
    records = _begin_recording(item.config)
    try:
        return (yield)
    finally:
        guard.settings.scope = previous
        if records is not None:
            from pytest_smartcar import _recording

            item.user_properties.extend((SERVED_PROPERTY, r) for r in _recording.end(records))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    from pytest_smartcar import _tb

    _tb.forget_secrets()
    return (yield from _phase(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, Any, Any]:
    try:
        return (yield from _phase(item))
    finally:
        from pytest_smartcar.transports import guard

        # Its requests and responses are in the reports now; don't keep them all session.
        if STUB_KEY in item.stash:
            del item.stash[STUB_KEY]
        # pytest has torn down every fixture the next test does not share: an engine
        # started in a scope that just ended (this test, its class or module) was leaked.
        # The session's own (node id "") are stopped at pytest_unconfigure.
        session = item.config.stash.get(GUARD_KEY, None)
        alive = {n.nodeid for n in nextitem.listchain()} if nextitem is not None else {""}
        leaked = guard.outlived(session, alive) if session is not None else []
        if leaked:
            where = sorted({e.started_in[1] for e in leaked if e.started_in is not None})
            _stop_leaked(leaked, f"the end of {', '.join(where) or item.nodeid}")
        _stop_leaked_clock(item)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    # A Smartcar request refused at a test module's import points at the module's line;
    # marker mistakes become one clear collection error per file.
    from pytest_smartcar import _collection

    if not isinstance(collector, pytest.Module):
        return _collection.review(collector, (yield))
    original = collector._traceback_filter

    def traceback_filter(info: pytest.ExceptionInfo[BaseException]) -> Any:
        from pytest_smartcar import _tb  # only when the file failed to import

        return _tb.without_plumbing(original)(info)

    setattr(collector, "_traceback_filter", traceback_filter)  # noqa: B010
    try:
        rep = yield
    finally:
        collector.__dict__.pop("_traceback_filter", None)
    return _collection.review(collector, rep)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    from pytest_smartcar import _tb

    excinfo = call.excinfo
    if excinfo is not None and rep.failed:
        _tb.point_at_the_app(item, excinfo, rep)
    usage = excinfo is not None and excinfo.errisinstance(SmartcarUsageError)
    if excinfo is not None and _fixture_under_given(excinfo.value):
        rep.sections.append(("pytest-smartcar: @given and the smartcar_error fixture", GIVEN))
        usage = True
    if rep.when == "call" and rep.failed and not usage:  # a usage error is about the test
        stub = item.stash.get(STUB_KEY, None)
        if stub is not None:
            rep.sections.append(
                ("smartcar: what the code under test received", stub.describe_calls())
            )
    if rep.failed or rep.sections:
        _tb.redact_report(rep)
    return rep
