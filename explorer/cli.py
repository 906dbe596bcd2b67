"""The ``explorer`` command: the GUI by default, and headless commands.

``explorer [FILE]`` opens the main window; ``explorer summary [FILE] [--json]``
and ``explorer audit [FILE] [--json]`` print the same figures and checks the GUI
shows; ``explorer report [FILE] --out PATH`` writes the report (PDF or HTML);
``explorer import FILE... [--library PATH]`` adds evidence files and registry records
to the user's library. FILE defaults to the bundled PALMIRA evidence. Bad input exits
with status 2 and one line on stderr naming the file, the place in it and the problem.

Qt is imported only when the GUI is asked for, so the headless commands run on a
machine with no display and start quickly.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from explorer import __version__

EXIT_BAD_INPUT = 2
HEADLESS = ("summary", "audit", "screenshot", "report", "import")
LEVEL_MARKS = {"pass": "PASS", "note": "NOTE", "warn": "WARN"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="explorer",
        description="Trial Evidence Explorer: open a trial's evidence and trace every number.",
        epilog="Without a command, opens the main window on FILE (default: bundled PALMIRA).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="load, compute and render everything offscreen with the network refused; "
        "print versions; exit 0 if all worked",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in (
        ("summary", "every figure of the trial with its status and source or derivation"),
        ("audit", "the internal-consistency checks"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument(
            "file",
            nargs="?",
            metavar="FILE",
            help="evidence file or ClinicalTrials.gov v2 record (default: bundled PALMIRA)",
        )
        cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
    shot = sub.add_parser("screenshot", help="render every panel offscreen to OUTDIR/<panel>.png")
    shot.add_argument("outdir", metavar="OUTDIR")
    shot.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="evidence file or ClinicalTrials.gov v2 record (default: bundled PALMIRA)",
    )
    report = sub.add_parser(
        "report",
        help="write the report (PDF or HTML, by the suffix of PATH)",
        description="Write the trial report: header, bottom line, every panel's tables and "
        "plots, the interpretation, the audit, and every number with its status and source.",
    )
    report.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="evidence file or ClinicalTrials.gov v2 record (default: bundled PALMIRA)",
    )
    report.add_argument(
        "--out", required=True, metavar="PATH", help="where to write: report.pdf or report.html"
    )
    imp = sub.add_parser(
        "import",
        help="add evidence files or ClinicalTrials.gov records to your library",
        description="Add evidence files (format 1.0-1.2) and ClinicalTrials.gov v2 records "
        "(a study or a page of studies) to your library, one data cut each; a file already "
        "in the library is not added twice. Each file is added whole or not at all.",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", help="evidence file or registry record")
    imp.add_argument(
        "--library",
        metavar="PATH",
        help="library file (default: $EXPLORER_LIBRARY, else library.sqlite3 in the app's "
        "data folder)",
    )
    return parser


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="explorer", add_help=False)
    parser.add_argument("file", nargs="?")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``explorer`` command; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in HEADLESS or args[0].startswith("-")):
        ns = _parser().parse_args(args)
        if ns.self_test:
            from explorer.selftest import run as self_test

            return self_test()
        if ns.command is None:
            _parser().print_help()
            return 0
        if ns.command == "screenshot":
            return _screenshot(ns.outdir, ns.file)
        if ns.command == "report":
            return _report(ns.out, ns.file)
        if ns.command == "import":
            return import_files(ns.files, ns.library, out=sys.stdout, err=sys.stderr)
        return _run_headless(ns.command, ns.file, as_json=ns.json, out=sys.stdout, err=sys.stderr)
    ns, rest = _gui_parser().parse_known_args(args)
    if rest:
        _parser().error(f"unrecognised arguments: {' '.join(rest)}")
    from explorer.app import main as gui_main  # Qt only when the window is wanted

    return gui_main(ns.file)


def _load(file: str | None, err: TextIO | None = None):
    """The evidence in ``file`` (bundled PALMIRA when ``None``), or ``None`` after writing
    the one-line error (file, place, problem) to ``err`` (default: stderr)."""
    from explorer import evidence
    from explorer.evidence.sources import read_any

    try:
        if file is None:
            return evidence.load_bundled()
        found = read_any(file)
    except evidence.EvidenceError as exc:
        (err or sys.stderr).write(f"explorer: {exc}\n")
        return None
    if len(found) > 1:
        (err or sys.stderr).write(
            f"explorer: {file} holds {len(found)} studies; showing the first"
            f" ({found[0].trial.registry_id}); 'explorer import' keeps them all\n"
        )
    return found[0]


def _run_headless(
    command: str, file: str | None, *, as_json: bool, out: TextIO, err: TextIO
) -> int:
    from explorer.analysis import summarize

    ev = _load(file, err)
    if ev is None:
        return EXIT_BAD_INPUT
    summary = summarize(ev)
    if command == "summary":
        if as_json:
            json.dump(summary.to_json(), out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            out.write(format_summary(summary))
    else:
        if as_json:
            doc = {"trial": summary.trial_json(), "checks": [c.to_json() for c in summary.checks]}
            json.dump(doc, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            out.write(format_audit(summary))
    return 0


def _screenshot(outdir: str, file: str | None) -> int:
    """Render the main window's panels offscreen, one PNG each."""
    import os

    ev = _load(file)
    if ev is None:
        return EXIT_BAD_INPUT
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from explorer.app import make_application
    from explorer.evidence.library import Library
    from explorer.ui.main_window import MainWindow
    from explorer.ui.settings import Settings

    app = make_application()
    # Screenshots never touch the user's settings or library: a scratch library holds
    # the bundled trials (for the Library and Compare pages) and nothing else.
    scratch = tempfile.TemporaryDirectory()
    library = Library(Path(scratch.name) / "library.sqlite3")
    window = MainWindow(
        ev,
        source_path=file,
        settings=Settings(Path(scratch.name) / "s.ini"),
        library=library,
    )
    window.show()
    app.processEvents()
    for path in window.render_panels(outdir):
        print(path)
    window.close()
    library.close()
    scratch.cleanup()
    return 0


def _report(out: str, file: str | None) -> int:
    """Write the report to ``out`` (``.pdf`` or ``.html``); print the path written."""
    import os

    suffix = Path(out).suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        sys.stderr.write(
            f"explorer: report: {out}: the report is written as .pdf or .html, "
            f"not {suffix or 'a file without a suffix'}\n"
        )
        return EXIT_BAD_INPUT
    ev = _load(file)
    if ev is None:
        return EXIT_BAD_INPUT
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from explorer.analysis import summarize
    from explorer.app import make_application
    from explorer.ui.exports import write_report

    make_application()
    try:
        path = write_report(summarize(ev), out)
    except OSError as exc:
        sys.stderr.write(f"explorer: report: cannot write {out}: {exc}\n")
        return EXIT_BAD_INPUT
    print(path)
    return 0


def import_files(files: Sequence[str], library: str | None, *, out: TextIO, err: TextIO) -> int:
    """Add ``files`` to the library at ``library`` (default: the app's); print one line each.

    Every file is tried (each is its own transaction), so one bad file does not stop
    the others; the status is 2 when any file or the library itself was refused.
    """
    from explorer.evidence import EvidenceError
    from explorer.evidence.library import Library, LibraryError

    if library is None:
        from explorer.ui.settings import library_path  # Qt only to find the app-data folder

        library = str(library_path())
    try:
        lib = Library(library)
    except LibraryError as exc:
        err.write(f"explorer: import: {exc}\n")
        return EXIT_BAD_INPUT
    status = 0
    with lib:
        for file in files:
            try:
                results = lib.import_file(file)
            except (EvidenceError, LibraryError) as exc:
                err.write(f"explorer: import: {exc}\n")
                status = EXIT_BAD_INPUT
                continue
            if not results:
                out.write(f"nothing to add: {file} holds no study\n")
            for result in results:
                acronym = lib.trial(result.trial_id).acronym
                where = f"{acronym}: {result.label} (trial {result.trial_id}, cut {result.cut_id})"
                out.write(
                    f"already in the library: {where}\n" if result.duplicate else f"added {where}\n"
                )
    return status


def _header(summary) -> list[str]:
    t = summary.evidence.trial
    cut = summary.evidence.data_cut
    return [
        f"{t.acronym} ({t.registry_id}): {t.title}",
        f"{t.population}; {t.setting}",
        f"Data cut: {cut.label}" + (f", {cut.date}" if cut.date else " (date not reported)"),
        f"Primary result: {summary.primary_result()}",
        "",
    ]


def format_summary(summary, width: int = 100) -> str:
    """Every figure, grouped by topic, with its status mark and provenance."""
    from explorer.analysis import STATUS_MARKS

    lines = _header(summary)
    lines.append("  ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items()))
    topic = None
    for f in summary.figures:
        if f.topic != topic:
            topic = f.topic
            lines += ["", summary.topic_title(topic)]
        value = f.formatted()
        label = f.label
        lines.append(f"  {STATUS_MARKS[f.status]} {label:<62} {value}")
        prefix = "source: " if f.status == "reported" else "how: "
        wrapped = textwrap.wrap(prefix + f.provenance, width=width - 6) or [prefix]
        lines += [f"      {w}" for w in wrapped]
    lines.append("")
    return "\n".join(lines)


def format_audit(summary, width: int = 100) -> str:
    """The checks, one block each: level, then the sentence."""
    lines = _header(summary)
    counts = {level: sum(c.level == level for c in summary.checks) for level in LEVEL_MARKS}
    lines.append(", ".join(f"{n} {level}" for level, n in counts.items()))
    lines.append("")
    for c in summary.checks:
        wrapped = textwrap.wrap(c.message, width=width - 8)
        lines.append(f"{LEVEL_MARKS[c.level]:<6}  {wrapped[0]}")
        lines += [f"        {w}" for w in wrapped[1:]]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
