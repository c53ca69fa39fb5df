from django import template
from django.utils.html import escape
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
