"""The "What changed" dialog between PALMIRA's two cuts.

Reference values are the printed figures of the two bundled cuts (ASCO 2023 abstract
and J Clin Oncol 2025): 11 reported figures changed, 11 added, 6 removed, 14 unchanged;
e.g. the PFS hazard ratio 0.8 (95% CI 0.6–1.1) -> 0.84 (95% CI 0.66–1.07). Cells are
compared as exact text (no tolerance).
"""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from explorer import resources
from explorer.analysis.diff import diff_cuts
from explorer.evidence import load
from explorer.ui.diff_view import CHANGE_COLOURS, CutDiffDialog

OLD = "Primary PFS analysis (ASCO 2023 abstract)"
NEW = "Final PFS analysis (J Clin Oncol 2025)"


@pytest.fixture(scope="module")
def cuts():
    return (
        load(resources.path("evidence/palmira-asco2023.json")),
        load(resources.path("evidence/palmira-jco2025.json")),
    )


@pytest.fixture
def dialog(qtbot, cuts):
    dlg = CutDiffDialog.for_evidence(*cuts)
    qtbot.addWidget(dlg)
    return dlg


def _cells(dialog) -> list[list[str]]:
    model = dialog.table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _row(dialog, label: str) -> list[str]:
    return next(cells for cells in _cells(dialog) if cells[0] == label)


def test_title_headers_and_count_line(dialog):
    assert dialog.windowTitle() == f"What changed: {OLD} → {NEW}"
    model = dialog.table.model()
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal).replace("\n", " ")
        for c in range(model.columnCount())
    ]
    assert headers == ["Figure", OLD, NEW, "Change", "Old source", "New source"]
    assert dialog.count_label.text() == (
        "11 figures changed, 11 added, 6 removed · 14 unchanged (hidden)"
    )


def test_changed_row_shows_both_values_and_sources(dialog):
    cells = _row(dialog, "Progression-free survival: hazard ratio")
    assert cells[1:4] == ["● 0.8 (95% CI 0.6–1.1)", "● 0.84 (95% CI 0.66–1.07)", "Changed"]
    assert cells[4].endswith("Results: “hazard ratio 0.8, 95% CI 0.6–1.1”")
    assert cells[5].endswith("Results: “HR 0.84 (95% CI 0.66–1.07), P = .149”")


def test_added_and_removed_rows(dialog):
    os_hr = _row(dialog, "Overall survival: hazard ratio")
    assert os_hr[1:4] == ["—", "● 1.06 (95% CI 0.75–1.51)", "Added"]
    assert os_hr[4] == "—"
    events = _row(dialog, "Progression-free survival: events")
    assert events[1:4] == ["● 155 events", "—", "Removed"]


def test_change_column_is_coloured(dialog):
    model = dialog.table.model()
    for r in range(model.rowCount()):
        change = model.index(r, 3).data().lower()
        colour = model.index(r, 3).data(Qt.ItemDataRole.ForegroundRole)
        assert colour.name().lower() == CHANGE_COLOURS[change].lower()


def test_show_unchanged_toggle(dialog):
    assert dialog.table.model().rowCount() == 28
    dialog.show_unchanged.setChecked(True)
    assert dialog.table.model().rowCount() == 42
    assert _row(dialog, "Randomised patients: P+ET")[1:4] == [
        "● 136 patients",
        "● 136 patients",
        "Unchanged",
    ]
    assert dialog.count_label.text().endswith("· 14 unchanged")
    dialog.show_unchanged.setChecked(False)
    assert dialog.table.model().rowCount() == 28


def test_include_derived_toggle_recomputes(dialog, cuts):
    full = diff_cuts(*cuts, derived=True)
    dialog.include_derived.setChecked(True)
    assert dialog.diff == full
    assert dialog.table.model().rowCount() == len(full.changed())
    assert dialog.count_label.text().startswith(full.count_line())
    marks = {cells[2][:1] for cells in _cells(dialog)} | {cells[1][:1] for cells in _cells(dialog)}
    assert {"◆", "◇"} <= marks
    dialog.include_derived.setChecked(False)
    assert dialog.table.model().rowCount() == 28


def test_from_a_diff_alone_derived_is_unavailable(qtbot, cuts):
    dlg = CutDiffDialog(diff_cuts(*cuts))
    qtbot.addWidget(dlg)
    assert not dlg.include_derived.isEnabled()
    assert dlg.table.model().rowCount() == 28


def test_labels_can_be_replaced(qtbot, cuts):
    dlg = CutDiffDialog.for_evidence(*cuts, old_label="ASCO 2023", new_label="JCO 2025")
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "What changed: ASCO 2023 → JCO 2025"
    model = dlg.table.model()
    assert model.headerData(1, Qt.Orientation.Horizontal) == "ASCO 2023"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "JCO 2025"
    dlg.include_derived.setChecked(True)  # the recomputed diff keeps the labels
    assert dlg.diff.old_label == "ASCO 2023"


def test_different_trials_are_refused(cuts):
    maintain = load(resources.path("evidence/maintain-jco2023.json"))
    with pytest.raises(ValueError, match="not two cuts of one trial"):
        CutDiffDialog.for_evidence(cuts[0], maintain)


def test_labels_are_plain_text(dialog):
    for label in dialog.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_copy_tsv(dialog):
    text = dialog.copy_tsv()
    assert QGuiApplication.clipboard().text() == text
    lines = text.splitlines()
    assert lines[0] == f"Figure\t{OLD}\t{NEW}\tChange\tOld source\tNew source"
    assert len(lines) == 1 + 28
    assert "Progression-free survival: p value\t● 0.206\t● 0.149\tChanged\t" in text


def test_export_csv(dialog, tmp_path):
    out = dialog.export_csv(tmp_path / "diff.csv")
    frame = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == ["Figure", OLD, NEW, "Change", "Old source", "New source"]
    assert len(frame) == 28
    row = frame.set_index("Figure").loc["Progression-free survival: median, P+ET"]
    assert row[OLD] == "● 4.2 months (95% CI 3.5–5.8)"
    assert row[NEW] == "● 4.9 months (95% CI 3.6–6.1)"
    assert row["Change"] == "Changed"


def test_renders_legibly(dialog, tmp_path):
    dialog.resize(1200, 700)
    dialog.show()
    image = dialog.grab()
    assert image.width() >= 1200 and image.height() >= 700
    assert image.save(str(tmp_path / "diff.png"))
    # Source columns share the width left by the four fixed columns, and wrap.
    assert dialog.table.wordWrap()
    assert dialog.table.columnWidth(4) >= 200 and dialog.table.columnWidth(5) >= 200


def test_table_has_the_shared_copy_actions_and_one_csv_export(dialog):
    texts = [action.text() for action in dialog.table.actions()]
    assert texts.count("Export CSV…") == 1
    assert "Copy rows as TSV" in texts and "Copy table as TSV" in texts
