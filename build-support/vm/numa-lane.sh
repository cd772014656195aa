#!/usr/bin/env bash
# The NUMA lane: the NUMA tests of ffm-bindings and allocators in an x86_64 VM with two emulated NUMA nodes
# (qemu-system-x86_64 -accel tcg, Debian 6.12 kernel, CPU 0 + 1 GiB on node 0, CPU 1 + 1 GiB on node 1).
# The multi-node tests skip on a single-node host; here every one of them must run and pass.
#
# Usage: build-support/vm/numa-lane.sh [extra console launcher args]   (see lane.sh for the environment)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/lane.sh" x86_64-numa ffm-bindings,allocators \
    --select-class dev.panamax.ffm.NumaTest \
    --select-class dev.panamax.ffm.NumaMultiNodeTest \
    --select-class dev.panamax.alloc.MultiNodeAllocatorTest \
    --select-method 'dev.panamax.alloc.KernelMemoryTest#shouldPlacePagesOnNodeZeroWhenBoundToIt' \
    --select-method 'dev.panamax.alloc.KernelMemoryTest#shouldRejectNodeWhenItIsNotOnline' \
    "$@"
