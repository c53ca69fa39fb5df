"""The reference: the same articles and queries through a bare SQLite FTS5 table of
pre-tokenised units and bigrams. Not part of the product — a yardstick for the figures.

Each article is one row of its units and bigrams (the archive's own analyzer) and a query is the
FTS5 engine's own match expression (``search/engines/sqlite_fts.py``), so both find the same
literals; ranked by plain ``bm25`` over the row, 20 per page, with the total counted — without
the engine's fields, filters, facets, folding or scoring.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from search.analyzers import field_tokens
from search.engines.sqlite_query import match_expression
from search.query import parse_query


def build(path: Path, documents: list[str]) -> dict:
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    # The engine's column names, so that its match expression reads the table; the body columns
    # stay empty (the whole article is one text here).
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(units, bigrams, body_units, body_bigrams, tokenize='ascii')")
    rows = ((i, tokens.units, tokens.bigrams) for i, tokens in enumerate(map(field_tokens, documents)))
    db.executemany("INSERT INTO docs(rowid, units, bigrams) VALUES (?, ?, ?)", rows)
    db.commit()
    db.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "articles_per_s": len(documents) / seconds, "size_mb": path.stat().st_size / 2**20}


def to_match(text: str) -> str | None:
    return match_expression(parse_query(text))


def time_queries(path: Path, queries: list[dict]) -> dict:
    db = sqlite3.connect(path)
    timings = []
    for params in queries + queries:  # second pass is timed (warm cache), as for the app
        match = to_match(params["q"])
        page = int(params.get("page", 1))
        begin = time.perf_counter()
        if match:
            db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()
            db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20 OFFSET ?",
                       (match, (page - 1) * 20)).fetchall()
        timings.append((time.perf_counter() - begin) * 1000)
    warm = sorted(timings[len(queries):])

    def pct(p):
        return warm[min(len(warm) - 1, int(round(p / 100 * (len(warm) - 1))))]

    return {"p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99)}
