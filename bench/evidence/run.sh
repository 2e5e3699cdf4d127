#!/usr/bin/env bash
# SQL normaliser cost: µs and bytes allocated per statement for four typical statements.
# Usage: bench/evidence/run.sh [ITERATIONS]   (default 200,000; takes a few seconds)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$HERE/Loadlens.Evidence.Bench.csproj" -c Release -v q -nologo -nodeReuse:false >/dev/null
"$HERE/bin/Release/net10.0/Loadlens.Evidence.Bench" "${1:-200000}"
