from dataclasses import asdict

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from archive.api import JsonView, json_error
from archive.models import Article

from . import links, timeline
from .failures import SEARCH_FAILURES, failure
from .forms import MAX_PAGE, AdvancedSearchForm, SearchForm
from .related import related_articles


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        try:
            if form.is_bound and form.is_valid() and form.terms:  # compare mode: 招商 | 投资
                return self.render_to_response(self.page_context(form, None, comparison=form.compare()))
            results = form.search() if form.is_bound and form.is_valid() else None
        except SEARCH_FAILURES as error:
            failed = failure(error, "search", request.GET.get("q", ""))
            shown = {"too_expensive" if failed.too_expensive else "unavailable": failed.message}
            return self.render_to_response(self.page_context(form, None, **shown), status=failed.status)
        if results and (results.out_of_range or form.page_past_limit):  # an old link, a typed number
            return redirect(links.page_url(links.current(form.cleaned_data), min(results.num_pages, MAX_PAGE)))
        return self.render_to_response(self.page_context(form, results))

    def page_context(self, form, results, **extra) -> dict:
        return self.get_context_data(form=form, results=results, **links.for_page(form, results), **extra)


class AdvancedSearchView(TemplateView):
    """The advanced-search form; sent (``go``), it goes to the results of the query it wrote,
    which the results page shows (``from=advanced``) so that the reader learns the syntax.
    Opened from a search (``links.advanced_url``), it is filled with that search's filters."""

    template_name = "search/advanced.html"

    def get(self, request, *args, **kwargs):
        form = AdvancedSearchForm(request.GET or None)
        if form.is_valid() and request.GET.get("go"):  # sent; else opened filled from a search
            query = urlencode({**form.results_address(), "from": "advanced"})
            return redirect(f"{reverse('search:search')}?{query}")
        return self.render_to_response(self.get_context_data(form=form))  # its errors shown, as the search page does


class SearchApi(JsonView):
    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return json_error(400, form.errors_text())
        if not (form.cleaned_data.get("q") or "").strip() and not form.has_filters():
            return json_error(400, "请提供检索词 q")
        try:
            if form.terms:  # compare mode: 招商 | 投资
                return self.json(comparison_json(form.cleaned_data["q"], form.compare()))
            results = form.search()
        except SEARCH_FAILURES as error:
            failed = failure(error, "search API", request.GET.get("q", ""))
            return json_error(failed.status, failed.message)
        if results is None:
            return json_error(400, "检索词里没有可以查找的文字")
        if results.out_of_range or form.page_past_limit:  # as /api/pages/ answers a page past the end
            return json_error(404, f"参数 page 超出范围(共 {results.num_pages} 页)")
        return self.json({
            "query": form.cleaned_data.get("q") or "",
            "total": results.total,
            "total_is_estimate": results.approximate,  # counted from a sample: a large result
            "page": results.page,
            "num_pages": results.num_pages,
            "took_ms": round(results.took_ms, 2),
            "results": [{
                "type": hit.kind,
                "id": hit.object.pk,
                "title": str(hit.title),
                "url": hit.url,
                "snippet": str(hit.snippet),
                "score": round(hit.score, 4),
                "date": hit.date.isoformat() if hit.date else None,
                "section": hit.section.name if hit.section else None,
                "photos": [{"id": p.object.pk, "caption": str(p.caption), "url": p.url} for p in hit.photos],
            } for hit in results.hits],
            "timeline": timeline.as_json(timeline.of_search(results)),
        })


class RelatedView(TemplateView):
    """An article's related reports as a page of their own: what its article page fetches (or
    links to, without script) when the list is not in the cache yet."""

    template_name = "search/related.html"

    def get(self, request, pk):
        article = get_object_or_404(Article.objects.for_results(), pk=pk)
        return self.render_to_response(self.get_context_data(article=article, related=related_articles(article)))


class RelatedApi(JsonView):
    """An article's related reports (相关报道), as its page lists them."""

    def get(self, request, pk):
        article = Article.objects.for_results().filter(pk=pk).first()
        if article is None:
            return json_error(404, f"没有编号为 {pk} 的稿件")
        return self.json({"article": pk, "related": [asdict(item) for item in related_articles(article)]})


def comparison_json(query: str, comparison) -> dict:
    """Compare mode's answer: each term's total (under every filter) and its counts over time;
    no hits (README, "Searching")."""
    return {
        "query": query,
        "took_ms": round(comparison.took_ms, 2),
        "terms": [{"term": term.text, "total": term.total, "total_is_estimate": term.approximate,
                   "counted": term.counted} for term in comparison.terms],
        "timeline": timeline.as_json(comparison.timeline, compared=True),
    }
