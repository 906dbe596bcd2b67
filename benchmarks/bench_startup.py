"""Start-up, size and memory of the app, from source and frozen, in one run.

    .venv/bin/python benchmarks/bench_startup.py              # measure, update RESULTS.md
    .venv/bin/python benchmarks/bench_startup.py --runs 11 --no-write

Measured (each run a fresh process, file cache warm, offscreen platform; median of
``--runs``, after one discarded warm-up):

* **bare**: a bare PySide6 + pyqtgraph window (QMainWindow holding one PlotWidget with a
  curve, the app's plot options, 1400x900), the floor any Qt + pyqtgraph app pays;
* **app**: ``explorer`` on the bundled PALMIRA evidence exactly as ``explorer.app.main``
  starts it (load, validate, summarise, build every panel, show);
* **app, --self-test**: the same start inside ``explorer --self-test`` from source, which
  reports its own first paint, to compare like with like against the frozen build;
* **frozen, --self-test**: the PyInstaller bundle (``dist/trial-evidence-explorer``).

"Painted" is the first paint event the main window receives after ``show()``; the time
is from just before the parent starts the process to the moment the child reports that
paint (so it includes the interpreter's or bootloader's own start). Peak memory is the
child's maximum resident set (``wait4``). Bundle size is ``du`` of the one-folder
bundle; package size is the ``.deb`` file. The ratio app / bare is the budget of
DESIGN.md (at most 1.5).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# benchmarks/_results.py, importable also when this file is loaded by path (its test does).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, command_line, update_section, write_numbers

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "trial-evidence-explorer"
FROZEN_APP = BUNDLE / "trial-evidence-explorer"
HEADING = "## Start-up, size and memory (bench_startup.py)"
BUDGET_RATIO = 1.5

# Both children report time.monotonic() (CLOCK_MONOTONIC, shared by all processes on
# Linux) at the first paint, then leave at once: what happens after is not start-up.
_PAINT_PROBE = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

def report_first_paint(window):
    # The first paint of any widget of the window (a central widget that covers the
    # window is painted without the window itself receiving a paint event).
    class Watch(QObject):
        def eventFilter(self, watched, event):
            if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and watched.window() is window):
                print("painted", repr(time.monotonic()), flush=True)
                os._exit(0)
            return False
    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    window.show()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        QApplication.processEvents()
    sys.exit("no paint within 60 s")
"""

BARE = (
    _PAINT_PROBE
    + """
import pyqtgraph as pg
from PySide6.QtWidgets import QMainWindow
app = QApplication(sys.argv[:1])
pg.setConfigOptions(antialias=True, background="w", foreground="k")
window = QMainWindow()
plot = pg.PlotWidget()
plot.plot([0, 1, 2, 3], [1.0, 0.8, 0.6, 0.5])
window.setCentralWidget(plot)
window.resize(1400, 900)
report_first_paint(window)
"""
)

# explorer.app.main, step by step, with the paint probe instead of app.exec().
APP = (
    _PAINT_PROBE
    + """
from explorer import evidence
ev = evidence.load_bundled()
from explorer.ui.main_window import MainWindow
from explorer.app import make_application
app = make_application()
window = MainWindow(ev, source_path=None, deferred=True)
window.finish_loading_later()
report_first_paint(window)
"""
)


# Where the app's start-up goes, stage by stage, in one process (same order as APP).
STAGES = """
import json, os, sys, time
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
from PySide6.QtWidgets import QApplication
import pyqtgraph
mark("import PySide6 + pyqtgraph")
from explorer import evidence
mark("import explorer.evidence (jsonschema)")
ev = evidence.load_bundled()
mark("load + validate PALMIRA")
from explorer.ui.main_window import MainWindow
from explorer.app import make_application
app = make_application()
mark("import the UI, create the QApplication")
window = MainWindow(ev, source_path=None, deferred=True)
mark("MainWindow shell (header from reported figures)")
window.show()
app.processEvents()
mark("show + first paint")
window.finish_loading()
mark("after the paint: summarise, build every panel")
print(json.dumps([[b, t1 - t0] for (a, t0), (b, t1) in zip(marks, marks[1:])]))
os._exit(0)
"""


@dataclass(frozen=True)
class Run:
    """One child process: seconds to the first paint, and its peak resident memory."""

    seconds: float
    peak_mib: float
    reported: float | None = None  # the self-test's own first-paint figure, if any


def _child_env(config_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["EXPLORER_CONFIG_DIR"] = config_dir  # fresh settings, never the user's
    env.pop("PYTHONPATH", None)
    return env


def _run_child(argv: list[str], marker: str, env: dict[str, str], label: str) -> Run:
    """Start ``argv``; time until a stdout line starting with ``marker``; reap it."""
    start = time.monotonic()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    seen_at = None
    reported = None
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if seen_at is None and line.strip().startswith(marker):
            seen_at = time.monotonic()
            if marker == "painted":  # the child's own clock, more exact than the pipe
                seen_at = float(line.split()[1])
            else:
                found = re.search(r"(\d+\.\d+) s after start", line)
                reported = float(found[1]) if found else None
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0 or seen_at is None:
        raise RuntimeError(
            f"{label} failed (exit {proc.returncode}): {''.join(lines)[-400:]}{errors[-800:]}"
        )
    return Run(seconds=seen_at - start, peak_mib=usage.ru_maxrss / 1024, reported=reported)


def measure(argv: list[str], marker: str, runs: int, label: str) -> list[Run]:
    """``runs`` timed runs of ``argv`` after one discarded warm-up, each in a fresh process."""
    print(f"{label} ...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as config:
        env = _child_env(config)
        _run_child(argv, marker, env, label)
        return [_run_child(argv, marker, env, label) for _ in range(runs)]


MIB = 1024 * 1024


def du_mib(path: Path) -> float:
    """Disk usage of ``path`` in MiB, as ``du -m`` counts it (allocated blocks)."""
    if path.is_file():
        return path.stat().st_blocks * 512 / MIB
    return sum(p.lstat().st_blocks * 512 for p in path.rglob("*")) / MIB


def apparent_mib(path: Path) -> float:
    """Sum of file sizes under ``path`` in MiB (what the .deb holds before compression)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir()) / MIB


def stages(runs: int) -> list[tuple[str, float]]:
    """Median seconds of each start-up stage over ``runs`` fresh processes."""
    import json

    print("start-up stages ...", file=sys.stderr)
    samples: list[list[tuple[str, float]]] = []
    with tempfile.TemporaryDirectory() as config:
        for _ in range(runs + 1):
            out = subprocess.run(
                [sys.executable, "-c", STAGES],
                capture_output=True,
                text=True,
                check=True,
                env=_child_env(config),
                cwd=ROOT,
            )
            samples.append([tuple(x) for x in json.loads(out.stdout.strip().splitlines()[-1])])
    samples = samples[1:]  # the first one warms the file cache
    names = [name for name, _ in samples[0]]
    return [(name, _median([s[i][1] for s in samples])) for i, name in enumerate(names)]


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _row(label: str, runs: list[Run], bare: float | None) -> str:
    times = [r.seconds for r in runs]
    ratio = f"{_median(times) / bare:.2f}" if bare else "1.00"
    return (
        f"| {label} | {_median(times):.3f} | {min(times):.3f}–{max(times):.3f} | {ratio} | "
        f"{_median([r.peak_mib for r in runs]):.0f} |"
    )


def run_all(runs: int, *, frozen: bool) -> tuple[list[str], dict[str, float]]:
    """Measure everything; return the Markdown lines of the section and key numbers."""
    py = sys.executable
    results: dict[str, list[Run]] = {}
    results["bare"] = measure([py, "-c", BARE], "painted", runs, "bare window")
    results["app"] = measure([py, "-c", APP], "painted", runs, "app")
    results["source self-test"] = measure(
        [py, "-m", "explorer", "--self-test"], "first paint", runs, "self-test from source"
    )
    have_bundle = frozen and FROZEN_APP.exists()
    if have_bundle:
        results["frozen self-test"] = measure(
            [str(FROZEN_APP), "--self-test"], "first paint", runs, "frozen self-test"
        )

    bare = _median([r.seconds for r in results["bare"]])
    app = _median([r.seconds for r in results["app"]])
    numbers = {
        "bare_s": bare,
        "app_s": app,
        "ratio": app / bare,
        "app_peak_mib": _median([r.peak_mib for r in results["app"]]),
        "bare_peak_mib": _median([r.peak_mib for r in results["bare"]]),
    }
    lines = [
        "Start-up to the first paint of the main window; each run a fresh process, file",
        f"cache warm, offscreen; median of {runs} runs after one warm-up; peak memory is the",
        "process's maximum resident set.",
        "",
        "| what | first paint, s (median) | range, s | × bare | peak memory, MiB |",
        "|---|---|---|---|---|",
        _row("bare PySide6 + pyqtgraph window", results["bare"], None),
        _row("app on PALMIRA (`explorer.app.main` path)", results["app"], bare),
        _row("app `--self-test`, from source", results["source self-test"], bare),
    ]
    if have_bundle:
        frozen_runs = results["frozen self-test"]
        lines.append(_row("app `--self-test`, frozen bundle", frozen_runs, bare))
        numbers["frozen_s"] = _median([r.seconds for r in frozen_runs])
    verdict = "within" if app / bare <= BUDGET_RATIO else "OVER"
    lines += [
        "",
        f"**Start-up ratio app / bare: {app / bare:.2f}** ({verdict} the {BUDGET_RATIO}x budget).",
        "The self-test rows time the same start inside `--self-test` (plus its own small",
        "imports); their peak memory includes rendering every panel afterwards.",
        "",
        "Where the app's start-up goes (median of the same number of fresh processes):",
        "",
        "| stage | s |",
        "|---|---|",
    ]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in stages(runs)]
    lines += ["", "| size | MiB |", "|---|---|"]
    if BUNDLE.exists():
        numbers["bundle_mib"] = du_mib(BUNDLE)
        lines.append(f"| one-folder bundle, installed (`du -m`) | {numbers['bundle_mib']:.0f} |")
        lines.append(f"| one-folder bundle, sum of file sizes | {apparent_mib(BUNDLE):.0f} |")
    debs = sorted((ROOT / "dist").glob("trial-evidence-explorer_*.deb"))
    if debs:
        numbers["deb_mib"] = debs[-1].stat().st_size / MIB
        lines.append(f"| Debian package (`{debs[-1].name}`, xz) | {numbers['deb_mib']:.0f} |")
    if not BUNDLE.exists() and not debs:
        lines.append("| (no build: run `bash packaging/build.sh` first) | — |")
    lines += ["", "Budget (issue 4): bundle toward 250 MB installed, package toward 100 MB."]
    return lines, numbers


def update_results(path: Path, body: list[str], command: str) -> None:
    """Replace this benchmark's section of ``path`` (keeping every other section)."""
    update_section(path, HEADING, body, command)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--no-frozen", action="store_true", help="skip the frozen bundle")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also write the headline numbers here")
    ns = parser.parse_args(argv)
    body, numbers = run_all(ns.runs, frozen=not ns.no_frozen)
    print("\n".join(body))
    write_numbers(ns.json, numbers)
    if not ns.no_write:
        args = argv if argv is not None else sys.argv[1:]
        update_results(ns.results, body, command_line("benchmarks/bench_startup.py", args))
        print(f"\nwritten: {ns.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
