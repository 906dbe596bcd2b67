"""Latency from a design-parameter change to the redrawn Design panel, in the real window.

    .venv/bin/python benchmarks/bench_design_latency.py              # measure, update RESULTS.md
    .venv/bin/python benchmarks/bench_design_latency.py --changes 20 --no-write

The main window is built on the bundled PALMIRA evidence as the app builds it, offscreen at
1400x900, and shows the Design panel. Then ``--changes`` times, one of its spin boxes gets
a new value as a user's edit would set it (``setValue``, which emits ``valueChanged``): the
hypothesised hazard ratio, the target power, the allocation ratio, alpha and the control
median, in turn, each time to a value different from the one before. Measured from just
before ``setValue`` to the first paint of the power plot's viewport afterwards (events are
processed until it comes), with the result labels and the plot's curve checked to have
changed. Reported: median and 90th percentile, against DESIGN.md's bar of one frame
(16 ms median). The part spent inside ``setValue`` (evaluating the design, updating
labels and plot items) is given separately from the rest (layout and paint).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import add_output_options, publish

HEADING = "## Design panel: change to redraw (bench_design_latency.py)"
BUDGET_MS = 16.0
TIMEOUT_S = 5.0

#: (spin box attribute of DesignPanel, label, values cycled through)
CONTROLS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("hr_spin", "hypothesised HR", (0.55, 0.62, 0.68, 0.75, 0.59)),
    ("power_spin", "target power", (85.0, 90.0, 75.0, 80.0)),
    ("ratio_spin", "allocation ratio", (1.0, 1.5, 3.0, 2.0)),
    ("alpha_spin", "alpha", (0.025, 0.1, 0.01, 0.05)),
    ("control_median_spin", "control median", (4.5, 6.0, 3.0, 3.6)),
)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between order statistics (numpy's default)."""
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def measure(changes: int) -> dict:
    """Build the window, make ``changes`` edits; per-edit timings and their labels."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from explorer.app import make_application
    from explorer.evidence import load_bundled
    from explorer.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow(load_bundled(), source_path=None)
    window.resize(1400, 900)
    window.show()
    panel = window.show_panel("design")
    for _ in range(20):
        app.processEvents()
    viewport = panel.plot.viewport()

    class PaintWatch(QObject):
        """Time of the first paint of the plot's viewport since the last reset."""

        def __init__(self) -> None:
            super().__init__()
            self.painted_at: float | None = None

        def eventFilter(self, watched, event) -> bool:
            if (
                self.painted_at is None
                and watched is viewport
                and event.type() == QEvent.Type.Paint
            ):
                self.painted_at = time.perf_counter()
            return False

    watch = PaintWatch()
    app.installEventFilter(watch)
    rows = [r.value for r in panel.result_rows.values()]
    samples: list[dict] = []
    for i in range(changes):
        attr, label, values = CONTROLS[i % len(CONTROLS)]
        spin = getattr(panel, attr)
        value = values[(i // len(CONTROLS)) % len(values)]
        if abs(spin.value() - value) < 1e-9:
            value = values[((i // len(CONTROLS)) + 1) % len(values)]
        before_text = [r.text() for r in rows]
        before_curve = panel.plot.curve.getData()[1].copy()
        watch.painted_at = None
        start = time.perf_counter()
        spin.setValue(value)
        returned = time.perf_counter()
        deadline = returned + TIMEOUT_S
        while watch.painted_at is None and time.perf_counter() < deadline:
            app.processEvents()
        if watch.painted_at is None:
            raise RuntimeError(f"no repaint of the power plot within {TIMEOUT_S} s ({label})")
        after_curve = panel.plot.curve.getData()[1]
        changed = [r.text() for r in rows] != before_text or not (
            len(after_curve) == len(before_curve) and (after_curve == before_curve).all()
        )
        if not changed:
            raise RuntimeError(f"setting {label} to {value} changed neither labels nor plot")
        samples.append(
            {
                "control": label,
                "total_ms": (watch.painted_at - start) * 1000,
                "slot_ms": (returned - start) * 1000,
            }
        )
    app.removeEventFilter(watch)
    window.close()
    QApplication.processEvents()
    return {
        "samples": samples,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(result: dict) -> tuple[list[str], dict]:
    """The Markdown lines of the section and the headline numbers."""
    samples = result["samples"]
    total = [s["total_ms"] for s in samples]
    slot = [s["slot_ms"] for s in samples]
    median, p90 = statistics.median(total), percentile(total, 90)
    verdict = "within" if median <= BUDGET_MS else "OVER"
    lines = [
        f"{len(samples)} edits of the Design panel's inputs in the real main window on PALMIRA",
        "(offscreen, 1400x900), cycling through five spin boxes; each timed from `setValue` to",
        "the first paint of the power plot afterwards (labels and curve checked to have changed).",
        "",
        "| edited input | edits | change → repaint, ms (median) | p90, ms "
        "| in the slot, ms (median) |",
        "|---|---|---|---|---|",
    ]
    for _, label, _ in CONTROLS:
        mine = [s for s in samples if s["control"] == label]
        if not mine:
            continue
        t = [s["total_ms"] for s in mine]
        lines.append(
            f"| {label} | {len(mine)} | {statistics.median(t):.1f} | {percentile(t, 90):.1f} | "
            f"{statistics.median(s['slot_ms'] for s in mine):.1f} |"
        )
    lines += [
        f"| **all** | {len(samples)} | **{median:.1f}** | **{p90:.1f}** | "
        f"{statistics.median(slot):.1f} |",
        "",
        f"**Median {median:.1f} ms, p90 {p90:.1f} ms** ({verdict} the {BUDGET_MS:g} ms median "
        f'budget of DESIGN.md). "In the slot" is the time `setValue` takes (evaluating the '
        "design, updating the labels and the plot's items); the rest is layout and painting. "
        f"Peak memory of the process: {result['peak_mib']:.0f} MiB.",
    ]
    numbers = {
        "edits": len(samples),
        "median_ms": median,
        "p90_ms": p90,
        "slot_median_ms": statistics.median(slot),
        "budget_ms": BUDGET_MS,
        "peak_mib": result["peak_mib"],
    }
    return lines, numbers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50, help="edits to time (default 50)")
    add_output_options(parser)
    ns = parser.parse_args(argv)
    body, numbers = report(measure(ns.changes))
    publish(ns, argv, "benchmarks/bench_design_latency.py", HEADING, body, numbers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
