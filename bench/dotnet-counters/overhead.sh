#!/usr/bin/env bash
# The EventPipe reader's cost on its target: requests/s of a plain endpoint (tests/apps/Loadlens.RuntimeApp GET /plain)
# without and with `--target-pid PID --target-dotnet` (System.Runtime counters every second + the GC keyword events),
# alternating A/B runs against the same process, then the ratio of the medians. The load generator shares the machine
# with the target, so only the ratio means anything.
# Usage: bench/dotnet-counters/overhead.sh [SECONDS_PER_RUN=6] [PAIRS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-6}
pairs=${2:-3}
dotnet build src/Loadlens.Cli -c Release -nodeReuse:false -v q >/dev/null
dotnet build tests/apps/Loadlens.RuntimeApp -c Release -nodeReuse:false -v q >/dev/null
cli=src/Loadlens.Cli/bin/Release/net10.0/loadlens.dll
app=tests/apps/Loadlens.RuntimeApp/bin/Release/net10.0/Loadlens.RuntimeApp.dll
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet "$app" healthy >"$work/app.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^listening ' "$work/app.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^listening //p' "$work/app.out")/plain"
rps() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total']['requestsPerSecond'])" "$1/result.json"; }
dotnet "$cli" run "$url" -u 8 -d 3s -o "$work/warm" >/dev/null 2>&1 || true # JIT and connection warm-up
off=() on=()
for i in $(seq "$pairs"); do
  dotnet "$cli" run "$url" -u 8 -d "${secs}s" -o "$work/off$i" >/dev/null 2>&1
  off+=("$(rps "$work/off$i")")
  dotnet "$cli" run "$url" -u 8 -d "${secs}s" --target-pid "$pid" --target-dotnet -o "$work/on$i" >/dev/null 2>&1
  on+=("$(rps "$work/on$i")")
done
python3 - "${off[*]}" "${on[*]}" <<'PY'
import statistics, sys
off = [float(x) for x in sys.argv[1].split()]
on = [float(x) for x in sys.argv[2].split()]
mo, mi = statistics.median(off), statistics.median(on)
print(f"without session: {' '.join(f'{x:.0f}' for x in off)} req/s (median {mo:.0f})")
print(f"with session:    {' '.join(f'{x:.0f}' for x in on)} req/s (median {mi:.0f})")
print(f"ratio with/without: {mi / mo:.3f}")
PY
