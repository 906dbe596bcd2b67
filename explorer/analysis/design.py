"""The trial's design re-examined: what it was powered for, and what it could detect.

:class:`DesignInputs` holds the design parameters (seeded from the evidence, then
editable in the Design panel); :func:`evaluate` turns them into the events
required, power at the observed events and the smallest detectable hazard ratio.
:func:`add_design_figures` records the same numbers, with derivations, for the
summary and the audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.evidence import Evidence, TimeToEventEndpoint
from explorer.stats import design

from .figures import Figure, FigureSet, computed, format_number


@dataclass(frozen=True)
class DesignInputs:
    """Design parameters of a two-arm time-to-event trial.

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


@dataclass(frozen=True)
class DesignResult:
    """What a set of :class:`DesignInputs` implies."""

    inputs: DesignInputs
    events_required: float
    power_at_observed: float | None
    power_for_observed_hr: float | None
    detectable_hr: float | None
    events_for_observed_hr: float | None
    n_total: float | None
    event_probability: float | None


def inputs_from_evidence(evidence: Evidence) -> DesignInputs:
    """Design inputs as reported: hypothesised HR, alpha, sides, power, allocation."""
    d = evidence.design
    primary = evidence.primary_endpoint
    observed_hr = None
    control_median = None
    if isinstance(primary, TimeToEventEndpoint):
        if primary.effect is not None and primary.effect.kind == "HR":
            observed_hr = primary.effect.estimate.value
        med = primary.medians.get(evidence.control_arm.id)
        control_median = med.value if med is not None else None
    events = d.events_at_analysis.value if d.events_at_analysis is not None else None
    accrual = _accrual_months(d.accrual.start, d.accrual.end) if d.accrual else None
    return DesignInputs(
        hr=d.hypothesised_hr.value,
        alpha=d.alpha.value,
        sides=d.sides,
        power=_proportion(d.power.value, d.power.unit),
        ratio=d.allocation_ratio.value,
        observed_events=events,
        observed_hr=observed_hr,
        control_median=control_median,
        accrual_time=accrual,
        follow_up=None,
    )


def evaluate(inputs: DesignInputs) -> DesignResult:
    """Compute everything the Design panel and summary show for ``inputs``."""
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
    n_total = event_probability = None
    if inputs.control_median and inputs.accrual_time and inputs.follow_up is not None:
        ss = design.sample_size(
            inputs.hr,
            control_median=inputs.control_median,
            accrual_time=inputs.accrual_time,
            follow_up=inputs.follow_up,
            power=inputs.power,
            dropout_rate=inputs.dropout_rate,
            **common,
        )
        n_total, event_probability = ss.n_total, ss.event_probability
    return DesignResult(
        inputs=inputs,
        events_required=required,
        power_at_observed=power_obs,
        power_for_observed_hr=power_hr,
        detectable_hr=detectable,
        events_for_observed_hr=events_obs_hr,
        n_total=n_total,
        event_probability=event_probability,
    )


def add_design_figures(evidence: Evidence, figures: FigureSet) -> DesignResult | None:
    """Add the design re-examination to ``figures``; ``None`` when the design lacks an HR."""
    d = evidence.design
    if d.hypothesised_hr is None or d.alpha is None or d.power is None:
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
    "DesignInputs",
    "DesignResult",
    "add_design_figures",
    "evaluate",
    "inputs_from_evidence",
]
