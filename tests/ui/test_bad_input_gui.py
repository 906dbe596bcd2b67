"""Bad input through the real main window: the session stays intact and says what to fix.

Issue 8, item 3. Malformed and wrong-kind files reach the window through File › Open
(the menu action, with the file dialog answered by the test) and through drag-and-drop;
a mix of good and bad files is imported into the library; bad curve files are given to
the digitised import dialog; invalid numbers are typed into the Design panel and the
Interpretation panel's prior and threshold. After each, and with pytest-qt failing the
test on any exception raised in a slot or event handler:

* the trial on show is the same object with the same summary (and title);
* nothing unsaved is lost (an imported, unsaved Kaplan–Meier figure is still there,
  and a bad file does not even ask to discard it);
* the message on screen is plain text naming the file (or field) and the problem.

The expected messages are the project's own (``explorer.evidence.sources.read_any``,
``explorer.evidence.digitised``, :class:`explorer.ui.checked_spin.CheckedSpinBox`).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from explorer import resources
from explorer.evidence import load, load_bundled
from explorer.evidence.ctgov import read_registry_file
from explorer.evidence.library import Library
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.interpretation_panel import PAGES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DIGITISED = FIXTURES / "digitised"
LEGACY = FIXTURES / "ctgov" / "real" / "legacy_v1_json" / "NCT00023673.json"
CLASSIC_XML = FIXTURES / "ctgov" / "classic-record.xml"
GOOD_RECORD = FIXTURES / "ctgov" / "real" / "v2" / "NCT02210780.json"
NO_TIME_TO_EVENT = FIXTURES / "ctgov" / "real" / "v2" / "NCT05594173.json"
KEEPS = "the trial that was open stays open"


def _palmira() -> dict:
    return json.loads(resources.read_text(resources.PALMIRA))


def _bad_field() -> str:
    data = _palmira()
    data["arms"][0]["label"] = 5
    return json.dumps(data)


def _negative_count() -> str:
    data = _palmira()
    data["populations"][0]["total"]["value"] = -198
    return json.dumps(data)


#: (name of the file, its content, what the message must say). Content None: no file;
#: "<folder>": a folder with that name; "<copy:...>": a copy of a fixture.
BAD_FILES = {
    "invalid JSON": ("broken.json", '{"trial": {"acronym": "X",', ["not valid JSON", "line 1"]),
    "a shopping list": (
        "shopping.json",
        '{"milk": 2, "eggs": 12}',
        ["not an evidence file or a ClinicalTrials.gov v2 record", "'milk', 'eggs'"],
    ),
    "a CSV named .json": ("curves.json", "arm,time,survival\nDrug,0,1\n", ["not valid JSON"]),
    "truncated evidence": (
        "truncated.json",
        resources.read_text(resources.PALMIRA)[:5000],
        ["not valid JSON", "line "],
    ),
    "a field of the wrong type": ("bad-field.json", _bad_field(), ["arms[0].label"]),
    "a negative count": ("negative.json", _negative_count(), ["populations[0].total"]),
    "a retired registry JSON record": (
        "NCT00023673.json",
        f"<copy:{LEGACY}>",
        ["retired ClinicalTrials.gov classic-API JSON record", "download the record again"],
    ),
    "a classic XML record": (
        "NCT00000000.xml",
        f"<copy:{CLASSIC_XML}>",
        ["retired ClinicalTrials.gov classic XML record", "download the record again"],
    ),
    "invalid UTF-8": ("latin1.json", b'{"trial": "caf\xe9"}', ["not UTF-8 text"]),
    "an empty file": ("empty.json", "", ["not valid JSON"]),
    "a folder": ("folder.json", "<folder>", ["is a folder, not a file"]),
    "a missing file": ("gone.json", None, ["file not found"]),
}


def make_bad_file(tmp_path: Path, case: str) -> tuple[Path, list[str]]:
    name, content, expected = BAD_FILES[case]
    path = tmp_path / "bad" / name
    path.parent.mkdir(exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "<folder>":
        path.mkdir()
    elif isinstance(content, str) and content.startswith("<copy:"):
        shutil.copy(content[len("<copy:") : -1], path)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path, expected


def _mime(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def drop(w: MainWindow, path: Path) -> bool:
    """Drag ``path`` over the window and drop it; False when the window refuses the drag."""
    mime = _mime(path)
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    return True


def open_through_the_menu(w: MainWindow, path: Path, monkeypatch) -> None:
    """File › Open with the file dialog answering ``path``."""
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    w.open_action.trigger()


class Session:
    """What must survive bad input: the trial, its summary, the header, unsaved figures."""

    def __init__(self, w: MainWindow) -> None:
        self.w = w
        self.evidence, self.summary = w.evidence, w.summary
        self.title = w.title_label.text()
        self.source = w.source_path
        self.unsaved = w.unsaved_figures
        self.figures = w.evidence.km_figures

    def assert_intact(self) -> None:
        w = self.w
        assert w.evidence is self.evidence and w.summary is self.summary
        assert w.title_label.text() == self.title and w.source_path == self.source
        assert w.unsaved_figures == self.unsaved and w.evidence.km_figures == self.figures
        assert w.isWindowModified() == bool(self.unsaved)
        assert w.unsaved_dialog is None or not w.unsaved_dialog.isVisible()


def shown_error(w: MainWindow) -> str:
    """The error dialog's text (visible, plain text); closes it."""
    box = w.error_dialog
    assert box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    text = box.text()
    box.close()
    return text


def _discard(w: MainWindow) -> None:
    for worker in (w._import_worker, w._library_worker):
        if worker is not None:
            worker.shutdown()
    w.unsaved_figures = ()


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


@pytest.fixture
def make_window(qtbot, library):
    """Shown main windows with a library; fails if a window or dialog is left visible."""

    def make(evidence=None, **kw):
        w = MainWindow(evidence or load_bundled(), library=library, **kw)
        qtbot.addWidget(w, before_close_func=_discard)
        w.show()
        qtbot.waitExposed(w)
        return w

    yield make
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"visible top-level widgets left: {leaked}"


# -- opening and dropping files ------------------------------------------------------------


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_open_of_a_bad_file_keeps_the_trial_and_says_why(case, make_window, tmp_path, monkeypatch):
    w = make_window()
    session = Session(w)
    path, expected = make_bad_file(tmp_path, case)
    open_through_the_menu(w, path, monkeypatch)
    session.assert_intact()
    text = shown_error(w)
    assert text.startswith(f"This file could not be opened; {KEEPS}.")
    assert str(path) in text  # the file, then the place and the problem
    for words in expected:
        assert words in text
    assert "Traceback" not in text
    assert w.last_error is not None and str(path) in w.last_error


@pytest.mark.parametrize("case", [c for c in BAD_FILES if not BAD_FILES[c][0].endswith(".xml")])
def test_drop_of_a_bad_file_keeps_the_trial_and_says_why(case, make_window, tmp_path):
    w = make_window()
    session = Session(w)
    path, expected = make_bad_file(tmp_path, case)
    assert drop(w, path)
    session.assert_intact()
    text = shown_error(w)
    assert str(path) in text and KEEPS in text
    for words in expected:
        assert words in text


def test_a_dropped_file_of_another_kind_is_refused_at_the_door(make_window, tmp_path):
    # XML, PDFs and several files at once are not droppable: the drag is refused and
    # nothing happens (no dialog, no change).
    w = make_window()
    session = Session(w)
    xml, _ = make_bad_file(tmp_path, "a classic XML record")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert not drop(w, xml) and not drop(w, pdf)
    session.assert_intact()
    assert w.last_error is None


def test_reload_of_a_file_that_went_bad_keeps_what_was_shown(make_window, tmp_path):
    path = tmp_path / "palmira.json"
    shutil.copy(resources.path(resources.PALMIRA), path)
    w = make_window(load(path), source_path=str(path))
    session = Session(w)
    path.write_text("{", encoding="utf-8")  # edited outside the app, and broken
    assert w.reload() is False
    session.assert_intact()
    assert "not valid JSON" in shown_error(w)
    path.unlink()  # then deleted: the recent-files entry points nowhere
    w.open_file(str(path))
    session.assert_intact()
    assert "file not found" in shown_error(w)


def test_bad_files_never_cost_an_unsaved_imported_figure(qtbot, make_window, tmp_path):
    data = json.loads((DIGITISED / "simulated-trial.json").read_text(encoding="utf-8"))
    data.pop("km_figures")
    trial = tmp_path / "demo.json"
    trial.write_text(json.dumps(data), encoding="utf-8")
    w = make_window(load(trial), source_path=str(trial))
    dialog = w.open_import_dialog()
    dialog.set_curve_path(str(DIGITISED / "simulated-curves.csv"))
    dialog.set_risk_path(str(DIGITISED / "simulated-risk-table.csv"))
    for arm, events in (("drug", 107), ("placebo", 131)):  # as the simulated trial reports
        dialog.events_spins[arm].setValue(events)
    assert dialog.ok_button.isEnabled(), dialog.blockers()
    with qtbot.waitSignal(w.summary_changed, timeout=30000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert w.unsaved_figures == ("pfs_figure_1",) and w.isWindowModified()
    session = Session(w)

    for case in ("invalid JSON", "a shopping list", "a folder", "a missing file"):
        path, expected = make_bad_file(tmp_path, case)
        # A file that cannot be read is reported at once: no Save / Discard question first.
        assert w.open_file(str(path)) is False
        assert w.unsaved_dialog is None
        session.assert_intact()
        assert expected[0] in shown_error(w)
    # A bad curve file dropped on the window: the dialog says why; the figure stays.
    bad_csv = tmp_path / "bad-curves.csv"
    bad_csv.write_text("arm,time_months,survival\nDrug,0,1\nDrug,5,1.7\n", encoding="utf-8")
    assert drop(w, bad_csv)
    dialog = w.import_dialog
    assert dialog.isVisible() and not dialog.ok_button.isEnabled()
    assert dialog.curve_error_label.text() == (
        "bad-curves.csv: row 3: survival 1.7 is above 1 (percentages need the "
        "survival_percent column or scale=percent)"
    )
    dialog.reject()
    session.assert_intact()


# -- digitised curve files ------------------------------------------------------------------

#: (file name, content, what the dialog's curve error says).
BAD_CURVES = {
    "empty": ("empty.csv", "", "empty.csv: is empty; expected a CSV of digitised curve points"),
    "header only": ("header.csv", "arm,time_months,survival\n", "header.csv: has no points"),
    "a shopping list": ("shopping.csv", "milk,eggs\n2,12\n", "unrecognised first row 'milk,eggs'"),
    "binary": ("binary.csv", b"\xff\xfe\x00\x01garbage", "binary.csv: holds binary data"),
    "JSON": ("evidence.csv", '{"trial": {}}', "evidence.csv: looks like JSON"),
    "a negative time": (
        "negative.csv",
        "arm,time_months,survival\nDrug,0,1\nDrug,-5,0.8\n",
        "negative.csv: row 3: time -5 is negative",
    ),
    "a letter in a number": (
        "letters.csv",
        "arm,time_months,survival\nDrug,0,1\nDrug,five,0.8\n",
        "letters.csv: row 3, column time_months: ",
    ),
    "a missing file": ("gone.csv", None, "gone.csv: file not found"),
}


@pytest.mark.parametrize("case", list(BAD_CURVES))
def test_the_import_dialog_names_the_problem_of_a_bad_curve_file(case, make_window, tmp_path):
    name, content, expected = BAD_CURVES[case]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    w = make_window()
    session = Session(w)
    dialog = w.open_import_dialog()
    dialog.set_risk_path(str(DIGITISED / "simulated-risk-table.csv"))
    dialog.set_curve_path(str(path))
    error = dialog.curve_error_label
    assert error.isVisible() and error.textFormat() == Qt.TextFormat.PlainText
    assert expected in error.text()
    assert dialog.curves is None and not dialog.ok_button.isEnabled()
    assert dialog.message_label.text().startswith("The curve file could not be read")
    dialog.reject()
    session.assert_intact()


def test_a_curve_file_for_no_compatible_trial_cannot_be_imported(make_window):
    # Dropped on a trial with no time-to-event endpoint, and on PALMIRA whose arms have
    # other names: the dialog opens, says what blocks it, and OK stays disabled.
    curves = DIGITISED / "simulated-curves.csv"
    w = make_window(read_registry_file(NO_TIME_TO_EVENT)[0])
    session = Session(w)
    assert drop(w, curves)
    dialog = w.import_dialog
    assert not dialog.ok_button.isEnabled()
    assert dialog.message_label.isVisible()
    assert dialog.message_label.text() == (
        "This trial has no time-to-event endpoint to attach a figure to."
    )
    dialog.reject()
    session.assert_intact()

    w.open_file(str(resources.path(resources.PALMIRA)))
    session = Session(w)
    assert drop(w, curves)
    dialog = w.import_dialog
    assert not dialog.ok_button.isEnabled()
    assert (
        "Map every arm of the files to an arm of the trial: 'Drug', 'Placebo' are not mapped."
        in dialog.blockers()
    )
    dialog.reject()
    session.assert_intact()


# -- importing into the library -------------------------------------------------------------


def _wait_for_library_import(qtbot, w: MainWindow) -> None:
    qtbot.waitUntil(lambda: w.library_import_progress is None, timeout=60000)
    QApplication.processEvents()


def test_a_mixed_library_import_adds_the_good_files_and_names_each_bad_one(
    qtbot, make_window, library, tmp_path
):
    w = make_window()
    good_evidence = tmp_path / "good" / "simulated-trial.json"
    good_evidence.parent.mkdir()
    shutil.copy(DIGITISED / "simulated-trial.json", good_evidence)
    bad = {case: make_bad_file(tmp_path, case) for case in ("invalid JSON", "a shopping list")}
    bad["legacy"] = make_bad_file(tmp_path, "a retired registry JSON record")
    bad["missing"] = make_bad_file(tmp_path, "a missing file")
    paths = [
        good_evidence,
        bad["invalid JSON"][0],
        GOOD_RECORD,
        bad["a shopping list"][0],
        bad["legacy"][0],
        bad["missing"][0],
    ]
    trials_before = library.trial_count()
    assert w.import_into_library([str(p) for p in paths])
    _wait_for_library_import(qtbot, w)

    # The good ones are in the library (one transaction each), the bad ones are not.
    assert library.trial_count() == trials_before + 2
    assert library.trial_id_for(load(good_evidence)) is not None
    assert library.trial_id_for(read_registry_file(GOOD_RECORD)[0]) is not None
    assert [r.duplicate for r in w.last_import_results] == [False, False]
    # One message names every bad file with its problem.
    assert w.error_dialog.windowTitle() == "Some files were not imported"
    text = shown_error(w)
    assert text.startswith("These files could not be imported; the others were.")
    for path, expected in bad.values():
        assert f"{path}: " in text
        assert expected[0] in text
    assert str(good_evidence) not in text and str(GOOD_RECORD) not in text
    # As after any import, the first imported data cut is on show.
    assert w.evidence.trial.acronym == load(good_evidence).trial.acronym


def test_a_library_import_of_only_bad_files_changes_nothing(qtbot, make_window, library, tmp_path):
    w = make_window()
    session = Session(w)
    trials_before = library.trial_count()
    paths = [make_bad_file(tmp_path, c)[0] for c in ("an empty file", "invalid UTF-8", "a folder")]
    assert w.import_into_library([str(p) for p in paths])
    _wait_for_library_import(qtbot, w)
    assert library.trial_count() == trials_before
    session.assert_intact()
    text = shown_error(w)
    assert all(str(p) in text for p in paths)
    assert "not UTF-8 text" in text and "is a folder, not a file" in text


# -- invalid numbers in the Design and Interpretation panels --------------------------------


def type_into(qtbot, spin, text: str) -> None:
    """Select the entry, type ``text`` (nothing: delete it) and press Enter."""
    spin.setFocus()
    spin.selectAll()
    if not text:
        qtbot.keyClick(spin, Qt.Key.Key_Delete)
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    QApplication.processEvents()


#: (control, typed, value afterwards (None: the reported value), words of the message).
DESIGN_ENTRIES = [
    ("hr_spin", "", None, "the entry was empty, so it stays at 0.59"),
    ("hr_spin", "abc", None, "'a' was not accepted (it is not a number)"),
    ("hr_spin", "-0.5", 0.5, "'-' was not accepted (negative numbers are not allowed)"),
    ("hr_spin", "0", 0.10, "'0' is outside the range, so it was set to 0.10"),
    ("hr_spin", "1", None, "'1' was not accepted (it is above the maximum, 0.99)"),
    ("hr_spin", "1e308", None, "'1' was not accepted (it is above the maximum, 0.99)"),
    ("alpha_spin", "1", None, "'1' was not accepted (it is above the maximum, 0.200)"),
    ("alpha_spin", "0.5", None, "'0.5' was not accepted (it is above the maximum, 0.200), so "),
    ("power_spin", "0", 50.0, "'0' is outside the range, so it was set to 50%"),
    ("power_spin", "-10", None, "'-' was not accepted (negative numbers are not allowed), so"),
    ("power_spin", "100", None, "'100' was not accepted (it is above the maximum, 99%)"),
    ("control_median_spin", "99999", 99.0, "'999' was not accepted (it is above the maximum"),
    ("dropout_spin", "-1", None, "'-1' was not accepted (it is below the minimum, 0.0%), so"),
]


@pytest.mark.parametrize(("control", "typed", "after", "message"), DESIGN_ENTRIES)
def test_design_entries_out_of_range_are_refused_with_a_message(
    qtbot, make_window, control, typed, after, message
):
    w = make_window()
    session = Session(w)
    panel = w.show_panel("design")
    spin = getattr(panel, control)
    reported = spin.value()
    type_into(qtbot, spin, typed)
    # The value is one the design allows, and the results are numbers (never NaN).
    assert spin.minimum() <= spin.value() <= spin.maximum()
    assert spin.value() == pytest.approx(reported if after is None else after)
    result = panel.result
    assert math.isfinite(result.events_required) and math.isfinite(result.power_at_observed)
    assert all("nan" not in row.value.text().lower() for row in panel.result_rows.values())
    # The message names the field and what to enter; it is plain text.
    label = panel.entry_label
    assert label.isVisible() and label.textFormat() == Qt.TextFormat.PlainText
    assert label.text().startswith(f"{spin.name}: ")
    assert message in label.text()
    assert label.text().endswith(f"Enter {spin.allowed()}.")
    session.assert_intact()  # a what-if never changes the trial or its summary
    # A clean edit clears the message; Reset restores the reported design.
    type_into(qtbot, panel.hr_spin, "0.6")
    assert not label.isVisible() and panel.hr_spin.value() == pytest.approx(0.6)
    panel.reset_button.click()
    assert panel.inputs == panel.reported_inputs


def test_the_hazard_ratio_message_says_the_design_hr_is_below_one(qtbot, make_window):
    w = make_window()
    panel = w.show_panel("design")
    type_into(qtbot, panel.hr_spin, "1")
    assert panel.entry_label.text() == (
        "Hypothesised hazard ratio: '1' was not accepted (it is above the maximum, 0.99)."
        " Enter a number from 0.10 to 0.99 (the design's hazard ratio is below 1)."
    )


INTERPRETATION_ENTRIES = [
    ("threshold_spin", "", None, "the entry was empty, so it stays at 0.59"),  # the design HR
    ("threshold_spin", "0", 0.1, "'0' is outside the range, so it was set to 0.10"),
    ("threshold_spin", "abc", None, "'a' was not accepted (it is not a number)"),
    ("threshold_spin", "-1", 1.0, "'-' was not accepted (negative numbers are not allowed)"),
    ("prior_mean_spin", "-1", None, "'-' was not accepted (negative numbers are not allowed)"),
    ("prior_mean_spin", "0", 0.05, "'0' is outside the range, so it was set to 0.050"),
    ("prior_mean_spin", "50", 5.0, "'50' was not accepted (it is above the maximum, 5.000)"),
    ("prior_sd_spin", "-0.1", None, "'-0.1' was not accepted (it is below the minimum, 0.000)"),
    ("prior_sd_spin", "abc", None, "'a' was not accepted (it is not a number)"),
]


@pytest.mark.parametrize(("control", "typed", "after", "message"), INTERPRETATION_ENTRIES)
def test_custom_prior_and_threshold_entries_are_refused_with_a_message(
    qtbot, make_window, control, typed, after, message
):
    w = make_window()
    session = Session(w)
    panel = w.show_panel("interpretation")
    panel.tabs.setCurrentIndex([key for key, _ in PAGES].index("bayes"))
    spin = getattr(panel, control)
    before = spin.value()
    type_into(qtbot, spin, typed)
    assert spin.minimum() <= spin.value() <= spin.maximum()
    assert spin.value() == pytest.approx(before if after is None else after)
    result = panel.bayes_result
    assert result is not None and 0.0 <= result.probability_below_1 <= 1.0
    label = panel.bayes_entry_label
    assert label.isVisible() and label.textFormat() == Qt.TextFormat.PlainText
    assert label.text().startswith(f"{spin.name}: ") and message in label.text()
    session.assert_intact()
