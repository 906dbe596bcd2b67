"""What the trial's figures mean for patients: absolute effects, benefit–harm, Bayes, fragility.

A hazard ratio of 0.8 (95% CI 0.6–1.1) means little in a clinic. This module turns the
reported figures into what a clinician says in the room:

* :func:`absolute_effects`: per 100 and per 1000 patients at a milestone, both from
  the reported landmark rates and from the hazard ratio applied to the control risk
  (GRADE: risk_t = 1 − (1 − risk_c)^HR), with the interval carried from the HR's CI;
* :func:`survival_gain`: the gain in median and the restricted-mean difference under
  the model curves the Endpoints panel draws;
* :func:`benefit_harm`: the NNT at the efficacy milestone beside the NNH for grade 3–4
  adverse events, with Altman's reading of an interval that crosses no difference;
* :func:`default_priors` and :func:`bayesian`: the normal-approximation reanalysis of
  the primary hazard ratio under flat, sceptical and enthusiastic priors;
* :func:`icon_arrays`: 100 people per arm for a conversation with a patient;
* :func:`fragility`: the Walsh fragility index (or its reverse) of binary outcomes.

Every function is pure and takes the evidence and anything with ``.get(id)`` returning
a :class:`~explorer.analysis.figures.Figure` (a ``FigureSet`` while
:func:`~explorer.analysis.summarize` runs, or the finished ``Summary``).
:func:`add_interpretation_figures` adds every number here as a figure (topic
``"interpretation"``) so it appears in ``summary --json`` with its derivation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from explorer.evidence import AdverseEvent, Arm, Evidence, TimeToEventEndpoint
from explorer.stats import effects
from explorer.stats import fragility as fragility_stats

from .arms import comparison_pairs, primary_pair
from .comparisons import _arm_counts, altman_interval, number_needed, outcomes
from .endpoints import PiecewiseExponential, piecewise_exponential
from .figures import DERIVED, REPORTED, Figure, FigureSet, computed, derived_status, format_number

__all__ = [
    "TOPIC",
    "AbsoluteEffect",
    "BayesResult",
    "BenefitHarm",
    "Fragility",
    "IconArm",
    "IconArray",
    "NumberNeeded",
    "Prior",
    "SurvivalGain",
    "absolute_effects",
    "add_interpretation_figures",
    "bayesian",
    "benefit_harm",
    "default_priors",
    "fragility",
    "icon_arrays",
    "skipped_milestones",
    "survival_gain",
]

#: Topic of every figure added here (``Summary.topic_title`` → "Interpretation").
TOPIC = "interpretation"
#: Milestones (months) of the absolute effects by default.
DEFAULT_MILESTONES = (6.0, 12.0)
#: Grid points of the Bayesian densities.
GRID_POINTS = 400


class FigureLookup(Protocol):
    """Anything that finds a figure by id: a ``FigureSet`` or a ``Summary``."""

    def get(self, id: str) -> Figure | None: ...


# -- shared helpers ---------------------------------------------------------------------


def _two_arms(evidence: Evidence) -> tuple[Arm, Arm] | None:
    """(treatment, control) of the primary comparison, or ``None`` without a control.

    A trial with several treatment arms is interpreted for its primary comparison
    (:func:`explorer.analysis.arms.primary_pair`); :func:`comparison_scope` says so.
    """
    pair = primary_pair(evidence)
    return None if pair is None else (pair.treatment, pair.control)


def comparison_scope(evidence: Evidence) -> str | None:
    """A sentence on which comparison the interpretation covers, or None (two-arm trial).

    Multi-arm: only the primary comparison, and why; single group: not applicable.
    """
    if evidence.is_two_arm:
        return None
    pair = primary_pair(evidence)
    if pair is None:
        return (
            "Not applicable: a single-group study has no control arm, so there are no "
            "absolute effects, NNT/NNH or comparative reanalyses."
        )
    others = [p.label for p in comparison_pairs(evidence)[1:]]
    rest = ""
    if others:
        rest = f" The other comparisons ({'; '.join(others)}) are in the Endpoints panel."
    return (
        f"This trial has {len(evidence.treatment_arms)} treatment arms: absolute effects, "
        f"NNT/NNH and the reanalyses here are for the primary comparison, {pair.label}, "
        "only, as the control-arm rates and the hazard ratio they start from are "
        f"reported for that comparison.{rest}"
    )


def _tte_endpoints(evidence: Evidence) -> list[TimeToEventEndpoint]:
    """Time-to-event endpoints, the primary first."""
    eps = [ep for ep in evidence.endpoints if isinstance(ep, TimeToEventEndpoint)]
    primary = evidence.design.primary_endpoint
    return sorted(eps, key=lambda ep: ep.id != primary)


def _primary_tte(evidence: Evidence) -> TimeToEventEndpoint | None:
    ep = evidence.primary_endpoint
    return ep if isinstance(ep, TimeToEventEndpoint) else None


def _ratio_figure(ep: TimeToEventEndpoint, figures: FigureLookup) -> Figure | None:
    """The endpoint's hazard ratio figure when it has a CI, else ``None``."""
    if ep.effect is None:
        return None
    f = figures.get(f"{ep.id}.{ep.effect.kind.lower()}")
    if f is None or f.value is None or f.lower is None or f.upper is None or f.level is None:
        return None
    return f


def _landmark(figures: FigureLookup, ep_id: str, t: float, arm_id: str) -> Figure | None:
    f = figures.get(f"{ep_id}.landmark_{format_number(t)}.{arm_id}")
    return f if f is not None and f.value is not None else None


def _proportion(rate: Figure) -> float:
    """A printed percentage as a proportion at its printed precision (28.6% → 0.286).

    ``28.6 / 100`` is 0.28600000000000003 in binary floating point; rounding to the
    printed precision keeps the arithmetic on the number as printed (as the Endpoints
    panel's model does).
    """
    decimals = rate.decimals + 2 if rate.decimals is not None else 12
    return round(rate.value / 100.0, decimals)


def _num3(x: float) -> str:
    """Three decimals with a typographic minus: ``−0.034``."""
    return format_number(x, 3)


def _months(t: float) -> str:
    return format_number(t)


def _event_words(ep: TimeToEventEndpoint) -> tuple[str, str]:
    """(event noun phrase, plural verb phrase): ("progression or death", "progressed or died")."""
    name = ep.name.lower()
    if name == "overall survival":
        return "death", "died"
    if "progression" in name:
        return "progression or death", "progressed or died"
    return "an event", "had an event"


def _free_words(ep: TimeToEventEndpoint) -> tuple[str, str]:
    """(short outcome, plain outcome): ("progression-free", "alive without the cancer growing")."""
    name = ep.name.lower()
    if name == "overall survival":
        return "alive", "alive"
    if name.endswith(" survival"):
        short = name.removesuffix(" survival")
        if "progression" in short:
            return short, "alive without the cancer growing"
        return short, short
    return f"free of {name}", f"free of {name}"


def _short(ep: TimeToEventEndpoint) -> str:
    return ep.id.upper() if ep.id.isalpha() and len(ep.id) <= 4 else ep.name


def _grade_text(grade: str) -> str:
    return grade.replace("-", "–")


def _severe_aes(evidence: Evidence) -> list[AdverseEvent]:
    """Adverse-event entries of grade 3–4 (or ≥ 3), any-term entries first."""
    bands = {"3-4", "3–4", ">=3", "≥3", "3-5", "3–5"}
    severe = [ae for ae in evidence.adverse_events if ae.grade.replace(" ", "") in bands]
    anyterm = {"adverse events", "any adverse event", "any adverse events", "any"}
    return sorted(severe, key=lambda ae: ae.term.lower() not in anyterm)


def _ae_phrase(ae: AdverseEvent) -> str:
    """``a grade 3–4 adverse event`` / ``grade 3–4 neutropenia``."""
    grade = _grade_text(ae.grade)
    if ae.term.lower() in {"adverse events", "any adverse event", "any adverse events", "any"}:
        return f"a grade {grade} adverse event"
    return f"grade {grade} {ae.term[:1].lower()}{ae.term[1:]}"


# -- survival models (the Endpoints panel's model curves) ----------------------------


@dataclass(frozen=True)
class _ArmModel:
    model: PiecewiseExponential
    inputs: tuple[Figure, ...]
    last_knot: float


def _arm_model(ep: TimeToEventEndpoint, figures: FigureLookup, arm_id: str) -> _ArmModel | None:
    """The piecewise-exponential curve through S(0) = 1, the median and the landmark rates.

    The same knots as :func:`explorer.analysis.endpoints.model_survival_curves` (the
    Endpoints panel), built from figures alone so it can run inside ``summarize``.
    """
    times: list[float] = []
    surv: list[float] = []
    inputs: list[Figure] = []
    median = figures.get(f"{ep.id}.median.{arm_id}")
    if median is not None and median.value:
        times.append(float(median.value))
        surv.append(0.5)
        inputs.append(median)
    for lm in ep.landmarks:
        rate = _landmark(figures, ep.id, lm.time, arm_id)
        if rate is None:
            continue
        times.append(float(lm.time))
        surv.append(_proportion(rate))
        inputs.append(rate)
    if not times:
        return None
    model, _ = piecewise_exponential(times, surv)
    return _ArmModel(model, tuple(inputs), float(model.knot_time[-1]))


def _area(model: PiecewiseExponential, tau: float) -> float:
    """∫₀^τ S(t) dt of a piecewise-exponential curve, in closed form per segment."""
    kt, ks, hz = model.knot_time, model.knot_survival, model.hazard
    total = 0.0
    for i, start in enumerate(kt):
        if start >= tau:
            break
        end = min(kt[i + 1] if i + 1 < len(kt) else math.inf, tau)
        lam = float(hz[min(i, len(hz) - 1)]) if len(hz) else 0.0
        width = end - start
        total += ks[i] * width if lam == 0.0 else ks[i] * -math.expm1(-lam * width) / lam
    return float(total)


# -- absolute effects -------------------------------------------------------------------


@dataclass(frozen=True)
class AbsoluteEffect:
    """Events avoided per 100 and per 1000 patients treated, by a milestone.

    Attributes
    ----------
    endpoint : str
        Endpoint id (``"pfs"``).
    milestone : float
        Months since randomisation (6.0).
    method : str
        ``"landmark"`` (the reported landmark rates of both arms) or ``"hr"`` (the
        hazard ratio applied to the control arm's event risk, GRADE).
    method_text : str
        One sentence: the formula and its inputs.
    control_event_risk, treatment_event_risk : float
        Proportion with an event (progression or death for PFS) by the milestone.
    treatment_event_risk_lower, treatment_event_risk_upper : float or None
        From the HR's CI (``None`` for ``"landmark"``: no CI is reported for the rates).
    difference, difference_lower, difference_upper : float or None
        ``control − treatment`` event risk (positive: fewer events with treatment), as a
        proportion, with its interval.
    per_100, per_1000 (and ``_lower``/``_upper``) : float or None
        The difference per 100 and per 1000 patients treated.
    status : str
        ``"derived"`` or ``"reconstructed"`` (the least certain input decides).
    figure_ids : tuple of str
        Ids of the figures added for it.
    control_from_model : bool
        Whether the control risk comes from the model curve (no landmark reported there).
    extrapolated : bool
        Whether that model value lies beyond the last reported time point.
    label : str
        The method in a few words: ``"reported 6-month rates"`` /
        ``"HR applied to the control risk"``.
    """

    endpoint: str
    milestone: float
    method: str
    method_text: str
    control_event_risk: float
    treatment_event_risk: float
    treatment_event_risk_lower: float | None
    treatment_event_risk_upper: float | None
    difference: float
    difference_lower: float | None
    difference_upper: float | None
    per_100: float
    per_100_lower: float | None
    per_100_upper: float | None
    per_1000: float
    per_1000_lower: float | None
    per_1000_upper: float | None
    status: str
    figure_ids: tuple[str, ...]
    level: float | None = None
    control_from_model: bool = False
    extrapolated: bool = False
    label: str = ""


def _grade_risk(control_risk: float, hr: float) -> float:
    """GRADE: risk_t = 1 − (1 − risk_c)^HR (proportional hazards up to the milestone)."""
    return 1.0 - (1.0 - control_risk) ** hr


def _ids(ep_id: str, milestone: float, method: str) -> dict[str, str]:
    base = f"interp.{ep_id}.abs_{_months(milestone)}.{method}"
    return {
        "per_100": f"{base}.per_100",
        "per_1000": f"{base}.per_1000",
        "treatment_event_risk": f"{base}.treatment_event_risk",
    }


def _absolute(
    evidence: Evidence,
    figures: FigureLookup,
    milestones: Sequence[float],
    *,
    allow_extrapolation: bool,
) -> tuple[list[tuple[AbsoluteEffect, list[Figure]]], list[str]]:
    """Absolute effects with their figures, and a sentence per milestone left out."""
    arms = _two_arms(evidence)
    out: list[tuple[AbsoluteEffect, list[Figure]]] = []
    skipped: list[str] = []
    if arms is None:
        return out, [comparison_scope(evidence) or "Absolute effects need a control arm."]
    t, c = arms
    versus = f"{t.label} vs {c.label}"
    for ep in _tte_endpoints(evidence):
        event, _ = _event_words(ep)
        short = _short(ep)
        hr = _ratio_figure(ep, figures)
        control_model = _arm_model(ep, figures, c.id)
        for m in milestones:
            mm = _months(m)
            rt, rc = _landmark(figures, ep.id, m, t.id), _landmark(figures, ep.id, m, c.id)
            # 1. Landmark method: both arms' rates reported at the milestone.
            if rt is not None and rc is not None:
                risk_c, risk_t = 1.0 - _proportion(rc), 1.0 - _proportion(rt)
                diff = risk_c - risk_t
                text = (
                    f"Landmark method: event risk = 1 − reported {mm}-month rate per arm: "
                    f"{c.label} 1 − {_proportion(rc):g} = {risk_c:.3f}, {t.label} "
                    f"1 − {_proportion(rt):g} = {risk_t:.3f}; difference risk_c − risk_t = "
                    f"{_num3(diff)}; no interval, as none is reported for the rates"
                )
                ids = _ids(ep.id, m, "landmark")
                label = f"reported {mm}-month rates"
                figs = _per_figures(
                    ep, mm, event, short, versus, label, ids, diff, None, None, None, text, [rt, rc]
                )
                out.append(
                    (
                        _effect(
                            ep.id,
                            m,
                            "landmark",
                            text,
                            figs,
                            risks=(risk_c, risk_t, None, None),
                            differences=(diff, None, None),
                            level=None,
                            label=label,
                        ),
                        figs,
                    )
                )
            # 2. HR method: the control risk from its reported rate or the model curve.
            if hr is None:
                skipped.append(f"{short} at {mm} months: no hazard ratio with a CI.")
                continue
            from_model = rc is None
            extrapolated = False
            if rc is not None:
                risk_c = 1.0 - _proportion(rc)
                control_inputs: list[Figure] = [rc]
                control_text = (
                    f"the control event risk by {mm} months, 1 − the reported {mm}-month "
                    f"rate of {c.label} = 1 − {_proportion(rc):g} = {risk_c:.3f}"
                )
            elif control_model is not None and (
                m <= control_model.last_knot or allow_extrapolation
            ):
                extrapolated = m > control_model.last_knot
                risk_c = 1.0 - float(control_model.model.survival_at(m)[0])
                control_inputs = list(control_model.inputs)
                last = _months(control_model.last_knot)
                where = (
                    f"extrapolated beyond the last reported point, at {last} months, with "
                    "the last hazard"
                    if extrapolated
                    else f"interpolated between the reported points (up to {last} months)"
                )
                control_text = (
                    f"the control event risk by {mm} months from the Endpoints panel's "
                    f"piecewise-exponential model of {c.label} (through its reported median "
                    f"and landmark rates; {where}) = {risk_c:.3f}; this rests on the model, "
                    "not on a reported rate"
                )
            else:
                last = _months(control_model.last_knot) if control_model else "—"
                skipped.append(
                    f"{short} at {mm} months: no {c.label} rate is reported there and the "
                    f"model curve would be extrapolated beyond the last reported point "
                    f"({last} months), so it is not shown."
                )
                continue
            level = hr.level
            risk_t = _grade_risk(risk_c, hr.value)
            # risk_t increases with the HR, so the HR's CI bounds map to risk bounds in order.
            risk_t_lo, risk_t_hi = _grade_risk(risk_c, hr.lower), _grade_risk(risk_c, hr.upper)
            diff, diff_lo, diff_hi = risk_c - risk_t, risk_c - risk_t_hi, risk_c - risk_t_lo
            hr_text = f"HR {format_number(hr.value, hr.decimals)} ({level:.0%} CI " + (
                f"{format_number(hr.lower, hr.decimals)}–{format_number(hr.upper, hr.decimals)})"
            )
            text = (
                f"GRADE method: risk_t = 1 − (1 − risk_c)^HR with {control_text}, and "
                f"{hr_text}: risk_t = {risk_t:.3f} ({risk_t_lo:.3f}–{risk_t_hi:.3f}, the same "
                f"formula at the CI bounds); difference risk_c − risk_t = {_num3(diff)} "
                f"({_num3(diff_lo)} to {_num3(diff_hi)}), assuming proportional hazards up to "
                f"{mm} months"
            )
            ids = _ids(ep.id, m, "hr")
            label = "HR applied to the control risk"
            inputs = [hr, *control_inputs]
            figs = _per_figures(
                ep,
                mm,
                event,
                short,
                versus,
                label,
                ids,
                diff,
                diff_lo,
                diff_hi,
                level,
                text,
                inputs,
            )
            figs.append(
                computed(
                    id=ids["treatment_event_risk"],
                    label=(
                        f"{short} at {mm} months: {t.label} patients with {event} "
                        "(HR applied to the control risk)"
                    ),
                    value=100 * risk_t,
                    unit="%",
                    method=text,
                    inputs=inputs,
                    topic=TOPIC,
                    lower=100 * risk_t_lo,
                    upper=100 * risk_t_hi,
                    level=level,
                    decimals=1,
                )
            )
            out.append(
                (
                    _effect(
                        ep.id,
                        m,
                        "hr",
                        text,
                        figs,
                        risks=(risk_c, risk_t, risk_t_lo, risk_t_hi),
                        differences=(diff, diff_lo, diff_hi),
                        level=level,
                        label=label,
                        control_from_model=from_model,
                        extrapolated=extrapolated,
                    ),
                    figs,
                )
            )
    return out, skipped


def _per_figures(
    ep: TimeToEventEndpoint,
    mm: str,
    event: str,
    short: str,
    versus: str,
    method_label: str,
    ids: dict[str, str],
    diff: float,
    lo: float | None,
    hi: float | None,
    level: float | None,
    text: str,
    inputs: Sequence[Figure],
) -> list[Figure]:
    figs = []
    for scale, key, decimals in ((100, "per_100", 1), (1000, "per_1000", 0)):
        figs.append(
            computed(
                id=ids[key],
                label=(
                    f"{short} at {mm} months, {versus}: fewer with {event} per {scale} "
                    f"treated ({method_label})"
                ),
                value=scale * diff,
                unit=f"per {scale} patients",
                method=f"{text}; per {scale} treated = {scale} × difference",
                inputs=inputs,
                topic=TOPIC,
                lower=None if lo is None else scale * lo,
                upper=None if hi is None else scale * hi,
                level=level if lo is not None else None,
                decimals=decimals,
            )
        )
    return figs


def _effect(
    ep_id: str,
    m: float,
    method: str,
    text: str,
    figs: Sequence[Figure],
    *,
    risks: tuple[float, float, float | None, float | None],
    differences: tuple[float, float | None, float | None],
    level: float | None,
    label: str,
    control_from_model: bool = False,
    extrapolated: bool = False,
) -> AbsoluteEffect:
    """An :class:`AbsoluteEffect` from (risk_c, risk_t, risk_t_lo, risk_t_hi), (d, lo, hi)."""
    risk_c, risk_t, risk_t_lo, risk_t_hi = risks
    diff, lo, hi = differences

    def scaled(x: float | None, k: int) -> float | None:
        return None if x is None else k * x

    return AbsoluteEffect(
        endpoint=ep_id,
        milestone=float(m),
        method=method,
        method_text=text + ".",
        control_event_risk=risk_c,
        treatment_event_risk=risk_t,
        treatment_event_risk_lower=risk_t_lo,
        treatment_event_risk_upper=risk_t_hi,
        difference=diff,
        difference_lower=lo,
        difference_upper=hi,
        per_100=100 * diff,
        per_100_lower=scaled(lo, 100),
        per_100_upper=scaled(hi, 100),
        per_1000=1000 * diff,
        per_1000_lower=scaled(lo, 1000),
        per_1000_upper=scaled(hi, 1000),
        status=derived_status(figs),
        figure_ids=tuple(f.id for f in figs),
        level=level,
        control_from_model=control_from_model,
        extrapolated=extrapolated,
        label=label,
    )


def absolute_effects(
    evidence: Evidence,
    figures: FigureLookup,
    *,
    milestones: Sequence[float] = DEFAULT_MILESTONES,
    allow_extrapolation: bool = False,
) -> list[AbsoluteEffect]:
    """Events avoided per 100 and per 1000 treated at each milestone, by two methods.

    Parameters
    ----------
    evidence : Evidence
        The trial.
    figures : FigureSet or Summary
        Its figures (anything with ``.get(id)``).
    milestones : sequence of float
        Months since randomisation (default 6 and 12).
    allow_extrapolation : bool, default False
        Whether the ``"hr"`` method may take the control risk from the model curve
        *beyond* the last reported time point of the control arm.

    Returns
    -------
    list of AbsoluteEffect
        Per time-to-event endpoint (primary first) and milestone: the ``"landmark"``
        effect when both arms' rates are reported there, and the ``"hr"`` effect when
        the endpoint has a hazard ratio with a CI and a control risk is available.

    Notes
    -----
    **Landmark method**: event risk = 1 − the reported landmark rate in each arm; the
    difference is control − treatment. Abstracts print no CI for these rates, so the
    difference has none.

    **HR method** (GRADE guidance; Guyatt et al., J Clin Epidemiol 2013;66:158-172,
    and Skoetz et al., J Clin Epidemiol 2020;118:124-131 for time-to-event outcomes):
    under proportional hazards S_t(m) = S_c(m)^HR, so risk_t = 1 − (1 − risk_c)^HR.
    The formula increases with HR, so the HR's CI bounds give the bounds of risk_t and,
    swapped, of the difference (HR 0.6 gives the largest benefit).

    **Control risk at the milestone**: the reported control landmark rate when there is
    one; otherwise the Endpoints panel's piecewise-exponential model of the control arm
    (through S(0) = 1, the reported median and landmark rates), and the method text says
    it rests on the model. Where "data exist" is read strictly: by default the model is
    used only up to the control arm's last reported point. Beyond it the model is an
    extrapolation with the last segment's hazard and no reported figure behind it; such
    milestones are left out (see :func:`skipped_milestones`) unless
    ``allow_extrapolation``. For PALMIRA the last reported point is the 6-month rate and
    the median follow-up 8.7 months, so 12 months is left out by default: the model would
    put ET's 12-month PFS at 7.1% by continuing the 3.6–6-month hazard for six more months.

    Examples
    --------
    PALMIRA PFS at 6 months (40.9% vs 28.6%; HR 0.8, 95% CI 0.6–1.1):

    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> [(e.method, round(e.per_100, 1), e.per_100_lower and round(e.per_100_lower, 1))
    ...  for e in absolute_effects(s.evidence, s)]
    [('landmark', 12.3, None), ('hr', 8.1, -3.4)]
    """
    found, _ = _absolute(evidence, figures, milestones, allow_extrapolation=allow_extrapolation)
    return [effect for effect, _ in found]


def skipped_milestones(
    evidence: Evidence,
    figures: FigureLookup,
    *,
    milestones: Sequence[float] = DEFAULT_MILESTONES,
    allow_extrapolation: bool = False,
) -> list[str]:
    """One plain sentence per milestone :func:`absolute_effects` leaves out, and why.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> skipped_milestones(s.evidence, s)[0][:60]
    'PFS at 12 months: no ET rate is reported there and the model'
    """
    _, skipped = _absolute(evidence, figures, milestones, allow_extrapolation=allow_extrapolation)
    return skipped


# -- median gain and restricted mean ----------------------------------------------------


@dataclass(frozen=True)
class SurvivalGain:
    """The gain in median and the restricted-mean difference of a time-to-event endpoint.

    Attributes
    ----------
    median_gain : float
        Reported median of the treatment arm − that of the control arm, months.
    median_gain_text : str
        The medians and the gain in words.
    rmst_treatment, rmst_control, rmst_difference : float
        Area under each arm's model curve from 0 to ``tau`` (restricted mean time free of
        the event), and their difference, months.
    tau : float
        Restriction time, months.
    rmst_text : str
        The restricted means in words, naming the model.
    endpoint : str
        Endpoint id.
    status : str
        Least certain input's status (``derived`` for PALMIRA).
    figure_ids : tuple of str
        Ids of the figures added for it.
    extrapolated : bool
        Whether ``tau`` lies beyond an arm's last reported point.
    """

    median_gain: float
    median_gain_text: str
    rmst_treatment: float
    rmst_control: float
    rmst_difference: float
    tau: float
    rmst_text: str
    endpoint: str = ""
    status: str = DERIVED
    figure_ids: tuple[str, ...] = ()
    extrapolated: bool = False


def _gain(
    evidence: Evidence, figures: FigureLookup, tau: float | None, endpoint_id: str | None
) -> tuple[SurvivalGain, list[Figure]] | None:
    arms = _two_arms(evidence)
    ep = (
        _primary_tte(evidence)
        if endpoint_id is None
        else next((e for e in _tte_endpoints(evidence) if e.id == endpoint_id), None)
    )
    if arms is None or ep is None:
        return None
    t, c = arms
    mt, mc = figures.get(f"{ep.id}.median.{t.id}"), figures.get(f"{ep.id}.median.{c.id}")
    model_t, model_c = _arm_model(ep, figures, t.id), _arm_model(ep, figures, c.id)
    if mt is None or mc is None or mt.value is None or mc.value is None:
        return None
    if model_t is None or model_c is None:
        return None
    short, unit = _short(ep), ep.unit
    free, _ = _free_words(ep)
    gain = mt.value - mc.value
    d = max(mt.decimals or 0, mc.decimals or 0)
    median_text = (
        f"Median {short} {format_number(mt.value, mt.decimals)} {unit} with {t.label} vs "
        f"{format_number(mc.value, mc.decimals)} {unit} with {c.label}: a difference of "
        f"{format_number(gain, d)} {unit} (about {abs(gain) * 30.4375:.0f} days) in the "
        "reported medians"
    )
    last = min(model_t.last_knot, model_c.last_knot)
    if tau is None:
        tau = last
    if not (math.isfinite(tau) and tau > 0):
        raise ValueError(f"tau must be a positive number of months, got {tau!r}")
    extrapolated = tau > last
    area_t, area_c = _area(model_t.model, tau), _area(model_c.model, tau)
    diff = area_t - area_c
    where = (
        f"extrapolated beyond the last reported point, at {_months(last)} {unit}, with the "
        "last hazard"
        if extrapolated
        else "up to the last reported point"
        if tau == last
        else f"within the reported points (up to {_months(last)} {unit})"
    )
    more = "more" if diff >= 0 else "less"
    rmst_text = (
        f"Over the first {_months(tau)} {unit}, on average {area_t:.2f} {unit} {free} with "
        f"{t.label} vs {area_c:.2f} {unit} with {c.label}: {abs(diff):.2f} {unit} (about "
        f"{abs(diff) * 30.4375:.0f} days) {more}, from the areas under the Endpoints panel's "
        f"model curves ({where})"
    )
    base = f"interp.{ep.id}"
    tau_text = _months(tau)
    figs = [
        computed(
            id=f"{base}.median_gain",
            label=f"{short}: gain in median ({t.label} − {c.label})",
            value=gain,
            unit=unit,
            method="Difference of the reported medians (treatment − control); no interval, as "
            "the abstract reports none for the difference",
            inputs=[mt, mc],
            topic=TOPIC,
            decimals=d,
        )
    ]
    arm_figs = []
    for arm, model, area in ((t, model_t, area_t), (c, model_c, area_c)):
        arm_figs.append(
            computed(
                id=f"{base}.rmst.{arm.id}",
                label=f"{short}: restricted mean {free} time to {tau_text} {unit}, {arm.label}",
                value=area,
                unit=unit,
                method=(
                    f"Area under the piecewise-exponential model curve of {arm.label} from 0 "
                    f"to {tau_text} {unit} ({where}), in closed form per segment: "
                    "Σ S_i (1 − exp(−λ_i Δ_i)) / λ_i"
                ),
                inputs=list(model.inputs),
                topic=TOPIC,
                decimals=2,
            )
        )
    figs += arm_figs
    figs.append(
        computed(
            id=f"{base}.rmst_difference",
            label=f"{short}: restricted mean difference to {tau_text} {unit} "
            f"({t.label} − {c.label})",
            value=diff,
            unit=unit,
            method=(
                f"Restricted mean difference: area under {t.label}'s piecewise-exponential "
                f"model curve minus {c.label}'s, from 0 to {tau_text} {unit} ({where}); the "
                "curves are the Endpoints panel's, through S(0) = 1, the reported median and "
                "landmark rates"
            ),
            inputs=arm_figs,
            topic=TOPIC,
            decimals=2,
        )
    )
    result = SurvivalGain(
        median_gain=float(gain),
        median_gain_text=median_text + ".",
        rmst_treatment=area_t,
        rmst_control=area_c,
        rmst_difference=diff,
        tau=float(tau),
        rmst_text=rmst_text + ".",
        endpoint=ep.id,
        status=derived_status(figs),
        figure_ids=tuple(f.id for f in figs),
        extrapolated=extrapolated,
    )
    return result, figs


def survival_gain(
    evidence: Evidence,
    figures: FigureLookup,
    *,
    tau: float | None = None,
    endpoint_id: str | None = None,
) -> SurvivalGain | None:
    """The gain in median and the restricted-mean difference under the model curves.

    Parameters
    ----------
    evidence, figures
        The trial and its figures.
    tau : float, optional
        Restriction time (months). Default: the last time point reported in both arms
        (PALMIRA: 6 months), so the area rests only on interpolation between reported
        figures; a later ``tau`` extrapolates with the last hazard and says so.
    endpoint_id : str, optional
        A time-to-event endpoint; default the primary endpoint.

    Returns
    -------
    SurvivalGain or None
        ``None`` when the endpoint lacks a median in either arm (or is not time-to-event).

    Notes
    -----
    The restricted mean survival time (Royston & Parmar, BMC Med Res Methodol
    2013;13:152) is the area under the survival curve up to ``tau``. Without patient
    data the curve is the Endpoints panel's piecewise-exponential model, whose area is
    Σ S_i (1 − e^(−λ_i Δ_i)) / λ_i over its segments; checked against R ``integrate``
    of an independently written curve (``tests/reference/interpretation.R``).

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> g = survival_gain(s.evidence, s)
    >>> round(g.median_gain, 1), g.tau, round(g.rmst_difference, 3)
    (0.6, 6.0, 0.329)
    """
    found = _gain(evidence, figures, tau, endpoint_id)
    return None if found is None else found[0]


# -- NNT beside NNH -----------------------------------------------------------------------


@dataclass(frozen=True)
class NumberNeeded:
    """A number needed to treat (NNT) or to harm (NNH) with its interval.

    Attributes
    ----------
    kind : str
        ``"NNT"`` (one more patient with the good outcome, or one fewer with the bad one)
        or ``"NNH"``.
    value : float
        ``1 / |risk difference|`` (``inf`` when the difference is 0).
    lower, upper : float or None
        The interval when the risk difference's CI excludes 0; ``None`` when it crosses.
    text : str
        ``"NNH 2.7 (95% CI 2.2 to 4.1)"`` or ``"NNT 12.3 (95% CI NNT 5.4 to ∞ to NNH 29.7)"``.
    convention : str
        How the interval is read (Altman, BMJ 1998).
    figure_id : str
        The figure added for it.
    status : str
        Status of that figure.
    whole : int
        The value rounded up to a whole patient, as said in plain words.
    """

    kind: str
    value: float
    lower: float | None
    upper: float | None
    text: str
    convention: str
    figure_id: str
    status: str
    whole: int = 0


@dataclass(frozen=True)
class BenefitHarm:
    """NNT at the efficacy milestone beside NNH for grade 3–4 adverse events."""

    benefit: NumberNeeded | None
    harm: NumberNeeded | None
    statement: str


def _whole(value: float) -> int:
    """Round a number needed up to a whole patient (0 for an infinite one)."""
    return math.ceil(value - 1e-9) if math.isfinite(value) else 0


def _not_estimable(value: float) -> str:
    """Opening of a derivation whose number needed is infinite (a difference of 0)."""
    if math.isfinite(value):
        return ""
    return "Not estimable: the difference between the arms is 0, so the number needed is infinite. "


def _inline(text: str) -> str:
    """``NNT 12.3 (95% CI a to b)`` → ``NNT 12.3; 95% CI a to b``, for use inside brackets."""
    head, sep, rest = text.partition(" (")
    return f"{head}; {rest.removesuffix(')')}" if sep else text


def _number_needed(
    rd: float, rd_lo: float | None, rd_hi: float | None, level: float | None, *, desirable: bool
) -> tuple[str, float, float | None, float | None, str, str]:
    """(kind, value, lower, upper, text, convention) from a risk difference.

    ``rd`` is treatment − control in the outcome's own terms (proportion): for a desirable
    outcome positive is benefit; for an adverse one positive is harm.
    """
    kind, value, lower, upper = number_needed(rd, rd_lo, rd_hi, desirable=desirable)
    lvl = f"{level:.0%} CI " if level else "CI "
    # rd = 0 makes the number infinite: say so in words, never "inf" (docs/edge-cases.md)
    head = (
        f"{kind} {value:.1f}" if math.isfinite(value) else f"{kind} not estimable (no difference)"
    )
    if rd_lo is None or rd_hi is None:
        return kind, value, None, None, head, "No interval: none is available."
    if lower is not None:
        text = f"{head} ({lvl}{lower:.1f} to {upper:.1f})"
        convention = (
            "The interval's bounds are the reciprocals of the risk difference's bounds "
            "(Altman, BMJ 1998;317:1309)."
        )
        return kind, value, lower, upper, text, convention
    through = altman_interval(rd_lo, rd_hi, desirable=desirable)
    text = f"{head} ({lvl}{through})"
    convention = (
        f"The {lvl.removesuffix(' ')} of the risk difference includes no difference, so the "
        f"interval is read through infinity (Altman, BMJ 1998;317:1309): {through}, i.e. "
        "from the number needed to treat at the favourable end, through no effect (∞), to "
        "the number needed to harm at the unfavourable end; it is not an interval between "
        "two positive numbers."
    )
    return kind, value, None, None, text, convention


def _needed(
    fig: Figure,
    kind: str,
    value: float,
    lo: float | None,
    hi: float | None,
    text: str,
    convention: str,
) -> NumberNeeded:
    """The :class:`NumberNeeded` shown for ``fig``."""
    return NumberNeeded(
        kind=kind,
        value=value,
        lower=lo,
        upper=hi,
        text=text,
        convention=convention,
        figure_id=fig.id,
        status=fig.status,
        whole=_whole(value),
    )


def _benefit_harm(
    evidence: Evidence, figures: FigureLookup, milestone: float | None
) -> tuple[BenefitHarm, list[Figure]]:
    arms = _two_arms(evidence)
    figs: list[Figure] = []
    benefit = harm = None
    words: list[str] = []
    ep = _primary_tte(evidence)
    if arms is not None and ep is not None:
        t, c = arms
        found, _ = _absolute(
            evidence,
            figures,
            DEFAULT_MILESTONES if milestone is None else (milestone,),
            allow_extrapolation=False,
        )
        hr_effects = [(e, f) for e, f in found if e.endpoint == ep.id and e.method == "hr"]
        if hr_effects:
            effect, effect_figs = hr_effects[0]
            per100 = next(f for f in effect_figs if f.id.endswith(".per_100"))
            kind, value, lo, hi, text, convention = _number_needed(
                effect.difference,
                effect.difference_lower,
                effect.difference_upper,
                effect.level,
                desirable=True,
            )
            mm = _months(effect.milestone)
            free, _ = _free_words(ep)
            fig = computed(
                id="interp.nnt_benefit",
                label=f"{_short(ep)} at {mm} months: {kind} ({t.label} rather than {c.label})",
                value=value if math.isfinite(value) else None,
                unit="patients",
                method=(
                    f"{_not_estimable(value)}"
                    f"{kind} = 1 / |difference in {mm}-month event risk| from the hazard "
                    f"ratio applied to the control risk (GRADE); {text}. {convention.rstrip('.')}"
                ),
                inputs=[per100],
                topic=TOPIC,
                lower=lo,
                upper=hi,
                level=effect.level if lo is not None else None,
                decimals=1,
            )
            figs.append(fig)
            benefit = _needed(fig, kind, value, lo, hi, text, convention)
            if math.isfinite(value):
                more = "more" if kind == "NNT" else "fewer"
                caveat = (
                    ", though the trial cannot rule out no difference or harm"
                    if lo is None and effect.difference_lower is not None
                    else ""
                )
                words.append(
                    f"For every {benefit.whole} patients treated with {t.label} rather than "
                    f"{c.label}, about one {more} is {free} at {mm} months{caveat} "
                    f"({_inline(text)})"
                )
        for ae in _severe_aes(evidence):
            nnt = figures.get(f"ae.{ae.id}.nnt")
            rd = figures.get(f"ae.{ae.id}.rd")
            if nnt is None or rd is None or rd.value is None:
                continue
            lo_rd = None if rd.lower is None else rd.lower / 100
            hi_rd = None if rd.upper is None else rd.upper / 100
            kind, value, lo, hi, text, convention = _number_needed(
                rd.value / 100, lo_rd, hi_rd, rd.level, desirable=False
            )
            fig = computed(
                id="interp.nnh_harm",
                label=f"{ae.term} (grade {_grade_text(ae.grade)}): {kind} ({t.label} rather "
                f"than {c.label})",
                value=value if math.isfinite(value) else None,
                unit="patients",
                method=(
                    f"{_not_estimable(value)}"
                    f"{kind} = 1 / |risk difference| of {_ae_phrase(ae)} between the arms "
                    f"(the Adverse events comparison); {text}. {convention.rstrip('.')}"
                ),
                inputs=[nnt, rd],
                topic=TOPIC,
                lower=lo,
                upper=hi,
                level=rd.level if lo is not None else None,
                decimals=1,
            )
            figs.append(fig)
            harm = _needed(fig, kind, value, lo, hi, text, convention)
            if math.isfinite(value):
                more = "more" if kind == "NNH" else "fewer"
                words.append(
                    f"for every {harm.whole} treated, one {more} has {_ae_phrase(ae)} "
                    f"({_inline(text)})"
                )
            break
    if words:
        statement = "; ".join(words) + "."
        statement = statement[0].upper() + statement[1:]
        statement += " Numbers needed are rounded up to whole patients."
    else:
        statement = "No number needed to treat or to harm can be computed from these figures."
    return BenefitHarm(benefit=benefit, harm=harm, statement=statement), figs


def benefit_harm(
    evidence: Evidence, figures: FigureLookup, *, milestone: float | None = None
) -> BenefitHarm:
    """The NNT for the efficacy milestone beside the NNH for grade 3–4 adverse events.

    Parameters
    ----------
    evidence, figures
        The trial and its figures.
    milestone : float, optional
        Months; default the first default milestone with an HR-method absolute effect
        (6 months for PALMIRA).

    Returns
    -------
    BenefitHarm
        ``benefit`` from the primary endpoint's absolute effect by the HR method (it has
        a CI), ``harm`` from the ``ae.<id>.rd``/``ae.<id>.nnt`` figures of the grade 3–4
        adverse events (any-term entry first), and a plain ``statement``.

    Notes
    -----
    NNT = 1 / |risk difference|. When the difference's CI excludes 0 the NNT's bounds
    are the reciprocals of its bounds; when it includes 0 the interval runs through
    infinity, ``NNT a to ∞ to NNH b`` (Altman, BMJ 1998;317:1309-1312). In the plain
    statement NNT and NNH are rounded *up* to whole patients, the usual convention. (The
    cautious alternative of rounding NNH down is not used: with NNH 2.7 it would say 2,
    as if the harm were 50 percentage points rather than 36.9.)

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> bh = benefit_harm(s.evidence, s)
    >>> bh.benefit.text, bh.harm.text
    ('NNT 12.3 (95% CI NNT 5.4 to ∞ to NNH 29.7)', 'NNH 2.7 (95% CI 2.2 to 4.1)')
    """
    return _benefit_harm(evidence, figures, milestone)[0]


# -- Bayesian reanalysis ------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """A normal prior on the log hazard ratio.

    Attributes
    ----------
    name : str
        ``"flat"``, ``"sceptical"``, ``"enthusiastic"`` or ``"custom"``.
    mean_hr : float
        Centre on the ratio scale (the prior median of the HR).
    sd_log : float or None
        SD on the log scale; ``None`` is the flat prior.
    description : str
        The prior in words.
    """

    name: str
    mean_hr: float
    sd_log: float | None
    description: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean_hr) and self.mean_hr > 0):
            raise ValueError(f"prior mean_hr must be > 0, got {self.mean_hr!r}")
        if self.sd_log is not None and not (math.isfinite(self.sd_log) and self.sd_log > 0):
            raise ValueError(f"prior sd_log must be > 0 or None (flat), got {self.sd_log!r}")


def default_priors(evidence: Evidence, figures: FigureLookup) -> list[Prior]:
    """Flat, sceptical and enthusiastic priors built on the design's hypothesised HR.

    Returns
    -------
    list of Prior
        ``flat``; and, when the design reports a hypothesised HR ≠ 1, ``sceptical``
        (centred on HR 1 with a 5% prior probability of an effect at least as large as
        the design HR, :func:`explorer.stats.effects.sceptical_prior_sd`) and
        ``enthusiastic`` (centred on the design HR with the same SD, so a 5% prior
        probability of no benefit), as Spiegelhalter, Abrams & Myles (2004) §5.5.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> [(p.name, p.mean_hr, p.sd_log and round(p.sd_log, 4))
    ...  for p in default_priors(s.evidence, s)]
    [('flat', 1.0, None), ('sceptical', 1.0, 0.3208), ('enthusiastic', 0.59, 0.3208)]
    """
    priors = [
        Prior(
            "flat",
            1.0,
            None,
            "Flat: no prior opinion; the posterior is the trial's own likelihood.",
        )
    ]
    design = figures.get("design.hypothesised_hr")
    if design is None or design.value is None or design.value <= 0 or design.value == 1:
        return priors
    hr_alt = float(design.value)
    sd = effects.sceptical_prior_sd(hr_alt)
    d = format_number(hr_alt, design.decimals)
    beyond = "below" if hr_alt < 1 else "above"
    priors += [
        Prior(
            "sceptical",
            1.0,
            sd,
            f"Sceptical: centred on no effect (HR 1), SD {sd:.3f} on the log scale, so a 5% "
            f"prior probability of an HR {beyond} {d}, the effect the trial was designed "
            "to detect.",
        ),
        Prior(
            "enthusiastic",
            hr_alt,
            sd,
            f"Enthusiastic: centred on the design's HR {d} with the same SD ({sd:.3f}), so a "
            "5% prior probability of no benefit.",
        ),
    ]
    return priors


@dataclass(frozen=True)
class BayesResult:
    """Posterior of the primary hazard ratio under one prior (normal on the log scale).

    Attributes
    ----------
    prior : Prior
        The prior used.
    threshold : float
        The clinically important HR the user set.
    probability_below_1, probability_below_threshold : float
        Posterior probabilities (proportions) that the true HR is below 1 / ``threshold``.
    posterior_median, lower, upper : float
        Posterior median HR and equal-tailed credible interval at ``level``.
    level : float
        Level of the credible interval (that of the HR's CI).
    log_hr : numpy.ndarray
        400-point grid on the log-HR axis spanning prior, likelihood and posterior
        (±4 SD of each) and the lines at 1 and ``threshold``.
    prior_density, likelihood_density, posterior_density : numpy.ndarray
        Normal densities on ``log_hr`` (per unit log HR); the likelihood normalised as a
        density; ``prior_density`` is ``None`` for the flat prior.
    posterior_mean_log, posterior_sd_log, likelihood_mean_log, likelihood_sd_log : float
        The normal parameters behind the curves.
    text : str
        One plain sentence.
    status : str
        Status of the hazard ratio it rests on.
    """

    prior: Prior
    threshold: float
    probability_below_1: float
    probability_below_threshold: float
    posterior_median: float
    lower: float
    upper: float
    level: float
    log_hr: np.ndarray
    prior_density: np.ndarray | None
    likelihood_density: np.ndarray
    posterior_density: np.ndarray
    posterior_mean_log: float = 0.0
    posterior_sd_log: float = 0.0
    likelihood_mean_log: float = 0.0
    likelihood_sd_log: float = 0.0
    text: str = ""
    status: str = REPORTED


def _normal_pdf(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2.0 * math.pi))


def bayesian(
    evidence: Evidence, figures: FigureLookup, *, prior: Prior, threshold: float = 1.0
) -> BayesResult:
    """Posterior of the primary endpoint's hazard ratio under ``prior``.

    Parameters
    ----------
    evidence, figures
        The trial and its figures.
    prior : Prior
        From :func:`default_priors`, or ``Prior("custom", mean_hr, sd_log, text)``.
    threshold : float, default 1.0
        A clinically important HR (> 0): the probability that the true HR is below it.

    Returns
    -------
    BayesResult

    Raises
    ------
    ValueError
        If the primary endpoint has no hazard ratio with a CI, or ``threshold <= 0``.

    Notes
    -----
    Likelihood: ln HR ~ N(ln HR̂, se²) with se from the printed CI (Altman & Bland 2011);
    prior ln HR ~ N(ln mean_hr, sd_log²); normal–normal conjugate posterior
    (Spiegelhalter, Abrams & Myles 2004, §3.2), by
    :func:`explorer.stats.effects.posterior`. Checked against the same arithmetic
    written independently in base R (``tests/reference/interpretation.R``).

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> flat, sceptical, _ = default_priors(s.evidence, s)
    >>> r = bayesian(s.evidence, s, prior=sceptical, threshold=0.59)
    >>> round(r.probability_below_1, 3), round(r.probability_below_threshold, 4)
    (0.903, 0.0064)
    """
    ep = _primary_tte(evidence)
    hr = _ratio_figure(ep, figures) if ep is not None else None
    if hr is None:
        raise ValueError("the primary endpoint has no hazard ratio with a confidence interval")
    if not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be > 0, got {threshold!r}")
    kw = dict(level=hr.level, prior_mean=prior.mean_hr, prior_sd=prior.sd_log)
    below_1 = effects.posterior(hr.value, hr.lower, hr.upper, threshold=1.0, **kw)
    below_t = effects.posterior(hr.value, hr.lower, hr.upper, threshold=threshold, **kw)
    lik = effects.from_ci(hr.value, hr.lower, hr.upper, level=hr.level)
    lik_mean, lik_sd = math.log(hr.value), lik.se
    post_mean, post_sd = math.log(below_1.mean), below_1.sd
    curves = [(lik_mean, lik_sd), (post_mean, post_sd)]
    if prior.sd_log is not None:
        curves.append((math.log(prior.mean_hr), prior.sd_log))
    lo = min([m - 4 * s for m, s in curves] + [0.0, math.log(threshold)])
    hi = max([m + 4 * s for m, s in curves] + [0.0, math.log(threshold)])
    grid = np.linspace(lo, hi, GRID_POINTS)
    prior_density = (
        None if prior.sd_log is None else _normal_pdf(grid, math.log(prior.mean_hr), prior.sd_log)
    )
    t_text = format_number(threshold)
    if prior.sd_log is None:
        name = "no prior opinion (flat prior)"
    else:
        article = "an" if prior.name[:1].lower() in "aeiou" else "a"
        name = f"{article} {prior.name} prior"
    text = (
        f"With {name}, the probability that the true HR is below 1 is "
        f"{100 * below_1.probability:.1f}%"
    )
    if threshold != 1.0:
        text += f", and that it is below {t_text} is {100 * below_t.probability:.1f}%"
    text += (
        f"; posterior HR {below_1.mean:.2f} ({below_1.level:.0%} credible interval "
        f"{below_1.lower:.2f}–{below_1.upper:.2f})."
    )
    return BayesResult(
        prior=prior,
        threshold=float(threshold),
        probability_below_1=below_1.probability,
        probability_below_threshold=below_t.probability,
        posterior_median=below_1.mean,
        lower=below_1.lower,
        upper=below_1.upper,
        level=below_1.level,
        log_hr=grid,
        prior_density=prior_density,
        likelihood_density=_normal_pdf(grid, lik_mean, lik_sd),
        posterior_density=_normal_pdf(grid, post_mean, post_sd),
        posterior_mean_log=post_mean,
        posterior_sd_log=post_sd,
        likelihood_mean_log=lik_mean,
        likelihood_sd_log=lik_sd,
        text=text,
        status=derived_status([hr]),
    )


def _bayes_figures(evidence: Evidence, figures: FigureLookup) -> list[Figure]:
    """Posterior probabilities under the default priors, threshold = the design HR."""
    ep = _primary_tte(evidence)
    hr = _ratio_figure(ep, figures) if ep is not None else None
    if hr is None:
        return []
    design = figures.get("design.hypothesised_hr")
    has_design = design is not None and design.value is not None and design.value > 0
    threshold = float(design.value) if has_design else 1.0
    short = _short(ep)
    out: list[Figure] = []
    for prior in default_priors(evidence, figures):
        res = bayesian(evidence, figures, prior=prior, threshold=threshold)
        uses_design = prior.sd_log is not None
        base_inputs = [hr, design] if uses_design and has_design else [hr]
        method = (
            "Normal approximation on the log HR (se from the printed CI, Altman & Bland "
            f"2011), {prior.description[0].lower()}{prior.description[1:].rstrip('.')}; "
            "normal–normal conjugate posterior (Spiegelhalter, Abrams & Myles 2004, §3.2)"
        )
        base = f"interp.bayes.{prior.name}"
        out.append(
            computed(
                id=f"{base}.p_below_1",
                label=f"{short}: posterior probability that HR < 1 ({prior.name} prior)",
                value=100 * res.probability_below_1,
                unit="%",
                method=f"{method}; P(HR < 1) = Φ((0 − m) / s)",
                inputs=base_inputs,
                topic=TOPIC,
                decimals=1,
            )
        )
        if has_design:
            d = format_number(threshold, design.decimals)
            out.append(
                computed(
                    id=f"{base}.p_below_threshold",
                    label=(
                        f"{short}: posterior probability that HR < {d}, the design's "
                        f"hypothesised HR ({prior.name} prior)"
                    ),
                    value=100 * res.probability_below_threshold,
                    unit="%",
                    method=(
                        f"{method}; P(HR < {d}) = Φ((ln {d} − m) / s). Threshold: the HR the "
                        "trial was designed to detect, the investigators' own clinically "
                        "important effect"
                    ),
                    inputs=[hr, design],
                    topic=TOPIC,
                    decimals=1,
                )
            )
        out.append(
            computed(
                id=f"{base}.posterior_hr",
                label=(
                    f"{short}: posterior median HR with {res.level:.0%} credible interval "
                    f"({prior.name} prior)"
                ),
                value=res.posterior_median,
                unit="ratio",
                method=f"{method}; median exp(m), equal-tailed interval exp(m ± z s)",
                inputs=base_inputs,
                topic=TOPIC,
                lower=res.lower,
                upper=res.upper,
                level=res.level,
                decimals=2,
            )
        )
        # A credible interval, not a confidence interval: say so wherever it is formatted.
        out[-1] = replace(out[-1], interval=f"{res.level:.0%} credible interval")
    return out


# -- icon arrays -------------------------------------------------------------------------


@dataclass(frozen=True)
class IconArm:
    """One arm of an icon array: how many of 100 people have the outcome."""

    arm_id: str
    label: str
    with_outcome: int
    without_outcome: int
    figure_id: str
    status: str
    percent: float = 0.0


@dataclass(frozen=True)
class IconArray:
    """100 people per arm, for a conversation with a patient."""

    id: str
    title: str
    outcome_label: str
    good_outcome: bool
    arms: tuple[IconArm, ...]
    caption: str


def _out_of_100(percent: float) -> int:
    """A percentage as whole people out of 100, rounded half up (40.9 → 41, 8.5 → 9)."""
    return math.floor(percent + 0.5)


def _icon_arm(arm: Arm, percent: float, fig: Figure, status: str | None = None) -> IconArm:
    k = min(100, max(0, _out_of_100(percent)))
    return IconArm(
        arm_id=arm.id,
        label=arm.label,
        with_outcome=k,
        without_outcome=100 - k,
        figure_id=fig.id,
        status=status or fig.status,
        percent=float(percent),
    )


def _ae_percent(
    figures: FigureLookup, ae: AdverseEvent, arm: Arm
) -> tuple[float, Figure, str] | None:
    pct = figures.get(f"ae.{ae.id}.percent.{arm.id}")
    if pct is not None and pct.value is not None:
        return float(pct.value), pct, pct.status
    counts = _arm_counts(figures, f"ae.{ae.id}", arm.id)  # type: ignore[arg-type]
    if counts is None or not counts[1].value:
        return None
    k, n = counts
    return 100.0 * k.value / n.value, k, derived_status([k, n])


def icon_arrays(evidence: Evidence, figures: FigureLookup) -> list[IconArray]:
    """Icon arrays: the primary endpoint's first landmark, and grade 3–4 adverse events.

    Returns
    -------
    list of IconArray
        ``"<endpoint>_<months>"`` (``"pfs_6"``: progression-free at 6 months, a good
        outcome) when both arms' landmark rates are reported, and ``"ae_<id>"`` for each
        grade 3–4 adverse-event entry with a rate in both arms (any-term entry first).

    Notes
    -----
    Each arm's percentage (the reported one; else 100 × count / n) is shown as whole
    people out of 100, rounded half up (40.9% → 41, 28.6% → 29); the rest of the 100
    do not have the outcome, so every arm adds up to 100. Rounding is a display choice:
    an arm keeps the status of the figure it shows. Captions use "about" for that reason.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> [(a.id, [arm.with_outcome for arm in a.arms]) for a in icon_arrays(s.evidence, s)]
    [('pfs_6', [41, 29]), ('ae_ae_grade_3_4', [45, 8])]
    """
    arms = _two_arms(evidence)
    if arms is None:
        return []
    t, c = arms
    out: list[IconArray] = []
    ep = _primary_tte(evidence)
    if ep is not None and ep.landmarks:
        m = ep.landmarks[0].time
        rt, rc = _landmark(figures, ep.id, m, t.id), _landmark(figures, ep.id, m, c.id)
        if rt is not None and rc is not None:
            short, plain = _free_words(ep)
            mm = _months(m)
            icon_arms = (_icon_arm(t, rt.value, rt), _icon_arm(c, rc.value, rc))
            a, b = icon_arms
            out.append(
                IconArray(
                    id=f"{ep.id}_{mm}",
                    title=f"{short[:1].upper()}{short[1:]} at {mm} months",
                    outcome_label=short,
                    good_outcome=True,
                    arms=icon_arms,
                    caption=(
                        f"Out of 100 people like those in the trial, about {a.with_outcome} "
                        f"taking {a.label} and {b.with_outcome} taking {b.label} were {plain} "
                        f"at {mm} months."
                    ),
                )
            )
    for ae in _severe_aes(evidence):
        pt, pc = _ae_percent(figures, ae, t), _ae_percent(figures, ae, c)
        if pt is None or pc is None:
            continue
        icon_arms = (_icon_arm(t, pt[0], pt[1], pt[2]), _icon_arm(c, pc[0], pc[1], pc[2]))
        a, b = icon_arms
        phrase = _ae_phrase(ae)
        title = phrase.removeprefix("a ")
        out.append(
            IconArray(
                id=f"ae_{ae.id}",
                title=title[:1].upper() + title[1:],
                outcome_label=f"with {phrase}",
                good_outcome=False,
                arms=icon_arms,
                caption=(
                    f"Out of 100 people like those in the trial, about {a.with_outcome} "
                    f"taking {a.label} and {b.with_outcome} taking {b.label} had {phrase} "
                    "(a severe side effect)."
                ),
            )
        )
    return out


# -- fragility -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragility:
    """Fragility index (significant result) or reverse fragility index (not significant).

    Attributes
    ----------
    endpoint : str
        Outcome id prefix (``"orr"``, ``"ae.ae_grade_3_4"``).
    kind : str
        ``"fragility"`` or ``"reverse"``.
    index : int or None
        Patients whose outcome has to change; ``None`` when no change of one arm's
        patients crosses the significance level.
    text : str
        In words.
    figure_id : str
        ``interp.fragility.<endpoint>``.
    status : str
        Status of the figure (reconstructed when the counts are).
    counts : tuple of int
        ``(k_treatment, n_treatment, k_control, n_control)``.
    p_initial, p_final : float or None
        Fisher p of the table as given and after the changes.
    arm_id : str or None
        The arm whose patients change.
    """

    endpoint: str
    kind: str
    index: int | None
    text: str
    figure_id: str
    status: str
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)
    p_initial: float | None = None
    p_final: float | None = None
    arm_id: str | None = None


def _fragility(evidence: Evidence, figures: FigureLookup) -> list[tuple[Fragility, Figure]]:
    arms = _two_arms(evidence)
    if arms is None:
        return []
    t, c = arms
    alpha_fig = figures.get("design.alpha")
    alpha = 0.05
    severe = {f"ae.{ae.id}" for ae in _severe_aes(evidence)}
    out = []
    for oc in outcomes(evidence):
        if not oc.desirable and oc.prefix not in severe:
            continue
        ct = _arm_counts(figures, oc.prefix, t.id)  # type: ignore[arg-type]
        cc = _arm_counts(figures, oc.prefix, c.id)  # type: ignore[arg-type]
        if ct is None or cc is None:
            continue
        (kt, nt), (kc, nc) = ct, cc
        if kt.value is None or kc.value is None or not nt.value or not nc.value:
            continue
        k1, n1, k2, n2 = int(kt.value), int(nt.value), int(kc.value), int(nc.value)
        if oc.desirable:
            outcome = f"the outcome ({oc.label.lower()})"
        else:
            outcome = _ae_phrase(evidence.adverse_event(oc.prefix.removeprefix("ae.")))
        if not (0 <= k1 <= n1 and 0 <= k2 <= n2):
            continue
        res = fragility_stats.fragility_index(k1, n1, k2, n2, alpha=alpha)
        kind = "reverse" if res.reverse else "fragility"
        name = "Reverse fragility index" if res.reverse else "Fragility index"
        arm = None if res.modified_group is None else (t if res.modified_group == 1 else c)
        counts = f"{k1}/{n1} vs {k2}/{n2}"
        if res.index is None:
            text = (
                f"{name}: no change of one arm's patients makes Fisher's exact p "
                f"{'reach' if res.reverse else 'lose'} significance at {alpha:g} "
                f"({counts}, p = {res.p_initial:.3f})."
            )
        else:
            a, b, p = res.steps[-1]
            more = "more" if res.direction == fragility_stats.TO_EVENT else "fewer"
            people = "patient" if res.index == 1 else "patients"
            verdict = (
                "would be statistically significant"
                if res.reverse
                else "would no longer be statistically significant"
            )
            text = (
                f"{name} {res.index}: if {res.index} {more} {people} on {arm.label} had had "
                f"{outcome}, the difference {verdict} ({counts} becomes {a}/{n1} vs "
                f"{b}/{n2}; Fisher p {format_number(res.p_initial, 3)} → "
                f"{format_number(p, 3)}, {'<' if res.reverse else '≥'} {alpha:g})."
            )
        method = (
            (
                "Reverse fragility index (Khan et al., JAMA Netw Open 2020): the fewest "
                "patients of one arm whose outcome has to change for two-sided Fisher p < "
                f"{alpha:g}, over both arms and both directions"
            )
            if res.reverse
            else (
                "Fragility index (Walsh et al., J Clin Epidemiol 2014): patients of the arm "
                "with fewer events changed from no event to event, one at a time, until "
                f"two-sided Fisher p ≥ {alpha:g}"
            )
        )
        method += f", on {counts}. {text} α = 0.05 as the conventional level" + (
            " (the trial's own α for its primary endpoint is the same)"
            if alpha_fig is not None and alpha_fig.value == alpha
            else ""
        )
        fig = computed(
            id=f"interp.fragility.{oc.prefix}",
            label=f"{oc.label}: {name.lower()}",
            value=None if res.index is None else float(res.index),
            unit="patients",
            method=method,
            inputs=[kt, nt, kc, nc],
            topic=TOPIC,
            decimals=0,
        )
        out.append(
            (
                Fragility(
                    endpoint=oc.prefix,
                    kind=kind,
                    index=res.index,
                    text=text,
                    figure_id=fig.id,
                    status=fig.status,
                    counts=(k1, n1, k2, n2),
                    p_initial=res.p_initial,
                    p_final=res.p_final,
                    arm_id=None if arm is None else arm.id,
                ),
                fig,
            )
        )
    return out


def fragility(evidence: Evidence, figures: FigureLookup) -> list[Fragility]:
    """Fragility index of each binary endpoint and grade 3–4 adverse event with counts.

    Returns
    -------
    list of Fragility
        One per binary endpoint and grade 3–4 adverse-event entry with counts in both
        arms (reported or reconstructed): the Walsh fragility index when Fisher's exact
        p < 0.05, else the reverse fragility index (:mod:`explorer.stats.fragility`).

    Notes
    -----
    Time-to-event endpoints have no fragility index here: the Walsh index is defined for
    2×2 tables, and an abstract gives no patient-level times to recompute a log-rank
    test. α is the conventional 0.05.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> s = summarize(load_bundled())
    >>> [(f.endpoint, f.kind, f.index) for f in fragility(s.evidence, s)]
    [('orr', 'reverse', 7), ('cbr', 'reverse', 6), ('ae.ae_grade_3_4', 'fragility', 13)]
    """
    return [f for f, _ in _fragility(evidence, figures)]


# -- all figures --------------------------------------------------------------------------


def add_interpretation_figures(evidence: Evidence, figures: FigureSet) -> None:
    """Add every interpretation figure (topic ``"interpretation"``) to ``figures``.

    Ids: ``interp.<ep>.abs_<m>.landmark.per_100`` / ``.per_1000``,
    ``interp.<ep>.abs_<m>.hr.per_100`` / ``.per_1000`` / ``.treatment_event_risk``
    (with the CI carried from the HR), ``interp.<ep>.median_gain``,
    ``interp.<ep>.rmst.<arm>``, ``interp.<ep>.rmst_difference``, ``interp.nnt_benefit``,
    ``interp.nnh_harm``, ``interp.bayes.<prior>.p_below_1``, ``.p_below_threshold``
    (threshold: the design's hypothesised HR, the effect the investigators judged worth
    detecting) and ``.posterior_hr``, ``interp.fragility.<outcome>``. Each is derived (or
    reconstructed) with a derivation naming its method and inputs.
    """
    found, _ = _absolute(evidence, figures, DEFAULT_MILESTONES, allow_extrapolation=False)
    for _, figs in found:
        figures.extend(figs)
    for ep in _tte_endpoints(evidence):
        gain = _gain(evidence, figures, None, ep.id)
        if gain is not None:
            figures.extend(gain[1])
    figures.extend(_benefit_harm(evidence, figures, None)[1])
    figures.extend(_bayes_figures(evidence, figures))
    for _, fig in _fragility(evidence, figures):
        figures.add(fig)
