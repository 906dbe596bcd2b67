"""Power of the log-rank test against the true hazard ratio, on a log-ratio axis.

:class:`PowerPlot` draws one :class:`~explorer.analysis.design.DesignCurve`: the power
curve at the trial's events, the target power, the design hazard ratio on the curve
and the observed hazard ratio with its confidence interval. Hazard ratios are plotted
as ``log(HR)`` with an axis that prints the ratios (as the forest plot does), because
``ErrorBarItem`` ignores pyqtgraph's log mode (pyqtgraph PR #2812).

Every item is created once; :meth:`PowerPlot.set_curve` only calls ``setData``, so a
parameter change redraws within a frame.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from explorer.analysis.design import METHOD_NAMES, DesignCurve
from explorer.analysis.figures import format_number
from explorer.ui.style import EFFECT_COLOUR

#: Okabe–Ito vermillion for the design hypothesis, bluish green for the observed result:
#: neither is an arm colour, so nobody reads them as treatment or control.
DESIGN_COLOUR = "#D55E00"
OBSERVED_COLOUR = "#009E73"
TARGET_COLOUR = "#666666"
NULL_COLOUR = "#999999"

# Ratios worth a tick on a hazard-ratio axis, and a sparser set for narrow plots.
_RATIO_TICKS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0)
_SPARSE_TICKS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
_MIN_TICK_PIXELS = 42.0


class _RatioAxis(pg.AxisItem):
    """A bottom axis for values plotted as ``log(ratio)`` that prints the ratios."""

    def tickValues(self, minVal: float, maxVal: float, size: float):
        ticks = [math.log(t) for t in _RATIO_TICKS if minVal <= math.log(t) <= maxVal]
        if len(ticks) > 1 and size / len(ticks) < _MIN_TICK_PIXELS:
            ticks = [math.log(t) for t in _SPARSE_TICKS if minVal <= math.log(t) <= maxVal]
        return [(1.0, ticks)]

    def tickStrings(self, values, scale, spacing):
        return [format_number(round(math.exp(v), 3)) for v in values]


class PowerPlot(pg.PlotWidget):
    """Power (%) against the true hazard ratio, with the design and observed HRs marked.

    Attributes
    ----------
    curve : pyqtgraph.PlotDataItem
        The power curve: x is ``log(HR)``, y the power in %.
    target_line : pyqtgraph.PlotDataItem
        The target power, a horizontal line across the curve's range.
    design_marker : pyqtgraph.PlotDataItem
        The design hazard ratio at its power on the curve.
    observed_marker : pyqtgraph.PlotDataItem
        The observed hazard ratio at its power on the curve.
    observed_error : pyqtgraph.ErrorBarItem
        The observed hazard ratio's confidence interval, horizontal, on the log scale.
    null_line : pyqtgraph.InfiniteLine
        HR = 1, where the power equals α.
    legend : pyqtgraph.LegendItem
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": _RatioAxis(orientation="bottom")})
        plot = self.getPlotItem()
        plot.setLabel("bottom", "True hazard ratio, treatment : control (log scale)")
        plot.setLabel("left", "Power to reject HR = 1 (%)")
        plot.showGrid(x=True, y=True, alpha=0.12)
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.getAxis("left").setTickSpacing(20, 10)
        for side in ("bottom", "left"):
            plot.getAxis(side).setStyle(tickTextOffset=6)
            # Log ratios near 0 would otherwise get an SI prefix ("x0.001").
            plot.getAxis(side).enableAutoSIPrefix(False)

        # Two columns at the top, above 100%: the curve never runs under the legend.
        self.legend = plot.addLegend(offset=(-6, 4), labelTextSize="9pt", colCount=2)
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 230))
        self.legend.setPen(pg.mkPen("#BBBBBB"))

        self.null_line = pg.InfiniteLine(
            pos=0.0,
            angle=90,
            pen=pg.mkPen(NULL_COLOUR, width=1, style=Qt.PenStyle.DotLine),
        )
        plot.addItem(self.null_line, ignoreBounds=True)
        self.curve = plot.plot(
            [], [], pen=pg.mkPen(EFFECT_COLOUR, width=2.5), name="Power at the analysis"
        )
        self.target_line = plot.plot(
            [],
            [],
            pen=pg.mkPen(TARGET_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
            name="Target power",
        )
        self.observed_error = pg.ErrorBarItem(
            x=np.zeros(0), y=np.zeros(0), beam=2.5, pen=pg.mkPen(OBSERVED_COLOUR, width=2)
        )
        plot.addItem(self.observed_error)
        self.design_marker = plot.plot(
            [],
            [],
            pen=None,
            symbol="d",
            symbolSize=16,
            symbolBrush=DESIGN_COLOUR,
            symbolPen=pg.mkPen("w", width=1.5),
            name="Design HR",
        )
        self.observed_marker = plot.plot(
            [],
            [],
            pen=None,
            symbol="o",
            symbolSize=12,
            symbolBrush=OBSERVED_COLOUR,
            symbolPen=pg.mkPen("w", width=1.5),
            name="Observed HR",
        )
        self.observed_error.setZValue(5)
        self.observed_marker.setZValue(6)
        self.design_marker.setZValue(7)
        self._labels = {sample.item: label for sample, label in self.legend.items}

    def set_curve(self, curve: DesignCurve) -> None:
        """Show ``curve``: update every item's data and the legend, never rebuild them."""
        x = np.log(curve.hr)
        self.curve.setData(x, 100.0 * curve.power)
        target = 100.0 * curve.target_power
        self.target_line.setData(np.array([x[0], x[-1]]), np.array([target, target]))
        design_x = math.log(curve.design_hr)
        self.design_marker.setData([design_x], [100.0 * curve.design_power])

        events = format_number(curve.events, 0 if float(curve.events).is_integer() else 1)
        where = "" if curve.events_observed else " required"
        method = METHOD_NAMES.get(curve.method, curve.method)
        self._label(self.curve, f"Power at {events}{where} events ({method})")
        self._label(self.target_line, f"Target power {format_number(target)}%")
        self._label(
            self.design_marker,
            f"Design HR {format_number(curve.design_hr)}: "
            f"{format_number(100 * curve.design_power, 1)}%",
        )

        if curve.observed_hr is not None and curve.observed_power is not None:
            obs_x = math.log(curve.observed_hr)
            obs_y = 100.0 * curve.observed_power
            self.observed_marker.setData([obs_x], [obs_y])
            text = f"Observed HR {format_number(curve.observed_hr)}"
            if curve.observed_lower is not None and curve.observed_upper is not None:
                self.observed_error.setData(
                    x=np.array([obs_x]),
                    y=np.array([obs_y]),
                    left=np.array([obs_x - math.log(curve.observed_lower)]),
                    right=np.array([math.log(curve.observed_upper) - obs_x]),
                )
                self.observed_error.setVisible(True)
                level = f"{100 * (curve.observed_level or 0.95):g}% CI"
                text += (
                    f" ({level} {format_number(curve.observed_lower)}–"
                    f"{format_number(curve.observed_upper)})"
                )
            else:
                self.observed_error.setVisible(False)
            self._label(self.observed_marker, f"{text}: {format_number(obs_y, 1)}%")
            self._set_entry_visible(self.observed_marker, True)
        else:
            self.observed_marker.setData([], [])
            self.observed_error.setVisible(False)
            self._set_entry_visible(self.observed_marker, False)

        plot = self.getPlotItem()
        plot.setTitle(
            html.escape(f"Power by the true hazard ratio, at {events} events"), size="11pt"
        )
        plot.setXRange(float(x[0]), float(x[-1]), padding=0.02)
        plot.setYRange(0.0, 122.0, padding=0.0)
        plot.getAxis("left").setTicks([[(v, f"{v}") for v in range(0, 101, 20)], []])

    def _label(self, item: pg.PlotDataItem, text: str) -> None:
        # pyqtgraph labels are rich text: escape whatever we put in them.
        self._labels[item].setText(html.escape(text))

    def _set_entry_visible(self, item: pg.PlotDataItem, visible: bool) -> None:
        for sample, label in self.legend.items:
            if sample.item is item:
                sample.setVisible(visible)
                label.setVisible(visible)


__all__ = ["PowerPlot"]
