"""explorer.stats.meta.pool against R metafor (tests/reference/meta.R) and statsmodels."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.stats import norm

from explorer.stats.effects import from_ci
from explorer.stats.meta import METHODS, PoolResult, pool

DATASETS = ("bcg", "cdk46", "cdk46_level90", "k2", "homogeneous", "oscillating")
TESTS = ("z", "knha")
CASES = [f"{d}_{m}_{t}" for d, m, t in itertools.product(DATASETS, METHODS, TESTS)]
# metafor's default REML fails on "oscillating" (see test_reml_converges_where_metafor_stops)
ITERATIVE_CASES = [
    f"{d}_{m}_{t}"
    for d, m, t in itertools.product(DATASETS, ("REML", "PM"), TESTS)
    if not (d == "oscillating" and m == "REML")
]

# made-up CDK4/6-like hazard ratios (testing only), PALMIRA's 0.8 (0.6–1.1) last
CDK = ([0.58, 0.55, 0.54, 0.80], [0.46, 0.44, 0.44, 0.60], [0.72, 0.69, 0.67, 1.10])

ratio = st.floats(min_value=0.2, max_value=5.0)
se_log = st.floats(min_value=0.03, max_value=0.8)
studies = st.lists(st.tuples(ratio, se_log), min_size=2, max_size=8)


@pytest.fixture
def ref(r_reference):
    return r_reference("meta")


def _run(ref, fit):
    d = ref["datasets"][fit["dataset"]]
    return pool(
        d["estimates"],
        d["lowers"],
        d["uppers"],
        level=d["level"],
        method=fit["method"],
        hartung_knapp=fit["hartung_knapp"],
    )


def _cis(pairs, level=0.95):
    """Ratio CIs built as est·exp(±z·se) from (estimate, se_log) pairs."""
    crit = norm.ppf(0.5 + level / 2)
    est = [e for e, _ in pairs]
    return (
        est,
        [e * math.exp(-crit * s) for e, s in pairs],
        [e * math.exp(crit * s) for e, s in pairs],
    )


# --- against metafor ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_pool_matches_metafor(ref, case):
    fit = ref["fits"][case]
    got = _run(ref, fit)
    assert isinstance(got, PoolResult)
    assert (got.method, got.hartung_knapp, got.k) == (
        fit["method"],
        fit["hartung_knapp"],
        fit["k"],
    )
    # rma(yi, sei, method, test) + predict(transf=exp), metafor 3.8-1 with tight control
    # (threshold = tol = 1e-12): rel 1e-6 for every method (the brief's floor is 1e-6 for
    # FE/DL and 1e-4 for REML/PM; tight control lets the iterative ones meet 1e-6 too)
    for ours, theirs in [
        ("estimate", "estimate"),
        ("lower", "lower"),
        ("upper", "upper"),
        ("se", "se"),
        ("p", "pval"),
        ("q", "q"),
        ("q_p", "q_p"),
        ("i2", "i2"),
    ]:
        assert getattr(got, ours) == pytest.approx(fit[theirs], rel=1e-6, abs=1e-9), ours
    # tau2: rel 1e-6; abs 1e-10 where metafor's tau2 is 0 (Fisher scoring ends ~1e-12 above)
    assert got.tau2 == pytest.approx(fit["tau2"], rel=1e-6, abs=1e-10)
    # weights(res): percent, rel 1e-6
    assert got.weights == pytest.approx(fit["weights"], rel=1e-6)
    assert math.log(got.estimate) == pytest.approx(fit["b"], rel=1e-6, abs=1e-12)
    if fit["pred_lower"] is None:
        # metafor's predict() gives no PI for FE models; ours is the CI (documented)
        assert fit["method"] == "FE"
        assert (got.pred_lower, got.pred_upper) == (got.lower, got.upper)
    else:
        # predict(res)$pi.lb/pi.ub: z-based, or t(k−1) with knha; rel 1e-6
        assert got.pred_lower == pytest.approx(fit["pred_lower"], rel=1e-6)
        assert got.pred_upper == pytest.approx(fit["pred_upper"], rel=1e-6)


@pytest.mark.parametrize("case", ITERATIVE_CASES)
def test_pool_iterative_methods_match_metafor_defaults(ref, case):
    fit = ref["fits"][f"{case}_default"]
    got = _run(ref, fit)
    # metafor with its default control (REML: change < 1e-5; PM: uniroot tol 1.2e-4 in
    # tau2) is less converged than we are: pooled ratio, CI and PI rel 1e-4, tau2 abs 1.3e-4
    for field in ("estimate", "lower", "upper"):
        assert getattr(got, field) == pytest.approx(fit[field], rel=1e-4), field
    if fit["pred_lower"] is not None:
        # the PI moves by ≈ c·Δtau2 / (2·sqrt(var + tau2)) on the log scale: with Δtau2 up
        # to 1.2e-4 and sqrt(var + tau2) ≈ 0.07 that is ~2e-3, so rel 3e-3 here
        assert got.pred_lower == pytest.approx(fit["pred_lower"], rel=3e-3)
        assert got.pred_upper == pytest.approx(fit["pred_upper"], rel=3e-3)
    assert got.tau2 == pytest.approx(fit["tau2"], abs=1.3e-4)


def test_pool_bcg_textbook_values(ref):
    d = ref["datasets"]["bcg"]
    got = pool(d["estimates"], d["lowers"], d["uppers"], method="REML")
    # BCG trials, REML (metafor documentation: tau² = 0.3132, I² = 92.22%, Q = 152.23,
    # pooled log RR −0.7145 → RR 0.489 (0.344–0.696)), abs at the printed precision
    assert got.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert got.i2 == pytest.approx(92.22, abs=5e-3)
    assert got.q == pytest.approx(152.23, abs=5e-3)
    assert math.log(got.estimate) == pytest.approx(-0.7145, abs=5e-5)
    assert (round(got.lower, 3), round(got.upper, 3)) == (0.344, 0.696)


def test_reml_converges_where_metafor_stops(ref):
    # metafor's Fisher scoring oscillates on this data and rma() stops with an error; its
    # suggested remedy control=list(stepadj=0.5) converges, and so do we (documented)
    assert ref["reml_default_converges"]["oscillating"] is False
    fit = ref["fits"]["oscillating_REML_z"]
    got = _run(ref, fit)
    # REML tau² vs rma(..., control=list(stepadj=0.5, threshold=1e-12)), rel 1e-6
    assert got.tau2 == pytest.approx(fit["tau2"], rel=1e-6)
    assert got.tau2 == pytest.approx(0.02078, abs=5e-6)


def test_pool_homogeneous_trials_have_zero_tau2_and_i2(ref):
    d = ref["datasets"]["homogeneous"]
    for method in METHODS:
        got = pool(d["estimates"], d["lowers"], d["uppers"], method=method)
        # Q = 0.061 < k − 1 = 3: tau² truncated at 0 (metafor: 0), abs 1e-12
        assert got.tau2 == pytest.approx(0.0, abs=1e-12)
        assert got.i2 == pytest.approx(0.0, abs=1e-9)
        # with tau² = 0 every method is the FE analysis and the PI is the CI, rel 1e-12
        assert (got.pred_lower, got.pred_upper) == pytest.approx((got.lower, got.upper), rel=1e-12)
    knha = pool(d["estimates"], d["lowers"], d["uppers"], method="DL", hartung_knapp=True)
    z = pool(d["estimates"], d["lowers"], d["uppers"], method="DL")
    # metafor "knha" keeps s² < 1 (s² = 0.0204 here): narrower than the z CI, as in R
    assert knha.upper / knha.lower < z.upper / z.lower


# --- against statsmodels' stored metafor values (Kacker 2004) ---------------------------

# statsmodels/stats/tests/results/results_meta.py (statsmodels 0.15): metafor on the
# Kacker (2004) data, natural scale; given to pool() as exp(y) with 95% CIs exp(y ± z√v).
KACKER_Y = [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9]
KACKER_V = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]
KACKER = {  # rma(y, v, method=, test=, control=list(tol=1e-9)): b, se, tau2, I2
    ("FE", False): (62.5833970939982, 0.107845705498231, 0.0, 67.744403741711),
    ("FE", True): (62.5833970939982, 0.189889223522271, 0.0, 67.744403741711),
    ("DL", False): (62.3901386044504, 0.245749668040304, 0.288049246973751, 67.744403741711),
    ("DL", True): (62.3901386044504, 0.29477605699879, 0.288049246973751, 67.744403741711),
    ("PM", False): (62.4076199113286, 0.338030602684471, 0.705395309224248, 83.7218626490482),
}


@pytest.mark.parametrize(("method", "knha"), list(KACKER))
def test_pool_matches_statsmodels_stored_metafor(method, knha):
    y, v = np.array(KACKER_Y), np.array(KACKER_V)
    crit = norm.ppf(0.975)
    got = pool(
        np.exp(y), np.exp(y - crit * np.sqrt(v)), np.exp(y + crit * np.sqrt(v)),
        method=method, hartung_knapp=knha,
    )  # fmt: skip
    b, se, tau2, i2 = KACKER[(method, knha)]
    # statsmodels' stored metafor output; PM there used tol 1e-9, so rel 1e-6 throughout
    assert math.log(got.estimate) == pytest.approx(b, rel=1e-9)
    assert got.se == pytest.approx(se, rel=1e-6)
    assert got.tau2 == pytest.approx(tau2, rel=1e-6, abs=1e-12)
    assert got.i2 == pytest.approx(i2, rel=1e-6)
    # Q = 24.8019 for all fits, rel 1e-6
    assert got.q == pytest.approx(24.801897741835, rel=1e-6)


def test_pm_is_the_root_of_the_generalised_q():
    got = pool(*CDK, method="PM")
    y = np.log(CDK[0])
    v = ((np.log(CDK[2]) - np.log(CDK[1])) / (2 * norm.ppf(0.975))) ** 2

    def q_minus_df(t):
        w = 1 / (v + t)
        return float(w @ (y - (w @ y) / w.sum()) ** 2) - (len(y) - 1)

    # Paule–Mandel: Q(tau²) = k − 1 (definition, brentq to 1e-15), rel 1e-9
    root = optimize.brentq(q_minus_df, 0.0, 10.0, xtol=1e-15)
    assert got.tau2 == pytest.approx(root, rel=1e-9)


# --- behaviour and validation -------------------------------------------------------------


def test_pool_fields_are_plain_python():
    got = pool(*CDK)
    d = got.to_dict()
    assert isinstance(d["weights"], tuple) and len(d["weights"]) == 4
    assert all(type(x) is float for x in d["weights"])
    for name in ("estimate", "lower", "upper", "tau2", "i2", "q", "q_p", "se", "p"):
        assert type(d[name]) is float, name
    assert type(d["k"]) is int


def test_pool_palmira_numbers_are_consistent_with_from_ci():
    # pooling one study with itself: FE estimate and se are those of from_ci / √2, rel 1e-12
    one = from_ci(0.8, 0.6, 1.1)
    got = pool([0.8, 0.8], [0.6, 0.6], [1.1, 1.1], method="FE")
    assert got.estimate == pytest.approx(0.8, rel=1e-12)
    assert got.se == pytest.approx(one.se / math.sqrt(2), rel=1e-12)
    assert got.q == pytest.approx(0.0, abs=1e-12)
    assert got.i2 == 0.0
    assert got.weights == pytest.approx((50.0, 50.0), rel=1e-12)


def test_pool_identical_studies_with_hartung_knapp_collapse_the_ci():
    # metafor sets s² = 0 when the residuals vanish: a zero-width CI at the common estimate
    got = pool([0.8, 0.8], [0.6, 0.6], [1.1, 1.1], method="DL", hartung_knapp=True)
    assert got.se == 0.0
    assert got.lower == got.upper == pytest.approx(0.8, rel=1e-12)
    assert got.p == 0.0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([0.8], [0.6], [1.1]), {}, "at least 2 studies"),
        (([0.8, 0.7], [0.6], [1.1, 0.9]), {}, "equal lengths"),
        (([0.8, 0.7], [0.6, 0.5], [1.1]), {}, "equal lengths"),
        (([0.8, 0.7], [0.6, 0.9], [1.1, 0.8]), {}, r"study 1: lower must be < upper"),
        (([0.8, 0.7], [0.6, 0.5], [1.1, 0.5]), {}, r"study 1: lower must be < upper"),
        (([0.8, 0.0], [0.6, 0.5], [1.1, 0.9]), {}, r"estimates\[1\] must be > 0"),
        (([0.8, 0.7], [-0.6, 0.5], [1.1, 0.9]), {}, r"lowers\[0\] must be > 0"),
        (([0.8, math.nan], [0.6, 0.5], [1.1, 0.9]), {}, "finite"),
        (([0.8, 0.7], [0.6, 0.5], [1.1, math.inf]), {}, "finite"),
        (([[0.8, 0.7]], [[0.6, 0.5]], [[1.1, 0.9]]), {}, "one-dimensional"),
        ((["a", "b"], [0.6, 0.5], [1.1, 0.9]), {}, "sequence of numbers"),
        ((*CDK,), {"method": "reml"}, "method must be one of"),
        ((*CDK,), {"method": "SJ"}, "method must be one of"),
        ((*CDK,), {"level": 95}, "level must be in"),
        ((*CDK,), {"level": 0.0}, "level must be in"),
    ],
)
def test_pool_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pool(*args, **kwargs)


# --- properties --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(pairs=studies, method=st.sampled_from(METHODS), knha=st.booleans())
def test_pool_invariants(pairs, method, knha):
    got = pool(*_cis(pairs), method=method, hartung_knapp=knha)
    assert got.lower <= got.estimate <= got.upper
    assert got.pred_lower <= got.lower and got.upper <= got.pred_upper
    assert got.tau2 >= 0.0 and 0.0 <= got.i2 < 100.0
    assert 0.0 <= got.q_p <= 1.0 and 0.0 <= got.p <= 1.0
    assert sum(got.weights) == pytest.approx(100.0, rel=1e-12)
    # the pooled estimate lies between the smallest and largest study estimate
    est = [e for e, _ in pairs]
    assert min(est) * (1 - 1e-12) <= got.estimate <= max(est) * (1 + 1e-12)
    if method == "FE":
        assert got.tau2 == 0.0


@settings(max_examples=40, deadline=None)
@given(pairs=studies, method=st.sampled_from(METHODS))
def test_pool_is_invariant_to_study_order_and_inverts_with_the_ratio(pairs, method):
    base = pool(*_cis(pairs), method=method)
    shuffled = pool(*_cis(pairs[::-1]), method=method)
    # order of studies does not matter, rel 1e-9
    assert shuffled.estimate == pytest.approx(base.estimate, rel=1e-9)
    assert shuffled.tau2 == pytest.approx(base.tau2, rel=1e-7, abs=1e-12)
    # swapping treatment and control (ratio → 1/ratio) inverts the pooled ratio, rel 1e-9
    inverted = pool(*_cis([(1 / e, s) for e, s in pairs]), method=method)
    assert inverted.estimate == pytest.approx(1 / base.estimate, rel=1e-9)
    assert inverted.lower == pytest.approx(1 / base.upper, rel=1e-9)
    assert inverted.tau2 == pytest.approx(base.tau2, rel=1e-7, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(pairs=studies, method=st.sampled_from(METHODS), low=st.floats(0.5, 0.99))
def test_pool_higher_level_gives_wider_ci(pairs, method, low):
    high = min(0.999, low + 0.05)
    # the same studies (same SEs) described at two levels
    a = pool(*_cis(pairs, low), level=low, method=method)
    b = pool(*_cis(pairs, high), level=high, method=method)
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9)
    assert b.lower < a.lower and b.upper > a.upper


@settings(max_examples=30, deadline=None)
@given(pairs=studies)
def test_random_effects_ci_is_at_least_as_wide_as_fixed(pairs):
    fe = pool(*_cis(pairs), method="FE")
    for method in ("DL", "REML", "PM"):
        re = pool(*_cis(pairs), method=method)
        # tau² ≥ 0 inflates every study's variance, so se(RE) ≥ se(FE) (rounding 1e-12)
        assert re.se >= fe.se * (1 - 1e-12)
