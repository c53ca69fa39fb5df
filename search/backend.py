"""haystack's Whoosh engine, with the parts a Chinese archive needs changed:

- the schema: lean fields made for ``search/analyzers.py`` instead of haystack's English text
  fields that are always stored, sortable and spell-checked;
- writes: a real writer that waits for the lock for a bounded time and raises when it cannot
  get it, instead of haystack's write that logs a LockError and drops the update; updates that
  cannot be written now are queued (``search/indexing.py``) and retried until they land;
- reading: one open searcher per thread, reused while the index is unchanged and refreshed
  after a write, instead of opening the index for every query.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import Counter

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
import datetime

from whoosh import query as wq
from whoosh import sorting
from whoosh.fields import DATETIME, ID as WHOOSH_ID, KEYWORD, TEXT, Schema
from whoosh.index import LockError
from whoosh.writing import CLEAR

from .analyzers import ngram_analyzer, word_analyzer
from .query import ParsedQuery, excluded_whoosh, to_whoosh
from .types import Filters, RawHit, RawResults
from .writing import BATCH_LOCK_WAIT, QueuedWrites, prepared_document

WRITER_MEMORY_MB = 256
# A batch this large (rebuild_index, a big ingest) is analysed by one writer process per core,
# each writing its own segment (``multisegment``: no final merge on one core).
PARALLEL_MIN_DOCS = 200

# Each sort is a list of facets; ScoreFacet's place is where the score sits in a hit's sort key.
SORT_FACETS = {
    "relevance": [sorting.ScoreFacet(), sorting.FieldFacet("date", reverse=True)],
    "newest": [sorting.FieldFacet("date", reverse=True), sorting.ScoreFacet()],
    "oldest": [sorting.FieldFacet("date"), sorting.ScoreFacet()],
}


def archive_schema() -> Schema:
    return Schema(**{
        ID: WHOOSH_ID(stored=True, unique=True),
        DJANGO_CT: WHOOSH_ID(stored=True),
        DJANGO_ID: WHOOSH_ID(stored=True),
        "text": TEXT(analyzer=word_analyzer(), phrase=False),
        "ngrams": TEXT(analyzer=ngram_analyzer(), phrase=True),
        "head": TEXT(analyzer=ngram_analyzer(), phrase=True),
        "kind": WHOOSH_ID(sortable=True),
        "section": WHOOSH_ID(sortable=True),
        "people": KEYWORD(commas=True),
        "date": DATETIME(sortable=True),
        "year_month": WHOOSH_ID(sortable=True),
    })


class ChineseWhooshBackend(QueuedWrites, WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._local = threading.local()

    def build_schema(self, fields):
        expected = set(archive_schema().names()) - {ID, DJANGO_CT, DJANGO_ID}
        declared = {f.index_fieldname for f in fields.values()}
        if declared != expected:
            raise ValueError(f"search_indexes fields {sorted(declared)} do not match the schema {sorted(expected)}")
        return "text", archive_schema()

    # --- reading ---------------------------------------------------------------------

    def searcher(self):
        """This thread's searcher, refreshed only when a writer has committed since."""
        if not self.setup_complete:
            self.setup()
        current = getattr(self._local, "searcher", None)
        if current is None or current._ix is not self.index:  # first use, or index re-created
            current = self.index.searcher()
        else:
            current = current.refresh()  # reuses unchanged segments, closes the rest
        self._local.searcher = current
        return current

    def run(self, parsed: ParsedQuery, filters: Filters, sort: str, page: int, per_page: int) -> RawResults:
        """One sorted pass over the matches; facets are counted from cached columns over the
        matched set, and filters become sets of document numbers. (Whoosh's ``groupedby`` and
        its date-range filter each cost as much as the search itself at 10k articles.)"""
        searcher = self.searcher()
        columns = self._columns(searcher)
        allowed = _allowed(searcher, filters, columns)
        if allowed == set():  # Whoosh reads an empty filter as no filter
            return RawResults(total=0, hits=[], sections={}, months={})
        excluded = excluded_whoosh(parsed)
        results = searcher.search(
            to_whoosh(parsed), limit=page * per_page, filter=allowed,
            mask=set(searcher.docs_for_query(excluded)) if excluded else None,
            sortedby=SORT_FACETS.get(sort, SORT_FACETS["relevance"]),
        )
        matched = results.docs()
        hits = [RawHit(hit["django_ct"], int(hit["django_id"]), _score(hit))
                for hit in list(results)[(page - 1) * per_page:page * per_page]]
        return RawResults(
            total=len(matched), hits=hits,
            sections=_counts(columns["section"], matched), months=_counts(columns["year_month"], matched),
        )

    def _columns(self, searcher) -> dict[str, list]:
        """Sort and facet values of every document, by document number. Kept per segment
        (segments never change once written), so a commit costs only its new segments."""
        cache = getattr(self._local, "columns", None)
        if cache is None or cache[0] is not self.index:
            cache = self._local.columns = (self.index, {})
        per_segment = cache[1]
        leaves = [(leaf, _segment_id(leaf)) for leaf, _ in searcher.reader().leaf_readers()]
        for stale in per_segment.keys() - {key for _, key in leaves}:
            del per_segment[stale]
        columns: dict[str, list] = {name: [] for name in COLUMNS}
        for leaf, key in leaves:
            if key is None:  # an empty index's reader
                continue
            if key not in per_segment:
                per_segment[key] = {name: list(leaf.column_reader(name)) for name in COLUMNS}
            segment_columns = per_segment[key]
            for name in COLUMNS:
                columns[name] += segment_columns[name]
        return columns

    def indexed_ids(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for fields in self.searcher().all_stored_fields():
            found.setdefault(fields[DJANGO_CT], set()).add(fields[DJANGO_ID])
        return found

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    # --- writing ---------------------------------------------------------------------

    def open_writer(self, timeout: float, size: int):
        return self.writer(timeout=timeout, parallel=size >= PARALLEL_MIN_DOCS)

    def write_changes(self, writer, docs: list[dict], deleted_ids: list[str]) -> None:
        # One searcher for all the deletes: ``update_document`` opens a new one over every
        # segment for each document, which made a 60-article commit take a minute at 10k.
        with writer.searcher() as searcher:
            for identifier in [doc[ID] for doc in docs] + list(deleted_ids):
                writer.delete_by_term(ID, identifier, searcher=searcher)
        for doc in docs:
            writer.add_document(**doc)

    @contextlib.contextmanager
    def writer(self, timeout: float, clear: bool = False, parallel: bool = False):
        """A writer holding the index lock; LockError when it is not free within ``timeout``.
        With ``clear``, the commit drops every document written before it; with ``parallel``,
        documents are analysed and written by one process per core."""
        if not self.setup_complete:
            self.setup()
        # Segments stay as separate files (compound=False), which readers map instead of
        # copying: a compound segment is read into memory whole at every reader open.
        options = {"timeout": timeout, "delay": 0.05, "limitmb": WRITER_MEMORY_MB, "compound": False}
        cores = os.cpu_count() or 1
        if parallel and cores > 1:
            options |= {"procs": cores, "multisegment": True}
        writer = self.index.writer(**options)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR if clear else None)

    def document(self, index, obj) -> dict | None:
        doc = prepared_document(index, obj)
        return {key: self._from_python(value) for key, value in doc.items()} if doc else None

    def delete_index(self):
        """Empty the index in one commit under the lock. haystack deletes the folder instead,
        which breaks any other process reading or writing the index at that moment."""
        with self.writer(timeout=BATCH_LOCK_WAIT, clear=True):
            pass


COLUMNS = ("date", "section", "year_month")


def _segment_id(leaf) -> str | None:
    segment = leaf.segment() if leaf.doc_count_all() else None
    return segment.segment_id() if segment is not None else None


def _counts(values: list, docs: set[int]) -> dict[str, int]:
    counts = Counter(values[doc] for doc in docs)
    counts.pop("", None)
    counts.pop(None, None)
    return dict(counts)


def _allowed(searcher, filters: Filters, columns: dict[str, list]) -> set[int] | None:
    """Document numbers that pass the filters, or None when no filter is set. Dates are compared
    in the cached column: a date-range query expands to many numeric terms."""
    allowed: set[int] | None = None

    def narrow(docs) -> None:
        nonlocal allowed
        allowed = set(docs) if allowed is None else allowed.intersection(docs)

    if filters.section_id:
        narrow(searcher.docs_for_query(wq.Term("section", str(filters.section_id))))
    if filters.kind:
        narrow(searcher.docs_for_query(wq.Term("kind", filters.kind)))
    if filters.person_id:
        narrow(searcher.docs_for_query(wq.Term("people", str(filters.person_id))))
    if filters.start or filters.end:
        first = datetime.datetime.combine(filters.start or datetime.date.min, datetime.time.min)
        last = datetime.datetime.combine(filters.end or datetime.date.max, datetime.time.max)
        narrow(doc for doc, value in enumerate(columns["date"]) if value is not None and first <= value <= last)
    return allowed


def _score(hit) -> float:
    """With ``sortedby``, Whoosh reports the sort key as the score; ScoreFacet's part of the
    key is the negated score (the date part is an integer)."""
    key = hit.score
    if isinstance(key, tuple):
        return next((-part for part in key if isinstance(part, float)), 0.0)
    return float(key or 0.0)


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshBackend
    query = WhooshSearchQuery


__all__ = ["ChineseWhooshEngine", "ChineseWhooshBackend", "LockError", "archive_schema"]
