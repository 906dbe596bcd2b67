"""Every number recorded in an evidence file, as figures with stable ids.

Ids follow the evidence structure, so a figure can always be traced back to the
place in the file it came from: ``population.randomised.palbo_et``,
``design.alpha``, ``pfs.median.et``, ``pfs.hr``, ``pfs.landmark_6.palbo_et``,
``orr.percent.et``, ``ae.<id>.percent.palbo_et``, ``baseline.<id>``,
``eligibility.<id>``.
"""

from __future__ import annotations

from explorer.evidence import AdverseEvent, Evidence, Measure, TimeToEventEndpoint

from .arms import effect_pair
from .figures import Figure, format_number, from_measure

#: How a registry's ungraded adverse-event categories are named (never as a grade).
UNGRADED_CATEGORIES = {
    "serious": "Serious adverse events (registry, no grade)",
    "other": "Other adverse events (registry, no grade)",
}


def ae_name(ae: AdverseEvent) -> str:
    """An adverse event's term and grade band, e.g. "Neutropenia (grade 3-4)".

    Ungraded registry entries say which list they come from instead of a grade:
    "Anaemia (serious, no grade)", so they are never read as grade ≥ 3.
    """
    if not ae.is_graded:
        kind = ae.category if ae.category in UNGRADED_CATEGORIES else "registry"
        return f"{ae.term} ({kind}, no grade)"
    return f"{ae.term} (grade {ae.grade})"


def reported_figures(evidence: Evidence) -> list[Figure]:
    """Return a figure for every measure in ``evidence``, in reading order."""
    out: list[Figure] = []
    arm_label = {arm.id: arm.label for arm in evidence.arms}

    def add(measure: Measure | None, id: str, label: str, topic: str) -> None:
        if measure is not None:
            out.append(from_measure(evidence, measure, id=id, label=label, topic=topic))

    for pop in evidence.populations:
        add(pop.total, f"population.{pop.id}.total", f"{pop.label}: patients", "population")
        for arm_id, m in pop.by_arm.items():
            add(
                m,
                f"population.{pop.id}.{arm_id}",
                f"{pop.label}: {arm_label[arm_id]}",
                "population",
            )

    d = evidence.design
    add(
        d.allocation_ratio,
        "design.allocation_ratio",
        "Allocation ratio (treatment:control)",
        "design",
    )
    sides = f"{d.sides}-sided" if d.sides is not None else "sides not reported"
    add(d.alpha, "design.alpha", f"Type I error (α, {sides})", "design")
    add(d.power, "design.power", "Planned power", "design")
    add(d.hypothesised_hr, "design.hypothesised_hr", "Hypothesised hazard ratio", "design")
    add(d.median_follow_up, "design.median_follow_up", "Median follow-up", "design")
    add(d.events_at_analysis, "design.events_at_analysis", "Events at analysis", "design")

    for ep in evidence.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            for arm_id, m in ep.medians.items():
                add(m, f"{ep.id}.median.{arm_id}", f"{ep.name}: median, {arm_label[arm_id]}", ep.id)
            for lm in ep.landmarks:
                t = format_number(lm.time)
                for arm_id, m in lm.by_arm.items():
                    add(
                        m,
                        f"{ep.id}.landmark_{t}.{arm_id}",
                        f"{ep.name}: {t}-{lm.unit.removesuffix('s')} rate, {arm_label[arm_id]}",
                        ep.id,
                    )
            if ep.effect is not None:
                kind = ep.effect.kind
                versus = _versus(evidence, ep.effect)
                add(
                    ep.effect.estimate,
                    f"{ep.id}.{kind.lower()}",
                    f"{ep.name}: {_effect_name(kind)}{versus}",
                    ep.id,
                )
                add(ep.effect.p, f"{ep.id}.p", f"{ep.name}: p value{versus}", ep.id)
            for effect in ep.other_effects:
                pair = effect_pair(evidence, effect)
                if pair is None:
                    continue
                suffix = f"{pair[0].id}_vs_{pair[1].id}"
                versus = effect.label or f"{pair[0].label} vs {pair[1].label}"
                add(
                    effect.estimate,
                    f"{ep.id}.{effect.kind.lower()}.{suffix}",
                    f"{ep.name}: {_effect_name(effect.kind)} ({versus})",
                    ep.id,
                )
                add(effect.p, f"{ep.id}.p.{suffix}", f"{ep.name}: p value ({versus})", ep.id)
            add(ep.events, f"{ep.id}.events", f"{ep.name}: events", ep.id)
        else:
            for arm_id, prop in ep.by_arm.items():
                who = arm_label[arm_id]
                add(prop.percent, f"{ep.id}.percent.{arm_id}", f"{ep.name}: {who}", ep.id)
                add(prop.count, f"{ep.id}.count.{arm_id}", f"{ep.name}: patients, {who}", ep.id)
                add(prop.denominator, f"{ep.id}.n.{arm_id}", f"{ep.name}: assessed, {who}", ep.id)

    for ae in evidence.adverse_events:
        name = ae_name(ae)
        if ae.overall is not None:
            add(ae.overall.percent, f"ae.{ae.id}.percent", f"{name}: all patients", "safety")
            add(ae.overall.count, f"ae.{ae.id}.count", f"{name}: patients, all arms", "safety")
            add(ae.overall.denominator, f"ae.{ae.id}.n", f"{name}: treated, all arms", "safety")
        for arm_id, prop in ae.by_arm.items():
            who = arm_label[arm_id]
            add(prop.percent, f"ae.{ae.id}.percent.{arm_id}", f"{name}: {who}", "safety")
            add(prop.count, f"ae.{ae.id}.count.{arm_id}", f"{name}: patients, {who}", "safety")
            add(prop.denominator, f"ae.{ae.id}.n.{arm_id}", f"{name}: treated, {who}", "safety")

    for ch in evidence.baseline:
        add(ch.overall, f"baseline.{ch.id}", ch.label, "baseline")
        for arm_id, m in ch.by_arm.items():
            add(m, f"baseline.{ch.id}.{arm_id}", f"{ch.label}: {arm_label[arm_id]}", "baseline")
    for crit in evidence.eligibility:
        add(crit.threshold, f"eligibility.{crit.id}", f"Eligibility: {crit.label}", "eligibility")
    from .outcomes import outcome_figures

    out.extend(outcome_figures(evidence))
    return out


def _versus(evidence: Evidence, effect) -> str:
    """ " (A vs B)" for the primary effect of a trial with more than two arms, else ""."""
    if evidence.is_two_arm:
        return ""
    pair = effect_pair(evidence, effect)
    if effect.label:
        return f" ({effect.label})"
    return f" ({pair[0].label} vs {pair[1].label})" if pair is not None else ""


def _effect_name(kind: str) -> str:
    return {
        "HR": "hazard ratio",
        "RR": "risk ratio",
        "OR": "odds ratio",
        "RD": "risk difference",
    }.get(kind, kind)
