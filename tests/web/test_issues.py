"""Pages read like a newspaper: named by date and place in the issue, in order, with one date
and bylines as a reader wants them; every address a page or article had keeps answering."""

import re

import pytest

from archive.models import Article, Page, PhotoCaption
from tests.helpers import ingest
from tests.seeds import read_seed

pytestmark = pytest.mark.django_db


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_page_is_named_by_its_date_and_place_in_the_issue_not_its_file(client, ingested):
    page = Page.objects.get(source="000_6cccedd8bdd5bbb2.txt")
    assert page.get_absolute_url() == "/issues/2023-04-17/1/"
    text = html(client, page.get_absolute_url())
    assert "<title>2023年4月17日 第1版 · 强信心 起好步 开新局 · 昌吉报纸档案</title>" in text
    assert re.search(r"<h1[^>]*>2023年4月17日 第1版", text)
    assert "版面 000_6cccedd8bdd5bbb2.txt" not in text


def test_the_numeric_addresses_published_before_redirect_to_the_readable_ones(client, ingested):
    page = Page.objects.get(source="000_6cccedd8bdd5bbb2.txt")
    article = page.articles.get(position=1)
    for old, new in [(f"/pages/{page.pk}/", "/issues/2023-04-17/1/"),
                     (f"/pages/{page.pk}/text/", "/issues/2023-04-17/1/text/"),
                     (f"/articles/{article.pk}/", f"/issues/2023-04-17/1/articles/{article.pk}/")]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    stale = client.get(f"/issues/2023-08-18/1/articles/{article.pk}/")  # the right story, a wrong page
    assert (stale.status_code, stale["Location"]) == (301, f"/issues/2023-04-17/1/articles/{article.pk}/")
    for missing in ["/issues/2023-04-17/9/", "/issues/2023-02-30/1/", "/issues/2023-04-18/"]:
        assert client.get(missing).status_code == 404


def test_page_list_is_newest_first_by_issue_with_each_pages_lead(client, ingested):
    text = html(client, "/pages/")
    days = re.findall(r'href="/issues/(\d{4}-\d\d-\d\d)/"', text)
    assert days == ["2023-08-18", "2023-05-17", "2023-04-21", "2023-04-17", "2023-03-26"]
    assert "强信心 起好步 开新局" in text and ".txt" not in text


def test_next_and_previous_page_go_through_the_issues_in_date_order(client, ingested):
    url, seen = "/issues/2023-03-26/1/", []
    while url:
        text = html(client, url)
        seen.append(url)
        following = re.search(r'<a href="([^"]+)" rel="next"', text)
        url = following and following.group(1)
    assert seen == ["/issues/2023-03-26/1/", "/issues/2023-04-17/1/", "/issues/2023-04-21/1/",
                    "/issues/2023-05-17/1/", "/issues/2023-08-18/1/"]


def test_within_an_issue_next_page_is_the_next_label(client, ingested, tmp_path):
    folder = tmp_path / "2023-04-17"
    folder.mkdir()
    (folder / "02.txt").write_text(read_seed(1) + "\n", encoding="utf-8")  # not the stored twin
    (folder / "03.txt").write_text(read_seed(3) + "\n", encoding="utf-8")
    ingest(folder)  # the seed page of that day (numbered 1 when ingested) is joined by pages 2 and 3
    first = html(client, "/issues/2023-04-17/1/")
    assert '<a href="/issues/2023-04-17/2/" rel="next" aria-keyshortcuts="n">下一版 2023年4月17日 第2版 →</a>' in first
    second = html(client, "/issues/2023-04-17/2/")
    assert 'href="/issues/2023-04-17/1/" rel="prev"' in second and 'href="/issues/2023-04-17/3/" rel="next"' in second
    third = html(client, "/issues/2023-04-17/3/")
    assert 'href="/issues/2023-04-21/1/" rel="next"' in third  # then on to the next issue
    issue = html(client, "/issues/2023-04-17/")
    assert [m for m in re.findall(r'<h2 class="h5 mb-1"><a href="([^"]+)">', issue)] == [
        "/issues/2023-04-17/1/", "/issues/2023-04-17/2/", "/issues/2023-04-17/3/"]
    assert "昌吉州一季度招商引资实现“开门红”" in issue and "昌吉州政协召开专题协商议政会" in issue
    assert 'rel="prev">← 上一期 2023年3月26日' in issue and 'rel="next">下一期 2023年4月21日' in issue


def test_an_undated_story_shows_its_pages_date_everywhere_and_says_so(client, ingested):
    article = Article.objects.get(title="栽下梧桐树 引得凤凰来")
    assert article.date is None
    own = html(client, article.get_absolute_url())
    assert '<time datetime="2023-08-18" title="稿件未印日期,此为所在版面的出版日期' in own
    assert "稿件未印日期,所示为所在版面的出版日期。" in own
    listing = html(client, article.page.get_absolute_url())
    assert '<time datetime="2023-08-18" title="稿件未印日期' in listing
    assert "(年份推断)" not in own + listing


def test_no_empty_separators_in_meta_lines(client, ingested):
    undated_photo = PhotoCaption.objects.filter(date=None).first()
    for url in ["/", "/photos/", undated_photo.get_absolute_url().split("#")[0],
                *(a.get_absolute_url() for a in Article.objects.all())]:
        text = html(client, url)
        assert "· ·" not in text and "· <" not in text.replace("· <a", "").replace("· <time", "")
        for line in re.findall(r'<(?:p|div) class="[^"]*meta[^"]*">(.*?)</(?:p|div)>', text, re.S):
            assert not re.match(r"\s*·", line)


def test_bylines_show_roles_and_linked_names_the_printed_one_is_kept_below(client, ingested):
    article = Article.objects.get(title="推动总体国家安全观入脑入心")
    text = html(client, article.get_absolute_url())
    header = text[text.index("<header"):text.index("</header>")]
    liu, wang = (c.person for c in article.contributions.order_by("order"))
    assert f'记者 <a href="{liu.get_absolute_url()}">刘辉</a>' in header
    assert f'通讯员 <a href="{wang.get_absolute_url()}">王鹏</a>' in header
    assert "本报讯" not in header and "报道:" not in header
    assert "版面所印署名:本报讯 记者刘辉、通讯员王鹏报道:" in text
    page_text = html(client, article.page.get_text_url())
    assert "本报讯 记者刘辉、通讯员王鹏报道:" in page_text
