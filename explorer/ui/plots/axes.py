"""Axis helpers shared by the row-based plots (forest, benefit–harm)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics


def set_row_ticks(
    plot: pg.PlotWidget, side: str, texts: list[str], max_width: int | None = None
) -> None:
    """Row labels as the ticks of the ``side`` axis (row i at y = i), made wide enough.

    With ``max_width`` (pixels) longer labels are elided with "…" so the axes never
    squeeze the plot out of its widget; the full text stays in the table beside it.
    """
    axis = plot.getPlotItem().getAxis(side)
    metrics = QFontMetrics(axis.style["tickFont"] or plot.font())
    if max_width is not None:
        texts = [metrics.elidedText(t, Qt.TextElideMode.ElideRight, max_width) for t in texts]
    axis.setTicks([[(float(i), t) for i, t in enumerate(texts)], []])
    widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
    axis.setWidth(widest + axis.style["tickTextOffset"][0] + 12)


def fix_row_plot(plot: pg.PlotItem) -> None:
    """A still plot of rows listed top to bottom, labelled on the left and right.

    No menu, buttons or mouse panning (the rows are the table's, the axis is fixed), the
    first row on top, and tick marks off on the row axes where labels sit instead.
    """
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.getViewBox().invertY(True)
    plot.showAxis("right")
    for side in ("left", "right"):
        plot.getAxis(side).setStyle(tickLength=0)
