"""Monte Carlo design simulation: 10,000 trials of PALMIRA's size, three ways, in one run.

    .venv/bin/python benchmarks/bench_simulation.py              # measure, update RESULTS.md
    .venv/bin/python benchmarks/bench_simulation.py --no-write --loop-trials 1000

The design is PALMIRA's as the app reads it (``inputs_from_evidence`` on the bundled
evidence): 198 randomised (136 + 62 reported), 2:1, hypothesised HR 0.59, control median
3.6 months, 42 months of accrual, analysed at the 155 reported events, no dropout.

Measured:

* **vectorised**: ``explorer.stats.simulation.simulate_survival`` for all the trials
  (generation, analysis at the target events, log-rank, Peto and Cox hazard ratios);
  median of ``--runs`` runs after one warm-up, each with a new seed;
* **loop**: the same trials (``simulate_trial_data``, same seed) analysed by a Python loop
  calling ``scipy.stats.logrank`` once per trial; only the loop is timed (generating the
  patients is the vectorised code's), so the ratio understates the gain of a loop that also
  generated its trials one by one. With ``--loop-trials`` below the number of trials the
  loop covers that many and the time is extrapolated linearly;
* **rpact**: ``rpact::getSimulationSurvival`` with the same design and 10,000 iterations
  (one-sided alpha 0.025, the only test it simulates; evenly spaced entry), when
  ``Rscript`` and rpact are installed: the median of ``--runs`` ``system.time`` values inside
  one R session, and the wall time of one ``Rscript`` process (R start, loading rpact, one
  simulation).

Powers are given for each: two-sided alpha 0.05 (the app's convention) and one-sided 0.025
(rpact's), beside Schoenfeld's analytic power.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import stats

# benchmarks/_results.py, importable also when this file is loaded by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import add_output_options, publish

from explorer.analysis.design import inputs_from_evidence
from explorer.evidence import load_bundled
from explorer.stats import design
from explorer.stats.simulation import SimulationResult, simulate_survival, simulate_trial_data

HEADING = "## Trial simulation (bench_simulation.py)"
TARGET_SECONDS = 2.0

RPACT = r"""
suppressPackageStartupMessages(library(rpact))
args <- as.numeric(commandArgs(trailingOnly = TRUE))
n <- args[1]; events <- args[2]; hr <- args[3]; median2 <- args[4]; accrual <- args[5]
a1 <- args[6]; a2 <- args[7]; iterations <- args[8]; runs <- args[9]
design <- getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1)
run <- function(seed) getSimulationSurvival(
  design, lambda2 = log(2) / median2, hazardRatio = hr, directionUpper = hr > 1,
  allocation1 = a1, allocation2 = a2, accrualTime = c(0, accrual),
  maxNumberOfSubjects = n, plannedEvents = events,
  maxNumberOfIterations = iterations, seed = seed)
seconds <- c(); power <- c()
for (i in seq_len(runs)) {
  elapsed <- system.time(sim <- run(i))[["elapsed"]]
  seconds <- c(seconds, elapsed); power <- c(power, sim$overallReject[1])
}
cat(sprintf('{"seconds": [%s], "power": [%s], "rpact": "%s"}\n',
  paste(seconds, collapse = ", "), paste(power, collapse = ", "), packageVersion("rpact")))
"""


def palmira_design() -> dict:
    """simulate_survival keywords for PALMIRA as the app reads it, and the reported split."""
    evidence = load_bundled()
    inputs = inputs_from_evidence(evidence)
    randomised = evidence.population("randomised")
    by_arm = {arm: int(m.value) for arm, m in randomised.by_arm.items()}
    kw = dict(
        n_total=int(randomised.total.value),
        events=int(inputs.observed_events),
        hr=inputs.hr,
        control_median=inputs.control_median,
        ratio=inputs.ratio,
        accrual_time=inputs.accrual_time,
    )
    return {"kw": kw, "by_arm": by_arm}


def time_vectorised(
    kw: dict, n_sims: int, runs: int, entry: str = "random"
) -> tuple[list[float], SimulationResult]:
    """Seconds of each timed run (after one warm-up) and the first timed run's result."""
    simulate_survival(**kw, n_sims=1000, seed=0, entry=entry)  # warm-up: imports, caches
    seconds, results = [], []
    for run in range(runs):
        start = time.perf_counter()
        results.append(simulate_survival(**kw, n_sims=n_sims, seed=run + 1, entry=entry))
        seconds.append(time.perf_counter() - start)
    return seconds, results[0]


def time_loop(kw: dict, n_sims: int, loop_trials: int, seed: int) -> tuple[float, np.ndarray]:
    """Seconds for a Python loop of scipy.stats.logrank over ``loop_trials`` trials; its z."""
    trials = simulate_trial_data(**kw, n_sims=loop_trials, seed=seed)
    z = np.empty(loop_trials)
    start = time.perf_counter()
    for i in range(loop_trials):
        inc = trials.included[i]
        t, e, g = trials.time[i][inc], trials.event[i][inc], trials.treatment[i][inc]
        z[i] = stats.logrank(
            stats.CensoredData.right_censored(t[g], ~e[g]),
            stats.CensoredData.right_censored(t[~g], ~e[~g]),
        ).statistic
    return time.perf_counter() - start, z


def rpact_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    check = subprocess.run(
        ["Rscript", "-e", 'quit(status = !requireNamespace("rpact", quietly = TRUE))'],
        capture_output=True,
    )
    return check.returncode == 0


def time_rpact(kw: dict, iterations: int, runs: int) -> dict:
    """rpact's own timings (system.time) and the wall time of one whole Rscript process."""
    from fractions import Fraction

    blocks = Fraction(kw["ratio"]).limit_denominator(100)
    argv = [
        kw["n_total"],
        kw["events"],
        kw["hr"],
        kw["control_median"],
        kw["accrual_time"],
        blocks.numerator,
        blocks.denominator,
        iterations,
    ]

    def rscript(n_runs: int) -> tuple[float, dict]:
        start = time.perf_counter()
        out = subprocess.run(
            ["Rscript", "-e", RPACT, *map(str, [*argv, n_runs])],
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - start
        return wall, json.loads(out.stdout.strip().splitlines()[-1])

    _, inside = rscript(runs)
    wall, single = rscript(1)
    return {
        "seconds": inside["seconds"],
        "power": inside["power"],
        "wall": wall,
        "wall_inside": single["seconds"][0],
        "version": inside["rpact"],
    }


def run_all(n_sims: int, runs: int, loop_trials: int, with_rpact: bool) -> list[str]:
    """Measure everything; the Markdown lines of the section (see :func:`measure`)."""
    return measure(n_sims, runs, loop_trials, with_rpact)[0]


def measure(
    n_sims: int, runs: int, loop_trials: int, with_rpact: bool
) -> tuple[list[str], dict[str, float | int | None]]:
    """Measure everything; the Markdown lines of the section and the headline numbers."""
    palmira = palmira_design()
    kw = palmira["kw"]
    print("vectorised ...", file=sys.stderr)
    vec_seconds, res = time_vectorised(kw, n_sims, runs)
    vec = statistics.median(vec_seconds)
    even_seconds, even = time_vectorised(kw, n_sims, runs, entry="even")
    print("scipy loop ...", file=sys.stderr)
    loop_trials = min(loop_trials, n_sims)
    loop_seconds, loop_z = time_loop(kw, n_sims, loop_trials, seed=1)
    loop = loop_seconds * n_sims / loop_trials
    agreement = float(np.max(np.abs(loop_z - res.z[:loop_trials])))
    c2 = res.critical_value  # two-sided 0.05
    loop_power = float(np.mean(np.abs(loop_z) >= c2))
    one_sided = float(np.mean(res.z <= -c2))  # one-sided 0.025, the same critical value
    analytic2 = design.power(kw["events"], kw["hr"], ratio=kw["ratio"])
    analytic1 = design.power(kw["events"], kw["hr"], ratio=kw["ratio"], alpha=0.025, sides=1)
    rp = None
    if with_rpact and rpact_available():
        print("rpact ...", file=sys.stderr)
        rp = time_rpact(kw, n_sims, runs)
    elif with_rpact:
        print("Rscript or rpact not found: skipped", file=sys.stderr)

    split = " + ".join(str(v) for v in palmira["by_arm"].values())
    verdict = "within" if vec <= TARGET_SECONDS else "OVER"
    lines = [
        f"{n_sims:,} simulated trials of PALMIRA's design as the app reads it "
        f"(`inputs_from_evidence`): {kw['n_total']} randomised ({split} reported; the "
        f"simulation allocates {res.n_treatment} + {res.n_control} = "
        f"round({kw['n_total']} × {kw['ratio']:g}/{1 + kw['ratio']:g})), "
        f"{kw['ratio']:g}:1, HR {kw['hr']}, control median {kw['control_median']} "
        f"months, uniform accrual over {kw['accrual_time']:g} months, no dropout, each "
        f"analysed at {kw['events']} events.",
        "",
        "| method | seconds for "
        f"{n_sims:,} trials | time ÷ vectorised | power, two-sided 0.05 | power, one-sided 0.025 |",
        "|---|---|---|---|---|",
        f"| `simulate_survival` (vectorised, with log-rank z, Peto and Cox HRs; median of "
        f"{runs}, range "
        f"{min(vec_seconds):.3f}–{max(vec_seconds):.3f}) | {vec:.3f} | 1.0 | "
        f"{res.power:.4f} | {one_sided:.4f} |",
    ]
    lines.append(
        f'| `simulate_survival(entry="even")`, rpact\'s entry (median of {runs}) | '
        f"{statistics.median(even_seconds):.3f} | "
        f"{statistics.median(even_seconds) / vec:.1f} | {even.power:.4f} | "
        f"{np.mean(even.z <= -c2):.4f} |"
    )
    loop_label = "Python loop over `scipy.stats.logrank`, same trials"
    if loop_trials < n_sims:
        loop_label += f" ({loop_trials:,} timed, × {n_sims / loop_trials:g})"
        loop_power_cell = f"{loop_power:.4f} (first {loop_trials:,})"
    else:
        loop_power_cell = f"{loop_power:.4f}"
    lines.append(f"| {loop_label} | {loop:.2f} | {loop / vec:.0f} | {loop_power_cell} | — |")
    if rp is not None:
        inside = statistics.median(rp["seconds"])
        lines.append(
            f"| rpact {rp['version']} `getSimulationSurvival`, inside R (median of {runs}) "
            f"| {inside:.2f} | {inside / vec:.1f} | — (one-sided only) | "
            f"{statistics.median(rp['power']):.4f} |"
        )
        lines.append(
            f"| rpact, whole `Rscript` process (R start, load rpact, one simulation) "
            f"| {rp['wall']:.2f} | {rp['wall'] / vec:.1f} | — | {rp['power'][0]:.4f} |"
        )
    else:
        lines.append("| rpact `getSimulationSurvival` | not run (Rscript/rpact not found) | | | |")
    lines += [
        f"| Schoenfeld, analytic (`stats.design.power`) | — | — | {analytic2:.4f} | "
        f"{analytic1:.4f} |",
        "",
        f"**Vectorised: {vec:.3f} s for {n_sims:,} trials** ({verdict} the "
        f"{TARGET_SECONDS:g} s target). The loop's z equals the vectorised z to "
        f"{agreement:.1e} on every trial it analysed. Monte Carlo SE of each power about "
        f"{np.sqrt(res.power * (1 - res.power) / n_sims):.4f}; each rpact run uses its own "
        "seed and evenly spaced entry, ours uniform random entry (see docs/simulation.md). "
        "Median observed HR: Cox "
        f"{res.hr_cox_median:.3f}, Peto {res.hr_median:.3f}; median analysis time "
        f"{res.analysis_time_median:.1f} months.",
    ]
    numbers = {
        "n_sims": n_sims,
        "vectorised_s": vec,
        "loop_s": loop,
        "rpact_inside_s": statistics.median(rp["seconds"]) if rp else None,
        "power": res.power,
        "target_s": TARGET_SECONDS,
    }
    return lines, numbers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sims", type=int, default=10_000, help="trials (default 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument(
        "--loop-trials",
        type=int,
        default=10_000,
        help="trials the scipy loop analyses (default all; fewer: extrapolated)",
    )
    parser.add_argument("--no-rpact", action="store_true", help="skip rpact")
    add_output_options(parser)
    ns = parser.parse_args(argv)
    body, numbers = measure(ns.n_sims, ns.runs, ns.loop_trials, with_rpact=not ns.no_rpact)
    publish(ns, argv, "benchmarks/bench_simulation.py", HEADING, body, numbers)
    if not ns.no_write:
        print(f"\nwritten: {ns.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
