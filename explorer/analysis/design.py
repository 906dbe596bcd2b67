"""The trial's design re-examined: what it was powered for, and what it could detect.

:class:`DesignInputs` holds the design parameters (seeded from the evidence, then
editable in the Design panel); :func:`evaluate` turns them into the events
required, the sample size, power at the observed events and the smallest detectable
hazard ratio; :func:`power_curve` gives the power over a grid of hazard ratios, and
:func:`design_curve` bundles it with the design and observed points for a plot.
:func:`result_figures` writes each result as a :class:`~explorer.analysis.figures.Figure`
whose derivation names the formula and every input (saying "what-if" when an input
differs from the reported design). :func:`add_design_figures` records the reported
design's numbers, with derivations, for the summary and the audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from explorer.evidence import Evidence, TimeToEventEndpoint
from explorer.stats import design

from .arms import primary_pair
from .figures import DERIVED, REPORTED, Figure, FigureSet, computed, describe_source, format_number

#: Follow-up after the end of accrual used for the sample size when none is reported
#: (months). PALMIRA reports none; 6 months is 1.7 control-arm medians (3.6 months), so
#: nearly every control patient has had an event by the analysis, as at a PFS analysis
#: in this setting. It is an assumption, labelled as such wherever it is shown.
ASSUMED_FOLLOW_UP_MONTHS = 6.0

#: Where the source reports no sample-size calculation (format 1.2), the calculator
#: starts from these values. They are the user's assumptions, never the trial's, and
#: every label and derivation says so (status "unreported" in :func:`input_origins`).
UNREPORTED_STARTING_VALUES = {"hr": 0.7, "alpha": 0.05, "sides": 2, "power": 0.8, "ratio": 1.0}

#: The inputs a user may change, in the order the Design panel shows them.
EDITABLE_FIELDS = (
    "hr",
    "alpha",
    "sides",
    "power",
    "ratio",
    "method",
    "control_median",
    "accrual_time",
    "follow_up",
    "dropout_rate",
)

#: What each editable input is, in words.
INPUT_LABELS = {
    "hr": "Hypothesised hazard ratio",
    "alpha": "Type I error α",
    "sides": "Test sides",
    "power": "Target power",
    "ratio": "Allocation (treatment : control)",
    "method": "Events formula",
    "control_median": "Control median",
    "accrual_time": "Accrual",
    "follow_up": "Follow-up after accrual",
    "dropout_rate": "Dropout within 12 months",
}

METHOD_NAMES = {"schoenfeld": "Schoenfeld", "freedman": "Freedman"}

# Hazard ratios the power curve spans at least: wide enough for PALMIRA's design HR
# (0.59) and its observed CI (0.6-1.1) with a margin, on a log scale.
_CURVE_MIN_HR = 0.4
_CURVE_MAX_HR = 1.25
_CURVE_POINTS = 241


@dataclass(frozen=True)
class DesignInputs:
    """Design parameters of a two-arm time-to-event trial.

    The Design panel keeps one of these as its state and replaces it
    (``dataclasses.replace``) on every control change; :func:`evaluate` is cheap
    (closed forms), so each change is evaluated in full.

    Attributes
    ----------
    hr : float
        Hypothesised hazard ratio (treatment : control).
    alpha : float
        Total type I error.
    sides : int
        1 or 2; with 2, alpha is split equally between the tails.
    power : float
        Target power, as a proportion.
    ratio : float
        Allocation ratio treatment : control (2.0 means 2:1).
    method : str
        ``"schoenfeld"`` or ``"freedman"`` for the events formula.
    observed_events : float or None
        Events at the analysis, when reported.
    observed_hr : float or None
        The estimated hazard ratio at the analysis, when reported.
    control_median, accrual_time, follow_up, dropout_rate : float or None
        For the sample size (months; dropout as the probability of loss within 12 months).
    observed_hr_lower, observed_hr_upper, observed_hr_level : float or None
        The confidence interval of ``observed_hr`` and its level, when reported.
    """

    hr: float
    alpha: float = 0.05
    sides: int = 2
    power: float = 0.8
    ratio: float = 1.0
    method: str = "schoenfeld"
    observed_events: float | None = None
    observed_hr: float | None = None
    control_median: float | None = None
    accrual_time: float | None = None
    follow_up: float | None = None
    dropout_rate: float = 0.0
    observed_hr_lower: float | None = None
    observed_hr_upper: float | None = None
    observed_hr_level: float | None = None


@dataclass(frozen=True)
class DesignResult:
    """What a set of :class:`DesignInputs` implies.

    Attributes
    ----------
    inputs : DesignInputs
        What was evaluated.
    events_required : float
        Events the log-rank test needs for ``inputs.hr`` at the target power (unrounded).
    power_at_observed : float or None
        Power at the observed events for ``inputs.hr`` (proportion).
    power_for_observed_hr : float or None
        Power at the observed events for the observed hazard ratio (proportion).
    detectable_hr : float or None
        Smallest hazard ratio the observed events detect at the target power (Schoenfeld).
    events_for_observed_hr : float or None
        Events needed to detect the observed hazard ratio at the target power.
    n_total, n_treatment, n_control : float or None
        Patients to randomise (unrounded), in all and by arm; ``None`` without a control
        median, accrual or follow-up.
    event_probability : float or None
        Probability that a randomised patient has an event by the analysis.
    curve_events : float or None
        Events at which :func:`design_curve` draws the power curve: the observed events,
        or the events required when none were reported.
    """

    inputs: DesignInputs
    events_required: float
    power_at_observed: float | None
    power_for_observed_hr: float | None
    detectable_hr: float | None
    events_for_observed_hr: float | None
    n_total: float | None
    event_probability: float | None
    n_treatment: float | None = None
    n_control: float | None = None
    curve_events: float | None = None


@dataclass(frozen=True)
class InputOrigin:
    """Where the reported value of one design input comes from.

    Attributes
    ----------
    field : str
        The :class:`DesignInputs` field.
    label : str
        What the input is, in words.
    status : str
        ``"reported"`` (printed), ``"derived"`` (computed from printed figures),
        ``"observed"`` (a reported result standing in for an unreported design
        assumption), ``"assumed"`` (not reported; a stated default) or
        ``"unreported"`` (a design parameter the source does not give at all: the
        value is the user's assumption, see :data:`UNREPORTED_STARTING_VALUES`).
    note : str
        One or two sentences for a tooltip: the quote, or why the value was chosen.
    """

    field: str
    label: str
    status: str
    note: str

    @property
    def short(self) -> str:
        """A few words for beside the control: "reported", "assumption", ..."""
        return {
            "reported": "reported",
            "derived": "from the accrual dates",
            "observed": "observed, not the design's",
            "assumed": "assumption",
            "unreported": "not reported: your assumption",
        }.get(self.status, self.status)


@dataclass(frozen=True, eq=False)
class DesignCurve:
    """Everything a power-curve plot draws, as plain numbers and float64 arrays.

    Attributes
    ----------
    hr, power : numpy.ndarray
        The grid of hazard ratios and the power at each (proportion), from
        :func:`power_curve` at ``events``.
    events : float
        Events the curve is drawn at.
    events_observed : bool
        True when ``events`` are the observed events, False when the events required.
    method : str
        The events formula (``"schoenfeld"`` or ``"freedman"``).
    target_power : float
        The target power (proportion).
    design_hr, design_power : float
        The hypothesised hazard ratio and the curve's power there.
    observed_hr, observed_power : float or None
        The observed hazard ratio and the curve's power there.
    observed_lower, observed_upper, observed_level : float or None
        The observed hazard ratio's confidence interval and level.
    """

    hr: np.ndarray
    power: np.ndarray
    events: float
    events_observed: bool
    method: str
    target_power: float
    design_hr: float
    design_power: float
    observed_hr: float | None
    observed_power: float | None
    observed_lower: float | None
    observed_upper: float | None
    observed_level: float | None


def inputs_from_evidence(evidence: Evidence) -> DesignInputs:
    """Design inputs as reported: hypothesised HR, alpha, sides, power, allocation.

    The observed control-arm median stands in for the design's assumed one, the accrual
    period is counted from its printed dates, and the follow-up after accrual, never
    reported in PALMIRA, is :data:`ASSUMED_FOLLOW_UP_MONTHS` (see :func:`input_origins`
    for how each is labelled).
    """
    d = evidence.design
    primary = evidence.primary_endpoint
    pair = primary_pair(evidence)
    observed_hr = lower = upper = level = None
    control_median = None
    if isinstance(primary, TimeToEventEndpoint):
        if primary.effect is not None and primary.effect.kind == "HR":
            estimate = primary.effect.estimate
            observed_hr = estimate.value
            lower, upper, level = estimate.lower, estimate.upper, estimate.level
        med = primary.medians.get(pair.control.id) if pair is not None else None
        control_median = med.value if med is not None else None
    events = d.events_at_analysis.value if d.events_at_analysis is not None else None
    accrual = _accrual_months(d.accrual.start, d.accrual.end) if d.accrual else None
    start = UNREPORTED_STARTING_VALUES
    return DesignInputs(
        hr=d.hypothesised_hr.value if d.hypothesised_hr is not None else start["hr"],
        alpha=d.alpha.value if d.alpha is not None else start["alpha"],
        sides=d.sides if d.sides is not None else start["sides"],
        power=(_proportion(d.power.value, d.power.unit) if d.power is not None else start["power"]),
        ratio=_reported_ratio(evidence),
        observed_events=events,
        observed_hr=observed_hr,
        control_median=control_median,
        accrual_time=accrual,
        follow_up=ASSUMED_FOLLOW_UP_MONTHS,
        observed_hr_lower=lower,
        observed_hr_upper=upper,
        observed_hr_level=level,
    )


def _reported_ratio(evidence: Evidence) -> float:
    """The allocation ratio of the primary comparison, or the starting assumption.

    The design's ratio when reported; else the allocation weights of the primary pair
    (e.g. PACE's 2:1 for F + P against F in a 1:2:1 design); else 1:1.
    """
    d = evidence.design
    if d.allocation_ratio is not None:
        return d.allocation_ratio.value
    pair = primary_pair(evidence)
    if pair is not None:
        t, c = d.allocation.get(pair.treatment.id), d.allocation.get(pair.control.id)
        if t and c:
            return t / c
    return UNREPORTED_STARTING_VALUES["ratio"]


def evaluate(inputs: DesignInputs) -> DesignResult:
    """Compute everything the Design panel and summary show for ``inputs``.

    Closed forms only (``explorer.stats.design``), so it is cheap enough to call on
    every change of a control.

    Examples
    --------
    PALMIRA's design (2:1, two-sided α 0.05, 80% power, HR 0.59) analysed at 155 events:

    >>> res = evaluate(DesignInputs(hr=0.59, ratio=2.0, observed_events=155, observed_hr=0.8))
    >>> round(res.events_required, 1), round(100 * res.power_at_observed, 1)
    (126.9, 87.2)
    >>> round(res.detectable_hr, 3), round(100 * res.power_for_observed_hr, 1)
    (0.62, 25.8)
    """
    common = dict(alpha=inputs.alpha, ratio=inputs.ratio, sides=inputs.sides)
    required = design.events_required(inputs.hr, power=inputs.power, method=inputs.method, **common)
    power_obs = power_hr = detectable = events_obs_hr = None
    if inputs.observed_events:
        power_obs = design.power(inputs.observed_events, inputs.hr, method=inputs.method, **common)
        detectable = design.detectable_hr(inputs.observed_events, power=inputs.power, **common)
        if inputs.observed_hr and inputs.observed_hr != 1:
            power_hr = design.power(
                inputs.observed_events, inputs.observed_hr, method=inputs.method, **common
            )
    if inputs.observed_hr and inputs.observed_hr != 1:
        events_obs_hr = design.events_required(
            inputs.observed_hr, power=inputs.power, method=inputs.method, **common
        )
    n_total = n_treatment = n_control = event_probability = None
    if inputs.control_median and inputs.accrual_time and inputs.follow_up is not None:
        ss = design.sample_size(
            inputs.hr,
            control_median=inputs.control_median,
            accrual_time=inputs.accrual_time,
            follow_up=inputs.follow_up,
            power=inputs.power,
            dropout_rate=inputs.dropout_rate,
            method=inputs.method,
            **common,
        )
        n_total, event_probability = ss.n_total, ss.event_probability
        n_treatment, n_control = ss.n_treatment, ss.n_control
    return DesignResult(
        inputs=inputs,
        events_required=required,
        power_at_observed=power_obs,
        power_for_observed_hr=power_hr,
        detectable_hr=detectable,
        events_for_observed_hr=events_obs_hr,
        n_total=n_total,
        event_probability=event_probability,
        n_treatment=n_treatment,
        n_control=n_control,
        curve_events=inputs.observed_events or required,
    )


def power_curve(
    inputs: DesignInputs, hrs: np.ndarray, *, events: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Power of the log-rank test over a grid of true hazard ratios, vectorised.

    Answers "how likely was this trial to succeed if the true effect were θ?" for every
    θ on the grid at once, so a plot can redraw within a frame.

    Parameters
    ----------
    inputs : DesignInputs
        Alpha, sides, allocation, events formula and the design HR (which sets the
        direction of a one-sided test).
    hrs : array_like
        True hazard ratios (treatment : control), all > 0 and finite.
    events : float, optional
        Events at the analysis; default ``inputs.observed_events``, or the events
        required by the design when none were reported.

    Returns
    -------
    hrs : numpy.ndarray
        The grid, as float64 (a copy).
    power : numpy.ndarray
        The probability of rejecting HR = 1 at each hazard ratio (proportion).

    Raises
    ------
    ValueError
        If any hazard ratio is not positive and finite, ``events`` is not positive, or
        the method is unknown.

    Notes
    -----
    The same approximation as :func:`explorer.stats.design.power`, on arrays: the
    log-rank statistic is normal with variance 1 and mean
    :math:`\mu = -\ln\theta\,\sqrt{rD}/(1 + r)` (Schoenfeld) or
    :math:`\mu = (1 - \theta)\sqrt{rD}/(1 + r\theta)` (Freedman); with
    :math:`c = z_{1-\alpha/s}` the power is :math:`\Phi(\mu - c) + \Phi(-\mu - c)`
    two-sided (both tails, so it is α at θ = 1) and :math:`\Phi(\pm\mu - c)` one-sided,
    the sign set by the direction of the design HR. Where the true HR lies on the
    design's side of 1 (or the test is two-sided) this equals ``stats.design.power``;
    beyond 1 a one-sided test of benefit has power below α, where
    ``stats.design.power`` would instead test in the direction of each θ.

    Examples
    --------
    >>> hrs, pw = power_curve(DesignInputs(hr=0.59, ratio=2.0), [0.59, 0.8, 1.0], events=155)
    >>> [round(float(p), 4) for p in pw]
    [0.8722, 0.2583, 0.05]
    """
    grid = np.array(hrs, dtype=np.float64)
    if not np.all(np.isfinite(grid) & (grid > 0)):
        raise ValueError("hazard ratios must be positive and finite")
    d = curve_events(inputs) if events is None else float(events)
    if not (math.isfinite(d) and d > 0):
        raise ValueError(f"events must be finite and > 0, got {d!r}")
    root_r = math.sqrt(inputs.ratio)
    if inputs.method == "schoenfeld":
        drift = -np.log(grid) * root_r / (1.0 + inputs.ratio)
    elif inputs.method == "freedman":
        drift = (1.0 - grid) * root_r / (1.0 + inputs.ratio * grid)
    else:
        raise ValueError(f"method must be one of {tuple(METHOD_NAMES)}, got {inputs.method!r}")
    mu = drift * math.sqrt(d)
    if inputs.hr > 1.0:  # a design for harm tests in the other direction
        mu = -mu
    c = float(-ndtri(inputs.alpha / inputs.sides))
    power = ndtr(mu - c)
    if inputs.sides == 2:
        power = power + ndtr(-mu - c)
    return grid, np.asarray(power, dtype=np.float64)


def curve_events(inputs: DesignInputs) -> float:
    """Events a power curve is drawn at: the observed ones, else the events required."""
    if inputs.observed_events:
        return float(inputs.observed_events)
    return design.events_required(
        inputs.hr,
        alpha=inputs.alpha,
        power=inputs.power,
        ratio=inputs.ratio,
        sides=inputs.sides,
        method=inputs.method,
    )


def hr_grid(inputs: DesignInputs, points: int = _CURVE_POINTS) -> np.ndarray:
    """Hazard ratios for a power curve, evenly spaced on the log scale.

    Spans at least 0.4 to 1.25, widened to show the design HR and the observed HR's
    confidence interval with a margin.
    """
    low, high = _CURVE_MIN_HR, _CURVE_MAX_HR
    shown = [inputs.hr, inputs.observed_hr, inputs.observed_hr_lower, inputs.observed_hr_upper]
    for value in (v for v in shown if v):
        low, high = min(low, value / 1.1), max(high, value * 1.1)
    return np.geomspace(low, high, points)


def design_curve(result: DesignResult, hrs: np.ndarray | None = None) -> DesignCurve:
    """The power curve at the curve events with the design and observed points on it.

    Parameters
    ----------
    result : DesignResult
        From :func:`evaluate`.
    hrs : array_like, optional
        The grid; default :func:`hr_grid` of the inputs.

    Returns
    -------
    DesignCurve
        Arrays and points for :class:`~explorer.ui.plots.power_plot.PowerPlot`.
    """
    inputs = result.inputs
    events = result.curve_events or curve_events(inputs)
    grid, power = power_curve(inputs, hr_grid(inputs) if hrs is None else hrs, events=events)
    points = [inputs.hr] + ([inputs.observed_hr] if inputs.observed_hr else [])
    _, at = power_curve(inputs, points, events=events)
    return DesignCurve(
        hr=grid,
        power=power,
        events=events,
        events_observed=bool(inputs.observed_events),
        method=inputs.method,
        target_power=inputs.power,
        design_hr=inputs.hr,
        design_power=float(at[0]),
        observed_hr=inputs.observed_hr,
        observed_power=float(at[1]) if inputs.observed_hr else None,
        observed_lower=inputs.observed_hr_lower,
        observed_upper=inputs.observed_hr_upper,
        observed_level=inputs.observed_hr_level,
    )


def edited_fields(inputs: DesignInputs, reported: DesignInputs) -> tuple[str, ...]:
    """The editable inputs whose value differs from the reported design, in panel order."""
    return tuple(
        name
        for name in EDITABLE_FIELDS
        if not _same(getattr(inputs, name), getattr(reported, name))
    )


def format_input(field: str, value: object) -> str:
    """One input's value in words: ``"80%"``, ``"2:1"``, ``"3.6 months"``, ``"2-sided"``.

    Examples
    --------
    >>> format_input("power", 0.8), format_input("ratio", 2.0), format_input("sides", 2)
    ('80%', '2:1', '2-sided')
    """
    if value is None:
        return "not reported"
    if field in ("power", "dropout_rate"):
        return f"{format_number(100 * float(value))}%"
    if field == "ratio":
        return f"{format_number(float(value))}:1"
    if field == "sides":
        return f"{value}-sided"
    if field == "method":
        return METHOD_NAMES.get(str(value), str(value))
    if field in ("control_median", "accrual_time", "follow_up"):
        return f"{format_number(float(value))} months"
    if field == "observed_events":
        return f"{format_number(float(value))} events"
    return format_number(float(value))


def input_origins(evidence: Evidence, inputs: DesignInputs) -> dict[str, InputOrigin]:
    """Where each input's reported value comes from, for labels and tooltips.

    Parameters
    ----------
    evidence : Evidence
        The trial the inputs were seeded from.
    inputs : DesignInputs
        The reported inputs (:func:`inputs_from_evidence`).

    Returns
    -------
    dict of str to InputOrigin
        One entry per editable field, plus ``observed_events`` and ``observed_hr`` when
        they are known.
    """
    d = evidence.design
    out: dict[str, InputOrigin] = {}

    def add(name: str, status: str, note: str) -> None:
        out[name] = InputOrigin(name, INPUT_LABELS.get(name, name), status, note)

    def quoted(measure) -> str:
        return describe_source(evidence, measure) if measure.source else "recorded as reported"

    def measured(name: str, measure, what: str) -> None:
        if measure is None:
            start = format_input(name, getattr(inputs, name))
            add(
                name,
                "unreported",
                f"{what} is not reported: the source gives no sample-size calculation for "
                f"it. The calculator starts at {start}; the value is your assumption.",
            )
        elif measure.status == REPORTED:
            add(name, "reported", f"Reported: {quoted(measure)}")
        else:
            add(name, measure.status, measure.derivation or f"{what} as recorded.")

    measured("hr", d.hypothesised_hr, "The hypothesised hazard ratio")
    if d.hypothesised_hr is not None and d.hypothesised_hr.qualifier in ("<=", "<"):
        out["hr"] = InputOrigin(
            "hr",
            INPUT_LABELS["hr"],
            out["hr"].status,
            out["hr"].note + ". Printed as an upper bound: the design detects this HR "
            "or a stronger effect with the target power.",
        )
    measured("alpha", d.alpha, "The type I error")
    if d.sides is None:
        add(
            "sides",
            "unreported",
            "The test's sides are not reported. The calculator starts at "
            f"{format_input('sides', inputs.sides)}; the value is your assumption.",
        )
    else:
        add(
            "sides",
            "reported" if d.alpha is not None and d.alpha.source else "assumed",
            f"{d.sides}-sided test, as reported with α: {quoted(d.alpha)}"
            if d.alpha is not None
            else f"{d.sides}-sided test.",
        )
    measured("power", d.power, "The target power")
    pair = primary_pair(evidence)
    weights = d.allocation
    if (
        d.allocation_ratio is None
        and pair is not None
        and weights.get(pair.treatment.id)
        and weights.get(pair.control.id)
    ):
        add(
            "ratio",
            "derived",
            f"{pair.treatment.label} : {pair.control.label} from the arms' allocation weights "
            f"({format_input('ratio', inputs.ratio)}).",
        )
    else:
        measured("ratio", d.allocation_ratio, "The allocation ratio")
    add(
        "method",
        "assumed",
        "The report does not say which approximation the design used. Schoenfeld's is "
        "the usual one (and rpact's default); Freedman's needs fewer events for the "
        "same hazard ratio.",
    )
    control = pair.control if pair is not None else None
    primary = evidence.primary_endpoint
    median = (
        primary.medians.get(control.id)
        if isinstance(primary, TimeToEventEndpoint) and control is not None
        else None
    )
    if median is not None and inputs.control_median is not None and control is not None:
        add(
            "control_median",
            "observed",
            f"The observed median {primary.name.lower()} in the {control.label} arm, "
            f"{format_input('control_median', inputs.control_median)} "
            f"({quoted(median) if median.is_reported else median.status}). The median the "
            "design assumed for the control arm is not reported, so the observed one stands "
            "in for it.",
        )
    else:
        add("control_median", "assumed", "The control-arm median is not reported.")
    if d.accrual is not None:
        where = f" (“{d.accrual.source.quote}”)" if d.accrual.source else ""
        add(
            "accrual_time",
            "derived",
            f"Whole months from {d.accrual.start} to {d.accrual.end} as printed{where}; "
            "accrual taken as uniform over the period.",
        )
    else:
        add("accrual_time", "assumed", "The accrual period is not reported.")
    add(
        "follow_up",
        "assumed",
        "Not reported: an assumption. The sample size takes "
        f"{format_input('follow_up', inputs.follow_up)} of follow-up after the last patient "
        "is randomised (the analysis at the end of accrual plus this), enough at a "
        "short control median for most patients to have had an event.",
    )
    add(
        "dropout_rate",
        "assumed",
        "Not reported: an assumption. The probability that a patient is lost to follow-up "
        f"within 12 months, {format_input('dropout_rate', inputs.dropout_rate)}, the same "
        "in both arms (exponential dropout).",
    )
    if d.events_at_analysis is not None:
        out["observed_events"] = InputOrigin(
            "observed_events",
            "Events at the analysis",
            d.events_at_analysis.status,
            f"Reported: {quoted(d.events_at_analysis)}"
            if d.events_at_analysis.is_reported
            else d.events_at_analysis.derivation or "recorded",
        )
    if isinstance(primary, TimeToEventEndpoint) and primary.effect is not None:
        estimate = primary.effect.estimate
        out["observed_hr"] = InputOrigin(
            "observed_hr",
            f"Observed {primary.effect.kind}",
            estimate.status,
            f"Reported: {quoted(estimate)}"
            if estimate.is_reported
            else estimate.derivation or "recorded",
        )
    return out


def result_figures(
    result: DesignResult,
    reported: DesignInputs | None = None,
    origins: dict[str, InputOrigin] | None = None,
    *,
    treatment_label: str = "treatment",
    control_label: str = "control",
) -> dict[str, Figure]:
    """Each result of :func:`evaluate` as a derived figure naming its formula and inputs.

    Parameters
    ----------
    result : DesignResult
        What to describe.
    reported : DesignInputs, optional
        The reported design; inputs that differ from it are marked "what-if" in every
        derivation. Default: the result's own inputs (nothing is a what-if).
    origins : dict, optional
        From :func:`input_origins`; labels each input's status in the derivations.
    treatment_label, control_label : str
        Arm labels for the per-arm sample size.

    Returns
    -------
    dict of str to Figure
        Keys ``events_required``, ``n_total``, ``n_treatment``, ``n_control``,
        ``power_at_observed``, ``power_for_observed_hr``, ``detectable_hr`` and
        ``events_for_observed_hr``, for those that could be computed. Ids match the
        summary's figures (``design.events_required_schoenfeld``, ...) where it has them.
        Patients are rounded up in each arm.
    """
    inputs = result.inputs
    reported = reported or inputs
    origins = origins or {}
    edited = edited_fields(inputs, reported)
    sided = f"{inputs.sides}-sided α = {format_number(inputs.alpha)}"
    method_name = METHOD_NAMES.get(inputs.method, inputs.method)
    events = inputs.observed_events
    what_if = ""
    if edited:
        changes = ", ".join(
            f"{INPUT_LABELS[f].lower()} {format_input(f, getattr(inputs, f))} "
            f"(reported design: {format_input(f, getattr(reported, f))})"
            for f in edited
        )
        what_if = f"What-if, not the reported design: {changes}. "

    def listed(names: tuple[str, ...]) -> str:
        parts = []
        for name in names:
            value = getattr(inputs, name)
            text = format_input(name, value)
            if name == "observed_hr" and inputs.observed_hr_lower and inputs.observed_hr_upper:
                level = f"{100 * (inputs.observed_hr_level or 0.95):g}% CI"
                text += (
                    f" ({level} {format_number(inputs.observed_hr_lower)}–"
                    f"{format_number(inputs.observed_hr_upper)})"
                )
            if name in edited:
                tag = f"what-if; reported {format_input(name, getattr(reported, name))}"
            else:
                origin = origins.get(name)
                tag = origin.status if origin else "input"
            label = origins[name].label if name in origins else INPUT_LABELS.get(name, name)
            parts.append(f"{label} = {text} [{tag}]")
        return "; ".join(parts)

    def figure(
        key: str,
        fid: str,
        label: str,
        value: float,
        unit: str,
        method: str,
        names: tuple[str, ...],
        decimals: int,
    ) -> None:
        out[key] = Figure(
            id=fid,
            label=label,
            value=value,
            unit=unit,
            status=DERIVED,
            derivation=f"{what_if}{method}. Inputs: {listed(names)}",
            topic="design",
            decimals=decimals,
        )

    out: dict[str, Figure] = {}
    base = ("hr", "alpha", "sides", "power", "ratio", "method")
    figure(
        "events_required",
        f"design.events_required_{inputs.method}",
        f"Events required ({method_name})",
        result.events_required,
        "events",
        _events_formula(inputs.method, sided)
        + f"; round up to {math.ceil(result.events_required)} to plan",
        base,
        1,
    )
    if result.n_total is not None:
        n_t = math.ceil(result.n_treatment - 1e-9)
        n_c = math.ceil(result.n_control - 1e-9)
        size_method = (
            f"N = D / P: the events required ({format_number(result.events_required, 1)}) "
            "over the probability that a patient has an event by the analysis "
            f"(P = {result.event_probability:.3f}; exponential survival with the treatment "
            "hazard HR × ln 2 / control median, uniform accrual, the analysis at the end of "
            "follow-up, exponential dropout; Lachin & Foulkes 1986): "
            f"N = {result.n_total:.1f} ({result.n_treatment:.1f} {treatment_label}, "
            f"{result.n_control:.1f} {control_label}), each arm rounded up"
        )
        names = (*base, "control_median", "accrual_time", "follow_up", "dropout_rate")
        for key, fid, label, value in (
            ("n_total", "design.sample_size", "Patients to randomise", n_t + n_c),
            ("n_treatment", "design.sample_size.treatment", treatment_label, n_t),
            ("n_control", "design.sample_size.control", control_label, n_c),
        ):
            if key != "n_total":
                label = f"Patients to randomise: {label}"
            figure(key, fid, label, float(value), "patients", size_method, names, 0)
    if events and result.power_at_observed is not None:
        figure(
            "power_at_observed",
            "design.power_at_observed_events",
            f"Power at {format_number(events)} events for HR {format_number(inputs.hr)}",
            100 * result.power_at_observed,
            "%",
            _power_formula(inputs.method, sided),
            ("hr", "alpha", "sides", "ratio", "method", "observed_events"),
            1,
        )
    if events and result.power_for_observed_hr is not None:
        figure(
            "power_for_observed_hr",
            "design.power_for_observed_hr",
            f"Power at {format_number(events)} events for the observed HR "
            f"{format_number(inputs.observed_hr)}",
            100 * result.power_for_observed_hr,
            "%",
            _power_formula(inputs.method, sided) + ", with the observed HR as the true one",
            ("observed_hr", "alpha", "sides", "ratio", "method", "observed_events"),
            1,
        )
    if events and result.detectable_hr is not None:
        figure(
            "detectable_hr",
            "design.detectable_hr",
            f"Smallest HR detectable at {format_number(events)} events",
            result.detectable_hr,
            "ratio",
            "Schoenfeld inverted: HR = exp(−(z_α + z_power) × (1 + r) / √(r·D)), "
            f"{sided}, at the target power (Schoenfeld's formula whichever events "
            "formula is chosen)",
            ("alpha", "sides", "power", "ratio", "observed_events"),
            3,
        )
    if result.events_for_observed_hr is not None:
        figure(
            "events_for_observed_hr",
            "design.events_for_observed_hr",
            "Events needed to detect the observed HR",
            result.events_for_observed_hr,
            "events",
            _events_formula(inputs.method, sided) + ", with the observed HR",
            ("observed_hr", "alpha", "sides", "power", "ratio", "method"),
            0,
        )
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _power_formula(method: str, sided: str) -> str:
    if method == "freedman":
        drift = "μ = |1 − HR| × √(r·D) / (1 + r·HR)"
    else:
        drift = "μ = |ln HR| × √(r·D) / (1 + r)"
    name = METHOD_NAMES.get(method, method)
    if sided.startswith("2"):
        return f"{name}: power = Φ(μ − z) + Φ(−μ − z), {drift}, z = z(1 − α/2), {sided}"
    return f"{name}: power = Φ(μ − z), {drift}, z = z(1 − α), {sided}"


def add_design_figures(evidence: Evidence, figures: FigureSet) -> DesignResult | None:
    """Add the design re-examination to ``figures``; ``None`` when the design lacks an HR."""
    d = evidence.design
    if not d.has_power_calculation or d.allocation_ratio is None:
        return None
    inputs = inputs_from_evidence(evidence)
    hr = figures["design.hypothesised_hr"]
    alpha = figures["design.alpha"]
    power = figures["design.power"]
    ratio = figures["design.allocation_ratio"]
    base = [hr, alpha, power, ratio]
    sided = f"{inputs.sides}-sided α = {format_number(inputs.alpha)}"
    result = evaluate(inputs)

    if d.accrual is not None:
        months = _accrual_months(d.accrual.start, d.accrual.end)
        figures.add(
            Figure(
                id="design.accrual_months",
                label="Accrual period",
                value=months,
                unit="months",
                status="derived",
                derivation=(
                    f"Whole months from {d.accrual.start} to {d.accrual.end} as printed "
                    f"(“{d.accrual.source.quote}”)"
                    if d.accrual.source
                    else f"Whole months from {d.accrual.start} to {d.accrual.end}"
                ),
                topic="design",
                decimals=0,
            )
        )

    for method, name in (("schoenfeld", "Schoenfeld"), ("freedman", "Freedman")):
        value = design.events_required(
            inputs.hr,
            alpha=inputs.alpha,
            power=inputs.power,
            ratio=inputs.ratio,
            sides=inputs.sides,
            method=method,
        )
        figures.add(
            computed(
                id=f"design.events_required_{method}",
                label=f"Events required by the design ({name})",
                value=value,
                unit="events",
                method=_events_formula(method, sided),
                inputs=base,
                topic="design",
                decimals=1,
            )
        )
    events = figures.get("design.events_at_analysis")
    if events is None or result.power_at_observed is None:
        return result
    with_events = [*base, events]
    figures.add(
        computed(
            id="design.power_at_observed_events",
            label=f"Power at {format_number(events.value)} events for the design HR",
            value=100 * result.power_at_observed,
            unit="%",
            method=f"Schoenfeld: power = Φ(|ln HR| × √(D·r)/(1 + r) − z), {sided}",
            inputs=with_events,
            topic="design",
            decimals=1,
        )
    )
    figures.add(
        computed(
            id="design.detectable_hr",
            label=f"Smallest HR detectable at {format_number(events.value)} events",
            value=result.detectable_hr,
            unit="ratio",
            method=(
                "Schoenfeld inverted: HR = exp(−(z_α + z_power) × (1 + r) / √(r·D)), "
                f"{sided}, at the planned power"
            ),
            inputs=[alpha, power, ratio, events],
            topic="design",
            decimals=3,
        )
    )
    observed = _observed_hr_figure(evidence, figures)
    if observed is not None and result.power_for_observed_hr is not None:
        figures.add(
            computed(
                id="design.power_for_observed_hr",
                label=f"Power at {format_number(events.value)} events for the observed HR",
                value=100 * result.power_for_observed_hr,
                unit="%",
                method=f"Schoenfeld power with the observed HR in place of the design HR, {sided}",
                inputs=[observed, alpha, ratio, events],
                topic="design",
                decimals=1,
            )
        )
        figures.add(
            computed(
                id="design.events_for_observed_hr",
                label="Events needed to detect the observed HR",
                value=result.events_for_observed_hr,
                unit="events",
                method=_events_formula("schoenfeld", sided) + ", with the observed HR",
                inputs=[observed, alpha, power, ratio],
                topic="design",
                decimals=0,
            )
        )
    return result


def _observed_hr_figure(evidence: Evidence, figures: FigureSet) -> Figure | None:
    primary = evidence.primary_endpoint
    if isinstance(primary, TimeToEventEndpoint) and primary.effect is not None:
        return figures.get(f"{primary.id}.{primary.effect.kind.lower()}")
    return None


def _events_formula(method: str, sided: str) -> str:
    if method == "freedman":
        return f"Freedman: D = (z_α + z_power)² × (1 + r·HR)² / (r × (1 − HR)²), {sided}"
    return f"Schoenfeld: D = (z_α + z_power)² × (1 + r)² / (r × (ln HR)²), {sided}"


def _proportion(value: float, unit: str | None) -> float:
    return value / 100 if unit == "%" else value


def _accrual_months(start: str, end: str) -> float:
    """Whole months between two ``YYYY-MM`` strings (April 2019 to October 2022 = 42)."""
    y0, m0 = (int(x) for x in start.split("-")[:2])
    y1, m1 = (int(x) for x in end.split("-")[:2])
    return float((y1 - y0) * 12 + (m1 - m0))


__all__ = [
    "ASSUMED_FOLLOW_UP_MONTHS",
    "EDITABLE_FIELDS",
    "INPUT_LABELS",
    "METHOD_NAMES",
    "UNREPORTED_STARTING_VALUES",
    "DesignCurve",
    "DesignInputs",
    "DesignResult",
    "InputOrigin",
    "add_design_figures",
    "curve_events",
    "design_curve",
    "edited_fields",
    "evaluate",
    "format_input",
    "hr_grid",
    "input_origins",
    "inputs_from_evidence",
    "power_curve",
    "result_figures",
]
