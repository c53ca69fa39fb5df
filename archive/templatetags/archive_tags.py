import datetime
import re

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from search.templatetags.search_tags import mark_terms

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


# The byline and the date are tags rather than included templates: a day's list shows ~90 of
# each, and an include costs about as much as the rest of a summary (measured at 300,000 articles).

@register.simple_tag
def credits(item, mark=""):
    """Who made it, by role, each name a link to their page (marked with the search ``mark``):
    记者 左晓雨、刘茜 通讯员 高祥钧, from the item's prefetched contributions; "" for none."""
    groups: dict[str, list] = {}
    for contribution in item.contributions.all():
        groups.setdefault(contribution.get_role_display(), []).append(contribution.person)
    return mark_safe(" ".join(
        format_html('<span class="credit">{} {}</span>', role, mark_safe("、".join(
            format_html('<a href="{}">{}</a>', person.get_absolute_url(), mark_terms(person.name, mark))
            for person in people)))
        for role, people in groups.items()))


@register.simple_tag
def byline(item, mark=""):
    """The credits; the printed byline when it names no one (新华社电)."""
    named = credits(item, mark)
    if named or item.byline:
        return format_html('<span class="byline">{}</span>', named or item.byline)
    return ""


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
    return timezone.localtime(moment).date().isoformat() if isinstance(moment, datetime.datetime) else moment.isoformat()
