"""Shared by the benchmarks: describe the machine, and rewrite one section of RESULTS.md.

Each benchmark owns one ``## ...`` section of ``benchmarks/RESULTS.md`` and replaces only
that section when it runs, so hand-written notes and the other benchmarks' numbers stay.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """One line: architecture, cores, Python and kernel."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def update_section(path: Path, heading: str, body: list[str], command: str) -> None:
    """Replace the section starting at ``heading`` in ``path``, or append it.

    The section gets the command that produced it, the date and the machine, then
    ``body``. It runs from its heading to the next ``## `` heading (or the end of the
    file); every other section is kept as it is.
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
    else:
        text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")
