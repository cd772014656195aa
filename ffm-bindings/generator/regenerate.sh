#!/usr/bin/env bash
# Regenerates every generated source of ffm-bindings from uapi.spec: fetches the pinned headers (cached),
# compiles the probes for x86_64 and aarch64 and replaces the generated files under src/main/java.
# Usage: ffm-bindings/generator/regenerate.sh [output dir]   (default: ffm-bindings/src/main/java)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/../src/main/java}"
. "$here/../../build-support/find-jdk.sh"
panamax_find_jdk || exit 1
for cc in gcc aarch64-linux-gnu-gcc; do
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "panamax: $cc not found; run ffm-bindings/generator/ci-prereqs.sh" >&2
        exit 1
    fi
done
headers=$("$here/fetch-headers.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$JAVA_HOME/bin/java" "$here/Generate.java" --spec "$here/uapi.spec" --lock "$here/headers.lock" \
    --headers "$headers" --out "$tmp"
# Replace only what the generator owns, so a constant dropped from the spec disappears from the tree too.
uapi="$out/dev/panamax/ffm/internal/uapi"
rm -rf "$uapi/x86_64" "$uapi/aarch64" "$out/dev/panamax/ffm/Errno.java"
if [[ -d "$uapi" ]]; then
    find "$uapi" -maxdepth 1 -name '*.java' -delete
fi
mkdir -p "$out"
cp -r "$tmp/." "$out/"
