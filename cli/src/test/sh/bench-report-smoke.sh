#!/usr/bin/env bash
# End-to-end check of 'panamax bench' and of its HTML report: runs './panamax bench bindings --quick' (the
# smallest suite: 3 benchmarks, about 15 s of JMH plus a build when the jars are stale), checks the exit code and
# the report files, renders index.html with headless Chromium and checks that the screenshot shows the table
# text and the charts' panamax-blue bars. Also checks 'bench <suite not in the jar>' (exit 0, "not built") and a
# bad suite name (exit 2, one line).
# Usage: cli/src/test/sh/bench-report-smoke.sh   (from anywhere; CI calls it after './build verify')
# Needs: python3 (standard library only) and Chromium ('apt-get install -y chromium' on Debian; CHROMIUM=path
# to use another binary). BENCH_SMOKE_KEEP=DIR copies the report and the screenshot to DIR for a look.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
panamax=$repo/panamax
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bench-report-smoke: FAIL: $*" >&2; exit 1; }
start=$(date +%s)

chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null; then chromium=$(command -v "$c"); break; fi
    done
fi
[ -n "$chromium" ] || fail "no Chromium found: apt-get install -y chromium (or set CHROMIUM=/path/to/chrome)"
command -v python3 >/dev/null || fail "python3 is needed to check the report and the screenshot"

cd "$work"   # the launcher must work from any directory

# --ignore-lock: this checks the report, not the figures; another JMH run on the machine must not fail it.
"$panamax" bench bindings --quick --ignore-lock --out "$work/report" >"$work/out.txt" 2>"$work/err.txt" \
    || fail "bench bindings --quick exited $?: $(tail -n 5 "$work/err.txt")"
grep -q 'benchmark 3 of 3 (BindingsBenchmark.getppid impl=rawCritical)' "$work/err.txt" \
    || fail "no progress line for the last benchmark on stderr: $(cat "$work/err.txt")"
grep -q '^BindingsBenchmark.getppid  impl=panamax .* than raw' "$work/out.txt" \
    || fail "the table lacks panamax's row with its ratio to the best peer: $(cat "$work/out.txt")"
for f in index.html summary.md figures.json jmh-result.json jmh.log charts/BindingsBenchmark.getppid-avgt.svg; do
    [ -s "$work/report/$f" ] || fail "report file $f missing or empty"
done
python3 - "$work/report" <<'PY' || fail "report files are not what they should be"
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
fig = json.load(open(d + "/figures.json"))
assert [r["impl"] for r in fig["results"]] == ["panamax", "raw", "rawCritical"], fig["results"]
assert fig["results"][0]["best_peer"] in ("raw", "rawCritical"), fig["results"][0]
assert all(r["score"] > 0 for r in fig["results"])
raw = json.load(open(d + "/jmh-result.json"))
assert len(raw) == 3 and raw[0]["benchmark"] == "dev.panamax.bench.BindingsBenchmark.getppid"
svg = ET.parse(d + "/charts/BindingsBenchmark.getppid-avgt.svg").getroot()
assert svg.tag == "{http://www.w3.org/2000/svg}svg", svg.tag
ET.parse(d + "/index.html")   # the page is well-formed XML too
assert "| BindingsBenchmark.getppid | **impl=panamax** |" in open(d + "/summary.md").read()
PY

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1600 \
    --screenshot="$work/shot.png" "file://$work/report/index.html" >"$work/chromium.log" 2>&1 \
    || fail "chromium could not render the report: $(tail -n 5 "$work/chromium.log")"
python3 - "$work/shot.png" <<'PY' || fail "the screenshot of index.html does not show the report"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and color in (2, 6), f"unexpected PNG format depth={depth} color={color}"
        bpp = 3 if color == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
dark = blue = grey = 0
for y in range(height):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):   # undo the PNG row filter (None, Sub, Up, Average, Paeth)
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if r < 100 and g < 100 and bl < 100:
            dark += 1
        if abs(r - 0x25) < 12 and abs(g - 0x63) < 12 and abs(bl - 0xeb) < 12:
            blue += 1   # panamax bars and legend swatch, #2563eb
        elif (abs(r - 0x4b) < 12 and abs(g - 0x55) < 12 and abs(bl - 0x63) < 12) or \
                (abs(r - 0x9c) < 12 and abs(g - 0xa3) < 12 and abs(bl - 0xaf) < 12):
            grey += 1   # peer bars and swatches, #4b5563 and #9ca3af
    prev = line
total = width * height
print(f"screenshot {width}x{height}: {dark} dark (text) pixels, {blue} panamax-blue and {grey} peer-grey pixels")
assert dark > total * 0.002, "almost no text: blank page?"
# The legend swatches are 12x12 px; a bar is 18 px high and, on a noisy machine, may be short.
assert blue > 250, "no panamax bar: the chart did not render"
assert blue + grey > 3000, "too few bar pixels: the chart did not render"
PY

if [ -n "${BENCH_SMOKE_KEEP:-}" ]; then
    mkdir -p "$BENCH_SMOKE_KEEP"
    cp -r "$work/report" "$work/shot.png" "$BENCH_SMOKE_KEEP"/
fi

# A suite whose class is not in the jar (yet) is reported, not an error.
absent=$(python3 - "$repo/benchmarks/target/benchmarks.jar" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for suite, cls in (("ladder", "LadderBenchmark"), ("io", "IoBenchmark"), ("alloc", "AllocatorBenchmark")):
    if f"dev/panamax/bench/{cls}.class" not in names:
        print(suite)
        break
PY
)
if [ -n "$absent" ]; then
    "$panamax" bench "$absent" --json --out "$work/none" >"$work/none.json" 2>"$work/err.txt" \
        || fail "bench $absent (not built) exited $?"
    grep -q "$absent: not built yet" "$work/err.txt" || fail "no 'not built yet' line for $absent"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["not_built"]==[sys.argv[2]] and d["results"]==[], d' \
        "$work/none.json" "$absent" || fail "bench $absent --json is not an empty result naming it not built"
else
    echo "bench-report-smoke: every suite is built; the 'not built yet' check is skipped"
fi

set +e
"$panamax" bench nosuch >/dev/null 2>"$work/err.txt"; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "an unknown suite exited $rc, expected 2"
[ "$(wc -l <"$work/err.txt")" -eq 1 ] || fail "an unknown suite printed more than one line: $(cat "$work/err.txt")"

echo "bench-report-smoke: OK ($(( $(date +%s) - start )) s)"
