"""The report: HTML content and escaping, PDF pages and layout, and ``explorer report``.

References: the figures are PALMIRA's (ASCO 2023 abstract 1001) as the analysis layer
derives them; the HTML is checked by parsing its tables back into rows (stdlib
``html.parser``), so a figure counts as present only when one row holds its mark,
label, formatted value, status and provenance together. The PDF is checked on the
file itself: the ``%PDF`` signature, A4 media boxes (595 × 842 pt, as Qt rounds ISO
A4's 595.28 × 841.89) and the ``/Type /Page`` objects.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from html import escape, unescape
from html.parser import HTMLParser

import pytest

from explorer import resources
from explorer.analysis import STATUS_MARKS, summarize
from explorer.cli import main
from explorer.evidence import from_dict, load_bundled
from explorer.report import html as report_html
from explorer.report.html import CONTENT_WIDTH_PX, ReportImage, build_html, png_size


class _Tables(HTMLParser):
    """Every table row of a document as a list of cell texts (markup removed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(document: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(document)
    return parser.rows


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    """A valid PNG of the given size (zlib-compressed white pixels), without Qt."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def summary():
    return summarize(load_bundled())


@pytest.fixture(scope="module")
def document(summary):
    return build_html(summary, generated="2024-05-01")


def test_header_names_trial_registry_data_cut_and_primary_result(summary, document):
    assert "<h1>PALMIRA</h1>" in document
    header = "PALMIRA · NCT03809988 · Data cut: Primary PFS analysis (ASCO 2023 abstract)"
    assert report_html.running_header(summary) == header
    assert f'<div class="running">{header}</div>' in document
    # The browser's running header on every printed page, and page numbers.
    assert '@top-left { content: "' + header in document
    assert 'counter(page) " of " counter(pages)' in document
    assert "size: A4" in document
    primary = (
        "Progression-free survival: median 4.2 vs 3.6 months; HR 0.8 (95% CI 0.6–1.1), p = 0.206"
    )
    assert f"<b>Primary result.</b> {primary}" in document
    assert "Generated 2024-05-01" in document


def test_every_figure_has_one_row_with_mark_value_status_and_provenance(summary, document):
    rows = {tuple(r) for r in table_rows(document) if len(r) == 5}
    missing = [
        f.id
        for f in summary.figures
        if (
            STATUS_MARKS[f.status],
            f.label,
            f.formatted(),
            f.status,
            ("Source: " if f.status == "reported" else "") + f.provenance,
        )
        not in rows
    ]
    assert missing == []
    # Spot checks on PALMIRA's printed and derived numbers.
    hr = summary.figure("pfs.hr")
    assert hr.formatted() == "0.8 (95% CI 0.6–1.1)"
    assert escape("“hazard ratio 0.8, 95% CI 0.6–1.1”") in document
    assert "0.149" in document  # Wald p implied by the HR and CI (pfs.wald_p)


def test_each_figure_is_listed_once_in_full(summary, document):
    rows = [r for r in table_rows(document) if len(r) == 5 and r[0] in STATUS_MARKS.values()]
    labels = [r[1] for r in rows]
    assert len(rows) == len(summary.figures)
    assert sorted(labels) == sorted(f.label for f in summary.figures)


def test_checks_are_listed_with_their_level(summary, document):
    rows = {(r[0], r[1].split("\n")[0]) for r in table_rows(document) if len(r) == 2}
    for check in summary.checks:
        assert (check.level.upper(), check.message) in rows
    counts = {lv: sum(c.level == lv for c in summary.checks) for lv in ("pass", "note", "warn")}
    assert f"{counts['pass']} checks pass, {counts['note']} notes, {counts['warn']} warnings" in (
        unescape(document)
    )


def test_bottom_line_statements_carry_their_marks(summary, document):
    from explorer.analysis.overview import overview

    text = unescape(re.sub(r"<[^>]+>", "", document))
    for st in overview(summary):
        assert escape(st.heading) in document
        for piece in st.pieces:
            if not isinstance(piece, str):
                mark = STATUS_MARKS[summary.figure(piece.figure_id).status]
                assert f"{piece.text}{mark}" in text


def test_text_from_the_file_is_escaped():
    data = json.loads(resources.read_text(resources.PALMIRA))
    data["arms"][0]["label"] = "<b>P+ET</b>"
    data["trial"]["acronym"] = 'PAL</style><script>alert("x")</script>'
    doc = build_html(summarize(from_dict(data, origin="edited")), generated="2024-05-01")
    assert "&lt;b&gt;P+ET&lt;/b&gt;" in doc
    assert "<b>P+ET</b>" not in doc
    assert "<script>" not in doc
    # Inside the stylesheet the acronym is a CSS string with "<" escaped.
    style = doc[doc.index("<style>") : doc.index("</head>")]
    assert style.count("</style>") == 3 and "PAL\\3c /style\\3e \\3c script\\3e " in style


def test_images_are_embedded_in_their_chapter_and_fit_the_page(summary):
    wide = ReportImage(tiny_png(2000, 600), "Wide <plot>", "how & why", section="design")
    own = ReportImage(tiny_png(300, 200), "Elsewhere", section="extra", section_title="Extra")
    doc = build_html(summary, {"design.1": wide, "extra.1": own, "endpoints.x": tiny_png()})
    assert png_size(wide.png) == (2000, 600)
    assert wide.css_size == (CONTENT_WIDTH_PX, 204)  # 2000/2 px wide, fitted to the page
    assert own.css_size == (150, 100)
    encoded = base64.b64encode(wide.png).decode()
    at = doc.index(encoded)
    assert doc.rindex('id="design"', 0, at) > doc.rindex('id="endpoints"', 0, at)
    assert f'width="{CONTENT_WIDTH_PX}" height="204"' in doc
    assert "Wide &lt;plot&gt;" in doc and "how &amp; why" in doc
    # Plain bytes: the name before the dot picks the chapter (endpoints), drawn 1:1.
    at = doc.index(base64.b64encode(tiny_png()).decode())
    assert doc.rindex('id="endpoints"', 0, at) > 0 and 'width="40" height="20"' in doc
    # An unknown section gets its own chapter, before the audit.
    assert doc.index('id="extra"') < doc.index('id="audit"')
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a")


def test_mcbs_section_when_the_evaluator_is_installed(summary, document, monkeypatch):
    mcbs = pytest.importorskip("explorer.analysis.esmo_mcbs")
    result = mcbs.evaluate_evidence(summary.evidence, summary)
    assert escape(result.statement) in document
    rows = table_rows(document)
    for i, step in enumerate(result.trace, start=1):
        assert [str(i), step.rule, step.inputs, step.outcome, step.citation] in rows
    # Absent at run time: the section is left out, the rest is unchanged.
    monkeypatch.setitem(sys.modules, "explorer.analysis.esmo_mcbs", None)
    without = build_html(summary, generated="2024-05-01")
    assert "Magnitude of Clinical Benefit" not in without
    assert "Every figure, with its source or derivation" in without


def test_write_html_is_one_standalone_file(summary, tmp_path):
    out = report_html.write_html(summary, tmp_path / "r.html", {"design.p": tiny_png()})
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert 'src="data:image/png;base64,' in text and "http" not in text.split("<body>")[0]


# -- PDF -----------------------------------------------------------------------------------------

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def test_pdf_pages_are_a4_and_rows_are_never_cut(qapp, summary, tmp_path):
    from PySide6.QtGui import QTextDocument

    from explorer.report import pdf

    # The page's printable width holds the widest image the HTML allows.
    width_px = pdf._mm_to_px(210 - pdf.PAGE_MARGINS_MM[0] - pdf.PAGE_MARGINS_MM[2])
    assert CONTENT_WIDTH_PX <= width_px < CONTENT_WIDTH_PX + 1

    rows = "".join(
        f"<tr><td>row {i}</td><td>{'long text ' * (i % 7 * 9)}</td></tr>" for i in range(90)
    )
    body = (
        "<h2>First</h2><p>intro</p>"
        f"<table><thead><tr><th>n</th><th>text</th></tr></thead><tbody>{rows}</tbody></table>"
        '<h2 style="page-break-before: always">Second</h2><p>after the break</p>'
    )
    doc = QTextDocument()
    device = pdf._layout_device()
    doc.documentLayout().setPaintDevice(device)
    doc.setDocumentMargin(0)
    doc.setHtml(f"<html><body>{body}</body></html>")
    doc.setTextWidth(width_px)
    height = pdf._mm_to_px(297 - pdf.PAGE_MARGINS_MM[1] - pdf.PAGE_MARGINS_MM[3])
    pages = pdf.paginate(doc, height)
    atoms = pdf._atoms(doc)
    assert len(pages) >= 3
    for page in pages[1:]:
        # Every page starts where an uncuttable span starts: no row is cut.
        assert any(abs(a.top - page.start) < 1e-6 for a in atoms)
        assert not any(a.top < page.start - 1e-6 < a.bottom - 2e-6 for a in atoms)
    for page in pages:
        band = page.band[1] - page.band[0] if page.band else 0.0
        assert page.end - page.start + band <= height + 1e-6
    # Continuation pages of the table repeat its header row; the forced break holds.
    assert sum(p.band is not None for p in pages) == len(pages) - 2
    second = next(a for a in atoms if a.break_before)
    assert any(abs(p.start - second.top) < 1e-6 for p in pages)

    out = tmp_path / "r.pdf"
    assert pdf.write_pdf(summary, out, {"design.x": tiny_png(1200, 700)}) == out
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    n = len(_PAGE.findall(data))
    assert n >= 2
    boxes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert len(boxes) == n
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}


def test_explorer_report_writes_a_pdf(tmp_path):
    out = tmp_path / "palmira.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "report", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(_PAGE.findall(data)) >= 2
    # Plots are embedded as images (one XObject per plot at least).
    assert len(re.findall(rb"/Subtype\s*/Image", data)) >= 4


def test_explorer_report_refuses_an_unknown_suffix(capsys, tmp_path):
    code = main(["report", "--out", str(tmp_path / "report.docx")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "report.docx" in err and ".pdf or .html" in err
    assert not (tmp_path / "report.docx").exists()


def test_explorer_report_names_a_bad_file(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code = main(["report", str(bad), "--out", str(tmp_path / "r.html")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "bad.json" in err
