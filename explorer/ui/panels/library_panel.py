"""The library: every trial and data cut the app knows, searchable, to open, compare or remove.

A thin view over :class:`explorer.evidence.library.Library`: the search box and the
filters query the database (SQL does the matching, so 10,000 trials filter as fast as
ten), and the tree lists trials with their data cuts underneath, loaded only when a
trial is expanded. Bundled cuts ship with the app: they are marked "bundled" and
cannot be removed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from explorer.evidence.library import CutRecord, Library, LibraryError, TrialRecord
from explorer.ui.tooltips import plain_tooltip

__all__ = ["COLUMNS", "ID_ROLE", "LibraryModel", "LibraryPanel"]

#: The tree's columns.
COLUMNS = ("Trial / data cut", "Kind", "Date", "Origin")
#: Item data role holding ``("trial", trial_id)`` or ``("cut", cut_id)``.
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: How long the search waits after the last keystroke before it queries, in ms.
SEARCH_DELAY_MS = 200
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_TOP = 0  # internal id of a trial row; a cut row's is its trial's row + 1


@dataclass
class _TrialNode:
    record: TrialRecord
    cuts: list[CutRecord] | None = None  # None until the trial is expanded


class LibraryModel(QAbstractItemModel):
    """Trials (top level) and their data cuts (children, fetched on demand).

    The trials come from :meth:`Library.trials`; a trial's cuts are read with
    :meth:`Library.cuts` the first time the view asks for them (``fetchMore``).
    Text is plain; :data:`ID_ROLE` gives ``("trial", id)`` or ``("cut", id)``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library: Library | None = None
        self._nodes: list[_TrialNode] = []
        self._row_of: dict[int, int] = {}

    # -- contents ---------------------------------------------------------------------

    def set_trials(self, library: Library | None, trials: list[TrialRecord]) -> None:
        """Show ``trials`` of ``library`` (cuts are fetched again when expanded)."""
        self.beginResetModel()
        self._library = library
        self._nodes = [_TrialNode(t) for t in trials]
        self._row_of = {node.record.id: row for row, node in enumerate(self._nodes)}
        self.endResetModel()

    def trial_count(self) -> int:
        return len(self._nodes)

    def trial_index(self, trial_id: int) -> QModelIndex:
        """The index of a listed trial (invalid when it is filtered out)."""
        row = self._row_of.get(trial_id)
        return QModelIndex() if row is None else self.index(row, 0)

    def cut_index(self, trial_id: int, cut_id: int) -> QModelIndex:
        """The index of a cut of a listed trial, fetching the trial's cuts if needed."""
        parent = self.trial_index(trial_id)
        if not parent.isValid():
            return QModelIndex()
        if self.canFetchMore(parent):
            self.fetchMore(parent)
        cuts = self._nodes[parent.row()].cuts or []
        for row, cut in enumerate(cuts):
            if cut.id == cut_id:
                return self.index(row, 0, parent)
        return QModelIndex()

    def trial_at(self, index: QModelIndex) -> TrialRecord | None:
        """The trial of a row: the row's own, or the parent's for a cut."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == _TOP else index.internalId() - 1
        return self._nodes[row].record

    def cut_at(self, index: QModelIndex) -> CutRecord | None:
        """The cut of a cut row, else None."""
        if not index.isValid() or index.internalId() == _TOP:
            return None
        cuts = self._nodes[index.internalId() - 1].cuts or []
        return cuts[index.row()] if index.row() < len(cuts) else None

    def cuts_of(self, trial_id: int) -> list[CutRecord]:
        """The fetched cuts of a listed trial, oldest first (fetched now if needed)."""
        parent = self.trial_index(trial_id)
        if parent.isValid() and self.canFetchMore(parent):
            self.fetchMore(parent)
        return list(self._nodes[parent.row()].cuts or []) if parent.isValid() else []

    # -- QAbstractItemModel ----------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._nodes)
        if parent.internalId() != _TOP or parent.column() != 0:
            return 0
        return len(self._nodes[parent.row()].cuts or [])

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._nodes)
        if parent.internalId() != _TOP or parent.column() != 0:
            return False
        return self._nodes[parent.row()].record.cut_count > 0

    def canFetchMore(self, parent: QModelIndex) -> bool:
        if not parent.isValid() or parent.internalId() != _TOP or self._library is None:
            return False
        return self._nodes[parent.row()].cuts is None

    def fetchMore(self, parent: QModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._nodes[parent.row()]
        try:
            cuts = self._library.cuts(node.record.id)
        except LibraryError:
            cuts = []
        if not cuts:
            node.cuts = []
            return
        self.beginInsertRows(parent.siblingAtColumn(0), 0, len(cuts) - 1)
        node.cuts = cuts
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        cut = self.cut_at(index)
        if cut is not None:
            return _cut_data(cut, index.column(), role)
        trial = self.trial_at(index)
        return _trial_data(trial, index.column(), role)


def _trial_data(trial: TrialRecord, column: int, role: int):
    if role == ID_ROLE:
        return ("trial", trial.id)
    if role == Qt.ItemDataRole.DisplayRole:
        if column == 0:
            name = trial.acronym or trial.key
            return f"{name} ({trial.registry_id})" if trial.registry_id else name
        if column == 1:
            cuts = f"{trial.cut_count} cut{'s' if trial.cut_count != 1 else ''}"
            return f"phase {trial.phase} · {cuts}" if trial.phase else cuts
        if column == 2:
            return ""
        return "bundled" if trial.bundled else "imported"
    if role == Qt.ItemDataRole.ToolTipRole:
        lines = [trial.title, trial.population, f"Latest data cut: {trial.latest_cut}"]
        return plain_tooltip("\n".join(line for line in lines if line))
    return None


def _cut_data(cut: CutRecord, column: int, role: int):
    if role == ID_ROLE:
        return ("cut", cut.id)
    if role == Qt.ItemDataRole.DisplayRole:
        if column == 0:
            return cut.label
        if column == 1:
            return cut.kind
        if column == 2:
            if cut.date:
                return cut.date
            year = _YEAR.search(cut.citation)
            return f"{year.group(1)} (published)" if year else "not reported"
        return "bundled" if cut.bundled else os.path.basename(cut.origin) or cut.origin
    if role == Qt.ItemDataRole.ToolTipRole:
        where = "Bundled with the app (read-only)" if cut.bundled else f"Imported from {cut.origin}"
        lines = [cut.citation, where, f"Evidence format {cut.schema_version}"]
        if not cut.date:
            lines.append("The date of the data cut is not reported.")
        return plain_tooltip("\n".join(lines))
    return None


class LibraryPanel(QWidget):
    """Search, filter and browse the library; open, compare, import or remove data cuts.

    Signals
    -------
    cut_activated(int)
        Open this cut (the Open button, double-click or Enter on a cut).
    diff_requested(int, int)
        Compare two cuts of one trial, the older first.
    import_requested()
        The user asked to import files (the window shows the file dialog).
    trial_selected(object)
        The trial of the selection (``int``; selecting a cut selects its trial), or
        ``None`` when nothing is selected; emitted whenever the selection changes.
    """

    cut_activated = Signal(int)
    diff_requested = Signal(int, int)
    import_requested = Signal()
    trial_selected = Signal(object)

    def __init__(self, library: Library | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library: Library | None = None
        #: Asks the user to confirm a removal; returns True to go ahead (tests replace it).
        self.confirm: Callable[[str, str], bool] = self._ask

        self.search_edit = QLineEdit(
            placeholderText="Search trials: registry id, acronym, title, population…"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.source_combo = QComboBox()
        for text, value in (
            ("All trials", "all"),
            ("Bundled with the app", "bundled"),
            ("Imported by me", "imported"),
        ):
            self.source_combo.addItem(text, value)
        self.phase_combo = QComboBox()
        self.phase_combo.addItem("All phases", None)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        self.model = LibraryModel(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)  # fast with 10,000 rows
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setExpandsOnDoubleClick(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 150), (2, 130), (3, 190)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)

        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the selected data cut (or the newest cut of a trial)")
        self.compare_button = QPushButton("Compare cuts…")
        self.compare_button.setToolTip("Select two data cuts of one trial to compare them")
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Add evidence files or ClinicalTrials.gov records")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected imported data cuts from the library")
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.source_combo)
        filters.addWidget(self.phase_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for button in (
            self.open_button,
            self.compare_button,
            self.import_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.refresh)
        self.source_combo.currentIndexChanged.connect(self.refresh)
        self.phase_combo.currentIndexChanged.connect(self.refresh)
        self.view.activated.connect(self._on_activated)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.open_button.clicked.connect(self.open_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.import_button.clicked.connect(self.import_requested)
        self.remove_button.clicked.connect(self.remove_selected)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.view,
            self.remove_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.set_library(library)

    # -- library ---------------------------------------------------------------------------

    def library(self) -> Library | None:
        return self._library

    def set_library(self, library: Library | None) -> None:
        """Show ``library`` (or nothing, with an explanation, when None)."""
        self._library = library
        for widget in (self.search_edit, self.source_combo, self.phase_combo, self.view):
            widget.setEnabled(library is not None)
        self.import_button.setEnabled(library is not None)
        self._reload_phases()
        self.refresh()

    def _reload_phases(self) -> None:
        current = self.phase_combo.currentData()
        self.phase_combo.blockSignals(True)
        self.phase_combo.clear()
        self.phase_combo.addItem("All phases", None)
        try:
            phases = self._library.phases() if self._library is not None else []
        except LibraryError as exc:
            phases = []
            self._say(f"The library cannot be read: {exc}")
        for phase in phases:
            self.phase_combo.addItem(f"Phase {phase}", phase)
        at = self.phase_combo.findData(current) if current is not None else 0
        self.phase_combo.setCurrentIndex(max(at, 0))
        self.phase_combo.blockSignals(False)

    def refresh(self) -> None:
        """Query the library again with the current search and filters.

        The selection and the expanded trials are kept when they are still listed.
        """
        self._search_timer.stop()
        selected = self.selected_cut_ids()
        selected_trials = [
            t for t in self._selected_trial_ids() if not self._cut_selected_in(t, selected)
        ]
        expanded = [
            self.model.trial_at(self.model.index(row, 0)).id
            for row in range(self.model.trial_count())
            if self.view.isExpanded(self.model.index(row, 0))
        ]
        if self._library is None:
            self.model.set_trials(None, [])
            self.count_label.setText("")
            self._say(
                "No library is open, so there is nothing to list. "
                "Check that the app's data folder can be written."
            )
            self._update_buttons()
            return
        try:
            total = self._library.trial_count()
            trials = self._library.trials(
                self.search_edit.text(),
                source=self.source_combo.currentData(),
                phase=self.phase_combo.currentData(),
            )
        except LibraryError as exc:
            self._say(f"The library cannot be read: {exc}")
            return
        self.model.set_trials(self._library, trials)
        self._say("")
        if len(trials) == total:
            self.count_label.setText(f"{total:,} trial{'s' if total != 1 else ''}")
        else:
            self.count_label.setText(f"{len(trials):,} of {total:,} trials match")
        for trial_id in expanded:
            index = self.model.trial_index(trial_id)
            if index.isValid():
                self.view.expand(index)
        self._restore_selection(selected, selected_trials)
        self._update_buttons()

    def _cut_selected_in(self, trial_id: int, cut_ids: list[int]) -> bool:
        return any(c.id in cut_ids for c in self.model.cuts_of(trial_id))

    def _restore_selection(self, cut_ids: list[int], trial_ids: list[int]) -> None:
        selection = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for cut_id in cut_ids:
            try:
                trial_id = self._library.cut(cut_id).trial_id
            except (KeyError, LibraryError):
                continue
            index = self.model.cut_index(trial_id, cut_id)
            if index.isValid():
                selection.select(index, flags)
        for trial_id in trial_ids:
            index = self.model.trial_index(trial_id)
            if index.isValid():
                selection.select(index, flags)

    # -- selection -----------------------------------------------------------------------

    def _selected_indexes(self) -> list[QModelIndex]:
        return self.view.selectionModel().selectedRows(0)

    def selected_cut_ids(self) -> list[int]:
        """The selected cuts, in the tree's order."""
        cuts = [self.model.cut_at(i) for i in self._selected_indexes()]
        return [c.id for c in cuts if c is not None]

    def _selected_trial_ids(self) -> list[int]:
        ids: list[int] = []
        for index in self._selected_indexes():
            trial = self.model.trial_at(index)
            if trial is not None and trial.id not in ids:
                ids.append(trial.id)
        return ids

    def current_trial_id(self) -> int | None:
        """The trial of the selection (a cut's trial), or None; the first if several."""
        ids = self._selected_trial_ids()
        if ids:
            return ids[0]
        return None

    def select_cut(self, cut_id: int) -> bool:
        """Select and show ``cut_id``; clears the search and filters if they hide it."""
        if self._library is None:
            return False
        try:
            trial_id = self._library.cut(cut_id).trial_id
        except (KeyError, LibraryError):
            return False
        index = self.model.cut_index(trial_id, cut_id)
        if not index.isValid():
            for combo in (self.source_combo, self.phase_combo):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            self.refresh()
            index = self.model.cut_index(trial_id, cut_id)
            if not index.isValid():
                return False
        self.view.expand(index.parent())
        self.view.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _on_selection_changed(self, *_args) -> None:
        self._update_buttons()
        self.trial_selected.emit(self.current_trial_id())

    def _compare_pair(self) -> tuple[int, int] | None:
        """Two selected cuts of one trial, older first; None otherwise."""
        indexes = [i for i in self._selected_indexes() if self.model.cut_at(i) is not None]
        if len(indexes) != 2 or indexes[0].parent() != indexes[1].parent():
            return None
        older, newer = sorted(indexes, key=lambda i: i.row())  # cuts are listed oldest first
        return self.model.cut_at(older).id, self.model.cut_at(newer).id

    def _open_target(self) -> int | None:
        """The cut Open would open: the one selected cut, or a lone selected trial's newest."""
        indexes = self._selected_indexes()
        if len(indexes) != 1:
            return None
        cut = self.model.cut_at(indexes[0])
        if cut is not None:
            return cut.id
        trial = self.model.trial_at(indexes[0])
        cuts = self.model.cuts_of(trial.id) if trial is not None else []
        return cuts[-1].id if cuts else None

    def _removable(self) -> list[CutRecord]:
        cuts = [self.model.cut_at(i) for i in self._selected_indexes()]
        if not cuts or any(c is None or c.bundled for c in cuts):
            return []
        return cuts

    def _update_buttons(self) -> None:
        has_library = self._library is not None
        self.open_button.setEnabled(has_library and self._open_target() is not None)
        self.compare_button.setEnabled(has_library and self._compare_pair() is not None)
        self.remove_button.setEnabled(has_library and bool(self._removable()))

    # -- actions ---------------------------------------------------------------------------

    def _on_activated(self, index: QModelIndex) -> None:
        cut = self.model.cut_at(index)
        if cut is not None:
            self.cut_activated.emit(cut.id)

    def open_selected(self) -> None:
        """Emit :attr:`cut_activated` for the selected cut (or the trial's newest cut)."""
        target = self._open_target()
        if target is not None:
            self.cut_activated.emit(target)

    def compare_selected(self) -> None:
        """Emit :attr:`diff_requested` for the two selected cuts, older first."""
        pair = self._compare_pair()
        if pair is not None:
            self.diff_requested.emit(*pair)

    def remove_selected(self) -> None:
        """Remove the selected imported cuts, after the user confirms."""
        cuts = self._removable()
        if not cuts or self._library is None:
            return
        names = "\n".join(f"  {c.label}  ({os.path.basename(c.origin)})" for c in cuts)
        text = (
            f"Remove {'this data cut' if len(cuts) == 1 else f'these {len(cuts)} data cuts'}"
            f" from the library?\n\n{names}\n\nThe files on disk are not touched."
        )
        lose_notes = self._notes_lost_by_removing(cuts)
        if lose_notes:
            text += "\n\n" + lose_notes
        if not self.confirm("Remove from the library", text):
            return
        try:
            for cut in cuts:
                self._library.remove_cut(cut.id, remove_notes=bool(lose_notes))
        except (KeyError, LibraryError) as exc:
            self._say(f"Not removed: {exc}")
        self.view.selectionModel().clearSelection()
        self._reload_phases()
        self.refresh()

    def _notes_lost_by_removing(self, cuts: list[CutRecord]) -> str:
        """A sentence naming the trials whose notes go with their last cut, or ""."""
        lost = []
        chosen = {c.id for c in cuts}
        for trial_id in {c.trial_id for c in cuts}:
            remaining = [c for c in self._library.cuts(trial_id) if c.id not in chosen]
            notes = self._library.notes(trial_id)
            if not remaining and notes:
                trial = self._library.trial(trial_id)
                lost.append(f"{trial.acronym or trial.key} ({len(notes)})")
        if not lost:
            return ""
        return (
            "These are the last data cuts of trials with notes, and their notes will be"
            f" deleted too: {', '.join(sorted(lost))}."
        )

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _say(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
