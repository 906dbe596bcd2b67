r"""Monte Carlo simulation of a two-arm time-to-event trial analysed by the log-rank test.

``simulate_survival`` draws many trials from a design (piecewise-exponential hazards, uniform
accrual, exponential dropout, an allocation ratio), analyses each one when its target number
of events has occurred, and reports the share of trials that reject "no difference" (the
empirical power), the observed hazard ratios and the calendar times of the analyses. It
answers what the analytic formulas of :mod:`explorer.stats.design` approximate, and also
designs they cannot handle (a delayed effect, a hazard that changes over time).

The work is vectorised: each batch of trials is one (trials × patients) matrix, sorted once
per row; no Python loop runs per patient or per trial. ``simulate_trial_data`` returns the
simulated patients of a few trials (times, events, arms), exactly the ones
``simulate_survival`` analyses with the same inputs and seed, so any trial can be checked
with another log-rank or Cox implementation.

Conventions (as :mod:`explorer.stats.design`): times are months, ``hr`` is treatment /
control, ``ratio`` is the allocation treatment : control, ``alpha`` is the total type I error
and ``sides=2`` puts ``alpha / 2`` in each tail. The comparison with R's
``rpact::getSimulationSurvival`` is in ``tests/reference/simulation.R`` and
``docs/simulation.md``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from scipy.special import ndtri

from explorer.stats._results import Result, read_only, result
from explorer.stats.binary import proportion_ci

__all__ = [
    "SimulatedTrials",
    "SimulationCancelled",
    "SimulationResult",
    "simulate_survival",
    "simulate_trial_data",
]

Entry = Literal["random", "even"]
_ENTRIES = ("random", "even")

# Trials drawn from one random stream (one SeedSequence child each): the unit that makes the
# results independent of chunk_size. Smaller for very large trials, to bound memory.
_BLOCK_TRIALS = 100
# Largest (trials × patients) matrix analysed at once; bigger chunks are cut into batches.
_MAX_CELLS = 1 << 19


class SimulationCancelled(Exception):
    """Raised by :func:`simulate_survival` when its ``progress`` callback returns False.

    Attributes
    ----------
    done, total : int
        Trials finished when the simulation stopped, and trials asked for.
    """

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"simulation cancelled after {done} of {total} trials")
        self.done = done
        self.total = total


@result
class SimulationResult(Result):
    """Outcome of many simulated trials, each analysed by the log-rank test.

    Arrays have one value per trial, in trial order, and are read-only.

    Attributes
    ----------
    n_sims : int
        Trials simulated.
    seed : int or None
        The seed given (None: fresh entropy from the operating system).
    entropy : int
        The entropy actually used; ``seed=entropy`` reproduces the run exactly.
    events_target : int
        Events (both arms) at which each trial is analysed.
    n_total, n_treatment, n_control : int
        Patients randomised per trial and their split (exact counts in every trial).
    alpha : float
        Total significance level.
    sides : int
        1 or 2.
    direction : str
        "lower" when a one-sided test rejects for fewer events on treatment (benefit),
        "upper" for more (harm); see :func:`simulate_survival`. Two-sided tests use both.
    critical_value : float
        :math:`z_{1-\\alpha/s}`.
    power : float
        Share of trials rejecting H0: HR = 1.
    power_lower, power_upper : float
        95% Wilson interval of that Monte Carlo proportion (simulation error only).
    hr : numpy.ndarray
        Observed hazard ratio per trial, ``exp((O - E) / V)`` (Peto's one-step estimate);
        lower than Cox's with unequal allocation (about 6% at PALMIRA's 2:1 and HR 0.59),
        see :attr:`hr_cox`.
    hr_cox : numpy.ndarray
        Cox (partial-likelihood) hazard ratio per trial, as R's ``coxph``; NaN where it
        does not exist (e.g. no event in one arm).
    z : numpy.ndarray
        Log-rank z per trial, ``(O - E) / sqrt(V)`` of the treatment arm; negative = fewer
        events on treatment than expected under H0.
    rejected : numpy.ndarray
        Bool: the trial rejects H0.
    analysis_time : numpy.ndarray
        Calendar time of each analysis, months from the first randomisation.
    events : numpy.ndarray
        Events (int) counted at each analysis.
    target_reached : numpy.ndarray
        Bool: ``events_target`` events occurred by the analysis.
    """

    n_sims: int
    seed: int | None
    entropy: int
    events_target: int
    n_total: int
    n_treatment: int
    n_control: int
    alpha: float
    sides: int
    direction: str
    critical_value: float
    power: float
    power_lower: float
    power_upper: float
    hr: np.ndarray
    hr_cox: np.ndarray
    z: np.ndarray
    rejected: np.ndarray
    analysis_time: np.ndarray
    events: np.ndarray
    target_reached: np.ndarray

    @property
    def hr_median(self) -> float:
        """Median of :attr:`hr` (Peto) over the trials, ignoring NaN."""
        return float(np.nanmedian(self.hr))

    @property
    def hr_cox_median(self) -> float:
        """Median of :attr:`hr_cox` over the trials, ignoring NaN."""
        return float(np.nanmedian(self.hr_cox))

    @property
    def analysis_time_median(self) -> float:
        """Median calendar time of the analysis, months."""
        return float(np.median(self.analysis_time))

    @property
    def share_target_reached(self) -> float:
        """Share of trials in which the target number of events occurred."""
        return float(np.mean(self.target_reached))

    @property
    def hr_schoenfeld(self) -> np.ndarray:
        r"""Hazard ratio per trial from z alone, :math:`\exp(z (1 + r) / \sqrt{r D})`.

        ``r = n_treatment / n_control`` and ``D`` the trial's events. This is the estimate
        rpact's ``getSimulationSurvival`` reports (``hazardRatioEstimateLR``): Schoenfeld's
        formula inverted, instead of the log-rank variance or the Cox likelihood.
        """
        r = self.n_treatment / self.n_control
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.exp(self.z * (1.0 + r) / np.sqrt(r * self.events))

    def hr_quantiles(
        self,
        q: float | Sequence[float] = (0.025, 0.5, 0.975),
        *,
        estimator: Literal["peto", "cox", "schoenfeld"] = "peto",
    ) -> np.ndarray:
        """Quantiles of the observed hazard ratio (``numpy.nanquantile``, linear).

        ``estimator`` picks :attr:`hr` ("peto"), :attr:`hr_cox` or :attr:`hr_schoenfeld`.
        """
        values = {"peto": self.hr, "cox": self.hr_cox, "schoenfeld": None}
        if estimator not in values:
            raise ValueError(f"estimator must be one of {tuple(values)}, got {estimator!r}")
        chosen = self.hr_schoenfeld if estimator == "schoenfeld" else values[estimator]
        return np.nanquantile(chosen, np.asarray(q, dtype=float))

    def analysis_time_quantiles(
        self, q: float | Sequence[float] = (0.025, 0.5, 0.975)
    ) -> np.ndarray:
        """Quantiles of the calendar time of the analysis, months."""
        return np.quantile(self.analysis_time, np.asarray(q, dtype=float))


@result
class SimulatedTrials(Result):
    """The simulated patients of a few trials, as analysed.

    Matrices are (trials × patients); columns ``0 .. n_treatment - 1`` are the treatment
    arm in every trial. All arrays are read-only.

    Attributes
    ----------
    time : numpy.ndarray
        Follow-up from randomisation to event or censoring at the analysis (months); NaN for
        patients not yet randomised at the analysis.
    event : numpy.ndarray
        Bool: an event was observed by the analysis.
    treatment : numpy.ndarray
        Bool: the patient is in the treatment arm.
    entry : numpy.ndarray
        Calendar time of randomisation (months from the first).
    included : numpy.ndarray
        Bool: randomised before the analysis (``entry < analysis_time``).
    analysis_time : numpy.ndarray
        Calendar time of each trial's analysis.
    target_reached : numpy.ndarray
        Bool per trial, as :attr:`SimulationResult.target_reached`.
    """

    time: np.ndarray
    event: np.ndarray
    treatment: np.ndarray
    entry: np.ndarray
    included: np.ndarray
    analysis_time: np.ndarray
    target_reached: np.ndarray


# ---- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Design:
    """Validated design: everything a batch of trials needs."""

    n_total: int
    n_treatment: int
    events: int
    starts: np.ndarray  # start of each hazard piece, months since randomisation (0 first)
    control_rates: np.ndarray
    treatment_rates: np.ndarray
    accrual_time: float
    follow_up: float | None
    dropout_hazard: float
    even_entry: np.ndarray | None  # fixed entry times per column ("even"), else None
    block_trials: int


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {number}")
    return number


def _real(name: str, value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _positive_vector(name: str, values: object, pieces: int) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or a sequence of numbers") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a flat sequence of numbers")
    if arr.size == 1:
        arr = np.repeat(arr, pieces)
    if arr.size != pieces:
        raise ValueError(
            f"{name} needs one value per hazard piece (len(breaks) + 1 = {pieces}), got {arr.size}"
        )
    if not np.all(np.isfinite(arr) & (arr > 0)):
        raise ValueError(f"{name} must be finite and > 0, got {arr.tolist()}")
    return arr


def _treatment_count(n_total: int, ratio: float) -> int:
    """round(n_total * ratio / (1 + ratio)), halves rounded up."""
    return math.floor(n_total * ratio / (1.0 + ratio) + 0.5)


def _allocation_blocks(ratio: float) -> tuple[int, int]:
    """The ratio as whole numbers a1 : a2 in lowest terms (rpact's allocation1/2)."""
    blocks = Fraction(ratio).limit_denominator(100)
    if not math.isclose(float(blocks), ratio, rel_tol=1e-9):
        raise ValueError(
            f"entry='even' needs a ratio of whole numbers a1 : a2 (a2 <= 100), got {ratio!r}"
        )
    return blocks.numerator, blocks.denominator


def _even_entry(n_total: int, ratio: float, accrual_time: float) -> tuple[int, np.ndarray]:
    """rpact's entry: times i * a / N (i = 1..N), arms in fixed blocks of a1 then a2.

    Returns the treated count and the entry times in column order (treatment first).
    """
    a1, a2 = _allocation_blocks(ratio)
    times = accrual_time * np.arange(1, n_total + 1) / n_total
    treated = (np.arange(n_total) % (a1 + a2)) < a1
    return int(treated.sum()), np.concatenate((times[treated], times[~treated]))


def _design(
    *,
    n_total: int,
    events: int,
    hr: float | Sequence[float],
    control_median: float | None,
    control_hazard: Sequence[float] | None,
    breaks: Sequence[float],
    ratio: float,
    accrual_time: float,
    follow_up: float | None,
    dropout_rate: float,
    dropout_time: float,
    entry: str,
) -> _Design:
    n_total = _whole("n_total", n_total, 2)
    events = _whole("events", events, 1)
    if events > n_total:
        raise ValueError(f"events ({events}) cannot exceed n_total ({n_total})")
    try:
        cuts = np.atleast_1d(np.asarray(breaks, dtype=float))
    except (TypeError, ValueError):
        raise ValueError("breaks must be a sequence of numbers (months)") from None
    if cuts.ndim != 1:
        raise ValueError("breaks must be a flat sequence of numbers (months)")
    if not np.all(np.isfinite(cuts) & (cuts > 0)):
        raise ValueError(f"breaks must be finite and > 0 months, got {cuts.tolist()}")
    if np.any(np.diff(cuts) <= 0):
        raise ValueError(f"breaks must be strictly increasing, got {cuts.tolist()}")
    pieces = cuts.size + 1
    if (control_median is None) == (control_hazard is None):
        raise ValueError("give exactly one of control_median and control_hazard")
    if control_median is not None:
        median = _real("control_median", control_median)
        if median <= 0:
            raise ValueError(f"control_median must be > 0 months, got {control_median!r}")
        control = np.full(pieces, math.log(2.0) / median)
    else:
        control = _positive_vector("control_hazard", control_hazard, pieces)
        if np.size(control_hazard) != pieces:
            raise ValueError(
                f"control_hazard needs len(breaks) + 1 = {pieces} values, "
                f"got {np.size(control_hazard)}"
            )
    ratios = _positive_vector("hr", hr, pieces)
    ratio = _real("ratio", ratio)
    if ratio <= 0:
        raise ValueError(f"ratio must be > 0, got {ratio!r}")
    accrual_time = _real("accrual_time", accrual_time)
    if accrual_time < 0:
        raise ValueError(f"accrual_time must be >= 0 months, got {accrual_time!r}")
    if entry not in _ENTRIES:
        raise ValueError(f"entry must be one of {_ENTRIES}, got {entry!r}")
    even_entry = None
    if entry == "even":
        n_treatment, even_entry = _even_entry(n_total, ratio, accrual_time)
    else:
        n_treatment = _treatment_count(n_total, ratio)
    if not 1 <= n_treatment <= n_total - 1:
        raise ValueError(
            f"ratio {ratio!r} leaves an arm empty with n_total {n_total} "
            f"({n_treatment} treatment, {n_total - n_treatment} control)"
        )
    if follow_up is not None:
        follow_up = _real("follow_up", follow_up)
        if follow_up < 0:
            raise ValueError(f"follow_up must be >= 0 months or None, got {follow_up!r}")
        if accrual_time + follow_up <= 0:
            raise ValueError("accrual_time + follow_up must be > 0 (no time for any event)")
    dropout_rate = _real("dropout_rate", dropout_rate)
    if not 0.0 <= dropout_rate < 1.0:
        raise ValueError(f"dropout_rate must be in [0, 1), got {dropout_rate!r}")
    dropout_time = _real("dropout_time", dropout_time)
    if dropout_time <= 0:
        raise ValueError(f"dropout_time must be > 0 months, got {dropout_time!r}")
    return _Design(
        n_total=n_total,
        n_treatment=n_treatment,
        events=events,
        starts=np.concatenate(([0.0], cuts)),
        control_rates=control,
        treatment_rates=control * ratios,
        accrual_time=accrual_time,
        follow_up=follow_up,
        dropout_hazard=-math.log1p(-dropout_rate) / dropout_time,
        even_entry=even_entry,
        block_trials=max(1, min(_BLOCK_TRIALS, _MAX_CELLS // n_total)),
    )


def _direction(hr: float | Sequence[float]) -> str:
    """Tail of a one-sided test: "upper" (harm) only when no piece has HR < 1 and one > 1."""
    ratios = np.atleast_1d(np.asarray(hr, dtype=float))
    return "upper" if bool(np.all(ratios >= 1.0) and np.any(ratios > 1.0)) else "lower"


def _entropy(seed: int | None) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return _whole("seed", seed, 0)


# ---- random draws ---------------------------------------------------------------------------


class _Draws:
    """Uniform and exponential draws per trial, from one SeedSequence child per block.

    Trial ``i`` always comes from block ``i // block_trials`` with the same stream, so its
    patients do not depend on ``chunk_size`` or on ``n_sims``.
    """

    def __init__(self, design: _Design, entropy: int) -> None:
        self._design = design
        self._entropy = entropy
        self._cached: tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray | None]] | None = None

    def _block(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        d = self._design
        rng = np.random.default_rng(np.random.SeedSequence(self._entropy, spawn_key=(index,)))
        shape = (d.block_trials, d.n_total)
        if d.even_entry is None:
            entry = rng.random(shape) * d.accrual_time
        else:
            entry = np.broadcast_to(d.even_entry, shape)
        event = rng.standard_exponential(shape)
        dropout = rng.standard_exponential(shape) if d.dropout_hazard > 0 else None
        self._cached = (index, (entry, event, dropout))
        return entry, event, dropout

    def rows(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(entry, unit-exponential event draw, unit-exponential dropout draw) of trials."""
        size = self._design.block_trials
        parts = []
        for index in range(start // size, (stop - 1) // size + 1):
            lo = max(start, index * size) - index * size
            hi = min(stop, (index + 1) * size) - index * size
            parts.append(tuple(None if a is None else a[lo:hi] for a in self._block(index)))
        if len(parts) == 1:
            return parts[0]  # type: ignore[return-value]
        entry, event, dropout = zip(*parts, strict=True)
        return (
            np.concatenate(entry),
            np.concatenate(event),
            None if dropout[0] is None else np.concatenate(dropout),
        )


def _event_times(unit: np.ndarray, starts: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Invert the piecewise-linear cumulative hazard at unit-exponential draws."""
    if rates.size == 1 or np.all(rates == rates[0]):
        return unit / rates[0]
    # Cumulative hazard at the start of each piece.
    at_start = np.concatenate(([0.0], np.cumsum(rates[:-1] * np.diff(starts))))
    piece = np.searchsorted(at_start, unit, side="right") - 1
    return starts[piece] + (unit - at_start[piece]) / rates[piece]


# ---- one batch of trials --------------------------------------------------------------------


@dataclass(frozen=True)
class _Batch:
    """Patients of a batch of trials at their analyses (excluded patients: time -1)."""

    time: np.ndarray
    event: np.ndarray
    entry: np.ndarray
    included: np.ndarray
    analysis_time: np.ndarray
    target_reached: np.ndarray


def _patients(d: _Design, entry: np.ndarray, unit_event: np.ndarray, unit_drop) -> _Batch:
    nt = d.n_treatment
    t = np.empty_like(unit_event)
    t[:, :nt] = _event_times(unit_event[:, :nt], d.starts, d.treatment_rates)
    t[:, nt:] = _event_times(unit_event[:, nt:], d.starts, d.control_rates)
    if unit_drop is None:
        has_event = np.ones(t.shape, dtype=bool)
        followed = t  # time to event or dropout
    else:
        drop = unit_drop / d.dropout_hazard
        has_event = t <= drop
        followed = np.minimum(t, drop)
    calendar = entry + t
    event_calendar = np.where(has_event, calendar, np.inf)
    k = d.events - 1
    target_time = np.partition(event_calendar, k, axis=1)[:, k]
    # Target not reachable (dropout): analyse when the last patient's follow-up ends.
    analysis = np.where(np.isfinite(target_time), target_time, np.max(entry + followed, axis=1))
    if d.follow_up is not None:
        analysis = np.minimum(analysis, d.accrual_time + d.follow_up)
    reached = target_time <= analysis
    cut = analysis[:, None]
    included = entry < cut
    event = has_event & (calendar <= cut)
    time = np.where(event, t, np.minimum(followed, cut - entry))
    time = np.where(included, time, -1.0)
    return _Batch(time, event, entry, included, analysis, reached)


_NEWTON_STEPS = 12
_NEWTON_TOL = 1e-10


def _logrank(time: np.ndarray, event: np.ndarray, n_treatment: int) -> tuple[np.ndarray, ...]:
    """Log-rank z, Peto and Cox log hazard ratios per row (treatment columns first).

    Event times never tie (continuous). The patient at sorted position j then has n - j
    at risk; excluded patients (time -1) sort first and are never events, so they are
    never counted at an event time. Censored times are sorted as if a hair later, so
    that patients censored at an event's time count as at risk then, as R's survdiff
    does; that only matters when entries tie (``accrual_time=0``: everyone censored at
    the analysis shares the time of the last event).
    """
    n = time.shape[1]
    order = np.argsort(np.where(event, time, np.nextafter(time, np.inf)), axis=1)
    treated = order < n_treatment
    ev = np.take_along_axis(event, order, axis=1)
    at_risk = np.arange(n, 0, -1, dtype=float)
    at_risk_treated = np.cumsum(treated[:, ::-1], axis=1)[:, ::-1].astype(float)
    share = at_risk_treated / at_risk
    o_minus_e = np.sum(np.where(ev, treated - share, 0.0), axis=1)
    variance = np.sum(np.where(ev, share * (1.0 - share), 0.0), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = o_minus_e / np.sqrt(variance)
        log_peto = o_minus_e / variance
    return z, log_peto, _cox_log_hr(ev, treated, at_risk_treated, at_risk, log_peto)


def _cox_log_hr(
    ev: np.ndarray,
    treated: np.ndarray,
    at_risk_treated: np.ndarray,
    at_risk: np.ndarray,
    start: np.ndarray,
) -> np.ndarray:
    """Cox partial-likelihood estimate of log HR per row, by Newton steps from ``start``.

    Without ties the score is sum over events of (treated - p) and the information
    sum of p (1 - p), with p = n1 e^b / (n1 e^b + n0) (Breslow = Efron = exact).
    """
    rows = np.flatnonzero(np.isfinite(start))
    ev, treated, n1 = ev[rows], treated[rows], at_risk_treated[rows]
    n0 = at_risk - n1
    b = start[rows].copy()
    active = np.arange(rows.size)  # rows still moving
    for _ in range(_NEWTON_STEPS):
        w = n1[active] * np.exp(b[active])[:, None]
        p = w / (w + n0[active])
        e = ev[active]
        score = np.sum(np.where(e, treated[active] - p, 0.0), axis=1)
        information = np.sum(np.where(e, p * (1.0 - p), 0.0), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = score / information
        b[active] += step
        active = active[np.abs(step) > _NEWTON_TOL]  # NaN steps stop too (b is NaN)
        if active.size == 0:
            break
    b[active] = np.nan  # no convergence: the estimate does not exist (monotone likelihood)
    beta = np.full(start.shape, np.nan)
    beta[rows] = np.where(np.isfinite(b), b, np.nan)
    return beta


# ---- public functions -----------------------------------------------------------------------


def simulate_survival(
    *,
    n_total: int,
    events: int,
    hr: float | Sequence[float],
    control_median: float | None = None,
    control_hazard: Sequence[float] | None = None,
    breaks: Sequence[float] = (),
    ratio: float = 1.0,
    accrual_time: float,
    follow_up: float | None = None,
    dropout_rate: float = 0.0,
    dropout_time: float = 12.0,
    alpha: float = 0.05,
    sides: int = 2,
    n_sims: int = 10_000,
    seed: int | None = None,
    chunk_size: int = 1_000,
    progress: Callable[[int, int], bool | None] | None = None,
    entry: Entry = "random",
) -> SimulationResult:
    r"""Simulate many two-arm trials and analyse each with the log-rank test.

    Parameters
    ----------
    n_total : int
        Patients randomised per trial, >= 2.
    events : int
        Events (both arms together) at which each trial is analysed, 1 .. ``n_total``.
    hr : float or sequence of float
        Hazard ratio treatment / control, > 0: one value, or one per hazard piece
        (``len(breaks) + 1``) for an effect that changes over time.
    control_median : float, optional
        Median time to event in the control arm (months): a constant hazard
        ``ln 2 / control_median``. Give this or ``control_hazard``, not both.
    control_hazard : sequence of float, optional
        Control-arm hazard per month in each piece (``len(breaks) + 1`` values, > 0).
    breaks : sequence of float, optional
        Months since randomisation where the hazards change, > 0 and increasing. Default
        none (constant hazards).
    ratio : float, optional
        Allocation treatment : control, > 0. Default 1.0.
    accrual_time : float
        Months over which patients are randomised, >= 0.
    follow_up : float, optional
        Longest follow-up after accrual ends: the analysis happens at the latest at
        ``accrual_time + follow_up``. Default None: event-driven only.
    dropout_rate : float, optional
        Probability of dropping out within ``dropout_time`` months, in [0, 1), both arms.
        Default 0.
    dropout_time : float, optional
        Months the ``dropout_rate`` refers to, > 0. Default 12 (as rpact).
    alpha : float, optional
        Total significance level, in (0, 1). Default 0.05.
    sides : {1, 2}, optional
        One- or two-sided test. Default 2.
    n_sims : int, optional
        Trials to simulate, >= 1. Default 10,000.
    seed : int, optional
        Seed (>= 0) of the random numbers; None draws fresh entropy (kept in the result's
        ``entropy``).
    chunk_size : int, optional
        Trials between two calls of ``progress``, >= 1. Default 1,000. Does not change the
        results.
    progress : callable, optional
        ``progress(done, n_sims)`` after each chunk; returning False (not None) cancels.
    entry : {"random", "even"}, optional
        "random" (default): each patient's randomisation time is uniform on
        ``[0, accrual_time]``, independently of the others and of the arm. "even": rpact's
        fixed times ``i * accrual_time / n_total`` (i = 1 .. n_total) with the arms in
        fixed blocks of ``a1`` treatment then ``a2`` control (``ratio = a1 / a2`` in lowest
        terms, ``a2 <= 100``), to reproduce ``rpact::getSimulationSurvival``.

    Returns
    -------
    SimulationResult
        ``power`` with its Wilson interval, and per trial ``hr`` (Peto), ``hr_cox``, ``z``,
        ``rejected``, ``analysis_time``, ``events``, ``target_reached``.

    Raises
    ------
    ValueError
        Naming the parameter and the problem: ``events > n_total``, ``hr <= 0``, ``breaks``
        not increasing, a negative ``accrual_time``, ``dropout_rate`` outside [0, 1),
        ``n_sims < 1``, both or neither of ``control_median`` and ``control_hazard``, ...
    SimulationCancelled
        When ``progress`` returns False (after the chunk it was called for).

    See Also
    --------
    explorer.stats.design.power : the analytic (Schoenfeld) power to compare with.
    simulate_trial_data : the simulated patients of a few trials.

    Notes
    -----
    **Patients.** Each trial has exactly ``n_treatment = round(n_total * ratio / (1 +
    ratio))`` treated patients (halves up) and the rest control (with ``entry="even"``, the
    count rpact's blocks give, the same when ``n_total`` is a multiple of ``a1 + a2``).
    The order of randomisation does not matter to the log-rank test as long as it is
    independent of entry time, as with ``entry="random"``. Event times follow a
    piecewise-exponential distribution: control hazard :math:`\lambda_k` on piece
    :math:`k` (between ``breaks``), treatment hazard :math:`\theta_k \lambda_k`; a time
    is :math:`H^{-1}(E)` with :math:`E` a unit exponential and :math:`H` the arm's
    cumulative hazard. Dropout is an independent exponential time with hazard
    :math:`-\ln(1 - q) / t_q` (``q = dropout_rate``, ``t_q = dropout_time``), as rpact's
    ``dropoutRate1/2`` and ``dropoutTime``; a patient who drops out before the event is
    censored then.

    **Analysis.** At the calendar time of the ``events``-th event (both arms). Patients
    randomised after it are excluded, the others are censored then. If ``events`` cannot
    occur (dropout), the trial is analysed when the last patient's follow-up ends; if
    ``follow_up`` is given, at ``accrual_time + follow_up`` when that comes first. Those
    trials have ``target_reached`` False and fewer ``events``; they count in the power
    like any other (analysed with what they have).

    **Test.** The log-rank statistic of each trial from its sorted times: with :math:`n`
    at risk and :math:`n_1` of them treated at an event, :math:`O - E = \sum (d_1 - n_1/n)`
    and :math:`V = \sum n_1 (n - n_1) / n^2` (hypergeometric variance, one event per
    time); :math:`z = (O - E)/\sqrt{V}`. Simulated times are continuous, so there are no
    ties (a tie has probability 0), and this equals R's ``survdiff`` and
    ``scipy.stats.logrank``. With :math:`c = z_{1-\alpha/s}`:

    * ``sides=2``: reject when :math:`|z| \ge c`, both tails, as
      ``explorer.stats.design.power`` and rpact's ``getPowerSurvival`` count them (the
      opposite tail adds almost nothing at a realistic power; under HR 1 it is ``alpha``);
    * ``sides=1``: reject in the direction of the hypothesised effect, as ``design.power``:
      :math:`z \le -c` (benefit) unless no piece has ``hr < 1`` and one has ``hr > 1``, then
      :math:`z \ge c` (see ``direction``).

    **Observed hazard ratio.** ``hr`` is Peto's one-step estimate
    :math:`\exp((O - E)/V)`, the log-rank score over its information. ``hr_cox`` maximises
    the Cox partial likelihood by Newton steps from it (no ties: Breslow, Efron and exact
    agree); it equals R's ``coxph`` to rounding. The two agree near HR 1 and part away
    from it, more with unequal allocation. In trials of PALMIRA's size (155 events) the
    mean of log(Peto) - log(Cox) is 0.000, -0.003 and -0.015 at HR 1, 0.8 and 0.59 with
    1:1 allocation (median absolute difference 0.0001 at HR 1), and -0.005, -0.016 and
    -0.068 with 2:1, Peto's being the lower in every 2:1 trial: at PALMIRA's design the
    median Peto HR is 0.55 for a true 0.59, the median Cox HR 0.59. Prefer ``hr_cox`` to
    show what trials would report. rpact's ``hazardRatioEstimateLR`` inverts
    Schoenfeld's formula instead: :attr:`SimulationResult.hr_schoenfeld`.

    **Power.** The share of rejecting trials, with a 95% Wilson interval for the
    simulation error only.

    **Random numbers.** Trials are drawn in fixed blocks of up to 100, block ``b`` from
    ``numpy.random.SeedSequence(seed, spawn_key=(b,))`` (PCG64): the same seed gives the
    same trials for any ``chunk_size``, and trial ``i`` does not depend on ``n_sims``.
    Memory is bounded: at most about half a million (trial × patient) cells are analysed
    at once, whatever ``chunk_size``.

    **Compared with rpact** ``getSimulationSurvival`` (one-sided only): with
    ``entry="even"`` the power, the analysis times and rpact's hazard-ratio estimate agree
    within simulation error (``tests/reference/simulation.R``). Random entry, the default
    and the more realistic model, gives analyses about 0.1 month earlier at PALMIRA's
    design and the same power within 0.002. Evenly spaced entry makes the arms' entry
    times depend on the block order: treatment-first blocks give the treated patients
    slightly longer follow-up than control-first ones, worth 0.6 treated events and 0.004
    in power at PALMIRA's design.

    Examples
    --------
    PALMIRA-like: 198 patients 2:1, control median 3.6 months, 42 months of accrual,
    analysed at 155 events; HR 0.59 as planned.

    >>> res = simulate_survival(n_total=198, events=155, hr=0.59, control_median=3.6,
    ...                         ratio=2.0, accrual_time=42.0, n_sims=10_000, seed=1)
    >>> res.n_treatment, res.n_control
    (132, 66)
    >>> round(res.power, 3), round(res.power_lower, 3), round(res.power_upper, 3)
    (0.884, 0.877, 0.89)
    >>> round(res.hr_cox_median, 2), round(res.analysis_time_median, 1)
    (0.59, 40.3)
    """
    d = _design(
        n_total=n_total,
        events=events,
        hr=hr,
        control_median=control_median,
        control_hazard=control_hazard,
        breaks=breaks,
        ratio=ratio,
        accrual_time=accrual_time,
        follow_up=follow_up,
        dropout_rate=dropout_rate,
        dropout_time=dropout_time,
        entry=entry,
    )
    alpha = _real("alpha", alpha)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if sides not in (1, 2) or isinstance(sides, bool):
        raise ValueError(f"sides must be 1 or 2, got {sides!r}")
    n_sims = _whole("n_sims", n_sims, 1)
    chunk_size = _whole("chunk_size", chunk_size, 1)
    if progress is not None and not callable(progress):
        raise ValueError("progress must be a callable progress(done, total) or None")
    entropy = _entropy(seed)
    direction = _direction(hr)
    critical = float(-ndtri(alpha / sides))

    z = np.empty(n_sims)
    log_hr = np.empty(n_sims)
    log_cox = np.empty(n_sims)
    analysis_time = np.empty(n_sims)
    n_events = np.empty(n_sims, dtype=np.int64)
    reached = np.empty(n_sims, dtype=bool)
    draws = _Draws(d, entropy)
    batch = max(1, _MAX_CELLS // d.n_total)
    done = 0
    while done < n_sims:
        stop = min(done + chunk_size, n_sims)
        for lo in range(done, stop, batch):
            hi = min(lo + batch, stop)
            b = _patients(d, *draws.rows(lo, hi))
            z[lo:hi], log_hr[lo:hi], log_cox[lo:hi] = _logrank(b.time, b.event, d.n_treatment)
            analysis_time[lo:hi] = b.analysis_time
            n_events[lo:hi] = b.event.sum(axis=1)
            reached[lo:hi] = b.target_reached
        done = stop
        if progress is not None and progress(done, n_sims) is False:
            raise SimulationCancelled(done, n_sims)

    if sides == 2:
        rejected = np.abs(z) >= critical
    elif direction == "lower":
        rejected = z <= -critical
    else:
        rejected = z >= critical
    k = int(rejected.sum())
    interval = proportion_ci(k, n_sims, method="wilson")
    lower, upper = interval.lower, interval.upper
    return SimulationResult(
        n_sims=n_sims,
        seed=seed,
        entropy=entropy,
        events_target=d.events,
        n_total=d.n_total,
        n_treatment=d.n_treatment,
        n_control=d.n_total - d.n_treatment,
        alpha=alpha,
        sides=sides,
        direction=direction,
        critical_value=critical,
        power=k / n_sims,
        power_lower=lower,
        power_upper=upper,
        hr=read_only(np.exp(log_hr)),
        hr_cox=read_only(np.exp(log_cox)),
        z=read_only(z),
        rejected=read_only(rejected),
        analysis_time=read_only(analysis_time),
        events=read_only(n_events),
        target_reached=read_only(reached),
    )


def simulate_trial_data(
    *,
    n_total: int,
    events: int,
    hr: float | Sequence[float],
    control_median: float | None = None,
    control_hazard: Sequence[float] | None = None,
    breaks: Sequence[float] = (),
    ratio: float = 1.0,
    accrual_time: float,
    follow_up: float | None = None,
    dropout_rate: float = 0.0,
    dropout_time: float = 12.0,
    n_sims: int = 1,
    seed: int | None = None,
    entry: Entry = "random",
) -> SimulatedTrials:
    """Return the simulated patients of the first ``n_sims`` trials, as analysed.

    Same design arguments and seed as :func:`simulate_survival`, whose trial ``i`` these
    are: feed a row to any log-rank or Cox implementation to check it, or draw the
    Kaplan–Meier curves of a simulated trial. Meant for a few trials: the matrices hold
    ``n_sims × n_total`` values each.

    Parameters
    ----------
    n_total, events, hr, control_median, control_hazard, breaks, ratio, accrual_time, \
follow_up, dropout_rate, dropout_time, seed, entry
        As :func:`simulate_survival`.
    n_sims : int, optional
        Trials to return, >= 1. Default 1.

    Returns
    -------
    SimulatedTrials
        ``time, event, treatment, entry, included`` (trials × patients), ``analysis_time``
        and ``target_reached`` per trial.

    Examples
    --------
    >>> trials = simulate_trial_data(n_total=198, events=155, hr=0.59, control_median=3.6,
    ...                              ratio=2.0, accrual_time=42.0, n_sims=2, seed=1)
    >>> trials.time.shape, int(trials.event[0].sum())
    ((2, 198), 155)
    """
    d = _design(
        n_total=n_total,
        events=events,
        hr=hr,
        control_median=control_median,
        control_hazard=control_hazard,
        breaks=breaks,
        ratio=ratio,
        accrual_time=accrual_time,
        follow_up=follow_up,
        dropout_rate=dropout_rate,
        dropout_time=dropout_time,
        entry=entry,
    )
    n_sims = _whole("n_sims", n_sims, 1)
    b = _patients(d, *_Draws(d, _entropy(seed)).rows(0, n_sims))
    treatment = np.zeros(b.time.shape, dtype=bool)
    treatment[:, : d.n_treatment] = True
    return SimulatedTrials(
        time=read_only(np.where(b.included, b.time, np.nan)),
        event=read_only(b.event.copy()),
        treatment=read_only(treatment),
        entry=read_only(np.array(b.entry, dtype=float)),
        included=read_only(b.included.copy()),
        analysis_time=read_only(b.analysis_time.copy()),
        target_reached=read_only(b.target_reached.copy()),
    )
