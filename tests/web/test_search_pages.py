"""The search page and its JSON API: what a reader sees, and what bad input gets."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article, Person, PhotoCaption, Section
from django.core.management import call_command

from tests.helpers import facet_links, filter_chips, result_total, search_address, search_engine


BAD_QUERIES = ["", "   ", ",。!", '"', '"招商', '招商"', "OR", "-", "- -", "*", "title:", "title:招商",
               "[a TO b]", "招商 AND", "\x00\x01招商\x7f", "招" * 10_000, "((", "\\", "%", "'", "NOT",
               "OR OR OR", "-招商", "<script>alert(1)</script>", "{{ 7*7 }}", "招商~2", "招商^5", "?"]
BAD_PARAMETERS = [{"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"page": "1e3"}, {"sort": "bogus"}, {"section": "abc"}, {"section": "999999"},
                  {"type": "x"}, {"start": "2023-13-45"}, {"end": "yesterday"},
                  {"start": "2023-05-01", "end": "2023-01-01"}, {"person": "zz"}, {"person": "²"},
                  {"person": "9" * 30}]


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
        assert api.status_code == 400, api.content
        assert api.json()["error"]

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
        assert set(data) == {"query", "total", "total_is_estimate", "page", "num_pages", "took_ms", "results", "timeline"}
        assert data["total_is_estimate"] is False
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




MONTH = re.compile(r"\d{4}年\d{1,2}月")  # a month facet's label
DATED = re.compile(r"\d{4}年(\d{1,2}月)?")  # a year's or a month's: the facets that set the dates


def _get(client, params: dict | str) -> str:
    """The search page for ``params``, or at an address taken from a page."""
    if isinstance(params, str):
        return client.get(params).content.decode()
    return client.get(reverse("search:search"), params).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestFacetsKeepTheFilters:
    """Issue 11, item 2: a facet link keeps every filter in force, and its count is what it shows."""

    def searches(self):
        section = Section.objects.get(name="强信心 起好步 开新局")
        person = Person.objects.get(name="刘茜")
        return [
            {"q": "昌吉", "start": "2023-04-01", "end": "2023-04-30"},
            {"q": "昌吉", "section": section.pk},
            {"q": "昌吉", "type": "article", "sort": "newest", "start": "2023-03-01"},
            {"person": person.pk},
            {"q": "发展", "section": section.pk, "start": "2023-04-01", "end": "2023-04-30"},
            {"q": "昌吉", "start": "2023-01-01", "end": "2023-12-31"},
        ]

    def test_every_facet_link_keeps_the_other_filters_and_shows_its_count(self, client):
        for params in self.searches():
            html = _get(client, params)
            links = facet_links(html)
            assert links, params
            for label, url, count in links:
                own = ("start", "end") if DATED.fullmatch(label) else ("section",)  # what the facet sets
                kept = {name: values for name, values in search_address(url).items() if name not in own}
                assert kept == {name: [str(value)] for name, value in params.items() if name not in own}, url
                assert result_total(_get(client, url)) == count, (params, label, url)

    def test_the_example_from_the_issue(self, client):
        html = _get(client, {"q": "昌吉", "start": "2023-04-01", "end": "2023-04-30"})
        section = Section.objects.get(name="强信心 起好步 开新局")
        [(_, url, count)] = [link for link in facet_links(html) if link[0] == section.name]
        assert search_address(url) == {"q": ["昌吉"], "section": [str(section.pk)],
                                       "start": ["2023-04-01"], "end": ["2023-04-30"]}
        assert count == 1 and result_total(_get(client, url)) == 1

    def test_a_chosen_section_still_lists_the_others_counted_as_before(self, client):
        everywhere = facet_links(_get(client, {"q": "昌吉"}))
        unfiltered = {label: count for label, _, count in everywhere if not DATED.fullmatch(label)}
        section = Section.objects.get(name="强信心 起好步 开新局")
        html = _get(client, {"q": "昌吉", "section": section.pk})
        offered = {label: count for label, _, count in facet_links(html) if not DATED.fullmatch(label)}
        assert len(offered) > 1 and offered == {name: n for name, n in unfiltered.items() if name != section.name}
        assert f'<strong aria-current="true">{section.name}</strong>' in html

    def test_a_chosen_month_still_lists_the_other_months(self, client):
        html = _get(client, {"q": "昌吉", "start": "2023-04-01", "end": "2023-04-30"})
        months = [label for label, _, _ in facet_links(html) if MONTH.fullmatch(label)]
        assert "2023年3月" in months and "2023年5月" in months
        assert '<strong aria-current="true">2023年4月</strong>' in html
        # and its year, to widen the search to it again
        [(_, year_url, _)] = [link for link in facet_links(html) if link[0] == "2023年"]
        assert search_address(year_url) == {"q": ["昌吉"], "start": ["2023-01-01"], "end": ["2023-12-31"]}

    def test_the_dates_are_offered_by_year_and_a_year_by_month(self, client):
        html = _get(client, {"q": "昌吉"})
        dated = [(label, count) for label, _, count in facet_links(html) if DATED.fullmatch(label)]
        assert dated == [("2023年", result_total(html))]  # the seeds' one year; no months yet
        assert "选一年,可再按月份筛选" in html
        [year_url] = [url for label, url, _ in facet_links(html) if label == "2023年"]
        year = _get(client, year_url)
        assert '<strong aria-current="true">2023年</strong>' in year and "2023年各月" in year
        months = [(label, count) for label, _, count in facet_links(year) if MONTH.fullmatch(label)]
        assert [label for label, _ in months] == ["2023年8月", "2023年5月", "2023年4月", "2023年3月"]
        assert sum(count for _, count in months) == result_total(year) == result_total(html)

    def test_dates_across_years_list_no_months(self, client):
        html = _get(client, {"q": "昌吉", "start": "2022-06-01", "end": "2023-04-30"})
        assert [label for label, _, _ in facet_links(html) if DATED.fullmatch(label)] == ["2023年"]
        assert "各月" not in html

    def test_with_the_budget_spent_the_page_goes_without_the_extra_counts(self, client, monkeypatch):
        monkeypatch.setattr("search.results.Budget.remaining", lambda budget: 0.0)
        section = Section.objects.get(name="强信心 起好步 开新局")
        response = client.get(reverse("search:search"), {"q": "昌吉", "section": section.pk})
        html = response.content.decode()
        assert response.status_code == 200 and result_total(html) > 0
        assert f'<strong aria-current="true">{section.name}</strong>' in html  # counted under all filters
        # whether 昌吉安全 occurs whole is unknown: each hit says it holds the pieces, no notice claims more
        html = _get(client, {"q": "昌吉安全"})
        assert "未找到完整词组" not in html
        assert html.count("未含完整词组“昌吉安全”") == html.count('class="mb-4 search-hit"') > 0


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestFilterChips:
    """Issue 11, items 2 and 3: every filter in force is shown and can be removed."""

    def test_each_filter_is_a_chip_that_removes_just_that_filter(self, client):
        section = Section.objects.get(name="强信心 起好步 开新局")
        params = {"q": "昌吉", "section": str(section.pk), "type": "article", "start": "2023-03-01",
                  "end": "2023-04-30", "sort": "newest"}
        html = _get(client, params)
        chips = dict(filter_chips(html))
        assert list(chips) == [f"栏目:{section.name}", "类型:稿件", "起始日期:2023-03-01",
                               "截止日期:2023-04-30", "排序:最新在前"]
        for (label, url), name in zip(filter_chips(html), ["section", "type", "start", "end", "sort"]):
            assert search_address(url) == {k: [v] for k, v in params.items() if k != name}, label
        assert 'href="/search/?q=%E6%98%8C%E5%90%89">清除全部筛选</a>' in html

    def test_no_chips_without_filters(self, client):
        html = _get(client, {"q": "昌吉", "section": "", "type": "", "sort": "relevance"})
        assert filter_chips(html) == [] and "清除全部筛选" not in html

    def test_the_person_link_shows_the_name_and_can_be_removed(self, client):
        person = Person.objects.get(name="刘茜")
        person_page = client.get(person.get_absolute_url()).content.decode()
        link = re.search(r'href="([^"]+)">在检索中只看刘茜', person_page).group(1)
        html = client.get(link).content.decode()
        assert filter_chips(html) == [("作者:刘茜", "/search/")]
        assert result_total(html) > 0
        # the next query typed in this form keeps the filter: visible, as the chip says
        assert f'<input type="hidden" name="person" value="{person.pk}"' in html
        typed = _get(client, {"q": "消博会", "person": person.pk})
        assert [label for label, _ in filter_chips(typed)] == ["作者:刘茜"]
        assert search_address(filter_chips(typed)[0][1]) == {"q": ["消博会"]}

    @pytest.mark.parametrize("person", ["999999", "zz", "-1", "99999999999999999999999"])
    def test_an_unknown_person_is_a_message_not_a_500(self, client, person):
        response = client.get(reverse("search:search"), {"q": "昌吉", "person": person})
        html = response.content.decode()
        assert response.status_code == 200 and "没有这位作者" in html
        assert 'name="person"' not in html.split('role="search" aria-label="检索条件"')[1].split("</form>")[0]
        api = client.get(reverse("search:api"), {"q": "昌吉", "person": person})
        assert api.status_code == 400 and "没有这位作者" in api.json()["error"]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestPagesPastTheEnd:
    """Issue 11, item 4: a page past the last redirects to it (the page) or is a 404 naming it (API)."""

    @pytest.fixture(autouse=True)
    def five_per_page(self, monkeypatch):
        monkeypatch.setattr("search.results.PER_PAGE", 5)  # the seeds' 20 hits for 昌吉 on 4 pages

    def test_the_page_redirects_to_the_last_page_keeping_the_filters(self, client):
        response = client.get(reverse("search:search"), {"q": "昌吉", "type": "article", "page": 9})
        assert response.status_code == 302
        last = search_address(response["Location"])
        assert last["q"] == ["昌吉"] and last["type"] == ["article"]
        html = client.get(response["Location"]).content.decode()
        assert f"第 {last['page'][0]} / {last['page'][0]} 页" in html

    @pytest.mark.parametrize("page", ["501", "99999", "9" * 40])
    def test_pages_beyond_the_deepest_one_served_redirect_too(self, client, page):
        response = client.get(reverse("search:search"), {"q": "昌吉", "page": page})
        assert response.status_code == 302 and search_address(response["Location"])["page"] == ["4"]
        assert client.get(reverse("search:api"), {"q": "昌吉", "page": page}).status_code == 404

    def test_no_results_redirects_to_the_first_page(self, client):
        response = client.get(reverse("search:search"), {"q": "没有这样的词语组合", "page": 3})
        assert response.status_code == 302 and "page" not in search_address(response["Location"])

    def test_the_api_answers_404_naming_the_page_parameter_and_the_number_of_pages(self, client):
        api = client.get(reverse("search:api"), {"q": "昌吉", "page": 9})
        assert api.status_code == 404
        assert api.json() == {"error": "参数 page 超出范围(共 4 页)"}
        assert client.get(reverse("search:api"), {"q": "昌吉", "page": 4}).json()["page"] == 4

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5"])
    def test_a_page_that_is_no_number_is_a_message(self, client, page):
        response = client.get(reverse("search:search"), {"q": "昌吉", "page": page})
        assert response.status_code == 200 and "页码(page)必须是正整数" in response.content.decode()
        api = client.get(reverse("search:api"), {"q": "昌吉", "page": page})
        assert api.status_code == 400 and "页码(page)必须是正整数" in api.json()["error"]

    def test_pages_link_to_their_neighbours_and_number_the_hits_on(self, client):
        html = _get(client, {"q": "昌吉", "type": "article", "page": 2})
        assert '<ol class="list-unstyled" start="6">' in html
        previous = re.search(r'href="([^"]+)">上一页', html).group(1)
        assert search_address(previous.replace("&amp;", "&")) == {"q": ["昌吉"], "type": ["article"]}


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestWhatMatchedIsShown:
    """Issue 11, item 5: the byline is shown and marked; a word found only in pieces says so."""

    def test_every_hit_for_a_reporter_shows_the_marked_name_linked(self, client):
        person = Person.objects.get(name="刘茜")
        html = _get(client, {"q": "刘茜"})
        hits = html.split('class="mb-4 search-hit"')[1:]
        assert len(hits) == result_total(html) > 1
        for hit in hits:
            assert f'<a href="{person.get_absolute_url()}"><mark>刘茜</mark></a>' in hit

    def test_photo_results_show_their_photographer(self, client):
        person = Person.objects.get(name="何龙")
        data = client.get(reverse("search:api"), {"q": "何龙", "type": "photo"}).json()
        html = _get(client, {"q": "何龙", "type": "photo"})
        assert data["total"] > 1
        assert html.count(f'摄影 <a href="{person.get_absolute_url()}"><mark>何龙</mark></a>') == data["total"]

    @pytest.mark.parametrize("kind", ["article", "photo"])
    def test_bylines_are_loaded_in_a_fixed_number_of_queries(self, client, monkeypatch, kind):
        def queries(per_page):
            monkeypatch.setattr("search.results.PER_PAGE", per_page)
            with CaptureQueriesContext(connection) as captured:
                html = _get(client, {"q": "昌吉", "type": kind})
            return len(captured), html.count('class="mb-4 search-hit"')

        (few, shown_few), (many, shown_many) = queries(1), queries(20)
        assert shown_few == 1 and shown_many > 3
        assert many == few, "each hit's byline cost a query of its own"

    def test_a_word_found_only_in_pieces_is_marked_on_the_hits_that_lack_it_whole(self, client):
        html = _get(client, {"q": "国家安全"})
        hits = html.split('class="mb-4 search-hit"')[1:]
        whole = [hit for hit in hits if "<mark>国家安全</mark>" in hit]
        assert whole and len(whole) < len(hits)
        for hit in hits:
            assert ("未含完整词组“国家安全”,分别包含:国家、安全" in hit) == (hit not in whole)
        assert "未找到完整词组" not in html

    def test_a_word_found_nowhere_whole_is_said_once(self, client):
        html = _get(client, {"q": "昌吉安全"})
        assert result_total(html) > 0
        assert html.count("未找到完整词组“昌吉安全”,以下结果分别包含:昌吉、安全") == 1
        assert "未含完整词组" not in html

    def test_a_quoted_phrase_or_a_single_word_says_nothing_of_pieces(self, client):
        for query in ['"国家安全"', "昌吉", "昌吉 安全"]:
            html = _get(client, {"q": query})
            assert "完整词组" not in html, query


def _element(html: str, tag: str, element_id: str) -> dict[str, str]:
    """The attributes of the ``tag`` whose id is ``element_id``, as a browser reads them."""
    found = {}

    class Finder(HTMLParser):
        def handle_starttag(self, name, attrs):
            if name == tag and dict(attrs).get("id") == element_id:
                found.update(attrs)

    Finder().feed(html)
    assert found, element_id
    return found


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestSearchForm:
    """Issue 11, item 12: the search form on phones and to assistive technology."""

    def test_untouched_fields_carry_no_validation_styling(self, client):
        html = _get(client, {"q": "昌吉", "section": "", "start": ""})
        assert "is-valid" not in html and "is-invalid" not in html

    def test_a_field_in_error_is_marked(self, client):
        html = _get(client, {"q": "昌吉", "start": "2023-13-45"})
        assert re.search(r'<input type="date" name="start"[^>]*class="form-control is-invalid"', html)
        assert "is-valid" not in html.replace("is-invalid", "")

    def test_a_field_in_error_names_its_message_and_keeps_what_was_typed(self, client):
        html = _get(client, {"q": "昌吉", "start": "2023-13-45", "sort": "bogus", "type": "photo"})
        start = _element(html, "input", "id_start")
        assert start["value"] == "2023-13-45" and start["aria-invalid"] == "true"
        message = re.search(rf'<div id="{start["aria-describedby"]}"[^>]*>(.*?)</div></div>', html).group(1)
        assert "起始日期格式应为 YYYY-MM-DD。" in message
        assert _element(html, "select", "id_sort")["aria-invalid"] == "true"
        assert re.search(r'<option value="photo" selected>图片</option>', html)
        assert " selected" not in re.search(r'<select name="sort".*?</select>', html, re.S).group(0)

    def test_the_query_box_shows_its_example_and_the_words_typed(self, client):
        box = _element(_get(client, {"q": '昌吉 "<b>"'}), "input", "id_q")
        assert box["placeholder"] == '例如:招商引资 "开门红" -消博会'  # quotes and all, in the attribute
        assert box["value"] == '昌吉 "<b>"' and box["maxlength"] == "200"

    def test_the_search_form_has_its_own_name(self, client):
        html = _get(client, {"q": "昌吉"})
        assert html.count('role="search"') == 2  # the header's box, and this one
        assert '<form method="get" action="/search/" class="mb-3" role="search" aria-label="检索条件">' in html

    def test_the_filters_fold_above_the_results_on_a_phone(self, client):
        html = _get(client, {"q": "昌吉"})
        toggle = html.index('data-bs-target="#search-filters"')
        assert 'aria-expanded="false" aria-controls="search-filters"' in html
        assert '<div class="collapse d-lg-block" id="search-filters">' in html
        assert toggle < html.index('class="mb-4 search-hit"')
        assert "<script>" not in html.split("<main")[1] and " style=" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestSectionMenu:
    def test_the_menu_offers_the_largest_sections_and_any_section_still_filters(self, client, monkeypatch):
        monkeypatch.setattr("search.forms.SECTION_CHOICES", 1)
        largest = Section.objects.with_counts().first()
        smaller = Section.objects.with_counts().exclude(pk=largest.pk).first()
        html = client.get(reverse("search:search"), {"q": "记者"}).content.decode()
        menu = re.search(r'<select name="section".*?</select>', html, re.S).group(0)
        assert re.findall(r'<option value="(\d*)"', menu) == ["", str(largest.pk)]
        chosen = client.get(reverse("search:search"), {"q": "记者", "section": smaller.pk}).content.decode()
        menu = re.search(r'<select name="section".*?</select>', chosen, re.S).group(0)
        assert f'<option value="{smaller.pk}" selected>' in menu and result_total(chosen) >= 1


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestLargeResults:
    """Past ARCHIVE_SEARCH_COMMON_ITEMS matches the FTS5 engine estimates the counts: the reader
    is told, every count is marked 约, and the API says so too."""

    def test_estimated_counts_are_marked_and_exact_ones_are_not(self, client, settings, tmp_path):
        settings.ARCHIVE_SEARCH_COMMON_ITEMS = 3
        with search_engine("sqlite", tmp_path):
            call_command("rebuild_index", interactive=False, verbosity=0)
            common = client.get(reverse("search:search"), {"q": "记者"}).content.decode()
            api = client.get(reverse("search:api"), {"q": "记者"}).json()
            rare = client.get(reverse("search:search"), {"q": "外经贸"}).content.decode()
        assert re.search(r"共 约 [\d,.万]+ 条结果（按抽样估算）", common), common[common.find("result-summary"):][:200]
        badges = re.findall(r'<span class="badge text-bg-light">([^<]+)</span>', common)
        assert badges and all(badge.startswith("约 ") for badge in badges)
        assert api["total_is_estimate"] is True and api["total"] > 3 and api["results"]
        assert result_total(rare) >= 1 and "按抽样估算" not in rare
        assert all(count.isdigit() for count in re.findall(r'<span class="badge text-bg-light">([^<]+)</span>', rare))
