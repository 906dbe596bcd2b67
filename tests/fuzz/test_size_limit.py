"""Files above the size limit are refused by every reader, before they are read.

A sparse file of 100 MB takes no disk space and no time to create; each reader must name
the size and the limit, and must not open the file for reading (``open`` is watched).
"""

from __future__ import annotations

import builtins
import io
from pathlib import Path

import pytest

from explorer.evidence import ctgov
from explorer.evidence.digitised import MAX_FILE_BYTES, read_curves, read_risk_table
from explorer.evidence.errors import EvidenceError
from explorer.evidence.library import Library
from explorer.evidence.load import MAX_BYTES, load
from explorer.evidence.sources import read_any

SIZE = 100 * 2**20


@pytest.fixture
def huge(tmp_path, monkeypatch) -> Path:
    """A sparse 100 MB file; opening it fails the test."""
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(SIZE)
    for module in (builtins, io):
        real_open = module.open

        def guarded(file, *args, _real=real_open, **kwargs):
            if isinstance(file, str | Path) and Path(file) == path:
                raise AssertionError(f"{path} was opened; it should be refused unread")
            return _real(file, *args, **kwargs)

        monkeypatch.setattr(module, "open", guarded)
    return path


READERS = {
    "read_any": read_any,
    "load": load,
    "read_registry_file": ctgov.read_registry_file,
    "read_curves": read_curves,
    "read_risk_table": read_risk_table,
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_100_mb_file_is_refused_unread(huge, reader):
    with pytest.raises(EvidenceError) as caught:
        READERS[reader](huge)
    error = caught.value
    limit = MAX_FILE_BYTES if reader in ("read_curves", "read_risk_table") else MAX_BYTES
    assert error.origin == str(huge) and error.path == ""
    assert f"{limit // 2**20} MB" in error.problem  # the limit, named
    assert "100" in error.problem  # the file's own size


def test_the_library_refuses_a_100_mb_file_and_stays_empty(huge, tmp_path):
    with Library(tmp_path / "library.sqlite3", bundled=()) as lib:
        with pytest.raises(EvidenceError, match=r"files over 50 MB are not read"):
            lib.import_file(huge)
        assert lib.trial_count() == 0


def test_the_guard_catches_a_reader_that_opens_the_file(huge):
    # Without this, a reader that read the file anyway would pass the tests above.
    with pytest.raises(AssertionError, match="should be refused unread"):
        huge.read_bytes()
    with pytest.raises(AssertionError, match="should be refused unread"):
        open(str(huge), "rb")  # noqa: SIM115
