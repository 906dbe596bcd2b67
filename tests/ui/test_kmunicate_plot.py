"""The KMunicate-style Kaplan–Meier plot: curves, bands, censoring marks, the extended risk
table under the time axis, exports and plain-text labels.

The plot only draws a :class:`~explorer.analysis.km_plot.KmPlotData`; the data here are
seeded simulations (exponential times, HR 0.7, uniform accrual and administrative
censoring) estimated by :func:`explorer.stats.survival.kaplan_meier` (itself checked
against R's ``survfit`` in ``tests/stats``). Each assertion compares what is drawn with
the numbers in the data object, exactly (integers, or floats passed through unchanged),
or with a stated pixel tolerance where layout is involved.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from explorer.analysis.km_plot import KmArmCurve, KmPlotData
from explorer.stats.survival import kaplan_meier
from explorer.ui.exports import PNG_SCALE, _is_plot, install_exports, plot_to_png, plot_to_svg
from explorer.ui.plots.kmunicate_plot import (
    EMPTY_MESSAGE,
    PUBLISHED_MARK,
    ROW_NAMES,
    X_PADDING,
    KmunicatePlot,
)
from explorer.ui.style import ARM_PALETTE
from explorer.ui.tooltips import tooltip_as_text

TIMES = tuple(float(t) for t in range(0, 25, 3))  # nine columns: 0, 3, …, 24 months
COLOURS = {"trt": "#0072B2", "ctl": "#E69F00"}


# -- test data -------------------------------------------------------------------------------


def _simulate(rng, n: int, hazard: float) -> tuple[np.ndarray, np.ndarray]:
    """Exponential event times; accrual over 18 months, analysis at 30, 1%/month dropout."""
    t_event = rng.exponential(1 / hazard, n)
    t_drop = rng.exponential(100.0, n)
    admin = 30.0 - rng.uniform(0, 18.0, n)
    time = np.minimum.reduce([t_event, t_drop, admin])
    event = (t_event <= np.minimum(t_drop, admin)).astype(int)
    return np.round(time, 3), event


def _arm(arm_id: str, label: str, time: np.ndarray, event: np.ndarray) -> KmArmCurve:
    km = kaplan_meier(time, event, conf_type="log")
    censored = km.censored > 0
    return KmArmCurve(
        arm_id=arm_id,
        label=label,
        time=np.concatenate([[0.0], km.time]),
        survival=np.concatenate([[1.0], km.survival]),
        lower=np.concatenate([[1.0], km.lower]),
        upper=np.concatenate([[1.0], km.upper]),
        censor_time=km.time[censored],
        censor_survival=km.survival[censored],
        digitised_time=np.array([0.0, 6.0, 12.0]),
        digitised_survival=np.array([1.0, km.survival_at(6.0), km.survival_at(12.0)]),
    )


def _counts(time, event, times):
    """At risk (time ≥ t), cumulative censored and events (time < t), per table time."""
    return (
        tuple(int(np.sum(time >= t)) for t in times),
        tuple(int(np.sum((time < t) & (event == 0))) for t in times),
        tuple(int(np.sum((time < t) & (event == 1))) for t in times),
    )


def make_data(
    arms=(("trt", "Drug", 0.7), ("ctl", "Control", 1.0)),
    *,
    n: int = 150,
    seed: int = 20240,
    times=TIMES,
    published_shift: int = 1,
) -> KmPlotData:
    """Two (or more) simulated arms; control median 8 months, each arm's HR as given.

    The first arm's published number at risk at the fifth time is ``published_shift``
    more than ours, so the plot has one difference to flag.
    """
    rng = np.random.default_rng(seed)
    curves, at_risk, censored, events = [], {}, {}, {}
    for arm_id, label, hr in arms:
        time, event = _simulate(rng, n, np.log(2) / 8.0 * hr)
        curves.append(_arm(arm_id, label, time, event))
        at_risk[arm_id], censored[arm_id], events[arm_id] = _counts(time, event, times)
    first = arms[0][0]
    published = {
        first: tuple(v + (published_shift if j == 4 else 0) for j, v in enumerate(at_risk[first]))
    }
    return KmPlotData(
        title="Progression-free survival: reconstructed from Figure 2",
        endpoint_name="Progression-free survival",
        time_unit="months",
        status="reconstructed",
        ci_level=0.95,
        ci_method="log transformation, Greenwood variance",
        arms=tuple(curves),
        table_times=tuple(times),
        at_risk=at_risk,
        censored=censored,
        events=events,
        published_at_risk=published,
        caption="Curves reconstructed from the published figure (Guyot et al. 2012).",
    )


@pytest.fixture(scope="module")
def data() -> KmPlotData:
    return make_data()


@pytest.fixture
def plot(qtbot):
    widget = KmunicatePlot()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def expected_steps(time, value, end):
    """What the curve must hold: value[i] over [time[i], time[i+1]), cut at ``end``."""
    time, value = np.asarray(time, float), np.asarray(value, float)
    keep = time <= end
    if not keep.all():
        last = np.flatnonzero(keep)[-1]
        time = np.append(time[: last + 1], end)
        value = np.append(value[: last + 1], value[last])
    x = np.repeat(time, 2)[1:]
    y = np.repeat(value, 2)[:-1]
    return x, y


def texts(items) -> list[str]:
    return [item.toPlainText() for item in items]


# -- tests --------------------------------------------------------------------------------------


def test_items_per_arm_hold_the_data(plot, data):
    plot.set_data(data, COLOURS)
    end = TIMES[-1] * (1 + X_PADDING)
    assert list(plot.arm_items) == ["trt", "ctl"]
    for arm in data.arms:
        items = plot.arm_items[arm.arm_id]
        colour = QColor(COLOURS[arm.arm_id])
        # Steps in percent, right-continuous, cut at the right edge of the time axis.
        x, y = items.curve.getData()
        ex, ey = expected_steps(arm.time, arm.survival * 100, end)
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)
        assert items.curve.opts["pen"].color() == colour
        # The band is filled between the step limits, in the arm colour, translucent.
        lx, ly = items.lower.getData()
        np.testing.assert_array_equal(ly, expected_steps(arm.time, arm.lower * 100, end)[1])
        assert lx[0] == 0.0 and not items.band.path().isEmpty()
        assert items.band.brush().color().rgb() == colour.rgb()
        assert 0 < items.band.brush().color().alpha() < 100
        # Censoring ticks at (censor time, survival there) up to the axis end.
        cx, cy = items.censor_marks.getData()
        keep = arm.censor_time <= end
        assert keep.sum() >= 20  # the simulation censors plenty of patients
        np.testing.assert_array_equal(cx, arm.censor_time[keep])
        np.testing.assert_array_equal(cy, arm.censor_survival[keep] * 100)
        assert items.censor_marks.opts["symbol"] == "|"
        # The table: exact numbers per row, in the arm colour.
        table = plot.table_texts[arm.arm_id]
        assert list(table) == list(ROW_NAMES)
        expected = {
            "At risk": [str(v) for v in data.at_risk[arm.arm_id]],
            "Censored": [str(v) for v in data.censored[arm.arm_id]],
            "Events": [str(v) for v in data.events[arm.arm_id]],
        }
        if arm.arm_id == "trt":  # one published number differs (fifth time, 12 months)
            expected["At risk"][4] += PUBLISHED_MARK
        for name in ROW_NAMES:
            assert texts(table[name]) == expected[name]
            assert all(item.color == colour for item in table[name])
    # Every column adds up to the arm's patients (a property of the data, drawn unchanged).
    column = [int(t.rstrip(PUBLISHED_MARK)) for t in texts(plot.table_texts["ctl"]["At risk"])]
    assert column[0] == 150
    # Row labels: each arm's name, then its three rows.
    assert [item.text() for item in plot.row_labels.items] == [
        "Drug",
        *ROW_NAMES,
        "Control",
        *ROW_NAMES,
    ]
    assert plot.legend.shown == ["Drug", "Control", "Censored"]


def test_axes_titles_and_caption(plot, data):
    plot.set_data(data, COLOURS)
    assert plot.left_axis.label.toPlainText().strip() == "Progression-free survival (%)"
    assert plot.bottom_axis.label.toPlainText().strip() == "Time since randomisation (months)"
    ticks = plot.bottom_axis._tickLevels[0]
    assert [t for t, _ in ticks] == list(TIMES)
    assert [s for _, s in ticks] == ["0", "3", "6", "9", "12", "15", "18", "21", "24"]
    assert [s for _, s in plot.left_axis._tickLevels[0]] == ["0", "20", "40", "60", "80", "100"]
    x_range = plot.plot_view.viewRange()[0]
    assert x_range == pytest.approx([-X_PADDING * 24, 24 * (1 + X_PADDING)])
    assert plot.title_text.text() == data.title
    assert plot.status_text.text().startswith("◇ Reconstructed from a digitised figure")
    caption = plot.caption_text.text()
    assert caption.startswith(data.caption)
    assert "pointwise 95% confidence intervals (log transformation, Greenwood variance)" in caption
    # The one difference from the printed numbers at risk, named with its arm and time.
    printed = data.published_at_risk["trt"][4]
    assert caption.endswith(
        f"{PUBLISHED_MARK} Number at risk printed in the figure: {printed} (Drug, 12 months)."
    )
    tip = plot.table_texts["trt"]["At risk"][4].toolTip()
    assert tip == (
        f"Drug: {data.at_risk['trt'][4]} at risk (reconstructed); {printed} printed in the figure"
    )
    assert plot.table_texts["trt"]["At risk"][3].toolTip() == ""


def test_table_numbers_sit_under_the_time_ticks(plot, data):
    plot.set_data(data, COLOURS)
    settle()
    for arm_id, rows in plot.table_texts.items():
        for name, items in rows.items():
            for t, item in zip(TIMES, items, strict=True):
                # In data coordinates: exactly the table time (method: TextItem.pos()).
                assert item.pos().x() == t
                # On screen: the table's x at t is the plot's x at t (linked views aligned
                # to within half a pixel), and the number is centred there (1 px: rounding).
                plot_x = plot.plot_view.mapViewToScene(QPointF(t, 0)).x()
                table_x = plot.table_view.mapViewToScene(QPointF(t, 0)).x()
                assert table_x == pytest.approx(plot_x, abs=0.5)
                box = item.textItem.mapRectToScene(item.textItem.boundingRect())
                if not item.toPlainText().endswith(PUBLISHED_MARK):
                    assert box.center().x() == pytest.approx(plot_x, abs=1.0), (arm_id, name, t)
    # The row labels and the survival axis share one column: both views start at one x.
    assert plot.plot_view.sceneBoundingRect().left() == pytest.approx(
        plot.table_view.sceneBoundingRect().left(), abs=0.5
    )


def test_nothing_overlaps_at_800_px_with_nine_columns_and_three_arms(plot):
    three = make_data(
        (("a", "Drug 200 mg", 0.6), ("b", "Drug 100 mg", 0.8), ("c", "Placebo", 1.0)), seed=11
    )
    plot.set_data(three, {"a": "#0072B2", "c": "#E69F00"})
    settle()
    assert plot.viewport().width() <= 800
    label_right = max(
        item.mapRectToScene(item.boundingRect()).right()
        for item, spec in zip(plot.row_labels.items, plot.row_labels.rows, strict=True)
        if not spec.header
    )
    boxes_by_row = []
    for rows in plot.table_texts.values():
        for items in rows.values():
            boxes = [i.textItem.mapRectToScene(i.textItem.boundingRect()) for i in items]
            boxes_by_row.append(boxes)
            # Numbers of one row leave a gap between them, and clear the row labels.
            for left, right in itertools.pairwise(boxes):
                assert left.right() < right.left()
            assert boxes[0].left() > label_right
    # Rows do not run into each other (one table row per text line).
    tops = sorted(row[0].center().y() for row in boxes_by_row)
    heights = boxes_by_row[0][0].height()
    gaps = np.diff(tops)
    assert gaps.min() > 0.7 * heights
    # The table grows with the arms: four rows (name + three) per arm.
    assert len(plot.row_labels.items) == 12
    assert plot.table_view.height() == pytest.approx(12 * plot.row_labels.row_height, abs=1)
    # Everything fits in the widget: the caption's bottom is inside the view.
    caption = plot.caption_text.mapRectToScene(plot.caption_text.boundingRect())
    assert caption.bottom() <= plot.viewport().height() + 0.5
    # An arm missing from the colours takes a palette colour not used by the others.
    assert plot.colours["b"] in ARM_PALETTE
    assert plot.colours["b"] not in {"#0072B2", "#E69F00"}


def test_png_export_is_complete_and_scaled(plot, data, tmp_path):
    plot.set_data(data, COLOURS)
    settle()
    out = plot_to_png(plot, tmp_path / "km.png")
    image = QImage(str(out))
    assert image.width() == PNG_SCALE * plot.viewport().width()
    assert image.height() == pytest.approx(PNG_SCALE * plot.viewport().height(), abs=1)
    # The risk table is in the image: the pixels of the control arm's last "Events" number
    # (bottom right of the table) include its colour, and the caption's pixels are dark.
    blue_or_orange = QColor(COLOURS["ctl"])

    def has_colour(rect: QRectF, colour: QColor, tolerance: int = 60) -> bool:
        r = rect.toRect()
        for x in range(r.left() * PNG_SCALE, r.right() * PNG_SCALE):
            for y in range(r.top() * PNG_SCALE, r.bottom() * PNG_SCALE):
                pixel = image.pixelColor(x, y)
                if (
                    abs(pixel.red() - colour.red())
                    + abs(pixel.green() - colour.green())
                    + abs(pixel.blue() - colour.blue())
                    < tolerance
                ):
                    return True
        return False

    last = plot.table_texts["ctl"]["Events"][-1]
    assert has_colour(last.textItem.mapRectToScene(last.textItem.boundingRect()), blue_or_orange)
    caption = plot.caption_text.mapRectToScene(plot.caption_text.boundingRect())
    assert has_colour(caption, QColor("#333333"), tolerance=120)
    # The control arm's header row is empty under the last time: white there.
    row = len(ROW_NAMES) + 1  # the control arm's name row (row 4), centre at 4.5
    spot = plot.table_view.mapViewToScene(QPointF(TIMES[-1], row + 0.5))
    for dx in range(-4, 5):
        for dy in range(-3, 4):
            x, y = round((spot.x() + dx) * PNG_SCALE), round((spot.y() + dy) * PNG_SCALE)
            assert image.pixelColor(x, y) == QColor("#FFFFFF")


def test_svg_export_has_the_table_as_text(plot, data, tmp_path):
    plot.set_data(data, COLOURS)
    settle()
    svg = plot_to_svg(plot, tmp_path / "km.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "</svg>" in svg
    strings = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for label in ("Drug", "Control", *ROW_NAMES, "Progression-free survival: reconstructed"):
        assert any(s.startswith(label) for s in strings), label
    for arm_id in ("trt", "ctl"):
        for name, counts in (
            ("At risk", data.at_risk),
            ("Censored", data.censored),
            ("Events", data.events),
        ):
            drawn = texts(plot.table_texts[arm_id][name])
            for text in drawn:
                assert text in strings, (arm_id, name, text)
            assert [int(t.rstrip(PUBLISHED_MARK)) for t in drawn] == list(counts[arm_id])
    assert any(data.caption in s for s in strings)


def test_export_actions_are_installed(plot):
    assert _is_plot(plot)
    assert install_exports(plot) == 1
    assert [a.text() for a in plot.actions()] == ["Export PNG…", "Export SVG…"]


def test_ci_and_digitised_toggles(plot, data):
    plot.set_data(data, COLOURS)
    items = list(plot.arm_items.values())
    assert plot.ci_visible and not plot.digitised_visible
    assert all(i.band.isVisible() and not i.digitised.isVisible() for i in items)
    plot.show_ci(False)
    plot.show_digitised(True)
    assert all(not i.band.isVisible() and i.digitised.isVisible() for i in items)
    x, y = plot.arm_items["trt"].digitised.getData()
    np.testing.assert_array_equal(x, data.arms[0].digitised_time)
    np.testing.assert_array_equal(y, data.arms[0].digitised_survival * 100)
    assert plot.arm_items["trt"].digitised.opts["brush"].color().alpha() == 0  # hollow
    # New data keeps the choices.
    plot.set_data(make_data(seed=3), COLOURS)
    items = list(plot.arm_items.values())
    assert all(not i.band.isVisible() and i.digitised.isVisible() for i in items)
    plot.show_ci(True)
    plot.show_digitised(False)
    assert all(i.band.isVisible() and not i.digitised.isVisible() for i in items)


def test_labels_from_files_are_drawn_as_plain_text(plot, data):
    risky = dataclasses.replace(
        data,
        title="<i>Figure</i> 2 & <script>",
        endpoint_name="<b>OS</b>",
        arms=(dataclasses.replace(data.arms[0], label="<b>Drug</b>"), data.arms[1]),
        caption="a < b & <br>c",
    )
    plot.set_data(risky, COLOURS)
    assert plot.row_labels.items[0].text() == "<b>Drug</b>"
    assert plot.legend.shown[0] == "<b>Drug</b>"
    assert plot.title_text.text() == "<i>Figure</i> 2 & <script>"
    assert plot.title_text.item.document().toPlainText() == "<i>Figure</i> 2 & <script>"
    assert plot.left_axis.label.toPlainText().strip() == "<b>OS</b> (%)"
    assert plot.caption_text.text().startswith("a < b & <br>c")
    # The tooltip is escaped so Qt shows the arm's name literally, not in bold.
    tip = plot.table_texts["trt"]["At risk"][4].toolTip()
    assert tooltip_as_text(tip).startswith("<b>Drug</b>: ")
    assert "&lt;b&gt;Drug&lt;/b&gt;" in tip
    assert plot.tip_at(0.0, 100.0).startswith("<b>Drug</b>\n")


def test_curve_reaching_zero_with_undefined_limits(plot):
    # Every patient has an event: S reaches 0 and R's "log" limits are NA there.
    time = np.array([1.0, 2.0, 2.0, 3.5, 5.0, 6.0])
    arm = _arm("z", "All progress", time, np.ones(6, int))
    assert arm.survival[-1] == 0.0 and np.isnan(arm.lower[-1]) and np.isnan(arm.upper[-1])
    no_censoring = dataclasses.replace(
        make_data((("z", "All progress", 1.0),), n=6), arms=(arm,), published_at_risk={}
    )
    plot.set_data(no_censoring, {"z": "#0072B2"})
    items = plot.arm_items["z"]
    x, y = items.curve.getData()
    assert y[-1] == 0.0 and x[-1] == 6.0 and np.isfinite(y).all()
    # The band stops where the limits stop: its right edge is the last time with limits.
    _, ly = items.lower.getData()
    assert np.isnan(ly[-1])
    band = items.band.path().boundingRect()
    assert band.right() == pytest.approx(6.0)  # stretch [5, 6) has limits; S(6) = 0 has none
    assert band.top() >= 0.0
    assert items.censor_marks.getData()[0].size == 0  # no censoring, no marks
    # One arm: one legend entry (plus the censoring mark) and four table rows.
    assert plot.legend.shown == ["All progress", "Censored"]
    assert [i.text() for i in plot.row_labels.items] == ["All progress", *ROW_NAMES]
    assert plot.caption_text.text().count(PUBLISHED_MARK) == 0


def test_very_long_labels_are_elided_with_the_full_text_in_the_tooltip(plot, data):
    long = "Palbociclib 125 mg daily plus fulvestrant 500 mg every four weeks " * 3
    plot.resize(520, 600)
    plot.set_data(
        dataclasses.replace(
            data, arms=(dataclasses.replace(data.arms[0], label=long), *data.arms[1:])
        ),
        COLOURS,
    )
    settle()
    header = plot.row_labels.items[0]
    assert header.text().endswith("…") and len(header.text()) < len(long)
    assert header.toolTip() == long
    assert header.mapRectToScene(header.boundingRect()).right() <= plot.viewport().width()
    assert plot.legend.shown[0].endswith("…")


def test_hover_tip_names_arm_time_estimate_and_interval(plot, data):
    plot.set_data(data, COLOURS)
    arm = data.arms[1]
    i = int(np.searchsorted(arm.time, 6.0, side="right")) - 1
    s, lo, hi = arm.survival[i] * 100, arm.lower[i] * 100, arm.upper[i] * 100
    tip = plot.tip_at(6.0, s + 0.5)
    assert tip == (
        f"Control\nProgression-free survival at 6 months: {s:.1f}% (95% CI {lo:.1f}–{hi:.1f}%)"
    )
    # Far from both curves (each above 50% at 6 months): no tip.
    assert all(a.survival[np.searchsorted(a.time, 6.0, side="right") - 1] > 0.5 for a in data.arms)
    assert plot.tip_at(6.0, 5.0) is None
    assert plot.tip_at(-5.0, 100.0) is None


def test_clear_empties_the_plot(plot, data):
    plot.set_data(data, COLOURS)
    plot.clear()
    assert plot.data is None and plot.arm_items == {} and plot.table_texts == {}
    assert plot.row_labels.items == [] and plot.legend.shown == []
    assert plot.title_text.text() == "" and plot.caption_text.text() == ""
    assert plot.status_text.text() == EMPTY_MESSAGE
    assert plot.table_view.height() == 0
    assert plot.tip_at(1.0, 90.0) is None
    scene_items = plot.plot_view.addedItems
    assert all(type(item).__name__ == "InfiniteLine" for item in scene_items)  # grid only
    # And it can be filled again.
    plot.set_data(data, COLOURS)
    assert len(plot.arm_items) == 2
