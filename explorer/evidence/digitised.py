"""Digitised Kaplan–Meier curves and numbers at risk, read from CSV files into the model.

A Kaplan–Meier figure is digitised in two parts: the points of each arm's curve (read off
the picture with a digitiser such as WebPlotDigitizer, or by hand) and the numbers at risk
printed under it (typed in). This module reads both from CSV and turns them into a
:class:`~explorer.evidence.model.KmFigure` of an evidence file:

1. :func:`read_curves` reads curve points and says which layout it found: the native
   layout (a header with ``arm``, ``time``, ``survival``) or a WebPlotDigitizer export
   (one dataset, or all datasets). :func:`read_risk_table` reads the numbers at risk, in
   long or wide form. Both return plain objects that keep the file's own arm names and
   row numbers.
2. :func:`build_km_figure` maps the file's arm names to the evidence's arm ids, converts
   the times to the endpoint's unit and checks the figure by the same rules as an
   evidence file (``explorer.evidence.validate``), so an imported figure is always one a
   file could hold. :func:`with_km_figure` adds it to the evidence;
   ``explorer.evidence.write.save_with_km_figures`` saves it.

Every problem is an :class:`~explorer.evidence.errors.EvidenceError` naming the file, the
row as a spreadsheet shows it (the header is row 1) and the problem, e.g.
``curves.csv: row 12: survival 1.34 is above 1 (...)``; ``error.problems`` lists all of
them. Only the standard library is used.

Time units: days, weeks, months and years, with a month of 365.25 / 12 = 30.4375 days and
a year of 365.25 days (the conventions of R's survival tutorials and of most trial reports).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from explorer.evidence.errors import EvidenceError
from explorer.evidence.model import (
    Digitisation,
    Evidence,
    KmCurve,
    KmFigure,
    RiskTable,
    Source,
    TimeToEventEndpoint,
)
from explorer.evidence.validate import (
    KM_FIGURES_VERSION,
    RISE_TOLERANCE,
    SURVIVAL_SLACK,
    TIME_RESOLUTION,
    survival_rises,
    validate_km_figure,
)
from explorer.evidence.write import km_figure_to_dict

__all__ = [
    "CURVE_FORMATS",
    "DAYS_PER_UNIT",
    "MAX_FILE_BYTES",
    "CurveFile",
    "ImportedCurve",
    "ImportedRiskTable",
    "RiskTableFile",
    "build_km_figure",
    "convert_time",
    "read_curves",
    "read_risk_table",
    "with_km_figure",
]

#: Length of each time unit in days; a month is 365.25 / 12 days, a year 365.25.
DAYS_PER_UNIT: Mapping[str, float] = {
    "days": 1.0,
    "weeks": 7.0,
    "months": 365.25 / 12,
    "years": 365.25,
}
#: Files above this size are refused: a digitised curve is a few kilobytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: The curve layouts :func:`read_curves` recognises, by the code it reports.
CURVE_FORMATS: Mapping[str, str] = {
    "native": "curve CSV with a header (arm, time, survival)",
    "wpd-dataset": "WebPlotDigitizer export of one dataset (x, y rows, no header)",
    "wpd-all": "WebPlotDigitizer export of all datasets (names, then X, Y columns)",
}
# A time read this little below 0 (as a share of the file's largest time: a pixel or two
# of a printed figure) is the digitiser missing the origin, and is set to 0; further below
# is an error.
_ORIGIN_SLACK = TIME_RESOLUTION
# How auto scale tells percentages: no survival proportion comes near 1.5.
_PERCENT_THRESHOLD = 1.5

_EXPECTED_CURVES = (
    "expected a CSV of digitised curve points: a header with columns arm, time and"
    " survival (or survival_percent), or a WebPlotDigitizer export (x,y rows of one"
    " dataset, or all datasets: a row of names, a row X,Y,X,Y, then the values)"
)
_EXPECTED_TABLE = (
    "expected a CSV of numbers at risk: a header arm,time,at_risk (long form, one row per"
    " arm and time) or time,<arm 1>,<arm 2>,... (wide form, one row per time)"
)
_UNIT_WORDS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "mo": "months",
    "mos": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
}
_TIME_HEADER = re.compile(
    r"^time(?:\s*_\s*(?P<a>[a-z]+)|\s+(?P<b>[a-z]+)|\s*\(\s*(?P<c>[a-z]+)\s*\)"
    r"|\s*\[\s*(?P<d>[a-z]+)\s*\])?$"
)
_SURVIVAL_HEADERS = {"survival": "proportion"} | {
    name: "percent"
    for name in ("survival_percent", "survival (%)", "survival %", "survival_pct", "survival_%")
}
_AT_RISK_HEADERS = {"at_risk", "at risk", "n_at_risk", "n at risk", "number at risk"}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


# --- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedCurve:
    """The digitised points of one arm (in one stratum), as the file names them.

    Attributes
    ----------
    arm : str
        The file's name for the arm (a WebPlotDigitizer dataset name, the ``arm`` cell).
    stratum : str or None
        The ``stratum`` cell, None when the file has no strata.
    time, survival : tuple of float
        The points in file order; times in :attr:`CurveFile.time_unit`, survival as a
        proportion (percentages already divided by 100).
    rows : tuple of int
        The spreadsheet row of each point (header = row 1), for messages.
    """

    arm: str
    stratum: str | None
    time: tuple[float, ...]
    survival: tuple[float, ...]
    rows: tuple[int, ...]


@dataclass(frozen=True)
class CurveFile:
    """Digitised curves read from one file.

    Attributes
    ----------
    origin : str
        The file as given, or ``"<string>"``.
    format : str
        The layout found: a key of :data:`CURVE_FORMATS`.
    time_unit : str or None
        Unit of the times (after any conversion); None when neither the file nor the
        caller said.
    scale : str
        ``"proportion"`` or ``"percent"``: how the file gave survival.
    curves : tuple of ImportedCurve
        One per arm (and stratum), in the order the file first names them.
    """

    origin: str
    format: str
    time_unit: str | None
    scale: str
    curves: tuple[ImportedCurve, ...]

    @property
    def format_name(self) -> str:
        """The layout in words, e.g. "WebPlotDigitizer export of one dataset (...)"."""
        return CURVE_FORMATS[self.format]

    @property
    def arms(self) -> tuple[str, ...]:
        """The file's arm names, in file order."""
        return tuple(dict.fromkeys(curve.arm for curve in self.curves))


@dataclass(frozen=True)
class ImportedRiskTable:
    """The numbers at risk of one arm (in one stratum), as the file names them.

    Attributes
    ----------
    arm, stratum : str, str or None
        As in :class:`ImportedCurve`.
    time : tuple of float
        Strictly increasing from 0, in :attr:`RiskTableFile.time_unit`.
    at_risk : tuple of int
        Non-increasing numbers at risk at those times.
    rows : tuple of int
        The spreadsheet row of each entry.
    """

    arm: str
    stratum: str | None
    time: tuple[float, ...]
    at_risk: tuple[int, ...]
    rows: tuple[int, ...]


@dataclass(frozen=True)
class RiskTableFile:
    """Numbers at risk read from one file.

    Attributes
    ----------
    origin : str
        The file as given, or ``"<string>"``.
    layout : str
        ``"long"`` (arm, time, at_risk rows) or ``"wide"`` (a column per arm).
    time_unit : str or None
        Unit of the times (after any conversion), None when unknown.
    tables : tuple of ImportedRiskTable
        One per arm (and stratum), in file order.
    """

    origin: str
    layout: str
    time_unit: str | None
    tables: tuple[ImportedRiskTable, ...]

    @property
    def arms(self) -> tuple[str, ...]:
        """The file's arm names, in file order."""
        return tuple(dict.fromkeys(table.arm for table in self.tables))


# --- small helpers ------------------------------------------------------------------


def convert_time(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a time between days, weeks, months and years.

    A month is 365.25 / 12 = 30.4375 days and a year 365.25 days.

    Examples
    --------
    >>> convert_time(365.25, "days", "months")
    12.0
    >>> convert_time(6, "months", "weeks")
    26.089285714285715
    """
    if from_unit == to_unit:
        return float(value)
    return float(value) * DAYS_PER_UNIT[from_unit] / DAYS_PER_UNIT[to_unit]


class _Problems:
    """Problems of one file, as (path, problem); raised together, the first reported."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, problem: str) -> None:
        self.items.append((path, problem))

    def raise_if_any(self) -> None:
        if self.items:
            path, problem = self.items[0]
            raise EvidenceError(self.origin, path, problem, problems=self.items)


def _fail(origin: str, path: str, problem: str) -> EvidenceError:
    return EvidenceError(origin, path, problem)


def _text_of(source: str | os.PathLike | bytes, origin: str | None) -> tuple[str, str]:
    """Return (text, origin) of a path, CSV text or bytes; checks size, encoding, binary."""
    if isinstance(source, bytes):
        name = origin or "<bytes>"
        raw = source
    elif isinstance(source, str) and ("\n" in source or "\r" in source):
        name = origin or "<string>"
        raw = source.encode("utf-8")
    else:
        name = origin or os.fspath(source)
        try:
            size = os.stat(source).st_size
        except FileNotFoundError:
            raise _fail(name, "", "file not found") from None
        except OSError as exc:
            raise _fail(name, "", f"cannot be read: {exc.strerror or exc}") from None
        if Path(source).is_dir():
            raise _fail(name, "", "is a folder, not a file")
        if size > MAX_FILE_BYTES:
            raise _fail(name, "", _too_big(size))
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise _fail(name, "", f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(name, "", _too_big(len(raw)))
    if raw.startswith(b"PK\x03\x04"):
        raise _fail(name, "", "is a zip archive or an Excel workbook, not CSV: save it as CSV")
    if b"\x00" in raw[:8192]:
        raise _fail(name, "", "holds binary data, not CSV text")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark (Excel's "CSV UTF-8") is dropped
    except UnicodeDecodeError as exc:
        raise _fail(
            name, "", f"not UTF-8 text (undecodable byte at offset {exc.start}): save it as UTF-8"
        ) from None
    return text, name


def _too_big(size: int) -> str:
    return (
        f"is {size / 1024 / 1024:.1f} MB, above the {MAX_FILE_BYTES // (1024 * 1024)} MB"
        " limit; a digitised curve or risk table is a few kilobytes"
    )


def _not_csv(text: str) -> str | None:
    """Why the text is plainly not CSV (JSON, XML/HTML), or None."""
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return "looks like JSON (an evidence file?), not CSV"
    if start == "<":
        return "looks like XML or HTML, not CSV"
    return None


def _rows(text: str, name: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Split CSV text into (spreadsheet row, stripped cells) of its non-empty rows.

    The delimiter is found from the first non-empty line: a tab, else a semicolon if it
    has one, else a comma; a line break inside a quoted cell becomes a space. Lines may
    end in ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac spreadsheets); what the csv
    module cannot split (a cell over its size limit) is an error naming the row.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            # A line break inside a quoted cell (a header wrapped in a spreadsheet,
            # "Time<Alt+Enter>(months)") reads as a space: messages stay on one line.
            cells = [" ".join(cell.splitlines()).strip() for cell in cells]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                out.append((number, cells))
    except csv.Error as exc:
        raise _fail(name, f"row {number + 1}", f"cannot be read as CSV: {exc}") from None
    return out, delimiter


def _normalise(header: str) -> str:
    return " ".join(header.strip().lower().split())


def _time_unit_of(header: str) -> tuple[bool, str | None, str | None]:
    """(is a time column, its unit, the unit word when not recognised)."""
    match = _TIME_HEADER.match(_normalise(header))
    if not match:
        return False, None, None
    word = next((g for g in match.groups() if g), None)
    if word is None:
        return True, None, None
    unit = _UNIT_WORDS.get(word)
    return True, unit, None if unit else word


def _parse_number(cell: str, decimal_comma: bool) -> float | None:
    """The cell's number, or None when it is not one or is beyond the float range."""
    text = cell.replace(" ", "")
    if decimal_comma and "," in text and "." not in text:
        text = text.replace(",", ".", 1) if text.count(",") == 1 else text
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _not_a_number(cell: str) -> str:
    """Why a cell :func:`_parse_number` refused is not read as a number."""
    text = cell.replace(" ", "").replace(",", ".", 1)
    if _NUMBER.match(text) and not math.isfinite(float(text)):
        return f"{_show(cell)!r} is too large a number"
    return f"{_show(cell)!r} is not a number"


def _show(cell: str) -> str:
    return cell if len(cell) <= 40 else cell[:37] + "..."


def _rows_text(a: int, b: int) -> str:
    a, b = min(a, b), max(a, b)
    return f"rows {a}–{b}" if b == a + 1 else f"rows {a} and {b}"


def _group(arm: str, stratum: str | None) -> str:
    return f"arm {arm!r}" if stratum is None else f"arm {arm!r}, stratum {stratum!r}"


def _units(
    problems: _Problems,
    header_unit: str | None,
    time_unit: str | None,
    target_unit: str | None,
    where: str,
) -> tuple[str | None, str | None]:
    """(unit of the file's times, unit of the result); adds a problem on a conflict."""
    for name, unit in (("time_unit", time_unit), ("target_unit", target_unit)):
        if unit is not None and unit not in DAYS_PER_UNIT:
            raise ValueError(f"{name} must be one of {', '.join(DAYS_PER_UNIT)}, got {unit!r}")
    source = header_unit or time_unit
    if header_unit and time_unit and header_unit != time_unit:
        problems.add(
            where,
            f"the header says the times are in {header_unit}, but time_unit={time_unit!r}"
            " was given",
        )
    if target_unit is not None and source is None:
        problems.add(
            where,
            "the unit of the times is not known: name it in the header (e.g. time_months)"
            " or give time_unit",
        )
    return source, target_unit or source


def _check_scale(scale: str | None) -> None:
    if scale not in (None, "auto", "proportion", "percent"):
        raise ValueError(f"scale must be 'auto', 'proportion' or 'percent', got {scale!r}")


# --- curve points -------------------------------------------------------------------


@dataclass
class _Point:
    row: int
    time: float
    survival: float
    time_text: str
    survival_text: str
    column: str  # how to name the survival cell in messages


def read_curves(
    path_or_text: str | os.PathLike | bytes,
    *,
    time_unit: str | None = None,
    target_unit: str | None = None,
    scale: str | None = None,
    arm: str | None = None,
    origin: str | None = None,
) -> CurveFile:
    """Read digitised Kaplan–Meier curve points, recognising the file's layout.

    Layouts (the one found is :attr:`CurveFile.format`):

    * ``"native"``: a header row with ``arm``, ``time`` and ``survival`` (a proportion) or
      ``survival_percent`` (0–100), and optionally ``stratum``; any column order, header
      case and spaces ignored. The time column may carry its unit: ``time_months``,
      ``time (months)``, ``time [days]``, ``time weeks``, ... (days, weeks, months, years).
    * ``"wpd-dataset"``: WebPlotDigitizer's "View Data" download of one dataset: ``x,y``
      rows without a header (an ``x,y`` header row is skipped). The arm is named by
      ``arm``, else the file name without its extension (WebPlotDigitizer names the file
      after the dataset).
    * ``"wpd-all"``: WebPlotDigitizer's "Export all data" CSV: a row of dataset names,
      each followed by an empty cell, a row ``X,Y,X,Y,...``, then the values, blank where
      a dataset has fewer points. Dataset names become arm names.

    Cells are separated by commas, semicolons or tabs (found from the first line); a
    decimal comma is accepted when the separator is not a comma. A UTF-8 byte order
    mark is ignored.

    Parameters
    ----------
    path_or_text : str, os.PathLike or bytes
        A file path, or the CSV itself: a str with a line break is taken as CSV text,
        any other str as a path; bytes are the file's content.
    time_unit : str, optional
        Unit of the file's times when its header does not name one (WebPlotDigitizer
        files never do). A header unit that differs is an error.
    target_unit : str, optional
        Convert the times to this unit (needs the file's unit).
    scale : {None, "auto", "proportion", "percent"}, optional
        How survival is given. None: the column name says (native), or ``"auto"``
        (WebPlotDigitizer). ``"auto"`` takes percentages when the largest value is above
        1.5. :attr:`CurveFile.scale` records what was used.
    arm : str, optional
        Arm name for a one-dataset WebPlotDigitizer file.
    origin : str, optional
        The name used in messages and :attr:`CurveFile.origin`.

    Returns
    -------
    CurveFile
        The points per arm, survival as proportions, times in ``target_unit`` (or the
        file's unit).

    Raises
    ------
    EvidenceError
        Naming the file, the row (header = row 1) and the problem: not a curve file
        (JSON, XML, binary, above 20 MB, unknown layout), a cell that is not a number, a
        negative time, survival outside [0, 1] by more than 0.05 (digitiser noise), or a
        curve that rises by more than 0.02 between consecutive points in time order.
        ``error.problems`` lists every problem found.

    Notes
    -----
    A time at most 0.5% of the file's largest time below 0 is the digitiser missing the
    origin and is set to 0; a time further below 0 is an error. Points are kept in file
    order; survival is not clipped (the evidence format and the reconstruction tolerate
    0.05 of noise and clip it themselves).

    Examples
    --------
    >>> curves = read_curves("arm,time_months,survival\\nA,0,1\\nA,2.5,0.9\\nB,0,1\\n")
    >>> curves.format, curves.time_unit, curves.arms
    ('native', 'months', ('A', 'B'))
    >>> read_curves("0,100\\n3.1,81.5\\n6.2,60\\n", arm="Placebo").scale
    'percent'
    """
    _check_scale(scale)
    text, name = _text_of(path_or_text, origin)
    reason = _not_csv(text)
    if reason:
        raise _fail(name, "", f"{reason}; {_EXPECTED_CURVES}")
    rows, delimiter = _rows(text, name)
    if not rows:
        raise _fail(name, "", f"is empty; {_EXPECTED_CURVES}")
    decimal_comma = delimiter != ","
    first = rows[0][1]
    headers = {_normalise(cell) for cell in first}
    if headers & _AT_RISK_HEADERS:
        raise _fail(
            name,
            f"row {rows[0][0]}",
            "holds numbers at risk, not curve points: read it as the risk table",
        )
    if headers & ({"arm", "stratum"} | set(_SURVIVAL_HEADERS)) or any(
        _time_unit_of(cell)[0] for cell in first
    ):
        return _read_native(rows, name, decimal_comma, time_unit, target_unit, scale)
    if len(rows) > 1 and _is_xy_row(rows[1][1]):
        return _read_wpd_all(rows, name, decimal_comma, time_unit, target_unit, scale)
    if _is_xy_row(first) and len(first) == 2:  # a one-dataset file with an "x,y" header
        rows = rows[1:]
        if not rows:
            raise _fail(name, "", f"has a header but no points; {_EXPECTED_CURVES}")
        first = rows[0][1]
    if len(first) == 2 and all(_parse_number(c, decimal_comma) is not None for c in first):
        if arm is None:
            arm = Path(name).stem if not name.startswith("<") else "dataset"
        return _read_wpd_dataset(rows, name, decimal_comma, time_unit, target_unit, scale, arm)
    shown = ",".join(_show(c) for c in first[:6])
    raise _fail(name, f"row {rows[0][0]}", f"unrecognised first row {shown!r}; {_EXPECTED_CURVES}")


def _is_xy_row(cells: list[str]) -> bool:
    if not cells or len(cells) % 2:
        return False
    return all(c.upper() == ("X" if i % 2 == 0 else "Y") for i, c in enumerate(cells))


def _read_native(rows, name, decimal_comma, time_unit, target_unit, scale) -> CurveFile:
    problems = _Problems(name)
    header_row, header = rows[0]
    columns: dict[str, int] = {}
    header_unit = None
    survival_scale = None
    for i, cell in enumerate(header):
        key = _normalise(cell)
        is_time, unit, unknown = _time_unit_of(cell)
        if is_time:
            key = "time"
            if unknown:
                problems.add(
                    f"row {header_row}, column {cell}",
                    f"unknown time unit {unknown!r}: use days, weeks, months or years",
                )
            header_unit = unit
        elif key in _SURVIVAL_HEADERS:
            survival_scale = _SURVIVAL_HEADERS[key]
            key = "survival"
        elif key not in ("arm", "stratum"):
            problems.add(
                f"row {header_row}, column {cell or _letter(i)}",
                "is not a column of a curve file (arm, stratum, time, survival or"
                " survival_percent)",
            )
            continue
        if key in columns:
            problems.add(f"row {header_row}, column {cell}", f"a second {key} column")
        columns[key] = i
    for needed in ("arm", "time", "survival"):
        if needed not in columns:
            extra = " (or survival_percent)" if needed == "survival" else ""
            problems.add(f"row {header_row}", f"the header has no {needed} column{extra}")
    problems.raise_if_any()
    if scale == "proportion" and survival_scale == "percent":
        problems.add(
            f"row {header_row}",
            "the survival_percent column holds percentages, but scale='proportion' was given",
        )
    used_scale = survival_scale if scale is None else scale
    survival_name = header[columns["survival"]]
    source_unit, result_unit = _units(
        problems, header_unit, time_unit, target_unit, f"row {header_row}"
    )
    points: dict[tuple[str, str | None], list[_Point]] = {}
    for row, cells in rows[1:]:
        if len(cells) > len(header):
            problems.add(
                f"row {row}", f"{len(cells)} cells, but the header has {len(header)} columns"
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        arm = cells[columns["arm"]]
        stratum = cells[columns["stratum"]] if "stratum" in columns else ""
        if not arm:
            problems.add(f"row {row}, column {header[columns['arm']]}", "is empty")
            continue
        time_text = cells[columns["time"]]
        survival_text = cells[columns["survival"]]
        time = _cell_number(problems, row, header[columns["time"]], time_text, decimal_comma)
        survival = _cell_number(problems, row, survival_name, survival_text, decimal_comma)
        if time is None or survival is None:
            continue
        point = _Point(row, time, survival, time_text, survival_text, survival_name)
        points.setdefault((arm, stratum or None), []).append(point)
    if used_scale == "auto":
        used_scale = _auto_scale(points)
    return _finish_curves(
        problems, name, "native", points, used_scale, source_unit, result_unit, True
    )


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_number(
    problems: _Problems, row: int, column: str, cell: str, decimal_comma: bool
) -> float | None:
    if not cell:
        problems.add(f"row {row}, column {column}", "is empty")
        return None
    value = _parse_number(cell, decimal_comma)
    if value is None:
        hint = " (a decimal comma needs ';' between cells)" if "," in cell else ""
        problems.add(f"row {row}, column {column}", f"{_not_a_number(cell)}{hint}")
    return value


def _auto_scale(points: Mapping[tuple, list[_Point]]) -> str:
    values = [p.survival for group in points.values() for p in group]
    return "percent" if values and max(values) > _PERCENT_THRESHOLD else "proportion"


def _read_wpd_dataset(rows, name, decimal_comma, time_unit, target_unit, scale, arm) -> CurveFile:
    problems = _Problems(name)
    source_unit, result_unit = _units(problems, None, time_unit, target_unit, "")
    group: list[_Point] = []
    for row, cells in rows:
        if len(cells) != 2:
            problems.add(f"row {row}", f"expected 2 values (x, y), found {len(cells)}")
            continue
        x = _cell_number(problems, row, "A (x)", cells[0], decimal_comma)
        y = _cell_number(problems, row, "B (y)", cells[1], decimal_comma)
        if x is not None and y is not None:
            group.append(_Point(row, x, y, cells[0], cells[1], "y"))
    points = {(arm, None): group}
    used = _auto_scale(points) if scale in (None, "auto") else scale
    return _finish_curves(
        problems, name, "wpd-dataset", points, used, source_unit, result_unit, False
    )


def _read_wpd_all(rows, name, decimal_comma, time_unit, target_unit, scale) -> CurveFile:
    # The layout written by WebPlotDigitizer's "Export all data" (automeris-io/
    # WebPlotDigitizer@91411189:app/javascript/services/dataExport.js, generateCSV): a
    # row of dataset names, each followed by '' for its second axis; a row of the axes
    # labels (X, Y for an XY plot); then one row per point index, '' where a dataset has
    # fewer points; cells joined by ',' without quoting, numbers with a '.' decimal point.
    # The one-dataset download (widgets/dataTable.js, makeTable) has no header at all and
    # uses the separator typed in the dialog (", " by default, "; " when the browser's
    # decimal separator is a comma, which then replaces the point).
    problems = _Problems(name)
    (names_row, names), (_, xy) = rows[0], rows[1]
    n_sets = len(xy) // 2
    stray = [i for i, cell in enumerate(names) if cell and (i % 2 or i >= 2 * n_sets)]
    if stray:
        problems.add(
            f"row {names_row}, column {_letter(stray[0])}",
            f"{names[stray[0]]!r} is not above an X column: expected one name per X,Y pair"
            " (a dataset name with a comma in it shifts the row; rename it in WebPlotDigitizer)",
        )
    datasets: list[str] = []
    for i in range(n_sets):
        label = names[2 * i] if 2 * i < len(names) else ""
        if not label:
            problems.add(
                f"row {names_row}, column {_letter(2 * i)}",
                "the dataset name above this X,Y pair is empty",
            )
        elif label in datasets:
            problems.add(
                f"row {names_row}, column {_letter(2 * i)}", f"dataset name {label!r} appears twice"
            )
        datasets.append(label)
    source_unit, result_unit = _units(problems, None, time_unit, target_unit, "")
    problems.raise_if_any()
    points: dict[tuple[str, None], list[_Point]] = {(label, None): [] for label in datasets}
    for row, cells in rows[2:]:
        if len(cells) > 2 * n_sets:
            problems.add(f"row {row}", f"{len(cells)} cells, but row 2 has {2 * n_sets} columns")
            continue
        cells = cells + [""] * (2 * n_sets - len(cells))
        for i, label in enumerate(datasets):
            x_text, y_text = cells[2 * i], cells[2 * i + 1]
            if not x_text and not y_text:
                continue  # this dataset has fewer points
            x_col = f"{_letter(2 * i)} (x of {label!r})"
            y_col = f"{_letter(2 * i + 1)} (y of {label!r})"
            x = _cell_number(problems, row, x_col, x_text, decimal_comma)
            y = _cell_number(problems, row, y_col, y_text, decimal_comma)
            if x is not None and y is not None:
                points[(label, None)].append(_Point(row, x, y, x_text, y_text, "y"))
    for label in datasets:
        if not points[(label, None)]:
            problems.add(f"row {names_row}", f"dataset {label!r} has no points")
    used = _auto_scale(points) if scale in (None, "auto") else scale
    return _finish_curves(problems, name, "wpd-all", points, used, source_unit, result_unit, False)


def _finish_curves(
    problems: _Problems,
    name: str,
    fmt: str,
    points: Mapping[tuple[str, str | None], list[_Point]],
    scale: str,
    source_unit: str | None,
    result_unit: str | None,
    native: bool,
) -> CurveFile:
    """Range and monotonicity checks, scale and unit conversion; raise or build."""
    times = [p.time for group in points.values() for p in group]
    largest = max(times, default=0.0)
    divisor = 100.0 if scale == "percent" else 1.0
    hint_above = "100" if scale == "percent" else "1"
    curves: list[ImportedCurve] = []
    for (arm, stratum), group in points.items():
        clean: list[_Point] = []
        for p in group:
            ok = True
            if p.time < 0:
                if p.time >= -_ORIGIN_SLACK * largest:
                    p.time = 0.0  # the digitiser missed the origin by a hair
                else:
                    problems.add(f"row {p.row}", f"time {p.time_text} is negative")
                    ok = False
            value = p.survival / divisor
            if value > 1 + SURVIVAL_SLACK:
                label = "survival" if p.column == "y" else p.column
                if scale == "proportion":
                    hint = (
                        " (percentages need the survival_percent column or scale=percent)"
                        if native
                        else " (percentages need scale=percent)"
                    )
                else:
                    hint = ""
                problems.add(
                    f"row {p.row}", f"{label} {p.survival_text} is above {hint_above}{hint}"
                )
                ok = False
            elif value < -SURVIVAL_SLACK:
                label = "survival" if p.column == "y" else p.column
                problems.add(f"row {p.row}", f"{label} {p.survival_text} is below 0")
                ok = False
            p.survival = value
            if ok:
                clean.append(p)
        _check_no_rise(problems, arm, stratum, clean)
        factor = 1.0
        if source_unit and result_unit and source_unit != result_unit:
            factor = DAYS_PER_UNIT[source_unit] / DAYS_PER_UNIT[result_unit]
        curves.append(
            ImportedCurve(
                arm=arm,
                stratum=stratum,
                time=tuple(p.time * factor for p in group),
                survival=tuple(p.survival for p in group),
                rows=tuple(p.row for p in group),
            )
        )
    problems.raise_if_any()
    if not curves or not any(curve.time for curve in curves):
        raise _fail(name, "", f"has no points; {_EXPECTED_CURVES}")
    return CurveFile(
        origin=name, format=fmt, time_unit=result_unit, scale=scale, curves=tuple(curves)
    )


def _check_no_rise(
    problems: _Problems, arm: str, stratum: str | None, points: list[_Point]
) -> None:
    """Rises beyond digitiser noise (see ``explorer.evidence.validate.survival_rises``)."""
    rises = survival_rises([p.time for p in points], [p.survival for p in points])
    for a, b in ((points[i], points[j]) for i, j in rises):
        problems.add(
            f"{_rows_text(a.row, b.row)} ({_group(arm, stratum)})",
            f"survival rises from {_pretty(a.survival)} to {_pretty(b.survival)} at time"
            f" {b.time_text}: a Kaplan–Meier curve never rises (up to"
            f" {RISE_TOLERANCE:g} is taken as digitiser noise)",
        )


def _pretty(x: float) -> str:
    return f"{x:.4g}"


# --- numbers at risk ----------------------------------------------------------------


def read_risk_table(
    path_or_text: str | os.PathLike | bytes,
    *,
    time_unit: str | None = None,
    target_unit: str | None = None,
    origin: str | None = None,
) -> RiskTableFile:
    """Read the numbers at risk printed under a Kaplan–Meier figure.

    Two layouts, told apart by the header:

    * long: columns ``arm``, ``time``, ``at_risk`` (also "at risk", "n_at_risk",
      "number at risk"), optionally ``stratum``; one row per arm and time, any order;
    * wide: ``time`` then one column per arm, named by the arm; one row per time, as
      the table is printed.

    The time column may name its unit as in :func:`read_curves`. Numbers at risk are
    whole numbers: ``12`` and ``12.0`` are read, ``12.5`` is an error.

    Parameters
    ----------
    path_or_text : str, os.PathLike or bytes
        A file path, or the CSV itself (a str with a line break), or the file's bytes.
    time_unit, target_unit : str, optional
        As in :func:`read_curves`.
    origin : str, optional
        The name used in messages.

    Returns
    -------
    RiskTableFile
        One table per arm (and stratum), times strictly increasing from 0.

    Raises
    ------
    EvidenceError
        Naming the file, the row and the problem: unknown layout, a count that is not a
        whole number or is negative, a table that does not start at time 0, a time given
        twice, or numbers at risk that rise.

    Examples
    --------
    >>> table = read_risk_table("time (months),Drug,Placebo\\n0,150,150\\n3,120,101\\n")
    >>> table.layout, table.arms, table.tables[1].at_risk
    ('wide', ('Drug', 'Placebo'), (150, 101))
    """
    text, name = _text_of(path_or_text, origin)
    reason = _not_csv(text)
    if reason:
        raise _fail(name, "", f"{reason}; {_EXPECTED_TABLE}")
    rows, delimiter = _rows(text, name)
    if not rows:
        raise _fail(name, "", f"is empty; {_EXPECTED_TABLE}")
    decimal_comma = delimiter != ","
    header_row, header = rows[0]
    keys = [_normalise(cell) for cell in header]
    is_time = [_time_unit_of(cell)[0] for cell in header]
    if set(keys) & set(_SURVIVAL_HEADERS):
        raise _fail(
            name,
            f"row {header_row}",
            "holds curve points, not numbers at risk: read it as the curves",
        )
    if "arm" in keys or any(key in _AT_RISK_HEADERS for key in keys):
        return _read_long(rows, name, decimal_comma, time_unit, target_unit)
    if is_time[0] and len(header) >= 2:
        return _read_wide(rows, name, decimal_comma, time_unit, target_unit)
    shown = ",".join(_show(c) for c in header[:6])
    raise _fail(name, f"row {header_row}", f"unrecognised header {shown!r}; {_EXPECTED_TABLE}")


@dataclass
class _Entry:
    row: int
    time: float
    at_risk: int
    time_text: str


def _time_header(problems: _Problems, row: int, cell: str) -> str | None:
    _, unit, unknown = _time_unit_of(cell)
    if unknown:
        problems.add(
            f"row {row}, column {cell}",
            f"unknown time unit {unknown!r}: use days, weeks, months or years",
        )
    return unit


def _count(problems: _Problems, path: str, cell: str, decimal_comma: bool) -> int | None:
    if not cell:
        problems.add(path, "is empty (write 0 if nobody was at risk)")
        return None
    value = _parse_number(cell, decimal_comma)
    where = path.split(",")[0]
    if value is None:
        problems.add(path, _not_a_number(cell))
        return None
    if value != int(value):
        problems.add(where, f"at_risk {cell} is not a whole number")
        return None
    if value < 0:
        problems.add(where, f"at_risk {cell} is negative")
        return None
    return int(value)


def _read_long(rows, name, decimal_comma, time_unit, target_unit) -> RiskTableFile:
    problems = _Problems(name)
    header_row, header = rows[0]
    columns: dict[str, int] = {}
    header_unit = None
    for i, cell in enumerate(header):
        key = _normalise(cell)
        if _time_unit_of(cell)[0]:
            key = "time"
            header_unit = _time_header(problems, header_row, cell)
        elif key in _AT_RISK_HEADERS:
            key = "at_risk"
        elif key not in ("arm", "stratum"):
            problems.add(
                f"row {header_row}, column {cell or _letter(i)}",
                "is not a column of a long risk table (arm, stratum, time, at_risk)",
            )
            continue
        if key in columns:
            problems.add(f"row {header_row}, column {cell}", f"a second {key} column")
        columns[key] = i
    for needed in ("arm", "time", "at_risk"):
        if needed not in columns:
            problems.add(f"row {header_row}", f"the header has no {needed} column")
    problems.raise_if_any()
    source_unit, result_unit = _units(
        problems, header_unit, time_unit, target_unit, f"row {header_row}"
    )
    entries: dict[tuple[str, str | None], list[_Entry]] = {}
    for row, cells in rows[1:]:
        if len(cells) > len(header):
            problems.add(
                f"row {row}", f"{len(cells)} cells, but the header has {len(header)} columns"
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        arm = cells[columns["arm"]]
        if not arm:
            problems.add(f"row {row}, column {header[columns['arm']]}", "is empty")
            continue
        stratum = (cells[columns["stratum"]] if "stratum" in columns else "") or None
        time_text = cells[columns["time"]]
        time = _cell_number(problems, row, header[columns["time"]], time_text, decimal_comma)
        at_risk = _count(
            problems,
            f"row {row}, column {header[columns['at_risk']]}",
            cells[columns["at_risk"]],
            decimal_comma,
        )
        if time is not None and at_risk is not None:
            entries.setdefault((arm, stratum), []).append(_Entry(row, time, at_risk, time_text))
    return _finish_tables(problems, name, "long", entries, source_unit, result_unit)


def _read_wide(rows, name, decimal_comma, time_unit, target_unit) -> RiskTableFile:
    problems = _Problems(name)
    header_row, header = rows[0]
    header_unit = _time_header(problems, header_row, header[0])
    arms = header[1:]
    for i, arm in enumerate(arms, start=1):
        if not arm:
            problems.add(f"row {header_row}, column {_letter(i)}", "the arm name is empty")
        elif arm in arms[: i - 1]:
            problems.add(f"row {header_row}, column {_letter(i)}", f"arm {arm!r} appears twice")
    problems.raise_if_any()
    source_unit, result_unit = _units(
        problems, header_unit, time_unit, target_unit, f"row {header_row}"
    )
    entries: dict[tuple[str, str | None], list[_Entry]] = {(arm, None): [] for arm in arms}
    for row, cells in rows[1:]:
        if len(cells) > len(header):
            problems.add(
                f"row {row}", f"{len(cells)} cells, but the header has {len(header)} columns"
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        time = _cell_number(problems, row, header[0], cells[0], decimal_comma)
        for i, arm in enumerate(arms, start=1):
            at_risk = _count(
                problems, f"row {row}, column {_letter(i)} ({arm})", cells[i], decimal_comma
            )
            if time is not None and at_risk is not None:
                entries[(arm, None)].append(_Entry(row, time, at_risk, cells[0]))
    return _finish_tables(problems, name, "wide", entries, source_unit, result_unit)


def _finish_tables(
    problems: _Problems,
    name: str,
    layout: str,
    entries: Mapping[tuple[str, str | None], list[_Entry]],
    source_unit: str | None,
    result_unit: str | None,
) -> RiskTableFile:
    factor = 1.0
    if source_unit and result_unit and source_unit != result_unit:
        factor = DAYS_PER_UNIT[source_unit] / DAYS_PER_UNIT[result_unit]
    tables: list[ImportedRiskTable] = []
    for (arm, stratum), group in entries.items():
        for e in group:
            if e.time < 0:
                problems.add(f"row {e.row}", f"time {e.time_text} is negative")
        ordered = sorted(group, key=lambda e: e.time)
        what = _group(arm, stratum)
        if ordered and ordered[0].time > 0:
            problems.add(
                f"row {ordered[0].row} ({what})",
                f"the table starts at time {ordered[0].time_text}; a risk table starts at time 0",
            )
        for a, b in pairwise(ordered):
            if b.time == a.time:
                problems.add(
                    f"{_rows_text(a.row, b.row)} ({what})", f"time {b.time_text} appears twice"
                )
            elif b.at_risk > a.at_risk:
                problems.add(
                    f"{_rows_text(a.row, b.row)} ({what})",
                    f"at risk rises from {a.at_risk} to {b.at_risk} at time {b.time_text}:"
                    " patients cannot join the risk set",
                )
        if ordered and ordered[0].time == 0 and ordered[0].at_risk < 1:
            problems.add(
                f"row {ordered[0].row} ({what})",
                "nobody at risk at time 0: the first number is the number of patients",
            )
        tables.append(
            ImportedRiskTable(
                arm=arm,
                stratum=stratum,
                time=tuple(e.time * factor for e in ordered),
                at_risk=tuple(e.at_risk for e in ordered),
                rows=tuple(e.row for e in ordered),
            )
        )
    problems.raise_if_any()
    if not any(table.time for table in tables):
        raise _fail(name, "", f"has no numbers at risk; {_EXPECTED_TABLE}")
    return RiskTableFile(origin=name, layout=layout, time_unit=result_unit, tables=tuple(tables))


# --- into the evidence --------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _map_arms(
    evidence: Evidence, names: Iterable[str], arm_map: Mapping[str, str] | None, origin: str
) -> dict[str, str]:
    """File arm name -> evidence arm id, by ``arm_map`` or else by arm id or label."""
    arms = evidence.arms
    listing = ", ".join(f"{arm.id} ({arm.label})" for arm in arms)
    problems = _Problems(origin)
    out: dict[str, str] = {}
    for name in names:
        if arm_map is not None:
            target = arm_map.get(name)
            if target is None:
                problems.add("", f"arm {name!r} is not in arm_map; map it to one of {listing}")
            elif target not in {arm.id for arm in arms}:
                problems.add("", f"arm_map maps {name!r} to {target!r}, not an arm id: {listing}")
            else:
                out[name] = target
            continue
        found = [arm.id for arm in arms if _key(name) in (_key(arm.id), _key(arm.label))]
        if len(found) == 1:
            out[name] = found[0]
        else:
            problems.add("", f"arm {name!r} is not an arm of the trial: map it to one of {listing}")
    problems.raise_if_any()
    return out


def _unit_of(file_unit: str | None, given: str | None, origin: str) -> str:
    if file_unit and given and file_unit != given:
        raise _fail(
            origin, "", f"the times are in {file_unit} (from the file), but time_unit={given!r}"
        )
    unit = file_unit or given
    if unit is None:
        raise _fail(
            origin,
            "",
            "the unit of the times is not known: name it in the header (e.g. time_months)"
            " or give time_unit",
        )
    return unit


def _file_name(origin: str) -> str | None:
    return None if origin.startswith("<") else Path(origin).name


def build_km_figure(
    evidence: Evidence,
    curves: CurveFile,
    risk_table: RiskTableFile,
    *,
    endpoint: str,
    arm_map: Mapping[str, str] | None,
    figure_id: str,
    label: str,
    source: Source,
    digitisation: Digitisation,
    total_events: Mapping[str | tuple[str, str | None], int] | None = None,
    time_unit: str | None = None,
    note: str | None = None,
) -> KmFigure:
    """Turn imported curves and numbers at risk into a figure of ``evidence``.

    Parameters
    ----------
    evidence : Evidence
        The trial the figure belongs to.
    curves : CurveFile
        From :func:`read_curves`.
    risk_table : RiskTableFile
        From :func:`read_risk_table`; its arm names go through the same ``arm_map``.
    endpoint : str
        Id of a time-to-event endpoint; the times are converted to its unit.
    arm_map : mapping or None
        File arm name -> evidence arm id, for the names of both files. None matches each
        name to an arm id or label (case and spacing ignored).
    figure_id, label : str
        The figure's id (unique among the evidence's figures) and how the document names
        it ("Figure 2A").
    source : Source
        Where the figure is printed; ``quote`` its caption or title.
    digitisation : Digitisation
        How it was digitised; when ``files`` is empty, the two files' names are filled in.
    total_events : mapping, optional
        Reported total events by evidence arm id (``(arm id, stratum)`` in a stratified
        figure).
    time_unit : str, optional
        Unit of the files' times when they do not name it (WebPlotDigitizer files never
        do); a file's own unit that differs is an error.
    note : str, optional
        Free text kept with the figure.

    Returns
    -------
    KmFigure
        Curves in the curve file's order, each with its risk table; times in the
        endpoint's unit.

    Raises
    ------
    EvidenceError
        An arm that cannot be mapped, a curve without a risk table (or the reverse), an
        unknown unit, or any rule of the evidence format; a problem with a point names
        its file and row, a problem with the figure names the evidence and the path,
        e.g. ``km_figures[1].source.document``.
    """
    ep = next((e for e in evidence.endpoints if e.id == endpoint), None)
    position = next(
        (i for i, f in enumerate(evidence.km_figures) if f.id == figure_id),
        len(evidence.km_figures),
    )
    where = f"km_figures[{position}].endpoint"
    if ep is None:
        known = ", ".join(e.id for e in evidence.endpoints)
        raise _fail(
            evidence.origin, where, f"unknown endpoint id {endpoint!r} (endpoints: {known})"
        )
    if not isinstance(ep, TimeToEventEndpoint):
        raise _fail(
            evidence.origin,
            where,
            f"endpoint {endpoint!r} is {ep.kind}; a Kaplan–Meier figure belongs to a"
            " time-to-event endpoint",
        )
    curve_unit = _unit_of(curves.time_unit, time_unit, curves.origin)
    table_unit = _unit_of(risk_table.time_unit, time_unit, risk_table.origin)
    curve_arms = _map_arms(evidence, curves.arms, arm_map, curves.origin)
    table_arms = _map_arms(evidence, risk_table.arms, arm_map, risk_table.origin)

    tables: dict[tuple[str, str | None], ImportedRiskTable] = {}
    for table in risk_table.tables:
        key = (table_arms[table.arm], table.stratum)
        if key in tables:
            raise _fail(
                risk_table.origin,
                "",
                f"arms {tables[key].arm!r} and {table.arm!r} both map to arm {key[0]!r}",
            )
        tables[key] = table
    problems = _Problems(curves.origin)
    seen: dict[tuple[str, str | None], ImportedCurve] = {}
    for curve in curves.curves:
        key = (curve_arms[curve.arm], curve.stratum)
        if key in seen:
            problems.add("", f"arms {seen[key].arm!r} and {curve.arm!r} both map to arm {key[0]!r}")
        seen[key] = curve
        if key not in tables:
            have = ", ".join(repr(a) for a in risk_table.arms)
            problems.add(
                "",
                f"{_group(curve.arm, curve.stratum)} has points but no risk table"
                f" ({_file_name(risk_table.origin) or 'the risk table'} has {have})",
            )
    problems.raise_if_any()
    for key, table in tables.items():
        if key not in seen:
            raise _fail(
                risk_table.origin,
                "",
                f"{_group(table.arm, table.stratum)} has a risk table but no curve in"
                f" {_file_name(curves.origin) or 'the curve file'}",
            )
    events = _total_events(total_events, seen, evidence.origin)

    target = ep.unit
    km_curves: list[KmCurve] = []
    km_tables: list[RiskTable] = []
    for key, curve in seen.items():
        table = tables[key]
        km_curves.append(
            KmCurve(
                arm=key[0],
                stratum=key[1],
                time=tuple(convert_time(t, curve_unit, target) for t in curve.time),
                survival=curve.survival,
                total_events=events.get(key),
            )
        )
        km_tables.append(
            RiskTable(
                arm=key[0],
                stratum=key[1],
                time=tuple(convert_time(t, table_unit, target) for t in table.time),
                at_risk=table.at_risk,
            )
        )
    if not digitisation.files:
        names = tuple(n for n in map(_file_name, (curves.origin, risk_table.origin)) if n)
        digitisation = dataclasses.replace(digitisation, files=names)
    figure = KmFigure(
        id=figure_id,
        endpoint=endpoint,
        label=label,
        time_unit=target,
        source=source,
        digitisation=digitisation,
        curves=tuple(km_curves),
        risk_tables=tuple(km_tables),
        note=note,
    )
    problems_found = _figure_problems(evidence, figure, position)
    if problems_found:
        pairs = [(curve, tables[key]) for key, curve in seen.items()]
        raise _located(problems_found, evidence, curves, risk_table, pairs)
    return figure


def _total_events(
    given: Mapping[str | tuple[str, str | None], int] | None,
    curves: Mapping[tuple[str, str | None], ImportedCurve],
    origin: str,
) -> dict[tuple[str, str | None], int]:
    out: dict[tuple[str, str | None], int] = {}
    for key, value in (given or {}).items():
        full = key if isinstance(key, tuple) else (key, None)
        if full not in curves:
            known = ", ".join(a if s is None else f"({a!r}, {s!r})" for a, s in curves)
            raise _fail(origin, "", f"total_events names {key!r}, which has no curve ({known})")
        if isinstance(value, bool) or not float(value).is_integer() or value < 0:
            raise _fail(origin, "", f"total_events for {key!r} must be a whole number >= 0")
        out[full] = int(value)
    return out


def _figure_problems(evidence: Evidence, figure: KmFigure, position: int) -> list[tuple[str, str]]:
    endpoints = {
        ep.id: (ep.kind, ep.unit if isinstance(ep, TimeToEventEndpoint) else None)
        for ep in evidence.endpoints
    }
    return validate_km_figure(
        km_figure_to_dict(figure),
        arms=[arm.id for arm in evidence.arms],
        endpoints=endpoints,
        documents=[doc.id for doc in evidence.documents],
        index=position,
    )


_POINT_PATH = re.compile(
    r"^km_figures\[\d+\]\.(curves|risk_tables)\[(\d+)\]\.(?:time|survival|at_risk)\[(\d+)\]$"
)


def _located(
    problems: Sequence[tuple[str, str]],
    evidence: Evidence,
    curves: CurveFile,
    risk_table: RiskTableFile,
    pairs: Sequence[tuple[ImportedCurve, ImportedRiskTable]],
) -> EvidenceError:
    """The first problem, moved to its file and row when it is about one point.

    ``pairs`` are the imported (curve, risk table) in the figure's order: curves[j] and
    risk_tables[j] of the figure come from pairs[j].
    """
    path, problem = problems[0]
    match = _POINT_PATH.match(path)
    if match:
        section, j, k = match.group(1), int(match.group(2)), int(match.group(3))
        curve, table = pairs[j]
        if section == "curves":
            return EvidenceError(curves.origin, f"row {curve.rows[k]}", problem, problems=problems)
        return EvidenceError(risk_table.origin, f"row {table.rows[k]}", problem, problems=problems)
    return EvidenceError(evidence.origin, path, problem, problems=problems)


def with_km_figure(evidence: Evidence, figure: KmFigure) -> Evidence:
    """Return ``evidence`` with ``figure`` added, or replacing the figure of the same id.

    The figure is checked against the evidence first (the rules of the evidence format);
    the result declares schema_version "1.1", the version that has figures.

    Raises
    ------
    EvidenceError
        If the figure breaks a rule of the format for this evidence.
    """
    figures = list(evidence.km_figures)
    position = next((i for i, f in enumerate(figures) if f.id == figure.id), len(figures))
    problems = _figure_problems(evidence, figure, position)
    if problems:
        path, problem = problems[0]
        raise EvidenceError(evidence.origin, path, problem, problems=problems)
    if position < len(figures):
        figures[position] = figure
    else:
        figures.append(figure)
    version = KM_FIGURES_VERSION if evidence.schema_version == "1.0" else evidence.schema_version
    return dataclasses.replace(evidence, km_figures=tuple(figures), schema_version=version)
