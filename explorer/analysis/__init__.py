"""Binds evidence to statistics: every figure a panel shows, with its provenance.

``summarize(evidence)`` returns a :class:`Summary`: every reported figure, every
derived or reconstructed one (with the method and inputs that produced it) and the
consistency checks. Nothing here imports Qt.
"""

from .audit import Check
from .figures import DERIVED, RECONSTRUCTED, REPORTED, STATUS_MARKS, Figure
from .summary import Summary, summarize

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
