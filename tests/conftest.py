"""Test configuration shared by every test package.

Qt runs offscreen and the user's settings live in a temporary folder: both are
set here, before any Qt import, so no test depends on how it was launched.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def isolated_config(tmp_path, monkeypatch):
    """Point the app's settings and library at a fresh folder for each test."""
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("EXPLORER_CONFIG_DIR", str(config))
    return config
