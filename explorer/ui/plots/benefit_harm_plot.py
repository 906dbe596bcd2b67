"""Benefit beside harm: absolute differences per 100 patients, read as NNT and NNH.

Two rows on one axis of "extra patients per 100 treated" (treatment minus control):
the efficacy milestone (e.g. one more patient progression-free at 6 months) and the
harm (one more patient with a grade 3–4 adverse event). Each row is a dot with the
confidence interval of the difference as a whisker. The top axis reads the same
positions as "1 in N": an absolute difference of d per 100 is one patient for every
100/d treated, so NNT and NNH sit on the scale Altman (BMJ 1998;317:1309) proposed,
where an interval that crosses no difference runs through N = ∞ and stays
continuous. The right-hand labels give each row's NNT or NNH as the analysis states
it, with Altman's wording when the interval crosses zero.

The plot draws :class:`BenefitHarmRow` values it is given; it computes none.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from explorer.ui.plots.axes import fix_row_plot, set_row_ticks
from explorer.ui.style import qcolor, status_mark

#: Okabe–Ito colours for the two rows (not the arms' colours): benefit green, harm vermillion.
BENEFIT_COLOUR = "#009E73"
HARM_COLOUR = "#D55E00"
#: "1 in N" values labelled on the top axis.
NUMBER_TICKS = (1, 2, 3, 5, 10, 20, 50)


@dataclass(frozen=True)
class BenefitHarmRow:
    """One row: an absolute difference per 100 patients and its NNT or NNH.

    Attributes
    ----------
    kind : str
        ``"benefit"`` or ``"harm"`` (colour and symbol).
    label : str
        The row's name on the left axis, e.g. "Benefit: PFS at 6 months".
    per_100, lower, upper : float, float or None, float or None
        Extra patients per 100 treated (treatment − control) and its interval.
    level : float or None
        Confidence level of the interval.
    number_text : str
        The NNT/NNH as the analysis words it (Altman's convention when the CI crosses 0).
    status : str
        Provenance status of the row's numbers.
    figure_id : str
        The figure a click on the row selects.
    tooltip : str
        Provenance of the row (plain text).
    """

    kind: str
    label: str
    per_100: float
    lower: float | None
    upper: float | None
    level: float | None
    number_text: str
    status: str
    figure_id: str
    tooltip: str = ""


class NumberNeededAxis(pg.AxisItem):
    """Top axis over "per 100" positions, labelled as N in "one patient in every N"."""

    #: Least distance between two labelled ticks, in pixels.
    min_spacing = 34.0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        """Positions of N = ∞ and of :data:`NUMBER_TICKS` in view, at least
        :attr:`min_spacing` pixels apart (the ticks crowd towards N = ∞)."""
        lo, hi = min(minVal, maxVal), max(minVal, maxVal)
        per_pixel = (hi - lo) / size if size > 0 and hi > lo else 0.0
        gap = self.min_spacing * per_pixel
        values = [0.0] if lo <= 0.0 <= hi else []
        # Small N first (far from 0): the crowded ticks next to N = ∞ are the ones dropped.
        for n in NUMBER_TICKS:
            for x in (100.0 / n, -100.0 / n):
                if lo <= x <= hi and all(abs(x - v) >= gap for v in values):
                    values.append(x)
        return [(1.0, sorted(values))]

    def tickStrings(self, values, scale, spacing) -> list[str]:
        """Each position as 100 / |x|; no difference (0) is N = ∞."""
        return ["∞" if abs(v) < 1e-9 else f"{100.0 / abs(v):.3g}" for v in values]


def _number(x: float) -> str:
    return f"{x:.1f}".replace("-", "−")


def row_text(row: BenefitHarmRow) -> str:
    """``+8.2 per 100 (95% CI −3.4 to 18.6) ◆``: the number drawn above a row's dot."""
    sign = "+" if row.per_100 > 0 else ""
    text = f"{sign}{_number(row.per_100)} per 100"
    if row.lower is not None and row.upper is not None:
        level = f"{row.level * 100:g}% CI " if row.level else "CI "
        text += f" ({level}{_number(row.lower)} to {_number(row.upper)})"
    return f"{text} {status_mark(row.status)}"


class BenefitHarmPlot(pg.PlotWidget):
    """Dot-and-whisker rows of absolute benefit and harm per 100, with NNT/NNH labels.

    Attributes
    ----------
    points : dict of str to pyqtgraph.ScatterPlotItem
        Per kind ("benefit", "harm") its dot; ``getData()`` gives (per_100, row).
    whiskers : dict of str to pyqtgraph.ErrorBarItem
        Per kind its confidence interval.
    labels : dict of str to pyqtgraph.TextItem
        Per kind the number above its dot.
    zero_line : pyqtgraph.InfiniteLine
        No difference (N = ∞).
    rows : tuple of BenefitHarmRow
        What is drawn, top to bottom.

    Signals
    -------
    row_clicked(str)
        The figure id of a row whose dot was clicked.
    """

    row_clicked = Signal(str)

    def __init__(self, parent=None) -> None:
        top = NumberNeededAxis("top")
        super().__init__(parent, axisItems={"top": top})
        self.number_axis = top
        self.rows: tuple[BenefitHarmRow, ...] = ()
        plot = self.getPlotItem()
        fix_row_plot(plot)
        plot.showAxis("top")
        plot.showGrid(x=True, y=False, alpha=0.12)
        plot.setLabel(
            "top", "… that is, one more patient for every N treated (N = 100 / difference)"
        )
        self.zero_line = pg.InfiniteLine(
            pos=0, angle=90, pen=pg.mkPen("#555555", width=1.2, style=Qt.PenStyle.DashLine)
        )
        plot.addItem(self.zero_line)
        self.whiskers: dict[str, pg.ErrorBarItem] = {}
        self.points: dict[str, pg.ScatterPlotItem] = {}
        self.labels: dict[str, pg.TextItem] = {}
        for kind, colour, symbol in (
            ("benefit", BENEFIT_COLOUR, "o"),
            ("harm", HARM_COLOUR, "s"),
        ):
            whisker = pg.ErrorBarItem(beam=0.12, pen=pg.mkPen(colour, width=2.5))
            point = pg.ScatterPlotItem(
                symbol=symbol, size=13, brush=qcolor(colour), pen=pg.mkPen("w", width=1.5)
            )
            label = pg.TextItem(anchor=(0.5, 1.0), color=colour)
            for item in (whisker, point, label):
                plot.addItem(item)
            point.sigClicked.connect(self._on_point_clicked)
            self.whiskers[kind], self.points[kind], self.labels[kind] = whisker, point, label

    def set_rows(self, rows: Sequence[BenefitHarmRow], treatment_label: str) -> None:
        """Draw ``rows`` (at most one per kind), top to bottom."""
        plot = self.getPlotItem()
        self.rows = tuple(rows)
        by_kind = {row.kind: (i, row) for i, row in enumerate(self.rows)}
        xs: list[float] = [0.0]
        for kind in self.points:
            if kind not in by_kind:
                self.points[kind].setData(x=[], y=[])
                self.whiskers[kind].setData(x=None, y=None)
                self.labels[kind].setVisible(False)
                continue
            i, row = by_kind[kind]
            y = float(i)
            self.points[kind].setData(x=[row.per_100], y=[y], data=[row.figure_id])
            xs.append(row.per_100)
            if row.lower is not None and row.upper is not None:
                self.whiskers[kind].setData(
                    x=np.array([row.per_100]),
                    y=np.array([y]),
                    left=np.array([row.per_100 - row.lower]),
                    right=np.array([row.upper - row.per_100]),
                )
                xs += [row.lower, row.upper]
            else:
                self.whiskers[kind].setData(x=None, y=None)
            self.labels[kind].setText(row_text(row))
            self.labels[kind].setPos(row.per_100, y - 0.12)
            self.labels[kind].setVisible(True)
        set_row_ticks(self, "left", [row.label for row in self.rows])
        set_row_ticks(
            self, "right", [f"{row.number_text} {status_mark(row.status)}" for row in self.rows]
        )
        treat = html.escape(treatment_label)
        plot.setLabel(
            "bottom",
            f"Extra patients per 100 treated with {treat}, with the benefit or with the harm "
            "(0 = no difference)",
        )
        lo, hi = min(xs), max(xs)
        pad = 0.08 * max(hi - lo, 10.0)
        plot.setXRange(lo - pad, hi + pad, padding=0)
        # Each label grows away from the nearer edge, so a narrow plot never clips it.
        middle = (lo + hi) / 2
        for kind, (_, row) in by_kind.items():
            if kind in self.labels:
                self.labels[kind].setAnchor((0.0, 1.0) if row.per_100 <= middle else (1.0, 1.0))
        plot.setYRange(-0.7, max(len(self.rows), 1) - 0.4, padding=0)

    def _on_point_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.row_clicked.emit(str(points[0].data()))
