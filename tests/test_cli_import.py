"""``explorer import FILE... [--library PATH]``: one line per result, bad input exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from explorer.cli import main
from explorer.evidence import load_bundled
from explorer.evidence.library import Library, synthetic_variant
from explorer.evidence.write import evidence_to_dict


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(path, ev):
    path.write_text(json.dumps(evidence_to_dict(ev)), encoding="utf-8")
    return str(path)


def test_import_adds_then_recognises_duplicates(capsys, tmp_path):
    template = load_bundled()
    a = write(tmp_path / "a.json", synthetic_variant(template, 1))
    b = write(tmp_path / "b.json", synthetic_variant(template, 1, cut=1))
    library = str(tmp_path / "lib.sqlite3")
    code, out, err = run(capsys, "import", a, b, "--library", library)
    assert code == 0 and err == ""
    with Library(library) as lib:
        (trial,) = lib.trials("SIM-00001")
        first, second = lib.cuts(trial.id)
    assert out.splitlines() == [
        f"added SIM-00001: Simulated analysis 1 (trial {trial.id}, cut {first.id})",
        f"added SIM-00001: Simulated analysis 2 (trial {trial.id}, cut {second.id})",
    ]
    code, out, err = run(capsys, "import", a, "--library", library)
    assert code == 0 and err == ""
    assert out == (
        "already in the library: SIM-00001: Simulated analysis 1"
        f" (trial {trial.id}, cut {first.id})\n"
    )


def test_import_uses_the_library_named_by_the_environment(capsys, tmp_path):
    """The autouse fixture points EXPLORER_LIBRARY at a temporary file."""
    path = write(tmp_path / "a.json", synthetic_variant(load_bundled(), 2))
    code, out, _ = run(capsys, "import", path)
    assert code == 0 and out.startswith("added SIM-00002: Simulated analysis 1 (trial ")
    with Library(os.environ["EXPLORER_LIBRARY"]) as lib:
        assert [t.acronym for t in lib.trials(source="imported")] == ["SIM-00002"]


def test_a_bad_file_exits_2_naming_it_and_the_good_ones_are_still_added(capsys, tmp_path):
    good = write(tmp_path / "good.json", synthetic_variant(load_bundled(), 3))
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "trial": ', encoding="utf-8")
    library = str(tmp_path / "lib.sqlite3")
    code, out, err = run(capsys, "import", str(bad), good, "--library", library)
    assert code == 2
    assert err == (
        f"explorer: import: {bad}: not valid JSON: Expecting value at line 1, column 36\n"
    )
    assert out.startswith("added SIM-00003: ")
    code, _, err = run(capsys, "import", str(tmp_path / "missing.json"), "--library", library)
    assert code == 2 and err == f"explorer: import: {tmp_path / 'missing.json'}: file not found\n"


def test_a_library_that_cannot_be_opened_exits_2(capsys, tmp_path):
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("plain text, not SQLite\n" * 50)
    path = write(tmp_path / "a.json", synthetic_variant(load_bundled(), 4))
    code, out, err = run(capsys, "import", path, "--library", str(not_a_db))
    assert code == 2 and out == ""
    assert err == (
        f"explorer: import: {not_a_db}: not a library file (not an SQLite database, or damaged)\n"
    )


def test_import_runs_headless_without_a_traceback(tmp_path):
    """The installed command on a bad file: status 2, one line, no Qt needed."""
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "import", str(bad), "--library", str(tmp_path / "l")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (
        f"explorer: import: {bad}: not UTF-8 text (undecodable byte at offset 0)\n"
    )
