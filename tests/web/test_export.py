"""Exporting a search's results (CSV with a BOM, JSON Lines): every hit of the search in its order,
the filters kept, the limit honoured and said, the text only when asked for, bad parameters a
message naming them, an engine failing before or during the export."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article, Person, PhotoCaption, Section
from search.engines import Filters, reset
from search.export import FIELDS, ExportInterrupted
from search.query import parse_query
from search.results import search
from tests.helpers import break_index_files, engine_under_test, ingest, search_engine
from tests.seeds import SEEDS_DIR

CSV_URL, JSONL_URL = reverse("search:export", args=["csv"]), reverse("search:export", args=["jsonl"])
SECTION = "强信心 起好步 开新局"


def export(client, url: str = CSV_URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]  # the BOM Excel and WPS need to read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def jsonl_rows(body: bytes) -> list[dict]:
    return [json.loads(line) for line in body.decode("utf-8").split("\n") if line]


def hits(query: str, sort: str = "relevance", **filters) -> list[tuple[str, str]]:
    """The search's hits, every page, as (type, id) in its order."""
    found = search(parse_query(query), Filters(**filters), sort=sort, per_page=1000)
    return [(hit.kind, str(hit.object.pk)) for hit in found.hits]


def kinds_and_ids(rows: list[dict]) -> list[tuple[str, str]]:
    return [(row["type"], str(row["id"])) for row in rows]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestWhatIsExported:
    def test_a_csv_has_a_bom_a_head_and_the_searchs_hits_in_order(self, client):
        response, body = export(client, q="昌吉")
        rows = csv_rows(body)
        assert list(rows[0]) == list(FIELDS)
        assert kinds_and_ids(rows) == hits("昌吉") and len(rows) > 15
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["X-Archive-Export-Truncated"] == "false"
        assert response["X-Archive-Export-Total"] == str(len(rows))

    def test_each_row_is_the_items_printed_fields(self, client):
        rows = {row["id"]: row for row in csv_rows(export(client, q="招商引资")[1]) if row["type"] == "article"}
        article = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
        row = rows[str(article.pk)]
        assert row == {
            "id": str(article.pk), "type": "article", "permalink": "http://testserver" + article.get_absolute_url(),
            "date": "2023-04-17", "issue_date": article.page.date.isoformat(), "section": SECTION,
            "title": "昌吉州一季度招商引资实现“开门红”",
            "byline": "本报讯 记者刘茜、通讯员高祥钧报道:", "names": "刘茜、高祥钧",
        }
        assert "<mark>" not in "".join(r["title"] for r in rows.values())  # plain text, not the page's HTML

    def test_a_photo_is_its_caption_and_credit_and_the_photographer(self, client):
        photo = PhotoCaption.objects.get(caption__startswith="4月16日,民警帮助牧民")
        [row] = jsonl_rows(export(client, JSONL_URL, q="民警帮助牧民", type="photo")[1])
        assert row == {"id": photo.pk, "type": "photo", "permalink": "http://testserver" + photo.get_absolute_url(),
                       "date": "2023-04-16", "issue_date": photo.page.date.isoformat(), "section": None,
                       "title": photo.caption,
                       "byline": "本报记者 何龙 摄", "names": ["何龙"]}

    def test_a_photo_printed_in_a_matching_article_is_no_row_of_its_own(self, client):
        photo = PhotoCaption.objects.get(caption__contains="工人们正在加紧施工")
        rows = jsonl_rows(export(client, JSONL_URL, q='"工人们正在加紧施工"')[1])
        assert kinds_and_ids(rows) == [("article", str(photo.article_id))]
        alone = jsonl_rows(export(client, JSONL_URL, q='"工人们正在加紧施工"', type="photo")[1])
        assert kinds_and_ids(alone) == [("photo", str(photo.pk))]

    def test_json_lines_hold_the_same_rows_one_item_a_line(self, client):
        response, body = export(client, JSONL_URL, q="昌吉", sort="newest")
        rows = jsonl_rows(body)
        assert body.endswith(b"\n") and body.count(b"\n") == len(rows)
        assert kinds_and_ids(rows) == hits("昌吉", sort="newest")
        assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
        assert all(isinstance(r["names"], list) and isinstance(r["id"], int) for r in rows)
        csv_body = export(client, q="昌吉", sort="newest")[1]
        assert [{**r, "id": str(r["id"]), "names": "、".join(r["names"]), "section": r["section"] or "",
                 "issue_date": r["issue_date"] or ""}
                for r in rows] == csv_rows(csv_body)
        assert response["Content-Type"].startswith("application/x-ndjson")

    def test_the_text_is_a_column_only_when_asked_for(self, client):
        assert "text" not in csv_rows(export(client, q="产业集群")[1])[0]
        assert "text" not in jsonl_rows(export(client, JSONL_URL, q="产业集群", text="0")[1])[0]
        article = Article.objects.get(title="没有等出来的精彩 只有干出来的辉煌")  # with subheadings
        rows = {r["id"]: r for r in csv_rows(export(client, q="产业集群", text="1")[1])}
        text = rows[str(article.pk)]["text"]
        assert text == "\n\n".join(block.text for block in article.blocks())
        assert "“链”上招商新赛道\n打造经济发展增长极" in text and "## " not in text
        assert text.startswith(article.paragraphs()[0])
        photo = PhotoCaption.objects.get(caption__startswith="4月16日,民警帮助牧民")
        [row] = jsonl_rows(export(client, JSONL_URL, q="民警帮助牧民", type="photo", text="1")[1])
        assert row["text"] == photo.description and row["text"].startswith("随着天气转暖")

    def test_the_file_is_named_after_the_query(self, client):
        response, _ = export(client, q="招商 引资")
        assert response["Content-Disposition"] == (
            "attachment; filename=\"archive-search.csv\"; "
            "filename*=UTF-8''%E6%A3%80%E7%B4%A2_%E6%8B%9B%E5%95%86_%E5%BC%95%E8%B5%84.csv")  # 检索_招商_引资.csv
        person = Person.objects.get(name="刘茜")
        response, _ = export(client, JSONL_URL, person=person.pk)
        assert response["Content-Disposition"].endswith("%E6%A3%80%E7%B4%A2_%E5%85%A8%E9%83%A8.jsonl")  # 检索_全部
        response, _ = export(client, q='a/b:"c"')
        assert "filename*=UTF-8''%E6%A3%80%E7%B4%A2_a_b_c.csv" in response["Content-Disposition"]
        response, _ = export(client, q="招商\u202evsc.exe")  # shown reversed, it would end in .exe
        assert response["Content-Disposition"].endswith("%E6%8B%9B%E5%95%86_vsc.exe.csv")  # 招商_vsc.exe.csv


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestFiltersAndLimits:
    def test_the_filters_and_the_order_are_the_search_pages(self, client):
        section, person = Section.objects.get(name=SECTION), Person.objects.get(name="刘茜")
        for params, filters in [
            ({"section": section.pk}, {"section_id": section.pk}),
            ({"type": "photo"}, {"kind": "photo"}),
            ({"person": person.pk}, {"person_id": person.pk}),
            ({"start": "2023-04-01", "end": "2023-04-30"},
             {"start": datetime.date(2023, 4, 1), "end": datetime.date(2023, 4, 30)}),
        ]:
            for sort in ("relevance", "oldest"):
                rows = csv_rows(export(client, q="昌吉", sort=sort, **params)[1])
                assert rows and kinds_and_ids(rows) == hits("昌吉", sort=sort, **filters), (params, sort)
        dated = csv_rows(export(client, q="昌吉", start="2023-04-01", end="2023-04-30")[1])
        assert all("2023-04-01" <= row["date"] <= "2023-04-30" for row in dated)
        assert all(row["section"] == SECTION for row in csv_rows(export(client, q="昌吉", section=section.pk)[1]))
        assert all("刘茜" in row["names"].split("、") for row in csv_rows(export(client, person=person.pk)[1]))

    def test_a_name_in_the_query_filters_as_the_parameter_does(self, client):
        assert csv_rows(export(client, q="作者:刘茜")[1]) == csv_rows(
            export(client, person=Person.objects.get(name="刘茜").pk)[1])

    def test_the_limit_cuts_the_export_and_says_so(self, client):
        every = hits("昌吉")
        with override_settings(ARCHIVE_EXPORT_LIMIT=4):
            response, body = export(client, q="昌吉")
        assert kinds_and_ids(csv_rows(body)) == every[:4]
        assert response["X-Archive-Export-Truncated"] == "true" and response["X-Archive-Export-Limit"] == "4"
        assert response["X-Archive-Export-Total"] == str(len(every))
        with override_settings(ARCHIVE_EXPORT_LIMIT=len(every)):  # exactly as many: nothing cut
            response, body = export(client, q="昌吉")
        assert kinds_and_ids(csv_rows(body)) == every and response["X-Archive-Export-Truncated"] == "false"

    def test_many_engine_pages_give_the_same_rows_as_one(self, client, monkeypatch):
        whole = csv_rows(export(client, q="昌吉", text="1")[1])
        monkeypatch.setattr("search.matches.ENGINE_PAGE", 3)
        assert csv_rows(export(client, q="昌吉", text="1")[1]) == whole
        with override_settings(ARCHIVE_EXPORT_LIMIT=7):  # the limit inside an engine page
            assert csv_rows(export(client, q="昌吉")[1]) == [
                {name: row[name] for name in FIELDS} for row in whole[:7]]

    @pytest.mark.parametrize("kind", ["article", "photo"])
    def test_each_engine_page_is_loaded_in_a_fixed_number_of_queries(self, client, kind):
        def queries(limit: int) -> tuple[int, int]:
            with override_settings(ARCHIVE_EXPORT_LIMIT=limit), CaptureQueriesContext(connection) as captured:
                rows = csv_rows(export(client, q="昌吉", type=kind, text="1")[1])
            return len(captured), len(rows)

        (few, one_row), (many, every_row) = queries(1), queries(1000)
        assert one_row == 1 and every_row > 3
        assert many == few, "each row cost a query of its own"

    def test_an_estimated_total_near_the_limit_is_checked_and_the_rows_are_exact(self, client, settings, tmp_path):
        settings.ARCHIVE_SEARCH_COMMON_ITEMS = 3  # the FTS5 engine estimates counts past this (a sample)
        with search_engine("sqlite", tmp_path):
            call_command("rebuild_index", interactive=False, verbosity=0)
            exact = hits("记者")
            with override_settings(ARCHIVE_EXPORT_LIMIT=len(exact)):
                response, body = export(client, q="记者")
            with override_settings(ARCHIVE_EXPORT_LIMIT=len(exact) - 1):
                cut, cut_body = export(client, q="记者")
        assert response["X-Archive-Export-Total-Is-Estimate"] == "true"
        assert kinds_and_ids(csv_rows(body)) == exact and response["X-Archive-Export-Truncated"] == "false"
        assert kinds_and_ids(csv_rows(cut_body)) == exact[:-1] and cut["X-Archive-Export-Truncated"] == "true"


BAD = [
    ({"q": "招商", "sort": "bogus"}, 400, "参数 sort"),
    ({"q": "招商", "section": "abc"}, 400, "参数 section"),
    ({"q": "招商", "section": "999999"}, 400, "参数 section"),
    ({"q": "招商", "type": "x"}, 400, "参数 type"),
    ({"q": "招商", "person": "zz"}, 400, "参数 person"),
    ({"q": "招商", "start": "2023-13-45"}, 400, "参数 start"),
    ({"q": "招商", "end": "yesterday"}, 400, "参数 end"),
    ({"q": "招商", "start": "2023-05-01", "end": "2023-01-01"}, 400, "参数 start、end"),
    ({"q": "招商", "text": "yes"}, 400, "参数 text"),
    ({"q": "招" * 300}, 400, "参数 q:检索词太长了"),
    ({"q": "a" * 100}, 400, "参数 q:检索过于复杂"),
    ({"q": "作者:无此人"}, 400, "参数 q:档案中没有署名为“无此人”的作者"),
    ({"q": "招商 | 投资"}, 400, "参数 q:用 | 比较的几个词只有各自的数量"),
    ({"q": ""}, 400, "参数 q"),
    ({"q": ",。!"}, 400, "参数 q"),
    ({}, 400, "参数 q"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestBadRequests:
    @pytest.mark.parametrize("params, status, message", BAD, ids=range(len(BAD)))
    @pytest.mark.parametrize("url", [CSV_URL, JSONL_URL])
    def test_a_bad_parameter_is_a_message_naming_it(self, client, url, params, status, message):
        response = client.get(url, params)
        assert response.status_code == status
        assert message in response.json()["error"]

    def test_a_format_that_does_not_exist_is_a_404_saying_which_do(self, client):
        for fmt in ["xml", "xlsx", "CSV", "csv.gz", "%00"]:
            response = client.get(reverse("search:export", args=[fmt]), {"q": "招商"})
            assert response.status_code == 404 and "可用:csv、jsonl" in response.json()["error"]

    def test_the_page_parameter_is_no_part_of_an_export(self, client):
        assert csv_rows(export(client, q="昌吉", page="abc")[1]) == csv_rows(export(client, q="昌吉")[1])

    def test_it_is_read_only(self, client):
        assert client.post(CSV_URL, {"q": "招商"}).status_code == 405

    def test_a_head_request_gets_the_headers_without_the_rows(self, client):
        response = client.head(CSV_URL, {"q": "昌吉"})
        assert response.status_code == 200 and response["X-Archive-Export-Truncated"] == "false"
        assert b"".join(response.streaming_content) == b""


@pytest.fixture
def own_archive(transactional_db, fresh_index):
    """The seed pages in an index of their own, whose files a test may break."""
    if engine_under_test() == "postgres":
        pytest.skip("the PostgreSQL engine's index is tables of the archive's database: no files to break")
    ingest(SEEDS_DIR)
    return fresh_index


def test_a_search_over_its_budget_is_refused_before_any_row(client, hostile_archive):
    with override_settings(ARCHIVE_SEARCH_BUDGET_MS=1):
        response = client.get(CSV_URL, {"q": "aaaaaaaa aaaaaaaa"})
    assert response.status_code == 400 and "检索过于复杂" in response.json()["error"]


def test_an_index_that_cannot_be_read_is_a_503_before_any_row(client, own_archive):
    own_archive.close()
    break_index_files(settings.ARCHIVE_SEARCH)
    reset()
    response = client.get(CSV_URL, {"q": "昌吉"})
    assert response.status_code == 503 and response.json()["error"] == "检索暂时不可用,请稍后再试。"


def test_an_index_failing_after_the_first_engine_page_breaks_the_stream_off(client, own_archive, monkeypatch):
    monkeypatch.setattr("search.matches.ENGINE_PAGE", 2)
    response = client.get(CSV_URL, {"q": "昌吉"})
    assert response.status_code == 200
    own_archive.close()
    break_index_files(settings.ARCHIVE_SEARCH)
    reset()
    with pytest.raises(ExportInterrupted, match="导出中断"):
        b"".join(response.streaming_content)


VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x00", "\u202e昌吉\u202c", "招" * 300, "a" * 100, '"' * 30, "-1", "0", "1", "99999999999999999999",
                     "2023-02-30", "2023-04-01", "newest", "photo", "article", "作者:刘茜", "栏目:强信心", "标题:",
                     "昌吉", "OR OR -", "%00"]),
)
ADDRESSES = st.sampled_from([CSV_URL, JSONL_URL, reverse("search:feed")])
PARAMETERS = st.dictionaries(st.sampled_from(["q", "section", "type", "person", "start", "end", "sort", "text", "page"]),
                             VALUES, max_size=5)


@pytest.mark.usefixtures("hostile_archive")
@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(address=ADDRESSES, params=PARAMETERS)
def test_no_export_or_feed_gets_a_server_error(client, address, params):
    response = client.get(address, params)
    assert response.status_code < 500, (address, params)
    if response.status_code == 200 and response.streaming:
        b"".join(response.streaming_content)  # the whole stream is written without an error
    elif response.status_code != 200:
        assert (response.json()["error"] if address != reverse("search:feed") else response.content.decode())
