"""The Adverse events panel: a sortable, filterable table beside its dot plots.

One row per adverse event (term and grade band): each arm's rate and count out of
its denominator with the status mark and provenance tooltip, the risk difference,
risk ratio and NNH (or NNT) with their intervals, and the row's least certain
status. The numbers come from :func:`explorer.analysis.safety.adverse_event_frame`;
this module only binds them to Qt.

Below the table, :class:`~explorer.ui.plots.safety_plot.SafetyPlot` draws the rows
the table shows, in its order: a filter or a sort redraws the plots, scrolling the
table scrolls the plots (and back), and selecting a row highlights it in both plots
and emits ``figure_selected`` with the row's risk-difference figure id.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pandas as pd
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis import STATUS_MARKS, Summary
from explorer.analysis.safety import (
    adverse_event_frame,
    arm_column,
    comparison_arms,
    filter_mask,
    frame_columns,
    grade_band,
    grades_present,
    organ_systems_present,
    plot_data,
    sections_present,
)
from explorer.ui.models.frame_model import Column, FrameModel, RawRole
from explorer.ui.panels.base import Panel
from explorer.ui.plots.safety_plot import MAX_LABELLED_ROWS, SafetyPlot
from explorer.ui.style import STATUS_COLOURS, arm_colours, qcolor
from explorer.ui.tooltips import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class SafetyTableModel(FrameModel):
    """:class:`FrameModel` with header tooltips and the status column in its colour."""

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: list[Column],
        header_tips: list[str],
        parent=None,
    ) -> None:
        super().__init__(frame, columns, status_column="status", parent=parent)
        self.columns = tuple(columns)
        self._tips = list(header_tips)
        self._status_col = next((i for i, c in enumerate(columns) if c.key == "status_text"), None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and index.column() == self._status_col
        ):
            status = self.frame.at[index.row(), "status"]
            return qcolor(STATUS_COLOURS.get(status, "#1A1A1A"))
        return super().data(index, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._tips)
        ):
            return plain_tooltip(self._tips[section])
        return super().headerData(section, orientation, role)


def _sort_key(value):
    """A raw cell value as a sort key: text case-folded, missing (None, NaN) as None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.casefold() if isinstance(value, str) else value


class SafetyFilterProxy(QSortFilterProxyModel):
    """Filters rows by term (case-insensitive substring) and grade band; sorts by raw value.

    Sorting uses :data:`RawRole` (numbers as numbers, text case-insensitively) and
    puts rows without a value last in either order. The filter is the vectorised
    :func:`~explorer.analysis.safety.filter_mask` over the source frame, and one
    :meth:`set_filter` call re-filters once (a single ``layoutChanged``).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(RawRole)
        self._model: FrameModel | None = None
        self._text = ""
        self._grade: str | None = None
        self._section: str | None = None
        self._organ: str | None = None
        self._mask = None
        self._mask_frame = None
        self._keys: dict[int, list] = {}
        self._keys_frame = None

    def setSourceModel(self, model: FrameModel) -> None:
        self._model = model
        self._mask_frame = self._keys_frame = None
        super().setSourceModel(model)

    @property
    def filter_text(self) -> str:
        """The term filter (substring, any case)."""
        return self._text

    @property
    def grade(self) -> str | None:
        """The grade band kept (as in the evidence file, e.g. ``"3-4"``), or ``None`` for all."""
        return self._grade

    @property
    def section(self) -> str | None:
        """The section kept ("Serious adverse events (registry, no grade)", ...) or None."""
        return self._section

    @property
    def organ_system(self) -> str | None:
        """The organ system kept, or None for all."""
        return self._organ

    def set_filter(
        self,
        text: str,
        grade: str | None,
        section: str | None = None,
        organ_system: str | None = None,
    ) -> None:
        """Keep rows whose term contains ``text``, of grade ``grade``, in ``section`` and
        ``organ_system`` (None: any)."""
        wanted = (text, grade, section, organ_system)
        if wanted == (self._text, self._grade, self._section, self._organ):
            return
        self._text, self._grade, self._section, self._organ = wanted
        self._mask_frame = None
        self.invalidate()

    def _current_mask(self):
        frame = self._model.frame
        if self._mask_frame is not frame:
            self._mask = filter_mask(
                frame,
                self._text,
                self._grade,
                section=self._section if "section" in frame else None,
                organ_system=self._organ if "organ_system" in frame else None,
            )
            self._mask_frame = frame
        return self._mask

    def _sort_keys(self, column: int) -> list:
        model = self._model
        if self._keys_frame is not model.frame:
            self._keys, self._keys_frame = {}, model.frame
        keys = self._keys.get(column)
        if keys is None:
            spec = getattr(model, "columns", None)
            if spec is not None and self.sortRole() == RawRole:
                # The RawRole values, read from the frame column in one go (what
                # FrameModel.data returns for RawRole, without a call per cell).
                values = model.frame[spec[column].raw or spec[column].key].tolist()
            else:
                role = self.sortRole()
                values = [
                    model.data(model.index(row, column), role) for row in range(model.rowCount())
                ]
            keys = [_sort_key(v) for v in values]
            self._keys[column] = keys
        return keys

    # -- Qt overrides --------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self._model is None:
            return True
        mask = self._current_mask()
        return 0 <= source_row < len(mask) and bool(mask[source_row])

    def lessThan(self, left: _Index, right: _Index) -> bool:
        keys = self._sort_keys(left.column())
        a, b = keys[left.row()], keys[right.row()]
        if a is None or b is None:
            if a is None and b is None:
                return False
            ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
            # Missing values go last whichever way the column is sorted.
            return (b is None) if ascending else (a is None)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


def _columns(summary: Summary, level: float) -> tuple[list[Column], list[str]]:
    """Table columns and header tooltips for the arms of ``summary``."""
    ev = summary.evidence
    pair = comparison_arms(ev)
    cols = [
        Column("term", "Adverse event", tooltip="term_tooltip"),
        Column("grade_band", "Grade", raw="grade_rank", align=_CENTRE),
        Column("category", "Category"),
    ]
    tips = [
        "Adverse event term (hover for the grade and any note from the evidence file)",
        "Grade or grade band (CTCAE); “No grade” for registry serious and other adverse "
        "events, which are listed without a grade and never counted as grade ≥ 3",
        "Category: any, treatment-related, serious, leading to discontinuation",
    ]
    # Format 1.2: the section (graded / registry serious / registry other) and the organ
    # system get columns only when the evidence has them.
    if any(not ae.is_graded for ae in ev.adverse_events):
        cols.append(Column("section", "Section"))
        tips.append(
            "Graded adverse events, or a registry's serious / other adverse events (no grade)"
        )
    if any(ae.organ_system for ae in ev.adverse_events):
        cols.append(Column("organ_system", "Organ system"))
        tips.append("System organ class, as the source gives it")
    cols.append(Column("population", "Population", tooltip="population_label"))
    tips.append("Population the rates are on (hover for its full name)")
    for arm in ev.arms:
        a = arm.id
        cols.append(
            Column(
                arm_column("rate_text", a),
                f"{arm.label} %",
                tooltip=arm_column("rate_provenance", a),
                raw=arm_column("rate", a),
                align=_RIGHT,
            )
        )
        cols.append(
            Column(
                arm_column("count_text", a),
                f"{arm.label} n/N",
                tooltip=arm_column("count_provenance", a),
                raw=arm_column("count", a),
                align=_RIGHT,
            )
        )
        tips.append(
            f"Patients with the event in {arm.label}, %: as printed (●), or derived from "
            "count/N (◆, ◇). Hover a cell for its source."
        )
        tips.append(
            f"Patients with the event / patients treated in {arm.label}: reported (●) or "
            "reconstructed from the printed percentage (◇). Hover a cell for how."
        )
    levels = f"{level:.0%} CI"
    cols += [
        Column(
            "rd_text", f"RD, points ({levels})", tooltip="rd_provenance", raw="rd", align=_RIGHT
        ),
        Column("rr_text", f"RR ({levels})", tooltip="rr_provenance", raw="rr", align=_RIGHT),
        Column(
            "nnh_text", f"NNH or NNT ({levels})", tooltip="nnh_provenance", raw="nnh", align=_RIGHT
        ),
        Column("status_text", "Status", tooltip="provenance", raw="status_rank"),
    ]
    if pair is None:
        none = "Not applicable: a single-group study has no control arm to compare with"
        tips += [none, none, none]
    else:
        treatment, control = pair
        tips += [
            f"Risk difference, {treatment.label} − {control.label}, in percentage points, "
            "with Newcombe's hybrid score interval; > 0: more frequent with "
            f"{treatment.label}",
            f"Risk ratio, {treatment.label} / {control.label}, with a Wald interval on the "
            "log scale",
            "Number needed to harm (the event is more frequent with "
            f"{treatment.label}) or to treat (less frequent), 1/|RD|; an interval through no "
            "difference reads NNT … to ∞ to NNH … (Altman 1998)",
        ]
    tips += [
        "The least certain number in the row: ● reported, ◆ derived, ◇ reconstructed "
        "(hover for every number of the row)",
    ]
    return cols, tips


def _ci_level(frame: pd.DataFrame) -> float:
    """The confidence level of the comparisons in ``frame`` (0.95 when there are none)."""
    levels = frame["ci_level"].dropna()
    return float(levels.iloc[0]) if len(levels) else 0.95


class SafetyPanel(Panel):
    """Adverse events: filterable, sortable table with rate and risk-difference plots.

    Parameters
    ----------
    summary : Summary, optional
        Shown at once when given; otherwise call :meth:`set_summary`.
    parent : QWidget, optional

    Attributes
    ----------
    filter_edit : QLineEdit
        Term filter (case-insensitive substring).
    grade_combo : QComboBox
        "All grades" or one grade band present (item data: the band as in the file).
    table : QTableView
        Over :attr:`proxy` (a :class:`SafetyFilterProxy` over :attr:`model`).
    plot : SafetyPlot
        Rows shown by the table, in its order.
    frame : pandas.DataFrame
        The adverse-event frame shown.

    Signals
    -------
    figure_selected(str)
        The selected row's risk-difference figure id (its treatment-arm rate or count
        when there is no comparison).
    """

    name = "adverse_events"
    title = "Adverse events"

    def __init__(self, summary: Summary | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: Summary | None = None
        self.frame = pd.DataFrame(columns=frame_columns([]))
        self._arms: tuple[str, str | None] = ("", "")
        self._syncing = False
        self._quiet = False
        self._population_note = ""

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter terms, e.g. neutro")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(200)
        self.grade_combo = QComboBox()
        self.grade_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.section_combo = QComboBox()
        self.section_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.section_combo.setMaximumWidth(260)
        self.section_combo.setToolTip(
            "Graded adverse events, or a registry's serious / other adverse events, which "
            "carry no grade"
        )
        self.organ_combo = QComboBox()
        self.organ_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.organ_combo.setMaximumWidth(260)
        self.organ_combo.setToolTip("System organ class, as the source gives it")
        self.section_label = _plain_label("Section:")
        self.organ_label = _plain_label("Organ system:")
        self.count_label = _plain_label()
        self.key_label = _plain_label(
            "   ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
        )
        self.key_label.setToolTip("Hover a number in the table for its source or derivation")
        self.key_label.setStyleSheet("color: #555;")

        self.model = SafetyTableModel(self.frame, [], [], parent=self)
        self.proxy = SafetyFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(60)
        header.setHighlightSections(False)
        # File order until the user sorts (no sort indicator).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        self.plot = SafetyPlot()
        self.hint_label = _plain_label()
        self.hint_label.setStyleSheet("color: #555;")
        self.hint_label.setWordWrap(True)

        controls = QHBoxLayout()
        controls.addWidget(_plain_label("Term:"))
        controls.addWidget(self.filter_edit)
        controls.addSpacing(8)
        controls.addWidget(_plain_label("Grade:"))
        controls.addWidget(self.grade_combo)
        controls.addSpacing(8)
        controls.addWidget(self.section_label)
        controls.addWidget(self.section_combo)
        controls.addSpacing(8)
        controls.addWidget(self.organ_label)
        controls.addWidget(self.organ_combo)
        controls.addStretch(1)
        # The count and the key sit on a line of their own, so the filters (four of them
        # for a registry record) never make the window wider than the screen.
        status_line = QHBoxLayout()
        status_line.addWidget(self.count_label)
        status_line.addStretch(1)
        status_line.addWidget(self.key_label)

        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.setSpacing(2)
        plots_layout.addWidget(self.plot, 1)
        plots_layout.addWidget(self.hint_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(plots)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(status_line)
        layout.addWidget(self.splitter, 1)

        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.grade_combo.currentIndexChanged.connect(self._on_grade_combo_changed)
        self.section_combo.currentIndexChanged.connect(self._on_grade_combo_changed)
        self.organ_combo.currentIndexChanged.connect(self._on_grade_combo_changed)
        self.proxy.layoutChanged.connect(self._refresh_plots)
        self.proxy.modelReset.connect(self._refresh_plots)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.verticalScrollBar().valueChanged.connect(self._on_table_scrolled)
        self.plot.rate_plot.getViewBox().sigYRangeChanged.connect(self._on_plot_scrolled)
        self.plot.row_clicked.connect(self._on_plot_row_clicked)

        self._fill_grade_combo()
        if summary is not None:
            self.set_summary(summary)
        else:
            self._refresh_plots()

    # -- public -----------------------------------------------------------------------
    def set_summary(self, summary: Summary) -> None:
        """Show ``summary``'s adverse events (keeps the filter when its grade still exists)."""
        self.summary = summary
        self.frame = adverse_event_frame(summary)
        ev = summary.evidence
        pair = comparison_arms(ev)
        colours = arm_colours(ev)
        level = _ci_level(self.frame)
        if pair is not None:
            treatment, control = pair
            self._arms = (treatment.id, control.id)
            self.plot.set_arms(
                treatment.label,
                control.label,
                colours[treatment.id],
                colours[control.id],
                level=level,
            )
        else:
            # A single group: its rates only; there is no control and no difference.
            only = ev.arms[0] if ev.arms else None
            self._arms = (only.id if only else "", None)
            self.plot.set_arms(
                only.label if only else "",
                "no control arm",
                colours.get(only.id, "#1f77b4") if only else "#1f77b4",
                "#BBBBBB",
                level=level,
            )
        columns, tips = _columns(summary, level)
        old = self.model
        self.model = SafetyTableModel(self.frame, columns, tips, parent=self)
        self.proxy.setSourceModel(self.model)
        if old.parent() is self:
            old.deleteLater()
        self._fill_grade_combo()
        self._fill_section_combos()
        self._apply_filter()
        self._size_columns()
        self._size_splitter()
        # One population for every row: say it once instead of in a column.
        populations = self.frame["population_label"].dropna().unique()
        self._population_note = populations[0] if len(populations) == 1 else ""
        several_sections = len(sections_present(self.frame)) > 1
        has_organs = bool(organ_systems_present(self.frame))
        for i, column in enumerate(self.model.columns):
            if column.key == "population":
                self.table.setColumnHidden(i, bool(self._population_note))
            elif column.key == "section":
                self.table.setColumnHidden(i, not several_sections)
            elif column.key == "organ_system":
                self.table.setColumnHidden(i, not has_organs)
        self._refresh_plots()

    def set_section(self, section: str | None = None, organ_system: str | None = None) -> None:
        """Show one section ("Serious adverse events (registry, no grade)", ...) and one
        organ system (None: all), as a user would with the combo boxes."""
        i = self.section_combo.findData(section) if section is not None else 0
        self.section_combo.setCurrentIndex(max(i, 0))
        j = self.organ_combo.findData(organ_system) if organ_system is not None else 0
        self.organ_combo.setCurrentIndex(max(j, 0))

    def set_filter(self, text: str = "", grade: str | None = None) -> None:
        """Set the term and grade filters as a user would (the controls follow).

        ``grade`` is a band as in the evidence file (``"3-4"``); one not present
        selects "All grades".
        """
        self.filter_edit.setText(text)
        i = self.grade_combo.findData(grade) if grade is not None else 0
        self.grade_combo.setCurrentIndex(max(i, 0))

    def shown_rows(self) -> list[int]:
        """Frame rows the table shows, in its order (the plots show the same)."""
        return [
            self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            for r in range(self.proxy.rowCount())
        ]

    def select_row(self, row: int) -> None:
        """Select the table's ``row`` (position as shown) and scroll to it."""
        index = self.proxy.index(row, 0)
        if not index.isValid():
            return
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def highlight_figures(self, ids: tuple[str, ...]) -> None:
        """Select (without emitting ``figure_selected``) the first row showing any of ``ids``.

        A row hidden by the filter is shown by clearing the filter first.
        """
        wanted = set(ids)
        source = next(
            (r for r, row_ids in enumerate(self.frame["figure_ids"]) if wanted & set(row_ids)),
            None,
        )
        if source is None:
            return
        index = self.proxy.mapFromSource(self.model.index(source, 0))
        if not index.isValid():
            self.set_filter("", None)
            self.set_section(None, None)
            index = self.proxy.mapFromSource(self.model.index(source, 0))
        with self._quietly():
            self.select_row(index.row())

    # -- building ---------------------------------------------------------------------
    def _apply_filter(self) -> None:
        self.proxy.set_filter(
            self.filter_edit.text(),
            self.grade_combo.currentData(),
            self.section_combo.currentData(),
            self.organ_combo.currentData(),
        )

    def _fill_section_combos(self) -> None:
        """Section and organ-system choices; each is hidden when it offers no choice."""
        for combo, label, everything, values in (
            (self.section_combo, self.section_label, "All sections", sections_present(self.frame)),
            (
                self.organ_combo,
                self.organ_label,
                "All organ systems",
                organ_systems_present(self.frame),
            ),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(value, value)
            i = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
            shown = len(values) > 1 or (combo is self.organ_combo and len(values) > 0)
            combo.setVisible(shown)
            label.setVisible(shown)

    def _fill_grade_combo(self) -> None:
        current = self.grade_combo.currentData()
        self.grade_combo.blockSignals(True)
        self.grade_combo.clear()
        self.grade_combo.addItem("All grades", None)
        for grade in grades_present(self.frame):
            if grade == "ungraded":
                text = "No grade (registry)"
            else:
                text = "Any grade" if grade == "any" else f"Grade {grade_band(grade)}"
            self.grade_combo.addItem(text, grade)
        i = self.grade_combo.findData(current) if current is not None else 0
        self.grade_combo.setCurrentIndex(max(i, 0))
        self.grade_combo.blockSignals(False)

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        caps = {"term": 240, "population": 150, "category": 130}
        for i, column in enumerate(self.model.columns):
            cap = caps.get(column.key)
            if cap is not None and self.table.columnWidth(i) > cap:
                self.table.setColumnWidth(i, cap)

    def _size_splitter(self) -> None:
        """Give the table room for its rows (3 to 12 of them) and the plots the rest."""
        rows = min(max(len(self.frame), 3), 12)
        row_height = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        wanted = header + rows * row_height + 2 * self.table.frameWidth() + 4
        total = sum(self.splitter.sizes()) or 800
        table = min(wanted, int(0.5 * total))
        self.splitter.setSizes([table, max(total - table, 1)])

    # -- binding ----------------------------------------------------------------------
    @contextlib.contextmanager
    def _syncing_views(self) -> Iterator[None]:
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _refresh_plots(self) -> None:
        rows = self.shown_rows()
        treatment, control = self._arms
        if treatment and len(self.frame):
            data = plot_data(self.frame, rows, treatment, control)
        else:
            data = None
        with self._syncing_views():
            self.plot.set_data(data)
        self.plot.set_highlight(self._selected_row())
        total = len(self.frame)
        if total == 0:
            self.count_label.setText("No adverse events in this evidence")
        else:
            note = f" · {self._population_note}" if self._population_note else ""
            self.count_label.setText(f"{len(rows)} of {total} adverse events shown{note}")
        self._on_table_scrolled()
        self._update_hint()

    def _update_hint(self) -> None:
        n = self.plot.row_count()
        if n == 0:
            self.hint_label.setText("")
            return
        first, last = self.plot.visible_rows()
        parts = [
            "Dots: patients with the event in each arm. Squares and bars: risk difference "
            "with its confidence interval. Rows follow the table's filter and sort order; "
            "hover a table cell for its source."
        ]
        if last - first + 1 < n:
            parts.append(
                f"Rows {first + 1}–{last + 1} of {n} in view: scroll the table, or drag or "
                "use the mouse wheel over the plots."
            )
        vb = self.plot.rate_plot.getViewBox()
        low, high = vb.viewRange()[1]
        if not self.plot.term_axis.labels_fit(low, high, vb.height() or 1.0):
            parts.append(
                f"Term names appear when at most {MAX_LABELLED_ROWS} rows are in view and "
                "each has room: zoom in with the mouse wheel."
            )
        self.hint_label.setText(" ".join(parts))

    # -- slots ------------------------------------------------------------------------
    def _on_filter_edit_text_changed(self, _text: str) -> None:
        self._apply_filter()

    def _on_grade_combo_changed(self, _index: int) -> None:
        self._apply_filter()

    def _on_selection_changed(self, *_args) -> None:
        row = self._selected_row()
        self.plot.set_highlight(row)
        if row is None or self._quiet:
            return
        source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
        figure_id = self.frame.at[source, "figure_id"]
        if isinstance(figure_id, str) and figure_id:
            self.figure_selected.emit(figure_id)

    def _on_table_scrolled(self, *_args) -> None:
        if self._syncing or self.proxy.rowCount() == 0:
            return
        top = self.table.rowAt(0)
        if top < 0:
            top = 0
        with self._syncing_views():
            self.plot.show_rows(top)
        self._update_hint()

    def _on_plot_scrolled(self, *_args) -> None:
        self._update_hint()
        if self._syncing or self.proxy.rowCount() == 0:
            return
        first, _last = self.plot.visible_rows()
        with self._syncing_views():
            self.table.scrollTo(
                self.proxy.index(first, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _on_plot_row_clicked(self, row: int) -> None:
        self.select_row(row)
