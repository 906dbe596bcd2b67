"""The main window: a one-line header, panels to move between, and a details pane.

Numbers come only from :func:`explorer.analysis.summarize`. Each panel shows part of
that summary; whenever a number is selected anywhere, the details pane shows its
provenance (the source as printed, or the formula and inputs). Files open from the
menu, the recent list or by drag-and-drop; a bad file is reported in a dialog and
the trial that was open stays open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from explorer import __version__
from explorer.analysis.figures import STATUS_MARKS, short_citation
from explorer.analysis.headline import primary_result
from explorer.evidence import Evidence, EvidenceError, load

from .panels.base import Panel
from .settings import Settings

if TYPE_CHECKING:
    from explorer.analysis import Summary

#: Size of the offscreen screenshots (``explorer screenshot``).
SCREENSHOT_SIZE = QSize(1400, 900)


#: (name, title) of the default panels, in navigation order: what the window shows before
#: the panels themselves (and the statistics they need) are loaded.
PANEL_TITLES = (
    ("overview", "Overview"),
    ("endpoints", "Endpoints"),
    ("adverse_events", "Adverse events"),
    ("design", "Design"),
    ("interpretation", "Interpretation"),
    ("audit", "Audit"),
    ("figures", "All figures"),
)


def default_panels() -> list[Panel]:
    """The panels of the main window, in navigation order."""
    from .panels.audit_panel import AuditPanel
    from .panels.design_panel import DesignPanel
    from .panels.endpoints_panel import EndpointsPanel
    from .panels.figures_panel import FiguresPanel
    from .panels.interpretation_panel import InterpretationPanel
    from .panels.overview_panel import OverviewPanel
    from .panels.safety_panel import SafetyPanel

    return [
        OverviewPanel(),
        EndpointsPanel(),
        SafetyPanel(),
        DesignPanel(),
        InterpretationPanel(),
        AuditPanel(),
        FiguresPanel(),
    ]


def _plain_label(text: str = "") -> QLabel:
    """A label that never interprets file text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(True)
    return label


class MainWindow(QMainWindow):
    """One trial's summary across Overview, Endpoints, Adverse events, Design, Audit panels."""

    #: A new trial is shown (after open, reload or drop).
    summary_changed = Signal(object)

    def __init__(
        self,
        evidence: Evidence,
        *,
        settings: Settings | None = None,
        panels: Sequence[Panel] | None = None,
        source_path: str | None = None,
        deferred: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        self.summary: Summary | None = None
        self.source_path = source_path
        self.last_error: str | None = None

        self.title_label = _plain_label()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.result_label = _plain_label()
        font = self.result_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.result_label.setFont(font)
        self.source_label = _plain_label()
        self.source_label.setStyleSheet("color: #555;")

        self.panels: list[Panel] = []
        self.nav = QListWidget()
        self.nav.setObjectName("panel_nav")
        self.nav.setFixedWidth(180)
        self.nav.setStyleSheet("QListWidget#panel_nav::item { padding: 7px 6px; }")
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.1)
        self.nav.setFont(nav_font)
        self.stack = QStackedWidget()
        titles = [p.title for p in panels] if panels is not None else [t for _, t in PANEL_TITLES]
        for title in titles:
            self.nav.addItem(QListWidgetItem(title))
        self.loading_label = _plain_label("Working out the derived figures…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading_label)
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)

        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.nav)
        body_layout.addWidget(self.stack, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.title_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.source_label)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self.details = _DetailsView()
        self.details.setPlaceholderText("Select a number to see where it came from.")
        self.details_dock = QDockWidget("Where this number comes from", self)
        self.details_dock.setObjectName("details_dock")
        self.details_dock.setWidget(self.details)
        self.details_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.details_dock)

        self._build_menus(titles)
        self.statusBar()
        self._evidence = evidence
        self._show_header(evidence)
        self._restore_geometry()
        self._given_panels = panels
        if not deferred:
            self.finish_loading()

    def finish_loading_later(self) -> None:
        """Build the panels and compute the figures right after the shell's first paint.

        A paint of any widget of this window triggers it; a 1-second fallback covers a
        platform that never exposes the window.
        """
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        self._paint_watch = _FirstPaint(self, lambda: QTimer.singleShot(0, self.finish_loading))
        app.installEventFilter(self._paint_watch)
        QTimer.singleShot(1000, self.finish_loading)

    def finish_loading(self) -> None:
        """Build the panels, summarise the evidence and show it (once)."""
        if self.panels:
            return
        panels = self._given_panels if self._given_panels is not None else default_panels()
        self.panels = list(panels)
        for panel in self.panels:
            self.stack.addWidget(panel)
            panel.figure_selected.connect(self.show_figure_details)
            if hasattr(panel, "figure_activated"):
                panel.figure_activated.connect(self.go_to_figure)
        self.stack.removeWidget(self.loading_label)
        self.loading_label.hide()
        self.set_evidence(self._evidence)
        try:
            self.show_panel(self.settings.last_panel())
        except KeyError:
            self.show_panel(0)
        from .exports import install_exports

        # Every table: Copy as TSV (Ctrl+C) and Export CSV…; every plot: Export PNG/SVG…
        install_exports(self)

    # -- building ---------------------------------------------------------------
    def _action(self, text: str, slot: Callable, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self, titles: Sequence[str]) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = self._action(
            "&Open evidence…", self._on_open_triggered, QKeySequence.StandardKey.Open
        )
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.reload_action = self._action("&Reload", self.reload, QKeySequence.StandardKey.Refresh)
        file_menu.addAction(self.reload_action)
        file_menu.addAction(self._action("Open bundled &PALMIRA", self._on_open_bundled_triggered))
        file_menu.addSeparator()
        self.export_action = self._action(
            "&Export report (PDF or HTML)…", self._on_export_triggered, "Ctrl+E"
        )
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        view_menu = self.menuBar().addMenu("&View")
        self.panel_actions: list[QAction] = []
        for i, panel in enumerate(self.panels):
            action = self._action(
                panel.title, lambda _=False, i=i: self.show_panel(i), f"Ctrl+{i + 1}"
            )
            view_menu.addAction(action)
            self.panel_actions.append(action)
        view_menu.addSeparator()
        view_menu.addAction(self.details_dock.toggleViewAction())

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About", self._on_about_triggered))
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            self.recent_menu.addAction(
                self._action(path, lambda _=False, p=path: self.open_file(p))
            )
        self.recent_menu.setEnabled(bool(files))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self._action("Clear list", self._on_clear_recent_triggered))

    # -- state ------------------------------------------------------------------
    def set_evidence(self, evidence: Evidence) -> None:
        """Show ``evidence``: summarise it and refresh every panel."""
        from explorer.analysis import summarize

        summary = summarize(evidence)
        self._evidence = evidence
        self.summary = summary
        self._show_header(evidence)
        for panel in self.panels:
            panel.set_summary(summary)
        self.details.clear()
        self.summary_changed.emit(summary)

    def _show_header(self, evidence: Evidence) -> None:
        """Title, primary result and citation: reported figures only, so it paints first."""
        t = evidence.trial
        self.setWindowTitle(f"{t.acronym} ({t.registry_id}) — Trial Evidence Explorer")
        cut = evidence.data_cut
        cut_text = cut.label + (f", {cut.date}" if cut.date else "")
        self.title_label.setText(f"{t.acronym} · {t.registry_id} · {cut_text} · {t.population}")
        self.result_label.setText(primary_result(evidence))
        citation = short_citation(t.citation.text) or t.citation.text
        doi = f"  ·  DOI {t.citation.doi}" if t.citation.doi else ""
        marks = "   ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
        self.source_label.setText(f"{citation}{doi}  ·  {marks}")

    def open_file(self, path: str) -> bool:
        """Load ``path``; on failure say why in a dialog and keep what was open."""
        try:
            evidence = load(path)
        except EvidenceError as exc:
            self.last_error = str(exc)
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open evidence", "", parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(
                f"This file could not be opened; the trial that was open stays open.\n\n{exc}"
            )
            box.setObjectName("bad_file_dialog")
            box.open()
            self.error_dialog = box
            return False
        self.source_path = str(path)
        self.set_evidence(evidence)
        self.settings.add_recent_file(path)
        self._refresh_recent_menu()
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def reload(self) -> bool:
        """Read the current file again (the bundled evidence when none was opened)."""
        if self.source_path:
            return self.open_file(self.source_path)
        from explorer.evidence import load_bundled

        self.set_evidence(load_bundled())
        return True

    def show_panel(self, index_or_name: int | str) -> Panel:
        """Bring a panel to the front by position or ``name``."""
        index = index_or_name if isinstance(index_or_name, int) else self.panel_index(index_or_name)
        self.nav.setCurrentRow(index)
        return self.panels[index] if index < len(self.panels) else None

    def panel_index(self, name: str) -> int:
        names = [p.name for p in self.panels] if self.panels else [n for n, _ in PANEL_TITLES]
        if name in names:
            return names.index(name)
        raise KeyError(f"no panel named {name!r}")

    def current_panel(self) -> Panel | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Panel) else None

    def _on_nav_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.panels):
            self.stack.setCurrentWidget(self.panels[row])

    def panel_for_figure(self, figure_id: str) -> str:
        """The name of the panel that shows ``figure_id`` best."""
        if self.summary is None:
            return "figures"
        topic = self.summary.figure(figure_id).topic
        endpoint_ids = {ep.id for ep in self.summary.evidence.endpoints}
        if topic == "design":
            name = "design"
        elif topic == "interpretation":
            name = "interpretation"
        elif topic == "safety":
            name = "adverse_events"
        elif topic in endpoint_ids:
            name = "endpoints"
        else:
            name = "figures"
        names = {p.name for p in self.panels}
        return name if name in names else "figures"

    def go_to_figure(self, figure_id: str) -> None:
        """Open the panel that shows ``figure_id``, select it there, show its provenance."""
        try:
            name = self.panel_for_figure(figure_id)
            panel = self.show_panel(name)
        except KeyError:
            return
        if panel is None:
            return
        select = getattr(panel, "select_figure", None)
        if callable(select):
            select(figure_id)
        self.show_figure_details(figure_id)

    def show_figure_details(self, figure_id: str) -> None:
        """Show the provenance of ``figure_id`` in the details pane."""
        if self.summary is None:
            return
        try:
            self.details.setPlainText(self.summary.explain(figure_id))
        except KeyError:
            self.details.setPlainText(f"No figure {figure_id!r} in this trial.")

    def render_panels(self, outdir: str | Path, size: QSize = SCREENSHOT_SIZE) -> list[Path]:
        """Render every panel (with header and navigation) to ``outdir/<panel>.png``."""
        from PySide6.QtWidgets import QApplication

        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        self.resize(size)
        paths = []
        self.finish_loading()
        current = self.nav.currentRow()
        for i, panel in enumerate(self.panels):
            self.show_panel(i)
            QApplication.processEvents()
            path = out / f"{panel.name}.png"
            if not self.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            paths.append(path)
        self.show_panel(max(current, 0))
        return paths

    # -- persistence --------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        current = self.current_panel()
        name = current.name if current is not None else self.settings.last_panel()
        self.settings.save_window(self.saveGeometry(), self.saveState(), name)
        self.settings.sync()
        super().closeEvent(event)

    # -- drag and drop ----------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if _dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        path = _dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)

    # -- slots ----------------------------------------------------------------------
    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open evidence", "", "Evidence (*.json);;All files (*)"
        )
        if path:
            self.open_file(path)

    def _on_export_triggered(self) -> None:
        from .exports import export_report_interactive

        export_report_interactive(self)

    def _on_open_bundled_triggered(self) -> None:
        from explorer.evidence import load_bundled

        self.source_path = None
        self.set_evidence(load_bundled())

    def _on_clear_recent_triggered(self) -> None:
        self.settings.clear_recent_files()
        self._refresh_recent_menu()

    def _on_about_triggered(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information, "About Trial Evidence Explorer", "", parent=self
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Trial Evidence Explorer {__version__}\n\n"
            "Every number is marked: ● reported (with its source as printed), ◆ derived (with "
            "its formula and inputs) or ◇ reconstructed (with its assumption).\n"
            "Works offline; it never opens a network connection."
        )
        box.open()


class _FirstPaint(QObject):
    """Calls ``then`` once, at the first paint of any widget of ``window``."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._then = then

    def eventFilter(self, watched, event) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            from PySide6.QtWidgets import QApplication

            QApplication.instance().removeEventFilter(self)
            self._then()
        return False


class _DetailsView(QPlainTextEdit):
    """Read-only provenance text; asks for a few lines so the panels keep the room."""

    def __init__(self) -> None:
        super().__init__()
        self.setReadOnly(True)

    def sizeHint(self) -> QSize:
        return QSize(600, 7 * self.fontMetrics().lineSpacing())


def _dropped_file(mime) -> str | None:
    """The one local file a drag carries, if it is an evidence file (``.json``)."""
    if not mime.hasUrls():
        return None
    urls = [u for u in mime.urls() if u.isLocalFile()]
    if len(urls) != 1:
        return None
    path = urls[0].toLocalFile()
    return path if path.lower().endswith(".json") else None
