"""The index stays true to the database: ingest, admin saves and deletes, a busy index, a
rebuild racing an edit, an index that fails — with the engine under test."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
import threading

from archive.models import Article, PhotoCaption
from search.engines import engine
from search.indexing import flush_pending, follow_queue, retrier, schedule
from search.models import PendingIndexUpdate
from tests.helpers import (
    article_form, ingest, names, queued_engine_only, run, titles_found, wait_until, write_lock_held,
)


def indexed_count() -> int:
    return engine().count()


def queued_retitle(title: str, new_title: str) -> str:
    """Retitle an article and queue its index update without applying it, as an ingest run does."""
    article = Article.objects.get(title=title)
    Article.objects.filter(pk=article.pk).update(title=new_title)  # no signal: nothing applied now
    schedule("archive.article", [article.pk], flush=False)
    return new_title


@pytest.mark.django_db(transaction=True)
class TestIndexStaysTrue:
    @pytest.fixture(autouse=True)
    def archive(self, fresh_index, ingested):
        yield fresh_index
        retrier.join(timeout=10)

    def admin_edit(self, staff_client, article, title):
        url = reverse("admin:archive_article_change", args=[article.pk])
        return staff_client.post(url, article_form(article, title=title))

    def test_ingest_indexes_what_it_stores(self):
        assert indexed_count() == Article.objects.count() + PhotoCaption.objects.count()

    def test_admin_save_and_delete_update_search_at_once(self, staff_client):
        article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
        assert self.admin_edit(staff_client, article, "昌吉州外经贸培训班圆满结业").status_code == 302
        assert titles_found("圆满结业") == ["昌吉州外经贸培训班圆满结业"]
        response = staff_client.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert titles_found("外经贸") == []

    @queued_engine_only
    def test_an_ingest_run_writes_the_index_once(self, archive, seed_dir, monkeypatch):
        for path in seed_dir.iterdir():  # every page changed: replaced items, cascaded deletes
            path.write_text(path.read_text(encoding="utf-8").replace("昌吉州", "昌吉回族自治州"), encoding="utf-8")
        commits = []
        write = archive.write
        monkeypatch.setattr(archive, "write", lambda *args, **kwargs: commits.append(1) or write(*args, **kwargs))
        ingest(seed_dir)
        assert len(commits) == 1
        assert not PendingIndexUpdate.objects.exists()
        assert titles_found("昌吉回族自治州政协召开专题协商议政会") == ["昌吉回族自治州政协召开专题协商议政会"]
        assert indexed_count() == Article.objects.count() + PhotoCaption.objects.count()

    def test_rebuild_and_update_index_commands(self):
        call_command("rebuild_index", interactive=False, verbosity=0)
        assert indexed_count() == 24
        call_command("update_index", verbosity=0)
        assert indexed_count() == 24
        assert titles_found("外经贸") == ["昌吉州促进外经贸发展培训班在闽结业"]

    @queued_engine_only
    def test_the_index_worker_applies_updates_while_it_runs_and_the_rest_when_stopped(self):
        """``index_queue --follow`` beside a bulk ingest: what is queued becomes searchable
        while the worker runs; stopped, it applies what is left and leaves the queue empty."""
        stop, applied = threading.Event(), []
        worker = threading.Thread(target=lambda: applied.append(follow_queue(stop.is_set)) or connection.close())
        worker.start()
        try:
            retitled = queued_retitle("昌吉州促进外经贸发展培训班在闽结业", "外经贸培训班第一批结业")
            assert wait_until(lambda: titles_found("第一批结业") == [retitled])
            queued_retitle("昌吉州政协召开专题协商议政会", "政协议政会第二批")
        finally:
            stop.set()
            worker.join(timeout=60)
        assert titles_found("第二批") == ["政协议政会第二批"]
        assert applied == [2] and not PendingIndexUpdate.objects.exists()

    @queued_engine_only
    def test_the_index_queue_command_applies_what_is_queued(self):
        queued_retitle("昌吉州促进外经贸发展培训班在闽结业", "外经贸培训班圆满结业")
        out = io.StringIO()
        call_command("index_queue", stdout=out)
        assert "写入索引的更新:1" in out.getvalue()
        assert titles_found("圆满结业") == ["外经贸培训班圆满结业"]

    def test_date_filter_and_month_facet_follow_an_edit(self):
        article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
        year_2030 = {"start": datetime.date(2030, 1, 1), "end": datetime.date(2030, 12, 31)}
        assert run("外经贸", **year_2030).total == 0
        article.date = datetime.date(2030, 5, 1)
        article.save()
        moved = run("外经贸", **year_2030)
        assert names(moved) == ["昌吉州促进外经贸发展培训班在闽结业"]
        assert [(m.month, m.count) for m in moved.months] == [("2030-05", 1)]
        assert run("外经贸", start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31)).total == 0

    @queued_engine_only
    def test_a_save_while_another_writer_holds_the_lock_is_queued_then_lands(self, staff_client, archive):
        article = Article.objects.get(title="昌吉州政协召开专题协商议政会")
        with write_lock_held(archive):
            response = self.admin_edit(staff_client, article, "昌吉州政协召开议政会(校)")
            assert response.status_code == 302
            assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()
            victim = Article.objects.get(title="昌吉州工信系统开展工业经济观摩活动")
            staff_client.post(reverse("admin:archive_article_delete", args=[victim.pk]), {"post": "yes"})
        assert wait_until(lambda: not PendingIndexUpdate.objects.exists())
        assert titles_found("议政会(校)") == ["昌吉州政协召开议政会(校)"]
        assert "昌吉州工信系统开展工业经济观摩活动" not in titles_found("观摩")

    def test_an_admin_save_during_a_rebuild_is_not_lost(self, staff_client):
        article = Article.objects.get(title="昌吉州政协召开专题协商议政会")
        failures = []

        def rebuild_index():
            try:
                call_command("rebuild_index", interactive=False, verbosity=0)
            except Exception as error:  # the test fails below, naming it
                failures.append(error)

        rebuild = threading.Thread(target=rebuild_index)
        rebuild.start()
        self.admin_edit(staff_client, article, "议政会在重建索引时改名")
        rebuild.join()
        assert failures == []
        flush_pending(timeout=10)
        assert wait_until(lambda: titles_found("重建索引时改名") == ["议政会在重建索引时改名"])

    def test_a_ghost_hit_is_never_shown_and_is_removed(self):
        photo = PhotoCaption.objects.get(caption__startswith="4月16日")
        processor = apps.get_app_config("haystack").signal_processor
        processor.teardown()
        try:
            with transaction.atomic():
                photo.delete()  # as if the index write had been lost
        finally:
            processor.setup()
        assert titles_found("牧民") == []
        assert wait_until(lambda: flush_pending(timeout=1) and indexed_count() == 23)




@queued_engine_only
@pytest.mark.django_db(transaction=True)
class TestAFailedIndex:
    def test_an_edit_that_meets_a_broken_index_is_kept_reported_at_once_and_lands_after_a_rebuild(
            self, fresh_index, ingested, staff_client, client, caplog):
        from django.conf import settings
        from django.core.management import CommandError

        from tests.helpers import break_index_files

        fresh_index.close()
        break_index_files(settings.ARCHIVE_SEARCH)
        article = Article.objects.get(title="昌吉州政协召开专题协商议政会")
        response = staff_client.post(reverse("admin:archive_article_change", args=[article.pk]),
                                     article_form(article, title="政协议政会在索引损坏时改名"))
        assert response.status_code == 302  # the edit is saved
        assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()  # and its update kept
        assert settings.ARCHIVE_SEARCH["LOCATION"] in caplog.text  # reported, naming the index
        assert not (retrier._thread and retrier._thread.is_alive())  # not retried for hours
        page = client.get(reverse("search:search"), {"q": "议政会"})
        assert page.status_code == 503 and "检索暂时不可用" in page.content.decode()
        assert client.get(reverse("search:api"), {"q": "议政会"}).status_code == 503
        with pytest.raises(CommandError, match=settings.ARCHIVE_SEARCH["LOCATION"]):
            call_command("check_index")
        call_command("rebuild_index", interactive=False, verbosity=0)
        assert not PendingIndexUpdate.objects.exists()
        assert titles_found("索引损坏时改名") == ["政协议政会在索引损坏时改名"]
