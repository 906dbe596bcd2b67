"""The Design panel driven through pytest-qt: controls → results and model → controls.

PALMIRA's reported design (2:1, two-sided α 0.05, 80% power for HR 0.59, 155 events):
126.9 events (Schoenfeld; rpact 126.87), 110.9 (Freedman), power 87.2% at 155 events,
25.8% for the observed HR 0.8, detectable HR 0.620. The plot is checked through its
data, never its pixels.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.analysis.design import evaluate, power_curve
from explorer.ui.panels.design_panel import DesignPanel


@pytest.fixture
def panel(qtbot, palmira_summary):
    p = DesignPanel()
    qtbot.addWidget(p)
    p.set_summary(palmira_summary)
    return p


def row_text(panel, key):
    return panel.result_rows[key].value.text()


def test_panel_identity():
    assert (DesignPanel.name, DesignPanel.title) == ("design", "Design")


def test_controls_are_seeded_with_the_reported_design(panel):
    assert panel.hr_spin.value() == pytest.approx(0.59)
    assert panel.alpha_spin.value() == pytest.approx(0.05)
    assert panel.sides_combo.currentData() == 2
    assert panel.power_spin.value() == pytest.approx(80)
    assert panel.ratio_spin.value() == pytest.approx(2.0)
    assert panel.method_combo.currentData() == "schoenfeld"
    assert panel.control_median_spin.value() == pytest.approx(3.6)
    assert panel.accrual_spin.value() == pytest.approx(42)
    assert panel.follow_up_spin.value() == pytest.approx(6)
    assert panel.dropout_spin.value() == 0
    assert panel.inputs == panel.reported_inputs
    assert not panel.reset_button.isEnabled()


def test_reported_results_are_shown_with_status_and_formula(panel):
    assert row_text(panel, "events_required") == "126.9 events"
    assert row_text(panel, "power_at_observed") == "87.2%"
    assert row_text(panel, "detectable_hr") == "0.620"
    assert row_text(panel, "power_for_observed_hr") == "25.8%"
    assert row_text(panel, "events_for_observed_hr") == "709 events"
    assert panel.result.events_required == pytest.approx(126.869349449831, rel=1e-9)
    row = panel.result_rows["events_required"]
    assert row.mark.text() == "◆"
    assert row.name.text() == "Events required (Schoenfeld)"
    tip = row.value.toolTip()
    assert tip.startswith("◆ derived\nSchoenfeld: D = (z_α + z_power)²")
    assert "What-if" not in tip
    assert "Hypothesised hazard ratio = 0.59 [reported]" in " ".join(tip.split())
    assert row.value.textFormat() == Qt.TextFormat.PlainText


def test_sample_size_total_and_per_arm(panel):
    assert panel.result.n_total == pytest.approx(138.361177073984, rel=1e-9)  # rpact nFixed
    assert row_text(panel, "n_total") == "140 patients"
    assert row_text(panel, "n_treatment") == "93 patients"
    assert row_text(panel, "n_control") == "47 patients"
    assert panel.result_rows["n_treatment"].name.text().strip() == "P+ET"
    assert "#0072B2" in panel.result_rows["n_treatment"].name.styleSheet()  # treatment blue
    assert "#E69F00" in panel.result_rows["n_control"].name.styleSheet()  # control orange


def test_hr_spin_drives_the_results(panel, qtbot):
    reported = panel.inputs
    with qtbot.waitSignal(panel.inputs_changed, timeout=1000) as blocker:
        panel.hr_spin.setValue(0.7)
    assert blocker.args[0].hr == pytest.approx(0.7)
    assert panel.inputs == replace(reported, hr=0.7)
    expected = evaluate(replace(reported, hr=0.7))
    assert panel.result.events_required == expected.events_required
    assert row_text(panel, "events_required") == f"{expected.events_required:.1f} events"
    assert row_text(panel, "power_at_observed") == f"{100 * expected.power_at_observed:.1f}%"
    assert panel.result_rows["power_at_observed"].name.text() == "Power at 155 events for HR 0.7"
    assert row_text(panel, "detectable_hr") == "0.620"  # does not depend on the design HR
    tip = " ".join(panel.result_rows["events_required"].value.toolTip().split())
    assert "What-if, not the reported design" in tip
    assert "Hypothesised hazard ratio = 0.7 [what-if; reported 0.59]" in tip
    # The edited input is marked, the others are not.
    assert panel.input_labels["hr"].font().bold()
    assert not panel.input_labels["alpha"].font().bold()
    assert panel.origin_labels["hr"].text() == "edited · reported 0.59"
    assert panel.origin_labels["alpha"].text() == "reported"
    assert panel.reset_button.isEnabled()
    assert panel.edited_label.text().startswith("1 input differs")


def test_method_combo_switches_to_freedman(panel):
    panel.method_combo.setCurrentIndex(panel.method_combo.findData("freedman"))
    assert panel.inputs.method == "freedman"
    assert row_text(panel, "events_required") == "110.9 events"
    assert panel.result_rows["events_required"].name.text() == "Events required (Freedman)"
    assert panel.result_rows["events_required"].value.toolTip().count("Freedman") >= 1


def test_other_controls_reach_the_inputs(panel):
    panel.power_spin.setValue(90)
    panel.sides_combo.setCurrentIndex(panel.sides_combo.findData(1))
    panel.alpha_spin.setValue(0.025)
    panel.ratio_spin.setValue(1.0)
    panel.control_median_spin.setValue(4.5)
    panel.accrual_spin.setValue(24)
    panel.follow_up_spin.setValue(12)
    panel.dropout_spin.setValue(10)
    inputs = panel.inputs
    assert (inputs.power, inputs.sides, inputs.alpha, inputs.ratio) == pytest.approx(
        (0.9, 1, 0.025, 1.0)
    )
    assert (inputs.control_median, inputs.accrual_time, inputs.follow_up) == pytest.approx(
        (4.5, 24, 12)
    )
    assert inputs.dropout_rate == pytest.approx(0.1)
    assert panel.result == evaluate(inputs)
    assert row_text(panel, "n_total") == (
        f"{math.ceil(panel.result.n_treatment) + math.ceil(panel.result.n_control)} patients"
    )


def test_set_inputs_updates_controls_without_feedback(panel):
    seen = []
    panel.inputs_changed.connect(seen.append)
    new = replace(
        panel.inputs,
        hr=0.65,
        power=0.9,
        sides=1,
        alpha=0.025,
        ratio=1.0,
        method="freedman",
        follow_up=12.0,
        dropout_rate=0.1,
    )
    panel.set_inputs(new)
    assert panel.hr_spin.value() == pytest.approx(0.65)
    assert panel.power_spin.value() == pytest.approx(90)
    assert panel.sides_combo.currentData() == 1
    assert panel.alpha_spin.value() == pytest.approx(0.025)
    assert panel.ratio_spin.value() == pytest.approx(1.0)
    assert panel.method_combo.currentText() == "Freedman"
    assert panel.follow_up_spin.value() == pytest.approx(12)
    assert panel.dropout_spin.value() == pytest.approx(10)
    assert panel.inputs is new  # the controls did not write back (no feedback loop)
    assert seen == [new]
    assert panel.result == evaluate(new)


def test_set_inputs_shows_unrounded_reported_values(panel):
    panel.set_inputs(replace(panel.inputs, hr=0.667))
    assert panel.hr_spin.value() == pytest.approx(0.667)
    assert panel.hr_spin.decimals() == 3


def test_reset_restores_the_reported_design(panel, qtbot):
    reported = panel.reported_inputs
    panel.hr_spin.setValue(0.7)
    panel.method_combo.setCurrentIndex(1)
    panel.follow_up_spin.setValue(12)
    assert panel.inputs != reported
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.inputs == reported
    assert panel.hr_spin.value() == pytest.approx(0.59)
    assert panel.method_combo.currentData() == "schoenfeld"
    assert panel.follow_up_spin.value() == pytest.approx(6)
    assert row_text(panel, "events_required") == "126.9 events"
    assert not any(label.font().bold() for label in panel.input_labels.values())
    assert "What-if" not in panel.result_rows["power_at_observed"].value.toolTip()
    assert not panel.reset_button.isEnabled()


def test_input_tooltips_say_where_values_come_from(panel):
    median = " ".join(panel.control_median_spin.toolTip().split())
    assert "observed median" in median and "not reported" in median
    assert "assumption" in panel.follow_up_spin.toolTip()
    assert "“hazard ratio ≤0.59”" in " ".join(panel.hr_spin.toolTip().split())
    assert panel.origin_labels["control_median"].text() == "observed, not the design's"
    assert panel.origin_labels["follow_up"].text() == "assumption"


def test_curve_data_is_the_power_curve(panel):
    x, y = panel.plot.curve.getData()
    hrs = np.exp(x)
    assert hrs[0] == pytest.approx(0.4) and hrs[-1] == pytest.approx(1.25)
    _, power = power_curve(panel.inputs, hrs)
    np.testing.assert_allclose(y, 100 * power, rtol=1e-12)
    # It crosses the target power (80%) at the HR that 155 events detect (0.620).
    detectable = panel.result.detectable_hr
    assert np.interp(math.log(detectable), x, y) == pytest.approx(80, abs=0.05)
    tx, ty = panel.plot.target_line.getData()
    np.testing.assert_allclose(ty, [80, 80])
    assert (tx[0], tx[-1]) == (x[0], x[-1])


def test_markers_at_design_and_observed_hr_with_ci(panel):
    dx, dy = panel.plot.design_marker.getData()
    assert np.exp(dx) == pytest.approx([0.59])
    assert dy == pytest.approx([87.2164248952884], rel=1e-9)
    ox, oy = panel.plot.observed_marker.getData()
    assert np.exp(ox) == pytest.approx([0.8])
    assert oy == pytest.approx([25.8272232217352], rel=1e-9)
    opts = panel.plot.observed_error.opts
    assert np.exp(opts["x"] - opts["left"]) == pytest.approx([0.6])
    assert np.exp(opts["x"] + opts["right"]) == pytest.approx([1.1])
    assert opts["y"] == pytest.approx(oy)
    assert panel.plot.observed_error.isVisible()


def test_legend_and_axes_are_labelled(panel):
    labels = [label.text for _, label in panel.plot.legend.items]
    assert labels == [
        "Power at 155 events (Schoenfeld)",
        "Target power 80%",
        "Design HR 0.59: 87.2%",
        "Observed HR 0.8 (95% CI 0.6–1.1): 25.8%",
    ]
    item = panel.plot.getPlotItem()
    assert "log scale" in item.getAxis("bottom").labelText
    assert item.getAxis("left").labelText == "Power to reject HR = 1 (%)"
    ticks = item.getAxis("bottom").tickStrings([math.log(0.5), 0.0, math.log(1.25)], 1, 1)
    assert ticks == ["0.5", "1", "1.25"]


def test_a_change_updates_items_in_place(panel):
    plot_item = panel.plot.getPlotItem()
    before = list(plot_item.items)
    curve = panel.plot.curve
    x0, y0 = (a.copy() for a in curve.getData())
    panel.hr_spin.setValue(0.7)
    assert list(plot_item.items) == before and panel.plot.curve is curve
    x1, y1 = curve.getData()
    np.testing.assert_array_equal(x1, x0)  # the curve at 155 events does not depend on HR
    np.testing.assert_array_equal(y1, y0)
    dx, dy = panel.plot.design_marker.getData()
    assert np.exp(dx) == pytest.approx([0.7])
    assert dy == pytest.approx([100 * panel.result.power_at_observed])
    assert panel.plot.legend.items[2][1].text == "Design HR 0.7: 55.3%"
    panel.method_combo.setCurrentIndex(1)  # Freedman changes the curve itself
    _, y2 = curve.getData()
    _, expected = power_curve(panel.inputs, np.exp(x1))
    np.testing.assert_allclose(y2, 100 * expected, rtol=1e-12)
    assert not np.allclose(y2, y0)


def test_clicking_a_reported_design_result_selects_its_figure(panel, qtbot):
    with qtbot.waitSignal(panel.figure_selected, timeout=1000) as blocker:
        qtbot.mouseClick(panel.result_rows["events_required"].name, Qt.MouseButton.LeftButton)
    assert blocker.args == ["design.events_required_schoenfeld"]
    with qtbot.waitSignal(panel.figure_selected, timeout=1000) as blocker:
        qtbot.mouseClick(panel.reported_rows["hr"].value, Qt.MouseButton.LeftButton)
    assert blocker.args == ["pfs.hr"]
    # A what-if is not the summary's figure: nothing to show in the details pane.
    panel.hr_spin.setValue(0.7)
    with qtbot.assertNotEmitted(panel.figure_selected):
        qtbot.mouseClick(panel.result_rows["events_required"].name, Qt.MouseButton.LeftButton)


def test_reported_context_rows(panel):
    assert panel.reported_rows["randomised"].value.text() == "198 patients"
    assert panel.reported_rows["events"].value.text() == "155 events"
    assert panel.reported_rows["hr"].value.text() == "0.8 (95% CI 0.6–1.1)"
    assert panel.reported_rows["hr"].mark.text() == "●"
    tip = " ".join(panel.reported_rows["events"].value.toolTip().split())
    assert "Results: “155 PFS events”" in tip


def test_highlight_figures_tints_matching_results(panel):
    panel.highlight_figures(("design.detectable_hr",))
    assert "background" in panel.result_rows["detectable_hr"].value.styleSheet()
    assert "background" not in panel.result_rows["events_required"].value.styleSheet()
    panel.highlight_figures(())
    assert "background" not in panel.result_rows["detectable_hr"].value.styleSheet()


def test_summary_without_design_disables_the_controls(qtbot, palmira_summary):
    p = DesignPanel()
    qtbot.addWidget(p)
    p.set_summary(replace(palmira_summary, design=None))
    assert p.inputs is None and p.result is None
    assert not p.hr_spin.isEnabled() and not p.reset_button.isEnabled()
    assert "cannot be re-examined" in p.intro_label.text()
