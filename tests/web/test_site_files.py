"""What a careful site answers besides its pages: robots.txt, a favicon, dates in the sitemap,
and a description and OpenGraph tags on every page."""

import html as html_lib
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from archive.models import Article, PhotoCaption
from tests.helpers import sitemap_entries

pytestmark = pytest.mark.django_db


def meta(page: str) -> dict[str, str]:
    """name/property → content of the page's <meta> tags."""
    tags = re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', page)
    return {key: html_lib.unescape(value) for key, value in tags}


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_search_and_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /search/"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.get("/robots.txt", secure=True).content.decode().count("Sitemap: https://testserver/sitemap.xml") == 1


def test_favicon_ico_is_a_real_icon_and_pages_link_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico") and response["Location"].startswith("/static/")
    assert "max-age=86400" in response["Cache-Control"]
    icon = finders.find("favicon.ico")
    with open(icon, "rb") as file:
        assert file.read(4) == b"\x00\x00\x01\x00"  # the ICO header
    svg = finders.find("favicon.svg")
    assert svg and open(svg, encoding="utf-8").read().startswith("<svg")
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in client.get("/").content.decode()


def test_sitemap_lists_every_year_month_and_day_with_items(client, ingested, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get("/sitemap-dates.xml").status_code == 200
    entries = sitemap_entries(client)
    days = set(Article.objects.dates("shown_date", "day")) | set(PhotoCaption.objects.standalone().dates("shown_date", "day"))
    day_urls = {f"http://testserver{reverse('archive:day', args=[d.year, d.month, d.day])}" for d in days}
    month_urls = {f"http://testserver{reverse('archive:month', args=[d.year, d.month])}" for d in days}
    assert day_urls <= set(entries) and month_urls <= set(entries)
    assert "http://testserver/dates/2023/4/17/" in entries and "http://testserver/dates/2023/" in entries
    dated = [url for url in entries if "/dates/" in url and url != "http://testserver/dates/"]
    assert len(dated) == len(days) + len(month_urls) + len({d.year for d in days})
    for url in dated:  # every date listed answers, and says when it last changed
        assert client.get(url).status_code == 200, url
        assert entries[url] is not None and entries[url].text.startswith("2")


def test_the_sitemap_index_counts_its_sitemaps_pages_without_listing_them(client, ingested, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # one count per sitemap
        index = client.get("/sitemap.xml").content.decode()
    for name in ("pages", "articles", "sections", "people", "dates", "issues"):
        assert f"/sitemap-{name}.xml</loc>" in index


def test_every_page_has_a_description_and_opengraph_tags(client, ingested):
    page = client.get(reverse("archive:photos")).content.decode()
    tags = meta(page)
    assert tags["description"] and tags["og:description"] == tags["description"]
    assert tags["og:type"] == "website"
    assert tags["og:title"] == "图片"
    assert tags["og:url"] == "http://testserver/photos/"
    assert tags["og:site_name"] == "昌吉报纸档案"
    assert tags["og:locale"] == "zh_CN"
    assert meta(client.get("/").content.decode())["og:title"] == "昌吉报纸档案"


def test_an_article_is_described_by_the_start_of_its_body(client, ingested):
    article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
    page = client.get(article.get_absolute_url(), {"hl": "开工"}).content.decode()
    tags = meta(page)
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "开工! 吹响项目建设“冲锋号”"
    assert tags["og:url"] == f"http://testserver{article.get_absolute_url()}"  # without ?hl=
    start = "".join(article.paragraphs())[:40]
    assert tags["description"].startswith(start) and tags["og:description"] == tags["description"]
    assert 90 <= len(tags["description"]) <= 100 and tags["description"].endswith("…")
    assert "<mark>" not in tags["description"]


def test_sitemap_pages_by_key_list_every_article_once_after_deletions(client, ingested, monkeypatch):
    from archive.sitemaps import ArticleSitemap
    monkeypatch.setattr(ArticleSitemap, "limit", 4)  # seventeen articles: five pages
    for article in Article.objects.order_by("pk")[2:8:2]:
        article.delete()  # gaps in the keys: some pages list fewer
    listed = [url for url in sitemap_entries(client) if "/articles/" in url]
    expected = [f"http://testserver{a.get_absolute_url()}" for a in Article.objects.select_related("page")]
    assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed)) == 14


def test_an_articles_sitemap_entry_carries_its_address_and_the_day_it_last_changed(client, ingested):
    """lastmod is the day in the archive's time zone (Asia/Shanghai) of the article's edit,
    else of its page's ingest: an edit at 23:30 UTC is dated the next day, as Django's would be."""
    import datetime

    from archive.sitemaps import ArticleSitemap

    article = Article.objects.select_related("page").order_by("pk").first()
    edited = datetime.datetime(2024, 5, 1, 23, 30, tzinfo=datetime.timezone.utc)
    Article.objects.filter(pk=article.pk).update(edited_at=edited)
    block = (article.pk - 1) // ArticleSitemap.limit  # keys run on from earlier tests on PostgreSQL
    xml = client.get("/sitemap-articles.xml", {"p": block + 1}).content.decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset')
    entry = re.search(rf"<url><loc>http://testserver{re.escape(article.get_absolute_url())}</loc>(.*?)</url>", xml)
    assert entry and entry.group(1) == "<lastmod>2024-05-02</lastmod><changefreq>yearly</changefreq>"
    untouched = (Article.objects.select_related("page").exclude(pk=article.pk)
                 .filter(edited_at=None, pk__lte=(block + 1) * ArticleSitemap.limit).first())
    page_day = untouched.page.updated_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
    assert f"{untouched.get_absolute_url()}</loc><lastmod>{page_day.isoformat()}</lastmod>" in xml
