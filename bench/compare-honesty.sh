#!/usr/bin/env bash
# Measured honesty of `loadlens compare`: ≥ 20 pairs of real runs for A/A, a 30 % slower and a 3 % slower server
# (bench/compare/Program.cs). Takes about pairs × 3 cases × 2 runs × (seconds + 1) s: 22 min at the defaults.
# Not for CI. Example: bench/compare-honesty.sh --pairs 20 --seconds 10
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/compare/Loadlens.Compare.Bench.csproj -nodeReuse:false -- "$@"
