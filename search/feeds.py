"""A search's Atom feed (订阅此检索): its ``FEED_ITEMS`` newest matches, at ``/search/feed/`` with
the search page's parameters (its order is always newest first). Written as the archive's own
feeds are (``archive/feeds.py``): characters XML forbids become spaces, dates are the items'."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.views import View

from archive.feeds import FEED_ITEMS, LatestArticlesFeed, xml_text

from . import links
from .failures import SEARCH_FAILURES, failure
from .forms import FeedForm
from .highlight import snippet
from .matches import Match, Matches

SITE = "昌吉报纸档案"


def described(form) -> str:
    """The search in words, for a feed's title: ``“招商”``, and its filters (``栏目:…``), not
    its order (a feed's is always newest first)."""
    params = {name: value for name, value in links.current(form.cleaned_data).items() if name != "sort"}
    filters = "、".join(chip.label for chip in links.chips(form, params))
    words = f"“{params['q']}”" if params.get("q") else ""
    return words + (f"({filters})" if filters else "")


def feed_url(params: dict[str, str]) -> str:
    """The feed of the search ``params`` (``links.current``); the order is the feed's own."""
    kept = {name: value for name, value in params.items() if name != "sort"}
    return f"{reverse('search:feed')}?{urlencode(kept)}"


@dataclass
class FollowedSearch:
    """What a search's feed lists: the search (its form, validated) and its newest matches."""

    form: FeedForm
    matches: list[Match]

    @property
    def params(self) -> dict[str, str]:
        return links.current(self.form.cleaned_data)


class SearchFeed(LatestArticlesFeed):
    """Entries are ``Match``es: articles and photos. Published is the item's date (as in the
    archive's feeds), the summary a plain-text snippet around the first match."""

    def get_object(self, request, search: FollowedSearch):
        self.atoms = search.form.parsed.atoms  # what each entry's snippet is cut around
        return search

    def title(self, search):
        return xml_text(f"检索{described(search.form)} · {SITE}")

    def subtitle(self, search):
        return xml_text(f"检索{described(search.form)}的最新 {FEED_ITEMS} 条结果")

    def link(self, search):
        return links.search_url(search.params, sort="newest")

    def feed_url(self, search):
        return feed_url(search.params)

    def items(self, search):
        return search.matches

    def item_title(self, match):
        return xml_text(match.title or "(无标题)")

    def item_link(self, match):
        return match.object.get_absolute_url()

    def item_description(self, match):
        # Atom's summary is written type="html": the plain text is escaped once more, so that a
        # reader shows it as printed (a "<" in the paper's text is not taken for markup).
        return escape(xml_text(plain_snippet(match, self.atoms)))

    def item_pubdate(self, match):
        return super().item_pubdate(match.object)

    def item_updateddate(self, match):
        return super().item_updateddate(match.object)

    def item_author_name(self, match):
        return xml_text("、".join(match.names)) or None

    def item_categories(self, match):
        return [xml_text(match.section)] if match.section else []


def plain_snippet(match: Match, atoms: list[str]) -> str:
    """The results page's snippet around the first match, as plain text: ``snippet`` escapes the
    text and adds only ``<mark>`` tags, so dropping those and unescaping gives the text back."""
    if match.kind == "photo":
        text = match.object.description or match.object.caption
    else:
        text = "\n".join([match.object.kicker, match.object.subtitle, match.text]) if atoms else match.text
    marked = str(snippet(text, atoms))
    return html.unescape(marked.replace("<mark>", "").replace("</mark>", ""))


def plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class SearchFeedView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        form = FeedForm(request.GET)
        if not form.is_valid():
            return plain(400, form.errors_by_parameter())
        if not form.has_something_to_find():
            return plain(400, "请提供检索词(参数 q)或筛选条件:订阅的是一次检索的新结果。")
        try:
            newest = next(Matches(form.parsed, form.filters(), "newest", FEED_ITEMS, with_text=True,
                                  counted=False).pages())
        except SEARCH_FAILURES as error:
            failed = failure(error, "search feed", request.GET.get("q", ""))
            return plain(failed.status, failed.message)
        return SearchFeed()(request, search=FollowedSearch(form, newest))
