"""Render the app icon (``resources/icons/explorer.svg``) to PNGs for the desktop entry.

Desktops look the icon up in the hicolor theme; most read the SVG, some (and menus at
small sizes) want PNGs. Qt's own SVG renderer draws them, so the build needs no image
tool beyond the app's dependencies::

    python packaging/render_icons.py OUTDIR                  # OUTDIR/<size>.png (Linux)
    python packaging/render_icons.py OUTDIR --ico FILE.ico   # also a Windows icon
    python packaging/render_icons.py OUTDIR --iconset DIR    # also a macOS .iconset

The ``.ico`` holds PNG images (Windows Vista and later read them); the ``.iconset``
folder is what ``iconutil -c icns`` turns into the macOS app icon.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "explorer.svg"
#: hicolor sizes written (pixels, square).
SIZES: tuple[int, ...] = (32, 48, 64, 128, 256)
#: Sizes inside the Windows .ico.
ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
#: macOS iconset names and their pixel sizes (each point size at 1x and 2x).
ICONSET: dict[str, int] = {
    f"icon_{points}x{points}{suffix}.png": points * scale
    for points in (16, 32, 128, 256, 512)
    for suffix, scale in (("", 1), ("@2x", 2))
}


def render(svg: Path, out_dir: Path, sizes: Sequence[int] = SIZES) -> list[Path]:
    """Draw ``svg`` at each size into ``out_dir/<size>.png``; return the paths written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out_dir / f"{size}.png"
        if not image.save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written


def write_ico(pngs: Sequence[Path], target: Path) -> Path:
    """Pack square PNGs into one ``.ico`` file (PNG-compressed entries)."""
    images = [p.read_bytes() for p in pngs]
    sizes = [struct.unpack(">II", data[16:24])[0] for data in images]  # IHDR width
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in zip(sizes, images, strict=True):
        byte = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", byte, byte, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + entries + b"".join(images))
    return target


def write_iconset(svg: Path, folder: Path) -> Path:
    """Write the macOS ``.iconset`` folder (``iconutil -c icns FOLDER`` makes the .icns)."""
    scratch = folder.with_name(folder.name + ".sizes")
    rendered = {p.stem: p for p in render(svg, scratch, sorted(set(ICONSET.values())))}
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in ICONSET.items():
        shutil.copy(rendered[str(size)], folder / name)
    shutil.rmtree(scratch)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the app icon to PNGs.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--ico", type=Path, help="also write a Windows .ico here")
    parser.add_argument("--iconset", type=Path, help="also write a macOS .iconset folder here")
    ns = parser.parse_args(argv)
    for path in render(ns.svg, ns.out_dir):
        print(path)
    if ns.ico:
        pngs = render(ns.svg, ns.out_dir / "ico", ICO_SIZES)
        print(write_ico(pngs, ns.ico))
    if ns.iconset:
        print(write_iconset(ns.svg, ns.iconset))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
