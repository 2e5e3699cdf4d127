#!/usr/bin/env bash
# Installs what the single-worker Python tests need when it is missing: Debian's gunicorn and python3-flask
# (for the system python3 that gunicorn runs). Called by .ci/run and, on a fresh machine, by the tests
# themselves (GunicornTarget), so `dotnet test` alone works there too.
set -euo pipefail
if command -v gunicorn >/dev/null 2>&1 && /usr/bin/python3 -c "import flask" >/dev/null 2>&1; then
  exit 0
fi
echo "installing gunicorn and python3-flask for the single-worker Python tests"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gunicorn python3-flask >/dev/null
command -v gunicorn >/dev/null
