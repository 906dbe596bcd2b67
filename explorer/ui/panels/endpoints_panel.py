"""The Endpoints panel: every endpoint in one table, its plot, and a forest plot of effects.

A thin view over :mod:`explorer.analysis.endpoints`: the table shows
:func:`~explorer.analysis.endpoints.endpoint_frame` through a
:class:`~explorer.ui.models.FrameModel` (sortable on raw values, the provenance of
every cell as its tooltip); selecting a row draws the endpoint's plot (modelled
survival curves for a time-to-event endpoint, rates with Wilson intervals for a
binary one) and shades its row in the forest plot, and emits ``figure_selected``
with the row's effect figure id so the main window can show its provenance.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import STATUS_MARKS, Summary
from explorer.analysis.endpoints import (
    endpoint_frame,
    forest_data,
    model_survival_curves,
    rate_comparison,
)
from explorer.ui.models import Column, FrameModel, RawRole
from explorer.ui.panels.base import Panel
from explorer.ui.plots.forest_plot import ForestPlot
from explorer.ui.plots.rates_plot import RatesPlot
from explorer.ui.plots.survival_plot import SurvivalPlot
from explorer.ui.style import arm_colours, status_mark

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _columns(
    arms: tuple[tuple[str, str], ...], level: float | None = None
) -> tuple[list[Column], list[str | None]]:
    """The table's columns for ``arms`` ((id, label), treatment first), and per column
    the frame column holding the figure id a click on that cell selects.

    ``level`` is the CI level all effect intervals share (named in the headers), or
    ``None`` when the cells name their own.
    """
    ci = f" ({level * 100:g}% CI)" if level else ""
    columns = [
        Column("status", "", format=status_mark, tooltip="provenance"),
        Column("endpoint", "Endpoint", tooltip="endpoint_tip"),
        Column("role", "Role", raw="role_rank"),
        Column("population", "Population", tooltip="population_tip", raw="population_n"),
    ]
    figures: list[str | None] = ["figure_id", "figure_id", "figure_id", None]
    for arm_id, label in arms:
        key = f"arm.{arm_id}"
        columns.append(Column(key, label, tooltip=f"{key}.tip", raw=f"{key}.value", align=_RIGHT))
        figures.append(f"{key}.figure")
    columns += [
        Column("effect", f"Effect{ci}", tooltip="effect_tip", raw="effect_value"),
        Column("rd", f"Difference, points{ci}", tooltip="rd_tip", raw="rd_value"),
        Column("p", "p", tooltip="p_tip", raw="p_value", align=_RIGHT),
    ]
    figures += ["effect_figure", "rd_figure", "p_figure"]
    return columns, figures


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class EndpointsPanel(Panel):
    """Table of endpoints, the selected endpoint's plot, and a forest plot of all effects.

    Parameters
    ----------
    summary : Summary, optional
        Shown at once when given; otherwise call :meth:`set_summary`.
    parent : QWidget, optional

    Attributes
    ----------
    table : QTableView
        Over ``proxy`` (a ``QSortFilterProxyModel`` sorting on ``RawRole``) over ``model``
        (a :class:`FrameModel` of :func:`endpoint_frame`).
    plot_stack : QStackedWidget
        Shows ``survival_plot`` (time-to-event rows) or ``rates_plot`` (binary rows).
    forest_plot : ForestPlot
        Every ratio effect; the selected row is shaded.
    method_label : QLabel
        How the plot on show was computed.
    current_endpoint : str or None
        Figure id prefix of the selected row (``"pfs"``, ``"orr"``, ...).
    """

    name = "endpoints"
    title = "Endpoints"

    def __init__(self, summary: Summary | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: Summary | None = None
        self.current_endpoint: str | None = None
        self._colours: dict[str, str] = {}
        self._spec: tuple = ((), None)
        self._quiet = False

        columns, self._cell_figures = _columns(*self._spec)
        self.model = FrameModel(pd.DataFrame(), columns)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(RawRole)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.clicked.connect(self._on_table_clicked)

        self.legend_label = _plain_label(
            "   ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
            + "   ·   hover a cell for its source or derivation; select a row for its plot"
        )
        self.legend_label.setStyleSheet("color: #555;")

        self.survival_plot = SurvivalPlot()
        self.rates_plot = RatesPlot()
        self.plot_stack = QStackedWidget()
        self.plot_stack.addWidget(self.survival_plot)
        self.plot_stack.addWidget(self.rates_plot)
        self.method_label = _plain_label()
        self.method_label.setStyleSheet("color: #444;")

        self.forest_plot = ForestPlot()
        self.forest_plot.row_clicked.connect(self._on_forest_row_clicked)
        self.forest_note = _plain_label()
        self.forest_note.setStyleSheet("color: #444;")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.plot_stack, 1)
        left_layout.addWidget(self.method_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.forest_plot, 1)
        right_layout.addWidget(self.forest_note)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 11)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.splitter, 1)

        if summary is not None:
            self.set_summary(summary)

    # -- state -----------------------------------------------------------------------
    def set_summary(self, summary: Summary) -> None:
        """Show ``summary``: reset the table, redraw the forest plot, keep the selection."""
        previous = self.current_endpoint
        self.summary = summary
        ev = summary.evidence
        self._colours = arm_colours(ev)
        arms = tuple((a.id, a.label) for a in (*ev.treatment_arms, ev.control_arm))
        frame = endpoint_frame(summary)
        spec = (arms, frame.attrs.get("ci_level"))
        if spec != self._spec:
            # Arm columns and headers follow the trial: a new column spec needs a new model.
            self._spec = spec
            columns, self._cell_figures = _columns(*spec)
            self.model = FrameModel(frame, columns)
            self.proxy.setSourceModel(self.model)
        else:
            self.model.set_frame(frame)
        forest = forest_data(summary)
        self.forest_plot.set_data(forest)
        self.forest_note.setText(
            "Squares: filled as reported, hollow when derived or reconstructed (◆ ◇). "
            "Each row says which side of 1 favours "
            f"{forest.treatment_label}: below 1 for hazards and adverse events, above 1 for "
            f"response. Intervals reaching beyond {forest.clip[0]:g}–{forest.clip[1]:g} end in "
            "an arrow; the numbers on the right are the full intervals."
        )
        self._fit_table()
        self.current_endpoint = None
        ids = list(frame["endpoint_id"]) if len(frame) else []
        if previous in ids:
            target = previous
        elif ids:
            target = ids[int(frame["role_rank"].astype(int).idxmin())]
        else:
            target = None
        if target is not None:
            self.select_endpoint(target)

    def select_endpoint(self, endpoint_id: str) -> bool:
        """Select the row of ``endpoint_id`` (e.g. ``"orr"``); False when there is none."""
        source_row = self._source_row(endpoint_id)
        if source_row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        self.table.selectRow(proxy_index.row())
        self.table.scrollTo(proxy_index)
        return True

    def highlight_figures(self, ids: tuple[str, ...]) -> None:
        """Select the first row that shows any of the figures ``ids``, without emitting."""
        frame = self.model.frame
        for row in range(len(frame)):
            if any(i in frame.at[row, "figures"] for i in ids):
                self._quiet = True
                try:
                    self.select_endpoint(frame.at[row, "endpoint_id"])
                finally:
                    self._quiet = False
                return

    # -- helpers ---------------------------------------------------------------------
    def _source_row(self, endpoint_id: str) -> int | None:
        frame = self.model.frame
        if not len(frame):
            return None
        hits = frame.index[frame["endpoint_id"] == endpoint_id]
        return int(hits[0]) if len(hits) else None

    def _fit_table(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        # The population (the longest text) takes what room is left, elided if need be.
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 230))
        rows = self.model.rowCount()
        height = (
            header.sizeHint().height()
            + rows * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth()
            + 4
        )
        self.table.setFixedHeight(max(height, 80))

    def _show_row(self, source_row: int) -> None:
        summary = self.summary
        if summary is None:
            return
        endpoint_id = self.model.row_value(source_row, "endpoint_id")
        kind = self.model.row_value(source_row, "kind")
        if kind == "time_to_event":
            curves = model_survival_curves(summary, endpoint_id)
            self.survival_plot.set_curves(curves, self._colours)
            self.plot_stack.setCurrentWidget(self.survival_plot)
            self.method_label.setText(curves.method)
        else:
            rates = rate_comparison(summary, endpoint_id)
            self.rates_plot.set_rates(rates, self._colours)
            self.plot_stack.setCurrentWidget(self.rates_plot)
            self.method_label.setText(rates.method)
        self.forest_plot.set_selected(endpoint_id)
        self.current_endpoint = endpoint_id

    # -- slots -----------------------------------------------------------------------
    def _on_table_selection_changed(self, selected: QItemSelection, _deselected) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        source_row = self.proxy.mapToSource(rows[0]).row()
        if self.model.row_value(source_row, "endpoint_id") == self.current_endpoint:
            return
        self._show_row(source_row)
        figure_id = self.model.row_value(source_row, "figure_id")
        if not self._quiet and isinstance(figure_id, str):
            self.figure_selected.emit(figure_id)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        """A click on a number selects that number's figure (e.g. ``pfs.p``)."""
        key = self._cell_figures[index.column()]
        if key is None:
            return
        figure_id = self.model.row_value(self.proxy.mapToSource(index).row(), key)
        if isinstance(figure_id, str):
            self.figure_selected.emit(figure_id)

    def _on_forest_row_clicked(self, row: int) -> None:
        data = self.forest_plot.data
        if data is not None and 0 <= row < len(data):
            self.select_endpoint(data.endpoint_ids[row])
