#!/usr/bin/env bash
# Build the macOS app (Trial Evidence Explorer.app) and a disk image (.dmg).
#
# NOT BUILT HERE: CI builds the Linux bundle and .deb only. Run on macOS 12 or later with
# Python 3.11 (python.org installer or Homebrew) and the Xcode command line tools:
#
#     bash packaging/macos/build.sh
#
# Builds for the machine's own architecture (arm64 or x86_64): numpy and scipy publish no
# universal2 wheels, so a universal app means one build per architecture. The result is
# not signed or notarised; see packaging/macos/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
python="${PYTHON:-python3.11}"
venv="$root/.venv-macos"
work="$root/build/packaging"

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e ".[package]"
version="$("$venv/bin/python" -c 'import explorer; print(explorer.__version__)')"

# Icon: PNGs rendered by Qt from resources/icons/explorer.svg, packed by iconutil.
"$venv/bin/python" packaging/render_icons.py "$work/icons" --iconset "$work/icons/explorer.iconset"
iconutil -c icns -o "$work/icons/explorer.icns" "$work/icons/explorer.iconset"

EXPLORER_ICON="$work/icons/explorer.icns" "$venv/bin/python" -m PyInstaller --noconfirm \
    --log-level WARN --distpath dist --workpath "$work/pyinstaller" packaging/explorer.spec
app="dist/Trial Evidence Explorer.app"

# Frozen self-test (offscreen, network refused).
QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/trial-evidence-explorer" --self-test

dmg="dist/trial-evidence-explorer-$version.dmg"
rm -f "$dmg"
hdiutil create -volname "Trial Evidence Explorer" -srcfolder "$app" -ov -format UDZO "$dmg"
echo "$dmg"
