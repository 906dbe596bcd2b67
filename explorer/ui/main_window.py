"""The main window: a one-line header, panels to move between, and a details pane.

Numbers come only from :func:`explorer.analysis.summarize`. Each panel shows part of
that summary; whenever a number is selected anywhere, the details pane shows its
provenance (the source as printed, or the formula and inputs). Files open from the
menu, the recent list or by drag-and-drop; a bad file is reported in a dialog and
the trial that was open stays open.

A digitised Kaplan–Meier figure is imported through File › Import digitised
Kaplan–Meier figure (or by dropping its curve CSV on the window): the dialog builds the
figure, a :class:`~explorer.ui.workers.Worker` adds it to the evidence and summarises
again off the GUI thread (with a progress dialog that can cancel), and the Endpoints
panel then shows the reconstructed curves. Until File › Save evidence as… writes them,
imported figures are unsaved: the title shows "*", and closing, reloading or opening
another trial first asks Save / Discard / Cancel (:meth:`MainWindow._confirm_discard`).
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
    QProgressDialog,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from explorer import __version__
from explorer.analysis.figures import STATUS_MARKS, short_citation
from explorer.analysis.headline import primary_result
from explorer.evidence import Evidence, EvidenceError, KmFigure, TimeToEventEndpoint
from explorer.evidence.sources import read_any

from .panels.base import Panel
from .settings import Settings

if TYPE_CHECKING:
    from explorer.analysis import Summary
    from explorer.evidence.library import Library

    from .digitised_dialog import DigitisedImportDialog
    from .workers import Worker

#: Size of the offscreen screenshots (``explorer screenshot``).
SCREENSHOT_SIZE = QSize(1400, 900)
#: Files a drop opens: evidence files, and curve files (which open the import dialog).
DROPPABLE_SUFFIXES = (".json", ".csv")
#: Initial height of the "where this number comes from" dock, in pixels.
DETAILS_HEIGHT = 110


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
    ("compare", "Compare trials"),
    ("library", "Library"),
)


def default_panels() -> list[Panel]:
    """The panels of the main window, in navigation order."""
    from .panels.audit_panel import AuditPanel
    from .panels.compare_page import ComparePage
    from .panels.design_panel import DesignPanel
    from .panels.endpoints_panel import EndpointsPanel
    from .panels.figures_panel import FiguresPanel
    from .panels.interpretation_panel import InterpretationPanel
    from .panels.library_page import LibraryPage
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
        ComparePage(),
        LibraryPage(),
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
        library: Library | Callable[[], Library] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        #: The user's library (None: none could be opened; see :attr:`library_problem`).
        #: A callable opens it when the panels are built, after the first paint.
        self.library: Library | None = library if not callable(library) else None
        self._library_opener = library if callable(library) else None
        self.library_problem: str | None = None
        #: The library data cut on show (None when the trial came from a file).
        self.source_cut: int | None = None
        self.library_import_progress: QProgressDialog | None = None
        self._library_worker: Worker | None = None
        self.settings = settings or Settings()
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        self.summary: Summary | None = None
        self.source_path = source_path
        self.last_error: str | None = None
        #: Ids of the figures imported since the trial was opened or saved.
        self.unsaved_figures: tuple[str, ...] = ()
        self.import_dialog: DigitisedImportDialog | None = None
        self.import_progress: QProgressDialog | None = None
        self.unsaved_dialog: QMessageBox | None = None
        self._import_worker: Worker | None = None
        self._import_cancelled = False
        self._closing_confirmed = False

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
        from .notes import NotesEditor

        self.figure_notes = NotesEditor()
        self.figure_notes.setObjectName("figure_notes")
        details_split = QSplitter(Qt.Orientation.Horizontal)
        details_split.addWidget(self.details)
        details_split.addWidget(self.figure_notes)
        details_split.setStretchFactor(0, 3)
        details_split.setStretchFactor(1, 2)
        self.details_dock = QDockWidget("Where this number comes from", self)
        self.details_dock.setObjectName("details_dock")
        self.details_dock.setWidget(details_split)
        self.details_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.details_dock)
        # Compact by default (the panels need the height); the user can drag it taller.
        self.figure_notes.setMinimumHeight(0)
        self.figure_notes.editor.setMinimumHeight(36)
        self.resizeDocks([self.details_dock], [DETAILS_HEIGHT], Qt.Orientation.Vertical)

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
        self._connect_library()
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
        self.import_action = self._action(
            "&Import digitised Kaplan–Meier figure…", self._on_import_triggered, "Ctrl+I"
        )
        file_menu.addAction(self.import_action)
        self.library_import_action = self._action(
            "Import into &library (evidence or ClinicalTrials.gov record)…",
            lambda _=False: self.import_into_library(),
            "Ctrl+Shift+I",
        )
        file_menu.addAction(self.library_import_action)
        self.save_as_action = self._action(
            "&Save evidence as…", self._on_save_as_triggered, "Ctrl+Shift+S"
        )
        file_menu.addAction(self.save_as_action)
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
            # "&&" shows one "&": a path is shown as it is, never as a mnemonic.
            self.recent_menu.addAction(
                self._action(path.replace("&", "&&"), lambda _=False, p=path: self.open_file(p))
            )
        self.recent_menu.setEnabled(bool(files))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self._action("Clear list", self._on_clear_recent_triggered))

    # -- state ------------------------------------------------------------------
    @property
    def evidence(self) -> Evidence:
        """The evidence on show (with any imported, unsaved figures)."""
        return self._evidence

    def set_evidence(self, evidence: Evidence, *, summary: Summary | None = None) -> None:
        """Show ``evidence``: summarise it (unless ``summary`` is given) and refresh every panel.

        The evidence replaces what was shown, so nothing is unsaved afterwards.

        Parameters
        ----------
        evidence : Evidence
        summary : Summary, optional
            ``summarize(evidence)`` computed already (off the GUI thread, by an import).
        """
        self._show_evidence(evidence, summary, unsaved=())

    def _show_evidence(
        self, evidence: Evidence, summary: Summary | None, *, unsaved: tuple[str, ...]
    ) -> None:
        if summary is None:
            from explorer.analysis import summarize

            summary = summarize(evidence)
        self._evidence = evidence
        self.summary = summary
        self.unsaved_figures = unsaved
        self.setWindowModified(bool(unsaved))
        self._show_header(evidence)
        for panel in self.panels:
            panel.set_summary(summary)
        self.details.clear()
        self._target_figure_note(None)
        self.summary_changed.emit(summary)

    def _show_header(self, evidence: Evidence) -> None:
        """Title, primary result and citation: reported figures only, so it paints first."""
        t = evidence.trial
        # "[*]" becomes "*" while imported figures are unsaved (setWindowModified).
        # A registry record without an acronym is named by its registry id: say it once.
        named = t.acronym if t.acronym != t.registry_id else ""
        self.setWindowTitle(
            f"{named + ' (' if named else ''}{t.registry_id}{')' if named else ''}[*]"
            " — Trial Evidence Explorer"
        )
        cut = evidence.data_cut
        cut_text = cut.label + (f", {cut.date}" if cut.date else "")
        parts = [named, t.registry_id, cut_text, t.population]
        self.title_label.setText(" · ".join(p for p in parts if p))
        self.result_label.setText(primary_result(evidence))
        citation = short_citation(t.citation.text) or t.citation.text
        doi = f"  ·  DOI {t.citation.doi}" if t.citation.doi else ""
        # Where any reconstructed curves come from, on the source line (it is about sources).
        figures = "".join(f"  ·  {note}" for note in _figure_notes(evidence, self.unsaved_figures))
        marks = "   ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
        self.source_label.setText(f"{citation}{doi}{figures}  ·  {marks}")

    def open_file(self, path: str) -> bool:
        """Load ``path``; on failure say why in a dialog and keep what was open.

        The file is read first, so a file that cannot be opened is reported at once
        and nothing is asked. With unsaved imported figures it then asks Save / Discard
        / Cancel and shows the file only after Save or Discard: False then means "not
        opened now".
        """
        found = self._read_or_report(path)
        if found is None:
            return False
        return self._confirm_discard(lambda: self._show_file(path, found))

    def _open_file_now(self, path: str) -> bool:
        found = self._read_or_report(path)
        return found is not None and self._show_file(path, found)

    def _read_or_report(self, path: str) -> list[Evidence] | None:
        """What ``path`` holds, or None after a dialog naming the place and the problem."""
        try:
            return read_any(path)
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
            return None

    def _show_file(self, path: str, found: list[Evidence]) -> bool:
        evidence = found[0]
        self.source_path = str(path)
        self.source_cut = None
        self.set_evidence(evidence)
        self.settings.add_recent_file(path)
        self._refresh_recent_menu()
        more = (
            f"; it holds {len(found)} studies: File › Import into library keeps them all"
            if len(found) > 1
            else ""
        )
        self.statusBar().showMessage(f"Opened {path}{more}", 10000)
        return True

    def reload(self) -> bool:
        """Read the current file again (the bundled evidence when none was opened).

        Imported figures not saved yet are dropped, after the Save / Discard / Cancel
        question; False when the question is pending or the file cannot be read.
        """
        return self._confirm_discard(self._reload_now)

    def _reload_now(self) -> bool:
        if self.source_path:
            return self._open_file_now(self.source_path)
        if self.source_cut is not None and self.library is not None:
            return self._open_cut_now(self.source_cut)
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
        elif topic in endpoint_ids or topic == "outcome_measures":
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
            return
        self._target_figure_note(figure_id)

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

    # -- library, notes, comparison ----------------------------------------------------
    def _connect_library(self) -> None:
        """Open the library (if given as an opener) and hand it to the pages that use it."""
        if self._library_opener is not None:
            opener, self._library_opener = self._library_opener, None
            from explorer.evidence.library import LibraryError

            try:
                self.library = opener()
            except (LibraryError, OSError) as exc:  # the app stays usable without it
                self.library = None
                self.library_problem = str(exc)
        page = self._page("library")
        if page is not None:
            page.set_library(self.library, problem=self.library_problem)
            page.cut_activated.connect(self.open_cut)
            page.diff_requested.connect(self.show_cut_diff)
            page.import_requested.connect(self.import_into_library)
        compare = self._page("compare")
        if compare is not None:
            compare.set_candidates(self.compare_candidates)

    def _page(self, name: str) -> Panel | None:
        return next((p for p in self.panels if p.name == name), None)

    def current_trial_id(self) -> int | None:
        """The library's id of the trial on show (by registry id), or None."""
        if self.library is None:
            return None
        return self.library.trial_id_for(self._evidence)

    def _target_figure_note(self, figure_id: str | None) -> None:
        trial_id = self.current_trial_id()
        if figure_id is None or self.summary is None:
            self.figure_notes.set_target(
                self.library,
                None,
                None,
                "Note on a figure",
                prompt="Select a number to write a note on it; notes are kept in your library.",
            )
            return
        label = self.summary.figure(figure_id).label
        self.figure_notes.set_target(self.library, trial_id, figure_id, f"Note on {label}")

    def compare_candidates(self) -> list[tuple[str, Evidence]]:
        """Every library trial at its newest data cut (bundled ones included), newest first."""
        from explorer.evidence.library import LibraryError

        from .panels.compare_page import MAX_CANDIDATES, candidate_label

        if self.library is None:
            return []
        out = []
        for trial in self.library.trials(limit=MAX_CANDIDATES):
            cuts = self.library.cuts(trial.id)
            if not cuts:
                continue
            try:
                evidence = self.library.evidence(cuts[-1].id)
            except (EvidenceError, LibraryError, KeyError):
                continue  # a cut that no longer validates or is gone is skipped, not fatal
            out.append((candidate_label(evidence), evidence))
        return out

    def open_cut(self, cut_id: int) -> bool:
        """Show a data cut from the library (after Save / Discard / Cancel when needed)."""
        return self._confirm_discard(lambda: self._open_cut_now(cut_id))

    def _open_cut_now(self, cut_id: int) -> bool:
        if self.library is None:
            return False
        from explorer.evidence.library import LibraryError

        try:
            evidence = self.library.evidence(cut_id)
        except (EvidenceError, LibraryError, KeyError) as exc:
            self._show_error("Cannot open this data cut", str(exc))
            return False
        self.source_path = None
        self.source_cut = cut_id
        self.set_evidence(evidence)
        self.statusBar().showMessage(f"Opened {evidence.trial.acronym}: {evidence.data_cut.label}")
        return True

    def show_cut_diff(self, old_cut: int, new_cut: int):
        """Open the list of figures that changed between two data cuts of one trial."""
        from explorer.evidence.library import LibraryError

        from .diff_view import CutDiffDialog

        if self.library is None:
            return None
        try:
            old = self.library.evidence(old_cut)
            new = self.library.evidence(new_cut)
            dialog = CutDiffDialog.for_evidence(old, new, parent=self)
        except (ValueError, LibraryError, KeyError) as exc:  # EvidenceError is a ValueError
            self._show_error("Cannot compare these data cuts", str(exc))
            return None
        self.diff_dialog = dialog
        dialog.open()
        return dialog

    def import_into_library(self, paths: Sequence[str] | None = None) -> bool:
        """Add evidence files and ClinicalTrials.gov records to the library, off the GUI thread.

        Without ``paths`` a file dialog asks for them. Each file is one transaction: a bad
        file is reported by name and the others are still added. When done, the library
        page is refreshed and the first imported data cut is opened.
        """
        from .workers import Worker

        if self.library is None:
            self._show_error(
                "No library", f"The library is not available: {self.library_problem or 'none'}"
            )
            return False
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(
                self,
                "Import into the library",
                "",
                "Evidence or ClinicalTrials.gov records (*.json);;All files (*)",
            )
        paths = [str(p) for p in paths]
        if not paths:
            return False
        if self._library_worker is not None and self._library_worker.is_running():
            return False
        if self._library_worker is None:
            self._library_worker = Worker(self)
            self._library_worker.progress.connect(self._on_library_import_progress)
            self._library_worker.finished.connect(self._on_library_import_finished)
            self._library_worker.failed.connect(self._on_library_import_failed)
            self._library_worker.cancelled.connect(self._close_library_import_progress)
        progress = QProgressDialog("Importing into the library…", "Cancel", 0, len(paths), self)
        progress.setObjectName("library_import_progress")
        progress.setWindowTitle("Import")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumDuration(0)
        progress.canceled.connect(self._library_worker.cancel)
        self.library_import_progress = progress
        progress.show()
        db = self.library.path
        self._library_worker.start(lambda report: _library_import_job(db, paths, report))
        return True

    def _on_library_import_progress(self, done: int, total: int) -> None:
        if self.library_import_progress is not None:
            self.library_import_progress.setMaximum(total)
            self.library_import_progress.setValue(done)

    def _close_library_import_progress(self) -> None:
        if self.library_import_progress is not None:
            self.library_import_progress.close()
            self.library_import_progress.deleteLater()
            self.library_import_progress = None

    def _on_library_import_finished(self, outcome) -> None:
        self._close_library_import_progress()
        if outcome is None:
            return
        results, problems = outcome
        page = self._page("library")
        if page is not None:
            page.refresh()
        compare = self._page("compare")
        if compare is not None:
            compare.invalidate()
        added = [r for r in results if not r.duplicate]
        self.last_import_results = results
        message = f"{len(added)} data cut(s) added to the library"
        if len(results) > len(added):
            message += f", {len(results) - len(added)} already there"
        self.statusBar().showMessage(message, 10000)
        if problems:
            self._show_error(
                "Some files were not imported",
                "These files could not be imported; the others were.\n\n" + "\n\n".join(problems),
            )
        if results:
            self._confirm_discard(lambda: self._open_cut_now(results[0].cut_id))
            if page is not None:
                page.refresh()
                page.browser.select_cut(results[0].cut_id)

    def _on_library_import_failed(self, message: str) -> None:
        self._close_library_import_progress()
        self._show_error("Import failed", message)

    # -- digitised figures ------------------------------------------------------------
    def open_import_dialog(self, curve_path: str | None = None) -> DigitisedImportDialog:
        """Open the import dialog (non-blocking); on OK the figure is added off the GUI thread.

        Parameters
        ----------
        curve_path : str, optional
            A curve file to read at once (a dropped CSV).

        Returns
        -------
        DigitisedImportDialog
            The dialog, also kept as :attr:`import_dialog`.
        """
        from .digitised_dialog import DigitisedImportDialog

        self.finish_loading()  # the import summarises again: the panels must exist
        if self.import_dialog is not None and not self.import_dialog.isVisible():
            self.import_dialog.deleteLater()  # the previous one, done with
        dialog = DigitisedImportDialog(self._evidence, parent=self, curve_path=curve_path)
        dialog.accepted.connect(lambda: self.start_import(dialog.figure))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def start_import(self, figure: KmFigure) -> None:
        """Add ``figure`` to the evidence and summarise it again, in a worker thread.

        A progress dialog with a Cancel button shows meanwhile; cancelling leaves the
        trial exactly as it was. On success the Endpoints panel shows the reconstructed
        curves; on failure a dialog says why and the trial stays as it was.
        """
        from .workers import Worker

        if self._import_worker is not None and self._import_worker.is_running():
            return
        if self._import_worker is None:
            self._import_worker = Worker(self)
            self._import_worker.progress.connect(self._on_import_progress)
            self._import_worker.finished.connect(self._on_import_finished)
            self._import_worker.failed.connect(self._on_import_failed)
            self._import_worker.cancelled.connect(self._on_import_cancelled)
        progress = QProgressDialog(
            f"Reconstructing the patients behind {figure.label}…", "Cancel", 0, 3, self
        )
        progress.setObjectName("import_progress")
        progress.setWindowTitle("Importing the figure")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumDuration(0)
        progress.setValue(0)
        progress.canceled.connect(self._on_import_cancel_requested)
        self.import_progress = progress
        self._import_cancelled = False
        progress.show()
        evidence = self._evidence
        self._import_worker.start(lambda report: _import_job(evidence, figure, report))

    def _on_import_progress(self, done: int, total: int) -> None:
        if self.import_progress is not None:
            self.import_progress.setMaximum(total)
            self.import_progress.setValue(done)

    def _on_import_cancel_requested(self) -> None:
        self._import_cancelled = True
        if self._import_worker is not None:
            self._import_worker.cancel()

    def _close_import_progress(self) -> None:
        if self.import_progress is not None:
            self.import_progress.canceled.disconnect(self._on_import_cancel_requested)
            self.import_progress.close()
            self.import_progress.deleteLater()
            self.import_progress = None

    def _on_import_finished(self, result) -> None:
        self._close_import_progress()
        if self._import_cancelled or result is None:
            # A cancel that came after the job's last check: its result is dropped.
            self._on_import_cancelled()
            return
        evidence, summary, figure = result
        unsaved = tuple(dict.fromkeys((*self.unsaved_figures, figure.id)))
        self._show_evidence(evidence, summary, unsaved=unsaved)
        panel = self.show_panel("endpoints")
        select = getattr(panel, "select_endpoint", None)
        if callable(select):
            select(figure.endpoint)
        endpoint = evidence.endpoint(figure.endpoint)
        self.statusBar().showMessage(
            f"Imported {figure.label}: {endpoint.name} curves reconstructed from it. "
            "Not saved yet: File › Save evidence as…",
            15000,
        )

    def _on_import_failed(self, message: str) -> None:
        self._close_import_progress()
        if self._import_cancelled:
            self._on_import_cancelled()
            return
        self.last_error = message
        self._show_error(
            "Cannot import the figure",
            f"The figure could not be imported; the trial stays as it was.\n\n{message}",
        )

    def _on_import_cancelled(self) -> None:
        self._close_import_progress()
        self.statusBar().showMessage("Import cancelled; nothing was changed.", 8000)

    def save_evidence_as(self, path: str | None = None) -> bool:
        """Write the evidence with its figures to a new file, atomically; True when saved.

        Asks for the path unless given (default: the acronym, beside the open file). The
        bundled PALMIRA file is never written: the refusal is shown in a dialog. Once
        saved, the window shows that file as its source and nothing is unsaved.
        """
        if path is None:
            path = self._ask_save_path(self._default_save_path())
            if not path:
                return False
        if not Path(path).suffix:
            path += ".json"
        from explorer.evidence import save_with_km_figures

        try:
            saved = save_with_km_figures(self._evidence, path)
        except (EvidenceError, OSError) as exc:
            self.last_error = str(exc)
            self._show_error("Cannot save the evidence", f"The evidence was not saved.\n\n{exc}")
            return False
        # The content on show is what was written; only its origin changes.
        self._evidence = saved
        self.source_path = str(path)
        self.unsaved_figures = ()
        self.setWindowModified(False)
        self._show_header(saved)
        self.settings.add_recent_file(path)
        self._refresh_recent_menu()
        self.statusBar().showMessage(f"Saved {path}", 8000)
        return True

    def _default_save_path(self) -> str:
        """The acronym as a file name, beside the open file (in the home folder for PALMIRA)."""
        name = _default_save_name(self._evidence)
        if self.source_path:
            return str(Path(self.source_path).with_name(name))
        return str(Path.home() / name)

    def _ask_save_path(self, default: str) -> str:
        """Ask where to save (tests replace this)."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Save evidence as", default, "Evidence (*.json);;All files (*)"
        )
        return path

    def _confirm_discard(self, then: Callable[[], object]) -> bool:
        """Run ``then`` now when no imported figure is unsaved; else ask first.

        The question (Save / Discard / Cancel, kept as :attr:`unsaved_dialog`) is opened
        without blocking: Save runs :meth:`save_evidence_as` and then ``then`` once saved,
        Discard runs ``then``, Cancel does nothing. Returns ``then``'s result when it ran
        now (``True`` when it returns None), False while the question is pending.
        """
        if not self.unsaved_figures:
            result = then()
            return True if result is None else bool(result)
        labels = ", ".join(
            self._evidence.km_figure(i).label
            for i in self.unsaved_figures
            if any(f.id == i for f in self._evidence.km_figures)
        )
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved imported figures", "", parent=self)
        box.setObjectName("unsaved_dialog")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"The imported Kaplan–Meier figure ({labels}) is not saved in an evidence file."
        )
        box.setInformativeText(
            "Save it to a file first? Discard drops it; Cancel keeps this trial as it is."
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._on_unsaved_answer(box, then))
        self.unsaved_dialog = box
        box.open()
        return False

    def _on_unsaved_answer(self, box: QMessageBox, then: Callable[[], object]) -> None:
        clicked = box.clickedButton()
        answer = box.standardButton(clicked) if clicked is not None else None
        discard = answer == QMessageBox.StandardButton.Discard
        if discard or (answer == QMessageBox.StandardButton.Save and self.save_evidence_as()):
            then()

    def _close_confirmed(self) -> None:
        self._closing_confirmed = True
        if not self.close():
            self._closing_confirmed = False

    def _show_error(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, "", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setObjectName("error_dialog")
        box.open()
        self.error_dialog = box

    # -- persistence --------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        if self.unsaved_figures and not self._closing_confirmed:
            # Asked without blocking: the window closes again once the answer allows it.
            event.ignore()
            self._confirm_discard(self._close_confirmed)
            return
        if self._import_worker is not None:
            self._import_worker.shutdown()
        if self._library_worker is not None:
            self._library_worker.shutdown()
        self.figure_notes.flush()
        page = self._page("library")
        if page is not None:
            page.flush()
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
        if path is None:
            return
        event.acceptProposedAction()
        if path.lower().endswith(".csv"):
            # A curve file: import it as a digitised figure (nothing is replaced).
            self.open_import_dialog(curve_path=path)
        else:
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
        self._confirm_discard(self._open_bundled_now)

    def _open_bundled_now(self) -> None:
        from explorer.evidence import load_bundled

        self.source_path = None
        self.source_cut = None
        self.set_evidence(load_bundled())

    def _on_import_triggered(self) -> None:
        self.open_import_dialog()

    def _on_save_as_triggered(self) -> None:
        self.save_evidence_as()

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


def _library_import_job(db: Path, paths: Sequence[str], progress) -> tuple | None:
    """Worker job: import ``paths`` through the thread's own library connection.

    Returns ``(results, problems)``, problems being one plain message per bad file; None
    once cancelled (files already imported stay, each was its own transaction).
    """
    from explorer.evidence.library import Library, LibraryError

    results, problems = [], []
    with Library(db) as library:
        for i, path in enumerate(paths):
            if not progress(i, len(paths)):
                return None
            try:
                results.extend(library.import_file(path))
            except (EvidenceError, LibraryError) as exc:
                problems.append(str(exc))
        progress(len(paths), len(paths))
    return results, problems


def _import_job(evidence: Evidence, figure: KmFigure, progress) -> tuple | None:
    """Worker job: the evidence with ``figure`` and its summary (None once cancelled)."""
    from explorer.analysis import summarize
    from explorer.evidence import with_km_figure

    if not progress(0, 3):
        return None
    updated = with_km_figure(evidence, figure)
    if not progress(1, 3):
        return None
    summary = summarize(updated)
    if not progress(3, 3):
        return None
    return updated, summary, figure


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
    """The one local file a drag carries, if it is an evidence file or a curve CSV."""
    if not mime.hasUrls():
        return None
    urls = [u for u in mime.urls() if u.isLocalFile()]
    if len(urls) != 1:
        return None
    path = urls[0].toLocalFile()
    return path if path.lower().endswith(DROPPABLE_SUFFIXES) else None


def _endpoint_short_name(endpoint) -> str:
    """The id in capitals when it is an abbreviation ("PFS"), else the endpoint's name."""
    return endpoint.id.upper() if len(endpoint.id) <= 4 and endpoint.id.isalpha() else endpoint.name


def _figure_notes(evidence: Evidence, unsaved: Sequence[str]) -> list[str]:
    """Where the shown curves come from, per endpoint with a digitised figure (one line each).

    The Endpoints panel shows an endpoint's first figure, so that is the one named.
    """
    notes = []
    for ep in evidence.endpoints:
        if not isinstance(ep, TimeToEventEndpoint):
            continue
        figure = evidence.km_figure_for(ep.id)
        if figure is None:
            continue
        state = " (imported, unsaved)" if figure.id in unsaved else ""
        notes.append(f"◇ {_endpoint_short_name(ep)} curves from {figure.label}{state}")
    return notes


def _default_save_name(evidence: Evidence) -> str:
    """A file name from the acronym: "SIMULATED DEMO" -> "simulated-demo.json"."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in evidence.trial.acronym).split())
    return f"{slug.lower() or 'evidence'}.json"
