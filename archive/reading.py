"""Where reading goes next from an article: the articles before and after it in the paper's
reading order — on its own page, else the last of the page before or the first of the page
after — and those pages. Indexed lookups only: the page's neighbours (``page_in_issue``), and
an article at one end of a page (``article_position_unique``); no page's articles are listed
but the article's own, which its view has loaded already."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Article, Page

LINK_FIELDS = ("page", "position", "kicker", "title")  # what a link to an article shows


@dataclass
class Neighbours:
    previous_article: Article | None
    next_article: Article | None
    previous_page: Page | None
    next_page: Page | None


def neighbours(article: Article, siblings: list[Article]) -> Neighbours:
    """``siblings``: the articles of its page in reading order (``article`` among them)."""
    pages = Page.objects.without_text()
    previous_page, next_page = pages.preceding(article.page), pages.following(article.page)
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == article.pk)
    return Neighbours(
        previous_article=siblings[index - 1] if index > 0 else end_of(previous_page, "-position"),
        next_article=siblings[index + 1] if index + 1 < len(siblings) else end_of(next_page, "position"),
        previous_page=previous_page,
        next_page=next_page,
    )


def end_of(page: Page | None, order: str) -> Article | None:
    """The first (``position``) or last (``-position``) article of ``page``; the page's own
    manager, so that its ``page`` is that object (its address needs no query)."""
    return page.articles.only(*LINK_FIELDS).order_by(order).first() if page else None
