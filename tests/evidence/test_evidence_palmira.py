"""The bundled PALMIRA evidence: valid, complete, and true to the ASCO 2023 abstract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from explorer import evidence, resources
from explorer.evidence import STATUSES, BinaryEndpoint, TimeToEventEndpoint

SEED = Path("/work/shared/seed/PALMIRA-abstract.txt")


@pytest.fixture(scope="module")
def palmira() -> evidence.Evidence:
    return evidence.load_bundled()


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(resources.read_text(resources.PALMIRA))


@pytest.fixture(scope="module")
def abstract() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed abstract not available at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_bundled_file_validates(raw):
    assert evidence.validate(raw) == []


def test_bundled_file_loads_with_its_identity(palmira):
    assert palmira.schema_version == "1.0"
    assert palmira.trial.registry_id == "NCT03809988"
    assert palmira.trial.acronym == "PALMIRA"
    assert palmira.trial.citation.doi == "10.1200/JCO.2023.41.16_suppl.1001"
    assert palmira.origin == str(resources.path(resources.PALMIRA))
    doc = palmira.document("asco2023")
    assert doc.kind == "abstract"
    assert doc.doi == "10.1200/JCO.2023.41.16_suppl.1001"
    assert palmira.data_cut.date is None  # not reported in the abstract
    assert palmira.data_cut.document == "asco2023"


def test_arms_and_roles(palmira):
    assert [arm.id for arm in palmira.arms] == ["palbo_et", "et"]
    assert palmira.treatment_arm.label == "P+ET"
    assert palmira.control_arm.label == "ET"


# (description, getter, expected value); every figure of the abstract the brief lists.
EXPECTED = [
    ("randomised total", lambda e: e.population("randomised").total.value, 198),
    ("randomised P+ET", lambda e: e.population("randomised").by_arm["palbo_et"].value, 136),
    ("randomised ET", lambda e: e.population("randomised").by_arm["et"].value, 62),
    ("measurable disease", lambda e: e.population("measurable_disease").total.value, 138),
    ("PFS events", lambda e: e.endpoint("pfs").events.value, 155),
    ("events at analysis", lambda e: e.design.events_at_analysis.value, 155),
    ("median follow-up", lambda e: e.design.median_follow_up.value, 8.7),
    ("median PFS P+ET", lambda e: e.endpoint("pfs").medians["palbo_et"].value, 4.2),
    ("median PFS P+ET lower", lambda e: e.endpoint("pfs").medians["palbo_et"].lower, 3.5),
    ("median PFS P+ET upper", lambda e: e.endpoint("pfs").medians["palbo_et"].upper, 5.8),
    ("median PFS ET", lambda e: e.endpoint("pfs").medians["et"].value, 3.6),
    ("median PFS ET lower", lambda e: e.endpoint("pfs").medians["et"].lower, 2.7),
    ("median PFS ET upper", lambda e: e.endpoint("pfs").medians["et"].upper, 4.2),
    ("HR", lambda e: e.endpoint("pfs").effect.estimate.value, 0.8),
    ("HR lower", lambda e: e.endpoint("pfs").effect.estimate.lower, 0.6),
    ("HR upper", lambda e: e.endpoint("pfs").effect.estimate.upper, 1.1),
    ("HR level", lambda e: e.endpoint("pfs").effect.estimate.level, 0.95),
    ("p", lambda e: e.endpoint("pfs").effect.p.value, 0.206),
    ("6-month PFS P+ET", lambda e: e.endpoint("pfs").landmarks[0].by_arm["palbo_et"].value, 40.9),
    ("6-month PFS ET", lambda e: e.endpoint("pfs").landmarks[0].by_arm["et"].value, 28.6),
    ("landmark time", lambda e: e.endpoint("pfs").landmarks[0].time, 6),
    ("ORR P+ET", lambda e: e.endpoint("orr").by_arm["palbo_et"].percent.value, 6.4),
    ("ORR ET", lambda e: e.endpoint("orr").by_arm["et"].percent.value, 2.3),
    ("CBR P+ET", lambda e: e.endpoint("cbr").by_arm["palbo_et"].percent.value, 33.0),
    ("CBR ET", lambda e: e.endpoint("cbr").by_arm["et"].percent.value, 29.5),
    (
        "G3-4 AE P+ET",
        lambda e: e.adverse_event("ae_grade_3_4").by_arm["palbo_et"].percent.value,
        45.2,
    ),
    ("G3-4 AE ET", lambda e: e.adverse_event("ae_grade_3_4").by_arm["et"].percent.value, 8.3),
    ("TR deaths", lambda e: e.adverse_event("treatment_related_deaths").overall.count.value, 0),
    ("median age", lambda e: e.baseline_characteristic("age").overall.value, 59),
    ("age range", lambda e: e.baseline_characteristic("age").overall.range, (33, 85)),
    ("ECOG 0", lambda e: e.baseline_characteristic("ecog_0").overall.value, 61.1),
    ("visceral", lambda e: e.baseline_characteristic("visceral_disease").overall.value, 61.1),
    (
        "AI + P",
        lambda e: e.baseline_characteristic("first_line_ai_palbociclib").overall.value,
        89.9,
    ),
    ("alpha", lambda e: e.design.alpha.value, 0.05),
    ("power", lambda e: e.design.power.value, 80),
    ("hypothesised HR", lambda e: e.design.hypothesised_hr.value, 0.59),
    ("allocation ratio", lambda e: e.design.allocation_ratio.value, 2),
    ("sides", lambda e: e.design.sides, 2),
    ("SD duration", lambda e: e.eligibility[0].threshold.value, 24),
]


@pytest.mark.parametrize(("what", "get", "expected"), EXPECTED, ids=[x[0] for x in EXPECTED])
def test_expected_figure(palmira, what, get, expected):
    assert get(palmira) == expected


def test_design_details(palmira):
    design = palmira.design
    assert design.hypothesised_hr.qualifier == "<="
    assert design.power.unit == "%"
    assert design.allocation == {"palbo_et": 2.0, "et": 1.0}
    assert design.stratification_factors == ("prior ET", "visceral involvement")
    assert design.primary_endpoint == "pfs"
    assert design.primary_assessment == "investigator"
    assert design.response_criteria == "RECIST v1.1"
    assert design.test == "log-rank"
    assert (design.accrual.start, design.accrual.end) == ("2019-04", "2022-10")
    assert palmira.primary_endpoint.role == "primary"
    assert palmira.endpoint("pfs").effect.test is None  # not stated for p=0.206


def test_populations_left_unreported_are_empty(palmira):
    assert palmira.population("measurable_disease").by_arm == {}
    safety = palmira.population("safety")
    assert safety.kind == "safety"
    assert safety.total is None
    for ep in ("orr", "cbr"):
        endpoint = palmira.endpoint(ep)
        assert isinstance(endpoint, BinaryEndpoint)
        assert endpoint.population == "measurable_disease"
        for p in endpoint.by_arm.values():
            assert p.count is None
            assert p.denominator is None
    assert isinstance(palmira.endpoint("pfs"), TimeToEventEndpoint)


def test_treatment_related_deaths_by_arm_are_derived(palmira):
    deaths = palmira.adverse_event("treatment_related_deaths")
    assert (deaths.grade, deaths.category, deaths.population) == (
        "5",
        "treatment-related",
        "safety",
    )
    assert deaths.overall.count.is_reported
    for proportion in deaths.by_arm.values():
        assert proportion.count.value == 0
        assert proportion.count.status == "derived"
        assert "0 in each arm" in proportion.count.derivation


def _raw_measures(node):
    if isinstance(node, dict):
        if "value" in node and "status" in node:
            yield node
        else:
            for child in node.values():
                yield from _raw_measures(child)
    elif isinstance(node, list):
        for child in node:
            yield from _raw_measures(child)


def test_every_measure_has_status_and_provenance(palmira, raw):
    measures = list(palmira.iter_measures())
    # the model's walk reaches every measure of the file
    assert len(measures) == len(list(_raw_measures(raw))) == 33
    for path, m in measures:
        assert m.status in STATUSES, path
        if m.is_reported:
            assert m.source is not None, path
            assert palmira.document(m.source.document).id == m.source.document
            assert m.source.section in ("Methods", "Results"), path
            assert m.decimals is not None, path
        else:
            assert m.derivation, path


def _printed(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def test_quotes_are_exact_substrings_of_the_abstract(palmira, abstract):
    quotes = [m.source.quote for _, m in palmira.iter_measures() if m.is_reported]
    quotes.append(palmira.design.accrual.source.quote)
    for quote in quotes:
        assert quote in abstract, quote
        assert len(quote) <= 60, quote  # a figure with a few words, not a sentence


def test_every_reported_number_appears_in_its_quote(palmira, abstract):
    for path, m in palmira.iter_measures():
        if not m.is_reported:
            continue
        quote = m.source.quote
        numbers = [m.value]
        if m.has_ci:
            numbers += [m.lower, m.upper]
        if m.range is not None:
            numbers += list(m.range)
        for x in numbers:
            text = _printed(x, m.decimals)
            if x == 0 and text not in quote:
                assert re.match(r"^No\b", quote), (path, quote)  # printed as "No ..."
                continue
            # the number as printed, not part of a longer number
            assert re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", quote), (path, text, quote)
            assert text in abstract


def test_accrual_months_match_the_quote(palmira):
    quote = palmira.design.accrual.source.quote
    assert quote == "Between April 2019 and October 2022"
    assert palmira.design.accrual.start == "2019-04"
    assert palmira.design.accrual.end == "2022-10"


def test_notes_paraphrase_rather_than_copy(palmira, abstract):
    words = re.findall(r"\w+", abstract.lower())
    runs = {tuple(words[i : i + 5]) for i in range(len(words) - 4)}
    for note in palmira.notes:
        note_words = re.findall(r"\w+", note.lower())
        copied = [
            tuple(note_words[i : i + 5])
            for i in range(len(note_words) - 4)
            if tuple(note_words[i : i + 5]) in runs
        ]
        assert not copied, (note, copied)
