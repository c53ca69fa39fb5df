"""Running a search: filters, sort, facets, one page of hits loaded from the database."""

from __future__ import annotations

import calendar
import datetime
import math
import time
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import sorting

from archive.models import Article, PhotoCaption, Section

from .highlight import highlight, snippet
from .indexing import backend, schedule
from .query import ParsedQuery, to_whoosh

PER_PAGE = 20
# Each sort is a list of facets; ScoreFacet's place is where the score sits in a hit's sort key.
SORTS = {
    "relevance": [sorting.ScoreFacet(), sorting.FieldFacet("date", reverse=True)],  # ties: newer first
    "newest": [sorting.FieldFacet("date", reverse=True), sorting.ScoreFacet()],
    "oldest": [sorting.FieldFacet("date"), sorting.ScoreFacet()],
}
MODELS = {"archive.article": Article, "archive.photocaption": PhotoCaption}


@dataclass
class Filters:
    section: Section | None = None
    kind: str = ""  # "article" | "photo" | ""
    person_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None

    def to_whoosh(self) -> wq.Query | None:
        parts = []
        if self.section:
            parts.append(wq.Term("section", str(self.section.pk)))
        if self.kind:
            parts.append(wq.Term("kind", self.kind))
        if self.person_id:
            parts.append(wq.Term("people", str(self.person_id)))
        if self.start or self.end:
            start = datetime.datetime.combine(self.start, datetime.time.min) if self.start else None
            end = datetime.datetime.combine(self.end, datetime.time.max) if self.end else None
            parts.append(wq.DateRange("date", start, end))
        return wq.And(parts) if parts else None


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
class Hit:
    kind: str
    object: Article | PhotoCaption
    score: float
    title: str
    snippet: str

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


def search(parsed: ParsedQuery, filters: Filters, sort: str = "relevance", page: int = 1,
           per_page: int = PER_PAGE) -> SearchResults:
    started = time.perf_counter()
    searcher = backend().searcher()
    facets = {"section": sorting.FieldFacet("section"), "month": sorting.FieldFacet("year_month")}
    results = searcher.search(
        to_whoosh(parsed), limit=page * per_page, filter=filters.to_whoosh(),
        sortedby=SORTS.get(sort, SORTS["relevance"]), groupedby=facets, maptype=sorting.Count,
    )
    total = len(results)
    page_hits = list(results)[(page - 1) * per_page:page * per_page]
    hits = _load(page_hits, parsed)
    ghosts = len(page_hits) - len(hits)
    return SearchResults(
        total=total - ghosts,
        page=page,
        num_pages=max(1, math.ceil(total / per_page)),
        hits=hits,
        took_ms=(time.perf_counter() - started) * 1000,
        sections=_section_counts(results.groups("section")),
        months=sorted((MonthFacet(m, n) for m, n in results.groups("month").items() if m), reverse=True),
    )


def _load(page_hits, parsed: ParsedQuery) -> list[Hit]:
    """The hits' objects from the database, in rank order; a hit with no object (a delete the
    index has not applied yet) is dropped and its delete queued again."""
    wanted: dict[str, list[int]] = {}
    for hit in page_hits:
        wanted.setdefault(hit["django_ct"], []).append(int(hit["django_id"]))
    loaded = {
        label: MODELS[label].objects.for_display().in_bulk(ids) for label, ids in wanted.items()
    }
    hits = []
    for hit in page_hits:
        label, pk = hit["django_ct"], int(hit["django_id"])
        obj = loaded[label].get(pk)
        if obj is None:
            schedule(label, [pk], deleted=True)
            continue
        hits.append(_hit(label, obj, _score(hit), parsed.atoms))
    return hits


def _score(hit) -> float:
    """With ``sortedby``, Whoosh reports the sort key as the score; ScoreFacet's part of the
    key is the negated score."""
    key = hit.score
    if isinstance(key, tuple):
        return next((-part for part in key if isinstance(part, float)), 0.0)
    return float(key or 0.0)


def _hit(label: str, obj, score: float, atoms: list[str]) -> Hit:
    if label == "archive.article":
        title = highlight(obj.title or obj.kicker or "(无标题)", atoms)
        text = "\n".join([obj.kicker, obj.subtitle, obj.body]) if atoms else obj.body
        return Hit("article", obj, score, title, snippet(text, atoms))
    return Hit("photo", obj, score, highlight(obj.caption, atoms), snippet(f"{obj.description} {obj.credit}", atoms))


def _section_counts(groups: dict) -> list[tuple[Section, int]]:
    ids = [int(i) for i in groups if i]
    names = Section.objects.in_bulk(ids)
    return sorted(((names[int(i)], n) for i, n in groups.items() if i and int(i) in names),
                  key=lambda pair: (-pair[1], pair[0].name))
