"""Importing ClinicalTrials.gov records into the library: one cut per study, all or none."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from explorer import resources
from explorer.evidence import EvidenceError
from explorer.evidence.library import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov"
MADE_UP = FIXTURES / "made-up-three-arm.json"
SHARED = Path(__file__).parents[1] / "fixtures" / "ctgov" / "real"


@pytest.fixture
def lib(tmp_path):
    with Library(tmp_path / "lib.sqlite3", bundled=(resources.PALMIRA,)) as library:
        yield library


def made_up_study(nct_id="NCT09999999", acronym="MADEUP-3"):
    study = json.loads(MADE_UP.read_text(encoding="utf-8"))
    ident = study["protocolSection"]["identificationModule"]
    ident["nctId"], ident["acronym"] = nct_id, acronym
    return study


def test_a_single_study_becomes_a_registry_cut(lib):
    (result,) = lib.import_file(MADE_UP)
    assert result.trial_created and not result.duplicate
    trial = lib.trial(result.trial_id)
    assert (trial.key, trial.acronym) == ("NCT09999999", "MADEUP-3")
    cut = lib.cut(result.cut_id)
    assert cut.kind == "registry" and cut.schema_version == "1.2"
    assert cut.origin == str(MADE_UP) and not cut.bundled
    ev = lib.evidence(cut.id)
    assert ev.trial.registry_id == "NCT09999999" and ev.origin == str(MADE_UP)
    assert ev.document(ev.data_cut.document).date == "2024-01-15"  # last update posted
    (again,) = lib.import_file(MADE_UP)
    assert again.duplicate and again.cut_id == result.cut_id


def test_a_page_of_studies_is_added_in_one_transaction(lib, tmp_path):
    page = {"studies": [made_up_study(), made_up_study("NCT09999997", "MADEUP-B")]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    seen = []
    results = lib.import_file(path, progress=lambda done, total: seen.append((done, total)))
    assert [lib.trial(r.trial_id).acronym for r in results] == ["MADEUP-3", "MADEUP-B"]
    assert seen == [(1, 2), (2, 2)]
    assert {t.acronym for t in lib.trials(source="imported")} == {"MADEUP-3", "MADEUP-B"}


def test_a_page_with_one_bad_study_adds_nothing(lib, tmp_path):
    bad = copy.deepcopy(made_up_study("NCT09999996", "MADEUP-C"))
    del bad["protocolSection"]["identificationModule"]["nctId"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"studies": [made_up_study(), bad]}), encoding="utf-8")
    with pytest.raises(EvidenceError) as info:
        lib.import_file(path)
    assert str(path) in str(info.value) and "studies[1]" in str(info.value)
    assert lib.trials(source="imported") == []


def test_a_cancelled_page_adds_nothing(lib, tmp_path):
    page = {"studies": [made_up_study(), made_up_study("NCT09999997", "MADEUP-B")]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    polls = iter([False, True])
    assert lib.import_file(path, cancelled=lambda: next(polls)) == []
    assert lib.trials(source="imported") == []


def test_retired_formats_are_named(lib):
    with pytest.raises(EvidenceError, match="XML") as info:
        lib.import_file(FIXTURES / "classic-record.xml")
    assert "classic-record.xml" in str(info.value)


def test_neither_evidence_nor_a_registry_record_is_named(lib, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"name": "a shopping list", "items": []}', encoding="utf-8")
    with pytest.raises(EvidenceError, match="not an evidence file") as info:
        lib.import_file(path)
    assert str(path) in str(info.value)


def test_the_real_registry_records_import_and_the_legacy_one_is_refused(lib):
    for path in sorted((SHARED / "v2").glob("*.json")):
        (result,) = lib.import_file(path)
        assert lib.trial(result.trial_id).registry_id == path.stem
        assert lib.evidence(result.cut_id).trial.registry_id == path.stem
    assert {t.registry_id for t in lib.trials(source="imported")} == {
        "NCT02210780",
        "NCT03036150",
        "NCT05594173",
    }
    with pytest.raises(EvidenceError, match=r"retired ClinicalTrials\.gov classic-API JSON"):
        lib.import_file(SHARED / "legacy_v1_json" / "NCT00023673.json")
