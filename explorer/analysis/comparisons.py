"""Two-arm comparisons of binary outcomes: response, clinical benefit, adverse events.

For every binary endpoint and adverse event with counts in both arms (reported, or
reconstructed by :mod:`explorer.analysis.counts`), this derives the risk
difference with its Newcombe hybrid score CI, the risk ratio, the conditional
maximum-likelihood odds ratio, Fisher's exact p and the number needed to treat
(for a desirable outcome) or to harm (for an adverse event), with Altman's
reading of an interval that crosses no difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from explorer.evidence import Evidence, TimeToEventEndpoint
from explorer.stats import binary

from .arms import ArmPair, comparison_pairs
from .figures import Figure, FigureSet, computed, format_number
from .reported import ae_name


@dataclass(frozen=True)
class Outcome:
    """A binary outcome to compare between arms."""

    prefix: str  # figure id prefix, e.g. "orr" or "ae.g34_any"
    label: str
    desirable: bool  # True: response-like (NNT); False: adverse (NNH)
    topic: str


def outcomes(evidence: Evidence) -> list[Outcome]:
    """Binary endpoints (desirable) and adverse events (undesirable), in file order."""
    out = [
        Outcome(ep.id, ep.name, True, ep.id)
        for ep in evidence.endpoints
        if not isinstance(ep, TimeToEventEndpoint)
    ]
    out += [Outcome(f"ae.{ae.id}", ae_name(ae), False, "safety") for ae in evidence.adverse_events]
    return out


def _arm_counts(figures: FigureSet, prefix: str, arm: str) -> tuple[Figure, Figure] | None:
    """The count and denominator figures of ``prefix`` in ``arm``, if both are known."""
    count = figures.get(f"{prefix}.count.{arm}")
    if count is None:
        return None
    size = figures.get(f"{prefix}.n.{arm}")
    if size is None:
        # Reconstructed counts name their arm size as their last input.
        size = figures.get(count.inputs[-1]) if count.inputs else None
    return (count, size) if size is not None else None


def add_comparison_figures(evidence: Evidence, figures: FigureSet, *, level: float = 0.95) -> None:
    """Add risk difference, ratios, Fisher p and NNT/NNH for every comparable outcome.

    Every comparison of the trial (:func:`explorer.analysis.arms.comparison_pairs`) is
    derived; the primary one keeps the ids of a two-arm trial (``orr.rd``), each other
    ends with its arms (``orr.rd.fulv_palbo_avel_vs_fulv``). A single-group study has
    none.
    """
    for pair in comparison_pairs(evidence):
        _add_pair(evidence, figures, pair, level)


def _add_pair(evidence: Evidence, figures: FigureSet, pair: ArmPair, level: float) -> None:
    treat, control, sfx = pair.treatment, pair.control, pair.suffix
    for oc in outcomes(evidence):
        t = _arm_counts(figures, oc.prefix, treat.id)
        c = _arm_counts(figures, oc.prefix, control.id)
        if t is None or c is None:
            continue
        (kt, nt), (kc, nc) = t, c
        if kt.value > nt.value or kc.value > nc.value or nt.value < 1 or nc.value < 1:
            continue
        if kt.value == 0 and kc.value == 0:
            continue  # no events in either arm: no ratio or difference worth showing
        inputs = [kt, nt, kc, nc]
        res = binary.compare(
            int(kt.value), int(nt.value), int(kc.value), int(nc.value), level=level
        )
        zero_cell = " (0.5 added to every cell because one is zero)" if res.rr_corrected else ""
        counts = (
            f"{format_number(kt.value)}/{format_number(nt.value)} vs "
            f"{format_number(kc.value)}/{format_number(nc.value)}"
        )
        versus = f"{treat.label} vs {control.label}"
        figures.add(
            computed(
                id=f"{oc.prefix}.rd{sfx}",
                label=f"{oc.label}: risk difference ({versus})",
                value=100 * res.rd,
                unit="percentage points",
                method=(
                    f"Risk difference {counts}, Newcombe hybrid score CI (Newcombe 1998, method 10)"
                ),
                inputs=inputs,
                topic=oc.topic,
                lower=100 * res.rd_lower,
                upper=100 * res.rd_upper,
                level=level,
                decimals=1,
            )
        )
        figures.add(
            computed(
                id=f"{oc.prefix}.rr{sfx}",
                label=f"{oc.label}: risk ratio ({versus})",
                value=res.rr,
                unit="ratio",
                method=f"Risk ratio {counts}, Wald CI on the log scale (Katz){zero_cell}",
                inputs=inputs,
                topic=oc.topic,
                lower=res.rr_lower,
                upper=res.rr_upper,
                level=level,
                decimals=2,
            )
        )
        figures.add(_odds_ratio_figure(oc, res, inputs, level, sfx, versus, counts))
        figures.add(
            computed(
                id=f"{oc.prefix}.fisher_p{sfx}",
                label=f"{oc.label}: Fisher exact p" + (f" ({versus})" if sfx else ""),
                value=res.fisher_p,
                unit=None,
                method=f"Fisher's exact test, two-sided, {counts}",
                inputs=inputs,
                topic=oc.topic,
                decimals=3,
            )
        )
        figures.add(_nnt_figure(oc, res, inputs, level, sfx, versus))


def _odds_ratio_figure(
    oc: Outcome,
    res: binary.CompareResult,
    inputs: list[Figure],
    level: float,
    sfx: str,
    versus: str,
    counts: str,
) -> Figure:
    """The conditional MLE odds ratio; "not estimable" (value None) when it is not finite.

    With no patient (or every patient) having the outcome in one arm the estimate is 0 or
    infinite, and with none (or all) in both arms it is undefined: R's fisher.test prints
    Inf or 0 for the first and 0 for the second. The app shows no such number; the
    derivation says why and gives the finite end of the exact interval
    (docs/edge-cases.md).
    """
    method = f"Odds ratio {counts}, conditional maximum likelihood with exact CI (as R fisher.test)"
    value, lower, upper = res.odds_ratio, res.or_lower, res.or_upper
    pct = f"{level:.0%}"
    why = None
    if math.isnan(value):
        why = (
            "every patient in both arms had the outcome, or none did, so the conditional "
            f"likelihood is flat (R fisher.test prints 0 with a {pct} CI of 0 to ∞)"
        )
    elif value in (0.0, math.inf):
        finite_end = (
            f"from {format_number(lower, 2)} to ∞"
            if value == math.inf
            else f"from 0 to {format_number(upper, 2)}"
        )
        why = (
            "one arm has the outcome in none or in all of its patients, so the odds ratio "
            f"is {'infinite' if value == math.inf else '0'} (R fisher.test: "
            f"{'Inf' if value == math.inf else '0'}); its exact {pct} CI runs {finite_end}"
        )
    elif not (math.isfinite(lower) and math.isfinite(upper)):
        why = f"its exact {pct} CI has an infinite bound"
    if why is not None:
        return computed(
            id=f"{oc.prefix}.or{sfx}",
            label=f"{oc.label}: odds ratio ({versus})",
            value=None,
            unit="ratio",
            method=f"Not estimable: {why}. {method}",
            inputs=inputs,
            topic=oc.topic,
            decimals=2,
        )
    return computed(
        id=f"{oc.prefix}.or{sfx}",
        label=f"{oc.label}: odds ratio ({versus})",
        value=value,
        unit="ratio",
        method=method,
        inputs=inputs,
        topic=oc.topic,
        lower=lower,
        upper=upper,
        level=level,
        decimals=2,
    )


def altman_interval(rd_lower: float, rd_upper: float, *, desirable: bool) -> str:
    """NNT/NNH reading of a risk-difference interval that includes 0 (Altman, BMJ 1998).

    ``rd_lower``/``rd_upper`` are proportions (treatment − control). The interval runs
    from the NNT at the benefit end through infinity to the NNH at the harm end, e.g.
    ``"NNT 8.9 to ∞ to NNH 16.6"``; for an adverse outcome a negative difference is benefit.
    """
    benefit_end = rd_upper if desirable else -rd_lower  # the RD limit in the direction of benefit
    harm_end = -rd_lower if desirable else rd_upper
    parts = []
    if benefit_end > 0:
        parts.append(f"NNT {1 / benefit_end:.1f}")
    parts.append("∞")
    if harm_end > 0:
        parts.append(f"NNH {1 / harm_end:.1f}")
    return " to ".join(parts)


def number_needed(
    rd: float, rd_lower: float | None, rd_upper: float | None, *, desirable: bool
) -> tuple[str, float, float | None, float | None]:
    """``(kind, value, lower, upper)``: the NNT or NNH for a risk difference (proportions).

    ``rd`` is treatment − control; for a desirable outcome a positive difference is
    benefit (NNT), for an adverse one it is harm (NNH). ``lower``/``upper`` are the
    reciprocals of the difference's bounds, or ``None`` when that interval includes 0
    (then it is read through infinity: :func:`altman_interval`).
    """
    helps = rd > 0 if desirable else rd < 0
    kind = "NNT" if helps else "NNH"
    value = abs(1.0 / rd) if rd != 0 else math.inf
    if rd_lower is None or rd_upper is None or not (rd_lower > 0 or rd_upper < 0):
        return kind, value, None, None
    lower, upper = sorted(abs(1.0 / x) for x in (rd_lower, rd_upper))
    return kind, value, lower, upper


def _nnt_figure(
    oc: Outcome,
    res: binary.CompareResult,
    inputs: list[Figure],
    level: float,
    sfx: str = "",
    versus: str = "",
) -> Figure:
    """NNT (desirable outcome) or NNH (adverse event), with Altman's interval convention."""
    lo_rd, hi_rd = res.rd_lower, res.rd_upper
    name, value, lower, upper = number_needed(res.rd, lo_rd, hi_rd, desirable=oc.desirable)
    helps = name == "NNT"
    if lower is not None:
        interval = f"{level:.0%} CI {lower:.1f} to {upper:.1f}"
    else:
        through = altman_interval(lo_rd, hi_rd, desirable=oc.desirable)
        interval = f"{level:.0%} CI {through} (the interval includes no difference)"
    if oc.desirable:
        meaning = (
            "treated for one more patient with" if helps else "treated for one fewer patient with"
        )
    else:
        meaning = (
            "treated for one more patient with" if not helps else "treated to spare one patient"
        )
    not_estimable = ""
    if not math.isfinite(value):
        # rd = 0: no difference, so no finite number of patients gives one more event.
        not_estimable = (
            "Not estimable: the risk difference is 0 (the same risk in both arms), so the "
            "number needed is infinite. "
        )
        value = None
    return computed(
        id=f"{oc.prefix}.nnt{sfx}",
        label=f"{oc.label}: {name}" + (f" ({versus})" if sfx else ""),
        value=value,
        unit="patients",
        method=(
            f"{not_estimable}{name} = 1 / |risk difference|: patients {meaning} the outcome; "
            f"{interval} (Altman 1998)"
        ),
        inputs=inputs,
        topic=oc.topic,
        lower=lower,
        upper=upper,
        level=level if lower is not None else None,
        decimals=1,
    )
