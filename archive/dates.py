"""The date archive: years → months (a calendar each) → days, newest first."""

import datetime

from django.http import Http404
from django.views.generic import TemplateView

from .calendars import WEEKDAYS, month_calendar, months_with_items
from .models import Article, Page, PhotoCaption


def item_counts() -> dict:
    counts = Article.objects.day_counts()
    for day, n in PhotoCaption.objects.standalone().day_counts().items():
        counts[day] = counts.get(day, 0) + n
    return counts


class DateContextMixin:
    def get_context_data(self, **kwargs):
        return super().get_context_data(weekdays=WEEKDAYS, **kwargs)


class DateIndexView(DateContextMixin, TemplateView):
    template_name = "archive/date_index.html"

    def get_context_data(self, **kwargs):
        counts = item_counts()
        years = sorted({day.year for day in counts}, reverse=True)
        totals = {year: sum(n for day, n in counts.items() if day.year == year) for year in years}
        return super().get_context_data(years=[(y, totals[y]) for y in years], **kwargs)


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
        months = months_with_items(item_counts(), year)
        if not months:
            raise Http404(f"{year} 年没有稿件")
        return super().get_context_data(months=months, **kwargs)


class MonthView(DateContextMixin, TemplateView):
    template_name = "archive/date_month.html"

    def get_context_data(self, **kwargs):
        first = checked_date(self.kwargs["year"], self.kwargs["month"])
        year, month = first.year, first.month
        counts = item_counts()
        months = sorted({(d.year, d.month) for d in counts})
        if (year, month) not in months:  # before the calendar: 9999-12's would run past year 9999
            raise Http404(f"{year} 年 {month} 月没有稿件")
        calendar = month_calendar(year, month, counts)
        here = months.index((year, month))
        return super().get_context_data(
            calendar=calendar,
            previous_month=months[here - 1] if here > 0 else None,
            next_month=months[here + 1] if here + 1 < len(months) else None,
            **kwargs,
        )


class DayView(DateContextMixin, TemplateView):
    template_name = "archive/date_day.html"

    def get_context_data(self, **kwargs):
        day = checked_date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        articles = list(Article.objects.for_display().on_day(day).order_by("page__source", "position"))
        photos = list(PhotoCaption.objects.for_display().standalone().on_day(day).order_by("page__source", "position"))
        if not articles and not photos:
            raise Http404(f"{day:%Y-%m-%d} 没有稿件")
        days = sorted(item_counts())
        here = days.index(day)
        kwargs["day"] = day  # the date, in place of the URL's day number
        return super().get_context_data(
            articles=articles, photos=photos, has_issue=Page.objects.filter(date=day).exists(),
            previous_day=days[here - 1] if here > 0 else None,
            next_day=days[here + 1] if here + 1 < len(days) else None,
            **kwargs,
        )
