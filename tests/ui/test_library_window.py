"""The main window with a library: data cuts, their diff, notes, comparison and import.

These are the issue's "done means" walked through the real window: open the PALMIRA
diff between its two bundled data cuts, compare the four bundled trials on one forest
plot, write a note on a figure and find it after a restart, import a registry record
and see it in the panels. Reference values come from the committed metafor run
(``tests/reference/compare_pooling.json``) and the published figures (issue #7).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from explorer.evidence import load_bundled
from explorer.evidence.library import Library
from explorer.ui.main_window import MainWindow

HERE = Path(__file__).resolve().parent
REFERENCE = json.loads((HERE.parent / "reference" / "compare_pooling.json").read_text())
PALMIRA = "NCT03809988"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "library.sqlite3"


@pytest.fixture
def make_window(qtbot, db):
    made = []

    def make(evidence=None, library=None):
        lib = library if library is not None else Library(db)
        w = MainWindow(evidence or load_bundled(), library=lib)
        qtbot.addWidget(w)
        made.append((w, lib))
        return w

    yield make
    for w, lib in made:
        w.close()
        lib.close()
    QApplication.processEvents()


def _palmira_cuts(library: Library):
    trial_id = library.trial_id_for(load_bundled())
    assert trial_id is not None
    return trial_id, library.cuts(trial_id)


def test_library_page_lists_the_bundled_trials_and_palmiras_two_cuts(make_window):
    w = make_window()
    page = w._page("library")
    assert page.library is w.library
    acronyms = sorted(t.acronym for t in w.library.trials())
    assert acronyms == ["MAINTAIN", "PACE", "PALMIRA", "postMONARCH"]
    _, cuts = _palmira_cuts(w.library)
    # Oldest first: the ASCO 2023 abstract, then the 2025 publication.
    assert [c.kind for c in cuts] == ["abstract", "article"]
    # The page follows the trial on show: its note editor is the PALMIRA trial note.
    assert page.notes.target() == (w.current_trial_id(), None)
    assert "PALMIRA" in page.notes.title_label.text()


def test_opening_the_2025_cut_shows_the_published_hazard_ratio(make_window):
    w = make_window()
    _, cuts = _palmira_cuts(w.library)
    assert w.open_cut(cuts[-1].id)
    assert w.source_cut == cuts[-1].id and w.source_path is None
    # Published: HR 0.84 (95% CI 0.66-1.07), J Clin Oncol 2025.
    hr = w.summary.figure("pfs.hr")
    assert (hr.value, hr.lower, hr.upper) == (0.84, 0.66, 1.07)
    assert "2025" in w.title_label.text()
    # Reload re-reads the cut, not the bundled ASCO abstract.
    assert w.reload()
    assert w.summary.figure("pfs.hr").value == 0.84


def test_palmira_diff_lists_each_changed_figure_old_to_new_with_both_sources(make_window):
    w = make_window()
    _, cuts = _palmira_cuts(w.library)
    dialog = w.show_cut_diff(cuts[0].id, cuts[1].id)
    assert dialog is not None and dialog.isVisible()
    rows = {row.figure_id: row for row in dialog.diff.changed()}
    hr = rows["pfs.hr"]
    # ASCO 2023: HR 0.8 (0.6-1.1); JCO 2025: 0.84 (0.66-1.07).
    assert hr.change == "changed"
    assert "0.8 " in hr.old + " " and "0.6–1.1" in hr.old
    assert "0.84" in hr.new and "0.66–1.07" in hr.new
    assert hr.old_source and hr.new_source and hr.old_source != hr.new_source
    assert rows["pfs.p"].old.endswith("0.206") and rows["pfs.p"].new.endswith("0.149")
    dialog.close()


def test_diff_of_two_different_trials_is_refused_with_a_message(make_window):
    w = make_window()
    trials = {t.acronym: t.id for t in w.library.trials()}
    palmira = w.library.cuts(trials["PALMIRA"])[0].id
    maintain = w.library.cuts(trials["MAINTAIN"])[0].id
    assert w.show_cut_diff(palmira, maintain) is None
    assert "not two cuts of one trial" in w.error_dialog.text()
    w.error_dialog.close()


def test_compare_page_pools_the_four_bundled_trials_as_metafor_does(qtbot, make_window):
    w = make_window()
    w.show()
    qtbot.waitExposed(w)
    page = w.show_panel("compare")  # the candidates are read when the page is first shown
    comparison = page.compare.comparison
    assert comparison.k == 4
    assert sorted(s.trial for s in comparison.studies) == [
        "MAINTAIN", "PACE", "PALMIRA", "postMONARCH",
    ]  # fmt: skip
    # PALMIRA enters at its newest cut (JCO 2025), not the ASCO abstract on show.
    palmira = next(s for s in comparison.studies if s.trial == "PALMIRA")
    assert palmira.estimate == 0.84
    # metafor rma(method="REML") on the four log HRs (tests/reference/compare_pooling.R);
    # iterative fit, relative tolerance 1e-5.
    reml = comparison.pooled_by("REML")
    expected = REFERENCE["fits"]["four_95_REML_z"]
    assert reml.estimate == pytest.approx(expected["estimate"], rel=1e-5)
    assert reml.lower == pytest.approx(expected["lower"], rel=1e-5)
    assert reml.tau2 == pytest.approx(expected["tau2"], rel=1e-5)
    assert "illustrative" in page.compare.warning_label.text().lower()
    assert page.compare.warning_label.isVisible()


def test_a_figure_note_survives_closing_and_reopening_the_library(qtbot, make_window, db):
    w = make_window()
    w.show_figure_details("pfs.hr")
    assert w.figure_notes.target() == (w.current_trial_id(), "pfs.hr")
    assert w.figure_notes.editor.isEnabled()
    w.figure_notes.editor.setPlainText("HR crosses 1: no PFS benefit shown <b>here</b>.")
    trial_id = w.current_trial_id()
    w.close()  # flushes the note being typed
    w.library.close()

    again = Library(db)
    try:
        assert again.note(trial_id, "pfs.hr") == "HR crosses 1: no PFS benefit shown <b>here</b>."
        w2 = make_window(library=again)
        w2.show_figure_details("pfs.hr")
        assert w2.figure_notes.text() == "HR crosses 1: no PFS benefit shown <b>here</b>."
        # Another figure has its own (empty) note.
        w2.show_figure_details("pfs.p")
        assert w2.figure_notes.text() == ""
    finally:
        again.close()


def test_the_trial_note_on_the_library_page_is_kept(make_window, db):
    w = make_window()
    page = w.show_panel("library")
    page.notes.editor.setPlainText("Discuss with MAINTAIN at tumour board")
    assert page.notes.flush()
    trial_id = w.current_trial_id()
    assert w.library.note(trial_id) == "Discuss with MAINTAIN at tumour board"


def test_without_a_library_the_window_still_works_and_says_why(qtbot):
    def broken():
        from explorer.evidence.library import LibraryError

        raise LibraryError("/nowhere/library.sqlite3: cannot be created (read-only disk)")

    w = MainWindow(load_bundled(), library=broken)
    qtbot.addWidget(w)
    assert w.library is None
    page = w.show_panel("library")
    assert "read-only disk" in page.unavailable.text()
    assert w.compare_candidates() == []
    w.show_figure_details("pfs.hr")
    assert not w.figure_notes.editor.isEnabled()
    assert w.import_into_library(["x.json"]) is False
    w.error_dialog.close()
    w.close()


REGISTRY = HERE.parent / "fixtures" / "ctgov" / "real"


def _import(qtbot, w, paths):
    assert w.import_into_library([str(p) for p in paths])
    qtbot.waitUntil(lambda: w.library_import_progress is None, timeout=30_000)


def test_importing_a_registry_record_adds_it_and_opens_it_with_sources(qtbot, make_window):
    w = make_window()
    record = REGISTRY / "v2" / "NCT03036150.json"
    _import(qtbot, w, [record])
    assert [r.duplicate for r in w.last_import_results] == [False]
    assert w.evidence.trial.registry_id == "NCT03036150"
    assert w.source_cut == w.last_import_results[0].cut_id
    assert "NCT03036150" in w.title_label.text()
    # The library page lists it beside the bundled trials, and its trial note is ready.
    assert w.library.trial_count() == 5
    # A reported registry figure: the details pane names the field path and record date.
    figure = next(
        f for f in w.summary.figures if f.status == "reported" and "outcomeMeasures" in f.source
    )
    w.show_figure_details(figure.id)
    text = w.details.toPlainText()
    assert "record updated" in text and "resultsSection.outcomeMeasuresModule" in text
    # Importing the same file again adds nothing.
    _import(qtbot, w, [record])
    assert [r.duplicate for r in w.last_import_results] == [True]
    assert w.library.trial_count() == 5


def test_a_bad_file_in_an_import_is_named_and_the_others_are_added(qtbot, make_window, tmp_path):
    w = make_window()
    bad = tmp_path / "broken.json"
    bad.write_text('{"protocolSection": {"identificationModule": ', encoding="utf-8")
    legacy = REGISTRY / "legacy_v1_json" / "NCT00023673.json"
    good = REGISTRY / "v2" / "NCT05594173.json"
    _import(qtbot, w, [bad, legacy, good])
    assert [r.label for r in w.last_import_results] == [w.last_import_results[0].label]
    assert w.evidence.trial.registry_id == "NCT05594173"
    message = w.error_dialog.text() + w.error_dialog.informativeText()
    assert str(bad) in message and str(legacy) in message
    assert "retired ClinicalTrials.gov" in message
    w.error_dialog.close()


def test_a_record_without_an_acronym_is_named_once_in_the_header(qtbot):
    from explorer.evidence.sources import read_any

    (ev,) = read_any(REGISTRY / "v2" / "NCT02210780.json")
    assert ev.trial.acronym == ev.trial.registry_id  # the importer's fallback name
    w = MainWindow(ev)
    qtbot.addWidget(w)
    assert w.title_label.text().startswith("NCT02210780 · Results posted on ClinicalTrials.gov")
    assert w.title_label.text().count("NCT02210780") == 1
    assert w.windowTitle() == "NCT02210780[*] — Trial Evidence Explorer"
    w.close()
