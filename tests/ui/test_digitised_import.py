"""Importing a digitised Kaplan–Meier figure through the dialog and the main window.

Real widgets, driven through pytest-qt: the dialog reads the fixture CSVs of the SIMULATED
demo trial (``tests/fixtures/digitised``), the main window adds the figure off the GUI
thread, the Endpoints panel shows the reconstruction, and Save evidence as… writes it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from explorer import resources
from explorer.analysis import summarize
from explorer.evidence import (
    Digitisation,
    KmCurve,
    KmFigure,
    RiskTable,
    Source,
    load,
    load_bundled,
    with_km_figure,
)
from explorer.ui.digitised_dialog import NOT_MAPPED, DigitisedImportDialog, figure_id_for
from explorer.ui.main_window import MainWindow
from explorer.ui.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "digitised"
CURVES = FIXTURES / "simulated-curves.csv"
RISK = FIXTURES / "simulated-risk-table.csv"
# Total events per arm of the simulated trial (make_simulated.py, stored in its figure).
EVENTS = {"drug": 107, "placebo": 131}


@pytest.fixture
def trial_file(tmp_path):
    """The SIMULATED demo trial without its figure, as a file of its own (so it can be saved)."""
    data = json.loads((FIXTURES / "simulated-trial.json").read_text(encoding="utf-8"))
    data.pop("km_figures")
    path = tmp_path / "trial" / "demo.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def _discard(w: MainWindow) -> None:
    """End a test's window without the unsaved-figures question: stop the job, forget."""
    if w._import_worker is not None:
        w._import_worker.shutdown()
    w.unsaved_figures = ()


@pytest.fixture
def make_window(qtbot):
    """Main windows closed at teardown without asking; fails if a window is left visible."""

    def make(evidence, **kw):
        w = MainWindow(evidence, **kw)
        qtbot.addWidget(w, before_close_func=_discard)
        return w

    yield make
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"visible top-level widgets left: {leaked}"


def fill(dialog: DigitisedImportDialog, arms: dict[str, str] | None = None) -> None:
    """The fixture files, arms mapped (by name unless ``arms`` says), events as reported."""
    dialog.set_curve_path(str(CURVES))
    dialog.set_risk_path(str(RISK))
    for name, arm in (arms or {}).items():
        combo = dialog.arm_combos[name]
        combo.setCurrentIndex(combo.findData(arm))
    for name, arm in dialog.arm_map().items():
        dialog.events_spins[arm].setValue(EVENTS[name.lower()])


def import_figure(qtbot, w: MainWindow, arms: dict[str, str] | None = None) -> KmFigure:
    """Fill the dialog, press Import and wait for the worker to finish."""
    dialog = w.open_import_dialog()
    fill(dialog, arms)
    assert dialog.ok_button.isEnabled(), dialog.blockers()
    with qtbot.waitSignal(w.summary_changed, timeout=30000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    return dialog.figure


def test_import_shows_the_reconstruction_in_the_endpoints_panel(qtbot, make_window, trial_file):
    w = make_window(load(trial_file), source_path=str(trial_file))
    assert w.summary.reconstructions == {}
    assert w.import_action.shortcut().toString() == "Ctrl+I"
    dialog = w.open_import_dialog()
    fill(dialog)
    # The layout, scale and arms found in the files; arms matched to the trial by label.
    assert dialog.curves.format == "wpd-all" and dialog.curves.scale == "proportion"
    assert dialog.curve_info_label.text().endswith("arms: Drug, Placebo")
    assert dialog.arm_map() == {"Drug": "drug", "Placebo": "placebo"}
    assert dialog.tool_edit.text() == "WebPlotDigitizer"
    assert dialog.figure_id() == "pfs_figure_1"
    # WebPlotDigitizer files carry no unit: the endpoint's unit is the default.
    assert dialog.time_unit() == "months" and dialog.unit_combo.isEnabled()
    assert dialog.preview.getPlotItem().getAxis("bottom").labelText == "Time (months)"
    with qtbot.waitSignal(w.summary_changed, timeout=30000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    figure = w.evidence.km_figure("pfs_figure_1")
    assert figure.digitisation.tool == "WebPlotDigitizer"
    assert figure.digitisation.files == ("simulated-curves.csv", "simulated-risk-table.csv")
    assert figure.source == Source("simreport", "Figure 1", "Figure 1")
    assert [(c.arm, c.total_events) for c in figure.curves] == [("drug", 107), ("placebo", 131)]
    panel = w.current_panel()
    assert panel.name == "endpoints" and panel.current_endpoint == "pfs"
    assert panel.plot_stack.currentWidget() is panel.km_page
    # The statement is the analysis layer's own, for the same figure (same numbers).
    expected = summarize(with_km_figure(load(trial_file), figure)).reconstructions["pfs"]
    statement = next(c.agreement.statement for c in expected.comparisons if c.agreement)
    assert panel.agreement_label.text() == statement
    # Guyot reconstruction + Cox (Efron, Wald CI), checked against R in tests/analysis; here
    # the values the simulated trial reports (HR 0.58, 0.45–0.75), to the printed decimals.
    assert statement.startswith(
        "Reconstructed HR 0.58 (95% CI 0.45–0.76) agrees with the reported 0.58 (0.45–0.75)"
    )
    assert w.isWindowModified() and w.unsaved_figures == ("pfs_figure_1",)
    assert w.windowTitle().startswith("SIMULATED DEMO (NCT00000000)[*]")
    assert "  ·  ◇ PFS curves from Figure 1 (imported, unsaved)  ·  " in w.source_label.text()
    assert "Imported Figure 1" in w.statusBar().currentMessage()


def test_malformed_csv_names_the_row_and_keeps_ok_disabled(make_window, trial_file, tmp_path):
    w = make_window(load(trial_file), source_path=str(trial_file))
    bad = tmp_path / "bad-curves.csv"
    bad.write_text("arm,time_months,survival\nDrug,0,1\nDrug,2.<5,0.9\n", encoding="utf-8")
    dialog = w.open_import_dialog()
    dialog.set_risk_path(str(RISK))
    dialog.set_curve_path(str(bad))
    error = dialog.curve_error_label
    assert error.isVisible() and error.textFormat() == Qt.TextFormat.PlainText
    assert error.text().startswith("bad-curves.csv: row 3, column time_months: ")
    assert "'2.<5'" in error.text()
    assert dialog.curves is None and not dialog.ok_button.isEnabled()
    assert dialog.message_label.text().startswith("The curve file could not be read")
    # A good file clears the error and enables OK.
    dialog.set_curve_path(str(CURVES))
    assert not error.isVisible() and dialog.ok_button.isEnabled()
    dialog.reject()
    assert w.evidence.km_figures == ()


def test_unmapped_arm_blocks_ok_and_a_build_error_keeps_the_dialog_open(qtbot, trial_file):
    dialog = DigitisedImportDialog(load(trial_file))
    qtbot.addWidget(dialog)
    dialog.set_curve_path(str(FIXTURES / "wpd-one-dataset.csv"))  # percent, arm = file name
    dialog.set_risk_path(str(RISK))
    assert dialog.curves.scale == "percent"
    combo = dialog.arm_combos["wpd-one-dataset"]
    assert combo.currentText() == NOT_MAPPED and not dialog.ok_button.isEnabled()
    assert dialog.message_label.text() == (
        "Map every arm of the files to an arm of the trial: 'wpd-one-dataset' is not mapped."
    )
    combo.setCurrentIndex(combo.findData("drug"))
    assert dialog.ok_button.isEnabled()
    dialog.show()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # The risk table also has Placebo, which has no curve: build_km_figure says so.
    assert dialog.isVisible() and dialog.figure is None
    assert dialog.message_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.message_label.text() == (
        "The figure could not be built:\nsimulated-risk-table.csv: arm 'Placebo' has a risk"
        " table but no curve in wpd-one-dataset.csv"
    )
    dialog.reject()


def test_cancel_during_the_import_changes_nothing(qtbot, make_window, trial_file):
    w = make_window(load(trial_file), source_path=str(trial_file))
    before, summary_before = w.evidence, w.summary
    dialog = w.open_import_dialog()
    fill(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    progress = w.import_progress
    assert progress is not None and progress.isVisible()
    assert w._import_worker.is_running()
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w._import_worker.is_running(), timeout=30000)
    QApplication.processEvents()
    assert w.evidence is before and w.summary is summary_before
    assert w.evidence.km_figures == () and not w.isWindowModified()
    assert w.import_progress is None
    assert w.statusBar().currentMessage() == "Import cancelled; nothing was changed."


def test_save_as_writes_a_file_that_loads_back_with_the_figure(
    qtbot, make_window, trial_file, monkeypatch
):
    w = make_window(load(trial_file), source_path=str(trial_file))
    figure = import_figure(qtbot, w)
    asked = []
    target = trial_file.parent / "demo-with-figure"  # no suffix: .json is added

    def ask(default):
        asked.append(default)
        return str(target)

    monkeypatch.setattr(w, "_ask_save_path", ask)
    assert w.save_as_action.shortcut().toString() == "Ctrl+Shift+S"
    w.save_as_action.trigger()
    saved = target.with_suffix(".json")
    assert asked == [str(trial_file.parent / "simulated-demo.json")]  # from the acronym
    # Written atomically: the complete JSON and no temporary file beside it.
    assert sorted(p.name for p in saved.parent.iterdir()) == ["demo-with-figure.json", "demo.json"]
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.1" and data["km_figures"][0]["id"] == "pfs_figure_1"
    loaded = load(saved).km_figures
    assert loaded == (figure,)
    assert w.source_path == str(saved) and w.evidence.origin == str(saved)
    assert not w.isWindowModified() and w.unsaved_figures == ()
    assert "  ·  ◇ PFS curves from Figure 1  ·  " in w.source_label.text()
    assert Settings().recent_files()[0] == str(saved.resolve())
    # Reload now reads the saved file: the figure is still there, nothing is asked.
    assert w.reload() is True
    assert w.unsaved_dialog is None and w.evidence.km_figures == loaded


def test_palmira_import_works_but_saving_over_the_bundled_file_is_refused(
    qtbot, make_window, monkeypatch
):
    w = make_window(load_bundled())
    bundled = Path(resources.path(resources.PALMIRA))
    digest = hashlib.sha256(bundled.read_bytes()).hexdigest()
    figure = import_figure(qtbot, w, arms={"Drug": "palbo_et", "Placebo": "et"})
    assert [c.arm for c in figure.curves] == ["palbo_et", "et"]
    panel = w.current_panel()
    assert panel.plot_stack.currentWidget() is panel.km_page
    assert panel.agreement_label.text().startswith("Reconstructed HR ")
    assert "the reported 0.8 (0.6–1.1)" in panel.agreement_label.text()
    assert w.title_label.text().startswith("PALMIRA · NCT03809988 · ")

    monkeypatch.setattr(w, "_ask_save_path", lambda default: str(bundled))
    assert w.save_evidence_as() is False
    box = w.error_dialog
    assert box.isVisible() and box.textFormat() == Qt.TextFormat.PlainText
    assert "is the bundled evidence, which is read-only" in box.text()
    assert hashlib.sha256(bundled.read_bytes()).hexdigest() == digest
    assert w.isWindowModified() and w.source_path is None
    box.close()


def test_unsaved_prompt_on_reload_cancel_keeps_and_discard_drops(qtbot, make_window, trial_file):
    w = make_window(load(trial_file), source_path=str(trial_file))
    import_figure(qtbot, w)
    assert w.reload() is False
    box = w.unsaved_dialog
    assert box.isVisible() and box.textFormat() == Qt.TextFormat.PlainText
    assert "(Figure 1) is not saved" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert not box.isVisible()
    assert [f.id for f in w.evidence.km_figures] == ["pfs_figure_1"] and w.isWindowModified()

    assert w.reload() is False
    w.unsaved_dialog.button(QMessageBox.StandardButton.Discard).click()
    assert w.evidence.km_figures == () and not w.isWindowModified()
    assert "curves from Figure 1" not in w.source_label.text()
    assert w.summary.reconstructions == {}


def test_unsaved_prompt_save_then_open_and_close_discard(
    qtbot, make_window, trial_file, monkeypatch
):
    w = make_window(load(trial_file), source_path=str(trial_file))
    w.show()
    import_figure(qtbot, w)
    saved = trial_file.parent / "saved.json"
    monkeypatch.setattr(w, "_ask_save_path", lambda default: str(saved))
    # Opening another trial: Save writes the figure first, then PALMIRA's file opens.
    assert w.open_file(str(resources.path(resources.PALMIRA))) is False
    w.unsaved_dialog.button(QMessageBox.StandardButton.Save).click()
    assert [f.id for f in load(saved).km_figures] == ["pfs_figure_1"]
    assert w.evidence.trial.acronym == "PALMIRA" and not w.isWindowModified()

    # Closing with an unsaved import asks; Discard closes.
    w.open_file(str(saved))
    import_figure(qtbot, w)
    assert w.unsaved_figures == ("pfs_figure_1",)  # replaces the saved figure of PFS
    w.close()
    assert w.isVisible() and w.unsaved_dialog.isVisible()
    w.unsaved_dialog.button(QMessageBox.StandardButton.Discard).click()
    assert not w.isVisible()


def test_a_second_figure_of_an_endpoint_replaces_the_first_when_asked(qtbot):
    evidence = load(FIXTURES / "simulated-trial.json")  # has pfs_figure_1 already
    dialog = DigitisedImportDialog(evidence)
    qtbot.addWidget(dialog)
    fill(dialog)
    assert dialog.replace_check.isChecked()
    assert dialog.figure_id() == "pfs_figure_1"
    dialog.replace_check.setChecked(False)
    assert dialog.figure_id() == "pfs_figure_1_2"
    assert figure_id_for("os", "Figure 2A (ITT)", set()) == "os_figure_2a_itt"


def test_a_failed_import_leaves_the_trial_and_says_why(qtbot, make_window, trial_file):
    w = make_window(load(trial_file), source_path=str(trial_file))
    before = w.evidence
    # A figure of an endpoint the trial does not have: with_km_figure refuses it.
    stray = KmFigure(
        id="os_figure_1",
        endpoint="os",
        label="Figure 3",
        time_unit="months",
        source=Source("simreport", "Figure 3", "Figure 3"),
        digitisation=Digitisation("by hand"),
        curves=(KmCurve("drug", None, (0.0, 6.0), (1.0, 0.6)),),
        risk_tables=(RiskTable("drug", None, (0.0, 6.0), (150, 80)),),
    )
    w.start_import(stray)
    qtbot.waitUntil(lambda: not w._import_worker.is_running(), timeout=30000)
    QApplication.processEvents()
    assert w.evidence is before and not w.isWindowModified()
    box = w.error_dialog
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith("The figure could not be imported; the trial stays as it was.")
    assert "km_figures[0].endpoint" in box.text() and "'os'" in box.text()
    box.close()


def test_dropping_a_csv_opens_the_import_dialog(make_window, trial_file):
    w = make_window(load(trial_file), source_path=str(trial_file))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(CURVES))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    dialog = w.import_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.curve_edit.text() == str(CURVES)
    assert dialog.curves.arms == ("Drug", "Placebo")
    assert w.source_path == str(trial_file)  # the trial stays open
    dialog.reject()


def test_html_in_arm_names_shows_literally(qtbot, trial_file, tmp_path):
    curves = tmp_path / "html.csv"
    curves.write_text(
        "arm,time_months,survival\n<b>Drug</b>,0,1\n<b>Drug</b>,5,0.8\n"
        "<i>Placebo</i>,0,1\n<i>Placebo</i>,5,0.6\n",
        encoding="utf-8",
    )
    dialog = DigitisedImportDialog(load(trial_file), curve_path=str(curves))
    qtbot.addWidget(dialog)
    labels = dialog.arm_name_labels
    assert [label.text() for label in labels.values()] == ["<b>Drug</b>", "<i>Placebo</i>"]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels.values())
    assert dialog.curve_info_label.text().endswith("arms: <b>Drug</b>, <i>Placebo</i>")
    # Unmatched names are not guessed; the message quotes them as they are.
    assert dialog.blockers()[1] == (
        "Map every arm of the files to an arm of the trial: '<b>Drug</b>', '<i>Placebo</i>'"
        " are not mapped."
    )
    # pyqtgraph's legend renders HTML, so the names reach it escaped.
    legend = [label.text for _, label in dialog.preview_legend.items]
    assert legend == ["&lt;b&gt;Drug&lt;/b&gt;", "&lt;i&gt;Placebo&lt;/i&gt;"]


def test_units_named_by_the_files_are_used_and_converted(qtbot, trial_file, tmp_path):
    risk = tmp_path / "risk-months.csv"
    risk.write_text("time (months),Drug,Placebo\n0,40,40\n3,37,35\n6,33,27\n", encoding="utf-8")
    dialog = DigitisedImportDialog(
        load(trial_file), curve_path=str(FIXTURES / "native-semicolon-bom.csv")
    )
    qtbot.addWidget(dialog)
    dialog.set_risk_path(str(risk))
    assert dialog.curves.time_unit == "weeks" and dialog.curves.scale == "percent"
    assert not dialog.unit_combo.isEnabled()  # both files name their unit
    assert dialog.unit_note_label.text() == (
        "The curve file is in weeks (its header says so); the risk table is in months"
        " (its header says so)."
    )
    assert dialog.tool_edit.text() == "not stated"  # not a WebPlotDigitizer layout
    figure = dialog.build_figure()
    # Converted to the endpoint's months with a month of 365.25 / 12 days (digitised.py):
    # the drop at 6.5 weeks (row 4 of the file, "6,5") is at 6.5 * 7 / 30.4375 months.
    assert figure.time_unit == "months"
    assert figure.curves[0].time[1] == pytest.approx(6.5 * 7 / 30.4375, rel=1e-12)
    assert figure.curves[0].survival[2] == pytest.approx(0.925, rel=1e-12)
    assert figure.risk_tables[1].time == (0.0, 3.0, 6.0)
