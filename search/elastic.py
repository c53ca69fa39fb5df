"""Elasticsearch, for when one Whoosh index on one disk is no longer enough.

Chosen by setting ``ELASTICSEARCH_URL`` (see ``config/settings.py``). Elasticsearch does no
Chinese analysis of its own here: the tokens are made in Python by ``search/analyzers.py`` —
the very code the Whoosh index uses — and sent as space-separated strings, which a plain
whitespace analyzer splits back into the same tokens at the same positions. So both engines
agree on what a match is by construction: units and bigrams for matching (a literal of two or
more units is a phrase of its bigrams, one unit a term), jieba words for ranking.
"""

from __future__ import annotations

from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_CT, DJANGO_ID, ID

from .analyzers import bigrams, token_strings, words
from .query import HEAD_BONUS, PHRASE_BONUS, WORD_BOOST, Clause, ParsedQuery, ranking_words
from .types import Filters, RawHit, RawResults

TOKENS = {"type": "text", "analyzer": "tokens", "similarity": "BM25"}
KEYWORD = {"type": "keyword"}
MAPPING = {
    ID: KEYWORD, DJANGO_CT: KEYWORD, DJANGO_ID: KEYWORD,
    "words": TOKENS, "units": TOKENS, "bigrams": TOKENS, "head_units": TOKENS, "head_bigrams": TOKENS,
    "kind": KEYWORD, "section": KEYWORD, "people": KEYWORD, "year_month": KEYWORD, "date": {"type": "date"},
}
SETTINGS = {"settings": {"analysis": {"analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace"}}}}}
SORT = {
    "relevance": ["_score", {"date": "desc"}],
    "newest": [{"date": "desc"}, "_score"],
    "oldest": [{"date": "asc"}, "_score"],
}


def token_fields(text: str, prefix: str = "") -> dict[str, str]:
    unit_tokens, bigram_tokens = token_strings(text)
    return {f"{prefix}units": unit_tokens, f"{prefix}bigrams": bigram_tokens}


def es_document(doc: dict) -> dict:
    """A haystack-prepared document (see ``search_indexes.py``) as Elasticsearch stores it."""
    date = doc.get("date")
    return {
        "_id": doc[ID], ID: doc[ID], DJANGO_CT: doc[DJANGO_CT], DJANGO_ID: doc[DJANGO_ID],
        "words": " ".join(words(doc["text"])),
        **token_fields(doc["ngrams"]),
        **token_fields(doc.get("head") or "", "head_"),
        "kind": doc["kind"], "section": doc.get("section"), "people": doc.get("people") or [],
        "year_month": doc.get("year_month"), "date": date.isoformat() if date else None,
    }


def literal(atom: str, prefix: str = "") -> dict:
    """Documents containing ``atom`` literally: the same rule as ``query.literal``."""
    if len(atom) == 1:
        return {"term": {f"{prefix}units": atom}}
    grams = bigrams(atom)
    if len(grams) == 1:
        return {"term": {f"{prefix}bigrams": grams[0]}}
    return {"match_phrase": {f"{prefix}bigrams": {"query": " ".join(grams), "slop": 0}}}


def _clause(clause: Clause) -> dict:
    return {"bool": {"must": [literal(a) for a in clause.atoms]}}


def to_dsl(parsed: ParsedQuery) -> dict:
    """The same matching and ranking as ``query.to_whoosh``, in Elasticsearch's words."""
    must = [{"bool": {"should": [_clause(c) for c in group], "minimum_should_match": 1}} for group in parsed.groups]
    bonus = [{"constant_score": {"filter": literal(a, "head_"), "boost": HEAD_BONUS}} for a in dict.fromkeys(parsed.atoms)]
    if len(parsed.atoms) > 1:
        bonus.append({"constant_score": {"filter": literal(parsed.whole), "boost": PHRASE_BONUS}})
    bonus += [{"term": {"words": {"value": w, "boost": WORD_BOOST}}} for w in ranking_words(parsed)]
    return {"bool": {
        "must": must or [{"match_all": {}}],
        "must_not": [_clause(c) for c in parsed.excluded],
        "should": bonus,
    }}


def filter_dsl(filters: Filters) -> list[dict]:
    parts = []
    if filters.section_id:
        parts.append({"term": {"section": str(filters.section_id)}})
    if filters.kind:
        parts.append({"term": {"kind": filters.kind}})
    if filters.person_id:
        parts.append({"term": {"people": str(filters.person_id)}})
    if filters.start or filters.end:
        span = {}
        if filters.start:
            span["gte"] = filters.start.isoformat()
        if filters.end:
            span["lte"] = filters.end.isoformat()
        parts.append({"range": {"date": span}})
    return parts


class ChineseElasticsearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = SETTINGS

    def build_schema(self, fields):
        return "text", dict(MAPPING)

    def _prepare_object(self, index, obj):
        return es_document({key: self._from_python(v) if key != "date" else v
                            for key, v in index.full_prepare(obj).items()})

    def document(self, index, obj) -> dict:
        return self._prepare_object(index, obj)

    def apply(self, docs: list[dict], deleted_ids: list[str], timeout: float) -> None:
        """Write and delete in one bulk request; raises ConnectionError while the cluster is down,
        which leaves the updates queued."""
        from elasticsearch.exceptions import ConnectionError as ESConnectionError
        from elasticsearch.helpers import bulk

        if not self.setup_complete:
            self.setup()
        actions = [{"_op_type": "index", **doc} for doc in docs]
        actions += [{"_op_type": "delete", "_id": i} for i in deleted_ids]
        try:
            bulk(self.conn, actions, index=self.index_name, raise_on_error=False, refresh="wait_for")
        except ESConnectionError as error:
            raise ConnectionError(str(error)) from error

    def update(self, index, iterable, commit=True):
        self.apply([self._prepare_object(index, obj) for obj in iterable], [], timeout=0)

    def run(self, parsed: ParsedQuery, filters: Filters, sort: str, page: int, per_page: int) -> RawResults:
        if not self.setup_complete:
            self.setup()
        body = {
            "query": {"bool": {"must": [to_dsl(parsed)], "filter": filter_dsl(filters)}},
            "sort": SORT.get(sort, SORT["relevance"]),
            "track_scores": True,
            "track_total_hits": True,
            "from": (page - 1) * per_page,
            "size": per_page,
            "_source": [DJANGO_CT, DJANGO_ID],
            "aggs": {"section": {"terms": {"field": "section", "size": 500}},
                     "month": {"terms": {"field": "year_month", "size": 5000}}},
        }
        response = self.conn.search(index=self.index_name, body=body)
        hits = [RawHit(h["_source"][DJANGO_CT], int(h["_source"][DJANGO_ID]), h.get("_score") or 0.0)
                for h in response["hits"]["hits"]]
        buckets = {name: {b["key"]: b["doc_count"] for b in response["aggregations"][name]["buckets"]}
                   for name in ("section", "month")}
        return RawResults(response["hits"]["total"]["value"], hits, buckets["section"], buckets["month"])

    def indexed_ids(self) -> dict[str, set[str]]:
        from elasticsearch.helpers import scan

        found: dict[str, set[str]] = {}
        for hit in scan(self.conn, index=self.index_name, query={"_source": [DJANGO_CT, DJANGO_ID]}):
            found.setdefault(hit["_source"][DJANGO_CT], set()).add(hit["_source"][DJANGO_ID])
        return found


class ChineseElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = ChineseElasticsearchBackend
    query = Elasticsearch7SearchQuery
