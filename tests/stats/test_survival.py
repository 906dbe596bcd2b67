"""explorer.stats.survival against R's survival package (tests/reference/survival.R).

Data sets (stored in survival.json so Python reads exactly what R used): survival::lung
(event = status 2, group = sex, treat = female), lung without its NA ph.ecog row (strata =
ph.ecog), survival::aml (ties), and a simulated PALMIRA-like trial (set.seed(2023), 136 vs
62, exponential medians 4.2 and 3.6 months, uniform censoring, strata = visceral disease).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explorer.stats import survival as sv
from explorer.stats.survival import (
    CoxResult,
    KaplanMeierResult,
    LogRankResult,
    RmstDifferenceResult,
    RmstResult,
    cox,
    hazard_from_median,
    hr_from_medians,
    kaplan_meier,
    logrank,
    rmst,
    rmst_difference,
    survival_at,
)

DATASETS = ["lung", "lung_ecog", "aml", "palmira"]
STRATIFIED = ["lung_ecog", "palmira"]
# The arm coded 1 ("treatment") in each data set's `treat` column, and the other arm.
TREATMENT_ARM = {"lung": 2, "lung_ecog": 2, "aml": "Maintained", "palmira": 1}
CONTROL_ARM = {"lung": 1, "lung_ecog": 1, "aml": "Nonmaintained", "palmira": 0}
CONF_TYPES = ["log", "log-log", "plain"]
LEVELS = [0.95, 0.9]

# jsonlite writes R's NA / NaN / Inf as strings.
_SPECIAL = {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}


def num(value):
    """One R number from the JSON: NA and NaN become nan, Inf inf."""
    if value is None:
        return math.nan
    return _SPECIAL.get(value, value) if isinstance(value, str) else float(value)


def nums(values) -> np.ndarray:
    return np.array([num(v) for v in values], dtype=float)


@pytest.fixture
def ref(r_reference):
    return r_reference("survival")


def dataset(ref, name: str) -> dict[str, np.ndarray]:
    data = ref["data"][name]
    out = {
        "time": np.array(data["time"], dtype=float),
        "event": np.array(data["event"], dtype=int),
        "group": np.array(data["group"]),
        "treat": np.array(data["treat"], dtype=int),
    }
    if name in STRATIFIED:
        out["strata"] = np.array(data["strata"])
    return out


def arm(data: dict[str, np.ndarray], label) -> tuple[np.ndarray, np.ndarray]:
    rows = data["group"] == label
    return data["time"][rows], data["event"][rows]


def km_cases(ref, name: str, conf_type: str, level: float) -> list[dict]:
    cases = [
        c
        for c in ref["cases"][name]["km"]
        if c["conf_type"] == conf_type and c["level"] == pytest.approx(level)
    ]
    assert len(cases) == 2  # one per arm
    return cases


def same(got: float, want: float) -> bool:
    return (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, abs=1e-12)


# ---- exponential helpers --------------------------------------------------------------------


def test_exponential_helpers_palmira_numbers():
    # ln 2 / 4.2 and 2^(−6/4.2), closed form, rel 1e-15
    assert hazard_from_median(4.2) == pytest.approx(math.log(2) / 4.2, rel=1e-15)
    assert survival_at(6.0, median=4.2) == pytest.approx(2 ** (-6 / 4.2), rel=1e-15)
    assert survival_at(6.0, median=4.2) == pytest.approx(0.3714985722842, rel=1e-12)
    # PALMIRA medians 4.2 vs 3.6 months → HR = 3.6 / 4.2 = 6/7, rel 1e-15
    assert hr_from_medians(4.2, 3.6) == pytest.approx(6 / 7, rel=1e-15)
    assert isinstance(survival_at(1, median=2), float)


def test_survival_at_vectorised():
    t = np.array([[0.0, 3.6], [7.2, 10.8]])
    got = survival_at(t, median=3.6)
    assert isinstance(got, np.ndarray)
    assert got.shape == (2, 2)
    # S = 2^(−t/median): 1, 1/2, 1/4, 1/8 exactly up to rounding, rel 1e-15
    np.testing.assert_allclose(got, [[1.0, 0.5], [0.25, 0.125]], rtol=1e-15)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=0.01, max_value=500.0))
def test_survival_at_median_is_one_half(median):
    # S(median) = 1/2 by definition, rel 1e-12
    assert survival_at(median, median=median) == pytest.approx(0.5, rel=1e-12)
    # S(t) = exp(−λ t) with λ from hazard_from_median, rel 1e-12
    assert survival_at(2.5 * median, median=median) == pytest.approx(
        math.exp(-hazard_from_median(median) * 2.5 * median), rel=1e-12
    )


@settings(max_examples=50, deadline=None)
@given(
    st.floats(min_value=0.05, max_value=20.0),
    st.floats(min_value=0.1, max_value=100.0),
)
def test_hr_from_medians_round_trip(hr, median_control):
    # median_treatment = median_control / HR under proportional exponential hazards, rel 1e-12
    median_treatment = median_control / hr
    assert hr_from_medians(median_treatment, median_control) == pytest.approx(hr, rel=1e-12)
    # HR is the ratio of the hazards, rel 1e-12
    assert hr_from_medians(median_treatment, median_control) == pytest.approx(
        hazard_from_median(median_treatment) / hazard_from_median(median_control), rel=1e-12
    )


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_exponential_helpers_reject_bad_medians(bad):
    with pytest.raises(ValueError, match="median"):
        hazard_from_median(bad)
    with pytest.raises(ValueError, match="median"):
        survival_at(1.0, median=bad)
    with pytest.raises(ValueError, match="median_treatment"):
        hr_from_medians(bad, 3.6)
    with pytest.raises(ValueError, match="median_control"):
        hr_from_medians(4.2, bad)


def test_survival_at_rejects_negative_or_nan_time():
    with pytest.raises(ValueError, match=">= 0"):
        survival_at(-1.0, median=4.2)
    with pytest.raises(ValueError, match="finite"):
        survival_at([1.0, math.nan], median=4.2)


# ---- Kaplan–Meier vs survfit ----------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("conf_type", CONF_TYPES)
@pytest.mark.parametrize("name", DATASETS)
def test_kaplan_meier_matches_survfit(ref, name, conf_type, level):
    data = dataset(ref, name)
    for case in km_cases(ref, name, conf_type, level):
        time, event = arm(data, case["arm"])
        km = kaplan_meier(time, event, level=level, conf_type=conf_type)
        assert isinstance(km, KaplanMeierResult)
        assert (km.level, km.conf_type) == (level, conf_type)
        # Table rows = survfit's distinct times and counts, exact
        np.testing.assert_array_equal(km.time, nums(case["time"]))
        np.testing.assert_array_equal(km.at_risk, nums(case["n_risk"]))
        np.testing.assert_array_equal(km.events, nums(case["n_event"]))
        np.testing.assert_array_equal(km.censored, nums(case["n_censor"]))
        # KM product-limit, Greenwood SE of log S, and the conf.type limits vs survfit
        # $surv, $std.err, $lower, $upper: rel 1e-11 (JSON holds 15 significant digits)
        np.testing.assert_allclose(km.survival, nums(case["surv"]), rtol=1e-11)
        np.testing.assert_allclose(km.std_err, nums(case["std_err"]), rtol=1e-11)
        np.testing.assert_allclose(km.lower, nums(case["lower"]), rtol=1e-11, equal_nan=True)
        np.testing.assert_allclose(km.upper, nums(case["upper"]), rtol=1e-11, equal_nan=True)
        # Median and its CI vs quantile(fit, 0.5), exact (they are observed times or their
        # midpoints), NaN = not reached (R: NA)
        assert same(km.median, num(case["median"]))
        assert same(km.median_lower, num(case["median_lower"]))
        assert same(km.median_upper, num(case["median_upper"]))
        # On these data print(fit)'s rule (survmean) gives the same median and CI, exact
        assert same(km.median, num(case["print_median"]))
        assert same(km.median_lower, num(case["print_median_lower"]))
        assert same(km.median_upper, num(case["print_median_upper"]))


def test_kaplan_meier_palmira_like_medians(ref):
    data = dataset(ref, "palmira")
    treatment = kaplan_meier(*arm(data, 1))
    control = kaplan_meier(*arm(data, 0))
    # Simulated medians 4.2 / 3.6 months; R quantile(survfit(..., conf.type = "log"), 0.5)
    # gave 4.06 (3.11–4.93) and 3.42 (2.46–5.29); exact observed times, abs 1e-12
    assert (treatment.median, treatment.median_lower, treatment.median_upper) == pytest.approx(
        (4.06, 3.11, 4.93), abs=1e-12
    )
    assert (control.median, control.median_lower, control.median_upper) == pytest.approx(
        (3.42, 2.46, 5.29), abs=1e-12
    )


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_kaplan_meier_edge_cases_match_survfit(ref, conf_type):
    for case in ref["edge_km"]:
        if case["conf_type"] != conf_type:
            continue
        data = ref["data"][case["name"]]
        km = kaplan_meier(data["time"], data["event"], conf_type=conf_type)
        # survfit $surv / $std.err (Inf once S = 0) / limits (NA → NaN), rel 1e-11
        np.testing.assert_allclose(km.survival, nums(case["surv"]), rtol=1e-11)
        np.testing.assert_allclose(km.std_err, nums(case["std_err"]), rtol=1e-11)
        np.testing.assert_allclose(km.lower, nums(case["lower"]), rtol=1e-11, equal_nan=True)
        np.testing.assert_allclose(km.upper, nums(case["upper"]), rtol=1e-11, equal_nan=True)
        # quantile(fit, 0.5), exact
        assert same(km.median, num(case["median"]))
        assert same(km.median_lower, num(case["median_lower"]))
        assert same(km.median_upper, num(case["median_upper"]))
        for r in case["rmean"]:
            got = rmst(data["time"], data["event"], tau=r["tau"])
            # survmean rmean / se(rmean) at tau within the data, rel 1e-11
            assert got.rmst == pytest.approx(r["rmean"], rel=1e-11)
            assert got.se == pytest.approx(r["se"], rel=1e-11)


def test_kaplan_meier_curve_that_drops_to_zero(ref):
    data = ref["data"]["to_zero"]
    km = kaplan_meier(data["time"], data["event"])
    # R: std.err Inf and limits NA at S = 0 (survfit_confint sets log(0) to NA)
    assert km.survival[-1] == 0.0
    assert math.isinf(km.std_err[-1])
    assert math.isnan(km.lower[-1])
    assert math.isnan(km.upper[-1])
    # Median: first time S ≤ 0.5 is 4 (S = 0.3), quantile(fit, 0.5) = 4, exact
    assert km.median == 4.0


def test_median_flat_at_one_half_follows_quantile_not_print(ref):
    # Documented difference: the curve stays at exactly 0.5 from t = 2 to the last time 4.
    case = next(c for c in ref["edge_km"] if c["name"] == "flat_half")
    data = ref["data"]["flat_half"]
    km = kaplan_meier(data["time"], data["event"])
    # quantile(fit, 0.5) = (2 + 4)/2 = 3, print(fit) = 2 (survmean's rule); we follow quantile
    assert num(case["median"]) == 3.0
    assert num(case["print_median"]) == 2.0
    assert km.median == 3.0
    # Flat at 0.5 between 2 and 3, then dropping: midpoint 2.5 (both R rules), exact
    km2 = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 0])
    assert km2.median == 2.5


def test_kaplan_meier_survival_at_is_right_continuous(ref):
    data = dataset(ref, "aml")
    km = kaplan_meier(*arm(data, "Maintained"))
    # At each table time the value of that row; before the first time 1; after the last,
    # the last value. Exact step-function lookups.
    np.testing.assert_array_equal(km.survival_at(km.time), km.survival)
    np.testing.assert_array_equal(km.survival_at(km.time[1:] - 1e-9), km.survival[:-1])
    assert km.survival_at(0.0) == 1.0
    assert km.survival_at(km.time[0] - 1e-9) == 1.0
    assert km.survival_at(1e6) == km.survival[-1]
    assert isinstance(km.survival_at(20), float)
    # aml maintained arm: S(12) = 10/11 (one death at 9 of 11), rel 1e-15
    assert km.survival_at(12) == pytest.approx(10 / 11, rel=1e-15)


def test_kaplan_meier_result_is_frozen(ref):
    km = kaplan_meier([1, 2, 3], [1, 0, 1])
    with pytest.raises(AttributeError):
        km.median = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        km.survival[0] = 0.5
    assert km.to_dict()["time"] == [1.0, 2.0, 3.0]
    assert isinstance(km.median, float)


survival_data = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=0, max_value=30), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(survival_data, st.sampled_from(CONF_TYPES))
def test_kaplan_meier_properties(data, conf_type):
    time, event = data
    km = kaplan_meier(time, event, level=0.9, conf_type=conf_type)
    wide = kaplan_meier(time, event, level=0.99, conf_type=conf_type)
    # Survival is non-increasing and in [0, 1]
    assert np.all(np.diff(km.survival) <= 0)
    assert np.all((km.survival >= 0) & (km.survival <= 1))
    # lower ≤ S ≤ upper wherever the limits are defined (tiny float slack 1e-12)
    defined = ~np.isnan(km.lower)
    assert np.all(km.lower[defined] <= km.survival[defined] + 1e-12)
    assert np.all(km.survival[defined] <= km.upper[defined] + 1e-12)
    # A higher level gives a wider (or equal, when clipped) interval
    assert np.all(wide.lower[defined] <= km.lower[defined] + 1e-12)
    assert np.all(wide.upper[defined] >= km.upper[defined] - 1e-12)
    # Counts add up: each row's at-risk is the next row's plus the events and censored
    assert int(km.at_risk[0]) == len(time)
    np.testing.assert_array_equal(
        km.at_risk[1:], km.at_risk[:-1] - km.events[:-1] - km.censored[:-1]
    )
    # The median is "not reached" exactly when the curve stays above 0.5
    assert math.isnan(km.median) == bool(km.survival[-1] > 0.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time": [1, 2], "event": [1]}, "same length"),
        ({"time": [], "event": []}, "empty"),
        ({"time": [1, -2], "event": [1, 1]}, ">= 0"),
        ({"time": [1, math.nan], "event": [1, 1]}, "finite"),
        ({"time": [1, math.inf], "event": [1, 1]}, "finite"),
        ({"time": [1, 2], "event": [1, 2]}, "0/1"),
        ({"time": [1, 2], "event": ["a", "b"]}, "0/1"),
        ({"time": [1, 2], "event": [1, 0], "level": 1.0}, "level"),
        ({"time": [1, 2], "event": [1, 0], "level": 0.0}, "level"),
        ({"time": [1, 2], "event": [1, 0], "conf_type": "logit"}, "conf_type"),
    ],
)
def test_kaplan_meier_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kaplan_meier(**kwargs)


def test_kaplan_meier_accepts_bool_events():
    a = kaplan_meier([3, 1, 2], [True, False, True])
    b = kaplan_meier([3, 1, 2], [1, 0, 1])
    np.testing.assert_array_equal(a.survival, b.survival)
    # S = (1 − 1/2)(1 − 1/1) after censoring at 1: 0.5, 0; exact
    np.testing.assert_array_equal(a.survival, [1.0, 0.5, 0.0])


# ---- log-rank vs survdiff -------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_logrank_matches_survdiff(ref, name):
    data = dataset(ref, name)
    for case in ref["cases"][name]["logrank"]:
        strata = data["strata"] if case["stratified"] else None
        got = logrank(data["time"], data["event"], data["group"], strata=strata)
        assert isinstance(got, LogRankResult)
        # survdiff $chisq and pchisq(chisq, 1, lower = FALSE), rel 1e-10
        assert got.statistic == pytest.approx(case["statistic"], rel=1e-10)
        assert got.p == pytest.approx(case["p"], rel=1e-10)
        assert got.df == case["df"] == 1
        # Groups in sorted order = R's factor levels; rowSums($obs) exact, rowSums($exp) rel 1e-10
        assert got.groups.tolist() == case["groups"]
        np.testing.assert_array_equal(got.observed, case["observed"])
        np.testing.assert_allclose(got.expected, case["expected"], rtol=1e-10)


def test_logrank_palmira_like_numbers(ref):
    data = dataset(ref, "palmira")
    got = logrank(data["time"], data["event"], data["group"])
    # R survdiff on the simulated trial: chisq 0.953, p 0.329 (HR ≈ 0.85 is not significant
    # at 198 patients, as PALMIRA's p = 0.206); stored values, rel 1e-10
    assert got.statistic == pytest.approx(0.95303413912791, rel=1e-10)
    assert got.p == pytest.approx(0.32894818395565, rel=1e-10)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=30).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(min_value=1, max_value=20), min_size=n, max_size=n),
            st.lists(st.booleans(), min_size=n, max_size=n),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    )
)
def test_logrank_invariant_to_relabelling(data):
    time, event, arm_flags = data
    flags = np.array(arm_flags)
    event = np.array(event)
    if flags.all() or not flags.any() or not event.any():
        return
    try:
        base = logrank(time, event, flags.astype(int))
    except ValueError:  # zero variance: no event time with both groups at risk
        return
    swapped = logrank(time, event, (~flags).astype(int))
    named = logrank(time, event, np.where(flags, "palbociclib", "control"))
    # Chi-square and p do not depend on which arm is called what, rel 1e-12
    for other in (swapped, named):
        assert other.statistic == pytest.approx(base.statistic, rel=1e-12)
        assert other.p == pytest.approx(base.p, rel=1e-12)
    # observed/expected follow sorted label order: swapped labels reverse them, rel 1e-12
    np.testing.assert_allclose(swapped.observed, base.observed[::-1], rtol=1e-12)
    np.testing.assert_allclose(swapped.expected, base.expected[::-1], rtol=1e-12)
    # O and E both sum to the total number of events, rel 1e-12
    assert base.expected.sum() == pytest.approx(event.sum(), rel=1e-12)


def test_logrank_single_stratum_equals_unstratified(ref):
    data = dataset(ref, "aml")
    plain = logrank(data["time"], data["event"], data["group"])
    one = logrank(data["time"], data["event"], data["group"], strata=["all"] * data["time"].size)
    # One stratum = no stratification, rel 1e-14
    assert one.statistic == pytest.approx(plain.statistic, rel=1e-14)


@pytest.mark.parametrize(
    ("group", "strata", "message"),
    [
        ([1, 1, 1, 1], None, "two distinct"),
        ([1, 2, 3, 1], None, "two distinct"),
        ([1, 2, 1], None, "same length"),
        ([1.0, 2.0, math.nan, 1.0], None, "missing"),
        ([1, 2, 1, 2], [1, 2, 1], "same length"),
        ([1, 2, 1, 2], ["a", None, "a", "b"], "missing"),
    ],
)
def test_logrank_rejects_bad_input(group, strata, message):
    with pytest.raises(ValueError, match=message):
        logrank([1, 2, 3, 4], [1, 1, 0, 1], group, strata=strata)


def test_logrank_rejects_zero_variance():
    with pytest.raises(ValueError, match="variance"):
        logrank([1, 2, 3, 4], [0, 0, 0, 0], [0, 1, 0, 1])


# ---- Cox vs coxph ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_cox_matches_coxph(ref, name):
    data = dataset(ref, name)
    for case in ref["cases"][name]["cox"]:
        strata = data["strata"] if case["stratified"] else None
        for ci in case["ci"]:
            got = cox(
                data["time"],
                data["event"],
                data["treat"],
                strata=strata,
                ties=case["ties"],
                level=ci["level"],
            )
            assert isinstance(got, CoxResult)
            assert (got.ties, got.level) == (case["ties"], ci["level"])
            # statsmodels PHReg vs coxph summary()$coefficients exp(coef), se(coef),
            # Pr(>|z|) and exp(confint(fit, level)): both iterate to ~1e-9; rel 1e-6
            assert got.hr == pytest.approx(case["hr"], rel=1e-6)
            assert got.se == pytest.approx(case["se"], rel=1e-6)
            assert got.p == pytest.approx(case["p"], rel=1e-6)
            assert got.lower == pytest.approx(ci["lower"], rel=1e-6)
            assert got.upper == pytest.approx(ci["upper"], rel=1e-6)


def test_cox_palmira_like_numbers(ref):
    data = dataset(ref, "palmira")
    efron = cox(data["time"], data["event"], data["treat"], strata=data["strata"])
    breslow = cox(data["time"], data["event"], data["treat"], strata=data["strata"], ties="breslow")
    # R coxph(... + strata(visceral)): HR 0.8248 (0.5845–1.1641) Efron, 0.8244 Breslow;
    # PALMIRA reported 0.8 (0.6–1.1). rel 1e-6
    assert efron.hr == pytest.approx(0.824848657367915, rel=1e-6)
    assert (efron.lower, efron.upper) == pytest.approx(
        (0.584480649123134, 1.16406814936027), rel=1e-6
    )
    assert breslow.hr == pytest.approx(0.82440915184286, rel=1e-6)
    # Ties are present (times rounded to 0.01 month), so the methods differ: > 1e-5
    assert abs(efron.hr - breslow.hr) > 1e-5


def test_cox_relabelling_inverts_hr(ref):
    data = dataset(ref, "lung")
    female = cox(data["time"], data["event"], data["treat"])
    male = cox(data["time"], data["event"], 1 - data["treat"])
    bools = cox(data["time"], data["event"], data["treat"].astype(bool))
    # Swapping treatment and control inverts HR and CI, same se and p; rel 1e-6
    assert male.hr == pytest.approx(1 / female.hr, rel=1e-6)
    assert male.lower == pytest.approx(1 / female.upper, rel=1e-6)
    assert male.se == pytest.approx(female.se, rel=1e-6)
    assert male.p == pytest.approx(female.p, rel=1e-6)
    assert bools.hr == female.hr


def test_cox_higher_level_gives_wider_ci(ref):
    data = dataset(ref, "aml")
    narrow = cox(data["time"], data["event"], data["treat"], level=0.8)
    wide = cox(data["time"], data["event"], data["treat"], level=0.99)
    assert wide.lower < narrow.lower < narrow.hr < narrow.upper < wide.upper
    # Same point estimate whatever the level, exact
    assert wide.hr == narrow.hr


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": [0, 1, 2, 1]}, "0/1"),
        ({"group": ["a", "b", "a", "b"]}, "0/1"),
        ({"group": [1, 1, 1, 1]}, "both"),
        ({"group": [0, 1, 0]}, "same length"),
        ({"group": [0, 1, 0, 1], "ties": "exact"}, "ties"),
        ({"group": [0, 1, 0, 1], "level": 1.5}, "level"),
        ({"group": [0, 1, 0, 1], "event": [0, 0, 0, 0]}, "event"),
    ],
)
def test_cox_rejects_bad_input(kwargs, message):
    args = {"time": [1, 2, 3, 4], "event": [1, 1, 0, 1], **kwargs}
    with pytest.raises(ValueError, match=message):
        cox(args.pop("time"), args.pop("event"), args.pop("group"), **args)


def test_cox_monotone_likelihood_raises():
    # No events among the treated: the MLE is −∞ (R warns "coefficient may be infinite")
    time = [1, 2, 3, 4, 5, 6, 7, 8]
    with pytest.raises(ValueError, match="not estimable"):
        cox(time, [1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1])


# ---- RMST vs survmean -----------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_rmst_matches_survmean(ref, name):
    data = dataset(ref, name)
    for case in km_cases(ref, name, "log", 0.95):
        time, event = arm(data, case["arm"])
        for r in case["rmean"]:
            got = rmst(time, event, tau=r["tau"])
            assert isinstance(got, RmstResult)
            # summary(fit, rmean = tau)$table rmean and se(rmean), rel 1e-11
            assert got.rmst == pytest.approx(r["rmean"], rel=1e-11)
            assert got.se == pytest.approx(r["se"], rel=1e-11)
            # Normal CI rmst ± 1.959964 se (survRM2's), rel 1e-12
            assert got.lower == pytest.approx(r["rmean"] - 1.959963984540054 * r["se"], rel=1e-11)
            assert got.upper == pytest.approx(r["rmean"] + 1.959963984540054 * r["se"], rel=1e-11)
            assert (got.tau, got.level) == (r["tau"], 0.95)


@pytest.mark.parametrize("name", DATASETS)
def test_rmst_difference_matches_survmean_arms(ref, name):
    data = dataset(ref, name)
    cases = {c["arm"]: c for c in km_cases(ref, name, "log", 0.95)}
    treated, control = cases[TREATMENT_ARM[name]], cases[CONTROL_ARM[name]]
    for r1, r0 in zip(treated["rmean"], control["rmean"], strict=True):
        tau = r1["tau"]
        got = rmst_difference(data["time"], data["event"], data["treat"], tau=tau, level=0.9)
        assert isinstance(got, RmstDifferenceResult)
        # Difference of the arms' survmean rmean, se = sqrt(se1² + se0²), rel 1e-10
        se = math.hypot(r1["se"], r0["se"])
        assert got.rmst_treatment == pytest.approx(r1["rmean"], rel=1e-11)
        assert got.rmst_control == pytest.approx(r0["rmean"], rel=1e-11)
        assert got.difference == pytest.approx(r1["rmean"] - r0["rmean"], rel=1e-10)
        assert got.se == pytest.approx(se, rel=1e-10)
        # 90% normal CI, z = 1.644854, rel 1e-10
        assert got.lower == pytest.approx(
            r1["rmean"] - r0["rmean"] - 1.6448536269514722 * se, rel=1e-10
        )
        assert (got.tau, got.level) == (tau, 0.9)


def test_rmst_beyond_last_time_is_refused_where_r_extends_flat(ref):
    # Documented difference: R's survmean extends the curve flat beyond the last time.
    for case in ref["rmean_beyond_last_time"]:
        time, event, tau = case["time"], case["event"], case["tau"]
        last = max(time)
        with pytest.raises(ValueError, match="largest observed time"):
            rmst(time, event, tau=tau)
        # R's value = our RMST at the last time + S(last) × (tau − last), rel 1e-12
        at_last = rmst(time, event, tau=last).rmst
        flat = kaplan_meier(time, event).survival[-1] * (tau - last)
        assert at_last + flat == pytest.approx(case["rmean"], rel=1e-12)


def test_rmst_difference_tau_limited_by_shorter_arm(ref):
    data = dataset(ref, "aml")
    # Non-maintained arm ends at 45 weeks; the maintained one at 161
    rmst_difference(data["time"], data["event"], data["treat"], tau=45)
    with pytest.raises(ValueError, match="in each arm"):
        rmst_difference(data["time"], data["event"], data["treat"], tau=46)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=50.0), min_size=1, max_size=40),
    st.floats(min_value=0.01, max_value=1.0),
)
def test_rmst_without_censoring_is_mean_of_truncated_times(times, fraction):
    time = np.array(times)
    assume(time.max() >= 0.01)
    tau = fraction * time.max()
    got = rmst(time, np.ones(time.size, dtype=int), tau=tau)
    # Without censoring the KM area up to tau is mean(min(T, tau)), rel 1e-9
    assert got.rmst == pytest.approx(np.minimum(time, tau).mean(), rel=1e-9, abs=1e-12)
    assert 0 <= got.rmst <= tau + 1e-12
    assert got.lower <= got.rmst <= got.upper


def test_rmst_difference_antisymmetric(ref):
    data = dataset(ref, "palmira")
    a = rmst_difference(data["time"], data["event"], data["treat"], tau=12)
    b = rmst_difference(data["time"], data["event"], 1 - data["treat"], tau=12)
    # Swapping arms negates the difference, same se, rel 1e-14
    assert b.difference == pytest.approx(-a.difference, rel=1e-14)
    assert b.se == pytest.approx(a.se, rel=1e-14)


@pytest.mark.parametrize(
    ("tau", "level", "message"),
    [
        (0.0, 0.95, "tau"),
        (-1.0, 0.95, "tau"),
        (math.nan, 0.95, "tau"),
        (5.0, 0.95, "tau"),
        (2.0, 1.0, "level"),
    ],
)
def test_rmst_rejects_bad_input(tau, level, message):
    with pytest.raises(ValueError, match=message):
        rmst([1, 2, 3, 4], [1, 0, 1, 1], tau=tau, level=level)


def test_reexports_reconstruct_ipd():
    assert "reconstruct_ipd" in sv.__all__
    assert "ReconstructedIpd" in sv.__all__
    assert callable(sv.reconstruct_ipd)
