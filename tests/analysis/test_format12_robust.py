"""Every analysis on format-1.2 evidence: what it can produce, and a plain reason where not.

The cases are (a) no sample-size calculation, (b) several treatment arms, (c) a single
group, (d) no primary endpoint (a registry outcome measure is primary), (e) no endpoints,
(f) registry outcome measures with values and analyses and (g) ungraded registry adverse
events. Each is tested on real objects: the bundled PACE file (a, b), the
ClinicalTrials.gov records of the shared fixtures read by the importer (c-g), and
PALMIRA changed with ``dataclasses.replace`` where a case needs one change only.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from statistics import NormalDist
from types import MappingProxyType

import pytest

from explorer.analysis import summarize
from explorer.analysis.arms import comparison_pairs, primary_pair
from explorer.analysis.design import input_origins, inputs_from_evidence
from explorer.analysis.endpoints import endpoint_frame, forest_data
from explorer.analysis.esmo_mcbs import evaluate_evidence
from explorer.analysis.esmo_mcbs import inputs_from_evidence as mcbs_inputs
from explorer.analysis.interpretation import absolute_effects, comparison_scope
from explorer.analysis.outcomes import analysis_rows, ordered_measures, value_rows
from explorer.analysis.overview import overview
from explorer.analysis.safety import (
    adverse_event_frame,
    filter_mask,
    grade_band,
    organ_systems_present,
    sections_present,
)
from explorer.evidence import (
    AdverseEvent,
    Document,
    Measure,
    OutcomeAnalysis,
    OutcomeGroup,
    OutcomeMeasure,
    OutcomeValue,
    Proportion,
    Source,
    ctgov,
    load,
    load_bundled,
)
from explorer.resources import BUNDLED_EVIDENCE
from explorer.resources import path as resource_path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ctgov" / "real" / "v2"


def _record(nct: str):
    return ctgov.read_registry_file(FIXTURES / f"{nct}.json")[0]


@pytest.fixture(scope="module")
def pace():
    return summarize(load(resource_path("evidence/pace-jco2024.json")))


@pytest.fixture(scope="module")
def dapa():
    """DAPA-CKD (NCT03036150): primary outcome is an outcome measure; 693 ungraded AEs."""
    return summarize(_record("NCT03036150"))


@pytest.fixture(scope="module")
def single():
    """NCT05594173: one group of healthy participants, no control arm."""
    return summarize(_record("NCT05594173"))


def _no_nan_shown(summary) -> None:
    """No figure is shown as NaN: a number, or None (shown as "—")."""
    for f in summary.figures:
        if f.value is not None:
            assert not (isinstance(f.value, float) and math.isnan(f.value)), f.id
        assert "nan" not in f.formatted().lower(), f.id


# -- every bundled file and every registry record: nothing raises --------------------


@pytest.mark.parametrize("name", BUNDLED_EVIDENCE)
def test_every_bundled_file_summarises_with_text_everywhere(name):
    s = summarize(load(resource_path(name)))
    _no_nan_shown(s)
    assert s.primary_result()
    assert [st.text for st in overview(s)]
    assert evaluate_evidence(s.evidence, s).statement
    assert len(endpoint_frame(s)) >= 1


@pytest.mark.parametrize("nct", ["NCT02210780", "NCT03036150", "NCT05594173"])
def test_every_registry_record_summarises(nct):
    s = summarize(_record(nct))
    _no_nan_shown(s)
    s.to_json()
    assert s.checks_frame().columns.tolist() == ["id", "level", "message", "figures"]
    adverse_event_frame(s)
    forest_data(s)


# -- (a) no sample-size calculation ---------------------------------------------------


def test_a_no_power_calculation_is_said_not_invented(pace):
    ev = pace.evidence
    assert not ev.design.has_power_calculation
    assert pace.design is None
    assert (
        pace.get("design.alpha") is None and pace.get("design.events_required_schoenfeld") is None
    )
    design = next(st for st in overview(pace) if st.id == "design")
    assert design.text.startswith("The source reports no sample-size calculation (not reported:")
    assert "your assumptions" in design.text


def test_a_calculator_inputs_are_marked_as_the_users_assumptions(pace):
    ev = pace.evidence
    inputs = inputs_from_evidence(ev)
    # PACE randomised 1:2:1 (F : F + P : F + P + A): F + P against F is 2:1.
    assert inputs.ratio == pytest.approx(2.0)
    origins = input_origins(ev, inputs)
    for name in ("hr", "alpha", "power", "sides"):
        assert origins[name].status == "unreported"
        assert origins[name].short == "not reported: your assumption"
    # PACE's file records the 2:1 as derived from the printed 1:2:1 allocation.
    assert origins["ratio"].status == "derived"
    assert "1:2:1" in origins["ratio"].note
    # Without it, the arms' allocation weights give the same ratio, said so.
    bare = replace(ev, design=replace(ev.design, allocation_ratio=None))
    again = input_origins(bare, inputs_from_evidence(bare))
    assert inputs_from_evidence(bare).ratio == pytest.approx(2.0)
    assert again["ratio"].status == "derived"
    assert "allocation weights" in again["ratio"].note


def test_a_significance_check_uses_the_intervals_own_level(pace):
    # No design α: the p and the CI are read at α = 1 − 0.90 = 0.10, as the 90% CI says.
    check = next(c for c in pace.checks if c.id == "pfs_significance")
    assert check.level == "pass"
    assert "α = 0.1 (matching the 90% CI; the design's α is not reported)" in check.message
    assert "design.alpha" not in check.figures


def test_a_allocation_check_says_ratio_not_reported():
    ev = load_bundled()
    ev = replace(ev, design=replace(ev.design, allocation_ratio=None))
    s = summarize(ev)
    check = next(c for c in s.checks if c.id == "allocation")
    assert check.level == "note"
    assert "not reported" in check.message


# -- (b) several treatment arms -------------------------------------------------------


def test_b_both_pace_comparisons_appear_with_their_own_ci_level(pace):
    first = pace.figure("pfs.hr")
    second = pace.figure("pfs.hr.fulv_palbo_avel_vs_fulv")
    assert (first.value, first.lower, first.upper, first.level) == (1.11, 0.79, 1.55, 0.9)
    assert (second.value, second.lower, second.upper, second.level) == (0.75, 0.50, 1.12, 0.9)
    assert pace.figure("pfs.p.fulv_palbo_avel_vs_fulv").value == 0.23
    assert "F + P + A vs F" in second.label
    pairs = [p.label for p in comparison_pairs(pace.evidence)]
    assert pairs == ["F + P vs F", "F + P + A vs F"]


def test_b_wald_p_of_the_second_comparison():
    # Method: Wald test from a printed 90% CI, SE = (ln U − ln L) / (2 z_0.95); reference:
    # the closed form with Python's NormalDist (the same formula R's qnorm/pnorm give);
    # tolerance 1e-12.
    s = summarize(load(resource_path("evidence/pace-jco2024.json")))
    z90 = NormalDist().inv_cdf(0.95)
    se = (math.log(1.12) - math.log(0.50)) / (2 * z90)
    p = 2 * NormalDist().cdf(-abs(math.log(0.75) / se))
    fig = s.figure("pfs.wald_p.fulv_palbo_avel_vs_fulv")
    assert fig.value == pytest.approx(p, rel=1e-12)
    assert fig.inputs == ("pfs.hr.fulv_palbo_avel_vs_fulv",)


def test_b_medians_of_three_arms_and_hr_implied_per_comparison(pace):
    # Exponential model: HR = median(control) / median(treatment); 4.8 / 8.1 (tolerance 1e-12).
    implied = pace.figure("pfs.hr_from_medians.fulv_palbo_avel_vs_fulv")
    assert implied.value == pytest.approx(4.8 / 8.1, rel=1e-12)
    assert pace.figure("pfs.hr_from_medians").value == pytest.approx(4.8 / 4.6, rel=1e-12)
    assert pace.primary_result() == (
        "Progression-free survival: median 4.6 months (F + P), 8.1 months (F + P + A), "
        "4.8 months (F); HR 1.11 (90% CI 0.79–1.55), p = 0.62 (F + P vs F); "
        "HR 0.75 (90% CI 0.50–1.12), p = 0.23 (F + P + A vs F)"
    )


def test_b_endpoint_table_and_forest_have_a_row_per_comparison(pace):
    frame = endpoint_frame(pace)
    pfs = frame[frame["endpoint_id"] == "pfs"]
    assert pfs["effect"].tolist() == ["HR 1.11 (0.79–1.55)", "HR 0.75 (0.50–1.12)"]
    assert pfs["comparison"].tolist() == ["F + P vs F", "F + P + A vs F"]
    # The second row shows only the arms it compares.
    assert pfs["arm.fulv_palbo"].isna().tolist() == [False, True]
    assert pfs["arm.fulv_palbo_avel"].iloc[1].startswith("8.1 months")
    forest = forest_data(pace)
    assert forest.figure_ids == ("pfs.hr", "pfs.hr.fulv_palbo_avel_vs_fulv")
    assert forest.directions == ("<1 favours F + P", "<1 favours F + P + A")


def test_b_overview_states_every_comparison_and_why_absolute_effects_are_first_only(pace):
    headings = [st.heading for st in overview(pace)]
    assert "Primary endpoint: Progression-free survival, F + P vs F" in headings
    assert "Primary endpoint: Progression-free survival, F + P + A vs F" in headings
    scope = comparison_scope(pace.evidence)
    assert scope.startswith("This trial has 2 treatment arms")
    assert "primary comparison, F + P vs F, only" in scope


# -- (c) a single group ---------------------------------------------------------------


def _single_group_palmira():
    ev = load_bundled()
    drop = "et"

    def keep(mapping):
        return MappingProxyType({k: v for k, v in mapping.items() if k != drop})

    eps = []
    for ep in ev.endpoints:
        if hasattr(ep, "medians"):
            eps.append(
                replace(
                    ep,
                    medians=keep(ep.medians),
                    landmarks=tuple(replace(lm, by_arm=keep(lm.by_arm)) for lm in ep.landmarks),
                    effect=None,
                )
            )
        else:
            eps.append(replace(ep, by_arm=keep(ep.by_arm)))
    design = replace(
        ev.design, allocation_ratio=None, hypothesised_hr=None, alpha=None, power=None, sides=None
    )
    return replace(
        ev,
        schema_version="1.2",
        arms=ev.arms[:1],
        populations=tuple(replace(p, by_arm=keep(p.by_arm)) for p in ev.populations),
        endpoints=tuple(eps),
        adverse_events=tuple(replace(a, by_arm=keep(a.by_arm)) for a in ev.adverse_events),
        baseline=tuple(replace(b, by_arm=keep(b.by_arm)) for b in ev.baseline),
        design=design,
    )


def test_c_single_group_has_no_comparison_and_says_so():
    s = summarize(_single_group_palmira())
    _no_nan_shown(s)
    assert primary_pair(s.evidence) is None
    assert s.get("pfs.hr_from_medians") is None and s.get("orr.rd") is None
    assert s.primary_result() == "Progression-free survival: median 4.2 months (P+ET)"
    texts = {st.id: st.text for st in overview(s)}
    assert texts["comparison"].startswith("Not applicable: this is a single-group study")
    assert texts["primary"].startswith("Median progression-free survival with P+ET: 4.2 months")
    verdict = evaluate_evidence(s.evidence, s)
    assert verdict.final_grade is None
    assert (
        verdict.statement == "Not graded: a single-group study has no control arm to compare with."
    )
    frame = adverse_event_frame(s)
    assert frame["rd"].isna().all()
    assert frame["rd_provenance"].str.startswith("not applicable: a single-group study").all()
    assert frame["rate_text.palbo_et"].iloc[0] == "45.2% ●"


def test_c_registry_single_group(single):
    assert not single.evidence.has_control
    assert single.primary_result() == (
        "Primary outcome (registry outcome measure): Number of Chewing Cycles Per Bolus"
    )
    assert comparison_scope(single.evidence).startswith("Not applicable: a single-group study")
    assert absolute_effects(single.evidence, single) == []


# -- (d) the primary outcome is a registry outcome measure ----------------------------


def test_d_primary_outcome_measure_in_header_overview_and_mcbs(dapa):
    ev = dapa.evidence
    assert ev.primary_endpoint is None
    title = ev.outcome_measure(ev.design.primary_endpoint).title
    assert dapa.primary_result() == f"Primary outcome (registry outcome measure): {title}"
    primary = next(st for st in overview(dapa) if st.id == "primary")
    assert primary.heading == f"Primary outcome: {title}"
    assert "Hazard Ratio (HR): 0.61 (95% CI 0.51–0.72)." in primary.text
    verdict = evaluate_evidence(ev, dapa)
    assert verdict.statement.startswith("Not graded: the primary outcome is a registry outcome")


def test_d_no_primary_at_all():
    ev = load_bundled()
    s = summarize(replace(ev, design=replace(ev.design, primary_endpoint=None)))
    assert s.primary_result() == "No primary endpoint in this evidence"
    assert overview(s)[0].text == "No primary endpoint in this evidence."


# -- (e) no endpoints -----------------------------------------------------------------


def test_e_registry_record_without_endpoints():
    s = summarize(_record("NCT02210780"))
    assert s.evidence.endpoints == ()
    assert len(endpoint_frame(s)) == 0
    assert len(forest_data(s)) == 0
    assert s.primary_result().startswith("Primary outcome (registry outcome measure): Percentage")


# -- (f) registry outcome measures ----------------------------------------------------


def test_f_dapa_primary_analysis_row_and_its_source(dapa):
    om = ordered_measures(dapa.evidence)[0]
    assert om.role == "primary"
    (row,) = analysis_rows(om)
    assert (row.groups, row.estimate_name, row.value, row.ci, row.p) == (
        "Dapagliflozin vs Placebo",
        "Hazard Ratio (HR)",
        "0.61",
        "95% CI 0.51–0.72",
        "<0.0001",
    )
    fig = dapa.figure(row.figure_id)
    assert fig.status == "reported" and fig.topic == "outcome_measures"
    assert "(record updated 2021-07-07)" in fig.source
    assert "outcomeMeasures[0].analyses[0].paramValue" in fig.source
    values = value_rows(om)
    assert [(v.group, v.value, v.n) for v in values] == [
        ("Dapagliflozin", "197", "2152"),
        ("Placebo", "312", "2152"),
    ]
    assert dapa.topic_title("outcome_measures") == "Registry outcome measures"


def _measure_case():
    """PALMIRA with a registry record and two outcome measures (CI, SD, NA, 90% CI)."""
    ev = load_bundled()
    doc = Document("reg", "registry", "Record", "ClinicalTrials.gov NCT03809988", date="2024-05-01")

    def src(path, quote):
        return Source("reg", path, quote)

    base = "resultsSection.outcomeMeasuresModule.outcomeMeasures"
    pfs = OutcomeMeasure(
        id="om_pfs",
        title="Progression-Free Survival",
        role="primary",
        description=None,
        time_frame="Up to 42 months",
        population_description=None,
        param_type="MEDIAN",
        dispersion="95% Confidence Interval",
        unit="months",
        groups=(
            OutcomeGroup("OG000", "Palbociclib + ET", None, "palbo_et", None),
            OutcomeGroup("OG001", "ET", None, "et", None),
        ),
        values=(
            OutcomeValue(
                "OG000", None, None,
                Measure(4.9, "reported", decimals=1, source=src(f"{base}[0].x", "4.9")),
                lower=3.6, upper=6.1,
            ),
            OutcomeValue(
                "OG001", None, None,
                Measure(3.6, "reported", decimals=1, source=src(f"{base}[0].y", "3.6")),
                lower=2.5, upper=None,
            ),
        ),
        analyses=(
            OutcomeAnalysis(
                ("OG000", "OG001"), None, "Hazard Ratio (HR)",
                Measure(1.11, "reported", decimals=2, lower=0.79, upper=1.55, level=0.90,
                        source=src(f"{base}[0].analyses[0].paramValue", "1.11")),
                2,
                Measure(0.62, "reported", decimals=2,
                        source=src(f"{base}[0].analyses[0].pValue", "0.62")),
                "Log Rank",
            ),
        ),
    )  # fmt: skip
    qol = OutcomeMeasure(
        id="om_qol", title="Global health status", role="secondary", description=None,
        time_frame="Week 12", population_description=None, param_type="MEAN",
        dispersion="Standard Deviation", unit="units on a scale",
        groups=(OutcomeGroup("OG000", "Palbociclib + ET", None, "palbo_et", None),
                OutcomeGroup("OG001", "ET", None, "et", None)),
        values=(OutcomeValue("OG000", None, None, Measure(
                    12.5, "reported", decimals=1, source=src(f"{base}[1].v", "12.5")), spread=3.2),
                OutcomeValue("OG001", None, None, None, comment="NA: too few participants")),
        analyses=(),
    )  # fmt: skip
    return replace(
        ev,
        schema_version="1.2",
        documents=(*ev.documents, doc),
        outcome_measures=(qol, pfs),
        design=replace(ev.design, primary_endpoint="om_pfs"),
    )


def test_f_values_and_analyses_as_dispersion_says():
    s = summarize(_measure_case())
    first, second = ordered_measures(s.evidence)
    assert first.id == "om_pfs"  # primary first
    (analysis,) = analysis_rows(first)
    assert analysis.ci == "90% CI (2-sided) 0.79–1.55"
    assert analysis.p == "0.62"
    assert [v.spread for v in value_rows(first)] == ["95% CI 3.6–6.1", "95% CI 2.5–NA"]
    qol = value_rows(second)
    assert (qol[0].value, qol[0].spread) == ("12.5", "SD 3.2")
    assert (qol[1].value, qol[1].comment, qol[1].figure_id) == (
        "NA",
        "NA: too few participants",
        None,
    )
    fig = s.figure("outcome.om_pfs.value_0")
    assert (fig.value, fig.lower, fig.upper, fig.level) == (4.9, 3.6, 6.1, 0.95)
    assert fig.formatted() == "4.9 months (95% CI 3.6–6.1)"
    # A one-sided upper bound is not an interval: the figure keeps the value only.
    assert s.figure("outcome.om_pfs.value_1").lower is None
    assert s.figure("outcome.om_pfs.analysis_0.estimate").level == 0.9


# -- (g) ungraded registry adverse events ---------------------------------------------


def test_g_ungraded_events_are_never_a_grade(dapa):
    frame = adverse_event_frame(dapa)
    assert len(frame) == 693
    assert set(frame["grade_band"]) == {"No grade"}
    assert sections_present(frame) == [
        "Serious adverse events (registry, no grade)",
        "Other adverse events (registry, no grade)",
    ]
    anaemia = frame[(frame["term"] == "Anaemia") & (frame["category"] == "serious")].iloc[0]
    assert anaemia["plot_label"] == "Anaemia (serious, no grade)"
    assert anaemia["organ_system"] == "Blood and lymphatic system disorders"
    assert anaemia["count_text.dapagliflozin"] == "7/2149 ●"
    cardiac = filter_mask(frame, organ_system="Cardiac disorders")
    assert 0 < cardiac.sum() < len(frame)
    assert "Cardiac disorders" in organ_systems_present(frame)
    # Never in grade ≥ 3 totals: no toxicity statement, no ESMO-MCBS grade 3-4 rate.
    assert not [st for st in overview(dapa) if st.id.startswith("ae_")]
    assert grade_band("ungraded") == "No grade"


def test_g_ungraded_entries_beside_graded_ones_stay_apart():
    ev = load_bundled()
    n = Measure(135, "reported", unit="patients", decimals=0, source=Source("asco2023", "x", "135"))
    k = Measure(60, "reported", unit="patients", decimals=0, source=Source("asco2023", "x", "60"))
    extra = AdverseEvent(
        id="sae_neutropenia",
        term="Adverse events",
        grade="ungraded",
        category="serious",
        population="safety",
        by_arm=MappingProxyType({"palbo_et": Proportion(None, k, n)}),
        organ_system="Blood and lymphatic system disorders",
    )
    s = summarize(replace(ev, schema_version="1.2", adverse_events=(*ev.adverse_events, extra)))
    # ESMO-MCBS still reads the graded grade 3-4 total (45.2% vs 8.3%), never the
    # ungraded "Adverse events" entry of 60/135 = 44.4%, even when it comes first.
    moved = replace(s.evidence, adverse_events=(extra, *ev.adverse_events))
    inputs = mcbs_inputs(moved, summarize(moved))
    assert (inputs.grade34_treatment, inputs.grade34_control) == (45.2, 8.3)
    frame = adverse_event_frame(s)
    assert frame["section"].tolist()[-1] == "Serious adverse events (registry, no grade)"
    assert s.figure("ae.sae_neutropenia.count.palbo_et").label == (
        "Adverse events (serious, no grade): patients, P+ET"
    )
    statements = [st for st in overview(s) if st.id.startswith("ae_")]
    assert [st.id for st in statements] == ["ae_ae_grade_3_4"]


def test_report_lists_outcome_measures_and_ungraded_events_apart(dapa):
    from explorer.report.html import REPORT_UNGRADED_ROWS, build_html

    html = build_html(dapa, generated="2026-01-01")
    assert "<h3>Registry outcome measures</h3>" in html
    assert "95% CI 0.51–0.72" in html and "&lt;0.0001" in html
    assert f"<h3>{SERIOUS_HTML}</h3>" in html
    assert f"The {REPORT_UNGRADED_ROWS} most frequent are shown" in html
    assert "<h3>Every adverse event</h3>" not in html  # no graded events in the record


SERIOUS_HTML = "Serious adverse events (registry, no grade)"


def test_registry_p_keeps_its_qualifier_in_the_endpoint_table(dapa):
    # "p < 0.0001" in the record: the table never shows it as p = 0.0001.
    frame = endpoint_frame(dapa)
    assert frame["p"].tolist()[:2] == ["<0.0001", "<0.0001"]
    check = next(c for c in dapa.checks if c.id.endswith("_tte_p_vs_ci"))
    assert check.level == "pass" and "reported p < 0.0001 agrees" in check.message
