#!/usr/bin/env bash
# Boots a full-system emulated VM (qemu-system, TCG, no KVM) with the repo's built classes and test classes, runs
# one command in it, prints the command's output and exits with its exit status.
#
# Usage: build-support/vm/run.sh <x86_64-numa|arm64|arm64-16k> <cmd...>
#   x86_64-numa  qemu-system-x86_64, Debian 6.12 cloud kernel, 2 vCPUs, 2 NUMA nodes (CPU 0 + 1 GiB on node 0,
#                CPU 1 + 1 GiB on node 1)
#   arm64        qemu-system-aarch64 -M virt -cpu max, Debian 6.12 cloud arm64 kernel, 2 vCPUs, 2 NUMA nodes
#                (CPU 0 + 1.5 GiB, CPU 1 + 1.5 GiB): real io_uring and mbind on an aarch64 kernel
#   arm64-16k    the same machine booting Debian's generic 6.12 arm64 kernel built for 16 KiB pages
#                (linux-image-*-arm64-16k): every mmap, madvise and O_DIRECT rule at a page size other than 4 KiB
# The command runs as root in /work inside the guest, with PATH holding busybox, the JDK and /work/bin/junit:
#   junit <console launcher args>   runs the JUnit Platform console launcher on the modules' classes, e.g.
#   build-support/vm/run.sh x86_64-numa junit --select-class dev.panamax.ffm.NumaTest
# /work holds <module>/classes and <module>/test-classes for each module in PANAMAX_VM_MODULES, and
# lib/junit-platform-console-standalone.jar. Build the classes first (./build -pl <modules> -am test-compile).
#
# Env:  PANAMAX_VM_DIR       cache folder of setup.sh (default ~/.cache/panamax/vm)
#       PANAMAX_VM_MODULES   modules whose classes go to /work (default "ffm-bindings allocators io")
#       PANAMAX_VM_SMP / PANAMAX_VM_MEM_MB   vCPUs (default 2, one per node) and memory (default 2048 / 3072)
#       PANAMAX_VM_JVM_ARGS  flags for the guest JVM (default: C1 only and Serial GC, faster under emulation)
#       PANAMAX_VM_TIMEOUT   seconds before the VM is killed (default 900)
#       PANAMAX_VM_CONSOLE=1 print the whole serial console (kernel messages included)
# Exit status: the command's; 124 if the VM was killed by the timeout; 99 if the command never reported one.
set -euo pipefail
die() {
    echo "panamax vm: ERROR: $*" >&2
    exit 2
}
[ $# -ge 2 ] || die "usage: $0 <x86_64-numa|arm64|arm64-16k> <cmd...>"
lane=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
V=$("$here/setup.sh" ${PANAMAX_VM_DIR:+"$PANAMAX_VM_DIR"} | tail -n1)
smp=${PANAMAX_VM_SMP:-2}
[ "$smp" -ge 2 ] || die "PANAMAX_VM_SMP must be >= 2 (one CPU per NUMA node)"
cpus0="0-$((smp / 2 - 1))"
cpus1="$((smp / 2))-$((smp - 1))"
cpus0=${cpus0/#0-0/0}
[ "$smp" -eq 2 ] && cpus1=1
case $lane in
    x86_64-numa)
        mem=${PANAMAX_VM_MEM_MB:-2048}
        qemu=(qemu-system-x86_64 -accel tcg -cpu max)
        kernel=$V/kernel-x86_64
        base=$V/base-x86_64.cpio
        console=ttyS0
        jdk=/opt/jdk/bin
        ;;
    arm64 | arm64-16k)
        mem=${PANAMAX_VM_MEM_MB:-3072}
        qemu=(qemu-system-aarch64 -accel tcg -M virt -cpu max)   # -cpu max has the 4, 16 and 64 KiB granules
        kernel=$V/kernel-arm64${lane#arm64}
        base=$V/base-arm64.cpio
        console=ttyAMA0
        jdk=/usr/lib/jvm/java-25-openjdk-arm64/bin
        ;;
    *) die "unknown lane '$lane' (x86_64-numa, arm64 or arm64-16k)" ;;
esac
[ -f "$kernel" ] || die "$kernel missing: run $here/setup.sh"
half=$((mem / 2))
qemu+=(-smp "$smp" -m "${mem}M"
       -object "memory-backend-ram,id=m0,size=${half}M" -numa "node,nodeid=0,cpus=${cpus0},memdev=m0"
       -object "memory-backend-ram,id=m1,size=$((mem - half))M" -numa "node,nodeid=1,cpus=${cpus1},memdev=m1"
       -nographic -monitor none -no-reboot -nic none)

# The JUnit Platform console launcher matching the repo's JUnit (5.x.y -> platform 1.x.y; 6.x -> 6.x).
junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml" | head -n1)
[ -n "$junit" ] || die "no <junit.version> in $root/pom.xml"
case $junit in
    5.*) platform=1.${junit#5.} ;;
    *) platform=$junit ;;
esac
jar=$V/lib/junit-platform-console-standalone-$platform.jar
if [ ! -f "$jar" ]; then
    echo "panamax vm: fetching org.junit.platform:junit-platform-console-standalone:$platform" >&2
    (cd "$root" && ./build -q -N dependency:copy \
        -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
        -DoutputDirectory="$V/lib") >&2 || die "cannot fetch the JUnit console launcher"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/panamax-vm.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/r/work/lib" "$T/r/work/bin"
cp "$jar" "$T/r/work/lib/junit-platform-console-standalone.jar"
cp_list=""
for m in ${PANAMAX_VM_MODULES:-ffm-bindings allocators io}; do
    [ -d "$root/$m/target/classes" ] || die "$m/target/classes missing: run ./build -pl $m -am test-compile"
    for d in classes test-classes; do
        if [ -d "$root/$m/target/$d" ]; then
            mkdir -p "$T/r/work/$m"
            cp -r "$root/$m/target/$d" "$T/r/work/$m/$d"
            cp_list="$cp_list${cp_list:+:}/work/$m/$d"
        fi
    done
done
jvm_args=${PANAMAX_VM_JVM_ARGS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
cat > "$T/r/work/bin/junit" <<EOF
#!/bin/sh
# JUnit Platform console launcher on the classes copied from the repo (written by build-support/vm/run.sh). The
# classes are on the JVM's own class path, not the launcher's --class-path: tests that start a child JVM pass it
# java.class.path.
exec java --enable-native-access=ALL-UNNAMED -Xss2m $jvm_args \\
    -cp "/work/lib/junit-platform-console-standalone.jar:$cp_list" org.junit.platform.console.ConsoleLauncher \\
    execute --disable-banner --disable-ansi-colors --details-theme=ascii "\$@"
EOF
chmod +x "$T/r/work/bin/junit"
cmd=""
for a in "$@"; do
    cmd="$cmd '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"   # keeps the arguments' quoting
done
echo "$cmd" > "$T/r/cmd.sh"
cat > "$T/r/init" <<EOF
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp
mkdir -p /dev/shm; mount -t tmpfs shm /dev/shm
/bin/busybox ip link set lo up   # loopback only: the VM has no network card (-nic none)
export PATH=/work/bin:/bin:/usr/bin:$jdk HOME=/tmp
cd /work
page=\$(sed -n 's/^KernelPageSize: *//p' /proc/self/smaps | head -n1)
echo "@@@BEGIN \$(uname -m) \$(uname -r), \$(nproc) CPUs, nodes \$(cat /sys/devices/system/node/online), page \$page"
sh /cmd.sh
echo "@@@EXIT=\$?"
poweroff -f
EOF
chmod +x "$T/r/init"
(cd "$T/r" && find . | "$V/busybox" cpio -o -H newc 2>/dev/null) > "$T/overlay.cpio" \
    || die "cannot write the per-run cpio (busybox cpio)"
cat "$base" "$T/overlay.cpio" > "$T/initrd.cpio"

start=$(date +%s)
set +e
timeout "${PANAMAX_VM_TIMEOUT:-900}" "${qemu[@]}" -kernel "$kernel" -initrd "$T/initrd.cpio" \
    -append "console=$console panic=-1 rdinit=/init quiet mitigations=off" </dev/null 2>&1 \
    | tr -d '\r' | tee "$T/console.log" | if [ "${PANAMAX_VM_CONSOLE:-0}" = 1 ]; then cat; else
        awk '/@@@EXIT=/ { done = 1 } started && !done { print; fflush() }
             /@@@BEGIN/ { started = 1; sub(/.*@@@BEGIN/, "guest:"); print; fflush() }'
    fi
status=("${PIPESTATUS[@]}")
set -e
elapsed=$(( $(date +%s) - start ))
rc=$(sed -n 's/.*@@@EXIT=\([0-9]*\).*/\1/p' "$T/console.log" | tail -n1)
if [ "${status[0]}" = 124 ]; then
    echo "panamax vm: $lane: killed after ${PANAMAX_VM_TIMEOUT:-900} s" >&2
    rc=124
elif [ -z "$rc" ]; then
    echo "panamax vm: $lane: the guest never reported an exit status; the console's last lines:" >&2
    tail -n 30 "$T/console.log" >&2
    rc=99
fi
echo "panamax vm: $lane: exit $rc after ${elapsed} s (boot + command)" >&2
exit "$rc"
