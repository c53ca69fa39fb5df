"""An index that is busy, full, broken or outdated: every engine says so plainly, naming the
index, and keeps what it had. Busy is worth waiting for (``IndexUnavailable``: the queue keeps
the update); the rest is not (``IndexFailure``: reported at once)."""

import dataclasses
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from search.engines import (
    ON_MACHINE, Batch, IndexDocument, IndexFailure, IndexUnavailable, SearchRequest, SearchTooExpensive, build,
)
from search.query import parse_query
from tests.helpers import break_index_files, fresh_engine, write_lock_held

DOCUMENTS = [IndexDocument("article", pk, f"第{pk}篇稿件:昌吉州招商引资。", head=f"第{pk}篇") for pk in range(1, 6)]
MORE = [IndexDocument("article", pk, f"新稿件{pk}:" + "葡萄酒节直播大赛。" * 50) for pk in range(100, 160)]


@pytest.fixture(params=ON_MACHINE)
def config(request, tmp_path):
    return {"ENGINE": request.param, "LOCATION": str(tmp_path / request.param)}


@pytest.fixture
def engine(config):
    engine = fresh_engine(config["ENGINE"], config["LOCATION"])
    engine.write(lambda: Batch(DOCUMENTS), timeout=5)
    yield engine
    engine.close()


def found(engine, query="招商") -> list[int]:
    return [h.pk for h in engine.search(SearchRequest(parse_query(query))).hits]


def test_a_busy_index_is_unavailable_for_now_and_keeps_what_it_had(engine, config):
    with write_lock_held(engine):
        with pytest.raises(IndexUnavailable, match=config["LOCATION"]):
            engine.write(lambda: Batch(deleted=["archive.article.1"]), timeout=0.2)
        assert sorted(found(engine)) == [1, 2, 3, 4, 5]  # readers are not blocked
    engine.write(lambda: Batch(deleted=["archive.article.1"]), timeout=5)
    assert sorted(found(engine)) == [2, 3, 4, 5]


WRITE_ON_A_FULL_DISK = """
import json, resource, signal, sys
from search.engines import Batch, IndexDocument, build
config, documents = json.loads(sys.argv[1]), [IndexDocument(**d) for d in json.load(sys.stdin)]
engine = build(config)
engine.count()  # open what is there while files can still be written
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))  # no file may grow past 1 byte
try:
    engine.write(lambda: Batch(documents), timeout=5)
    print(json.dumps(["written", ""]))
except Exception as error:
    print(json.dumps([type(error).__name__, str(error)]))
"""


def test_a_write_that_meets_a_full_disk_fails_naming_the_index_and_keeps_what_it_had(engine, config):
    """The write runs in a process whose files may not grow (RLIMIT_FSIZE): every write fails
    as it would on a full disk."""
    before = (engine.count(), found(engine))
    documents = json.dumps([{"kind": d.kind, "pk": d.pk, "text": d.text} for d in MORE])
    done = subprocess.run([sys.executable, "-c", WRITE_ON_A_FULL_DISK, json.dumps(config)], input=documents,
                          capture_output=True, text=True, timeout=120)
    outcome, message = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == "IndexFailure", (outcome, message, done.stderr[-2000:])
    assert config["LOCATION"] in message and "磁盘" in message
    assert (engine.count(), found(engine)) == before
    engine.write(lambda: Batch(MORE), timeout=5)  # with room again, the same write works
    assert engine.count() == len(DOCUMENTS) + len(MORE)


def test_a_broken_index_file_is_reported_naming_it_and_a_rebuild_mends_it(engine, config):
    engine.close()
    break_index_files(config)
    broken = build(config)
    with pytest.raises(IndexFailure, match=config["LOCATION"]) as failure:
        broken.search(SearchRequest(parse_query("招商")))
    assert "rebuild_index" in str(failure.value)
    with pytest.raises(IndexFailure):
        broken.write(lambda: Batch(DOCUMENTS), timeout=1)
    broken.clear(timeout=5)  # what rebuild_index does first
    broken.write(lambda: Batch(DOCUMENTS), timeout=5)
    assert sorted(found(broken)) == [1, 2, 3, 4, 5]


def test_a_broken_whoosh_segment_is_reported_naming_the_index(tmp_path):
    config = {"ENGINE": "whoosh", "LOCATION": str(tmp_path)}
    engine = fresh_engine("whoosh", tmp_path)
    engine.write(lambda: Batch(DOCUMENTS), timeout=5)
    engine.close()
    segments = [p for p in tmp_path.iterdir() if p.suffix not in (".toc", "") and "WRITELOCK" not in p.name]
    assert segments
    for path in segments:
        path.write_bytes(b"\xff\x00 not a segment " * 50)
    broken = build(config)
    with pytest.raises(IndexFailure, match=str(tmp_path)):
        broken.search(SearchRequest(parse_query("招商")))


def test_a_search_over_its_time_budget_is_stopped_early_and_the_next_one_answers(engine):
    garbage = [IndexDocument("article", pk, "OCR 乱码" + "a b " * 1500 + "a" * 3000) for pk in range(100, 500)]
    engine.write(lambda: Batch(garbage), timeout=30, size=len(garbage))
    expensive = SearchRequest(parse_query("aaaaaaaa 乱码"), budget=60)
    engine.search(expensive)  # caches warm
    started = time.thread_time()
    assert engine.search(expensive).total == len(garbage)
    whole = time.thread_time() - started
    started = time.thread_time()
    with pytest.raises(SearchTooExpensive, match="检索过于复杂"):
        engine.search(dataclasses.replace(expensive, budget=whole / 10))
    assert time.thread_time() - started < whole / 2  # stopped near its budget, not at the end
    assert sorted(found(engine)) == [1, 2, 3, 4, 5]


def make_older_version(config) -> None:
    if config["ENGINE"] == "sqlite":
        with sqlite3.connect(f"{config['LOCATION']}/index.sqlite3") as db:
            db.execute("PRAGMA user_version = 1")
    else:
        for path in Path(config["LOCATION"]).iterdir():  # what an earlier version left: another index
            path.unlink()
        FileStorage(config["LOCATION"]).create_index(Schema(text=TEXT, ngrams=TEXT), "MAIN")


def test_an_index_written_by_another_version_asks_for_a_rebuild(engine, config):
    engine.close()
    make_older_version(config)
    older = build(config)
    with pytest.raises(IndexFailure, match="rebuild_index"):
        older.count()
    older.clear(timeout=5)
    older.write(lambda: Batch(DOCUMENTS), timeout=5)
    assert older.count() == len(DOCUMENTS)
