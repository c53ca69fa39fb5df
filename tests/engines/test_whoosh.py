"""What only the Whoosh engine does: parallel writer processes for large batches, a searcher
kept per thread until a commit."""

import pytest

from search.engines import Batch, IndexDocument, SearchRequest
from search.engines import whoosh as whoosh_engine
from search.query import parse_query
from tests.helpers import fresh_engine


def documents(version: str, count: int) -> list[IndexDocument]:
    return [IndexDocument("article", pk, f"第{pk}篇{version}稿件", head=f"{version}标题") for pk in range(1, count + 1)]


@pytest.fixture
def engine(tmp_path):
    engine = fresh_engine("whoosh", tmp_path)
    yield engine
    engine.close()


def found(engine, query) -> int:
    return engine.search(SearchRequest(parse_query(query))).total


def test_a_large_batch_written_by_parallel_writers_replaces_every_old_version(engine, monkeypatch):
    monkeypatch.setattr(whoosh_engine, "PARALLEL_MIN_DOCS", 10)
    engine.write(lambda: Batch(documents("初版", 250)), timeout=30, size=250)

    def segments():
        return {segment.segment_id() for segment in engine._open()._segments()}

    before = segments()
    engine.write(lambda: Batch(documents("更正", 250)), timeout=30, size=250)
    assert len(segments() - before) >= 2  # the batch was written by more than one writer process
    assert engine.count() == 250
    assert found(engine, "更正") == 250 and found(engine, "初版") == 0  # no stale copy left


def test_the_searcher_is_reused_until_a_write(engine):
    engine.write(lambda: Batch(documents("初版", 3)), timeout=5)
    first = engine._searcher()
    assert engine._searcher() is first
    engine.write(lambda: Batch(documents("更正", 1)), timeout=5)
    assert engine._searcher() is not first
    assert found(engine, "更正") == 1
