"""What the Design panel computes: seeded inputs, live results, the power curve, provenance.

References: rpact 3.3.4 through ``tests/reference/palmira_analysis.json`` (events, power,
detectable HR at PALMIRA's design) and ``tests/reference/design.json`` (sample size with
6 months of follow-up); the curve is checked point by point against
``explorer.stats.design.power``, itself checked against rpact.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from explorer.analysis import summarize
from explorer.analysis.design import (
    ASSUMED_FOLLOW_UP_MONTHS,
    DesignInputs,
    design_curve,
    edited_fields,
    evaluate,
    format_input,
    hr_grid,
    input_origins,
    inputs_from_evidence,
    power_curve,
    result_figures,
)
from explorer.evidence import load_bundled
from explorer.stats import design as stats_design

REFERENCE = Path(__file__).parents[1] / "reference"
PALMIRA = json.loads((REFERENCE / "palmira_analysis.json").read_text())
SAMPLE_SIZE = next(
    row
    for row in json.loads((REFERENCE / "design.json").read_text())["sample_size"]
    if row["name"] == "PALMIRA"
)


@pytest.fixture(scope="module")
def evidence():
    return load_bundled()


@pytest.fixture(scope="module")
def reported(evidence):
    return inputs_from_evidence(evidence)


def test_inputs_are_seeded_from_the_report(reported):
    assert (reported.hr, reported.alpha, reported.sides, reported.power, reported.ratio) == (
        0.59,
        0.05,
        2,
        0.8,
        2.0,
    )
    assert reported.method == "schoenfeld"
    assert reported.observed_events == 155
    assert reported.observed_hr == 0.8
    assert (reported.observed_hr_lower, reported.observed_hr_upper) == (0.6, 1.1)
    assert reported.observed_hr_level == 0.95
    assert reported.control_median == 3.6  # observed ET median, not the design's
    assert reported.accrual_time == 42  # April 2019 to October 2022
    assert reported.follow_up == ASSUMED_FOLLOW_UP_MONTHS == 6.0
    assert reported.dropout_rate == 0.0


def test_reported_design_matches_rpact(reported):
    res = evaluate(reported)
    # rpact getSampleSizeSurvival()$eventsFixed, getPowerSurvival()$overallReject: rel 1e-6.
    assert res.events_required == pytest.approx(PALMIRA["events_schoenfeld"], rel=1e-6)
    assert res.power_at_observed == pytest.approx(PALMIRA["power_design"], rel=1e-6)
    assert res.power_for_observed_hr == pytest.approx(PALMIRA["power_observed"], rel=1e-6)
    assert res.detectable_hr == pytest.approx(PALMIRA["detectable_hr"], rel=1e-8)
    assert res.events_for_observed_hr == pytest.approx(PALMIRA["events_for_observed"], rel=1e-6)
    # The printed values the panel shows.
    assert round(res.events_required, 1) == 126.9
    assert round(100 * res.power_at_observed, 1) == 87.2
    assert round(res.detectable_hr, 3) == 0.620
    assert round(100 * res.power_for_observed_hr, 1) == 25.8
    assert res.curve_events == 155


def test_sample_size_matches_rpact_with_six_months_follow_up(reported):
    res = evaluate(reported)
    # rpact getSampleSizeSurvival(lambda2 = log(2)/3.6, accrualTime = c(0, 42),
    # followUpTime = 6, allocationRatioPlanned = 2): $nFixed, $nFixed1, $nFixed2, rel 1e-9.
    assert res.n_total == pytest.approx(SAMPLE_SIZE["n_total"], rel=1e-9)
    assert res.n_treatment == pytest.approx(SAMPLE_SIZE["n_treatment"], rel=1e-9)
    assert res.n_control == pytest.approx(SAMPLE_SIZE["n_control"], rel=1e-9)


def test_freedman_events_and_sample_size_follow_the_method(reported):
    res = evaluate(replace(reported, method="freedman"))
    assert res.events_required == pytest.approx(PALMIRA["events_freedman"], rel=1e-6)
    assert round(res.events_required, 1) == 110.9
    # The sample size uses the chosen method's events.
    assert res.n_total == pytest.approx(res.events_required / res.event_probability, rel=1e-12)
    assert res.n_total < evaluate(reported).n_total


def test_power_curve_equals_stats_power_two_sided(reported):
    hrs = hr_grid(reported)
    grid, power = power_curve(reported, hrs)
    assert np.array_equal(grid, hrs)
    expected = [stats_design.power(155, h, alpha=0.05, ratio=2.0, sides=2) for h in hrs]
    np.testing.assert_allclose(power, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("method", ["schoenfeld", "freedman"])
@pytest.mark.parametrize("sides", [1, 2])
def test_power_curve_equals_stats_power_on_the_design_side(reported, method, sides):
    inputs = replace(reported, method=method, sides=sides, alpha=0.025 * sides)
    hrs = np.geomspace(0.3, 1.0, 57)
    _, power = power_curve(inputs, hrs)
    expected = [
        stats_design.power(155, h, alpha=inputs.alpha, ratio=2.0, sides=sides, method=method)
        for h in hrs
    ]
    np.testing.assert_allclose(power, expected, rtol=1e-12, atol=1e-15)


def test_power_curve_is_monotone_and_alpha_at_no_effect(reported):
    hrs = np.geomspace(0.3, 1.0, 101)
    _, power = power_curve(reported, hrs)
    assert np.all(np.diff(power) < 0)  # a weaker effect is harder to detect
    # Two-sided: both tails, so the power at HR 1 is alpha (each tail alpha / 2),
    # as stats.design.power and rpact's overallReject give.
    assert power[-1] == pytest.approx(0.05, rel=1e-12)
    assert power[-1] == pytest.approx(stats_design.power(155, 1.0, ratio=2.0), rel=1e-12)
    _, harm = power_curve(reported, np.geomspace(1.0, 2.0, 51))
    assert np.all(np.diff(harm) > 0)  # the two-sided test also detects harm


def test_one_sided_curve_keeps_the_direction_of_the_design(reported):
    one = replace(reported, sides=1, alpha=0.025)
    _, at_one = power_curve(one, [1.0])
    assert at_one[0] == pytest.approx(0.025, rel=1e-12)
    _, beyond = power_curve(one, [1.1, 1.5])
    assert np.all(beyond < 0.025)  # a test for benefit rarely rejects under harm


def test_curve_passes_through_target_power_at_detectable_hr(reported):
    res = evaluate(reported)
    _, power = power_curve(reported, [res.detectable_hr])
    # Schoenfeld inverted exactly, plus the opposite tail (about 1e-6 at 80%).
    assert power[0] == pytest.approx(0.8, abs=1e-5)


def test_curve_without_observed_events_is_at_the_events_required():
    inputs = DesignInputs(hr=0.59, ratio=2.0)
    _, power = power_curve(inputs, [0.59])
    assert power[0] == pytest.approx(0.8, abs=1e-5)
    assert evaluate(inputs).curve_events == pytest.approx(PALMIRA["events_schoenfeld"])


def test_power_curve_rejects_bad_input(reported):
    with pytest.raises(ValueError, match="positive and finite"):
        power_curve(reported, [0.5, -1.0])
    with pytest.raises(ValueError, match="method"):
        power_curve(replace(reported, method="lakatos"), [0.5])
    with pytest.raises(ValueError, match="events"):
        power_curve(reported, [0.5], events=0.0)


def test_hr_grid_spans_design_and_observed_ci(reported):
    grid = hr_grid(reported)
    assert grid[0] == pytest.approx(0.4) and grid[-1] == pytest.approx(1.25)
    steps = np.diff(np.log(grid))
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)  # even on the log scale
    wide = hr_grid(replace(reported, hr=0.3))
    assert wide[0] == pytest.approx(0.3 / 1.1)


def test_design_curve_points_lie_on_the_curve(reported):
    res = evaluate(reported)
    curve = design_curve(res)
    assert curve.events == 155 and curve.events_observed
    assert curve.design_hr == 0.59
    assert curve.design_power == pytest.approx(res.power_at_observed, rel=1e-12)
    assert curve.observed_power == pytest.approx(res.power_for_observed_hr, rel=1e-12)
    assert (curve.observed_lower, curve.observed_upper, curve.observed_level) == (0.6, 1.1, 0.95)
    assert curve.target_power == 0.8


def test_edited_fields_lists_what_differs(reported):
    assert edited_fields(reported, reported) == ()
    edited = replace(reported, method="freedman", hr=0.7, observed_events=200)
    assert edited_fields(edited, reported) == ("hr", "method")  # observed data not editable
    assert edited_fields(replace(reported, power=0.8 + 1e-15), reported) == ()


def test_result_figures_of_reported_design_match_the_summary(evidence, reported):
    summary = summarize(evidence)
    figures = result_figures(evaluate(reported), reported, input_origins(evidence, reported))
    for key in (
        "events_required",
        "power_at_observed",
        "power_for_observed_hr",
        "detectable_hr",
        "events_for_observed_hr",
    ):
        fig = figures[key]
        assert fig.value == pytest.approx(summary.figure(fig.id).value, rel=1e-12), key
        assert fig.formatted() == summary.figure(fig.id).formatted(), key
        assert fig.status == "derived"
        assert "What-if" not in fig.derivation
    events = figures["events_required"]
    assert events.id == "design.events_required_schoenfeld"
    assert events.formatted() == "126.9 events"
    assert events.derivation.startswith("Schoenfeld: D = (z_α + z_power)² × (1 + r)²")
    assert "Hypothesised hazard ratio = 0.59 [reported]" in events.derivation
    assert "Events formula = Schoenfeld [assumed]" in events.derivation
    assert figures["power_at_observed"].formatted() == "87.2%"
    assert figures["detectable_hr"].formatted() == "0.620"
    assert figures["power_for_observed_hr"].formatted() == "25.8%"
    assert "Observed HR = 0.8 (95% CI 0.6–1.1) [reported]" in (
        figures["power_for_observed_hr"].derivation
    )


def test_result_figures_sample_size_rounds_each_arm_up(evidence, reported):
    figures = result_figures(
        evaluate(reported),
        reported,
        input_origins(evidence, reported),
        treatment_label="P+ET",
        control_label="ET",
    )
    # rpact: 92.24 and 46.12 patients; planning rounds each arm up.
    assert figures["n_treatment"].value == 93
    assert figures["n_control"].value == 47
    assert figures["n_total"].formatted() == "140 patients"
    text = figures["n_total"].derivation
    assert "N = 138.4 (92.2 P+ET, 46.1 ET), each arm rounded up" in text
    assert "Follow-up after accrual = 6 months [assumed]" in text
    assert "Control median = 3.6 months [observed]" in text
    assert "Accrual = 42 months [derived]" in text


def test_result_figures_say_what_if_when_an_input_differs(evidence, reported):
    whatif = replace(reported, hr=0.7)
    figures = result_figures(evaluate(whatif), reported, input_origins(evidence, reported))
    for fig in figures.values():
        assert fig.derivation.startswith("What-if, not the reported design: ")
        assert "hypothesised hazard ratio 0.7 (reported design: 0.59)" in fig.derivation
        assert fig.status == "derived"
    assert "Hypothesised hazard ratio = 0.7 [what-if; reported 0.59]" in (
        figures["events_required"].derivation
    )
    assert figures["events_required"].value == pytest.approx(
        stats_design.events_required(0.7, ratio=2.0)
    )


def test_input_origins_label_reported_observed_derived_and_assumed(evidence, reported):
    origins = input_origins(evidence, reported)
    assert {f: o.status for f, o in origins.items()} == {
        "hr": "reported",
        "alpha": "reported",
        "sides": "reported",
        "power": "reported",
        "ratio": "reported",
        "method": "assumed",
        "control_median": "observed",
        "accrual_time": "derived",
        "follow_up": "assumed",
        "dropout_rate": "assumed",
        "observed_events": "reported",
        "observed_hr": "reported",
    }
    assert "“hazard ratio ≤0.59”" in origins["hr"].note
    assert "upper bound" in origins["hr"].note
    median = origins["control_median"].note
    assert "observed median" in median and "ET arm" in median
    assert "assumed for the control arm is not reported" in median
    assert origins["follow_up"].note.startswith("Not reported: an assumption.")
    assert "“Between April 2019 and October 2022”" in origins["accrual_time"].note
    assert origins["follow_up"].short == "assumption"


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("hr", 0.59, "0.59"),
        ("alpha", 0.05, "0.05"),
        ("sides", 1, "1-sided"),
        ("power", 0.9, "90%"),
        ("ratio", 2.0, "2:1"),
        ("method", "freedman", "Freedman"),
        ("control_median", 3.6, "3.6 months"),
        ("dropout_rate", 0.1, "10%"),
        ("follow_up", None, "not reported"),
    ],
)
def test_format_input(field, value, text):
    assert format_input(field, value) == text


def test_evaluate_is_cheap_enough_for_every_keystroke(reported):
    # Closed forms only: evaluating and drawing inputs is far below a 16 ms frame.
    import time

    start = time.perf_counter()
    for i in range(50):
        res = evaluate(replace(reported, hr=0.5 + i / 200))
        design_curve(res)
    assert (time.perf_counter() - start) / 50 < 0.016
    assert math.isfinite(res.events_required)
