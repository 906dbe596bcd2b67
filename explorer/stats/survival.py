"""Time-to-event statistics: exponential helpers, Kaplan–Meier, log-rank, Cox and RMST.

Every function here reproduces R's ``survival`` package (Therneau, version 3.5) on the same
data, to floating-point or convergence accuracy: ``survfit`` for the Kaplan–Meier table,
its confidence limits and the median (``quantile.survfit``), ``survdiff`` for the log-rank
test, ``coxph`` for the hazard ratio and ``survmean`` (``print(fit, rmean = tau)``) for the
restricted mean survival time. Deliberate differences from R are listed in each Notes section
and checked in ``tests/stats/test_survival.py`` against ``tests/reference/survival.R``.

Times may be in any unit (months are typical); results are in the same unit. Events are
``1``/``True`` for an event and ``0``/``False`` for a censored time. Equal times are equal
only when the floating-point numbers are equal: R's ``Surv(timefix = TRUE)`` also merges
times that differ by less than about ``sqrt(.Machine$double.eps)`` relative, which only
matters for times produced by arithmetic (e.g. days / 30.4375).

The reconstruction of individual patient data from a published curve (Guyot et al. 2012)
lives in :mod:`explorer.stats._reconstruct` and is re-exported here as ``reconstruct_ipd``.

References
----------
.. [1] Kaplan EL, Meier P. Nonparametric estimation from incomplete observations.
   J Am Stat Assoc 1958;53:457–481.
.. [2] Greenwood M. The natural duration of cancer. Reports on Public Health and Medical
   Subjects 33. HMSO, 1926.
.. [3] Brookmeyer R, Crowley J. A confidence interval for the median survival time.
   Biometrics 1982;38:29–41.
.. [4] Mantel N. Evaluation of survival data and two new rank order statistics arising in
   its consideration. Cancer Chemother Rep 1966;50:163–170.
.. [5] Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187–220.
   Efron B. The efficiency of Cox's likelihood function for censored data.
   J Am Stat Assoc 1977;72:557–565.
.. [6] Royston P, Parmar MKB. Restricted mean survival time: an alternative to the hazard
   ratio for the design and analysis of randomized trials with a time-to-event outcome.
   BMC Med Res Methodol 2013;13:152.
.. [7] Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model.
   Springer, 2000 (R package ``survival``).
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import chdtrc, ndtr, ndtri

from explorer.stats._reconstruct import ReconstructedIpd, reconstruct_ipd
from explorer.stats._results import Result, read_only, result

__all__ = [
    "CoxResult",
    "KaplanMeierResult",
    "LogRankResult",
    "ReconstructedIpd",
    "RmstDifferenceResult",
    "RmstResult",
    "cox",
    "hazard_from_median",
    "hr_from_medians",
    "kaplan_meier",
    "logrank",
    "reconstruct_ipd",
    "rmst",
    "rmst_difference",
    "survival_at",
]

ConfType = Literal["log", "log-log", "plain"]
Ties = Literal["efron", "breslow"]

_LN2 = math.log(2.0)
_CONF_TYPES = ("log", "log-log", "plain")
_TIES = ("efron", "breslow")
# quantile.survfit's tolerance for "the curve is exactly at p": sqrt(.Machine$double.eps).
_QUANTILE_TOL = math.sqrt(np.finfo(float).eps)


# ---- exponential model ----------------------------------------------------------------------


def _check_positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def _as_times(name: str, t: npt.ArrayLike) -> np.ndarray:
    try:
        arr = np.asarray(t, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric") from exc
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return arr


def hazard_from_median(median: float) -> float:
    """Return the constant hazard rate of an exponential distribution with this median.

    Trial reports give median survival; design and simulation need the hazard rate.

    Parameters
    ----------
    median : float
        Median survival time, > 0, in any unit (months are typical).

    Returns
    -------
    float
        Hazard rate ``λ = ln 2 / median`` per unit of time.

    Notes
    -----
    Under the exponential model ``S(t) = exp(−λt)``, so ``S(median) = 1/2`` gives
    ``λ = ln 2 / median``.

    Examples
    --------
    PALMIRA's control arm, median PFS 3.6 months:

    >>> round(hazard_from_median(3.6), 4)
    0.1925
    """
    return _LN2 / _check_positive("median", median)


def survival_at(t: float | npt.ArrayLike, *, median: float) -> float | np.ndarray:
    """Return the exponential survival probability at time ``t`` given the median.

    Parameters
    ----------
    t : float or array_like
        Time(s) ≥ 0, in the unit of ``median``. An array gives an array of the same shape.
    median : float
        Median survival time, > 0.

    Returns
    -------
    float or numpy.ndarray
        ``S(t) = exp(−ln 2 · t / median)``: a float for a scalar ``t``, else an array.

    Notes
    -----
    The exponential model implied by one median: constant hazard ``ln 2 / median``.

    Examples
    --------
    PALMIRA's palbociclib arm, median PFS 4.2 months: the exponential model predicts a
    6-month PFS of 37.1% (the trial reported 40.9%).

    >>> round(survival_at(6.0, median=4.2), 3)
    0.371
    >>> survival_at([0.0, 4.2], median=4.2).tolist()
    [1.0, 0.5]
    """
    median = _check_positive("median", median)
    arr = _as_times("t", t)
    if np.any(arr < 0):
        raise ValueError("t must be >= 0")
    surv = np.exp(-_LN2 * arr / median)
    return float(surv) if surv.ndim == 0 else surv


def hr_from_medians(median_treatment: float, median_control: float) -> float:
    """Return the hazard ratio (treatment : control) implied by two exponential medians.

    Parameters
    ----------
    median_treatment, median_control : float
        Median survival times in the two arms, > 0, in the same unit.

    Returns
    -------
    float
        ``HR = λ_treatment / λ_control = median_control / median_treatment``.

    Notes
    -----
    Exact only under exponential (constant-hazard) survival in both arms; with non-constant
    hazards the ratio of medians and the Cox hazard ratio can differ markedly.

    Examples
    --------
    PALMIRA's medians, 4.2 vs 3.6 months, imply HR 0.857 (the Cox estimate was 0.8):

    >>> round(hr_from_medians(4.2, 3.6), 3)
    0.857
    """
    median_treatment = _check_positive("median_treatment", median_treatment)
    median_control = _check_positive("median_control", median_control)
    return median_control / median_treatment


# ---- argument checks ------------------------------------------------------------------------


def _time_event(time: npt.ArrayLike, event: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Validate and return ``time`` (float) and ``event`` (int 0/1) as 1-d arrays."""
    t = _as_times("time", time)
    if t.ndim != 1:
        raise ValueError("time must be one-dimensional")
    if t.size == 0:
        raise ValueError("time must not be empty")
    if np.any(t < 0):
        raise ValueError("time must be >= 0")
    e = np.asarray(event)
    if e.shape != t.shape:
        raise ValueError(f"time and event must have the same length, got {t.size} and {e.size}")
    if e.dtype != bool:
        try:
            ef = e.astype(float)
        except (TypeError, ValueError) as exc:
            raise ValueError("event must be 0/1 or bool") from exc
        if not np.all((ef == 0) | (ef == 1)):
            raise ValueError("event must be 0/1 or bool (1 = event, 0 = censored)")
        e = ef
    return t, e.astype(np.int64)


def _check_level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return level


def _labels(name: str, values: npt.ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (sorted distinct labels, integer code per row) for a label vector."""
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{name} must have the same length as time ({n}), got {arr.size}")
    if arr.dtype.kind == "f" and np.any(np.isnan(arr)):
        raise ValueError(f"{name} must not contain missing values (NaN)")
    if arr.dtype == object and any(v is None for v in arr):
        raise ValueError(f"{name} must not contain missing values (None)")
    try:
        levels, codes = np.unique(arr, return_inverse=True)
    except TypeError as exc:
        raise ValueError(f"{name} labels must be mutually comparable") from exc
    return levels, codes.reshape(-1)


def _binary_group(group: npt.ArrayLike, n: int) -> np.ndarray:
    """Return group as int 0/1 (1 = treatment); both values must occur."""
    g = np.asarray(group)
    if g.ndim != 1 or g.size != n:
        raise ValueError(f"group must have the same length as time ({n}), got {g.size}")
    if g.dtype != bool:
        try:
            gf = g.astype(float)
        except (TypeError, ValueError) as exc:
            raise ValueError("group must be 0/1 or bool (1 = treatment)") from exc
        if not np.all((gf == 0) | (gf == 1)):
            raise ValueError("group must be 0/1 or bool (1 = treatment, 0 = control)")
        g = gf
    g = g.astype(np.int64)
    if g.min() == g.max():
        raise ValueError("group must contain both treatment (1) and control (0) patients")
    return g


# ---- Kaplan–Meier ---------------------------------------------------------------------------


def _km_counts(
    t: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times with the numbers at risk, events and censored at each."""
    order = np.argsort(t, kind="stable")
    ts, es = t[order], e[order]
    times, first, counts = np.unique(ts, return_index=True, return_counts=True)
    at_risk = ts.size - first
    events = np.add.reduceat(es, first)
    return times, at_risk, events, counts - events


def _confidence_limits(
    surv: np.ndarray, std_err: np.ndarray, z: float, conf_type: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise limits as survival:::survfit_confint (se on the log scale)."""
    lower = np.full(surv.shape, np.nan)
    upper = np.full(surv.shape, np.nan)
    if conf_type == "log":
        ok = surv > 0
        lower[ok] = surv[ok] * np.exp(-z * std_err[ok])
        upper[ok] = np.minimum(surv[ok] * np.exp(z * std_err[ok]), 1.0)
    elif conf_type == "log-log":
        ok = (surv > 0) & (surv < 1)
        log_s = np.log(surv[ok])
        loglog = np.log(-log_s)
        half = z * std_err[ok] / log_s
        lower[ok] = np.exp(-np.exp(loglog - half))
        upper[ok] = np.exp(-np.exp(loglog + half))
    else:  # plain
        ok = np.isfinite(std_err)
        half = z * std_err[ok] * surv[ok]
        lower[ok] = np.maximum(surv[ok] - half, 0.0)
        upper[ok] = np.minimum(surv[ok] + half, 1.0)
    return lower, upper


def _quantile_time(time: np.ndarray, curve: np.ndarray, p: float) -> float:
    """Time at which ``1 − curve`` reaches ``p``: survival:::findq, as quantile.survfit.

    ``x = (0, time)`` and ``y = (0, 1 − curve)``; NaN points of the curve are skipped.
    The answer is the first time ``y ≥ p`` (within a tolerance), or the midpoint of a flat
    stretch at exactly ``p`` and the time the curve leaves it; when the curve ends on that
    stretch, the midpoint with the last time.
    """
    x = np.concatenate(([0.0], time))
    y = np.concatenate(([0.0], 1.0 - curve))
    finite = ~np.isnan(y)
    if y[finite].max() < p:
        return math.nan
    xmax = x[-1]
    # R drops repeated y values (keeping the first), then approx() drops the NA pairs.
    _, first = np.unique(y, return_index=True)
    keep = np.sort(first)
    xd, yd = x[keep], y[keep]
    last_y = yd[-1]
    ok = ~np.isnan(yd)
    xd, yd = xd[ok], yd[ok]

    def first_at_or_above(shifted: np.ndarray) -> int | None:
        # approx(shifted, 1:n, p, method = "constant", f = 1): the node with the smallest
        # shifted value that is >= p (nodes are distinct, so this is one point).
        candidates = np.flatnonzero(shifted >= p)
        if candidates.size == 0:
            return None
        return int(candidates[np.argmin(shifted[candidates])])

    i1 = first_at_or_above(yd + _QUANTILE_TOL)
    i2 = first_at_or_above(yd - _QUANTILE_TOL)
    if i1 is None:
        return math.nan
    if not math.isnan(last_y) and abs(p - last_y) < _QUANTILE_TOL:
        return float((xd[i1] + xmax) / 2)
    if i2 is None:
        return math.nan
    return float((xd[i1] + xd[i2]) / 2)


@result
class KaplanMeierResult(Result):
    """Kaplan–Meier estimate with pointwise confidence limits and the median.

    The table has one row per distinct observed time (event or censoring), as the rows of
    R's ``survfit`` object.

    Attributes
    ----------
    time : numpy.ndarray
        Distinct observed times, increasing (``fit$time``).
    at_risk : numpy.ndarray
        Number at risk just before each time (``fit$n.risk``).
    events : numpy.ndarray
        Number of events at each time (``fit$n.event``).
    censored : numpy.ndarray
        Number censored at each time (``fit$n.censor``).
    survival : numpy.ndarray
        Kaplan–Meier survival just after each time (``fit$surv``).
    std_err : numpy.ndarray
        Greenwood standard error of the cumulative hazard, i.e. of ``log S`` — not of ``S``
        — as R's ``fit$std.err``; ``inf`` once the curve reaches 0.
    lower, upper : numpy.ndarray
        Pointwise confidence limits for ``S`` (``fit$lower``, ``fit$upper``); NaN where R
        gives NA (``survival == 0`` for "log"/"log-log", ``survival == 1`` for "log-log").
    median : float
        Median survival time; NaN when the curve does not reach 0.5 ("not reached").
    median_lower, median_upper : float
        Confidence limits of the median (Brookmeyer–Crowley: where the upper/lower pointwise
        limits cross 0.5); NaN when not reached.
    level : float
        Confidence level, e.g. 0.95.
    conf_type : str
        "log", "log-log" or "plain".
    """

    time: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    survival: np.ndarray
    std_err: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    median: float
    median_lower: float
    median_upper: float
    level: float
    conf_type: str

    def survival_at(self, t: float | npt.ArrayLike) -> float | np.ndarray:
        """Return the estimated survival at time(s) ``t``.

        The curve is a right-continuous step function: 1 before the first time, and the
        value of the last row whose time is ≤ ``t`` afterwards (flat after the last time).

        Parameters
        ----------
        t : float or array_like
            Time(s); finite.

        Returns
        -------
        float or numpy.ndarray
            A float for a scalar ``t``, else an array of the same shape.

        Examples
        --------
        >>> km = kaplan_meier([1, 2, 2, 3], [1, 1, 0, 1])
        >>> km.survival_at([0.5, 1, 2.5, 9]).tolist()
        [1.0, 0.75, 0.5, 0.0]
        """
        arr = _as_times("t", t)
        idx = np.searchsorted(self.time, arr, side="right")
        out = np.concatenate(([1.0], self.survival))[idx]
        return float(out) if out.ndim == 0 else out


def kaplan_meier(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    *,
    level: float = 0.95,
    conf_type: ConfType = "log",
) -> KaplanMeierResult:
    """Estimate the survival curve by Kaplan–Meier, with confidence limits and the median.

    Parameters
    ----------
    time : array_like
        Follow-up times, finite and ≥ 0.
    event : array_like
        1/True for an event, 0/False for a censored time; same length as ``time``.
    level : float, default 0.95
        Confidence level of the pointwise limits and of the median's CI.
    conf_type : {"log", "log-log", "plain"}, default "log"
        Scale of the pointwise CI, as R's ``survfit(conf.type=)``; "log" is R's default
        (lifelines uses "log-log", scipy's ``ecdf`` "plain"), so state it when reporting.

    Returns
    -------
    KaplanMeierResult
        The table (``time, at_risk, events, censored, survival, std_err, lower, upper``),
        ``median, median_lower, median_upper``, ``level``, ``conf_type``, and the method
        ``survival_at(t)``.

    Notes
    -----
    At distinct times ``t_j`` with ``n_j`` at risk and ``d_j`` events,
    ``S(t) = Π_{t_j ≤ t} (1 − d_j/n_j)`` [1]_ and the Greenwood variance of ``log S`` is
    ``σ²(t) = Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j))`` [2]_; ``std_err = σ``, as R's
    ``std.err`` (the SE of the cumulative hazard), not the SE of ``S``. With
    ``z = Φ⁻¹((1 + level)/2)``:

    * "log": ``S·exp(∓zσ)``, the upper limit capped at 1;
    * "log-log": ``S^exp(∓zσ/log S)``, undefined (NaN) where ``S`` is 0 or 1;
    * "plain": ``S ± zσS`` clipped to [0, 1].

    The median and its CI follow R's ``quantile(fit, 0.5)`` [3]_: the first time the curve
    (or the lower/upper limit) is ≤ 0.5; if the curve is exactly 0.5 (within
    ``sqrt(machine eps)``) on a flat stretch, the midpoint of that stretch's start and the
    next time it drops; if it stays at 0.5 to the end, the midpoint with the last observed
    time. "Not reached" is ``float("nan")`` (R: NA).

    Differences from R: ``print(fit)`` and ``summary(fit)$table`` use another rule
    (``survival:::survmean``) which, for a curve that ends flat at exactly 0.5, gives the
    start of that stretch instead of the midpoint with the last time (e.g. times 1, 2, 3+,
    4+: ``quantile()`` 3, ``print()`` 2); we follow ``quantile()``. R merges times that
    differ by less than ~1e-8 relative (``timefix``); we compare times exactly. NA limits
    are NaN.

    Examples
    --------
    The maintained arm of R's ``aml`` data: median 31 weeks, 95% CI 18 to not reached.

    >>> km = kaplan_meier([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161],
    ...                   [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0])
    >>> km.median, km.median_lower, km.median_upper
    (31.0, 18.0, nan)
    >>> round(km.survival_at(12), 4), round(float(km.lower[1]), 4)
    (0.9091, 0.6192)
    """
    t, e = _time_event(time, event)
    level = _check_level(level)
    if conf_type not in _CONF_TYPES:
        raise ValueError(f"conf_type must be one of {_CONF_TYPES}, got {conf_type!r}")
    times, at_risk, events, censored = _km_counts(t, e)
    survival = np.cumprod(1.0 - events / at_risk)
    # d / (n (n − d)) is infinite when everyone at risk has the event (S drops to 0).
    increments = np.divide(
        events,
        at_risk * (at_risk - events),
        out=np.full(times.shape, np.inf),
        where=at_risk > events,
    )
    std_err = np.sqrt(np.cumsum(increments))
    z = float(ndtri(0.5 + level / 2))
    lower, upper = _confidence_limits(survival, std_err, z, conf_type)
    return KaplanMeierResult(
        time=read_only(times),
        at_risk=read_only(at_risk.astype(np.int64)),
        events=read_only(events.astype(np.int64)),
        censored=read_only(censored.astype(np.int64)),
        survival=read_only(survival),
        std_err=read_only(std_err),
        lower=read_only(lower),
        upper=read_only(upper),
        median=_quantile_time(times, survival, 0.5),
        # The lower limit reaches 0.5 first: it gives the lower limit of the median.
        median_lower=_quantile_time(times, lower, 0.5),
        median_upper=_quantile_time(times, upper, 0.5),
        level=level,
        conf_type=conf_type,
    )


# ---- log-rank -------------------------------------------------------------------------------


@result
class LogRankResult(Result):
    """Log-rank test of two survival curves (R ``survdiff``).

    Attributes
    ----------
    statistic : float
        Chi-square statistic ``(O − E)² / V`` of the first group.
    p : float
        P value from the chi-square distribution with ``df`` degrees of freedom.
    df : int
        Degrees of freedom: 1 (two groups).
    groups : numpy.ndarray
        The two group labels in sorted order (``numpy.unique``); the order of ``observed``
        and ``expected``.
    observed, expected : numpy.ndarray
        Observed and expected numbers of events per group, summed over strata.
    """

    statistic: float
    p: float
    df: int
    groups: np.ndarray
    observed: np.ndarray
    expected: np.ndarray


def _logrank_stratum(t: np.ndarray, e: np.ndarray, g: np.ndarray) -> tuple[float, float, float]:
    """(observed, expected, variance) of group 0's events in one stratum."""
    event_times = np.unique(t[e == 1])
    if event_times.size == 0:
        return 0.0, 0.0, 0.0

    def at_risk(times: np.ndarray) -> np.ndarray:
        return times.size - np.searchsorted(np.sort(times), event_times, side="left")

    def deaths(times: np.ndarray) -> np.ndarray:
        s = np.sort(times)
        return np.searchsorted(s, event_times, "right") - np.searchsorted(s, event_times, "left")

    n = at_risk(t).astype(float)
    n0 = at_risk(t[g == 0]).astype(float)
    d = deaths(t[e == 1]).astype(float)
    d0 = deaths(t[(e == 1) & (g == 0)])
    expected = float(np.sum(n0 * d / n))
    # Hypergeometric variance; a time with one patient at risk contributes nothing.
    many = n > 1
    n, n0, d = n[many], n0[many], d[many]
    variance = float(np.sum(n0 * (n - n0) * d * (n - d) / (n * n * (n - 1))))
    return float(d0.sum()), expected, variance


def logrank(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    group: npt.ArrayLike,
    *,
    strata: npt.ArrayLike | None = None,
) -> LogRankResult:
    """Compare two survival curves with the (optionally stratified) log-rank test.

    Parameters
    ----------
    time : array_like
        Follow-up times, finite and ≥ 0.
    event : array_like
        1/True for an event, 0/False for censored.
    group : array_like
        Arm labels with exactly two distinct values (numbers, strings or bools). The test is
        symmetric; ``observed``/``expected`` are reported in sorted label order.
    strata : array_like, optional
        Stratum labels; when given, the test sums the per-stratum ``O − E`` and variances.

    Returns
    -------
    LogRankResult
        ``statistic, p, df, groups, observed, expected``.

    Notes
    -----
    At each distinct event time with ``n`` at risk (``n₁`` in the first group) and ``d``
    events, ``E₁ = Σ n₁d/n`` and ``V = Σ n₁(n − n₁) d (n − d) / (n²(n − 1))`` [4]_; the
    statistic is ``(O₁ − E₁)² / V`` with 1 degree of freedom. Stratified: ``O``, ``E`` and
    ``V`` are summed over strata before forming the statistic, as R's
    ``survdiff(Surv(time, event) ~ group + strata(s))``. Same as R (``rho = 0``); R's p is
    ``pchisq(chisq, 1, lower.tail = FALSE)``.

    Raises ``ValueError`` when ``V = 0`` (no event time with both groups at risk, or every
    patient has the event at one time), where R returns a statistic of 0 or NaN, or stops
    ("system is exactly singular"). Tied times need no approximation: the hypergeometric
    variance is exact for ties, as ``survdiff``.

    Examples
    --------
    R's ``aml`` data, maintained vs non-maintained chemotherapy: chi-square 3.4, p = 0.065.

    >>> time = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
    ...         5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
    >>> event = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    >>> arm = ["M"] * 11 + ["N"] * 12
    >>> lr = logrank(time, event, arm)
    >>> round(lr.statistic, 3), round(lr.p, 4), lr.observed.tolist()
    (3.396, 0.0653, [7.0, 11.0])
    """
    t, e = _time_event(time, event)
    levels, g = _labels("group", group, t.size)
    if levels.size != 2:
        raise ValueError(f"group must have exactly two distinct values, got {levels.size}")
    no_strata = np.zeros(t.size, dtype=np.int64)
    s = no_strata if strata is None else _labels("strata", strata, t.size)[1]
    observed0 = expected0 = variance = 0.0
    for k in np.unique(s):
        rows = s == k
        o, ex, v = _logrank_stratum(t[rows], e[rows], g[rows])
        observed0 += o
        expected0 += ex
        variance += v
    if variance <= 0:
        raise ValueError(
            "log-rank variance is 0: no event time has patients of both groups at risk"
        )
    total = float(e.sum())
    statistic = (observed0 - expected0) ** 2 / variance
    return LogRankResult(
        statistic=float(statistic),
        p=float(chdtrc(1, statistic)),
        df=1,
        groups=read_only(levels),
        observed=read_only(np.array([observed0, total - observed0])),
        expected=read_only(np.array([expected0, total - expected0])),
    )


# ---- Cox ------------------------------------------------------------------------------------


@result
class CoxResult(Result):
    """Hazard ratio from a Cox model with one binary covariate (R ``coxph``).

    Attributes
    ----------
    hr : float
        Hazard ratio, treatment (group 1) : control (group 0).
    lower, upper : float
        Wald confidence limits, ``exp(β ± z·se)``.
    p : float
        Two-sided Wald p value of ``β = 0``.
    se : float
        Standard error of ``β = log(hr)`` (``se_log``), from the observed information.
    level : float
        Confidence level.
    ties : str
        Tie handling, "efron" or "breslow".
    """

    hr: float
    lower: float
    upper: float
    p: float
    se: float
    level: float
    ties: str


def cox(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    group: npt.ArrayLike,
    *,
    strata: npt.ArrayLike | None = None,
    ties: Ties = "efron",
    level: float = 0.95,
) -> CoxResult:
    """Estimate the treatment hazard ratio with a (stratified) Cox proportional hazards model.

    Parameters
    ----------
    time : array_like
        Follow-up times, finite and ≥ 0.
    event : array_like
        1/True for an event, 0/False for censored.
    group : array_like
        1/True = treatment, 0/False = control; both must occur.
    strata : array_like, optional
        Stratum labels: a separate baseline hazard per stratum (R ``+ strata(s)``).
    ties : {"efron", "breslow"}, default "efron"
        Approximation of the partial likelihood for tied event times; "efron" is R's default.
    level : float, default 0.95
        Confidence level of the Wald interval.

    Returns
    -------
    CoxResult
        ``hr, lower, upper, p, se, level, ties``.

    Notes
    -----
    Maximises the Cox partial likelihood [5]_ for ``log h(t) = log h₀ₛ(t) + β·group`` with
    statsmodels' ``PHReg`` (Newton–Raphson); ``se`` is from the inverse observed information,
    ``HR = exp(β)``, CI ``exp(β ± z·se)`` with ``z = Φ⁻¹((1 + level)/2)`` and
    ``p = 2Φ(−|β|/se)``: R's ``summary(coxph(...))`` Wald values. Estimates agree with R to
    the convergence tolerance (about 1e-8 relative).

    Differences from R: when the likelihood is monotone (e.g. no events in one group, or
    two patients, one per arm) R warns and reports a huge coefficient (about −21, SE in
    the tens of thousands, CI 0 to inf); we raise ``ValueError``. Heavy ties are handled
    as R for both ``ties`` methods (checked in ``tests/stats/test_edge_cases.py``); when
    every patient has the event at one time, the estimate is HR 1 with a finite SE.

    Examples
    --------
    R's ``aml`` data, maintained (1) vs non-maintained (0), Efron ties: HR 0.40
    (95% CI 0.15 to 1.09).

    >>> time = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
    ...         5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
    >>> event = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    >>> fit = cox(time, event, [1] * 11 + [0] * 12)
    >>> round(fit.hr, 3), round(fit.lower, 3), round(fit.upper, 3), round(fit.p, 4)
    (0.4, 0.147, 1.092, 0.0737)
    """
    # Imported here: statsmodels adds ~0.5 s to start-up and only this function needs it.
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    t, e = _time_event(time, event)
    g = _binary_group(group, t.size)
    level = _check_level(level)
    if ties not in _TIES:
        raise ValueError(f"ties must be one of {_TIES}, got {ties!r}")
    s = None if strata is None else _labels("strata", strata, t.size)[1]
    if e.sum() == 0:
        raise ValueError("cox needs at least one event")
    model = PHReg(t, g[:, None].astype(float), status=e.astype(float), strata=s, ties=ties)
    with warnings.catch_warnings(record=True) as caught:
        # PHRegResults keeps no convergence flag: statsmodels only warns. Those warnings
        # become the ValueError below; any other warning is passed on unchanged.
        warnings.simplefilter("always")
        fit = model.fit()
    failed = False
    for w in caught:
        if issubclass(w.category, ConvergenceWarning | HessianInversionWarning):
            failed = True
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    beta, se = float(fit.params[0]), float(fit.bse[0])
    if failed or not (math.isfinite(beta) and math.isfinite(se) and se > 0):
        raise ValueError(
            "the Cox model did not converge: the hazard ratio is not estimable "
            "(monotone likelihood, e.g. no events in one group)"
        )
    z = float(ndtri(0.5 + level / 2))
    return CoxResult(
        hr=math.exp(beta),
        lower=math.exp(beta - z * se),
        upper=math.exp(beta + z * se),
        p=float(2 * ndtr(-abs(beta) / se)),
        se=se,
        level=level,
        ties=ties,
    )


# ---- restricted mean survival time ----------------------------------------------------------


@result
class RmstResult(Result):
    """Restricted mean survival time up to ``tau`` (R ``survmean``).

    Attributes
    ----------
    rmst : float
        Area under the Kaplan–Meier curve from 0 to ``tau``, in time units.
    se : float
        Its standard error (R's ``se(rmean)``).
    lower, upper : float
        Normal confidence limits ``rmst ± z·se``.
    tau : float
        Truncation time.
    level : float
        Confidence level.
    """

    rmst: float
    se: float
    lower: float
    upper: float
    tau: float
    level: float


def _check_tau(tau: float, largest: float, where: str) -> float:
    tau = _check_positive("tau", tau)
    if tau > largest:
        raise ValueError(
            f"tau ({tau}) must not exceed the largest observed time{where} ({largest}): "
            "the Kaplan–Meier curve is not estimated beyond it"
        )
    return tau


def _rmst_variance(t: np.ndarray, e: np.ndarray, tau: float) -> tuple[float, float]:
    """(rmst, variance) as survival:::survmean's pfun."""
    times, at_risk, events, _ = _km_counts(t, e)
    survival = np.cumprod(1.0 - events / at_risk)
    keep = times <= tau
    grid = np.concatenate((times[keep], [tau]))
    widths = np.diff(np.concatenate(([0.0], grid)))
    rectangles = widths * np.concatenate(([1.0], survival[keep]))
    # Area from each kept time to tau; R sets d / (n (n − d)) to 0 where n = d.
    tail = np.cumsum(rectangles[1:][::-1])[::-1]
    n, d = at_risk[keep], events[keep]
    hazard_var = np.divide(d, n * (n - d), out=np.zeros(n.shape), where=n > d)
    return float(rectangles.sum()), float(np.sum(tail**2 * hazard_var))


def rmst(
    time: npt.ArrayLike, event: npt.ArrayLike, *, tau: float, level: float = 0.95
) -> RmstResult:
    """Estimate the restricted mean survival time: the area under the KM curve up to ``tau``.

    Parameters
    ----------
    time : array_like
        Follow-up times, finite and ≥ 0.
    event : array_like
        1/True for an event, 0/False for censored.
    tau : float
        Truncation time, > 0 and ≤ the largest observed time.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    RmstResult
        ``rmst, se, lower, upper, tau, level``.

    Notes
    -----
    ``RMST(τ) = ∫₀^τ S(t) dt`` summed over the steps of the Kaplan–Meier curve [6]_, with
    variance ``Σ_{t_j ≤ τ} A_j² d_j / (n_j (n_j − d_j))`` where ``A_j = ∫_{t_j}^τ S(t) dt``
    and a term is 0 when ``n_j = d_j``. This is R's ``survival:::survmean``
    (``summary(survfit(...), rmean = tau)$table[c("rmean", "se(rmean)")]``) and the same
    formula as survRM2's ``rmst1``: no ``n/(n − 1)`` correction. The CI is
    ``rmst ± z·se``, as survRM2 (R's ``survfit`` prints no CI for the mean).

    Differences from R: R accepts ``tau`` beyond the last observed time and extends the
    curve flat at its last value (for a curve ending at 0.5 at time 4, ``rmean = 10`` adds
    0.5 × 6); we raise ``ValueError``, since the curve is not estimated there.

    Examples
    --------
    The maintained arm of R's ``aml`` data, restricted to 30 weeks: 24.6 weeks (SE 2.31).

    >>> r = rmst([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161],
    ...          [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0], tau=30)
    >>> round(r.rmst, 2), round(r.se, 2)
    (24.6, 2.31)
    """
    t, e = _time_event(time, event)
    level = _check_level(level)
    tau = _check_tau(tau, float(t.max()), "")
    mean, variance = _rmst_variance(t, e, tau)
    se = math.sqrt(variance)
    z = float(ndtri(0.5 + level / 2))
    return RmstResult(
        rmst=mean, se=se, lower=mean - z * se, upper=mean + z * se, tau=tau, level=level
    )


@result
class RmstDifferenceResult(Result):
    """Difference in restricted mean survival time, treatment − control.

    Attributes
    ----------
    difference : float
        ``rmst_treatment − rmst_control``, in time units (positive favours treatment).
    se : float
        ``sqrt(se_treatment² + se_control²)`` (independent arms).
    lower, upper : float
        Normal confidence limits ``difference ± z·se``.
    rmst_treatment, rmst_control : float
        RMST in each arm.
    tau : float
        Truncation time.
    level : float
        Confidence level.
    """

    difference: float
    se: float
    lower: float
    upper: float
    rmst_treatment: float
    rmst_control: float
    tau: float
    level: float


def rmst_difference(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    group: npt.ArrayLike,
    *,
    tau: float,
    level: float = 0.95,
) -> RmstDifferenceResult:
    """Compare two arms by the difference in restricted mean survival time up to ``tau``.

    Parameters
    ----------
    time : array_like
        Follow-up times, finite and ≥ 0.
    event : array_like
        1/True for an event, 0/False for censored.
    group : array_like
        1/True = treatment, 0/False = control; both must occur.
    tau : float
        Truncation time, > 0 and ≤ the largest observed time in each arm.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    RmstDifferenceResult
        ``difference, se, lower, upper, rmst_treatment, rmst_control, tau, level``.

    Notes
    -----
    Each arm's RMST and variance as :func:`rmst` (R's ``survmean``); the arms are
    independent, so ``se = sqrt(v_treatment + v_control)`` and the CI is
    ``difference ± z·se`` [6]_, as survRM2's ``rmst2`` (unadjusted). The same restriction
    on ``tau`` as :func:`rmst` applies per arm (survRM2 also requires ``tau`` no later than
    the smaller of the two arms' last times).

    Examples
    --------
    R's ``aml`` data, maintained − non-maintained, up to 30 weeks: +4.9 weeks.

    >>> time = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
    ...         5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
    >>> event = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    >>> d = rmst_difference(time, event, [1] * 11 + [0] * 12, tau=30)
    >>> round(d.difference, 2), round(d.se, 2)
    (4.91, 3.83)
    """
    t, e = _time_event(time, event)
    g = _binary_group(group, t.size)
    level = _check_level(level)
    largest = min(float(t[g == 1].max()), float(t[g == 0].max()))
    tau = _check_tau(tau, largest, " in each arm")
    mean1, var1 = _rmst_variance(t[g == 1], e[g == 1], tau)
    mean0, var0 = _rmst_variance(t[g == 0], e[g == 0], tau)
    difference = mean1 - mean0
    se = math.sqrt(var1 + var0)
    z = float(ndtri(0.5 + level / 2))
    return RmstDifferenceResult(
        difference=difference,
        se=se,
        lower=difference - z * se,
        upper=difference + z * se,
        rmst_treatment=mean1,
        rmst_control=mean0,
        tau=tau,
        level=level,
    )
