"""Catalog matrix: marker-generated test items vs an equivalent parametrize + respx suite.

Two generated projects, run by ``python -m pytest`` (collection and run, per item):

* pytest-smartcar: ``@pytest.mark.smartcar_error`` (one item per catalog error) and
  ``@pytest.mark.smartcar_error(endpoint=[...50 names...])`` (error x endpoint); each
  item makes one httpx request to the endpoint it is about and checks the status.
* baseline: the same items written by hand, ``@pytest.mark.parametrize`` over the same
  keys and endpoints with the ``respx_mock`` fixture and a route per item serving the
  same catalog body (pre-rendered into the test module's data).

Both projects run with plugin auto-loading off and only the plugin they need
(``-p pytest_smartcar.plugin`` or ``-p respx.plugin``). The scaling study runs the same
pair from about 100 to 10,000 items, fits time = a + b * items and plots it.

    python benchmarks/bench_matrix.py [--quick] [--scaling-only] [--no-plot] [--profile]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from _timing import (
    PYTHON,
    ROOT,
    Row,
    RunFailed,
    Sample,
    clean_env,
    clock,
    fmt_time,
    interleave,
    item_count,
    median,
    per_call,
    print_profile_diff,
    print_rows,
    pytest_cmd,
    run_timed,
)

BENCH = "matrix"
TARGET = 1.0
VEHICLE = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
PLOT = ROOT / "docs" / "img" / "scaling.png"
ORIGINS = {
    "api": "https://api.smartcar.com",
    "v3": "https://vehicle.api.smartcar.com",
    "auth": "https://auth.smartcar.com",
    "management": "https://management.smartcar.com",
}
FULL_SIZES = (2, 5, 10, 25, 50, 100, 200)  # endpoints; items = 48 x endpoints
PER_FUNCTION = 50  # endpoints per test function in generated projects


# --- the generated projects ---------------------------------------------------------------


def catalog_data() -> tuple[list[str], dict[str, list[object]], list[str], dict[str, list]]:
    """Keys, ``key -> [status, body]``, the first 50 vehicle endpoint names and
    ``name -> [method, url, json]`` for one request to each."""
    from pytest_smartcar import catalog
    from pytest_smartcar import endpoints as ep
    from pytest_smartcar.responses import error_body

    keys = [spec.key for spec in catalog.API_ERRORS]
    bodies = {
        spec.key: [spec.status, error_body(spec, request_id="00000000-0000-4000-8000-000000000000")]
        for spec in catalog.API_ERRORS
    }
    first: dict[str, ep.Endpoint] = {}
    for endpoint in ep.ENDPOINTS:
        first.setdefault(endpoint.name, endpoint)
    names = [n for n, e in first.items() if e.is_vehicle][:PER_FUNCTION]
    requests = {}
    for name in names:
        e = first[name]
        path = (
            e.path.replace("{v}", "v2.0")
            .replace("{vehicle_id}", VEHICLE)
            .replace("{webhook_id}", "c4bd3a6d")
            .replace("{signal_code}", "odometer")
        )
        body = {"action": e.action} if e.action else None
        requests[name] = [e.method, ORIGINS[e.host] + path, body]
    return keys, bodies, names, requests


HEADER = """\
import json
import pathlib

import httpx
import pytest

DATA = json.loads(pathlib.Path(__file__).with_name("data.json").read_text())
REQUESTS = DATA["requests"]
NAMES = DATA["names"]
BODIES = DATA["bodies"]
KEYS = list(BODIES)
ODOMETER = REQUESTS["odometer"][1]
CLIENT = httpx.Client()
"""

SMARTCAR_BARE = """

@pytest.mark.smartcar_error
def test_catalog(smartcar_error):
    assert CLIENT.get(ODOMETER).status_code >= 400
"""

BASELINE_BARE = """

@pytest.mark.parametrize("key", KEYS)
def test_catalog(respx_mock, key):
    status, body = BODIES[key]
    respx_mock.get(ODOMETER).mock(return_value=httpx.Response(status, json=body))
    assert CLIENT.get(ODOMETER).status_code >= 400
"""

SMARTCAR_MATRIX = """

@pytest.mark.smartcar_error(endpoint=NAMES[{start}:{stop}])
def test_matrix_{i}(smartcar_error, request):
    method, url, body = REQUESTS[request.node.callspec.id.partition("-")[0]]
    assert CLIENT.request(method, url, json=body).status_code >= 400
"""

BASELINE_MATRIX = """

@pytest.mark.parametrize("endpoint,key", [(e, k) for e in NAMES[{start}:{stop}] for k in KEYS])
def test_matrix_{i}(respx_mock, endpoint, key):
    method, url, body = REQUESTS[endpoint]
    status, payload = BODIES[key]
    respx_mock.request(method, url).mock(return_value=httpx.Response(status, json=payload))
    assert CLIENT.request(method, url, json=body).status_code >= 400
"""


def make_project(root: Path, kind: str, *, bare: bool, endpoints: int) -> Path:
    """A project of ``kind`` ("smartcar" or "baseline"): the bare-marker test when
    ``bare``, plus ``endpoints`` endpoint x catalog items in functions of 50 endpoints."""
    _, bodies, names, requests = catalog_data()
    root.mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "data.json").write_text(
        json.dumps({"bodies": bodies, "names": names, "requests": requests})
    )
    smartcar = kind == "smartcar"
    source = HEADER + ((SMARTCAR_BARE if smartcar else BASELINE_BARE) if bare else "")
    template = SMARTCAR_MATRIX if smartcar else BASELINE_MATRIX
    left, i = endpoints, 0
    while left > 0:
        take = min(left, len(names))
        source += template.format(i=i, start=0, stop=take)
        left -= take
        i += 1
    (root / "test_matrix.py").write_text(source)
    return root


def _flags(kind: str) -> list[str]:
    return ["-p", "pytest_smartcar.plugin" if kind == "smartcar" else "respx.plugin"]


ENV = clean_env(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")


def _arm(project: Path, kind: str, expect: int, collect_only: bool = False):
    mode = ["--collect-only", "-q"] if collect_only else ["-q"]

    def run() -> Sample:
        elapsed, proc = run_timed(pytest_cmd(*mode, *_flags(kind)), cwd=project, env=ENV)
        got = item_count(proc.stdout)
        if got != expect:
            raise RunFailed(f"{kind}: expected {expect} items, got {got}\n{proc.stdout[-2000:]}")
        return elapsed

    return run


def _prime(project: Path, kind: str) -> int:
    """Collect once (writes the byte-code caches) and return the item count."""
    _, proc = run_timed(pytest_cmd("--collect-only", "-q", *_flags(kind)), cwd=project, env=ENV)
    return item_count(proc.stdout)


def _pair(tmp: Path, name: str, *, bare: bool, endpoints: int) -> tuple[Path, Path, int]:
    ours = make_project(tmp / f"{name}-smartcar", "smartcar", bare=bare, endpoints=endpoints)
    base = make_project(tmp / f"{name}-baseline", "baseline", bare=bare, endpoints=endpoints)
    n_ours, n_base = _prime(ours, "smartcar"), _prime(base, "baseline")
    if n_ours != n_base:
        raise RunFailed(f"{name}: smartcar project has {n_ours} items, baseline {n_base}")
    return ours, base, n_ours


# --- the comparisons ----------------------------------------------------------------------


def compare(tmp: Path, rounds: int, *, cross: int = 50, collect_only: bool = True) -> list[Row]:
    """The bare marker (48 items) and the error x ``cross`` endpoints product, each
    against its parametrize + respx twin; optionally the product's collection alone."""
    rows = []
    cases = [
        ("bare marker (whole catalog)", "bare", True, 0),
        (f"error x {cross} endpoints", "cross", False, cross),
    ]
    for title, name, bare, endpoints in cases:
        ours, base, items = _pair(tmp, name, bare=bare, endpoints=endpoints)
        modes = [(False, "collection + run")]
        if not bare and collect_only:
            modes.append((True, "collection only"))
        for only_collect, what in modes:
            samples = interleave(
                {
                    "parametrize + respx": _arm(base, "baseline", items, only_collect),
                    "pytest-smartcar": _arm(ours, "smartcar", items, only_collect),
                },
                rounds,
                warmup=0,
                progress=f"{title}, {what}",
            )
            per_item = {k: [s.scaled(1 / items) for s in v] for k, v in samples.items()}
            rows.append(
                Row.compare(
                    BENCH,
                    f"{title}, {items} items, {what}",
                    per_item,
                    "parametrize + respx",
                    "pytest-smartcar",
                    None if only_collect else TARGET,
                    unit="item",
                    note=f"per item = whole pytest process / {items} items",
                )
            )
    return rows


def fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least squares ``y = a + b x``: (a, b, r squared)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx
    a = my - b * mx
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def scaling(tmp: Path, sizes: Sequence[int], rounds: int, plot: Path | None) -> list[Row]:
    """Run the cross-product pair at several sizes; fit, print and plot."""
    points: dict[str, list[tuple[int, float]]] = {"pytest-smartcar": [], "parametrize + respx": []}
    rows = []
    for endpoints in sizes:
        ours, base, items = _pair(tmp, f"scale{endpoints}", bare=False, endpoints=endpoints)
        samples = interleave(
            {
                "parametrize + respx": _arm(base, "baseline", items),
                "pytest-smartcar": _arm(ours, "smartcar", items),
            },
            rounds,
            warmup=0,
            progress=f"scaling, {items} items",
        )
        for key, values in samples.items():
            points[key].append((items, median([s.value() for s in values])))
        row = Row.compare(
            "scaling",
            f"{items} items, collection + run",
            {k: [s.scaled(1 / items) for s in v] for k, v in samples.items()},
            "parametrize + respx",
            "pytest-smartcar",
            None,
            unit="item",
        )
        rows.append(row)
        print(
            f"  {items:6d} items: parametrize + respx {fmt_time(row.baseline * items)}, "
            f"pytest-smartcar {fmt_time(row.candidate * items)} ({clock()} time)"
        )
        shutil.rmtree(ours, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)
    fits = {}
    for key, pts in points.items():
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        a, b, r2 = fit(xs, ys)
        half = len(pts) // 2
        low, high = fit(xs[: half + 1], ys[: half + 1])[1], fit(xs[half:], ys[half:])[1]
        fits[key] = (a, b, r2)
        print(
            f"  {key}: time = {fmt_time(a)} + {fmt_time(b)} x items, R^2 = {r2:.4f}; "
            f"slope over the smaller half {fmt_time(low)}/item, larger half "
            f"{fmt_time(high)}/item (ratio {high / low:.2f}; 1.00 is exactly linear)"
        )
    slope = fits["pytest-smartcar"][1] / fits["parametrize + respx"][1]
    print(f"  marginal cost per item, pytest-smartcar / baseline: {slope:.3f}")
    if plot is not None:
        draw(points, fits, plot)
    return rows


def draw(
    points: dict[str, list[tuple[int, float]]],
    fits: dict[str, tuple[float, float, float]],
    path: Path,
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  matplotlib is not installed (pip install matplotlib): no plot written")
        return
    fig, (left, right, third) = plt.subplots(1, 3, figsize=(15, 4.2))
    styles = {"pytest-smartcar": ("tab:blue", "o"), "parametrize + respx": ("tab:gray", "s")}
    top = max(x for pts in points.values() for x, _ in pts)
    for key, pts in points.items():
        color, marker = styles[key]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        a, b, r2 = fits[key]
        left.plot(xs, ys, marker, color=color, label=f"{key} (R² = {r2:.4f})")
        left.plot([0, top], [a, a + b * top], "-", color=color, alpha=0.6)
        per_item = [y / x * 1e3 for x, y in zip(xs, ys, strict=True)]
        right.plot(xs, per_item, marker + "-", color=color, label=key)
    left.set_xlabel("test items (catalog errors x endpoints)")
    left.set_ylabel(f"pytest run, collection + run ({clock()} seconds)")
    left.set_title("time grows linearly with the item count")
    left.legend()
    left.grid(alpha=0.3)
    right.set_xscale("log")
    right.set_xlabel("test items (log scale)")
    right.set_ylabel("ms per item (whole run / items)")
    right.set_title("per-item cost (start-up amortised)")
    right.set_ylim(bottom=0)
    right.legend()
    right.grid(alpha=0.3)
    ours, base = points["pytest-smartcar"], points["parametrize + respx"]
    xs = [x for x, _ in ours]
    ratios = [c / b for (_, c), (_, b) in zip(ours, base, strict=True)]
    third.plot(xs, ratios, "o-", color="tab:blue")
    third.axhline(TARGET, color="tab:red", linestyle="--", label=f"target {TARGET}")
    third.axhline(1.0, color="tab:gray", linewidth=0.8)
    third.set_xscale("log")
    third.set_ylim(max(0.0, min(0.8, min(ratios) - 0.1)), max(1.2, max(ratios) + 0.1))
    third.set_xlabel("test items (log scale)")
    third.set_ylabel("pytest-smartcar / parametrize + respx")
    third.set_title("the ratio: no growth from the plugin")
    third.legend()
    third.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"  plot written to {path}")


def profile(tmp: Path, endpoints: int = 50) -> None:
    """cProfile both projects of the cross product; print where the extra time per item
    goes (own time, pytest-smartcar minus baseline) and our functions."""
    import pstats

    stats = {}
    for kind in ("baseline", "smartcar"):
        project = make_project(tmp / f"profile-{kind}", kind, bare=False, endpoints=endpoints)
        items = _prime(project, kind)
        out = tmp / f"{kind}.prof"
        cmd = [PYTHON, "-m", "cProfile", "-o", str(out), "-m", "pytest", "-q"]
        cmd += ["-p", "no:cacheprovider", *_flags(kind)]
        subprocess.run(cmd, cwd=project, env=ENV, check=True, capture_output=True)
        stats[kind] = per_call(pstats.Stats(str(out)), items)
    print(
        f"=== error x {endpoints} endpoints ({items} items): parametrize + respx vs pytest-smartcar"
    )
    print_profile_diff(stats["baseline"], stats["smartcar"], unit="item")


def run(
    quick: bool = False, *, scaling_only: bool = False, plot: bool = True
) -> tuple[list[Row], list[Row]]:
    tmp = Path(tempfile.mkdtemp(prefix="smartcar-bench-matrix-"))
    try:
        if scaling_only:
            rows = []
        elif quick:  # a smoke run: a 480-item product instead of 2,400
            rows = compare(tmp, 3, cross=10, collect_only=False)
        else:
            rows = compare(tmp, 7)
        print_rows(rows)
        scale_rows: list[Row] = []
        if quick:
            print("scaling: skipped in --quick mode (the full run plots 96 to 9,600 items)")
        else:
            print("scaling: the cross product from 96 to 9,600 items")
            scale_rows = scaling(tmp, FULL_SIZES, 3, PLOT if plot else None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows, scale_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no scaling study")
    parser.add_argument("--scaling-only", action="store_true", help="only the scaling study")
    parser.add_argument("--no-plot", action="store_true", help=f"do not write {PLOT}")
    parser.add_argument("--profile", action="store_true", help="cProfile the 2,400-item run")
    args = parser.parse_args()
    if args.profile:
        tmp = Path(tempfile.mkdtemp(prefix="smartcar-bench-profile-"))
        try:
            profile(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    run(args.quick, scaling_only=args.scaling_only, plot=not args.no_plot)


if __name__ == "__main__":
    main()
