#!/usr/bin/env bash
# Installs what the UAPI generator (and so GeneratorDriftTest, which fails under CI=true without it) needs,
# on Debian or Ubuntu. Idempotent: installs only missing packages, fetches the pinned headers only once.
#   - gcc (x86_64 probes) and gcc-aarch64-linux-gnu (aarch64 probes; compiled to assembly, never run)
#   - linux-libc-dev-arm64-cross, libc6-dev-arm64-cross: not read by the generator (it compiles with -nostdinc
#     against the pinned headers), but they complete the cross toolchain for anyone probing by hand
#   - the pinned Debian trixie header packages (headers.lock), via fetch-headers.sh into ~/.cache/panamax
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
fi

want=(gcc gcc-aarch64-linux-gnu linux-libc-dev-arm64-cross libc6-dev-arm64-cross curl ca-certificates)
missing=()
for pkg in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

"$here/fetch-headers.sh" >/dev/null
echo "panamax: generator prerequisites ready (gcc, aarch64-linux-gnu-gcc, pinned headers)"
