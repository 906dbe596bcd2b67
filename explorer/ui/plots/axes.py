"""Axis helpers shared by the row-based plots (forest, benefit–harm)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics


def set_row_ticks(plot: pg.PlotWidget, side: str, texts: list[str]) -> None:
    """Row labels as the ticks of the ``side`` axis (row i at y = i), made wide enough."""
    axis = plot.getPlotItem().getAxis(side)
    axis.setTicks([[(float(i), t) for i, t in enumerate(texts)], []])
    metrics = QFontMetrics(axis.style["tickFont"] or plot.font())
    widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
    axis.setWidth(widest + axis.style["tickTextOffset"][0] + 12)
