"""Endpoints analysis: the table frame, modelled survival curves, rates and forest rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.analysis import summarize
from explorer.analysis.endpoints import (
    endpoint_frame,
    forest_data,
    model_survival_curves,
    piecewise_exponential,
    rate_comparison,
    worst_status,
)
from explorer.evidence import load_bundled


@pytest.fixture(scope="module")
def summary():
    return summarize(load_bundled())


@pytest.fixture(scope="module")
def frame(summary):
    return endpoint_frame(summary)


@pytest.fixture(scope="module")
def curves(summary):
    return model_survival_curves(summary, "pfs")


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out (Newcombe 1998, method 3), independent of stats."""
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


# -- modelled survival curves -------------------------------------------------------------


def test_model_curves_pass_exactly_through_reported_points(curves):
    by_arm = {a.arm_id: a for a in curves.arms}
    assert list(by_arm) == ["palbo_et", "et"]
    for arm_id, median, rate in (("palbo_et", 4.2, 0.409), ("et", 3.6, 0.286)):
        arm = by_arm[arm_id]
        assert arm.time[0] == 0.0 and arm.survival[0] == 1.0
        # The knots are on the grid, with exactly the reported values.
        assert arm.survival[arm.time == median].tolist() == [0.5]
        assert arm.survival[arm.time == 6.0].tolist() == [rate]
        assert arm.survival_at([0.0, median, 6.0]).tolist() == [1.0, 0.5, rate]
        assert np.all(np.diff(arm.survival) <= 0)
        assert np.all(np.diff(arm.time) > 0)


def test_model_hazards_are_constant_between_knots_and_continue(curves):
    pe = curves.arms[0].model  # P+ET: S(4.2) = 0.5, S(6) = 0.409
    h1, h2 = math.log(2) / 4.2, math.log(0.5 / 0.409) / 1.8
    assert pe.hazard.tolist() == pytest.approx([h1, h2], rel=1e-12)
    assert pe.survival_at(2.0)[0] == pytest.approx(math.exp(-h1 * 2.0), rel=1e-12)
    # Beyond the last knot the last hazard continues.
    assert pe.survival_at(9.0)[0] == pytest.approx(0.409 * math.exp(-h2 * 3.0), rel=1e-12)
    assert curves.t_max == 9.0  # 1.5 × 6 months, above the 8.7-month median follow-up
    assert curves.arms[0].time[-1] == 9.0


def test_model_curves_say_what_they_are(curves):
    assert curves.title == (
        "Model curves from reported medians and 6-month rates (not Kaplan–Meier data)"
    )
    assert curves.x_label == "Months since randomisation"
    assert curves.y_label == "Progression-free (%)"
    assert "Piecewise-exponential" in curves.method
    assert "not Kaplan–Meier" in curves.method
    assert "S(4.2) = 50%, S(6) = 40.9%" in curves.method
    pe, et = curves.arms
    assert (pe.median.time, pe.median.percent, pe.median.lower, pe.median.upper) == (
        4.2,
        50.0,
        3.5,
        5.8,
    )
    assert (et.median.lower, et.median.upper) == (2.7, 4.2)
    assert [(m.time, m.percent, m.figure_id) for m in et.landmarks] == [
        (6.0, 28.6, "pfs.landmark_6.et")
    ]
    assert pe.inputs == ("pfs.median.palbo_et", "pfs.landmark_6.palbo_et")
    assert pe.status == "derived"


def test_interpolated_and_extrapolated_parts_meet_at_the_last_knot(curves):
    arm = curves.arms[1]
    t_in, s_in = arm.interpolated()
    t_out, s_out = arm.extrapolated()
    assert t_in[-1] == t_out[0] == 6.0
    assert s_in[-1] == s_out[0] == pytest.approx(28.6)
    assert len(t_in) + len(t_out) == len(arm.time) + 1


def test_piecewise_orders_points_whatever_comes_first():
    # A median after the landmark (S(3) = 80%, median 5) and the reverse order of input.
    curve, dropped = piecewise_exponential([5.0, 3.0], [0.5, 0.8])
    assert curve.knot_time.tolist() == [0.0, 3.0, 5.0]
    assert curve.survival_at([3.0, 5.0]).tolist() == [0.8, 0.5]
    assert dropped == ()


def test_piecewise_drops_points_no_survival_curve_can_pass_through():
    # A 6-month rate above 50% with a median of 4: the curve cannot rise again.
    curve, dropped = piecewise_exponential([4.0, 6.0], [0.5, 0.55])
    assert curve.knot_time.tolist() == [0.0, 4.0]
    assert len(dropped) == 1 and "S(6) = 55%" in dropped[0]
    # With one knot the single hazard continues: an exponential curve.
    assert curve.survival_at(8.0)[0] == pytest.approx(0.25)


def test_model_curves_reject_binary_endpoints(summary):
    with pytest.raises(ValueError, match="not a time-to-event"):
        model_survival_curves(summary, "orr")


# -- the table frame ------------------------------------------------------------------------


def test_frame_has_one_row_per_endpoint_and_compared_adverse_event(frame):
    assert frame["endpoint_id"].tolist() == ["pfs", "orr", "cbr", "ae.ae_grade_3_4"]
    assert frame["role"].tolist() == ["primary", "secondary", "secondary", "safety"]
    assert frame["kind"].tolist() == ["time_to_event", "binary", "binary", "binary"]
    assert frame.at[0, "population"] == "Randomised patients (n = 198)"
    assert frame.at[1, "population"] == "Patients with measurable disease (n = 138)"


def test_frame_pfs_row_has_palmira_values(frame):
    row = frame.iloc[0]
    assert row["arm.palbo_et"] == "4.2 months (95% CI 3.5–5.8)"
    assert row["arm.et"] == "3.6 months (95% CI 2.7–4.2)"
    assert row["arm.palbo_et.value"] == 4.2
    assert row["effect"] == "HR 0.8 (0.6–1.1)"
    assert (row["effect_value"], row["effect_lower"], row["effect_upper"]) == (0.8, 0.6, 1.1)
    assert row["effect_level"] == 0.95
    assert row["p"] == "0.206" and row["p_value"] == 0.206 and row["p_kind"] == "reported"
    assert row["status"] == "reported"
    assert row["figure_id"] == "pfs.hr"
    assert row["favours"] == "<1 favours P+ET"
    assert frame.attrs["ci_level"] == 0.95
    assert row["effect_tip"].startswith("● pfs.hr (reported): 0.8 (95% CI 0.6–1.1)\n")
    assert "“hazard ratio 0.8, 95% CI 0.6–1.1”" in row["effect_tip"].replace("\n", " ")
    assert "pfs.landmark_6.palbo_et" in row["arm.palbo_et.tip"]


def test_frame_orr_row_marks_what_is_reconstructed(frame):
    row = frame.iloc[1]
    assert row["arm.palbo_et"] == "6.4% (6/94 ◇)"
    assert row["arm.et"] == "2.3% (1/44 ◇)"
    assert row["arm.et.value"] == 2.3
    assert row["effect"] == "RR 2.81 (0.35–22.63) ◇"
    assert row["rd"] == "+4.1 (−6.0 to 11.2) ◇"
    assert row["rd_value"] == pytest.approx(100 * (6 / 94 - 1 / 44))
    assert row["p"] == "0.430 ◇ Fisher exact"
    assert row["p_figure"] == "orr.fisher_p" and row["p_kind"] == "Fisher exact"
    assert row["status"] == "reconstructed"
    assert row["figure_id"] == "orr.rr"
    assert row["favours"] == ">1 favours P+ET"
    tip = row["arm.palbo_et.tip"]
    assert "● orr.percent.palbo_et (reported): 6.4%" in tip
    assert "◇ orr.count.palbo_et (reconstructed): 6 patients" in tip
    assert set(row["figures"]) >= {"orr.rr", "orr.rd", "orr.fisher_p", "orr.percent.et"}


def test_frame_adverse_event_row(frame):
    row = frame.iloc[3]
    assert row["endpoint"] == "Adverse events (grade 3-4)"
    assert row["arm.palbo_et"] == "45.2% (61/135 ◇)"
    assert row["arm.et"] == "8.3% (5/60 ◇)"
    assert row["effect"] == "RR 5.42 (2.30–12.81) ◇"
    assert row["p"] == "<0.001 ◇ Fisher exact"
    assert row["favours"] == "<1 favours P+ET"  # fewer adverse events favour treatment


def test_worst_status():
    assert worst_status(["reported", "derived"]) == "derived"
    assert worst_status(["reported", "reconstructed", "derived"]) == "reconstructed"
    assert worst_status([]) == "reported"


# -- rates with Wilson intervals --------------------------------------------------------------


def test_orr_rates_with_wilson_intervals_on_reconstructed_counts(summary):
    rates = rate_comparison(summary, "orr")
    assert rates.x_label == "% of patients"
    pe, et = rates.arms
    assert (pe.percent, pe.count, pe.n) == (6.4, 6, 94)
    assert (et.percent, et.count, et.n) == (2.3, 1, 44)
    # R: prop.test(6, 94, correct = FALSE)$conf.int = 0.02957973 0.13232974
    assert (pe.lower, pe.upper) == pytest.approx((2.957973, 13.232974), abs=1e-5)
    assert (et.lower, et.upper) == pytest.approx(tuple(100 * x for x in _wilson(1, 44)))
    assert pe.status == et.status == "reconstructed"
    assert pe.interval.id == "orr.wilson.palbo_et"
    assert "Wilson score interval on 6/94" in pe.interval.derivation
    assert "reconstructed" in rates.method
    assert rates.comparison[0] == "P+ET vs ET ◇"
    assert rates.comparison[1] == "difference +4.1 points (95% CI −6.0 to 11.2)"
    assert rates.comparison[3] == "Fisher p = 0.430"


def test_adverse_event_rates(summary):
    rates = rate_comparison(summary, "ae.ae_grade_3_4")
    assert [(a.percent, a.counts_text) for a in rates.arms] == [(45.2, "61/135"), (8.3, "5/60")]
    lo, hi = _wilson(61, 135)
    assert (rates.arms[0].lower, rates.arms[0].upper) == pytest.approx((100 * lo, 100 * hi))


def test_rates_reject_time_to_event(summary):
    with pytest.raises(ValueError, match="not a binary"):
        rate_comparison(summary, "pfs")


# -- forest rows ---------------------------------------------------------------------------


def test_forest_rows_on_the_log_scale(summary):
    f = forest_data(summary)
    assert f.figure_ids == ("pfs.hr", "orr.rr", "cbr.rr", "ae.ae_grade_3_4.rr")
    assert f.labels == ("PFS, HR", "ORR, RR", "CBR, RR", "Grade 3-4 AEs, RR")
    assert f.x[0] == pytest.approx(math.log(0.8))
    assert f.x_lower[0] == pytest.approx(math.log(0.6))
    assert f.x_upper[0] == pytest.approx(math.log(1.1))
    assert f.statuses == ("reported", "reconstructed", "reconstructed", "reconstructed")
    assert f.benefit_above_one.tolist() == [False, True, True, False]
    assert f.directions == (
        "<1 favours P+ET",
        ">1 favours P+ET",
        ">1 favours P+ET",
        "<1 favours P+ET",
    )
    assert f.texts[0] == "0.8 (0.6–1.1)" and f.texts[1] == "2.81 (0.35–22.63) ◇"


def test_forest_clips_wide_intervals_and_flags_them(summary):
    f = forest_data(summary)
    # ORR RR 0.35–22.63 and AE RR 2.30–12.81 run beyond 10: clipped at log 10, flagged.
    assert f.upper_clipped.tolist() == [False, True, False, True]
    assert not f.lower_clipped.any()
    assert f.x_upper[1] == pytest.approx(math.log(10))
    assert f.upper[1] == pytest.approx(22.627, abs=1e-3)  # the true bound is kept
    wide = forest_data(summary, clip=(0.5, 2.0))
    assert wide.lower_clipped.tolist() == [False, True, False, False]
    assert wide.x_lower[1] == pytest.approx(math.log(0.5))
