"""Icon arrays: 100 person pictographs per arm, for a conversation with a patient.

An :class:`~explorer.analysis.interpretation.IconArray` says, per arm, how many of 100
people like those in the trial had an outcome ("progression-free at 6 months", "a
grade 3–4 adverse event"). :class:`IconArrayWidget` draws each arm as a 10 × 10 grid
of people: those with the outcome filled in the arm's colour, the others as light
grey outlines. Filled versus outlined is a difference of pattern as well as colour,
so the picture reads the same in greyscale and with any form of colour-blindness;
the legend names both kinds of figure and each arm's heading states its count in
words. Grids have a small gap after the fifth row and column so that counts can be
read off in fives.

One paint routine (:meth:`IconArrayWidget.paint`) draws the widget, the PNG export
and the SVG export (through ``QSvgGenerator``), so the exported picture is the one
on screen. The widget draws numbers it is given; it computes none.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from explorer.ui.style import status_mark

if TYPE_CHECKING:
    from explorer.analysis.interpretation import IconArray

#: Size of an exported picture (PNG pixels, SVG user units): large enough to print.
EXPORT_SIZE = QSize(1200, 800)
#: Outline of a person without the outcome (light grey, as in printed decision aids).
EMPTY_OUTLINE = "#A8A8A8"
#: Fill of a person without the outcome (white, so the outline alone reads as "empty").
EMPTY_FILL = "#FFFFFF"
_TEXT = "#1A1A1A"
_MUTED = "#555555"
_ROWS = _COLUMNS = 10
#: Height of a person's cell relative to its width.
_CELL_ASPECT = 1.3
#: Extra space after the fifth row and column, as a fraction of a cell's width.
_GROUP_GAP = 0.35


def person_path(cell: QRectF) -> QPainterPath:
    """A person pictograph (head and shoulders-to-feet body) inside ``cell``.

    The figure is centred in the cell with a margin, so neighbouring people never touch.
    """
    w, h = cell.width(), cell.height()
    x0, y0 = cell.left(), cell.top()
    path = QPainterPath()
    head_r = 0.15 * h
    cx = x0 + 0.5 * w
    path.addEllipse(QPointF(cx, y0 + 0.08 * h + head_r), head_r, head_r)
    body_top = y0 + 0.08 * h + 2 * head_r + 0.04 * h
    body_w = min(0.64 * w, 0.5 * h)
    body = QRectF(cx - body_w / 2, body_top, body_w, y0 + 0.94 * h - body_top)
    radius = 0.45 * body_w
    path.addRoundedRect(body, radius, radius)
    return path


def without_label(outcome_label: str) -> str:
    """The words for people without the outcome: "with X" → "without X", else "not …"."""
    if outcome_label.startswith("with "):
        return "without " + outcome_label[len("with ") :]
    return "not " + outcome_label


@dataclass(frozen=True)
class _ArmLayout:
    """Where one arm is drawn: its heading and its grid of cells."""

    heading: QRectF
    grid: QRectF
    cells: tuple[QRectF, ...]


@dataclass(frozen=True)
class _Layout:
    scale: float
    title: QRectF
    legend: QRectF
    arms: tuple[_ArmLayout, ...]
    caption: QRectF


def _fonts(scale: float) -> tuple[QFont, QFont, QFont, QFont]:
    """Title, heading, legend and caption fonts, in pixels so every device agrees."""

    def font(px: float, bold: bool = False) -> QFont:
        f = QFont()
        f.setPixelSize(max(round(px), 8))
        f.setBold(bold)
        return f

    return font(17 * scale, True), font(14 * scale, True), font(12.5 * scale), font(14 * scale)


class IconArrayWidget(QWidget):
    """One icon array: a title, a legend, a 10 × 10 grid of people per arm, and a caption.

    Call :meth:`set_array` with an :class:`~explorer.analysis.interpretation.IconArray`
    and the arm colours (``ui.style.arm_colours``). Hovering an arm's grid shows the
    provenance of its count; clicking it emits :attr:`arm_clicked` with the figure id.

    Attributes
    ----------
    array : IconArray or None
        What is drawn.
    colours : dict of str to str
        Arm id → ``#RRGGBB``.

    Signals
    -------
    arm_clicked(str)
        The figure id of the arm whose grid was clicked.
    """

    arm_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.array: IconArray | None = None
        self.colours: dict[str, str] = {}
        self._provenance: dict[str, str] = {}
        self.setMouseTracking(True)
        self.setMinimumSize(420, 330)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(False)

    # -- state ---------------------------------------------------------------------
    def set_array(
        self,
        array: IconArray,
        colours: Mapping[str, str],
        provenance: Mapping[str, str] | None = None,
    ) -> None:
        """Draw ``array`` with each arm in ``colours[arm_id]``.

        ``provenance`` maps an arm's figure id to the text its tooltip shows (its
        source or derivation); without it the tooltip names only the figure.
        """
        self.array = array
        self.colours = dict(colours)
        self._provenance = dict(provenance or {})
        self.setAccessibleName(array.title)
        self.setAccessibleDescription(array.caption)
        self.update()

    def filled_counts(self) -> dict[str, int]:
        """Arm id → number of filled people drawn (what a test checks, not the pixels)."""
        if self.array is None:
            return {}
        return {arm.arm_id: _clamp(arm.with_outcome) for arm in self.array.arms}

    def sizeHint(self) -> QSize:
        return QSize(600, 440)

    # -- exports ---------------------------------------------------------------------
    def export_png(self, path: str | Path, size: QSize = EXPORT_SIZE) -> None:
        """Write the picture to ``path`` as a ``size`` PNG on white.

        Raises
        ------
        OSError
            When the file cannot be written.
        """
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("#FFFFFF"))
        painter = QPainter(image)
        try:
            self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")

    def export_svg(self, path: str | Path, size: QSize = EXPORT_SIZE) -> None:
        """Write the picture to ``path`` as SVG (``size`` user units), by the same paint code.

        Raises
        ------
        OSError
            When the file cannot be written.
        """
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        if self.array is not None:
            generator.setTitle(self.array.title)
            generator.setDescription(self.array.caption)
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"could not write {path}")
        try:
            painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("#FFFFFF"))
            self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        if not Path(path).is_file():
            raise OSError(f"could not write {path}")

    # -- painting ------------------------------------------------------------------------
    def paint(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the whole icon array into ``rect`` of any paint device."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        array = self.array
        if array is None:
            painter.setPen(QColor(_MUTED))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No icon array for this trial")
            painter.restore()
            return
        layout = self._layout(rect)
        title_font, heading_font, legend_font, caption_font = _fonts(layout.scale)

        painter.setFont(title_font)
        painter.setPen(QColor(_TEXT))
        painter.drawText(
            layout.title, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, array.title
        )

        self._paint_legend(painter, layout, legend_font)

        for arm, where in zip(array.arms, layout.arms, strict=True):
            colour = QColor(self.colours.get(arm.arm_id, "#333333"))
            painter.setFont(heading_font)
            painter.setPen(colour.darker(115))
            painter.drawText(
                where.heading,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                _heading(arm, array.outcome_label),
            )
            filled = _clamp(arm.with_outcome)
            for i, cell in enumerate(where.cells):
                _paint_person(painter, cell, colour if i < filled else None, layout.scale)

        painter.setFont(caption_font)
        painter.setPen(QColor(_TEXT))
        painter.drawText(
            layout.caption,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            | int(Qt.TextFlag.TextWordWrap),
            array.caption,
        )
        painter.restore()

    def _paint_legend(self, painter: QPainter, layout: _Layout, font: QFont) -> None:
        array = self.array
        assert array is not None
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        rect = layout.legend
        icon_h = rect.height()
        icon_w = icon_h / _CELL_ASPECT
        x = rect.left()
        legend_colour = QColor(self.colours.get(array.arms[0].arm_id, "#333333"))
        entries = (
            (legend_colour, f"filled: {array.outcome_label}"),
            (None, f"outline: {without_label(array.outcome_label)}"),
        )
        for colour, text in entries:
            _paint_person(painter, QRectF(x, rect.top(), icon_w, icon_h), colour, layout.scale)
            x += icon_w + 4 * layout.scale
            painter.setPen(QColor(_MUTED))
            text_rect = QRectF(x, rect.top(), metrics.horizontalAdvance(text) + 2, icon_h)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, text)
            x = text_rect.right() + 18 * layout.scale

    def _layout(self, rect: QRectF) -> _Layout:
        """Geometry of every part inside ``rect`` (shared by painting and hit-testing)."""
        array = self.array
        assert array is not None
        scale = max(0.8, min(2.2, rect.width() / 640, rect.height() / 440))
        title_font, heading_font, legend_font, caption_font = _fonts(scale)
        pad = 10 * scale
        inner = rect.adjusted(pad, pad, -pad, -pad)
        y = inner.top()
        title_h = QFontMetricsF(title_font).height()
        title = QRectF(inner.left(), y, inner.width(), title_h)
        y += title_h + 4 * scale
        legend_h = QFontMetricsF(legend_font).height() * 1.35
        legend = QRectF(inner.left(), y, inner.width(), legend_h)
        y += legend_h + 8 * scale

        caption_metrics = QFontMetricsF(caption_font)
        caption_h = caption_metrics.boundingRect(
            QRectF(0, 0, inner.width(), 10_000),
            int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
            array.caption,
        ).height()
        caption = QRectF(inner.left(), inner.bottom() - caption_h, inner.width(), caption_h)

        heading_h = QFontMetricsF(heading_font).height() * 1.2
        n = max(len(array.arms), 1)
        gap = 36 * scale
        block_w = (inner.width() - gap * (n - 1)) / n
        grid_h_room = caption.top() - 10 * scale - (y + heading_h + 4 * scale)
        # Cell width from the room: 10 columns plus the group gap, 10 rows likewise.
        cell_w = min(
            block_w / (_COLUMNS + _GROUP_GAP),
            grid_h_room / (_CELL_ASPECT * _ROWS + _GROUP_GAP),
        )
        cell_w = max(cell_w, 3.0)
        cell_h = _CELL_ASPECT * cell_w
        grid_w = cell_w * (_COLUMNS + _GROUP_GAP)
        grid_h = cell_h * _ROWS + cell_w * _GROUP_GAP
        arms = []
        for i in range(len(array.arms)):
            left = inner.left() + i * (block_w + gap)
            gx = left + (block_w - grid_w) / 2
            heading = QRectF(left, y, block_w, heading_h)
            gy = y + heading_h + 4 * scale
            cells = []
            for r in range(_ROWS):
                for c in range(_COLUMNS):
                    cx = gx + c * cell_w + (_GROUP_GAP * cell_w if c >= 5 else 0.0)
                    cy = gy + r * cell_h + (_GROUP_GAP * cell_w if r >= 5 else 0.0)
                    cells.append(QRectF(cx, cy, cell_w, cell_h))
            arms.append(_ArmLayout(heading, QRectF(gx, gy, grid_w, grid_h), tuple(cells)))
        return _Layout(scale, title, legend, tuple(arms), caption)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("#FFFFFF"))
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    # -- interaction --------------------------------------------------------------------
    def arm_at(self, pos: QPointF) -> int | None:
        """Index of the arm whose heading or grid is at ``pos`` (widget coordinates)."""
        if self.array is None:
            return None
        layout = self._layout(QRectF(self.rect()))
        for i, where in enumerate(layout.arms):
            if where.grid.contains(pos) or where.heading.contains(pos):
                return i
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over_arm = self.arm_at(event.position()) is not None
        if over_arm:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            i = self.arm_at(QPointF(event.pos()))
            if i is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(i), self)
            return True
        return super().event(event)

    def tooltip_for(self, arm_index: int) -> str:
        """The tooltip of an arm: its count in words, status and provenance (plain text)."""
        assert self.array is not None
        arm = self.array.arms[arm_index]
        where = self._provenance.get(arm.figure_id, "")
        text = (
            f"{status_mark(arm.status)} {arm.label}: {arm.with_outcome} of 100 "
            f"{self.array.outcome_label} ({arm.status})"
        )
        # QToolTip reads rich text when it looks like HTML: keep file text plain.
        body = f"{text}\n{where}" if where else text
        return "<p style='white-space:pre-wrap'>" + html.escape(body) + "</p>"

    def mousePressEvent(self, event: QMouseEvent) -> None:
        i = self.arm_at(event.position())
        if i is not None and self.array is not None and event.button() == Qt.MouseButton.LeftButton:
            self.arm_clicked.emit(self.array.arms[i].figure_id)
            event.accept()
            return
        super().mousePressEvent(event)


def _clamp(n: int) -> int:
    return max(0, min(int(n), _ROWS * _COLUMNS))


def _heading(arm, outcome_label: str) -> str:
    """``P+ET: 41 of 100 ◆``: the count in words above each grid."""
    return f"{arm.label}: {arm.with_outcome} of 100 {status_mark(arm.status)}"


def _paint_person(painter: QPainter, cell: QRectF, colour: QColor | None, scale: float) -> None:
    """One person: filled in ``colour`` with a darker rim, or (None) a grey outline on white."""
    path = person_path(cell)
    if colour is not None:
        painter.setPen(QPen(colour.darker(130), max(0.8, 0.9 * scale)))
        painter.setBrush(colour)
    else:
        painter.setPen(QPen(QColor(EMPTY_OUTLINE), max(1.0, 1.1 * scale)))
        painter.setBrush(QColor(EMPTY_FILL))
    painter.drawPath(path)
