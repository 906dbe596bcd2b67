"""Overview: the bottom line in plain language, every number a link to its panel."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from explorer.analysis import Summary
from explorer.analysis.overview import FigureRef, Statement, overview

from ..style import STATUS_COLOURS, status_mark
from .base import Panel


def statement_html(statement: Statement, statuses: dict[str, str]) -> str:
    """Rich text for one statement; every piece of file text is escaped, numbers are links."""
    parts = []
    for piece in statement.pieces:
        if isinstance(piece, FigureRef):
            status = statuses.get(piece.figure_id, "derived")
            mark = status_mark(status)
            colour = STATUS_COLOURS.get(status, "#000000")
            parts.append(
                f'<a href="figure:{html.escape(piece.figure_id, quote=True)}" '
                f'style="color:#0b3d91; text-decoration:none;">{html.escape(piece.text)}'
                f'<sup style="color:{colour};">{mark}</sup></a>'
            )
        else:
            parts.append(html.escape(piece))
    return "".join(parts)


class OverviewPanel(Panel):
    """One card per statement of :func:`explorer.analysis.overview.overview`."""

    name = "overview"
    title = "Overview"

    #: A number was clicked: its figure id (the window opens the panel that shows it).
    figure_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(16, 12, 16, 12)
        self._layout.setSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.statements: list[Statement] = []
        self.cards: list[tuple[QLabel, QLabel]] = []

    def set_summary(self, summary: Summary) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.cards = []
        self.statements = overview(summary)
        statuses = {f.id: f.status for f in summary.figures}
        for st in self.statements:
            heading = QLabel()
            heading.setTextFormat(Qt.TextFormat.PlainText)
            heading.setText(st.heading)
            font = heading.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            heading.setFont(font)
            body = QLabel()
            body.setTextFormat(Qt.TextFormat.RichText)
            body.setWordWrap(True)
            body.setText(statement_html(st, statuses))
            body.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                | Qt.TextInteractionFlag.TextSelectableByMouse
            )
            body.linkActivated.connect(self._on_link_activated)
            body.linkHovered.connect(self._on_link_hovered)
            font = body.font()
            font.setPointSizeF(font.pointSizeF() * 1.1)
            body.setFont(font)
            self._layout.addWidget(heading)
            self._layout.addWidget(body)
            self.cards.append((heading, body))
        legend = QLabel()
        legend.setTextFormat(Qt.TextFormat.PlainText)
        legend.setText(
            "Marks: ● reported in the source   ◆ derived by a formula   ◇ reconstructed from "
            "rounded or incomplete figures. Click a number to see where it came from."
        )
        legend.setStyleSheet("color: #555;")
        legend.setWordWrap(True)
        self._layout.addWidget(legend)
        self._layout.addStretch(1)

    def activate(self, figure_id: str) -> None:
        """Act as if the number ``figure_id`` was clicked."""
        self.figure_selected.emit(figure_id)
        self.figure_activated.emit(figure_id)

    def _on_link_activated(self, link: str) -> None:
        if link.startswith("figure:"):
            self.activate(link.removeprefix("figure:"))

    def _on_link_hovered(self, link: str) -> None:
        if link.startswith("figure:"):
            self.figure_selected.emit(link.removeprefix("figure:"))
