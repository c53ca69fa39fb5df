"""What only the PostgreSQL engine does: its index is tables of the archive's own database, so an
index write is part of the archive's transaction — committed with it, rolled back with it, and
never queued. Also how it reports a lock held too long, a search over its budget and tables
that were never made. (The contract suite checks its results against the other engines'.)"""

import dataclasses
import threading

import pytest
from django.db import connection, connections, transaction

from archive.models import Article
from search.engines import Batch, IndexDocument, IndexFailure, IndexUnavailable, SearchRequest, SearchTooExpensive
from search.models import PendingIndexUpdate
from search.query import parse_query
from tests.helpers import fresh_engine, ingest, search_engine, titles_found
from tests.seeds import SEEDS_DIR

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the PostgreSQL engine keeps its index in a PostgreSQL archive database")

DOCUMENTS = [IndexDocument("article", pk, f"第{pk}篇稿件:昌吉州招商引资。", head=f"第{pk}篇") for pk in range(1, 6)]


@pytest.fixture
def engine(db):
    engine = fresh_engine("postgres", "default")
    engine.write(lambda: Batch(DOCUMENTS), timeout=5)
    return engine


def found(engine, query="招商") -> list[int]:
    return sorted(h.pk for h in engine.search(SearchRequest(parse_query(query))).hits)


def test_a_write_inside_a_transaction_is_seen_in_it_and_undone_with_it(engine):
    with pytest.raises(RuntimeError), transaction.atomic():
        engine.write(lambda: Batch([IndexDocument("article", 9, "葡萄酒节直播大赛")]), timeout=5)
        assert found(engine, "葡萄酒节") == [9]  # the archive's own transaction sees its index rows
        raise RuntimeError("the archive's write failed after the index's")
    assert found(engine, "葡萄酒节") == [] and engine.count() == len(DOCUMENTS)


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_searchable_the_moment_it_commits_with_no_queue():
    with search_engine("postgres", "default") as engine:
        engine.clear(timeout=5)
        ingest(SEEDS_DIR)
        assert titles_found("在闽顺利结业") == []
        article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
        with transaction.atomic():
            article.title = "昌吉州外经贸培训班在闽顺利结业"
            article.save()
            other = connections.create_connection("default")  # another session sees nothing yet
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM search_pg_item WHERE strpos(head_units, '在闽顺利结业') > 0")
                    assert cursor.fetchone()[0] == 0
            finally:
                other.close()
        assert titles_found("在闽顺利结业") == ["昌吉州外经贸培训班在闽顺利结业"]
        article.delete()
        assert titles_found("在闽顺利结业") == []
        assert not PendingIndexUpdate.objects.exists()
        engine.clear(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_too_long_is_unavailable_for_now_and_readers_go_on():
    engine = fresh_engine("postgres", "default")
    engine.write(lambda: Batch(DOCUMENTS), timeout=5)
    holding, release = threading.Event(), threading.Event()

    def other_writer():  # a long transaction holding article 1's index row
        with transaction.atomic():
            engine.write(lambda: Batch([DOCUMENTS[0]]), timeout=5)
            holding.set()
            release.wait(30)
        connection.close()

    writer = threading.Thread(target=other_writer)
    writer.start()
    try:
        assert holding.wait(10)
        with pytest.raises(IndexUnavailable, match="PostgreSQL"):
            engine.write(lambda: Batch(deleted=["archive.article.1"]), timeout=0.2)
        assert found(engine) == [1, 2, 3, 4, 5]  # readers are not blocked
    finally:
        release.set()
        writer.join()
    engine.write(lambda: Batch(deleted=["archive.article.1"]), timeout=5)
    assert found(engine) == [2, 3, 4, 5]
    engine.clear(timeout=5)


def test_a_search_over_its_time_budget_is_stopped_and_the_next_one_answers(engine):
    garbage = [IndexDocument("article", pk, "OCR 乱码" + "ab " * 3000 + "a" * 6000) for pk in range(100, 400)]
    engine.write(lambda: Batch(garbage), timeout=30)
    expensive = SearchRequest(parse_query("aaaaaaaa 乱码 abab"), budget=60)
    assert engine.search(expensive).total == len(garbage)
    with pytest.raises(SearchTooExpensive, match="检索过于复杂"):
        engine.search(dataclasses.replace(expensive, budget=0.001))
    assert found(engine) == [1, 2, 3, 4, 5]
    with connection.cursor() as cursor:  # the budget was the search's alone
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def test_tables_never_made_ask_for_migrate(engine):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE search_pg_item RENAME TO search_pg_item_elsewhere")
        with pytest.raises(IndexFailure, match="migrate"):
            engine.search(SearchRequest(parse_query("招商")))
        transaction.set_rollback(True)
    assert found(engine) == [1, 2, 3, 4, 5]


def test_literals_are_found_past_tsvector_limits_and_counted_where_they_overlap(engine, tmp_path):
    """A tsvector keeps at most 256 positions per token and none past 16,383: literals are
    matched and counted on the units instead, overlapping occurrences too (哈哈 is in 哈哈哈
    twice), exactly as the other engines count them."""
    documents = [IndexDocument("article", 20, "招商引资" * 5000 + "葡萄酒节"),  # 20,000 units before the literal
                 IndexDocument("article", 21, "哈哈哈哈嘻嘻"), IndexDocument("article", 22, "哈哈嘻嘻哈哈"),
                 IndexDocument("article", 23, "嘻哈嘻哈嘻哈")]
    engine.write(lambda: Batch(documents), timeout=5)
    assert found(engine, "葡萄酒节") == [20]
    assert found(engine, '"资招商引资葡"') == [20]
    whoosh = fresh_engine("whoosh", tmp_path)
    whoosh.write(lambda: Batch(DOCUMENTS + documents), timeout=5)
    for query in ('"哈哈"', '"嘻哈嘻哈"', "招商引资"):
        request = SearchRequest(parse_query(query))
        assert [(h.pk, h.score) for h in engine.search(request).hits] == [(h.pk, h.score) for h in whoosh.search(request).hits]
    whoosh.close()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_read_an_item_another_writer_has_since_indexed_reads_it_again():
    """A rebuild reads an article; an admin save indexes a newer copy and commits; the rebuild's
    older copy must not overwrite it: its write fails on the newer row and starts again."""
    engine = fresh_engine("postgres", "default")
    engine.write(lambda: Batch([IndexDocument("article", 1, "旧标题:招商引资")]), timeout=5)
    stored = {"text": "旧标题:招商引资"}
    reads, saved = [], threading.Event()

    def rebuild_read():
        reads.append(stored["text"])
        document = IndexDocument("article", 1, stored["text"])
        if len(reads) == 1:  # the admin's save lands after this read, before this write
            saver = threading.Thread(target=admin_save)
            saver.start()
            assert saved.wait(10)
        return Batch([document])

    def admin_save():
        stored["text"] = "新标题:招商引资"
        engine.write(lambda: Batch([IndexDocument("article", 1, stored["text"])]), timeout=5)
        saved.set()
        connection.close()

    engine.write(rebuild_read, timeout=5)
    assert reads == ["旧标题:招商引资", "新标题:招商引资"]
    assert found(engine, "新标题") == [1] and found(engine, "旧标题") == []
    engine.clear(timeout=5)



def test_a_row_written_before_the_body_was_kept_apart_holds_no_body_until_written_again(engine):
    engine.write(lambda: Batch([IndexDocument("article", 7, "防溺水专项视察\n", body="会议要求做好防溺水工作。\n")]), timeout=5)
    assert found(engine, "正文:防溺水") == [7]
    with connection.cursor() as cursor:  # as the layout before it wrote the row: every unit in text_units
        cursor.execute("UPDATE search_pg_item SET text_units = text_units || body_units, body_units = '' WHERE pk = 7")
    assert found(engine, "正文:防溺水") == [] and found(engine, "防溺水") == [7]  # the text is still searched
    engine.write(lambda: Batch([IndexDocument("article", 7, "防溺水专项视察\n", body="会议要求做好防溺水工作。\n")]), timeout=5)
    assert found(engine, "正文:防溺水") == [7]
