"""The notes editor: the user's own note on a trial or on one of its figures, saved as typed.

Notes live in the library (:meth:`explorer.evidence.library.Library.set_note`), keyed by
trial and figure id, so a note written on one data cut is there for every cut of the
trial. The editor saves 500 ms after the last keystroke, and at once when its target
changes, when it loses focus, when it is hidden and on :meth:`NotesEditor.flush`. A
failed save keeps the text in the editor, says why, and is retried on the next change
or flush: nothing typed is dropped silently.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from explorer.evidence.library import Library, LibraryError

__all__ = ["AUTOSAVE_MS", "NotesEditor"]

#: Save this long after the last keystroke, in ms.
AUTOSAVE_MS = 500
_ERROR_COLOUR = "#B2182B"


class NotesEditor(QWidget):
    """A plain-text note on a trial or a figure, saved to the library as it is typed.

    Signals
    -------
    saved(int, object)
        A note was written (trial id, figure id or None); also when blanking it deleted it.
    """

    saved = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library: Library | None = None
        self._trial_id: int | None = None
        self._figure_id: str | None = None
        self._dirty = False
        self._loading = False

        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.installEventFilter(self)
        self.set_target(None, None, None, "Note")

    # -- target ------------------------------------------------------------------------

    def set_target(
        self,
        library: Library | None,
        trial_id: int | None,
        figure_id: str | None,
        title: str,
        *,
        prompt: str | None = None,
    ) -> None:
        """Edit the note of ``trial_id`` (and ``figure_id``, None for the trial's own).

        The note being edited is saved first. With no library or no trial the editor is
        disabled and says why; ``prompt`` replaces the default "select a trial" hint.
        """
        self.title_label.setText(title)
        same = (
            library is self._library
            and trial_id == self._trial_id
            and (figure_id or None) == self._figure_id
        )
        if same and library is not None and trial_id is not None:
            self.flush()
            return
        self.flush()
        self._library = library
        self._trial_id = trial_id
        self._figure_id = figure_id or None
        self._dirty = False
        text = ""
        problem = ""
        failed = False
        if library is None:
            problem = "No library is open, so notes cannot be saved."
        elif trial_id is None:
            problem = prompt or "Select a trial to write a note on it."
        else:
            try:
                text = library.note(trial_id, self._figure_id)
            except (KeyError, LibraryError) as exc:
                problem = f"This note cannot be read: {exc}"
                failed = True
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        enabled = not problem
        self.editor.setEnabled(enabled)
        self.editor.setPlaceholderText(
            "Your note: saved as you type, kept with the trial for every data cut."
            if enabled
            else problem
        )
        # A hint to select something is in the empty editor already; the status line
        # is for what the user cannot fix by selecting (no library, an unreadable note).
        self._set_status("" if trial_id is None and library is not None else problem, error=failed)

    def target(self) -> tuple[int | None, str | None]:
        """The (trial id, figure id) being edited."""
        return self._trial_id, self._figure_id

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_dirty(self) -> bool:
        """True while there are changes not yet saved (pending or failed)."""
        return self._dirty

    # -- saving ------------------------------------------------------------------------

    def flush(self) -> bool:
        """Save now if there are unsaved changes; True when nothing is left unsaved."""
        self._timer.stop()
        if not self._dirty:
            return True
        if self._library is None or self._trial_id is None:
            return False
        try:
            self._library.set_note(self._trial_id, self.text(), figure_id=self._figure_id)
        except (KeyError, LibraryError) as exc:
            self._set_status(f"Not saved: {exc}. Your text is kept here.", error=True)
            return False
        self._dirty = False
        self._set_status(f"Saved {datetime.now():%H:%M:%S}", error=False)
        self.saved.emit(self._trial_id, self._figure_id)
        return True

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def hideEvent(self, event) -> None:
        self.flush()
        super().hideEvent(event)

    def _set_status(self, text: str, *, error: bool) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        self.status_label.setStyleSheet(f"color: {_ERROR_COLOUR};" if error else "")
