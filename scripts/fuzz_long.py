"""Run the importer fuzz tests with the long profile and record what they tried.

``pytest tests/fuzz`` runs with ``HYPOTHESIS_PROFILE=long`` (fresh random inputs, many
examples per test) and ``--hypothesis-show-statistics``. Hypothesis' statistics give the
inputs tried per test and how they were answered (read, refused naming a place, refused
for the file as a whole); pytest's JUnit XML gives each test's outcome and wall time.
The table goes into the "Fuzzing (long profile)" section of ``benchmarks/RESULTS.md``
(through ``benchmarks._results.update_section``, which leaves the other sections alone).

Usage::

    .venv/bin/python scripts/fuzz_long.py                 # 12,000 examples per test, ~10 min
    .venv/bin/python scripts/fuzz_long.py --examples 3000 # scale to the time available
    .venv/bin/python scripts/fuzz_long.py --no-write      # print the table only

Exit status: pytest's (0 when every test passed). See ``docs/fuzzing.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._results import RESULTS, command_line, update_section  # noqa: E402

HEADING = "## Fuzzing (long profile) (scripts/fuzz_long.py)"
_TEST = re.compile(r"^(tests/fuzz/\S+::\S+):$")
_PHASE = re.compile(r"^\s*- during (\w+) phase \(([\d.]+) seconds\):")
_COUNTS = re.compile(r"^\s*- (\d+) passing, (\d+) failing, and (\d+) invalid")
_EVENT = re.compile(r"^\s*\* ([\d.]+)%, (read|refused, a place named|refused, the whole file)$")


@dataclass
class TestStats:
    """What hypothesis and pytest report for one fuzz test."""

    name: str
    tried: int = 0
    failing: int = 0
    invalid: int = 0
    events: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    outcome: str = "not run"


def parse_statistics(text: str) -> dict[str, TestStats]:
    """Per test: examples tried (passing + failing, every phase), invalid ones, events.

    Parameters
    ----------
    text : str
        pytest's output with ``--hypothesis-show-statistics``.
    """
    out: dict[str, TestStats] = {}
    current: TestStats | None = None
    for line in text.splitlines():
        if match := _TEST.match(line):
            current = out.setdefault(match.group(1), TestStats(match.group(1)))
        elif current is None:
            continue
        elif match := _COUNTS.match(line):
            current.tried += int(match.group(1)) + int(match.group(2))
            current.failing += int(match.group(2))
            current.invalid += int(match.group(3))
        elif match := _EVENT.match(line):
            # Events are shares of the generate phase; the last phase listed wins.
            current.events[match.group(2)] = float(match.group(1))
    return out


def parse_junit(path: Path, stats: dict[str, TestStats]) -> None:
    """Add each test's wall time and outcome from pytest's JUnit XML to ``stats``."""
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        name = f"{module}.py::{case.get('name')}"
        entry = stats.setdefault(name, TestStats(name))
        entry.seconds = float(case.get("time", 0.0))
        failed = case.find("failure") is not None or case.find("error") is not None
        entry.outcome = "failed" if failed else "skipped" if case.find("skipped") else "passed"


def table(stats: dict[str, TestStats]) -> list[str]:
    """The Markdown table of the section, one row per test, then the totals."""
    rows = [
        "| test | examples tried | read / refused at a place / refused, whole file |"
        " failures | wall time, s |",
        "|---|---|---|---|---|",
    ]
    fuzzed = {name: s for name, s in stats.items() if s.tried}
    for name in sorted(fuzzed):
        s = fuzzed[name]
        shares = " / ".join(
            f"{s.events.get(key, 0.0):.0f}%"
            for key in ("read", "refused, a place named", "refused, the whole file")
        )
        failures = str(s.failing) if s.outcome != "failed" else f"**{s.failing or 'failed'}**"
        short = name.removeprefix("tests/fuzz/")
        rows.append(f"| `{short}` | {s.tried:,} | {shares} | {failures} | {s.seconds:.1f} |")
    total = sum(s.tried for s in fuzzed.values())
    failed = sum(1 for s in fuzzed.values() if s.outcome == "failed")
    seconds = sum(s.seconds for s in fuzzed.values())
    rows.append(f"| **all {len(fuzzed)} tests** | **{total:,}** | | {failed} | {seconds:.0f} |")
    plain = [s for s in stats.values() if not s.tried]
    if plain:
        passed = sum(1 for s in plain if s.outcome == "passed")
        rows += [
            "",
            f"Plain tests in the same run (size limit, regressions): {passed} of {len(plain)}"
            " passed.",
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the long profile, print the table and (unless ``--no-write``) record it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=12_000, help="examples per test (the slowest run a share)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="the file to update")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (e.g. -k digitised)")
    ns = parser.parse_args(argv)
    env = dict(os.environ, HYPOTHESIS_PROFILE="long", FUZZ_LONG_EXAMPLES=str(ns.examples))
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "tests/fuzz",
            "-q",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            f"--junitxml={junit}",
            # A failing example of a 90 kB tree makes hypothesis warn about the size of its
            # repr, which filterwarnings=error would turn into an error hiding the failure.
            "-W",
            "ignore::hypothesis.errors.HypothesisWarning",
            # A long-profile test runs for minutes: no faulthandler dump after 120 s.
            "-o",
            "faulthandler_timeout=0",
            *ns.pytest_args,
        ]
        started = time.perf_counter()
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        sys.stderr.write(run.stderr)
        stats = parse_statistics(run.stdout)
        if junit.exists():
            parse_junit(junit, stats)
    summary = [line for line in run.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    if run.returncode != 0:
        print(run.stdout)
    body = [
        f"`HYPOTHESIS_PROFILE=long`: {ns.examples:,} examples per test; the tests importing",
        "whole evidence files and registry records run 20-40% of that (`long_share`), a test",
        "stops early when its inputs run out. Fresh random inputs (not derandomised), no",
        "example database. Each example is one input to the importers (`tests/fuzz/`,",
        "`docs/fuzzing.md`); a failure is any exception other than `EvidenceError`, an",
        "`EvidenceError` whose message does not name the file, the place and the problem,",
        "or NaN or infinity in what was read. The shares are of the examples in which some",
        "reader returned a result / raised an error naming a place / raised an error about",
        "the file as a whole (one example may call several readers).",
        "",
        *table(stats),
        "",
        f"pytest: {summary[-1].strip('= ') if summary else 'no summary'}; exit status"
        f" {run.returncode}; whole run {wall / 60:.1f} min.",
    ]
    print("\n".join(body))
    if not ns.no_write:
        argv_used = sys.argv[1:] if argv is None else argv
        update_section(ns.results, HEADING, body, command_line("scripts/fuzz_long.py", argv_used))
        print(f"\nwrote the section {HEADING!r} of {ns.results}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
