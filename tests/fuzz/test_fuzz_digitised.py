"""Fuzzing the digitised-curve readers (``read_curves``, ``read_risk_table``) and the build.

Random tables of cells (header words, numbers written many ways, junk) with a random
separator and line ending, and the digitised fixtures with cells replaced and lines
dropped, swapped, copied or cut: each reader returns its result without NaN or infinity,
or raises ``EvidenceError`` naming the file, the row and the problem. A pair read from the
simulated fixtures is then built into a figure of the simulated trial.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from explorer.evidence import Digitisation, Source, build_km_figure, load
from explorer.evidence.digitised import CurveFile, RiskTableFile, read_curves, read_risk_table
from explorer.evidence.errors import EvidenceError
from tests.fuzz.strategies import (
    DIGITISED,
    assert_finite,
    check_error,
    csv_seeds,
    damaged_bytes,
    mutated_csv,
    outcome,
    profile,
    random_csv,
)

ORIGIN = "digitised.csv"
UNITS = st.sampled_from([None, "months", "days"])
SCALES = st.sampled_from([None, "auto", "proportion", "percent"])


def _curves(source, time_unit=None, target_unit=None, scale=None):
    return outcome(
        lambda: read_curves(
            source, time_unit=time_unit, target_unit=target_unit, scale=scale, origin=ORIGIN
        ),
        ORIGIN,
    )


def _table(source, time_unit=None, target_unit=None):
    return outcome(
        lambda: read_risk_table(
            source, time_unit=time_unit, target_unit=target_unit, origin=ORIGIN
        ),
        ORIGIN,
    )


@profile()
@given(random_csv(), UNITS, UNITS, SCALES, st.booleans())
def test_readers_on_random_csv(text, time_unit, target_unit, scale, as_bytes):
    source = text.encode("utf-8", errors="surrogatepass") if as_bytes else text
    _curves(source, time_unit, target_unit, scale)
    _table(source, time_unit, target_unit)


@profile()
@given(st.data(), UNITS, SCALES)
def test_read_curves_on_mutated_fixtures(data, time_unit, scale):
    _, text = data.draw(mutated_csv(csv_seeds("curves")))
    _curves(data.draw(damaged_bytes(text)), time_unit, "months", scale)
    _curves(text, time_unit, None, scale)


@profile()
@given(st.data(), UNITS)
def test_read_risk_table_on_mutated_fixtures(data, time_unit):
    _, text = data.draw(mutated_csv(csv_seeds("risk")))
    _table(data.draw(damaged_bytes(text)), time_unit, "months")
    _table(text, time_unit, None)


SIMULATED = None


def _simulated():
    global SIMULATED
    if SIMULATED is None:
        SIMULATED = load(DIGITISED / "simulated-trial.json")
    return SIMULATED


@profile()
@given(st.data())
def test_build_km_figure_from_mutated_simulated_files(data):
    curves_seed = tuple(s for s in csv_seeds("curves") if s[0] == "simulated-curves.csv")
    table_seed = tuple(s for s in csv_seeds("risk") if s[0] == "simulated-risk-table.csv")
    _, curves_text = data.draw(mutated_csv(curves_seed))
    _, table_text = data.draw(mutated_csv(table_seed))
    curves = _curves(curves_text, "months")
    table = _table(table_text)
    if not (isinstance(curves, CurveFile) and isinstance(table, RiskTableFile)):
        return
    trial = _simulated()
    try:
        figure = build_km_figure(
            trial,
            curves,
            table,
            endpoint="pfs",
            arm_map=None,
            figure_id="fuzzed_figure",
            label="Figure 9",
            source=Source("simreport", "Figure 9", "Figure 9. Fuzzed"),
            digitisation=Digitisation("WebPlotDigitizer 4.6"),
        )
    except EvidenceError as exc:
        # A problem with a point names the CSV file, one with the figure the trial's.
        check_error(exc, exc.origin)
        assert exc.origin in (ORIGIN, trial.origin)
    else:
        assert_finite(figure)


# --- the minimal failing examples fuzzing found, kept as regression tests -----------------


@example("arm,time,survival\nA,0,1\nA,1e999,0.5\n", "row 3, column time")
@example("arm,time,survival\nA,0,1\nA,2,-1e400\n", "row 3, column survival")
@given(st.just("x,y\n0,1\n1e999,0.5\n"), st.just("row 3, column A (x)"))
@profile()
def test_an_infinite_time_or_survival_is_refused(text, place):
    # read_curves used to accept 1e999 as an infinite time.
    error = _curves(text)
    assert isinstance(error, EvidenceError)
    assert error.path == place
    assert "too large a number" in error.problem


def test_an_infinite_number_at_risk_is_refused():
    # read_risk_table used to raise OverflowError on 1e400.
    error = _table("time,A\n0,1e400\n")
    assert isinstance(error, EvidenceError)
    assert error.path == "row 2, column B (A)"
    assert error.problem == "'1e400' is too large a number"


def test_lines_ending_in_a_lone_carriage_return_are_read():
    # csv.Error "new-line character seen in unquoted field" used to escape.
    curves = _curves("arm,time_months,survival\rA,0,1\rA,2,0.5\r")
    assert isinstance(curves, CurveFile)
    assert curves.curves[0].time == (0.0, 2.0) and curves.curves[0].rows == (2, 3)


def test_a_line_break_inside_a_header_cell_reads_as_a_space():
    # The raw cell, line break and all, used to be put into a two-line message.
    curves = _curves('arm,"Time\n(months)",survival\nA,0,1\nA,2,0.5\n')
    assert isinstance(curves, CurveFile) and curves.time_unit == "months"
    error = _curves('arm,",arm\narm\n')
    assert isinstance(error, EvidenceError) and "\n" not in str(error)


def test_a_cell_beyond_the_csv_field_limit_is_named_by_row():
    # csv.Error "field larger than field limit (131072)" used to escape.
    error = _curves('arm,time,survival\n"' + "x" * 200_000 + '"\n')
    assert isinstance(error, EvidenceError)
    assert error.path == "row 2"
    assert error.problem.startswith("cannot be read as CSV: field larger than field limit")
