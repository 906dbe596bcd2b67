"""Prior, likelihood and posterior of the hazard ratio, on a log axis read as ratios.

The plot draws a :class:`~explorer.analysis.interpretation.BayesResult`: three
densities over the same grid of log hazard ratios (the prior dashed, absent for a
flat prior; the likelihood from the reported HR and CI dotted; the posterior solid),
vertical lines at HR 1 (no effect) and at the clinically important threshold, and
the posterior area below the threshold shaded: that area is the probability the
panel prints. The x axis is log(HR), labelled in HR by the forest plot's
:class:`~explorer.ui.plots.forest_plot.RatioAxis`.

Items are created once; :meth:`PosteriorPlot.set_result` only calls ``setData``, so
dragging a spin box redraws within a frame.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from explorer.ui.plots.forest_plot import RatioAxis
from explorer.ui.style import EFFECT_COLOUR, qcolor

if TYPE_CHECKING:
    from explorer.analysis.interpretation import BayesResult

#: HRs labelled on the axis (those in view are shown).
POSTERIOR_TICKS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0)
#: Okabe–Ito colours not used by the arms: the prior reddish purple, the likelihood green.
PRIOR_COLOUR = "#CC79A7"
LIKELIHOOD_COLOUR = "#009E73"
POSTERIOR_COLOUR = EFFECT_COLOUR
THRESHOLD_COLOUR = "#D55E00"
SHADE_COLOUR = "#56B4E9"
_NULL_COLOUR = "#555555"


def _ratio(x: float) -> str:
    return f"{x:.3g}"


class PosteriorPlot(pg.PlotWidget):
    """Densities of the log hazard ratio under one prior, with the threshold area shaded.

    Attributes
    ----------
    prior_curve, likelihood_curve, posterior_curve : pyqtgraph.PlotDataItem
        The densities (``getData()`` returns the analysis arrays); the prior curve is
        empty for a flat prior.
    shade_top, shade_base : pyqtgraph.PlotDataItem
        The posterior below the threshold and zero beneath it (not drawn themselves).
    shade : pyqtgraph.FillBetweenItem
        The shaded area: posterior probability that HR < threshold.
    null_line, threshold_line : pyqtgraph.InfiniteLine
        At log 1 = 0 and at log(threshold).
    result : BayesResult or None
        What is drawn.
    """

    def __init__(self, parent=None) -> None:
        axis = RatioAxis("bottom", ticks=POSTERIOR_TICKS)
        super().__init__(parent, axisItems={"bottom": axis})
        self.ratio_axis = axis
        # Ticks are log values printed as ratios: no SI-prefix scale factor on the label.
        axis.enableAutoSIPrefix(False)
        self.result: BayesResult | None = None
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=False, alpha=0.12)
        plot.getAxis("left").setStyle(showValues=False, tickLength=0)
        plot.setLabel("left", "Density")
        plot.setLabel("bottom", "Hazard ratio (log scale) — ← fewer events with treatment")

        transparent = pg.mkPen((0, 0, 0, 0))
        self.shade_top = pg.PlotDataItem(pen=transparent)
        self.shade_base = pg.PlotDataItem(pen=transparent)
        # A transparent pen, not None: FillBetweenItem with pen=None draws nothing.
        self.shade = pg.FillBetweenItem(
            self.shade_top, self.shade_base, brush=qcolor(SHADE_COLOUR, 90), pen=transparent
        )
        self.likelihood_curve = pg.PlotDataItem(
            pen=pg.mkPen(LIKELIHOOD_COLOUR, width=2.2, style=Qt.PenStyle.DotLine)
        )
        self.prior_curve = pg.PlotDataItem(
            pen=pg.mkPen(PRIOR_COLOUR, width=2.2, style=Qt.PenStyle.DashLine)
        )
        self.posterior_curve = pg.PlotDataItem(pen=pg.mkPen(POSTERIOR_COLOUR, width=3))
        self.null_line = pg.InfiniteLine(
            pos=0.0,
            angle=90,
            pen=pg.mkPen(_NULL_COLOUR, width=1.2, style=Qt.PenStyle.DashLine),
            label="HR 1",
            labelOpts={"position": 0.05, "color": _NULL_COLOUR, "anchors": [(0, 0), (0, 0)]},
        )
        self.threshold_line = pg.InfiniteLine(
            pos=0.0,
            angle=90,
            pen=pg.mkPen(THRESHOLD_COLOUR, width=1.6, style=Qt.PenStyle.DashDotLine),
            label="threshold",
            labelOpts={"position": 0.86, "color": THRESHOLD_COLOUR, "anchors": [(1, 0), (1, 0)]},
        )
        for item in (self.shade_top, self.shade_base, self.shade):
            plot.addItem(item)
        for item in (
            self.null_line,
            self.threshold_line,
            self.likelihood_curve,
            self.prior_curve,
            self.posterior_curve,
        ):
            plot.addItem(item)
        self.shade.setZValue(-5)
        # The likelihood is drawn over the posterior: with a flat prior they coincide.
        self.likelihood_curve.setZValue(2)
        # Legend sample for the shaded area (FillBetweenItem has no legend sample).
        self._shade_sample = pg.PlotDataItem(
            pen=pg.mkPen(qcolor(SHADE_COLOUR, 200), width=1),
            fillLevel=0.0,
            fillBrush=qcolor(SHADE_COLOUR, 90),
        )

        self.legend = plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.legend.setBrush(qcolor("#FFFFFF", 225))
        self._legend_key: tuple = ()

    def set_result(self, result: BayesResult) -> None:
        """Draw ``result``: densities, the shaded posterior area and the two lines."""
        self.result = result
        x = np.asarray(result.log_hr, dtype=float)
        posterior = np.asarray(result.posterior_density, dtype=float)
        self.posterior_curve.setData(x, posterior)
        self.likelihood_curve.setData(x, np.asarray(result.likelihood_density, dtype=float))
        if result.prior_density is None:
            self.prior_curve.setData([], [])
        else:
            self.prior_curve.setData(x, np.asarray(result.prior_density, dtype=float))

        cut = math.log(result.threshold)
        below = x < cut
        xs = x[below]
        ys = posterior[below]
        if len(x) and x[0] < cut < x[-1]:
            # Close the area exactly at the threshold.
            xs = np.append(xs, cut)
            ys = np.append(ys, np.interp(cut, x, posterior))
        self.shade_top.setData(xs, ys)
        self.shade_base.setData(xs, np.zeros_like(ys))

        self.threshold_line.setPos(cut)
        self.threshold_line.label.setFormat(f"threshold {_ratio(result.threshold)}")
        # The threshold line's label sits left of the line, the HR 1 label right of it.
        self.threshold_line.setVisible(abs(cut) > 1e-12)

        plot = self.getPlotItem()
        if len(x):
            plot.setXRange(float(x[0]), float(x[-1]), padding=0)
        peak = [float(np.max(posterior))] if len(posterior) else [1.0]
        peak.append(float(np.max(result.likelihood_density)) if len(x) else 0.0)
        if result.prior_density is not None and len(x):
            peak.append(float(np.max(result.prior_density)))
        plot.setYRange(0, 1.12 * max(peak), padding=0)
        name = html.escape(result.prior.name)
        plot.setTitle(
            f"Hazard ratio: {name} prior, likelihood and posterior (normal on log HR)",
            size="10pt",
        )
        self._update_legend(result)

    def clear_result(self, message: str) -> None:
        """Draw nothing and say why in the title (plain text, escaped)."""
        self.result = None
        for item in (
            self.prior_curve,
            self.likelihood_curve,
            self.posterior_curve,
            self.shade_top,
            self.shade_base,
        ):
            item.setData([], [])
        self.threshold_line.setVisible(False)
        self.legend.clear()
        self._legend_key = ()
        self.getPlotItem().setTitle(html.escape(message), size="10pt")

    def _update_legend(self, result: BayesResult) -> None:
        key = (
            result.prior.name,
            result.prior_density is None,
            round(result.threshold, 6),
            round(result.probability_below_threshold, 3),
        )
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        name = html.escape(result.prior.name)
        if result.prior_density is None:
            self.legend.addItem(self.prior_curve, "prior: flat (posterior = likelihood)")
        else:
            self.legend.addItem(self.prior_curve, f"prior ({name})")
        self.legend.addItem(self.likelihood_curve, "likelihood (reported HR and CI)")
        self.legend.addItem(self.posterior_curve, "posterior")
        self.legend.addItem(
            self._shade_sample,
            f"P(HR &lt; {_ratio(result.threshold)}) = "
            f"{100 * result.probability_below_threshold:.1f}% (shaded)",
        )
