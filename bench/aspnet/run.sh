#!/usr/bin/env bash
# Profiler overhead: throughput of the same cheap endpoints with and without Loadlens.AspNetCore, side by side.
# Usage: bench/aspnet/run.sh [--rounds 3] [--seconds 3] [--users 8]   (default: 2 endpoints × 3 rounds × 2 apps × 4 s ≈ 50 s)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$HERE/Loadlens.AspNetCore.Bench.csproj" -c Release -v q -nologo -nodeReuse:false >/dev/null
"$HERE/bin/Release/net10.0/Loadlens.AspNetCore.Bench" "$@"
