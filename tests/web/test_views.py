"""Reader-facing pages render what the page printed, link to each other, and stay cheap."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from archive.models import Article, Page, Person, PhotoCaption, Section
from tests.helpers import sitemap_entries

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_lists_newest_articles_pages_sections_and_the_date_range(client, ingested):
    page = html(client, reverse("archive:home"))
    assert '<html lang="zh-Hans">' in page
    assert "收录 2023年3月22日 至 2023年8月18日 的版面" in page
    assert "昌吉州参加亚欧商博会招商引资重点项目签约仪式" in page
    assert "强信心 起好步 开新局" in page
    assert 'name="q"' in page
    assert "cdn" not in page.lower()


def test_article_page_shows_headline_linked_byline_body_and_photo_in_place(client, ingested):
    article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
    page = html(client, article.get_absolute_url())
    person = Person.objects.get(name="宋华敏")
    assert f'<a href="{person.get_absolute_url()}">宋华敏</a>' in page
    assert "昌吉高新区第一季度10个项目集中复工开工 总投资20亿元" in page
    assert "(年份推断)" not in page and "版面未印年份,年份由版面文字推断。" in page  # said once, below
    joined = page.index("新疆成飞新材料有限公司副总经理车林告诉记者。")
    photo = page.index("工人们正在加紧施工。")
    after = page.index("今年,昌吉高新区把")
    assert joined < photo < after
    assert page.count("<figure") == 1 and "<figcaption>" in page
    assert 'rel="bookmark"' in page and 'rel="next"' in page and 'rel="prev"' not in page
    assert "州住房公积金管理中心多措并举推动各项工作有序开展" in page  # other items on the page


def test_subheadings_render_as_headings_inside_the_body(client, ingested):
    article = Article.objects.get(title="没有等出来的精彩 只有干出来的辉煌")
    page = html(client, article.get_absolute_url())
    assert '<h2 class="subheading">“链”上招商新赛道\n打造经济发展增长极</h2>' in page
    assert page.count("<h1") == 1


def test_page_view_shows_items_in_reading_order_with_neighbours_and_original_text(client, ingested):
    newspaper_page = Page.objects.get(source="000_6cccedd8bdd5bbb2.txt")
    page = html(client, newspaper_page.get_absolute_url())
    titles = ["扎实开展学习贯彻", "昌吉州一季度招商引资实现“开门红”", "昌吉州工信系统开展工业经济观摩活动",
              "4月16日,民警帮助牧民看护羊群。", "推动总体国家安全观入脑入心"]
    positions = [page.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "← 上一版 2023年3月26日 第1版" in page and "下一版 2023年4月21日 第1版 →" in page
    text = client.get(newspaper_page.get_text_url())
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.decode() == newspaper_page.raw_text


def test_date_archive_years_months_and_days(client, ingested):
    assert "2023年" in html(client, reverse("archive:dates"))
    year = html(client, reverse("archive:year", args=[2023]))
    assert year.count("<table") == 4
    month = html(client, reverse("archive:month", args=[2023, 4]))
    assert '<a class="fw-bold" href="/dates/2023/4/17/" aria-label="2023年4月17日,3 篇">17</a>' in month
    assert "<abbr title=\"星期一\">一</abbr>" in month
    assert 'href="/dates/2023/3/"' in month and 'href="/dates/2023/5/"' in month
    day = html(client, reverse("archive:day", args=[2023, 3, 24]))
    assert "开工! 吹响项目建设“冲锋号”" in day and "3月24日,昌吉市消防救援大队" in day


# Ids far past any the session makes: SQLite's AUTOINCREMENT keeps counting across the tests that
# flush the tables, so a small id (999) is a real person once enough seed archives were ingested.
@pytest.mark.parametrize("url", ["/dates/2024/", "/dates/2023/13/", "/dates/2023/2/", "/dates/2023/2/30/",
                                 "/dates/2023/1/1/", "/articles/999999999/", "/pages/999999999/",
                                 "/people/999999999/", "/sections/999999999/", "/feeds/sections/999999999/",
                                 "/no/such/page/"])
def test_missing_things_get_the_friendly_404(client, ingested, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "找不到这一页" in response.content.decode()


def test_section_and_person_pages_list_their_work_newest_first(client, ingested):
    section = Section.objects.get(name="强信心 起好步 开新局")
    page = html(client, section.get_absolute_url())
    assert page.index("昌吉州一季度招商引资实现“开门红”") < page.index("开工! 吹响项目建设“冲锋号”")
    photographer = Person.objects.get(name="何龙")
    assert "4月16日,民警帮助牧民看护羊群。" in html(client, photographer.get_absolute_url())
    reporter = Person.objects.get(name="刘茜")
    as_reporter = html(client, reporter.get_absolute_url(), role="reporter")
    assert "昌吉州促进外经贸发展培训班在闽结业" in as_reporter
    assert "工人们正在加紧施工" in html(client, reporter.get_absolute_url(), role="photographer")
    assert "记者 6" in as_reporter and "摄影 1" in as_reporter


def test_people_sections_and_photos_lists(client, ingested):
    people = html(client, reverse("archive:people"))
    assert "荷苒·马汗" in people and "景邀颖" in people
    assert "新时代新征程新伟业" in html(client, reverse("archive:sections"))
    photos = html(client, reverse("archive:photos"))
    assert photos.count("<figure") == PhotoCaption.objects.count() == 7
    assert "见稿件" in photos and "本报记者 何龙 摄" not in photos.replace("<a href", "")  # names are linked


def test_atom_feeds(client, ingested):
    feed = ET.fromstring(client.get(reverse("archive:feed-latest")).content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 17
    assert entries[0].find(f"{ATOM}title").text == "“链”上昌吉 融入“丝路”昌吉州招商引资推介会暨项目签约仪式在乌举行"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "左晓雨"
    section = Section.objects.get(name="强信心 起好步 开新局")
    feed = ET.fromstring(client.get(reverse("archive:feed-section", args=[section.pk])).content)
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == [
        "昌吉州一季度招商引资实现“开门红”", "开工! 吹响项目建设“冲锋号”"]


def test_sitemap_lists_articles_pages_and_listings(client, ingested):
    urls = list(sitemap_entries(client))
    dates = 1 + 4 + 12  # 2023, its four months and twelve days with items (tests/web/test_site_files.py)
    issues = 5  # /issues/2023-04-17/ …: each day's paper
    assert len(urls) == 5 + 5 + 17 + Section.objects.count() + Person.objects.count() + dates + issues
    assert "http://testserver/issues/2023-04-17/" in urls and "http://testserver/issues/2023-04-17/1/" in urls


def test_arriving_from_a_search_marks_the_terms_in_the_article(client, ingested):
    article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
    page = html(client, article.get_absolute_url(), hl="外經貿 <b>")
    assert "昌吉州促进<mark>外经贸</mark>发展培训班在闽结业" in page
    assert page.count("<mark>") >= 2  # title and body


def test_staff_see_the_admin_link_readers_do_not(staff_client, ingested):
    from django.test import Client
    assert "/admin/" not in html(Client(), reverse("archive:home"))
    assert "/admin/" in html(staff_client, reverse("archive:home"))


QUERY_BUDGET = {  # each view's queries stay the same however many items it shows
    "home": (lambda: reverse("archive:home"), 8),
    "page": (lambda: Page.objects.get(source="001_b27b06e6fa13e9ad.txt").get_absolute_url(), 10),
    # an article alone on its page: its neighbours are the pages around it (two indexed lookups
    # each, the issue's then the next day's) and their last and first articles (archive/reading.py)
    "article": (lambda: Article.objects.get(title="没有等出来的精彩 只有干出来的辉煌").get_absolute_url(), 20),
    "section": (lambda: Section.objects.get(name="强信心 起好步 开新局").get_absolute_url(), 8),
    "person": (lambda: Person.objects.get(name="刘茜").get_absolute_url(), 10),  # articles and photos, aliases
    "people": (lambda: reverse("archive:people"), 3),
    "photos": (lambda: reverse("archive:photos"), 6),
    "month": (lambda: reverse("archive:month", args=[2023, 4]), 3),
    "day": (lambda: reverse("archive:day", args=[2023, 4, 17]), 7),
    "feed": (lambda: reverse("archive:feed-latest"), 5),
    "api-pages": (lambda: reverse("archive:api-pages"), 10),
}


@pytest.mark.parametrize("name", QUERY_BUDGET)
def test_no_n_plus_one_queries(client, ingested, django_assert_max_num_queries, name):
    url, budget = QUERY_BUDGET[name]
    url = url()
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_no_listing_loads_a_pages_source_text(client, ingested, staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url, who in [("/sitemap.xml", client), ("/sitemap-pages.xml", client), ("/sitemap-articles.xml", client),
                     ("/api/pages/", client), ("/pages/", client),
                     ("/admin/archive/article/", staff_client), ("/admin/archive/page/", staff_client),
                     ("/admin/archive/photocaption/", staff_client)]:
        with CaptureQueriesContext(connection) as queries:
            assert who.get(url).status_code == 200
        assert not [q["sql"] for q in queries if "raw_text" in q["sql"] and "SELECT" in q["sql"]], url


def test_an_archive_of_many_rubrics_shows_the_largest_on_the_home_page_and_pages_the_rest(client, ingested):
    Section.objects.bulk_create([Section(name=f"专栏{n:03d}", article_count=n) for n in range(1, 131)])
    page = html(client, reverse("archive:home"))
    home = page[page.index('<section aria-labelledby="sections">'):]
    home = home[:home.index("</section>")]
    assert home.count('href="/sections/') == 15 + 1  # the fifteen largest, and 全部栏目
    assert "专栏130" in home and "专栏100" not in home and 'href="/sections/">全部栏目</a>' in home
    first = html(client, reverse("archive:sections"))
    assert first.index("专栏130") < first.index("专栏129") and "专栏001" not in first
    assert "专栏001" in html(client, reverse("archive:sections"), page=2)


def test_lists_of_article_summaries_do_not_load_article_bodies(client, ingested):
    """A day's list shows ~90 summaries at scale: heads and bylines, never the texts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in [reverse("archive:home"), reverse("archive:day", args=[2023, 4, 17]),
                Section.objects.get(name="强信心 起好步 开新局").get_absolute_url(),
                Person.objects.get(name="刘茜").get_absolute_url()]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200 and "<article" in page.content.decode()
        assert not [q["sql"] for q in queries if '"archive_article"."body"' in q["sql"]], url
