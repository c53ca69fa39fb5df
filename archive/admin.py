import calendar
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone

from .folding import normalize
from .models import (
    Article, ArticleContribution, DayCount, FormerPageAddress, Page, Person, PersonAlias, PhotoCaption, PhotoContribution,
    RemovedArticle, Section,
)
from .people import credits_from_byline, credits_from_photo_credit, merge_people

admin.site.site_header = "昌吉报纸档案 · 管理"
admin.site.site_title = "报纸档案管理"
admin.site.index_title = "内容管理"
# The side menu of every model took a quarter of a 1280 px screen and squeezed the lists staff
# work in (the article titles to 47 px); the breadcrumbs and the index lead everywhere it did.
admin.site.enable_nav_sidebar = False


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


class FoldedSearchMixin:
    """Staff type 經濟 or ２０２３ and find 经济 and 2023: the search term is also looked up
    folded as the search index folds text (``archive/folding.py``; the stored text is
    simplified, half-width). The term as typed is looked up too, for text printed otherwise."""

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        folded = normalize(search_term)
        if folded != search_term:
            more, more_duplicates = super().get_search_results(request, queryset, folded)
            results, duplicates = results | more, duplicates or more_duplicates
        return results, duplicates


class AdminStyleMixin:
    """The archive's admin list styles (a file: the site's CSP allows no inline styles)."""

    class Media:
        css = {"all": ["archive/admin.css"]}


# --- year and month of an item's date ------------------------------------------------------------

class YearFilter(admin.SimpleListFilter):
    """The years an item is shown under (``shown_date``: its own date, else its page's), read
    from the day counts kept on write (``archive/counts.py``), not from the items."""

    title = "年份"
    parameter_name = "year_of"
    month_parameter = "month_of"
    field = "shown_date"

    def lookups(self, request, model_admin):
        return [(day.year, f"{day.year}年") for day in sorted(self.dates(model_admin, None, "year"), reverse=True)]

    def dates(self, model_admin, year: int | None, kind: str) -> set:
        rows = DayCount.objects.all()
        if year:
            rows = rows.filter(date__range=self.period(year))
        return set(rows.dates("date", kind))

    @staticmethod
    def period(year: int, month: int | None = None) -> tuple[datetime.date, datetime.date]:
        """First and last day, for a range lookup (the ``*_newest`` indexes serve it; ``__month``
        would not)."""
        if not month:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        last = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, 1), datetime.date(year, month, last)

    def number(self, value, low, high) -> int | None:
        return int(value) if value and value.isdigit() and low <= int(value) <= high else None

    def queryset(self, request, queryset):
        year = self.number(self.value(), 1, 9999)
        return queryset.filter(**{f"{self.field}__range": self.period(year)}) if year else queryset

    def choices(self, changelist):
        # Choosing another year (or all) forgets the month chosen in the one before.
        values = [None, *[lookup for lookup, _ in self.lookup_choices]]
        for choice, value in zip(super().choices(changelist), values):
            if value is None:
                choice["query_string"] = changelist.get_query_string(
                    remove=[self.parameter_name, self.month_parameter])
            else:
                choice["query_string"] = changelist.get_query_string(
                    {self.parameter_name: value}, [self.month_parameter])
            yield choice


class MonthFilter(YearFilter):
    """The months of the year chosen in ``YearFilter`` (shown once a year is chosen)."""

    title = "月份"
    parameter_name = "month_of"

    def lookups(self, request, model_admin):
        year = self.year_param(request)
        if not year:
            return []
        return [(day.month, f"{day.month}月") for day in sorted(self.dates(model_admin, year, "month"))]

    def year_param(self, request) -> int | None:
        return self.number(request.GET.get(YearFilter.parameter_name), 1, 9999)

    def queryset(self, request, queryset):
        year, month = self.year_param(request), self.number(self.value(), 1, 12)
        if not (year and month):
            return queryset
        return queryset.filter(**{f"{self.field}__range": self.period(year, month)})

    def choices(self, changelist):
        return super(YearFilter, self).choices(changelist)


class PageDates:
    """A page's own date: the years and months come from the pages (``page_in_issue`` index)."""

    field = "date"

    def dates(self, model_admin, year, kind):
        pages = Page.objects.exclude(date=None)
        if year:
            pages = pages.filter(date__range=self.period(year))
        return set(pages.dates("date", kind))


class PageYearFilter(PageDates, YearFilter):
    pass


class PageMonthFilter(PageDates, MonthFilter):
    pass


# --- credits follow the printed byline -----------------------------------------------------------

class CreditsInline(admin.TabularInline):
    """An item's credits as read from its printed byline or credit: shown, not edited here
    (edit the byline; the credits follow on save)."""

    fields = readonly_fields = ["order", "role", "person"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class ArticleContributionInline(CreditsInline):
    model = ArticleContribution
    verbose_name_plural = "作者(按署名生成;请修改上面的“署名”)"


class PhotoContributionInline(CreditsInline):
    model = PhotoContribution
    verbose_name_plural = "摄影(按署名生成;请修改上面的“署名”)"


BYLINE_HELP = ("如版面所印,例如“本报讯 记者刘茜、通讯员朱卫华报道:”。下方的作者列表由署名生成:"
               "改署名并保存,作者随之更新。")
PHOTO_CREDIT_HELP = "如版面所印,例如“本报记者 何龙 摄”。摄影者由署名生成:改署名并保存,摄影者随之更新。"


def warn_unread(request, item, text: str) -> None:
    messages.warning(request, f"“{item}”的署名“{text}”中读不出作者姓名,作者列表已清空。"
                              "格式如“本报讯 记者刘茜、通讯员朱卫华报道:”或“本报记者 何龙 摄”。")


class ArticlePhotoInline(admin.StackedInline):
    model = PhotoCaption
    fields = ["position", "caption", "description", "credit", "date"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {"credit": PHOTO_CREDIT_HELP}
        return super().get_formset(request, obj, **kwargs)


@admin.register(Article)
class ArticleAdmin(AdminStyleMixin, FoldedSearchMixin, WithoutPageTextMixin, MarksEditedMixin, admin.ModelAdmin):
    # Few, short columns: the title keeps the room (readable at 1280 px beside the filters).
    list_display = ["headline", "section", "date", "page", "edited"]
    list_filter = [YearFilter, MonthFilter, "section", ("edited_at", admin.EmptyFieldListFilter)]
    list_select_related = ["section", "page"]
    search_fields = ["title", "kicker", "subtitle", "byline", "body", "people__name"]
    autocomplete_fields = ["section"]
    readonly_fields = ["page", "position", "source_line", "edited_at"]
    fieldsets = [
        (None, {"fields": ["section", "kicker", "title", "subtitle", "byline", ("date", "date_inferred")]}),
        ("正文", {"fields": ["body"]}),
        ("来源", {"fields": [("page", "position", "source_line"), "edited_at"], "classes": ["collapse"]}),
    ]
    inlines = [ArticleContributionInline, ArticlePhotoInline]

    @admin.display(description="标题", ordering="title")
    def headline(self, obj):
        return str(obj)

    @admin.display(description="已修改", boolean=True, ordering="edited_at")
    def edited(self, obj):
        return obj.edited_at is not None

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {"byline": BYLINE_HELP}
        return super().get_form(request, obj, **kwargs)

    def save_formset(self, request, form, formset, change):
        # New in-article photos belong to the article's page.
        for obj in formset.save(commit=False):
            if isinstance(obj, PhotoCaption) and not obj.page_id:
                obj.page = form.instance.page
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
        if formset.model is PhotoCaption:
            for photo_form in formset.forms:
                photo = photo_form.instance
                if photo.pk and "credit" in photo_form.changed_data and photo_form not in formset.deleted_forms:
                    if not credits_from_photo_credit(photo):
                        warn_unread(request, photo, photo.credit)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "byline" in form.changed_data and not credits_from_byline(form.instance):
            warn_unread(request, form.instance, form.instance.byline)


@admin.register(PhotoCaption)
class PhotoCaptionAdmin(AdminStyleMixin, FoldedSearchMixin, WithoutPageTextMixin, MarksEditedMixin, admin.ModelAdmin):
    list_display = ["__str__", "credit", "date", "page", "article"]
    list_filter = [YearFilter, MonthFilter, ("article", admin.EmptyFieldListFilter)]
    list_select_related = ["page", "article"]
    search_fields = ["caption", "description", "credit", "people__name"]
    raw_id_fields = ["article"]
    readonly_fields = ["page", "source_line", "edited_at"]
    fields = ["caption", "description", "credit", ("date", "date_inferred"), "article", "position", "page",
              "source_line", "edited_at"]
    inlines = [PhotoContributionInline]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {"credit": PHOTO_CREDIT_HELP}
        return super().get_form(request, obj, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "credit" in form.changed_data and not credits_from_photo_credit(form.instance):
            warn_unread(request, form.instance, form.instance.credit)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count"]  # kept up to date on write (archive/counts.py)
    search_fields = ["name"]


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    fields = ["name", "former_id"]
    readonly_fields = ["former_id"]
    extra = 0
    verbose_name_plural = "别名(署名这样印时也记在此人名下)"


class KeptPersonForm(forms.Form):
    kept = forms.TypedChoiceField(label="保留", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].choices = [(p.pk, p.name) for p in people]


@admin.register(Person)
class PersonAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "article_count", "photo_count", "alias_names"]
    search_fields = ["name", "aliases__name"]
    inlines = [PersonAliasInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            article_count=Count("articles", distinct=True), photo_count=Count("photos", distinct=True)
        ).prefetch_related("aliases")

    @admin.display(description="稿件数", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="图片数", ordering="photo_count")
    def photo_count(self, obj):
        return obj.photo_count

    @admin.display(description="别名")
    def alias_names(self, obj):
        return "、".join(a.name for a in obj.aliases.all())

    @admin.action(description="合并为同一人", permissions=["change", "delete"])
    def merge(self, request, queryset):
        """One person printed several ways: staff choose the name kept, on a confirmation page
        listing each with their credits; ``merge_people`` does the rest."""
        people = list(Person.objects.with_counts().filter(pk__in=queryset.values("pk"))
                      .prefetch_related("aliases").order_by("sort_key", "name"))
        if len(people) < 2:
            self.message_user(request, "请至少选择两位作者再合并。", messages.WARNING)
            return None
        form = KeptPersonForm(request.POST if request.POST.get("post") else None, people=people)
        if form.is_valid():
            kept = next(p for p in people if p.pk == form.cleaned_data["kept"])
            merged = merge_people(kept, people)
            self.message_user(request, f"已把 {'、'.join(merged.names)} 合并到 {kept.name}:"
                                       f"稿件 {len(merged.articles)} 篇、图片 {len(merged.photos)} 张的署名已改记在 {kept.name} 名下,"
                                       "原名保留为别名。", messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/archive/person/merge_confirmation.html", {
            **self.admin_site.each_context(request),
            "title": "合并为同一人",
            "opts": self.model._meta,
            "people": people,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media,
        })


class FormerPageAddressInline(admin.TabularInline):
    """Addresses the page had before a correction moved it; each still leads to it."""

    model = FormerPageAddress
    fields = readonly_fields = ["date", "label"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


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
    list_display = ["__str__", "source", "date_source", "year_inferred", "updated_at"]
    list_filter = [PageYearFilter, PageMonthFilter]
    search_fields = ["source", "raw_text"]
    # A page's date and place in its issue decide its address: they are set by ingest
    # (archive/placement.py: path, --date or datelines), which keeps the old address answering;
    # an edit here could not, so they are shown, not edited.
    readonly_fields = ["source", "origin", "content_hash", "raw_text", "date", "date_source", "label", "year",
                       "year_inferred", "ingested_at", "updated_at"]
    fields = ["source", "origin", ("date", "date_source", "label"), ("year", "year_inferred"), "content_hash",
              ("ingested_at", "updated_at"), "raw_text"]
    inlines = [PageArticleInline, FormerPageAddressInline]


@admin.register(RemovedArticle)
class RemovedArticleAdmin(admin.ModelAdmin):
    """Articles corrections removed; their old addresses lead to their page."""

    list_display = ["article_id", "title", "page", "removed_at"]
    search_fields = ["title"]
    readonly_fields = ["article_id", "title", "page", "removed_at"]
