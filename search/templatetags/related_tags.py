"""``{% related_reports article %}``: the article page's 相关报道, from the search app (the
archive's views never import search; its templates may load this). A list in the cache is shown
at once; else the section links to the list's own page, which ``static/js/related.js`` fetches
and puts in its place — the search never runs while the article page is served."""

from django import template
from django.urls import reverse

from ..related import cached_related

register = template.Library()


@register.inclusion_tag("search/includes/related.html")
def related_reports(article):
    found = cached_related(article)
    return {"related": found or [], "pending": found is None, "url": reverse("search:related", args=[article.pk])}
