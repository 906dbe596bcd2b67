"""The evidence of one trial as immutable Python objects.

Every class is a frozen dataclass: sequences are tuples and mappings are read-only
(:class:`types.MappingProxyType`), so an :class:`Evidence` can be shared between the
analysis layer and the user interface without copies. Objects compare by value and are
hashable (the arm-keyed mappings take part in equality but not in the hash), so an
:class:`Evidence` can key a cache. Objects are built by
:mod:`explorer.evidence.load` from a validated file; the constructors themselves do
not validate.

Every number is a :class:`Measure`: its value, interval, unit and how it was obtained
(``status``: reported with its :class:`Source`, or derived / reconstructed with a
``derivation``). Arm-keyed mappings (``by_arm``, ``medians``) are keyed by arm id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from explorer.evidence.errors import format_path

__all__ = [
    "STATUSES",
    "Accrual",
    "AdverseEvent",
    "Arm",
    "BaselineCharacteristic",
    "BinaryEndpoint",
    "Citation",
    "DataCut",
    "Design",
    "Document",
    "Effect",
    "EligibilityCriterion",
    "Endpoint",
    "Evidence",
    "Landmark",
    "Measure",
    "OutcomeAnalysis",
    "OutcomeGroup",
    "OutcomeMeasure",
    "OutcomeValue",
    "Population",
    "Proportion",
    "Source",
    "TimeToEventEndpoint",
    "Trial",
]

#: The three ways a number can enter an evidence file.
STATUSES = ("reported", "derived", "reconstructed")

_EMPTY: Mapping = MappingProxyType({})

_QUALIFIER_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "~": "~"}
# Units printed with a space before them; "%" is glued, ratios and proportions bare.
_SPACED_UNITS = {"days", "weeks", "months", "years", "patients", "events"}


def _number(x: float, decimals: int | None) -> str:
    if decimals is None:
        return f"{x:.10g}"
    return f"{x:.{decimals}f}"


@dataclass(frozen=True)
class Source:
    """Where a reported figure was printed.

    Attributes
    ----------
    document : str
        Id of an entry of :attr:`Evidence.documents`.
    section : str
        Section of that document ("Methods", "Results", ...).
    quote : str
        The figure exactly as printed, with a few words of context.
    """

    document: str
    section: str
    quote: str


@dataclass(frozen=True)
class Measure:
    """One number, with its uncertainty, unit and provenance.

    Attributes
    ----------
    value : float
        The number itself (a median, a percentage, a count, a hazard ratio ...).
    status : str
        ``"reported"`` (printed in a document: see ``source``), ``"derived"``
        (computed from reported figures: see ``derivation``) or ``"reconstructed"``
        (recovered from a figure, e.g. a digitised curve: see ``derivation``).
    unit : str or None
        ``"months"``, ``"%"``, ``"patients"``, ``"events"``, ``"ratio"``, ... or None.
    lower, upper : float or None
        Interval bounds, both or neither.
    level : float or None
        Interval level in (0, 1), e.g. 0.95.
    decimals : int or None
        Decimals as printed; 4.2 printed as "4.2" has 1. Says how far the printed
        value may have been rounded.
    qualifier : str or None
        ``"<="``, ``">="``, ``"<"``, ``">"`` or ``"~"`` for figures printed as e.g. "≤0.59".
    range : tuple of float or None
        ``(min, max)`` printed with the value, e.g. an age range.
    source : Source or None
        Where it was printed; always set when reported.
    derivation : str or None
        Method and inputs; always set when derived or reconstructed.
    """

    value: float
    status: str
    unit: str | None = None
    lower: float | None = None
    upper: float | None = None
    level: float | None = None
    decimals: int | None = None
    qualifier: str | None = None
    range: tuple[float, float] | None = None
    source: Source | None = None
    derivation: str | None = None

    @property
    def is_reported(self) -> bool:
        """True when the value was printed in a document (status "reported")."""
        return self.status == "reported"

    @property
    def has_ci(self) -> bool:
        """True when the measure carries an interval (lower and upper)."""
        return self.lower is not None and self.upper is not None

    @property
    def formatted(self) -> str:
        """The value written out: qualifier, decimals as printed, unit, interval, range.

        Examples
        --------
        >>> Measure(4.2, "derived", unit="months", lower=3.5, upper=5.8, level=0.95,
        ...         decimals=1, derivation="example").formatted
        '4.2 months (95% CI 3.5–5.8)'
        >>> Measure(0.59, "derived", qualifier="<=", decimals=2, derivation="x").formatted
        '≤0.59'
        """
        text = _QUALIFIER_SIGNS.get(self.qualifier or "", "") + _number(self.value, self.decimals)
        if self.unit == "%":
            text += "%"
        elif self.unit in _SPACED_UNITS:
            text += f" {self.unit}"
        if self.lower is not None and self.upper is not None:
            level = f"{self.level * 100:g}% CI " if self.level is not None else ""
            lower = _number(self.lower, self.decimals)
            upper = _number(self.upper, self.decimals)
            text += f" ({level}{lower}–{upper})"
        if self.range is not None:
            low, high = (_number(x, self.decimals) for x in self.range)
            text += f" (range {low}–{high})"
        return text

    @property
    def printed(self) -> str:
        """The quote when reported, else :attr:`formatted`."""
        if self.source is not None and self.is_reported:
            return self.source.quote
        return self.formatted


@dataclass(frozen=True)
class Citation:
    """A bibliographic reference."""

    text: str
    doi: str | None
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """A document figures are quoted from (abstract, article, registry record ...).

    ``kind`` is one of "abstract", "article", "registry", "poster", "slides", "other";
    ``date`` an ISO date string when known.
    """

    id: str
    kind: str
    title: str
    citation: str
    doi: str | None = None
    url: str | None = None
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Trial:
    """Identity of the trial: registry id, acronym, phase, setting, population."""

    registry_id: str
    acronym: str
    title: str
    phase: str
    setting: str
    population: str
    citation: Citation
    note: str | None = None
    #: Format 1.2: facts a reader weighs when setting this trial beside others, label ->
    #: plain text, e.g. {"CDK4/6 inhibitor after progression": "palbociclib continued
    #: (same inhibitor)", "Endocrine partner": "letrozole or fulvestrant"}.
    context: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)


@dataclass(frozen=True)
class DataCut:
    """The analysis the figures come from; ``date`` is None when not reported."""

    label: str
    date: str | None
    document: str
    note: str | None = None


@dataclass(frozen=True)
class Arm:
    """A randomised arm; ``role`` is "treatment" or "control"."""

    id: str
    label: str
    description: str
    role: str


@dataclass(frozen=True)
class Population:
    """An analysis population (randomised, safety, measurable disease ...).

    ``total`` is None when its size was not reported; ``by_arm`` may be empty when the
    split by arm was not reported.
    """

    id: str
    kind: str
    label: str
    total: Measure | None
    by_arm: Mapping[str, Measure] = field(hash=False)
    note: str | None = None


@dataclass(frozen=True)
class Accrual:
    """Accrual period as ``YYYY-MM`` strings, with where it was printed."""

    start: str
    end: str
    source: Source | None


@dataclass(frozen=True)
class Design:
    """What the trial was planned to detect, and how.

    ``allocation_ratio`` is treatment : control as one number (2 for "2:1");
    ``allocation`` the weight of each arm by arm id. ``sides`` is 1 or 2.

    Format 1.2 lets a source be silent: ``allocation_ratio``, ``alpha``, ``power``,
    ``hypothesised_hr`` and ``sides`` may be None (not reported, e.g. a registry record
    or a paper that does not give its sample-size calculation), and
    ``primary_endpoint`` may be None or name an :class:`OutcomeMeasure` instead of an
    endpoint. Files of format 1.0 and 1.1 always have all of them. ``masking`` is
    "open-label", "single-blind", "double-blind", ... as the source says, or None.
    """

    allocation_ratio: Measure | None
    stratification_factors: tuple[str, ...]
    primary_endpoint: str | None
    primary_assessment: str | None
    response_criteria: str | None
    secondary_endpoints: tuple[str, ...]
    test: str | None
    sides: int | None
    alpha: Measure | None
    power: Measure | None
    hypothesised_hr: Measure | None
    accrual: Accrual | None
    median_follow_up: Measure | None
    events_at_analysis: Measure | None
    allocation: Mapping[str, float] = field(default_factory=lambda: _EMPTY, hash=False)
    masking: str | None = None

    @property
    def has_power_calculation(self) -> bool:
        """True when alpha, power, sides and the hypothesised HR are all known."""
        return None not in (self.alpha, self.power, self.hypothesised_hr, self.sides)


@dataclass(frozen=True)
class Landmark:
    """Survival at one time point, by arm (measures in %)."""

    time: float
    unit: str
    by_arm: Mapping[str, Measure] = field(hash=False)


@dataclass(frozen=True)
class Effect:
    """A comparative effect estimate (kind "HR": treatment vs control).

    ``treatment`` and ``control`` name the compared arms (format 1.2). None means the
    trial's only treatment arm against its control arm, which is all a 1.0/1.1 file can
    say; a trial with several treatment arms names them (e.g. PACE's two comparisons
    against fulvestrant). ``label`` is a short plain-text name for the comparison,
    e.g. "F + P + A vs F", or None.
    """

    kind: str
    estimate: Measure
    p: Measure | None
    test: str | None
    note: str | None = None
    treatment: str | None = None
    control: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class TimeToEventEndpoint:
    """A time-to-event endpoint: medians and landmark rates by arm, and the effect."""

    id: str
    name: str
    role: str
    population: str
    assessment: str | None
    unit: str
    medians: Mapping[str, Measure] = field(hash=False)
    landmarks: tuple[Landmark, ...]
    effect: Effect | None
    events: Measure | None
    note: str | None = None
    #: Format 1.2: further comparisons of this endpoint (other treatment arms, other
    #: control), each naming its arms. ``effect`` stays the primary comparison.
    other_effects: tuple[Effect, ...] = ()

    @property
    def kind(self) -> str:
        """Always ``"time_to_event"``."""
        return "time_to_event"

    @property
    def effects(self) -> tuple[Effect, ...]:
        """``effect`` (when present) followed by ``other_effects``."""
        head = (self.effect,) if self.effect is not None else ()
        return head + self.other_effects


@dataclass(frozen=True)
class Proportion:
    """A binary outcome in one group: percent and/or count out of a denominator."""

    percent: Measure | None
    count: Measure | None
    denominator: Measure | None


@dataclass(frozen=True)
class BinaryEndpoint:
    """A binary endpoint (response rate, clinical benefit rate ...) by arm."""

    id: str
    name: str
    role: str
    population: str
    by_arm: Mapping[str, Proportion] = field(hash=False)
    note: str | None = None

    @property
    def kind(self) -> str:
        """Always ``"binary"``."""
        return "binary"


Endpoint = TimeToEventEndpoint | BinaryEndpoint


@dataclass(frozen=True)
class AdverseEvent:
    """An adverse event term and grade band, by arm (and overall when so reported).

    ``grade`` is "any", "1".."5", a band "3-4" or ">=3", or (format 1.2) "ungraded"
    when the source gives no grade at all: registry records list *serious* and *other*
    events without CTCAE grades, and a serious event is not a grade ≥ 3 event. Such
    entries are never counted or shown as graded. ``organ_system`` is the source's
    system organ class (e.g. "Blood and lymphatic system disorders"), or None.
    """

    id: str
    term: str
    grade: str
    category: str | None
    population: str
    by_arm: Mapping[str, Proportion] = field(hash=False)
    note: str | None = None
    overall: Proportion | None = None
    organ_system: str | None = None

    @property
    def is_graded(self) -> bool:
        """False for "ungraded" registry entries."""
        return self.grade != "ungraded"


@dataclass(frozen=True)
class BaselineCharacteristic:
    """A baseline characteristic, overall and/or by arm."""

    id: str
    label: str
    population: str
    overall: Measure | None
    by_arm: Mapping[str, Measure] = field(hash=False)
    note: str | None = None


@dataclass(frozen=True)
class EligibilityCriterion:
    """A numeric threshold of the eligibility criteria (e.g. stable disease ≥24 weeks)."""

    id: str
    label: str
    threshold: Measure
    note: str | None = None


@dataclass(frozen=True)
class OutcomeGroup:
    """One group of a registry outcome measure (format 1.2).

    Registry records number their groups per module ("OG000" in outcomes, "EG000" in
    adverse events), so ``id`` is the record's own id and ``arm`` the evidence arm it
    was matched to by content (title), or None when it matches no arm (e.g. a
    "Total" column or a pooled group). ``n`` is the number analysed.
    """

    id: str
    label: str
    description: str | None
    arm: str | None
    n: Measure | None


@dataclass(frozen=True)
class OutcomeValue:
    """One cell of a registry outcome measure: a group's value in a class/category.

    ``measure`` is None when the record says "NA" (its reason is in ``comment``).
    ``spread`` is a standard deviation or error (see the measure's ``dispersion``);
    ``lower``/``upper`` are the interval or range that ``dispersion`` names.
    """

    group: str
    class_label: str | None
    category: str | None
    measure: Measure | None
    spread: float | None = None
    lower: float | None = None
    upper: float | None = None
    comment: str | None = None


@dataclass(frozen=True)
class OutcomeAnalysis:
    """A statistical analysis of a registry outcome measure, as the record states it.

    ``estimate_name`` is the record's name for the estimate, verbatim ("Hazard Ratio
    (HR)", "Mean Difference (Final Values)", ...); ``estimate`` carries the value and
    its CI (``level`` from the record, e.g. 0.90) or is None when none is given.
    ``ci_sides`` is 1 or 2 (None if not stated). ``p`` keeps a qualifier for values
    printed as "< 0.0001". The direction of benefit is not in a registry record and is
    not guessed.
    """

    groups: tuple[str, ...]
    group_description: str | None
    estimate_name: str | None
    estimate: Measure | None
    ci_sides: int | None
    p: Measure | None
    method: str | None
    non_inferiority: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class OutcomeMeasure:
    """A registry outcome measure with its values and analyses (format 1.2).

    Kept as the record states it, not forced into a time-to-event or binary endpoint:
    ``param_type`` ("MEDIAN", "MEAN", "COUNT_OF_PARTICIPANTS", ...), ``dispersion``
    ("95% Confidence Interval", "Standard Deviation", ...), ``unit`` as printed.
    ``role`` is "primary", "secondary" or "other"; ``source`` locates the measure in
    the record.
    """

    id: str
    title: str
    role: str
    description: str | None
    time_frame: str | None
    population_description: str | None
    param_type: str | None
    dispersion: str | None
    unit: str | None
    groups: tuple[OutcomeGroup, ...]
    values: tuple[OutcomeValue, ...]
    analyses: tuple[OutcomeAnalysis, ...]
    source: Source | None = None

    def group(self, id: str) -> OutcomeGroup:
        """Return the group with this id."""
        return _find(self.groups, id, "outcome group")


@dataclass(frozen=True)
class KmCurve:
    """One arm's Kaplan–Meier curve as digitised from a published figure.

    Attributes
    ----------
    arm : str
        Id of an entry of :attr:`Evidence.arms`.
    stratum : str or None
        The stratum (subgroup panel) this curve belongs to, when the figure is stratified.
    time : tuple of float
        Digitised times, in the figure's ``time_unit``, as read (not yet cleaned).
    survival : tuple of float
        Digitised survival probabilities (proportions, not percentages), aligned with
        ``time``.
    total_events : int or None
        Total events in this arm (and stratum) when reported.
    """

    arm: str
    stratum: str | None
    time: tuple[float, ...]
    survival: tuple[float, ...]
    total_events: int | None = None


@dataclass(frozen=True)
class RiskTable:
    """The numbers at risk printed under a Kaplan–Meier figure, for one arm (and stratum).

    Attributes
    ----------
    arm : str
        Id of an entry of :attr:`Evidence.arms`.
    stratum : str or None
        As in :class:`KmCurve`.
    time : tuple of float
        Times of the table's columns, strictly increasing, starting at 0.
    at_risk : tuple of int
        Numbers at risk at those times, non-increasing.
    """

    arm: str
    stratum: str | None
    time: tuple[float, ...]
    at_risk: tuple[int, ...]


@dataclass(frozen=True)
class Digitisation:
    """How a figure's curves were read off the page.

    Attributes
    ----------
    tool : str
        Software used ("WebPlotDigitizer 4.6", "by hand", ...).
    files : tuple of str
        Names of the files imported (curve points, risk table), without directories.
    date : str or None
        ISO date of the import.
    note : str or None
        Anything the analyst wants a reader to know (resolution, axis calibration).
    """

    tool: str
    files: tuple[str, ...] = ()
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class KmFigure:
    """A digitised Kaplan–Meier figure of one time-to-event endpoint.

    Everything computed from it (reconstructed patients, their KM curves, hazard ratio,
    RMST) has status "reconstructed" and names this figure as its origin.

    Attributes
    ----------
    id : str
        Unique among the evidence's figures, e.g. ``"pfs_figure_2"``.
    endpoint : str
        Id of a time-to-event endpoint of the evidence.
    label : str
        How the document names the figure ("Figure 2A").
    time_unit : str
        Unit of every time in the figure; the endpoint's unit.
    source : Source
        The document and place the figure was printed (``quote``: its caption or title).
    digitisation : Digitisation
        How the curves were read.
    curves : tuple of KmCurve
        One per arm (and stratum).
    risk_tables : tuple of RiskTable
        One per curve, same arm and stratum.
    note : str or None
        Free text.
    """

    id: str
    endpoint: str
    label: str
    time_unit: str
    source: Source
    digitisation: Digitisation
    curves: tuple[KmCurve, ...]
    risk_tables: tuple[RiskTable, ...]
    note: str | None = None

    @property
    def strata(self) -> tuple[str | None, ...]:
        """The distinct strata of the curves, in file order (``(None,)`` if unstratified)."""
        return tuple(dict.fromkeys(curve.stratum for curve in self.curves))

    def curve(self, arm: str, stratum: str | None = None) -> KmCurve:
        """Return the curve of ``arm`` (in ``stratum``)."""
        for curve in self.curves:
            if curve.arm == arm and curve.stratum == stratum:
                return curve
        raise KeyError(f"figure {self.id!r} has no curve for arm {arm!r}, stratum {stratum!r}")

    def risk_table(self, arm: str, stratum: str | None = None) -> RiskTable:
        """Return the numbers at risk of ``arm`` (in ``stratum``)."""
        for table in self.risk_tables:
            if table.arm == arm and table.stratum == stratum:
                return table
        raise KeyError(f"figure {self.id!r} has no risk table for arm {arm!r}, stratum {stratum!r}")


def _find(items: tuple, id: str, what: str):
    for item in items:
        if item.id == id:
            return item
    known = ", ".join(item.id for item in items) or "none"
    raise KeyError(f"no {what} with id {id!r} (known: {known})")


@dataclass(frozen=True)
class Evidence:
    """Everything one evidence file says about one trial.

    Attributes
    ----------
    schema_version : str
        Format version of the file it was read from ("1.0" or "1.1"; 1.1 has km_figures).
    origin : str
        The file it was read from, ``"<string>"`` or ``"<dict>"``.

    Notes
    -----
    Lookups by id (:meth:`arm`, :meth:`population`, :meth:`endpoint`, ...) raise
    ``KeyError`` naming the unknown id. :meth:`iter_measures` walks every number with
    its path in the file.
    """

    schema_version: str
    trial: Trial
    documents: tuple[Document, ...]
    data_cut: DataCut
    arms: tuple[Arm, ...]
    populations: tuple[Population, ...]
    design: Design
    endpoints: tuple[Endpoint, ...]
    adverse_events: tuple[AdverseEvent, ...]
    baseline: tuple[BaselineCharacteristic, ...]
    notes: tuple[str, ...]
    origin: str
    eligibility: tuple[EligibilityCriterion, ...] = ()
    km_figures: tuple[KmFigure, ...] = ()
    #: Format 1.2: registry outcome measures with their analyses, as recorded.
    outcome_measures: tuple[OutcomeMeasure, ...] = ()

    def arm(self, id: str) -> Arm:
        """Return the arm with this id."""
        return _find(self.arms, id, "arm")

    def population(self, id: str) -> Population:
        """Return the population with this id."""
        return _find(self.populations, id, "population")

    def endpoint(self, id: str) -> Endpoint:
        """Return the endpoint with this id."""
        return _find(self.endpoints, id, "endpoint")

    def document(self, id: str) -> Document:
        """Return the document with this id."""
        return _find(self.documents, id, "document")

    def outcome_measure(self, id: str) -> OutcomeMeasure:
        """Return the registry outcome measure with this id."""
        return _find(self.outcome_measures, id, "outcome measure")

    def km_figure(self, id: str) -> KmFigure:
        """Return the digitised Kaplan–Meier figure with this id."""
        return _find(self.km_figures, id, "Kaplan–Meier figure")

    def km_figure_for(self, endpoint_id: str) -> KmFigure | None:
        """The (first) digitised Kaplan–Meier figure of an endpoint, or None."""
        return next((f for f in self.km_figures if f.endpoint == endpoint_id), None)

    def adverse_event(self, id: str) -> AdverseEvent:
        """Return the adverse event entry with this id."""
        return _find(self.adverse_events, id, "adverse event")

    def baseline_characteristic(self, id: str) -> BaselineCharacteristic:
        """Return the baseline characteristic with this id."""
        return _find(self.baseline, id, "baseline characteristic")

    @property
    def control_arm(self) -> Arm:
        """The control arm.

        Raises
        ------
        ValueError
            If the trial has none (format 1.2 allows single-group studies; test
            :attr:`has_control` first).
        """
        for arm in self.arms:
            if arm.role == "control":
                return arm
        raise ValueError("the trial has no control arm (a single-group study)")

    @property
    def has_control(self) -> bool:
        """True when one arm is the control (always, before format 1.2)."""
        return any(arm.role == "control" for arm in self.arms)

    @property
    def is_two_arm(self) -> bool:
        """True for exactly one treatment arm against one control arm."""
        return self.has_control and len(self.treatment_arms) == 1

    @property
    def treatment_arms(self) -> tuple[Arm, ...]:
        """Every arm whose role is "treatment", in file order."""
        return tuple(arm for arm in self.arms if arm.role == "treatment")

    @property
    def treatment_arm(self) -> Arm:
        """The treatment arm of a two-arm trial.

        Raises
        ------
        ValueError
            If the trial has more than one treatment arm (use :attr:`treatment_arms`).
        """
        arms = self.treatment_arms
        if len(arms) != 1:
            ids = ", ".join(arm.id for arm in arms)
            raise ValueError(f"treatment_arm is ambiguous: {len(arms)} treatment arms ({ids})")
        return arms[0]

    @property
    def primary_endpoint(self) -> Endpoint | None:
        """The endpoint named by ``design.primary_endpoint``.

        None when the design names none, or names an :class:`OutcomeMeasure` (format
        1.2: a registry record's primary outcome is not turned into an endpoint).
        """
        name = self.design.primary_endpoint
        return next((ep for ep in self.endpoints if ep.id == name), None)

    def iter_measures(self) -> Iterator[tuple[str, Measure]]:
        """Yield ``(path, measure)`` for every number, in file order.

        Paths use the syntax of validation errors, e.g. ``"endpoints[0].medians.et"``.
        """
        for path, measure in _walk(self):
            yield format_path(path), measure


def _by_arm(prefix: tuple, mapping: Mapping[str, Measure]) -> Iterator[tuple[tuple, Measure]]:
    for arm, measure in mapping.items():
        yield (*prefix, arm), measure


def _proportion(prefix: tuple, proportion: Proportion | None) -> Iterator[tuple[tuple, Measure]]:
    if proportion is None:
        return
    for name in ("percent", "count", "denominator"):
        measure = getattr(proportion, name)
        if measure is not None:
            yield (*prefix, name), measure


def _optional(path: tuple, measure: Measure | None) -> Iterator[tuple[tuple, Measure]]:
    if measure is not None:
        yield path, measure


def _walk(ev: Evidence) -> Iterator[tuple[tuple, Measure]]:
    for i, pop in enumerate(ev.populations):
        yield from _optional(("populations", i, "total"), pop.total)
        yield from _by_arm(("populations", i, "by_arm"), pop.by_arm)
    design = ev.design
    for name in ("allocation_ratio", "alpha", "power", "hypothesised_hr"):
        yield from _optional(("design", name), getattr(design, name))
    yield from _optional(("design", "median_follow_up"), design.median_follow_up)
    yield from _optional(("design", "events_at_analysis"), design.events_at_analysis)
    for i, ep in enumerate(ev.endpoints):
        if isinstance(ep, TimeToEventEndpoint):
            yield from _by_arm(("endpoints", i, "medians"), ep.medians)
            for j, landmark in enumerate(ep.landmarks):
                yield from _by_arm(("endpoints", i, "landmarks", j, "by_arm"), landmark.by_arm)
            if ep.effect is not None:
                yield ("endpoints", i, "effect", "estimate"), ep.effect.estimate
                yield from _optional(("endpoints", i, "effect", "p"), ep.effect.p)
            for j, effect in enumerate(ep.other_effects):
                yield ("endpoints", i, "other_effects", j, "estimate"), effect.estimate
                yield from _optional(("endpoints", i, "other_effects", j, "p"), effect.p)
            yield from _optional(("endpoints", i, "events"), ep.events)
        else:
            for arm, proportion in ep.by_arm.items():
                yield from _proportion(("endpoints", i, "by_arm", arm), proportion)
    for i, ae in enumerate(ev.adverse_events):
        yield from _proportion(("adverse_events", i, "overall"), ae.overall)
        for arm, proportion in ae.by_arm.items():
            yield from _proportion(("adverse_events", i, "by_arm", arm), proportion)
    for i, item in enumerate(ev.baseline):
        yield from _optional(("baseline", i, "overall"), item.overall)
        yield from _by_arm(("baseline", i, "by_arm"), item.by_arm)
    for i, criterion in enumerate(ev.eligibility):
        yield ("eligibility", i, "threshold"), criterion.threshold
    for i, om in enumerate(ev.outcome_measures):
        for j, group in enumerate(om.groups):
            yield from _optional(("outcome_measures", i, "groups", j, "n"), group.n)
        for j, value in enumerate(om.values):
            yield from _optional(("outcome_measures", i, "values", j, "measure"), value.measure)
        for j, analysis in enumerate(om.analyses):
            prefix = ("outcome_measures", i, "analyses", j)
            yield from _optional((*prefix, "estimate"), analysis.estimate)
            yield from _optional((*prefix, "p"), analysis.p)
