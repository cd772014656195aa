#!/usr/bin/env bash
# The emulated aarch64 test lane: runs ffm-bindings' unit tests on an aarch64 OpenJDK 25 under qemu-user
# (set up by setup.sh next to this script), while Maven itself runs on the host's JDK.
#
# Usage: build-support/arm64/test.sh [maven args...]     e.g.  build-support/arm64/test.sh -Dtest=ArchLaneTest
# Env:   PANAMAX_ARM64_DIR      cache folder for setup.sh (default ~/.cache/panamax/arm64)
#        PANAMAX_ARM64_MODULES  Maven -pl list (default ffm-bindings)
#        PANAMAX_ARM64_JVM_ARGS flags for the emulated JVM (default: C1 only and Serial GC, ~30% faster under qemu)
# On an aarch64 machine it runs the same tests on the host JDK, without emulation.
# Exit status: Maven's. The last line is the summary: os.arch of the test JVM and the test counts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
. build-support/find-jdk.sh
panamax_find_jdk || exit 1

modules=${PANAMAX_ARM64_MODULES:-ffm-bindings}
jvm_args=${PANAMAX_ARM64_JVM_ARGS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
if [ "$(uname -m)" = aarch64 ]; then
    echo "panamax arm64 lane: this machine is aarch64; running on the host JDK, no emulation" >&2
    jvm=$JAVA_HOME/bin/java
    jvm_args="-Dpanamax.expectQemuUser=false"
else
    jvm=$("$here/setup.sh" ${PANAMAX_ARM64_DIR:+"$PANAMAX_ARM64_DIR"} | tail -n1)
    # Child JVMs (cross-process tests) must start through the wrapper too: the aarch64 binary needs qemu.
    jvm_args="$jvm_args -Dpanamax.expectQemuUser=true -Dpanamax.test.java=$jvm"
fi

IFS=, read -r -a mods <<< "$modules"
for m in "${mods[@]}"; do
    rm -rf "$m/target/surefire-reports"   # the summary must count this run only
done
jvm_args="$jvm_args -Dpanamax.expectArch=aarch64"
echo "panamax arm64 lane: ./build -pl $modules test -Dtest.jvm=$jvm -Dtest.jvmArgs=\"$jvm_args\" $*" >&2
start=$(date +%s)
rc=0
./build -pl "$modules" test -Dtest.jvm="$jvm" -Dtest.jvmArgs="$jvm_args" "$@" || rc=$?
elapsed=$(( $(date +%s) - start ))

reports=()
for m in "${mods[@]}"; do
    reports+=("$m/target/surefire-reports")
done
echo   # Maven's last colour reset has no newline
"$JAVA_HOME/bin/java" "$here/LaneSummary.java" aarch64 "$elapsed" "${reports[@]}" || true
exit $rc
