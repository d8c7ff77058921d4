"""Shared helpers for the benchmarks: interleaved timing, subprocess runs, tables.

Timings on a shared machine are noisy, so every comparison here follows one method:

* the baseline and the candidate are measured in the same run, interleaved round by
  round (A B, then B A, then A B ...), so slow drift of the machine hits both alike;
* each figure is the median of the rounds, and the ratio is candidate median over
  baseline median;
* pytest runs are separate processes (``python -m pytest``) with a fixed
  ``PYTHONHASHSEED`` and without the cache provider, pytest-randomly and xdist. Their
* every sample is taken by two clocks: wall (``perf_counter_ns``) and CPU time (the
  process's ``process_time_ns``, or the child's user + system time from ``getrusage``).
  Verdicts use CPU time by default, because other jobs on a shared machine stretch wall
  time far more than CPU time; ``--clock wall`` (``set_clock("wall")``) switches, and
  every row also shows the ratio by the other clock.
"""

from __future__ import annotations

import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

#: Flags every benchmarked pytest run gets: no cache writes, no random order, no workers.
PYTEST_FLAGS = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist")
HASHSEED = "0"
_CLOCK = {"name": "cpu"}


def set_clock(name: str) -> None:
    """The clock verdicts use: ``cpu`` (the default) or ``wall``."""
    if name not in ("cpu", "wall"):
        raise ValueError(f"clock is 'cpu' or 'wall', got {name!r}")
    _CLOCK["name"] = name


def clock() -> str:
    return _CLOCK["name"]


# --- samples and results --------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One measurement by both clocks, in seconds (per request or per run)."""

    wall: float
    cpu: float

    def value(self, which: str | None = None) -> float:
        return self.cpu if (which or clock()) == "cpu" else self.wall

    def scaled(self, factor: float) -> Sample:
        return Sample(self.wall * factor, self.cpu * factor)


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.sample``: wall (perf_counter_ns) and this
    process's CPU time (process_time_ns) around the block."""

    sample: Sample

    def __enter__(self) -> Stopwatch:
        self._cpu = time.process_time_ns()
        self._wall = time.perf_counter_ns()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter_ns() - self._wall
        cpu = time.process_time_ns() - self._cpu
        self.sample = Sample(wall / 1e9, cpu / 1e9)


@dataclass
class Row:
    """One comparison: the baseline's and the candidate's median, and the target ratio."""

    bench: str
    name: str
    baseline_label: str
    baseline: float  # seconds (median, by the chosen clock)
    candidate: float  # seconds (median, by the chosen clock)
    target: float | None  # the ratio candidate/baseline must not exceed; None: informational
    unit: str = "run"  # what one figure measures: "run", "request", "item"
    rounds: int = 0
    clock: str = "cpu"
    other_ratio: float | None = None  # the same ratio by the other clock
    ci: tuple[float, float] | None = None  # 95% paired-bootstrap interval of the ratio
    note: str = ""
    #: A ceiling on what the candidate adds (candidate - baseline, seconds) instead of a
    #: ratio target: for a cost that is small next to its baseline (an import after pytest).
    added_limit: float | None = None
    added_ci: tuple[float, float] | None = None  # 95% paired-bootstrap interval of it
    samples: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @classmethod
    def compare(
        cls,
        bench: str,
        name: str,
        samples: Mapping[str, Sequence[Sample]],
        baseline: str,
        candidate: str,
        target: float | None,
        *,
        unit: str = "run",
        note: str = "",
        which: str | None = None,
    ) -> Row:
        """Medians of ``samples[baseline]`` and ``samples[candidate]`` by the chosen clock."""
        which = which or clock()
        other = "wall" if which == "cpu" else "cpu"

        def med(key: str, by: str) -> float:
            return median([s.value(by) for s in samples[key]])

        other_base = med(baseline, other)
        pairs = [
            (b.value(which), c.value(which))
            for b, c in zip(samples[baseline], samples[candidate], strict=True)
        ]
        return cls(
            bench,
            name,
            baseline,
            med(baseline, which),
            med(candidate, which),
            target,
            unit=unit,
            rounds=len(samples[baseline]),
            clock=which,
            other_ratio=med(candidate, other) / other_base if other_base else None,
            ci=bootstrap_ratio(pairs),
            note=note,
            samples={k: [s.value(which) for s in v] for k, v in samples.items()},
        )

    @property
    def ratio(self) -> float:
        return self.candidate / self.baseline if self.baseline else float("inf")

    @property
    def added(self) -> float:
        return self.candidate - self.baseline

    @property
    def verdict(self) -> str:
        if self.added_limit is not None:
            return "ok" if self.added <= self.added_limit else "MISS"
        if self.target is None:
            return "info"
        return "ok" if self.ratio <= self.target else "MISS"

    def target_text(self) -> str:
        if self.added_limit is not None:
            return f"adds <= {fmt_time(self.added_limit)}"
        return "-" if self.target is None else f"<= {self.target:.2f}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, added=self.added, verdict=self.verdict)
        return data


@dataclass
class Check:
    """A yes/no fact a benchmark verified (e.g. which modules the plugin imports)."""

    bench: str
    name: str
    passed: bool
    detail: str = ""

    @property
    def verdict(self) -> str:
        return "ok" if self.passed else "FAIL"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict
        return data


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _bootstrap(
    pairs: Sequence[tuple[float, float]],
    statistic: Callable[[float, float], float],
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float] | None:
    """95% interval of ``statistic(median(baseline), median(candidate))``, resampling
    whole rounds (each round measured both arms back to back, so rounds are the unit)."""
    if len(pairs) < 3:
        return None
    rng = random.Random(seed)
    n = len(pairs)
    values = []
    for _ in range(resamples):
        pick = [pairs[rng.randrange(n)] for _ in range(n)]
        values.append(
            statistic(statistics.median(b for b, _ in pick), statistics.median(c for _, c in pick))
        )
    values.sort()
    return values[int(0.025 * resamples)], values[int(0.975 * resamples) - 1]


def bootstrap_ratio(pairs: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """95% interval of median(candidate) / median(baseline)."""
    return _bootstrap(pairs, lambda base, cand: cand / base if base else float("inf"))


def bootstrap_added(pairs: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """95% interval of median(candidate) - median(baseline)."""
    return _bootstrap(pairs, lambda base, cand: cand - base)


def fmt_time(seconds: float) -> str:
    """A duration with a unit that keeps three significant digits readable."""
    size = abs(seconds)
    if size >= 1:
        return f"{seconds:.2f} s"
    if size >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def spread(values: Sequence[float]) -> str:
    """``min..max`` of the samples, for judging noise."""
    return f"{fmt_time(min(values))}..{fmt_time(max(values))}"


# --- interleaving ---------------------------------------------------------------------------


def interleave(
    arms: Mapping[str, Callable[[], Sample]],
    rounds: int,
    *,
    warmup: int = 1,
    progress: str | None = None,
) -> dict[str, list[Sample]]:
    """Call each arm once per round, alternating the order every round (AB, BA, AB ...).

    Each arm returns one ``Sample``. ``warmup`` rounds run first and are discarded
    (imports, byte-code caches, first-touch allocations).
    """
    names = list(arms)
    if not sys.stderr.isatty():
        progress = None
    for _ in range(warmup):
        for name in names:
            arms[name]()
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for i in range(rounds):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            samples[name].append(arms[name]())
        if progress:
            print(f"\r  {progress}: round {i + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr, flush=True)
    return samples


# --- subprocess runs ------------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for benchmarked subprocesses: fixed hash seed, no user pytest options."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONHASHSEED"] = HASHSEED
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


class RunFailed(RuntimeError):
    pass


def run_timed(
    cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], ok_codes: Sequence[int] = (0,)
) -> tuple[Sample, subprocess.CompletedProcess[str]]:
    """Run ``cmd``; return its wall time and its CPU time (user + system, from
    ``getrusage``); raise ``RunFailed`` on a bad exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter_ns()
    proc = subprocess.run(
        list(cmd), cwd=cwd, env=dict(env), capture_output=True, text=True, check=False
    )
    wall = (time.perf_counter_ns() - start) / 1e9
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    elapsed = Sample(wall, cpu)
    if proc.returncode not in ok_codes:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise RunFailed(f"{' '.join(cmd)} (in {cwd}) exited {proc.returncode}:\n{tail}")
    return elapsed, proc


def pytest_cmd(*args: str) -> list[str]:
    return [PYTHON, "-m", "pytest", *PYTEST_FLAGS, *args]


_COUNT = re.compile(r"(\d+) (passed|tests? collected)")


def item_count(output: str) -> int:
    """How many tests a pytest run collected or passed, from its summary line."""
    found = _COUNT.findall(output)
    if not found:
        raise RunFailed(f"no test count in pytest output:\n{output[-2000:]}")
    return int(found[-1][0])


# --- profiles -------------------------------------------------------------------------------


def per_call(stats: Any, n: int) -> dict[str, tuple[float, float]]:
    """``dir/file:line(function)`` -> (own, cumulative) time per unit of work, in µs."""
    out: dict[str, tuple[float, float]] = {}
    for (file, line, func), (_, _, tt, ct, _) in stats.stats.items():
        short = "/".join(file.split("/")[-2:])
        key = f"{short}:{line}({func})"
        old = out.get(key, (0.0, 0.0))
        out[key] = (old[0] + tt / n * 1e6, old[1] + ct / n * 1e6)
    return out


def print_profile_diff(
    base: dict[str, tuple[float, float]],
    cand: dict[str, tuple[float, float]],
    *,
    unit: str,
    top: int = 25,
    ours: str = "pytest_smartcar",
) -> None:
    """The functions whose own time differs most (candidate - baseline) per ``unit``, and
    the candidate's own package's functions by cumulative time."""
    total_b = sum(t for t, _ in base.values())
    total_c = sum(t for t, _ in cand.values())
    print(
        f"  under cProfile: baseline {total_b:.1f} µs, pytest-smartcar {total_c:.1f} µs per {unit}"
    )
    print(f"  largest own-time differences per {unit} (pytest-smartcar - baseline), µs:")
    keys = set(base) | set(cand)

    def own(d: dict[str, tuple[float, float]], k: str) -> float:
        return d.get(k, (0.0, 0.0))[0]

    for key in sorted(keys, key=lambda k: -abs(own(cand, k) - own(base, k)))[:top]:
        b, c = own(base, key), own(cand, key)
        print(f"    {c - b:+9.2f}  ({b:8.2f} -> {c:8.2f})  {key}")
    print(f"  {ours} functions, cumulative µs per {unit}:")
    mine = sorted(((ct, k) for k, (_, ct) in cand.items() if ours in k), reverse=True)
    for ct, key in mine[:15]:
        print(f"    {ct:9.2f}  {key}")


# --- the machine ----------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def package_revision() -> str:
    """The commit the package was measured at, and whether its files had local edits."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "pytest_smartcar"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"git {head}" + (" + uncommitted changes in pytest_smartcar/" if dirty else "")


def machine_info() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for dist in ("pytest", "httpx", "respx", "requests", "responses", "pytest-smartcar"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "-"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "-"
    return {
        "package source": package_revision(),
        "nproc": str(usable),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load average at start": load,
        **{f"{k} version": v for k, v in versions.items()},
    }


# --- tables ---------------------------------------------------------------------------------

_HEAD = (
    "benchmark",
    "baseline",
    "baseline median",
    "pytest-smartcar median",
    "ratio",
    "95% interval",
    "ratio (other clock)",
    "target",
    "verdict",
)


def _cells(row: Row) -> tuple[str, ...]:
    per = "" if row.unit == "run" else f"/{row.unit}"
    target = row.target_text()
    other = "wall" if row.clock == "cpu" else "cpu"
    alt = "-" if row.other_ratio is None else f"{row.other_ratio:.3f} ({other})"
    return (
        f"{row.bench}: {row.name}",
        row.baseline_label,
        fmt_time(row.baseline) + per,
        fmt_time(row.candidate) + per,
        f"{row.ratio:.3f} ({row.clock})",
        "-" if row.ci is None else f"{row.ci[0]:.3f}..{row.ci[1]:.3f}",
        alt,
        target,
        row.verdict,
    )


def text_table(rows: Sequence[Row], checks: Sequence[Check] = ()) -> str:
    head = _HEAD
    body = [_cells(r) for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) for cells in body
    ]
    for check in checks:
        lines.append(f"check {check.bench}: {check.name}: {check.verdict}  {check.detail}")
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row], checks: Sequence[Check] = ()) -> str:
    head = _HEAD
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    if checks:
        lines += ["", "| check | verdict | detail |", "| --- | --- | --- |"]
        lines += [f"| {c.bench}: {c.name} | {c.verdict} | {c.detail} |" for c in checks]
    return "\n".join(lines)


def print_rows(rows: Sequence[Row]) -> None:
    """Each row's figures, its sample spread and its ratio, as the benchmark finishes it."""
    for row in rows:
        per = "" if row.unit == "run" else f"/{row.unit}"
        spreads = "; ".join(f"{k} {spread(v)}" for k, v in row.samples.items())
        target = "" if row.verdict == "info" else f" (target {row.target_text()}: {row.verdict})"
        added = f", adds {fmt_time(row.added)}{per}" if row.added_limit is not None else ""
        print(
            f"{row.bench}: {row.name}: {row.baseline_label} {fmt_time(row.baseline)}{per}, "
            f"pytest-smartcar {fmt_time(row.candidate)}{per}, ratio {row.ratio:.3f}"
            f"{added}{target}"
        )
        other = "wall" if row.clock == "cpu" else "cpu"
        alt = f"; by {other} time the ratio is {row.other_ratio:.3f}" if row.other_ratio else ""
        if row.ci:
            alt += f"; 95% interval of the ratio {row.ci[0]:.3f}..{row.ci[1]:.3f}"
        if row.added_ci:
            low, high = row.added_ci
            alt += f"; 95% interval of what it adds {fmt_time(low)}..{fmt_time(high)}"
        print(f"    {row.rounds} rounds, {row.clock} time, median of each; spread {spreads}{alt}")
        if row.note:
            print(f"    {row.note}")
