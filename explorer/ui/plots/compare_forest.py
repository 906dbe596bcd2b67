"""Forest plot of a cross-trial comparison: each trial's hazard ratio and the pooled ones.

One row per trial (a square whose size follows the trial's REML weight, its CI as a
whisker; filled when the CI is used as printed, hollow when it was converted to the
comparison's level, marked † with the level it came from), then one diamond per
pooling method (FE, DL, REML, PM; REML filled and highlighted), each with its
prediction interval as a thin line with end caps. The x axis is log(HR) labelled as
hazard ratios, symmetric about 1 so that the line of no difference sits in the middle
under "favours treatment | favours control".

pyqtgraph's log mode does not reach ``ErrorBarItem`` (pyqtgraph #2812), so the plot
draws log(HR) itself and :class:`~explorer.ui.plots.forest_plot.RatioAxis` labels the
ticks. The plot draws a :class:`~explorer.analysis.compare.Comparison`; it computes
nothing but positions.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPolygonItem

from explorer.analysis import REPORTED
from explorer.analysis.compare import HIGHLIGHTED_METHOD, METHOD_NAMES, Comparison
from explorer.analysis.figures import format_number
from explorer.ui.plots.axes import fix_row_plot, set_row_ticks
from explorer.ui.plots.forest_plot import RatioAxis
from explorer.ui.style import EFFECT_COLOUR, qcolor

#: Hazard ratios labelled on the axis (those inside the view are shown).
HR_TICKS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0, 10.0)
#: The highlighted pooling method and its colour.
HIGHLIGHT = HIGHLIGHTED_METHOD
HIGHLIGHT_COLOUR = "#0072B2"
#: Colour of the other pooled diamonds.
POOLED_COLOUR = "#6E6E6E"
#: The view never runs beyond these hazard ratios (ends beyond them get an arrow).
CLIP = (0.1, 10.0)
#: Square side in pixels for the smallest and the largest weight.
SQUARE_MIN, SQUARE_MAX = 7.0, 22.0
#: Height of the two-line legend above the plot, in pixels.
LEGEND_HEIGHT = 40
#: Half-height of a diamond, in rows.
DIAMOND_HALF_HEIGHT = 0.32


class _Legend(pg.LabelItem):
    """The plot's two-line legend above the view, which never widens the plot.

    pyqtgraph's title sets its minimum width to its text's, so a long title pushes the
    plot wider than its widget and the right-hand labels are cut off. This one asks
    for no width: its text, centred, may run over the axes' columns above them.
    """

    def updateMin(self) -> None:
        height = self.itemRect().height()
        self.setMinimumWidth(0)
        self.setMinimumHeight(height)
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, height),
            Qt.SizeHint.PreferredSize: (0, height),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()


def _hr(x: float) -> str:
    return format_number(x, 2)


class CompareForest(pg.PlotWidget):
    """The comparison's forest plot.

    Items created once: ``study_errors`` and ``study_points`` (trials), ``pi_bars``
    (prediction intervals of the pooled rows), ``clip_marks`` (arrows where an interval
    leaves the view), ``null_line`` at HR 1 and ``separator`` between trials and
    pooled rows; ``diamonds`` (one polygon per pooled row) are rebuilt on each
    :meth:`set_comparison`. ``left_texts`` and ``right_texts`` are the row labels as
    drawn (row 0 at the top).
    """

    def __init__(self, parent=None) -> None:
        axis = RatioAxis("bottom", ticks=HR_TICKS)
        super().__init__(parent, axisItems={"bottom": axis})
        self.setAccessibleName("Cross-trial forest plot")
        self.ratio_axis = axis
        plot = self.getPlotItem()
        fix_row_plot(plot)
        for side in ("left", "right", "bottom"):  # no "(x0.001)" unit scaling in the labels
            plot.getAxis(side).enableAutoSIPrefix(False)
        plot.showGrid(x=True, y=False, alpha=0.12)
        self.null_line = pg.InfiniteLine(
            pos=0, angle=90, pen=pg.mkPen("#555555", width=1.2, style=Qt.PenStyle.DashLine)
        )
        self.separator = pg.InfiniteLine(pos=-1, angle=0, pen=pg.mkPen("#BBBBBB", width=1))
        self.study_errors = pg.ErrorBarItem(beam=0, pen=pg.mkPen(EFFECT_COLOUR, width=2))
        self.pi_bars = pg.ErrorBarItem(beam=0.22, pen=pg.mkPen(POOLED_COLOUR, width=1.2))
        self.study_points = pg.ScatterPlotItem(symbol="s", pxMode=True)
        self.clip_marks = pg.ScatterPlotItem(size=11, pen=pg.mkPen(None), brush=EFFECT_COLOUR)
        for item in (
            self.null_line,
            self.separator,
            self.pi_bars,
            self.study_errors,
            self.study_points,
            self.clip_marks,
        ):
            plot.addItem(item)
        plot.layout.removeItem(plot.titleLabel)  # replaced by the legend, in its cell
        plot.titleLabel.setVisible(False)
        self.legend = _Legend(size="10pt")
        plot.layout.addItem(self.legend, 0, 1)
        plot.layout.setRowFixedHeight(0, LEGEND_HEIGHT)
        self.diamonds: list[QGraphicsPolygonItem] = []
        self.left_texts: list[str] = []
        self.right_texts: list[str] = []
        self.square_sizes: list[float] = []
        self.comparison: Comparison | None = None

    # -- drawing ---------------------------------------------------------------------------
    def set_comparison(self, comparison: Comparison) -> None:
        """Draw ``comparison`` (trials first, then the pooled rows)."""
        self.comparison = comparison
        plot = self.getPlotItem()
        studies, pooled = comparison.studies, comparison.pooled
        k = len(studies)
        pct = f"{comparison.level * 100:g}%"

        # trials
        x = np.array([math.log(s.estimate) for s in studies], dtype=float)
        lo = np.array([math.log(s.lower) for s in studies], dtype=float)
        hi = np.array([math.log(s.upper) for s in studies], dtype=float)
        rows = np.arange(k, dtype=float)
        weights = np.array([s.weight.get(HIGHLIGHT, math.nan) for s in studies], dtype=float)
        if k and np.all(np.isfinite(weights)) and weights.max() > 0:
            sizes = SQUARE_MIN + (SQUARE_MAX - SQUARE_MIN) * np.sqrt(weights / weights.max())
        else:
            sizes = np.full(k, (SQUARE_MIN + SQUARE_MAX) / 2)
        self.square_sizes = [float(s) for s in sizes]
        if k:
            self.study_errors.setData(x=x, y=rows, left=x - lo, right=hi - x)
        else:
            self.study_errors.setData(x=None, y=None)
        self.study_points.setData(
            x=x,
            y=rows,
            size=sizes,
            brush=[
                pg.mkBrush(EFFECT_COLOUR) if s.status == REPORTED else pg.mkBrush("w")
                for s in studies
            ],
            pen=pg.mkPen(EFFECT_COLOUR, width=1.8),
        )

        # pooled rows, after a one-row gap
        first = k + 1
        p_rows = np.arange(first, first + len(pooled), dtype=float)
        for item in self.diamonds:
            plot.removeItem(item)
        self.diamonds = [
            self._diamond(p.lower, p.estimate, p.upper, row, p.method == HIGHLIGHT)
            for p, row in zip(pooled, p_rows, strict=True)
        ]
        with_pi = [
            (p, r) for p, r in zip(pooled, p_rows, strict=True) if math.isfinite(p.pred_lower)
        ]
        if with_pi:
            px = np.array([math.log(p.estimate) for p, _ in with_pi])
            self.pi_bars.setData(
                x=px,
                y=np.array([r for _, r in with_pi]),
                left=px - np.array([math.log(p.pred_lower) for p, _ in with_pi]),
                right=np.array([math.log(p.pred_upper) for p, _ in with_pi]) - px,
            )
        else:
            self.pi_bars.setData(x=None, y=None)
        self.separator.setValue(k if pooled else -10)

        # the view: symmetric about HR 1, covering every interval up to CLIP
        bounds = [*lo, *hi]
        for p in pooled:
            bounds += [math.log(p.lower), math.log(p.upper)]
            if math.isfinite(p.pred_lower):
                bounds += [math.log(p.pred_lower), math.log(p.pred_upper)]
        limit = math.log(CLIP[1])
        half = max([math.log(2.0), *(abs(b) for b in bounds)])
        half = min(half * 1.06, limit)
        self._clip_marks(studies, pooled, rows, p_rows, half)

        # labels
        self.left_texts, self.right_texts = [], []
        acronyms = [s.trial for s in studies]
        for s in studies:
            mark = "†" if s.converted else ""
            name = f"{s.trial}, {s.cut}" if acronyms.count(s.trial) > 1 and s.cut else s.trial
            self.left_texts.append(
                f"{name} {_hr(s.estimate)} ({_hr(s.lower)}–{_hr(s.upper)}){mark}"
            )
            right = s.comparison
            if HIGHLIGHT in s.weight:
                right += f" · {s.weight[HIGHLIGHT]:.1f}%"
            if s.converted:
                right += f" · †from {s.reported_level * 100:g}% CI"
            self.right_texts.append(right)
        if pooled:
            self.left_texts.append("")
            self.right_texts.append("")
        for p in pooled:
            name = METHOD_NAMES[p.method]
            self.left_texts.append(f"{name} {_hr(p.estimate)} ({_hr(p.lower)}–{_hr(p.upper)})")
            if math.isfinite(p.pred_lower):
                right = f"PI {_hr(p.pred_lower)}–{_hr(p.pred_upper)}"
            else:
                right = "no PI"
            self.right_texts.append(f"{right} · I² {p.i2:.0f}%")
        set_row_ticks(self, "left", self.left_texts)
        set_row_ticks(self, "right", self.right_texts)

        n_rows = len(self.left_texts)
        hk = ", Hartung–Knapp" if comparison.hartung_knapp else ""
        converted = sorted({f"{s.reported_level * 100:g}%" for s in studies if s.converted})
        dagger = f"; † open square: CI converted from {', '.join(converted)}" if converted else ""
        # two short lines: the title sits above the view only, and a long one would
        # widen the plot beyond its widget
        if pooled:
            title = (
                f"Hazard ratio with {pct} CI{hk} (square size and %: REML weight{dagger})<br>"
                f"◆ pooled hazard ratio with {pct} CI; thin line: {pct} prediction interval (PI)"
            )
        else:
            title = (
                f"Hazard ratio with {pct} CI{' (' + dagger[2:] + ')' if dagger else ''}<br>"
                "check at least two trials to pool"
            )
        self.legend.setText(title)
        plot.setLabel(
            "bottom",
            "Hazard ratio, treatment : control (log scale)<br>"
            "← favours treatment&nbsp;&nbsp;&nbsp;|&nbsp;&nbsp;&nbsp;favours control →",
        )
        plot.setXRange(-half, half, padding=0)
        plot.setYRange(-0.7, max(n_rows, 1) - 0.3, padding=0)

    def _diamond(
        self, lower: float, estimate: float, upper: float, row: float, highlight: bool
    ) -> QGraphicsPolygonItem:
        lo, mid, hi = math.log(lower), math.log(estimate), math.log(upper)
        h = DIAMOND_HALF_HEIGHT
        polygon = QPolygonF(
            [QPointF(lo, row), QPointF(mid, row - h), QPointF(hi, row), QPointF(mid, row + h)]
        )
        item = QGraphicsPolygonItem(polygon)
        colour = HIGHLIGHT_COLOUR if highlight else POOLED_COLOUR
        pen = QPen(qcolor(colour))
        pen.setCosmetic(True)
        pen.setWidthF(1.6)
        item.setPen(pen)
        item.setBrush(qcolor(colour, 230) if highlight else qcolor("#FFFFFF"))
        item.setZValue(5)
        self.getPlotItem().addItem(item)
        return item

    def _clip_marks(self, studies, pooled, rows, p_rows, half: float) -> None:
        xs, ys, symbols = [], [], []
        spans = [
            (math.log(s.lower), math.log(s.upper), r) for s, r in zip(studies, rows, strict=True)
        ]
        for p, r in zip(pooled, p_rows, strict=True):
            if math.isfinite(p.pred_lower):
                spans.append((math.log(p.pred_lower), math.log(p.pred_upper), r))
            spans.append((math.log(p.lower), math.log(p.upper), r))
        for low, high, r in spans:
            if high > half:
                xs.append(half)
                ys.append(r)
                symbols.append("t2")  # triangle pointing right
            if low < -half:
                xs.append(-half)
                ys.append(r)
                symbols.append("t3")  # triangle pointing left
        self.clip_marks.setData(x=xs, y=ys, symbol=symbols)
