"""What every search engine does, and what the rest of the archive may ask of one.

An engine keeps an index of ``IndexDocument``s (one per article and per photo) and answers a
``SearchRequest`` with one page of ``RawResults``. It is told nothing about Django: the search
code reads the database and hands the engine documents; the engine tokenises them with
``search/analyzers.py`` and ranks with ``search/scoring.py``, so that every engine finds the
same items and puts them in the same order.

An engine raises ``IndexUnavailable`` when its index is busy (another process holds the write
lock) or unreachable (a server is down): that, and only that, is worth retrying later, so the
index queue keeps the update. Any other problem (a full disk, a broken index file, an index
written by an older version) is an ``IndexFailure`` whose message names the index, reported
at once rather than retried.
"""

from __future__ import annotations

import datetime
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..analyzers import field_tokens
from ..query import ParsedQuery
from ..scoring import Evidence, plan

SORTS = ("relevance", "newest", "oldest")  # relevance: score, then the newer item
KINDS = {"article": "archive.article", "photo": "archive.photocaption"}  # kind → model label
NO_DATE = datetime.date(1, 1, 1)  # how undated items are stored: last under newest and oldest alike
FIRST_DATE = NO_DATE + datetime.timedelta(days=1)  # a date range starts here at the earliest
MAX_PER_PAGE = 1000
DEFAULT_BUDGET = 1.0  # seconds a search may take (settings.ARCHIVE_SEARCH_BUDGET_MS)
# A literal in more items than this is a common word (settings.ARCHIVE_SEARCH_COMMON_ITEMS):
# no evidence of relevance (``search/scoring.py``), and a search matching more items than this
# may have its counts estimated (``RawResults.approximate``). Measured: README, "Limits".
DEFAULT_COMMON = 5_000


class IndexUnavailable(Exception):
    """The index is busy or unreachable for now; the same write will work later."""

    @classmethod
    def busy(cls, location, detail: object = "") -> IndexUnavailable:
        return cls(f"检索索引 {location} 正被另一进程写入" + (f":{detail}" if detail else ""))


class IndexFailure(Exception):
    """The index cannot be read or written (full disk, broken or outdated files); its message
    names the index and what to do."""

    @classmethod
    def unusable(cls, location, error: BaseException) -> IndexFailure:
        return cls(f"检索索引 {location} 无法读写:{error!r}。"
                   "请检查磁盘空间与文件,必要时运行 python manage.py rebuild_index 重建。")

    @classmethod
    def outdated(cls, location, detail: str = "") -> IndexFailure:
        return cls(f"检索索引 {location} 由其他版本写成{detail}:请运行 python manage.py rebuild_index 重建。")


class SearchTooExpensive(Exception):
    """The search ran out of its time budget (``SearchRequest.budget``) and was stopped, so that
    one query can never hold a worker; the reader is asked for a shorter query."""

    def __init__(self, budget: float):
        super().__init__(f"检索过于复杂,请缩短检索词(超过 {budget:g} 秒的检索时限)。")
        self.budget = budget


class Deadline:
    """When a search's budget runs out, counted in the processor time the searching thread
    itself uses (``time.thread_time``): on a busy server an ordinary query waits for the
    processor, and that must not turn it away as "too complex". Engines that compute in Python
    call ``check()`` in their loops; SQLite's progress handler calls ``expired()``."""

    def __init__(self, budget: float):
        self.budget = budget
        self.end = time.thread_time() + budget

    def expired(self) -> bool:
        return time.thread_time() > self.end

    def check(self) -> None:
        if self.expired():
            raise SearchTooExpensive(self.budget)


@dataclass(frozen=True)
class Filters:
    section_id: int | None = None
    kind: str = ""  # "article" | "photo" | "" (both)
    person_id: int | None = None
    start: datetime.date | None = None  # a date range matches dated items only
    end: datetime.date | None = None

    def __post_init__(self):
        if self.kind not in ("", *KINDS):
            raise ValueError(f"kind must be one of {sorted(KINDS)}, not {self.kind!r}")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")


@dataclass(frozen=True)
class SearchRequest:
    """One page of a search, checked once here so that engines can trust every field."""

    query: ParsedQuery
    filters: Filters = Filters()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    budget: float = DEFAULT_BUDGET  # seconds; then SearchTooExpensive
    common: int = DEFAULT_COMMON  # items: a literal in more is a common word
    # False: the caller reads only the hits (related reports). An engine may then skip counting a
    # large search: its total is the hits read so far, its facets empty, and ``approximate`` set.
    counts: bool = True
    # False: the caller reads only the counts (compare mode, a facet counted again): an engine
    # returns no hits and need not score anything.
    hits: bool = True

    def __post_init__(self):
        if self.common < 1:
            raise ValueError(f"common must be at least 1, not {self.common!r}")
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}, not {self.sort!r}")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"page {self.page} / per_page {self.per_page} out of range")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @cached_property
    def evidence(self) -> list[Evidence]:
        return plan(self.query)


@dataclass(frozen=True)
class RawHit:
    kind: str  # "article" | "photo"
    pk: int
    score: float
    photos: tuple[int, ...] = ()  # an article's photos that matched too, shown under it

    @property
    def label(self) -> str:
        return KINDS[self.kind]


@dataclass
class RawResults:
    """One page of hits in rank order, the number of hits, and facet counts over all of them.
    A photo printed in an article that is itself a hit is not a hit of its own: it is listed in
    that article's ``photos`` and counted nowhere else. When more than ``SearchRequest.common``
    items match, an engine may estimate the counts (from a sample) and says so in
    ``approximate``; the hits are exact either way."""

    total: int
    hits: list[RawHit]
    sections: dict[int, int] = field(default_factory=dict)  # section id → hits
    months: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" → hits
    approximate: bool = False  # total, sections and months are estimates


@dataclass(frozen=True)
class IndexDocument:
    """What the index holds of one article or photo."""

    kind: str
    pk: int
    # Everything printed but an article's body (banner, headline, byline, credited names, photo
    # captions; all of a photo's text). With ``body``, the *text*: matched literally and ranked.
    text: str
    # The headline (or a photo's caption): ranked higher, and what ``标题:`` looks in. The text
    # holds it too: engines match a field's clause in the text first, then in its field.
    head: str = ""
    # An article's paragraphs and subheadings: the rest of the text, and what ``正文:`` looks
    # in. Engines keep it apart from ``text`` so that a literal never runs from one into the
    # other: it is found in one of the two (``text_length``).
    body: str = ""
    date: datetime.date | None = None  # the item's own, else its page's
    section_id: int | None = None
    people: tuple[int, ...] = ()
    parent: int | None = None  # for a photo printed in an article: the article's pk

    @property
    def ident(self) -> str:
        return ident(self.kind, self.pk)

    @property
    def printed(self) -> str:
        """All the text, for its jieba words (which are counted, never matched as phrases)."""
        return self.text + self.body

    @property
    def text_length(self) -> int:
        """The text field's length as the scoring counts it (``analyzers.field_tokens``): the
        tokens of its two parts — what FTS5's ``bm25()`` counts in a row of two pairs of
        columns."""
        return field_tokens(self.text).length + field_tokens(self.body).length

    @property
    def sort_date(self) -> datetime.date:
        return self.date or NO_DATE

    @property
    def month(self) -> str | None:
        return self.date.strftime("%Y-%m") if self.date else None


def ident(kind: str, pk: int) -> str:
    """A document's key in every engine: ``archive.article.12``."""
    return f"{KINDS[kind]}.{pk}"


@dataclass
class Batch:
    """Documents to (re)write and idents to delete, in one commit."""

    documents: list[IndexDocument] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class SearchEngine(ABC):
    """The contract. ``location`` (a folder, a file or a URL) names the index in messages."""

    name: str = ""
    # True: ``write`` joins the caller's database transaction (the index is tables of the
    # archive's own database), so the archive writes it at once instead of queueing the change.
    transactional: bool = False

    def __init__(self, location: str, **options):
        self.location = location
        self.options = options

    @abstractmethod
    def search(self, request: SearchRequest) -> RawResults:
        """Match (``search/query.py``), filter, fold photos into their matching articles, count
        facets, order (``search/scoring.py``, leaving out the literals found in more than
        ``request.common`` items: ``scoring.scored_evidence``) and cut one page — within
        ``request.budget`` seconds, else stop and raise ``SearchTooExpensive``."""

    @abstractmethod
    def write(self, read: Callable[[], Batch], *, timeout: float, size: int = 0) -> None:
        """Take the index's write lock, waiting at most ``timeout`` seconds (else
        ``IndexUnavailable``), then call ``read`` — which reads the documents from the database
        now, so an edit indexed meanwhile by another writer is never overwritten by an older
        copy — and commit its batch at once: readers see all of it or none. ``size`` is how
        many items ``read`` will return, for engines that write large batches differently."""

    @abstractmethod
    def indexed_ids(self) -> dict[str, set[str]]:
        """Model label → primary keys (as strings) of every document in the index."""

    @abstractmethod
    def count(self) -> int:
        """Documents in the index."""

    @abstractmethod
    def clear(self, *, timeout: float) -> None:
        """Empty the index in one commit under the write lock (creating it afresh, in this
        code's layout, when it was written by an older version)."""

    def close(self) -> None:
        """Let go of open files and connections (tests switch engines; workers end)."""
