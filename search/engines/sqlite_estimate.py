"""How many items a large FTS5 search keeps — in all, per section, per month — estimated from a
sample, at a cost bounded by the calendar (at most a window per month) rather than by how much
of the archive matches: FTS5 counts ~20 million matches a second, so the commonest words
(``记者``: in nearly every byline) took most of a search's time just to be counted.

The index keeps how many items each day holds (``days``, written with the items). A search:

1. guesses how many items it matches from how far into its date range FTS5 reads to find its
   first ``PILOT`` matches (all of them, exactly, when it has fewer);
2. reads either its whole range or, when that would cost more than a window per month, a run of
   consecutive days from each month, sized to hold ``DAYS_READ`` times the sample in all
   (``windows``: FTS5 reads only those parts of its lists);
3. groups every k-th match read, by primary key, by day and kind (about ``common`` of them, at
   most ``SAMPLE``), and looks each up for its section and whether it is a photo printed in an
   article;
4. scales each sampled day's count by k and by its month's items over the items of the month's
   sampled days (a ratio estimate: a day of more pages weighs more); the photos printed in an
   article by the share of them whose article is kept (those are shown under their article,
   not counted: ``LargeSearch._folded_share``).

Undated items are a stratum of their own, read whole. A search without a match expression
(only exclusions, or only filters) reads the windows' items instead, less the excluded.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from .base import Filters
from .item_ids import ARTICLE_BIT, DAY_SHIFT, NO_DAY, PK_MASK, id_range
from .sqlite_query import Matching, filter_sql, needs_lookup

PILOT = 1_000  # matches read first, to guess how many there are
# Setting FTS5 on a window costs what reading ~500 matches does (measured: ~32 µs against
# ~0.07 µs a match, at 300,000 articles): fewer matches than that per month are read whole.
WINDOW_COST = 500
# The windows hold this many times the matches grouped: more days in the sample (a day's items are
# alike: its rubrics, its events) for little (reading a match costs a tenth of grouping it).
DAYS_READ = 4
# Matches grouped at most, whatever ``common`` is. Measured at 300,000 articles: 5,000 grouped,
# one in two looked up, cost 记者 24 ms in the engine; 2,500, every one looked up, 17 ms, for
# month counts off by a median 4.5% instead of 3.2% (the largest sections: alike, ~13%).
SAMPLE = 2_500
LOOKUP_SHARE = 1  # every grouped match is looked up in ``items`` (~1.5 µs each) for its section


@dataclass
class Counts:
    total: int
    sections: dict[int, int]
    months: dict[str, int]
    matches: float  # how many items the match holds in the range, guessed (``DaySample._guess``)


def day_range(filters: Filters) -> tuple[int, int]:
    low, high = id_range(filters)
    return low >> DAY_SHIFT, high >> DAY_SHIFT


class DaySample:
    def __init__(self, db, kept: Matching, common: int, deadline):
        self.db, self.kept, self.filters, self.deadline = db, kept, kept.request.filters, deadline
        self.grouped = max(1, min(common, SAMPLE))  # matches grouped by month: the sample's size

    def estimate(self, folded_share) -> Counts:
        """``folded_share(parents)``: the share of photos printed in those articles that are
        folded into a kept article (asked of the caller, which knows what is kept)."""
        days = self._days()
        if not days:
            return Counts(0, {}, {}, 0)
        in_range = sum(items for _, _, items in days)
        matches = self._guess(days, in_range)
        weights, read = self._windows(days, matches, in_range)
        step = max(1, math.ceil(read / self.grouped))
        counted, looked_up = self._walk(step, step * LOOKUP_SHARE)
        photos = sum(n for _, is_article, _, _, n, _ in looked_up if not is_article)
        in_articles = [(n, parent) for _, is_article, _, in_article, n, parent in looked_up if in_article and not is_article]
        share_in_articles = sum(n for n, _ in in_articles) / photos if photos else 0.0
        folded = folded_share([parent for _, parent in in_articles]) if in_articles else 0.0
        months: dict[str | None, float] = {}
        for month, is_article, n in counted:
            kept = 1 if is_article else 1 - share_in_articles * folded
            months[month] = months.get(month, 0) + n * step * weights[month] * kept
        sections: dict[int, float] = {}
        for month, is_article, section, in_article, n, _ in looked_up:
            if section:
                kept = 1 - folded if in_article and not is_article else 1
                sections[section] = sections.get(section, 0) + n * step * LOOKUP_SHARE * weights[month] * kept
        total = sum(months.values())
        months.pop(None, None)  # the undated items: in the total, in no month
        return Counts(round(total), _rounded(sections), _rounded(months), matches)

    # --- the sample ---------------------------------------------------------------------------

    def _days(self) -> list[tuple[int, str | None, int]]:
        """(day, month, items) of the days of the date range that hold items: read once per
        connection until another one writes (30 years are 11,000 rows: ~3 ms a search)."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if self.db.days is None or self.db.days[0] != version:  # sqlite_fts.IndexConnection
            self.db.days = (version, self.db.execute("SELECT day, month, articles + photos FROM days "
                                                     "WHERE articles + photos > 0 ORDER BY day").fetchall())
        days = self.db.days[1]
        first, last = day_range(self.filters)
        return days[bisect.bisect_left(days, (first,)):bisect.bisect_left(days, (last + 1,))]

    def _guess(self, days: list[tuple], in_range: int) -> float:
        """How many items the match holds in the range: exact below ``PILOT``, else guessed
        from the items of the days FTS5 read through to find the first ``PILOT``. Without a
        match, the range's items (the excluded among them)."""
        if not self.kept.match:
            return in_range
        low, high = id_range(self.filters)
        read, last = self.db.execute(
            "SELECT count(*), max(rowid) FROM (SELECT rowid FROM fts_text WHERE fts_text MATCH ? AND rowid BETWEEN ? AND ? "
            "LIMIT ?)", (self.kept.match, low, high, PILOT)).fetchone()
        self.deadline.check()
        if read < PILOT:
            return read
        through = sum(items for day, _, items in days if day <= last >> DAY_SHIFT)
        return PILOT * in_range / max(through, 1)

    def _windows(self, days: list[tuple], matches: float, in_range: int) -> tuple[dict[str | None, float], float]:
        """Fill ``windows`` (the id ranges FTS5 reads): the whole range, or a run of days from
        each month. (The weight of each month's sample — its items over the items of its
        sampled days —, the matches the windows are expected to hold.)"""
        strata: dict[str | None, list[tuple]] = {}
        for day in days:
            strata.setdefault(day[1], []).append(day)
        fraction = 1.0 if matches < WINDOW_COST * len(strata) else min(1.0, DAYS_READ * self.grouped / matches)
        weights: dict[str | None, float] = {}
        ranges: list[list[int]] = []
        whole_before, items_read = False, 0
        for index, (month, stratum) in enumerate(strata.items()):
            taken = len(stratum) if stratum[0][0] == NO_DAY else max(1, round(fraction * len(stratum)))
            # A different run each month, its weekday moving on (a weekly rubric is not always missed)
            start = (index * 11) % (len(stratum) - taken + 1)
            run = stratum[start:start + taken]
            run_items = sum(items for _, _, items in run)
            weights[month] = sum(items for _, _, items in stratum) / run_items
            items_read += run_items
            whole = taken == len(stratum)
            if whole and whole_before:
                ranges[-1][1] = run[-1][0]  # whole months one after another: one range for FTS5
            else:
                ranges.append([run[0][0], run[-1][0]])
            whole_before = whole
        low, high = id_range(self.filters)
        self.db.execute("DELETE FROM windows")
        self.db.executemany("INSERT INTO windows (lo, hi) VALUES (?, ?)",
                            [(max(low, first << DAY_SHIFT), min(high, ((last + 1) << DAY_SHIFT) - 1))
                             for first, last in ranges])
        return weights, matches * items_read / in_range

    def _walk(self, step: int, lookup_step: int) -> tuple[list[tuple], list[tuple]]:
        """Every ``step``-th kept item in the windows, by primary key, kept in ``sampled``:
        (month, is an article, count) of them all, and (month, is an article, section, printed in
        an article, count, one such article) of every ``lookup_step``-th, looked up in ``items``.
        (Looked up in the walk itself, each lookup was repeated for every use of its columns.)"""
        self.db.execute("DELETE FROM sampled")
        self.db.execute(*self._sampling(step))
        self.deadline.check()
        in_days = f"CROSS JOIN days ON days.day = s.id >> {DAY_SHIFT}"
        counted = self.db.execute(f"SELECT days.month, (s.id & {ARTICLE_BIT}) != 0, count(*) FROM sampled AS s {in_days} "
                                  f"GROUP BY 1, 2").fetchall()
        looked_up = self.db.execute(
            f"SELECT days.month, items.kind = 'article', items.section, items.parent IS NOT NULL, count(*), min(items.parent) "
            f"FROM sampled AS s {in_days} CROSS JOIN items ON items.id = s.id WHERE (s.id & {PK_MASK}) % {lookup_step} = 0 "
            f"GROUP BY 1, 2, 3, 4").fetchall()
        self.deadline.check()
        return counted, looked_up

    def _sampling(self, step: int) -> tuple[str, list]:
        """The statement filling ``sampled``: FTS5 reads the match in the windows (looking an
        item up only for a filter that ``items`` alone holds, a section); without a match, the
        windows' items are read, less the excluded read from FTS5 in the same windows."""
        sampled = f"(f.rowid & {PK_MASK}) % {step} = 0"
        windows = "FROM windows AS w CROSS JOIN fts_text AS f ON f.fts_text MATCH ? AND f.rowid BETWEEN w.lo AND w.hi"
        if not self.kept.match:
            where, params = filter_sql(self.filters)
            if self.kept.excluded:
                where += f" AND items.id NOT IN (SELECT f.rowid {windows} WHERE {sampled})"
                params.append(self.kept.excluded)
            return (f"INSERT INTO sampled SELECT items.id FROM windows AS w CROSS JOIN items ON items.id BETWEEN w.lo AND w.hi "
                    f"WHERE (items.id & {PK_MASK}) % {step} = 0 AND {where}", params)
        join = "CROSS JOIN items ON items.id = f.rowid" if needs_lookup(self.filters) else ""
        where, params = filter_sql(self.filters, walked="f.rowid")
        return (f"INSERT INTO sampled SELECT f.rowid {windows} {join} WHERE {sampled} AND {where}",
                [self.kept.match, *params])


def _rounded(counts: dict) -> dict:
    return {key: round(n) for key, n in counts.items() if round(n)}
