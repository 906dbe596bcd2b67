"""The main window driven through pytest-qt: header, figures, provenance, audit, bad files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from explorer.evidence import load_bundled
from explorer.ui.main_window import MainWindow
from explorer.ui.models import RawRole


@pytest.fixture
def window(qtbot):
    w = MainWindow(load_bundled())
    qtbot.addWidget(w)
    return w


def test_header_names_trial_and_primary_result(window):
    assert window.title_label.text().startswith("PALMIRA · NCT03809988 · ")
    assert window.result_label.text() == (
        "Progression-free survival: median 4.2 vs 3.6 months; HR 0.8 (95% CI 0.6–1.1), p = 0.206"
    )
    assert window.title_label.textFormat() == Qt.TextFormat.PlainText


def test_figure_table_shows_every_figure_with_status_and_tooltip(window):
    model = window.figure_model
    assert model.rowCount() == len(window.summary.figures)
    row = next(
        r for r in range(model.rowCount()) if model.row_value(r, "id") == "pfs.median.palbo_et"
    )
    assert model.data(model.index(row, 0)) == "●"
    assert model.data(model.index(row, 3)) == "4.2 months (95% CI 3.5–5.8)"
    assert model.data(model.index(row, 3), Qt.ItemDataRole.ToolTipRole).endswith(
        "“4.2 months (95% CI 3.5–5.8)”"
    )
    rebuilt = next(r for r in range(model.rowCount()) if model.row_value(r, "id") == "orr.count.et")
    assert model.data(model.index(rebuilt, 0)) == "◇"
    assert model.data(model.index(rebuilt, 4)) == "reconstructed"


def test_selecting_a_row_shows_its_provenance(window, qtbot):
    proxy = window.figure_proxy
    target = next(
        r
        for r in range(proxy.rowCount())
        if proxy.index(r, 2).data() == "Progression-free survival: Wald p implied by the HR and CI"
    )
    window.figure_table.selectRow(target)
    text = window.details.toPlainText()
    assert "◆" in text and "Derivation: Wald: z = ln(HR) / SE" in text


def test_sorting_by_value_uses_raw_numbers(window):
    window.figure_table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    proxy = window.figure_proxy
    values = [proxy.index(r, 3).data(RawRole) for r in range(proxy.rowCount())]
    numbers = [v for v in values if v is not None]
    assert numbers == sorted(numbers)  # 0.05 < 2 < 62 < 136 < 198, not "136" < "2"
    assert 198.0 in numbers and 0.05 in numbers


def test_audit_tab_lists_checks(window):
    model = window.check_model
    assert model.rowCount() == len(window.summary.checks)
    levels = {model.data(model.index(r, 0)) for r in range(model.rowCount())}
    assert levels <= {"PASS", "NOTE", "WARN"} and "NOTE" in levels


def test_bad_file_keeps_what_was_open(window, tmp_path, qtbot):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "trial": 3}', encoding="utf-8")
    before = window.summary
    assert window.open_file(str(bad)) is False
    assert window.summary is before
    assert window.last_error.startswith(str(bad))
    assert "is required" in window.last_error
    assert window.figure_model.rowCount() == len(before.figures)


def test_frame_model_passes_qt_model_tester(window, qtmodeltester):
    qtmodeltester.check(window.figure_model)
    qtmodeltester.check(window.check_model)
