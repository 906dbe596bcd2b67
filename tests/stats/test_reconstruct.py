"""Tests for explorer.stats._reconstruct.reconstruct_ipd (Guyot et al. 2012).

There is no R reference to compare with: the reference is the patient data itself. Each
round trip simulates a trial, draws its Kaplan–Meier curve, samples it as a digitiser would,
reconstructs the patients and compares what matters downstream (curve, median, events, RMST,
Cox HR) with the original data. KM, median and RMST come from the small product-limit
helpers below (so these tests do not depend on explorer.stats.survival); the Cox model is
statsmodels' PHReg (Efron ties, as R's coxph).

The tolerances are the ones asked of a usable reconstruction. How often they hold was
checked on 300 simulated PALMIRA-like trials (136 + 62 patients, exponential PFS with
medians 4.2 and 3.6 months, uniform censoring over 24 months, digitised with ±0.003 noise):
max_abs_diff < 0.02 in 97.5% of arms, median within 0.5 month in 98%, events within 5% in
99.5%, RMST(12) within 0.3 month in 100% and the HR within 0.05 in 99.3% of trials. The
misses are single patients in a sparse tail or a median on a long flat step; the
fixed-seed tests pin one trial, and test_round_trip_over_many_trials checks the rates.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.stats._reconstruct import ReconstructedIpd, reconstruct_ipd

PALMIRA_ARMS = {"palbociclib + ET": (136, 4.2), "ET": (62, 3.6)}  # patients, median PFS
SEED = 2019  # PALMIRA opened in April 2019
RISK_STEP = 3.0  # months between the numbers at risk, as usual under PFS figures
AXIS_END = 24.0  # x axis of the figure; censoring is uniform over it


# --- helpers: product-limit estimator, median, RMST, Cox ---------------------------------


def km(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct event times and the Kaplan–Meier survival just after each."""
    event_times, deaths = np.unique(time[event == 1], return_counts=True)
    at_risk = time.size - np.searchsorted(np.sort(time), event_times, side="left")
    return event_times, np.cumprod(1.0 - deaths / at_risk)


def km_median(time: np.ndarray, event: np.ndarray) -> float:
    """First time the KM curve is at or below 0.5 (inf if never)."""
    event_times, surv = km(time, event)
    below = np.nonzero(surv <= 0.5)[0]
    return float(event_times[below[0]]) if below.size else float("inf")


def km_rmst(time: np.ndarray, event: np.ndarray, tau: float) -> float:
    """Area under the KM curve from 0 to tau."""
    event_times, surv = km(time, event)
    inside = event_times < tau
    edges = np.concatenate(([0.0], event_times[inside], [tau]))
    heights = np.concatenate(([1.0], surv[inside]))
    return float(np.sum(np.diff(edges) * heights))


def cox_hr(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> float:
    """Cox hazard ratio of group 1 vs group 0 (statsmodels PHReg, Efron ties)."""
    from statsmodels.duration.hazard_regression import PHReg

    fit = PHReg(time, group[:, None].astype(float), status=event, ties="efron").fit(disp=0)
    return float(np.exp(fit.params[0]))


# --- helpers: a trial, its figure and a digitiser ------------------------------------------


def simulate_arm(rng: np.random.Generator, n: int, median: float) -> tuple[np.ndarray, np.ndarray]:
    """Exponential event times with the given median, uniform censoring over the axis."""
    event_time = rng.exponential(median / np.log(2.0), n)
    censor_time = rng.uniform(0.0, AXIS_END, n)
    return np.minimum(event_time, censor_time), (event_time <= censor_time).astype(int)


def step_corners(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every corner of the KM staircase (upper and lower at each drop) and the curve's end."""
    event_times, surv = km(time, event)
    before = np.concatenate(([1.0], surv[:-1]))
    return (
        np.concatenate((event_times, event_times, [time.max()])),
        np.concatenate((before, surv, [surv[-1]])),
    )


def digitise(
    rng: np.random.Generator, time: np.ndarray, event: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sample the KM curve as a digitiser does: unevenly, with noise.

    Each corner of a step is clicked with probability 0.7, but corners next to a flat
    stretch longer than a month are always clicked (they are what the eye sees), as is the
    end of the curve. Noise: uniform ±0.003 in survival, ±0.5% in time.
    """
    event_times, surv = km(time, event)
    before = np.concatenate(([1.0], surv[:-1]))
    gap_before = np.diff(event_times, prepend=0.0)
    gap_after = np.diff(event_times, append=time.max())
    upper = (rng.random(event_times.size) < 0.7) | (gap_before > 1.0)
    lower = (rng.random(event_times.size) < 0.7) | (gap_after > 1.0)
    t = np.concatenate((event_times[upper], event_times[lower], [time.max()]))
    s = np.concatenate((before[upper], surv[lower], [surv[-1]]))
    order = rng.permutation(t.size)  # a digitiser's export is not necessarily sorted
    t = t[order] * (1.0 + rng.uniform(-0.005, 0.005, t.size))
    s = s[order] + rng.uniform(-0.003, 0.003, s.size)
    return t, s


def risk_table(time: np.ndarray, *, until: float = AXIS_END) -> tuple[np.ndarray, np.ndarray]:
    """Numbers at risk (time >= t) every RISK_STEP months up to ``until``."""
    risk_time = np.arange(0.0, until + 1e-9, RISK_STEP)
    at_risk = time.size - np.searchsorted(np.sort(time), risk_time, side="left")
    return risk_time, at_risk


def simulate_trial(seed: int) -> dict[str, dict]:
    rng = np.random.default_rng(seed)
    arms = {}
    for name, (n, median) in PALMIRA_ARMS.items():
        time, event = simulate_arm(rng, n, median)
        curve_time, curve_survival = digitise(rng, time, event)
        risk_time, at_risk = risk_table(time)
        rec = reconstruct_ipd(curve_time, curve_survival, risk_time=risk_time, at_risk=at_risk)
        arms[name] = {"time": time, "event": event, "at_risk": at_risk, "rec": rec}
    return arms


def trial_hrs(arms: dict[str, dict]) -> tuple[float, float]:
    """Cox HR palbociclib + ET vs ET on the original and on the reconstructed data."""
    treat, control = arms["palbociclib + ET"], arms["ET"]
    group = np.concatenate((np.ones(treat["time"].size), np.zeros(control["time"].size)))
    original = cox_hr(
        np.concatenate((treat["time"], control["time"])),
        np.concatenate((treat["event"], control["event"])),
        group,
    )
    rebuilt = cox_hr(
        np.concatenate((treat["rec"].time, control["rec"].time)),
        np.concatenate((treat["rec"].event, control["rec"].event)),
        group,
    )
    return original, rebuilt


@pytest.fixture(scope="module")
def trial() -> dict[str, dict]:
    return simulate_trial(SEED)


ARMS = list(PALMIRA_ARMS)


# --- round trip on one PALMIRA-like trial ------------------------------------------------


@pytest.mark.parametrize("arm", ARMS)
def test_round_trip_follows_the_digitised_curve(trial, arm):
    rec = trial[arm]["rec"]
    # KM of the reconstruction vs the cleaned digitised points; tolerance 0.02: the
    # digitiser noise is ±0.003 and one patient is worth 1/136 = 0.007 at the start.
    assert rec.max_abs_diff < 0.02
    assert rec.mean_abs_diff < 0.006  # typical error well under one patient's step


@pytest.mark.parametrize("arm", ARMS)
def test_round_trip_reproduces_the_risk_table(trial, arm):
    got = trial[arm]["rec"]
    # The censoring in each interval is solved so that the numbers at risk match exactly.
    np.testing.assert_array_equal(got.interval_at_risk, trial[arm]["at_risk"])
    assert got.n == trial[arm]["time"].size
    assert got.time.size == got.n


@pytest.mark.parametrize("arm", ARMS)
def test_round_trip_median(trial, arm):
    data, rec = trial[arm], trial[arm]["rec"]
    original = km_median(data["time"], data["event"])
    # KM median, reconstructed vs original data; 0.5 month: about the spacing of event
    # times around the median of a 60- to 140-patient arm.
    assert km_median(rec.time, rec.event) == pytest.approx(original, abs=0.5)


@pytest.mark.parametrize("arm", ARMS)
def test_round_trip_event_count(trial, arm):
    data, rec = trial[arm], trial[arm]["rec"]
    original = int(data["event"].sum())
    # Events, reconstructed vs original; 5%: the curve fixes survival, not which exits
    # were events, and no total was given.
    assert rec.n_events == pytest.approx(original, rel=0.05)
    assert rec.n_events == int(rec.event.sum()) == int(rec.interval_events.sum())


@pytest.mark.parametrize("arm", ARMS)
def test_round_trip_rmst(trial, arm):
    data, rec = trial[arm], trial[arm]["rec"]
    original = km_rmst(data["time"], data["event"], 12.0)
    # RMST to 12 months, reconstructed vs original; 0.3 month: 0.02 of survival over 12
    # months is 0.24 month, plus the time shift of skipped corners.
    assert km_rmst(rec.time, rec.event, 12.0) == pytest.approx(original, abs=0.3)


def test_round_trip_cox_hazard_ratio(trial):
    original, rebuilt = trial_hrs(trial)
    # Cox HR (PHReg, Efron) on reconstructed vs original data; 0.05 on the HR scale is
    # a quarter of PALMIRA's CI half-width (0.6-1.1).
    assert rebuilt == pytest.approx(original, abs=0.05)


def test_round_trip_over_many_trials():
    # 40 trials: no systematic error, and the single-trial tolerances hold for most arms.
    event_errors, hr_errors, within = [], [], []
    for seed in range(1000, 1040):
        arms = simulate_trial(seed)
        for data in arms.values():
            rec, time, event = data["rec"], data["time"], data["event"]
            event_errors.append(rec.n_events - int(event.sum()))
            within.append(
                rec.max_abs_diff < 0.02
                and abs(km_median(rec.time, rec.event) - km_median(time, event)) < 0.5
                and abs(rec.n_events - event.sum()) <= 0.05 * event.sum()
                and abs(km_rmst(rec.time, rec.event, 12.0) - km_rmst(time, event, 12.0)) < 0.3
            )
        original, rebuilt = trial_hrs(arms)
        hr_errors.append(rebuilt - original)
    # Mean event error per arm: SD is about 1.1 events, so the mean of 80 has SE 0.12;
    # ±0.6 is 5 SE, a real bias (e.g. from a censoring rule) fails it.
    assert abs(np.mean(event_errors)) < 0.6
    # Mean |HR error| was 0.011-0.014 over 5 blocks of 40 trials; 0.025 leaves room.
    assert np.mean(np.abs(hr_errors)) < 0.025
    assert abs(np.mean(hr_errors)) < 0.015  # no bias towards or away from the null
    # All four tolerances together held for 92-98% of arms in blocks of 40 trials.
    assert np.mean(within) >= 0.85


# --- exact input ---------------------------------------------------------------------------


def test_exact_steps_reproduce_the_event_count(trial):
    data = trial["palbociclib + ET"]
    corners = step_corners(data["time"], data["event"])
    rec = reconstruct_ipd(*corners, risk_time=risk_table(data["time"])[0], at_risk=data["at_risk"])
    # Every corner, no noise: the event count within 1 (censoring inside an interval is
    # still placed evenly, so a rounding at one step can differ).
    assert abs(rec.n_events - int(data["event"].sum())) <= 1
    assert rec.max_abs_diff < 0.01


def test_uncensored_data_are_reconstructed_exactly():
    # Freireich 6-MP-like relapse times, no censoring: the curve alone determines the data.
    times = np.array([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23.0])
    event = np.ones(times.size, dtype=int)
    curve_time, curve_survival = step_corners(times, event)
    risk_time = np.array([0.0, 5, 10, 15, 20])
    at_risk = times.size - np.searchsorted(times, risk_time, side="left")  # 21, 14, 8, 4, 2
    rec = reconstruct_ipd(curve_time, curve_survival, risk_time=risk_time, at_risk=at_risk)
    np.testing.assert_array_equal(rec.time, times)
    np.testing.assert_array_equal(rec.event, event)
    assert rec.max_abs_diff < 1e-12  # the curve of the reconstruction is the curve


# --- flat tails ----------------------------------------------------------------------------


def flat_tail_arm() -> tuple[np.ndarray, np.ndarray]:
    """60 patients: 25 events before 6 months, then only censorings until 15 months."""
    rng = np.random.default_rng(7)
    event_times = np.sort(rng.uniform(0.2, 6.0, 25))
    early_censored = np.sort(rng.uniform(0.5, 6.0, 5))
    late_censored = np.sort(rng.uniform(6.5, 15.0, 30))
    time = np.concatenate((event_times, early_censored, late_censored))
    event = np.concatenate((np.ones(25, int), np.zeros(35, int)))
    return time, event


@pytest.mark.parametrize("total_events", [None, 25])
def test_flat_tail_gets_no_events(total_events):
    time, event = flat_tail_arm()
    last_drop = time[event == 1].max()
    corners_t, corners_s = step_corners(time, event)
    # The digitiser traces the flat tail with 30 points, with its usual ±0.003 noise.
    rng = np.random.default_rng(3)
    tail_t = np.linspace(last_drop + 0.2, time.max(), 30)
    tail_s = np.full(30, corners_s[-1]) + rng.uniform(-0.003, 0.003, 30)
    risk_time, at_risk = risk_table(time, until=15.0)
    rec = reconstruct_ipd(
        np.concatenate((corners_t, tail_t)),
        np.concatenate((corners_s, tail_s)),
        risk_time=risk_time,
        at_risk=at_risk,
        total_events=total_events,
    )
    # No event after the curve's last drop, in any interval after it.
    assert rec.time[rec.event == 1].max() == pytest.approx(last_drop, abs=1e-12)
    assert rec.interval_events[risk_time > last_drop].sum() == 0
    assert rec.n_events == 25  # all the drops, and nothing else
    np.testing.assert_array_equal(rec.interval_at_risk, at_risk)


def test_noise_on_a_flat_tail_does_not_collect_an_earlier_rounding():
    # 10 patients; the curve drops to 0.86 (1.4 events' worth: 1 event, the reconstruction
    # sits at 0.9) and stays flat, but one point on the tail is read at 0.845. Guyot's
    # formula at that point, round(9 * (1 - 0.845 / 0.9)) = round(0.55), would add an event
    # there; the dip is only 0.16 of an event since the drop, so none is added.
    rec = reconstruct_ipd(
        [1.0, 1.0, 2.0, 3.0, 4.0, 8.0],
        [1.0, 0.86, 0.86, 0.845, 0.86, 0.86],
        risk_time=[0.0],
        at_risk=[10],
    )
    assert rec.n_events == 1
    assert rec.time[rec.event == 1].tolist() == [1.0]


# --- total events, zeros, drops to 0, duplicate times ----------------------------------------


def short_table_case(data: dict) -> dict:
    """The arm digitised again, with a risk table that stops at 9 months.

    The last interval then runs to the curve's end (about 22 months), where only the total
    number of events can tell how many patients were censored.
    """
    risk_time, at_risk = risk_table(data["time"], until=9.0)
    curve_time, curve_survival = digitise(np.random.default_rng(11), data["time"], data["event"])
    return {
        "curve_time": curve_time,
        "curve_survival": curve_survival,
        "risk_time": risk_time,
        "at_risk": at_risk,
    }


@pytest.mark.parametrize("arm", ARMS)
def test_total_events_is_honoured(trial, arm):
    data = trial[arm]
    case = short_table_case(data)
    total = int(data["event"].sum())
    rec = reconstruct_ipd(**case, total_events=total)
    # Guyot's last-interval step with the reported total: met to within one event (it was
    # met exactly in 92% and within one in 98% of 600 simulated arms).
    assert abs(rec.n_events - total) <= 1
    np.testing.assert_array_equal(rec.interval_at_risk, case["at_risk"])


@pytest.mark.parametrize("arm", ARMS)
def test_total_events_moves_the_count_within_what_the_curve_allows(trial, arm):
    data = trial[arm]
    case = short_table_case(data)
    true_total = int(data["event"].sum())
    counts = [
        reconstruct_ipd(**case, total_events=true_total + shift).n_events for shift in range(-3, 4)
    ]
    # Asking for more events never gives fewer; the count only stops following the total
    # where the curve's drops after 9 months leave no room (censor everyone / no one).
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]


def test_curve_dropping_to_zero_and_zero_at_risk():
    # 10 patients, 2 events at each of 1..5 months, none censored; the table shows 0 at 6.
    t = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    s = [1, 0.8, 0.8, 0.6, 0.6, 0.4, 0.4, 0.2, 0.2, 0.0]
    rec = reconstruct_ipd(t, s, risk_time=[0, 2.5, 6, 9], at_risk=[10, 6, 0, 0])
    assert rec.time.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert rec.event.tolist() == [1] * 10
    assert rec.interval_at_risk.tolist() == [10, 6, 0, 0]
    assert rec.interval_events.tolist() == [4, 6, 0, 0]
    assert rec.max_abs_diff == pytest.approx(0.0, abs=1e-12)


def test_risk_table_running_past_the_curve():
    # The curve ends at 4 months but 3 patients are still at risk at 6 and 1 at 9: they are
    # censored inside those intervals, not dropped.
    rec = reconstruct_ipd([1, 1, 4], [1, 0.5, 0.5], risk_time=[0, 3, 6, 9], at_risk=[10, 5, 3, 1])
    assert rec.n_events == 5
    assert rec.interval_at_risk.tolist() == [10, 5, 3, 1]
    assert rec.time[rec.event == 0].min() > 1.0


def test_vertical_drops_as_duplicate_times_match_lower_corners():
    data_time = np.array([0.5, 1.2, 1.2, 2.0, 3.1, 3.5, 4.4, 5.0, 6.3, 7.0])
    data_event = np.array([1, 1, 1, 0, 1, 0, 1, 1, 0, 0])
    corners_t, corners_s = step_corners(data_time, data_event)
    lower_t, lower_s = km(data_time, data_event)
    risk = {"risk_time": [0, 2, 4, 6], "at_risk": [10, 7, 4, 2]}  # times >= 0, 2, 4, 6
    both = reconstruct_ipd(corners_t, corners_s, **risk)
    lower_only = reconstruct_ipd(np.append(lower_t, 7.0), np.append(lower_s, lower_s[-1]), **risk)
    # The upper corner of a drop (a point at the same time) carries no information.
    np.testing.assert_array_equal(both.time, lower_only.time)
    np.testing.assert_array_equal(both.event, lower_only.event)
    assert both.max_abs_diff == pytest.approx(0.0, abs=1e-12)  # left limit at upper corners


def test_result_is_frozen_and_sorted(trial):
    rec = trial["ET"]["rec"]
    assert isinstance(rec, ReconstructedIpd)
    assert np.all(np.diff(rec.time) >= 0)
    assert set(np.unique(rec.event).tolist()) <= {0, 1}
    assert rec.time.dtype == np.float64 and rec.event.dtype == np.int64
    assert isinstance(rec.max_abs_diff, float) and isinstance(rec.n_events, int)
    with pytest.raises(AttributeError):
        rec.n = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        rec.time[0] = 0.0
    assert set(rec.to_dict()) == {
        "time",
        "event",
        "n",
        "n_events",
        "max_abs_diff",
        "mean_abs_diff",
        "interval_at_risk",
        "interval_events",
    }


def test_point_order_does_not_matter():
    t = np.array([1.0, 1.0, 2.5, 2.5, 4.0, 4.0, 6.0])
    s = np.array([1.0, 0.9, 0.9, 0.75, 0.75, 0.6, 0.6])
    risk = {"risk_time": [0, 3], "at_risk": [20, 14]}
    first = reconstruct_ipd(t, s, **risk)
    order = np.random.default_rng(5).permutation(t.size)
    second = reconstruct_ipd(t[order], s[order], **risk)
    np.testing.assert_array_equal(first.time, second.time)
    np.testing.assert_array_equal(first.event, second.event)


# --- validation ----------------------------------------------------------------------------

GOOD = {
    "curve_time": [1.0, 2.0, 3.0],
    "curve_survival": [0.9, 0.8, 0.7],
    "risk_time": [0.0, 2.0],
    "at_risk": [10, 7],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"curve_survival": [0.9, 0.8]}, "same length"),
        ({"at_risk": [10, 7, 5]}, "same length"),
        ({"curve_time": [], "curve_survival": []}, "at least one point"),
        ({"curve_survival": [90.0, 80.0, 70.0]}, r"probability in \[0, 1\]"),
        ({"curve_survival": [0.9, 0.8, -0.1]}, r"probability in \[0, 1\]"),
        ({"curve_time": [-1.0, 2.0, 3.0]}, "curve_time must be >= 0"),
        ({"curve_time": [1.0, np.nan, 3.0]}, "finite"),
        ({"risk_time": [1.0, 2.0]}, "must start at 0"),
        ({"risk_time": [0.0, 0.0]}, "strictly increasing"),
        ({"at_risk": [10, 12]}, "non-increasing"),
        ({"at_risk": [10, -1]}, "at_risk must be >= 0"),
        ({"at_risk": [10, 7.5]}, "whole numbers"),
        ({"at_risk": [0, 0]}, r"at_risk\[0\]"),
        ({"total_events": 11}, "cannot exceed"),
        ({"total_events": -1}, "total_events must be >= 0"),
        ({"total_events": 2.5}, "whole number"),
        ({"curve_time": [[1.0, 2.0, 3.0]]}, "one-dimensional"),
    ],
)
def test_invalid_input_is_rejected(change, message):
    with pytest.raises(ValueError, match=message):
        reconstruct_ipd(**{**GOOD, **change})


def test_digitiser_noise_outside_the_unit_interval_is_clipped():
    rec = reconstruct_ipd([0.0, 1.0, 2.0], [1.03, 0.5, -0.02], risk_time=[0], at_risk=[4])
    assert rec.n_events == 4  # 0.5 then 0: two events at 1, two at 2
    assert rec.time.tolist() == [1.0, 1.0, 2.0, 2.0]


# --- properties ----------------------------------------------------------------------------


@st.composite
def uncensored_trials(draw):
    """Small trials whose only censoring is at the end of follow-up."""
    n = draw(st.integers(5, 60))
    times = draw(st.lists(st.integers(1, 40).map(lambda x: x / 2.0), min_size=n, max_size=n))
    n_followed = draw(st.integers(0, n // 3))  # still event-free at the end
    time = np.sort(np.array(times))
    event = np.ones(n, dtype=int)
    if n_followed:
        time[-n_followed:] = 21.0
        event[-n_followed:] = 0
    return time, event


@settings(max_examples=60, deadline=None)
@given(uncensored_trials())
def test_property_no_interim_censoring_is_recovered_exactly(data):
    time, event = data
    curve_time, curve_survival = step_corners(time, event)
    risk_time = np.arange(0.0, 21.0, 4.0)
    at_risk = time.size - np.searchsorted(time, risk_time, side="left")
    rec = reconstruct_ipd(curve_time, curve_survival, risk_time=risk_time, at_risk=at_risk)
    # Without censoring between risk times the KM equations have one solution: the data.
    np.testing.assert_array_equal(rec.time, time)
    np.testing.assert_array_equal(rec.event, event)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.05, 20.0), st.floats(0.0, 1.0)), min_size=1, max_size=40),
    st.integers(1, 300),
    st.lists(st.floats(0.0, 1.0), min_size=0, max_size=6),
)
def test_property_invariants(points, n, fractions):
    curve_time, curve_survival = (np.array(x) for x in zip(*points, strict=True))
    risk_time = np.arange(len(fractions) + 1) * 3.0
    at_risk = np.concatenate(([n], np.floor(n * np.sort(fractions)[::-1]))).astype(int)
    rec = reconstruct_ipd(curve_time, curve_survival, risk_time=risk_time, at_risk=at_risk)
    assert rec.n == n == rec.time.size
    assert np.all(np.diff(rec.time) >= 0)
    assert 0 <= rec.n_events <= n
    assert rec.interval_at_risk[0] == n
    assert np.all(np.diff(rec.interval_at_risk) <= 0)
    assert 0.0 <= rec.mean_abs_diff <= rec.max_abs_diff + 1e-12  # mean of equal values: 1 ulp
    assert rec.max_abs_diff <= 1.0
    # Events only at digitised times where the running minimum of the curve drops.
    order = np.lexsort((-curve_survival, curve_time))
    clean = np.minimum.accumulate(np.clip(curve_survival[order], 0.0, 1.0))
    drop_times = curve_time[order][np.diff(clean, prepend=1.0) < 0]
    assert np.all(np.isin(rec.time[rec.event == 1], drop_times))
