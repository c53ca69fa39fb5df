"""Staff correct what was ingested in the admin."""

import pytest
from django.urls import reverse

from archive.models import Article, Page, PhotoCaption, Section
from tests.helpers import article_form

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
    assert "contributions-0-person" in html  # contributors inline
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
