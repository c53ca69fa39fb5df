from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Page, Person, Section


class ArticleSitemap(Sitemap):
    changefreq = "yearly"
    limit = 5000

    def items(self):
        return Article.objects.select_related("page").defer("page__raw_text", "body").order_by("pk")

    def lastmod(self, article):
        return article.edited_at or article.page.updated_at


class PageSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Page.objects.without_text().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


class ListingSitemap(Sitemap):
    """Sections and people: their pages grow as the archive does."""

    changefreq = "weekly"

    def items(self):
        return [*Section.objects.order_by("pk"), *Person.objects.order_by("pk")]


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["archive:home", "archive:dates", "archive:sections", "archive:people", "archive:photos"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"static": StaticSitemap, "pages": PageSitemap, "articles": ArticleSitemap, "listings": ListingSitemap}
