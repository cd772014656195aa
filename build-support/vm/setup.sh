#!/usr/bin/env bash
# Sets up the full-system emulated VM lanes (qemu-system, TCG, no KVM): Debian trixie's 6.12 cloud kernels for
# x86_64 and arm64, its generic arm64 kernel with 16 KiB pages, and two initramfs base images holding a JDK 25, its
# libraries and busybox.
#
# Usage: build-support/vm/setup.sh [DIR]
#   DIR  cache folder (default: $PANAMAX_VM_DIR, else ${XDG_CACHE_HOME:-~/.cache}/panamax/vm)
# Env:  PANAMAX_DEBIAN_MIRROR  (default http://deb.debian.org/debian)
#       PANAMAX_VM_REFRESH=1   download and build again even when the cache is complete
#       PANAMAX_VM_INSTALL=0   never apt-get install qemu-system-x86/qemu-system-arm (fail if they are missing)
#
# Idempotent: a complete cache is reused without touching the network. Prints the versions; the last line of
# stdout is DIR. Needs root only to apt-get install the two qemu-system packages when they are missing.
#
# What it builds under DIR (run.sh next to this script boots it):
#   kernel-x86_64   vmlinuz of linux-image-6.12.*-cloud-amd64 (trixie; CONFIG_NUMA=y)
#   kernel-arm64    vmlinuz of linux-image-6.12.*-cloud-arm64-unsigned (trixie; io_uring and NUMA built in)
#   kernel-arm64-16k  vmlinuz of linux-image-6.12.*-arm64-16k-unsigned (trixie; CONFIG_ARM64_16K_PAGES=y): fetched
#                   on its own (stamp .complete-arm64-16k), so a cache made before it existed is not rebuilt
#   base-x86_64.cpio  host glibc + a jlinked copy of the build JDK (x86_64) + busybox-static:amd64
#   busybox         busybox-static:amd64, which run.sh uses to write the per-run cpio
#   base-arm64.cpio   the arm64 OpenJDK 25 sysroot of build-support/arm64/setup.sh + busybox-static:arm64
# The guest root is an initramfs: run.sh appends a second cpio (the work folder and /init) to a base one; the
# kernel merges concatenated archives.
set -euo pipefail

RECIPE=2   # bump when the layout of DIR changes, so older caches are rebuilt
die() {
    echo "panamax vm setup: ERROR: $*" >&2
    exit 1
}
log() {
    echo "panamax vm setup: $*" >&2
}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
DIR=${1:-${PANAMAX_VM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/panamax/vm}}
MIRROR=${PANAMAX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie

[ "$(uname -m)" = x86_64 ] || die "the recipe builds an x86_64 base image from this machine's JDK; this is $(uname -m)"
for tool in apt-get apt-cache dpkg-deb tar find ldd; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; this script needs a Debian-based machine"
done
mkdir -p "$DIR" || die "cannot create $DIR"
DIR=$(cd "$DIR" && pwd)
if command -v flock >/dev/null 2>&1; then
    exec 9>"$DIR/.lock"
    flock 9
fi
STAMP=$DIR/.complete

# 0. The emulators, from this machine's own apt sources (bookworm has qemu 7.2: enough for both guests).
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || ! command -v qemu-system-aarch64 >/dev/null 2>&1; then
    [ "${PANAMAX_VM_INSTALL:-1}" = 1 ] || die "qemu-system-x86_64/qemu-system-aarch64 missing (PANAMAX_VM_INSTALL=0)"
    [ "$(id -u)" = 0 ] || die "install qemu-system-x86 and qemu-system-arm (apt-get install --no-install-recommends)"
    log "apt-get install --no-install-recommends qemu-system-x86 qemu-system-arm"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 qemu-system-arm \
        >"$DIR/qemu-install.log" 2>&1 || { cat "$DIR/qemu-install.log" >&2; die "apt-get install failed"; }
fi

# The private apt configuration of steps 2 and 5 (own source list, lists and cache under DIR/apt; nothing under
# /etc/apt is touched); apt_update runs at most once per run.
mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/cache/archives/partial" "$DIR/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring not found: install the package 'debian-archive-keyring'"
echo "deb [arch=arm64,amd64 signed-by=$keyring] $MIRROR $SUITE main" > "$DIR/apt/sources.list"
APT=(-o "Dir::Etc::SourceList=$DIR/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache=$DIR/apt/cache" -o "Dir::State::Status=/dev/null"
     -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o Acquire::Languages=none)
if [ "$(id -u)" = 0 ]; then
    APT+=(-o APT::Sandbox::User=root)
fi
updated=0
apt_update() {
    [ "$updated" = 0 ] || return 0
    log "apt-get update: $MIRROR $SUITE main (arm64, amd64) into $DIR/apt"
    apt-get "${APT[@]}" -q update >"$DIR/apt/update.log" 2>&1 \
        || { cat "$DIR/apt/update.log" >&2; die "apt-get update of $MIRROR $SUITE failed (log above)"; }
    updated=1
}
newest() {   # $1: regexp of package names; prints the newest name
    apt-cache "${APT[@]}" search --names-only "$1" | awk '{print $1}' | sort -V | tail -n1
}
deb_of() {   # $1 package, $2 arch
    local f
    f=$(find "$DIR/debs" -maxdepth 1 -name "$1_*_$2.deb" -print -quit)
    [ -n "$f" ] || die "the download of $1:$2 produced no .deb (see $DIR/debs/download.log)"
    echo "$f"
}
T=$(mktemp -d "$DIR/build.XXXXXX")
trap 'rm -rf "$T"' EXIT

if [ "${PANAMAX_VM_REFRESH:-0}" != 1 ] && [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "recipe=$RECIPE" ] \
        && [ -f "$DIR/base-x86_64.cpio" ] && [ -f "$DIR/base-arm64.cpio" ] && [ -x "$DIR/busybox" ]; then
    log "cached in $DIR"
else
    rm -f "$STAMP"

    # 1. The arm64 JDK sysroot (shared with the qemu-user lane).
    arm_java=$("$root/build-support/arm64/setup.sh" | tail -n1)
    ARM_DIR=$(dirname "$(dirname "$arm_java")")
    [ -d "$ARM_DIR/sysroot/usr/lib/jvm" ] || die "build-support/arm64/setup.sh left no sysroot in $ARM_DIR"

    # 2. Kernels and busybox from trixie.
    apt_update
    KX=$(newest '^linux-image-6\.12\.[0-9.]+\+deb13-cloud-amd64$')
    KA=$(newest '^linux-image-6\.12\.[0-9.]+\+deb13-cloud-arm64-unsigned$')
    [ -n "$KX" ] && [ -n "$KA" ] || die "no 6.12 cloud kernel found in $SUITE (amd64: '$KX', arm64: '$KA')"
    log "apt-get download $KX:amd64 $KA:arm64 busybox-static:amd64 busybox-static:arm64"
    (cd "$DIR/debs" && rm -f ./*.deb && apt-get "${APT[@]}" -q download "$KX:amd64" "$KA:arm64" \
        busybox-static:amd64 busybox-static:arm64) >"$DIR/debs/download.log" 2>&1 \
        || { cat "$DIR/debs/download.log" >&2; die "apt-get download failed (log above)"; }
    for spec in "$KX amd64 kx" "$KA arm64 ka" "busybox-static amd64 bbx" "busybox-static arm64 bba"; do
        set -- $spec
        dpkg-deb -x "$(deb_of "$1" "$2")" "$T/$3" || die "cannot extract $1:$2"
    done
    cp "$(find "$T/kx/boot" -name 'vmlinuz-*' -print -quit)" "$DIR/kernel-x86_64.new"
    cp "$(find "$T/ka/boot" -name 'vmlinuz-*' -print -quit)" "$DIR/kernel-arm64.new"
    grep -q '^CONFIG_NUMA=y' "$T"/kx/boot/config-* || die "$KX was built without CONFIG_NUMA"
    grep -q '^CONFIG_NUMA=y' "$T"/ka/boot/config-* || die "$KA was built without CONFIG_NUMA"
    grep -q '^CONFIG_IO_URING=y' "$T"/ka/boot/config-* || die "$KA was built without CONFIG_IO_URING"

    TOOLS="sh mount umount uname cat poweroff echo grep nproc date ls free sed mkdir rm cp mv ln touch chmod env true false sleep
           mkfifo ip dd head tail wc kill ps id mktemp stat df sync"
    skeleton() {   # $1: root folder
        mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/work" "$1/etc"
        for c in $TOOLS; do
            ln -sf busybox "$1/bin/$c"
        done
    }
    cpio_of() {   # $1: folder, $2: output; newc archive made by the host's busybox from the extracted package
        (cd "$1" && find . | "$T/bbx/usr/bin/busybox" cpio -o -H newc 2>/dev/null) > "$2"
    }

    # 3. arm64 base: the arm64 JRE sysroot (Debian's paths: /usr/lib/jvm/java-25-openjdk-arm64) + arm64 busybox.
    mkdir "$T/rarm"
    cp -a "$ARM_DIR/sysroot/." "$T/rarm/"
    rm -rf "$T/rarm/usr/share/doc" "$T/rarm/usr/share/man" "$T/rarm/usr/share/locale"
    skeleton "$T/rarm"
    rm -f "$T/rarm/bin"/busybox
    cp "$T/bba/usr/bin/busybox" "$T/rarm/bin/busybox"
    cpio_of "$T/rarm" "$DIR/base-arm64.cpio.new"

    # 4. x86_64 base: the libraries the build JDK links against, copied from this machine, + a jlinked JDK.
    . "$root/build-support/find-jdk.sh"
    panamax_find_jdk || exit 1
    skeleton "$T/rx86"
    for f in "$JAVA_HOME/bin/java" "$JAVA_HOME"/lib/server/libjvm.so "$JAVA_HOME"/lib/*.so; do
        ldd "$f" 2>/dev/null || true
    done | grep -oE '/[^ ]*\.so[^ ]*' | grep -v "^$JAVA_HOME" | sort -u | while read -r lib; do
        cp --parents -L "$lib" "$T/rx86"
    done
    [ -d "$T/rx86/lib64" ] || die "no ELF interpreter (/lib64/ld-linux-x86-64.so.2) found through ldd"
    "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.xml,java.naming,jdk.unsupported,java.scripting,jdk.management,jdk.zipfs \
        --strip-debug --no-man-pages --no-header-files --output "$T/rx86/opt/jdk" || die "jlink failed"
    cp "$T/bbx/usr/bin/busybox" "$T/rx86/bin/busybox"
    cpio_of "$T/rx86" "$DIR/base-x86_64.cpio.new"

    cp "$T/bbx/usr/bin/busybox" "$DIR/busybox.new"   # run.sh writes its per-run cpio with it
    for f in kernel-x86_64 kernel-arm64 base-arm64.cpio base-x86_64.cpio busybox; do
        mv "$DIR/$f.new" "$DIR/$f"
    done
    host_java=$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)
    {
        echo "recipe=$RECIPE"
        echo "x86_64 kernel: $KX=$(dpkg-deb -f "$(deb_of "$KX" amd64)" Version)"
        echo "arm64 kernel: $KA=$(dpkg-deb -f "$(deb_of "$KA" arm64)" Version)"
        echo "busybox-static=$(dpkg-deb -f "$(deb_of busybox-static arm64)" Version)"
        echo "x86_64 JDK: jlink of $JAVA_HOME ($host_java)"
        echo "arm64 JDK: $(grep openjdk "$ARM_DIR/.complete")"
        echo "$(qemu-system-x86_64 --version | head -n1); $(qemu-system-aarch64 --version | head -n1)"
        echo "base images: x86_64 $(du -m "$DIR/base-x86_64.cpio" | cut -f1) MB, arm64 $(du -m "$DIR/base-arm64.cpio" | cut -f1) MB"
    } > "$STAMP"
    rm -f "$DIR/debs"/*.deb "$DIR/apt/cache/archives"/*.deb
fi
grep -v '^recipe=' "$STAMP" | sed 's/^/panamax vm setup:   /' >&2

# 5. The generic arm64 kernel built for 16 KiB pages (the arm64-16k lane). Debian ships no 64 KiB flavour. It has
# its own stamp: adding it to a cache made before it existed downloads one package and rebuilds nothing else.
STAMP16=$DIR/.complete-arm64-16k
if [ "${PANAMAX_VM_REFRESH:-0}" = 1 ] || [ ! -f "$STAMP16" ] || [ ! -f "$DIR/kernel-arm64-16k" ]; then
    rm -f "$STAMP16"
    apt_update
    K16=$(newest '^linux-image-6\.12\.[0-9.]+\+deb13-arm64-16k-unsigned$')
    [ -n "$K16" ] || die "no 6.12 arm64-16k kernel found in $SUITE"
    log "apt-get download $K16:arm64"
    (cd "$DIR/debs" && rm -f ./*.deb && apt-get "${APT[@]}" -q download "$K16:arm64") \
        >"$DIR/debs/download.log" 2>&1 \
        || { cat "$DIR/debs/download.log" >&2; die "apt-get download failed (log above)"; }
    # Only /boot is needed: the root is an initramfs, so no module is ever loaded.
    dpkg-deb --fsys-tarfile "$(deb_of "$K16" arm64)" | tar -x -C "$T" ./boot || die "cannot extract $K16"
    for option in ARM64_16K_PAGES NUMA IO_URING BLK_DEV_INITRD SERIAL_AMBA_PL011_CONSOLE DEVTMPFS TMPFS; do
        grep -q "^CONFIG_$option=y" "$T"/boot/config-*16k || die "$K16 was built without CONFIG_$option (built in)"
    done
    cp "$(find "$T/boot" -name 'vmlinuz-*16k' -print -quit)" "$DIR/kernel-arm64-16k.new"
    mv "$DIR/kernel-arm64-16k.new" "$DIR/kernel-arm64-16k"
    echo "arm64 16k kernel: $K16=$(dpkg-deb -f "$(deb_of "$K16" arm64)" Version)" > "$STAMP16"
    rm -f "$DIR/debs"/*.deb "$DIR/apt/cache/archives"/*.deb
fi
sed 's/^/panamax vm setup:   /' "$STAMP16" >&2
echo "$DIR"
