#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the history tests (CI and local runs), idempotently and quickly:
# installs Debian's postgresql when missing, creates/starts cluster <version>/main (no systemd: pg_ctlcluster),
# sets the postgres user's password, creates the test database, and prints the connection string on stdout
# (everything else goes to stderr). Needs root. Usage: export LOADLENS_TEST_PG="$(bash tests/history/ensure-postgres.sh)"
set -euo pipefail
password="${LOADLENS_TEST_PG_PASSWORD:-loadlens}"
database=loadlens_test
port=5432

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing postgresql (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "${version}/main"; then
  echo "creating cluster ${version}/main" >&2
  pg_createcluster "$version" main --port "$port" >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  echo "starting cluster ${version}/main" >&2
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')

for _ in $(seq 1 50); do
  if su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
su postgres -c "psql -p $port -q -v ON_ERROR_STOP=1 -c \"ALTER USER postgres PASSWORD '${password}'\"" >&2
if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='${database}'\"" | grep -q 1; then
  su postgres -c "createdb -p $port ${database}" >&2
fi
# max_connections default 100: the 100-concurrent-saves test uses a pool of at most 20 per process.
echo "postgres://postgres:${password}@127.0.0.1:${port}/${database}"
