"""Run every pytest-smartcar benchmark and print one summary table.

    python benchmarks/run.py            # full run (about 10 minutes on 2 cores)
    python benchmarks/run.py --quick    # smoke run (under 2 minutes)

Options: ``--only startup,request,aiohttp,matrix,strategies`` picks benchmarks; ``--clock wall``
judges by wall time instead of CPU time; ``--json PATH`` writes every figure;
``--markdown`` prints the summary as a Markdown table (as in docs/performance.md);
``--strict`` exits 1 when a figure misses its target (by default only a crash or a
failed check does); ``--strategies-venv DIR`` also runs bench_strategies.py in the pinned
hypothesis-jsonschema environment. The full run rewrites docs/img/scaling.png unless
``--no-plot``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _timing  # noqa: E402

BENCHES = ("startup", "request", "aiohttp", "matrix", "strategies")


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the pytest-smartcar benchmarks.")
    parser.add_argument("--quick", action="store_true", help="smoke run, under 2 minutes")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated subset")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--json", type=Path, help="write all figures to this file")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown summary")
    parser.add_argument("--no-plot", action="store_true", help="do not rewrite scaling.png")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--strategies-venv",
        type=Path,
        help="also run bench_strategies.py with this venv's python (the pinned "
        "hypothesis + hypothesis-jsonschema side by side; several minutes)",
    )
    args = parser.parse_args()
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {BENCHES}")
    _timing.set_clock(args.clock)

    info = _timing.machine_info()
    print("pytest-smartcar benchmarks" + (" (quick)" if args.quick else ""))
    for key, value in info.items():
        print(f"  {key}: {value}")
    print(f"  verdict clock: {args.clock} time; medians of interleaved rounds")
    print()

    rows: list[_timing.Row] = []
    extra_rows: list[_timing.Row] = []
    checks: list[_timing.Check] = []
    crashed: list[str] = []
    started = time.perf_counter()
    for name in chosen:
        print(f"=== {name} ===", flush=True)
        t0 = time.perf_counter()
        try:
            if name == "startup":
                import bench_startup

                got, got_checks = bench_startup.run(args.quick)
                rows += got
                checks += got_checks
            elif name == "request":
                import bench_request

                rows += bench_request.run(args.quick)
                if not args.quick:
                    bench_request.print_breakdown()
            elif name == "aiohttp":  # makes its pinned aioresponses venv on first use
                import bench_aiohttp

                rows += bench_aiohttp.run(args.quick)
            elif name == "matrix":
                import bench_matrix

                got, scale = bench_matrix.run(args.quick, plot=not args.no_plot)
                rows += got
                extra_rows += scale
            elif name == "strategies":
                ok = run_strategies(args.quick, args.strategies_venv)
                if ok is not None:
                    checks.append(
                        _timing.Check(
                            "strategies",
                            "benchmarks/bench_strategies.py ran (figures in its output above)",
                            ok,
                        )
                    )
        except Exception:
            traceback.print_exc()
            crashed.append(name)
        print(f"({name}: {time.perf_counter() - t0:.0f} s)\n", flush=True)

    print("=== summary ===")
    print(_timing.text_table(rows, checks))
    if extra_rows:
        print()
        print(_timing.text_table(extra_rows))
    if crashed:
        print(f"\nCRASHED: {', '.join(crashed)} (traceback above)")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.markdown:
        print()
        print(_timing.markdown_table(rows, checks))
        if extra_rows:
            print()
            print(_timing.markdown_table(extra_rows))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "quick": args.quick,
                    "clock": args.clock,
                    "rows": [r.as_dict() for r in rows],
                    "scaling": [r.as_dict() for r in extra_rows],
                    "checks": [c.as_dict() for c in checks],
                    "crashed": crashed,
                },
                indent=2,
            )
        )
        print(f"figures written to {args.json}")
    failed = crashed or any(not c.passed for c in checks)
    missed = any(r.verdict == "MISS" for r in rows)
    return 1 if failed or (args.strict and missed) else 0


def run_strategies(quick: bool, venv: Path | None) -> bool | None:
    """Run benchmarks/bench_strategies.py (written separately) when it exists: on this
    interpreter, then, when ``--strategies-venv`` names one, in the pinned side-by-side
    virtual environment its docstring describes (that run takes several minutes)."""
    script = HERE / "bench_strategies.py"
    if not script.exists():
        print("benchmarks/bench_strategies.py does not exist yet: skipped")
        return None
    size = ["--examples", "300", "--repeat", "3"] if quick else []
    pythons = [sys.executable]
    if venv is not None:
        python = venv / "bin" / "python"
        if not python.exists():
            print(f"--strategies-venv {venv}: no bin/python there; skipped")
        else:
            pythons.append(str(python))
    ok = True
    for python in pythons:
        cmd = [python, str(script), *size]
        print("$ " + " ".join(cmd), flush=True)
        proc = subprocess.run(cmd, cwd=HERE.parent, check=False)
        if proc.returncode != 0:
            print(f"bench_strategies.py exited {proc.returncode}")
            ok = False
    return ok


if __name__ == "__main__":
    sys.exit(main())
