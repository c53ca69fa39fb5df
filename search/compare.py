"""Compare mode (``招商 | 投资``): how often each term occurs over time, as an n-gram viewer
shows it — one engine count per term (a page of one hit) under the same filters, all within the
one time budget of a search (``results.Budget``). A term the budget no longer covers is marked
not counted (未计算) rather than failing the page. The page lists no hits: each term links to
its own search instead (README, "Searching")."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, replace

from django.conf import settings

from .engines import Filters, RawResults
from .query import ParsedQuery
from .results import Budget, refining_count
from .timeline import Timeline, month_period, timeline


@dataclass(frozen=True)
class TermCount:
    text: str  # as typed between the bars
    months: dict[str, int] | None  # its month facet, counted without the dates; None: not counted
    total: int | None  # under every filter, the dates too: what its own search shows; None: not counted
    approximate: bool = False

    @property
    def counted(self) -> bool:
        return self.months is not None


@dataclass(frozen=True)
class Comparison:
    terms: tuple[TermCount, ...]
    took_ms: float

    @property
    def timeline(self) -> Timeline:
        return timeline([(term.text, term.months, term.approximate) for term in self.terms])


def compare(terms: list[tuple[str, ParsedQuery]], filters: Filters) -> Comparison:
    """Each term counted month by month over the whole span (the chart marks the dates in force,
    as a search's own chart does), and in total under the dates."""
    started = time.perf_counter()
    budget = Budget(settings.ARCHIVE_SEARCH_BUDGET_MS / 1000)
    undated = replace(filters, start=None, end=None)
    counted = tuple(_term_count(text, parsed, filters, undated, budget) for text, parsed in terms)
    return Comparison(counted, (time.perf_counter() - started) * 1000)


def _term_count(text: str, parsed: ParsedQuery, filters: Filters, undated: Filters, budget: Budget) -> TermCount:
    found = refining_count(parsed, undated, budget)
    if found is None:
        return TermCount(text, None, None)
    return TermCount(text, dict(found.months), _total(found, parsed, filters, budget), found.approximate)


def _total(found: RawResults, parsed: ParsedQuery, filters: Filters, budget: Budget) -> int | None:
    """The term's total under the dates in force: without dates, the count itself; with whole
    months (as the chart's and the facets' links set them), the sum of those months; else one
    more count (None when the budget is spent)."""
    if not filters.start and not filters.end:
        return found.total
    if _whole_months(filters.start, filters.end):
        return sum(n for month, n in found.months.items() if _inside(month, filters.start, filters.end))
    dated = refining_count(parsed, filters, budget)
    return dated.total if dated else None


def _whole_months(start: datetime.date | None, end: datetime.date | None) -> bool:
    starts = start is None or start.day == 1
    ends = end is None or end == month_period(end.year, end.month).end
    return starts and ends


def _inside(month: str, start: datetime.date | None, end: datetime.date | None) -> bool:
    period = month_period(int(month[:4]), int(month[5:7]))
    return (start is None or period.start >= start) and (end is None or period.end <= end)
