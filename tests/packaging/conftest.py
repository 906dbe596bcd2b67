"""Helpers for the packaging tests: the build scripts live in packaging/, not in a package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def load_packaging_module(name: str) -> ModuleType:
    """Import ``packaging/<name>.py`` as a module (once per session)."""
    key = f"_packaging_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, PACKAGING / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="session")
def check_package() -> ModuleType:
    return load_packaging_module("check_package")


@pytest.fixture(scope="session")
def elfdeps() -> ModuleType:
    return load_packaging_module("elfdeps")
