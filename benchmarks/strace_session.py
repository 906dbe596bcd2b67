"""Network audit at the system-call level: a whole GUI session under ``strace``.

    .venv/bin/python benchmarks/strace_session.py              # audit, update RESULTS.md
    .venv/bin/python benchmarks/strace_session.py --no-write
    .venv/bin/python benchmarks/strace_session.py --session OUTDIR   # the session alone

The test suite's audit hook (``explorer.netguard``) sees only what Python asks for; this
sees what the process (Python, Qt, every library) asks the kernel for. A child process
runs a whole offscreen session the way a user would, against a scratch library
(``EXPLORER_LIBRARY``) and scratch settings (``EXPLORER_CONFIG_DIR``):

1. open the app on the bundled PALMIRA evidence, as ``explorer`` starts it (shell first,
   then every panel built, the library opened);
2. visit each panel, the Compare and Library pages included;
3. open the diff between PALMIRA's two data cuts;
4. change the design (hypothesised HR 0.55, target power 85%) and run a short simulation;
5. export the report as PDF and HTML into a temporary folder;
6. import a ClinicalTrials.gov record (``tests/fixtures/ctgov/real/v2``) into the library;
7. open an evidence file with a digitised figure (the SIMULATED demo trial);
8. close the window.

The child runs under ``strace -f -yy -e trace=network``; every traced call is counted by
system call and address family. AF_INET and AF_INET6 must be zero. Local AF_UNIX calls
are reported separately, with what they were for when ``strace`` names it (a socket pair
inside the process, or a connection to a local path such as a D-Bus socket). Exit status:
0 when no AF_INET/AF_INET6 call was seen, 1 when one was, 2 when the session itself
failed or ``strace`` missed the calls of a positive control traced first, 3 when
``strace`` is not installed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, command_line, update_section, write_numbers

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Network audit (strace_session.py)"
CTGOV_RECORD = ROOT / "tests" / "fixtures" / "ctgov" / "real" / "v2" / "NCT03036150.json"
DIGITISED_TRIAL = ROOT / "tests" / "fixtures" / "digitised" / "simulated-trial.json"
TIMEOUT_S = 600

#: Address families as strace prints them, and the socket kinds of ``-yy`` fd annotations.
_FAMILY = re.compile(r"\b(AF_[A-Z0-9]+)\b")
_FD_KIND = re.compile(r"<(UNIX|TCP|TCPv6|UDP|UDPv6|NETLINK|RAW|RAWv6|PACKET)[:>-]")
_KIND_FAMILY = {
    "UNIX": "AF_UNIX",
    "TCP": "AF_INET",
    "UDP": "AF_INET",
    "RAW": "AF_INET",
    "TCPv6": "AF_INET6",
    "UDPv6": "AF_INET6",
    "RAWv6": "AF_INET6",
    "NETLINK": "AF_NETLINK",
    "PACKET": "AF_PACKET",
}
#: "1234 connect(...) = 0", "1234 <... connect resumed>...", "[pid 1234] ..."
_CALL = re.compile(r"^(?:\[pid\s+)?\d+\]?\s+(?:<\.\.\.\s+)?([a-z_0-9]+)(\(| resumed>)")
INTERNET = ("AF_INET", "AF_INET6")
STRACE_OPTIONS = ("-f", "-yy", "-e", "trace=network")

#: A positive control, traced the same way: it must show up as 1 AF_INET call (socket),
#: 2 AF_INET6 (socket, connect) and AF_UNIX ones (a socket pair), or the audit is void.
CONTROL = """
import socket
socket.socket().close()
a, b = socket.socketpair(); a.close(); b.close()
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
try:
    s.connect(("::1", 9))
except OSError:
    pass
s.close()
"""


# -- the session (child) ----------------------------------------------------------------


def run_session(outdir: Path) -> dict:
    """The whole GUI session; returns what it did (steps, counts) for the parent."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from explorer.app import make_application, open_library
    from explorer.evidence import load_bundled
    from explorer.ui.exports import export_report
    from explorer.ui.main_window import MainWindow

    steps: list[str] = []
    app = make_application()

    def pump(until=None, seconds: float = 0.3, limit: float = 120.0) -> None:
        """Process events until ``until()`` is true (at most ``limit`` s), or for ``seconds``."""
        start = time.monotonic()
        while True:
            app.processEvents()
            elapsed = time.monotonic() - start
            if until() if until is not None else elapsed >= seconds:
                return
            if elapsed > limit:
                raise RuntimeError(f"the session waited more than {limit:g} s")
            time.sleep(0.002)

    window = MainWindow(load_bundled(), source_path=None, deferred=True, library=open_library)
    window.show()
    window.finish_loading_later()
    pump(lambda: bool(window.panels) and window.summary is not None)
    assert window.library is not None, window.library_problem
    steps.append(f"opened PALMIRA: {len(window.panels)} panels built, library open")

    for i, panel in enumerate(window.panels):
        window.show_panel(i)
        pump()
        steps.append(f"visited {panel.title}")

    trial_id = window.current_trial_id()
    cuts = window.library.cuts(trial_id)
    dialog = window.show_cut_diff(cuts[0].id, cuts[-1].id)
    assert dialog is not None, window.last_error
    pump()
    steps.append(f"cut diff: {len(dialog.diff.changed())} figures changed between the 2 cuts")
    dialog.close()

    design = window.show_panel("design")
    design.hr_spin.setValue(0.55)
    design.power_spin.setValue(85.0)
    pump()
    design.sim_trials_spin.setValue(design.sim_trials_spin.minimum())
    assert design.start_simulation(), design.sim_status_label.text()
    pump(lambda: not design.simulation_running)
    sim_text = " ".join(design.sim_status_label.text().split())
    steps.append(f"design changed (HR 0.55, power 85%), simulation run: {sim_text}")

    for suffix in ("pdf", "html"):
        out = export_report(window, outdir / f"report.{suffix}")
        steps.append(f"report exported: {out.name} ({out.stat().st_size:,} bytes)")

    before = window.library.trial_count()
    assert window.import_into_library([str(CTGOV_RECORD)])
    pump(lambda: window.library_import_progress is None)
    pump()
    steps.append(
        f"imported {CTGOV_RECORD.name} into the library: {before} → "
        f"{window.library.trial_count()} trials, on show: {window.evidence.trial.acronym}"
    )

    assert window.open_file(str(DIGITISED_TRIAL)), window.last_error
    window.show_panel("endpoints")
    pump(seconds=1.0)
    steps.append(f"opened {DIGITISED_TRIAL.name}: {window.evidence.trial.acronym}")

    window.close()
    pump()
    window.library.close()
    QApplication.processEvents()
    steps.append("closed")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"steps": steps, "peak_mib": peak}


# -- the audit (parent) -------------------------------------------------------------------


def parse_trace(lines: Iterable[str]) -> dict[str, collections.Counter]:
    """Network calls in an ``strace -f -yy -e trace=network`` log, by family and call.

    Returns ``{family: Counter({syscall: count})}``. The family comes from the call's
    arguments (``AF_...``) or, for calls on an existing socket, from the ``-yy`` note on
    its descriptor (``3<TCP:[...]>``); "unknown" otherwise. Signals, exits and the
    "resumed" halves of interrupted calls are not counted twice.
    """
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in lines:
        found = _CALL.match(line)
        if found is None or found.group(2) == " resumed>":
            continue
        call = found.group(1)
        family = _FAMILY.search(line)
        kind = _FD_KIND.search(line)
        if family is not None:
            name = family.group(1)
        elif kind is not None:
            name = _KIND_FAMILY[kind.group(1)]
        else:
            name = "unknown"
        counts[name][call] += 1
    return dict(counts)


def unix_purposes(lines: Iterable[str]) -> collections.Counter:
    """What the AF_UNIX calls were for: socket pairs, or the local paths connected to."""
    purposes: collections.Counter = collections.Counter()
    for line in lines:
        found = _CALL.match(line)
        if found is None or ("AF_UNIX" not in line and "<UNIX" not in line):
            continue
        call = found.group(1)
        path = re.search(r'sun_path=(@?"[^"]*"|@[^,}]*)', line)
        if call == "socketpair":
            purposes["socket pair inside the process"] += 1
        elif call in ("connect", "bind") and path:
            purposes[f"{call} to {path.group(1)}"] += 1
    return purposes


def audit(outdir: Path, strace: str) -> tuple[int, dict, list[str]]:
    """Run the session under strace; its exit status, its report and the trace lines."""
    trace = outdir / "trace.txt"
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["EXPLORER_CONFIG_DIR"] = str(outdir / "config")
    env["EXPLORER_LIBRARY"] = str(outdir / "library.sqlite3")
    env.pop("PYTHONPATH", None)
    report = outdir / "session.json"
    argv = [
        strace,
        *STRACE_OPTIONS,
        "-o",
        str(trace),
        sys.executable,
        str(Path(__file__).resolve()),
        "--session",
        str(outdir),
        "--json",
        str(report),
    ]
    proc = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    if proc.returncode != 0 or not report.exists():
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        return proc.returncode or 2, {}, []
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    return 0, json.loads(report.read_text(encoding="utf-8")), lines


def control(outdir: Path, strace: str) -> dict[str, collections.Counter]:
    """Trace :data:`CONTROL` as the session is traced; its counts by family."""
    trace = outdir / "control.txt"
    subprocess.run(
        [strace, *STRACE_OPTIONS, "-o", str(trace), sys.executable, "-c", CONTROL],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return parse_trace(trace.read_text(encoding="utf-8", errors="replace").splitlines())


def control_ok(counts: dict[str, collections.Counter]) -> bool:
    """Whether the control's own calls were all seen and classified."""
    total = {family: sum(calls.values()) for family, calls in counts.items()}
    return total.get("AF_INET") == 1 and total.get("AF_INET6") == 2 and total.get("AF_UNIX", 0) > 0


def threads_traced(lines: Iterable[str]) -> int:
    """Processes and threads that appear in the trace (each leaves an exit line)."""
    return len({line.split()[0] for line in lines if "+++ exited" in line or "+++ killed" in line})


def section(session: dict, counts: dict[str, collections.Counter], purposes, seconds: float):
    """The Markdown lines of the RESULTS.md section, and the headline numbers."""
    internet = sum(sum(counts.get(f, {}).values()) for f in INTERNET)
    total = sum(sum(c.values()) for c in counts.values())
    lines = [
        "A whole offscreen GUI session (open PALMIRA, every panel, the Compare and Library",
        "pages, the cut diff, a design change and a simulation, the report as PDF and HTML, a",
        "ClinicalTrials.gov record imported into a scratch library, a digitised trial opened,",
        f"close) run under `strace -f -yy -e trace=network`, {seconds:.0f} s in all. strace",
        f"follows every process and thread the session starts; {session.get('threads', 0)} "
        "appear in the trace. A control traced",
        "the same way first (a Python process that opens an AF_INET and an AF_INET6 socket,",
        "connects the latter and makes a socket pair) was seen in full: 1 AF_INET call, 2",
        "AF_INET6 calls and its AF_UNIX pair, so a zero below is a real zero.",
        "",
        "| address family | network system calls | which |",
        "|---|---|---|",
    ]
    for family in (*INTERNET, "AF_UNIX", "AF_NETLINK"):
        calls = counts.get(family, collections.Counter())
        which = ", ".join(f"{name} {n}" for name, n in sorted(calls.items())) or "—"
        lines.append(f"| {family} | {sum(calls.values())} | {which} |")
    for family in sorted(set(counts) - {*INTERNET, "AF_UNIX", "AF_NETLINK"}):
        calls = counts[family]
        which = ", ".join(f"{name} {n}" for name, n in sorted(calls.items()))
        lines.append(f"| {family} | {sum(calls.values())} | {which} |")
    verdict = "PASS" if internet == 0 else "FAIL"
    lines += [
        "",
        f"**{verdict}: {internet} AF_INET/AF_INET6 calls** ({total} network calls in all).",
    ]
    if purposes:
        lines.append(
            "The AF_UNIX calls are local, inside the machine: "
            + "; ".join(f"{what} × {n}" for what, n in sorted(purposes.items()))
            + "."
        )
    lines += ["", "What the session did:", ""]
    lines += [f"1. {step}" for step in session.get("steps", [])]
    lines += ["", f"Peak memory of the session: {session.get('peak_mib', 0):.0f} MiB."]
    numbers = {
        "internet_calls": internet,
        "unix_calls": sum(counts.get("AF_UNIX", {}).values()),
        "all_calls": total,
        "session_peak_mib": session.get("peak_mib"),
        "seconds": seconds,
    }
    return lines, numbers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--session", type=Path, metavar="OUTDIR", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also write the headline numbers here")
    ns = parser.parse_args(argv)
    if ns.session is not None:  # the child: the session itself, no strace
        write_numbers(ns.json, run_session(ns.session))
        return 0
    strace = shutil.which("strace")
    if strace is None:
        print("strace is not installed: no network audit (apt-get install strace)", file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory(prefix="explorer-strace-") as folder:
        control_counts = control(Path(folder), strace)
        if not control_ok(control_counts):
            print(f"strace did not see the control's calls: {control_counts}", file=sys.stderr)
            return 2
        start = time.perf_counter()
        status, session, lines = audit(Path(folder), strace)
        seconds = time.perf_counter() - start
    if status != 0:
        print(f"the GUI session failed (exit {status}); nothing written", file=sys.stderr)
        return 2
    counts = parse_trace(lines)
    session["threads"] = threads_traced(lines)
    body, numbers = section(session, counts, unix_purposes(lines), seconds)
    print("\n".join(body))
    write_numbers(ns.json, numbers)
    if not ns.no_write:
        args = argv if argv is not None else sys.argv[1:]
        update_section(
            ns.results, HEADING, body, command_line("benchmarks/strace_session.py", args)
        )
    return 0 if numbers["internet_calls"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
