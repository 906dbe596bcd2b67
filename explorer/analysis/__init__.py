"""Binds evidence to statistics: every figure a panel shows, with its provenance.

``summarize(evidence)`` returns a :class:`Summary`: every reported figure, every
derived or reconstructed one (with the method and inputs that produced it) and the
consistency checks. Nothing here imports Qt.

Importing the package is light (the figure vocabulary only); ``Summary``,
``summarize`` and ``Check`` load the statistics on first use, so a window can paint
its header before scipy and statsmodels are imported.
"""

from __future__ import annotations

import importlib
from typing import Any

from .figures import DERIVED, RECONSTRUCTED, REPORTED, STATUS_MARKS, Figure

_LAZY = {"Check": ".audit", "Summary": ".summary", "summarize": ".summary"}

__all__ = [
    "DERIVED",
    "RECONSTRUCTED",
    "REPORTED",
    "STATUS_MARKS",
    "Check",
    "Figure",
    "Summary",
    "summarize",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
