"""Time the user's library at 10,000 trials: building it, opening it, searching and filtering.

Run on demand, not in CI: ``.venv/bin/python benchmarks/bench_library.py``. Builds a
library of ``--trials`` synthetic trials (copies of PALMIRA with their own registry id,
acronym, phase and population, added through ``Library.add_evidence``), then reports
the import rate, the time to open the file (migration check and bundled sync), and the
median time of searches and filters. ``--write`` replaces the "Library" section of
``benchmarks/RESULTS.md`` (or of ``--results``); ``--json PATH`` writes the headline numbers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import RESULTS, command_line, update_section, write_numbers

from explorer.evidence import load_bundled
from explorer.evidence.library import Library, synthetic_variant

HEADING = "## Library (bench_library.py)"


def median_ms(call, repeat: int) -> tuple[float, int]:
    """Median wall time of ``call()`` in ms, and the size of its last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also write the headline numbers here")
    ns = parser.parse_args()
    template = load_bundled()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.sqlite3"
        start = time.perf_counter()
        with Library(path) as lib:
            created = time.perf_counter() - start
            evidence = [synthetic_variant(template, i) for i in range(ns.trials)]
            start = time.perf_counter()
            for ev in evidence[: ns.trials // 10]:  # one transaction each, as imports are
                lib.add_evidence(ev, origin="bench.json")
            one_by_one = time.perf_counter() - start
            start = time.perf_counter()
            lib.add_evidence_batch(evidence[ns.trials // 10 :], origin="bench.json")
            batched = time.perf_counter() - start
        size_mb = path.stat().st_size / 2**20
        start = time.perf_counter()
        lib = Library(path)
        opened = time.perf_counter() - start
        with lib:
            total = len(lib.trials())
            rows.append(
                (
                    "create an empty library (bundled evidence synced)",
                    f"{created * 1000:.0f} ms",
                    "",
                )
            )
            rows.append(
                (
                    f"add {ns.trials // 10:,} trials, one transaction each",
                    f"{one_by_one:.2f} s",
                    f"{ns.trials // 10 / one_by_one:,.0f} trials/s",
                )
            )
            rows.append(
                (
                    f"add {ns.trials - ns.trials // 10:,} trials in one transaction",
                    f"{batched:.2f} s",
                    f"{(ns.trials - ns.trials // 10) / batched:,.0f} trials/s",
                )
            )
            rows.append(
                (
                    f"open the {total:,}-trial library ({size_mb:.0f} MB)",
                    f"{opened * 1000:.1f} ms",
                    "",
                )
            )
            queries = {
                "list every trial": lambda: lib.trials(),
                "search 'sim-0999' (10 matches)": lambda: lib.trials("sim-0999"),
                "search 'melanoma' (1 in 5)": lambda: lib.trials("melanoma"),
                "search two words 'melanoma sim-01'": lambda: lib.trials("melanoma sim-01"),
                "search with no match": lambda: lib.trials("no such trial"),
                "filter phase III": lambda: lib.trials(phase="III"),
                "filter imported + phase III + 'melanoma'": lambda: lib.trials(
                    "melanoma", source="imported", phase="III"
                ),
                "first 100 of every trial (limit)": lambda: lib.trials(limit=100),
                "the cuts of one trial": lambda: lib.cuts(total // 2),
                "one cut's evidence (validated)": lambda: [lib.evidence(total // 2)],
                "save a note": lambda: [lib.set_note(1, f"note {time.perf_counter()}")],
            }
            medians = {}
            for name, call in queries.items():
                ms, n = median_ms(call, ns.repeat)
                medians[name] = ms
                rows.append((name, f"{ms:.2f} ms", f"{n:,} rows"))
    numbers = {
        "trials": total,
        "open_ms": opened * 1000,
        "list_ms": medians["list every trial"],
        "filter_ms": medians["filter phase III"],
        "search_ms": medians["search 'melanoma' (1 in 5)"],
        "import_one_by_one_per_s": (ns.trials // 10) / one_by_one,
        "import_batched_per_s": (ns.trials - ns.trials // 10) / batched,
    }
    write_numbers(ns.json, numbers)
    print(f"{'step':<58} {'time':>10} {'':>18}")
    for name, value, extra in rows:
        print(f"{name:<58} {value:>10} {extra:>18}")
    if ns.write:
        body = [
            f"A library of {total:,} trials (synthetic copies of PALMIRA through `add_evidence`,"
            " each stored as its canonical JSON, about 11 kB). Query times are the median of"
            f" {ns.repeat} runs on a warm file; SQLite in WAL mode with `synchronous=FULL`.",
            "",
            "| step | time | |",
            "|---|---|---|",
            *[f"| {name} | {value} | {extra} |" for name, value, extra in rows],
        ]
        command = command_line("benchmarks/bench_library.py", sys.argv[1:])
        update_section(ns.results, HEADING, body, command)


if __name__ == "__main__":
    main()
