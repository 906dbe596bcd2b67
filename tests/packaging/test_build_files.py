"""The build's own files: the CI entry point, the icon renderer, the spec's exclusions."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QImage

from .conftest import load_packaging_module

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_test_suite_first_then_builds_and_self_tests_the_installer():
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    first = next(c for c in commands if c.startswith("bash "))
    assert first == "bash scripts/bootstrap.sh test"
    text = "\n".join(commands)
    assert text.index("bash packaging/build.sh") > text.index(first)
    assert '"$app" --self-test' in text
    assert "packaging/check_package.py" in text


def test_icon_renders_at_every_size_with_the_palette(qapp, tmp_path):
    render_icons = load_packaging_module("render_icons")
    paths = render_icons.render(render_icons.SVG, tmp_path, sizes=(48, 256))
    assert [p.name for p in paths] == ["48.png", "256.png"]
    image = QImage(str(paths[1]))
    assert (image.width(), image.height()) == (256, 256)
    assert image.pixelColor(2, 2).alpha() == 0  # rounded tile: corners transparent
    assert image.pixelColor(128, 20).name() == "#ffffff"  # the tile
    colours = {image.pixelColor(x, y).name() for x in range(0, 256, 4) for y in range(0, 256, 4)}
    assert "#0072b2" in colours  # trial effects, treatment blue
    assert "#e69f00" in colours  # pooled diamond, control orange


def test_every_exclusion_in_the_spec_says_why():
    spec = (ROOT / "packaging" / "explorer.spec").read_text()
    block = spec[spec.index("EXCLUDES = [") : spec.index("]\n", spec.index("EXCLUDES = ["))]
    lines = [line.strip() for line in block.splitlines()[1:] if line.strip()]
    # Each run of excluded names starts right after a comment saying why.
    for number, line in enumerate(lines):
        if line.startswith('"'):
            start = number
            while start > 0 and lines[start - 1].startswith('"'):
                start -= 1
            assert start > 0 and lines[start - 1].startswith("#"), line
    assert sum(line.startswith('"') for line in lines) >= 10
    assert re.search(r"strip=False", spec)  # stripping breaks numpy's OpenBLAS


def test_windows_icon_holds_every_size_and_macos_iconset_is_complete(qapp, tmp_path):
    from PySide6.QtGui import QImageReader

    render_icons = load_packaging_module("render_icons")
    pngs = render_icons.render(render_icons.SVG, tmp_path / "png", render_icons.ICO_SIZES)
    ico = render_icons.write_ico(pngs, tmp_path / "explorer.ico")
    reader = QImageReader(str(ico))
    assert reader.canRead() and reader.imageCount() == len(render_icons.ICO_SIZES)
    sizes = set()
    for i in range(reader.imageCount()):
        reader.jumpToImage(i)
        sizes.add(reader.read().width())
    assert sizes == set(render_icons.ICO_SIZES)

    iconset = render_icons.write_iconset(render_icons.SVG, tmp_path / "explorer.iconset")
    names = {p.name: QImage(str(p)).width() for p in iconset.iterdir()}
    assert names["icon_16x16.png"] == 16
    assert names["icon_16x16@2x.png"] == 32
    assert names["icon_512x512@2x.png"] == 1024
    assert len(names) == 10
