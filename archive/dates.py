"""The date archive: years → months (a calendar each) → days, newest first."""

import datetime

from django.http import Http404
from django.views.generic import TemplateView

from . import counts
from .calendars import WEEKDAYS, month_calendar, months_with_items
from .models import Article, Page, PhotoCaption


class DateContextMixin:
    def get_context_data(self, **kwargs):
        return super().get_context_data(weekdays=WEEKDAYS, **kwargs)


class DateIndexView(DateContextMixin, TemplateView):
    template_name = "archive/date_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=counts.by_year(), **kwargs)


def checked_date(year: int, month: int = 1, day: int = 1) -> datetime.date:
    """The date a URL names, or 404: the URL converter accepts any run of digits, and a date
    outside 1–9999 (or a 13th month, a 32nd day) must be "not found", never an error."""
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        raise Http404("没有这个日期") from None


class YearView(DateContextMixin, TemplateView):
    template_name = "archive/date_year.html"

    def get_context_data(self, **kwargs):
        year = checked_date(self.kwargs["year"]).year
        months = months_with_items(counts.by_day(datetime.date(year, 1, 1), datetime.date(year, 12, 31)), year)
        if not months:
            raise Http404(f"{year} 年没有稿件")
        return super().get_context_data(months=months, **kwargs)


class MonthView(DateContextMixin, TemplateView):
    template_name = "archive/date_month.html"

    def get_context_data(self, **kwargs):
        first = checked_date(self.kwargs["year"], self.kwargs["month"])
        year, month = first.year, first.month
        last = _month_end(first)
        days = counts.by_day(first, last)
        if not days:  # before the calendar: 9999-12's would run past year 9999
            raise Http404(f"{year} 年 {month} 月没有稿件")
        before, after = counts.day_before(first), counts.day_after(last)
        return super().get_context_data(
            calendar=month_calendar(year, month, days),
            previous_month=(before.year, before.month) if before else None,
            next_month=(after.year, after.month) if after else None,
            **kwargs,
        )


class DayView(DateContextMixin, TemplateView):
    template_name = "archive/date_day.html"

    def get_context_data(self, **kwargs):
        day = checked_date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        articles = list(Article.objects.for_listing().on_day(day).order_by("page__sequence", "page", "position"))
        photos = list(PhotoCaption.objects.for_display().standalone().on_day(day)
                      .order_by("page__sequence", "page", "position"))
        if not articles and not photos:
            raise Http404(f"{day:%Y-%m-%d} 没有稿件")
        kwargs["day"] = day  # the date, in place of the URL's day number
        return super().get_context_data(
            articles=articles, photos=photos, has_issue=Page.objects.filter(date=day).exists(),
            previous_day=counts.day_before(day), next_day=counts.day_after(day),
            **kwargs,
        )


def _month_end(first: datetime.date) -> datetime.date:
    if first.month == 12:
        return first.replace(day=31)
    return first.replace(month=first.month + 1) - datetime.timedelta(days=1)
