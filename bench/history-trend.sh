#!/usr/bin/env bash
# Trend-query bench (issue 11): 1,000 saved runs × 20 endpoints, then the trend query timed on SQLite and, when
# LOADLENS_TEST_PG (or $1) names a PostgreSQL database, on PostgreSQL (a fresh schema, dropped afterwards).
# The base run is a real 20-endpoint loadlens run against python3 -m http.server on 127.0.0.1 (2 s).
# Usage: bench/history-trend.sh [postgres://user:pass@127.0.0.1:5432/db]    Figures go to docs/history.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pg="${1:-${LOADLENS_TEST_PG:-}}"
runs="${RUNS:-1000}"
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Loadlens.Cli -c Release -nodeReuse:false -v q >/dev/null
dotnet build bench/history -c Release -nodeReuse:false -v q >/dev/null
mkdir -p "$work/www/api"
urls=()
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
for i in $(seq -w 1 20); do echo "item $i" > "$work/www/api/e$i"; urls+=("http://127.0.0.1:$port/api/e$i"); done
(cd "$work/www" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) & server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/api/e01" >/dev/null 2>&1 && break; sleep 0.1; done
dotnet src/Loadlens.Cli/bin/Release/net10.0/loadlens.dll run "${urls[@]}" -u 4 -d 2s --name bench-trend -o "$work/run" >/dev/null
bench=bench/history/bin/Release/net10.0/Loadlens.History.Bench.dll

echo "== SQLite"
dotnet "$bench" "$work/history.db" "$work/run/result.json" "$runs"
if [ -n "$pg" ]; then
  schema="bench_$(date +%s)"
  sep='?'; case "$pg" in *\?*) sep='&';; esac
  echo "== PostgreSQL"
  dotnet "$bench" "${pg}${sep}schema=${schema}" "$work/run/result.json" "$runs"
  PGPASSWORD="$(echo "$pg" | sed -E 's#^[a-z]+://[^:]+:([^@]*)@.*#\1#')" psql "$(echo "$pg" | sed -E 's#\?.*##')" -q -c "DROP SCHEMA IF EXISTS ${schema} CASCADE" >/dev/null 2>&1 || true
fi
