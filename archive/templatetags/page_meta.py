"""What a page tells browsers, search engines, link previews and reference managers about
itself (base.html): the title and description written once, used by <title>, the meta
description and OpenGraph; an article's citation metadata."""

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from archive import citing

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # The rendered text is escaped already (it is template output): safe to print again.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: the output, blocks included, kept in ``name``
    (one page's title block becomes <title> and og:title) instead of printed."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.filter
def summary(value, length=100) -> str:
    """Plain text for a description: paragraphs (a list, or text) run together, whitespace
    collapsed, cut to ``length`` characters with an ellipsis."""
    if isinstance(value, (list, tuple)):
        value = "".join(str(part).strip() for part in value)
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return Truncator(text).chars(int(length), truncate="…")


@register.simple_tag(takes_context=True)
def citation_meta(context, article) -> str:
    """Highwire Press ``citation_*`` tags (Google Scholar, Zotero, Mendeley) for an article.

    No ``citation_journal_title``: Zotero's Embedded Metadata translator takes that tag for a
    journal article whatever else the page says. Zotero saves a newspaper article from
    ``DC.type`` = ``newspaperArticle`` and the newspaper's title from ``prism.publicationName``
    (its RDF translator); the page is the label the file name printed (``citation_firstpage``),
    left out when ingest numbered the page."""
    facts = citing.article_facts(article)
    issue = facts.issue
    address = context["request"].build_absolute_uri(article.get_absolute_url())
    tags = [("citation_title", article.title or article.kicker),
            *(("citation_author", name) for name in facts.authors)]
    if issue.date:
        tags += [("citation_publication_date", f"{issue.date:%Y/%m/%d}"), ("citation_date", f"{issue.date:%Y/%m/%d}")]
    tags += [("citation_firstpage", issue.page), ("citation_language", "zh"), ("citation_public_url", address),
             ("citation_abstract_html_url", address), ("DC.type", "newspaperArticle"),
             ("prism.publicationName", issue.newspaper)]
    meta = format_html_join("\n  ", '<meta name="{}" content="{}">', [(name, value) for name, value in tags if value])
    if article.section:
        meta += format_html('\n  <meta property="article:section" content="{}">', article.section.name)
    return meta
