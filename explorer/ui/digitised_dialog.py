"""The dialog that imports a digitised Kaplan–Meier figure: two CSV files become a figure.

An analyst digitises a published figure in two files (the curve points of each arm and
the numbers at risk printed under the plot) and tells the app what they are: which
endpoint, which of the trial's arms each file arm is, where the figure was printed and
how it was digitised. :class:`DigitisedImportDialog` asks exactly that. Each file is read
as soon as it is chosen (:func:`explorer.evidence.read_curves`,
:func:`explorer.evidence.read_risk_table`), so the layout found, the survival scale and
the arm names are shown at once, or the problem with the row it is on. OK builds the
figure with :func:`explorer.evidence.build_km_figure`, which checks it by the rules of
an evidence file; a problem is shown in the dialog, which stays open, and the figure is
in :attr:`DigitisedImportDialog.figure` once it is accepted.

The dialog only builds the figure: adding it to the trial and reconstructing the patients
is the main window's job, off the GUI thread. Everything read from a file (arm names,
messages) is shown as plain text, never as HTML.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from explorer.evidence import (
    CurveFile,
    Digitisation,
    Evidence,
    EvidenceError,
    KmFigure,
    RiskTableFile,
    Source,
    TimeToEventEndpoint,
    build_km_figure,
    read_curves,
    read_risk_table,
)
from explorer.evidence.digitised import DAYS_PER_UNIT

from .style import ARM_PALETTE

__all__ = ["NOT_MAPPED", "DigitisedImportDialog", "describe_error", "figure_id_for"]

#: What an arm combo shows when a file arm is not mapped to a trial arm.
NOT_MAPPED = "—"
#: The survival scales offered: (combo text, ``read_curves`` scale).
SCALES = (
    ("auto (from the file)", None),
    ("proportion (0–1)", "proportion"),
    ("percent (0–100)", "percent"),
)
#: Longest caption the evidence format accepts (``source.quote``).
MAX_QUOTE = 200
_ERROR_STYLE = "color: #B2182B;"
_INFO_STYLE = "color: #444;"
_CSV_FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"


def _plain_label(text: str = "", style: str | None = None) -> QLabel:
    """A wrapping label that never interprets file text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


def _key(text: str) -> str:
    """Arm names compare with case and spacing ignored (as ``build_km_figure`` does)."""
    return " ".join(text.casefold().split())


def describe_error(exc: EvidenceError, limit: int = 4) -> str:
    """The error in a few lines: the first problem with its file and row, then a few more.

    Examples
    --------
    >>> err = EvidenceError("a.csv", "row 3", "time 'x' is not a number",
    ...                     problems=[("row 3", "time 'x' is not a number"), ("row 9", "empty")])
    >>> print(describe_error(err))
    a.csv: row 3: time 'x' is not a number
    also row 9: empty
    """
    lines = [str(exc)]
    rest = [p for p in exc.problems if p != (exc.path, exc.problem)]
    for path, problem in rest[: limit - 1]:
        lines.append(f"also {path}: {problem}" if path else f"also: {problem}")
    if len(rest) > limit - 1:
        lines.append(f"… and {len(rest) - (limit - 1)} more problems")
    return "\n".join(lines)


def figure_id_for(endpoint: str, label: str, taken: set[str] | frozenset[str]) -> str:
    """A figure id from the endpoint and the label, unique among ``taken``.

    Examples
    --------
    >>> figure_id_for("pfs", "Figure 2A", set())
    'pfs_figure_2a'
    >>> figure_id_for("pfs", "Figure 1", {"pfs_figure_1"})
    'pfs_figure_1_2'
    """
    slug = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_") or "figure"
    base = f"{endpoint}_{slug}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


class DigitisedImportDialog(QDialog):
    """Choose a curve file and a risk table, map their arms, describe the figure; OK builds it.

    Parameters
    ----------
    evidence : Evidence
        The trial the figure joins (its time-to-event endpoints, arms and documents).
    parent : QWidget, optional
    curve_path : str, optional
        A curve file to read at once (a CSV dropped on the main window).

    Attributes
    ----------
    figure : KmFigure or None
        The figure built when OK was accepted; None before.
    curves, risk_table : CurveFile or RiskTableFile or None
        The files as read, None when not chosen or unreadable.
    curve_edit, risk_edit : QLineEdit
        The two paths (read when editing finishes, or through :meth:`set_curve_path` and
        :meth:`set_risk_path`).
    curve_info_label, risk_info_label, curve_error_label, risk_error_label : QLabel
        What was found in each file, or the problem (plain text, the error in red).
    scale_combo, unit_combo, endpoint_combo, document_combo : QComboBox
    unit_note_label : QLabel
        Which file names its own time unit.
    replace_check : QCheckBox
        Shown when the endpoint already has a figure: replace it (the Endpoints panel shows
        an endpoint's first figure).
    arm_combos : dict of str to QComboBox
        File arm name -> its trial arm (item data the arm id, None for :data:`NOT_MAPPED`).
    arm_name_labels : dict of str to QLabel
        The file arm names, shown as plain text.
    events_spins : dict of str to QSpinBox
        Trial arm id -> reported total events; -1 shows "not reported".
    label_edit, caption_edit, tool_edit : QLineEdit
    figure_id_label : QLabel
        The id the figure will have.
    preview : pyqtgraph.PlotWidget
        The digitised points per arm (survival in percent against time).
    message_label : QLabel
        Why OK is disabled, or what went wrong building the figure (plain text).
    ok_button : QPushButton
    """

    def __init__(
        self,
        evidence: Evidence,
        parent: QWidget | None = None,
        curve_path: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import digitised Kaplan–Meier figure")
        self.setObjectName("digitised_import_dialog")
        self.evidence = evidence
        self.figure: KmFigure | None = None
        self.curves: CurveFile | None = None
        self.risk_table: RiskTableFile | None = None
        self._curve_path = ""
        self._risk_path = ""
        self._unit_touched = False
        self._tool_touched = False
        self._endpoints = sorted(
            (ep for ep in evidence.endpoints if isinstance(ep, TimeToEventEndpoint)),
            key=lambda ep: ep.role != "primary",
        )
        self.arm_combos: dict[str, QComboBox] = {}
        self.arm_name_labels: dict[str, QLabel] = {}
        self.events_spins: dict[str, QSpinBox] = {}

        # -- files --------------------------------------------------------------------
        self.curve_edit = QLineEdit()
        self.curve_edit.setPlaceholderText("CSV of curve points (native or WebPlotDigitizer)")
        self.curve_edit.editingFinished.connect(self._on_curve_edit_finished)
        self.curve_browse_button = QPushButton("Browse…")
        self.curve_browse_button.clicked.connect(self._on_curve_browse_clicked)
        self.curve_info_label = _plain_label(style=_INFO_STYLE)
        self.curve_error_label = _plain_label(style=_ERROR_STYLE)
        self.curve_error_label.setObjectName("curve_error_label")
        self.scale_combo = QComboBox()
        for text, scale in SCALES:
            self.scale_combo.addItem(text, scale)
        self.scale_combo.currentIndexChanged.connect(self._on_scale_changed)
        self.unit_combo = QComboBox()
        for unit in DAYS_PER_UNIT:
            self.unit_combo.addItem(unit, unit)
        self.unit_combo.activated.connect(self._on_unit_activated)
        self.unit_note_label = _plain_label(style=_INFO_STYLE)
        self.risk_edit = QLineEdit()
        self.risk_edit.setPlaceholderText("CSV of the numbers at risk (long or wide)")
        self.risk_edit.editingFinished.connect(self._on_risk_edit_finished)
        self.risk_browse_button = QPushButton("Browse…")
        self.risk_browse_button.clicked.connect(self._on_risk_browse_clicked)
        self.risk_info_label = _plain_label(style=_INFO_STYLE)
        self.risk_error_label = _plain_label(style=_ERROR_STYLE)
        self.risk_error_label.setObjectName("risk_error_label")

        files_box = QGroupBox("Files")
        files = QFormLayout(files_box)
        files.addRow(
            "Curve points:",
            _stacked(
                _row(self.curve_edit, self.curve_browse_button),
                self.curve_info_label,
                self.curve_error_label,
            ),
        )
        files.addRow("Survival scale:", self.scale_combo)
        files.addRow(
            "Numbers at risk:",
            _stacked(
                _row(self.risk_edit, self.risk_browse_button),
                self.risk_info_label,
                self.risk_error_label,
            ),
        )
        files.addRow("Time unit of the files:", _stacked(self.unit_combo, self.unit_note_label))

        # -- endpoint and arms ----------------------------------------------------------
        self.endpoint_combo = QComboBox()
        for ep in self._endpoints:
            self.endpoint_combo.addItem(f"{ep.name} ({ep.id}, {ep.unit})", ep.id)
        self.endpoint_combo.currentIndexChanged.connect(self._on_endpoint_changed)
        self.replace_check = QCheckBox()
        self.replace_check.setChecked(True)
        self.replace_check.toggled.connect(self._refresh)
        self.arms_box = QGroupBox("Arms: which arm of the trial is each arm of the files?")
        self.arms_layout = QGridLayout(self.arms_box)
        self.arms_hint_label = _plain_label("Choose the files first.", style=_INFO_STYLE)
        self.arms_layout.addWidget(self.arms_hint_label, 0, 0, 1, 2)
        self.events_box = QGroupBox("Total events per arm, when the document reports them")
        events = QFormLayout(self.events_box)
        for arm in evidence.arms:
            spin = QSpinBox()
            spin.setRange(-1, 1_000_000)
            spin.setSpecialValueText("not reported")
            spin.setValue(-1)
            spin.setToolTip(
                "Optional: with the total, the reconstruction places the events after the "
                "last column of the risk table correctly"
            )
            self.events_spins[arm.id] = spin
            events.addRow(_plain_label(f"{arm.label} ({arm.id}):"), spin)

        # -- the figure -------------------------------------------------------------------
        self.label_edit = QLineEdit("Figure 1")
        self.label_edit.textChanged.connect(self._refresh)
        self.document_combo = QComboBox()
        for doc in evidence.documents:
            self.document_combo.addItem(f"{doc.title} ({doc.id})", doc.id)
        self.document_combo.setCurrentIndex(
            max(0, self.document_combo.findData(evidence.data_cut.document))
        )
        self.caption_edit = QLineEdit()
        self.caption_edit.setMaxLength(MAX_QUOTE)
        self.caption_edit.setPlaceholderText("optional: the caption or title as printed")
        self.tool_edit = QLineEdit("not stated")
        self.tool_edit.textEdited.connect(self._on_tool_edited)
        self.tool_edit.textChanged.connect(self._refresh)
        self.figure_id_label = _plain_label(style=_INFO_STYLE)
        figure_box = QGroupBox("The figure")
        form = QFormLayout(figure_box)
        form.addRow("Endpoint:", self.endpoint_combo)
        form.addRow("", self.replace_check)
        form.addRow("Figure label:", self.label_edit)
        form.addRow("Printed in:", self.document_combo)
        form.addRow("Caption:", self.caption_edit)
        form.addRow("Digitised with:", self.tool_edit)
        form.addRow("Figure id:", self.figure_id_label)

        # -- preview ------------------------------------------------------------------------
        self.preview = pg.PlotWidget()
        self.preview.setMinimumSize(380, 300)
        self.preview.setBackground("w")
        plot = self.preview.getPlotItem()
        plot.setLabel("left", "Survival (%)")
        plot.setLabel("bottom", "Time")
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setYRange(0, 100, padding=0.03)
        self.preview_legend = plot.addLegend(offset=(-10, 10))
        self.preview_caption = _plain_label(
            "The digitised points of each arm, as read from the curve file.", _INFO_STYLE
        )

        self.message_label = _plain_label(style=_ERROR_STYLE)
        self.message_label.setObjectName("import_message_label")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(files_box)
        left.addWidget(self.arms_box)
        left.addWidget(self.events_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_caption)
        right.addWidget(figure_box)
        columns = QHBoxLayout()
        columns.addLayout(left, 11)
        columns.addLayout(right, 10)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.resize(1120, 760)

        for label in (
            self.curve_info_label,
            self.curve_error_label,
            self.risk_info_label,
            self.risk_error_label,
            self.unit_note_label,
        ):
            label.hide()
        self._on_endpoint_changed()
        if curve_path:
            self.set_curve_path(curve_path)
        self._refresh()

    # -- public ------------------------------------------------------------------------
    def set_curve_path(self, path: str) -> None:
        """Show ``path`` as the curve file and read it."""
        self.curve_edit.setText(path)
        self._read_curve_file()

    def set_risk_path(self, path: str) -> None:
        """Show ``path`` as the risk-table file and read it."""
        self.risk_edit.setText(path)
        self._read_risk_file()

    def endpoint_id(self) -> str | None:
        """The chosen endpoint's id (None when the trial has no time-to-event endpoint)."""
        return self.endpoint_combo.currentData()

    def time_unit(self) -> str:
        """The unit chosen for files that do not name their own."""
        return self.unit_combo.currentData()

    def arm_map(self) -> dict[str, str | None]:
        """File arm name -> trial arm id (None when not mapped)."""
        return {name: combo.currentData() for name, combo in self.arm_combos.items()}

    def total_events(self) -> dict[str, int]:
        """Reported total events of the mapped arms (the spin boxes not left "not reported")."""
        mapped = {arm for arm in self.arm_map().values() if arm}
        return {
            arm: spin.value()
            for arm, spin in self.events_spins.items()
            if arm in mapped and spin.isEnabled() and spin.value() >= 0
        }

    def figure_id(self) -> str:
        """The id the figure will have: the replaced figure's, or a new unique one."""
        endpoint = self.endpoint_id() or "figure"
        existing = self._existing_figure()
        if existing is not None and self.replace_check.isChecked():
            return existing.id
        taken = {f.id for f in self.evidence.km_figures}
        return figure_id_for(endpoint, self.label_edit.text().strip(), taken)

    def blockers(self) -> list[str]:
        """Why the figure cannot be built yet, most important first (empty: OK is enabled)."""
        out: list[str] = []
        if not self._endpoints:
            out.append("This trial has no time-to-event endpoint to attach a figure to.")
        if self.curves is None:
            out.append(
                "Choose the file of curve points."
                if not self._curve_path
                else "The curve file could not be read (the problem is shown under it)."
            )
        if self.risk_table is None:
            out.append(
                "Choose the file of numbers at risk."
                if not self._risk_path
                else "The risk-table file could not be read (the problem is shown under it)."
            )
        unmapped = [name for name, arm in self.arm_map().items() if arm is None]
        if unmapped:
            names = ", ".join(repr(n) for n in unmapped)
            verb = "is" if len(unmapped) == 1 else "are"
            out.append(
                f"Map every arm of the files to an arm of the trial: {names} {verb} not mapped."
            )
        for read in (self.curves, self.risk_table):
            if read is None:
                continue
            seen: dict[str, str] = {}
            for name in read.arms:
                arm = self.arm_map().get(name)
                if arm is None:
                    continue
                if arm in seen:
                    out.append(
                        f"{seen[arm]!r} and {name!r} of {Path(read.origin).name} both map to "
                        f"{self.evidence.arm(arm).label}: each file arm needs its own trial arm."
                    )
                seen[arm] = name
        if not self.label_edit.text().strip():
            out.append("Give the figure's label, as the document names it (e.g. Figure 2).")
        if not self.tool_edit.text().strip():
            out.append('Say how the figure was digitised (or "not stated").')
        return out

    def build_figure(self) -> KmFigure:
        """Build the figure from the files and the fields (``build_km_figure``).

        Raises
        ------
        EvidenceError
            From ``build_km_figure`` (a point or a rule of the format), or when something
            is missing (the message of the first blocker).
        """
        blockers = self.blockers()
        if blockers:
            raise EvidenceError("import", "", blockers[0])
        assert self.curves is not None and self.risk_table is not None
        unit = self.time_unit()
        curves = self.curves
        if curves.time_unit is None:
            curves = dataclasses.replace(curves, time_unit=unit)
        table = self.risk_table
        if table.time_unit is None:
            table = dataclasses.replace(table, time_unit=unit)
        label = self.label_edit.text().strip()
        caption = self.caption_edit.text().strip()
        arm_map = {name: arm for name, arm in self.arm_map().items() if arm is not None}
        return build_km_figure(
            self.evidence,
            curves,
            table,
            endpoint=self.endpoint_id(),
            arm_map=arm_map,
            figure_id=self.figure_id(),
            label=label,
            # The figure is where it was printed; its caption (or label) is the quote.
            source=Source(self.document_combo.currentData(), label, caption or label),
            digitisation=Digitisation(
                tool=self.tool_edit.text().strip(),
                date=datetime.date.today().isoformat(),
            ),
            total_events=self.total_events() or None,
        )

    def accept(self) -> None:
        """Build the figure; on a problem say it here and stay open."""
        try:
            figure = self.build_figure()
        except EvidenceError as exc:
            _show_text(self.message_label, f"The figure could not be built:\n{describe_error(exc)}")
            return
        self.figure = figure
        super().accept()

    # -- reading -------------------------------------------------------------------------
    def _read_curve_file(self) -> None:
        path = self.curve_edit.text().strip()
        self._curve_path = path
        self.curves = None
        _show_text(self.curve_info_label, "")
        _show_text(self.curve_error_label, "")
        if path:
            try:
                self.curves = read_curves(
                    Path(path), scale=self.scale_combo.currentData(), origin=Path(path).name
                )
            except EvidenceError as exc:
                _show_text(self.curve_error_label, describe_error(exc))
            else:
                _show_text(self.curve_info_label, self._curve_summary(self.curves))
                if not self._tool_touched:
                    wpd = self.curves.format.startswith("wpd")
                    self.tool_edit.setText("WebPlotDigitizer" if wpd else "not stated")
        self._after_read()

    def _read_risk_file(self) -> None:
        path = self.risk_edit.text().strip()
        self._risk_path = path
        self.risk_table = None
        _show_text(self.risk_info_label, "")
        _show_text(self.risk_error_label, "")
        if path:
            try:
                self.risk_table = read_risk_table(Path(path), origin=Path(path).name)
            except EvidenceError as exc:
                _show_text(self.risk_error_label, describe_error(exc))
            else:
                _show_text(self.risk_info_label, self._risk_summary(self.risk_table))
        self._after_read()

    def _curve_summary(self, curves: CurveFile) -> str:
        points = sum(len(c.time) for c in curves.curves)
        strata = {c.stratum for c in curves.curves} - {None}
        text = (
            f"{curves.format_name}; survival as {curves.scale}; {points} points; "
            f"arms: {', '.join(curves.arms)}"
        )
        if strata:
            text += f"; strata: {', '.join(sorted(strata))}"
        return text

    def _risk_summary(self, table: RiskTableFile) -> str:
        times = sorted({t for tab in table.tables for t in tab.time})
        unit = f" {table.time_unit}" if table.time_unit else ""
        return (
            f"{table.layout} form; {len(times)} times from {times[0]:g} to {times[-1]:g}{unit}; "
            f"arms: {', '.join(table.arms)}"
        )

    def _after_read(self) -> None:
        self._update_units()
        self._rebuild_arm_rows()
        self._update_events()
        self._update_preview()
        self._refresh()

    def _update_units(self) -> None:
        named = []
        for what, read in (("curve file", self.curves), ("risk table", self.risk_table)):
            if read is not None and read.time_unit is not None:
                named.append((what, read.time_unit))
        unnamed = [
            what
            for what, read in (("curve file", self.curves), ("risk table", self.risk_table))
            if read is not None and read.time_unit is None
        ]
        if named and not self._unit_touched:
            self.unit_combo.setCurrentIndex(self.unit_combo.findData(named[0][1]))
        self.unit_combo.setEnabled(bool(unnamed) or not named)
        parts = [f"the {what} is in {unit} (its header says so)" for what, unit in named]
        if unnamed:
            files = " and the ".join(unnamed)
            verb = "names" if len(unnamed) == 1 else "name"
            parts.append(f"the {files} {verb} no unit: the one chosen here applies")
        text = "; ".join(parts)
        _show_text(self.unit_note_label, (text[0].upper() + text[1:] + ".") if text else "")

    def _file_arm_names(self) -> list[str]:
        names: list[str] = []
        for read in (self.curves, self.risk_table):
            if read is not None:
                names.extend(n for n in read.arms if n not in names)
        return names

    def _rebuild_arm_rows(self) -> None:
        previous = self.arm_map()
        while self.arms_layout.count():
            item = self.arms_layout.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.arms_hint_label:
                # Hidden at once: until deleted it would still cover the box's title.
                widget.hide()
                widget.deleteLater()
        self.arm_combos = {}
        self.arm_name_labels = {}
        names = self._file_arm_names()
        self.arms_hint_label.setVisible(not names)
        if not names:
            self.arms_layout.addWidget(self.arms_hint_label, 0, 0, 1, 2)
            return
        self.arms_layout.addWidget(_plain_label("In the files", _INFO_STYLE), 0, 0)
        self.arms_layout.addWidget(_plain_label("Arm of the trial", _INFO_STYLE), 0, 1)
        for row, name in enumerate(names, start=1):
            label = _plain_label(name)
            label.setObjectName("file_arm_label")
            combo = QComboBox()
            combo.addItem(NOT_MAPPED, None)
            for arm in self.evidence.arms:
                combo.addItem(f"{arm.label} ({arm.id})", arm.id)
            target = previous.get(name) or self._match_arm(name)
            combo.setCurrentIndex(max(0, combo.findData(target)) if target else 0)
            combo.currentIndexChanged.connect(self._on_arm_changed)
            self.arms_layout.addWidget(label, row, 0)
            self.arms_layout.addWidget(combo, row, 1)
            self.arm_combos[name] = combo
            self.arm_name_labels[name] = label
        self.arms_layout.setColumnStretch(0, 1)
        self.arms_layout.setColumnStretch(1, 1)

    def _match_arm(self, name: str) -> str | None:
        found = [
            arm.id for arm in self.evidence.arms if _key(name) in (_key(arm.id), _key(arm.label))
        ]
        return found[0] if len(found) == 1 else None

    def _update_events(self) -> None:
        stratified = any(c.stratum is not None for c in (self.curves.curves if self.curves else ()))
        mapped = {arm for arm in self.arm_map().values() if arm}
        for arm, spin in self.events_spins.items():
            spin.setEnabled(arm in mapped and not stratified)
        self.events_box.setToolTip(
            "A stratified figure takes its totals per stratum, in the evidence file"
            if stratified
            else ""
        )

    def _update_preview(self) -> None:
        plot = self.preview.getPlotItem()
        plot.clear()
        self.preview_legend.clear()
        unit = None
        if self.curves is not None:
            unit = self.curves.time_unit or self.time_unit()
            for i, curve in enumerate(self.curves.curves):
                colour = ARM_PALETTE[i % len(ARM_PALETTE)]
                order = sorted(range(len(curve.time)), key=lambda k: curve.time[k])
                time = [curve.time[k] for k in order]
                percent = [100 * curve.survival[k] for k in order]
                name = curve.arm if curve.stratum is None else f"{curve.arm} · {curve.stratum}"
                plot.plot(
                    time,
                    percent,
                    pen=None,
                    symbol="o",
                    symbolSize=5,
                    symbolBrush=colour,
                    symbolPen=None,
                    # The legend renders HTML: a name from the file is escaped to show as is.
                    name=html.escape(name),
                )
        plot.setLabel("bottom", f"Time ({unit})" if unit else "Time")
        plot.setYRange(0, 100, padding=0.03)
        plot.enableAutoRange(axis="x")

    # -- state -------------------------------------------------------------------------------
    def _existing_figure(self) -> KmFigure | None:
        endpoint = self.endpoint_id()
        return self.evidence.km_figure_for(endpoint) if endpoint else None

    def _refresh(self) -> None:
        existing = self._existing_figure()
        self.replace_check.setVisible(existing is not None)
        if existing is not None:
            self.replace_check.setText(
                f"Replace the trial's {existing.label} of this endpoint (the Endpoints panel "
                "shows an endpoint's first figure)"
            )
        figure_id = self.figure_id()
        self.figure_id_label.setText(figure_id)
        blockers = self.blockers()
        self.ok_button.setEnabled(not blockers)
        _show_text(self.message_label, blockers[0] if blockers else "")

    # -- slots -----------------------------------------------------------------------------
    def _on_curve_edit_finished(self) -> None:
        if self.curve_edit.text().strip() != self._curve_path:
            self._read_curve_file()

    def _on_risk_edit_finished(self) -> None:
        if self.risk_edit.text().strip() != self._risk_path:
            self._read_risk_file()

    def _on_curve_browse_clicked(self) -> None:
        path = self._ask_open_path("Curve points (CSV)", self.curve_edit.text())
        if path:
            self.set_curve_path(path)

    def _on_risk_browse_clicked(self) -> None:
        folder = str(Path(self._curve_path).parent) if self._curve_path else ""
        start = self.risk_edit.text() or folder
        path = self._ask_open_path("Numbers at risk (CSV)", start)
        if path:
            self.set_risk_path(path)

    def _ask_open_path(self, title: str, start: str) -> str:
        path, _ = QFileDialog.getOpenFileName(self, title, start, _CSV_FILTER)
        return path

    def _on_scale_changed(self, _index: int) -> None:
        if self._curve_path:
            self._read_curve_file()

    def _on_unit_activated(self, _index: int) -> None:
        self._unit_touched = True
        self._update_preview()
        self._refresh()

    def _on_tool_edited(self, _text: str) -> None:
        self._tool_touched = True

    def _on_endpoint_changed(self, _index: int = 0) -> None:
        endpoint = self.endpoint_id()
        if endpoint is not None and not self._unit_touched:
            ep = self.evidence.endpoint(endpoint)
            named = any(
                read is not None and read.time_unit is not None
                for read in (self.curves, self.risk_table)
            )
            if not named:
                self.unit_combo.setCurrentIndex(self.unit_combo.findData(ep.unit))
                self._update_preview()
        self._refresh()

    def _on_arm_changed(self, _index: int) -> None:
        self._update_events()
        self._refresh()


def _stacked(*widgets: QWidget) -> QWidget:
    """Widgets one above the other; an empty label is hidden and takes no room."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _show_text(label: QLabel, text: str) -> None:
    """Set a label's text and show it only when there is some."""
    label.setText(text)
    label.setVisible(bool(text))


def _row(*widgets: QWidget) -> QWidget:
    """Widgets side by side, the first one stretching."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return box
