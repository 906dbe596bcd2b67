"""Evidence format 1.1: digitised Kaplan–Meier figures, their schema and semantic rules."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from explorer import evidence, resources
from explorer.evidence import EvidenceError, KmCurve, RiskTable
from explorer.evidence.validate import survival_rises, validate_km_figure
from tests.evidence.mutations import delete_at as _delete
from tests.evidence.mutations import set_at as _set

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "evidence-format.md"


def _block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(
        rf"<!-- {name}:start -->\s*```json\n(.*?)```\s*<!-- {name}:end -->", text, re.DOTALL
    )
    assert match, f"{name} block not found in docs/evidence-format.md"
    return match.group(1)


@pytest.fixture(scope="module")
def base() -> dict:
    """The docs' minimal example with the docs' figure: a valid 1.1 file."""
    data = json.loads(_block("minimal-example"))
    data["schema_version"] = "1.1"
    data["km_figures"] = [json.loads(_block("km-figure-example"))]
    return data


FIG = ("km_figures", 0)


def _append(*keys, value):
    def mutate(data):
        node = data
        for key in keys:
            node = node[key]
        node.append(copy.deepcopy(value) if not callable(value) else value(data))

    return mutate


def _all(*mutations):
    def mutate(data):
        for m in mutations:
            m(data)

    return mutate


def _copy_of(*keys):
    def get(data):
        node = data
        for key in keys:
            node = node[key]
        return copy.deepcopy(node)

    return get


def _strata(*pairs):
    """Curves and tables for (arm, stratum) pairs, from the example's curve and table."""

    def mutate(data):
        figure = data["km_figures"][0]
        curve, table = figure["curves"][0], figure["risk_tables"][0]
        figure["curves"] = [dict(curve, arm=a, stratum=s) for a, s in pairs]
        figure["risk_tables"] = [dict(table, arm=a, stratum=s) for a, s in pairs]

    return mutate


BINARY = {
    "id": "orr",
    "kind": "binary",
    "name": "Objective response",
    "role": "secondary",
    "population": "itt",
    "by_arm": {
        "new": {"percent": {"value": 30, "status": "derived", "unit": "%", "derivation": "x"}}
    },
}

# (id, mutation, expected path, expected problem): the first problem reported.
CASES = [
    (
        "figures in a 1.0 file",
        _set("schema_version", value="1.0"),
        "km_figures",
        'needs schema_version "1.1"; this file declares "1.0": change schema_version to "1.1"',
    ),
    (
        "unknown version",
        _set("schema_version", value="1.3"),
        "schema_version",
        "unsupported schema_version '1.3'; this version reads 1.0, 1.1 and 1.2",
    ),
    ("missing label", _delete(*FIG, "label"), "km_figures[0].label", "is required"),
    (
        "unexpected field",
        _set(*FIG, "colour", value="red"),
        "km_figures[0]",
        "unexpected field 'colour'",
    ),
    (
        "no curves",
        _set(*FIG, "curves", value=[]),
        "km_figures[0].curves",
        "must have at least 1 item",
    ),
    (
        "unknown endpoint",
        _set(*FIG, "endpoint", value="pfs"),
        "km_figures[0].endpoint",
        "unknown endpoint id 'pfs' (endpoints are: os)",
    ),
    (
        "binary endpoint",
        _all(_append("endpoints", value=BINARY), _set(*FIG, "endpoint", value="orr")),
        "km_figures[0].endpoint",
        "endpoint 'orr' is binary; a Kaplan–Meier figure belongs to a time-to-event endpoint",
    ),
    (
        "time unit not the endpoint's",
        _set(*FIG, "time_unit", value="weeks"),
        "km_figures[0].time_unit",
        "must be 'months', the unit of endpoint 'os' (convert the times; got 'weeks')",
    ),
    (
        "bad time unit",
        _set(*FIG, "time_unit", value="fortnights"),
        "km_figures[0].time_unit",
        "must be one of: days, weeks, months, years",
    ),
    (
        "unknown document",
        _set(*FIG, "source", "document", value="poster"),
        "km_figures[0].source.document",
        "unknown document id 'poster' (documents are: paper)",
    ),
    (
        "unknown arm",
        _all(
            _set(*FIG, "curves", 1, "arm", value="ctrl"),
            _set(*FIG, "risk_tables", 1, "arm", value="ctrl"),
        ),
        "km_figures[0].curves[1].arm",
        "unknown arm id 'ctrl' (arms are: new, std)",
    ),
    (
        "duplicate figure id",
        _append("km_figures", value=_copy_of(*FIG)),
        "km_figures[1].id",
        "duplicate id 'os_figure_2' (first used at km_figures[0].id)",
    ),
    (
        "bad digitisation date",
        _set(*FIG, "digitisation", "date", value="2024-02-30"),
        "km_figures[0].digitisation.date",
        "'2024-02-30' is not a real date (YYYY-MM-DD)",
    ),
    (
        "curve without a risk table",
        _delete(*FIG, "risk_tables", 1),
        "km_figures[0].curves[1]",
        "has no risk table: give risk_tables an entry for arm 'std'",
    ),
    (
        "risk table without a curve",
        _delete(*FIG, "curves", 1),
        "km_figures[0].risk_tables[1]",
        "has no curve: curves has none for arm 'std'",
    ),
    (
        "second curve for an arm",
        _append(*FIG, "curves", value=_copy_of(*FIG, "curves", 0)),
        "km_figures[0].curves[2]",
        "a second curve for arm 'new' (first at curves[0])",
    ),
    (
        "second risk table for an arm",
        _append(*FIG, "risk_tables", value=_copy_of(*FIG, "risk_tables", 0)),
        "km_figures[0].risk_tables[2]",
        "a second risk table for arm 'new' (first at risk_tables[0])",
    ),
    (
        "stratum on some curves only",
        _strata(("new", "A"), ("std", None)),
        "km_figures[0].curves",
        "mixes curves with and without a stratum: name a stratum on every curve or on none",
    ),
    (
        "arm missing from a stratum",
        _strata(("new", "A"), ("std", "A"), ("new", "B")),
        "km_figures[0].curves",
        "arm 'std' has no curve in stratum 'B': every arm of the figure appears in every stratum",
    ),
    (
        "stratum differs between curve and table",
        _set(*FIG, "risk_tables", 1, "stratum", value="A"),
        "km_figures[0].curves[1]",
        "has no risk table: give risk_tables an entry for arm 'std'",
    ),
    (
        "negative time",
        _set(*FIG, "curves", 1, "time", 1, value=-0.5),
        "km_figures[0].curves[1].time[1]",
        "time -0.5 is negative",
    ),
    (
        "survival above 1",
        _set(*FIG, "curves", 0, "survival", 2, value=1.34),
        "km_figures[0].curves[0].survival[2]",
        "survival 1.34 is above 1 (by more than the 0.05 tolerated as digitiser noise);"
        " survival is a proportion, not a percentage",
    ),
    (
        "survival below 0",
        _set(*FIG, "curves", 0, "survival", 7, value=-0.06),
        "km_figures[0].curves[0].survival[7]",
        "survival -0.06 is below 0 (by more than the 0.05 tolerated as digitiser noise)",
    ),
    (
        "curve rises",
        _set(*FIG, "curves", 0, "survival", 5, value=0.85),
        "km_figures[0].curves[0].survival[5]",
        "survival rises from 0.78 (survival[4], time 9.8) to 0.85 (survival[5], time 20.3);"
        " a Kaplan–Meier curve never rises (up to 0.02 is taken as digitiser noise)",
    ),
    (
        "time and survival of different lengths",
        _delete(*FIG, "curves", 0, "survival", 7),
        "km_figures[0].curves[0].survival",
        "has 7 values but time has 8: one survival per time",
    ),
    (
        "survival not a number",
        _set(*FIG, "curves", 0, "survival", 1, value="1"),
        "km_figures[0].curves[0].survival[1]",
        "must be a number",
    ),
    (
        "risk table not from 0",
        _set(*FIG, "risk_tables", 0, "time", 0, value=1),
        "km_figures[0].risk_tables[0].time[0]",
        "must be 0: a risk table starts at time 0 (got 1)",
    ),
    (
        "risk table time repeated",
        _set(*FIG, "risk_tables", 0, "time", 2, value=6),
        "km_figures[0].risk_tables[0].time[2]",
        "time 6 does not come after time[1] 6: risk table times must increase",
    ),
    (
        "at risk rises",
        _set(*FIG, "risk_tables", 1, "at_risk", 2, value=130),
        "km_figures[0].risk_tables[1].at_risk[2]",
        "at_risk rises from 126 (at_risk[1]) to 130: patients cannot join the risk set",
    ),
    (
        "at risk not whole",
        _set(*FIG, "risk_tables", 0, "at_risk", 1, value=12.5),
        "km_figures[0].risk_tables[0].at_risk[1]",
        "must be an integer",
    ),
    (
        "at risk negative",
        _set(*FIG, "risk_tables", 0, "at_risk", 5, value=-1),
        "km_figures[0].risk_tables[0].at_risk[5]",
        "must be >= 0",
    ),
    (
        "nobody at risk at time 0",
        _set(*FIG, "risk_tables", 0, "at_risk", value=[0, 0, 0, 0, 0, 0]),
        "km_figures[0].risk_tables[0].at_risk[0]",
        "must be at least 1: it is the number of patients",
    ),
    (
        "at risk and time of different lengths",
        _delete(*FIG, "risk_tables", 0, "at_risk", 5),
        "km_figures[0].risk_tables[0].at_risk",
        "has 5 values but time has 6: one at_risk per time",
    ),
    (
        "more events than patients",
        _set(*FIG, "curves", 0, "total_events", value=151),
        "km_figures[0].curves[0].total_events",
        "151 events exceed the 150 patients at risk at time 0 (risk_tables[0].at_risk[0])",
    ),
    (
        "total events not whole",
        _set(*FIG, "curves", 0, "total_events", value=60.5),
        "km_figures[0].curves[0].total_events",
        "must be an integer or null",
    ),
    (
        "risk table far beyond the curve",
        _all(
            _set(*FIG, "risk_tables", 0, "time", value=[0, 6, 12, 18, 24, 30, 36, 42]),
            _set(*FIG, "risk_tables", 0, "at_risk", value=[150, 138, 120, 101, 70, 31, 10, 5]),
        ),
        "km_figures[0].risk_tables[0].time[7]",
        "time 42 lies beyond the curve's last point (30) by more than one table step (6):"
        " digitise the curve to its end, in the same time unit as the table",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_problem_is_reported_with_its_path(base, mutate, path, problem):
    data = copy.deepcopy(base)
    mutate(data)
    with pytest.raises(EvidenceError) as caught:
        evidence.from_dict(data, origin="trial.json")
    assert (caught.value.path, caught.value.problem) == (path, problem)
    assert str(caught.value) == f"trial.json: {path}: {problem}"


@pytest.mark.parametrize(
    "mutate",
    [
        # digitiser noise the rules accept
        _set(*FIG, "curves", 0, "survival", 0, value=1.04),  # up to 0.05 above 1
        _set(*FIG, "curves", 0, "survival", 7, value=-0.04),  # ... and below 0
        _set(*FIG, "curves", 0, "survival", 5, value=0.795),  # a rise of 0.015
        # the bottom of the drop at 9.8 clicked a hair (< 0.5% of 30) before its top
        _set(*FIG, "curves", 0, "time", 4, value=9.75),
        # one table step (6) past the curve's end (30) is allowed
        _all(
            _set(*FIG, "risk_tables", 0, "time", value=[0, 6, 12, 18, 24, 30, 36]),
            _set(*FIG, "risk_tables", 0, "at_risk", value=[150, 138, 120, 101, 70, 31, 0]),
        ),
        # strata: every arm in every stratum
        _strata(("new", "A"), ("std", "A"), ("new", "B"), ("std", "B")),
        _set(*FIG, "curves", 0, "total_events", value=150),  # everyone had an event
        _set(*FIG, "curves", 0, "stratum", value=None),  # null stratum = unstratified
    ],
    ids=[
        "survival 1.04",
        "survival -0.04",
        "rise 0.015",
        "drop clicked right to left",
        "table one step past the curve",
        "complete strata",
        "events = patients",
        "null stratum",
    ],
)
def test_digitiser_noise_within_the_tolerances_is_valid(base, mutate):
    data = copy.deepcopy(base)
    mutate(data)
    assert evidence.validate(data) == []


def test_valid_11_file_builds_the_figure(base):
    ev = evidence.from_dict(copy.deepcopy(base))
    assert ev.schema_version == "1.1"
    figure = ev.km_figure("os_figure_2")
    assert ev.km_figure_for("os") is figure
    assert figure.time_unit == "months"
    assert figure.source.quote == "Figure 2. Overall survival"
    assert figure.digitisation.files == ("figure2.csv", "figure2-at-risk.csv")
    assert figure.digitisation.date == "2024-03-01"
    assert figure.strata == (None,)
    assert figure.curve("std") == KmCurve(
        arm="std",
        stratum=None,
        time=(0.0, 3.2, 3.2, 8.5, 8.5, 15.0, 15.0, 28.4),
        survival=(1.0, 1.0, 0.88, 0.88, 0.65, 0.65, 0.41, 0.41),
        total_events=80,
    )
    assert figure.risk_table("new") == RiskTable(
        arm="new",
        stratum=None,
        time=(0.0, 6.0, 12.0, 18.0, 24.0, 30.0),
        at_risk=(150, 138, 120, 101, 70, 31),
    )
    assert all(isinstance(n, int) for n in figure.risk_table("new").at_risk)
    assert hash(ev) == hash(evidence.from_dict(copy.deepcopy(base)))


def test_a_10_file_loads_unchanged():
    palmira = evidence.load_bundled()
    assert palmira.schema_version == "1.0"
    assert palmira.km_figures == ()
    assert palmira.km_figure_for("pfs") is None
    assert json.loads(resources.read_text(resources.PALMIRA))["schema_version"] == "1.0"


def test_figures_in_a_10_file_are_one_problem(base):
    data = copy.deepcopy(base)
    data["schema_version"] = "1.0"
    data["km_figures"][0]["curves"][0]["survival"][2] = 5  # not repeated under it
    assert evidence.validate(data) == [
        (
            "km_figures",
            'needs schema_version "1.1"; this file declares "1.0": change schema_version to "1.1"',
        )
    ]


def test_non_finite_numbers_from_python_are_refused(base):
    data = copy.deepcopy(base)
    data["km_figures"][0]["curves"][0]["time"][3] = math.nan
    data["km_figures"][0]["curves"][0]["survival"][3] = math.inf
    assert evidence.validate(data)[:2] == [
        ("km_figures[0].curves[0].time[3]", "must be a finite number"),
        ("km_figures[0].curves[0].survival[3]", "must be a finite number"),
    ]


def test_every_problem_is_listed(base):
    data = copy.deepcopy(base)
    figure = data["km_figures"][0]
    figure["curves"][0]["time"][1] = -1
    figure["curves"][1]["survival"][7] = 1.5
    figure["risk_tables"][1]["at_risk"][3] = 100
    assert [path for path, _ in evidence.validate(data)] == [
        "km_figures[0].curves[0].time[1]",
        "km_figures[0].curves[1].survival[7]",  # above 1 ...
        "km_figures[0].curves[1].survival[7]",  # ... and a rise
        "km_figures[0].risk_tables[1].at_risk[3]",  # 97 -> 100
    ]


def test_validate_km_figure_checks_one_figure_against_its_context(base):
    figure = copy.deepcopy(base["km_figures"][0])
    context = {
        "arms": ["new", "std"],
        "endpoints": {"os": ("time_to_event", "months")},
        "documents": ["paper"],
    }
    assert validate_km_figure(figure, **context, index=2) == []
    figure["label"] = ""
    figure["curves"][0]["survival"][5] = 0.9
    assert validate_km_figure(figure, **context, index=2) == [
        ("km_figures[2].label", "must not be empty"),
        (
            "km_figures[2].curves[0].survival[5]",
            "survival rises from 0.78 (survival[4], time 9.8) to 0.9 (survival[5], time 20.3);"
            " a Kaplan–Meier curve never rises (up to 0.02 is taken as digitiser noise)",
        ),
    ]
    wrong_unit = dict(context, endpoints={"os": ("time_to_event", "days")})
    assert validate_km_figure(copy.deepcopy(base["km_figures"][0]), **wrong_unit)[0] == (
        "km_figures[0].time_unit",
        "must be 'days', the unit of endpoint 'os' (convert the times; got 'months')",
    )


@pytest.mark.parametrize(
    ("time", "survival", "rises"),
    [
        ([0, 1, 2, 3], [1.0, 0.61, 0.70, 0.5], [(1, 2)]),
        ([0, 1, 2, 3], [1.0, 0.61, 0.63, 0.5], []),  # 0.02 is noise
        ([3, 2, 1, 0], [0.5, 0.70, 0.61, 1.0], [(2, 1)]),  # any input order
        ([0, 10, 10.04], [1.0, 0.5, 0.9], []),  # a drop read right to left, 0.04 apart
        ([0, 10, 10.06], [1.0, 0.5, 0.9], [(1, 2)]),  # 0.06 > 0.5% of 10.06
        ([0, 1, 2, 3, 4], [1, 0.5, 0.515, 0.53, 0.545], [(1, 3), (1, 4)]),  # a slow drift
    ],
)
def test_survival_rises(time, survival, rises):
    # Rule: above the lowest clearly earlier point (> 0.5% of the largest time) by > 0.02.
    assert survival_rises(time, survival) == rises


def test_schema_is_valid_draft_2020_12_and_describes_figures():
    schema = evidence.schema()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["enum"] == ["1.0", "1.1", "1.2"]
    assert schema["properties"]["km_figures"]["items"] == {"$ref": "#/$defs/km_figure"}
    assert evidence.SCHEMA_VERSION == "1.2"


def test_docs_list_the_new_error_messages(base):
    text = DOC.read_text(encoding="utf-8")
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["km_figures"] = []
    assert evidence.validate(data)[0] == (
        "km_figures",
        'needs schema_version "1.1"; this file declares "1.0": change schema_version to "1.1"',
    )
    assert f"palmira.json: km_figures: {evidence.validate(data)[0][1]}" in text
    data["schema_version"] = "1.1"
    figure = copy.deepcopy(base["km_figures"][0])
    figure["endpoint"] = "pfs"
    figure["source"]["document"] = "asco2023"
    figure["curves"][0]["arm"], figure["curves"][1]["arm"] = "palbo_et", "et"
    figure["risk_tables"] = figure["risk_tables"][:1]
    figure["risk_tables"][0]["arm"] = "palbo_et"
    data["km_figures"] = [figure]
    path, problem = evidence.validate(data)[0]
    assert f"palmira.json: {path}: {problem}" in text
