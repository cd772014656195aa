#!/usr/bin/env python3
"""Fails CI when a test was skipped on the native x86_64 lane for a reason this machine does not have.

Tests skip with assumeTrue(feature, reason) only where a kernel or sandbox really lacks a feature. The CI
machine is a full x86_64 kernel with io_uring, NUMA syscalls, futex2, O_DIRECT and reserved huge pages, so
on it every skip must be one of the arch-specific ones allowed below; anything else means a feature went
missing and the tests for it silently stopped running.

Usage: check-skips.py REPO_ROOT
"""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

# (test class, test method regexp, why the skip is expected on x86_64)
ALLOWED = [
    ("dev.panamax.ffm.internal.uapi.ArchTablesTest", r"shouldSelectAarch64Table.*", "aarch64 facade check"),
    ("dev.panamax.ffm.ArchLaneTest", r".*", "runs only when a lane sets panamax.expectArch/expectQemuUser/expectPageSize"),
    ("dev.panamax.ffm.NumaMultiNodeTest", r".*", "single-node host; runs in the NUMA VM lane"),
    ("dev.panamax.alloc.MultiNodeAllocatorTest", r".*", "single-node host; runs in the NUMA VM lane"),
]


def allowed(cls, name):
    return any(cls == c and re.fullmatch(m, name) for c, m, _ in ALLOWED)


def main(root):
    reports = sorted(pathlib.Path(root).glob("*/target/surefire-reports/TEST-*.xml"))
    if not reports:
        print("check-skips: no surefire reports found", file=sys.stderr)
        return 1
    total = skipped = 0
    bad = []
    for report in reports:
        for case in ET.parse(report).getroot().iter("testcase"):
            total += 1
            skip = case.find("skipped")
            if skip is None:
                continue
            skipped += 1
            cls, name = case.get("classname"), case.get("name")
            if not allowed(cls, name):
                reason = (skip.get("message") or skip.text or "").strip().splitlines()
                bad.append(f"{cls}.{name}: {reason[0] if reason else 'no reason given'}")
    print(f"check-skips: {total} tests in {len(reports)} reports, {skipped} skipped, {len(bad)} unexpected")
    for line in bad:
        print(f"  unexpected skip: {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
