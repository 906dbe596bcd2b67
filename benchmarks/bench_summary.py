"""Time the headless path: import, load PALMIRA, derive every figure, run the audit.

Run on demand, not in CI: ``.venv/bin/python benchmarks/bench_summary.py``.
Each stage runs in a fresh interpreter (so imports are cold for Python, warm for the
OS file cache); the median of ``--repeat`` runs is printed. ``--write`` replaces the
"Headless summary" section of ``benchmarks/RESULTS.md`` (or of ``--results``);
``--json PATH`` writes the headline numbers. The stage "load + summarize" is what
``explorer summary`` does before printing: every derived figure and every audit check.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import RESULTS, command_line, update_section, write_numbers

HEADING = "## Headless summary (bench_summary.py)"

STAGES = {
    "import explorer.evidence": "import explorer.evidence",
    "import explorer.analysis": "import explorer.analysis",
    "load PALMIRA": "import explorer.evidence as e; e.load_bundled()",
    "load + summarize": (
        "import explorer.evidence as e, explorer.analysis as a; a.summarize(e.load_bundled())"
    ),
}

PROBE = """
import time, resource, json
t0 = time.perf_counter()
{code}
t1 = time.perf_counter()
print(json.dumps({{"seconds": t1 - t0,
  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also write the headline numbers here")
    args = parser.parse_args()
    print(f"{'stage':<28} {'median s':>9} {'peak MB':>8}")
    rows = []
    numbers: dict[str, float] = {}
    for name, code in STAGES.items():
        results = [run(code) for _ in range(args.repeat)]
        seconds = statistics.median(r["seconds"] for r in results)
        peak = max(r["peak_mb"] for r in results)
        print(f"{name:<28} {seconds:>9.3f} {peak:>8.0f}")
        rows.append(f"| {name} | {seconds:.3f} | {peak:.0f} |")
        numbers[name] = seconds
    numbers["summary_s"] = numbers["load + summarize"]
    write_numbers(args.json, numbers)
    if args.write:
        body = [
            "The headless path (`explorer summary`), each stage timed inside a fresh",
            f"interpreter (imports cold for Python, warm in the OS file cache); median of "
            f"{args.repeat} runs. Peak memory is the largest maximum resident set of those runs.",
            "",
            "| stage | seconds (median) | peak memory, MiB |",
            "|---|---|---|",
            *rows,
        ]
        command = command_line("benchmarks/bench_summary.py", sys.argv[1:])
        update_section(args.results, HEADING, body, command)


if __name__ == "__main__":
    main()
