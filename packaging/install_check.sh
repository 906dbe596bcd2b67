#!/usr/bin/env bash
# Install the .deb on this machine, run the installed app's self-test, purge it, and
# check that the file system is exactly as before (removal leaves nothing behind).
#
#   bash packaging/install_check.sh [DEB]        (default: the newest dist/*.deb)
#
# Needs root (or sudo). Installs the package's declared dependencies first with apt-get,
# so the snapshot before and after differ only by what the package itself did. Meant for
# a disposable machine (CI) or a scratch check; it leaves the dependencies installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb="${1:-$(ls -t "$root"/dist/*.deb 2>/dev/null | head -n1)}"
[ -f "$deb" ] || { echo "install_check: no .deb (build one with packaging/build.sh)" >&2; exit 1; }
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
name="$(dpkg-deb -f "$deb" Package)"

log() { printf '[install-check] %s\n' "$*" >&2; }
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
    else log "needs root or password-less sudo"; exit 1
    fi
}

if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed"; then
    log "$name is already installed here; not touching it"
    exit 1
fi

# The declared dependencies, first alternative of each (what apt would pick).
mapfile -t wanted < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/ //g' | sed '/^$/d')
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing declared dependencies: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# Everything a package could touch; logs, caches and dpkg's own database excluded.
snapshot() {
    find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
        -o -path /var/tmp -o -path /var/log -o -path /var/cache -o -path /var/lib/dpkg \
        -o -path /var/lib/apt -o -path /root -o -path /home -o -path "$root" \) -prune \
        -o -print 2>/dev/null | LC_ALL=C sort
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
snapshot >"$scratch/before"
log "installing $deb"
as_root dpkg -i "$deb" >/dev/null
status=0
log "running the installed app's self-test (clean environment, offscreen)"
(cd / && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$scratch/home" "$name" --self-test) || status=$?
log "purging $name"
as_root dpkg -P "$name" >/dev/null
snapshot >"$scratch/after"
if ! diff -u "$scratch/before" "$scratch/after" >"$scratch/diff"; then
    log "the file system differs after purging:"
    cat "$scratch/diff" >&2
    exit 1
fi
[ "$status" -eq 0 ] || { log "the installed self-test failed (exit $status)"; exit 1; }
log "installed, self-test passed, purged; nothing left behind"
