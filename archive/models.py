"""What the archive stores: pages as ingested, and the articles and photos printed on them.

Reading order on a page: ``Article.position`` and the ``position`` of stand-alone photos share
one sequence per page. A photo inside an article has ``article`` set and its ``position``
counts the body blocks (paragraphs and subheadings) printed above it.
"""

from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from . import body


class Role(models.TextChoices):
    REPORTER = "reporter", "记者"
    CORRESPONDENT = "correspondent", "通讯员"
    PHOTOGRAPHER = "photographer", "摄影"


class PageQuerySet(models.QuerySet):
    def without_text(self):
        """Pages as listed and browsed: the source text (kilobytes a page) is only for its own view."""
        return self.defer("raw_text")

    def with_items(self):
        return self.without_text().prefetch_related(
            Prefetch("articles", queryset=Article.objects.for_display()),
            Prefetch("photos", queryset=PhotoCaption.objects.standalone().for_display()),
        )

    def with_lead(self):
        """Each page with what names it beside its date: its first article's rubric and title
        (one indexed lookup per page: (page, position) is unique)."""
        first = Article.objects.filter(page=OuterRef("pk")).order_by("position")
        return self.annotate(lead_title=Subquery(first.values("title")[:1]),
                             lead_rubric=Subquery(first.values("section__name")[:1]))

    def newest_first(self):
        return self.order_by(F("date").desc(nulls_last=True), "sequence", "source")

    def issue(self, day):
        return self.filter(date=day).order_by("sequence", "source")

    def preceding(self, page):
        """The page read before ``page``: earlier in its issue, else the last of the issue before."""
        return self._neighbour(page, "lt", "-")

    def following(self, page):
        return self._neighbour(page, "gt", "")

    def _neighbour(self, page, side: str, order: str):
        """Two indexed lookups (``page_in_issue``), however large the archive; undated pages
        follow one another by source name."""
        if page.date is None:
            return self.filter(date=None, **{f"source__{side}": page.source}).order_by(f"{order}source").first()
        same_issue = self.filter(date=page.date, **{f"sequence__{side}": page.sequence}).order_by(f"{order}sequence")
        return same_issue.first() or self.filter(**{f"date__{side}": page.date}).order_by(
            f"{order}date", f"{order}sequence").first()


class DateSource(models.TextChoices):
    """Where a page's date was read, most trusted first (see ``archive/placement.py``)."""

    PATH = "path", "文件路径"
    OPTION = "option", "导入参数 --date"
    DATELINE = "dateline", "版面电头"
    MENTION = "mention", "版面提及的日期"
    NONE = "", "无"


class Page(models.Model):
    source = models.CharField("来源文件", max_length=255, unique=True)
    content_hash = models.CharField("内容哈希", max_length=64, db_index=True)
    origin = models.CharField("导入自", max_length=1000, blank=True, help_text="最近一次导入时读取的文件")
    raw_text = models.TextField("原文")
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    year_inferred = models.BooleanField("年份系推断", default=True)
    date = models.DateField("日期", null=True, blank=True, help_text="出版日期(期)")
    date_source = models.CharField("日期来源", max_length=10, choices=DateSource.choices, blank=True)
    label = models.CharField("版次", max_length=16, blank=True, help_text="版面在当期的名称,如“1”或“A01”")
    sequence = models.PositiveIntegerField("版序", default=0, help_text="当期各版的排列顺序")
    ingested_at = models.DateTimeField("首次导入", auto_now_add=True)
    updated_at = models.DateTimeField("最近导入", auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "版面"
        ordering = ["-date", "sequence", "source"]
        indexes = [
            models.Index(fields=["-date", "sequence", "source"], name="page_newest"),
            models.Index(fields=["date", "sequence"], name="page_in_issue"),
            models.Index(fields=["date", "updated_at"], name="page_updates"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["date", "label"], condition=models.Q(date__isnull=False),
                                    name="page_label_unique_in_issue"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """A page as a reader names it: its issue's date and its label (2023年4月17日 第1版)."""
        if self.date and self.label:
            return f"{self.date.year}年{self.date.month}月{self.date.day}日 {self.label_name}"
        return self.source

    @property
    def label_name(self) -> str:
        """第1版; A02版 (a label with a letter is said as printed)."""
        return f"第{self.label}版" if self.label.isdigit() else f"{self.label}版"

    @property
    def date_inferred(self) -> bool:
        """Whether the year of the page's date was guessed (read from datelines without a year)."""
        return bool(self.date and self.year_inferred and self.date_source in (DateSource.DATELINE, DateSource.MENTION))

    @property
    def has_address(self) -> bool:
        """Whether the page has a readable address (by issue date and label)."""
        return bool(self.date and self.label)

    @classmethod
    def from_db(cls, db, field_names, values):
        page = super().from_db(db, field_names, values)
        page.loaded_date = dict(zip(field_names, values)).get("date")
        return page

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding and getattr(self, "loaded_date", None) != self.date:  # only a moved page moves its items
            self.sync_item_dates()
        self.loaded_date = self.date

    def sync_item_dates(self) -> None:
        """Its items' ``shown_date``: their own date, else this page's (two UPDATEs of its items)."""
        page_date = models.Value(self.date, output_field=models.DateField())
        for items in (self.articles, self.photos):
            items.update(shown_date=Coalesce("date", page_date))

    def get_absolute_url(self):
        if self.has_address:
            return reverse("archive:issue-page", args=[self.date, self.label])
        return reverse("archive:page", args=[self.pk])

    def get_text_url(self):
        if self.has_address:
            return reverse("archive:issue-page-text", args=[self.date, self.label])
        return reverse("archive:page-text", args=[self.pk])

    def article_url(self, article_id: int) -> str:
        return self.article_address(self.date, self.label, article_id)

    @staticmethod
    def article_address(date, label: str, article_id: int) -> str:
        """An article's address from its page's date and label (the sitemap has no rows)."""
        if date and label:
            return reverse("archive:issue-article", args=[date, label, article_id])
        return reverse("archive:article", args=[article_id])

    def items(self):
        """Articles and stand-alone photos in reading order (uses ``with_items`` prefetches)."""
        standalone = [p for p in self.photos.all() if p.article_id is None]
        return sorted([*self.articles.all(), *standalone], key=lambda item: item.position)


class SectionQuerySet(models.QuerySet):
    def with_counts(self):
        """Largest first; ``article_count`` is kept up to date on write (``archive/counts.py``)."""
        return self.filter(article_count__gt=0).order_by("-article_count", "name")


class Section(models.Model):
    name = models.CharField("名称", max_length=200, unique=True)
    article_count = models.PositiveIntegerField("稿件数", default=0, editable=False)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "栏目"
        ordering = ["name"]
        indexes = [models.Index(fields=["-article_count", "name"], name="section_largest")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:section", args=[self.pk])


class PersonQuerySet(models.QuerySet):
    def with_counts(self):
        def role_count(role):
            return Count("articlecontribution", filter=models.Q(articlecontribution__role=role), distinct=True)

        return self.annotate(
            reporter_count=role_count(Role.REPORTER),
            correspondent_count=role_count(Role.CORRESPONDENT),
            photo_count=Count("photocontribution", distinct=True),
        )


class Person(models.Model):
    name = models.CharField("姓名", max_length=100, unique=True)
    # Pinyin order (``archive/people.py``), read from an index: set on save, and explicitly
    # where people are bulk-created (ingest), which skips ``save``.
    sort_key = models.CharField("拼音排序", max_length=255, editable=False, default="")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "作者"
        ordering = ["sort_key", "name"]
        indexes = [models.Index(fields=["sort_key", "name"], name="person_pinyin_order")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .people import sort_key  # people.py works on these models

        self.sort_key = sort_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:person", args=[self.pk])


class DatedItem(models.Model):
    """An article or a photo, with the one date a reader sees for it: its own (its dateline),
    else its page's. The same on the item's page, in lists, in search results and in feeds.

    It is stored (``shown_date``), not computed in each query, so that "newest first" and "on
    this day" read an index however large the archive: ``save`` sets it, ingest writes it for a
    whole page (``Page.sync_item_dates``), and ``archive/counts.py`` counts items by it."""

    shown_date = models.DateField("显示日期", null=True, blank=True, editable=False,
                                  help_text="稿件自身的日期,未印日期时为版面日期")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        item = super().from_db(db, field_names, values)
        item.loaded = dict(zip(field_names, values))  # what a save may move away from (archive/counts.py)
        return item

    def save(self, *args, **kwargs):
        self.shown_date = self.date or (self.page.date if self.page_id else None)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "shown_date"}
        super().save(*args, **kwargs)

    @property
    def date_is_page_date(self) -> bool:
        return not self.date and bool(self.page.date)

    @property
    def shown_date_inferred(self) -> bool:
        return self.date_inferred if self.date else self.page.date_inferred


class DatedQuerySet(models.QuerySet):
    """Orders and filters by ``shown_date``, through the ``*_newest`` indexes."""

    def newest_first(self):
        return self.order_by(F("shown_date").desc(nulls_last=True), "page", "position")

    def on_day(self, day):
        return self.filter(shown_date=day)


class ArticleQuerySet(DatedQuerySet):
    def for_display(self):
        """An article's own page: what a listing shows, and its body and photos."""
        return self.for_listing().defer(None).defer("page__raw_text").prefetch_related(
            Prefetch("photos", queryset=PhotoCaption.objects.for_display()))

    def for_listing(self):
        """What a list of article summaries shows (``includes/article_summary.html``): heads,
        section, date and byline — not the body or the photos, which ``for_display`` fetches
        for an article's own page (on a day's list they were most of its rows)."""
        return self.for_results().defer("body", "source_line").prefetch_related(
            Prefetch("contributions", queryset=ArticleContribution.objects.select_related("person")))

    def for_results(self):
        """What a search result shows: no bylines or photos, which ``for_display`` fetches."""
        return self.select_related("page", "section").defer("page__raw_text")

    def by_person(self, person, role=None):
        contributions = ArticleContribution.objects.filter(person=person)
        if role:
            contributions = contributions.filter(role=role)
        return self.filter(pk__in=contributions.values("article"))

    def edited(self):
        return self.filter(edited_at__isnull=False)


class Article(DatedItem):
    page = models.ForeignKey(Page, models.CASCADE, related_name="articles", verbose_name="版面")
    position = models.PositiveIntegerField("版面顺序")
    section = models.ForeignKey(
        Section, models.SET_NULL, null=True, blank=True, related_name="articles", verbose_name="栏目"
    )
    kicker = models.CharField("引题", max_length=500, blank=True)
    title = models.CharField("主题", max_length=500, blank=True)
    subtitle = models.CharField("副题", max_length=500, blank=True)
    byline = models.CharField("署名", max_length=500, blank=True, help_text="如版面所印,例如“本报讯 记者刘茜报道:”")
    date = models.DateField("日期", null=True, blank=True)
    date_inferred = models.BooleanField("年份系推断", default=False)
    body = models.TextField("正文", blank=True, help_text=body.HELP_TEXT)
    source_line = models.PositiveIntegerField("原文行号", default=0)
    edited_at = models.DateTimeField("后台修改时间", null=True, blank=True, editable=False)
    people = models.ManyToManyField(Person, through="ArticleContribution", related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "稿件"
        ordering = ["page", "position"]
        constraints = [models.UniqueConstraint(fields=["page", "position"], name="article_position_unique")]
        indexes = [
            models.Index(fields=["-shown_date", "page", "position"], name="article_newest"),
            models.Index(fields=["section", "-shown_date", "page", "position"], name="article_section_newest"),
        ]

    def __str__(self):
        return self.title or self.kicker or f"{self.page} #{self.position}"

    def get_absolute_url(self):
        return self.page.article_url(self.pk)

    def blocks(self):
        return body.split_blocks(self.body)

    def paragraphs(self):
        return [b.text for b in self.blocks() if b.kind == body.PARAGRAPH]

    def subheadings(self):
        return [b.text for b in self.blocks() if b.kind == body.SUBHEADING]

    def layout(self):
        """(kind, value) blocks: paragraphs and subheadings, with photos where the page printed them."""
        photos = sorted(self.photos.all(), key=lambda p: p.position)
        blocks = self.blocks()
        layout = []
        for index, block in enumerate(blocks):
            layout += [("photo", p) for p in photos if p.position == index]
            layout.append((block.kind, block.text))
        return layout + [("photo", p) for p in photos if p.position >= len(blocks)]

    def names(self, role):
        """Names in printed order; reads the prefetched contributions when there are some."""
        return [c.person.name for c in self.contributions.all() if c.role == role]


class RemovedArticle(models.Model):
    """An article a corrected page no longer prints. Its address stays answered: it leads to
    the page it was on (or says it is gone, when the page is gone too)."""

    article_id = models.BigIntegerField("原稿件编号", unique=True)
    page = models.ForeignKey(Page, models.SET_NULL, null=True, blank=True, verbose_name="版面")
    title = models.CharField("标题", max_length=500, blank=True)
    removed_at = models.DateTimeField("删除时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已删除的稿件"

    def __str__(self):
        return f"{self.article_id} {self.title}"

    @classmethod
    def record(cls, articles) -> None:
        cls.objects.bulk_create([cls(article_id=a.pk, page_id=a.page_id, title=str(a)) for a in articles],
                                ignore_conflicts=True)


class FormerPageAddress(models.Model):
    """A date and page label a page was once published under: a correction that moves a page
    to another date or place in the issue leaves its old address leading to it."""

    date = models.DateField("日期")
    label = models.CharField("版次", max_length=16)
    page = models.ForeignKey(Page, models.CASCADE, related_name="former_addresses", verbose_name="版面")

    class Meta:
        verbose_name = verbose_name_plural = "版面旧地址"
        constraints = [models.UniqueConstraint(fields=["date", "label"], name="former_page_address_unique")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} 第{self.label}版 → {self.page}"


class PhotoQuerySet(DatedQuerySet):
    def standalone(self):
        return self.filter(article__isnull=True)

    def for_display(self):
        return self.select_related("page", "article").defer("page__raw_text", "article__body").prefetch_related(
            Prefetch("contributions", queryset=PhotoContribution.objects.select_related("person"))
        )

    def for_results(self):
        return self.select_related("page", "article__section").defer("page__raw_text", "article__body")

    def by_person(self, person):
        return self.filter(pk__in=PhotoContribution.objects.filter(person=person).values("photo"))


class PhotoCaption(DatedItem):
    page = models.ForeignKey(Page, models.CASCADE, related_name="photos", verbose_name="版面")
    article = models.ForeignKey(
        Article, models.CASCADE, null=True, blank=True, related_name="photos", verbose_name="所属稿件"
    )
    position = models.PositiveIntegerField("位置", help_text="独立图片:版面顺序;稿件内图片:其上方的正文段数")
    caption = models.TextField("图片说明")
    description = models.TextField("说明文字", blank=True)
    credit = models.CharField("署名", max_length=200, blank=True, help_text="如版面所印,例如“本报记者 何龙 摄”")
    date = models.DateField("日期", null=True, blank=True)
    date_inferred = models.BooleanField("年份系推断", default=False)
    source_line = models.PositiveIntegerField("原文行号", default=0)
    edited_at = models.DateTimeField("后台修改时间", null=True, blank=True, editable=False)
    people = models.ManyToManyField(Person, through="PhotoContribution", related_name="photos")

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "图片"
        ordering = ["page", "article", "position"]
        indexes = [models.Index(fields=["-shown_date", "page", "position"], name="photo_newest")]

    def __str__(self):
        return self.caption[:40]

    def get_absolute_url(self):
        if self.article_id:  # the article is on the same page, which is already loaded
            return f"{self.page.article_url(self.article_id)}#photo-{self.pk}"
        return f"{self.page.get_absolute_url()}#photo-{self.pk}"

    def photographers(self):
        return [c.person.name for c in self.contributions.all()]


class Contribution(models.Model):
    person = models.ForeignKey(Person, models.PROTECT, verbose_name="作者")
    role = models.CharField("身份", max_length=20, choices=Role.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self):
        return f"{self.get_role_display()} {self.person}"


class ArticleContribution(Contribution):
    article = models.ForeignKey(Article, models.CASCADE, related_name="contributions")

    class Meta(Contribution.Meta):
        verbose_name = verbose_name_plural = "稿件署名"


class PhotoContribution(Contribution):
    photo = models.ForeignKey(PhotoCaption, models.CASCADE, related_name="contributions")

    class Meta(Contribution.Meta):
        verbose_name = verbose_name_plural = "图片署名"


class PersonAlias(models.Model):
    """Another printing of a person's name (苻苻·马汗 for 荷苒·马汗): bylines that print it credit
    the person, and, when it was a person of its own merged into this one, that person's
    address (``former_id``) leads here."""

    name = models.CharField("别名", max_length=100, unique=True)
    person = models.ForeignKey(Person, models.CASCADE, related_name="aliases", verbose_name="作者")
    former_id = models.BigIntegerField("原作者编号", null=True, blank=True, unique=True, editable=False,
                                       help_text="合并前以此姓名单列时的作者编号;其旧地址转到合并后的作者")

    class Meta:
        verbose_name = verbose_name_plural = "作者别名"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} → {self.person}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if Person.objects.filter(name=self.name).exists():
            raise ValidationError({"name": "已有以此为姓名的作者;请用“合并为同一人”把两人合并。"})


class DayCount(models.Model):
    """How many articles and stand-alone photos each day shows (by ``shown_date``): the figures
    of the calendars and the date index, kept up to date on write (``archive/counts.py``) so
    that no page counts the whole archive."""

    date = models.DateField("日期", primary_key=True)
    articles = models.PositiveIntegerField("稿件", default=0)
    photos = models.PositiveIntegerField("图片", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "每日条数"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}: {self.total}"

    @property
    def total(self) -> int:
        return self.articles + self.photos
