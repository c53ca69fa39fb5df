"""The PostgreSQL engine's part of the benchmark: a fresh database per run on the primary that
``scripts/postgres-replicas.sh`` starts, the index's size in it, and pages read from the
streaming replica while the primary ingests."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tools.server import ROOT, gunicorn
from tools.wrk import mix_script, wrk

INDEX_TABLES = ("search_pg_item", "search_pg_item_people", "search_pg_totals")


def servers() -> tuple[str, str]:
    """(primary URL, replica URL), the servers started (or found running) by the project's script."""
    out = subprocess.run([str(ROOT / "scripts" / "postgres-replicas.sh")], check=True, capture_output=True,
                         text=True).stdout
    found = dict(line.split("=", 1) for line in out.strip().splitlines() if "=" in line)
    return found["DATABASE_URL"], found["DATABASE_REPLICA_URLS"].split(",")[0]


def on_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_database(primary: str, name: str) -> str:
    """An empty database ``name`` on the primary (an earlier run's dropped); its URL."""
    with psycopg.connect(primary, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return on_database(primary, name)


def sizes_mb(url: str) -> dict:
    with psycopg.connect(url) as db:
        index = db.execute("SELECT sum(pg_total_relation_size(t::regclass))::bigint FROM unnest(%s::text[]) AS t",
                           [list(INDEX_TABLES)]).fetchone()[0]
        database = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"size_mb": index / 2**20, "database_mb": database / 2**20}


def replayed_within(primary: str, replica: str, seconds: float = 120) -> float:
    """Seconds until the replica has replayed everything the primary has written so far."""
    started = time.perf_counter()
    with psycopg.connect(primary, autocommit=True) as p, psycopg.connect(replica, autocommit=True) as r:
        target = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        while time.perf_counter() - started < seconds:
            if r.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
                return time.perf_counter() - started
            time.sleep(0.01)
    raise RuntimeError(f"the replica had not replayed {target} after {seconds} s")


def transactions(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as db:
        return db.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                          "WHERE datname = current_database()").fetchone()[0]


def replica_reads(root: Path, env: dict, replica: str, pages: Path, paths: list[str], duration: int) -> dict:
    """The home, article and search pages under ``wrk`` (16 connections, 2 gunicorn workers reading
    from the replica) while the primary ingests ``pages`` with the index written in its
    transactions; then how long the replica takes to replay the end of it."""
    primary = env["DATABASE_URL"]
    served = env | {"DATABASE_REPLICA_URLS": replica}
    with gunicorn(data_dir=root / "data", env=served, prepare_data=False) as server, \
            tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(mix_script(paths))
        lua.flush()
        before = {"replica": transactions(replica), "primary": transactions(primary)}
        started = time.perf_counter()
        ingest = subprocess.Popen([sys.executable, "manage.py", "ingest", str(pages)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        load = wrk(server.url + paths[0], connections=16, duration=duration, lua_path=lua.name)
        _, err = ingest.communicate(timeout=3600)
        ingest_seconds = time.perf_counter() - started
        if ingest.returncode:
            raise RuntimeError(f"ingest on the primary failed: {err[-2000:]}")
        lag = replayed_within(primary, replica)
        after = {"replica": transactions(replica), "primary": transactions(primary)}
    Path(lua.name).unlink()
    return {"requests_per_s": load.requests_per_second, "p50_ms": load.p50_ms, "p95_ms": load.p95_ms,
            "p99_ms": load.p99_ms, "errors": load.socket_errors + load.non_2xx, "server_errors": load.server_errors,
            "requests": load.requests, "ingest_seconds": ingest_seconds, "wrk_seconds": duration,
            "replay_after_ingest_s": lag,
            "replica_transactions": after["replica"] - before["replica"],
            "primary_transactions": after["primary"] - before["primary"]}
