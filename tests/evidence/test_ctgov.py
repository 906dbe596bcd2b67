"""ClinicalTrials.gov importer: real API v2 records in, evidence of format 1.2 out.

The three v2 records and the retired pre-v2 record are real, byte-for-byte as published
(``tests/fixtures/ctgov/real``, copied with their provenance README). The hand-made fixtures in
``tests/fixtures/ctgov`` (a made-up three-arm study and a classic XML record) cover what
those records do not: medians with a hazard ratio, "NA" values, "Total" groups, three
arms. Expected values are read off the records themselves, by hand.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from explorer import evidence, resources
from explorer.evidence import EvidenceError, ctgov

REAL = Path(__file__).parents[1] / "fixtures/ctgov/real"
HANDMADE = Path(__file__).parents[1] / "fixtures/ctgov"
DAPA_CKD = REAL / "v2/NCT03036150.json"
DUPILUMAB = REAL / "v2/NCT02210780.json"
CHEWING = REAL / "v2/NCT05594173.json"
LEGACY = REAL / "legacy_v1_json/NCT00023673.json"
MADE_UP = HANDMADE / "made-up-three-arm.json"


def _record(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _one(path: Path) -> evidence.Evidence:
    (ev,) = ctgov.read_registry_file(path)
    return ev


@pytest.fixture(scope="module")
def dapa() -> evidence.Evidence:
    return _one(DAPA_CKD)


@pytest.fixture(scope="module")
def dupilumab() -> evidence.Evidence:
    return _one(DUPILUMAB)


@pytest.fixture(scope="module")
def chewing() -> evidence.Evidence:
    return _one(CHEWING)


@pytest.fixture(scope="module")
def made_up() -> evidence.Evidence:
    return _one(MADE_UP)


def _walk(record: Any, path: str) -> Any:
    """Follow a source section such as ``a.b[0].c`` through the raw record."""
    node = record
    for key, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path):
        node = node[int(index)] if index else node[key]
    return node


def _printed(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# --- what a file is -------------------------------------------------------------------


def test_sniff_names_each_kind():
    assert ctgov.sniff({"schema_version": "1.2"}) == "evidence"
    assert ctgov.sniff(_record(CHEWING)) == "ctgov-v2-study"
    assert ctgov.sniff({"studies": [], "nextPageToken": "abc"}) == "ctgov-v2-page"


def test_sniff_names_the_retired_pre_v2_json():
    with pytest.raises(EvidenceError) as caught:
        ctgov.sniff(_record(LEGACY), origin="old.json")
    assert caught.value.origin == "old.json"
    assert "retired ClinicalTrials.gov classic-API JSON record (pre-v2" in caught.value.problem
    assert "current API (v2)" in caught.value.problem


def test_sniff_lists_the_keys_of_anything_else():
    with pytest.raises(EvidenceError) as caught:
        ctgov.sniff({"rows": [], "columns": []})
    assert caught.value.problem == (
        "not an evidence file or a ClinicalTrials.gov v2 record (top-level keys: 'rows', 'columns')"
    )
    with pytest.raises(EvidenceError, match="the top level is an array"):
        ctgov.sniff([1, 2])


# --- DAPA-CKD (NCT03036150): two arms, 679 serious-event terms -------------------------


def test_dapa_ckd_identity_and_document(dapa):
    trial = dapa.trial
    assert (trial.registry_id, trial.acronym, trial.phase) == ("NCT03036150", "Dapa-CKD", "III")
    assert trial.population == "Chronic Kidney Disease"
    assert trial.title.startswith("A Study to Evaluate the Effect of Dapagliflozin")
    assert "ClinicalTrials.gov" in trial.citation.text
    assert "NCT03036150" in trial.citation.text
    assert "Last update posted 2021-07-07" in trial.citation.text
    assert trial.citation.url == "https://clinicaltrials.gov/study/NCT03036150"
    (document,) = dapa.documents
    assert (document.id, document.kind, document.date) == ("ctgov", "registry", "2021-07-07")
    assert dapa.schema_version == "1.2"
    assert dapa.data_cut.date is None
    assert dapa.design.masking == "quadruple-blind"
    assert not dapa.design.has_power_calculation
    assert dapa.design.allocation_ratio is None
    assert dapa.design.primary_endpoint == "primary_1"


def test_dapa_ckd_arms_and_group_mapping(dapa):
    assert [(a.id, a.label, a.role) for a in dapa.arms] == [
        ("dapagliflozin", "Dapagliflozin", "treatment"),
        ("placebo", "Placebo", "control"),
    ]
    randomised = dapa.population("randomised")
    assert randomised.total.value == 4304  # enrollmentInfo.count, ACTUAL
    assert {arm: m.value for arm, m in randomised.by_arm.items()} == {
        "dapagliflozin": 2152,
        "placebo": 2152,
    }
    # The adverse-event group EG000 is titled "Dapa 10 mg", not "Dapagliflozin": it is
    # matched by its description, which the flow group FG000 shares.
    safety = dapa.population("safety")
    assert safety.kind == "safety"
    assert "at risk for adverse events" in safety.label.lower()
    dapa_at_risk = safety.by_arm["dapagliflozin"]
    assert dapa_at_risk.value == 2149
    assert dapa_at_risk.source.section == (
        "resultsSection.adverseEventsModule.eventGroups[0].seriousNumAtRisk"
    )
    groups = dapa.outcome_measure("primary_1").groups
    assert [(g.id, g.arm, g.n.value) for g in groups] == [
        ("OG000", "dapagliflozin", 2152),
        ("OG001", "placebo", 2152),
    ]


def test_dapa_ckd_outcome_value_and_analysis(dapa):
    om = dapa.outcome_measure("primary_1")
    assert om.role == "primary"
    assert om.param_type == "COUNT_OF_PARTICIPANTS"
    assert om.unit == "Participants"
    placebo = next(v for v in om.values if v.group == "OG001")
    assert placebo.measure.value == 312
    assert placebo.measure.source.section == (
        "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].classes[0].categories[0]"
        ".measurements[1].value"
    )
    (analysis,) = om.analyses
    assert analysis.estimate_name == "Hazard Ratio (HR)"
    estimate = analysis.estimate
    assert (estimate.value, estimate.lower, estimate.upper, estimate.level) == (
        0.61,
        0.51,
        0.72,
        0.95,
    )
    assert analysis.ci_sides is None  # the record does not state ciNumSides
    assert (analysis.p.value, analysis.p.qualifier, analysis.p.source.quote) == (
        0.0001,
        "<",
        "< 0.0001",
    )
    assert analysis.method == "Regression, Cox"
    assert analysis.groups == ("OG000", "OG001")
    assert analysis.non_inferiority == "SUPERIORITY"


def test_dapa_ckd_time_to_outcomes_become_time_to_event_endpoints(dapa):
    # "Time to ..." counts of participants with a Cox hazard ratio of one treatment arm
    # against the control arm: the Compare panel can use the hazard ratio.
    assert [ep.id for ep in dapa.endpoints] == [
        "primary_1_tte",
        "secondary_1_tte",
        "secondary_2_tte",
        "secondary_3_tte",
    ]
    primary = dapa.endpoint("primary_1_tte")
    assert (primary.role, primary.unit, primary.population) == ("primary", "months", "randomised")
    assert dict(primary.medians) == {}
    effect = primary.effect
    assert (effect.treatment, effect.control, effect.label) == (
        "dapagliflozin",
        "placebo",
        "Dapagliflozin vs Placebo",
    )
    assert effect.estimate.formatted == "0.61 (95% CI 0.51–0.72)"
    assert effect.p.qualifier == "<"
    assert primary.events.value == 509  # 197 + 312 participants with an event
    assert primary.events.status == "derived"
    assert "mapped from the registry outcome measure primary_1" in primary.note.lower()
    deaths = dapa.endpoint("secondary_3_tte")
    assert deaths.effect.estimate.formatted == "0.69 (95% CI 0.53–0.88)"
    assert deaths.effect.p.value == 0.0035


def test_dapa_ckd_adverse_event(dapa):
    anaemia = dapa.adverse_event("serious_1")
    assert (anaemia.term, anaemia.grade, anaemia.category) == ("Anaemia", "ungraded", "serious")
    assert anaemia.organ_system == "Blood and lymphatic system disorders"
    assert not anaemia.is_graded
    assert anaemia.population == "safety"
    counts = {arm: (p.count.value, p.denominator.value) for arm, p in anaemia.by_arm.items()}
    assert counts == {"dapagliflozin": (7, 2149), "placebo": (8, 2149)}
    assert anaemia.by_arm["placebo"].count.source.section == (
        "resultsSection.adverseEventsModule.seriousEvents[0].stats[1].numAffected"
    )
    assert "no CTCAE grade" in anaemia.note


def test_dapa_ckd_imports_all_679_serious_terms(dapa):
    record = _record(DAPA_CKD)["resultsSection"]["adverseEventsModule"]
    serious = [
        ae for ae in dapa.adverse_events if ae.id.startswith("serious_") and ae.id[8:].isdigit()
    ]
    assert len(serious) == 679
    assert [ae.term for ae in serious] == [e["term"] for e in record["seriousEvents"]]
    others = [ae for ae in dapa.adverse_events if re.fullmatch(r"other_\d+", ae.id)]
    assert len(others) == len(record["otherEvents"]) == 11


def test_dapa_ckd_deaths_and_summary_events(dapa):
    deaths = dapa.adverse_event("deaths")
    assert (deaths.term, deaths.grade, deaths.category) == ("All-cause deaths", "ungraded", "other")
    counts = {arm: (p.count.value, p.denominator.value) for arm, p in deaths.by_arm.items()}
    assert counts == {"dapagliflozin": (107, 2152), "placebo": (159, 2152)}
    # deathsNumAtRisk (2152 per arm) is the randomised population, not the 2149 at risk
    assert deaths.population == "randomised"
    assert "randomised" in deaths.note
    serious = dapa.adverse_event("serious_any")
    assert serious.by_arm["placebo"].count.value == 729


def test_dapa_ckd_baseline(dapa):
    age = dapa.baseline_characteristic("baseline_1")
    assert age.label == "Age, Continuous"
    assert (age.overall.value, age.by_arm["placebo"].value, age.by_arm["placebo"].unit) == (
        61.8,
        61.9,
        "years",
    )
    assert "standard deviation 12.1" in age.note
    female = next(b for b in dapa.baseline if b.label == "Sex: Female, Male — Female")
    assert female.by_arm["dapagliflozin"].value == 709
    assert female.overall.value == 1425  # the "Total" group BG002


# --- dupilumab (NCT02210780): the placebo arm is typed EXPERIMENTAL --------------------


def test_dupilumab_identity(dupilumab):
    trial = dupilumab.trial
    assert (trial.registry_id, trial.acronym, trial.phase) == ("NCT02210780", "NCT02210780", "II")
    assert trial.population == "Atopic Dermatitis"
    assert dupilumab.documents[0].date == "2020-05-07"
    assert dupilumab.design.masking == "triple-blind"


def test_dupilumab_arms_placebo_is_control_by_its_intervention(dupilumab):
    assert [(a.id, a.role) for a in dupilumab.arms] == [
        ("placebo_qw", "control"),
        ("dupilumab_300_mg_qw", "treatment"),
    ]
    assert any("taken as the control" in note for note in dupilumab.notes)
    om = dupilumab.outcome_measure("secondary_3")
    assert [(g.id, g.arm) for g in om.groups] == [
        ("OG000", "placebo_qw"),
        ("OG001", "dupilumab_300_mg_qw"),
    ]


def test_dupilumab_outcome_value_and_analysis(dupilumab):
    om = dupilumab.outcome_measure("secondary_3")
    assert om.title.startswith("Percentage of Participants Achieving an Investigator's Global")
    assert [v.measure.value for v in om.values] == [10.3, 44.3]
    (analysis,) = om.analyses
    assert analysis.estimate_name == "Percentage Difference"
    assert (analysis.estimate.value, analysis.estimate.lower, analysis.estimate.upper) == (
        34.0,
        24.29,
        43.75,
    )
    assert analysis.estimate.level == 0.90  # ciPctValue "90"
    assert analysis.ci_sides == 2
    assert (analysis.p.value, analysis.p.qualifier, analysis.p.source.quote) == (
        0.0001,
        "<",
        "<0.0001",
    )
    assert analysis.method == "Cochran-Mantel-Haenszel"
    assert analysis.groups == ("OG000", "OG001")
    # Markdown escapes of the API ("\[IGA=3\]") are removed from the text
    assert "(moderate [IGA=3] vs. severe [IGA=4] AD)" in analysis.group_description
    assert analysis.note == "Dupilumab 300 mg qw vs. Placebo qw."
    assert dupilumab.endpoints == ()  # no hazard ratio: nothing is time-to-event


def test_dupilumab_adverse_event(dupilumab):
    conjunctivitis = next(ae for ae in dupilumab.adverse_events if ae.term == "Conjunctivitis")
    assert (conjunctivitis.grade, conjunctivitis.category) == ("ungraded", "other")
    assert conjunctivitis.organ_system == "Infections and infestations"
    counts = {a: (p.count.value, p.denominator.value) for a, p in conjunctivitis.by_arm.items()}
    assert counts == {"placebo_qw": (0, 97), "dupilumab_300_mg_qw": (8, 97)}


# --- the single-group study (NCT05594173): no arm groups at all -------------------------


def test_single_group_identity_and_arm(chewing):
    trial = chewing.trial
    assert (trial.registry_id, trial.acronym) == ("NCT05594173", "NIH_HVX6")
    assert trial.phase == "not applicable (observational study)"
    assert chewing.documents[0].date == "2022-11-21"
    assert [(a.id, a.label, a.role) for a in chewing.arms] == [
        ("healthy_participants", "Healthy Participants", "treatment")
    ]
    assert not chewing.has_control
    assert any("each group of its participant flow is taken as an arm" in n for n in chewing.notes)
    assert chewing.design.masking is None
    enrolled = chewing.population("enrolled")
    assert (enrolled.kind, enrolled.total.value) == ("other", 20)
    assert chewing.population("baseline").by_arm["healthy_participants"].value == 17


def test_single_group_outcome_groups_keep_arm_null(chewing):
    om = chewing.outcome_measure("primary_1")
    # six bolus types of the same participants: none of them is the arm itself
    assert [g.arm for g in om.groups] == [None] * 6
    assert om.groups[3].label == "Healthy Participants: Gummy Candy"
    gummy = next(v for v in om.values if v.group == "OG003")
    assert (gummy.measure.value, gummy.spread) == (28, 13)
    assert om.dispersion == "Standard Deviation"
    assert om.unit == "number of chewing cycles"
    assert om.analyses == ()


def test_single_group_baseline_range_and_adverse_event(chewing):
    age = chewing.baseline_characteristic("baseline_1")
    measure = age.by_arm["healthy_participants"]
    assert (measure.value, measure.range) == (26, (22, 54))  # median, FULL_RANGE
    complaint = chewing.adverse_event("other_1")
    assert (complaint.term, complaint.organ_system) == (
        "Digestive complaints",
        "Gastrointestinal disorders",
    )
    proportion = complaint.by_arm["healthy_participants"]
    assert (proportion.count.value, proportion.denominator.value) == (1, 18)


# --- every record: provenance and no invented figures ---------------------------------


@pytest.mark.parametrize("path", [DAPA_CKD, DUPILUMAB, CHEWING, MADE_UP], ids=lambda p: p.stem)
def test_every_reported_source_resolves_to_its_raw_string(path):
    record = _record(path)
    ev = _one(path)
    checked = 0
    for where, measure in ev.iter_measures():
        if not measure.is_reported:
            assert measure.derivation, where
            continue
        assert measure.source.document == "ctgov"
        assert _printed(_walk(record, measure.source.section)) == measure.source.quote, where
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("path", [DAPA_CKD, DUPILUMAB, CHEWING, MADE_UP], ids=lambda p: p.stem)
def test_no_grade_and_no_percentage_is_invented(path):
    ev = _one(path)
    assert ev.adverse_events
    for ae in ev.adverse_events:
        assert ae.grade == "ungraded"
        assert ae.category in ("serious", "other")
        for proportion in (*ae.by_arm.values(), ae.overall):
            assert proportion is None or proportion.percent is None


# --- the made-up three-arm study ------------------------------------------------------


def test_made_up_groups_in_another_order_map_by_title(made_up):
    assert [(a.id, a.role) for a in made_up.arms] == [
        ("drug_a_high_dose", "treatment"),
        ("drug_a_low_dose", "treatment"),
        ("standard_care", "control"),
    ]
    flow = made_up.population("randomised").by_arm
    # FG000 is standard care, FG001 high dose, FG002 low dose
    assert {arm: m.value for arm, m in flow.items()} == {
        "standard_care": 100,
        "drug_a_high_dose": 101,
        "drug_a_low_dose": 99,
    }
    pain = made_up.outcome_measure("secondary_1")
    assert [(g.id, g.arm) for g in pain.groups] == [
        ("OG000", "drug_a_high_dose"),
        ("OG001", "standard_care"),
        ("OG002", None),  # "Drug A, Both Doses": a pooled group, no arm
    ]


def test_made_up_medians_and_both_comparisons(made_up):
    pfs = made_up.endpoint("primary_1_tte")
    medians = {arm: m.formatted for arm, m in pfs.medians.items()}
    assert medians == {
        "drug_a_high_dose": "8.1 months",  # upper limit "NA": no interval
        "drug_a_low_dose": "6.3 months (95% CI 5.0–7.7)",
        "standard_care": "4.2 months (95% CI 3.5–5.1)",
    }
    comparisons = [(e.treatment, e.control, e.estimate.value, e.p.value) for e in pfs.effects]
    # the third analysis (high vs low dose) compares two treatment arms: not an effect
    assert comparisons == [
        ("drug_a_high_dose", "standard_care", 0.62, 0.003),
        ("drug_a_low_dose", "standard_care", 0.81, 0.17),
    ]
    assert len(made_up.outcome_measure("primary_1").analyses) == 3


def test_made_up_na_values_and_one_sided_interval(made_up):
    pain = made_up.outcome_measure("secondary_1")
    missing = next(v for v in pain.values if v.group == "OG001" and v.class_label == "Week 24")
    assert missing.measure is None
    assert missing.spread is None
    assert "Not assessed at week 24" in missing.comment
    high = next(v for v in made_up.outcome_measure("primary_1").values if v.group == "OG000")
    assert (high.lower, high.upper) == (6.9, None)
    assert "upper limit" in high.comment
    (analysis,) = pain.analyses
    assert analysis.ci_sides == 1
    assert analysis.estimate.value == -1.2
    assert not analysis.estimate.has_ci  # one limit only: kept in the note
    assert analysis.note == "97.5% CI as recorded: -2.0 to NA."
    assert (analysis.p.value, analysis.p.qualifier) == (0.05, "<=")
    assert analysis.non_inferiority == "NON_INFERIORITY"


def test_made_up_totals_become_overall(made_up):
    age = made_up.baseline_characteristic("baseline_1")
    assert age.overall.formatted == "62 years (range 30–85)"
    assert "drug_a_high_dose" not in age.by_arm  # "NA" in the record
    assert "Age was not collected at one site" in age.note
    neutropenia = made_up.adverse_event("serious_1")
    assert neutropenia.overall.count.value == 16
    nausea = made_up.adverse_event("other_1")
    # no numAtRisk in the stat: the group's otherNumAtRisk is the denominator
    low = nausea.by_arm["drug_a_low_dose"].denominator
    assert low.value == 98
    assert low.source.section == "resultsSection.adverseEventsModule.eventGroups[1].otherNumAtRisk"
    assert made_up.population("safety").total.value == 295  # the Total group


def test_second_comparator_arm_becomes_treatment_with_a_note():
    record = _record(DAPA_CKD)
    record["protocolSection"]["armsInterventionsModule"]["armGroups"][0]["type"] = (
        "ACTIVE_COMPARATOR"
    )
    data = ctgov.study_to_dict(record, origin="x.json")
    assert [(a["id"], a["role"]) for a in data["arms"]] == [
        ("dapagliflozin", "treatment"),
        ("placebo", "control"),
    ]
    assert any("typed ACTIVE_COMPARATOR" in note for note in data["notes"])
    evidence.from_dict(data)


# --- pages and errors -----------------------------------------------------------------


def test_page_of_studies(tmp_path):
    page = {"studies": [_record(CHEWING), _record(DUPILUMAB)], "nextPageToken": "x"}
    target = tmp_path / "page.json"
    target.write_text(json.dumps(page), encoding="utf-8")
    evs = ctgov.read_registry_file(target)
    assert [ev.trial.registry_id for ev in evs] == ["NCT05594173", "NCT02210780"]
    assert {ev.origin for ev in evs} == {str(target)}


def test_page_with_one_bad_study_names_its_index_and_nct(tmp_path):
    bad = _record(DUPILUMAB)
    bad["resultsSection"]["participantFlowModule"]["periods"][0]["milestones"][0]["achievements"][
        1
    ]["numSubjects"] = "97 (one withdrew)"
    target = tmp_path / "page.json"
    target.write_text(json.dumps({"studies": [_record(CHEWING), bad]}), encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        ctgov.read_registry_file(target)
    error = caught.value
    assert error.origin == str(target)
    assert error.path == (
        "studies[1].resultsSection.participantFlowModule.periods[0].milestones[0]"
        ".achievements[1].numSubjects"
    )
    assert error.problem == "is not a number: '97 (one withdrew)' [in study 1 (NCT02210780)]"
    assert str(error).startswith(f"{target}: studies[1].")


def test_an_evidence_file_reads_as_itself():
    (ev,) = ctgov.read_registry_file(resources.path(resources.PALMIRA))
    assert ev.trial.acronym == "PALMIRA"


def _error(tmp_path: Path, name: str, content: bytes) -> EvidenceError:
    target = tmp_path / name
    target.write_bytes(content)
    with pytest.raises(EvidenceError) as caught:
        ctgov.read_registry_file(target)
    assert caught.value.origin == str(target)
    assert str(caught.value).startswith(f"{target}: ")
    return caught.value


def test_legacy_v1_file_is_named(tmp_path):
    error = _error(tmp_path, "NCT00023673.json", LEGACY.read_bytes())
    assert error.path == ""
    assert "retired" in error.problem
    assert "pre-v2" in error.problem


def test_classic_xml_record_is_named(tmp_path):
    error = _error(tmp_path, "record.xml", (HANDMADE / "classic-record.xml").read_bytes())
    assert "retired ClinicalTrials.gov classic XML record (<clinical_study>)" in error.problem
    other = _error(tmp_path, "page.html", b"<!DOCTYPE html><html></html>")
    assert other.problem == "this is an XML or HTML file, not a ClinicalTrials.gov v2 JSON record"


@pytest.mark.parametrize(
    "cut",
    [
        lambda raw: 3000,  # inside a string
        lambda raw: raw.index(b",\n", 5000) + 2,  # after a comma, between two values
        lambda raw: len(raw.rstrip()) - 1,  # only the last closing brace missing
    ],
    ids=["in-a-string", "after-a-comma", "last-brace"],
)
def test_truncated_file(tmp_path, cut):
    raw = CHEWING.read_bytes()
    error = _error(tmp_path, "cut.json", raw[: cut(raw)])
    assert error.problem.startswith("not valid JSON: ")
    assert error.problem.endswith("the file ends too early (cut short?)")


def test_invalid_utf8(tmp_path):
    raw = CHEWING.read_bytes()
    error = _error(tmp_path, "latin1.json", raw[:200] + b"\xe9" + raw[200:])
    assert error.problem == "not UTF-8 text (undecodable byte at offset 200)"


def test_byte_order_mark(tmp_path):
    error = _error(tmp_path, "bom.json", b"\xef\xbb\xbf" + CHEWING.read_bytes())
    assert error.problem.startswith("starts with a byte-order mark (BOM)")
    with pytest.raises(EvidenceError, match="byte-order mark"):
        ctgov.read_registry_text("\ufeff{}", origin="text")


@pytest.mark.parametrize("garbage", ["12a", "1e999", "NaN", "1,234", "0.61 (adjusted)"])
def test_garbage_number(tmp_path, garbage):
    record = _record(DAPA_CKD)
    analysis = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["analyses"][
        0
    ]
    analysis["paramValue"] = garbage
    error = _error(tmp_path, "garbage.json", json.dumps(record).encode())
    assert (
        error.path
        == "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].analyses[0].paramValue"
    )
    assert error.problem == f"is not a number: {garbage!r}"


def test_garbage_p_value(tmp_path):
    record = _record(DAPA_CKD)
    analysis = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["analyses"][
        0
    ]
    analysis["pValue"] = "significant"
    error = _error(tmp_path, "p.json", json.dumps(record).encode())
    assert error.path.endswith("analyses[0].pValue")
    assert error.problem == "is not a p-value: 'significant'"


def test_missing_nct_id(tmp_path):
    record = _record(CHEWING)
    del record["protocolSection"]["identificationModule"]["nctId"]
    error = _error(tmp_path, "no-id.json", json.dumps(record).encode())
    assert (error.path, error.problem) == (
        "protocolSection.identificationModule.nctId",
        "is required",
    )
    record["protocolSection"]["identificationModule"]["nctId"] = "12345"
    error = _error(tmp_path, "bad-id.json", json.dumps(record).encode())
    assert error.problem == "must be an NCT number like NCT01234567 (found '12345')"


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda r: r["resultsSection"]["adverseEventsModule"].update(otherEvents="none"),
            "resultsSection.adverseEventsModule.otherEvents",
            "must be an array (found a string)",
        ),
        (
            lambda r: r["protocolSection"]["identificationModule"].update(briefTitle=42),
            "protocolSection.identificationModule.briefTitle",
            "must be text (found a number)",
        ),
        (
            lambda r: r["resultsSection"]["adverseEventsModule"]["otherEvents"][0]["stats"][
                0
            ].update(numAffected=True),
            "resultsSection.adverseEventsModule.otherEvents[0].stats[0].numAffected",
            "must be a number (found a true/false value)",
        ),
        (
            lambda r: r.update(resultsSection=[]),
            "resultsSection",
            "must be an object (found a array)",
        ),
        (
            lambda r: r["resultsSection"]["adverseEventsModule"]["otherEvents"][0]["stats"][
                0
            ].update(numAffected=19),
            "resultsSection.adverseEventsModule.otherEvents[0].stats[0].numAffected",
            "19 participants affected exceed the 18 at risk",
        ),
    ],
    ids=["array", "text", "number", "object", "count"],
)
def test_wrong_types_name_the_field(tmp_path, change, path, problem):
    record = _record(CHEWING)
    change(record)
    error = _error(tmp_path, "typed.json", json.dumps(record).encode())
    assert (error.path, error.problem) == (path, problem)


def test_analysis_naming_an_unknown_group(tmp_path):
    record = _record(DAPA_CKD)
    om = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]
    om["analyses"][0]["groupIds"] = ["OG000", "OG007"]
    error = _error(tmp_path, "group.json", json.dumps(record).encode())
    assert error.path.endswith("outcomeMeasures[0].analyses[0].groupIds[1]")
    assert error.problem == "names group 'OG007', which this outcome measure lacks"


def test_missing_file_and_size_limit(tmp_path, monkeypatch):
    missing = tmp_path / "missing.json"
    with pytest.raises(EvidenceError, match="file not found"):
        ctgov.read_registry_file(missing)
    monkeypatch.setattr(ctgov, "MAX_BYTES", 1024 * 1024)
    error = _error(tmp_path, "big.json", b" " * (1024 * 1024 + 1))
    assert error.problem.startswith("is 1.0 MB; registry files over 1 MB are refused")
    assert ctgov.MAX_BYTES == 1024 * 1024
    monkeypatch.undo()
    assert ctgov.MAX_BYTES == 50 * 1024 * 1024


def test_study_to_dict_prefixes_the_locator():
    record = copy.deepcopy(_record(CHEWING))
    del record["protocolSection"]["identificationModule"]["nctId"]
    with pytest.raises(EvidenceError) as caught:
        ctgov.study_to_dict(record, origin="page.json", locator="studies[4]")
    assert caught.value.path == "studies[4].protocolSection.identificationModule.nctId"
    assert caught.value.origin == "page.json"


def test_study_to_dict_gives_evidence_1_2():
    data = ctgov.study_to_dict(_record(DUPILUMAB), origin="x.json")
    assert data["schema_version"] == "1.2"
    assert evidence.validate(data) == []
    # a dict the writer can store: JSON all the way down
    assert json.loads(json.dumps(data)) == data


def test_record_without_results_keeps_its_registered_outcomes():
    record = _record(DUPILUMAB)
    del record["resultsSection"]
    (ev,) = ctgov.read_registry_text(json.dumps(record), origin="no-results.json")
    assert [a.role for a in ev.arms] == ["control", "treatment"]
    (population,) = ev.populations
    assert (population.id, population.total.value, population.by_arm) == ("randomised", 194, {})
    assert population.total.source.section == "protocolSection.designModule.enrollmentInfo.count"
    assert len(ev.outcome_measures) == 11  # 1 primary + 10 secondary registered outcomes
    first = ev.outcome_measure("primary_1")
    assert (first.groups, first.values, first.analyses) == ((), (), ())
    assert first.source.section == "protocolSection.outcomesModule.primaryOutcomes[0]"
    assert ev.adverse_events == ()
    assert any("no posted results" in note for note in ev.notes)


def test_record_with_neither_arms_nor_results_is_refused():
    record = _record(CHEWING)
    del record["resultsSection"]
    with pytest.raises(EvidenceError) as caught:
        ctgov.read_registry_text(json.dumps(record), origin="empty.json")
    assert caught.value.path == "protocolSection.armsInterventionsModule.armGroups"
    assert caught.value.problem == (
        "is required: the record lists no arm groups and no results groups"
    )
