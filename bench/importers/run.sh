#!/usr/bin/env bash
# Streaming benchmark of the JMeter JTL importer: generates a JTL with ROWS rows (default 2,000,000;
# 10,000,000 rows ≈ 1.2 GB), imports it in a separate process and prints rows/s and peak RSS.
# Usage: bench/importers/run.sh [ROWS] [DIR]
set -euo pipefail
ROWS="${1:-2000000}"
DIR="${2:-${TMPDIR:-/tmp}}"
HERE="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$HERE/Loadlens.Importers.Bench.csproj" -c Release -v q -nologo >/dev/null
BIN="$HERE/bin/Release/net10.0/Loadlens.Importers.Bench"
FILE="$DIR/loadlens-bench-$ROWS.jtl"
trap 'rm -f "$FILE"' EXIT
"$BIN" gen "$FILE" "$ROWS"
"$BIN" import "$FILE"
