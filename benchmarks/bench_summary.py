"""Time the headless path: import, load PALMIRA, derive every figure, run the audit.

Run on demand, not in CI: ``.venv/bin/python benchmarks/bench_summary.py``.
Each stage runs in a fresh interpreter (so imports are cold for Python, warm for the
OS file cache); the median of ``--repeat`` runs is printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

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
    args = parser.parse_args()
    print(f"{'stage':<28} {'median s':>9} {'peak MB':>8}")
    for name, code in STAGES.items():
        results = [run(code) for _ in range(args.repeat)]
        seconds = statistics.median(r["seconds"] for r in results)
        peak = max(r["peak_mb"] for r in results)
        print(f"{name:<28} {seconds:>9.3f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
