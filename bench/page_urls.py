"""One address of each page kind the scale targets name, chosen from the middle of the archive
(not its first rows, which are the cheapest to reach): run with the archive's environment.

    python -m bench.page_urls     → prints one JSON object {kind: path}
"""

import json
import os
from urllib.parse import urlencode

COMMON_WORD = "记者"  # in nearly every byline: the search that matches most of the archive


def page_urls() -> dict[str, str]:
    from django.db.models import Count
    from django.urls import reverse

    from archive.models import Article, DayCount, Page, Person, Section
    from archive.sitemaps import ArticleSitemap

    SITEMAP_LIMIT = ArticleSitemap.limit

    middle_day = DayCount.objects.order_by("date")[DayCount.objects.count() // 2].date
    page = Page.objects.filter(date__gte=middle_day).order_by("date", "sequence").first()
    article = Article.objects.select_related("page").filter(page=page).order_by("position").first()
    section = Section.objects.order_by("-article_count").first()  # the largest: its list costs most
    person = (Person.objects.annotate(n=Count("articlecontribution")).order_by("-n").first())
    return {
        "home": "/",
        "pages": reverse("archive:pages"),
        "page": page.get_absolute_url(),
        "page_text": page.get_text_url(),
        "issue": reverse("archive:issue", args=[page.date]),
        "article": article.get_absolute_url(),
        "dates": reverse("archive:dates"),
        "year": reverse("archive:year", args=[middle_day.year]),
        "month": reverse("archive:month", args=[middle_day.year, middle_day.month]),
        "day": reverse("archive:day", args=[middle_day.year, middle_day.month, middle_day.day]),
        "sections": reverse("archive:sections"),
        "section": section.get_absolute_url(),
        "people": reverse("archive:people"),
        "person": person.get_absolute_url(),
        "photos": reverse("archive:photos"),
        "feed_latest": reverse("archive:feed-latest"),
        "feed_section": reverse("archive:feed-section", args=[section.pk]),
        "sitemap_index": "/sitemap.xml",
        "sitemap_page": f"/sitemap-articles.xml?p={Article.objects.count() // SITEMAP_LIMIT // 2 + 1}",  # the middle one
        "api_pages": reverse("archive:api-pages") + "?page=2",
        "api_article": reverse("archive:api-article", args=[article.pk]),
        "search": "/search/?" + urlencode({"q": COMMON_WORD}),
        "search_newest": "/search/?" + urlencode({"q": COMMON_WORD, "sort": "newest"}),
        # the research tools (issue 14): a headline field, compare mode, the advanced form, the
        # article's related reports (its own page: the article page fetches it), a search's feed
        "search_title": "/search/?" + urlencode({"q": f"标题:{title_word(article.title)}"}),
        "search_compare": "/search/?" + urlencode({"q": f"{COMMON_WORD} | 通讯员"}),
        "advanced": reverse("search:advanced"),
        "related": reverse("search:related", args=[article.pk]),
        "search_feed": reverse("search:feed") + "?" + urlencode({"q": COMMON_WORD}),
    }


def title_word(title: str) -> str:
    """The first word of two or more characters in a title (jieba), for a headline search."""
    import rjieba

    return next((w for w in rjieba.cut(title) if len(w) >= 2 and w.isalnum()), title[:2])


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(page_urls(), ensure_ascii=False))
