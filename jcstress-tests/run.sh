#!/usr/bin/env bash
# Runs the jcstress suite in two invocations, the real tests and the negative controls, and grades both:
# exits 1 when any real test is not OK (FAILED, ERROR, ...) or any control did NOT fail (a harness that cannot
# fail proves nothing), 2 on a usage or setup error.
#
# Usage: jcstress-tests/run.sh [quick|long]
#   quick  (default, CI) one fork per JVM mode (-Xint, C1, C2), no split compilation, 2 x 100 ms per fork:
#          a few minutes on 2 cores.
#   long   jcstress "tough" preset (split per-actor compilation, C2 stress forks): nightly, an hour or more.
# Environment: JCSTRESS_OUT  where logs and HTML reports go (default jcstress-tests/target/jcstress-results)
#              JCSTRESS_ARGS extra jcstress options appended to both invocations (e.g. "-c 4")
# Builds jcstress-tests/target/jcstress.jar first when it is missing or older than its sources.
set -euo pipefail

# The whole script is one function, read before it runs: editing the file during a run cannot change the run.
main() {

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mode=${1:-quick}
case "$mode" in
    quick) preset=(-m quick -sc false -fsm 0 -iters 2 -time 100) ;;
    long) preset=(-m tough) ;;
    *) echo "usage: $0 [quick|long]" >&2; exit 2 ;;
esac

. "$root/build-support/find-jdk.sh"
panamax_find_jdk || exit 2
java=$JAVA_HOME/bin/java
jar=$here/target/jcstress.jar
if [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$root/primitives/src/main" "$root/ffm-bindings/src/main" \
        "$root/allocators/src/main" "$root/io/src/main" -newer "$jar" -print -quit)" ]; then
    echo "== building $jar (missing or older than its sources)"
    "$root/build" -q -Dstyle.color=never -pl jcstress-tests -am package -DskipTests
fi

out=${JCSTRESS_OUT:-$here/target/jcstress-results}
# White-box tests of package-private protocols live in the package they test (dev.panamax.io.net).
real_filter='^dev\.panamax\.(jcstress\.(mutex|condition|semaphore|spinlock|event|alloc|uring|log|loop)|io\.net)\.'
control_filter='^dev\.panamax\.jcstress\.controls\.'
# The forked test VMs call the futex, mmap, io_uring and file bindings: they need native access as much as the
# host would.
native=--enable-native-access=ALL-UNNAMED
extra=()
if [ -n "${JCSTRESS_ARGS:-}" ]; then
    read -r -a extra <<< "$JCSTRESS_ARGS"
fi

# Prints the names of the tests a filter selects, one per line.
list_tests() {
    "$java" -jar "$jar" -l -t "$1" | grep -E '^dev\.panamax\.' | sort -u
}

# Runs one invocation in its own directory (jcstress writes its result blob to the working directory) and
# prints "STATUS name" per test from the RUN RESULTS section (-v makes it list the passing tests too).
run_suite() {
    local name=$1 filter=$2 dir=$out/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && "$java" -jar "$jar" -jvmArgsPrepend "$native" "${preset[@]}" -t "$filter" -v -r "$dir/report" \
        ${extra[@]+"${extra[@]}"} > "$dir/console.log" 2>&1) || true  # jcstress exits 1 on failed tests; we grade
    if ! grep -q '^RUN RESULTS:' "$dir/console.log"; then
        echo "jcstress did not finish the $name run; see $dir/console.log:" >&2
        tail -20 "$dir/console.log" >&2
        return 1
    fi
    sed -n '/^RUN RESULTS:/,$p' "$dir/console.log" |
        sed -n -E 's/^\.+ \[([A-Z ]+)\] (dev\.panamax\.[^ ]+).*/\1 \2/p' | sort -u > "$dir/status.txt"
}

# Prints the worst status per test: anything but OK wins over OK.
worst() {
    awk '{ s = $1; n = $NF; if (!(n in w) || w[n] == "OK") w[n] = s } END { for (n in w) print w[n], n }' "$1" | sort -k2
}

start=$(date +%s)
echo "== jcstress $mode: real tests ($real_filter)"
mkdir -p "$out"
list_tests "$real_filter" > "$out/real.expected"
list_tests "$control_filter" > "$out/controls.expected"
run_suite real "$real_filter"
echo "== jcstress $mode: negative controls ($control_filter)"
run_suite controls "$control_filter"
elapsed=$(( $(date +%s) - start ))

fail=0
worst "$out/real/status.txt" > "$out/real/worst.txt"
worst "$out/controls/status.txt" > "$out/controls/worst.txt"
real_total=$(wc -l < "$out/real.expected")
real_ok=$(awk '$1 == "OK"' "$out/real/worst.txt" | wc -l)
control_total=$(wc -l < "$out/controls.expected")
control_failed=$(awk '$1 == "FAILED"' "$out/controls/worst.txt" | wc -l)

while read -r test; do
    status=$(awk -v n="$test" '$2 == n { print $1 }' "$out/real/worst.txt")
    if [ "$status" != "OK" ]; then
        echo "REAL TEST NOT OK: ${status:-NOT RUN} $test"
        fail=1
    fi
done < "$out/real.expected"
while read -r test; do
    status=$(awk -v n="$test" '$2 == n { print $1 }' "$out/controls/worst.txt")
    if [ "$status" != "FAILED" ]; then
        echo "CONTROL DID NOT FAIL: ${status:-NOT RUN} $test (the harness missed a known-broken outcome)"
        fail=1
    fi
done < "$out/controls.expected"

if [ "$real_total" -eq 0 ] || [ "$control_total" -eq 0 ]; then
    echo "no tests selected (real: $real_total, controls: $control_total): is the jar built from this tree?"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "-- failing real tests, as jcstress reported them:"
    sed -n '/^RUN RESULTS:/,$p' "$out/real/console.log" | sed -n '/Failed tests:/,/All remaining tests:/p' | head -300
fi
echo "== jcstress $mode summary (${elapsed}s): tests run $((real_total + control_total));" \
    "real passed $real_ok/$real_total; controls failed as expected $control_failed/$control_total;" \
    "reports in $out/{real,controls}/report/index.html"
exit "$fail"
}

main "$@"
