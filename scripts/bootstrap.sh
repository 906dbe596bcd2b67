#!/usr/bin/env bash
# Set up everything Trial Evidence Explorer needs on Debian/Ubuntu, then act.
#
#   bash scripts/bootstrap.sh app  [FILE]   set up, then open the app (bundled PALMIRA by default)
#   bash scripts/bootstrap.sh test [ARGS]   set up, then run the whole test suite
#   bash scripts/bootstrap.sh setup         set up only
#
# Installs only what is missing: the Debian packages Qt needs, a virtual
# environment in .venv, and the project with its test extras. Safe to rerun.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${EXPLORER_VENV:-$here/.venv}"

# Qt offscreen needs these; a real X display also needs the xcb ones.
qt_packages=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
x11_packages=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0)
python_packages=(python3 python3-venv python3-pip)

log() { printf '[bootstrap] %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else log "need root to run: $*"; return 1
    fi
}

missing_debs() {
    local pkg
    for pkg in "$@"; do
        # t64 renames (Ubuntu 24.04+) satisfy the same need.
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
        dpkg-query -W -f='${Status}' "${pkg}t64" 2>/dev/null | grep -q "install ok installed" && continue
        printf '%s\n' "$pkg"
    done
}

install_debs() {
    command -v dpkg-query >/dev/null 2>&1 || { log "not a Debian system; install Qt's runtime libraries yourself"; return 0; }
    local wanted=("$@") missing=() pkg candidates
    mapfile -t missing < <(missing_debs "${wanted[@]}")
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    candidates=()
    for pkg in "${missing[@]}"; do
        if apt-cache show "$pkg" >/dev/null 2>&1; then candidates+=("$pkg")
        elif apt-cache show "${pkg}t64" >/dev/null 2>&1; then candidates+=("${pkg}t64")
        else log "no Debian package named $pkg; skipping"
        fi
    done
    [ "${#candidates[@]}" -eq 0 ] && return 0
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${candidates[@]}" >/dev/null
}

python_ok() {
    command -v python3 >/dev/null 2>&1 &&
        python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

setup() {
    local debs=("${qt_packages[@]}")
    [ "${1:-}" = "gui" ] && debs+=("${x11_packages[@]}")
    python_ok || debs+=("${python_packages[@]}")
    install_debs "${debs[@]}"
    python_ok || { log "Python >= 3.11 with venv is required"; exit 1; }

    if [ ! -x "$venv/bin/python" ]; then
        log "creating virtual environment in $venv"
        python3 -m venv "$venv"
    fi
    # Reinstall only when the declared dependencies changed.
    local stamp="$venv/.explorer-installed" want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing the project and its test dependencies"
        "$venv/bin/python" -m pip install -q --upgrade pip
        "$venv/bin/python" -m pip install -q -e ".[dev]"
        printf '%s' "$want" > "$stamp"
    fi
}

cmd="${1:-app}"
[ "$#" -gt 0 ] && shift
case "$cmd" in
    setup) setup gui ;;
    app)
        setup gui
        exec "$venv/bin/explorer" "$@"
        ;;
    test)
        setup
        log "checking import contracts"
        "$venv/bin/lint-imports"
        log "running the test suite"
        exec "$venv/bin/python" -m pytest "$@"
        ;;
    *) log "unknown command '$cmd' (use: app, test, setup)"; exit 2 ;;
esac
