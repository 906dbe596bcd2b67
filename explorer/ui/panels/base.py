"""What every panel offers the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from explorer.analysis import Summary


class Panel(QWidget):
    """A main-window panel: shows one :class:`~explorer.analysis.Summary`.

    Subclasses set ``name`` (file-safe, used for screenshots and settings) and
    ``title`` (the navigation label), build their widgets once in ``__init__`` and
    refresh them in :meth:`set_summary` (models reset, plots ``setData``). They emit
    ``figure_selected`` with a figure id whenever the user selects a number, so the
    main window's details pane can show its source or derivation.
    """

    name = "panel"
    title = "Panel"

    figure_selected = Signal(str)

    def set_summary(self, summary: Summary) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def highlight_figures(self, ids: tuple[str, ...]) -> None:
        """Mark the figures ``ids`` (e.g. those an audit check involves); default: nothing."""
