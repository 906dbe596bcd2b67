"""Adverse events as two linked plots: per-arm rates and the risk difference.

The left plot is a dot plot of the percentage of patients with each event, one
dot per arm in the arm's colour; the right plot shows the risk difference
(treatment − control, percentage points) with its confidence interval and a line
at no difference. Both share the vertical axis: one row per adverse event, the
first table row at the top, with the term and grade as the left axis labels
(Amit, Heiberger & Lane 2008's "dot plot with relative risk" layout).

It is built for hundreds of terms: each series is a single ``ScatterPlotItem`` or
``ErrorBarItem`` updated with ``setData``; term labels are drawn only while they
fit (at most :data:`MAX_LABELLED_ROWS` rows in view and at least a line of text
per row), and the view starts on the first :data:`INITIAL_ROWS` rows with mouse
panning and zooming along the rows.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics

from explorer.analysis.safety import SafetyPlotData
from explorer.ui.style import EFFECT_COLOUR, qcolor

#: Rows shown when new data arrive; the rest are reached by panning or the table.
INITIAL_ROWS = 30
#: Fewest row slots in view: a trial with two adverse events shows them as a short list
#: at the top, not as two bands stretched over the whole plot.
MIN_ROWS_IN_VIEW = 6
#: Term labels are drawn only when no more rows than this are in view.
MAX_LABELLED_ROWS = 40
#: Widest term label, in characters of the tick font (longer labels are elided).
LABEL_CHARS = 34
#: Vertical offset of each arm's dot from its row (treatment above, control below), so
#: equal rates (e.g. 0% in both arms) do not hide one another.
DODGE = 0.14
_HIGHLIGHT = "#FFE08A"


def _plain_tip(text: str) -> str:
    """A tooltip that Qt shows as plain text whatever characters the evidence holds."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


class TermAxis(pg.AxisItem):
    """A left axis that labels integer rows with terms, only when the labels fit.

    Labels are elided to the axis width (pyqtgraph drops text that overflows it);
    no labels are drawn when more than ``max_labels`` rows are in view or a row is
    shorter than a line of text, so a zoomed-out view of 300 terms stays clean.
    """

    def __init__(self, max_labels: int = MAX_LABELLED_ROWS) -> None:
        super().__init__("left")
        self._labels: tuple[str, ...] = ()
        self.max_labels = max_labels
        self.setStyle(tickLength=-4, autoExpandTextSpace=False, hideOverlappingLabels=False)
        self._labelled = False

    def set_labels(self, labels: tuple[str, ...]) -> None:
        """Set the row labels (row ``i`` at y = ``i``) and size the axis to them."""
        self._labels = tuple(labels)
        metrics = self._metrics()
        longest = max((metrics.horizontalAdvance(s) for s in self._labels[:2000]), default=0)
        cap = metrics.horizontalAdvance("M") * LABEL_CHARS * 0.62
        self.setWidth(int(min(max(longest, 60), cap)) + 16)
        self.picture = None
        self.update()

    @property
    def labelled(self) -> bool:
        """Whether the last drawing showed term labels."""
        return self._labelled

    def labels_fit(self, low: float, high: float, pixels: float) -> bool:
        """Whether labels for the rows in ``[low, high]`` fit in ``pixels`` of axis length."""
        rows = self._visible_rows(low, high)
        if not rows:
            return False
        per_row = pixels / max(abs(high - low), 1e-9)  # the row axis is inverted
        return len(rows) <= self.max_labels and per_row >= 0.9 * self._metrics().height()

    def _metrics(self) -> QFontMetrics:
        font = self.style.get("tickFont") or self.font()
        return QFontMetrics(font)

    def _visible_rows(self, low: float, high: float) -> range:
        low, high = sorted((low, high))
        first = max(0, math.ceil(low - 1e-9))
        last = min(len(self._labels) - 1, math.floor(high + 1e-9))
        return range(first, last + 1)

    # -- pyqtgraph overrides -----------------------------------------------------------
    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        fits = self.labels_fit(minVal, maxVal, size)
        self._labelled = fits
        if not fits:
            return []
        return [(1.0, [float(r) for r in self._visible_rows(minVal, maxVal)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        metrics = self._metrics()
        room = max(10, (self.fixedWidth or self.width()) - 12)
        out = []
        for v in values:
            i = round(v)
            text = self._labels[i] if 0 <= i < len(self._labels) else ""
            out.append(metrics.elidedText(text, Qt.TextElideMode.ElideRight, room))
        return out


class SafetyPlot(pg.GraphicsLayoutWidget):
    """Per-arm rate dot plot and risk-difference plot with a shared row axis.

    Feed it with :meth:`set_arms` (labels and colours) and :meth:`set_data` (a
    :class:`~explorer.analysis.safety.SafetyPlotData`: the table's shown rows in
    order); :meth:`set_highlight` marks one row. Emits ``row_clicked(row)`` when a
    dot or interval is clicked (row = position in the data given).

    Attributes
    ----------
    rate_plot, rd_plot : pyqtgraph.PlotItem
        The two plots; the y axes are linked and inverted (first row on top).
    treatment_dots, control_dots : pyqtgraph.ScatterPlotItem
        One item per arm holding every row's rate (rows without a rate are left out),
        at y = row − :data:`DODGE` (treatment) and row + :data:`DODGE` (control).
    rd_dots : pyqtgraph.ScatterPlotItem
        Risk-difference point estimates.
    rd_bars : pyqtgraph.ErrorBarItem
        Their confidence intervals (``opts["x"]``, ``opts["left"]``, ``opts["right"]``).
    zero_line : pyqtgraph.InfiniteLine
        No difference.
    legend : pyqtgraph.LegendItem
        Above the plots: arms and the risk difference.
    """

    row_clicked = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(240)
        self.ci.layout.setContentsMargins(4, 4, 12, 4)
        self.ci.layout.setHorizontalSpacing(14)
        self._data: SafetyPlotData | None = None
        self._labels: tuple[str, ...] = ()

        self.legend = pg.LegendItem(colCount=3, horSpacing=6, labelTextSize="10pt")
        self.ci.addItem(self.legend, row=0, col=0, colspan=2)

        self.term_axis = TermAxis()
        self.rate_plot = self.ci.addPlot(row=1, col=0, axisItems={"left": self.term_axis})
        self.rd_plot = self.ci.addPlot(row=1, col=1)
        self.ci.layout.setColumnStretchFactor(0, 3)
        self.ci.layout.setColumnStretchFactor(1, 2)
        for plot in (self.rate_plot, self.rd_plot):
            plot.hideButtons()
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=False, alpha=0.12)
            vb = plot.getViewBox()
            vb.invertY(True)
            vb.setMouseEnabled(x=False, y=True)
            vb.enableAutoRange(x=False, y=False)
        self.rd_plot.setYLink(self.rate_plot)
        self.rd_plot.hideAxis("left")

        # Highlight bands first so they sit under the data.
        self._bands = []
        for plot in (self.rate_plot, self.rd_plot):
            band = pg.LinearRegionItem(
                values=(-0.5, 0.5),
                orientation="horizontal",
                movable=False,
                brush=qcolor(_HIGHLIGHT, 150),
                pen=pg.mkPen(qcolor(_HIGHLIGHT, 0)),
            )
            band.setZValue(-10)
            band.setVisible(False)
            plot.addItem(band, ignoreBounds=True)
            self._bands.append(band)

        self.zero_line = pg.InfiniteLine(
            pos=0, angle=90, pen=pg.mkPen("#555555", width=1, style=Qt.PenStyle.DashLine)
        )
        self.rd_plot.addItem(self.zero_line, ignoreBounds=True)

        self.treatment_dots = self._dots("#0072B2", "o")
        self.control_dots = self._dots("#E69F00", "o")
        self.rate_plot.addItem(self.control_dots)
        self.rate_plot.addItem(self.treatment_dots)
        empty = np.zeros(0)
        self.rd_bars = pg.ErrorBarItem(
            x=empty,
            y=empty,
            left=empty,
            right=empty,
            beam=0.25,
            pen=pg.mkPen(EFFECT_COLOUR, width=1.5),
        )
        self.rd_dots = self._dots(EFFECT_COLOUR, "s", size=8)
        self.rd_plot.addItem(self.rd_bars)
        self.rd_plot.addItem(self.rd_dots)
        for item in (self.treatment_dots, self.control_dots, self.rd_dots):
            item.sigClicked.connect(self._on_dots_clicked)

        self.rate_plot.setLabel("bottom", "Patients with the event (%)")
        self.set_arms("Treatment", "Control", "#0072B2", "#E69F00")
        self.set_data(None)

    def _dots(self, colour: str, symbol: str, size: float = 9) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(
            size=size,
            symbol=symbol,
            pen=pg.mkPen("w", width=0.8),
            brush=pg.mkBrush(colour),
            hoverable=True,
            hoverSize=size + 4,
            hoverPen=pg.mkPen("k", width=1.2),
            hoverBrush=pg.mkBrush(colour),
            tip=None,
        )
        return item

    # -- inputs ----------------------------------------------------------------------
    def set_arms(
        self,
        treatment: str,
        control: str,
        treatment_colour: str,
        control_colour: str,
        *,
        level: float = 0.95,
    ) -> None:
        """Name and colour the two arms (legend, dots, axis label); ``level`` is the
        confidence level of the risk-difference intervals. Labels are plain text."""
        self.treatment_dots.setBrush(pg.mkBrush(treatment_colour))
        self.treatment_dots.opts["hoverBrush"] = pg.mkBrush(treatment_colour)
        self.control_dots.setBrush(pg.mkBrush(control_colour))
        self.control_dots.opts["hoverBrush"] = pg.mkBrush(control_colour)
        self.legend.clear()
        self.legend.addItem(self.treatment_dots, html.escape(treatment))
        self.legend.addItem(self.control_dots, html.escape(control))
        self.legend.addItem(
            self.rd_dots,
            html.escape(f"Risk difference, {treatment} − {control} ({level:.0%} CI)"),
        )
        self.rd_plot.setLabel(
            "bottom",
            html.escape(f"Risk difference (percentage points; > 0: more with {treatment})"),
        )
        self._arm_labels = (treatment, control)
        self._install_tips()

    def set_data(self, data: SafetyPlotData | None) -> None:
        """Draw ``data`` (rows in order, first on top) and show its first rows.

        Rows without a rate or a comparison are left out of that series; x ranges
        cover every row, so panning along the rows never rescales the x axes.
        """
        self._data = data
        n = 0 if data is None else len(data)
        labels = () if data is None else data.labels
        self._labels = labels
        self.term_axis.set_labels(labels)
        y = np.arange(n, dtype=np.float64)
        if data is None:
            empty = np.zeros(0)
            t_rate = c_rate = rd = lo = hi = empty
        else:
            t_rate, c_rate = data.treatment_rate, data.control_rate
            rd, lo, hi = data.rd, data.rd_lower, data.rd_upper
        self._set_dots(self.treatment_dots, t_rate, y - DODGE)
        self._set_dots(self.control_dots, c_rate, y + DODGE)
        self._set_dots(self.rd_dots, rd, y)
        ok = np.isfinite(rd) & np.isfinite(lo) & np.isfinite(hi)
        self.rd_bars.setData(x=rd[ok], y=y[ok], left=(rd - lo)[ok], right=(hi - rd)[ok], beam=0.25)

        rates = np.concatenate([t_rate[np.isfinite(t_rate)], c_rate[np.isfinite(c_rate)]])
        top = max(10.0, float(rates.max()) if rates.size else 10.0)
        self.rate_plot.setXRange(0, min(100.0, top * 1.05), padding=0.02)
        ends = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], [0.0]])
        left, right = float(ends.min()), float(ends.max())
        if right - left < 2:
            left, right = left - 1, right + 1
        self.rd_plot.setXRange(left, right, padding=0.06)

        vb = self.rate_plot.getViewBox()
        span = max(n, MIN_ROWS_IN_VIEW)
        vb.setLimits(yMin=-0.5, yMax=span - 0.5, minYRange=3, maxYRange=span)
        self._auto_rows = self.initial_rows()
        self.show_rows(0, self._auto_rows)
        self.set_highlight(None)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Until the user zooms, the rows in view follow the height (labels stay legible).
        auto = getattr(self, "_auto_rows", None)
        if auto is None or self.row_count() == 0:
            return
        first, last = self.visible_rows()
        if last - first + 1 == min(auto, self.row_count()):
            self._auto_rows = self.initial_rows()
            self.show_rows(first, self._auto_rows)

    def initial_rows(self) -> int:
        """Rows to show when data arrive: :data:`INITIAL_ROWS`, or fewer when the plot is
        too short for each of them to carry its term label (never under
        :data:`MIN_ROWS_IN_VIEW`)."""
        height = self.rate_plot.getViewBox().height()
        if height < 50:  # not laid out yet
            return INITIAL_ROWS
        line = self.term_axis._metrics().height()
        fit = int(height // (line * 1.1))
        return max(MIN_ROWS_IN_VIEW, min(INITIAL_ROWS, fit))

    def _set_dots(self, item: pg.ScatterPlotItem, x: np.ndarray, y: np.ndarray) -> None:
        ok = np.isfinite(x)
        item.setData(x=x[ok], y=y[ok], data=np.flatnonzero(ok))

    def _install_tips(self) -> None:
        treatment, control = self._arm_labels

        def tip_for(what: str):
            def tip(x: float, y: float, data: object) -> str:
                i = round(y)
                label = self._labels[i] if 0 <= i < len(self._labels) else ""
                return _plain_tip(f"{label}\n{what}: {x:.1f}")

            return tip

        self.treatment_dots.opts["tip"] = tip_for(f"{treatment}, % of patients")
        self.control_dots.opts["tip"] = tip_for(f"{control}, % of patients")
        self.rd_dots.opts["tip"] = tip_for("Risk difference, points")

    # -- view ------------------------------------------------------------------------
    def row_count(self) -> int:
        """Rows in the data shown."""
        return len(self._labels)

    def visible_rows(self) -> tuple[int, int]:
        """First and last row (0-based, inclusive) in view; ``(0, -1)`` when empty."""
        n = self.row_count()
        if n == 0:
            return 0, -1
        low, high = sorted(self.rate_plot.getViewBox().viewRange()[1])
        first = min(n - 1, max(0, math.ceil(low - 1e-6)))
        last = max(first, min(n - 1, math.floor(high + 1e-6)))
        return first, last

    def show_rows(self, first: int, count: int | None = None) -> None:
        """Scroll so that row ``first`` is at the top, keeping ``count`` rows in view
        (default: as many as now)."""
        n = self.row_count()
        if count is None:
            low, high = self.rate_plot.getViewBox().viewRange()[1]
            count = round(abs(high - low))
        span = max(n, MIN_ROWS_IN_VIEW)
        count = max(1, min(count, span))
        first = max(0, min(first, span - count))
        self.rate_plot.setYRange(first - 0.5, first + count - 0.5, padding=0)

    def set_highlight(self, row: int | None) -> None:
        """Mark ``row`` (position in the data) with a band in both plots; ``None`` clears."""
        visible = row is not None and 0 <= row < self.row_count()
        for band in self._bands:
            band.setVisible(visible)
            if visible:
                band.setRegion((row - 0.5, row + 0.5))
        self._highlighted = row if visible else None

    @property
    def highlighted(self) -> int | None:
        """The highlighted row, or ``None``."""
        return getattr(self, "_highlighted", None)

    def _on_dots_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.row_clicked.emit(round(points[0].pos().y()))
