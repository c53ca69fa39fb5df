"""Reader-facing pages render what the page printed."""

import pytest
from django.urls import reverse

from archive.models import Article, Page, Person, Section

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_newest_articles_pages_and_sections(client, ingested):
    page = html(client, reverse("archive:home"))
    assert '<html lang="zh-Hans">' in page
    assert "昌吉州参加亚欧商博会招商引资重点项目签约仪式" in page
    assert "强信心 起好步 开新局" in page
    assert "cdn" not in page.lower()


def test_article_page_shows_headline_linked_byline_body_and_photo_in_place(client, ingested):
    article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
    page = html(client, article.get_absolute_url())
    person = Person.objects.get(name="宋华敏")
    assert f'<a href="{person.get_absolute_url()}">宋华敏</a>' in page
    assert "昌吉高新区第一季度10个项目集中复工开工 总投资20亿元" in page
    assert "(年份推断)" in page
    joined = page.index("新疆成飞新材料有限公司副总经理车林告诉记者。")
    photo = page.index("工人们正在加紧施工。")
    after = page.index("今年,昌吉高新区把")
    assert joined < photo < after
    assert page.count("<figure") == 1


def test_page_view_shows_items_in_reading_order_and_links_the_original_text(client, ingested):
    newspaper_page = Page.objects.get(source="000_6cccedd8bdd5bbb2.txt")
    page = html(client, newspaper_page.get_absolute_url())
    titles = ["昌吉州一季度招商引资实现“开门红”", "昌吉州工信系统开展工业经济观摩活动", "4月16日,民警帮助牧民看护羊群。",
              "推动总体国家安全观入脑入心"]
    positions = [page.index(t) for t in titles]
    assert positions == sorted(positions)
    text = client.get(reverse("archive:page-text", args=[newspaper_page.pk]))
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.decode() == newspaper_page.raw_text


def test_section_and_person_pages_list_their_articles(client, ingested):
    section = Section.objects.get(name="强信心 起好步 开新局")
    page = html(client, section.get_absolute_url())
    assert "开工! 吹响项目建设“冲锋号”" in page and "昌吉州一季度招商引资实现“开门红”" in page
    person = Person.objects.get(name="何龙")
    page = html(client, person.get_absolute_url())
    assert "4月16日,民警帮助牧民看护羊群。" in page


def test_missing_objects_are_404(client, db):
    assert client.get(reverse("archive:article", args=[12345])).status_code == 404
    assert client.get(reverse("archive:section", args=[12345])).status_code == 404


def test_arriving_from_a_search_marks_the_terms_in_the_article(client, ingested):
    article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
    page = html(client, article.get_absolute_url() + "?hl=外經貿 <b>")
    assert "昌吉州促进<mark>外经贸</mark>发展培训班在闽结业" in page
    assert page.count("<mark>") >= 2  # title and body
