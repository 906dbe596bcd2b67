"""Fuzzing the file readers: ``sources.read_any``, ``load.load``, ``ctgov.read_registry_file``.

The bytes of a file are what the user's disk holds: mutated evidence files and registry
records, XML, and arbitrary bytes, sometimes not UTF-8, with a byte-order mark, UTF-16
or cut short. Every reader returns evidence or raises ``EvidenceError`` naming the file,
the place and the problem.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from explorer.evidence import ctgov
from explorer.evidence.load import load
from explorer.evidence.sources import read_any
from tests.fuzz.strategies import (
    active_profile,
    damaged_bytes,
    evidence_seeds,
    mutated_tree,
    outcome,
    profile,
    registry_seeds,
    serialised,
    xml_texts,
)

SEEDS = evidence_seeds() + registry_seeds(include_large=active_profile() == "long")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One folder for the module; each example overwrites the same file in it."""
    return tmp_path_factory.mktemp("fuzz-files")


def _read_with_every_reader(path) -> None:
    origin = str(path)
    any_result = outcome(lambda: read_any(path), origin)
    outcome(lambda: ctgov.read_registry_file(path), origin)
    outcome(lambda: load(path), origin)
    if isinstance(any_result, list):
        assert any_result, "read_any returned no evidence and no error"


@profile(long_share=0.2)
@given(data=st.data())
def test_readers_on_mutated_files(folder, data):
    _, tree = data.draw(mutated_tree(SEEDS))
    raw = data.draw(damaged_bytes(data.draw(serialised(tree))))
    path = folder / "mutated.json"
    path.write_bytes(raw)
    _read_with_every_reader(path)


@profile()
@given(raw=st.binary(max_size=400) | xml_texts().map(str.encode))
@example(raw=b"")
@example(raw=b"\xef\xbb\xbf")
@example(raw=b"\xff\xfe{\x00}\x00")
@example(raw=b"null")
@example(raw=b"[]")
@example(raw=b'"text"')
def test_readers_on_arbitrary_bytes(folder, raw):
    path = folder / "arbitrary.json"
    path.write_bytes(raw)
    _read_with_every_reader(path)


def test_a_folder_and_a_missing_file_are_named(folder):
    for path in (folder, folder / "missing.json"):
        _read_with_every_reader(path)
