"""docs/evidence-format.md stays true: its minimal example is valid, its examples real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from explorer import evidence

DOC = Path(__file__).resolve().parents[2] / "docs" / "evidence-format.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _minimal_example(doc: str) -> dict:
    match = re.search(
        r"<!-- minimal-example:start -->\s*```json\n(.*?)```\s*<!-- minimal-example:end -->",
        doc,
        re.DOTALL,
    )
    assert match, "minimal example block not found in docs/evidence-format.md"
    return json.loads(match.group(1))


def test_minimal_example_is_valid_and_loads(doc):
    data = _minimal_example(doc)
    assert evidence.validate(data) == []
    ev = evidence.from_dict(data, origin="evidence-format.md")
    assert ev.treatment_arm.id == "new"
    assert ev.primary_endpoint.effect.estimate.value == 0.72
    statuses = {m.status for _, m in ev.iter_measures()}
    assert statuses == set(evidence.STATUSES)  # shows all three statuses


def test_status_examples_are_valid_measures(doc):
    # The three examples under "The three statuses", each as a baseline value of the
    # minimal example (a place where any valid measure fits).
    section = doc.split("### The three statuses", 1)[1].split("### source", 1)[0]
    blocks = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 3
    statuses = []
    for block in blocks:
        data = _minimal_example(doc)
        data["documents"].append(
            {"id": "asco2023", "kind": "abstract", "title": "t", "citation": "c"}
        )
        measure = json.loads(block)
        statuses.append(measure["status"])
        data["baseline"] = [{"id": "b", "label": "b", "population": "itt", "overall": measure}]
        assert evidence.validate(data) == [], block
    assert statuses == ["reported", "derived", "reconstructed"]


def test_error_examples_match_what_the_validator_says(doc):
    # Each "palmira.json: path: problem" line of the Errors section that the validator can
    # produce on the bundled file appears verbatim in the docs.
    examples = re.findall(r"^palmira\.json: (.*)$", doc, re.MULTILINE)
    assert "endpoints[0].medians.et.lower: value 3.6 lies outside its interval 3.9–4.2" in examples
    data = json.loads(Path(evidence.load_bundled().origin).read_text(encoding="utf-8"))
    data["endpoints"][0]["medians"]["et"]["lower"] = 3.9
    assert evidence.validate(data)[0] == (
        "endpoints[0].medians.et.lower",
        "value 3.6 lies outside its interval 3.9–4.2",
    )
