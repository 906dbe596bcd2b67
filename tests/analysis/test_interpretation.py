"""Interpretation of PALMIRA: absolute effects, benefit–harm, Bayes, icon arrays, fragility.

References: ``tests/reference/interpretation.R`` (base R arithmetic, written independently:
GRADE risks, ``integrate`` of the model curves, Newcombe's interval from ``prop.test``,
normal–normal posteriors) stored in ``interpretation.json``, and
``tests/reference/fragility.R`` (loops over ``fisher.test``) in ``fragility.json``. Each
assertion names its method and tolerance.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest

from explorer import resources
from explorer.analysis import interpretation as interp
from explorer.analysis import summarize
from explorer.analysis.endpoints import model_survival_curves
from explorer.analysis.figures import FigureSet
from explorer.analysis.interpretation import (
    Prior,
    absolute_effects,
    bayesian,
    benefit_harm,
    default_priors,
    fragility,
    icon_arrays,
    skipped_milestones,
    survival_gain,
)
from explorer.analysis.summary import TOPIC_TITLES
from explorer.evidence import from_dict, load_bundled

REFERENCE = Path(__file__).parents[1] / "reference"
REF = json.loads((REFERENCE / "interpretation.json").read_text(encoding="utf-8"))
FRAGILITY = json.loads((REFERENCE / "fragility.json").read_text(encoding="utf-8"))["cases"]

#: Every figure id the interpretation adds for PALMIRA.
EXPECTED_IDS = {
    "interp.pfs.abs_6.landmark.per_100",
    "interp.pfs.abs_6.landmark.per_1000",
    "interp.pfs.abs_6.hr.per_100",
    "interp.pfs.abs_6.hr.per_1000",
    "interp.pfs.abs_6.hr.treatment_event_risk",
    "interp.pfs.median_gain",
    "interp.pfs.rmst.palbo_et",
    "interp.pfs.rmst.et",
    "interp.pfs.rmst_difference",
    "interp.nnt_benefit",
    "interp.nnh_harm",
    *(
        f"interp.bayes.{prior}.{what}"
        for prior in ("flat", "sceptical", "enthusiastic")
        for what in ("p_below_1", "p_below_threshold", "posterior_hr")
    ),
    "interp.fragility.orr",
    "interp.fragility.cbr",
    "interp.fragility.ae.ae_grade_3_4",
}


@pytest.fixture(scope="module")
def summary():
    return summarize(load_bundled())


@pytest.fixture(scope="module")
def ev(summary):
    return summary.evidence


@pytest.fixture(scope="module")
def palmira_dict():
    return json.loads(resources.read_text(resources.PALMIRA))


def edited_summary(data, edit):
    data = copy.deepcopy(data)
    edit(data)
    return summarize(from_dict(data, origin="edited"))


def by_method(effects, milestone=6.0):
    return {e.method: e for e in effects if e.milestone == milestone}


# --- absolute effects ----------------------------------------------------------------


def test_landmark_method_matches_r(ev, summary):
    e = by_method(absolute_effects(ev, summary))["landmark"]
    r = REF["landmark_6"]
    # 1 − reported rates, base R arithmetic, rel 1e-12
    assert e.control_event_risk == pytest.approx(r["control_event_risk"], rel=1e-12)
    assert e.treatment_event_risk == pytest.approx(r["treatment_event_risk"], rel=1e-12)
    assert e.difference == pytest.approx(r["difference"], rel=1e-12)
    # 40.9 − 28.6 = 12.3 more progression-free per 100 (abs 1e-9), 123 per 1000
    assert e.per_100 == pytest.approx(12.3, abs=1e-9)
    assert e.per_1000 == pytest.approx(123.0, abs=1e-9)
    assert e.difference_lower is None and e.per_100_lower is None  # no CI reported for rates
    assert e.treatment_event_risk_lower is None
    assert e.status == "derived"
    assert "no interval" in e.method_text


def test_hr_method_matches_r_and_the_brief(ev, summary):
    e = by_method(absolute_effects(ev, summary))["hr"]
    r = REF["hr_6"]
    # GRADE risk_t = 1 − (1 − 0.714)^HR at HR 0.8, 0.6 and 1.1: base R, rel 1e-12
    for field in (
        "control_event_risk",
        "treatment_event_risk",
        "treatment_event_risk_lower",
        "treatment_event_risk_upper",
        "difference",
        "difference_lower",
        "difference_upper",
    ):
        assert getattr(e, field) == pytest.approx(r[field], rel=1e-12), field
    # The brief's hand values: 0.632, 0.528–0.748, −3.4 to 18.6 per 100 (abs 5e-4 / 0.05).
    assert e.control_event_risk == pytest.approx(0.714, abs=1e-12)
    assert e.treatment_event_risk == pytest.approx(0.632, abs=1e-3)
    assert (e.treatment_event_risk_lower, e.treatment_event_risk_upper) == pytest.approx(
        (0.528, 0.748), abs=5e-4
    )
    assert (e.per_100_lower, e.per_100_upper) == pytest.approx((-3.4, 18.6), abs=0.05)
    # 8.14 per 100 (0.714 − 0.6326); the brief's "about 8.2" subtracts the rounded 0.632.
    assert e.per_100 == pytest.approx(100 * r["difference"], rel=1e-12)
    assert round(e.per_100, 1) == 8.1
    assert e.per_1000 == pytest.approx(1000 * r["difference"], rel=1e-12)
    assert (e.per_1000_lower, e.per_1000_upper) == pytest.approx(
        (1000 * r["difference_lower"], 1000 * r["difference_upper"]), rel=1e-12
    )
    # CI bounds map monotonically: HR lower → most benefit.
    assert e.difference_lower < e.difference < e.difference_upper
    assert e.level == 0.95 and e.status == "derived" and not e.control_from_model
    assert "1 − (1 − risk_c)^HR" in e.method_text and "0.714" in e.method_text


def test_twelve_months_is_left_out_and_said_why(ev, summary):
    effects = absolute_effects(ev, summary)
    assert {e.milestone for e in effects} == {6.0}
    (reason,) = skipped_milestones(ev, summary)
    assert reason.startswith("PFS at 12 months")
    assert "extrapolated beyond the last reported point (6 months)" in reason


def test_model_control_risk_interpolated_and_extrapolated_match_r(ev, summary):
    five = by_method(absolute_effects(ev, summary, milestones=(5.0,)), 5.0)
    assert set(five) == {"hr"}  # no landmark at 5 months: only the HR method
    e = five["hr"]
    r5, r12 = REF["model_hr"]
    # Control risk from the log-linear model between S(3.6) = 0.5 and S(6) = 0.286 (R
    # approx on log S), then GRADE; rel 1e-12
    for field in ("control_event_risk", "treatment_event_risk", "difference"):
        assert getattr(e, field) == pytest.approx(r5[field], rel=1e-12), field
    assert (e.difference_lower, e.difference_upper) == pytest.approx(
        (r5["difference_lower"], r5["difference_upper"]), rel=1e-12
    )
    assert e.control_from_model and not e.extrapolated
    assert "rests on the model" in e.method_text and "interpolated" in e.method_text

    twelve = absolute_effects(ev, summary, milestones=(12.0,), allow_extrapolation=True)
    (e12,) = twelve
    # Extrapolated with the last hazard (R: same slope continued), rel 1e-12
    assert e12.control_event_risk == pytest.approx(r12["control_event_risk"], rel=1e-12)
    assert e12.difference == pytest.approx(r12["difference"], rel=1e-12)
    assert e12.extrapolated and "extrapolated beyond" in e12.method_text
    assert skipped_milestones(ev, summary, allow_extrapolation=True) == []


def test_model_is_the_endpoints_panel_curve(ev, summary):
    curves = {a.arm_id: a for a in model_survival_curves(summary, "pfs").arms}
    grid = np.linspace(0.0, 12.0, 49)
    pfs = ev.endpoint("pfs")
    for arm_id, curve in curves.items():
        mine = interp._arm_model(pfs, summary, arm_id)
        # The same knots and hazards: equal to 1e-15 everywhere on the plotted range.
        np.testing.assert_allclose(
            mine.model.survival_at(grid), curve.survival_at(grid), rtol=0, atol=1e-15
        )


def test_absolute_figures_in_summary(summary):
    land = summary.figure("interp.pfs.abs_6.landmark.per_100")
    assert land.formatted() == "12.3 per 100 patients"
    assert land.inputs == ("pfs.landmark_6.palbo_et", "pfs.landmark_6.et")
    hr = summary.figure("interp.pfs.abs_6.hr.per_100")
    assert hr.formatted() == "8.1 per 100 patients (95% CI −3.4 to 18.6)"
    assert hr.inputs == ("pfs.hr", "pfs.landmark_6.et")
    assert summary.figure("interp.pfs.abs_6.hr.per_1000").formatted() == (
        "81 per 1000 patients (95% CI −34 to 186)"
    )
    risk = summary.figure("interp.pfs.abs_6.hr.treatment_event_risk")
    assert risk.formatted() == "63.3% (95% CI 52.8–74.8%)"
    assert "GRADE" in hr.derivation and "1 − (1 − risk_c)^HR" in hr.derivation


# --- median gain and restricted mean ---------------------------------------------------


@pytest.mark.parametrize("case", REF["rmst"], ids=lambda c: f"tau{c['tau']:g}")
def test_rmst_matches_r_integrate(ev, summary, case):
    g = survival_gain(ev, summary, tau=case["tau"])
    # Closed form per segment vs R integrate() of an independent curve, rel 1e-9
    assert g.rmst_treatment == pytest.approx(case["treatment"], rel=1e-9)
    assert g.rmst_control == pytest.approx(case["control"], rel=1e-9)
    assert g.rmst_difference == pytest.approx(case["difference"], rel=1e-9)
    assert g.extrapolated is (case["tau"] > 6)
    if g.extrapolated:
        assert "extrapolated beyond the last reported point" in g.rmst_text


def test_survival_gain_defaults(ev, summary):
    g = survival_gain(ev, summary)
    assert g.tau == 6.0  # the last time point reported in both arms
    assert g.median_gain == pytest.approx(REF["median_gain"], abs=1e-12)  # 4.2 − 3.6
    assert "0.6 months" in g.median_gain_text and "about 18 days" in g.median_gain_text
    assert g.rmst_text.startswith(
        "Over the first 6 months, on average 3.85 months progression-free with P+ET vs "
        "3.52 months with ET: 0.33 months (about 10 days) more"
    )
    assert "model curves" in g.rmst_text
    assert summary.figure("interp.pfs.rmst_difference").value == pytest.approx(
        REF["rmst"][0]["difference"], rel=1e-9
    )
    assert summary.figure("interp.pfs.median_gain").formatted() == "0.6 months"
    with pytest.raises(ValueError, match="tau"):
        survival_gain(ev, summary, tau=0.0)


# --- NNT beside NNH --------------------------------------------------------------------


def test_benefit_harm_matches_r(ev, summary):
    bh = benefit_harm(ev, summary)
    b, h = bh.benefit, bh.harm
    # NNT = 1 / difference at 6 months (GRADE), its CI crosses 0 (Altman): rel 1e-12
    assert b.kind == "NNT"
    assert b.value == pytest.approx(REF["nnt"]["value"], rel=1e-12)
    assert b.lower is None and b.upper is None
    nnt_end, nnh_end = REF["nnt"]["nnt_end"], REF["nnt"]["nnh_end"]
    assert b.text == f"NNT {b.value:.1f} (95% CI NNT {nnt_end:.1f} to ∞ to NNH {nnh_end:.1f})"
    assert b.text == "NNT 12.3 (95% CI NNT 5.4 to ∞ to NNH 29.7)"
    assert "Altman" in b.convention and "infinity" in b.convention
    # NNH = 1 / (61/135 − 5/60), Newcombe hybrid score CI from R prop.test: rel 1e-9
    assert h.kind == "NNH"
    assert h.value == pytest.approx(REF["nnh"]["value"], rel=1e-12)
    assert (h.lower, h.upper) == pytest.approx((REF["nnh"]["lower"], REF["nnh"]["upper"]), rel=1e-9)
    assert h.text == "NNH 2.7 (95% CI 2.2 to 4.1)"
    assert (b.whole, h.whole) == (13, 3)  # rounded up to whole patients
    assert b.status == "derived" and h.status == "reconstructed"
    assert bh.statement.startswith(
        "For every 13 patients treated with P+ET rather than ET, about one more is "
        "progression-free at 6 months"
    )
    assert "for every 3 treated, one more has a grade 3–4 adverse event" in bh.statement
    assert summary.figure("interp.nnt_benefit").value == pytest.approx(b.value, rel=1e-15)
    assert summary.figure("interp.nnh_harm").formatted() == "2.7 patients (95% CI 2.2–4.1)"
    assert summary.figure("interp.nnh_harm").inputs == (
        "ae.ae_grade_3_4.nnt",
        "ae.ae_grade_3_4.rd",
    )


def test_significant_benefit_has_an_ordinary_nnt_interval(palmira_dict):
    def edit(d):
        d["endpoints"][0]["effect"]["estimate"].update(value=0.6, lower=0.45, upper=0.8, decimals=2)

    s = edited_summary(palmira_dict, edit)
    b = benefit_harm(s.evidence, s).benefit
    risk_c = 0.714
    diffs = [risk_c - (1 - (1 - risk_c) ** h) for h in (0.6, 0.8, 0.45)]
    # NNT = 1 / GRADE difference; bounds from the HR bounds (hand arithmetic, rel 1e-12)
    assert b.value == pytest.approx(1 / diffs[0], rel=1e-12)
    assert (b.lower, b.upper) == pytest.approx((1 / diffs[2], 1 / diffs[1]), rel=1e-12)
    assert b.text == f"NNT {1 / diffs[0]:.1f} (95% CI {1 / diffs[2]:.1f} to {1 / diffs[1]:.1f})"
    assert "∞" not in b.text


# --- Bayes -----------------------------------------------------------------------------


def test_default_priors(ev, summary):
    flat, sceptical, enthusiastic = default_priors(ev, summary)
    assert (flat.name, flat.sd_log) == ("flat", None)
    # SD: 5% prior probability of HR < 0.59 under N(0, sd²): base R qnorm, rel 1e-12
    assert sceptical.sd_log == pytest.approx(REF["sceptical_sd"], rel=1e-12)
    assert (sceptical.mean_hr, enthusiastic.mean_hr) == (1.0, 0.59)
    assert enthusiastic.sd_log == sceptical.sd_log
    assert "0.59" in sceptical.description and "5%" in sceptical.description


@pytest.mark.parametrize("case", REF["bayes"], ids=lambda c: f"{c['prior']}-t{c['threshold']:g}")
def test_bayesian_matches_r(ev, summary, case):
    prior = next(p for p in default_priors(ev, summary) if p.name == case["prior"])
    res = bayesian(ev, summary, prior=prior, threshold=case["threshold"])
    # Normal–normal conjugate arithmetic in base R (pnorm/qnorm/dnorm), rel 1e-10
    assert res.probability_below_1 == pytest.approx(case["probability_below_1"], rel=1e-10)
    assert res.probability_below_threshold == pytest.approx(
        case["probability_below_threshold"], rel=1e-10
    )
    for field in ("posterior_median", "lower", "upper"):
        assert getattr(res, field) == pytest.approx(case[field], rel=1e-10), field
    assert res.posterior_mean_log == pytest.approx(case["mean_log"], rel=1e-10)
    assert res.posterior_sd_log == pytest.approx(case["sd_log"], rel=1e-10)
    assert res.level == 0.95
    # Densities at R's points (dnorm), rel 1e-10
    at = np.array(case["grid"])
    np.testing.assert_allclose(
        interp._normal_pdf(at, res.posterior_mean_log, res.posterior_sd_log),
        case["posterior_density"],
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        interp._normal_pdf(at, res.likelihood_mean_log, res.likelihood_sd_log),
        case["likelihood_density"],
        rtol=1e-10,
    )
    # The plotted arrays are those densities on the 400-point grid.
    grid = res.log_hr
    assert grid.shape == (400,) and np.all(np.diff(grid) > 0)
    assert grid[0] <= min(0.0, math.log(case["threshold"])) <= grid[-1]
    np.testing.assert_allclose(
        res.posterior_density,
        interp._normal_pdf(grid, case["mean_log"], case["sd_log"]),
        rtol=1e-10,
    )
    # Each curve has (nearly) all its mass on the grid: trapezoid area 1 within 1e-3.
    curves = [res.likelihood_density, res.posterior_density]
    if case["prior"] == "flat":
        assert res.prior_density is None
    else:
        curves.append(res.prior_density)
        np.testing.assert_allclose(
            interp._normal_pdf(at, math.log(case["prior_mean"]), case["prior_sd"]),
            case["prior_density"],
            rtol=1e-10,
        )
    for density in curves:
        assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-3)


def test_bayes_figures_use_the_design_hr_as_threshold(summary):
    by_key = {(c["prior"], c["threshold"]): c for c in REF["bayes"]}
    for prior in ("flat", "sceptical", "enthusiastic"):
        p1 = summary.figure(f"interp.bayes.{prior}.p_below_1")
        pt = summary.figure(f"interp.bayes.{prior}.p_below_threshold")
        post = summary.figure(f"interp.bayes.{prior}.posterior_hr")
        ref = by_key[(prior, 0.59)]
        # Percent of the R probabilities, rel 1e-10
        assert p1.value == pytest.approx(100 * ref["probability_below_1"], rel=1e-10)
        assert pt.value == pytest.approx(100 * ref["probability_below_threshold"], rel=1e-10)
        assert "design.hypothesised_hr" in pt.inputs and "0.59" in pt.label
        assert (post.lower, post.upper) == pytest.approx((ref["lower"], ref["upper"]), rel=1e-10)
        assert "credible interval" in post.formatted() and "CI" not in post.formatted()
    assert summary.figure("interp.bayes.flat.p_below_1").formatted() == "92.6%"
    assert summary.figure("interp.bayes.sceptical.p_below_1").formatted() == "90.3%"


def test_custom_prior_and_bad_input(ev, summary):
    custom = Prior("custom", 0.9, 0.2, "Custom: centred on HR 0.9, SD 0.2.")
    res = bayesian(ev, summary, prior=custom, threshold=0.8)
    # Same conjugate update by hand (precision-weighted mean), rel 1e-12
    se = REF["se_log"]
    prec = 1 / se**2 + 1 / 0.2**2
    m = (math.log(0.8) / se**2 + math.log(0.9) / 0.2**2) / prec
    assert res.posterior_median == pytest.approx(math.exp(m), rel=1e-12)
    assert "below 0.8" in res.text
    with pytest.raises(ValueError, match="sd_log"):
        Prior("custom", 1.0, 0.0, "")
    with pytest.raises(ValueError, match="mean_hr"):
        Prior("custom", -1.0, 0.2, "")
    with pytest.raises(ValueError, match="threshold"):
        bayesian(ev, summary, prior=custom, threshold=0.0)


# --- icon arrays -----------------------------------------------------------------------


def test_icon_arrays(ev, summary):
    pfs, ae = icon_arrays(ev, summary)
    # Whole people out of 100, rounded half up (R floor(x + 0.5)), exact
    assert pfs.id == "pfs_6" and pfs.good_outcome
    assert [a.with_outcome for a in pfs.arms] == REF["icons"]["pfs_6"] == [41, 29]
    assert [a.with_outcome for a in ae.arms] == REF["icons"]["ae"] == [45, 8]
    assert ae.id == "ae_ae_grade_3_4" and not ae.good_outcome
    for array in (pfs, ae):
        assert all(a.with_outcome + a.without_outcome == 100 for a in array.arms)
        assert [a.label for a in array.arms] == ["P+ET", "ET"]
    assert pfs.title == "Progression-free at 6 months"
    assert pfs.outcome_label == "progression-free"
    assert pfs.caption == (
        "Out of 100 people like those in the trial, about 41 taking P+ET and 29 taking ET "
        "were alive without the cancer growing at 6 months."
    )
    assert ae.title == "Grade 3–4 adverse event"
    assert ae.outcome_label == "with a grade 3–4 adverse event"
    assert ae.caption.startswith(
        "Out of 100 people like those in the trial, about 45 taking P+ET and 8 taking ET "
        "had a grade 3–4 adverse event"
    )
    assert [a.figure_id for a in pfs.arms] == ["pfs.landmark_6.palbo_et", "pfs.landmark_6.et"]
    assert all(a.status == "reported" for a in (*pfs.arms, *ae.arms))


def test_round_half_up():
    assert [interp._out_of_100(x) for x in (0.5, 8.5, 40.49, 99.5)] == [1, 9, 40, 100]


# --- fragility -------------------------------------------------------------------------


def test_fragility_matches_r(ev, summary):
    found = {f.endpoint: f for f in fragility(ev, summary)}
    cases = {
        "orr": "palmira_orr",
        "cbr": "palmira_cbr",
        "ae.ae_grade_3_4": "palmira_ae_g34",
    }
    assert set(found) == set(cases)
    for prefix, case in cases.items():
        f, r = found[prefix], FRAGILITY[case]
        # Index vs the R loop over fisher.test: exact
        assert f.index == r["index"]
        assert f.kind == ("fragility" if r["significant"] else "reverse")
        assert f.counts == (r["k1"], r["n1"], r["k2"], r["n2"])
        assert f.status == "reconstructed"  # the counts are reconstructed from percentages
        fig = summary.figure(f.figure_id)
        assert fig.value == r["index"] and fig.id == f"interp.fragility.{prefix}"
    ae = found["ae.ae_grade_3_4"]
    assert ae.arm_id == "et"
    assert ae.text.startswith(
        "Fragility index 13: if 13 more patients on ET had had a grade 3–4 adverse event, "
        "the difference would no longer be statistically significant"
    )
    assert "61/135 vs 18/60" in ae.text
    assert found["cbr"].text.startswith("Reverse fragility index 6: if 6 fewer patients on ET")


# --- the figures in the summary ----------------------------------------------------------


def test_every_interpretation_figure_is_in_the_summary(summary):
    interp_figs = [f for f in summary.figures if f.topic == "interpretation"]
    ids = {f.id for f in interp_figs}
    # Ours, plus the ESMO-MCBS evaluator's (another module, same topic).
    assert ids >= EXPECTED_IDS
    assert all(i.startswith("interp.esmo_mcbs.") for i in ids - EXPECTED_IDS)
    for f in (f for f in interp_figs if f.id in EXPECTED_IDS):
        assert f.status in ("derived", "reconstructed")
        assert f.derivation and ". Inputs: " in f.derivation
        for input_id in f.inputs:
            summary.figure(input_id)  # every input is itself a figure
    # Reading order: after the adverse events, before the baseline characteristics.
    topics = [f.topic for f in summary.figures]
    first = topics.index("interpretation")
    assert topics[first - 1] == "safety" and topics[first + len(interp_figs)] == "baseline"
    assert TOPIC_TITLES["interpretation"] == summary.topic_title("interpretation")
    assert summary.topic_title("interpretation") == "Interpretation"
    as_json = {f["id"]: f for f in summary.to_json()["figures"]}
    assert set(as_json) >= EXPECTED_IDS
    assert as_json["interp.pfs.abs_6.hr.per_100"]["lower"] == pytest.approx(
        100 * REF["hr_6"]["difference_lower"], rel=1e-12
    )


def test_a_figure_set_and_the_summary_give_the_same_answers(ev, summary):
    figures = FigureSet()
    figures.extend(f for f in summary.figures if f.topic != "interpretation")
    assert absolute_effects(ev, figures) == absolute_effects(ev, summary)
    assert benefit_harm(ev, figures) == benefit_harm(ev, summary)
    assert icon_arrays(ev, figures) == icon_arrays(ev, summary)
    assert fragility(ev, figures) == fragility(ev, summary)
    interp.add_interpretation_figures(ev, figures)
    assert {f.id for f in figures if f.topic == "interpretation"} == EXPECTED_IDS


def test_without_landmarks_or_effect(palmira_dict):
    def no_landmarks(d):
        d["endpoints"][0]["landmarks"] = []

    s = edited_summary(palmira_dict, no_landmarks)
    ev = s.evidence
    # The control model ends at its median (3.6 months): 6 months would be extrapolation.
    assert absolute_effects(ev, s) == []
    assert all("6 months" in r or "12 months" in r for r in skipped_milestones(ev, s))
    assert [a.id for a in icon_arrays(ev, s)] == ["ae_ae_grade_3_4"]
    bh = benefit_harm(ev, s)
    assert bh.benefit is None and bh.harm is not None
    assert bh.statement.startswith("For every 3 treated, one more has a grade 3–4 adverse event")
    assert survival_gain(ev, s).tau == 3.6  # the last point both arms report: ET's median
    ids = {f.id for f in s.figures if f.topic == "interpretation"}
    assert not any(".abs_" in i for i in ids) and "interp.nnt_benefit" not in ids

    def no_effect(d):
        d["endpoints"][0]["effect"] = None

    s = edited_summary(palmira_dict, no_effect)
    assert [e.method for e in absolute_effects(s.evidence, s)] == ["landmark"]
    with pytest.raises(ValueError, match="hazard ratio"):
        bayesian(s.evidence, s, prior=default_priors(s.evidence, s)[0])
    assert not any(f.id.startswith("interp.bayes.") for f in s.figures)
