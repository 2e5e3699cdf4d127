#!/usr/bin/env bash
# Streaming benchmark of the importers: generates a file with ROWS requests (default 2,000,000),
# imports it in a separate process and prints rows/s and the importer's peak RSS.
#   KIND=jtl (default): JMeter JTL, default columns; 10,000,000 rows ≈ 1.2 GB
#   KIND=k6: k6 --out json NDJSON, 3 lines per request; 1,000,000 requests ≈ 0.9 GB
# Usage: bench/importers/run.sh [ROWS] [DIR] [KIND]
set -euo pipefail
ROWS="${1:-2000000}"
DIR="${2:-${TMPDIR:-/tmp}}"
KIND="${3:-jtl}"
HERE="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$HERE/Loadlens.Importers.Bench.csproj" -c Release -v q -nologo >/dev/null
BIN="$HERE/bin/Release/net10.0/Loadlens.Importers.Bench"
if [ "$KIND" = "k6" ]; then
  FILE="$DIR/loadlens-bench-$ROWS-$$.ndjson"
  trap 'rm -f "$FILE"' EXIT
  "$BIN" gen-k6 "$FILE" "$ROWS"
  "$BIN" import-k6 "$FILE"
else
  FILE="$DIR/loadlens-bench-$ROWS-$$.jtl"
  trap 'rm -f "$FILE"' EXIT
  "$BIN" gen "$FILE" "$ROWS"
  "$BIN" import "$FILE"
fi
