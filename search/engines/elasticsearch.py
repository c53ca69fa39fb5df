"""Elasticsearch 7 (``ARCHIVE_SEARCH_ENGINE=elasticsearch`` with ``ELASTICSEARCH_URL``).

Elasticsearch does no Chinese analysis here: the tokens are made in Python by
``search/analyzers.py`` and sent as space-separated strings that a whitespace analyzer splits
back, so it finds exactly what the other engines find. A photo printed in an article is indexed
as that article's child (a ``join`` field), so that it can be folded under its article when the
article is a hit too (``has_parent``), as the contract requires.

Its order is Lucene's BM25 over the same evidence (``search/scoring.py``): Lucene computes idf
as ln(1 + (N − n + 0.5)/(n + 0.5)), stores field lengths in one lossy byte and scores a phrase
with the sum of its terms' idf, so the numbers — and in close cases the order — differ from the
on-machine engines'. It weighs common words too (``SearchRequest.common`` is not applied: knowing
which literals are common would take a count per literal per search) and always counts exactly.
The contract suite checks its result sets, totals and facets; it cannot be
run here (no Elasticsearch server can be installed on this machine), see README.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ConnectionError as ESConnectionError, NotFoundError, TransportError
from elasticsearch.helpers import BulkIndexError, bulk, scan

from ..analyzers import bigrams, field_tokens, words
from ..query import Clause, ParsedQuery
from ..scoring import HEAD, WORDS, Evidence
from .base import FIRST_DATE, KINDS, NO_DATE, Batch, SearchTooExpensive, Filters, IndexFailure, IndexUnavailable, RawHit, RawResults, SearchEngine, SearchRequest

BUSY_STATUSES = (429, 503)  # too many requests, cluster not ready: worth retrying later
TOKENS = {"type": "text", "analyzer": "tokens", "similarity": "BM25"}
KEYWORD, LONG = {"type": "keyword"}, {"type": "long"}
MAPPING = {"properties": {
    "ident": KEYWORD, "kind": KEYWORD, "pk": LONG, "parent": LONG, "section": LONG, "people": LONG,
    "date": {"type": "date"}, "month": KEYWORD,
    "text_units": TOKENS, "text_bigrams": TOKENS, "words": TOKENS, "head_units": TOKENS, "head_bigrams": TOKENS,
    "body_units": TOKENS, "body_bigrams": TOKENS,
    "story": {"type": "join", "relations": {"article": "photo"}},
}}
SETTINGS = {"number_of_shards": 1, "analysis": {"analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace"}}}}
ORDER = {
    "relevance": ["_score", {"date": "desc"}, {"kind": "asc"}, {"pk": "desc"}],
    "newest": [{"date": "desc"}, "_score", {"kind": "asc"}, {"pk": "desc"}],
    "oldest": [{"_script": {"type": "number", "order": "asc", "script": {
        "source": "doc['date'].value.toLocalDate().toString() == params.undated ? 1 : 0",
        "params": {"undated": NO_DATE.isoformat()}}}},
               {"date": "asc"}, "_score", {"kind": "asc"}, {"pk": "desc"}],
}


def es_document(doc) -> dict:
    """The text is two values — the rest of the text, then the body — that a phrase cannot run
    across (Lucene leaves ``position_increment_gap``, 100 positions, between the values of a
    field). The body is also indexed by itself, for ``正文:``."""
    text, body, head = field_tokens(doc.text), field_tokens(doc.body), field_tokens(doc.head)
    source = {
        "ident": doc.ident, "kind": doc.kind, "pk": doc.pk, "parent": doc.parent, "section": doc.section_id,
        "people": list(doc.people), "date": doc.sort_date.isoformat(), "month": doc.month,
        "text_units": [text.units, body.units], "text_bigrams": [text.bigrams, body.bigrams],
        "words": " ".join(words(doc.printed)), "head_units": head.units, "head_bigrams": head.bigrams,
        "body_units": body.units, "body_bigrams": body.bigrams,
        "story": {"name": "photo", "parent": f"{KINDS['article']}.{doc.parent}"} if doc.parent else "article",
    }
    return {"_id": doc.ident, "_source": source, **({"_routing": source["story"]["parent"]} if doc.parent else {})}


# --- the compiler ----------------------------------------------------------------------------

def literal(atom: str, field: str = "text") -> dict:
    """Documents containing ``atom`` literally in ``field`` (text, head or body): one unit is a
    term, more a phrase of bigrams."""
    if len(atom) == 1:
        return {"term": {f"{field}_units": atom}}
    grams = bigrams(atom)
    if len(grams) == 1:
        return {"term": {f"{field}_bigrams": grams[0]}}
    return {"match_phrase": {f"{field}_bigrams": {"query": " ".join(grams), "slop": 0}}}


def _clause(clause: Clause) -> dict:
    return {"bool": {"filter": [literal(a, clause.field) for a in clause.atoms]}}


def matching(query: ParsedQuery) -> dict:
    must = [{"bool": {"should": [_clause(c) for c in group], "minimum_should_match": 1}} for group in query.groups]
    return {"bool": {"filter": must or [{"match_all": {}}], "must_not": [_clause(c) for c in query.excluded]}}


def filtering(filters: Filters) -> list[dict]:
    parts = []
    if filters.section_id:
        parts.append({"term": {"section": filters.section_id}})
    if filters.kind:
        parts.append({"term": {"kind": filters.kind}})
    if filters.person_id:
        parts.append({"term": {"people": filters.person_id}})
    if filters.start or filters.end:  # a date range never matches an undated item
        span = {"gte": (filters.start or FIRST_DATE).isoformat()}
        span |= {"lte": filters.end.isoformat()} if filters.end else {}
        parts.append({"range": {"date": span}})
    return parts


def scoring(evidence: Evidence) -> list[dict]:
    if evidence.field == WORDS:
        return [{"term": {"words": {"value": w, "boost": evidence.weight}}} for w in evidence.literals]
    field = "head" if evidence.field == HEAD else "text"
    return [{"bool": {"must": [literal(a, field)], "boost": evidence.weight}} for a in evidence.literals]


def kept(request: SearchRequest) -> dict:
    """The matches that pass the filters."""
    return {"bool": {"filter": [matching(request.query), *filtering(request.filters)]}}


def shown(request: SearchRequest) -> dict:
    """``kept`` without the photos whose article is kept too, scored by the evidence."""
    folded = {"bool": {"filter": [{"term": {"kind": "photo"}},
                                  {"has_parent": {"parent_type": "article", "query": kept(request)}}]}}
    return {"bool": {"filter": [kept(request)], "must_not": [folded],
                     "should": [part for evidence in request.evidence for part in scoring(evidence)]}}


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    def __init__(self, location: str, index_name: str = "archive", **options):
        super().__init__(location, **options)
        self.index_name = index_name
        self.conn = Elasticsearch([location], timeout=30)
        self._ready = False

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except ESConnectionError as error:
            raise IndexUnavailable(f"检索服务 {self.location} 连接不上:{error}") from error
        except TransportError as error:
            if error.status_code in BUSY_STATUSES:
                raise IndexUnavailable(f"检索服务 {self.location} 繁忙:{error}") from error
            raise IndexFailure(f"检索服务 {self.location} 索引 {self.index_name} 出错:{error}") from error
        except BulkIndexError as error:
            raise IndexFailure(f"检索服务 {self.location} 索引 {self.index_name} 有文档写入失败:"
                               f"{error.errors[:3]}") from error

    def _setup(self) -> None:
        if not self._ready:
            if not self._call(self.conn.indices.exists, index=self.index_name):
                self._call(self.conn.indices.create, index=self.index_name,
                           body={"settings": SETTINGS, "mappings": MAPPING})
            self._ready = True

    def search(self, request: SearchRequest) -> RawResults:
        self._setup()
        body = {
            "query": shown(request), "sort": ORDER[request.sort], "track_scores": True, "track_total_hits": True,
            "timeout": f"{max(1, int(request.budget * 1000))}ms",  # the server's own clock: wall time
            "from": request.offset, "size": request.per_page if request.hits else 0, "_source": ["kind", "pk"],
            "aggs": {"section": {"terms": {"field": "section", "size": 10000}},
                     "month": {"terms": {"field": "month", "size": 10000}}},
        }
        response = self._call(self.conn.search, index=self.index_name, body=body,
                              request_timeout=request.budget + 5)
        if response.get("timed_out"):
            raise SearchTooExpensive(request.budget)
        rows = [(h["_source"]["kind"], h["_source"]["pk"], h.get("_score") or 0.0) for h in response["hits"]["hits"]]
        photos = self._folded(request, [pk for kind, pk, _ in rows if kind == "article"])
        buckets = {name: {b["key"]: b["doc_count"] for b in response["aggregations"][name]["buckets"]}
                   for name in ("section", "month")}
        hits = [RawHit(kind, pk, score, tuple(photos.get(pk, ()))) for kind, pk, score in rows]
        return RawResults(response["hits"]["total"]["value"], hits, buckets["section"], buckets["month"])

    def _folded(self, request: SearchRequest, articles: list[int]) -> dict[int, list[int]]:
        if not articles:
            return {}
        query = {"bool": {"filter": [kept(request), {"term": {"kind": "photo"}}, {"terms": {"parent": articles}}]}}
        response = self._call(self.conn.search, index=self.index_name,
                              body={"query": query, "size": 10000, "_source": ["parent", "pk"], "sort": [{"pk": "asc"}]})
        found: dict[int, list[int]] = {}
        for hit in response["hits"]["hits"]:
            found.setdefault(hit["_source"]["parent"], []).append(hit["_source"]["pk"])
        return found

    def write(self, read, *, timeout: float, size: int = 0) -> None:
        """Deletes by ident (a photo lives on its article's routing), then one bulk request.
        Short of the contract: Elasticsearch has no write lock, so ``timeout`` only bounds the
        requests, readers may see the batch half written, and two writers racing may leave the
        older copy of an item (``check_index`` then ``update_index`` mends it)."""
        self._setup()
        batch: Batch = read()
        idents = [doc.ident for doc in batch.documents] + list(batch.deleted)
        if idents:
            self._call(self.conn.delete_by_query, index=self.index_name, refresh=True,
                       body={"query": {"terms": {"ident": idents}}}, request_timeout=max(timeout, 1))
        actions = [{"_op_type": "index", "_index": self.index_name, **es_document(doc)} for doc in batch.documents]
        if actions:
            self._call(bulk, self.conn, actions, refresh="wait_for", request_timeout=max(timeout, 1))

    def indexed_ids(self) -> dict[str, set[str]]:
        self._setup()
        found: dict[str, set[str]] = {}
        for hit in self._call(lambda: list(scan(self.conn, index=self.index_name, query={"_source": ["kind", "pk"]}))):
            found.setdefault(KINDS[hit["_source"]["kind"]], set()).add(str(hit["_source"]["pk"]))
        return found

    def count(self) -> int:
        self._setup()
        return self._call(self.conn.count, index=self.index_name)["count"]

    def clear(self, *, timeout: float) -> None:
        try:
            self._call(self.conn.indices.delete, index=self.index_name)
        except IndexFailure as failure:
            if not isinstance(failure.__cause__, NotFoundError):
                raise
        self._ready = False
        self._setup()
