"""Inference recovered from a printed estimate and its confidence interval.

A trial report gives a ratio with its CI (PALMIRA: HR 0.8, 95% CI 0.6–1.1) and often a p
value. From the CI alone we recover the Wald standard error, z and p (Altman & Bland 2011),
check whether the estimate sits at the CI's geometric centre, and turn the estimate into a
posterior probability of benefit under a flat, sceptical or enthusiastic normal prior
(Spiegelhalter et al. 2004).

References
----------
.. [1] Altman DG, Bland JM. How to obtain the P value from a confidence interval.
   BMJ 2011;343:d2090.
.. [2] Spiegelhalter DJ, Abrams KR, Myles JP. Bayesian Approaches to Clinical Trials and
   Health-Care Evaluation. Wiley, 2004, §3.2 (normal likelihood and prior) and §5.5
   (sceptical and enthusiastic priors).
"""

from __future__ import annotations

import math

from scipy.special import ndtr, ndtri

from explorer.stats._results import Result, result

__all__ = [
    "FromCiResult",
    "PosteriorResult",
    "from_ci",
    "posterior",
    "sceptical_prior_sd",
]


@result
class FromCiResult(Result):
    """Wald inference recovered from an estimate and its confidence interval.

    Attributes
    ----------
    estimate, lower, upper : float
        The estimate and CI bounds as given (ratio scale when ``log_scale``).
    level : float
        Confidence level of the CI, e.g. 0.95.
    log_scale : bool
        Whether the CI was taken as symmetric on the log scale (ratios) or on the
        natural scale (differences).
    se : float
        Standard error recovered from the CI width; on the log scale when ``log_scale``
        (``se_log``), otherwise in the estimate's units.
    z : float
        Wald statistic of the estimate against the null (ratio 1, difference 0).
    p : float
        Two-sided Wald p value.
    centre : float
        Centre of the CI on its own scale: the geometric mean ``sqrt(lower * upper)`` when
        ``log_scale``, else ``(lower + upper) / 2``. The estimate a symmetric Wald CI implies.
    asymmetry : float
        ``ln(estimate) - ln(centre)`` in log units when ``log_scale`` (else
        ``estimate - centre``): how far the printed estimate is from the CI's centre.
        Rounding of the printed figures alone makes it non-zero; compare with ``se``.
    """

    estimate: float
    lower: float
    upper: float
    level: float
    log_scale: bool
    se: float
    z: float
    p: float
    centre: float
    asymmetry: float


@result
class PosteriorResult(Result):
    """Normal–normal posterior for a ratio, on the log scale.

    Attributes
    ----------
    probability : float
        Posterior probability that the true ratio is below ``threshold``.
    mean : float
        ``exp`` of the posterior mean of the log ratio. On the ratio scale this is the
        posterior *median* (and geometric mean) of the ratio, not its arithmetic mean.
    lower, upper : float
        Equal-tailed credible interval at ``level``, ratio scale.
    level : float
        Level of the credible interval (the same as that of the input CI).
    sd : float
        Posterior standard deviation of the log ratio.
    prior_mean : float
        Prior centre on the ratio scale (prior median).
    prior_sd : float or None
        Prior SD of the log ratio; ``None`` for the flat prior (also when ``inf`` was given).
    threshold : float
        Ratio below which ``probability`` is computed.
    """

    probability: float
    mean: float
    lower: float
    upper: float
    level: float
    sd: float
    prior_mean: float
    prior_sd: float | None
    threshold: float


# |z| within this relative distance of the critical value counts as "on the CI bound".
_BOUNDARY_RTOL = 1e-12


def _check_level(level: float) -> None:
    if not (isinstance(level, int | float) and 0.0 < level < 1.0):
        raise ValueError(f"level must be in (0, 1), got {level!r}")


def _check_finite(**values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")


def _critical(level: float) -> float:
    """Two-sided standard normal quantile z_{(1+level)/2}."""
    return float(ndtri(0.5 + level / 2.0))


def _se_log(lower: float, upper: float, level: float) -> float:
    """Log-scale SE from a ratio CI; validates bounds."""
    _check_finite(lower=lower, upper=upper)
    if lower <= 0.0 or upper <= 0.0:
        raise ValueError(f"ratio CI bounds must be > 0, got lower={lower!r}, upper={upper!r}")
    if lower >= upper:
        raise ValueError(f"lower must be < upper, got lower={lower!r}, upper={upper!r}")
    return (math.log(upper) - math.log(lower)) / (2.0 * _critical(level))


def from_ci(
    estimate: float,
    lower: float,
    upper: float,
    *,
    level: float = 0.95,
    log_scale: bool = True,
) -> FromCiResult:
    r"""Recover the Wald SE, z and two-sided p value from an estimate and its CI.

    Reports print a ratio with its CI far more often than its standard error; this
    reverses the Wald interval so that the printed p value can be checked and the
    estimate reused (posterior, pooling).

    Parameters
    ----------
    estimate : float
        The point estimate (a ratio such as an HR when ``log_scale``; a difference
        otherwise). It may lie outside ``[lower, upper]``: that is reported through
        ``asymmetry``, not rejected, because a mis-printed estimate is a finding.
    lower, upper : float
        The CI bounds, ``lower < upper``; both > 0 when ``log_scale``.
    level : float, default 0.95
        Confidence level of the CI, in (0, 1).
    log_scale : bool, default True
        Treat the CI as symmetric on the log scale (ratios: HR, RR, OR) with null 1;
        ``False`` treats it as symmetric on the natural scale (differences) with null 0.

    Returns
    -------
    FromCiResult
        ``estimate, lower, upper, level, log_scale, se, z, p, centre, asymmetry``.

    Raises
    ------
    ValueError
        If a value is not finite, ``level`` is outside (0, 1), ``lower >= upper``, or,
        with ``log_scale``, any of the three values is <= 0.

    Notes
    -----
    With :math:`c = \Phi^{-1}((1 + \text{level}) / 2)` (1.96 at 95%) and ``log_scale``
    [1]_:

    .. math::

        se = \frac{\ln u - \ln l}{2c}, \quad z = \frac{\ln \hat\theta}{se}, \quad
        p = 2\,(1 - \Phi(|z|)),

    and on the natural scale the same with the logarithms removed. ``p`` is computed as
    ``2 Φ(-|z|)``, which keeps its precision for very small p. The estimate (not the CI
    centre) enters ``z``, as in [1]_; ``asymmetry = ln θ̂ − (ln l + ln u)/2`` measures the
    difference. R has no single function for this; the reference is the same arithmetic
    in base R (``qnorm``/``pnorm``, ``tests/reference/effects.R``).

    A p value recovered this way is a Wald p value; a trial's printed p is usually a
    log-rank or stratified test and can differ (PALMIRA: 0.149 here, 0.206 printed).

    Edge cases (``docs/edge-cases.md``): a CI with a bound exactly at the null (HR 0.70,
    0.49–1.00) and the estimate at its centre gives :math:`|z| = c` in exact arithmetic,
    but floating point lands either side (R's ``2 * pnorm(-abs(z))`` gives
    0.05000000000000006, the same arithmetic here 0.04999999999999995, which would read as
    significant). When :math:`|z|` is within a relative 1e-12 of :math:`c`, ``z`` is set
    to :math:`\pm c` and ``p`` to ``1 - level`` rounded to 12 decimals (exactly 0.05 at
    95%), so a CI touching the null is never significant. An estimate of exactly 1 gives
    ``z = 0`` and ``p = 1``; ``lower == upper`` (no width) raises ``ValueError``.

    References
    ----------
    .. [1] Altman DG, Bland JM. How to obtain the P value from a confidence interval.
       BMJ 2011;343:d2090.

    Examples
    --------
    PALMIRA PFS, HR 0.8 (95% CI 0.6–1.1), printed p = 0.206:

    >>> res = from_ci(0.8, 0.6, 1.1)
    >>> round(res.se, 4), round(res.z, 3), round(res.p, 3)
    (0.1546, -1.443, 0.149)
    >>> round(res.centre, 3), round(res.asymmetry, 4)
    (0.812, -0.0154)
    """
    _check_level(level)
    _check_finite(estimate=estimate, lower=lower, upper=upper)
    if log_scale:
        if estimate <= 0.0:
            raise ValueError(f"ratio estimate must be > 0, got {estimate!r}")
        se = _se_log(lower, upper, level)
        log_centre = (math.log(lower) + math.log(upper)) / 2.0
        centre = math.exp(log_centre)
        z = math.log(estimate) / se
        asymmetry = math.log(estimate) - log_centre
    else:
        if lower >= upper:
            raise ValueError(f"lower must be < upper, got lower={lower!r}, upper={upper!r}")
        se = (upper - lower) / (2.0 * _critical(level))
        centre = (lower + upper) / 2.0
        z = estimate / se
        asymmetry = estimate - centre
    crit = _critical(level)
    if abs(abs(z) - crit) <= _BOUNDARY_RTOL * crit:
        # The null sits on a CI bound (estimate at the centre): p is 1 - level by
        # construction; take it exactly, so that float noise cannot make it "significant".
        z = math.copysign(crit, z)
        p = round(1.0 - level, 12)
    else:
        p = float(2.0 * ndtr(-abs(z)))
    return FromCiResult(
        estimate=float(estimate),
        lower=float(lower),
        upper=float(upper),
        level=float(level),
        log_scale=bool(log_scale),
        se=float(se),
        z=float(z),
        p=p,
        centre=float(centre),
        asymmetry=float(asymmetry),
    )


def sceptical_prior_sd(hr_alt: float, *, tail_probability: float = 0.05) -> float:
    r"""Prior SD (log scale) of a sceptical prior centred on no effect.

    Spiegelhalter's sceptical prior is normal on the log ratio, centred at 0 (ratio 1),
    with so little spread that an effect as large as the one the trial was designed to
    detect has only a small prior probability [1]_.

    Parameters
    ----------
    hr_alt : float
        The ratio under the alternative hypothesis (PALMIRA: 0.59), > 0 and != 1.
    tail_probability : float, default 0.05
        Prior probability of a ratio at least as extreme as ``hr_alt``, in (0, 0.5).

    Returns
    -------
    float
        ``sd`` such that ``P(ratio < hr_alt) = tail_probability`` when ``hr_alt < 1``
        (``P(ratio > hr_alt)`` when ``hr_alt > 1``) under ``N(0, sd²)`` on the log scale.

    Raises
    ------
    ValueError
        If ``hr_alt <= 0``, ``hr_alt == 1`` or ``tail_probability`` is outside (0, 0.5).

    Notes
    -----
    :math:`sd = |\ln \text{hr}_{alt}| / \Phi^{-1}(1 - \text{tail})`. The same value
    centred at ``hr_alt`` instead of 1 is the matching *enthusiastic* prior [1]_ §5.5.3.
    Checked against the same arithmetic in base R (``tests/reference/effects.R``).

    References
    ----------
    .. [1] Spiegelhalter DJ, Abrams KR, Myles JP. Bayesian Approaches to Clinical Trials
       and Health-Care Evaluation. Wiley, 2004, §5.5.

    Examples
    --------
    PALMIRA was designed for HR 0.59:

    >>> round(sceptical_prior_sd(0.59), 4)
    0.3208
    """
    _check_finite(hr_alt=hr_alt, tail_probability=tail_probability)
    if hr_alt <= 0.0 or hr_alt == 1.0:
        raise ValueError(f"hr_alt must be > 0 and != 1, got {hr_alt!r}")
    if not 0.0 < tail_probability < 0.5:
        raise ValueError(f"tail_probability must be in (0, 0.5), got {tail_probability!r}")
    return float(abs(math.log(hr_alt)) / ndtri(1.0 - tail_probability))


def posterior(
    estimate: float,
    lower: float,
    upper: float,
    *,
    level: float = 0.95,
    threshold: float = 1.0,
    prior_mean: float = 1.0,
    prior_sd: float | None = None,
) -> PosteriorResult:
    r"""Posterior of a ratio from its estimate and CI under a normal prior on the log scale.

    Answers "how likely is it that the treatment truly works (ratio < 1), or works by a
    clinically relevant amount (ratio < threshold)?" for a sceptical reader, an
    enthusiastic one, or one with no prior opinion.

    Parameters
    ----------
    estimate, lower, upper : float
        Ratio estimate and its CI (all > 0, ``lower < upper``); the SE of the log ratio
        is recovered as in :func:`from_ci`.
    level : float, default 0.95
        Level of the given CI, and of the returned credible interval.
    threshold : float, default 1.0
        Ratio below which ``probability`` is computed (> 0).
    prior_mean : float, default 1.0
        Prior centre on the ratio scale (> 0); the prior is centred at its log.
    prior_sd : float or None, default None
        Prior SD of the log ratio (> 0). ``None`` (or ``inf``) is the flat prior, for
        which the posterior equals the likelihood. See :func:`sceptical_prior_sd`.

    Returns
    -------
    PosteriorResult
        ``probability, mean, lower, upper, level, sd, prior_mean, prior_sd, threshold``.
        ``mean`` is ``exp`` of the posterior mean of the log ratio, i.e. the posterior
        *median* of the ratio.

    Raises
    ------
    ValueError
        On non-positive ratios, ``lower >= upper``, ``level`` outside (0, 1),
        ``threshold <= 0`` or ``prior_sd <= 0``.

    Notes
    -----
    Likelihood :math:`\ln\hat\theta \sim N(\ln\theta, se^2)`, prior
    :math:`\ln\theta \sim N(\mu_0, \sigma_0^2)` with :math:`\mu_0 = \ln`
    ``prior_mean``. The posterior is normal with precision
    :math:`1/se^2 + 1/\sigma_0^2` and mean the precision-weighted average of
    :math:`\ln\hat\theta` and :math:`\mu_0` [1]_ §3.2;
    ``probability`` :math:`= \Phi((\ln t - m)/s)`. The printed estimate (not the CI
    centre) is the likelihood's mean, as in :func:`from_ci`. There is no R function for
    this; the reference is the same arithmetic in base R (``tests/reference/effects.R``).

    References
    ----------
    .. [1] Spiegelhalter DJ, Abrams KR, Myles JP. Bayesian Approaches to Clinical Trials
       and Health-Care Evaluation. Wiley, 2004.

    Examples
    --------
    PALMIRA, HR 0.8 (0.6–1.1): with a flat prior, P(HR < 1) is 0.93; a sceptical prior
    built on the design HR 0.59 lowers it to 0.90.

    >>> round(posterior(0.8, 0.6, 1.1).probability, 3)
    0.926
    >>> sd0 = sceptical_prior_sd(0.59)
    >>> res = posterior(0.8, 0.6, 1.1, prior_sd=sd0)
    >>> round(res.probability, 3), round(res.mean, 3)
    (0.903, 0.834)
    """
    _check_level(level)
    _check_finite(estimate=estimate, threshold=threshold, prior_mean=prior_mean)
    if estimate <= 0.0:
        raise ValueError(f"ratio estimate must be > 0, got {estimate!r}")
    if threshold <= 0.0:
        raise ValueError(f"threshold must be > 0, got {threshold!r}")
    if prior_mean <= 0.0:
        raise ValueError(f"prior_mean must be > 0, got {prior_mean!r}")
    if prior_sd is not None and (math.isnan(prior_sd) or prior_sd <= 0.0):
        raise ValueError(f"prior_sd must be > 0 or None (flat prior), got {prior_sd!r}")
    se = _se_log(lower, upper, level)

    precision = 1.0 / se**2
    weighted = math.log(estimate) * precision
    if prior_sd is not None and math.isfinite(prior_sd):
        prior_precision = 1.0 / prior_sd**2
        precision += prior_precision
        weighted += math.log(prior_mean) * prior_precision
    mean_log = weighted / precision
    sd = math.sqrt(1.0 / precision)
    crit = _critical(level)
    return PosteriorResult(
        probability=float(ndtr((math.log(threshold) - mean_log) / sd)),
        mean=math.exp(mean_log),
        lower=math.exp(mean_log - crit * sd),
        upper=math.exp(mean_log + crit * sd),
        level=float(level),
        sd=sd,
        prior_mean=float(prior_mean),
        prior_sd=None if prior_sd is None or math.isinf(prior_sd) else float(prior_sd),
        threshold=float(threshold),
    )
