"""The panels on format-1.2 evidence: registry records, several arms, a single group.

Real objects only: the bundled PACE file (three arms, no sample-size calculation) and
the ClinicalTrials.gov records of the shared fixtures read by the importer (DAPA-CKD,
NCT03036150: a registry outcome measure as primary and 693 ungraded adverse events;
NCT02210780: no endpoints; NCT05594173: a single group).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from explorer.analysis import summarize
from explorer.evidence import ctgov, load
from explorer.resources import path as resource_path
from explorer.ui.panels.design_panel import DesignPanel
from explorer.ui.panels.endpoints_panel import ENDPOINTS_TAB, OUTCOMES_TAB, EndpointsPanel
from explorer.ui.panels.interpretation_panel import InterpretationPanel
from explorer.ui.panels.overview_panel import OverviewPanel
from explorer.ui.panels.safety_panel import SafetyPanel

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ctgov" / "real" / "v2"
SERIOUS = "Serious adverse events (registry, no grade)"
OTHER = "Other adverse events (registry, no grade)"


def _record(nct: str):
    return summarize(ctgov.read_registry_file(FIXTURES / f"{nct}.json")[0])


@pytest.fixture(scope="module")
def dapa():
    return _record("NCT03036150")


@pytest.fixture(scope="module")
def pace():
    return summarize(load(resource_path("evidence/pace-jco2024.json")))


def _texts(model, column: str) -> list[str]:
    keys = [c.key for c in model._columns]
    col = keys.index(column)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


# -- Endpoints: registry outcome measures ---------------------------------------------


def test_registry_outcome_measures_view(qtbot, dapa):
    panel = EndpointsPanel(dapa)
    qtbot.addWidget(panel)
    assert panel.view_tabs.isTabVisible(OUTCOMES_TAB)
    view = panel.outcomes_view
    assert view.measures_model.rowCount() == 4
    assert _texts(view.measures_model, "role")[0] == "primary"
    assert view.current_measure.id == "primary_1"
    assert _texts(view.values_model, "group") == ["Dapagliflozin", "Placebo"]
    assert _texts(view.values_model, "value") == ["197", "312"]
    assert _texts(view.analyses_model, "ci") == ["95% CI 0.51–0.72"]
    assert _texts(view.analyses_model, "p") == ["<0.0001"]
    # A click on the p cell selects the p's figure, whose source is the record's field.
    keys = [c.key for c in view.analyses_model._columns]
    index = view.analyses_model.index(0, keys.index("p"))
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        view.analyses_table.clicked.emit(index)
    assert blocker.args == ["outcome.primary_1.analysis_0.p"]
    details = dapa.explain("outcome.primary_1.analysis_0.p")
    assert "outcomeMeasures[0].analyses[0].pValue" in details
    assert "record updated 2021-07-07" in details
    # Selecting another measure shows its values.
    assert view.select_measure("secondary_3")
    assert view.heading_label.text().startswith("Time to Death From Any Cause")
    assert view.heading_label.textFormat() == Qt.TextFormat.PlainText


def test_registry_figure_highlight_opens_the_outcomes_view(qtbot, dapa):
    panel = EndpointsPanel(dapa)
    qtbot.addWidget(panel)
    panel.view_tabs.setCurrentIndex(ENDPOINTS_TAB)
    panel.highlight_figures(("outcome.secondary_2.value_0",))
    assert panel.view_tabs.currentIndex() == OUTCOMES_TAB
    assert panel.outcomes_view.current_measure.id == "secondary_2"


def test_record_without_endpoints_opens_on_outcome_measures(qtbot):
    s = _record("NCT02210780")
    panel = EndpointsPanel(s)
    qtbot.addWidget(panel)
    assert not panel.view_tabs.isTabVisible(ENDPOINTS_TAB)
    assert panel.view_tabs.currentIndex() == OUTCOMES_TAB
    assert panel.model.rowCount() == 0
    assert panel.empty_label.text().startswith("No endpoints in this evidence")


def test_pace_endpoints_show_every_comparison(qtbot, pace):
    panel = EndpointsPanel(pace)
    qtbot.addWidget(panel)
    assert not panel.view_tabs.isTabVisible(OUTCOMES_TAB)
    assert _texts(panel.model, "effect") == ["HR 1.11 (0.79–1.55)", "HR 0.75 (0.50–1.12)"]
    headers = [
        panel.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(panel.model.columnCount())
    ]
    assert {"F + P", "F + P + A", "F"} <= set(headers)
    assert panel.forest_plot.data.figure_ids == ("pfs.hr", "pfs.hr.fulv_palbo_avel_vs_fulv")
    # The second row selects its own comparison's figure.
    with qtbot.waitSignal(panel.figure_selected) as blocker:
        panel.table.selectRow(1)
    assert blocker.args == ["pfs.hr.fulv_palbo_avel_vs_fulv"]
    assert panel.empty_label.text().startswith("2 treatment arms")


# -- Adverse events: ungraded registry entries ----------------------------------------


def test_safety_ungraded_sections_and_organ_filter(qtbot, dapa):
    panel = SafetyPanel(dapa)
    qtbot.addWidget(panel)
    assert panel.model.rowCount() == 693
    headers = [
        panel.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(panel.model.columnCount())
    ]
    assert "Section" in headers and "Organ system" in headers
    grades = [panel.grade_combo.itemText(i) for i in range(panel.grade_combo.count())]
    assert grades == ["All grades", "No grade (registry)"]
    assert not any(text.startswith("Grade") for text in grades)
    sections = [panel.section_combo.itemText(i) for i in range(panel.section_combo.count())]
    assert sections == ["All sections", SERIOUS, OTHER]
    serious = int((panel.frame["section"] == SERIOUS).sum())
    panel.set_section(SERIOUS)
    assert panel.proxy.rowCount() == serious
    assert panel.count_label.text().startswith(f"{serious} of 693 adverse events shown")
    panel.set_section(SERIOUS, "Cardiac disorders")
    shown = panel.shown_rows()
    assert shown and set(panel.frame.loc[shown, "organ_system"]) == {"Cardiac disorders"}
    labels = panel.plot._labels  # what the plot draws, in the table's order
    assert len(labels) == len(shown)
    assert all(label.endswith("(serious, no grade)") for label in labels)
    panel.set_section(None)
    assert panel.proxy.rowCount() == 693


def test_safety_single_group_has_rates_without_comparison(qtbot):
    s = _record("NCT05594173")
    panel = SafetyPanel(s)
    qtbot.addWidget(panel)
    assert panel.model.rowCount() == 4
    assert set(_texts(panel.model, "rd_text")) == {"—"}
    assert panel.frame["rd_provenance"].str.startswith("not applicable").all()


# -- Design, Interpretation, Overview -------------------------------------------------


def test_design_without_power_calculation_offers_the_calculator(qtbot, pace):
    panel = DesignPanel()
    qtbot.addWidget(panel)
    panel.set_summary(pace)
    intro = panel.intro_label.text()
    assert intro.startswith("The source reports no sample-size calculation (not reported:")
    assert "your assumptions" in intro
    assert panel.inputs is not None and panel.inputs.ratio == pytest.approx(2.0)
    assert panel.result is not None and panel.result.events_required > 0


def test_design_single_group_is_not_applicable(qtbot):
    s = _record("NCT05594173")
    panel = DesignPanel()
    qtbot.addWidget(panel)
    panel.set_summary(s)
    assert panel.intro_label.text().startswith("Not applicable: this is a single-group study")
    assert panel.inputs is None


def test_interpretation_says_which_comparison(qtbot, pace):
    panel = InterpretationPanel()
    qtbot.addWidget(panel)
    panel.set_summary(pace)
    assert "primary comparison, F + P vs F, only" in panel.skipped_label.text()


def test_interpretation_single_group_not_applicable(qtbot):
    s = _record("NCT05594173")
    panel = InterpretationPanel()
    qtbot.addWidget(panel)
    panel.set_summary(s)
    assert panel.absolute_intro.text().startswith("Not applicable: a single-group study")


def test_overview_names_the_primary_outcome_measure(qtbot, dapa):
    panel = OverviewPanel()
    qtbot.addWidget(panel)
    panel.set_summary(dapa)
    title = dapa.evidence.outcome_measure("primary_1").title
    heading, body = panel.cards[0]
    assert heading.text() == f"Primary outcome: {title}"
    assert heading.textFormat() == Qt.TextFormat.PlainText
    assert "Hazard Ratio (HR): " in body.text()
    assert "Registry outcome measures" in body.text()
