"""Crash safety: a writer killed (SIGKILL) at random moments loses nothing it acknowledged.

A subprocess (``scripts/library_crash_writer.py``) saves in a loop and prints ``ack <n>``
after each commit: new notes on figures, data cuts, rewrites of the trial note, edits of
figure notes and deletions (a note saved empty). This test kills it at seeded random
moments, some while it is still opening the library, starts it again where it left off,
and finally checks SQLite's integrity check and that the library shows exactly the
acknowledged saves: every new note and cut, the last acknowledged text of every rewritten
note, and no deleted note. The one save in flight at the last kill may or may not have
committed (it was never acknowledged), so both outcomes are accepted for it alone.
"""

from __future__ import annotations

import importlib.util
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer import resources
from explorer.evidence import load_bundled
from explorer.evidence.library import Library

WRITER = Path(__file__).resolve().parents[2] / "scripts" / "library_crash_writer.py"
KILLS = 25
BUDGET_S = 15.0  # the kills stop early rather than run past this


def _writer_module():
    """The writer script as a module, for its schedule of saves (``action``)."""
    spec = importlib.util.spec_from_file_location("_library_crash_writer", WRITER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _expected_figure_note(k: int, acked: set[int], in_flight: int, action) -> set[str | None]:
    """What note ``crash.<k>`` may hold: its text, or None for no note.

    Note k is created by save k and then deleted or edited by save k + 3.
    """
    created = {f"saved {k}"}
    follow = k + 3
    after = None if action(follow) == "delete" else f"edited {follow}"
    if k == in_flight:  # its creation itself may not have committed
        return {None, *created}
    if follow in acked:
        return {after}
    if follow == in_flight:
        return {*created, after}
    return created


def _start(path: Path, start: int, stderr) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(start)],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _read_until(proc: subprocess.Popen, buffer: bytearray, marker: bytes, timeout: float) -> bool:
    """Read the raw pipe into ``buffer`` until it holds ``marker`` (False on timeout or EOF)."""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    while marker not in buffer:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return False
            buffer += chunk
    return True


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_acknowledged_saves_survive_random_kills(tmp_path):
    path = tmp_path / "lib.sqlite3"
    rng = random.Random(20250611)
    acked: set[int] = set()
    last_cuts: set[int] = set()
    next_n = 0
    kills = 0
    began = time.monotonic()
    errors = tmp_path / "stderr.txt"
    writer = _writer_module()
    while kills < KILLS and time.monotonic() - began < BUDGET_S:
        buffer = bytearray()
        with errors.open("wb") as stderr:
            proc = _start(path, next_n, stderr)
            if kills % 5 == 4:
                time.sleep(rng.uniform(0.0, 0.3))  # likely while importing or opening
            else:
                opened = _read_until(proc, buffer, b"ready\n", timeout=30)
                assert opened, errors.read_text()
                time.sleep(rng.uniform(0.0, 0.25))
            proc.send_signal(signal.SIGKILL)
            _read_until(proc, buffer, b"never printed", timeout=30)  # to EOF
            proc.wait(timeout=30)
            proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL, errors.read_text()
        lines = buffer.decode().splitlines()
        numbers = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
        acked.update(numbers)
        if numbers:
            next_n = max(numbers) + 1
            last_cuts.update(n for n in numbers[-4:] if writer.action(n) == "cut")
        kills += 1
    assert kills >= 10, f"only {kills} kills in {BUDGET_S} s"
    assert len(acked) >= 20, f"the writer acknowledged only {len(acked)} saves"

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    in_flight = max(acked) + 1  # the only save that may have committed unacknowledged
    kinds = {
        kind: [n for n in acked if writer.action(n) == kind] for kind in writer.ACTIONS.values()
    }
    # Every kind of save was acknowledged several times, so each is really exercised.
    assert all(len(done) >= 2 for done in kinds.values()), {k: len(v) for k, v in kinds.items()}

    with Library(path, bundled=(resources.PALMIRA,)) as lib:
        palmira = lib.trial_id_for(load_bundled())
        notes = {n.figure_id: n.text for n in lib.notes(palmira)}
        trials = {t.key: t.id for t in lib.trials()}
        # New notes, then deleted or edited: each shows its last acknowledged state.
        for k in sorted(n for n in (*acked, in_flight) if writer.action(n) == "insert"):
            allowed = _expected_figure_note(k, acked, in_flight, writer.action)
            assert notes.get(f"crash.{k}") in allowed, (
                f"note crash.{k}: {notes.get(f'crash.{k}')!r}"
            )
        # No note that no writer ever saved.
        for figure in notes:
            if figure is not None:
                k = int(figure.removeprefix("crash."))
                assert k in acked or k == in_flight, f"note {figure} was never saved"
        # The trial note holds the last acknowledged rewrite (or the one in flight).
        allowed = {f"update {max(kinds['update'])}"}
        if writer.action(in_flight) == "update":
            allowed.add(f"update {in_flight}")
        assert notes.get(None) in allowed, f"trial note: {notes.get(None)!r}, expected {allowed}"
        # Every acknowledged data cut is there.
        for n in kinds["cut"]:
            assert f"SIM{n:08d}" in trials, f"cut {n} lost"
        # The stored evidence of the last saves before each kill reads back whole.
        for n in sorted(last_cuts):
            (cut,) = lib.cuts(trials[f"SIM{n:08d}"])
            assert lib.evidence(cut.id).trial.acronym == f"SIM-{n:05d}"
