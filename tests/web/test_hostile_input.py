"""Requests an attacker, a robot or an unlucky archivist sends: out-of-range dates, queries that
would cost too much, OCR garbage in the archive, control characters in a feed, password
guessing. Each gets a clear answer — a 404, a message, a lockout — never a 500 or a hung worker."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.urls import reverse

from archive.models import Article
from search.query import MAX_LITERALS, MAX_PHRASES, MAX_RUN
from tests.helpers import ingest

@pytest.mark.parametrize("url", [
    "/dates/2023/4/2147483648/", "/dates/2023/99999999999999999999/1/", "/dates/99999999999999999999/",
    "/dates/9999/12/", "/dates/0/1/", "/dates/10000/1/", "/dates/2023/13/", "/dates/2023/0/",
    "/dates/2023/2/30/", "/dates/0/1/1/", "/dates/9999/12/31/", "/pages/99999999999999999999/",
    "/articles/99999999999999999999/", "/people/99999999999999999999/", "/sections/99999999999999999999/",
    "/feeds/sections/99999999999999999999/", "/api/articles/99999999999999999999/",
])
def test_every_out_of_range_number_in_a_url_is_a_404(client, ingested, url):
    assert client.get(url).status_code == 404


def test_the_calendar_of_the_last_possible_month_is_drawn(client, ingested):
    """A page dated December 9999 (its text may say so) gets a calendar, not an error."""
    article = Article.objects.first()
    article.date = datetime.date(9999, 12, 30)
    article.save()
    html = client.get("/dates/9999/12/").content.decode()
    assert "9999年12月" in html and 'href="/dates/9999/12/30/"' in html


LIMITED = [
    ("a" * 200, f"同一个字连续最多 {MAX_RUN} 次"),
    (" ".join(f"w{n}" for n in range(50)), f"最多 {MAX_LITERALS} 个词"),  # 189 characters: under the length limit
    ('"a" ' * 50, f"引号短语最多 {MAX_PHRASES} 个"),
    (" OR ".join(["招商", "献血"] * 10), "OR 连接的词最多"),
    ('"' + "哈" * 12 + '"', f"同一个字连续最多 {MAX_RUN} 次"),
    ("1" + "0" * 20, "同一个数字连续最多"),
]


@pytest.mark.parametrize("query, limit", LIMITED, ids=range(len(LIMITED)))
def test_a_query_over_a_limit_is_refused_naming_the_limit(client, hostile_archive, query, limit):
    page = client.get(reverse("search:search"), {"q": query})
    assert page.status_code == 200 and "检索过于复杂" in page.content.decode() and limit in page.content.decode()
    api = client.get(reverse("search:api"), {"q": query})
    assert api.status_code == 400 and limit in api.json()["error"]


def test_a_search_over_its_time_budget_is_stopped_with_a_message(client, hostile_archive):
    with override_settings(ARCHIVE_SEARCH_BUDGET_MS=1):
        page = client.get(reverse("search:search"), {"q": "aaaaaaaa aaaaaaaa"})
        api = client.get(reverse("search:api"), {"q": "aaaaaaaa aaaaaaaa"})
    assert page.status_code == 400 and "检索过于复杂,请缩短检索词" in page.content.decode()
    assert api.status_code == 400 and "检索时限" in api.json()["error"]
    # with the ordinary budget the same archive answers, garbage and all
    assert client.get(reverse("search:api"), {"q": "aaaaaaaa"}).json()["total"] == 2
    assert client.get(reverse("search:api"), {"q": "招商引资"}).json()["total"] > 0


CONTROL_PAGE = "换页符\f的标题\n\n本报讯 记者刘茜报道:12月30日,正文\f含换页符\v与竖向制表符\v。\n"


def test_feeds_carry_no_character_xml_forbids_and_ignore_paging(client, ingested, tmp_path):
    path = tmp_path / "controls.txt"
    path.write_text("2030年\n\n" + CONTROL_PAGE, encoding="utf-8")
    ingest(path)
    for url in ["/feeds/latest/", "/feeds/latest/?page=2", "/feeds/latest/?page=-1&page=abc"]:
        response = client.get(url)
        assert response.status_code == 200
        feed = ET.fromstring(response.content)
        titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
        assert "换页符 的标题" in titles
    assert "\f" in client.get(Article.objects.get(title__startswith="换页符").page.get_absolute_url() + "text/").content.decode()


def login(client, password):
    return client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password})


def test_password_guessing_locks_the_account_out_from_that_address(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", "the-right-password")
    for _ in range(30):
        assert login(client, "wrong-password").status_code in (200, 429)
    response = login(client, "the-right-password")
    assert response.status_code == 429 and "登录已暂停" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not logged in
    from axes.models import AccessAttempt
    attempt = AccessAttempt.objects.get(username="editor")
    assert attempt.failures_since_start >= 5
    # another address is not locked out: the lockout is per user name and address
    other = client.__class__(REMOTE_ADDR="192.0.2.7")
    assert login(other, "the-right-password").status_code == 302


def test_staff_see_lockouts_in_the_admin(staff_client):
    from django.test import Client

    for _ in range(2):
        Client().post("/admin/login/", {"username": "intruder", "password": "guess"})
    listing = staff_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "intruder" in listing.content.decode()


def test_snippets_show_text_not_the_subheading_marker(client, hostile_archive):
    results = client.get(reverse("search:api"), {"q": '"打造经济发展增长极"'}).json()["results"]
    assert results and all("##" not in hit["snippet"] for hit in results)
    assert "打造经济发展增长极" in results[0]["snippet"].replace("<mark>", "").replace("</mark>", "")


def test_a_line_of_seven_hashes_is_a_paragraph_everywhere(client, db, tmp_path):
    page = "井号段落\n\n本报讯 记者刘茜报道:4月17日,正文第一段。\n\n####### 注:此行以七个井号开头\n"
    (tmp_path / "hashes.txt").write_text(page, encoding="utf-8")
    ingest(tmp_path / "hashes.txt")
    article = Article.objects.get(title="井号段落")
    assert article.subheadings() == [] and "####### 注:此行以七个井号开头" in article.paragraphs()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "####### 注:此行以七个井号开头</p>" in html


def test_a_character_that_reverses_text_cannot_disguise_a_title(client, ingested, tmp_path):
    page = "昌吉州\u202e闻新假\u202c会议召开\n\n本报讯 记者刘茜报道:12月30日,正文。\n"
    (tmp_path / "bidi.txt").write_text("2030年\n\n" + page, encoding="utf-8")
    ingest(tmp_path / "bidi.txt")
    article = Article.objects.get(title__contains="\u202e")  # stored as printed
    for url in [article.get_absolute_url(), "/", "/dates/2030/12/30/", article.page.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "\u202e" not in html and "昌吉州[U+202E]闻新假[U+202C]会议召开" in html, url
    feed = client.get("/feeds/latest/").content.decode()
    assert "\u202e" not in feed and "昌吉州[U+202E]闻新假[U+202C]会议召开" in feed
    assert "\u202e" in client.get(article.page.get_absolute_url() + "text/").content.decode()


def test_a_server_refuses_to_start_in_debug_mode_unless_told(tmp_path):
    import os
    import subprocess
    import sys

    from tools.server import ROOT

    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DATABASE_URL", "ARCHIVE_SEARCH_ENGINE")}
    env["ARCHIVE_DATA_DIR"] = str(tmp_path)

    def gunicorn_check(**told):
        return subprocess.run([sys.executable, "-m", "gunicorn", "config.wsgi", "--check-config"], cwd=ROOT,
                              env=env | told, capture_output=True, text=True)

    refused = gunicorn_check()
    assert refused.returncode != 0 and "DJANGO_DEBUG is not set" in refused.stderr
    assert gunicorn_check(DJANGO_DEBUG="1").returncode == 0
    assert gunicorn_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50).returncode == 0
    # `make run`: Django's development server still starts in debug mode by default
    development = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True)
    assert development.returncode == 0


def test_behind_the_proxy_a_forged_forwarded_for_header_cannot_dodge_the_lockout(client, django_user_model,
                                                                                  settings):
    settings.DJANGO_PROXY_COUNT = 1
    django_user_model.objects.create_superuser("editor", "editor@example.com", "the-right-password")
    for n in range(8):  # a new forged address each time; the proxy appends the real one
        client.post("/admin/login/", {"username": "editor", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9")
    locked = client.post("/admin/login/", {"username": "editor", "password": "the-right-password"},
                         HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.9")
    assert locked.status_code == 429
    elsewhere = client.post("/admin/login/", {"username": "editor", "password": "the-right-password"},
                            HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert elsewhere.status_code == 302  # another reader behind the same proxy is not locked out
