#!/usr/bin/env bash
# A PostgreSQL primary and one streaming replica on 127.0.0.1, from Debian's postgresql-15, for
# the archive's read replicas (README, "Past one machine"). Idempotent: what is running is left
# alone, what is missing is made (after a reboot both are started again; a replica whose data
# folder is missing, broken, or made from another primary is made again from a fresh base backup).
#
#   scripts/postgres-replicas.sh [start]       both; prints DATABASE_URL=… and DATABASE_REPLICA_URLS=…
#   scripts/postgres-replicas.sh start-replica the replica (and the primary it needs); prints DATABASE_REPLICA_URLS=…
#   scripts/postgres-replicas.sh stop-replica  the replica only (tests stop it mid-run)
#   scripts/postgres-replicas.sh stop          both
#
# Only those lines go to standard output, so that a caller can `eval "$(scripts/postgres-replicas.sh)"`;
# everything else goes to stderr. Ports 5433 and 5434: scripts/postgres.sh's cluster keeps 5432.
set -euo pipefail
VERSION=15
BIN=/usr/lib/postgresql/$VERSION/bin
ROOT_DIR=${ARCHIVE_PG_REPLICATION_DIR:-/var/lib/postgresql/archive-replication}
PRIMARY_PORT=${ARCHIVE_PG_PRIMARY_PORT:-5433}
REPLICA_PORT=${ARCHIVE_PG_REPLICA_PORT:-5434}
ROLE=archive
PASSWORD=${ARCHIVE_PG_PASSWORD:-archive}
REPLICATOR=replicator
REPLICATOR_PASSWORD=${ARCHIVE_PG_REPLICATION_PASSWORD:-replicator}
SLOT=archive_replica
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

as_postgres() { $SUDO runuser -u postgres -- "$@"; }
data_dir() { echo "$ROOT_DIR/$1"; }
socket_dir() { echo "$ROOT_DIR/sockets/$1"; }
port_of() { if [ "$1" = primary ]; then echo "$PRIMARY_PORT"; else echo "$REPLICA_PORT"; fi; }
# sql_on_primary SQL [DATABASE]
sql_on_primary() { as_postgres "$BIN/psql" -h "$(socket_dir primary)" -p "$PRIMARY_PORT" -d "${2:-postgres}" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }

install_server() {
  if [ ! -x "$BIN/postgres" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-$VERSION" >/dev/null
  fi
  $SUDO install -d -o postgres -g postgres -m 0700 "$ROOT_DIR"
  $SUDO install -d -o postgres -g postgres -m 0755 "$ROOT_DIR/sockets" "$(socket_dir primary)" "$(socket_dir replica)"
}

# Up means answering on its port: after a reboot postmaster.pid may name a pid now used by another process.
is_up() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(port_of "$1")"; }
has_data() { as_postgres test -s "$(data_dir "$1")/PG_VERSION" -a -f "$(data_dir "$1")/global/pg_control"; }

# What differs between the two servers (a base backup copies the primary's files, this one
# included, so the replica's is written again after it).
write_node_settings() {
  as_postgres tee "$(data_dir "$1")/archive-node.conf" >/dev/null <<EOF
port = $(port_of "$1")
unix_socket_directories = '$(socket_dir "$1")'
EOF
}

init_primary() {
  local dir
  dir=$(data_dir primary)
  as_postgres "$BIN/initdb" -D "$dir" --encoding=UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  as_postgres tee "$dir/archive-replication.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
# The replica's slot keeps the WAL it has not received yet (while it is stopped), up to this much.
max_slot_wal_keep_size = 1GB
hot_standby = on
# A long read on the replica is not cancelled by the primary's vacuum.
hot_standby_feedback = on
include_if_exists = 'archive-node.conf'
EOF
  echo "include = 'archive-replication.conf'" | as_postgres tee -a "$dir/postgresql.conf" >/dev/null
  as_postgres tee "$dir/pg_hba.conf" >/dev/null <<EOF
local all         all                       peer
host  all         all          127.0.0.1/32 scram-sha-256
host  replication $REPLICATOR  127.0.0.1/32 scram-sha-256
EOF
}

start_node() {
  write_node_settings "$1"
  as_postgres "$BIN/pg_ctl" -D "$(data_dir "$1")" -l "$ROOT_DIR/$1.log" -w -t 120 start >/dev/null
}

stop_node() {
  if has_data "$1" && as_postgres "$BIN/pg_ctl" -D "$(data_dir "$1")" status >/dev/null 2>&1; then
    as_postgres "$BIN/pg_ctl" -D "$(data_dir "$1")" -m fast -w -t 60 stop >/dev/null
  fi
}

start_primary() {
  has_data primary || init_primary
  is_up primary || start_node primary || { echo "the primary did not start: see $ROOT_DIR/primary.log" >&2; exit 1; }
  sql_on_primary "SELECT 1 FROM pg_roles WHERE rolname = '$REPLICATOR'" | grep -q 1 ||
    sql_on_primary "CREATE ROLE $REPLICATOR REPLICATION LOGIN PASSWORD '$REPLICATOR_PASSWORD'"
  sql_on_primary "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'" | grep -q 1 ||
    sql_on_primary "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
  sql_on_primary "SELECT 1 FROM pg_database WHERE datname = '$ROLE'" | grep -q 1 ||
    sql_on_primary "CREATE DATABASE $ROLE OWNER $ROLE"
  # The replication tests make the replica lag on purpose (tests/replication), as the archive's
  # role, in a database they create: granted in template1 too, which new databases are copied from.
  for database in template1 "$ROLE"; do
    sql_on_primary "GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume() TO $ROLE" "$database"
  done
}

system_identifier() {
  as_postgres "$BIN/pg_controldata" -D "$(data_dir "$1")" 2>/dev/null | awk -F: '/Database system identifier/ {gsub(/ /, "", $2); print $2}'
}

# A replica is whole when it is a standby made from this primary. One made from a primary since
# re-made (initdb) starts, then waits for WAL that will never come.
replica_is_whole() {
  has_data replica && as_postgres test -f "$(data_dir replica)/standby.signal" &&
    [ "$(system_identifier replica)" = "$(system_identifier primary)" ]
}

# The slot is how the primary keeps WAL for the replica; gone or "lost" (past max_slot_wal_keep_size
# while the replica was stopped), the replica can never catch up.
slot_is_usable() {
  sql_on_primary "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT' AND wal_status <> 'lost'" | grep -q 1
}

drop_slot() {
  for _ in $(seq 1 50); do  # the walsender of a replica just stopped may hold it a moment longer
    sql_on_primary "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT'" | grep -q 1 || return 0
    sql_on_primary "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots
                    WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
    sleep 0.2
  done
  echo "the replication slot $SLOT stays in use" >&2
  exit 1
}

make_replica() {
  echo "making the replica from a fresh base backup of the primary" >&2
  stop_node replica
  $SUDO rm -rf "$(data_dir replica)"
  drop_slot
  # -R writes standby.signal and primary_conninfo (with the slot) into the copy.
  as_postgres env PGPASSWORD="$REPLICATOR_PASSWORD" "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" \
    -U "$REPLICATOR" -D "$(data_dir replica)" -R -X stream -C -S "$SLOT" --checkpoint=fast
}

start_replica() {
  if is_up replica && replica_is_whole && slot_is_usable; then
    return 0
  fi
  if ! replica_is_whole || ! slot_is_usable; then
    make_replica
  else
    stop_node replica  # a stale pid file, or running without answering
  fi
  if ! start_node replica; then
    make_replica
    start_node replica || { echo "the replica did not start: see $ROOT_DIR/replica.log" >&2; exit 1; }
  fi
}

url() { echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$1/$ROLE"; }

case "${1:-start}" in
  start)
    { install_server; start_primary; start_replica; } >&2
    echo "DATABASE_URL=$(url "$PRIMARY_PORT")"
    echo "DATABASE_REPLICA_URLS=$(url "$REPLICA_PORT")"
    ;;
  start-replica)
    { install_server; start_primary; start_replica; } >&2
    echo "DATABASE_REPLICA_URLS=$(url "$REPLICA_PORT")"
    ;;
  stop-replica)
    stop_node replica >&2
    ;;
  stop)
    { stop_node replica; stop_node primary; } >&2
    ;;
  *)
    echo "usage: $0 [start|start-replica|stop-replica|stop]" >&2
    exit 2
    ;;
esac
