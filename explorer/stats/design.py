"""Design of a two-arm time-to-event trial: events, power, detectable effect, sample size.

The log-rank test compares a treatment arm with a control arm; the number of *events*
(not patients) carries its information. ``events_required`` and ``power`` use Schoenfeld's
or Freedman's approximation, ``detectable_hr`` inverts Schoenfeld's, and ``sample_size``
turns events into patients under exponential survival, uniform accrual and exponential
dropout. Every number matches R's ``rpact`` (3.3.4): see ``tests/reference/design.R``.

Conventions shared by every function:

* ``ratio`` is the allocation treatment : control; ``ratio=2.0`` means 2:1.
* ``alpha`` is the total type I error; ``sides=2`` puts ``alpha / 2`` in each tail.
* ``hr`` is the hazard ratio treatment / control; ``hr < 1`` favours treatment. An effect
  of harm (``hr > 1``) is handled symmetrically: the one-sided test is in the direction
  of ``hr``.
* Times are in months.
"""

from __future__ import annotations

import math

from scipy.special import ndtr, ndtri

from explorer.stats._results import Result, result

__all__ = [
    "SampleSizeResult",
    "detectable_hr",
    "events_required",
    "power",
    "sample_size",
]

_METHODS = ("schoenfeld", "freedman")

# rpact's dropoutTime default: a dropout rate is the probability of dropping out within it.
_DROPOUT_TIME_MONTHS = 12.0


@result
class SampleSizeResult(Result):
    """Patients and events a two-arm time-to-event trial needs.

    Attributes
    ----------
    n_total : float
        Patients to randomise, ``events / event_probability``, unrounded.
    n_treatment, n_control : float
        ``n_total`` split by the allocation ratio, unrounded.
    events : float
        Events required at the analysis (as ``events_required``), unrounded.
    event_probability : float
        Allocation-weighted probability that a randomised patient has an observed event by
        the analysis: ``(ratio * event_probability_treatment + event_probability_control)
        / (1 + ratio)``.
    event_probability_treatment, event_probability_control : float
        The same probability in each arm.
    control_hazard, treatment_hazard : float
        Exponential event hazards per month: ``ln 2 / control_median`` and
        ``hr * control_hazard``.
    treatment_median : float
        Median time to event in the treatment arm, ``control_median / hr`` (months).
    dropout_hazard : float
        Exponential dropout hazard per month, ``-ln(1 - dropout_rate) / 12``.
    accrual_intensity : float
        Patients randomised per month, ``n_total / accrual_time``.
    study_duration : float
        Months from the first randomisation to the analysis, ``accrual_time + follow_up``.
    """

    n_total: float
    n_treatment: float
    n_control: float
    events: float
    event_probability: float
    event_probability_treatment: float
    event_probability_control: float
    control_hazard: float
    treatment_hazard: float
    treatment_median: float
    dropout_hazard: float
    accrual_intensity: float
    study_duration: float


def events_required(
    hr: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    sides: int = 2,
    method: str = "schoenfeld",
) -> float:
    r"""Events a log-rank test needs to detect a hazard ratio with a given power.

    The information of a log-rank test grows with the number of events, whatever the
    number of patients, so the design starts here; ``sample_size`` turns the events into
    patients.

    Parameters
    ----------
    hr : float
        Hypothesised hazard ratio, treatment / control; > 0 and not 1. Benefit (< 1) and
        harm (> 1) are both allowed.
    alpha : float, optional
        Total significance level, in (0, 1). Default 0.05.
    power : float, optional
        Target power, in (alpha / sides, 1). Default 0.8.
    ratio : float, optional
        Allocation ratio treatment : control, > 0. Default 1.0 (1:1).
    sides : {1, 2}, optional
        One- or two-sided test; two-sided splits alpha in half. Default 2.
    method : {"schoenfeld", "freedman"}, optional
        Approximation to the log-rank statistic. Default "schoenfeld".

    Returns
    -------
    float
        The number of events, unrounded (round up to plan a trial).

    Raises
    ------
    ValueError
        If ``hr`` is not positive and finite or equals 1 (no finite number of events
        detects no effect), if ``alpha`` or ``power`` is outside (0, 1), if ``power`` is
        not above ``alpha / sides``, if ``ratio <= 0``, if ``sides`` is not 1 or 2, or if
        ``method`` is unknown.

    See Also
    --------
    power : the power that a number of events gives.
    detectable_hr : the hazard ratio that a number of events detects.
    sample_size : patients needed for these events.

    Notes
    -----
    With :math:`z = z_{1-\alpha/s} + z_{1-\beta}` (:math:`s` = ``sides``), :math:`r` =
    ``ratio`` and :math:`\theta` = ``hr``:

    * Schoenfeld [1]_: :math:`D = z^2 (1 + r)^2 / (r \log^2\theta)`.
    * Freedman [2]_: :math:`D = z^2 (1 + r\theta)^2 / (r (1 - \theta)^2)`.

    Schoenfeld's formula depends on :math:`|\log\theta|` only, so ``hr`` and ``1 / hr``
    need the same events. Freedman's does not: ``hr`` with ``ratio`` needs the same events
    as ``1 / hr`` with ``1 / ratio`` (the arms swapped).

    The power is that of the tail in the hypothesised direction, as in rpact's
    ``getSampleSizeSurvival`` (its "Two-sided power: FALSE"); the result equals its
    ``$eventsFixed`` for both methods and any ratio (``typeOfComputation = "Schoenfeld"``
    or ``"Freedman"``), checked to a relative 1e-9.

    Limits (``docs/edge-cases.md``): HR 1 raises ``ValueError`` (rpact: "each hazard ratio
    (1) must be unequal to 'thetaH0'"); HR near 1 gives very many events (31.4 million
    at HR 0.999), as rpact. rpact accepts only alpha in [1e-6, 0.5) and power in
    [0.05, 0.9999]; here any alpha in (0, 1) and power in (alpha / sides, 1) give the
    formula's value (at alpha 1e-6 and 0.4 the same as rpact).

    References
    ----------
    .. [1] Schoenfeld DA. Sample-size formula for the proportional-hazards regression
       model. Biometrics. 1983;39(2):499-503.
    .. [2] Freedman LS. Tables of the number of patients required in clinical trials using
       the logrank test. Stat Med. 1982;1(2):121-129.

    Examples
    --------
    PALMIRA's design: 2:1, two-sided alpha 0.05, 80% power to detect HR 0.59.

    >>> round(events_required(0.59, ratio=2.0), 2)
    126.87
    >>> round(events_required(0.59, ratio=2.0, method="freedman"), 2)
    110.95
    """
    _check_hr(hr, allow_one=False)
    _check_common(alpha=alpha, ratio=ratio, sides=sides)
    _check_power(power, alpha=alpha, sides=sides)
    _check_method(method)
    z = _z_alpha(alpha, sides) + float(ndtri(power))
    return float(z * z / _drift_per_event(hr, ratio, method) ** 2)


def power(
    events: float,
    hr: float,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    sides: int = 2,
    method: str = "schoenfeld",
) -> float:
    r"""Power of a log-rank test with a given number of events.

    Parameters
    ----------
    events : float
        Number of events at the analysis, > 0 (need not be whole).
    hr : float
        Hypothesised hazard ratio, treatment / control, > 0. ``hr == 1`` is allowed and
        gives the type I error (``alpha``).
    alpha : float, optional
        Total significance level, in (0, 1). Default 0.05.
    ratio : float, optional
        Allocation ratio treatment : control, > 0. Default 1.0 (1:1).
    sides : {1, 2}, optional
        One- or two-sided test; two-sided splits alpha in half. Default 2.
    method : {"schoenfeld", "freedman"}, optional
        Approximation to the log-rank statistic. Default "schoenfeld".

    Returns
    -------
    float
        The probability of rejecting the null hypothesis HR = 1.

    Raises
    ------
    ValueError
        If ``events <= 0``, ``hr`` is not positive and finite, ``alpha`` is outside
        (0, 1), ``ratio <= 0``, ``sides`` is not 1 or 2, or ``method`` is unknown.

    See Also
    --------
    events_required : the inverse, events for a target power.

    Notes
    -----
    The log-rank statistic is approximately normal with mean :math:`\mu` and variance 1:
    Schoenfeld [1]_ :math:`\mu = |\log\theta| \sqrt{r D} / (1 + r)`, Freedman [2]_
    :math:`\mu = |1 - \theta| \sqrt{r D} / (1 + r\theta)`. With
    :math:`c = z_{1-\alpha/s}`,

    * one-sided (test in the direction of ``hr``): :math:`\Phi(\mu - c)`;
    * two-sided: :math:`\Phi(\mu - c) + \Phi(-\mu - c)`, both tails.

    The two-sided power includes the opposite tail (rejecting in the wrong direction), as
    rpact's ``getPowerSurvival()$overallReject`` does, so ``power(d, 1.0)`` is ``alpha``
    (to rounding). That tail is tiny at a realistic power (about 1e-6 at 80% and alpha 0.05),
    so ``power(events_required(hr, power=p), hr)`` is ``p`` plus
    :math:`\Phi(-2c - z_p)`, while ``events_required`` (like rpact's
    ``getSampleSizeSurvival``) ignores it.

    Difference from rpact: ``getPowerSurvival`` with ``sided = 1`` tests H1: HR > 1 unless
    told ``directionUpper = FALSE``; here the one-sided test is always in the direction of
    ``hr`` (the reference passes ``directionUpper = hr > 1``). Checked against
    ``getPowerSurvival`` to a relative 1e-9.

    References
    ----------
    .. [1] Schoenfeld DA. Sample-size formula for the proportional-hazards regression
       model. Biometrics. 1983;39(2):499-503.
    .. [2] Freedman LS. Tables of the number of patients required in clinical trials using
       the logrank test. Stat Med. 1982;1(2):121-129.

    Examples
    --------
    PALMIRA analysed at 155 events (2:1, two-sided alpha 0.05): ample power for its
    planned HR 0.59, little for the HR 0.8 it observed.

    >>> round(power(155, 0.59, ratio=2.0), 4)
    0.8722
    >>> round(power(155, 0.8, ratio=2.0), 4)
    0.2583
    >>> round(power(155, 1.0, ratio=2.0), 12)  # no effect: the type I error
    0.05
    """
    _check_events(events)
    _check_hr(hr, allow_one=True)
    _check_common(alpha=alpha, ratio=ratio, sides=sides)
    _check_method(method)
    mu = _drift_per_event(hr, ratio, method) * math.sqrt(events)
    c = _z_alpha(alpha, sides)
    reject = float(ndtr(mu - c))
    if sides == 2:
        reject += float(ndtr(-mu - c))
    return reject


def detectable_hr(
    events: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    sides: int = 2,
) -> float:
    r"""Hazard ratio (< 1) that a number of events detects with a given power.

    Answers "what was this trial powered to find?" from its events alone. The effect of
    harm it detects with the same power is ``1 / detectable_hr(...)``.

    Parameters
    ----------
    events : float
        Number of events at the analysis, > 0.
    alpha : float, optional
        Total significance level, in (0, 1). Default 0.05.
    power : float, optional
        Target power, in (alpha / sides, 1). Default 0.8.
    ratio : float, optional
        Allocation ratio treatment : control, > 0. Default 1.0 (1:1).
    sides : {1, 2}, optional
        One- or two-sided test; two-sided splits alpha in half. Default 2.

    Returns
    -------
    float
        The detectable hazard ratio, in (0, 1).

    Raises
    ------
    ValueError
        If ``events <= 0``, ``alpha`` or ``power`` is outside (0, 1), ``power`` is not
        above ``alpha / sides``, ``ratio <= 0`` or ``sides`` is not 1 or 2.

    See Also
    --------
    events_required : its inverse (``events_required(detectable_hr(d)) == d``).

    Notes
    -----
    Schoenfeld's formula [1]_ solved for the hazard ratio:

    .. math:: \theta = \exp\left(-(z_{1-\alpha/s} + z_{1-\beta})(1 + r) / \sqrt{r D}\right)

    For so few events that the exponent underflows (fewer than about 1e-4 events at the
    usual alpha and power) the result is 0.0, the limit of the formula, not an error.

    It inverts ``events_required`` exactly, so, like rpact's ``getSampleSizeSurvival``, it
    counts the power of the hypothesised tail only. rpact has no such function; the
    reference solves ``getSampleSizeSurvival(...)$eventsFixed == events`` for the hazard
    ratio (agreement to a relative 1e-9). Solving ``getPowerSurvival(...)$overallReject ==
    power`` instead, which adds the opposite tail when two-sided, moves the result by less
    than a relative 1e-6 at realistic powers.

    References
    ----------
    .. [1] Schoenfeld DA. Sample-size formula for the proportional-hazards regression
       model. Biometrics. 1983;39(2):499-503.

    Examples
    --------
    PALMIRA's 155 events (2:1, two-sided alpha 0.05) had 80% power for HR 0.62:

    >>> round(detectable_hr(155, ratio=2.0), 4)
    0.6204
    """
    _check_events(events)
    _check_common(alpha=alpha, ratio=ratio, sides=sides)
    _check_power(power, alpha=alpha, sides=sides)
    z = _z_alpha(alpha, sides) + float(ndtri(power))
    return math.exp(-z * (1.0 + ratio) / math.sqrt(ratio * events))


def sample_size(
    hr: float,
    *,
    control_median: float,
    accrual_time: float,
    follow_up: float,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    sides: int = 2,
    dropout_rate: float = 0.0,
    method: str = "schoenfeld",
) -> SampleSizeResult:
    r"""Patients a two-arm time-to-event trial needs, under exponential survival.

    Parameters
    ----------
    hr : float
        Hypothesised hazard ratio, treatment / control; > 0 and not 1.
    control_median : float
        Median time to event in the control arm (months), > 0.
    accrual_time : float
        Duration of uniform accrual (months), > 0.
    follow_up : float
        Minimum follow-up (months) after accrual ends, >= 0; the analysis is at
        ``accrual_time + follow_up``.
    alpha : float, optional
        Total significance level, in (0, 1). Default 0.05.
    power : float, optional
        Target power, in (alpha / sides, 1). Default 0.8.
    ratio : float, optional
        Allocation ratio treatment : control, > 0. Default 1.0 (1:1).
    sides : {1, 2}, optional
        One- or two-sided test; two-sided splits alpha in half. Default 2.
    dropout_rate : float, optional
        Probability of dropping out within 12 months, in [0, 1), the same in both arms.
        Default 0.
    method : {"schoenfeld", "freedman"}, optional
        Approximation used for the events. Default "schoenfeld".

    Returns
    -------
    SampleSizeResult
        ``n_total, n_treatment, n_control, events, event_probability`` and the arm-level
        probabilities, hazards, treatment median, accrual intensity and study duration.
        Patients and events are unrounded.

    Raises
    ------
    ValueError
        On any invalid argument (as ``events_required``, plus ``control_median <= 0``,
        ``accrual_time <= 0``, ``follow_up < 0`` or ``dropout_rate`` outside [0, 1)).

    See Also
    --------
    events_required : the events this sample size delivers.

    Notes
    -----
    Events :math:`D` come from ``events_required``. Arm *i* has event hazard
    :math:`\lambda_i` (:math:`\lambda_2 = \ln 2 / m_2` in the control arm,
    :math:`\lambda_1 = \theta\lambda_2`) and dropout hazard
    :math:`\phi = -\ln(1 - q) / 12`, competing. A patient randomised uniformly over
    :math:`[0, a]` is followed for between :math:`f` and :math:`a + f` months, so the
    probability of an observed event by the analysis is [1]_

    .. math:: P_i = \frac{\lambda_i}{\lambda_i + \phi}\left(1 -
       \frac{e^{-(\lambda_i + \phi) f} - e^{-(\lambda_i + \phi)(a + f)}}
       {(\lambda_i + \phi)\, a}\right)

    and :math:`N = D / P` with :math:`P = (r P_1 + P_2) / (1 + r)`.

    Equal to rpact's ``getSampleSizeSurvival(lambda2 = log(2) / control_median,
    hazardRatio = hr, accrualTime = c(0, accrual_time), followUpTime = follow_up,
    allocationRatioPlanned = ratio, dropoutRate1 = dropout_rate, dropoutRate2 =
    dropout_rate, dropoutTime = 12, ...)``: ``$nFixed``, ``$nFixed1``, ``$nFixed2`` and
    ``$eventsFixed``, to a relative 1e-9. rpact 3.3.4 does not round these either (its
    printout shows one decimal); round ``n_treatment`` and ``n_control`` up yourself to
    plan a trial.

    References
    ----------
    .. [1] Lachin JM, Foulkes MA. Evaluation of sample size and power for analyses of
       survival with allowance for nonuniform patient entry, losses to follow-up,
       noncompliance, and stratification. Biometrics. 1986;42(3):507-519.

    Examples
    --------
    PALMIRA-like: HR 0.59, control median PFS 3.6 months, 42 months of accrual, 6 of
    follow-up, 2:1, two-sided alpha 0.05, 80% power.

    >>> res = sample_size(0.59, control_median=3.6, accrual_time=42.0, follow_up=6.0,
    ...                   ratio=2.0)
    >>> round(res.events, 2), round(res.n_total, 2), round(res.event_probability, 4)
    (126.87, 138.36, 0.9169)
    """
    _check_positive("control_median", control_median)
    _check_positive("accrual_time", accrual_time)
    if not (math.isfinite(follow_up) and follow_up >= 0.0):
        raise ValueError(f"follow_up must be finite and >= 0, got {follow_up!r}")
    if not (math.isfinite(dropout_rate) and 0.0 <= dropout_rate < 1.0):
        raise ValueError(f"dropout_rate must be in [0, 1), got {dropout_rate!r}")
    events = events_required(hr, alpha=alpha, power=power, ratio=ratio, sides=sides, method=method)
    control_hazard = math.log(2.0) / control_median
    treatment_hazard = hr * control_hazard
    dropout_hazard = -math.log1p(-dropout_rate) / _DROPOUT_TIME_MONTHS
    p_treatment = _event_probability(treatment_hazard, dropout_hazard, accrual_time, follow_up)
    p_control = _event_probability(control_hazard, dropout_hazard, accrual_time, follow_up)
    p = (ratio * p_treatment + p_control) / (1.0 + ratio)
    n_total = events / p
    return SampleSizeResult(
        n_total=n_total,
        n_treatment=n_total * ratio / (1.0 + ratio),
        n_control=n_total / (1.0 + ratio),
        events=events,
        event_probability=p,
        event_probability_treatment=p_treatment,
        event_probability_control=p_control,
        control_hazard=control_hazard,
        treatment_hazard=treatment_hazard,
        treatment_median=control_median / hr,
        dropout_hazard=dropout_hazard,
        accrual_intensity=n_total / accrual_time,
        study_duration=float(accrual_time + follow_up),
    )


def _event_probability(
    hazard: float, dropout_hazard: float, accrual_time: float, follow_up: float
) -> float:
    """P(event observed by the analysis) for uniform entry over [0, accrual_time]."""
    total = hazard + dropout_hazard
    # Mean over entry of exp(-total * time followed), time followed ~ U(f, a + f).
    still_at_risk = (
        math.exp(-total * follow_up) * -math.expm1(-total * accrual_time) / (total * accrual_time)
    )
    return hazard / total * (1.0 - still_at_risk)


def _drift_per_event(hr: float, ratio: float, method: str) -> float:
    """Mean of the log-rank z statistic per sqrt(event), in the direction of hr."""
    if method == "schoenfeld":
        return abs(math.log(hr)) * math.sqrt(ratio) / (1.0 + ratio)
    return abs(1.0 - hr) * math.sqrt(ratio) / (1.0 + ratio * hr)


def _z_alpha(alpha: float, sides: int) -> float:
    """Critical value z_{1 - alpha / sides}."""
    return float(-ndtri(alpha / sides))


def _check_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")


def _check_hr(hr: float, *, allow_one: bool) -> None:
    _check_positive("hr", hr)
    if hr == 1.0 and not allow_one:
        raise ValueError("hr must differ from 1: no finite number of events detects HR 1")


def _check_events(events: float) -> None:
    _check_positive("events", events)


def _check_common(*, alpha: float, ratio: float, sides: int) -> None:
    if not (math.isfinite(alpha) and 0.0 < alpha < 1.0):
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    _check_positive("ratio", ratio)
    if sides not in (1, 2):
        raise ValueError(f"sides must be 1 or 2, got {sides!r}")


def _check_power(power: float, *, alpha: float, sides: int) -> None:
    if not (math.isfinite(power) and 0.0 < power < 1.0):
        raise ValueError(f"power must be in (0, 1), got {power!r}")
    if power <= alpha / sides:
        raise ValueError(
            f"power must exceed alpha / sides = {alpha / sides!r} (the power at HR 1), "
            f"got {power!r}"
        )


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
