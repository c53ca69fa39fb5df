"""Deployment settings, security, crash safety, backups, and load — as a newsroom deploys it."""

import dataclasses
import io
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article, Page
from search.documents import batch
from search.engines import Batch, Filters
from search.indexing import check_index
from search.query import parse_query
from search.results import search
from tests.seeds import SEEDS_DIR
from tools.loadtest import hostile_ok, hostile_run
from tools.server import ROOT, gunicorn, production_env
from tools.wrk import wrk

PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "archive.example.com", "DJANGO_HTTPS": "1"}


def manage(*args, env=None, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, **kwargs)


class TestDeployment:
    def test_check_deploy_is_clean_in_production_mode(self, tmp_path):
        env = os.environ | PRODUCTION | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "ARCHIVE_DATA_DIR": str(tmp_path)}
        result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_production_refuses_to_start_without_a_secret_key(self, tmp_path):
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"} | PRODUCTION
        result = manage("check", env=env | {"ARCHIVE_DATA_DIR": str(tmp_path)})
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
class TestHeaders:
    def test_security_headers_on_every_page(self, client, ingested):
        for url in [reverse("archive:home"), reverse("search:search") + "?q=招商", reverse("search:api") + "?q=招商",
                    Article.objects.first().get_absolute_url(), "/no/such/page/"]:
            response = client.get(url)
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "same-origin"
            assert response["X-Frame-Options"] == "DENY"
            policy = response["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "style-src 'self'" in policy
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy

    def test_pages_carry_no_inline_script_or_style(self, client, ingested):
        article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
        for url in [reverse("archive:home"), article.get_absolute_url(), reverse("search:search") + "?q=招商",
                    reverse("archive:month", args=[2023, 4])]:
            html = client.get(url).content.decode()
            assert "<script>" not in html and " style=" not in html and "<style" not in html
            assert all('src="/static/' in tag for tag in html.split("<script")[1:])

    def test_forms_are_csrf_protected_and_the_admin_needs_staff(self, django_user_model, db):
        reader_user = django_user_model.objects.create_user("reader", password="a-long-password")
        client = Client(enforce_csrf_checks=True)
        response = client.post("/admin/login/", {"username": "reader", "password": "a-long-password"})
        assert response.status_code == 403
        reader = Client()
        reader.force_login(reader_user)
        assert reader.get("/admin/archive/article/").status_code == 302  # not staff: back to login

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_json_apis_are_read_only(self, client, ingested, method):
        for url in [reverse("archive:api-pages"), reverse("search:api")]:
            assert getattr(client, method)(url).status_code == 405


@pytest.mark.skipif("sqlite" not in os.environ.get("DATABASE_URL", "sqlite"), reason="SQLite-only settings")
@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    result = manage("shell", "-c", "from django.db import connection; c = connection.cursor(); "
                    "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])",
                    env=os.environ | {"ARCHIVE_DATA_DIR": str(tmp_path)})
    mode, timeout = result.stdout.split()[-2:]
    assert mode == "wal" and int(timeout) >= 5000


HOSTILE_PAGE = """
<script>alert("kicker")</script>

{{ settings.SECRET_KEY }} 昌吉州<img src=x onerror=alert(1)>标题

本报讯 记者刘茜报道:4月17日,<a href="javascript:alert(2)">点我</a>{% debug %}正文招商。

<iframe src="//evil.example"></iframe>二段。
""".strip() + "\n"
HOSTILE_BITS = ["<script>", "<img src=x onerror", '<a href="javascript:', "<iframe"]


@pytest.mark.django_db(transaction=True)
class TestPageTextIsData:
    @pytest.fixture(autouse=True)
    def hostile(self, fresh_index, tmp_path, staff_client):
        path = tmp_path / "hostile.txt"
        path.write_text(HOSTILE_PAGE, encoding="utf-8")
        call_command("ingest", str(path), stdout=io.StringIO())
        self.article = Article.objects.get()
        self.staff = staff_client

    def test_stored_verbatim(self):
        a = self.article
        stored = "\n".join([a.kicker, a.title, a.subtitle, a.body])
        for line in ['<script>alert("kicker")</script>', "{{ settings.SECRET_KEY }} 昌吉州<img src=x onerror=alert(1)>标题",
                     '<a href="javascript:alert(2)">点我</a>{% debug %}正文招商。', '<iframe src="//evil.example"></iframe>二段。']:
            assert line in stored

    def rendered(self, url, client=None):
        body = (client or Client()).get(url).content.decode()
        for bit in HOSTILE_BITS:
            assert bit not in body, f"{bit} unescaped in {url}"
        assert "development-only-not-secret" not in body  # template syntax in text is not evaluated
        return body

    def test_escaped_on_every_page_snippet_feed_api_and_in_the_admin(self):
        article = self.article
        assert "&lt;script&gt;" in self.rendered(article.get_absolute_url())
        assert "{{ settings.SECRET_KEY }}" in self.rendered(article.get_absolute_url())
        self.rendered(article.page.get_absolute_url())
        self.rendered(reverse("archive:home"))
        self.rendered(reverse("archive:feed-latest"))
        search_page = self.rendered(reverse("search:search") + "?q=招商")
        assert "<mark>招商</mark>" in search_page
        self.rendered(article.get_absolute_url() + "?hl=招商")
        api = Client().get(reverse("search:api"), {"q": "标题"}).json()["results"][0]
        assert "&lt;" in api["title"] + api["snippet"] and "<img" not in api["title"] + api["snippet"]
        assert Client().get(reverse("archive:api-article", args=[article.pk])).json()["title"] == article.title
        self.rendered(reverse("admin:archive_article_change", args=[article.pk]), self.staff)
        self.rendered(reverse("admin:archive_page_change", args=[article.page_id]), self.staff)


@pytest.mark.django_db(transaction=True)
class TestIndexAgreesWithDatabase:
    def test_check_index_finds_and_fixes_disagreement(self, fresh_index, ingested):
        assert check_index().agrees
        article = Article.objects.first()
        invented = dataclasses.replace(batch("archive.article", [article.pk]).documents[0], pk=999999)
        lose_one_invent_one = Batch([invented], [f"archive.article.{article.pk}"])
        fresh_index.write(lambda: lose_one_invent_one, timeout=5)
        out = io.StringIO()
        with pytest.raises(Exception, match="不一致"):
            call_command("check_index", stdout=out)
        assert "索引缺少 1,索引多出 1" in out.getvalue()
        call_command("check_index", "--fix", stdout=out)
        assert check_index().agrees


def write_transaction_open(data_dir: Path) -> bool:
    """True while another process holds a write transaction on the scratch SQLite archive."""
    try:
        probe = sqlite3.connect(data_dir / "archive.sqlite3", timeout=0)
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        probe.close()
        return False
    except sqlite3.OperationalError:
        return True


def big_page(articles: int) -> str:
    blocks = [f"第{i}篇标题\n\n本报讯 记者刘茜报道:4月17日,第{i}篇的正文,招商引资。" for i in range(articles)]
    return "2023年\n\n" + "\n\n".join(blocks) + "\n"


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="kills an ingest writing a scratch SQLite archive; the SQLite run covers it")
def test_an_ingest_killed_mid_file_leaves_the_database_as_before_and_can_be_rerun(tmp_path):
    data_dir, pages = tmp_path / "data", tmp_path / "pages"
    pages.mkdir()
    (pages / "a_small.txt").write_text((SEEDS_DIR / "000_6cccedd8bdd5bbb2.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "b_big.txt").write_text(big_page(4000), encoding="utf-8")
    env = production_env(data_dir) | {"DJANGO_DEBUG": "1"}
    assert manage("migrate", "--noinput", env=env).returncode == 0
    ingest = subprocess.Popen([sys.executable, "manage.py", "ingest", str(pages)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    assert "新建 a_small.txt" in ingest.stdout.readline()
    deadline = time.monotonic() + 60
    while not write_transaction_open(data_dir) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ingest.poll() is None, "the big file finished before it could be interrupted"
    ingest.send_signal(signal.SIGKILL)
    ingest.wait()

    def counts():
        db = sqlite3.connect(data_dir / "archive.sqlite3")
        return [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("archive_page", "archive_article")]

    assert counts() == [1, 4]  # the small page only: the big one rolled back whole
    rerun = manage("ingest", str(pages), env=env)
    assert rerun.returncode == 0, rerun.stdout
    assert "跳过 a_small.txt" in rerun.stdout and "新建 b_big.txt" in rerun.stdout
    assert counts() == [2, 4004]
    check = manage("check_index", env=env)
    assert check.returncode == 0 and "索引与数据库一致" in check.stdout, check.stdout + check.stderr


QUERIES = ["招商引资", "刘茜", "\"开门红\"", "消防 OR 献血", "国家安全 -观摩", "２０２３"]


def answers():
    return {q: [(h.kind, h.object.pk, str(h.title)) for h in search(parse_query(q), Filters(), per_page=100).hits]
            for q in QUERIES}


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_answers_the_same_searches(fresh_index, ingested, tmp_path):
    before = answers()
    backup = tmp_path / "archive.json"
    call_command("dumpdata", "archive", "--output", str(backup), verbosity=0)
    Page.objects.all().delete()
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert all(not hits for hits in answers().values())
    call_command("loaddata", str(backup), verbosity=0)
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert answers() == before
    assert check_index().agrees


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="serves a scratch SQLite archive; the SQLite run covers it")
def test_gunicorn_serves_hashed_static_files_with_long_cache_and_survives_load():
    with gunicorn() as server:
        with urllib.request.urlopen(server.url + "/") as response:
            html = response.read().decode()
        css = next(part.split('"')[0] for part in html.split('href="')[1:] if "bootstrap.min." in part.split('"')[0])
        assert css != "/static/vendor/bootstrap/bootstrap.min.css"  # a hashed name
        with urllib.request.urlopen(server.url + css) as response:
            assert "max-age=315360000" in response.headers["Cache-Control"]
        api = json.load(urllib.request.urlopen(server.url + "/api/pages/"))
        article_url = api["pages"][0]["items"][0]["url"]
        for path in ["/", article_url, "/search/?q=招商引资", "/api/search/?q=招商"]:
            result = wrk(server.url + path, connections=32, duration=2)
            assert result.ok, result


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="serves a scratch SQLite archive; the SQLite run covers it")
def test_hostile_requests_among_ordinary_ones_get_no_server_error_and_kill_no_worker():
    # A worker busy for 3 s is killed (and counted), a request slower than 2 s is an error: a few
    # seconds of load are enough to see either.
    ordinary, hostile, worker_timeouts = hostile_run(duration=4, connections=8, worker_timeout=3, request_timeout=2)
    assert hostile.requests > 20 and ordinary.requests > 20
    assert hostile_ok(ordinary, hostile, worker_timeouts), (ordinary, hostile, worker_timeouts)


ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestFuzz:
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(query=ANY_TEXT)
    def test_any_query_string_gets_an_answer_not_an_error(self, client, query):
        assert client.get(reverse("search:search"), {"q": query}).status_code in (200, 400)  # 400: over budget
        assert client.get(reverse("search:api"), {"q": query}).status_code in (200, 400)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=st.dictionaries(st.sampled_from(["q", "page", "sort", "section", "type", "start", "end", "person"]),
                                  ANY_TEXT, max_size=8))
    def test_any_api_parameters_get_an_answer_not_an_error(self, client, params):
        response = client.get(reverse("search:api"), params)
        assert response.status_code in (200, 400)
        assert response.json()
        assert client.get(reverse("archive:api-pages"), {"page": params.get("page", "")}).status_code in (200, 400, 404)
