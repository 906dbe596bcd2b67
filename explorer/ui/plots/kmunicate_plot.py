"""A KMunicate-style Kaplan–Meier plot: step curves, confidence bands, censoring marks and
an extended risk table aligned under the time axis.

The layout follows the KMunicate recommendations (Morris TP, Jarvis CI, Cragg W, et al.
BMJ Open 2019;9:e030215): each arm's Kaplan–Meier estimate as a step curve with its
pointwise confidence interval shaded around it, small ticks where patients were
censored, and under the time axis a table giving, per arm and at each tabulated time,
the number **at risk** and the cumulative numbers **censored** and with an **event**, so a
reader sees how much of the curve rests on how many patients.

Everything is drawn in one graphics scene (a :class:`pyqtgraph.GraphicsLayoutWidget`), so
the window's Export PNG…/SVG… (:mod:`explorer.ui.exports`) write the whole figure: title,
provenance line, legend, curves, table and caption. The grid has two columns: the left
one holds the survival axis above and the table's row labels below, the right one the
plot's and the table's views, whose x ranges are linked; each table number is placed at
its time in data coordinates, so it sits exactly under the axis tick of that time.

Every text comes from a file and is drawn as plain text: the title and caption as
``QGraphicsTextItem.setPlainText``, table numbers as :class:`pyqtgraph.TextItem`
(plain), row labels as ``QGraphicsSimpleTextItem``, legend entries with
``QPainter.drawText``; the axis labels (pyqtgraph renders them as rich text) are
HTML-escaped first.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QSizePolicy,
    QToolTip,
)

from explorer.analysis.km_plot import KmArmCurve, KmPlotData
from explorer.ui.style import ARM_PALETTE, STATUS_COLOURS, qcolor, status_mark
from explorer.ui.tooltips import plain_tooltip

__all__ = ["EMPTY_MESSAGE", "ROW_NAMES", "KmunicatePlot"]

#: The table's rows per arm, in order (KMunicate's extended risk table).
ROW_NAMES = ("At risk", "Censored", "Events")
#: Point sizes: tick labels and table numbers share one size so the columns read as the
#: axis continued; the caption is a little smaller, the title a little larger.
TABLE_POINT_SIZE = 9.0
TITLE_POINT_SIZE = 11.0
CAPTION_POINT_SIZE = 8.5
AXIS_LABEL_SIZE = "10pt"
#: Opacity (0–255) of a confidence band; two overlapping bands stay readable.
BAND_ALPHA = 46
#: Padding of the time axis on each side, as a fraction of the last table time: room for
#: the numbers centred under the first and the last column.
X_PADDING = 0.045
#: How close (pixels) the pointer must be to a curve for its tooltip.
HOVER_PIXELS = 7.0
#: Marks the at-risk numbers that differ from those printed in the figure.
PUBLISHED_MARK = "*"
#: What an empty plot says.
EMPTY_MESSAGE = "No Kaplan–Meier curves to show"
_GREY = "#555555"
_PROVENANCE = {
    "reconstructed": "Reconstructed from a digitised figure: the curves and counts are "
    "recovered from the published plot, not the trial's own patient data",
    "reported": "Reported: as printed in the source",
    "derived": "Derived: computed from reported figures",
}


def _font(point_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def _number(x: float) -> str:
    """A time or percentage without trailing zeros: 3, 4.5, 12."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if math.isfinite(x) else "—"


def _steps(time: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right-continuous step coordinates: ``value[i]`` holds from ``time[i]`` to ``time[i+1]``.

    Returns x = t0, t1, t1, t2, t2, …, t_last and y = v0, v0, v1, v1, …, v_last, so a NaN
    value removes its whole stretch and the drop into it (drawn with ``connect="finite"``).
    """
    n = len(time)
    if n == 0:
        return np.empty(0), np.empty(0)
    x = np.empty(2 * n - 1)
    y = np.empty(2 * n - 1)
    x[0::2] = time
    x[1::2] = time[1:]
    y[0::2] = value
    y[1::2] = value[:-1]
    return x, y


def _digits_centred(item: pg.TextItem, digits: str) -> tuple[float, float]:
    """Anchor of ``item`` that centres ``digits`` (its text without a trailing mark), so a
    marked number stays centred under its time like the others."""
    box = item.textItem.boundingRect().width()
    margin = item.textItem.document().documentMargin()
    digits_width = QFontMetricsF(item.textItem.font()).horizontalAdvance(digits)
    return ((margin + digits_width / 2) / box if box > 0 else 0.5, 0.5)


def _cut(time: np.ndarray, value: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """The steps up to ``end`` (the right edge of the time axis), the last one carried to it.

    The plot's view clips what lies beyond, but an SVG renderer may not (Qt's SVG output
    drops the clip), so nothing past the axis is drawn at all.
    """
    keep = time <= end
    if keep.all() or not keep.any():
        return time[keep], value[keep]
    last = int(np.flatnonzero(keep)[-1])
    return np.append(time[: last + 1], end), np.append(value[: last + 1], value[last])


def _as_array(values: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


# -- plain-text building blocks ------------------------------------------------------------


class _TextBlock(pg.GraphicsWidget):
    """A paragraph of plain text that wraps to the width the layout gives it."""

    def __init__(self, point_size: float, colour: str = "#1A1A1A", *, bold: bool = False):
        super().__init__()
        self.item = QGraphicsTextItem(self)
        self.item.setFont(_font(point_size, bold=bold))
        self.item.setDefaultTextColor(QColor(colour))
        self.item.document().setDocumentMargin(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(0)

    def set_text(self, text: str, colour: str | None = None) -> None:
        self.item.setPlainText(text)
        if colour is not None:
            self.item.setDefaultTextColor(QColor(colour))
        self._fit()

    def text(self) -> str:
        return self.item.toPlainText()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.size().width()
        if width > 1:
            self.item.setTextWidth(width)
        height = math.ceil(self.item.boundingRect().height()) if self.text() else 0
        if height != round(self.minimumHeight()):
            self.setFixedHeight(height)


@dataclass(frozen=True)
class _LegendEntry:
    label: str
    colour: str
    kind: str  # "curve" (line over a band) or "censor" (a tick)


class _Legend(pg.GraphicsWidget):
    """Arm entries in one line (wrapping when they do not fit), painted as plain text.

    Each label is elided to the width available, so a very long arm name cannot push the
    others out; :attr:`shown` holds the texts as drawn.
    """

    SAMPLE = 26.0
    GAP = 8.0
    SPACING = 22.0

    def __init__(self) -> None:
        super().__init__()
        self.font = _font(TABLE_POINT_SIZE)
        self.entries: tuple[_LegendEntry, ...] = ()
        self.shown: list[str] = []
        self._boxes: list[tuple[QPointF, str, _LegendEntry]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(0)

    def set_entries(self, entries: Sequence[_LegendEntry]) -> None:
        self.entries = tuple(entries)
        self._arrange()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        metrics = QFontMetricsF(self.font)
        line = metrics.height() + 4
        width = max(self.size().width(), 200.0)
        room = width - self.SAMPLE - self.GAP
        x, y = 0.0, 0.0
        self._boxes, self.shown = [], []
        for entry in self.entries:
            text = metrics.elidedText(entry.label, Qt.TextElideMode.ElideRight, room)
            needed = self.SAMPLE + self.GAP + metrics.horizontalAdvance(text)
            if x > 0 and x + needed > width:
                x, y = 0.0, y + line
            self._boxes.append((QPointF(x, y), text, entry))
            self.shown.append(text)
            x += needed + self.SPACING
        height = 0 if not self.entries else math.ceil(y + line)
        if height != round(self.minimumHeight()):
            self.setFixedHeight(height)
        self.update()

    def paint(self, painter: QPainter, *args) -> None:
        metrics = QFontMetricsF(self.font)
        line = metrics.height() + 4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font)
        for origin, text, entry in self._boxes:
            mid = origin.y() + line / 2
            colour = QColor(entry.colour)
            if entry.kind == "curve":
                painter.fillRect(
                    QRectF(origin.x(), mid - 5, self.SAMPLE, 10), qcolor(entry.colour, BAND_ALPHA)
                )
                painter.setPen(QPen(colour, 2.2))
                painter.drawLine(QPointF(origin.x(), mid), QPointF(origin.x() + self.SAMPLE, mid))
            else:
                painter.setPen(QPen(colour, 1.6))
                centre = origin.x() + self.SAMPLE / 2
                painter.drawLine(QPointF(centre, mid - 5), QPointF(centre, mid + 5))
            painter.setPen(QColor("#1A1A1A"))
            painter.drawText(
                QRectF(origin.x() + self.SAMPLE + self.GAP, origin.y(), 10_000, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )


@dataclass(frozen=True)
class _RowSpec:
    text: str
    colour: str
    bold: bool
    header: bool  # an arm's name: may run across the table, which is empty on that row


class _RowLabels(pg.GraphicsWidget):
    """The table's row labels, left of the table view, one per table row.

    Row ``i`` is centred at ``(i + 0.5) * row_height`` from the top, as the table's
    numbers (the two widgets share a layout row and a fixed height). An arm's header may
    run on over the (empty) table row to :attr:`span` pixels and is elided to it.
    """

    INDENT = 12.0

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[_RowSpec, ...] = ()
        self.items: list[QGraphicsSimpleTextItem] = []
        self.row_height = 16.0
        self.span = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: Sequence[_RowSpec], row_height: float) -> None:
        scene = self.scene()
        for item in self.items:
            if scene is not None:
                scene.removeItem(item)
            item.setParentItem(None)
        self.items = []
        self.rows = tuple(rows)
        self.row_height = row_height
        for spec in self.rows:
            item = QGraphicsSimpleTextItem(self)
            item.setFont(_font(TABLE_POINT_SIZE, bold=spec.bold))
            item.setBrush(QColor(spec.colour))
            self.items.append(item)
        self.setFixedHeight(round(row_height * len(self.rows)))
        self.place()

    def set_span(self, span: float) -> None:
        if abs(span - self.span) > 0.5:
            self.span = span
            self.place()

    def widest(self) -> float:
        """Width needed by the non-header labels (headers may run over the table)."""
        widths = [
            self.INDENT + QFontMetricsF(item.font()).horizontalAdvance(spec.text)
            for spec, item in zip(self.rows, self.items, strict=True)
            if not spec.header
        ]
        return max(widths, default=0.0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.place()

    def place(self) -> None:
        """Elide and position every label for the current width and span."""
        # The width the layout will give (fixed by the plot), even before it has done so.
        own = max(self.size().width(), self.minimumWidth())
        for i, (spec, item) in enumerate(zip(self.rows, self.items, strict=True)):
            metrics = QFontMetricsF(item.font())
            indent = 0.0 if spec.header else self.INDENT
            room = (max(self.span, own) if spec.header else own) - indent - 2
            text = metrics.elidedText(spec.text, Qt.TextElideMode.ElideRight, max(room, 10))
            item.setText(text)
            item.setToolTip(plain_tooltip(spec.text) if text != spec.text else "")
            y = (i + 0.5) * self.row_height - metrics.height() / 2
            item.setPos(indent, y)


# -- per-arm items --------------------------------------------------------------------------


class _ArmItems:
    """One arm's plot items, created once and updated with ``setData``.

    Attributes
    ----------
    curve : pyqtgraph.PlotCurveItem
        The Kaplan–Meier steps, in percent.
    lower, upper : pyqtgraph.PlotCurveItem
        The confidence limits as steps (not drawn; the band is filled between them).
    band : pyqtgraph.FillBetweenItem
        The shaded confidence band, broken where a limit is NaN.
    censor_marks : pyqtgraph.ScatterPlotItem
        Vertical ticks ``|`` at the censoring times.
    digitised : pyqtgraph.ScatterPlotItem
        Hollow circles at the digitised points (hidden unless asked for).
    """

    def __init__(self, view: pg.ViewBox) -> None:
        self.view = view
        self.curve = pg.PlotCurveItem(connect="finite")
        self.lower = pg.PlotCurveItem(connect="finite", pen=pg.mkPen((0, 0, 0, 0)))
        self.upper = pg.PlotCurveItem(connect="finite", pen=pg.mkPen((0, 0, 0, 0)))
        self.band = pg.FillBetweenItem(self.lower, self.upper, pen=pg.mkPen((0, 0, 0, 0)))
        self.censor_marks = pg.ScatterPlotItem(symbol="|", size=9, brush=None)
        self.digitised = pg.ScatterPlotItem(symbol="o", size=5, brush=None)
        self.band.setZValue(-5)
        self.curve.setZValue(5)
        self.censor_marks.setZValue(6)
        self.digitised.setZValue(7)
        for item in (self.band, self.curve, self.censor_marks, self.digitised):
            view.addItem(item)
        self.arm: KmArmCurve | None = None

    def set_arm(self, arm: KmArmCurve, colour: str, end: float) -> None:
        """Draw ``arm`` in ``colour`` up to time ``end`` (the right edge of the axis)."""
        self.arm = arm
        time = _as_array(arm.time)
        survival = _as_array(arm.survival) * 100.0
        lower = _as_array(arm.lower) * 100.0
        upper = _as_array(arm.upper) * 100.0
        # Break both limits wherever either is undefined, so that the two curves have the
        # same pieces and the band pairs them piece by piece.
        missing = ~(np.isfinite(lower) & np.isfinite(upper))
        lower[missing] = np.nan
        upper[missing] = np.nan
        self.curve.setData(*_steps(*_cut(time, survival, end)), pen=pg.mkPen(colour, width=2.2))
        self.lower.setData(*_steps(*_cut(time, lower, end)))
        self.upper.setData(*_steps(*_cut(time, upper, end)))
        self.band.setBrush(qcolor(colour, BAND_ALPHA))
        self.censor_marks.setData(
            *self._points(arm.censor_time, arm.censor_survival, end),
            pen=pg.mkPen(colour, width=1.4),
        )
        self.digitised.setData(
            *self._points(arm.digitised_time, arm.digitised_survival, end),
            pen=pg.mkPen(colour, width=1.2),
            brush=pg.mkBrush(255, 255, 255, 0),
        )

    @staticmethod
    def _points(time, survival, end: float) -> tuple[np.ndarray, np.ndarray]:
        x, y = _as_array(time), _as_array(survival) * 100.0
        keep = x <= end
        return x[keep], y[keep]

    def remove(self) -> None:
        for item in (self.band, self.curve, self.censor_marks, self.digitised):
            self.view.removeItem(item)


# -- the plot ------------------------------------------------------------------------------


class KmunicatePlot(pg.GraphicsLayoutWidget):
    """Kaplan–Meier curves with confidence bands and an extended risk table (KMunicate).

    Feed it with :meth:`set_data`; :meth:`clear` empties it. The confidence bands are on
    by default (:meth:`show_ci`); the digitised points the curves were reconstructed from
    are off (:meth:`show_digitised`).

    Attributes
    ----------
    plot_view, table_view : pyqtgraph.ViewBox
        The curves (y in percent) and the table (rows ``0 … n−1`` from the top); the table's
        x range is linked to the plot's.
    left_axis, bottom_axis : pyqtgraph.AxisItem
        Survival (%) with ticks every 20, and time with ticks at the table times.
    arm_items : dict of str to _ArmItems
        Per arm id: ``curve``, ``band``, ``censor_marks``, ``digitised``.
    table_texts : dict of str to dict of str to list of pyqtgraph.TextItem
        Per arm id and row name (:data:`ROW_NAMES`): one number per table time, at x = the
        time and y = the row's centre.
    row_labels : _RowLabels
        The rows' labels (``items``: ``QGraphicsSimpleTextItem``), an arm's name above its
        three rows.
    title_text, status_text, caption_text : _TextBlock
        Plain text blocks (``text()``) above and under the figure.
    legend : _Legend
        Arm entries and the censoring mark (``shown``: the labels as drawn).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # GraphicsLayoutWidget copies its layout's ``clear`` onto the instance, which would
        # hide :meth:`clear` below; drop that copy (the layout stays reachable as ``ci``).
        vars(self).pop("clear", None)
        self.setObjectName("kaplan_meier_plot")
        self.setAccessibleName("Kaplan–Meier plot")
        self.setBackground("w")
        self.setMinimumSize(420, 380)
        layout = self.ci.layout
        self.ci.setContentsMargins(10, 8, 18, 8)
        layout.setHorizontalSpacing(2)
        layout.setVerticalSpacing(3)

        self.title_text = _TextBlock(TITLE_POINT_SIZE, bold=True)
        self.status_text = _TextBlock(CAPTION_POINT_SIZE, STATUS_COLOURS["reconstructed"])
        self.legend = _Legend()
        self.plot_view = pg.ViewBox(enableMenu=False)
        self.table_view = pg.ViewBox(enableMenu=False)
        self.left_axis = pg.AxisItem("left")
        self.bottom_axis = pg.AxisItem("bottom")
        self.row_labels = _RowLabels()
        self.caption_text = _TextBlock(CAPTION_POINT_SIZE, "#333333")

        self.ci.addItem(self.title_text, row=0, col=0, colspan=2)
        self.ci.addItem(self.status_text, row=1, col=0, colspan=2)
        self.ci.addItem(self.legend, row=2, col=1)
        self.ci.addItem(self.left_axis, row=3, col=0)
        self.ci.addItem(self.plot_view, row=3, col=1)
        self.ci.addItem(self.bottom_axis, row=4, col=1)
        self.ci.addItem(self.row_labels, row=5, col=0)
        self.ci.addItem(self.table_view, row=5, col=1)
        self.ci.addItem(self.caption_text, row=6, col=0, colspan=2)
        layout.setRowStretchFactor(3, 1)
        layout.setColumnStretchFactor(1, 1)

        for view in (self.plot_view, self.table_view):
            view.setMouseEnabled(x=False, y=False)
            view.enableAutoRange(x=False, y=False)
            view.setDefaultPadding(0.0)
        self.table_view.invertY(True)
        self.table_view.setXLink(self.plot_view)
        self.table_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.plot_view.setMinimumHeight(150)

        tick_font = _font(TABLE_POINT_SIZE)
        label_style = {"font-size": AXIS_LABEL_SIZE, "color": "#1A1A1A"}
        for axis in (self.left_axis, self.bottom_axis):
            axis.linkToView(self.plot_view)
            axis.setTickFont(tick_font)
            axis.setPen(pg.mkPen(_GREY, width=1))
            axis.setTextPen(pg.mkPen("#1A1A1A"))
            axis.setStyle(tickLength=-5)
        self._label_style = label_style
        self.left_axis.setTicks([[(float(v), str(v)) for v in range(0, 101, 20)], []])
        # 0 and 100 sit at the view's edges: draw their labels even where they overhang.
        # (The axis's own grid would confine its labels to the view, hence these lines.)
        self.left_axis.setStyle(hideOverlappingLabels=False)
        self.grid_lines = [
            pg.InfiniteLine(pos=float(v), angle=0, pen=pg.mkPen("#E4E4E4", width=1))
            for v in range(20, 101, 20)
        ]
        for line in self.grid_lines:
            line.setZValue(-10)
            self.plot_view.addItem(line, ignoreBounds=True)
        self.plot_view.setYRange(-1.5, 101.5, padding=0)

        self._censor_sample_colour = _GREY
        self.arm_items: dict[str, _ArmItems] = {}
        self.table_texts: dict[str, dict[str, list[pg.TextItem]]] = {}
        self.colours: dict[str, str] = {}
        self.data: KmPlotData | None = None
        self.ci_visible = True
        self.digitised_visible = False
        self._row_height = math.ceil(QFontMetricsF(_font(TABLE_POINT_SIZE)).height() * 1.25)

        self.table_view.sigResized.connect(self._on_table_resized)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.clear()

    # -- inputs ----------------------------------------------------------------------------
    def set_data(self, data: KmPlotData, colours: Mapping[str, str]) -> None:
        """Draw ``data`` with each arm in ``colours[arm_id]``.

        Arms missing from ``colours`` take the next unused colour of the arm palette.
        """
        self.data = data
        self.colours = self._colours(data, colours)
        end = self._set_time_axis(data)
        wanted = [arm.arm_id for arm in data.arms]
        for arm_id in list(self.arm_items):
            if arm_id not in wanted:
                self.arm_items.pop(arm_id).remove()
        for arm in data.arms:
            items = self.arm_items.get(arm.arm_id)
            if items is None:
                items = self.arm_items[arm.arm_id] = _ArmItems(self.plot_view)
            items.set_arm(arm, self.colours[arm.arm_id], end)
        self._apply_visibility()

        self.title_text.set_text(data.title)
        mark = status_mark(data.status)
        words = _PROVENANCE.get(data.status, data.status.capitalize())
        self.status_text.set_text(
            f"{mark} {words}", STATUS_COLOURS.get(data.status, STATUS_COLOURS["reported"])
        )
        self.legend.set_entries(
            [_LegendEntry(a.label, self.colours[a.arm_id], "curve") for a in data.arms]
            + [_LegendEntry("Censored", _GREY, "censor")]
        )
        self.left_axis.setLabel(html.escape(f"{data.endpoint_name} (%)"), **self._label_style)
        unit = f" ({data.time_unit})" if data.time_unit else ""
        self.bottom_axis.setLabel(
            html.escape(f"Time since randomisation{unit}"), **self._label_style
        )
        self._set_table(data)
        self.caption_text.set_text(self._caption(data))

    def clear(self) -> None:
        """Remove every curve, number and text: an empty plot with its axes."""
        for items in self.arm_items.values():
            items.remove()
        self.arm_items = {}
        self.data = None
        self.colours = {}
        self._clear_table()
        self.row_labels.set_rows([], self._row_height)
        self.table_view.setFixedHeight(0)
        self.title_text.set_text("")
        self.status_text.set_text(EMPTY_MESSAGE, "#777777")
        self.caption_text.set_text("")
        self.legend.set_entries([])
        self.left_axis.setLabel(html.escape("Survival (%)"), **self._label_style)
        self.bottom_axis.setLabel(html.escape("Time since randomisation"), **self._label_style)
        self.bottom_axis.setTicks([[], []])
        self.plot_view.setXRange(0, 1, padding=0)
        self._fit_left_column()

    def show_ci(self, visible: bool) -> None:
        """Show or hide the confidence bands (shown by default)."""
        self.ci_visible = bool(visible)
        self._apply_visibility()

    def show_digitised(self, visible: bool) -> None:
        """Overlay the digitised points as small hollow circles (hidden by default)."""
        self.digitised_visible = bool(visible)
        self._apply_visibility()

    # -- reading back ------------------------------------------------------------------------
    def tip_at(self, time: float, percent: float, tolerance: float = 2.0) -> str | None:
        """The tooltip for the curve point nearest ``(time, percent)``, or ``None``.

        A curve counts when its value at ``time`` (the step holding there) is within
        ``tolerance`` percentage points of ``percent``; the text gives the arm, the time,
        the estimate and its confidence interval.
        """
        data = self.data
        if data is None:
            return None
        best: tuple[float, str] | None = None
        for arm in data.arms:
            time_arr = _as_array(arm.time)
            if not len(time_arr) or not time_arr[0] <= time <= time_arr[-1]:
                continue
            i = int(np.searchsorted(time_arr, time, side="right")) - 1
            value = float(arm.survival[i]) * 100.0
            distance = abs(value - percent)
            if distance <= tolerance and (best is None or distance < best[0]):
                lower, upper = float(arm.lower[i]) * 100.0, float(arm.upper[i]) * 100.0
                level = f"{data.ci_level * 100:g}% CI"
                interval = (
                    f"{level} {lower:.1f}–{upper:.1f}%"
                    if math.isfinite(lower) and math.isfinite(upper)
                    else f"{level} not estimable"
                )
                unit = f" {data.time_unit}" if data.time_unit else ""
                text = (
                    f"{arm.label}\n{data.endpoint_name} at {_number(time)}{unit}: "
                    f"{value:.1f}% ({interval})"
                )
                best = (distance, text)
        return None if best is None else best[1]

    # -- internals -----------------------------------------------------------------------------
    @staticmethod
    def _colours(data: KmPlotData, colours: Mapping[str, str]) -> dict[str, str]:
        out = {a.arm_id: colours[a.arm_id] for a in data.arms if a.arm_id in colours}
        spare = [c for c in ARM_PALETTE if c not in out.values()] or list(ARM_PALETTE)
        for i, arm in enumerate(a for a in data.arms if a.arm_id not in out):
            out[arm.arm_id] = spare[i % len(spare)]
        return out

    def _apply_visibility(self) -> None:
        for items in self.arm_items.values():
            items.band.setVisible(self.ci_visible)
            items.digitised.setVisible(self.digitised_visible)

    def _set_time_axis(self, data: KmPlotData) -> float:
        """Ticks at the table times and the x range; returns the right edge (a time)."""
        times = [float(t) for t in data.table_times]
        if times:
            end = max(times)
            self.bottom_axis.setTicks([[(t, _number(t)) for t in times], []])
        else:
            ends = [float(np.nanmax(a.time)) for a in data.arms if len(a.time)]
            end = max(ends, default=1.0)
            self.bottom_axis.setTicks(None)
        end = end if end > 0 else 1.0
        pad = X_PADDING * end
        self.plot_view.setXRange(-pad, end + pad, padding=0)
        return end + pad

    def _clear_table(self) -> None:
        for rows in self.table_texts.values():
            for texts in rows.values():
                for item in texts:
                    self.table_view.removeItem(item)
        self.table_texts = {}

    def _set_table(self, data: KmPlotData) -> None:
        self._clear_table()
        font = _font(TABLE_POINT_SIZE)
        specs: list[_RowSpec] = []
        times = [float(t) for t in data.table_times]
        for arm in data.arms if times else ():
            colour = self.colours[arm.arm_id]
            header_row = len(specs)
            specs.append(_RowSpec(arm.label, colour, bold=True, header=True))
            published = self._published(data, arm.arm_id)
            counts = {
                "At risk": data.at_risk.get(arm.arm_id, ()),
                "Censored": data.censored.get(arm.arm_id, ()),
                "Events": data.events.get(arm.arm_id, ()),
            }
            self.table_texts[arm.arm_id] = {}
            for r, name in enumerate(ROW_NAMES, start=1):
                specs.append(_RowSpec(name, "#333333", bold=False, header=False))
                y = header_row + r + 0.5
                texts = []
                for j, t in enumerate(times):
                    values = counts[name]
                    text = str(int(values[j])) if j < len(values) else "–"
                    tip = ""
                    if (
                        name == "At risk"
                        and published is not None
                        and j < len(values)
                        and int(published[j]) != int(values[j])
                    ):
                        text += PUBLISHED_MARK
                        tip = (
                            f"{arm.label}: {int(values[j])} at risk (reconstructed); "
                            f"{int(published[j])} printed in the figure"
                        )
                    item = pg.TextItem(text, color=colour, anchor=(0.5, 0.5))
                    item.setFont(font)
                    if text.endswith(PUBLISHED_MARK):
                        item.setAnchor(_digits_centred(item, text[: -len(PUBLISHED_MARK)]))
                    item.setToolTip(plain_tooltip(tip))
                    item.setPos(t, y)
                    self.table_view.addItem(item)
                    texts.append(item)
                self.table_texts[arm.arm_id][name] = texts
        self.row_labels.set_rows(specs, self._row_height)
        height = round(self._row_height * len(specs))
        self.table_view.setFixedHeight(height)
        self.table_view.setYRange(0, max(len(specs), 1), padding=0)
        self._fit_left_column()

    @staticmethod
    def _published(data: KmPlotData, arm_id: str) -> tuple[int, ...] | None:
        published = data.published_at_risk.get(arm_id)
        if not published or len(published) != len(data.table_times):
            return None
        return tuple(published)

    def _differences(self, data: KmPlotData) -> list[str]:
        """'41 (Arm, 12 months)' for each at-risk number that differs from the printed one."""
        out = []
        unit = f" {data.time_unit}" if data.time_unit else ""
        for arm in data.arms:
            published = self._published(data, arm.arm_id)
            if published is None:
                continue
            ours = data.at_risk.get(arm.arm_id, ())
            out += [
                f"{int(p)} ({arm.label}, {_number(float(t))}{unit})"
                for t, p, o in zip(data.table_times, published, ours, strict=False)
                if int(p) != int(o)
            ]
        return out

    def _caption(self, data: KmPlotData) -> str:
        level = f"{data.ci_level * 100:g}%"
        parts = [data.caption.strip()] if data.caption.strip() else []
        method = f" ({data.ci_method})" if data.ci_method else ""
        parts.append(
            f"Shaded bands: pointwise {level} confidence intervals{method}; "
            "ticks on the curves: censored patients."
        )
        if data.table_times:
            parts.append(
                "Table: patients at risk (followed and event-free) at each time, and the "
                "cumulative numbers censored and with an event before it."
            )
        differences = self._differences(data)
        if differences:
            parts.append(
                f"{PUBLISHED_MARK} Number at risk printed in the figure: "
                + ", ".join(differences)
                + "."
            )
        return " ".join(parts)

    def _fit_left_column(self) -> None:
        """One width for the survival axis and the row labels, so both views start at the
        same x and the table's columns fall under the ticks."""
        self.left_axis.setWidth(None)
        axis_width = self.left_axis.width() or 0.0
        metrics = QFontMetricsF(_font(TABLE_POINT_SIZE))
        needed = max(
            60.0,
            metrics.horizontalAdvance("100") + 40.0,
            self.row_labels.widest() + 8.0,
            float(axis_width),
        )
        self.left_axis.setWidth(math.ceil(needed))
        self.row_labels.setFixedWidth(math.ceil(needed))
        self.row_labels.place()

    def _on_table_resized(self) -> None:
        geometry = self.table_view.geometry()
        self.row_labels.set_span(geometry.right() - self.row_labels.geometry().left())

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if self.data is None or not self.plot_view.sceneBoundingRect().contains(pos):
            return
        point = self.plot_view.mapSceneToView(pos)
        pixel = self.plot_view.viewPixelSize()[1]
        tip = self.tip_at(point.x(), point.y(), tolerance=HOVER_PIXELS * pixel)
        if tip:
            QToolTip.showText(QCursor.pos(), plain_tooltip(tip), self)
        else:
            QToolTip.hideText()

    def sizeHint(self) -> QSize:
        """Wide enough for nine table columns, tall enough for the table of three arms."""
        return QSize(900, 680)
