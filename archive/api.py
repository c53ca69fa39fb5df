"""Read-only JSON API: /api/pages/ and /api/articles/<id>/."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.views import View

from .models import Article, Page
from .serializers import article_json, page_json

PAGES_PER_RESPONSE = 10  # each with every item's full text: a response stays a few hundred KB


def json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


class JsonView(View):
    http_method_names = ["get", "head", "options"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = json_error(405, f"只读接口,不支持 {request.method}")
        response["Allow"] = ", ".join(m.upper() for m in self._allowed_methods())
        return response

    def json(self, data: dict) -> JsonResponse:
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class PageListApi(JsonView):
    def get(self, request):
        paginator = Paginator(Page.objects.with_items().order_by("source"), PAGES_PER_RESPONSE)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return json_error(400, "参数 page 必须是正整数")
        except EmptyPage:
            return json_error(404, f"参数 page 超出范围(共 {paginator.num_pages} 页)")
        return self.json({
            "count": paginator.count,
            "page": page.number,
            "num_pages": paginator.num_pages,
            "pages": [page_json(p) for p in page.object_list],
        })


class ArticleApi(JsonView):
    def get(self, request, pk):
        article = Article.objects.for_display().filter(pk=pk).first()
        if article is None:
            return json_error(404, f"没有编号为 {pk} 的稿件")
        return self.json(article_json(article))
