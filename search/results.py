"""Running a search: filters, sort, facets, one page of hits loaded from the database."""

from __future__ import annotations

import calendar
import datetime
import math
import time
from dataclasses import dataclass, field

from django.conf import settings

from archive.models import Article, PhotoCaption, Section

from .engines import Filters, RawHit, SearchRequest, engine
from .highlight import highlight, snippet
from .indexing import schedule
from .query import ParsedQuery

PER_PAGE = 20
MODELS = {"archive.article": Article, "archive.photocaption": PhotoCaption}


@dataclass(frozen=True, order=True)
class MonthFacet:
    month: str  # "YYYY-MM"
    count: int

    @property
    def first_day(self) -> datetime.date:
        return datetime.date.fromisoformat(f"{self.month}-01")

    @property
    def last_day(self) -> datetime.date:
        first = self.first_day
        return datetime.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


@dataclass
class PhotoHit:
    """A photo printed in an article that is a hit: shown under that article, not on its own."""

    object: PhotoCaption
    caption: str

    @property
    def url(self) -> str:
        return self.object.get_absolute_url()


@dataclass
class Hit:
    kind: str
    object: Article | PhotoCaption
    score: float
    title: str
    snippet: str
    photos: list[PhotoHit] = field(default_factory=list)  # an article's photos that matched too

    @property
    def url(self) -> str:
        return self.object.get_absolute_url()

    @property
    def date(self):
        """The date the index sorts and filters by: the item's own, else its page's."""
        return self.object.date or self.object.page.date

    @property
    def section(self):
        article = self.object if self.kind == "article" else self.object.article
        return article.section if article else None


@dataclass
class SearchResults:
    total: int
    page: int
    num_pages: int
    hits: list[Hit]
    took_ms: float
    sections: list[tuple[Section, int]] = field(default_factory=list)
    months: list[MonthFacet] = field(default_factory=list)

    @property
    def out_of_range(self) -> bool:
        return self.total > 0 and self.page > self.num_pages


def search(parsed: ParsedQuery, filters: Filters = Filters(), sort: str = "relevance", page: int = 1,
           per_page: int = PER_PAGE) -> SearchResults:
    """One page of hits, within ``ARCHIVE_SEARCH_BUDGET_MS``. The engine may raise
    ``SearchTooExpensive``, ``IndexUnavailable`` or ``IndexFailure``."""
    started = time.perf_counter()
    budget = settings.ARCHIVE_SEARCH_BUDGET_MS / 1000
    raw = engine().search(SearchRequest(parsed, filters, sort, page, per_page, budget=budget))
    hits = _load(raw.hits, parsed)
    ghosts = len(raw.hits) - len(hits)
    return SearchResults(
        total=raw.total - ghosts,
        page=page,
        num_pages=max(1, math.ceil(raw.total / per_page)),
        hits=hits,
        took_ms=(time.perf_counter() - started) * 1000,
        sections=_section_counts(raw.sections),
        months=sorted((MonthFacet(m, n) for m, n in raw.months.items()), reverse=True),
    )


def _load(raw_hits: list[RawHit], parsed: ParsedQuery) -> list[Hit]:
    """The hits' objects from the database, in rank order; a hit with no object (a delete the
    index has not applied yet) is dropped and its delete queued again."""
    wanted: dict[str, list[int]] = {label: [] for label in MODELS}
    for hit in raw_hits:
        wanted[hit.label].append(hit.pk)
        wanted["archive.photocaption"] += hit.photos  # folded under it: loaded with the photo hits
    loaded = {label: MODELS[label].objects.for_results().in_bulk(ids) for label, ids in wanted.items() if ids}
    photos = loaded.get("archive.photocaption", {})
    hits = []
    for hit in raw_hits:
        obj = loaded[hit.label].get(hit.pk)
        if obj is None:
            schedule(hit.label, [hit.pk], deleted=True)
            continue
        found = _hit(hit.label, obj, hit.score, parsed.atoms)
        found.photos = [PhotoHit(p, highlight(p.caption, parsed.atoms))
                        for p in sorted((photos[pk] for pk in hit.photos if pk in photos), key=lambda p: p.position)]
        hits.append(found)
    return hits


def _hit(label: str, obj, score: float, atoms: list[str]) -> Hit:
    if label == "archive.article":
        title = highlight(obj.title or obj.kicker or "(无标题)", atoms)
        body = "\n".join(block.text for block in obj.blocks())  # the text, without storage markers
        text = "\n".join([obj.kicker, obj.subtitle, body]) if atoms else body
        return Hit("article", obj, score, title, snippet(text, atoms))
    return Hit("photo", obj, score, highlight(obj.caption, atoms), snippet(f"{obj.description} {obj.credit}", atoms))


def _section_counts(counts: dict[int, int]) -> list[tuple[Section, int]]:
    names = Section.objects.in_bulk(list(counts))
    return sorted(((names[i], n) for i, n in counts.items() if i in names), key=lambda pair: (-pair[1], pair[0].name))
