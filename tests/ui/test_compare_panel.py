"""The Compare panel: checking trials, the CI level and Hartung–Knapp drive the pooled values.

Reference values are metafor's (tests/reference/compare_pooling.R → .json) on the four
trials' PFS hazard ratios as published (figures7.md); every pooled REML value is
compared at rel 1e-5 (iterative estimator, metafor run with tight control).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from explorer.evidence import load, load_bundled
from explorer.resources import BUNDLED_EVIDENCE, path
from explorer.ui.exports import plot_to_png, table_to_tsv
from explorer.ui.panels.compare_panel import ComparePanel

REF = json.loads(
    (Path(__file__).parents[1] / "reference" / "compare_pooling.json").read_text("utf-8")
)
LABELS = {
    "evidence/palmira-asco2023.json": "PALMIRA — Primary PFS analysis (ASCO 2023 abstract)",
    "evidence/palmira-jco2025.json": "PALMIRA — Final PFS analysis (J Clin Oncol 2025)",
    "evidence/maintain-jco2023.json": "MAINTAIN — Primary analysis (J Clin Oncol 2023)",
    "evidence/pace-jco2024.json": "PACE — Primary analysis (J Clin Oncol 2024)",
    "evidence/postmonarch-jco2025.json": "postMONARCH — Primary analysis (J Clin Oncol 2025)",
}
MAINTAIN = LABELS["evidence/maintain-jco2023.json"]
PACE = LABELS["evidence/pace-jco2024.json"]
POSTMONARCH = LABELS["evidence/postmonarch-jco2025.json"]
ASCO = LABELS["evidence/palmira-asco2023.json"]


def _trials():
    return [(LABELS[name], load(path(name))) for name in BUNDLED_EVIDENCE]


@pytest.fixture
def panel(qtbot):
    p = ComparePanel()
    qtbot.addWidget(p)
    p.set_trials(_trials())
    p.resize(1400, 900)
    p.show()
    return p


def _reml(panel):
    pooled = panel.comparison.pooled_by("REML")
    assert pooled is not None
    return pooled


def _assert_reml(panel, key):
    fit = REF["fits"][key]
    got = _reml(panel)
    # metafor rma(method = "REML") + predict(transf = exp), tight control -- rel 1e-5
    assert got.k == fit["k"]
    assert got.estimate == pytest.approx(fit["estimate"], rel=1e-5)
    assert got.lower == pytest.approx(fit["lower"], rel=1e-5)
    assert got.upper == pytest.approx(fit["upper"], rel=1e-5)


def test_defaults_check_the_four_trials_at_95(panel):
    assert [r.check.isChecked() for r in panel.rows] == [False, True, True, True, True]
    assert panel.level == 0.95 and not panel.hk_check.isChecked()
    assert [s.trial for s in panel.comparison.studies] == [
        "PALMIRA",
        "MAINTAIN",
        "PACE",
        "postMONARCH",
    ]
    _assert_reml(panel, "four_95_REML_z")
    # the pooled table shows four methods, REML as "0.79 (95% CI 0.63–0.98)"
    lines = table_to_tsv(panel.pooled_table).splitlines()
    assert lines[0].split("\t")[:2] == ["Method", "Pooled HR (CI)"]
    assert [line.split("\t")[0] for line in lines[1:]] == [
        "Fixed effect",
        "DerSimonian–Laird",
        "REML",
        "Paule–Mandel",
    ]
    assert lines[3].split("\t")[1] == "0.79 (95% CI 0.63–0.98)"
    # the forest: one row per trial, a gap, four pooled rows; PACE marked converted
    assert panel.forest.left_texts[2] == "PACE 1.11 (0.74–1.66)†"
    assert "†from 90% CI" in panel.forest.right_texts[2]
    assert len(panel.forest.diamonds) == 4
    assert panel.forest.left_texts[4] == ""


def test_unchecking_trials_changes_k_and_reml(panel, qtbot):
    panel.set_checked(PACE, False)
    _assert_reml(panel, "three_without_pace_REML_z")
    panel.set_checked(PACE, True)
    panel.set_checked(MAINTAIN, False)
    panel.set_checked(POSTMONARCH, False)
    _assert_reml(panel, "two_continued_REML_z")
    assert any("not informative" in n for n in panel.comparison.notes)
    panel.set_checked(PACE, False)
    assert panel.comparison.k == 1 and panel.comparison.pooled == ()
    assert panel.pooled_model.rowCount() == 0
    assert panel.warning_label.isHidden()
    assert "at least two are needed" in panel.notes_label.text()


def test_clicking_a_trial_title_toggles_it(panel, qtbot):
    row = panel.row(PACE)
    qtbot.mouseClick(row.title, Qt.MouseButton.LeftButton)
    assert not row.check.isChecked()
    _assert_reml(panel, "three_without_pace_REML_z")


def test_level_90_changes_the_cis(panel):
    before = panel.comparison.studies[0]
    panel.level_combo.setCurrentIndex(panel.level_combo.findData(0.90))
    pal = panel.comparison.studies[0]
    conv = REF["conversions"]["PALMIRA"]["at"]["0.9"]
    # exp(ln 0.84 ± z_0.95 · se), R -- rel 1e-9
    assert pal.lower == pytest.approx(conv["lower"], rel=1e-9)
    assert pal.upper == pytest.approx(conv["upper"], rel=1e-9)
    assert pal.lower > before.lower and pal.upper < before.upper
    assert panel.forest.left_texts[0] == "PALMIRA 0.84 (0.69–1.03)†"
    assert panel.forest.left_texts[2] == "PACE 1.11 (0.79–1.55)"  # as printed now
    _assert_reml(panel, "four_90_REML_z")
    assert "90% CI" in table_to_tsv(panel.pooled_table)


def test_hartung_knapp_toggles_the_ci(panel):
    plain = _reml(panel)
    panel.hk_check.setChecked(True)
    _assert_reml(panel, "four_95_REML_knha")
    assert _reml(panel).upper - _reml(panel).lower > plain.upper - plain.lower
    assert "Hartung–Knapp" in panel.forest.legend.text
    panel.hk_check.setChecked(False)
    _assert_reml(panel, "four_95_REML_z")


def test_warning_is_shown_as_plain_text(panel):
    label = panel.warning_label
    assert label.isVisible()
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text().startswith("Illustrative only, not a meta-analysis")
    assert "continued after progression in PALMIRA and PACE" in label.text()
    assert label.text() == panel.comparison.warning


def test_a_ci_without_level_is_refused_visibly(panel, qtbot):
    ev = load_bundled()
    ep = ev.endpoint("pfs")
    m = dataclasses.replace(ep.effect.estimate, level=None)
    ep = dataclasses.replace(ep, effect=dataclasses.replace(ep.effect, estimate=m))
    odd = dataclasses.replace(
        ev,
        trial=dataclasses.replace(ev.trial, acronym="NOLEVEL", registry_id="NCT00000000"),
        endpoints=(ep, *ev.endpoints[1:]),
    )
    label = "NOLEVEL — a CI printed without its level"
    panel.set_trials([*_trials(), (label, odd)])
    row = panel.row(label)
    panel.set_checked(label, True)
    assert row.check.isChecked()
    assert row.note.isVisible()
    assert "has no level" in row.note.text()
    assert row.note.textFormat() == Qt.TextFormat.PlainText
    assert "NOLEVEL" in panel.notes_label.text() and "has no level" in panel.notes_label.text()
    # the other four still pool, and the panel keeps working
    _assert_reml(panel, "four_95_REML_z")
    panel.hk_check.setChecked(True)
    _assert_reml(panel, "four_95_REML_knha")
    panel.set_checked(label, False)
    assert not row.note.isVisible()


def test_choosing_another_hazard_ratio(panel):
    combo = panel.row(PACE).combo
    assert combo.count() == 2
    combo.setCurrentIndex(1)
    pace = panel.comparison.studies[2]
    assert pace.comparison == "F + P + A vs F"
    assert pace.estimate == 0.75 and pace.reported_level == 0.9


def test_set_trials_keeps_the_users_checks(panel):
    panel.set_checked(ASCO, True)
    panel.set_checked(MAINTAIN, False)
    panel.row(PACE).combo.setCurrentIndex(1)
    panel.set_trials(_trials())
    assert panel.row(ASCO).check.isChecked()
    assert not panel.row(MAINTAIN).check.isChecked()
    assert panel.row(PACE).choice.key == "pfs:1"


def test_a_trial_without_hazard_ratio_cannot_be_checked(panel):
    ev = load(path("evidence/maintain-jco2023.json"))
    no_hr = dataclasses.replace(ev, endpoints=())
    panel.set_trials([*_trials(), ("MAINTAIN — no endpoints", no_hr)])
    row = panel.row("MAINTAIN — no endpoints")
    assert not row.check.isEnabled() and not row.check.isChecked()
    assert row.combo.currentText() == "no hazard ratio to compare"
    assert panel.comparison.k == 4


def test_design_caveats_and_exports(panel, tmp_path):
    model = panel.caveats_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:5] == ["Trial", "Phase", "Blinding", "N (ratio)", "Control median"]
    assert "CDK4/6 inhibitor after progression" in headers
    assert model.rowCount() == 4
    tsv = table_to_tsv(panel.caveats_table)
    assert "198 (2:1)" in tsv and "double-blind" in tsv
    studies = table_to_tsv(panel.studies_table)
    assert "1.11 (90% CI 0.79–1.55)" in studies
    out = plot_to_png(panel.forest, tmp_path / "forest.png")
    assert out.stat().st_size > 5000


def test_empty_panel():
    panel = ComparePanel()
    try:
        assert panel.rows == [] and panel.comparison.k == 0
        assert not panel.empty_label.isHidden()
        panel.set_trials([])
        assert "Check at least two trials" in panel.notes_label.text()
    finally:
        panel.deleteLater()
