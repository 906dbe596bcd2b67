"""The Endpoints panel driven through pytest-qt: table, plots, forest, signals, sorting."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.analysis import summarize
from explorer.analysis.endpoints import model_survival_curves, rate_comparison
from explorer.evidence import load_bundled
from explorer.ui.models import RawRole
from explorer.ui.panels.base import Panel
from explorer.ui.panels.endpoints_panel import EndpointsPanel
from explorer.ui.plots.forest_plot import RatioAxis

# Table columns (PALMIRA: P+ET then ET).
STATUS, ENDPOINT, ROLE, POPULATION, TREAT, CONTROL, EFFECT, DIFF, P = range(9)


@pytest.fixture
def panel(qtbot, palmira_summary):
    p = EndpointsPanel(palmira_summary)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    return p


def _proxy_row(panel, endpoint_id):
    proxy = panel.proxy
    for r in range(proxy.rowCount()):
        source = proxy.mapToSource(proxy.index(r, 0)).row()
        if panel.model.row_value(source, "endpoint_id") == endpoint_id:
            return r
    raise AssertionError(endpoint_id)


def _selected_endpoint(panel):
    rows = panel.table.selectionModel().selectedRows()
    assert len(rows) == 1
    return panel.model.row_value(panel.proxy.mapToSource(rows[0]).row(), "endpoint_id")


def test_panel_identity_and_models(panel, qtmodeltester):
    assert isinstance(panel, Panel)
    assert (EndpointsPanel.name, EndpointsPanel.title) == ("endpoints", "Endpoints")
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.proxy)
    assert panel.table.model() is panel.proxy
    assert panel.proxy.sortRole() == RawRole


def test_table_shows_palmira_endpoints_with_marks_and_provenance(panel):
    m = panel.model
    assert m.rowCount() == 4
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in (TREAT, CONTROL, EFFECT, P)] == [
        "P+ET",
        "ET",
        "Effect (95% CI)",
        "p",
    ]
    assert [m.index(r, ENDPOINT).data() for r in range(4)] == [
        "Progression-free survival",
        "Overall response rate",
        "Clinical benefit rate",
        "Adverse events (grade 3-4)",
    ]
    assert [m.index(r, STATUS).data() for r in range(4)] == ["●", "◇", "◇", "◇"]
    assert m.index(0, TREAT).data() == "4.2 months (95% CI 3.5–5.8)"
    assert m.index(0, EFFECT).data() == "HR 0.8 (0.6–1.1)"
    assert m.index(0, P).data() == "0.206"
    assert m.index(0, DIFF).data() == "—"
    assert m.index(1, TREAT).data() == "6.4% (6/94 ◇)"
    assert m.index(1, P).data() == "0.430 ◇ Fisher exact"
    tip = m.index(0, TREAT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("● pfs.median.palbo_et (reported): 4.2 months (95% CI 3.5–5.8)")
    assert "◇ orr.fisher_p (reconstructed)" in m.index(1, P).data(Qt.ItemDataRole.ToolTipRole)
    assert m.index(1, EFFECT).data(RawRole) == pytest.approx(2.8085, abs=1e-4)


def test_primary_endpoint_selected_and_survival_plot_shows_model(panel, palmira_summary):
    assert _selected_endpoint(panel) == "pfs"
    assert panel.current_endpoint == "pfs"
    assert panel.plot_stack.currentWidget() is panel.survival_plot
    curves = model_survival_curves(palmira_summary, "pfs")
    plot = panel.survival_plot
    assert plot.getPlotItem().titleLabel.text == (
        "Model curves from reported medians and 6-month rates<br>(not Kaplan–Meier data)"
    )
    assert plot.getPlotItem().getAxis("bottom").labelText == "Months since randomisation"
    assert plot.getPlotItem().getAxis("left").labelText == "Progression-free (%)"
    for arm in curves.arms:
        items = plot.arm_items[arm.arm_id]
        x, y = items.curve.getData()
        t_in, s_in = arm.interpolated()
        np.testing.assert_array_equal(x, t_in)
        np.testing.assert_array_equal(y, s_in)
        x, y = items.tail.getData()
        np.testing.assert_array_equal(x, arm.extrapolated()[0])
        assert y[-1] < y[0]
    pe, et = plot.arm_items["palbo_et"], plot.arm_items["et"]
    assert (pe.median_point.data["x"].tolist(), pe.median_point.data["y"].tolist()) == (
        [4.2],
        [50.0],
    )
    assert (et.median_point.data["x"].tolist(), et.median_point.data["y"].tolist()) == (
        [3.6],
        [50.0],
    )
    for items, lo, hi in ((pe, 3.5, 5.8), (et, 2.7, 4.2)):
        bar = items.median_bar.opts
        assert bar["x"][0] - bar["left"][0] == pytest.approx(lo)
        assert bar["x"][0] + bar["right"][0] == pytest.approx(hi)
    # The bars are drawn just above / below 50% so overlapping intervals stay apart.
    assert pe.median_bar.opts["y"][0] > 50 > et.median_bar.opts["y"][0]
    assert pe.landmark_points.data["x"].tolist() == [6.0]
    assert pe.landmark_points.data["y"].tolist() == [40.9]
    assert et.landmark_points.data["y"].tolist() == [28.6]
    # Arm colours: treatment blue, control orange.
    assert pe.curve.opts["pen"].color().name() == "#0072b2"
    assert et.curve.opts["pen"].color().name() == "#e69f00"
    assert "not Kaplan–Meier data" in panel.method_label.text()


def test_selecting_orr_shows_rates_with_wilson_intervals(panel, qtbot, palmira_summary):
    with qtbot.waitSignal(panel.figure_selected, timeout=1000) as blocker:
        panel.table.selectRow(_proxy_row(panel, "orr"))
    assert blocker.args == ["orr.rr"]
    assert panel.plot_stack.currentWidget() is panel.rates_plot
    rates = rate_comparison(palmira_summary, "orr")
    items = panel.rates_plot.arm_items
    # Decision: the dot is the printed percentage (6.4%, 2.3%); the Wilson interval is on
    # the reconstructed counts 6/94 and 1/44, which round to it.
    assert items["palbo_et"].point.data["x"].tolist() == [6.4]
    assert items["et"].point.data["x"].tolist() == [2.3]
    for arm in rates.arms:
        w = items[arm.arm_id].whisker.opts
        assert w["x"][0] - w["left"][0] == pytest.approx(arm.lower)
        assert w["x"][0] + w["right"][0] == pytest.approx(arm.upper)
    w = items["palbo_et"].whisker.opts
    assert (w["x"][0] - w["left"][0], w["x"][0] + w["right"][0]) == pytest.approx(
        (2.957973, 13.232974), abs=1e-5
    )  # R: prop.test(6, 94, correct = FALSE)$conf.int
    assert items["palbo_et"].label.toPlainText() == "6.4%  (95% CI 3.0–13.2)  ·  6/94 ◇"
    axis = panel.rates_plot.getPlotItem().getAxis("bottom")
    assert axis.labelText == "% of patients"
    assert "reconstructed" in panel.method_label.text()
    assert panel.forest_plot.selection_band.isVisible()
    assert panel.forest_plot.selection_band.getRegion() == (0.5, 1.5)


def test_forest_plot_data_on_the_log_scale(panel):
    fp = panel.forest_plot
    opts = fp.errors.opts
    assert opts["x"][0] == pytest.approx(math.log(0.8))
    assert opts["left"][0] == pytest.approx(math.log(0.8) - math.log(0.6))
    assert opts["right"][0] == pytest.approx(math.log(1.1) - math.log(0.8))
    assert opts["y"].tolist() == [0.0, 1.0, 2.0, 3.0]
    x, y = fp.points.getData()
    assert y.tolist() == [0.0, 1.0, 2.0, 3.0]  # row 0 (PFS) at the top: the y axis is inverted
    assert fp.getPlotItem().getViewBox().yInverted()
    assert x.tolist() == pytest.approx([math.log(v) for v in (0.8, 2.8085, 1.1162, 5.4222)], 1e-4)
    # ORR (0.35–22.63) and AE (2.30–12.81) run beyond 10: clipped there with an arrow.
    assert opts["x"][1] + opts["right"][1] == pytest.approx(math.log(10))
    cx, cy = fp.clip_marks.getData()
    assert cx.tolist() == pytest.approx([math.log(10)] * 2)
    assert cy.tolist() == [1.0, 3.0]
    assert fp.null_line.value() == 0
    left = fp.getPlotItem().getAxis("left")
    assert [t[1] for t in left._tickLevels[0]] == [
        "PFS, HR",
        "ORR, RR",
        "CBR, RR",
        "Grade 3-4 AEs, RR",
    ]
    right = fp.getPlotItem().getAxis("right")
    assert right._tickLevels[0][0][1] == "0.8 (0.6–1.1)   <1 favours P+ET"
    assert right._tickLevels[0][1][1] == "2.81 (0.35–22.63) ◇   >1 favours P+ET"
    label = fp.getPlotItem().getAxis("bottom").labelText
    assert label.startswith("Ratio P+ET : ET (log scale)")


def test_ratio_axis_prints_ratios():
    axis = RatioAxis("bottom")
    assert axis.tickStrings([math.log(0.5), 0.0, math.log(2)], 1.0, 1.0) == ["0.5", "1", "2"]
    assert axis.tickStrings([math.log(0.25), math.log(4)], 1.0, 1.0) == ["0.25", "4"]
    ((_, values),) = axis.tickValues(math.log(0.3), math.log(5), 400)
    assert values == pytest.approx([math.log(v) for v in (0.5, 1, 2, 4)])


def test_sorting_keeps_the_selection_plot_link(panel):
    panel.table.selectRow(_proxy_row(panel, "cbr"))
    assert panel.current_endpoint == "cbr"
    panel.table.sortByColumn(EFFECT, Qt.SortOrder.AscendingOrder)
    order = [panel.proxy.index(r, ENDPOINT).data() for r in range(4)]
    assert order == [  # by the raw ratio 0.8 < 1.12 < 2.81 < 5.42, not by text
        "Progression-free survival",
        "Clinical benefit rate",
        "Overall response rate",
        "Adverse events (grade 3-4)",
    ]
    assert _selected_endpoint(panel) == "cbr"
    assert panel.current_endpoint == "cbr"
    # Row 0 of the sorted view is PFS (source row 0); row 3 is the AE row.
    panel.table.selectRow(3)
    assert panel.current_endpoint == "ae.ae_grade_3_4"
    assert panel.plot_stack.currentWidget() is panel.rates_plot
    assert panel.rates_plot.arm_items["palbo_et"].point.data["x"].tolist() == [45.2]
    panel.table.sortByColumn(P, Qt.SortOrder.DescendingOrder)  # 0.845, 0.430, 0.206, <0.001
    assert panel.proxy.index(0, ENDPOINT).data() == "Clinical benefit rate"
    panel.table.selectRow(2)
    assert panel.current_endpoint == "pfs"
    assert panel.plot_stack.currentWidget() is panel.survival_plot
    assert panel.forest_plot.selection_band.getRegion() == (-0.5, 0.5)


def test_clicking_a_number_selects_its_figure(panel, qtbot):
    row = _proxy_row(panel, "orr")
    index = panel.proxy.index(row, P)
    rect = panel.table.visualRect(index)
    seen = []
    panel.figure_selected.connect(seen.append)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seen == ["orr.rr", "orr.fisher_p"]  # the row's effect, then the number clicked
    assert panel.current_endpoint == "orr"


def test_select_endpoint_moves_the_table(panel):
    """Model → controls: selecting by id moves the table selection and the plots."""
    assert panel.select_endpoint("ae.ae_grade_3_4")
    assert _selected_endpoint(panel) == "ae.ae_grade_3_4"
    assert panel.rates_plot.arm_items["et"].point.data["x"].tolist() == [8.3]
    assert not panel.select_endpoint("os")
    assert panel.current_endpoint == "ae.ae_grade_3_4"


def test_clicking_a_forest_estimate_selects_its_row(panel):
    points = panel.forest_plot.points
    spots = points.points()
    points.sigClicked.emit(points, [spots[2]], None)
    assert _selected_endpoint(panel) == "cbr"
    assert panel.plot_stack.currentWidget() is panel.rates_plot


def test_highlight_figures_selects_quietly(panel):
    seen = []
    panel.figure_selected.connect(seen.append)
    panel.highlight_figures(("orr.fisher_p",))
    assert _selected_endpoint(panel) == "orr"
    assert seen == []
    panel.highlight_figures(("no.such.figure",))
    assert _selected_endpoint(panel) == "orr"


def test_new_summary_keeps_the_selected_endpoint(panel, palmira_summary, qtmodeltester):
    panel.select_endpoint("cbr")
    model = panel.model
    panel.set_summary(palmira_summary)
    assert panel.model is model  # same arms: a reset, not a new model
    assert _selected_endpoint(panel) == "cbr"
    assert panel.rates_plot.arm_items["palbo_et"].point.data["x"].tolist() == [33.0]
    qtmodeltester.check(panel.model)


def test_evidence_text_is_escaped_in_plot_labels(qtbot, qtmodeltester):
    ev = load_bundled()
    arms = tuple(
        dataclasses.replace(a, label="P<b>+</b>ET") if a.role == "treatment" else a for a in ev.arms
    )
    summary = summarize(dataclasses.replace(ev, arms=arms))
    panel = EndpointsPanel(summary)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    assert panel.model.headerData(TREAT, Qt.Orientation.Horizontal) == "P<b>+</b>ET"
    legend_texts = [label.text for _, label in panel.survival_plot.legend.items]
    assert "P&lt;b&gt;+&lt;/b&gt;ET (model)" in legend_texts
    label = panel.forest_plot.getPlotItem().getAxis("bottom").labelText
    assert "P&lt;b&gt;+&lt;/b&gt;ET" in label and "<b>" not in label


# -- a trial with a digitised Kaplan–Meier figure ----------------------------------------
SIMULATED = Path(__file__).resolve().parents[1] / "fixtures" / "digitised" / "simulated-trial.json"


@pytest.fixture
def reconstructed_panel(qtbot):
    from explorer.evidence import load

    summary = summarize(load(SIMULATED))
    p = EndpointsPanel(summary)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    return p


def test_palmira_without_a_figure_keeps_the_modelled_curves(panel):
    panel.select_endpoint("pfs")
    assert panel.plot_stack.currentWidget() is panel.survival_plot
    assert not panel.toggles.isVisibleTo(panel)
    assert not panel.side_tabs.isTabEnabled(1) and not panel.side_tabs.isTabEnabled(2)
    assert panel.analyses_model.rowCount() == 0


def test_digitised_figure_shows_reconstructed_curves_and_agreement(reconstructed_panel):
    panel = reconstructed_panel
    analysis = panel.summary.reconstructions["pfs"]
    assert panel.current_endpoint == "pfs"
    assert panel.plot_stack.currentWidget() is panel.km_page
    # The plot draws exactly the reconstruction's plot data (first arm: the treatment).
    data = analysis.plot_data()
    drawn = np.round(panel.km_plot.arm_items["drug"].curve.getData()[1], 9)
    estimate = np.round(100 * data.arms[0].survival, 9)
    assert data.arms[0].arm_id == "drug"
    # Each level of the estimate drawn as a horizontal run; the steps past the x axis's end
    # (the last risk-table time) are cut off.
    assert set(drawn) <= set(estimate)
    assert len(set(drawn)) >= 0.9 * len(set(estimate))
    # The reported HR and the reconstructed one, in words.
    statement = analysis.comparison().agreement.statement
    assert panel.agreement_label.text() == statement
    assert statement.startswith("Reconstructed HR 0.58 (95% CI 0.45–0.76) agrees")
    # Both tabs hold the reconstruction's own tables, row for row.
    assert panel.side_tabs.isTabEnabled(1) and panel.side_tabs.isTabEnabled(2)
    assert panel.analyses_model.rowCount() == len(analysis.analyses_frame())
    assert panel.diagnostics_model.rowCount() == len(analysis.diagnostics_frame())
    hr_row = list(panel.analyses_model.frame["figure"]).index("pfs.reconstructed.hr")
    shown = panel.analyses_model.index(hr_row, 3).data()
    assert shown == "0.58 (95% CI 0.45–0.76)"


def test_model_toggle_switches_back_to_the_modelled_curves(reconstructed_panel):
    panel = reconstructed_panel
    panel.model_check.setChecked(True)
    assert panel.plot_stack.currentWidget() is panel.survival_plot
    assert panel.toggles.isVisibleTo(panel)  # the way back stays on screen
    panel.model_check.setChecked(False)
    assert panel.plot_stack.currentWidget() is panel.km_page


def test_clicking_a_reconstructed_analysis_selects_its_figure(reconstructed_panel, qtbot):
    panel = reconstructed_panel
    frame = panel.analyses_model.frame
    row = list(frame["figure"]).index("pfs.reconstructed.hr")
    with qtbot.waitSignal(panel.figure_selected) as signal:
        panel._on_analysis_clicked(panel.analyses_model.index(row, 1))
    assert signal.args == ["pfs.reconstructed.hr"]
    assert panel.summary.figure("pfs.reconstructed.hr").status == "reconstructed"


def test_the_risk_table_is_never_squeezed_out_of_view(reconstructed_panel):
    panel = reconstructed_panel
    needed = panel.km_plot.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
    assert panel.km_plot.minimumHeight() >= needed
