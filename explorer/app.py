"""The GUI's one wiring point: QApplication, global plot options, the main window."""

from __future__ import annotations

import sys


def make_application():
    """The QApplication (created once), named, with pyqtgraph's global options set."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Trial Evidence Explorer")
    app.setOrganizationName("TrialEvidenceExplorer")
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return app


def main(file: str | None = None) -> int:
    """Open the main window on ``file`` (default: bundled PALMIRA); return the exit status.

    A file that cannot be read exits with status 2 and one line on stderr, as the
    headless commands do, before any window appears.
    """
    from explorer import evidence
    from explorer.evidence import EvidenceError
    from explorer.evidence.sources import read_any

    try:
        ev = evidence.load_bundled() if file is None else read_any(file)[0]
    except EvidenceError as exc:
        sys.stderr.write(f"explorer: {exc}\n")
        return 2

    from explorer.ui.main_window import MainWindow

    app = make_application()
    # The shell (header from reported figures, navigation) paints first; panels, the
    # library and the statistics behind them load right after, off the start-up path.
    window = MainWindow(ev, source_path=file, deferred=True, library=open_library)
    window.show()
    window.finish_loading_later()
    return app.exec()


def open_library():
    """The user's library at its usual place (``EXPLORER_LIBRARY`` overrides it)."""
    from explorer.evidence.library import Library
    from explorer.ui.settings import library_path

    return Library(library_path())
