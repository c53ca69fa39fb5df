"""The engine contract: every engine finds the same items, counts the same facets and puts the
first twenty in the same order with the same scores — for the judged queries and a few hundred
generated ones, under every sort, filter and page. Run against each engine that runs on this
machine, and Elasticsearch when ``ELASTICSEARCH_URL`` points at one.

The archive is the five seed pages and pages recombined from their paragraphs (items that share
many words, so that orders are worth comparing), ingested and then written to a fresh index of
each engine through the contract alone.
"""

import datetime
from collections import Counter
from dataclasses import replace
import os
import random

import opencc
import pytest
import rjieba

from archive.models import Article, Person, PhotoCaption, Section
from search.documents import batch, merged
from search.engines import Batch, Filters, IndexDocument, SearchRequest
from search.query import parse_query
from tests.helpers import engines_here, fresh_engine, ingest, recombined_pages
from tests.judged import JUDGED
from tests.seeds import SEEDS_DIR

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ENGINES = engines_here() + (["elasticsearch"] if ELASTICSEARCH_URL else [])
EXACT_ORDER = engines_here()  # Elasticsearch ranks with Lucene's BM25: see its module
RECOMBINED_PAGES = 30


def everything():
    return merged([batch("archive.article", list(Article.objects.values_list("pk", flat=True))),
                   batch("archive.photocaption", list(PhotoCaption.objects.values_list("pk", flat=True)))])


@pytest.fixture(scope="module")
def engines(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every engine's index of the same archive, written through ``SearchEngine.write``."""
    from archive.models import Page

    with django_db_blocker.unblock():
        ingest(SEEDS_DIR)
        sources = [(a.title, a.paragraphs()) for a in Article.objects.all() if a.paragraphs()]
        ingest(recombined_pages(tmp_path_factory.mktemp("pages"), sources, RECOMBINED_PAGES))
        built = {}
        for name in ENGINES:
            location = ELASTICSEARCH_URL if name == "elasticsearch" else tmp_path_factory.mktemp(name)
            options = {"INDEX_NAME": f"archive-contract-{os.getpid()}"} if name == "elasticsearch" else {}
            engine = fresh_engine(name, location, **options)
            engine.write(everything, timeout=10, size=Article.objects.count() + PhotoCaption.objects.count())
            built[name] = engine
        yield built
        for engine in built.values():
            if engine.name == "postgres":  # its tables are the test database's: leave them empty
                engine.clear(timeout=10)
            engine.close()
        Page.objects.all().delete()
        Person.objects.all().delete()
        Section.objects.all().delete()


def generated_queries(texts: list[str], count: int, seed: int = 10) -> list[str]:
    """Substrings, words, several words, OR, exclusions, phrases and traditional forms, drawn
    from the archive's own text."""
    rng = random.Random(seed)
    vocabulary = sorted({w for t in texts for w in rjieba.cut(t) if len(w) >= 2 and w.isalnum()})

    def substring(low, high):
        text = rng.choice(texts)
        start = rng.randrange(max(1, len(text) - high))
        return text[start:start + rng.randint(low, high)]

    makers = [
        lambda: substring(1, 6),
        lambda: rng.choice(vocabulary),
        lambda: f"{rng.choice(vocabulary)} {rng.choice(vocabulary)}",
        lambda: f"{rng.choice(vocabulary)} OR {rng.choice(vocabulary)}",
        lambda: f"{rng.choice(vocabulary)} -{rng.choice(vocabulary)}",
        lambda: '"' + substring(4, 8).replace('"', "") + '"',
        lambda: opencc.OpenCC("s2t").convert(rng.choice(vocabulary) + rng.choice(vocabulary)),
        lambda: substring(6, 12),  # cut by jieba into several literals: whole-query evidence
        lambda: f"{substring(6, 12)} OR {rng.choice(vocabulary)}",  # an alternative of several literals
        lambda: f"{rng.choice(vocabulary)} OR {substring(5, 9)} {rng.choice(vocabulary)}",
    ]
    found: list[str] = []
    while len(found) < count:
        query = rng.choice(makers)()
        if parse_query(query).atoms:
            found.append(query)
    return found


def generated_field_queries(count: int, seed: int = 13) -> list[str]:
    """Headline and body fields: a field's word alone, beside another field's or a text word, as
    an alternative, excluded, a phrase — drawn from the archive's own headlines and text."""
    rng = random.Random(seed)
    texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
    vocabulary = sorted({w for t in texts for w in rjieba.cut(t) if len(w) >= 2 and w.isalnum()})
    titles = sorted({w for a in Article.objects.all() for w in rjieba.cut(a.title) if len(w) >= 2 and w.isalnum()})
    makers = [
        lambda: f"标题:{rng.choice(titles)}",
        lambda: f"正文:{rng.choice(vocabulary)}",
        lambda: f"body:{rng.choice(vocabulary)} 标题:{rng.choice(titles)}",
        lambda: f"正文:{rng.choice(vocabulary)} OR 标题:{rng.choice(titles)}",
        lambda: f"{rng.choice(titles)} -正文:{rng.choice(vocabulary)}",
        lambda: f'正文:"{rng.choice(vocabulary)}{rng.choice(vocabulary)}"',
        lambda: f"title:{rng.choice(titles)} {rng.choice(vocabulary)}",
        lambda: f"标题:{rng.choice(titles)} OR {rng.choice(vocabulary)}",
        lambda: f"{rng.choice(vocabulary)} -标题:{rng.choice(vocabulary)}",
        lambda: f'标题:"{rng.choice(titles)}{rng.choice(titles)}"',
    ]
    return [rng.choice(makers)() for _ in range(count)]


def answer(engine, query: str, **request):
    raw = engine.search(SearchRequest(parse_query(query), **request))
    return raw.total, raw.sections, raw.months, [(h.kind, h.pk, h.score, h.photos) for h in raw.hits]


def assert_engines_agree(engines, query, **request):
    answers = {name: answer(engine, query, **request) for name, engine in engines.items()}
    reference = answers[EXACT_ORDER[0]]
    for name, found in answers.items():
        if name in EXACT_ORDER:
            assert found == reference, f"{name} ≠ {EXACT_ORDER[0]} for {query!r} {request}"
        else:  # the same items and counts, in Lucene's order
            assert found[:3] == reference[:3] and {h[:2] for h in found[3]} == {h[:2] for h in reference[3]}, (
                f"{name} ≠ {EXACT_ORDER[0]} for {query!r} {request}")
    return reference


@pytest.mark.django_db
class TestSameResultsSameOrder:
    def test_the_archive_is_large_enough_to_tell_orders_apart(self, engines):
        assert Article.objects.count() > 150
        total, _, _, hits = answer(engines["whoosh"], "项目")
        assert total > 40 and len({score for *_, score, _ in hits}) > 10  # many distinct scores

    @pytest.mark.parametrize("query", [q for q, _, _ in JUDGED], ids=range(len(JUDGED)))
    def test_judged_queries(self, engines, query):
        assert_engines_agree(engines, query)

    def test_generated_queries_under_every_sort(self, engines):
        texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
        compared = 0
        for query in generated_queries(texts, 300):
            total = assert_engines_agree(engines, query)[0]
            compared += bool(total)
        assert compared > 250  # most generated queries find something to compare
        for query in generated_queries(texts, 40, seed=11):
            for sort in ("newest", "oldest"):
                assert_engines_agree(engines, query, sort=sort)
            assert_engines_agree(engines, query, page=2, per_page=7)

    def test_generated_field_queries(self, engines):
        found = 0
        for n, query in enumerate(generated_field_queries(200)):
            found += bool(assert_engines_agree(engines, query)[0])
            assert_engines_agree(engines, query, sort=("newest", "oldest")[n % 2], page=2, per_page=5)
        assert found > 100  # most find something to compare

    def test_filters_and_queries_without_words(self, engines):
        section = Section.objects.filter(articles__isnull=False).first()
        person = Person.objects.filter(articles__isnull=False).first()
        filters = [Filters(kind="photo"), Filters(kind="article"), Filters(section_id=section.pk),
                   Filters(person_id=person.pk), Filters(start=datetime.date(2016, 3, 1), end=datetime.date(2017, 6, 30)),
                   Filters(end=datetime.date(2023, 4, 16)), Filters(section_id=999999)]
        for query in ["昌吉", "发展 -昌吉", "-昌吉", "记者 OR 摄", '"本报讯 记者"', "昌吉州招商引资"]:
            for chosen in filters:
                for sort in ("relevance", "newest"):
                    assert_engines_agree(engines, query, filters=chosen, sort=sort)


COMMON = 12  # small enough that the recombined archive has common words and large results


def assert_engines_agree_on_hits(engines, query, **request):
    """The same hits in the same order with the same scores; the counts too, unless an engine
    says it estimated them — then the estimate is near the exact count, and never below the hits."""
    found = {name: engines[name].search(SearchRequest(parse_query(query), common=COMMON, **request))
             for name in EXACT_ORDER}
    reference = found[EXACT_ORDER[0]]
    assert not reference.approximate
    for name, raw in found.items():
        assert [(h.kind, h.pk, h.score, h.photos) for h in raw.hits] == [
            (h.kind, h.pk, h.score, h.photos) for h in reference.hits], f"{name} ≠ {EXACT_ORDER[0]} for {query!r} {request}"
        if raw.approximate:
            # a sample of ~COMMON items: near, not exact (at this size, within a factor of two)
            assert reference.total / 2 <= raw.total <= reference.total * 2, (query, request, raw.total, reference.total)
            assert raw.total >= (request.get("page", 1) - 1) * request.get("per_page", 20) + len(raw.hits)
            assert set(raw.months) <= set(reference.months) and set(raw.sections) <= set(reference.sections)
        else:
            assert (raw.total, raw.sections, raw.months) == (reference.total, reference.sections, reference.months)
    return found


@pytest.mark.django_db
class TestCommonWordsAndLargeResults:
    """With ``common`` set low, the recombined archive's frequent words are common (not weighed)
    and many searches match more than ``common`` items: the FTS5 engine then reads only the
    page (``sqlite_large.py``) and estimates the counts — with the very hits Whoosh finds by
    scoring every match."""

    def test_every_sort_page_and_filter(self, engines):
        texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
        section = Section.objects.filter(articles__isnull=False).first()
        person = Person.objects.filter(articles__isnull=False).first()
        filters = [Filters(), Filters(kind="photo"), Filters(section_id=section.pk), Filters(person_id=person.pk),
                   Filters(start=datetime.date(2016, 3, 1), end=datetime.date(2017, 6, 30))]
        large = 0
        for n, query in enumerate(["记者", "发展 -昌吉", "-昌吉", "记者 OR 摄", "的", *generated_queries(texts, 60, seed=12)]):
            for sort in ("relevance", "newest", "oldest"):
                for page, per_page in ((1, 20), (3, 7)):
                    for chosen in {Filters(), filters[n % len(filters)]}:
                        found = assert_engines_agree_on_hits(engines, query, sort=sort, page=page, per_page=per_page,
                                                             filters=chosen)
                        large += any(raw.approximate for raw in found.values())
        assert large > 60, large  # the large-result path ran for a good share of them

    def test_body_clauses_of_common_words_take_the_large_path_and_find_the_same(self, engines):
        """A body clause is part of FTS5's match, so a large body search is read a page at a
        time like any other; an item holding the word outside its body is no hit there."""
        # headline words weighed (in few items), beside a common body word: the items holding
        # the headline word only in their headline are weighed but are no hits
        titles = Counter(w for a in Article.objects.all() for w in set(rjieba.cut(a.title)) if len(w) >= 2 and w.isalnum())
        weighed = [f"正文:{w} OR 正文:记者" for w, n in sorted(titles.items()) if 2 <= n <= 6][:12]
        large = 0
        for query in ["正文:记者", "正文:发展", "正文:的 -标题:的", "记者 -正文:记者", "正文:记者 OR 摄", "正文:发展 昌吉", *weighed]:
            for sort in ("relevance", "newest"):
                found = assert_engines_agree_on_hits(engines, query, sort=sort, per_page=7)
                large += any(raw.approximate for raw in found.values())
        assert large >= 4, large

    @pytest.mark.parametrize("strategy", [
        {"PROBE_COST": 0.0},  # each evidence id checked against the match
        {"PROBE_COST": float("inf"), "WALKED_PER_EVIDENCE": float("inf")},  # the match walked
        {"PROBE_COST": float("inf"), "WALKED_PER_EVIDENCE": 0},  # FTS5 intersects match and literals
    ])
    def test_every_way_of_finding_the_scoring_items_finds_the_same(self, engines, monkeypatch, strategy):
        from search.engines import sqlite_large
        for name, value in strategy.items():
            monkeypatch.setattr(sqlite_large, name, value)
        texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
        large = 0
        for query in ["记者 发展", "发展 -昌吉", *generated_queries(texts, 30, seed=5)]:
            found = assert_engines_agree_on_hits(engines, query, per_page=10)
            large += found["sqlite"].approximate
        assert large > 10, large

    def test_hits_alone_are_the_same_hits_without_the_counts(self, engines):
        """``counts=False`` (related reports): the same hits; a large search's counts may be left out."""
        texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
        skipped = 0
        for query in ["记者 OR 发展 OR 昌吉", "记者", *generated_queries(texts, 20, seed=8)]:
            for sort in ("relevance", "newest"):
                for name, engine in engines.items():
                    request = SearchRequest(parse_query(query), sort=sort, per_page=8, common=COMMON)
                    counted, hits_only = engine.search(request), engine.search(replace(request, counts=False))
                    assert hits_only.hits == counted.hits, (name, query, sort)
                    if hits_only.total != counted.total:
                        assert hits_only.approximate and hits_only.total >= len(hits_only.hits)
                        skipped += 1
        assert skipped > 5  # the large searches left their counts out

    def test_counts_alone_are_the_same_counts_without_the_hits(self, engines):
        """``hits=False`` (compare mode, facets counted again): no hits, the same counts."""
        texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
        section = Section.objects.filter(articles__isnull=False).first()
        for n, query in enumerate(["记者 OR 发展 OR 昌吉", "记者", "-昌吉", "标题:发展", *generated_queries(texts, 20, seed=9)]):
            filters = (Filters(), Filters(section_id=section.pk), Filters(kind="photo"))[n % 3]
            for name, engine in engines.items():
                request = SearchRequest(parse_query(query), filters=filters, per_page=8, common=COMMON)
                counted, counts_only = engine.search(request), engine.search(replace(request, hits=False))
                assert counts_only.hits == []
                assert (counts_only.sections, counts_only.months) == (counted.sections, counted.months), (name, query)
                assert counts_only.total == counted.total or counted.approximate and len(counted.hits) < 8, (name, query)

    @pytest.mark.parametrize("probe_cost", [0.0, 1e9], ids=["probe-the-section", "walk-the-match"])
    def test_a_section_searched_either_way_finds_the_same(self, engines, monkeypatch, probe_cost):
        from search.engines import sqlite_fts
        monkeypatch.setattr(sqlite_fts, "PROBE_COST", probe_cost)
        texts = [a.title + "".join(a.paragraphs()) for a in Article.objects.all()]
        for section in Section.objects.filter(articles__isnull=False).distinct()[:3]:
            for query in ["发展", "记者 -昌吉", *generated_queries(texts, 10, seed=section.pk)]:
                assert_engines_agree_on_hits(engines, query, filters=Filters(section_id=section.pk), per_page=10)

    def test_no_query_at_all_lists_everything_newest_first(self, engines):
        found = assert_engines_agree_on_hits(engines, "", sort="newest", page=2, per_page=15)
        assert found["sqlite"].approximate and len(found["sqlite"].hits) == 15

    def test_filters_that_keep_few_items_are_counted_exactly_however_common_the_word(self, engines):
        day = PhotoCaption.objects.exclude(shown_date=None).first().shown_date
        found = assert_engines_agree_on_hits(engines, "", filters=Filters(start=day, end=day))
        assert not found["sqlite"].approximate and found["sqlite"].total == found["whoosh"].total > 0
        section = Section.objects.with_counts().last()
        found = assert_engines_agree_on_hits(engines, "的", filters=Filters(section_id=section.pk))
        assert not found["sqlite"].approximate


# --- the rules every engine follows, on documents written straight through the contract -------

def doc(kind, pk, text, head="", date=None, **fields):
    return IndexDocument(kind=kind, pk=pk, text=text, head=head, date=date, **fields)


@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    name = request.param
    if name == "postgres":  # its index is tables in the test database
        request.getfixturevalue("db")
    location = ELASTICSEARCH_URL if name == "elasticsearch" else tmp_path / name
    options = {"INDEX_NAME": f"archive-rules-{os.getpid()}"} if name == "elasticsearch" else {}
    engine = fresh_engine(name, location, **options)
    yield engine
    engine.close()


def written(engine, *documents, deleted=()):
    engine.write(lambda: Batch(list(documents), list(deleted)), timeout=5)
    return engine


def hits(engine, query, **request):
    return [(h.kind, h.pk) for h in engine.search(SearchRequest(parse_query(query), **request)).hits]


D1, D2 = datetime.date(2023, 1, 5), datetime.date(2023, 5, 1)
FILLER = "今年以来全州各地积极推进各项工作取得明显成效。"


class TestRules:
    def test_equal_scores_go_to_the_newer_item(self, engine):
        story = "全州首个智慧牧场建成投用" + FILLER
        written(engine, doc("article", 1, story, date=D1), doc("article", 2, story, date=D2),
                doc("article", 3, FILLER * 3, date=D2))
        found = engine.search(SearchRequest(parse_query("智慧牧场")))
        assert [(h.pk, h.score) for h in found.hits] == [(2, found.hits[0].score), (1, found.hits[0].score)]

    def test_a_common_word_does_not_order_its_hits_the_newest_come_first(self, engine):
        written(engine, doc("article", 1, "牧场" * 5 + FILLER, date=D1), doc("article", 2, "牧场" + FILLER * 3, date=D2),
                doc("article", 3, "牧场" + FILLER, head="牧场转场", date=D1))
        assert hits(engine, "牧场") == [("article", 3), ("article", 1), ("article", 2)]  # weighed: head, then most often
        # in more than two items: only the headline still counts, then the newer item
        assert hits(engine, "牧场", common=2) == [("article", 3), ("article", 2), ("article", 1)]

    def test_a_headline_match_outranks_the_same_word_in_the_body(self, engine):
        written(engine, doc("article", 1, "防溺水" + FILLER + "防溺水", date=D2),
                doc("article", 2, "防溺水" + FILLER, head="防溺水专项视察", date=D1))
        assert hits(engine, "防溺水") == [("article", 2), ("article", 1)]

    def test_a_headline_field_finds_the_word_in_headlines_only(self, engine):
        written(engine, doc("article", 1, "防溺水专项视察" + FILLER, head="防溺水专项视察", date=D1),
                doc("article", 2, "全州安全生产会议\n防溺水" + FILLER, head="全州安全生产会议", date=D2),
                doc("photo", 3, "学生学习防溺水知识", head="学生学习防溺水知识", date=D2))
        assert set(hits(engine, "防溺水")) == {("article", 1), ("article", 2), ("photo", 3)}
        assert set(hits(engine, "标题:防溺水")) == {("article", 1), ("photo", 3)}
        assert hits(engine, "标题:防溺水 -title:学生") == [("article", 1)]
        assert hits(engine, "防溺水 -标题:防溺水") == [("article", 2)]
        assert set(hits(engine, "标题:会议 OR 标题:视察")) == {("article", 1), ("article", 2)}
        assert hits(engine, '标题:"溺水专项"') == [("article", 1)]
        assert hits(engine, "标题:昌吉") == []

    def test_a_body_field_finds_the_word_in_article_bodies_only(self, engine):
        written(engine, doc("article", 1, "防溺水专项视察\n记者刘茜\n", head="防溺水专项视察", body="人大代表视察学校。\n", date=D1),
                doc("article", 2, "全州安全生产会议\n", head="全州安全生产会议", body="会议要求做好防溺水工作。\n", date=D2),
                doc("photo", 3, "学生学习防溺水知识\n", head="学生学习防溺水知识", date=D2))
        assert set(hits(engine, "防溺水")) == {("article", 1), ("article", 2), ("photo", 3)}
        assert hits(engine, "正文:防溺水") == [("article", 2)]  # not in a headline, not in a caption
        assert hits(engine, "body:视察") == [("article", 1)]
        assert hits(engine, "防溺水 -正文:防溺水") == [("photo", 3), ("article", 1)]
        assert set(hits(engine, "正文:视察 OR 标题:会议")) == {("article", 1), ("article", 2)}
        assert hits(engine, '正文:"做好防溺水"') == [("article", 2)]
        assert hits(engine, "正文:刘茜") == []  # the byline is not the body

    def test_a_literal_never_runs_from_the_rest_of_the_text_into_the_body(self, engine):
        written(engine, doc("article", 1, "标题防溺水\n", head="标题防溺水", body="专项视察。\n", date=D1))
        assert hits(engine, "防溺水") == [("article", 1)] and hits(engine, "专项视察") == [("article", 1)]
        assert hits(engine, '"防溺水专项"') == [] and hits(engine, "正文:水专") == []

    def test_the_whole_query_as_printed_outranks_its_words_apart(self, engine):
        written(engine, doc("article", 1, "国家的安全" + FILLER + "国家和安全都重要" + FILLER, date=D2),
                doc("article", 2, "维护国家安全" + FILLER, date=D1))
        query = parse_query("维护国家安全")
        assert len(query.atoms) > 1  # jieba splits it: the phrase is whole-query evidence
        assert hits(engine, "国家安全 维护")[0] == ("article", 2)

    def test_a_photo_in_a_matching_article_is_shown_under_it_not_as_its_own_hit(self, engine):
        caption = "民警帮助牧民看护羊群"
        written(engine, doc("article", 1, "记者报道" + caption + FILLER, date=D2),
                doc("photo", 7, caption, head=caption, date=D1, parent=1),
                doc("photo", 8, "牧民转场", head="牧民转场", date=D1))
        found = engine.search(SearchRequest(parse_query("牧民")))
        assert found.total == 2 and sum(found.months.values()) == 2
        assert {(h.kind, h.pk, h.photos) for h in found.hits} == {("article", 1, (7,)), ("photo", 8, ())}
        # a hit of its own when its article is not one
        assert set(hits(engine, "牧民", filters=Filters(kind="photo"))) == {("photo", 7), ("photo", 8)}
        assert ("photo", 7) in hits(engine, "牧民 -记者")
        assert ("photo", 7) in hits(engine, "牧民", filters=Filters(end=D1))

    def test_writes_replace_and_deletes_remove(self, engine):
        written(engine, doc("article", 1, "旧标题的稿件", date=D1), doc("article", 2, "另一篇稿件", date=D1))
        written(engine, doc("article", 1, "新标题的稿件", date=D1), deleted=["archive.article.2"])
        assert hits(engine, "旧标题") == [] and hits(engine, "新标题") == [("article", 1)]
        assert engine.indexed_ids() == {"archive.article": {"1"}} and engine.count() == 1
        engine.clear(timeout=5)
        assert engine.count() == 0 and hits(engine, "稿件") == []

    def test_a_date_range_never_matches_an_undated_item_and_undated_items_come_last(self, engine):
        written(engine, doc("article", 1, "招商引资", date=D1), doc("article", 2, "招商引资", date=None))
        assert hits(engine, "招商", filters=Filters(end=D2)) == [("article", 1)]
        assert hits(engine, "招商", filters=Filters(start=datetime.date(1900, 1, 1))) == [("article", 1)]
        assert hits(engine, "招商", sort="oldest") == hits(engine, "招商", sort="newest") == [("article", 1), ("article", 2)]

    def test_filters_by_section_person_kind_and_date(self, engine):
        written(engine, doc("article", 1, "招商引资", section_id=4, people=(9,), date=D1),
                doc("article", 2, "招商引资", section_id=5, people=(8, 9), date=D2),
                doc("photo", 3, "招商引资", date=None))
        assert hits(engine, "招商", filters=Filters(section_id=4)) == [("article", 1)]
        assert hits(engine, "招商", filters=Filters(person_id=8)) == [("article", 2)]
        assert hits(engine, "招商", filters=Filters(kind="photo")) == [("photo", 3)]
        assert hits(engine, "招商", filters=Filters(start=D2)) == [("article", 2)]
        assert hits(engine, "招商", sort="newest") == [("article", 2), ("article", 1), ("photo", 3)]
        found = engine.search(SearchRequest(parse_query("招商")))
        assert found.sections == {4: 1, 5: 1} and found.months == {"2023-01": 1, "2023-05": 1}
