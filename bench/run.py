"""The archive at scale: ingest, index, search and page speed at 1k, 10k (and 100k) articles,
side by side with a SQLite FTS5 reference.

    python -m bench.run [--engines sqlite whoosh] [--sizes 1000 10000] [--with-100k] [--wrk-duration 30]

Writes bench/results/<engine>-<size>.json, bench/results/plot.png and BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from search.engines import ON_MACHINE
from tools.server import ROOT, gunicorn, production_env
from tools.wrk import PERCENTILES_LUA, wrk

from . import fts5, postgres, report
from .corpus import real_articles
from .pages import articles_of_size, make_pages, write_pages
from .queries import query_mix

RESULTS = Path(__file__).resolve().parent / "results"
WORK = Path(__file__).resolve().parent / ".work"
DAY_ARTICLES = 60
# ARCHIVE_SEARCH_ENGINE values, the faster first; postgres on the servers scripts/postgres-replicas.sh starts
ENGINES = (*reversed(ON_MACHINE), "postgres")
REPLICA_PAGES = 7 * DAY_ARTICLES  # a week of pages ingested on the primary while the replica serves


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)


@contextlib.contextmanager
def index_worker(env: dict):
    """``manage.py index_queue --follow`` beside a bulk ingest (the index built on the second
    core while the ingest parses and stores), stopped on leaving; yields its figures, filled then.
    The ingest itself applies what is still queued when it ends, so the index is whole when
    the ingest returns."""
    worker = subprocess.Popen([sys.executable, "manage.py", "index_queue", "--follow"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    figures: dict = {}
    try:
        yield figures
    finally:
        figures["peak_rss_mb"] = vm_hwm_mb(worker.pid)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=600)
        if worker.returncode:
            raise RuntimeError(f"index_queue failed ({worker.returncode}): {err[-2000:]}")


def vm_hwm_mb(pid: int) -> float | None:
    """A running process's peak resident memory."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next(int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:"))


def measured(env: dict, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.measure", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    memory = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": len([l for l in open("/proc/cpuinfo") if l.startswith("processor")]),
            "memory_gb": round(memory / 2**20, 1), "python": platform.python_version(), "commit": commit,
            "date": datetime.date.today().isoformat()}


def run_size(engine: str, size: int, real, queries: list[dict], wrk_duration: int) -> dict:
    root = WORK / f"{engine}-{size}"
    shutil.rmtree(root, ignore_errors=True)
    articles = articles_of_size(real, size)
    pages = make_pages(articles)
    day = make_pages(real[-DAY_ARTICLES:], seed=99, start=datetime.date(2026, 1, 5), years=0, prefix="day")
    page_bytes = write_pages(pages, root / "pages")
    write_pages(day, root / "day")
    text_mb = sum(len(a.title.encode()) + sum(len(p.encode()) for p in a.paragraphs) for a in articles) / 2**20
    database = {}
    if engine == "postgres":  # the archive and its index in a fresh database on the primary
        primary, replica = postgres.servers()
        database = {"DATABASE_URL": postgres.fresh_database(primary, f"bench_{size}")}
    bulk = production_env(root / "data") | {"ARCHIVE_LIVE_INDEX": "0", "ARCHIVE_SEARCH_ENGINE": engine,
                                            "ARCHIVE_INDEX_DIR": str(root / "index")} | database
    live = bulk | {"ARCHIVE_LIVE_INDEX": "1"}
    manage(bulk, "migrate", "--noinput")
    manage(bulk, "collectstatic", "--noinput")
    result = {"engine": engine, "size": size, "real_articles": min(size, len(real)), "pages": len(pages), "text_mb": text_mb,
              "page_files_mb": page_bytes / 2**20}
    # PostgreSQL's index is written in the ingest's own transactions: no queue, no worker.
    print(f"[{size}] ingest {len(pages)} pages{', the index worker beside it' if not database else ''} …", flush=True)
    with (contextlib.nullcontext({"peak_rss_mb": None}) if database else index_worker(live)) as worker:
        build = measured(live, "ingest", str(root / "pages"))
    result["build"] = build | {"pages_per_s": len(pages) / build["seconds"], "articles_per_s": size / build["seconds"],
                               "mb_per_s": text_mb / build["seconds"], "worker_peak_rss_mb": worker["peak_rss_mb"]}
    result["index"] = postgres.sizes_mb(database["DATABASE_URL"]) if database else {"size_mb": folder_mb(root / "index")}
    print(f"[{size}] search …", flush=True)
    queries_path = root / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    result["search"] = timed_search(root, live)
    print(f"[{size}] one day's ingest with live indexing …", flush=True)
    started = time.perf_counter()
    manage(live, "ingest", str(root / "day"))
    probe = f'"{day[0].text.split(chr(10))[4][:12]}"'
    found = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                            "from search.forms import SearchForm; f = SearchForm({'q': %r}); f.is_valid(); "
                            "print(f.search().total)" % probe], cwd=ROOT, env=live, capture_output=True, text=True)
    result["incremental"] = {"articles": DAY_ARTICLES, "pages": len(day), "seconds": time.perf_counter() - started,
                             "found": int((found.stdout.strip() or "0").splitlines()[-1]) > 0}
    print(f"[{size}] FTS5 reference …", flush=True)
    documents = [a.title + "\n" + "\n".join(a.paragraphs) for a in articles]
    reference = root / "fts5.sqlite3"
    result["fts5"] = fts5.build(reference, documents) | fts5.time_queries(reference, queries)
    print(f"[{size}] every page kind, one client{' then under wrk' if wrk_duration else ''} …", flush=True)
    result["page_times"], result["pages_wrk"] = pages_served(root, bulk, wrk_duration)
    result["memory"] = {"worker_rss_mb": result["page_times"].pop("worker_rss_mb", None)}
    if database and wrk_duration:
        result["replica"] = replica_reads(root, live, real, size, "week")
    return result


def replica_reads(root: Path, env: dict, real, size: int, name: str) -> dict:
    """The replica serving pages while the primary ingests a week's pages, new ones (``name``)."""
    print(f"[{size}] the replica serving pages while the primary ingests a week …", flush=True)
    week = make_pages(real[-REPLICA_PAGES:], seed=98, start=datetime.date(2026, 2, 2), years=0, prefix=name)
    write_pages(week, root / name)
    paths = json.loads((root / "page_urls.json").read_text(encoding="utf-8"))
    replica = postgres.on_database(postgres.servers()[1], f"bench_{size}")
    return postgres.replica_reads(root, env, replica, root / name, [paths[page] for page in WRK_PAGES], 30)


def archive_database(engine: str, size: int) -> dict:
    """The PostgreSQL engine's archive of an earlier full run: its DATABASE_URL (others: none)."""
    return {"DATABASE_URL": postgres.on_database(postgres.servers()[0], f"bench_{size}")} if engine == "postgres" else {}


def retime_pages(engine: str, size: int, wrk_duration: int, about: dict) -> None:
    """The pages of an archive built by an earlier full run, timed again after a change to the
    pages (its migrations applied first); the search and build figures stay those of that run."""
    root, path = WORK / f"{engine}-{size}", RESULTS / f"{engine}-{size}.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    env = production_env(root / "data") | {"ARCHIVE_SEARCH_ENGINE": engine, "ARCHIVE_INDEX_DIR": str(root / "index")}
    env |= archive_database(engine, size)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    print(f"[{size}] the search mix again at {about['commit']} …", flush=True)
    result["search"] = timed_search(root, env) | {"commit": about["commit"]}
    print(f"[{size}] every page kind again at {about['commit']} …", flush=True)
    result["page_times"], result["pages_wrk"] = pages_served(root, env, wrk_duration)
    result["memory"] = {"worker_rss_mb": result["page_times"].pop("worker_rss_mb", None)}
    result["pages_machine"] = about
    if "DATABASE_URL" in env and wrk_duration:
        result["replica"] = replica_reads(root, env | {"ARCHIVE_LIVE_INDEX": "1"}, real_articles(), size,
                                          f"week-{about['commit']}") | {"commit": about["commit"]}
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


def reindex(engine: str, size: int, wrk_duration: int, about: dict) -> None:
    """The index built again, the search mix and the pages timed again, on an archive built by an
    earlier full run, at this commit (after a change to the index or the search); the ingest,
    one-day and reference figures stay those of that run."""
    root, path = WORK / f"{engine}-{size}", RESULTS / f"{engine}-{size}.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    database = archive_database(engine, size)
    bulk = production_env(root / "data") | database | {"ARCHIVE_LIVE_INDEX": "0", "ARCHIVE_SEARCH_ENGINE": engine,
                                                       "ARCHIVE_INDEX_DIR": str(root / "index")}
    manage(bulk, "migrate", "--noinput")
    manage(bulk, "collectstatic", "--noinput")
    print(f"[{size}] rebuild_index again at {about['commit']} …", flush=True)
    index = measured(bulk, "rebuild_index", "--noinput", "--verbosity", "0")
    size_mb = postgres.sizes_mb(database["DATABASE_URL"]) if database else {"size_mb": folder_mb(root / "index")}
    result["index"] = result["index"] | index | size_mb | {"articles_per_s": size / index["seconds"],
                                                           "mb_per_s": result["text_mb"] / index["seconds"]}
    print(f"[{size}] search …", flush=True)
    result["search"] = timed_search(root, bulk)
    print(f"[{size}] every page kind …", flush=True)
    result["page_times"], result["pages_wrk"] = pages_served(root, bulk, wrk_duration)
    result["memory"] = {"worker_rss_mb": result["page_times"].pop("worker_rss_mb", None)}
    result["pages_machine"] = result["reindex_machine"] = about
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


def timed_search(root: Path, env: dict) -> dict:
    """The query mix through the app's search path (``bench/search_timing.py``), in a fresh process."""
    search = subprocess.run([sys.executable, "-m", "bench.search_timing", str(root / "queries.json")], cwd=ROOT,
                            env=env | {"ARCHIVE_LIVE_INDEX": "1"}, check=True, capture_output=True, text=True)
    return json.loads(search.stdout.strip().splitlines()[-1])


WRK_PAGES = ("home", "article", "search")  # the pages the throughput targets name


def pages_served(root: Path, env: dict, wrk_duration: int) -> tuple[dict, dict]:
    """Each page kind timed with one client (``bench/page_timing.py``), then the home, article and
    search pages under ``wrk`` (16 connections, 2 gunicorn workers); with the workers' memory."""
    urls = root / "page_urls.json"
    found = subprocess.run([sys.executable, "-m", "bench.page_urls"], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True)
    urls.write_text(found.stdout.strip().splitlines()[-1], encoding="utf-8")
    paths = json.loads(urls.read_text(encoding="utf-8"))
    under_load = {}
    with gunicorn(data_dir=root / "data", env=env, prepare_data=False) as server:
        single = subprocess.run([sys.executable, "-m", "bench.page_timing", server.url, str(urls)], cwd=ROOT,
                                check=True, capture_output=True, text=True)
        pages = json.loads(single.stdout.strip().splitlines()[-1])
        if wrk_duration:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
                lua.write(PERCENTILES_LUA)
            for name in WRK_PAGES:
                r = wrk(server.url + paths[name], connections=16, duration=wrk_duration, lua_path=lua.name)
                under_load[name] = {"requests_per_s": r.requests_per_second, "p95_ms": r.p95_ms,
                                    "errors": r.socket_errors + r.non_2xx}
            Path(lua.name).unlink()
        pages["worker_rss_mb"] = max(worker_rss_mb(server.process.pid), default=None)
    return pages, under_load


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="archive benchmark")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--with-100k", action="store_true", help="also run at 100,000 articles (SQLite FTS5 engine: about 25 minutes)")
    parser.add_argument("--wrk-duration", type=int, default=30, help="seconds per page under wrk; 0 skips")
    parser.add_argument("--pages-only", action="store_true",
                        help="time the search mix and the pages again on the archives a full run built (bench/.work), at this commit")
    parser.add_argument("--reindex", action="store_true",
                        help="build the index again and time search and pages on the archives a full run built")
    args = parser.parse_args(argv)
    sizes = args.sizes + ([100_000] if args.with_100k else [])
    real = real_articles()
    queries = query_mix(real)
    RESULTS.mkdir(parents=True, exist_ok=True)
    about = machine()
    if args.pages_only or args.reindex:
        for engine in args.engines:
            for size in sizes:
                (reindex if args.reindex else retime_pages)(engine, size, args.wrk_duration, about)
        report.write()
        return 0
    for engine in args.engines:
        for size in sizes:
            result = run_size(engine, size, real, queries, args.wrk_duration) | {"machine": about}
            (RESULTS / f"{engine}-{size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False),
                                                            encoding="utf-8")
            print(report.row(result), flush=True)
    report.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
