"""Tooltips that show text from files literally.

Qt shows a tooltip as rich text whenever :func:`Qt.mightBeRichText` guesses that it is
HTML: a tag-like ``<b>`` or ``<img ...>`` before the first line break is enough. A trial
name, arm label or quoted source can hold such characters, so a tooltip built from them
would be rendered (bold text, a broken image, an eaten ``&amp;``) instead of read.
:func:`plain_tooltip` returns text Qt would show as plain unchanged, and escapes the rest
so that the rendered tooltip is exactly the original text, line breaks and spaces kept.
"""

from __future__ import annotations

import html

from PySide6.QtGui import Qt

__all__ = ["plain_tooltip", "tooltip_as_text"]


def plain_tooltip(text: str | None) -> str:
    """``text`` as a tooltip that Qt renders literally.

    Parameters
    ----------
    text : str or None
        Plain text (None or empty: no tooltip).

    Returns
    -------
    str
        ``text`` itself when Qt would show it as plain text anyway (so tooltips read the
        same in tests and to screen readers), else ``text`` HTML-escaped inside a
        paragraph that keeps its line breaks and spaces.
    """
    if not text:
        return ""
    if not Qt.mightBeRichText(text):
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>"


def tooltip_as_text(tooltip: str | None) -> str:
    """The text a tooltip shows, as plain text: the inverse of :func:`plain_tooltip`.

    For exports (a CSV's "source or derivation" column), which must hold what the user
    reads, not the markup that makes Qt show it literally.
    """
    if not tooltip:
        return ""
    if not Qt.mightBeRichText(tooltip):
        return tooltip
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()
