"""The bundled peer trials and PALMIRA's 2025 cut: valid, sourced, true to the figures.

Reference values are the figures the project's issue lists for these publications
(PALMIRA J Clin Oncol 2025, doi 10.1200/JCO-24-01865; MAINTAIN J Clin Oncol 2023;41:4004;
PACE J Clin Oncol 2024;42:2050; postMONARCH J Clin Oncol 2025;43:1101), as printed.
Printed numbers are compared exactly: the files must hold them as printed, so there is
no tolerance (equality of the decimal literal read from JSON).
"""

from __future__ import annotations

import json

import pytest

from explorer import evidence, resources
from explorer.evidence import AdverseEvent, Evidence, TimeToEventEndpoint

PEERS = {
    "palmira-jco2025": "evidence/palmira-jco2025.json",
    "maintain": "evidence/maintain-jco2023.json",
    "pace": "evidence/pace-jco2024.json",
    "postmonarch": "evidence/postmonarch-jco2025.json",
}


@pytest.fixture(scope="module")
def bundled() -> dict[str, Evidence]:
    return {key: evidence.load(resources.path(name)) for key, name in PEERS.items()}


@pytest.fixture(scope="module")
def palmira_2023() -> Evidence:
    return evidence.load(resources.path("evidence/palmira-asco2023.json"))


@pytest.mark.parametrize("name", resources.BUNDLED_EVIDENCE)
def test_every_bundled_file_validates_and_loads(name):
    raw = json.loads(resources.read_text(name))
    assert evidence.validate(raw) == []
    ev = evidence.load(resources.path(name))
    assert ev.trial.registry_id and ev.data_cut.label


@pytest.mark.parametrize("key", PEERS)
def test_new_files_are_format_1_2(bundled, key):
    assert bundled[key].schema_version == "1.2"


@pytest.mark.parametrize("key", PEERS)
def test_every_measure_has_a_source_or_a_derivation(bundled, key):
    ev = bundled[key]
    documents = {doc.id for doc in ev.documents}
    for path, m in ev.iter_measures():
        if m.status == "reported":
            assert m.source is not None, path
            assert m.source.document in documents, path
            assert m.source.section.strip() and m.source.quote.strip(), path
            assert len(m.source.quote) <= 200, path
            assert m.decimals is not None, path
        else:
            assert m.derivation and m.derivation.strip(), path


def _printed_forms(value: float, decimals: int) -> set[str]:
    text = f"{value:.{decimals}f}"
    forms = {text, text.removeprefix("0")}  # "P = .149"
    forms.add(f"{value * 100:g}%")  # alpha 0.025 printed as "2.5%"
    return forms


@pytest.mark.parametrize("key", PEERS)
def test_each_reported_quote_prints_its_value(bundled, key):
    """A reported number appears in its own quote, at its printed decimals."""
    for path, m in bundled[key].iter_measures():
        if m.status != "reported" or m.source is None:
            continue
        assert any(form in m.source.quote for form in _printed_forms(m.value, m.decimals)), (
            f"{path}: {m.value} not in {m.source.quote!r}"
        )


def _m(ev: Evidence, path: str):
    return dict(ev.iter_measures())[path]


def _check(m, value, lower=None, upper=None, level=None):
    assert m.value == value
    assert m.lower == lower and m.upper == upper and m.level == level
    assert m.status == "reported"


# (file, measure path, value, lower, upper, level): every figure of the list.
FIGURES = [
    # PALMIRA, J Clin Oncol 2025
    ("palmira-jco2025", "populations[0].by_arm.palbo_et", 136, None, None, None),
    ("palmira-jco2025", "populations[0].by_arm.et", 62, None, None, None),
    ("palmira-jco2025", "design.allocation_ratio", 2, None, None, None),
    ("palmira-jco2025", "design.median_follow_up", 13.4, None, None, None),
    ("palmira-jco2025", "endpoints[0].medians.palbo_et", 4.9, 3.6, 6.1, 0.95),
    ("palmira-jco2025", "endpoints[0].medians.et", 3.6, 2.5, 4.2, 0.95),
    ("palmira-jco2025", "endpoints[0].effect.estimate", 0.84, 0.66, 1.07, 0.95),
    ("palmira-jco2025", "endpoints[0].effect.p", 0.149, None, None, None),
    ("palmira-jco2025", "endpoints[0].landmarks[0].by_arm.palbo_et", 42.1, None, None, None),
    ("palmira-jco2025", "endpoints[0].landmarks[0].by_arm.et", 29.1, None, None, None),
    ("palmira-jco2025", "endpoints[0].landmarks[1].by_arm.palbo_et", 12.4, None, None, None),
    ("palmira-jco2025", "endpoints[0].landmarks[1].by_arm.et", 12.3, None, None, None),
    ("palmira-jco2025", "endpoints[1].medians.palbo_et", 28.3, None, None, None),
    ("palmira-jco2025", "endpoints[1].medians.et", 28.8, None, None, None),
    ("palmira-jco2025", "endpoints[1].effect.estimate", 1.06, 0.75, 1.51, 0.95),
    ("palmira-jco2025", "endpoints[2].by_arm.palbo_et.percent", 4.4, None, None, None),
    ("palmira-jco2025", "endpoints[2].by_arm.et.percent", 1.6, None, None, None),
    ("palmira-jco2025", "endpoints[3].by_arm.palbo_et.percent", 41.9, 33.5, 50.7, 0.95),
    ("palmira-jco2025", "endpoints[3].by_arm.et.percent", 27.4, 16.9, 40.2, 0.95),
    ("palmira-jco2025", "adverse_events[0].by_arm.palbo_et.percent", 47.4, None, None, None),
    ("palmira-jco2025", "adverse_events[0].by_arm.et.percent", 10.0, None, None, None),
    ("palmira-jco2025", "adverse_events[1].by_arm.palbo_et.percent", 38.5, None, None, None),
    ("palmira-jco2025", "adverse_events[2].by_arm.palbo_et.percent", 3.7, None, None, None),
    ("palmira-jco2025", "adverse_events[3].by_arm.palbo_et.percent", 3.0, None, None, None),
    ("palmira-jco2025", "adverse_events[4].by_arm.palbo_et.percent", 0.7, None, None, None),
    # MAINTAIN, J Clin Oncol 2023
    ("maintain", "populations[0].total", 119, None, None, None),
    ("maintain", "populations[0].by_arm.ribo_et", 60, None, None, None),
    ("maintain", "populations[0].by_arm.placebo_et", 59, None, None, None),
    ("maintain", "design.allocation_ratio", 1, None, None, None),
    ("maintain", "design.alpha", 0.025, None, None, None),
    ("maintain", "design.power", 80, None, None, None),
    ("maintain", "design.hypothesised_hr", 0.58, None, None, None),
    ("maintain", "design.median_follow_up", 18.2, None, None, None),
    ("maintain", "endpoints[0].medians.ribo_et", 5.29, 3.02, 8.12, 0.95),
    ("maintain", "endpoints[0].medians.placebo_et", 2.76, 2.66, 3.25, 0.95),
    ("maintain", "endpoints[0].effect.estimate", 0.57, 0.39, 0.85, 0.95),
    ("maintain", "endpoints[0].effect.p", 0.006, None, None, None),
    ("maintain", "endpoints[0].landmarks[0].by_arm.ribo_et", 41.2, None, None, None),
    ("maintain", "endpoints[0].landmarks[0].by_arm.placebo_et", 23.9, None, None, None),
    ("maintain", "endpoints[0].landmarks[1].by_arm.ribo_et", 24.6, None, None, None),
    ("maintain", "endpoints[0].landmarks[1].by_arm.placebo_et", 7.4, None, None, None),
    ("maintain", "baseline[0].overall", 103, None, None, None),
    # PACE, J Clin Oncol 2024 (90% CIs)
    ("pace", "populations[0].by_arm.fulv", 55, None, None, None),
    ("pace", "populations[0].by_arm.fulv_palbo", 111, None, None, None),
    ("pace", "populations[0].by_arm.fulv_palbo_avel", 54, None, None, None),
    ("pace", "design.median_follow_up", 23.6, None, None, None),
    ("pace", "baseline[0].overall", 90.9, None, None, None),
    ("pace", "endpoints[0].medians.fulv_palbo", 4.6, 3.6, 5.9, 0.90),
    ("pace", "endpoints[0].medians.fulv", 4.8, 2.1, 8.2, 0.90),
    ("pace", "endpoints[0].medians.fulv_palbo_avel", 8.1, 3.2, 10.7, 0.90),
    ("pace", "endpoints[0].effect.estimate", 1.11, 0.79, 1.55, 0.90),
    ("pace", "endpoints[0].effect.p", 0.62, None, None, None),
    ("pace", "endpoints[0].other_effects[0].estimate", 0.75, 0.50, 1.12, 0.90),
    ("pace", "endpoints[0].other_effects[0].p", 0.23, None, None, None),
    # postMONARCH, J Clin Oncol 2025
    ("postmonarch", "populations[0].by_arm.abema_fulv", 182, None, None, None),
    ("postmonarch", "populations[0].by_arm.placebo_fulv", 186, None, None, None),
    ("postmonarch", "design.allocation_ratio", 1, None, None, None),
    ("postmonarch", "design.events_at_analysis", 258, None, None, None),
    ("postmonarch", "endpoints[0].events", 258, None, None, None),
    ("postmonarch", "endpoints[0].effect.estimate", 0.73, 0.57, 0.95, 0.95),
    ("postmonarch", "endpoints[0].effect.p", 0.017, None, None, None),
    ("postmonarch", "endpoints[0].medians.abema_fulv", 6.0, 5.6, 8.6, 0.95),
    ("postmonarch", "endpoints[0].medians.placebo_fulv", 5.3, 3.7, 5.6, 0.95),
    ("postmonarch", "endpoints[0].landmarks[0].by_arm.abema_fulv", 50, None, None, None),
    ("postmonarch", "endpoints[0].landmarks[0].by_arm.placebo_fulv", 37, None, None, None),
    ("postmonarch", "endpoints[1].effect.estimate", 0.55, 0.39, 0.77, 0.95),
]


@pytest.mark.parametrize(("key", "path", "value", "lower", "upper", "level"), FIGURES)
def test_figure_as_printed(bundled, key, path, value, lower, upper, level):
    # Method: the file's measure against the printed figure; reference: the issue's
    # figure list for the publication; tolerance: none (exact decimal literals).
    _check(_m(bundled[key], path), value, lower, upper, level)


def test_palmira_2025_shares_the_2023_ids(bundled, palmira_2023):
    new, old = bundled["palmira-jco2025"], palmira_2023
    assert [(a.id, a.role) for a in new.arms] == [(a.id, a.role) for a in old.arms]
    assert {ep.id for ep in old.endpoints} <= {ep.id for ep in new.endpoints}
    assert [ep.id for ep in new.endpoints] == ["pfs", "os", "orr", "cbr"]
    assert {"randomised", "safety"} <= {p.id for p in new.populations}
    assert [b.id for b in new.baseline] == [b.id for b in old.baseline]
    assert [c.id for c in new.eligibility] == [c.id for c in old.eligibility]
    assert new.trial.registry_id == old.trial.registry_id == "NCT03809988"
    assert new.data_cut.label == "Final PFS analysis (J Clin Oncol 2025)"
    assert new.data_cut.document == "jco2025"
    assert {d.id for d in new.documents} == {"jco2025", "asco2023"}


def test_palmira_2025_os_is_marked_not_mature(bundled):
    os_ = bundled["palmira-jco2025"].endpoint("os")
    assert isinstance(os_, TimeToEventEndpoint)
    assert os_.effect is not None and os_.effect.p is None
    assert "not mature" in os_.effect.estimate.source.quote
    assert "not mature" in (os_.note or "").lower()
    assert os_.events is None


def test_palmira_2025_haematological_events_are_palbociclib_arm_only(bundled):
    ev = bundled["palmira-jco2025"]
    haem = [ae for ae in ev.adverse_events if ae.id != "ae_grade_3_or_higher"]
    assert [ae.term for ae in haem] == ["Neutropenia", "Leukopenia", "Anaemia", "Thrombocytopenia"]
    for ae in haem:
        assert isinstance(ae, AdverseEvent) and ae.grade == "3-4"
        assert set(ae.by_arm) == {"palbo_et"}  # the control arm absent, never a zero
        assert "palbociclib arm only" in (ae.note or "")
    grade3 = ev.adverse_event("ae_grade_3_or_higher")
    assert grade3.grade == ">=3" and set(grade3.by_arm) == {"palbo_et", "et"}


def test_palmira_2025_unknowns_are_null(bundled):
    ev = bundled["palmira-jco2025"]
    assert ev.data_cut.date is None
    assert ev.design.events_at_analysis is None
    assert ev.endpoint("pfs").events is None
    assert ev.population("response_population").total is None
    assert any("41 centres in 6 countries" in note for note in ev.notes)
    assert "41 centres in 6 countries" in (ev.trial.note or "")


CONTEXT = {
    "palmira-jco2025": ("palbociclib continued", "letrozole or fulvestrant (second line)"),
    "maintain": (
        "switched to ribociclib (prior palbociclib in 103 of 119)",
        "switched endocrine therapy: fulvestrant or exemestane",
    ),
    "pace": ("palbociclib continued (prior palbociclib 90.9%)", "fulvestrant"),
    "postmonarch": ("switched to abemaciclib", "fulvestrant"),
}


@pytest.mark.parametrize("key", PEERS)
def test_trial_context_labels(bundled, key):
    context = bundled[key].trial.context
    assert list(context) == ["CDK4/6 inhibitor after progression", "Endocrine partner"]
    assert (
        context["CDK4/6 inhibitor after progression"],
        context["Endocrine partner"],
    ) == CONTEXT[key]


@pytest.mark.parametrize(
    ("key", "registry_id", "phase", "masking"),
    [
        ("palmira-jco2025", "NCT03809988", "II", "open-label"),
        ("maintain", "NCT02632045", "II", "double-blind"),
        ("pace", "NCT03147287", "II", "open-label"),
        ("postmonarch", "NCT05169567", "III", "double-blind"),
    ],
)
def test_registry_id_phase_and_masking(bundled, key, registry_id, phase, masking):
    assert bundled[key].trial.registry_id == registry_id
    assert bundled[key].trial.phase == phase
    assert bundled[key].design.masking == masking


def test_maintain_design_is_the_printed_calculation(bundled):
    d = bundled["maintain"].design
    assert d.has_power_calculation
    assert d.sides == 1 and d.test == "log-rank"
    assert d.alpha.value == 0.025 and d.power.value == 80 and d.hypothesised_hr.value == 0.58
    notes = " ".join(bundled["maintain"].notes)
    assert "3.8 months" in notes and "120" in notes


@pytest.mark.parametrize("key", ["pace", "postmonarch"])
def test_no_power_calculation_means_nulls(bundled, key):
    d = bundled[key].design
    assert not d.has_power_calculation
    assert d.alpha is None and d.power is None and d.hypothesised_hr is None and d.sides is None


def test_pace_three_arms_and_two_labelled_comparisons(bundled):
    ev = bundled["pace"]
    assert ev.control_arm.id == "fulv"
    assert [a.id for a in ev.treatment_arms] == ["fulv_palbo", "fulv_palbo_avel"]
    assert not ev.is_two_arm
    pfs = ev.endpoint("pfs")
    pairs = [(e.label, e.treatment, e.control, e.estimate.level) for e in pfs.effects]
    assert pairs == [
        ("F + P vs F", "fulv_palbo", "fulv", 0.9),
        ("F + P + A vs F", "fulv_palbo_avel", "fulv", 0.9),
    ]
    total = ev.population("randomised").total
    assert total.status == "derived" and total.value == 55 + 111 + 54


def test_postmonarch_bicr_endpoint_and_nominal_p(bundled):
    ev = bundled["postmonarch"]
    bicr = ev.endpoint("pfs_bicr")
    assert bicr.medians == {} and bicr.landmarks == () and bicr.effect.p is None
    assert "blinded" in (bicr.assessment or "")
    primary = ev.endpoint("pfs")
    assert "nominal" in primary.effect.p.source.quote
    assert "nominal" in (primary.effect.note or "")
    assert ev.population("randomised").total.status == "derived"
