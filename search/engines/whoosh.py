"""Whoosh: the engine a new archive starts with (pure Python, one folder of index files).

Whoosh stores the postings — units and bigrams with their positions for ``text`` and ``head``,
jieba words with their counts for ``words`` — and per-document columns (kind, pk, parent,
section, date, field lengths, where the body starts). ``text`` holds the rest of the text and
then the body, with no bigram across the border (``NgramTokenizer``): ``正文:`` counts the places
from the body's first position on. Matching, filters, facets and the scoring are computed here from
those postings, by the same definitions the other engines use (``search/query.py``,
``search/scoring.py``): not Whoosh's query classes, whose exclusion (``AndNot``) drops excluded
items only sometimes in 2.7.4, and whose BM25 reads field lengths stored as one lossy byte.

Writes take Whoosh's lock for a bounded time (``IndexUnavailable`` after it); segments stay
separate files (``compound=False``), which readers map instead of copying; a large batch is
written by one process per core. Readers are kept per thread and refreshed after a commit, and
each set of segments' columns and statistics is computed once.
"""

from __future__ import annotations

import datetime
import contextlib
import heapq
import os
import struct
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import SpaceSeparatedTokenizer, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import TermNotFound
from whoosh.writing import CLEAR

from ..analyzers import bigrams, field_tokens, ngrams, units, words
from ..query import BODY, Clause
from ..scoring import HEAD, TEXT as TEXT_FIELD, WORDS, bm25, idf, quantized, reported, scored_evidence
from .base import FIRST_DATE, KINDS, NO_DATE, Batch, Deadline, IndexFailure, IndexUnavailable, RawHit, RawResults, SearchEngine, SearchRequest

# The index's name carries its layout's version: change the number whenever fields or tokens
# change, and an index written by another version is refused (IndexFailure: run rebuild_index)
# instead of being read wrongly.
INDEX_NAME = "ARCHIVE_3"
# What reading a damaged segment makes Whoosh raise (not this code's own mistakes).
READ_ERRORS = (OSError, EOFError, struct.error, zlib.error)
WRITER_MEMORY_MB = 256
PARALLEL_MIN_DOCS = 200  # a batch this large is written by one process per core
UNDATED = NO_DATE.toordinal()
LENGTH_COLUMNS = {TEXT_FIELD: "text_len", WORDS: "words_len", HEAD: "head_len"}


class Parts(str):
    """A field's value in parts (the text, then the body): one string, as Whoosh wants it (a
    tuple or list would be taken for tokens already made), that keeps its parts for the
    tokenizer."""

    def __new__(cls, *parts: str):
        value = super().__new__(cls, "".join(parts))
        value.parts = parts
        return value


class NgramTokenizer(Tokenizer):
    """Units and bigrams (``analyzers.ngrams``) as Whoosh tokens, at their unit positions. The
    ``Parts`` of a value are tokenised one after the other, positions running on, with no
    bigram across a border: a literal is found within one of them."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        first = start_pos
        for text in getattr(value, "parts", (value,)):
            found = ngrams(text)
            for position, gram in found:
                token.text, token.boost, token.stopped = gram, 1.0, False
                if positions:
                    token.pos = first + position
                if chars:
                    token.startchar = token.endchar = start_char
                yield token
            first += found[-1][0] + 1 if found else 0  # the last unit's position, + 1: the part's length


def archive_schema() -> Schema:
    def column(bits=32):
        return NUMERIC(int, bits=bits, sortable=True)

    return Schema(
        ident=ID(unique=True),
        kind=ID(sortable=True),
        pk=column(64), parent=column(64), section=column(64), date=column(),
        people=KEYWORD,
        text=TEXT(analyzer=NgramTokenizer(), phrase=True),
        words=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),  # jieba words, made in Python
        head=TEXT(analyzer=NgramTokenizer(), phrase=True),
        text_len=column(), words_len=column(), head_len=column(),
        body_start=column(),  # the body's first position in ``text``
    )


def _layout(schema: Schema) -> list[tuple]:
    """What tells one version's schema from another's (Whoosh's fields compare column objects
    by identity, so an unpickled schema never equals a new one)."""
    return [(name, type(f).__name__, type(f.format).__name__, type(getattr(f, "analyzer", None)).__name__,
             type(f.column_type).__name__) for name, f in schema.items()]


def fields(doc) -> dict:
    found_words = words(doc.printed)
    return {
        "ident": doc.ident, "kind": doc.kind, "pk": doc.pk, "parent": doc.parent or 0,
        "section": doc.section_id or 0, "date": doc.sort_date.toordinal(),
        "people": " ".join(str(p) for p in doc.people),
        "text": Parts(doc.text, doc.body), "words": " ".join(found_words), "head": doc.head,
        "text_len": doc.text_length, "words_len": len(found_words),
        "head_len": field_tokens(doc.head).length, "body_start": len(units(doc.text)[0]),
    }


# --- what the index holds, read once per set of segments -------------------------------------

COLUMNS = ("kind", "pk", "parent", "section", "date", *LENGTH_COLUMNS.values(), "body_start")


@dataclass
class Snapshot:
    """Columns of every document by document number, which documents are live, and the
    statistics the scoring needs (items, mean field lengths)."""

    columns: dict[str, list]
    months: list[str | None]
    live: list[int]

    def __post_init__(self):
        self.items = len(self.live)
        self.average = {field: (sum(self.columns[name][d] for d in self.live) / self.items if self.items else 1.0)
                        for field, name in LENGTH_COLUMNS.items()}


def _month(ordinal: int) -> str | None:
    return None if ordinal == UNDATED else datetime.date.fromordinal(ordinal).strftime("%Y-%m")


def _segment_key(leaf) -> tuple | None:
    segment = leaf.segment() if leaf.doc_count_all() else None
    # A commit that only deletes keeps the segment's id; deletions only ever grow.
    return (segment.segment_id(), leaf.doc_count()) if segment is not None else None


class Occurrences:
    """How often each literal occurs in each live document of a field — what matching and the
    scoring both read — worked out once per search from the postings, within its deadline. The
    body (``BODY``) is read from the text's postings, from each document's ``body_start`` on."""

    def __init__(self, reader, deadline: Deadline, body_starts: list[int]):
        self.leaves = list(reader.leaf_readers())
        self.deadline = deadline
        self.body_starts = body_starts
        self._found: dict[tuple[str, str], dict[int, int]] = {}

    def __call__(self, field: str, literal: str) -> dict[int, int]:
        key = (field, literal)
        if key not in self._found:
            found: dict[int, int] = {}
            for leaf, offset in self.leaves:
                for doc, tf in self._in_leaf(leaf, offset, field, literal):
                    found[offset + doc] = tf
            self._found[key] = found
        return self._found[key]

    def _in_leaf(self, leaf, offset: int, field: str, literal: str):
        posted = TEXT_FIELD if field == BODY else field
        grams = bigrams(literal) if posted in (TEXT_FIELD, HEAD) and len(literal) > 1 else [literal]
        try:
            matchers = {gram: leaf.postings(posted, gram) for gram in dict.fromkeys(grams)}
        except TermNotFound:
            return []
        first = (lambda doc: self.body_starts[offset + doc]) if field == BODY else None
        if len(grams) == 1 and first is None:
            return list(matchers[grams[0]].items_as("frequency"))
        lead = min(matchers, key=lambda gram: leaf.doc_frequency(posted, gram))
        return _phrase_occurrences(grams, lead, matchers, self.deadline, first)


def _phrase_occurrences(grams: list[str], lead: str, matchers: dict, deadline: Deadline,
                        first=None) -> list[tuple[int, int]]:
    """(doc, count) of every place where ``grams`` stand at consecutive positions (from position
    ``first(doc)`` on, if given): led by the gram in the fewest documents, the others skipped to
    the same document. Positions become bit masks, so that a place is where every gram's mask,
    shifted by its offset in the literal, has a bit: a few big-integer operations per gram,
    however often the gram occurs (OCR garbage repeats one bigram tens of thousands of times in
    a document)."""
    offset = grams.index(lead)
    lead_matcher = matchers[lead]
    others = [(gram, matcher) for gram, matcher in matchers.items() if gram != lead]
    found = []
    while lead_matcher.is_active():
        doc = lead_matcher.id()
        masks = {lead: _bitmask(lead_matcher.value_as("positions"))}
        for gram, matcher in others:
            if matcher.is_active() and matcher.id() < doc:
                matcher.skip_to(doc)
            if not matcher.is_active() or matcher.id() != doc:
                break
            masks[gram] = _bitmask(matcher.value_as("positions"))
        else:
            starts = masks[lead] >> offset
            for i, gram in enumerate(grams):
                starts &= masks[gram] >> i
                if not starts:
                    break
            if starts and first is not None:
                starts >>= first(doc)
            if starts:
                found.append((doc, starts.bit_count()))
        deadline.check()
        lead_matcher.next()
    return found


def _bitmask(positions) -> int:
    """Positions as the bits of one integer (built byte by byte: OR-ing ``1 << p`` would copy
    an ever longer integer for every position)."""
    bits = bytearray((max(positions) >> 3) + 1)
    for position in positions:
        bits[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bits, "little")


def _other_files(storage) -> list[str]:
    """Files of another version's index in the folder (this engine's own folder)."""
    return [name for name in storage.list() if not name.startswith((f"{INDEX_NAME}_", f"_{INDEX_NAME}_"))]


def _other_indexes(storage) -> list[str]:
    return [name for name in _other_files(storage) if name.endswith(".toc")]


# --- the engine ------------------------------------------------------------------------------

class WhooshEngine(SearchEngine):
    name = "whoosh"

    def __init__(self, location: str, **options):
        super().__init__(location, **options)
        self.path = Path(location)
        self.schema = archive_schema()
        self._index = None
        self._open_lock = threading.Lock()
        self._local = threading.local()

    # --- files ------------------------------------------------------------------------

    def _storage(self) -> FileStorage:
        self.path.mkdir(parents=True, exist_ok=True)
        return FileStorage(str(self.path))

    def _open(self):
        """The index, created when the folder holds none; IndexFailure when it cannot be read
        or was written by another version of this code."""
        with self._open_lock:
            if self._index is not None and self.path.exists():
                return self._index
            storage = self._storage()
            try:
                if not storage.index_exists(INDEX_NAME):
                    if _other_indexes(storage):
                        raise IndexFailure.outdated(self.path)
                    storage.create_index(self.schema, INDEX_NAME)
                index = storage.open_index(INDEX_NAME)
            except IndexFailure:
                raise
            except Exception as error:  # unpickling a broken table of contents can raise anything
                raise IndexFailure.unusable(self.path, error) from error
            if _layout(index.schema) != _layout(self.schema):
                raise IndexFailure.outdated(self.path, ",字段不同")
            self._index = index
            return index

    def _searcher(self):
        """This thread's searcher, refreshed only when a writer has committed since."""
        index = self._open()
        current = getattr(self._local, "searcher", None)
        try:
            if current is None or current._ix is not index:
                current = index.searcher()
            else:
                current = current.refresh()  # reuses unchanged segments, closes the rest
        except Exception as error:  # Whoosh alone runs here: a broken table of contents or segment
            raise IndexFailure.unusable(self.path, error) from error
        self._local.searcher = current
        return current

    def _snapshot(self, reader) -> Snapshot:
        leaves = list(reader.leaf_readers())
        key = tuple(_segment_key(leaf) for leaf, _ in leaves)
        held = getattr(self._local, "snapshot", None)
        if held is None or held[0] != key:
            columns: dict[str, list] = {name: [] for name in COLUMNS}
            live: list[int] = []
            for leaf, offset in leaves:
                if not leaf.doc_count_all():
                    continue
                for name in COLUMNS:
                    columns[name] += list(leaf.column_reader(name))
                live += [offset + doc for doc in leaf.all_doc_ids()]
            months = [_month(ordinal) for ordinal in columns["date"]]
            held = self._local.snapshot = (key, Snapshot(columns, months, live))
        return held[1]

    def close(self) -> None:
        """Let go of this thread's searcher and of the open index."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
        self._local = threading.local()
        self._index = None

    # --- reading -----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> RawResults:
        try:
            return self._search(request)
        except READ_ERRORS as error:
            raise IndexFailure.unusable(self.path, error) from error

    def _search(self, request: SearchRequest) -> RawResults:
        deadline = Deadline(request.budget)
        searcher = self._searcher()
        reader = searcher.reader()
        snap = self._snapshot(reader)
        occurrences = Occurrences(reader, deadline, snap.columns["body_start"])
        kept = self._filtered(self._matched(request, occurrences, snap), request, occurrences, snap)
        kind, pk, parent = snap.columns["kind"], snap.columns["pk"], snap.columns["parent"]
        articles = {pk[d] for d in kept if kind[d] == "article"}
        folded = {d for d in kept if kind[d] == "photo" and parent[d] in articles}
        shown = kept - folded
        scores = self._scores(request, occurrences, snap, shown) if request.hits else {}
        deadline.check()
        date = snap.columns["date"]
        keys = {
            "relevance": lambda d: (-scores[d], -date[d], kind[d], -pk[d]),
            "newest": lambda d: (-date[d], -scores[d], kind[d], -pk[d]),
            "oldest": lambda d: (date[d] == UNDATED, date[d], -scores[d], kind[d], -pk[d]),
        }
        wanted = request.offset + request.per_page if request.hits else 0
        ranked = heapq.nsmallest(wanted, shown, key=keys[request.sort])[request.offset:]
        on_page = {pk[d] for d in ranked if kind[d] == "article"}
        photos: dict[int, list[int]] = {}
        for d in sorted(folded, key=lambda d: pk[d]):
            if parent[d] in on_page:
                photos.setdefault(parent[d], []).append(pk[d])
        hits = [RawHit(kind[d], pk[d], reported(scores[d]), tuple(photos.get(pk[d], ())) if kind[d] == "article" else ())
                for d in ranked]
        sections = Counter(snap.columns["section"][d] for d in shown)
        sections.pop(0, None)
        months = Counter(snap.months[d] for d in shown)
        months.pop(None, None)
        return RawResults(total=len(shown), hits=hits, sections=dict(sections), months=dict(months))

    @staticmethod
    def _matched(request: SearchRequest, occurrences: Occurrences, snap: Snapshot) -> set[int]:
        def clause_docs(clause: Clause) -> set[int]:
            found = [occurrences(clause.field, atom).keys() for atom in clause.atoms]
            return set(found[0]).intersection(*found[1:])

        query = request.query
        matched: set[int] | None = None
        for group in query.groups:
            docs = set().union(*(clause_docs(c) for c in group))
            matched = docs if matched is None else matched & docs
        if matched is None:
            matched = set(snap.live)
        for clause in query.excluded:
            matched -= clause_docs(clause)
        return matched

    @staticmethod
    def _filtered(docs: set[int], request: SearchRequest, occurrences: Occurrences, snap: Snapshot) -> set[int]:
        filters, columns = request.filters, snap.columns
        if filters.section_id:
            docs = {d for d in docs if columns["section"][d] == filters.section_id}
        if filters.kind:
            docs = {d for d in docs if columns["kind"][d] == filters.kind}
        if filters.person_id:
            docs &= set(occurrences("people", str(filters.person_id)))
        if filters.start or filters.end:  # a date range never matches an undated item
            first = (filters.start or FIRST_DATE).toordinal()
            last = (filters.end or datetime.date.max).toordinal()
            docs = {d for d in docs if first <= columns["date"][d] <= last}
        return docs

    @staticmethod
    def _scores(request: SearchRequest, occurrences: Occurrences, snap: Snapshot, docs: set[int]) -> dict[int, int]:
        """``search/scoring.py``, term by term in the order FTS5 adds them up."""
        totals = dict.fromkeys(docs, 0.0)
        for evidence in scored_evidence(request.evidence, lambda f, literal: len(occurrences(f, literal)), request.common):
            lengths = snap.columns[LENGTH_COLUMNS[evidence.field]]
            average = snap.average[evidence.field]
            sums = dict.fromkeys(docs, 0.0)
            for literal in evidence.literals:
                occurrences.deadline.check()
                found = occurrences(evidence.field, literal)
                weight = idf(snap.items, len(found))
                for doc in docs.intersection(found):
                    sums[doc] += bm25(weight, found[doc], lengths[doc], average)
            for doc in docs:
                totals[doc] += evidence.weight * sums[doc]
        return {doc: quantized(score) for doc, score in totals.items()}

    def indexed_ids(self) -> dict[str, set[str]]:
        snap = self._snapshot(self._searcher().reader())
        found: dict[str, set[str]] = {}
        for d in snap.live:
            found.setdefault(KINDS[snap.columns["kind"][d]], set()).add(str(snap.columns["pk"][d]))
        return found

    def count(self) -> int:
        return self._searcher().doc_count()

    # --- writing -----------------------------------------------------------------------

    def _writer(self, timeout: float, parallel: bool = False):
        # Separate segment files (compound=False) are mapped by readers; a compound segment is
        # read into memory whole at every reader open.
        options = {"timeout": timeout, "delay": 0.05, "limitmb": WRITER_MEMORY_MB, "compound": False}
        cores = os.cpu_count() or 1
        if parallel and cores > 1:
            options |= {"procs": cores, "multisegment": True}
        index = self._open()
        try:
            return index.writer(**options)
        except LockError as error:
            raise IndexUnavailable.busy(self.path) from error
        except READ_ERRORS as error:  # the table of contents could not be read
            raise IndexFailure.unusable(self.path, error) from error

    def write(self, read, *, timeout: float, size: int = 0) -> None:
        writer = self._writer(timeout, parallel=size >= PARALLEL_MIN_DOCS)
        try:
            batch: Batch = read()
            # One searcher for all the deletes: ``update_document`` opens one per document.
            with writer.searcher() as searcher:
                for identifier in [doc.ident for doc in batch.documents] + list(batch.deleted):
                    writer.delete_by_term("ident", identifier, searcher=searcher)
            for doc in batch.documents:
                writer.add_document(**fields(doc))
        except BaseException as error:
            writer.cancel()
            if isinstance(error, OSError):
                raise IndexFailure.unusable(self.path, error) from error
            raise
        self._commit(writer)

    def _commit(self, writer, **options) -> None:
        try:
            writer.commit(**options)
        except OSError as error:
            with contextlib.suppress(Exception):  # let go of the lock and the half-written files
                writer.cancel()
            raise IndexFailure.unusable(self.path, error) from error

    def clear(self, *, timeout: float) -> None:
        try:
            self._open()
        except IndexFailure:  # another version's, or a broken table of contents: made afresh
            self._recreate(timeout)
            return
        self._commit(self._writer(timeout), mergetype=CLEAR)

    def _recreate(self, timeout: float) -> None:
        storage = self._storage()
        lock = storage.lock(f"{INDEX_NAME}_WRITELOCK")
        deadline = time.monotonic() + timeout
        while not lock.acquire():
            if time.monotonic() > deadline:
                raise IndexUnavailable.busy(self.path)
            time.sleep(0.05)
        try:
            storage.create_index(self.schema, INDEX_NAME)
            for name in _other_files(storage):
                storage.delete_file(name)
        except OSError as error:
            raise IndexFailure.unusable(self.path, error) from error
        finally:
            lock.release()
        self.close()
