#!/usr/bin/env bash
# End-to-end check of the ./panamax launcher: runs 'panamax doctor --json' as a user would (building first if
# needed) and checks the exit codes, that stdout is one valid JSON object with every section, and that bad
# arguments exit 2 with one line on stderr. Usage: cli/src/test/sh/doctor-smoke.sh   (from anywhere; CI calls it
# after './build verify'). Needs python3 for the JSON check.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
panamax=$repo/panamax
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "doctor-smoke: FAIL: $*" >&2; exit 1; }

cd "$work"   # the launcher must work from any directory

"$panamax" doctor --json --path "$work" >"$work/out.json" 2>"$work/err.txt" || fail "doctor --json exited $?: $(cat "$work/err.txt")"
python3 - "$work/out.json" <<'PY' || fail "doctor --json did not print the expected JSON object"
import json, sys
doc = json.load(open(sys.argv[1]))
sections = ["kernel", "jdk", "cpus", "topology", "numa", "transparent_huge_pages", "huge_pages", "io_uring",
            "futex", "seccomp", "cgroup", "limits", "o_direct"]
assert doc["tool"] == "panamax doctor", doc.get("tool")
assert list(doc["sections"]) == sections, list(doc["sections"])
for name, items in doc["sections"].items():
    for key, item in items.items():
        assert item["status"] in ("ok", "no", "info", "unknown"), (name, key, item)
        assert isinstance(item["text"], str), (name, key)
        if item["status"] == "no":
            assert item["reason"] and item["fix"], (name, key)
assert doc["sections"]["jdk"]["native_access"]["status"] == "ok", "the launcher must grant native access"
assert isinstance(doc["summary"]["ok"], int)
PY

"$panamax" doctor >"$work/out.txt" || fail "doctor exited $?"
grep -q '^CPU topology$' "$work/out.txt" || fail "text report lacks the CPU topology section"

"$panamax" --version | grep -q '^panamax ' || fail "--version"
"$panamax" doctor --help | grep -q -- '--json' || fail "doctor --help"

set +e
"$panamax" doctor --no-such-option >/dev/null 2>"$work/err.txt"; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "a bad option exited $rc, expected 2"
[ "$(wc -l <"$work/err.txt")" -eq 1 ] || fail "a bad option printed more than one line: $(cat "$work/err.txt")"

echo "doctor-smoke: OK"
