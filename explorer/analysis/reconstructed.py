"""Analyses of the patients reconstructed from a digitised Kaplan–Meier figure.

A published Kaplan–Meier figure, digitised into (time, survival) points per arm, and the
numbers at risk printed under it, determine the trial's patients closely enough to analyse
them again (Guyot et al. 2012). :func:`reconstruct_figure` reconstructs every curve of a
:class:`~explorer.evidence.KmFigure` with :func:`explorer.stats.survival.reconstruct_ipd`
and then analyses the reconstructed patients as the trial's own data:

* per arm (pooled over strata, and per stratum when the figure is stratified): the
  Kaplan–Meier estimate with pointwise confidence limits (log transformation, Greenwood
  variance: R ``survfit``'s default) and the median with its Brookmeyer–Crowley CI;
* per treatment arm against the control arm: the log-rank test and the Cox hazard ratio
  (Efron ties, Wald CI), both stratified by the figure's strata when it has them, and the
  difference in restricted mean survival time (RMST) at a horizon ``tau``;
* survival at the endpoint's reported landmark times and at any others asked for;
* the reconstructed hazard ratio beside the reported one, with a plain statement of
  agreement (rule below), and diagnostics of the fit: digitised against reconstructed
  curve, events, medians and numbers at risk against the reported ones.

Every number is a :class:`~explorer.analysis.figures.Figure` with status
"reconstructed" (:meth:`ReconstructedAnalysis.figures`); the plot of the reconstructed
curves is a :class:`~explorer.analysis.km_plot.KmPlotData`
(:meth:`ReconstructedAnalysis.plot_data`); two DataFrames serve table views
(:meth:`~ReconstructedAnalysis.analyses_frame`, :meth:`~ReconstructedAnalysis.diagnostics_frame`).

Agreement with the reported hazard ratio
----------------------------------------
With ``d = |log HR_reconstructed − log HR_reported|``, ``SE`` the standard error of the
reported log HR implied by its printed CI (Wald: ``(log upper − log lower) / (2 z)``) and
``r`` the printing allowance (how far, on the log scale, a true HR can lie from the printed
one and still print the same: ``log((HR + h) / HR)`` with ``h`` half a unit of the last
printed decimal, 0 when the decimals are unknown):

* **agree** (audit *pass*) when ``d ≤ 0.5 SE + r``;
* **close** (audit *note*) when ``d ≤ SE + r``;
* **differ** (audit *warn*) otherwise.

Half a standard error is far larger than what reconstruction itself adds (0.01–0.03 on
the log scale in the round-trip tests) and small against the trial's own uncertainty; a
larger gap usually means a misread curve or risk table, or a reported HR that was
stratified or adjusted differently from this one. The rule and its thresholds are
:data:`AGREE_SE` and :data:`CLOSE_SE`.

References
----------
.. [1] Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival
   data: reconstructing the data from published Kaplan-Meier survival curves.
   BMC Med Res Methodol 2012;12:9.
.. [2] Morris TP, Jarvis CI, Cragg W, et al. Proposals on Kaplan–Meier plots in medical
   research and a survey of stakeholder views: KMunicate. BMJ Open 2019;9:e030215.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from explorer.evidence import (
    Arm,
    Evidence,
    EvidenceError,
    KmCurve,
    KmFigure,
    Measure,
    TimeToEventEndpoint,
)
from explorer.stats import effects
from explorer.stats.survival import (
    CoxResult,
    KaplanMeierResult,
    LogRankResult,
    ReconstructedIpd,
    RmstDifferenceResult,
    RmstResult,
    cox,
    kaplan_meier,
    logrank,
    reconstruct_ipd,
    rmst,
    rmst_difference,
)

from .figures import RECONSTRUCTED, Figure, computed, format_number, from_measure, short_citation
from .km_plot import KmArmCurve, KmPlotData

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AGREE_SE",
    "CI_METHOD",
    "CLOSE_SE",
    "ArmAnalysis",
    "Comparison",
    "CurveFit",
    "Diagnostic",
    "HrAgreement",
    "Landmark",
    "ReconstructedAnalysis",
    "hr_agreement",
    "reconstruct_figure",
]

#: How the pointwise confidence limits of the Kaplan–Meier curves are computed.
CI_METHOD = "log transformation, Greenwood variance"
#: Agreement rule: within this many reported standard errors (plus rounding) "agree".
AGREE_SE = 0.5
#: ... and within this many "close"; beyond it the HRs "differ".
CLOSE_SE = 1.0

PASS, NOTE, WARN = "pass", "note", "warn"
_VERDICT_LEVEL = {"agree": PASS, "close": NOTE, "differ": WARN}

# Fit of the reconstructed KM to the digitised points (largest absolute difference).
_FIT_PASS, _FIT_NOTE = 0.02, 0.05
# Reconstructed against reported events: within max(1, 2%) pass, 5% note.
_EVENTS_PASS, _EVENTS_NOTE = 0.02, 0.05
# Reconstructed against reported median: within max(rounding, 5%) pass, 15% (or the
# reported CI) note.
_MEDIAN_PASS, _MEDIAN_NOTE = 0.05, 0.15
# Numbers at risk: exact pass, within max(1, 5%) note.
_AT_RISK_NOTE = 0.05

# Time units a landmark or median may be given in, in days.
_UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12.0, "years": 365.25}


# ---- result objects -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CurveFit:
    """One digitised curve (an arm, in a stratum) and the patients reconstructed from it.

    Attributes
    ----------
    arm_id : str
        The arm.
    stratum : str or None
        The stratum, or None in an unstratified figure.
    curve : KmCurve
        The digitised points as read.
    risk_time, published_at_risk : tuple
        The risk table printed under the curve.
    ipd : ReconstructedIpd
        The reconstructed patients and the fit diagnostics of
        :func:`~explorer.stats.survival.reconstruct_ipd`.
    """

    arm_id: str
    stratum: str | None
    curve: KmCurve
    risk_time: tuple[float, ...]
    published_at_risk: tuple[int, ...]
    ipd: ReconstructedIpd

    @property
    def n_points(self) -> int:
        """Number of digitised points."""
        return len(self.curve.time)

    @property
    def at_risk_difference(self) -> np.ndarray:
        """Reconstructed − published number at risk at each risk-table time."""
        return self.ipd.interval_at_risk - np.asarray(self.published_at_risk, dtype=np.int64)

    @property
    def largest_at_risk_difference(self) -> tuple[int, float, int]:
        """(largest |difference|, the time where it is, the published number there)."""
        diff = np.abs(self.at_risk_difference)
        i = int(np.argmax(diff))
        return int(diff[i]), float(self.risk_time[i]), int(self.published_at_risk[i])


@dataclass(frozen=True)
class Landmark:
    """Survival at one time with its pointwise CI (percent); None where not estimable."""

    time: float
    percent: float | None
    lower: float | None
    upper: float | None
    reported: Measure | None = None


@dataclass(frozen=True, eq=False)
class ArmAnalysis:
    """The reconstructed patients of one arm (pooled over strata, or in one stratum).

    Attributes
    ----------
    arm : Arm
        The evidence arm.
    stratum : str or None
        None for the arm as a whole (pooled over the figure's strata).
    time, event : numpy.ndarray
        The reconstructed patients, sorted by time.
    km : KaplanMeierResult
        Kaplan–Meier estimate with pointwise CI ("log") and the median with its CI.
    rmst : RmstResult or None
        RMST at the analysis' ``tau`` (pooled arms only).
    landmarks : tuple of Landmark
        Survival at the landmark times (pooled arms only).
    fits : tuple of CurveFit
        The digitised curves this arm's patients come from (one per stratum).
    """

    arm: Arm
    stratum: str | None
    time: np.ndarray
    event: np.ndarray
    km: KaplanMeierResult
    rmst: RmstResult | None
    landmarks: tuple[Landmark, ...]
    fits: tuple[CurveFit, ...]

    @property
    def n(self) -> int:
        """Number of reconstructed patients."""
        return int(self.time.size)

    @property
    def n_events(self) -> int:
        """Number of reconstructed events."""
        return int(self.event.sum())

    @property
    def last_time(self) -> float:
        """The last reconstructed follow-up time."""
        return float(self.time.max())


@dataclass(frozen=True)
class HrAgreement:
    """The reconstructed hazard ratio beside the reported one (see the module's rule).

    Attributes
    ----------
    verdict : str
        "agree", "close" or "differ".
    level : str
        The audit level: "pass", "note" or "warn".
    reconstructed, reported : float
        The two hazard ratios.
    reconstructed_lower, reconstructed_upper, reported_lower, reported_upper : float
        Their CIs.
    level_ci : float
        Level of the reported CI (the reconstructed CI is at the analysis' level).
    delta_log : float
        ``log HR_reconstructed − log HR_reported``.
    reported_se : float
        SE of the reported log HR implied by its CI.
    allowance : float
        Rounding allowance ``r`` on the log scale.
    statement : str
        One plain sentence saying all of this.
    """

    verdict: str
    level: str
    reconstructed: float
    reconstructed_lower: float
    reconstructed_upper: float
    reported: float
    reported_lower: float
    reported_upper: float
    level_ci: float
    delta_log: float
    reported_se: float
    allowance: float
    statement: str

    @property
    def se_units(self) -> float:
        """``|delta_log|`` in reported standard errors."""
        return abs(self.delta_log) / self.reported_se


@dataclass(frozen=True, eq=False)
class Comparison:
    """One treatment arm against the control arm, on the reconstructed patients.

    Attributes
    ----------
    treatment, control : Arm
        The arms compared (hazard ratio treatment : control).
    logrank : LogRankResult
        Log-rank test (stratified by the figure's strata when it has them).
    cox : CoxResult
        Cox hazard ratio, Efron ties, Wald CI (stratified likewise).
    rmst : RmstDifferenceResult
        RMST difference treatment − control at ``tau``.
    stratified : bool
        Whether log-rank and Cox were stratified.
    agreement : HrAgreement or None
        Against the reported HR, when the endpoint reports one and the comparison is
        the trial's only one.
    """

    treatment: Arm
    control: Arm
    logrank: LogRankResult
    cox: CoxResult
    rmst: RmstDifferenceResult
    stratified: bool
    agreement: HrAgreement | None


@dataclass(frozen=True)
class Diagnostic:
    """One comparison of the reconstruction with what the figure or the report says.

    Attributes
    ----------
    key : str
        Short stable name ("fit", "events", "median", "at_risk", "hr"), with the arm.
    what : str
        What is compared, in words.
    arm_id : str or None
        The arm (None for the whole figure or a comparison).
    stratum : str or None
        The stratum of a per-curve diagnostic.
    reconstructed, reported : float or None
        The two values (reported is None when nothing is reported to compare with).
    level : str
        "pass", "note" or "warn" (the audit's levels).
    message : str
        One plain sentence with the size of any difference.
    figures : tuple of str
        Ids of the figures involved.
    """

    key: str
    what: str
    arm_id: str | None
    stratum: str | None
    reconstructed: float | None
    reported: float | None
    level: str
    message: str
    figures: tuple[str, ...] = ()

    @property
    def difference(self) -> float | None:
        """``reconstructed − reported`` when both are known."""
        if self.reconstructed is None or self.reported is None:
            return None
        return self.reconstructed - self.reported


@dataclass(frozen=True, eq=False)
class ReconstructedAnalysis:
    """Everything computed from one digitised Kaplan–Meier figure.

    Build it with :func:`reconstruct_figure`.

    Attributes
    ----------
    evidence : Evidence
        The trial.
    figure : KmFigure
        The digitised figure.
    endpoint : TimeToEventEndpoint
        Its endpoint.
    level : float
        Confidence level of every interval.
    tau : float
        RMST horizon, in the figure's time unit.
    tau_is_default : bool
        True when ``tau`` is the default (the largest time every arm's reconstructed
        follow-up reaches).
    landmark_times : tuple of float
        The landmark times analysed, in the figure's time unit.
    fits : tuple of CurveFit
        One per digitised curve, in the figure's order.
    arms : tuple of ArmAnalysis
        One per arm, pooled over strata: treatment arms first (evidence order), control
        last.
    strata_arms : tuple of ArmAnalysis
        Per stratum and arm, when the figure is stratified (else empty).
    comparisons : tuple of Comparison
        One per treatment arm, against the control arm.
    diagnostics : tuple of Diagnostic
        Fit, events, medians, numbers at risk and the HR against the report.
    id_prefix : str
        Prefix of the figure ids: ``"<endpoint>.reconstructed"`` for an endpoint's first
        figure, ``"<endpoint>.reconstructed_<figure id>"`` for any other.
    """

    evidence: Evidence
    figure: KmFigure
    endpoint: TimeToEventEndpoint
    level: float
    tau: float
    tau_is_default: bool
    landmark_times: tuple[float, ...]
    fits: tuple[CurveFit, ...]
    arms: tuple[ArmAnalysis, ...]
    strata_arms: tuple[ArmAnalysis, ...]
    comparisons: tuple[Comparison, ...]
    diagnostics: tuple[Diagnostic, ...]
    id_prefix: str
    _figures: tuple[Figure, ...] = field(default=(), repr=False)

    # ---- lookups ----------------------------------------------------------------------------

    @property
    def strata(self) -> tuple[str, ...]:
        """The figure's strata (empty when unstratified)."""
        return tuple(s for s in self.figure.strata if s is not None)

    @property
    def stratified(self) -> bool:
        """True when the figure shows separate curves per stratum."""
        return bool(self.strata)

    def arm(self, arm_id: str, stratum: str | None = None) -> ArmAnalysis:
        """The analysis of ``arm_id`` (pooled, or in ``stratum``)."""
        pool = self.arms if stratum is None else self.strata_arms
        for item in pool:
            if item.arm.id == arm_id and item.stratum == stratum:
                return item
        raise KeyError(f"no reconstructed arm {arm_id!r} (stratum {stratum!r})")

    def comparison(self, treatment_id: str | None = None) -> Comparison:
        """The comparison of ``treatment_id`` (default: the only one) with control."""
        if treatment_id is None:
            if len(self.comparisons) != 1:
                raise ValueError(f"{len(self.comparisons)} comparisons: name the treatment arm")
            return self.comparisons[0]
        for c in self.comparisons:
            if c.treatment.id == treatment_id:
                return c
        raise KeyError(f"no comparison of arm {treatment_id!r} with control")

    @property
    def method(self) -> str:
        """The reconstruction, in words, for derivations and captions."""
        return _method_text(self.evidence, self.figure, self.fits)

    # ---- figures ----------------------------------------------------------------------------

    def figures(self) -> tuple[Figure, ...]:
        """Every number of the analysis as a reconstructed :class:`Figure`.

        Ids (``P`` is :attr:`id_prefix`, e.g. ``pfs.reconstructed``; ``<c>`` is empty for
        a trial's only comparison and ``.<treatment arm>`` when there are several):
        ``P.patients.<arm>``, ``P.events.<arm>``, ``P.max_abs_diff.<arm>``,
        ``P.median.<arm>``, ``P.rmst.<arm>``, ``P.landmark_<t>.<arm>``;
        per stratum ``P.stratum_<s>.patients|events|median.<arm>``;
        ``P.hr<c>``, ``P.cox_p<c>``, ``P.logrank_chisq<c>``, ``P.logrank_p<c>``,
        ``P.rmst_difference<c>`` and, when a hazard ratio is reported,
        ``P.hr_vs_reported<c>`` (log HR reconstructed − reported).
        """
        return self._figures

    # ---- plot -------------------------------------------------------------------------------

    def plot_data(self, stratum: str | None = None) -> KmPlotData:
        """The KMunicate plot of the reconstructed curves.

        Parameters
        ----------
        stratum : str, optional
            One stratum's curves (with its digitised points and risk table); by default
            the arms pooled over strata. The digitised points are overlaid only where
            the plotted curve is the one that was digitised (unstratified figures, or a
            single stratum), since a pooled curve was never drawn in the figure.

        Returns
        -------
        KmPlotData
            Treatment arms first, control last; the table at the published risk-table
            times, with the reconstructed numbers at risk, censored and with an event,
            and the published numbers at risk beside them.
        """
        if stratum is not None and stratum not in self.strata:
            raise KeyError(f"figure {self.figure.id!r} has no stratum {stratum!r}")
        arms = self.arms if stratum is None else [self.arm(a.arm.id, stratum) for a in self.arms]
        show_points = stratum is not None or not self.stratified
        curves = []
        for a in arms:
            km = a.km
            times = np.concatenate(([0.0], km.time))
            censored = km.censored > 0
            digitised_t = np.concatenate([np.asarray(f.curve.time, float) for f in a.fits])
            digitised_s = np.concatenate([np.asarray(f.curve.survival, float) for f in a.fits])
            order = np.argsort(digitised_t, kind="stable")
            curves.append(
                KmArmCurve(
                    arm_id=a.arm.id,
                    label=a.arm.label,
                    time=_frozen(times),
                    survival=_frozen(np.concatenate(([1.0], km.survival))),
                    lower=_frozen(np.concatenate(([1.0], km.lower))),
                    upper=_frozen(np.concatenate(([1.0], km.upper))),
                    censor_time=_frozen(km.time[censored].copy()),
                    censor_survival=_frozen(km.survival[censored].copy()),
                    digitised_time=_frozen(digitised_t[order] if show_points else np.empty(0)),
                    digitised_survival=_frozen(digitised_s[order] if show_points else np.empty(0)),
                )
            )
        table_times, published = _table(arms)
        at_risk, censored_counts, events = {}, {}, {}
        for a in arms:
            t = np.asarray(table_times, dtype=float)[:, None]
            at_risk[a.arm.id] = tuple(int(x) for x in np.sum(a.time >= t, axis=1))
            before = a.time < t
            censored_counts[a.arm.id] = tuple(int(x) for x in np.sum(before & (a.event == 0), 1))
            events[a.arm.id] = tuple(int(x) for x in np.sum(before & (a.event == 1), 1))
        where = self.figure.label + (f", {stratum}" if stratum is not None else "")
        pooled = (
            " (arms pooled over the figure's strata)" if stratum is None and self.stratified else ""
        )
        caption = (
            f"Curves reconstructed{pooled} from the digitised {self.figure.label} "
            f"({_document_text(self.evidence, self.figure)}) by the method of Guyot et al. "
            f"(2012): {sum(f.n_points for a in arms for f in a.fits)} digitised points and "
            f"the numbers at risk at {_times_count([f for a in arms for f in a.fits])}."
        )
        return KmPlotData(
            title=f"{self.endpoint.name}: reconstructed from {where}",
            endpoint_name=self.endpoint.name,
            time_unit=self.figure.time_unit,
            status=RECONSTRUCTED,
            ci_level=self.level,
            ci_method=CI_METHOD,
            arms=tuple(curves),
            table_times=table_times,
            at_risk=MappingProxyType(at_risk),
            censored=MappingProxyType(censored_counts),
            events=MappingProxyType(events),
            published_at_risk=MappingProxyType(published),
            caption=caption,
        )

    # ---- tables -----------------------------------------------------------------------------

    def analyses_frame(self) -> pd.DataFrame:
        """The analyses as a table: one row per number.

        Columns: ``what`` (the analysis), ``arm`` (an arm's label, or "P+ET vs ET"),
        ``stratum`` ("" when pooled), ``estimate``, ``lower``, ``upper`` (its CI at
        ``level``), ``p``, ``unit``, ``display`` (estimate and CI as text),
        ``reported`` (the reported figure as printed, "" when none), ``agreement``
        (pass / note / warn for the HR against the reported one, else ""), ``status``
        ("reconstructed"), ``method`` and ``figure`` (the figure id).
        """
        import pandas as pd

        rows = []
        by_id = {f.id: f for f in self._figures}
        p = self.id_prefix
        unit = self.figure.time_unit

        def row(fid: str, what: str, who: str, stratum: str | None = None, **extra) -> None:
            f = by_id.get(fid)
            if f is None:
                return
            rows.append(
                {
                    "what": what,
                    "arm": who,
                    "stratum": stratum or "",
                    "estimate": _nan(f.value),
                    "lower": _nan(f.lower),
                    "upper": _nan(f.upper),
                    "p": extra.get("p", math.nan),
                    "unit": f.unit or "",
                    "display": f.formatted(),
                    "reported": extra.get("reported", ""),
                    "agreement": extra.get("agreement", ""),
                    "status": f.status,
                    "method": f.brief,
                    "figure": f.id,
                }
            )

        for a in self.arms:
            aid, who = a.arm.id, a.arm.label
            reported_median = self.endpoint.medians.get(aid)
            row(f"{p}.patients.{aid}", "Patients", who)
            row(f"{p}.events.{aid}", "Events", who, reported=_events_reported_text(a))
            row(
                f"{p}.median.{aid}",
                f"Median ({unit})",
                who,
                reported=reported_median.formatted if reported_median else "",
            )
            row(f"{p}.rmst.{aid}", f"RMST to {format_number(self.tau, 2)} {unit}", who)
            for lm in a.landmarks:
                tt = format_number(lm.time)
                row(
                    f"{p}.landmark_{tt}.{aid}",
                    f"Survival at {tt} {unit} (%)",
                    who,
                    reported=lm.reported.formatted if lm.reported else "",
                )
        for a in self.strata_arms:
            s = _slug(a.stratum)
            row(f"{p}.stratum_{s}.median.{a.arm.id}", f"Median ({unit})", a.arm.label, a.stratum)
        for c in self.comparisons:
            sfx = self._suffix(c)
            who = f"{c.treatment.label} vs {c.control.label}"
            reported = ""
            agreement = ""
            if c.agreement is not None:
                ag = c.agreement
                reported = self.endpoint.effect.estimate.formatted  # type: ignore[union-attr]
                agreement = ag.level
            row(
                f"{p}.hr{sfx}",
                "Hazard ratio (Cox)",
                who,
                p=c.cox.p,
                reported=reported,
                agreement=agreement,
            )
            row(f"{p}.logrank_chisq{sfx}", "Log-rank chi-square", who, p=c.logrank.p)
            row(f"{p}.rmst_difference{sfx}", f"RMST difference ({unit})", who)
        return pd.DataFrame(
            rows,
            columns=[
                "what",
                "arm",
                "stratum",
                "estimate",
                "lower",
                "upper",
                "p",
                "unit",
                "display",
                "reported",
                "agreement",
                "status",
                "method",
                "figure",
            ],
        )

    def diagnostics_frame(self) -> pd.DataFrame:
        """The diagnostics as a table: one row per comparison with what was reported.

        Columns: ``what``, ``arm`` (label, "" for the figure as a whole), ``stratum``
        ("" when pooled), ``reconstructed``, ``reported`` (NaN when nothing is reported),
        ``difference`` (reconstructed − reported), ``level`` (pass / note / warn, the
        audit's levels) and ``message`` (one sentence).
        """
        import pandas as pd

        labels = {a.id: a.label for a in self.evidence.arms}
        rows = [
            {
                "what": d.what,
                "arm": labels.get(d.arm_id, "") if d.arm_id else "",
                "stratum": d.stratum or "",
                "reconstructed": _nan(d.reconstructed),
                "reported": _nan(d.reported),
                "difference": _nan(d.difference),
                "level": d.level,
                "message": d.message,
            }
            for d in self.diagnostics
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "what",
                "arm",
                "stratum",
                "reconstructed",
                "reported",
                "difference",
                "level",
                "message",
            ],
        )

    def check_id(self, key: str) -> str:
        """An audit check id for a diagnostic key (``pfs_reconstructed_median_et``)."""
        return f"{self.id_prefix}.{key}".replace(".", "_")

    def _suffix(self, comparison: Comparison) -> str:
        return "" if len(self.comparisons) == 1 else f".{comparison.treatment.id}"


# ---- the analysis ---------------------------------------------------------------------------


def reconstruct_figure(
    evidence: Evidence,
    figure: KmFigure | str,
    *,
    tau: float | None = None,
    landmarks: Sequence[float] | None = None,
    level: float = 0.95,
) -> ReconstructedAnalysis:
    """Reconstruct the patients behind a digitised Kaplan–Meier figure and analyse them.

    Parameters
    ----------
    evidence : Evidence
        The trial (arms, endpoint, reported figures to compare with).
    figure : KmFigure or str
        The digitised figure, or its id in ``evidence.km_figures``.
    tau : float, optional
        RMST horizon in the figure's time unit. Default: the largest time every arm's
        reconstructed follow-up reaches (the smallest over arms of the last time).
    landmarks : sequence of float, optional
        Landmark times (figure's unit) analysed besides the endpoint's reported ones.
    level : float, default 0.95
        Confidence level of every interval.

    Returns
    -------
    ReconstructedAnalysis
        Reconstructed patients, analyses, diagnostics; see its methods for figures, the
        plot and tables.

    Raises
    ------
    EvidenceError
        When the figure does not fit the evidence (unknown endpoint or arm, a curve
        without its risk table, no control arm, a stratum missing an arm) or its
        digitised points or risk table cannot be reconstructed (the message names the
        figure, the arm and stratum, and the problem).
    ValueError
        When ``tau`` is not positive or lies beyond the reconstructed follow-up, a
        landmark is negative, or ``level`` is not in (0, 1).

    Notes
    -----
    Each curve is reconstructed separately with ``reconstruct_ipd`` (Guyot et al. [1]_),
    using its ``total_events`` when given; a stratified figure's curves are reconstructed
    per stratum and combined. The analyses are those of :mod:`explorer.stats.survival`,
    which reproduce R's ``survival`` package (``survfit`` with ``conf.type = "log"``,
    ``quantile``, ``survdiff``, ``coxph(ties = "efron")``, ``survmean``), checked on
    reconstructed data in ``tests/reference/reconstructed.R``.
    """
    if isinstance(figure, str):
        figure = evidence.km_figure(figure)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    endpoint, treatments, control = _check_figure(evidence, figure)
    strata = tuple(s for s in figure.strata if s is not None)

    fits = tuple(_reconstruct_curve(evidence, figure, curve) for curve in figure.curves)
    ordered = (*treatments, control)

    def arm_fits(arm: Arm) -> tuple[CurveFit, ...]:
        return tuple(f for f in fits if f.arm_id == arm.id)

    pooled_data = {arm.id: _combine(arm_fits(arm)) for arm in ordered}
    last = {arm.id: float(pooled_data[arm.id][0].max()) for arm in ordered}
    largest_tau = min(last.values())
    tau_is_default = tau is None
    if tau is None:
        tau = largest_tau
    else:
        tau = float(tau)
        if not (math.isfinite(tau) and tau > 0):
            raise ValueError(f"tau must be a number > 0, got {tau}")
        if tau > largest_tau:
            shortest = min(ordered, key=lambda a: last[a.id])
            raise ValueError(
                f"tau ({format_number(tau)} {figure.time_unit}) lies beyond the reconstructed "
                f"follow-up: {shortest.label}'s patients are followed to "
                f"{format_number(largest_tau, 3)} {figure.time_unit}, so the RMST can be "
                f"restricted to at most that"
            )
    landmark_times = _landmark_times(endpoint, figure, landmarks)

    arms = []
    for arm in ordered:
        time, event = pooled_data[arm.id]
        km = kaplan_meier(time, event, level=level, conf_type="log")
        arms.append(
            ArmAnalysis(
                arm=arm,
                stratum=None,
                time=time,
                event=event,
                km=km,
                rmst=rmst(time, event, tau=tau, level=level),
                landmarks=tuple(
                    _landmark(km, t, time, _reported_landmark(endpoint, figure, arm.id, t))
                    for t in landmark_times
                ),
                fits=arm_fits(arm),
            )
        )
    strata_arms = []
    for stratum in strata:
        for arm in ordered:
            fit = next(f for f in fits if f.arm_id == arm.id and f.stratum == stratum)
            time, event = _combine((fit,))
            strata_arms.append(
                ArmAnalysis(
                    arm=arm,
                    stratum=stratum,
                    time=time,
                    event=event,
                    km=kaplan_meier(time, event, level=level, conf_type="log"),
                    rmst=None,
                    landmarks=(),
                    fits=(fit,),
                )
            )

    comparisons = []
    for treatment in treatments:
        comparisons.append(
            _compare(
                evidence,
                endpoint,
                figure,
                fits,
                treatment,
                control,
                tau=tau,
                level=level,
                only=len(treatments) == 1 and len(evidence.treatment_arms) == 1,
            )
        )

    first = evidence.km_figure_for(endpoint.id)
    prefix = (
        f"{endpoint.id}.reconstructed"
        if first is None or first.id == figure.id
        else f"{endpoint.id}.reconstructed_{figure.id}"
    )
    analysis = ReconstructedAnalysis(
        evidence=evidence,
        figure=figure,
        endpoint=endpoint,
        level=level,
        tau=tau,
        tau_is_default=tau_is_default,
        landmark_times=landmark_times,
        fits=fits,
        arms=tuple(arms),
        strata_arms=tuple(strata_arms),
        comparisons=tuple(comparisons),
        diagnostics=(),
        id_prefix=prefix,
    )
    analysis = replace(analysis, _figures=_build_figures(analysis))
    return replace(analysis, diagnostics=_diagnose(analysis))


def hr_agreement(
    reconstructed: CoxResult,
    reported: Measure,
    *,
    name: str = "HR",
) -> HrAgreement:
    """Compare a reconstructed hazard ratio with a reported one (the module's rule).

    Parameters
    ----------
    reconstructed : CoxResult
        The Cox fit on the reconstructed patients.
    reported : Measure
        The reported HR with its CI (``lower``, ``upper``, ``level``; level 0.95 when
        not given).
    name : str, default "HR"
        How the sentence names the ratio.

    Returns
    -------
    HrAgreement
        Verdict, audit level, the numbers and a plain sentence, e.g. "Reconstructed HR
        0.83 (95% CI 0.62–1.10) agrees with the reported 0.84 (0.66–1.07): the log-HRs
        differ by 0.01, 0.1 reported standard errors."

    Examples
    --------
    >>> from explorer.evidence import Measure
    >>> from explorer.stats.survival import CoxResult
    >>> rec = CoxResult(hr=0.83, lower=0.62, upper=1.10, p=0.2, se=0.147, level=0.95,
    ...                 ties="efron")
    >>> rep = Measure(0.84, "reported", lower=0.66, upper=1.07, level=0.95, decimals=2)
    >>> hr_agreement(rec, rep).verdict
    'agree'
    """
    if reported.lower is None or reported.upper is None:
        raise ValueError("the reported hazard ratio has no confidence interval")
    level_ci = reported.level or 0.95
    se = effects.from_ci(reported.value, reported.lower, reported.upper, level=level_ci).se
    delta = math.log(reconstructed.hr) - math.log(reported.value)
    allowance = 0.0
    if reported.decimals is not None:
        half = 0.5 * 10.0 ** (-reported.decimals)
        allowance = max(
            math.log((reported.value + half) / reported.value),
            -math.log(max(reported.value - half, 1e-12) / reported.value),
        )
    size = abs(delta)
    if size <= AGREE_SE * se + allowance:
        verdict, verb = "agree", "agrees with"
    elif size <= CLOSE_SE * se + allowance:
        verdict, verb = "close", "is close to"
    else:
        verdict, verb = "differ", "differs from"
    d = reported.decimals
    printed = (
        f"{format_number(reported.value, d)} "
        f"({format_number(reported.lower, d)}–{format_number(reported.upper, d)})"
    )
    units = size / se
    statement = (
        f"Reconstructed {name} {reconstructed.hr:.2f} ({reconstructed.level:.0%} CI "
        f"{reconstructed.lower:.2f}–{reconstructed.upper:.2f}) {verb} the reported {printed}: "
        f"the log-{name}s differ by {size:.2f}, {units:.1f} reported standard errors"
    )
    if verdict == "close":
        statement += f"; within {CLOSE_SE:g} but beyond the {AGREE_SE:g} that counts as agreement"
    elif verdict == "differ":
        statement += (
            "; check the digitised curves and the risk table, and whether the reported "
            f"{name} was stratified or adjusted"
        )
    return HrAgreement(
        verdict=verdict,
        level=_VERDICT_LEVEL[verdict],
        reconstructed=reconstructed.hr,
        reconstructed_lower=reconstructed.lower,
        reconstructed_upper=reconstructed.upper,
        reported=reported.value,
        reported_lower=reported.lower,
        reported_upper=reported.upper,
        level_ci=level_ci,
        delta_log=delta,
        reported_se=se,
        allowance=allowance,
        statement=statement + ".",
    )


# ---- steps ----------------------------------------------------------------------------------


def _where(evidence: Evidence, figure: KmFigure) -> str:
    index = next((i for i, f in enumerate(evidence.km_figures) if f is figure), None)
    if index is None:
        index = next((i for i, f in enumerate(evidence.km_figures) if f.id == figure.id), None)
    return f"km_figures[{index}]" if index is not None else f"km_figures[{figure.id!r}]"


def _fail(evidence: Evidence, figure: KmFigure, problem: str) -> EvidenceError:
    return EvidenceError(evidence.origin, _where(evidence, figure), f"{figure.label}: {problem}")


def _check_figure(
    evidence: Evidence, figure: KmFigure
) -> tuple[TimeToEventEndpoint, tuple[Arm, ...], Arm]:
    """The endpoint, the treatment arms in the figure and the control arm; or raise."""
    try:
        endpoint = evidence.endpoint(figure.endpoint)
    except KeyError:
        raise _fail(evidence, figure, f"unknown endpoint {figure.endpoint!r}") from None
    if not isinstance(endpoint, TimeToEventEndpoint):
        raise _fail(evidence, figure, f"endpoint {endpoint.id!r} is not time-to-event")
    if not figure.curves:
        raise _fail(evidence, figure, "has no curves")
    known = {arm.id for arm in evidence.arms}
    for curve in figure.curves:
        if curve.arm not in known:
            raise _fail(evidence, figure, f"curve of unknown arm {curve.arm!r}")
        try:
            figure.risk_table(curve.arm, curve.stratum)
        except KeyError:
            raise _fail(evidence, figure, f"no risk table for {_who(evidence, curve)}") from None
    in_figure = {curve.arm for curve in figure.curves}
    if not evidence.has_control:
        raise _fail(evidence, figure, "cannot be compared: a single-group study has no control arm")
    control = evidence.control_arm
    if control.id not in in_figure:
        raise _fail(evidence, figure, f"no curve for the control arm {control.label!r}")
    treatments = tuple(a for a in evidence.treatment_arms if a.id in in_figure)
    if not treatments:
        raise _fail(evidence, figure, "no curve for a treatment arm")
    for stratum in figure.strata:
        for arm in (*treatments, control):
            try:
                figure.curve(arm.id, stratum)
            except KeyError:
                where = f"stratum {stratum!r}" if stratum is not None else "the figure"
                raise _fail(evidence, figure, f"{where} has no curve for {arm.label!r}") from None
    if None in figure.strata and len(figure.strata) > 1:
        raise _fail(evidence, figure, "mixes curves with and without a stratum")
    return endpoint, treatments, control


def _who(evidence: Evidence, curve: KmCurve) -> str:
    label = evidence.arm(curve.arm).label
    return label + (f", stratum {curve.stratum!r}" if curve.stratum is not None else "")


def _reconstruct_curve(evidence: Evidence, figure: KmFigure, curve: KmCurve) -> CurveFit:
    table = figure.risk_table(curve.arm, curve.stratum)
    try:
        ipd = reconstruct_ipd(
            curve.time,
            curve.survival,
            risk_time=table.time,
            at_risk=table.at_risk,
            total_events=curve.total_events,
        )
    except ValueError as exc:
        raise _fail(evidence, figure, f"{_who(evidence, curve)}: {exc}") from None
    return CurveFit(
        arm_id=curve.arm,
        stratum=curve.stratum,
        curve=curve,
        risk_time=tuple(float(t) for t in table.time),
        published_at_risk=tuple(int(n) for n in table.at_risk),
        ipd=ipd,
    )


def _combine(fits: Sequence[CurveFit]) -> tuple[np.ndarray, np.ndarray]:
    time = np.concatenate([f.ipd.time for f in fits])
    event = np.concatenate([f.ipd.event for f in fits])
    order = np.lexsort((-event, time))  # by time, events before censorings
    return _frozen(time[order]), _frozen(event[order])


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr = np.asarray(arr)
    arr.setflags(write=False)
    return arr


def _convert(value: float, unit: str | None, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to``; None when either unit is not a time."""
    if unit is None or unit == to:
        return value
    if unit not in _UNIT_DAYS or to not in _UNIT_DAYS:
        return None
    return value * _UNIT_DAYS[unit] / _UNIT_DAYS[to]


def _landmark_times(
    endpoint: TimeToEventEndpoint, figure: KmFigure, extra: Sequence[float] | None
) -> tuple[float, ...]:
    times: list[float] = []
    for lm in endpoint.landmarks:
        t = _convert(lm.time, lm.unit, figure.time_unit)
        if t is not None:
            times.append(t)
    for t in extra or ():
        t = float(t)
        if not (math.isfinite(t) and t > 0):
            raise ValueError(f"landmark times must be numbers > 0, got {t}")
        times.append(t)
    return tuple(sorted(set(times)))


def _reported_landmark(
    endpoint: TimeToEventEndpoint, figure: KmFigure, arm_id: str, t: float
) -> Measure | None:
    for lm in endpoint.landmarks:
        converted = _convert(lm.time, lm.unit, figure.time_unit)
        if converted is not None and math.isclose(converted, t) and arm_id in lm.by_arm:
            return lm.by_arm[arm_id]
    return None


def _landmark(
    km: KaplanMeierResult, t: float, time: np.ndarray, reported: Measure | None
) -> Landmark:
    """Survival at ``t`` with its CI, as R's ``summary(fit, times = t)``."""
    if t > float(time.max()):
        return Landmark(t, None, None, None, reported)
    i = int(np.searchsorted(km.time, t, side="right")) - 1
    if i < 0:
        return Landmark(t, 100.0, 100.0, 100.0, reported)
    return Landmark(
        t,
        100.0 * float(km.survival[i]),
        _none(100.0 * float(km.lower[i])),
        _none(100.0 * float(km.upper[i])),
        reported,
    )


def _compare(
    evidence: Evidence,
    endpoint: TimeToEventEndpoint,
    figure: KmFigure,
    fits: Sequence[CurveFit],
    treatment: Arm,
    control: Arm,
    *,
    tau: float,
    level: float,
    only: bool,
) -> Comparison:
    chosen = [f for f in fits if f.arm_id in (treatment.id, control.id)]
    time = np.concatenate([f.ipd.time for f in chosen])
    event = np.concatenate([f.ipd.event for f in chosen])
    group = np.concatenate([np.full(f.ipd.n, 1 if f.arm_id == treatment.id else 0) for f in chosen])
    stratified = any(f.stratum is not None for f in chosen)
    strata = (
        np.concatenate([np.full(f.ipd.n, f.stratum, dtype=object) for f in chosen]).astype(str)
        if stratified
        else None
    )
    try:
        lr = logrank(time, event, group, strata=strata)
        hr = cox(time, event, group, strata=strata, ties="efron", level=level)
    except ValueError as exc:
        raise _fail(
            evidence, figure, f"{treatment.label} vs {control.label} cannot be compared: {exc}"
        ) from None
    agreement = None
    effect = endpoint.effect
    if only and effect is not None and effect.kind == "HR" and effect.estimate.has_ci:
        agreement = hr_agreement(hr, effect.estimate)
    return Comparison(
        treatment=treatment,
        control=control,
        logrank=lr,
        cox=hr,
        rmst=rmst_difference(time, event, group, tau=tau, level=level),
        stratified=stratified,
        agreement=agreement,
    )


# ---- text helpers ---------------------------------------------------------------------------


def _document_text(evidence: Evidence, figure: KmFigure) -> str:
    try:
        doc = evidence.document(figure.source.document)
    except KeyError:
        return figure.source.document
    return short_citation(doc.citation) or doc.title


def _times_count(fits: Sequence[CurveFit]) -> str:
    counts = sorted({len(f.risk_time) for f in fits})
    if len(counts) == 1:
        return f"{counts[0]} time" + ("s" if counts[0] != 1 else "")
    return f"{', '.join(str(c) for c in counts[:-1])} or {counts[-1]} times"


def _method_text(evidence: Evidence, figure: KmFigure, fits: Sequence[CurveFit]) -> str:
    n_points = sum(f.n_points for f in fits)
    return (
        f"Guyot et al. 2012 reconstruction from {n_points} digitised points and the numbers "
        f"at risk at {_times_count(fits)} ({figure.label}, {_document_text(evidence, figure)})"
    )


def _events_reported(a: ArmAnalysis) -> int | None:
    totals = [f.curve.total_events for f in a.fits]
    if any(t is None for t in totals):
        return None
    return int(sum(totals))  # type: ignore[arg-type]


def _events_reported_text(a: ArmAnalysis) -> str:
    total = _events_reported(a)
    return "" if total is None else f"{total} events (figure)"


def _slug(text: str | None) -> str:
    slug = re.sub(r"[^0-9a-z]+", "_", (text or "").lower()).strip("_")
    return slug or "none"


def _none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


def _table(
    arms: Sequence[ArmAnalysis],
) -> tuple[tuple[float, ...], dict[str, tuple[int, ...]]]:
    """Table times (the published ones) and each arm's published numbers at risk there.

    An arm pooled over strata shows the sum of its strata's published numbers when all
    its strata were tabulated at the same times. Arms tabulated at other times than the
    first arm get no published row.
    """
    times = tuple(sorted({t for a in arms for f in a.fits for t in f.risk_time}))
    published: dict[str, tuple[int, ...]] = {}
    for a in arms:
        if all(f.risk_time == times for f in a.fits):
            published[a.arm.id] = tuple(
                int(x) for x in np.sum([f.published_at_risk for f in a.fits], axis=0)
            )
    return times, published


# ---- figures --------------------------------------------------------------------------------


def _build_figures(analysis: ReconstructedAnalysis) -> tuple[Figure, ...]:
    ev, fig, ep = analysis.evidence, analysis.figure, analysis.endpoint
    p, unit, level = analysis.id_prefix, fig.time_unit, analysis.level
    out: list[Figure] = []
    patients: dict[str, Figure] = {}
    ci = f"pointwise {level:.0%} CI by {CI_METHOD} (R survfit's default)"

    def add(**kwargs) -> Figure:
        figure = computed(topic=ep.id, status=RECONSTRUCTED, **kwargs)
        out.append(figure)
        return figure

    def arm_figures(a: ArmAnalysis, key: str, label_tail: str) -> None:
        method = _method_text(ev, fig, a.fits)
        tail = label_tail
        used = _events_reported(a)
        events_note = (
            f"; the reported total of {used} events fixed the censoring after the last "
            "risk-table time"
            if used is not None
            else ""
        )
        root = add(
            id=f"{key}patients.{a.arm.id}",
            label=f"{ep.name}: patients reconstructed, {tail}",
            value=a.n,
            unit="patients",
            method=method + events_note,
            inputs=[],
            decimals=0,
        )
        if a.stratum is None:
            patients[a.arm.id] = root
        add(
            id=f"{key}events.{a.arm.id}",
            label=f"{ep.name}: events reconstructed, {tail}",
            value=a.n_events,
            unit="events",
            method=f"Events among the reconstructed patients; {method}",
            inputs=[root],
            decimals=0,
        )
        if a.stratum is None:
            worst = max(a.fits, key=lambda f: f.ipd.max_abs_diff)
            add(
                id=f"{key}max_abs_diff.{a.arm.id}",
                label=f"{ep.name}: largest gap, digitised vs reconstructed curve, {tail}",
                value=worst.ipd.max_abs_diff,
                unit="proportion",
                method=(
                    "Largest absolute difference in survival between the digitised points "
                    "and the Kaplan–Meier curve of the reconstructed patients (mean "
                    f"{np.mean([f.ipd.mean_abs_diff for f in a.fits]):.4f})"
                ),
                inputs=[root],
                decimals=3,
            )
        km = a.km
        add(
            id=f"{key}median.{a.arm.id}",
            label=f"{ep.name}: median, {tail}",
            value=_none(km.median),
            unit=unit,
            method=(
                f"Kaplan–Meier median of the reconstructed patients, {level:.0%} CI by "
                "Brookmeyer–Crowley on the pointwise limits "
                f"({CI_METHOD}); R quantile(survfit)"
                + ("; not reached: the curve stays above 0.5" if math.isnan(km.median) else "")
            ),
            inputs=[root],
            lower=_none(km.median_lower),
            upper=_none(km.median_upper),
            level=level,
            decimals=1,
        )

    for a in analysis.arms:
        arm_figures(a, f"{p}.", f"{a.arm.label} (reconstructed)")
        root = patients[a.arm.id]
        r = a.rmst
        assert r is not None
        tau_text = (
            f"the largest time every arm's reconstructed follow-up reaches "
            f"({format_number(analysis.tau, 2)} {unit})"
            if analysis.tau_is_default
            else f"{format_number(analysis.tau, 2)} {unit} (chosen)"
        )
        add(
            id=f"{p}.rmst.{a.arm.id}",
            label=(
                f"{ep.name}: RMST to {format_number(analysis.tau, 2)} {unit}, "
                f"{a.arm.label} (reconstructed)"
            ),
            value=r.rmst,
            unit=unit,
            method=(
                f"Restricted mean survival time: area under the reconstructed Kaplan–Meier "
                f"curve up to tau = {tau_text}; SE as R survmean, normal {level:.0%} CI"
            ),
            inputs=[root],
            lower=r.lower,
            upper=r.upper,
            level=level,
            decimals=2,
        )
        for lm in a.landmarks:
            tt = format_number(lm.time)
            if lm.percent is None:
                method = (
                    f"Not estimable: {a.arm.label}'s reconstructed follow-up ends at "
                    f"{format_number(a.last_time, 3)} {unit}"
                )
            else:
                method = (
                    f"Reconstructed Kaplan–Meier survival at {tt} {unit} ({ci}); "
                    "R summary(survfit, times = t)"
                )
            reported_fig = (
                [
                    from_measure(
                        ev,
                        lm.reported,
                        id=f"{ep.id}.landmark_{tt}.{a.arm.id}",
                        label=f"{ep.name}: {tt}-{unit.removesuffix('s')} rate, {a.arm.label}",
                        topic=ep.id,
                    )
                ]
                if lm.reported is not None
                else []
            )
            add(
                id=f"{p}.landmark_{tt}.{a.arm.id}",
                label=(
                    f"{ep.name}: {tt}-{unit.removesuffix('s')} survival, "
                    f"{a.arm.label} (reconstructed)"
                ),
                value=lm.percent,
                unit="%",
                method=method,
                inputs=[root, *reported_fig],
                lower=lm.lower,
                upper=lm.upper,
                level=level if lm.lower is not None else None,
                decimals=1,
            )
    for a in analysis.strata_arms:
        arm_figures(
            a, f"{p}.stratum_{_slug(a.stratum)}.", f"{a.arm.label}, {a.stratum} (reconstructed)"
        )

    for c in analysis.comparisons:
        sfx = analysis._suffix(c)
        inputs = [patients[c.treatment.id], patients[c.control.id]]
        vs = f"{c.treatment.label} vs {c.control.label}"
        by = (
            f", stratified by the figure's strata ({', '.join(analysis.strata)})"
            if c.stratified
            else ""
        )
        hr_fig = add(
            id=f"{p}.hr{sfx}",
            label=f"{ep.name}: hazard ratio, {vs} (reconstructed)",
            value=c.cox.hr,
            unit="ratio",
            method=(
                "Cox proportional hazards on the reconstructed patients (Efron ties, "
                f"Wald {level:.0%} CI){by}; R coxph"
            ),
            inputs=inputs,
            lower=c.cox.lower,
            upper=c.cox.upper,
            level=level,
            decimals=2,
        )
        add(
            id=f"{p}.cox_p{sfx}",
            label=f"{ep.name}: Cox Wald p, {vs} (reconstructed)",
            value=c.cox.p,
            unit=None,
            method=f"Two-sided Wald p of the Cox hazard ratio{by}",
            inputs=[hr_fig],
            decimals=3,
        )
        chisq = add(
            id=f"{p}.logrank_chisq{sfx}",
            label=f"{ep.name}: log-rank chi-square, {vs} (reconstructed)",
            value=c.logrank.statistic,
            unit=None,
            method=f"Log-rank test on the reconstructed patients, 1 df{by}; R survdiff",
            inputs=inputs,
            decimals=2,
        )
        add(
            id=f"{p}.logrank_p{sfx}",
            label=f"{ep.name}: log-rank p, {vs} (reconstructed)",
            value=c.logrank.p,
            unit=None,
            method="Chi-square with 1 degree of freedom, upper tail",
            inputs=[chisq],
            decimals=3,
        )
        d = c.rmst
        add(
            id=f"{p}.rmst_difference{sfx}",
            label=(
                f"{ep.name}: RMST difference to {format_number(d.tau, 2)} {unit}, {vs} "
                "(reconstructed)"
            ),
            value=d.difference,
            unit=unit,
            method=(
                f"Difference in restricted mean survival time up to tau = "
                f"{format_number(d.tau, 2)} {unit}"
                + (
                    " (default: the largest time every arm's follow-up reaches)"
                    if analysis.tau_is_default
                    else " (chosen)"
                )
                + f", treatment − control; SE from independent arms, normal {level:.0%} CI"
            ),
            inputs=inputs,
            lower=d.lower,
            upper=d.upper,
            level=level,
            decimals=2,
        )
        if c.agreement is not None and ep.effect is not None:
            reported = from_measure(
                ev,
                ep.effect.estimate,
                id=f"{ep.id}.hr",
                label=f"{ep.name}: hazard ratio",
                topic=ep.id,
            )
            add(
                id=f"{p}.hr_vs_reported{sfx}",
                label=f"{ep.name}: log HR, reconstructed − reported",
                value=c.agreement.delta_log,
                unit=None,
                method=(
                    f"{c.agreement.statement} Rule: agree within {AGREE_SE:g} reported SE "
                    f"plus rounding, close within {CLOSE_SE:g} SE, otherwise differ"
                ),
                inputs=[hr_fig, reported],
                decimals=3,
            )
    return tuple(out)


# ---- diagnostics ----------------------------------------------------------------------------


def _diagnose(analysis: ReconstructedAnalysis) -> tuple[Diagnostic, ...]:
    ep, fig, p = analysis.endpoint, analysis.figure, analysis.id_prefix
    out: list[Diagnostic] = []
    head = f"{ep.name}, {fig.label}"
    for a in analysis.arms:
        aid, label = a.arm.id, a.arm.label
        root = f"{p}.patients.{aid}"
        # Fit of the curve.
        worst = max(a.fits, key=lambda f: f.ipd.max_abs_diff)
        gap = worst.ipd.max_abs_diff
        level = PASS if gap <= _FIT_PASS else NOTE if gap <= _FIT_NOTE else WARN
        where = f", largest in the {worst.stratum} stratum" if worst.stratum is not None else ""
        mean_gap = 100 * np.mean([f.ipd.mean_abs_diff for f in a.fits])
        out.append(
            Diagnostic(
                key=f"fit.{aid}",
                what="Largest gap, digitised vs reconstructed curve",
                arm_id=aid,
                stratum=None,
                reconstructed=gap,
                reported=None,
                level=level,
                message=(
                    f"{head}, {label}: the reconstructed curve is within "
                    f"{100 * gap:.1f} percentage points of every digitised point "
                    f"(mean gap {mean_gap:.2f}{where})"
                    + (
                        "."
                        if level == PASS
                        else "; more than a careful digitisation leaves (a few patients at "
                        "risk make large steps): check the points and the risk table."
                    )
                ),
                figures=(f"{p}.max_abs_diff.{aid}", root),
            )
        )
        # Events against the figure's totals.
        reported_events = _events_reported(a)
        if reported_events is not None:
            out.append(
                _events_diagnostic(
                    f"events.{aid}",
                    f"{head}, {label}",
                    aid,
                    a.n_events,
                    reported_events,
                    "the figure's total",
                    (f"{p}.events.{aid}",),
                )
            )
        # Numbers at risk, every curve of the arm.
        out.extend(_at_risk_diagnostics(analysis, a, head))
        # Median against the reported one.
        reported = ep.medians.get(aid)
        if reported is not None:
            out.append(_median_diagnostic(analysis, a, reported, head))
    # Events of the whole figure against the endpoint's total.
    if ep.events is not None and {a.arm.id for a in analysis.arms} == {
        arm.id for arm in analysis.evidence.arms
    }:
        total = sum(a.n_events for a in analysis.arms)
        out.append(
            _events_diagnostic(
                "events",
                head,
                None,
                total,
                round(ep.events.value),
                "the reported total",
                (*(f"{p}.events.{a.arm.id}" for a in analysis.arms), f"{ep.id}.events"),
            )
        )
    for c in analysis.comparisons:
        if c.agreement is None:
            continue
        sfx = analysis._suffix(c)
        out.append(
            Diagnostic(
                key="hr" + sfx,
                what="Hazard ratio, reconstructed vs reported",
                arm_id=c.treatment.id,
                stratum=None,
                reconstructed=c.cox.hr,
                reported=c.agreement.reported,
                level=c.agreement.level,
                message=f"{head}: {c.agreement.statement}",
                figures=(f"{p}.hr{sfx}", f"{ep.id}.hr", f"{p}.hr_vs_reported{sfx}"),
            )
        )
    return tuple(out)


def _events_diagnostic(
    key: str,
    head: str,
    arm_id: str | None,
    rebuilt: int,
    reported: int,
    whose: str,
    figures: tuple[str, ...],
) -> Diagnostic:
    diff = rebuilt - reported
    size = abs(diff)
    if size <= max(1, _EVENTS_PASS * reported):
        level = PASS
    elif size <= max(2, _EVENTS_NOTE * reported):
        level = NOTE
    else:
        level = WARN
    if diff == 0:
        text = f"{head}: the reconstruction has {rebuilt} events, exactly {whose}."
    else:
        share = f", {100 * size / reported:.1f}%" if reported else ""
        text = (
            f"{head}: the reconstruction has {rebuilt} events against {whose} of {reported} "
            f"({'+' if diff > 0 else '−'}{size}{share})."
        )
    return Diagnostic(
        key=key,
        what="Events, reconstructed vs reported",
        arm_id=arm_id,
        stratum=None,
        reconstructed=float(rebuilt),
        reported=float(reported),
        level=level,
        message=text,
        figures=figures,
    )


def _at_risk_diagnostics(
    analysis: ReconstructedAnalysis, a: ArmAnalysis, head: str
) -> list[Diagnostic]:
    out = []
    unit = analysis.figure.time_unit
    for f in a.fits:
        size, t, published = f.largest_at_risk_difference
        rebuilt = published + int(f.at_risk_difference[f.risk_time.index(t)])
        if size == 0:
            level = PASS
        elif size <= max(1, _AT_RISK_NOTE * published):
            level = NOTE
        else:
            level = WARN
        who = a.arm.label + (f", {f.stratum}" if f.stratum is not None else "")
        if size == 0:
            text = (
                f"{head}, {who}: the reconstructed numbers at risk equal the published ones "
                f"at all {len(f.risk_time)} table times."
            )
        else:
            text = (
                f"{head}, {who}: the reconstructed numbers at risk differ from the published "
                f"ones by up to {size} (at {format_number(t)} {unit}: {rebuilt} against "
                f"{published}); the curve and the risk table cannot both be met"
                + (": check both." if level == WARN else ".")
            )
        key = f"at_risk.{a.arm.id}" + (f".{_slug(f.stratum)}" if f.stratum is not None else "")
        out.append(
            Diagnostic(
                key=key,
                what="Numbers at risk: largest difference from the published table",
                arm_id=a.arm.id,
                stratum=f.stratum,
                reconstructed=float(rebuilt),
                reported=float(published),
                level=level,
                message=text,
                figures=(f"{analysis.id_prefix}.patients.{a.arm.id}",),
            )
        )
    return out


def _median_diagnostic(
    analysis: ReconstructedAnalysis, a: ArmAnalysis, reported: Measure, head: str
) -> Diagnostic:
    unit = analysis.figure.time_unit
    value = _convert(reported.value, reported.unit, unit)
    lower = _convert(reported.lower, reported.unit, unit) if reported.lower is not None else None
    upper = _convert(reported.upper, reported.unit, unit) if reported.upper is not None else None
    rebuilt = a.km.median
    ids = (f"{analysis.id_prefix}.median.{a.arm.id}", f"{analysis.endpoint.id}.median.{a.arm.id}")
    who = f"{head}, {a.arm.label}"
    if value is None:
        value = reported.value
    if math.isnan(rebuilt):
        return Diagnostic(
            key=f"median.{a.arm.id}",
            what="Median, reconstructed vs reported",
            arm_id=a.arm.id,
            stratum=None,
            reconstructed=None,
            reported=value,
            level=WARN,
            message=(
                f"{who}: the reconstructed curve does not reach 0.5, but a median of "
                f"{reported.printed} was reported."
            ),
            figures=ids,
        )
    diff = rebuilt - value
    half = 0.5 * 10.0 ** (-reported.decimals) if reported.decimals is not None else 0.0
    inside = lower is not None and upper is not None and lower <= rebuilt <= upper
    if abs(diff) <= max(half, _MEDIAN_PASS * value):
        level = PASS
    elif inside or abs(diff) <= _MEDIAN_NOTE * value:
        level = NOTE
    else:
        level = WARN
    text = (
        f"{who}: reconstructed median {rebuilt:.2f} {unit} against the reported "
        f"{format_number(value, reported.decimals)} ({'+' if diff >= 0 else '−'}"
        f"{abs(diff):.2f} {unit}, {100 * abs(diff) / value:.0f}%)"
    )
    if level == PASS:
        text += "."
    elif level == NOTE:
        text += (
            "; inside the reported CI."
            if inside
            else "; more than rounding or digitising explains."
        )
    else:
        text += "; outside the reported CI: check the curves and the reported median."
    return Diagnostic(
        key=f"median.{a.arm.id}",
        what="Median, reconstructed vs reported",
        arm_id=a.arm.id,
        stratum=None,
        reconstructed=rebuilt,
        reported=value,
        level=level,
        message=text,
        figures=ids,
    )
