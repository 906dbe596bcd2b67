"""The core stays Qt-free at run time, not only in import-linter's static view."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
{code}
bad = [m for m in ("PySide6", "pyqtgraph") if m in sys.modules]
print(",".join(bad) or "clean")
"""


@pytest.mark.parametrize(
    "code",
    [
        "import explorer.stats, explorer.evidence, explorer.analysis",
        "from explorer.stats import binary, design, effects, meta, survival",
        "import explorer.analysis as a, explorer.evidence as e; a.summarize(e.load_bundled())",
        "from explorer.cli import main; main(['summary', '--json'])",
        "from explorer.cli import main; main(['audit'])",
    ],
)
def test_core_and_headless_commands_never_import_qt(code):
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "clean"


def test_import_contracts_hold():
    """import-linter's contracts (pyproject.toml) are kept: Qt-free core, one-way layers."""
    from importlinter.cli import lint_imports

    assert lint_imports() == 0
