"""The one error type of the evidence package, and the path syntax it reports.

A path names a place in an evidence file the way a reader would type it:
``endpoints[1].medians.et.lower``: object keys joined by dots, array positions in
brackets (from 0). A key that is not a plain name is quoted: ``by_arm["P + ET"]``.
The empty path means the whole file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

__all__ = ["EvidenceError", "format_path"]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(parts: Iterable[str | int]) -> str:
    """Return the readable path for a sequence of keys and array indices.

    Parameters
    ----------
    parts : iterable of str or int
        Object keys (str) and array positions (int), from the top of the file down.

    Returns
    -------
    str
        E.g. ``"endpoints[1].medians.et.lower"``; ``""`` for the whole file.

    Examples
    --------
    >>> format_path(["endpoints", 1, "medians", "et", "lower"])
    'endpoints[1].medians.et.lower'
    >>> format_path(["by_arm", "P + ET"])
    'by_arm["P + ET"]'
    """
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


class EvidenceError(ValueError):
    """An evidence file that cannot be read, or that breaks the format's rules.

    Parameters
    ----------
    origin : str
        The file name as given, ``"<string>"`` or ``"<dict>"``.
    path : str
        Where in the file, in the syntax of :func:`format_path`; ``""`` for the file
        as a whole (not found, not JSON, ...).
    problem : str
        What is wrong, in plain words ("is required", "must be > 0").
    problems : sequence of (path, problem), optional
        Every problem found, the reported one first. Defaults to just this one.

    Notes
    -----
    ``str(error)`` is ``"{origin}: {path}: {problem}"``, or ``"{origin}: {problem}"``
    when the path is empty: one line that names the file, the place and the problem,
    ready for the command line's stderr.
    """

    def __init__(
        self,
        origin: str,
        path: str,
        problem: str,
        *,
        problems: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.origin = origin
        self.path = path
        self.problem = problem
        self.problems: tuple[tuple[str, str], ...] = tuple(problems) or ((path, problem),)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path:
            return f"{self.origin}: {self.path}: {self.problem}"
        return f"{self.origin}: {self.problem}"
