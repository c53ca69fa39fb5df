"""Item ids that sort as the scoring's tie order, shared by the engines that keep items in SQL
tables (FTS5's rowid, PostgreSQL's primary key): the date's ordinal, then articles before
photos, then the primary key. Walking ids downwards is walking the archive newest first, and a
date range is an id range.
"""

from __future__ import annotations

import datetime

from collections.abc import Iterable

from .base import FIRST_DATE, NO_DATE, Filters

# items.id = date ordinal · 2³³ + (article: 2³²) + primary key: descending ids are the tie order.
DAY_SHIFT = 33
ARTICLE_BIT = 1 << 32
PK_MASK = ARTICLE_BIT - 1
FIRST_DATED_ID = FIRST_DATE.toordinal() << DAY_SHIFT  # every id below is an undated item's


def item_id(kind: str, pk: int, date: datetime.date | None) -> int:
    if not 0 < pk <= PK_MASK:
        raise ValueError(f"primary key {pk} does not fit an item id")
    return ((date or NO_DATE).toordinal() << DAY_SHIFT) + (ARTICLE_BIT if kind == "article" else 0) + pk


LAST_ID = (1 << 62) - 1


def id_range(filters: Filters) -> tuple[int, int]:
    """The item ids a date range allows (all of them without one): FTS5 reads only that part of
    its lists (PostgreSQL a range of its key), as ids start with the date."""
    if not (filters.start or filters.end):
        return 0, LAST_ID
    return ((filters.start or FIRST_DATE).toordinal() << DAY_SHIFT,
            (((filters.end or datetime.date.max).toordinal() + 1) << DAY_SHIFT) - 1)


def day_of(identifier: int) -> int:
    """The date ordinal an item id was made from (1: undated)."""
    return identifier >> DAY_SHIFT


NO_DAY = NO_DATE.toordinal()  # day_of() an undated item's id


def whole_days(walk: Iterable[tuple], need: int) -> list[tuple]:
    """The first ``need`` rows (item id first) of a walk in id order and the rest of the last
    one's day: a day's items are ordered by score, so a page sorted by date may take any of them."""
    rows: list[tuple] = []
    for row in walk:
        if len(rows) >= need and day_of(row[0]) != day_of(rows[need - 1][0]):
            break
        rows.append(row)
    return rows
