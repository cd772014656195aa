#!/usr/bin/env bash
# Compares `panamax ladder` with PostgreSQL's pg_test_fsync on the same directory, in one run.
#
# Usage: benchmarks/ladder-vs-pg_test_fsync.sh [DIR]     (default DIR: target/ladder-vs-pg in the checkout)
#   SECONDS_PER_TEST=2 (seconds per pg test and per panamax rung), THREADS=8 (group-commit appenders),
#   JMH_WRITE=1 (0 skips the WRITE-vs-FileChannel JMH run), JMH_JAVA_OPTS (extra JVM flags for it, e.g.
#   -Djmh.ignoreLock=true while another JMH run holds /tmp/jmh.lock).
#
# Installs Debian's postgresql-15 (for /usr/lib/postgresql/15/bin/pg_test_fsync) when it is missing, runs
# `pg_test_fsync -f DIR/pgtest -s 2` and `./panamax ladder DIR --json --size 8192 --seconds 2`, and prints the
# issue's three targets, then the other figures:
#   - pg fdatasync ops/s vs panamax FDATASYNC ops/s, and the ratio (target >= 0.9); the durable rungs run on
#     zero-filled segments, DurableLog's default (like pg's WAL: flushes of blocks written before); a second,
#     FDATASYNC-only run with --no-zero-fill shows what unwritten extents cost (no target);
#   - group commit, THREADS appenders vs one writer, both panamax at FDATASYNC (target >= 5x);
#   - WRITE vs FileChannel.write of the same 8 kB heap array, from a short JMH run of LadderBenchmark.append in
#     DIR (target >= 1.0; needs benchmarks/target/benchmarks.jar, built with `./build -pl benchmarks -am package`);
#   - the other 8 kB single-write figures side by side (pg's open_datasync uses O_DIRECT|O_DSYNC like panamax
#     DIRECT; pg's open_sync is O_DIRECT|O_SYNC while panamax SYNC is buffered O_SYNC), and pg's non-sync'ed
#     "write" (which opens and closes the file around each write) vs panamax WRITE.
# Both tools write 8 kB per operation; pg_test_fsync rewrites the start of one pre-written 16 MB file, panamax
# appends framed records to a preallocated log segment. Put DIR on the disk to measure (not a tmpfs /tmp).
# Needs jq or python3 to read the JSON. Exit status: 0 when both tools ran (whether or not targets are met).
set -euo pipefail

here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$here/target/ladder-vs-pg}
secs=${SECONDS_PER_TEST:-2}
threads=${THREADS:-8}
pg=/usr/lib/postgresql/15/bin/pg_test_fsync

die() { echo "ladder-vs-pg_test_fsync: $*" >&2; exit 1; }

mkdir -p "$dir" || die "cannot create $dir"
[ -w "$dir" ] || die "$dir is not writable"
fs=$(stat -f -c %T "$dir" 2>/dev/null || echo unknown)
case $fs in tmpfs|ramfs) echo "warning: $dir is on $fs: neither tool measures a disk there" >&2 ;; esac

if [ ! -x "$pg" ]; then
    [ "$(id -u)" = 0 ] || die "$pg is missing; install postgresql-15 as root (apt-get install postgresql-15)"
    apt-cache show postgresql-15 >/dev/null 2>&1 || apt-get update -qq
    apt-cache show postgresql-15 >/dev/null 2>&1 || die "no postgresql-15 package in the apt sources"
    echo "installing postgresql-15 for pg_test_fsync..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >&2
    [ -x "$pg" ] || die "postgresql-15 installed but $pg is missing"
fi
command -v jq >/dev/null || command -v python3 >/dev/null || die "needs jq or python3 to read panamax's JSON"

work=$(mktemp -d "$dir/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== pg_test_fsync -f $work/pgtest -s $secs" >&2
"$pg" -f "$work/pgtest" -s "$secs" | tee "$work/pg.txt" >&2
rm -f "$work/pgtest"

echo "== panamax ladder $work --json --size 8192 --seconds $secs --threads $threads" >&2
"$here/panamax" ladder "$work" --json --size 8192 --seconds "$secs" --threads "$threads" >"$work/ladder.json"
# What zero fill buys: the same rung on preallocated but unwritten extents (each flush journals a conversion).
echo "== panamax ladder $work --json --size 8192 --seconds $secs --rungs fdatasync --threads 0 --no-zero-fill" >&2
"$here/panamax" ladder "$work" --json --size 8192 --seconds "$secs" --rungs fdatasync --threads 0 --no-zero-fill \
    >"$work/zero.json"

# pg figure: ops/sec of the first line labelled $1 in the section whose heading contains $2.
pgfig() {
    awk -v label="$1" -v section="$2" '
        index($0, section) { on = 1; next }
        on && /^[^ \t]/ && !index($0, "(") { on = 0 }
        on && $1 == label && $3 == "ops/sec" { print $2; exit }
        on && $1 == label && $2 == "n/a" { print "n/a"; exit }' "$work/pg.txt"
}
pg_fdatasync=$(pgfig fdatasync "using one 8kB write")
pg_fsync=$(pgfig fsync "using one 8kB write")
pg_odsync=$(pgfig open_datasync "using one 8kB write")
pg_osync=$(pgfig open_sync "using one 8kB write")
pg_write=$(pgfig write "Non-sync'ed 8kB writes")

# panamax figures as "NAME ops_per_second" lines.
if command -v jq >/dev/null; then
    figures=$(jq -r '(.rungs[] | "\(.rung) \(if .ran then .ops_per_second else "n/a" end) \(.flushes_per_record)"),
        (.group_commit | "GROUP \(.records_per_second) \(.flushes_per_record) \(.threads)"), "FS \(.file_system)"' \
        "$work/ladder.json")
    zero=$(jq -r '.rungs[0].ops_per_second' "$work/zero.json")
else
    figures=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["rungs"]:
    print(r["rung"], r["ops_per_second"] if r["ran"] else "n/a", r["flushes_per_record"])
g = d["group_commit"]
print("GROUP", g["records_per_second"], g["flushes_per_record"], g["threads"])
print("FS", d["file_system"])' "$work/ladder.json")
    zero=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["rungs"][0]["ops_per_second"])' \
        "$work/zero.json")
fi
zero=$(awk -v x="$zero" 'BEGIN { printf "%.1f", x }')
fig() {
    awk -v k="$1" -v f="${2:-2}" '$1 == k { v = $f; if (f == 2 && v ~ /^[0-9.eE+-]+$/) printf "%.1f\n", v; else print v; exit }' \
        <<<"$figures"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "-") print "-"; else print (r + 0 >= t ? "met" : "MISSED") }'; }
row() { printf '%-34s %14s %14s %8s  %s\n' "$@"; }

fdatasync=$(fig FDATASYNC)
group=$(fig GROUP 2)
r_sync=$(ratio "$fdatasync" "$pg_fdatasync")
r_group=$(ratio "$group" "$fdatasync")

echo
echo "pg_test_fsync vs panamax ladder: 8 kB per operation, ${secs} s per test, $dir ($(sed -n 's/^FS //p' <<<"$figures"))"
echo "(ops/s; ratio = panamax / pg; one run each, back to back, on a shared machine)"
echo
row "pg method / panamax rung" "pg_test_fsync" "panamax" "ratio" "target"
row "fdatasync / FDATASYNC" "$pg_fdatasync" "$fdatasync" "$r_sync" ">= 0.90: $(verdict "$r_sync" 0.9)"
r_zero=$(ratio "$zero" "$pg_fdatasync")
row "fdatasync / FDATASYNC --no-zero-fill" "$pg_fdatasync" "$zero" "$r_zero" "(unwritten extents)"
row "fsync / FSYNC" "$pg_fsync" "$(fig FSYNC)" "$(ratio "$(fig FSYNC)" "$pg_fsync")" ""
row "open_datasync / DIRECT" "$pg_odsync" "$(fig DIRECT)" "$(ratio "$(fig DIRECT)" "$pg_odsync")" ""
row "open_sync / SYNC" "$pg_osync" "$(fig SYNC)" "$(ratio "$(fig SYNC)" "$pg_osync")" ""
row "write (non-sync'ed) / WRITE" "${pg_write:-n/a}" "$(fig WRITE)" "$(ratio "$(fig WRITE)" "$pg_write")" ""
echo
row "panamax group commit at FDATASYNC" "1 writer" "$(fig GROUP 4) threads" "ratio" "target"
row "records/s" "$fdatasync" "$group" "$r_group" ">= 5.00: $(verdict "$r_group" 5)"
two() { awk -v x="$1" 'BEGIN { printf "%.2f", x }'; }
printf '%-34s %14s %14s\n' "flushes per record" "$(two "$(fig FDATASYNC 3)")" "$(two "$(fig GROUP 3)")"

# WRITE vs FileChannel.write of the same 8 kB heap array (and of a direct buffer): in-process peers, so JMH.
jar=$here/benchmarks/target/benchmarks.jar
w_heap=- w_direct=-
if [ "${JMH_WRITE:-1}" != 0 ]; then
    if [ -f "$jar" ]; then
        . "$here/build-support/find-jdk.sh"
        panamax_find_jdk
        echo "== JMH LadderBenchmark.append -p rung=WRITE -p impl=panamax,fileChannel,fileChannelHeap" >&2
        mkdir -p "$work/jmh"
        # 0.5 s iterations: about 1 GB of dirty page cache each (deleted with its file after the iteration), below
        # vm.dirty_background_ratio, so no writeback or throttling runs while measuring (2 s ones swung by ±150%).
        # shellcheck disable=SC2086  # JMH_JAVA_OPTS is a list of flags
        "$JAVA_HOME/bin/java" ${JMH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dpanamax.bench.dir="$work/jmh" -cp "$jar" \
            dev.panamax.bench.LadderBenchmark 'LadderBenchmark.append' -p rung=WRITE \
            -p impl=panamax,fileChannel,fileChannelHeap -f 2 -wi 3 -i 6 -w 500ms -r 500ms >"$work/jmh.txt" 2>&1 \
            || { tail -20 "$work/jmh.txt" >&2; echo "JMH run failed" >&2; }
        firstnum() { awk -v k="$1" 'index($0, k) { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+$/) { print $i; exit } }' "$work/jmh.txt"; }
        w_heap=$(firstnum "WRITE: panamax / fileChannelHeap")
        w_direct=$(firstnum "WRITE: panamax / fileChannel (direct")
        grep -E '^LadderBenchmark\.append' "$work/jmh.txt" >&2 || true
    else
        echo "no $jar: build it (./build -q -pl benchmarks -am package -DskipTests) for the WRITE ratio" >&2
    fi
fi
echo
row "panamax WRITE vs FileChannel.write" "(JMH, ops/s)" "" "ratio" "target"
row "same heap byte[] (fileChannelHeap)" "" "" "${w_heap:--}" ">= 1.00: $(verdict "${w_heap:--}" 1)"
row "direct buffer (fileChannel)" "" "" "${w_direct:--}" "(no copy on the JDK side)"
