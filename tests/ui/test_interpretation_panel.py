"""The Interpretation panel driven through pytest-qt, on PALMIRA.

What is shown is checked against independent references, never against pixels:

* absolute effects, NNT/NNH and the posteriors against the base-R arithmetic stored in
  ``tests/reference/interpretation.json`` (written by ``tests/reference/interpretation.R``:
  GRADE risk_t = 1 − (1 − risk_c)^HR with risk_c = 1 − 0.286 and HR 0.8 (0.6–1.1);
  normal–normal conjugate posteriors); the table shows them at the analysis module's
  precision (1 decimal per 100, 0 per 1000), so the tolerance is half a unit of that
  last decimal;
* the 6-month landmark difference and the icon-array counts against the abstract's
  printed percentages (40.9% vs 28.6%; 45.2% vs 8.3%), rounded half up to whole people
  as :func:`explorer.analysis.interpretation.icon_arrays` documents (41/29, 45/8);
* the flat-prior P(HR < 1) against 1 − the one-sided Wald p of HR 0.8 (0.6–1.1),
  computed here with ``math.erf`` (tolerance 1e-12);
* the plots through ``getData()``, equal to the analysis arrays (exact);
* the ESMO-MCBS verdict (not eligible: PFS p = 0.206) and the fragility indices (7, 6,
  13, as ``tests/reference/fragility.R`` found with ``fisher.test``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QImage

from explorer.analysis import summarize
from explorer.analysis.esmo_mcbs import evaluate_evidence
from explorer.analysis.interpretation import Prior, bayesian, default_priors
from explorer.ui.models import RawRole
from explorer.ui.panels.interpretation_panel import PAGES, InterpretationPanel
from explorer.ui.plots.benefit_harm_plot import NumberNeededAxis
from explorer.ui.plots.icon_array import EXPORT_SIZE, IconArrayWidget, without_label

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "reference" / "interpretation.json").read_text("utf-8")
)
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def panel(qtbot, palmira_summary):
    p = InterpretationPanel()
    qtbot.addWidget(p)
    p.set_summary(palmira_summary)
    p.resize(1200, 600)
    return p


def _r_bayes(prior: str, threshold: float) -> dict:
    return next(
        b
        for b in REFERENCE["bayes"]
        if b["prior"] == prior and math.isclose(b["threshold"], threshold)
    )


def _page(panel, key: str) -> None:
    panel.tabs.setCurrentIndex([k for k, _ in PAGES].index(key))


def _column(model, key: str) -> int:
    return next(i for i, c in enumerate(model._columns) if c.key == key)


def _row(model, method: str) -> int:
    return next(r for r in range(model.rowCount()) if model.row_value(r, "method") == method)


def test_panel_identity(panel):
    assert (InterpretationPanel.name, InterpretationPanel.title) == (
        "interpretation",
        "Interpretation",
    )
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == [t for _, t in PAGES]


def test_every_model_passes_the_qt_model_tester(panel, qtmodeltester):
    for model in (
        panel.absolute_model,
        panel.absolute_proxy,
        panel.trace_model,
        panel.fragility_model,
    ):
        qtmodeltester.check(model)


def test_models_pass_the_tester_after_a_second_summary(panel, palmira_summary, qtmodeltester):
    panel.set_summary(palmira_summary)
    qtmodeltester.check(panel.absolute_proxy)
    qtmodeltester.check(panel.trace_model)
    qtmodeltester.check(panel.fragility_model)


# -- absolute effects -----------------------------------------------------------------------


def test_absolute_effect_from_the_landmark_rates(panel):
    model = panel.absolute_model
    row = _row(model, "landmark")
    per_100 = model.index(row, _column(model, "per_100_text"))
    # 40.9% − 28.6% (abstract) = 12.3 per 100; R: difference 0.123.
    assert model.data(per_100, RawRole) == pytest.approx(
        100 * REFERENCE["landmark_6"]["difference"], abs=1e-9
    )
    assert model.data(per_100, DISPLAY) == "12.3"
    assert model.data(model.index(row, _column(model, "per_1000_text")), DISPLAY) == "123"
    assert model.data(model.index(row, _column(model, "risks_text")), DISPLAY) == "71.4% → 59.1%"
    assert model.data(model.index(row, 0), DISPLAY) == "◆"
    assert "40.9%" in model.data(per_100, TOOLTIP)


def test_absolute_effect_from_the_hazard_ratio_with_its_interval(panel):
    model = panel.absolute_model
    row = _row(model, "hr")
    ref = REFERENCE["hr_6"]
    per_100 = model.index(row, _column(model, "per_100_text"))
    # R: 100 × (0.714 − (1 − 0.286^0.8)) = 8.136; bounds from HR 1.1 and 0.6.
    assert model.data(per_100, RawRole) == pytest.approx(100 * ref["difference"], rel=1e-9)
    assert model.data(per_100, DISPLAY) == "8.1 (95% CI −3.4 to 18.6)"
    assert model.data(model.index(row, _column(model, "per_1000_text")), DISPLAY) == (
        "81 (95% CI −34 to 186)"
    )
    assert model.data(model.index(row, _column(model, "risks_text")), DISPLAY) == (
        "71.4% → 63.3% (52.8%–74.8%)"
    )
    assert model.data(model.index(row, _column(model, "method_label")), DISPLAY).startswith(
        "HR applied to the control risk"
    )
    tip = model.data(per_100, TOOLTIP)
    assert "GRADE" in tip and "0.8 (95% CI 0.6–1.1)" in tip.replace("\n", " ")
    assert model.row_value(row, "per_100_figure") == "interp.pfs.abs_6.hr.per_100"


def test_twelve_months_is_left_out_and_says_why(panel):
    assert panel.absolute_model.rowCount() == 2
    assert "12 months" in panel.skipped_label.text()
    assert "GRADE" in panel.method_label.text()


def test_median_gain_and_restricted_mean(panel):
    # Reported medians 4.2 − 3.6 = 0.6 months; RMST to 6 months, R: 0.3288 months.
    assert "0.6 months" in panel.median_gain_line.plain_text
    assert panel.median_gain_line.figure_id == "interp.pfs.median_gain"
    assert panel.median_gain_line.status == "derived"
    assert f"{REFERENCE['rmst'][0]['difference']:.2f}" in panel.rmst_line.plain_text
    assert panel.rmst_line.figure_id == "interp.pfs.rmst_difference"
    assert "model" in panel.rmst_line.toolTip()


def test_selecting_and_clicking_numbers_emits_their_figures(panel, qtbot):
    panel.show()
    model, proxy, table = panel.absolute_model, panel.absolute_proxy, panel.absolute_table
    row = proxy.mapFromSource(model.index(_row(model, "hr"), 0)).row()
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        table.selectRow(row)
    assert blocker.args == ["interp.pfs.abs_6.hr.per_100"]
    cell = proxy.index(row, _column(model, "per_1000_text"))
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        qtbot.mouseClick(
            table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(cell).center()
        )
    assert blocker.args == ["interp.pfs.abs_6.hr.per_1000"]
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        qtbot.mouseClick(panel.median_gain_line, Qt.MouseButton.LeftButton)
    assert blocker.args == ["interp.pfs.median_gain"]


# -- benefit–harm ---------------------------------------------------------------------------


def test_benefit_beside_harm(panel):
    plot = panel.benefit_harm_plot
    bx, by = plot.points["benefit"].getData()
    hx, hy = plot.points["harm"].getData()
    # Benefit: the HR-method difference per 100 (R 8.136); harm: grade 3–4 AE risk
    # difference 61/135 − 5/60 = 36.85 points (R rd 0.3685).
    assert bx[0] == pytest.approx(100 * REFERENCE["hr_6"]["difference"], rel=1e-9)
    assert hx[0] == pytest.approx(100 * REFERENCE["nnh"]["rd"], rel=1e-9)
    assert (by[0], hy[0]) == (0.0, 1.0)
    right = [t for t in plot.getPlotItem().getAxis("right")._tickLevels[0]]
    assert right[0][1].startswith("NNT 12.3 (95% CI NNT 5.4 to ∞ to NNH 29.7)")
    assert right[1][1].startswith("NNH 2.7 (95% CI 2.2 to 4.1)")
    # The benefit's interval crosses zero: Altman's reading is stated.
    assert "Altman" in panel.convention_label.text()
    assert "∞" in panel.convention_label.text()
    assert panel.benefit_line.figure_id == "interp.nnt_benefit"
    assert panel.harm_line.status == "reconstructed"
    assert panel.bottom_line_label.text().startswith("For every 13 patients treated")


def test_number_needed_axis_reads_one_in_n():
    axis = NumberNeededAxis("top")
    assert axis.tickStrings([0.0, 10.0, -5.0, 50.0], 1, 1) == ["∞", "10", "20", "2"]
    values = axis.tickValues(-10.0, 50.0, 600.0)[0][1]
    assert 0.0 in values and 50.0 in values
    assert min(np.diff(values)) * 600.0 / 60.0 >= axis.min_spacing


def test_clicking_a_benefit_harm_dot_emits_its_figure(panel, qtbot):
    points = panel.benefit_harm_plot.points["harm"].points()
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        panel.benefit_harm_plot._on_point_clicked(None, points)
    assert blocker.args == ["interp.nnh_harm"]


# -- pictographs ------------------------------------------------------------------------------


def test_icon_arrays_show_palmira_counts(panel):
    assert set(panel.icon_pages) == {"pfs_6", "ae_ae_grade_3_4"}
    pfs = panel.icon_pages["pfs_6"].widget
    ae = panel.icon_pages["ae_ae_grade_3_4"].widget
    # 40.9% → 41, 28.6% → 29; 45.2% → 45, 8.3% → 8 (rounded half up to whole people).
    assert pfs.filled_counts() == {"palbo_et": 41, "et": 29}
    assert ae.filled_counts() == {"palbo_et": 45, "et": 8}
    assert pfs.array.caption.startswith("Out of 100 people like those in the trial, about 41")
    assert pfs.colours == {"palbo_et": "#0072B2", "et": "#E69F00"}
    assert "40.9%" in pfs.tooltip_for(0)


def test_icon_array_exports_png_and_svg(panel, tmp_path):
    widget = panel.icon_pages["pfs_6"].widget
    png, svg = tmp_path / "pfs.png", tmp_path / "pfs.svg"
    widget.export_png(png)
    widget.export_svg(svg)
    image = QImage(str(png))
    assert image.size() == EXPORT_SIZE == QSize(1200, 800)
    # Not blank: the treatment colour appears in the picture.
    colours = {image.pixelColor(x, y).name() for x in range(0, 1200, 4) for y in range(0, 800, 4)}
    assert "#0072b2" in colours
    text = svg.read_text("utf-8")
    assert "<svg" in text and "Progression-free at 6 months" in text
    out = panel.export_icon_array("ae_ae_grade_3_4", tmp_path / "ae.svg")
    assert out.read_text("utf-8").count("<svg") == 1


def test_export_to_an_unwritable_place_raises(tmp_path):
    widget = IconArrayWidget()
    with pytest.raises(OSError):
        widget.export_png(tmp_path / "missing" / "x.png")


def test_clicking_an_arm_emits_its_figure(panel, qtbot):
    _page(panel, "pictographs")
    panel.show()
    widget = panel.icon_pages["pfs_6"].widget
    layout = widget._layout(widget.rect().toRectF())
    centre = layout.arms[1].grid.center()
    assert widget.arm_at(centre) == 1
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    assert blocker.args == ["pfs.landmark_6.et"]
    assert widget.arm_at(QPointF(1, 1)) is None


def test_without_label_words():
    assert without_label("with a grade 3–4 adverse event") == "without a grade 3–4 adverse event"
    assert without_label("progression-free") == "not progression-free"


# -- Bayesian ---------------------------------------------------------------------------------


def _one_sided_wald(hr=0.8, lower=0.6, upper=1.1) -> float:
    """1 − one-sided Wald p: Φ(−ln HR / se), se from the 95% CI (z = 1.959964)."""
    se = (math.log(upper) - math.log(lower)) / (2 * 1.959963984540054)
    z = -math.log(hr) / se
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def test_flat_prior_by_default(panel):
    result = panel.bayes_result
    assert panel.prior_combo.currentData() == "flat"
    assert panel.prior_sd_spin.text() == "flat"
    # Default threshold: the design's hypothesised HR 0.59 (the summary's figures use it).
    assert panel.threshold_spin.value() == pytest.approx(0.59)
    assert result.probability_below_1 == pytest.approx(_one_sided_wald(), abs=1e-12)
    ref = _r_bayes("flat", 0.59)
    assert result.probability_below_1 == pytest.approx(ref["probability_below_1"], abs=1e-9)
    assert result.probability_below_threshold == pytest.approx(
        ref["probability_below_threshold"], abs=1e-9
    )
    assert "P(HR < 1) = 92.6%" in panel.p_below_1_line.plain_text
    assert panel.p_below_1_line.figure_id == "interp.bayes.flat.p_below_1"
    assert "P(HR < 0.59) = 2.4%" in panel.p_below_threshold_line.plain_text
    assert panel.p_below_threshold_line.figure_id == "interp.bayes.flat.p_below_threshold"
    assert "0.80 (95% credible interval 0.59–1.08)" in panel.posterior_line.plain_text


def test_choosing_sceptical_updates_controls_results_and_plot(panel, palmira_summary):
    panel.prior_combo.setCurrentIndex(panel.prior_combo.findData("sceptical"))
    result = panel.bayes_result
    ref = _r_bayes("sceptical", 0.59)
    # Controls follow the named prior: centred on 1, SD 0.3208 (R sceptical_sd).
    assert panel.prior_mean_spin.value() == pytest.approx(1.0)
    assert panel.prior_sd_spin.value() == pytest.approx(REFERENCE["sceptical_sd"], abs=5e-4)
    assert result.prior.sd_log == pytest.approx(REFERENCE["sceptical_sd"], rel=1e-9)
    assert result.probability_below_1 == pytest.approx(ref["probability_below_1"], abs=1e-9)
    assert result.probability_below_1 == pytest.approx(0.903, abs=5e-4)
    assert "P(HR < 1) = 90.3%" in panel.p_below_1_line.plain_text
    assert panel.p_below_1_line.figure_id == "interp.bayes.sceptical.p_below_1"
    # The plot draws exactly the analysis arrays.
    plot = panel.posterior_plot
    expected = bayesian(
        palmira_summary.evidence,
        palmira_summary,
        prior=default_priors(palmira_summary.evidence, palmira_summary)[1],
        threshold=0.59,
    )
    for item, arr in (
        (plot.posterior_curve, expected.posterior_density),
        (plot.likelihood_curve, expected.likelihood_density),
        (plot.prior_curve, expected.prior_density),
    ):
        x, y = item.getData()
        np.testing.assert_array_equal(x, expected.log_hr)
        np.testing.assert_array_equal(y, arr)


def test_flat_prior_draws_no_prior_curve(panel):
    x, _ = panel.posterior_plot.prior_curve.getData()
    assert x is None or len(x) == 0
    _, py = panel.posterior_plot.posterior_curve.getData()
    np.testing.assert_array_equal(py, panel.bayes_result.posterior_density)


def test_threshold_moves_the_shaded_area_and_the_probability(panel):
    panel.threshold_spin.setValue(0.8)
    result = panel.bayes_result
    # Flat prior centred on ln 0.8: half the posterior lies below HR 0.8.
    assert result.probability_below_threshold == pytest.approx(0.5, abs=1e-12)
    x, y = panel.posterior_plot.shade_top.getData()
    assert x[-1] == pytest.approx(math.log(0.8), abs=1e-12)
    assert np.all(x <= math.log(0.8) + 1e-12)
    below = result.log_hr < math.log(0.8)
    np.testing.assert_array_equal(y[:-1], result.posterior_density[below])
    assert panel.posterior_plot.threshold_line.value() == pytest.approx(math.log(0.8))
    # Not the summary's threshold: a what-if, marked derived, no figure to select.
    assert panel.p_below_threshold_line.figure_id is None
    assert panel.p_below_threshold_line.status == "derived"
    assert "What-if" in panel.p_below_threshold_line.toolTip()
    assert panel.p_below_1_line.figure_id == "interp.bayes.flat.p_below_1"


def test_editing_a_prior_spin_makes_the_prior_custom(panel):
    panel.prior_combo.setCurrentIndex(panel.prior_combo.findData("enthusiastic"))
    assert panel.prior_mean_spin.value() == pytest.approx(0.59)
    panel.prior_sd_spin.setValue(0.2)
    assert panel.prior_combo.currentData() == "custom"
    result = panel.bayes_result
    assert result.prior.name == "custom"
    assert (result.prior.mean_hr, result.prior.sd_log) == (pytest.approx(0.59), 0.2)
    # Conjugate arithmetic, written here: precision-weighted mean of ln 0.59 and ln 0.8.
    se = REFERENCE["se_log"]
    w0, w1 = 1 / 0.2**2, 1 / se**2
    mean = (w0 * math.log(0.59) + w1 * math.log(0.8)) / (w0 + w1)
    sd = (w0 + w1) ** -0.5
    assert result.posterior_median == pytest.approx(math.exp(mean), rel=1e-9)
    assert result.probability_below_1 == pytest.approx(
        0.5 * (1 + math.erf(-mean / sd / math.sqrt(2))), abs=1e-12
    )
    assert panel.p_below_1_line.figure_id is None
    assert panel.prior_note.text().startswith("Custom")


def test_set_bayes_moves_the_controls(panel):
    prior = Prior("custom", 0.9, 0.5, "Custom: a mild prior")
    panel.set_bayes(prior, 0.7)
    assert panel.prior_combo.currentData() == "custom"
    assert panel.prior_mean_spin.value() == pytest.approx(0.9)
    assert panel.prior_sd_spin.value() == pytest.approx(0.5)
    assert panel.threshold_spin.value() == pytest.approx(0.7)
    assert panel.bayes_result.threshold == pytest.approx(0.7)
    assert panel.bayes_result.prior == prior
    panel.set_bayes(panel.priors["sceptical"])
    assert panel.prior_combo.currentData() == "sceptical"
    assert panel.threshold_spin.value() == pytest.approx(0.7)


def test_reset_restores_flat_prior_and_default_threshold(panel):
    panel.prior_combo.setCurrentIndex(panel.prior_combo.findData("sceptical"))
    panel.threshold_spin.setValue(0.9)
    panel.reset_bayes_button.click()
    assert panel.prior_combo.currentData() == "flat"
    assert panel.threshold_spin.value() == pytest.approx(0.59)
    assert panel.p_below_threshold_line.figure_id == "interp.bayes.flat.p_below_threshold"


def test_posterior_axis_reads_hazard_ratios(panel):
    axis = panel.posterior_plot.ratio_axis
    assert axis.tickStrings([math.log(0.5), 0.0, math.log(2)], 1, 1) == ["0.5", "1", "2"]
    assert panel.posterior_plot.null_line.value() == 0.0


# -- ESMO-MCBS and fragility ------------------------------------------------------------------


def test_esmo_mcbs_not_eligible_with_its_trace(panel, palmira_summary):
    result = evaluate_evidence(palmira_summary.evidence, palmira_summary)
    statement = panel.mcbs_statement_label.text()
    assert statement.startswith("Not eligible for grading")
    assert "0.206" in statement
    assert panel.mcbs_grade_line.figure_id == "interp.esmo_mcbs.grade"
    model = panel.trace_model
    assert model.rowCount() == len(result.trace)
    outcome = _column(model, "outcome")
    outcomes = [model.data(model.index(r, outcome), DISPLAY) for r in range(model.rowCount())]
    assert "not met" in outcomes
    eligibility = outcomes.index("not met")
    assert "significant" in model.data(model.index(eligibility, 1), DISPLAY)
    colour = model.data(model.index(eligibility, outcome), Qt.ItemDataRole.ForegroundRole)
    assert colour.name() == "#b2182b"
    assert "Cherny" in model.data(model.index(0, _column(model, "citation")), DISPLAY)


def test_fragility_per_binary_endpoint(panel):
    model = panel.fragility_model
    rows = {
        model.row_value(r, "endpoint"): (model.row_value(r, "kind"), model.row_value(r, "index"))
        for r in range(model.rowCount())
    }
    # tests/reference/fragility.R (fisher.test loops): ORR 6/94 vs 1/44 reverse 7,
    # CBR 31/94 vs 13/44 reverse 6, grade 3–4 AEs 61/135 vs 5/60 fragility 13.
    assert rows == {
        "orr": ("reverse", 7),
        "cbr": ("reverse", 6),
        "ae.ae_grade_3_4": ("fragility", 13),
    }
    index = model.index(0, 0)
    assert model.data(index, DISPLAY) == "◇"
    assert "Fisher" in model.data(index, TOOLTIP)


def test_select_figure_brings_its_page_forward(panel, qtbot):
    assert panel.select_figure("interp.fragility.cbr")
    assert panel.tabs.currentIndex() == [k for k, _ in PAGES].index("fragility")
    assert panel.select_figure("interp.bayes.sceptical.p_below_1")
    assert panel.prior_combo.currentData() == "sceptical"
    assert panel.select_figure("pfs.landmark_6.palbo_et")
    assert panel.tabs.currentIndex() == [k for k, _ in PAGES].index("pictographs")
    assert not panel.select_figure("no.such.figure")
    with qtbot.assertNotEmitted(panel.figure_selected):
        panel.highlight_figures(("interp.pfs.abs_6.hr.per_1000",))
    assert panel.tabs.currentIndex() == 0


def test_a_trial_without_a_hazard_ratio(qtbot, palmira_summary, qtmodeltester):
    """PALMIRA with its PFS effect removed: what needs the HR says so; the rest is shown."""
    ev = palmira_summary.evidence
    endpoints = tuple(
        dataclasses.replace(e, effect=None) if e.id == "pfs" else e for e in ev.endpoints
    )
    summary = summarize(dataclasses.replace(ev, endpoints=endpoints))
    p = InterpretationPanel()
    qtbot.addWidget(p)
    p.set_summary(summary)
    assert p.absolute_model.rowCount() == 1  # the landmark row only
    assert p.bayes_result is None
    assert p.p_below_1_line.plain_text.startswith("No Bayesian reanalysis")
    assert not p.prior_combo.isEnabled()
    x, _ = p.posterior_plot.posterior_curve.getData()
    assert x is None or len(x) == 0
    assert set(p.benefit_harm_plot.points) == {"benefit", "harm"}
    assert len(p.benefit_harm_plot.rows) == 1 and p.benefit_harm_plot.rows[0].kind == "harm"
    assert p.mcbs_statement_label.text().startswith("Not eligible")
    qtmodeltester.check(p.absolute_proxy)
    # Back to the full trial: everything returns.
    p.set_summary(palmira_summary)
    assert p.prior_combo.isEnabled()
    assert p.bayes_result.probability_below_1 == pytest.approx(_one_sided_wald(), abs=1e-12)
