"""Reader-facing pages. Thin: a queryset method from the models and a template each."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Page, Person, PhotoCaption, Section

ITEMS_PER_PAGE = 20


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pages=Page.objects.order_by("-date", "source")[:10],
            articles=Article.objects.for_display().newest_first()[:10],
            sections=Section.objects.with_counts(),
            **kwargs,
        )


class PageDetailView(DetailView):
    model = Page
    queryset = Page.objects.with_items()
    template_name = "archive/page_detail.html"
    context_object_name = "newspaper_page"

    def get_context_data(self, **kwargs):
        page = self.object
        items = sorted([*page.articles.all(), *page.photos.all()], key=lambda item: item.position)
        return super().get_context_data(items=items, **kwargs)


class PageTextView(DetailView):
    model = Page

    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(self.object.raw_text, content_type="text/plain; charset=utf-8")


class ArticleDetailView(DetailView):
    model = Article
    queryset = Article.objects.for_display()
    template_name = "archive/article_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            layout=article_layout(self.object), highlight_query=self.request.GET.get("hl", ""), **kwargs
        )


def article_layout(article):
    """Body blocks with the article's photos placed where the page printed them."""
    photos = sorted(article.photos.all(), key=lambda p: p.position)
    blocks = article.blocks()
    layout = []
    for index, block in enumerate(blocks):
        layout += [("photo", p) for p in photos if p.position == index]
        layout.append((block.kind, block.text))
    return layout + [("photo", p) for p in photos if p.position >= len(blocks)]


class FilteredArticleList(ListView):
    """Articles of one object (a section, a person), newest first, paginated."""

    paginate_by = ITEMS_PER_PAGE
    template_name = "archive/article_list.html"
    owner_model = None

    def get_owner(self):
        return get_object_or_404(self.owner_model, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(owner=self.owner, **kwargs)


class SectionDetailView(FilteredArticleList):
    owner_model = Section

    def get_queryset(self):
        self.owner = self.get_owner()
        return Article.objects.for_display().filter(section=self.owner).newest_first()


class PersonDetailView(FilteredArticleList):
    owner_model = Person
    template_name = "archive/person_detail.html"

    def get_queryset(self):
        self.owner = self.get_owner()
        return Article.objects.for_display().by_person(self.owner).newest_first()

    def get_context_data(self, **kwargs):
        photos = PhotoCaption.objects.for_display().filter(people=self.owner).order_by("-date")
        return super().get_context_data(photos=photos, **kwargs)
