"""The main window driven through pytest-qt: panels, links, provenance, files, settings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from explorer import resources
from explorer.evidence import from_dict, load_bundled
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.overview_panel import statement_html
from explorer.ui.settings import Settings

PANEL_NAMES = [
    "overview", "endpoints", "adverse_events", "design", "interpretation", "audit", "figures",
    "compare", "library",
]  # fmt: skip


@pytest.fixture
def make_window(qtbot):
    """Factory for main windows; fails if a top-level window is left visible afterwards."""
    made = []

    def make(evidence=None, **kw):
        w = MainWindow(evidence or load_bundled(), **kw)
        qtbot.addWidget(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"visible top-level widgets left: {leaked}"


def test_header_names_trial_data_cut_population_and_primary_result(make_window):
    w = make_window()
    assert w.title_label.text() == (
        "PALMIRA · NCT03809988 · Primary PFS analysis (ASCO 2023 abstract) · "
        "HR+/HER2− advanced breast cancer"
    )
    assert w.result_label.text() == (
        "Progression-free survival: median 4.2 vs 3.6 months; HR 0.8 (95% CI 0.6–1.1), p = 0.206"
    )
    assert w.title_label.textFormat() == Qt.TextFormat.PlainText


def test_panels_and_shortcuts(make_window):
    w = make_window()
    assert [p.name for p in w.panels] == PANEL_NAMES
    assert [w.nav.item(i).text() for i in range(w.nav.count())][:6] == [
        "Overview", "Endpoints", "Adverse events", "Design", "Interpretation", "Audit",
    ]  # fmt: skip
    for i, action in enumerate(w.panel_actions):
        assert action.shortcut().toString() == f"Ctrl+{i + 1}"
        action.trigger()
        assert w.stack.currentWidget() is w.panels[i]


def test_overview_numbers_link_to_their_panels(make_window):
    w = make_window()
    overview = w.panels[0]
    texts = [st.text for st in overview.statements]
    assert any("hazard ratio 0.8 (95% CI 0.6–1.1), p = 0.206" in t for t in texts)
    assert any("12.3 percentage points more with P+ET" in t for t in texts)
    assert any("36.9 percentage points more" in t for t in texts)
    assert any("enough to detect a hazard ratio of 0.62 or lower" in t for t in texts)
    overview._on_link_activated("figure:pfs.hr")
    assert w.current_panel().name == "endpoints"
    assert "“hazard ratio 0.8, 95% CI 0.6–1.1”" in w.details.toPlainText()
    overview._on_link_activated("figure:design.detectable_hr")
    assert w.current_panel().name == "design"
    overview._on_link_activated("figure:ae.ae_grade_3_4.rd")
    assert w.current_panel().name == "adverse_events"
    assert "Newcombe" in w.details.toPlainText()


def test_overview_escapes_text_from_the_file(make_window):
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["arms"][0]["label"] = "<b>P+ET</b>"
    w = make_window(from_dict(data, origin="edited"))
    html = "".join(card[1].text() for card in w.panels[0].cards)
    assert "&lt;b&gt;P+ET&lt;/b&gt;" in html and "<b>P+ET</b>" not in html
    assert all(card[0].textFormat() == Qt.TextFormat.PlainText for card in w.panels[0].cards)
    st = w.panels[0].statements[0]
    assert statement_html(st, {}).count('href="figure:') == len(st.figure_ids)


def test_audit_selection_shows_the_figures_involved(make_window):
    w = make_window()
    audit = w.show_panel("audit")
    check = next(c for c in w.summary.checks if c.id == "pfs_p_vs_ci")
    assert audit.select_check("pfs_p_vs_ci")
    assert audit.involved_ids == list(check.figures)
    audit.involved_table.selectRow(1)
    assert w.details.toPlainText().startswith("◆ Progression-free survival: Wald p implied")


def test_figures_panel_filter_and_selection(make_window, qtbot):
    w = make_window()
    panel = w.show_panel("figures")
    qtbot.keyClicks(panel.filter_edit, "wald p")
    labels = {panel.proxy.index(r, 2).data() for r in range(panel.proxy.rowCount())}
    assert labels and all("Wald p" in label for label in labels)
    assert panel.select_figure("orr.count.et")  # hidden by the filter: cleared, then selected
    assert "Reconstruction" in w.details.toPlainText() or "Reconstructed" in w.details.toPlainText()


def test_bad_file_shows_dialog_and_keeps_the_trial(make_window, tmp_path):
    w = make_window()
    before = w.summary
    bad = tmp_path / "bad.json"
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["endpoints"][0]["medians"]["et"]["lower"] = 9.0  # above the median
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert w.open_file(str(bad)) is False
    assert w.summary is before
    assert w.error_dialog.isVisible()
    assert "endpoints[0].medians.et" in w.error_dialog.text()
    assert w.error_dialog.textFormat() == Qt.TextFormat.PlainText
    assert w.title_label.text().startswith("PALMIRA")
    w.error_dialog.close()


def test_drop_opens_an_evidence_file_and_remembers_it(make_window, tmp_path):
    copy = tmp_path / "palmira-copy.json"
    shutil.copy(resources.path(resources.PALMIRA), copy)
    w = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(copy))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    assert w.source_path == str(copy)
    assert Settings().recent_files()[0] == str(copy.resolve())
    assert any(a.text() == str(copy.resolve()) for a in w.recent_menu.actions())


def test_window_state_and_last_panel_are_restored(make_window):
    w = make_window()
    w.show_panel("design")
    w.close()
    w2 = make_window()
    assert w2.current_panel().name == "design"


def test_settings_are_isolated_in_tests(isolated_config):
    assert str(Settings().path).startswith(str(isolated_config))


def test_screenshot_command_renders_every_panel(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "explorer", "screenshot", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    for name in PANEL_NAMES:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert (image.width(), image.height()) == (1400, 900)


def test_window_models_pass_qt_model_tester(make_window, qtmodeltester):
    w = make_window()
    audit = w.panels[w.panel_index("audit")]
    figures = w.panels[w.panel_index("figures")]
    qtmodeltester.check(audit.check_model)
    qtmodeltester.check(audit.check_proxy)
    qtmodeltester.check(audit.involved_model)
    qtmodeltester.check(figures.model)
    qtmodeltester.check(figures.proxy)


def test_audit_levels_sort_warn_first_and_are_coloured(make_window):
    from PySide6.QtGui import QColor

    from explorer.ui.style import LEVEL_COLOURS

    w = make_window()
    audit = w.panels[w.panel_index("audit")]
    proxy = audit.check_proxy
    levels = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    order = {"WARN": 0, "NOTE": 1, "PASS": 2}
    assert levels == sorted(levels, key=order.get)
    first = proxy.index(0, 0)
    assert first.data(Qt.ItemDataRole.ForegroundRole) == QColor(LEVEL_COLOURS[levels[0].lower()])


def test_export_menu_and_table_exports_are_installed(make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QTableView

    from explorer.ui import exports

    w = make_window()
    assert w.export_action.shortcut().toString() == "Ctrl+E"
    tables = w.findChildren(QTableView)
    equipped = [t for t in tables if t.property(exports._INSTALLED)]
    custom = Qt.ContextMenuPolicy.CustomContextMenu
    # Every table has the exports, except those with a panel's own custom menu.
    assert equipped and all(t in equipped or t.contextMenuPolicy() == custom for t in tables)
    out = tmp_path / "r.html"
    monkeypatch.setattr(exports, "_save_path", lambda *a, **k: str(out))
    w.export_action.trigger()
    assert out.exists() and "PALMIRA" in out.read_text(encoding="utf-8")


def test_deferred_window_paints_the_shell_then_loads(qtbot):
    """The app's start-up path: header and navigation first, panels after the first paint."""
    from explorer.ui.main_window import PANEL_TITLES, default_panels

    w = MainWindow(load_bundled(), deferred=True)
    qtbot.addWidget(w)
    assert w.panels == [] and w.summary is None
    assert w.result_label.text().startswith("Progression-free survival: median 4.2 vs 3.6")
    assert [w.nav.item(i).text() for i in range(w.nav.count())] == [t for _, t in PANEL_TITLES]
    assert w.stack.currentWidget() is w.loading_label
    w.show()
    w.finish_loading_later()
    qtbot.waitUntil(lambda: w.summary is not None, timeout=10000)
    assert [p.name for p in w.panels] == [n for n, _ in PANEL_TITLES]
    assert [p.name for p in default_panels()] == [n for n, _ in PANEL_TITLES]
    assert w.current_panel() is w.panels[0]
    w.close()


def test_headless_window_shell_does_not_import_statistics():
    code = (
        "import sys; from explorer.ui import main_window; "
        "heavy = [m for m in ('scipy', 'statsmodels', 'pandas') if m in sys.modules]; "
        "print(','.join(heavy) or 'clean')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"
