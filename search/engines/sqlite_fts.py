"""SQLite FTS5: the engine for a large archive on one machine (``ARCHIVE_SEARCH_ENGINE=sqlite``).

The index is one SQLite file, ``index.sqlite3`` in the index folder, apart from the archive's
database (which may be PostgreSQL). ``items`` holds what filters, facets and sorts read; three
FTS5 tables keyed by ``items.id`` hold the tokens of the fields the scoring counts evidence in
(``fts_text``: units and bigrams of everything printed; ``fts_words``: its jieba words;
``fts_head``: units and bigrams of the headline), one table per field so that ``bm25()``'s row length is that
field's length. FTS5 does no analysis of its own: tokens are made by ``search/analyzers.py`` and
stored as space-separated strings that the ``ascii`` tokenizer splits back at the spaces.
``bm25()`` is the scoring's BM25 (``search/scoring.py``), so the score is computed natively.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sqlite3
import threading
from pathlib import Path

from ..analyzers import bigrams, field_tokens, words
from ..query import Clause, ParsedQuery
from ..scoring import HEAD, SCORE_SCALE, TEXT, WORDS, Evidence, reported
from .base import FIRST_DATE, KINDS, NO_DATE, Batch, Deadline, SearchTooExpensive, Filters, IndexFailure, IndexUnavailable, RawHit, RawResults, SearchEngine, SearchRequest

FILENAME = "index.sqlite3"
SCHEMA_VERSION = 2
TABLES = ("items", "item_people", "fts_text", "fts_words", "fts_head", "tokens")  # "tokens": version 1's
SCHEMA = """
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    ident TEXT NOT NULL UNIQUE,  -- "archive.article.12"
    kind TEXT NOT NULL,          -- "article" | "photo"
    pk INTEGER NOT NULL,
    parent INTEGER,              -- a photo printed in an article: the article's pk
    section INTEGER,
    date TEXT NOT NULL,          -- ISO, base.NO_DATE when undated
    month TEXT                   -- "YYYY-MM", NULL when undated
);
CREATE INDEX items_date ON items(date);
CREATE TABLE item_people (
    person INTEGER NOT NULL,
    item INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (person, item)
) WITHOUT ROWID;
CREATE INDEX item_people_item ON item_people(item);
CREATE VIRTUAL TABLE fts_text USING fts5(units, bigrams, tokenize = 'ascii');
CREATE VIRTUAL TABLE fts_words USING fts5(words, tokenize = 'ascii');
CREATE VIRTUAL TABLE fts_head USING fts5(units, bigrams, tokenize = 'ascii');
"""
FTS_TABLES = {TEXT: "fts_text", WORDS: "fts_words", HEAD: "fts_head"}  # one per field evidence is counted in
ORDER = {
    "relevance": "score DESC, kept.date DESC, kept.kind ASC, kept.pk DESC",
    "newest": "kept.date DESC, score DESC, kept.kind ASC, kept.pk DESC",
    "oldest": f"kept.date = '{NO_DATE.isoformat()}', kept.date ASC, score DESC, kept.kind ASC, kept.pk DESC",
}
# Errors that say "try later" (another writer) and errors that say "this index is broken".
BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
FAILURE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
                 sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM}


# --- the compiler: a parsed query as FTS5 match expressions ---------------------------------

def literal(atom: str) -> str:
    """Rows whose field contains ``atom`` literally: one unit is a term of the ``units`` column,
    more are a phrase of their bigrams. Atoms are letters and digits only, so they never carry a
    quote or any other FTS5 syntax."""
    if len(atom) == 1:
        return f'units : "{atom}"'
    return f'bigrams : "{" ".join(bigrams(atom))}"'


def _clause(clause: Clause) -> str:
    return "(" + " AND ".join(literal(a) for a in clause.atoms) + ")"


def _any(clauses: list[Clause]) -> str:
    return "(" + " OR ".join(_clause(c) for c in clauses) + ")"


def match_expression(query: ParsedQuery) -> str | None:
    """Every group and none of the excluded; None when there is no positive group."""
    if not query.groups:
        return None
    expression = " AND ".join(_any(group) for group in query.groups)
    if query.excluded:
        expression += " NOT " + _any(query.excluded)
    return expression


def evidence_expression(evidence: Evidence) -> str:
    if evidence.field == WORDS:
        return " OR ".join(f'"{w}"' for w in evidence.literals)
    return " OR ".join(literal(a) for a in evidence.literals)


def text_evidence_in_match(query: ParsedQuery) -> bool:
    """Whether the match expression's own ``bm25()`` is the text evidence. FTS5 sums over the
    expression's phrases, but counts a phrase's occurrences only where its own branch matched:
    in ``("a" AND "b") OR "c"`` a row with a and c gets nothing for a. So: every positive literal
    once, and every alternative (OR) a single literal — then a literal occurs in a hit exactly
    when its branch matched. The excluded literals occur in no hit."""
    single_alternatives = all(len(c.atoms) == 1 for group in query.groups if len(group) > 1 for c in group)
    return single_alternatives and len(query.atoms) == len(query.distinct_atoms)


def filter_sql(filters: Filters) -> tuple[str, list]:
    """A condition on ``items`` and its parameters."""
    parts, params = [], []
    if filters.section_id:
        parts.append("items.section = ?")
        params.append(filters.section_id)
    if filters.kind:
        parts.append("items.kind = ?")
        params.append(filters.kind)
    if filters.person_id:
        parts.append("items.id IN (SELECT item FROM item_people WHERE person = ?)")
        params.append(filters.person_id)
    if filters.start or filters.end:  # a date range never matches an undated item
        parts.append("items.date BETWEEN ? AND ?")
        params += [(filters.start or FIRST_DATE).isoformat(), (filters.end or datetime.date.max).isoformat()]
    return " AND ".join(parts) or "1", params


PROGRESS_STEPS = 1_000
MAX_EVIDENCE = 5  # scoring.plan() gives at most five pieces: one working table each

# Working tables of one search, private to the reading connection (TEMP), keyed by items.id so
# that every join is a primary-key lookup whatever the planner estimates. (As CTEs, SQLite 3.40
# sometimes joined a materialised evidence table by scanning it once per match: seconds.)
WORKING_TABLES = """
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE IF NOT EXISTS kept (
    id INTEGER PRIMARY KEY, kind TEXT, pk INTEGER, parent INTEGER, section INTEGER, month TEXT, date TEXT,
    s REAL, folded INTEGER NOT NULL DEFAULT 0);
CREATE TEMP TABLE IF NOT EXISTS kept_articles (pk INTEGER PRIMARY KEY);
""" + "".join(f"CREATE TEMP TABLE IF NOT EXISTS evidence{n} (id INTEGER PRIMARY KEY, s REAL);\n"
             for n in range(MAX_EVIDENCE))


class CompiledSearch:
    """The statements of one search, in order: fill ``kept`` (the matches that pass the
    filters), mark the photos folded into a kept article, fill one table per piece of evidence,
    then read the facet counts, the page and the photos folded under the page's articles."""

    def __init__(self, request: SearchRequest):
        assert len(request.evidence) <= MAX_EVIDENCE, "scoring.plan() gives more evidence than there are tables"
        self.request = request
        self.match = match_expression(request.query)
        self.scored_match = bool(self.match) and text_evidence_in_match(request.query)
        self.where, self.where_params = filter_sql(request.filters)

    def filling(self) -> list[tuple[str, list]]:
        statements = [(f"DELETE FROM {table}", []) for table in ("kept", "kept_articles")]
        statements.append(self._kept())
        statements += [("INSERT INTO kept_articles SELECT pk FROM kept WHERE kind = 'article'", []),
                       ("UPDATE kept SET folded = 1 WHERE kind = 'photo' AND parent IN kept_articles", [])]
        for n, evidence in self._evidence_tables():
            table = FTS_TABLES[evidence.field]
            statements += [(f"DELETE FROM evidence{n}", []),
                           (f"INSERT INTO evidence{n} SELECT rowid, -bm25({table}) FROM {table} WHERE {table} MATCH ?",
                            [evidence_expression(evidence)])]
        return statements

    def _kept(self) -> tuple[str, list]:
        if self.match:
            score = "-bm25(fts_text)" if self.scored_match else "0.0"
            source, params = f"SELECT rowid AS id, {score} AS s FROM fts_text WHERE fts_text MATCH ?", [self.match]
        elif self.request.query.excluded:
            source = "SELECT id, 0.0 AS s FROM items WHERE id NOT IN (SELECT rowid FROM fts_text WHERE fts_text MATCH ?)"
            params = [_any(self.request.query.excluded)]
        else:
            source, params = "SELECT id, 0.0 AS s FROM items", []
        return ("INSERT INTO kept (id, kind, pk, parent, section, month, date, s) SELECT items.id, items.kind, "
                f"items.pk, items.parent, items.section, items.month, items.date, m.s FROM ({source}) AS m "
                f"JOIN items ON items.id = m.id WHERE {self.where}"), params + self.where_params

    def _evidence_tables(self):
        """(n, evidence) for the evidence that needs a table of its own: all but the text
        evidence when the match computes it."""
        return [(n, e) for n, e in enumerate(self.request.evidence) if not (n == 0 and self.scored_match)]

    @staticmethod
    def counts() -> tuple[str, list]:
        return "SELECT section, month, count(*) FROM kept WHERE NOT folded GROUP BY 1, 2", []

    def page(self) -> tuple[str, list]:
        terms = [f"{self.request.evidence[0].weight!r} * kept.s"] if self.scored_match else []
        joins = []
        for n, evidence in self._evidence_tables():
            joins.append(f"LEFT JOIN evidence{n} ON evidence{n}.id = kept.id")
            terms.append(f"{evidence.weight!r} * coalesce(evidence{n}.s, 0.0)")
        # The sum in the scoring's order; truncating score·10⁶ + 0.5 is scoring.quantized.
        score = f"CAST(({' + '.join(terms)}) * {SCORE_SCALE}.0 + 0.5 AS INTEGER)" if terms else "0"
        return (f"SELECT kept.kind, kept.pk, {score} AS score FROM kept {' '.join(joins)} WHERE NOT kept.folded "
                f"ORDER BY {ORDER[self.request.sort]} LIMIT ? OFFSET ?"), [self.request.per_page, self.request.offset]

    @staticmethod
    def folded_photos(article_pks: list[int]) -> tuple[str, list]:
        marks = ",".join("?" * len(article_pks))
        return f"SELECT parent, pk FROM kept WHERE folded AND parent IN ({marks})", list(article_pks)


# --- the engine ------------------------------------------------------------------------------

def _item_row(doc) -> tuple:
    return (doc.ident, doc.kind, doc.pk, doc.parent, doc.section_id, doc.sort_date.isoformat(), doc.month)


class SqliteFtsEngine(SearchEngine):
    name = "sqlite"

    def __init__(self, location: str, **options):
        super().__init__(location, **options)
        self.path = Path(location) / FILENAME
        self._local = threading.local()
        self._setup_lock = threading.Lock()
        self._ready = False

    # --- files and connections ---------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self):
        """SQLite's errors as the contract's: busy → IndexUnavailable; a broken, full or
        unreadable file → IndexFailure naming it. Others (this code's own mistakes) pass."""
        try:
            yield
        except sqlite3.Error as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code in BUSY_CODES:
                raise IndexUnavailable.busy(self.path, error) from error
            if code in FAILURE_CODES:
                raise IndexFailure.unusable(self.path, error) from error
            raise

    def _connect(self, timeout: float) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _setup(self) -> None:
        """Create the file and its tables unless there (again, if the file was deleted)."""
        with self._setup_lock:
            if self._ready and self.path.exists():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._errors(), contextlib.closing(self._connect(timeout=30.0)) as db:
                db.execute("PRAGMA journal_mode = WAL")
                if self._version(db) == 0:
                    db.execute("BEGIN IMMEDIATE")
                    if self._version(db) == 0:  # not made meanwhile by another process
                        _create_tables(db)
                    db.execute("COMMIT")
                version = self._version(db)
                if version != SCHEMA_VERSION:
                    raise IndexFailure.outdated(self.path, f"(格式 {version},本程序读 {SCHEMA_VERSION})")
            self._ready = True

    @staticmethod
    def _version(db: sqlite3.Connection) -> int:
        return db.execute("PRAGMA user_version").fetchone()[0]

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection for searching: one per thread, made again after a fork or
        when the file was replaced (a broken index cleared by another process)."""
        self._setup()
        owner = (os.getpid(), self.path.stat().st_ino)
        held = getattr(self._local, "reader", None)
        if held is None or held[0] != owner:
            if held is not None:
                held[1].close()
            reader = self._connect(timeout=5.0)
            reader.executescript(WORKING_TABLES)
            held = self._local.reader = (owner, reader)
        return held[1]

    @contextlib.contextmanager
    def _writer(self, timeout: float, setup: bool = True):
        """A connection holding the write lock; commits on leaving, rolls back on an error."""
        if setup:
            self._setup()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._errors(), contextlib.closing(self._connect(timeout=timeout)) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:  # SQLite rolls back by itself after some errors (a full disk)
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's reading connection (each thread holds its own)."""
        held = getattr(self._local, "reader", None)
        if held:
            held[1].close()
            self._local.reader = None

    # --- reading -----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> RawResults:
        compiled = CompiledSearch(request)
        deadline = Deadline(request.budget)
        with self._errors():
            db = self._reader()
            # SQLite asks every PROGRESS_STEPS virtual-machine steps; True interrupts the statement.
            db.set_progress_handler(deadline.expired, PROGRESS_STEPS)
            try:
                db.execute("BEGIN")  # every statement sees the same committed state
                for statement in compiled.filling():
                    db.execute(*statement)
                    deadline.check()  # FTS5's own matching inside one row never calls the handler
                shown = db.execute(*compiled.counts()).fetchall()
                total = sum(n for _, _, n in shown)
                rows = db.execute(*compiled.page()).fetchall() if total else []
                articles = [pk for kind, pk, _ in rows if kind == "article"]
                folded = db.execute(*compiled.folded_photos(articles)).fetchall() if articles else []
                db.execute("COMMIT")
            except BaseException as error:
                self.close()  # a connection left mid-transaction would fail every later search
                if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT:
                    raise SearchTooExpensive(request.budget) from error
                raise
            db.set_progress_handler(None, 0)
        photos: dict[int, list[int]] = {}
        for parent, pk in sorted(folded):
            photos.setdefault(parent, []).append(pk)
        sections: dict[int, int] = {}
        months: dict[str, int] = {}
        for section, month, n in shown:
            if section:
                sections[section] = sections.get(section, 0) + n
            if month:
                months[month] = months.get(month, 0) + n
        hits = [RawHit(kind, pk, reported(score), tuple(photos.get(pk, ())) if kind == "article" else ())
                for kind, pk, score in rows]
        return RawResults(total=total, hits=hits, sections=sections, months=months)

    def indexed_ids(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        with self._errors():
            for kind, pk in self._reader().execute("SELECT kind, pk FROM items"):
                found.setdefault(KINDS[kind], set()).add(str(pk))
        return found

    def count(self) -> int:
        with self._errors():
            return self._reader().execute("SELECT count(*) FROM items").fetchone()[0]

    # --- writing -----------------------------------------------------------------------

    def write(self, read, *, timeout: float, size: int = 0) -> None:
        with self._writer(timeout) as db:
            batch: Batch = read()
            _delete(db, [doc.ident for doc in batch.documents] + list(batch.deleted))
            for doc in batch.documents:
                item = db.execute("INSERT INTO items (ident, kind, pk, parent, section, date, month) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)", _item_row(doc)).lastrowid
                text, head = field_tokens(doc.text), field_tokens(doc.head)
                db.execute("INSERT INTO fts_text (rowid, units, bigrams) VALUES (?, ?, ?)", (item, text.units, text.bigrams))
                db.execute("INSERT INTO fts_words (rowid, words) VALUES (?, ?)", (item, " ".join(words(doc.text))))
                db.execute("INSERT INTO fts_head (rowid, units, bigrams) VALUES (?, ?, ?)", (item, head.units, head.bigrams))
                db.executemany("INSERT INTO item_people (person, item) VALUES (?, ?)",
                               [(person, item) for person in dict.fromkeys(doc.people)])

    def clear(self, *, timeout: float) -> None:
        """Drop and create every table in one transaction: an index of an older version is
        replaced by this version's layout. A file SQLite cannot read at all is replaced."""
        try:
            with self._writer(timeout, setup=False) as db:
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                _create_tables(db)
        except IndexFailure as failure:
            code = getattr(failure.__cause__, "sqlite_errorcode", 0) & 0xFF
            if code not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                raise  # a full disk or a permission: replacing the file would not help
            self.close()
            for path in (self.path, *self.path.parent.glob(f"{FILENAME}-*")):
                path.unlink(missing_ok=True)
        self._ready = False
        self._setup()


def _create_tables(db: sqlite3.Connection) -> None:
    """Inside the caller's transaction (``executescript`` would commit it)."""
    for statement in filter(str.strip, SCHEMA.split(";")):
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _delete(db: sqlite3.Connection, idents: list[str]) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (ident TEXT PRIMARY KEY)")
    db.execute("DELETE FROM doomed")
    db.executemany("INSERT OR IGNORE INTO doomed VALUES (?)", [(i,) for i in idents])
    doomed = "SELECT id FROM items WHERE ident IN (SELECT ident FROM doomed)"
    for table in FTS_TABLES.values():
        db.execute(f"DELETE FROM {table} WHERE rowid IN ({doomed})")
    db.execute(f"DELETE FROM item_people WHERE item IN ({doomed})")
    db.execute("DELETE FROM items WHERE ident IN (SELECT ident FROM doomed)")
