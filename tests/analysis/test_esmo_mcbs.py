"""ESMO-MCBS v1.1 forms 2a and 2b: every grade cell, adjustment and eligibility rule.

Reference: the published evaluation forms (Cherny et al., Ann Oncol 2017;28:2340–2366).
Each cell is tested with a constructed trial whose numbers sit inside the cell, and the
top cells also on their boundaries (thresholds are inclusive as printed: "≤ 0.65",
"≥ 1.5 months"). Grades are integers, so every assertion is exact. Cells whose wording
could not be confirmed against the form are listed in ``UNCONFIRMED_CELLS``; the tests
check that the trace says so.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from explorer import resources
from explorer.analysis import summarize
from explorer.analysis.comparisons import add_comparison_figures
from explorer.analysis.counts import add_count_figures
from explorer.analysis.esmo_mcbs import (
    FIGURE_ID,
    OUTCOMES,
    UNCONFIRMED_CELLS,
    McbsInputs,
    endpoint_code,
    evaluate,
    evaluate_evidence,
    inputs_from_evidence,
)
from explorer.analysis.figures import FigureSet
from explorer.analysis.reported import reported_figures
from explorer.analysis.survival import add_endpoint_figures
from explorer.evidence import from_dict, load_bundled


def trial(endpoint="PFS", hr_lower=0.5, mt=10.0, mc=5.0, **kw) -> McbsInputs:
    """A significant non-curative superiority trial; no toxicity or QoL signal."""
    base = dict(
        setting="non-curative",
        primary_endpoint=endpoint,
        significant=True,
        hr=hr_lower + 0.1,
        hr_lower=hr_lower,
        hr_upper=min(hr_lower + 0.2, 0.99),
        median_treatment=mt,
        median_control=mc,
        less_grade34_toxicity=False,
        incremental_toxicity=False,
    )
    base.update(kw)
    return McbsInputs(**base)


# --- form 2b: one constructed trial per cell -----------------------------------------

FORM_2B_CELLS = [
    # (case, hr_lower, median treatment, median control, expected preliminary grade)
    ("≤6: grade 3", 0.60, 5.6, 4.0, 3),
    ("≤6: grade 3 on both boundaries", 0.65, 5.5, 4.0, 3),
    ("≤6: grade 3, control median exactly 6", 0.65, 7.5, 6.0, 3),
    ("≤6: grade 2, gain below 1.5", 0.60, 5.0, 4.0, 2),
    ("≤6: grade 2, gain just below 1.5", 0.65, 5.4, 4.0, 2),
    ("≤6: grade 1, HR limit above 0.65", 0.66, 9.0, 4.0, 1),
    (">6: grade 3", 0.60, 10.0, 7.0, 3),
    (">6: grade 3 on both boundaries", 0.65, 10.0, 7.0, 3),
    (">6: grade 2, gain below 3", 0.60, 9.9, 7.0, 2),
    (">6: grade 2, 1.5 months is not enough above 6", 0.60, 7.6, 6.1, 2),
    (">6: grade 1", 0.70, 12.0, 7.0, 1),
]


@pytest.mark.parametrize(("case", "hr_lower", "mt", "mc", "grade"), FORM_2B_CELLS)
def test_form_2b_cells(case, hr_lower, mt, mc, grade):
    result = evaluate(trial("PFS", hr_lower, mt, mc))
    assert result.eligible and result.form == "2b"
    assert result.preliminary_grade == grade, case
    assert result.final_grade == grade  # no adjustment applies
    met = [s for s in result.trace if s.rule.startswith("Form 2b, grade") and s.outcome == "met"]
    assert [s.rule.split(":")[0] for s in met] == [f"Form 2b, grade {grade}"]


def test_form_2b_gain_from_printed_medians_is_exact():
    # 5.1 − 3.6 is 1.4999999999999996 in binary floating point; the printed gain is 1.5.
    assert evaluate(trial("PFS", 0.6, 5.1, 3.6)).preliminary_grade == 3


def test_ttp_is_graded_with_form_2b_and_flagged():
    result = evaluate(trial("TTP", 0.6, 5.6, 4.0))
    assert result.form == "2b" and result.preliminary_grade == 3
    assert "2b TTP" in result.unconfirmed


# --- form 2a: one constructed trial per cell, for each control-median sheet ----------

FORM_2A_CELLS = [
    # (case, hr_lower, median treatment, median control, extra inputs, expected grade)
    ("≤12: grade 4", 0.60, 11.0, 8.0, {}, 4),
    ("≤12: grade 4 on both boundaries", 0.65, 11.0, 8.0, {}, 4),
    ("≤12: grade 4 by 2-year survival gain ≥10%", 0.80, 8.5, 8.0, {"os_gain_2y": 10.0}, 4),
    ("≤12: grade 4, control median exactly 12", 0.65, 15.0, 12.0, {}, 4),
    ("≤12: grade 3, gain 2", 0.65, 10.0, 8.0, {}, 3),
    ("≤12: grade 3, gain 2.9", 0.60, 10.9, 8.0, {}, 3),
    ("≤12: grade 2, HR ≤0.65 and gain 1.5", 0.60, 9.5, 8.0, {}, 2),
    ("≤12: grade 2, HR 0.70 and gain ≥1.5", 0.70, 12.0, 8.0, {}, 2),
    ("≤12: grade 1, HR limit above 0.70", 0.71, 12.0, 8.0, {}, 1),
    ("≤12: grade 1, gain below 1.5", 0.50, 9.4, 8.0, {}, 1),
    ("≤12: grade 1, 2-year gain 9.9% is not enough", 0.80, 8.5, 8.0, {"os_gain_2y": 9.9}, 1),
    (">12: grade 4", 0.70, 20.0, 15.0, {}, 4),
    (">12: grade 4 by 3-year survival gain ≥10%", 0.90, 15.5, 15.0, {"os_gain_3y": 12.0}, 4),
    (">12: grade 4, control median exactly 24", 0.70, 29.0, 24.0, {}, 4),
    (">12: grade 4, control median 30 (issue: one band above 12 months)", 0.70, 35.0, 30.0, {}, 4),
    (">12: grade 3, control median 30, gain 3", 0.60, 33.0, 30.0, {}, 3),
    (">12: grade 3, gain 3", 0.60, 18.0, 15.0, {}, 3),
    (">12: grade 3, gain 4.9", 0.70, 19.9, 15.0, {}, 3),
    (">12: grade 2, HR ≤0.70 and gain 2", 0.60, 17.0, 15.0, {}, 2),
    (">12: grade 2, HR 0.71 misses grade 4", 0.71, 25.0, 15.0, {}, 2),
    (">12: grade 2, HR 0.75 and gain ≥1.5", 0.75, 21.0, 15.0, {}, 2),
    (">12: grade 1, HR limit above 0.75", 0.76, 30.0, 15.0, {}, 1),
    (">12: grade 1, gain below 1.5", 0.50, 16.4, 15.0, {}, 1),
]


@pytest.mark.parametrize(("case", "hr_lower", "mt", "mc", "extra", "grade"), FORM_2A_CELLS)
def test_form_2a_cells(case, hr_lower, mt, mc, extra, grade):
    result = evaluate(trial("OS", hr_lower, mt, mc, **extra))
    assert result.eligible and result.form == "2a"
    assert result.preliminary_grade == grade, case
    assert result.final_grade == grade
    # The preliminary grade is the highest cell met: the survival-gain alternative of
    # grade 4 can be met together with grade 1 (HR limit above the grade 2 band).
    met = [s for s in result.trace if s.rule.startswith("Form 2a, grade") and s.outcome == "met"]
    assert met[0].rule.startswith(f"Form 2a, grade {grade}:")
    assert len(met) == (2 if "survival gain ≥10%" in case else 1)


# --- the top-grade rules, on a grid around each threshold --------------------

TOP_RULES = [
    # (endpoint, control median, top grade, HR threshold, gain threshold)
    ("PFS", 4.0, 3, 0.65, 1.5),
    ("PFS", 6.0, 3, 0.65, 1.5),
    ("PFS", 8.0, 3, 0.65, 3.0),
    ("OS", 9.0, 4, 0.65, 3.0),
    ("OS", 12.0, 4, 0.65, 3.0),
    ("OS", 18.0, 4, 0.70, 5.0),
]


@pytest.mark.parametrize(("endpoint", "mc", "top", "hr_max", "gain_min"), TOP_RULES)
def test_top_grade_needs_hr_limit_and_gain(endpoint, mc, top, hr_max, gain_min):
    for dh in (-0.01, 0.0, 0.01):
        for dg in (-0.1, 0.0, 0.1):
            hr, gain = round(hr_max + dh, 2), round(gain_min + dg, 1)
            grade = evaluate(trial(endpoint, hr, mc + gain, mc)).preliminary_grade
            assert (grade == top) == (hr <= hr_max and gain >= gain_min), (hr, gain, grade)


def test_top_grade_above_12_months_is_hr_070_and_gain_5():
    # Issue rule for OS with control median >12 months: top grade iff HR ≤ 0.70 AND gain ≥ 5.
    for mc in (13.0, 24.0, 30.0):
        for hr in (0.69, 0.70, 0.71):
            for gain in (4.9, 5.0, 8.9, 9.0):
                grade = evaluate(trial("OS", hr, mc + gain, mc)).preliminary_grade
                assert (grade == 4) == (hr <= 0.70 and gain >= 5.0), (mc, hr, gain, grade)


# --- adjustments ---------------------------------------------------------------------


def adjusted(inputs: McbsInputs) -> tuple[int | None, int | None, tuple[str, ...]]:
    r = evaluate(inputs)
    return r.preliminary_grade, r.final_grade, r.adjustments


def test_upgrade_for_improved_qol_2b_reaches_4():
    pre, final, adj = adjusted(trial("PFS", 0.6, 5.6, 4.0, qol="improved"))
    assert (pre, final) == (3, 4)
    assert adj == ("Upgraded 1 level for improved quality of life.",)


def test_upgrade_for_less_toxicity_2a_reaches_5():
    pre, final, adj = adjusted(trial("OS", 0.6, 11.0, 8.0, less_grade34_toxicity=True))
    assert (pre, final) == (4, 5)
    assert adj == ("Upgraded 1 level for significantly less grade 3–4 toxicity.",)


@pytest.mark.parametrize(("endpoint", "mt", "mc", "top"), [("PFS", 5.6, 4.0, 4), ("OS", 11, 8, 5)])
def test_qol_and_toxicity_upgrades_are_one_step_and_capped(endpoint, mt, mc, top):
    r = evaluate(trial(endpoint, 0.6, mt, mc, qol="improved", less_grade34_toxicity=True))
    assert r.final_grade == top == r.preliminary_grade + 1
    assert len(r.adjustments) == 1
    assert "upgrade as one step" in r.unconfirmed


def test_downgrade_for_incremental_toxicity_2b():
    pre, final, adj = adjusted(trial("PFS", 0.6, 5.6, 4.0, incremental_toxicity=True))
    assert (pre, final) == (3, 2)
    assert adj == ("Downgraded 1 level for increased incremental toxicity.",)


@pytest.mark.parametrize("qol", ["no difference", "worse"])
def test_downgrade_when_only_pfs_improves_and_qol_does_not(qol):
    pre, final, adj = adjusted(trial("PFS", 0.6, 5.6, 4.0, qol=qol))
    assert (pre, final) == (3, 2)
    assert adj[0].startswith("Downgraded 1 level: only progression-free survival improved")


def test_no_downgrade_when_qol_was_not_assessed():
    # v1.1 downgrades only when a QoL assessment shows no improvement (not for missing QoL).
    r = evaluate(trial("PFS", 0.6, 5.6, 4.0, qol="not reported"))
    assert r.final_grade == 3 and r.adjustments == ()
    step = next(s for s in r.trace if "only PFS is improved" in s.rule)
    assert step.outcome == "not met"


def test_downgrades_add_up_and_stop_at_1():
    r = evaluate(trial("PFS", 0.6, 5.0, 4.0, qol="no difference", incremental_toxicity=True))
    assert (r.preliminary_grade, r.final_grade) == (2, 1)
    r = evaluate(trial("PFS", 0.7, 5.0, 4.0, qol="no difference", incremental_toxicity=True))
    assert (r.preliminary_grade, r.final_grade) == (1, 1)
    assert len(r.adjustments) == 2


def test_form_2a_has_no_toxicity_downgrade():
    r = evaluate(trial("OS", 0.6, 11.0, 8.0, incremental_toxicity=True, qol="no difference"))
    assert r.final_grade == 4
    assert not any("downgrade" in s.rule for s in r.trace)


def test_unassessable_toxicity_leaves_the_grade_and_says_so():
    r = evaluate(trial("PFS", 0.6, 5.6, 4.0, less_grade34_toxicity=None, incremental_toxicity=None))
    assert r.final_grade == 3
    outcomes = [s.outcome for s in r.trace if "adjustment" in s.rule]
    assert outcomes == ["not assessable", "not assessable", "not met"]


def test_delayed_qol_deterioration_is_reported_not_credited():
    r = evaluate(trial("PFS", 0.6, 5.6, 4.0, qol="delayed deterioration"))
    assert r.final_grade == 3
    assert "QoL delayed deterioration" in r.unconfirmed
    assert "not credited" in next(s.inputs for s in r.trace if "upgrade" in s.rule)


# --- eligibility ---------------------------------------------------------------------


def test_not_significant_is_not_eligible():
    r = evaluate(trial("PFS", 0.6, 4.2, 3.6, significant=False, hr=0.8, hr_upper=1.1, p=0.206))
    assert (r.eligible, r.form, r.preliminary_grade, r.final_grade) == (False, "2b", None, None)
    assert r.statement.startswith(
        "Not eligible for grading: the primary endpoint (PFS) was not statistically "
        "significant (p = 0.206; HR CI 0.6–1.1 includes 1)."
    )
    cells = [s for s in r.trace if s.rule.startswith("Form 2b, grade")]
    assert len(cells) == 3 and {s.outcome for s in cells} == {"not applicable"}


def test_significant_harm_is_not_eligible():
    r = evaluate(trial("PFS", 1.2, 3.0, 4.0, significant=False, hr=1.5, hr_upper=1.9, p=0.001))
    assert not r.eligible
    assert "favoured the control arm (p = 0.001; HR CI 1.2–1.9 excludes 1)" in r.statement


@pytest.mark.parametrize(
    ("kw", "phrase"),
    [
        ({"setting": "curative"}, "form 1"),
        ({"setting": "unknown"}, "curative intent could not be determined"),
        ({"design": "non-inferiority"}, "form 2c"),
        ({"primary_endpoint": "RR"}, "form 2c"),
    ],
)
def test_other_forms_are_named_and_not_graded(kw, phrase):
    r = evaluate(trial(**kw))
    assert not r.eligible and r.form is None and r.final_grade is None
    assert phrase in r.statement
    assert r.trace[-1].outcome in ("not met", "not assessable")


def test_pfs_trial_graded_on_significant_secondary_os_with_form_2a():
    r = evaluate(
        trial(
            "PFS",
            0.7,
            4.2,
            3.6,
            significant=False,
            os_significant=True,
            os_hr=0.7,
            os_hr_lower=0.6,
            os_hr_upper=0.85,
            os_median_treatment=14.0,
            os_median_control=11.0,
        )
    )
    assert (r.eligible, r.form, r.preliminary_grade) == (True, "2a", 4)
    assert r.statement.startswith("Graded on overall survival")
    assert "2a precedence" in r.unconfirmed


def test_significant_pfs_and_os_is_graded_on_os():
    base = trial("PFS", 0.5, 9.0, 5.0, qol="no difference")
    r = evaluate(
        replace(
            base,
            os_significant=True,
            os_hr_lower=0.68,
            os_median_treatment=14.0,
            os_median_control=11.0,
        )
    )
    # OS improved, so the form 2b "only PFS" downgrade does not arise.
    assert (r.form, r.preliminary_grade, r.final_grade) == ("2a", 2, 2)


def test_eligible_but_missing_numbers_is_not_gradable():
    r = evaluate(trial("PFS", 0.6, 5.6, None))
    assert r.eligible and r.final_grade is None
    assert "control arm's median PFS was not reported" in r.statement
    # Median not reached in the treatment arm: the gain is unknown, so a low HR limit
    # cannot be graded, but an HR limit above 0.65 is grade 1 whatever the gain.
    assert evaluate(trial("PFS", 0.5, None, 4.0)).final_grade is None
    assert evaluate(trial("PFS", 0.8, None, 4.0)).final_grade == 1


# --- the trace -----------------------------------------------------------------------


def test_trace_order_and_outcomes():
    r = evaluate(trial("PFS", 0.6, 5.6, 4.0))
    heads = [s.rule.split(":")[0] for s in r.trace]
    assert heads == [
        "Setting",
        "Design",
        "Form",
        "Eligibility",
        "Eligibility (alternative)",
        "Form 2b sheet",
        "Form 2b, grade 3",
        "Form 2b, grade 2",
        "Form 2b, grade 1",
        "Form 2b, adjustment",
        "Form 2b, adjustment",
        "Form 2b, adjustment",
    ]
    assert all(s.outcome in OUTCOMES for s in r.trace)
    assert all(s.citation.startswith("Cherny et al., Ann Oncol 2017;28:2340") for s in r.trace)
    grade3 = r.trace[6]
    assert grade3.rule == (
        "Form 2b, grade 3: HR lower limit ≤ 0.65 and gain ≥ 1.5 months (control median ≤ 6 months)"
    )
    assert (
        grade3.inputs
        == "HR 95% CI lower limit 0.6; median gain 1.6 months; control median 4 months"
    )


def test_unconfirmed_cells_are_marked_in_the_trace():
    confirmed = evaluate(trial("OS", 0.6, 11.0, 8.0))  # form 2a, ≤12 months: all confirmed
    cells = [s for s in confirmed.trace if s.rule.startswith("Form 2a, grade")]
    assert len(cells) == 4 and not any("unconfirmed" in s.citation for s in cells)
    r = evaluate(trial("PFS", 0.6, 5.0, 4.0))  # decided by form 2b grade 2
    assert "2b grades 2 and 1" in r.unconfirmed
    assert r.statement.endswith("could not be confirmed against the published form.")
    for mc in (15.0, 30.0):
        assert "2a >12 lower cells" in evaluate(trial("OS", 0.6, mc + 1.0, mc)).unconfirmed
    cited = {
        k
        for mc in (4.0, 8.0)
        for s in evaluate(trial("PFS", 0.6, mc + 1, mc)).trace
        for k in UNCONFIRMED_CELLS
        if k in s.citation
    }
    assert cited <= set(UNCONFIRMED_CELLS)


def test_inputs_reject_unknown_qol():
    with pytest.raises(ValueError, match="qol must be one of"):
        trial(qol="better")


@pytest.mark.parametrize(
    ("id", "name", "code"),
    [
        ("pfs", "Progression-free survival", "PFS"),
        ("os", "Overall survival", "OS"),
        ("ttp", "Time to progression", "TTP"),
        ("orr", "Overall response rate", "RR"),
        ("dfs", "Disease-free survival", "DFS"),
        ("qol", "Time to deterioration of quality of life", "QoL"),
    ],
)
def test_endpoint_codes(id, name, code):
    assert endpoint_code(id, name) == code


# --- PALMIRA -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def palmira_dict():
    return json.loads(resources.read_text(resources.PALMIRA))


def figures_for(evidence) -> FigureSet:
    """The figures the evaluator reads: reported, counts, endpoint and comparison figures."""
    figures = FigureSet()
    figures.extend(reported_figures(evidence))
    add_count_figures(evidence, figures)
    add_endpoint_figures(evidence, figures)
    add_comparison_figures(evidence, figures)
    return figures


def test_palmira_inputs():
    ev = load_bundled()
    i = inputs_from_evidence(ev, figures_for(ev))
    assert (i.setting, i.primary_endpoint, i.design, i.significant) == (
        "non-curative",
        "PFS",
        "superiority",
        False,
    )
    # Reported: HR 0.8 (95% CI 0.6–1.1), p = 0.206, medians 4.2 vs 3.6 months (exact).
    assert (i.hr, i.hr_lower, i.hr_upper, i.p) == (0.8, 0.6, 1.1, 0.206)
    assert (i.median_treatment, i.median_control) == (4.2, 3.6)
    assert i.os_significant is None and i.qol == "not reported"
    assert (i.grade34_treatment, i.grade34_control) == (45.2, 8.3)
    assert i.less_grade34_toxicity is False and i.incremental_toxicity is None
    assert i.treatment_related_deaths == 0
    assert "advanced" in i.setting_basis
    assert {"pfs.hr", "pfs.p", "pfs.median.palbo_et", "pfs.median.et"} <= set(i.figure_ids)


def test_palmira_verdict():
    ev = load_bundled()
    r = evaluate_evidence(ev, figures_for(ev))
    assert (r.eligible, r.form, r.preliminary_grade, r.final_grade) == (False, "2b", None, None)
    assert r.statement == (
        "Not eligible for grading: the primary endpoint (PFS) was not statistically "
        "significant (p = 0.206; HR CI 0.6–1.1 includes 1). Overall survival (a secondary "
        "endpoint that could also qualify the trial) was not reported."
    )
    eligibility = next(s for s in r.trace if s.rule.startswith("Eligibility:"))
    assert eligibility.outcome == "not met"
    assert eligibility.inputs == "PFS: p = 0.206; HR CI 0.6–1.1 includes 1; α = 0.05"
    cell = next(s for s in r.trace if s.rule.startswith("Form 2b, grade 3"))
    assert cell.inputs == (
        "HR 95% CI lower limit 0.6; median gain 0.6 months; control median 3.6 months"
    )


def test_palmira_figure_in_summary():
    summary = summarize(load_bundled())
    f = summary.figure(FIGURE_ID)
    assert f.value is None and f.formatted() == "—"
    assert (f.status, f.topic, f.label) == (
        "derived",
        "interpretation",
        "ESMO-MCBS v1.1 grade (form 2b)",
    )
    assert f.derivation.startswith("Not eligible for grading: the primary endpoint (PFS)")
    assert "Form 2b, grade 3: HR lower limit ≤ 0.65 and gain ≥ 1.5 months" in f.derivation
    assert "pfs.hr" in f.inputs and "pfs.p" in f.inputs
    assert f.brief.startswith("Not eligible for grading")  # method is split off the inputs
    ids = [g["id"] for g in summary.to_json()["figures"]]
    assert FIGURE_ID in ids


def edited(data, edit):
    data = copy.deepcopy(data)
    edit(data)
    ev = from_dict(data, origin="edited")
    return evaluate_evidence(ev, figures_for(ev))


def test_palmira_made_significant_is_graded(palmira_dict):
    def significant(d):
        d["endpoints"][0]["effect"]["estimate"]["upper"] = 0.9
        d["endpoints"][0]["effect"]["p"]["value"] = 0.01

    r = edited(palmira_dict, significant)
    # HR limit 0.6 ≤ 0.65 but gain 0.6 < 1.5 months (control median 3.6 ≤ 6): grade 2;
    # grade 3–4 toxicity is not lower, QoL not reported: no adjustment.
    assert (r.eligible, r.form, r.preliminary_grade, r.final_grade) == (True, "2b", 2, 2)


def test_palmira_p_and_ci_must_agree(palmira_dict):
    def ci_only(d):
        d["endpoints"][0]["effect"]["estimate"]["upper"] = 0.9  # p stays 0.206

    assert not edited(palmira_dict, ci_only).eligible


def test_setting_from_text(palmira_dict):
    def adjuvant(d):
        d["trial"]["population"] = "Early HR+/HER2− breast cancer"
        d["trial"]["setting"] = "Adjuvant, after surgery"

    r = edited(palmira_dict, adjuvant)
    assert r.form is None and "form 1" in r.statement
