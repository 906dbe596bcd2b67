"""The whole test session is offline: the network guard is on in the pytest process itself.

``tests/conftest.py`` installs :mod:`explorer.netguard` in ``pytest_configure`` and records
every refused attempt, so a test that reaches for the network fails even if the code
under test swallows the error. These tests try on purpose (hence the marker) and check
that each attempt is refused with the guard's own error and recorded.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from explorer import netguard
from tests.conftest import REFUSED_ATTEMPTS

pytestmark = pytest.mark.network_attempt_expected

ROOT = Path(__file__).resolve().parents[1]


def test_the_guard_is_installed_for_the_whole_session():
    # Installed by pytest_configure, before collection: no test had to ask for it.
    assert netguard.installed()


def test_creating_a_socket_is_refused_and_recorded():
    before = len(REFUSED_ATTEMPTS)
    with pytest.raises(netguard.NetworkRefusedError, match=r"^network access refused: socket"):
        socket.socket()
    # Recorded with what was tried (family, type, proto), once.
    assert REFUSED_ATTEMPTS[before:] == [("socket.__new__", "2, 1, 0")]


def test_connecting_to_localhost_is_refused():
    before = len(REFUSED_ATTEMPTS)
    with pytest.raises(netguard.NetworkRefusedError, match=r"127\.0\.0\.1"):
        socket.create_connection(("127.0.0.1", 9), timeout=0.5)
    # create_connection resolves the address first: the lookup is what is refused.
    assert REFUSED_ATTEMPTS[before][0] == "socket.getaddrinfo"
    assert "'127.0.0.1', 9" in REFUSED_ATTEMPTS[before][1]


def test_fetching_a_url_is_refused_before_any_connection():
    before = len(REFUSED_ATTEMPTS)
    with pytest.raises(netguard.NetworkRefusedError, match=r"urllib\.Request\('http://"):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=0.5)
    assert [event for event, _ in REFUSED_ATTEMPTS[before:]] == ["urllib.Request"]


def test_a_name_lookup_is_refused():
    with pytest.raises(netguard.NetworkRefusedError, match="localhost"):
        socket.getaddrinfo("localhost", 80)


def test_the_hosts_own_name_stays_available():
    # Local information, not network access.
    assert isinstance(socket.gethostname(), str)


SWALLOWED = """
import socket


def test_swallows_the_refusal():
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    except OSError:
        pass  # code that "handles" a failed connection and carries on


def test_stays_offline():
    assert True
"""


def test_an_attempt_the_code_swallows_still_fails_its_test(tmp_path):
    # A separate pytest process with this suite's conftest as a plugin: the test that
    # caught the refusal is reported as an error naming the attempt, and the session
    # fails; the offline test passes.
    test_file = tmp_path / "test_swallowed.py"
    test_file.write_text(SWALLOWED, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.conftest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(ROOT),
            str(test_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    # The swallowing test's body passes; the check after it (fixture teardown) errors.
    assert "2 passed, 1 error" in out, out
    assert "ERROR at teardown of test_swallows_the_refusal" in out, out
    assert "the test tried the network 1 time(s): socket.getaddrinfo('192.0.2.1', 80" in out, out


# strace -f -yy -e trace=network, as benchmarks/strace_session.py reads it (abridged).
TRACE = "\n".join(
    [
        "21809 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[283298]>",
        "21809 socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, "
        "[3<UNIX-STREAM:[1->2]>, 4<UNIX-STREAM:[2->1]>]) = 0",
        "21809 getsockname(3<UNIX-STREAM:[1->2]>, {sa_family=AF_UNIX}, [128 => 2]) = 0",
        "21810 connect(5<UNIX-STREAM:[77]>, {sa_family=AF_UNIX, "
        'sun_path="/run/dbus/system_bus_socket"}, 110 <unfinished ...>',
        "21809 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 6<UDPv6:[283301]>",
        "21810 <... connect resumed>) = 0",
        '[pid 21811] sendto(6<UDPv6:[283301]>, "x", 1, 0, NULL, 0) = 1',
        "21809 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=21812} ---",
        "21809 +++ exited with 0 +++",
    ]
)


def _strace_session():
    import importlib.util

    path = ROOT / "benchmarks" / "strace_session.py"
    spec = importlib.util.spec_from_file_location("_strace_session", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_strace_audit_counts_calls_by_family_once_each():
    audit = _strace_session()
    counts = audit.parse_trace(TRACE.splitlines())
    # Family from the arguments (AF_...) or from the -yy note on the descriptor; the
    # "resumed" half of the interrupted connect is not counted again.
    assert {family: dict(calls) for family, calls in counts.items()} == {
        "AF_INET": {"socket": 1},
        "AF_INET6": {"socket": 1, "sendto": 1},
        "AF_UNIX": {"socketpair": 1, "getsockname": 1, "connect": 1},
    }
    assert dict(audit.unix_purposes(TRACE.splitlines())) == {
        "socket pair inside the process": 1,
        'connect to "/run/dbus/system_bus_socket"': 1,
    }
    assert audit.threads_traced(TRACE.splitlines()) == 1
    assert not audit.control_ok({})
