"""The report shows text from files literally, in HTML and in the PDF (issue 8, item 6).

A trial whose names, labels, terms, quotes, data-cut label and registry outcome measures
all carry ``<b>bold</b> <img src=x onerror=alert(1)> &amp; <a href="x">link</a>`` is
reported. The HTML must hold it escaped (``&lt;b&gt;``), never as markup: parsed back
with the standard library's :class:`html.parser.HTMLParser`, the text reads the marker
literally and there is no ``<img src=x>``, no ``<a href="x">`` and no bold from the file.
The PDF is laid out by Qt's ``QTextDocument`` from the same HTML, so the document Qt
builds is checked the same way (its plain text, its image and anchor formats), and the
PDF itself must be written.
"""

from __future__ import annotations

import dataclasses
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from explorer.analysis import summarize
from explorer.evidence import from_dict
from explorer.evidence.ctgov import read_registry_file
from explorer.report.html import build_html, running_header
from tests.hostile import MARKER, marked
from tests.hostile import hostile_palmira as hostile_palmira_data

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def hostile_palmira():
    """PALMIRA with the marker in every name the report prints."""
    return from_dict(hostile_palmira_data(), origin="hostile.json")


def hostile_registry_record():
    """A real ClinicalTrials.gov v2 record with marked outcome measures and arm labels."""
    ev = read_registry_file(FIXTURES / "ctgov" / "real" / "v2" / "NCT02210780.json")[0]
    measures = tuple(
        dataclasses.replace(
            om,
            title=marked(om.title),
            groups=tuple(dataclasses.replace(g, label=marked(g.label)) for g in om.groups),
        )
        for om in ev.outcome_measures
    )
    arms = tuple(dataclasses.replace(a, label=marked(a.label)) for a in ev.arms)
    trial = dataclasses.replace(ev.trial, acronym=marked(ev.trial.acronym))
    return dataclasses.replace(ev, trial=trial, arms=arms, outcome_measures=measures)


class _Reader(HTMLParser):
    """The document's text (entities decoded) and its tags with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag in ("style", "title")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)


def read(document: str) -> _Reader:
    reader = _Reader()
    reader.feed(document)
    reader.close()
    return reader


@pytest.fixture(scope="module", params=["palmira", "registry"])
def report(request):
    evidence = hostile_palmira() if request.param == "palmira" else hostile_registry_record()
    summary = summarize(evidence)
    return summary, build_html(summary, generated="2025-01-01")


def test_the_checks_can_fail():
    # An unescaped marker is seen as markup by the same reader the tests use.
    reader = read(f"<p>{MARKER}</p>")
    assert ("img", {"src": "x", "onerror": "alert(1)"}) in reader.tags
    assert MARKER not in "".join(reader.text)
    assert MARKER in "".join(read(f"<p>{escape(MARKER)}</p>").text)


def test_file_text_is_escaped_in_the_html(report):
    summary, document = report
    assert "<img src=x" not in document
    assert "<b>bold</b>" not in document
    assert '<a href="x">' not in document
    # Escaped once (not twice: "&amp;lt;" would print "&lt;" on the page).
    assert document.count(escape(MARKER)) >= 5
    assert "&amp;lt;b&amp;gt;" not in document
    reader = read(document)
    text = re.sub(r"\s+", " ", "".join(reader.text))
    assert text.count(MARKER) >= 5
    assert not [attrs for tag, attrs in reader.tags if tag == "img" and attrs.get("src") == "x"]
    assert not [attrs for tag, attrs in reader.tags if tag == "a" and attrs.get("href") == "x"]
    assert not any("onerror" in attrs for _, attrs in reader.tags)
    # The <title> and the running header (a CSS string in the page rules) hold it too.
    title = re.search(r"<title>(.*?)</title>", document, re.S).group(1)
    assert escape(summary.evidence.trial.acronym) in title
    assert MARKER in running_header(summary)
    for style in re.findall(r"<style>(.*?)</style>", document, re.S):
        assert "<" not in style and "&amp;" not in style


def test_the_pdf_layout_reads_file_text_literally(qapp, report):
    # The PDF is laid out from the same HTML by QTextDocument: what it builds is checked.
    from PySide6.QtGui import QTextDocument

    _, document = report
    doc = QTextDocument()
    doc.setHtml(document)
    plain = re.sub(r"\s+", " ", doc.toPlainText().replace("\u2029", " "))
    assert plain.count(MARKER) >= 5
    images, anchors = [], []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                images.append(fmt.toImageFormat().name())
            if fmt.isAnchor():
                anchors.append(fmt.anchorHref())
            it += 1
        block = block.next()
    assert "x" not in images and "x" not in anchors


def test_the_pdf_is_written(qapp, tmp_path):
    from explorer.report import write_pdf

    out = write_pdf(summarize(hostile_palmira()), tmp_path / "hostile.pdf")
    head = out.read_bytes()[:5]
    assert head == b"%PDF-"
