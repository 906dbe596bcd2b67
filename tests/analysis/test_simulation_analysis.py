"""The Design panel's simulation bound to the design inputs (explorer.analysis.simulation).

PALMIRA's design (2:1, two-sided α 0.05, 80% power for HR 0.59; 198 randomised; control
median 3.6 months, 42 months of accrual): the design requires 126.87 events (Schoenfeld;
rpact 126.87, tests/reference/design.json), so the simulation's defaults are 198 patients
and 127 events. The simulation itself is explorer.stats.simulation's (checked against
rpact there); these tests check the binding: which arguments reach it, how its result is
summarised, and what the figures say.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from explorer.analysis import summarize
from explorer.analysis.simulation import (
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    SimulationCancelled,
    SimulationInputError,
    SimulationSettings,
    check_settings,
    default_settings,
    describe,
    event_choices,
    patient_choices,
    randomised_total,
    run_simulation,
)
from explorer.evidence import load_bundled
from explorer.stats import design as design_stats
from explorer.stats.simulation import simulate_survival

# A small run: enough to test the binding, quick in CI.
SMALL = 2_000


@pytest.fixture(scope="module")
def palmira():
    return summarize(load_bundled())


@pytest.fixture(scope="module")
def inputs(palmira):
    return palmira.design.inputs


@pytest.fixture(scope="module")
def settings(palmira, inputs):
    return replace(
        default_settings(inputs, randomised=randomised_total(palmira.evidence)), n_sims=SMALL
    )


@pytest.fixture(scope="module")
def summary(inputs, settings):
    return run_simulation(inputs, settings)


def test_defaults_from_palmira(palmira, inputs):
    assert randomised_total(palmira.evidence) == 198  # reported: "A total of 198 pts"
    s = default_settings(inputs, randomised=198)
    # Events: the design's 126.87 events required (Schoenfeld), rounded up.
    assert (s.n_total, s.events) == (198, 127)
    assert (s.n_sims, s.seed, s.model) == (DEFAULT_TRIALS, DEFAULT_SEED, "exponential")
    assert (DEFAULT_TRIALS, DEFAULT_SEED) == (10_000, 20231)
    assert s.n_total_note == "the number randomised, as reported"
    assert s.events_note == "the design's events required (Schoenfeld, rounded up)"


def test_choices_offer_the_reported_and_the_design_numbers(inputs):
    patients = patient_choices(inputs, 198)
    # The design's sample size: 138.4 patients, 92.2 + 46.1 rounded up per arm = 93 + 47.
    assert [(c.key, c.value) for c in patients] == [("reported", 198), ("design", 140)]
    events = event_choices(inputs)
    assert [(c.key, c.value) for c in events] == [("design", 127), ("reported", 155)]
    assert [c.short for c in events] == ["required by the design", "at the reported analysis"]
    # Freedman needs fewer events (110.9 → 111).
    freedman = event_choices(replace(inputs, method="freedman"))
    assert freedman[0].value == 111
    assert "Freedman" in freedman[0].note


def test_without_a_reported_number_the_design_sample_size_is_used(inputs):
    s = default_settings(inputs)
    assert (s.n_total, s.events) == (140, 127)
    assert s.n_total_note.startswith("the design's sample size")
    with pytest.raises(SimulationInputError, match="needs a number of patients"):
        default_settings(replace(inputs, control_median=None))


def test_analytic_power_at_127_events_is_the_design_formula(inputs, summary):
    # Method: Schoenfeld power at 127 events, HR 0.59, 2:1, two-sided 0.05;
    # reference: explorer.stats.design.power (itself checked against rpact); tol 1e-12.
    expected = design_stats.power(127, 0.59, alpha=0.05, ratio=2.0, sides=2)
    assert summary.analytic_power == pytest.approx(expected, rel=1e-12)
    assert 0.80 < summary.analytic_power < 0.801  # 127 events is just above 126.87
    fig = summary.figures["analytic_power"]
    assert fig.formatted() == f"{100 * expected:.1f}%" == "80.0%"
    assert fig.label == "Analytic power at 127 events (Schoenfeld)"
    # The same events with the Freedman formula.
    freedman = run_simulation(replace(inputs, method="freedman"), replace(summary.settings))
    expected_f = design_stats.power(127, 0.59, alpha=0.05, ratio=2.0, method="freedman")
    assert freedman.analytic_power == pytest.approx(expected_f, rel=1e-12)
    assert freedman.analytic_power > summary.analytic_power


def test_the_simulation_gets_the_design_and_settings(inputs, settings, summary):
    # Reference: explorer.stats.simulation called directly with the design's numbers; the
    # same seed gives the same trials, so equality is exact.
    direct = simulate_survival(
        n_total=198,
        events=127,
        hr=0.59,
        control_median=3.6,
        ratio=2.0,
        accrual_time=42.0,
        dropout_rate=0.0,
        alpha=0.05,
        sides=2,
        n_sims=SMALL,
        seed=DEFAULT_SEED,
    )
    np.testing.assert_array_equal(summary.result.hr, direct.hr)
    np.testing.assert_array_equal(summary.result.analysis_time, direct.analysis_time)
    assert summary.power == direct.power
    assert (summary.power_lower, summary.power_upper) == (direct.power_lower, direct.power_upper)
    assert summary.result.n_treatment == 132 and summary.result.n_control == 66
    assert summary.power_difference == pytest.approx(summary.power - summary.analytic_power)


def test_reproducible_by_seed(inputs, settings, summary):
    again = run_simulation(inputs, settings)
    np.testing.assert_array_equal(again.result.hr, summary.result.hr)
    assert again.power == summary.power
    other = run_simulation(inputs, replace(settings, seed=1))
    assert not np.array_equal(other.result.hr, summary.result.hr)


def test_distributions_summarise_the_trials(inputs, summary):
    # The Cox estimate per trial (Peto's is biased away from 1 at 2:1 allocation).
    hr = np.asarray(summary.result.hr_cox)
    # Quantiles: numpy's default = R's type 7 (quantile(x, type = 7)); to rounding, 1e-14.
    assert summary.hr_median == pytest.approx(np.quantile(hr, 0.5), rel=1e-14)
    assert (summary.hr_lower, summary.hr_upper) == pytest.approx(
        np.quantile(hr, [0.025, 0.975]), rel=1e-14
    )
    times = np.asarray(summary.result.analysis_time)
    assert (summary.time_q1, summary.time_median, summary.time_q3) == pytest.approx(
        np.quantile(times, [0.25, 0.5, 0.75]), rel=1e-14
    )
    assert summary.share_reached == 1.0  # no dropout: every trial reaches 127 events
    # Histograms: every trial counted once; HR edges evenly spaced on the log scale and
    # spanning the design HR and 1.
    assert summary.hr_counts.sum() == SMALL and summary.time_counts.sum() == SMALL
    steps = np.diff(np.log(summary.hr_edges))
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)
    assert summary.hr_edges[0] < 0.59 and summary.hr_edges[-1] > 1.0
    assert summary.hr_edges[0] <= hr.min() and summary.hr_edges[-1] >= hr.max()
    assert summary.time_edges[0] <= times.min() and summary.time_edges[-1] >= times.max()
    assert len(summary.hr_counts) == 20  # √2000 / 2.5 = 17.9, at least 20 bins
    # Plausibility (not a check of the statistics): the median analysis falls before the
    # end of the 42-month accrual, and the median HR is near the design's.
    assert 25 < summary.time_median < 42
    assert 0.45 < summary.hr_median < 0.7


def test_figures_name_the_simulation(summary):
    figures = summary.figures
    assert set(figures) == {
        "power",
        "analytic_power",
        "power_difference",
        "hr_median",
        "analysis_time",
        "target_reached",
    }
    assert {f.status for f in figures.values()} == {"derived"}
    assert all(f.id.startswith("design.simulation.") for f in figures.values())
    head = (
        "Monte Carlo, 2,000 simulated trials, seed 20231, model exponential (proportional "
        "hazards), log-rank at 127 events"
    )
    assert summary.description == head
    power = figures["power"]
    assert power.derivation.startswith(head)
    assert "95% Wilson interval" in power.derivation
    assert "198 patients (the number randomised, as reported)" in power.derivation
    assert "Control median = 3.6 months" in power.derivation
    p, lo, hi = (100 * x for x in (summary.power, summary.power_lower, summary.power_upper))
    assert power.formatted() == f"{p:.1f}% (95% CI {lo:.1f}–{hi:.1f}%)"
    assert (
        figures["hr_median"]
        .formatted()
        .endswith(f"(95% of trials {summary.hr_lower:.3f}–{summary.hr_upper:.3f})")
    )
    assert "IQR" in figures["analysis_time"].formatted()
    assert figures["target_reached"].formatted() == "100.0%"
    assert "What-if" not in power.derivation


def test_a_what_if_design_says_so(inputs, settings):
    what_if = replace(inputs, hr=0.65)
    out = run_simulation(what_if, replace(settings, n_sims=200), reported=inputs)
    assert out.figures["power"].derivation.startswith(
        "What-if, not the reported design: hypothesised hazard ratio 0.65 (reported design: 0.59)"
    )


def test_delayed_effect_is_piecewise(inputs, settings):
    delayed = replace(settings, model="delayed", change_time=2.0, early_hr=1.0, n_sims=500)
    out = run_simulation(inputs, delayed)
    direct = simulate_survival(
        n_total=198,
        events=127,
        hr=(1.0, 0.59),
        breaks=(2.0,),
        control_median=3.6,
        ratio=2.0,
        accrual_time=42.0,
        n_sims=500,
        seed=DEFAULT_SEED,
    )
    np.testing.assert_array_equal(out.result.z, direct.z)
    assert "delayed effect (HR 1 for the first 2 months, then the design HR" in out.description
    # No effect for the first 2 months (over half the control median) costs power.
    assert out.power < out.analytic_power - 0.2


def test_dropout_reaches_the_simulation(inputs, settings):
    # 40% lost within 12 months and only as many patients as events: some trials cannot
    # reach 127 events.
    lossy = replace(inputs, dropout_rate=0.4)
    out = run_simulation(lossy, replace(settings, n_total=135, n_sims=300))
    assert out.share_reached < 1.0
    assert "dropout 40% within 12 months" in out.figures["target_reached"].derivation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"events": 250}, "cannot happen with 198 patients"),
        ({"n_sims": 50}, "Simulate between 100 and 1,000,000 trials; 50 were asked for"),
        ({"n_total": 1}, "at least 2 patients"),
        ({"model": "weibull"}, "Unknown hazard model"),
        ({"model": "delayed", "change_time": 0.0}, "after randomisation"),
        ({"seed": -1}, "seed"),
    ],
)
def test_invalid_settings_give_a_plain_message(inputs, settings, change, message):
    bad = replace(settings, **change)
    with pytest.raises(SimulationInputError, match=message):
        check_settings(inputs, bad)
    with pytest.raises(SimulationInputError, match=message):
        run_simulation(inputs, bad)


def test_inputs_the_simulation_needs(inputs, settings):
    with pytest.raises(SimulationInputError, match="control arm's median"):
        check_settings(replace(inputs, control_median=None), settings)
    with pytest.raises(SimulationInputError, match="accrual period"):
        check_settings(replace(inputs, accrual_time=None), settings)
    assert isinstance(SimulationInputError("x"), ValueError)


def test_progress_and_cancel(inputs, settings):
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return len(seen) < 2  # stop after the second chunk

    with pytest.raises(SimulationCancelled):
        run_simulation(inputs, replace(settings, n_sims=5_000), progress)
    assert seen == [(1_000, 5_000), (2_000, 5_000)]


def test_settings_compare_by_numbers_not_notes():
    a = SimulationSettings(n_total=198, events=127, n_total_note="reported")
    b = SimulationSettings(n_total=198, events=127, n_total_note="set in the panel")
    assert a == b
    assert a != replace(a, seed=1)
    assert describe(a).startswith("Monte Carlo, 10,000 simulated trials, seed 20231")
