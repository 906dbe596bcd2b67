"""Fuzzing the evidence reader (``load.loads``, ``load.from_dict``) and the validator.

Every bundled evidence file and the tests' evidence files are mutated (a key deleted, a
wrong type, NaN, infinity, a negative or huge number, bounds swapped, nesting a thousand
levels deep, text cut short, a BOM): the reader returns evidence without NaN or infinity
in any number, or raises ``EvidenceError`` naming the file, the place and the problem.
"""

from __future__ import annotations

import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from explorer import resources
from explorer.evidence.errors import EvidenceError
from explorer.evidence.load import from_dict, loads, parse_json
from explorer.evidence.validate import validate
from tests.fuzz.strategies import (
    DIGITISED,
    Deep,
    evidence_seeds,
    json_values,
    mutated_tree,
    outcome,
    profile,
    serialised,
    to_python,
)

ORIGIN = "fuzzed.json"


@profile(long_share=0.4)
@given(mutated_tree(evidence_seeds()))
def test_from_dict_on_mutated_evidence(named_tree):
    _, tree = named_tree
    outcome(lambda: from_dict(to_python(tree), origin=ORIGIN), ORIGIN)


@profile(long_share=0.4)
@given(st.data())
def test_loads_on_mutated_evidence_text(data):
    _, tree = data.draw(mutated_tree(evidence_seeds()))
    text = data.draw(serialised(tree))
    outcome(lambda: loads(text, origin=ORIGIN), ORIGIN)


@profile()
@given(json_values())
def test_validate_on_random_json_returns_named_problems(value):
    problems = validate(value)
    assert isinstance(problems, list)
    assert all(isinstance(p, str) and q.strip() for p, q in problems)
    # Random JSON is never valid evidence (it would need every required section).
    error = outcome(lambda: from_dict(value, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)


@profile()
@given(st.text(max_size=300))
def test_parse_json_on_random_text(text):
    outcome(lambda: parse_json(text, origin=ORIGIN), ORIGIN)


# --- the minimal failing examples fuzzing found, kept as regression tests -----------------


def _palmira_with(path, value):
    data = json.loads(resources.read_text(resources.PALMIRA))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


ESTIMATE = ("endpoints", 0, "effect", "estimate")


def test_nan_and_infinity_in_a_dict_are_refused_by_place():
    # from_dict used to accept NaN and infinity (JSON Schema's "number" allows them).
    for value in (math.nan, math.inf, -math.inf):
        data = _palmira_with((*ESTIMATE, "upper"), value)
        error = outcome(lambda data=data: from_dict(data, origin=ORIGIN), ORIGIN)
        assert isinstance(error, EvidenceError)
        assert error.path == "endpoints[0].effect.estimate.upper"
        assert "finite" in error.problem


def test_an_integer_beyond_float_range_is_refused_by_place():
    # from_dict used to raise OverflowError converting 10**400 to float.
    data = _palmira_with((*ESTIMATE, "value"), 10**400)
    error = outcome(lambda: from_dict(data, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert error.path == "endpoints[0].effect.estimate.value"
    assert "too large" in error.problem


def test_deep_nesting_in_a_dict_is_refused_by_place():
    # from_dict used to raise RecursionError from the schema check on 1000 levels.
    data = _palmira_with(("notes",), Deep(1000, "array").python())
    error = outcome(lambda: from_dict(data, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert error.path.startswith("notes[0][0]")
    assert "nested" in error.problem


@example(levels=1000)
@example(levels=100_000)
@given(st.integers(min_value=65, max_value=5000))
@profile()
def test_deep_nesting_in_text_is_refused(levels):
    # parse_json used to raise RecursionError from json.loads.
    text = '{"schema_version": "1.2", "notes": ' + Deep(levels, "array").text() + "}"
    error = outcome(lambda: loads(text, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert "nested" in error.problem


def test_an_integer_with_thousands_of_digits_is_refused():
    # json.loads used to raise ValueError (Python's 4300-digit limit on int()).
    text = '{"schema_version": ' + "9" * 5000 + "}"
    error = outcome(lambda: loads(text, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert "too large" in error.problem
    assert len(str(error)) < 200  # the number is not printed in full


def test_an_empty_risk_table_is_refused_by_place():
    # The risk-table rule used to raise IndexError on a table with no times and no counts.
    data = json.loads((DIGITISED / "simulated-trial.json").read_text(encoding="utf-8"))
    data["km_figures"][0]["risk_tables"][0].update(time=[], at_risk=[])
    error = outcome(lambda: from_dict(data, origin=ORIGIN), ORIGIN)
    assert isinstance(error, EvidenceError)
    assert error.path == "km_figures[0].risk_tables[0].time"
    assert error.problem == "must have at least 1 item"
