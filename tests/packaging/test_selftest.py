"""``explorer --self-test``: from source in a subprocess, and on the frozen bundle.

The self-test installs the network guard (which cannot be removed), so it always runs
in a process of its own here.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy
import pandas
import pyqtgraph
import PySide6
import pytest
import scipy
import statsmodels
from PySide6.QtCore import qVersion
from PySide6.QtGui import QColor, QImage

import explorer
from explorer import selftest

ROOT = Path(__file__).resolve().parents[2]
FROZEN_APP = ROOT / "dist" / "trial-evidence-explorer" / "trial-evidence-explorer"
PANELS = ("overview", "endpoints", "adverse_events", "design", "audit", "figures")


def _expected_versions() -> dict[str, str]:
    import platform

    return {
        "Trial Evidence Explorer": explorer.__version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "pyqtgraph": pyqtgraph.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pandas.__version__,
        "statsmodels": statsmodels.__version__,
    }


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _check_report(stdout: str, *, frozen: bool) -> None:
    lines = stdout.splitlines()
    kind = "frozen" if frozen else "source"
    assert lines[0] == f"Trial Evidence Explorer {explorer.__version__} self-test ({kind})"
    assert "  network guard: on" in lines
    assert re.search(
        r"^  evidence: PALMIRA \(NCT03809988\), \d+ figures, \d+ checks$", stdout, re.M
    )
    # The frozen build reads and writes SQLite and pools as metafor does (0.787, REML).
    assert re.search(
        r"^  library: 4 bundled trials, a note kept, \d+ figures differ between PALMIRA's cuts, "
        r"pooled REML HR 0.787 of 4 trials$",
        stdout,
        re.M,
    )
    painted = re.search(
        r"^  first paint: (\d+\.\d+) s after start \(offscreen platform\)$", stdout, re.M
    )
    assert painted and 0.0 < float(painted[1]) < 60.0
    rendered = re.search(r"^  panels: (\d+) rendered and checked$", stdout, re.M)
    assert rendered and int(rendered[1]) >= len(PANELS)
    for panel in PANELS:  # every panel of the main window, at the screenshot size
        assert re.search(rf"^    {panel} +1400x900, \d+ colours, \d+ kB$", stdout, re.M), panel
    start = lines.index("versions:")
    reported = dict(line.strip().rsplit(" ", 1) for line in lines[start + 1 : -1])
    if frozen:
        # The bundle was built from this venv: same libraries; Python is the same build.
        assert reported.keys() == _expected_versions().keys()
    else:
        assert reported == _expected_versions()
    assert lines[-1] == "self-test passed"


def test_self_test_from_source_exits_0_and_reports_versions():
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "--self-test"],
        capture_output=True,
        text=True,
        timeout=180,
        env=_env(),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    _check_report(proc.stdout, frozen=False)


def test_self_test_failure_is_one_line_naming_the_step():
    script = textwrap.dedent(
        """
        import explorer.evidence, explorer.selftest
        def broken():
            raise OSError("bundled evidence unreadable")
        explorer.evidence.load_bundled = broken
        raise SystemExit(explorer.selftest.run())
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=_env()
    )
    assert proc.returncode == selftest.EXIT_FAILED == 1
    assert proc.stderr.splitlines() == [
        "self-test failed: loading the bundled evidence: OSError: bundled evidence unreadable"
    ]
    assert "self-test passed" not in proc.stdout


def test_statistics_check_recovers_the_known_answers():
    # 200 simulated trials of a design powered at 80% (MC SE about 3 points), and a curve of
    # 20 monthly events with no censoring, which the reconstruction must recover exactly.
    line = selftest._statistics_check()
    power = float(re.search(r"power (\d\.\d\d)", line).group(1))
    assert 0.68 <= power <= 0.92
    assert line.endswith("a 20-patient curve reconstructed")


def test_statistics_check_fails_on_a_wrong_reconstruction(monkeypatch):
    from explorer.stats import survival

    real = survival.reconstruct_ipd

    def one_event_short(*args, **kwargs):
        result = real(*args, **kwargs)
        return dataclasses.replace(result, n_events=result.n_events - 1)

    monkeypatch.setattr(survival, "reconstruct_ipd", one_event_short)
    with pytest.raises(selftest.SelfTestError, match="20 monthly events were not recovered"):
        selftest._statistics_check()


def test_library_check_lists_diffs_and_pools_the_bundled_trials(tmp_path):
    library = selftest._open_library(tmp_path)
    try:
        line = selftest._library_check(library)
    finally:
        library.close()
    # metafor rma(method="REML") on the four bundled PFS HRs: 0.7866 (compare_pooling.json).
    assert line.startswith("4 bundled trials, a note kept, ")
    assert line.endswith("pooled REML HR 0.787 of 4 trials")


def test_library_check_fails_when_a_bundled_trial_is_missing(tmp_path, monkeypatch):
    from explorer.evidence.library import Library
    from explorer.resources import BUNDLED_EVIDENCE

    library = Library(tmp_path / "lib.sqlite3", bundled=BUNDLED_EVIDENCE[:-1])
    try:
        with pytest.raises(selftest.SelfTestError, match="bundled trials listed are"):
            selftest._library_check(library)
    finally:
        library.close()


def test_blank_panel_fails_the_image_check(tmp_path):
    blank = QImage(200, 100, QImage.Format.Format_RGB32)
    blank.fill(QColor("white"))
    path = tmp_path / "blank.png"
    assert blank.save(str(path))
    with pytest.raises(selftest.SelfTestError, match=r"blank\.png is blank"):
        selftest.check_image(path)
    drawn = QImage(blank)
    for x in range(50, 150):
        drawn.setPixelColor(x, 50, QColor("#0072B2"))
    drawn.save(str(path))
    checked = selftest.check_image(path)
    assert (checked.width, checked.height, checked.colours) == (200, 100, 2)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(selftest.SelfTestError, match=r"empty\.png was not written"):
        selftest.check_image(tmp_path / "empty.png")
    (tmp_path / "junk.png").write_bytes(b"not a png")
    with pytest.raises(selftest.SelfTestError, match=r"junk\.png is not a readable PNG"):
        selftest.check_image(tmp_path / "junk.png")


def test_seconds_since_start_counts_from_process_start():
    # This process has run at least its imports, and (on Linux) far less than a day.
    age = selftest.seconds_since_start()
    assert 0.0 < age < 24 * 3600


@pytest.mark.frozen
@pytest.mark.skipif(not FROZEN_APP.exists(), reason="no bundle: run bash packaging/build.sh")
def test_frozen_self_test_exits_0_and_reports_versions():
    env = _env()
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [str(FROZEN_APP), "--self-test"], capture_output=True, text=True, timeout=180, env=env
    )
    assert proc.returncode == 0, proc.stderr
    _check_report(proc.stdout, frozen=True)
