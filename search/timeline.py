"""Hits over time: a search's month counts (its month facet, counted under every filter but the
dates) → the periods a chart draws, with the counts of one or more series in each.

The rule (README, "Searching"): a span of at most ``MONTHS_DRAWN`` months, first to last, is
drawn month by month; a longer one year by year. Every period between the first and the last is
drawn, the empty ones as 0, so that the axis is even and a gap shows as a gap. Pure functions: no
Django, no engine.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# 48 months: four years month by month. Past that the bars of a 375 px phone get thinner than a
# finger and years are what a reader compares anyway (a decade is 10 bars, not 120).
MONTHS_DRAWN = 48
MONTH, YEAR = "month", "year"


@dataclass(frozen=True)
class Period:
    key: str  # "2023-04" (a month) or "2023" (a year), as the API names it
    start: datetime.date
    end: datetime.date

    @property
    def unit(self) -> str:
        return MONTH if "-" in self.key else YEAR

    @property
    def label(self) -> str:
        """How the page names it: 2023年4月, 2023年."""
        return f"{self.start.year}年{self.start.month}月" if self.unit == MONTH else f"{self.start.year}年"

    @property
    def tick(self) -> str:
        """Its label on the chart's axis, short: 2023.4, 2023."""
        return f"{self.start.year}.{self.start.month}" if self.unit == MONTH else str(self.start.year)

    def overlaps(self, start: datetime.date | None, end: datetime.date | None) -> bool:
        """Whether the period holds a day of the date range ``start``–``end`` (either open)."""
        return (start is not None or end is not None) and (start is None or self.end >= start) \
            and (end is None or self.start <= end)


@dataclass(frozen=True)
class Series:
    name: str  # the term compared (招商); "" for a search's own counts
    counts: tuple[int, ...] | None  # one a period; None: not counted (the time budget ran out)
    approximate: bool = False  # estimated from a sample (shown as 约)

    @property
    def counted(self) -> bool:
        return self.counts is not None


@dataclass(frozen=True)
class Timeline:
    unit: str  # MONTH or YEAR
    periods: tuple[Period, ...]
    series: tuple[Series, ...]

    @property
    def approximate(self) -> bool:
        return any(series.approximate for series in self.series)

    @property
    def span(self) -> str:
        """From the first period to the last: 2023年3月—2023年8月."""
        if not self.periods:
            return ""
        first, last = self.periods[0].label, self.periods[-1].label
        return first if first == last else f"{first}—{last}"

    @property
    def highest(self) -> int:
        return max((n for series in self.series if series.counted for n in series.counts), default=0)


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(f"{year:04d}-{month:02d}", datetime.date(year, month, 1), datetime.date(year, month, last))


def year_period(year: int) -> Period:
    return Period(f"{year:04d}", datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _month_number(month: str) -> int:
    """"2023-04" → months since year 0, so that spans are differences."""
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def unit_for(first: str, last: str) -> str:
    """Month or year, for a span from month ``first`` to month ``last`` ("YYYY-MM") inclusive."""
    return MONTH if _month_number(last) - _month_number(first) + 1 <= MONTHS_DRAWN else YEAR


def periods_between(first: str, last: str, unit: str) -> tuple[Period, ...]:
    """Every period from the one holding month ``first`` to the one holding month ``last``."""
    if unit == YEAR:
        return tuple(year_period(year) for year in range(int(first[:4]), int(last[:4]) + 1))
    return tuple(month_period(n // 12, n % 12 + 1) for n in range(_month_number(first), _month_number(last) + 1))


def binned(months: Mapping[str, int], periods: Sequence[Period]) -> tuple[int, ...]:
    """The month counts summed into ``periods`` (all of one unit), 0 where none fell."""
    if not periods:
        return ()
    size = 4 if periods[0].unit == YEAR else 7  # the period's key is the month's first characters
    sums = dict.fromkeys((period.key for period in periods), 0)
    for month, count in months.items():
        if month[:size] in sums:
            sums[month[:size]] += count
    return tuple(sums.values())


def timeline(named: Sequence[tuple[str, Mapping[str, int] | None, bool]]) -> Timeline:
    """One axis for every series (name, month counts or None when not counted, approximate): the
    span of all their months, drawn by the rule above; no periods when no series has a dated count."""
    months = sorted(month for _, counts, _ in named if counts for month, n in counts.items() if n)
    unit = unit_for(months[0], months[-1]) if months else MONTH
    periods = periods_between(months[0], months[-1], unit) if months else ()
    series = tuple(Series(name, binned(counts, periods) if counts is not None else None, approximate)
                   for name, counts, approximate in named)
    return Timeline(unit, periods, series)


def of_months(months: Mapping[str, int], approximate: bool = False) -> Timeline:
    """The timeline of one search: its month facet as {"YYYY-MM": count}."""
    return timeline([("", months, approximate)])


def as_json(line: Timeline, compared: bool = False) -> dict:
    """The API's ``timeline``: periods with their ``count`` for one search; for a comparison
    the periods alone and a ``series`` for each term, its ``counts`` one a period (null when not
    counted)."""
    periods = [{"period": p.key, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in line.periods]
    if not compared:
        counts = line.series[0].counts
        return {"unit": line.unit, "approximate": line.approximate,
                "periods": [period | {"count": n} for period, n in zip(periods, counts)]}
    return {"unit": line.unit, "approximate": line.approximate, "periods": periods,
            "series": [{"term": s.name, "approximate": s.approximate, "counted": s.counted,
                        "counts": list(s.counts) if s.counted else None} for s in line.series]}


def of_search(results) -> Timeline:
    """A search's timeline: its month facet (``SearchResults.months``, counted without the dates
    in force, so the whole span is drawn) and whether its counts are estimates."""
    return of_months({facet.month: facet.count for facet in results.months}, results.approximate)
