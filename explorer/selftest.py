"""``explorer --self-test``: prove this installation works, offline, in a few seconds.

It does what a user's first minute does, with no display needed and no network allowed:
load the bundled PALMIRA evidence, compute its summary, build the main window, wait for
its first paint, render every panel offscreen and check each picture, then print the
versions of everything that computed or drew it. It exits 0 when all of that worked
and 1 with one line on stderr naming the step that failed otherwise.

Built for the frozen app (CI runs it on the PyInstaller bundle; a clinic can run it after
installing the package), it works the same from a checkout. The network guard
(:mod:`explorer.netguard`) is installed first, so a library that reaches for the network
fails the self-test instead of passing quietly on a connected build machine. Nothing the
user owns is touched: settings and scratch files live in a temporary folder.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from explorer import __version__, netguard

EXIT_OK = 0
EXIT_FAILED = 1
#: The Qt warning the offscreen platform prints for every top-level window; harmless.
_OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"
#: Longest wait for the main window's first paint.
PAINT_TIMEOUT_S = 30.0

_imported_at = time.monotonic()


class SelfTestError(RuntimeError):
    """One step of the self-test failed; the message says which and why."""


@dataclass(frozen=True)
class PanelImage:
    """One rendered panel: where it was written and what it holds."""

    name: str
    path: Path
    bytes: int
    width: int
    height: int
    colours: int


def seconds_since_start() -> float:
    """Seconds since this process started (Linux: from ``/proc``; else since import).

    On Linux the kernel's record of the process start is used, so the figure includes
    the interpreter's (or the frozen bootloader's) own start-up, to 10 ms. Elsewhere it
    counts from the import of this module.
    """
    try:
        stat = Path("/proc/self/stat").read_text()
        # Field 22 (starttime, clock ticks after boot); fields are counted after the
        # command name, which may contain spaces but ends at the last ')'.
        start_ticks = int(stat[stat.rindex(")") + 2 :].split()[19])
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _imported_at


def versions() -> dict[str, str]:
    """Versions of the app and of everything that computes or draws its figures."""
    import numpy
    import pandas
    import pyqtgraph
    import PySide6
    import scipy
    import statsmodels
    from PySide6.QtCore import qVersion

    return {
        "Trial Evidence Explorer": __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "pyqtgraph": pyqtgraph.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pandas.__version__,
        "statsmodels": statsmodels.__version__,
    }


def wait_for_first_paint(window, timeout_s: float = PAINT_TIMEOUT_S) -> float:
    """Show ``window`` and return :func:`seconds_since_start` at its first paint event.

    Raises
    ------
    SelfTestError
        If no paint event reaches the window within ``timeout_s``.
    """
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    painted: list[float] = []

    class _PaintWatch(QObject):
        def eventFilter(self, watched, event) -> bool:  # Qt override
            if watched is window and event.type() == QEvent.Type.Paint and not painted:
                painted.append(seconds_since_start())
            return False

    watch = _PaintWatch()
    window.installEventFilter(watch)
    window.show()
    deadline = time.monotonic() + timeout_s
    while not painted and time.monotonic() < deadline:
        QApplication.processEvents()
    window.removeEventFilter(watch)
    if not painted:
        raise SelfTestError(f"the main window was not painted within {timeout_s:.0f} s")
    return painted[0]


def check_image(path: Path) -> PanelImage:
    """Read back one rendered panel and check it holds a picture, not a blank.

    Raises
    ------
    SelfTestError
        If the file is missing or empty, does not load as an image, or is one colour.
    """
    from PySide6.QtGui import QImage

    if not path.is_file() or path.stat().st_size == 0:
        raise SelfTestError(f"{path.name} was not written")
    image = QImage(str(path))
    if image.isNull():
        raise SelfTestError(f"{path.name} is not a readable PNG")
    # A coarse grid of pixels is enough to tell a drawn panel from an empty one.
    step_x, step_y = max(1, image.width() // 64), max(1, image.height() // 64)
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step_x)
        for y in range(0, image.height(), step_y)
    }
    if len(colours) < 2:
        raise SelfTestError(f"{path.name} is blank (one colour)")
    return PanelImage(
        name=path.stem,
        path=path,
        bytes=path.stat().st_size,
        width=image.width(),
        height=image.height(),
        colours=len(colours),
    )


def _quiet_offscreen_warning() -> None:
    """Drop the offscreen platform's size-hint warning; pass every other Qt message on."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode, context, message: str) -> None:
        if _OFFSCREEN_NOISE not in message:
            sys.stderr.write(f"qt: {message}\n")

    qInstallMessageHandler(handler)


def _statistics_check() -> str:
    """Run the two heaviest computations once on inputs whose answer is known.

    A Monte Carlo design simulation (200 trials of PALMIRA's design) must give a power
    between 0.6 and 1, and a Kaplan–Meier curve of 20 patients with one event a month and
    no censoring must be reconstructed into exactly those 20 events.
    """
    import numpy as np

    from explorer.stats import simulation, survival

    sim = simulation.simulate_survival(
        n_total=198, events=127, hr=0.59, control_median=3.6, ratio=2.0, accrual_time=42.0,
        n_sims=200, seed=1,
    )  # fmt: skip
    if not 0.6 <= sim.power <= 1.0:
        raise SelfTestError(f"simulation: power {sim.power:.3f} for a design powered at 0.8")
    months = np.arange(1.0, 21.0)
    after = 1.0 - months / 20.0
    before = np.r_[1.0, after[:-1]]
    ipd = survival.reconstruct_ipd(
        np.repeat(months, 2),
        np.column_stack([before, after]).ravel(),
        risk_time=[0.0, 10.0],
        at_risk=[20, 11],
    )
    if ipd.n_events != 20 or not np.array_equal(ipd.time, months):
        raise SelfTestError("reconstruction: 20 monthly events were not recovered")
    return f"200 trials simulated (power {sim.power:.2f}), a 20-patient curve reconstructed"


def _open_library(scratch: Path):
    from explorer.evidence.library import Library

    return Library(scratch / "library.sqlite3")


def _library_check(library) -> str:
    """The bundled trials are listed, a note round-trips, PALMIRA's two cuts diff and the
    four bundled trials pool (SQLite, the registry of cuts and the comparison, frozen)."""
    from explorer.analysis.compare import compare, default_choice
    from explorer.analysis.diff import diff_cuts

    trials = {t.acronym: t for t in library.trials()}
    if set(trials) != {"PALMIRA", "MAINTAIN", "PACE", "postMONARCH"}:
        raise SelfTestError(f"library: bundled trials listed are {sorted(trials)}")
    palmira = trials["PALMIRA"].id
    library.set_note(palmira, "self-test note", figure_id="pfs.hr")
    if library.note(palmira, "pfs.hr") != "self-test note":
        raise SelfTestError("library: a note did not read back")
    cuts = library.cuts(palmira)
    changed = diff_cuts(library.evidence(cuts[0].id), library.evidence(cuts[-1].id)).changed()
    if not any(row.figure_id == "pfs.hr" for row in changed):
        raise SelfTestError("library: PALMIRA's hazard ratio is not among the changed figures")
    newest = [library.evidence(library.cuts(t.id)[-1].id) for t in trials.values()]
    result = compare([(ev, default_choice(ev)) for ev in newest])
    reml = result.pooled_by("REML")
    # metafor rma(method="REML") on the four bundled PFS hazard ratios: 0.787 (0.633-0.977).
    if result.k != 4 or abs(reml.estimate - 0.7866) > 0.001:
        raise SelfTestError(f"library: pooled REML HR {reml.estimate:.4f} of {result.k} trials")
    return (
        f"{len(trials)} bundled trials, a note kept, {len(changed)} figures differ between "
        f"PALMIRA's cuts, pooled REML HR {reml.estimate:.3f} of {result.k} trials"
    )


def _step(name: str, action: Callable[[], object]) -> object:
    try:
        return action()
    except SelfTestError:
        raise
    except Exception as exc:  # any failure becomes the one-line reason
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        reason = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        raise SelfTestError(f"{name}: {reason}") from exc


def run(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the self-test; return the exit status (0 passed, 1 failed).

    Parameters
    ----------
    out, err : text streams, optional
        Where the report and the one-line failure go (default: stdout and stderr).
    """
    # A windowed build (Windows, macOS) may have no standard streams: the exit status
    # still tells the result.
    out = out or sys.stdout or io.StringIO()
    err = err or sys.stderr or io.StringIO()
    netguard.install()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="explorer-self-test-") as scratch:
        # The user's settings and library are never read or written by the self-test.
        os.environ["EXPLORER_CONFIG_DIR"] = str(Path(scratch) / "config")
        try:
            _run(Path(scratch), out)
        except SelfTestError as exc:
            out.flush()
            err.write(f"self-test failed: {exc}\n")
            return EXIT_FAILED
    return EXIT_OK


def _run(scratch: Path, out: TextIO) -> None:
    def say(line: str = "") -> None:
        out.write(line + "\n")
        out.flush()  # the benchmark reads the first-paint line as it comes

    frozen = getattr(sys, "frozen", False)
    say(f"Trial Evidence Explorer {__version__} self-test ({'frozen' if frozen else 'source'})")
    say(f"  network guard: {'on' if netguard.installed() else 'OFF'}")

    from explorer import evidence
    from explorer.analysis import summarize

    ev = _step("loading the bundled evidence", evidence.load_bundled)
    summary = _step("computing the summary", lambda: summarize(ev))
    if not summary.figures:
        raise SelfTestError("computing the summary: no figures")
    trial = ev.trial
    say(
        f"  evidence: {trial.acronym} ({trial.registry_id}), {len(summary.figures)} figures, "
        f"{len(summary.checks)} checks"
    )

    say(f"  statistics: {_step('simulating and reconstructing', _statistics_check)}")

    library = _step("opening a scratch library", lambda: _open_library(scratch))
    say(f"  library: {_step('reading the library', lambda: _library_check(library))}")

    def build_window():
        from explorer.app import make_application
        from explorer.ui.main_window import MainWindow
        from explorer.ui.settings import Settings

        _quiet_offscreen_warning()
        app = make_application()
        window = MainWindow(ev, settings=Settings(scratch / "settings.ini"), library=library)
        return app, window

    app, window = _step("building the main window", build_window)
    painted_at = _step("showing the main window", lambda: wait_for_first_paint(window))
    say(f"  first paint: {painted_at:.2f} s after start ({app.platformName()} platform)")

    shots = scratch / "panels"
    paths = _step("rendering the panels", lambda: window.render_panels(shots))
    if len(paths) != len(window.panels):
        raise SelfTestError(f"rendering the panels: {len(paths)} of {len(window.panels)} written")
    images = [check_image(Path(p)) for p in paths]
    say(f"  panels: {len(images)} rendered and checked")
    for image in images:
        say(
            f"    {image.name:<16} {image.width}x{image.height}, {image.colours} colours, "
            f"{image.bytes / 1024:.0f} kB"
        )
    window.close()
    library.close()

    say("versions:")
    for name, version in _step("reading versions", versions).items():
        say(f"  {name} {version}")
    say("self-test passed")
