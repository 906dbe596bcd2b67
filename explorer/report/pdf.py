"""The report as a PDF: the HTML of :mod:`explorer.report.html` laid out by Qt.

Qt's ``QTextDocument`` reads the report's HTML (QtWebEngine is not part of the app)
and ``QPdfWriter`` writes A4 pages. ``QTextDocument`` does not know CSS paged media,
so this module paginates itself:

* the document is laid out once as one long column, 180 mm wide (A4 less 15 mm
  margins), in CSS pixels (96 per inch) so images and fonts keep the sizes the HTML
  gives them;
* it is cut into pages only between table rows and between lines of text, never
  through a row (Qt's own pagination splits a tall row across two pages); a table
  without a header row (a box, a plot with its caption) is kept whole; a heading
  stays with what follows it, and a chapter heading (``page-break-before: always``)
  starts a new page;
* a table that continues on a new page repeats its header row there;
* every page gets the running header (trial acronym, registry id, data cut) and a
  footer with the page number ("Page 3 of 12"), painted directly at print size.

Needs a ``QGuiApplication`` (for fonts); one is created when none exists.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from explorer import __version__
from explorer.analysis import Summary

from .html import ReportImage, build_html, running_header

__all__ = ["PAGE_MARGINS_MM", "PdfLayout", "html_to_pdf", "paginate", "write_pdf"]

#: Page margins (left, top, right, bottom) in millimetres; the top and bottom hold
#: the running header and the page number.
PAGE_MARGINS_MM = (15.0, 20.0, 15.0, 16.0)
#: Layout units per inch: CSS pixels.
LAYOUT_DPI = 96
#: Resolution of the PDF's coordinate system (text and vector graphics stay vector).
PDF_DPI = 1200
_A4_MM = (210.0, 297.0)
_FONT_FAMILIES = ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans"]

_app: QGuiApplication | None = None


def _mm_to_px(mm: float, dpi: float = LAYOUT_DPI) -> float:
    return mm / 25.4 * dpi


@dataclass(frozen=True)
class _Atom:
    """A vertical span of the laid-out document that is never cut."""

    top: float
    bottom: float
    table: int | None = None  # table id (its first position) when a table row
    row: int = -1
    header: bool = False  # a repeated header row of its table
    keep_with_next: bool = False
    break_before: bool = False


@dataclass(frozen=True)
class PdfLayout:
    """One page of the layout: the document span it shows, and a repeated header band.

    ``start``/``end`` are in layout pixels down the one long column; ``band`` is the
    (top, bottom) span of a table's header row drawn first, or ``None``.
    """

    start: float
    end: float
    band: tuple[float, float] | None = None


def _ensure_application() -> QGuiApplication:
    """The running ``QGuiApplication``, created offscreen-capable when there is none."""
    global _app
    app = QCoreApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication(sys.argv[:1])
        return _app
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("writing a PDF needs a QGuiApplication, not a QCoreApplication")
    return app


def _layout_device() -> QImage:
    """A paint device at exactly 96 dpi, so points and pixels convert as in a browser."""
    device = QImage(1, 1, QImage.Format.Format_RGB32)
    dots_per_metre = round(LAYOUT_DPI / 0.0254)
    device.setDotsPerMeterX(dots_per_metre)
    device.setDotsPerMeterY(dots_per_metre)
    return device


def _block_table(block: QTextBlock):
    cursor = QTextCursor(block)
    table = cursor.currentTable()
    if table is None:
        return None, -1
    return table, table.cellAt(cursor).row()


def _atoms(doc: QTextDocument) -> list[_Atom]:
    """The uncuttable spans of ``doc`` in reading order (lines and table rows)."""
    layout = doc.documentLayout()
    atoms: list[_Atom] = []
    # Table rows: content extent per (table, row), merged into one atom per row.
    rows: dict[tuple[int, int], list[float]] = {}
    row_order: list[tuple[int, int]] = []
    tables: dict[int, tuple[float, float, int]] = {}
    pending_break = False
    block = doc.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        fmt = block.blockFormat()
        breaks = bool(fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        table, row = _block_table(block)
        if table is not None:
            key = (table.firstPosition(), row)
            if key not in rows:
                rows[key] = [rect.top(), rect.bottom()]
                row_order.append(key)
                frame = layout.frameBoundingRect(table)
                tables.setdefault(
                    key[0], (frame.top(), frame.bottom(), table.format().headerRowCount())
                )
                if row == 0 and table.format().pageBreakPolicy() & (
                    QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
                ):
                    pending_break = True
                atoms.append(_Atom(rect.top(), rect.bottom(), table=key[0], row=row))
            else:
                extent = rows[key]
                extent[0] = min(extent[0], rect.top())
                extent[1] = max(extent[1], rect.bottom())
        elif block.text().strip():
            text_layout = block.layout()
            heading = fmt.headingLevel() > 0
            n = text_layout.lineCount()
            for i in range(n):
                line = text_layout.lineAt(i)
                top = rect.top() + line.y()
                atoms.append(
                    _Atom(
                        top,
                        top + line.height(),
                        keep_with_next=heading and i == n - 1,
                        break_before=(breaks or pending_break) and i == 0,
                    )
                )
            pending_break = False
        elif breaks:
            pending_break = True
        block = block.next()
    return _resolve_rows(atoms, rows, tables)


def _resolve_rows(
    atoms: list[_Atom],
    rows: dict[tuple[int, int], list[float]],
    tables: dict[int, tuple[float, float, int]],
) -> list[_Atom]:
    """Give each table row the span from the middle of the gap above to the gap below."""
    by_table: dict[int, list[int]] = {}
    for key in rows:
        by_table.setdefault(key[0], []).append(key[1])
    bounds: dict[tuple[int, int], tuple[float, float]] = {}
    for table_id, row_numbers in by_table.items():
        row_numbers.sort()
        frame_top, frame_bottom, _ = tables[table_id]
        cuts = [min(frame_top, rows[(table_id, row_numbers[0])][0])]
        for a, b in itertools.pairwise(row_numbers):
            cuts.append((rows[(table_id, a)][1] + rows[(table_id, b)][0]) / 2)
        cuts.append(max(frame_bottom, rows[(table_id, row_numbers[-1])][1]))
        for i, r in enumerate(row_numbers):
            bounds[(table_id, r)] = (cuts[i], cuts[i + 1])
    out = []
    for atom in atoms:
        if atom.table is None:
            out.append(atom)
            continue
        top, bottom = bounds[(atom.table, atom.row)]
        header_rows = tables[atom.table][2]
        # A table without a header row (a box, a plot with its caption, a list of
        # key–value pairs) is one block: its rows stay together.
        block = header_rows == 0 and atom.row < max(by_table[atom.table])
        out.append(
            _Atom(
                top,
                bottom,
                table=atom.table,
                row=atom.row,
                header=atom.row < header_rows,
                keep_with_next=atom.row < header_rows or block,
                break_before=atom.break_before,
            )
        )
    out.sort(key=lambda a: a.top)
    return out


def paginate(doc: QTextDocument, page_height: float) -> list[PdfLayout]:
    """Cut the laid-out ``doc`` into pages of ``page_height`` layout pixels.

    Cuts fall only between atoms (lines of text, whole table rows); a heading and
    the header row of a table stay with what follows; a block that asks for a page
    break before it starts a page; a table row continued on a new page is preceded
    by its table's header row. An atom taller than a page is sliced (a last resort
    that the report's content does not reach).
    """
    atoms = _atoms(doc)
    if not atoms:
        return [PdfLayout(0.0, page_height)]
    headers: dict[int, tuple[float, float]] = {}
    for atom in atoms:
        if atom.header and atom.table is not None:
            top, bottom = headers.get(atom.table, (atom.top, atom.bottom))
            headers[atom.table] = (min(top, atom.top), max(bottom, atom.bottom))
    # Groups: atoms glued by keep_with_next move between pages together.
    groups: list[list[_Atom]] = []
    for atom in atoms:
        if groups and groups[-1][-1].keep_with_next:
            groups[-1].append(atom)
        else:
            groups.append([atom])

    pages: list[PdfLayout] = []
    start = atoms[0].top
    band: tuple[float, float] | None = None

    def room() -> float:
        return page_height - (band[1] - band[0] if band else 0.0)

    def band_for(group: list[_Atom]) -> tuple[float, float] | None:
        first = group[0]
        if first.table is not None and not first.header and first.table in headers:
            return headers[first.table]
        return None

    for group in groups:
        top, bottom = group[0].top, group[-1].bottom
        forced = group[0].break_before and top > start
        if forced or bottom - start > room():
            if top > start:
                pages.append(PdfLayout(start, top, band))
                start, band = top, band_for(group)
            while bottom - start > room():  # taller than a page: slice it
                pages.append(PdfLayout(start, start + room(), band))
                start, band = start + room(), None
    pages.append(PdfLayout(start, max(start, atoms[-1].bottom), band))
    return pages


def _page_font(point_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(_FONT_FAMILIES)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def html_to_pdf(
    document: str,
    path: str | Path,
    *,
    header: str = "",
    footer: str = "",
    title: str = "",
) -> int:
    """Lay out the HTML ``document`` on A4 pages and write them to ``path`` as PDF.

    Parameters
    ----------
    document : str
        HTML as :func:`explorer.report.html.build_html` makes it (images as
        ``data:`` URIs).
    path : str or Path
        Where to write the PDF.
    header : str
        Printed at the top left of every page (the trial, registry id, data cut).
    footer : str
        Printed at the bottom left of every page; the page number is at the right.
    title : str
        The PDF's title metadata.

    Returns
    -------
    int
        The number of pages written.
    """
    _ensure_application()
    device = _layout_device()
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setUseDesignMetrics(True)
    doc.setDocumentMargin(0)
    default_font = _page_font(9.5)
    doc.setDefaultFont(default_font)
    doc.setHtml(document)
    left, top, right, bottom = PAGE_MARGINS_MM
    width = _mm_to_px(_A4_MM[0] - left - right)
    height = _mm_to_px(_A4_MM[1] - top - bottom)
    doc.setTextWidth(width)
    pages = paginate(doc, height)

    Path(path).open("wb").close()  # a clear OSError now, rather than a Qt warning later
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator(f"Trial Evidence Explorer {__version__}")
    scale = PDF_DPI / LAYOUT_DPI
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"could not write {path}")
    try:
        for number, page in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(_mm_to_px(left), _mm_to_px(top))
            if page.band is not None:
                band_top, band_bottom = page.band
                painter.save()
                painter.translate(0, -band_top)
                doc.drawContents(painter, QRectF(0, band_top, width, band_bottom - band_top))
                painter.restore()
                painter.translate(0, band_bottom - band_top)
            painter.translate(0, -page.start)
            doc.drawContents(painter, QRectF(0, page.start, width, page.end - page.start))
            painter.restore()
            _paint_margins(painter, number, len(pages), header=header, footer=footer)
    finally:
        painter.end()
    return len(pages)


def _paint_margins(painter: QPainter, number: int, total: int, *, header: str, footer: str) -> None:
    """The running header with a rule under it, and the footer with the page number."""
    left, top, right, bottom = PAGE_MARGINS_MM
    px = lambda mm: _mm_to_px(mm, PDF_DPI)  # noqa: E731 - device pixels of the PDF
    x0, x1 = px(left), px(_A4_MM[0] - right)
    painter.save()
    grey = QColor("#555555")
    painter.setPen(grey)
    font = _page_font(8)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    baseline = px(top - 7)
    brand = "Trial Evidence Explorer"
    brand_width = metrics.horizontalAdvance(brand)
    text = metrics.elidedText(header, Qt.TextElideMode.ElideRight, x1 - x0 - brand_width - px(5))
    painter.drawText(round(x0), round(baseline), text)
    painter.drawText(round(x1 - brand_width), round(baseline), brand)
    painter.setPen(QPen(QColor("#9AA8BF"), px(0.25)))
    rule = px(top - 5)
    painter.drawLine(round(x0), round(rule), round(x1), round(rule))
    painter.setPen(grey)
    foot = px(_A4_MM[1] - bottom + 8)
    page_text = f"Page {number} of {total}"
    page_width = metrics.horizontalAdvance(page_text)
    small = _page_font(7.5)
    painter.setFont(small)
    small_metrics = QFontMetricsF(small, painter.device())
    painter.drawText(
        round(x0),
        round(foot),
        small_metrics.elidedText(footer, Qt.TextElideMode.ElideRight, x1 - x0 - page_width * 2),
    )
    painter.setFont(font)
    painter.drawText(round(x1 - page_width), round(foot), page_text)
    painter.restore()


def write_pdf(
    summary: Summary,
    path: str | Path,
    images: Mapping[str, ReportImage | bytes] | None = None,
    *,
    generated: str | None = None,
) -> Path:
    """Write the report of ``summary`` (with the plots ``images``) to ``path`` as PDF.

    See :func:`explorer.report.html.build_html` for the content and
    :func:`html_to_pdf` for the layout; returns ``path``.
    """
    import datetime as _dt

    generated = generated or _dt.date.today().isoformat()
    document = build_html(summary, images, generated=generated, screen_header=False)
    t = summary.evidence.trial
    html_to_pdf(
        document,
        path,
        header=running_header(summary),
        footer=f"Trial Evidence Explorer {__version__} · generated {generated} · "
        f"{Path(summary.evidence.origin).name}",
        title=f"{t.acronym} ({t.registry_id}): trial evidence report",
    )
    return Path(path)
