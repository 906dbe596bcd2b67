"""``benchmarks/bench_startup.py`` rewrites its own section of RESULTS.md and no other."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location(
        "_bench_startup", ROOT / "benchmarks" / "bench_startup.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_update_keeps_other_sections_and_replaces_its_own(tmp_path):
    bench = _bench()
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n## Summary (bench_summary.py)\n\nold summary\n\n"
        f"{bench.HEADING}\n\nold start-up numbers\n\n## Notes\n\nhand-written\n",
        encoding="utf-8",
    )
    bench.update_results(results, ["| bare | 0.25 |"], "python bench_startup.py --runs 3")
    text = results.read_text(encoding="utf-8")
    assert "old start-up numbers" not in text
    assert "| bare | 0.25 |" in text
    assert "Command: `python bench_startup.py --runs 3`" in text
    assert "old summary" in text and "hand-written" in text
    assert text.index("## Summary") < text.index(bench.HEADING) < text.index("## Notes")
    assert text.count(bench.HEADING) == 1


def test_update_appends_when_the_section_is_new(tmp_path):
    bench = _bench()
    results = tmp_path / "RESULTS.md"
    bench.update_results(results, ["body"], "cmd")
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n")
    assert text.count(bench.HEADING) == 1 and "body" in text
