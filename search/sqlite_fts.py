"""SQLite FTS5, for an archive that has outgrown Whoosh's speed on one machine.

Chosen by ``ARCHIVE_SEARCH_ENGINE=sqlite`` (see ``config/settings.py``). The index is one SQLite
file in the index folder, separate from the archive's database (which may be PostgreSQL).

FTS5 does no Chinese analysis here: the tokens are made in Python by ``search/analyzers.py`` —
the code the Whoosh index uses — and stored as space-separated strings that FTS5's ``ascii``
tokenizer splits back at the spaces (every non-ASCII character is a token character to it). So
the three engines agree on what a match is: units and bigrams for matching (a literal of two or
more units is a phrase of its bigrams, one unit a term), jieba words for ranking. Why it is
faster: the postings are written and read by SQLite's C code, where Whoosh's are Python.

Ranking follows ``query.to_whoosh``: BM25 of the matched literals, plus BM25 of the query's
jieba words, plus a flat bonus per literal in the headline and for the whole query as one
phrase; ties go to the newer item.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID

from .analyzers import token_strings, words
from .query import HEAD_BONUS, PHRASE_BONUS, WORD_BOOST, Clause, ParsedQuery, ranking_words
from .types import Filters, RawHit, RawResults
from .writing import BATCH_LOCK_WAIT, QueuedWrites, prepared_document

FILENAME = "index.sqlite3"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    ident TEXT NOT NULL UNIQUE,  -- haystack's id: "archive.article.12"
    ct TEXT NOT NULL,
    pk INTEGER NOT NULL,
    kind TEXT NOT NULL,
    section TEXT,
    date TEXT NOT NULL,  -- ISO; undated items carry search_indexes.NO_DATE
    year_month TEXT
);
CREATE INDEX IF NOT EXISTS items_date ON items(date);
CREATE TABLE IF NOT EXISTS item_people (
    person TEXT NOT NULL,
    item INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (person, item)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS item_people_item ON item_people(item);
CREATE VIRTUAL TABLE IF NOT EXISTS tokens USING fts5(
    words, units, bigrams, head_units, head_bigrams, tokenize = 'ascii'
);
"""
SORT_SQL = {
    "relevance": "score DESC, items.date DESC",
    "newest": "items.date DESC, score DESC",
    "oldest": "items.date ASC, score DESC",
}


class IndexBusy(TimeoutError):
    """Another process is writing the index (a TimeoutError, so the update is queued)."""


# --- from a parsed query to FTS5 match expressions -------------------------------------------

def literal(atom: str, prefix: str = "") -> str:
    """Items containing ``atom`` literally: the same rule as ``query.literal``. Atoms are units
    (letters and digits), so they never hold a quote or other FTS5 syntax."""
    if len(atom) == 1:
        return f'{prefix}units : "{atom}"'
    grams = " ".join(atom[i:i + 2] for i in range(len(atom) - 1))
    return f'{prefix}bigrams : "{grams}"'


def _clause(clause: Clause) -> str:
    return "(" + " AND ".join(literal(a) for a in clause.atoms) + ")"


def _any(clauses: list[Clause]) -> str:
    return "(" + " OR ".join(_clause(c) for c in clauses) + ")"


def match_expression(parsed: ParsedQuery) -> str | None:
    """Every group and none of the excluded; None when there is no positive group."""
    if not parsed.groups:
        return None
    expression = " AND ".join(_any(group) for group in parsed.groups)
    if parsed.excluded:
        expression += " NOT " + _any(parsed.excluded)
    return expression


def words_expression(parsed: ParsedQuery) -> str | None:
    found = ranking_words(parsed)
    return "words : (" + " OR ".join(f'"{w}"' for w in found) + ")" if found else None


# --- the SQL of one search ------------------------------------------------------------------

def _filter_sql(filters: Filters) -> tuple[str, list]:
    """A WHERE condition on ``items`` and its parameters."""
    parts, params = [], []
    if filters.section_id:
        parts.append("items.section = ?")
        params.append(str(filters.section_id))
    if filters.kind:
        parts.append("items.kind = ?")
        params.append(filters.kind)
    if filters.person_id:
        parts.append("items.id IN (SELECT item FROM item_people WHERE person = ?)")
        params.append(str(filters.person_id))
    if filters.start:
        parts.append("items.date >= ?")
        params.append(filters.start.isoformat())
    if filters.end:
        parts.append("items.date <= ?")
        params.append(filters.end.isoformat())
    return " AND ".join(parts) or "1", params


class _SearchSql:
    """The statements of one search, with their parameters."""

    def __init__(self, parsed: ParsedQuery, filters: Filters):
        self.parsed = parsed
        self.match = match_expression(parsed)
        self.where, self.filter_params = _filter_sql(filters)

    def matched(self, scored: bool) -> tuple[str, list]:
        """A subquery of (id, score) for every item the query matches."""
        score = "-bm25(tokens)" if scored else "0.0"
        if self.match:
            return f"SELECT rowid AS id, {score} AS score FROM tokens WHERE tokens MATCH ?", [self.match]
        if self.parsed.excluded:
            return ("SELECT id, 0.0 AS score FROM items WHERE id NOT IN "
                    "(SELECT rowid FROM tokens WHERE tokens MATCH ?)", [_any(self.parsed.excluded)])
        return "SELECT id, 0.0 AS score FROM items", []

    def counts(self) -> tuple[str, list]:
        matched, params = self.matched(scored=False)
        sql = (f"SELECT items.section, items.year_month, count(*) FROM ({matched}) AS matched "
               f"JOIN items ON items.id = matched.id WHERE {self.where} GROUP BY 1, 2")
        return sql, params + self.filter_params

    def page(self, sort: str, limit: int, offset: int) -> tuple[str, list]:
        matched, params = self.matched(scored=True)
        joins, score = [], ["matched.score"]
        bonus_params: list = []
        words_match = words_expression(self.parsed)
        if words_match:
            joins.append("LEFT JOIN (SELECT rowid AS id, -bm25(tokens) AS score FROM tokens "
                         "WHERE tokens MATCH ?) AS word_hits ON word_hits.id = matched.id")
            bonus_params.append(words_match)
            score.append(f"{WORD_BOOST} * coalesce(word_hits.score, 0)")
        bonus_matches = [literal(a, "head_") for a in dict.fromkeys(self.parsed.atoms)]
        bonus_sizes = [HEAD_BONUS] * len(bonus_matches)
        if len(self.parsed.atoms) > 1:
            bonus_matches.append(literal(self.parsed.whole))
            bonus_sizes.append(PHRASE_BONUS)
        for n, (expression, size) in enumerate(zip(bonus_matches, bonus_sizes)):
            joins.append(f"LEFT JOIN (SELECT rowid AS id FROM tokens WHERE tokens MATCH ?) AS bonus{n} "
                         f"ON bonus{n}.id = matched.id")
            bonus_params.append(expression)
            score.append(f"{size} * (bonus{n}.id IS NOT NULL)")
        sql = (f"SELECT items.ct, items.pk, {' + '.join(score)} AS score FROM ({matched}) AS matched "
               f"JOIN items ON items.id = matched.id {' '.join(joins)} "
               f"WHERE {self.where} ORDER BY {SORT_SQL[sort]} LIMIT ? OFFSET ?")
        return sql, params + bonus_params + self.filter_params + [limit, offset]


# --- the haystack backend --------------------------------------------------------------------

def index_row(doc: dict) -> tuple:
    date = doc.get("date")
    return (doc[ID], doc[DJANGO_CT], int(doc[DJANGO_ID]), doc["kind"], doc.get("section"),
            date.isoformat(), doc.get("year_month"))


def token_row(doc: dict) -> tuple:
    return (" ".join(words(doc["text"])), *token_strings(doc["ngrams"]), *token_strings(doc.get("head") or ""))


class ChineseSqliteBackend(QueuedWrites, BaseSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.path = Path(connection_options["PATH"]) / FILENAME
        self.setup_complete = False
        self._local = threading.local()
        self._setup_lock = threading.Lock()

    def setup(self):
        """Create the index file and its tables unless there (again, if it was deleted)."""
        with self._setup_lock:
            if self.setup_complete and self.path.exists():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect(timeout=30.0)
            try:
                db.execute("PRAGMA journal_mode = WAL")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, SCHEMA_VERSION):
                    raise RuntimeError(f"{self.path}: index schema {version}, this code reads {SCHEMA_VERSION}; "
                                       "delete the file and run rebuild_index")
                db.executescript(SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
            finally:
                db.close()
            self.setup_complete = True

    def _connect(self, timeout: float) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def reader(self) -> sqlite3.Connection:
        """This thread's connection for searching (one per thread, made again after a fork)."""
        self.setup()
        held = getattr(self._local, "reader", None)
        if held is None or held[0] != os.getpid():
            held = self._local.reader = (os.getpid(), self._connect(timeout=5.0))
        return held[1]

    # --- reading ---------------------------------------------------------------------

    def run(self, parsed: ParsedQuery, filters: Filters, sort: str, page: int, per_page: int) -> RawResults:
        sql = _SearchSql(parsed, filters)
        db = self.reader()
        db.execute("BEGIN")  # both statements see the same committed state
        try:
            counts = db.execute(*sql.counts()).fetchall()
            total = sum(n for _, _, n in counts)
            rows = db.execute(*sql.page(sort if sort in SORT_SQL else "relevance",
                                        per_page, (page - 1) * per_page)).fetchall() if total else []
        finally:
            db.execute("COMMIT")
        sections: dict[str, int] = {}
        months: dict[str, int] = {}
        for section, month, n in counts:
            if section:
                sections[section] = sections.get(section, 0) + n
            if month:
                months[month] = months.get(month, 0) + n
        hits = [RawHit(ct, pk, score) for ct, pk, score in rows]
        return RawResults(total=total, hits=hits, sections=sections, months=months)

    def indexed_ids(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for ct, pk in self.reader().execute("SELECT ct, pk FROM items"):
            found.setdefault(ct, set()).add(str(pk))
        return found

    def doc_count(self) -> int:
        return self.reader().execute("SELECT count(*) FROM items").fetchone()[0]

    # --- writing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, timeout: float):
        """A connection holding the index's write lock; IndexBusy when it is not free within
        ``timeout``. Commits on leaving, rolls back on an error."""
        self.setup()
        db = self._connect(timeout=timeout)
        try:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise IndexBusy(f"{self.path}: {error}") from error
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def open_writer(self, timeout: float, size: int):
        return self.writer(timeout)

    def write_changes(self, db: sqlite3.Connection, docs: list[dict], deleted_ids: list[str]) -> None:
        _delete(db, [doc[ID] for doc in docs] + list(deleted_ids))
        for doc in docs:
            item = db.execute("INSERT INTO items (ident, ct, pk, kind, section, date, year_month) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)", index_row(doc)).lastrowid
            db.execute("INSERT INTO tokens (rowid, words, units, bigrams, head_units, head_bigrams) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (item, *token_row(doc)))
            db.executemany("INSERT INTO item_people (person, item) VALUES (?, ?)",
                           [(person, item) for person in dict.fromkeys(doc.get("people") or [])])

    def document(self, index, obj) -> dict | None:
        return prepared_document(index, obj)

    def clear(self, models=None, commit=True):
        with self.writer(BATCH_LOCK_WAIT) as db:
            if models:
                labels = [f"{m._meta.app_label}.{m._meta.model_name}" for m in models]
                marks = ",".join("?" * len(labels))
                idents = [i for (i,) in db.execute(f"SELECT ident FROM items WHERE ct IN ({marks})", labels)]
                _delete(db, idents)
            else:
                db.execute("DELETE FROM tokens")
                db.execute("DELETE FROM item_people")
                db.execute("DELETE FROM items")

    def delete_index(self):
        self.clear()

    def search(self, query_string, **kwargs):
        raise NotImplementedError("search through search.results.search(), not SearchQuerySet")


def _delete(db: sqlite3.Connection, idents: list[str]) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (ident TEXT PRIMARY KEY)")
    db.execute("DELETE FROM doomed")
    db.executemany("INSERT OR IGNORE INTO doomed VALUES (?)", [(i,) for i in idents])
    doomed = "SELECT id FROM items WHERE ident IN (SELECT ident FROM doomed)"
    db.execute(f"DELETE FROM tokens WHERE rowid IN ({doomed})")
    db.execute(f"DELETE FROM item_people WHERE item IN ({doomed})")
    db.execute("DELETE FROM items WHERE ident IN (SELECT ident FROM doomed)")


class ChineseSqliteEngine(BaseEngine):
    backend = ChineseSqliteBackend
    query = BaseSearchQuery
