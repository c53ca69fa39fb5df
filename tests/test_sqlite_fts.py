"""The SQLite FTS5 engine (ARCHIVE_SEARCH_ENGINE=sqlite): it finds what Whoosh finds, and it
fails clearly. Everything else about search is tested on it by running the whole suite again
with ARCHIVE_SEARCH_ENGINE=sqlite (``make test`` does).
"""

import datetime
import os
import random
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from archive.models import Article, Person, Section
from search.query import parse_query
from search.results import search
from search.sqlite_fts import IndexBusy, match_expression
from search.types import Filters
from tests.conftest import SQLITE, search_connection, whoosh_index_at
from tests.test_search import JUDGED


def sqlite_index_at(path):
    return search_connection(ENGINE=SQLITE, PATH=str(path))


def answers(queries: list[str], filters: list[Filters]) -> dict:
    """Everything a reader sees of each search but the order: total, hits, facet counts."""
    found = {}
    for q in queries:
        for f in filters:
            r = search(parse_query(q), f, per_page=1000)
            found[q, repr(f)] = (r.total, {(h.kind, h.object.pk) for h in r.hits},
                                 [(s.pk, n) for s, n in r.sections], [(m.month, m.count) for m in r.months])
    return found


def random_substrings(n: int) -> list[str]:
    rng = random.Random(11)
    texts = [a.title + a.body for a in Article.objects.all()]
    found = []
    while len(found) < n:
        text = rng.choice(texts)
        start = rng.randrange(len(text) - 6)
        needle = text[start:start + rng.randint(1, 6)]
        if any(ch.isalnum() for ch in needle):
            found.append(needle)
    return found


@pytest.mark.django_db(transaction=True)
def test_finds_exactly_what_whoosh_finds_with_the_same_facets(ingested, tmp_path):
    queries = [q for q, _, _ in JUDGED] + random_substrings(60) + [
        "-昌吉", "招商 -昌吉", "招商 OR 葡萄酒", '"本报讯 记者"', "昌吉 OR -", "记者 摄"]
    section = Section.objects.filter(articles__isnull=False).first()
    person = Person.objects.filter(articles__isnull=False).first()
    filters = [Filters(), Filters(kind="photo"), Filters(section_id=section.pk), Filters(person_id=person.pk),
               Filters(start=datetime.date(2023, 4, 17), end=datetime.date(2023, 4, 18)),
               Filters(end=datetime.date(2023, 4, 16))]
    with whoosh_index_at(tmp_path / "whoosh"):
        call_command("rebuild_index", interactive=False, verbosity=0)
        expected = answers(queries, filters)
    with sqlite_index_at(tmp_path / "sqlite"):
        call_command("rebuild_index", interactive=False, verbosity=0)
        assert answers(queries, filters) == expected
    assert any(total for total, *_ in expected.values())  # the comparison compared something


def test_query_text_never_reaches_fts5_as_syntax():
    hostile = 'a" OR b NEAR(c) * {units} : ^d -e "f'
    expression = match_expression(parse_query(hostile))
    parts = expression.split('"')
    quoted, outside = parts[1::2], parts[0::2]
    assert quoted and all(part.replace(" ", "").isalnum() for part in quoted)  # only units inside quotes
    syntax = set(" ".join(outside).replace("(", " ").replace(")", " ").split())
    assert syntax <= {"AND", "OR", "NOT", "units", "bigrams", ":"}  # only ours outside


@pytest.mark.django_db(transaction=True)
def test_a_busy_index_raises_index_busy_naming_the_file_and_keeps_what_it_had(ingested, tmp_path):
    with sqlite_index_at(tmp_path / "sqlite") as backend:
        call_command("rebuild_index", interactive=False, verbosity=0)
        before = backend.doc_count()
        with backend.writer(timeout=1):
            with pytest.raises(IndexBusy, match="index.sqlite3"):
                backend.apply([], ["archive.article.1"], timeout=0.1)
        assert isinstance(IndexBusy("x"), TimeoutError)  # the index queue treats it as "try later"
        assert backend.doc_count() == before


def test_an_index_written_by_other_code_is_refused_with_a_clear_message(tmp_path):
    folder = tmp_path / "sqlite"
    folder.mkdir()
    with sqlite3.connect(folder / "index.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    with sqlite_index_at(folder) as backend:
        with pytest.raises(RuntimeError, match="rebuild_index"):
            backend.doc_count()


def test_an_unknown_engine_name_is_refused_at_start_naming_the_variable():
    env = os.environ | {"ARCHIVE_SEARCH_ENGINE": "lucene"}
    done = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "ARCHIVE_SEARCH_ENGINE='lucene'" in done.stderr and "sqlite" in done.stderr
