"""Exports from the window: TSV to the clipboard, CSV files, PNG and SVG plots, the report.

Reference values are PALMIRA's as the analysis layer gives them (ASCO 2023 abstract
1001: PFS median 4.2 vs 3.6 months, HR 0.8 (0.6–1.1), p = 0.206; the 6-month rates
40.9% and 28.6%); the CSV is read back with pandas and compared exactly (the raw
values are the floats the tables hold, so no tolerance is needed).
"""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QTableView

from explorer.ui.exports import (
    PNG_SCALE,
    export_report,
    install_exports,
    plot_to_png,
    plot_to_svg,
    table_to_csv,
    table_to_tsv,
    write_report,
)
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.endpoints_panel import EndpointsPanel
from explorer.ui.panels.figures_panel import FiguresPanel
from explorer.ui.panels.safety_panel import SafetyPanel
from explorer.ui.settings import Settings


@pytest.fixture
def figures_panel(qtbot, palmira_summary):
    panel = FiguresPanel()
    qtbot.addWidget(panel)
    panel.set_summary(palmira_summary)
    return panel


@pytest.fixture
def window(qtbot, palmira_summary, tmp_path):
    w = MainWindow(palmira_summary.evidence, settings=Settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    yield w
    w.close()


def _lines(tsv: str) -> list[list[str]]:
    assert tsv.endswith("\n")
    return [line.split("\t") for line in tsv[:-1].split("\n")]


def test_tsv_of_the_figures_table_has_a_header_and_palmira_values(figures_panel):
    lines = _lines(table_to_tsv(figures_panel.table))
    assert lines[0] == ["column 1", "Section", "Figure", "Value", "Status", "Source or derivation"]
    rows = {row[2]: row for row in lines[1:]}
    assert len(rows) == len(lines) - 1 == figures_panel.model.rowCount()
    assert rows["Progression-free survival: hazard ratio"][3:5] == [
        "0.8 (95% CI 0.6–1.1)",
        "reported",
    ]
    assert rows["Progression-free survival: median, P+ET"][3] == "4.2 months (95% CI 3.5–5.8)"
    assert rows["Progression-free survival: median, ET"][3] == "3.6 months (95% CI 2.7–4.2)"
    assert rows["Progression-free survival: p value"][3] == "0.206"
    assert rows["Progression-free survival: 6-month rate, P+ET"][3] == "40.9%"
    assert rows["Progression-free survival: 6-month rate, ET"][3] == "28.6%"
    assert rows["Progression-free survival: hazard ratio"][0] == "●"
    # One line per row, whatever the cell holds.
    assert all(len(row) == 6 for row in lines)


def test_tsv_follows_the_filter_and_the_selection(figures_panel):
    figures_panel.filter_edit.setText("hazard ratio implied by the medians")
    lines = _lines(table_to_tsv(figures_panel.table))
    assert [row[2] for row in lines[1:]] == [
        "Progression-free survival: hazard ratio implied by the medians"
    ]
    assert lines[1][3] == "0.857"
    figures_panel.filter_edit.clear()
    assert figures_panel.select_figure("pfs.p")
    selected = _lines(table_to_tsv(figures_panel.table, selected_only=True))
    assert [row[2] for row in selected[1:]] == ["Progression-free survival: p value"]


def test_ctrl_c_copies_the_selected_rows(qtbot, figures_panel):
    install_exports(figures_panel)
    table = figures_panel.table
    texts = [a.text() for a in table.actions()]
    assert texts == ["Copy rows as TSV", "Copy table as TSV", "Export CSV…"]
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    figures_panel.show()
    qtbot.waitExposed(figures_panel)
    figures_panel.activateWindow()
    table.setFocus()
    assert figures_panel.select_figure("pfs.hr")
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied == table_to_tsv(table, selected_only=True)
    assert _lines(copied)[1][3] == "0.8 (95% CI 0.6–1.1)"
    table.actions()[1].trigger()
    assert QGuiApplication.clipboard().text() == table_to_tsv(table)


def test_csv_round_trips_through_pandas_with_raw_numbers(figures_panel, tmp_path):
    path = table_to_csv(figures_panel.table, tmp_path / "figures.csv")
    df = pd.read_csv(path)
    assert list(df.columns[:5]) == [
        "column 1",
        "column 1 (shown)",
        "column 1 (source or derivation)",
        "Section",
        "Figure",
    ]
    assert df.columns[-1] == "status"
    assert len(df) == figures_panel.model.rowCount()
    assert pd.api.types.is_float_dtype(df["Value"])
    row = df.set_index("Figure").loc["Progression-free survival: hazard ratio"]
    assert row["Value"] == 0.8
    assert row["Value (shown)"] == "0.8 (95% CI 0.6–1.1)"
    assert row["status"] == "reported" and row["column 1"] == "reported"
    assert row["column 1 (shown)"] == "●"
    assert row["Value (source or derivation)"].endswith("“hazard ratio 0.8, 95% CI 0.6–1.1”")
    medians = df.set_index("Figure")["Value"]
    assert medians["Progression-free survival: median, P+ET"] == 4.2
    assert medians["Progression-free survival: 6-month rate, ET"] == 28.6


def test_csv_of_the_endpoints_table_keeps_per_arm_numbers(qtbot, palmira_summary, tmp_path):
    panel = EndpointsPanel()
    qtbot.addWidget(panel)
    panel.set_summary(palmira_summary)
    df = pd.read_csv(table_to_csv(panel.table, tmp_path / "endpoints.csv"))
    df = df.set_index("Endpoint")
    assert df.loc["Progression-free survival", "P+ET"] == 4.2
    assert df.loc["Progression-free survival", "ET"] == 3.6
    assert df.loc["Progression-free survival", "P+ET (shown)"] == "4.2 months (95% CI 3.5–5.8)"
    assert df.loc["Overall response rate", "P+ET"] == 6.4
    assert df.loc["Progression-free survival", "p"] == 0.206
    assert df.loc["Overall response rate", "status"] == "reconstructed"


def test_plot_exports_write_png_and_svg(qtbot, palmira_summary, tmp_path):
    endpoints = EndpointsPanel()
    safety = SafetyPanel()
    for panel in (endpoints, safety):
        qtbot.addWidget(panel)
        panel.resize(1200, 700)
        panel.show()
        panel.set_summary(palmira_summary)
        qtbot.waitExposed(panel)
    QApplication.processEvents()
    for plot in (endpoints.forest_plot, endpoints.survival_plot, safety.plot):
        assert isinstance(plot, pg.GraphicsView)
        png = plot_to_png(plot, tmp_path / "p.png")
        image = QImage(str(png))
        assert image.width() == PNG_SCALE * plot.viewport().width()
        svg = plot_to_svg(plot, tmp_path / "p.svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "</svg>" in svg
    # The forest plot's SVG carries its numbers as text (vector, not a bitmap).
    svg = plot_to_svg(endpoints.forest_plot, tmp_path / "forest.svg").read_text(encoding="utf-8")
    assert "0.8 (0.6–1.1)" in svg
    # Any other widget is rendered.
    label = QLabel("plain widget")
    qtbot.addWidget(label)
    label.resize(120, 30)
    assert QImage(str(plot_to_png(label, tmp_path / "l.png"))).width() == 240
    assert "<svg" in plot_to_svg(label, tmp_path / "l.svg").read_text(encoding="utf-8")


def test_install_exports_equips_every_table_and_plot_once(window):
    # The main window equips itself when it is built; a second call adds nothing.
    tables = window.findChildren(QTableView)
    plots = window.findChildren(pg.GraphicsView)
    assert tables and plots
    for table in tables:
        assert "Export CSV…" in [a.text() for a in table.actions()]
    for plot in plots:
        assert [a.text() for a in plot.actions()] == ["Export PNG…", "Export SVG…"]
    assert install_exports(window) == 0


def test_export_report_writes_html_with_every_panel_plot(window, tmp_path):
    out = export_report(window, tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') >= 5
    for chapter in ('id="endpoints"', 'id="adverse_events"', 'id="design"', 'id="audit"'):
        assert chapter in text
    assert "Progression-free survival: survival curves modelled from the report" in text
    assert window.current_panel() is window.panels[0]  # the window on screen is untouched
    with pytest.raises(ValueError, match=r"\.pdf or \.html"):
        write_report(window.summary, tmp_path / "report.docx")
