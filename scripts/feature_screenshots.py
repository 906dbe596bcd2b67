"""Render the screenshots of features that need a state `explorer screenshot` does not set.

    .venv/bin/python scripts/feature_screenshots.py docs/screenshots

Writes ``design-simulation.png`` (PALMIRA's Design panel after a 10,000-trial Monte Carlo
run, seed 20231) and ``endpoints-reconstructed.png`` (the Endpoints panel of the SIMULATED
demo trial in ``tests/fixtures/digitised``, whose PFS curves are reconstructed from a
digitised figure). The demo trial is simulated data, named so on screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "fixtures" / "digitised" / "simulated-trial.json"


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
    print(f"wrote {out / 'design-simulation.png'} and {out / 'endpoints-reconstructed.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
