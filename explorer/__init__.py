"""Trial Evidence Explorer: open a clinical trial's evidence and trace every number.

This module holds the version only; importing it loads nothing heavy.
"""

__version__ = "0.1.0"
