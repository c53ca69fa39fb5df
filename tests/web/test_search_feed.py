"""Following a search (订阅此检索): its Atom feed lists the newest matches, keeps its filters, names
the query, and refuses bad parameters with a plain message."""

import datetime
import html
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from archive.models import Article, Person, Section
from search.engines import Filters
from search.query import parse_query
from search.results import search
from tests.helpers import ingest

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = reverse("search:feed")
SECTION = "强信心 起好步 开新局"


def feed(client, **params) -> ET.Element:
    response = client.get(FEED_URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> list[dict]:
    return [{
        "title": entry.findtext(f"{ATOM}title"),
        "link": entry.find(f"{ATOM}link").get("href"),
        "published": entry.findtext(f"{ATOM}published"),
        "updated": entry.findtext(f"{ATOM}updated"),
        "authors": [name.text for name in entry.iter(f"{ATOM}name")],
        "summary": entry.find(f"{ATOM}summary"),
        "categories": [c.get("term") for c in entry.iter(f"{ATOM}category")],
    } for entry in root.iter(f"{ATOM}entry")]


def newest(query: str, **filters) -> list[str]:
    """The addresses of the search's hits, newest first, as the feed links them."""
    found = search(parse_query(query), Filters(**filters), sort="newest", per_page=30)
    return ["http://testserver" + hit.url for hit in found.hits]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestTheFeed:
    def test_it_lists_the_searchs_newest_matches_newest_first(self, client):
        root = feed(client, q="招商")
        found = entries(root)
        assert [e["link"] for e in found] == newest("招商") and len(found) == 6
        assert [e["published"] for e in found] == sorted((e["published"] for e in found), reverse=True)
        assert found[0]["published"].startswith("2023-08-18T")
        assert all(e["updated"] for e in found)

    def test_it_names_the_query_and_points_at_the_search_page(self, client):
        root = feed(client, q="招商", sort="relevance", page="3")  # its order is always newest; no pages
        assert root.findtext(f"{ATOM}title") == "检索“招商” · 昌吉报纸档案"
        page = root.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert urlsplit(page).path == "/search/" and parse_qs(urlsplit(page).query) == {"q": ["招商"], "sort": ["newest"]}
        assert root.findtext(f"{ATOM}id") == page
        own = root.find(f"{ATOM}link[@rel='self']").get("href")
        assert parse_qs(urlsplit(own).query) == {"q": ["招商"]} and urlsplit(own).path == FEED_URL

    def test_an_entry_is_the_items_title_authors_and_a_plain_snippet(self, client):
        article = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
        [entry] = [e for e in entries(feed(client, q="招商引资")) if e["title"] == article.title]
        assert entry["link"] == "http://testserver" + article.get_absolute_url()
        assert entry["published"].startswith("2023-04-17T")
        assert entry["authors"] == ["刘茜、高祥钧"] and entry["categories"] == [SECTION]
        summary = html.unescape(entry["summary"].text)  # type="html": the plain text, escaped
        assert entry["summary"].get("type") == "html"
        assert "招商引资" in summary and "<mark>" not in summary and "##" not in summary

    def test_the_filters_are_kept_and_named(self, client):
        section, person = Section.objects.get(name=SECTION), Person.objects.get(name="刘茜")
        root = feed(client, q="昌吉", section=section.pk)
        assert root.findtext(f"{ATOM}title") == f"检索“昌吉”(栏目:{SECTION}) · 昌吉报纸档案"
        assert [e["link"] for e in entries(root)] == newest("昌吉", section_id=section.pk)
        assert all(e["categories"] == [SECTION] for e in entries(root))
        by_person = feed(client, person=person.pk)  # a filter alone is a search too
        assert by_person.findtext(f"{ATOM}title") == "检索(作者:刘茜) · 昌吉报纸档案"
        assert [e["link"] for e in entries(by_person)] == newest("", person_id=person.pk)
        assert all("刘茜" in e["authors"][0] for e in entries(by_person))
        photos = entries(feed(client, q="何龙", type="photo", start="2023-04-01", end="2023-12-31"))
        assert photos and all("#photo-" in e["link"] for e in photos)
        assert [e["link"] for e in photos] == newest("何龙", kind="photo", start=datetime.date(2023, 4, 1),
                                                     end=datetime.date(2023, 12, 31))

    def test_it_lists_only_the_newest_few(self, client, monkeypatch):
        monkeypatch.setattr("search.feeds.FEED_ITEMS", 4)
        found = entries(feed(client, q="昌吉"))
        assert [e["link"] for e in found] == newest("昌吉")[:4]

    def test_a_search_with_no_match_yet_is_an_empty_feed(self, client):
        root = feed(client, q="量子计算机")
        assert entries(root) == [] and root.findtext(f"{ATOM}updated")


BAD = [
    ({"q": ""}, "参数 q"),
    ({}, "参数 q"),
    ({"q": ",。!"}, "参数 q"),
    ({"q": "招商", "section": "abc"}, "参数 section"),
    ({"q": "招商", "type": "x"}, "参数 type"),
    ({"q": "招商", "person": "9" * 30}, "参数 person"),
    ({"q": "招商", "start": "2023-02-30"}, "参数 start"),
    ({"q": "招商", "start": "2023-05-01", "end": "2023-01-01"}, "参数 start、end"),
    ({"q": "a" * 100}, "参数 q:检索过于复杂"),
    ({"q": "标题:"}, "参数 q"),
    ({"q": "招商 | 投资"}, "参数 q:用 | 比较的几个词只有各自的数量"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestBadParameters:
    @pytest.mark.parametrize("params, message", BAD, ids=range(len(BAD)))
    def test_a_bad_parameter_is_a_plain_400_naming_it(self, client, params, message):
        response = client.get(FEED_URL, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert message in response.content.decode()


CONTROL_PAGE = "换页符\f的标题\n\n本报讯 记者刘茜报道:12月30日,正文\f含换页符\v与竖向制表符\v,招商。\n"


def test_characters_xml_forbids_do_not_break_the_feed(client, hostile_archive, tmp_path):
    path = tmp_path / "controls.txt"
    path.write_text("2030年\n\n" + CONTROL_PAGE, encoding="utf-8")
    ingest(path)
    bidi = tmp_path / "bidi.txt"
    bidi.write_text("2030年\n\n昌吉州\u202e闻新假\u202c招商会议召开\n\n本报讯 记者刘茜报道:12月29日,正文。\n", encoding="utf-8")
    ingest(bidi)
    for params in [{"q": "换页符"}, {"q": "换页符\f"}, {"q": "招商"}]:
        response = client.get(FEED_URL, params)
        assert response.status_code == 200, params
        found = entries(ET.fromstring(response.content))
        assert found and "\u202e" not in response.content.decode()
    titles = [e["title"] for e in entries(ET.fromstring(client.get(FEED_URL, {"q": "招商"}).content))]
    assert titles[:2] == ["换页符 的标题", "昌吉州[U+202E]闻新假[U+202C]招商会议召开"]  # newest first: 12-30, 12-29
    summary = html.unescape(entries(ET.fromstring(client.get(FEED_URL, {"q": "换页符"}).content))[0]["summary"].text)
    assert "正文 含换页符 与竖向制表符" in summary
    assert "\f" in Article.objects.get(title__startswith="换页符").title  # the archive keeps it
