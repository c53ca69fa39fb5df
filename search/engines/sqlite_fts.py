"""SQLite FTS5: the engine for a large archive on one machine (``ARCHIVE_SEARCH_ENGINE=sqlite``).

The index is one SQLite file, ``index.sqlite3`` in the index folder, apart from the archive's
database (which may be PostgreSQL). ``items`` holds what filters, facets and sorts read; three
FTS5 tables keyed by ``items.id`` hold the tokens of the fields the scoring counts evidence in
(``fts_text``: units and bigrams of everything printed; ``fts_words``: its jieba words;
``fts_head``: units and bigrams of the headline), one table per field so that ``bm25()``'s row
length is that field's length. ``fts_text`` keeps an article's body in columns of its own
(``body_units``, ``body_bigrams``): ``正文:`` looks there alone, and a literal of the text is looked
for in both pairs of columns (``sqlite_query.COLUMNS``) — the body costs no second copy of its
tokens. FTS5 does no analysis of its own: tokens are made by ``search/analyzers.py`` and stored as
space-separated strings that the ``ascii`` tokenizer splits back at the spaces. ``bm25()`` is the
scoring's BM25 (``search/scoring.py``), so the score is computed natively. How a search runs:
``sqlite_query.ExactSearch`` when it matches up to ``SearchRequest.common`` items (or a person's
few items are asked for), else ``sqlite_large.LargeSearch``, whose counts ``sqlite_estimate``
samples from the ``days`` table's count of each day's items.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from ..analyzers import field_tokens, words
from ..scoring import reported, scored_evidence
from .base import (
    KINDS, Batch, Deadline, IndexFailure, IndexUnavailable, RawHit, RawResults, SearchEngine, SearchRequest,
    SearchTooExpensive,
)
from .sqlite_large import PROBE_COST, WALK_COST, LargeSearch
from .sqlite_library import CONTENTLESS, sqlite3
from .sqlite_query import (
    FTS_TABLES, FIELD_TABLES, ExactSearch, Matching, filter_sql, has_checks, literal_expression, needs_lookup,
)
from .item_ids import DAY_SHIFT, id_range, item_id

FILENAME = "index.sqlite3"
# 3: item ids in the tie order (item_ids.item_id); 4: the days table, items by section;
# 5: contentless FTS5 tables (sqlite_library.py), made where the SQLite library can delete from
# them; 6 (7 contentless): the body in columns of its own. Version 6 is read and written as it
# is where the library makes contentless tables (queries and writes are the same for both).
SCHEMA_VERSION = 7 if CONTENTLESS else 6
READABLE_VERSIONS = {6, 7} if CONTENTLESS else {6}
# FTS5 stores no copy of the token strings (bm25 needs only its own row sizes): half the file.
FTS_OPTIONS = "tokenize = 'ascii'" + (", content = '', contentless_delete = 1" if CONTENTLESS else "")
TABLES = ("items", "item_people", "days", "fts_text", "fts_words", "fts_head", "tokens")  # "tokens": version 1's
SECTION_INDEX = "CREATE INDEX items_section ON items(section, id)"  # a section's items in id order
DAYS_TABLE = """CREATE TABLE days (  -- the items of each day, for sampling (sqlite_estimate.py)
    day INTEGER PRIMARY KEY,         -- date ordinal: items.id >> 33
    month TEXT,
    articles INTEGER NOT NULL,
    photos INTEGER NOT NULL
)"""
SCHEMA = f"""
CREATE TABLE items (
    id INTEGER PRIMARY KEY,      -- item_ids.item_id: date, articles first, pk
    ident TEXT NOT NULL UNIQUE,  -- "archive.article.12"
    kind TEXT NOT NULL,          -- "article" | "photo"
    pk INTEGER NOT NULL,
    parent INTEGER,              -- a photo printed in an article: the article's pk
    section INTEGER,
    date TEXT NOT NULL,          -- ISO, base.NO_DATE when undated
    month TEXT                   -- "YYYY-MM", NULL when undated
);
CREATE INDEX items_date ON items(date);
CREATE INDEX items_parent ON items(parent);
{SECTION_INDEX};
CREATE TABLE item_people (
    person INTEGER NOT NULL,
    item INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (person, item)
) WITHOUT ROWID;
CREATE INDEX item_people_item ON item_people(item);
{DAYS_TABLE};
CREATE VIRTUAL TABLE fts_text USING fts5(units, bigrams, body_units, body_bigrams, {FTS_OPTIONS});
CREATE VIRTUAL TABLE fts_words USING fts5(words, {FTS_OPTIONS});
CREATE VIRTUAL TABLE fts_head USING fts5(units, bigrams, {FTS_OPTIONS});
"""
# FTS5 merges a level's segments once it holds this many (its default: 4). At 16 an index is
# written ~15% faster (measured at 40,000 articles: 2.6 → 2.2 ms a document), for a few more
# segment look-ups per searched token.
FTS_AUTOMERGE = 16
# Errors that say "try later" (another writer) and errors that say "this index is broken".
BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
FAILURE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
                 sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM}


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
CREATE TEMP TABLE IF NOT EXISTS chosen (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS windows (lo INTEGER PRIMARY KEY, hi INTEGER);
CREATE TEMP TABLE IF NOT EXISTS sampled (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS evidenced (id INTEGER PRIMARY KEY);
""" + "".join(f"CREATE TEMP TABLE IF NOT EXISTS evidence{n} (id INTEGER PRIMARY KEY, s REAL);\n"
             for n in range(MAX_EVIDENCE))


# --- the engine ------------------------------------------------------------------------------

class IndexConnection(sqlite3.Connection):
    """A connection that can hold what a search reads again and again (``sqlite_estimate``)."""

    days = None


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
        db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False,
                             factory=IndexConnection)
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
                if version not in READABLE_VERSIONS:
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
        deadline = Deadline(request.budget)
        with self._errors():
            db = self._reader()
            # SQLite asks every PROGRESS_STEPS virtual-machine steps; True interrupts the statement.
            db.set_progress_handler(deadline.expired, PROGRESS_STEPS)
            try:
                db.execute("BEGIN")  # every statement sees the same committed state
                results = self._search(db, request, deadline)
                db.execute("COMMIT")
            except BaseException as error:
                self.close()  # a connection left mid-transaction would fail every later search
                if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT:
                    raise SearchTooExpensive(request.budget) from error
                raise
            db.set_progress_handler(None, 0)
        return results

    def _search(self, db: sqlite3.Connection, request: SearchRequest, deadline: Deadline) -> RawResults:
        """Large searches (more than ``request.common`` items kept, a person's excepted: those
        start from the person's few items) go to ``LargeSearch``; the rest are counted exactly."""
        evidence = scored_evidence(request.evidence, _Containing(db, request.common), request.common) if request.hits else []
        deadline.check()  # FTS5's own matching inside one row never calls the progress handler
        matching = Matching(request)
        # A search with headline fields (标题:…) is counted exactly: its checks are SQL on the kept items.
        if not request.filters.person_id and not has_checks(request.query) and _keeps_more_than_common(db, matching, request):
            return LargeSearch(db, request, evidence, deadline).run()
        return _exact(db, ExactSearch(request, evidence, _walk_match(db, matching, request)), deadline)

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
            items = [item_id(doc.kind, doc.pk, doc.date) for doc in batch.documents]
            _count_days(db, [(item, doc.month, doc.kind) for item, doc in zip(items, batch.documents)], +1)
            for item, doc in zip(items, batch.documents):
                db.execute("INSERT INTO items (id, ident, kind, pk, parent, section, date, month) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (item, *_item_row(doc)))
                text, body, head = field_tokens(doc.text), field_tokens(doc.body), field_tokens(doc.head)
                db.execute("INSERT INTO fts_text (rowid, units, bigrams, body_units, body_bigrams) VALUES (?, ?, ?, ?, ?)",
                           (item, text.units, text.bigrams, body.units, body.bigrams))
                db.execute("INSERT INTO fts_words (rowid, words) VALUES (?, ?)", (item, " ".join(words(doc.printed))))
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


class _Containing:
    """How many items hold a literal in a field, counted up to ``common`` + 1 (enough to tell
    a common word: ``scoring.scored_evidence``), so that counting is bounded too."""

    def __init__(self, db: sqlite3.Connection, common: int):
        self.db, self.limit = db, common + 1

    def __call__(self, field: str, atom: str) -> int:
        table = FIELD_TABLES[field]
        return self.db.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",
                               (literal_expression(field, atom), self.limit)).fetchone()[0]


def _keeps_more_than_common(db: sqlite3.Connection, matching: Matching, request: SearchRequest) -> bool:
    """Whether more than ``common`` items pass the match and every filter: counted up to
    ``common`` + 1 (a small section or a single day is counted exactly, however common the word).
    A section filter and a match are counted apart, each from its own index, and the search
    taken as large when both hold more: counting their intersection walks the match, looking
    each item's section up — most of the archive for a common word in a small section."""
    limit = request.common + 1
    low, high = id_range(request.filters)
    if matching.match and request.filters.section_id:
        return all(_at_most(db, statement, params, limit) > request.common for statement, params in [
            ("SELECT 1 FROM items WHERE section = ? AND id BETWEEN ? AND ?", [request.filters.section_id, low, high]),
            ("SELECT 1 FROM fts_text WHERE fts_text MATCH ? AND rowid BETWEEN ? AND ?", [matching.match, low, high])])
    if matching.match:
        where, params = filter_sql(request.filters, walked="f.rowid")
        join = "CROSS JOIN items ON items.id = f.rowid" if needs_lookup(request.filters) else ""
        kept = f"SELECT 1 FROM fts_text AS f {join} WHERE f.fts_text MATCH ? AND f.rowid BETWEEN ? AND ? AND {where}"
        params = [matching.match, low, high, *params]
    else:
        where, params = filter_sql(request.filters)
        kept = f"SELECT 1 FROM items WHERE items.id BETWEEN ? AND ? AND {where}"
        params = [low, high, *params]
        if matching.excluded:
            kept += " AND items.id NOT IN (SELECT rowid FROM fts_text WHERE fts_text MATCH ?)"
            params.append(matching.excluded)
    return _at_most(db, kept, params, limit) > request.common


def _walk_match(db: sqlite3.Connection, matching: Matching, request: SearchRequest) -> bool:
    """Whether a search in a section is cheaper walking its match (FTS5 reads its lists, ~0.3 µs
    an item, and each item's section is looked up) than probing the match for each of the
    section's items (~0.1 ms each: FTS5 sets the whole expression up per item) — what SQLite
    chooses on its own, as it knows neither count. Both are counted, the match only as far as
    it takes to tell."""
    if not (matching.match and request.filters.section_id) or request.filters.person_id:
        return False
    low, high = id_range(request.filters)
    in_section = _at_most(db, "SELECT 1 FROM items WHERE section = ? AND id BETWEEN ? AND ?",
                          [request.filters.section_id, low, high], request.common + 1)
    walked_instead = int(in_section * PROBE_COST / WALK_COST)
    return _at_most(db, "SELECT 1 FROM fts_text WHERE fts_text MATCH ? AND rowid BETWEEN ? AND ?",
                    [matching.match, low, high], walked_instead + 1) <= walked_instead


def _at_most(db: sqlite3.Connection, statement: str, params: list, limit: int) -> int:
    """The rows of ``statement``, counted up to ``limit``."""
    return db.execute(f"SELECT count(*) FROM ({statement} LIMIT ?)", [*params, limit]).fetchone()[0]


def _exact(db: sqlite3.Connection, compiled: ExactSearch, deadline: Deadline) -> RawResults:
    for statement in compiled.filling():
        db.execute(*statement)
        deadline.check()  # FTS5's own matching inside one row never calls the handler
    shown = db.execute(*compiled.counts()).fetchall()
    total = sum(n for _, _, n in shown)
    rows = db.execute(*compiled.page()).fetchall() if total and compiled.request.hits else []
    articles = [pk for kind, pk, _ in rows if kind == "article"]
    folded = db.execute(*compiled.folded_photos(articles)).fetchall() if articles else []
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


def _create_tables(db: sqlite3.Connection) -> None:
    """Inside the caller's transaction (``executescript`` would commit it)."""
    for statement in filter(str.strip, SCHEMA.split(";")):
        db.execute(statement)
    for table in FTS_TABLES.values():
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', ?)", (FTS_AUTOMERGE,))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _delete(db: sqlite3.Connection, idents: list[str]) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (ident TEXT PRIMARY KEY)")
    db.execute("DELETE FROM doomed")
    db.executemany("INSERT OR IGNORE INTO doomed VALUES (?)", [(i,) for i in idents])
    doomed = "SELECT id FROM items WHERE ident IN (SELECT ident FROM doomed)"
    _count_days(db, db.execute(f"SELECT id, month, kind FROM items WHERE id IN ({doomed})").fetchall(), -1)
    for table in FTS_TABLES.values():
        db.execute(f"DELETE FROM {table} WHERE rowid IN ({doomed})")
    db.execute(f"DELETE FROM item_people WHERE item IN ({doomed})")
    db.execute("DELETE FROM items WHERE ident IN (SELECT ident FROM doomed)")


def _count_days(db: sqlite3.Connection, items: list[tuple[int, str | None, str]], sign: int) -> None:
    """Add (+1) or take away (-1) ``items`` — (id, month, kind) — from the counts of their days."""
    counts: dict[tuple[int, str | None], list[int]] = {}
    for identifier, month, kind in items:
        counted = counts.setdefault((identifier >> DAY_SHIFT, month), [0, 0])
        counted[kind != "article"] += sign
    db.executemany("INSERT INTO days (day, month, articles, photos) VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE "
                   "SET articles = articles + excluded.articles, photos = photos + excluded.photos",
                   [(day, month, articles, photos) for (day, month), (articles, photos) in counts.items()])
