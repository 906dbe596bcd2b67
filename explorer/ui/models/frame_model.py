"""A read-only Qt table model over an immutable pandas DataFrame.

Built on Qt for Python's pandas example, with what Orange's ``PyTableModel`` and
napari's adapters add: a column spec (header, formatter, alignment, tooltip
column), a raw role for sorting and copying, provenance as the tooltip, and a
reset (never row signals) when the frame is replaced. The model never computes:
every value comes from ``explorer.analysis``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from explorer.ui.tooltips import plain_tooltip

#: The unformatted Python value of a cell (for sorting, copying and export).
RawRole = Qt.ItemDataRole.UserRole + 1
#: The provenance status ("reported" / "derived" / "reconstructed") of the cell's row.
StatusRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """How one DataFrame column is shown.

    ``key`` names the column; ``format`` turns a raw value into display text;
    ``tooltip`` names a column whose text is the cell's tooltip (provenance);
    ``align`` is a Qt alignment flag; ``raw`` names the column whose value is the
    cell's raw role (for sorting), when the shown column is formatted text;
    ``foreground`` maps the raw value to a text colour (``#RRGGBB``) or ``None``.
    """

    key: str
    header: str
    format: Callable[[Any], str] | None = None
    tooltip: str | None = None
    raw: str | None = None
    foreground: Callable[[Any], str | None] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class FrameModel(QAbstractTableModel):
    """Table model over a DataFrame, shown through a list of :class:`Column`."""

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: Sequence[Column],
        *,
        status_column: str | None = "status",
        parent=None,
    ):
        super().__init__(parent)
        self._columns = list(columns)
        self._status_column = status_column
        self._frame = frame.reset_index(drop=True)

    # -- data ---------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        """The DataFrame shown (do not mutate; replace with :meth:`set_frame`)."""
        return self._frame

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Replace the data: a model reset, as for any non-editable table."""
        self.beginResetModel()
        self._frame = frame.reset_index(drop=True)
        self.endResetModel()

    def row_value(self, row: int, key: str) -> Any:
        """The raw value of column ``key`` in ``row``."""
        return self._frame.at[row, key]

    # -- Qt overrides --------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self._columns[index.column()]
        value = self._frame.at[index.row(), col.key]
        if role == Qt.ItemDataRole.DisplayRole:
            if _is_missing(value):
                return "—"
            return col.format(value) if col.format else str(value)
        if role == RawRole:
            if col.raw is not None:
                value = self._frame.at[index.row(), col.raw]
            if _is_missing(value):
                return None
            return value.item() if hasattr(value, "item") else value
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip:
            tip = self._frame.at[index.row(), col.tooltip]
            return None if _is_missing(tip) else plain_tooltip(str(tip))
        if role == Qt.ItemDataRole.ForegroundRole and col.foreground is not None:
            colour = None if _is_missing(value) else col.foreground(value)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align.value) if hasattr(col.align, "value") else int(col.align)
        if role == StatusRole and self._status_column and self._status_column in self._frame:
            return self._frame.at[index.row(), self._status_column]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
