"""Start-up cost: ``pytest --collect-only`` of a small project, with and without the plugin.

Four figures, each interleaved (or paired) and repeated:

* ``import after pytest``: in fresh processes, the CPU time of ``import pytest`` and then
  of ``import pytest_smartcar.plugin``; the row's limit is on what the plugin adds.
* ``1 test, no other plugins``: a one-test project, plugin auto-loading on as for a
  user, every other installed pytest plugin blocked (``-p no:NAME``) in both arms; the
  baseline blocks ours too (``-p no:smartcar``). The fixed cost, and nothing else.
* ``bare pytest``: plugin auto-loading off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``), 66
  tests; the candidate adds only ``-p pytest_smartcar.plugin``.
* ``this venv``: every installed plugin loads (respx, hypothesis, anyio, socket, cov ...);
  the baseline disables ours with ``-p no:smartcar``. This is what a user of this
  environment pays.

It also checks, with ``python -X importtime`` and ``sys.modules``, that importing the
plugin module imports none of httpx, respx, requests or hypothesis.

    python benchmarks/bench_startup.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from _timing import (
    PYTHON,
    Check,
    Row,
    RunFailed,
    Sample,
    bootstrap_added,
    clean_env,
    interleave,
    item_count,
    median,
    print_rows,
    pytest_cmd,
    run_timed,
)

BENCH = "start-up"
TARGET = 1.05
TARGET_ONE_TEST = 1.02
IMPORT_LIMIT = 5e-3  # seconds of CPU the plugin's import may add after pytest's
HEAVY = ("httpx", "respx", "requests", "hypothesis")

CONFTEST = """\
import pytest


@pytest.fixture
def numbers():
    return list(range(10))
"""

MODULE = """\
import pytest


def add(a, b):
    return a + b


class TestAdd:
    def test_zero(self):
        assert add(0, 0) == 0

    def test_neg(self):
        assert add(-1, 1) == 0


@pytest.mark.parametrize("n", [1, 2, 3])
def test_param(n, numbers):
    assert n in numbers
"""


def make_project(root: Path, modules: int = 6, tests_per_module: int = 6) -> Path:
    """A small project: a conftest, a few modules of plain tests, an empty ``pytest.ini``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "conftest.py").write_text(CONFTEST)
    for m in range(modules):
        extra = "".join(
            f"\n\ndef test_case_{t}(numbers):\n    assert len(numbers) == 10\n"
            for t in range(tests_per_module)
        )
        (root / f"test_module_{m}.py").write_text(MODULE + extra)
    return root


# --- what the plugin imports ------------------------------------------------------------


def _importtime(code: str) -> list[tuple[int, int, str]]:
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )
    out = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = (p.strip() for p in line[len("import time:") :].split("|"))
        out.append((int(self_us), int(cumulative), name))
    return out


def import_checks(rounds: int) -> tuple[list[Check], list[str], float]:
    """Heavy modules imported by ``import pytest_smartcar.plugin``, and what it costs."""
    lines: list[str] = []
    entries = _importtime("import pytest_smartcar.plugin")
    names = [name for _, _, name in entries]
    heavy = sorted({n for n in names if n.split(".")[0] in HEAVY})
    lines.append('python -X importtime -c "import pytest_smartcar.plugin":')
    lines.append(
        f"  {len(names)} modules imported; heavy ones ({', '.join(HEAVY)}): {heavy or 'none'}"
    )
    # importlib.import_module() (used by the package's lazy __getattr__) bypasses
    # -X importtime, so cross-check with sys.modules after the import.
    proc = subprocess.run(
        [PYTHON, "-c", "import sys, pytest_smartcar.plugin; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )
    loaded = sorted({m for m in proc.stdout.split() if m.split(".")[0] in HEAVY})
    lines.append(f"  sys.modules after the import, heavy ones: {loaded or 'none'}")
    checks = [
        Check(
            BENCH,
            "import pytest_smartcar.plugin loads no httpx/respx/requests/hypothesis",
            not heavy and not loaded,
            "importtime: "
            + (", ".join(heavy) or "none")
            + "; sys.modules: "
            + (", ".join(loaded[:8]) or "none"),
        )
    ]
    more, total = import_breakdown(rounds)
    return checks, lines + more, total


#: What a run loads, in the order it loads it; the last step comes only with a marker.
_STEPS = (
    ("package __init__, errors, _keys", "pytest_smartcar pytest_smartcar.errors"),
    ("plugin module (names only)", "pytest_smartcar.plugin"),
    (
        "at pytest_addoption: report and retry-contract options",
        "pytest_smartcar.report_settings pytest_smartcar._retry_options",
    ),
    ("at pytest_configure: the guard and its import hooks", "pytest_smartcar.transports.install"),
    ("at collection: the marker review", "pytest_smartcar._collection"),
)
#: Loaded later, only by a run that needs them (timed for scale, not in the total).
_LATER = (("with the first marker: catalog and markers", "pytest_smartcar.markers"),)
_BREAKDOWN = """
import importlib, json, sys, time
import pytest
steps = json.loads(sys.argv[1])
out = []
for label, modules in steps:
    t = time.process_time_ns()
    for name in modules.split():
        importlib.import_module(name)
    out.append((time.process_time_ns() - t) / 1e6)
print(json.dumps(out))
"""


def import_breakdown(rounds: int) -> tuple[list[str], float]:
    """CPU time of each step of what a run imports once pytest is loaded, median over
    fresh processes (every pytest run pays the steps; the later ones only with use)."""
    import json

    steps = (*_STEPS, *_LATER)
    runs = []
    for _ in range(rounds):
        proc = subprocess.run(
            [PYTHON, "-c", _BREAKDOWN, json.dumps(steps)],
            capture_output=True,
            text=True,
            check=True,
            env=clean_env(),
        )
        runs.append(json.loads(proc.stdout))
    per_step = [median([r[i] for r in runs]) for i in range(len(steps))]
    total = median([sum(r[: len(_STEPS)]) for r in runs])
    lines = [
        f"  what every run imports after pytest: {total:.1f} ms CPU (median of {rounds} "
        "fresh processes), by step:"
    ]
    lines += [
        f"    {ms:6.1f} ms  {label}" for (label, _), ms in zip(_STEPS, per_step, strict=False)
    ]
    lines += [
        f"    {ms:6.1f} ms  (later) {label}"
        for (label, _), ms in zip(_LATER, per_step[len(_STEPS) :], strict=False)
    ]
    return lines, total / 1e3


_IMPORT_PAIR = """
import time
t0, w0 = time.process_time_ns(), time.perf_counter_ns()
import pytest
t1, w1 = time.process_time_ns(), time.perf_counter_ns()
import pytest_smartcar.plugin
t2, w2 = time.process_time_ns(), time.perf_counter_ns()
print(t1 - t0, w1 - w0, t2 - t0, w2 - w0)
"""


def import_row(rounds: int) -> Row:
    """``import pytest`` alone vs ``import pytest`` then the plugin, paired in each of
    ``rounds`` fresh processes; the verdict is on what the plugin adds."""
    samples: dict[str, list[Sample]] = {"import pytest": [], "then the plugin": []}
    for _ in range(rounds + 1):
        proc = subprocess.run(
            [PYTHON, "-c", _IMPORT_PAIR], capture_output=True, text=True, check=True,
            env=clean_env(),
        )  # fmt: skip
        cpu0, wall0, cpu1, wall1 = (int(x) / 1e9 for x in proc.stdout.split())
        samples["import pytest"].append(Sample(wall0, cpu0))
        samples["then the plugin"].append(Sample(wall1, cpu1))
    for arm in samples.values():
        del arm[0]  # the first process may still be writing byte-code caches
    row = Row.compare(
        BENCH,
        "import after pytest (fresh process)",
        samples,
        "import pytest",
        "then the plugin",
        None,
        note="import pytest_smartcar.plugin once pytest is imported; under auto-loading "
        "pytest imports each plugin module through its assertion-rewrite hook, which the "
        "1-test row below includes",
    )
    row.added_limit = IMPORT_LIMIT
    pairs = list(zip(row.samples["import pytest"], row.samples["then the plugin"], strict=True))
    row.added_ci = bootstrap_added(pairs)
    return row


def other_plugins() -> list[str]:
    """``-p no:NAME`` for every installed pytest plugin but ours."""
    code = (
        "from importlib.metadata import entry_points\n"
        "print(' '.join(e.name for e in entry_points(group='pytest11')))"
    )
    names = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, check=True, env=clean_env()
    ).stdout.split()
    return [arg for name in names if name != "smartcar" for arg in ("-p", f"no:{name}")]


def one_test_row(root: Path, rounds: int) -> Row:
    """A one-test project: auto-loading on, every other plugin blocked in both arms."""
    project = root
    project.mkdir(parents=True, exist_ok=True)
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_one.py").write_text("def test_one():\n    assert True\n")
    common = ["--collect-only", "-q", *other_plugins()]
    env = clean_env()
    samples = interleave(
        {
            "-p no:smartcar": _arm([*common, "-p", "no:smartcar"], project, env, 1),
            "pytest-smartcar": _arm(common, project, env, 1),
        },
        rounds,
        progress="start-up, 1 test",
    )
    return Row.compare(
        BENCH,
        "collect-only, 1 test, no other plugins",
        samples,
        "-p no:smartcar",
        "pytest-smartcar",
        TARGET_ONE_TEST,
        note="auto-loading on; every other installed plugin blocked with -p no:NAME in both arms",
    )


# --- the timed comparison ---------------------------------------------------------------


def _arm(args: list[str], project: Path, env: dict[str, str], expect: int):
    def run() -> Sample:
        elapsed, proc = run_timed(pytest_cmd(*args), cwd=project, env=env)
        got = item_count(proc.stdout)
        if got != expect:
            raise RunFailed(f"expected {expect} tests, pytest collected {got}")
        return elapsed

    return run


def compare(project: Path, rounds: int, import_cost: float) -> tuple[list[Row], list[str]]:
    notes: list[str] = []
    common = ["--collect-only", "-q"]
    expect = item_count(
        run_timed(pytest_cmd(*common, "-p", "no:smartcar"), cwd=project, env=clean_env())[1].stdout
    )
    rows = []

    bare_env = clean_env(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    samples = interleave(
        {
            "pytest (no plugins)": _arm(common, project, bare_env, expect),
            "pytest + smartcar": _arm(
                [*common, "-p", "pytest_smartcar.plugin"], project, bare_env, expect
            ),
        },
        rounds,
        progress="start-up, bare pytest",
    )
    rows.append(
        Row.compare(
            BENCH,
            f"collect-only, {expect} tests, bare pytest",
            samples,
            "pytest (no plugins)",
            "pytest + smartcar",
            TARGET,
            note="PYTEST_DISABLE_PLUGIN_AUTOLOAD=1; the candidate adds -p pytest_smartcar.plugin",
        )
    )
    rows[-1].note += _expected(rows[-1], import_cost)

    venv_env = clean_env()
    extra: list[str] = []
    try:
        _arm(common, project, venv_env, expect)()
    except RunFailed as exc:
        # Seen while the package declared a hypothesis entry point whose module was not
        # written yet: hypothesis' pytest plugin imports hypothesis at the end of every
        # run, hypothesis loads the entry point and the run crashes, in both arms.
        text = str(exc)
        if "hypothesis" not in text:
            raise
        extra = ["-p", "no:hypothesispytest"]
        notes.append(
            "the full-venv run crashed at exit in hypothesis' entry-point loading "
            "(last lines: " + " | ".join(text.splitlines()[-2:]) + "); re-ran both arms "
            "with -p no:hypothesispytest"
        )
    venv_samples = interleave(
        {
            "-p no:smartcar": _arm(
                [*common, *extra, "-p", "no:smartcar"], project, venv_env, expect
            ),
            "all plugins": _arm([*common, *extra], project, venv_env, expect),
        },
        rounds,
        progress="start-up, this venv",
    )
    rows.append(
        Row.compare(
            BENCH,
            f"collect-only, {expect} tests, every installed plugin",
            venv_samples,
            "-p no:smartcar",
            "all plugins",
            TARGET,
            note="; ".join(notes) + (" " if notes else "") + "(respx and hypothesis' own "
            "pytest plugins load httpx/respx/hypothesis in both arms here)",
        )
    )
    rows[-1].note += _expected(rows[-1], import_cost)
    return rows, notes


def _expected(row: Row, import_cost: float) -> str:
    """The ratio the plugin's import alone predicts: the precise part of the overhead,
    since run-to-run noise here is larger than the whole effect."""
    return (
        f"; the plugin's import alone ({import_cost * 1e3:.1f} ms CPU) predicts "
        f"{1 + import_cost / row.baseline:.3f}"
    )


def profile() -> None:
    """Where the plugin's import time goes (cProfile of ``import pytest_smartcar.plugin``)."""
    code = (
        "import cProfile, pstats, pytest\n"
        "pr = cProfile.Profile(); pr.enable()\n"
        "import pytest_smartcar.plugin\n"
        "pr.disable()\n"
        "pstats.Stats(pr).sort_stats('cumulative').print_stats(25)\n"
    )
    subprocess.run([PYTHON, "-c", code], check=True, env=clean_env())


def _instructions(args: list[str], project: Path) -> int:
    """Instructions a ``pytest`` run executes, counted by callgrind: the same count every
    time for the same files and arguments, however busy the machine is."""
    out = project / "callgrind.out"
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *pytest_cmd(*args)],
        cwd=project, capture_output=True, text=True, check=False, env=clean_env(),
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        raise RunFailed(f"callgrind run failed ({proc.returncode}): {proc.stderr[-500:]}")
    return int(found.group(1))


def instructions() -> None:
    """The 1-test collect-only by instruction count (needs valgrind): ours against no
    plugin, and, for scale, what the pytest plugins of two libraries a Smartcar project
    often has installed cost on the same run."""
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: no instruction counts")
        return
    tmp = Path(tempfile.mkdtemp(prefix="smartcar-bench-instructions-"))
    try:
        project = tmp / "one"
        project.mkdir()
        (project / "pytest.ini").write_text("[pytest]\n")
        (project / "test_one.py").write_text("def test_one():\n    assert True\n")
        blocked = other_plugins()
        common = ["--collect-only", "-q"]

        def without(*names: str) -> list[str]:
            keep = {f"no:{n}" for n in names}
            return [a for pair in zip(blocked[::2], blocked[1::2], strict=True)
                    if pair[1] not in keep for a in pair]  # fmt: skip

        _instructions([*common, *blocked, "-p", "no:smartcar"], project)  # byte-code caches
        base = _instructions([*common, *blocked, "-p", "no:smartcar"], project)
        arms = {
            "pytest-smartcar": [*common, *blocked],
            "anyio's plugin (httpx depends on anyio)": [
                *common, *without("anyio"), "-p", "no:smartcar"
            ],
            "respx's plugin": [*common, *without("respx"), "-p", "no:smartcar"],
        }  # fmt: skip
        print(f"instructions, collect-only of 1 test, every other plugin blocked: {base:,}")
        for label, args in arms.items():
            count = _instructions(args, project)
            print(f"  + {label}: {count:,} (ratio {count / base:.4f})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(quick: bool = False) -> tuple[list[Row], list[Check]]:
    rounds = 5 if quick else 21
    checks, lines, import_cost = import_checks(3 if quick else 9)
    print("\n".join(lines))
    for check in checks:
        print(f"check: {check.name}: {check.verdict} ({check.detail})")
    tmp = Path(tempfile.mkdtemp(prefix="smartcar-bench-startup-"))
    try:
        rows = [import_row(rounds), one_test_row(tmp / "one", rounds)]
        more, _ = compare(make_project(tmp / "project"), rounds, import_cost)
        rows += more
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_rows(rows)
    return rows, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    parser.add_argument("--profile", action="store_true", help="cProfile the plugin import")
    parser.add_argument(
        "--instructions", action="store_true", help="1-test start-up by callgrind instruction count"
    )
    args = parser.parse_args()
    if args.profile:
        profile()
        return
    if args.instructions:
        instructions()
        return
    run(args.quick)


if __name__ == "__main__":
    main()
