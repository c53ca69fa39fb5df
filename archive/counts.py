"""Figures kept up to date on write, so that the pages that show them read a row instead of
counting the archive: items per day (``DayCount``: calendars, the date index, the home page's
date span) and articles per section (``Section.article_count``).

Each is recounted for exactly the days and sections a write touched, from the indexes
(``article_newest``, ``photo_newest``, ``article_section_newest``): a recount costs what that
day or section holds, never the archive. Ingest calls ``recount`` for the page it wrote
(its bulk writes send no signals); single saves and deletes (the admin) are heard below.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Article, DayCount, PhotoCaption, Section


def recount(days: Iterable[datetime.date | None] = (), section_ids: Iterable[int | None] = ()) -> None:
    for day in {d for d in days if d}:
        articles = Article.objects.filter(shown_date=day).count()
        photos = PhotoCaption.objects.filter(shown_date=day, article__isnull=True).count()
        if articles or photos:
            DayCount.objects.update_or_create(date=day, defaults={"articles": articles, "photos": photos})
        else:
            DayCount.objects.filter(date=day).delete()
    for section_id in {s for s in section_ids if s}:
        Section.objects.filter(pk=section_id).update(article_count=Article.objects.filter(section_id=section_id).count())


def recount_everything() -> None:
    """For a migration or a repair: every day and section, from scratch."""
    DayCount.objects.all().delete()
    days = set(Article.objects.dates("shown_date", "day")) | set(PhotoCaption.objects.dates("shown_date", "day"))
    recount(days, Section.objects.values_list("pk", flat=True))


# --- reading them -------------------------------------------------------------------------

def by_day(first: datetime.date | None = None, last: datetime.date | None = None) -> dict[datetime.date, int]:
    rows = DayCount.objects.all()
    if first:
        rows = rows.filter(date__gte=first)
    if last:
        rows = rows.filter(date__lte=last)
    return {row.date: row.total for row in rows}


def by_year() -> list[tuple[int, int]]:
    """(year, items) newest first: one row per day with items is read (~365 a year)."""
    rows = (DayCount.objects.annotate(year=ExtractYear("date")).values("year")
            .annotate(total=Sum("articles") + Sum("photos")).order_by("-year"))
    return [(row["year"], row["total"]) for row in rows]


def span() -> tuple[datetime.date | None, datetime.date | None]:
    first = DayCount.objects.order_by("date").values_list("date", flat=True).first()
    last = DayCount.objects.order_by("-date").values_list("date", flat=True).first()
    return first, last


def day_before(day: datetime.date) -> datetime.date | None:
    return DayCount.objects.filter(date__lt=day).order_by("-date").values_list("date", flat=True).first()


def day_after(day: datetime.date) -> datetime.date | None:
    return DayCount.objects.filter(date__gt=day).order_by("date").values_list("date", flat=True).first()


# --- single writes --------------------------------------------------------------------------

@receiver(post_save, sender=Article)
@receiver(post_save, sender=PhotoCaption)
@receiver(post_delete, sender=Article)
@receiver(post_delete, sender=PhotoCaption)
def _item_written(sender, instance, **kwargs):
    before = getattr(instance, "loaded", {})
    recount(days=[instance.shown_date, before.get("shown_date")],
            section_ids=[getattr(instance, "section_id", None), before.get("section_id")])
