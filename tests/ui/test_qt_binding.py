"""The Qt binding in use must not leak references to None on every event.

PySide6-Essentials 6.12.0 drops one reference to ``None`` per processed event on
Python 3.11; after a few thousand repaints the interpreter aborts with
"none_dealloc". pyproject.toml excludes that release; this test catches any other
build with the same defect before users do.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QApplication, QWidget


def test_processing_events_keeps_none_alive(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    app = QApplication.instance()
    app.processEvents()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(200):
        widget.repaint()
        app.processEvents()
    gc.collect()
    # A healthy binding keeps the count steady (± a few); 6.12.0 loses about 400 here.
    assert sys.getrefcount(None) - before > -50
