"""Reconstruction of patients from a digitised 500-patient Kaplan–Meier curve (Guyot 2012).

    .venv/bin/python benchmarks/bench_reconstruction.py              # measure, update RESULTS.md
    .venv/bin/python benchmarks/bench_reconstruction.py --repeat 3 --no-write

The input is SIMULATED, as in ``tests/fixtures/digitised/make_simulated.py`` but for one
arm of 500 patients: exponential event times (median 9 months), uniform accrual over 24
months, a data cut at 36 months, loss to follow-up (median 60 months). Its Kaplan–Meier
curve is "digitised" as an analyst would click it (most step corners, small noise in both
directions) and the numbers at risk are taken every 3 months, as printed under a journal
figure. Timed: :func:`explorer.stats.survival.reconstruct_ipd` on that curve and table
(median of ``--repeat`` runs after one warm-up), then each analysis the app runs on the
reconstructed patients on its own (Kaplan–Meier with its median; log-rank and Cox against
a second reconstructed 500-patient arm). The fit is reported beside the time: events,
median, hazard ratio and the largest distance to the digitised curve, reconstructed vs true.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import add_output_options, publish

from explorer.stats import survival

HEADING = "## Reconstruction of a 500-patient curve (bench_reconstruction.py)"
SEED = 20250611
N = 500
ACCRUAL, DATA_CUT, DROPOUT_MEDIAN, STEP = 24.0, 36.0, 60.0, 3.0
MEDIANS = {"treatment": 9.0, "control": 6.0}  # months, exponential


def simulate(rng: np.random.Generator, median: float) -> tuple[np.ndarray, np.ndarray]:
    """Observed (time, event) of ``N`` simulated patients."""
    event_time = rng.exponential(median / np.log(2), N)
    entry = rng.uniform(0.0, ACCRUAL, N)
    dropout = rng.exponential(DROPOUT_MEDIAN / np.log(2), N)
    follow_up = np.minimum(DATA_CUT - entry, dropout)
    time_ = np.maximum(np.round(np.minimum(event_time, follow_up), 2), 0.01)
    return time_, (event_time <= follow_up).astype(int)


def digitise(rng: np.random.Generator, time_: np.ndarray, event: np.ndarray) -> tuple:
    """Step corners of the KM curve with a digitiser's misses and noise; the risk table."""
    km = survival.kaplan_meier(time_, event)
    drops = km.events > 0
    step_times, step_surv = km.time[drops], km.survival[drops]
    before = np.concatenate(([1.0], step_surv[:-1]))
    points = [(0.0, 1.0)]
    for t, upper, lower in zip(step_times, before, step_surv, strict=True):
        for s in (upper, lower):
            if rng.uniform() < 0.85:
                points.append((t + rng.normal(0, 0.02), s + rng.normal(0, 0.0015)))
    points.append((float(time_.max()), float(step_surv[-1])))
    curve_t, curve_s = (np.array(v) for v in zip(*points, strict=True))
    risk_time = np.arange(0.0, float(time_.max()) + 1e-9, STEP)
    at_risk = np.array([int(np.sum(time_ >= t)) for t in risk_time])
    return np.clip(curve_t, 0.0, None), curve_s, risk_time, at_risk, km


def median_seconds(call, repeat: int) -> tuple[float, float, float, object]:
    """Median, min and max seconds of ``call()`` over ``repeat`` runs after a warm-up."""
    result = call()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds), max(seconds), result


def measure(repeat: int) -> tuple[list[str], dict]:
    rng = np.random.default_rng(SEED)
    arms = {}
    for arm, median in MEDIANS.items():
        time_, event = simulate(rng, median)
        arms[arm] = (time_, event, *digitise(rng, time_, event))
    _, e, curve_t, curve_s, risk_time, at_risk, true_km = arms["treatment"]

    def one_curve():
        return survival.reconstruct_ipd(curve_t, curve_s, risk_time=risk_time, at_risk=at_risk)

    fits = {
        arm: survival.reconstruct_ipd(a[2], a[3], risk_time=a[4], at_risk=a[5])
        for arm, a in arms.items()
    }
    both_t = np.concatenate([f.time for f in fits.values()])
    both_e = np.concatenate([f.event for f in fits.values()])
    group = np.repeat([1, 0], [fits["treatment"].n, fits["control"].n])
    one_s, one_min, one_max, ipd = median_seconds(one_curve, repeat)
    km_s, _, _, km = median_seconds(lambda: survival.kaplan_meier(ipd.time, ipd.event), repeat)
    lr_s, _, _, _ = median_seconds(lambda: survival.logrank(both_t, both_e, group), repeat)
    cox_s, _, _, cox = median_seconds(lambda: survival.cox(both_t, both_e, group), repeat)
    true_cox = survival.cox(
        np.concatenate([arms["treatment"][0], arms["control"][0]]),
        np.concatenate([arms["treatment"][1], arms["control"][1]]),
        np.repeat([1, 0], N),
    )
    at_risk_ok = bool(np.array_equal(ipd.interval_at_risk, at_risk))
    lines = [
        f"One arm of {N} SIMULATED patients (seed {SEED}; exponential, median "
        f"{MEDIANS['treatment']:g} months; accrual {ACCRUAL:g}, data cut {DATA_CUT:g} months), "
        f"its KM curve digitised as {len(curve_t)} points and {len(risk_time)} numbers at risk "
        f"(every {STEP:g} months). Median of {repeat} runs after a warm-up.",
        "",
        "| step | ms (median) |",
        "|---|---|",
        f"| **`reconstruct_ipd`, one {N}-patient curve** (range {1000 * one_min:.1f}–"
        f"{1000 * one_max:.1f}) | **{1000 * one_s:.1f}** |",
        f"| then: Kaplan–Meier and median of the reconstructed arm | {1000 * km_s:.2f} |",
        f"| then: log-rank, two reconstructed {N}-patient arms | {1000 * lr_s:.2f} |",
        f"| then: Cox (Efron ties), the same two arms | {1000 * cox_s:.1f} |",
        "",
        "| fit | true | reconstructed |",
        "|---|---|---|",
        f"| events | {int(e.sum())} | {ipd.n_events} |",
        f"| median, months | {true_km.median:.2f} | {km.median:.2f} |",
        f"| HR (Cox), treatment : control | {true_cox.hr:.3f} | {cox.hr:.3f} |",
        f"| numbers at risk equal to the table's | — | {'all' if at_risk_ok else 'NO'} |",
        f"| largest / mean distance to the digitised curve | — | "
        f"{ipd.max_abs_diff:.4f} / {ipd.mean_abs_diff:.4f} |",
    ]
    numbers = {
        "patients": N,
        "points": len(curve_t),
        "reconstruct_s": one_s,
        "km_s": km_s,
        "logrank_s": lr_s,
        "cox_s": cox_s,
        "events_true": int(e.sum()),
        "events_reconstructed": int(ipd.n_events),
        "max_abs_diff": float(ipd.max_abs_diff),
    }
    return lines, numbers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (default 7)")
    add_output_options(parser)
    ns = parser.parse_args(argv)
    body, numbers = measure(ns.repeat)
    publish(ns, argv, "benchmarks/bench_reconstruction.py", HEADING, body, numbers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
