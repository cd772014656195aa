#!/usr/bin/env bash
# The full-system arm64 lane: io_uring and NUMA tests on a real aarch64 Linux kernel (Debian 6.12 cloud arm64,
# qemu-system-aarch64 -M virt -cpu max -accel tcg, two emulated NUMA nodes), where the qemu-user lane
# (build-support/arm64) only gets ENOSYS for io_uring and the NUMA calls. ArchLaneTest checks that the JVM is
# aarch64, not under qemu-user, and sees 4 KiB pages (the cloud kernel's).
#
# Usage: build-support/vm/arm64-lane.sh [extra console launcher args]   (see lane.sh for the environment)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jvm_args=${PANAMAX_VM_JVM_ARGS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
export PANAMAX_VM_JVM_ARGS="$jvm_args -Dpanamax.expectArch=aarch64 -Dpanamax.expectQemuUser=false \
    -Dpanamax.expectPageSize=4096"
exec "$here/lane.sh" arm64 ffm-bindings,allocators,io \
    --select-class dev.panamax.ffm.ArchLaneTest \
    --select-class dev.panamax.ffm.IoUringSyscallsTest \
    --select-class dev.panamax.ffm.IoUringOpsTest \
    --select-class dev.panamax.io.uring.IoUringTest \
    --select-class dev.panamax.ffm.NumaTest \
    --select-class dev.panamax.ffm.NumaMultiNodeTest \
    --select-class dev.panamax.alloc.MultiNodeAllocatorTest \
    "$@"
