#!/usr/bin/env bash
# Install (Debian's postgresql) and start a PostgreSQL server on 127.0.0.1 for the archive,
# create its role and database if needed, and print the DATABASE_URL to use. Idempotent.
set -euo pipefail
PORT=5432
ROLE=archive
PASSWORD=${ARCHIVE_PG_PASSWORD:-archive}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  $SUDO pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { echo "PostgreSQL did not start on 127.0.0.1:$PORT" >&2; exit 1; }

as_postgres() { $SUDO runuser -u postgres -- "$@"; }
as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'" | grep -q 1 ||
  as_postgres psql -qc "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
as_postgres psql -qtAc "SELECT 1 FROM pg_database WHERE datname = '$ROLE'" | grep -q 1 ||
  as_postgres createdb -O "$ROLE" "$ROLE" >&2
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$ROLE"
