"""Adverse events as one table: rates, counts and between-arm comparisons per term.

The Adverse events panel shows one row per (term, grade band) with each arm's rate
and count out of its denominator, the risk difference, risk ratio and number needed
to harm (or treat) with their intervals, and how sure each number is. Every number
already exists as a :class:`~explorer.analysis.figures.Figure` in the
:class:`~explorer.analysis.summary.Summary` (ids ``ae.<id>.percent.<arm>``,
``ae.<id>.count.<arm>``, ``population.<pop>.<arm>``, ``ae.<id>.rd``, ``.rr``,
``.nnt`` ...); :func:`adverse_event_frame` only gathers them into a tidy DataFrame
with raw numbers for sorting, display strings, provenance and status, so the
table, the plots and any export agree.

The one number computed here is an arm's rate when only its count is known (for
example "no treatment-related deaths" gives 0 patients but no percentage): the rate
is then ``100 × count / n`` and is marked derived (or reconstructed, when ``n`` is),
with that derivation as its provenance.

:func:`plot_data` turns the rows a table shows, in the order it shows them, into
the float arrays the safety plots draw; :func:`filter_mask` is the term and grade
filter as a vectorised mask; :func:`synthetic_safety_evidence` builds PALMIRA with
any number of extra adverse events, for tests and benchmarks.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from explorer import resources
from explorer.evidence import AdverseEvent, Arm, Evidence, from_dict

from .arms import primary_pair
from .comparisons import altman_interval
from .figures import (
    DERIVED,
    RECONSTRUCTED,
    REPORTED,
    STATUS_MARKS,
    Figure,
    derived_status,
    format_number,
)
from .reported import UNGRADED_CATEGORIES, ae_name

if TYPE_CHECKING:
    from .summary import Summary

#: Order of certainty: a row's status is the least certain (highest rank) of its numbers.
STATUS_RANK = {REPORTED: 0, DERIVED: 1, RECONSTRUCTED: 2}

#: Columns of the frame that do not depend on the arms.
BASE_COLUMNS = (
    "id",
    "term",
    "term_key",
    "term_tooltip",
    "plot_label",
    "grade",
    "grade_band",
    "grade_rank",
    "category",
    "section",
    "graded",
    "organ_system",
    "population_id",
    "population",
    "population_label",
)
#: Per-arm columns, named ``<kind>.<arm id>`` (see :func:`arm_column`).
ARM_KINDS = (
    "rate",
    "rate_text",
    "rate_status",
    "rate_provenance",
    "rate_id",
    "count",
    "n",
    "count_text",
    "count_status",
    "count_provenance",
)
#: Comparison columns (treatment vs control) and the row's status and selection id.
COMPARISON_COLUMNS = (
    "rd",
    "rd_lower",
    "rd_upper",
    "rd_text",
    "rd_provenance",
    "ci_level",
    "rr",
    "rr_lower",
    "rr_upper",
    "rr_text",
    "rr_provenance",
    "or",
    "or_lower",
    "or_upper",
    "fisher_p",
    "nnh",
    "nnh_kind",
    "nnh_text",
    "nnh_provenance",
    "status",
    "status_rank",
    "status_text",
    "provenance",
    "figure_id",
    "figure_ids",
)
_NUMERIC = {
    "grade_rank",
    "ci_level",
    "rd",
    "rd_lower",
    "rd_upper",
    "rr",
    "rr_lower",
    "rr_upper",
    "or",
    "or_lower",
    "or_upper",
    "fisher_p",
    "nnh",
    "status_rank",
}
_ARM_NUMERIC = {"rate", "count", "n"}
MISSING = "—"
#: The grade of registry entries that carry none (format 1.2).
UNGRADED = "ungraded"
#: Section of graded entries (every grade band of a publication's tables).
GRADED_SECTION = "Graded adverse events"


def section_of(ae: AdverseEvent) -> str:
    """The table section an entry belongs to.

    Graded entries share one section; ungraded registry entries are "Serious adverse
    events (registry, no grade)" or "Other adverse events (registry, no grade)", so a
    serious event is never read as a grade ≥ 3 one.
    """
    if ae.is_graded:
        return GRADED_SECTION
    return UNGRADED_CATEGORIES.get(ae.category or "", "Adverse events (registry, no grade)")


def arm_column(kind: str, arm_id: str) -> str:
    """Name of the per-arm column ``kind`` (one of :data:`ARM_KINDS`) for ``arm_id``.

    >>> arm_column("rate", "palbo_et")
    'rate.palbo_et'
    """
    return f"{kind}.{arm_id}"


def grade_band(grade: str) -> str:
    """A grade or grade band as printed in a table: ``3-4`` → ``3–4``, ``>=3`` → ``≥3``.

    >>> grade_band("3-4"), grade_band(">=3"), grade_band("any")
    ('3–4', '≥3', 'Any')
    """
    if grade == "any":
        return "Any"
    if grade == UNGRADED:
        return "No grade"
    return grade.replace(">=", "≥").replace("-", "–")


def grade_phrase(grade: str) -> str:
    """The grade in running text: ``"grade 3–4"``, ``"any grade"``, ``"no grade"``."""
    if grade == UNGRADED:
        return "no grade"
    return "any grade" if grade == "any" else f"grade {grade_band(grade)}"


def grade_rank(grade: str) -> float:
    """A sort key that orders grades as a clinician reads them: any, 1, 2, 3, 3–4, ≥3, 4, 5.

    Ungraded registry entries sort after every grade.

    >>> sorted(["5", ">=3", "ungraded", "3-4", "any", "3"], key=grade_rank)
    ['any', '3', '3-4', '>=3', '5', 'ungraded']
    """
    if grade == "any":
        return 0.0
    if grade == UNGRADED:
        return 100.0  # registry serious/other events: after every grade, never among them
    if grade.startswith(">="):
        return float(grade[2:]) + 0.5
    if "-" in grade:
        low, high = grade.split("-")
        return float(low) + float(high) / 100
    return float(grade)


def _worst(statuses: Sequence[str]) -> str | None:
    known = [s for s in statuses if s in STATUS_RANK]
    return max(known, key=STATUS_RANK.__getitem__) if known else None


def _mark(status: str | None) -> str:
    return STATUS_MARKS.get(status or "", "")


def _line(what: str, fig: Figure) -> str:
    return f"{_mark(fig.status)} {what} = {fig.formatted()} [{fig.status}]: {fig.provenance}"


def _interval(lower: float, upper: float, decimals: int) -> str:
    sep = " to " if (lower < 0 or upper < 0) else "–"
    return f"{format_number(lower, decimals)}{sep}{format_number(upper, decimals)}"


def _size_figure(
    figs: Mapping[str, Figure], ae: AdverseEvent, arm_id: str, count: Figure | None
) -> Figure | None:
    """The denominator of an arm: reported n, the size a count was recovered on, or the
    population's (reconstructed) arm size."""
    fig = figs.get(f"ae.{ae.id}.n.{arm_id}")
    if fig is not None:
        return fig
    if count is not None and count.inputs:
        fig = figs.get(count.inputs[-1])
        if fig is not None and fig.id.startswith("population."):
            return fig
    return figs.get(f"population.{ae.population}.{arm_id}")


def _arm_cells(
    figs: Mapping[str, Figure], ae: AdverseEvent, arm: Arm, population_label: str
) -> tuple[dict[str, Any], list[Figure]]:
    """Rate and count cells of one arm, and the figures they show."""
    col = lambda kind: arm_column(kind, arm.id)  # noqa: E731
    rate_fig = figs.get(f"ae.{ae.id}.percent.{arm.id}")
    count_fig = figs.get(f"ae.{ae.id}.count.{arm.id}")
    size_fig = _size_figure(figs, ae, arm.id, count_fig)
    used = [f for f in (rate_fig, count_fig, size_fig) if f is not None]
    k = count_fig.value if count_fig is not None else None
    n = size_fig.value if size_fig is not None else None
    cells: dict[str, Any] = {
        col("count"): math.nan if k is None else float(k),
        col("n"): math.nan if n is None else float(n),
        col("rate_id"): rate_fig.id if rate_fig is not None else None,
    }

    # Rate: the printed percentage, else 100 k / n when both are known.
    if rate_fig is not None and rate_fig.value is not None:
        cells[col("rate")] = float(rate_fig.value)
        cells[col("rate_status")] = rate_fig.status
        cells[col("rate_provenance")] = _line(f"{arm.label} rate", rate_fig)
        decimals = rate_fig.decimals if rate_fig.decimals is not None else 1
        shown = format_number(rate_fig.value, decimals)
        cells[col("rate_text")] = f"{shown}% {_mark(rate_fig.status)}"
    elif k is not None and n is not None and n > 0:
        rate = 100.0 * k / n
        status = derived_status([count_fig, size_fig])
        cells[col("rate")] = rate
        cells[col("rate_status")] = status
        cells[col("rate_provenance")] = (
            f"{_mark(status)} {arm.label} rate = {rate:.1f}% [{status}]: no percentage "
            f"printed; 100 × {format_number(k)} / {format_number(n)} "
            f"({population_label.lower()}).\n"
            + _line(f"{arm.label} patients", count_fig)
            + "\n"
            + _line(f"{arm.label} denominator", size_fig)
        )
        cells[col("rate_text")] = f"{format_number(rate, 1)}% {_mark(status)}"
    else:
        cells[col("rate")] = math.nan
        cells[col("rate_status")] = None
        cells[col("rate_provenance")] = f"{arm.label}: no percentage printed or derivable"
        cells[col("rate_text")] = MISSING

    # Count out of its denominator, marked by the less certain of the two.
    count_status = _worst([f.status for f in (count_fig, size_fig) if f is not None])
    cells[col("count_status")] = count_status
    if k is not None:
        of = f"/{format_number(n)}" if n is not None else f"/{MISSING}"
        cells[col("count_text")] = f"{format_number(k)}{of} {_mark(count_status)}"
        lines = [_line(f"{arm.label} patients", count_fig)]
        lines.append(
            _line(f"{arm.label} denominator", size_fig)
            if size_fig is not None
            else f"{arm.label} denominator: not reported and not reconstructed"
        )
        cells[col("count_provenance")] = "\n".join(lines)
    else:
        cells[col("count_text")] = MISSING
        cells[col("count_provenance")] = f"{arm.label}: no count printed or reconstructed"
    return cells, used


def _nnh_cells(rd: Figure | None, nnt: Figure | None) -> dict[str, Any]:
    """NNH (or NNT when the event is rarer on treatment) with Altman's convention for an
    interval that includes no difference."""
    if rd is not None and rd.value is not None and nnt is not None and nnt.value is None:
        # rd = 0: the NNH is infinite, shown as words, never as a number (docs/edge-cases.md)
        return {
            "nnh": math.nan,
            "nnh_kind": None,
            "nnh_text": "not estimable (no difference)",
            "nnh_provenance": nnt.derivation or "",
        }
    if rd is None or nnt is None or rd.value is None or nnt.value is None:
        return {
            "nnh": math.nan,
            "nnh_kind": None,
            "nnh_text": MISSING,
            "nnh_provenance": "no comparison: counts and denominators are not known in both arms",
        }
    # An adverse event more frequent on treatment is a harm (NNH); rarer, a benefit (NNT).
    kind = "NNT" if rd.value < 0 else "NNH"
    value = format_number(nnt.value, 1)
    if nnt.lower is not None and nnt.upper is not None:
        text = f"{kind} {value} ({_interval(nnt.lower, nnt.upper, 1)})"
    elif rd.lower is not None and rd.upper is not None:
        # Altman (1998): an RD interval through 0 maps to NNT … to ∞ to NNH …
        through = altman_interval(rd.lower / 100, rd.upper / 100, desirable=False)
        text = f"{kind} {value} ({through})"
    else:
        text = f"{kind} {value}"
    return {
        "nnh": float(nnt.value),
        "nnh_kind": kind,
        "nnh_text": text,
        "nnh_provenance": _line(kind, nnt),
    }


def ae_label(ae: AdverseEvent) -> str:
    """Term and grade for a label: "Neutropenia (grade 3–4)", "Anaemia (serious, no grade)"."""
    if not ae.is_graded:
        return ae_name(ae)
    return f"{ae.term} ({grade_phrase(ae.grade)})"


def _ae_row(
    ev: Evidence,
    ae: AdverseEvent,
    figs: Mapping[str, Figure],
    treatment: Arm | None,
    control: Arm | None,
) -> dict[str, Any]:
    try:
        pop = ev.population(ae.population)
        pop_label = pop.label
    except KeyError:
        pop_label = ae.population
    short_pop = pop_label.split(" (")[0]
    row: dict[str, Any] = {
        "id": ae.id,
        "term": ae.term,
        "term_key": ae.term.casefold(),
        "term_tooltip": f"{ae_label(ae)}"
        + (f"\n{ae.organ_system}" if ae.organ_system else "")
        + (f"\n{ae.note}" if ae.note else ""),
        "plot_label": ae_label(ae),
        "grade": ae.grade,
        "grade_band": grade_band(ae.grade),
        "grade_rank": grade_rank(ae.grade),
        "category": ae.category,
        "section": section_of(ae),
        "graded": ae.is_graded,
        "organ_system": ae.organ_system or "",
        "population_id": ae.population,
        "population": short_pop,
        "population_label": pop_label,
    }
    shown: list[Figure] = []
    for arm in ev.arms:
        cells, used = _arm_cells(figs, ae, arm, pop_label)
        row.update(cells)
        shown.extend(used)

    rd = figs.get(f"ae.{ae.id}.rd")
    rr = figs.get(f"ae.{ae.id}.rr")
    odds = figs.get(f"ae.{ae.id}.or")
    fisher = figs.get(f"ae.{ae.id}.fisher_p")
    nnt = figs.get(f"ae.{ae.id}.nnt")
    versus = f"{treatment.label} − {control.label}" if treatment and control else ""
    no_comparison = (
        "not applicable: a single-group study has no control arm to compare with"
        if control is None
        else "no comparison: counts and denominators are not known in both arms"
    )
    for key, fig, decimals in (("rd", rd, 1), ("rr", rr, 2), ("or", odds, 2)):
        value = fig.value if fig is not None and fig.value is not None else math.nan
        lower = fig.lower if fig is not None and fig.lower is not None else math.nan
        upper = fig.upper if fig is not None and fig.upper is not None else math.nan
        row[key], row[f"{key}_lower"], row[f"{key}_upper"] = value, lower, upper
        if key == "or":
            continue
        if fig is None or math.isnan(value):
            row[f"{key}_text"] = MISSING
            row[f"{key}_provenance"] = no_comparison
            continue
        text = format_number(value, decimals)
        if not (math.isnan(lower) or math.isnan(upper)):
            text += f" ({_interval(lower, upper, decimals)})"
        row[f"{key}_text"] = text
        what = f"Risk difference ({versus}, points)" if key == "rd" else "Risk ratio"
        row[f"{key}_provenance"] = _line(what, fig)
    row["ci_level"] = rd.level if rd is not None and rd.level is not None else math.nan
    row["fisher_p"] = fisher.value if fisher is not None and fisher.value is not None else math.nan
    row.update(_nnh_cells(rd, nnt))

    compared = [f for f in (rd, rr, odds, fisher, nnt) if f is not None]
    shown.extend(compared)
    status = _worst([f.status for f in shown]) or REPORTED
    row["status"] = status
    row["status_rank"] = float(STATUS_RANK[status])
    row["status_text"] = f"{_mark(status)} {status}"
    overall = [f for f in (figs.get(f"ae.{ae.id}.count"), figs.get(f"ae.{ae.id}.percent")) if f]
    lines = [f"Least certain number in this row: {status}."]
    lines += [f"{_mark(f.status)} {f.label} = {f.formatted()} [{f.status}]" for f in shown]
    lines += [f"{_mark(f.status)} {f.label} = {f.formatted()} [{f.status}]" for f in overall]
    row["provenance"] = "\n".join(dict.fromkeys(lines))
    # What a click on the row selects: the comparison, else the treatment arm's number.
    first = treatment if treatment is not None else (ev.arms[0] if ev.arms else None)
    fallbacks = (
        rd,
        *(
            (figs.get(f"ae.{ae.id}.percent.{first.id}"), figs.get(f"ae.{ae.id}.count.{first.id}"))
            if first is not None
            else ()
        ),
        *overall,
    )
    row["figure_id"] = next((f.id for f in fallbacks if f is not None), None)
    row["figure_ids"] = tuple(dict.fromkeys(f.id for f in [*shown, *overall]))
    return row


def frame_columns(arm_ids: Sequence[str]) -> list[str]:
    """Every column of :func:`adverse_event_frame` for arms ``arm_ids``, in order."""
    per_arm = [arm_column(kind, a) for a in arm_ids for kind in ARM_KINDS]
    return [*BASE_COLUMNS, *per_arm, *COMPARISON_COLUMNS]


def comparison_arms(evidence: Evidence) -> tuple[Arm, Arm] | None:
    """The (treatment, control) arms the risk difference compares: treatment − control.

    The primary comparison (:func:`explorer.analysis.arms.primary_pair`); None for a
    single-group study, which has nothing to compare.
    """
    pair = primary_pair(evidence)
    return None if pair is None else (pair.treatment, pair.control)


def adverse_event_frame(summary: Summary) -> pd.DataFrame:
    """One row per adverse event (term and grade band) with every number the panel shows.

    Parameters
    ----------
    summary : Summary
        The trial's summary; only its figures and evidence are read.

    Returns
    -------
    pandas.DataFrame
        In evidence-file order, with the columns of :func:`frame_columns`:

        * identity: ``id``, ``term``, ``grade`` (as in the file), ``grade_band``
          (``3–4``), ``grade_rank`` (sort key), ``category``, ``population`` (short
          label), ``plot_label`` (``"Adverse events (grade 3–4)"``);
        * per arm ``a`` (:func:`arm_column`): ``rate.a`` (%), ``count.a``, ``n.a``
          (raw floats, NaN when unknown), ``rate_text.a`` / ``count_text.a`` (display
          with the status mark: ``"45.2% ●"``, ``"61/135 ◇"``), their status,
          provenance and the rate's figure id;
        * comparisons, treatment − control: ``rd`` (percentage points), ``rr``,
          ``or`` with ``_lower``/``_upper`` (at ``ci_level``), ``fisher_p``, ``nnh`` (``|1/RD|``
          patients; ``nnh_kind`` says NNH or NNT), display texts ``rd_text``,
          ``rr_text``, ``nnh_text`` and their provenance;
        * ``status`` (the least certain number of the row), ``status_rank``,
          ``status_text``, ``provenance`` (every number of the row, one per line),
          ``figure_id`` (what selecting the row shows: the risk difference, else the
          treatment arm's rate or count) and ``figure_ids`` (all of the row's figures).

    Notes
    -----
    Missing numbers are NaN (raw) and ``"—"`` (display). The NNH interval follows
    Altman (1998): when the risk-difference CI includes 0 it reads
    ``NNH 24.3 (NNT 8.9 to ∞ to NNH 16.6)``.

    Examples
    --------
    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> frame = adverse_event_frame(summarize(load_bundled()))
    >>> frame.loc[0, ["rate_text.palbo_et", "count_text.palbo_et", "rd_text", "nnh_text"]].tolist()
    ['45.2% ●', '61/135 ◇', '36.9 (24.2–46.5)', 'NNH 2.7 (2.2–4.1)']
    """
    ev = summary.evidence
    figs = {f.id: f for f in summary.figures}
    treatment, control = comparison_arms(ev) or (None, None)
    rows = [_ae_row(ev, ae, figs, treatment, control) for ae in ev.adverse_events]
    arm_ids = [a.id for a in ev.arms]
    frame = pd.DataFrame(rows, columns=frame_columns(arm_ids))
    numeric = _NUMERIC | {arm_column(k, a) for a in arm_ids for k in _ARM_NUMERIC}
    for key in numeric:
        frame[key] = frame[key].astype("float64")
    return frame


def filter_mask(
    frame: pd.DataFrame,
    text: str = "",
    grade: str | None = None,
    *,
    section: str | None = None,
    organ_system: str | None = None,
) -> np.ndarray:
    """Rows of ``frame`` whose term contains ``text`` (case-insensitive) and whose grade is
    ``grade`` (a value of the ``grade`` column; ``None`` for every grade), in ``section``
    (:func:`section_of`; None: all) and ``organ_system`` (None: all).

    >>> from explorer.analysis import summarize
    >>> from explorer.evidence import load_bundled
    >>> frame = adverse_event_frame(summarize(load_bundled()))
    >>> filter_mask(frame, "DEATH").tolist(), filter_mask(frame, grade="3-4").tolist()
    ([False, True], [True, False])
    """
    mask = np.ones(len(frame), dtype=bool)
    needle = text.strip().casefold()
    if needle:
        mask &= frame["term_key"].str.contains(needle, regex=False).to_numpy(dtype=bool)
    if grade is not None:
        mask &= (frame["grade"] == grade).to_numpy(dtype=bool)
    if section is not None:
        mask &= (frame["section"] == section).to_numpy(dtype=bool)
    if organ_system is not None:
        mask &= (frame["organ_system"] == organ_system).to_numpy(dtype=bool)
    return mask


def sections_present(frame: pd.DataFrame) -> list[str]:
    """The sections of ``frame``: graded first, then serious, then other registry events."""
    order = [GRADED_SECTION, *UNGRADED_CATEGORIES.values()]
    found = frame["section"].dropna().unique().tolist()
    return sorted(found, key=lambda s: order.index(s) if s in order else len(order))


def organ_systems_present(frame: pd.DataFrame) -> list[str]:
    """The organ systems named in ``frame``, alphabetically (empty names left out)."""
    return sorted(x for x in frame["organ_system"].dropna().unique().tolist() if x)


def grades_present(frame: pd.DataFrame) -> list[str]:
    """The grade bands in ``frame`` (file values), ordered by :func:`grade_rank`."""
    return sorted(frame["grade"].dropna().unique().tolist(), key=grade_rank)


@dataclass(frozen=True)
class SafetyPlotData:
    """What the safety plots draw, one entry per shown table row, top row first.

    Attributes
    ----------
    labels : tuple of str
        Term and grade of each row (``"Adverse events (grade 3–4)"``).
    treatment_rate, control_rate : numpy.ndarray
        Percent of patients with the event in each arm (NaN when unknown).
    rd, rd_lower, rd_upper : numpy.ndarray
        Risk difference, treatment − control, and its CI, in percentage points (NaN
        when there is no comparison).
    rows : numpy.ndarray
        The frame row each entry comes from.
    """

    labels: tuple[str, ...]
    treatment_rate: np.ndarray
    control_rate: np.ndarray
    rd: np.ndarray
    rd_lower: np.ndarray
    rd_upper: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def plot_data(
    frame: pd.DataFrame, rows: Sequence[int] | np.ndarray, treatment: str, control: str | None
) -> SafetyPlotData:
    """The rows ``rows`` of ``frame`` (in that order) as arrays for the safety plots.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`adverse_event_frame`.
    rows : sequence of int
        Frame row positions in display order (the table's filtered, sorted rows).
    treatment, control : str
        Arm ids for the two dot series (``control`` None for a single-group study: its
        rates are NaN).
    """
    idx = np.asarray(rows, dtype=np.int64).reshape(-1)

    def take(key: str | None) -> np.ndarray:
        if key is None or key not in frame:
            return np.full(len(idx), np.nan)
        return frame[key].to_numpy(dtype=np.float64)[idx]

    return SafetyPlotData(
        labels=tuple(frame["plot_label"].to_numpy(dtype=object)[idx].tolist()),
        treatment_rate=take(arm_column("rate", treatment)),
        control_rate=take(None if control is None else arm_column("rate", control)),
        rd=take("rd"),
        rd_lower=take("rd_lower"),
        rd_upper=take("rd_upper"),
        rows=idx,
    )


# -- synthetic input for tests and benchmarks ------------------------------------------

#: Common adverse-event terms for CDK4/6 inhibitor trials, cycled by the synthetic builder.
SYNTHETIC_TERMS = (
    "Neutropenia",
    "Leukopenia",
    "Anaemia",
    "Thrombocytopenia",
    "Lymphopenia",
    "Fatigue",
    "Nausea",
    "Diarrhoea",
    "Stomatitis",
    "Alopecia",
    "Rash",
    "Arthralgia",
    "Hot flush",
    "Headache",
    "Vomiting",
    "Constipation",
    "Decreased appetite",
    "Cough",
    "Dyspnoea",
    "Back pain",
    "ALT increased",
    "AST increased",
    "Pyrexia",
    "Upper respiratory tract infection",
    "Urinary tract infection",
    "Febrile neutropenia",
    "Dizziness",
    "Insomnia",
    "Peripheral oedema",
    "Pulmonary embolism",
)
_SYNTHETIC_GRADES = ("any", "3-4", ">=3", "5")
_SYNTHETIC_CATEGORIES = ("any", "treatment-related", "serious", "leading to discontinuation")


def synthetic_safety_evidence(
    n_terms: int, *, seed: int = 0, n_treatment: int = 135, n_control: int = 60
) -> Evidence:
    """PALMIRA's evidence with ``n_terms`` synthetic adverse events added (tests, benchmarks).

    Each added event has a count and a denominator per arm, recorded as reported
    from a document named "synthetic" (so their provenance says they are not real),
    a grade band, a category, and counts drawn at random (reproducibly from ``seed``):
    treatment rates mostly low with a few common events, control rates around
    two-thirds of them, and some zero counts. PALMIRA's two adverse-event rows stay
    first.

    Parameters
    ----------
    n_terms : int
        Number of adverse events to add (terms cycle through :data:`SYNTHETIC_TERMS`,
        numbered once the list is used up).
    seed : int
        Seed of the random counts.
    n_treatment, n_control : int
        Reported denominators of the treatment (P+ET) and control (ET) arms.
    """
    data = copy.deepcopy(json.loads(resources.read_text(resources.PALMIRA)))
    data["documents"].append(
        {
            "id": "synthetic",
            "kind": "other",
            "title": "Synthetic adverse-event table",
            "citation": "Synthetic adverse events for tests and benchmarks (not trial data)",
        }
    )
    rng = np.random.default_rng(seed)
    risk_t = rng.beta(0.6, 4.0, n_terms)
    risk_c = np.clip(risk_t * np.exp(rng.normal(-0.4, 0.5, n_terms)), 0.0, 0.9)
    k_t = rng.binomial(n_treatment, risk_t)
    k_c = rng.binomial(n_control, risk_c)
    grades = rng.choice(len(_SYNTHETIC_GRADES), n_terms, p=[0.45, 0.35, 0.15, 0.05])
    categories = rng.choice(len(_SYNTHETIC_CATEGORIES), n_terms)

    def reported(value: int, quote: str) -> dict[str, Any]:
        return {
            "value": int(value),
            "status": "reported",
            "unit": "patients",
            "decimals": 0,
            "source": {"document": "synthetic", "section": "Table", "quote": quote},
        }

    for i in range(n_terms):
        base = SYNTHETIC_TERMS[i % len(SYNTHETIC_TERMS)]
        cycle = i // len(SYNTHETIC_TERMS)
        term = base if cycle == 0 else f"{base} {cycle + 1}"
        grade = _SYNTHETIC_GRADES[grades[i]]
        kt, kc = (0, 0) if grade == "5" else (int(k_t[i]), int(k_c[i]))
        data["adverse_events"].append(
            {
                "id": f"syn_{i:05d}",
                "term": term,
                "grade": grade,
                "category": _SYNTHETIC_CATEGORIES[categories[i]],
                "population": "safety",
                "by_arm": {
                    "palbo_et": {
                        "count": reported(kt, f"{kt}/{n_treatment}"),
                        "denominator": reported(n_treatment, f"{kt}/{n_treatment}"),
                    },
                    "et": {
                        "count": reported(kc, f"{kc}/{n_control}"),
                        "denominator": reported(n_control, f"{kc}/{n_control}"),
                    },
                },
            }
        )
    return from_dict(data, origin=f"<synthetic: PALMIRA + {n_terms} adverse events>")
