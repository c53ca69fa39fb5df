"""Read replicas through the site (config/replicas.py), without a replica server: a "replica"
that is the primary's test database itself (always current, so healthy), and one at a port where
nothing listens. tests/replication runs the same against real streaming replication."""

import os
import time

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, connections, router, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from archive.models import Article
from config import replicas
from tests.helpers import (
    article_form, ingest, move_replica, primary_as_replica, replica_alias, unreachable_replica,
)
from tests.seeds import SEEDS_DIR

READ_FROM = replicas.READ_FROM_HEADER
TITLE = "昌吉州促进外经贸发展培训班在闽结业"


@pytest.fixture
def archive(transactional_db):
    """The seeds, committed: a second connection (the replica alias) sees them."""
    ingest(SEEDS_DIR)
    return Article.objects.get(title=TITLE)


@pytest.fixture
def replica(archive):
    with replica_alias("test_replica", primary_as_replica()) as alias:
        yield alias


@pytest.fixture
def editor_client(transactional_db):
    client = Client()
    client.force_login(User.objects.create_superuser("editor", "editor@example.com", "a-long-password"))
    return client


def public_pages(article) -> list[str]:
    return [reverse("archive:home"), article.get_absolute_url(), reverse("archive:day", args=[2023, 3, 24]),
            reverse("archive:issue", args=[article.page.date]), reverse("archive:dates")]


def test_public_pages_read_a_healthy_replica(client, replica, archive):
    for url in public_pages(archive):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[READ_FROM] == replica, url


def test_an_unreachable_replica_is_skipped_and_left_alone(client, archive, caplog):
    with replica_alias("dead_replica", unreachable_replica()) as alias:
        for url in public_pages(archive):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response[READ_FROM] == "default", url
        assert not replicas._health[alias].healthy
        assert replicas._health[alias].until > time.monotonic() + 3  # not tried again for a while
    assert "read replica dead_replica: unreachable" in caplog.text


def test_a_replica_failing_between_its_check_and_a_query_is_answered_by_the_primary(client, replica, archive, caplog):
    assert client.get(archive.get_absolute_url())[READ_FROM] == replica  # checked: healthy for a second
    move_replica(replica, unreachable_replica())  # it goes away; its health, remembered, says it is there
    response = client.get(archive.get_absolute_url())
    assert response.status_code == 200 and TITLE in response.content.decode()
    assert response[READ_FROM] == "default"
    assert not replicas._health[replica].healthy
    assert "failed during a request" in caplog.text


@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="PostgreSQL's statement timeout")
def test_a_statement_stopped_for_its_time_is_not_taken_for_a_failing_replica(db):
    """A search stopped by its time budget would only run as long again on the primary."""
    with pytest.raises(OperationalError) as stopped, connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    assert not replicas.replica_failed(stopped.value)
    move_replica("unreachable", unreachable_replica())
    with pytest.raises(OperationalError) as refused:
        connections["unreachable"].ensure_connection()
    del connections["unreachable"]
    assert replicas.replica_failed(refused.value)


def test_logins_sessions_and_the_admin_read_the_primary(replica, editor_client, archive):
    with replicas.request_reads(replicas_allowed=True):
        assert router.db_for_read(Session) == router.db_for_read(User) == "default"
        assert router.db_for_read(Article) == router.db_for_read(None) == replica  # None: the search engine's tables
    response = editor_client.get(reverse("admin:archive_article_change", args=[archive.pk]))
    assert response.status_code == 200 and response[READ_FROM] == "default"


def test_a_request_reads_the_primary_after_it_wrote_and_inside_a_transaction(replica, archive):
    with replicas.request_reads(replicas_allowed=True):
        assert router.db_for_read(Article) == replica
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"
        router.db_for_write(Article)
        assert router.db_for_read(Article) == "default"


def test_staff_who_saved_read_the_primary_for_a_while(client, replica, editor_client, archive):
    assert editor_client.get(archive.get_absolute_url())[READ_FROM] == replica  # nothing saved yet
    with override_settings(DATABASE_REPLICA_PIN_SECONDS=2):
        response = editor_client.post(reverse("admin:archive_article_change", args=[archive.pk]),
                                      article_form(archive, title="昌吉州外经贸培训班在闽结业"))
        assert response.status_code == 302
        assert replicas.PIN_COOKIE in response.cookies
        saved_at = time.monotonic()
        page = editor_client.get(archive.get_absolute_url())
        assert page[READ_FROM] == "default" and "昌吉州外经贸培训班在闽结业" in page.content.decode()
        assert client.get(archive.get_absolute_url())[READ_FROM] == replica  # readers are not pinned
        client.cookies[replicas.PIN_COOKIE] = editor_client.cookies[replicas.PIN_COOKIE].value
        assert client.get(archive.get_absolute_url())[READ_FROM] == replica  # nor with staff's cookie
        time.sleep(max(0.0, saved_at + 2.1 - time.monotonic()))
        assert editor_client.get(archive.get_absolute_url())[READ_FROM] == replica


@override_settings(DATABASE_REPLICAS=[])
def test_without_replicas_nothing_says_where_it_read(client, db):
    ingest(SEEDS_DIR)
    assert READ_FROM not in client.get(reverse("archive:home"))
