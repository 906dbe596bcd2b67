"""Refuse every network operation in this process (a Python audit hook, PEP 578).

The app works offline: it must never open a socket, resolve a host name or fetch a URL.
:func:`install` adds an audit hook that raises :class:`NetworkRefusedError` on the audit
events CPython raises before any of those happens (socket creation, connect, bind,
send, name resolution, and the connect events of the standard library's URL, HTTP and
mail clients). A library that tries anyway fails at once with a message naming what it
tried, instead of hanging on a timeout in a clinic with no network.

Audit hooks cannot be removed. Install the guard only in processes that should never
touch the network: the self-test (``explorer --self-test``) and the GUI test session
(``tests/ui/conftest.py``).

Examples
--------
In a process of its own::

    >>> from explorer import netguard
    >>> netguard.install()                                  # doctest: +SKIP
    >>> import socket; socket.socket()                      # doctest: +SKIP
    Traceback (most recent call last):
    explorer.netguard.NetworkRefusedError: network access refused: socket.__new__(...)
"""

from __future__ import annotations

import sys
from typing import Any

#: Audit events that mean the process is about to use the network (CPython's audit
#: events table). ``socket.gethostname`` is local and stays allowed.
REFUSED_EVENTS: frozenset[str] = frozenset(
    {
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
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    }
)

#: The start of every refusal message (tests and users can grep for it).
MESSAGE = "network access refused"

_installed = False


class NetworkRefusedError(PermissionError):
    """A network operation was attempted in a process guarded by :func:`install`.

    A subclass of :class:`PermissionError` (an :class:`OSError`), so code that already
    handles a failed connection handles this one too.
    """


def _describe(event: str, args: tuple[Any, ...]) -> str:
    """The refused call in a few words, e.g. ``socket.connect(('127.0.0.1', 9))``."""
    if event == "socket.__new__":
        # args: (socket object not yet initialised, family, type, proto); the object
        # itself must not be touched.
        shown = args[1:]
    elif event.startswith("socket.") and args and not isinstance(args[0], (str, bytes)):
        shown = args[1:]  # (socket, address, ...): the address says what was tried
    else:
        shown = args
    text = ", ".join(_short_repr(a) for a in shown)
    return f"{event}({text})"


def _short_repr(value: Any, limit: int = 80) -> str:
    try:
        text = repr(value)
    except Exception:  # an object half-built by the refused call
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in REFUSED_EVENTS:
        raise NetworkRefusedError(
            f"{MESSAGE}: {_describe(event, args)}: Trial Evidence Explorer works offline"
        )


def install() -> None:
    """Refuse all network operations in this process from now on (idempotent).

    Cannot be undone: Python offers no way to remove an audit hook.
    """
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
