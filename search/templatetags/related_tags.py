"""``{% related_reports article %}``: the article page's 相关报道, from the search app (the
archive's views never import search; its templates may load this)."""

from django import template

from ..related import related_articles

register = template.Library()


@register.inclusion_tag("search/includes/related.html")
def related_reports(article):
    return {"related": related_articles(article)}
