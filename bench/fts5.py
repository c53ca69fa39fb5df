"""The reference: the same articles and queries through SQLite FTS5 with pre-tokenised CJK
bigrams. Not part of the product — a yardstick for the figures.

Each article is indexed as its units followed by its bigrams (made by the archive's own
analyzer, so both sides match the same literals); a query literal of two or more units is an
FTS5 phrase of its bigrams, one unit a term. Ranked by FTS5's bm25, 20 per page, with the total
counted, as the app does.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from search.analyzers import bigrams, units
from search.query import Clause, parse_query


def tokens(text: str) -> str:
    unit_text, _ = units(text)
    return " ".join(unit_text) + " " + " ".join(bigrams(unit_text))


def build(path: Path, documents: list[str]) -> dict:
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61')")
    db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", ((i, tokens(d)) for i, d in enumerate(documents)))
    db.commit()
    db.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "articles_per_s": len(documents) / seconds, "size_mb": path.stat().st_size / 2**20}


def _literal(atom: str) -> str:
    if len(atom) == 1:
        return f'"{atom}"'
    return '"' + " ".join(bigrams(atom)) + '"'


def _clause(clause: Clause) -> str:
    return "(" + " AND ".join(_literal(a) for a in clause.atoms) + ")"


def to_match(text: str) -> str | None:
    parsed = parse_query(text)
    if not parsed.groups:
        return None
    expression = " AND ".join("(" + " OR ".join(_clause(c) for c in group) + ")" for group in parsed.groups)
    for clause in parsed.excluded:
        expression += f" NOT {_clause(clause)}"
    return expression


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
