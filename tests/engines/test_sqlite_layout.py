"""The FTS5 engine's file: a new index keeps no copy of the token strings it was given
(contentless tables, ``search/engines/sqlite_library.py``) and still forgets what is deleted or
rewritten; an index of the previous layout, which stores them, is used as it is."""

import datetime
import sqlite3

import pytest

from search.engines import Batch, IndexDocument, SearchRequest, build, sqlite_fts
from search.engines.sqlite_library import CONTENTLESS
from search.query import parse_query
from tests.helpers import fresh_engine

DAY = datetime.date(2023, 4, 17)


def article(pk: int, text: str) -> IndexDocument:
    return IndexDocument("article", pk, text, head=f"第{pk}篇", date=DAY, section_id=1)


def found(engine, query: str) -> list[int]:
    return sorted(hit.pk for hit in engine.search(SearchRequest(parse_query(query))).hits)


def stored_tables(engine) -> set[str]:
    with sqlite3.connect(engine.path) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def rewrite_and_delete(engine) -> None:
    """Three articles written; the second rewritten with other words, the third deleted."""
    engine.write(lambda: Batch([article(1, "昌吉州招商引资实现开门红"), article(2, "春耕备耕有序推进"),
                                article(3, "招商项目签约")]), timeout=5)
    engine.write(lambda: Batch([article(2, "招商大会在昌吉召开")], deleted=["archive.article.3"]), timeout=5)


@pytest.mark.skipif(not CONTENTLESS, reason="SQLite before 3.43 cannot delete from a contentless FTS5 table")
def test_a_new_index_keeps_no_token_strings_and_forgets_what_changed(tmp_path):
    engine = fresh_engine("sqlite", tmp_path / "sqlite")
    rewrite_and_delete(engine)
    assert not {f"{table}_content" for table in sqlite_fts.FTS_TABLES.values()} & stored_tables(engine)
    assert found(engine, "招商") == [1, 2]  # 3 deleted; 2 found by its new text
    assert found(engine, "春耕") == []  # 2's old text forgotten
    engine.close()


def test_an_index_that_stores_its_token_strings_is_used_as_it_is(tmp_path, monkeypatch):
    location = tmp_path / "sqlite"
    with monkeypatch.context() as older:  # what version 6 makes (a SQLite before 3.43)
        older.setattr(sqlite_fts, "SCHEMA", sqlite_fts.SCHEMA.replace(sqlite_fts.FTS_OPTIONS, "tokenize = 'ascii'"))
        older.setattr(sqlite_fts, "SCHEMA_VERSION", 6)
        fresh_engine("sqlite", location).close()
    engine = build({"ENGINE": "sqlite", "LOCATION": str(location)})
    rewrite_and_delete(engine)
    assert "fts_text_content" in stored_tables(engine)
    assert found(engine, "招商") == [1, 2] and found(engine, "春耕") == []
    with sqlite3.connect(engine.path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 6  # not rebuilt behind the user's back
    engine.close()
