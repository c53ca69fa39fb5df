from django import template
from django.utils.html import escape

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
