"""The bottom line in plain language, with every number tied to its figure.

:func:`overview` turns a :class:`~explorer.analysis.Summary` into a few statements a
clinician can read out: the effect on the primary endpoint with its uncertainty,
the absolute difference at the landmark, the difference in grade 3–4 toxicity, the
secondary endpoints, and what the design could and could not detect. Each
statement is a sequence of plain text and :class:`FigureRef` pieces, so a view can
render every number as a link to its panel without treating file text as markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from explorer.evidence import Arm, Evidence, TimeToEventEndpoint

from .arms import (
    comparison_pairs,
    effect_pair,
    endpoint_pairs,
    primary_outcome_title,
    primary_pair,
)
from .figures import Figure, format_number
from .summary import Summary


@dataclass(frozen=True)
class FigureRef:
    """A number inside a statement: the text shown and the figure it stands for."""

    figure_id: str
    text: str


Piece = str | FigureRef


@dataclass(frozen=True)
class Statement:
    """One plain-language statement: a heading and its pieces."""

    id: str
    heading: str
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        """The statement as plain text (numbers inline)."""
        return "".join(p if isinstance(p, str) else p.text for p in self.pieces)

    @property
    def figure_ids(self) -> tuple[str, ...]:
        return tuple(p.figure_id for p in self.pieces if isinstance(p, FigureRef))


def _ref(f: Figure, text: str | None = None) -> FigureRef:
    return FigureRef(f.id, text if text is not None else f.formatted())


def _value(f: Figure) -> str:
    return format_number(f.value, f.decimals)


def overview(summary: Summary) -> list[Statement]:
    """The statements that apply to ``summary``, most important first.

    Two-arm trials get the effect, absolute differences, toxicity, response and design.
    Format 1.2 evidence may lack parts: several treatment arms (each comparison of the
    primary endpoint is stated; absolute differences for every comparison with rates),
    a single group (no comparison: said plainly), no primary endpoint (the registry
    outcome measure named primary, or a plain statement) and no sample-size
    calculation (said, instead of a design statement).
    """
    out: list[Statement] = []
    ev = summary.evidence
    get = {f.id: f for f in summary.figures}.get
    primary = ev.primary_endpoint
    pair = primary_pair(ev)
    pairs = comparison_pairs(ev)

    if primary is None:
        out.append(_no_primary_statement(summary))
    if pair is None:
        out.append(
            Statement(
                "comparison",
                "No comparison",
                (
                    "Not applicable: this is a single-group study with no control arm, so "
                    "no between-arm effect, absolute difference or NNT/NNH can be given.",
                ),
            )
        )
        if isinstance(primary, TimeToEventEndpoint):
            out += _single_group_primary(ev, primary, get)
    elif not ev.is_two_arm:
        others = "; ".join(p.label for p in pairs)
        out.append(
            Statement(
                "comparisons",
                f"{len(ev.treatment_arms)} treatment arms",
                (
                    f"This trial compares {len(ev.treatment_arms)} treatment arms with "
                    f"{pair.control.label}: {others}. Each comparison is stated below; "
                    "toxicity and response are compared for the primary comparison, "
                    f"{pair.label}.",
                ),
            )
        )

    if isinstance(primary, TimeToEventEndpoint) and pair is not None:
        ep = primary
        for i, effect in enumerate(ep.effects):
            found = effect_pair(ev, effect)
            if found is None:
                continue
            t, c = found
            sfx = "" if i == 0 and ep.effect is not None else f".{t.id}_vs_{c.id}"
            statement = _effect_statement(ev, ep, effect.kind, sfx, t, c, get)
            if statement is not None:
                out.append(statement)
        for p in endpoint_pairs(ev, ep):
            out += _landmark_statements(ev, ep, p, get)

    if pair is not None:
        t, c = pair.treatment, pair.control
    else:
        t = c = None
    for ae in ev.adverse_events if t is not None and c is not None else ():
        if not ae.is_graded:
            continue  # serious/other registry events carry no grade: see the safety panel
        rd = get(f"ae.{ae.id}.rd")
        pt, pc = get(f"ae.{ae.id}.percent.{t.id}"), get(f"ae.{ae.id}.percent.{c.id}")
        nnt = get(f"ae.{ae.id}.nnt")
        if rd is None or pt is None or pc is None:
            continue
        more = "more" if rd.value > 0 else "fewer"
        pieces = [
            f"{ae.term} of grade {ae.grade}: ",
            _ref(pt),
            f" with {t.label} vs ",
            _ref(pc),
            f" with {c.label}, ",
            _ref(rd, f"{abs(rd.value):.1f} percentage points {more}"),
            f" ({rd.level:.0%} CI {format_number(rd.lower, 1)} to {format_number(rd.upper, 1)}).",
        ]
        if nnt is not None and nnt.value is not None and rd.value > 0 and math.isfinite(nnt.value):
            pieces += [
                " One extra patient has such an event for about every ",
                _ref(nnt, _value(nnt)),
                f" treated with {t.label} (NNH).",
            ]
        if rd.status == "reconstructed":
            pieces.append(" Counts are reconstructed from the printed percentages.")
        out.append(
            Statement(f"ae_{ae.id}", f"Toxicity: {ae.term} (grade {ae.grade})", tuple(pieces))
        )

    secondary: list[Piece] = []
    for ep in ev.endpoints if t is not None and c is not None else ():
        if isinstance(ep, TimeToEventEndpoint):
            continue
        pt, pc = get(f"{ep.id}.percent.{t.id}"), get(f"{ep.id}.percent.{c.id}")
        if pt is None or pc is None:
            continue
        secondary += [f"{ep.name} ", _ref(pt), f" with {t.label} vs ", _ref(pc), f" with {c.label}"]
        fisher = get(f"{ep.id}.fisher_p")
        if fisher is not None:
            fisher_text = _value(fisher)  # "<0.001" below the shown precision
            relation = " " if fisher_text.startswith("<") else " = "
            secondary += [f" (Fisher p{relation}", _ref(fisher, fisher_text), ")"]
        secondary.append("; ")
    if secondary:
        secondary[-1] = "."
        pop = next(
            (
                ev.population(ep.population)
                for ep in ev.endpoints
                if not isinstance(ep, TimeToEventEndpoint)
            ),
            None,
        )
        if pop is not None and pop.total is not None:
            secondary.append(f" Among {format_number(pop.total.value)} {pop.label.lower()}.")
        out.append(Statement("secondary", "Response", tuple(secondary)))

    if ev.design.has_power_calculation:
        design = _design_statement(summary, get, ev.design.alpha.value)
    else:
        design = _no_design_statement(summary)
    if design is not None:
        out.append(design)

    counts = {
        level: sum(ch.level == level for ch in summary.checks) for level in ("pass", "note", "warn")
    }
    out.append(
        Statement(
            "audit",
            "Consistency audit",
            (
                f"{counts['pass']} checks pass, {counts['note']} notes, {counts['warn']} warnings. "
                + (
                    "No figure contradicts another beyond what rounding or the stated methods"
                    " explain."
                    if counts["warn"] == 0
                    else "Some figures disagree beyond rounding: see the Audit panel."
                ),
            ),
        )
    )
    return out


def _sided(summary: Summary) -> str:
    return "two-sided" if summary.evidence.design.sides == 2 else "one-sided"


def _state(endpoint_name: str) -> str:
    name = endpoint_name.lower()
    if "progression-free" in name:
        return "alive without progression"
    if "overall survival" in name:
        return "alive"
    return f"free of the {name} event"


def _design_statement(summary: Summary, get, alpha: float) -> Statement | None:
    hr = get("design.hypothesised_hr")
    power = get("design.power")
    required = get("design.events_required_schoenfeld")
    events = get("design.events_at_analysis")
    detect = get("design.detectable_hr")
    power_obs = get("design.power_for_observed_hr")
    primary = summary.evidence.primary_endpoint
    observed = get(f"{primary.id}.hr") if primary is not None else None
    if None in (hr, power, required, events, detect):
        return None
    pieces: list[Piece] = [
        "The trial was designed to detect a hazard ratio of ",
        _ref(hr, _value(hr)),
        " with ",
        _ref(power),
        f" power ({_sided(summary)} α = {format_number(alpha)}), which needs about ",
        _ref(required, f"{math.ceil(required.value)} events"),
        ". At the analysis it had ",
        _ref(events, f"{_value(events)} events"),
        ", enough to detect a hazard ratio of ",
        _ref(detect, f"{detect.value:.2f}"),
        " or lower.",
    ]
    if power_obs is not None and observed is not None:
        pieces += [
            " An effect the size of the one observed (HR ",
            _ref(observed, _value(observed)),
            ") had only " if power_obs.value < 50 else ") had ",
            _ref(power_obs, f"{power_obs.value:.0f}%"),
            " power, so the result cannot rule out a modest benefit"
            if power_obs.value < 50
            else " power",
        ]
        if observed.lower is not None:
            lower_pct = 100 * (1 - observed.lower)
            upper_pct = 100 * (observed.upper - 1)
            pieces.append(
                f"; the interval is compatible with effects from a {lower_pct:.0f}% lower hazard"
                f" to a {upper_pct:.0f}% higher one."
                if observed.upper > 1
                else "."
            )
        else:
            pieces.append(".")
    return Statement("design", "What the design could detect", tuple(pieces))


def _effect_statement(
    ev: Evidence, ep: TimeToEventEndpoint, kind: str, sfx: str, t: Arm, c: Arm, get
) -> Statement | None:
    """The primary endpoint's effect for one comparison, with the two arms' medians."""
    hr = get(f"{ep.id}.{kind.lower()}{sfx}")
    p = get(f"{ep.id}.p{sfx}")
    mt, mc = get(f"{ep.id}.median.{t.id}"), get(f"{ep.id}.median.{c.id}")
    if hr is None or hr.lower is None or hr.upper is None:
        return None
    significant = hr.upper < 1 or hr.lower > 1
    verdict = (
        f"{t.label} improved {ep.name.lower()} over {c.label}"
        if significant and hr.value < 1
        else f"{t.label} did not significantly improve {ep.name.lower()} over {c.label}"
        if not significant
        else f"{t.label} worsened {ep.name.lower()} compared with {c.label}"
    )
    pieces: list[Piece] = [f"{verdict}: hazard ratio ", _ref(hr)]
    if p is not None:
        relation = p.p_text().removesuffix(p.number())  # "p = " or "p < "
        pieces += [f", {relation}", _ref(p, _value(p))]
    level = f" at the {hr.level:.0%} level" if hr.level is not None else ""
    pieces.append(
        f". The interval {'excludes' if significant else 'includes'} 1 (no difference){level}."
    )
    if mt is not None and mc is not None:
        pieces += [" Median ", _ref(mt, f"{_value(mt)} {ep.unit}"), f" with {t.label} vs "]
        pieces += [_ref(mc, f"{_value(mc)} {ep.unit}"), f" with {c.label}."]
    if ev.is_two_arm:
        return Statement("primary", f"Primary endpoint: {ep.name}", tuple(pieces))
    sid = "primary" if not sfx else f"primary{sfx}"
    return Statement(sid, f"Primary endpoint: {ep.name}, {t.label} vs {c.label}", tuple(pieces))


def _landmark_statements(ev: Evidence, ep: TimeToEventEndpoint, pair, get) -> list[Statement]:
    """The absolute difference at each landmark for one comparison."""
    out: list[Statement] = []
    t, c, sfx = pair.treatment, pair.control, pair.suffix
    for lm in ep.landmarks:
        tt = format_number(lm.time)
        rt, rc = get(f"{ep.id}.landmark_{tt}.{t.id}"), get(f"{ep.id}.landmark_{tt}.{c.id}")
        diff = get(f"{ep.id}.landmark_{tt}.difference{sfx}")
        if rt is None or rc is None or diff is None:
            continue
        unit = lm.unit.removesuffix("s")
        more = "more" if diff.value >= 0 else "fewer"
        pieces = [
            f"At {tt} {lm.unit}, ",
            _ref(rt),
            f" of patients on {t.label} and ",
            _ref(rc),
            f" on {c.label} were {_state(ep.name)}: ",
            _ref(diff, f"{abs(diff.value):.1f} percentage points"),
            f" {more} with {t.label}, about {abs(round(diff.value))} {more} per 100 patients"
            " treated (no interval is reported for this difference).",
        ]
        heading = f"Absolute difference at {tt} {unit}s"
        if not ev.is_two_arm:
            heading += f", {t.label} vs {c.label}"
        out.append(Statement(f"landmark_{tt}{sfx}", heading, tuple(pieces)))
    return out


def _single_group_primary(ev: Evidence, ep: TimeToEventEndpoint, get) -> list[Statement]:
    """A single group's median of the primary endpoint (no comparison to make)."""
    pieces: list[Piece] = []
    for arm in ev.arms:
        m = get(f"{ep.id}.median.{arm.id}")
        if m is not None:
            pieces += [f"Median {ep.name.lower()} with {arm.label}: ", _ref(m), ". "]
    if not pieces:
        return []
    pieces[-1] = "."
    pieces.append(" With no control arm, this cannot say how much the treatment adds.")
    return [Statement("primary", f"Primary endpoint: {ep.name}", tuple(pieces))]


def _no_primary_statement(summary: Summary) -> Statement:
    """What stands in for the primary endpoint when the evidence names none as such."""
    ev = summary.evidence
    title = primary_outcome_title(ev)
    if title is None:
        return Statement("primary", "Primary endpoint", ("No primary endpoint in this evidence.",))
    om = ev.outcome_measure(ev.design.primary_endpoint)
    pieces: list[Piece] = [
        f"The primary outcome is the registry outcome measure “{title}”"
        + (f" ({om.time_frame})" if om.time_frame else "")
        + ", kept as the record states it; its values and analyses are in the Endpoints "
        "panel under Registry outcome measures."
    ]
    for j, analysis in enumerate(om.analyses):
        f = summary.get(f"outcome.{om.id}.analysis_{j}.estimate")
        if f is not None and f.value is not None:
            pieces += [f" {analysis.estimate_name or 'Estimate'}: ", _ref(f), "."]
    return Statement("primary", f"Primary outcome: {title}", tuple(pieces))


def _no_design_statement(summary: Summary) -> Statement:
    """Said instead of the design statement when the source gives no power calculation."""
    d = summary.evidence.design
    missing = [
        name
        for name, value in (
            ("α", d.alpha),
            ("power", d.power),
            ("hypothesised hazard ratio", d.hypothesised_hr),
            ("test sides", d.sides),
        )
        if value is None
    ]
    return Statement(
        "design",
        "What the design could detect",
        (
            "The source reports no sample-size calculation (not reported: "
            + ", ".join(missing)
            + "), so what the trial was powered to detect is not known. The Design "
            "panel's calculator works from inputs you set, marked as your assumptions.",
        ),
    )
