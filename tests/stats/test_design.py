"""explorer.stats.design against rpact (tests/reference/design.R) and its own invariants.

Reference calls (rpact 3.3.4, R 4.2.2), all unrounded fields:
events ``getSampleSizeSurvival(...)$eventsFixed``; power ``getPowerSurvival(
getDesignGroupSequential(kMax = 1, alpha, sided), ...)$overallReject`` with
``directionUpper = hr > 1`` when one-sided; detectable HR by ``uniroot`` on the hazard ratio
of ``$eventsFixed``; sample size ``$nFixed``, ``$nFixed1``, ``$nFixed2``.
"""

from __future__ import annotations

import dataclasses
import doctest
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.special import ndtr, ndtri

from explorer.stats import design
from explorer.stats.design import (
    SampleSizeResult,
    detectable_hr,
    events_required,
    power,
    sample_size,
)

# JSON from R keeps 15 significant digits; the formulas are closed-form on both sides.
REL = 1e-9


def _case(row: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items())


# ---- against rpact ---------------------------------------------------------------------


def test_events_required_matches_rpact(r_reference):
    rows = r_reference("design")["events_required"]
    assert len(rows) == 96
    for row in rows:
        got = events_required(
            row["hr"],
            alpha=row["alpha"],
            power=row["power"],
            ratio=row["ratio"],
            sides=row["sides"],
            method=row["method"],
        )
        # Schoenfeld/Freedman events vs rpact getSampleSizeSurvival $eventsFixed, rel 1e-9
        assert got == pytest.approx(row["events"], rel=REL), _case(row)


def test_power_matches_rpact(r_reference):
    rows = r_reference("design")["power"]
    assert len(rows) == 122
    for row in rows:
        got = power(
            row["events"],
            row["hr"],
            alpha=row["alpha"],
            ratio=row["ratio"],
            sides=row["sides"],
            method=row["method"],
        )
        # power (two tails when two-sided) vs rpact getPowerSurvival $overallReject, rel 1e-9
        assert got == pytest.approx(row["power"], rel=REL), _case(row)


def test_power_at_hr_one_is_alpha(r_reference):
    rows = [row for row in r_reference("design")["power"] if row["hr"] == 1]
    assert len(rows) == 24
    for row in rows:
        got = power(row["events"], 1.0, alpha=row["alpha"], ratio=row["ratio"], sides=row["sides"])
        # no effect: power is alpha, as rpact getPowerSurvival $overallReject; abs 1e-12
        assert got == pytest.approx(0.05, abs=1e-12), _case(row)
        assert row["power"] == pytest.approx(0.05, abs=1e-12), _case(row)


def test_detectable_hr_matches_rpact(r_reference):
    rows = r_reference("design")["detectable_hr"]
    assert len(rows) == 36
    for row in rows:
        got = detectable_hr(
            row["events"],
            alpha=row["alpha"],
            power=row["power"],
            ratio=row["ratio"],
            sides=row["sides"],
        )
        # Schoenfeld inversion vs uniroot on rpact getSampleSizeSurvival $eventsFixed, rel 1e-9
        assert got == pytest.approx(row["hr"], rel=REL), _case(row)
        # vs uniroot on getPowerSurvival $overallReject (adds the opposite tail), rel 2e-6
        assert got == pytest.approx(row["hr_power_inversion"], rel=2e-6), _case(row)
        if row["sides"] == 2:
            # the opposite tail makes the power inversion a (slightly) larger HR
            assert row["hr_power_inversion"] >= row["hr"], _case(row)


def test_sample_size_matches_rpact(r_reference):
    rows = r_reference("design")["sample_size"]
    assert len(rows) == 6
    for row in rows:
        got = sample_size(
            row["hr"],
            control_median=row["control_median"],
            accrual_time=row["accrual_time"],
            follow_up=row["follow_up"],
            alpha=row["alpha"],
            power=row["power"],
            ratio=row["ratio"],
            sides=row["sides"],
            dropout_rate=row["dropout_rate"],
            method=row["method"],
        )
        case = row["name"]
        # each vs rpact getSampleSizeSurvival, rel 1e-9:
        assert got.events == pytest.approx(row["events"], rel=REL), case  # $eventsFixed
        assert got.n_total == pytest.approx(row["n_total"], rel=REL), case  # $nFixed
        assert got.n_treatment == pytest.approx(row["n_treatment"], rel=REL), case  # $nFixed1
        assert got.n_control == pytest.approx(row["n_control"], rel=REL), case  # $nFixed2
        assert got.treatment_median == pytest.approx(row["treatment_median"], rel=REL), case
        assert got.accrual_intensity == pytest.approx(row["accrual_intensity"], rel=REL), case
        assert got.study_duration == pytest.approx(row["study_duration"], rel=REL), case
        # event_probability is what links them: events / nFixed, rel 1e-9
        assert got.event_probability == pytest.approx(row["events"] / row["n_total"], rel=REL), case


def test_palmira_numbers(r_reference):
    ref = r_reference("design")
    events = next(
        r
        for r in ref["events_required"]
        if (r["hr"], r["ratio"], r["sides"], r["alpha"], r["power"], r["method"])
        == (0.59, 2, 2, 0.05, 0.8, "schoenfeld")
    )
    # PALMIRA Schoenfeld events vs rpact $eventsFixed (126.869...), rel 1e-9
    assert events_required(0.59, ratio=2.0) == pytest.approx(events["events"], rel=REL)
    assert events["events"] == pytest.approx(126.869349449831, rel=1e-12)

    def ref_power(hr: float) -> float:
        return next(
            r["power"]
            for r in ref["power"]
            if (r["events"], r["hr"], r["ratio"], r["sides"], r["method"])
            == (155, hr, 2, 2, "schoenfeld")
        )

    # PALMIRA power at 155 events vs rpact $overallReject (0.8722, 0.2583), rel 1e-9
    assert power(155, 0.59, ratio=2.0) == pytest.approx(ref_power(0.59), rel=REL)
    assert power(155, 0.8, ratio=2.0) == pytest.approx(ref_power(0.8), rel=REL)
    assert ref_power(0.59) == pytest.approx(0.872164248952884, rel=1e-12)
    assert ref_power(0.8) == pytest.approx(0.258272232217352, rel=1e-12)
    # PALMIRA detectable HR at 155 events, Schoenfeld inversion; hand value, abs 5e-5
    assert detectable_hr(155, ratio=2.0) == pytest.approx(0.6204, abs=5e-5)

    palmira = next(r for r in ref["sample_size"] if r["name"] == "PALMIRA")
    got = sample_size(0.59, control_median=3.6, accrual_time=42.0, follow_up=6.0, ratio=2.0)
    # PALMIRA-like sample size vs rpact $nFixed (138.36), rel 1e-9
    assert got.n_total == pytest.approx(palmira["n_total"], rel=REL)
    assert palmira["n_total"] == pytest.approx(138.361177073984, rel=1e-12)


def test_docstring_examples_run():
    # the Examples sections are the documented PALMIRA numbers: keep them true
    failures, attempted = doctest.testmod(design, optionflags=doctest.ELLIPSIS)
    assert attempted >= 8
    assert failures == 0


# ---- conventions documented in the docstrings ------------------------------------------


def test_two_sided_power_counts_both_tails():
    events = events_required(0.59, ratio=2.0)
    c = -ndtri(0.025)
    z_p = ndtri(0.8)
    # power at the required events = target + opposite tail Phi(-2c - z_p), rel 1e-12
    assert power(events, 0.59, ratio=2.0) == pytest.approx(0.8 + ndtr(-2 * c - z_p), rel=1e-12)
    assert ndtr(-2 * c - z_p) == pytest.approx(9.7e-7, rel=0.05)
    # one-sided: exactly the target, rel 1e-12
    one = events_required(0.59, ratio=2.0, sides=1)
    assert power(one, 0.59, ratio=2.0, sides=1) == pytest.approx(0.8, rel=1e-12)


def test_harm_is_symmetric_to_benefit():
    # Schoenfeld depends on |log hr|: HR 1.25 needs what HR 0.8 needs, rel 1e-12
    assert events_required(1.25, ratio=2.0) == pytest.approx(
        events_required(0.8, ratio=2.0), rel=1e-12
    )
    assert power(300, 1.25, sides=1) == pytest.approx(power(300, 0.8, sides=1), rel=1e-12)
    # Freedman: swapping arms (hr -> 1/hr, ratio -> 1/ratio) leaves events unchanged, rel 1e-12
    assert events_required(1.25, ratio=2.0, method="freedman") == pytest.approx(
        events_required(0.8, ratio=0.5, method="freedman"), rel=1e-12
    )
    # ... but not hr -> 1/hr alone when ratio != 1
    assert events_required(1.25, ratio=2.0, method="freedman") > 1.1 * events_required(
        0.8, ratio=2.0, method="freedman"
    )


def test_event_probability_matches_numerical_integration():
    # P(event by analysis) = mean over uniform entry of the competing-risk event probability
    hazard, dropout, a, f = math.log(2) / 9.0, -math.log(0.9) / 12.0, 18.0, 6.0
    res = sample_size(
        0.7, control_median=9.0, accrual_time=a, follow_up=f, dropout_rate=0.1, ratio=1.5
    )

    def event_by(t: float, lam: float) -> float:
        return lam / (lam + dropout) * -math.expm1(-(lam + dropout) * t)

    for lam, got in [
        (hazard, res.event_probability_control),
        (0.7 * hazard, res.event_probability_treatment),
    ]:
        expected = integrate.quad(lambda u, lam=lam: event_by(a + f - u, lam), 0.0, a)[0] / a
        # closed form vs scipy quad of the definition, rel 1e-10
        assert got == pytest.approx(expected, rel=1e-10)
    # allocation-weighted overall probability, rel 1e-12
    assert res.event_probability == pytest.approx(
        (1.5 * res.event_probability_treatment + res.event_probability_control) / 2.5, rel=1e-12
    )
    assert res.dropout_hazard == pytest.approx(dropout, rel=1e-12)


def test_result_is_frozen_with_plain_floats():
    res = sample_size(0.7, control_median=12.0, accrual_time=24.0, follow_up=12.0)
    assert isinstance(res, SampleSizeResult)
    data = res.to_dict()
    assert set(data) >= {"n_total", "n_treatment", "n_control", "events", "event_probability"}
    assert all(type(v) is float for v in data.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n_total = 1.0  # type: ignore[misc]
    for value in (events_required(0.7), power(100, 0.7), detectable_hr(100)):
        assert type(value) is float


# ---- invalid input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: events_required(1.0), "hr must differ from 1"),
        (lambda: events_required(0.0), "hr must be"),
        (lambda: events_required(-0.5), "hr must be"),
        (lambda: events_required(math.nan), "hr must be"),
        (lambda: events_required(0.7, alpha=0.0), "alpha"),
        (lambda: events_required(0.7, alpha=1.0), "alpha"),
        (lambda: events_required(0.7, power=1.0), "power must be in"),
        (lambda: events_required(0.7, power=0.0), "power must be in"),
        (lambda: events_required(0.7, power=0.02), "power must exceed"),
        (lambda: events_required(0.7, ratio=0.0), "ratio"),
        (lambda: events_required(0.7, ratio=-1.0), "ratio"),
        (lambda: events_required(0.7, sides=3), "sides"),
        (lambda: events_required(0.7, sides=0), "sides"),
        (lambda: events_required(0.7, method="lachin"), "method"),
        (lambda: power(0, 0.7), "events"),
        (lambda: power(-10, 0.7), "events"),
        (lambda: power(100, 0.0), "hr must be"),
        (lambda: power(100, 0.7, alpha=1.5), "alpha"),
        (lambda: power(100, 0.7, ratio=0.0), "ratio"),
        (lambda: power(100, 0.7, sides=3), "sides"),
        (lambda: power(100, 0.7, method="Schoenfeld"), "method"),
        (lambda: detectable_hr(0), "events"),
        (lambda: detectable_hr(100, power=1.2), "power must be in"),
        (lambda: detectable_hr(100, alpha=-0.1), "alpha"),
        (lambda: detectable_hr(100, ratio=-2.0), "ratio"),
        (lambda: detectable_hr(100, sides=-1), "sides"),
        (
            lambda: sample_size(0.7, control_median=0.0, accrual_time=24.0, follow_up=12.0),
            "control_median",
        ),
        (
            lambda: sample_size(0.7, control_median=12.0, accrual_time=0.0, follow_up=12.0),
            "accrual_time",
        ),
        (
            lambda: sample_size(0.7, control_median=12.0, accrual_time=24.0, follow_up=-1.0),
            "follow_up",
        ),
        (
            lambda: sample_size(
                0.7, control_median=12.0, accrual_time=24.0, follow_up=12.0, dropout_rate=1.0
            ),
            "dropout_rate",
        ),
        (
            lambda: sample_size(1.0, control_median=12.0, accrual_time=24.0, follow_up=12.0),
            "hr must differ from 1",
        ),
        (
            lambda: sample_size(
                0.7, control_median=12.0, accrual_time=24.0, follow_up=12.0, method="x"
            ),
            "method",
        ),
    ],
)
def test_invalid_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---- properties ----------------------------------------------------------------------------

hrs = st.floats(0.2, 5.0).filter(lambda hr: abs(math.log(hr)) > 0.01)
alphas = st.floats(0.001, 0.2)
powers = st.floats(0.5, 0.99)
ratios = st.floats(0.2, 5.0)
sides_ = st.sampled_from([1, 2])
methods = st.sampled_from(["schoenfeld", "freedman"])


@settings(max_examples=60, deadline=None)
@given(hr=hrs, alpha=alphas, target=powers, ratio=ratios, sides=sides_, method=methods)
def test_power_at_required_events_is_target(hr, alpha, target, ratio, sides, method):
    events = events_required(hr, alpha=alpha, power=target, ratio=ratio, sides=sides, method=method)
    got = power(events, hr, alpha=alpha, ratio=ratio, sides=sides, method=method)
    c = -ndtri(alpha / sides)
    opposite_tail = ndtr(-2 * c - ndtri(target)) if sides == 2 else 0.0
    # power(events_required(p)) = p (+ the opposite tail when two-sided), rel 1e-9
    assert got == pytest.approx(target + opposite_tail, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(events=st.floats(5.0, 5000.0), alpha=alphas, target=powers, ratio=ratios, sides=sides_)
def test_detectable_hr_inverts_events_required(events, alpha, target, ratio, sides):
    hr = detectable_hr(events, alpha=alpha, power=target, ratio=ratio, sides=sides)
    assert 0.0 < hr < 1.0
    # events_required(detectable_hr(D)) = D, rel 1e-9
    assert events_required(
        hr, alpha=alpha, power=target, ratio=ratio, sides=sides
    ) == pytest.approx(events, rel=1e-9)
    # the harm it detects with the same events is 1/hr, rel 1e-9
    assert events_required(
        1.0 / hr, alpha=alpha, power=target, ratio=ratio, sides=sides
    ) == pytest.approx(events, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(hr=hrs, alpha=alphas, ratio=ratios, sides=sides_, method=methods)
def test_power_grows_with_events(hr, alpha, ratio, sides, method):
    kw = {"alpha": alpha, "ratio": ratio, "sides": sides, "method": method}
    low, high = power(50, hr, **kw), power(200, hr, **kw)
    assert alpha / sides < low < high <= 1.0


@settings(max_examples=40, deadline=None)
@given(
    hr=hrs,
    median=st.floats(1.0, 60.0),
    accrual=st.floats(1.0, 60.0),
    follow_up=st.floats(0.0, 36.0),
    ratio=ratios,
    dropout=st.floats(0.0, 0.5),
)
def test_sample_size_is_consistent(hr, median, accrual, follow_up, ratio, dropout):
    kw = {"control_median": median, "accrual_time": accrual, "ratio": ratio}
    res = sample_size(hr, follow_up=follow_up, dropout_rate=dropout, **kw)
    assert 0.0 < res.event_probability < 1.0
    # fewer events where the hazard is lower
    if hr < 1:
        assert res.event_probability_treatment < res.event_probability_control
    else:
        assert res.event_probability_treatment > res.event_probability_control
    # arms add up and follow the allocation, rel 1e-12
    assert res.n_treatment + res.n_control == pytest.approx(res.n_total, rel=1e-12)
    assert res.n_treatment / res.n_control == pytest.approx(ratio, rel=1e-12)
    assert res.n_total * res.event_probability == pytest.approx(res.events, rel=1e-12)
    # longer follow-up means fewer patients; more dropout means more patients
    assert sample_size(hr, follow_up=follow_up + 6.0, dropout_rate=dropout, **kw).n_total < (
        res.n_total
    )
    assert sample_size(hr, follow_up=follow_up, dropout_rate=dropout + 0.2, **kw).n_total > (
        res.n_total
    )
