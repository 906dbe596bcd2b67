#!/usr/bin/env bash
# Build the offline installer of Trial Evidence Explorer on Debian/Ubuntu:
#   1. the PyInstaller one-folder bundle   dist/trial-evidence-explorer/
#   2. the Debian package                   dist/trial-evidence-explorer_<version>_<arch>.deb
#
#   bash packaging/build.sh              build both, then check the package's layout
#
# Needs the project's virtual environment (bash scripts/bootstrap.sh setup); installs
# PyInstaller into it from the `package` extra in pyproject.toml when missing, and the
# Debian tools the build uses (binutils for strip) when missing and root or sudo is there.
# Settings: EXPLORER_VENV (default .venv), EXPLORER_DIST (default dist),
# EXPLORER_BUILD (default build/packaging).
#
# The package installs the bundle under /opt/trial-evidence-explorer, a launcher
# /usr/bin/trial-evidence-explorer, a desktop entry and the icon; it has no maintainer
# scripts, so removing it removes every file it installed and nothing else.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${EXPLORER_VENV:-$root/.venv}"
py="$venv/bin/python"
dist="${EXPLORER_DIST:-$root/dist}"
work="${EXPLORER_BUILD:-$root/build/packaging}"

name="trial-evidence-explorer"
prefix="/opt/$name"

log() { printf '[build] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else return 1
    fi
}

[ -x "$py" ] || die "no virtual environment at $venv (run: bash scripts/bootstrap.sh setup)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found: build on Debian or Ubuntu"

# --- tools ------------------------------------------------------------------------
if ! "$py" -c 'import PyInstaller' 2>/dev/null; then
    log "installing PyInstaller (the 'package' extra of pyproject.toml) into $venv"
    mapfile -t reqs < <("$py" -c '
import tomllib
with open("pyproject.toml", "rb") as fh:
    print("\n".join(tomllib.load(fh)["project"]["optional-dependencies"]["package"]))')
    "$py" -m pip install -q "${reqs[@]}"
fi
if ! command -v strip >/dev/null 2>&1; then
    log "installing binutils (strip, for libpython's debug information)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        binutils >/dev/null || log "could not install binutils; libpython stays unstripped"
fi

version="$("$py" -c 'import explorer; print(explorer.__version__)')"
arch="$(dpkg --print-architecture)"
deb="$dist/${name}_${version}_${arch}.deb"
bundle="$dist/$name"

# --- 1. the bundle ----------------------------------------------------------------
start=$SECONDS
log "PyInstaller one-folder bundle -> $bundle"
rm -rf "$bundle"
# Qt's hook still resolves the plugins the spec drops afterwards (the GTK3 theme asks for
# GTK); those "Library not found" lines are about files that are not shipped.
"$py" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$dist" --workpath "$work/pyinstaller" packaging/explorer.spec
log "bundle built in $((SECONDS - start)) s: $(du -sh "$bundle" | cut -f1)"
# What the spec left out and why (unused / system / orphan), for the record.
cp "$work/pyinstaller/explorer/dropped.txt" "$dist/$name-dropped.txt"

# --- 2. the Debian package -------------------------------------------------------
log "Debian dependencies of the libraries the bundle does not ship"
"$py" packaging/elfdeps.py debian-depends "$bundle" --verbose 2>"$work/elfdeps.txt" \
    >"$work/depends.txt" || { cat "$work/elfdeps.txt" >&2; die "unresolved library dependencies"; }
# Qt finds no font without fontconfig and at least one font; libfontconfig1 alone does
# not guarantee a font is installed.
depends="$(cat "$work/depends.txt"), fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf"

pkg="$work/deb"
rm -rf "$pkg"
mkdir -p "$pkg/DEBIAN" "$pkg$prefix" "$pkg/usr/bin" "$pkg/usr/share/applications" \
    "$pkg/usr/share/icons/hicolor/scalable/apps" "$pkg/usr/share/doc/$name"
cp -a "$bundle/." "$pkg$prefix/"

cat >"$pkg/usr/bin/$name" <<EOF
#!/bin/sh
# Trial Evidence Explorer (installed by the $name package).
exec $prefix/$name "\$@"
EOF
chmod 0755 "$pkg/usr/bin/$name"

cat >"$pkg/usr/share/applications/$name.desktop" <<EOF
[Desktop Entry]
Type=Application
Version=1.5
Name=Trial Evidence Explorer
GenericName=Clinical trial evidence explorer
Comment=Open a clinical trial's evidence and trace every number to its source
Exec=$name %f
TryExec=$name
Icon=$name
Terminal=false
Categories=Science;MedicalSoftware;
Keywords=clinical trial;evidence;hazard ratio;forest plot;oncology;
StartupWMClass=$name
EOF

cp resources/icons/explorer.svg "$pkg/usr/share/icons/hicolor/scalable/apps/$name.svg"
"$py" packaging/render_icons.py "$work/icons" >/dev/null
for png in "$work"/icons/*.png; do
    size="$(basename "$png" .png)"
    mkdir -p "$pkg/usr/share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/$name.png"
done

cat >"$pkg/usr/share/doc/$name/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: trial-evidence-explorer

Files: *
Copyright: Trial Evidence Explorer team
License: Proprietary

Files: opt/trial-evidence-explorer/_internal/*
Comment: The bundle also contains, unmodified, the Python runtime (PSF License), Qt 6
 and PySide6 (LGPL-3.0), pyqtgraph (MIT), NumPy, SciPy, pandas, statsmodels, patsy and
 jsonschema (BSD-3-Clause / MIT), OpenBLAS (BSD-3-Clause) and ICU (Unicode License);
 each component's licence file is in its folder under _internal/.
License: various
EOF

# Debian policy: directories 0755, files 0644 unless executable; nothing group-writable.
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg" -type f -perm /111 -exec chmod 0755 {} +
find "$pkg" -type f ! -perm /111 -exec chmod 0644 {} +

installed_kb="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
cat >"$pkg/DEBIAN/control" <<EOF
Package: $name
Version: $version
Section: science
Priority: optional
Architecture: $arch
Maintainer: Trial Evidence Explorer team <noreply@invalid>
Installed-Size: $installed_kb
Depends: $depends
Description: offline explorer for clinical-trial evidence
 Opens a clinical trial's evidence (PALMIRA is bundled) and shows what it
 shows, how sure it is and how it was designed, with every number traceable
 to its source or derivation. Works without network access; Python, Qt and
 the statistics libraries are bundled under /opt/trial-evidence-explorer.
 .
 Run "trial-evidence-explorer --self-test" to check an installation.
EOF

mkdir -p "$dist"
rm -f "$deb"
start=$SECONDS
# xz at level 6 with all cores: within 3% of -9 on this payload, several times faster.
dpkg-deb --root-owner-group -Zxz -z6 --threads-max="$(nproc)" --build "$pkg" "$deb" >/dev/null
log "package built in $((SECONDS - start)) s: $deb ($(du -h "$deb" | cut -f1))"

# --- 3. check ----------------------------------------------------------------------
"$py" packaging/check_package.py "$deb"
log "bundle $(du -sm "$bundle" | cut -f1) MiB installed, package $(du -m "$deb" | cut -f1) MiB"
