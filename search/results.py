"""Running a search: filters, sort, facets, one page of hits loaded from the database (with
their bylines), and which words typed as one were found only in pieces."""

from __future__ import annotations

import calendar
import datetime
import math
import time
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Prefetch

from archive.models import Article, ArticleContribution, PhotoCaption, PhotoContribution, Section

from .analyzers import units
from .engines import Filters, RawHit, RawResults, SearchRequest, SearchTooExpensive, engine
from .highlight import highlight, snippet
from .indexing import schedule
from .query import Clause, ParsedQuery

PER_PAGE = 20
MODELS = {"archive.article": Article, "archive.photocaption": PhotoCaption}
CONTRIBUTIONS = {"archive.article": ArticleContribution, "archive.photocaption": PhotoContribution}


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


@dataclass(frozen=True)
class SplitWord:
    """A word typed without quotes that jieba cut into pieces (国家安全 → 国家, 安全): items match
    when they hold every piece, together or apart, so a hit may not hold the word as typed."""

    run: str  # the word as one literal, normalised
    parts: tuple[str, ...]


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
    apart: list[SplitWord] = field(default_factory=list)  # split words this hit holds only in pieces

    @property
    def url(self) -> str:
        return self.object.get_absolute_url()

    @property
    def credits(self) -> list[ArticleContribution | PhotoContribution]:
        """Who made it, in byline order, their people loaded (``_queryset``)."""
        return self.object.credited

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
    # Each facet is counted under every active filter but its own: a chosen section still
    # lists the other sections, and every count is the total its link shows.
    sections: list[tuple[Section, int]] = field(default_factory=list)
    months: list[MonthFacet] = field(default_factory=list)
    not_found_whole: list[SplitWord] = field(default_factory=list)  # split words no result holds as typed
    marked: list[str] = field(default_factory=list)  # the query's literals, marked in what is shown
    per_page: int = PER_PAGE
    # The total and facet counts are estimates (a search matching more than
    # ARCHIVE_SEARCH_COMMON_ITEMS items, on an engine that samples them): shown as "约 12万".
    approximate: bool = False

    @property
    def out_of_range(self) -> bool:
        return self.page > self.num_pages

    @property
    def first_number(self) -> int:
        """The rank of the first hit shown (21 on the second page)."""
        return (self.page - 1) * self.per_page + 1


class Budget:
    """The processor time one search may use (``ARCHIVE_SEARCH_BUDGET_MS``), shared by the main
    engine search and the ones that only refine the page (facets, whole words): those get what
    is left, and are skipped when nothing is."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.start = time.thread_time()

    def remaining(self) -> float:
        return self.seconds - (time.thread_time() - self.start)


def search(parsed: ParsedQuery, filters: Filters = Filters(), sort: str = "relevance", page: int = 1,
           per_page: int | None = None) -> SearchResults:
    """One page of hits (``PER_PAGE`` unless told), within ``ARCHIVE_SEARCH_BUDGET_MS``. The
    engine may raise ``SearchTooExpensive``, ``IndexUnavailable`` or ``IndexFailure``."""
    per_page = per_page or PER_PAGE  # read now, not at import: tests page a small archive
    started = time.perf_counter()
    budget = Budget(settings.ARCHIVE_SEARCH_BUDGET_MS / 1000)
    raw = engine().search(engine_request(parsed, filters, sort, page, per_page, budget.seconds))
    split = [SplitWord(clause.run, tuple(clause.atoms)) for clause in parsed.split_clauses]
    hits = _load(raw.hits, parsed, split)
    ghosts = len(raw.hits) - len(hits)
    sections, months, refined_approximately = _facet_counts(raw, parsed, filters, budget)
    not_found = [word for word in split if _found_nowhere(word, hits, parsed, filters, budget)] if hits else []
    for hit in hits:  # a notice over the results says it once for all of them
        hit.apart = [word for word in hit.apart if word not in not_found]
    return SearchResults(
        total=raw.total - ghosts,
        page=page,
        num_pages=max(1, math.ceil(raw.total / per_page)),
        hits=hits,
        took_ms=(time.perf_counter() - started) * 1000,
        sections=_section_counts(sections, filters.section_id),
        months=sorted((MonthFacet(m, n) for m, n in months.items()), reverse=True),
        not_found_whole=not_found,
        marked=parsed.atoms,
        per_page=per_page,
        approximate=raw.approximate or refined_approximately,
    )


def engine_request(parsed: ParsedQuery, filters: Filters, sort: str, page: int, per_page: int, budget: float) -> SearchRequest:
    """A page of a search as the engine is asked for it, with the archive's ``common`` setting."""
    return SearchRequest(parsed, filters, sort, page, per_page, budget=budget, common=settings.ARCHIVE_SEARCH_COMMON_ITEMS)


def refining_count(parsed: ParsedQuery, filters: Filters, budget: Budget) -> RawResults | None:
    """A count that only refines the page, on what is left of the budget; None when that runs
    out (the page then goes without the refinement rather than failing)."""
    remaining = budget.remaining()
    if remaining <= 0:
        return None
    try:
        return engine().search(replace(engine_request(parsed, filters, "relevance", 1, 1, remaining), hits=False))
    except SearchTooExpensive:
        return None


def _facet_counts(raw: RawResults, parsed: ParsedQuery, filters: Filters,
                  budget: Budget) -> tuple[dict[int, int], dict[str, int], bool]:
    """Section and month counts, each under every active filter but its own ("disjunctive"
    facets): once a section is chosen the others stay listed, each with the number of results
    its link shows. The engine counts under all filters, so a facet whose own filter is active
    is counted again without it. The flag: whether a recount was an estimate."""
    sections, months, approximate = raw.sections, raw.months, False
    if filters.section_id is not None:
        found = refining_count(parsed, replace(filters, section_id=None), budget)
        sections = found.sections if found else sections
        approximate |= bool(found and found.approximate)
    if filters.start or filters.end:
        found = refining_count(parsed, replace(filters, start=None, end=None), budget)
        months = found.months if found else months
        approximate |= bool(found and found.approximate)
    return sections, months, approximate


def _found_nowhere(word: SplitWord, hits: list[Hit], parsed: ParsedQuery, filters: Filters, budget: Budget) -> bool:
    """Whether no result at all (on any page) holds ``word`` as typed: known from the hits shown
    when one does, else asked of the engine with the word as a quoted phrase. Unknown (budget
    used up) counts as found: each hit then says for itself that it holds only the pieces."""
    if any(word not in hit.apart for hit in hits):
        return False
    groups = [[Clause([word.run])] if [c.run for c in group] == [word.run] else group for group in parsed.groups]
    found = refining_count(ParsedQuery(groups, parsed.excluded, parsed.whole), filters, budget)
    return found is not None and found.total == 0


def _queryset(label: str):
    """A kind's hits as results show them, their bylines (names linked) in one more query, as
    a list (``credited``: a prefetch into the manager builds a query set for each item).
    Unordered: they are put in rank order here, and the models' default order (by page, by
    the page's date…) costs more to compile than the query costs to run."""
    contributions = Prefetch("contributions", queryset=CONTRIBUTIONS[label].objects.select_related("person"),
                             to_attr="credited")
    return MODELS[label].objects.for_results().order_by().prefetch_related(contributions)


def _folded_photos(ids: list[int]) -> dict[int, PhotoCaption]:
    """Photos shown under their article's hit: a caption linked to the article's page, with no
    byline, so without the query for their credits."""
    return PhotoCaption.objects.select_related("page").defer("page__raw_text").order_by().in_bulk(ids)


def _load(raw_hits: list[RawHit], parsed: ParsedQuery, split: list[SplitWord]) -> list[Hit]:
    """The hits' objects from the database, in rank order; a hit with no object (a delete the
    index has not applied yet) is dropped and its delete queued again."""
    wanted: dict[str, list[int]] = {label: [] for label in MODELS}
    folded: list[int] = []
    for hit in raw_hits:
        wanted[hit.label].append(hit.pk)
        folded += hit.photos
    loaded = {label: _queryset(label).in_bulk(ids) for label, ids in wanted.items() if ids}
    for label, found in loaded.items():
        # Read from a replica (config/replicas.py) that has not replayed what the index already
        # holds? The primary says whether an item is really gone.
        if missing := [pk for pk in wanted[label] if pk not in found]:
            found |= _queryset(label).using(DEFAULT_DB_ALIAS).in_bulk(missing)
    photos = _folded_photos(folded) if folded else {}
    hits = []
    for hit in raw_hits:
        obj = loaded[hit.label].get(hit.pk)
        if obj is None:
            schedule(hit.label, [hit.pk], deleted=True)
            continue
        printed = sorted((photos[pk] for pk in hit.photos if pk in photos), key=lambda p: p.position)
        found = _hit(hit.label, obj, hit.score, parsed.atoms)
        found.photos = [PhotoHit(p, highlight(p.caption, parsed.atoms)) for p in printed]
        if split:
            held = units(_printed(obj, printed))[0]
            found.apart = [word for word in split if word.run not in held]
        hits.append(found)
    return hits


def _printed(obj, photos: list[PhotoCaption]) -> str:
    """What the index holds as an item's text (``prepare_text`` in ``search/search_indexes.py``), as far as
    the result has it loaded: of an article's photos, those that matched too (``photos``)."""
    names = [c.person.name for c in obj.credited]
    if isinstance(obj, PhotoCaption):
        return "\n".join([obj.caption, obj.description, obj.credit, *names])
    section = obj.section.name if obj.section else ""
    body = [block.text for block in obj.blocks()]
    printed = [f"{p.caption}\n{p.description}\n{p.credit}" for p in photos]
    return "\n".join([section, obj.kicker, obj.title, obj.subtitle, obj.byline, *names, *body, *printed])


def _hit(label: str, obj, score: float, atoms: list[str]) -> Hit:
    if label == "archive.article":
        title = highlight(obj.title or obj.kicker or "(无标题)", atoms)
        body = "\n".join(block.text for block in obj.blocks())  # the text, without storage markers
        text = "\n".join([obj.kicker, obj.subtitle, body]) if atoms else body
        return Hit("article", obj, score, title, snippet(text, atoms))
    # The byline is shown (names linked) when the credit was understood; else the snippet keeps it.
    text = obj.description if obj.credited else f"{obj.description} {obj.credit}"
    return Hit("photo", obj, score, highlight(obj.caption, atoms), snippet(text, atoms))


SECTION_FACETS = 20  # an archive has thousands of rubrics: the facet lists the largest


def _section_counts(counts: dict[int, int], chosen: int | None) -> list[tuple[Section, int]]:
    """The sections with most results (and the one chosen, if any), largest first: only those
    are loaded and linked, however many sections the results fall in."""
    largest = sorted(counts, key=lambda pk: -counts[pk])[:SECTION_FACETS]
    if chosen in counts and chosen not in largest:
        largest.append(chosen)
    names = Section.objects.in_bulk(largest)
    return sorted(((names[i], counts[i]) for i in largest if i in names), key=lambda pair: (-pair[1], pair[0].name))
