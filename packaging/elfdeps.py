"""Shared-library dependencies of a one-folder bundle, read from the ELF files themselves.

Used twice by the build:

* by ``explorer.spec``, to drop libraries that nothing kept still needs. Removing a Qt
  plugin (say the GTK theme) does not remove the libraries PyInstaller collected for it
  (GTK, Pango, Cairo, HarfBuzz ...); :func:`reachable` finds what the kept binaries need.
* by ``build.sh`` (``python packaging/elfdeps.py debian-depends DIST``), to list the
  libraries the bundle needs but does not ship, and to turn them into the Debian
  ``Depends`` of the package. An unknown library fails the build, so nothing the target
  system must provide is left undeclared.

The reader looks only at ``DT_NEEDED`` and ``DT_SONAME`` (what ``ldd`` starts from), with
no tool beyond the Python standard library, so it behaves the same on any build machine.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

_ELF_MAGIC = b"\x7fELF"
_SHT_DYNAMIC = 6
_SHT_GNU_VERNEED = 0x6FFFFFFE
_DT_NULL, _DT_NEEDED, _DT_SONAME = 0, 1, 14

#: Libraries the bundle does not ship and the Debian (12, bookworm) package providing
#: each. The display, GL, font and desktop-bus stack must match the target's X server,
#: drivers and font configuration; glibc and the C++ runtime are part of every Debian
#: system. ``explorer.spec`` drops the build machine's copies of all of them.
DEBIAN_PACKAGES: Mapping[str, str] = {
    # glibc and the compiler runtime
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libutil.so.1": "libc6",
    "libcrypt.so.1": "libcrypt1",
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    # OpenGL and EGL through libglvnd (the driver is the target's)
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    # fonts
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    # GLib and D-Bus (Qt's event loop integration and accessibility bus)
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    # X11, xcb and keyboard handling for Qt's xcb platform plugin
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}

#: Libraries PyInstaller collects from the build machine that belong to the target system
#: instead (see :data:`DEBIAN_PACKAGES`, plus what those libraries pull in themselves).
SYSTEM_LIBRARY_PREFIXES: tuple[str, ...] = (
    "libstdc++.so",
    "libgcc_s.so",
    "libfontconfig.so",
    "libfreetype.so",
    "libglib-2.0.so",
    "libgthread-2.0.so",
    "libdbus-1.so",
    "libX11.so",
    "libX11-xcb.so",
    "libxcb",
    "libxkbcommon",
)


def is_elf(path: Path) -> bool:
    """Whether ``path`` is a regular file starting with the ELF magic number."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == _ELF_MAGIC
    except OSError:
        return False


def dynamic_entries(path: str | os.PathLike[str]) -> tuple[list[str], str | None]:
    """The ``DT_NEEDED`` names and the ``DT_SONAME`` (or None) of the ELF file ``path``.

    Raises
    ------
    ValueError
        If ``path`` is not an ELF file.
    """
    data = Path(path).read_bytes()
    try:
        end, is64, sections = _sections(data)
    except ValueError:
        raise ValueError(f"{path}: not an ELF file") from None
    dyn_fmt = end + ("qQ" if is64 else "iI")
    needed: list[str] = []
    soname = None
    dyn_size = struct.calcsize(dyn_fmt)
    for sh in sections:
        if sh[1] != _SHT_DYNAMIC:
            continue
        offset, size, link = sh[4], sh[5], sh[6]
        strtab_offset = sections[link][4]
        for pos in range(offset, offset + size, dyn_size):
            tag, value = struct.unpack_from(dyn_fmt, data, pos)
            if tag == _DT_NULL:
                break
            if tag in (_DT_NEEDED, _DT_SONAME):
                name = _string(data, strtab_offset + value)
                if tag == _DT_NEEDED:
                    needed.append(name)
                else:
                    soname = name
    return needed, soname


def _sections(data: bytes) -> tuple[str, bool, list[tuple[int, ...]]]:
    """Byte order, word size and the section headers of an ELF image."""
    if data[:4] != _ELF_MAGIC:
        raise ValueError("not an ELF file")
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        (shoff,) = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        sh_fmt = end + "IIQQQQIIQQ"
    else:
        (shoff,) = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        sh_fmt = end + "IIIIIIIIII"
    sections = [struct.unpack_from(sh_fmt, data, shoff + i * shentsize) for i in range(shnum)]
    return end, is64, sections


def _string(data: bytes, offset: int) -> str:
    return data[offset : data.index(b"\0", offset)].decode()


def glibc_versions(path: str | os.PathLike[str]) -> set[tuple[int, ...]]:
    """The ``GLIBC_x.y`` symbol versions the ELF file ``path`` needs, as tuples.

    Read from the ``.gnu.version_r`` section: the newest of them is the oldest C library
    the file runs with.
    """
    data = Path(path).read_bytes()
    end, _, sections = _sections(data)
    found: set[tuple[int, ...]] = set()
    for sh in sections:
        if sh[1] != _SHT_GNU_VERNEED:
            continue
        offset, link, entries = sh[4], sh[6], sh[7]  # sh_info: number of Verneed entries
        strtab = sections[link][4]
        pos = offset
        for _ in range(entries):
            _version, cnt, _file, aux, nxt = struct.unpack_from(end + "HHIII", data, pos)
            apos = pos + aux
            for _ in range(cnt):
                _hash, _flags, _other, name, anext = struct.unpack_from(end + "IHHII", data, apos)
                label = _string(data, strtab + name)
                if label.startswith("GLIBC_") and label[6:7].isdigit():
                    found.add(tuple(int(x) for x in label[6:].split(".")))
                apos += anext
            if not nxt:
                break
            pos += nxt
    return found


def reachable(roots: Iterable[Path], available: Mapping[str, Path]) -> set[str]:
    """Names of the libraries in ``available`` that ``roots`` need, directly or not.

    Parameters
    ----------
    roots : iterable of Path
        The binaries that are loaded for their own sake: the Python extension modules,
        the Qt plugins and libpython.
    available : mapping of str to Path
        The shared libraries collected, by file name (and soname).
    """
    seen: set[str] = set()
    todo = [Path(r) for r in roots]
    while todo:
        current = todo.pop()
        needed, _ = dynamic_entries(current)
        for name in needed:
            if name in available and name not in seen:
                seen.add(name)
                todo.append(available[name])
    return seen


def bundle_needs(dist: Path) -> dict[str, list[str]]:
    """Libraries needed by some ELF file in ``dist`` but not shipped in it.

    Returns a mapping from each missing library to the bundled files that need it.
    """
    dist = Path(dist)
    files = [p for p in dist.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    shipped = {p.name for p in dist.rglob("*") if p.is_file()}
    missing: dict[str, list[str]] = {}
    for f in files:
        needed, soname = dynamic_entries(f)
        if soname:
            shipped.add(soname)
        for name in needed:
            missing.setdefault(name, []).append(str(f.relative_to(dist)))
    return {name: sorted(users) for name, users in sorted(missing.items()) if name not in shipped}


def newest_glibc(dist: Path) -> tuple[int, ...] | None:
    """The newest ``GLIBC_`` symbol version any ELF file in ``dist`` needs (or None)."""
    versions: set[tuple[int, ...]] = set()
    for p in Path(dist).rglob("*"):
        if p.is_file() and not p.is_symlink() and is_elf(p):
            versions |= glibc_versions(p)
    return max(versions) if versions else None


def debian_depends(missing: Iterable[str], glibc: tuple[int, ...] | None = None) -> list[str]:
    """The Debian packages providing the libraries ``missing``, sorted, without repeats.

    ``glibc`` (the newest C library symbol version needed) becomes the lower bound on
    ``libc6``, so the package refuses to install where the bundle could not start.

    Raises
    ------
    KeyError
        If a library has no known package: the build must not guess a dependency.
    """
    missing = list(missing)
    unknown = sorted(name for name in missing if name not in DEBIAN_PACKAGES)
    if unknown:
        raise KeyError(
            "no Debian package known for: " + ", ".join(unknown) + " (add it to DEBIAN_PACKAGES "
            "in packaging/elfdeps.py, or ship the library in the bundle)"
        )
    packages = {DEBIAN_PACKAGES[name] for name in missing}
    if glibc is not None:
        packages.discard("libc6")
        packages.add(f"libc6 (>= {'.'.join(str(n) for n in glibc)})")
    return sorted(packages)


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dep = sub.add_parser("debian-depends", help="print the Debian packages the bundle needs")
    dep.add_argument("dist", type=Path)
    dep.add_argument("--verbose", action="store_true", help="also list each library and users")
    ns = parser.parse_args(argv)
    missing = bundle_needs(ns.dist)
    if ns.verbose:
        for name, users in missing.items():
            package = DEBIAN_PACKAGES.get(name, "?")
            sys.stderr.write(f"{name:<28} {package:<20} {len(users)} file(s), e.g. {users[0]}\n")
    try:
        print(", ".join(debian_depends(missing, newest_glibc(ns.dist))))
    except KeyError as exc:
        sys.stderr.write(f"elfdeps: {exc.args[0]}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
