"""Per-arm rates of a binary outcome as dots with Wilson-interval whiskers.

The plot draws a :class:`~explorer.analysis.endpoints.RateComparison`: one row per
arm (treatment on top), the printed percentage as a dot in the arm's colour and its
Wilson interval as a whisker, dashed when the interval rests on counts that were
reconstructed from printed percentages. Each row is labelled with its numbers.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from explorer.analysis import RECONSTRUCTED, STATUS_MARKS
from explorer.analysis.endpoints import ArmRate, RateComparison
from explorer.ui.style import qcolor


def _number(x: float) -> str:
    return f"{x:.1f}"


def _row_text(arm: ArmRate) -> str:
    """``6.4% (95% CI 3.0–13.2) · 6/94 ◇``."""
    text = f"{_number(arm.percent)}%"
    if arm.lower is not None and arm.upper is not None:
        text += f"  ({arm.level * 100:g}% CI {_number(arm.lower)}–{_number(arm.upper)})"
    if arm.counts_text:
        mark = f" {STATUS_MARKS[RECONSTRUCTED]}" if arm.status == RECONSTRUCTED else ""
        text += f"  ·  {arm.counts_text}{mark}"
    return text


class _ArmItems:
    """The whisker, dot and label of one arm."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.whisker = pg.ErrorBarItem(beam=0.12)
        self.point = pg.ScatterPlotItem(symbol="o", size=13)
        self.label = pg.TextItem(anchor=(0, 1))
        self._plot = plot
        for item in (self.whisker, self.point, self.label):
            plot.addItem(item)

    def set_arm(self, arm: ArmRate, row: int, colour: str) -> None:
        if arm.lower is not None and arm.upper is not None:
            pen = pg.mkPen(colour, width=2.5)
            if arm.status == RECONSTRUCTED:
                # Dashed: the interval rests on counts reconstructed from percentages.
                pen.setStyle(Qt.PenStyle.CustomDashLine)
                pen.setDashPattern([3.0, 1.5])
            self.whisker.setData(
                x=np.array([arm.percent]),
                y=np.array([float(row)]),
                left=np.array([arm.percent - arm.lower]),
                right=np.array([arm.upper - arm.percent]),
                pen=pen,
            )
        else:
            self.whisker.setData(x=None, y=None)
        self.point.setData(
            x=[arm.percent], y=[float(row)], brush=qcolor(colour), pen=pg.mkPen("w", width=1.5)
        )
        self.label.setText(_row_text(arm), color=colour)
        left = arm.lower if arm.lower is not None else arm.percent
        self.label.setPos(left, row - 0.16)

    def remove(self) -> None:
        for item in (self.whisker, self.point, self.label):
            self._plot.removeItem(item)


class RatesPlot(pg.PlotWidget):
    """Dot-and-whisker plot of one binary outcome's rate per arm.

    ``arm_items[arm_id].point`` holds the plotted percentage and
    ``arm_items[arm_id].whisker.opts`` its interval.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.getViewBox().invertY(True)
        plot.setLabel("bottom", "% of patients")
        self.comparison_label = pg.TextItem(anchor=(0, 0), color="#333333")
        plot.addItem(self.comparison_label)
        self.arm_items: dict[str, _ArmItems] = {}
        self.rates: RateComparison | None = None

    def set_rates(self, rates: RateComparison, colours: dict[str, str]) -> None:
        """Draw ``rates``: one row per arm, in ``colours[arm_id]``."""
        plot = self.getPlotItem()
        self.rates = rates
        wanted = [a.arm_id for a in rates.arms]
        for arm_id in list(self.arm_items):
            if arm_id not in wanted:
                self.arm_items.pop(arm_id).remove()
        for row, arm in enumerate(rates.arms):
            items = self.arm_items.get(arm.arm_id)
            if items is None:
                items = self.arm_items[arm.arm_id] = _ArmItems(plot)
            items.set_arm(arm, row, colours.get(arm.arm_id, "#000000"))
        plot.getAxis("left").setTicks(
            [[(float(i), arm.arm_label) for i, arm in enumerate(rates.arms)], []]
        )
        plot.setTitle(html.escape(rates.title), size="10pt")
        plot.setLabel("bottom", html.escape(rates.x_label))
        highest = max(
            [a.upper if a.upper is not None else a.percent for a in rates.arms], default=10.0
        )
        # Room on the right for the row labels that start at the lower bound.
        x_max = min(100.0, max(10.0, 5.0 * math.ceil(highest * 1.3 / 5.0)))
        plot.setXRange(0, x_max, padding=0.02)
        n = len(rates.arms)
        self.comparison_label.setText("\n".join(rates.comparison))
        self.comparison_label.setPos(0, n - 0.4)
        plot.setYRange(-0.7, n + 0.35, padding=0)
