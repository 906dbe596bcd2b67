"""The endpoints of a trial side by side: table rows, modelled curves, rates and effects.

Everything the Endpoints panel shows is computed here, as pure functions of a
:class:`~explorer.analysis.Summary`:

* :func:`endpoint_frame`: one row per endpoint (and per compared adverse event), with
  per-arm values, the effect with its CI, the risk difference, the p value, the
  row's worst provenance status and a provenance tooltip for every cell;
* :func:`model_survival_curves`: per arm, a piecewise-exponential survival curve
  through S(0) = 1, the reported landmark rates and the reported median. A model of
  the printed summary figures, clearly labelled as such, never Kaplan–Meier data;
* :func:`rate_comparison`: per-arm rates of a binary outcome with Wilson intervals
  on the reported (or reconstructed) counts;
* :func:`forest_data`: every ratio effect (hazard ratio, risk ratios) on the log
  scale, with the direction that favours the treatment arm stated per row and the
  interval clipped to a common window so one very wide interval cannot squash the
  others.

Nothing here imports Qt; the panel only binds and draws these results.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from explorer.evidence import TimeToEventEndpoint
from explorer.stats import binary

from .arms import comparison_pairs, displayed_arms, endpoint_pairs, primary_pair
from .comparisons import outcomes
from .figures import (
    DERIVED,
    RECONSTRUCTED,
    REPORTED,
    STATUS_MARKS,
    Figure,
    computed,
    format_number,
)
from .summary import Summary

__all__ = [
    "FOREST_CLIP",
    "ArmCurve",
    "ArmRate",
    "ForestData",
    "Mark",
    "PiecewiseExponential",
    "RateComparison",
    "SurvivalCurves",
    "endpoint_frame",
    "forest_data",
    "model_survival_curves",
    "piecewise_exponential",
    "rate_comparison",
    "worst_status",
]

_STATUS_RANK = {REPORTED: 0, DERIVED: 1, RECONSTRUCTED: 2}
_ROLE_RANK = {"primary": 0, "secondary": 1, "exploratory": 2, "safety": 3}
#: Width at which tooltip lines are wrapped (Qt shows plain-text tooltips unwrapped).
_TIP_WIDTH = 100
#: Ratio window of the forest plot: intervals reaching beyond it are drawn open-ended.
FOREST_CLIP = (0.1, 10.0)


def worst_status(statuses: Iterable[str]) -> str:
    """The least certain of ``statuses``: reconstructed > derived > reported.

    Examples
    --------
    >>> worst_status(["reported", "reconstructed", "derived"])
    'reconstructed'
    """
    ranked = [s for s in statuses if s in _STATUS_RANK]
    return max(ranked, key=_STATUS_RANK.__getitem__) if ranked else REPORTED


def _tip(figures: Sequence[Figure | None]) -> str:
    """A plain-text provenance tooltip: per figure its mark, id, value and provenance."""
    blocks = []
    for f in figures:
        if f is None:
            continue
        head = f"{STATUS_MARKS[f.status]} {f.id} ({f.status}): {f.formatted()}"
        body = textwrap.fill(f.provenance, _TIP_WIDTH) if f.provenance else ""
        blocks.append(f"{head}\n{body}" if body else head)
    return "\n\n".join(blocks)


def _mark(figures: Sequence[Figure | None]) -> str:
    """`` ◆``/`` ◇`` after a cell when any of its figures is not reported, else nothing."""
    status = worst_status(f.status for f in figures if f is not None)
    return "" if status == REPORTED else f" {STATUS_MARKS[status]}"


def _interval(f: Figure, *, with_level: bool, sep: str = "–") -> str:
    """``(95% CI 0.6–1.1)`` or ``(0.6–1.1)``; empty when ``f`` has no interval."""
    if f.lower is None or f.upper is None:
        return ""
    d = f.decimals
    lo, hi = format_number(f.lower, d), format_number(f.upper, d)
    if f.lower < 0 or f.upper < 0:
        sep = " to "
    level = f"{f.level * 100:g}% CI " if with_level and f.level else ""
    return f" ({level}{lo}{sep}{hi})"


def _ratio_text(kind: str, f: Figure, *, with_level: bool = True) -> str:
    """``HR 0.8 (95% CI 0.6–1.1)``: the effect at its printed precision."""
    return f"{kind} {format_number(f.value, f.decimals)}{_interval(f, with_level=with_level)}"


def _signed(value: float, decimals: int | None) -> str:
    text = format_number(value, decimals)
    return text if value <= 0 else f"+{text}"


def _rd_text(f: Figure, *, with_level: bool = True) -> str:
    """``+4.1 (95% CI −6.0 to 11.2)``: a risk difference in percentage points."""
    return f"{_signed(f.value, f.decimals)}{_interval(f, with_level=with_level, sep=' to ')}"


@dataclass(frozen=True)
class _Row:
    """What one table row is about: an endpoint, or an adverse event compared by arm."""

    prefix: str  # figure id prefix: "pfs", "orr", "ae.ae_grade_3_4"
    name: str
    kind: str  # "time_to_event" | "binary"
    role: str
    population: str
    note: str
    benefit_above_one: bool  # for the ratio: does > 1 favour the treatment arm?
    short: str = ""  # "PFS", "Grade 3-4 AEs": for plot labels
    # Format 1.2, several comparisons: the comparison's figure-id suffix (empty for the
    # primary one), its two arms (None: every arm is shown) and its name.
    suffix: str = ""
    arms: tuple[str, str] | None = None
    versus: str = ""


#: Longest short name (plot labels); longer names, e.g. registry titles, are cut.
SHORT_NAME_CHARS = 40


def _short_name(endpoint_id: str, name: str) -> str:
    """The usual abbreviation (``PFS``, ``ORR``) when the id is one, else the name (cut to
    :data:`SHORT_NAME_CHARS` with an ellipsis)."""
    if endpoint_id.isalpha() and len(endpoint_id) <= 4:
        return endpoint_id.upper()
    return name if len(name) <= SHORT_NAME_CHARS else name[: SHORT_NAME_CHARS - 1].rstrip() + "…"


def _short_ae(term: str, grade: str | None) -> str:
    """``Grade 3-4 AEs`` for "Adverse events" of grade 3-4; ``Grade 3 neutropenia``."""
    words = "AEs" if term.lower() == "adverse events" else term[:1].lower() + term[1:]
    return f"Grade {grade} {words}" if grade else term


def _rows(summary: Summary) -> list[_Row]:
    ev = summary.evidence
    rows: list[_Row] = []
    multi = not ev.is_two_arm and ev.has_control
    for ep in ev.endpoints:
        tte = isinstance(ep, TimeToEventEndpoint)
        note = " ".join(x for x in (getattr(ep, "assessment", None), ep.note) if x)
        base = _Row(
            prefix=ep.id,
            name=ep.name,
            kind=ep.kind,
            role=ep.role,
            population=ep.population,
            note=note,
            # A hazard ratio compares the rates of an unwanted event (progression,
            # death): below 1 favours the treatment. Binary endpoints here are
            # desirable outcomes (response, clinical benefit): above 1 favours it.
            benefit_above_one=not tte,
            short=_short_name(ep.id, ep.name),
        )
        if not multi:
            rows.append(base)
            continue
        # Several treatment arms: the first row shows every arm and the first
        # comparison; each further comparison gets a row of its own.
        pairs = endpoint_pairs(ev, ep) if tte else comparison_pairs(ev)
        for i, pair in enumerate(pairs):
            rows.append(
                replace(
                    base,
                    name=f"{ep.name} ({pair.label})",
                    short=f"{base.short}, {pair.treatment.label} vs {pair.control.label}",
                    suffix=pair.suffix,
                    arms=None if i == 0 else pair.key,
                    versus=pair.label,
                )
            )
        if not pairs:
            rows.append(base)
    for oc in outcomes(ev):
        if oc.desirable or _get(summary, f"{oc.prefix}.rr") is None:
            continue
        ae = ev.adverse_event(oc.prefix.removeprefix("ae."))
        if not ae.is_graded:
            continue  # registry serious/other events: listed in the safety panel only
        rows.append(
            _Row(
                prefix=oc.prefix,
                name=oc.label,
                kind="binary",
                role="safety",
                population=ae.population,
                note=ae.note or "",
                benefit_above_one=False,
                short=_short_ae(ae.term, ae.grade),
            )
        )
    return rows


def _get(summary: Summary, id: str) -> Figure | None:
    """The figure ``id`` of ``summary``, or ``None`` when it was not reported or derived."""
    try:
        return summary.figure(id)
    except KeyError:
        return None


def _population_text(summary: Summary, pop_id: str) -> tuple[str, float | None, Figure | None]:
    pop = summary.evidence.population(pop_id)
    total = _get(summary, f"population.{pop_id}.total")
    if total is not None and total.value is not None:
        return f"{pop.label} (n = {format_number(total.value)})", total.value, total
    return pop.label, None, None


def _arm_cell(summary: Summary, row: _Row, arm_id: str) -> dict[str, object]:
    """Display text, raw value, main figure id, status and tooltip of one arm's cell."""
    p = row.prefix
    if row.kind == "time_to_event":
        median = _get(summary, f"{p}.median.{arm_id}")
        landmarks = [
            f
            for f in summary.figures
            if f.id.startswith(f"{p}.landmark_")
            and f.id.endswith(f".{arm_id}")
            and "_from_" not in f.id
        ]
        figs = [median, *landmarks]
        if median is not None:
            text = median.formatted()
        elif landmarks:
            text = landmarks[0].formatted()
        else:
            text = None
        raw = median.value if median is not None else None
        main = median or (landmarks[0] if landmarks else None)
    else:
        percent = _get(summary, f"{p}.percent.{arm_id}")
        count = _get(summary, f"{p}.count.{arm_id}")
        size = _arm_size(summary, p, arm_id, count)
        figs = [percent, count, size]
        parts = []
        if percent is not None:
            parts.append(percent.formatted())
        if count is not None and size is not None:
            counts = f"{format_number(count.value)}/{format_number(size.value)}"
            parts.append(f"({counts}{_mark([count, size])})")
        elif count is not None:
            parts.append(f"({format_number(count.value)}{_mark([count])})")
        text = " ".join(parts) if parts else None
        if percent is not None:
            raw = percent.value
        elif count is not None and size is not None and size.value:
            raw = 100 * count.value / size.value
        else:
            raw = None
        main = percent or count
    present = [f for f in figs if f is not None]
    return {
        "text": text,
        "raw": raw,
        "figure": main.id if main is not None else None,
        "status": worst_status(f.status for f in present) if present else None,
        "tip": _tip(present),
        "figures": tuple(f.id for f in present),
    }


def _arm_size(summary: Summary, prefix: str, arm_id: str, count: Figure | None) -> Figure | None:
    """The denominator of a count: reported, or the arm size a reconstruction used."""
    size = _get(summary, f"{prefix}.n.{arm_id}")
    if size is None and count is not None and count.inputs:
        size = _get(summary, count.inputs[-1])
    return size


_QUALIFIER_SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _p_qualifiers(ev) -> dict[str, str]:
    """Qualifiers of reported p values by figure id ("p < 0.0001" keeps its "<")."""
    out: dict[str, str] = {}
    for ep in ev.endpoints:
        if not isinstance(ep, TimeToEventEndpoint):
            continue
        for i, effect in enumerate(ep.effects):
            if effect.p is None or not effect.p.qualifier:
                continue
            if i == 0 and ep.effect is not None:
                out[f"{ep.id}.p"] = effect.p.qualifier
            elif effect.treatment and effect.control:
                out[f"{ep.id}.p.{effect.treatment}_vs_{effect.control}"] = effect.p.qualifier
    return out


def endpoint_frame(summary: Summary) -> pd.DataFrame:
    """One row per endpoint, and per adverse event compared between arms, for a table.

    Parameters
    ----------
    summary : Summary
        The trial's figures (:func:`explorer.analysis.summarize`).

    Returns
    -------
    pandas.DataFrame
        Columns, per row:

        * ``endpoint_id`` (figure id prefix: ``pfs``, ``orr``, ``ae.<id>``), ``kind``
          (``time_to_event`` / ``binary``), ``endpoint``, ``short`` (``PFS``, for plot
          labels), ``endpoint_tip``, ``role``
          (``primary`` / ``secondary`` / ``safety``), ``role_rank``, ``population``,
          ``population_n``, ``population_tip``;
        * per arm id ``a`` (treatment first): ``arm.<a>`` (median with CI, or rate
          with counts/n), ``arm.<a>.value`` (months or %), ``arm.<a>.figure``,
          ``arm.<a>.status``, ``arm.<a>.tip``;
        * ``effect`` (``HR 0.8 (0.6–1.1)``; RR for binary outcomes),
          ``effect_kind``, ``effect_value``, ``effect_lower``, ``effect_upper``,
          ``effect_level``, ``effect_figure``, ``effect_tip``, ``favours``
          (which side of 1 favours the treatment arm);
        * ``rd`` (risk difference in percentage points, binary rows:
          ``+4.1 (−6.0 to 11.2) ◇``), ``rd_value``,
          ``rd_figure``, ``rd_tip``;
        * ``p`` (reported p; for binary rows Fisher's exact p on the counts, with its
          mark), ``p_value``, ``p_kind``, ``p_figure``, ``p_tip``;
        * ``status`` (worst status of the row's figures), ``provenance`` (every
          figure of the row), ``figure_id`` (the row's main effect figure, e.g.
          ``pfs.hr``), ``figures`` (tuple of all its figure ids).

        ``frame.attrs["ci_level"]`` is the level every effect and difference interval
        shares (e.g. 0.95), for the column headers; when levels differ it is ``None``
        and each cell names its own level.

    Notes
    -----
    The risk ratio is the binary rows' effect (it goes on the same log-ratio forest
    plot as the hazard ratio); the risk difference, the absolute effect a clinician
    weighs, is shown beside it. For PALMIRA every binary comparison rests on counts
    reconstructed from the printed percentages, so their effects and p values are
    marked ◇.
    """
    ev = summary.evidence
    arms = list(displayed_arms(ev))
    pair = primary_pair(ev)
    qualifiers = _p_qualifiers(ev)
    records = []
    for row in _rows(summary):
        treat_label = (
            ev.arm(row.arms[0]).label
            if row.arms
            else pair.treatment.label
            if pair is not None
            else ""
        )
        rec: dict[str, object] = {
            "endpoint_id": row.prefix,
            "kind": row.kind,
            "endpoint": row.name,
            "short": row.short,
            "endpoint_tip": row.note or row.name,
            "role": row.role,
            "role_rank": _ROLE_RANK.get(row.role, len(_ROLE_RANK)),
        }
        pop_text, pop_n, pop_fig = _population_text(summary, row.population)
        rec.update(
            population=pop_text,
            population_n=pop_n,
            population_tip=_tip([pop_fig]) if pop_fig is not None else pop_text,
        )
        row_figs: list[Figure] = []
        for arm in arms:
            if row.arms is not None and arm.id not in row.arms:
                cell = {"text": None, "raw": None, "figure": None, "status": None,
                        "tip": "", "figures": ()}  # fmt: skip
            else:
                cell = _arm_cell(summary, row, arm.id)
            key = f"arm.{arm.id}"
            rec[key] = cell["text"]
            rec[f"{key}.value"] = cell["raw"]
            rec[f"{key}.figure"] = cell["figure"]
            rec[f"{key}.status"] = cell["status"]
            rec[f"{key}.tip"] = cell["tip"]
            row_figs += [summary.figure(i) for i in cell["figures"]]

        kind = "HR" if row.kind == "time_to_event" else "RR"
        effect = _get(summary, f"{row.prefix}.{kind.lower()}{row.suffix}")
        rec.update(
            comparison=row.versus or None,
            _effect=effect,
            effect_kind=kind if effect is not None else None,
            effect_value=None if effect is None else effect.value,
            effect_lower=None if effect is None else effect.lower,
            effect_upper=None if effect is None else effect.upper,
            effect_level=None if effect is None else effect.level,
            effect_figure=None if effect is None else effect.id,
            effect_tip=_tip([effect]),
            favours=(
                f"{'>' if row.benefit_above_one else '<'}1 favours {treat_label}"
                if effect is not None
                else None
            ),
        )
        rd = _get(summary, f"{row.prefix}.rd{row.suffix}") if row.kind == "binary" else None
        rec.update(
            _rd=rd,
            rd_value=None if rd is None else rd.value,
            rd_figure=None if rd is None else rd.id,
            rd_tip=_tip([rd]),
        )
        if row.kind == "time_to_event":
            p, p_kind = _get(summary, f"{row.prefix}.p{row.suffix}"), "reported"
        else:
            p, p_kind = _get(summary, f"{row.prefix}.fisher_p{row.suffix}"), "Fisher exact"
        p_text = None
        if p is not None:
            p_text = _QUALIFIER_SIGNS.get(qualifiers.get(p.id, ""), "") + format_number(
                p.value, p.decimals
            )
            if p.status != REPORTED:
                p_text += f"{_mark([p])} {p_kind}"
        rec.update(
            p=p_text,
            p_value=None if p is None else p.value,
            p_kind=p_kind if p is not None else None,
            p_figure=None if p is None else p.id,
            p_tip=_tip([p]),
        )
        row_figs += [f for f in (effect, rd, p) if f is not None]
        if pop_fig is not None:
            row_figs.insert(0, pop_fig)
        unique = list(dict.fromkeys(row_figs))
        main = effect or p or (unique[0] if unique else None)
        rec.update(
            status=worst_status(f.status for f in unique),
            provenance=_tip(unique),
            figure_id=main.id if main is not None else None,
            figures=tuple(f.id for f in unique),
        )
        records.append(rec)
    # The CI level goes in the column header when every interval shares it.
    levels = {f.level for rec in records for f in (rec["_effect"], rec["_rd"]) if f is not None}
    common = levels.pop() if len(levels) == 1 else None
    for rec in records:
        effect, rd = rec.pop("_effect"), rec.pop("_rd")
        with_level = common is None
        rec["effect"] = (
            None
            if effect is None
            else _ratio_text(rec["effect_kind"], effect, with_level=with_level) + _mark([effect])
        )
        rec["rd"] = None if rd is None else _rd_text(rd, with_level=with_level) + _mark([rd])
    frame = pd.DataFrame.from_records(records)
    frame.attrs["ci_level"] = common
    return frame


# -- modelled survival curves ---------------------------------------------------------


@dataclass(frozen=True)
class PiecewiseExponential:
    """A survival curve with constant hazard between knots.

    Attributes
    ----------
    knot_time : numpy.ndarray
        Increasing knot times, starting at 0.
    knot_survival : numpy.ndarray
        Survival at the knots (proportions), starting at 1, non-increasing.
    hazard : numpy.ndarray
        Hazard on each segment between knots (one fewer than knots); the last one
        continues beyond the last knot.
    """

    knot_time: np.ndarray
    knot_survival: np.ndarray
    hazard: np.ndarray

    def survival_at(self, t: float | np.ndarray) -> np.ndarray:
        """Survival at ``t`` (proportion); exactly the knot value at a knot."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        kt, ks = self.knot_time, self.knot_survival
        seg = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, len(kt) - 1)
        # Beyond the last knot the last hazard continues; at the last knot seg points
        # at it, and its "next" hazard is the last segment's.
        haz = self.hazard[np.minimum(seg, len(self.hazard) - 1)] if len(self.hazard) else 0.0
        out = ks[seg] * np.exp(-haz * (t - kt[seg]))
        exact = np.isin(t, kt)
        out[exact] = ks[np.searchsorted(kt, t[exact])]
        return out


def piecewise_exponential(
    times: Sequence[float], survival: Sequence[float]
) -> tuple[PiecewiseExponential, tuple[str, ...]]:
    """A piecewise-exponential curve through S(0) = 1 and the points ``(times, survival)``.

    Parameters
    ----------
    times : sequence of float
        Times of the known points (any order; 0 is added).
    survival : sequence of float
        Survival at those times, as proportions in (0, 1].

    Returns
    -------
    curve : PiecewiseExponential
        The knots in time order with the hazard of every segment.
    dropped : tuple of str
        Points that were left out, and why (outside (0, 1], or above an earlier point,
        which no survival curve can pass through).

    Notes
    -----
    Between knots (t₀, S₀) and (t₁, S₁) the hazard is λ = ln(S₀ / S₁) / (t₁ − t₀), so
    S(t) = S₀ · exp(−λ (t − t₀)): a straight line on the log-survival scale. Points
    are ordered by time first, so a median that falls after a landmark (or before it)
    is handled alike. Beyond the last knot the last segment's hazard continues.

    Examples
    --------
    PALMIRA, P+ET: median 4.2 months, 6-month rate 40.9%:

    >>> curve, dropped = piecewise_exponential([6.0, 4.2], [0.409, 0.5])
    >>> curve.knot_time.tolist(), curve.knot_survival.tolist()
    ([0.0, 4.2, 6.0], [1.0, 0.5, 0.409])
    >>> float(curve.survival_at(6.0)[0]), dropped
    (0.409, ())
    """
    points = sorted(zip(times, survival, strict=True), key=lambda p: p[0])
    kt, ks, dropped = [0.0], [1.0], []
    for t, s in points:
        where = f"S({format_number(t)}) = {_percent(s)}"
        if not (t > 0 and 0 < s <= 1):
            dropped.append(f"{where}: outside the range a survival curve can take")
            continue
        if t == kt[-1]:
            if s != ks[-1]:
                dropped.append(f"{where}: another point at the same time has another value")
            continue
        if s > ks[-1]:
            dropped.append(f"{where}: above an earlier point, so no survival curve fits both")
            continue
        kt.append(float(t))
        ks.append(float(s))
    kt_a, ks_a = np.array(kt), np.array(ks)
    hazard = np.log(ks_a[:-1] / ks_a[1:]) / np.diff(kt_a)
    return PiecewiseExponential(kt_a, ks_a, hazard), tuple(dropped)


@dataclass(frozen=True)
class Mark:
    """A reported point a modelled curve passes through (a median or a landmark rate)."""

    time: float
    percent: float
    figure_id: str
    lower: float | None = None  # CI of the median, in time units
    upper: float | None = None
    level: float | None = None
    label: str = ""


@dataclass(frozen=True)
class ArmCurve:
    """One arm's modelled survival curve and the reported points it passes through.

    ``time`` and ``survival`` (proportion) cover 0 to the plot horizon; the part up
    to ``last_knot`` is interpolated between reported points, the rest extrapolated
    with the last hazard. ``median`` and ``landmarks`` are the reported points.
    """

    arm_id: str
    arm_label: str
    time: np.ndarray
    survival: np.ndarray
    model: PiecewiseExponential
    last_knot: float
    median: Mark | None
    landmarks: tuple[Mark, ...]
    description: str
    dropped: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    status: str = DERIVED

    @property
    def percent(self) -> np.ndarray:
        """``100 × survival``, as plotted."""
        return 100.0 * self.survival

    def interpolated(self) -> tuple[np.ndarray, np.ndarray]:
        """``(time, percent)`` from 0 to the last reported point."""
        keep = self.time <= self.last_knot
        return self.time[keep], self.percent[keep]

    def extrapolated(self) -> tuple[np.ndarray, np.ndarray]:
        """``(time, percent)`` from the last reported point on (last hazard continued)."""
        keep = self.time >= self.last_knot
        return self.time[keep], self.percent[keep]

    def survival_at(self, t: float | np.ndarray) -> np.ndarray:
        """Modelled survival (proportion) at ``t``."""
        return self.model.survival_at(t)


@dataclass(frozen=True)
class SurvivalCurves:
    """Modelled curves of one time-to-event endpoint, with what a plot needs to say."""

    endpoint_id: str
    endpoint_name: str
    title: str
    method: str
    x_label: str
    y_label: str
    t_max: float
    arms: tuple[ArmCurve, ...] = field(default_factory=tuple)


def _percent(proportion: float) -> str:
    """``40.9%``, ``50%``, ``100%``: a proportion as a percentage, one decimal at most."""
    return f"{100 * proportion:.1f}".rstrip("0").rstrip(".") + "%"


def _landmark_words(times: Sequence[float], unit: str) -> str:
    """``6-month`` or ``6- and 12-month``."""
    unit1 = unit.removesuffix("s")
    texts = [format_number(t) for t in times]
    if len(texts) == 1:
        return f"{texts[0]}-{unit1}"
    return ", ".join(f"{t}-" for t in texts[:-1]) + f" and {texts[-1]}-{unit1}"


def _y_label(name: str) -> str:
    """``Progression-free (%)`` for progression-free survival, ``Alive (%)`` for OS."""
    low = name.lower()
    if low == "overall survival":
        return "Alive (%)"
    if low.endswith(" survival"):
        return f"{name[: -len(' survival')]} (%)"
    if len(name) > 40:
        # Registry titles can run to a paragraph: an axis label says only what it plots.
        return "Event-free (%)"
    return f"Event-free: {name} (%)"


def model_survival_curves(
    summary: Summary, endpoint_id: str, *, t_max: float | None = None, points: int = 241
) -> SurvivalCurves:
    """Per-arm survival curves modelled from the reported medians and landmark rates.

    Parameters
    ----------
    summary : Summary
        The trial's figures.
    endpoint_id : str
        A time-to-event endpoint, e.g. ``"pfs"``.
    t_max : float, optional
        Horizon of the curves. By default 1.5 × the last reported time point or the
        median follow-up, whichever is later, rounded up to a multiple of 3.
    points : int
        Grid points over [0, t_max]; the reported times are always added exactly.

    Returns
    -------
    SurvivalCurves
        Arrays per arm, the reported points, a title that says these are model
        curves and a ``method`` string naming the model and its inputs.

    Notes
    -----
    Each arm's curve is :func:`piecewise_exponential` through S(0) = 1, every
    reported landmark rate S(tₖ) and the median S(median) = 0.5, in time order.
    Abstracts print no Kaplan–Meier curve; this shows only what the printed figures
    imply under constant hazards between them, so it passes exactly through every
    reported point and says nothing about the shape in between.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> curves = model_survival_curves(summarize(load_bundled()), "pfs")
    >>> [round(float(a.survival_at(6.0)[0]), 3) for a in curves.arms]
    [0.409, 0.286]
    """
    ev = summary.evidence
    ep = ev.endpoint(endpoint_id)
    if not isinstance(ep, TimeToEventEndpoint):
        raise ValueError(f"{endpoint_id!r} is not a time-to-event endpoint")
    arms = list(displayed_arms(ev))
    lm_times = [lm.time for lm in ep.landmarks]
    lm_words = _landmark_words(lm_times, ep.landmarks[0].unit) if lm_times else ""
    source = "medians" + (f" and {lm_words} rates" if lm_words else "")
    title = f"Model curves from reported {source} (not Kaplan–Meier data)"

    built = []
    for arm in arms:
        median = _get(summary, f"{endpoint_id}.median.{arm.id}")
        times, surv, inputs, marks = [], [], [], []
        med_mark = None
        if median is not None and median.value:
            times.append(median.value)
            surv.append(0.5)
            inputs.append(median.id)
            med_mark = Mark(
                time=median.value,
                percent=50.0,
                figure_id=median.id,
                lower=median.lower,
                upper=median.upper,
                level=median.level,
                label=f"median {median.formatted()}",
            )
        for lm in ep.landmarks:
            rate = _get(summary, f"{endpoint_id}.landmark_{format_number(lm.time)}.{arm.id}")
            if rate is None or rate.value is None:
                continue
            times.append(lm.time)
            # The printed percentage as a proportion at its printed precision: 28.6% → 0.286
            # exactly (28.6 / 100 is 0.28600000000000003 in binary floating point).
            decimals = rate.decimals + 2 if rate.decimals is not None else 12
            surv.append(round(rate.value / 100.0, decimals))
            inputs.append(rate.id)
            marks.append(
                Mark(
                    time=lm.time,
                    percent=rate.value,
                    figure_id=rate.id,
                    label=f"{_landmark_words([lm.time], lm.unit)} rate {rate.formatted()}",
                )
            )
        if not times:
            continue
        model, dropped = piecewise_exponential(times, surv)
        built.append((arm, model, dropped, med_mark, tuple(marks), tuple(inputs)))

    last = max((float(m.knot_time[-1]) for _, m, *_ in built), default=0.0)
    if t_max is None:
        follow = _get(summary, "design.median_follow_up")
        horizon = 1.5 * last
        if follow is not None and follow.value and follow.unit == ep.unit:
            horizon = max(horizon, follow.value)
        t_max = 3.0 * math.ceil(horizon / 3.0) if horizon > 0 else 12.0
    grid = np.linspace(0.0, t_max, points)

    curves = []
    for arm, model, dropped, med_mark, marks, inputs in built:
        t = np.union1d(grid, model.knot_time[model.knot_time <= t_max])
        s = model.survival_at(t)
        knots = ", ".join(
            f"S({format_number(kt)}) = {_percent(ks)}"
            for kt, ks in zip(model.knot_time, model.knot_survival, strict=True)
        )
        hazards = ", ".join(f"{h:.3f}" for h in model.hazard)
        description = (
            f"{arm.label}: through {knots}; hazard per {ep.unit.removesuffix('s')} "
            f"between them {hazards}"
            + (
                f", continued beyond {format_number(model.knot_time[-1])} {ep.unit}"
                if hazards
                else ""
            )
        )
        if dropped:
            description += "; left out: " + "; ".join(dropped)
        statuses = [summary.figure(i).status for i in inputs]
        curves.append(
            ArmCurve(
                arm_id=arm.id,
                arm_label=arm.label,
                time=t,
                survival=s,
                model=model,
                last_knot=float(model.knot_time[-1]),
                median=med_mark,
                landmarks=marks,
                description=description,
                dropped=dropped,
                inputs=inputs,
                status=RECONSTRUCTED if RECONSTRUCTED in statuses else DERIVED,
            )
        )
    method = (
        "Piecewise-exponential model per arm: constant hazard between S(0) = 100%, the "
        f"reported {source.replace('medians', 'median')} (the median is where S = 50%), "
        "joined in time order; beyond the last reported point the last hazard continues "
        "(dashed). It passes exactly through the printed figures and is not Kaplan–Meier "
        "data. " + " ".join(f"{c.description}." for c in curves)
    )
    if not curves:
        title = "No median or landmark rate is reported (no curve can be modelled)"
        method = (
            "No arm has a reported median or landmark rate for this endpoint, so there is "
            "nothing to model; its effect is in the table and the forest plot."
        )
    return SurvivalCurves(
        endpoint_id=endpoint_id,
        endpoint_name=ep.name,
        title=title,
        method=method,
        x_label=f"{ep.unit.capitalize()} since randomisation",
        y_label=_y_label(ep.name),
        t_max=float(t_max),
        arms=tuple(curves),
    )


# -- binary outcomes: rates with Wilson intervals ---------------------------------------


@dataclass(frozen=True)
class ArmRate:
    """One arm's rate of a binary outcome with its Wilson interval.

    ``percent`` is the rate plotted: the reported percentage when there is one (the
    Wilson interval is computed on ``count``/``n``, which round to it), else
    100 × count / n. ``lower``/``upper`` are in percent, ``None`` without counts.
    """

    arm_id: str
    arm_label: str
    percent: float
    percent_figure: str | None
    count: float | None
    n: float | None
    lower: float | None
    upper: float | None
    level: float
    status: str
    interval: Figure | None

    @property
    def counts_text(self) -> str:
        """``6/94`` or an empty string."""
        if self.count is None or self.n is None:
            return ""
        return f"{format_number(self.count)}/{format_number(self.n)}"


@dataclass(frozen=True)
class RateComparison:
    """Per-arm rates of one binary outcome, for a dot-and-whisker plot."""

    endpoint_id: str
    name: str
    title: str
    x_label: str
    method: str
    arms: tuple[ArmRate, ...]
    #: The between-arm comparison, one item a line: ``("P+ET vs ET ◇", "difference +4.1
    #: points (95% CI −6.0 to 11.2)", "RR 2.81 (95% CI 0.35–22.63)", "Fisher p = 0.430")``.
    comparison: tuple[str, ...] = ()


def rate_comparison(summary: Summary, prefix: str, *, level: float = 0.95) -> RateComparison:
    """Per-arm rates of the binary outcome ``prefix`` with Wilson score intervals.

    Parameters
    ----------
    summary : Summary
        The trial's figures.
    prefix : str
        Figure id prefix of a binary endpoint (``"orr"``) or adverse event
        (``"ae.ae_grade_3_4"``).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    RateComparison
        Per arm the rate, its counts and the Wilson interval (as a derived or
        reconstructed :class:`Figure`, status following the counts).

    Notes
    -----
    The interval is :func:`explorer.stats.binary.proportion_ci` (Wilson score,
    as R ``prop.test(k, n, correct = FALSE)``) on the counts; when the counts were
    reconstructed from printed percentages it is marked reconstructed. The plotted
    point is the printed percentage: by construction the reconstructed k/n rounds
    to it (6/94 = 6.38% → 6.4%), so the two differ by less than the printed precision.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> r = rate_comparison(summarize(load_bundled()), "orr")
    >>> [(a.percent, a.counts_text, round(a.lower, 1), round(a.upper, 1)) for a in r.arms]
    [(6.4, '6/94', 3.0, 13.2), (2.3, '1/44', 0.4, 11.8)]
    """
    ev = summary.evidence
    arms = list(displayed_arms(ev))
    row = next((r for r in _rows(summary) if r.prefix == prefix), None)
    if row is None or row.kind != "binary":
        raise ValueError(f"{prefix!r} is not a binary endpoint or compared adverse event")
    pop_text, _, _ = _population_text(summary, row.population)
    out = []
    for arm in arms:
        percent = _get(summary, f"{prefix}.percent.{arm.id}")
        count = _get(summary, f"{prefix}.count.{arm.id}")
        size = _arm_size(summary, prefix, arm.id, count)
        interval = None
        lower = upper = None
        has_counts = bool(
            count is not None and size is not None and size.value and 0 <= count.value <= size.value
        )
        if has_counts:
            k, n = int(count.value), int(size.value)
            ci = binary.proportion_ci(k, n, level=level)
            lower, upper = 100 * ci.lower, 100 * ci.upper
            interval = computed(
                id=f"{prefix}.wilson.{arm.id}",
                label=f"{row.name}: {arm.label}, {level:.0%} Wilson interval",
                value=100 * ci.estimate,
                unit="%",
                method=f"Wilson score interval on {k}/{n} (as R prop.test, no continuity "
                "correction)",
                inputs=[f for f in (count, size) if f is not None],
                topic=row.prefix,
                lower=lower,
                upper=upper,
                level=level,
                decimals=1,
            )
        if percent is not None:
            value = percent.value
        elif has_counts:
            value = 100 * count.value / size.value
        else:
            continue
        figs = [f for f in (percent, interval) if f is not None]
        out.append(
            ArmRate(
                arm_id=arm.id,
                arm_label=arm.label,
                percent=float(value),
                percent_figure=percent.id if percent is not None else None,
                count=count.value if has_counts else None,
                n=size.value if has_counts else None,
                lower=lower,
                upper=upper,
                level=level,
                status=worst_status(f.status for f in figs),
                interval=interval,
            )
        )
    rebuilt = [a for a in out if a.interval is not None and a.interval.status == RECONSTRUCTED]
    method = (
        f"Points: the printed percentages. Whiskers: {level:.0%} Wilson score intervals on "
        + ", ".join(f"{a.arm_label} {a.counts_text}" for a in out if a.counts_text)
        + "."
        if any(a.counts_text for a in out)
        else "Points: the printed percentages (no counts known, so no intervals)."
    )
    if rebuilt:
        method += (
            " The counts are reconstructed from the printed percentages (◇): the "
            "denominators were not reported."
        )
    parts = []
    rd, rr, fp = (_get(summary, f"{prefix}.{x}") for x in ("rd", "rr", "fisher_p"))
    if rd is not None:
        rd_ci = _interval(rd, with_level=True, sep=" to ")
        parts.append(f"difference {_signed(rd.value, rd.decimals)} points{rd_ci}")
    if rr is not None:
        parts.append(_ratio_text("RR", rr))
    if fp is not None:
        p_text = format_number(fp.value, fp.decimals)
        parts.append(f"Fisher p {p_text}" if p_text.startswith("<") else f"Fisher p = {p_text}")
    comparison: tuple[str, ...] = ()
    if parts:
        pair = primary_pair(ev)
        versus = pair.label if pair is not None else ""
        mark = _mark([f for f in (rd, rr, fp) if f is not None])
        comparison = (f"{versus}{mark}", *parts)
    return RateComparison(
        comparison=comparison,
        endpoint_id=prefix,
        name=row.name,
        title=f"{row.name} — {pop_text}",
        x_label="% of patients",
        method=method,
        arms=tuple(out),
    )


# -- forest plot ------------------------------------------------------------------------


@dataclass(frozen=True)
class ForestData:
    """Ratio effects on the log scale, one row per endpoint, ready to plot.

    Arrays are aligned by row (row 0 first, drawn at the top). ``x`` is the log of
    the ratio; ``x_lower``/``x_upper`` the log CI bounds clipped to ``clip``;
    ``lower_clipped``/``upper_clipped`` say where an interval runs beyond the
    window (drawn open-ended with an arrow). ``benefit_above_one`` says per row
    which side of 1 favours the treatment arm.
    """

    endpoint_ids: tuple[str, ...]
    labels: tuple[str, ...]
    kinds: tuple[str, ...]
    figure_ids: tuple[str, ...]
    statuses: tuple[str, ...]
    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    x: np.ndarray
    x_lower: np.ndarray
    x_upper: np.ndarray
    lower_clipped: np.ndarray
    upper_clipped: np.ndarray
    benefit_above_one: np.ndarray
    texts: tuple[str, ...]
    directions: tuple[str, ...]
    treatment_label: str
    control_label: str
    clip: tuple[float, float]
    level: float

    def __len__(self) -> int:
        return len(self.labels)

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (for export or a table)."""
        return pd.DataFrame(
            {
                "endpoint_id": self.endpoint_ids,
                "label": self.labels,
                "kind": self.kinds,
                "figure_id": self.figure_ids,
                "status": self.statuses,
                "estimate": self.estimate,
                "lower": self.lower,
                "upper": self.upper,
                "text": self.texts,
                "direction": self.directions,
            }
        )


def forest_data(summary: Summary, *, clip: tuple[float, float] = FOREST_CLIP) -> ForestData:
    """Every ratio effect of the trial, for a forest plot on a log-ratio axis.

    Parameters
    ----------
    summary : Summary
        The trial's figures.
    clip : (float, float)
        Ratio window; interval ends beyond it are clipped (and flagged).

    Returns
    -------
    ForestData
        The hazard ratio of every time-to-event endpoint, the risk ratio of every
        binary endpoint and compared adverse event, in table order; rows without a
        ratio and a CI are left out.

    Notes
    -----
    Directions differ by row and are stated per row: a hazard ratio (of progression
    or death) and a risk ratio of an adverse event favour the treatment arm below 1;
    a risk ratio of a desirable outcome (response, clinical benefit) favours it
    above 1.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> f = forest_data(summarize(load_bundled()))
    >>> f.figure_ids
    ('pfs.hr', 'orr.rr', 'cbr.rr', 'ae.ae_grade_3_4.rr')
    >>> bool(f.upper_clipped[1]), f.directions[0], f.directions[1]
    (True, '<1 favours P+ET', '>1 favours P+ET')
    """
    frame = endpoint_frame(summary)
    ev = summary.evidence
    pair = primary_pair(ev)
    # Several treatment arms: each row names its own; the axis speaks of "treatment".
    treat = pair.treatment.label if pair is not None and ev.is_two_arm else "treatment"
    rows = []
    for rec in frame.itertuples(index=False):
        fid = rec.effect_figure
        if not isinstance(fid, str):
            continue
        f = summary.figure(fid)
        if not (f.value and f.lower and f.upper and f.value > 0 and f.lower > 0):
            continue
        rows.append((rec, f))
    lo_clip, hi_clip = (math.log(c) for c in clip)
    est = np.array([f.value for _, f in rows], dtype=float)
    lower = np.array([f.lower for _, f in rows], dtype=float)
    upper = np.array([f.upper for _, f in rows], dtype=float)
    log_lower, log_upper = np.log(lower), np.log(upper)
    above = np.array([rec.favours.startswith(">") for rec, _ in rows], dtype=bool)
    levels = {f.level for _, f in rows if f.level}
    return ForestData(
        endpoint_ids=tuple(rec.endpoint_id for rec, _ in rows),
        labels=tuple(f"{rec.short}, {rec.effect_kind}" for rec, _ in rows),
        kinds=tuple(rec.effect_kind for rec, _ in rows),
        figure_ids=tuple(f.id for _, f in rows),
        statuses=tuple(f.status for _, f in rows),
        estimate=est,
        lower=lower,
        upper=upper,
        x=np.log(est),
        x_lower=np.clip(log_lower, lo_clip, hi_clip),
        x_upper=np.clip(log_upper, lo_clip, hi_clip),
        lower_clipped=log_lower < lo_clip,
        upper_clipped=log_upper > hi_clip,
        benefit_above_one=above,
        texts=tuple(
            f"{format_number(f.value, f.decimals)} ({format_number(f.lower, f.decimals)}"
            f"–{format_number(f.upper, f.decimals)}){_mark([f])}"
            for _, f in rows
        ),
        directions=tuple(rec.favours for rec, _ in rows),
        treatment_label=treat,
        control_label=pair.control.label if pair is not None else "",
        clip=clip,
        level=levels.pop() if len(levels) == 1 else 0.95,
    )
