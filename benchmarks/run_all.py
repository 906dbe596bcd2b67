"""Every benchmark in one go, and a Summary table on top of ``benchmarks/RESULTS.md``.

    .venv/bin/python -m benchmarks               # the full run (about 3 minutes), RESULTS.md
    .venv/bin/python -m benchmarks --quick       # a short run, into a scratch copy of RESULTS.md
    .venv/bin/python -m benchmarks --only design_latency reconstruction

Each benchmark runs as a process of its own (``benchmarks/bench_*.py`` and
``benchmarks/strace_session.py``), in this order: cold start against the bare Qt +
pyqtgraph window, the change-to-redraw latency of the Design panel, the headless summary,
the 10,000-trial library, the reconstruction of a 500-patient curve, the Monte Carlo
simulation and the network audit under strace. Each rewrites its own section of the
results file (with its exact command, the date and the machine) and hands its headline
numbers back as JSON; the peak memory of each is the largest resident set of its process
tree (``wait4``). Then the "Summary" section at the top of the file is rewritten: one row
per measure with its value, its budget where DESIGN.md or an issue sets one, and the
command that measured it. Sections this command does not own (e.g. "Fuzzing (long
profile)", or hand-written notes) are left as they are.

``--quick`` runs fewer repeats, a 2,000-trial library, no frozen build, no rpact and a
1,000-trial scipy loop: for checking that everything runs, not for the numbers. It writes
to a copy of RESULTS.md in a temporary folder unless ``--results`` says otherwise.
``--only NAME...`` runs some of them; the Summary then lists only those. Exit status: 0
when every benchmark ran, 1 when one failed (its row says so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, command_line, update_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HEADING = "## Summary (python -m benchmarks)"


@dataclass(frozen=True)
class Bench:
    """One benchmark process: its script, its arguments (full and quick), its summary rows."""

    name: str
    script: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    rows: Callable[[dict], list[tuple[str, str, str]]]  # (measure, result, budget)
    timeout_s: float = 900.0


@dataclass
class Outcome:
    """What one benchmark process left: its numbers, peak memory, time and exit status."""

    bench: Bench
    command: str
    status: int
    seconds: float
    peak_mib: float
    numbers: dict = field(default_factory=dict)


def _startup_rows(n: dict) -> list[tuple[str, str, str]]:
    verdict = "met" if n["ratio"] <= 1.5 else "NOT MET"
    rows = [
        (
            "Cold start to the first paint, app vs bare PySide6 + pyqtgraph window",
            f"{n['app_s']:.3f} s vs {n['bare_s']:.3f} s: **{n['ratio']:.2f} ×**",
            f"≤ 1.5 × ({verdict})",
        ),
        (
            "Peak memory at the first paint (app / bare window)",
            f"{n['app_peak_mib']:.0f} / {n['bare_peak_mib']:.0f} MiB",
            "",
        ),
    ]
    if "frozen_s" in n:
        rows.append(("Cold start, frozen bundle (`--self-test`)", f"{n['frozen_s']:.3f} s", ""))
    return rows


def _latency_rows(n: dict) -> list[tuple[str, str, str]]:
    verdict = "met" if n["median_ms"] <= n["budget_ms"] else "NOT MET"
    return [
        (
            f"Design-parameter change → redrawn Design panel ({n['edits']} edits)",
            f"median **{n['median_ms']:.1f} ms**, p90 {n['p90_ms']:.1f} ms",
            f"≤ {n['budget_ms']:g} ms median ({verdict})",
        )
    ]


def _summary_rows(n: dict) -> list[tuple[str, str, str]]:
    return [
        (
            "Summary computation: load PALMIRA + every figure and check (fresh process)",
            f"**{n['summary_s']:.2f} s** (load and validate alone {n['load PALMIRA']:.2f} s)",
            "",
        )
    ]


def _library_rows(n: dict) -> list[tuple[str, str, str]]:
    return [
        (
            f"Library of {n['trials']:,} trials: open / list all / filter phase III / search",
            f"{n['open_ms']:.1f} / {n['list_ms']:.1f} / {n['filter_ms']:.1f} / "
            f"{n['search_ms']:.1f} ms",
            "",
        ),
        (
            "Library import rate (one transaction per trial / one for all)",
            f"{n['import_one_by_one_per_s']:,.0f} / {n['import_batched_per_s']:,.0f} trials/s",
            "",
        ),
    ]


def _reconstruction_rows(n: dict) -> list[tuple[str, str, str]]:
    return [
        (
            f"Reconstruction of a {n['patients']}-patient curve ({n['points']} points)",
            f"**{1000 * n['reconstruct_s']:.1f} ms**; events {n['events_reconstructed']} "
            f"(true {n['events_true']}); then Cox on 2 arms {1000 * n['cox_s']:.0f} ms",
            "",
        )
    ]


def _simulation_rows(n: dict) -> list[tuple[str, str, str]]:
    verdict = "met" if n["vectorised_s"] <= n["target_s"] else "NOT MET"
    rpact = f"; rpact {n['rpact_inside_s']:.2f} s" if n.get("rpact_inside_s") else ""
    return [
        (
            f"Monte Carlo simulation, {n['n_sims']:,} trials of PALMIRA's design",
            f"**{n['vectorised_s']:.3f} s** (scipy loop {n['loop_s']:.2f} s{rpact})",
            f"≤ {n['target_s']:g} s ({verdict})",
        )
    ]


def _strace_rows(n: dict) -> list[tuple[str, str, str]]:
    verdict = "met" if n["internet_calls"] == 0 else "NOT MET"
    return [
        (
            "Network audit: whole GUI session under strace, AF_INET/AF_INET6 calls",
            f"**{n['internet_calls']}** (AF_UNIX {n['unix_calls']}, all {n['all_calls']})",
            f"0 ({verdict})",
        ),
        ("Peak memory of the whole GUI session", f"{n['session_peak_mib']:.0f} MiB", ""),
    ]


BENCHES: tuple[Bench, ...] = (
    Bench("startup", "bench_startup.py", ("--runs", "7"), ("--runs", "2", "--no-frozen"),
          _startup_rows),
    Bench("design_latency", "bench_design_latency.py", ("--changes", "50"),
          ("--changes", "20"), _latency_rows),
    Bench("summary", "bench_summary.py", ("--repeat", "5", "--write"),
          ("--repeat", "2", "--write"), _summary_rows),
    Bench("library", "bench_library.py", ("--write",),
          ("--trials", "2000", "--repeat", "5", "--write"), _library_rows),
    Bench("reconstruction", "bench_reconstruction.py", ("--repeat", "7"), ("--repeat", "3"),
          _reconstruction_rows),
    Bench("simulation", "bench_simulation.py", (),
          ("--runs", "1", "--loop-trials", "1000", "--no-rpact"), _simulation_rows),
    Bench("network", "strace_session.py", (), (), _strace_rows),
)  # fmt: skip


def run_one(bench: Bench, args: Sequence[str], results: Path, scratch: Path) -> Outcome:
    """Run one benchmark process; its numbers (from ``--json``) and its peak memory."""
    numbers_file = scratch / f"{bench.name}.json"
    argv = [
        sys.executable,
        str(HERE / bench.script),
        *args,
        "--results",
        str(results),
        "--json",
        str(numbers_file),
    ]
    command = command_line(f"benchmarks/{bench.script}", list(args))
    print(f"\n=== {bench.name}: {command}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT)
    deadline = start + bench.timeout_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    numbers = {}
    if proc.returncode == 0 and numbers_file.exists():
        numbers = json.loads(numbers_file.read_text(encoding="utf-8"))
    return Outcome(bench, command, proc.returncode, seconds, usage.ru_maxrss / 1024, numbers)


def load_average() -> float | None:
    """The 1-minute load average (None where the system does not say)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def summary_body(
    outcomes: Sequence[Outcome], quick: bool, load: tuple[float | None, float | None]
) -> list[str]:
    """The Markdown lines of the Summary section; ``load``: load average before and after."""
    lines = [
        "Every benchmark in one command; the sections below hold the details of each, with",
        "its own command, date and machine. Peak memory is the largest resident set in the",
        "benchmark's process tree (`wait4`).",
    ]
    if None not in load:
        busy = max(load) > (os.cpu_count() or 1) * 0.5
        lines.append(
            f"Load average (1 min) {load[0]:.1f} before the run and {load[1]:.1f} after, on "
            f"{os.cpu_count()} cores"
            + (
                ": other work shared the machine, so the times are slower than on a quiet one."
                if busy
                else "."
            )
        )
    if quick:
        lines += [
            "",
            "**Quick run** (`--quick`): fewer repeats, for checking, not for the numbers.",
        ]
    lines += [
        "",
        "| measure | result | budget | peak memory, MiB | run time, s | command |",
        "|---|---|---|---|---|---|",
    ]
    for out in outcomes:
        cmd = f"`{out.command}`"
        if out.status != 0 or not out.numbers:
            lines.append(
                f"| {out.bench.name} | FAILED (exit {out.status}) | | {out.peak_mib:.0f} | "
                f"{out.seconds:.0f} | {cmd} |"
            )
            continue
        for i, (measure, result, budget) in enumerate(out.bench.rows(out.numbers)):
            peak = f"{out.peak_mib:.0f}" if i == 0 else "″"
            run = f"{out.seconds:.0f}" if i == 0 else "″"
            lines.append(
                f"| {measure} | {result} | {budget} | {peak} | {run} | {cmd if i == 0 else '″'} |"
            )
    total = sum(o.seconds for o in outcomes)
    lines += ["", f"Total run time {total / 60:.1f} min."]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, for checking")
    parser.add_argument(
        "--only", nargs="+", choices=[b.name for b in BENCHES], help="run only these"
    )
    parser.add_argument("--results", type=Path, help="the results file (default RESULTS.md)")
    ns = parser.parse_args(argv)
    results = ns.results
    if results is None and ns.quick:  # kept after the run: its path is printed
        results = Path(tempfile.mkdtemp(prefix="explorer-bench-quick-")) / "RESULTS.md"
        if RESULTS.exists():
            shutil.copyfile(RESULTS, results)
    results = results or RESULTS
    outcomes = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="explorer-bench-") as scratch:
        for bench in BENCHES:
            if ns.only and bench.name not in ns.only:
                continue
            args = bench.quick if ns.quick else bench.full
            outcomes.append(run_one(bench, args, results, Path(scratch)))
    args = list(argv if argv is not None else sys.argv[1:])
    command = command_line(["-m", "benchmarks"], args)
    body = summary_body(outcomes, ns.quick, (load_before, load_average()))
    update_section(results, HEADING, body, command, first=True)
    print("\n".join(body))
    print(f"\nwritten: {results}", file=sys.stderr)
    failed = [o.bench.name for o in outcomes if o.status != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
