"""Loading: files, strings and dicts; read errors; the immutable model and its lookups."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import evidence, resources
from explorer.evidence import EvidenceError, Measure, Source


@pytest.fixture(scope="module")
def text() -> str:
    return resources.read_text(resources.PALMIRA)


@pytest.fixture(scope="module")
def palmira() -> evidence.Evidence:
    return evidence.load_bundled()


def test_load_from_str_and_path_keeps_the_name_given(tmp_path, text):
    target = tmp_path / "trial.json"
    target.write_text(text, encoding="utf-8")
    assert evidence.load(target).origin == str(target)
    assert evidence.load(str(target)).origin == str(target)


def test_load_loads_and_from_dict_agree(text, palmira):
    from_string = evidence.loads(text)
    from_dict = evidence.from_dict(json.loads(text))
    assert from_string.origin == "<string>"
    assert from_dict.origin == "<dict>"
    assert evidence.loads(text, origin="x.json").origin == "x.json"
    # same content whatever the route (origin aside)
    assert dataclasses.replace(from_string, origin="") == dataclasses.replace(from_dict, origin="")
    assert dataclasses.replace(palmira, origin="") == dataclasses.replace(from_dict, origin="")


def test_file_not_found(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(EvidenceError) as caught:
        evidence.load(missing)
    assert (caught.value.path, caught.value.problem) == ("", "file not found")
    assert str(caught.value) == f"{missing}: file not found"


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(EvidenceError) as caught:
        evidence.load(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a file"


def test_bad_json_names_line_and_column(tmp_path):
    target = tmp_path / "bad.json"
    target.write_text('{\n  "schema_version": "1.0",\n  "trial" {}\n}\n', encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        evidence.load(target)
    error = caught.value
    assert error.path == ""
    assert error.problem == "not valid JSON: Expecting ':' delimiter at line 3, column 11"
    assert str(error) == f"{target}: not valid JSON: Expecting ':' delimiter at line 3, column 11"


def test_not_utf8(tmp_path):
    target = tmp_path / "latin1.json"
    target.write_bytes('{"a": "é"}'.encode("latin-1"))
    with pytest.raises(EvidenceError) as caught:
        evidence.load(target)
    assert caught.value.problem == "not UTF-8 text (undecodable byte at offset 7)"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"a": 1, "a": 2}', "not valid JSON: duplicate key 'a' in one JSON object"),
        ('{"a": NaN}', "not valid JSON: NaN is not allowed in JSON"),
        ('{"a": 1e999}', "not valid JSON: number 1e999 is too large"),
        ("", "not valid JSON: Expecting value at line 1, column 1"),
    ],
)
def test_json_is_read_strictly(text, problem):
    with pytest.raises(EvidenceError) as caught:
        evidence.loads(text)
    assert str(caught.value) == f"<string>: {problem}"


def test_unsupported_schema_version_is_refused_first(text):
    data = json.loads(text)
    data["schema_version"] = "2.0"
    del data["trial"]  # a 2.0 file may be laid out differently: not reported
    with pytest.raises(EvidenceError) as caught:
        evidence.loads(json.dumps(data), origin="future.json")
    assert str(caught.value) == (
        "future.json: schema_version: unsupported schema_version '2.0'; "
        "this version reads 1.0, 1.1 and 1.2"
    )
    assert caught.value.problems == (
        ("schema_version", "unsupported schema_version '2.0'; this version reads 1.0, 1.1 and 1.2"),
    )


def test_evidence_error_is_a_value_error_with_all_problems():
    error = EvidenceError("f.json", "arms", "must have exactly one control arm (found 2)")
    assert isinstance(error, ValueError)
    assert error.problems == (("arms", "must have exactly one control arm (found 2)"),)
    assert str(EvidenceError("f.json", "", "file not found")) == "f.json: file not found"


def test_model_is_immutable(palmira):
    with pytest.raises(dataclasses.FrozenInstanceError):
        palmira.trial.acronym = "OTHER"  # type: ignore[misc]
    median = palmira.endpoint("pfs").medians["et"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        median.value = 9.9  # type: ignore[misc]
    with pytest.raises(TypeError):
        palmira.endpoint("pfs").medians["et"] = median  # type: ignore[index]
    with pytest.raises(TypeError):
        palmira.design.allocation["et"] = 5  # type: ignore[index]
    with pytest.raises(AttributeError):
        palmira.arms.append(palmira.arms[0])  # type: ignore[attr-defined]
    assert isinstance(palmira.endpoints, tuple)
    assert isinstance(palmira.design.stratification_factors, tuple)


def test_model_is_hashable_so_it_can_key_caches(palmira, text):
    again = evidence.loads(text, origin=palmira.origin)
    assert again == palmira
    assert hash(again) == hash(palmira)
    assert len({palmira, again}) == 1


def test_lookups_raise_key_error_naming_the_id(palmira):
    assert palmira.arm("et").role == "control"
    assert palmira.population("safety").kind == "safety"
    assert palmira.endpoint("orr").kind == "binary"
    assert palmira.endpoint("pfs").kind == "time_to_event"
    assert palmira.primary_endpoint is palmira.endpoint("pfs")
    for lookup in (palmira.arm, palmira.population, palmira.endpoint, palmira.document):
        with pytest.raises(KeyError, match="'nope'"):
            lookup("nope")


def test_treatment_arm_of_a_multi_arm_trial_is_ambiguous(text):
    data = json.loads(text)
    third = copy.deepcopy(data["arms"][0])
    third["id"] = "palbo_et_2"
    data["arms"].append(third)
    data["design"]["allocation"]["palbo_et_2"] = 2
    ev = evidence.from_dict(data)
    assert [arm.id for arm in ev.treatment_arms] == ["palbo_et", "palbo_et_2"]
    assert ev.control_arm.id == "et"
    with pytest.raises(ValueError, match="ambiguous: 2 treatment arms"):
        _ = ev.treatment_arm


def test_measure_helpers(palmira):
    median = palmira.endpoint("pfs").medians["palbo_et"]
    assert median.is_reported
    assert median.has_ci
    assert median.printed == "4.2 months (95% CI 3.5–5.8)"
    assert median.formatted == "4.2 months (95% CI 3.5–5.8)"
    assert palmira.design.hypothesised_hr.formatted == "≤0.59"
    assert palmira.baseline_characteristic("age").overall.formatted == "59 years (range 33–85)"
    derived = palmira.adverse_event("treatment_related_deaths").by_arm["et"].count
    assert not derived.is_reported
    assert not derived.has_ci
    assert derived.printed == "0 patients"
    assert Measure(0.2064, "derived", derivation="x").printed == "0.2064"
    assert Measure(1.0, "reported", source=Source("d", "Results", "one")).printed == "one"


def test_iter_measures_paths(palmira):
    paths = dict(palmira.iter_measures())
    assert paths["endpoints[0].medians.et"].value == 3.6
    assert paths["endpoints[0].effect.p"].value == 0.206
    assert paths["adverse_events[1].overall.count"].value == 0
    assert paths["eligibility[0].threshold"].unit == "weeks"


def test_load_bundled_uses_the_resource_accessor(palmira):
    assert Path(palmira.origin) == resources.path(resources.PALMIRA)


def test_importing_evidence_pulls_in_no_gui_or_numerics():
    code = (
        "import sys, explorer.evidence as e; e.load_bundled();"
        "bad = [m for m in ('PySide6', 'pyqtgraph', 'pandas', 'scipy', 'numpy',"
        " 'explorer.stats', 'explorer.analysis') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
