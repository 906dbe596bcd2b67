"""Check the Debian package's file layout and control fields (CI and ``build.sh``).

    python packaging/check_package.py dist/trial-evidence-explorer_0.1.0_amd64.deb
    python packaging/check_package.py --listing LISTING.txt --control CONTROL.txt

Reads ``dpkg-deb -c`` (the file listing), ``dpkg-deb -f`` (the control fields) and the
names of the control members, then checks that

* the bundle sits under ``/opt/trial-evidence-explorer`` with its executable, the bundled
  evidence and schema, and the Qt platform plugins for a desktop (xcb) and for the
  self-test (offscreen);
* the launcher, the desktop entry and the icon are where desktops look for them;
* nothing else is installed: no file outside those places, nothing a user does not need
  (Qt translations, Wayland or GTK plugins, test suites), everything owned by root;
* the package declares libgl1, libegl1 and a font, and has no maintainer scripts, so
  removing it leaves nothing behind.

Exit status 0 when all holds, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

NAME = "trial-evidence-explorer"
PREFIX = f"opt/{NAME}"

#: Paths every package must contain (relative, no leading "./"), and whether each must
#: be executable.
REQUIRED: Mapping[str, bool] = {
    f"{PREFIX}/{NAME}": True,
    f"{PREFIX}/_internal/explorer/_bundled/evidence/palmira-asco2023.json": False,
    f"{PREFIX}/_internal/explorer/_bundled/schema/evidence-1.schema.json": False,
    f"{PREFIX}/_internal/PySide6/Qt/plugins/platforms/libqxcb.so": False,
    f"{PREFIX}/_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so": False,
    f"usr/bin/{NAME}": True,
    f"usr/share/applications/{NAME}.desktop": False,
    f"usr/share/icons/hicolor/scalable/apps/{NAME}.svg": False,
    f"usr/share/doc/{NAME}/copyright": False,
}

#: The only places the package may put files (prefixes of relative paths).
ALLOWED_PREFIXES: tuple[str, ...] = (
    f"{PREFIX}/",
    f"usr/bin/{NAME}",
    f"usr/share/applications/{NAME}.desktop",
    "usr/share/icons/hicolor/",
    f"usr/share/doc/{NAME}/",
)

#: Directories the package may list as its own parents (shared with other packages).
SHARED_DIRECTORIES: frozenset[str] = frozenset(
    {
        "",
        "opt",
        "usr",
        "usr/bin",
        "usr/share",
        "usr/share/applications",
        "usr/share/doc",
        "usr/share/icons",
        "usr/share/icons/hicolor",
    }
)

_SYSTEM_LIBRARIES = (
    r"/(libX11|libxcb|libxkbcommon|libfontconfig|libfreetype|libGL|libEGL)[\w-]*\.so"
)

#: Things that must not be shipped, with the reason.
FORBIDDEN: Mapping[str, str] = {
    r"/PySide6/Qt/translations/": "Qt translations (the app is English only)",
    r"/plugins/platforms/libqwayland": "Wayland platform plugin (xcb is used)",
    r"/plugins/platformthemes/": "desktop theme plugins (GTK and portal back ends)",
    r"/libgtk-3|/libgdk-3|/libpango|/libcairo": "GTK libraries left from a dropped plugin",
    r"/tests?/": "a test suite",
    _SYSTEM_LIBRARIES: "a display or font library that belongs to the target system",
}

#: Dependencies the issue requires, as alternatives that satisfy each.
REQUIRED_DEPENDS: Mapping[str, tuple[str, ...]] = {
    "OpenGL": ("libgl1",),
    "EGL": ("libegl1",),
    "a font": ("fonts-dejavu-core", "fonts-liberation2", "fonts-freefont-ttf"),
    "fontconfig": ("libfontconfig1",),
    "xcb": ("libxcb1",),
    "xkb": ("libxkbcommon0",),
}

#: Control members allowed; anything else is a maintainer script or trigger.
ALLOWED_CONTROL_MEMBERS: frozenset[str] = frozenset({"control", "md5sums"})

_LISTING_LINE = re.compile(
    r"^(?P<mode>[dl-][rwxsStT-]{9})\s+(?P<owner>\S+)/(?P<group>\S+)\s+(?P<size>\d+)\s+"
    r"(?P<date>\S+)\s+(?P<time>\S+)\s+(?P<path>.+?)(?: -> (?P<target>.+))?$"
)


@dataclass(frozen=True)
class Entry:
    """One line of ``dpkg-deb -c``: a file, directory or symlink of the package."""

    path: str  # relative, no leading "./" and no trailing "/"
    kind: str  # "file", "dir" or "link"
    mode: str
    owner: str
    group: str
    size: int

    @property
    def executable(self) -> bool:
        return self.kind == "file" and "x" in self.mode[1:4]


def parse_listing(text: str) -> list[Entry]:
    """Parse the output of ``dpkg-deb -c``.

    Raises
    ------
    ValueError
        On a line that is not a tar listing line.
    """
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LISTING_LINE.match(line)
        if match is None:
            raise ValueError(f"line {number}: not a dpkg-deb -c line: {line!r}")
        path = match["path"].removeprefix("./").rstrip("/")
        kind = {"d": "dir", "l": "link"}.get(match["mode"][0], "file")
        entries.append(
            Entry(path, kind, match["mode"], match["owner"], match["group"], int(match["size"]))
        )
    return entries


def parse_control(text: str) -> dict[str, str]:
    """Parse control fields (``Field: value`` with indented continuation lines)."""
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and key is not None:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            fields[key] = value.strip()
    return fields


def check_layout(entries: Sequence[Entry]) -> list[str]:
    """Problems with the file layout (an empty list when it is as expected)."""
    problems = []
    by_path = {e.path: e for e in entries}
    for path, must_execute in REQUIRED.items():
        entry = by_path.get(path)
        if entry is None:
            problems.append(f"missing: /{path}")
        elif must_execute and not entry.executable:
            problems.append(f"not executable: /{path} ({entry.mode})")
    for e in entries:
        if e.owner != "root" or e.group != "root":
            problems.append(f"not owned by root: /{e.path} ({e.owner}/{e.group})")
        if e.kind == "dir" and e.path in SHARED_DIRECTORIES:
            continue
        inside = any(e.path == p.rstrip("/") or e.path.startswith(p) for p in ALLOWED_PREFIXES) or (
            e.kind == "dir" and any(p.startswith(e.path + "/") for p in ALLOWED_PREFIXES)
        )
        if not inside:
            problems.append(f"outside the package's places: /{e.path}")
        for pattern, reason in FORBIDDEN.items():
            if re.search(pattern, "/" + e.path):
                problems.append(f"should not ship: /{e.path} ({reason})")
    return problems


def _alternatives(depends: str) -> list[set[str]]:
    """``Depends`` as a list of alternative sets of package names (versions dropped)."""
    groups = []
    for clause in depends.split(","):
        names = {re.sub(r"\s*\(.*?\)", "", alt).strip() for alt in clause.split("|")}
        groups.append({n for n in names if n})
    return groups


def check_control(fields: Mapping[str, str], members: Iterable[str] = ("control",)) -> list[str]:
    """Problems with the control fields and control members."""
    problems = []
    if fields.get("Package") != NAME:
        problems.append(f"Package is {fields.get('Package')!r}, not {NAME!r}")
    for field in ("Version", "Architecture", "Maintainer", "Description", "Installed-Size"):
        if not fields.get(field):
            problems.append(f"control field missing: {field}")
    groups = _alternatives(fields.get("Depends", ""))
    for what, wanted in REQUIRED_DEPENDS.items():
        if not any(set(wanted) & group for group in groups):
            problems.append(f"Depends lacks {what} ({' | '.join(wanted)})")
    extra = sorted(set(members) - ALLOWED_CONTROL_MEMBERS)
    if extra:
        problems.append(
            "maintainer scripts or triggers present (removal must leave nothing): "
            + ", ".join(extra)
        )
    return problems


def _dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], check=True, capture_output=True, text=True).stdout


def _control_members(deb: Path) -> list[str]:
    """Names of the members of the package's control archive."""
    # `dpkg-deb -I` lists them as lines like " 1234 bytes,  20 lines   control".
    info = _dpkg_deb("-I", str(deb))
    names = []
    for line in info.splitlines():
        match = re.match(r"^\s+\d+ bytes,\s+\d+ lines\s+\*?\s*(\S+)", line)
        if match:
            names.append(match[1])
    return names


def main(argv: Sequence[str] | None = None) -> int:
    """Check a package (or a saved listing and control file); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deb", nargs="?", type=Path, help="the .deb to check")
    parser.add_argument("--listing", type=Path, help="a saved `dpkg-deb -c` output instead")
    parser.add_argument("--control", type=Path, help="a saved `dpkg-deb -f` output instead")
    ns = parser.parse_args(argv)
    if ns.deb is None and ns.listing is None:
        parser.error("give a .deb or --listing")
    if ns.deb is not None:
        listing = _dpkg_deb("-c", str(ns.deb))
        control = _dpkg_deb("-f", str(ns.deb))
        members = _control_members(ns.deb)
    else:
        listing = ns.listing.read_text(encoding="utf-8")
        control = ns.control.read_text(encoding="utf-8") if ns.control else ""
        members = ["control"]
    entries = parse_listing(listing)
    problems = check_layout(entries)
    if ns.deb is not None or ns.control is not None:
        problems += check_control(parse_control(control), members)
    for problem in problems:
        print(f"check_package: {problem}", file=sys.stderr)
    if problems:
        return 1
    files = sum(e.kind == "file" for e in entries)
    size = sum(e.size for e in entries) / 2**20
    print(f"check_package: layout ok ({files} files, {size:.0f} MiB unpacked)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
