"""Histograms of a design simulation: the observed hazard ratios and the analysis times.

:class:`HazardRatioHistogram` draws how the hazard ratio observed at the analysis varied
across the simulated trials, on a log-ratio axis (plotted as ``log(HR)`` with an axis
that prints the ratios, as the power curve does), with the design HR, no effect (HR 1)
and the median marked. :class:`AnalysisTimeHistogram` draws when the analysis happened,
in months from the first randomisation, with the median and the end of accrual marked.

Both take their numbers from :class:`~explorer.analysis.simulation.SimulationSummary`
(bin edges and counts computed there); every item is created once and updated with
``setData``. A stale simulation (the design changed since it ran) is drawn in grey
with "stale" in the title, so it is never read as current.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from explorer.analysis.figures import format_number
from explorer.analysis.simulation import SimulationSummary
from explorer.ui.plots.power_plot import DESIGN_COLOUR, NULL_COLOUR, _RatioAxis
from explorer.ui.style import EFFECT_COLOUR

#: Bars: a neutral blue-grey (not an arm colour: every trial has both arms).
BAR_COLOUR = "#7A8FA6"
STALE_COLOUR = "#C8C8C8"
MEDIAN_COLOUR = EFFECT_COLOUR
ACCRUAL_COLOUR = "#CC79A7"
# Head-room above the tallest bar for the legend, as a multiple of it; marker lines
# reach a little above the tallest bar, below the legend.
_HEADROOM = 1.5
_LINE_TOP = 1.04


def _nice_step(rough: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at least ``rough``: a tick step a reader can add up."""
    if not (rough > 0 and math.isfinite(rough)):
        return 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= rough - 1e-12)


class _Histogram(pg.PlotWidget):
    """A histogram drawn as one stepped, filled curve, with vertical marker lines."""

    def __init__(
        self,
        x_label: str,
        parent: QWidget | None = None,
        axis: pg.AxisItem | None = None,
    ) -> None:
        items = {"bottom": axis} if axis is not None else None
        super().__init__(parent, axisItems=items)
        plot = self.getPlotItem()
        plot.setLabel("bottom", x_label)
        plot.setLabel("left", "Share of simulated trials (%)")
        plot.showGrid(x=False, y=True, alpha=0.12)
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        for side in ("bottom", "left"):
            plot.getAxis(side).setStyle(tickTextOffset=5)
            plot.getAxis(side).enableAutoSIPrefix(False)
        self.legend = plot.addLegend(
            offset=(-4, 2), labelTextSize="8pt", verSpacing=-4, horSpacing=6
        )
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 230))
        self.legend.setPen(pg.mkPen("#BBBBBB"))
        self.bars = pg.PlotDataItem(
            np.zeros(2),
            np.zeros(1),
            stepMode="center",
            fillLevel=0.0,
            pen=pg.mkPen("#4F6378", width=1),
            brush=pg.mkBrush(BAR_COLOUR),
        )
        plot.addItem(self.bars)
        self._lines: list[pg.PlotDataItem] = []
        self._title = ""
        self.setMinimumSize(240, 220)

    def _line(self, colour: str, style: Qt.PenStyle, name: str, width: float = 2.0):
        line = pg.PlotDataItem([], [], pen=pg.mkPen(colour, width=width, style=style), name=name)
        line.setZValue(5)
        self.getPlotItem().addItem(line)
        self._lines.append(line)
        return line

    def _set_label(self, item: pg.PlotDataItem, text: str) -> None:
        for sample, label in self.legend.items:
            if sample.item is item:
                label.setText(html.escape(text))  # legend labels are rich text

    def _set_entry_visible(self, item: pg.PlotDataItem, visible: bool) -> None:
        for sample, label in self.legend.items:
            if sample.item is item:
                sample.setVisible(visible)
                label.setVisible(visible)

    def _draw(
        self, x_edges: np.ndarray, counts: np.ndarray, stale: bool, also: tuple[float, ...] = ()
    ) -> float:
        """Draw the bars as % of the trials (x range: the edges and ``also``); return the
        top of the y range."""
        total = float(counts.sum())
        share = 100.0 * counts / total if total > 0 else np.zeros(counts.size)
        self.bars.setData(x_edges, share)
        colour = STALE_COLOUR if stale else BAR_COLOUR
        self.bars.setBrush(pg.mkBrush(colour))
        self.bars.setPen(pg.mkPen("#A0A0A0" if stale else "#4F6378", width=1))
        top = max(float(share.max()) if share.size else 0.0, 0.1) * _HEADROOM
        plot = self.getPlotItem()
        shown = [float(x_edges[0]), float(x_edges[-1]), *also]
        plot.setXRange(min(shown), max(shown), padding=0.03)
        plot.setYRange(0.0, top, padding=0.0)
        step = _nice_step(top / 7.0)
        plot.getAxis("left").setTickSpacing(step, step)
        return top

    def _vertical(self, line: pg.PlotDataItem, x: float | None, top: float) -> None:
        if x is None or not math.isfinite(x):
            line.setData([], [])
            self._set_entry_visible(line, False)
        else:
            line.setData([x, x], [0.0, top / _HEADROOM * _LINE_TOP])
            self._set_entry_visible(line, True)

    def _set_title(self, text: str, stale: bool) -> None:
        self._title = text + (" (stale)" if stale else "")
        colour = "#8C6D00" if stale else "#000000"
        self.getPlotItem().setTitle(html.escape(self._title), size="10pt", color=colour)

    @property
    def title(self) -> str:
        """The plot's title as plain text."""
        return self._title

    def clear_histogram(self) -> None:
        """Show nothing (no simulation yet)."""
        self.bars.setData(np.zeros(2), np.zeros(1))
        for line in self._lines:
            line.setData([], [])
            self._set_entry_visible(line, False)
        self._set_title("", False)


class HazardRatioHistogram(_Histogram):
    """Observed hazard ratios of the simulated trials, on a log-ratio axis.

    Attributes
    ----------
    bars : pyqtgraph.PlotDataItem
        ``stepMode="center"``: x is the bin edges as ``log(HR)``, y the % of trials per bin.
    design_line, null_line, median_line : pyqtgraph.PlotDataItem
        Vertical lines at the design HR, HR 1 and the median observed HR (x as ``log``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Observed hazard ratio (log scale)",
            parent,
            axis=_RatioAxis(orientation="bottom"),
        )
        self.null_line = self._line(NULL_COLOUR, Qt.PenStyle.DotLine, "No effect (HR 1)", 1.5)
        self.design_line = self._line(DESIGN_COLOUR, Qt.PenStyle.SolidLine, "Design HR")
        self.median_line = self._line(MEDIAN_COLOUR, Qt.PenStyle.DashLine, "Median")
        self.clear_histogram()

    def set_summary(self, summary: SimulationSummary, *, stale: bool = False) -> None:
        """Draw the hazard ratios of ``summary``; grey with a "stale" title if ``stale``."""
        top = self._draw(np.log(summary.hr_edges), summary.hr_counts, stale)
        hr = summary.inputs.hr
        self._vertical(self.design_line, math.log(hr), top)
        self._vertical(self.null_line, 0.0, top)
        median = summary.hr_median
        self._vertical(self.median_line, math.log(median) if median > 0 else None, top)
        self._set_label(self.design_line, f"Design {format_number(hr)}")
        self._set_label(self.median_line, f"Median {format_number(median, 3)}")
        n = f"{summary.settings.n_sims:,}"
        self._set_title(f"Observed HR in {n} trials", stale)


class AnalysisTimeHistogram(_Histogram):
    """When the analysis happened in each simulated trial (months from the first patient).

    Attributes
    ----------
    bars : pyqtgraph.PlotDataItem
        ``stepMode="center"``: x is the bin edges in months, y the % of trials per bin.
    median_line, accrual_line : pyqtgraph.PlotDataItem
        Vertical lines at the median analysis time and the end of accrual.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Months from first randomisation", parent)
        self.accrual_line = self._line(ACCRUAL_COLOUR, Qt.PenStyle.DotLine, "End of accrual", 2.0)
        self.median_line = self._line(MEDIAN_COLOUR, Qt.PenStyle.DashLine, "Median")
        self.clear_histogram()

    def set_summary(self, summary: SimulationSummary, *, stale: bool = False) -> None:
        """Draw the analysis times of ``summary``; grey with a "stale" title if ``stale``."""
        accrual = summary.inputs.accrual_time
        also = (accrual,) if accrual else ()
        top = self._draw(summary.time_edges, summary.time_counts, stale, also)
        self._vertical(self.median_line, summary.time_median, top)
        self._set_label(self.median_line, f"Median {format_number(summary.time_median, 1)}")
        self._vertical(self.accrual_line, accrual or None, top)
        if accrual:
            self._set_label(self.accrual_line, f"Accrual ends {format_number(accrual)}")
        d = summary.settings.events
        self._set_title(f"Analysis at {d} events", stale)


__all__ = ["AnalysisTimeHistogram", "HazardRatioHistogram"]
