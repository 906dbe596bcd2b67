"""The Library page of the main window: trials and their data cuts, with the trial's note.

A thin frame around :class:`~explorer.ui.panels.library_panel.LibraryPanel` (the tree,
search and filters) and a :class:`~explorer.ui.notes.NotesEditor` for the note on the
selected trial. The page follows the trial on show: when a new summary arrives it
selects that trial's data cut, so the note beside it is the note of the trial the
other pages show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from ..notes import NotesEditor
from .base import Panel
from .library_panel import LibraryPanel

if TYPE_CHECKING:
    from explorer.analysis import Summary
    from explorer.evidence.library import Library


class LibraryPage(Panel):
    """Every trial in the user's library, its data cuts, and a note on the selected trial."""

    name = "library"
    title = "Library"

    #: Open this data cut (cut id).
    cut_activated = Signal(int)
    #: Show what changed between two cuts of one trial (older cut id, newer cut id).
    diff_requested = Signal(int, int)
    #: The user asked to import files into the library.
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library: Library | None = None
        self.browser = LibraryPanel()
        self.notes = NotesEditor()
        self.unavailable = QLabel()
        self.unavailable.setTextFormat(Qt.TextFormat.PlainText)
        self.unavailable.setWordWrap(True)
        self.unavailable.hide()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.browser)
        splitter.addWidget(self.notes)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.unavailable)
        layout.addWidget(splitter, 1)

        self.browser.cut_activated.connect(self.cut_activated)
        self.browser.diff_requested.connect(self.diff_requested)
        self.browser.import_requested.connect(self.import_requested)
        self.browser.trial_selected.connect(self._on_trial_selected)
        self._show_trial_note(None)

    def set_library(self, library: Library | None, *, problem: str | None = None) -> None:
        """Browse ``library`` (None: say why there is none, e.g. ``problem``)."""
        self.library = library
        self.browser.set_library(library)
        if library is None:
            self.unavailable.setText(
                "The library is not available"
                + (f": {problem}" if problem else ".")
                + " Trials can still be opened from files; notes cannot be kept."
            )
            self.unavailable.show()
        else:
            self.unavailable.hide()
        self._show_trial_note(self.browser.current_trial_id())

    def refresh(self) -> None:
        """Read the library again (after an import or a removal)."""
        self.browser.refresh()

    def set_summary(self, summary: Summary) -> None:
        """Select the trial on show, so its note is the one beside the tree."""
        if self.library is None:
            return
        trial_id = self.library.trial_id_for(summary.evidence)
        if trial_id is not None:
            cuts = self.library.cuts(trial_id)
            match = _matching_cut(cuts, summary.evidence)
            if match is not None:
                self.browser.select_cut(match)
        self._show_trial_note(trial_id)

    def _on_trial_selected(self, trial_id: int | None) -> None:
        self._show_trial_note(trial_id)

    def _show_trial_note(self, trial_id: int | None) -> None:
        if self.library is None or trial_id is None:
            self.notes.set_target(self.library, None, None, "Note on the selected trial")
            return
        trial = self.library.trial(trial_id)
        self.notes.set_target(self.library, trial_id, None, f"Note on the trial {trial.acronym}")

    def flush(self) -> None:
        """Save the note being typed now (before the window closes)."""
        self.notes.flush()


def _matching_cut(cuts, evidence) -> int | None:
    """The id of the cut with the evidence's data-cut label, else the newest cut."""
    label = evidence.data_cut.label
    for cut in cuts:
        if cut.label == label:
            return cut.id
    return cuts[-1].id if cuts else None
