"""Fuzzing the ClinicalTrials.gov importer (``ctgov.read_registry_text``, ``sniff``).

The real v2 records and the made-up three-arm record are mutated as the evidence files
are (``tests/fuzz/strategies.py``); random JSON and XML-looking text are read as well.
The importer returns evidence or raises ``EvidenceError`` naming the file, the field path
in the record and the problem.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from explorer.evidence import ctgov
from explorer.evidence.errors import EvidenceError
from tests.fuzz.strategies import (
    CTGOV,
    active_profile,
    check_error,
    json_values,
    mutated_tree,
    outcome,
    profile,
    registry_seeds,
    serialised,
    to_json,
    xml_texts,
)

ORIGIN = "record.json"
SEEDS = registry_seeds(include_large=active_profile() == "long")


@profile(long_share=0.2)
@given(st.data())
def test_read_registry_text_on_mutated_records(data):
    _, tree = data.draw(mutated_tree(SEEDS))
    text = data.draw(serialised(tree))
    outcome(lambda: ctgov.read_registry_text(text, origin=ORIGIN), ORIGIN)


@profile()
@given(st.lists(json_values(), max_size=3), st.booleans())
def test_read_registry_text_on_random_studies(studies, as_page):
    # Random JSON under the keys that make a file look like a record or a page of them.
    if as_page:
        tree = {"studies": [{"protocolSection": s} for s in studies]}
    else:
        tree = {"protocolSection": studies[0] if studies else {}, "resultsSection": studies}
    outcome(lambda: ctgov.read_registry_text(to_json(tree), origin=ORIGIN), ORIGIN)


@profile()
@given(json_values())
def test_sniff_on_random_json(value):
    try:
        kind = ctgov.sniff(value, origin=ORIGIN)
    except EvidenceError as exc:
        check_error(exc, ORIGIN)
    else:
        assert kind in ("evidence", "ctgov-v2-study", "ctgov-v2-page")


@profile()
@given(xml_texts())
def test_xml_is_named_as_xml(text):
    error = outcome(lambda: ctgov.read_registry_text(text, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert "XML" in error.problem


# --- the minimal failing examples fuzzing found, kept as regression tests -----------------


@example('"<1e999"')
@example('"1e999"')
@given(st.sampled_from(['"< 1e400"', '"-1e999"']))
@profile()
def test_an_infinite_p_value_is_refused_by_place(p_value):
    # The p-value reader used to accept "<1e999" and fail with OverflowError later.
    text = ctgov_small().replace('"pValue": "0.003"', f'"pValue": {p_value}', 1)
    error = outcome(lambda: ctgov.read_registry_text(text, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert "pValue" in error.path


def ctgov_small() -> str:
    """The made-up three-arm record, whose first analysis has pValue "0.003"."""
    name, text = next(s for s in SEEDS if s[0] == "made-up-three-arm.json")
    assert '"pValue": "0.003"' in text, name
    return text


def test_a_bad_count_behind_a_derived_total_is_named_in_the_record():
    # A fractional seriousNumAtRisk first broke the importer's derived safety total, which
    # has no place in the record: the message used to name no place at all.
    text = (CTGOV / "real" / "v2" / "NCT05594173.json").read_text(encoding="utf-8")
    assert text.count('"seriousNumAtRisk": 18') == 1
    text = text.replace('"seriousNumAtRisk": 18', '"seriousNumAtRisk": 2.5')
    error = outcome(lambda: ctgov.read_registry_text(text, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert error.path == "resultsSection.adverseEventsModule.eventGroups[0].seriousNumAtRisk"
    assert error.problem.startswith("must be a whole number (in the imported evidence at")
