"""The audit raises its level when the figures stop agreeing.

Each test edits one figure of the bundled PALMIRA file and checks that the check
that should notice does, with the level and sentence a reader needs.
"""

from __future__ import annotations

import copy
import json

import pytest

from explorer import resources
from explorer.analysis import summarize
from explorer.evidence import from_dict


@pytest.fixture(scope="module")
def palmira_dict():
    return json.loads(resources.read_text(resources.PALMIRA))


def audit(data) -> dict:
    summary = summarize(from_dict(data, origin="edited"))
    return {c.id: c for c in summary.checks}


def edited(data, edit):
    data = copy.deepcopy(data)
    edit(data)
    return data


def test_palmira_has_no_warnings(palmira_dict):
    assert all(c.level != "warn" for c in audit(palmira_dict).values())


def test_p_outside_rounding_range_warns(palmira_dict):
    def edit(d):
        p = d["endpoints"][0]["effect"]["p"]
        p["value"] = 0.6
        p["decimals"] = 1
        p["source"]["quote"] = "p=0.6"

    check = audit(edited(palmira_dict, edit))["pfs_p_vs_ci"]
    assert check.level == "warn"
    assert "0.019–0.388" in check.message


def test_p_matching_wald_passes(palmira_dict):
    def edit(d):
        p = d["endpoints"][0]["effect"]["p"]
        p["value"] = 0.149
        p["source"]["quote"] = "p=0.149"

    assert audit(edited(palmira_dict, edit))["pfs_p_vs_ci"].level == "pass"


def test_significance_disagreement_warns(palmira_dict):
    def edit(d):
        p = d["endpoints"][0]["effect"]["p"]
        p["value"] = 0.021
        p["source"]["quote"] = "p=0.021"

    checks = audit(edited(palmira_dict, edit))
    assert checks["pfs_significance"].level == "warn"


def test_arms_not_adding_up_warns(palmira_dict):
    def edit(d):
        d["populations"][0]["by_arm"]["et"]["value"] = 60
        d["populations"][0]["by_arm"]["et"]["source"]["quote"] = "136 and 60 pts"

    check = audit(edited(palmira_dict, edit))["arms_sum"]
    assert check.level == "warn"
    assert "136 + 60 = 196" in check.message


def test_allocation_far_from_plan_warns(palmira_dict):
    def edit(d):
        d["populations"][0]["by_arm"]["palbo_et"]["value"] = 99
        d["populations"][0]["by_arm"]["et"]["value"] = 99

    assert audit(edited(palmira_dict, edit))["allocation"].level == "warn"


def test_percentages_no_split_fits_warns(palmira_dict):
    def edit(d):
        d["endpoints"][1]["by_arm"]["palbo_et"]["percent"]["value"] = 6.5  # with 33.0%: no n fits

    checks = audit(edited(palmira_dict, edit))
    assert checks["counts_measurable_disease"].level == "warn"


def test_landmark_far_from_exponential_warns(palmira_dict):
    def edit(d):
        lm = d["endpoints"][0]["landmarks"][0]["by_arm"]["palbo_et"]
        lm["value"] = 70.0

    check = audit(edited(palmira_dict, edit))["pfs_landmark_6_palbo_et"]
    assert check.level == "warn"


def test_too_few_events_for_design_notes(palmira_dict):
    def edit(d):
        d["design"]["events_at_analysis"]["value"] = 100
        d["endpoints"][0]["events"]["value"] = 100

    check = audit(edited(palmira_dict, edit))["events_vs_design"]
    assert check.level == "note"
    assert "fewer than the 127" in check.message
