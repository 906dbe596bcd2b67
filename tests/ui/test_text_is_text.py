"""Text from files is shown as text, never interpreted as HTML (issue 8, item 6).

A trial whose acronym, title, arm labels, endpoint names, adverse-event terms,
population labels, source quotes, data-cut label and registry outcome measures all
carry ``<b>bold</b> <img src=x onerror=alert(1)> &amp; <a href="x">link</a>`` is opened
in the real main window. Every panel is visited (and the Library and Compare pages,
the data-cut diff dialog, the notes, the digitised import dialog), then every piece of
text the window can show is walked and rendered the way Qt renders it:

* a ``QLabel`` by its text format (``AutoText`` becomes rich when
  :func:`Qt.mightBeRichText` says so);
* every tooltip (widgets, item-model ``ToolTipRole`` and header tooltips, plot items)
  as rich text when ``mightBeRichText``: Qt's tooltip does so;
* item-model ``DisplayRole`` and headers as plain text (no delegate in the app paints
  HTML; :func:`test_no_item_delegate_paints_html` keeps it so);
* text edits, and every ``QGraphicsTextItem`` in the plots (pyqtgraph's labels, axis
  labels, titles and legends are HTML) by the plain text of their document;
* buttons, group boxes, tabs and menu actions with their ``&`` mnemonics removed.

Wherever a piece of the marker shows, the whole marker must show literally: an
interpreted tag (``bold`` without ``<b>``), a double escape (``&lt;b&gt;`` on screen) or
an eaten ``&amp;`` are all failures, reported with the widget and the text.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import Qt as QtGui_Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QStyledItemDelegate,
    QTabBar,
    QTextEdit,
    QWidget,
)

from explorer import resources
from explorer.evidence import from_dict
from explorer.evidence.ctgov import read_registry_file
from explorer.evidence.library import Library
from explorer.ui.main_window import MainWindow
from tests.hostile import MARKER, hostile_palmira, mark_quotes, marked

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: The text a hostile (or careless) file puts in every name it holds.
_SPACE = re.compile(r"\s+")
#: Models without a tree (PySide6 makes their ``hasChildren`` private).
FLAT_MODELS = (QAbstractListModel, QAbstractTableModel)


# -- rendering text the way Qt does ---------------------------------------------------------


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u2028", " ").replace("\u2029", " ")).strip()


def _as_html(text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def _might_be_rich(text: str) -> bool:
    """Qt's own guess (``Qt::mightBeRichText``), as used by tooltips and AutoText labels."""
    return QtGui_Qt.mightBeRichText(text)


def rendered_rich_or_plain(text: str) -> str:
    """What a tooltip (or an ``AutoText`` label) shows for ``text``."""
    return _as_html(text) if _might_be_rich(text) else text


def rendered_label(label: QLabel) -> str:
    fmt = label.textFormat()
    text = label.text()
    if fmt == Qt.TextFormat.PlainText:
        return text
    if fmt == Qt.TextFormat.RichText:
        return _as_html(text)
    if fmt == Qt.TextFormat.MarkdownText:
        doc = QTextDocument()
        doc.setMarkdown(text)
        return doc.toPlainText()
    return rendered_rich_or_plain(text)


def without_mnemonics(text: str) -> str:
    """A button's or menu's text as shown: ``&x`` underlines x, ``&&`` is one ``&``."""
    return re.sub(r"&(.)", r"\1", text)


def _pieces() -> tuple[str, ...]:
    """What shows on screen of the marker, literal or interpreted (not the bare word bold,
    which the app's own text may use)."""
    interpreted = _norm(_as_html(MARKER))  # "bold ￼ & link": the image is U+FFFC
    return ("bold</b>", "onerror=alert(1)", 'href="x"', interpreted[:6])


def _elided_literally(shown: str) -> bool:
    """True when the marker is cut short by an ellipsis ("…") but what shows is literal."""
    head, ellipsis, _ = shown.partition("…")
    start = head.find("<b>bold")
    return bool(ellipsis) and start >= 0 and MARKER.startswith(head[start:])


def leak(rendered: str) -> bool:
    """True when part of the marker shows but not the whole marker, literally."""
    shown = _norm(rendered)
    if MARKER in shown or _elided_literally(shown):
        return False
    return any(piece in shown for piece in _pieces())


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    """Columns under ``parent`` (a list model's ``columnCount`` is private in PySide6)."""
    if isinstance(model, QAbstractListModel):
        return 1
    return model.columnCount(parent)


def _model_texts(model: QAbstractItemModel, where: str):
    """(where, rendered) for every cell and header of ``model``: display and tooltip."""
    display, tip = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
    columns = max(_columns(model, QModelIndex()), 1)
    for orientation, count in (
        (Qt.Orientation.Horizontal, columns),
        (Qt.Orientation.Vertical, model.rowCount(QModelIndex())),
    ):
        for section in range(count):
            text = model.headerData(section, orientation, display)
            if isinstance(text, str):
                yield f"{where} header {section}", text
            text = model.headerData(section, orientation, tip)
            if isinstance(text, str):
                yield f"{where} header tooltip {section}", rendered_rich_or_plain(text)
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        if model.canFetchMore(parent):
            model.fetchMore(parent)
        for row in range(model.rowCount(parent)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                text = index.data(display)
                if isinstance(text, str):
                    yield f"{where} ({row}, {column})", text
                text = index.data(tip)
                if isinstance(text, str):
                    yield f"{where} tooltip ({row}, {column})", rendered_rich_or_plain(text)
            child = model.index(row, 0, parent)
            if not isinstance(model, FLAT_MODELS) and model.hasChildren(child):
                stack.append(child)


def shown_texts(root: QWidget):
    """(where, rendered text) for everything ``root`` and its children can show."""
    widgets = [root, *root.findChildren(QWidget)]
    models = set()
    for w in widgets:
        name = f"{type(w).__name__}({w.objectName() or '-'})"
        if w.toolTip():
            yield f"{name} tooltip", rendered_rich_or_plain(w.toolTip())
        if isinstance(w, QLabel):
            yield name, rendered_label(w)
        elif isinstance(w, QAbstractButton):
            yield name, without_mnemonics(w.text())
        elif isinstance(w, QGroupBox):
            yield name, without_mnemonics(w.title())
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"{name} tab {i}", without_mnemonics(w.tabText(i))
                yield f"{name} tab tooltip {i}", rendered_rich_or_plain(w.tabToolTip(i))
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{name} item {i}", w.itemText(i)
        elif isinstance(w, QTextEdit | QPlainTextEdit):
            yield name, w.toPlainText()
        elif isinstance(w, QMenu):
            for action in w.actions():
                yield f"{name} action", without_mnemonics(action.text())
                if action.toolTip() != action.text().replace("&", ""):
                    yield f"{name} action tooltip", rendered_rich_or_plain(action.toolTip())
        model = w.model() if isinstance(w, QAbstractItemView) else None
        if model is not None and id(model) not in models:
            models.add(id(model))
            yield from _model_texts(model, name)
        if isinstance(w, QGraphicsView) and w.scene() is not None:
            for item in w.scene().items():
                kind = f"{name} {type(item).__name__}"
                if isinstance(item, QGraphicsTextItem):
                    yield kind, item.toPlainText()
                elif isinstance(item, QGraphicsSimpleTextItem):
                    yield kind, item.text()
                if item.toolTip():
                    yield f"{kind} tooltip", rendered_rich_or_plain(item.toolTip())


def leaks(root: QWidget) -> list[str]:
    return [f"{where}: {text!r}" for where, text in shown_texts(root) if leak(text)]


def marker_shown(root: QWidget) -> int:
    """How many texts show the whole marker (so a walk that sees nothing fails)."""
    return sum(MARKER in _norm(text) for _, text in shown_texts(root))


# -- fixtures -------------------------------------------------------------------------------


def hostile_registry_record():
    """A real ClinicalTrials.gov v2 record with the marker in its names and outcome measures."""
    evidence = read_registry_file(FIXTURES / "ctgov" / "real" / "v2" / "NCT02210780.json")[0]

    def mark_fields(obj, names):
        changes = {n: marked(getattr(obj, n)) for n in names if getattr(obj, n, None)}
        return dataclasses.replace(obj, **changes)

    measures = tuple(
        dataclasses.replace(
            mark_fields(om, ("title", "description", "time_frame", "population_description")),
            groups=tuple(mark_fields(g, ("label", "description")) for g in om.groups),
            values=tuple(mark_fields(v, ("class_label", "category", "comment")) for v in om.values),
            analyses=tuple(
                mark_fields(a, ("group_description", "estimate_name", "method", "note"))
                for a in om.analyses
            ),
        )
        for om in evidence.outcome_measures
    )
    return dataclasses.replace(
        evidence,
        trial=mark_fields(evidence.trial, ("acronym", "title", "population")),
        arms=tuple(mark_fields(a, ("label",)) for a in evidence.arms),
        adverse_events=tuple(mark_fields(e, ("term",)) for e in evidence.adverse_events),
        outcome_measures=measures,
    )


def hostile_digitised_trial() -> dict:
    """The SIMULATED demo trial (with its digitised figure) marked like PALMIRA."""
    data = json.loads((FIXTURES / "digitised" / "simulated-trial.json").read_text("utf-8"))
    data["trial"]["acronym"] = marked(data["trial"]["acronym"])
    for arm in data["arms"]:
        arm["label"] = marked(arm["label"])
    for endpoint in data["endpoints"]:
        endpoint["name"] = marked(endpoint["name"])
    for figure in data["km_figures"]:
        figure["label"] = marked(figure["label"])
    mark_quotes(data)
    return data


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


@pytest.fixture
def make_window(qtbot, library):
    made = []

    def make(evidence):
        w = MainWindow(evidence, library=library)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.unsaved_figures = ()
        w.close()
    QApplication.processEvents()


def visit_every_panel(w: MainWindow) -> None:
    """Show each panel, and in the Endpoints panel each endpoint and outcome measure."""
    for i, panel in enumerate(w.panels):
        w.show_panel(i)
        QApplication.processEvents()
        if panel.name == "endpoints":
            for endpoint in w.evidence.endpoints:
                panel.select_endpoint(endpoint.id)
                QApplication.processEvents()


def walk_outcome_measures(w: MainWindow) -> list[str]:
    """Leaks in the outcome-measure view, selecting each measure in turn."""
    view = w._page("endpoints").outcomes_view
    found = []
    for om in w.evidence.outcome_measures:
        assert view.select_measure(om.id)
        QApplication.processEvents()
        found += leaks(view)
    return found


# -- tests ----------------------------------------------------------------------------------


def test_the_leak_check_can_fail(qapp):
    # Each kind of wrong rendering it must catch, and the right one it must pass.
    assert not leak(MARKER) and not leak(f"PALMIRA {MARKER}\nnext line")
    assert leak(_as_html(MARKER))  # interpreted: "bold ￼ & link"
    assert leak(html.escape(MARKER))  # escaped, then shown as plain text: "&lt;b&gt;…"
    assert leak(MARKER.replace("&amp;", "&"))  # the entity eaten
    assert leak(without_mnemonics(MARKER))  # a mnemonic ate the "&"
    assert not leak("Inputs that differ are in bold")  # the app's own words
    assert not leak(MARKER[:30] + "…") and leak(_as_html(MARKER)[:8] + "…")  # elided
    label = QLabel(MARKER)  # AutoText: Qt guesses rich text
    assert leak(rendered_label(label))
    label.setTextFormat(Qt.TextFormat.PlainText)
    assert not leak(rendered_label(label))
    assert leak(rendered_rich_or_plain(MARKER))  # a tooltip left as it is


def test_no_item_delegate_paints_html():
    """The walk reads DisplayRole as plain: true while no delegate of the app renders HTML."""
    import explorer.ui as ui

    sources = Path(ui.__file__).parent.rglob("*.py")
    offenders = [
        p.name
        for p in sources
        if "ItemDelegate" in (text := p.read_text("utf-8")) and "setHtml" in text
    ]
    assert offenders == []
    assert QStyledItemDelegate  # the class the check is about


def test_every_panel_page_dialog_and_note_shows_file_text_literally(make_window, library):
    first = from_dict(hostile_palmira("Primary analysis"), origin="hostile-1.json")
    second_data = hostile_palmira("Final analysis")
    second_data["endpoints"][0]["effect"]["estimate"]["value"] = 0.7
    second = from_dict(second_data, origin="hostile-2.json")
    old = library.add_evidence(first, origin="hostile-1.json").cut_id
    new = library.add_evidence(second, origin="hostile-2.json").cut_id
    w = make_window(first)
    visit_every_panel(w)
    # A note on a figure (its title names the figure) and the library page's trial note.
    w.show_figure_details("pfs.hr")
    page = w._page("library")
    page.refresh()
    page.browser.select_cut(old)
    QApplication.processEvents()
    assert MARKER in w.figure_notes.title_label.text()
    assert w.figure_notes.title_label.textFormat() == Qt.TextFormat.PlainText
    assert marker_shown(w) > 100  # the walk sees the marked text (a blind walk would pass)
    assert leaks(w) == []

    dialog = w.show_cut_diff(old, new)
    assert dialog is not None
    QApplication.processEvents()
    assert marker_shown(dialog) > 0
    assert leaks(dialog) == []
    dialog.close()

    importer = w.open_import_dialog()
    QApplication.processEvents()
    assert marker_shown(importer) > 0
    assert leaks(importer) == []
    importer.reject()


def test_registry_outcome_measures_show_file_text_literally(make_window):
    w = make_window(hostile_registry_record())
    visit_every_panel(w)
    w.show_panel("endpoints")
    assert marker_shown(w) > 20
    assert leaks(w) == []
    assert walk_outcome_measures(w) == []


def test_reconstructed_curves_show_file_text_literally(make_window):
    w = make_window(from_dict(hostile_digitised_trial(), origin="hostile-km.json"))
    visit_every_panel(w)
    panel = w.show_panel("endpoints")
    panel.select_endpoint("pfs")
    QApplication.processEvents()
    assert panel.plot_stack.currentWidget() is panel.km_page
    # Title, legend, row labels (elided, full text in the tooltip) and axis labels.
    assert marker_shown(panel.km_plot) >= 4
    assert leaks(w) == []


def test_a_flagged_number_at_risk_names_its_arm_literally(make_window):
    w = make_window(from_dict(hostile_digitised_trial(), origin="hostile-km.json"))
    panel = w.show_panel("endpoints")
    panel.select_endpoint("pfs")
    plot = panel.km_plot
    # One printed number at risk one more than the reconstruction: the plot flags it
    # with a tooltip naming the arm.
    arm = plot.data.arms[0].arm_id
    shifted = tuple(n + (1 if j == 1 else 0) for j, n in enumerate(plot.data.at_risk[arm]))
    data = dataclasses.replace(plot.data, published_at_risk={arm: shifted})
    plot.set_data(data, plot.colours)
    QApplication.processEvents()
    tip = plot.table_texts[arm]["At risk"][1].toolTip()
    assert MARKER in _norm(rendered_rich_or_plain(tip))
    assert not leak(rendered_rich_or_plain(tip)), tip


def test_a_file_name_with_markup_and_ampersands_shows_literally(make_window, tmp_path):
    # Paths reach the recent-files menu, the status bar and error messages.
    folder = tmp_path / "R&D <b>bold <img src=x> &amp;"  # no "/" in a folder name
    folder.mkdir()
    path = folder / "palmira.json"
    path.write_text(resources.read_text(resources.PALMIRA), encoding="utf-8")
    w = make_window(from_dict(hostile_palmira(), origin="hostile.json"))
    assert w.open_file(str(path))
    shown = [without_mnemonics(a.text()) for a in w.recent_menu.actions()]
    assert str(path.resolve()) in shown
    bad = folder / "broken.json"
    bad.write_text("{", encoding="utf-8")
    assert not w.open_file(str(bad))
    assert w.error_dialog.textFormat() == Qt.TextFormat.PlainText
    assert str(bad) in w.error_dialog.text()
    w.error_dialog.close()


def test_exports_hold_the_text_not_the_markup_that_shows_it(make_window, tmp_path):
    # A table's CSV carries each cell's provenance (its tooltip) as the user reads it,
    # not the escaped HTML that makes Qt show it literally; the exported report escapes.
    import csv

    from explorer.ui.exports import export_report, table_to_csv

    w = make_window(from_dict(hostile_palmira(), origin="hostile.json"))
    table = w.show_panel("figures").table
    path = table_to_csv(table, tmp_path / "figures.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sources = [row["Value (source or derivation)"] for row in rows]
    assert sum(MARKER in s for s in sources) > 10
    assert not any("&lt;" in s or "white-space" in s for s in sources)
    report = export_report(w, tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.escape(MARKER) in report and "<img src=x" not in report
