"""Crash safety: a writer killed (SIGKILL) at random moments loses nothing it acknowledged.

A subprocess (``scripts/library_crash_writer.py``) saves notes and data cuts in a loop and
prints ``ack <n>`` after each commit; this test kills it at seeded random moments, some
while it is still opening the library, starts it again where it left off, and finally
checks SQLite's integrity check and that every acknowledged save is in the library.
"""

from __future__ import annotations

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
BUDGET_S = 20.0  # the kills stop early rather than run past this


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
            last_cuts.update(n for n in numbers[-2:] if n % 2)
        kills += 1
    assert kills >= 10, f"only {kills} kills in {BUDGET_S} s"
    assert len(acked) >= 20, f"the writer acknowledged only {len(acked)} saves"

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    with Library(path, bundled=(resources.PALMIRA,)) as lib:
        palmira = lib.trial_id_for(load_bundled())
        notes = {n.figure_id: n.text for n in lib.notes(palmira)}
        trials = {t.key: t.id for t in lib.trials()}
        for n in sorted(acked):
            if n % 2 == 0:
                assert notes.get(f"crash.{n}") == f"saved {n}", f"note {n} lost"
            else:
                assert f"SIM{n:08d}" in trials, f"cut {n} lost"
        # The stored evidence of the last save before each kill reads back whole.
        for n in sorted(last_cuts):
            (cut,) = lib.cuts(trials[f"SIM{n:08d}"])
            assert lib.evidence(cut.id).trial.acronym == f"SIM-{n:05d}"
