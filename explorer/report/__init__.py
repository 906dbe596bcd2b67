"""Exports: the trial report, as one HTML document or as an A4 PDF.

:func:`build_html` / :func:`write_html` (pure, no Qt) make the document from a
:class:`~explorer.analysis.Summary` and the plots the caller rendered
(:class:`ReportImage`); :func:`write_pdf` (``explorer.report.pdf``, needs Qt's GUI
module) lays the same document out on A4 pages. Importing this package does not
import Qt: ``write_pdf`` and ``html_to_pdf`` load it when first used.
"""

from __future__ import annotations

from typing import Any

from .html import CHAPTERS, ReportImage, build_html, png_size, running_header, write_html

__all__ = [
    "CHAPTERS",
    "ReportImage",
    "build_html",
    "html_to_pdf",
    "png_size",
    "running_header",
    "write_html",
    "write_pdf",
]


def __getattr__(name: str) -> Any:
    if name in ("write_pdf", "html_to_pdf"):
        from . import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
