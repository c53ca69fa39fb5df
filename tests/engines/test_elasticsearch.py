"""The Elasticsearch engine's compiler and documents, checked without a server: documents carry
exactly the tokens the other engines index, and the compiled Query DSL — read by a small
interpreter of the documented meaning of the clauses it uses — selects exactly the items whose
text contains the query's literals. With ``ELASTICSEARCH_URL`` set, ``test_contract.py`` runs the
whole contract against the server as well."""

import pytest

from search.analyzers import bigrams, field_tokens, units, words
from search.engines import IndexDocument
from search.engines.elasticsearch import es_document, literal, matching
from search.engines.sqlite_query import literal as fts5_literal
from search.query import parse_query
from tests.judged import JUDGED
from tests.seeds import SEED_FILES

TEXTS = [path.read_text(encoding="utf-8") for path in SEED_FILES]
PARAGRAPHS = [p for text in TEXTS for p in text.split("\n\n") if p.strip()]
DOCUMENTS = [IndexDocument("article", pk, text.split("\n")[0], head=text.split("\n")[0], body=text.partition("\n")[2])
             for pk, text in enumerate(PARAGRAPHS, 1)]


def test_documents_carry_the_tokens_every_engine_indexes():
    for doc in DOCUMENTS:
        source = es_document(doc)["_source"]
        text, body, head = field_tokens(doc.text), field_tokens(doc.body), field_tokens(doc.head)
        assert [v.split() for v in source["text_units"]] == [list(units(doc.text)[0]), list(units(doc.body)[0])]
        assert source["text_bigrams"] == [text.bigrams, body.bigrams]
        assert source["text_bigrams"][1].split() == bigrams(units(doc.body)[0])
        assert (source["body_units"], source["body_bigrams"]) == (body.units, body.bigrams)
        assert source["words"].split() == words(doc.text + doc.body)
        assert (source["head_units"], source["head_bigrams"]) == (head.units, head.bigrams)


@pytest.mark.parametrize("atom", ["招", "招商", "招商引资", "2023", "gmp", "15+4"])
def test_a_literal_is_the_same_tokens_in_elasticsearch_and_fts5(atom):
    atom = parse_query(atom).atoms[0]
    dsl = literal(atom)
    es_tokens = (dsl.get("term") or {}).values() or [dsl["match_phrase"]["text_bigrams"]["query"]]
    fts5_tokens = fts5_literal(atom).split('"')[1]
    assert " ".join(es_tokens) == fts5_tokens


def selects(query: dict, source: dict) -> bool:
    """The Query DSL clauses the compiler emits, as Elasticsearch documents them: ``bool``
    (every filter, at least ``minimum_should_match`` should, no must_not), ``term`` (one token),
    ``match_phrase`` with slop 0 (tokens at consecutive positions within one of a field's
    values: Lucene leaves a gap of 100 positions between them), ``match_all``."""
    if "match_all" in query:
        return True
    if "bool" in query:
        clause = query["bool"]
        wanted = clause.get("minimum_should_match", 0)
        return (all(selects(q, source) for q in clause.get("filter", []) + clause.get("must", []))
                and not any(selects(q, source) for q in clause.get("must_not", []))
                and sum(selects(q, source) for q in clause.get("should", [])) >= wanted)
    if "term" in query:
        (field, token), = query["term"].items()
        return any(token in value.split() for value in values(source[field]))
    (field, phrase), = query["match_phrase"].items()
    assert phrase["slop"] == 0
    want = phrase["query"].split()
    return any(have[i:i + len(want)] == want for have in map(str.split, values(source[field]))
               for i in range(len(have) - len(want) + 1))


def values(field_value) -> list[str]:
    return field_value if isinstance(field_value, list) else [field_value]


def contains(query, doc) -> bool:
    """The engine-neutral meaning of a parsed query: every group has a clause whose literals all
    occur in the units of one of the field's parts (the text is two: the rest and the body),
    and no excluded clause does."""
    parts = {"text": [doc.text, doc.body], "head": [doc.head], "body": [doc.body]}

    def found(clause):
        return all(any(atom in units(part)[0] for part in parts[clause.field]) for atom in clause.atoms)

    return all(any(found(c) for c in group) for group in query.groups) and not any(map(found, query.excluded))


QUERIES = [q for q, _, _ in JUDGED] + ['招商 "开门红" 消防 OR 献血 -亚欧', "昌吉 -招商", "-昌吉", "记者 OR 摄 -刘茜",
                                      "昌吉 OR", "OR 昌吉", '"本报讯 记者"', "州县 联动", "正文:招商", "-正文:昌吉 招商",
                                      "标题:昌吉 OR 正文:消防", "正文:记者 -标题:记者"]


@pytest.mark.parametrize("text", QUERIES, ids=range(len(QUERIES)))
def test_the_compiled_query_selects_exactly_the_items_containing_its_literals(text):
    query = parse_query(text)
    compiled = matching(query)
    chosen = {doc.pk for doc in DOCUMENTS if selects(compiled, es_document(doc)["_source"])}
    assert chosen == {doc.pk for doc in DOCUMENTS if contains(query, doc)}
