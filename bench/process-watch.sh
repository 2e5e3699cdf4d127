#!/usr/bin/env bash
# The process monitor's own cost and one real figure (docs/process-watch.md): a CPU-bound Flask endpoint behind
# gunicorn -w 1 (tests/python, /cpu?ms=MS), loaded at a fixed open-model rate for SECONDS, REPEAT times without and
# with `--target-pid MASTER --target-children`. Prints the loadlens process's own CPU (user+system, from /proc via
# GNU time) for both, the sampler's busy time (result.json processWatch.samplerBusySeconds), and the worker's CPU % of
# one core and CPU ms per request. About 2 × REPEAT × (SECONDS + 3) s. Not for CI.
# Example: bench/process-watch.sh --rate 20 --seconds 10 --repeat 3 --ms 20
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=20; SECONDS_=10; REPEAT=3; MS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --ms) MS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bash tests/python/ensure-deps.sh
dotnet build src/Loadlens.Cli -c Release -nodeReuse:false -v q >/dev/null
CLI=src/Loadlens.Cli/bin/Release/net10.0/loadlens.dll
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OUT=$(mktemp -d)
gunicorn --workers 1 --worker-class sync --bind "127.0.0.1:$PORT" --chdir tests/python --log-level warning single_worker_app:app &
MASTER=$!
trap 'kill $MASTER 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/stats" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/cpu?ms=$MS"
run() { # $1 = label, rest = extra args; prints "label cpu_seconds"
  local label=$1; shift
  /usr/bin/time -f "%U %S" -o "$OUT/time" dotnet "$CLI" run "$URL" --rate "$RATE/s" -d "${SECONDS_}s" -w 1s --no-gate -o "$OUT/$label" "$@" >/dev/null 2>&1
  awk -v l="$label" '{printf "%s loadlens CPU %.3f s\n", l, $1 + $2}' "$OUT/time"
}
for i in $(seq "$REPEAT"); do
  run "without-$i"
  run "with-$i" --target-pid "$MASTER" --target-children
  python3 - "$OUT/with-$i/result.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["sections"]["processWatch"]
s = w["summary"]
busiest = [x["busiestProcessCpuPercent"] for x in w["samples"] if not x.get("warmup") and not x.get("drain") and x["completedRequests"] > 0]
print(f"  sampler busy {w['samplerBusySeconds']*1000:.1f} ms over {len(w['samples'])} samples; "
      f"worker {sum(busiest)/len(busiest):.1f} % of one core, {s['cpuMsPerRequest']:.2f} ms CPU/request, "
      f"{s['completedRequests']} requests, peak RSS {s['peakRssBytes']/1e6:.1f} MB")
PY
done
