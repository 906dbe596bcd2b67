"""explorer.stats at its edges, against R (tests/reference/edge_cases.R → edge_cases.json).

Zero events, all events, k = 0 and k = n, n = 1 and 2, ties, a CI touching 1, HR = 1,
extreme alpha and power, one study and identical studies, zero rows in a risk table.
Each case either matches R or behaves as documented in docs/edge-cases.md (a stated value
where R gives NaN/Inf/NA, or a ValueError naming the argument). No result is a silent NaN
where R gives a number.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from explorer.stats import binary, design, effects, fragility, meta, survival
from explorer.stats.simulation import simulate_survival

# jsonlite writes R's NA / NaN / Inf as strings.
_SPECIAL = {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}


def num(value) -> float:
    """One R number from the JSON (NA and NaN → nan, Inf → inf)."""
    return _SPECIAL[value] if isinstance(value, str) else float(value)


def nums(values) -> np.ndarray:
    values = values if isinstance(values, list) else [values]
    return np.array([num(v) for v in values], dtype=float)


def same(ours: float, theirs: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    """Equal within tolerance, with nan == nan and inf == inf (R's NA/NaN/Inf)."""
    if math.isnan(theirs) or math.isinf(theirs):
        return math.isnan(ours) if math.isnan(theirs) else ours == theirs
    return ours == pytest.approx(theirs, rel=rel, abs=abs_)


@pytest.fixture(scope="module")
def ref():
    path = Path(__file__).resolve().parents[1] / "reference" / "edge_cases.json"
    return json.loads(path.read_text(encoding="utf-8"))


# ---- one proportion -------------------------------------------------------------------------


def test_proportion_edges_match_r(ref):
    for case in ref["proportion"]:
        k, n = int(case["k"]), int(case["n"])
        for method, key in (("wilson", "wilson"), ("clopper-pearson", "clopper")):
            res = binary.proportion_ci(k, n, method=method)
            lo, hi = nums(case[key])
            # Wilson vs prop.test(correct = FALSE), Clopper-Pearson vs binom.test: abs 1e-12
            assert res.lower == pytest.approx(lo, abs=1e-12), (k, n, method)
            assert res.upper == pytest.approx(hi, abs=1e-12), (k, n, method)
            # k = 0 and k = n: limits exactly 0 and 1 (documented in proportion_ci)
            if k == 0:
                assert res.lower == 0.0 and res.estimate == 0.0
            if k == n:
                assert res.upper == 1.0 and res.estimate == 1.0


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson"])
def test_proportion_empty_arm_is_refused_with_its_argument_named(method):
    # n = 0: no proportion exists (R's binom.test refuses it too): ValueError naming n
    with pytest.raises(ValueError, match=r"^n must be >= 1, got 0"):
        binary.proportion_ci(0, 0, method=method)


# ---- two arms -------------------------------------------------------------------------------


def _t(odds_ratio: float) -> float:
    """The quantity R's fisher.test solves for: OR below 1, 1/OR above (0 for inf)."""
    if math.isnan(odds_ratio) or odds_ratio <= 1.0:
        return odds_ratio
    return 1.0 / odds_ratio


def test_compare_edges_match_r_or_documented(ref):
    for case in ref["compare"]:
        k1, n1, k2, n2 = (int(case[x]) for x in ("k1", "n1", "k2", "n2"))
        res = binary.compare(k1, n1, k2, n2)
        label = (k1, n1, k2, n2)
        # Newcombe hybrid score RD vs the formula on prop.test limits in R: abs 1e-12
        rd, rd_lo, rd_hi = nums(case["rd"])
        assert (res.rd, res.rd_lower, res.rd_upper) == pytest.approx(
            (rd, rd_lo, rd_hi), abs=1e-12
        ), label
        # Katz RR with 1/2 added to a table with a zero cell vs metafor escalc("RR"),
        # drop00 = FALSE: rel 1e-9 (finite even with no events in both arms)
        rr, rr_lo, rr_hi = nums(case["rr"])
        assert (res.rr, res.rr_lower, res.rr_upper) == pytest.approx(
            (rr, rr_lo, rr_hi), rel=1e-9
        ), label
        assert all(math.isfinite(x) for x in (res.rr, res.rr_lower, res.rr_upper))
        # Fisher p vs fisher.test: rel 1e-9
        assert res.fisher_p == pytest.approx(num(case["fisher_p"]), rel=1e-9), label
        # chi-square p vs chisq.test(correct = FALSE): NaN exactly where R gives NaN
        assert same(res.chi2_p, num(case["chi2_p"]), rel=1e-9), label
        # Conditional MLE OR vs fisher.test: 0 / inf as R; nan (not estimable) where R
        # prints 0 for an empty column (documented difference). R solves for t = OR (or
        # 1/OR above 1) with uniroot's absolute tolerance ~1.2e-4, so compare t and 1/t
        # with abs 2e-4 (binary.compare Notes)
        r_or = num(case["or_estimate"])
        empty_column = (k1 + k2) in (0, n1 + n2)
        if empty_column:
            assert math.isnan(res.odds_ratio) and r_or == 0.0, label
        else:
            assert same(_t(res.odds_ratio), _t(r_or), rel=0, abs_=2e-4), label
        r_lo, r_hi = nums(case["or_ci"])
        assert same(_t(res.or_lower), _t(r_lo), rel=0, abs_=2e-4), label
        assert same(_t(res.or_upper), _t(r_hi), rel=0, abs_=2e-4), label


def test_compare_no_events_in_either_arm_is_documented():
    # documented values (docs/edge-cases.md): RD 0, RR 1 from the corrected table (raw
    # 0/0 is NaN in R), OR not estimable (nan), Fisher p 1, chi-square nan, NNT infinite
    res = binary.compare(0, 10, 0, 10)
    assert res.rd == 0.0 and res.rr == pytest.approx(1.0, rel=1e-12) and res.rr_corrected
    assert math.isnan(res.odds_ratio) and (res.or_lower, res.or_upper) == (0.0, math.inf)
    assert res.fisher_p == 1.0 and math.isnan(res.chi2_p)
    assert res.nnt == math.inf and res.nnt_through_infinity


@pytest.mark.parametrize(("args", "name"), [((0, 0, 5, 10), "n1"), ((1, 10, 0, 0), "n2")])
def test_compare_empty_arm_is_refused(args, name):
    # an arm with n = 0 has no proportion: ValueError naming the argument
    with pytest.raises(ValueError, match=rf"^{name} must be >= 1, got 0"):
        binary.compare(*args)


def test_fragility_edges_match_brute_force_in_r(ref):
    for case in ref["fragility"]:
        k1, n1, k2, n2 = (int(case[x]) for x in ("k1", "n1", "k2", "n2"))
        res = fragility.fragility_index(k1, n1, k2, n2)
        # initial Fisher p vs fisher.test: rel 1e-9
        assert res.p_initial == pytest.approx(case["p"], rel=1e-9)
        assert not res.significant and res.reverse
        # reverse index vs R's loop over fisher.test: exact; None where R gives NA
        expected = num(case["reverse_index"])
        if math.isnan(expected):
            assert res.index is None and res.p_final is None
        else:
            assert res.index == int(expected)


# ---- Wald inference from a printed CI -------------------------------------------------------


def test_from_ci_edges_match_r(ref):
    for case in ref["from_ci"]:
        res = effects.from_ci(
            case["estimate"],
            case["lower"],
            case["upper"],
            level=case["level"],
            log_scale=case["log_scale"],
        )
        # Wald arithmetic in base R (qnorm/pnorm): se and z rel 1e-12, p abs 1e-15
        assert res.se == pytest.approx(case["se"], rel=1e-12)
        assert res.z == pytest.approx(case["z"], rel=1e-12, abs=1e-15)
        assert res.p == pytest.approx(case["p"], abs=1e-14)


@pytest.mark.parametrize(
    ("args", "level"),
    [((0.7, 0.49, 1.0), 0.95), ((1.3, 1.0, 1.69), 0.95), ((0.7, 0.49, 1.0), 0.9)],
)
def test_ci_touching_one_is_exactly_at_the_boundary(args, level):
    # documented snap (effects.from_ci Notes): a bound on the null with the estimate at the
    # centre gives p = 1 - level exactly, never "significant" (R: 0.05000000000000006)
    res = effects.from_ci(*args, level=level)
    alpha = round(1 - level, 12)
    assert res.p == alpha  # 0.05 or 0.1 exactly
    assert abs(res.z) == effects._critical(level)


def test_ci_touching_one_off_centre_is_a_real_finding(ref):
    # HR 0.69 (0.49–1.00): the estimate is off the CI's centre, so the Wald p is genuinely
    # below 0.05 (R: 0.04145); the snap does not hide it. Reference: base R, abs 1e-14.
    res = effects.from_ci(0.69, 0.49, 1.0)
    r_case = next(c for c in ref["from_ci"] if c["estimate"] == 0.69)
    assert res.p == pytest.approx(r_case["p"], abs=1e-14) and res.p < 0.05


def test_difference_ci_touching_zero_is_at_the_boundary():
    # natural scale (a difference, null 0): same rule, p = 0.05 exactly at 95%
    assert effects.from_ci(0.2, 0.0, 0.4, log_scale=False).p == 0.05


def test_posterior_with_ci_touching_one(ref):
    # flat prior: P(HR < 1) = Φ(-ln θ / se) in base R, abs 1e-12 (0.975 when upper = 1)
    for case in (c for c in ref["from_ci"] if c["log_scale"]):
        res = effects.posterior(case["estimate"], case["lower"], case["upper"], level=case["level"])
        assert res.probability == pytest.approx(case["prob_below_null"], abs=1e-12)


def test_from_ci_without_width_is_refused():
    with pytest.raises(ValueError, match="lower must be < upper"):
        effects.from_ci(1.0, 1.0, 1.0)


# ---- design ---------------------------------------------------------------------------------


def test_power_edges_match_rpact(ref):
    for case in ref["design"]["power"]:
        ours = design.power(case["events"], case["hr"], alpha=case["alpha"], sides=case["sides"])
        # rpact getPowerSurvival()$overallReject: rel 1e-9 (HR 1 gives alpha)
        assert ours == pytest.approx(num(case["power"]), rel=1e-9, abs=1e-15)


def test_events_edges_match_rpact(ref):
    for case in ref["design"]["events"]:
        ours = design.events_required(case["hr"], alpha=case["alpha"], power=case["power"])
        # rpact getSampleSizeSurvival()$eventsFixed: rel 1e-9
        assert ours == pytest.approx(num(case["events"]), rel=1e-9)


def test_sample_size_without_follow_up_matches_rpact(ref):
    r = ref["design"]["no_follow_up"]
    res = design.sample_size(0.7, control_median=12.0, accrual_time=24.0, follow_up=0.0)
    # rpact $nFixed and $eventsFixed with followUpTime = 0: rel 1e-9
    assert res.n_total == pytest.approx(r["n"], rel=1e-9)
    assert res.events == pytest.approx(r["events"], rel=1e-9)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: design.events_required(1.0), "hr must differ from 1"),
        (
            lambda: design.sample_size(1.0, control_median=3, accrual_time=10, follow_up=5),
            "hr must differ from 1",
        ),
        (lambda: design.events_required(0.7, power=0.0), r"power must be in \(0, 1\)"),
        (lambda: design.events_required(0.7, power=1.0), r"power must be in \(0, 1\)"),
        (lambda: design.detectable_hr(100, power=1.0), r"power must be in \(0, 1\)"),
        (lambda: design.events_required(0.7, power=0.02), "power must exceed alpha / sides"),
        (lambda: design.events_required(0.7, alpha=0.0), r"alpha must be in \(0, 1\)"),
        (lambda: design.power(100, 0.7, alpha=1.0), r"alpha must be in \(0, 1\)"),
        (lambda: design.power(0, 0.7), "events must be finite and > 0"),
    ],
)
def test_design_limits_are_refused_with_the_argument_named(call, match, ref):
    # rpact refuses HR 1 as well ("must be unequal to 'thetaH0'")
    assert "thetaH0" in ref["design"]["rpact_refuses"]["hr_one"]
    with pytest.raises(ValueError, match=match):
        call()


def test_power_at_hr_one_is_alpha_and_power_saturates():
    # documented: two-sided power at HR 1 is alpha (both tails); huge events give 1.0
    assert design.power(155, 1.0, ratio=2.0, alpha=0.05) == pytest.approx(0.05, abs=1e-15)
    assert design.power(1e12, 0.7) == 1.0
    # documented limit: the detectable HR underflows to 0.0 for absurdly few events
    assert design.detectable_hr(1e-9) == 0.0


def test_simulated_power_at_hr_one_is_alpha():
    # Monte Carlo log-rank at HR 1: power = alpha within 4 MC standard errors
    # (sqrt(0.05·0.95/4000) = 0.0034); no reference needed beyond the test's size
    res = simulate_survival(
        n_total=200,
        events=150,
        hr=1.0,
        control_median=6.0,
        accrual_time=12.0,
        n_sims=4000,
        seed=20240611,
    )
    assert abs(res.power - 0.05) < 4 * math.sqrt(0.05 * 0.95 / 4000)


# ---- survival -------------------------------------------------------------------------------


def test_kaplan_meier_edges_match_survfit(ref):
    for case in ref["km"]:
        km = survival.kaplan_meier(nums(case["time_in"]), nums(case["event_in"]))
        name = case["name"]
        # survfit table: exact counts; surv, std.err (Inf at S = 0) rel 1e-12; limits NA→nan
        np.testing.assert_array_equal(km.time, nums(case["time"]), err_msg=name)
        np.testing.assert_array_equal(km.at_risk, nums(case["n_risk"]), err_msg=name)
        np.testing.assert_array_equal(km.events, nums(case["n_event"]), err_msg=name)
        np.testing.assert_allclose(km.survival, nums(case["surv"]), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(km.std_err, nums(case["std_err"]), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(km.lower, nums(case["lower"]), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(km.upper, nums(case["upper"]), rtol=1e-12, err_msg=name)
        # quantile(fit, 0.5): median and CI, NA (not reached) → nan, exact
        for ours, key in (
            (km.median, "median"),
            (km.median_lower, "median_lower"),
            (km.median_upper, "median_upper"),
        ):
            assert same(ours, num(case[key])), (name, key)


def test_kaplan_meier_empty_is_refused():
    with pytest.raises(ValueError, match="time must not be empty"):
        survival.kaplan_meier([], [])


@pytest.fixture(scope="module")
def two_arms(ref):
    return {c["name"]: c for c in ref["two_arms"]}


@pytest.mark.parametrize("name", ["heavy_ties", "two_patients", "no_events_treatment"])
def test_logrank_edges_match_survdiff(two_arms, name):
    case = two_arms[name]
    lr = survival.logrank(case["time"], case["event"], case["group"])
    r = case["logrank"]
    # survdiff chisq, pchisq p, observed / expected per group: rel 1e-10
    assert lr.statistic == pytest.approx(r["chisq"], rel=1e-10)
    assert lr.p == pytest.approx(r["p"], rel=1e-10)
    np.testing.assert_allclose(lr.observed, nums(r["observed"]), rtol=1e-10)
    np.testing.assert_allclose(lr.expected, nums(r["expected"]), rtol=1e-10)


def test_logrank_all_tied_is_refused_as_r_fails(two_arms):
    case = two_arms["all_tied"]
    # R's survdiff stops ("exactly singular"); we raise ValueError naming the reason
    assert "singular" in case["logrank"]["error"]
    with pytest.raises(ValueError, match="log-rank variance is 0"):
        survival.logrank(case["time"], case["event"], case["group"])


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("name", ["heavy_ties", "all_tied"])
def test_cox_ties_match_coxph(two_arms, name, ties):
    case = two_arms[name]
    fit = survival.cox(case["time"], case["event"], case["group"], ties=ties)
    r = case[f"cox_{ties}"]
    # coxph coef / se / Wald p / exp(confint): rel 1e-7 (Newton–Raphson convergence)
    assert math.log(fit.hr) == pytest.approx(r["coef"], rel=1e-7, abs=1e-9)
    assert fit.se == pytest.approx(r["se"], rel=1e-7)
    assert fit.p == pytest.approx(r["p"], rel=1e-7)
    assert (fit.lower, fit.upper) == pytest.approx(tuple(nums(r["ci"])), rel=1e-7)


def test_cox_efron_and_breslow_differ_under_heavy_ties(two_arms):
    case = two_arms["heavy_ties"]
    efron = survival.cox(case["time"], case["event"], case["group"], ties="efron")
    breslow = survival.cox(case["time"], case["event"], case["group"], ties="breslow")
    # R: coef 0.2547 (Efron) vs 0.2133 (Breslow); a real difference, not noise
    assert abs(math.log(efron.hr) - math.log(breslow.hr)) > 0.04


@pytest.mark.parametrize("name", ["two_patients", "no_events_treatment"])
def test_cox_monotone_likelihood_is_refused(two_arms, name):
    case = two_arms[name]
    # R warns and prints coef about -21 with SE in the tens of thousands (CI 0 to Inf);
    # documented difference: ValueError saying the HR is not estimable
    assert abs(case["cox_efron"]["coef"]) > 20 and case["cox_efron"]["se"] > 1e4
    with pytest.raises(ValueError, match="not estimable"):
        survival.cox(case["time"], case["event"], case["group"])


def test_rmst_edges_match_survmean(ref):
    for case in ref["rmst"]:
        res = survival.rmst(nums(case["time"]), nums(case["event"]), tau=case["tau"])
        # summary(survfit, rmean = tau)$table rmean and se(rmean): rel 1e-12
        assert res.rmst == pytest.approx(case["rmst"], rel=1e-12), case["name"]
        assert res.se == pytest.approx(case["se"], rel=1e-12, abs=1e-15), case["name"]


# ---- meta-analysis --------------------------------------------------------------------------


def test_pool_one_study_is_refused_naming_estimates(ref):
    case = next(c for c in ref["meta"] if c["name"] == "one_study")
    # metafor fits k = 1 and returns the study itself (documented difference)
    assert all(f["estimate"] == pytest.approx(0.8) for f in case["fits"])
    with pytest.raises(ValueError, match=r"^estimates: at least 2 studies"):
        meta.pool([0.8], [0.6], [1.1])


@pytest.mark.parametrize("method", meta.METHODS)
@pytest.mark.parametrize("hk", [False, True])
def test_pool_identical_studies_match_metafor(ref, method, hk):
    case = next(c for c in ref["meta"] if c["name"] == "identical")
    r = next(f for f in case["fits"] if f["method"] == method and f["hartung_knapp"] is hk)
    res = meta.pool(
        case["estimates"], case["lowers"], case["uppers"], method=method, hartung_knapp=hk
    )
    # metafor rma(): tau² 0 and I² 0 exactly; estimate / CI rel 1e-9; Q and p abs 1e-12
    assert res.tau2 == 0.0 and res.i2 == 0.0
    assert res.q == pytest.approx(r["q"], abs=1e-12)
    assert res.estimate == pytest.approx(r["estimate"], rel=1e-9)
    assert (res.lower, res.upper) == pytest.approx((r["lower"], r["upper"]), rel=1e-9)
    assert res.se == pytest.approx(r["se"], rel=1e-9, abs=1e-15)
    assert res.p == pytest.approx(r["p"], rel=1e-9, abs=1e-15)
    if hk:
        # documented: HK's s² is 0 for identical studies, so the CI collapses (as metafor)
        assert res.lower == res.upper == pytest.approx(0.8)


# ---- reconstruction (Guyot) with zero rows in the risk table --------------------------------


@pytest.mark.parametrize(
    ("curve_t", "curve_s", "risk_t", "at_risk"),
    [
        ([1, 2, 3], [0.8, 0.6, 0.4], [0, 2, 4, 6], [10, 6, 0, 0]),
        ([1, 2, 3, 5, 7], [0.8, 0.6, 0.4, 0.2, 0.1], [0, 2, 4], [10, 6, 0]),
        ([1, 2], [0.5, 0.2], [0, 3], [10, 0]),
    ],
    ids=["zeros-after-curve", "curve-drops-after-zero", "all-gone-by-first-row"],
)
def test_reconstruct_with_zero_at_risk_rows(curve_t, curve_s, risk_t, at_risk):
    ipd = survival.reconstruct_ipd(curve_t, curve_s, risk_time=risk_t, at_risk=at_risk)
    # documented (reconstruct_ipd Notes): patients conserved, the published numbers at
    # risk reproduced, nobody at or after the first zero row, every number finite
    assert ipd.n == at_risk[0]
    assert ipd.interval_at_risk.tolist() == at_risk
    first_zero = risk_t[at_risk.index(0)]
    assert np.all(ipd.time < first_zero)
    assert np.all(np.isfinite(ipd.time)) and math.isfinite(ipd.max_abs_diff)
    # and the reconstruction is usable downstream (KM on it has a defined curve)
    km = survival.kaplan_meier(ipd.time, ipd.event)
    assert np.all(np.isfinite(km.survival))


def test_reconstruct_refuses_an_empty_risk_table_start():
    with pytest.raises(ValueError, match=r"at_risk\[0\] \(the number of patients\) must be >= 1"):
        survival.reconstruct_ipd([1, 2], [0.5, 0.2], risk_time=[0, 3], at_risk=[0, 0])
