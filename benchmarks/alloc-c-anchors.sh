#!/usr/bin/env bash
# C allocators measured from the same harness as panamax: runs AllocatorBenchmark's `unsafe` and `malloc` peers
# (and AllocatorCrossThreadBenchmark's) under glibc and under LD_PRELOAD of jemalloc, tcmalloc and mimalloc.
#
# Usage: benchmarks/alloc-c-anchors.sh            (needs benchmarks/target/benchmarks.jar:
#                                                   ./build -pl benchmarks -am package -DskipTests)
#   SIZES=64,4096 (pair sizes), JMH="-f 1 -wi 2 -i 3 -w 1s -r 1s" (JMH options), CROSS=1 (0: skip the 2-thread run),
#   PANAMAX=1 (0: skip the panamax rows measured in the same script, for the ratios),
#   OUT=benchmarks/target/alloc-c-anchors (where the JMH logs and CSV files are kept), REUSE=1 (print the table
#   from the CSV files kept in OUT instead of measuring again).
#
# Installs the Debian packages libjemalloc2, libtcmalloc-minimal4 and libmimalloc2.0 when missing and run as root
# (bookworm and trixie both have them; `apt-cache policy NAME` shows the candidate). Prints one table: ns per
# allocate + write one byte + free pair for each size, and cross-thread frees per microsecond at 64 B.
#
# What each row measures: `unsafe` is Unsafe.allocateMemory/freeMemory, i.e. libjvm's os::malloc, whose call to
# malloc is resolved through the global symbol scope, so the preloaded allocator serves it. `malloc` is a critical
# FFM downcall to the symbol that Linker.defaultLookup() finds; the script reports whether that symbol lives in the
# preloaded library or still in glibc (a dlsym through the JDK's lookup library may bypass LD_PRELOAD), so read that
# column only where it says so. Both include the Java-to-native transition, as any C allocator used from Java does.
set -euo pipefail

here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=$here/benchmarks/target/benchmarks.jar
sizes=${SIZES:-64,4096}
jmh=${JMH:--f 1 -wi 2 -i 3 -w 1s -r 1s}
cross=${CROSS:-1}
panamax=${PANAMAX:-1}

die() { echo "alloc-c-anchors: $*" >&2; exit 1; }

. "$here/build-support/find-jdk.sh"
panamax_find_jdk || exit 1
java=$JAVA_HOME/bin/java
[ -f "$jar" ] || die "$jar is missing; build it: ./build -pl benchmarks -am package -DskipTests"

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
libdir=/usr/lib/$multiarch
declare -A package=([jemalloc]=libjemalloc2 [tcmalloc]=libtcmalloc-minimal4 [mimalloc]=libmimalloc2.0)
declare -A library=([jemalloc]=$libdir/libjemalloc.so.2 [tcmalloc]=$libdir/libtcmalloc_minimal.so.4
    [mimalloc]=$libdir/libmimalloc.so.2)

missing=()
for name in jemalloc tcmalloc mimalloc; do
    [ -f "${library[$name]}" ] || missing+=("${package[$name]}")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing ${missing[*]}..." >&2
        apt-cache policy "${missing[@]}" >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
            echo "alloc-c-anchors: could not install ${missing[*]}; those rows are skipped" >&2
    else
        echo "alloc-c-anchors: ${missing[*]} missing and not root; those rows are skipped" >&2
    fi
fi

# JMH logs and CSV files stay here for a look at the iterations.
work=${OUT:-$here/benchmarks/target/alloc-c-anchors}
[ "${REUSE:-0}" = 1 ] || rm -rf "$work"
mkdir -p "$work"

# Prints the CSV score of one benchmark/peer/size row of a JMH CSV file, or '-'.
score() {   # file benchmark peer size
    [ -f "$1" ] || { echo -; return; }
    # JMH names benchmarks with their package; match the "Class.method[:secondary]" suffix.
    awk -F, -v b="$2" -v p="$3" -v s="$4" '
        { sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/"/, "", $i) }   # JMH writes CRLF lines
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        substr($1, length($1) - length(b) + 1) == b && $col["Param: peer"] == p && $col["Param: size"] == s {
            printf "%.1f", $col["Score"]; found = 1 }
        END { if (!found) printf "-" }' "$1"
}

# Runs the benchmark jar with LD_PRELOAD=$1 and output to $2, waiting while another JMH run holds its lock.
jmh_run() {   # preload log args...
    local preload=$1 log=$2 tries=0
    shift 2
    while :; do
        local status=0
        LD_PRELOAD=$preload "$java" -jar "$jar" "$@" >"$log" 2>&1 || status=$?
        # JMH exits with status 0 when it finds another run holding its lock, so look at the log too.
        grep -q "Unable to acquire the JMH lock" "$log" || return $status
        tries=$((tries + 1))
        [ $tries -lt 120 ] || return 1
        sleep 5
    done
}

# Runs JMH under one allocator (LD_PRELOAD=$2, empty for glibc) into $work/$1-{pair,cross}.csv.
measure() {   # name preload peers
    local name=$1 preload=$2 peers=$3
    echo "== $name ${preload:+(LD_PRELOAD=$preload)}" >&2
    # shellcheck disable=SC2086
    jmh_run "$preload" "$work/$name-pair.log" 'AllocatorBenchmark.allocateFree' -p peer="$peers" -p size="$sizes" \
        $jmh -rf csv -rff "$work/$name-pair.csv" ||
        { echo "alloc-c-anchors: $name pair run failed, see below" >&2; tail -20 "$work/$name-pair.log" >&2; }
    if [ "$cross" = 1 ]; then
        # shellcheck disable=SC2086
        jmh_run "$preload" "$work/$name-cross.log" 'AllocatorCrossThreadBenchmark.handoff' -p peer="$peers" \
            -p size=64 $jmh -rf csv -rff "$work/$name-cross.csv" ||
            { echo "alloc-c-anchors: $name cross-thread run failed" >&2; tail -20 "$work/$name-cross.log" >&2; }
    fi
}

# Where the FFM peer's malloc comes from under a preload: the library that the JDK's default lookup resolves.
ffm_malloc_origin() {   # preload
    local probe=$work/Probe.java
    cat >"$probe" <<'EOF'
import java.lang.foreign.Linker;
import java.nio.file.Files;
import java.nio.file.Path;

public class Probe {
    public static void main(String[] args) throws Exception {
        long a = Linker.nativeLinker().defaultLookup().find("malloc").orElseThrow().address();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+");
            String[] range = f[0].split("-");
            if (Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), a) <= 0
                    && Long.compareUnsigned(a, Long.parseUnsignedLong(range[1], 16)) < 0) {
                System.out.println(f.length > 5 ? Path.of(f[5]).getFileName() : "anonymous");
                return;
            }
        }
        System.out.println("unknown");
    }
}
EOF
    LD_PRELOAD=$1 "$java" --enable-native-access=ALL-UNNAMED "$probe" 2>/dev/null || echo unknown
}

measure_or_reuse() {   # name preload peers
    if [ "${REUSE:-0}" = 1 ] && [ -f "$work/$1-pair.csv" ]; then return 0; fi
    measure "$@"
}

names=(glibc)
declare -A origin=([glibc]=$(ffm_malloc_origin ""))
measure_or_reuse glibc "" "unsafe,malloc"
for name in jemalloc tcmalloc mimalloc; do
    lib=${library[$name]}
    if [ ! -f "$lib" ]; then
        echo "== $name: $lib missing (apt-get install ${package[$name]}), skipped" >&2
        continue
    fi
    if ! LD_PRELOAD=$lib grep -q "$(basename "$lib")" /proc/self/maps; then
        echo "== $name: LD_PRELOAD=$lib did not load, skipped" >&2
        continue
    fi
    names+=("$name")
    origin[$name]=$(ffm_malloc_origin "$lib")
    measure_or_reuse "$name" "$lib" "unsafe,malloc"
done
if [ "$panamax" = 1 ]; then
    measure_or_reuse panamax "" "panamax,panamaxRaw,panamaxLocal,panamaxLocalRaw,netty"
fi

IFS=, read -r -a size_list <<<"$sizes"
header="| allocator | peer |"
rule="| --- | --- |"
for s in "${size_list[@]}"; do header+=" pair $s B (ns) |"; rule+=" ---: |"; done
[ "$cross" = 1 ] && { header+=" cross-thread 64 B (frees/us) |"; rule+=" ---: |"; }
header+=" FFM malloc resolves to |"
rule+=" --- |"
echo
echo "$header"
echo "$rule"
row() {   # name peer
    local line="| $1 | $2 |" s
    for s in "${size_list[@]}"; do
        line+=" $(score "$work/$1-pair.csv" AllocatorBenchmark.allocateFree "$2" "$s") |"
    done
    if [ "$cross" = 1 ]; then
        line+=" $(score "$work/$1-cross.csv" AllocatorCrossThreadBenchmark.handoff:consume "$2" 64) |"
    fi
    line+=" ${origin[$1]:-} |"
    echo "$line"
}
for name in "${names[@]}"; do
    row "$name" unsafe
    row "$name" malloc
done
if [ "$panamax" = 1 ]; then
    origin[panamax]="(not malloc)"
    for peer in panamax panamaxRaw panamaxLocal panamaxLocalRaw netty; do
        row panamax "$peer"
    done
fi
echo
echo "JMH: $jmh, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); compare rows of one run only."
