"""What changed between two data cuts of one trial: a dialog over a :class:`CutDiff`.

A clinician who read the congress abstract wants to know, when the full paper comes
out, which numbers moved. The dialog lists every compared figure of the two cuts
(Figure | old cut | new cut | Change | Old source | New source), in the summary's
reading order, with the source of each value as printed so either can be checked.
By default only changed, added and removed figures are shown and only *reported*
figures are compared; "Show unchanged" and "Include derived figures" widen that.

The dialog computes nothing itself: the rows come from
:func:`explorer.analysis.diff.diff_cuts`. Every text is shown as plain text.
"""

from __future__ import annotations

import csv
import math
import textwrap
from dataclasses import replace
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.analysis.diff import CutDiff, diff_cuts
from explorer.evidence import Evidence

from .exports import install_exports, table_to_csv, table_to_tsv
from .models import Column, FrameModel
from .panels.tables import configure_table
from .style import status_mark

__all__ = ["CHANGE_COLOURS", "TABLE_COLUMNS", "CutDiffDialog", "diff_table_frame"]

#: Columns of :func:`diff_table_frame`, in order.
TABLE_COLUMNS = (
    "figure_id", "label", "old", "new", "change", "change_shown", "old_source", "new_source",
)  # fmt: skip

#: Text colour of the Change column (amber changed, green added, red removed, grey same).
CHANGE_COLOURS = {
    "changed": "#8C6D00",
    "added": "#1B7837",
    "removed": "#B2182B",
    "unchanged": "#666666",
}

#: Initial widths of the Figure, old, new and Change columns; the sources share the rest.
_WIDTHS = (230, 175, 175, 80)
#: Extra pixels per row beyond the wrapped text's height.
_ROW_PADDING = 8


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _shown(value: str | None, status: str | None) -> str | None:
    """A value with its provenance mark ("● 4.9 months ..."), or None when absent."""
    if _missing(value):
        return None
    return value if _missing(status) else f"{status_mark(str(status))} {value}"


def _change_colour(shown: str) -> str | None:
    return CHANGE_COLOURS.get(shown.lower())


def _header_text(label: str, width: int = 26) -> str:
    """A cut's label broken over lines for a column header (headers do not wrap)."""
    return "\n".join(textwrap.wrap(label, width)) or label


def diff_table_frame(diff: CutDiff, *, include_unchanged: bool = False) -> pd.DataFrame:
    """The rows of ``diff`` as the dialog's table shows them.

    Columns: ``figure_id``, ``label``, ``old``, ``new`` (each value prefixed with its
    status mark ● reported, ◆ derived, ◇ reconstructed; None when that cut lacks the
    figure), ``change`` ("changed" ...), ``change_shown`` ("Changed" ...), ``old_source``,
    ``new_source``.
    """
    frame = diff.frame(include_unchanged=include_unchanged)
    out = pd.DataFrame(
        {
            "figure_id": frame["figure_id"],
            "label": frame["label"],
            "old": [_shown(v, s) for v, s in zip(frame["old"], frame["old_status"], strict=True)],
            "new": [_shown(v, s) for v, s in zip(frame["new"], frame["new_status"], strict=True)],
            "change": frame["change"],
            "change_shown": [str(c).capitalize() for c in frame["change"]],
            "old_source": frame["old_source"],
            "new_source": frame["new_source"],
        },
        columns=list(TABLE_COLUMNS),
    )
    return out.astype(object).where(out.notna(), None)


class CutDiffDialog(QDialog):
    """The figures that changed between two cuts, with both sources.

    Parameters
    ----------
    diff : CutDiff
        The comparison to show (from :func:`~explorer.analysis.diff.diff_cuts`).
    parent : QWidget or None
        Parent widget.
    old, new : Evidence or None
        The two cuts the diff was computed from. When both are given, "Include derived
        figures" recomputes the comparison with derived and reconstructed figures;
        otherwise that toggle is disabled.
    derived : bool
        Whether ``diff`` was computed with ``derived=True`` (the toggle starts so).

    Attributes
    ----------
    table : QTableView
        Over ``model`` (a :class:`FrameModel` of :func:`diff_table_frame`).
    count_label : QLabel
        "11 figures changed, 11 added, 6 removed · 17 unchanged (hidden)".
    show_unchanged, include_derived : QCheckBox
        The two toggles.
    """

    def __init__(
        self,
        diff: CutDiff,
        parent: QWidget | None = None,
        *,
        old: Evidence | None = None,
        new: Evidence | None = None,
        derived: bool = False,
    ) -> None:
        super().__init__(parent)
        self._old, self._new = old, new
        self._labels = (diff.old_label, diff.new_label)
        self._diffs: dict[bool, CutDiff] = {derived: diff}  # by "derived figures included"
        self.setWindowTitle(f"What changed: {diff.old_label} → {diff.new_label}")
        self.setSizeGripEnabled(True)
        self.resize(1200, 700)

        heading = QLabel(self._heading_text())
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.scope_label = QLabel()
        self.scope_label.setTextFormat(Qt.TextFormat.PlainText)
        self.scope_label.setWordWrap(True)
        self.scope_label.setStyleSheet("color: #555555;")

        self.show_unchanged = QCheckBox("Show unchanged")
        self.include_derived = QCheckBox("Include derived figures")
        self.include_derived.setChecked(derived)
        can_derive = old is not None and new is not None
        self.include_derived.setEnabled(can_derive)
        self.include_derived.setToolTip(
            "Also compare what the app computes from the printed figures (derived ◆ and "
            "reconstructed ◇)."
            if can_derive
            else "Needs both cuts' evidence: open this comparison from the library."
        )
        self.show_unchanged.toggled.connect(self._refresh)
        self.include_derived.toggled.connect(self._refresh)

        self.model = FrameModel(
            diff_table_frame(diff),
            [
                Column("label", "Figure"),
                Column("old", _header_text(self._labels[0])),
                Column("new", _header_text(self._labels[1])),
                Column("change_shown", "Change", foreground=_change_colour),
                Column("old_source", "Old source"),
                Column("new_source", "New source"),
            ],
            status_column=None,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        configure_table(self.table, wrap=True, sortable=False)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        for column, width in enumerate(_WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self._fit_rows())
        install_exports(self.table)
        # The shared "Export CSV…" would keep the header's line breaks; use this dialog's.
        for action in self.table.actions():
            if action.text() == "Export CSV…":
                self.table.removeAction(action)
        export_action = QAction("Export CSV…", self.table)
        export_action.triggered.connect(self._export_csv_interactive)
        self.table.addAction(export_action)

        self.copy_button = QPushButton("Copy TSV")
        self.copy_button.setToolTip("Copy the rows on show as tab-separated text")
        self.copy_button.clicked.connect(self.copy_tsv)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._export_csv_interactive)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.accept)

        toggles = QHBoxLayout()
        toggles.addWidget(self.show_unchanged)
        toggles.addWidget(self.include_derived)
        toggles.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.count_label)
        layout.addLayout(toggles)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.scope_label)
        layout.addLayout(buttons)
        self._refresh()

    @classmethod
    def for_evidence(
        cls,
        old: Evidence,
        new: Evidence,
        *,
        old_label: str | None = None,
        new_label: str | None = None,
        parent: QWidget | None = None,
    ) -> CutDiffDialog:
        """The dialog comparing two cuts, computed with ``diff_cuts(old, new)``.

        ``old_label`` / ``new_label`` replace the cuts' data-cut labels in the title and
        headers (e.g. when two cuts carry the same label).

        Raises
        ------
        ValueError
            When the two cuts belong to different trials (the message is plain text
            for a dialog).
        """
        diff = _relabelled(diff_cuts(old, new), old_label, new_label)
        return cls(diff, parent, old=old, new=new)

    # -- state ---------------------------------------------------------------------------
    @property
    def diff(self) -> CutDiff:
        """The comparison on show (reported figures only, or with derived ones)."""
        return self._current_diff()

    def _current_diff(self) -> CutDiff:
        derived = self.include_derived.isChecked()
        found = self._diffs.get(derived)
        if found is None:
            assert self._old is not None and self._new is not None  # toggle is disabled
            found = _relabelled(diff_cuts(self._old, self._new, derived=derived), *self._labels)
            self._diffs[derived] = found
        return found

    def _heading_text(self) -> str:
        if self._old is None:
            return f"{self._labels[0]}  →  {self._labels[1]}"
        trial = self._old.trial
        return f"{trial.acronym} ({trial.registry_id}): {self._labels[0]}  →  {self._labels[1]}"

    def _refresh(self) -> None:
        diff = self._current_diff()
        show_all = self.show_unchanged.isChecked()
        self.model.set_frame(diff_table_frame(diff, include_unchanged=show_all))
        unchanged = diff.counts()["unchanged"]
        suffix = "" if show_all else " (hidden)"
        self.count_label.setText(f"{diff.count_line()} · {unchanged} unchanged{suffix}")
        if self.include_derived.isChecked():
            scope = (
                "Compared: every figure, printed (● reported) and computed by the app "
                "(◆ derived, ◇ reconstructed)."
            )
        else:
            scope = "Compared: the figures printed in the sources (● reported)."
        self.scope_label.setText(
            f"{scope} A figure has changed when its value, interval, CI level or qualifier "
            "prints differently; added: only the new cut gives it; removed: only the old "
            "cut gives it (not reported again, which does not mean it no longer holds)."
        )
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Rows as tall as their wrapped text, with a little air above and below."""
        self.table.resizeRowsToContents()
        for row in range(self.model.rowCount()):
            self.table.setRowHeight(row, self.table.rowHeight(row) + _ROW_PADDING)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_rows()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    # -- exports -------------------------------------------------------------------------
    def copy_tsv(self) -> str:
        """Copy the rows on show (all of them) as TSV to the clipboard and return the text."""
        text = table_to_tsv(self.table)
        QGuiApplication.clipboard().setText(text)
        return text

    def export_csv(self, path: str | Path) -> Path:
        """Write the rows on show to ``path`` as CSV (see :func:`table_to_csv`).

        The column headers are written on one line each (on screen the cut labels are
        broken over lines to fit their columns).
        """
        out = table_to_csv(self.table, path)
        with out.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        if rows:
            rows[0] = [" ".join(name.split()) for name in rows[0]]
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return out

    def _export_csv_interactive(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export comparison as CSV", "what-changed.csv", "CSV (*.csv)"
        )
        if not path:
            return
        try:
            self.export_csv(path)
        except OSError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", "", parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(f"The comparison could not be written.\n\n{exc}")
            box.open()


def _relabelled(diff: CutDiff, old_label: str | None, new_label: str | None) -> CutDiff:
    return replace(
        diff,
        old_label=old_label if old_label else diff.old_label,
        new_label=new_label if new_label else diff.new_label,
    )
