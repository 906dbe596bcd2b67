"""Fixed- and random-effects pooling of ratio estimates given with their CIs.

Trials report ratios (HR, RR, OR) with CIs, rarely standard errors; :func:`pool` works
on the log scale with the SE recovered from each CI (as :func:`explorer.stats.effects.from_ci`)
and returns the pooled ratio, its CI, the heterogeneity statistics and the prediction
interval, following R's metafor (``rma.uni`` and ``predict.rma``; Viechtbauer,
J Stat Softw 2010;36(3)). References are in :func:`pool`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import optimize
from scipy import stats as sps
from statsmodels.stats.meta_analysis import combine_effects

from explorer.stats._results import Result, result

__all__ = ["METHODS", "PoolResult", "pool"]

METHODS = ("FE", "DL", "REML", "PM")
"""Estimators of the between-study variance tau² accepted by :func:`pool`."""

# Convergence of the iterative tau² estimators (REML Fisher scoring, PM root finding):
# absolute change / bracket width in tau² (log-ratio units squared). metafor's defaults
# are 1e-5 (REML) and .Machine$double.eps^0.25 ≈ 1.2e-4 (PM, uniroot).
_TAU2_TOL = 1e-12
_MAX_ITER = 1000


@result
class PoolResult(Result):
    """Pooled ratio from a meta-analysis, with heterogeneity and prediction interval.

    Attributes
    ----------
    estimate, lower, upper : float
        Pooled ratio and its CI at ``level`` (ratio scale).
    tau2 : float
        Between-study variance of the log ratios (0 for ``method="FE"``).
    i2 : float
        I² in percent (0–100), defined as metafor defines it for the method (see
        :func:`pool`, Notes).
    q : float
        Cochran's Q (fixed-effect weights), k − 1 degrees of freedom.
    q_p : float
        p value of Q against chi-square with k − 1 df (test of homogeneity).
    pred_lower, pred_upper : float
        Prediction interval for the ratio in a new study (ratio scale). Equals the CI when
        ``tau2 == 0`` (always for ``"FE"``).
    level : float
        Level of the input CIs and of the output CI and prediction interval.
    method : str
        ``"FE"``, ``"DL"``, ``"REML"`` or ``"PM"``.
    hartung_knapp : bool
        Whether the Hartung–Knapp–Sidik–Jonkman adjustment (t with k − 1 df) was used.
    k : int
        Number of studies.
    se : float
        Standard error of the pooled log ratio (scaled when ``hartung_knapp``).
    p : float
        Two-sided p value of the pooled log ratio against 0 (z, or t with k − 1 df).
    weights : tuple of float
        Weight of each study in percent (sums to 100), as metafor's ``weights()``.
    """

    estimate: float
    lower: float
    upper: float
    tau2: float
    i2: float
    q: float
    q_p: float
    pred_lower: float
    pred_upper: float
    level: float
    method: str
    hartung_knapp: bool
    k: int
    se: float
    p: float
    weights: tuple[float, ...]


def _as_vector(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of numbers") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    if np.any(arr <= 0.0):
        bad = int(np.flatnonzero(arr <= 0.0)[0])
        raise ValueError(f"{name}[{bad}] must be > 0 (a ratio), got {arr[bad]!r}")
    return arr


def _q_statistic(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Cochran's Q and the DerSimonian–Laird tau² (untruncated) from statsmodels."""
    # errstate: statsmodels computes I² = 1 - (k-1)/Q, which divides by zero when Q == 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        res = combine_effects(y, v, method_re="chi2")
    return max(0.0, float(res.q)), float(res.tau2)


def _q_of_tau2(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Generalised Q statistic with weights 1/(v + tau2)."""
    w = 1.0 / (v + tau2)
    mu = np.dot(w, y) / w.sum()
    return float(np.dot(w, (y - mu) ** 2))


def _tau2_pm(y: np.ndarray, v: np.ndarray) -> float:
    """Paule–Mandel tau²: root of Q(tau²) = k − 1, or 0 when Q(0) <= k − 1."""
    df = y.size - 1
    if _q_of_tau2(0.0, y, v) <= df:
        return 0.0
    # Q(tau²) decreases in tau² and tends to 0 (the weights shrink like 1/tau²), so a
    # bracket exists: start from metafor's tau2.max = 100 (or 10·var(y)) and widen.
    upper = max(100.0, 10.0 * float(np.var(y)))
    while _q_of_tau2(upper, y, v) > df:
        upper *= 10.0
    return float(
        optimize.brentq(
            lambda t: _q_of_tau2(t, y, v) - df,
            0.0,
            upper,
            xtol=_TAU2_TOL,
            rtol=4 * np.finfo(float).eps,
        )
    )


def _reml_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Restricted log-likelihood of the intercept-only random-effects model."""
    w = 1.0 / (v + tau2)
    mu = np.dot(w, y) / w.sum()
    return float(
        -0.5 * (y.size - 1) * math.log(2 * math.pi)
        - 0.5 * np.sum(np.log(v + tau2))
        - 0.5 * math.log(w.sum())
        - 0.5 * np.dot(w, (y - mu) ** 2)
    )


def _fisher_scoring_reml(y: np.ndarray, v: np.ndarray, step: float) -> float | None:
    """metafor's REML Fisher scoring with step length ``step``; None if not converged."""
    k = y.size
    # start: Hedges' (HE) estimator truncated at 0, metafor's default tau2.init
    tau2 = max(0.0, float(np.sum((y - y.mean()) ** 2) - np.sum(v) * (k - 1) / k) / (k - 1))
    for _ in range(_MAX_ITER):
        w = 1.0 / (v + tau2)
        p_mat = np.diag(w) - np.outer(w, w) / w.sum()
        py = p_mat @ y
        adj = step * float((py @ py - np.trace(p_mat)) / np.sum(p_mat * p_mat))
        if tau2 == 0.0 and adj < 0.0:
            return 0.0  # at the boundary and pointing outside: the maximum is at 0
        while tau2 + adj < 0.0:  # step halving, as metafor
            adj /= 2.0
        tau2 += adj
        if abs(adj) <= _TAU2_TOL:
            return tau2
    return None


def _tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """REML tau² by Fisher scoring with step halving at 0, as metafor's rma.uni.

    Fisher scoring can oscillate (large k, tau² near 0); metafor then stops with "Fisher
    scoring algorithm did not converge" and suggests ``control=list(stepadj=0.5)``. We
    apply that remedy ourselves: step lengths 1, 1/2, 1/4, 1/8 until one converges.
    """
    for step in (1.0, 0.5, 0.25, 0.125):
        tau2 = _fisher_scoring_reml(y, v, step)
        if tau2 is not None:
            break
    else:
        raise RuntimeError("REML Fisher scoring did not converge, even with step 1/8")
    # metafor's ll0check: Fisher scoring can stop at a local maximum; keep tau² = 0 if the
    # restricted likelihood is higher there.
    if tau2 > 0.0 and _reml_loglik(0.0, y, v) > _reml_loglik(tau2, y, v):
        tau2 = 0.0
    return float(tau2)


def pool(
    estimates: Sequence[float] | np.ndarray,
    lowers: Sequence[float] | np.ndarray,
    uppers: Sequence[float] | np.ndarray,
    *,
    level: float = 0.95,
    method: Literal["FE", "DL", "REML", "PM"] = "REML",
    hartung_knapp: bool = False,
) -> PoolResult:
    r"""Pool ratio estimates (HR, RR, OR) given with their CIs, as metafor's ``rma`` [7]_.

    Puts a trial beside its peers: the pooled ratio, how much the trials disagree
    (tau², I², Q) and where the effect of a new, similar trial would likely fall (the
    prediction interval).

    Parameters
    ----------
    estimates, lowers, uppers : sequence of float
        Each study's ratio and its CI at ``level``; all > 0, ``lowers < uppers``, equal
        lengths, at least 2 studies.
    level : float, default 0.95
        Level of the input CIs; also the level of the output CI and prediction interval.
    method : {"FE", "DL", "REML", "PM"}, default "REML"
        Estimator of tau²: fixed effect (tau² = 0), DerSimonian–Laird, restricted maximum
        likelihood, Paule–Mandel.
    hartung_knapp : bool, default False
        Use the Hartung–Knapp–Sidik–Jonkman variance and t quantiles with k − 1 df
        (metafor ``test="knha"``).

    Returns
    -------
    PoolResult
        ``estimate, lower, upper, tau2, i2, q, q_p, pred_lower, pred_upper, level, method,
        hartung_knapp, k, se, p, weights``.

    Raises
    ------
    ValueError
        On fewer than 2 studies, unequal lengths, non-finite or non-positive values,
        ``lower >= upper`` for a study, ``level`` outside (0, 1) or an unknown method.
    RuntimeError
        If the REML Fisher scoring does not converge even with step length 1/8.

    Notes
    -----
    On the log scale, :math:`y_i = \ln \hat\theta_i` and, with
    :math:`c = \Phi^{-1}((1 + \text{level})/2)`,
    :math:`v_i = ((\ln u_i - \ln l_i) / 2c)^2`. With :math:`w_i = 1/(v_i + \tau^2)`:

    .. math::

        \hat\mu = \frac{\sum w_i y_i}{\sum w_i}, \quad
        \operatorname{Var}(\hat\mu) = \frac{1}{\sum w_i}, \quad
        Q = \sum \frac{(y_i - \hat\mu_{FE})^2}{v_i}.

    tau²: FE 0; DL :math:`\max(0, (Q - (k-1)) / (\sum w - \sum w^2/\sum w))` with
    :math:`w = 1/v_i` [1]_;
    PM the root of :math:`Q(\tau^2) = k - 1` [2]_; REML by Fisher scoring [3]_, started at
    Hedges' estimator, with step halving at 0 and metafor's check that tau² = 0 does not
    have a higher restricted likelihood. When Fisher scoring oscillates, metafor stops with
    an error and suggests ``control=list(stepadj=0.5)``; we retry with step lengths 1/2,
    1/4 and 1/8 instead of failing.

    Hartung–Knapp [4]_: :math:`\operatorname{Var}(\hat\mu)` is multiplied by
    :math:`s^2 = \sum w_i (y_i - \hat\mu)^2 / (k-1)` and the CI uses :math:`t_{k-1}`. As
    metafor's ``"knha"`` (not its ``"adhoc"``), :math:`s^2 < 1` is kept, so the CI can be
    narrower than the z-based one when the studies agree closely.

    Prediction interval, as metafor's ``predict.rma``:
    :math:`\hat\mu \pm c' \sqrt{\operatorname{Var}(\hat\mu) + \tau^2}` with :math:`c'` the
    normal quantile, or the :math:`t_{k-1}` quantile with ``hartung_knapp``. Higgins,
    Thompson & Spiegelhalter [6]_ propose :math:`t_{k-2}`; we follow metafor.

    I² (percent) as metafor [5]_: for FE, :math:`\max(0, 100\,(Q - (k-1))/Q)`; for the
    random-effects methods, :math:`100\,\tau^2 / (\tau^2 + \tilde v)` with the "typical"
    within-study variance :math:`\tilde v = (k-1) / (\sum w - \sum w^2 / \sum w)`,
    :math:`w = 1/v_i` (this equals the FE formula for DL).

    Implementation: Q and the DL tau² come from statsmodels'
    ``combine_effects(method_re="chi2")``; tau² is then truncated at 0 (statsmodels does
    not truncate). PM does not use statsmodels' ``method_re="iterated"``: it stops at
    |Q − (k − 1)| < 1e-5 (tau² off by up to ~0.2% in our checks) and, with a tighter
    tolerance, returns tau² = 0 when rounding makes Q − (k − 1) slightly negative near the
    root. We use Brent's root finder instead, as metafor uses ``uniroot``.
    statsmodels has no REML. The pooled estimate for the chosen tau² is computed here.

    Deliberate differences from metafor:

    * Iterative tau² are converged to 1e-12 (metafor: REML change < 1e-5, PM ``uniroot``
      tolerance ≈ 1.2e-4), so results match metafor run with tight ``control`` closely
      and its defaults only to about 1e-4 in tau².
    * REML: where metafor's Fisher scoring fails to converge (an error), we retry with a
      shorter step (metafor's own remedy, ``stepadj``) and return that estimate.
    * For FE, metafor's ``predict()`` returns no prediction interval; we return the CI
      (the formula above with tau² = 0).
    * ``hartung_knapp`` with FE is computed without a warning (metafor warns that it is
      "not meant" for FE models).
    * Inputs are CIs, not SEs; the SE is recovered from the CI width on the log scale.
    * One study (k = 1) raises ``ValueError``; metafor fits it and returns the study's
      own estimate and CI with tau² = 0 and Q = 0 on 0 df (``docs/edge-cases.md``).

    Identical studies (Q = 0) give tau² = 0 for every method and I² = 0, as metafor.
    With ``hartung_knapp`` the scale factor s² is then 0 (metafor sets it to 0 when the
    residual sum of squares is at rounding level), so the CI and the prediction interval
    collapse to the estimate and ``p`` is 0: metafor's result too. It says that the
    Hartung–Knapp variance is unusable for studies that agree exactly, not that the
    pooled ratio is known exactly; use the z-based interval there.

    References
    ----------
    .. [1] DerSimonian R, Laird N. Control Clin Trials 1986;7:177–188.
    .. [2] Paule RC, Mandel J. J Res Natl Bur Stand 1982;87:377–385.
    .. [3] Viechtbauer W. J Educ Behav Stat 2005;30:261–293.
    .. [4] Hartung J, Knapp G. Stat Med 2001;20:3875–3889; Sidik K, Jonkman JN.
       Stat Med 2002;21:3153–3159.
    .. [5] Higgins JPT, Thompson SG. Stat Med 2002;21:1539–1558.
    .. [6] Higgins JPT, Thompson SG, Spiegelhalter DJ. J R Stat Soc A 2009;172:137–159.
    .. [7] Viechtbauer W. Conducting meta-analyses in R with the metafor package.
       J Stat Softw 2010;36(3):1–48.

    Examples
    --------
    Four CDK4/6-like trials (made-up numbers), PALMIRA's HR 0.8 (0.6–1.1) last:

    >>> res = pool([0.58, 0.55, 0.54, 0.80], [0.46, 0.44, 0.44, 0.60],
    ...            [0.72, 0.69, 0.67, 1.10], method="REML")
    >>> round(res.estimate, 3), round(res.lower, 3), round(res.upper, 3)
    (0.592, 0.514, 0.681)
    >>> round(res.tau2, 4), round(res.i2, 1), round(res.q, 2)
    (0.006, 29.2, 4.95)
    >>> round(res.pred_lower, 3), round(res.pred_upper, 3)
    (0.481, 0.727)
    """
    if not (isinstance(level, int | float) and 0.0 < level < 1.0):
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    est = _as_vector("estimates", estimates)
    lo = _as_vector("lowers", lowers)
    hi = _as_vector("uppers", uppers)
    k = est.size
    if not (lo.size == k and hi.size == k):
        raise ValueError(
            f"estimates, lowers and uppers must have equal lengths, got {k}, {lo.size}, {hi.size}"
        )
    if k < 2:
        raise ValueError(
            f"estimates: at least 2 studies are needed to pool, got {k} "
            "(a single study is its own estimate; there is nothing to pool)"
        )
    if np.any(lo >= hi):
        bad = int(np.flatnonzero(lo >= hi)[0])
        raise ValueError(
            f"study {bad}: lower must be < upper, got lower={lo[bad]!r}, upper={hi[bad]!r}"
        )

    crit_z = float(sps.norm.isf((1.0 - level) / 2.0))
    y = np.log(est)
    v = ((np.log(hi) - np.log(lo)) / (2.0 * crit_z)) ** 2
    q, tau2_dl = _q_statistic(y, v)
    df = k - 1

    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = max(0.0, tau2_dl)
    elif method == "PM":
        tau2 = _tau2_pm(y, v)
    else:
        tau2 = _tau2_reml(y, v)

    w = 1.0 / (v + tau2)
    mu = float(np.dot(w, y) / w.sum())
    var_mu = 1.0 / float(w.sum())
    if hartung_knapp:
        rss = float(np.dot(w, (y - mu) ** 2))
        # metafor sets s² = 0 when the residual sum of squares is at rounding level
        var_mu *= rss / df if rss > np.finfo(float).eps else 0.0
        crit = float(sps.t.isf((1.0 - level) / 2.0, df))
    else:
        crit = crit_z
    se = math.sqrt(var_mu)
    if se > 0.0:
        stat = abs(mu) / se
        p = float(2.0 * (sps.t.sf(stat, df) if hartung_knapp else sps.norm.sf(stat)))
    else:
        p = 1.0 if mu == 0.0 else 0.0
    pred_half = crit * math.sqrt(var_mu + tau2)

    w_fe = 1.0 / v
    if method == "FE":
        i2 = max(0.0, 100.0 * (q - df) / q) if q > 0.0 else 0.0
    else:
        typical_v = df / (w_fe.sum() - np.sum(w_fe**2) / w_fe.sum())
        i2 = 100.0 * tau2 / (typical_v + tau2)

    return PoolResult(
        estimate=math.exp(mu),
        lower=math.exp(mu - crit * se),
        upper=math.exp(mu + crit * se),
        tau2=float(tau2),
        i2=float(i2),
        q=q,
        q_p=float(sps.chi2.sf(q, df)),
        pred_lower=math.exp(mu - pred_half),
        pred_upper=math.exp(mu + pred_half),
        level=float(level),
        method=method,
        hartung_knapp=bool(hartung_knapp),
        k=int(k),
        se=se,
        p=p,
        weights=tuple(float(x) for x in 100.0 * w / w.sum()),
    )
