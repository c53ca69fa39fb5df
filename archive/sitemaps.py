import bisect

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, Page, Person, PhotoCaption, Section


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


class DateSitemap(Sitemap):
    """The date archive: each year, month and day that has items (/dates/2023/4/17/).

    Cost, whatever the size of the archive: five queries, none of which loads an item. The days
    are SELECT DISTINCT queries (``QuerySet.dates()``), one row back per day: an item is shown on
    its own date, else on its page's (``DayView``), for articles and stand-alone photos alike,
    so four of them. ``Page.date`` is indexed; ``Article.date`` and ``PhotoCaption.date`` are not,
    so those two are one pass over a narrow column (ten years of daily issues: ~3,650 rows
    back). ``lastmod`` comes from one GROUP BY over the pages (one row per issue date): a day's
    items were last re-ingested with the first issue on or after that day, which printed them."""

    changefreq = "monthly"

    def items(self):
        days = set()
        for items in (Article.objects.all(), PhotoCaption.objects.standalone()):
            days.update(items.dates("date", "day"))
            days.update(items.filter(date=None).dates("page__date", "day"))
        issues = dict(Page.objects.exclude(date=None).values_list("date").annotate(Max("updated_at")).order_by())
        issue_dates = sorted(issues)
        latest = max(issues.values(), default=None)

        def updated(day):
            here = bisect.bisect_left(issue_dates, day)
            return issues[issue_dates[here]] if here < len(issue_dates) else latest

        entries = {}  # (year,), (year, month), (year, month, day) → lastmod: the newest of its days
        for day in sorted(days):
            for key in [(day.year,), (day.year, day.month), (day.year, day.month, day.day)]:
                entries[key] = max(filter(None, [entries.get(key), updated(day)]), default=None)
        return list(entries.items())

    def location(self, entry):
        name = {1: "archive:year", 2: "archive:month", 3: "archive:day"}[len(entry[0])]
        return reverse(name, args=entry[0])

    def lastmod(self, entry):
        return entry[1]


class IssueSitemap(Sitemap):
    """Each day's paper (/issues/2023-04-17/): one GROUP BY over the pages' indexed date."""

    changefreq = "yearly"

    def items(self):
        return list(Page.objects.exclude(date=None).values_list("date").annotate(Max("updated_at")).order_by("date"))

    def location(self, issue):
        return reverse("archive:issue", args=[issue[0]])

    def lastmod(self, issue):
        return issue[1]


SITEMAPS = {"static": StaticSitemap, "pages": PageSitemap, "articles": ArticleSitemap, "listings": ListingSitemap,
            "dates": DateSitemap, "issues": IssueSitemap}
