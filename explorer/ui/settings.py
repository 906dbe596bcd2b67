"""User-interface preferences (window state, recent files) in an INI file.

The file lives in the platform's config folder, or in ``EXPLORER_CONFIG_DIR`` when
that is set (tests point it at a temporary folder, as napari's ``NAPARI_CONFIG``).
Data-like settings belong to the library database, not here: :func:`library_path`
says where that is (``EXPLORER_LIBRARY`` overrides it the same way).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QStandardPaths

SCHEMA_VERSION = 1
MAX_RECENT = 8
#: The names the QApplication gets in ``explorer.app``; the app-data folder is named
#: after them, so the command line (which has no QApplication) sets the same ones.
ORGANISATION_NAME = "TrialEvidenceExplorer"
APPLICATION_NAME = "Trial Evidence Explorer"
LIBRARY_FILE = "library.sqlite3"


def settings_path() -> Path:
    """Where the INI file is (not necessarily existing yet)."""
    override = os.environ.get("EXPLORER_CONFIG_DIR")
    if override:
        base = Path(override)
    else:
        location = QStandardPaths.StandardLocation.AppConfigLocation
        base = Path(QStandardPaths.writableLocation(location) or Path.home() / ".config")
        base = base / "trial-evidence-explorer"
    return base / "explorer.ini"


def library_path() -> Path:
    """Where the user's library database is (not necessarily existing yet).

    ``EXPLORER_LIBRARY`` (a file path) overrides it; otherwise it is
    ``library.sqlite3`` in the platform's app-data folder (on Linux
    ``~/.local/share/TrialEvidenceExplorer/Trial Evidence Explorer/``), which is
    created here. The organisation and application names are set first when no one has
    set them, so the command line finds the same file as the window.
    """
    override = os.environ.get("EXPLORER_LIBRARY")
    if override:
        return Path(override).expanduser()
    if not QCoreApplication.organizationName():  # no QApplication named it (command line)
        QCoreApplication.setOrganizationName(ORGANISATION_NAME)
        QCoreApplication.setApplicationName(APPLICATION_NAME)
    location = QStandardPaths.StandardLocation.AppDataLocation
    folder = QStandardPaths.writableLocation(location)
    base = Path(folder) if folder else Path.home() / ".local" / "share" / "trial-evidence-explorer"
    base.mkdir(parents=True, exist_ok=True)
    return base / LIBRARY_FILE


class Settings:
    """Typed access to the few preferences the window keeps."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        if int(self._qs.value("schema_version", 0) or 0) != SCHEMA_VERSION:
            self._qs.clear()
            self._qs.setValue("schema_version", SCHEMA_VERSION)

    # -- recent files ---------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._qs.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or []) if v]

    def add_recent_file(self, path: str) -> list[str]:
        """Put ``path`` first in the recent list (no duplicates, at most ``MAX_RECENT``)."""
        path = str(Path(path).resolve())
        files = [path, *(p for p in self.recent_files() if p != path)][:MAX_RECENT]
        self._qs.setValue("recent_files", files)
        return files

    def clear_recent_files(self) -> None:
        self._qs.setValue("recent_files", [])

    # -- window -----------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._qs.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray, panel: str) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)
        self._qs.setValue("window/panel", panel)

    def last_panel(self) -> str:
        return str(self._qs.value("window/panel", "overview") or "overview")

    def sync(self) -> None:
        self._qs.sync()
