"""Research tools on the article and page views: citations in three styles (shown, escaped, in
the API), Highwire citation tags for reference managers, and the links the reading keys follow."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from archive.models import Article, Page
from tests.helpers import ingest
from tests.seeds import read_seed

pytestmark = pytest.mark.django_db
OPENING = "昌吉州一季度招商引资实现“开门红”"
PRODUCT_OWNERS_EXAMPLE = "刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, 2023-04-17(第1版)."


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def meta_tags(page: str) -> list[tuple[str, str]]:
    """(name, content) of every <meta name=… content=…> in the page's head, in order."""
    head = page[:page.index("</head>")]
    return [(name, html_lib.unescape(content)) for name, content in re.findall(r'<meta name="([^"]+)" content="([^"]*)"', head)]


def shown_citations(page: str) -> dict[str, str]:
    """The citations as the page shows them (the text a reader selects), by style."""
    return {key: html_lib.unescape(text)
            for key, text in re.findall(r'<span class="citation-text[^"]*" id="citation-([a-z0-9]+)">([^<]*)</span>', page)}


@pytest.fixture
def front_page(db, tmp_path):
    """The first seed page stored as page 1 of 2023-04-17's issue, as its file's path says."""
    folder = tmp_path / "2023-04-17"
    folder.mkdir()
    (folder / "01.txt").write_text(read_seed(0), encoding="utf-8")
    ingest(folder / "01.txt")
    return Page.objects.get()


def test_an_article_is_cited_as_the_product_owner_asked(client, front_page):
    article = front_page.articles.get(title=OPENING)
    cited = shown_citations(html(client, article.get_absolute_url()))
    assert cited == {
        "gbt7714": PRODUCT_OWNERS_EXAMPLE,
        "apa": "刘茜, & 高祥钧. (2023, April 17). 昌吉州一季度招商引资实现“开门红”. 昌吉日报, 1.",
        "mla": '刘茜 and 高祥钧. "昌吉州一季度招商引资实现“开门红”." 昌吉日报, 17 Apr. 2023, p. 1.',
    }


def test_the_article_head_carries_highwire_tags_a_reference_manager_reads(client, front_page):
    article = front_page.articles.get(title=OPENING)
    tags = meta_tags(html(client, article.get_absolute_url()))
    address = "http://testserver" + article.get_absolute_url()
    expected = [
        ("citation_title", OPENING),
        ("citation_author", "刘茜"), ("citation_author", "高祥钧"),
        ("citation_publication_date", "2023/04/17"), ("citation_date", "2023/04/17"),
        ("citation_firstpage", "1"), ("citation_language", "zh"),
        ("citation_public_url", address), ("citation_abstract_html_url", address),
        ("DC.type", "newspaperArticle"), ("prism.publicationName", "昌吉日报"),
    ]
    start = tags.index(expected[0])
    assert tags[start:start + len(expected)] == expected
    # Zotero takes citation_journal_title for a journal article, whatever DC.type says
    assert "citation_journal_title" not in dict(tags)


def test_a_whole_page_is_cited_with_its_printed_label(client, front_page):
    cited = shown_citations(html(client, front_page.get_absolute_url()))
    assert cited == {"gbt7714": "昌吉日报[N]. 2023-04-17(第1版).", "apa": "昌吉日报. (2023, April 17). [Page 1].",
                     "mla": "昌吉日报, 17 Apr. 2023, p. 1."}


def test_a_seed_page_has_no_printed_label_and_a_date_read_from_its_datelines(client, ingested):
    """The seed files' names say neither date nor page: the page part is left out, the date
    bracketed as an estimate, and no citation_firstpage claims a page."""
    article = Article.objects.get(title=OPENING)
    page = html(client, article.get_absolute_url())
    assert shown_citations(page)["gbt7714"] == "刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, [2023-04-17]."
    assert "citation_firstpage" not in dict(meta_tags(page))
    assert shown_citations(html(client, article.page.get_absolute_url()))["gbt7714"] == "昌吉日报[N]. [2023-04-17]."


def test_names_are_cited_as_the_byline_prints_them(client, ingested):
    correspondents = Article.objects.get(title="昌吉市政协开展夏季防溺水工作专项视察")  # 通讯员常虹、尚佳敏
    page = html(client, correspondents.get_absolute_url())
    assert shown_citations(page)["gbt7714"].startswith("常虹, 尚佳敏. 昌吉市政协开展夏季防溺水工作专项视察[N].")
    assert [v for k, v in meta_tags(page) if k == "citation_author"] == ["常虹", "尚佳敏"]
    alias = Article.objects.get(title="昌吉高新区为7家企业发放87万元清洁能源替代补贴")  # 苻苻·马汗, merged into 荷苒·马汗
    assert shown_citations(html(client, alias.get_absolute_url()))["mla"].startswith('苻苻·马汗 and 宋华敏. "')


def test_the_newspapers_title_comes_from_the_setting(client, front_page, settings):
    settings.ARCHIVE_NEWSPAPER_TITLE = "奎屯日报"
    article = front_page.articles.get(title=OPENING)
    page = html(client, article.get_absolute_url())
    assert shown_citations(page)["gbt7714"].endswith("[N]. 奎屯日报, 2023-04-17(第1版).")
    assert ("prism.publicationName", "奎屯日报") in meta_tags(page)


def test_a_title_with_markup_is_escaped_in_the_citation_and_the_tags(client, front_page):
    article = front_page.articles.get(title=OPENING)
    Article.objects.filter(pk=article.pk).update(title='他说"<b>好</b>"&<script>x</script>')
    page = html(client, article.get_absolute_url())
    assert "<b>好</b>" not in page and "<script>x</script>" not in page
    assert '<meta name="citation_title" content="他说&quot;&lt;b&gt;好&lt;/b&gt;&quot;&amp;&lt;script&gt;x&lt;/script&gt;">' in page
    assert shown_citations(page)["gbt7714"] == '刘茜, 高祥钧. 他说"<b>好</b>"&<script>x</script>[N]. 昌吉日报, 2023-04-17(第1版).'


def test_the_api_gives_the_same_citations_as_the_pages(client, front_page):
    article = front_page.articles.get(title=OPENING)
    data = client.get(reverse("archive:api-article", args=[article.pk])).json()
    assert data["citation"] == shown_citations(html(client, article.get_absolute_url()))
    assert data["citation"]["gbt7714"] == PRODUCT_OWNERS_EXAMPLE
    listed = client.get(reverse("archive:api-pages")).json()["pages"][0]
    assert listed["citation"] == shown_citations(html(client, front_page.get_absolute_url()))
    assert listed["items"][0]["citation"] == data["citation"]


def test_citation_and_reading_scripts_are_the_sites_own_files(client, ingested):
    article = Article.objects.get(title=OPENING)
    for url in [article.get_absolute_url(), article.page.get_absolute_url()]:
        page = html(client, url)
        assert '<script src="/static/js/citation.js" defer></script>' in page
        assert '<script src="/static/js/reading-keys.js" defer></script>' in page
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script: the CSP would refuse it"
        assert not re.search(r"<[^>]*\son[a-z]+=", page), "an inline event handler"
        assert "<summary>键盘操作</summary>" in page


def keyed_links(page: str) -> dict[str, str]:
    """Reading key → the address of the link it follows."""
    return {key: href for href, key in re.findall(r'<a href="([^"]+)"[^>]*aria-keyshortcuts="([a-z])"', page)}


def test_reading_keys_lead_through_the_paper_across_pages(client, ingested):
    """j and k go from article to article, past the end of a page to the next page's first
    article (the issue of 2023-04-21 has one article only); n and p go to the pages around."""
    alone = Article.objects.get(title="没有等出来的精彩 只有干出来的辉煌")  # 2023-04-21
    last_before = Article.objects.get(title="推动总体国家安全观入脑入心")  # the last of 2023-04-17
    first_after = Article.objects.get(title="一次共赢发展的全新启航")  # the first of 2023-05-17
    page = html(client, alone.get_absolute_url())
    assert keyed_links(page) == {"k": last_before.get_absolute_url(), "j": first_after.get_absolute_url(),
                                 "p": last_before.page.get_absolute_url(), "n": first_after.page.get_absolute_url()}
    assert "← 上一篇(上一版) 推动总体国家安全观入脑入心" in page and "下一篇(下一版) 一次共赢发展的全新启航 →" in page
    second = Article.objects.get(title="在第三届消博会上昌吉州参展企业签约近2亿元")
    within = keyed_links(html(client, second.get_absolute_url()))
    assert within["k"] == Article.objects.get(title=OPENING).get_absolute_url()
    assert within["j"] == Article.objects.get(title="昌吉州工信系统开展工业经济观摩活动").get_absolute_url()


def test_the_first_and_last_articles_of_the_archive_lead_nowhere_beyond(client, ingested):
    first = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")  # the first of the oldest page
    assert set(keyed_links(html(client, first.get_absolute_url()))) == {"j", "n"}
    newest = Page.objects.get(date="2023-08-18")
    last = newest.articles.order_by("position").last()
    assert set(keyed_links(html(client, last.get_absolute_url()))) == {"k", "p"}


def test_on_a_page_j_opens_its_first_article_and_n_p_turn_the_page(client, ingested):
    page = Page.objects.get(date="2023-04-17")
    links = keyed_links(html(client, page.get_absolute_url()))
    assert links == {"j": Article.objects.get(title=OPENING).get_absolute_url(),
                     "p": Page.objects.get(date="2023-03-26").get_absolute_url(),
                     "n": Page.objects.get(date="2023-04-21").get_absolute_url()}
