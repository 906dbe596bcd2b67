"""Test configuration shared by every test package.

Qt runs offscreen and the user's settings and library live in a temporary folder:
both are set here, before any Qt import, so no test depends on how it was launched
and none touches the real app data.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


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
