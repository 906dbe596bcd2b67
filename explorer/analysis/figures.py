"""Figures: every number the app shows, with where it came from.

A :class:`Figure` is one displayed number (optionally with an interval) and its
provenance: **reported** (with the source locator as printed), **derived** (by a
named formula from named inputs) or **reconstructed** (recovered from rounded or
incomplete reports under a stated assumption).

Status of a computed figure follows its least certain input: a figure computed
only from reported numbers is *derived*; one that needs any reconstructed input
(for example counts recovered from printed percentages) is *reconstructed*.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from explorer.evidence import Evidence, Measure

REPORTED = "reported"
DERIVED = "derived"
RECONSTRUCTED = "reconstructed"
STATUSES = (REPORTED, DERIVED, RECONSTRUCTED)

#: How a measure's qualifier is printed before its value ("<=" → "≤").
QUALIFIER_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "~": "~"}

#: One-character marks used everywhere a status is shown (CLI, tables, tooltips).
STATUS_MARKS = {REPORTED: "●", DERIVED: "◆", RECONSTRUCTED: "◇"}


@dataclass(frozen=True)
class Figure:
    """One number the app shows, with its provenance.

    Attributes
    ----------
    id : str
        Stable dotted identifier, e.g. ``"pfs.median.palbo_et"``.
    label : str
        What the number is, in words a clinician reads.
    value : float or None
        The number (``None`` only when it cannot be computed, e.g. a median not reached).
    unit : str or None
        ``"months"``, ``"%"``, ``"patients"``, ``"ratio"``, ... (``None`` for pure numbers).
    status : str
        ``"reported"``, ``"derived"`` or ``"reconstructed"``.
    source : str or None
        For reported figures: document, section and the figure exactly as printed.
    derivation : str or None
        For derived/reconstructed figures: the method and its inputs in words.
    lower, upper, level : float or None
        Interval and its level, when the figure has one.
    inputs : tuple of str
        Ids of the figures it was computed from.
    topic : str
        Grouping for display: ``"population"``, ``"design"``, an endpoint id, ...
    decimals : int or None
        Decimals to show (the printed precision for reported figures).
    interval : str
        What ``lower``/``upper`` are: ``"CI"`` (with ``level``) or ``"range"``.
    qualifier : str or None
        The sign the value was printed with, from the evidence (``"<"``, ``"<="``, ``">"``,
        ``">="``, ``"~"``): a p printed as "p < 0.001" keeps its ``"<"``.
    """

    id: str
    label: str
    value: float | None
    unit: str | None
    status: str
    source: str | None = None
    derivation: str | None = None
    lower: float | None = None
    upper: float | None = None
    level: float | None = None
    inputs: tuple[str, ...] = ()
    topic: str = ""
    decimals: int | None = None
    interval: str = "CI"
    qualifier: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status == REPORTED and not self.source:
            raise ValueError(f"reported figure {self.id} needs a source")
        if self.status != REPORTED and not self.derivation:
            raise ValueError(f"{self.status} figure {self.id} needs a derivation")

    @property
    def provenance(self) -> str:
        """The source (reported) or the derivation (otherwise), as one line."""
        return (self.source if self.status == REPORTED else self.derivation) or ""

    @property
    def brief(self) -> str:
        """Short provenance for a table cell: section and quote, or the method alone."""
        if self.status == REPORTED and self.source:
            quote_at = self.source.find("“")
            cut = self.source.rfind(", ", 0, quote_at) if quote_at > 0 else -1
            return self.source[cut + 2 :] if cut >= 0 else self.source
        return (self.derivation or "").split(". Inputs:")[0]

    def formatted(self) -> str:
        """Value and interval at their precision with the unit: ``37.1% (95% CI 30.5–48.8%)``."""
        unit = self.unit if self.unit not in (None, "ratio", "proportion") else None
        if unit == "patients" and self.value == 1:
            unit = "patient"

        def with_unit(text: str) -> str:
            if unit is None:
                return text
            return f"{text}%" if unit == "%" else f"{text} {unit}"

        has_interval = self.lower is not None and self.upper is not None
        if has_interval:
            lo = format_number(self.lower, self.decimals)
            hi = format_number(self.upper, self.decimals)
            sep = " to " if (self.lower < 0 or self.upper < 0) else "–"
            span = f"{lo}{sep}{hi}{'%' if unit == '%' else ''}"
            if self.value is None:
                return span
            if self.interval == "CI":
                span = f"{self.level * 100:g}% CI {span}" if self.level else f"CI {span}"
            else:
                span = f"{self.interval} {span}"
            return f"{with_unit(format_number(self.value, self.decimals))} ({span})"
        if self.value is None:
            return "—"
        return with_unit(QUALIFIER_SIGNS.get(self.qualifier or "", "") + self.number())

    def number(self) -> str:
        """The value alone at its precision, without qualifier or unit (``"0.001"``)."""
        return format_number(self.value, self.decimals)

    def p_text(self) -> str:
        """A p value as a clause: ``"p = 0.206"``, or ``"p < 0.001"`` when so printed."""
        relation = QUALIFIER_SIGNS.get(self.qualifier or "", "=")
        return f"p {relation} {self.number()}"

    def to_json(self) -> dict[str, Any]:
        """The figure in the ``summary --json`` shape (DESIGN.md), plus interval fields."""
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "value": _json_number(self.value),
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
            "derivation": self.derivation,
        }
        if self.lower is not None or self.upper is not None:
            out.update(
                lower=_json_number(self.lower),
                upper=_json_number(self.upper),
                level=self.level,
            )
        if self.qualifier:
            out["qualifier"] = self.qualifier  # "<" with value 0.001 means "p < 0.001"
        if self.inputs:
            out["inputs"] = list(self.inputs)
        out["topic"] = self.topic
        return out


def _json_number(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


def format_number(value: float | None, decimals: int | None = None) -> str:
    """Format a number for display: ``—`` missing, ``∞`` infinite, ``<0.001`` below precision.

    Without ``decimals``, four significant digits are shown (trailing zeros dropped).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if decimals is None:
        if float(value).is_integer() and abs(value) < 1e6:
            return f"{int(value)}".replace("-", "−")
        return f"{value:.4g}".replace("-", "−")
    if value != 0 and abs(value) < 10.0 ** (-decimals) and decimals > 0:
        return f"<{10.0 ** (-decimals):.{decimals}f}"
    return f"{value:.{decimals}f}".replace("-", "−")


def derived_status(inputs: Iterable[Figure]) -> str:
    """Status of a figure computed from ``inputs``: reconstructed if any input is."""
    return RECONSTRUCTED if any(f.status == RECONSTRUCTED for f in inputs) else DERIVED


def describe_source(evidence: Evidence, measure: Measure) -> str:
    """One line naming the document, section and the figure as printed.

    For a registry record the section is the field path in the record, and the line
    names the record's last-update date.
    """
    src = measure.source
    if src is None:
        return ""
    try:
        doc = evidence.document(src.document)
    except KeyError:
        return f"{src.document}, {src.section}: “{src.quote}”"
    where = short_citation(doc.citation) or src.document
    if doc.kind == "registry" and doc.date:
        # A registry record changes over time: say which version the figure was read from.
        where = f"{where} (record updated {doc.date})"
    return f"{where}, {src.section}: “{src.quote}”"


def short_citation(citation: str) -> str:
    """The citation up to its first parenthetical remark (``Author, et al. Journal. Year;…``)."""
    head = citation.split(" (")[0].strip().rstrip(".")
    return head if len(head) <= 90 else ""


def from_measure(
    evidence: Evidence,
    measure: Measure,
    *,
    id: str,
    label: str,
    topic: str,
    unit: str | None = None,
) -> Figure:
    """A figure for a measure recorded in the evidence file, keeping its status."""
    reported = measure.status == REPORTED
    return Figure(
        id=id,
        label=label,
        value=measure.value,
        unit=unit if unit is not None else measure.unit,
        status=measure.status,
        source=describe_source(evidence, measure) if reported else None,
        derivation=None if reported else (measure.derivation or "recorded in the evidence file"),
        lower=measure.lower if measure.lower is not None else _range(measure, 0),
        upper=measure.upper if measure.upper is not None else _range(measure, 1),
        level=measure.level,
        topic=topic,
        decimals=measure.decimals,
        interval="CI" if measure.lower is not None or measure.range is None else "range",
        qualifier=measure.qualifier,
    )


def _range(measure: Measure, i: int) -> float | None:
    return None if measure.range is None else measure.range[i]


@dataclass
class FigureSet:
    """An ordered, id-unique collection of figures that analyses add to."""

    figures: list[Figure] = field(default_factory=list)
    _index: dict[str, Figure] = field(default_factory=dict, repr=False)

    def add(self, figure: Figure) -> Figure:
        if figure.id in self._index:
            raise ValueError(f"duplicate figure id {figure.id!r}")
        self.figures.append(figure)
        self._index[figure.id] = figure
        return figure

    def extend(self, figures: Iterable[Figure]) -> None:
        for figure in figures:
            self.add(figure)

    def get(self, id: str) -> Figure | None:
        return self._index.get(id)

    def __getitem__(self, id: str) -> Figure:
        return self._index[id]

    def __contains__(self, id: object) -> bool:
        return id in self._index

    def __iter__(self):
        return iter(self.figures)

    def __len__(self) -> int:
        return len(self.figures)


def computed(
    *,
    id: str,
    label: str,
    value: float | None,
    unit: str | None,
    method: str,
    inputs: Sequence[Figure],
    topic: str,
    lower: float | None = None,
    upper: float | None = None,
    level: float | None = None,
    decimals: int | None = None,
    status: str | None = None,
) -> Figure:
    """A derived (or reconstructed) figure whose derivation names the method and inputs.

    A NaN or infinite ``value``, ``lower`` or ``upper`` is never kept: it becomes ``None``
    and the derivation opens with "Not estimable" (the callers say why in ``method`` where
    they know; this is the safety net, docs/edge-cases.md).
    """
    value, lower, upper, method = _finite_only(value, lower, upper, method)
    listed = "; ".join(f"{f.label} = {f.formatted()} [{f.status}]" for f in inputs)
    derivation = f"{method}. Inputs: {listed}" if listed else method
    return Figure(
        id=id,
        label=label,
        value=value,
        unit=unit,
        status=status or derived_status(inputs),
        derivation=derivation,
        lower=lower,
        upper=upper,
        level=level,
        inputs=tuple(f.id for f in inputs),
        topic=topic,
        decimals=decimals,
    )


def _finite_only(
    value: float | None, lower: float | None, upper: float | None, method: str
) -> tuple[float | None, float | None, float | None, str]:
    """Drop non-finite numbers from a computed figure and say so in its method."""

    def bad(x: float | None) -> bool:
        return x is not None and not math.isfinite(x)

    if bad(value):
        word = "undefined" if math.isnan(value) else "infinite"  # type: ignore[arg-type]
        if not method.startswith("Not estimable"):
            method = f"Not estimable: the computation gives an {word} value. {method}"
        return None, None, None, method
    if bad(lower) or bad(upper):
        method = f"{method}; the interval is not shown because a bound is not finite"
        return value, None, None, method
    return value, lower, upper, method
