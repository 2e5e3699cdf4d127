#!/usr/bin/env bash
# `loadlens demo` as a new user meets it (docs/demo.md): a fresh clone of this checkout's HEAD, one build, then the demo
# REPEAT times with --quick and REPEAT times by default. Prints, per run: wall time, exit code, how many flaws were
# named (✓ lines) of how many, whether the fixed API still drew a flaw's finding, and the sizing line. Ends with the
# min/median/max wall time per mode against the issue's bounds (--quick < 60 s, default < 180 s).
# About REPEAT × (50 + 110) s plus the clone and build. Not for CI.
# Example: bench/demo.sh --repeat 3            bench/demo.sh --repeat 5 --quick-only --keep /tmp/demo-runs
set -euo pipefail
REPEAT=3; MODES="quick default"; KEEP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) REPEAT=$2; shift 2 ;;
    --quick-only) MODES="quick"; shift ;;
    --default-only) MODES="default"; shift ;;
    --keep) KEEP=$2; shift 2 ;;   # copy every run's report folder and console log there
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap '[ -n "$KEEP" ] && mkdir -p "$KEEP" && cp -r "$WORK"/quick-* "$WORK"/default-* "$KEEP"/ 2>/dev/null; rm -rf "$WORK"' EXIT
git clone -q "$REPO" "$WORK/clone"
cd "$WORK/clone"
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%FT%TZ)"
start=$(date +%s.%N)
dotnet build src/Loadlens.Cli -c Release -nodeReuse:false -v q >/dev/null
echo "build: $(echo "$(date +%s.%N) - $start" | bc) s"
CLI=src/Loadlens.Cli/bin/Release/net10.0/loadlens.dll
for mode in $MODES; do
  : > "$WORK/$mode.times"
  for i in $(seq "$REPEAT"); do
    args=(); [ "$mode" = quick ] && args=(--quick)
    out="$WORK/$mode-$i"
    t0=$(date +%s.%N)
    rc=0; dotnet "$CLI" demo "${args[@]}" -o "$out" > "$out.log" 2>&1 || rc=$?
    wall=$(echo "$(date +%s.%N) - $t0" | bc)
    echo "$wall" >> "$WORK/$mode.times"
    named=$(grep -c '^  ✓' "$out.log" || true)
    flaws=$(grep -cE '^  [✓✗] ' "$out.log" || true)
    fixed=$(grep -q "none of the flaws' findings is reported" "$out.log" && echo "none after the fixes" || grep -m1 'still reported' "$out.log" || echo "?")
    sizing=$(grep -m1 -E '^ *replicas:' "$out.log" | sed 's/^ *//' || true)
    printf '%-7s run %d: %6.1f s  exit %d  named %s/%s  %s  | %s\n' "$mode" "$i" "$wall" "$rc" "$named" "$flaws" "$fixed" "$sizing"
  done
done
for mode in $MODES; do
  bound=180; [ "$mode" = quick ] && bound=60
  sort -n "$WORK/$mode.times" | awk -v m="$mode" -v b="$bound" '{a[NR]=$1} END {printf "%-7s min %.1f s, median %.1f s, max %.1f s (bound %d s): %s\n", m, a[1], a[int((NR+1)/2)], a[NR], b, (a[NR] < b ? "within" : "OVER")}'
done
