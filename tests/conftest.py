"""Test configuration shared by every test package.

Qt runs offscreen and the user's settings and library live in a temporary folder:
both are set here, before any Qt import, so no test depends on how it was launched
and none touches the real app data.

The whole session is offline: :func:`pytest_configure` installs the app's network guard
(:mod:`explorer.netguard`) before any test is collected, so a socket, a name lookup or a
URL fetch anywhere in the test process raises ``NetworkRefusedError``. Because code under
test might catch that error (it is an ``OSError``) and carry on, every refused attempt is
also recorded, and the test during which it happened fails unless it is marked
``network_attempt_expected`` (the guard's own tests). Subprocesses started by tests are
separate interpreters and are not covered; ``benchmarks/strace_session.py`` audits a
whole GUI session at the system-call level instead.
"""

from __future__ import annotations

import os
import sys
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from explorer import netguard

#: Every refused network attempt in this process: (audit event, what was tried).
REFUSED_ATTEMPTS: list[tuple[str, str]] = []
_recording = False


def _describe_args(event: str, args: tuple[Any, ...]) -> str:
    # A socket passed first (not initialised yet for "socket.__new__") is left out: the
    # address, host or family after it says what was tried.
    first_is_socket = args and not isinstance(args[0], str | bytes | int | type(None))
    shown = args[1:] if event.startswith("socket.") and first_is_socket else args
    parts = []
    for value in shown:
        try:
            parts.append(repr(value)[:80])
        except Exception:  # an object half-built by the refused call
            parts.append(f"<{type(value).__name__}>")
    return ", ".join(parts)


def _record_attempt(event: str, args: tuple[Any, ...]) -> None:
    """Audit hook added before the guard's: it sees each attempt before the guard refuses it."""
    if event in netguard.REFUSED_EVENTS:
        REFUSED_ATTEMPTS.append((event, _describe_args(event, args)))


def pytest_configure(config: pytest.Config) -> None:
    """Refuse the network in this test process from now on (audit hooks cannot be removed)."""
    global _recording
    config.addinivalue_line(
        "markers",
        "network_attempt_expected: the test tries the network on purpose (the guard's tests)",
    )
    if not _recording:  # pytest_configure can run again for in-process pytester runs
        sys.addaudithook(_record_attempt)
        _recording = True
    netguard.install()


@pytest.fixture(autouse=True)
def no_network_attempt(request: pytest.FixtureRequest):
    """Fail the test if it tried the network, even when the code under test caught the refusal."""
    before = len(REFUSED_ATTEMPTS)
    yield
    tried = REFUSED_ATTEMPTS[before:]
    if tried and request.node.get_closest_marker("network_attempt_expected") is None:
        listed = "; ".join(f"{event}({what})" for event, what in tried[:5])
        pytest.fail(f"the test tried the network {len(tried)} time(s): {listed}", pytrace=False)


@pytest.fixture(autouse=True)
def isolated_config(tmp_path, monkeypatch):
    """Point the app's settings and library at a fresh folder for each test.

    ``EXPLORER_LIBRARY`` names a library file that does not exist yet, so no test
    reads or writes the user's real library in the app-data folder.
    """
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("EXPLORER_CONFIG_DIR", str(config))
    monkeypatch.setenv("EXPLORER_LIBRARY", str(config / "library.sqlite3"))
    return config
