"""Registry outcome measures (format 1.2) as figures and as rows a table shows.

A ClinicalTrials.gov record reports its outcomes as *outcome measures*: groups (the
record's own "OG000" ids, matched to the evidence's arms where they can be), one value
per group and class/category with the spread or interval the record's ``dispersion``
names, and statistical analyses with their own CI level and sides. They are kept as the
record states them, never forced into endpoints, so the app shows them as they are:

* every number becomes a reported :class:`~explorer.analysis.figures.Figure` (topic
  ``"outcome_measures"``) whose source is the field path in the record and the raw
  string printed there, so the details pane, the All figures and Audit panels and the
  reports treat them like any other figure;
* :func:`value_rows` and :func:`analysis_rows` give one plain-text row per value and per
  analysis, each naming the figure it shows.

Figure ids: ``outcome.<om>.n.<group>``, ``outcome.<om>.value_<j>`` (``j`` indexes
``OutcomeMeasure.values``), ``outcome.<om>.analysis_<j>.estimate`` and ``.p``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from explorer.evidence import Evidence, Measure, OutcomeAnalysis, OutcomeMeasure, OutcomeValue

from .figures import Figure, format_number, from_measure

#: Topic of every outcome-measure figure.
TOPIC = "outcome_measures"

_QUALIFIERS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "~": "~"}
_ROLE_ORDER = {"primary": 0, "secondary": 1, "other": 2}


@dataclass(frozen=True)
class ValueRow:
    """One cell of an outcome measure, as plain text for a table.

    ``figure_id`` is None for a value the record gives as "NA" (its reason in
    ``comment``).
    """

    group: str
    class_label: str
    category: str
    value: str
    spread: str
    n: str
    comment: str
    figure_id: str | None
    n_figure_id: str | None


@dataclass(frozen=True)
class AnalysisRow:
    """One statistical analysis of an outcome measure, as plain text for a table."""

    groups: str
    estimate_name: str
    value: str
    ci: str
    p: str
    method: str
    note: str
    figure_id: str | None
    p_figure_id: str | None


def value_id(om: OutcomeMeasure, j: int) -> str:
    """Figure id of ``om.values[j]``."""
    return f"outcome.{om.id}.value_{j}"


def group_n_id(om: OutcomeMeasure, group_id: str) -> str:
    """Figure id of the number analysed in one group."""
    return f"outcome.{om.id}.n.{group_id}"


def analysis_id(om: OutcomeMeasure, j: int, part: str = "estimate") -> str:
    """Figure id of ``om.analyses[j]``'s estimate (``part="estimate"``) or p (``"p"``)."""
    return f"outcome.{om.id}.analysis_{j}.{part}"


def ordered_measures(evidence: Evidence) -> list[OutcomeMeasure]:
    """Outcome measures, primary first, then secondary and other, in record order."""
    return sorted(evidence.outcome_measures, key=lambda om: _ROLE_ORDER.get(om.role, 3))


def dispersion_level(dispersion: str | None) -> float | None:
    """The CI level a dispersion names ("95% Confidence Interval" → 0.95), else None."""
    if not dispersion:
        return None
    found = re.search(r"(\d+(?:\.\d+)?)\s*%\s*Confidence", dispersion, re.IGNORECASE)
    return float(found.group(1)) / 100 if found else None


def _interval_word(dispersion: str | None) -> str:
    """How a value's lower/upper pair is named, from the record's dispersion."""
    text = (dispersion or "").lower()
    level = dispersion_level(dispersion)
    if level is not None:
        return f"{level * 100:g}% CI"
    if "inter-quartile" in text or "interquartile" in text:
        return "IQR"
    if "range" in text:
        return "range"
    return "interval"


def _spread_word(dispersion: str | None) -> str:
    text = (dispersion or "").lower()
    if "standard deviation" in text:
        return "SD"
    if "standard error" in text:
        return "SE"
    return dispersion or "spread"


def _number(x: float | None, decimals: int | None) -> str:
    return "NA" if x is None else format_number(x, decimals)


def _spread_text(om: OutcomeMeasure, value: OutcomeValue, decimals: int | None) -> str:
    """The spread or interval exactly as the dispersion says, or "" when none."""
    if value.spread is not None:
        return f"{_spread_word(om.dispersion)} {format_number(value.spread, None)}"
    if value.lower is None and value.upper is None:
        return ""
    word = _interval_word(om.dispersion)
    return f"{word} {_number(value.lower, decimals)}–{_number(value.upper, decimals)}"


def measure_text(measure: Measure) -> str:
    """A measure's value with its qualifier ("<0.0001"), at its printed decimals."""
    sign = _QUALIFIERS.get(measure.qualifier or "", "")
    decimals = measure.decimals
    if decimals is None:
        return sign + f"{measure.value:.10g}"
    return sign + f"{measure.value:.{decimals}f}"


def ci_text(estimate: Measure | None, sides: int | None) -> str:
    """The estimate's CI with its own level and sides: "90% CI (2-sided) 0.79–1.55"."""
    if estimate is None or (estimate.lower is None and estimate.upper is None):
        return ""
    level = f"{estimate.level * 100:g}% CI" if estimate.level is not None else "CI"
    side = f" ({sides}-sided)" if sides in (1, 2) else ""
    lo = _number(estimate.lower, estimate.decimals)
    hi = _number(estimate.upper, estimate.decimals)
    return f"{level}{side} {lo}–{hi}"


def _group_label(om: OutcomeMeasure, group_id: str) -> str:
    try:
        return om.group(group_id).label
    except KeyError:
        return group_id


def _value_label(om: OutcomeMeasure, value: OutcomeValue) -> str:
    parts = [_group_label(om, value.group)]
    parts += [x for x in (value.class_label, value.category) if x]
    return f"{om.title}: {', '.join(parts)}"


def value_rows(om: OutcomeMeasure) -> list[ValueRow]:
    """One row per value: group, class, category, value, spread/interval, n, comment."""
    n_by_group = {g.id: g.n for g in om.groups}
    rows = []
    for j, value in enumerate(om.values):
        n = n_by_group.get(value.group)
        m = value.measure
        rows.append(
            ValueRow(
                group=_group_label(om, value.group),
                class_label=value.class_label or "",
                category=value.category or "",
                value="NA" if m is None else measure_text(m),
                spread=_spread_text(om, value, None if m is None else m.decimals),
                n="" if n is None else format_number(n.value, 0),
                comment=value.comment or "",
                figure_id=None if m is None else value_id(om, j),
                n_figure_id=None if n is None else group_n_id(om, value.group),
            )
        )
    return rows


def analysis_rows(om: OutcomeMeasure) -> list[AnalysisRow]:
    """One row per analysis: groups, estimate name, value, CI (level, sides), p, method."""
    rows = []
    for j, analysis in enumerate(om.analyses):
        est = analysis.estimate
        rows.append(
            AnalysisRow(
                groups=" vs ".join(_group_label(om, g) for g in analysis.groups)
                or (analysis.group_description or ""),
                estimate_name=analysis.estimate_name or "",
                value="" if est is None else measure_text(est),
                ci=ci_text(est, analysis.ci_sides),
                p="" if analysis.p is None else measure_text(analysis.p),
                method=analysis.method or "",
                note="; ".join(x for x in (analysis.non_inferiority, analysis.note) if x),
                figure_id=None if est is None else analysis_id(om, j),
                p_figure_id=None if analysis.p is None else analysis_id(om, j, "p"),
            )
        )
    return rows


def _analysis_label(om: OutcomeMeasure, analysis: OutcomeAnalysis, what: str) -> str:
    groups = " vs ".join(_group_label(om, g) for g in analysis.groups)
    return f"{om.title}: {what}" + (f" ({groups})" if groups else "")


def outcome_figures(evidence: Evidence) -> list[Figure]:
    """A figure for every number of every outcome measure, with the record as source."""
    out: list[Figure] = []
    for om in evidence.outcome_measures:
        unit = om.unit or None
        for group in om.groups:
            if group.n is not None:
                out.append(
                    from_measure(
                        evidence,
                        group.n,
                        id=group_n_id(om, group.id),
                        label=f"{om.title}: {group.label}, analysed",
                        topic=TOPIC,
                        unit="patients",
                    )
                )
        level = dispersion_level(om.dispersion)
        for j, value in enumerate(om.values):
            if value.measure is None:
                continue
            fig = from_measure(
                evidence, value.measure, id=value_id(om, j), label=_value_label(om, value),
                topic=TOPIC, unit=unit,
            )  # fmt: skip
            if value.lower is not None and value.upper is not None and fig.lower is None:
                word = _interval_word(om.dispersion)
                fig = _with_interval(fig, value.lower, value.upper, level, word)
            out.append(fig)
        for j, analysis in enumerate(om.analyses):
            if analysis.estimate is not None:
                name = analysis.estimate_name or "estimate"
                out.append(
                    from_measure(
                        evidence,
                        analysis.estimate,
                        id=analysis_id(om, j),
                        label=_analysis_label(om, analysis, name),
                        topic=TOPIC,
                    )
                )
            if analysis.p is not None:
                out.append(
                    from_measure(
                        evidence,
                        analysis.p,
                        id=analysis_id(om, j, "p"),
                        label=_analysis_label(om, analysis, "p value"),
                        topic=TOPIC,
                    )
                )
    return out


def _with_interval(
    fig: Figure, lower: float, upper: float, level: float | None, word: str
) -> Figure:
    from dataclasses import replace

    if level is not None:
        return replace(fig, lower=lower, upper=upper, level=level, interval="CI")
    return replace(fig, lower=lower, upper=upper, level=None, interval=word)
