#!/usr/bin/env bash
# Shared by numa-lane.sh, arm64-lane.sh and arm64-16k-lane.sh: builds the modules' test classes, boots the VM of
# one lane with run.sh, runs the JUnit console launcher on the selected tests, and fails when a test failed or was
# aborted (an assumption that did not hold: in a VM lane every selected test must really run).
#
# Usage: build-support/vm/lane.sh <x86_64-numa|arm64|arm64-16k> <modules,comma,separated> <launcher selectors...>
# Env:   PANAMAX_VM_NO_BUILD=1  use the classes already under */target (no Maven run)
#        PANAMAX_VM_GUEST_SETUP  a shell command the guest runs (as root) before the tests, e.g. reserving huge pages
# The last line is the summary: lane, kernel, test counts and durations.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lane=$1
modules=$2
shift 2
cd "$root"
"$here/setup.sh" >/dev/null
t0=$(date +%s)
if [ "${PANAMAX_VM_NO_BUILD:-0}" != 1 ]; then
    echo "panamax $lane lane: ./build -q -pl $modules -am test-compile" >&2
    ./build -q -pl "$modules" -am test-compile
fi
t1=$(date +%s)
log=$(mktemp "${TMPDIR:-/tmp}/panamax-lane.XXXXXX")
trap 'rm -f "$log"' EXIT
rc=0
tests=(junit)
if [ -n "${PANAMAX_VM_GUEST_SETUP:-}" ]; then
    tests=(sh -c "$PANAMAX_VM_GUEST_SETUP && exec junit \"\$@\"" sh)
fi
PANAMAX_VM_MODULES=${modules//,/ } "$here/run.sh" "$lane" "${tests[@]}" "$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
t2=$(date +%s)
count() {   # $1: the word after the number in the launcher's summary ("tests successful")
    sed -n "s/^\[ *\([0-9]*\) $1 *\]$/\1/p" "$log" | tail -n1
}
found=$(count 'tests found')
ok=$(count 'tests successful')
failed=$(count 'tests failed')
aborted=$(count 'tests aborted')
skipped=$(count 'tests skipped')
guest=$(sed -n 's/^guest: //p' "$log" | head -n1)
if [ -z "$found" ]; then
    echo "panamax $lane lane: no JUnit summary in the guest's output" >&2
    [ "$rc" != 0 ] || rc=1
elif [ "$found" = 0 ] || [ "${aborted:-0}" != 0 ] || [ "${skipped:-0}" != 0 ]; then
    echo "panamax $lane lane: $found tests found, $aborted aborted (assumption failed), $skipped skipped:" \
        "every selected test must run in the VM" >&2
    [ "$rc" != 0 ] || rc=1
fi
echo "panamax $lane lane: guest $guest: tests found ${found:-?}, successful ${ok:-?}, failed ${failed:-?}," \
    "aborted ${aborted:-?}, skipped ${skipped:-?}; build $((t1 - t0)) s, VM $((t2 - t1)) s, total $((t2 - t0)) s;" \
    "exit $rc"
exit "$rc"
