"""Where a page's date comes from, and a page's place in its issue, through the ingest command."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, FormerPageAddress, Page
from tests.helpers import ingest
from tests.seeds import read_seed

pytestmark = pytest.mark.django_db
D = datetime.date


def run_ingest(*args) -> str:
    out = io.StringIO()
    call_command("ingest", *map(str, args), stdout=out)
    return out.getvalue()


def write(folder, name: str, text: str):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dated_folder_gives_the_issue_date_and_the_file_name_its_page(tmp_path):
    write(tmp_path, "2023-04-18/01.txt", read_seed(0))
    write(tmp_path, "2023-04-18/02.txt", read_seed(1))
    write(tmp_path, "20230419_A03.txt", read_seed(2))
    report = run_ingest(tmp_path)
    assert "01.txt:稿件 4 篇,图片 1 张,日期 2023-04-18(来自文件路径)" in report
    assert "日期 2023-04-19(来自文件路径)" in report
    pages = {p.source: (p.date, p.label, p.date_source) for p in Page.objects.all()}
    assert pages["2023-04-18/01.txt"] == (D(2023, 4, 18), "1", "path")
    assert pages["2023-04-18/02.txt"] == (D(2023, 4, 18), "2", "path")
    assert pages["20230419_A03.txt"] == (D(2023, 4, 19), "A03", "path")
    # Datelines keep their own day, read in the path's year; an undated story shows the issue's.
    first = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
    assert first.date == D(2023, 4, 17) and not first.date_inferred
    undated = Article.objects.get(title="栽下梧桐树 引得凤凰来")
    assert undated.date is None and undated.shown_date == D(2023, 4, 18) and undated.date_is_page_date


def test_the_date_option_dates_pages_whose_path_does_not(tmp_path):
    write(tmp_path, "page.txt", read_seed(2))
    report = run_ingest(tmp_path, "--date", "1998-05-03")
    assert "日期 1998-05-03(来自导入参数 --date)" in report
    page = Page.objects.get()
    assert (page.date, page.label, page.year, page.year_inferred) == (D(1998, 5, 3), "1", 1998, False)


def test_without_path_or_option_the_datelines_date_the_page_and_the_report_says_so(tmp_path):
    write(tmp_path, "a.txt", read_seed(0))
    write(tmp_path, "b.txt", read_seed(2))  # a feature page: no dateline, a day mentioned in its text
    report = run_ingest(tmp_path)
    assert "a.txt:稿件 4 篇,图片 1 张,日期 2023-04-17(来自版面电头)" in report
    assert "b.txt:稿件 1 篇,图片 0 张,日期 2023-04-21(来自版面提及的日期)" in report


def test_a_page_in_chinese_numerals_is_dated_by_them(tmp_path):
    text = read_seed(0).replace("4月17日,记者从昌吉州商务局获悉", "二〇二二年四月十七日,记者从昌吉州商务局获悉")
    write(tmp_path, "p.txt", text)
    run_ingest(tmp_path)
    article = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
    assert article.date == D(2022, 4, 17)


def test_two_files_claiming_one_page_of_an_issue_the_second_is_refused_and_nothing_is_lost(tmp_path):
    write(tmp_path, "2023-04-18/01.txt", read_seed(0))
    write(tmp_path, "20230418_01.txt", read_seed(1))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 个文件导入失败"):
        call_command("ingest", str(tmp_path), stdout=out)
    assert "20230418_01.txt: 2023-04-18 第1版已是版面 2023-04-18/01.txt;未导入" in out.getvalue()
    assert Page.objects.count() == 1 and Page.objects.get().articles.count() == 4


def test_a_page_moved_to_another_date_keeps_answering_at_its_old_address(tmp_path, client):
    page_file = write(tmp_path, "p.txt", read_seed(0))
    ingest(tmp_path)
    page = Page.objects.get()
    article = page.articles.order_by("position").first()
    old_page_url, old_article_url = page.get_absolute_url(), article.get_absolute_url()
    assert old_page_url == "/issues/2023-04-17/1/"
    page_file.write_text(read_seed(0).replace("4月17日,记者从昌吉州商务局获悉", "4月19日,记者从昌吉州商务局获悉"),
                         encoding="utf-8")
    ingest(tmp_path)
    page.refresh_from_db()
    assert page.get_absolute_url() == "/issues/2023-04-19/1/"
    assert FormerPageAddress.objects.filter(date=D(2023, 4, 17), label="1", page=page).exists()
    moved = client.get(old_page_url)
    assert moved.status_code == 301 and moved["Location"] == "/issues/2023-04-19/1/"
    article_moved = client.get(old_article_url, {"hl": "开门红"}, follow=True)
    assert article_moved.redirect_chain == [
        (f"/issues/2023-04-19/1/articles/{article.pk}/?hl=%E5%BC%80%E9%97%A8%E7%BA%A2", 301)]
    assert "<mark>开门红</mark>" in article_moved.content.decode()


def test_one_days_folder_after_another_gives_two_pages_not_one_overwritten(tmp_path):
    write(tmp_path, "in/2023-06-01/01.txt", read_seed(0))
    write(tmp_path, "in/2023-06-02/01.txt", read_seed(1))
    run_ingest(tmp_path / "in/2023-06-01")
    report = run_ingest(tmp_path / "in/2023-06-02")
    assert "新建 2023-06-02/01.txt" in report
    assert sorted(Page.objects.values_list("source", "date")) == [
        ("2023-06-01/01.txt", D(2023, 6, 1)), ("2023-06-02/01.txt", D(2023, 6, 2))]


def test_a_correction_ingested_again_without_the_date_option_keeps_its_date(tmp_path):
    page_file = write(tmp_path, "page.txt", read_seed(2))
    run_ingest(tmp_path, "--date", "2023-06-03")
    page_file.write_text(read_seed(2).replace("辉煌", "輝煌", 1), encoding="utf-8")
    report = run_ingest(tmp_path)
    assert "更新 page.txt" in report and "日期 2023-06-03(来自导入参数 --date)" in report
    assert Page.objects.get().get_absolute_url() == "/issues/2023-06-03/1/"


def test_a_dateline_that_prints_its_year_is_not_called_inferred(tmp_path):
    text = read_seed(0).replace("4月17日,记者从昌吉州商务局获悉", "二〇二三年四月十七日,记者从昌吉州商务局获悉")
    write(tmp_path, "p.txt", text)
    run_ingest(tmp_path)
    article = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
    assert article.date == D(2023, 4, 17) and not article.date_inferred
    assert not Page.objects.get().date_inferred


def test_the_admin_shows_a_pages_date_and_former_addresses_but_leaves_moving_it_to_ingest(tmp_path, staff_client):
    page_file = write(tmp_path, "p.txt", read_seed(0))
    ingest(tmp_path)
    page_file.write_text(read_seed(0).replace("4月17日,记者从昌吉州商务局获悉", "4月19日,记者从昌吉州商务局获悉"),
                         encoding="utf-8")
    ingest(tmp_path)
    page = Page.objects.get()
    form = staff_client.get(f"/admin/archive/page/{page.pk}/change/").content.decode()
    assert 'name="date"' not in form and "2023年4月19日" in form
    assert "版面旧地址" in form and "2023年4月17日" in form
