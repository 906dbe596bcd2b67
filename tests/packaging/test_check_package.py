"""The package layout checker, on fake ``dpkg-deb -c`` listings and control fields."""

from __future__ import annotations

import pytest

NAME = "trial-evidence-explorer"
OPT = f"./opt/{NAME}"


def _line(path: str, *, mode: str = "-rw-r--r--", owner: str = "root/root", size: int = 10):
    return f"{mode} {owner} {size:>9} 2025-01-01 12:00 {path}"


GOOD = [
    _line("./", mode="drwxr-xr-x", size=0),
    _line("./opt/", mode="drwxr-xr-x", size=0),
    _line(f"{OPT}/", mode="drwxr-xr-x", size=0),
    _line(f"{OPT}/{NAME}", mode="-rwxr-xr-x", size=17_557_904),
    _line(f"{OPT}/_internal/", mode="drwxr-xr-x", size=0),
    _line(f"{OPT}/_internal/explorer/_bundled/evidence/palmira-asco2023.json", size=40_000),
    _line(f"{OPT}/_internal/explorer/_bundled/schema/evidence-1.schema.json", size=20_000),
    _line(f"{OPT}/_internal/PySide6/Qt/plugins/platforms/libqxcb.so", mode="-rwxr-xr-x"),
    _line(f"{OPT}/_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so", mode="-rwxr-xr-x"),
    _line(f"{OPT}/_internal/libQt6Core.so.6", mode="lrwxrwxrwx", size=0)
    + " -> PySide6/Qt/lib/libQt6Core.so.6",
    _line("./usr/", mode="drwxr-xr-x", size=0),
    _line("./usr/bin/", mode="drwxr-xr-x", size=0),
    _line(f"./usr/bin/{NAME}", mode="-rwxr-xr-x", size=151),
    _line("./usr/share/", mode="drwxr-xr-x", size=0),
    _line("./usr/share/applications/", mode="drwxr-xr-x", size=0),
    _line(f"./usr/share/applications/{NAME}.desktop", size=448),
    _line("./usr/share/icons/hicolor/scalable/apps/", mode="drwxr-xr-x", size=0),
    _line(f"./usr/share/icons/hicolor/scalable/apps/{NAME}.svg", size=1_329),
    _line(f"./usr/share/icons/hicolor/48x48/apps/{NAME}.png", size=1_758),
    _line(f"./usr/share/doc/{NAME}/", mode="drwxr-xr-x", size=0),
    _line(f"./usr/share/doc/{NAME}/copyright", size=574),
]

CONTROL = f"""Package: {NAME}
Version: 0.1.0
Section: science
Priority: optional
Architecture: amd64
Maintainer: Trial Evidence Explorer team <noreply@invalid>
Installed-Size: 268400
Depends: libc6 (>= 2.35), libegl1, libfontconfig1, libgl1, libxcb1, libxkbcommon0,
 fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf
Description: offline explorer for clinical-trial evidence
 Opens a clinical trial's evidence.
"""


def _problems(check_package, lines):
    return check_package.check_layout(check_package.parse_listing("\n".join(lines)))


def test_the_expected_layout_passes(check_package):
    entries = check_package.parse_listing("\n".join(GOOD))
    assert _problems(check_package, GOOD) == []
    by_path = {e.path: e for e in entries}
    assert by_path[f"opt/{NAME}/{NAME}"].executable
    assert by_path[f"opt/{NAME}/_internal/libQt6Core.so.6"].kind == "link"
    assert by_path[f"opt/{NAME}"].kind == "dir"
    assert by_path[f"opt/{NAME}/{NAME}"].size == 17_557_904


@pytest.mark.parametrize(
    "missing",
    [
        f"{OPT}/{NAME}",
        f"{OPT}/_internal/explorer/_bundled/evidence/palmira-asco2023.json",
        f"{OPT}/_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
        f"./usr/bin/{NAME}",
        f"./usr/share/applications/{NAME}.desktop",
        f"./usr/share/icons/hicolor/scalable/apps/{NAME}.svg",
    ],
)
def test_a_missing_file_is_named(check_package, missing):
    lines = [line for line in GOOD if not line.endswith(missing)]
    assert _problems(check_package, lines) == [f"missing: /{missing.removeprefix('./')}"]


def test_a_launcher_that_cannot_run_is_flagged(check_package):
    lines = [
        _line(f"./usr/bin/{NAME}", size=151) if line.endswith(f"./usr/bin/{NAME}") else line
        for line in GOOD
    ]
    assert _problems(check_package, lines) == [f"not executable: /usr/bin/{NAME} (-rw-r--r--)"]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (_line("./etc/trial-evidence-explorer.conf"), "outside the package's places: /etc/"),
        (_line("./usr/bin/explorer", mode="-rwxr-xr-x"), "outside the package's places"),
        (_line("./usr/lib/libfoo.so"), "outside the package's places: /usr/lib/libfoo.so"),
        (_line(f"{OPT}/_internal/PySide6/Qt/translations/qt_de.qm"), "Qt translations"),
        (
            _line(f"{OPT}/_internal/PySide6/Qt/plugins/platforms/libqwayland.so"),
            "Wayland platform plugin",
        ),
        (_line(f"{OPT}/_internal/PySide6/Qt/plugins/platformthemes/libqgtk3.so"), "theme"),
        (_line(f"{OPT}/_internal/libpango-1.0.so.0"), "GTK libraries"),
        (_line(f"{OPT}/_internal/numpy/tests/data/x.npy"), "a test suite"),
        (_line(f"{OPT}/_internal/libxcb-cursor.so.0"), "belongs to the target system"),
        (_line(f"{OPT}/_internal/libfontconfig.so.1"), "belongs to the target system"),
        (_line(f"{OPT}/_internal/x.txt", owner="builder/staff"), "not owned by root"),
    ],
)
def test_anything_extra_is_flagged(check_package, extra, problem):
    problems = _problems(check_package, [*GOOD, extra])
    assert len(problems) == 1, problems
    assert problem in problems[0]


def test_listing_that_is_not_dpkg_output_is_rejected(check_package):
    with pytest.raises(ValueError, match="line 2: not a dpkg-deb -c line"):
        check_package.parse_listing(GOOD[0] + "\nhello world")


def test_control_with_the_required_dependencies_passes(check_package):
    fields = check_package.parse_control(CONTROL)
    assert fields["Depends"].endswith("fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf")
    assert check_package.check_control(fields, ["control", "md5sums"]) == []


@pytest.mark.parametrize(
    ("drop", "problem"),
    [
        ("libegl1, ", "Depends lacks EGL (libegl1)"),
        ("libgl1, ", "Depends lacks OpenGL (libgl1)"),
        (
            "fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf",
            "Depends lacks a font (fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf)",
        ),
    ],
)
def test_control_missing_a_dependency_is_flagged(check_package, drop, problem):
    fields = check_package.parse_control(CONTROL.replace(drop, ""))
    assert check_package.check_control(fields) == [problem]


def test_one_font_alternative_is_enough(check_package):
    text = CONTROL.replace("fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf", "x")
    fields = check_package.parse_control(text)
    fields["Depends"] += ", fonts-liberation2"
    assert check_package.check_control(fields) == []


def test_maintainer_scripts_are_flagged(check_package):
    fields = check_package.parse_control(CONTROL)
    problems = check_package.check_control(fields, ["control", "postinst", "postrm"])
    assert problems == [
        "maintainer scripts or triggers present (removal must leave nothing): postinst, postrm"
    ]


def test_main_checks_a_saved_listing(check_package, tmp_path, capsys):
    listing = tmp_path / "listing.txt"
    control = tmp_path / "control.txt"
    listing.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    control.write_text(CONTROL, encoding="utf-8")
    assert check_package.main(["--listing", str(listing), "--control", str(control)]) == 0
    assert "layout ok (10 files" in capsys.readouterr().out
    listing.write_text("\n".join(GOOD[:-1]) + "\n", encoding="utf-8")
    assert check_package.main(["--listing", str(listing)]) == 1
    assert f"missing: /usr/share/doc/{NAME}/copyright" in capsys.readouterr().err
