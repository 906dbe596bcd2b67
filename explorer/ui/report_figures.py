"""The panels' plots as PNG images for the report, rendered offscreen at print size.

:func:`render_report_images` builds a main window on the trial without showing it on
screen (``WA_DontShowOnScreen``: laid out and painted, never mapped), visits every
panel and every tab of it, and renders each plot it finds: every pyqtgraph view
(``PlotWidget``, ``GraphicsLayoutWidget``) and every picture widget that can export
itself (an ``export_png`` method, such as the icon arrays). Each plot is rendered at
the size it has in a 1400 × 900 window (the size its labels were laid out for;
see :func:`_print_size` for the limits), at twice the screen resolution so lines
stay sharp on paper; the report fits it to the page width (180 mm). The Endpoints
panel is visited endpoint by endpoint, so every endpoint's plot is included, with
the panel's own note on how it was made as the caption.

This lives in ``explorer.ui`` because it needs the widgets; ``explorer.report`` only
receives the PNG bytes (:class:`~explorer.report.html.ReportImage`).
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QTabWidget, QWidget

from explorer.analysis import Summary
from explorer.report.html import ReportImage

from .panels.base import Panel

__all__ = ["RENDER_SCALE", "render_report_images", "render_widget_png"]

#: Image pixels per CSS pixel of the report.
RENDER_SCALE = 2.0
#: Widest a plot is rendered, in screen pixels: scaled to the page's 680, its text
#: keeps at least three quarters of its screen size.
MAX_RENDER_WIDTH = 880
#: Height limits of a rendered plot, in screen pixels.
MIN_PLOT_HEIGHT = 260
MAX_PLOT_HEIGHT = 480
#: A binary endpoint's rates plot: two or three arms need no more than this.
RATES_PLOT_HEIGHT = 330
#: The adverse-event plot: legend and axes, plus this much per adverse event shown.
SAFETY_BASE_HEIGHT = 150
SAFETY_ROW_HEIGHT = 45
#: Size of the window the panels are laid out in before their plots are rendered.
WINDOW_SIZE = QSize(1400, 900)


def _is_plot(widget: QWidget) -> bool:
    return isinstance(widget, pg.GraphicsView) or callable(getattr(widget, "export_png", None))


def _plain(text: str) -> str:
    """Rich text (pyqtgraph titles, group boxes) as plain text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text or "")).split())


def render_widget_png(
    widget: QWidget,
    size: QSize | None = None,
    scale: float = RENDER_SCALE,
    *,
    prepare: Callable[[], None] | None = None,
) -> bytes:
    """Render ``widget`` (at ``size`` screen pixels, default its own) to PNG bytes at ``scale``.

    The widget is resized for the rendering and given back its size afterwards; the
    background is white, as on paper. ``prepare`` runs after the resize, just before
    the rendering (e.g. to set a view range that the resize would reset).
    """
    old = widget.size()
    target = size or old
    if size is not None and size != old:
        widget.resize(size)
        QApplication.processEvents()
    if prepare is not None:
        prepare()
    pixmap = QPixmap(round(target.width() * scale), round(target.height() * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(QColor("#FFFFFF"))
    QWidget.render(widget, pixmap)  # QGraphicsView.render means something else
    if size is not None and size != old:
        widget.resize(old)
        QApplication.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buffer, "PNG"):
        raise OSError("could not encode a plot as PNG")
    buffer.close()
    return bytes(data.data())


def _print_size(widget: QWidget) -> QSize:
    """The size to render a plot at: as laid out on screen, within print limits.

    Plots are laid out for the 1400 × 900 window, and that is the size their labels
    were arranged for, so they are rendered at it; the report scales them to the page
    width. Wider plots are narrowed to :data:`MAX_RENDER_WIDTH` (so their text is not
    shrunk below about three quarters on paper) and heights kept between
    :data:`MIN_PLOT_HEIGHT` and :data:`MAX_PLOT_HEIGHT`. Pictures that are not
    pyqtgraph views keep their size.
    """
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    if not isinstance(widget, pg.GraphicsView):
        return QSize(w, h)
    return QSize(min(w, MAX_RENDER_WIDTH), min(max(h, MIN_PLOT_HEIGHT), MAX_PLOT_HEIGHT))


def _plot_title(widget: QWidget, panel: Panel, tab: str | None) -> str:
    """A heading for a plot: its own title, else its group box, tab or panel."""
    title = ""
    plot_item = getattr(widget, "plotItem", None)
    if plot_item is not None and plot_item.titleLabel.isVisible():
        title = _plain(plot_item.titleLabel.text)
    if not title:
        title = _plain(getattr(widget, "accessibleName", lambda: "")())
    if not title:
        parent = widget.parentWidget()
        while parent is not None and parent is not panel:
            if isinstance(parent, QGroupBox) and parent.title():
                title = parent.title()
                break
            parent = parent.parentWidget()
    context = panel.title + (f" · {tab}" if tab else "")
    return f"{context}: {title}" if title else context


def _tabs_states(panel: Panel) -> Iterator[str | None]:
    """Make each tab of the panel's tab widgets current in turn (``None``: no tabs)."""
    tab_widgets = [t for t in panel.findChildren(QTabWidget) if t.count() > 1]
    if not tab_widgets:
        yield None
        return
    for tabs in tab_widgets:
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            QApplication.processEvents()
            yield tabs.tabText(i)
        tabs.setCurrentIndex(current)
        QApplication.processEvents()


def _panel_images(panel: Panel) -> list[ReportImage]:
    """Every visible plot of a panel, tab by tab, in the order they are laid out."""
    images: list[ReportImage] = []
    seen: set[int] = set()
    for tab in _tabs_states(panel):
        plots = [w for w in panel.findChildren(QWidget) if _is_plot(w) and w.isVisible()]
        plots = [w for w in plots if not any(p is not w and p.isAncestorOf(w) for p in plots)]
        plots.sort(
            key=lambda w: (
                w.mapTo(panel, w.rect().topLeft()).y(),
                w.mapTo(panel, w.rect().topLeft()).x(),
            )
        )
        for widget in plots:
            if id(widget) in seen:
                continue
            seen.add(id(widget))
            images.append(
                ReportImage(
                    png=render_widget_png(widget, _print_size(widget)),
                    title=_plot_title(widget, panel, tab),
                    section=panel.name,
                    section_title=panel.title,
                    scale=RENDER_SCALE,
                )
            )
    return images


def _label_text(panel: Panel, name: str) -> str:
    label = getattr(panel, name, None)
    return label.text() if isinstance(label, QLabel) else ""


def _endpoint_images(panel: Panel, summary: Summary) -> list[ReportImage]:
    """Every endpoint's plot (model curves or rates) and the forest plot of all effects."""
    images: list[ReportImage] = []
    select = getattr(panel, "select_endpoint", None)
    plot_stack = getattr(panel, "plot_stack", None)
    if callable(select) and plot_stack is not None:
        current = getattr(panel, "current_endpoint", None)
        for ep in summary.evidence.endpoints:
            if not select(ep.id):
                continue
            QApplication.processEvents()
            plot = plot_stack.currentWidget()
            rates = getattr(panel, "rates_plot", None) is plot
            size = _print_size(plot)
            if rates:
                size.setHeight(min(size.height(), RATES_PLOT_HEIGHT))
            images.append(
                ReportImage(
                    png=render_widget_png(plot, size),
                    title=f"{ep.name}: "
                    + ("rates by arm" if rates else "survival curves modelled from the report"),
                    caption=_label_text(panel, "method_label"),
                    section=panel.name,
                    section_title=panel.title,
                    scale=RENDER_SCALE,
                )
            )
        if current:
            select(current)
    forest = getattr(panel, "forest_plot", None)
    if isinstance(forest, QWidget):
        images.insert(
            0,
            ReportImage(
                png=render_widget_png(forest, _print_size(forest)),
                title="Every effect, treatment vs control (95% CI)",
                caption=_label_text(panel, "forest_note"),
                section=panel.name,
                section_title=panel.title,
                scale=RENDER_SCALE,
            ),
        )
    return images


def _safety_images(panel: Panel) -> list[ReportImage]:
    """The adverse-event dot plot, as tall as its rows need (it fills the panel on screen)."""
    plot = getattr(panel, "plot", None)
    proxy = getattr(panel, "proxy", None)
    if not isinstance(plot, QWidget) or proxy is None:
        return _panel_images(panel)
    rows = proxy.rowCount()
    height = min(max(SAFETY_BASE_HEIGHT + SAFETY_ROW_HEIGHT * max(rows, 3), MIN_PLOT_HEIGHT), 900)
    size = QSize(min(plot.width(), MAX_RENDER_WIDTH), height)
    # On screen the rows scroll with the table; on paper every row is shown.
    show_rows = getattr(plot, "show_rows", None)
    visible = plot.visible_rows() if callable(getattr(plot, "visible_rows", None)) else None

    def show_every_row() -> None:
        if callable(show_rows):
            show_rows(0, max(rows, 1))

    try:
        png = render_widget_png(plot, size, prepare=show_every_row)
    finally:
        if callable(show_rows) and visible is not None and visible[1] >= visible[0]:
            show_rows(visible[0], visible[1] - visible[0] + 1)
    return [
        ReportImage(
            png=png,
            title=f"{panel.title}: rates by arm and risk difference",
            caption=_label_text(panel, "hint_label"),
            section=panel.name,
            section_title=panel.title,
            scale=RENDER_SCALE,
        )
    ]


def _images_of(panel: Panel, summary: Summary) -> list[ReportImage]:
    if panel.name == "endpoints":
        return _endpoint_images(panel, summary)
    if panel.name == "adverse_events":
        return _safety_images(panel)
    return _panel_images(panel)


def render_report_images(
    summary: Summary, panels: Sequence[Panel] | None = None
) -> dict[str, ReportImage]:
    """Render the plots of every panel for the report of ``summary``.

    Parameters
    ----------
    summary : Summary
        The trial whose plots are drawn (a window is built on its evidence).
    panels : sequence of Panel, optional
        The panels to visit (default: the main window's own). The window takes them
        over and deletes them when done.

    Returns
    -------
    dict of str to ReportImage
        ``"<panel>.<n>"`` → image, in the order panels and plots appear; each names
        its chapter (the panel's ``name``) and carries a title and, where the panel
        gives one, a caption saying how the plot was made.

    Notes
    -----
    Needs a ``QApplication``. The window uses a throwaway settings file, so the
    user's window layout and recent files are untouched.
    """
    from .main_window import MainWindow
    from .settings import Settings

    images: dict[str, ReportImage] = {}
    with tempfile.TemporaryDirectory() as scratch:
        window = MainWindow(
            summary.evidence,
            settings=Settings(Path(scratch) / "report.ini"),
            panels=panels,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.resize(WINDOW_SIZE)
        window.show()
        QApplication.processEvents()
        try:
            for i, panel in enumerate(window.panels):
                window.show_panel(i)
                QApplication.processEvents()
                for n, image in enumerate(_images_of(panel, summary), start=1):
                    images[f"{panel.name}.{n}"] = image
        finally:
            window.close()
            window.deleteLater()
            QApplication.processEvents()
    return images
