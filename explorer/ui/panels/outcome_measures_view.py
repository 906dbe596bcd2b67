"""Registry outcome measures (format 1.2), as the record states them.

A list of the measures (title, role, time frame); for the selected one, its values
(group → value, the spread or interval its ``dispersion`` names, n, and the record's
comment where a value is "NA") and its statistical analyses (groups, the estimate's
name, value, CI with its own level and sides, p with its qualifier, method). Selecting
a number emits ``figure_selected`` with its figure id, so the details pane shows its
source: the field path in the record, the raw string and the record's date. The rows
come from :mod:`explorer.analysis.outcomes`; this module only binds them to Qt.
"""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from explorer.analysis import Summary
from explorer.analysis.outcomes import analysis_rows, ordered_measures, value_rows
from explorer.ui.models import Column, FrameModel
from explorer.ui.panels.tables import configure_table

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

MEASURE_COLUMNS = [
    Column("title", "Outcome measure", tooltip="description"),
    Column("role", "Role"),
    Column("time_frame", "Time frame", tooltip="time_frame"),
]
VALUE_COLUMNS = [
    Column("group", "Group", tooltip="group_tip"),
    Column("class_label", "Class"),
    Column("category", "Category"),
    Column("value", "Value", align=_RIGHT, tooltip="value_tip"),
    Column("spread", "Spread / interval", tooltip="value_tip"),
    Column("n", "n", align=_RIGHT),
    Column("comment", "Comment", tooltip="comment"),
]
ANALYSIS_COLUMNS = [
    Column("groups", "Groups"),
    Column("estimate_name", "Estimate"),
    Column("value", "Value", align=_RIGHT),
    Column("ci", "CI"),
    Column("p", "p", align=_RIGHT),
    Column("method", "Method", tooltip="method"),
    Column("note", "Note", tooltip="note"),
]
#: Which figure a click on each value column selects (None: the row's value figure).
_VALUE_CELL_FIGURE = {"n": "n_figure_id"}
_ANALYSIS_CELL_FIGURE = {"p": "p_figure_id"}


def _label(text: str = "", *, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if muted:
        label.setStyleSheet("color: #444;")
    return label


class OutcomeMeasuresView(QWidget):
    """The registry outcome measures of one trial: list, values and analyses.

    Attributes
    ----------
    measures_table, values_table, analyses_table : QTableView
        The list of measures, and the selected measure's values and analyses.
    heading_label, details_label : QLabel
        The selected measure's title, and its description, population, unit, parameter
        and dispersion as the record gives them.

    Signals
    -------
    figure_selected(str)
        The id of the figure a click selects (``outcome.<om>.value_<j>``, ...).
    """

    figure_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: Summary | None = None
        self._measures: list = []
        self.measures_model = FrameModel(
            _empty(MEASURE_COLUMNS), MEASURE_COLUMNS, status_column=None
        )
        self.values_model = FrameModel(_empty(VALUE_COLUMNS), VALUE_COLUMNS, status_column=None)
        self.analyses_model = FrameModel(
            _empty(ANALYSIS_COLUMNS), ANALYSIS_COLUMNS, status_column=None
        )
        self.measures_table = _table(self.measures_model, wrap=False)
        self.values_table = _table(self.values_model)
        self.analyses_table = _table(self.analyses_model)
        self.heading_label = _label()
        font = self.heading_label.font()
        font.setBold(True)
        self.heading_label.setFont(font)
        self.details_label = _label(muted=True)
        self.note_label = _label(
            "As the registry record states them: groups are the record's own, values and "
            "analyses are not turned into endpoints, and the direction of benefit is not "
            "in the record. Click a number for its source (field path and raw string).",
            muted=True,
        )

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading_label)
        right_layout.addWidget(self.details_label)
        right_layout.addWidget(_label("Values"))
        right_layout.addWidget(self.values_table, 3)
        right_layout.addWidget(_label("Statistical analyses"))
        right_layout.addWidget(self.analyses_table, 2)
        right_layout.addWidget(self.note_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.measures_table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.measures_table.selectionModel().currentRowChanged.connect(self._on_measure_changed)
        self.values_table.clicked.connect(self._on_value_clicked)
        self.analyses_table.clicked.connect(self._on_analysis_clicked)

    # -- public ---------------------------------------------------------------------
    def set_summary(self, summary: Summary) -> None:
        """Show ``summary``'s outcome measures (primary first) and select the first."""
        self.summary = summary
        self._measures = ordered_measures(summary.evidence)
        frame = pd.DataFrame(
            [
                {
                    "title": om.title,
                    "role": om.role,
                    "time_frame": om.time_frame or "",
                    "description": om.description or om.title,
                    "id": om.id,
                }
                for om in self._measures
            ],
            columns=["title", "role", "time_frame", "description", "id"],
        )
        self.measures_model.set_frame(frame)
        self.measures_table.resizeColumnsToContents()
        self.measures_table.setColumnWidth(0, min(self.measures_table.columnWidth(0), 320))
        if self._measures:
            self.select_measure(self._measures[0].id)
        else:
            self._show(None)

    def select_measure(self, measure_id: str) -> bool:
        """Select the measure ``measure_id``; False when there is none."""
        for row, om in enumerate(self._measures):
            if om.id == measure_id:
                self.measures_table.selectRow(row)
                self._show(om)
                return True
        return False

    @property
    def current_measure(self):
        """The outcome measure on show, or None."""
        return self._current

    # -- internals -------------------------------------------------------------------
    _current = None

    def _show(self, om) -> None:
        self._current = om
        if om is None:
            self.heading_label.setText("No registry outcome measures in this evidence.")
            self.details_label.setText("")
            self.values_model.set_frame(_empty(VALUE_COLUMNS))
            self.analyses_model.set_frame(_empty(ANALYSIS_COLUMNS))
            return
        self.heading_label.setText(f"{om.title} ({om.role})")
        facts = [
            ("Description", om.description),
            ("Time frame", om.time_frame),
            ("Population", om.population_description),
            ("Parameter", om.param_type),
            ("Dispersion", om.dispersion),
            ("Unit", om.unit),
        ]
        self.details_label.setText("\n".join(f"{k}: {v}" for k, v in facts if v))
        values = pd.DataFrame([asdict(r) for r in value_rows(om)])
        if len(values):
            values["group_tip"] = values["group"]
            values["value_tip"] = [
                _value_tip(self.summary, fid) for fid in values["figure_id"].tolist()
            ]
        else:
            values = _empty(VALUE_COLUMNS)
        self.values_model.set_frame(values)
        analyses = pd.DataFrame([asdict(r) for r in analysis_rows(om)])
        self.analyses_model.set_frame(analyses if len(analyses) else _empty(ANALYSIS_COLUMNS))
        for table in (self.values_table, self.analyses_table):
            table.resizeColumnsToContents()
            table.horizontalHeader().setStretchLastSection(True)
        for i, column in enumerate(VALUE_COLUMNS):
            if column.key in ("class_label", "category"):
                empty = not len(values) or not values[column.key].astype(str).str.len().any()
                self.values_table.setColumnHidden(i, bool(empty))

    def _on_measure_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and 0 <= current.row() < len(self._measures):
            om = self._measures[current.row()]
            if om is not self._current:
                self._show(om)

    def _emit_cell(
        self, model: FrameModel, columns: list[Column], index: QModelIndex, cells: dict[str, str]
    ) -> None:
        if not index.isValid():
            return
        key = columns[index.column()].key
        figure_id = model.row_value(index.row(), cells.get(key, "figure_id"))
        if isinstance(figure_id, str) and figure_id:
            self.figure_selected.emit(figure_id)

    def _on_value_clicked(self, index: QModelIndex) -> None:
        self._emit_cell(self.values_model, VALUE_COLUMNS, index, _VALUE_CELL_FIGURE)

    def _on_analysis_clicked(self, index: QModelIndex) -> None:
        self._emit_cell(self.analyses_model, ANALYSIS_COLUMNS, index, _ANALYSIS_CELL_FIGURE)


def _value_tip(summary: Summary | None, figure_id: object) -> str:
    if summary is None or not isinstance(figure_id, str):
        return "Not available in the record (NA)"
    figure = summary.get(figure_id)
    return figure.provenance if figure is not None else ""


def _empty(columns: list[Column]) -> pd.DataFrame:
    return pd.DataFrame(columns=[c.key for c in columns])


def _table(model: FrameModel, *, wrap: bool = False) -> QTableView:
    table = QTableView()
    table.setModel(model)
    configure_table(table, wrap=wrap, sortable=False)
    return table
