import datetime
import re

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def link_people(text, contributions):
    """The byline or credit as printed, each contributor's name linked to their page."""
    people = {c.person.name: c.person for c in contributions if c.person.name}
    if not people:
        return escape(text)
    names = re.compile("|".join(re.escape(n) for n in sorted(people, key=len, reverse=True)))
    pieces, last = [], 0
    for match in names.finditer(text):
        person = people[match.group()]
        pieces += [escape(text[last:match.start()]), format_html('<a href="{}">{}</a>', person.get_absolute_url(), person.name)]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


# An item's date is a tag rather than an included template: a day's list shows ~90, and an
# include costs about as much as the rest of a summary (measured at 300,000 articles). (The
# byline, which marks searched names, is search_tags' ``byline``: archive never imports search.)

@register.simple_tag
def item_date(item):
    """An article's or photo's date: its own, else its page's (then said in the tooltip)."""
    day = item.shown_date
    if not day:
        return ""
    note = date_note(item)
    return format_html('<time datetime="{}"{}>{}年{}月{}日</time>', day.isoformat(),
                       format_html(' title="{}"', note) if note else "", day.year, day.month, day.day)


PAGE_DATE_NOTE = "稿件未印日期,此为所在版面的出版日期"
INFERRED_YEAR_NOTE = "版面未印年份,年份由版面文字推断"


@register.filter
def date_note(item) -> str:
    """Where an item's shown date came from, when that is not simply its dateline."""
    notes = [PAGE_DATE_NOTE] if item.date_is_page_date else []
    if item.shown_date_inferred:
        notes.append(INFERRED_YEAR_NOTE)
    return ";".join(notes)


@register.filter
def local_day(moment) -> str:
    """The day (YYYY-MM-DD) of a moment in the archive's time zone: what ``|date:"Y-m-d"``
    prints, at a tenth of its cost (a sitemap page prints 500)."""
    return (timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment).isoformat()


# A calendar's days are rows built here, not by the template: a year page shows twelve
# calendars, ~500 cells, and a {% url %} and a |date per cell cost ~30 ms of rendering
# (measured at 300,000 articles, against a page budget of 50 ms).
@register.simple_tag
def calendar_weeks(calendar) -> str:
    """The calendar's weeks as table rows: a day with items links to its page."""
    address = _day_addresses(calendar.year, calendar.month)
    return mark_safe("".join(
        "<tr>" + "".join(f"<td>{_calendar_cell(day, address)}</td>" for day in week) + "</tr>"
        for week in calendar.weeks))


def _calendar_cell(day, address) -> str:
    if not day:  # beyond the calendar's range
        return ""
    if not day.in_month:
        return f'<span class="outside-month" aria-hidden="true">{day.date.day}</span>'
    if day.count:
        d = day.date
        return (f'<a class="fw-bold" href="{address(d.day)}" aria-label="{d.year}年{d.month}月{d.day}日,{day.count} 篇">'
                f"{d.day}</a>")
    return f'<span class="text-body-secondary">{day.date.day}</span>'


def _day_addresses(year: int, month: int):
    """The address of each day of a month, from one reversed address (the day is its last part)."""
    first = reverse("archive:day", args=(year, month, 1))
    if not first.endswith("/1/"):  # another address scheme: reverse each day
        return lambda day: reverse("archive:day", args=(year, month, day))
    return lambda day: f"{first[:-2]}{day}/"
