#!/usr/bin/env bash
# The four ways of blocking a thread-pool thread side by side (bench/threadpool/blocking.cs), REPEAT times each.
# Example: bench/threadpool/run.sh 3
set -euo pipefail
cd "$(dirname "$0")"
REPEAT=${1:-3}
dotnet build blocking.cs -c Release >/dev/null
for _ in $(seq "$REPEAT"); do
  for mode in result semaphore mres sleep; do
    dotnet run --no-build -c Release blocking.cs -- "$mode"
  done
done
