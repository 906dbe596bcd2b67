"""Exports from the window: tables to the clipboard (TSV) and to CSV, plots to PNG and SVG,
and the whole report.

:func:`install_exports` walks a widget tree once and equips

* every ``QTableView`` with a context menu and shortcuts: **Copy rows as TSV**
  (Ctrl+C: the selected rows, or the whole table when none is selected), **Copy
  table as TSV** (Ctrl+Shift+C) and **Export CSV…**;
* every plot (pyqtgraph ``PlotWidget`` / ``GraphicsLayoutWidget``, and picture
  widgets with their own ``export_png``/``export_svg``, such as the icon arrays) with
  a context menu **Export PNG…** / **Export SVG…**.

The functions behind the actions (:func:`table_to_tsv`, :func:`table_to_csv`,
:func:`plot_to_png`, :func:`plot_to_svg`, :func:`write_report`) take no dialog and are
what tests and scripts call.

A TSV copy holds what the table shows (the display text, as a spreadsheet pastes it).
A CSV export is for analysis: each column's raw value (the model's ``RawRole``:
numbers as numbers), then the text shown where it differs, the cell's source or
derivation where the table has one, and the row's status (reported / derived /
reconstructed). Rows are those on show, in the order shown.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import (
    QBuffer,
    QEvent,
    QIODevice,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
    QTableView,
    QWidget,
)

from explorer.analysis import Summary

from .models.frame_model import RawRole, StatusRole
from .tooltips import tooltip_as_text

__all__ = [
    "PNG_SCALE",
    "REPORT_SUFFIXES",
    "copy_rows",
    "export_report",
    "export_report_interactive",
    "install_exports",
    "plot_to_png",
    "plot_to_svg",
    "table_to_csv",
    "table_to_rows",
    "table_to_tsv",
    "write_report",
]

#: A PNG export has this many pixels per screen pixel, so it prints sharply.
PNG_SCALE = 2
#: Report formats by file suffix.
REPORT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}
#: Set on a widget once it has been equipped, so a second walk adds nothing twice.
_INSTALLED = "explorer_exports_installed"


# -- tables ---------------------------------------------------------------------------------


def _columns(view: QTableView) -> list[int]:
    """Logical column numbers in the order shown, hidden columns left out."""
    header = view.horizontalHeader()
    model = view.model()
    order = [header.logicalIndex(v) for v in range(header.count())] or list(
        range(model.columnCount())
    )
    return [c for c in order if c >= 0 and not view.isColumnHidden(c)]


def _rows(view: QTableView, *, selected_only: bool) -> list[int]:
    model = view.model()
    if selected_only and view.selectionModel() is not None:
        chosen = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
        if chosen:
            return chosen
    return [r for r in range(model.rowCount()) if not view.isRowHidden(r)]


def _header(view: QTableView, column: int) -> str:
    text = view.model().headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    return str(text) if text not in (None, "") else f"column {column + 1}"


def _display(index: QModelIndex) -> str:
    value = index.data(Qt.ItemDataRole.DisplayRole)
    return "" if value is None else str(value)


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


def table_to_rows(view: QTableView, *, selected_only: bool = False) -> list[list[str]]:
    """The table as shown: a header row, then one list of display texts per row.

    ``selected_only`` keeps the selected rows (all rows when none is selected).
    """
    model = view.model()
    columns = _columns(view)
    out = [[_header(view, c) for c in columns]]
    for r in _rows(view, selected_only=selected_only):
        out.append([_display(model.index(r, c)) for c in columns])
    return out


def table_to_tsv(view: QTableView, *, selected_only: bool = False) -> str:
    """The table as tab-separated text (header line first), as a spreadsheet pastes it.

    Tabs and line breaks inside a cell become spaces, so every row stays one line.
    """
    rows = table_to_rows(view, selected_only=selected_only)
    return "".join("\t".join(_one_line(cell) for cell in row) + "\n" for row in rows)


def _csv_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    return value


def table_to_csv(view: QTableView, path: str | Path) -> Path:
    """Write the rows on show to ``path`` as CSV (UTF-8 with a byte-order mark).

    Columns, for each column shown (header ``h``): ``h`` holds the raw value
    (``RawRole``: numbers stay numbers, blank where a cell has none; the display text
    for a column whose model gives no raw values); ``h (shown)`` the text on screen,
    when it differs from the raw value; ``h (source or derivation)`` the cell's
    provenance tooltip, when the column has one. A final ``status`` column gives each
    row's status when the model knows it. The byte-order mark lets spreadsheet
    programs read the marks (● ◆ ◇) and dashes.
    """
    model = view.model()
    columns = _columns(view)
    rows = _rows(view, selected_only=False)

    def cell(r: int, c: int, role: int) -> Any:
        return model.index(r, c).data(role)

    out_columns: list[tuple[str, Any]] = []
    for c in columns:
        h = _header(view, c)
        raws = [cell(r, c, RawRole) for r in rows]
        shown = [_display(model.index(r, c)) for r in rows]
        has_raw = any(v is not None for v in raws)
        # A column with raw values keeps only raw values (blank where there is none), so
        # numbers read back as numbers; the text shown goes to the "(shown)" column.
        values = raws if has_raw else shown
        out_columns.append((h, values))
        if has_raw and any(
            text != ("—" if raw is None else str(raw))
            for raw, text in zip(raws, shown, strict=True)
        ):
            out_columns.append((f"{h} (shown)", shown))
        tips = [cell(r, c, Qt.ItemDataRole.ToolTipRole) for r in rows]
        if any(t for t in tips):
            out_columns.append((f"{h} (source or derivation)", [tooltip_as_text(t) for t in tips]))
    if columns:
        statuses = [cell(r, columns[0], StatusRole) for r in rows]
        if any(isinstance(s, str) and s for s in statuses):
            out_columns.append(("status", [s or "" for s in statuses]))

    names = _unique([name for name, _ in out_columns])
    out = Path(path)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for i in range(len(rows)):
            writer.writerow([_csv_value(values[i]) for _, values in out_columns])
    return out


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name} ({n + 1})")
    return out


# -- plots ---------------------------------------------------------------------------------------


def _own_export(widget: QWidget, kind: str):
    method = getattr(widget, f"export_{kind}", None)
    return method if callable(method) else None


def plot_to_png(widget: QWidget, path: str | Path, *, scale: int = PNG_SCALE) -> Path:
    """Write a plot to ``path`` as PNG, ``scale`` times its size on screen, on white.

    pyqtgraph views go through ``pyqtgraph.exporters.ImageExporter``; a widget with
    its own ``export_png`` (an icon array) uses it; any other widget is rendered.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    out = Path(path)
    own = _own_export(widget, "png")
    if isinstance(widget, pg.GraphicsView):
        exporter = pg_exporters.ImageExporter(widget.scene())
        width = max(1, round(widget.viewport().width() * scale))
        exporter.parameters()["width"] = width
        exporter.parameters()["background"] = QColor("#FFFFFF")
        if exporter.export(str(out)) is False:
            raise OSError(f"could not write {out}")
    elif own is not None:
        own(out)
    else:
        image = QImage(widget.size() * scale, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(QColor("#FFFFFF"))
        QWidget.render(widget, image)
        if not image.save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
    if not out.is_file() or out.stat().st_size == 0:
        raise OSError(f"could not write {out}")
    return out


def plot_to_svg(widget: QWidget, path: str | Path) -> Path:
    """Write a plot to ``path`` as SVG (vector: it scales for print and slides).

    A pyqtgraph view is painted into Qt's ``QSvgGenerator`` in pyqtgraph's export
    mode (markers drawn as shapes, not cached bitmaps), at the screen's resolution so
    that axes and text keep their places, on white. Lines drawn one pixel wide
    whatever the zoom (cosmetic pens) come out of Qt inside scaled groups marked
    ``vector-effect="non-scaling-stroke"``; their coordinates are transformed here
    so that renderers without that SVG feature draw them thin too.

    pyqtgraph's own ``SVGExporter`` is not used: with pyqtgraph 0.14 and Qt 6.11 it
    fails on every plot of the app, reading Qt's close-path commands as coordinates
    (``ValueError: not enough values to unpack``; pyqtgraph/pyqtgraph#3485). A widget
    with its own ``export_svg`` (an icon array) uses it; any other widget is painted
    into a ``QSvgGenerator``.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    out = Path(path)
    own = _own_export(widget, "svg")
    if own is not None and not isinstance(widget, pg.GraphicsView):
        own(out)
    else:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        _paint_svg(widget, buffer)
        buffer.close()
        try:
            out.write_bytes(_bake_cosmetic_transforms(bytes(buffer.data().data())))
        except OSError as exc:
            raise OSError(f"could not write {out}: {exc.strerror or exc}") from exc
    if not out.is_file() or out.stat().st_size == 0:
        raise OSError(f"could not write {out}")
    return out


def _paint_svg(widget: QWidget, device: QIODevice) -> None:
    area = widget.viewport() if isinstance(widget, pg.GraphicsView) else widget
    width, height = area.width(), area.height()
    generator = QSvgGenerator()
    generator.setOutputDevice(device)
    generator.setResolution(round(widget.logicalDpiX()))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setTitle(widget.accessibleName() or widget.objectName() or "plot")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError("could not start an SVG")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, width, height), QColor("#FFFFFF"))
        if isinstance(widget, pg.GraphicsView):
            exporter = pg_exporters.ImageExporter(widget.scene())
            source = QRectF(widget.mapToScene(area.rect()).boundingRect())
            exporter.setExportMode(
                True,
                {
                    "antialias": True,
                    "background": QColor("#FFFFFF"),
                    "painter": painter,
                    "resolutionScale": 1.0,
                },
            )
            try:
                widget.scene().render(painter, QRectF(0, 0, width, height), source)
            finally:
                exporter.setExportMode(False)
        else:
            QWidget.render(widget, painter, QPoint(0, 0))
    finally:
        painter.end()


_SVG_NS = "http://www.w3.org/2000/svg"
_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_PATH_TOKEN = re.compile(r"\s*(?:([MLCZ])|(-?[\d.]+(?:e[-+]?\d+)?),(-?[\d.]+(?:e[-+]?\d+)?))", re.I)


def _map_point(m: tuple[float, ...], x: float, y: float) -> str:
    a, b, c, d, e, f = m
    return f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}"


def _map_path(m: tuple[float, ...], data: str) -> str | None:
    """Path data with every point mapped by ``m``; ``None`` if it has other commands."""
    out, pos = [], 0
    data = data.strip()
    while pos < len(data):
        match = _PATH_TOKEN.match(data, pos)
        if match is None or match.end() == pos:
            return None
        command, x, y = match.groups()
        if command is not None:
            if command not in "MLCZ":  # relative commands: leave the group as it is
                return None
            out.append(command)
        else:
            out.append(_map_point(m, float(x), float(y)))
        pos = match.end()
    return " ".join(out)


def _bake_cosmetic_transforms(svg: bytes) -> bytes:
    """Move scaled groups' transforms into the coordinates of their non-scaling lines.

    Only groups holding nothing but paths and polylines with
    ``vector-effect="non-scaling-stroke"`` are changed; anything else (text, images,
    filled shapes with scaled strokes) keeps its transform.
    """
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    for group in root.iter(f"{{{_SVG_NS}}}g"):
        match = _MATRIX.fullmatch(group.get("transform", "").strip())
        children = list(group)
        if match is None or not children:
            continue
        m = tuple(float(v) for v in match.group(1).split(","))
        if len(m) != 6 or m == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
            continue
        if not all(
            ch.tag in (f"{{{_SVG_NS}}}path", f"{{{_SVG_NS}}}polyline")
            and ch.get("vector-effect") == "non-scaling-stroke"
            for ch in children
        ):
            continue
        mapped = []
        for ch in children:
            if ch.tag.endswith("path"):
                new = _map_path(m, ch.get("d", ""))
            else:
                points = ch.get("points", "").split()
                try:
                    new = " ".join(_map_point(m, *map(float, p.split(","))) for p in points)
                except ValueError:
                    new = None
            if new is None:
                break
            mapped.append(new)
        else:
            for ch, new in zip(children, mapped, strict=True):
                ch.set("d" if ch.tag.endswith("path") else "points", new)
            del group.attrib["transform"]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- installing the actions ------------------------------------------------------------------


def _is_plot(widget: QWidget) -> bool:
    return isinstance(widget, pg.GraphicsView) or (
        _own_export(widget, "png") is not None and _own_export(widget, "svg") is not None
    )


def _action(parent: QWidget, text: str, slot, shortcut=None) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    return action


def _save_path(parent: QWidget, title: str, name: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, filters)
    return path


def _report_error(parent: QWidget, exc: Exception) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"The export could not be written.\n\n{exc}")
    box.open()


class _CopyFilter(QObject):
    """Ctrl+C on a table copies rows as TSV (a view would otherwise copy one cell's text).

    ``QAbstractItemView`` claims the standard Copy key for itself before any shortcut
    sees it, so the key press is caught on its way to the view.
    """

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Copy)
        ):
            copy_rows(self._view, selected_only=True)
            return True
        return False


def copy_rows(view: QTableView, *, selected_only: bool = True) -> str:
    """Put :func:`table_to_tsv` of ``view`` on the clipboard and return it."""
    text = table_to_tsv(view, selected_only=selected_only)
    QGuiApplication.clipboard().setText(text)
    return text


def _install_table(view: QTableView) -> None:
    def copy(selected_only: bool) -> None:
        copy_rows(view, selected_only=selected_only)

    def export_csv() -> None:
        path = _save_path(view, "Export table as CSV", "table.csv", "CSV (*.csv)")
        if path:
            try:
                table_to_csv(view, path)
            except OSError as exc:
                _report_error(view, exc)

    view.addAction(
        _action(view, "Copy rows as TSV", lambda: copy(True), QKeySequence.StandardKey.Copy)
    )
    view.addAction(_action(view, "Copy table as TSV", lambda: copy(False), "Ctrl+Shift+C"))
    view.addAction(_action(view, "Export CSV…", export_csv))
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    view.installEventFilter(_CopyFilter(view))


def _install_plot(widget: QWidget) -> None:
    def export(kind: str) -> None:
        name = (widget.objectName() or "plot") + f".{kind}"
        path = _save_path(
            widget, f"Export plot as {kind.upper()}", name, f"{kind.upper()} (*.{kind})"
        )
        if path:
            try:
                (plot_to_png if kind == "png" else plot_to_svg)(widget, path)
            except OSError as exc:
                _report_error(widget, exc)

    widget.addAction(_action(widget, "Export PNG…", lambda: export("png")))
    widget.addAction(_action(widget, "Export SVG…", lambda: export("svg")))
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)


def install_exports(root: QWidget) -> int:
    """Give every table and plot under ``root`` (and ``root`` itself) its export actions.

    Walks the widget tree once; widgets created later are not covered (call again:
    widgets already equipped are skipped). A widget whose context menu is already
    custom (``CustomContextMenu``) is left alone, so a panel's own menu wins.

    Returns
    -------
    int
        How many widgets were equipped by this call.
    """
    widgets = [root, *root.findChildren(QWidget)]
    count = 0
    for widget in widgets:
        if widget.property(_INSTALLED):
            continue
        if widget.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu:
            continue
        if isinstance(widget, QTableView):
            _install_table(widget)
        elif _is_plot(widget):
            _install_plot(widget)
        else:
            continue
        widget.setProperty(_INSTALLED, True)
        count += 1
    return count


# -- the report ------------------------------------------------------------------------------------


def write_report(summary: Summary, path: str | Path, panels: Sequence | None = None) -> Path:
    """Write the report of ``summary`` to ``path``: PDF or HTML by the file's suffix.

    The panels' plots are rendered offscreen
    (:func:`~explorer.ui.report_figures.render_report_images`, ``panels`` as there) and
    the document is built by :mod:`explorer.report`.

    Raises
    ------
    ValueError
        When the suffix is neither ``.pdf`` nor ``.html`` (``.htm``).
    OSError
        When the file cannot be written (checked before the plots are rendered).
    """
    from explorer.report.html import write_html
    from explorer.report.pdf import write_pdf

    from .report_figures import render_report_images

    out = Path(path)
    kind = REPORT_SUFFIXES.get(out.suffix.lower())
    if kind is None:
        raise ValueError(
            f"{out}: the report is written as .pdf or .html, not {out.suffix or 'no suffix'!r}"
        )
    if not out.parent.is_dir():
        raise FileNotFoundError(f"{out.parent}: no such folder")
    images = render_report_images(summary, panels)
    if kind == "pdf":
        write_pdf(summary, out, images)
    else:
        write_html(summary, out, images)
    return out


def export_report(window, path: str | Path) -> Path:
    """File › Export: the report of the trial open in ``window`` (a ``MainWindow``).

    The plots come from a fresh offscreen window with the same panels, so the report
    shows the trial as reported, whatever the user has changed on screen (a what-if
    design, a filter), and the window on screen is left as it is.
    """
    summary = window.summary
    if summary is None:
        raise ValueError("no trial is open")
    panels = [type(p)() for p in window.panels]
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return write_report(summary, path, panels)
    finally:
        QApplication.restoreOverrideCursor()


def export_report_interactive(window) -> Path | None:
    """Ask where to save the report, write it, and say so in the status bar.

    Returns the path written, or ``None`` when the user cancelled or it failed (a
    dialog then says why).
    """
    summary = window.summary
    name = f"{summary.evidence.trial.acronym}-report.pdf" if summary is not None else "report.pdf"
    path = _save_path(window, "Export report", name, "PDF (*.pdf);;HTML (*.html)")
    if not path:
        return None
    try:
        out = export_report(window, path)
    except (OSError, ValueError) as exc:
        _report_error(window, exc)
        return None
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(f"Report written to {out}", 5000)
    return out
