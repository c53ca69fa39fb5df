"""A page's place in the paper: the issue (its date) it belongs to, where that date was read,
and the page's label and order in the issue.

The date is taken, most trusted first, from the file's path (``2023-04-17/01.txt``), from
``ingest --date``, else from the page's own datelines (``archive/parser.py``). A page that
a correction moves to another date or label keeps answering at its old address
(``FormerPageAddress``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from .issues import label_sequence, place_from_path
from .models import DateSource, FormerPageAddress, Page
from .parser import ParsedPage


class PlacementConflict(ValueError):
    """Two files claim the same page of the same issue."""


@dataclass(frozen=True)
class Dating:
    date: datetime.date | None
    source: str  # a DateSource value
    label: str  # the page's label from its path, or ""
    year: int | None  # the year datelines are read in; None: inferred from the page's text

    def describe(self) -> str:
        if not self.date:
            return "无日期"
        return f"日期 {self.date:%Y-%m-%d}(来自{DateSource(self.source).label})"


def dating_before_parse(path: Path, *, year: int | None, date: datetime.date | None,
                        stored: Page | None = None) -> Dating:
    """The date the path or ``--date`` gives; else, for a page stored with such a date, that
    one (a correction ingested again without ``--date`` keeps its issue); else none yet."""
    place = place_from_path(str(path))
    if place.date:
        return Dating(place.date, DateSource.PATH, place.label, year or place.date.year)
    if date:
        return Dating(date, DateSource.OPTION, place.label, year or date.year)
    if stored and stored.date and stored.date_source in (DateSource.PATH, DateSource.OPTION):
        return Dating(stored.date, stored.date_source, stored.label, year or stored.date.year)
    return Dating(None, DateSource.NONE, place.label, year)


def dating_after_parse(dating: Dating, parsed: ParsedPage) -> Dating:
    if dating.date:
        return dating
    return replace(dating, date=parsed.date, source=parsed.date_source)


def place_page(page: Page, dating: Dating) -> tuple[datetime.date, str] | None:
    """Set the page's date and place in its issue (before it is saved). Returns the address it
    leaves, if it had another one, for ``keep_former_address`` once the page is saved."""
    before = (page.date, page.label) if page.pk and page.date and page.label else None
    page.date, page.date_source = dating.date, dating.source
    if not dating.date:
        page.label, page.sequence = "", 0
        return before
    if dating.label:
        page.label = dating.label
    elif not (before and before[0] == dating.date):
        page.label = _next_free_label(dating.date)
    other = Page.objects.filter(date=page.date, label=page.label).exclude(pk=page.pk).first()
    if other:
        raise PlacementConflict(f"{page.date:%Y-%m-%d} 第{page.label}版已是版面 {other.source}")
    page.sequence = label_sequence(page.label)
    return before if before != (page.date, page.label) else None


def keep_former_address(page: Page, former: tuple[datetime.date, str] | None) -> None:
    FormerPageAddress.objects.filter(date=page.date, label=page.label).delete()  # a real page's now
    if former:
        FormerPageAddress.objects.update_or_create(date=former[0], label=former[1], defaults={"page": page})


def _next_free_label(date: datetime.date) -> str:
    """Pages whose path names no label are numbered in the order they are first ingested."""
    taken = set(Page.objects.filter(date=date).values_list("label", flat=True))
    number = 1
    while str(number) in taken:
        number += 1
    return str(number)
