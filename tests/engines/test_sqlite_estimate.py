"""The FTS5 engine's counts of a search matching much of the archive, estimated from a sample of
days (``search/engines/sqlite_estimate.py``): near the exact counts Whoosh gives, from the
items the index keeps per day — written and deleted with the index."""

import dataclasses
import datetime
import sqlite3

import pytest

from search.engines import Batch, Filters, IndexDocument, SearchRequest, sqlite_estimate
from search.query import parse_query
from tests.helpers import fresh_engine

FILLER = "全州各地积极推进重点项目建设。"
START = datetime.date(2021, 1, 1)
COMMON = 40  # a sample of ~40 items a search: every estimate is rough, none is wild


def archive(days: int, per_day: int, first_pk: int = 1) -> list[IndexDocument]:
    """``per_day`` articles a day for ``days`` days: every one says 记者, one in three 招商, the
    articles of Mondays belong to section 7 (a weekly rubric), the rest to section 3."""
    docs, pk = [], first_pk
    for offset in range(days):
        day = START + datetime.timedelta(days=offset)
        for n in range(per_day):
            text = f"本报记者报道:{FILLER}" + ("招商引资" if pk % 3 == 0 else "")
            docs.append(IndexDocument("article", pk, text, head=f"第{pk}篇", date=day,
                                      section_id=7 if day.weekday() == 0 else 3))
            pk += 1
    return docs


@pytest.fixture
def engine(tmp_path):
    engine = fresh_engine("sqlite", tmp_path / "sqlite")
    yield engine
    engine.close()


def search(engine, query, **request):
    return engine.search(SearchRequest(parse_query(query), common=COMMON, **request))


def days_table(engine) -> dict[int, tuple[int, int]]:
    with sqlite3.connect(engine.path) as db:
        return {day: (articles, photos) for day, articles, photos in
                db.execute("SELECT day, articles, photos FROM days WHERE articles + photos > 0")}


def test_a_sample_of_days_estimates_total_months_and_sections(engine, monkeypatch):
    monkeypatch.setattr(sqlite_estimate, "PILOT", 50)  # guess the matches, as for a large archive
    monkeypatch.setattr(sqlite_estimate, "WINDOW_COST", 1)  # read runs of days, not the whole range
    docs = archive(days=730, per_day=3)
    engine.write(lambda: Batch(docs), timeout=60)
    found = search(engine, "记者")
    assert found.approximate
    windows = engine._reader().execute("SELECT count(*) FROM windows").fetchone()[0]
    assert windows == 24  # a run of days from each month, not every day
    assert len(docs) * 0.85 <= found.total <= len(docs) * 1.15
    assert set(found.months) == {d.month for d in docs}
    for year in ("2021", "2022"):
        exact = sum(1 for d in docs if d.month.startswith(year))
        estimated = sum(n for month, n in found.months.items() if month.startswith(year))
        assert exact * 0.85 <= estimated <= exact * 1.15, (year, found.months)
    for month in found.months:  # ~20 sampled items each: rough
        exact = sum(1 for d in docs if d.month == month)
        assert exact / 2 <= found.months[month] <= exact * 1.5, (month, found.months)
    mondays = sum(1 for d in docs if d.section_id == 7)
    # A weekly rubric is in one sampled day of seven at best: within a factor of two.
    assert mondays / 2 <= found.sections[7] <= mondays * 2 and found.sections[3] > 4 * found.sections[7]
    assert [h.pk for h in found.hits] == [d.pk for d in reversed(docs)][:20]  # the page itself is exact

    third = search(engine, "招商", sort="newest", filters=Filters(kind="article"))
    assert len(docs) / 3 * 0.7 <= third.total <= len(docs) / 3 * 1.3


def test_a_match_below_the_pilot_is_read_whole_its_every_month_listed(engine):
    docs = archive(days=30, per_day=3)
    engine.write(lambda: Batch(docs), timeout=30)
    found = search(engine, "记者")  # 90 matches > common: the large path; below PILOT: read whole
    assert found.approximate and 81 <= found.total <= 99  # every 3rd primary key, times 3
    assert list(found.months) == ["2021-01"]
    assert 12 * 0.7 <= found.sections[7] <= 12 * 1.3  # four Mondays in January 2021
    february = [dataclasses.replace(d, date=d.date + datetime.timedelta(days=31))
                for d in archive(days=28, per_day=3, first_pk=1000)]
    engine.write(lambda: Batch(february), timeout=30)  # by another connection: the days read again
    months = search(engine, "记者").months
    assert list(months) == ["2021-01", "2021-02"] and 84 * 0.85 <= months["2021-02"] <= 84 * 1.15


def test_the_days_are_counted_on_write_and_delete(engine):
    docs = archive(days=3, per_day=2)
    engine.write(lambda: Batch(docs + [IndexDocument("photo", 900, "图片说明", date=START)]), timeout=5)
    ordinal = START.toordinal()
    assert days_table(engine) == {ordinal: (2, 1), ordinal + 1: (2, 0), ordinal + 2: (2, 0)}
    moved = IndexDocument("article", docs[0].pk, "改了日期的稿件", date=START + datetime.timedelta(days=2))
    engine.write(lambda: Batch([moved], deleted=[f"archive.article.{docs[1].pk}"]), timeout=5)
    assert days_table(engine) == {ordinal: (0, 1), ordinal + 1: (2, 0), ordinal + 2: (3, 0)}
