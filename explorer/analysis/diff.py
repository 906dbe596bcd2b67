"""What changed between two data cuts of one trial, figure by figure.

A trial is often reported more than once: an abstract at a congress, then the full
paper at a later data cut-off. :func:`diff_cuts` sets the two cuts side by side by the
stable figure ids of :func:`~explorer.analysis.summary.summarize` (``pfs.median.et``,
``pfs.hr`` ...), so a reader sees at once which printed numbers moved, which are new
(overall survival at the final analysis, say) and which the later report no longer
gives (the event count), each with its source in both cuts.

By default only *reported* figures are compared, the numbers printed in the documents:
a row is kept when the figure is reported in either cut. ``derived=True`` adds every
derived and reconstructed figure as well (the Wald p implied by the CI, the counts
behind a percentage ...), which change whenever their inputs do.

A figure is **changed** when it prints differently (value at its printed decimals,
interval, CI level, qualifier such as "≤", unit) or when its status differs (reported
in one cut, derived in the other); **added** when only the new cut has it;
**removed** when only the old cut has it; **unchanged** otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explorer.evidence import Evidence, Measure, TimeToEventEndpoint

from .figures import REPORTED, Figure, format_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHANGES", "CutDiff", "DiffRow", "diff_cuts"]

#: The kinds of row, in the order the count line names them.
CHANGES = ("changed", "added", "removed", "unchanged")

_QUALIFIER_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "~": "~"}

#: Columns of :meth:`CutDiff.frame`, in order.
FRAME_COLUMNS = (
    "figure_id",
    "label",
    "change",
    "old",
    "new",
    "old_source",
    "new_source",
    "old_status",
    "new_status",
)


@dataclass(frozen=True)
class DiffRow:
    """One figure in the two cuts.

    Attributes
    ----------
    figure_id : str
        The summary's figure id, e.g. ``"pfs.median.palbo_et"``.
    label : str
        What the figure is (the new cut's label when it has the figure).
    change : str
        ``"changed"``, ``"added"``, ``"removed"`` or ``"unchanged"``.
    old, new : str or None
        The figure as the app prints it (qualifier, value, unit, interval with its
        level), or None when that cut does not have it.
    old_source, new_source : str or None
        For a reported figure the document, section and the quote as printed; for a
        derived or reconstructed one its derivation. None when that cut does not have it.
    old_status, new_status : str or None
        ``"reported"``, ``"derived"`` or ``"reconstructed"``; None when absent.
    """

    figure_id: str
    label: str
    change: str
    old: str | None
    new: str | None
    old_source: str | None
    new_source: str | None
    old_status: str | None
    new_status: str | None


@dataclass(frozen=True)
class CutDiff:
    """Every compared figure of two cuts, in the summary's reading order.

    ``old_label`` and ``new_label`` are the cuts' data-cut labels, e.g. "Primary PFS
    analysis (ASCO 2023 abstract)".
    """

    old_label: str
    new_label: str
    rows: tuple[DiffRow, ...]

    def changed(self) -> tuple[DiffRow, ...]:
        """Every row but the unchanged ones (changed, added and removed)."""
        return tuple(row for row in self.rows if row.change != "unchanged")

    def counts(self) -> dict[str, int]:
        """Number of rows of each kind, keyed by :data:`CHANGES` (all four present)."""
        out = dict.fromkeys(CHANGES, 0)
        for row in self.rows:
            out[row.change] += 1
        return out

    def count_line(self) -> str:
        """One line for a dialog: "12 figures changed, 3 added, 1 removed"."""
        n = self.counts()
        noun = "figure" if n["changed"] == 1 else "figures"
        return f"{n['changed']} {noun} changed, {n['added']} added, {n['removed']} removed"

    def row(self, figure_id: str) -> DiffRow:
        """The row of ``figure_id`` (``KeyError`` naming it when the diff has none)."""
        for row in self.rows:
            if row.figure_id == figure_id:
                return row
        raise KeyError(f"no figure {figure_id!r} in this comparison")

    def frame(self, *, include_unchanged: bool = False) -> pd.DataFrame:
        """The rows as a DataFrame with the columns of :data:`FRAME_COLUMNS`.

        Unchanged rows are left out unless ``include_unchanged``; missing cells are None.
        """
        import pandas as pd

        rows = self.rows if include_unchanged else self.changed()
        records = [{name: getattr(row, name) for name in FRAME_COLUMNS} for row in rows]
        return pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))


def diff_cuts(old: Evidence, new: Evidence, *, derived: bool = False) -> CutDiff:
    """Compare two data cuts of one trial, figure by figure.

    Parameters
    ----------
    old, new : Evidence
        The earlier and the later cut. They must be the same trial: the same
        registry id (compared without regard to case or surrounding spaces).
    derived : bool
        False (default): compare the reported figures only (a figure is kept when it
        is reported in either cut). True: every figure of the summary, derived and
        reconstructed ones included.

    Returns
    -------
    CutDiff
        Rows in the summary's order: the new cut's order, with each figure only the
        old cut has placed after the figure that preceded it there.

    Raises
    ------
    ValueError
        When the two cuts belong to different trials.
    """
    if _registry_key(old) != _registry_key(new):
        raise ValueError(
            "These are not two cuts of one trial: "
            f"{_name(old)} and {_name(new)} have different registry ids. "
            "Choose two data cuts of the same trial to see what changed."
        )
    from .summary import summarize

    old_all, new_all = summarize(old).figures, summarize(new).figures
    old_figures, new_figures = _kept(old_all, derived), _kept(new_all, derived)
    # A figure kept in one cut is compared with the other cut's figure of the same id
    # whatever its status there (reported in one cut, derived in the other).
    kept = {f.id for f in old_figures} | {f.id for f in new_figures}
    old_by_id = {f.id: f for f in old_all if f.id in kept}
    new_by_id = {f.id: f for f in new_all if f.id in kept}
    old_qualifiers = _qualifiers(old)
    new_qualifiers = _qualifiers(new)
    rows = []
    for id_ in _merged_order(list(old_by_id), list(new_by_id)):
        before, after = old_by_id.get(id_), new_by_id.get(id_)
        rows.append(_row(id_, before, after, old_qualifiers, new_qualifiers))
    return CutDiff(old_label=old.data_cut.label, new_label=new.data_cut.label, rows=tuple(rows))


def _registry_key(ev: Evidence) -> str:
    return ev.trial.registry_id.strip().casefold()


def _name(ev: Evidence) -> str:
    return f"{ev.trial.acronym} ({ev.trial.registry_id})"


def _kept(figures: tuple[Figure, ...], derived: bool) -> list[Figure]:
    return [f for f in figures if derived or f.status == REPORTED]


def _merged_order(old_ids: list[str], new_ids: list[str]) -> list[str]:
    """The new order, each old-only id placed after its nearest preceding old id kept."""
    in_new = set(new_ids)
    after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for id_ in old_ids:
        if id_ in in_new:
            anchor = id_
        else:
            after.setdefault(anchor, []).append(id_)
    order = list(after.get(None, []))
    for id_ in new_ids:
        order.append(id_)
        order.extend(after.get(id_, []))
    return order


def _printed(figure: Figure | None, qualifiers: dict[str, str]) -> str | None:
    if figure is None:
        return None
    text = figure.formatted()
    sign = _QUALIFIER_SIGNS.get(qualifiers.get(figure.id, ""), "")
    return sign + text if sign and not text.startswith(sign) else text


def _row(
    id_: str,
    old: Figure | None,
    new: Figure | None,
    old_qualifiers: dict[str, str],
    new_qualifiers: dict[str, str],
) -> DiffRow:
    old_text, new_text = _printed(old, old_qualifiers), _printed(new, new_qualifiers)
    if old is None:
        change = "added"
    elif new is None:
        change = "removed"
    elif old_text != new_text or old.status != new.status:
        change = "changed"
    else:
        change = "unchanged"
    shown = new if new is not None else old
    assert shown is not None  # every id comes from one of the two cuts
    return DiffRow(
        figure_id=id_,
        label=shown.label,
        change=change,
        old=old_text,
        new=new_text,
        old_source=old.provenance if old is not None else None,
        new_source=new.provenance if new is not None else None,
        old_status=old.status if old is not None else None,
        new_status=new.status if new is not None else None,
    )


def _qualifiers(ev: Evidence) -> dict[str, str]:
    """Figure id -> qualifier for every recorded measure printed with one ("≤0.59")."""
    return {id_: m.qualifier for id_, m in _recorded_measures(ev) if m.qualifier}


def _recorded_measures(ev: Evidence) -> Iterator[tuple[str, Measure]]:
    """(figure id, measure) for the measures of the file, with the ids reported.py gives.

    Only the qualifier is read from these; the figures themselves come from the summary.
    """
    for pop in ev.populations:
        if pop.total is not None:
            yield f"population.{pop.id}.total", pop.total
        for arm, m in pop.by_arm.items():
            yield f"population.{pop.id}.{arm}", m
    d = ev.design
    for name in (
        "allocation_ratio",
        "alpha",
        "power",
        "hypothesised_hr",
        "median_follow_up",
        "events_at_analysis",
    ):
        m = getattr(d, name)
        if m is not None:
            yield f"design.{name}", m
    for ep in ev.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            for arm, m in ep.medians.items():
                yield f"{ep.id}.median.{arm}", m
            for lm in ep.landmarks:
                for arm, m in lm.by_arm.items():
                    yield f"{ep.id}.landmark_{format_number(lm.time)}.{arm}", m
            if ep.effect is not None:
                yield f"{ep.id}.{ep.effect.kind.lower()}", ep.effect.estimate
                if ep.effect.p is not None:
                    yield f"{ep.id}.p", ep.effect.p
            if ep.events is not None:
                yield f"{ep.id}.events", ep.events
        else:
            for arm, prop in ep.by_arm.items():
                for part, key in (("percent", "percent"), ("count", "count"), ("n", "denominator")):
                    m = getattr(prop, key)
                    if m is not None:
                        yield f"{ep.id}.{part}.{arm}", m
    for ae in ev.adverse_events:
        groups = [("", ae.overall)] + [(f".{arm}", p) for arm, p in ae.by_arm.items()]
        for suffix, prop in groups:
            if prop is None:
                continue
            for part, key in (("percent", "percent"), ("count", "count"), ("n", "denominator")):
                m = getattr(prop, key)
                if m is not None:
                    yield f"ae.{ae.id}.{part}{suffix}", m
    for item in ev.baseline:
        if item.overall is not None:
            yield f"baseline.{item.id}", item.overall
        for arm, m in item.by_arm.items():
            yield f"baseline.{item.id}.{arm}", m
    for crit in ev.eligibility:
        yield f"eligibility.{crit.id}", crit.threshold
