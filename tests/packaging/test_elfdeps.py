"""Reading DT_NEEDED / GLIBC versions from ELF files, and the Debian dependencies.

Reference: binutils ``readelf -d`` (NEEDED, SONAME) and ``readelf -V`` (version needs)
on the same files, when readelf is installed; exact equality, no tolerance.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy._core._multiarray_umath as multiarray
import PySide6
import pytest

EXTENSION = Path(multiarray.__file__)  # numpy's core: needs libc and its OpenBLAS
QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"
XCB_QPA = QT_LIB / "libQt6XcbQpa.so.6"
READELF = shutil.which("readelf")


def numpy_libs_dir() -> Path:
    """Where numpy's wheel keeps its OpenBLAS and gfortran."""
    return EXTENSION.parents[2] / "numpy.libs"


def _readelf(*args: str) -> str:
    return subprocess.run([READELF, *args], capture_output=True, text=True, check=True).stdout


def test_needed_libraries_of_a_real_extension(elfdeps):
    needed, soname = elfdeps.dynamic_entries(EXTENSION)
    assert "libc.so.6" in needed
    assert any(name.startswith("libscipy_openblas") for name in needed)
    assert soname is None  # a Python extension module has no soname


@pytest.mark.skipif(READELF is None, reason="binutils readelf not installed")
@pytest.mark.parametrize("path", [EXTENSION, XCB_QPA], ids=["numpy-ext", "libQt6XcbQpa"])
def test_needed_and_soname_match_readelf(elfdeps, path):
    dynamic = _readelf("-d", str(path))
    needed, soname = elfdeps.dynamic_entries(path)
    assert needed == re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic)
    expected = re.findall(r"\(SONAME\)\s+Library soname: \[(.+?)\]", dynamic)
    assert soname == (expected[0] if expected else None)


@pytest.mark.skipif(READELF is None, reason="binutils readelf not installed")
def test_glibc_versions_match_readelf(elfdeps):
    versions = _readelf("-V", str(XCB_QPA))
    expected = {
        tuple(int(n) for n in v.split("."))
        for v in re.findall(r"Name: GLIBC_(\d+(?:\.\d+)+)", versions)
    }
    assert elfdeps.glibc_versions(XCB_QPA) == expected
    assert expected  # the file does need some GLIBC version


def test_not_an_elf_file(elfdeps, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("plain text")
    assert not elfdeps.is_elf(text)
    assert not elfdeps.is_elf(tmp_path / "missing")
    with pytest.raises(ValueError, match="not an ELF file"):
        elfdeps.dynamic_entries(text)


def test_reachable_follows_needed_and_ignores_the_rest(elfdeps):
    needed, _ = elfdeps.dynamic_entries(EXTENSION)
    openblas = next(name for name in needed if name.startswith("libscipy_openblas"))
    libs = Path(numpy_libs_dir())
    available = {p.name: p for p in libs.iterdir() if p.is_file()}
    available["libQt6XcbQpa.so.6"] = XCB_QPA  # collected, but nothing here needs it
    found = elfdeps.reachable([EXTENSION], available)
    assert openblas in found
    assert "libQt6XcbQpa.so.6" not in found
    # OpenBLAS itself needs the bundled gfortran: followed transitively
    assert any(name.startswith("libgfortran") for name in found)


def test_bundle_needs_lists_what_the_folder_does_not_ship(elfdeps, tmp_path):
    shutil.copy(EXTENSION, tmp_path / EXTENSION.name)
    missing = elfdeps.bundle_needs(tmp_path)
    openblas = next(name for name in missing if name.startswith("libscipy_openblas"))
    assert missing[openblas] == [EXTENSION.name]
    shutil.copy(numpy_libs_dir() / openblas, tmp_path / openblas)
    assert openblas not in elfdeps.bundle_needs(tmp_path)


def test_debian_depends_maps_libraries_and_bounds_libc(elfdeps):
    depends = elfdeps.debian_depends(
        ["libGL.so.1", "libEGL.so.1", "libc.so.6", "libm.so.6", "libxcb-cursor.so.0"], (2, 35)
    )
    assert depends == ["libc6 (>= 2.35)", "libegl1", "libgl1", "libxcb-cursor0"]
    assert elfdeps.debian_depends(["libGL.so.1"]) == ["libgl1"]


def test_unknown_library_fails_instead_of_guessing(elfdeps):
    with pytest.raises(KeyError, match=r"no Debian package known for: libfoo\.so\.3"):
        elfdeps.debian_depends(["libGL.so.1", "libfoo.so.3"])


def test_every_library_the_xcb_plugin_needs_from_the_system_is_mapped(elfdeps):
    # What Qt's xcb platform plugin and its QPA library need that PySide6 does not ship
    # must be declared: this fails if a new PySide6 starts needing another system library.
    plugin = QT_LIB.parent / "plugins" / "platforms" / "libqxcb.so"
    shipped = {p.name for p in QT_LIB.iterdir()}
    needed = set()
    for path in (plugin, XCB_QPA, QT_LIB / "libQt6Gui.so.6", QT_LIB / "libQt6Core.so.6"):
        needed |= set(elfdeps.dynamic_entries(path)[0])
    system = needed - shipped
    assert {"libxcb.so.1", "libxkbcommon-x11.so.0", "libGL.so.1", "libEGL.so.1"} <= system
    # Libraries the bundle keeps (PyInstaller collects them from the build machine).
    bundled = {"libzstd.so.1", "libz.so.1", "libpython3.11.so.1.0"}
    unmapped = sorted(system - set(elfdeps.DEBIAN_PACKAGES) - bundled)
    assert unmapped == []
