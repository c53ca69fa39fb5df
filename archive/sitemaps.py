import bisect
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from .models import Article, DayCount, Page, Person, Section


SITEMAP_PAGE = 500  # addresses a sitemap page lists: writing each costs ~0.1 ms


class KeyRangePaginator(Paginator):
    """Sitemap pages by blocks of primary key: page N lists the rows whose key falls in the Nth
    block of ``per_page`` keys (fewer, where rows were deleted). Finding a page is a range read
    of the key, however deep: an OFFSET would walk every row before it (SQLite reads them whole)."""

    @cached_property
    def num_pages(self) -> int:
        last = self.object_list.order_by("-pk").values_list("pk", flat=True).first() or 0
        return max(1, -(-last // self.per_page))

    @cached_property
    def count(self) -> int:  # not shown anywhere; Paginator asks for it
        return self.num_pages * self.per_page

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        rows = list(self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page))
        return self._get_page(rows, number, self)


class LargeSitemap(Sitemap):
    """A sitemap of the archive's own rows: 500 to a page (a page of it costs what 500
    addresses cost to write, whatever the archive holds), and not asked for its newest lastmod
    in the index (Django would compute that by loading every row)."""

    changefreq = "yearly"
    limit = SITEMAP_PAGE

    def get_latest_lastmod(self):
        return None

    @property
    def paginator(self):
        return KeyRangePaginator(self._items(), self.limit)


class ArticleSitemap(LargeSitemap):
    """Rows of the five values an address and its lastmod need, not articles: making 500
    articles and their pages was half of a sitemap page's cost."""

    def items(self):
        return (Article.objects.order_by("pk")
                .values_list("pk", "edited_at", "page__date", "page__label", "page__updated_at", named=True))

    def location(self, row):
        return Page.article_address(row.page__date, row.page__label, row.pk)

    def lastmod(self, row):
        return row.edited_at or row.page__updated_at


class PageSitemap(LargeSitemap):
    def items(self):
        return Page.objects.order_by("pk").only("pk", "date", "label", "source", "updated_at")

    def lastmod(self, page):
        return page.updated_at


class SectionSitemap(LargeSitemap):
    changefreq = "weekly"  # their lists grow as the archive does

    def items(self):
        return Section.objects.order_by("pk").only("pk")


class PersonSitemap(SectionSitemap):
    def items(self):
        return Person.objects.order_by("pk").only("pk")


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["archive:home", "archive:dates", "archive:sections", "archive:people", "archive:photos"]

    def location(self, name):
        return reverse(name)


class CountedEntries:
    """A sitemap's entries as its paginator sees them: their number from a count query, the
    entries themselves computed only when a page of them is asked for — so the sitemap index
    (which needs only how many pages there are) never computes them."""

    def __init__(self, sitemap, count):
        self.sitemap, self.count = sitemap, count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.sitemap.entries[index]


class CountedSitemap(Sitemap):
    """Entries computed in Python from a few queries, counted by a query for the index; no
    ``lastmod`` in the index (it would need every entry)."""

    limit = SITEMAP_PAGE

    def items(self):
        return self.entries

    def get_latest_lastmod(self):
        return None

    @property
    def paginator(self):
        return Paginator(CountedEntries(self, self.count), self.limit)


class DateSitemap(CountedSitemap):
    """The date archive: each year, month and day that has items (/dates/2023/4/17/).

    Two queries, neither of which reads an item: the days come from the day counts kept on
    write (``DayCount``, one row per day with items), ``lastmod`` from one GROUP BY over the
    pages' indexed date (one row per issue): a day's items were last re-ingested with the first
    issue on or after that day, which printed them."""

    changefreq = "monthly"

    @cached_property
    def days(self) -> list:
        """The days with items, read once for the count and the entries alike."""
        return sorted(DayCount.objects.values_list("date", flat=True))

    def count(self) -> int:
        """Days, months and years with items, counted here (SQLite truncates dates in a Python
        function per row: slower)."""
        return len(self.days) + len({(d.year, d.month) for d in self.days}) + len({d.year for d in self.days})

    @cached_property
    def entries(self) -> list:
        """Computed once for a page of them."""
        issues = dict(issue_updates())
        issue_dates = sorted(issues)
        latest = max(issues.values(), default=None)

        def updated(day):
            here = bisect.bisect_left(issue_dates, day)
            return issues[issue_dates[here]] if here < len(issue_dates) else latest

        entries = {}  # (year,), (year, month), (year, month, day) → lastmod: the newest of its days
        for day in self.days:
            for key in [(day.year,), (day.year, day.month), (day.year, day.month, day.day)]:
                entries[key] = max(filter(None, [entries.get(key), updated(day)]), default=None)
        return list(entries.items())

    def location(self, entry):
        name = {1: "archive:year", 2: "archive:month", 3: "archive:day"}[len(entry[0])]
        return reverse(name, args=entry[0])

    def lastmod(self, entry):
        return entry[1]


class IssueSitemap(CountedSitemap):
    """Each day's paper (/issues/2023-04-17/): one GROUP BY over the pages' indexed date."""

    changefreq = "yearly"

    @staticmethod
    def count() -> int:
        return Page.objects.exclude(date=None).values("date").distinct().count()

    @cached_property
    def entries(self) -> list:
        return issue_updates()

    def location(self, issue):
        return reverse("archive:issue", args=[issue[0]])

    def lastmod(self, issue):
        return issue[1]


def issue_updates() -> list[tuple]:
    """(issue date, when one of its pages was last ingested), oldest first: read from the
    ``page_updates`` index alone (the page rows hold their text: a scan of them is slow)."""
    return list(Page.objects.exclude(date=None).values_list("date").annotate(Max("updated_at")).order_by("date"))


SITEMAPS = {"static": StaticSitemap, "pages": PageSitemap, "articles": ArticleSitemap, "sections": SectionSitemap,
            "people": PersonSitemap, "dates": DateSitemap, "issues": IssueSitemap}
