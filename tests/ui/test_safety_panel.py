"""The Adverse events panel driven through pytest-qt: table, filters, sorting, plots, selection."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer import resources
from explorer.analysis import summarize
from explorer.analysis.safety import synthetic_safety_evidence
from explorer.evidence import from_dict
from explorer.ui.models import RawRole
from explorer.ui.panels.safety_panel import SafetyPanel
from explorer.ui.plots.safety_plot import (
    DODGE,
    INITIAL_ROWS,
    MAX_LABELLED_ROWS,
    MIN_ROWS_IN_VIEW,
    TermAxis,
)
from explorer.ui.style import STATUS_COLOURS

# Columns of a two-arm table: term, grade, category, population, then per arm % and n/N.
TERM, GRADE, CATEGORY, POPULATION = 0, 1, 2, 3
T_RATE, T_COUNT, C_RATE, C_COUNT = 4, 5, 6, 7
RD, RR, NNH, STATUS = 8, 9, 10, 11
TIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def panel(qtbot, palmira_summary):
    p = SafetyPanel(palmira_summary)
    qtbot.addWidget(p)
    return p


@pytest.fixture(scope="module")
def synthetic_60():
    return summarize(synthetic_safety_evidence(60, seed=5))


@pytest.fixture(scope="module")
def synthetic_500():
    return summarize(synthetic_safety_evidence(500, seed=7))


def cell(p, row, col, role=Qt.ItemDataRole.DisplayRole):
    return p.proxy.index(row, col).data(role)


def column_texts(p, col):
    return [cell(p, r, col) for r in range(p.proxy.rowCount())]


def test_panel_identity(panel):
    assert SafetyPanel.name == "adverse_events" and SafetyPanel.title == "Adverse events"
    assert panel.model.columnCount() == 12
    headers = [panel.model.headerData(i, Qt.Orientation.Horizontal) for i in range(12)]
    assert headers[T_RATE : C_COUNT + 1] == ["P+ET %", "P+ET n/N", "ET %", "ET n/N"]
    assert headers[RD:] == ["RD, points (95% CI)", "RR (95% CI)", "NNH or NNT (95% CI)", "Status"]
    assert "Newcombe" in panel.model.headerData(RD, Qt.Orientation.Horizontal, TIP)


def test_models_pass_the_qt_model_tester(panel, qtmodeltester):
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.proxy)
    panel.set_filter("death")
    qtmodeltester.check(panel.proxy)


def test_models_pass_the_tester_on_a_sorted_filtered_synthetic_table(
    qtbot, qtmodeltester, synthetic_60
):
    p = SafetyPanel(synthetic_60)
    qtbot.addWidget(p)
    p.table.sortByColumn(RD, Qt.SortOrder.DescendingOrder)
    p.set_filter("a", "any")
    qtmodeltester.check(p.proxy)
    qtmodeltester.check(p.model)


def test_palmira_grade_3_4_row_display_and_raw(panel):
    assert column_texts(panel, TERM) == ["Adverse events", "Treatment-related death"]
    row = {c: cell(panel, 0, c) for c in range(12)}
    assert row[GRADE] == "3–4" and row[CATEGORY] == "—"
    assert (row[T_RATE], row[T_COUNT]) == ("45.2% ●", "61/135 ◇")
    assert (row[C_RATE], row[C_COUNT]) == ("8.3% ●", "5/60 ◇")
    assert row[RD] == "36.9 (24.2–46.5)"
    assert row[RR] == "5.42 (2.30–12.81)"
    assert row[NNH] == "NNH 2.7 (2.2–4.1)"
    assert row[STATUS] == "◇ reconstructed"
    assert cell(panel, 0, T_RATE, RawRole) == 45.2
    assert cell(panel, 0, T_COUNT, RawRole) == 61.0
    assert cell(panel, 0, C_COUNT, RawRole) == 5.0
    assert cell(panel, 0, RD, RawRole) == pytest.approx(36.85185, abs=1e-5)
    assert cell(panel, 0, RR, RawRole) == pytest.approx(5.42222, abs=1e-5)
    assert cell(panel, 0, NNH, RawRole) == pytest.approx(2.71357, abs=1e-5)
    assert cell(panel, 0, GRADE, RawRole) == pytest.approx(3.04)


def test_palmira_tooltips_carry_provenance(panel):
    assert "“P+ET (45.2% vs. 8.3%)”" in cell(panel, 0, T_RATE, TIP)
    assert "Reconstructed: 61/135 = 45.19%" in cell(panel, 0, T_COUNT, TIP)
    assert "Newcombe hybrid score" in cell(panel, 0, RD, TIP)
    assert "Altman 1998" in cell(panel, 0, NNH, TIP)
    assert "all-cause or treatment-related" in cell(panel, 0, TERM, TIP)  # the file's note
    assert cell(panel, 0, STATUS, TIP).startswith("Least certain number in this row")
    colour = cell(panel, 0, STATUS, Qt.ItemDataRole.ForegroundRole)
    assert colour.name().upper() == STATUS_COLOURS["reconstructed"].upper()


def test_treatment_related_deaths_show_zeros_and_dashes(panel):
    assert cell(panel, 1, GRADE) == "5" and cell(panel, 1, CATEGORY) == "treatment-related"
    assert (cell(panel, 1, T_COUNT), cell(panel, 1, C_COUNT)) == ("0/135 ◇", "0/60 ◇")
    assert (cell(panel, 1, RD), cell(panel, 1, RR), cell(panel, 1, NNH)) == ("—", "—", "—")
    assert cell(panel, 1, RD, RawRole) is None and cell(panel, 1, NNH, RawRole) is None
    assert cell(panel, 1, T_COUNT, RawRole) == 0.0


def test_one_population_is_named_once(panel):
    assert panel.table.isColumnHidden(POPULATION)
    assert panel.count_label.text() == (
        "2 of 2 adverse events shown · Safety population (treated patients)"
    )


def test_plots_show_palmira(panel):
    plot = panel.plot
    x, y = plot.treatment_dots.getData()
    assert x.tolist() == [45.2, 0.0] and y.tolist() == [-DODGE, 1 - DODGE]
    x, y = plot.control_dots.getData()
    assert x.tolist() == [8.3, 0.0] and y.tolist() == [DODGE, 1 + DODGE]
    x, y = plot.rd_dots.getData()
    assert x.tolist() == pytest.approx([36.85185]) and y.tolist() == [0.0]
    bars = plot.rd_bars.opts
    assert bars["x"].tolist() == pytest.approx([36.85185])
    assert (bars["x"] - bars["left"]).tolist() == pytest.approx([24.15775])
    assert (bars["x"] + bars["right"]).tolist() == pytest.approx([46.49863])
    assert plot.zero_line.value() == 0
    assert plot.term_axis.tickStrings([0.0, 1.0], 1, 1) == [
        "Adverse events (grade 3–4)",
        "Treatment-related death (grade 5)",
    ]
    assert [label.text for _, label in plot.legend.items] == [
        "P+ET",
        "ET",
        "Risk difference, P+ET − ET (95% CI)",
    ]
    assert plot.treatment_dots.opts["brush"].color().name() == "#0072b2"
    assert plot.control_dots.opts["brush"].color().name() == "#e69f00"
    assert plot.rate_plot.getAxis("bottom").labelText == "Patients with the event (%)"
    assert "percentage points" in plot.rd_plot.getAxis("bottom").labelText


def test_filter_edit_filters_rows_and_plots(panel):
    items = (panel.plot.treatment_dots, panel.plot.rd_dots, panel.plot.rd_bars)
    panel.filter_edit.setText("DEATH")
    assert panel.proxy.filter_text == "DEATH"
    assert column_texts(panel, TERM) == ["Treatment-related death"]
    x, y = panel.plot.treatment_dots.getData()
    assert x.tolist() == [0.0] and y.tolist() == [-DODGE]
    assert len(panel.plot.rd_dots.getData()[0]) == 0  # no comparison, no square
    assert len(panel.plot.rd_bars.opts["x"]) == 0
    assert panel.count_label.text().startswith("1 of 2 adverse events shown")
    panel.filter_edit.setText("nothing like this")
    assert panel.proxy.rowCount() == 0 and len(panel.plot.control_dots.getData()[0]) == 0
    panel.filter_edit.clear()
    assert panel.proxy.rowCount() == 2
    # Items are created once and fed with setData.
    assert (panel.plot.treatment_dots, panel.plot.rd_dots, panel.plot.rd_bars) == items


def test_grade_combo_filters_rows_and_plots(panel):
    combo = panel.grade_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All grades",
        "Grade 3–4",
        "Grade 5",
    ]
    combo.setCurrentIndex(combo.findData("3-4"))
    assert panel.proxy.grade == "3-4"
    assert column_texts(panel, TERM) == ["Adverse events"]
    assert panel.plot.rd_dots.getData()[0].tolist() == pytest.approx([36.85185])
    assert panel.plot.control_dots.getData()[0].tolist() == [8.3]
    combo.setCurrentIndex(0)
    assert panel.proxy.grade is None and panel.proxy.rowCount() == 2


def test_set_filter_moves_the_controls(panel):
    panel.set_filter("Death", "5")
    assert panel.filter_edit.text() == "Death"
    assert panel.grade_combo.currentText() == "Grade 5"
    assert (panel.proxy.filter_text, panel.proxy.grade) == ("Death", "5")
    assert column_texts(panel, TERM) == ["Treatment-related death"]
    panel.set_filter("", "not a grade here")
    assert panel.grade_combo.currentText() == "All grades" and panel.proxy.rowCount() == 2


def test_selecting_a_row_emits_its_risk_difference_and_highlights_it(panel, qtbot):
    with qtbot.waitSignal(panel.figure_selected, timeout=1000) as blocker:
        panel.table.selectRow(0)
    assert blocker.args == ["ae.ae_grade_3_4.rd"]
    assert panel.plot.highlighted == 0
    band = panel.plot._bands[0]
    assert band.isVisible() and band.getRegion() == (-0.5, 0.5)
    with qtbot.waitSignal(panel.figure_selected, timeout=1000) as blocker:
        panel.table.selectRow(1)
    assert blocker.args == ["ae.treatment_related_deaths.count.palbo_et"]
    assert panel.plot.highlighted == 1


def test_highlight_follows_the_selected_row_through_a_sort(panel):
    panel.table.selectRow(0)
    panel.table.sortByColumn(TERM, Qt.SortOrder.DescendingOrder)
    assert column_texts(panel, TERM) == ["Treatment-related death", "Adverse events"]
    assert panel.plot.highlighted == 1
    panel.set_filter("death")
    assert panel.plot.highlighted is None


def test_clicking_a_plot_row_selects_the_table_row(panel, qtbot):
    with qtbot.waitSignal(panel.figure_selected, timeout=1000) as blocker:
        panel.plot.row_clicked.emit(0)
    assert blocker.args == ["ae.ae_grade_3_4.rd"]
    assert panel.table.selectionModel().selectedRows()[0].row() == 0


def test_highlight_figures_selects_quietly_and_clears_a_hiding_filter(panel, qtbot):
    panel.set_filter("death")
    with qtbot.assertNotEmitted(panel.figure_selected):
        panel.highlight_figures(("ae.ae_grade_3_4.count.et",))
    assert panel.filter_edit.text() == ""
    assert panel.table.selectionModel().selectedRows()[0].row() == 0
    assert panel.plot.highlighted == 0


def test_sort_by_risk_difference_orders_the_plots(qtbot, synthetic_60):
    p = SafetyPanel(synthetic_60)
    qtbot.addWidget(p)
    p.table.sortByColumn(RD, Qt.SortOrder.DescendingOrder)
    raw = [cell(p, r, RD, RawRole) for r in range(p.proxy.rowCount())]
    numbers = [v for v in raw if v is not None]
    assert numbers == sorted(numbers, reverse=True) and raw[-1] is None  # missing last
    x, y = p.plot.rd_dots.getData()
    assert y.tolist() == list(range(len(numbers)))  # top rows in table order
    assert x.tolist() == pytest.approx(numbers)
    labels = [f"{cell(p, r, TERM)}" for r in range(p.proxy.rowCount())]
    assert [s.split(" (")[0] for s in p.plot._labels] == labels
    # Rates follow the same order, ascending now.
    p.table.sortByColumn(T_RATE, Qt.SortOrder.AscendingOrder)
    x, y = p.plot.treatment_dots.getData()
    assert np.all(np.diff(x) >= 0) and y.tolist() == pytest.approx(np.arange(len(x)) - DODGE)
    rates = [cell(p, r, T_RATE, RawRole) for r in range(p.proxy.rowCount())]
    assert x.tolist() == pytest.approx(rates)


def test_sorting_text_is_case_insensitive_and_grades_clinical(qtbot, synthetic_60):
    p = SafetyPanel(synthetic_60)
    qtbot.addWidget(p)
    p.table.sortByColumn(TERM, Qt.SortOrder.AscendingOrder)
    terms = column_texts(p, TERM)
    assert terms == sorted(terms, key=str.casefold)
    p.table.sortByColumn(GRADE, Qt.SortOrder.AscendingOrder)
    grades = list(dict.fromkeys(column_texts(p, GRADE)))
    assert grades == ["Any", "3–4", "≥3", "5"]


def test_500_terms_build_filter_and_plot(qtbot, synthetic_500):
    p = SafetyPanel(synthetic_500)
    qtbot.addWidget(p)
    frame = p.frame
    assert p.proxy.rowCount() == 502
    # The first rows are in view: INITIAL_ROWS, or as many as have room for a label.
    shown = p.plot.initial_rows()
    assert MIN_ROWS_IN_VIEW <= shown <= INITIAL_ROWS
    assert p.plot.visible_rows() == (0, shown - 1)
    vb = p.plot.rate_plot.getViewBox()
    assert vb.state["mouseEnabled"] == [False, True]
    assert p.plot.rd_plot.getViewBox().linkedView(vb.YAxis) is vb

    p.filter_edit.setText("neutro")
    expected = frame.index[frame["term"].str.contains("neutro", case=False)].tolist()
    assert p.shown_rows() == expected and len(expected) > 20
    assert len(p.plot.treatment_dots.getData()[0]) == len(expected)
    assert p.plot.rd_dots.getData()[0].tolist() == pytest.approx(
        frame.loc[expected, "rd"].dropna().tolist()
    )
    assert p.count_label.text().startswith(f"{len(expected)} of 502 adverse events shown")

    p.grade_combo.setCurrentIndex(p.grade_combo.findData(">=3"))
    both = [r for r in expected if frame.at[r, "grade"] == ">=3"]
    assert p.shown_rows() == both and 0 < len(both) < len(expected)
    assert p.plot.control_dots.getData()[0].tolist() == pytest.approx(
        frame.loc[both, "rate.et"].tolist()
    )


def test_term_labels_only_when_they_fit():
    axis = TermAxis()
    axis.set_labels(tuple(f"Term {i}" for i in range(300)))
    line = axis._metrics().height()
    assert axis.tickValues(-0.5, 29.5, 30 * line * 1.5) == [(1.0, [float(i) for i in range(30)])]
    assert axis.tickValues(-0.5, 29.5, 30 * line * 0.5) == []  # rows shorter than a line
    rows = MAX_LABELLED_ROWS + 10
    assert axis.tickValues(-0.5, rows - 0.5, rows * line * 2) == []  # too many rows
    assert axis.tickValues(100.2, 102.8, 600) == [(1.0, [101.0, 102.0])]
    long = "Very long adverse event term that will not fit in the axis at all (grade 3–4)"
    axis.set_labels((long,))
    [text] = axis.tickStrings([0.0], 1, 1)
    assert text.endswith("…") and len(text) < len(long)


def test_table_scrolling_moves_the_plots(qtbot, synthetic_500):
    p = SafetyPanel(synthetic_500)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    p.table.scrollTo(p.proxy.index(120, 0), p.table.ScrollHint.PositionAtTop)
    top = p.table.rowAt(0)
    assert top == 120 and p.plot.visible_rows()[0] == 120
    p.plot.show_rows(300)
    assert p.table.rowAt(0) == 300
    assert "Rows 301–" in p.hint_label.text()


def test_new_summary_resets_table_and_plots(panel, synthetic_60):
    panel.set_filter("", "3-4")
    panel.set_summary(synthetic_60)
    assert panel.grade_combo.currentData() == "3-4"  # still present: kept
    n = int((panel.frame["grade"] == "3-4").sum())
    assert panel.proxy.rowCount() == n and len(panel.plot._labels) == n
    assert panel.plot.visible_rows() == (0, min(n, INITIAL_ROWS) - 1)


def test_evidence_text_is_plain_in_legend_and_labels(qtbot):
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["arms"][0]["label"] = "<b>P</b>+ET"
    data["adverse_events"][0]["term"] = "<i>Rash</i> & itch"
    p = SafetyPanel(summarize(from_dict(data)))
    qtbot.addWidget(p)
    assert p.plot.legend.items[0][1].text == "&lt;b&gt;P&lt;/b&gt;+ET"
    assert "&lt;b&gt;" in p.plot.rd_plot.getAxis("bottom").labelText
    assert p.model.headerData(T_RATE, Qt.Orientation.Horizontal) == "<b>P</b>+ET %"
    assert cell(p, 0, TERM) == "<i>Rash</i> & itch"
    assert p.plot.term_axis.tickStrings([0.0], 1, 1) == ["<i>Rash</i> & itch (grade 3–4)"]


def test_missing_values_never_reach_the_plots(panel):
    for item in (panel.plot.treatment_dots, panel.plot.control_dots, panel.plot.rd_dots):
        x, y = item.getData()
        assert all(math.isfinite(v) for v in [*x, *y])


def test_evidence_without_adverse_events(qtbot, qtmodeltester):
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["adverse_events"] = []
    p = SafetyPanel(summarize(from_dict(data)))
    qtbot.addWidget(p)
    assert p.proxy.rowCount() == 0 and p.count_label.text() == "No adverse events in this evidence"
    assert p.grade_combo.count() == 1 and p.plot.row_count() == 0
    assert len(p.plot.treatment_dots.getData()[0]) == 0
    p.filter_edit.setText("x")
    qtmodeltester.check(p.proxy)


def test_empty_panel_then_summary(qtbot, palmira_summary):
    p = SafetyPanel()
    qtbot.addWidget(p)
    assert p.proxy.rowCount() == 0 and p.plot.row_count() == 0
    p.set_summary(palmira_summary)
    assert column_texts(p, T_COUNT) == ["61/135 ◇", "0/135 ◇"]
    assert p.plot.control_dots.getData()[0].tolist() == [8.3, 0.0]
