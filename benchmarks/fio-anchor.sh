#!/usr/bin/env bash
# The external anchor of IoBenchmark: fio's io_uring engine doing the same job on the same file.
#
# Usage: benchmarks/fio-anchor.sh [--no-install] [--out FILE] [FILE_OR_DIR]
#   FILE_OR_DIR: as -Dpanamax.bench.io.file of IoBenchmark (and `panamax bench io --file`): an existing regular
#     file is read as it is; a directory (default: ${TMPDIR:-/tmp}/panamax-io-bench) holds
#     panamax-io-bench-<bytes>.bin, created when missing or of another size; a path that does not exist is
#     created as that file. SIZE=1g sets the size of a created file (k, m, g suffixes), as -Dpanamax.bench.io.size.
#   SECONDS_PER_TEST=10 (measured seconds per job), RAMP_SECONDS=2 (unmeasured seconds before each job).
#   --out FILE writes the JSON there instead of stdout; --no-install fails instead of installing fio.
#
# Installs Debian's fio when it is missing (as root), then runs, one after the other, on that file:
#   fio --ioengine=io_uring --rw=randread --bs=4k --direct=1 --iodepth=32   (IoBenchmark.qd32: IOPS)
#   fio --ioengine=io_uring --rw=randread --bs=4k --direct=1 --iodepth=1    (IoBenchmark.qd1: latency)
# with what IoBenchmark's panamaxUring does: registered buffers (--fixedbufs, IORING_OP_READ_FIXED) and offsets
# drawn uniformly with repeats (--norandommap --randrepeat=0; fio's default reads each block once per pass);
# fio's defaults otherwise (no registered files, no SQPOLL, one job). FIO_DEFAULTS=1 drops those three options
# (the anchor of earlier runs). It prints one JSON
# object on stdout: per queue depth the IOPS, and the mean, p50 and p99 of the total latency (lat: submission to
# completion, what JMH's SampleTime of IoBenchmark.qd1 measures) and of the completion latency (clat), in
# microseconds. A table goes to stderr. `panamax bench io` runs this script (with --no-install) when fio is
# installed and puts the figures next to IoBenchmark's. Exit status: 0 when both jobs ran.
set -euo pipefail

install=1
out=
while [ $# -gt 0 ]; do
    case $1 in
        --no-install) install=0; shift ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        -*) echo "fio-anchor: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -le 1 ] || { echo "fio-anchor: at most one FILE_OR_DIR" >&2; exit 2; }

secs=${SECONDS_PER_TEST:-10}
ramp=${RAMP_SECONDS:-2}
die() { echo "fio-anchor: $*" >&2; exit 1; }

bytes() {
    local s=${1,,} unit=1
    case $s in *k) unit=1024; s=${s%k} ;; *m) unit=$((1 << 20)); s=${s%m} ;; *g) unit=$((1 << 30)); s=${s%g} ;; esac
    [[ $s =~ ^[0-9]+$ ]] && [ "$s" -gt 0 ] || die "SIZE must be a positive size such as 1g or 64m: $1"
    echo $((s * unit))
}
size=$(bytes "${SIZE:-1g}")

where=${1:-${TMPDIR:-/tmp}/panamax-io-bench}
create=0
if [ -f "$where" ]; then
    file=$where
elif [ -d "$where" ] || [ $# -eq 0 ]; then
    mkdir -p "$where" || die "cannot create $where"
    file=$where/panamax-io-bench-$size.bin
    [ -f "$file" ] && [ "$(stat -c %s "$file")" = "$size" ] || create=1
else
    [ -d "$(dirname "$where")" ] || die "$(dirname "$where") is not a directory"
    file=$where
    create=1
fi
file=$(cd -P "$(dirname "$file")" && pwd)/$(basename "$file")
fs=$(stat -f -c %T "$(dirname "$file")" 2>/dev/null || echo unknown)
case $fs in tmpfs|ramfs) echo "warning: $file is on $fs: no device to measure (and no O_DIRECT on ramfs)" >&2 ;; esac

if ! command -v fio >/dev/null; then
    [ "$install" = 1 ] || die "fio is not installed (apt-get install fio, or run benchmarks/fio-anchor.sh as root)"
    [ "$(id -u)" = 0 ] || die "fio is missing; install it as root (apt-get install fio)"
    apt-cache show fio >/dev/null 2>&1 || apt-get update -qq
    apt-cache show fio >/dev/null 2>&1 || die "no fio package in the apt sources"
    echo "installing fio..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fio >&2
    command -v fio >/dev/null || die "fio installed but not on PATH"
fi
command -v python3 >/dev/null || die "needs python3 to read fio's JSON"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$create" = 1 ]; then
    # Random bytes, really written: O_DIRECT reads of holes or unwritten extents never reach the device.
    echo "== creating $file ($size bytes of random data)" >&2
    tmp=$(mktemp "$(dirname "$file")/.panamax-io-bench-XXXXXX")
    head -c "$size" /dev/urandom >"$tmp" && sync "$tmp" && mv -f "$tmp" "$file" || { rm -f "$tmp"; die "cannot create $file"; }
fi
filesize=$(stat -c %s "$file")
[ "$filesize" -ge $((1 << 20)) ] || die "$file has $filesize bytes: at least 1 MiB needed"

like_panamax=(--fixedbufs=1 --norandommap --randrepeat=0)
[ "${FIO_DEFAULTS:-0}" = 1 ] && like_panamax=()
for qd in 32 1; do
    echo "== fio io_uring randread 4k O_DIRECT iodepth=$qd, ${secs}s on $file" >&2
    # --size: the whole file rounded down to 4 KiB, as IoBenchmark reads it.
    fio --name="qd$qd" --filename="$file" --readonly --ioengine=io_uring --rw=randread --bs=4k --direct=1 \
        "${like_panamax[@]}" \
        --iodepth="$qd" --size=$((filesize / 4096 * 4096)) --time_based --runtime="$secs" --ramp_time="$ramp" \
        --lat_percentiles=1 --output-format=json >"$work/qd$qd.json" 2>"$work/qd$qd.err" \
        || die "fio failed at iodepth=$qd: $(head -c 2000 "$work/qd$qd.err")"
done

json=$(python3 - "$work" "$file" "$filesize" "$fs" "$secs" <<'EOF'
import json, sys
work, path, size, fs, secs = sys.argv[1:]
jobs = []
version = None
for qd in (32, 1):
    doc = json.load(open(f"{work}/qd{qd}.json"))
    version = doc.get("fio version")
    job = doc["jobs"][0]
    if job.get("error"):
        sys.exit(f"fio-anchor: fio reported error {job['error']} at iodepth={qd}")
    read = job["read"]
    def figures(name):
        lat = read[name]
        pct = lat.get("percentile", {})
        us = lambda ns: None if ns is None else round(ns / 1000.0, 3)
        return {"mean": us(lat["mean"]), "p50": us(pct.get("50.000000")), "p99": us(pct.get("99.000000"))}
    jobs.append({"queue_depth": qd, "iops": round(read["iops"], 1), "lat_us": figures("lat_ns"),
                 "clat_us": figures("clat_ns"), "ios": read["total_ios"]})
print(json.dumps({"tool": "fio", "version": version, "engine": "io_uring", "rw": "randread", "block_bytes": 4096,
                  "direct": True, "file": path, "file_bytes": int(size), "file_system": fs,
                  "seconds": int(secs), "jobs": jobs}))
EOF
)

python3 - "$json" >&2 <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
print(f"\nfio {d['version']} io_uring randread 4k O_DIRECT, {d['seconds']} s per job, {d['file']} ({d['file_system']})")
print(f"{'iodepth':>7} {'IOPS':>10} {'lat mean':>10} {'lat p50':>9} {'lat p99':>9} {'clat mean':>10} {'clat p99':>9}  (us)")
for j in d["jobs"]:
    lat, clat = j["lat_us"], j["clat_us"]
    print(f"{j['queue_depth']:>7} {j['iops']:>10.0f} {lat['mean']:>10.1f} {lat['p50']:>9.1f} {lat['p99']:>9.1f}"
          f" {clat['mean']:>10.1f} {clat['p99']:>9.1f}")
EOF

if [ -n "$out" ]; then
    printf '%s\n' "$json" >"$out"
else
    printf '%s\n' "$json"
fi
