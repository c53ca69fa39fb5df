"""Hits over time on the search page and in its API: the chart of a search (a bar a month, or a
year), each bar a link to the same search narrowed to its period; the table behind it; compare
mode (招商 | 投资), a line a term; and the API's ``timeline``."""

import datetime
import re

import pytest
from django.urls import reverse

from archive.models import Page, Person, Section
from search.models import PendingIndexUpdate
from django.core.management import call_command

from tests.helpers import dated_pages, facet_links, index_at, ingest, result_total, search_address, search_engine
from tests.seeds import SEEDS_DIR

D = datetime.date
SECTION = "强信心 起好步 开新局"


def get(client, params) -> str:
    response = client.get(params) if isinstance(params, str) else client.get(reverse("search:search"), params)
    assert response.status_code == 200, params
    return response.content.decode()


def api(client, params) -> dict:
    response = client.get(reverse("search:api"), params)
    assert response.status_code == 200, response.content
    return response.json()


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


def bars(html: str) -> list[tuple[str, str, int]]:
    """(period, address, count) of every bar of the page's chart."""
    import html as html_module

    found = re.findall(r'<a class="bar-link[^"]*" href="([^"]+)" aria-label="([^:"]+):(\d+) 条"', section(html, "timeline"))
    return [(label, html_module.unescape(url), int(count)) for url, label, count in found]


def table(html: str, element_id: str = "timeline") -> list[tuple[str, list[str]]]:
    """The rows of the table behind a chart: (period, its cells)."""
    rows = re.findall(r'<tr[^>]*><th scope="row">([^<]+)</th>(.*?)</tr>', section(html, element_id))
    return [(label, re.findall(r"<td>([^<]*)</td>", cells)) for label, cells in rows]


def counts(html: str) -> dict[str, int]:
    """A search's chart as its table gives it: period → count ({} when no result is dated)."""
    return {label: int(cells[0]) for label, cells in table(html)} if 'id="timeline"' in html else {}


def period_dates(label: str) -> tuple[str, str]:
    """2023年4月 → 2023-04-01, 2023-04-30; 2019年 → the year's first and last days."""
    year, month = re.fullmatch(r"(\d{4})年(?:(\d{1,2})月)?", label).groups()
    if not month:
        return f"{year}-01-01", f"{year}-12-31"
    first = D(int(year), int(month), 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def chart_terms(html: str) -> list[tuple[str, str, str]]:
    """(term, address, total shown) of compare mode's list of terms."""
    import html as html_module

    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>\s*<span class="(?:term-total|not-counted)">([^<]+)</span>',
                       section(html, "comparison"))
    return [(term, html_module.unescape(url), shown) for url, term, shown in found]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestTheChartOfASearch:
    def searches(self):
        person = Person.objects.get(name="刘茜")
        return [
            {"q": "昌吉"},
            {"q": "昌吉", "type": "article", "sort": "newest"},
            {"q": "招商", "person": person.pk, "sort": "oldest"},
            {"q": "昌吉", "section": Section.objects.get(name=SECTION).pk, "start": "2023-04-01", "end": "2023-04-30"},
            {"type": "photo"},
        ]

    def test_every_bar_leads_to_the_search_narrowed_to_its_period_keeping_the_other_filters(self, client):
        for params in self.searches():
            html = get(client, params)
            found = bars(html)
            assert found, params
            for label, url, count in found:
                address = search_address(url)
                start, end = period_dates(label)
                assert address.pop("start") == [start] and address.pop("end") == [end], url
                assert address == {name: [str(value)] for name, value in params.items() if name not in ("start", "end")}
                assert result_total(get(client, url)) == count, (params, label)

    def test_every_month_between_the_first_and_the_last_is_drawn_empty_ones_as_zero(self, client):
        html = get(client, {"q": "昌吉"})
        assert list(counts(html)) == ["2023年3月", "2023年4月", "2023年5月", "2023年6月", "2023年7月", "2023年8月"]
        assert counts(html)["2023年6月"] == counts(html)["2023年7月"] == 0
        assert [label for label, _, _ in bars(html)] == ["2023年3月", "2023年4月", "2023年5月", "2023年8月"]  # no link to nothing
        assert sum(counts(html).values()) == result_total(html)
        assert "在检索框里用 | 分开" in section(html, "timeline")  # how to compare terms

    def test_the_table_holds_the_month_facet_counts(self, client):
        html = get(client, {"q": "昌吉", "type": "article"})
        # The month facet as the page offers it once the year is chosen (2023年各月).
        year = get(client, {"q": "昌吉", "type": "article", "start": "2023-01-01", "end": "2023-12-31"})
        months = {label: count for label, _, count in facet_links(year) if re.fullmatch(r"\d{4}年\d{1,2}月", label)}
        assert months and {label: n for label, n in counts(html).items() if n} == months
        assert counts(year) == counts(html)  # the chosen year: the same chart, the whole span

    def test_with_dates_chosen_the_whole_span_is_drawn_and_the_chosen_period_marked(self, client):
        whole = get(client, {"q": "昌吉"})
        html = get(client, {"q": "昌吉", "start": "2023-04-01", "end": "2023-04-30"})
        assert counts(html) == counts(whole) and result_total(html) == counts(html)["2023年4月"]
        chosen = re.findall(r'aria-label="([^"]+)" aria-current="true"', section(html, "timeline"))
        assert chosen == [f"2023年4月:{counts(html)['2023年4月']} 条"]
        assert re.findall(r'<tr class="table-active"><th scope="row">([^<]+)', html) == ["2023年4月"]
        assert "深色柱条是已选的日期" in html and "深色" not in whole

    def test_the_chart_needs_no_script_and_no_style_attribute(self, client):
        chart = section(get(client, {"q": "昌吉"}), "timeline")
        assert "<svg" in chart and "<script" not in chart and " style=" not in chart and " on" not in chart

    def test_no_dated_result_no_chart(self, client):
        html = get(client, {"q": "没有这样的文字"})
        assert result_total(html) == 0 and 'id="timeline"' not in html

    def test_the_api_gives_the_same_counts_as_the_page(self, client):
        for params in self.searches():
            timeline = api(client, params)["timeline"]
            html = get(client, params)
            assert timeline["unit"] == "month" and timeline["approximate"] is False
            assert [(period_dates(label), n) for label, n in counts(html).items()] == \
                [((p["start"], p["end"]), p["count"]) for p in timeline["periods"]]
            assert [p["period"] for p in timeline["periods"]][:1] == [timeline["periods"][0]["start"][:7]]


@pytest.fixture(scope="class")
def years_archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeds (2023) and stories from 2016, 2018 and 2021: eight years, drawn by year."""
    folder = dated_pages(tmp_path_factory.mktemp("years"), [
        (D(2016, 5, 10), "招商引资推介会在昌吉举行。"),
        (D(2016, 7, 2), "投资环境持续优化,昌吉企业增多。"),
        (D(2018, 3, 15), "招商工作会议召开,投资项目落地。"),
        (D(2021, 11, 20), "投资者座谈会在昌吉召开。"),
    ])
    with django_db_blocker.unblock(), index_at(tmp_path_factory.mktemp("index-years")) as engine:
        ingest(SEEDS_DIR, folder)
        yield engine
        Page.objects.all().delete()
        Person.objects.all().delete()
        Section.objects.all().delete()
        PendingIndexUpdate.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.usefixtures("years_archive")
class TestYears:
    def test_past_four_years_a_bar_a_year_the_empty_years_kept(self, client):
        html = get(client, {"q": "昌吉"})
        assert "每年结果数" in html
        drawn = counts(html)
        assert list(drawn) == [f"{year}年" for year in range(2016, 2024)]
        assert drawn["2017年"] == drawn["2019年"] == drawn["2020年"] == 0 and drawn["2016年"] == 2
        assert sum(drawn.values()) == result_total(html)
        for label, url, count in bars(html):
            assert search_address(url) == {"q": ["昌吉"], "start": [f"{label[:4]}-01-01"], "end": [f"{label[:4]}-12-31"]}
            assert result_total(get(client, url)) == count

    def test_compare_mode_draws_each_term_by_year_over_one_axis(self, client):
        html = get(client, {"q": "招商｜投资"})
        rows = table(html, "comparison")
        assert [label for label, _ in rows] == [f"{year}年" for year in range(2016, 2024)]
        assert dict(rows)["2016年"] == ["1", "1"] and dict(rows)["2021年"] == ["0", "1"]
        series = api(client, {"q": "招商｜投资"})["timeline"]
        assert series["unit"] == "year" and [s["counts"][0] for s in series["series"]] == [1, 1]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestCompareMode:
    def test_a_line_a_term_each_counting_what_its_own_search_finds(self, client):
        params = {"q": "招商 | 投资 ｜ 消防", "type": "article", "sort": "newest"}
        html = get(client, params)
        assert 'id="result-summary"' not in html and 'class="mb-4 search-hit"' not in html  # no list of hits
        # a line a term, drawn last term first so that the first is on top where they meet
        assert re.findall(r'<g class="series series-\d" data-term="([^"]+)">', html) == ["消防", "投资", "招商"]
        assert re.findall(r'<th scope="col">([^<]+)</th>', section(html, "comparison"))[1:] == ["招商", "投资", "消防"]
        rows = table(html, "comparison")
        for column, (term, url, shown) in enumerate(chart_terms(html)):
            assert search_address(url) == {"q": [term], "type": ["article"], "sort": ["newest"]}
            own = get(client, url)
            assert shown == f"共 {result_total(own)} 条"
            # the term's column is the term's own chart, month by month
            assert {label: int(cells[column]) for label, cells in rows if int(cells[column])} == \
                {label: n for label, n in counts(own).items() if n}
            assert sum(int(cells[column]) for _, cells in rows) == result_total(own)

    @pytest.mark.parametrize("dates", [("2023-04-01", "2023-04-30"), ("2023-04-16", "2023-08-17"), ("2023-05-01", None)])
    def test_with_dates_each_total_is_its_own_search_under_them_and_the_chart_the_whole_span(self, client, dates):
        params = {"q": "招商|投资", "start": dates[0]} | ({"end": dates[1]} if dates[1] else {})
        html = get(client, params)
        assert [label for label, _ in table(html, "comparison")][0] == "2023年3月"  # before the dates: drawn
        assert "浅蓝底色是已选的日期" in html
        for term, url, shown in chart_terms(html):
            assert search_address(url) == {"q": [term], **{name: [value] for name, value in params.items() if name != "q"}}
            assert shown == f"共 {result_total(get(client, url))} 条", (term, dates)

    def test_more_terms_than_five_is_a_message_not_a_search(self, client):
        response = client.get(reverse("search:search"), {"q": "招商 | 投资 | 消防 | 献血 | 签约 | 昌吉"})
        html = response.content.decode()
        assert response.status_code == 200 and "用 | 比较的词最多 5 个(这里有 6 个)" in html
        assert 'aria-invalid="true"' in html and 'id="comparison"' not in html and 'id="result-summary"' not in html
        answer = client.get(reverse("search:api"), {"q": "招商 | 投资 | 消防 | 献血 | 签约 | 昌吉"})
        assert answer.status_code == 400 and "最多 5 个" in answer.json()["error"]

    def test_a_term_with_nothing_to_find_is_named(self, client):
        html = get(client, {"q": "招商 | 。。"})
        assert "比较的“。。”里没有可以查找的文字" in html
        assert client.get(reverse("search:api"), {"q": "招商 | 。。"}).status_code == 400

    def test_one_term_and_a_bar_is_a_plain_search(self, client):
        html = get(client, {"q": "招商 |"})
        assert 'id="comparison"' not in html and result_total(html) == result_total(get(client, {"q": "招商"}))

    def test_the_api_gives_the_same_series_and_totals_as_the_page(self, client):
        params = {"q": "招商 | 投资", "section": Section.objects.get(name=SECTION).pk}
        answer, html = api(client, params), get(client, params)
        assert "results" not in answer and answer["query"] == "招商 | 投资"
        assert [(t["term"], f"共 {t['total']} 条", t["counted"]) for t in answer["terms"]] == \
            [(term, shown, True) for term, _, shown in chart_terms(html)]
        timeline = answer["timeline"]
        assert [s["term"] for s in timeline["series"]] == ["招商", "投资"]
        rows = table(html, "comparison")
        assert [period_dates(label) for label, _ in rows] == [(p["start"], p["end"]) for p in timeline["periods"]]
        for column, series in enumerate(timeline["series"]):
            assert series["counts"] == [int(cells[column]) for _, cells in rows]

    def test_when_the_time_is_spent_the_remaining_terms_are_not_counted(self, client, monkeypatch):
        asked = []

        def remaining(budget):  # the first count has time, then the budget is spent
            asked.append(1)
            return 1.0 if len(asked) == 1 else 0.0

        monkeypatch.setattr("search.results.Budget.remaining", remaining)
        html = get(client, {"q": "招商 | 投资 | 消防"})
        assert [(term, shown) for term, _, shown in chart_terms(html)] == [
            ("招商", "共 6 条"), ("投资", "未计算(检索时间已用完)"), ("消防", "未计算(检索时间已用完)")]
        assert re.findall(r'data-term="([^"]+)"', html) == ["招商"]
        assert all(cells[1:] == ["未计算", "未计算"] for _, cells in table(html, "comparison"))
        asked.clear()
        answer = api(client, {"q": "招商 | 投资 | 消防"})
        assert [(t["term"], t["total"], t["counted"]) for t in answer["terms"]] == [
            ("招商", 6, True), ("投资", None, False), ("消防", None, False)]
        assert [s["counts"] is None for s in answer["timeline"]["series"]] == [False, True, True]


HOSTILE_TERMS = ["", ",。!", '"', "OR", "-", "*", "title:", "招" * 150, "((", "\\", "%", "<script>alert(1)</script>",
                 "{{ 7*7 }}", '"a" ' * 20, "-招商", "\x00\x01", "a OR b OR c OR d OR e OR f OR g OR h OR i OR j OR k OR l OR m"]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestHostileComparisons:
    @pytest.mark.parametrize("term", HOSTILE_TERMS, ids=range(len(HOSTILE_TERMS)))
    def test_a_compare_query_never_fails(self, client, term):
        for query in (f"招商 | {term}", f"{term}|{term}x", f"{term}｜投资｜{term}"):
            for params in ({"q": query}, {"q": query, "start": "0001-01-01", "end": "9999-12-31"}):
                page = client.get(reverse("search:search"), params)
                assert page.status_code == 200, params
                answer = client.get(reverse("search:api"), params)
                assert answer.status_code in (200, 400), params
                assert answer.json().get("error") or "timeline" in answer.json()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
def test_estimated_counts_are_marked_on_the_bars_in_the_table_and_in_the_api(client, settings, tmp_path):
    """Past ARCHIVE_SEARCH_COMMON_ITEMS matches the FTS5 engine estimates the counts (a sample of
    days): the chart says 约, as the rest of the page does."""
    settings.ARCHIVE_SEARCH_COMMON_ITEMS = 3
    with search_engine("sqlite", tmp_path):
        call_command("rebuild_index", interactive=False, verbosity=0)
        html = get(client, {"q": "记者"})
        answer = api(client, {"q": "记者"})
        compared = api(client, {"q": "记者 | 外经贸"})
        rare = get(client, {"q": "外经贸"})
    chart = section(html, "timeline")
    names = re.findall(r'aria-label="(\d{4}年\d{1,2}月:[^"]+)"', chart)
    assert names and all(re.fullmatch(r"\d{4}年\d{1,2}月:约 [\d,]+ 条", name) for name in names)
    assert all(cells[0] == "0" or cells[0].startswith("约 ") for _, cells in table(html))
    assert answer["timeline"]["approximate"] is True and answer["total_is_estimate"] is True
    assert [s["approximate"] for s in compared["timeline"]["series"]] == [True, False]
    assert [t["total_is_estimate"] for t in compared["terms"]] == [True, False]
    assert "约" not in section(rare, "timeline")
