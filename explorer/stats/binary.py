"""Binary outcomes: proportion intervals, two-arm comparisons, counts behind percentages.

Abstracts report response and adverse-event rates as rounded percentages
("ORR 6.4% vs 2.3%"). This module gives the interval of one proportion, the
usual two-arm effect measures with their intervals and tests, and the integer
counts that a rounded percentage can stand for.

Tables are oriented as in R's ``matrix(c(k1, n1 - k1, k2, n2 - k2), 2, byrow = TRUE)``:
row 1 is group 1 (treatment) events / non-events, row 2 is group 2 (control).
Every function is checked against base R (``prop.test``, ``binom.test``,
``fisher.test``, ``chisq.test``) and metafor in ``tests/reference/binary.R``.

References
----------
.. [1] Wilson EB. Probable inference, the law of succession, and statistical
   inference. J Am Stat Assoc 1927;22:209-212.
.. [2] Clopper CJ, Pearson ES. The use of confidence or fiducial limits
   illustrated in the case of the binomial. Biometrika 1934;26:404-413.
.. [3] Newcombe RG. Interval estimation for the difference between independent
   proportions: comparison of eleven methods. Stat Med 1998;17:873-890.
.. [4] Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for
   the risk ratio in cohort studies. Biometrics 1978;34:469-474.
.. [5] Fisher RA. On the interpretation of chi-square from contingency tables,
   and the calculation of P. J R Stat Soc 1922;85:87-94; Cornfield J. A
   statistical problem arising from retrospective studies. Proc Third Berkeley
   Symp 1956;4:135-148 (exact conditional interval).
.. [6] Altman DG. Confidence intervals for the number needed to treat.
   BMJ 1998;317:1309-1312.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from scipy import stats as _sp
from scipy.stats.contingency import odds_ratio as _odds_ratio
from statsmodels.stats.proportion import proportion_confint

from explorer.stats._results import Result, result

__all__ = [
    "CompareResult",
    "ProportionResult",
    "compare",
    "proportion_ci",
    "reconstruct_counts",
]

# statsmodels' names for the two interval methods we expose.
_CI_METHODS = {"wilson": "wilson", "clopper-pearson": "beta"}
# R's fisher.test counts tables with probability <= p_obs * (1 + 1e-7) as "as extreme".
_FISHER_REL_ERR = 1.0 + 1e-7
_MAX_DECIMALS = 6


@result
class ProportionResult(Result):
    """A proportion with its confidence interval.

    Attributes
    ----------
    estimate : float
        k / n.
    lower, upper : float
        Confidence limits, within [0, 1].
    level : float
        Confidence level, e.g. 0.95.
    method : str
        "wilson" or "clopper-pearson".
    """

    estimate: float
    lower: float
    upper: float
    level: float
    method: str


@result
class CompareResult(Result):
    """Two-arm comparison of a binary outcome, group 1 (treatment) vs group 2 (control).

    Attributes
    ----------
    risk1, risk2 : float
        k1 / n1 and k2 / n2.
    rd, rd_lower, rd_upper : float
        Risk difference risk1 − risk2 and its Newcombe hybrid score interval.
    rr, rr_lower, rr_upper : float
        Risk ratio risk1 / risk2 and its log-scale (Katz) interval; taken from the
        table with 0.5 added to every cell when any cell is zero (see ``rr_corrected``).
    rr_corrected : bool
        True when the 0.5 correction was applied to the risk ratio.
    odds_ratio, or_lower, or_upper : float
        Conditional maximum-likelihood odds ratio and its exact (Cornfield) interval,
        as R ``fisher.test``; 0 or inf when a cell is zero, nan when a column is empty.
    fisher_p : float
        Two-sided Fisher exact test p (R's ``fisher.test`` rule).
    chi2_p : float
        Pearson chi-square p, no continuity correction (nan when a column is empty).
    nnt : float
        1 / rd, signed: positive when risk1 > risk2, infinite when rd = 0.
    nnt_lower, nnt_upper : float
        Reciprocals of the RD limits, ordered so that nnt_lower < nnt_upper.
    nnt_through_infinity : bool
        True when the RD interval includes 0. Then the NNT interval is not
        [nnt_lower, nnt_upper] but runs through infinity: (−inf, nnt_lower] ∪
        [nnt_upper, +inf) (Altman 1998).
    level : float
        Confidence level of every interval.
    """

    risk1: float
    risk2: float
    rd: float
    rd_lower: float
    rd_upper: float
    rr: float
    rr_lower: float
    rr_upper: float
    rr_corrected: bool
    odds_ratio: float
    or_lower: float
    or_upper: float
    fisher_p: float
    chi2_p: float
    nnt: float
    nnt_lower: float
    nnt_upper: float
    nnt_through_infinity: bool
    level: float


def _count(value: object, name: str) -> int:
    """Return value as int if it is a whole number, else raise ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and float(value).is_integer():
        return int(value)
    raise ValueError(f"{name} must be a whole number, got {value!r}")


def _check_level(level: float) -> float:
    if not isinstance(level, Real) or not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return float(level)


def _check_counts(k: object, n: object, suffix: str = "") -> tuple[int, int]:
    k_int, n_int = _count(k, f"k{suffix}"), _count(n, f"n{suffix}")
    if n_int < 1:
        raise ValueError(f"n{suffix} must be >= 1, got {n_int}")
    if not 0 <= k_int <= n_int:
        raise ValueError(f"k{suffix} must be between 0 and n{suffix}={n_int}, got {k_int}")
    return k_int, n_int


def _interval(k: int, n: int, level: float, method: str) -> tuple[float, float]:
    lower, upper = proportion_confint(k, n, alpha=1.0 - level, method=_CI_METHODS[method])
    # The limits are exactly 0 at k = 0 and 1 at k = n; remove float noise (1 - 1e-16).
    lower = 0.0 if k == 0 else float(lower)
    upper = 1.0 if k == n else float(upper)
    return lower, upper


def proportion_ci(
    k: int, n: int, *, level: float = 0.95, method: str = "wilson"
) -> ProportionResult:
    """Confidence interval for a single proportion k / n.

    Parameters
    ----------
    k : int
        Number of events, 0 <= k <= n.
    n : int
        Number of patients, n >= 1.
    level : float, default 0.95
        Confidence level, in (0, 1).
    method : {"wilson", "clopper-pearson"}, default "wilson"
        "wilson": score interval without continuity correction [1]_, good coverage
        at the small counts of response rates. "clopper-pearson": exact interval
        from the binomial tails [2]_, conservative.

    Returns
    -------
    ProportionResult
        ``estimate, lower, upper, level, method``.

    Raises
    ------
    ValueError
        If k or n are not whole numbers, n < 1, k outside [0, n], level outside
        (0, 1) or the method is unknown.

    Notes
    -----
    Wilson: with p = k/n and z the (1 + level)/2 normal quantile,

    .. math:: \\frac{p + z^2/(2n) \\pm z\\sqrt{p(1-p)/n + z^2/(4n^2)}}{1 + z^2/n},

    equal to R ``prop.test(k, n, correct = FALSE)$conf.int``. Clopper-Pearson:
    the limits are Beta((1 − level)/2; k, n − k + 1) and Beta((1 + level)/2;
    k + 1, n − k), equal to R ``binom.test(k, n)$conf.int``. Both are computed by
    ``statsmodels.stats.proportion.proportion_confint``; the limits at k = 0 and
    k = n are set to exactly 0 and 1. No deliberate difference from R; k = 0 and k = n
    (also with n = 1) give R's intervals, and n = 0 raises ``ValueError`` (R's
    ``binom.test`` also refuses it).

    Examples
    --------
    PALMIRA objective response, palbociclib + ET arm, 6 of 94 patients:

    >>> r = proportion_ci(6, 94)
    >>> round(r.estimate, 4), round(r.lower, 4), round(r.upper, 4)
    (0.0638, 0.0296, 0.1323)
    >>> r = proportion_ci(6, 94, method="clopper-pearson")
    >>> round(r.lower, 4), round(r.upper, 4)
    (0.0238, 0.1338)
    """
    k, n = _check_counts(k, n)
    level = _check_level(level)
    if method not in _CI_METHODS:
        raise ValueError(f"method must be one of {sorted(_CI_METHODS)}, got {method!r}")
    lower, upper = _interval(k, n, level, method)
    return ProportionResult(estimate=k / n, lower=lower, upper=upper, level=level, method=method)


def _fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p, with R's rule for ties (relative error 1e-7)."""
    events = k1 + k2
    lo, hi = max(0, events - n2), min(events, n1)
    support = np.arange(lo, hi + 1)
    log_d = _sp.hypergeom.logpmf(support, n1 + n2, events, n1)
    d = np.exp(log_d - log_d.max())
    d /= d.sum()
    p = d[d <= d[k1 - lo] * _FISHER_REL_ERR].sum()
    return float(min(1.0, p))


def _chi2_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Pearson chi-square p for the 2x2 table, no continuity correction."""
    events, total = k1 + k2, n1 + n2
    if events in (0, total):
        return math.nan  # empty column: the statistic is 0/0, as R's NaN
    cross = k1 * (n2 - k2) - k2 * (n1 - k1)
    statistic = total * cross**2 / (n1 * n2 * events * (total - events))
    return float(_sp.chi2.sf(statistic, 1))


def _risk_ratio(k1: int, n1: int, k2: int, n2: int, z: float) -> tuple[float, float, float, bool]:
    """Katz log interval for risk1 / risk2, 0.5 added to every cell if any is zero."""
    corrected = 0 in (k1, n1 - k1, k2, n2 - k2)
    add = 0.5 if corrected else 0.0
    a, c = k1 + add, k2 + add
    m1, m2 = n1 + 2 * add, n2 + 2 * add
    log_rr = math.log((a / m1) / (c / m2))
    se = math.sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2)
    return math.exp(log_rr), math.exp(log_rr - z * se), math.exp(log_rr + z * se), corrected


def _reciprocal(x: float, sign_of_zero: float) -> float:
    return sign_of_zero * math.inf if x == 0 else 1.0 / x


def compare(k1: int, n1: int, k2: int, n2: int, *, level: float = 0.95) -> CompareResult:
    """Compare a binary outcome between two arms: RD, RR, OR, NNT, Fisher and chi-square.

    Parameters
    ----------
    k1, n1 : int
        Events and patients in group 1 (treatment).
    k2, n2 : int
        Events and patients in group 2 (control).
    level : float, default 0.95
        Confidence level of every interval, in (0, 1).

    Returns
    -------
    CompareResult
        ``risk1, risk2, rd, rd_lower, rd_upper, rr, rr_lower, rr_upper, rr_corrected,
        odds_ratio, or_lower, or_upper, fisher_p, chi2_p, nnt, nnt_lower, nnt_upper,
        nnt_through_infinity, level``.

    Raises
    ------
    ValueError
        If a count is not a whole number, n1 or n2 < 1, a k outside [0, n], or
        level outside (0, 1).

    Notes
    -----
    With p1 = k1/n1, p2 = k2/n2, z the (1 + level)/2 normal quantile and
    (l_i, u_i) the Wilson limits of each arm (:func:`proportion_ci`):

    * **Risk difference** rd = p1 − p2 with Newcombe's hybrid score interval
      (method 10 of [3]_): rd − sqrt((p1 − l1)² + (u2 − p2)²) to
      rd + sqrt((u1 − p1)² + (p2 − l2)²). Base R has no function for it; the
      reference computes the formula from ``prop.test(correct = FALSE)`` limits.
    * **Risk ratio** rr = p1 / p2 with the Katz log interval [4]_:
      exp(log rr ± z·sqrt(1/a − 1/n1 + 1/c − 1/n2)), a = k1, c = k2. When any of
      the four cells is zero, 0.5 is added to every cell (a, n1 − a, c, n2 − c),
      and the estimate is taken from the same corrected table so that it lies in
      its interval; ``rr_corrected`` is then True. This is metafor's
      ``escalc(measure = "RR")`` default (``add = 1/2, to = "only0"``).
    * **Odds ratio**: conditional maximum-likelihood estimate and exact
      conditional interval [5]_ from ``scipy.stats.contingency.odds_ratio(kind =
      "conditional")``, the quantities of R ``fisher.test``. Deliberate
      differences: (i) R solves for t = OR, or t = 1/OR above 1, in [0, 1] with
      ``uniroot``'s default absolute tolerance (about 1.2e-4), so its values are
      accurate to only 3–4 significant digits, and a limit near 700 can be off by
      1%; ours are solved to 1e-13 (brentq) and agree with R's own algorithm
      solved tightly; (ii) when a column is empty (no events, or all events, in
      both arms) the conditional likelihood is flat: we return nan for the
      estimate where R returns 0, with the same interval (0, inf).
    * **fisher_p**: two-sided, summing the tables whose hypergeometric probability
      is at most that of the observed one times 1 + 1e-7, exactly R's rule.
    * **chi2_p**: Pearson N(ad − bc)² / (n1·n2·m1·m2) on 1 df, no continuity
      correction, as ``chisq.test(correct = FALSE)`` and ``prop.test(correct =
      FALSE)``; nan when a column is empty (R also returns NaN, with a warning).
    * **Number needed to treat** nnt = 1 / rd, signed: positive when risk1 >
      risk2, infinite when rd = 0. For a desirable outcome (response) a positive
      value is the number needed to treat for one extra patient to benefit
      (NNTB); for an adverse outcome (grade 3–4 toxicity) a positive value is the
      number needed to treat for one extra patient to be harmed (NNTH). Negative
      values mean the reverse, in |nnt| patients. Interval, after Altman [6]_:
      when the RD interval excludes 0, [nnt_lower, nnt_upper] = [1/rd_upper,
      1/rd_lower] is an ordinary interval of one sign. When it includes 0
      (``nnt_through_infinity``), nnt_lower = 1/rd_lower ≤ 0 and nnt_upper =
      1/rd_upper ≥ 0, and the NNT interval is the two rays (−inf, nnt_lower] and
      [nnt_upper, +inf), joined through infinity: read it as "from |nnt_lower| in
      one direction, through infinity (no difference), to nnt_upper in the other";
      the numbers between them are *excluded*. A limit of exactly 0 gives an
      infinite NNT limit.

    Edge cases (tabulated against R in ``docs/edge-cases.md``): with no events in either
    arm, or events in every patient of both, rd is 0 with its Newcombe interval, rr is 1
    from the corrected table (the raw 0/0 is NaN in R; metafor's ``escalc`` gives 1 too),
    ``odds_ratio`` is nan (not estimable: R prints 0) with the interval (0, inf),
    ``fisher_p`` is 1, ``chi2_p`` nan (R: NaN) and ``nnt`` infinite. Zero events in one
    arm give an odds ratio of 0 or inf (as R) and a corrected, finite rr. An arm with
    n = 0 raises ``ValueError``: it has no proportion.

    Examples
    --------
    Grade 3–4 adverse events in PALMIRA, 61 of 135 vs 5 of 60 (45.2% vs 8.3%):

    >>> r = compare(61, 135, 5, 60)
    >>> round(r.rd, 3), round(r.rd_lower, 3), round(r.rd_upper, 3)
    (0.369, 0.242, 0.465)
    >>> round(r.nnt, 1), round(r.nnt_lower, 1), round(r.nnt_upper, 1), r.nnt_through_infinity
    (2.7, 2.2, 4.1, False)

    One extra patient with a grade 3–4 event for about every 3 treated (NNTH 2.2 to 4.1).

    Objective response 6 of 94 vs 1 of 44: the RD interval includes 0, so the NNT
    interval runs through infinity, from NNTH 16.6 (response less likely on
    treatment) through infinity to NNTB 8.9:

    >>> r = compare(6, 94, 1, 44)
    >>> round(r.nnt, 1), round(r.nnt_lower, 1), round(r.nnt_upper, 1), r.nnt_through_infinity
    (24.3, -16.6, 8.9, True)
    >>> round(r.odds_ratio, 2), round(r.fisher_p, 3)
    (2.91, 0.43)
    """
    k1, n1 = _check_counts(k1, n1, "1")
    k2, n2 = _check_counts(k2, n2, "2")
    level = _check_level(level)
    z = float(_sp.norm.ppf(0.5 + level / 2))

    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = _interval(k1, n1, level, "wilson")
    l2, u2 = _interval(k2, n2, level, "wilson")
    rd = p1 - p2
    rd_lower = rd - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    rd_upper = rd + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)

    rr, rr_lower, rr_upper, rr_corrected = _risk_ratio(k1, n1, k2, n2, z)

    table = [[k1, n1 - k1], [k2, n2 - k2]]
    odds = _odds_ratio(table, kind="conditional")
    or_ci = odds.confidence_interval(confidence_level=level)

    through_infinity = rd_lower <= 0.0 <= rd_upper
    if through_infinity:
        nnt_lower, nnt_upper = _reciprocal(rd_lower, -1.0), _reciprocal(rd_upper, 1.0)
    else:
        nnt_lower, nnt_upper = 1.0 / rd_upper, 1.0 / rd_lower

    return CompareResult(
        risk1=p1,
        risk2=p2,
        rd=rd,
        rd_lower=rd_lower,
        rd_upper=rd_upper,
        rr=rr,
        rr_lower=rr_lower,
        rr_upper=rr_upper,
        rr_corrected=rr_corrected,
        odds_ratio=float(odds.statistic),
        or_lower=float(or_ci.low),
        or_upper=float(or_ci.high),
        fisher_p=_fisher_p(k1, n1, k2, n2),
        chi2_p=_chi2_p(k1, n1, k2, n2),
        nnt=_reciprocal(rd, 1.0),
        nnt_lower=nnt_lower,
        nnt_upper=nnt_upper,
        nnt_through_infinity=through_infinity,
        level=level,
    )


def reconstruct_counts(
    percent: float, *, decimals: int, n_min: int, n_max: int
) -> list[tuple[int, int]]:
    """Every count k / n whose percentage, rounded to ``decimals`` places, is ``percent``.

    Used to recover the integer counts behind the rounded percentages of an
    abstract; intersecting the candidates of two arms with a known total
    narrows them down (PALMIRA's "ORR 6.4% vs 2.3%" in 138 patients).

    Parameters
    ----------
    percent : float
        The printed percentage, in [0, 100], e.g. 6.4.
    decimals : int
        Decimal places it was printed with, 0 to 6.
    n_min, n_max : int
        Range of denominators to search, 1 <= n_min <= n_max.

    Returns
    -------
    list of tuple of (int, int)
        Every (k, n) with n_min <= n <= n_max and 0 <= k <= n, sorted by n then k.

    Raises
    ------
    ValueError
        If percent is outside [0, 100] or has more decimal places than
        ``decimals``, if decimals is outside 0..6, or if the n range is invalid.

    Notes
    -----
    A pair is kept when |100·k/n − percent| <= 0.5·10^−decimals, so both
    round-half-up and round-half-even are accepted at an exact tie (1/8 = 12.5%
    is kept for "12%" and for "13%"). The test is done in exact integer
    arithmetic, |2·100·10^d·k − 2·P·n| <= n with P = percent·10^d, rather than
    in floating point with a small tolerance, so no tie is lost to rounding
    error. For each n the admissible k form one contiguous range, found with
    integer floor division over all n at once (numpy).

    Examples
    --------
    The counts behind PALMIRA's objective response rates among 138 patients with
    measurable disease (94 + 44):

    >>> (6, 94) in reconstruct_counts(6.4, decimals=1, n_min=30, n_max=138)
    True
    >>> [c for c in reconstruct_counts(2.3, decimals=1, n_min=30, n_max=138) if c[1] == 44]
    [(1, 44)]
    >>> reconstruct_counts(12, decimals=0, n_min=8, n_max=8)
    [(1, 8)]
    """
    d = _count(decimals, "decimals")
    if not 0 <= d <= _MAX_DECIMALS:
        raise ValueError(f"decimals must be between 0 and {_MAX_DECIMALS}, got {d}")
    lo_n, hi_n = _count(n_min, "n_min"), _count(n_max, "n_max")
    if lo_n < 1 or hi_n < lo_n:
        raise ValueError(f"need 1 <= n_min <= n_max, got n_min={lo_n}, n_max={hi_n}")
    if not isinstance(percent, Real) or not 0.0 <= float(percent) <= 100.0:
        raise ValueError(f"percent must be between 0 and 100, got {percent!r}")
    scale = 10**d
    scaled = round(float(percent) * scale)
    if abs(float(percent) * scale - scaled) > 1e-6:
        raise ValueError(f"percent {percent!r} has more than decimals={d} decimal places")

    n = np.arange(lo_n, hi_n + 1, dtype=np.int64)
    denominator = 200 * scale
    # 2·100·10^d·k within [(2P − 1)·n, (2P + 1)·n]; ceil(a/b) = −((−a)//b).
    k_lo = np.maximum(-((-(2 * scaled - 1) * n) // denominator), 0)
    k_hi = np.minimum(((2 * scaled + 1) * n) // denominator, n)
    width = np.maximum(k_hi - k_lo + 1, 0)
    n_out = np.repeat(n, width)
    starts = np.repeat(k_lo, width)
    offsets = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    k_out = starts + offsets
    return list(zip(k_out.tolist(), n_out.tolist(), strict=True))
