import logging

from django.views.generic import TemplateView

from archive.api import JsonView, json_error

from .engines import IndexFailure, IndexUnavailable, SearchTooExpensive
from .forms import SearchForm

log = logging.getLogger(__name__)
UNAVAILABLE_MESSAGE = "检索暂时不可用,请稍后再试。"


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        try:
            results = form.search() if form.is_bound and form.is_valid() else None
        except SearchTooExpensive as error:
            log.warning("search %r stopped: %s", request.GET.get("q", ""), error)
            return self.render_to_response(self.get_context_data(form=form, too_expensive=str(error)), status=400)
        except (IndexUnavailable, IndexFailure) as error:
            log.error("search %r: %s", request.GET.get("q", ""), error)
            context = self.get_context_data(form=form, unavailable=UNAVAILABLE_MESSAGE)
            return self.render_to_response(context, status=503)
        params = request.GET.copy()
        params.pop("page", None)
        facet_params = params.copy()
        for name in ("section", "start", "end"):
            facet_params.pop(name, None)
        return self.render_to_response(self.get_context_data(
            form=form, results=results, query_prefix=_prefix(params), facet_prefix=_prefix(facet_params)))


def _prefix(params) -> str:
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


class SearchApi(JsonView):
    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return json_error(400, form.errors_text())
        if not (form.cleaned_data.get("q") or "").strip() and not form.has_filters():
            return json_error(400, "请提供检索词 q")
        try:
            results = form.search()
        except SearchTooExpensive as error:
            log.warning("search API %r stopped: %s", request.GET.get("q", ""), error)
            return json_error(400, str(error))
        except (IndexUnavailable, IndexFailure) as error:
            log.error("search API %r: %s", request.GET.get("q", ""), error)
            return json_error(503, UNAVAILABLE_MESSAGE)
        if results is None:
            return json_error(400, "检索词里没有可以查找的文字")
        return self.json({
            "query": form.cleaned_data.get("q") or "",
            "total": results.total,
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
        })
