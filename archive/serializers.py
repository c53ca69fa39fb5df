"""Plain-dict shapes of the stored items, shared by the JSON API and anything else that exports."""

from . import citing
from .models import Article, Page, PhotoCaption, Role


def _date(value):
    return value.isoformat() if value else None


def photo_json(photo: PhotoCaption) -> dict:
    return {
        "type": "photo",
        "id": photo.pk,
        "caption": photo.caption,
        "description": photo.description,
        "credit": photo.credit,
        "photographers": photo.photographers(),
        "date": _date(photo.date),
        "shown_date": _date(photo.shown_date),
    }


def article_json(article: Article) -> dict:
    return {
        "type": "article",
        "id": article.pk,
        "url": article.get_absolute_url(),
        "page": article.page.source,
        "section": article.section.name if article.section else None,
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "reporters": article.names(Role.REPORTER),
        "correspondents": article.names(Role.CORRESPONDENT),
        "date": _date(article.date),  # its dateline's; null when it printed none
        "date_inferred": article.date_inferred,
        "shown_date": _date(article.shown_date),  # the one date the site shows: else the page's
        "subheadings": article.subheadings(),
        "body": "\n\n".join(article.paragraphs()),
        "blocks": [{"type": b.kind, "text": b.text} for b in article.blocks()],
        "photos": [photo_json(p) | {"position": p.position} for p in article.photos.all()],
        "citation": citing.article_citations(article),  # {"gbt7714", "apa", "mla"}: as its page shows them
    }


def page_json(page: Page) -> dict:
    return {
        "id": page.pk,
        "source": page.source,
        "name": page.name,
        "date": _date(page.date),
        "date_source": page.date_source,
        "label": page.label,
        "url": page.get_absolute_url(),
        "citation": citing.page_citations(page),
        "items": [photo_json(i) if isinstance(i, PhotoCaption) else article_json(i) for i in page.items()],
    }
