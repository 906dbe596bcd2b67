"""Fixtures for Qt tests: the PALMIRA summary and pyqtgraph's global options.

The network guard covers the whole test session (``tests/conftest.py``).
"""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from explorer.analysis import summarize
from explorer.evidence import load_bundled


@pytest.fixture(scope="session", autouse=True)
def plot_options():
    """The same global plot options as the app sets in ``explorer.app``."""
    pg.setConfigOptions(antialias=True, background="w", foreground="k")


@pytest.fixture(scope="session")
def palmira_summary():
    """The bundled PALMIRA evidence, summarised once per session."""
    return summarize(load_bundled())
