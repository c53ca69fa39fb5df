"""Reader-facing pages. Thin: a queryset method from the models and a template each."""

from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, Value
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView, TemplateView

from . import citing, counts, people, reading
from .models import Article, FormerPageAddress, Page, Person, PersonAlias, PhotoCaption, RemovedArticle, Role, Section

ITEMS_PER_PAGE = 20
HOME_SECTIONS = 15  # the largest; the rest are a link away (an archive has thousands of rubrics)


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        first, last = counts.span()
        return super().get_context_data(
            pages=Page.objects.without_text().with_lead().newest_first()[:8],
            articles=Article.objects.for_listing().newest_first()[:10],
            sections=Section.objects.with_counts()[:HOME_SECTIONS],
            first_date=first,
            last_date=last,
            **kwargs,
        )


class PageListView(ListView):
    queryset = Page.objects.without_text().with_lead().newest_first()
    paginate_by = 50
    template_name = "archive/page_list.html"
    context_object_name = "newspaper_pages"


def redirect_keeping_query(request, url: str):
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class AddressedMixin:
    """An object with one canonical address (``address``): reached by another one — a number,
    a former or stale date and label — it redirects there, keeping the query (``?hl=``)."""

    def address(self, obj) -> str:
        return obj.get_absolute_url()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        address = self.address(self.object)
        if request.path != address:
            return redirect_keeping_query(request, address)
        return self.render_to_response(self.get_context_data(object=self.object))


class PageLookupMixin(AddressedMixin):
    """A page by number (``pk``) or by issue date and label, or by an address it once had."""

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        if "pk" in self.kwargs:
            return get_object_or_404(queryset, pk=self.kwargs["pk"])
        day, label = self.kwargs["day"], self.kwargs["label"]
        page = queryset.filter(date=day, label=label).first()
        if page is None:
            former = FormerPageAddress.objects.filter(date=day, label=label).first()
            page = former and queryset.filter(pk=former.page_id).first()
        if page is None:
            raise Http404(f"{day:%Y-%m-%d} 没有第 {label} 版")
        return page


class PageDetailView(PageLookupMixin, DetailView):
    model = Page
    queryset = Page.objects.with_items()
    template_name = "archive/page_detail.html"
    context_object_name = "newspaper_page"

    def get_context_data(self, **kwargs):
        page = self.object
        pages = Page.objects.without_text()
        return super().get_context_data(
            items=page.items(),
            first_article=next(iter(page.articles.all()), None),  # where j leads (reading keys)
            previous_page=pages.preceding(page),
            next_page=pages.following(page),
            citations=citing.labelled(citing.page_citations(page)),
            **kwargs,
        )


class PageTextView(PageLookupMixin, DetailView):
    """The page as ingested, for archivists checking the source."""

    model = Page

    def address(self, page) -> str:
        return page.get_text_url()

    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(self.object.raw_text, content_type="text/plain; charset=utf-8")


class IssueView(TemplateView):
    """One day's paper: its pages in order, each with its headlines."""

    template_name = "archive/issue.html"

    def get_context_data(self, **kwargs):
        day = self.kwargs["day"]
        headlines = Article.objects.select_related("section").only(
            "page_id", "position", "kicker", "title", "subtitle", "section__name").order_by("position")
        pages = list(Page.objects.without_text().issue(day).prefetch_related(Prefetch("articles", headlines)))
        if not pages:
            raise Http404(f"{day:%Y-%m-%d} 没有版面")
        dated = Page.objects.exclude(date=None)
        return super().get_context_data(
            issue_pages=pages,
            previous_issue=dated.filter(date__lt=day).order_by("-date").values_list("date", flat=True).first(),
            next_issue=dated.filter(date__gt=day).order_by("date").values_list("date", flat=True).first(),
            **kwargs,
        )


def removed_article(request, pk: int):
    """A published address of an article a correction removed: its page, or 410 Gone."""
    removed = RemovedArticle.objects.filter(article_id=pk).select_related("page").first()
    if removed is None:
        raise Http404("没有这篇稿件")
    if removed.page_id:
        return HttpResponsePermanentRedirect(removed.page.get_absolute_url())
    return render(request, "archive/article_removed.html", {"removed": removed}, status=410)


class ArticleDetailView(AddressedMixin, DetailView):
    model = Article
    queryset = Article.objects.for_display()
    template_name = "archive/article_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return removed_article(request, kwargs["pk"])

    def get_context_data(self, **kwargs):
        article = self.object
        page = Page.objects.with_items().get(pk=article.page_id)
        others = [item for item in page.items() if item != article]
        return super().get_context_data(
            layout=article.layout(),
            highlight_query=self.request.GET.get("hl", ""),
            other_items=others,
            neighbours=reading.neighbours(article, list(page.articles.all())),
            citations=citing.labelled(citing.article_citations(article)),
            **kwargs,
        )


class OwnerListMixin:
    """A paginated list of one object's items (a section's articles, a person's work)."""

    paginate_by = ITEMS_PER_PAGE
    owner_model = None

    def get_owner(self):
        if not hasattr(self, "owner"):
            self.owner = get_object_or_404(self.owner_model, pk=self.kwargs["pk"])
        return self.owner

    def get_context_data(self, **kwargs):
        return super().get_context_data(owner=self.get_owner(), **kwargs)


class SectionListView(ListView):
    queryset = Section.objects.with_counts()
    template_name = "archive/section_list.html"
    context_object_name = "sections"
    paginate_by = 100


class SectionDetailView(OwnerListMixin, ListView):
    owner_model = Section
    template_name = "archive/section_detail.html"

    def get_queryset(self):
        return Article.objects.for_listing().filter(section=self.get_owner()).newest_first()


class PersonListView(ListView):
    """People in pinyin order, under an index of initial letters; ``?letter=`` shows one letter."""

    template_name = "archive/person_list.html"
    context_object_name = "people"
    paginate_by = 100

    def get_letter(self) -> str:
        letter = self.request.GET.get("letter", "").upper()
        return letter if letter in people.LETTERS else ""

    def get_queryset(self):
        listed = people.listed()
        letter = self.get_letter()
        return listed.filter(people.letter_filter(letter)) if letter else listed

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        in_use = people.letters_in_use()
        letter = self.get_letter()
        context.update(
            letter=letter,
            letters=[(entry, entry in in_use) for entry in people.LETTERS],
            groups=[(entry, list(group)) for entry, group in
                    groupby(context["people"], key=lambda person: people.initial(person.sort_key))],
            query_prefix=f"{urlencode({'letter': letter})}&" if letter else "",
        )
        return context


class PersonDetailView(OwnerListMixin, ListView):
    """A contributor's work newest first: articles and photos in one list, or, with ``?role=``,
    what they did in one role. The address of a person merged into another leads there."""

    owner_model = Person
    template_name = "archive/person_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            alias = PersonAlias.objects.filter(former_id=kwargs["pk"]).select_related("person").first()
            if alias is None:
                raise
            return redirect_keeping_query(request, alias.person.get_absolute_url())

    def get_owner(self):
        if not hasattr(self, "owner"):
            counted = Person.objects.with_counts().annotate(
                article_count=Count("articlecontribution__article", distinct=True))
            self.owner = get_object_or_404(counted, pk=self.kwargs["pk"])
        return self.owner

    def get_role(self):
        role = self.request.GET.get("role", "")
        return role if role in Role.values else ""

    def get_queryset(self):
        person, role = self.get_owner(), self.get_role()
        if role == Role.PHOTOGRAPHER:
            return PhotoCaption.objects.for_display().by_person(person).newest_first()
        if role:
            return Article.objects.for_listing().by_person(person, role).newest_first()
        return credited_items(person)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(person=self.get_owner(), role=self.get_role(), roles=Role, **kwargs)
        if not context["role"]:
            context["items"] = load_items(context["object_list"])
        context["aliases"] = [a.name for a in self.get_owner().aliases.all()]
        return context


def credited_items(person):
    """(kind, id) rows of a person's articles and photos, newest first as items are listed
    elsewhere (articles before photos on the same day): one list, counted and sliced by the
    database, so that a page of it costs the same however much they did."""
    def rows(queryset, kind):
        return queryset.annotate(kind=Value(kind)).values_list(
            "kind", "pk", "shown_date", "page", "position").order_by()

    articles = rows(Article.objects.by_person(person), "article")
    photos = rows(PhotoCaption.objects.by_person(person), "photo")
    return articles.union(photos, all=True).order_by(F("shown_date").desc(nulls_last=True), "kind", "page", "position")


def load_items(rows) -> list[dict]:
    """The articles and photos of a page of ``credited_items``, in its order, as
    ``{"article": …}`` or ``{"photo": …}`` for the template."""
    rows = list(rows)
    wanted = {kind: [pk for k, pk, *_ in rows if k == kind] for kind in ("article", "photo")}
    loaded = {
        "article": Article.objects.for_listing().in_bulk(wanted["article"]) if wanted["article"] else {},
        "photo": PhotoCaption.objects.for_display().in_bulk(wanted["photo"]) if wanted["photo"] else {},
    }
    return [{kind: loaded[kind][pk]} for kind, pk, *_ in rows if pk in loaded[kind]]


class PhotoListView(ListView):
    queryset = PhotoCaption.objects.for_display().newest_first()
    paginate_by = ITEMS_PER_PAGE
    template_name = "archive/photo_list.html"
    context_object_name = "photos"
