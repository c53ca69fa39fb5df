"""Field search (标题:, 正文:, 作者:, 栏目:) and the advanced-search form, on the seed archive."""

import html as html_module
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from archive.models import Article, Person, Section
from tests.helpers import result_total, run, search_address


def page(client, **params):
    return client.get(reverse("search:search"), params)


def assert_field_finds_only(client, names: tuple[str, str], printed) -> tuple[str, set[int]]:
    """``names`` (Chinese, English) of a field find exactly the articles whose ``printed(article)``
    holds the word — through the API and the page — for a word the seeds print there in some
    articles and elsewhere only in others. Returns the word and those articles."""
    articles = list(Article.objects.all())
    word = next(w for w in ["项目", "发展", "企业", "记者", "工作", "昌吉"]
                if 0 < sum(w in printed(a) for a in articles) < len(run(w, kind="article").hits))
    holding = {a.pk for a in articles if word in printed(a)}
    assert holding < {h.object.pk for h in run(word).hits if h.kind == "article"}
    found = client.get(reverse("search:api"), {"q": f"{names[0]}:{word}", "type": "article"}).json()
    assert {r["id"] for r in found["results"]} == holding
    html = page(client, q=f"{names[1]}:{word}", type="article").content.decode()
    assert result_total(html) == len(holding)
    return word, holding


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestFieldSearch:
    def test_a_headline_field_finds_only_headlines_holding_the_word(self, client):
        assert_field_finds_only(client, ("标题", "title"), lambda a: f"{a.kicker}{a.title}{a.subtitle}")

    def test_a_body_field_finds_only_articles_whose_paragraphs_hold_the_word(self, client):
        word, in_bodies = assert_field_finds_only(client, ("正文", "body"), lambda a: "".join(b.text for b in a.blocks()))
        without = client.get(reverse("search:api"), {"q": f"{word} -正文:{word}", "type": "article"}).json()
        assert {r["id"] for r in without["results"]}.isdisjoint(in_bodies) and without["total"] > 0

    def test_a_byline_is_not_the_body(self, client):
        article = Article.objects.get(title__contains="招商引资实现")  # 本报讯 记者刘茜、通讯员高祥钧报道:
        assert "刘茜" in article.byline and "刘茜" not in "".join(b.text for b in article.blocks())
        assert article.pk in {h.object.pk for h in run("刘茜").hits if h.kind == "article"}
        assert article.pk not in {r["id"] for r in client.get(reverse("search:api"), {"q": "正文:刘茜"}).json()["results"]}

    def test_an_author_named_in_the_query_is_the_person_filter(self, client):
        person = Person.objects.get(name="刘茜")
        by_parameter = client.get(reverse("search:api"), {"q": "招商", "person": person.pk}).json()
        by_name = client.get(reverse("search:api"), {"q": "作者:刘茜 招商"}).json()
        assert by_name["total"] == by_parameter["total"] > 0
        assert [r["id"] for r in by_name["results"]] == [r["id"] for r in by_parameter["results"]]
        only_name = client.get(reverse("search:api"), {"q": "author:刘茜"}).json()  # no words: all of theirs
        assert only_name["total"] >= by_name["total"]

    def test_a_section_named_in_the_query_is_the_section_filter(self, client):
        section = Section.objects.with_counts().first()
        quoted = f'栏目:"{section.name}"'
        found = client.get(reverse("search:api"), {"q": quoted}).json()
        assert found["total"] > 0 and {r["section"] for r in found["results"]} == {section.name}

    @pytest.mark.parametrize("query, said", [
        ("titel:招商", "没有“titel”这个检索字段"),
        ("作者:无此人", "档案中没有署名为“无此人”的作者"),
        ("栏目:无此栏目", "没有名称含“无此栏目”的栏目"),
        ("-作者:刘茜 招商", "不能排除"),
    ])
    def test_what_cannot_run_is_a_message_never_a_500(self, client, query, said):
        html = page(client, q=query).content.decode()
        assert said in html and "共" not in html
        api = client.get(reverse("search:api"), {"q": query})
        assert api.status_code == 400 and said in api.json()["error"]

    def test_an_author_in_the_query_and_another_by_parameter_is_a_message(self, client):
        other = Person.objects.exclude(name="刘茜").first()
        api = client.get(reverse("search:api"), {"q": "作者:刘茜", "person": other.pk})
        assert api.status_code == 400 and "请只保留一个" in api.json()["error"]

    def test_the_syntax_help_names_the_fields(self, client):
        html = page(client).content.decode()
        assert "标题:招商" in html and "正文:招商" in html and "作者:刘茜" in html and reverse("search:advanced") in html


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestAdvancedForm:
    def test_the_form_writes_the_query_and_the_results_show_it(self, client):
        section = Section.objects.with_counts().first()
        sent = client.get(reverse("search:advanced"), {
            "all_words": "招商", "phrase": "开门红", "none_words": "消博会", "where": "text", "author": "刘茜",
            "section": section.pk, "type": "article", "start": "2023-01-01", "end": "2023-12-31", "go": "1"})
        assert sent.status_code == 302
        address = search_address(sent["Location"])
        assert address["q"] == ['招商 "开门红" -消博会 作者:刘茜']
        assert address["section"] == [str(section.pk)] and address["type"] == ["article"]
        assert address["start"] == ["2023-01-01"] and address["end"] == ["2023-12-31"]
        results = client.get(sent["Location"]).content.decode()
        assert 'id="written-query"' in results and "招商 &quot;开门红&quot; -消博会 作者:刘茜" in results

    def test_headline_words_are_written_with_the_field(self, client):
        sent = client.get(reverse("search:advanced"), {"all_words": "招商", "any_words": "献血 消防", "where": "head", "go": "1"})
        assert search_address(sent["Location"])["q"] == ["标题:招商 标题:献血 OR 标题:消防"]

    def test_body_words_are_written_with_the_field(self, client):
        sent = client.get(reverse("search:advanced"), {"all_words": "招商", "none_words": "消博会", "where": "body", "go": "1"})
        assert search_address(sent["Location"])["q"] == ["正文:招商 -正文:消博会"]
        assert result_total(client.get(sent["Location"]).content.decode()) > 0

    @pytest.mark.parametrize("params, said", [
        ({"all_words": " "}, "请至少填写一个词语或筛选条件"),
        ({"author": "无此人"}, "档案中没有署名为“无此人”的作者"),
        ({"where": "title", "all_words": "招商"}, "词语位置(where)只能是 text、head 或 body"),
        ({"all_words": "招" * 150, "phrase": "商" * 100}, "写成的检索式太长了"),
        ({"all_words": "招商", "start": "2023-05-01", "end": "2023-01-01"}, "起始日期不能晚于截止日期"),
    ])
    def test_what_cannot_be_written_is_said_on_the_form(self, client, params, said):
        answer = client.get(reverse("search:advanced"), {**params, "go": "1"})
        assert answer.status_code == 200 and said in answer.content.decode()

    def test_the_empty_form(self, client):
        answer = client.get(reverse("search:advanced"))
        assert answer.status_code == 200 and 'id="advanced-search"' in answer.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestAdvancedFromASearch:
    def advanced_link(self, client, **params) -> str:
        html = client.get(reverse("search:search"), params).content.decode()
        found = re.search(r'href="([^"]*)" id="advanced-search-link"', html)
        return html_module.unescape(found.group(1))

    def test_the_link_carries_the_filters_and_plain_words_and_opens_the_form_filled(self, client):
        section = Section.objects.with_counts().first()
        link = self.advanced_link(client, q="招商 引资", section=section.pk, type="article", start="2023-01-01", sort="newest")
        assert parse_qs(urlsplit(link).query) == {"all_words": ["招商 引资"], "section": [str(section.pk)],
                                                  "type": ["article"], "start": ["2023-01-01"]}
        opened = client.get(link)
        assert opened.status_code == 200  # filled in, not sent
        form = opened.content.decode()
        assert 'value="招商 引资"' in form and f'<option value="{section.pk}" selected>' in form

    @pytest.mark.parametrize("query", ['"开门红"', "招商 OR 投资", "招商 -消博会", "标题:招商", "正文:招商", "招商 | 投资"])
    def test_a_query_its_boxes_would_write_otherwise_is_not_carried(self, client, query):
        assert "all_words" not in self.advanced_link(client, q=query, type="article")
