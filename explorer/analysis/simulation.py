"""The design simulated: how often would trials like this one have succeeded?

The Design panel's closed forms (:mod:`explorer.analysis.design`) say what the log-rank
test's power *should* be under the usual approximations. This module binds the same
:class:`~explorer.analysis.design.DesignInputs` to a Monte Carlo simulation of whole
trials (:func:`explorer.stats.simulation.simulate_survival`: uniform accrual,
exponential or piecewise-exponential survival, exponential dropout, the allocation
ratio, each trial analysed with a log-rank test at the target number of events) and
summarises what the simulated trials showed: the empirical power with its Monte Carlo
interval beside the analytic power at the same events, the spread of the observed
hazard ratios and of the time the analysis happens.

:class:`SimulationSettings` holds what the simulation adds to the design (patients,
events at the analysis, number of trials, seed, hazard model);
:func:`default_settings` seeds it from the design and the evidence;
:func:`run_simulation` runs it and returns a :class:`SimulationSummary`, whose
:attr:`~SimulationSummary.figures` are derived figures naming the simulation in their
derivation. They are what-ifs of the panel, never added to the trial's summary.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from explorer.evidence import Evidence
from explorer.stats import design as design_stats
from explorer.stats.simulation import SimulationCancelled, SimulationResult, simulate_survival

from .design import (
    INPUT_LABELS,
    METHOD_NAMES,
    DesignInputs,
    DesignResult,
    edited_fields,
    evaluate,
    format_input,
)
from .figures import DERIVED, Figure, format_number

#: Trials simulated by default: the Monte Carlo standard error of a power near 80% is
#: then 0.4 percentage points, small beside any difference worth discussing.
DEFAULT_TRIALS = 10_000

#: The default seed, fixed so a run can be repeated exactly (any seed is as good; this
#: one recalls PALMIRA's ASCO 2023 abstract 1001).
DEFAULT_SEED = 20231

#: When the treatment starts to act under the "delayed effect" model (months), by
#: default, and the hazard ratio before it.
DEFAULT_CHANGE_TIME = 2.0
DEFAULT_EARLY_HR = 1.0

#: Limits on the number of trials: fewer than 100 says little; more than a million
#: takes minutes and adds nothing the interval does not already show.
MIN_TRIALS = 100
MAX_TRIALS = 1_000_000

#: The hazard models offered, with their description in a derivation.
MODELS = {
    "exponential": "exponential (proportional hazards)",
    "delayed": "delayed effect",
}

#: What ``DesignInputs.dropout_rate`` refers to: the probability of loss within this
#: many months (see :data:`explorer.analysis.design.INPUT_LABELS`).
DROPOUT_MONTHS = 12.0

#: The central share of simulated trials the hazard-ratio interval covers.
HR_SPREAD = 0.95

_TAIL = (1.0 - HR_SPREAD) / 2.0

#: A progress callback: ``progress(done, total)``; returning ``False`` cancels.
ProgressCallback = Callable[[int, int], "bool | None"]


class SimulationInputError(ValueError):
    """Settings or design inputs the simulation cannot run with; the message says why."""


@dataclass(frozen=True)
class Choice:
    """A value the panel offers for a setting, and where it comes from.

    Attributes
    ----------
    key : str
        ``"reported"`` or ``"design"``.
    value : int
        The number of patients or events.
    label : str
        For a menu: ``"198: randomised (reported)"``.
    short : str
        Its origin in a few words, beside the value: ``"randomised, reported"``.
    note : str
        Where the value comes from, for a derivation: ``"the number randomised, as
        reported"``.
    """

    key: str
    value: int
    label: str
    short: str
    note: str


@dataclass(frozen=True)
class SimulationSettings:
    """What the simulation needs beyond the design inputs.

    Attributes
    ----------
    n_total : int
        Patients randomised in each simulated trial.
    events : int
        Events at which each trial is analysed.
    n_sims : int
        Number of simulated trials.
    seed : int
        Seed of the random generator; the same settings and seed give the same trials.
    model : str
        ``"exponential"`` (constant hazards, the design's HR throughout) or
        ``"delayed"`` (the HR is ``early_hr`` until ``change_time``, then the design's).
    change_time : float
        Months after randomisation at which a delayed effect starts.
    early_hr : float
        Hazard ratio before ``change_time`` (1.0: no effect at first).
    n_total_note, events_note : str
        Where ``n_total`` and ``events`` come from, for the derivation (not compared:
        two settings with the same numbers are the same simulation).
    """

    n_total: int
    events: int
    n_sims: int = DEFAULT_TRIALS
    seed: int = DEFAULT_SEED
    model: str = "exponential"
    change_time: float = DEFAULT_CHANGE_TIME
    early_hr: float = DEFAULT_EARLY_HR
    n_total_note: str = field(default="", compare=False)
    events_note: str = field(default="", compare=False)

    @property
    def model_description(self) -> str:
        """The hazard model in words, with its parameters."""
        if self.model == "delayed":
            return (
                f"delayed effect (HR {format_number(self.early_hr)} for the first "
                f"{format_number(self.change_time)} months, then the design HR; "
                "piecewise-exponential survival)"
            )
        return MODELS.get(self.model, self.model)


@dataclass(frozen=True, eq=False)
class SimulationSummary:
    """What the simulated trials showed, beside the analytic power.

    Attributes
    ----------
    inputs : DesignInputs
        The design simulated.
    settings : SimulationSettings
        Patients, events, trials, seed and hazard model.
    result : SimulationResult
        The per-trial results (:mod:`explorer.stats.simulation`).
    power, power_lower, power_upper : float
        Share of trials rejecting HR = 1, with its 95% Wilson interval (proportions).
    analytic_power : float
        Power at ``settings.events`` by the design's events formula (Schoenfeld or
        Freedman, as ``inputs.method``) for the design HR (proportion).
    power_difference : float
        ``power - analytic_power`` (proportion).
    hr_median, hr_lower, hr_upper : float
        Median of the observed hazard ratios and the quantiles bounding the central
        :data:`HR_SPREAD` of them.
    hr_edges, hr_counts : numpy.ndarray
        Histogram of the observed hazard ratios: bin edges on the ratio scale, evenly
        spaced on the log scale, and the trials in each bin.
    time_median, time_q1, time_q3 : float
        Median and quartiles of the analysis time (months since the first randomisation).
    time_edges, time_counts : numpy.ndarray
        Histogram of the analysis times.
    share_reached : float
        Share of trials that reached ``settings.events`` (proportion).
    description : str
        "Monte Carlo, N simulated trials, seed S, model ..., log-rank at D events".
    figures : dict of str to Figure
        Each number above as a derived figure (keys ``power``, ``analytic_power``,
        ``power_difference``, ``hr_median``, ``analysis_time``, ``target_reached``).
    """

    inputs: DesignInputs
    settings: SimulationSettings
    result: SimulationResult
    power: float
    power_lower: float
    power_upper: float
    analytic_power: float
    power_difference: float
    hr_median: float
    hr_lower: float
    hr_upper: float
    hr_edges: np.ndarray
    hr_counts: np.ndarray
    time_median: float
    time_q1: float
    time_q3: float
    time_edges: np.ndarray
    time_counts: np.ndarray
    share_reached: float
    description: str
    figures: dict[str, Figure]


def randomised_total(evidence: Evidence) -> int | None:
    """Patients randomised, as reported (the randomised population's total), if known."""
    for population in evidence.populations:
        if population.kind == "randomised" and population.total is not None:
            return round(population.total.value)
    return None


def patient_choices(
    inputs: DesignInputs,
    randomised: int | None = None,
    *,
    result: DesignResult | None = None,
) -> tuple[Choice, ...]:
    """Patients the panel offers: the reported randomised number, the design's sample size.

    The design's sample size (:func:`explorer.analysis.design.evaluate`, or ``result`` when
    the caller has it) is rounded up in each arm, as the Design panel shows it; it needs a
    control median, accrual and follow-up.
    """
    out: list[Choice] = []
    if randomised:
        out.append(
            Choice(
                "reported",
                randomised,
                f"{randomised}: randomised (reported)",
                "randomised, reported",
                "the number randomised, as reported",
            )
        )
    if result is None:
        result = _evaluated(inputs)
    if result is not None and result.n_total is not None:
        n = math.ceil(result.n_treatment - 1e-9) + math.ceil(result.n_control - 1e-9)
        out.append(
            Choice(
                "design",
                n,
                f"{n}: the design's sample size",
                "design's sample size",
                "the design's sample size, each arm rounded up",
            )
        )
    return tuple(out)


def event_choices(
    inputs: DesignInputs, *, result: DesignResult | None = None
) -> tuple[Choice, ...]:
    """Events the panel offers: the design's events required (rounded up), the reported.

    ``result`` is :func:`~explorer.analysis.design.evaluate` of ``inputs`` when the caller
    has it (saves evaluating again).
    """
    out: list[Choice] = []
    if result is None:
        result = _evaluated(inputs)
    required = result.events_required if result is not None else None
    if required is not None and math.isfinite(required):
        d = math.ceil(required - 1e-9)
        method = METHOD_NAMES.get(inputs.method, inputs.method)
        out.append(
            Choice(
                "design",
                d,
                f"{d}: required by the design",
                "required by the design",
                f"the design's events required ({method}, rounded up)",
            )
        )
    if inputs.observed_events:
        e = round(inputs.observed_events)
        out.append(
            Choice(
                "reported",
                e,
                f"{e}: at the reported analysis",
                "at the reported analysis",
                "the events at the reported analysis",
            )
        )
    return tuple(out)


def _evaluated(inputs: DesignInputs) -> DesignResult | None:
    try:
        return evaluate(inputs)
    except ValueError:
        return None


def default_settings(inputs: DesignInputs, *, randomised: int | None = None) -> SimulationSettings:
    """Settings seeded from the design: patients randomised and the events required.

    Parameters
    ----------
    inputs : DesignInputs
        The design (as reported or as edited).
    randomised : int, optional
        Patients randomised as reported (:func:`randomised_total`). Without it the
        design's sample size is used, rounded up.

    Returns
    -------
    SimulationSettings
        ``n_total``: the reported randomised number, else the design's sample size;
        ``events``: the design's events required, rounded up, else the reported events;
        :data:`DEFAULT_TRIALS` trials, seed :data:`DEFAULT_SEED`, exponential model.

    Raises
    ------
    SimulationInputError
        If neither a number of patients nor of events can be found.
    """
    patients = patient_choices(inputs, randomised)
    events = event_choices(inputs)
    if not patients:
        raise SimulationInputError(
            "The simulation needs a number of patients: none is reported, and the design's "
            "sample size needs a control median, accrual and follow-up."
        )
    if not events:
        raise SimulationInputError("The simulation needs a number of events at the analysis.")
    return SimulationSettings(
        n_total=patients[0].value,
        events=events[0].value,
        n_total_note=patients[0].note,
        events_note=events[0].note,
    )


def check_settings(inputs: DesignInputs, settings: SimulationSettings) -> None:
    """Raise :class:`SimulationInputError` with a plain sentence if the run cannot be done."""

    def fail(message: str) -> None:
        raise SimulationInputError(message)

    if not inputs.control_median or inputs.control_median <= 0:
        fail("The simulation needs the control arm's median (months).")
    if not inputs.accrual_time or inputs.accrual_time <= 0:
        fail("The simulation needs the accrual period (months).")
    if not (inputs.hr > 0 and math.isfinite(inputs.hr)):
        fail("The hypothesised hazard ratio must be positive.")
    if not 0 <= inputs.dropout_rate < 1:
        fail("The dropout within 12 months must be at least 0% and below 100%.")
    n, d = settings.n_total, settings.events
    if n < 2:
        fail(f"The trial needs at least 2 patients; {n} were given.")
    n_treatment = round(n * inputs.ratio / (1 + inputs.ratio))
    if n_treatment < 1 or n - n_treatment < 1:
        fail(
            f"{n} patients at {format_input('ratio', inputs.ratio)} leave an arm empty; "
            "give more patients."
        )
    if d < 1:
        fail(f"The analysis needs at least 1 event; {d} were given.")
    if d > n:
        fail(
            f"The analysis at {d} events cannot happen with {n} patients: each patient has "
            "at most one event. Give fewer events or more patients."
        )
    if not MIN_TRIALS <= settings.n_sims <= MAX_TRIALS:
        fail(
            f"Simulate between {MIN_TRIALS:,} and {MAX_TRIALS:,} trials; "
            f"{settings.n_sims:,} were asked for."
        )
    if settings.seed < 0:
        fail(f"The seed must be a whole number ≥ 0; {settings.seed} was given.")
    if settings.model not in MODELS:
        fail(f"Unknown hazard model {settings.model!r}; use one of {', '.join(MODELS)}.")
    if settings.model == "delayed":
        if not (settings.change_time > 0 and math.isfinite(settings.change_time)):
            fail("The time the effect starts must be after randomisation (> 0 months).")
        if not (settings.early_hr > 0 and math.isfinite(settings.early_hr)):
            fail("The hazard ratio before the effect starts must be positive.")


def describe(settings: SimulationSettings) -> str:
    """The run in one line: Monte Carlo, N simulated trials, seed S, model, log-rank at D."""
    return (
        f"Monte Carlo, {settings.n_sims:,} simulated trials, seed {settings.seed}, model "
        f"{settings.model_description}, log-rank at {settings.events} events"
    )


def run_simulation(
    inputs: DesignInputs,
    settings: SimulationSettings,
    progress: ProgressCallback | None = None,
    *,
    reported: DesignInputs | None = None,
) -> SimulationSummary:
    """Simulate ``settings.n_sims`` trials of the design and summarise them.

    Parameters
    ----------
    inputs : DesignInputs
        The design: hazard ratio, α, sides, allocation, events formula (for the analytic
        power), control median, accrual, dropout within 12 months.
    settings : SimulationSettings
        Patients, events at the analysis, trials, seed and hazard model.
    progress : callable, optional
        ``progress(done, total)`` after each chunk of trials; returning ``False`` stops
        the run with :class:`SimulationCancelled`.
    reported : DesignInputs, optional
        The reported design: inputs that differ from it make each derivation start with
        "What-if, not the reported design".

    Returns
    -------
    SimulationSummary

    Raises
    ------
    SimulationInputError
        If the settings cannot be simulated (see :func:`check_settings`).
    SimulationCancelled
        If ``progress`` returned ``False``.

    Notes
    -----
    Each simulated trial randomises ``n_total`` patients at ``inputs.ratio`` uniformly
    over the accrual period and is analysed when its ``events``-th event happens (the
    analysis is event-driven: the assumed follow-up after accrual, which only sizes the
    trial analytically, plays no part). The control arm's hazard is ln 2 / median
    throughout; dropout is exponential, ``inputs.dropout_rate`` within 12 months, the
    same in both arms. Under the delayed-effect model the treatment arm's hazard is
    ``early_hr`` times the control's until ``change_time`` and ``inputs.hr`` times it
    after. The analytic power beside it uses ``inputs.hr`` at ``events`` by the design's
    formula, so under a delayed effect the difference shows what the design's
    proportional-hazards assumption costs. Quantiles are R's default (type 7, linear
    interpolation).
    """
    check_settings(inputs, settings)
    if settings.model == "delayed":
        hr: float | tuple[float, float] = (settings.early_hr, inputs.hr)
        breaks: tuple[float, ...] = (settings.change_time,)
    else:
        hr, breaks = inputs.hr, ()
    result = simulate_survival(
        n_total=settings.n_total,
        events=settings.events,
        hr=hr,
        control_median=inputs.control_median,
        breaks=breaks,
        ratio=inputs.ratio,
        accrual_time=inputs.accrual_time,
        follow_up=None,
        dropout_rate=inputs.dropout_rate,
        dropout_time=DROPOUT_MONTHS,
        alpha=inputs.alpha,
        sides=inputs.sides,
        n_sims=settings.n_sims,
        seed=settings.seed,
        progress=progress,
    )
    return summarise(inputs, settings, result, reported=reported)


def summarise(
    inputs: DesignInputs,
    settings: SimulationSettings,
    result: SimulationResult,
    *,
    reported: DesignInputs | None = None,
) -> SimulationSummary:
    """Summarise a finished simulation (split from :func:`run_simulation` for reuse)."""
    analytic = design_stats.power(
        settings.events,
        inputs.hr,
        alpha=inputs.alpha,
        ratio=inputs.ratio,
        sides=inputs.sides,
        method=inputs.method,
    )
    # Cox estimates: Peto's one-step exp((O - E) / V) is biased away from 1 under unequal
    # allocation (about 6% low at PALMIRA's 2:1 design; see explorer.stats.simulation).
    hr = np.asarray(result.hr_cox, dtype=np.float64)
    hr = hr[np.isfinite(hr) & (hr > 0)]
    if hr.size:
        hr_median, hr_lower, hr_upper = (float(q) for q in np.quantile(hr, [0.5, _TAIL, 1 - _TAIL]))
    else:  # no trial had an event in both arms: nothing to summarise
        hr_median = hr_lower = hr_upper = math.nan
    hr_edges, hr_counts = _histogram(hr, log=True, marks=(1.0, inputs.hr))
    times = np.asarray(result.analysis_time, dtype=np.float64)
    times = times[np.isfinite(times)]
    q1, median, q3 = (float(q) for q in np.quantile(times, [0.25, 0.5, 0.75]))
    time_edges, time_counts = _histogram(times, log=False, marks=())
    share = float(np.mean(result.target_reached))
    summary_text = describe(settings)
    figures = _figures(
        inputs,
        settings,
        reported or inputs,
        power=(result.power, result.power_lower, result.power_upper),
        analytic=analytic,
        hr=(hr_median, hr_lower, hr_upper),
        time=(median, q1, q3),
        share=share,
        description=summary_text,
    )
    return SimulationSummary(
        inputs=inputs,
        settings=settings,
        result=result,
        power=float(result.power),
        power_lower=float(result.power_lower),
        power_upper=float(result.power_upper),
        analytic_power=float(analytic),
        power_difference=float(result.power) - float(analytic),
        hr_median=hr_median,
        hr_lower=hr_lower,
        hr_upper=hr_upper,
        hr_edges=hr_edges,
        hr_counts=hr_counts,
        time_median=median,
        time_q1=q1,
        time_q3=q3,
        time_edges=time_edges,
        time_counts=time_counts,
        share_reached=share,
        description=summary_text,
        figures=figures,
    )


def _bin_count(n: int) -> int:
    """Histogram bins for ``n`` values: about √n / 2.5, between 20 and 60."""
    return int(min(60, max(20, round(math.sqrt(max(n, 1)) / 2.5))))


def _histogram(
    values: np.ndarray, *, log: bool, marks: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Edges (spanning every value and each mark, with a 2% margin) and counts.

    On the log scale the edges are evenly spaced in log(value) and returned as values.
    """
    x = np.log(values) if log else np.asarray(values, dtype=np.float64)
    shown = [float(np.log(m) if log else m) for m in marks]
    if x.size == 0:
        lo, hi = (min(shown), max(shown)) if shown else (0.0, 1.0)
    else:
        lo, hi = min([float(x.min()), *shown]), max([float(x.max()), *shown])
    span = hi - lo
    if span <= 0:
        span = abs(lo) * 0.1 or 1.0
        lo, hi = lo - span / 2, hi + span / 2
    lo, hi = lo - 0.02 * span, hi + 0.02 * span
    edges = np.linspace(lo, hi, _bin_count(x.size) + 1)
    counts, _ = np.histogram(x, bins=edges)
    return (np.exp(edges) if log else edges), counts.astype(np.int64)


def _figures(
    inputs: DesignInputs,
    settings: SimulationSettings,
    reported: DesignInputs,
    *,
    power: tuple[float, float, float],
    analytic: float,
    hr: tuple[float, float, float],
    time: tuple[float, float, float],
    share: float,
    description: str,
) -> dict[str, Figure]:
    edited = edited_fields(inputs, reported)
    what_if = ""
    if edited:
        changes = ", ".join(
            f"{INPUT_LABELS[f].lower()} {format_input(f, getattr(inputs, f))} "
            f"(reported design: {format_input(f, getattr(reported, f))})"
            for f in edited
        )
        what_if = f"What-if, not the reported design: {changes}. "
    sided = f"{inputs.sides}-sided α = {format_number(inputs.alpha)}"
    method = METHOD_NAMES.get(inputs.method, inputs.method)
    patients = f"{settings.n_total} patients" + (
        f" ({settings.n_total_note})" if settings.n_total_note else ""
    )
    events = f"{settings.events} events" + (
        f" ({settings.events_note})" if settings.events_note else ""
    )
    design_inputs = "; ".join(
        f"{INPUT_LABELS[name]} = {format_input(name, getattr(inputs, name))}"
        for name in ("hr", "alpha", "sides", "ratio", "control_median", "accrual_time")
    )
    trial = (
        f"{patients} randomised {format_input('ratio', inputs.ratio)} uniformly over "
        f"{format_input('accrual_time', inputs.accrual_time)}, each trial analysed at "
        f"its {events}; control hazard ln 2 / "
        f"{format_input('control_median', inputs.control_median)}; dropout "
        f"{format_input('dropout_rate', inputs.dropout_rate)} within 12 months "
        "(exponential, both arms)"
    )
    inputs_text = f"Inputs: {design_inputs}; {trial}"
    d = settings.events

    def figure(key: str, label: str, value: float, unit: str | None, method_text: str, **kw):
        return key, Figure(
            id=f"design.simulation.{key}",
            label=label,
            value=value,
            unit=unit,
            status=DERIVED,
            derivation=f"{what_if}{method_text}. {inputs_text}",
            topic="design",
            **kw,
        )

    p, p_lo, p_hi = power
    items = [
        figure(
            "power",
            f"Simulated power at {d} events",
            100 * p,
            "%",
            f"{description}: the share of simulated trials whose log-rank test rejects "
            f"HR = 1 ({sided}); 95% Wilson interval for the Monte Carlo error",
            lower=100 * p_lo,
            upper=100 * p_hi,
            level=0.95,
            decimals=1,
        ),
        figure(
            "analytic_power",
            f"Analytic power at {d} events ({method})",
            100 * analytic,
            "%",
            f"{method}'s approximation at {d} events for the design HR "
            f"{format_number(inputs.hr)}, {sided} (the closed form the design uses; it "
            "assumes proportional hazards)",
            decimals=1,
        ),
        figure(
            "power_difference",
            "Simulated minus analytic power",
            100 * (p - analytic),
            "percentage points",
            f"{description}: simulated power {format_number(100 * p, 1)}% minus "
            f"{method}'s analytic {format_number(100 * analytic, 1)}%",
            decimals=1,
        ),
        figure(
            "hr_median",
            "Observed hazard ratio across simulated trials",
            hr[0],
            "ratio",
            f"{description}: median of the trials' hazard ratios (Cox partial likelihood, "
            f"one per simulated trial), with the {100 * _TAIL:g}% and "
            f"{100 * (1 - _TAIL):g}% quantiles (type 7)",
            lower=hr[1],
            upper=hr[2],
            decimals=3,
            interval=f"{100 * HR_SPREAD:g}% of trials",
        ),
        figure(
            "analysis_time",
            f"Time to the analysis at {d} events",
            time[0],
            "months",
            f"{description}: median months from the first randomisation to the analysis, "
            "with the quartiles (type 7)",
            lower=time[1],
            upper=time[2],
            decimals=1,
            interval="IQR",
        ),
        figure(
            "target_reached",
            f"Trials reaching {d} events",
            100 * share,
            "%",
            f"{description}: the share of simulated trials in which {d} events happen "
            "(the rest run out of patients at risk before it, through dropout)",
            decimals=1,
        ),
    ]
    return dict(items)


__all__ = [
    "DEFAULT_CHANGE_TIME",
    "DEFAULT_EARLY_HR",
    "DEFAULT_SEED",
    "DEFAULT_TRIALS",
    "MAX_TRIALS",
    "MIN_TRIALS",
    "MODELS",
    "Choice",
    "SimulationCancelled",
    "SimulationInputError",
    "SimulationSettings",
    "SimulationSummary",
    "check_settings",
    "default_settings",
    "describe",
    "event_choices",
    "patient_choices",
    "randomised_total",
    "run_simulation",
    "summarise",
]
