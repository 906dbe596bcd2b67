"""The library panel driven through pytest-qt: listing, lazy cuts, search, open, compare, remove."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt

from explorer import resources
from explorer.evidence import load_bundled
from explorer.evidence.library import Library, synthetic_variant
from explorer.ui.panels.library_panel import COLUMNS, ID_ROLE, LibraryPanel
from explorer.ui.settings import library_path

SELECT = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows


@pytest.fixture(scope="module")
def template():
    """PALMIRA without its long tables: a small, valid template for many copies."""
    return dataclasses.replace(load_bundled(), adverse_events=(), baseline=())


@pytest.fixture
def lib(tmp_path, template):
    with Library(tmp_path / "lib.sqlite3", bundled=(resources.PALMIRA,)) as library:
        library.add_evidence(synthetic_variant(template, 1, cut=0), origin="/data/sim1-a.json")
        library.add_evidence(synthetic_variant(template, 1, cut=1), origin="/data/sim1-b.json")
        library.add_evidence(synthetic_variant(template, 2), origin="/data/sim2.json")
        yield library


@pytest.fixture
def panel(qtbot, lib):
    p = LibraryPanel(lib)
    qtbot.addWidget(p)
    return p


def trial_row(panel, acronym):
    for row in range(panel.model.rowCount()):
        index = panel.model.index(row, 0)
        if panel.model.trial_at(index).acronym == acronym:
            return index
    raise AssertionError(f"{acronym} not listed")


def texts(panel, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [
        [panel.model.index(r, c, parent).data() for c in range(len(COLUMNS))]
        for r in range(panel.model.rowCount(parent))
    ]


def expand(panel, index):
    """Expand a trial and fetch its cuts, as the view does at its next layout."""
    panel.view.expand(index)
    if panel.model.canFetchMore(index):
        panel.model.fetchMore(index)


def select_cuts(panel, acronym, rows):
    parent = trial_row(panel, acronym)
    expand(panel, parent)
    selection = panel.view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(panel.model.index(row, 0, parent), SELECT)


def test_trials_listed_with_bundled_marked(panel):
    assert [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Trial / data cut",
        "Kind",
        "Date",
        "Origin",
    ]
    assert texts(panel) == [
        ["PALMIRA (NCT03809988)", "phase II · 1 cut", "", "bundled"],
        ["SIM-00001 (SIM00000001)", "phase I/II · 2 cuts", "", "imported"],
        ["SIM-00002 (SIM00000002)", "phase II · 1 cut", "", "imported"],
    ]
    assert panel.count_label.text() == "3 trials"
    assert "HR+/HER2− advanced breast cancer" in trial_row(panel, "PALMIRA").data(
        Qt.ItemDataRole.ToolTipRole
    )


def test_cuts_are_loaded_only_when_a_trial_is_expanded(qtbot, panel, lib, monkeypatch):
    calls = []
    real = lib.cuts
    monkeypatch.setattr(lib, "cuts", lambda trial_id: calls.append(trial_id) or real(trial_id))
    panel.show()
    qtbot.waitExposed(panel)
    panel.refresh()
    qtbot.wait(50)  # the view lays out the rows: no trial's cuts are read
    sim1 = trial_row(panel, "SIM-00001")
    assert panel.model.hasChildren(sim1) and panel.model.rowCount(sim1) == 0 and calls == []
    panel.view.expand(sim1)
    qtbot.waitUntil(lambda: panel.model.rowCount(sim1) == 2, timeout=3000)
    assert calls == [panel.model.trial_at(sim1).id]
    assert texts(panel, sim1) == [
        ["Simulated analysis 1", "abstract", "2001-01-15", "sim1-a.json"],
        ["Simulated analysis 2", "abstract", "2002-02-15", "sim1-b.json"],
    ]
    cut = panel.model.index(0, 0, sim1)
    assert cut.data(ID_ROLE)[0] == "cut" and sim1.data(ID_ROLE)[0] == "trial"
    assert "Imported from /data/sim1-a.json" in cut.data(Qt.ItemDataRole.ToolTipRole)


def test_a_bundled_cut_without_a_date_shows_its_publication_year(panel):
    palmira = trial_row(panel, "PALMIRA")
    expand(panel, palmira)
    assert texts(panel, palmira) == [
        ["Primary PFS analysis (ASCO 2023 abstract)", "abstract", "2023 (published)", "bundled"]
    ]


def test_search_is_debounced_and_queries_the_library(qtbot, panel):
    panel.search_edit.setText("sim-00002")
    assert panel.model.rowCount() == 3  # not yet: the query waits for the typing to pause
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    assert texts(panel)[0][0] == "SIM-00002 (SIM00000002)"
    assert panel.count_label.text() == "1 of 3 trials match"
    panel.search_edit.setText("no such trial")
    panel.search_edit.returnPressed.emit()  # Enter queries at once
    assert panel.model.rowCount() == 0 and panel.count_label.text() == "0 of 3 trials match"


def test_source_and_phase_filters(panel):
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("bundled"))
    assert [r[0] for r in texts(panel)] == ["PALMIRA (NCT03809988)"]
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("imported"))
    assert len(texts(panel)) == 2
    panel.source_combo.setCurrentIndex(0)
    phases = [panel.phase_combo.itemText(i) for i in range(panel.phase_combo.count())]
    assert phases == ["All phases", "Phase I/II", "Phase II"]
    panel.phase_combo.setCurrentIndex(panel.phase_combo.findData("I/II"))
    assert [r[0] for r in texts(panel)] == ["SIM-00001 (SIM00000001)"]


def test_open_emits_the_selected_cut_and_a_trial_opens_its_newest(qtbot, panel, lib):
    sim1 = lib.trials("SIM-00001")[0]
    older, newer = lib.cuts(sim1.id)
    assert not panel.open_button.isEnabled()
    select_cuts(panel, "SIM-00001", [0])
    assert panel.open_button.isEnabled()
    with qtbot.waitSignal(panel.cut_activated) as signal:
        panel.open_button.click()
    assert signal.args == [older.id]
    panel.view.selectionModel().clearSelection()
    panel.view.selectionModel().select(trial_row(panel, "SIM-00001"), SELECT)
    with qtbot.waitSignal(panel.cut_activated) as signal:
        panel.open_button.click()
    assert signal.args == [newer.id]


def test_enter_on_a_cut_opens_it(qtbot, panel, lib):
    palmira_cut = lib.cuts(lib.trials("palmira")[0].id)[0]
    assert panel.select_cut(palmira_cut.id)
    panel.view.setFocus()
    with qtbot.waitSignal(panel.cut_activated) as signal:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert signal.args == [palmira_cut.id]


def test_compare_needs_two_cuts_of_one_trial_and_sends_the_older_first(qtbot, panel, lib):
    older, newer = lib.cuts(lib.trials("SIM-00001")[0].id)
    select_cuts(panel, "SIM-00001", [1])
    assert not panel.compare_button.isEnabled()
    select_cuts(panel, "SIM-00001", [1, 0])  # newer selected first
    assert panel.compare_button.isEnabled()
    with qtbot.waitSignal(panel.diff_requested) as signal:
        panel.compare_button.click()
    assert signal.args == [older.id, newer.id]
    # One cut from each of two trials: not comparable here.
    select_cuts(panel, "SIM-00001", [0])
    sim2 = trial_row(panel, "SIM-00002")
    expand(panel, sim2)
    panel.view.selectionModel().select(panel.model.index(0, 0, sim2), SELECT)
    assert not panel.compare_button.isEnabled()


def test_trial_selected_follows_the_selection(qtbot, panel, lib):
    sim1 = lib.trials("SIM-00001")[0]
    with qtbot.waitSignal(panel.trial_selected) as signal:
        select_cuts(panel, "SIM-00001", [1])
    assert signal.args == [sim1.id] and panel.current_trial_id() == sim1.id
    with qtbot.waitSignal(panel.trial_selected) as signal:
        panel.view.selectionModel().clearSelection()
    assert signal.args == [None] and panel.current_trial_id() is None


def test_bundled_cuts_cannot_be_removed(panel):
    select_cuts(panel, "PALMIRA", [0])
    assert not panel.remove_button.isEnabled()
    panel.remove_selected()  # the Delete key's path: refuses quietly
    assert texts(panel)[0][0] == "PALMIRA (NCT03809988)"


def test_remove_asks_first_and_cancel_keeps_the_cut(panel, lib):
    asked = []
    panel.confirm = lambda title, text: asked.append(text) or False
    select_cuts(panel, "SIM-00002", [0])
    assert panel.remove_button.isEnabled()
    panel.remove_button.click()
    assert "Remove this data cut from the library?" in asked[0]
    assert "Simulated analysis 1  (sim2.json)" in asked[0]
    assert "notes" not in asked[0]
    assert len(lib.trials()) == 3


def test_removing_the_last_cut_warns_about_notes_and_deletes_them(panel, lib):
    sim2 = lib.trials("SIM-00002")[0]
    lib.set_note(sim2.id, "a note")
    asked = []
    panel.confirm = lambda title, text: asked.append(text) or True
    select_cuts(panel, "SIM-00002", [0])
    panel.remove_button.click()
    assert "their notes will be deleted too: SIM-00002 (1)." in asked[0]
    assert [t.acronym for t in lib.trials()] == ["PALMIRA", "SIM-00001"]
    assert [r[0] for r in texts(panel)] == ["PALMIRA (NCT03809988)", "SIM-00001 (SIM00000001)"]
    assert lib.notes(sim2.id) == []


def test_refresh_keeps_selection_and_expansion(panel, lib, template):
    select_cuts(panel, "SIM-00001", [1])
    lib.add_evidence(synthetic_variant(template, 3), origin="x.json")
    panel.refresh()
    assert panel.view.isExpanded(trial_row(panel, "SIM-00001"))
    assert panel.selected_cut_ids() == [lib.cuts(lib.trials("SIM-00001")[0].id)[1].id]
    assert panel.count_label.text() == "4 trials"


def test_select_cut_clears_a_filter_that_hides_it(panel, lib):
    panel.search_edit.setText("PALMIRA")
    panel.refresh()
    cut = lib.cuts(lib.trials("SIM-00002")[0].id)[0]
    assert panel.select_cut(cut.id)
    assert panel.search_edit.text() == "" and panel.selected_cut_ids() == [cut.id]
    assert not panel.select_cut(987654)


def test_import_button_asks_the_window(qtbot, panel):
    with qtbot.waitSignal(panel.import_requested):
        panel.import_button.click()


def test_without_a_library_everything_is_disabled_and_explained(qtbot):
    p = LibraryPanel(None)
    qtbot.addWidget(p)
    assert p.model.rowCount() == 0
    assert not any(
        b.isEnabled()
        for b in (p.open_button, p.compare_button, p.import_button, p.remove_button, p.view)
    )
    assert p.message_label.text().startswith("No library is open")
    assert p.message_label.textFormat() == Qt.TextFormat.PlainText
    assert p.current_trial_id() is None


def test_text_from_files_is_plain(panel, lib, template):
    trial = dataclasses.replace(template.trial, registry_id="NCT00000001", acronym="<b>BOLD</b>")
    lib.add_evidence(dataclasses.replace(template, trial=trial), origin="x.json")
    panel.refresh()
    assert trial_row(panel, "<b>BOLD</b>").data() == "<b>BOLD</b> (NCT00000001)"
    assert panel.count_label.textFormat() == Qt.TextFormat.PlainText


def test_ten_thousand_trials_load_and_filter(qtbot, tmp_path, template):
    """A library of 10,000 trials lists, searches and filters; cuts stay unloaded."""
    with Library(tmp_path / "big.sqlite3", bundled=()) as big:
        big.add_evidence_batch(
            [synthetic_variant(template, i) for i in range(10_000)], origin="many.json"
        )
        p = LibraryPanel(big)
        qtbot.addWidget(p)
        assert p.model.rowCount() == 10_000 and p.count_label.text() == "10,000 trials"
        assert all(node.cuts is None for node in p.model._nodes)  # nothing fetched yet
        p.search_edit.setText("sim-0999")
        p.refresh()
        assert [r[0] for r in texts(p)] == [f"SIM-0999{i} (SIM0000999{i})" for i in range(10)]
        p.search_edit.setText("melanoma")
        p.phase_combo.setCurrentIndex(p.phase_combo.findData("III"))
        # melanoma: index % 5 == 3; phase III: index % 6 == 4 -> index % 30 == 28
        assert p.model.rowCount() == len(range(28, 10_000, 30))
        p.view.scrollToBottom()
        last = p.model.index(p.model.rowCount() - 1, 0)
        assert last.data() == "SIM-09988 (SIM00009988)"


def test_library_path_honours_the_environment_then_the_app_data_folder(tmp_path, monkeypatch):
    assert library_path() == Path(os.environ["EXPLORER_LIBRARY"])
    monkeypatch.setenv("EXPLORER_LIBRARY", "~/elsewhere/lib.sqlite3")
    assert library_path() == Path.home() / "elsewhere" / "lib.sqlite3"
    monkeypatch.delenv("EXPLORER_LIBRARY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QCoreApplication.setOrganizationName("")
    try:
        path = library_path()
        folder = tmp_path / "data" / "TrialEvidenceExplorer" / "Trial Evidence Explorer"
        assert path == folder / "library.sqlite3" and folder.is_dir()
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
