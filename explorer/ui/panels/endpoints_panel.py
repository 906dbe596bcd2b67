"""The Endpoints panel: every endpoint in one table, its plot, and a forest plot of effects.

A thin view over :mod:`explorer.analysis.endpoints`: the table shows
:func:`~explorer.analysis.endpoints.endpoint_frame` through a
:class:`~explorer.ui.models.FrameModel` (sortable on raw values, the provenance of
every cell as its tooltip); selecting a row draws the endpoint's plot (modelled
survival curves for a time-to-event endpoint, rates with Wilson intervals for a
binary one) and shades its row in the forest plot, and emits ``figure_selected``
with the row's effect figure id so the main window can show its provenance.

When the trial holds a digitised Kaplan–Meier figure of a time-to-event endpoint
(:attr:`Summary.reconstructions`), its row shows the curves reconstructed from that figure
(a KMunicate plot with its extended risk table) instead of the modelled ones, the
reconstructed hazard ratio beside the reported one with a statement of agreement, and two
more tabs beside the forest plot: the analyses of the reconstructed patients and the fit
diagnostics.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import STATUS_MARKS, Summary
from explorer.analysis.arms import displayed_arms
from explorer.analysis.endpoints import (
    endpoint_frame,
    forest_data,
    model_survival_curves,
    rate_comparison,
)
from explorer.ui.models import Column, FrameModel, RawRole
from explorer.ui.panels.base import Panel
from explorer.ui.panels.outcome_measures_view import OutcomeMeasuresView
from explorer.ui.panels.tables import configure_table
from explorer.ui.plots.forest_plot import ForestPlot
from explorer.ui.plots.kmunicate_plot import KmunicatePlot
from explorer.ui.plots.rates_plot import RatesPlot
from explorer.ui.plots.survival_plot import SurvivalPlot
from explorer.ui.style import LEVEL_COLOURS, arm_colours, status_mark

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


#: The analyses of reconstructed patients, as the "Reconstructed analyses" tab shows them.
ANALYSIS_COLUMNS = [
    Column("status", "", format=status_mark, tooltip="method"),
    Column("what", "What", tooltip="method"),
    Column("arm", "Arm"),
    Column("display", "Reconstructed", tooltip="method", raw="estimate"),
    Column("reported", "Reported"),
    Column("agreement", "Agreement", foreground=lambda v: LEVEL_COLOURS.get(v)),
]
#: The fit diagnostics, as the "Fit diagnostics" tab shows them.
DIAGNOSTIC_COLUMNS = [
    Column("level", "Check", foreground=lambda v: LEVEL_COLOURS.get(v), tooltip="message"),
    Column("what", "What", tooltip="message"),
    Column("arm", "Arm"),
    Column("reconstructed", "Reconstructed", format=lambda v: f"{v:.4g}", align=_RIGHT),
    Column("reported", "Reported", format=lambda v: f"{v:.4g}", align=_RIGHT),
    Column("difference", "Difference", format=lambda v: f"{v:+.3g}", align=_RIGHT),
]
#: Tabs beside the plot: the forest plot, then the reconstruction's tables.
FOREST_TAB, ANALYSES_TAB, DIAGNOSTICS_TAB = range(3)
#: The panel's two views: the endpoints, and the registry outcome measures (format 1.2).
ENDPOINTS_TAB, OUTCOMES_TAB = range(2)


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
        Shows ``survival_plot`` (time-to-event rows, modelled), ``km_page`` (time-to-event
        rows with a digitised figure: ``km_plot`` and its toggles) or ``rates_plot``
        (binary rows).
    km_plot : KmunicatePlot
        The reconstructed Kaplan–Meier curves with the extended risk table.
    model_check, digitised_check, ci_check : QCheckBox
        Show the modelled curves instead; overlay the digitised points; show the CI bands.
    agreement_label : QLabel
        The reconstructed hazard ratio beside the reported one, in words.
    side_tabs : QTabWidget
        "Forest plot", "Reconstructed analyses" (``analyses_table``) and "Fit diagnostics"
        (``diagnostics_table``); the last two are enabled for a reconstructed endpoint.
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
        self.km_plot = KmunicatePlot()
        self.model_check = QCheckBox("Show the modelled curves instead")
        self.model_check.setToolTip(
            "The exponential model through the reported medians, as for an endpoint "
            "without a digitised figure"
        )
        self.digitised_check = QCheckBox("Show the digitised points")
        self.ci_check = QCheckBox("Confidence bands")
        self.ci_check.setChecked(True)
        self.model_check.toggled.connect(self._on_model_check_toggled)
        self.digitised_check.toggled.connect(self.km_plot.show_digitised)
        self.ci_check.toggled.connect(self.km_plot.show_ci)
        self.km_page = QWidget()
        km_layout = QVBoxLayout(self.km_page)
        km_layout.setContentsMargins(0, 0, 0, 0)
        # The risk table and caption need their full height; below that, scroll.
        self.km_scroll = QScrollArea()
        self.km_scroll.setWidget(self.km_plot)
        self.km_scroll.setWidgetResizable(True)
        self.km_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.km_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        km_layout.addWidget(self.km_scroll, 1)
        self.plot_stack = QStackedWidget()
        self.plot_stack.addWidget(self.survival_plot)
        self.plot_stack.addWidget(self.rates_plot)
        self.plot_stack.addWidget(self.km_page)
        toggles = QHBoxLayout()
        toggles.setContentsMargins(0, 0, 0, 0)
        for check in (self.ci_check, self.digitised_check, self.model_check):
            toggles.addWidget(check)
        toggles.addStretch(1)
        self.toggles = QWidget()
        self.toggles.setLayout(toggles)
        self.toggles.hide()
        self.agreement_label = _plain_label()
        self.agreement_label.hide()
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
        left_layout.addWidget(self.toggles)
        left_layout.addWidget(self.agreement_label)
        left_layout.addWidget(self.method_label)
        forest_page = QWidget()
        right_layout = QVBoxLayout(forest_page)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.forest_plot, 1)
        right_layout.addWidget(self.forest_note)
        self.analyses_model = FrameModel(
            pd.DataFrame(columns=[c.key for c in ANALYSIS_COLUMNS]), ANALYSIS_COLUMNS
        )
        self.analyses_table = QTableView()
        self.analyses_table.setModel(self.analyses_model)
        configure_table(self.analyses_table, sortable=False)
        self.analyses_table.clicked.connect(self._on_analysis_clicked)
        self.diagnostics_model = FrameModel(
            pd.DataFrame(columns=[c.key for c in DIAGNOSTIC_COLUMNS]),
            DIAGNOSTIC_COLUMNS,
            status_column=None,
        )
        self.diagnostics_table = QTableView()
        self.diagnostics_table.setModel(self.diagnostics_model)
        configure_table(self.diagnostics_table, sortable=False)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(forest_page, "Forest plot")
        self.side_tabs.addTab(self.analyses_table, "Reconstructed analyses")
        self.side_tabs.addTab(self.diagnostics_table, "Fit diagnostics")
        self._enable_reconstruction_tabs(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 11)
        self.splitter.setChildrenCollapsible(False)

        endpoints_page = QWidget()
        page_layout = QVBoxLayout(endpoints_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.table)
        page_layout.addWidget(self.legend_label)
        page_layout.addWidget(self.splitter, 1)
        self.empty_label = _plain_label()
        self.empty_label.hide()
        page_layout.addWidget(self.empty_label)
        # Registry outcome measures (format 1.2), kept as the record states them.
        self.outcomes_view = OutcomeMeasuresView()
        self.outcomes_view.figure_selected.connect(self.figure_selected)
        self.view_tabs = QTabWidget()
        self.view_tabs.addTab(endpoints_page, "Endpoints")
        self.view_tabs.addTab(self.outcomes_view, "Registry outcome measures")
        self.view_tabs.setTabVisible(OUTCOMES_TAB, False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view_tabs, 1)

        if summary is not None:
            self.set_summary(summary)

    # -- state -----------------------------------------------------------------------
    def set_summary(self, summary: Summary) -> None:
        """Show ``summary``: reset the table, redraw the forest plot, keep the selection."""
        previous = self.current_endpoint
        self.summary = summary
        ev = summary.evidence
        self._colours = arm_colours(ev)
        arms = tuple((a.id, a.label) for a in displayed_arms(ev))
        has_measures = bool(ev.outcome_measures)
        self.view_tabs.setTabVisible(OUTCOMES_TAB, has_measures)
        if has_measures:
            self.outcomes_view.set_summary(summary)
        self.view_tabs.setTabVisible(ENDPOINTS_TAB, bool(ev.endpoints) or not has_measures)
        # A lone tab is noise: the bar shows only when there are two views to switch.
        self.view_tabs.tabBar().setVisible(has_measures and bool(ev.endpoints))
        self.view_tabs.setCurrentIndex(
            ENDPOINTS_TAB if ev.endpoints or not has_measures else OUTCOMES_TAB
        )
        self._show_scope_note(summary)
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

    def _show_scope_note(self, summary: Summary) -> None:
        """A plain line when the trial has several comparisons, or none at all."""
        ev = summary.evidence
        if not ev.endpoints:
            text = "No endpoints in this evidence" + (
                ": its outcomes are kept as registry outcome measures (see that tab)."
                if ev.outcome_measures
                else "."
            )
        elif not ev.has_control:
            text = (
                "Single-group study: each arm's results are shown; there is no control "
                "arm, so no effects, differences or forest plot (not applicable)."
            )
        elif not ev.is_two_arm:
            text = (
                f"{len(ev.treatment_arms)} treatment arms: each comparison has its own row "
                "(the endpoint's first row shows every arm)."
            )
        else:
            text = ""
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))

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
        """Select the first row that shows any of the figures ``ids``, without emitting.

        A registry outcome-measure figure (``outcome.<om>.…``) brings the Registry
        outcome measures view to the front with its measure selected.
        """
        for figure_id in ids:
            parts = figure_id.split(".")
            is_outcome = parts[0] == "outcome" and len(parts) > 2
            if is_outcome and self.outcomes_view.select_measure(parts[1]):
                self.view_tabs.setCurrentIndex(OUTCOMES_TAB)
                return
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
        analysis = summary.reconstructions.get(endpoint_id) if kind == "time_to_event" else None
        self._show_reconstruction(analysis)
        if analysis is not None and not self.model_check.isChecked():
            self.plot_stack.setCurrentWidget(self.km_page)
            self.method_label.setText(
                "◇ Reconstructed patients (Guyot et al. 2012) from the digitised figure; "
                "the caption under the plot names the figure and the methods."
            )
        elif kind == "time_to_event":
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

    def _show_reconstruction(self, analysis) -> None:
        """Fill (or empty) the reconstruction's plot, statement and tables."""
        self.toggles.setVisible(analysis is not None)
        self.agreement_label.setVisible(analysis is not None)
        self._enable_reconstruction_tabs(analysis is not None)
        if analysis is None:
            self.km_plot.clear()
            self.agreement_label.clear()
            self.analyses_model.set_frame(self.analyses_model.frame.iloc[0:0])
            self.diagnostics_model.set_frame(self.diagnostics_model.frame.iloc[0:0])
            return
        self.km_plot.set_data(analysis.plot_data(), self._colours)
        needed = self.km_plot.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
        self.km_plot.setMinimumHeight(int(needed) + 8)
        statements = [
            c.agreement.statement for c in analysis.comparisons if c.agreement is not None
        ]
        self.agreement_label.setText(
            "\n".join(statements)
            or "No hazard ratio was reported for this endpoint to compare with."
        )
        self.analyses_model.set_frame(analysis.analyses_frame())
        self.diagnostics_model.set_frame(analysis.diagnostics_frame())
        for table in (self.analyses_table, self.diagnostics_table):
            table.resizeColumnsToContents()
            table.horizontalHeader().setStretchLastSection(True)

    def _enable_reconstruction_tabs(self, enabled: bool) -> None:
        for tab in (ANALYSES_TAB, DIAGNOSTICS_TAB):
            self.side_tabs.setTabEnabled(tab, enabled)
            self.side_tabs.setTabToolTip(
                tab, "" if enabled else "For an endpoint with a digitised Kaplan–Meier figure"
            )
        if not enabled:
            self.side_tabs.setCurrentIndex(FOREST_TAB)

    # -- slots -----------------------------------------------------------------------
    def _on_table_selection_changed(self, selected: QItemSelection, _deselected) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        source_row = self.proxy.mapToSource(rows[0]).row()
        if self.model.row_value(source_row, "endpoint_id") != self.current_endpoint:
            self._show_row(source_row)
        # Rows of one endpoint (several comparisons) share its plot but not its effect.
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

    def _on_model_check_toggled(self, _checked: bool) -> None:
        """Switch between reconstructed and modelled curves for the row on show."""
        endpoint_id, self.current_endpoint = self.current_endpoint, None
        if endpoint_id is not None:
            row = self._source_row(endpoint_id)
            if row is not None:
                self._show_row(row)

    def _on_analysis_clicked(self, index: QModelIndex) -> None:
        """A click on a reconstructed analysis selects its figure (``pfs.reconstructed.hr``)."""
        figure_id = self.analyses_model.row_value(index.row(), "figure")
        if isinstance(figure_id, str) and figure_id:
            self.figure_selected.emit(figure_id)

    def _on_forest_row_clicked(self, row: int) -> None:
        data = self.forest_plot.data
        if data is not None and 0 <= row < len(data):
            self.select_endpoint(data.endpoint_ids[row])
