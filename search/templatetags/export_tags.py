"""``{% search_exports form results as exports %}``: the addresses that export the search shown
and follow it (its Atom feed), for the results page's export links and its ``<head>``."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from .. import links
from ..feeds import described, feed_url

register = template.Library()


@register.simple_tag
def search_exports(form, results) -> dict:
    """Empty when nothing was searched (no results to export or follow)."""
    if results is None or not form.is_bound:
        return {}
    params = links.current(form.cleaned_data)

    def export(fmt: str, **extra) -> str:
        return f"{reverse('search:export', args=[fmt])}?{urlencode({**params, **extra})}"

    limit = settings.ARCHIVE_EXPORT_LIMIT
    return {
        "csv": export("csv"), "jsonl": export("jsonl"),
        "csv_text": export("csv", text=1), "jsonl_text": export("jsonl", text=1),
        "feed": feed_url(params), "feed_title": f"订阅检索{described(form)}",
        "limit": f"{limit:,}", "cut": results.total > limit,
    }
