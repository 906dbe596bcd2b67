"""Evidence format 1.2: registry outcome measures, named comparisons, ungraded adverse
events, trial context and a design whose calculation may be unreported.

The rich example below is a made-up three-arm trial (numbers in the style of PACE, not
PACE's record) that uses every field 1.2 adds. Each error case changes one thing and
checks the path and the words the reader of the error dialog will see.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from explorer import evidence, resources
from explorer.evidence import EvidenceError
from explorer.evidence.validate import minimum_version
from explorer.evidence.write import evidence_to_dict, save_with_km_figures
from tests.evidence.mutations import delete_at as _delete
from tests.evidence.mutations import set_at as _set

ROOT = Path(__file__).resolve().parents[2]
SIMULATED_11 = ROOT / "tests" / "fixtures" / "digitised" / "simulated-trial.json"
REGISTRY_OM = "resultsSection.outcomeMeasuresModule.outcomeMeasures[0]"


def _reported(value: float, quote: str, *, doc: str = "paper", section: str = "Results", **kw):
    return {
        "value": value,
        **kw,
        "status": "reported",
        "source": {"document": doc, "section": section, "quote": quote},
    }


def _registry(value: float, field: str, quote: str, **kw) -> dict:
    return _reported(value, quote, doc="registry", section=f"{REGISTRY_OM}.{field}", **kw)


def _patients(value: int, quote: str) -> dict:
    return _reported(value, quote, unit="patients", decimals=0)


def _median(value: float, lower: float, upper: float, quote: str) -> dict:
    return _reported(value, quote, unit="months", decimals=1, lower=lower, upper=upper, level=0.90)


def _hr(value: float, lower: float, upper: float, quote: str) -> dict:
    return _reported(value, quote, unit="ratio", decimals=2, lower=lower, upper=upper, level=0.9)


def _rich() -> dict[str, Any]:
    """A valid 1.2 file using every new field (a made-up trial)."""
    measurement = "classes[0].categories[0].measurements"
    return {
        "schema_version": "1.2",
        "trial": {
            "registry_id": "NCT00000012",
            "acronym": "EXAMPLE-3",
            "title": "A made-up three-arm trial of fulvestrant with or without added drugs",
            "phase": "II",
            "setting": "After progression on a CDK4/6 inhibitor",
            "population": "HR+/HER2- metastatic breast cancer",
            "citation": {"text": "Example A, et al. J Examples. 2024;2:1.", "doi": None},
            "context": {
                "CDK4/6 inhibitor after progression": "palbociclib continued (same inhibitor)",
                "Endocrine partner": "fulvestrant",
            },
        },
        "documents": [
            {"id": "paper", "kind": "article", "title": "Paper", "citation": "J Ex 2024"},
            {
                "id": "registry",
                "kind": "registry",
                "title": "ClinicalTrials.gov record NCT00000012",
                "citation": "ClinicalTrials.gov NCT00000012",
                "date": "2024-05-01",
            },
        ],
        "data_cut": {"label": "Primary analysis", "date": None, "document": "paper"},
        "arms": [
            {"id": "fp", "label": "F + P", "description": "Fulvestrant + P", "role": "treatment"},
            {
                "id": "fpa",
                "label": "F + P + A",
                "description": "Fulvestrant + P + A",
                "role": "treatment",
            },
            {"id": "f", "label": "F", "description": "Fulvestrant alone", "role": "control"},
        ],
        "populations": [
            {
                "id": "itt",
                "kind": "randomised",
                "label": "Randomised",
                "total": _patients(220, "220 patients"),
                "by_arm": {
                    "fp": _patients(111, "F + P (111)"),
                    "fpa": _patients(54, "F + P + A (54)"),
                    "f": _patients(55, "F (55)"),
                },
            }
        ],
        "design": {
            "allocation": {"fp": 2, "fpa": 1, "f": 1},
            "allocation_ratio": None,
            "stratification_factors": [],
            "primary_endpoint": "pfs",
            "secondary_endpoints": ["Overall survival"],
            "test": None,
            "sides": None,
            "alpha": None,
            "power": None,
            "hypothesised_hr": None,
            "masking": "open-label",
        },
        "endpoints": [
            {
                "id": "pfs",
                "kind": "time_to_event",
                "name": "Progression-free survival",
                "role": "primary",
                "population": "itt",
                "unit": "months",
                "medians": {
                    "fp": _median(4.6, 3.6, 5.9, "4.6 (90% CI 3.6-5.9)"),
                    "fpa": _median(8.1, 3.2, 10.7, "8.1 (90% CI 3.2-10.7)"),
                    "f": _median(4.8, 2.1, 8.2, "4.8 (2.1-8.2)"),
                },
                "effect": {
                    "kind": "HR",
                    "label": "F + P vs F",
                    "treatment": "fp",
                    "control": "f",
                    "estimate": _hr(1.11, 0.79, 1.55, "HR 1.11 (90% CI 0.79-1.55)"),
                    "p": _reported(0.62, "P = .62", decimals=2),
                },
                "other_effects": [
                    {
                        "kind": "HR",
                        "label": "F + P + A vs F",
                        "treatment": "fpa",
                        "control": "f",
                        "estimate": _hr(0.75, 0.50, 1.12, "HR 0.75 (90% CI 0.50-1.12)"),
                        "p": _reported(0.23, "P = .23", decimals=2),
                    }
                ],
            }
        ],
        "adverse_events": [
            {
                "id": "sae_fn",
                "term": "Febrile neutropenia",
                "grade": "ungraded",
                "category": "serious",
                "organ_system": "Blood and lymphatic system disorders",
                "population": "itt",
                "by_arm": {
                    arm: {"count": _patients(n, f"{n}/{d}"), "denominator": _patients(d, str(d))}
                    for arm, n, d in (("fp", 3, 111), ("fpa", 2, 54), ("f", 0, 55))
                },
            }
        ],
        "outcome_measures": [
            {
                "id": "om_pfs",
                "title": "Progression-Free Survival (PFS)",
                "role": "secondary",
                "description": "Time from randomisation to progression or death.",
                "time_frame": "up to 36 months",
                "population_description": "All randomised participants",
                "param_type": "MEDIAN",
                "dispersion": "90% Confidence Interval",
                "unit": "months",
                "groups": [
                    {
                        "id": "OG000",
                        "label": "Fulvestrant + Palbociclib",
                        "description": "F + P",
                        "arm": "fp",
                        "n": _registry(111, "denoms[0].counts[0].value", "111", unit="patients"),
                    },
                    {"id": "OG001", "label": "Fulvestrant", "arm": "f", "n": None},
                    {"id": "OG002", "label": "Total", "description": None, "arm": None},
                ],
                "values": [
                    {
                        "group": "OG000",
                        "class_label": None,
                        "category": None,
                        "measure": _registry(
                            4.6,
                            f"{measurement}[0].value",
                            "4.6",
                            unit="months",
                            lower=3.6,
                            upper=5.9,
                            level=0.9,
                            decimals=1,
                        ),
                        "lower": 3.6,
                        "upper": 5.9,
                    },
                    {
                        "group": "OG001",
                        "measure": None,
                        "lower": 2.1,
                        "upper": None,
                        "comment": "NA: the upper limit was not reached",
                    },
                ],
                "analyses": [
                    {
                        "groups": ["OG000", "OG001"],
                        "group_description": "F + P compared with F",
                        "estimate_name": "Hazard Ratio (HR)",
                        "estimate": _registry(
                            1.11,
                            "analyses[0].paramValue",
                            "1.11",
                            lower=0.79,
                            upper=1.55,
                            level=0.9,
                            decimals=2,
                        ),
                        "ci_sides": 2,
                        "p": _registry(
                            0.0001, "analyses[0].pValue", "<0.0001", qualifier="<", decimals=4
                        ),
                        "method": "Log Rank",
                        "non_inferiority": "SUPERIORITY",
                        "note": None,
                    }
                ],
                "source": {"document": "registry", "section": REGISTRY_OM, "quote": "PFS"},
            }
        ],
        "notes": ["A made-up trial for the format tests."],
    }


def _single_group() -> dict[str, Any]:
    """A valid 1.2 registry record of a single-group study: no control, no endpoints."""
    data = _rich()
    data["arms"] = [data["arms"][0]]
    data["populations"][0]["by_arm"] = {"fp": data["populations"][0]["by_arm"]["fp"]}
    data["populations"][0]["total"] = _patients(111, "111")
    data["design"] = {
        "allocation": {},
        "stratification_factors": [],
        "primary_endpoint": "om_pfs",
        "secondary_endpoints": [],
    }
    data["endpoints"] = []
    data["adverse_events"] = []
    measure = data["outcome_measures"][0]
    measure["role"] = "primary"
    measure["groups"] = measure["groups"][:1]
    measure["values"] = measure["values"][:1]
    measure["analyses"] = []
    return data


def _load(data: dict) -> evidence.Evidence:
    return evidence.from_dict(data, origin="rich.json")


def _problem(data: dict) -> tuple[str, str]:
    with pytest.raises(EvidenceError) as caught:
        _load(data)
    return caught.value.path, caught.value.problem


# --- a valid 1.2 file loads into the model --------------------------------------------


def test_rich_example_is_valid_and_loads_every_new_field():
    data = _rich()
    assert evidence.validate(data) == []
    ev = _load(data)
    assert ev.schema_version == "1.2"
    # trial.context: a read-only mapping, in file order.
    assert isinstance(ev.trial.context, MappingProxyType)
    assert list(ev.trial.context) == ["CDK4/6 inhibitor after progression", "Endocrine partner"]
    with pytest.raises(TypeError):
        ev.trial.context["x"] = "y"  # type: ignore[index]
    # design: the unreported calculation is None, masking kept.
    design = ev.design
    assert (design.allocation_ratio, design.sides, design.alpha) == (None, None, None)
    assert (design.power, design.hypothesised_hr, design.test) == (None, None, None)
    assert design.masking == "open-label" and not design.has_power_calculation
    assert dict(design.allocation) == {"fp": 2.0, "fpa": 1.0, "f": 1.0}
    # arms: two treatment arms against one control.
    assert ev.has_control and not ev.is_two_arm and ev.control_arm.id == "f"
    # named comparisons: effect first, then other_effects.
    pfs = ev.primary_endpoint
    assert pfs is not None and pfs.id == "pfs"
    assert [(e.treatment, e.control, e.label) for e in pfs.effects] == [
        ("fp", "f", "F + P vs F"),
        ("fpa", "f", "F + P + A vs F"),
    ]
    other = pfs.other_effects[0].estimate
    assert (other.value, other.lower, other.upper, other.level) == (0.75, 0.5, 1.12, 0.9)
    # the ungraded serious event keeps its organ class and is not counted as graded.
    ae = ev.adverse_event("sae_fn")
    assert ae.grade == "ungraded" and not ae.is_graded and ae.category == "serious"
    assert ae.organ_system == "Blood and lymphatic system disorders"
    assert ae.by_arm["fpa"].count.value == 2 and ae.by_arm["fpa"].percent is None


def test_outcome_measures_load_as_the_record_states_them():
    om = _load(_rich()).outcome_measure("om_pfs")
    assert (om.param_type, om.dispersion, om.unit, om.role) == (
        "MEDIAN",
        "90% Confidence Interval",
        "months",
        "secondary",
    )
    assert [g.arm for g in om.groups] == ["fp", "f", None]  # "Total" matches no arm
    assert om.group("OG000").n.value == 111 and om.group("OG001").n is None
    first, na = om.values
    assert first.measure.value == 4.6 and first.measure.level == 0.9
    assert (first.lower, first.upper) == (3.6, 5.9)
    assert na.measure is None and na.comment == "NA: the upper limit was not reached"
    assert (na.lower, na.upper) == (2.1, None)
    (analysis,) = om.analyses
    assert analysis.groups == ("OG000", "OG001") and analysis.ci_sides == 2
    assert analysis.estimate.level == 0.9 and analysis.estimate.lower == 0.79
    assert analysis.p.qualifier == "<" and analysis.p.formatted == "<0.0001"
    assert analysis.p.source.quote == "<0.0001"
    assert analysis.estimate.source.section == f"{REGISTRY_OM}.analyses[0].paramValue"
    assert analysis.estimate_name == "Hazard Ratio (HR)"
    assert om.source.document == "registry"


def test_measures_of_outcome_measures_are_walked_with_their_paths():
    paths = dict(_load(_rich()).iter_measures())
    assert paths["outcome_measures[0].analyses[0].p"].value == 0.0001
    assert paths["outcome_measures[0].groups[0].n"].value == 111
    assert paths["endpoints[0].other_effects[0].estimate"].value == 0.75
    assert "outcome_measures[0].values[1].measure" not in paths  # NA has no measure


def test_absent_design_calculation_means_null():
    data = _rich()
    for name in ("allocation_ratio", "primary_endpoint", "sides", "alpha", "power"):
        del data["design"][name]
    del data["design"]["hypothesised_hr"]
    ev = _load(data)
    assert ev.design.primary_endpoint is None and ev.primary_endpoint is None
    assert ev.design == dataclasses.replace(_load(_rich()).design, primary_endpoint=None)


def test_single_group_registry_record_without_endpoints_is_valid():
    data = _single_group()
    assert evidence.validate(data) == []
    ev = _load(data)
    assert not ev.has_control and not ev.is_two_arm and ev.endpoints == ()
    assert ev.design.primary_endpoint == "om_pfs" and ev.primary_endpoint is None
    assert ev.outcome_measure("om_pfs").role == "primary"
    with pytest.raises(ValueError, match="no control arm"):
        _ = ev.control_arm


def test_allocation_check_skips_when_the_ratio_is_not_reported():
    # Two arms allocated 2:1: a null ratio has nothing to check (the check skips), while
    # a reported ratio of 5 contradicts the allocation (the check still runs).
    data = _rich()
    data["arms"] = data["arms"][::2]
    data["design"]["allocation"] = {"fp": 2, "f": 1}
    for pop in data["populations"]:
        pop["by_arm"].pop("fpa")
    pfs = data["endpoints"][0]
    pfs["medians"].pop("fpa")
    del pfs["other_effects"]
    data["adverse_events"][0]["by_arm"].pop("fpa")
    assert evidence.validate(data) == []
    data["design"]["allocation_ratio"] = {"value": 5, "status": "derived", "derivation": "x"}
    assert evidence.validate(data) == [
        (
            "design.allocation_ratio.value",
            "ratio 5 does not match the allocation 2:1 (treatment:control)",
        )
    ]


def test_two_arm_effect_may_leave_its_arms_unnamed():
    data = _single_group()
    data["arms"] = _rich()["arms"][::2]
    data["populations"] = _rich()["populations"]
    for pop in data["populations"]:
        pop["by_arm"].pop("fpa")
    pfs = _rich()["endpoints"][0]
    pfs["medians"].pop("fpa")
    del pfs["other_effects"]
    for name in ("treatment", "control", "label"):
        del pfs["effect"][name]
    data["endpoints"] = [pfs]
    assert evidence.validate(data) == []
    assert _load(data).endpoint("pfs").effect.treatment is None


# --- one test per new error -----------------------------------------------------------

OM = ("outcome_measures", 0)


def _add_control(data):
    data["arms"].append({"id": "p", "label": "P", "description": "Placebo", "role": "control"})
    data["design"]["allocation"]["p"] = 1


def _duplicate_measure(data):
    data["outcome_measures"].append(copy.deepcopy(data["outcome_measures"][0]))


ERRORS = [
    (
        "analysis names an unknown group",
        _set(*OM, "analyses", 0, "groups", 1, value="OG009"),
        "outcome_measures[0].analyses[0].groups[1]",
        "unknown group 'OG009' (groups of this measure: OG000, OG001, OG002)",
    ),
    (
        "value names an unknown group",
        _set(*OM, "values", 1, "group", value="EG000"),
        "outcome_measures[0].values[1].group",
        "unknown group 'EG000' (groups of this measure: OG000, OG001, OG002)",
    ),
    (
        "analysis lists a group twice",
        _set(*OM, "analyses", 0, "groups", 1, value="OG000"),
        "outcome_measures[0].analyses[0].groups[1]",
        "group 'OG000' is listed twice (first at groups[0])",
    ),
    (
        "duplicate group id",
        _set(*OM, "groups", 2, "id", value="OG001"),
        "outcome_measures[0].groups[2].id",
        "duplicate id 'OG001' (first used at outcome_measures[0].groups[1].id)",
    ),
    (
        "group matched to an unknown arm",
        _set(*OM, "groups", 0, "arm", value="x"),
        "outcome_measures[0].groups[0].arm",
        "unknown arm id 'x' (arms are: fp, fpa, f)",
    ),
    (
        "group n not a count",
        _set(*OM, "groups", 0, "n", "value", value=110.5),
        "outcome_measures[0].groups[0].n.value",
        "must be a whole number",
    ),
    (
        "outcome-measure id is an endpoint id",
        _set(*OM, "id", value="pfs"),
        "outcome_measures[0].id",
        "id 'pfs' is already an endpoint's (endpoints[0].id): outcome-measure ids must differ"
        " from endpoint ids",
    ),
    (
        "duplicate outcome-measure id",
        _duplicate_measure,
        "outcome_measures[1].id",
        "duplicate id 'om_pfs' (first used at outcome_measures[0].id)",
    ),
    (
        "outcome measure named primary but not primary",
        _set("design", "primary_endpoint", value="om_pfs"),
        "outcome_measures[0].role",
        "must be 'primary': design.primary_endpoint names this outcome measure",
    ),
    (
        "primary endpoint names nothing",
        _set("design", "primary_endpoint", value="os"),
        "design.primary_endpoint",
        "unknown endpoint or outcome measure id 'os' (endpoints are: pfs;"
        " outcome_measures are: om_pfs)",
    ),
    (
        "value interval reversed",
        _set(*OM, "values", 0, "lower", value=6.0),
        "outcome_measures[0].values[0].lower",
        "lower 6 is above upper 5.9",
    ),
    (
        "analysis p above 1",
        _set(*OM, "analyses", 0, "p", "value", value=1.5),
        "outcome_measures[0].analyses[0].p.value",
        "p-value must be between 0 and 1",
    ),
    (
        "analysis without groups",
        _set(*OM, "analyses", 0, "groups", value=[]),
        "outcome_measures[0].analyses[0].groups",
        "must have at least 1 item",
    ),
    (
        "ci_sides not 1 or 2",
        _set(*OM, "analyses", 0, "ci_sides", value=3),
        "outcome_measures[0].analyses[0].ci_sides",
        "must be one of: 1, 2, null",
    ),
    (
        "unknown outcome-measure role",
        _set(*OM, "role", value="exploratory"),
        "outcome_measures[0].role",
        "must be one of: primary, secondary, other",
    ),
    (
        "outcome measure from an unknown document",
        _set(*OM, "source", "document", value="ctgov"),
        "outcome_measures[0].source.document",
        "unknown document id 'ctgov' (documents are: paper, registry)",
    ),
    (
        "other effect names an unknown arm",
        _set("endpoints", 0, "other_effects", 0, "treatment", value="x"),
        "endpoints[0].other_effects[0].treatment",
        "unknown arm id 'x' (arms are: fp, fpa, f)",
    ),
    (
        "other effect without its arms",
        _delete("endpoints", 0, "other_effects", 0, "control"),
        "endpoints[0].other_effects[0].control",
        "is required",
    ),
    (
        "effect names treatment but not control",
        _delete("endpoints", 0, "effect", "control"),
        "endpoints[0].effect.control",
        "is required when 'treatment' is given",
    ),
    (
        "effect compares an arm with itself",
        _set("endpoints", 0, "effect", "control", value="fp"),
        "endpoints[0].effect.control",
        "must differ from treatment: a comparison of arm 'fp' with itself",
    ),
    (
        "unnamed effect with two treatment arms",
        lambda d: [d["endpoints"][0]["effect"].pop(k) for k in ("treatment", "control")],
        "endpoints[0].effect",
        "must name its 'treatment' and 'control' arms: the trial has 2 treatment arms (fp, fpa)",
    ),
    (
        "other effect with a hazard ratio of 0",
        _set("endpoints", 0, "other_effects", 0, "estimate", "lower", value=0),
        "endpoints[0].other_effects[0].estimate.lower",
        "hazard ratio must be > 0",
    ),
    (
        "two control arms",
        _add_control,
        "arms",
        "must have at most one control arm (found 2)",
    ),
    (
        "no arms",
        _set("arms", value=[]),
        "arms",
        "must have at least 1 item",
    ),
    (
        "sides 3",
        _set("design", "sides", value=3),
        "design.sides",
        "must be one of: 1, 2, null",
    ),
    (
        "empty masking",
        _set("design", "masking", value=""),
        "design.masking",
        "must not be empty",
    ),
    (
        "not a grade",
        _set("adverse_events", 0, "grade", value="serious"),
        "adverse_events[0].grade",
        "must be a grade: any, 1 to 5, a band like 3-4, >=3, or ungraded",
    ),
    (
        "empty context value",
        _set("trial", "context", "Endocrine partner", value=""),
        'trial.context["Endocrine partner"]',
        "must not be empty",
    ),
    (
        "blank context label",
        _set("trial", "context", " ", value="x"),
        'trial.context[" "]',
        "the label must not be empty",
    ),
    (
        "unexpected field in an outcome value",
        _set(*OM, "values", 0, "se", value=1.0),
        "outcome_measures[0].values[0]",
        "unexpected field 'se'",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "problem"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_each_new_error_names_its_path_and_problem(mutate, path, problem):
    data = _rich()
    mutate(data)
    assert _problem(data) == (path, problem)


# --- files of 1.0 and 1.1 --------------------------------------------------------------


def _palmira() -> dict:
    return json.loads(resources.read_text(resources.PALMIRA))


def _simulated_11() -> dict:
    return json.loads(SIMULATED_11.read_text(encoding="utf-8"))


def test_files_of_1_0_and_1_1_load_as_before():
    palmira = evidence.load_bundled()
    assert palmira.schema_version == "1.0" and palmira.design.has_power_calculation
    assert palmira.design.masking is None and palmira.outcome_measures == ()
    assert palmira.trial.context == {} and palmira.is_two_arm
    effect = palmira.primary_endpoint.effect
    assert (effect.treatment, effect.control, effect.label) == (None, None, None)
    assert all(ae.is_graded and ae.organ_system is None for ae in palmira.adverse_events)
    simulated = evidence.load(SIMULATED_11)
    assert simulated.schema_version == "1.1" and len(simulated.km_figures) == 1


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_files_keep_their_stricter_rules(version):
    data = _palmira()
    data["schema_version"] = version
    data["arms"][1]["role"] = "treatment"
    assert _problem(copy.deepcopy(data)) == ("arms", "must have exactly one control arm (found 0)")
    data = _palmira()
    data["schema_version"] = version
    data["design"]["alpha"] = None
    assert _problem(data) == ("design.alpha", "must be an object")
    data = _palmira()
    data["schema_version"] = version
    data["endpoints"] = []
    assert _problem(data) == ("endpoints", "must have at least 1 item")


def _needs(declared: str) -> str:
    return (
        f'needs schema_version "1.2"; this file declares "{declared}":'
        ' change schema_version to "1.2"'
    )


NEWER_FIELDS = [
    ("context", _set("trial", "context", value={"a": "b"}), "trial.context"),
    ("masking", _set("design", "masking", value="double-blind"), "design.masking"),
    ("outcome_measures", _set("outcome_measures", value=[]), "outcome_measures"),
    (
        "other_effects",
        _set("endpoints", 0, "other_effects", value=[]),
        "endpoints[0].other_effects",
    ),
    (
        "effect label",
        _set("endpoints", 0, "effect", "label", value="x"),
        "endpoints[0].effect.label",
    ),
    (
        "organ_system",
        _set("adverse_events", 0, "organ_system", value="Blood"),
        "adverse_events[0].organ_system",
    ),
]


@pytest.mark.parametrize("declared", ["1.0", "1.1"])
@pytest.mark.parametrize(
    ("mutate", "path"), [c[1:] for c in NEWER_FIELDS], ids=[c[0] for c in NEWER_FIELDS]
)
def test_a_1_2_field_in_an_older_file_says_which_version_it_needs(declared, mutate, path):
    data = _palmira()
    data["schema_version"] = declared
    mutate(data)
    assert _problem(data) == (path, _needs(declared))


def test_an_ungraded_event_in_a_1_1_file_needs_1_2():
    data = _palmira()
    data["schema_version"] = "1.1"
    data["adverse_events"][0]["grade"] = "ungraded"
    assert _problem(data) == ("adverse_events[0].grade", '"ungraded" ' + _needs("1.1"))
    data["adverse_events"][0]["grade"] = "serious"  # an old file keeps the old words
    assert _problem(data) == (
        "adverse_events[0].grade",
        "must be a grade: any, 1 to 5, a band like 3-4, or >=3",
    )


def test_a_1_2_file_can_hold_a_1_0_file_unchanged():
    data = _palmira()
    data["schema_version"] = "1.2"
    ev = _load(data)
    assert dataclasses.replace(ev, schema_version="1.0", origin="x") == dataclasses.replace(
        evidence.load_bundled(), origin="x"
    )


# --- minimum_version ---------------------------------------------------------------------


def test_minimum_version_is_the_oldest_that_holds_the_data():
    assert minimum_version(_palmira()) == "1.0"
    assert minimum_version(_simulated_11()) == "1.1"
    assert minimum_version(_rich()) == "1.2"
    assert minimum_version(_single_group()) == "1.2"
    data = _palmira()
    data["design"]["power"] = None
    assert minimum_version(data) == "1.2"
    data = _palmira()
    del data["design"]["hypothesised_hr"]
    assert minimum_version(data) == "1.2"


# --- writing -------------------------------------------------------------------------


def _round_trip(ev: evidence.Evidence) -> evidence.Evidence:
    data = evidence_to_dict(ev)
    json.dumps(data, allow_nan=False)  # plain JSON data
    assert evidence.validate(data) == []
    return evidence.from_dict(data, origin=ev.origin)


@pytest.mark.parametrize(
    "build",
    [
        lambda: evidence.load_bundled(),
        lambda: evidence.load(SIMULATED_11),
        lambda: _load(_rich()),
        lambda: _load(_single_group()),
    ],
    ids=["palmira-1.0", "simulated-1.1", "rich-1.2", "single-group-1.2"],
)
def test_evidence_to_dict_round_trips(build):
    ev = build()
    again = _round_trip(ev)
    assert again == ev
    assert again.schema_version == ev.schema_version
    # the mappings take no part in the hash, so compare them explicitly as well
    assert dict(again.trial.context) == dict(ev.trial.context)
    assert dict(again.design.allocation) == dict(ev.design.allocation)


@pytest.mark.parametrize("name", resources.BUNDLED_EVIDENCE)
def test_every_bundled_file_round_trips(name):
    ev = evidence.load(resources.path(name))
    assert _round_trip(ev) == ev


def test_evidence_to_dict_writes_what_was_read():
    data = _rich()
    written = evidence_to_dict(_load(copy.deepcopy(data)))
    assert written["trial"]["context"] == data["trial"]["context"]
    assert written["design"]["alpha"] is None and written["design"]["sides"] is None
    assert written["design"]["masking"] == "open-label"
    assert written["endpoints"][0]["other_effects"][0]["treatment"] == "fpa"
    assert written["outcome_measures"][0]["values"][1]["measure"] is None
    assert written["outcome_measures"][0]["groups"][2]["arm"] is None
    assert written["populations"][0]["total"]["value"] == 220  # whole numbers stay ints
    assert isinstance(written["populations"][0]["total"]["value"], int)
    assert written["adverse_events"][0]["grade"] == "ungraded"
    # a fresh copy on every call: changing it changes nothing else
    written["trial"]["context"]["x"] = "y"
    assert "x" not in evidence_to_dict(_load(data))["trial"]["context"]


def test_evidence_to_dict_declares_1_2_when_the_evidence_needs_it():
    palmira = evidence.load_bundled()
    assert evidence_to_dict(palmira)["schema_version"] == "1.0"
    effect = dataclasses.replace(palmira.primary_endpoint.effect, label="P + ET vs ET")
    endpoint = dataclasses.replace(palmira.primary_endpoint, effect=effect)
    changed = dataclasses.replace(palmira, endpoints=(endpoint, *palmira.endpoints[1:]))
    data = evidence_to_dict(changed)
    assert data["schema_version"] == "1.2"
    assert _load(data).primary_endpoint.effect.label == "P + ET vs ET"


def test_saving_a_1_2_file_keeps_1_2_and_a_1_0_file_keeps_1_0(tmp_path):
    rich = tmp_path / "rich.json"
    rich.write_text(json.dumps(_rich()), encoding="utf-8")
    saved = save_with_km_figures(evidence.load(rich), rich)
    assert saved.schema_version == "1.2" and saved == evidence.load(rich)
    assert json.loads(rich.read_text(encoding="utf-8"))["schema_version"] == "1.2"
    old = tmp_path / "old.json"
    old.write_text(resources.read_text(resources.PALMIRA), encoding="utf-8")
    assert save_with_km_figures(evidence.load(old), old).schema_version == "1.0"
    assert json.loads(old.read_text(encoding="utf-8"))["schema_version"] == "1.0"


# --- docs/evidence-format.md ---------------------------------------------------------

DOC = ROOT / "docs" / "evidence-format.md"


def _doc_examples() -> list[tuple[str, Any]]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- format-1.2-example: (\S+) -->\s*```json\n(.*?)```", text, re.DOTALL)
    return [(place, json.loads(block)) for place, block in found]


def _put_at(data: dict, place: str, value: Any) -> None:
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", place)]
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def test_docs_format_12_examples_are_valid_in_the_rich_example():
    examples = _doc_examples()
    assert [place for place, _ in examples] == [
        "trial.context",
        "design",
        "endpoints[0].other_effects",
        "adverse_events[0]",
        "outcome_measures[0]",
    ]
    for place, value in examples:
        data = _rich()
        _put_at(data, place, value)
        assert evidence.validate(data) == [], place
    om = dict(examples)["outcome_measures[0]"]
    assert om["values"][1]["measure"] is None and om["analyses"][0]["p"]["qualifier"] == "<"


def test_docs_format_12_error_lines_are_what_the_validator_says():
    text = DOC.read_text(encoding="utf-8")
    lines = re.findall(r"^example-3\.json: (.*)$", text, re.MULTILINE)
    assert len(lines) == 5
    said = {f"{path}: {problem}" for _, _, path, problem in ERRORS}
    assert set(lines) <= said
    data = _palmira()
    data["trial"]["context"] = {"a": "b"}
    path, problem = evidence.validate(data)[0]
    assert f"palmira.json: {path}: {problem}" in text
