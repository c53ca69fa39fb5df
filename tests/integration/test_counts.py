"""The figures pages show without counting the archive — items per day, articles per section,
each item's shown date — stay true through every kind of write."""

import datetime

import pytest

from archive import counts
from archive.models import Article, DayCount, Page, PhotoCaption, Section
from tests.helpers import article_form, ingest
from tests.seeds import SEED_FILES

pytestmark = pytest.mark.django_db
D = datetime.date


def counted_from_scratch() -> tuple[dict, dict]:
    days: dict = {}
    for item in [*Article.objects.all(), *PhotoCaption.objects.filter(article=None)]:
        when = item.date or item.page.date
        if when:
            days[when] = days.get(when, 0) + 1
    sections = {s.pk: s.articles.count() for s in Section.objects.all()}
    return days, sections


def kept() -> tuple[dict, dict]:
    return counts.by_day(), dict(Section.objects.values_list("pk", "article_count"))


def test_ingest_keeps_day_and_section_counts(ingested):
    assert kept() == counted_from_scratch()
    assert counts.by_day()[D(2023, 4, 17)] == 3 and counts.span() == (D(2023, 3, 22), D(2023, 8, 18))
    assert all(a.shown_date == (a.date or a.page.date) for a in Article.objects.select_related("page"))


def test_a_correction_that_moves_a_story_to_another_day_moves_its_count(seed_dir):
    ingest(seed_dir)
    page = seed_dir / SEED_FILES[0].name
    page.write_text(page.read_text(encoding="utf-8").replace("4月17日,记者从昌吉州商务局获悉", "4月19日,记者从昌吉州商务局获悉"),
                    encoding="utf-8")
    ingest(seed_dir)
    assert kept() == counted_from_scratch()
    # The page is now dated 4月19日 too: its story without a dateline moves with it.
    assert counts.by_day()[D(2023, 4, 17)] == 1 and counts.by_day()[D(2023, 4, 19)] == 2


def test_an_admin_edit_of_date_or_section_and_a_delete_are_counted(ingested, staff_client):
    article = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
    other = Section.objects.exclude(pk=article.section_id).first()
    response = staff_client.post(f"/admin/archive/article/{article.pk}/change/",
                                 article_form(article, date="2023-04-20", section=other.pk))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.shown_date == D(2023, 4, 20)
    assert kept() == counted_from_scratch()
    staff_client.post(f"/admin/archive/article/{article.pk}/delete/", {"post": "yes"})
    assert kept() == counted_from_scratch() and D(2023, 4, 20) not in counts.by_day()


def test_a_page_deleted_takes_its_days_with_it(ingested):
    Page.objects.get(source=SEED_FILES[1].name).delete()
    assert kept() == counted_from_scratch()
    assert D(2023, 8, 18) not in counts.by_day()


def test_recounting_everything_agrees_with_what_was_kept(ingested):
    before = kept()
    DayCount.objects.all().delete()
    Section.objects.update(article_count=0)
    counts.recount_everything()
    assert kept() == before == counted_from_scratch()
