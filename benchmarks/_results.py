"""Shared by the benchmarks: describe the machine, and rewrite one section of RESULTS.md.

Each benchmark owns one ``## ...`` section of ``benchmarks/RESULTS.md`` and replaces only
that section when it runs, so hand-written notes and the other benchmarks' numbers stay.
Each also accepts ``--json PATH``: its headline numbers for ``python -m benchmarks``,
which gathers them into the "Summary" table at the top of the file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """One line: architecture (and CPU model when known), cores, memory, Python and kernel."""
    cpu = platform.machine()
    model = _proc_field("/proc/cpuinfo", "model name")
    if model:
        cpu += f" ({' '.join(model.split())})"
    memory = _proc_field("/proc/meminfo", "MemTotal")
    ram = f", {int(memory.split()[0]) / 2**20:.0f} GiB RAM" if memory else ""
    return (
        f"{cpu}, {os.cpu_count()} cores{ram}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def _proc_field(path: str, name: str) -> str | None:
    """The value of the first ``name: value`` line of a /proc file (None off Linux)."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        return None
    return None


#: Options that only route output (where to write), left out of the recorded command.
_PLUMBING = {"--json": 1, "--results": 1, "--no-write": 0}


def command_line(script: str | Sequence[str], argv: Sequence[str]) -> str:
    """The command to record for ``script`` run with ``argv``, without output options.

    ``script`` is a path, or the words after the interpreter (``["-m", "benchmarks"]``).

    ``--json PATH``, ``--results PATH`` and ``--no-write`` decide where numbers go, not
    what is measured, so the recorded command reproduces the measurement without them.

    >>> command_line("benchmarks/bench_x.py", ["--runs", "3", "--json", "/tmp/x.json"])
    '.venv/bin/python benchmarks/bench_x.py --runs 3'
    """
    kept: list[str] = []
    skip = 0
    for arg in argv:
        if skip:
            skip -= 1
            continue
        name = arg.split("=", 1)[0]
        if name in _PLUMBING:
            skip = _PLUMBING[name] if "=" not in arg else 0
            continue
        kept.append(arg)
    words = [script] if isinstance(script, str) else list(script)
    return shlex.join([".venv/bin/python", *words, *kept])


def write_numbers(path: str | os.PathLike | None, numbers: Mapping[str, Any]) -> None:
    """Write a benchmark's headline numbers as JSON to ``path`` (nothing when None)."""
    if path is not None:
        Path(path).write_text(json.dumps(dict(numbers), indent=2) + "\n", encoding="utf-8")


def update_section(
    path: Path, heading: str, body: list[str], command: str, *, first: bool = False
) -> None:
    """Replace the section starting at ``heading`` in ``path``, or add it.

    The section gets the command that produced it, the date and the machine, then
    ``body``. It runs from its heading to the next ``## `` heading (or the end of the
    file); every other section is kept as it is. A new section is appended, or with
    ``first`` put right under the file's title.
    """
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    section = [
        heading,
        "",
        f"Command: `{command}`  ",
        f"Run: {stamp} on {machine()}.",
        "",
        *body,
        "",
    ]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = "\n".join(section) + "\n"
    if pattern.search(text):
        text = pattern.sub(lambda _: new, text, count=1)
    elif first:
        title = re.match(r"# [^\n]*\n+", text)
        at = title.end() if title else 0
        text = text[:at] + new.rstrip("\n") + "\n\n" + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark takes: ``--no-write``, ``--results``, ``--json``."""
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also write the headline numbers here")


def publish(
    ns: argparse.Namespace,
    argv: Sequence[str] | None,
    script: str,
    heading: str,
    body: list[str],
    numbers: Mapping[str, Any],
) -> None:
    """Print ``body``, write ``numbers`` to ``--json`` and, unless ``--no-write``, the
    section ``heading`` of ``--results`` with the command that produced it."""
    print("\n".join(body))
    write_numbers(ns.json, numbers)
    if not ns.no_write:
        args = argv if argv is not None else sys.argv[1:]
        update_section(ns.results, heading, body, command_line(script, args))
