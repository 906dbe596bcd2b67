"""Time-to-event endpoints: what the reported HR, CI, p, medians and landmarks imply.

For each time-to-event endpoint with a hazard ratio this derives

* the Wald p implied by the HR and its CI, and the range of p that rounding of the
  three printed numbers allows;
* how far the HR sits from the geometric centre of its CI;
* the p that the same printed bounds imply at other common CI levels (90%, 99%);
* under an exponential model, the HR implied by the two medians, the landmark rate
  implied by each median, and the HR implied by the landmark rates.

Each result is a :class:`~explorer.analysis.figures.Figure`; the audit turns the
comparisons into checks.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from explorer.evidence import Effect, Evidence, TimeToEventEndpoint
from explorer.stats import effects, survival

from .arms import ArmPair, effect_pair, endpoint_pairs
from .figures import FigureSet, computed, format_number

#: CI levels tried when asking which level best explains a reported p.
OTHER_LEVELS = (0.90, 0.99)


@dataclass(frozen=True)
class PRange:
    """Smallest and largest Wald p consistent with the printed HR and CI after rounding."""

    low: float
    high: float


def rounding_box(value: float, decimals: int | None) -> tuple[float, float]:
    """Interval of true values that print as ``value`` at ``decimals`` places."""
    if decimals is None:
        return value, value
    half = 0.5 * 10.0 ** (-decimals)
    return value - half, value + half


def wald_p_range(
    estimate: float, lower: float, upper: float, *, level: float, decimals: int | None
) -> PRange:
    """Range of the Wald p over every HR and CI that round to the printed ones.

    The p is monotone in each of the three numbers, so its extremes are at corners
    of the rounding box (all eight corners are evaluated).
    """
    boxes = [rounding_box(x, decimals) for x in (estimate, lower, upper)]
    ps = []
    for est, lo, hi in itertools.product(*boxes):
        if lo <= 0 or lo >= hi or est <= 0:
            continue
        ps.append(effects.from_ci(est, lo, hi, level=level).p)
    return PRange(min(ps), max(ps))


def add_endpoint_figures(evidence: Evidence, figures: FigureSet) -> None:
    """Add the derived figures of every time-to-event endpoint to ``figures``."""
    for ep in evidence.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            for i, effect in enumerate(ep.effects):
                pair = effect_pair(evidence, effect)
                if i == 0 and ep.effect is not None:
                    suffix = ""
                elif pair is None:
                    continue
                else:
                    suffix = f".{pair[0].id}_vs_{pair[1].id}"
                versus = ""
                if not evidence.is_two_arm:
                    versus = effect.label or (f"{pair[0].label} vs {pair[1].label}" if pair else "")
                _effect_figures(ep, effect, suffix, versus, figures)
            _per_arm_landmark_figures(evidence, ep, figures)
            for pair in endpoint_pairs(evidence, ep):
                _exponential_figures(evidence, ep, pair, figures)


def _effect_figures(
    ep: TimeToEventEndpoint, effect: Effect, suffix: str, versus: str, figures: FigureSet
) -> None:
    """Wald SE, p, p range, CI centre and p at other levels for one effect.

    ``suffix`` is empty for the endpoint's own effect and names the arms of any other
    comparison (``".fulv_palbo_avel_vs_fulv"``); it ends every figure id. ``versus`` names
    the comparison in labels ("" for a two-arm trial).
    """
    if not effect.estimate.has_ci:
        return
    est = effect.estimate
    kind = effect.kind.lower()
    hr_fig = figures.get(f"{ep.id}.{kind}{suffix}")
    if hr_fig is None:
        return
    name = f"{ep.name} ({versus})" if versus else ep.name
    level = est.level or 0.95
    wald = effects.from_ci(est.value, est.lower, est.upper, level=level)
    figures.add(
        computed(
            id=f"{ep.id}.{kind}.se_log{suffix}",
            label=f"{name}: standard error of log {effect.kind}",
            value=wald.se,
            unit=None,
            method=(
                f"Wald: SE = (ln upper − ln lower) / (2 × z), z = {_z(level):.4f} for a "
                f"{level:.0%} CI (Altman & Bland 2011)"
            ),
            inputs=[hr_fig],
            topic=ep.id,
            decimals=4,
        )
    )
    figures.add(
        computed(
            id=f"{ep.id}.wald_p{suffix}",
            label=f"{name}: Wald p implied by the {effect.kind} and CI",
            value=wald.p,
            unit=None,
            method="Wald: z = ln(HR) / SE, p = 2 × (1 − Φ(|z|)), two-sided",
            inputs=[hr_fig],
            topic=ep.id,
            decimals=3,
        )
    )
    pr = wald_p_range(est.value, est.lower, est.upper, level=level, decimals=est.decimals)
    figures.add(
        computed(
            id=f"{ep.id}.wald_p_range{suffix}",
            label=f"{name}: Wald p range allowed by rounding",
            value=None,
            unit=None,
            method=(
                "Wald p at every corner of the rounding box of the printed HR and CI bounds "
                f"(each ± half a unit in the last printed decimal): {pr.low:.3f} to {pr.high:.3f}"
            ),
            inputs=[hr_fig],
            topic=ep.id,
            lower=pr.low,
            upper=pr.high,
            decimals=3,
        )
    )
    centre = math.exp((math.log(est.lower) + math.log(est.upper)) / 2)
    figures.add(
        computed(
            id=f"{ep.id}.{kind}.ci_centre{suffix}",
            label=f"{name}: geometric centre of the {effect.kind} CI",
            value=centre,
            unit="ratio",
            method="√(lower × upper): where a Wald estimate sits on the log scale",
            inputs=[hr_fig],
            topic=ep.id,
            decimals=3,
        )
    )
    for other in OTHER_LEVELS:
        if math.isclose(other, level):
            continue
        alt = effects.from_ci(est.value, est.lower, est.upper, level=other)
        figures.add(
            computed(
                id=f"{ep.id}.wald_p_at_{round(other * 100)}{suffix}",
                label=f"{name}: Wald p if the printed CI were {other:.0%}",
                value=alt.p,
                unit=None,
                method=f"Wald p from the same printed bounds read as a {other:.0%} CI",
                inputs=[hr_fig],
                topic=ep.id,
                decimals=3,
            )
        )


def _per_arm_landmark_figures(
    evidence: Evidence, ep: TimeToEventEndpoint, figures: FigureSet
) -> None:
    """Each arm's landmark rate implied by its median, and median implied by its rate."""
    for lm in ep.landmarks:
        t = lm.time
        tt = format_number(t)
        for arm_id in lm.by_arm:
            med = figures.get(f"{ep.id}.median.{arm_id}")
            rate = figures[f"{ep.id}.landmark_{tt}.{arm_id}"]
            if med is None or not med.value:
                continue
            arm_label = evidence.arm(arm_id).label
            lo = hi = None
            if med.lower is not None and med.upper is not None:
                lo = 100 * survival.survival_at(t, median=med.lower)
                hi = 100 * survival.survival_at(t, median=med.upper)
            figures.add(
                computed(
                    id=f"{ep.id}.landmark_{tt}_from_median.{arm_id}",
                    label=f"{ep.name}: {tt}-month rate implied by the median, {arm_label}",
                    value=100 * survival.survival_at(t, median=med.value),
                    unit="%",
                    method=(
                        f"Exponential model: S({tt}) = 0.5^({tt} / median); the interval "
                        "applies the same formula to the median's CI bounds"
                    ),
                    inputs=[med],
                    topic=ep.id,
                    lower=lo,
                    upper=hi,
                    level=med.level if lo is not None else None,
                    decimals=1,
                )
            )
            if 0 < rate.value < 100:
                figures.add(
                    computed(
                        id=f"{ep.id}.median_from_landmark_{tt}.{arm_id}",
                        label=f"{ep.name}: median implied by the {tt}-month rate, {arm_label}",
                        value=t * math.log(2) / -math.log(rate.value / 100),
                        unit="months",
                        method=f"Exponential model: median = {tt} × ln 2 / −ln S({tt})",
                        inputs=[rate],
                        topic=ep.id,
                        decimals=1,
                    )
                )


def _exponential_figures(
    evidence: Evidence, ep: TimeToEventEndpoint, pair: ArmPair, figures: FigureSet
) -> None:
    """HR implied by the medians and by the landmark rates, and the rate difference.

    Derived for one comparison (``pair``); its ``suffix`` ends the figure ids.
    """
    treat, control, sfx = pair.treatment.id, pair.control.id, pair.suffix
    name = ep.name if evidence.is_two_arm else f"{ep.name} ({pair.label})"
    mt = figures.get(f"{ep.id}.median.{treat}")
    mc = figures.get(f"{ep.id}.median.{control}")
    if mt is not None and mc is not None and mt.value and mc.value:
        figures.add(
            computed(
                id=f"{ep.id}.hr_from_medians{sfx}",
                label=f"{name}: hazard ratio implied by the medians",
                value=survival.hr_from_medians(mt.value, mc.value),
                unit="ratio",
                method="Exponential model: HR = median(control) / median(treatment)",
                inputs=[mt, mc],
                topic=ep.id,
                decimals=3,
            )
        )
    for lm in ep.landmarks:
        tt = format_number(lm.time)
        rt = figures.get(f"{ep.id}.landmark_{tt}.{treat}")
        rc = figures.get(f"{ep.id}.landmark_{tt}.{control}")
        if rt is not None and rc is not None:
            figures.add(
                computed(
                    id=f"{ep.id}.landmark_{tt}.difference{sfx}",
                    label=f"{name}: {tt}-month rate difference",
                    value=rt.value - rc.value,
                    unit="percentage points",
                    method=(
                        f"Difference of the reported {tt}-month rates (treatment − control); "
                        "no interval, as the abstract reports none for the rates"
                    ),
                    inputs=[rt, rc],
                    topic=ep.id,
                    decimals=1,
                )
            )
        if rt is not None and rc is not None and 0 < rt.value < 100 and 0 < rc.value < 100:
            figures.add(
                computed(
                    id=f"{ep.id}.hr_from_landmark_{tt}{sfx}",
                    label=f"{name}: hazard ratio implied by the {tt}-month rates",
                    value=math.log(rt.value / 100) / math.log(rc.value / 100),
                    unit="ratio",
                    method=f"Proportional hazards: HR = ln S_treatment({tt}) / ln S_control({tt})",
                    inputs=[rt, rc],
                    topic=ep.id,
                    decimals=3,
                )
            )


def _z(level: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)
