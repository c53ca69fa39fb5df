#!/usr/bin/env bash
# Install (Debian's postgresql) and start a PostgreSQL server on 127.0.0.1 for the archive,
# create its role and database if needed, and print the DATABASE_URL to use. Idempotent.
set -euo pipefail
PORT=5432
ROLE=archive
PASSWORD=${ARCHIVE_PG_PASSWORD:-archive}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

as_postgres() { $SUDO runuser -u postgres -- "$@"; }

start_server() {
  # The client alone (psql, libpq) may already be on the machine; the server is what is needed.
  if ! command -v pg_createcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  local server version
  server=$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1)
  version=$(basename "$(dirname "$(dirname "$server")")")
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
    $SUDO pg_createcluster "$version" main
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    $SUDO pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && return 0
    sleep 0.2
  done
  echo "PostgreSQL did not start on 127.0.0.1:$PORT" >&2
  exit 1
}

create_role_and_database() {
  as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'" | grep -q 1 ||
    as_postgres psql -qc "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
  as_postgres psql -qtAc "SELECT 1 FROM pg_database WHERE datname = '$ROLE'" | grep -q 1 ||
    as_postgres createdb -O "$ROLE" "$ROLE"
}

# Only the URL goes to standard output, which callers capture with $(...). Everything else goes
# to stderr: after an unclean stop pg_ctlcluster prints "Removed stale pid file." on stdout, and
# the server it starts must not hold the caller's pipe open.
start_server >&2
create_role_and_database >&2
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$ROLE"
