"""The Design panel's Monte Carlo simulation, and the worker that runs it off the GUI thread.

Driven through pytest-qt: the run finishes in the worker thread and reports back through
signals (waited for with generous timeouts; nothing here is timed). The numbers shown are
compared with :func:`explorer.analysis.simulation.run_simulation` run directly with the
same settings and seed, which gives exactly the same trials.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from explorer.analysis.simulation import run_simulation
from explorer.ui.panels.design_panel import STALE_TEXT, DesignPanel
from explorer.ui.workers import Worker, error_message, shutdown_all

# Generous: a 2,000-trial run takes well under a second here; CI machines may be slower.
TIMEOUT_MS = 60_000


@pytest.fixture
def panel(qtbot, palmira_summary):
    p = DesignPanel()
    qtbot.addWidget(p)
    p.set_summary(palmira_summary)
    p.tabs.setCurrentIndex(p.tabs.indexOf(p.hr_histogram.parentWidget()))
    yield p
    p.shutdown()


def run(qtbot, panel, trials=2_000):
    panel.sim_trials_spin.setValue(trials)
    with qtbot.waitSignal(panel.worker.finished, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(panel.simulate_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def expected_power_text(summary):
    pct = [100 * x for x in (summary.power, summary.power_lower, summary.power_upper)]
    return (
        f"Simulated {pct[0]:.1f}% ({pct[1]:.1f}–{pct[2]:.1f}) · analytic "
        f"{100 * summary.analytic_power:.1f}%"
    )


def test_settings_are_seeded_from_the_design(panel):
    assert panel.tabs.tabText(1) == "Simulation"
    assert panel.sim_patients_spin.value() == 198  # reported randomised
    assert panel.sim_events_spin.value() == 127  # 126.87 required (Schoenfeld), rounded up
    assert panel.sim_trials_spin.value() == 10_000
    assert panel.sim_seed_spin.value() == 20231
    assert panel.sim_model_combo.currentData() == "exponential"
    assert panel.sim_patients.note.text() == "randomised, reported"
    assert panel.sim_events.note.text() == "required by the design"
    assert panel.simulate_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert not panel.sim_change_spin.isEnabled() and not panel.sim_early_hr_spin.isEnabled()
    assert panel.simulation_progress.value() == 0
    assert panel.simulation is None and not panel.simulation_is_stale
    assert panel.hr_histogram.isHidden() and panel.time_histogram.isHidden()
    assert not panel.sim_placeholder.isHidden()


def test_menus_offer_the_reported_and_the_design_numbers(panel):
    actions = [a.text() for a in panel.sim_events.menu.actions()]
    assert actions == ["127: required by the design", "155: at the reported analysis"]
    panel.sim_events.menu.actions()[1].trigger()
    assert panel.sim_events_spin.value() == 155
    assert panel.sim_events.note.text() == "at the reported analysis"
    assert panel.simulation_settings().events_note == "the events at the reported analysis"
    panel.sim_events_spin.setValue(140)
    assert panel.sim_events.note.text() == "typed in"
    assert panel.simulation_settings().events_note == "set in the panel"
    patients = [a.text() for a in panel.sim_patients.menu.actions()]
    assert patients == ["198: randomised (reported)", "140: the design's sample size"]
    panel.sim_patients.choose("design")
    assert panel.sim_patients_spin.value() == 140


def test_chosen_events_follow_the_design(panel):
    panel.hr_spin.setValue(0.7)  # more events needed for a smaller effect
    required = panel.result.events_required
    assert panel.sim_events_spin.value() == int(np.ceil(required))
    panel.sim_events.choose("reported")
    panel.hr_spin.setValue(0.65)
    assert panel.sim_events_spin.value() == 155  # the reported events do not move


def test_a_run_shows_the_same_numbers_as_the_analysis(panel, qtbot):
    progress = []
    panel.simulation_progress.valueChanged.connect(progress.append)
    summary = run(qtbot, panel)
    assert progress[-1] == 100 and panel.simulation_progress.value() == 100
    assert max(progress) == 100 and sorted(progress) == progress
    # The same seed and settings, run directly: the same trials, the same text.
    direct = run_simulation(panel.inputs, panel.simulation_settings())
    assert direct.power == summary.power
    np.testing.assert_array_equal(direct.result.hr, summary.result.hr)
    text = panel.sim_rows["power"].value.text()
    assert text == expected_power_text(direct)
    assert text.startswith("Simulated ") and "· analytic 80.0%" in text
    assert panel.sim_rows["power"].name.text() == "Power at 127 events"
    assert panel.sim_rows["power"].value.textFormat() == Qt.TextFormat.PlainText
    hr_text = panel.sim_rows["hr"].value.text()
    assert hr_text == (
        f"median {direct.hr_median:.3f} (95% of trials {direct.hr_lower:.3f}–{direct.hr_upper:.3f})"
    )
    assert (
        panel.sim_rows["analysis_time"]
        .value.text()
        .startswith(f"median {direct.time_median:.1f} months (IQR {direct.time_q1:.1f}–")
    )
    assert panel.sim_rows["target_reached"].value.text() == "100.0% of trials"
    # Buttons restored, result current, status says what ran.
    assert panel.simulate_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert not panel.simulation_running and not panel.simulation_is_stale
    assert panel.sim_stale_label.isHidden()
    assert panel.sim_status_label.text().startswith("2,000 trials simulated (seed 20231)")


def test_tooltips_carry_the_derivation(panel, qtbot):
    run(qtbot, panel)
    tip = " ".join(panel.sim_rows["power"].value.toolTip().split())
    assert tip.startswith("◆ Simulated power at 127 events:")
    assert (
        "Monte Carlo, 2,000 simulated trials, seed 20231, model exponential (proportional "
        "hazards), log-rank at 127 events" in tip
    )
    assert "Analytic power at 127 events (Schoenfeld): 80.0%" in tip
    assert panel.sim_rows["power"].mark.text() == "◆"
    assert "quantiles" in panel.sim_rows["hr"].value.toolTip()


def test_histograms_draw_the_summary(panel, qtbot):
    summary = run(qtbot, panel)
    assert panel.hr_histogram.isVisibleTo(panel) and panel.time_histogram.isVisibleTo(panel)
    x, y = panel.hr_histogram.bars.getData()
    np.testing.assert_allclose(np.exp(x), summary.hr_edges, rtol=1e-12)
    np.testing.assert_allclose(y, 100 * summary.hr_counts / 2_000, rtol=1e-12)
    dx, _ = panel.hr_histogram.design_line.getData()
    nx, _ = panel.hr_histogram.null_line.getData()
    assert np.exp(dx) == pytest.approx([0.59, 0.59]) and list(nx) == [0.0, 0.0]
    tx, ty = panel.time_histogram.bars.getData()
    np.testing.assert_allclose(tx, summary.time_edges, rtol=1e-12)
    assert ty.sum() == pytest.approx(100.0)
    ax, _ = panel.time_histogram.accrual_line.getData()
    assert list(ax) == [42.0, 42.0]
    assert panel.hr_histogram.title == "Observed HR in 2,000 trials"
    assert panel.time_histogram.title == "Analysis at 127 events"
    item = panel.hr_histogram.getPlotItem()
    assert item.getAxis("bottom").labelText == "Observed hazard ratio (log scale)"
    assert item.getAxis("left").labelText == "Share of simulated trials (%)"
    assert panel.time_histogram.getPlotItem().getAxis("bottom").labelText == (
        "Months from first randomisation"
    )
    labels = [label.text for _, label in panel.hr_histogram.legend.items]
    assert labels == ["No effect (HR 1)", "Design 0.59", f"Median {summary.hr_median:.3f}"]


def test_changing_an_input_marks_the_result_stale(panel, qtbot):
    run(qtbot, panel)
    before = panel.sim_rows["power"].value.text()
    panel.hr_spin.setValue(0.65)
    assert panel.simulation_is_stale
    assert not panel.sim_stale_label.isHidden()
    assert panel.sim_stale_label.text() == STALE_TEXT == "Stale (inputs changed; run again)"
    assert panel.sim_rows["power"].value.text() == before  # kept, but marked
    assert "color" in panel.sim_rows["power"].value.styleSheet()
    assert panel.hr_histogram.title.endswith("(stale)")
    # Back to the design it ran with: current again.
    panel.hr_spin.setValue(0.59)
    assert not panel.simulation_is_stale and panel.sim_stale_label.isHidden()
    assert not panel.hr_histogram.title.endswith("(stale)")
    # A setting counts too.
    panel.sim_seed_spin.setValue(7)
    assert panel.simulation_is_stale


def test_cancel_during_a_long_run(panel, qtbot):
    panel.sim_trials_spin.setValue(200_000)
    with qtbot.waitSignal(panel.worker.progress, timeout=TIMEOUT_MS):
        qtbot.mouseClick(panel.simulate_button, Qt.MouseButton.LeftButton)
    assert panel.simulation_running
    assert not panel.simulate_button.isEnabled() and panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.worker.cancelled, timeout=TIMEOUT_MS):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.simulation_running
    assert panel.simulate_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert panel.simulation is None  # nothing of the cancelled run is kept
    assert panel.hr_histogram.isHidden()
    assert panel.simulation_progress.value() == 0
    assert panel.sim_status_label.text().startswith("Cancelled")


def test_cancel_after_an_earlier_run_keeps_it_stale(panel, qtbot):
    earlier = run(qtbot, panel)
    panel.sim_trials_spin.setValue(200_000)
    with qtbot.waitSignal(panel.worker.progress, timeout=TIMEOUT_MS):
        panel.start_simulation()
    with qtbot.waitSignal(panel.worker.cancelled, timeout=TIMEOUT_MS):
        panel.cancel_simulation()
    assert panel.simulation is earlier
    assert panel.simulation_is_stale  # 2,000 trials shown, 200,000 asked for
    assert not panel.sim_stale_label.isHidden()
    assert "earlier run" in panel.sim_status_label.text()


def test_invalid_settings_give_a_plain_message(panel, qtbot):
    panel.sim_events_spin.setValue(300)  # more events than the 198 patients
    with qtbot.assertNotEmitted(panel.worker.progress):
        qtbot.mouseClick(panel.simulate_button, Qt.MouseButton.LeftButton)
    assert not panel.simulation_running
    text = panel.sim_status_label.text()
    assert text.startswith("Cannot simulate: The analysis at 300 events cannot happen with 198")
    assert panel.simulate_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert panel.simulation is None
    assert panel.sim_status_label.textFormat() == Qt.TextFormat.PlainText


def test_delayed_effect_controls(panel, qtbot):
    panel.sim_model_combo.setCurrentIndex(panel.sim_model_combo.findData("delayed"))
    assert panel.sim_change_spin.isEnabled() and panel.sim_early_hr_spin.isEnabled()
    panel.sim_change_spin.setValue(3.0)
    settings = panel.simulation_settings()
    assert (settings.model, settings.change_time, settings.early_hr) == ("delayed", 3.0, 1.0)
    summary = run(qtbot, panel, trials=500)
    assert "delayed effect (HR 1 for the first 3 months" in summary.description
    assert summary.power < summary.analytic_power


def test_a_new_trial_clears_the_result(panel, qtbot, palmira_summary):
    run(qtbot, panel)
    panel.sim_events.choose("reported")
    panel.set_summary(palmira_summary)
    assert panel.simulation is None and panel.hr_histogram.isHidden()
    assert panel.sim_events_spin.value() == 127  # back to the design's default


def test_closing_the_window_stops_the_run(qtbot, palmira_summary):
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = DesignPanel()
    panel.set_summary(palmira_summary)
    window.setCentralWidget(panel)
    window.show()
    panel.sim_trials_spin.setValue(1_000_000)
    with qtbot.waitSignal(panel.worker.progress, timeout=TIMEOUT_MS):
        panel.start_simulation()
    assert panel.simulation_running
    window.close()  # the panel watches its window's Close event
    assert not panel.simulation_running
    assert panel.simulation is None and panel.simulate_button.isEnabled()


# -- the worker, on its own --------------------------------------------------------------


def test_worker_reports_the_result_in_the_gui_thread(qtbot):
    worker = Worker()
    threads = []

    def job(progress):
        threads.append(threading.current_thread())
        for i in range(1, 4):
            assert progress(i, 3) is True
        return "done"

    seen = []
    worker.progress.connect(lambda d, t: seen.append((d, t, threading.current_thread())))
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT_MS) as blocker:
        worker.start(job)
    assert blocker.args == ["done"]
    assert threads[0] is not threading.main_thread()
    assert seen[-1][:2] == (3, 3)  # the last progress is always reported
    assert all(t is threading.main_thread() for *_, t in seen)
    assert not worker.is_running()


def test_worker_failure_is_a_message(qtbot):
    worker = Worker()

    def bad(progress):
        raise ValueError("events must be at most the patients")

    with qtbot.waitSignal(worker.failed, timeout=TIMEOUT_MS) as blocker:
        worker.start(bad)
    assert blocker.args == ["events must be at most the patients"]
    assert isinstance(worker.error, ValueError)
    assert error_message(KeyError("x")) == "Unexpected error (KeyError): 'x'"


def test_worker_cancel_and_one_job_at_a_time(qtbot):
    worker = Worker()
    started = threading.Event()

    def endless(progress):
        started.set()
        while progress(0, 1):
            pass
        raise RuntimeError("stopped")

    with qtbot.waitSignal(worker.cancelled, timeout=TIMEOUT_MS):
        worker.start(endless)
        assert started.wait(TIMEOUT_MS / 1000)
        with pytest.raises(RuntimeError, match="already running"):
            worker.start(endless)
        worker.cancel()
    assert not worker.is_running()
    # shutdown() of an idle worker does nothing; of a busy one, joins at once.
    assert worker.shutdown()
    started.clear()
    worker.start(endless)
    assert started.wait(TIMEOUT_MS / 1000)
    with qtbot.waitSignal(worker.cancelled, timeout=1000):
        assert worker.shutdown()
    assert not worker.is_running()
    assert shutdown_all()
