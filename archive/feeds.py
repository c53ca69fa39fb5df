"""Atom feeds: the newest articles, and the newest of one section."""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .middleware import visible_bidi
from .models import Article, Role, Section

FEED_ITEMS = 30
# Characters XML 1.0 forbids (C0 controls but tab and newlines, surrogates, U+FFFE/U+FFFF): a page
# may carry them (a form feed from a scanner), and one in a feed item made the whole feed fail.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as a feed carries it: each character XML forbids becomes a space and each that
    reorders text is written out (``[U+202E]``), the rest verbatim (the page's own text view
    keeps the original)."""
    return visible_bidi(XML_FORBIDDEN.sub(" ", text))


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "昌吉报纸档案 · 最新稿件"
    subtitle = "档案中最新的稿件"

    def link(self):
        return reverse("archive:home")

    def articles(self):
        return Article.objects.for_display().newest_first()

    def items(self):
        return self.articles()[:FEED_ITEMS]

    def item_title(self, item):
        return xml_text(item.title or item.kicker or "(无标题)")

    def item_description(self, item):
        # Plain text; the feed generator escapes it.
        paragraphs = item.paragraphs()
        return xml_text(paragraphs[0]) if paragraphs else ""

    def item_pubdate(self, item):
        when = item.shown_date
        if when is None:
            return item.page.ingested_at
        return timezone.make_aware(datetime.datetime.combine(when, datetime.time(6)))

    def item_updateddate(self, item):
        return item.edited_at or item.page.updated_at

    def item_author_name(self, item):
        return xml_text("、".join(item.names(Role.REPORTER) + item.names(Role.CORRESPONDENT))) or None

    def item_categories(self, item):
        return [xml_text(item.section.name)] if item.section else []


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Section, pk=pk)

    def title(self, section):
        return xml_text(f"昌吉报纸档案 · {section.name}")

    def subtitle(self, section):
        return xml_text(f"栏目“{section.name}”的最新稿件")

    def link(self, section):
        return section.get_absolute_url()

    def items(self, section):
        return self.articles().filter(section=section)[:FEED_ITEMS]
