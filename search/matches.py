"""Every match of a search, not one page of it: what the export streams and the search's Atom
feed lists.

The engine is asked for large pages (``ENGINE_PAGE`` items, its ``MAX_PER_PAGE``), each request
within the search's time budget (``ARCHIVE_SEARCH_BUDGET_MS``); each page's items are loaded in
bulk with their credits (three queries a page, none an item), so however many are taken only
one page is held at a time. The first page is asked when the ``Matches`` are made, so that a
search the engine refuses is refused before anything is sent.

One match is one hit of the search: a photo printed in an article that matches too is folded
into that article's hit by every engine (``RawHit.photos``) and is not a match of its own — as
on the results page, where it is listed under the article.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from archive.models import Article, ArticleContribution, PhotoCaption, PhotoContribution

from .engines import Filters, RawHit, RawResults, SearchTooExpensive, engine
from .engines.base import MAX_PER_PAGE
from .query import ParsedQuery
from .results import engine_request

ENGINE_PAGE = MAX_PER_PAGE  # items asked of the engine at a time: each request re-runs the match


@dataclass
class Match:
    """One item of a search, as the export writes it: its fields are the archive's own text."""

    kind: str  # "article" | "photo"
    object: Article | PhotoCaption

    @property
    def title(self) -> str:
        """What the results page shows as its title (without its 无标题 placeholder)."""
        if self.kind == "photo":
            return self.object.caption
        return self.object.title or self.object.kicker

    @property
    def byline(self) -> str:
        """As printed: an article's 署名, a photo's credit (本报记者 何龙 摄)."""
        return self.object.byline if self.kind == "article" else self.object.credit

    @property
    def names(self) -> list[str]:
        """The people credited, in byline order."""
        return [contribution.person.name for contribution in self.object.credited]

    @property
    def date(self):
        """The date shown: the item's own, else its page's; None for an undated page."""
        return self.object.shown_date

    @property
    def issue_date(self):
        """The date of the issue that printed it (what a citation gives): its page's."""
        return self.object.page.date

    @property
    def section(self) -> str:
        article = self.object if self.kind == "article" else self.object.article
        return article.section.name if article and article.section else ""

    @property
    def text(self) -> str:
        """An article's body as a reader sees it — paragraphs and subheadings, a blank line
        between them, without the storage markers (``archive/body.py``); a photo's description."""
        if self.kind == "photo":
            return self.object.description
        return "\n\n".join(block.text for block in self.object.blocks())


class Matches:
    """The matches of a search, in its order, up to ``limit``, page by page (``pages()``).
    Making it asks the engine for the first page, which may raise ``SearchTooExpensive``,
    ``IndexUnavailable`` or ``IndexFailure``; so may asking for any later one."""

    def __init__(self, parsed: ParsedQuery, filters: Filters, sort: str, limit: int, with_text: bool = False,
                 counted: bool = True):
        """``counted``: whether ``total`` is wanted. Without it (and after the first page) the
        engine is asked for hits only, which lets it skip counting a large search."""
        self.parsed, self.filters, self.sort, self.limit = parsed, filters, sort, limit
        self.with_text = with_text
        self.per_page = min(ENGINE_PAGE, limit)
        self.first = self._ask(1, self.per_page, counts=counted)

    @property
    def total(self) -> int:
        """How many items the search matches (an estimate when ``approximate``)."""
        return self.first.total

    @property
    def approximate(self) -> bool:
        return self.first.approximate

    def truncated(self) -> bool:
        """Whether the search matches more than ``limit`` items. A total estimated from a sample
        (a large search, ``RawResults.approximate``) is no answer near the limit: then the
        engine is asked whether there is an item after the last one taken."""
        if not self.approximate or not self.limit // 2 < self.total <= self.limit * 2:
            return self.total > self.limit
        try:
            return bool(self._ask(self.limit + 1, 1, counts=False).hits)
        except SearchTooExpensive:
            return self.total > self.limit

    def pages(self) -> Iterator[list[Match]]:
        """The matches, a page of the engine's at a time, each loaded in bulk. An item the index
        returns twice (moved by an edit between two requests) is given once."""
        seen: set[tuple[str, int]] = set()
        raw, number = self.first, 1
        while True:
            fresh = [hit for hit in raw.hits if (hit.kind, hit.pk) not in seen][:self.limit - len(seen)]
            seen.update((hit.kind, hit.pk) for hit in fresh)
            yield load(fresh, self.with_text)
            if len(seen) >= self.limit or len(raw.hits) < self.per_page:
                return
            number += 1
            raw = self._ask(number, self.per_page, counts=False)

    def _ask(self, page: int, per_page: int, counts: bool) -> RawResults:
        request = engine_request(self.parsed, self.filters, self.sort, page, per_page, settings.ARCHIVE_SEARCH_BUDGET_MS / 1000)
        return engine().search(replace(request, counts=counts))


def load(hits: list[RawHit], with_text: bool = False) -> list[Match]:
    """``hits``' items from the database in the hits' order, their credits with them (``credited``).
    A hit whose item is gone (a delete the index has not applied yet) is left out; the search
    page, which shows it, queues its delete again."""
    wanted: dict[str, list[int]] = {}
    for hit in hits:
        wanted.setdefault(hit.kind, []).append(hit.pk)
    loaded = {}
    for kind, ids in wanted.items():
        found = _items(kind, with_text).in_bulk(ids)
        # Read from a replica (config/replicas.py) that has not replayed what the index holds?
        # The primary says whether an item is really gone.
        if missing := [pk for pk in ids if pk not in found]:
            found |= _items(kind, with_text).using(DEFAULT_DB_ALIAS).in_bulk(missing)
        _credit(kind, found)
        loaded[kind] = found
    return [Match(hit.kind, loaded[hit.kind][hit.pk]) for hit in hits if hit.pk in loaded[hit.kind]]


def _items(kind: str, with_text: bool):
    """A kind's items with what a match shows: page and section, and the article's body only
    when its text is wanted. Unordered: ``load`` puts them in rank order."""
    if kind == "photo":
        return PhotoCaption.objects.for_results().order_by()
    items = Article.objects.for_results().order_by()
    return items if with_text else items.defer("body")


def _credit(kind: str, items: dict[int, Article | PhotoCaption]) -> None:
    """Each item's credits in byline order (``credited``), their people with them, in one query
    for all (from where the items were read). Not a ``prefetch_related``: it points each credit
    back at its item, a reference cycle that keeps a written page in memory until Python's cycle
    collector runs — a large export then held several pages at once (measured: 30 MB for 10,000
    items with their text, against 9 MB for 2,000)."""
    model, key = (ArticleContribution, "article_id") if kind == "article" else (PhotoContribution, "photo_id")
    for item in items.values():
        item.credited = []
    for alias in {item._state.db for item in items.values()}:
        ids = [pk for pk, item in items.items() if item._state.db == alias]
        for credit in model.objects.using(alias).filter(**{f"{key}__in": ids}).select_related("person").order_by("order", "pk"):
            items[getattr(credit, key)].credited.append(credit)
