"""The plain-language overview: right numbers, right verdicts, every number a figure."""

from __future__ import annotations

import copy
import json

import pytest

from explorer import resources
from explorer.analysis import summarize
from explorer.analysis.overview import FigureRef, overview
from explorer.evidence import from_dict, load_bundled


@pytest.fixture(scope="module")
def statements():
    summary = summarize(load_bundled())
    return summary, {st.id: st for st in overview(summary)}


def test_primary_statement(statements):
    _, sts = statements
    text = sts["primary"].text
    assert text.startswith("P+ET did not significantly improve progression-free survival over ET")
    assert "hazard ratio 0.8 (95% CI 0.6–1.1), p = 0.206" in text
    assert "Median 4.2 months with P+ET vs 3.6 months with ET." in text


def test_landmark_difference_is_derived_from_reported_rates(statements):
    summary, sts = statements
    diff = summary.figure("pfs.landmark_6.difference")
    assert diff.value == pytest.approx(40.9 - 28.6)
    assert diff.status == "derived"
    assert "12.3 percentage points more with P+ET, about 12 more per 100" in sts["landmark_6"].text


def test_toxicity_and_design_statements(statements):
    _, sts = statements
    tox = sts["ae_ae_grade_3_4"].text
    assert (
        "45.2% with P+ET vs 8.3% with ET, 36.9 percentage points more (95% CI 24.2 to 46.5)" in tox
    )
    assert "every 2.7 treated" in tox and "reconstructed" in tox
    design = sts["design"].text
    assert "hazard ratio of 0.59 with 80% power" in design
    assert "about 127 events" in design and "155 events" in design
    assert "0.62 or lower" in design and "only 26% power" in design
    assert "from a 40% lower hazard to a 10% higher one" in design


def test_every_number_refers_to_an_existing_figure(statements):
    summary, sts = statements
    for st in sts.values():
        for piece in st.pieces:
            if isinstance(piece, FigureRef):
                summary.figure(piece.figure_id)


def test_significant_result_reads_as_an_improvement():
    data = json.loads(resources.read_text(resources.PALMIRA))
    data = copy.deepcopy(data)
    eff = data["endpoints"][0]["effect"]
    eff["estimate"].update(value=0.6, lower=0.45, upper=0.8, decimals=2)
    eff["p"].update(value=0.001)
    st = {s.id: s for s in overview(summarize(from_dict(data, origin="edited")))}
    assert st["primary"].text.startswith("P+ET improved progression-free survival over ET")
    assert "excludes 1" in st["primary"].text
