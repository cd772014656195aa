#!/usr/bin/env bash
# End-to-end check of 'panamax bench' and of its HTML report: runs './panamax bench bindings --quick' (the
# smallest suite: 3 benchmarks, about 15 s of JMH plus a build when the jars are stale), checks the exit code and
# the report files, renders index.html with headless Chromium and checks that the screenshot shows the table
# text and the charts' panamax-blue bars. Then runs 'bench locks --quick' (about 60 s) and checks the latency
# percentile curves of LockBenchmark.handoff: histogram files, chart, links, and curve pixels in a screenshot. Also checks 'bench <suite not in the jar>' (exit 0, "not built") and a
# bad suite name (exit 2, one line).
# Usage: cli/src/test/sh/bench-report-smoke.sh   (from anywhere; CI calls it after './build verify')
# Needs: python3 (standard library only) and Chromium ('apt-get install -y chromium' on Debian; CHROMIUM=path
# to use another binary). BENCH_SMOKE_KEEP=DIR copies the report and the screenshot to DIR for a look.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
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
python3 - "$work/shot.png" "$here" <<'PY' || fail "the screenshot of index.html does not show the report"
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from png_pixels import near, rows
width, height, pixels = rows(sys.argv[1])
dark = blue = grey = 0
for line in pixels:
    for px in line:
        if px[0] < 100 and px[1] < 100 and px[2] < 100:
            dark += 1
        if near(px, "#2563eb"):
            blue += 1   # panamax bars and legend swatch
        elif near(px, "#4b5563") or near(px, "#9ca3af"):
            grey += 1   # peer bars and swatches
total = width * height
print(f"screenshot {width}x{height}: {dark} dark (text) pixels, {blue} panamax-blue and {grey} peer-grey pixels")
assert dark > total * 0.002, "almost no text: blank page?"
# The legend swatches are 12x12 px; a bar is 18 px high and, on a noisy machine, may be short.
assert blue > 250, "no panamax bar: the chart did not render"
assert blue + grey > 3000, "too few bar pixels: the chart did not render"
PY

# Latency percentile curves: 'bench locks --quick' (21 benchmarks, about 60 s) records every measured operation of
# LockBenchmark.handoff with HdrHistogram in the forks (LatencyLog); the report must hold one histogram and one
# curve per lock, and the screenshot must show the curves.
"$panamax" bench locks --quick --ignore-lock --out "$work/locks" >"$work/locks-out.txt" 2>"$work/locks-err.txt" \
    || fail "bench locks --quick exited $?: $(tail -n 5 "$work/locks-err.txt")"
python3 - "$work/locks" <<'PY' || fail "the locks report lacks its latency histograms or percentile curves"
import re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
impls = ["futex", "futexExchange", "futexAdaptive", "spin", "reentrant", "synchronized", "stamped"]
for impl in impls:
    name = f"latency/LockBenchmark.handoff-impl={impl}"
    count = int(re.search(r"Total count\s*=\s*(\d+)", open(f"{d}/{name}.hgrm").read()).group(1))
    assert count > 0, f"{name}.hgrm: no operation recorded"
    assert open(f"{d}/{name}.hlog").read().startswith("#panamax LatencyLog"), f"{name}.hlog is no HdrHistogram log"
S = "{http://www.w3.org/2000/svg}"
svg = ET.parse(d + "/charts/LockBenchmark.handoff-latency.svg").getroot()
lines = svg.findall(S + "polyline")
assert sorted(l.find(S + "title").text.split(":")[0] for l in lines) == sorted(impls), "one curve per lock"
assert all(len(l.get("points").split()) >= 3 for l in lines), "a curve with fewer than 3 points"
texts = [t.text for t in svg.iter(S + "text")]
assert {"0%", "90%", "99%"} <= set(texts), texts
md = open(d + "/summary.md").read()
assert "](charts/LockBenchmark.handoff-latency.svg)" in md, "summary.md does not link the latency chart"
assert "](latency/LockBenchmark.handoff-impl=futex.hgrm)" in md, "summary.md does not link the histograms"
page = ET.parse(d + "/index.html").getroot()
fig = [f for f in page.iter("figure") if f.get("id") == "LockBenchmark.handoff-latency.svg"]
assert fig and len(list(fig[0].iter(S + "polyline"))) == len(impls), "index.html does not inline the latency chart"
PY
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,3400 \
    --screenshot="$work/locks.png" "file://$work/locks/index.html" >"$work/chromium.log" 2>&1 \
    || fail "chromium could not render the locks report: $(tail -n 5 "$work/chromium.log")"
python3 - "$work/locks.png" "$here" <<'PY' || fail "the screenshot of the locks report shows no latency curve"
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from png_pixels import near, rows
# Curve colours that nothing else on the page uses: futexExchange, futexAdaptive, spin (panamax, solid, in run
# order), reentrant and synchronized (peers, dashed). spin is drawn last, on top of every other curve.
colors = {"futexExchange": "#7c3aed", "futexAdaptive": "#0891b2", "spin": "#1e3a8a", "reentrant": "#ea580c",
          "synchronized": "#16a34a"}
counts = dict.fromkeys(colors, 0)
width, height, pixels = rows(sys.argv[1])
for line in pixels:
    for px in line:
        if px[0] + px[1] + px[2] < 700:   # skip the white background quickly
            for name, color in colors.items():
                if near(px, color):
                    counts[name] += 1
                    break
print(f"screenshot {width}x{height}: latency curve pixels {counts}")
# A legend line is 22x3 px; a curve spans the 850 px wide plot.
assert counts["spin"] > 800, "the topmost latency curve (spin) is not on the page"
assert sum(counts.values()) > 1500, "too few latency curve pixels: the chart did not render"
PY

if [ -n "${BENCH_SMOKE_KEEP:-}" ]; then
    mkdir -p "$BENCH_SMOKE_KEEP"
    cp -r "$work/report" "$work/shot.png" "$work/locks" "$work/locks.png" "$BENCH_SMOKE_KEEP"/
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
