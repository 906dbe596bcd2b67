"""The network guard refuses sockets, name lookups and URL fetches once installed.

Audit hooks cannot be removed, so every check that installs the guard runs in a
subprocess of its own; the control case (no guard) shows the same calls succeed, so a
refusal is the guard's doing and not the sandbox's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from explorer import netguard

ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = textwrap.dedent(
    """
    import socket, sys, urllib.request
    from explorer import netguard
    if sys.argv[1] == "guarded":
        netguard.install()
        netguard.install()  # idempotent
    print("installed", netguard.installed())

    def attempt(label, call):
        try:
            result = call()
        except OSError as exc:
            print(label, "refused" if isinstance(exc, netguard.NetworkRefusedError) else
                  "oserror", type(exc).__name__, exc, sep="|")
        else:
            print(label, "allowed", sep="|")
            if hasattr(result, "close"):
                result.close()

    attempt("socket", lambda: socket.socket())
    attempt("connect", lambda: socket.create_connection(("127.0.0.1", 9), timeout=0.5))
    attempt("lookup", lambda: socket.getaddrinfo("localhost", 80))
    attempt("url", lambda: urllib.request.urlopen("http://127.0.0.1:9/", timeout=0.5))
    attempt("hostname", lambda: socket.gethostname())
    """
)


def _run(mode: str) -> dict[str, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", ATTEMPTS, mode], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line.split("|") for line in proc.stdout.splitlines()]
    return {fields[0]: fields[1:] for fields in lines}


def test_guard_refuses_socket_creation_connection_lookup_and_urls():
    result = _run("guarded")
    assert result["installed True"] == []
    for label in ("socket", "connect", "lookup", "url"):
        outcome, error_type, message = result[label]
        assert outcome == "refused", (label, result[label])
        assert error_type == "NetworkRefusedError"
        assert message.startswith(netguard.MESSAGE + ": ")
        assert message.endswith("Trial Evidence Explorer works offline")
    # What was tried is named: the socket's family/type, the address, the host, the URL.
    assert result["socket"][2].startswith("network access refused: socket.__new__(")
    assert "'127.0.0.1', 9" in result["connect"][2]
    assert "socket.getaddrinfo('localhost', 80" in result["lookup"][2]
    assert "urllib.Request('http://127.0.0.1:9/'" in result["url"][2]
    # The host's own name is local information, not network access.
    assert result["hostname"] == ["allowed"]


def test_without_the_guard_the_same_calls_reach_the_network_stack():
    result = _run("open")
    assert result["installed False"] == []
    assert result["socket"] == ["allowed"]
    assert result["lookup"] == ["allowed"]
    # Port 9 (discard) is normally closed: refused or unreachable, but by the OS.
    assert result["connect"][0] in {"allowed", "oserror"}
    assert result["connect"][1:2] != ["NetworkRefusedError"]


def test_refusal_is_a_permission_error_so_existing_handlers_catch_it():
    assert issubclass(netguard.NetworkRefusedError, PermissionError)
    assert issubclass(netguard.NetworkRefusedError, OSError)


@pytest.mark.parametrize(
    ("event", "args", "expected"),
    [
        ("socket.__new__", (object(), 2, 1, 0), "socket.__new__(2, 1, 0)"),
        ("socket.connect", (object(), ("10.0.0.1", 443)), "socket.connect(('10.0.0.1', 443))"),
        ("socket.getaddrinfo", ("example.org", 80, 0, 0, 0), "socket.getaddrinfo('example.org'"),
        ("http.client.connect", (object(), "example.org", 80), "http.client.connect(<object"),
    ],
)
def test_refusal_names_what_was_tried(event, args, expected):
    assert netguard._describe(event, args).startswith(expected)


def test_every_socket_audit_event_that_reaches_the_network_is_refused():
    # CPython's audit events table: the socket events other than gethostname and
    # sethostname (local) all mean network access.
    network = {
        "socket.__new__",
        "socket.bind",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyaddr",
        "socket.gethostbyname",
        "socket.getnameinfo",
        "socket.getservbyname",
        "socket.getservbyport",
        "socket.sendmsg",
        "socket.sendto",
    }
    assert network <= netguard.REFUSED_EVENTS
    assert "socket.gethostname" not in netguard.REFUSED_EVENTS


def test_gui_test_session_runs_with_the_guard_installed(tmp_path):
    # A pytest plugin records, at the end of a GUI test session, whether the guard was on
    # (installed by the session fixture in tests/ui/conftest.py).
    (tmp_path / "guard_probe.py").write_text(
        "import os, pathlib\n"
        "def pytest_sessionfinish(session, exitstatus):\n"
        "    from explorer import netguard\n"
        "    pathlib.Path(os.environ['GUARD_PROBE_OUT']).write_text(str(netguard.installed()))\n"
    )
    out = tmp_path / "installed.txt"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "GUARD_PROBE_OUT": str(out)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "guard_probe",
            "tests/ui/test_qt_binding.py",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert out.read_text() == "True"
