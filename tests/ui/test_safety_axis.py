"""The adverse-event plot labels its rows only when a line of text fits each row."""

from __future__ import annotations

from explorer.ui.plots.safety_plot import TermAxis


def test_labels_fit_on_the_inverted_row_axis_only_with_room(qtbot):
    axis = TermAxis()
    axis.set_labels(tuple(f"Term {i}" for i in range(100)))
    line = axis._metrics().height()
    # The row axis is inverted (first row on top): pyqtgraph passes (high, low).
    # 30 rows in 228 px is about 7.6 px a row, under a line of text: no labels.
    assert not axis.labels_fit(29.5, -0.5, 228.0)
    assert not axis.labels_fit(-0.5, 29.5, 228.0)
    # 6 rows in the same height have room for a line each.
    assert line <= 228.0 / 6
    assert axis.labels_fit(5.5, -0.5, 228.0)
    assert axis.labels_fit(-0.5, 5.5, 228.0)
