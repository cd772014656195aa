#!/usr/bin/env bash
# jcstress sanity run on an aarch64 JVM: on an aarch64 machine with the host JDK; on x86_64 with the emulated
# aarch64 OpenJDK 25 of build-support/arm64 (qemu-user). Exits 1 when a selected test is not OK, 2 when the
# emulator cannot be set up (the reason is printed).
#
# Usage: jcstress-tests/run-aarch64.sh [jcstress -t regexp]
#   default tests: a mutex exclusion pair, the spin-lock visibility test and the allocator's racing double free.
# Environment: JCSTRESS_MODE (default sanity; always with -sc false: no split per-actor compilation),
#              JCSTRESS_OUT (default jcstress-tests/target/jcstress-results; this run writes to its aarch64/),
#              PANAMAX_ARM64_DIR (build-support/arm64/setup.sh cache folder).
#
# Why binfmt_misc: jcstress forks its test VMs from the host VM's java.home/bin/java. Under qemu-user that is the
# aarch64 binary in the sysroot, which the x86_64 kernel can only exec through a binfmt_misc handler that names
# qemu-aarch64 as interpreter. This script mounts binfmt_misc when needed (root) and registers such a handler
# (flag F: the kernel opens qemu once, at registration) unless one for aarch64 ELF exists. A handler cannot pass
# qemu's -L option, so the sysroot goes through QEMU_LD_PREFIX, which qemu-user reads from the environment and
# the forks inherit. The host VM gets no extra -XX flags: jcstress copies the host's flags into every fork.
#
# What it proves and does not: the tests run on HotSpot's aarch64 port (its C1 and C2 code generation, its
# barriers for VarHandle modes and FFM), but qemu-user runs them on the host's TSO memory model, so weak-memory
# reorderings stay invisible; that needs real ARM hardware. io_uring tests cannot run under qemu-user (ENOSYS).
set -euo pipefail

main() {

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
default_filter='^dev\.panamax\.jcstress\.(mutex\.FutexMutexStress\.LockVsLock|spinlock\.SpinLockStress\.Visibility'
default_filter+='|alloc\.OffHeapAllocatorStress\.RacingDoubleFree)$'
filter=${1:-$default_filter}
mode=${JCSTRESS_MODE:-sanity}
jar=$here/target/jcstress.jar
if [ ! -f "$jar" ]; then
    echo "== building $jar"
    "$root/build" -q -Dstyle.color=never -pl jcstress-tests -am package -DskipTests
fi

if [ "$(uname -m)" = aarch64 ]; then
    . "$root/build-support/find-jdk.sh"
    panamax_find_jdk || exit 2
    java=("$JAVA_HOME/bin/java")
else
    wrapper=$("$root/build-support/arm64/setup.sh" ${PANAMAX_ARM64_DIR:+"$PANAMAX_ARM64_DIR"} | tail -n1)
    dir=$(dirname "$(dirname "$wrapper")")
    qemu=${QEMU_AARCH64:-$dir/qemu/usr/bin/qemu-aarch64}
    sysroot=$dir/sysroot
    guest_java=$sysroot/usr/lib/jvm/java-25-openjdk-arm64/bin/java
    binfmt=/proc/sys/fs/binfmt_misc
    if [ ! -e "$binfmt/register" ]; then
        mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || {
            echo "cannot mount binfmt_misc on $binfmt (needs root / CAP_SYS_ADMIN): jcstress's forked aarch64" \
                "VMs cannot be exec'd on this x86_64 kernel" >&2
            exit 2
        }
    fi
    # An enabled handler whose magic is the aarch64 ELF header (e_machine 0xb7), whoever registered it.
    if ! grep -lqs 'magic 7f454c460201010000000000000000000200b700' "$binfmt"/*; then
        magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
        mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
        printf '%s' ":panamax-qemu-aarch64:M::$magic:$mask:$qemu:F" > "$binfmt/register" 2>/dev/null || {
            echo "cannot register a binfmt_misc handler for aarch64 ELF in $binfmt (needs root)" >&2
            exit 2
        }
        echo "== registered binfmt_misc handler panamax-qemu-aarch64 -> $qemu"
    fi
    export QEMU_LD_PREFIX=$sysroot
    if ! "$guest_java" -version > /dev/null 2>&1; then
        echo "the aarch64 java ($guest_java) does not start through binfmt_misc: is the aarch64 handler enabled" \
            "and its interpreter a qemu-user that honours QEMU_LD_PREFIX?" >&2
        exit 2
    fi
    java=("$wrapper")
fi

arch=$("${java[@]}" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os.arch = //p')
if [ "$arch" != aarch64 ]; then
    echo "the test JVM reports os.arch=${arch:-?}, not aarch64" >&2
    exit 2
fi
out=${JCSTRESS_OUT:-$here/target/jcstress-results}/aarch64
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)
echo "== jcstress $mode on aarch64 (${java[0]}): $filter"
# jcstress binds threads through JNA, which unpacks its native library under ~/.cache/JNA by default: an x86_64
# jcstress run at the same time can replace it under the aarch64 VMs (UnsatisfiedLinkError in their forks).
jna="-Djna.tmpdir=$out/jna"
mkdir -p "$out/jna"
(cd "$out" && "${java[@]}" --enable-native-access=ALL-UNNAMED "$jna" -jar "$jar" \
    -jvmArgsPrepend "--enable-native-access=ALL-UNNAMED $jna" -m "$mode" -sc false -t "$filter" -v \
    -r "$out/report" > "$out/console.log" 2>&1) || true  # jcstress exits 1 on failed tests; we grade
elapsed=$(( $(date +%s) - start ))
if ! grep -q '^RUN RESULTS:' "$out/console.log"; then
    echo "jcstress did not finish; see $out/console.log:" >&2
    tail -20 "$out/console.log" >&2
    exit 1
fi
sed -n '/^RUN RESULTS:/,$p' "$out/console.log" |
    sed -n -E 's/^\.+ \[([A-Z ]+)\] (dev\.panamax\.[^ ]+).*/\1 \2/p' | sort -u > "$out/status.txt"
total=$(awk '{ print $NF }' "$out/status.txt" | sort -u | wc -l)
bad=$(awk '$1 != "OK" { print $NF }' "$out/status.txt" | sort -u)
echo "== jcstress aarch64 $mode summary (${elapsed}s): tests run $total; not OK: ${bad:-none};" \
    "test JVM $arch; report in $out/report/index.html"
[ "$total" -gt 0 ] && [ -z "$bad" ]
}

main "$@"
