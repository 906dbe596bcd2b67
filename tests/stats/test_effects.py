"""explorer.stats.effects against base-R arithmetic (tests/reference/effects.R)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from explorer.stats.effects import (
    FromCiResult,
    PosteriorResult,
    from_ci,
    posterior,
    sceptical_prior_sd,
)

FROM_CI_CASES = ["palmira", "level90", "level99", "strong", "rd_natural", "outside"]
POSTERIOR_CASES = [
    "flat_t100",
    "sceptical_t100",
    "enthusiastic_t100",
    "flat_t085",
    "sceptical_t085",
    "enthusiastic_t085",
    "level90_informative",
]

ratios = st.floats(min_value=0.05, max_value=20.0)
ses = st.floats(min_value=0.01, max_value=2.0)
levels = st.floats(min_value=0.5, max_value=0.999)


@pytest.fixture
def ref(r_reference):
    return r_reference("effects")


# --- from_ci against R -------------------------------------------------------------------


@pytest.mark.parametrize("case", FROM_CI_CASES)
def test_from_ci_matches_r(ref, case):
    r = ref["from_ci"][case]
    got = from_ci(r["estimate"], r["lower"], r["upper"], level=r["level"], log_scale=r["log_scale"])
    assert isinstance(got, FromCiResult)
    # Wald inference from a CI (Altman & Bland 2011) vs base R qnorm/pnorm, rel 1e-12
    for field in ("se", "z", "p", "centre", "asymmetry"):
        assert getattr(got, field) == pytest.approx(r[field], rel=1e-12), field
    assert (got.estimate, got.lower, got.upper, got.level) == (
        r["estimate"],
        r["lower"],
        r["upper"],
        r["level"],
    )


def test_from_ci_palmira_numbers():
    got = from_ci(0.8, 0.6, 1.1)
    # PALMIRA HR 0.8 (0.6–1.1): se_log = ln(1.1/0.6)/(2·1.959964) (hand value), abs 5e-5
    assert got.se == pytest.approx(0.1546, abs=5e-5)
    # Wald p 0.149 — not the printed log-rank p 0.206 — abs 5e-4
    assert got.p == pytest.approx(0.149, abs=5e-4)
    assert got.p != pytest.approx(0.206, abs=0.01)
    # estimate sits 0.0154 log units below the CI's geometric centre sqrt(0.66), abs 5e-5
    assert got.asymmetry == pytest.approx(-0.0154, abs=5e-5)
    assert got.centre == pytest.approx(math.sqrt(0.6 * 1.1), rel=1e-15)
    assert all(type(v) is float for k, v in got.to_dict().items() if k != "log_scale")


def test_from_ci_same_bounds_higher_level_smaller_se(ref):
    rows = ref["same_bounds"]
    got = [from_ci(0.8, 0.6, 1.1, level=r["level"]) for r in rows]
    # se at each level vs base R, rel 1e-12
    for g, r in zip(got, rows, strict=True):
        assert g.se == pytest.approx(r["se"], rel=1e-12)
    # the same bounds at a higher level mean a more precise estimate
    assert [g.se for g in got] == sorted((g.se for g in got), reverse=True)


def test_from_ci_estimate_outside_ci_is_reported_not_rejected(ref):
    r = ref["from_ci"]["outside"]
    got = from_ci(1.3, 0.6, 1.1)
    # HR 1.3 printed with CI 0.6–1.1: asymmetry ln(1.3/sqrt(0.66)) vs base R, rel 1e-12
    assert got.asymmetry == pytest.approx(r["asymmetry"], rel=1e-12)
    assert got.asymmetry > 2 * got.se  # far outside what rounding could explain


def test_from_ci_natural_scale_uses_null_zero():
    got = from_ci(4.1, -3.1, 11.3, log_scale=False)
    # RD 4.1 (−3.1 to 11.3): se = 14.4/(2·1.959964), z = 4.1/se (hand), rel 1e-12
    se = 14.4 / (2 * 1.959963984540054)
    assert got.se == pytest.approx(se, rel=1e-12)
    assert got.z == pytest.approx(4.1 / se, rel=1e-12)
    assert got.centre == pytest.approx(4.1, rel=1e-12)
    assert got.asymmetry == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0.8, 1.1, 0.6), {}, "lower must be < upper"),
        ((0.8, 0.6, 0.6), {}, "lower must be < upper"),
        ((0.8, 0.0, 1.1), {}, "bounds must be > 0"),
        ((0.8, -0.1, 1.1), {}, "bounds must be > 0"),
        ((0.0, 0.6, 1.1), {}, "estimate must be > 0"),
        ((0.8, 0.6, 1.1), {"level": 1.0}, "level must be in"),
        ((0.8, 0.6, 1.1), {"level": 0.0}, "level must be in"),
        ((0.8, 0.6, 1.1), {"level": 95}, "level must be in"),
        ((math.nan, 0.6, 1.1), {}, "finite"),
        ((0.8, 0.6, math.inf), {}, "finite"),
        ((1.0, 3.0, -2.0), {"log_scale": False}, "lower must be < upper"),
    ],
)
def test_from_ci_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        from_ci(*args, **kwargs)


def test_from_ci_natural_scale_accepts_negative_values():
    got = from_ci(-2.0, -5.0, 1.0, log_scale=False)
    # se = 6/(2·1.96), z = −2/se, rel 1e-12
    assert got.z == pytest.approx(-2.0 / (6.0 / (2 * 1.959963984540054)), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(estimate=ratios, se=ses, level=levels)
def test_from_ci_recovers_se_and_z_of_a_wald_ci(estimate, se, level):
    crit = norm.ppf(0.5 + level / 2)
    lower, upper = estimate * math.exp(-crit * se), estimate * math.exp(crit * se)
    got = from_ci(estimate, lower, upper, level=level)
    # round trip: CI built as est·exp(±z·se) gives back se and z = ln(est)/se, rel 1e-9
    assert got.se == pytest.approx(se, rel=1e-9)
    assert got.z == pytest.approx(math.log(estimate) / se, rel=1e-9, abs=1e-9)
    assert got.p == pytest.approx(2 * norm.sf(abs(math.log(estimate) / se)), rel=1e-8, abs=1e-300)
    assert got.asymmetry == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(estimate=ratios, se=ses, low=levels, high=levels)
def test_from_ci_higher_level_same_bounds_gives_smaller_se(estimate, se, low, high):
    if math.isclose(low, high, rel_tol=1e-6):
        return
    low, high = min(low, high), max(low, high)
    lower, upper = estimate * math.exp(-se), estimate * math.exp(se)
    assert (
        from_ci(estimate, lower, upper, level=high).se
        < from_ci(estimate, lower, upper, level=low).se
    )


# --- posterior against R -----------------------------------------------------------------


@pytest.mark.parametrize("case", POSTERIOR_CASES)
def test_posterior_matches_r(ref, case):
    r = ref["posterior"][case]
    got = posterior(
        r["estimate"],
        r["ci_lower"],
        r["ci_upper"],
        level=r["level"],
        threshold=r["threshold"],
        prior_mean=r["prior_mean"],
        prior_sd=r["prior_sd"],  # JSON null → None → flat prior
    )
    assert isinstance(got, PosteriorResult)
    # normal–normal conjugate update on the log ratio vs base R pnorm/qnorm, rel 1e-12
    for field in ("probability", "mean", "lower", "upper", "sd"):
        assert getattr(got, field) == pytest.approx(r[field], rel=1e-12), field
    assert got.prior_sd == r["prior_sd"]
    assert (got.threshold, got.prior_mean, got.level) == (
        r["threshold"],
        r["prior_mean"],
        r["level"],
    )


def test_posterior_palmira_priors_order_the_probability(ref):
    p = ref["posterior"]
    # P(HR < 1) for PALMIRA: enthusiastic > flat > sceptical (R values, checked above)
    assert p["enthusiastic_t100"]["probability"] > p["flat_t100"]["probability"]
    assert p["flat_t100"]["probability"] > p["sceptical_t100"]["probability"]
    sd0 = sceptical_prior_sd(0.59)
    got = [
        posterior(0.8, 0.6, 1.1, prior_mean=m, prior_sd=s)
        for m, s in ((0.59, sd0), (1.0, None), (1.0, sd0))
    ]
    assert got[0].probability > got[1].probability > got[2].probability
    # flat prior: posterior median is the printed HR and the credible interval is the Wald
    # CI on the log scale: exp(ln 0.8 ± 1.96·se), rel 1e-12
    assert got[1].mean == pytest.approx(0.8, rel=1e-12)
    assert got[1].sd == pytest.approx(from_ci(0.8, 0.6, 1.1).se, rel=1e-12)


def test_posterior_flat_probability_is_one_sided_wald_p():
    # flat prior: P(HR < 1) = Φ(−ln 0.8 / se) = 1 − p/2 of the Wald test, rel 1e-12
    wald = from_ci(0.8, 0.6, 1.1)
    assert posterior(0.8, 0.6, 1.1).probability == pytest.approx(1 - wald.p / 2, rel=1e-12)


def test_posterior_infinite_prior_sd_is_flat():
    # a flat prior ignores prior_mean; inf is normalised to None (flat) in the result
    flat = posterior(0.8, 0.6, 1.1, prior_mean=0.5)
    inf = posterior(0.8, 0.6, 1.1, prior_sd=math.inf, prior_mean=0.5)
    assert inf == flat  # frozen dataclass equality: every field identical


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"threshold": 0.0}, "threshold must be > 0"),
        ({"prior_mean": -1.0}, "prior_mean must be > 0"),
        ({"prior_sd": 0.0}, "prior_sd must be > 0"),
        ({"prior_sd": math.nan}, "prior_sd must be > 0"),
        ({"level": 1.5}, "level must be in"),
    ],
)
def test_posterior_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        posterior(0.8, 0.6, 1.1, **kwargs)


def test_posterior_rejects_bad_ci():
    with pytest.raises(ValueError, match="lower must be < upper"):
        posterior(0.8, 1.1, 0.6)


@settings(max_examples=40, deadline=None)
@given(estimate=ratios, se=ses)
def test_posterior_huge_prior_sd_is_nearly_flat(estimate, se):
    lower, upper = estimate * math.exp(-1.96 * se), estimate * math.exp(1.96 * se)
    flat = posterior(estimate, lower, upper)
    vague = posterior(estimate, lower, upper, prior_mean=0.3, prior_sd=1e4)
    # prior precision 1e-8 against likelihood precision ≥ 0.25: differences < 1e-6
    assert vague.probability == pytest.approx(flat.probability, abs=1e-6)
    assert vague.mean == pytest.approx(flat.mean, rel=1e-6)
    assert vague.sd == pytest.approx(flat.sd, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    estimate=ratios,
    se=ses,
    prior_sd=st.floats(min_value=0.05, max_value=2.0),
    m1=st.floats(min_value=0.2, max_value=5.0),
    m2=st.floats(min_value=0.2, max_value=5.0),
)
def test_posterior_probability_decreases_in_prior_mean(estimate, se, prior_sd, m1, m2):
    if math.isclose(m1, m2, rel_tol=1e-3):
        return
    m1, m2 = min(m1, m2), max(m1, m2)
    lower, upper = estimate * math.exp(-1.96 * se), estimate * math.exp(1.96 * se)
    p1 = posterior(estimate, lower, upper, prior_mean=m1, prior_sd=prior_sd).probability
    p2 = posterior(estimate, lower, upper, prior_mean=m2, prior_sd=prior_sd).probability
    # a prior centred on a larger ratio makes "ratio < 1" less likely (ties only at 0/1)
    assert p1 >= p2
    if p2 > 1e-12 and p1 < 1 - 1e-12:
        assert p1 > p2


@settings(max_examples=40, deadline=None)
@given(estimate=ratios, se=ses, low=levels, high=levels)
def test_posterior_higher_level_gives_wider_credible_interval(estimate, se, low, high):
    if math.isclose(low, high, rel_tol=1e-6):
        return
    low, high = min(low, high), max(low, high)

    def at(level):
        # the same likelihood (same se) expressed as a CI at `level`, sceptical prior
        crit = norm.ppf(0.5 + level / 2)
        lower, upper = estimate * math.exp(-crit * se), estimate * math.exp(crit * se)
        return posterior(estimate, lower, upper, level=level, prior_sd=0.5)

    a, b = at(low), at(high)
    assert b.sd == pytest.approx(a.sd, rel=1e-9)  # same posterior, rel 1e-9
    assert b.lower < a.lower and b.upper > a.upper


# --- sceptical prior ---------------------------------------------------------------------


def test_sceptical_prior_sd_matches_r(ref):
    for r in ref["sceptical_prior_sd"]:
        got = sceptical_prior_sd(r["hr_alt"], tail_probability=r["tail_probability"])
        # |ln hr_alt| / qnorm(1 − tail) vs base R, rel 1e-12
        assert got == pytest.approx(r["sd"], rel=1e-12)


def test_sceptical_prior_puts_tail_probability_below_design_hr():
    sd0 = sceptical_prior_sd(0.59)
    # P(HR < 0.59) under N(0, sd0²) on the log scale is 5% (definition), rel 1e-12
    assert norm.cdf(math.log(0.59), scale=sd0) == pytest.approx(0.05, rel=1e-12)
    # PALMIRA design HR 0.59: sd = 0.5276/1.6449 (hand), abs 5e-5
    assert sd0 == pytest.approx(0.3208, abs=5e-5)


@pytest.mark.parametrize(
    ("hr_alt", "tail", "match"),
    [
        (0.0, 0.05, "hr_alt must be > 0"),
        (1.0, 0.05, "hr_alt must be > 0 and != 1"),
        (0.59, 0.5, "tail_probability"),
        (0.59, 0.0, "tail_probability"),
    ],
)
def test_sceptical_prior_sd_rejects_bad_input(hr_alt, tail, match):
    with pytest.raises(ValueError, match=match):
        sceptical_prior_sd(hr_alt, tail_probability=tail)
