"""Open any file the app reads as trial evidence: an evidence file or a registry record.

One entry point for the window's Open, the command line and the library, so they all
accept the same files and refuse the same ones with the same message.
"""

from __future__ import annotations

import os

from explorer.evidence.load import MAX_BYTES, from_dict, parse_json, read_text
from explorer.evidence.model import Evidence

__all__ = ["MAX_BYTES", "read_any"]


def read_any(path: str | os.PathLike) -> list[Evidence]:
    """Read ``path`` as an evidence file or a ClinicalTrials.gov v2 record (or page).

    Returns
    -------
    list of Evidence
        One item for an evidence file or a single study; one per study for a page.

    Raises
    ------
    EvidenceError
        For anything else, named: a retired pre-v2 or XML registry record, a file that
        is not UTF-8 JSON, a file over :data:`MAX_BYTES`, a record with a problem (the
        field and the problem).
    """
    from explorer.evidence import ctgov

    origin = os.fspath(path)
    text = read_text(path)
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("<"):
        return ctgov.read_registry_text(text, origin=origin)  # names classic XML
    data = parse_json(text.removeprefix("\ufeff"), origin=origin)
    if ctgov.sniff(data, origin=origin) == "evidence":
        return [from_dict(data, origin=origin)]
    return ctgov.read_registry_text(text.removeprefix("\ufeff"), origin=origin)
