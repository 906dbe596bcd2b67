"""The Interpretation panel: what the trial means for a patient and for a tumour board.

Six pages under one bottom line (the benefit–harm statement in plain words):

* **Absolute effects** — per 100 and per 1000 patients at each milestone, from the
  reported landmark rates and from the hazard ratio applied to the control risk
  (GRADE), with how each row was computed, the milestones left out and why, and the
  median gain and restricted-mean difference.
* **Benefit–harm** — the NNT for the efficacy milestone beside the NNH for grade 3–4
  adverse events, as absolute differences per 100 on one axis read as "1 in N", with
  Altman's convention stated when an interval crosses no difference.
* **Pictographs** — 100 people per arm for each outcome, exportable to PNG and SVG.
* **Bayesian reanalysis** — flat, sceptical, enthusiastic or custom prior on the log
  hazard ratio and a clinically important threshold (default: the design's
  hypothesised HR, the threshold of the summary's figures); the posterior
  probabilities and the prior, likelihood and posterior plotted, live.
* **ESMO-MCBS** — the verdict of the v1.1 evaluator and the trace of every rule.
* **Fragility** — the (reverse) fragility index of each binary outcome.

Every number is a figure of :mod:`explorer.analysis.interpretation` or
:mod:`explorer.analysis.esmo_mcbs` (or one they read, such as the reported HR), shown
with its status mark and its source or derivation as a tooltip; selecting one emits
``figure_selected`` with its id. A posterior under a prior or threshold the user has
edited is a what-if, not a figure of the summary: it carries the status of the HR it
rests on, no figure id, and a tooltip saying how it was computed. This module
computes nothing: it lays out what the analysis returns.
"""

from __future__ import annotations

import contextlib
import html
import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import DERIVED, STATUS_MARKS, Figure, Summary
from explorer.analysis.arms import primary_pair
from explorer.analysis.esmo_mcbs import McbsResult, evaluate_evidence
from explorer.analysis.figures import format_number
from explorer.analysis.interpretation import (
    AbsoluteEffect,
    BayesResult,
    BenefitHarm,
    Fragility,
    IconArray,
    NumberNeeded,
    Prior,
    SurvivalGain,
    absolute_effects,
    bayesian,
    benefit_harm,
    comparison_scope,
    default_priors,
    fragility,
    icon_arrays,
    skipped_milestones,
    survival_gain,
)
from explorer.ui.checked_spin import CheckedSpinBox
from explorer.ui.models import Column, FrameModel, RawRole
from explorer.ui.panels.base import Panel
from explorer.ui.panels.tables import configure_table
from explorer.ui.plots.benefit_harm_plot import BenefitHarmPlot, BenefitHarmRow
from explorer.ui.plots.icon_array import IconArrayWidget
from explorer.ui.plots.posterior_plot import PosteriorPlot
from explorer.ui.style import LEVEL_COLOURS, STATUS_COLOURS, arm_colours, status_mark
from explorer.ui.tooltips import plain_tooltip

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TOOLTIP_WIDTH = 80
_MUTED = "color: #555;"
#: Outcome of a rule in the ESMO-MCBS trace → text colour.
OUTCOME_COLOURS = {
    "met": LEVEL_COLOURS["pass"],
    "not met": LEVEL_COLOURS["warn"],
    "not applicable": "#777777",
    "not assessable": LEVEL_COLOURS["note"],
}
#: Prior names in the combo, in order, and their labels.
PRIOR_LABELS = {
    "flat": "Flat (no prior opinion)",
    "sceptical": "Sceptical (centred on no effect)",
    "enthusiastic": "Enthusiastic (centred on the design HR)",
    "custom": "Custom",
}
#: Pages of the panel, in order: (key, tab title).
PAGES = (
    ("absolute", "Absolute effects"),
    ("benefit_harm", "Benefit–harm"),
    ("pictographs", "Pictographs"),
    ("bayes", "Bayesian reanalysis"),
    ("mcbs", "ESMO-MCBS"),
    ("fragility", "Fragility"),
)


def _wrap(text: str) -> str:
    """Plain-text tooltip wrapped to a readable width (Qt does not wrap plain text)."""
    return "\n".join(textwrap.fill(p, _TOOLTIP_WIDTH) if p else "" for p in text.split("\n"))


def _plain_label(text: str = "", *, wrap: bool = True, style: str = "") -> QLabel:
    """A label that never interprets evidence text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if style:
        label.setStyleSheet(style)
    return label


def _figure_tip(figure: Figure | None) -> str:
    """Status, value and provenance of ``figure`` as a tooltip."""
    if figure is None:
        return ""
    return _wrap(
        f"{status_mark(figure.status)} {figure.label} = {figure.formatted()} ({figure.status})\n"
        f"{figure.provenance}"
    )


def _number(value: float | None, decimals: int) -> str:
    return format_number(value, decimals)


def _with_ci(value: float, lower: float | None, upper: float | None, decimals: int) -> str:
    """``8.2 (−3.4 to 18.6)`` (no interval: the value alone)."""
    text = _number(value, decimals)
    if lower is not None and upper is not None:
        text += f" ({_number(lower, decimals)} to {_number(upper, decimals)})"
    return text


def _percent(p: float | None) -> str:
    return "—" if p is None else f"{100 * p:.1f}%"


class FigureLine(QLabel):
    """One number on its own line: the status mark in its colour, the text, a tooltip.

    Clicking it emits :attr:`clicked` with its figure id (when it has one).
    """

    clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.figure_id: str | None = None
        self.status: str | None = None
        self.plain_text = ""

    def set_line(
        self, text: str, status: str | None, tooltip: str, figure_id: str | None = None
    ) -> None:
        """Show ``text`` (plain; escaped here) after the mark of ``status``."""
        self.figure_id, self.status, self.plain_text = figure_id, status, text
        if status is None:
            self.setText(html.escape(text))
        else:
            colour = STATUS_COLOURS.get(status, "#1A1A1A")
            self.setText(
                f"<span style='color:{colour}'>{status_mark(status)}</span> {html.escape(text)}"
            )
        self.setToolTip(plain_tooltip(tooltip))
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if figure_id else Qt.CursorShape.ArrowCursor
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.figure_id and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.figure_id)
        super().mousePressEvent(event)


class _TraceModel(FrameModel):
    """The ESMO-MCBS trace: the outcome column in its colour."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and self._columns[index.column()].key == "outcome"
        ):
            colour = OUTCOME_COLOURS.get(str(self.frame.at[index.row(), "outcome"]))
            return None if colour is None else QColor(colour)
        return super().data(index, role)


def _status_column(header: str = "") -> Column:
    return Column(
        "status", header, format=status_mark, tooltip="provenance", foreground=STATUS_COLOURS.get
    )


ABSOLUTE_COLUMNS = [
    _status_column(),
    Column("milestone_text", "At", raw="milestone", tooltip="provenance"),
    Column("method_label", "Method", tooltip="method_text"),
    Column("risks_text", "Event risk by then: control → treatment", tooltip="method_text"),
    Column("per_100_text", "Per 100 patients", tooltip="per_100_tip", raw="per_100", align=_RIGHT),
    Column(
        "per_1000_text", "Per 1000 patients", tooltip="per_1000_tip", raw="per_1000", align=_RIGHT
    ),
]
#: For each column of :data:`ABSOLUTE_COLUMNS`, the frame column with the figure id a click selects.
ABSOLUTE_CELL_FIGURES = (
    "per_100_figure", "per_100_figure", "per_100_figure", "per_100_figure",
    "per_100_figure", "per_1000_figure",
)  # fmt: skip
TRACE_COLUMNS = [
    Column("step", "#", align=_RIGHT),
    Column("rule", "Rule", tooltip="rule"),
    Column("inputs", "Inputs", tooltip="inputs"),
    Column("outcome", "Outcome"),
    Column("citation", "Citation", tooltip="citation"),
]
FRAGILITY_COLUMNS = [
    _status_column(),
    Column("endpoint_label", "Endpoint", tooltip="provenance"),
    Column("kind_label", "Index", tooltip="kind_tip"),
    Column("index_text", "Patients", raw="index", tooltip="provenance", align=_RIGHT),
    Column("text", "Reading", tooltip="provenance"),
]


def absolute_frame(
    summary: Summary, effects: list[AbsoluteEffect], endpoint_names: dict[str, str]
) -> pd.DataFrame:
    """One row per absolute effect: texts, raw values, figure ids and provenance."""
    rows = []
    for e in effects:
        per_100_id = next((i for i in e.figure_ids if i.endswith(".per_100")), None)
        per_1000_id = next((i for i in e.figure_ids if i.endswith(".per_1000")), None)
        f100 = summary.get(per_100_id) if per_100_id else None
        f1000 = summary.get(per_1000_id) if per_1000_id else None
        level = e.level or (f100.level if f100 is not None else None)
        ci = f"{level * 100:g}% CI " if level else "CI "
        per_100_text = _with_ci(e.per_100, e.per_100_lower, e.per_100_upper, 1)
        per_1000_text = _with_ci(e.per_1000, e.per_1000_lower, e.per_1000_upper, 0)
        if e.per_100_lower is not None and e.per_100_upper is not None:
            per_100_text = per_100_text.replace(" (", f" ({ci}", 1)
            per_1000_text = per_1000_text.replace(" (", f" ({ci}", 1)
        treated = _percent(e.treatment_event_risk)
        if e.treatment_event_risk_lower is not None and e.treatment_event_risk_upper is not None:
            treated += (
                f" ({_percent(e.treatment_event_risk_lower)}–"
                f"{_percent(e.treatment_event_risk_upper)})"
            )
        endpoint = endpoint_names.get(e.endpoint, e.endpoint)
        rows.append(
            {
                "endpoint": e.endpoint,
                "status": e.status,
                "milestone": float(e.milestone),
                "milestone_text": f"{format_number(e.milestone)} months",
                "method": e.method,
                "method_label": _method_label(e),
                "method_text": _wrap(f"{endpoint}: {e.method_text}"),
                "risks_text": f"{_percent(e.control_event_risk)} → {treated}",
                "per_100": e.per_100,
                "per_100_text": per_100_text,
                "per_100_tip": _figure_tip(f100),
                "per_100_figure": per_100_id,
                "per_1000": e.per_1000,
                "per_1000_text": per_1000_text,
                "per_1000_tip": _figure_tip(f1000),
                "per_1000_figure": per_1000_id,
                "provenance": _figure_tip(f100) or _wrap(e.method_text),
            }
        )
    columns = [
        "endpoint", "status", "milestone", "milestone_text", "method", "method_label",
        "method_text", "risks_text", "per_100", "per_100_text", "per_100_tip", "per_100_figure",
        "per_1000", "per_1000_text", "per_1000_tip", "per_1000_figure", "provenance",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def trace_frame(result: McbsResult) -> pd.DataFrame:
    """One row per rule the ESMO-MCBS evaluator applied, in order."""
    rows = [
        {
            "step": i + 1,
            "rule": step.rule,
            "inputs": step.inputs,
            "outcome": step.outcome,
            "citation": step.citation,
        }
        for i, step in enumerate(result.trace)
    ]
    return pd.DataFrame(rows, columns=["step", "rule", "inputs", "outcome", "citation"])


def fragility_frame(summary: Summary, items: list[Fragility]) -> pd.DataFrame:
    """One row per binary endpoint's fragility (or reverse fragility) index."""
    rows = []
    for item in items:
        figure = summary.get(item.figure_id)
        name = figure.label.split(": ")[0] if figure is not None else item.endpoint
        rows.append(
            {
                "status": item.status,
                "endpoint": item.endpoint,
                "endpoint_label": name,
                "kind": item.kind,
                "kind_label": "Reverse fragility" if item.kind == "reverse" else "Fragility",
                "kind_tip": (
                    "Reverse fragility index (Khan et al. 2020): the fewest patients whose "
                    "outcome would have to change for a non-significant result to become "
                    "significant (Fisher's exact test, two-sided α = 0.05)"
                    if item.kind == "reverse"
                    else "Fragility index (Walsh et al. 2014): the fewest patients whose "
                    "outcome would have to change for a significant result to lose "
                    "significance (Fisher's exact test, two-sided α = 0.05)"
                ),
                "index": None if item.index is None else int(item.index),
                "index_text": "—" if item.index is None else str(int(item.index)),
                "text": item.text,
                "figure_id": item.figure_id,
                "provenance": _figure_tip(figure) or _wrap(item.text),
            }
        )
    columns = [
        "status", "endpoint", "endpoint_label", "kind", "kind_label", "kind_tip", "index",
        "index_text", "text", "figure_id", "provenance",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _method_label(effect: AbsoluteEffect) -> str:
    """The method in a few words, with a note when the control risk rests on the model."""
    label = effect.label or effect.method
    label = label[:1].upper() + label[1:]
    if effect.method == "hr":
        label += " (GRADE)"
    if effect.control_from_model:
        label += ", control from the model curve"
    if effect.extrapolated:
        label += " (extrapolated)"
    return label


def _fit_height(table: QTableView, rows: int, *, minimum: int = 60) -> None:
    """Fix the table's height to its header plus ``rows`` rows."""
    header = table.horizontalHeader().sizeHint().height()
    body = sum(table.rowHeight(r) for r in range(rows)) if rows else 0
    table.setFixedHeight(max(header + body + 2 * table.frameWidth() + 4, minimum))


@dataclass
class _IconPage:
    """One pictograph with its export buttons."""

    frame: QFrame
    widget: IconArrayWidget
    png_button: QPushButton
    svg_button: QPushButton


class InterpretationPanel(Panel):
    """Absolute effects, pictographs, benefit–harm, Bayesian reanalysis, ESMO-MCBS, fragility.

    Controls are named ``<what>_<kind>`` so tests and the main window can drive them.

    Attributes
    ----------
    tabs : QTabWidget
        One page per entry of :data:`PAGES`.
    bottom_line_label : QLabel
        The benefit–harm statement in plain words.
    absolute_table : QTableView
        Over ``absolute_model`` (a :class:`FrameModel` of :func:`absolute_frame`).
    median_gain_line, rmst_line : FigureLine
        The median gain and the restricted-mean difference.
    benefit_harm_plot : BenefitHarmPlot
        NNT beside NNH on one axis.
    icon_pages : dict of str to _IconPage
        Per icon array id (``"pfs_6"``, ``"ae_<id>"``) its widget and export buttons.
    prior_combo : QComboBox
        Flat, sceptical, enthusiastic, custom (item data: the prior name).
    prior_mean_spin, prior_sd_spin, threshold_spin : CheckedSpinBox
        Prior centre (HR), prior SD on the log scale (its minimum reads "flat"), and
        the clinically important threshold (HR).
    bayes_entry_label : QLabel
        What one of them refused or corrected and what to enter instead (hidden when
        there is nothing to say).
    p_below_1_line, p_below_threshold_line, posterior_line : FigureLine
        The posterior results.
    posterior_plot : PosteriorPlot
        Prior, likelihood and posterior densities.
    bayes_result : BayesResult or None
        The posterior shown.
    mcbs_statement_label, mcbs_form_label, mcbs_grade_line : QLabel
        The ESMO-MCBS verdict.
    trace_table : QTableView
        Over ``trace_model``: rule, inputs, outcome, citation.
    fragility_table : QTableView
        Over ``fragility_model``.

    Signals
    -------
    figure_selected(str)
        A figure id, whenever the user selects a number.
    bayes_changed(object)
        The new :class:`~explorer.analysis.interpretation.BayesResult`.
    """

    name = "interpretation"
    title = "Interpretation"

    bayes_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: Summary | None = None
        self.priors: dict[str, Prior] = {}
        self.bayes_result: BayesResult | None = None
        self.mcbs_result: McbsResult | None = None
        self.effects: list[AbsoluteEffect] = []
        self.gain: SurvivalGain | None = None
        self.benefit: BenefitHarm | None = None
        self.arrays: list[IconArray] = []
        self.fragilities: list[Fragility] = []
        self._default_threshold = 1.0
        self._quiet = False
        self._binding = False

        self.bottom_line_label = _plain_label()
        font = self.bottom_line_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.bottom_line_label.setFont(font)
        self.key_label = _plain_label(
            "   ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
            + "   ·   hover a number for its source or derivation; click it to select it",
            style=_MUTED,
        )
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, QWidget] = {}
        builders = {
            "absolute": self._build_absolute_page,
            "benefit_harm": self._build_benefit_harm_page,
            "pictographs": self._build_pictograph_page,
            "bayes": self._build_bayes_page,
            "mcbs": self._build_mcbs_page,
            "fragility": self._build_fragility_page,
        }
        for key, title in PAGES:
            page = builders[key]()
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(page)
            self.pages[key] = page
            self.tabs.addTab(scroll, title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.bottom_line_label)
        layout.addWidget(self.key_label)
        layout.addWidget(self.tabs, 1)

    # -- building: absolute effects and benefit–harm ----------------------------------------
    def _build_absolute_page(self) -> QWidget:
        page = QWidget()
        self.absolute_intro = _plain_label(style=_MUTED)
        self.absolute_model = FrameModel(absolute_frame_empty(), ABSOLUTE_COLUMNS, parent=self)
        self.absolute_proxy = QSortFilterProxyModel(self)
        self.absolute_proxy.setSourceModel(self.absolute_model)
        self.absolute_proxy.setSortRole(RawRole)
        self.absolute_table = QTableView()
        self.absolute_table.setModel(self.absolute_proxy)
        configure_table(self.absolute_table)
        self.absolute_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.absolute_table.selectionModel().selectionChanged.connect(
            self._on_absolute_selection_changed
        )
        self.absolute_table.clicked.connect(self._on_absolute_clicked)
        self.method_label = _plain_label(style="color: #444;")
        self.skipped_label = _plain_label(style=_MUTED)

        self.median_gain_line = FigureLine()
        self.rmst_line = FigureLine()
        for line in (self.median_gain_line, self.rmst_line):
            line.clicked.connect(self._emit_figure)

        gains = QGroupBox("Time gained")
        gains_layout = QVBoxLayout(gains)
        gains_layout.addWidget(self.median_gain_line)
        gains_layout.addWidget(self.rmst_line)
        layout = QVBoxLayout(page)
        layout.addWidget(self.absolute_intro)
        layout.addWidget(self.absolute_table)
        layout.addWidget(self.skipped_label)
        layout.addWidget(gains)
        methods = QGroupBox("How each row is computed")
        methods_layout = QVBoxLayout(methods)
        methods_layout.addWidget(self.method_label)
        layout.addWidget(methods)
        layout.addStretch(1)
        return page

    # -- building: benefit–harm ---------------------------------------------------------------
    def _build_benefit_harm_page(self) -> QWidget:
        page = QWidget()
        self.benefit_harm_plot = BenefitHarmPlot()
        self.benefit_harm_plot.setMinimumHeight(200)
        self.benefit_harm_plot.row_clicked.connect(self._emit_figure)
        self.benefit_line = FigureLine()
        self.harm_line = FigureLine()
        for line in (self.benefit_line, self.harm_line):
            line.clicked.connect(self._emit_figure)
        self.convention_label = _plain_label(style=_MUTED)

        numbers = QHBoxLayout()
        numbers.addWidget(self.benefit_line, 1)
        numbers.addWidget(self.harm_line, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.benefit_harm_plot, 1)
        layout.addLayout(numbers)
        layout.addWidget(self.convention_label)
        page.setMinimumHeight(380)
        return page

    # -- building: pictographs --------------------------------------------------------------
    def _build_pictograph_page(self) -> QWidget:
        page = QWidget()
        self.icon_pages: dict[str, _IconPage] = {}
        self.pictograph_note = _plain_label(
            "Each figure is one person. Counts are out of 100 people like those in the trial, "
            "rounded to whole people; hover a grid for where its count comes from. Export a "
            "picture to show a patient.",
            style=_MUTED,
        )
        self.icon_row = QHBoxLayout()
        self.icon_row.setSpacing(12)
        layout = QVBoxLayout(page)
        layout.addWidget(self.pictograph_note)
        layout.addLayout(self.icon_row, 1)
        page.setMinimumSize(900, 470)
        return page

    def _icon_page(self, array_id: str) -> _IconPage:
        existing = self.icon_pages.get(array_id)
        if existing is not None:
            return existing
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        widget = IconArrayWidget()
        widget.arm_clicked.connect(self._emit_figure)
        png = QPushButton("Export PNG…")
        svg = QPushButton("Export SVG…")
        png.setObjectName(f"export_png_{array_id}")
        svg.setObjectName(f"export_svg_{array_id}")
        png.clicked.connect(lambda _=False, i=array_id: self._on_export_clicked(i, "png"))
        svg.clicked.connect(lambda _=False, i=array_id: self._on_export_clicked(i, "svg"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(png)
        buttons.addWidget(svg)
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(4, 4, 4, 4)
        frame_layout.addWidget(widget, 1)
        frame_layout.addLayout(buttons)
        self.icon_row.addWidget(frame, 1)
        page = _IconPage(frame, widget, png, svg)
        self.icon_pages[array_id] = page
        return page

    # -- building: Bayesian -------------------------------------------------------------------
    def _build_bayes_page(self) -> QWidget:
        page = QWidget()
        self.prior_combo = QComboBox()
        for name, label in PRIOR_LABELS.items():
            self.prior_combo.addItem(label, name)
        self.prior_mean_spin = CheckedSpinBox("Prior centre (HR)")
        self.prior_mean_spin.setDecimals(3)
        self.prior_mean_spin.setRange(0.05, 5.0)
        self.prior_mean_spin.setSingleStep(0.05)
        self.prior_mean_spin.setValue(1.0)
        self.prior_mean_spin.setToolTip("Centre of the prior, as a hazard ratio")
        self.prior_sd_spin = CheckedSpinBox("Prior SD (log HR)", hint="(0 is a flat prior)")
        self.prior_sd_spin.setDecimals(3)
        self.prior_sd_spin.setRange(0.0, 3.0)
        self.prior_sd_spin.setSingleStep(0.01)
        self.prior_sd_spin.setSpecialValueText("flat")
        self.prior_sd_spin.setToolTip(
            "Standard deviation of the prior on the log hazard ratio; at its minimum the prior "
            "is flat (no prior opinion)"
        )
        self.threshold_spin = CheckedSpinBox("Clinically important threshold (HR)")
        self.threshold_spin.setDecimals(2)
        self.threshold_spin.setRange(0.1, 2.0)
        self.threshold_spin.setSingleStep(0.05)
        self.threshold_spin.setValue(1.0)
        #: What a prior or threshold entry refused or corrected, and what to enter instead.
        self.bayes_entry_label = _plain_label(style=f"color: {LEVEL_COLOURS['warn']};")
        self.bayes_entry_label.setObjectName("bayes_entry_problem")
        self.bayes_entry_label.hide()
        for spin in (self.prior_mean_spin, self.prior_sd_spin, self.threshold_spin):
            spin.problem.connect(self._show_bayes_entry_problem)
            spin.setKeyboardTracking(False)
            spin.setMinimumHeight(spin.sizeHint().height())
        self.threshold_spin.setToolTip(
            "A hazard ratio below which the effect would matter to patients; the panel "
            "gives the posterior probability that the true HR is below it"
        )
        self.prior_note = _plain_label(style=_MUTED)
        self.reset_bayes_button = QPushButton("Reset")
        self.reset_bayes_button.setToolTip("Flat prior and the default threshold")
        self.reset_bayes_button.clicked.connect(self._on_reset_bayes_clicked)

        form = QFormLayout()
        form.addRow("Prior", self.prior_combo)
        form.addRow("Prior centre (HR)", self.prior_mean_spin)
        form.addRow("Prior SD (log HR)", self.prior_sd_spin)
        form.addRow("Clinically important threshold (HR)", self.threshold_spin)
        self.threshold_note = _plain_label(style=_MUTED)
        controls = QGroupBox("Prior and threshold")
        controls_layout = QVBoxLayout(controls)
        controls_layout.addLayout(form)
        controls_layout.addWidget(self.bayes_entry_label)
        controls_layout.addWidget(self.threshold_note)
        controls_layout.addWidget(self.prior_note)
        reset_row = QHBoxLayout()
        reset_row.addStretch(1)
        reset_row.addWidget(self.reset_bayes_button)
        controls_layout.addLayout(reset_row)

        self.p_below_1_line = FigureLine()
        self.p_below_threshold_line = FigureLine()
        self.posterior_line = FigureLine()
        self.likelihood_line = FigureLine()
        for line in (
            self.p_below_1_line,
            self.p_below_threshold_line,
            self.posterior_line,
            self.likelihood_line,
        ):
            line.clicked.connect(self._emit_figure)
        big = self.p_below_1_line.font()
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self.p_below_1_line.setFont(big)
        self.p_below_threshold_line.setFont(big)
        results = QGroupBox("Posterior")
        results_layout = QVBoxLayout(results)
        results_layout.addWidget(self.p_below_1_line)
        results_layout.addWidget(self.p_below_threshold_line)
        results_layout.addWidget(self.posterior_line)
        results_layout.addWidget(self.likelihood_line)
        self.bayes_note = _plain_label(
            "Normal approximation on the log HR (standard error from the printed CI). Under "
            "another prior or threshold the numbers are a what-if, not figures of the summary.",
            style=_MUTED,
        )

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(controls)
        left_layout.addWidget(results)
        left_layout.addWidget(self.bayes_note)
        left_layout.addStretch(1)
        left.setMinimumWidth(360)
        left.setMaximumWidth(470)

        self.posterior_plot = PosteriorPlot()
        self.posterior_plot.setMinimumSize(420, 320)
        layout = QHBoxLayout(page)
        layout.addWidget(left)
        layout.addWidget(self.posterior_plot, 1)

        self.prior_combo.currentIndexChanged.connect(self._on_prior_combo_changed)
        self.prior_mean_spin.valueChanged.connect(self._on_prior_spin_changed)
        self.prior_sd_spin.valueChanged.connect(self._on_prior_spin_changed)
        self.threshold_spin.valueChanged.connect(self._on_threshold_spin_changed)
        page.setMinimumHeight(460)
        return page

    # -- building: ESMO-MCBS ----------------------------------------------------------------
    def _build_mcbs_page(self) -> QWidget:
        page = QWidget()
        self.mcbs_statement_label = _plain_label()
        font = self.mcbs_statement_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.mcbs_statement_label.setFont(font)
        self.mcbs_grade_line = FigureLine()
        self.mcbs_grade_line.clicked.connect(self._emit_figure)
        self.mcbs_form_label = _plain_label()
        self.mcbs_adjustments_label = _plain_label(style="color: #444;")
        self.trace_model = _TraceModel(
            trace_frame_empty(), TRACE_COLUMNS, status_column=None, parent=self
        )
        self.trace_table = QTableView()
        self.trace_table.setModel(self.trace_model)
        configure_table(self.trace_table, wrap=True, sortable=False)
        header = self.trace_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
        self.trace_table.setColumnWidth(4, 280)
        self.trace_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.trace_table.selectionModel().selectionChanged.connect(self._on_trace_selected)
        self.mcbs_note = _plain_label(
            "ESMO Magnitude of Clinical Benefit Scale v1.1 (Cherny et al., Ann Oncol "
            "2017;28:2340–2366), non-curative setting: form 2a for an overall-survival "
            "primary endpoint, form 2b for progression-free survival. Each rule the "
            "evaluator applied is listed in order.",
            style=_MUTED,
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.mcbs_statement_label)
        layout.addWidget(self.mcbs_grade_line)
        layout.addWidget(self.mcbs_form_label)
        layout.addWidget(self.mcbs_adjustments_label)
        layout.addWidget(self.trace_table, 1)
        layout.addWidget(self.mcbs_note)
        page.setMinimumHeight(420)
        return page

    # -- building: fragility ------------------------------------------------------------------
    def _build_fragility_page(self) -> QWidget:
        page = QWidget()
        self.fragility_model = FrameModel(fragility_frame_empty(), FRAGILITY_COLUMNS, parent=self)
        self.fragility_table = QTableView()
        self.fragility_table.setModel(self.fragility_model)
        configure_table(self.fragility_table, wrap=True, sortable=False)
        self.fragility_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.fragility_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )
        self.fragility_table.selectionModel().selectionChanged.connect(self._on_fragility_selected)
        # Wrapped rows change height with the table's width: refit when a column resizes.
        self.fragility_table.horizontalHeader().sectionResized.connect(self._fit_fragility_table)
        self.fragility_note = _plain_label(
            "Fragility index (Walsh et al., J Clin Epidemiol 2014): for a significant result, "
            "the fewest patients in the arm with fewer events whose outcome would have to "
            "change from non-event to event for Fisher's exact test to lose significance "
            "(p ≥ 0.05). Reverse fragility index (Khan et al. 2020): for a non-significant "
            "result, the fewest changes that would make it significant. A small index means "
            "the conclusion rests on a handful of patients. Counts reconstructed from printed "
            "percentages make the index reconstructed (◇).",
            style=_MUTED,
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.fragility_table)
        layout.addWidget(self.fragility_note)
        layout.addStretch(1)
        return page

    # -- state ------------------------------------------------------------------------------
    def set_summary(self, summary: Summary) -> None:
        """Show ``summary``: every page is refreshed; the Bayesian controls are reset."""
        self.summary = summary
        ev = summary.evidence
        colours = arm_colours(ev)
        self._show_absolute(summary)
        self._show_benefit_harm(summary)
        self._show_pictographs(summary, colours)
        self._show_mcbs(summary)
        self._show_fragility(summary)
        self.priors = {p.name: p for p in default_priors(ev, summary)}
        self._default_threshold = self._threshold_from_figures(summary)
        self.threshold_note.setText(
            f"Threshold default {format_number(self._default_threshold)}: the hazard ratio the "
            "trial was designed to detect, the investigators' own clinically important effect."
            if self._default_threshold != 1.0
            else "Threshold default 1: no design hazard ratio is reported."
        )
        self.set_bayes(self.priors.get("flat") or _flat_prior(), self._default_threshold)

    def _show_absolute(self, summary: Summary) -> None:
        ev = summary.evidence
        self.effects = absolute_effects(ev, summary)
        names = {ep.id: ep.name for ep in ev.endpoints}
        frame = absolute_frame(summary, self.effects, names)
        self.absolute_model.set_frame(frame)
        pair = primary_pair(ev)
        t, c = (pair.treatment.label, pair.control.label) if pair else ("", "")
        if pair is None:
            self.absolute_intro.setText(
                comparison_scope(ev) or "Not applicable: no control arm to compare with."
            )
        elif self.effects:
            self.absolute_intro.setText(
                f"Patients per 100 (and per 1000) treated with {t} rather than {c} who are "
                "spared the endpoint's event by each time; positive numbers favour "
                f"{t}. The landmark rows use the reported rates, for which no interval is "
                "reported; the hazard-ratio rows apply the HR and its CI to the control "
                "arm's risk."
            )
        else:
            self.absolute_intro.setText("No absolute effects: no landmark rate or hazard ratio.")
        skipped = skipped_milestones(ev, summary) if pair is not None else []
        scope = comparison_scope(ev) if pair is not None else None
        text = " ".join(
            x for x in (scope, "Not shown: " + " ".join(skipped) if skipped else "") if x
        )
        self.skipped_label.setText(text)
        self.skipped_label.setVisible(bool(text))
        self.absolute_table.resizeColumnsToContents()
        self.absolute_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        _fit_height(self.absolute_table, len(frame))
        self.method_label.setText(
            "\n\n".join(
                f"{e.milestone:g} months, {e.label or e.method}: {e.method_text}"
                for e in self.effects
            )
        )

        self.gain = gain = survival_gain(ev, summary)
        if gain is not None:
            ids = {i.rsplit(".", 1)[-1]: i for i in gain.figure_ids}
            self._set_figure_line(
                self.median_gain_line, summary, ids.get("median_gain", ""), gain.median_gain_text
            )
            # The words before the model's description; the tooltip has all of it.
            short = gain.rmst_text.split(": the area under")[0].rstrip(".") + "."
            self._set_figure_line(self.rmst_line, summary, ids.get("rmst_difference", ""), short)
        else:
            self.median_gain_line.set_line("Median gain: not available", None, "")
            self.rmst_line.set_line("Restricted mean survival: not available", None, "")

    def _set_figure_line(
        self, line: FigureLine, summary: Summary, figure_id: str, text: str
    ) -> None:
        figure = summary.get(figure_id)
        if figure is None:
            line.set_line(text, DERIVED, "", None)
        else:
            line.set_line(text, figure.status, _figure_tip(figure), figure_id)

    def _show_benefit_harm(self, summary: Summary) -> None:
        ev = summary.evidence
        self.benefit = bh = benefit_harm(ev, summary)
        self.bottom_line_label.setText(bh.statement)
        rows = [
            row
            for row in (
                self._benefit_row(summary, bh.benefit),
                self._harm_row(summary, bh.harm),
            )
            if row is not None
        ]
        pair = primary_pair(ev)
        self.benefit_harm_plot.set_rows(rows, pair.treatment.label if pair else "")
        self._set_number_line(self.benefit_line, summary, bh.benefit, "Benefit")
        self._set_number_line(self.harm_line, summary, bh.harm, "Harm")
        crossing = [n for n in (bh.benefit, bh.harm) if n is not None and n.lower is None]
        self.convention_label.setText(
            " ".join(n.convention for n in crossing)
            if crossing
            else "NNT and NNH are 100 divided by the extra patients per 100; their interval "
            "bounds are the reciprocals of the difference's bounds (Altman, BMJ 1998)."
        )

    def _benefit_row(self, summary: Summary, number: NumberNeeded | None) -> BenefitHarmRow | None:
        """The benefit row: the absolute effect (HR method) behind the NNT."""
        figure = summary.get(number.figure_id) if number is not None else None
        if number is None or figure is None:
            return None
        effect = next(
            (e for e in self.effects if any(i in figure.inputs for i in e.figure_ids)), None
        )
        if effect is None:
            return None
        per_100 = summary.get(next(i for i in effect.figure_ids if i.endswith(".per_100")))
        what = per_100.label.split(",")[0] if per_100 is not None else effect.endpoint
        return BenefitHarmRow(
            kind="benefit",
            label=f"Benefit: {what}",
            per_100=effect.per_100,
            lower=effect.per_100_lower,
            upper=effect.per_100_upper,
            level=effect.level,
            number_text=number.text,
            status=number.status,
            figure_id=number.figure_id,
            tooltip=_figure_tip(figure),
        )

    @staticmethod
    def _harm_row(summary: Summary, number: NumberNeeded | None) -> BenefitHarmRow | None:
        """The harm row: the adverse event's risk difference (percentage points = per 100)."""
        figure = summary.get(number.figure_id) if number is not None else None
        if number is None or figure is None:
            return None
        rd = next(
            (summary.get(i) for i in figure.inputs if i.endswith(".rd") and summary.get(i)), None
        )
        if rd is None or rd.value is None:
            return None
        return BenefitHarmRow(
            kind="harm",
            label=f"Harm: {rd.label.split(':')[0].lower()}",
            per_100=rd.value,
            lower=rd.lower,
            upper=rd.upper,
            level=rd.level,
            number_text=number.text,
            status=number.status,
            figure_id=number.figure_id,
            tooltip=_figure_tip(figure),
        )

    def _set_number_line(
        self, line: FigureLine, summary: Summary, number: NumberNeeded | None, what: str
    ) -> None:
        if number is None:
            line.set_line(f"{what}: not available", None, "")
            return
        figure = summary.get(number.figure_id)
        line.set_line(
            number.text,
            number.status,
            _figure_tip(figure) or _wrap(number.convention),
            number.figure_id if figure is not None else None,
        )

    def _show_pictographs(self, summary: Summary, colours: dict[str, str]) -> None:
        self.arrays = icon_arrays(summary.evidence, summary)
        wanted = {a.id for a in self.arrays}
        for array_id in list(self.icon_pages):
            if array_id not in wanted:
                page = self.icon_pages.pop(array_id)
                self.icon_row.removeWidget(page.frame)
                page.frame.deleteLater()
        for array in self.arrays:
            page = self._icon_page(array.id)
            provenance = {
                arm.figure_id: (f.provenance if (f := summary.get(arm.figure_id)) else "")
                for arm in array.arms
            }
            page.widget.set_array(array, colours, provenance)

    def _show_mcbs(self, summary: Summary) -> None:
        result = evaluate_evidence(summary.evidence, summary)
        self.mcbs_result = result
        self.mcbs_statement_label.setText(result.statement)
        grade_id = "interp.esmo_mcbs.grade"
        figure = summary.get(grade_id)
        if result.final_grade is None:
            grade_text = "Grade: none (not graded)" if not result.eligible else "Grade: none"
        else:
            grade_text = f"Grade: {result.final_grade}"
            if result.preliminary_grade is not None and (
                result.preliminary_grade != result.final_grade
            ):
                grade_text += f" (preliminary {result.preliminary_grade}, after adjustments)"
        if figure is not None:
            self.mcbs_grade_line.set_line(grade_text, figure.status, _figure_tip(figure), grade_id)
        else:
            self.mcbs_grade_line.set_line(grade_text, DERIVED, _wrap(result.statement))
        self.mcbs_form_label.setText(result.form_reason)
        self.mcbs_adjustments_label.setText(
            "Adjustments: " + "; ".join(result.adjustments)
            if result.adjustments
            else "Adjustments: none applied."
        )
        self.trace_model.set_frame(trace_frame(result))
        self.trace_table.resizeRowsToContents()

    def _show_fragility(self, summary: Summary) -> None:
        self.fragilities = fragility(summary.evidence, summary)
        frame = fragility_frame(summary, self.fragilities)
        self.fragility_model.set_frame(frame)
        self.fragility_table.resizeColumnsToContents()
        self.fragility_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )
        self._fit_fragility_table()

    def _fit_fragility_table(self, *_args) -> None:
        self.fragility_table.resizeRowsToContents()
        _fit_height(self.fragility_table, self.fragility_model.rowCount())

    # -- Bayesian: binding ------------------------------------------------------------------
    @staticmethod
    def _threshold_from_figures(summary: Summary) -> float:
        """The default clinically important threshold: the design's hypothesised HR.

        It is the threshold of the summary's ``interp.bayes.<prior>.p_below_threshold``
        figures (the effect the investigators judged worth detecting), so the default
        view shows those figures; 1.0 when the design states no HR.
        """
        figure = summary.get("interp.bayes.flat.p_below_threshold")
        design = summary.get("design.hypothesised_hr")
        if figure is not None and design is not None and design.value and design.value > 0:
            return float(design.value)
        return 1.0

    def current_prior(self) -> Prior:
        """The prior the controls describe: a named default, or a custom one."""
        name = self.prior_combo.currentData()
        if name in self.priors and name != "custom":
            return self.priors[name]
        sd = self.prior_sd_spin.value()
        mean = self.prior_mean_spin.value()
        sd_log = None if sd <= self.prior_sd_spin.minimum() else sd
        description = (
            "Custom flat prior (no prior opinion)"
            if sd_log is None
            else f"Custom: normal on log HR centred at HR {mean:.3g} with SD {sd_log:.3g}"
        )
        return Prior(name="custom", mean_hr=mean, sd_log=sd_log, description=description)

    def set_bayes(self, prior: Prior, threshold: float | None = None) -> None:
        """Show the posterior under ``prior`` (and ``threshold``); the controls follow.

        A prior named like a default ("flat", "sceptical", "enthusiastic") selects that
        entry of the combo; any other is shown as custom.
        """
        with self._bound():
            index = self.prior_combo.findData(prior.name)
            if index < 0:
                index = self.prior_combo.findData("custom")
            self.prior_combo.setCurrentIndex(index)
            self.prior_mean_spin.setValue(prior.mean_hr)
            self.prior_sd_spin.setValue(
                self.prior_sd_spin.minimum() if prior.sd_log is None else prior.sd_log
            )
            if threshold is not None:
                self.threshold_spin.setValue(threshold)
        self._recompute(prior)

    @contextlib.contextmanager
    def _bound(self) -> Iterator[None]:
        self._binding = True
        try:
            yield
        finally:
            self._binding = False

    def _recompute(self, prior: Prior | None = None) -> None:
        summary = self.summary
        if summary is None:
            return
        prior = prior or self.current_prior()
        threshold = self.threshold_spin.value()
        try:
            result = bayesian(summary.evidence, summary, prior=prior, threshold=threshold)
        except ValueError as exc:
            # E.g. no hazard ratio with a CI for the primary endpoint: say so, draw nothing.
            self.bayes_result = None
            message = f"No Bayesian reanalysis: {exc}."
            for line in (self.p_below_1_line, self.p_below_threshold_line, self.posterior_line):
                line.set_line("", None, "")
            self.p_below_1_line.set_line(message, None, "")
            self.likelihood_line.set_line("", None, "")
            self.prior_note.setText(prior.description)
            self.posterior_plot.clear_result(message)
            self._set_bayes_enabled(False)
            return
        self._set_bayes_enabled(True)
        self.bayes_result = result
        self.prior_note.setText(prior.description)
        self._show_bayes_result(summary, result)
        self.posterior_plot.set_result(result)
        self.bayes_changed.emit(result)

    def _set_bayes_enabled(self, enabled: bool) -> None:
        for widget in (
            self.prior_combo,
            self.prior_mean_spin,
            self.prior_sd_spin,
            self.threshold_spin,
            self.reset_bayes_button,
        ):
            widget.setEnabled(enabled)

    def _show_bayes_result(self, summary: Summary, result: BayesResult) -> None:
        name = result.prior.name
        default = self.priors.get(name)
        is_default = default is not None and name != "custom" and _same_prior(default, result.prior)
        at_threshold = is_default and math.isclose(
            result.threshold, self._default_threshold, abs_tol=1e-9
        )
        primary = summary.evidence.primary_endpoint
        hr = summary.get(f"{primary.id}.hr") if primary is not None else None
        what_if = _wrap(
            "What-if, not a figure of the summary: normal–normal conjugate posterior on the "
            f"log hazard ratio. Prior: {result.prior.description} Likelihood: "
            + (f"{hr.label} = {hr.formatted()} [{hr.status}]" if hr is not None else "the HR")
            + f". Threshold: HR {format_number(result.threshold)}."
        )

        def figure(key: str, shown: bool) -> Figure | None:
            return summary.get(f"interp.bayes.{name}.{key}") if shown else None

        def show(line: FigureLine, text: str, fig: Figure | None) -> None:
            if fig is not None:
                line.set_line(text, fig.status, _figure_tip(fig), fig.id)
            else:
                line.set_line(text, result.status, what_if, None)

        t = format_number(result.threshold)
        show(
            self.p_below_1_line,
            f"P(HR < 1) = {_percent(result.probability_below_1)}: the probability that "
            f"{self._treatment()} truly lowers the hazard of progression or death",
            figure("p_below_1", is_default),
        )
        show(
            self.p_below_threshold_line,
            f"P(HR < {t}) = {_percent(result.probability_below_threshold)}: the probability "
            "of an effect at least as large as the clinically important threshold",
            figure("p_below_threshold", at_threshold),
        )
        show(
            self.posterior_line,
            f"Posterior median HR {result.posterior_median:.2f} "
            f"({result.level * 100:g}% credible interval {result.lower:.2f}–{result.upper:.2f})",
            figure("posterior_hr", is_default),
        )
        if hr is not None:
            self.likelihood_line.set_line(
                f"Likelihood: {hr.label} {hr.formatted()}", hr.status, _figure_tip(hr), hr.id
            )
        else:
            self.likelihood_line.set_line("Likelihood: no hazard ratio", None, "")

    def _treatment(self) -> str:
        pair = primary_pair(self.summary.evidence) if self.summary else None
        return pair.treatment.label if pair is not None else "the treatment"

    # -- selection ----------------------------------------------------------------------------
    def select_figure(self, figure_id: str) -> bool:
        """Bring the page that shows ``figure_id`` to the front and select it there."""
        frame = self.absolute_model.frame
        for row in range(len(frame)):
            if figure_id in (frame.at[row, "per_100_figure"], frame.at[row, "per_1000_figure"]):
                self.tabs.setCurrentIndex(_page_index("absolute"))
                index = self.absolute_proxy.mapFromSource(self.absolute_model.index(row, 0))
                with self._quietly():
                    self.absolute_table.selectRow(index.row())
                return True
        for line in (self.median_gain_line, self.rmst_line, self.benefit_line, self.harm_line):
            if line.figure_id == figure_id:
                self.tabs.setCurrentIndex(_page_index("absolute"))
                return True
        for array in self.arrays:
            if any(arm.figure_id == figure_id for arm in array.arms):
                self.tabs.setCurrentIndex(_page_index("pictographs"))
                return True
        if figure_id.startswith("interp.bayes."):
            self.tabs.setCurrentIndex(_page_index("bayes"))
            prior = self.priors.get(figure_id.split(".")[2])
            if prior is not None:
                self.set_bayes(prior, self._default_threshold)
            return True
        if figure_id.startswith("interp.esmo_mcbs"):
            self.tabs.setCurrentIndex(_page_index("mcbs"))
            return True
        frame = self.fragility_model.frame
        for row in range(len(frame)):
            if frame.at[row, "figure_id"] == figure_id:
                self.tabs.setCurrentIndex(_page_index("fragility"))
                with self._quietly():
                    self.fragility_table.selectRow(row)
                return True
        return False

    def highlight_figures(self, ids: tuple[str, ...]) -> None:
        """Show the first of ``ids`` this panel has, without emitting ``figure_selected``."""
        with self._quietly():
            for figure_id in ids:
                if self.select_figure(figure_id):
                    return

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _emit_figure(self, figure_id: str) -> None:
        if figure_id and not self._quiet:
            self.figure_selected.emit(figure_id)

    # -- exports ------------------------------------------------------------------------------
    def export_icon_array(self, array_id: str, path: str | Path) -> Path:
        """Write the icon array ``array_id`` to ``path`` (PNG or SVG by its suffix)."""
        widget = self.icon_pages[array_id].widget
        path = Path(path)
        if path.suffix.lower() == ".svg":
            widget.export_svg(path)
        else:
            widget.export_png(path)
        return path

    # -- slots ----------------------------------------------------------------------------------
    def _on_export_clicked(self, array_id: str, kind: str) -> None:
        acronym = self.summary.evidence.trial.acronym if self.summary else "trial"
        suggested = f"{acronym}-{array_id}.{kind}"
        filters = "PNG image (*.png)" if kind == "png" else "SVG drawing (*.svg)"
        path, _ = QFileDialog.getSaveFileName(self, "Export pictograph", suggested, filters)
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        try:
            self.export_icon_array(array_id, path)
        except OSError as exc:
            self.pictograph_note.setText(f"Could not export: {exc}")

    def _on_absolute_selection_changed(self, *_args) -> None:
        rows = self.absolute_table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.absolute_proxy.mapToSource(rows[0]).row()
        figure_id = self.absolute_model.row_value(row, "per_100_figure")
        if isinstance(figure_id, str):
            self._emit_figure(figure_id)

    def _on_absolute_clicked(self, index: QModelIndex) -> None:
        key = ABSOLUTE_CELL_FIGURES[index.column()]
        row = self.absolute_proxy.mapToSource(index).row()
        figure_id = self.absolute_model.row_value(row, key)
        if isinstance(figure_id, str):
            self._emit_figure(figure_id)

    def _on_trace_selected(self, *_args) -> None:
        if self.summary is not None and self.summary.get("interp.esmo_mcbs.grade") is not None:
            self._emit_figure("interp.esmo_mcbs.grade")

    def _on_fragility_selected(self, *_args) -> None:
        rows = self.fragility_table.selectionModel().selectedRows()
        if rows:
            figure_id = self.fragility_model.row_value(rows[0].row(), "figure_id")
            if isinstance(figure_id, str) and self.summary and self.summary.get(figure_id):
                self._emit_figure(figure_id)

    def _on_prior_combo_changed(self, _index: int) -> None:
        if self._binding:
            return
        name = self.prior_combo.currentData()
        prior = self.priors.get(name)
        if prior is not None:
            self.set_bayes(prior)
        else:
            self._recompute()

    def _on_prior_spin_changed(self, _value: float) -> None:
        if self._binding:
            return
        name = self.prior_combo.currentData()
        if name != "custom":
            with self._bound():
                self.prior_combo.setCurrentIndex(self.prior_combo.findData("custom"))
        self._recompute()

    def _on_threshold_spin_changed(self, _value: float) -> None:
        if self._binding:
            return
        self._recompute()

    def _show_bayes_entry_problem(self, message: str) -> None:
        """Say what a prior or threshold entry refused (empty: clears the message)."""
        self.bayes_entry_label.setText(message)
        self.bayes_entry_label.setVisible(bool(message))

    def _on_reset_bayes_clicked(self) -> None:
        self.set_bayes(self.priors.get("flat") or _flat_prior(), self._default_threshold)


# -- helpers ----------------------------------------------------------------------------------


def _page_index(key: str) -> int:
    return [k for k, _ in PAGES].index(key)


def _same_prior(a: Prior, b: Prior) -> bool:
    if (a.sd_log is None) != (b.sd_log is None):
        return False
    same_sd = a.sd_log is None or math.isclose(a.sd_log, b.sd_log, rel_tol=1e-9)
    return same_sd and (a.sd_log is None or math.isclose(a.mean_hr, b.mean_hr, rel_tol=1e-9))


def _flat_prior() -> Prior:
    return Prior(name="flat", mean_hr=1.0, sd_log=None, description="Flat prior (no opinion)")


def _threshold_in_label(label: str) -> float | None:
    """The number after the last "HR < " in a figure label ("P(HR < 0.8)") or None."""
    marker = "HR < "
    at = label.rfind(marker)
    if at < 0:
        return None
    digits = ""
    for ch in label[at + len(marker) :]:
        if ch.isdigit() or ch == ".":
            digits += ch
        else:
            break
    try:
        return float(digits.rstrip("."))
    except ValueError:
        return None


def absolute_frame_empty() -> pd.DataFrame:
    """An absolute-effects frame with no rows."""
    return pd.DataFrame(
        columns=[
            "endpoint", "status", "milestone", "milestone_text", "method", "method_label",
            "method_text", "risks_text", "per_100", "per_100_text", "per_100_tip",
            "per_100_figure", "per_1000", "per_1000_text", "per_1000_tip", "per_1000_figure",
            "provenance",
        ]
    )  # fmt: skip


def trace_frame_empty() -> pd.DataFrame:
    """A trace frame with no rows."""
    return pd.DataFrame(columns=["step", "rule", "inputs", "outcome", "citation"])


def fragility_frame_empty() -> pd.DataFrame:
    """A fragility frame with no rows."""
    return pd.DataFrame(
        columns=[
            "status", "endpoint", "endpoint_label", "kind", "kind_label", "kind_tip", "index",
            "index_text", "text", "figure_id", "provenance",
        ]
    )  # fmt: skip


__all__ = [
    "FigureLine",
    "InterpretationPanel",
    "absolute_frame",
    "fragility_frame",
    "trace_frame",
]
