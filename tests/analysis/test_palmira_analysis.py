"""PALMIRA's derived and reconstructed figures against values computed in R.

Reference: ``tests/reference/palmira_analysis.R`` (R 4.2.2, rpact 3.3.4, base R),
stored in ``palmira_analysis.json``. Each assertion names the method and tolerance.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.analysis import summarize
from explorer.evidence import load_bundled

REF = json.loads((Path(__file__).parents[1] / "reference" / "palmira_analysis.json").read_text())


@pytest.fixture(scope="module")
def summary():
    return summarize(load_bundled())


def value(summary, id):
    return summary.figure(id).value


def test_measurable_disease_split_is_unique_and_matches_r(summary):
    # Brute force over every split of 138 in R: exactly one fits 6.4/33.0 and 2.3/29.5 (exact).
    assert len(REF["measurable_splits"]) == 1
    ref = REF["measurable_splits"][0]
    assert value(summary, "population.measurable_disease.palbo_et") == ref["n1"] == 94
    assert value(summary, "population.measurable_disease.et") == ref["n2"] == 44
    assert value(summary, "orr.count.palbo_et") == ref["orr1"]
    assert value(summary, "orr.count.et") == ref["orr2"]
    assert value(summary, "cbr.count.palbo_et") == ref["cbr1"]
    assert value(summary, "cbr.count.et") == ref["cbr2"]
    fit = next(f for f in summary.count_fits if f.population == "measurable_disease")
    assert fit.unique


def test_safety_counts_are_the_largest_fitting_sizes(summary):
    # R: largest n <= randomised arm size (and >= 80% of it) with a count that rounds (exact).
    ae = REF["ae_g34"]
    assert value(summary, "population.safety.palbo_et") == ae["treatment"]["n"] == 135
    assert value(summary, "population.safety.et") == ae["control"]["n"] == 60
    assert value(summary, "ae.ae_grade_3_4.count.palbo_et") == ae["treatment"]["k"]
    assert value(summary, "ae.ae_grade_3_4.count.et") == ae["control"]["k"]
    fig = summary.figure("population.safety.palbo_et")
    assert fig.status == "reconstructed"
    assert "Other sizes that also fit" in fig.derivation  # several sizes fit: said so


def test_baseline_counts_on_198(summary):
    # R: every k with round(100 k / 198, 1) equal to the printed percentage (exact).
    # R found exactly one count each (jsonlite unboxes a length-1 vector to a scalar).
    assert value(summary, "baseline.ecog_0.count") == REF["baseline"]["ecog0"] == 121
    assert value(summary, "baseline.visceral_disease.count") == REF["baseline"]["visceral"] == 121
    assert (
        value(summary, "baseline.first_line_ai_palbociclib.count")
        == REF["baseline"]["ai_first_line"]
        == 178
    )


def test_wald_p_and_rounding_range(summary):
    wald = REF["wald"]
    # Wald p from HR 0.8 (0.6–1.1) vs base R qnorm/pnorm: rel 1e-9.
    assert value(summary, "pfs.wald_p") == pytest.approx(wald["p"], rel=1e-9)
    assert value(summary, "pfs.hr.se_log") == pytest.approx(wald["se"], rel=1e-9)
    assert value(summary, "pfs.wald_p_at_90") == pytest.approx(wald["p90"], rel=1e-9)
    assert value(summary, "pfs.wald_p_at_99") == pytest.approx(wald["p99"], rel=1e-9)
    rng = summary.figure("pfs.wald_p_range")
    # Corners of the ±0.05 rounding box, evaluated in R: rel 1e-9.
    assert (rng.lower, rng.upper) == pytest.approx(tuple(REF["wald_p_range"]), rel=1e-9)
    assert rng.lower < 0.206 < rng.upper
    assert value(summary, "pfs.hr.ci_centre") == pytest.approx(REF["ci_centre"], rel=1e-12)


def test_exponential_model_figures(summary):
    # Exponential model, base R arithmetic: rel 1e-9.
    assert value(summary, "pfs.hr_from_medians") == pytest.approx(REF["hr_from_medians"], rel=1e-9)
    for arm, key in (("palbo_et", "treatment"), ("et", "control")):
        fig = summary.figure(f"pfs.landmark_6_from_median.{arm}")
        est, from_lower, from_upper = REF["landmark6_from_median"][key]
        assert fig.value == pytest.approx(est, rel=1e-9)
        assert (fig.lower, fig.upper) == pytest.approx((from_lower, from_upper), rel=1e-9)
        assert value(summary, f"pfs.median_from_landmark_6.{arm}") == pytest.approx(
            REF["median_from_landmark6"][key], rel=1e-9
        )
    assert value(summary, "pfs.hr_from_landmark_6") == pytest.approx(
        REF["hr_from_landmark6"], rel=1e-9
    )


def test_design_reexamined_against_rpact(summary):
    # rpact getSampleSizeSurvival()$eventsFixed / getPowerSurvival()$overallReject: rel 1e-6.
    assert value(summary, "design.events_required_schoenfeld") == pytest.approx(
        REF["events_schoenfeld"], rel=1e-6
    )
    assert value(summary, "design.events_required_freedman") == pytest.approx(
        REF["events_freedman"], rel=1e-6
    )
    assert value(summary, "design.events_for_observed_hr") == pytest.approx(
        REF["events_for_observed"], rel=1e-6
    )
    assert value(summary, "design.power_at_observed_events") == pytest.approx(
        100 * REF["power_design"], rel=1e-6
    )
    assert value(summary, "design.power_for_observed_hr") == pytest.approx(
        100 * REF["power_observed"], rel=1e-6
    )
    # uniroot on the Schoenfeld power in R (tol 1e-12): rel 1e-8.
    assert value(summary, "design.detectable_hr") == pytest.approx(REF["detectable_hr"], rel=1e-8)
    assert value(summary, "design.accrual_months") == 42


@pytest.mark.parametrize(
    ("prefix", "key"), [("orr", "orr"), ("cbr", "cbr"), ("ae.ae_grade_3_4", "ae_g34_cmp")]
)
def test_two_arm_comparisons_against_base_r(summary, prefix, key):
    ref = REF[key]
    rd = summary.figure(f"{prefix}.rd")
    # Newcombe hybrid score from prop.test Wilson limits (R formula), percentage points: rel 1e-9.
    assert (rd.value, rd.lower, rd.upper) == pytest.approx(
        tuple(100 * x for x in ref["rd"]), rel=1e-9
    )
    rr = summary.figure(f"{prefix}.rr")
    # Katz log-scale CI written out in R: rel 1e-9.
    assert (rr.value, rr.lower, rr.upper) == pytest.approx(tuple(ref["rr"]), rel=1e-9)
    odds = summary.figure(f"{prefix}.or")
    # fisher.test conditional MLE and exact CI; R's own root tolerance limits agreement: rel 2e-3.
    assert (odds.value, odds.lower, odds.upper) == pytest.approx(tuple(ref["or"]), rel=2e-3)
    # fisher.test p value: rel 1e-8.
    assert value(summary, f"{prefix}.fisher_p") == pytest.approx(ref["fisher_p"], rel=1e-8)
    nnt = summary.figure(f"{prefix}.nnt")
    assert nnt.value == pytest.approx(1 / abs(ref["rd"][0]), rel=1e-9)
    assert nnt.status == "reconstructed"  # rests on reconstructed counts


def test_nnt_names_benefit_and_harm(summary):
    assert summary.figure("orr.nnt").label.endswith("NNT")
    assert "∞" in summary.figure("orr.nnt").derivation  # CI of the RD crosses 0 (Altman)
    assert summary.figure("ae.ae_grade_3_4.nnt").label.endswith("NNH")
    nnh = summary.figure("ae.ae_grade_3_4.nnt")
    ref = REF["ae_g34_cmp"]["rd"]
    assert (nnh.lower, nnh.upper) == pytest.approx((1 / ref[2], 1 / ref[1]), rel=1e-9)


def test_allocation_check_uses_wilson_interval(summary):
    check = next(c for c in summary.checks if c.id == "allocation")
    lo, hi = REF["allocation_ci"]  # prop.test(136, 198, correct = FALSE)$conf.int
    assert check.level == "pass"
    assert f"{100 * lo:.1f}–{100 * hi:.1f}%" in check.message


def test_every_measure_in_the_file_is_a_figure_with_its_status(summary):
    from collections import Counter

    in_file = Counter((m.value, m.status) for _, m in summary.evidence.iter_measures())
    shown = Counter((f.value, f.status) for f in summary.figures if f.value is not None)
    assert not in_file - shown  # every (value, status) in the file is shown at least as often
    assert sum(n for (_, status), n in in_file.items() if status == "reported") == sum(
        f.status == "reported" for f in summary.figures
    )


def test_every_reported_figure_has_its_printed_source(summary):
    reported = [f for f in summary.figures if f.status == "reported"]
    assert len(reported) == 31
    for f in reported:
        assert "“" in f.source and f.derivation is None
    for f in summary.figures:
        if f.status != "reported":
            assert f.derivation and f.source is None


def test_expected_checks_and_levels(summary):
    levels = {c.id: c.level for c in summary.checks}
    assert levels["arms_sum"] == "pass"
    assert levels["pfs_p_vs_ci"] == "note"  # 0.206 vs Wald 0.149, inside the rounding range
    assert levels["pfs_significance"] == "pass"
    assert levels["pfs_ci_centre"] == "pass"
    assert levels["pfs_hr_vs_medians"] == "note"
    assert levels["counts_measurable_disease"] == "pass"
    assert levels["counts_safety"] == "note"
    assert levels["events_vs_design"] == "pass"
    assert levels["power_for_observed"] == "note"
    assert "warn" not in levels.values()
    for c in summary.checks:
        for fid in c.figures:
            summary.figure(fid)  # every figure a check names exists
