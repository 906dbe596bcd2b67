"""A trial beside its peers: hazard ratios on one CI level, pooled for illustration.

An analyst puts PALMIRA next to other trials of a CDK4/6 inhibitor after progression
(MAINTAIN, PACE, postMONARCH) and asks where its hazard ratio sits. This module picks
one hazard ratio per trial (:func:`effect_choices`, :func:`default_choice`), brings
every CI to one level, pools them with :func:`explorer.stats.meta.pool` by four
estimators of the between-trial variance (:func:`compare`) and lays the designs side
by side (:func:`design_caveats`), so a reader sees how different the trials are
before reading a pooled number.

Putting CIs on one level
    Trials print CIs at different levels (PACE prints 90% CIs). The CI is taken to be
    a symmetric Wald interval on the log scale, so the standard error of the log hazard
    ratio is ``(ln upper − ln lower) / (2 z)`` with ``z`` the normal quantile of the
    printed level, and the CI at the target level is ``exp(ln HR ± z_target · SE)``.
    The printed estimate is kept as the centre: it is not moved to the geometric middle
    of the printed CI, which rounding shifts slightly (PACE: 1.11 printed, 1.107 the
    middle of 0.79–1.55). A CI printed at the target level is used as printed. A CI
    without a level is not guessed at: that trial is left out, with a note.

Pooling
    Trials print CIs, not standard errors; :func:`~explorer.stats.meta.pool` recovers
    the SE from the width of the CI at the target level (the same SE as above) and
    follows R's metafor for τ², I², Q, the CI (z, or Hartung–Knapp t) and the prediction
    interval. Differences from metafor: none in the numbers; a fixed-effect model has no
    prediction interval here (NaN), as in metafor's ``predict``, although
    :func:`~explorer.stats.meta.pool` returns its CI there.

Checked against R: ``tests/reference/compare_pooling.R`` converts the printed CIs and
runs ``metafor::rma`` on the four trials (and on two- and three-trial subsets).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import NormalDist

import pandas as pd

from explorer.evidence import Effect, Evidence, Measure, TimeToEventEndpoint

from .figures import DERIVED, RECONSTRUCTED, REPORTED, describe_source, format_number

__all__ = [
    "DEFAULT_FILES",
    "HIGHLIGHTED_METHOD",
    "INHIBITOR_CONTEXT",
    "METHODS",
    "METHOD_NAMES",
    "Comparison",
    "EffectChoice",
    "PooledEstimate",
    "StudyEffect",
    "compare",
    "default_choice",
    "default_selection",
    "design_caveats",
    "effect_choices",
]

#: Estimators of τ², in the order pooled results are listed.
METHODS = ("FE", "DL", "REML", "PM")
#: The estimator highlighted in the forest plot and the pooled table, whose weights size
#: the squares.
HIGHLIGHTED_METHOD = "REML"
#: Plain names of the estimators.
METHOD_NAMES = {
    "FE": "Fixed effect",
    "DL": "DerSimonian–Laird",
    "REML": "REML",
    "PM": "Paule–Mandel",
}
#: The context label whose values say whether the CDK4/6 inhibitor was continued or switched.
INHIBITOR_CONTEXT = "CDK4/6 inhibitor after progression"
#: Bundled evidence files checked by default in the Compare panel (PALMIRA's final
#: analysis and its three peers).
DEFAULT_FILES = (
    "palmira-jco2025.json",
    "maintain-jco2023.json",
    "pace-jco2024.json",
    "postmonarch-jco2025.json",
)

_ABBREVIATIONS = (
    ("progression-free survival", "PFS"),
    ("overall survival", "OS"),
    ("event-free survival", "EFS"),
    ("invasive disease-free survival", "iDFS"),
    ("disease-free survival", "DFS"),
    ("time to progression", "TTP"),
)
_NOT_REPORTED = "not reported"
_MISSING = "—"
_LEVEL_TOLERANCE = 1e-9


# -- choosing a hazard ratio per trial ---------------------------------------------------------


@dataclass(frozen=True)
class EffectChoice:
    """One hazard ratio of a trial that can be compared.

    Attributes
    ----------
    key : str
        ``"<endpoint id>:<effect index>"``, unique within the trial.
    endpoint_id : str
        Id of a time-to-event endpoint of the trial.
    effect_index : int
        Index into that endpoint's :attr:`~explorer.evidence.TimeToEventEndpoint.effects`.
    label : str
        E.g. ``"PFS, investigator: P+ET vs ET"``.
    """

    key: str
    endpoint_id: str
    effect_index: int
    label: str


def _short_endpoint(name: str) -> str:
    """``"Progression-free survival (central review)"`` → ``"PFS (central review)"``."""
    lowered = name.lower()
    for full, short in _ABBREVIATIONS:
        if lowered.startswith(full):
            return short + name[len(full) :]
    return name


def _assessment(text: str | None) -> str:
    """The assessor without its criteria: ``"investigator (RECIST v1.1)"`` → ``"investigator"``."""
    if not text:
        return ""
    return text.split("(")[0].strip().rstrip(",;")


def _base_endpoint(ep: TimeToEventEndpoint) -> str:
    """The endpoint without its qualifier: ``"PFS, blinded central review"`` → ``"PFS"``."""
    return re.split(r"[,(]", _short_endpoint(ep.name), maxsplit=1)[0].strip()


def _qualifier(ep: TimeToEventEndpoint) -> str:
    """The qualifier in the endpoint's name, ``""`` when none (``"blinded central review"``)."""
    name = _short_endpoint(ep.name)
    rest = name[len(_base_endpoint(ep)) :].strip(" ,()")
    return rest


def _endpoint_label(ep: TimeToEventEndpoint) -> str:
    """``"PFS, investigator"``; a name that already carries a qualifier is kept as it is."""
    name = _short_endpoint(ep.name)
    assessed = _assessment(ep.assessment)
    if assessed and name == _base_endpoint(ep) and assessed.lower() not in name.lower():
        return f"{name}, {assessed}"
    return name


def _arm_label(ev: Evidence, arm_id: str | None) -> str | None:
    if arm_id is None:
        return None
    try:
        return ev.arm(arm_id).label
    except KeyError:
        return arm_id


def _comparison_label(ev: Evidence, effect: Effect) -> str:
    """The effect's own label, else "<treatment arm> vs <control arm>"."""
    if effect.label:
        return effect.label
    treatment = _arm_label(ev, effect.treatment)
    control = _arm_label(ev, effect.control)
    if treatment is None and ev.is_two_arm:
        treatment = ev.treatment_arm.label
    if control is None and ev.has_control:
        control = ev.control_arm.label
    return f"{treatment or 'treatment'} vs {control or 'control'}"


def effect_choices(ev: Evidence) -> list[EffectChoice]:
    """Every hazard ratio of the trial's time-to-event endpoints, in file order.

    Registry outcome measures are not offered: a registry record does not say which
    group is the treatment, so the direction of its hazard ratio is unknown.
    """
    out = []
    for ep in ev.endpoints:
        if not isinstance(ep, TimeToEventEndpoint):
            continue
        for i, effect in enumerate(ep.effects):
            if effect.kind != "HR":
                continue
            label = f"{_endpoint_label(ep)}: {_comparison_label(ev, effect)}"
            out.append(EffectChoice(f"{ep.id}:{i}", ep.id, i, label))
    return out


def _is_pfs_like(ep: TimeToEventEndpoint) -> bool:
    return ep.id.lower().startswith("pfs") or "progression-free" in ep.name.lower()


def default_choice(ev: Evidence) -> EffectChoice | None:
    """The primary endpoint's first hazard ratio, else the first PFS-like endpoint's.

    None when the trial has neither (an OS-only trial is not silently compared on OS).
    """
    choices = effect_choices(ev)
    primary = ev.primary_endpoint
    if primary is not None:
        for choice in choices:
            if choice.endpoint_id == primary.id:
                return choice
    for choice in choices:
        ep = ev.endpoint(choice.endpoint_id)
        if isinstance(ep, TimeToEventEndpoint) and _is_pfs_like(ep):
            return choice
    return None


def default_selection(evidences: Sequence[Evidence]) -> list[bool]:
    """Which trials to check when the Compare panel opens.

    The bundled files of :data:`DEFAULT_FILES` when at least two of them are given;
    otherwise every trial with a :func:`default_choice`, one per registry id (the last
    given wins, so a later data cut replaces an earlier one).
    """
    names = [Path(ev.origin).name for ev in evidences]
    bundled = [name in DEFAULT_FILES for name in names]
    if sum(bundled) >= 2:
        return bundled
    keep: dict[str, int] = {}
    for i, ev in enumerate(evidences):
        if default_choice(ev) is not None:
            keep[ev.trial.registry_id] = i
    chosen = set(keep.values())
    return [i in chosen for i in range(len(evidences))]


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyEffect:
    """One trial's hazard ratio as it enters the comparison.

    Attributes
    ----------
    trial : str
        The trial's acronym.
    comparison : str
        The compared arms, e.g. ``"F + P vs F"``.
    endpoint : str
        E.g. ``"PFS, investigator"``.
    estimate : float
        The hazard ratio as printed (never re-centred).
    reported_lower, reported_upper, reported_level : float
        The CI as printed and its level.
    lower, upper, level : float
        The CI at the comparison's level (the printed one when the levels agree).
    se_log : float
        Standard error of the log hazard ratio implied by the printed CI.
    converted : bool
        True when the CI was brought to another level.
    conversion : str
        How, in plain text with the numbers.
    status : str
        ``"reported"`` when used as printed, ``"derived"`` when converted
        (``"reconstructed"`` when the hazard ratio itself is).
    source : str
        Where the hazard ratio was printed, or its derivation.
    weight : dict of str to float
        The trial's weight in percent in each pooled estimate, by method (empty with
        fewer than two trials).
    cut : str
        The data cut the figures come from (tells two cuts of one trial apart).
    registry_id : str
        The trial's registry id.
    base_endpoint : str
        The endpoint without qualifier (``"PFS"``), to tell different endpoints apart.
    assessment : str
        Who assessed it (``"investigator"``), or ``""`` when the source does not say.
    """

    trial: str
    comparison: str
    endpoint: str
    estimate: float
    reported_lower: float
    reported_upper: float
    reported_level: float
    lower: float
    upper: float
    level: float
    se_log: float
    converted: bool
    conversion: str
    status: str
    source: str
    weight: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    cut: str = ""
    registry_id: str = ""
    base_endpoint: str = ""
    assessment: str = ""


@dataclass(frozen=True)
class PooledEstimate:
    """The pooled hazard ratio by one estimator of τ².

    ``pred_lower``/``pred_upper`` are the prediction interval for the hazard ratio of a
    new, similar trial; NaN for the fixed-effect model, which has none.
    """

    method: str
    estimate: float
    lower: float
    upper: float
    tau2: float
    i2: float
    q: float
    q_p: float
    pred_lower: float
    pred_upper: float
    k: int
    hartung_knapp: bool
    formula: str


@dataclass(frozen=True)
class Comparison:
    """Trials side by side: their hazard ratios, the pooled estimates and the caveats.

    ``pooled`` holds FE, DL, REML and PM in that order, or nothing with fewer than two
    trials. ``warning`` is the plain statement that pooling different trials is
    illustrative (empty with fewer than two trials); ``notes`` say which trials were
    left out and why (those sentences are also in ``refused``), and what the numbers
    can and cannot carry.
    """

    studies: tuple[StudyEffect, ...]
    level: float
    pooled: tuple[PooledEstimate, ...]
    hartung_knapp: bool
    caveats: pd.DataFrame = field(compare=False, hash=False)
    warning: str
    notes: tuple[str, ...]
    refused: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        """Number of trials pooled."""
        return len(self.studies)

    def pooled_by(self, method: str) -> PooledEstimate | None:
        """The pooled estimate of ``method`` ("FE", "DL", "REML", "PM"), or None."""
        return next((p for p in self.pooled if p.method == method), None)

    def studies_frame(self) -> pd.DataFrame:
        """One row per trial: numbers, display text, conversion, source and weights."""
        rows = []
        for s in self.studies:
            row = {
                "trial": s.trial,
                "comparison": s.comparison,
                "endpoint": s.endpoint,
                "estimate": s.estimate,
                "lower": s.lower,
                "upper": s.upper,
                "level": s.level,
                "reported_lower": s.reported_lower,
                "reported_upper": s.reported_upper,
                "reported_level": s.reported_level,
                "se_log": s.se_log,
                "converted": s.converted,
                "display": f"{_ratio(s.estimate)} ({_ratio(s.lower)}–{_ratio(s.upper)})",
                "printed": (
                    f"{_ratio(s.estimate)} ({_pct(s.reported_level)} CI "
                    f"{_ratio(s.reported_lower)}–{_ratio(s.reported_upper)})"
                ),
                "conversion": s.conversion,
                "status": s.status,
                "source": s.source,
            }
            for method in METHODS:
                row[f"weight_{method}"] = s.weight.get(method, math.nan)
            rows.append(row)
        columns = [
            "trial", "comparison", "endpoint", "estimate", "lower", "upper", "level",
            "reported_lower", "reported_upper", "reported_level", "se_log", "converted",
            "display", "printed", "conversion", "status", "source",
            *(f"weight_{m}" for m in METHODS),
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    def pooled_frame(self) -> pd.DataFrame:
        """One row per method: numbers and the text a table shows (estimate with CI, PI)."""
        rows = []
        pct = f"{self.level * 100:g}%"
        for p in self.pooled:
            if math.isnan(p.pred_lower):
                pi = "none (fixed effect)"
            else:
                pi = f"{_ratio(p.pred_lower)}–{_ratio(p.pred_upper)}"
            rows.append(
                {
                    "method": p.method,
                    "method_name": METHOD_NAMES[p.method],
                    "estimate": p.estimate,
                    "lower": p.lower,
                    "upper": p.upper,
                    "tau2": p.tau2,
                    "i2": p.i2,
                    "q": p.q,
                    "q_p": p.q_p,
                    "pred_lower": p.pred_lower,
                    "pred_upper": p.pred_upper,
                    "k": p.k,
                    "hartung_knapp": p.hartung_knapp,
                    "estimate_text": (
                        f"{_ratio(p.estimate)} ({pct} CI {_ratio(p.lower)}–{_ratio(p.upper)})"
                    ),
                    "tau2_text": "0 (assumed)" if p.method == "FE" else f"{p.tau2:.3f}",
                    "i2_text": f"{p.i2:.0f}%",
                    "q_text": f"{p.q:.2f} (p = {_p(p.q_p)}), {p.k - 1} df",
                    "pi_text": pi,
                    "formula": p.formula,
                    "status": DERIVED,
                }
            )
        columns = [
            "method", "method_name", "estimate", "lower", "upper", "tau2", "i2", "q", "q_p",
            "pred_lower", "pred_upper", "k", "hartung_knapp", "estimate_text", "tau2_text",
            "i2_text", "q_text", "pi_text", "formula", "status",
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)


def _ratio(x: float) -> str:
    return format_number(x, 2)


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}" if p < 0.1 else f"{p:.2f}"


def _z(level: float) -> float:
    """Two-sided normal quantile of a CI level: 1.960 for 0.95."""
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def _pct(level: float) -> str:
    return f"{level * 100:g}%"


# -- one trial's hazard ratio ------------------------------------------------------------------


class _Refused(Exception):
    """A trial that cannot enter the comparison; the message says why, plainly."""


def _effect(ev: Evidence, choice: EffectChoice) -> tuple[TimeToEventEndpoint, Effect]:
    try:
        ep = ev.endpoint(choice.endpoint_id)
    except KeyError:
        raise _Refused(f"it has no endpoint {choice.endpoint_id!r}") from None
    if not isinstance(ep, TimeToEventEndpoint) or not (0 <= choice.effect_index < len(ep.effects)):
        raise _Refused(f"it has no hazard ratio {choice.key!r}")
    return ep, ep.effects[choice.effect_index]


def _check_measure(m: Measure) -> None:
    shown = format_number(m.value, m.decimals)
    if not m.has_ci:
        raise _Refused(f"the hazard ratio {shown} is printed without a confidence interval")
    lower, upper = float(m.lower), float(m.upper)  # type: ignore[arg-type]
    ci = f"{format_number(lower, m.decimals)}–{format_number(upper, m.decimals)}"
    if m.level is None:
        raise _Refused(
            f"the CI {ci} of its hazard ratio {shown} has no level (95%? 90%?), "
            "and its width cannot be read without one; it is left out rather than guessed"
        )
    if not (m.value > 0 and lower > 0 and upper > lower):
        raise _Refused(f"its hazard ratio {shown} ({ci}) is not a usable ratio with a CI")
    if m.qualifier is not None:
        raise _Refused(f"its hazard ratio is printed as a bound ({m.formatted}), not a value")


def _study(ev: Evidence, choice: EffectChoice, level: float) -> StudyEffect:
    ep, effect = _effect(ev, choice)
    m = effect.estimate
    _check_measure(m)
    lower, upper, rep_level = float(m.lower), float(m.upper), float(m.level)  # type: ignore[arg-type]
    z_rep = _z(rep_level)
    se = (math.log(upper) - math.log(lower)) / (2.0 * z_rep)
    d = m.decimals if m.decimals is not None else 2
    printed = f"{_pct(rep_level)} CI {format_number(lower, d)}–{format_number(upper, d)}"
    se_text = (
        f"SE of log HR (ln {format_number(upper, d)} − ln {format_number(lower, d)}) / "
        f"(2 × {z_rep:.3f}) = {se:.3f}"
    )
    if abs(rep_level - level) < _LEVEL_TOLERANCE:
        new_lower, new_upper, converted = lower, upper, False
        conversion = f"reported at {_pct(rep_level)}, used as printed ({se_text})"
    else:
        z_new = _z(level)
        centre = math.log(m.value)
        new_lower = math.exp(centre - z_new * se)
        new_upper = math.exp(centre + z_new * se)
        converted = True
        conversion = (
            f"{printed} → {se_text} → {_pct(level)} CI "
            f"{format_number(new_lower, 2)}–{format_number(new_upper, 2)} "
            f"(exp(ln {format_number(m.value, d)} ± {z_new:.3f} × {se:.3f}); symmetric Wald "
            "CI on the log scale assumed, printed estimate kept)"
        )
    if m.status == RECONSTRUCTED:
        status = RECONSTRUCTED
    elif converted:
        status = DERIVED
    else:
        status = m.status
    source = describe_source(ev, m) if m.status == REPORTED else (m.derivation or "")
    return StudyEffect(
        trial=ev.trial.acronym,
        comparison=_comparison_label(ev, effect),
        endpoint=_endpoint_label(ep),
        estimate=float(m.value),
        reported_lower=lower,
        reported_upper=upper,
        reported_level=rep_level,
        lower=new_lower,
        upper=new_upper,
        level=level,
        se_log=se,
        converted=converted,
        conversion=conversion,
        status=status,
        source=source,
        cut=ev.data_cut.label,
        registry_id=ev.trial.registry_id,
        base_endpoint=_base_endpoint(ep),
        assessment=_assessment(ep.assessment) or _qualifier(ep),
    )


# -- pooling ------------------------------------------------------------------------------------

_TAU2_TEXT = {
    "FE": "τ² = 0 (one common effect assumed)",
    "DL": "τ² by DerSimonian–Laird (moments, truncated at 0)",
    "REML": "τ² by restricted maximum likelihood (Fisher scoring)",
    "PM": "τ² by Paule–Mandel (generalised Q = k − 1)",
}


def _formula(method: str, level: float, k: int, hartung_knapp: bool) -> str:
    pct = _pct(level)
    weights = "wᵢ = 1/SEᵢ²" if method == "FE" else "wᵢ = 1/(SEᵢ² + τ²)"
    if hartung_knapp:
        ci = f"{pct} CI: Hartung–Knapp, SE scaled by Σwᵢ(yᵢ − μ)²/(k − 1), t with {k - 1} df"
    else:
        ci = f"{pct} CI: μ ± z·√(1/Σwᵢ)"
    pi = (
        "no prediction interval (one common effect)"
        if method == "FE"
        else f"{pct} prediction interval: μ ± {'t' if hartung_knapp else 'z'}·√(1/Σwᵢ + τ²)"
    )
    return (
        f"{METHOD_NAMES[method]}: {_TAU2_TEXT[method]}; yᵢ = ln HRᵢ, SEᵢ from the CI at "
        f"{pct}; pooled ln HR μ = Σwᵢyᵢ/Σwᵢ with {weights}; {ci}; {pi}; "
        "as R metafor rma()"
    )


def _pool(studies: Sequence[StudyEffect], level: float, hartung_knapp: bool):
    # imported here: scipy and statsmodels load only when a comparison is computed
    from explorer.stats.meta import pool

    estimates = [s.estimate for s in studies]
    lowers = [s.lower for s in studies]
    uppers = [s.upper for s in studies]
    pooled, weights = [], {}
    for method in METHODS:
        res = pool(
            estimates, lowers, uppers, level=level, method=method, hartung_knapp=hartung_knapp
        )
        fe = method == "FE"
        pooled.append(
            PooledEstimate(
                method=method,
                estimate=res.estimate,
                lower=res.lower,
                upper=res.upper,
                tau2=res.tau2,
                i2=res.i2,
                q=res.q,
                q_p=res.q_p,
                pred_lower=math.nan if fe else res.pred_lower,
                pred_upper=math.nan if fe else res.pred_upper,
                k=res.k,
                hartung_knapp=hartung_knapp,
                formula=_formula(method, level, res.k, hartung_knapp),
            )
        )
        weights[method] = res.weights
    return tuple(pooled), weights


# -- caveats and warning ------------------------------------------------------------------------


def _unique(evidences: Iterable[Evidence]) -> list[Evidence]:
    out: list[Evidence] = []
    for ev in evidences:
        if not any(ev is seen for seen in out):
            out.append(ev)
    return out


def _randomised(ev: Evidence) -> str:
    pop = next((p for p in ev.populations if p.kind == "randomised"), None)
    total = None
    if pop is not None:
        if pop.total is not None:
            total = pop.total.value
        elif pop.by_arm:
            total = sum(m.value for m in pop.by_arm.values())
    ratio = ""
    weights = [ev.design.allocation.get(arm.id) for arm in ev.arms]
    if weights and all(w is not None for w in weights):
        ratio = ":".join(format_number(float(w)) for w in weights)  # type: ignore[arg-type]
        if len(weights) > 2:  # which number is which arm is not obvious beyond two arms
            ratio += ", " + " : ".join(arm.label for arm in ev.arms)
    elif ev.design.allocation_ratio is not None:
        ratio = f"{format_number(ev.design.allocation_ratio.value)}:1"
    if total is None:
        return f"{_NOT_REPORTED} ({ratio})" if ratio else _NOT_REPORTED
    n = format_number(total)
    return f"{n} ({ratio})" if ratio else n


def _control_median(ev: Evidence) -> str:
    ep = ev.primary_endpoint
    if not isinstance(ep, TimeToEventEndpoint) or not ev.has_control:
        return _NOT_REPORTED
    m = ep.medians.get(ev.control_arm.id)
    if m is None:
        return _NOT_REPORTED
    unit = f" {m.unit}" if m.unit else f" {ep.unit}" if ep.unit else ""
    arm = ev.control_arm.label
    return f"{format_number(m.value, m.decimals)}{unit} ({arm})"


def design_caveats(evidences: Sequence[Evidence]) -> pd.DataFrame:
    """The trials' designs side by side: what a reader weighs before pooling them.

    One row per trial (the same evidence given twice appears once). Columns: Trial,
    Phase, Blinding, "N (ratio)" (randomised total and allocation, e.g. "198 (2:1)"),
    "Control median" (the primary endpoint's control-arm median with its unit), then
    every :attr:`~explorer.evidence.Trial.context` label of any of the trials, in order
    of first appearance. Plain text; "not reported" where the source is silent, "—"
    where a trial has no such context entry.
    """
    trials = _unique(evidences)
    labels: list[str] = []
    for ev in trials:
        for label in ev.trial.context:
            if label not in labels:
                labels.append(label)
    acronyms = [ev.trial.acronym for ev in trials]
    rows = []
    for ev in trials:
        name = ev.trial.acronym
        if acronyms.count(name) > 1:
            name = f"{name}, {ev.data_cut.label}"
        row = {
            "Trial": name,
            "Phase": ev.trial.phase or _NOT_REPORTED,
            "Blinding": ev.design.masking or _NOT_REPORTED,
            "N (ratio)": _randomised(ev),
            "Control median": _control_median(ev),
        }
        for label in labels:
            row[label] = ev.trial.context.get(label, _MISSING)
        rows.append(row)
    columns = ["Trial", "Phase", "Blinding", "N (ratio)", "Control median", *labels]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _join(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _warning(studies: Sequence[StudyEffect], evidences: Sequence[Evidence]) -> str:
    if len(studies) < 2:
        return ""
    parts = [
        "Illustrative only, not a meta-analysis to base decisions on: these trials differ "
        "in design, in the patients they enrolled and in what they compared, so a pooled "
        "hazard ratio averages different questions. Read each trial on its own first."
    ]
    values = {ev.trial.acronym: ev.trial.context.get(INHIBITOR_CONTEXT) for ev in evidences}
    known = {k: v for k, v in values.items() if v}
    continued = [k for k, v in known.items() if re.search(r"\bcontinu|\bsame\b", v, re.I)]
    switched = [k for k, v in known.items() if re.search(r"\bswitch|\bdifferent\b", v, re.I)]
    unclassified = [k for k in known if k not in continued and k not in switched]
    if continued and switched:
        parts.append(
            f"The CDK4/6 inhibitor was continued after progression in {_join(continued)} "
            f"but switched to another one in {_join(switched)}: two different questions."
        )
    elif unclassified and len(set(known.values())) > 1:
        parts.append(
            "What was done with the CDK4/6 inhibitor after progression differs between "
            "the trials (see the design table)."
        )
    bases = list(dict.fromkeys(s.base_endpoint for s in studies))
    if len(bases) > 1:
        parts.append(f"The hazard ratios are of different endpoints: {', '.join(bases)}.")
    assessors = list(dict.fromkeys(s.assessment for s in studies if s.assessment))
    if len(assessors) > 1:
        parts.append(
            f"Progression was assessed differently ({'; '.join(assessors)})."
            if bases == ["PFS"]
            else f"The endpoints were assessed differently ({'; '.join(assessors)})."
        )
    ids = [s.registry_id for s in studies]
    twice = [s.trial for s in studies if ids.count(s.registry_id) > 1]
    if twice:
        parts.append(
            f"{_join(twice)} enters more than once (its hazard ratios share patients, "
            "e.g. a common control arm or two data cuts): pooled numbers then overstate "
            "the evidence."
        )
    return " ".join(parts)


# -- the comparison -----------------------------------------------------------------------------


def compare(
    selection: Sequence[tuple[Evidence, EffectChoice]],
    *,
    level: float = 0.95,
    hartung_knapp: bool = False,
) -> Comparison:
    """Put the chosen hazard ratios on one CI level and pool them four ways.

    Parameters
    ----------
    selection : sequence of (Evidence, EffectChoice)
        The trials and the hazard ratio chosen in each, in the order to show them.
    level : float, default 0.95
        Level of every study's CI, the pooled CIs and the prediction intervals.
    hartung_knapp : bool, default False
        Hartung–Knapp–Sidik–Jonkman CIs (t with k − 1 df), metafor's ``test="knha"``.

    Returns
    -------
    Comparison
        The studies (those that could be used), the pooled estimates (FE, DL, REML,
        PM; none with fewer than two studies), the design caveats, the warning and
        the notes (trials left out and why; conversions; what the PI can say).

    Raises
    ------
    ValueError
        If ``level`` is not in (0, 1). A trial whose hazard ratio cannot be used (no
        CI, a CI without a level) is not an error: it is left out with a note.
    """
    if not (isinstance(level, int | float) and 0.0 < level < 1.0):
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    studies: list[StudyEffect] = []
    refused: list[str] = []
    for ev, choice in selection:
        try:
            studies.append(_study(ev, choice, level))
        except _Refused as why:
            refused.append(f"{ev.trial.acronym} ({choice.label}) is left out: {why}.")
    notes = list(refused)
    evidences = _unique(ev for ev, _ in selection)
    used = [ev for ev in evidences if any(s.trial == ev.trial.acronym for s in studies)]
    pooled: tuple[PooledEstimate, ...] = ()
    if len(studies) >= 2:
        pooled, weights = _pool(studies, level, hartung_knapp)
        studies = [
            _with_weights(s, {m: float(weights[m][i]) for m in METHODS})
            for i, s in enumerate(studies)
        ]
    notes.extend(_notes(studies, level, hartung_knapp))
    return Comparison(
        studies=tuple(studies),
        level=float(level),
        pooled=pooled,
        hartung_knapp=hartung_knapp,
        caveats=design_caveats(evidences),
        warning=_warning(studies, used),
        notes=tuple(notes),
        refused=tuple(refused),
    )


def _with_weights(s: StudyEffect, weight: dict[str, float]) -> StudyEffect:
    return replace(s, weight=weight)


def _notes(studies: Sequence[StudyEffect], level: float, hartung_knapp: bool) -> list[str]:
    out = []
    k = len(studies)
    if k < 2:
        out.append(f"{k} trial{'s' if k != 1 else ''} usable: at least two are needed to pool.")
        return out
    converted = [s for s in studies if s.converted]
    if converted:
        levels = _join([_pct(s.reported_level) for s in converted])
        out.append(
            f"{_join([s.trial for s in converted])}: CI printed at {levels}, converted to "
            f"{_pct(level)} assuming a symmetric Wald CI on the log scale around the printed "
            "hazard ratio (marked †)."
        )
    if k == 2:
        out.append(
            "With two trials τ² rests on a single difference and the prediction interval "
            "is not informative: it is shown as computed (as metafor does), not as a range "
            "to expect."
        )
        if hartung_knapp:
            out.append(
                "Hartung–Knapp with two trials uses t with 1 degree of freedom (12.7 for a "
                "95% CI): the pooled CI is very wide by construction."
            )
    out.append(
        "The fixed-effect model assumes one common hazard ratio and has no prediction "
        "interval; the random-effects estimates (DL, REML, PM) allow the true effect to "
        "differ between trials. REML is highlighted."
    )
    return out
