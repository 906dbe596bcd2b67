"""Every Python package under explorer/ is declared in pyproject.toml, so a wheel ships it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_declared():
    declared = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "explorer").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found - declared == set()
    assert "explorer._bundled" in declared  # resources/ mapped into the package
