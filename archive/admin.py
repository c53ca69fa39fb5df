from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from .models import (
    Article, ArticleContribution, Page, Person, PhotoCaption, PhotoContribution, RemovedArticle, Section,
)

admin.site.site_header = "昌吉报纸档案 · 管理"
admin.site.site_title = "报纸档案管理"
admin.site.index_title = "内容管理"


class WithoutPageTextMixin:
    """Lists never load a page's source text (kilobytes a row); the change form loads it when shown."""

    text_field = "page__raw_text"

    def get_queryset(self, request):
        return super().get_queryset(request).defer(self.text_field)


class MarksEditedMixin:
    """A staff edit is remembered, so that re-ingesting the page does not silently undo it."""

    def save_model(self, request, obj, form, change):
        obj.edited_at = timezone.now()
        super().save_model(request, obj, form, change)


class ArticleContributionInline(admin.TabularInline):
    model = ArticleContribution
    autocomplete_fields = ["person"]
    extra = 0


class PhotoContributionInline(admin.TabularInline):
    model = PhotoContribution
    autocomplete_fields = ["person"]
    extra = 0


class ArticlePhotoInline(admin.StackedInline):
    model = PhotoCaption
    fields = ["position", "caption", "description", "credit", "date"]
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(WithoutPageTextMixin, MarksEditedMixin, admin.ModelAdmin):
    list_display = ["__str__", "section", "date", "page", "position", "edited_at"]
    list_filter = ["section", "date", ("edited_at", admin.EmptyFieldListFilter)]
    list_select_related = ["section", "page"]
    search_fields = ["title", "kicker", "subtitle", "byline", "body", "people__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["section"]
    readonly_fields = ["page", "position", "source_line", "edited_at"]
    fieldsets = [
        (None, {"fields": ["section", "kicker", "title", "subtitle", "byline", ("date", "date_inferred")]}),
        ("正文", {"fields": ["body"]}),
        ("来源", {"fields": [("page", "position", "source_line"), "edited_at"], "classes": ["collapse"]}),
    ]
    inlines = [ArticleContributionInline, ArticlePhotoInline]

    def save_formset(self, request, form, formset, change):
        # New in-article photos belong to the article's page.
        for obj in formset.save(commit=False):
            if isinstance(obj, PhotoCaption) and not obj.page_id:
                obj.page = form.instance.page
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(PhotoCaption)
class PhotoCaptionAdmin(WithoutPageTextMixin, MarksEditedMixin, admin.ModelAdmin):
    list_display = ["__str__", "credit", "date", "page", "article"]
    list_filter = ["date", ("article", admin.EmptyFieldListFilter)]
    list_select_related = ["page", "article"]
    search_fields = ["caption", "description", "credit", "people__name"]
    raw_id_fields = ["article"]
    readonly_fields = ["page", "source_line", "edited_at"]
    fields = ["caption", "description", "credit", ("date", "date_inferred"), "article", "position", "page",
              "source_line", "edited_at"]
    inlines = [PhotoContributionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="稿件数", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count", "photo_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            article_count=Count("articles", distinct=True), photo_count=Count("photos", distinct=True)
        )

    @admin.display(description="稿件数", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="图片数", ordering="photo_count")
    def photo_count(self, obj):
        return obj.photo_count


class PageArticleInline(admin.TabularInline):
    model = Article
    fields = ["position", "title", "section", "date"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(WithoutPageTextMixin, admin.ModelAdmin):
    text_field = "raw_text"
    list_display = ["source", "date", "year", "year_inferred", "updated_at"]
    list_filter = ["year", "date"]
    search_fields = ["source", "raw_text"]
    readonly_fields = ["source", "origin", "content_hash", "raw_text", "year", "year_inferred", "ingested_at",
                       "updated_at"]
    fields = ["source", "origin", "date", ("year", "year_inferred"), "content_hash", ("ingested_at", "updated_at"),
              "raw_text"]
    inlines = [PageArticleInline]


@admin.register(RemovedArticle)
class RemovedArticleAdmin(admin.ModelAdmin):
    """Articles corrections removed; their old addresses lead to their page."""

    list_display = ["article_id", "title", "page", "removed_at"]
    search_fields = ["title"]
    readonly_fields = ["article_id", "title", "page", "removed_at"]
