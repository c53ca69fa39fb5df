from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django_bootstrap5.forms import render_field

from ..highlight import highlight
from ..query import QueryTooComplex, parse_query

register = template.Library()
MAX_HIGHLIGHT_QUERY = 200


@register.filter
def mark_terms(text, query):
    """``text`` escaped, with the literals of a search ``query`` (``?hl=``) marked."""
    if not query:
        return escape(text)
    try:
        atoms = parse_query(str(query)[:MAX_HIGHLIGHT_QUERY]).atoms
    except QueryTooComplex:
        return escape(text)
    return highlight(str(text), atoms)


@register.filter
def count(number: int, approximate: bool = False) -> str:
    """A count as the results show it: exact, or rounded and marked 约 when it is an estimate
    (``SearchResults.approximate``) — 约 12.1万, 约 4,800 — so no one quotes a sample as a figure."""
    if not approximate:
        return str(number)
    if number >= 10_000:
        return f"约 {number / 10_000:.1f}万".replace(".0万", "万")
    digits = len(str(number))
    return f"约 {round(number, 2 - digits) if digits > 2 else number:,}"


@register.simple_tag
def search_field(field, **kwargs):
    """``bootstrap_field`` with validation styling on a field that has an error only: a search
    form is bound as soon as it is sent, and a green tick on every field untouched says nothing."""
    return render_field(field, server_side_validation=bool(field.errors), **kwargs)


# Who made an item, as tags rather than included templates: a day's list shows ~90 bylines, and
# an include costs about as much as the rest of a summary (measured at 300,000 articles). Here,
# not in archive_tags, because the names are marked with the search's words.

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
