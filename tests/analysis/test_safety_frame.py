"""The adverse-event frame: PALMIRA's numbers, provenance, missing values, filters, scale."""

from __future__ import annotations

import copy
import json
import math
import re

import numpy as np
import pytest

from explorer import resources
from explorer.analysis import summarize
from explorer.analysis.safety import (
    adverse_event_frame,
    arm_column,
    filter_mask,
    frame_columns,
    grade_band,
    grade_phrase,
    grade_rank,
    grades_present,
    plot_data,
    synthetic_safety_evidence,
)
from explorer.evidence import from_dict, load_bundled

T, C = "palbo_et", "et"


@pytest.fixture(scope="module")
def palmira():
    return summarize(load_bundled())


@pytest.fixture(scope="module")
def frame(palmira):
    return adverse_event_frame(palmira)


@pytest.fixture(scope="module")
def big():
    summary = summarize(synthetic_safety_evidence(500, seed=3))
    return summary, adverse_event_frame(summary)


def test_one_row_per_adverse_event_in_file_order(frame):
    assert frame["id"].tolist() == ["ae_grade_3_4", "treatment_related_deaths"]
    assert frame["term"].tolist() == ["Adverse events", "Treatment-related death"]
    assert frame["grade_band"].tolist() == ["3–4", "5"]
    assert frame["plot_label"].tolist() == [
        "Adverse events (grade 3–4)",
        "Treatment-related death (grade 5)",
    ]
    assert list(frame.columns) == frame_columns([T, C])


def test_grade_3_4_rates_counts_and_comparisons(frame):
    row = frame.iloc[0]
    assert row[arm_column("rate", T)] == 45.2 and row[arm_column("rate", C)] == 8.3
    assert (row[arm_column("count", T)], row[arm_column("n", T)]) == (61, 135)
    assert (row[arm_column("count", C)], row[arm_column("n", C)]) == (5, 60)
    assert row["rd"] == pytest.approx(100 * (61 / 135 - 5 / 60))
    assert (row["rd_lower"], row["rd_upper"]) == pytest.approx((24.158, 46.499), abs=1e-3)
    assert row["rr"] == pytest.approx((61 / 135) / (5 / 60))
    assert row["nnh"] == pytest.approx(1 / (61 / 135 - 5 / 60))
    assert row["fisher_p"] < 0.001 and row["ci_level"] == 0.95
    assert row[arm_column("rate_text", T)] == "45.2% ●"
    assert row[arm_column("count_text", T)] == "61/135 ◇"
    assert row[arm_column("rate_text", C)] == "8.3% ●"
    assert row[arm_column("count_text", C)] == "5/60 ◇"
    assert row["rd_text"] == "36.9 (24.2–46.5)"
    assert row["rr_text"] == "5.42 (2.30–12.81)"
    assert row["nnh_text"] == "NNH 2.7 (2.2–4.1)" and row["nnh_kind"] == "NNH"


def test_statuses_and_provenance(frame):
    row = frame.iloc[0]
    assert row[arm_column("rate_status", T)] == "reported"
    assert row[arm_column("count_status", T)] == "reconstructed"
    assert row["status"] == "reconstructed" and row["status_text"] == "◇ reconstructed"
    assert "“P+ET (45.2% vs. 8.3%)”" in row[arm_column("rate_provenance", T)]
    assert "61/135 = 45.19% rounds to the printed 45.2%" in row[arm_column("count_provenance", T)]
    assert "Newcombe" in row["rd_provenance"]
    assert row["figure_id"] == "ae.ae_grade_3_4.rd"
    assert {"ae.ae_grade_3_4.rd", "ae.ae_grade_3_4.nnt", "population.safety.et"} <= set(
        row["figure_ids"]
    )
    assert row["provenance"].startswith("Least certain number in this row: reconstructed.")


def test_zero_counts_without_rates_show_dashes_not_errors(frame, palmira):
    row = frame.iloc[1]
    assert row["category"] == "treatment-related"
    assert (row[arm_column("count", T)], row[arm_column("n", T)]) == (0, 135)
    assert row[arm_column("count_text", T)] == "0/135 ◇"
    assert row[arm_column("count_text", C)] == "0/60 ◇"
    # No percentage printed: 0/n is derived, and marked as uncertain as n (reconstructed).
    assert row[arm_column("rate", T)] == 0.0
    assert row[arm_column("rate_status", T)] == "reconstructed"
    assert "no percentage printed; 100 × 0 / 135" in row[arm_column("rate_provenance", T)]
    for key in ("rd", "rd_lower", "rr", "nnh", "fisher_p"):
        assert math.isnan(row[key])
    assert (row["rd_text"], row["rr_text"], row["nnh_text"]) == ("—", "—", "—")
    # No comparison: a click shows the treatment arm's count.
    assert row["figure_id"] == "ae.treatment_related_deaths.count.palbo_et"
    assert "ae.treatment_related_deaths.count" in row["figure_ids"]  # reported overall zero
    for fid in row["figure_ids"]:
        palmira.figure(fid)  # every id names a real figure


def test_missing_category_is_missing(frame):
    assert frame["category"].isna().tolist() == [True, False]


def test_numeric_columns_are_float(frame):
    for key in ("rd", "rr", "nnh", arm_column("rate", T), arm_column("count", C)):
        assert frame[key].dtype == np.float64


def test_evidence_without_adverse_events_gives_an_empty_frame():
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["adverse_events"] = []
    frame = adverse_event_frame(summarize(from_dict(data)))
    assert len(frame) == 0
    assert list(frame.columns) == frame_columns([T, C])
    assert frame["rd"].dtype == np.float64
    assert filter_mask(frame, "x").tolist() == []
    assert len(plot_data(frame, [], T, C)) == 0


def test_grade_helpers():
    assert [grade_band(g) for g in ("any", "3", "3-4", ">=3")] == ["Any", "3", "3–4", "≥3"]
    assert grade_phrase("any") == "any grade" and grade_phrase(">=3") == "grade ≥3"
    order = sorted(["5", ">=3", "1", "3-4", "any", "3", "4"], key=grade_rank)
    assert order == ["any", "1", "3", "3-4", ">=3", "4", "5"]


def test_filter_mask_is_case_insensitive_substring_and_grade(frame):
    assert filter_mask(frame).tolist() == [True, True]
    assert filter_mask(frame, "  DEATH ").tolist() == [False, True]
    assert filter_mask(frame, "events").tolist() == [True, False]
    assert filter_mask(frame, "", "3-4").tolist() == [True, False]
    assert filter_mask(frame, "death", "3-4").tolist() == [False, False]
    assert grades_present(frame) == ["3-4", "5"]


def test_plot_data_follows_the_given_row_order(frame):
    data = plot_data(frame, [1, 0], T, C)
    assert data.labels == ("Treatment-related death (grade 5)", "Adverse events (grade 3–4)")
    assert data.treatment_rate.tolist() == [0.0, 45.2]
    assert data.control_rate.tolist() == [0.0, 8.3]
    assert np.isnan(data.rd[0]) and data.rd[1] == pytest.approx(36.85185)
    assert data.rd_lower[1] == pytest.approx(24.15775) and data.rows.tolist() == [1, 0]


def test_altman_interval_matches_the_nnt_figure(big):
    """Where the RD interval crosses 0, the table text is the figure's own interval."""
    summary, frame = big
    crossing = frame[(frame["rd_lower"] < 0) & (frame["rd_upper"] > 0)]
    assert len(crossing) > 50
    for _, row in crossing.head(40).iterrows():
        derivation = summary.figure(f"ae.{row['id']}.nnt").derivation
        interval = re.search(r"95% CI (NNT .*?|∞.*?) \(the interval", derivation).group(1)
        assert row["nnh_text"].endswith(f"({interval})"), (row["nnh_text"], interval)
        assert " to ∞ to " in row["nnh_text"] or "(∞ to" in row["nnh_text"]


def test_nnt_when_the_event_is_rarer_on_treatment(big):
    _, frame = big
    fewer = frame[frame["rd_upper"] < 0]
    assert len(fewer) > 0
    assert (fewer["nnh_kind"] == "NNT").all()
    assert fewer["nnh_text"].str.match(r"NNT \d+\.\d \(\d+\.\d–\d+\.\d\)$").all()


def test_synthetic_input_with_500_terms(big):
    summary, frame = big
    assert len(frame) == 502 and frame["id"].is_unique
    syn = frame.iloc[2:]
    assert (syn[arm_column("n", T)] == 135).all() and (syn[arm_column("n", C)] == 60).all()
    assert (syn[arm_column("count", T)] <= 135).all()
    # No comparison when neither arm has an event (0/135 vs 0/60): nothing to compare.
    both_zero = (syn[arm_column("count", T)] == 0) & (syn[arm_column("count", C)] == 0)
    assert syn.loc[~both_zero, "rd"].notna().all() and syn.loc[both_zero, "rd"].isna().all()
    # Rows with a comparison take its status; 0 vs 0 rows keep their counts' (reported).
    assert (syn.loc[~both_zero, "status"] == "derived").all()
    assert (syn.loc[both_zero, "status"] == "reported").all()
    # Rates derived from reported counts: 100 k / n.
    assert np.allclose(syn[arm_column("rate", C)], 100 * syn[arm_column("count", C)] / 60)
    first = syn.iloc[0]
    k, n = int(first[arm_column("count", T)]), 135
    assert first[arm_column("count_text", T)] == f"{k}/{n} ●"
    assert (
        "Synthetic adverse events for tests and benchmarks"
        in summary.figure(f"ae.{first['id']}.count.palbo_et").provenance
    )
    assert set(grades_present(frame)) == {"any", "3-4", ">=3", "5"}
    neutro = filter_mask(frame, "neutro")
    assert neutro.sum() == frame["term"].str.lower().str.contains("neutro").sum() > 10


def test_synthetic_input_is_reproducible():
    a = synthetic_safety_evidence(20, seed=1)
    b = synthetic_safety_evidence(20, seed=1)
    assert a.adverse_events == b.adverse_events
    assert a.adverse_events != synthetic_safety_evidence(20, seed=2).adverse_events
    assert copy.copy(a.trial) == load_bundled().trial
