"""Survival curves modelled from reported medians and landmark rates, with the reported points.

The plot only draws :class:`~explorer.analysis.endpoints.SurvivalCurves`: per arm a
smooth curve (solid between reported points, dashed where the last hazard is
continued), the reported median at 50% with its CI as a horizontal bar, and the
reported landmark rates. Its title says, in words, that these are model curves and
not Kaplan–Meier data.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from explorer.analysis.endpoints import ArmCurve, SurvivalCurves
from explorer.ui.style import qcolor

#: Vertical distance (percentage points) between the arms' median CI bars, so that
#: overlapping intervals at S = 50% stay distinguishable.
MEDIAN_BAR_STEP = 6.0
_GREY = "#777777"


def _bar_offsets(n: int) -> list[float]:
    """Offsets of the median CI bars from 50%: first arm above, last below."""
    return [MEDIAN_BAR_STEP * ((n - 1) / 2 - i) for i in range(n)]


class _ArmItems:
    """The plot items of one arm, created once and updated with ``setData``."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.curve = pg.PlotDataItem()
        self.tail = pg.PlotDataItem()
        self.median_bar = pg.ErrorBarItem(beam=2.0)
        self.median_point = pg.ScatterPlotItem(symbol="o", size=10)
        self.landmark_points = pg.ScatterPlotItem(symbol="d", size=12)
        self.median_label = pg.TextItem(anchor=(0, 0.5))
        self.landmark_labels: list[pg.TextItem] = []
        self._plot = plot
        for item in (
            self.curve,
            self.tail,
            self.median_bar,
            self.median_point,
            self.landmark_points,
            self.median_label,
        ):
            plot.addItem(item)

    def set_arm(self, arm: ArmCurve, colour: str, bar_offset: float, label_right: bool) -> None:
        self.curve.setData(*arm.interpolated(), pen=pg.mkPen(colour, width=2.5))
        self.tail.setData(
            *arm.extrapolated(), pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine)
        )
        med = arm.median
        if med is not None and med.lower is not None and med.upper is not None:
            self.median_bar.setData(
                x=np.array([med.time]),
                y=np.array([med.percent + bar_offset]),
                left=np.array([med.time - med.lower]),
                right=np.array([med.upper - med.time]),
                pen=pg.mkPen(colour, width=2),
            )
            text = f"median {_number(med.time)} ({_number(med.lower)}–{_number(med.upper)})"
            self.median_label.setText(text, color=colour)
            if label_right:
                self.median_label.setAnchor((0, 0.5))
                self.median_label.setPos(med.upper + 0.15, med.percent + bar_offset)
            else:
                self.median_label.setAnchor((1, 0.5))
                self.median_label.setPos(med.lower - 0.15, med.percent + bar_offset)
            self.median_label.setVisible(True)
        else:
            self.median_bar.setData(x=None, y=None)
            self.median_label.setVisible(False)
        if med is not None:
            self.median_point.setData(
                x=[med.time],
                y=[med.percent],
                brush=qcolor(colour),
                pen=pg.mkPen("w", width=1.5),
            )
        else:
            self.median_point.setData(x=[], y=[])
        self.landmark_points.setData(
            x=[m.time for m in arm.landmarks],
            y=[m.percent for m in arm.landmarks],
            brush=qcolor(colour),
            pen=pg.mkPen("w", width=1.5),
        )
        while len(self.landmark_labels) < len(arm.landmarks):
            label = pg.TextItem(anchor=(0, 1))
            self._plot.addItem(label)
            self.landmark_labels.append(label)
        for i, label in enumerate(self.landmark_labels):
            if i < len(arm.landmarks):
                m = arm.landmarks[i]
                label.setText(f"{_number(m.percent)}%", color=colour)
                label.setPos(m.time + 0.1, m.percent + 1.0)
                label.setVisible(True)
            else:
                label.setVisible(False)

    def remove(self) -> None:
        for item in (
            self.curve,
            self.tail,
            self.median_bar,
            self.median_point,
            self.landmark_points,
            self.median_label,
            *self.landmark_labels,
        ):
            self._plot.removeItem(item)


def _number(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"


class SurvivalPlot(pg.PlotWidget):
    """Modelled survival curves of one time-to-event endpoint, in arm colours.

    Items are created once per arm and updated by :meth:`set_curves`; tests read
    ``arm_items[arm_id].curve.getData()`` and the median/landmark items.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        self.half_line = pg.InfiniteLine(
            pos=50, angle=0, pen=pg.mkPen(_GREY, width=1, style=Qt.PenStyle.DotLine)
        )
        plot.addItem(self.half_line)
        self.legend = plot.addLegend(offset=(10, -10), labelTextSize="9pt")
        self.legend.setBrush(qcolor("#FFFFFF", 220))
        # Samples for the legend only (not added to the plot).
        self._median_sample = pg.ScatterPlotItem(symbol="o", size=10, brush="k", pen="w")
        self._landmark_sample = pg.ScatterPlotItem(symbol="d", size=12, brush="k", pen="w")
        self._tail_sample = pg.PlotDataItem(
            pen=pg.mkPen(_GREY, width=2, style=Qt.PenStyle.DashLine)
        )
        self.arm_items: dict[str, _ArmItems] = {}
        self.curves: SurvivalCurves | None = None
        self._legend_key: tuple = ()
        plot.setLabel("left", "Survival (%)")
        plot.setLabel("bottom", "Time")
        plot.setYRange(0, 100, padding=0.02)

    def set_curves(self, curves: SurvivalCurves, colours: dict[str, str]) -> None:
        """Draw ``curves`` with each arm in ``colours[arm_id]``."""
        plot = self.getPlotItem()
        self.curves = curves
        wanted = [a.arm_id for a in curves.arms]
        for arm_id in list(self.arm_items):
            if arm_id not in wanted:
                self.arm_items.pop(arm_id).remove()
        offsets = _bar_offsets(len(curves.arms))
        for i, arm in enumerate(curves.arms):
            items = self.arm_items.get(arm.arm_id)
            if items is None:
                items = self.arm_items[arm.arm_id] = _ArmItems(plot)
            # Two arms: labels on either side of their bars; more arms (format 1.2): each
            # bar has its own height, and every label goes right, where there is room.
            right = i == 0 or len(curves.arms) > 2
            items.set_arm(arm, colours.get(arm.arm_id, "#000000"), offsets[i], label_right=right)
        # Two lines, so the warning that these are model curves is never clipped.
        plot.setTitle(html.escape(curves.title).replace(" (", "<br>(", 1), size="10pt")
        plot.setLabel("left", html.escape(curves.y_label))
        plot.setLabel("bottom", html.escape(curves.x_label))
        plot.setXRange(0, curves.t_max, padding=0.01)
        plot.setYRange(0, 100, padding=0.02)
        self._update_legend(curves)

    def _update_legend(self, curves: SurvivalCurves) -> None:
        key = tuple((a.arm_id, a.arm_label, len(a.landmarks)) for a in curves.arms)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        for arm in curves.arms:
            self.legend.addItem(
                self.arm_items[arm.arm_id].curve, html.escape(f"{arm.arm_label} (model)")
            )
        self.legend.addItem(self._tail_sample, "extrapolated beyond last reported point")
        levels = {a.median.level for a in curves.arms if a.median is not None and a.median.level}
        ci = f"{levels.pop() * 100:g}% CI" if len(levels) == 1 else "CI"
        self.legend.addItem(self._median_sample, f"reported median (bar: {ci})")
        marks = {m.label.split(" rate")[0] for a in curves.arms for m in a.landmarks}
        if marks:
            words = ", ".join(sorted(marks))
            self.legend.addItem(self._landmark_sample, html.escape(f"reported {words} rate"))
