"""Fixtures for statistics tests: the values R produced, read from tests/reference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"


def load_reference(topic: str) -> dict:
    """Return the JSON that ``tests/reference/<topic>.R`` wrote to ``<topic>.json``."""
    return json.loads((REFERENCE_DIR / f"{topic}.json").read_text(encoding="utf-8"))


@pytest.fixture
def r_reference():
    """Loader for stored R output: ``r_reference("design")["schoenfeld"]``."""
    return load_reference
