"""The Design panel: the trial's design, live.

The inputs are seeded from the reported design; every change of a control replaces
the panel's frozen :class:`~explorer.analysis.design.DesignInputs` and re-evaluates it
(closed forms, well under a frame), then updates the result labels and the power
curve with ``setData``. Inputs that differ from the reported design are shown in bold
with an "edited" note, and every result's tooltip then says "what-if".

The Simulation tab beside the power curve runs a Monte Carlo simulation of the same
design (:mod:`explorer.analysis.simulation`) in a worker thread
(:class:`~explorer.ui.workers.Worker`), with a progress bar and a cancel button, and
shows the simulated power beside the analytic one with histograms of the observed hazard
ratios and analysis times. A result is kept with the inputs and settings it was run
with; once either differs from the panel's, it is marked stale rather than shown as
current.

All numbers come from :mod:`explorer.analysis.design` and
:mod:`explorer.analysis.simulation`; this module only binds and draws.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
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
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import Summary
from explorer.analysis.arms import primary_pair
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
    inputs_from_evidence,
    result_figures,
)
from explorer.analysis.figures import Figure, format_number
from explorer.analysis.simulation import (
    DEFAULT_CHANGE_TIME,
    DEFAULT_EARLY_HR,
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    MAX_TRIALS,
    MIN_TRIALS,
    Choice,
    SimulationInputError,
    SimulationSettings,
    SimulationSummary,
    check_settings,
    event_choices,
    patient_choices,
    randomised_total,
    run_simulation,
)
from explorer.ui.checked_spin import CheckedSpinBox
from explorer.ui.panels.base import Panel
from explorer.ui.plots.power_plot import PowerPlot
from explorer.ui.plots.simulation_plot import AnalysisTimeHistogram, HazardRatioHistogram
from explorer.ui.style import LEVEL_COLOURS, STATUS_COLOURS, arm_colours, status_mark
from explorer.ui.tooltips import plain_tooltip
from explorer.ui.workers import Worker

#: Colour of the "edited" note beside an input that differs from the reported design.
EDITED_COLOUR = LEVEL_COLOURS["note"]
_ORIGIN_COLOUR = "#666666"
_HIGHLIGHT = "background-color: #FFF3C4;"
_TOOLTIP_WIDTH = 78
_SIDE_CHARS = 70
#: What a simulated result says once the inputs or settings have changed since its run.
STALE_TEXT = "Stale (inputs changed; run again)"
_STALE_VALUE_COLOUR = "#8A8A8A"

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


def _int_spin(minimum: int, maximum: int, step: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    spin.setMinimumWidth(96)
    return spin


class _PresetSpin:
    """A whole number with the values the design offers (a menu) and where it comes from.

    ``spin`` holds the value; ``button`` opens a menu of :class:`Choice` values (the
    reported number, the design's); ``note`` says where the current value comes from
    ("randomised, reported", ..., "typed in"). A chosen value follows the design when the
    choices are renewed (e.g. the events required after an input change).
    """

    def __init__(self, suffix: str, minimum: int, changed: Callable[[], None]) -> None:
        self.spin = _int_spin(minimum, 100_000, 1, suffix)
        self.spin.setMinimumWidth(112)
        self.button = QToolButton()
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setToolTip("Choose the reported or the design's number")
        self.menu = QMenu(self.button)
        self.button.setMenu(self.menu)
        self.note = _plain_label()
        self.note.setStyleSheet(f"color: {_ORIGIN_COLOUR};")
        self.choices: tuple[Choice, ...] = ()
        self.chosen: str | None = None
        self._changed = changed
        self.spin.valueChanged.connect(self._on_value_changed)

    def reset(self) -> None:
        """No choices, nothing chosen: the next :meth:`set_choices` picks the first."""
        self.choices, self.chosen = (), None
        self.menu.clear()

    def set_choices(self, choices: tuple[Choice, ...]) -> None:
        """Offer ``choices``; the chosen one (or the first, at the start) sets the value."""
        first = not self.choices and self.chosen is None
        self.choices = choices
        self.menu.clear()
        for choice in choices:
            action = self.menu.addAction(choice.label)
            action.setToolTip(plain_tooltip(choice.note))
            action.triggered.connect(lambda _=False, key=choice.key: self.choose(key))
        key = choices[0].key if first and choices else self.chosen
        chosen = self.choice(key)
        if chosen is not None:
            self.chosen = chosen.key
            self.spin.setValue(chosen.value)
        self._show_note()

    def choice(self, key: str | None) -> Choice | None:
        """The offered choice ``key`` (``"reported"``, ``"design"``), if offered."""
        return next((c for c in self.choices if c.key == key), None)

    def choose(self, key: str) -> None:
        """Set the value to the choice ``key``."""
        chosen = self.choice(key)
        if chosen is not None:
            self.chosen = key
            self.spin.setValue(chosen.value)
            self._show_note()
            self._changed()

    @property
    def origin(self) -> str:
        """Where the value comes from, for a derivation ("set in the panel" if typed)."""
        chosen = self.choice(self.chosen)
        return chosen.note if chosen is not None else "set in the panel"

    def _on_value_changed(self, value: int) -> None:
        chosen = self.choice(self.chosen)
        if chosen is None or chosen.value != value:
            match = next((c for c in self.choices if c.value == value), None)
            self.chosen = match.key if match is not None else None
        self._show_note()
        self._changed()

    def _show_note(self) -> None:
        chosen = self.choice(self.chosen)
        self.note.setText(chosen.short if chosen is not None else "typed in")
        self.note.setToolTip(plain_tooltip(_wrap(chosen.note)) if chosen is not None else "")


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
    entry_label : QLabel
        What an input refused or corrected and what to enter instead (hidden when there
        is nothing to say); see :class:`~explorer.ui.checked_spin.CheckedSpinBox`.
    input_labels, origin_labels : dict of str to QLabel
        Per input field: its name (bold when edited) and where its value comes from
        ("reported", "assumption", or "edited · reported …").
    result_rows, reported_rows : dict of str to ResultRow
        The results (keys of :func:`~explorer.analysis.design.result_figures`) and the
        reported context (``randomised``, ``events``, ``hr``).
    plot : PowerPlot
        The power curve (tab "Power curve" of ``tabs``).
    tabs : QTabWidget
        "Power curve" and "Simulation".
    sim_patients_spin, sim_events_spin, sim_trials_spin, sim_seed_spin : QSpinBox
        Simulation settings: patients per trial, events at the analysis, trials, seed.
    sim_patients, sim_events : _PresetSpin
        The patients and events with their menu of the reported and the design's
        numbers (``button``, ``menu``, ``choose(key)``) and where the value comes from
        (``note``).
    sim_model_combo : QComboBox
        Hazard model: ``"exponential"`` or ``"delayed"`` (item data).
    sim_change_spin, sim_early_hr_spin : QDoubleSpinBox
        Delayed effect: when the effect starts (months) and the HR before it.
    simulate_button, cancel_button : QPushButton
        Run (disabled while running) and cancel (enabled only while running).
    simulation_progress : QProgressBar
        0–100 (% of the trials simulated).
    sim_status_label, sim_stale_label : QLabel
        What the simulation is doing or why it cannot run; the stale marking.
    sim_rows : dict of str to ResultRow
        Simulated results: ``power``, ``hr``, ``analysis_time``, ``target_reached``.
    hr_histogram, time_histogram
        :mod:`explorer.ui.plots.simulation_plot` histograms (hidden before a run).
    worker : Worker
        Runs the simulation off the GUI thread; its ``finished``, ``failed`` and
        ``cancelled`` signals say how a run ended (the panel has been updated by then).

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
        self._randomised: int | None = None
        self._sim_summary: SimulationSummary | None = None
        self._watched_window: QWidget | None = None
        self._sim_drawn_stale: bool | None = None
        self.worker = Worker(self)
        self.worker.progress.connect(self._on_simulation_progress)
        self.worker.finished.connect(self._on_simulation_finished)
        self.worker.failed.connect(self._on_simulation_failed)
        self.worker.cancelled.connect(self._on_simulation_cancelled)

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
        #: What an input refused or corrected, and what to enter instead.
        self.entry_label = _plain_label(wrap=True)
        self.entry_label.setObjectName("design_entry_problem")
        self.entry_label.setStyleSheet(f"color: {LEVEL_COLOURS['warn']};")
        self.entry_label.hide()

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
        side_layout.addWidget(self.entry_label)
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

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.plot, "Power curve")
        self.tabs.addTab(self._build_simulation(), "Simulation")

        body = QHBoxLayout()
        body.addWidget(scroll)
        body.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(body, 1)
        self._set_enabled(False)
        self._set_simulation_enabled(False)

    # -- building ---------------------------------------------------------------
    def _spin(
        self, minimum: float, maximum: float, step: float, decimals: int, suffix: str = ""
    ) -> CheckedSpinBox:
        spin = CheckedSpinBox()  # says what it refused (named in _build_controls)
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
        for field, control in self._controls.items():
            if isinstance(control, CheckedSpinBox):
                control.name = INPUT_LABELS[field]
                control.problem.connect(self._show_entry_problem)
        self.hr_spin.hint = "(the design's hazard ratio is below 1)"
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

    def _build_simulation(self) -> QWidget:
        """The Simulation tab: settings, run/cancel with progress, results, histograms."""
        self.sim_patients = _PresetSpin(" patients", 2, self._show_simulation_state)
        self.sim_events = _PresetSpin(" events", 1, self._show_simulation_state)
        self.sim_patients_spin = self.sim_patients.spin
        self.sim_events_spin = self.sim_events.spin
        self.sim_patients_spin.setToolTip(
            _wrap(
                "Patients randomised in each simulated trial, at the design's allocation. "
                "The menu offers the number randomised and the design's sample size."
            )
        )
        self.sim_events_spin.setToolTip(
            _wrap(
                "Each simulated trial is analysed with a log-rank test when this many events "
                "(both arms) have happened. The menu offers the events the design requires "
                "and those of the reported analysis."
            )
        )
        self.sim_trials_spin = _int_spin(MIN_TRIALS, MAX_TRIALS, 1_000)
        self.sim_trials_spin.setGroupSeparatorShown(True)
        self.sim_trials_spin.setValue(DEFAULT_TRIALS)
        self.sim_trials_spin.setToolTip(
            _wrap(
                "How many trials to simulate. 10,000 give the simulated power to within about "
                "±0.8 percentage points (95% Monte Carlo interval)."
            )
        )
        self.sim_seed_spin = _int_spin(0, 2_147_483_647, 1)
        self.sim_seed_spin.setValue(DEFAULT_SEED)
        self.sim_seed_spin.setToolTip(
            _wrap(
                "Seed of the random numbers: the same seed and settings give the same "
                f"trials. Default {DEFAULT_SEED}."
            )
        )
        self.sim_model_combo = QComboBox()
        self.sim_model_combo.addItem("Exponential (proportional hazards)", "exponential")
        self.sim_model_combo.addItem("Delayed effect", "delayed")
        self.sim_model_combo.setToolTip(
            _wrap(
                "Exponential: constant hazards, the design HR from randomisation on (what the "
                "design's formula assumes). Delayed effect: the HR before the effect starts "
                "applies until then, the design HR after (piecewise exponential)."
            )
        )
        self.sim_change_spin = self._spin(0.1, 120.0, 0.5, 1, " months")
        self.sim_change_spin.setValue(DEFAULT_CHANGE_TIME)
        self.sim_change_spin.setToolTip("Months after randomisation when the effect starts")
        self.sim_early_hr_spin = self._spin(0.05, 5.0, 0.05, 2)
        self.sim_early_hr_spin.setValue(DEFAULT_EARLY_HR)
        self.sim_early_hr_spin.setToolTip("Hazard ratio before the effect starts (1: none)")
        for spin in (self.sim_change_spin, self.sim_early_hr_spin):
            spin.setMinimumWidth(96)
        for spin in (
            self.sim_trials_spin,
            self.sim_seed_spin,
            self.sim_change_spin,
            self.sim_early_hr_spin,
        ):
            spin.valueChanged.connect(self._show_simulation_state)
        self.sim_model_combo.currentIndexChanged.connect(self._on_sim_model_changed)

        self.simulate_button = QPushButton("Run simulation")
        self.simulate_button.setToolTip("Simulate the trials in the background")
        self.simulate_button.clicked.connect(self.start_simulation)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the simulation; nothing of the run is kept")
        self.cancel_button.clicked.connect(self.cancel_simulation)
        self.cancel_button.setEnabled(False)
        self.simulation_progress = QProgressBar()
        self.simulation_progress.setRange(0, 100)
        self.simulation_progress.setValue(0)
        self.simulation_progress.setFormat("%p%")
        self.simulation_progress.setTextVisible(True)
        self.sim_status_label = _plain_label(wrap=True)
        self.sim_status_label.setStyleSheet(f"color: {_ORIGIN_COLOUR};")

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)

        def add(row: int, column: int, text: str, widget: QWidget) -> QLabel:
            label = _plain_label(text)
            label.setBuddy(widget)
            grid.addWidget(label, row, column)
            grid.addWidget(widget, row, column + 1)
            return label

        for row, (text, preset) in enumerate(
            (("Patients", self.sim_patients), ("Events at analysis", self.sim_events))
        ):
            add(row, 0, text, preset.spin)
            grid.addWidget(preset.button, row, 2)
            grid.addWidget(preset.note, row, 3)
        add(0, 5, "Trials", self.sim_trials_spin)
        add(1, 5, "Seed", self.sim_seed_spin)
        model_label = _plain_label("Hazard model")
        model_label.setBuddy(self.sim_model_combo)
        grid.addWidget(model_label, 2, 0)
        grid.addWidget(self.sim_model_combo, 2, 1, 1, 3)
        self._model_labels = [
            add(2, 5, "Effect after", self.sim_change_spin),
            add(3, 5, "HR before", self.sim_early_hr_spin),
        ]
        grid.setColumnStretch(3, 1)
        grid.setColumnMinimumWidth(4, 10)
        buttons = QHBoxLayout()
        buttons.addWidget(self.simulate_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.simulation_progress, 1)
        grid.addLayout(buttons, 3, 0, 1, 4)

        results = QGridLayout()
        results.setColumnStretch(2, 1)
        results.setColumnMinimumWidth(0, 16)
        results.setHorizontalSpacing(8)
        results.setVerticalSpacing(3)
        self.sim_rows: dict[str, ResultRow] = {}
        for i, key in enumerate(("power", "hr", "analysis_time", "target_reached")):
            row = self._result_row(results, i, "")
            row.name.setWordWrap(False)
            row.value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.sim_rows[key] = row
        self.sim_stale_label = _plain_label(STALE_TEXT)
        self.sim_stale_label.setStyleSheet(f"color: {LEVEL_COLOURS['warn']}; font-weight: bold;")
        self.sim_stale_label.hide()
        self.sim_placeholder = _plain_label(
            "Run the simulation to see the simulated power beside the analytic power, and how "
            "the observed hazard ratio and the time of the analysis vary from trial to trial.",
            wrap=True,
        )
        self.sim_placeholder.setStyleSheet(f"color: {_ORIGIN_COLOUR};")
        self._sim_results_box = QGroupBox("Simulated")
        results_layout = QVBoxLayout(self._sim_results_box)
        results_layout.setContentsMargins(8, 4, 8, 4)
        results_layout.addWidget(self.sim_placeholder)
        results_layout.addLayout(results)
        results_layout.addWidget(self.sim_stale_label)

        self.hr_histogram = HazardRatioHistogram()
        self.time_histogram = AnalysisTimeHistogram()
        plots = QHBoxLayout()
        plots.setSpacing(6)
        plots.addWidget(self.hr_histogram, 1)
        plots.addWidget(self.time_histogram, 1)
        # Hidden until there is something to draw: an empty plot says nothing (and the
        # report leaves hidden plots out).
        self.hr_histogram.hide()
        self.time_histogram.hide()

        tab = QWidget()
        tab.setToolTip(
            _wrap(
                "Each simulated trial randomises the patients uniformly over the accrual "
                "period at the design's allocation, draws survival times from the control "
                "median and the hazard ratio (exponential, or with a delayed effect), loses "
                "patients at the dropout rate, and is analysed with a log-rank test when the "
                "events set here have happened. The design inputs on the left apply."
            )
        )
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(4)
        layout.addLayout(grid)
        layout.addWidget(self.sim_status_label)
        layout.addWidget(self._sim_results_box)
        layout.addLayout(plots, 1)
        self._show_simulation_result()
        self._on_sim_model_changed()
        return tab

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
        pair = primary_pair(evidence)
        if pair is None:
            self._show_not_applicable(summary)
            return
        treatment, control = pair.treatment, pair.control
        self._arms = (treatment.label, control.label)
        self._arm_colours = arm_colours(evidence)
        self._arm_rows = {
            "n_treatment": (treatment.id, treatment.label),
            "n_control": (control.id, control.label),
        }
        self._clear_simulation()
        self._randomised = randomised_total(evidence)
        acronym = evidence.trial.acronym
        self.heading_label.setText(f"{acronym}: what the design was powered to detect")
        self._fill_reported(summary)
        if summary.design is None and evidence.design.has_power_calculation:
            self._reported = self._inputs = self._result = None
            self._origins, self._figures = {}, {}
            self.intro_label.setText(
                "The evidence does not report the design's hazard ratio, α and power, so "
                "the design cannot be re-examined."
            )
            self._set_enabled(False)
            self._set_simulation_enabled(False)
            self._set_sim_status("No design to simulate.")
            return
        calculated = summary.design is not None
        self._reported = (
            summary.design.inputs if summary.design is not None else inputs_from_evidence(evidence)
        )
        self._origins = input_origins(evidence, self._reported)
        events = self._reported.observed_events
        at_events = (
            f"Power is at the {format_number(events)} events of the analysis. " if events else ""
        )
        if calculated:
            self.intro_label.setText(
                "Change any input: the events, sample size, power and the curve follow. "
                + at_events
                + "Bold inputs differ from the reported design; results then are what-ifs."
            )
        else:
            unreported = [
                origin.label for origin in self._origins.values() if origin.status == "unreported"
            ]
            self.intro_label.setText(
                "The source reports no sample-size calculation (not reported: "
                + ", ".join(unreported).lower()
                + "). The calculator starts from values that are your assumptions, marked "
                "“not reported: your assumption”, not the trial's design; every result "
                f"follows from them. {at_events}"
            )
        for field, origin in self._origins.items():
            if field in self._controls:
                tip = plain_tooltip(_wrap(f"{origin.label}: {origin.note}"))
                self._controls[field].setToolTip(tip)
        self._set_enabled(True)
        self.set_inputs(self._reported)
        self._set_simulation_enabled(True)

    def _show_not_applicable(self, summary: Summary) -> None:
        """A single-group study: the two-arm calculator does not apply; say why."""
        self._reported = self._inputs = self._result = None
        self._origins, self._figures = {}, {}
        self._arms = ("", "")
        self._clear_simulation()
        self.heading_label.setText(f"{summary.evidence.trial.acronym}: design")
        self.intro_label.setText(
            "Not applicable: this is a single-group study with no control arm, so there is "
            "no between-arm hazard ratio to power and the two-arm design calculator does "
            "not apply."
        )
        for row in self.reported_rows.values():
            row.mark.setText("")
            row.value.setText("—")
            row.figure_id = None
        self._set_enabled(False)
        self._set_simulation_enabled(False)
        self._set_sim_status("No two-arm design to simulate.")

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
        self._show_entry_problem("")
        if self._reported is not None:
            self.set_inputs(self._reported)

    # -- simulation: public API ----------------------------------------------------
    @property
    def simulation(self) -> SimulationSummary | None:
        """The last finished simulation (current or stale); ``None`` before any."""
        return self._sim_summary

    @property
    def simulation_is_stale(self) -> bool:
        """True when the inputs or settings differ from those of :attr:`simulation`."""
        summary = self._sim_summary
        if summary is None:
            return False
        return summary.inputs != self._inputs or summary.settings != self.simulation_settings()

    @property
    def simulation_running(self) -> bool:
        """True while a simulation runs (until its outcome has been shown)."""
        return self.worker.is_running()

    def simulation_settings(self) -> SimulationSettings:
        """The simulation settings as the controls show them."""
        model = self.sim_model_combo.currentData()
        delayed = model == "delayed"
        n_total, events = self.sim_patients_spin.value(), self.sim_events_spin.value()
        return SimulationSettings(
            n_total=n_total,
            events=events,
            n_sims=self.sim_trials_spin.value(),
            seed=self.sim_seed_spin.value(),
            model=model,
            change_time=self.sim_change_spin.value() if delayed else DEFAULT_CHANGE_TIME,
            early_hr=self.sim_early_hr_spin.value() if delayed else DEFAULT_EARLY_HR,
            n_total_note=self.sim_patients.origin,
            events_note=self.sim_events.origin,
        )

    def start_simulation(self) -> bool:
        """Run the simulation in the background; False (with a message) if it cannot run."""
        if self._inputs is None or self.worker.is_running():
            return False
        settings = self.simulation_settings()
        try:
            check_settings(self._inputs, settings)
        except SimulationInputError as exc:
            self._set_sim_status(f"Cannot simulate: {exc}", warn=True)
            return False
        inputs, reported = self._inputs, self._reported

        def job(progress):
            return run_simulation(inputs, settings, progress, reported=reported)

        self.simulation_progress.setValue(0)
        self._set_sim_status(f"Simulating {settings.n_sims:,} trials…")
        self.worker.start(job)
        self._set_running(True)
        return True

    def cancel_simulation(self) -> None:
        """Ask the running simulation to stop; the Cancel state follows when it has."""
        if self.worker.is_running():
            self.worker.cancel()
            self._set_sim_status("Cancelling…")

    def shutdown(self) -> None:
        """Stop a running simulation and join its thread (the panel or window closes)."""
        self.worker.shutdown()

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

    def _show_entry_problem(self, message: str) -> None:
        """Say what an input refused (empty: a clean edit clears the message)."""
        self.entry_label.setText(message)
        self.entry_label.setVisible(bool(message))

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
        self._refresh_sim_choices()
        self._show_simulation_state()
        if changed:
            self.inputs_changed.emit(inputs)

    # -- simulation: state ----------------------------------------------------------
    def _refresh_sim_choices(self) -> None:
        """Offer the reported and the design's numbers; a chosen one follows the design."""
        if self._inputs is None:
            return
        self.sim_patients.set_choices(
            patient_choices(self._inputs, self._randomised, result=self._result)
        )
        self.sim_events.set_choices(event_choices(self._inputs, result=self._result))

    def _on_sim_model_changed(self, *_args: object) -> None:
        delayed = self.sim_model_combo.currentData() == "delayed"
        for widget in (self.sim_change_spin, self.sim_early_hr_spin, *self._model_labels):
            widget.setEnabled(delayed and self.sim_model_combo.isEnabled())
        self._show_simulation_state()

    def _set_sim_status(self, text: str, *, warn: bool = False) -> None:
        self.sim_status_label.setText(text)
        colour = LEVEL_COLOURS["warn"] if warn else _ORIGIN_COLOUR
        self.sim_status_label.setStyleSheet(f"color: {colour};")

    def _set_running(self, running: bool) -> None:
        self.simulate_button.setEnabled(not running and self._inputs is not None)
        self.cancel_button.setEnabled(running)

    def _set_simulation_enabled(self, enabled: bool) -> None:
        for widget in (
            self.sim_patients_spin,
            self.sim_patients.button,
            self.sim_events_spin,
            self.sim_events.button,
            self.sim_trials_spin,
            self.sim_seed_spin,
            self.sim_model_combo,
        ):
            widget.setEnabled(enabled)
        self._on_sim_model_changed()
        self._set_running(self.worker.is_running())
        if not enabled:
            self.simulate_button.setEnabled(False)

    def _clear_simulation(self) -> None:
        """Forget the last result (a new trial): nothing simulated is shown."""
        self.worker.shutdown()
        self._sim_summary = None
        self.simulation_progress.setValue(0)
        self._set_sim_status("")
        self.sim_patients.reset()
        self.sim_events.reset()
        self._show_simulation_result()

    def _show_simulation_result(self) -> None:
        """Fill the simulated rows and histograms from the last result (or empty them)."""
        summary = self._sim_summary
        self.sim_placeholder.setVisible(summary is None)
        for row in self.sim_rows.values():
            for widget in (row.mark, row.name, row.value):
                widget.setVisible(summary is not None)
        self.hr_histogram.setVisible(summary is not None)
        self.time_histogram.setVisible(summary is not None)
        self._sim_drawn_stale = None
        if summary is None:
            self.sim_stale_label.hide()
            self._sim_results_box.setTitle("Simulated")
            self.hr_histogram.clear_histogram()
            self.time_histogram.clear_histogram()
            return
        figures = summary.figures
        d = summary.settings.events
        texts = {
            "power": (
                f"Power at {d} events",
                f"Simulated {format_number(100 * summary.power, 1)}% "
                f"({format_number(100 * summary.power_lower, 1)}–"
                f"{format_number(100 * summary.power_upper, 1)}) · analytic "
                f"{format_number(100 * summary.analytic_power, 1)}%",
                ("power", "analytic_power", "power_difference"),
            ),
            "hr": (
                "Observed hazard ratio",
                f"median {format_number(summary.hr_median, 3)} (95% of trials "
                f"{format_number(summary.hr_lower, 3)}–{format_number(summary.hr_upper, 3)})",
                ("hr_median",),
            ),
            "analysis_time": (
                "Time to the analysis",
                f"median {format_number(summary.time_median, 1)} months "
                f"(IQR {format_number(summary.time_q1, 1)}–{format_number(summary.time_q3, 1)})",
                ("analysis_time",),
            ),
            "target_reached": (
                f"Reaching {d} events",
                f"{format_number(100 * summary.share_reached, 1)}% of trials",
                ("target_reached",),
            ),
        }
        for key, (name, value, ids) in texts.items():
            row = self.sim_rows[key]
            row.name.setText(name)
            row.value.setText(value)
            self._set_mark(row, figures[ids[0]].status)
            tip = "\n\n".join(
                _wrap(
                    f"{status_mark(figures[i].status)} {figures[i].label}: "
                    f"{figures[i].formatted()}\n{figures[i].derivation}"
                )
                for i in ids
            )
            for widget in (row.mark, row.name, row.value):
                widget.setToolTip(plain_tooltip(tip))
        self._show_simulation_state()

    def _show_simulation_state(self, *_args: object) -> None:
        """Mark the shown result stale when the inputs or settings have changed since."""
        summary = self._sim_summary
        if summary is None:
            return
        stale = self.simulation_is_stale
        self.sim_stale_label.setVisible(stale)
        n = f"{summary.settings.n_sims:,}"
        self._sim_results_box.setTitle(
            f"Simulated ({n} trials): stale" if stale else f"Simulated ({n} trials)"
        )
        for row in self.sim_rows.values():
            colour = f"color: {_STALE_VALUE_COLOUR};" if stale else ""
            row.value.setStyleSheet(colour)
            row.name.setStyleSheet(colour)
        if stale != self._sim_drawn_stale:
            self.hr_histogram.set_summary(summary, stale=stale)
            self.time_histogram.set_summary(summary, stale=stale)
            self._sim_drawn_stale = stale

    @Slot(int, int)
    def _on_simulation_progress(self, done: int, total: int) -> None:
        self.simulation_progress.setValue(round(100 * done / total) if total else 0)
        self._set_sim_status(f"Simulated {done:,} of {total:,} trials…")

    @Slot(object)
    def _on_simulation_finished(self, summary: SimulationSummary) -> None:
        self._sim_summary = summary
        self.simulation_progress.setValue(100)
        self._set_running(False)
        settings = summary.settings
        self._set_sim_status(
            f"{settings.n_sims:,} trials simulated (seed {settings.seed}). Hover over a "
            "number for how it was made."
        )
        self._show_simulation_result()

    @Slot(str)
    def _on_simulation_failed(self, message: str) -> None:
        self.simulation_progress.setValue(0)
        self._set_running(False)
        self._set_sim_status(f"The simulation failed: {message}", warn=True)
        self._show_simulation_state()

    @Slot()
    def _on_simulation_cancelled(self) -> None:
        self.simulation_progress.setValue(0)
        self._set_running(False)
        earlier = " The result shown is from an earlier run." if self._sim_summary else ""
        self._set_sim_status(f"Cancelled: nothing of this run is kept.{earlier}")
        self._show_simulation_state()

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
            origin.setToolTip(plain_tooltip(_wrap(note)))
            label.setToolTip(plain_tooltip(_wrap(note)))
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
                    widget.setToolTip(plain_tooltip(tip))
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
                widget.setToolTip(plain_tooltip(tip))
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
            "hr": f"{primary.id}.{effect.kind.lower()}"
            if effect is not None and primary is not None
            else "",
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
                widget.setToolTip(plain_tooltip(tip))
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

    def showEvent(self, event) -> None:
        """Watch the window the panel is in, to stop a simulation when it closes."""
        window = self.window()
        if window is not self and window is not self._watched_window:
            if self._watched_window is not None:
                self._watched_window.removeEventFilter(self)
            window.installEventFilter(self)
            self._watched_window = window
        super().showEvent(event)

    def closeEvent(self, event) -> None:
        """Stop a running simulation before the panel goes (no thread outlives it)."""
        self.shutdown()
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Clicking a result that is a summary figure selects it (details pane); the
        window closing stops a running simulation."""
        if watched is self._watched_window and event.type() == QEvent.Type.Close:
            self.shutdown()
        elif event.type() == QEvent.Type.MouseButtonRelease:
            for row in (*self.result_rows.values(), *self.reported_rows.values()):
                if watched in (row.mark, row.name, row.value) and row.figure_id:
                    self.figure_selected.emit(row.figure_id)
                    break
        return super().eventFilter(watched, event)


__all__ = ["DesignPanel", "ResultRow"]
