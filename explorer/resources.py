"""The one accessor for bundled resources (evidence, schema, icons, style).

The top-level ``resources/`` folder is installed as the package ``explorer._bundled``
(see ``pyproject.toml``), so the same call works in a checkout, a wheel and a
PyInstaller build; nothing else in the project builds resource paths by hand.
"""

from __future__ import annotations

from importlib import resources as _importlib_resources
from pathlib import Path

_PACKAGE = "explorer._bundled"

#: The evidence file opened when the user names none.
PALMIRA = "evidence/palmira-asco2023.json"
#: Every bundled evidence file (read-only, always in the library): PALMIRA's two data
#: cuts, then its peer trials. See ``docs/bundled-evidence.md`` for their sources.
BUNDLED_EVIDENCE = (
    "evidence/palmira-asco2023.json",
    "evidence/palmira-jco2025.json",
    "evidence/maintain-jco2023.json",
    "evidence/pace-jco2024.json",
    "evidence/postmonarch-jco2025.json",
)
#: The JSON Schema every evidence file is validated against.
EVIDENCE_SCHEMA = "schema/evidence-1.schema.json"


def path(name: str) -> Path:
    """Return the filesystem path of the bundled resource ``name``.

    Parameters
    ----------
    name : str
        A path relative to ``resources/``, with forward slashes, e.g.
        ``"evidence/palmira-asco2023.json"``.

    Raises
    ------
    ValueError
        If ``name`` escapes the resources folder or names no bundled file.
    """
    parts = name.split("/")
    if not name or name.startswith("/") or ".." in parts:
        raise ValueError(f"not a bundled resource name: {name!r}")
    root = Path(str(_importlib_resources.files(_PACKAGE)))
    target = root.joinpath(*parts)
    if not target.is_file():
        raise ValueError(f"no bundled resource named {name!r}")
    return target


def read_text(name: str) -> str:
    """Return the bundled text resource ``name`` decoded as UTF-8."""
    return path(name).read_text(encoding="utf-8")
