"""Validation of evidence data: the JSON Schema, then the rules a schema cannot say.

:func:`validate` returns every problem as ``(path, problem)``: first the schema's
(structure, types, enumerations), most relevant first; then the semantic ones
(references between ids, intervals, counts against denominators ...). Paths use the
syntax of :func:`explorer.evidence.errors.format_path`. Semantic checks tolerate
malformed data, so one call reports as much as it can; a semantic problem at or under
a place the schema already rejected is left out.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import statistics
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from explorer import resources
from explorer.evidence.errors import format_path

__all__ = [
    "KM_FIGURES_VERSION",
    "MAX_DEPTH",
    "RISE_TOLERANCE",
    "SCHEMA_VERSION",
    "SUPPORTED_VERSIONS",
    "SURVIVAL_SLACK",
    "TIME_RESOLUTION",
    "minimum_version",
    "schema",
    "structure_problems",
    "survival_rises",
    "validate",
    "validate_km_figure",
]

#: The format version this reader writes for new files (the newest it understands).
SCHEMA_VERSION = "1.2"
#: Every format version this reader understands; 1.1 adds ``km_figures``; 1.2 adds
#: registry outcome measures, named comparisons, ungraded adverse events, trial context
#: and lets a source leave the design calculation and the control arm out.
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
#: The version that introduced ``km_figures``: a 1.0 file given figures becomes this.
KM_FIGURES_VERSION = "1.1"
# Versions whose rules 1.2 relaxed (one control arm, a full design calculation ...).
_BEFORE_1_2 = ("1.0", "1.1")
#: Digitiser noise tolerated outside [0, 1] on a digitised survival curve (the same
#: tolerance as ``explorer.stats.survival.reconstruct_ipd``, which clips it).
SURVIVAL_SLACK = 0.05
#: Largest rise of a digitised survival curve taken as digitiser noise; a Kaplan–Meier
#: curve itself never rises. See :func:`survival_rises`.
RISE_TOLERANCE = 0.02
#: Points of a digitised curve closer in time than this share of its largest time count as
#: read at the same time (the top and bottom of one vertical drop, clicked a pixel apart).
TIME_RESOLUTION = 0.005
#: Deepest nesting of arrays and objects read. Real evidence files nest 8 levels and
#: registry records 11 (19 in the retired classic JSON); far deeper data is refused by
#: place before the schema check, whose recursion it would exhaust.
MAX_DEPTH = 64

Path = tuple[str | int, ...]

# Sections holding entries with ids, each id unique within its section.
_ID_SECTIONS = (
    "documents",
    "arms",
    "populations",
    "endpoints",
    "adverse_events",
    "baseline",
    "eligibility",
    "km_figures",
    "outcome_measures",
)
_TIME_UNITS = ("days", "weeks", "months", "years")  # a tuple: units may be junk
_GRADE_PATTERN = "^(any|[1-5]|[1-5]-[1-5]|>=[1-5])$"
_PATTERN_WORDS = {
    "^[A-Za-z][A-Za-z0-9_-]*$": "must be an id: a letter, then letters, digits, '_' or '-'",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "must be an ISO date (YYYY-MM-DD)",
    "^[0-9]{4}-[0-9]{2}$": "must be a year and month (YYYY-MM)",
    _GRADE_PATTERN: "must be a grade: any, 1 to 5, a band like 3-4, or >=3",
}
_TYPE_WORDS = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def schema() -> dict[str, Any]:
    """Return the evidence JSON Schema (draft 2020-12) as a fresh dict."""
    return json.loads(resources.read_text(resources.EVIDENCE_SCHEMA))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


@cache
def _figure_validator() -> Draft202012Validator:
    """A validator for one entry of ``km_figures``, using the evidence schema's $defs."""
    return Draft202012Validator({"$defs": schema()["$defs"], "$ref": "#/$defs/km_figure"})


def validate(data: Any) -> list[tuple[str, str]]:
    """Return every problem of ``data`` as ``(path, problem)``; empty when valid.

    Parameters
    ----------
    data : mapping
        Parsed JSON (dicts, lists, strings, numbers, booleans, None).

    Returns
    -------
    list of (str, str)
        Schema problems first (the most relevant one leading), then semantic ones.
        An unsupported ``schema_version`` is reported alone, since the rest of the
        file may follow another layout.

    Examples
    --------
    >>> validate({"schema_version": "2.0"})
    [('schema_version', "unsupported schema_version '2.0'; this version reads 1.0, 1.1 and 1.2")]

    Notes
    -----
    Data that no JSON text can hold and that the checks cannot handle safely (see
    :func:`structure_problems`: NaN, infinity, integers beyond the float range, nesting
    deeper than :data:`MAX_DEPTH`) is reported alone, before the schema check.
    """
    structural = structure_problems(data)
    if structural:
        return structural
    if isinstance(data, Mapping):
        version = data.get("schema_version")
        if isinstance(version, str) and version not in SUPPORTED_VERSIONS:
            readable = ", ".join(SUPPORTED_VERSIONS[:-1]) + " and " + SUPPORTED_VERSIONS[-1]
            return [
                (
                    "schema_version",
                    f"unsupported schema_version {version!r}; this version reads {readable}",
                )
            ]
        data = dict(data)
    return _merge(_schema_problems(data, _validator()), _semantic_problems(data))


def structure_problems(data: Any) -> list[tuple[str, str]]:
    """Return the problems of ``data`` that no evidence or registry file can have.

    The JSON Schema type ``number`` admits NaN and infinity, an integer may be too large
    to become a float, and nesting thousands of levels deep exhausts the recursion of the
    schema check; data built in code (:func:`explorer.evidence.load.from_dict`) can
    hold all three. Each is reported at its place, without recursion.

    Parameters
    ----------
    data : object
        Parsed JSON.

    Returns
    -------
    list of (str, str)
        ``(path, problem)`` for every non-finite number, every integer beyond the float
        range and every array or object nested deeper than :data:`MAX_DEPTH` (whose
        content is not looked into); empty for ordinary data.

    Examples
    --------
    >>> structure_problems({"n": [1.5, float("nan")]})
    [('n[1]', 'must be a finite number')]
    """
    problems: list[tuple[str, str]] = []
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Mapping | list) and len(path) >= MAX_DEPTH:
            problems.append(
                (
                    format_path(path),
                    f"nested more than {MAX_DEPTH} levels deep (arrays and objects); no"
                    " evidence file or registry record nests that deep",
                )
            )
        elif isinstance(node, Mapping):
            stack.extend(((*path, str(k)), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append((format_path(path), "must be a finite number"))
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > _FLOAT_MAX:
            problems.append((format_path(path), "is too large: numbers must be within ±1.8e308"))
    return problems


_FLOAT_MAX = sys.float_info.max


def minimum_version(data: Mapping) -> str:
    """The oldest format version that can hold ``data`` (parsed evidence JSON).

    "1.2" when it uses anything 1.2 added (outcome measures, trial context, masking,
    named or further comparisons, ungraded or organ-classed adverse events) or relaxed (a
    design calculation left out or null, ``allocation`` ``{}``, no control arm or fewer
    than two arms, no endpoints); else "1.1" when it has ``km_figures``; else "1.0".
    Only the sections present are judged, so partial data gets an answer too.
    Writers declare the later of this and the file's own version, so a file is never
    moved to a newer version it does not need.

    Examples
    --------
    >>> minimum_version({"km_figures": []})
    '1.1'
    >>> minimum_version({"adverse_events": [{"grade": "ungraded"}]})
    '1.2'
    """
    if _uses_1_2(data):
        return "1.2"
    return "1.1" if "km_figures" in data else "1.0"


def _uses_1_2(data: Mapping) -> bool:
    # Only sections present are judged, so the function also answers for partial data.
    if "outcome_measures" in data or "context" in _obj(data.get("trial")):
        return True
    if "design" in data:
        design = _obj(data["design"])
        calculation = ("allocation_ratio", "primary_endpoint", "sides", "alpha", "power")
        if "masking" in design or design.get("allocation") == {}:
            return True
        if any(design.get(name) is None for name in (*calculation, "hypothesised_hr")):
            return True
    if "arms" in data:
        roles = [_obj(arm).get("role") for arm in _arr(data["arms"])]
        if len(roles) < 2 or roles.count("control") != 1:
            return True
    endpoints = [_obj(ep) for ep in _arr(data.get("endpoints"))]
    if "endpoints" in data and not endpoints:
        return True
    if any("other_effects" in ep for ep in endpoints):
        return True
    named = ("treatment", "control", "label")
    if any(name in _obj(ep.get("effect")) for ep in endpoints for name in named):
        return True
    events = [_obj(ae) for ae in _arr(data.get("adverse_events"))]
    return any(ae.get("grade") == "ungraded" or "organ_system" in ae for ae in events)


def validate_km_figure(
    figure: Any,
    *,
    arms: Iterable[str],
    endpoints: Mapping[str, tuple[str, str | None]],
    documents: Iterable[str],
    index: int = 0,
) -> list[tuple[str, str]]:
    """Check one digitised Kaplan–Meier figure against the rules of an evidence file.

    The same schema and semantic rules as :func:`validate` applies to an entry of
    ``km_figures``, for a figure built outside a file (an import) and the evidence it
    will join.

    Parameters
    ----------
    figure : mapping
        The figure as JSON data (see ``explorer.evidence.write.km_figure_to_dict``).
    arms : iterable of str
        The evidence's arm ids.
    endpoints : mapping
        Endpoint id -> ``(kind, unit)``; ``unit`` is None for binary endpoints.
    documents : iterable of str
        The evidence's document ids.
    index : int, optional
        Position the figure has (or will have) in ``km_figures``; used in the paths.

    Returns
    -------
    list of (str, str)
        Every problem as ``(path, problem)``, paths like ``km_figures[0].curves[1].time[3]``;
        empty when the figure is valid. Figure ids are not compared with other figures.
    """
    prefix: Path = ("km_figures", index)
    schema_found = [
        ((*prefix, *path), problem, (*prefix, *blocking))
        for path, problem, blocking in _schema_problems(figure, _figure_validator())
    ]
    context = _KmContext(
        arms=list(arms),
        endpoints=dict(endpoints),
        documents=list(documents),
    )
    semantic = _KmFigureRules(context).run(prefix, figure)
    return _merge(schema_found, semantic)


def _merge(
    schema_found: list[tuple[Path, str, Path]], semantic: Iterable[tuple[Path, str]]
) -> list[tuple[str, str]]:
    """Schema problems, then the semantic ones not at or under a place the schema rejected."""
    blocked = [blocking for _, _, blocking in schema_found]
    problems = [(format_path(path), problem) for path, problem, _ in schema_found]
    for path, problem in semantic:
        if any(path[: len(b)] == b for b in blocked):
            continue
        problems.append((format_path(path), problem))
    return list(dict.fromkeys(problems))  # drop repeats, keep order


# --- schema problems ----------------------------------------------------------------


def _schema_problems(data: Any, validator: Draft202012Validator) -> list[tuple[Path, str, Path]]:
    """Translate jsonschema errors into (path, problem, blocked path), best first."""
    errors = list(validator.iter_errors(data))
    if not errors:
        return []
    best = best_match(errors)
    errors.sort(key=lambda e: (e is not best, _sort_key(e.absolute_path)))
    declared = data.get("schema_version") if isinstance(data, Mapping) else None
    out: list[tuple[Path, str, Path]] = []
    for error in errors:
        out.extend(_translate(error, declared))
    return out


def _sort_key(path) -> tuple:
    # Document order; ints and strings never compared with each other.
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _translate(error: ValidationError, declared: Any) -> Iterator[tuple[Path, str, Path]]:
    """One jsonschema error in plain words; ``declared`` is the file's schema_version."""
    path: Path = tuple(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    if keyword == "required":
        name = _quoted_name(error.message)
        yield (*path, name), "is required", (*path, name)
    elif keyword == "dependentRequired":
        match = re.match(r"^'(.*)' is a dependency of '(.*)'$", error.message)
        needed, given = match.groups() if match else ("?", "?")
        yield (*path, needed), f"is required when '{given}' is given", (*path, needed)
    elif keyword == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        for name in instance:
            if name not in known:
                yield path, f"unexpected field {name!r}", (*path, name)
    elif keyword == "type":
        types = [value] if isinstance(value, str) else list(value)
        schema_path = list(error.absolute_schema_path)
        if len(schema_path) >= 2 and schema_path[-2] == "else":  # {"if": null, "else": ...}
            types.append("null")
        yield path, "must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in types), path
    elif keyword == "enum":
        choices = ", ".join("null" if v is None else str(v) for v in value)
        yield path, f"must be one of: {choices}", path
    elif keyword == "const":
        yield path, f"must be {json.dumps(value)}", path
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        yield path, f"must be {sign[keyword]} {_fmt(value)}", path
    elif keyword == "minLength" and value == 1:
        yield path, "must not be empty", path
    elif keyword == "maxLength":
        yield path, f"is too long ({len(instance)} characters; at most {value})", path
    elif keyword == "pattern" and value == _GRADE_PATTERN and declared not in _BEFORE_1_2:
        yield path, "must be a grade: any, 1 to 5, a band like 3-4, >=3, or ungraded", path
    elif keyword == "pattern":
        yield path, _PATTERN_WORDS.get(value, f"must match the pattern {value}"), path
    elif keyword in ("minItems", "maxItems") and path and path[-1] == "range":
        yield path, "must be [min, max]", path
    elif keyword == "minItems":
        yield path, f"must have at least {value} item{'s' if value != 1 else ''}", path
    elif keyword == "maxItems":
        yield path, f"must have at most {value} item{'s' if value != 1 else ''}", path
    elif keyword == "minProperties":
        yield path, "must not be empty", path
    elif keyword == "not" and isinstance(value, dict) and ("required" in value or "const" in value):
        # Fields (or values) a newer minor version added, in a file that declares an older
        # one; the schema names the version that added them ("x-since-version").
        since = error.schema.get("x-since-version", SCHEMA_VERSION)
        needs = (
            f'needs schema_version "{since}"; this file declares {json.dumps(declared)}:'
            f' change schema_version to "{since}"'
        )
        if "required" in value:
            for name in value["required"]:
                yield (*path, name), needs, (*path, name)
        else:
            yield path, f"{json.dumps(value['const'], ensure_ascii=False)} {needs}", path
    else:  # keywords this schema does not use; keep jsonschema's own words
        yield path, error.message, path


def _quoted_name(message: str) -> str:
    match = re.match(r"^(['\"])(.*)\1 is a required property$", message)
    return match.group(2) if match else message


# --- semantic problems --------------------------------------------------------------


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _obj(x: Any) -> Mapping:
    return x if isinstance(x, Mapping) else {}


def _arr(x: Any) -> list:
    return x if isinstance(x, list) else []


def _is_measure(x: Any) -> bool:
    return isinstance(x, Mapping) and "value" in x and "status" in x


def _iter_measures(node: Any, path: Path) -> Iterator[tuple[Path, Mapping]]:
    """Every measure-like object (has "value" and "status") anywhere under node."""
    if _is_measure(node):
        yield path, node
    elif isinstance(node, Mapping):
        for key, child in node.items():
            yield from _iter_measures(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _iter_measures(child, (*path, i))


class _Semantic:
    """Collects semantic problems as (path tuple, problem)."""

    def __init__(self, data: Any) -> None:
        self.data = _obj(data)
        self.problems: list[tuple[Path, str]] = []
        self.ids: dict[str, list[str]] = {}
        # Files of 1.0 and 1.1 keep their stricter rules (one control arm, ...).
        self.before_1_2 = self.data.get("schema_version") in _BEFORE_1_2

    def add(self, path: Path, problem: str) -> None:
        self.problems.append((path, problem))

    def run(self) -> list[tuple[Path, str]]:
        for section in _ID_SECTIONS:
            self.ids[section] = self._unique_ids(section)
        self._outcome_ids()
        self._arms()
        self._references()
        self._context()
        self._populations()
        self._design()
        self._endpoints()
        self._adverse_events()
        self._baseline()
        self._dates()
        self._km_figures()
        self._outcome_measures()
        # Checks every measure gets; after the specific ones, whose words are more telling.
        for path, measure in _iter_measures(self.data, ()):
            self._measure(path, measure)
        return self.problems

    # ids and references

    def _unique_ids(self, section: str) -> list[str]:
        seen: dict[str, int] = {}
        for i, entry in enumerate(_arr(self.data.get(section))):
            id_ = _obj(entry).get("id")
            if not isinstance(id_, str):
                continue
            if id_ in seen:
                first = format_path((section, seen[id_], "id"))
                self.add((section, i, "id"), f"duplicate id {id_!r} (first used at {first})")
            else:
                seen[id_] = i
        return list(seen)

    def _ref(self, path: Path, value: Any, section: str, what: str) -> None:
        known = self.ids[section]
        if isinstance(value, str) and value not in known:
            listing = ", ".join(known) or "none"
            self.add(path, f"unknown {what} id {value!r} ({section} are: {listing})")

    def _arm_keys(self, path: Path, mapping: Any) -> None:
        for key in _obj(mapping):
            self._ref((*path, key), key, "arms", "arm")

    def _arms(self) -> None:
        arms = _arr(self.data.get("arms"))
        roles = [_obj(arm).get("role") for arm in arms]
        if not arms:
            return
        controls = roles.count("control")
        if self.before_1_2 and controls != 1:
            self.add(("arms",), f"must have exactly one control arm (found {controls})")
        elif controls > 1:
            self.add(("arms",), f"must have at most one control arm (found {controls})")
        if "treatment" not in roles:
            self.add(("arms",), "must have at least one treatment arm")

    def _references(self) -> None:
        for path, measure in _iter_measures(self.data, ()):
            source = _obj(measure.get("source"))
            self._ref(
                (*path, "source", "document"), source.get("document"), "documents", "document"
            )
        accrual = _obj(_obj(self.data.get("design")).get("accrual"))
        self._ref(
            ("design", "accrual", "source", "document"),
            _obj(accrual.get("source")).get("document"),
            "documents",
            "document",
        )
        self._ref(
            ("data_cut", "document"),
            _obj(self.data.get("data_cut")).get("document"),
            "documents",
            "document",
        )
        for i, measure in enumerate(_arr(self.data.get("outcome_measures"))):
            self._ref(
                ("outcome_measures", i, "source", "document"),
                _obj(_obj(measure).get("source")).get("document"),
                "documents",
                "document",
            )
        for section in ("endpoints", "adverse_events", "baseline"):
            for i, entry in enumerate(_arr(self.data.get(section))):
                self._ref(
                    (section, i, "population"),
                    _obj(entry).get("population"),
                    "populations",
                    "population",
                )

    # every measure

    def _measure(self, path: Path, m: Mapping) -> None:
        value, lower, upper = m.get("value"), m.get("lower"), m.get("upper")
        if not _is_num(value):
            return
        if _is_num(lower) and _is_num(upper):
            if lower > upper:
                self.add((*path, "lower"), f"lower {_fmt(lower)} is above upper {_fmt(upper)}")
            elif not lower <= value <= upper:
                bound = "lower" if value < lower else "upper"
                self.add(
                    (*path, bound),
                    f"value {_fmt(value)} lies outside its interval {_fmt(lower)}–{_fmt(upper)}",
                )
        level = m.get("level")
        if _is_num(level) and not 0 < level < 1:
            self.add((*path, "level"), "must be between 0 and 1 (exclusive), e.g. 0.95")
        range_ = m.get("range")
        if isinstance(range_, list) and len(range_) == 2 and all(_is_num(x) for x in range_):
            low, high = range_
            if low > high:
                self.add((*path, "range"), f"min {_fmt(low)} is above max {_fmt(high)}")
            elif not low <= value <= high and m.get("qualifier") is None:
                self.add(
                    (*path, "value"),
                    f"value {_fmt(value)} lies outside its range {_fmt(low)}–{_fmt(high)}",
                )
        decimals = m.get("decimals")
        if isinstance(decimals, int) and not isinstance(decimals, bool) and decimals >= 0:
            for name in ("value", "lower", "upper"):
                x = m.get(name)
                if _is_num(x) and abs(round(x, decimals) - x) > 1e-9 * max(1.0, abs(x)):
                    self.add(
                        (*path, name),
                        f"{_fmt(x)} has more decimals than 'decimals' ({decimals}) says",
                    )
        self._unit_bounds(path, m)

    def _unit_bounds(self, path: Path, m: Mapping) -> None:
        unit = m.get("unit")
        for name in ("value", "lower", "upper"):
            x = m.get(name)
            if not _is_num(x):
                continue
            where = (*path, name)
            if unit == "%" and not 0 <= x <= 100:
                self.add(where, "must be between 0 and 100")
            elif unit == "proportion" and not 0 <= x <= 1:
                self.add(where, "must be between 0 and 1")
            elif unit == "ratio" and x <= 0:
                self.add(where, "must be > 0")
            elif unit in _TIME_UNITS and x < 0:
                self.add(where, "must be >= 0")
            elif unit in ("patients", "events") and name == "value":
                self._count(path, m)

    def _count(self, path: Path, m: Mapping | None) -> None:
        """A count of patients or events: a whole number >= 0."""
        if m is None or not _is_measure(m) or not _is_num(m.get("value")):
            return
        value = m["value"]
        if value < 0:
            self.add((*path, "value"), "must be >= 0")
        elif value != int(value):
            self.add((*path, "value"), "must be a whole number")

    def _positive(self, path: Path, m: Any, what: str) -> None:
        if _is_measure(m) and _is_num(m.get("value")) and m["value"] <= 0:
            self.add((*path, "value"), f"{what} must be > 0")

    def _percent(self, path: Path, m: Any) -> None:
        """A percentage: unit "%" (or none) and a value in [0, 100]."""
        if not _is_measure(m):
            return
        unit = m.get("unit")
        if unit not in (None, "%"):
            self.add((*path, "unit"), "must be '%'")
        elif unit is None:
            for name in ("value", "lower", "upper"):
                x = m.get(name)
                if _is_num(x) and not 0 <= x <= 100:
                    self.add((*path, name), "must be between 0 and 100")

    def _proportion(self, path: Path, p: Any) -> None:
        p = _obj(p)
        percent, count, denominator = (p.get(k) for k in ("percent", "count", "denominator"))
        if percent is None and count is None:
            self.add(path, "must give a percent or a count")
        self._percent((*path, "percent"), percent)
        self._count((*path, "count"), count if _is_measure(count) else None)
        self._count((*path, "denominator"), denominator if _is_measure(denominator) else None)
        if _is_measure(count) and _is_measure(denominator):
            k, n = count.get("value"), denominator.get("value")
            if _is_num(k) and _is_num(n) and k > n:
                self.add(
                    (*path, "count", "value"),
                    f"count {_fmt(k)} exceeds its denominator {_fmt(n)}",
                )

    # sections

    def _population_totals(self) -> dict[str, float]:
        totals = {}
        for pop in _arr(self.data.get("populations")):
            pop = _obj(pop)
            total = pop.get("total")
            if isinstance(pop.get("id"), str) and _is_measure(total) and _is_num(total["value"]):
                totals[pop["id"]] = total["value"]
        return totals

    def _populations(self) -> None:
        for i, pop in enumerate(_arr(self.data.get("populations"))):
            pop = _obj(pop)
            total = pop.get("total")
            self._count(("populations", i, "total"), total if _is_measure(total) else None)
            self._arm_keys(("populations", i, "by_arm"), pop.get("by_arm"))
            total_value = _obj(total).get("value")
            for arm, m in _obj(pop.get("by_arm")).items():
                path = ("populations", i, "by_arm", arm)
                self._count(path, m if _is_measure(m) else None)
                value = _obj(m).get("value")
                if _is_num(value) and _is_num(total_value) and value > total_value:
                    self.add(
                        (*path, "value"),
                        f"{_fmt(value)} patients exceed the population total {_fmt(total_value)}",
                    )

    def _design(self) -> None:
        design = _obj(self.data.get("design"))
        if not design:
            return
        allocation = _obj(design.get("allocation"))
        self._arm_keys(("design", "allocation"), allocation)
        for arm in self.ids["arms"]:
            if allocation and arm not in allocation:
                self.add(("design", "allocation"), f"missing arm {arm!r}")
        self._positive(("design", "allocation_ratio"), design.get("allocation_ratio"), "ratio")
        self._allocation_matches(design, allocation)
        self._primary_endpoint(design.get("primary_endpoint"))
        alpha = _obj(design.get("alpha")).get("value")
        if _is_num(alpha) and not 0 < alpha < 1:
            self.add(("design", "alpha", "value"), "alpha must be between 0 and 1 (exclusive)")
        power = _obj(design.get("power"))
        top = 1 if power.get("unit") == "proportion" else 100
        if _is_num(power.get("value")) and not 0 < power["value"] < top:
            self.add(("design", "power", "value"), f"power must be between 0 and {top} (exclusive)")
        if power and power.get("unit") not in ("%", "proportion"):
            self.add(("design", "power", "unit"), "must be '%' or 'proportion'")
        self._positive(("design", "hypothesised_hr"), design.get("hypothesised_hr"), "hazard ratio")
        follow_up = design.get("median_follow_up")
        if _is_measure(follow_up) and _is_num(follow_up["value"]) and follow_up["value"] < 0:
            self.add(("design", "median_follow_up", "value"), "must be >= 0")
        events = design.get("events_at_analysis")
        self._count(("design", "events_at_analysis"), events if _is_measure(events) else None)
        accrual = _obj(design.get("accrual"))
        start, end = _month(accrual.get("start")), _month(accrual.get("end"))
        for name, parsed in (("start", start), ("end", end)):
            if isinstance(accrual.get(name), str) and parsed is None:
                self.add(("design", "accrual", name), "must be a real year and month (YYYY-MM)")
        if start is not None and end is not None and end < start:
            self.add(
                ("design", "accrual", "end"),
                f"accrual ends ({accrual['end']}) before it starts ({accrual['start']})",
            )

    def _allocation_matches(self, design: Mapping, allocation: Mapping) -> None:
        arms = [_obj(a) for a in _arr(self.data.get("arms"))]
        treatment = [a.get("id") for a in arms if a.get("role") == "treatment"]
        control = [a.get("id") for a in arms if a.get("role") == "control"]
        ratio = _obj(design.get("allocation_ratio")).get("value")
        if len(treatment) != 1 or len(control) != 1 or not _is_num(ratio):
            return
        if not (isinstance(treatment[0], str) and isinstance(control[0], str)):
            return
        t, c = allocation.get(treatment[0]), allocation.get(control[0])
        if _is_num(t) and _is_num(c) and t > 0 and c > 0 and not math.isclose(t / c, ratio):
            self.add(
                ("design", "allocation_ratio", "value"),
                f"ratio {_fmt(ratio)} does not match the allocation {_fmt(t)}:{_fmt(c)}"
                " (treatment:control)",
            )

    def _endpoints(self) -> None:
        primary = _obj(self.data.get("design")).get("primary_endpoint")
        totals = self._population_totals()
        for i, ep in enumerate(_arr(self.data.get("endpoints"))):
            ep = _obj(ep)
            if isinstance(primary, str) and ep.get("id") == primary and ep.get("role") != "primary":
                self.add(
                    ("endpoints", i, "role"),
                    "must be 'primary': design.primary_endpoint names this endpoint",
                )
            if ep.get("kind") == "time_to_event":
                self._time_to_event(i, ep, totals)
            elif ep.get("kind") == "binary":
                self._arm_keys(("endpoints", i, "by_arm"), ep.get("by_arm"))
                for arm, p in _obj(ep.get("by_arm")).items():
                    self._proportion(("endpoints", i, "by_arm", arm), p)

    def _time_to_event(self, i: int, ep: Mapping, totals: Mapping[str, float]) -> None:
        unit = ep.get("unit")
        self._arm_keys(("endpoints", i, "medians"), ep.get("medians"))
        for arm, m in _obj(ep.get("medians")).items():
            path = ("endpoints", i, "medians", arm)
            self._positive(path, m, "median")
            if _is_measure(m) and isinstance(unit, str) and m.get("unit") not in (None, unit):
                self.add((*path, "unit"), f"must be {unit!r}, the endpoint's unit")
        for j, landmark in enumerate(_arr(ep.get("landmarks"))):
            path = ("endpoints", i, "landmarks", j, "by_arm")
            self._arm_keys(path, _obj(landmark).get("by_arm"))
            for arm, m in _obj(_obj(landmark).get("by_arm")).items():
                self._percent((*path, arm), m)
        self._effect(("endpoints", i, "effect"), ep.get("effect"))
        for j, other in enumerate(_arr(ep.get("other_effects"))):
            self._effect(("endpoints", i, "other_effects", j), other)
        events = ep.get("events")
        self._count(("endpoints", i, "events"), events if _is_measure(events) else None)
        population = ep.get("population")
        n_events = _obj(events).get("value")
        if (
            _is_num(n_events)
            and isinstance(population, str)
            and population in totals
            and n_events > totals[population]
        ):
            self.add(
                ("endpoints", i, "events", "value"),
                f"{_fmt(n_events)} events exceed the {_fmt(totals[population])} patients"
                f" of population {population!r}",
            )

    def _effect(self, path: Path, effect: Any) -> None:
        """A hazard ratio, its p, and (format 1.2) the arms it compares."""
        effect = _obj(effect)
        if not effect:
            return
        estimate = effect.get("estimate")
        self._positive((*path, "estimate"), estimate, "hazard ratio")
        lower = _obj(estimate).get("lower")
        if _is_num(lower) and lower <= 0:
            self.add((*path, "estimate", "lower"), "hazard ratio must be > 0")
        p = _obj(effect.get("p")).get("value")
        if _is_num(p) and not 0 <= p <= 1:
            self.add((*path, "p", "value"), "p-value must be between 0 and 1")
        treatment, control = effect.get("treatment"), effect.get("control")
        self._ref((*path, "treatment"), treatment, "arms", "arm")
        self._ref((*path, "control"), control, "arms", "arm")
        if isinstance(treatment, str) and treatment == control:
            self.add(
                (*path, "control"),
                f"must differ from treatment: a comparison of arm {treatment!r} with itself",
            )
        if treatment is None and control is None and not self.before_1_2:
            self._unnamed_comparison(path)

    def _unnamed_comparison(self, path: Path) -> None:
        """An effect that names no arms means "the treatment arm vs the control arm"."""
        arms = [_obj(a) for a in _arr(self.data.get("arms"))]
        treatment = [a.get("id") for a in arms if a.get("role") == "treatment"]
        controls = [a for a in arms if a.get("role") == "control"]
        if not treatment or len(controls) > 1:
            return  # reported under arms
        if not controls:
            why = "the trial has no control arm"
        elif len(treatment) > 1:
            listing = ", ".join(str(t) for t in treatment)
            why = f"the trial has {len(treatment)} treatment arms ({listing})"
        else:
            return
        self.add(path, f"must name its 'treatment' and 'control' arms: {why}")

    def _primary_endpoint(self, name: Any) -> None:
        path = ("design", "primary_endpoint")
        if self.before_1_2:
            self._ref(path, name, "endpoints", "endpoint")
            return
        endpoints, measures = self.ids["endpoints"], self.ids["outcome_measures"]
        if isinstance(name, str) and name not in endpoints and name not in measures:
            self.add(
                path,
                f"unknown endpoint or outcome measure id {name!r} (endpoints are:"
                f" {', '.join(endpoints) or 'none'}; outcome_measures are:"
                f" {', '.join(measures) or 'none'})",
            )

    def _outcome_ids(self) -> None:
        """Outcome-measure ids differ from endpoint ids: design.primary_endpoint names either."""
        endpoints: dict[str, int] = {}
        for i, ep in enumerate(_arr(self.data.get("endpoints"))):
            id_ = _obj(ep).get("id")
            if isinstance(id_, str):
                endpoints.setdefault(id_, i)
        for i, measure in enumerate(_arr(self.data.get("outcome_measures"))):
            id_ = _obj(measure).get("id")
            if isinstance(id_, str) and id_ in endpoints:
                first = format_path(("endpoints", endpoints[id_], "id"))
                self.add(
                    ("outcome_measures", i, "id"),
                    f"id {id_!r} is already an endpoint's ({first}): outcome-measure ids must"
                    " differ from endpoint ids",
                )

    def _context(self) -> None:
        for label in _obj(_obj(self.data.get("trial")).get("context")):
            if isinstance(label, str) and not label.strip():
                self.add(("trial", "context", label), "the label must not be empty")

    def _outcome_measures(self) -> None:
        primary = _obj(self.data.get("design")).get("primary_endpoint")
        for i, measure in enumerate(_arr(self.data.get("outcome_measures"))):
            measure = _obj(measure)
            path: Path = ("outcome_measures", i)
            if (
                isinstance(primary, str)
                and measure.get("id") == primary
                and measure.get("role") != "primary"
            ):
                self.add(
                    (*path, "role"),
                    "must be 'primary': design.primary_endpoint names this outcome measure",
                )
            groups = self._outcome_groups(path, _arr(measure.get("groups")))
            for j, value in enumerate(_arr(measure.get("values"))):
                value = _obj(value)
                self._group_ref((*path, "values", j, "group"), value.get("group"), groups)
                lower, upper = value.get("lower"), value.get("upper")
                if _is_num(lower) and _is_num(upper) and lower > upper:
                    self.add(
                        (*path, "values", j, "lower"),
                        f"lower {_fmt(lower)} is above upper {_fmt(upper)}",
                    )
            for j, analysis in enumerate(_arr(measure.get("analyses"))):
                self._outcome_analysis((*path, "analyses", j), _obj(analysis), groups)

    def _outcome_groups(self, path: Path, groups: list) -> list[str]:
        """Check the groups of one outcome measure; return their ids."""
        seen: dict[str, int] = {}
        for j, group in enumerate(groups):
            group = _obj(group)
            id_ = group.get("id")
            if isinstance(id_, str):
                if id_ in seen:
                    first = format_path((*path, "groups", seen[id_], "id"))
                    self.add(
                        (*path, "groups", j, "id"), f"duplicate id {id_!r} (first used at {first})"
                    )
                else:
                    seen[id_] = j
            self._ref((*path, "groups", j, "arm"), group.get("arm"), "arms", "arm")
            n = group.get("n")
            self._count((*path, "groups", j, "n"), n if _is_measure(n) else None)
        return list(seen)

    def _group_ref(self, path: Path, group: Any, groups: list[str]) -> None:
        if isinstance(group, str) and group not in groups:
            listing = ", ".join(groups) or "none"
            self.add(path, f"unknown group {group!r} (groups of this measure: {listing})")

    def _outcome_analysis(self, path: Path, analysis: Mapping, groups: list[str]) -> None:
        first: dict[str, int] = {}
        for k, group in enumerate(_arr(analysis.get("groups"))):
            self._group_ref((*path, "groups", k), group, groups)
            if not isinstance(group, str):
                continue
            if group in first:
                self.add(
                    (*path, "groups", k),
                    f"group {group!r} is listed twice (first at groups[{first[group]}])",
                )
            else:
                first[group] = k
        p = _obj(analysis.get("p")).get("value")
        if _is_num(p) and not 0 <= p <= 1:
            self.add((*path, "p", "value"), "p-value must be between 0 and 1")

    def _adverse_events(self) -> None:
        for i, ae in enumerate(_arr(self.data.get("adverse_events"))):
            ae = _obj(ae)
            self._arm_keys(("adverse_events", i, "by_arm"), ae.get("by_arm"))
            if isinstance(ae.get("overall"), Mapping):
                self._proportion(("adverse_events", i, "overall"), ae["overall"])
            for arm, p in _obj(ae.get("by_arm")).items():
                self._proportion(("adverse_events", i, "by_arm", arm), p)

    def _baseline(self) -> None:
        for i, item in enumerate(_arr(self.data.get("baseline"))):
            item = _obj(item)
            self._arm_keys(("baseline", i, "by_arm"), item.get("by_arm"))
            if item.get("overall") is None and not _obj(item.get("by_arm")):
                self.add(("baseline", i), "must give an overall value or values by arm")

    def _dates(self) -> None:
        dated = [(("data_cut", "date"), _obj(self.data.get("data_cut")).get("date"))]
        for i, doc in enumerate(_arr(self.data.get("documents"))):
            dated.append((("documents", i, "date"), _obj(doc).get("date")))
        for path, text in dated:
            if isinstance(text, str):
                try:
                    datetime.date.fromisoformat(text)
                except ValueError:
                    self.add(path, f"{text!r} is not a real date (YYYY-MM-DD)")

    def _km_figures(self) -> None:
        endpoints: dict[str, tuple[str, str | None]] = {}
        for ep in _arr(self.data.get("endpoints")):
            ep = _obj(ep)
            if isinstance(ep.get("id"), str) and isinstance(ep.get("kind"), str):
                unit = ep.get("unit")
                endpoints.setdefault(
                    ep["id"], (ep["kind"], unit if isinstance(unit, str) else None)
                )
        rules = _KmFigureRules(
            _KmContext(arms=self.ids["arms"], endpoints=endpoints, documents=self.ids["documents"])
        )
        for i, figure in enumerate(_arr(self.data.get("km_figures"))):
            self.problems.extend(rules.run(("km_figures", i), figure))


def _month(text: Any) -> tuple[int, int] | None:
    if not isinstance(text, str):
        return None
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))


def survival_rises(time: list[float], survival: list[float]) -> list[tuple[int, int]]:
    """Where a digitised survival curve rises by more than digitiser noise allows.

    Points are taken in time order. A point is a rise when its survival exceeds, by more
    than :data:`RISE_TOLERANCE` (0.02), the lowest survival of the points read at a
    clearly earlier time: more than :data:`TIME_RESOLUTION` (0.5%) of the largest time
    earlier. Points closer in time than that may come in either order, since the top and
    bottom of one vertical drop are often clicked a pixel apart.

    Parameters
    ----------
    time, survival : list of float
        The points, in any order, finite.

    Returns
    -------
    list of (int, int)
        ``(earlier, later)`` indices into the lists, one pair per rising point, in time
        order; ``earlier`` is the lowest clearly earlier point.

    Examples
    --------
    >>> survival_rises([0, 1, 2, 3], [1.0, 0.61, 0.70, 0.5])
    [(1, 2)]
    >>> survival_rises([0, 2.0, 2.01], [1.0, 0.5, 0.9])  # one vertical drop, read right to left
    []
    """
    n = len(time)
    if n < 2:
        return []
    resolution = TIME_RESOLUTION * max(abs(t) for t in time)
    order = sorted(range(n), key=lambda k: (time[k], -survival[k]))
    out: list[tuple[int, int]] = []
    lowest: int | None = None  # lowest point among those clearly earlier than the current one
    j = 0
    for b in order:
        while j < n and time[order[j]] < time[b] - resolution:
            c = order[j]
            if lowest is None or survival[c] < survival[lowest]:
                lowest = c
            j += 1
        if lowest is not None and survival[b] - survival[lowest] > RISE_TOLERANCE + 1e-12:
            out.append((lowest, b))
    return out


def _semantic_problems(data: Any) -> list[tuple[Path, str]]:
    """Every semantic problem of data, however malformed it is, as (path tuple, problem)."""
    return _Semantic(data).run()


# --- digitised Kaplan–Meier figures -------------------------------------------------


@dataclass(frozen=True)
class _KmContext:
    """What a figure's references are checked against."""

    arms: list[str]
    endpoints: dict[str, tuple[str, str | None]]  # id -> (kind, unit)
    documents: list[str]


def _describe(key: tuple[Any, Any]) -> str:
    arm, stratum = key
    return f"arm {arm!r}" if stratum is None else f"arm {arm!r}, stratum {stratum!r}"


def _curve_key(entry: Mapping) -> tuple[Any, Any] | None:
    """(arm, stratum) of a curve or risk table, or None when they are not usable."""
    arm, stratum = entry.get("arm"), entry.get("stratum")
    if not isinstance(arm, str) or not (stratum is None or isinstance(stratum, str)):
        return None
    return arm, stratum


def _numbers(values: Any) -> list[float] | None:
    """The list as floats when every item is a finite number, else None."""
    values = _arr(values)
    if not values or not all(_is_num(x) for x in values):
        return None
    return [float(x) for x in values]


def _not_finite(x: Any) -> bool:
    return isinstance(x, float) and not math.isfinite(x)


class _KmFigureRules:
    """The semantic rules of one ``km_figures`` entry, collected as (path tuple, problem)."""

    def __init__(self, context: _KmContext) -> None:
        self.context = context
        self.problems: list[tuple[Path, str]] = []

    def add(self, path: Path, problem: str) -> None:
        self.problems.append((path, problem))

    def run(self, path: Path, figure: Any) -> list[tuple[Path, str]]:
        self.problems = []
        figure = _obj(figure)
        self._references(path, figure)
        curves = [_obj(c) for c in _arr(figure.get("curves"))]
        tables = [_obj(t) for t in _arr(figure.get("risk_tables"))]
        for j, curve in enumerate(curves):
            self._curve((*path, "curves", j), curve)
        for k, table in enumerate(tables):
            self._risk_table((*path, "risk_tables", k), table)
        pairs = self._pairs(path, curves, tables)
        self._strata(path, curves)
        for j, k in pairs:
            self._curve_against_table(path, j, curves[j], k, tables[k])
        return self.problems

    def _ref(self, path: Path, value: Any, known: list[str], section: str, what: str) -> None:
        if isinstance(value, str) and value not in known:
            listing = ", ".join(known) or "none"
            self.add(path, f"unknown {what} id {value!r} ({section} are: {listing})")

    def _references(self, path: Path, figure: Mapping) -> None:
        context = self.context
        endpoint = figure.get("endpoint")
        self._ref((*path, "endpoint"), endpoint, list(context.endpoints), "endpoints", "endpoint")
        if isinstance(endpoint, str) and endpoint in context.endpoints:
            kind, unit = context.endpoints[endpoint]
            if kind != "time_to_event":
                self.add(
                    (*path, "endpoint"),
                    f"endpoint {endpoint!r} is {kind}; a Kaplan–Meier figure belongs to a"
                    " time-to-event endpoint",
                )
            elif isinstance(figure.get("time_unit"), str) and figure["time_unit"] != unit:
                self.add(
                    (*path, "time_unit"),
                    f"must be {unit!r}, the unit of endpoint {endpoint!r}"
                    f" (convert the times; got {figure['time_unit']!r})",
                )
        date = _obj(figure.get("digitisation")).get("date")
        if isinstance(date, str):
            try:
                datetime.date.fromisoformat(date)
            except ValueError:
                self.add(
                    (*path, "digitisation", "date"), f"{date!r} is not a real date (YYYY-MM-DD)"
                )
        document = _obj(figure.get("source")).get("document")
        self._ref(
            (*path, "source", "document"), document, context.documents, "documents", "document"
        )
        for name in ("curves", "risk_tables"):
            for j, entry in enumerate(_arr(figure.get(name))):
                arm = _obj(entry).get("arm")
                self._ref((*path, name, j, "arm"), arm, context.arms, "arms", "arm")

    def _times(self, path: Path, times: list) -> None:
        for k, t in enumerate(times):
            if _not_finite(t):
                self.add((*path, "time", k), "must be a finite number")
            elif _is_num(t) and t < 0:
                self.add((*path, "time", k), f"time {_fmt(t)} is negative")

    def _same_length(self, path: Path, name: str, values: list, times: list) -> bool:
        if len(values) != len(times):
            self.add(
                (*path, name),
                f"has {len(values)} values but time has {len(times)}: one {name} per time",
            )
            return False
        return True

    def _curve(self, path: Path, curve: Mapping) -> None:
        times, survival = _arr(curve.get("time")), _arr(curve.get("survival"))
        self._times(path, times)
        for k, s in enumerate(survival):
            where = (*path, "survival", k)
            if _not_finite(s):
                self.add(where, "must be a finite number")
            elif _is_num(s) and s > 1 + SURVIVAL_SLACK:
                self.add(
                    where,
                    f"survival {_fmt(s)} is above 1 (by more than the {_fmt(SURVIVAL_SLACK)}"
                    " tolerated as digitiser noise); survival is a proportion, not a percentage",
                )
            elif _is_num(s) and s < -SURVIVAL_SLACK:
                self.add(
                    where,
                    f"survival {_fmt(s)} is below 0 (by more than the {_fmt(SURVIVAL_SLACK)}"
                    " tolerated as digitiser noise)",
                )
        if not self._same_length(path, "survival", survival, times):
            return
        t, s = _numbers(times), _numbers(survival)
        if t is None or s is None:
            return
        for a, b in survival_rises(t, s):
            self.add(
                (*path, "survival", b),
                f"survival rises from {_fmt(s[a])} (survival[{a}], time {_fmt(t[a])}) to"
                f" {_fmt(s[b])} (survival[{b}], time {_fmt(t[b])}); a Kaplan–Meier curve"
                f" never rises (up to {_fmt(RISE_TOLERANCE)} is taken as digitiser noise)",
            )

    def _risk_table(self, path: Path, table: Mapping) -> None:
        times, at_risk = _arr(table.get("time")), _arr(table.get("at_risk"))
        self._times(path, times)
        t = _numbers(times)
        if t is not None:
            if t[0] != 0:
                self.add(
                    (*path, "time", 0),
                    f"must be 0: a risk table starts at time 0 (got {_fmt(t[0])})",
                )
            for k in range(1, len(t)):
                if t[k] <= t[k - 1]:
                    self.add(
                        (*path, "time", k),
                        f"time {_fmt(t[k])} does not come after time[{k - 1}] {_fmt(t[k - 1])}:"
                        " risk table times must increase",
                    )
        if not self._same_length(path, "at_risk", at_risk, times):
            return
        n = [x for x in at_risk if isinstance(x, int) and not isinstance(x, bool)]
        if not n or len(n) != len(at_risk) or any(x < 0 for x in n):
            return  # the schema names those (an empty table among them)
        if n[0] < 1:
            self.add((*path, "at_risk", 0), "must be at least 1: it is the number of patients")
        for k in range(1, len(n)):
            if n[k] > n[k - 1]:
                self.add(
                    (*path, "at_risk", k),
                    f"at_risk rises from {n[k - 1]} (at_risk[{k - 1}]) to {n[k]}: patients"
                    " cannot join the risk set",
                )

    def _pairs(self, path: Path, curves: list[Mapping], tables: list[Mapping]) -> list:
        """Check one risk table per curve and one curve per table; return (curve, table) pairs."""
        first_curve: dict[tuple, int] = {}
        for j, curve in enumerate(curves):
            key = _curve_key(curve)
            if key is None:
                continue
            if key in first_curve:
                self.add(
                    (*path, "curves", j),
                    f"a second curve for {_describe(key)} (first at curves[{first_curve[key]}])",
                )
            else:
                first_curve[key] = j
        first_table: dict[tuple, int] = {}
        for k, table in enumerate(tables):
            key = _curve_key(table)
            if key is None:
                continue
            if key in first_table:
                self.add(
                    (*path, "risk_tables", k),
                    f"a second risk table for {_describe(key)}"
                    f" (first at risk_tables[{first_table[key]}])",
                )
            else:
                first_table[key] = k
        for key, j in first_curve.items():
            if key not in first_table:
                self.add(
                    (*path, "curves", j),
                    f"has no risk table: give risk_tables an entry for {_describe(key)}",
                )
        for key, k in first_table.items():
            if key not in first_curve:
                self.add(
                    (*path, "risk_tables", k), f"has no curve: curves has none for {_describe(key)}"
                )
        return [(j, first_table[key]) for key, j in first_curve.items() if key in first_table]

    def _strata(self, path: Path, curves: list[Mapping]) -> None:
        keys = [key for key in (_curve_key(c) for c in curves) if key is not None]
        strata = list(dict.fromkeys(stratum for _, stratum in keys))
        if None in strata and len(strata) > 1:
            self.add(
                (*path, "curves"),
                "mixes curves with and without a stratum: name a stratum on every curve or on none",
            )
            return
        arms = list(dict.fromkeys(arm for arm, _ in keys))
        for stratum in strata:
            present = {arm for arm, s in keys if s == stratum}
            for arm in arms:
                if arm not in present:
                    self.add(
                        (*path, "curves"),
                        f"arm {arm!r} has no curve in stratum {stratum!r}: every arm of the"
                        " figure appears in every stratum",
                    )

    def _curve_against_table(
        self, path: Path, j: int, curve: Mapping, k: int, table: Mapping
    ) -> None:
        at_risk = _arr(table.get("at_risk"))
        events = curve.get("total_events")
        first = at_risk[0] if at_risk else None
        if _is_num(events) and _is_num(first) and events > first:
            self.add(
                (*path, "curves", j, "total_events"),
                f"{_fmt(events)} events exceed the {_fmt(first)} patients at risk at time 0"
                f" (risk_tables[{k}].at_risk[0])",
            )
        curve_times, table_times = _numbers(curve.get("time")), _numbers(table.get("time"))
        if curve_times is None or table_times is None or len(table_times) < 2:
            return
        steps = [b - a for a, b in pairwise(table_times)]
        if any(step <= 0 for step in steps):
            return  # reported above
        # The table may reach one step past the curve's end (the curve stops at the last
        # follow-up, a little before the next column of the table); one step is the median
        # spacing of the table's times.
        step = statistics.median(steps)
        last = max(curve_times)
        for m, t in enumerate(table_times):
            if t > last + step + 1e-9 * max(1.0, abs(last + step)):
                self.add(
                    (*path, "risk_tables", k, "time", m),
                    f"time {_fmt(t)} lies beyond the curve's last point ({_fmt(last)}) by more"
                    f" than one table step ({_fmt(step)}): digitise the curve to its end, in"
                    " the same time unit as the table",
                )
                break
