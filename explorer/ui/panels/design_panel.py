"""The Design panel: the trial's design, live.

The inputs are seeded from the reported design; every change of a control replaces
the panel's frozen :class:`~explorer.analysis.design.DesignInputs` and re-evaluates it
(closed forms, well under a frame), then updates the result labels and the power
curve with ``setData``. Inputs that differ from the reported design are shown in bold
with an "edited" note, and every result's tooltip then says "what-if".

All numbers come from :mod:`explorer.analysis.design`; this module only binds and draws.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import Summary
from explorer.analysis.design import (
    EDITABLE_FIELDS,
    INPUT_LABELS,
    DesignInputs,
    DesignResult,
    InputOrigin,
    design_curve,
    edited_fields,
    evaluate,
    format_input,
    input_origins,
    result_figures,
)
from explorer.analysis.figures import Figure, format_number
from explorer.ui.panels.base import Panel
from explorer.ui.plots.power_plot import PowerPlot
from explorer.ui.style import LEVEL_COLOURS, STATUS_COLOURS, arm_colours, status_mark

#: Colour of the "edited" note beside an input that differs from the reported design.
EDITED_COLOUR = LEVEL_COLOURS["note"]
_ORIGIN_COLOUR = "#666666"
_HIGHLIGHT = "background-color: #FFF3C4;"
_TOOLTIP_WIDTH = 78
_SIDE_CHARS = 70

# Results in the order shown: (key in result_figures, fallback label when unavailable).
_RESULT_ROWS = (
    ("events_required", "Events required"),
    ("n_total", "Patients to randomise"),
    ("n_treatment", "Treatment arm"),
    ("n_control", "Control arm"),
    ("power_at_observed", "Power at the observed events for the design HR"),
    ("power_for_observed_hr", "Power at the observed events for the observed HR"),
    ("detectable_hr", "Smallest HR detectable at the observed events"),
    ("events_for_observed_hr", "Events needed to detect the observed HR"),
)


def _wrap(text: str) -> str:
    """Plain-text tooltip wrapped to a readable width (Qt does not wrap plain text)."""
    paragraphs = text.split("\n")
    return "\n".join(textwrap.fill(p, _TOOLTIP_WIDTH) if p else "" for p in paragraphs)


def _plain_label(text: str = "", *, wrap: bool = False) -> QLabel:
    """A label that never interprets evidence text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


def _decimals_for(value: float, minimum: int, maximum: int = 4) -> int:
    """Fewest decimals (at least ``minimum``) that show ``value`` exactly."""
    for decimals in range(minimum, maximum + 1):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return maximum


@dataclass(frozen=True)
class _Binding:
    """How one input maps to its control: read the model value, write the control."""

    field: str
    read: Callable[[], object]
    write: Callable[[object], None]


@dataclass
class ResultRow:
    """One shown number as three labels (status mark, name, value) and its figure id.

    ``figure_id`` is the summary figure that clicking the row selects; ``None`` for a
    what-if, which has no figure in the summary.
    """

    mark: QLabel
    name: QLabel
    value: QLabel
    figure_id: str | None = None
    name_style: str = ""


class DesignPanel(Panel):
    """Design parameters seeded from the report, with live events, sample size and power.

    Controls are named ``<what>_<kind>`` (``hr_spin``, ``method_combo``, ...) so tests
    and the main window can drive them. :meth:`set_summary` seeds the reported design;
    :meth:`set_inputs` sets any inputs (model → controls, without feedback).

    Attributes
    ----------
    hr_spin, alpha_spin, sides_combo, power_spin, ratio_spin, method_combo,
    control_median_spin, accrual_spin, follow_up_spin, dropout_spin : QWidget
        The input controls (power and dropout in %).
    reset_button : QPushButton
        Restores the reported design.
    input_labels, origin_labels : dict of str to QLabel
        Per input field: its name (bold when edited) and where its value comes from
        ("reported", "assumption", or "edited · reported …").
    result_rows, reported_rows : dict of str to ResultRow
        The results (keys of :func:`~explorer.analysis.design.result_figures`) and the
        reported context (``randomised``, ``events``, ``hr``).
    plot : PowerPlot
        The power curve.

    Signals
    -------
    inputs_changed(object)
        The new :class:`~explorer.analysis.design.DesignInputs` after any change.
    figure_selected(str)
        A summary figure id, when the user clicks a result that is the reported design's.
    """

    name = "design"
    title = "Design"

    inputs_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary: Summary | None = None
        self._reported: DesignInputs | None = None
        self._inputs: DesignInputs | None = None
        self._result: DesignResult | None = None
        self._origins: dict[str, InputOrigin] = {}
        self._figures: dict[str, Figure] = {}
        self._arms = ("treatment", "control")
        self._arm_colours: dict[str, str] = {}
        self._arm_rows: dict[str, tuple[str, str]] = {}
        self._highlighted: frozenset[str] = frozenset()

        self.heading_label = _plain_label()
        font = self.heading_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading_label.setFont(font)
        self.intro_label = _plain_label(wrap=True)
        self.intro_label.setStyleSheet("color: #444;")

        self._build_controls()
        self.reset_button = QPushButton("Reset to reported")
        self.reset_button.setToolTip("Restore every input to the reported design")
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.edited_label = _plain_label(wrap=True)
        self.error_label = _plain_label(wrap=True)
        self.error_label.setStyleSheet(f"color: {LEVEL_COLOURS['warn']};")
        self.error_label.hide()

        self.plot = PowerPlot()
        self.plot.setMinimumSize(420, 320)

        inputs_box = QGroupBox("Inputs")
        inputs_box.setLayout(self._inputs_grid)
        results_box = QGroupBox("Results")
        self._results_box = results_box
        results_box.setLayout(self._build_results())
        reported_box = QGroupBox("As reported")
        reported_box.setLayout(self._build_reported())

        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_button)
        reset_row.addWidget(self.edited_label, 1)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 6, 0)
        side_layout.addWidget(inputs_box)
        side_layout.addLayout(reset_row)
        side_layout.addWidget(self.error_label)
        side_layout.addWidget(results_box)
        side_layout.addWidget(reported_box)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A fixed width in characters, so the plot does not jump as result texts change.
        scroll.setFixedWidth(self.fontMetrics().horizontalAdvance("0") * _SIDE_CHARS)
        scroll.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        body = QHBoxLayout()
        body.addWidget(scroll)
        body.addWidget(self.plot, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(body, 1)
        self._set_enabled(False)

    # -- building ---------------------------------------------------------------
    def _spin(
        self, minimum: float, maximum: float, step: float, decimals: int, suffix: str = ""
    ) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(minimum, maximum)
        spin.setSingleStep(step)
        spin.setDecimals(decimals)
        spin.setSuffix(suffix)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        spin.setMinimumWidth(120)
        return spin

    def _build_controls(self) -> None:
        self.hr_spin = self._spin(0.10, 0.99, 0.01, 2)
        self.alpha_spin = self._spin(0.001, 0.200, 0.005, 3)
        self.sides_combo = QComboBox()
        self.sides_combo.addItem("two-sided", 2)
        self.sides_combo.addItem("one-sided", 1)
        self.power_spin = self._spin(50.0, 99.0, 1.0, 0, "%")
        self.ratio_spin = self._spin(0.25, 4.0, 0.5, 1, " : 1")
        self.method_combo = QComboBox()
        self.method_combo.addItem("Schoenfeld", "schoenfeld")
        self.method_combo.addItem("Freedman", "freedman")
        self.control_median_spin = self._spin(0.5, 120.0, 0.1, 1, " months")
        self.accrual_spin = self._spin(1.0, 240.0, 1.0, 0, " months")
        self.follow_up_spin = self._spin(0.0, 120.0, 1.0, 1, " months")
        self.dropout_spin = self._spin(0.0, 50.0, 1.0, 1, "%")

        def spin_binding(field: str, spin: QDoubleSpinBox, scale: float = 1.0) -> _Binding:
            return _Binding(
                field,
                lambda: spin.value() / scale,
                lambda v: spin.setValue(float(v) * scale),
            )

        def combo_binding(field: str, combo: QComboBox) -> _Binding:
            return _Binding(
                field,
                combo.currentData,
                lambda v: combo.setCurrentIndex(max(combo.findData(v), 0)),
            )

        self._controls: dict[str, QWidget] = {
            "hr": self.hr_spin,
            "alpha": self.alpha_spin,
            "sides": self.sides_combo,
            "power": self.power_spin,
            "ratio": self.ratio_spin,
            "method": self.method_combo,
            "control_median": self.control_median_spin,
            "accrual_time": self.accrual_spin,
            "follow_up": self.follow_up_spin,
            "dropout_rate": self.dropout_spin,
        }
        self._bindings: dict[str, _Binding] = {}
        self._base_decimals = {
            field: control.decimals()
            for field, control in self._controls.items()
            if isinstance(control, QDoubleSpinBox)
        }
        for field, control in self._controls.items():
            if isinstance(control, QComboBox):
                binding = combo_binding(field, control)
                control.currentIndexChanged.connect(lambda _i, f=field: self._on_control_changed(f))
            else:
                scale = 100.0 if field in ("power", "dropout_rate") else 1.0
                binding = spin_binding(field, control, scale)
                control.valueChanged.connect(lambda _v, f=field: self._on_control_changed(f))
            self._bindings[field] = binding

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(10)
        self.input_labels: dict[str, QLabel] = {}
        self.origin_labels: dict[str, QLabel] = {}
        for row, field in enumerate(EDITABLE_FIELDS):
            label = _plain_label(INPUT_LABELS[field])
            label.setBuddy(self._controls[field])
            origin = _plain_label(wrap=True)
            origin.setStyleSheet(f"color: {_ORIGIN_COLOUR};")
            grid.addWidget(label, row, 0)
            grid.addWidget(self._controls[field], row, 1)
            grid.addWidget(origin, row, 2)
            self.input_labels[field] = label
            self.origin_labels[field] = origin
        self._inputs_grid = grid

    def _result_row(self, grid: QGridLayout, row: int, name: str) -> ResultRow:
        mark = _plain_label()
        mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        name_label = _plain_label(name, wrap=True)
        value = _plain_label()
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bold = QFont(value.font())
        bold.setBold(True)
        value.setFont(bold)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (mark, name_label, value):
            widget.installEventFilter(self)
        grid.addWidget(mark, row, 0)
        grid.addWidget(name_label, row, 1)
        grid.addWidget(value, row, 2)
        return ResultRow(mark, name_label, value)

    def _build_results(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 16)
        grid.setHorizontalSpacing(8)
        self.result_rows: dict[str, ResultRow] = {
            key: self._result_row(grid, i, name) for i, (key, name) in enumerate(_RESULT_ROWS)
        }
        return grid

    def _build_reported(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 16)
        grid.setHorizontalSpacing(8)
        self.reported_rows: dict[str, ResultRow] = {
            key: self._result_row(grid, i, name)
            for i, (key, name) in enumerate(
                (
                    ("randomised", "Randomised"),
                    ("events", "Events at the analysis"),
                    ("hr", "Observed hazard ratio"),
                )
            )
        }
        return grid

    # -- public API -------------------------------------------------------------
    @property
    def inputs(self) -> DesignInputs | None:
        """The current inputs (``None`` before a summary with a design is set)."""
        return self._inputs

    @property
    def result(self) -> DesignResult | None:
        """:func:`~explorer.analysis.design.evaluate` of the current inputs."""
        return self._result

    @property
    def reported_inputs(self) -> DesignInputs | None:
        """The inputs as reported, which "Reset to reported" restores."""
        return self._reported

    @property
    def figures(self) -> dict[str, Figure]:
        """The current results as figures (with formula, inputs and what-if note)."""
        return dict(self._figures)

    def set_summary(self, summary: Summary) -> None:
        """Seed the inputs from ``summary``'s reported design and show its results."""
        self._summary = summary
        evidence = summary.evidence
        control = evidence.control_arm
        treatment = next((a for a in evidence.arms if a.role != "control"), control)
        self._arms = (treatment.label, control.label)
        self._arm_colours = arm_colours(evidence)
        self._arm_rows = {
            "n_treatment": (treatment.id, treatment.label),
            "n_control": (control.id, control.label),
        }
        acronym = evidence.trial.acronym
        self.heading_label.setText(f"{acronym}: what the design was powered to detect")
        self._fill_reported(summary)
        if summary.design is None:
            self._reported = self._inputs = self._result = None
            self._origins, self._figures = {}, {}
            self.intro_label.setText(
                "The evidence does not report the design's hazard ratio, α and power, so "
                "the design cannot be re-examined."
            )
            self._set_enabled(False)
            return
        self._reported = summary.design.inputs
        self._origins = input_origins(evidence, self._reported)
        events = self._reported.observed_events
        self.intro_label.setText(
            "Change any input: the events, sample size, power and the curve follow. "
            + (
                f"Power is at the {format_number(events)} events of the analysis. "
                if events
                else ""
            )
            + "Bold inputs differ from the reported design; results then are what-ifs."
        )
        for field, origin in self._origins.items():
            if field in self._controls:
                self._controls[field].setToolTip(_wrap(f"{origin.label}: {origin.note}"))
        self._set_enabled(True)
        self.set_inputs(self._reported)

    def set_inputs(self, inputs: DesignInputs) -> None:
        """Show ``inputs`` in the controls (without feedback) and re-evaluate."""
        for binding in self._bindings.values():
            control = self._controls[binding.field]
            control.blockSignals(True)
            try:
                value = getattr(inputs, binding.field)
                if value is not None:
                    if isinstance(control, QDoubleSpinBox):
                        # Show a reported value exactly (e.g. an HR printed as 0.667).
                        scale = 100.0 if binding.field in ("power", "dropout_rate") else 1.0
                        base = self._base_decimals[binding.field]
                        control.setDecimals(_decimals_for(float(value) * scale, base))
                    binding.write(value)
            finally:
                control.blockSignals(False)
        self._apply(inputs)

    def reset(self) -> None:
        """Restore the reported design."""
        if self._reported is not None:
            self.set_inputs(self._reported)

    def highlight_figures(self, ids: tuple[str, ...]) -> None:
        """Tint the results whose figure ids are in ``ids`` (e.g. from an audit check)."""
        self._highlighted = frozenset(ids)
        for row in (*self.result_rows.values(), *self.reported_rows.values()):
            on = row.figure_id is not None and row.figure_id in self._highlighted
            row.value.setStyleSheet(_HIGHLIGHT if on else "")
            row.name.setStyleSheet(row.name_style + (_HIGHLIGHT if on else ""))

    # -- state ------------------------------------------------------------------
    def _on_control_changed(self, field: str) -> None:
        if self._inputs is None:
            return
        value = self._bindings[field].read()
        if field == "sides":
            value = int(value)
        if value == getattr(self._inputs, field):
            return
        self._apply(replace(self._inputs, **{field: value}))

    def _on_reset_button_clicked(self) -> None:
        self.reset()

    def _apply(self, inputs: DesignInputs) -> None:
        """Evaluate ``inputs`` and refresh labels and plot; keep the last result on error."""
        try:
            result = evaluate(inputs)
            curve = design_curve(result)
        except ValueError as exc:
            self.error_label.setText(f"These inputs cannot be evaluated: {exc}")
            self.error_label.show()
            return
        self.error_label.hide()
        changed = inputs != self._inputs
        self._inputs, self._result = inputs, result
        self._show_edits()
        self._show_results()
        self.plot.set_curve(curve)
        if changed:
            self.inputs_changed.emit(inputs)

    def _show_edits(self) -> None:
        reported, inputs = self._reported, self._inputs
        edited = set(edited_fields(inputs, reported)) if reported else set()
        for field, label in self.input_labels.items():
            font = label.font()
            font.setBold(field in edited)
            label.setFont(font)
            origin = self.origin_labels[field]
            known = self._origins.get(field)
            if field in edited:
                origin.setText(f"edited · reported {format_input(field, getattr(reported, field))}")
                origin.setStyleSheet(f"color: {EDITED_COLOUR}; font-weight: bold;")
            else:
                origin.setText(known.short if known else "")
                origin.setStyleSheet(f"color: {_ORIGIN_COLOUR};")
            note = known.note if known else ""
            origin.setToolTip(_wrap(note))
            label.setToolTip(_wrap(note))
        self._results_box.setTitle("Results: what-if" if edited else "Results")
        if edited:
            n = len(edited)
            self.edited_label.setText(
                f"{n} input{'s' if n > 1 else ''} differ{'s' if n == 1 else ''} from the "
                "reported design: results are what-ifs."
            )
            self.edited_label.setStyleSheet(f"color: {EDITED_COLOUR};")
        else:
            self.edited_label.setText("The reported design.")
            self.edited_label.setStyleSheet(f"color: {_ORIGIN_COLOUR};")
        self.reset_button.setEnabled(bool(edited))

    def _show_results(self) -> None:
        treatment, control = self._arms
        figures = result_figures(
            self._result,
            self._reported,
            self._origins,
            treatment_label=treatment,
            control_label=control,
        )
        self._figures = figures
        edited = bool(self._reported and edited_fields(self._inputs, self._reported))
        summary_ids = {f.id for f in self._summary.figures} if self._summary else set()
        for key, fallback in _RESULT_ROWS:
            row = self.result_rows[key]
            figure = figures.get(key)
            if figure is None:
                row.mark.setText("")
                row.name.setText(fallback)
                row.value.setText("—")
                tip = "Not available: needs the events and hazard ratio observed at the analysis."
                if key == "n_total":
                    tip = "Not available: needs a control median, accrual and follow-up."
                for widget in (row.mark, row.name, row.value):
                    widget.setToolTip(tip)
                row.figure_id = None
                continue
            row.value.setText(figure.formatted())
            if key in self._arm_rows:
                # Per-arm patients: the arm's label in its colour, indented under the total.
                arm_id, label = self._arm_rows[key]
                row.name.setText(f"    {label}")
                row.name_style = f"color: {self._arm_colours.get(arm_id, '#000000')};"
            else:
                row.name.setText(figure.label)
            self._set_mark(row, figure.status)
            tip = _wrap(f"{status_mark(figure.status)} {figure.status}\n{figure.derivation}")
            for widget in (row.mark, row.name, row.value):
                widget.setToolTip(tip)
            selectable = not edited and figure.id in summary_ids
            row.figure_id = figure.id if selectable else None
            self._set_clickable(row)
        self.highlight_figures(tuple(self._highlighted))

    def _fill_reported(self, summary: Summary) -> None:
        evidence = summary.evidence
        primary = evidence.primary_endpoint
        effect = getattr(primary, "effect", None)
        ids = {
            "randomised": "population.randomised.total",
            "events": "design.events_at_analysis",
            "hr": f"{primary.id}.{effect.kind.lower()}" if effect is not None else "",
        }
        for key, row in self.reported_rows.items():
            try:
                figure = summary.figure(ids[key])
            except KeyError:
                row.mark.setText("")
                row.value.setText("—")
                row.figure_id = None
                for widget in (row.mark, row.name, row.value):
                    widget.setToolTip("Not reported.")
                continue
            if key == "hr":
                row.name.setText(f"Observed {effect.kind}, {primary.name.lower()}")
            row.value.setText(figure.formatted())
            self._set_mark(row, figure.status)
            tip = _wrap(f"{status_mark(figure.status)} {figure.status}\n{figure.provenance}")
            for widget in (row.mark, row.name, row.value):
                widget.setToolTip(tip)
            row.figure_id = figure.id
            self._set_clickable(row)

    def _set_mark(self, row: ResultRow, status: str) -> None:
        row.mark.setText(status_mark(status))
        row.mark.setStyleSheet(f"color: {STATUS_COLOURS.get(status, '#000000')};")

    def _set_clickable(self, row: ResultRow) -> None:
        cursor = Qt.CursorShape.PointingHandCursor if row.figure_id else Qt.CursorShape.ArrowCursor
        for widget in (row.mark, row.name):
            widget.setCursor(cursor)

    def _set_enabled(self, enabled: bool) -> None:
        for control in self._controls.values():
            control.setEnabled(enabled)
        self.reset_button.setEnabled(enabled and self._inputs != self._reported)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Clicking a result that is a summary figure selects it (details pane)."""
        if event.type() == QEvent.Type.MouseButtonRelease:
            for row in (*self.result_rows.values(), *self.reported_rows.values()):
                if watched in (row.mark, row.name, row.value) and row.figure_id:
                    self.figure_selected.emit(row.figure_id)
                    break
        return super().eventFilter(watched, event)


__all__ = ["DesignPanel", "ResultRow"]
