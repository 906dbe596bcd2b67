"""Internal-consistency audit: does the trial's report hang together?

Every check is one of three levels with one plain-language sentence:

``pass``
    The figures agree (within what printing them allows).
``note``
    They differ in a way a known cause explains (rounding, a model's simplification,
    a different test), or a figure rests on a stated assumption: worth knowing.
``warn``
    They disagree beyond what rounding or the stated methods allow: check the source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explorer.evidence import Effect, Evidence, TimeToEventEndpoint
from explorer.stats import binary

from .arms import effect_pair
from .counts import CountFit
from .design import DesignResult
from .figures import Figure, FigureSet, format_number

if TYPE_CHECKING:
    from .reconstructed import ReconstructedAnalysis

PASS, NOTE, WARN = "pass", "note", "warn"
LEVELS = (PASS, NOTE, WARN)


@dataclass(frozen=True)
class Check:
    """One consistency check: its level, one sentence, and the figures it involves."""

    id: str
    level: str
    message: str
    figures: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown check level {self.level!r}")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "level": self.level,
            "message": self.message,
            "figures": list(self.figures),
        }


def run_checks(
    evidence: Evidence,
    figures: FigureSet,
    fits: list[CountFit],
    design_result: DesignResult | None,
    reconstructions: Sequence[ReconstructedAnalysis] = (),
) -> list[Check]:
    """Every check that applies to ``evidence``, in reading order.

    ``reconstructions`` are the analyses of the evidence's digitised Kaplan–Meier figures;
    each adds its checks (hazard ratio, medians, events, numbers at risk and the fit of
    the curves against what was reported) after its endpoint's other checks.
    """
    checks: list[Check] = []
    checks += _population_checks(evidence, figures)
    checks += _interval_checks(figures)
    for ep in evidence.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            checks += _effect_checks(evidence, ep, figures)
            checks += _exponential_checks(evidence, ep, figures)
            checks += _reconstruction_checks(r for r in reconstructions if r.endpoint.id == ep.id)
    checks += _count_checks(fits)
    if design_result is not None:
        checks += _design_checks(evidence, figures, design_result)
    return checks


def _population_checks(evidence: Evidence, figures: FigureSet) -> list[Check]:
    out: list[Check] = []
    randomised = next((p for p in evidence.populations if p.kind == "randomised"), None)
    if randomised is None or randomised.total is None:
        return out
    total = randomised.total.value
    ids = [f"population.{randomised.id}.total"]
    if randomised.by_arm:
        arm_sum = sum(m.value for m in randomised.by_arm.values())
        arm_ids = [f"population.{randomised.id}.{a}" for a in randomised.by_arm]
        parts = " + ".join(format_number(m.value) for m in randomised.by_arm.values())
        if math.isclose(arm_sum, total):
            out.append(
                Check(
                    "arms_sum",
                    PASS,
                    f"The arms add up to the randomised total ({parts} = {format_number(total)}).",
                    (*ids, *arm_ids),
                )
            )
        else:
            out.append(
                Check(
                    "arms_sum",
                    WARN,
                    f"The arms ({parts} = {format_number(arm_sum)}) do not add up to the {format_number(total)} randomised.",
                    (*ids, *arm_ids),
                )
            )
        # Randomised split against the planned allocation ratio.
        treat = evidence.treatment_arm.id if evidence.is_two_arm else None
        if evidence.is_two_arm and evidence.design.allocation_ratio is None:
            out.append(
                Check(
                    "allocation",
                    NOTE,
                    "The planned allocation ratio is not reported, so the randomised split "
                    "cannot be checked against it.",
                    ids,
                )
            )
        elif treat in randomised.by_arm and len(randomised.by_arm) == 2:
            ratio = evidence.design.allocation_ratio.value
            n_t = int(randomised.by_arm[treat].value)
            ci = binary.proportion_ci(n_t, int(total), method="wilson")
            planned = ratio / (1 + ratio)
            share = f"{100 * n_t / total:.1f}% (95% CI {100 * ci.lower:.1f}–{100 * ci.upper:.1f}%)"
            alloc_ids = (f"population.{randomised.id}.{treat}", ids[0], "design.allocation_ratio")
            if ci.lower <= planned <= ci.upper:
                out.append(
                    Check(
                        "allocation",
                        PASS,
                        f"{share} of patients were randomised to {evidence.treatment_arm.label}, consistent with the planned {format_number(ratio)}:1 allocation ({100 * planned:.1f}%).",
                        alloc_ids,
                    )
                )
            else:
                out.append(
                    Check(
                        "allocation",
                        WARN,
                        f"{share} of patients were randomised to {evidence.treatment_arm.label}; the planned {format_number(ratio)}:1 allocation gives {100 * planned:.1f}%, outside that interval.",
                        alloc_ids,
                    )
                )
    for pop in evidence.populations:
        if pop is randomised or pop.total is None:
            continue
        fid = f"population.{pop.id}.total"
        if pop.total.value > total:
            out.append(
                Check(
                    f"population_{pop.id}",
                    WARN,
                    f"{pop.label} ({format_number(pop.total.value)}) outnumber the {format_number(total)} randomised.",
                    (fid, ids[0]),
                )
            )
        else:
            out.append(
                Check(
                    f"population_{pop.id}",
                    PASS,
                    f"{pop.label} ({format_number(pop.total.value)}) are a subset of the {format_number(total)} randomised.",
                    (fid, ids[0]),
                )
            )
    events = figures.get("design.events_at_analysis")
    if events is not None:
        level = PASS if events.value <= total else WARN
        verb = "do not exceed" if level == PASS else "exceed"
        out.append(
            Check(
                "events_vs_patients",
                level,
                f"The {format_number(events.value)} events {verb} the {format_number(total)} randomised patients ({100 * events.value / total:.0f}% had an event).",
                (events.id, ids[0]),
            )
        )
    return out


def _interval_checks(figures: FigureSet) -> list[Check]:
    """Reported estimates lie inside their printed intervals."""
    inside, outside = [], []
    for f in figures:
        if (
            f.status != "reported"
            or f.interval != "CI"
            or f.lower is None
            or f.upper is None
            or f.value is None
        ):
            continue
        (inside if f.lower <= f.value <= f.upper else outside).append(f)
    if outside:
        names = "; ".join(f"{f.label} {f.formatted()}" for f in outside)
        return [
            Check(
                "estimates_in_intervals",
                WARN,
                f"Estimates outside their own interval: {names}.",
                tuple(f.id for f in outside),
            )
        ]
    if inside:
        return [
            Check(
                "estimates_in_intervals",
                PASS,
                f"All {len(inside)} reported estimates lie inside their confidence intervals.",
                tuple(f.id for f in inside),
            )
        ]
    return []


def _effect_checks(evidence: Evidence, ep: TimeToEventEndpoint, figures: FigureSet) -> list[Check]:
    """Checks of every effect of ``ep``: its own, then each other comparison's."""
    out: list[Check] = []
    for i, effect in enumerate(ep.effects):
        pair = effect_pair(evidence, effect)
        if i == 0 and ep.effect is not None:
            sfx = ""
        elif pair is None:
            continue
        else:
            sfx = f".{pair[0].id}_vs_{pair[1].id}"
        name = ep.name
        if not evidence.is_two_arm:
            versus = effect.label or (f"{pair[0].label} vs {pair[1].label}" if pair else "")
            name = f"{name} ({versus})" if versus else ep.name
        out += _one_effect_checks(evidence, ep, effect, sfx, name, figures)
    return out


def _one_effect_checks(
    evidence: Evidence,
    ep: TimeToEventEndpoint,
    effect: Effect,
    sfx: str,
    name: str,
    figures: FigureSet,
) -> list[Check]:
    out: list[Check] = []
    if not effect.estimate.has_ci:
        return out
    kind = effect.kind.lower()
    hr = figures.get(f"{ep.id}.{kind}{sfx}")
    centre = figures.get(f"{ep.id}.{kind}.ci_centre{sfx}")
    if hr is None or centre is None:
        return out
    # Centre: compare on the log scale with the rounding of the printed estimate.
    half = 0.5 * 10 ** -(hr.decimals if hr.decimals is not None else 3)
    if hr.value - half <= centre.value <= hr.value + half:
        out.append(
            Check(
                f"{ep.id}_ci_centre{sfx}",
                PASS,
                f"{name}: the {effect.kind} {format_number(hr.value, hr.decimals)} sits at the geometric centre of its CI ({centre.value:.3f}) once rounding is allowed for, as a Wald interval on the log scale should.",
                (hr.id, centre.id),
            )
        )
    else:
        out.append(
            Check(
                f"{ep.id}_ci_centre{sfx}",
                NOTE,
                f"{name}: the {effect.kind} {format_number(hr.value, hr.decimals)} is off the geometric centre of its CI ({centre.value:.3f}) by more than rounding explains; the interval may not be a log-scale Wald interval.",
                (hr.id, centre.id),
            )
        )

    p = figures.get(f"{ep.id}.p{sfx}")
    if p is None:
        return out
    wald = figures[f"{ep.id}.wald_p{sfx}"]
    prange = figures[f"{ep.id}.wald_p_range{sfx}"]
    qualifier = effect.p.qualifier if effect.p is not None else None
    if qualifier in ("<", "<="):
        # Printed as a bound ("p < 0.0001"): consistent when the Wald p can be below it.
        bound = f"p {'<' if qualifier == '<' else '≤'} {format_number(p.value, p.decimals)}"
        ids = (p.id, wald.id, prange.id, hr.id)
        below = prange.lower <= p.value
        out.append(
            Check(
                f"{ep.id}_p_vs_ci{sfx}",
                PASS if below else WARN,
                f"{name}: the reported {bound} "
                + (
                    f"agrees with the Wald p implied by the {effect.kind} and its CI "
                    f"({wald.value:.2g})."
                    if below
                    else f"is below every Wald p the printed {effect.kind} and CI allow "
                    f"(from {prange.lower:.2g})."
                ),
                ids,
            )
        )
    else:
        p_half = 0.5 * 10 ** -(p.decimals if p.decimals is not None else 3)
        ids = (p.id, wald.id, prange.id, hr.id)
        within = prange.lower - p_half <= p.value <= prange.upper + p_half
        close = abs(p.value - wald.value) <= max(p_half, 0.1 * wald.value)
        alt_text = ""
        best_level, best_p = None, wald.value
        for other in (90, 99):
            alt = figures.get(f"{ep.id}.wald_p_at_{other}{sfx}")
            if alt is not None and abs(alt.value - p.value) < abs(best_p - p.value):
                best_level, best_p = other, alt.value
                ids = (*ids, alt.id)
        if best_level is not None:
            alt_text = f" Read as a {best_level}% interval, the same bounds would give p = {best_p:.3f}, closer to the reported p."
        if close:
            out.append(
                Check(
                    f"{ep.id}_p_vs_ci{sfx}",
                    PASS,
                    f"{name}: the reported {p.p_text()} agrees with the Wald p implied by the {effect.kind} and its CI ({wald.value:.3f}).",
                    ids,
                )
            )
        elif within:
            out.append(
                Check(
                    f"{ep.id}_p_vs_ci{sfx}",
                    NOTE,
                    f"{name}: the reported {p.p_text()} differs from the Wald p implied by the {effect.kind} and its CI ({wald.value:.3f}) but lies within the range the printed rounding allows ({prange.lower:.3f}–{prange.upper:.3f}); a log-rank p is expected to differ a little from a Wald p.{alt_text}",
                    ids,
                )
            )
        else:
            out.append(
                Check(
                    f"{ep.id}_p_vs_ci{sfx}",
                    WARN,
                    f"{name}: the reported {p.p_text()} is outside the range of Wald p values the printed {effect.kind} and CI allow ({prange.lower:.3f}–{prange.upper:.3f}).{alt_text}",
                    ids,
                )
            )

    if evidence.design.alpha is not None:
        alpha = evidence.design.alpha.value
        alpha_text = f"α = {format_number(alpha)}"
        alpha_ids: tuple[str, ...] = ("design.alpha",)
    else:
        # No design α: judge at the α the interval itself expresses (two-sided).
        level = effect.estimate.level or 0.95
        alpha = round(1 - level, 6)
        alpha_text = (
            f"α = {format_number(alpha)} (matching the {level:.0%} CI; the design's α is "
            "not reported)"
        )
        alpha_ids = ()
    significant_p = p.value < alpha
    excludes_one = hr.upper < 1 or hr.lower > 1
    if significant_p == excludes_one:
        verdict = (
            "both say the difference is statistically significant"
            if excludes_one
            else "both say it is not statistically significant"
        )
        out.append(
            Check(
                f"{ep.id}_significance{sfx}",
                PASS,
                f"{name}: the p value and the CI agree at {alpha_text}: {verdict}.",
                (p.id, hr.id, *alpha_ids),
            )
        )
    else:
        out.append(
            Check(
                f"{ep.id}_significance{sfx}",
                WARN,
                f"{name}: the p value ({p.p_text()}) and the CI ({format_number(hr.lower, hr.decimals)}–{format_number(hr.upper, hr.decimals)}) disagree about significance at {alpha_text}.",
                (p.id, hr.id, *alpha_ids),
            )
        )
    return out


def _exponential_checks(
    evidence: Evidence, ep: TimeToEventEndpoint, figures: FigureSet
) -> list[Check]:
    out: list[Check] = []
    kind = ep.effect.kind.lower() if ep.effect else None
    hr = figures.get(f"{ep.id}.{kind}") if kind else None
    implied = figures.get(f"{ep.id}.hr_from_medians")
    if hr is not None and implied is not None and hr.lower is not None:
        ids = (implied.id, hr.id, *implied.inputs)
        if hr.lower <= implied.value <= hr.upper:
            out.append(
                Check(
                    f"{ep.id}_hr_vs_medians",
                    NOTE if abs(math.log(implied.value / hr.value)) > 0.05 else PASS,
                    f"{ep.name}: the medians imply an HR of {implied.value:.2f} under an exponential model, against the reported {format_number(hr.value, hr.decimals)}; inside the reported CI, so the curves need not be exponential for both to hold.",
                    ids,
                )
            )
        else:
            out.append(
                Check(
                    f"{ep.id}_hr_vs_medians",
                    WARN,
                    f"{ep.name}: the medians imply an HR of {implied.value:.2f} under an exponential model, outside the reported CI ({format_number(hr.lower, hr.decimals)}–{format_number(hr.upper, hr.decimals)}): the hazards are far from proportional or exponential.",
                    ids,
                )
            )
    for lm in ep.landmarks:
        tt = format_number(lm.time)
        for arm_id in lm.by_arm:
            rate = figures.get(f"{ep.id}.landmark_{tt}.{arm_id}")
            model = figures.get(f"{ep.id}.landmark_{tt}_from_median.{arm_id}")
            if rate is None or model is None:
                continue
            arm = evidence.arm(arm_id).label
            diff = rate.value - model.value
            text = (
                f"{ep.name}, {arm}: the reported {tt}-month rate {format_number(rate.value, rate.decimals)}% "
                f"against {model.value:.1f}% implied by the median under an exponential model "
                f"({'+' if diff >= 0 else '−'}{abs(diff):.1f} points)"
            )
            ids = (rate.id, model.id, *model.inputs)
            if model.lower is not None and min(model.lower, model.upper) <= rate.value <= max(
                model.lower, model.upper
            ):
                level = PASS if abs(diff) < 2 else NOTE
                out.append(
                    Check(
                        f"{ep.id}_landmark_{tt}_{arm_id}",
                        level,
                        text + "; within the range the median's CI implies.",
                        ids,
                    )
                )
            else:
                out.append(
                    Check(
                        f"{ep.id}_landmark_{tt}_{arm_id}",
                        WARN,
                        text
                        + "; outside the range the median's CI implies, so the curve is far from exponential.",
                        ids,
                    )
                )
    return out


def _reconstruction_checks(analyses: Iterable[ReconstructedAnalysis]) -> list[Check]:
    """The diagnostics of each reconstructed figure as checks (rules in reconstructed.py)."""
    return [
        Check(a.check_id(d.key), d.level, d.message, d.figures)
        for a in analyses
        for d in a.diagnostics
    ]


def _count_checks(fits: list[CountFit]) -> list[Check]:
    out: list[Check] = []
    for fit in fits:
        ids = tuple(f"population.{fit.population}.{a}" for a in fit.chosen)
        sizes = " and ".join(f"{n}" for n in fit.chosen.values())
        who = f"“{fit.population_label}”"
        if fit.failed:
            out.append(
                Check(
                    f"counts_{fit.population}",
                    WARN,
                    f"{who}: no whole number of patients reproduces every printed percentage ({', '.join(fit.failed)}).",
                    ids,
                )
            )
        elif fit.situation == "total reported" and not fit.alternatives:
            out.append(
                Check(
                    f"counts_{fit.population}",
                    PASS,
                    f"{who}: only one split between the arms fits every printed percentage ({sizes} patients), so the counts behind them are determined.",
                    ids,
                )
            )
        elif fit.situation == "total reported":
            out.append(
                Check(
                    f"counts_{fit.population}",
                    NOTE,
                    f"{who}: {len(fit.alternatives) + 1} splits between the arms fit every printed percentage; {sizes} patients (closest to the allocation ratio) is used.",
                    ids,
                )
            )
        elif fit.situation == "sizes not reported":
            out.append(
                Check(
                    f"counts_{fit.population}",
                    NOTE,
                    f"{who}: size not reported; {sizes} patients per arm is the largest size that fits the printed percentages, so counts and comparisons on it are reconstructions.",
                    ids,
                )
            )
        else:
            out.append(
                Check(
                    f"counts_{fit.population}",
                    PASS,
                    f"{who}: every printed percentage matches a whole number of patients.",
                    ids,
                )
            )
    return out


def _design_checks(evidence: Evidence, figures: FigureSet, result: DesignResult) -> list[Check]:
    out: list[Check] = []
    events = figures.get("design.events_at_analysis")
    required = figures.get("design.events_required_schoenfeld")
    if events is None or required is None:
        return out
    needed = math.ceil(required.value)
    hr = figures["design.hypothesised_hr"]
    ids = (events.id, required.id, hr.id)
    if events.value >= needed:
        out.append(
            Check(
                "events_vs_design",
                PASS,
                f"The analysis had {format_number(events.value)} events; the design needed {needed} (Schoenfeld) to detect HR {format_number(hr.value, hr.decimals)} with the planned power, so it had enough.",
                ids,
            )
        )
    else:
        out.append(
            Check(
                "events_vs_design",
                NOTE,
                f"The analysis had {format_number(events.value)} events, fewer than the {needed} (Schoenfeld) the design needed to detect HR {format_number(hr.value, hr.decimals)} with the planned power.",
                ids,
            )
        )
    power_obs = figures.get("design.power_for_observed_hr")
    detect = figures.get("design.detectable_hr")
    observed = _observed(evidence, figures)
    if power_obs is not None and detect is not None and observed is not None:
        head = f"With {format_number(events.value)} events the trial could detect an HR of {detect.value:.2f} or lower with the planned power"
        ids = (power_obs.id, detect.id, observed.id)
        if power_obs.value < 50:
            out.append(
                Check(
                    "power_for_observed",
                    NOTE,
                    f"{head}; for an effect the size of the observed HR {format_number(observed.value, observed.decimals)} its power was only {power_obs.value:.0f}%, so a non-significant result does not rule out such an effect.",
                    ids,
                )
            )
        else:
            out.append(
                Check(
                    "power_for_observed",
                    PASS,
                    f"{head}; for an effect the size of the observed HR {format_number(observed.value, observed.decimals)} its power was {power_obs.value:.0f}%.",
                    ids,
                )
            )
    return out


def _observed(evidence: Evidence, figures: FigureSet) -> Figure | None:
    primary = evidence.primary_endpoint
    if isinstance(primary, TimeToEventEndpoint) and primary.effect is not None:
        return figures.get(f"{primary.id}.{primary.effect.kind.lower()}")
    return None
