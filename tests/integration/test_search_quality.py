"""Search quality on the seed pages with the engine under test: known items come first, every
literal occurrence is found, filters and facets agree with what the reader is shown."""

import datetime
import random

import pytest

from archive.models import Article
from search.forms import SearchForm
from search.query import parse_query
from search.results import search
from search.engines import Filters
from tests.helpers import names, run
from tests.judged import JUDGED


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestQuality:
    @pytest.mark.parametrize("query, first, others", JUDGED, ids=[j[0] for j in JUDGED])
    def test_judged_query(self, query, first, others):
        found = names(run(query))
        assert found and found[0] == first, found[:5]
        assert set(others) <= set(found)

    def test_headline_matches_rank_above_body_only_matches(self):
        found = names(run("冲锋号"))
        assert found.index("开工! 吹响项目建设“冲锋号”") < found.index("没有等出来的精彩 只有干出来的辉煌")

    def test_an_exact_phrase_ranks_above_scattered_words(self):
        results = run("国家安全")
        assert names(results)[0] == "推动总体国家安全观入脑入心"
        assert len(results.hits) >= 2  # 国家 … 安全 apart still match, lower

    def test_sort_by_newest_and_oldest(self):
        form = SearchForm({"q": "招商", "sort": "newest"})
        assert form.is_valid()
        dates = [h.date for h in form.search().hits if h.date]
        assert dates == sorted(dates, reverse=True)
        form = SearchForm({"q": "招商", "sort": "oldest"})
        assert form.is_valid()
        dates = [h.date for h in form.search().hits if h.date]
        assert dates == sorted(dates)

    def test_or_exclude_and_quotes(self):
        assert set(names(run("献血 OR 消防救援"))) == {
            "3月22日上午,一场主题为“雷锋精神 热血传承”的无偿献血活动在昌吉市汇嘉生活广",
            "3月24日,昌吉市消防救援大队的消防救援人员和学生互动。"}
        assert "昌吉州参加亚欧商博会招商引资重点项目签约仪式" not in names(run("招商引资 -亚欧"))
        assert names(run('"招商引资实现"')) == ["昌吉州一季度招商引资实现“开门红”"]

    def test_an_excluded_word_removes_exactly_the_items_containing_it(self):
        def items(query):  # hits and the photos shown under them
            return {str(x) for hit in run(query).hits for x in [hit.object, *(p.object for p in hit.photos)]}

        every = items("-不在任何一篇里")
        for positive, excluded in [("招商", "昌吉"), ("记者", "摄"), ("昌吉", "招商引资"), ("", "昌吉")]:
            base = items(positive) if positive else every
            assert items(f"{positive} -{excluded}") == base - items(excluded), (positive, excluded)
        assert len(every) == 24

    def test_filters_and_facets(self):
        results = run("昌吉")
        sections = {section.name: count for section, count in results.sections}
        assert sections["强信心 起好步 开新局"] == 2
        assert ("2023-08", 5) in [(m.month, m.count) for m in results.months]  # 4 datelines + a feature dated by its page
        section = next(s for s, _ in results.sections if s.name == "强信心 起好步 开新局")
        assert set(names(run("昌吉", section_id=section.pk))) == {"昌吉州一季度招商引资实现“开门红”", "开工! 吹响项目建设“冲锋号”"}
        assert all(h.kind == "photo" for h in run("昌吉", kind="photo").hits)
        window = run("昌吉", start=datetime.date(2023, 3, 1), end=datetime.date(2023, 3, 31))
        assert window.hits and all(datetime.date(2023, 3, 1) <= h.date <= datetime.date(2023, 3, 31) for h in window.hits)
        person = Article.objects.get(title="栽下梧桐树 引得凤凰来").contributions.first().person
        assert names(run("昌吉", person_id=person.pk)) == ["栽下梧桐树 引得凤凰来"]

    def test_pages_cut_one_ranking_without_overlap(self):
        everything = [(h.kind, h.object.pk) for h in run("昌吉").hits]
        pages = [search(parse_query("昌吉"), Filters(), page=n, per_page=7) for n in (1, 2, 3)]
        assert len(everything) == 20 and {p.num_pages for p in pages} == {3} and {p.total for p in pages} == {20}
        assert [(h.kind, h.object.pk) for p in pages for h in p.hits] == everything
        assert len(search(parse_query("-不在任何一篇里"), Filters()).hits) == 20  # twenty a page by default


def article_texts(article):
    texts = [article.kicker, article.title, article.subtitle, article.byline]
    texts += [b.text for b in article.blocks()] + [c.person.name for c in article.contributions.all()]
    texts += [article.section.name] if article.section else []
    for photo in article.photos.all():
        texts += [photo.caption, photo.description, photo.credit]
    return [t for t in texts if t]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestLiteralRecall:
    def test_five_hundred_random_substrings_find_every_article_containing_them(self):
        articles = {a.pk: article_texts(a) for a in Article.objects.for_display()}
        rng = random.Random(20231122)
        checked = 0
        while checked < 500:
            texts = articles[rng.choice(list(articles))]
            text = rng.choice(texts)
            length = rng.randint(1, 6)
            start = rng.randrange(max(1, len(text) - length + 1))
            needle = text[start:start + length]
            if not any(ch.isalnum() for ch in needle):
                continue
            expected = {pk for pk, fields in articles.items() if any(needle in f for f in fields)}
            found = {h.object.pk for h in run(needle).hits if h.kind == "article"}
            assert expected <= found, f"{needle!r} missed {expected - found}"
            checked += 1


