"""Render the screenshots of features that need a state `explorer screenshot` does not set.

    .venv/bin/python scripts/feature_screenshots.py docs/screenshots

Writes ``design-simulation.png`` (PALMIRA's Design panel after a 10,000-trial Monte Carlo
run, seed 20231), ``endpoints-reconstructed.png`` (the Endpoints panel of the SIMULATED
demo trial in ``tests/fixtures/digitised``, whose PFS curves are reconstructed from a
digitised figure; simulated data, named so on screen), ``cut-diff.png`` (what changed in
PALMIRA between the ASCO 2023 abstract and the 2025 publication) and the DAPA-CKD
ClinicalTrials.gov record imported into a scratch library (``registry-endpoints.png``,
``registry-adverse-events.png``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "fixtures" / "digitised" / "simulated-trial.json"
REGISTRY = ROOT / "tests" / "fixtures" / "ctgov" / "real" / "v2" / "NCT03036150.json"


def main(outdir: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["EXPLORER_CONFIG_DIR"] = tempfile.mkdtemp(prefix="explorer-shots-")
    from PySide6.QtWidgets import QApplication

    from explorer import evidence
    from explorer.app import make_application
    from explorer.ui.main_window import SCREENSHOT_SIZE, MainWindow

    app = make_application()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)

    window = MainWindow(evidence.load_bundled())
    window.resize(SCREENSHOT_SIZE)
    window.show()
    panel = window.show_panel("design")
    panel.tabs.setCurrentIndex(1)
    panel.start_simulation()
    deadline = time.monotonic() + 120
    while panel.worker.is_running() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QApplication.processEvents()
    window.grab().save(str(out / "design-simulation.png"))
    window.close()

    demo = MainWindow(evidence.load(DEMO), source_path=str(DEMO))
    demo.resize(SCREENSHOT_SIZE)
    demo.show()
    demo.show_panel("endpoints")
    for _ in range(5):
        QApplication.processEvents()
    demo.grab().save(str(out / "endpoints-reconstructed.png"))
    demo.close()

    written = _library_shots(app, out)
    print(f"wrote {out / 'design-simulation.png'}, {out / 'endpoints-reconstructed.png'}")
    for path in written:
        print(f"wrote {path}")
    return 0


def _library_shots(app, out: Path) -> list[Path]:
    """The PALMIRA cut diff and an imported registry record, in a scratch library."""
    from PySide6.QtWidgets import QApplication

    from explorer import evidence
    from explorer.evidence.library import Library
    from explorer.ui.main_window import SCREENSHOT_SIZE, MainWindow

    scratch = Path(tempfile.mkdtemp(prefix="explorer-shots-lib-"))
    library = Library(scratch / "library.sqlite3")
    window = MainWindow(evidence.load_bundled(), library=library)
    window.resize(SCREENSHOT_SIZE)
    window.show()
    palmira = library.trial_id_for(window.evidence)
    cuts = library.cuts(palmira)
    dialog = window.show_cut_diff(cuts[0].id, cuts[-1].id)
    dialog.resize(1300, 760)
    for _ in range(5):
        QApplication.processEvents()
    written = [out / "cut-diff.png"]
    dialog.grab().save(str(written[0]))
    dialog.close()

    window.import_into_library([str(REGISTRY)])
    deadline = time.monotonic() + 60
    while window.library_import_progress is not None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for name, panel in (
        ("registry-endpoints.png", "endpoints"),
        ("registry-adverse-events.png", "adverse_events"),
    ):
        window.show_panel(panel)
        for _ in range(5):
            QApplication.processEvents()
        window.grab().save(str(out / name))
        written.append(out / name)
    window.close()
    library.close()
    return written


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
