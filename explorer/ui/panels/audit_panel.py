"""Audit: the consistency checks; selecting one shows the figures it involves."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from explorer.analysis import Summary

from ..models import Column, FrameModel, RawRole
from ..style import LEVEL_COLOURS
from .base import Panel
from .figures_panel import figure_columns
from .tables import configure_table, empty_figures_frame

LEVEL_ORDER = {"warn": 0, "note": 1, "pass": 2}


class AuditPanel(Panel):
    """Checks on top; the figures the selected check involves below."""

    name = "audit"
    title = "Audit"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pandas as pd

        self._figures = empty_figures_frame()  # the summary's figures, built once per summary
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.check_model = FrameModel(
            pd.DataFrame(columns=["id", "level", "level_rank", "message", "figures"]),
            [
                Column(
                    "level",
                    "Level",
                    format=str.upper,
                    foreground=LEVEL_COLOURS.get,
                    raw="level_rank",
                ),
                Column("message", "Check", tooltip="message"),
            ],
            status_column=None,
        )
        self.check_proxy = QSortFilterProxyModel(self)
        self.check_proxy.setSourceModel(self.check_model)
        self.check_proxy.setSortRole(RawRole)
        self.check_table = QTableView()
        self.check_table.setModel(self.check_proxy)
        configure_table(self.check_table, wrap=True)
        header = self.check_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        self.involved_label = QLabel("Figures involved")
        self.involved_model = FrameModel(empty_figures_frame(), figure_columns())
        self.involved_table = QTableView()
        self.involved_table.setModel(self.involved_model)
        configure_table(self.involved_table)
        self.involved_table.setSortingEnabled(False)
        self.involved_table.horizontalHeader().setSectionResizeMode(
            5, QHeaderView.ResizeMode.Stretch
        )

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.involved_label)
        lower_layout.addWidget(self.involved_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.check_table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts_label)
        layout.addWidget(splitter)

        self.check_table.selectionModel().currentRowChanged.connect(self._on_check_changed)
        self.involved_table.selectionModel().currentRowChanged.connect(self._on_involved_changed)

    def set_summary(self, summary: Summary) -> None:
        self._figures = summary.figures_frame()
        frame = summary.checks_frame()
        frame["level_rank"] = frame["level"].map(LEVEL_ORDER)
        self.check_model.set_frame(frame)
        counts = frame["level"].value_counts()
        n_pass, n_note, n_warn = (counts.get(level, 0) for level in ("pass", "note", "warn"))
        self.counts_label.setText(
            f"{n_pass} pass · {n_note} note · {n_warn} warn"
            "   —   pass: the figures agree; note: a difference that rounding or a stated method "
            "explains; warn: check the source."
        )
        self.check_proxy.sort(0, Qt.SortOrder.AscendingOrder)
        self.check_table.resizeRowsToContents()
        self.involved_model.set_frame(empty_figures_frame())
        if self.check_proxy.rowCount():
            self.check_table.selectRow(0)

    def select_check(self, check_id: str) -> bool:
        for row in range(self.check_proxy.rowCount()):
            src = self.check_proxy.mapToSource(self.check_proxy.index(row, 0)).row()
            if self.check_model.row_value(src, "id") == check_id:
                self.check_table.selectRow(row)
                return True
        return False

    @property
    def involved_ids(self) -> list[str]:
        """Ids of the figures shown for the selected check."""
        return [str(v) for v in self.involved_model.frame["id"]]

    def _on_check_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        row = self.check_proxy.mapToSource(current).row()
        ids = [i for i in str(self.check_model.row_value(row, "figures")).split(", ") if i]
        frame = self._figures
        involved = frame[frame["id"].isin(ids)].copy()
        involved["_order"] = involved["id"].map({fid: i for i, fid in enumerate(ids)})
        involved = involved.sort_values("_order").drop(columns="_order")
        self.involved_model.set_frame(involved)
        self.involved_table.resizeColumnsToContents()
        self.involved_table.setColumnWidth(2, min(self.involved_table.columnWidth(2), 360))
        self.involved_label.setText(f"Figures involved in this check ({len(involved)})")

    def _on_involved_changed(self, current, _previous) -> None:
        if current.isValid():
            self.figure_selected.emit(str(self.involved_model.row_value(current.row(), "id")))
