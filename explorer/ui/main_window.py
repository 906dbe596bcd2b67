"""The main window: the trial in one header line, its figures and its audit.

Numbers come only from :func:`explorer.analysis.summarize`; the window shows them
through :class:`~explorer.ui.models.FrameModel`, with the provenance status as a
mark and the source or derivation as the tooltip and in the details line.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import STATUS_MARKS, Summary, summarize
from explorer.analysis.figures import short_citation
from explorer.evidence import Evidence, EvidenceError, load

from .models import Column, FrameModel, RawRole


def _figure_columns() -> list[Column]:
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("status", "", format=lambda s: STATUS_MARKS.get(s, "?"), tooltip="status"),
        Column("section", "Section"),
        Column("label", "Figure", tooltip="provenance"),
        Column("display", "Value", tooltip="provenance", align=right, raw="value"),
        Column("status", "Status", tooltip="provenance"),
        Column("brief", "Source or derivation", tooltip="provenance"),
    ]


def _check_columns() -> list[Column]:
    return [
        Column("level", "Level", format=str.upper),
        Column("message", "Check", tooltip="message"),
        Column("figures", "Figures involved", tooltip="figures"),
    ]


def _plain_label(text: str = "") -> QLabel:
    """A label that never interprets file text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(True)
    return label


class MainWindow(QMainWindow):
    """Header, a Figures tab and an Audit tab over one trial's summary."""

    def __init__(self, evidence: Evidence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(1200, 760)
        self.title_label = _plain_label()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.result_label = _plain_label()
        self.source_label = _plain_label()
        self.source_label.setStyleSheet("color: #555;")

        self.figure_model = FrameModel(_empty_figures(), _figure_columns())
        self.figure_proxy = QSortFilterProxyModel(self)
        self.figure_proxy.setSourceModel(self.figure_model)
        self.figure_proxy.setSortRole(RawRole)
        self.figure_table = self._table(self.figure_proxy)
        header = self.figure_table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.figure_table.setWordWrap(False)
        self.figure_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setMaximumHeight(110)
        self.figure_table.selectionModel().currentRowChanged.connect(self._on_figure_selected)

        figures_page = QSplitter(Qt.Orientation.Vertical)
        figures_page.addWidget(self.figure_table)
        figures_page.addWidget(self.details)
        figures_page.setStretchFactor(0, 5)

        self.check_model = FrameModel(_empty_checks(), _check_columns(), status_column=None)
        self.check_table = self._table(self.check_model)
        self.check_table.setWordWrap(True)
        self.check_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.check_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.check_table.setColumnWidth(2, 320)

        self.tabs = QTabWidget()
        self.tabs.addTab(figures_page, "Figures")
        self.tabs.addTab(self.check_table, "Audit")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.title_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.source_label)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.summary: Summary | None = None
        self.set_evidence(evidence)

    # -- building ---------------------------------------------------------------
    def _table(self, model) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSortingEnabled(True)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        return table

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open evidence…", self, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._on_open_triggered)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    # -- state ------------------------------------------------------------------
    def set_evidence(self, evidence: Evidence) -> None:
        """Show ``evidence``: summarise it and refresh every view."""
        summary = summarize(evidence)
        self.summary = summary
        t = evidence.trial
        self.setWindowTitle(f"{t.acronym} ({t.registry_id}) — Trial Evidence Explorer")
        cut = evidence.data_cut
        self.title_label.setText(f"{t.acronym} · {t.registry_id} · {cut.label} · {t.population}")
        self.result_label.setText(summary.primary_result())
        self.source_label.setText(
            f"{short_citation(t.citation.text) or t.citation.text}  ·  DOI {t.citation.doi}  ·  "
            + "   ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
        )
        self.figure_model.set_frame(summary.figures_frame())
        self.figure_table.resizeColumnsToContents()
        self.figure_table.setColumnWidth(2, min(self.figure_table.columnWidth(2), 420))
        self.details.clear()
        self.figure_table.selectRow(0)
        self.check_model.set_frame(summary.checks_frame())
        self.check_table.resizeRowsToContents()

    def open_file(self, path: str) -> bool:
        """Load ``path``; on failure say why and keep what was open. Returns success."""
        try:
            evidence = load(path)
        except EvidenceError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open evidence", "", parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(str(exc))
            box.open()
            self.last_error = str(exc)
            return False
        self.set_evidence(evidence)
        return True

    def render_tabs(self, outdir) -> list:
        """Render every tab to ``outdir/<tab>.png`` (headless screenshots); return the paths."""
        from pathlib import Path

        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(self.tabs.count()):
            self.tabs.setCurrentIndex(i)
            name = self.tabs.tabText(i).lower().replace(" ", "_")
            path = out / f"{name}.png"
            self.grab().save(str(path))
            paths.append(path)
        self.tabs.setCurrentIndex(0)
        return paths

    # -- slots ----------------------------------------------------------------------
    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open evidence", "", "Evidence (*.json);;All files (*)"
        )
        if path:
            self.open_file(path)

    def _on_figure_selected(self, current, _previous) -> None:
        if not current.isValid():
            return
        row = self.figure_proxy.mapToSource(current).row()
        frame = self.figure_model.frame
        status = frame.at[row, "status"]
        label, shown = frame.at[row, "label"], frame.at[row, "display"]
        head = f"{STATUS_MARKS[status]} {label}: {shown} ({status})"
        kind = "Source" if status == "reported" else "Derivation"
        self.details.setPlainText(
            f"{head}\n{kind}: {frame.at[row, 'provenance']}\nId: {frame.at[row, 'id']}"
        )


def _empty_figures():
    import pandas as pd

    return pd.DataFrame(
        columns=[
            "id",
            "topic",
            "label",
            "value",
            "lower",
            "upper",
            "level",
            "unit",
            "display",
            "status",
            "provenance",
        ]
    )


def _empty_checks():
    import pandas as pd

    return pd.DataFrame(columns=["id", "level", "message", "figures"])
