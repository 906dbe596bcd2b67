"""Tests for explorer.stats.binary against base R (tests/reference/binary.R) and papers."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.stats.binary import (
    CompareResult,
    ProportionResult,
    compare,
    proportion_ci,
    reconstruct_counts,
)

LEVELS = (0.90, 0.95, 0.99)


def _num(value):
    """jsonlite writes Inf and NaN as strings; map them back to floats."""
    return float(value) if isinstance(value, str) else value


def _case(ref, name, level):
    return next(c for c in ref["compare"] if c["case"] == name and c["level"] == level)


@pytest.fixture
def ref(r_reference):
    return r_reference("binary")


# --- proportion_ci -----------------------------------------------------------------------


def test_wilson_matches_prop_test(ref):
    for case in ref["proportion"]:
        got = proportion_ci(case["k"], case["n"], level=case["level"])
        lower, upper = case["wilson"]
        # Wilson score vs R prop.test(k, n, correct = FALSE)$conf.int, abs 1e-12
        assert got.lower == pytest.approx(lower, rel=0, abs=1e-12), case
        assert got.upper == pytest.approx(upper, rel=0, abs=1e-12), case
        assert got.estimate == case["k"] / case["n"]
        assert (got.level, got.method) == (case["level"], "wilson")


def test_clopper_pearson_matches_binom_test(ref):
    for case in ref["proportion"]:
        got = proportion_ci(case["k"], case["n"], level=case["level"], method="clopper-pearson")
        lower, upper = case["clopper"]
        # exact Clopper-Pearson vs R binom.test(k, n)$conf.int, abs 1e-12
        assert got.lower == pytest.approx(lower, rel=0, abs=1e-12), case
        assert got.upper == pytest.approx(upper, rel=0, abs=1e-12), case


def test_proportion_limits_exact_at_the_edges():
    # Wilson limits are exactly 0 at k = 0 and 1 at k = n (R prop.test gives 0 and 1)
    assert proportion_ci(0, 20).lower == 0.0
    assert proportion_ci(20, 20).upper == 1.0
    assert proportion_ci(20, 20, method="clopper-pearson").upper == 1.0


def test_proportion_result_is_frozen_and_plain():
    got = proportion_ci(6, 94)
    assert isinstance(got, ProportionResult)
    assert all(type(v) is float for v in (got.estimate, got.lower, got.upper, got.level))
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.lower = 0.0
    assert got.to_dict()["method"] == "wilson"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((7, 6), {}, "k must be between 0 and n"),
        ((-1, 6), {}, "k must be between 0 and n"),
        ((0, 0), {}, "n must be >= 1"),
        ((2.5, 6), {}, "k must be a whole number"),
        ((True, 6), {}, "k must be a whole number"),
        ((1, 6), {"level": 1.0}, "level must be strictly between 0 and 1"),
        ((1, 6), {"level": 0.0}, "level must be strictly between 0 and 1"),
        ((1, 6), {"method": "wald"}, "method must be one of"),
    ],
)
def test_proportion_ci_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        proportion_ci(*args, **kwargs)


def test_proportion_ci_accepts_whole_floats():
    # counts read from JSON may arrive as 6.0
    assert proportion_ci(6.0, 94.0) == proportion_ci(6, 94)


# --- compare: against R --------------------------------------------------------------------


def test_compare_risks_and_newcombe_rd_match_r(ref):
    for case in ref["compare"]:
        got = compare(case["k1"], case["n1"], case["k2"], case["n2"], level=case["level"])
        assert got.risk1 == case["k1"] / case["n1"]
        assert got.risk2 == case["k2"] / case["n2"]
        # Newcombe hybrid score vs the formula in R on prop.test limits, abs 1e-12
        assert got.rd == pytest.approx(case["rd"], rel=0, abs=1e-12), case["case"]
        assert got.rd_lower == pytest.approx(case["rd_lower"], rel=0, abs=1e-12), case["case"]
        assert got.rd_upper == pytest.approx(case["rd_upper"], rel=0, abs=1e-12), case["case"]
        assert got.level == case["level"]


def test_compare_rr_matches_metafor_escalc(ref):
    for case in ref["compare"]:
        got = compare(case["k1"], case["n1"], case["k2"], case["n2"], level=case["level"])
        # Katz log CI vs metafor escalc("RR") (add 1/2 to all cells if any is 0), rel 1e-10
        assert got.rr == pytest.approx(case["rr"], rel=1e-10), case["case"]
        assert got.rr_lower == pytest.approx(case["rr_lower"], rel=1e-10), case["case"]
        assert got.rr_upper == pytest.approx(case["rr_upper"], rel=1e-10), case["case"]
        assert got.rr_corrected is case["rr_corrected"], case["case"]


def test_compare_tests_match_fisher_and_chisq(ref):
    for case in ref["compare"]:
        got = compare(case["k1"], case["n1"], case["k2"], case["n2"], level=case["level"])
        # two-sided Fisher p vs R fisher.test$p.value, rel 1e-10
        assert got.fisher_p == pytest.approx(case["fisher_p"], rel=1e-10), case["case"]
        # Pearson chi-square p vs R chisq.test(correct = FALSE)$p.value, rel 1e-10
        assert got.chi2_p == pytest.approx(case["chi2_p"], rel=1e-10), case["case"]
        # ... and vs prop.test(correct = FALSE)$p.value (same statistic), rel 1e-10
        assert got.chi2_p == pytest.approx(case["prop_test_p"], rel=1e-10), case["case"]


def test_compare_odds_ratio_matches_fisher_test_algorithm_solved_tightly(ref):
    for case in ref["compare"]:
        got = compare(case["k1"], case["n1"], case["k2"], case["n2"], level=case["level"])
        estimate, lower, upper = (_num(v) for v in case["or_tight"])
        # conditional MLE and exact CI vs fisher.test's algorithm with uniroot tol 1e-14, rel 1e-7
        assert got.odds_ratio == pytest.approx(estimate, rel=1e-7), case["case"]
        assert got.or_lower == pytest.approx(lower, rel=1e-7), case["case"]
        assert got.or_upper == pytest.approx(upper, rel=1e-7), case["case"]


def _uniroot_scale(odds: float) -> float:
    """fisher.test solves for t = OR in [0, 1], or t = 1/OR above 1 (uniroot on [0, 1])."""
    return odds if odds <= 1 else 1 / odds


def test_compare_odds_ratio_within_fisher_test_tolerance(ref):
    tol = 2.220446049250313e-16**0.25  # uniroot's default tol in fisher.test, ~1.2e-4
    for case in ref["compare"]:
        got = compare(case["k1"], case["n1"], case["k2"], case["n2"], level=case["level"])
        lower, upper = (_num(v) for v in case["fisher_conf_int"])
        pairs = [
            (got.odds_ratio, _num(case["fisher_estimate"])),
            (got.or_lower, lower),
            (got.or_upper, upper),
        ]
        for ours, r_value in pairs:
            # vs fisher.test itself, on the scale R's root finder works on, abs = its tolerance
            assert _uniroot_scale(ours) == pytest.approx(_uniroot_scale(r_value), rel=0, abs=tol), (
                case["case"]
            )


def test_documented_difference_fisher_test_root_tolerance(ref):
    case = _case(ref, "palmira_orr", 0.95)
    got = compare(6, 94, 1, 44)
    r_upper = case["fisher_conf_int"][1]
    tight_upper = case["or_tight"][2]
    # R fisher.test's upper limit (137.86) is off by ~6e-4 relative from the exact root ...
    assert abs(r_upper / tight_upper - 1) > 1e-4
    # ... which we reproduce to 1e-9 (R's algorithm solved to 1e-14)
    assert got.or_upper == pytest.approx(tight_upper, rel=1e-9)


def test_documented_difference_empty_event_column(ref):
    for case in ref["edge"][:2]:  # 0/20 vs 0/20 and 20/20 vs 20/20
        got = compare(case["k1"], case["n1"], case["k2"], case["n2"])
        # R fisher.test returns estimate 0 for a flat conditional likelihood; we return nan
        assert _num(case["fisher_estimate"]) == 0
        assert math.isnan(got.odds_ratio)
        # same interval (0, inf), p 1, and chi-square NaN as R (chisq.test gives NaN)
        assert (got.or_lower, got.or_upper) == tuple(_num(v) for v in case["fisher_conf_int"])
        assert got.fisher_p == pytest.approx(case["fisher_p"], rel=1e-12)
        assert math.isnan(_num(case["chi2_p"])) and math.isnan(got.chi2_p)


def test_infinite_odds_ratio_matches_r(ref):
    case = ref["edge"][2]  # 20/20 vs 15/20
    got = compare(20, 20, 15, 20)
    # fisher.test: estimate Inf, CI (1.024, Inf); lower to fisher.test's tolerance, rel 2e-3
    assert got.odds_ratio == math.inf == _num(case["fisher_estimate"])
    assert got.or_upper == math.inf
    assert got.or_lower == pytest.approx(case["fisher_conf_int"][0], rel=2e-3)
    assert got.fisher_p == pytest.approx(case["fisher_p"], rel=1e-10)
    assert got.chi2_p == pytest.approx(case["chi2_p"], rel=1e-10)


# --- compare: published values -------------------------------------------------------------


def test_style_example_published_fisher():
    got = compare(57, 136, 17, 62)
    # STYLE example: Fisher p 0.0581, conditional OR 1.904 (0.954–3.926), printed to 3-4 dp
    assert got.fisher_p == pytest.approx(0.0581, abs=5e-5)
    assert got.odds_ratio == pytest.approx(1.904, abs=5e-4)
    assert got.or_lower == pytest.approx(0.954, abs=5e-4)
    assert got.or_upper == pytest.approx(3.926, abs=5e-4)


def test_newcombe_1998_table_ii_example():
    got = compare(56, 70, 48, 80)
    # Newcombe 1998 Stat Med 17:873, Table II, 56/70 − 48/80, method 10: 0.0524 to 0.3339
    assert got.rd_lower == pytest.approx(0.0524, abs=5e-5)
    assert got.rd_upper == pytest.approx(0.3339, abs=5e-5)


def test_fagerland_2015_example():
    got = compare(7, 34, 1, 34)
    # Fagerland, Lydersen, Laake 2015 SMMR, 7/34 vs 1/34, values printed to 2-3 figures:
    # Newcombe hybrid score 0.019 to 0.34, Katz log 0.91 to 54, Cornfield exact 0.97 to 397
    assert (got.rd_lower, got.rd_upper) == pytest.approx((0.019, 0.340), abs=5e-3)
    assert (got.rr_lower, got.rr_upper) == pytest.approx((0.91, 54), rel=1e-2)
    assert (got.or_lower, got.or_upper) == pytest.approx((0.97, 397), rel=1e-2)


def test_newcombe_agrees_with_statsmodels():
    from statsmodels.stats.proportion import confint_proportions_2indep

    for k1, n1, k2, n2 in [(6, 94, 1, 44), (31, 94, 13, 44), (61, 135, 5, 60), (0, 20, 5, 20)]:
        got = compare(k1, n1, k2, n2)
        low, upp = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        # independent implementation (statsmodels method="newcomb"), abs 1e-12
        assert (got.rd_lower, got.rd_upper) == pytest.approx((low, upp), rel=0, abs=1e-12)


# --- compare: zero cells, NNT --------------------------------------------------------------


def test_rr_zero_cell_adds_half_to_every_cell():
    got = compare(0, 20, 5, 20)
    assert got.rr_corrected is True
    # (0.5 / 21) / (5.5 / 21) = 1/11, var = 1/0.5 − 1/21 + 1/5.5 − 1/21
    assert got.rr == pytest.approx(1 / 11, rel=1e-14)
    se = math.sqrt(1 / 0.5 - 1 / 21 + 1 / 5.5 - 1 / 21)
    z = 1.959963984540054
    assert got.rr_lower == pytest.approx(math.exp(math.log(1 / 11) - z * se), rel=1e-12)
    assert got.rr_upper == pytest.approx(math.exp(math.log(1 / 11) + z * se), rel=1e-12)
    # a zero non-event cell also triggers the correction (metafor to = "only0")
    assert compare(20, 20, 15, 20).rr_corrected is True
    assert compare(20, 20, 15, 20).rr == pytest.approx((20.5 / 21) / (15.5 / 21), rel=1e-14)


def test_rr_without_zero_cell_is_uncorrected():
    got = compare(61, 135, 5, 60)
    assert got.rr_corrected is False
    assert got.rr == pytest.approx((61 / 135) / (5 / 60), rel=1e-14)


def test_nnt_ordinary_interval_for_harm_outcome():
    # PALMIRA grade 3–4 AEs: RD interval excludes 0, NNTH = 1/rd with [1/rd_upper, 1/rd_lower]
    got = compare(61, 135, 5, 60)
    assert got.nnt_through_infinity is False
    assert got.nnt == pytest.approx(1 / got.rd, rel=1e-15)
    assert got.nnt_lower == pytest.approx(1 / got.rd_upper, rel=1e-15)
    assert got.nnt_upper == pytest.approx(1 / got.rd_lower, rel=1e-15)
    assert got.nnt_lower < got.nnt < got.nnt_upper
    assert got.nnt == pytest.approx(2.71, abs=5e-3)


def test_nnt_negative_when_risk1_lower():
    got = compare(0, 20, 5, 20)
    assert got.nnt == -4.0
    assert got.nnt_through_infinity is False
    assert got.nnt_lower == pytest.approx(1 / got.rd_upper) and got.nnt_lower < -4.0
    assert got.nnt_upper == pytest.approx(1 / got.rd_lower) and -4.0 < got.nnt_upper < 0


def test_nnt_through_infinity_when_rd_interval_includes_zero():
    # PALMIRA ORR 6/94 vs 1/44: RD −0.060 to 0.112 → NNTH 16.6 … ∞ … NNTB 8.9 (Altman 1998)
    got = compare(6, 94, 1, 44)
    assert got.nnt_through_infinity is True
    assert got.nnt_lower == pytest.approx(1 / got.rd_lower, rel=1e-15)
    assert got.nnt_upper == pytest.approx(1 / got.rd_upper, rel=1e-15)
    assert got.nnt_lower < 0 < got.nnt_upper < got.nnt
    assert (got.nnt_lower, got.nnt_upper) == pytest.approx((-16.61, 8.92), abs=5e-3)


def test_nnt_infinite_when_rd_zero():
    got = compare(5, 20, 5, 20)
    assert got.rd == 0.0
    assert got.nnt == math.inf
    assert got.nnt_through_infinity is True
    assert got.nnt_lower < 0 < got.nnt_upper


def test_compare_result_is_frozen_and_plain():
    got = compare(31, 94, 13, 44)
    assert isinstance(got, CompareResult)
    for field in dataclasses.fields(got):
        value = getattr(got, field.name)
        assert type(value) in (float, bool), field.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.rd = 0.0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((5, 4, 1, 4), {}, "k1 must be between 0 and n1"),
        ((1, 4, -1, 4), {}, "k2 must be between 0 and n2"),
        ((1, 4, 0, 0), {}, "n2 must be >= 1"),
        ((1, 4, 1.5, 4), {}, "k2 must be a whole number"),
        ((1, 4, 1, 4), {"level": 95}, "level must be strictly between 0 and 1"),
    ],
)
def test_compare_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        compare(*args, **kwargs)


# --- compare: properties -------------------------------------------------------------------


@st.composite
def two_arms(draw):
    n1 = draw(st.integers(1, 150))
    n2 = draw(st.integers(1, 150))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


@settings(max_examples=40, deadline=None)
@given(two_arms())
def test_higher_level_gives_wider_intervals(arms):
    lo, hi = compare(*arms, level=0.90), compare(*arms, level=0.99)
    # RD limits are bounded by ±1, so each may stay put; the width must grow
    assert hi.rd_lower <= lo.rd_lower and hi.rd_upper >= lo.rd_upper
    assert hi.rd_upper - hi.rd_lower > lo.rd_upper - lo.rd_lower
    assert hi.rr_lower < lo.rr_lower and hi.rr_upper > lo.rr_upper
    assert hi.or_lower <= lo.or_lower and hi.or_upper >= lo.or_upper
    k1, n1 = arms[:2]
    for method in ("wilson", "clopper-pearson"):
        p_lo = proportion_ci(k1, n1, level=0.90, method=method)
        p_hi = proportion_ci(k1, n1, level=0.99, method=method)
        assert p_hi.lower <= p_lo.lower <= p_lo.estimate <= p_lo.upper <= p_hi.upper
        assert p_hi.upper - p_hi.lower > p_lo.upper - p_lo.lower


@settings(max_examples=40, deadline=None)
@given(two_arms())
def test_intervals_contain_estimates(arms):
    got = compare(*arms)
    assert -1.0 <= got.rd_lower <= got.rd <= got.rd_upper <= 1.0
    assert got.rr_lower <= got.rr <= got.rr_upper
    if not math.isnan(got.odds_ratio):
        assert got.or_lower <= got.odds_ratio <= got.or_upper
    assert got.nnt_lower < got.nnt_upper
    assert got.nnt_through_infinity == (got.rd_lower <= 0 <= got.rd_upper)
    assert 0.0 <= got.fisher_p <= 1.0


def _inverse(odds: float) -> float:
    return math.inf if odds == 0 else 1 / odds


@settings(max_examples=40, deadline=None)
@given(two_arms())
def test_swapping_arms_negates_rd_and_inverts_ratios(arms):
    k1, n1, k2, n2 = arms
    ab, ba = compare(k1, n1, k2, n2), compare(k2, n2, k1, n1)
    assert ba.rd == pytest.approx(-ab.rd, abs=1e-12)
    assert ba.rd_lower == pytest.approx(-ab.rd_upper, abs=1e-12)
    assert ba.rd_upper == pytest.approx(-ab.rd_lower, abs=1e-12)
    assert ba.rr == pytest.approx(1 / ab.rr, rel=1e-9)
    assert ba.rr_lower == pytest.approx(1 / ab.rr_upper, rel=1e-9)
    assert ba.rr_upper == pytest.approx(1 / ab.rr_lower, rel=1e-9)
    if math.isnan(ab.odds_ratio):
        assert math.isnan(ba.odds_ratio)
    else:
        assert ba.odds_ratio == pytest.approx(_inverse(ab.odds_ratio), rel=1e-6)
        assert ba.or_lower == pytest.approx(_inverse(ab.or_upper), rel=1e-6)
        assert ba.or_upper == pytest.approx(_inverse(ab.or_lower), rel=1e-6)
    assert ba.fisher_p == pytest.approx(ab.fisher_p, rel=1e-9)
    if not math.isnan(ab.chi2_p):
        assert ba.chi2_p == pytest.approx(ab.chi2_p, rel=1e-9)


# --- reconstruct_counts --------------------------------------------------------------------


def test_reconstruct_counts_matches_r_brute_force(ref):
    for case in ref["reconstruct"]:
        got = reconstruct_counts(
            case["percent"],
            decimals=case["decimals"],
            n_min=case["n_min"],
            n_max=case["n_max"],
        )
        # every (k, n) found by R's double loop (|100k/n − pct| <= half unit + 1e-9), exact
        assert got == list(zip(case["k"], case["n"], strict=True)), case["percent"]


def test_reconstruct_palmira_measurable_disease_counts():
    # ORR 6.4% vs 2.3% and CBR 33.0% vs 29.5% among 138 patients with measurable disease
    def ns(percent):
        return {n for _, n in reconstruct_counts(percent, decimals=1, n_min=30, n_max=138)}

    splits = [
        n1 for n1 in range(30, 109) if n1 in ns(6.4) & ns(33.0) and 138 - n1 in ns(2.3) & ns(29.5)
    ]
    assert splits == [94]
    by_n = {
        p: dict((n, k) for k, n in reconstruct_counts(p, decimals=1, n_min=30, n_max=138))
        for p in (6.4, 2.3, 33.0, 29.5)
    }
    assert (by_n[6.4][94], by_n[2.3][44], by_n[33.0][94], by_n[29.5][44]) == (6, 1, 31, 13)


def test_reconstruct_accepts_either_rounding_at_a_tie():
    # 1/8 = 12.5% prints as 12% (half-even) or 13% (half-up); 1/16 = 6.25% as 6.2 or 6.3
    assert (1, 8) in reconstruct_counts(12, decimals=0, n_min=8, n_max=8)
    assert (1, 8) in reconstruct_counts(13, decimals=0, n_min=8, n_max=8)
    assert (1, 16) in reconstruct_counts(6.2, decimals=1, n_min=16, n_max=16)
    assert (1, 16) in reconstruct_counts(6.3, decimals=1, n_min=16, n_max=16)
    assert reconstruct_counts(14, decimals=0, n_min=8, n_max=8) == []


def test_reconstruct_large_range_is_fast_and_sorted():
    got = reconstruct_counts(50, decimals=0, n_min=1, n_max=5000)
    assert got == sorted(got, key=lambda kn: (kn[1], kn[0]))
    assert all(type(k) is int and type(n) is int for k, n in got[:5])
    # 49.5 <= 100k/n <= 50.5: for n = 5000, k = 2475 … 2525
    assert [k for k, n in got if n == 5000] == list(range(2475, 2526))


@settings(max_examples=40, deadline=None)
@given(
    decimals=st.integers(0, 2),
    units=st.integers(0, 10_000),
    n_min=st.integers(1, 150),
    span=st.integers(0, 60),
)
def test_reconstruct_equals_exact_brute_force(decimals, units, n_min, span):
    percent = round(min(units, 100 * 10**decimals) / 10**decimals, decimals)
    half = Fraction(1, 2 * 10**decimals)
    target = Fraction(str(percent))
    expected = [
        (k, n)
        for n in range(n_min, n_min + span + 1)
        for k in range(n + 1)
        if abs(Fraction(100 * k, n) - target) <= half
    ]
    got = reconstruct_counts(percent, decimals=decimals, n_min=n_min, n_max=n_min + span)
    assert got == expected


@pytest.mark.parametrize(
    ("percent", "kwargs", "match"),
    [
        (6.45, {"decimals": 1, "n_min": 1, "n_max": 10}, "more than decimals=1"),
        (-1.0, {"decimals": 1, "n_min": 1, "n_max": 10}, "between 0 and 100"),
        (100.1, {"decimals": 1, "n_min": 1, "n_max": 10}, "between 0 and 100"),
        (6.4, {"decimals": -1, "n_min": 1, "n_max": 10}, "decimals must be between"),
        (6.4, {"decimals": 7, "n_min": 1, "n_max": 10}, "decimals must be between"),
        (6.4, {"decimals": 1, "n_min": 0, "n_max": 10}, "n_min <= n_max"),
        (6.4, {"decimals": 1, "n_min": 11, "n_max": 10}, "n_min <= n_max"),
    ],
)
def test_reconstruct_rejects_bad_input(percent, kwargs, match):
    with pytest.raises(ValueError, match=match):
        reconstruct_counts(percent, **kwargs)
