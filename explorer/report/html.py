"""The trial report as one HTML document, built from a :class:`~explorer.analysis.Summary`.

The report is what a tumour board reads and files: the trial's identity and data cut,
the bottom line in plain language, the panels' tables and plots, the interpretation
(with the ESMO-MCBS verdict and its trace when the evaluator is installed), the
consistency audit, and, as an appendix, every figure with its status mark, value,
status and provenance (the source as printed, or the derivation).

This module is pure: it imports no Qt. Plots arrive as PNG bytes rendered by the
caller (:class:`ReportImage`) and are embedded as ``data:`` URIs, so the HTML file
stands alone. Every piece of text that comes from an evidence file is escaped with
:func:`html.escape`: a file is data, never markup.

The same document feeds two outputs. A browser prints it with the CSS paged-media
rules below (A4, margins, a running header with the trial, its registry id and data
cut, page numbers, page breaks before chapters, table rows kept whole).
:mod:`explorer.report.pdf` lays it out with Qt's ``QTextDocument``, which ignores the
paged-media rules, and paints the running header and page numbers itself.
"""

from __future__ import annotations

import base64
import datetime as _dt
import importlib
import math
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from explorer import __version__
from explorer.analysis import STATUS_MARKS, Figure, Summary
from explorer.analysis.arms import displayed_arms
from explorer.analysis.outcomes import analysis_rows, ordered_measures, value_rows
from explorer.analysis.overview import FigureRef, overview

__all__ = [
    "CHAPTERS",
    "ReportImage",
    "build_html",
    "png_size",
    "running_header",
    "write_html",
]

#: Width of the printable area of an A4 page with 15 mm side margins, in CSS pixels
#: (96 per inch): images are never drawn wider than this.
CONTENT_WIDTH_PX = 680

#: Chapters that hold the panels' plots and tables, in reading order: key → heading.
#: A :class:`ReportImage` names its chapter by key; images for other keys get a
#: chapter of their own (titled by ``ReportImage.section_title``) before the audit.
CHAPTERS = {
    "endpoints": "Endpoints",
    "adverse_events": "Adverse events",
    "design": "Design",
    "interpretation": "Interpretation",
}

#: Colours shared with the app (``explorer/ui/style.py``; repeated here because this
#: module may not import the UI layer).
STATUS_COLOURS = {"reported": "#1A1A1A", "derived": "#0072B2", "reconstructed": "#882255"}
LEVEL_COLOURS = {"pass": "#1B7837", "note": "#8C6D00", "warn": "#B2182B"}
_LEVEL_ORDER = {"warn": 0, "note": 1, "pass": 2}
_ACCENT = "#0B3D91"

_STATUS_WORDS = {
    "reported": "printed in the source (document, section and the figure as printed)",
    "derived": "computed by a named formula from named figures",
    "reconstructed": "recovered from rounded or incomplete figures under a stated "
    "assumption (so is anything computed from it)",
}


@dataclass(frozen=True)
class ReportImage:
    """One plot for the report, rendered by the caller.

    Attributes
    ----------
    png : bytes
        The image as PNG.
    title : str
        Shown above the image (plain text).
    caption : str
        Shown below it: how the plot was made (plain text; may be empty).
    section : str
        The chapter it belongs to: a key of :data:`CHAPTERS` (``"endpoints"``, ...) or
        any other key, which gets a chapter titled ``section_title``.
    section_title : str
        Heading for a chapter not in :data:`CHAPTERS` (defaults to the key).
    scale : float
        Image pixels per CSS pixel (2 for a plot rendered at twice the screen
        resolution, so it stays sharp on paper).
    """

    png: bytes
    title: str
    caption: str = ""
    section: str = "plots"
    section_title: str = ""
    scale: float = 2.0

    @property
    def css_size(self) -> tuple[int, int]:
        """Width and height to draw it at, in CSS pixels, never wider than the page."""
        w, h = png_size(self.png)
        w_css, h_css = w / self.scale, h / self.scale
        if w_css > CONTENT_WIDTH_PX:
            h_css *= CONTENT_WIDTH_PX / w_css
            w_css = CONTENT_WIDTH_PX
        return round(w_css), round(h_css)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG image from its header (``ValueError`` if not a PNG)."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", png[16:24])


# -- small pieces ----------------------------------------------------------------------


def _e(text: Any) -> str:
    """Escape file text for HTML (quotes too, so it is safe in attributes)."""
    return escape("" if text is None else str(text), quote=True)


def _mark(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#000000")
    mark = STATUS_MARKS.get(status, "?")
    return f'<span class="mark" style="color:{colour}">{mark}</span>'


def _status_cell(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#000000")
    return f'<span style="color:{colour}">{_e(status)}</span>'


def _level_cell(level: str) -> str:
    colour = LEVEL_COLOURS.get(level, "#000000")
    return f'<b style="color:{colour}">{_e(level.upper())}</b>'


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell_text(value: Any) -> str:
    return "—" if _missing(value) else str(value)


def _table(
    headers: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[str]],
    *,
    css_class: str = "data",
) -> str:
    """A table with a repeated header row; ``headers`` are (text, width) pairs.

    Cells are HTML already (the caller escapes); alternate rows are shaded so a
    row can be followed across the page without rules between rows.
    """
    head = "".join(
        f'<th align="left"{f" width={chr(34)}{width}{chr(34)}" if width else ""}>{_e(text)}</th>'
        for text, width in headers
    )
    body = []
    for i, row in enumerate(rows):
        shade = ' class="alt" bgcolor="#F3F5F9"' if i % 2 else ""
        cells = "".join(f"<td>{cell}</td>" for cell in row)
        body.append(f"<tr{shade}>{cells}</tr>")
    return (
        f'<table class="{css_class}" width="100%" cellspacing="0" cellpadding="3">'
        f'<thead><tr bgcolor="#E4EAF3">{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        # Qt drops the margin below a table; a small empty line keeps the next heading off it.
        '<p class="gap" style="margin: 0; font-size: 5pt">&nbsp;</p>'
    )


def _chapter(title: str, *, first: bool = False, anchor: str = "") -> str:
    """A chapter heading; every chapter but the first starts a new page."""
    style = "" if first else ' style="page-break-before: always"'
    ident = f' id="{_e(anchor)}"' if anchor else ""
    css = "chapter" if not first else "first"
    return f'<h2 class="{css}"{ident}{style}>{_e(title)}</h2>'


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal, safe inside ``<style>``."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def running_header(summary: Summary) -> str:
    """The line repeated at the top of every page: acronym, registry id and data cut."""
    t = summary.evidence.trial
    cut = summary.evidence.data_cut
    cut_text = cut.label + (f", {cut.date}" if cut.date else "")
    return f"{t.acronym} · {t.registry_id} · Data cut: {cut_text}"


# -- stylesheet ----------------------------------------------------------------------------


def _page_rules(header: str, footer: str) -> str:
    """CSS paged media for browsers: A4, margins, running header, page numbers.

    Kept in a ``<style>`` element of its own: Qt's CSS parser rejects a whole style
    sheet that nests margin boxes (``@top-left``) in ``@page``.
    """
    return f"""
@page {{
  size: A4;
  margin: 20mm 15mm 16mm 15mm;
  @top-left {{ content: {_css_string(header)}; font-size: 8pt; color: #555555; }}
  @top-right {{ content: "Trial Evidence Explorer"; font-size: 8pt; color: #555555; }}
  @bottom-left {{ content: {_css_string(footer)}; font-size: 7.5pt; color: #777777; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages);
                   font-size: 8pt; color: #555555; }}
}}
"""


def _stylesheet() -> str:
    """Print CSS. Qt's ``QTextDocument`` reads the subset it knows and skips the rest."""
    return f"""
body {{ font-family: "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif;
        font-size: 9.5pt; color: #1A1A1A; line-height: 125%; }}
h1 {{ font-size: 17pt; margin-top: 0; margin-bottom: 2pt; color: #111111; }}
h2 {{ font-size: 14pt; color: {_ACCENT}; margin-top: 0; margin-bottom: 6pt;
      border-bottom: 1.5pt solid {_ACCENT}; padding-bottom: 2pt;
      break-after: avoid; page-break-after: avoid; }}
h2.chapter {{ break-before: page; page-break-before: always; }}
h3 {{ font-size: 11pt; color: #111111; margin-top: 10pt; margin-bottom: 3pt;
      break-after: avoid; page-break-after: avoid; }}
h4 {{ font-size: 9.5pt; margin-top: 6pt; margin-bottom: 2pt;
      break-after: avoid; page-break-after: avoid; }}
p {{ margin-top: 0; margin-bottom: 5pt; }}
p.subtitle {{ font-size: 11pt; color: #333333; margin-bottom: 6pt; }}
p.note {{ font-size: 8pt; color: #555555; }}
table {{ border-collapse: collapse; margin-bottom: 8pt; }}
table.data th {{ font-size: 8pt; font-weight: bold; text-align: left; vertical-align: bottom;
                 background-color: #E4EAF3; border-bottom: 1pt solid #8A9BB5; }}
table.data td {{ font-size: 8.5pt; vertical-align: top; }}
table.data tr.alt td {{ background-color: #F3F5F9; }}
tr, img, table.plot, table.box {{ break-inside: avoid; page-break-inside: avoid; }}
thead {{ display: table-header-group; }}
td.num {{ text-align: right; white-space: nowrap; }}
.prov {{ font-size: 7.5pt; color: #505050; }}
.mark {{ font-weight: bold; }}
table.meta td {{ font-size: 9pt; vertical-align: top; }}
table.meta td.key {{ color: #555555; white-space: nowrap; }}
table.box td {{ background-color: #EEF3FA; border: 1pt solid {_ACCENT}; font-size: 11pt; }}
table.plot td {{ text-align: center; }}
table.plot {{ margin-top: 8pt; }}
p.plot-title {{ font-weight: bold; font-size: 9.5pt; margin-bottom: 2pt; }}
p.plot-image {{ line-height: 100%; margin: 0; }}
p.caption {{ font-size: 8pt; color: #444444; text-align: left; margin-top: 2pt; }}
p.statement {{ font-size: 10pt; margin-bottom: 7pt; }}
div.running {{ font-size: 8pt; color: #555555; margin-bottom: 8pt; }}
"""


#: Rules for reading on screen in a browser, in a ``<style>`` of their own: Qt counts
#: as a screen and would apply ``@media screen``; it skips ``@media not print``.
_SCREEN_RULES = """
@media not print {
  body { max-width: 190mm; margin: 1em auto; padding: 0 1em; }
  div.running { border-bottom: 1px solid #CCCCCC; }
}
@media print { div.running { display: none; } }
"""


# -- chapters ----------------------------------------------------------------------------


def _title_block(summary: Summary, generated: str) -> str:
    ev = summary.evidence
    t = ev.trial
    cut = ev.data_cut
    citation = t.citation.text
    doi = f" DOI {t.citation.doi}" if t.citation.doi else ""
    arms = "<br>".join(f"<b>{_e(a.label)}</b> ({_e(a.role)}): {_e(a.description)}" for a in ev.arms)
    phase = f" · phase {t.phase}" if t.phase else ""
    rows = [
        ("Trial", _e(t.registry_id + phase)),
        ("Population", _e(t.population) + (f"; {_e(t.setting)}" if t.setting else "")),
        ("Arms", arms),
        ("Data cut", _e(cut.label) + (f", {_e(cut.date)}" if cut.date else " (date not reported)")),
        ("Source", _e(citation) + _e(doi)),
    ]
    meta = "".join(
        f'<tr><td class="key" width="13%">{_e(k)}</td><td>{v}</td></tr>' for k, v in rows
    )
    legend = " · ".join(
        f"{_mark(status)} <b>{_e(status)}</b>: {_e(words)}"
        for status, words in _STATUS_WORDS.items()
    )
    return (
        f"<h1>{_e(t.acronym)}</h1>"
        f'<p class="subtitle">{_e(t.title)}</p>'
        f'<table class="meta" width="100%" cellspacing="0" cellpadding="1">{meta}</table>'
        '<table class="box" width="100%" cellspacing="0" cellpadding="5" border="1" '
        f'style="border-color: {_ACCENT}; border-style: solid"><tr><td bgcolor="#EEF3FA">'
        f"<b>Primary result.</b> {_e(summary.primary_result())}</td></tr></table>"
        f'<p class="note">Every number carries its mark. {legend}. The last chapter lists '
        "each number with its source as printed or its derivation. Generated "
        f"{_e(generated)} by Trial Evidence Explorer {_e(__version__)} from "
        f"{_e(Path(ev.origin).name)}.</p>"
    )


def _statement_html(pieces: Sequence[Any], statuses: Mapping[str, str]) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, FigureRef):
            status = statuses.get(piece.figure_id, "derived")
            colour = STATUS_COLOURS.get(status, "#000000")
            mark = STATUS_MARKS.get(status, "?")
            out.append(f'{_e(piece.text)}<sup style="color:{colour}; font-size: 9pt">{mark}</sup>')
        else:
            out.append(_e(piece))
    return "".join(out)


def _bottom_line(summary: Summary, mcbs: Any | None) -> str:
    statuses = {f.id: f.status for f in summary.figures}
    parts = [_chapter("Bottom line", first=True)]
    for st in overview(summary):
        parts.append(f"<h3>{_e(st.heading)}</h3>")
        parts.append(f'<p class="statement">{_statement_html(st.pieces, statuses)}</p>')
    if mcbs is not None:
        parts.append("<h3>ESMO Magnitude of Clinical Benefit Scale (v1.1)</h3>")
        parts.append(f'<p class="statement">{_e(getattr(mcbs, "statement", ""))}</p>')
    return "".join(parts)


def _images_html(images: Sequence[ReportImage]) -> str:
    parts = []
    for image in images:
        w, h = image.css_size
        data = base64.b64encode(image.png).decode("ascii")
        caption = f'<p class="caption">{_e(image.caption)}</p>' if image.caption else ""
        parts.append(
            '<table class="plot" width="100%" cellspacing="0" cellpadding="0"><tr>'
            '<td style="padding-top: 12px">'
            f'<p class="plot-title">{_e(image.title)}</p>'
            f'<p class="plot-image"><img src="data:image/png;base64,{data}" width="{w}" '
            f'height="{h}" alt="{_e(image.title)}" style="max-width: 100%; height: auto;"></p>'
            f"{caption}</td></tr></table>"
        )
    return "".join(parts)


def _endpoint_table(summary: Summary) -> str:
    from explorer.analysis.endpoints import endpoint_frame

    frame = endpoint_frame(summary)
    if not len(frame):
        return ""
    ev = summary.evidence
    arms = list(displayed_arms(ev))
    level = frame.attrs.get("ci_level")
    ci = f" ({level * 100:g}% CI)" if level else ""
    headers = [("", "3%"), ("Endpoint", "17%"), ("Population", "15%")]
    headers += [(a.label, "14%") for a in arms]
    headers += [(f"Effect{ci}", ""), (f"Difference, points{ci}", ""), ("p", "")]
    rows = []
    for _, r in frame.iterrows():
        cells = [
            _mark(r["status"]),
            f"<b>{_e(r['endpoint'])}</b><br><span class='prov'>{_e(r['role'])}</span>",
            _e(_cell_text(r["population"])),
        ]
        cells += [_e(_cell_text(r[f"arm.{a.id}"])) for a in arms]
        cells += [
            _e(_cell_text(r["effect"])) + f"<br><span class='prov'>{_e(r['favours'])}</span>",
            _e(_cell_text(r["rd"])),
            _e(_cell_text(r["p"])),
        ]
        rows.append(cells)
    return "<h3>Every endpoint</h3>" + _table(headers, rows)


#: Registry serious / other adverse events listed per section in the report; the rest
#: (a registry record may list hundreds) stay in the app's Adverse events panel.
REPORT_UNGRADED_ROWS = 25


def _safety_table(summary: Summary) -> str:
    """Graded adverse events in one table; a registry's ungraded events in their own.

    With a control arm every row compares the primary comparison's arms; a single-group
    study shows its arm's rates and says that no comparison applies. Ungraded registry
    entries (serious / other) are never mixed with graded ones.
    """
    from explorer.analysis.safety import (
        GRADED_SECTION,
        adverse_event_frame,
        comparison_arms,
        sections_present,
    )

    frame = adverse_event_frame(summary)
    if not len(frame):
        return ""
    ev = summary.evidence
    pair = comparison_arms(ev)
    arms = list(pair) if pair is not None else list(ev.arms)
    level = frame["ci_level"].dropna()
    ci = f" ({level.iloc[0] * 100:g}% CI)" if len(level) else ""
    headers = [("Adverse event", "20%"), ("Grade", "6%")]
    headers += [(f"{a.label}: %, n/N", "13%") for a in arms]
    if pair is not None:
        headers += [
            (f"Risk difference, points{ci}", ""),
            (f"Risk ratio{ci}", ""),
            ("NNH or NNT", ""),
        ]
    headers.append(("Status", "11%"))

    def row_cells(r) -> list[str]:
        detail = [x for x in (r["category"], r.get("organ_system")) if not _missing(x) and x]
        cells = [
            f"<b>{_e(r['term'])}</b>"
            + (f"<br><span class='prov'>{_e(' · '.join(detail))}</span>" if detail else ""),
            _e(_cell_text(r["grade_band"])),
        ]
        cells += [
            _e(_cell_text(r[f"rate_text.{a.id}"]))
            + "<br>"
            + _e(_cell_text(r[f"count_text.{a.id}"]))
            for a in arms
        ]
        if pair is not None:
            cells += [
                _e(_cell_text(r["rd_text"])),
                _e(_cell_text(r["rr_text"])),
                _e(_cell_text(r["nnh_text"])),
            ]
        cells.append(_e(_cell_text(r["status_text"])))
        return cells

    population = frame["population_label"].iloc[0]
    if pair is not None:
        t, c = pair
        intro = (
            f"{_e(population)}. Differences are {_e(t.label)} − {_e(c.label)}; counts marked "
            "◇ are reconstructed from the printed percentages."
        )
    else:
        intro = (
            f"{_e(population)}. A single-group study: rates only; between-arm differences "
            "are not applicable."
        )
    parts = []
    for section in sections_present(frame):
        rows = frame[frame["section"] == section]
        if section == GRADED_SECTION:
            parts.append("<h3>Every adverse event</h3>")
            graded = [row_cells(r) for _, r in rows.iterrows()]
            parts.append(f"<p class='note'>{intro}</p>" + _table(headers, graded))
            continue
        # Registry events without a grade: the most frequent, never among graded ones.
        rates = rows[[f"rate.{a.id}" for a in arms]].max(axis=1, skipna=True)
        top = rows.assign(_rate=rates).sort_values("_rate", ascending=False, na_position="last")
        shown = top.head(REPORT_UNGRADED_ROWS)
        more = len(rows) - len(shown)
        note = (
            f"{len(rows)} entries listed by the registry record without a grade; they are "
            "not grade ≥ 3 events and are not counted as such."
            + (
                f" The {len(shown)} most frequent are shown; the other {more} are in the "
                "app's Adverse events panel."
                if more > 0
                else ""
            )
        )
        parts.append(f"<h3>{_e(section)}</h3><p class='note'>{_e(note)}</p>")
        parts.append(_table(headers, [row_cells(r) for _, r in shown.iterrows()]))
    return "".join(parts)


def _outcomes_html(summary: Summary) -> str:
    """Registry outcome measures as the record states them: values, then analyses."""
    measures = ordered_measures(summary.evidence)
    if not measures:
        return ""
    parts = [
        "<h3>Registry outcome measures</h3><p class='note'>As the registry record states "
        "them: the record's own groups, values with the spread or interval its dispersion "
        "names, and its analyses with their own CI level and sides. The record does not "
        "say which direction favours treatment.</p>"
    ]
    for om in measures:
        facts = " · ".join(
            x for x in (om.role, om.time_frame, om.param_type, om.dispersion, om.unit) if x
        )
        parts.append(f"<h4>{_e(om.title)}</h4><p class='note'>{_e(facts)}</p>")
        values = [
            [
                _e(" · ".join(x for x in (r.group, r.class_label, r.category) if x)),
                _e(r.value),
                _e(r.spread or "—"),
                _e(r.n or "—"),
                _e(r.comment),
            ]
            for r in value_rows(om)
        ]
        if values:
            headers = [("Group", "30%"), ("Value", "12%"), ("Spread / interval", "22%")]
            headers += [("n", "8%"), ("Comment", "")]
            parts.append(_table(headers, values))
        analyses = [
            [_e(r.groups), _e(r.estimate_name), _e(r.value), _e(r.ci), _e(r.p), _e(r.method)]
            for r in analysis_rows(om)
        ]
        if analyses:
            headers = [("Groups", "24%"), ("Estimate", "18%"), ("Value", "9%")]
            headers += [("CI", "20%"), ("p", "9%"), ("Method", "")]
            parts.append(_table(headers, analyses))
    return "".join(parts)


def _figure_rows(figures: Iterable[Figure]) -> list[list[str]]:
    rows = []
    for f in figures:
        provenance = f.provenance
        prefix = "Source: " if f.status == "reported" else ""
        rows.append(
            [
                _mark(f.status),
                _e(f.label),
                _e(f.formatted()),
                _status_cell(f.status),
                f'<span class="prov">{_e(prefix + provenance)}</span>',
            ]
        )
    return rows


_FIGURE_HEADERS = [
    ("", "3%"),
    ("Figure", "27%"),
    ("Value", "17%"),
    ("Status", "12%"),
    ("Source as printed, or derivation", "41%"),
]


def _figures_table(figures: Sequence[Figure]) -> str:
    """Mark, label, formatted value, status and full provenance of each figure."""
    if not figures:
        return ""
    return _table(_FIGURE_HEADERS, _figure_rows(figures))


def _mcbs_result(summary: Summary) -> Any | None:
    """The ESMO-MCBS evaluation, when ``explorer.analysis.esmo_mcbs`` is installed."""
    try:
        module = importlib.import_module("explorer.analysis.esmo_mcbs")
    except ModuleNotFoundError as exc:
        if exc.name == "explorer.analysis.esmo_mcbs":
            return None
        raise
    evaluate = getattr(module, "evaluate_evidence", None)
    if evaluate is None:
        return None
    return evaluate(summary.evidence, summary)


def _mcbs_html(result: Any) -> str:
    grade = getattr(result, "final_grade", None)
    preliminary = getattr(result, "preliminary_grade", None)
    form = getattr(result, "form", None)
    rows = [
        ("Verdict", _e(getattr(result, "statement", ""))),
        ("Eligible for grading", "yes" if getattr(result, "eligible", False) else "no"),
        (
            "Form",
            (_e(f"{form}: ") if form else "none: ") + _e(getattr(result, "form_reason", "")),
        ),
        ("Preliminary grade", _e(_cell_text(preliminary))),
        ("Final grade", _e(_cell_text(grade))),
    ]
    adjustments = tuple(getattr(result, "adjustments", ()) or ())
    rows.append(("Adjustments", "<br>".join(_e(a) for a in adjustments) or "none"))
    meta = "".join(
        f'<tr><td class="key" width="18%">{_e(k)}</td><td>{v}</td></tr>' for k, v in rows
    )
    parts = [
        "<h3>ESMO Magnitude of Clinical Benefit Scale v1.1</h3>",
        f'<table class="meta" width="100%" cellspacing="0" cellpadding="2">{meta}</table>',
    ]
    trace = tuple(getattr(result, "trace", ()) or ())
    if trace:
        headers = [("#", "4%"), ("Rule", "36%"), ("Inputs", "30%"), ("Outcome", "11%")]
        headers.append(("Citation", "19%"))
        rows_html = [
            [
                str(i),
                _e(getattr(step, "rule", "")),
                _e(getattr(step, "inputs", "")),
                _e(getattr(step, "outcome", "")),
                f'<span class="prov">{_e(getattr(step, "citation", ""))}</span>',
            ]
            for i, step in enumerate(trace, start=1)
        ]
        parts.append("<h4>Every rule applied, in order</h4>")
        parts.append(_table(headers, rows_html))
    return "".join(parts)


def _audit_html(summary: Summary) -> str:
    checks = sorted(summary.checks, key=lambda c: _LEVEL_ORDER.get(c.level, 3))
    counts = {level: sum(c.level == level for c in checks) for level in ("pass", "note", "warn")}
    labels = {f.id: f.label for f in summary.figures}
    rows = []
    for c in checks:
        involved = "; ".join(labels.get(i, i) for i in c.figures)
        rows.append(
            [
                _level_cell(c.level),
                _e(c.message)
                + (f'<br><span class="prov">Figures: {_e(involved)}</span>' if involved else ""),
            ]
        )
    return (
        _chapter("Consistency audit", anchor="audit")
        + f"<p>{counts['pass']} checks pass, {counts['note']} notes, {counts['warn']} warnings. "
        "<b>pass</b>: the figures agree within what printing them allows; <b>note</b>: a "
        "difference that rounding, a model's simplification or a different test explains, or a "
        "figure resting on a stated assumption; <b>warn</b>: a disagreement beyond that "
        "(check the source).</p>" + _table([("Level", "8%"), ("Check", "92%")], rows)
    )


def _all_figures_html(summary: Summary, shown: Sequence[str]) -> str:
    """Every figure of the topics not listed in full before (``shown``), by topic."""
    chapters = ", ".join(CHAPTERS[t] for t in shown)
    before = (
        f" The figures of {chapters} are listed in full in {'that' if len(shown) == 1 else 'those'}"
        f" chapter{'' if len(shown) == 1 else 's'}."
        if shown
        else ""
    )
    parts = [
        _chapter("Every figure, with its source or derivation", anchor="figures"),
        '<p class="note">Grouped as in the app. Reported figures give the document, the '
        "section and the figure exactly as printed; derived and reconstructed figures give "
        f"the method and each input with its own value and status.{_e(before)}</p>",
    ]
    groups: dict[str, list[Figure]] = {}
    for f in summary.figures:
        if f.topic not in shown:
            groups.setdefault(f.topic, []).append(f)
    for topic, figures in groups.items():
        parts.append(f"<h3>{_e(summary.topic_title(topic))}</h3>")
        parts.append(_figures_table(figures))
    return "".join(parts)


# -- the document ----------------------------------------------------------------------------


def _as_image(name: str, value: ReportImage | bytes) -> ReportImage:
    if isinstance(value, ReportImage):
        return value
    section = name.split(".", 1)[0] if "." in name else "plots"
    return ReportImage(png=bytes(value), title=name, section=section, scale=1.0)


def build_html(
    summary: Summary,
    images: Mapping[str, ReportImage | bytes] | None = None,
    *,
    generated: str | None = None,
    include_mcbs: bool = True,
    screen_header: bool = True,
) -> str:
    """The whole report as one standalone HTML document.

    Parameters
    ----------
    summary : Summary
        The trial's figures and checks (:func:`explorer.analysis.summarize`).
    images : mapping of str to ReportImage or bytes, optional
        Plots rendered by the caller, in the order they should appear. Plain PNG
        bytes are accepted too: the part of the name before the first dot names the
        chapter (``"design.power"`` → Design), the name is the title, and the image
        is drawn at one image pixel per CSS pixel (never wider than the page).
    generated : str, optional
        When the report was made, as printed on it (default: today's date).
    include_mcbs : bool
        Add the ESMO-MCBS verdict and trace when ``explorer.analysis.esmo_mcbs`` is
        installed (the section is left out when it is not).
    screen_header : bool
        Start with the running header line for reading on screen (browsers hide it in
        print, where the page header repeats it); off for the PDF, which paints its own.

    Returns
    -------
    str
        HTML 4-style markup with an embedded print stylesheet: A4 pages, chapters
        starting on a new page, table rows kept whole, a running header naming the
        trial, its registry id and data cut, and page numbers.
    """
    generated = generated or _dt.date.today().isoformat()
    ev = summary.evidence
    header = running_header(summary)
    footer = f"Trial Evidence Explorer {__version__} · generated {generated}"
    by_section: dict[str, list[ReportImage]] = {}
    for name, value in (images or {}).items():
        image = _as_image(name, value)
        by_section.setdefault(image.section, []).append(image)
    mcbs = _mcbs_result(summary) if include_mcbs else None

    body = [
        f'<div class="running">{_e(header)}</div>' if screen_header else "",
        _title_block(summary, generated),
        _bottom_line(summary, mcbs),
    ]

    # Endpoints: the table every panel starts from, then its plots.
    body.append(_chapter(CHAPTERS["endpoints"], anchor="endpoints"))
    body.append(_endpoint_table(summary))
    body.append(_outcomes_html(summary))
    body.append(_images_html(by_section.pop("endpoints", [])))

    safety_images = by_section.pop("adverse_events", [])
    if ev.adverse_events or safety_images:
        body.append(_chapter(CHAPTERS["adverse_events"], anchor="adverse_events"))
        body.append(_safety_table(summary))
        body.append(_images_html(safety_images))

    design_figures = [f for f in summary.figures if f.topic == "design"]
    design_images = by_section.pop("design", [])
    if design_figures or design_images:
        body.append(_chapter(CHAPTERS["design"], anchor="design"))
        body.append(_images_html(design_images))
        body.append(_figures_table(design_figures))

    interp_figures = [f for f in summary.figures if f.topic == "interpretation"]
    interp_images = by_section.pop("interpretation", [])
    if interp_figures or interp_images or mcbs is not None:
        body.append(_chapter(CHAPTERS["interpretation"], anchor="interpretation"))
        body.append(_images_html(interp_images))
        body.append(_figures_table(interp_figures))
        if mcbs is not None:
            body.append(_mcbs_html(mcbs))

    for section, section_images in by_section.items():
        title = section_images[0].section_title or section.replace("_", " ").capitalize()
        body.append(_chapter(title, anchor=section))
        body.append(_images_html(section_images))

    body.append(_audit_html(summary))
    shown = [
        t
        for t, figures in (("design", design_figures), ("interpretation", interp_figures))
        if figures
    ]
    body.append(_all_figures_html(summary, shown))

    t = ev.trial
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(t.acronym)} ({_e(t.registry_id)}): trial evidence report</title>"
        f'<meta name="generator" content="Trial Evidence Explorer {_e(__version__)}">'
        f"<style>{_page_rules(header, footer)}</style>"
        f"<style>{_stylesheet()}</style>"
        f"<style>{_SCREEN_RULES}</style></head>\n"
        f"<body>{''.join(body)}</body></html>\n"
    )


def write_html(
    summary: Summary,
    path: str | Path,
    images: Mapping[str, ReportImage | bytes] | None = None,
    *,
    generated: str | None = None,
) -> Path:
    """Write :func:`build_html` to ``path`` (UTF-8) and return the path."""
    out = Path(path)
    out.write_text(build_html(summary, images, generated=generated), encoding="utf-8")
    return out
