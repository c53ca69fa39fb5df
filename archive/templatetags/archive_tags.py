import re

from django import template
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


@register.filter
def credits_by_role(item) -> list:
    """[(role label, [person, …]), …] in printed order, from the item's prefetched contributions:
    a byline as a reader wants it (记者 左晓雨、刘茜 · 通讯员 高祥钧), each name a link."""
    groups: dict[str, list] = {}
    for contribution in item.contributions.all():
        groups.setdefault(contribution.get_role_display(), []).append(contribution.person)
    return list(groups.items())


PAGE_DATE_NOTE = "稿件未印日期,此为所在版面的出版日期"
INFERRED_YEAR_NOTE = "版面未印年份,年份由版面文字推断"


@register.filter
def date_note(item) -> str:
    """Where an item's shown date came from, when that is not simply its dateline."""
    notes = [PAGE_DATE_NOTE] if item.date_is_page_date else []
    if item.shown_date_inferred:
        notes.append(INFERRED_YEAR_NOTE)
    return ";".join(notes)
