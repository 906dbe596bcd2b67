"""The notes editor: autosave after typing, on switching target, on focus-out; errors keep text."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from explorer import resources
from explorer.evidence.library import Library, LibraryError
from explorer.ui.notes import AUTOSAVE_MS, NotesEditor


@pytest.fixture
def path(tmp_path):
    return tmp_path / "lib.sqlite3"


@pytest.fixture
def lib(path):
    with Library(path, bundled=(resources.PALMIRA,)) as library:
        yield library


@pytest.fixture
def trial_id(lib):
    return lib.trials()[0].id


@pytest.fixture
def editor(qtbot):
    e = NotesEditor()
    qtbot.addWidget(e)
    return e


def test_typing_then_pausing_saves(qtbot, editor, lib, trial_id):
    editor.set_target(lib, trial_id, None, "Note on the trial PALMIRA")
    assert editor.title_label.text() == "Note on the trial PALMIRA"
    assert editor.editor.isEnabled() and editor.status_label.text() == ""
    qtbot.keyClicks(editor.editor, "Rechallenge")
    assert editor.is_dirty() and lib.note(trial_id) == ""  # not before the pause
    qtbot.waitUntil(lambda: lib.note(trial_id) == "Rechallenge", timeout=AUTOSAVE_MS * 10)
    assert re.fullmatch(r"Saved \d\d:\d\d:\d\d", editor.status_label.text())
    assert not editor.is_dirty()


def test_a_new_library_on_the_same_file_shows_the_note(qtbot, path, lib, trial_id):
    first = NotesEditor()
    qtbot.addWidget(first)
    first.set_target(lib, trial_id, "pfs.hr", "Note on figure: PFS hazard ratio")
    first.editor.setPlainText("CI crosses 1.\nSecond line.")
    assert first.flush()
    lib.close()
    with Library(path, bundled=(resources.PALMIRA,)) as reopened:
        second = NotesEditor()
        qtbot.addWidget(second)
        second.set_target(reopened, trial_id, "pfs.hr", "Note on figure: PFS hazard ratio")
        assert second.text() == "CI crosses 1.\nSecond line."
        assert not second.is_dirty()


def test_switching_targets_saves_the_first_at_once(qtbot, editor, lib, trial_id):
    editor.set_target(lib, trial_id, None, "Note on the trial PALMIRA")
    qtbot.keyClicks(editor.editor, "trial note")
    editor.set_target(lib, trial_id, "pfs.hr", "Note on figure: PFS HR")
    assert lib.note(trial_id) == "trial note"  # no waiting needed
    assert editor.text() == "" and editor.target() == (trial_id, "pfs.hr")
    qtbot.keyClicks(editor.editor, "figure note")
    editor.set_target(lib, trial_id, None, "Note on the trial PALMIRA")
    assert lib.note(trial_id, "pfs.hr") == "figure note"
    assert editor.text() == "trial note"


def test_losing_focus_saves(qtbot, lib, trial_id):
    host = QWidget()
    qtbot.addWidget(host)
    editor = NotesEditor()
    other = QLineEdit()
    layout = QVBoxLayout(host)
    layout.addWidget(editor)
    layout.addWidget(other)
    host.show()
    qtbot.waitExposed(host)
    editor.set_target(lib, trial_id, None, "Note")
    editor._timer.setInterval(10 * 60_000)  # so only the focus change can save
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "x")
    qtbot.waitUntil(editor.editor.hasFocus)
    assert lib.note(trial_id) == ""
    other.setFocus()
    qtbot.waitUntil(lambda: lib.note(trial_id) == "x")


def test_blank_text_deletes_the_note(qtbot, editor, lib, trial_id):
    lib.set_note(trial_id, "old")
    editor.set_target(lib, trial_id, None, "Note")
    assert editor.text() == "old"
    editor.editor.setPlainText("   ")
    assert editor.flush()
    assert lib.notes(trial_id) == []


def test_a_failed_save_keeps_the_text_and_says_why(qtbot, editor, lib, trial_id, monkeypatch):
    editor.set_target(lib, trial_id, None, "Note")

    def disk_full(*args, **kwargs):
        raise LibraryError(f"{lib.path}: the disk is full")

    real = lib.set_note
    monkeypatch.setattr(lib, "set_note", disk_full)
    editor.editor.setPlainText("important")
    assert not editor.flush()
    assert editor.text() == "important" and editor.is_dirty()
    assert editor.status_label.text() == (
        f"Not saved: {lib.path}: the disk is full. Your text is kept here."
    )
    monkeypatch.setattr(lib, "set_note", real)
    assert editor.flush()
    assert lib.note(trial_id) == "important"


def test_disabled_with_an_explanation_without_library_or_trial(editor, lib):
    editor.set_target(None, None, None, "Note")
    assert not editor.editor.isEnabled()
    assert editor.status_label.text() == "No library is open, so notes cannot be saved."
    editor.set_target(lib, None, None, "Note")
    assert not editor.editor.isEnabled()
    assert editor.editor.placeholderText() == "Select a trial to write a note on it."
    assert editor.status_label.text() == ""
    editor.set_target(lib, None, None, "Note", prompt="Select a number first.")
    assert editor.editor.placeholderText() == "Select a number first."


def test_title_and_text_are_plain(editor, lib, trial_id):
    lib.set_note(trial_id, "<b>not bold</b>")
    editor.set_target(lib, trial_id, None, "Note on the trial <i>X</i>")
    assert editor.title_label.textFormat() == Qt.TextFormat.PlainText
    assert editor.status_label.textFormat() == Qt.TextFormat.PlainText
    assert editor.title_label.text() == "Note on the trial <i>X</i>"
    assert editor.text() == "<b>not bold</b>"


def test_saved_signal_names_the_note(qtbot, editor, lib, trial_id):
    editor.set_target(lib, trial_id, "orr.rd", "Note on figure: ORR difference")
    editor.editor.setPlainText("y")
    with qtbot.waitSignal(editor.saved) as signal:
        editor.flush()
    assert signal.args == [trial_id, "orr.rd"]
