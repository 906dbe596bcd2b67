"""The Compare panel: one trial's hazard ratio beside its peers, pooled for illustration.

On the left, the trials the window knows (bundled and library), each with a check box
and the hazard ratio to compare (:func:`~explorer.analysis.compare.effect_choices`),
the CI level (95% or 90%) and the Hartung–Knapp option. On the right, the plain
warning that pooling different trials is illustrative, the forest plot
(:class:`~explorer.ui.plots.compare_forest.CompareForest`), the pooled estimates by
four estimators of τ², and two tables: the designs side by side and the hazard
ratios as used (with how each CI was converted and where it was printed).

Every change recomputes :func:`~explorer.analysis.compare.compare` in the GUI thread
(four trials pool in well under a millisecond). A trial whose hazard ratio cannot be
used (no CI, or a CI without a level) is left out, and says so under its check box
and in the notes. This module computes nothing itself: it lays out the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis.compare import (
    HIGHLIGHTED_METHOD,
    Comparison,
    EffectChoice,
    compare,
    default_choice,
    default_selection,
    design_caveats,
    effect_choices,
)
from explorer.evidence import Evidence
from explorer.ui.models.frame_model import Column, FrameModel
from explorer.ui.panels.base import Panel
from explorer.ui.panels.tables import configure_table
from explorer.ui.plots.compare_forest import CompareForest
from explorer.ui.style import LEVEL_COLOURS
from explorer.ui.tooltips import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

#: CI levels offered, as (text, level).
LEVELS = (("95%", 0.95), ("90%", 0.90))

_POOLED_COLUMNS = [
    Column("method_name", "Method", tooltip="formula"),
    Column("estimate_text", "Pooled HR (CI)", tooltip="formula", raw="estimate"),
    Column("tau2_text", "τ²", raw="tau2", align=_RIGHT),
    Column("i2_text", "I²", raw="i2", align=_RIGHT),
    Column("q_text", "Q (p), df", raw="q"),
    Column("pi_text", "Prediction interval", raw="pred_lower"),
]
_STUDY_COLUMNS = [
    Column("trial", "Trial"),
    Column("endpoint", "Endpoint"),
    Column("comparison", "Comparison"),
    Column("display", "HR (CI) used", tooltip="conversion", raw="estimate"),
    Column("printed", "As printed", tooltip="source"),
    Column("weight_REML", "REML weight", format=lambda w: f"{w:.1f}%", align=_RIGHT),
    Column("conversion", "How the CI was obtained", tooltip="conversion"),
    Column("source", "Source", tooltip="source"),
]


def _plain_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class WrappingTable(QTableView):
    """A table of wrapped text that fits its width: no horizontal scrolling.

    Columns take their natural width when everything fits (the spare width goes to
    the last column); otherwise the widest columns are narrowed to a common width
    and their text wraps. Rows then take the height their text needs, and headers
    wrap too. Refitted after every resize and model reset.
    """

    #: No column is narrowed below this many pixels.
    MIN_COLUMN = 70

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._fit = QTimer(self)
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.fit)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag(int(Qt.TextFlag.TextWordWrap))
        )
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelReset.connect(self._fit.start)
        self._fit.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit.start()

    def fit(self) -> None:
        """Set the column widths and the row heights for the current width."""
        model, header = self.model(), self.horizontalHeader()
        n = model.columnCount() if model is not None else 0
        if n == 0:
            return
        natural = [max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) + 8 for c in range(n)]
        available = self.viewport().width()
        if sum(natural) <= available:
            widths = list(natural)
            widths[-1] += available - sum(natural)
        else:  # water-filling: the widest columns share what the narrow ones leave
            cap = float(max(natural))
            while cap > self.MIN_COLUMN and sum(min(w, cap) for w in natural) > available:
                cap -= 4
            widths = [int(min(w, cap)) for w in natural]
        for c, width in enumerate(widths):
            header.resizeSection(c, max(width, self.MIN_COLUMN))
        self.resizeRowsToContents()
        header.setMinimumHeight(self._header_height())

    def _header_height(self) -> int:
        """Height of the header with each title wrapped in its column's width."""
        model, header = self.model(), self.horizontalHeader()
        metrics = header.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        heights = [metrics.height()]
        for c in range(model.columnCount()):
            title = str(model.headerData(c, Qt.Orientation.Horizontal))
            width = max(header.sectionSize(c) - 10, 1)
            heights.append(metrics.boundingRect(0, 0, width, 1000, flags, title).height())
        return max(heights) + 8


class PooledModel(FrameModel):
    """The pooled table; the highlighted method's row (REML) in bold."""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            if self.frame.at[index.row(), "method"] == HIGHLIGHTED_METHOD:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


class _ToggleLabel(QLabel):
    """A wrapped plain-text label that toggles its check box when clicked."""

    def __init__(self, text: str, check: QCheckBox) -> None:
        super().__init__(text)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self._check = check

    def mousePressEvent(self, event) -> None:
        if self._check.isEnabled() and event.button() == Qt.MouseButton.LeftButton:
            self._check.toggle()
        super().mousePressEvent(event)


class TrialRow(QWidget):
    """One trial in the list: a check box, the hazard ratio to compare, a refusal note."""

    def __init__(self, label: str, evidence: Evidence, parent=None) -> None:
        super().__init__(parent)
        self.label = label
        self.evidence = evidence
        self.choices: list[EffectChoice] = effect_choices(evidence)
        # the check box has no text of its own: a long label wraps beside it instead
        self.check = QCheckBox()
        self.check.setAccessibleName(label)
        self.check.setToolTip(plain_tooltip(label))
        self.title = _ToggleLabel(label, self.check)
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(24)
        for choice in self.choices:
            self.combo.addItem(choice.label, choice.key)
            self.combo.setItemData(
                self.combo.count() - 1,
                plain_tooltip(choice.label),
                Qt.ItemDataRole.ToolTipRole,
            )
        default = default_choice(evidence)
        if default is not None:
            self.combo.setCurrentIndex(self.combo.findData(default.key))
        if not self.choices:
            self.combo.addItem("no hazard ratio to compare")
            self.combo.setEnabled(False)
            self.check.setEnabled(False)
            self.check.setToolTip(
                plain_tooltip(f"{label}: the trial reports no hazard ratio to compare")
            )
            self.title.setEnabled(False)
        self.note = _plain_label()
        self.note.setStyleSheet(f"color: {LEVEL_COLOURS['warn']};")
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 6)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        inner = QHBoxLayout()
        inner.setContentsMargins(22, 0, 0, 0)
        inner.addWidget(self.combo, 1)
        layout.addLayout(inner)
        note_row = QHBoxLayout()
        note_row.setContentsMargins(22, 0, 0, 0)
        note_row.addWidget(self.note, 1)
        layout.addLayout(note_row)

    @property
    def choice(self) -> EffectChoice | None:
        """The hazard ratio chosen in the combo box, or None when the trial has none."""
        if not self.choices:
            return None
        return self.choices[max(self.combo.currentIndex(), 0)]

    def set_refusal(self, text: str) -> None:
        """Show why the trial was left out (empty: hide the note)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))


class ComparePanel(Panel):
    """Cross-trial comparison of hazard ratios, with the pooled estimates and caveats.

    Feed it with :meth:`set_trials`; it does not follow the open trial. Widgets for
    tests and scripts: ``rows`` (one :class:`TrialRow` per trial), ``level_combo``,
    ``hk_check``, ``forest``, ``warning_label``, ``notes_label``, ``pooled_table`` /
    ``pooled_model``, ``caveats_table`` / ``caveats_model``, ``studies_table`` /
    ``studies_model``; ``comparison`` is the last :class:`Comparison` shown.
    """

    name = "compare"
    title = "Compare trials"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[TrialRow] = []
        self.comparison: Comparison | None = None
        self._remembered: dict[str, tuple[bool, str | None]] = {}

        # left: the trials and the options
        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.setContentsMargins(6, 6, 6, 6)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.rows_box)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty_label = _plain_label("No trials to compare: open or import trials first.")
        trials_box = QGroupBox("Trials and the hazard ratio compared")
        trials_layout = QVBoxLayout(trials_box)
        trials_layout.addWidget(self.empty_label)
        trials_layout.addWidget(scroll, 1)

        self.level_combo = QComboBox()
        for text, level in LEVELS:
            self.level_combo.addItem(text, level)
        self.level_combo.setToolTip("Level of every CI, pooled CI and prediction interval")
        self.hk_check = QCheckBox("Hartung–Knapp CI (t, k − 1 df)")
        self.hk_check.setToolTip(
            "Hartung–Knapp–Sidik–Jonkman: the pooled CI from t with k − 1 degrees of freedom "
            'and a variance scaled by the trials\' spread (metafor test = "knha")'
        )
        options = QHBoxLayout()
        options.addWidget(QLabel("CI level"))
        options.addWidget(self.level_combo)
        options.addSpacing(12)
        options.addWidget(self.hk_check)
        options.addStretch(1)

        notes_box = QGroupBox("Notes")
        self.notes_label = _plain_label()
        self.notes_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        notes_scroll = QScrollArea()
        notes_scroll.setWidgetResizable(True)
        notes_scroll.setFrameShape(QFrame.Shape.NoFrame)
        notes_scroll.setWidget(self.notes_label)
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.addWidget(notes_scroll)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(trials_box, 1)
        left_layout.addLayout(options)
        left_layout.addWidget(notes_box, 1)

        # right: warning, forest, tables
        self.warning_label = _plain_label()
        self.warning_label.setAccessibleName("Comparison warning")
        self.warning_label.setStyleSheet(
            "QLabel { background: #FFF4D6; border: 1px solid #D9A21B; border-radius: 3px;"
            " padding: 6px; color: #3D2E00; }"
        )
        self.forest = CompareForest()
        self.forest.setMinimumHeight(300)

        self.pooled_model = PooledModel(_empty_pooled(), _POOLED_COLUMNS, status_column="status")
        self.pooled_table = QTableView()
        self.pooled_table.setAccessibleName("Pooled estimates")
        self.pooled_table.setModel(self.pooled_model)
        configure_table(self.pooled_table, sortable=False)
        self.pooled_table.horizontalHeader().setStretchLastSection(True)

        self.caveats_model = FrameModel(design_caveats([]), [], status_column=None)
        self.caveats_table = WrappingTable()
        self.caveats_table.setAccessibleName("Design caveats")
        self.caveats_table.setModel(self.caveats_model)
        configure_table(self.caveats_table, wrap=True, sortable=False)

        self.studies_model = FrameModel(
            _studies_frame(None), _STUDY_COLUMNS, status_column="status"
        )
        self.studies_table = QTableView()
        self.studies_table.setAccessibleName("Hazard ratios used")
        self.studies_table.setModel(self.studies_model)
        configure_table(self.studies_table, sortable=False)
        self.studies_table.horizontalHeader().setStretchLastSection(True)

        # The pooled estimates are also printed beside their diamonds, so their table
        # shares the tabs with the designs rather than taking height from the plot.
        self.tabs = QTabWidget()
        self.tabs.addTab(self.caveats_table, "Designs side by side")
        self.tabs.addTab(self.pooled_table, "Pooled estimates")
        self.tabs.addTab(self.studies_table, "Hazard ratios used")

        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(self.forest)
        tables.addWidget(self.tabs)
        tables.setStretchFactor(0, 1)
        tables.setStretchFactor(1, 1)
        tables.setChildrenCollapsible(False)
        tables.setSizes([480, 260])
        self.right_splitter = tables

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(self.warning_label)
        right_layout.addWidget(tables, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([370, 1030])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.level_combo.currentIndexChanged.connect(self.recompute)
        self.hk_check.toggled.connect(self.recompute)
        self.recompute()

        from explorer.ui.exports import install_exports

        # tables: Copy as TSV and Export CSV…; the forest plot: Export PNG/SVG…
        install_exports(self)

    # -- input -----------------------------------------------------------------------------
    def set_summary(self, summary) -> None:
        """Nothing to do: the comparison does not follow the open trial (see :meth:`set_trials`)."""

    def set_trials(self, trials: Sequence[tuple[str, Evidence]]) -> None:
        """Offer ``trials`` (label, evidence), e.g. bundled and library trials.

        A label seen before keeps its check and its chosen hazard ratio; new labels
        start as :func:`~explorer.analysis.compare.default_selection` says (the four
        bundled trials checked when present).
        """
        for row in self.rows:
            self._remembered[row.label] = (row.check.isChecked(), _key(row.choice))
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        defaults = default_selection([ev for _, ev in trials])
        for i, (label, ev) in enumerate(trials):
            row = TrialRow(label, ev, self.rows_box)
            checked, key = self._remembered.get(label, (defaults[i], None))
            if key is not None and row.combo.findData(key) >= 0:
                row.combo.setCurrentIndex(row.combo.findData(key))
            row.check.setChecked(bool(checked) and bool(row.choices))
            row.check.toggled.connect(self.recompute)
            row.combo.currentIndexChanged.connect(self.recompute)
            self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
            row.show()  # at once, not on the next event-loop turn as the layout would
            self.rows.append(row)
        self.empty_label.setVisible(not self.rows)
        self.recompute()

    def set_checked(self, label: str, checked: bool) -> None:
        """Check or uncheck the trial called ``label`` (KeyError if there is none)."""
        self.row(label).check.setChecked(checked)

    def row(self, label: str) -> TrialRow:
        """The row of the trial called ``label`` (KeyError if there is none)."""
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(label)

    @property
    def level(self) -> float:
        """The CI level chosen."""
        return float(self.level_combo.currentData())

    # -- output ----------------------------------------------------------------------------
    def recompute(self, *_args) -> None:
        """Compare the checked trials and redraw everything (cheap: GUI thread)."""
        chosen = [(row, row.choice) for row in self.rows if row.check.isChecked() and row.choice]
        result = compare(
            [(row.evidence, choice) for row, choice in chosen],
            level=self.level,
            hartung_knapp=self.hk_check.isChecked(),
        )
        self.comparison = result
        for row in self.rows:
            row.set_refusal("")
        for row, text in _refusals(chosen, result):
            row.set_refusal(text)

        self.forest.set_comparison(result)
        self.pooled_model.set_frame(result.pooled_frame() if result.pooled else _empty_pooled())
        self._show_caveats(result.caveats)
        self.studies_model.set_frame(_studies_frame(result))
        self._fit_tables()

        self.warning_label.setText(result.warning)
        self.warning_label.setVisible(bool(result.warning))
        self.notes_label.setText(_notes_text(result))

    def _show_caveats(self, frame: pd.DataFrame) -> None:
        columns = [Column(c, c) for c in frame.columns]
        if [c.key for c in self.caveats_model._columns] != list(frame.columns):
            self.caveats_model = FrameModel(frame, columns, status_column=None)
            self.caveats_table.setModel(self.caveats_model)
        else:
            self.caveats_model.set_frame(frame)

    def _fit_tables(self) -> None:
        for table in (self.pooled_table, self.studies_table):
            table.resizeColumnsToContents()
        self.caveats_table.fit()


def _key(choice: EffectChoice | None) -> str | None:
    return None if choice is None else choice.key


def _refusals(chosen, result: Comparison) -> list[tuple[TrialRow, str]]:
    """Each left-out row with its sentence (compare() names the trial and the choice)."""
    left = list(result.refused)
    out = []
    for row, choice in chosen:
        prefix = f"{row.evidence.trial.acronym} ({choice.label}) is left out:"
        text = next((t for t in left if t.startswith(prefix)), None)
        if text is not None:
            left.remove(text)
            out.append((row, text))
    return out


def _empty_pooled() -> pd.DataFrame:
    return compare([]).pooled_frame()


def _studies_frame(result: Comparison | None) -> pd.DataFrame:
    return (result or compare([])).studies_frame()


def _notes_text(result: Comparison) -> str:
    lines = list(result.notes)
    for s in result.studies:
        lines.append(f"{s.trial}: {s.conversion}.")
    if not result.studies and not result.refused:
        lines.append("Check at least two trials to compare and pool their hazard ratios.")
    return "\n\n".join(f"• {line}" for line in lines)
