"""The site on a real primary and streaming replica (scripts/postgres-replicas.sh): readers are
served from the replica once it has replayed a change, from the primary while it is down or lags
too far, and an editor sees their own save at once. Where a page was read from is told by the
response (X-Archive-Read-From) and, for the article page, by the replica's own count of reads of
the article table.

Runs when DATABASE_URL names the primary and DATABASE_REPLICA_URLS its replica (`make test` sets
both); skipped otherwise. The tests make their own database on the primary (the replica receives
it), never pytest-django's test database, and stop and start the replica with the script."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.replicas import READ_FROM_HEADER
from tests.helpers import (
    Browser, database_url, form_fields, replay_paused, replicas_script, sql, wait_until, wait_until_replayed,
)
from tests.seeds import SEED_FILES
from tools.server import ROOT, gunicorn

REPLICA_URLS = [url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()]
pytestmark = pytest.mark.skipif(
    not (REPLICA_URLS and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="needs DATABASE_URL and DATABASE_REPLICA_URLS from scripts/postgres-replicas.sh (make test sets them)")

DATABASE = "archive_replication_test"
EDITOR, EDITOR_PASSWORD = "editor", "a-long-password"
MAX_LAG = 5  # seconds the served site lets its replica lag (DATABASE_REPLICA_MAX_LAG)
# The site searches with the PostgreSQL engine once it exists (its index tables replicate too).
ENGINE = "postgres" if (ROOT / "search" / "engines" / "postgres.py").exists() else "whoosh"
NEW_TITLE = "昌吉高新区为7家企业发放87万元清洁能源替代补贴"  # on the fifth seed page
NEW_PAGE_PATHS = ["/issues/2023-03-26/", "/dates/2023/3/26/", "/dates/2023/3/", "/dates/2023/"]
PAGES = ["/", "/issues/2023-08-18/", "/dates/2023/8/18/", "/pages/", "/sections/"]


def manage(env: dict, *args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}"


@dataclasses.dataclass
class Site:
    url: str
    primary: str  # the tests' database on the primary
    replica: str  # the same database on the replica
    env: dict  # what manage.py commands run with (DATABASE_URL: the primary)

    def reader(self) -> Browser:
        return Browser(self.url)

    def editor(self) -> Browser:
        browser = Browser(self.url)
        browser.log_in(EDITOR, EDITOR_PASSWORD)
        return browser

    def article_id(self, title: str) -> int:
        return sql(self.primary, "SELECT id FROM archive_article WHERE title = %s", (title,))[0][0]

    def replayed(self) -> None:
        wait_until_replayed(self.primary, self.replica)


@pytest.fixture(scope="module")
def databases():
    """(primary, replica) URLs of a database of the tests' own, dropped afterwards."""
    primary, replica = os.environ["DATABASE_URL"], REPLICA_URLS[0]
    sql(primary, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    sql(primary, f"CREATE DATABASE {DATABASE}")
    try:
        yield database_url(primary, DATABASE), database_url(replica, DATABASE)
    finally:
        sql(primary, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory):
    """The first four seed pages ingested on the primary, an editor (staff), and gunicorn serving
    them with the replica configured."""
    primary, replica = databases
    data_dir = tmp_path_factory.mktemp("replicated-site")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URLS"} | {
        "DATABASE_URL": primary, "ARCHIVE_DATA_DIR": str(data_dir), "ARCHIVE_SEARCH_ENGINE": ENGINE,
        "DJANGO_DEBUG": "1", "DJANGO_LOG_LEVEL": "WARNING", "DJANGO_SUPERUSER_PASSWORD": EDITOR_PASSWORD,
    }
    manage(env, "migrate", "--noinput")
    manage(env, "ingest", *map(str, SEED_FILES[:4]))
    manage(env, "createsuperuser", "--noinput", "--username", EDITOR, "--email", "editor@example.com")
    wait_until_replayed(primary, replica)
    served = env | {"DATABASE_REPLICA_URLS": replica, "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG)}
    with gunicorn(env=served, data_dir=data_dir, prepare_data=False, workers=1) as server:
        yield Site(server.url, primary, replica, env)


@pytest.fixture(scope="module")
def new_page(site) -> Path:
    """The fifth seed page, ingested on the primary while the site runs, and replayed."""
    manage(site.env, "ingest", str(SEED_FILES[4]))
    site.replayed()
    return SEED_FILES[4]


def article_reads(url: str) -> int:
    """Scans of the article table the server at ``url`` has counted (each server counts its own)."""
    rows = sql(url, "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                    "WHERE relname = 'archive_article'")
    return rows[0][0]


def read_from(answer) -> str:
    assert answer.status == 200, answer.text[:300]
    return answer.headers.get(READ_FROM_HEADER, "")


def test_a_page_ingested_on_the_primary_is_read_from_the_replica_once_replayed(site, new_page):
    reader = site.reader()
    article = f"/articles/{site.article_id(NEW_TITLE)}/"
    on_replica, on_primary = article_reads(site.replica), article_reads(site.primary)
    answer = reader.get(article)
    assert read_from(answer) == "replica1" and NEW_TITLE in answer.text
    # The replica's statistics arrive when the server's connection ends (after the response).
    assert wait_until(lambda: article_reads(site.replica) > on_replica, 10)
    assert article_reads(site.primary) == on_primary
    for path in NEW_PAGE_PATHS:
        answer = reader.get(path)
        assert read_from(answer) == "replica1", path
    assert NEW_TITLE in reader.get("/issues/2023-03-26/").text


@pytest.mark.skipif(ENGINE != "postgres", reason="search/engines/postgres.py (the PostgreSQL search engine) "
                                                 "is not here yet: its index tables are what replicate")
def test_a_phrase_of_the_new_page_is_found_through_the_replica(site, new_page):
    answer = site.reader().get("/search/?q=清洁能源替代补贴")
    assert read_from(answer) == "replica1"
    assert NEW_TITLE in re.sub(r"<[^>]+>", "", answer.text)  # the title is shown with its match marked


LATE_TITLE = "昌吉州冬季冰雪旅游推介会举行"
LATE_PAGE = f"{LATE_TITLE}\n\n本报讯 记者刘茜报道:12月1日,昌吉州冬季冰雪旅游推介会在昌吉市举行,天山天池冰雪嘉年华同步启动。\n"


def test_a_search_while_the_replica_lags_behind_the_index_loses_nothing(site, tmp_path):
    """An index on this machine (Whoosh, FTS5) holds a page before the replica does: its hit is
    read from the primary, not taken for a deleted item (whose removal from the index would be
    queued). The PostgreSQL engine's index replicates with the rows: the hit comes with them."""
    page = tmp_path / "2023-12-01" / "01.txt"
    page.parent.mkdir()
    page.write_text(LATE_PAGE, encoding="utf-8")
    reader = site.reader()
    with replay_paused(site.primary, site.replica):
        manage(site.env, "ingest", str(page))
        answer = reader.get("/search/?q=嘉年华同步启动")
        local_index = ENGINE != "postgres"
        assert read_from(answer) == ("replica1, default" if local_index else "replica1")  # the late hit: the primary
        assert (LATE_TITLE in answer.text) == local_index
    answer = reader.get("/search/?q=嘉年华同步启动")
    assert read_from(answer) == "replica1" and LATE_TITLE in answer.text


def test_pages_answer_from_the_primary_while_the_replica_is_down_and_from_it_once_back(site):
    reader = site.reader()
    assert read_from(reader.get("/")) == "replica1"
    replicas_script("stop-replica")
    try:
        for path in PAGES:  # the first may meet the replica believed healthy a moment ago
            assert read_from(reader.get(path)) == "default", path
    finally:
        replicas_script("start-replica")
    site.replayed()
    assert wait_until(lambda: read_from(reader.get("/")) == "replica1", 15)
    for path in PAGES:
        assert read_from(reader.get(path)) == "replica1", path


def test_an_editor_sees_their_save_at_once_while_the_replica_lags(site):
    old, new = "昌吉州政协召开专题协商议政会", "州政协就专题协商议政"
    article = f"/articles/{site.article_id(old)}/"
    change = f"/admin/archive/article/{site.article_id(old)}/change/"
    editor, reader = site.editor(), site.reader()
    with replay_paused(site.primary, site.replica):
        form = form_fields(editor.get(change).text, "article_form")
        saved = editor.post(change, form | {"title": [new], "_save": ["保存"]})
        assert saved.status == 200 and new in saved.text, saved.text[:500]  # the list, saying it was saved
        mine = editor.get(article)
        assert read_from(mine) == "default" and new in mine.text
        theirs = reader.get(article)  # a reader is served by the replica, which has not replayed the save
        assert read_from(theirs) == "replica1" and old in theirs.text and new not in theirs.text
    answer = reader.get(article)
    assert read_from(answer) == "replica1" and new in answer.text


def test_a_replica_lagging_past_the_bound_is_skipped(site):
    old, new = "昌吉州第二届天山北麓葡萄酒节直播大赛启动", "葡萄酒节直播大赛在昌吉启动"
    pk = site.article_id(old)
    reader = site.reader()
    started = time.monotonic()  # before the last transaction the replica replays
    with replay_paused(site.primary, site.replica):
        sql(site.primary, "UPDATE archive_article SET title = %s WHERE id = %s", (new, pk))
        stale = reader.get(f"/articles/{pk}/")
        assert read_from(stale) == "replica1" and old in stale.text  # within the bound: served as it stands
        assert wait_until(lambda: read_from(reader.get(f"/articles/{pk}/")) == "default", 3 * MAX_LAG)
        assert time.monotonic() - started > MAX_LAG
        assert new in reader.get(f"/articles/{pk}/").text
    assert wait_until(lambda: read_from(reader.get(f"/articles/{pk}/")) == "replica1", 5)
