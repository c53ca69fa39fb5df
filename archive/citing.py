"""What an article's or a page's citation (``archive/citations.py``) is built from: the stored
facts, read from rows the page has loaded already (no query of its own)."""

from __future__ import annotations

from django.conf import settings

from . import citations
from .contributors import byline_names
from .issues import place_from_path
from .models import Article, DateSource, Page

ESTIMATED_DATES = {DateSource.DATELINE, DateSource.MENTION}  # read from the page's own text


def printed_label(page: Page) -> str:
    """The page's label when its file's name printed it (``2023-04-17/A01.txt``); "" when ingest
    numbered the page in the order it came (its file's name says no page), which is no page
    number of the paper's."""
    return page.label if page.label and place_from_path(page.source).label == page.label else ""


def issue_of(page: Page) -> citations.Issue:
    return citations.Issue(
        newspaper=settings.ARCHIVE_NEWSPAPER_TITLE,
        date=page.date,
        date_estimated=bool(page.date) and page.date_source in ESTIMATED_DATES,
        page=printed_label(page),
    )


def authors(article: Article) -> tuple[str, ...]:
    """The names as the byline prints them, in its order (a name merged into another person's
    is still cited as printed); the credited people's names when the byline cannot be read."""
    printed = [name for _role, name in byline_names(article.byline)]
    return tuple(printed or (c.person.name for c in article.contributions.all()))


def article_facts(article: Article) -> citations.ArticleFacts:
    return citations.ArticleFacts(title=article.title or article.kicker, authors=authors(article),
                                  issue=issue_of(article.page))


def article_citations(article: Article) -> dict[str, str]:
    return citations.article_citations(article_facts(article))


def page_citations(page: Page) -> dict[str, str]:
    return citations.page_citations(issue_of(page))


def labelled(cited: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, style's name, citation) in the order a page shows them."""
    return [(key, name, cited[key]) for key, name in citations.STYLES]
