"""What a KMunicate-style Kaplan–Meier plot draws, computed without Qt.

The analysis of a digitised figure (:mod:`explorer.analysis.reconstructed`) fills a
:class:`KmPlotData`; the widget (:mod:`explorer.ui.plots.kmunicate_plot`) only draws it.
The layout follows the KMunicate recommendations (Morris TP et al., BMJ Open
2019;9:e030215): step curves with confidence bands, censoring marks, and an extended table
under the time axis giving, per arm and at each time, the number at risk, the cumulative
number censored and the cumulative number of events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["KmArmCurve", "KmPlotData"]


@dataclass(frozen=True)
class KmArmCurve:
    """One arm's Kaplan–Meier estimate, ready to draw as steps.

    Attributes
    ----------
    arm_id, label : str
        The evidence arm id and the label shown in the legend and the risk table.
    time : numpy.ndarray of float
        Step times, starting at 0 (the value holds from ``time[i]`` to ``time[i + 1]``).
    survival, lower, upper : numpy.ndarray of float
        The estimate and its pointwise confidence limits at ``time`` (same length); a
        limit may be NaN where it is undefined (e.g. after the curve reaches 0).
    censor_time, censor_survival : numpy.ndarray of float
        Where the censoring marks go: each censoring time and the survival there.
    digitised_time, digitised_survival : numpy.ndarray of float
        The digitised points the estimate was reconstructed from (empty when none), so the
        plot can overlay them for a visual check of the fit.
    """

    arm_id: str
    label: str
    time: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    censor_time: np.ndarray
    censor_survival: np.ndarray
    digitised_time: np.ndarray = field(default_factory=lambda: np.empty(0))
    digitised_survival: np.ndarray = field(default_factory=lambda: np.empty(0))


@dataclass(frozen=True)
class KmPlotData:
    """Everything a KMunicate plot shows for one endpoint.

    Attributes
    ----------
    title : str
        E.g. "Progression-free survival: reconstructed from Figure 2".
    endpoint_name : str
        The y axis label ("Progression-free survival").
    time_unit : str
        The x axis unit ("months").
    status : str
        Provenance of the curves: ``"reconstructed"`` (from a digitised figure).
    ci_level : float
        Level of the bands, e.g. 0.95.
    ci_method : str
        How the bands were computed, named for the caption ("log transformation,
        Greenwood variance").
    arms : tuple of KmArmCurve
        Treatment arm(s) first, control last.
    table_times : tuple of float
        Times of the table's columns (the published risk-table times).
    at_risk, censored, events : mapping of arm id to tuple of int
        Per arm, one entry per table time t: the number at risk (follow-up time >= t), and
        the cumulative numbers censored and with an event before t (time < t), so that
        at risk + censored + events = the arm's patients in every column.
    published_at_risk : mapping of arm id to tuple of int
        The numbers at risk printed in the figure, for comparison (may be empty).
    caption : str
        One or two plain sentences under the plot: where the curves come from and how
        they were reconstructed.
    """

    title: str
    endpoint_name: str
    time_unit: str
    status: str
    ci_level: float
    ci_method: str
    arms: tuple[KmArmCurve, ...]
    table_times: tuple[float, ...]
    at_risk: Mapping[str, tuple[int, ...]]
    censored: Mapping[str, tuple[int, ...]]
    events: Mapping[str, tuple[int, ...]]
    published_at_risk: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    caption: str = ""
