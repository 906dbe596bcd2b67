"""Every number recorded in an evidence file, as figures with stable ids.

Ids follow the evidence structure, so a figure can always be traced back to the
place in the file it came from: ``population.randomised.palbo_et``,
``design.alpha``, ``pfs.median.et``, ``pfs.hr``, ``pfs.landmark_6.palbo_et``,
``orr.percent.et``, ``ae.<id>.percent.palbo_et``, ``baseline.<id>``,
``eligibility.<id>``.
"""

from __future__ import annotations

from explorer.evidence import Evidence, Measure, TimeToEventEndpoint

from .figures import Figure, format_number, from_measure


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
    add(d.alpha, "design.alpha", f"Type I error (α, {d.sides}-sided)", "design")
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
                add(
                    ep.effect.estimate,
                    f"{ep.id}.{kind.lower()}",
                    f"{ep.name}: {_effect_name(kind)}",
                    ep.id,
                )
                add(ep.effect.p, f"{ep.id}.p", f"{ep.name}: p value", ep.id)
            add(ep.events, f"{ep.id}.events", f"{ep.name}: events", ep.id)
        else:
            for arm_id, prop in ep.by_arm.items():
                who = arm_label[arm_id]
                add(prop.percent, f"{ep.id}.percent.{arm_id}", f"{ep.name}: {who}", ep.id)
                add(prop.count, f"{ep.id}.count.{arm_id}", f"{ep.name}: patients, {who}", ep.id)
                add(prop.denominator, f"{ep.id}.n.{arm_id}", f"{ep.name}: assessed, {who}", ep.id)

    for ae in evidence.adverse_events:
        name = f"{ae.term} (grade {ae.grade})"
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
    return out


def _effect_name(kind: str) -> str:
    return {
        "HR": "hazard ratio",
        "RR": "risk ratio",
        "OR": "odds ratio",
        "RD": "risk difference",
    }.get(kind, kind)
