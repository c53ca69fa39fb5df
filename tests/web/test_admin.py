"""Staff correct what was ingested in the admin."""

import pytest
from django.urls import reverse

from archive.models import Article, Page, Person, PersonAlias, PhotoCaption, Section
from tests.helpers import article_form, changelist_names, filter_choices

pytestmark = pytest.mark.django_db


def test_admin_needs_a_staff_login(client):
    response = client.get(reverse("admin:archive_article_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_model_has_a_working_list_and_change_page(staff_client, ingested):
    for model, obj in [(Article, Article.objects.first()), (PhotoCaption, PhotoCaption.objects.first()),
                       (Page, Page.objects.first()), (Section, Section.objects.first())]:
        name = model._meta.model_name
        assert staff_client.get(reverse(f"admin:archive_{name}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"admin:archive_{name}_change", args=[obj.pk])).status_code == 200


def test_article_list_filters_by_section_and_searches_text_and_names(staff_client, ingested):
    url = reverse("admin:archive_article_changelist")
    section = Section.objects.get(name="强信心 起好步 开新局")
    response = staff_client.get(url, {"section__id__exact": section.pk})
    assert response.context["cl"].result_count == 2
    response = staff_client.get(url, {"q": "荷苒·马汗"})
    assert [str(a) for a in response.context["cl"].result_list] == ["昌吉州第二届天山北麓葡萄酒节直播大赛启动"]


def test_fixing_a_title_in_the_change_form_saves_it_and_marks_the_article_edited(staff_client, ingested):
    article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
    page = staff_client.get(reverse("admin:archive_article_change", args=[article.pk]))
    html = page.content.decode()
    assert "本报讯 记者刘茜、通讯员朱卫华报道:" in html  # byline editable in the form
    assert "作者(按署名生成" in html and "朱卫华" in html  # credits shown, derived from the byline
    assert "contributions-0-person" not in html  # and not edited apart from it
    url = reverse("admin:archive_article_change", args=[article.pk])
    response = staff_client.post(url, article_form(article, title="昌吉州外经贸培训班在闽结业"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article.refresh_from_db()
    assert article.title == "昌吉州外经贸培训班在闽结业"
    assert article.edited_at is not None


def test_photo_captions_are_inline_on_their_article(staff_client, ingested):
    article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
    html = staff_client.get(reverse("admin:archive_article_change", args=[article.pk])).content.decode()
    assert "工人们正在加紧施工。" in html


def test_page_raw_text_is_shown_read_only(staff_client, ingested):
    page = Page.objects.first()
    html = staff_client.get(reverse("admin:archive_page_change", args=[page.pk])).content.decode()
    assert 'name="raw_text"' not in html
    assert "本报讯" in html


@pytest.mark.skipif("sqlite" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
                    reason="SQLite's single write lock; PostgreSQL locks rows")
@pytest.mark.django_db(transaction=True)
def test_a_save_that_meets_a_long_ingest_waits_briefly_and_says_so(staff_client, fresh_index, ingested):
    import sqlite3

    from django.db import connection

    article = Article.objects.get(title="昌吉州政协召开专题协商议政会")
    ingest = sqlite3.connect(connection.settings_dict["NAME"])  # another process writing, as a long ingest does
    ingest.execute("BEGIN IMMEDIATE")
    try:
        response = staff_client.post(reverse("admin:archive_article_change", args=[article.pk]),
                                     article_form(article, title="议政会标题在导入时修改"))
    finally:
        ingest.rollback()
        ingest.close()
    assert response.status_code == 503 and "这次修改没有保存" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "昌吉州政协召开专题协商议政会"
    response = staff_client.post(reverse("admin:archive_article_change", args=[article.pk]),
                                 article_form(article, title="议政会标题在导入后修改"))
    assert response.status_code == 302 and Article.objects.get(pk=article.pk).title == "议政会标题在导入后修改"


# --- issue 11, item 11 ------------------------------------------------------------------------------

def test_article_list_filters_by_year_and_month_of_the_items_date(staff_client, ingested):
    url = reverse("admin:archive_article_changelist")
    everything = staff_client.get(url)
    html = everything.content.decode()
    assert "今天" not in html and "过去7天" not in html  # no date filters useless for an archive
    assert filter_choices(everything, "年份") == ["全部", "2023年"]
    assert filter_choices(everything, "月份") == []  # months once a year is chosen
    year = staff_client.get(url, {"year_of": "2023"})
    assert year.context["cl"].result_count == Article.objects.filter(shown_date__year=2023).count()
    assert filter_choices(year, "月份") == ["全部", "3月", "4月", "5月", "8月"]
    april = staff_client.get(url, {"year_of": "2023", "month_of": "4"})
    assert april.context["cl"].result_count == Article.objects.filter(shown_date__year=2023, shown_date__month=4).count() > 0
    assert "?year_of=2023" in april.content.decode()  # another year or all forgets the month
    for nonsense in [{"year_of": "abc"}, {"year_of": "2023", "month_of": "13"}, {"month_of": "4"}]:
        response = staff_client.get(url, nonsense)
        assert response.status_code == 200 and response.context["cl"].result_count == Article.objects.count()


def test_photo_and_page_lists_filter_by_year_and_month(staff_client, ingested):
    photos = staff_client.get(reverse("admin:archive_photocaption_changelist"), {"year_of": "2023", "month_of": "4"})
    assert photos.context["cl"].result_count == PhotoCaption.objects.filter(shown_date__year=2023, shown_date__month=4).count() > 0
    pages = staff_client.get(reverse("admin:archive_page_changelist"), {"year_of": "2023", "month_of": "4"})
    assert pages.context["cl"].result_count == Page.objects.filter(date__year=2023, date__month=4).count() > 0


def test_pages_are_named_by_date_and_page_number_once_known():
    import datetime

    assert str(Page(source="2023/04/17/01.txt", date=datetime.date(2023, 4, 7), label="1")) == "2023年4月7日 第1版"
    assert str(Page(source="000_6cccedd8bdd5bbb2.txt", date=datetime.date(2023, 4, 7))) == "000_6cccedd8bdd5bbb2.txt"


@pytest.mark.parametrize("typed, stored", [("經濟", "经济"), ("２０２３", "2023"), ("荷苒·馬汗", "荷苒·马汗")])
def test_admin_search_folds_traditional_and_full_width_forms(staff_client, ingested, typed, stored):
    url = reverse("admin:archive_article_changelist")
    found = changelist_names(staff_client.get(url, {"q": typed}))
    assert found and found == changelist_names(staff_client.get(url, {"q": stored}))


def test_editing_a_byline_re_derives_the_credits(staff_client, ingested):
    article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
    assert Person.objects.filter(name="朱卫华").exists()
    url = reverse("admin:archive_article_change", args=[article.pk])
    response = staff_client.post(url, article_form(article, byline="本报讯 记者刘茜、通讯员朱伟华报道:"))
    assert response.status_code == 302
    assert [(c.role, c.person.name) for c in article.contributions.all()] == [
        ("reporter", "刘茜"), ("correspondent", "朱伟华")]
    assert Person.objects.get(name="朱伟华").sort_key == "zhu1 wei3 hua2"
    assert not Person.objects.filter(name="朱卫华").exists()  # the misspelling only this byline named

    unreadable = staff_client.post(url, article_form(article, byline="本报讯 据新华社电报道:"), follow=True)
    assert "中读不出作者姓名" in unreadable.content.decode()
    assert not article.contributions.exists()


def test_editing_a_photo_credit_re_derives_its_photographers(staff_client, ingested):
    photo = PhotoCaption.objects.get(caption__startswith="4月16日")
    url = reverse("admin:archive_photocaption_change", args=[photo.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data |= {"credit": "本报记者 刘茜 摄", "date_inferred": "on" if photo.date_inferred else "",
             "contributions-TOTAL_FORMS": 1, "contributions-INITIAL_FORMS": 1,
             "contributions-0-id": photo.contributions.get().pk, "contributions-0-photo": photo.pk}
    data = {k: v for k, v in data.items() if v != ""}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [c.person.name for c in photo.contributions.all()] == ["刘茜"]


def test_person_admin_searches_aliases_and_shows_them_inline(staff_client, ingested):
    person = Person.objects.get(name="荷苒·马汗")
    PersonAlias.objects.create(name="荷冉·马汗", person=person)
    found = staff_client.get(reverse("admin:archive_person_changelist"), {"q": "荷冉"})
    assert changelist_names(found) == ["荷苒·马汗"]
    change = staff_client.get(reverse("admin:archive_person_change", args=[person.pk])).content.decode()
    assert "荷冉·马汗" in change and "aliases-0-name" in change
