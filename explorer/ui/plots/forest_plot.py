"""Forest plot of ratio effects on a log axis, with the direction of benefit per row.

pyqtgraph's ``setLogMode`` does not apply to ``ErrorBarItem`` (pyqtgraph #2812), so
the plot draws log(ratio) itself and :class:`RatioAxis` labels the ticks with the
ratio. Intervals that run beyond the clip window end in an arrow. Each row states on
the right its estimate and which side of 1 favours the treatment arm: for a hazard
ratio or an adverse-event risk ratio that is below 1, for the risk ratio of a
response above 1.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from explorer.analysis import REPORTED
from explorer.analysis.endpoints import ForestData
from explorer.ui.plots.axes import fix_row_plot, set_row_ticks
from explorer.ui.style import EFFECT_COLOUR, qcolor

#: Widest row label on either side, in pixels (longer ones are elided; the table has them whole).
LEFT_LABEL_WIDTH = 200
RIGHT_LABEL_WIDTH = 260
#: Narrowest the plotting area may get before the right-hand labels are elided.
MIN_PLOT_WIDTH = 230
#: Ratios labelled on the axis (those inside the view are shown).
RATIO_TICKS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)


class RatioAxis(pg.AxisItem):
    """An axis over log(ratio) whose ticks read as ratios: 0.25, 0.5, 1, 2, 4."""

    def __init__(self, orientation: str = "bottom", ticks=RATIO_TICKS, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.ratios = tuple(ticks)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        """Ticks at the log of :attr:`ratios` within the view (one major level)."""
        lo, hi = min(minVal, maxVal), max(minVal, maxVal)
        values = [math.log(r) for r in self.ratios if lo <= math.log(r) <= hi]
        return [(1.0, values)]

    def tickStrings(self, values, scale, spacing) -> list[str]:
        """Each tick as its ratio, exp(value), to three significant digits."""
        return [f"{math.exp(v):.3g}" for v in values]


class ForestPlot(pg.PlotWidget):
    """Ratio effects, one row per endpoint, on a log-ratio axis.

    Items (created once): ``errors`` (:class:`pyqtgraph.ErrorBarItem` on log
    ratios), ``points`` (filled for reported effects, hollow otherwise),
    ``clip_marks`` (arrows where an interval leaves the window), ``null_line``
    at log 1 = 0 and ``selection_band`` behind the selected row.
    """

    #: Emitted with the row index when the user clicks an estimate.
    row_clicked = Signal(int)

    def __init__(self, parent=None) -> None:
        ratio_axis = RatioAxis("bottom")
        super().__init__(parent, axisItems={"bottom": ratio_axis})
        self.ratio_axis = ratio_axis
        plot = self.getPlotItem()
        fix_row_plot(plot)
        plot.showGrid(x=True, y=False, alpha=0.12)
        self.selection_band = pg.LinearRegionItem(
            values=(-0.5, 0.5),
            orientation="horizontal",
            movable=False,
            brush=qcolor("#0072B2", 28),
            pen=pg.mkPen(None),
        )
        self.selection_band.setZValue(-10)
        self.selection_band.setVisible(False)
        self.null_line = pg.InfiniteLine(
            pos=0, angle=90, pen=pg.mkPen("#555555", width=1.2, style=Qt.PenStyle.DashLine)
        )
        self.errors = pg.ErrorBarItem(beam=0, pen=pg.mkPen(EFFECT_COLOUR, width=2))
        self.points = pg.ScatterPlotItem(symbol="s", size=11)
        self.clip_marks = pg.ScatterPlotItem(size=12, pen=pg.mkPen(None), brush=EFFECT_COLOUR)
        for item in (self.selection_band, self.null_line, self.errors, self.points):
            plot.addItem(item)
        plot.addItem(self.clip_marks)
        self.points.sigClicked.connect(self._on_points_clicked)
        self.data: ForestData | None = None

    def set_data(self, data: ForestData) -> None:
        """Draw the rows of ``data`` (row 0 at the top)."""
        plot = self.getPlotItem()
        self.data = data
        n = len(data)
        rows = np.arange(n, dtype=float)
        if n:
            self.errors.setData(
                x=data.x,
                y=rows,
                left=data.x - data.x_lower,
                right=data.x_upper - data.x,
            )
        else:
            self.errors.setData(x=None, y=None)
        brushes = [
            pg.mkBrush(EFFECT_COLOUR) if s == REPORTED else pg.mkBrush("w") for s in data.statuses
        ]
        self.points.setData(
            x=data.x,
            y=rows,
            brush=brushes,
            pen=pg.mkPen(EFFECT_COLOUR, width=1.8),
            data=list(range(n)),
        )
        xs, ys, symbols = [], [], []
        for i in range(n):
            if data.upper_clipped[i]:
                xs.append(data.x_upper[i])
                ys.append(rows[i])
                symbols.append("t2")  # triangle pointing right
            if data.lower_clipped[i]:
                xs.append(data.x_lower[i])
                ys.append(rows[i])
                symbols.append("t3")  # triangle pointing left
        self.clip_marks.setData(x=xs, y=ys, symbol=symbols)
        self._row_texts = (
            list(data.labels),
            [f"{data.texts[i]}   {data.directions[i]}" for i in range(n)],
        )
        self._fit_row_labels()
        treat = html.escape(data.treatment_label)
        control = html.escape(data.control_label)
        plot.setLabel(
            "bottom",
            # Which side favours whom is on each row (right); the axis says what is plotted.
            f"Ratio {treat} : {control} (log scale)",
        )
        plot.setTitle(
            f"Effects, {treat} vs {control} ({data.level * 100:g}% CI)",
            size="10pt",
        )
        lo, hi = (math.log(c) for c in data.clip)
        pad = 0.04 * (hi - lo)
        plot.setXRange(lo - pad, hi + pad, padding=0)
        plot.setYRange(-0.6, max(n, 1) - 0.4, padding=0)

    def _fit_row_labels(self) -> None:
        """Row labels on both sides, elided so the plot keeps :data:`MIN_PLOT_WIDTH`."""
        texts = getattr(self, "_row_texts", None)
        if texts is None:
            return
        left, right = texts
        set_row_ticks(self, "left", left, max_width=min(LEFT_LABEL_WIDTH, self.width() // 4))
        plot = self.getPlotItem()
        used = plot.getAxis("left").width()
        # The title sits over the plotting area only, so that area is at least as wide.
        title = plot.titleLabel.item.boundingRect().width() + 12 if plot.titleLabel.text else 0
        area = max(MIN_PLOT_WIDTH, title)
        room = max(120, min(RIGHT_LABEL_WIDTH, self.width() - used - area - 32))
        set_row_ticks(self, "right", right, max_width=int(room))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_row_labels()

    def set_selected(self, endpoint_id: str | None) -> None:
        """Shade the row of ``endpoint_id`` (hide the band when it has no row)."""
        ids = self.data.endpoint_ids if self.data is not None else ()
        if endpoint_id in ids:
            row = ids.index(endpoint_id)
            self.selection_band.setRegion((row - 0.5, row + 0.5))
            self.selection_band.setVisible(True)
        else:
            self.selection_band.setVisible(False)

    def _on_points_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.row_clicked.emit(int(points[0].data()))
