"""What changed between PALMIRA's two cuts (ASCO 2023 abstract -> J Clin Oncol 2025).

Reference values are the printed figures of the two publications (the bundled files):
PFS median P+ET 4.2 (95% CI 3.5–5.8) -> 4.9 (3.6–6.1) months; HR 0.8 (0.6–1.1) ->
0.84 (0.66–1.07); p 0.206 -> 0.149; 6-month PFS 40.9% -> 42.1%; OS new in 2025; the
155 PFS events not restated in 2025. Rows hold the values as the app prints them, so
they are compared as exact strings (no tolerance).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from explorer import resources
from explorer.analysis.diff import FRAME_COLUMNS, CutDiff, diff_cuts
from explorer.analysis.summary import summarize
from explorer.evidence import Evidence, load


@pytest.fixture(scope="module")
def asco() -> Evidence:
    return load(resources.path("evidence/palmira-asco2023.json"))


@pytest.fixture(scope="module")
def jco() -> Evidence:
    return load(resources.path("evidence/palmira-jco2025.json"))


@pytest.fixture(scope="module")
def diff(asco, jco) -> CutDiff:
    return diff_cuts(asco, jco)


def test_labels_are_the_data_cuts(diff):
    assert diff.old_label == "Primary PFS analysis (ASCO 2023 abstract)"
    assert diff.new_label == "Final PFS analysis (J Clin Oncol 2025)"


@pytest.mark.parametrize(
    ("figure_id", "change", "old", "new"),
    [
        (
            "pfs.median.palbo_et",
            "changed",
            "4.2 months (95% CI 3.5–5.8)",
            "4.9 months (95% CI 3.6–6.1)",
        ),
        ("pfs.median.et", "changed", "3.6 months (95% CI 2.7–4.2)", "3.6 months (95% CI 2.5–4.2)"),
        ("pfs.hr", "changed", "0.8 (95% CI 0.6–1.1)", "0.84 (95% CI 0.66–1.07)"),
        ("pfs.p", "changed", "0.206", "0.149"),
        ("pfs.landmark_6.palbo_et", "changed", "40.9%", "42.1%"),
        ("pfs.landmark_6.et", "changed", "28.6%", "29.1%"),
        ("pfs.landmark_12.palbo_et", "added", None, "12.4%"),
        ("design.median_follow_up", "changed", "8.7 months", "13.4 months"),
        ("os.hr", "added", None, "1.06 (95% CI 0.75–1.51)"),
        ("os.median.palbo_et", "added", None, "28.3 months"),
        ("os.median.et", "added", None, "28.8 months"),
        ("pfs.events", "removed", "155 events", None),
        ("design.events_at_analysis", "removed", "155 events", None),
        ("cbr.percent.palbo_et", "changed", "33.0%", "41.9% (95% CI 33.5–50.7%)"),
        ("orr.percent.et", "changed", "2.3%", "1.6%"),
        ("ae.ae_grade_3_4.percent.palbo_et", "removed", "45.2%", None),
        ("ae.ae_grade_3_or_higher.percent.palbo_et", "added", None, "47.4%"),
        ("ae.neutropenia_grade_3_4.percent.palbo_et", "added", None, "38.5%"),
        ("population.randomised.palbo_et", "unchanged", "136 patients", "136 patients"),
        ("design.hypothesised_hr", "unchanged", "≤0.59", "≤0.59"),
    ],
)
def test_rows_for_printed_figures(diff, figure_id, change, old, new):
    # Method: diff_cuts on the two bundled cuts; reference: the printed figures of the
    # ASCO 2023 abstract and the J Clin Oncol 2025 paper; tolerance: exact text.
    row = diff.row(figure_id)
    assert (row.change, row.old, row.new) == (change, old, new)


def test_changed_rows_carry_both_sources(diff):
    hr = diff.row("pfs.hr")
    assert hr.old_status == hr.new_status == "reported"
    assert hr.old_source == (
        "Llombart-Cussac A, et al. J Clin Oncol. 2023;41(16_suppl):1001, Results: "
        "“hazard ratio 0.8, 95% CI 0.6–1.1”"
    )
    assert hr.new_source == (
        "Llombart-Cussac A, et al. J Clin Oncol. 2025, Results: "
        "“HR 0.84 (95% CI 0.66–1.07), P = .149”"
    )
    for row in diff.rows:
        if row.change == "changed":
            assert row.old_source and row.new_source, row.figure_id
        if row.change == "added":
            assert row.old is None and row.old_source is None and row.new_source
        if row.change == "removed":
            assert row.new is None and row.new_source is None and row.old_source


def test_counts_and_count_line(diff):
    assert diff.counts() == {"changed": 11, "added": 11, "removed": 6, "unchanged": 14}
    assert diff.count_line() == "11 figures changed, 11 added, 6 removed"
    assert len(diff.changed()) == 28
    assert all(row.change != "unchanged" for row in diff.changed())


def test_default_compares_reported_figures_only(diff):
    for row in diff.rows:
        assert "reported" in (row.old_status, row.new_status), row.figure_id


def test_rows_follow_the_summary_order(diff, jco):
    order = [f.id for f in summarize(jco).figures]
    in_new = [row.figure_id for row in diff.rows if row.new is not None]
    assert in_new == [fid for fid in order if fid in set(in_new)]
    ids = [row.figure_id for row in diff.rows]
    # PFS rows precede OS rows, which precede safety; the removed event count stays in PFS.
    assert ids.index("pfs.median.palbo_et") < ids.index("pfs.hr") < ids.index("os.hr")
    assert ids.index("pfs.p") < ids.index("pfs.events") < ids.index("os.median.palbo_et")
    assert ids.index("os.hr") < ids.index("ae.ae_grade_3_or_higher.percent.palbo_et")


def test_frame(diff):
    frame = diff.frame()
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert len(frame) == 28
    assert len(diff.frame(include_unchanged=True)) == len(diff.rows) == 42
    row = frame.set_index("figure_id").loc["pfs.p"]
    assert (row["old"], row["new"], row["change"]) == ("0.206", "0.149", "changed")


def test_derived_adds_computed_figures(asco, jco, diff):
    full = diff_cuts(asco, jco, derived=True)
    assert len(full.rows) > len(diff.rows)
    statuses = {row.new_status for row in full.rows} | {row.old_status for row in full.rows}
    assert {"derived", "reconstructed"} <= statuses
    # Every reported row of the default diff is in the full one, unchanged in content.
    for row in diff.rows:
        assert full.row(row.figure_id) == row


def test_same_cut_is_all_unchanged(asco):
    same = diff_cuts(asco, asco)
    assert same.changed() == ()
    assert same.count_line() == "0 figures changed, 0 added, 0 removed"


def _with_pfs_hr(ev: Evidence, **changes) -> Evidence:
    pfs = ev.endpoint("pfs")
    effect = replace(pfs.effect, estimate=replace(pfs.effect.estimate, **changes))
    endpoints = tuple(replace(pfs, effect=effect) if e.id == "pfs" else e for e in ev.endpoints)
    return replace(ev, endpoints=endpoints)


def test_a_different_ci_level_is_a_change(asco):
    ninety = _with_pfs_hr(asco, level=0.90)
    row = diff_cuts(asco, ninety).row("pfs.hr")
    assert (row.change, row.old, row.new) == (
        "changed",
        "0.8 (95% CI 0.6–1.1)",
        "0.8 (90% CI 0.6–1.1)",
    )


def test_a_different_qualifier_is_a_change(asco):
    bound = _with_pfs_hr(asco, qualifier="<")
    row = diff_cuts(asco, bound).row("pfs.hr")
    assert row.change == "changed"
    assert row.new == "<0.8 (95% CI 0.6–1.1)"


def test_the_same_value_printed_alike_is_unchanged(asco):
    # 0.80 stored with 1 decimal prints "0.8" like the original: not a change.
    same = _with_pfs_hr(asco, value=0.80)
    assert diff_cuts(asco, same).row("pfs.hr").change == "unchanged"


def test_refuses_two_different_trials(asco):
    maintain = load(resources.path("evidence/maintain-jco2023.json"))
    with pytest.raises(ValueError, match="not two cuts of one trial") as info:
        diff_cuts(asco, maintain)
    assert "PALMIRA (NCT03809988)" in str(info.value)
    assert "MAINTAIN (NCT02632045)" in str(info.value)


def test_unknown_figure_id_names_it(diff):
    with pytest.raises(KeyError, match=r"no figure 'pfs\.nope'"):
        diff.row("pfs.nope")
