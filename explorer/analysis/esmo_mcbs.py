"""ESMO-MCBS v1.1 for the non-curative setting: forms 2a (OS) and 2b (PFS), with a trace.

The ESMO Magnitude of Clinical Benefit Scale grades how much benefit a positive
randomised trial shows (Cherny et al., "ESMO-Magnitude of Clinical Benefit Scale
version 1.1", Ann Oncol 2017;28:2340–2366, and its evaluation forms). In the
non-curative setting a trial whose primary endpoint is overall survival is graded
with form 2a (preliminary grades 4–1, final 5–1), one whose primary endpoint is
progression-free survival with form 2b (preliminary 3–1, final 4–1). Grades 5 and 4
mark substantial benefit.

Every cell compares the **lower limit of the 95% CI of the hazard ratio** and the
**gain in median** (treatment − control, months) with thresholds that depend on the
control arm's median (the "dual rule"). Toxicity and quality of life then move the
preliminary grade up or down one level.

:func:`evaluate` applies the forms to :class:`McbsInputs` and returns an
:class:`McbsResult` whose ``trace`` lists every rule evaluated, in order, with the
values used and the outcome; :func:`inputs_from_evidence` builds the inputs from an
evidence file and its figures; :func:`add_mcbs_figures` adds the verdict as the
figure ``interp.esmo_mcbs.grade``.

Cells whose exact wording could not be confirmed against the published form are
listed in :data:`UNCONFIRMED_CELLS`; the trace marks every rule that rests on one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from explorer.evidence import Evidence, TimeToEventEndpoint

from .arms import primary_outcome_title, primary_pair
from .figures import QUALIFIER_SIGNS, Figure, FigureSet, computed, format_number

__all__ = [
    "CITATION",
    "UNCONFIRMED_CELLS",
    "McbsInputs",
    "McbsResult",
    "RuleStep",
    "add_mcbs_figures",
    "evaluate",
    "evaluate_evidence",
    "inputs_from_evidence",
]

#: The published scale every rule cites.
CITATION = "Cherny et al., Ann Oncol 2017;28:2340"

#: Where the v1.1 adjustments were read: a side-by-side table of the v1.1 rules
#: (column "Original ESMO-MCBS v1.1"), ESMO Open 2021;6(3):100166, Table 1.
ADJUSTMENT_SOURCE = "as tabulated in ESMO Open 2021;6(3):100166, Table 1"

#: Highest preliminary and final grade of each form. Form 2a: preliminary 4–1, final
#: 5–1; form 2b: preliminary 3–1, final 4–1 (form headings; the dual-rule table gives
#: 4 and 3 as the maximal preliminary grades).
PRELIMINARY_MAX = MappingProxyType({"2a": 4, "2b": 3})
FINAL_MAX = MappingProxyType({"2a": 5, "2b": 4})

#: Final grades that mark substantial benefit in the non-curative setting.
SUBSTANTIAL = (4, 5)

#: Cells whose exact wording could not be confirmed against the published v1.1 form,
#: with what this module does about each. Rules resting on one say so in the trace.
UNCONFIRMED_CELLS: Mapping[str, str] = MappingProxyType(
    {
        "2a >12 lower cells": (
            "Form 2a, control median OS >12 months: grade 4 by HR ≤0.70 AND gain "
            "≥5 months is confirmed; the alternative (3-year survival gain ≥10%) and "
            "grades 3–1 (HR ≤0.70 AND gain 3 to <5; HR ≤0.70 AND gain 1.5 to <3, or HR "
            ">0.70 to ≤0.75 AND gain ≥1.5; HR >0.75 OR gain <1.5) are taken from an "
            "independent implementation of v1.1 (Büsch et al., R code, github "
            "cbuesch/ASCOvsIQWiGvsESMO), not from the form itself."
        ),
        "2b grades 2 and 1": (
            "Form 2b: grade 3 (HR ≤0.65 AND gain ≥1.5 months, or ≥3 months when the "
            "control median PFS is >6 months) is confirmed; grade 2 is implemented as HR "
            "≤0.65 AND a smaller gain, grade 1 as HR >0.65, the complement of grade 3 "
            "within the form's thresholds."
        ),
        "2b TTP": "Form 2b is applied to time to progression (TTP) as to PFS.",
        "2a precedence": (
            "A trial graded on OS as a secondary endpoint (ESMO grades trials significant "
            "on the primary endpoint or on OS as a secondary endpoint) is graded here with "
            "form 2a on the OS result, also when its primary PFS was significant."
        ),
        "upgrade as one step": (
            "The QoL and the less-toxicity upgrades are applied as one step of one level "
            "(either suffices): consistent with the final maxima (form 2a 5 = 4 + 1, form "
            "2b 4 = 3 + 1), but the form's wording was not seen."
        ),
        "incremental toxicity list": (
            "Form 2b downgrade for statistically significantly increased incremental "
            "toxicity: which toxicities count was not confirmed, so the evaluator takes "
            "the judgement as an input (it is never derived from totals)."
        ),
        "QoL delayed deterioration": (
            "Whether a statistically significant delay in QoL deterioration counts as "
            "improved QoL was not confirmed: it is reported, not credited."
        ),
    }
)

MET = "met"
NOT_MET = "not met"
NOT_APPLICABLE = "not applicable"
NOT_ASSESSABLE = "not assessable"
OUTCOMES = (MET, NOT_MET, NOT_APPLICABLE, NOT_ASSESSABLE)

QOL_VALUES = ("improved", "no difference", "worse", "delayed deterioration", "not reported")

#: Figure id of the verdict (topic "interpretation").
FIGURE_ID = "interp.esmo_mcbs.grade"


@dataclass(frozen=True)
class RuleStep:
    """One rule of the form as evaluated for a trial.

    Attributes
    ----------
    rule : str
        The rule in words, e.g. "Form 2b, grade 3: HR lower limit ≤ 0.65 and gain ≥ 1.5
        months (control median ≤ 6 months)".
    inputs : str
        The values the rule was evaluated on.
    outcome : str
        ``"met"``, ``"not met"``, ``"not applicable"`` or ``"not assessable"``.
    citation : str
        The form and cell (and, for an unconfirmed cell, where it was taken from).
    """

    rule: str
    inputs: str
    outcome: str
    citation: str

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")


@dataclass(frozen=True)
class McbsResult:
    """The verdict of the ESMO-MCBS v1.1 evaluator for one trial.

    Attributes
    ----------
    eligible : bool
        Whether the trial can be graded with form 2a or 2b.
    form : str or None
        ``"2a"`` (OS), ``"2b"`` (PFS/TTP) or None when neither applies.
    form_reason : str
        Why this form applies, or why none does.
    preliminary_grade, final_grade : int or None
        Before and after the toxicity / quality-of-life adjustments; None when the
        trial is not eligible or the numbers the cells need are missing.
    adjustments : tuple of str
        Each adjustment applied, in words.
    statement : str
        The verdict in plain language.
    trace : tuple of RuleStep
        Every rule evaluated, in order.
    """

    eligible: bool
    form: str | None
    form_reason: str
    preliminary_grade: int | None
    final_grade: int | None
    adjustments: tuple[str, ...]
    statement: str
    trace: tuple[RuleStep, ...]

    @property
    def substantial(self) -> bool:
        """True when the final grade marks substantial benefit (5 or 4)."""
        return self.final_grade in SUBSTANTIAL

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """Keys of :data:`UNCONFIRMED_CELLS` that rules in the trace rest on."""
        keys = [k for k in UNCONFIRMED_CELLS if any(k in s.citation for s in self.trace)]
        return tuple(keys)


@dataclass(frozen=True)
class McbsInputs:
    """Everything the evaluator needs, so a constructed trial can test every cell.

    Times are in months; survival gains in percentage points (treatment − control).

    Attributes
    ----------
    setting : str
        ``"non-curative"``, ``"curative"`` or ``"unknown"``.
    primary_endpoint : str
        ``"OS"``, ``"PFS"``, ``"TTP"``, ``"RR"``, ``"DFS"``, ``"QoL"``, ...
    significant : bool
        The primary endpoint is statistically significant in favour of treatment.
    hr, hr_lower, hr_upper : float or None
        Hazard ratio of the primary endpoint and its 95% CI.
    median_treatment, median_control : float or None
        Medians of the primary endpoint (months).
    p : float or None
        Reported p of the primary comparison (for the statement).
    p_qualifier : str or None
        The sign p was printed with (``"<"`` for "p < 0.001"), or None for "p = ...".
    alpha : float
        Significance level the p is read against.
    design : str
        ``"superiority"`` or ``"non-inferiority"`` (equivalence included).
    os_gain_2y, os_gain_3y, os_gain_5y : float or None
        Gain in OS at 2, 3 and 5 years (percentage points), for form 2a's alternative
        grade 4 cell.
    os_significant : bool or None
        For a PFS/TTP trial: OS, a secondary endpoint, is statistically significant in
        favour of treatment (None: OS not reported).
    os_hr, os_hr_lower, os_hr_upper, os_median_treatment, os_median_control : float or None
        The OS result of a PFS/TTP trial.
    less_grade34_toxicity : bool or None
        Statistically significantly less grade 3–4 toxicity impacting daily
        well-being (None: needs a judgement the evidence does not allow).
    incremental_toxicity : bool or None
        One or more statistically significantly increased incremental toxicities
        (form 2b; None: not assessed).
    qol : str
        ``"improved"``, ``"no difference"``, ``"worse"``, ``"delayed deterioration"``
        or ``"not reported"``.
    grade34_treatment, grade34_control : float or None
        Grade 3–4 adverse event rates (%), shown with the toxicity rules.
    treatment_related_deaths : float or None
        Treatment-related deaths (patients, all arms), shown with the toxicity rules.
    setting_basis, toxicity_basis : str
        Where the setting and the toxicity judgement came from, for the trace.
    alpha_basis : str
        Why ``alpha`` has its value when the design reports none (format 1.2), shown
        in the trace; empty when it is the design's.
    figure_ids : tuple of str
        Ids of the figures the inputs were read from (provenance).
    """

    setting: str
    primary_endpoint: str
    significant: bool
    hr: float | None = None
    hr_lower: float | None = None
    hr_upper: float | None = None
    median_treatment: float | None = None
    median_control: float | None = None
    p: float | None = None
    alpha: float = 0.05
    design: str = "superiority"
    os_gain_2y: float | None = None
    os_gain_3y: float | None = None
    os_gain_5y: float | None = None
    os_significant: bool | None = None
    os_hr: float | None = None
    os_hr_lower: float | None = None
    os_hr_upper: float | None = None
    os_median_treatment: float | None = None
    os_median_control: float | None = None
    less_grade34_toxicity: bool | None = None
    incremental_toxicity: bool | None = None
    qol: str = "not reported"
    grade34_treatment: float | None = None
    grade34_control: float | None = None
    treatment_related_deaths: float | None = None
    setting_basis: str = ""
    toxicity_basis: str = ""
    figure_ids: tuple[str, ...] = field(default=())
    alpha_basis: str = ""
    p_qualifier: str | None = None

    def __post_init__(self) -> None:
        if self.qol not in QOL_VALUES:
            raise ValueError(f"qol must be one of {QOL_VALUES}, not {self.qol!r}")


# --- three-valued logic: None is "cannot tell from the inputs" ----------------------


def _all(*xs: bool | None) -> bool | None:
    if any(x is False for x in xs):
        return False
    return None if any(x is None for x in xs) else True


def _any(*xs: bool | None) -> bool | None:
    if any(x is True for x in xs):
        return True
    return None if any(x is None for x in xs) else False


def _cmp(value: float | None, test: Callable[[float], bool]) -> bool | None:
    return None if value is None else test(value)


def _n(value: float | None) -> str:
    return format_number(value)


def _cite(form: str, cell: str, unconfirmed: str | None = None) -> str:
    text = f"{CITATION}, form {form}, {cell}"
    if unconfirmed is not None:
        text += f"; wording unconfirmed: see UNCONFIRMED_CELLS[{unconfirmed!r}]"
    return text


# --- the grade cells ----------------------------------------------------------------


@dataclass(frozen=True)
class _Values:
    """What a cell is evaluated on: HR lower limit, median gain, landmark gain."""

    hr_lower: float | None
    gain: float | None
    landmark_gain: float | None  # None: not reported (the alternative is then not met)


@dataclass(frozen=True)
class _Cell:
    grade: int
    rule: str
    test: Callable[[_Values], bool | None]
    unconfirmed: str | None = None


@dataclass(frozen=True)
class _Band:
    """One sheet of a form: the cells that apply for a range of control medians."""

    form: str
    label: str  # "control median ≤ 6 months"
    sheet: str  # the sheet's name in the citation
    landmark_years: int | None
    cells: tuple[_Cell, ...]


def _landmark(v: _Values) -> bool:
    # A landmark gain that was not reported cannot earn the alternative cell.
    return v.landmark_gain is not None and v.landmark_gain >= 10


def _form_2a_band(
    label: str,
    sheet: str,
    *,
    hr_top: float,
    gain_4: float,
    gain_3: float,
    gain_2: float,
    hr_2: float,
    years: int,
    unconfirmed_top_alt: str | None,
    unconfirmed_rest: str | None,
) -> _Band:
    """Form 2a cells for one control-median band (see the module's UNCONFIRMED_CELLS)."""
    p = "Form 2a"
    cells = (
        _Cell(
            4,
            f"{p}, grade 4: HR lower limit ≤ {_n(hr_top)} and gain ≥ {_n(gain_4)} months, "
            f"or {years}-year survival gain ≥ 10% ({label})",
            lambda v: _any(
                _all(_cmp(v.hr_lower, lambda h: h <= hr_top), _cmp(v.gain, lambda g: g >= gain_4)),
                _landmark(v),
            ),
            unconfirmed_top_alt,
        ),
        _Cell(
            3,
            f"{p}, grade 3: HR lower limit ≤ {_n(hr_top)} and gain ≥ {_n(gain_3)} to "
            f"< {_n(gain_4)} months ({label})",
            lambda v: _all(
                _cmp(v.hr_lower, lambda h: h <= hr_top),
                _cmp(v.gain, lambda g: gain_3 <= g < gain_4),
            ),
            unconfirmed_rest,
        ),
        _Cell(
            2,
            f"{p}, grade 2: HR lower limit ≤ {_n(hr_top)} and gain ≥ {_n(gain_2)} to "
            f"< {_n(gain_3)} months, or HR lower limit > {_n(hr_top)} to ≤ {_n(hr_2)} and "
            f"gain ≥ {_n(gain_2)} months ({label})",
            lambda v: _any(
                _all(
                    _cmp(v.hr_lower, lambda h: h <= hr_top),
                    _cmp(v.gain, lambda g: gain_2 <= g < gain_3),
                ),
                _all(
                    _cmp(v.hr_lower, lambda h: hr_top < h <= hr_2),
                    _cmp(v.gain, lambda g: g >= gain_2),
                ),
            ),
            unconfirmed_rest,
        ),
        _Cell(
            1,
            f"{p}, grade 1: HR lower limit > {_n(hr_2)} or gain < {_n(gain_2)} months ({label})",
            lambda v: _any(
                _cmp(v.hr_lower, lambda h: h > hr_2), _cmp(v.gain, lambda g: g < gain_2)
            ),
            unconfirmed_rest,
        ),
    )
    return _Band("2a", label, sheet, years, cells)


_FORM_2A = (
    # Control median OS ≤ 12 months: every cell confirmed (form 2a sheet "≤12 months").
    _form_2a_band(
        "control median ≤ 12 months",
        "sheet median OS ≤12 months",
        hr_top=0.65,
        gain_4=3.0,
        gain_3=2.0,
        gain_2=1.5,
        hr_2=0.70,
        years=2,
        unconfirmed_top_alt=None,
        unconfirmed_rest=None,
    ),
    # Control median > 12 months: one band, as the issue states the rule (HR ≤ 0.70 AND gain
    # ≥ 5 months for the top grade). ESMO's forms page also lists a separate >24-month
    # sheet, but its cells could not be confirmed, so none is invented for it.
    _form_2a_band(
        "control median > 12 months",
        "sheet median OS >12 months",
        hr_top=0.70,
        gain_4=5.0,
        gain_3=3.0,
        gain_2=1.5,
        hr_2=0.75,
        years=3,
        unconfirmed_top_alt="2a >12 lower cells",
        unconfirmed_rest="2a >12 lower cells",
    ),
)


def _form_2b_band(label: str, sheet: str, *, gain_3: float) -> _Band:
    p = "Form 2b"
    cells = (
        _Cell(
            3,
            f"{p}, grade 3: HR lower limit ≤ 0.65 and gain ≥ {_n(gain_3)} months ({label})",
            lambda v: _all(
                _cmp(v.hr_lower, lambda h: h <= 0.65), _cmp(v.gain, lambda g: g >= gain_3)
            ),
        ),
        _Cell(
            2,
            f"{p}, grade 2: HR lower limit ≤ 0.65 and gain < {_n(gain_3)} months ({label})",
            lambda v: _all(
                _cmp(v.hr_lower, lambda h: h <= 0.65), _cmp(v.gain, lambda g: g < gain_3)
            ),
            "2b grades 2 and 1",
        ),
        _Cell(
            1,
            f"{p}, grade 1: HR lower limit > 0.65 ({label})",
            lambda v: _cmp(v.hr_lower, lambda h: h > 0.65),
            "2b grades 2 and 1",
        ),
    )
    return _Band("2b", label, sheet, None, cells)


_FORM_2B = (
    _form_2b_band("control median ≤ 6 months", "sheet median PFS ≤6 months", gain_3=1.5),
    _form_2b_band("control median > 6 months", "sheet median PFS >6 months", gain_3=3.0),
)


def _band(form: str, control_median: float) -> _Band:
    if form == "2b":
        return _FORM_2B[0] if control_median <= 6 else _FORM_2B[1]
    if control_median <= 12:
        return _FORM_2A[0]
    return _FORM_2A[1]


# --- the evaluator ------------------------------------------------------------------


@dataclass(frozen=True)
class _Graded:
    """The numbers a form is applied to (primary endpoint, or OS of a PFS trial)."""

    endpoint: str
    hr: float | None
    hr_lower: float | None
    hr_upper: float | None
    median_treatment: float | None
    median_control: float | None

    @property
    def gain(self) -> float | None:
        if self.median_treatment is None or self.median_control is None:
            return None
        # Rounded so that printed medians (4.2 − 3.6) compare exactly with thresholds.
        return round(self.median_treatment - self.median_control, 9)


def _os_result(inputs: McbsInputs) -> _Graded:
    """The OS result of a PFS/TTP trial (a secondary endpoint)."""
    return _Graded(
        "OS",
        inputs.os_hr,
        inputs.os_hr_lower,
        inputs.os_hr_upper,
        inputs.os_median_treatment,
        inputs.os_median_control,
    )


def _significance_text(
    p: float | None,
    hr: float | None,
    lo: float | None,
    hi: float | None,
    p_qualifier: str | None = None,
):
    parts = []
    if p is not None:
        parts.append(f"p {QUALIFIER_SIGNS.get(p_qualifier or '', '=')} {_n(p)}")
    if lo is not None and hi is not None:
        verb = "includes" if lo <= 1 <= hi else "excludes"
        parts.append(f"HR CI {_n(lo)}–{_n(hi)} {verb} 1")
    elif hr is not None:
        parts.append(f"HR {_n(hr)}")
    return "; ".join(parts)


def _effect_text(g: _Graded) -> str:
    hr = "HR not reported" if g.hr is None else f"HR {_n(g.hr)}"
    if g.hr_lower is not None and g.hr_upper is not None:
        hr += f" (95% CI {_n(g.hr_lower)}–{_n(g.hr_upper)})"
    return hr


def _cell_inputs(g: _Graded, v: _Values, band: _Band) -> str:
    parts = [
        "HR 95% CI lower limit " + ("not reported" if g.hr_lower is None else _n(g.hr_lower)),
        "median gain " + ("not computable" if v.gain is None else f"{_n(v.gain)} months"),
        "control median "
        + ("not reported" if g.median_control is None else f"{_n(g.median_control)} months"),
    ]
    if band.landmark_years is not None:
        parts.append(
            f"{band.landmark_years}-year survival gain "
            + ("not reported" if v.landmark_gain is None else f"{_n(v.landmark_gain)}%")
        )
    return "; ".join(parts)


def _outcome(value: bool | None) -> str:
    return {True: MET, False: NOT_MET, None: NOT_ASSESSABLE}[value]


def evaluate(inputs: McbsInputs) -> McbsResult:
    """Apply ESMO-MCBS v1.1 forms 2a/2b to a trial and trace every rule.

    Parameters
    ----------
    inputs : McbsInputs
        The trial's setting, design, primary result, OS (for a PFS trial), toxicity
        and quality of life.

    Returns
    -------
    McbsResult
        Eligibility, form, preliminary and final grade, adjustments, a plain-language
        statement and the trace.

    Notes
    -----
    Order of evaluation, as on the forms: setting (non-curative), design
    (superiority; non-inferiority goes to form 2c), form by primary endpoint (OS → 2a,
    PFS/TTP → 2b), statistical significance (of the primary endpoint, or of OS as a
    secondary endpoint, which is then graded with form 2a), the sheet by control
    median, each grade cell from the highest down, then the adjustments. The
    preliminary grade is the highest cell met; a cell that cannot be evaluated
    (a missing median) above it leaves the grade unassessable rather than guessed.
    Thresholds are compared with the printed values (HR lower limit ≤ 0.65 is met by
    0.65). Final grades are kept within 1 and the form's maximum (2a: 5, 2b: 4).

    Examples
    --------
    >>> r = evaluate(McbsInputs("non-curative", "PFS", True, hr=0.5, hr_lower=0.4,
    ...                         hr_upper=0.62, median_treatment=6.0, median_control=4.0))
    >>> r.form, r.preliminary_grade, r.final_grade
    ('2b', 3, 3)
    """
    trace: list[RuleStep] = []
    primary = _Graded(
        inputs.primary_endpoint,
        inputs.hr,
        inputs.hr_lower,
        inputs.hr_upper,
        inputs.median_treatment,
        inputs.median_control,
    )

    def not_eligible(form: str | None, reason: str, statement: str) -> McbsResult:
        if form is not None:
            _trace_cells_not_applicable(form, primary, inputs, trace)
        return McbsResult(False, form, reason, None, None, (), statement, tuple(trace))

    # 1. Setting: forms 2a and 2b are for therapies not likely to be curative.
    setting_ok = inputs.setting == "non-curative"
    trace.append(
        RuleStep(
            "Setting: forms 2a and 2b grade therapies that are not likely to be curative "
            "(curative and adjuvant therapies are graded with form 1)",
            f"setting {inputs.setting}"
            + (f" ({inputs.setting_basis})" if inputs.setting_basis else ""),
            MET if setting_ok else (NOT_ASSESSABLE if inputs.setting == "unknown" else NOT_MET),
            _cite("2a/2b", "heading"),
        )
    )
    if not setting_ok:
        if inputs.setting == "curative":
            return not_eligible(
                None,
                "Curative setting: graded with form 1, which is not implemented here.",
                "Not graded here: in the curative setting ESMO-MCBS uses form 1, which "
                "this evaluator does not implement.",
            )
        return not_eligible(
            None,
            "The setting (curative or not) could not be determined.",
            "Not graded: whether the therapy is given with curative intent could not be "
            "determined, so no form can be chosen.",
        )

    # 2. Design: non-inferiority / equivalence studies are graded with form 2c.
    superiority = inputs.design == "superiority"
    trace.append(
        RuleStep(
            "Design: forms 2a and 2b grade superiority comparisons; non-inferiority and "
            "equivalence studies (similar efficacy with less toxicity or better QoL) are "
            "graded with form 2c",
            f"design {inputs.design}",
            MET if superiority else NOT_MET,
            _cite("2c", "heading"),
        )
    )
    if not superiority:
        return not_eligible(
            None,
            "Non-inferiority or equivalence design: graded with form 2c, not implemented here.",
            "Not graded here: non-inferiority and equivalence studies are graded with "
            "ESMO-MCBS form 2c (similar efficacy with less toxicity or better quality of "
            "life), which this evaluator does not implement.",
        )

    # 3. The form follows the primary endpoint.
    code = inputs.primary_endpoint.upper()
    form = "2a" if code == "OS" else "2b" if code in ("PFS", "TTP") else None
    trace.append(
        RuleStep(
            "Form: primary endpoint OS → form 2a; PFS or TTP → form 2b; any other "
            "primary endpoint → form 2c",
            f"primary endpoint {inputs.primary_endpoint}",
            MET if form is not None else NOT_MET,
            _cite("2a/2b/2c", "headings", "2b TTP" if code == "TTP" else None),
        )
    )
    if form is None:
        return not_eligible(
            None,
            f"Primary endpoint {inputs.primary_endpoint}: graded with form 2c, not "
            "implemented here.",
            f"Not graded here: a primary endpoint of {inputs.primary_endpoint} is graded "
            "with ESMO-MCBS form 2c, which this evaluator does not implement.",
        )

    # 4. Only statistically significant benefit is graded.
    sig_text = _significance_text(
        inputs.p, inputs.hr, inputs.hr_lower, inputs.hr_upper, inputs.p_qualifier
    )
    trace.append(
        RuleStep(
            "Eligibility: the primary endpoint shows a statistically significant benefit "
            "of the experimental arm",
            f"{inputs.primary_endpoint}: {sig_text or 'no p or CI reported'}; α = "
            f"{_n(inputs.alpha)}" + (f" ({inputs.alpha_basis})" if inputs.alpha_basis else ""),
            MET if inputs.significant else NOT_MET,
            f"{CITATION} (scale applies to statistically significant results)",
        )
    )

    # 5. A PFS/TTP trial may still be graded on OS, a secondary endpoint (form 2a).
    graded, route = primary, form
    os_note = ""
    if form == "2b":
        os_text = (
            "OS not reported"
            if inputs.os_significant is None
            else f"OS {'significant' if inputs.os_significant else 'not significant'}: "
            + _effect_text(_os_result(inputs))
        )
        trace.append(
            RuleStep(
                "Eligibility (alternative): OS, a secondary endpoint, shows a statistically "
                "significant benefit → graded with form 2a on OS",
                os_text,
                _outcome(inputs.os_significant),
                _cite("2a", "heading", "2a precedence"),
            )
        )
        if inputs.os_significant:
            route = "2a"
            graded = _os_result(inputs)
        elif inputs.os_significant is None:
            os_note = (
                " Overall survival (a secondary endpoint that could also qualify the trial) "
                "was not reported."
            )
        else:
            os_note = " Overall survival, a secondary endpoint, was not significant either."

    if not inputs.significant and route == form:
        reason = (
            f"Form {form} applies (non-curative setting, primary endpoint "
            f"{inputs.primary_endpoint}), but the trial is not eligible for grading."
        )
        if inputs.hr_lower is not None and inputs.hr_lower > 1:
            verdict = "favoured the control arm"
        else:
            verdict = "was not statistically significant"
        statement = (
            f"Not eligible for grading: the primary endpoint ({inputs.primary_endpoint}) "
            f"{verdict} ({sig_text or 'no p or CI reported'})." + os_note
        )
        return not_eligible(form, reason, statement)

    if route == "2a" and form == "2b":
        reason = (
            f"Form 2a: non-curative setting; OS, a secondary endpoint of this "
            f"{inputs.primary_endpoint} trial, was statistically significant."
        )
    else:
        reason = (
            f"Form {route}: non-curative setting, primary endpoint "
            f"{inputs.primary_endpoint}, statistically significant."
        )

    # 6. The sheet follows the control median.
    if graded.median_control is None:
        trace.append(
            RuleStep(
                f"Form {route} sheet: chosen by the control arm's median {graded.endpoint}",
                "control median not reported",
                NOT_ASSESSABLE,
                _cite(route, "sheets"),
            )
        )
        return McbsResult(
            True,
            route,
            reason,
            None,
            None,
            (),
            f"Eligible for ESMO-MCBS form {route}, but not gradable: the control arm's "
            f"median {graded.endpoint} was not reported, and every cell depends on it.",
            tuple(trace),
        )
    band = _band(route, graded.median_control)
    trace.append(
        RuleStep(
            f"Form {route} sheet: {band.label}",
            f"control median {graded.endpoint} {_n(graded.median_control)} months",
            MET,
            _cite(route, band.sheet),
        )
    )

    # 7. The grade cells, highest first.
    landmark = None
    if band.landmark_years is not None:
        landmark = {2: inputs.os_gain_2y, 3: inputs.os_gain_3y, 5: inputs.os_gain_5y}[
            band.landmark_years
        ]
    values = _Values(graded.hr_lower, graded.gain, landmark)
    cell_inputs = _cell_inputs(graded, values, band)
    preliminary: int | None = None
    blocked = False
    decided_by: _Cell | None = None
    for cell in band.cells:
        result = cell.test(values)
        trace.append(
            RuleStep(
                cell.rule,
                cell_inputs,
                _outcome(result),
                _cite(route, f"{band.sheet}, grade {cell.grade}", cell.unconfirmed),
            )
        )
        if preliminary is None and not blocked:
            if result is True:
                preliminary, decided_by = cell.grade, cell
            elif result is None:
                blocked = True

    if preliminary is None:
        missing = "HR CI lower limit" if graded.hr_lower is None else "median gain"
        return McbsResult(
            True,
            route,
            reason,
            None,
            None,
            (),
            f"Eligible for ESMO-MCBS form {route}, but not gradable: the {missing} "
            f"needed by the form's cells is not available ({cell_inputs}).",
            tuple(trace),
        )

    # 8. Adjustments.
    final, applied = _adjust(route, preliminary, inputs, trace)

    statement = _graded_statement(route, band, preliminary, final, applied, decided_by, values)
    if route == "2a" and form == "2b":
        statement = (
            f"Graded on overall survival (a secondary endpoint of this "
            f"{inputs.primary_endpoint} trial): " + statement
        )
    return McbsResult(True, route, reason, preliminary, final, applied, statement, tuple(trace))


def _adjust(
    form: str, preliminary: int, inputs: McbsInputs, trace: list[RuleStep]
) -> tuple[int, tuple[str, ...]]:
    """Apply the form's toxicity and quality-of-life adjustments, tracing each."""
    applied: list[str] = []
    grade = preliminary
    tox_context = []
    if inputs.grade34_treatment is not None and inputs.grade34_control is not None:
        tox_context.append(
            f"grade 3–4 adverse events {_n(inputs.grade34_treatment)}% vs "
            f"{_n(inputs.grade34_control)}%"
        )
    if inputs.treatment_related_deaths is not None:
        tox_context.append(f"treatment-related deaths {_n(inputs.treatment_related_deaths)}")
    if inputs.toxicity_basis:
        tox_context.append(inputs.toxicity_basis)

    # Upgrade: improved QoL, or statistically significantly less grade 3–4 toxicity
    # impacting daily well-being (forms 2a and 2b).
    qol_improved = inputs.qol == "improved"
    up = _any(qol_improved, inputs.less_grade34_toxicity)
    note = ""
    if inputs.qol == "delayed deterioration":
        note = " (delayed QoL deterioration reported, not credited)"
    trace.append(
        RuleStep(
            f"Form {form}, adjustment: upgrade 1 level if QoL is improved or grade 3–4 "
            "toxicity impacting daily well-being is statistically significantly less "
            f"(final grade at most {FINAL_MAX[form]})",
            f"QoL {inputs.qol}{note}; significantly less grade 3–4 toxicity: "
            + {True: "yes", False: "no", None: "not assessable"}[inputs.less_grade34_toxicity]
            + (f" ({'; '.join(tox_context)})" if tox_context else ""),
            _outcome(up),
            f"{_cite(form, 'adjustments', 'upgrade as one step')} ({ADJUSTMENT_SOURCE})"
            + ("; QoL: see UNCONFIRMED_CELLS['QoL delayed deterioration']" if note else ""),
        )
    )
    if up:
        why = (
            "improved quality of life" if qol_improved else "significantly less grade 3–4 toxicity"
        )
        grade += 1
        applied.append(f"Upgraded 1 level for {why}.")

    if form == "2b":
        trace.append(
            RuleStep(
                "Form 2b, adjustment: downgrade 1 level if one or more incremental "
                "toxicities are statistically significantly increased",
                "increased incremental toxicity: "
                + {True: "yes", False: "no", None: "not assessed"}[inputs.incremental_toxicity]
                + (f" ({'; '.join(tox_context)})" if tox_context else ""),
                _outcome(inputs.incremental_toxicity),
                f"{_cite('2b', 'adjustments', 'incremental toxicity list')} ({ADJUSTMENT_SOURCE})",
            )
        )
        if inputs.incremental_toxicity:
            grade -= 1
            applied.append("Downgraded 1 level for increased incremental toxicity.")

        only_pfs = inputs.os_significant is not True
        no_qol_gain = inputs.qol in ("no difference", "worse")
        down = only_pfs and no_qol_gain
        trace.append(
            RuleStep(
                "Form 2b, adjustment: downgrade 1 level if only PFS is improved and the QoL "
                "assessment shows no improvement (no downgrade when QoL was not assessed)",
                f"OS benefit {'shown' if not only_pfs else 'not shown'}; QoL {inputs.qol}",
                MET if down else NOT_MET,
                f"{_cite('2b', 'adjustments')} ({ADJUSTMENT_SOURCE})",
            )
        )
        if down:
            grade -= 1
            applied.append(
                "Downgraded 1 level: only progression-free survival improved and quality "
                "of life did not."
            )
    return max(1, min(FINAL_MAX[form], grade)), tuple(applied)


def _graded_statement(
    form: str,
    band: _Band,
    preliminary: int,
    final: int,
    applied: tuple[str, ...],
    cell: _Cell | None,
    values: _Values,
) -> str:
    what = (
        "substantial benefit"
        if final in SUBSTANTIAL
        else "benefit below the substantial grades 4–5"
    )
    basis = (
        f"HR CI lower limit {_n(values.hr_lower)}, median gain "
        f"{'not computable' if values.gain is None else _n(values.gain) + ' months'}"
    )
    if band.landmark_years is not None and values.landmark_gain is not None:
        basis += f", {band.landmark_years}-year survival gain {_n(values.landmark_gain)}%"
    text = (
        f"ESMO-MCBS v1.1 grade {final} (form {form}, non-curative; {what}): preliminary "
        f"grade {preliminary} ({basis}; {band.label})"
    )
    if applied:
        text += "; " + " ".join(applied).rstrip(".").lower() + "."
    else:
        text += "; no adjustment."
    if cell is not None and cell.unconfirmed is not None:
        text += " The deciding cell's wording could not be confirmed against the published form."
    return text


def _trace_cells_not_applicable(
    form: str, graded: _Graded, inputs: McbsInputs, trace: list[RuleStep]
) -> None:
    """Show the form's cells for an ineligible trial, with its numbers, as not applicable."""
    if graded.median_control is None:
        return
    band = _band(form, graded.median_control)
    landmark = None
    if band.landmark_years is not None:
        landmark = {2: inputs.os_gain_2y, 3: inputs.os_gain_3y, 5: inputs.os_gain_5y}[
            band.landmark_years
        ]
    text = _cell_inputs(graded, _Values(graded.hr_lower, graded.gain, landmark), band)
    for cell in band.cells:
        trace.append(
            RuleStep(
                cell.rule,
                text,
                NOT_APPLICABLE,
                _cite(form, f"{band.sheet}, grade {cell.grade}", cell.unconfirmed),
            )
        )


# --- from evidence ------------------------------------------------------------------


class FigureLookup(Protocol):
    """Anything that finds a figure by id: a ``FigureSet`` or a ``Summary``."""

    def get(self, id: str) -> Figure | None: ...


_NON_CURATIVE = (
    "advanced",
    "metastatic",
    "recurrent",
    "unresectable",
    "inoperable",
    "palliative",
    "non-curative",
    "second line",
    "second-line",
    "first-line",
    "first line",
    "refractory",
)
_CURATIVE = ("adjuvant", "neoadjuvant", "early", "curative", "localised", "localized")
_NON_INFERIORITY = re.compile(r"non-?inferiority|equivalence", re.IGNORECASE)
_MONTHS_PER = {"months": 1.0, "weeks": 7 / 30.4375, "days": 1 / 30.4375, "years": 12.0}


def endpoint_code(id: str, name: str) -> str:
    """Short code of an endpoint from its id and name: ``"OS"``, ``"PFS"``, ``"TTP"``, ..."""
    text = f"{id} {name}".lower()
    if "progression-free" in text or "progression free" in text or re.search(r"\bpfs\b", text):
        return "PFS"
    if "time to progression" in text or re.search(r"\bttp\b", text):
        return "TTP"
    if "overall survival" in text or re.search(r"\bos\b", text):
        return "OS"
    if "disease-free" in text or "disease free" in text or re.search(r"\bdfs\b", text):
        return "DFS"
    if "quality of life" in text or re.search(r"\bqol\b", text):
        return "QoL"
    if "response" in text or re.search(r"\borr\b", text):
        return "RR"
    return name


def _setting(evidence: Evidence) -> tuple[str, str]:
    t = evidence.trial
    for label, text in (("population", t.population), ("setting", t.setting)):
        for word in _NON_CURATIVE:
            if word in text.lower():
                return "non-curative", f"{label}: “{text}”"
    for label, text in (("population", t.population), ("setting", t.setting)):
        for word in _CURATIVE:
            if re.search(rf"\b{word}\b", text.lower()):
                return "curative", f"{label}: “{text}”"
    return "unknown", f"population: “{t.population}”; setting: “{t.setting}”"


def _months(value: float | None, unit: str) -> float | None:
    return None if value is None else value * _MONTHS_PER.get(unit, 1.0)


def _pair_ids(evidence: Evidence) -> tuple[str, str]:
    """Treatment and control arm ids of the primary comparison (see :mod:`.arms`)."""
    pair = primary_pair(evidence)
    if pair is None:
        raise ValueError("ESMO-MCBS forms 2a/2b need a control arm")
    return pair.key


def _alpha(evidence: Evidence) -> tuple[float, str]:
    """The α the primary p is read against, and why when it is not the design's."""
    if evidence.design.alpha is not None:
        return evidence.design.alpha.value, ""
    return 0.05, "the design's α is not reported; the conventional two-sided 0.05 is used"


def ungradable(evidence: Evidence) -> McbsResult | None:
    """The verdict for evidence forms 2a/2b cannot grade at all, else None.

    A single-group study (no control arm: form 3, not implemented here) and evidence
    whose primary outcome is not an endpoint (none named, or a registry outcome
    measure kept as recorded, without the hazard ratio and medians the forms need).
    """
    if primary_pair(evidence) is None:
        reason = (
            "A single-group study has no control arm; single-arm studies are graded with "
            "ESMO-MCBS form 3, which this evaluator does not implement."
        )
        statement = "Not graded: a single-group study has no control arm to compare with."
    elif evidence.primary_endpoint is None:
        title = primary_outcome_title(evidence)
        if title is not None:
            reason = (
                f"The primary outcome is a registry outcome measure (“{title}”), kept as "
                "the record states it, without the hazard ratio and medians by arm that "
                "forms 2a and 2b grade."
            )
        else:
            reason = "The evidence names no primary endpoint, so no form can be chosen."
        statement = "Not graded: " + reason[0].lower() + reason[1:]
    else:
        return None
    step = RuleStep("Eligibility for forms 2a/2b", reason, NOT_ASSESSABLE, CITATION)
    return McbsResult(False, None, reason, None, None, (), statement, (step,))


def _p_qualifier(ep: object, figures: FigureLookup) -> str | None:
    """The sign the primary endpoint's p was printed with ("<" for "p < 0.001")."""
    if not isinstance(ep, TimeToEventEndpoint):
        return None
    p_fig = figures.get(f"{ep.id}.p")
    return None if p_fig is None else p_fig.qualifier


def _tte_result(
    evidence: Evidence, ep: TimeToEventEndpoint, figures: FigureLookup, used: list[str]
) -> tuple[_Graded, float | None, bool]:
    """HR, CI, medians (months), p and significance of a time-to-event endpoint."""
    kind = ep.effect.kind.lower() if ep.effect is not None else "hr"
    hr_fig = figures.get(f"{ep.id}.{kind}")
    p_fig = figures.get(f"{ep.id}.p")
    t, c = _pair_ids(evidence)
    mt_fig = figures.get(f"{ep.id}.median.{t}")
    mc_fig = figures.get(f"{ep.id}.median.{c}")
    used += [f.id for f in (hr_fig, p_fig, mt_fig, mc_fig) if f is not None]
    graded = _Graded(
        endpoint_code(ep.id, ep.name),
        None if hr_fig is None else hr_fig.value,
        None if hr_fig is None else hr_fig.lower,
        None if hr_fig is None else hr_fig.upper,
        _months(None if mt_fig is None else mt_fig.value, ep.unit),
        _months(None if mc_fig is None else mc_fig.value, ep.unit),
    )
    p = None if p_fig is None else p_fig.value
    alpha = _alpha(evidence)[0]
    ci_ok = None if graded.hr_upper is None else graded.hr_upper < 1
    p_ok = None if p is None else p < alpha
    # Both must agree when both are reported; either alone decides otherwise.
    if graded.hr is None or graded.hr >= 1 or (ci_ok is None and p_ok is None):
        significant = False
    else:
        significant = bool(ci_ok if p_ok is None else p_ok if ci_ok is None else ci_ok and p_ok)
    return graded, p, significant


def _landmark_gains(
    evidence: Evidence, ep: TimeToEventEndpoint, figures: FigureLookup, used: list[str]
) -> dict[int, float]:
    """Survival gain (percentage points) at 2, 3 and 5 years, where reported."""
    out: dict[int, float] = {}
    t, c = _pair_ids(evidence)
    for lm in ep.landmarks:
        months = _months(lm.time, lm.unit)
        for years in (2, 3, 5):
            if months is not None and abs(months - 12 * years) < 0.5:
                tag = format_number(lm.time)
                ft = figures.get(f"{ep.id}.landmark_{tag}.{t}")
                fc = figures.get(f"{ep.id}.landmark_{tag}.{c}")
                if ft is not None and fc is not None and None not in (ft.value, fc.value):
                    out[years] = round(ft.value - fc.value, 9)
                    used += [ft.id, fc.id]
    return out


def _grade34(evidence: Evidence, figures: FigureLookup, used: list[str]):
    """Overall grade 3–4 adverse events: rates by arm and whether significantly fewer.

    Ungraded registry entries (serious / other adverse events) never count as grade 3–4.
    """
    t, c = _pair_ids(evidence)
    for ae in evidence.adverse_events:
        if not ae.is_graded:
            continue
        if ae.grade.replace("–", "-") not in ("3-4", "≥3", ">=3", "3-5"):
            continue
        if ae.category not in (None, "any", "all") or "adverse event" not in ae.term.lower():
            continue
        rt = figures.get(f"ae.{ae.id}.percent.{t}")
        rc = figures.get(f"ae.{ae.id}.percent.{c}")
        used += [f.id for f in (rt, rc) if f is not None]
        less: bool | None = None
        basis = ""
        known = rt is not None and rc is not None and None not in (rt.value, rc.value)
        if known and rt.value >= rc.value:
            # Decided by the printed rates alone, without reconstructed counts.
            return rt.value, rc.value, False, "grade 3–4 rate not lower with treatment"
        rd = figures.get(f"ae.{ae.id}.rd")
        if rd is not None:
            used.append(rd.id)
        if rd is not None and rd.upper is not None and rd.value is not None:
            if rd.upper < 0:
                # Significantly fewer grade 3–4 events: whether they impact daily
                # well-being is a judgement the totals cannot make.
                less = None
                basis = (
                    f"grade 3–4 risk difference {rd.formatted()}: significantly fewer, but "
                    "whether they impact daily well-being needs a judgement"
                )
            else:
                less = False
                basis = f"grade 3–4 risk difference {rd.formatted()}: not significantly fewer"
        return (
            None if rt is None else rt.value,
            None if rc is None else rc.value,
            less,
            basis,
        )
    return None, None, None, ""


def _treatment_deaths(evidence: Evidence, figures: FigureLookup, used: list[str]):
    for ae in evidence.adverse_events:
        if ae.grade == "5" and (ae.category or "").startswith("treatment"):
            f = figures.get(f"ae.{ae.id}.count")
            if f is not None:
                used.append(f.id)
                return f.value
    return None


def _qol(evidence: Evidence, figures: FigureLookup, used: list[str]) -> str:
    """Quality of life from an endpoint named for it, if any."""
    for ep in evidence.endpoints:
        if endpoint_code(ep.id, ep.name) != "QoL" or not isinstance(ep, TimeToEventEndpoint):
            continue
        graded, _, significant = _tte_result(evidence, ep, figures, used)
        if graded.hr is None:
            continue
        return "delayed deterioration" if significant else "no difference"
    return "not reported"


def inputs_from_evidence(evidence: Evidence, figures: FigureLookup) -> McbsInputs:
    """Build the evaluator's inputs from an evidence file and its figures.

    Parameters
    ----------
    evidence : Evidence
        The trial.
    figures : FigureSet or Summary
        Its figures (ids as in :mod:`explorer.analysis.reported`), with the two-arm
        comparisons already added (the grade 3–4 risk difference is read from them).

    Returns
    -------
    McbsInputs
        For PALMIRA: non-curative, PFS primary, not significant (p = 0.206, HR 0.8,
        95% CI 0.6–1.1), medians 4.2 vs 3.6 months, OS not reported.

    Notes
    -----
    * Setting: non-curative when the population or setting text names advanced,
      metastatic, recurrent, unresectable or later-line disease; curative when it
      names adjuvant, neoadjuvant, early or localised disease; otherwise unknown.
    * Significance: HR < 1 and, when reported, the 95% CI excludes 1 and p < α (the
      design's α); if only one of CI and p is reported it decides.
    * Toxicity: "significantly less grade 3–4 toxicity" is False when the overall
      grade 3–4 risk difference is not significantly negative; when it is, whether
      the events impact daily well-being is left unassessed (None). Incremental
      toxicity is never derived (see ``UNCONFIRMED_CELLS``).
    * Quality of life: "not reported" unless an endpoint is named for it.
    """
    used: list[str] = []
    setting, setting_basis = _setting(evidence)
    ep = evidence.primary_endpoint
    primary_code = endpoint_code(ep.id, ep.name)
    design_text = " ".join(
        filter(None, (evidence.design.test, evidence.trial.title, evidence.trial.note))
    )
    design = "non-inferiority" if _NON_INFERIORITY.search(design_text) else "superiority"

    values: dict = {}
    significant = False
    p = None
    os_ep = None
    if isinstance(ep, TimeToEventEndpoint):
        graded, p, significant = _tte_result(evidence, ep, figures, used)
        values.update(
            hr=graded.hr,
            hr_lower=graded.hr_lower,
            hr_upper=graded.hr_upper,
            median_treatment=graded.median_treatment,
            median_control=graded.median_control,
        )
        if primary_code == "OS":
            os_ep = ep
    if os_ep is None:
        os_ep = next(
            (
                e
                for e in evidence.endpoints
                if isinstance(e, TimeToEventEndpoint)
                and e.id != ep.id
                and endpoint_code(e.id, e.name) == "OS"
                and e.effect is not None
            ),
            None,
        )
        if os_ep is not None:
            og, _, osig = _tte_result(evidence, os_ep, figures, used)
            values.update(
                os_significant=osig,
                os_hr=og.hr,
                os_hr_lower=og.hr_lower,
                os_hr_upper=og.hr_upper,
                os_median_treatment=og.median_treatment,
                os_median_control=og.median_control,
            )
    if os_ep is not None:
        gains = _landmark_gains(evidence, os_ep, figures, used)
        values.update(os_gain_2y=gains.get(2), os_gain_3y=gains.get(3), os_gain_5y=gains.get(5))

    g34_t, g34_c, less, tox_basis = _grade34(evidence, figures, used)
    deaths = _treatment_deaths(evidence, figures, used)
    qol = _qol(evidence, figures, used)
    return McbsInputs(
        setting=setting,
        primary_endpoint=primary_code,
        significant=significant,
        p=p,
        p_qualifier=_p_qualifier(ep, figures),
        alpha=_alpha(evidence)[0],
        alpha_basis=_alpha(evidence)[1],
        design=design,
        less_grade34_toxicity=less,
        incremental_toxicity=None,
        qol=qol,
        grade34_treatment=g34_t,
        grade34_control=g34_c,
        treatment_related_deaths=deaths,
        setting_basis=setting_basis,
        toxicity_basis=tox_basis,
        figure_ids=tuple(dict.fromkeys(used)),
        **values,
    )


def evaluate_evidence(evidence: Evidence, figures: FigureLookup) -> McbsResult:
    """:func:`evaluate` on :func:`inputs_from_evidence` (the verdict the app shows).

    Evidence the forms cannot grade at all gets :func:`ungradable`'s verdict.
    """
    cannot = ungradable(evidence)
    if cannot is not None:
        return cannot
    return evaluate(inputs_from_evidence(evidence, figures))


def derivation_text(result: McbsResult) -> str:
    """The verdict and every rule applied, as one paragraph (a figure's derivation)."""
    steps = "; ".join(f"{s.rule}: {s.outcome} ({s.inputs})" for s in result.trace)
    text = f"{result.statement} {result.form_reason} Rules evaluated: {steps}."
    if result.unconfirmed:
        text += (
            " Cells whose wording could not be confirmed against the published form: "
            + ", ".join(result.unconfirmed)
            + "."
        )
    # computed() appends ". Inputs: …"; keep that separator unambiguous.
    return f"{text} Scale: {CITATION}".replace(". Inputs:", ", inputs:")


def add_mcbs_figures(evidence: Evidence, figures: FigureSet) -> None:
    """Add the ESMO-MCBS verdict as ``interp.esmo_mcbs.grade`` (topic "interpretation").

    The value is the final grade, or None when the trial is not eligible or not
    gradable; the derivation holds the verdict and every rule evaluated.
    """
    cannot = ungradable(evidence)
    if cannot is not None:
        figures.add(
            computed(
                id=FIGURE_ID,
                label="ESMO-MCBS v1.1 grade",
                value=None,
                unit=None,
                method=derivation_text(cannot),
                inputs=[],
                topic="interpretation",
                decimals=0,
            )
        )
        return
    inputs = inputs_from_evidence(evidence, figures)
    result = evaluate(inputs)
    ids = inputs.figure_ids
    if not any("adjustment" in step.rule for step in result.trace):
        # Toxicity figures enter only through the adjustments.
        ids = tuple(i for i in ids if not i.startswith("ae."))
    sources = [f for f in (figures.get(i) for i in ids) if f is not None]
    label = "ESMO-MCBS v1.1 grade" + (f" (form {result.form})" if result.form else "")
    figures.add(
        computed(
            id=FIGURE_ID,
            label=label,
            value=None if result.final_grade is None else float(result.final_grade),
            unit=None,
            method=derivation_text(result),
            inputs=sources,
            topic="interpretation",
            decimals=0,
        )
    )
