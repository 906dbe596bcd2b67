"""Digitised curves and numbers at risk read from CSV, and built into a KmFigure."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from explorer import evidence
from explorer.evidence import Digitisation, EvidenceError, Source
from explorer.evidence.digitised import MAX_FILE_BYTES, convert_time
from explorer.stats.survival import reconstruct_ipd

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "digitised"
MONTH_DAYS = 365.25 / 12


def _error(call, *args, **kwargs) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        call(*args, **kwargs)
    return caught.value


def _curve_error(text: str, **kwargs) -> tuple[str, str]:
    error = _error(evidence.read_curves, text, origin="curves.csv", **kwargs)
    assert error.origin == "curves.csv"
    return error.path, error.problem


def _table_error(text: str, **kwargs) -> tuple[str, str]:
    error = _error(evidence.read_risk_table, text, origin="at-risk.csv", **kwargs)
    return error.path, error.problem


# --- native curve files ---------------------------------------------------------------


def test_native_file_with_unit_in_the_header():
    curves = evidence.read_curves(FIXTURES / "native.csv")
    assert (curves.format, curves.time_unit, curves.scale) == ("native", "months", "proportion")
    assert curves.format_name == "curve CSV with a header (arm, time, survival)"
    assert curves.origin == str(FIXTURES / "native.csv")
    assert curves.arms == ("Drug", "Placebo")
    placebo = curves.curves[1]
    assert placebo.stratum is None
    assert placebo.time == (0.0, 1.5, 1.5, 3.9, 3.9, 7.2, 7.2, 12.5)
    assert placebo.survival == (1.0, 1.0, 0.9, 0.9, 0.72, 0.72, 0.55, 0.55)
    assert placebo.rows == (10, 11, 12, 13, 14, 15, 16, 17)  # header is row 1


def test_bom_semicolons_decimal_commas_percent_and_weeks():
    curves = evidence.read_curves(FIXTURES / "native-semicolon-bom.csv")
    assert (curves.format, curves.time_unit, curves.scale) == ("native", "weeks", "percent")
    drug = curves.curves[0]
    assert drug.arm == "Drug"  # the byte order mark is not part of the first header
    assert drug.time == (0.0, 6.5, 6.5, 20.0, 20.0, 39.0)
    assert drug.survival == pytest.approx((1.0, 1.0, 0.925, 0.925, 0.81, 0.81), abs=1e-12)


def test_units_are_converted_with_a_month_of_365_25_over_12_days():
    months = evidence.read_curves(FIXTURES / "native.csv")
    days = evidence.read_curves(FIXTURES / "native.csv", target_unit="days")
    assert days.time_unit == "days"
    assert days.curves[0].time[1] == pytest.approx(2.1 * 30.4375, rel=1e-15)
    weeks = evidence.read_curves(FIXTURES / "native-semicolon-bom.csv", target_unit="months")
    assert weeks.curves[0].time[1] == pytest.approx(6.5 * 7 / 30.4375, rel=1e-15)
    assert months.curves[0].survival == days.curves[0].survival
    assert convert_time(1, "years", "months") == pytest.approx(12.0, rel=1e-15)
    assert convert_time(365.25, "days", "years") == 1.0
    assert convert_time(30.4375, "days", "months") == 1.0


def test_stratified_native_file():
    curves = evidence.read_curves(FIXTURES / "native-stratified.csv")
    assert [(c.arm, c.stratum) for c in curves.curves] == [
        ("Drug", "Visceral"),
        ("Placebo", "Visceral"),
        ("Drug", "Non-visceral"),
        ("Placebo", "Non-visceral"),
    ]
    assert curves.time_unit == "days"


@pytest.mark.parametrize(
    "header",
    [
        "arm,time_months,survival",
        "ARM , Time (Months) , Survival",
        "survival;arm;time [mo]",
        "time months\tarm\tsurvival",
        "Arm,Time_month,SURVIVAL",
    ],
)
def test_header_spelling_and_column_order_do_not_matter(header):
    delimiter = "\t" if "\t" in header else ";" if ";" in header else ","
    names = [h.strip().lower() for h in header.split(delimiter)]
    values = {"arm": "A", "survival": "0.8"}
    row = delimiter.join(values.get(n, "2.5") for n in names)
    curves = evidence.read_curves(f"{header}\n{row}\n")
    assert curves.curves[0].time == (2.5,)
    assert curves.curves[0].survival == (0.8,)
    assert curves.time_unit == "months"


def test_time_unit_from_the_caller_and_unknown_unit():
    text = "arm,time,survival\nA,0,1\nA,3,0.8\n"
    assert evidence.read_curves(text).time_unit is None
    assert evidence.read_curves(text, time_unit="weeks").time_unit == "weeks"
    assert _curve_error(text, target_unit="days") == (
        "row 1",
        "the unit of the times is not known: name it in the header (e.g. time_months) or give"
        " time_unit",
    )
    assert _curve_error("arm,time_months,survival\nA,0,1\n", time_unit="days") == (
        "row 1",
        "the header says the times are in months, but time_unit='days' was given",
    )
    assert _curve_error("arm,time (fortnights),survival\nA,0,1\n") == (
        "row 1, column time (fortnights)",
        "unknown time unit 'fortnights': use days, weeks, months or years",
    )
    with pytest.raises(ValueError, match="time_unit must be one of days, weeks, months, years"):
        evidence.read_curves(text, time_unit="month")


@pytest.mark.parametrize(
    ("text", "path", "problem"),
    [
        (
            "arm,time,survival\nA,0,1\nA,2,0.9\nA,3,1.34\n",
            "row 4",
            "survival 1.34 is above 1 (percentages need the survival_percent column or"
            " scale=percent)",
        ),
        (
            "arm,time,survival_percent\nA,0,100\nA,3,134\n",
            "row 3",
            "survival_percent 134 is above 100",
        ),
        ("arm,time,survival\nA,0,1\nA,3,-0.2\n", "row 3", "survival -0.2 is below 0"),
        ("arm,time,survival\nA,0,1\nA,-0.5,0.9\nA,24,0.4\n", "row 3", "time -0.5 is negative"),
        (
            "arm,time,survival\nPlacebo,0,1\nPlacebo,2,0.8\nPlacebo,3.1,0.75\nDrug,0,1\n"
            "Drug,1,0.9\nPlacebo,3.9,0.61\nPlacebo,4.2,0.70\n",
            "rows 7–8 (arm 'Placebo')",
            "survival rises from 0.61 to 0.7 at time 4.2: a Kaplan–Meier curve never rises (up"
            " to 0.02 is taken as digitiser noise)",
        ),
        (
            "arm,time,survival\nA,0,1\nA,4.2,0.70\nA,2,0.9\nA,3.9,0.61\n",
            "rows 3 and 5 (arm 'A')",  # in time order, not file order
            "survival rises from 0.61 to 0.7 at time 4.2: a Kaplan–Meier curve never rises (up"
            " to 0.02 is taken as digitiser noise)",
        ),
        (
            "arm,stratum,time,survival\nA,Asia,0,1\nA,Asia,1,0.5\nA,Asia,2,0.6\n",
            "rows 3–4 (arm 'A', stratum 'Asia')",
            "survival rises from 0.5 to 0.6 at time 2: a Kaplan–Meier curve never rises (up"
            " to 0.02 is taken as digitiser noise)",
        ),
        ("arm,time,survival\nA,0,1\nA,abc,0.9\n", "row 3, column time", "'abc' is not a number"),
        (
            'arm,time,survival\nA,0,1\nA,"1,5",0.9\n',
            "row 3, column time",
            "'1,5' is not a number (a decimal comma needs ';' between cells)",
        ),
        ("arm,time,survival\nA,0,1\nA,2,\n", "row 3, column survival", "is empty"),
        ("arm,time,survival\nA,0,1\n,2,0.9\n", "row 3, column arm", "is empty"),
        ("arm,time,survival\nA,0,1\nA,2,0.9,x\n", "row 3", "4 cells, but the header has 3 columns"),
        ("arm,time,survival\nA,0,1\nA,nan,0.9\n", "row 3, column time", "'nan' is not a number"),
        ("arm,time\nA,0\n", "row 1", "the header has no survival column (or survival_percent)"),
        ("time,survival\n0,1\n", "row 1", "the header has no arm column"),
        (
            "arm,time,survival,group\nA,0,1,x\n",
            "row 1, column group",
            "is not a column of a curve file (arm, stratum, time, survival or survival_percent)",
        ),
        (
            "arm,time,time_days,survival\nA,0,0,1\n",
            "row 1, column time_days",
            "a second time column",
        ),
        (
            "arm,time,at_risk\nA,0,10\n",
            "row 1",
            "holds numbers at risk, not curve points: read it as the risk table",
        ),
    ],
)
def test_native_problems_name_the_row_and_the_problem(text, path, problem):
    assert _curve_error(text) == (path, problem)


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does():
    assert _curve_error("arm,time,survival\n\nA,0,1\n\nA,-3,0.9\nA,30,0.5\n") == (
        "row 5",
        "time -3 is negative",
    )


def test_all_problems_are_collected_and_the_first_reported():
    error = _error(evidence.read_curves, "arm,time,survival\nA,0,1\nA,-5,0.9\nA,x,0.8\nA,30,1.5\n")
    assert error.problems == (
        ("row 4, column time", "'x' is not a number"),
        ("row 3", "time -5 is negative"),
        (
            "row 5",
            "survival 1.5 is above 1 (percentages need the survival_percent column or"
            " scale=percent)",
        ),
    )
    assert (error.path, error.problem) == error.problems[0]


def test_scale_percent_or_proportion_can_be_forced():
    text = "arm,time,survival\nA,0,100\nA,3,80\n"
    assert evidence.read_curves(text, scale="percent").curves[0].survival == (1.0, 0.8)
    assert evidence.read_curves(text, scale="auto").scale == "percent"
    assert _curve_error("arm,time,survival_percent\nA,0,100\n", scale="proportion") == (
        "row 1",
        "the survival_percent column holds percentages, but scale='proportion' was given",
    )
    with pytest.raises(ValueError, match="scale must be"):
        evidence.read_curves(text, scale="percentage")


def test_a_time_a_hair_below_zero_is_the_origin():
    # 0.5% of the largest time (24) is 0.12: -0.1 is the digitiser missing the origin.
    curves = evidence.read_curves("arm,time,survival\nA,-0.1,1.003\nA,24,0.4\n")
    assert curves.curves[0].time == (0.0, 24.0)
    assert curves.curves[0].survival == (1.003, 0.4)  # noise kept; reconstruction clips
    assert _curve_error("arm,time,survival\nA,-0.13,1\nA,24,0.4\n") == (
        "row 2",
        "time -0.13 is negative",
    )


def test_a_vertical_drop_clicked_right_to_left_is_not_a_rise():
    # Bottom of the drop at 9.98, top at 10.0: 0.02 apart, under 0.5% of the largest time.
    curves = evidence.read_curves("arm,time,survival\nA,0,1\nA,9.98,0.5\nA,10.0,0.9\nA,20,0.5\n")
    assert curves.curves[0].survival == (1.0, 0.5, 0.9, 0.5)


# --- WebPlotDigitizer -----------------------------------------------------------------


def test_wpd_one_dataset_in_percent():
    curves = evidence.read_curves(FIXTURES / "wpd-one-dataset.csv", time_unit="months")
    assert curves.format == "wpd-dataset"
    assert curves.format_name.startswith("WebPlotDigitizer export of one dataset")
    assert curves.scale == "percent"  # auto: the largest y (100.31) is above 1.5
    curve = curves.curves[0]
    assert curve.arm == "wpd-one-dataset"  # the file's name, as WebPlotDigitizer names it
    assert curve.rows == tuple(range(1, 9))  # no header: the first point is row 1
    assert curve.time[:3] == (0.0, 1.487, 1.5124)  # -0.0213 is the origin
    assert curve.survival[:3] == pytest.approx((1.0031, 0.9986, 0.9012), abs=1e-12)


def test_wpd_one_dataset_with_decimal_commas_matches_the_point_version():
    comma = evidence.read_curves(
        FIXTURES / "wpd-one-dataset-decimal-comma.csv", time_unit="months", arm="Placebo"
    )
    point = evidence.read_curves(FIXTURES / "wpd-one-dataset.csv", time_unit="months")
    assert comma.curves[0].arm == "Placebo"
    assert comma.curves[0].time == point.curves[0].time
    assert comma.curves[0].survival == point.curves[0].survival


def test_wpd_all_datasets_export():
    curves = evidence.read_curves(FIXTURES / "wpd-all-datasets.csv", time_unit="months")
    assert curves.format == "wpd-all"
    assert curves.scale == "proportion"  # auto: the largest y is 1.0012
    assert curves.arms == ("Drug", "Placebo")
    drug, placebo = curves.curves
    assert len(drug.time) == 9 and len(placebo.time) == 8  # Placebo's last row is blank
    assert drug.rows[0] == 3 and placebo.rows[-1] == 10
    assert placebo.time[0] == 0.0  # -0.0087: the origin
    assert drug.time[-1] == 16.5 and drug.survival[-1] == 0.7601


@pytest.mark.parametrize(("maximum", "scale"), [(1.04, "proportion"), (1.6, "percent")])
def test_auto_scale_decides_from_the_largest_value(maximum, scale):
    curves = evidence.read_curves(f"0,{maximum}\n5,0.9\n", arm="A")
    assert curves.scale == scale


def test_auto_scale_at_the_threshold_takes_proportions():
    # 1.5 is not above 1.5: proportions, and 1.5 is then too far above 1.
    assert _curve_error("0,1.5\n5,0.9\n", arm="A") == (
        "row 1",
        "survival 1.5 is above 1 (percentages need scale=percent)",
    )


def test_wpd_scale_forced_to_proportion_on_percentages():
    error = _error(
        evidence.read_curves,
        FIXTURES / "wpd-one-dataset.csv",
        scale="proportion",
        origin="Placebo.csv",
    )
    assert (error.path, error.problem) == (
        "row 1",
        "survival 100.31 is above 1 (percentages need scale=percent)",
    )


def test_wpd_file_with_an_xy_header_row():
    curves = evidence.read_curves("x,y\n0,1\n2,0.5\n", arm="A")
    assert curves.format == "wpd-dataset"
    assert curves.curves[0].rows == (2, 3)


@pytest.mark.parametrize(
    ("text", "path", "problem"),
    [
        ("0,1\n2,0.9,7\n", "row 2", "expected 2 values (x, y), found 3"),
        ("0,1\n2,x\n", "row 2, column B (y)", "'x' is not a number"),
        (
            "Drug,,Placebo,\nX,Y,X,Y\n0,1,0,1\n2,,1,0.8\n",
            "row 4, column B (y of 'Drug')",
            "is empty",
        ),
        (
            "Drug,,Drug,\nX,Y,X,Y\n0,1,0,1\n",
            "row 1, column C",
            "dataset name 'Drug' appears twice",
        ),
        (
            "Drug,,,\nX,Y,X,Y\n0,1,0,1\n",
            "row 1, column C",
            "the dataset name above this X,Y pair is empty",
        ),
        (
            "Drug, 5 mg,,Placebo,\nX,Y,X,Y\n0,1,0,1\n",
            "row 1, column B",
            "'5 mg' is not above an X column: expected one name per X,Y pair (a dataset"
            " name with a comma in it shifts the row; rename it in WebPlotDigitizer)",
        ),
        ("Drug,,Placebo,\nX,Y,X,Y\n0,1,,\n", "row 1", "dataset 'Placebo' has no points"),
        (
            "Drug,,Placebo,\nX,Y,X,Y\n0,1,0,1\n1,0.9,1,0.9,5\n",
            "row 4",
            "5 cells, but row 2 has 4 columns",
        ),
    ],
)
def test_wpd_problems_name_the_row_and_column(text, path, problem):
    assert _curve_error(text, time_unit="months") == (path, problem)


# --- what is not a curve file -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b'{"schema_version": "1.1"}\n',
            "looks like JSON (an evidence file?), not CSV; expected a CSV of digitised curve"
            " points",
        ),
        (b'<?xml version="1.0"?>\n<svg/>\n', "looks like XML or HTML, not CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds binary data, not CSV text"),
        (b"PK\x03\x04\x14\x00", "is a zip archive or an Excel workbook, not CSV: save it as CSV"),
        (b"arm,time,survival\nPlac\xe9bo,0,1\n", "not UTF-8 text (undecodable byte at offset"),
        (b"\n\n", "is empty; expected a CSV of digitised curve points"),
    ],
)
def test_other_files_are_refused_saying_what_was_expected(tmp_path, content, problem):
    path = tmp_path / "figure.csv"
    path.write_bytes(content)
    error = _error(evidence.read_curves, path)
    assert error.origin == str(path)
    assert error.path == ""
    assert error.problem.startswith(problem)


def test_unrecognised_first_row_says_what_was_expected():
    path, problem = _curve_error("patient,months,status\n1,3.2,1\n")
    assert path == "row 1"
    assert problem.startswith("unrecognised first row 'patient,months,status'; expected a CSV")
    assert "WebPlotDigitizer export" in problem


def test_files_above_20_mb_are_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1024 * 1024)  # sparse: no 21 MB written
    error = _error(evidence.read_curves, path)
    assert error.problem == (
        "is 21.0 MB, above the 20 MB limit; a digitised curve or risk table is a few kilobytes"
    )
    assert _error(evidence.read_risk_table, path).problem == error.problem
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_missing_file_and_folder(tmp_path):
    assert _error(evidence.read_curves, tmp_path / "nope.csv").problem == "file not found"
    assert _error(evidence.read_risk_table, tmp_path).problem == "is a folder, not a file"


# --- risk tables ----------------------------------------------------------------------


def test_long_and_wide_risk_tables_agree():
    long = evidence.read_risk_table(FIXTURES / "risk-long.csv")
    wide = evidence.read_risk_table(FIXTURES / "risk-wide.csv")
    assert (long.layout, wide.layout) == ("long", "wide")
    assert (long.time_unit, wide.time_unit) == (None, "months")
    assert long.arms == wide.arms == ("Drug", "Placebo")
    for a, b in zip(long.tables, wide.tables, strict=True):
        assert (a.arm, a.time, a.at_risk) == (b.arm, b.time, b.at_risk)
    assert wide.tables[1].at_risk == (40, 35, 27, 20, 9)
    assert wide.tables[1].rows == (2, 3, 4, 5, 6)
    assert long.tables[1].rows == (7, 8, 9, 10, 11)


def test_long_table_rows_in_any_order_with_strata_and_whole_floats():
    table = evidence.read_risk_table(
        "stratum,at risk,time_days,arm\nB,7.0,30,A\nB,10,0,A\nC,12,0,A\nC,9,30,A\n"
    )
    assert [(t.stratum, t.time, t.at_risk, t.rows) for t in table.tables] == [
        ("B", (0.0, 30.0), (10, 7), (3, 2)),
        ("C", (0.0, 30.0), (12, 9), (4, 5)),
    ]
    assert table.time_unit == "days"
    months = evidence.read_risk_table(
        "time_days,A\n0,10\n91.3125,8\n", target_unit="months", origin="t.csv"
    )
    assert months.tables[0].time == (0.0, 3.0)


@pytest.mark.parametrize(
    ("text", "path", "problem"),
    [
        ("arm,time,at_risk\nA,0,20\nA,3,12.5\n", "row 3", "at_risk 12.5 is not a whole number"),
        ("arm,time,at_risk\nA,0,20\nA,3,-1\n", "row 3", "at_risk -1 is negative"),
        (
            "time,A,B\n0,20,20\n3,12.5,15\n",
            "row 3",
            "at_risk 12.5 is not a whole number",
        ),
        (
            "time,A,B\n0,20,20\n3,,15\n",
            "row 3, column B (A)",
            "is empty (write 0 if nobody was at risk)",
        ),
        ("time,A\n0,20\n3,many\n", "row 3, column B (A)", "'many' is not a number"),
        (
            "arm,time,at_risk\nA,3,20\nA,6,12\n",
            "row 2 (arm 'A')",
            "the table starts at time 3; a risk table starts at time 0",
        ),
        (
            "arm,time,at_risk\nA,0,20\nA,3,12\nA,3,11\n",
            "rows 3–4 (arm 'A')",
            "time 3 appears twice",
        ),
        (
            "time,Drug\n0,50\n3,45\n6,40\n9,45\n",
            "rows 4–5 (arm 'Drug')",
            "at risk rises from 40 to 45 at time 9: patients cannot join the risk set",
        ),
        (
            "time,A\n0,0\n3,0\n",
            "row 2 (arm 'A')",
            "nobody at risk at time 0: the first number is the number of patients",
        ),
        ("arm,time,at_risk\nA,-3,20\nA,0,30\n", "row 2", "time -3 is negative"),
        ("time,A,A\n0,1,2\n", "row 1, column C", "arm 'A' appears twice"),
        ("time,,B\n0,1,2\n", "row 1, column B", "the arm name is empty"),
        ("arm,time\nA,0\n", "row 1", "the header has no at_risk column"),
        (
            "arm,time,at_risk,events\nA,0,1,0\n",
            "row 1, column events",
            "is not a column of a long risk table (arm, stratum, time, at_risk)",
        ),
        (
            "arm,time,survival\nA,0,1\n",
            "row 1",
            "holds curve points, not numbers at risk: read it as the curves",
        ),
        ("time,A\n0,20\n3,12,4\n", "row 3", "3 cells, but the header has 2 columns"),
    ],
)
def test_risk_table_problems_name_the_row_and_the_problem(text, path, problem):
    assert _table_error(text) == (path, problem)


def test_risk_table_layout_not_recognised():
    path, problem = _table_error("months;n\n0;10\n")
    assert path == "row 1"
    assert problem.startswith("unrecognised header 'months,n'; expected a CSV of numbers at risk")


# --- building the figure ----------------------------------------------------------------


@pytest.fixture(scope="module")
def trial() -> evidence.Evidence:
    """The docs' minimal example: arms new/std, endpoint os in months, document paper."""
    text = (ROOT / "docs" / "evidence-format.md").read_text(encoding="utf-8")
    block = text.split("<!-- minimal-example:start -->")[1].split("<!-- minimal-example:end")[0]
    data = json.loads(block.strip().removeprefix("```json").removesuffix("```"))
    return evidence.from_dict(data, origin="trial.json")


SOURCE = Source("paper", "Figure 2", "Figure 2. Overall survival")
ARM_MAP = {"Drug": "new", "Placebo": "std"}


def _build(trial, curves, table, **kwargs):
    options = {
        "endpoint": "os",
        "arm_map": ARM_MAP,
        "figure_id": "os_km",
        "label": "Figure 2",
        "source": SOURCE,
        "digitisation": Digitisation("WebPlotDigitizer 4.6", date="2024-03-01"),
    }
    options.update(kwargs)
    return evidence.build_km_figure(trial, curves, table, **options)


def test_build_maps_arms_pairs_tables_and_fills_in_the_files(trial):
    curves = evidence.read_curves(FIXTURES / "wpd-all-datasets.csv", time_unit="months")
    table = evidence.read_risk_table(FIXTURES / "risk-wide.csv")
    figure = _build(trial, curves, table, total_events={"new": 12, "std": 20}, note="test")
    assert figure.endpoint == "os" and figure.time_unit == "months"
    assert [(c.arm, c.total_events) for c in figure.curves] == [("new", 12), ("std", 20)]
    assert [t.arm for t in figure.risk_tables] == ["new", "std"]
    assert figure.curve("std").time == curves.curves[1].time
    assert figure.risk_table("new").at_risk == (40, 37, 33, 30, 21)
    assert figure.digitisation.files == ("wpd-all-datasets.csv", "risk-wide.csv")
    assert figure.digitisation.date == "2024-03-01"
    assert figure.note == "test"


def test_build_converts_weeks_and_days_to_the_endpoint_unit(trial):
    curves = evidence.read_curves(FIXTURES / "native-semicolon-bom.csv")  # weeks
    table = evidence.read_risk_table(
        "arm,time_days,at_risk\nDrug,0,40\nDrug,91.3125,30\nPlacebo,0,40\nPlacebo,91.3125,25\n",
        origin="at-risk.csv",
    )
    figure = _build(trial, curves, table)
    assert figure.time_unit == "months"
    assert figure.curve("new").time[1] == pytest.approx(6.5 * 7 / MONTH_DAYS, rel=1e-15)
    assert figure.curve("new").time[-1] == pytest.approx(39 * 7 / MONTH_DAYS, rel=1e-15)
    assert figure.risk_table("std").time == (0.0, 3.0)
    assert figure.digitisation.files == ("native-semicolon-bom.csv", "at-risk.csv")


def test_build_needs_a_unit_for_unitless_files(trial):
    curves = evidence.read_curves(FIXTURES / "native.csv")
    table = evidence.read_risk_table(FIXTURES / "risk-long.csv")
    error = _error(_build, trial, curves, table)
    assert str(error) == (
        f"{FIXTURES / 'risk-long.csv'}: the unit of the times is not known: name it in the"
        " header (e.g. time_months) or give time_unit"
    )
    assert _build(trial, curves, table, time_unit="months").risk_table("std").time[-1] == 12.0
    error = _error(_build, trial, curves, table, time_unit="weeks")
    assert error.problem == "the times are in months (from the file), but time_unit='weeks'"


def test_build_matches_arm_ids_and_labels_without_a_map(trial):
    curves = evidence.read_curves("arm,time_months,survival\nnew,0,1\n STANDARD ,0,1\n")
    table = evidence.read_risk_table("time_months,New,std\n0,10,10\n")
    figure = _build(trial, curves, table, arm_map=None)
    assert [c.arm for c in figure.curves] == ["new", "std"]


@pytest.mark.parametrize(
    ("curve_text", "table_text", "arm_map", "origin", "problem"),
    [
        (
            "arm,time_months,survival\nDrug,0,1\nOther,0,1\n",
            "time_months,Drug,Other\n0,10,10\n",
            ARM_MAP,
            "curves.csv",
            "arm 'Other' is not in arm_map; map it to one of new (New), std (Standard)",
        ),
        (
            "arm,time_months,survival\nDrug,0,1\n",
            "time_months,Drug\n0,10\n",
            None,
            "curves.csv",
            "arm 'Drug' is not an arm of the trial: map it to one of new (New), std (Standard)",
        ),
        (
            "arm,time_months,survival\nDrug,0,1\n",
            "time_months,Drug\n0,10\n",
            {"Drug": "newer"},
            "curves.csv",
            "arm_map maps 'Drug' to 'newer', not an arm id: new (New), std (Standard)",
        ),
        (
            "arm,time_months,survival\nDrug,0,1\nPlacebo,0,1\n",
            "time_months,Placebo\n0,10\n",
            ARM_MAP,
            "curves.csv",
            "arm 'Drug' has points but no risk table (at-risk.csv has 'Placebo')",
        ),
        (
            "arm,time_months,survival\nDrug,0,1\n",
            "time_months,Drug,Placebo\n0,10,10\n",
            ARM_MAP,
            "at-risk.csv",
            "arm 'Placebo' has a risk table but no curve in curves.csv",
        ),
        (
            "arm,time_months,survival\nDrug,0,1\nPlacebo,0,1\n",
            "time_months,Drug,Placebo\n0,10,10\n",
            {"Drug": "new", "Placebo": "new"},
            "at-risk.csv",
            "arms 'Drug' and 'Placebo' both map to arm 'new'",
        ),
    ],
)
def test_build_arm_problems(trial, curve_text, table_text, arm_map, origin, problem):
    curves = evidence.read_curves(curve_text, origin="curves.csv")
    table = evidence.read_risk_table(table_text, origin="at-risk.csv")
    error = _error(_build, trial, curves, table, arm_map=arm_map)
    assert (error.origin, error.path, error.problem) == (origin, "", problem)


def test_build_reports_a_point_at_its_file_and_row(trial):
    # The curve ends at 4 months; the table goes to 12 in steps of 3: 12 > 4 + 3.
    curves = evidence.read_curves(
        "arm,time_months,survival\nDrug,0,1\nDrug,4,0.8\nPlacebo,0,1\nPlacebo,4,0.7\n",
        origin="curves.csv",
    )
    table = evidence.read_risk_table(
        "time_months,Drug,Placebo\n0,10,10\n3,9,8\n6,8,6\n9,6,4\n12,4,2\n", origin="at-risk.csv"
    )
    error = _error(_build, trial, curves, table)
    assert (error.origin, error.path) == ("at-risk.csv", "row 5")  # time 9: beyond 4 + 3
    assert error.problem.startswith("time 9 lies beyond the curve's last point (4)")


def test_build_reports_figure_problems_at_their_path(trial):
    curves = evidence.read_curves(FIXTURES / "native.csv")
    table = evidence.read_risk_table(FIXTURES / "risk-wide.csv")
    error = _error(_build, trial, curves, table, total_events={"new": 41})
    assert str(error) == (
        "trial.json: km_figures[0].curves[0].total_events: 41 events exceed the 40 patients"
        " at risk at time 0 (risk_tables[0].at_risk[0])"
    )
    error = _error(_build, trial, curves, table, source=Source("poster", "Fig 2", "Fig 2"))
    assert (error.path, error.problem) == (
        "km_figures[0].source.document",
        "unknown document id 'poster' (documents are: paper)",
    )
    error = _error(_build, trial, curves, table, endpoint="pfs")
    assert (error.path, error.problem) == (
        "km_figures[0].endpoint",
        "unknown endpoint id 'pfs' (endpoints: os)",
    )
    error = _error(_build, trial, curves, table, total_events={"placebo": 3})
    assert error.problem == "total_events names 'placebo', which has no curve (new, std)"
    error = _error(_build, trial, curves, table, figure_id="2nd figure")
    assert (error.path, error.problem) == (
        "km_figures[0].id",
        "must be an id: a letter, then letters, digits, '_' or '-'",
    )


def test_build_refuses_a_binary_endpoint(trial):
    binary = evidence.BinaryEndpoint(
        id="orr", name="Response", role="secondary", population="itt", by_arm={}
    )
    with_binary = dataclasses.replace(trial, endpoints=(*trial.endpoints, binary))
    curves = evidence.read_curves(FIXTURES / "native.csv")
    table = evidence.read_risk_table(FIXTURES / "risk-wide.csv")
    error = _error(_build, with_binary, curves, table, endpoint="orr")
    assert error.problem == (
        "endpoint 'orr' is binary; a Kaplan–Meier figure belongs to a time-to-event endpoint"
    )


def test_with_km_figure_adds_replaces_and_declares_11(trial):
    curves = evidence.read_curves(FIXTURES / "native.csv")
    table = evidence.read_risk_table(FIXTURES / "risk-wide.csv")
    figure = _build(trial, curves, table)
    added = evidence.with_km_figure(trial, figure)
    assert trial.km_figures == () and trial.schema_version == "1.0"  # unchanged
    assert added.km_figures == (figure,) and added.schema_version == "1.1"
    assert added.km_figure_for("os") == figure
    relabelled = dataclasses.replace(figure, label="Figure 2 (update)")
    replaced = evidence.with_km_figure(added, relabelled)
    assert replaced.km_figures == (relabelled,)
    second = dataclasses.replace(figure, id="os_km_b")
    assert [f.id for f in evidence.with_km_figure(replaced, second).km_figures] == [
        "os_km",
        "os_km_b",
    ]
    bad = dataclasses.replace(figure, time_unit="weeks")
    error = _error(evidence.with_km_figure, added, bad)
    assert (error.origin, error.path) == ("trial.json", "km_figures[0].time_unit")


# --- the simulated fixture ----------------------------------------------------------------


def _generator():
    spec = importlib.util.spec_from_file_location("make_simulated", FIXTURES / "make_simulated.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_simulated_fixture_is_what_the_script_makes(tmp_path):
    _generator().main(tmp_path)
    for name in ("simulated-curves.csv", "simulated-risk-table.csv", "simulated-trial.json"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_simulated_trial_is_a_clearly_simulated_11_file():
    trial = evidence.load(FIXTURES / "simulated-trial.json")
    assert trial.schema_version == "1.1"
    assert (trial.trial.acronym, trial.trial.registry_id) == ("SIMULATED DEMO", "NCT00000000")
    assert "SIMULATED" in trial.trial.title and "not a real trial" in trial.trial.title
    figure = trial.km_figure_for("pfs")
    assert figure.id == "pfs_figure_1"
    assert [c.arm for c in figure.curves] == ["drug", "placebo"]
    assert figure.risk_table("drug").time == tuple(float(t) for t in range(0, 28, 3))
    # Uneven spacing: the digitised points are not on a grid.
    gaps = np.diff(np.sort(figure.curve("placebo").time))
    assert gaps.min() < 0.05 < 2.0 < gaps.max()


@pytest.mark.parametrize("arm", ["drug", "placebo"])
def test_simulated_figure_reconstructs_its_risk_table(arm):
    # Guyot reconstruction (explorer.stats) of the simulated digitisation: the numbers at
    # risk and total events are met exactly; the curve within 2 percentage points (noise
    # SD 0.002 plus missed corners).
    figure = evidence.load(FIXTURES / "simulated-trial.json").km_figure("pfs_figure_1")
    curve, table = figure.curve(arm), figure.risk_table(arm)
    ipd = reconstruct_ipd(
        curve.time,
        curve.survival,
        risk_time=table.time,
        at_risk=table.at_risk,
        total_events=curve.total_events,
    )
    assert ipd.interval_at_risk.tolist() == list(table.at_risk)
    assert ipd.n_events == curve.total_events
    assert ipd.max_abs_diff < 0.02


def test_bytes_and_text_with_a_byte_order_mark_are_read():
    text = "\ufeffarm,time_months,survival\nA,0,1\nA,3,0.8\n"
    from_text = evidence.read_curves(text)
    from_bytes = evidence.read_curves(text.encode("utf-8"), origin="upload.csv")
    assert from_text.curves == from_bytes.curves
    assert from_bytes.origin == "upload.csv"
    assert from_text.curves[0].arm == "A"


@pytest.mark.parametrize("module", ["digitised", "validate", "write"])
def test_docstring_examples(module):
    failures, attempted = doctest.testmod(importlib.import_module(f"explorer.evidence.{module}"))
    assert attempted > 0 and failures == 0
