"""Shared table set-up, so every table in the app reads the same way."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

FIGURE_FRAME_COLUMNS = [
    "id", "topic", "section", "label", "value", "lower", "upper", "level", "unit",
    "display", "status", "provenance", "brief",
]  # fmt: skip


def empty_figures_frame() -> pd.DataFrame:
    """A figures frame with no rows (the shape of ``Summary.figures_frame()``)."""
    return pd.DataFrame(columns=FIGURE_FRAME_COLUMNS)


def configure_table(table: QTableView, *, wrap: bool = False, sortable: bool = True) -> None:
    """Whole-row selection, compact rows, elided (or wrapped) text; sortable unless told."""
    table.setSortingEnabled(sortable)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(wrap)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    if not wrap:
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
