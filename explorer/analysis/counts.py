"""The patient counts behind printed percentages.

Abstracts print "6.4% vs 2.3%" and the size of the population, rarely the counts.
Every two-arm comparison needs counts, so they are recovered here: for each
population, the arm sizes and event counts whose rounded percentages equal every
printed percentage at once (:func:`explorer.stats.binary.reconstruct_counts`).

Three situations, each with its own stated assumption:

* arm sizes reported: only the counts are recovered;
* only the population total reported (e.g. 138 with measurable disease): every split
  of the total between the arms that fits all percentages is listed; the one closest
  to the allocation ratio is used;
* no size reported (e.g. the safety population): each arm's size is taken as the
  largest number, no more than the arm's randomised patients and no fewer than
  ``MIN_FRACTION`` of them, that fits its percentages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from explorer.evidence import Evidence, Measure, Population, TimeToEventEndpoint
from explorer.stats import binary

from .figures import RECONSTRUCTED, Figure, FigureSet, format_number
from .reported import ae_name

#: Smallest analysed fraction of an arm's randomised patients considered plausible
#: when a population's size is not reported (safety populations rarely lose > 20%).
MIN_FRACTION = 0.8


@dataclass(frozen=True)
class PercentItem:
    """One printed percentage on a population, per arm."""

    figure_prefix: str  # e.g. "orr" or "ae.g34"; counts become "<prefix>.count.<arm>"
    label: str
    by_arm: Mapping[str, Measure]  # arm id -> percent measure


@dataclass(frozen=True)
class CountFit:
    """How the counts on one population were recovered, and how sure that is."""

    population: str
    population_label: str
    situation: str  # "sizes reported" | "total reported" | "sizes not reported"
    chosen: dict[str, int]  # arm id -> arm size used
    counts: dict[str, dict[str, int]]  # item prefix -> arm id -> count
    alternatives: list[dict[str, int]] = field(default_factory=list)  # other fitting sizes
    assumption: str = ""
    failed: list[str] = field(default_factory=list)  # items with no fitting count

    @property
    def unique(self) -> bool:
        return not self.alternatives and not self.failed


def _fits(percent: Measure, n: int) -> list[int]:
    decimals = percent.decimals if percent.decimals is not None else _decimals_of(percent.value)
    return [
        k for k, _ in binary.reconstruct_counts(percent.value, decimals=decimals, n_min=n, n_max=n)
    ]


def _decimals_of(value: float) -> int:
    text = f"{value}"
    return len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0


def _fitting_sizes(percents: list[Measure], n_min: int, n_max: int) -> list[int]:
    """Arm sizes in [n_min, n_max] at which every percentage has a fitting count."""
    if n_max < n_min or n_max < 1:
        return []
    ok: set[int] | None = None
    for m in percents:
        decimals = m.decimals if m.decimals is not None else _decimals_of(m.value)
        sizes = {
            n
            for _, n in binary.reconstruct_counts(
                m.value, decimals=decimals, n_min=n_min, n_max=n_max
            )
        }
        ok = sizes if ok is None else ok & sizes
    return sorted(ok or ())


def percent_items(evidence: Evidence) -> dict[str, list[PercentItem]]:
    """Percentages without counts, grouped by population id."""
    groups: dict[str, list[PercentItem]] = {}
    for ep in evidence.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            continue
        arms = {
            a: p.percent for a, p in ep.by_arm.items() if p.percent is not None and p.count is None
        }
        if arms:
            groups.setdefault(ep.population, []).append(PercentItem(ep.id, ep.name, arms))
    for ae in evidence.adverse_events:
        arms = {
            a: p.percent for a, p in ae.by_arm.items() if p.percent is not None and p.count is None
        }
        if arms:
            label = ae_name(ae)
            groups.setdefault(ae.population, []).append(PercentItem(f"ae.{ae.id}", label, arms))
    return groups


def _randomised_sizes(evidence: Evidence) -> dict[str, int]:
    for pop in evidence.populations:
        if pop.kind == "randomised":
            return {a: int(m.value) for a, m in pop.by_arm.items()}
    return {}


def _planned_ratio(evidence: Evidence, first: str, second: str) -> tuple[float, str]:
    """Planned size ratio of two arms, and how it is known, to break ties between splits.

    The design's allocation ratio when it is reported for these arms (a two-arm trial),
    else the arms' allocation weights, else equal allocation, said as an assumption.
    """
    d = evidence.design
    if d.allocation_ratio is not None and evidence.is_two_arm:
        ratio = d.allocation_ratio.value
        return (ratio if first == evidence.treatment_arm.id else 1 / ratio), "the allocation ratio"
    weights = d.allocation
    if weights.get(first) and weights.get(second):
        return weights[first] / weights[second], "the allocation weights"
    return 1.0, "equal arms (the allocation ratio is not reported, so 1:1 is assumed)"


def fit_population(evidence: Evidence, pop: Population, items: list[PercentItem]) -> CountFit:
    """Recover arm sizes and counts for the percentages printed on ``pop``."""
    arm_ids = [arm.id for arm in evidence.arms]
    per_arm = {a: [it.by_arm[a] for it in items if a in it.by_arm] for a in arm_ids}
    randomised = _randomised_sizes(evidence)

    if pop.by_arm and all(a in pop.by_arm for a in arm_ids):
        situation = "sizes reported"
        chosen = {a: int(pop.by_arm[a].value) for a in arm_ids}
        alternatives: list[dict[str, int]] = []
        assumption = f"arm sizes as reported for the {pop.label.lower()} population"
    elif pop.total is not None and len(arm_ids) == 2:
        situation = "total reported"
        total = int(pop.total.value)
        a1, a2 = arm_ids
        fit1 = set(_fitting_sizes(per_arm[a1], 1, total - 1))
        fit2 = set(_fitting_sizes(per_arm[a2], 1, total - 1))
        splits = [{a1: n, a2: total - n} for n in sorted(fit1) if total - n in fit2]
        ratio, basis = _planned_ratio(evidence, a1, a2)
        target = total * ratio / (1 + ratio)
        splits.sort(key=lambda s: abs(s[a1] - target))
        chosen = splits[0] if splits else {}
        alternatives = splits[1:]
        assumption = (
            f"the {total} patients split between the arms so that every printed percentage fits"
            + (f"; the split closest to {basis} is used" if len(splits) > 1 else "")
        )
    else:
        situation = "sizes not reported"
        chosen, alternatives = {}, []
        options: dict[str, list[int]] = {}
        for a in arm_ids:
            n_max = randomised.get(a)
            if n_max is None:
                continue
            n_min = max(1, math.ceil(MIN_FRACTION * n_max))
            sizes = _fitting_sizes(per_arm[a], n_min, n_max)
            if sizes:
                options[a] = sizes[::-1]
                chosen[a] = sizes[-1]
        if options:
            for a, sizes in options.items():
                for n in sizes[1:4]:
                    alternatives.append({**chosen, a: n})
        assumption = (
            "size not reported: each arm's size taken as the largest number, at most its "
            f"randomised patients and at least {MIN_FRACTION:.0%} of them, that fits its "
            "percentages"
        )

    counts: dict[str, dict[str, int]] = {}
    failed: list[str] = []
    for it in items:
        counts[it.figure_prefix] = {}
        for a, m in it.by_arm.items():
            ks = _fits(m, chosen[a]) if a in chosen else []
            if ks:
                counts[it.figure_prefix][a] = ks[0]
            else:
                failed.append(f"{it.label}, {a}")
    return CountFit(
        population=pop.id,
        population_label=pop.label,
        situation=situation,
        chosen=chosen,
        counts=counts,
        alternatives=alternatives,
        assumption=assumption,
        failed=failed,
    )


def add_count_figures(evidence: Evidence, figures: FigureSet) -> list[CountFit]:
    """Add reconstructed arm sizes and counts to ``figures``; return how each population fit."""
    fits: list[CountFit] = []
    arm_label = {arm.id: arm.label for arm in evidence.arms}
    for pop_id, items in percent_items(evidence).items():
        pop = evidence.population(pop_id)
        fit = fit_population(evidence, pop, items)
        fits.append(fit)
        size_ids: dict[str, str] = {}
        for a, n in fit.chosen.items():
            fid = f"population.{pop.id}.{a}"
            size_ids[a] = fid
            if fid in figures:
                continue
            others = sorted({alt[a] for alt in fit.alternatives if alt.get(a) != n})
            extra = f" Other sizes that also fit: {', '.join(map(str, others))}." if others else ""
            figures.add(
                Figure(
                    id=fid,
                    label=f"{pop.label}: {arm_label[a]}",
                    value=float(n),
                    unit="patients",
                    status=RECONSTRUCTED,
                    derivation=(
                        f"Reconstructed from the printed percentages: {fit.assumption}.{extra}"
                    ),
                    topic="population",
                    decimals=0,
                )
            )
        for it in items:
            for a, k in fit.counts.get(it.figure_prefix, {}).items():
                n = fit.chosen[a]
                pct = it.by_arm[a]
                candidates = _fits(pct, n)
                note = (
                    f" Counts that also fit: {', '.join(map(str, candidates[1:]))}."
                    if len(candidates) > 1
                    else ""
                )
                figures.add(
                    Figure(
                        id=f"{it.figure_prefix}.count.{a}",
                        label=f"{it.label}: patients, {arm_label[a]}",
                        value=float(k),
                        unit="patients",
                        status=RECONSTRUCTED,
                        derivation=(
                            f"Reconstructed: {k}/{n} = {100 * k / n:.2f}% rounds to the printed "
                            f"{format_number(pct.value, pct.decimals)}% "
                            f"(n = {n}: {fit.assumption}).{note}"
                        ),
                        inputs=(f"{it.figure_prefix}.percent.{a}", size_ids[a]),
                        topic="safety" if it.figure_prefix.startswith("ae.") else it.figure_prefix,
                        decimals=0,
                    )
                )
    _add_baseline_counts(evidence, figures)
    return fits


def _add_baseline_counts(evidence: Evidence, figures: FigureSet) -> None:
    """Counts behind overall baseline percentages, on their population's total."""
    for ch in evidence.baseline:
        m = ch.overall
        if m is None or m.unit != "%":
            continue
        pop = evidence.population(ch.population)
        if pop.total is None:
            continue
        n = int(pop.total.value)
        ks = _fits(m, n)
        if not ks:
            continue
        note = f" Counts that also fit: {', '.join(map(str, ks[1:]))}." if len(ks) > 1 else ""
        status = RECONSTRUCTED
        figures.add(
            Figure(
                id=f"baseline.{ch.id}.count",
                label=f"{ch.label}: patients",
                value=float(ks[0]),
                unit="patients",
                status=status,
                derivation=(
                    f"Reconstructed: {ks[0]}/{n} = {100 * ks[0] / n:.2f}% rounds to the printed "
                    f"{format_number(m.value, m.decimals)}% of {pop.label.lower()} (n = {n}).{note}"
                ),
                inputs=(f"baseline.{ch.id}", f"population.{pop.id}.total"),
                topic="baseline",
                decimals=0,
            )
        )
