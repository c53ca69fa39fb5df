"""The search page and its JSON API: what a reader sees, and what bad input gets."""

import pytest
from django.urls import reverse

from archive.models import Article, PhotoCaption


BAD_QUERIES = ["", "   ", ",。!", '"', '"招商', '招商"', "OR", "-", "- -", "*", "title:", "title:招商",
               "[a TO b]", "招商 AND", "\x00\x01招商\x7f", "招" * 10_000, "((", "\\", "%", "'", "NOT",
               "OR OR OR", "-招商", "<script>alert(1)</script>", "{{ 7*7 }}", "招商~2", "招商^5", "?"]
BAD_PARAMETERS = [{"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"page": "99999"}, {"page": "1e3"},
                  {"page": "50"}, {"page": "999"}, {"sort": "bogus"}, {"section": "abc"}, {"section": "999999"},
                  {"type": "x"}, {"start": "2023-13-45"}, {"end": "yesterday"},
                  {"start": "2023-05-01", "end": "2023-01-01"}, {"person": "zz"}]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestBadInput:
    @pytest.mark.parametrize("query", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
    def test_bad_queries_never_fail(self, client, query):
        page = client.get(reverse("search:search"), {"q": query})
        assert page.status_code == 200
        api = client.get(reverse("search:api"), {"q": query})
        assert api.status_code in (200, 400)
        assert api.json().get("error") or "results" in api.json()

    @pytest.mark.parametrize("params", BAD_PARAMETERS, ids=range(len(BAD_PARAMETERS)))
    def test_bad_parameters_give_a_message(self, client, params):
        page = client.get(reverse("search:search"), {"q": "招商", **params})
        assert page.status_code == 200
        api = client.get(reverse("search:api"), {"q": "招商", **params})
        if params == {"page": "50"}:  # past the last page: an empty page, not an error
            assert api.status_code == 200 and api.json()["results"] == []
        else:
            assert api.status_code == 400, api.content
            assert api.json()["error"]

    def test_a_page_past_the_end_says_so(self, client):
        html = client.get(reverse("search:search"), {"q": "招商", "page": 50}).content.decode()
        assert "没有第 50 页" in html

    def test_an_overlong_query_gets_a_friendly_message(self, client):
        html = client.get(reverse("search:search"), {"q": "招" * 10_000}).content.decode()
        assert "检索词太长了" in html
        assert client.get(reverse("search:api"), {"q": "招" * 10_000}).json()["error"].startswith("检索词太长了")

    def test_punctuation_only_asks_for_text(self, client):
        html = client.get(reverse("search:search"), {"q": ",。!"}).content.decode()
        assert "请输入要查找的文字" in html


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestPagesAndApi:
    def test_search_page_shows_total_time_facets_and_marked_snippets(self, client):
        html = client.get(reverse("search:search"), {"q": "招商"}).content.decode()
        assert "共 6 条结果" in html and "毫秒" in html
        assert "按栏目" in html and "强信心 起好步 开新局" in html and "按年月" in html
        assert "<mark>招商</mark>" in html

    def test_every_page_carries_a_search_box(self, client):
        for url in [reverse("archive:home"), Article.objects.first().get_absolute_url(), reverse("search:search")]:
            assert 'name="q"' in client.get(url).content.decode()

    def test_api_shape(self, client):
        data = client.get(reverse("search:api"), {"q": "外经贸"}).json()
        assert set(data) == {"query", "total", "page", "num_pages", "took_ms", "results"}
        hit = data["results"][0]
        assert set(hit) == {"type", "id", "title", "url", "snippet", "score", "date", "section", "photos"}
        assert hit["title"] == "昌吉州促进<mark>外经贸</mark>发展培训班在闽结业"
        assert hit["type"] == "article" and hit["date"] == "2023-03-24" and hit["score"] > 0

    def test_a_photo_printed_in_a_matching_article_is_shown_under_it_not_as_a_second_hit(self, client):
        photo = PhotoCaption.objects.get(caption__contains="工人们正在加紧施工")
        html = client.get(reverse("search:search"), {"q": "\"工人们正在加紧施工\""}).content.decode()
        assert "共 1 条结果" in html and html.count('class="mb-4 search-hit"') == 1
        under = html.split('class="list-unstyled small mt-1 mb-0 hit-photos"')[1].split("</ul>")[0]
        assert photo.get_absolute_url() in under
        data = client.get(reverse("search:api"), {"q": "\"工人们正在加紧施工\""}).json()
        assert [(r["type"], [p["id"] for p in r["photos"]]) for r in data["results"]] == [("article", [photo.pk])]
        # asked for photos only, it is a hit of its own
        alone = client.get(reverse("search:api"), {"q": "\"工人们正在加紧施工\"", "type": "photo"}).json()["results"]
        assert [(r["type"], r["id"]) for r in alone] == [("photo", photo.pk)]

    def test_api_is_read_only(self, client):
        assert client.post(reverse("search:api"), {"q": "招商"}).status_code == 405


