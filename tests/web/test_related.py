"""Related reports (相关报道) on an article's page and in the API, on the seed archive."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from archive.models import Article
from search.analyzers import units
from search.related import RELATED, distinctive_words
from search.search_indexes import ArticleIndex


def related_of(client, article) -> list[dict]:
    return client.get(reverse("search:related-api", args=[article.pk])).json()["related"]


@pytest.fixture(autouse=True)
def no_cached_lists():
    cache.clear()
    yield
    cache.clear()


def head_and_body(article):
    return article.title, "\n".join(block.text for block in article.blocks()), f"{article.subtitle}\n{article.kicker}"


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestRelatedReports:
    def test_related_articles_share_distinctive_words_and_come_from_other_pages(self, client):
        article = Article.objects.get(title__contains="招商引资实现")
        found = related_of(client, article)
        assert 0 < len(found) <= RELATED
        chosen = distinctive_words(*head_and_body(article))
        on_page = set(Article.objects.filter(page=article.page).values_list("pk", flat=True))
        for item in found:
            other = Article.objects.for_display().get(pk=item["pk"])
            assert other.pk not in on_page  # not itself, not its page's neighbours
            index = ArticleIndex()
            printed = [units(index.prepare_text(other))[0], units(index.prepare_body(other))[0]]  # all the index holds of it
            assert any(word in part for word in chosen for part in printed), (item, chosen)
        assert [item["score"] for item in found] == sorted((item["score"] for item in found), reverse=True)

    def test_the_article_page_never_searches_it_links_the_list_until_it_is_found(self, client):
        article = Article.objects.get(title__contains="招商引资实现")
        cold = client.get(article.get_absolute_url()).content.decode()
        list_page = reverse("search:related", args=[article.pk])
        assert f'data-related-src="{list_page}"' in cold and f'href="{list_page}"' in cold  # fetched by script
        found = client.get(list_page).content.decode()  # the list's own page (what the script fetches)
        warm = client.get(article.get_absolute_url()).content.decode()  # now in the cache: shown at once
        assert "data-related-src" not in warm
        for item in related_of(client, article):
            assert f'href="{item["url"]}"' in found and f'href="{item["url"]}"' in warm

    def test_the_list_page_of_an_unknown_article_is_a_404(self, client):
        assert client.get(reverse("search:related", args=[999999])).status_code == 404

    def test_the_words_are_the_headline_then_what_the_body_repeats(self):
        chosen = distinctive_words("昌吉州一季度招商引资实现“开门红”", "项目落地。项目投产。企业签约2023。企业",
                                   "扎实开展主题教育")
        assert chosen[:3] == ["昌吉州", "一季度", "招商引资"] and chosen.index("项目") < chosen.index("扎实")
        assert "2023" not in chosen and len(chosen) == 8  # the rest of the slogan left out

    @override_settings(ARCHIVE_RELATED_BUDGET_MS=0)
    def test_a_search_out_of_time_lists_none_and_the_pages_still_show(self, client):
        article = Article.objects.get(title__contains="招商引资实现")
        listed = client.get(reverse("search:related", args=[article.pk]))
        assert listed.status_code == 200 and 'id="no-related"' in listed.content.decode()
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200 and "<li class=\"mb-2\">" not in page.content.decode()

    def test_an_unknown_article_is_a_json_404(self, client):
        answer = client.get(reverse("search:related-api", args=[999999]))
        assert answer.status_code == 404 and "999999" in answer.json()["error"]
