"""All figures: every number of the trial in one searchable table, with provenance."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from explorer.analysis import Summary

from ..models import Column, FrameModel, RawRole
from ..style import STATUS_COLOURS, status_mark
from .base import Panel
from .tables import configure_table, empty_figures_frame

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def figure_columns(*, with_section: bool = True) -> list[Column]:
    """Columns of a figures table: mark, (section), figure, value, status, provenance."""
    columns = [
        Column(
            "status", "", format=status_mark, tooltip="provenance", foreground=STATUS_COLOURS.get
        ),
    ]
    if with_section:
        columns.append(Column("section", "Section"))
    columns += [
        Column("label", "Figure", tooltip="provenance"),
        Column("display", "Value", tooltip="provenance", align=_RIGHT, raw="value"),
        Column("status", "Status", tooltip="provenance", foreground=STATUS_COLOURS.get),
        Column("brief", "Source or derivation", tooltip="provenance"),
    ]
    return columns


class FiguresPanel(Panel):
    """Every figure, searchable by label, section, status or source."""

    name = "figures"
    title = "All figures"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_edit = QLineEdit(
            placeholderText="Filter figures (label, section, status, source)…"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.model = FrameModel(empty_figures_frame(), figure_columns())
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(RawRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        configure_table(self.table)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)

    def set_summary(self, summary: Summary) -> None:
        self.model.set_frame(summary.figures_frame())
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 420))

    def select_figure(self, figure_id: str) -> bool:
        """Select the row of ``figure_id`` (clearing the filter if it hides it)."""
        for attempt in range(2):
            for row in range(self.proxy.rowCount()):
                src = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
                if self.model.row_value(src, "id") == figure_id:
                    self.table.selectRow(row)
                    self.table.scrollTo(self.proxy.index(row, 0))
                    return True
            if attempt == 0:
                self.filter_edit.clear()
        return False

    def _on_current_changed(self, current, _previous) -> None:
        if current.isValid():
            row = self.proxy.mapToSource(current).row()
            self.figure_selected.emit(str(self.model.row_value(row, "id")))
