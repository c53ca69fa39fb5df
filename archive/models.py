"""What the archive stores: pages as ingested, and the articles and photos printed on them.

Reading order on a page: ``Article.position`` and the ``position`` of stand-alone photos share
one sequence per page. A photo inside an article has ``article`` set and its ``position``
counts the body blocks (paragraphs and subheadings) printed above it.
"""

from django.db import models
from django.db.models import Count, Prefetch
from django.urls import reverse

from . import body


class Role(models.TextChoices):
    REPORTER = "reporter", "记者"
    CORRESPONDENT = "correspondent", "通讯员"
    PHOTOGRAPHER = "photographer", "摄影"


class PageQuerySet(models.QuerySet):
    def with_items(self):
        return self.prefetch_related(
            Prefetch("articles", queryset=Article.objects.for_display()),
            Prefetch("photos", queryset=PhotoCaption.objects.standalone().for_display()),
        )


class Page(models.Model):
    source = models.CharField("来源文件", max_length=255, unique=True)
    content_hash = models.CharField("内容哈希", max_length=64)
    raw_text = models.TextField("原文")
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    year_inferred = models.BooleanField("年份系推断", default=True)
    date = models.DateField("日期", null=True, blank=True, help_text="版面上最新的稿件日期")
    ingested_at = models.DateTimeField("首次导入", auto_now_add=True)
    updated_at = models.DateTimeField("最近导入", auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "版面"
        ordering = ["-date", "source"]

    def __str__(self):
        return self.source

    def get_absolute_url(self):
        return reverse("archive:page", args=[self.pk])


class SectionQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(article_count=Count("articles")).order_by("-article_count", "name")


class Section(models.Model):
    name = models.CharField("名称", max_length=200, unique=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "栏目"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:section", args=[self.pk])


class Person(models.Model):
    name = models.CharField("姓名", max_length=100, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "作者"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:person", args=[self.pk])


class ArticleQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("page", "section").prefetch_related(
            Prefetch("contributions", queryset=ArticleContribution.objects.select_related("person")),
            Prefetch("photos", queryset=PhotoCaption.objects.for_display()),
        )

    def newest_first(self):
        return self.order_by(models.F("date").desc(nulls_last=True), "-page__date", "page_id", "position")

    def by_person(self, person):
        return self.filter(contributions__person=person).distinct()

    def edited(self):
        return self.filter(edited_at__isnull=False)


class Article(models.Model):
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

    def __str__(self):
        return self.title or self.kicker or f"{self.page} #{self.position}"

    def get_absolute_url(self):
        return reverse("archive:article", args=[self.pk])

    def blocks(self):
        return body.split_blocks(self.body)

    def paragraphs(self):
        return [b.text for b in self.blocks() if b.kind == body.PARAGRAPH]

    def subheadings(self):
        return [b.text for b in self.blocks() if b.kind == body.SUBHEADING]

    def names(self, role):
        """Names in printed order; reads the prefetched contributions when there are some."""
        return [c.person.name for c in self.contributions.all() if c.role == role]


class PhotoQuerySet(models.QuerySet):
    def standalone(self):
        return self.filter(article__isnull=True)

    def for_display(self):
        return self.select_related("page", "article").prefetch_related(
            Prefetch("contributions", queryset=PhotoContribution.objects.select_related("person"))
        )


class PhotoCaption(models.Model):
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

    def __str__(self):
        return self.caption[:40]

    def get_absolute_url(self):
        if self.article_id:
            return f"{self.article.get_absolute_url()}#photo-{self.pk}"
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
