"""The user's library: bundled and imported cuts, search, removal, notes, files and versions."""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3

import pytest

from explorer import resources
from explorer.evidence import EvidenceError, load_bundled
from explorer.evidence.library import (
    LIBRARY_SCHEMA_VERSION,
    MIGRATIONS,
    Library,
    LibraryError,
    canonical_json,
    synthetic_variant,
    trial_key,
)
from explorer.evidence.write import evidence_to_dict

PALMIRA_ONLY = (resources.PALMIRA,)


@pytest.fixture(scope="module")
def palmira():
    return load_bundled()


@pytest.fixture
def lib(tmp_path):
    with Library(tmp_path / "lib.sqlite3", bundled=PALMIRA_ONLY) as library:
        yield library


def write_evidence(path, ev):
    path.write_text(json.dumps(evidence_to_dict(ev), ensure_ascii=False), encoding="utf-8")
    return path


# -- opening, bundled evidence ---------------------------------------------------------


def test_new_library_lists_the_bundled_palmira_cut_read_only(lib):
    (trial,) = lib.trials()
    assert (trial.key, trial.acronym, trial.phase) == ("NCT03809988", "PALMIRA", "II")
    assert trial.bundled and trial.cut_count == 1
    (cut,) = lib.cuts(trial.id)
    assert cut.bundled and cut.origin == "bundled:evidence/palmira-asco2023.json"
    assert (cut.kind, cut.schema_version) == ("abstract", "1.0")
    assert cut.label == trial.latest_cut == "Primary PFS analysis (ASCO 2023 abstract)"
    # The evidence is read from the resources, never stored in the database.
    with sqlite3.connect(lib.path) as raw:
        assert raw.execute("SELECT evidence_json FROM cuts").fetchall() == [(None,)]
    ev = lib.evidence(cut.id)
    assert ev.origin == str(resources.path(resources.PALMIRA))
    assert ev == load_bundled()


def test_every_installed_bundled_file_is_listed_and_a_missing_one_is_logged(tmp_path, caplog):
    installed = [n for n in resources.BUNDLED_EVIDENCE if _installed(n)]
    names = (*resources.BUNDLED_EVIDENCE, "evidence/not-shipped.json")
    with caplog.at_level(logging.INFO, logger="explorer.evidence.library"):
        lib = Library(tmp_path / "lib.sqlite3", bundled=names)
    with lib:
        origins = sorted(c.origin for t in lib.trials() for c in lib.cuts(t.id))
        assert origins == sorted("bundled:" + n for n in installed)
        assert all(t.bundled for t in lib.trials())
    assert "evidence/not-shipped.json is not installed" in caplog.text


def _installed(name):
    try:
        resources.path(name)
    except ValueError:
        return False
    return True


def test_reopening_keeps_bundled_cut_ids_and_writes_nothing(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        first = [(c.id, c.imported_at) for t in lib.trials() for c in lib.cuts(t.id)]
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        again = [(c.id, c.imported_at) for t in lib.trials() for c in lib.cuts(t.id)]
    assert again == first


def test_a_corrected_bundled_file_updates_its_row_in_place(tmp_path, monkeypatch, palmira):
    path = tmp_path / "lib.sqlite3"
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        (cut,) = lib.cuts(lib.trials()[0].id)
    data = evidence_to_dict(palmira)
    data["data_cut"]["label"] = "Primary PFS analysis (corrected)"
    original = resources.read_text
    monkeypatch.setattr(
        resources,
        "read_text",
        lambda name: json.dumps(data) if name == resources.PALMIRA else original(name),
    )
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        (again,) = lib.cuts(lib.trials()[0].id)
        assert again.id == cut.id and again.label == "Primary PFS analysis (corrected)"
        assert again.sha256 != cut.sha256
        assert lib.evidence(again.id).data_cut.label == "Primary PFS analysis (corrected)"


def test_a_bundled_file_no_longer_shipped_leaves_the_list_but_its_notes_stay(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        trial_id = lib.trials()[0].id
        lib.set_note(trial_id, "Rechallenge, not switch.")
    with Library(path, bundled=()) as lib:
        assert lib.trials() == []
        assert lib.note(trial_id) == "Rechallenge, not switch."
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        assert lib.trials()[0].id == trial_id
        assert lib.note(trial_id) == "Rechallenge, not switch."


# -- adding -------------------------------------------------------------------------------


def test_adding_a_new_trial_stores_its_canonical_json(lib, palmira):
    ev = synthetic_variant(palmira, 7)
    result = lib.add_evidence(ev, origin="/data/sim7.json")
    assert result.trial_created and not result.duplicate
    assert result.label == "Simulated analysis 1"
    trial = lib.trial(result.trial_id)
    assert (trial.key, trial.acronym, trial.bundled) == ("SIM00000007", "SIM-00007", False)
    cut = lib.cut(result.cut_id)
    assert (cut.origin, cut.bundled, cut.date) == ("/data/sim7.json", False, "2007-01-15")
    with sqlite3.connect(lib.path) as raw:
        (stored,) = raw.execute("SELECT evidence_json FROM cuts WHERE id = ?", (cut.id,)).fetchone()
    assert stored == canonical_json(ev)
    back = lib.evidence(cut.id)
    assert back.origin == "/data/sim7.json"
    assert evidence_to_dict(back) == evidence_to_dict(ev)


def test_the_same_evidence_twice_is_a_duplicate_and_writes_nothing(lib, palmira):
    first = lib.add_evidence(synthetic_variant(palmira, 1), origin="a.json")
    with sqlite3.connect(lib.path) as raw:
        before = raw.execute("SELECT count(*) FROM cuts").fetchone()[0]
    again = lib.add_evidence(synthetic_variant(palmira, 1), origin="elsewhere/b.json")
    assert again.duplicate and not again.trial_created
    assert (again.trial_id, again.cut_id) == (first.trial_id, first.cut_id)
    with sqlite3.connect(lib.path) as raw:
        assert raw.execute("SELECT count(*) FROM cuts").fetchone()[0] == before
    assert lib.cut(first.cut_id).origin == "a.json"
    # The bundled file itself, read again, is also a duplicate of its bundled row.
    assert lib.add_evidence(palmira, origin="copy.json").duplicate


def test_a_second_cut_joins_its_trial_and_cuts_list_oldest_first(lib, palmira):
    later = lib.add_evidence(synthetic_variant(palmira, 3, cut=2), origin="c3.json")
    earlier = lib.add_evidence(synthetic_variant(palmira, 3, cut=0), origin="c1.json")
    assert later.trial_created and not earlier.trial_created
    assert earlier.trial_id == later.trial_id
    cuts = lib.cuts(later.trial_id)
    assert [c.date for c in cuts] == ["2003-01-15", "2005-03-15"]
    trial = lib.trial(later.trial_id)
    assert trial.cut_count == 2 and trial.latest_cut == "Simulated analysis 3"


def test_trial_key_prefers_the_registry_id_else_the_acronym(palmira):
    assert trial_key(palmira.trial) == "NCT03809988"
    blank = dataclasses.replace(palmira.trial, registry_id=" ", acronym="Palmira")
    assert trial_key(blank) == "acronym:PALMIRA"


def test_trial_id_for_finds_the_trial_of_any_cut(lib, palmira):
    assert lib.trial_id_for(palmira) == lib.trials()[0].id
    assert lib.trial_id_for(synthetic_variant(palmira, 99)) is None


def test_a_batch_is_all_or_none_and_can_be_cancelled(lib, palmira):
    batch = [synthetic_variant(palmira, i) for i in range(5)]
    seen = []
    polls = iter([False, False, True])
    results = lib.add_evidence_batch(
        batch,
        origin="page.json",
        progress=lambda d, t: seen.append((d, t)),
        cancelled=lambda: next(polls),
    )
    assert results == [] and seen == [(1, 5), (2, 5)]
    assert [t.acronym for t in lib.trials()] == ["PALMIRA"]  # the two added were rolled back
    results = lib.add_evidence_batch(batch, origin="page.json")
    assert [r.trial_created for r in results] == [True] * 5
    assert len(lib.trials()) == 6


# -- searching and filtering -------------------------------------------------------------


@pytest.fixture
def many(lib, palmira):
    lib.add_evidence_batch([synthetic_variant(palmira, i) for i in range(1, 61)], origin="x")
    return lib


def test_search_matches_id_acronym_title_and_population_case_insensitively(many):
    assert [t.acronym for t in many.trials("palmira")] == ["PALMIRA"]
    assert [t.acronym for t in many.trials("nct03809988")] == ["PALMIRA"]
    assert [t.key for t in many.trials("sim00000042")] == ["SIM00000042"]
    assert [t.acronym for t in many.trials("sim-0004")] == [f"SIM-0004{i}" for i in range(10)]
    # Population: every fifth synthetic trial is melanoma (index % 5 == 3).
    melanoma = many.trials("MELANOMA")
    assert [t.acronym for t in melanoma] == [f"SIM-{i:05d}" for i in range(3, 61, 5)]
    # Title words, all required, in any order.
    assert [t.acronym for t in many.trials("endocrine palbociclib")] == ["PALMIRA"]
    assert many.trials("palbociclib melanoma") == []


def test_search_treats_like_wildcards_as_plain_text(many):
    assert many.trials("%") == [] and many.trials("_") == []
    assert [t.acronym for t in many.trials("her2−")][:1] == ["PALMIRA"]


def test_source_and_phase_filters(many):
    assert [t.acronym for t in many.trials(source="bundled")] == ["PALMIRA"]
    assert len(many.trials(source="imported")) == 60 and many.trial_count() == 61
    assert many.phases() == ["I", "I/II", "II", "II/III", "III", "IV"]
    phase_3 = many.trials(phase="III")
    assert [t.acronym for t in phase_3] == [f"SIM-{i:05d}" for i in range(4, 61, 6)]
    assert len(many.trials("sim", phase="II", limit=3)) == 3
    with pytest.raises(ValueError, match="source must be"):
        many.trials(source="mine")


def test_trials_are_sorted_by_acronym_ignoring_case(lib, palmira):
    low = dataclasses.replace(
        synthetic_variant(palmira, 5),
        trial=dataclasses.replace(synthetic_variant(palmira, 5).trial, acronym="aardvark"),
    )
    lib.add_evidence(low, origin="x")
    assert [t.acronym for t in lib.trials()] == ["aardvark", "PALMIRA"]


def test_unknown_ids_raise_key_error(lib):
    for call in (lib.trial, lib.cut, lib.evidence, lib.remove_cut):
        with pytest.raises(KeyError, match="12345"):
            call(12345)
    with pytest.raises(KeyError, match="no trial with id 12345"):
        lib.set_note(12345, "x")


# -- removing ------------------------------------------------------------------------------


def test_bundled_cuts_cannot_be_removed(lib):
    (cut,) = lib.cuts(lib.trials()[0].id)
    with pytest.raises(LibraryError, match="bundled with the app and cannot be removed"):
        lib.remove_cut(cut.id)
    assert lib.cut(cut.id).bundled


def test_removing_the_only_cut_removes_the_trial(lib, palmira):
    result = lib.add_evidence(synthetic_variant(palmira, 8), origin="x")
    lib.remove_cut(result.cut_id)
    assert [t.acronym for t in lib.trials()] == ["PALMIRA"]
    with pytest.raises(KeyError):
        lib.trial(result.trial_id)


def test_removing_one_of_two_cuts_keeps_the_trial_and_its_notes(lib, palmira):
    first = lib.add_evidence(synthetic_variant(palmira, 8, cut=0), origin="x")
    second = lib.add_evidence(synthetic_variant(palmira, 8, cut=1), origin="y")
    lib.set_note(first.trial_id, "Check the censoring.")
    lib.remove_cut(second.cut_id)
    trial = lib.trial(first.trial_id)
    assert trial.cut_count == 1 and trial.latest_cut == "Simulated analysis 1"
    assert lib.note(first.trial_id) == "Check the censoring."


def test_removing_the_last_cut_of_a_trial_with_notes_needs_remove_notes(lib, palmira):
    result = lib.add_evidence(synthetic_variant(palmira, 9), origin="x")
    lib.set_note(result.trial_id, "trial note")
    lib.set_note(result.trial_id, "figure note", figure_id="pfs.hr")
    with pytest.raises(LibraryError, match="has 2 notes; removing it would remove the notes"):
        lib.remove_cut(result.cut_id)
    assert lib.cut(result.cut_id).id == result.cut_id  # nothing changed
    lib.remove_cut(result.cut_id, remove_notes=True)
    assert lib.notes(result.trial_id) == []
    with sqlite3.connect(lib.path) as raw:
        assert raw.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_notes_survive_reimport_of_a_trial_under_a_new_cut(lib, palmira):
    """Notes belong to the trial (its registry id), not to the cut or the file."""
    a = lib.add_evidence(synthetic_variant(palmira, 4, cut=0), origin="a.json")
    lib.set_note(a.trial_id, "Crossover allowed.")
    b = lib.add_evidence(synthetic_variant(palmira, 4, cut=1), origin="b.json")
    lib.remove_cut(a.cut_id)
    assert b.trial_id == a.trial_id
    assert lib.note(b.trial_id) == "Crossover allowed."


# -- notes ------------------------------------------------------------------------------------


def test_notes_set_update_delete_and_list(lib):
    trial_id = lib.trials()[0].id
    assert lib.note(trial_id) == "" and lib.notes(trial_id) == []
    saved = lib.set_note(trial_id, "First thoughts")
    assert saved.text == "First thoughts" and saved.figure_id is None
    lib.set_note(trial_id, "HR CI crosses 1", figure_id="pfs.hr")
    lib.set_note(trial_id, "Second thoughts\nwith a second line")
    assert lib.note(trial_id) == "Second thoughts\nwith a second line"
    assert lib.note(trial_id, "pfs.hr") == "HR CI crosses 1"
    assert [(n.figure_id, n.text) for n in lib.notes(trial_id)] == [
        (None, "Second thoughts\nwith a second line"),
        ("pfs.hr", "HR CI crosses 1"),
    ]
    assert lib.set_note(trial_id, "  \n\t ") is None
    assert lib.note(trial_id) == "" and len(lib.notes(trial_id)) == 1


def test_notes_persist_across_reopening(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        trial_id = lib.trials()[0].id
        lib.set_note(trial_id, "Ünïcode — and <b>not html</b>", figure_id="pfs.hr")
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        assert lib.note(trial_id, "pfs.hr") == "Ünïcode — and <b>not html</b>"


# -- importing files ----------------------------------------------------------------------


def test_import_file_adds_an_evidence_file_with_its_absolute_path(lib, palmira, tmp_path):
    path = write_evidence(tmp_path / "sim.json", synthetic_variant(palmira, 12))
    (result,) = lib.import_file(path)
    assert result.trial_created and lib.cut(result.cut_id).origin == str(path.resolve())
    (again,) = lib.import_file(path)
    assert again.duplicate and again.cut_id == result.cut_id


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"schema_version": "1.0",', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b'{"schema_version": "1.0", "trial": {}}', "documents: is required"),
    ],
)
def test_import_file_refuses_bad_files_naming_the_file(lib, tmp_path, content, problem):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(EvidenceError, match=problem) as info:
        lib.import_file(path)
    assert str(path) in str(info.value)
    assert len(lib.trials()) == 1


def test_import_file_names_a_missing_file_and_a_folder(lib, tmp_path):
    with pytest.raises(EvidenceError, match="file not found"):
        lib.import_file(tmp_path / "none.json")
    with pytest.raises(EvidenceError, match="is a folder"):
        lib.import_file(tmp_path)


# -- the file itself: versions, damage -----------------------------------------------------


def test_an_empty_version_0_file_is_migrated(tmp_path):
    path = tmp_path / "lib.sqlite3"
    sqlite3.connect(path).close()  # an empty SQLite file: user_version 0, no tables
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        assert lib.schema_version == LIBRARY_SCHEMA_VERSION == len(MIGRATIONS) == 1
        assert [t.acronym for t in lib.trials()] == ["PALMIRA"]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"trials", "cuts", "notes"}


def test_a_library_from_a_newer_app_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 7")
    with pytest.raises(LibraryError) as info:
        Library(path)
    message = str(info.value)
    assert str(path) in message and "library format 7" in message
    assert f"reads up to format {LIBRARY_SCHEMA_VERSION}" in message


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "lib.sqlite3"
    path.write_text("this is not SQLite, it is a note to self\n" * 40)
    with pytest.raises(LibraryError, match="not a library file"):
        Library(path)
    assert path.read_text().startswith("this is not SQLite")  # left untouched


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(LibraryError, match="not a library of this app"):
        Library(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(LibraryError, match="is a folder"):
        Library(tmp_path)


def test_a_closed_library_says_so(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3", bundled=())
    lib.close()
    lib.close()  # idempotent
    with pytest.raises(LibraryError, match="closed"):
        lib.trials()


def test_a_read_only_library_refuses_writes_with_a_library_error(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        trial_id = lib.trials()[0].id
    with Library(path, bundled=PALMIRA_ONLY) as lib:
        lib._db.execute("PRAGMA query_only = ON")  # as a read-only medium would
        with pytest.raises(LibraryError, match=str(path)):
            lib.set_note(trial_id, "x")
