"""Validation: every kind of problem gives an EvidenceError naming the path and the problem."""

from __future__ import annotations

import copy
import json
import time

import pytest
from jsonschema import Draft202012Validator

from explorer import evidence, resources
from explorer.evidence import EvidenceError, format_path
from explorer.evidence.validate import _semantic_problems
from tests.evidence.mutations import delete_at as _delete
from tests.evidence.mutations import set_at as _set


@pytest.fixture(scope="module")
def base() -> dict:
    return json.loads(resources.read_text(resources.PALMIRA))


def _source(quote: str = "x") -> dict:
    return {"document": "asco2023", "section": "Results", "quote": quote}


ET_MEDIAN = ("endpoints", 0, "medians", "et")
HR = ("endpoints", 0, "effect", "estimate")

# (id, mutation, expected path, expected problem): the first problem reported.
CASES = [
    # schema problems
    ("missing field", _delete("trial", "registry_id"), "trial.registry_id", "is required"),
    (
        "missing section",
        _delete("design"),
        "design",
        "is required",
    ),
    (
        "wrong type",
        _set(*ET_MEDIAN, "value", value="3.6"),
        "endpoints[0].medians.et.value",
        "must be a number",
    ),
    (
        "wrong type, nullable",
        _set("populations", 0, "total", value="198"),
        "populations[0].total",
        "must be an object or null",
    ),
    (
        "bad enum",
        _set(*ET_MEDIAN, "status", value="guessed"),
        "endpoints[0].medians.et.status",
        "must be one of: reported, derived, reconstructed",
    ),
    (
        "bad unit",
        _set(*ET_MEDIAN, "unit", value="mo"),
        "endpoints[0].medians.et.unit",
        "must be one of: days, weeks, months, years, %, patients, events, ratio, proportion, null",
    ),
    ("unexpected field", _set("trial", "foo", value=1), "trial", "unexpected field 'foo'"),
    (
        "reported without source",
        _delete(*ET_MEDIAN, "source"),
        "endpoints[0].medians.et.source",
        "is required",
    ),
    (
        "derived without derivation",
        _set(*ET_MEDIAN, "status", value="derived"),
        "endpoints[0].medians.et.derivation",
        "is required",
    ),
    (
        "lower without upper",
        _delete(*ET_MEDIAN, "upper"),
        "endpoints[0].medians.et.upper",
        "is required when 'lower' is given",
    ),
    (
        "level of 95",
        _set(*HR, "level", value=95),
        "endpoints[0].effect.estimate.level",
        "must be < 1",
    ),
    (
        "bad id",
        _set("arms", 0, "id", value="palbo et"),
        "arms[0].id",
        "must be an id: a letter, then letters, digits, '_' or '-'",
    ),
    ("sides", _set("design", "sides", value=3), "design.sides", "must be one of: 1, 2"),
    (
        "bad date format",
        _set("data_cut", "date", value="June 2023"),
        "data_cut.date",
        "must be an ISO date (YYYY-MM-DD)",
    ),
    (
        "empty quote",
        _set(*HR, "source", "quote", value=""),
        "endpoints[0].effect.estimate.source.quote",
        "must not be empty",
    ),
    (
        "endpoint kind",
        _set("endpoints", 1, "kind", value="continuous"),
        "endpoints[1].kind",
        "must be one of: time_to_event, binary",
    ),
    ("too few arms", _set("arms", value=[]), "arms", "must have at least 2 items"),
    # semantic problems
    (
        "unknown arm id",
        lambda d: d["endpoints"][0]["medians"].update(ctrl=d["endpoints"][0]["medians"]["et"]),
        "endpoints[0].medians.ctrl",
        "unknown arm id 'ctrl' (arms are: palbo_et, et)",
    ),
    (
        "lower above value",
        _set(*ET_MEDIAN, "lower", value=3.9),
        "endpoints[0].medians.et.lower",
        "value 3.6 lies outside its interval 3.9–4.2",
    ),
    (
        "value above upper",
        _set(*HR, "value", value=1.2),
        "endpoints[0].effect.estimate.upper",
        "value 1.2 lies outside its interval 0.6–1.1",
    ),
    (
        "lower above upper",
        _set(*HR, "lower", value=1.5),
        "endpoints[0].effect.estimate.lower",
        "lower 1.5 is above upper 1.1",
    ),
    (
        "percent over 100",
        _set("endpoints", 1, "by_arm", "et", "percent", "value", value=120),
        "endpoints[1].by_arm.et.percent.value",
        "must be between 0 and 100",
    ),
    (
        "duplicate id",
        _set("arms", 1, "id", value="palbo_et"),
        "arms[1].id",
        "duplicate id 'palbo_et' (first used at arms[0].id)",
    ),
    (
        "two controls",
        _set("arms", 0, "role", value="control"),
        "arms",
        "must have exactly one control arm (found 2)",
    ),
    (
        "unknown population",
        _set("endpoints", 1, "population", value="itt"),
        "endpoints[1].population",
        "unknown population id 'itt' (populations are: randomised, measurable_disease, safety)",
    ),
    (
        "unknown document",
        _set(*HR, "source", "document", value="nejm2024"),
        "endpoints[0].effect.estimate.source.document",
        "unknown document id 'nejm2024' (documents are: asco2023)",
    ),
    (
        "unknown primary endpoint",
        _set("design", "primary_endpoint", value="os"),
        "design.primary_endpoint",
        "unknown endpoint id 'os' (endpoints are: pfs, orr, cbr)",
    ),
    (
        "primary endpoint role",
        _set("design", "primary_endpoint", value="orr"),
        "endpoints[1].role",
        "must be 'primary': design.primary_endpoint names this endpoint",
    ),
    (
        "count above denominator",
        _set(
            "endpoints",
            1,
            "by_arm",
            "et",
            value={
                "count": {"value": 5, "status": "reported", "decimals": 0, "source": _source()},
                "denominator": {
                    "value": 4,
                    "status": "reported",
                    "decimals": 0,
                    "source": _source(),
                },
            },
        ),
        "endpoints[1].by_arm.et.count.value",
        "count 5 exceeds its denominator 4",
    ),
    (
        "empty proportion",
        _set("endpoints", 1, "by_arm", "et", value={}),
        "endpoints[1].by_arm.et",
        "must give a percent or a count",
    ),
    (
        "median not positive",
        _set(
            *ET_MEDIAN,
            value={"value": 0, "status": "reported", "unit": "months", "source": _source()},
        ),
        "endpoints[0].medians.et.value",
        "median must be > 0",
    ),
    (
        "negative count",
        _set("populations", 0, "by_arm", "et", "value", value=-62),
        "populations[0].by_arm.et.value",
        "must be >= 0",
    ),
    (
        "fractional count",
        _set(
            "populations",
            0,
            "by_arm",
            "et",
            value={"value": 62.5, "status": "reported", "unit": "patients", "source": _source()},
        ),
        "populations[0].by_arm.et.value",
        "must be a whole number",
    ),
    (
        "arm above total",
        _set("populations", 0, "total", "value", value=100),
        "populations[0].by_arm.palbo_et.value",
        "136 patients exceed the population total 100",
    ),
    (
        "events above population",
        _set("endpoints", 0, "events", "value", value=199),
        "endpoints[0].events.value",
        "199 events exceed the 198 patients of population 'randomised'",
    ),
    (
        "more decimals than printed",
        _set(*ET_MEDIAN, "value", value=3.65),
        "endpoints[0].medians.et.value",
        "3.65 has more decimals than 'decimals' (1) says",
    ),
    (
        "allocation ratio mismatch",
        _set("design", "allocation", "palbo_et", value=3),
        "design.allocation_ratio.value",
        "ratio 2 does not match the allocation 3:1 (treatment:control)",
    ),
    (
        "allocation misses an arm",
        _delete("design", "allocation", "et"),
        "design.allocation",
        "missing arm 'et'",
    ),
    (
        "hazard ratio not positive",
        _set(*HR, value={"value": 0, "status": "reported", "source": _source()}),
        "endpoints[0].effect.estimate.value",
        "hazard ratio must be > 0",
    ),
    (
        "p above 1",
        _set("endpoints", 0, "effect", "p", "value", value=2.06),
        "endpoints[0].effect.p.value",
        "p-value must be between 0 and 1",
    ),
    (
        "alpha of 5",
        _set("design", "alpha", "value", value=5),
        "design.alpha.value",
        "alpha must be between 0 and 1 (exclusive)",
    ),
    (
        "landmark not in percent",
        _set("endpoints", 0, "landmarks", 0, "by_arm", "et", "unit", value="proportion"),
        "endpoints[0].landmarks[0].by_arm.et.unit",
        "must be '%'",
    ),
    (
        "impossible date",
        _set("data_cut", "date", value="2023-02-30"),
        "data_cut.date",
        "'2023-02-30' is not a real date (YYYY-MM-DD)",
    ),
    (
        "accrual backwards",
        _set("design", "accrual", "end", value="2018-10"),
        "design.accrual.end",
        "accrual ends (2018-10) before it starts (2019-04)",
    ),
    (
        "age outside its range",
        _set("baseline", 0, "overall", "value", value=90),
        "baseline[0].overall.value",
        "value 90 lies outside its range 33–85",
    ),
    (
        "baseline without values",
        _set("baseline", 0, "overall", value=None),
        "baseline[0]",
        "must give an overall value or values by arm",
    ),
    (
        "unsupported schema_version",
        _set("schema_version", value="2.0"),
        "schema_version",
        "unsupported schema_version '2.0'; this version reads 1.0, 1.1 and 1.2",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_problem_is_reported_with_its_path(base, mutate, path, problem):
    data = copy.deepcopy(base)
    mutate(data)
    with pytest.raises(EvidenceError) as caught:
        evidence.from_dict(data)
    error = caught.value
    assert (error.path, error.problem) == (path, problem)
    assert str(error) == f"<dict>: {path}: {problem}"
    assert error.origin == "<dict>"
    assert error.problems[0] == (path, problem)
    assert evidence.validate(data)[0] == (path, problem)


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(evidence.schema())


def test_valid_data_has_no_problems(base):
    assert evidence.validate(base) == []


def test_validate_lists_every_problem_schema_first(base):
    data = copy.deepcopy(base)
    data["endpoints"][0]["medians"]["ctrl"] = data["endpoints"][0]["medians"].pop("et")  # semantic
    data["trial"]["phase"] = 2  # schema
    data["endpoints"][1]["by_arm"]["et"]["percent"]["value"] = 101  # semantic
    problems = evidence.validate(data)
    assert problems == [
        ("trial.phase", "must be a string"),
        ("endpoints[0].medians.ctrl", "unknown arm id 'ctrl' (arms are: palbo_et, et)"),
        ("endpoints[1].by_arm.et.percent.value", "must be between 0 and 100"),
    ]
    with pytest.raises(EvidenceError) as caught:
        evidence.from_dict(data)
    assert caught.value.problems == tuple(problems)


def test_semantic_problem_under_a_schema_problem_is_not_repeated(base):
    data = copy.deepcopy(base)
    data["design"]["median_follow_up"]["level"] = 1.5  # schema and semantic both object
    assert evidence.validate(data) == [("design.median_follow_up.level", "must be < 1")]


def test_whole_file_problems_have_an_empty_path():
    assert evidence.validate([]) == [("", "must be an object")]
    with pytest.raises(EvidenceError) as caught:
        evidence.loads("[]")
    assert str(caught.value) == "<string>: must be an object"


def test_missing_sections_are_all_listed():
    problems = evidence.validate({"schema_version": "1.0"})
    assert [path for path, _ in problems] == [
        "trial",
        "documents",
        "data_cut",
        "arms",
        "populations",
        "design",
        "endpoints",
    ]
    assert {problem for _, problem in problems} == {"is required"}


def _nodes(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _nodes(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _nodes(child, (*path, i))


@pytest.mark.parametrize("junk", [None, "x", -1, 1e6, [], {}, True])
def test_semantic_checks_survive_malformed_data(base, junk):
    # Every node of PALMIRA replaced in turn by junk: the checks report, never crash.
    started = time.perf_counter()
    for path in _nodes(base):
        if not path:
            continue
        data = copy.deepcopy(base)
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = junk
        for problem_path, problem in _semantic_problems(data):
            assert isinstance(format_path(problem_path), str)
            assert problem
    assert time.perf_counter() - started < 5


def test_format_path():
    assert format_path([]) == ""
    assert (
        format_path(["endpoints", 1, "medians", "et", "lower"]) == "endpoints[1].medians.et.lower"
    )
    assert format_path([3]) == "[3]"
    assert format_path(["by_arm", "P + ET"]) == 'by_arm["P + ET"]'
    assert format_path(["baseline", 0, "grade-3-4"]) == "baseline[0].grade-3-4"
