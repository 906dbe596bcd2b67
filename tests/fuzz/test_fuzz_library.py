"""Fuzzing ``Library.import_file`` with mutated evidence files and registry records.

Bad input raises ``EvidenceError`` (never ``LibraryError``, which is for the database
itself), and the library stays usable and intact after every refused file.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.evidence.library import ImportResult, Library
from tests.fuzz.strategies import (
    damaged_bytes,
    evidence_seeds,
    mutated_tree,
    outcome,
    profile,
    registry_seeds,
    serialised,
)

SEEDS = evidence_seeds() + registry_seeds(include_large=False)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """One library for the module (without the bundled evidence, to start fast)."""
    folder = tmp_path_factory.mktemp("fuzz-library")
    with Library(folder / "library.sqlite3", bundled=()) as lib:
        yield lib, folder


@profile(long_share=0.4)
@given(data=st.data())
def test_import_file_on_mutated_files(library, data):
    lib, folder = library
    _, tree = data.draw(mutated_tree(SEEDS))
    raw = data.draw(damaged_bytes(data.draw(serialised(tree))))
    path = folder / "import.json"
    path.write_bytes(raw)
    before = lib.trial_count()
    result = outcome(lambda: lib.import_file(path), str(path))
    if isinstance(result, list):
        assert result and all(isinstance(r, ImportResult) for r in result)
        assert lib.trial_count() >= before
    else:
        assert lib.trial_count() == before  # a refused file adds nothing
    assert lib._read("PRAGMA quick_check") == [("ok",)]
