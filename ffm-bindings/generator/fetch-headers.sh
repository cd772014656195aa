#!/usr/bin/env bash
# Fetches the pinned UAPI and libc headers the generator compiles against, verifies their SHA256 and unpacks them
# into a cache directory (default ~/.cache/panamax/headers). Idempotent: a verified, unpacked set is kept.
#
# The pins live in headers.lock (file|pool path|sha256):
#   linux-libc-dev 6.12.117-1 (Debian trixie, Architecture: all): kernel UAPI, asm/ for every arch
#   libc6-dev 2.41-12+deb13u5 amd64 + arm64 (Debian trixie): glibc headers (O_* via fcntl.h, socket, sched, ...)
#
# Pinning the libc headers too (instead of using the host's /usr/include) makes the output identical on any host
# that has gcc and aarch64-linux-gnu-gcc: the generator compiles with -nostdinc against this directory only.
# Prints the header root on stdout. With --check it downloads nothing: exit 3 when the cache is not ready.
set -euo pipefail
CHECK_ONLY=false
if [[ "${1:-}" == "--check" ]]; then
    CHECK_ONLY=true
fi

CACHE="${PANAMAX_HEADER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/panamax/headers}"
MIRROR="${PANAMAX_DEBIAN_MIRROR:-https://deb.debian.org/debian}"
# Fallback when the mirror has dropped a superseded version from the pool.
SNAPSHOT="https://snapshot.debian.org/archive/debian/20251201T000000Z"

HERE=$(cd "$(dirname "$0")" && pwd)
mapfile -t DEBS < <(grep -v '^#' "$HERE/headers.lock" | grep -v '^$')

ROOT="$CACHE/root"
STAMP="$CACHE/root.stamp"
WANT=$(printf '%s\n' "${DEBS[@]}" | sha256sum | cut -d' ' -f1)
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" && -d "$ROOT/usr/include" ]]; then
    echo "$ROOT/usr/include"
    exit 0
fi
if $CHECK_ONLY; then
    echo "panamax: pinned headers are not in $CACHE; run ffm-bindings/generator/fetch-headers.sh" >&2
    exit 3
fi

mkdir -p "$CACHE/debs"
fetch() { # url dest
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 -o "$2" "$1"
    else
        wget -q -O "$2" "$1"
    fi
}
for entry in "${DEBS[@]}"; do
    IFS='|' read -r name path sum <<<"$entry"
    deb="$CACHE/debs/$name"
    if [[ ! -f "$deb" ]] || ! echo "$sum  $deb" | sha256sum -c --status; then
        echo "panamax: fetching $name" >&2
        fetch "$MIRROR/$path" "$deb.part" || fetch "$SNAPSHOT/$path" "$deb.part"
        if ! echo "$sum  $deb.part" | sha256sum -c --status; then
            echo "panamax: SHA256 mismatch for $name (expected $sum)" >&2
            rm -f "$deb.part"
            exit 1
        fi
        mv "$deb.part" "$deb"
    fi
done

rm -rf "$ROOT.tmp"
mkdir -p "$ROOT.tmp"
for entry in "${DEBS[@]}"; do
    IFS='|' read -r name _ _ <<<"$entry"
    dpkg-deb -x "$CACHE/debs/$name" "$ROOT.tmp"
done
rm -rf "$ROOT"
mv "$ROOT.tmp" "$ROOT"
echo "$WANT" > "$STAMP"
echo "$ROOT/usr/include"
