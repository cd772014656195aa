#!/usr/bin/env bash
# Sets up the emulated aarch64 test lane on an x86_64 Debian (or Ubuntu) machine: an arm64 OpenJDK 25 JRE
# extracted into a private sysroot, run by qemu-user, both taken from Debian trixie's packages.
#
# Usage: build-support/arm64/setup.sh [DIR]
#   DIR  cache folder (default: $PANAMAX_ARM64_DIR, else ${XDG_CACHE_HOME:-~/.cache}/panamax/arm64)
# Env:  PANAMAX_DEBIAN_MIRROR  (default http://deb.debian.org/debian)
#       PANAMAX_DEBIAN_SUITE   (default trixie: the first suite with openjdk-25 for arm64 and qemu 10)
#       PANAMAX_ARM64_REFRESH=1  download and extract again even when the cache is complete
#
# Idempotent: a complete cache is reused without touching the network. The last line of stdout is the path of the
# aarch64 `java` wrapper (pass it to Maven as -Dtest.jvm=...). Nothing is installed system-wide; apt runs with a
# private source list, list and cache folders, so the host's apt state is left alone. Needs apt-get, dpkg-deb and
# network access to the Debian mirror; it does not need root (as root, apt fetches as root: no _apt sandbox).
#
# What it does (the knowledge behind each step is in build-support/arm64/README.md):
#   1. apt-get update against trixie main for arm64+amd64, with a private config;
#   2. apt-get download openjdk-25-jre-headless:arm64 and the four libraries it needs, plus qemu-user:amd64
#      (trixie's qemu-user ships static binaries, so it runs on bookworm; qemu 10 is ~2x faster than
#      bookworm's qemu-user-static 7.2 and implements MAP_HUGETLB correctly);
#   3. dpkg -x the arm64 packages into DIR/sysroot, link lib -> usr/lib (merged /usr: the ELF interpreter is
#      /lib/ld-linux-aarch64.so.1) and rewrite absolute symlinks as relative ones, since qemu -L only
#      redirects the paths the guest opens, not the targets of links inside the sysroot;
#   4. write DIR/bin/java, which execs qemu-aarch64 -L DIR/sysroot on the arm64 java, and copy the JRE's
#      `release` file to DIR/release so tools that derive JAVA_HOME from bin/java (surefire) see "25".
set -euo pipefail

RECIPE=2   # bump when the layout of DIR changes, so older caches are rebuilt
die() {
    echo "panamax arm64 setup: ERROR: $*" >&2
    exit 1
}
log() {
    echo "panamax arm64 setup: $*" >&2
}

DIR=${1:-${PANAMAX_ARM64_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/panamax/arm64}}
MIRROR=${PANAMAX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${PANAMAX_DEBIAN_SUITE:-trixie}
JRE_PKG=openjdk-25-jre-headless
JRE_REL=usr/lib/jvm/java-25-openjdk-arm64
ARM_PKGS=("$JRE_PKG" libc6 libgcc-s1 libstdc++6 zlib1g)
QEMU_PKG=qemu-user

case "$(uname -m)" in
    x86_64) ;;
    aarch64) log "this machine is aarch64 already: run the tests natively (./build verify); continuing anyway" ;;
    *) die "the recipe downloads qemu-user for amd64; this machine is $(uname -m)" ;;
esac
for tool in apt-get dpkg-deb tar realpath find; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; this script needs a Debian-based machine"
done

mkdir -p "$DIR" || die "cannot create $DIR"
DIR=$(cd "$DIR" && pwd)
if command -v flock >/dev/null 2>&1; then
    exec 9>"$DIR/.lock"
    flock 9   # two lanes starting at once: the second waits, then finds the cache complete
fi
S=$DIR/sysroot
JAVA=$DIR/bin/java
STAMP=$DIR/.complete

if [ "${PANAMAX_ARM64_REFRESH:-0}" != 1 ] && [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "recipe=$RECIPE" ] \
        && [ -x "$JAVA" ]; then
    log "cached in $DIR ($(grep -v '^recipe=' "$STAMP" | tr '\n' ' '))"
    echo "$JAVA"
    exit 0
fi
rm -f "$STAMP"

# 1. Private apt configuration: nothing under /etc/apt or /var/lib/apt is read for sources or written.
mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/cache/archives/partial" "$DIR/debs" "$DIR/bin"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring not found: install the package 'debian-archive-keyring' (Debian and Ubuntu have it)"
echo "deb [arch=arm64,amd64 signed-by=$keyring] $MIRROR $SUITE main" > "$DIR/apt/sources.list"
APT=(-o "Dir::Etc::SourceList=$DIR/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache=$DIR/apt/cache"
     -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o Acquire::Languages=none)
if [ "$(id -u)" = 0 ]; then
    APT+=(-o APT::Sandbox::User=root)   # the private folders are not readable by _apt
fi

log "apt-get update: $MIRROR $SUITE main (arm64, amd64) into $DIR/apt"
apt-get "${APT[@]}" -q update >"$DIR/apt/update.log" 2>&1 \
    || { cat "$DIR/apt/update.log" >&2; die "apt-get update of $MIRROR $SUITE failed (log above)"; }
if grep -qE '^(W|E|Err):' "$DIR/apt/update.log"; then
    grep -E '^(W|E|Err):' "$DIR/apt/update.log" >&2
    die "apt-get update of $MIRROR $SUITE reported errors (above); the package lists may be stale or unsigned"
fi

# 2. Download (apt keeps the .debs of the newest versions the mirror serves; older ones are removed below).
wanted=()
for p in "${ARM_PKGS[@]}"; do
    wanted+=("$p:arm64")
done
wanted+=("$QEMU_PKG:amd64")
log "apt-get download ${wanted[*]}"
(cd "$DIR/debs" && rm -f ./*.deb && apt-get "${APT[@]}" -q download "${wanted[@]}") >"$DIR/debs/download.log" 2>&1 \
    || { cat "$DIR/debs/download.log" >&2; die "apt-get download from $MIRROR $SUITE failed (log above)"; }
deb_of() {   # $1 package, $2 arch: prints the downloaded .deb or dies
    local f
    f=$(find "$DIR/debs" -maxdepth 1 -name "$1_*_$2.deb" -print -quit)
    [ -n "$f" ] || die "the download of $1:$2 produced no .deb (see $DIR/debs/download.log)"
    echo "$f"
}
versions=()
for p in "${ARM_PKGS[@]}"; do
    f=$(deb_of "$p" arm64)
    versions+=("$p:arm64=$(dpkg-deb -f "$f" Version)")
done
qemu_deb=$(deb_of "$QEMU_PKG" amd64)
versions+=("$QEMU_PKG:amd64=$(dpkg-deb -f "$qemu_deb" Version)")

# 3. Sysroot: extract into a fresh folder, then swap it in, so an interrupted run never leaves half a sysroot.
rm -rf "$S.new"
mkdir -p "$S.new"
for p in "${ARM_PKGS[@]}"; do
    dpkg-deb -x "$(deb_of "$p" arm64)" "$S.new" || die "cannot extract $p:arm64"
done
ln -sfn usr/lib "$S.new/lib"
find "$S.new" -lname '/*' -print0 | while IFS= read -r -d '' l; do
    target=$(readlink "$l")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$S.new$target")" "$l"
done
[ -x "$S.new/$JRE_REL/bin/java" ] || die "$JRE_PKG:arm64 did not contain $JRE_REL/bin/java"
rm -rf "$DIR/qemu.new"
mkdir -p "$DIR/qemu.new"
dpkg-deb --fsys-tarfile "$qemu_deb" | tar -x -C "$DIR/qemu.new" ./usr/bin/qemu-aarch64 \
    || die "$qemu_deb did not contain usr/bin/qemu-aarch64"
rm -rf "$S" "$DIR/qemu"
mv "$S.new" "$S"
mv "$DIR/qemu.new" "$DIR/qemu"

# 4. The wrapper. QEMU_AARCH64 overrides the emulator (e.g. bookworm's qemu-aarch64-static).
# launchMechanism=FORK: the default (POSIX_SPAWN) execs the JRE's aarch64 lib/jspawnhelper, which the host kernel
# cannot run without a binfmt_misc handler ("Failed to exec spawn helper", exit 127); with FORK the JVM's child
# execs the target directly, so ProcessBuilder works and host (x86_64) programs run natively. A later
# -Djdk.lang.Process.launchMechanism=... on the command line wins.
cat > "$JAVA" <<EOF
#!/bin/sh
# aarch64 OpenJDK 25 under qemu-user, written by panamax build-support/arm64/setup.sh.
exec "\${QEMU_AARCH64:-$DIR/qemu/usr/bin/qemu-aarch64}" -L "$S" "$S/$JRE_REL/bin/java" \\
    -Djdk.lang.Process.launchMechanism=FORK "\$@"
EOF
chmod +x "$JAVA"
cp "$S/$JRE_REL/release" "$DIR/release"

log "checking the wrapper: $JAVA -version"
out=$("$JAVA" -XshowSettings:properties -version 2>&1) || { echo "$out" >&2; die "the aarch64 java does not start"; }
arch=$(echo "$out" | sed -n 's/^ *os\.arch = //p')
[ "$arch" = aarch64 ] || { echo "$out" >&2; die "the wrapper's JVM reports os.arch=$arch, expected aarch64"; }
qemu_v=$("$DIR/qemu/usr/bin/qemu-aarch64" --version | head -n1)
java_v=$(echo "$out" | grep -m1 -E '^(openjdk|java) version')
{
    echo "recipe=$RECIPE"
    printf '%s\n' "${versions[@]}"
} > "$STAMP"
log "versions: ${versions[*]}"
log "$qemu_v; $java_v; os.arch=$arch"
rm -f "$DIR/apt/cache/archives"/*.deb "$DIR/debs"/*.deb   # extracted; a refresh downloads again
echo "$JAVA"
