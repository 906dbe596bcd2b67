"""Time the Adverse events panel with 100, 500 and 1000 terms.

Run on demand, not in CI: ``.venv/bin/python benchmarks/bench_safety_panel.py``.
The input is PALMIRA plus N synthetic adverse events
(:func:`explorer.analysis.safety.synthetic_safety_evidence`), summarised once per N
(that time is shown for context, it is not the panel's). Then, offscreen, the
median of ``--repeat`` runs of:

* frame: :func:`adverse_event_frame` alone;
* build: ``SafetyPanel(summary)`` (frame, table model, column sizing, plots);
* filter: typing a term filter, and clearing it (each re-filters the table and
  redraws the plots);
* grade: choosing a grade band;
* sort: sorting by risk difference (descending), then by term;
* select: selecting a row (figure_selected and the plot highlight).

The quality bar to compare with is one frame (16 ms) for a redraw after a change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from explorer.analysis import summarize
from explorer.analysis.safety import (
    adverse_event_frame,
    synthetic_safety_evidence,
)
from explorer.ui.panels.safety_panel import SafetyPanel

RD_COLUMN, TERM_COLUMN = 8, 0


def timed(fn: Callable[[], object], app: QApplication) -> float:
    """Seconds for ``fn`` plus the events it posts."""
    start = time.perf_counter()
    fn()
    app.processEvents()
    return time.perf_counter() - start


def bench(n_terms: int, repeat: int, app: QApplication) -> dict[str, float]:
    start = time.perf_counter()
    summary = summarize(synthetic_safety_evidence(n_terms))
    results = {"summarize": time.perf_counter() - start}
    runs: dict[str, list[float]] = {k: [] for k in ("frame", "build", "filter", "grade", "sort")}
    runs["select"] = []
    for _ in range(repeat):
        runs["frame"].append(timed(lambda: adverse_event_frame(summary), app))
        holder: list[SafetyPanel] = []
        runs["build"].append(timed(lambda h=holder: h.append(SafetyPanel(summary)), app))
        panel = holder[0]
        panel.resize(1400, 900)
        panel.show()
        app.processEvents()

        def filter_and_clear(p: SafetyPanel = panel) -> None:
            p.filter_edit.setText("neutro")
            p.filter_edit.clear()

        runs["filter"].append(timed(filter_and_clear, app) / 2)
        combo = panel.grade_combo
        runs["grade"].append(timed(lambda c=combo: c.setCurrentIndex(c.findData("3-4")), app))
        combo.setCurrentIndex(0)
        app.processEvents()

        def sort_twice(p: SafetyPanel = panel) -> None:
            p.table.sortByColumn(RD_COLUMN, Qt.SortOrder.DescendingOrder)
            p.table.sortByColumn(TERM_COLUMN, Qt.SortOrder.AscendingOrder)

        runs["sort"].append(timed(sort_twice, app) / 2)
        runs["select"].append(timed(lambda p=panel: p.table.selectRow(5), app))
        panel.close()
        panel.deleteLater()
        app.processEvents()
    results.update({k: statistics.median(v) for k, v in runs.items()})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--terms", type=int, nargs="*", default=[100, 500, 1000])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    columns = ("summarize", "frame", "build", "filter", "grade", "sort", "select")
    print(f"{'terms':>6} " + " ".join(f"{c + ' ms':>13}" for c in columns))
    for n in args.terms:
        result = bench(n, args.repeat, app)
        print(f"{n:>6} " + " ".join(f"{1000 * result[c]:>13.1f}" for c in columns))
    print("summarize: once per N, for context; the rest: median of", args.repeat, "runs")


if __name__ == "__main__":
    main()
