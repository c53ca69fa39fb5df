"""Elasticsearch agrees with the Whoosh default on what a match is.

The first tests need no server: they check that the tokens and query pieces sent to
Elasticsearch are the ones the Whoosh index uses. The integration test needs a real
Elasticsearch 7 (``ELASTICSEARCH_URL=http://127.0.0.1:9200``) and compares every result set.
"""

import os
import random
import uuid

import pytest
from whoosh import query as wq

from archive.models import Article
from search import query as whoosh_query
from search.analyzers import NgramTokenizer, WordTokenizer
from search.elastic import es_document, literal, to_dsl
from search.query import parse_query
from search.results import search
from search.search_indexes import ArticleIndex, PhotoIndex
from search.types import Filters
from tests.conftest import search_connection, whoosh_index_at
from tests.test_search import JUDGED

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


@pytest.mark.django_db
def test_documents_carry_exactly_the_whoosh_tokens(ingested):
    from archive.models import PhotoCaption
    for index, objects in [(ArticleIndex(), Article.objects.all()), (PhotoIndex(), PhotoCaption.objects.all())]:
        for obj in objects:
            prepared = index.full_prepare(obj)
            doc = es_document(prepared)
            ngram_tokens = [t.text for t in NgramTokenizer()(prepared["ngrams"])]
            assert doc["units"].split() == [t for t in ngram_tokens if len(t) == 1]
            assert doc["bigrams"].split() == [t for t in ngram_tokens if len(t) == 2]
            assert doc["words"].split() == [t.text for t in WordTokenizer()(prepared["text"])]
            head_tokens = [t.text for t in NgramTokenizer()(prepared["head"])]
            assert doc["head_bigrams"].split() == [t for t in head_tokens if len(t) == 2]


@pytest.mark.parametrize("atom", ["招", "招商", "招商引资", "2023", "gmp", "15+4"])
def test_a_literal_is_the_same_phrase_in_both_engines(atom):
    atom = parse_query(atom).atoms[0]
    whoosh = whoosh_query.literal("ngrams", atom)
    dsl = literal(atom)
    if isinstance(whoosh, wq.Phrase):
        assert dsl["match_phrase"]["bigrams"]["query"].split() == list(whoosh.words)
    else:
        kind = "units" if len(whoosh.text) == 1 else "bigrams"
        assert dsl == {"term": {kind: whoosh.text}}


def test_boolean_structure_matches_the_whoosh_query():
    dsl = to_dsl(parse_query('招商 "开门红" 消防 OR 献血 -亚欧'))["bool"]
    assert len(dsl["must"]) == 3 and len(dsl["must_not"]) == 1
    assert len(dsl["must"][2]["bool"]["should"]) == 2  # 消防 OR 献血


def result_sets(queries):
    return {q: {(h.kind, h.object.pk) for h in search(parse_query(q), Filters(), per_page=1000).hits}
            for q in queries}


@pytest.mark.skipif(not ELASTICSEARCH_URL, reason="set ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200, "
                                                   "Elasticsearch 7) to run the Elasticsearch integration test")
@pytest.mark.django_db(transaction=True)
def test_elasticsearch_finds_exactly_what_whoosh_finds(ingested, tmp_path):
    from django.core.management import call_command

    rng = random.Random(7)
    texts = [a.title + a.body for a in Article.objects.all()]
    queries = [q for q, _, _ in JUDGED]
    while len(queries) < len(JUDGED) + 100:
        text = rng.choice(texts)
        start = rng.randrange(len(text) - 6)
        needle = text[start:start + rng.randint(1, 6)]
        if any(ch.isalnum() for ch in needle):
            queries.append(needle)
    with whoosh_index_at(tmp_path / "whoosh"):
        call_command("rebuild_index", interactive=False, verbosity=0)
        expected = result_sets(queries)
    index_name = f"archive-test-{uuid.uuid4().hex[:8]}"
    with search_connection(ENGINE="search.elastic.ChineseElasticsearchEngine", URL=ELASTICSEARCH_URL,
                           INDEX_NAME=index_name) as backend:
        try:
            call_command("rebuild_index", interactive=False, verbosity=0)
            assert result_sets(queries) == expected
            first = search(parse_query("开门红"), Filters()).hits[0]
            assert str(first.object) == "昌吉州一季度招商引资实现“开门红”"
        finally:
            backend.conn.indices.delete(index=index_name, ignore=404)
