"""explorer.stats.simulation against rpact (tests/reference/simulation.R), scipy, R-checked
survival functions, the analytic power, and its own invariants.

Reference: ``rpact::getSimulationSurvival`` (rpact 3.3.4, R 4.2.2), 100,000 trials per design,
one-sided alpha 0.025 (rpact simulates one-sided tests only), evenly spaced entry and fixed
allocation blocks, which ``entry="even"`` reproduces. Monte Carlo tolerances are 4 standard
errors of the difference of two independent simulations: for a proportion
``sqrt(p (1 - p) (1/n + 1/n_R))``, for a mean ``sd sqrt(1/n + 1/n_R)`` and for a median
``1.2533 sd sqrt(1/n + 1/n_R)`` (asymptotic SE of the median of a near-normal sample), with
rpact's p and sd. With fixed seeds the tests are deterministic; 4 SE makes a false alarm on
a correct implementation a 1-in-15,000 event per comparison when a seed is changed.
"""

from __future__ import annotations

import dataclasses
import doctest
import math

import numpy as np
import pytest
from scipy import stats

from explorer.stats import binary, design, simulation, survival
from explorer.stats.simulation import (
    SimulatedTrials,
    SimulationCancelled,
    SimulationResult,
    simulate_survival,
    simulate_trial_data,
)

N_SIMS = 20_000
MEDIAN_SE = math.sqrt(math.pi / 2)  # SE(median) = 1.2533 sd / sqrt(n) for a normal sample

PALMIRA = dict(n_total=198, events=155, hr=0.59, control_median=3.6, ratio=2.0, accrual_time=42.0)


def _mc_tol(sd: float, n: int, n_ref: int) -> float:
    """4 standard errors of the difference of two independent Monte Carlo means."""
    return 4.0 * sd * math.sqrt(1.0 / n + 1.0 / n_ref)


def _inputs(row: dict) -> dict:
    """simulate_survival keywords for one design of simulation.json."""
    breaks = np.atleast_1d(np.asarray(row["breaks"], dtype=float))
    return dict(
        n_total=row["n_total"],
        events=row["events"],
        hr=row["hr"],
        control_median=row["control_median"],
        breaks=tuple(breaks.tolist()),
        ratio=row["allocation1"] / row["allocation2"],
        accrual_time=row["accrual_time"],
        dropout_rate=row["dropout_rate"],
        dropout_time=12.0,
        alpha=row["alpha"],
        sides=row["sides"],
    )


@pytest.fixture
def rpact_designs(r_reference) -> list[dict]:
    """The designs of simulation.json with rpact's results."""
    designs = r_reference("simulation")["designs"]
    assert len(designs) == 9
    return designs


# ---- the vectorised log-rank and Cox against scipy and explorer.stats.survival -------------

TRIAL_DESIGNS = {
    "PALMIRA": PALMIRA,
    "PALMIRA, even entry": dict(PALMIRA, entry="even"),
    "dropout 30%, follow-up cap": dict(
        PALMIRA, events=150, dropout_rate=0.3, follow_up=3.0, accrual_time=30.0
    ),
    "delayed effect, 1:1": dict(
        n_total=120,
        events=90,
        hr=(1.0, 0.5),
        breaks=(3.0,),
        control_median=6.0,
        accrual_time=12.0,
    ),
    "three pieces, 1:2": dict(
        n_total=90,
        events=60,
        hr=(0.8, 0.5, 1.2),
        breaks=(2.0, 6.0),
        control_hazard=(0.3, 0.15, 0.1),
        ratio=0.5,
        accrual_time=18.0,
    ),
    # everyone enters at 0: those censored at the analysis tie with the last event
    "no accrual period (ties at the analysis)": dict(PALMIRA, accrual_time=0.0),
}


@pytest.mark.parametrize("name", list(TRIAL_DESIGNS))
def test_logrank_and_cox_match_scipy_and_survival_trial_by_trial(name):
    kw = TRIAL_DESIGNS[name]
    res = simulate_survival(**kw, n_sims=8, seed=11, chunk_size=3)
    trials = simulate_trial_data(**kw, n_sims=8, seed=11)
    assert isinstance(trials, SimulatedTrials)
    for i in range(8):
        inc = trials.included[i]
        t, e, g = trials.time[i][inc], trials.event[i][inc], trials.treatment[i][inc]
        assert np.all(np.isnan(trials.time[i][~inc]))
        assert res.events[i] == e.sum()
        ref = stats.logrank(
            stats.CensoredData.right_censored(t[g], ~e[g]),
            stats.CensoredData.right_censored(t[~g], ~e[~g]),
        )
        # log-rank z vs scipy.stats.logrank(treatment, control).statistic (signed), abs 1e-9
        assert res.z[i] == pytest.approx(ref.statistic, abs=1e-9), (name, i)
        lr = survival.logrank(t, e, g)
        # z² vs explorer.stats.survival.logrank (R survdiff-checked) chi-square, rel 1e-9
        assert res.z[i] ** 2 == pytest.approx(lr.statistic, rel=1e-9), (name, i)
        o_minus_e = lr.observed[1] - lr.expected[1]  # group labels sorted: True = treatment
        variance = o_minus_e**2 / lr.statistic
        # Peto HR exp((O - E) / V) from survival.logrank's O, E and V, rel 1e-9
        assert res.hr[i] == pytest.approx(math.exp(o_minus_e / variance), rel=1e-9)
        fit = survival.cox(t, e, g)
        # Newton-iterated Cox HR vs explorer.stats.survival.cox (statsmodels PHReg, R
        # coxph-checked); no ties so Efron = Breslow; rel 1e-8 (PHReg convergence)
        assert res.hr_cox[i] == pytest.approx(fit.hr, rel=1e-8), (name, i)


def test_trial_data_are_the_simulated_trials_as_analysed():
    kw = dict(PALMIRA, events=150, dropout_rate=0.3, follow_up=3.0, accrual_time=30.0)
    trials = simulate_trial_data(**kw, n_sims=200, seed=5)
    res = simulate_survival(**kw, n_sims=200, seed=5)
    np.testing.assert_array_equal(trials.analysis_time, res.analysis_time)
    np.testing.assert_array_equal(trials.target_reached, res.target_reached)
    np.testing.assert_array_equal(trials.event.sum(axis=1), res.events)
    # exact arm sizes in every trial; treatment columns first
    assert np.all(trials.treatment[:, :132]) and not np.any(trials.treatment[:, 132:])
    # randomised before the analysis, entry in [0, accrual_time)
    assert np.all(trials.entry >= 0) and np.all(trials.entry < 30.0)
    np.testing.assert_array_equal(trials.included, trials.entry < trials.analysis_time[:, None])
    # follow-up never runs past the analysis
    end = np.where(trials.included, trials.entry + trials.time, -np.inf)
    assert np.all(end.max(axis=1) <= trials.analysis_time * (1 + 1e-12))
    assert not np.any(trials.event & ~trials.included)


def test_peto_agrees_with_cox_near_hr_one_and_parts_from_it_away_from_one():
    # log Peto - log Cox (Cox exact, checked above against survival.cox) over 2000 trials of
    # PALMIRA's size (155 events). Measured on 5000: 1:1 HR 1 median |d| 0.0001, 95th
    # percentile 0.004; 1:1 HR 0.59 mean -0.015; 2:1 HR 0.59 mean -0.068, d < 0 always.
    def diff(**change):
        res = simulate_survival(**dict(PALMIRA, **change), n_sims=2000, seed=2)
        return np.log(res.hr) - np.log(res.hr_cox)

    near = diff(hr=1.0, ratio=1.0)
    assert np.median(np.abs(near)) < 0.001
    assert np.quantile(np.abs(near), 0.95) < 0.01
    balanced = diff(ratio=1.0)
    assert -0.025 < balanced.mean() < -0.008
    palmira = diff()
    assert np.all(palmira < 0)  # Peto lower than Cox in every 2:1 trial
    assert -0.085 < palmira.mean() < -0.05


def test_cox_median_is_the_true_hazard_ratio_and_peto_is_not():
    res = simulate_survival(**PALMIRA, n_sims=10_000, seed=3)
    # median Cox HR vs the simulated HR 0.59 (log sd ~0.17: SE of the median ~0.0021 on the
    # log scale; 4 SEs plus 0.005 for the small-sample bias of the Cox estimate)
    assert math.log(res.hr_cox_median) == pytest.approx(math.log(0.59), abs=0.0135)
    # Peto's median is about 6% lower (0.554 measured)
    assert res.hr_median < 0.57


# ---- against rpact::getSimulationSurvival ------------------------------------------------


@pytest.mark.parametrize("index", range(9))
def test_even_entry_matches_rpact(rpact_designs, index):
    row = rpact_designs[index]
    n_ref = row["iterations"]
    res = simulate_survival(**_inputs(row), n_sims=N_SIMS, seed=100 + index, entry="even")
    assert res.direction == row["direction"]
    p = row["overall_reject"]
    # empirical power vs rpact overallReject, 4 binomial SEs of the difference
    assert res.power == pytest.approx(p, abs=_mc_tol(math.sqrt(p * (1 - p)), N_SIMS, n_ref))
    # median analysis time vs rpact's (getData()$analysisTime), 4 SEs of the difference
    tol = MEDIAN_SE * _mc_tol(row["analysis_time_sd"], N_SIMS, n_ref)
    assert res.analysis_time_median == pytest.approx(row["analysis_time_median"], abs=tol)
    # mean log-rank z (ours: < 0 = fewer events on treatment), 4 SEs
    assert res.z.mean() == pytest.approx(row["z_mean"], abs=_mc_tol(row["z_sd"], N_SIMS, n_ref))
    # median of rpact's HR estimate exp(z (1 + r) / sqrt(r D)), log scale, 4 SEs
    tol = MEDIAN_SE * _mc_tol(row["log_hr_lr_sd"], N_SIMS, n_ref)
    assert math.log(np.median(res.hr_schoenfeld)) == pytest.approx(
        math.log(row["hr_lr_median"]), abs=tol
    )
    # mean events in the treatment arm at the analysis, 4 SEs
    treated = simulate_trial_data(**_drop_test(_inputs(row)), n_sims=2000, seed=7, entry="even")
    events_t = (treated.event & treated.treatment).sum(axis=1)
    tol = _mc_tol(row["events_treatment_sd"], 2000, n_ref)
    assert events_t.mean() == pytest.approx(row["events_treatment_mean"], abs=tol)
    # every trial reached its events in both (rpact eventsNotAchieved 0)
    assert row["events_not_achieved"] == 0 and res.share_target_reached == 1.0


def _drop_test(kw: dict) -> dict:
    return {k: v for k, v in kw.items() if k not in ("alpha", "sides")}


@pytest.mark.parametrize("index", range(9))
def test_random_entry_power_matches_rpact(rpact_designs, index):
    row = rpact_designs[index]
    res = simulate_survival(**_inputs(row), n_sims=N_SIMS, seed=200 + index)
    p = row["overall_reject"]
    # power with random (uniform) entry vs rpact's evenly spaced entry: the entry model moves
    # the power by at most 0.003 here (docs/simulation.md), inside 4 binomial SEs (~0.01)
    assert res.power == pytest.approx(
        p, abs=_mc_tol(math.sqrt(p * (1 - p)), N_SIMS, row["iterations"])
    )
    # analysis times: random entry analyses earlier (0.1 month at PALMIRA); within 0.25 month
    assert res.analysis_time_median == pytest.approx(row["analysis_time_median"], abs=0.25)


def test_unequal_allocation_skews_the_null_distribution_as_in_rpact(rpact_designs):
    row = next(r for r in rpact_designs if r["name"] == "PALMIRA under H0 (HR 1)")
    # rpact: one-sided 0.025 rejects 2.9% of trials under H0 at 2:1, 155 events: the
    # log-rank z is skewed with unequal allocation. Ours agrees (4 SEs) and is well above
    # the nominal 0.025 (> 6 SEs of 100,000 trials)
    assert row["overall_reject"] > 0.025 + 6 * math.sqrt(0.025 * 0.975 / row["iterations"])
    res = simulate_survival(**_inputs(row), n_sims=50_000, seed=3)
    p = row["overall_reject"]
    assert res.power == pytest.approx(
        p, abs=_mc_tol(math.sqrt(p * (1 - p)), 50_000, row["iterations"])
    )


def test_schoenfeld_underestimates_power_at_2_to_1_as_rpact_shows(rpact_designs):
    row = rpact_designs[0]  # PALMIRA HR 0.59, 155 events
    analytic = design.power(155, 0.59, alpha=0.025, ratio=2.0, sides=1)
    se = math.sqrt(analytic * (1 - analytic) / row["iterations"])
    # rpact's simulated power exceeds Schoenfeld's 0.8722 by 0.007 (> 4 SEs)
    assert row["overall_reject"] - analytic > 4 * se
    res = simulate_survival(**_inputs(row), n_sims=100_000, seed=4)
    assert res.power - analytic > 4 * se


# ---- against the analytic power ------------------------------------------------------------

ANALYTIC = [
    dict(n_total=300, events=200, hr=0.75, control_median=12.0, accrual_time=24.0),
    dict(n_total=300, events=200, hr=0.8, control_median=12.0, accrual_time=24.0),
    dict(n_total=400, events=300, hr=0.7, control_median=6.0, accrual_time=24.0),
    dict(n_total=300, events=200, hr=1.3, control_median=12.0, accrual_time=24.0),
]


@pytest.mark.parametrize("kw", ANALYTIC)
@pytest.mark.parametrize(("sides", "alpha"), [(2, 0.05), (1, 0.025)])
def test_power_matches_schoenfeld_at_1_to_1(kw, sides, alpha):
    res = simulate_survival(**kw, alpha=alpha, sides=sides, n_sims=N_SIMS, seed=9)
    analytic = design.power(kw["events"], kw["hr"], alpha=alpha, sides=sides)
    # simulated vs Schoenfeld (design.power, rpact-checked), 4 binomial SEs (~0.014); the
    # approximation itself is off by at most 0.003 here (200,000-trial runs)
    se = math.sqrt(analytic * (1 - analytic) / N_SIMS)
    assert res.power == pytest.approx(analytic, abs=4 * se)
    # the Wilson interval of the Monte Carlo proportion, as explorer.stats.binary's, 1e-12
    ci = binary.proportion_ci(int(res.rejected.sum()), N_SIMS)
    assert (res.power_lower, res.power_upper) == pytest.approx((ci.lower, ci.upper), abs=1e-12)


@pytest.mark.parametrize(("sides", "alpha"), [(2, 0.05), (1, 0.025)])
def test_rejection_rate_under_h0_is_alpha_at_1_to_1(sides, alpha):
    kw = dict(n_total=300, events=200, hr=1.0, control_median=12.0, accrual_time=24.0)
    res = simulate_survival(**kw, alpha=alpha, sides=sides, n_sims=50_000, seed=12)
    # type I error vs alpha, 4 binomial SEs (~0.004 / 0.003)
    assert res.power == pytest.approx(alpha, abs=4 * math.sqrt(alpha * (1 - alpha) / 50_000))


def test_two_sided_counts_both_tails_and_one_sided_follows_the_effect():
    kw = dict(PALMIRA, hr=1.0)
    two = simulate_survival(**kw, alpha=0.05, sides=2, n_sims=5000, seed=8)
    one = simulate_survival(**kw, alpha=0.025, sides=1, n_sims=5000, seed=8)
    np.testing.assert_array_equal(two.z, one.z)  # same seed, same trials
    c = two.critical_value
    assert c == pytest.approx(1.959963984540054, rel=1e-12)
    assert two.power == np.mean(two.z <= -c) + np.mean(two.z >= c)
    assert np.mean(two.z >= c) > 0  # the opposite tail counts
    assert one.direction == "lower" and one.power == np.mean(one.z <= -c)
    harm = simulate_survival(**dict(kw, hr=1.3), sides=1, n_sims=500, seed=8)
    assert harm.direction == "upper"
    np.testing.assert_array_equal(harm.rejected, harm.z >= harm.critical_value)
    delayed = simulate_survival(**dict(kw, hr=(1.0, 0.6), breaks=(3.0,)), sides=1, n_sims=10)
    assert delayed.direction == "lower"


# ---- the piecewise-exponential generator ---------------------------------------------------


def _piecewise_cdf(t, starts, rates):
    t = np.asarray(t, dtype=float)
    widths = np.diff(np.append(starts, np.inf))
    exposure = np.clip(t[..., None] - starts, 0.0, widths)
    return 1.0 - np.exp(-(exposure * rates).sum(axis=-1))


def test_piecewise_event_times_follow_the_exact_distribution():
    # Every patient followed to the event (events = n_total, no dropout): the times are the
    # generated event times, uncensored.
    starts = np.array([0.0, 2.0, 6.0])
    control = np.array([0.3, 0.15, 0.1])
    hr = np.array([0.8, 0.5, 1.2])
    trials = simulate_trial_data(
        n_total=400,
        events=400,
        hr=hr,
        breaks=(2.0, 6.0),
        control_hazard=control,
        accrual_time=12.0,
        n_sims=10,
        seed=21,
    )
    assert trials.event.all() and trials.included.all() and trials.target_reached.all()
    for arm, rates in ((trials.treatment, control * hr), (~trials.treatment, control)):
        times = trials.time[arm]
        assert times.size == 2000
        # Kolmogorov–Smirnov against the exact piecewise-exponential CDF, p > 0.001
        ks = stats.kstest(times, lambda t, r=rates: _piecewise_cdf(t, starts, r))
        assert ks.pvalue > 0.001


def test_simulated_control_median_is_the_control_median():
    trials = simulate_trial_data(
        n_total=500,
        events=500,
        hr=0.6,
        control_median=3.6,
        accrual_time=10.0,
        n_sims=20,
        seed=4,
    )
    control = trials.time[~trials.treatment]
    # sample median vs 3.6; SE of the median of an exponential = 1 / (lambda sqrt(n)); 4 SEs
    n = control.size
    assert n == 5000
    assert np.median(control) == pytest.approx(3.6, abs=4 * 3.6 / (math.log(2) * math.sqrt(n)))
    treated = trials.time[trials.treatment]
    assert np.median(treated) == pytest.approx(6.0, abs=4 * 6.0 / (math.log(2) * math.sqrt(n)))


# ---- analysis time: target not reached, follow-up cap ------------------------------------


def test_unreachable_target_is_analysed_when_the_last_follow_up_ends():
    # Heavy dropout: most trials cannot reach 40 events among 40 patients.
    kw = dict(
        n_total=40,
        events=40,
        hr=0.7,
        control_median=6.0,
        accrual_time=12.0,
        dropout_rate=0.5,
        dropout_time=3.0,
    )
    trials = simulate_trial_data(**kw, n_sims=50, seed=6)
    res = simulate_survival(**kw, n_sims=50, seed=6)
    missed = ~res.target_reached
    assert missed.sum() > 40
    assert np.all(res.events[missed] < 40) and np.all(res.events[~missed] == 40)
    # every patient randomised and followed to event or dropout; analysis at the last end
    assert trials.included[missed].all()
    last_end = np.max(trials.entry + trials.time, axis=1)
    np.testing.assert_allclose(res.analysis_time[missed], last_end[missed], rtol=1e-12)


def test_follow_up_caps_the_analysis_time():
    kw = dict(PALMIRA, follow_up=0.0)  # analysis at the end of accrual (42 months) at latest
    res = simulate_survival(**kw, n_sims=2000, seed=10)
    assert np.all(res.analysis_time <= 42.0)
    missed = ~res.target_reached
    # the 155th event usually comes at ~40 months: some trials hit the cap first
    assert 0 < missed.sum() < 2000
    np.testing.assert_array_equal(res.analysis_time[missed], 42.0)
    assert np.all(res.events[missed] < 155) and np.all(res.events[~missed] == 155)
    # without the cap the same trials reach their target later
    free = simulate_survival(**PALMIRA, n_sims=2000, seed=10)
    assert free.target_reached.all()
    assert np.all(free.analysis_time[missed] > 42.0)
    np.testing.assert_array_equal(free.z[~missed], res.z[~missed])


# ---- reproducibility, chunks, progress, cancellation ---------------------------------------


def _arrays(res: SimulationResult) -> dict:
    return {
        f.name: getattr(res, f.name)
        for f in dataclasses.fields(res)
        if isinstance(getattr(res, f.name), np.ndarray)
    }


def test_same_seed_same_results_for_any_chunk_size():
    kw = dict(PALMIRA, dropout_rate=0.1, hr=(1.0, 0.6), breaks=(3.0,))
    runs = [simulate_survival(**kw, n_sims=1234, seed=99, chunk_size=c) for c in (1000, 7, 1234)]
    again = simulate_survival(**kw, n_sims=1234, seed=99, chunk_size=1000)
    for run in [*runs[1:], again]:
        for name, arr in _arrays(runs[0]).items():
            np.testing.assert_array_equal(getattr(run, name), arr, err_msg=name)
        assert run.power == runs[0].power
    other = simulate_survival(**kw, n_sims=1234, seed=100)
    assert not np.array_equal(other.z, runs[0].z)


def test_trial_i_does_not_depend_on_n_sims_and_entropy_reproduces_unseeded_runs():
    short = simulate_survival(**PALMIRA, n_sims=150, seed=5)
    long = simulate_survival(**PALMIRA, n_sims=450, seed=5)
    np.testing.assert_array_equal(long.z[:150], short.z)
    unseeded = simulate_survival(**PALMIRA, n_sims=120)
    assert unseeded.seed is None and unseeded.entropy > 0
    replay = simulate_survival(**PALMIRA, n_sims=120, seed=unseeded.entropy)
    np.testing.assert_array_equal(replay.z, unseeded.z)


def test_progress_reports_increasing_counts_ending_at_n_sims():
    calls = []
    res = simulate_survival(
        **PALMIRA, n_sims=2500, seed=1, chunk_size=1000, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert res.n_sims == 2500 and res.z.shape == (2500,)


def test_progress_returning_false_cancels_after_the_first_chunk():
    calls = []

    def stop(done, total):
        calls.append((done, total))
        return False

    with pytest.raises(SimulationCancelled, match="after 300 of 1000") as caught:
        simulate_survival(**PALMIRA, n_sims=1000, seed=1, chunk_size=300, progress=stop)
    assert calls == [(300, 1000)]
    assert (caught.value.done, caught.value.total) == (300, 1000)


def test_result_arrays_are_read_only_and_serialisable():
    res = simulate_survival(**PALMIRA, n_sims=50, seed=1)
    for name, arr in _arrays(res).items():
        assert arr.shape == (50,), name
        with pytest.raises(ValueError):
            arr[0] = 0
    assert res.events.dtype.kind == "i" and res.target_reached.dtype == bool
    d = res.to_dict()
    assert d["n_sims"] == 50 and len(d["hr"]) == 50 and d["events_target"] == 155
    q = res.hr_quantiles((0.5,), estimator="cox")
    assert q[0] == pytest.approx(res.hr_cox_median)
    assert res.analysis_time_quantiles(0.5) == pytest.approx(res.analysis_time_median)
    with pytest.raises(ValueError, match="estimator"):
        res.hr_quantiles(estimator="wald")


def test_allocation_is_exact_and_even_entry_uses_rpact_blocks():
    assert simulate_survival(**dict(PALMIRA, n_total=199), n_sims=1, seed=1).n_treatment == 133
    assert simulate_survival(**dict(PALMIRA, n_total=200), n_sims=1, seed=1).n_treatment == 133
    even = simulate_trial_data(**dict(PALMIRA, n_total=9, events=5), n_sims=1, entry="even")
    # rpact: entry i * 42 / 9 (i = 1..9), arms in blocks treatment, treatment, control
    order = np.argsort(even.entry[0])
    assert even.treatment[0][order].tolist() == [True, True, False] * 3
    np.testing.assert_allclose(np.sort(even.entry[0]), 42.0 * np.arange(1, 10) / 9)


# ---- validation ------------------------------------------------------------------------------

BAD = [
    (dict(events=199), "events"),
    (dict(events=0), "events"),
    (dict(n_total=1.5), "n_total"),
    (dict(hr=0.0), "hr"),
    (dict(hr=-0.5), "hr"),
    (dict(hr=(0.5, 0.6)), "hr"),  # two values but one piece
    (dict(breaks=(3.0, 2.0), hr=(1, 0.6, 0.5)), "breaks"),
    (dict(breaks=(0.0,), hr=(1, 0.6)), "breaks"),
    (dict(accrual_time=-1.0), "accrual_time"),
    (dict(dropout_rate=1.0), "dropout_rate"),
    (dict(dropout_rate=-0.1), "dropout_rate"),
    (dict(dropout_time=0.0), "dropout_time"),
    (dict(follow_up=-1.0), "follow_up"),
    (dict(ratio=0.0), "ratio"),
    (dict(ratio=1000.0), "ratio"),
    (dict(control_median=0.0), "control_median"),
    (dict(control_hazard=(0.2,)), "exactly one"),
    (dict(control_median=None), "exactly one"),
    (dict(control_median=None, control_hazard=(0.2, 0.1)), "control_hazard"),
    (dict(alpha=1.0), "alpha"),
    (dict(sides=3), "sides"),
    (dict(n_sims=0), "n_sims"),
    (dict(chunk_size=0), "chunk_size"),
    (dict(seed=-1), "seed"),
    (dict(entry="staggered"), "entry"),
    (dict(entry="even", ratio=math.pi), "ratio of whole numbers"),
    (dict(progress="yes"), "progress"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_names_the_parameter(change, message):
    kw = dict(PALMIRA, n_sims=10, seed=1)
    kw.update(change)
    with pytest.raises(ValueError, match=message):
        simulate_survival(**kw)


def test_docstring_examples():
    failures, tried = doctest.testmod(simulation, optionflags=doctest.ELLIPSIS)
    assert tried >= 4 and failures == 0
