"""A reader and an editor using the archive in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from archive.models import Article
from tests.helpers import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def test_home_to_page_to_article_to_contributor(page, archive_site):
    page.goto(archive_site + "/")
    expect(page.locator("h1")).to_have_text("昌吉报纸档案")
    page.get_by_role("link", name="2023年3月26日 第1版").click()
    expect(page.locator("h1")).to_have_text("2023年3月26日 第1版 强信心 起好步 开新局")
    expect(page).to_have_title("2023年3月26日 第1版 · 强信心 起好步 开新局 · 昌吉报纸档案")
    expect(page.locator("figure")).to_have_count(2)  # the two stand-alone photos
    page.get_by_role("link", name="开工! 吹响项目建设“冲锋号”").click()
    expect(page.locator("h1")).to_have_text("开工! 吹响项目建设“冲锋号”")
    expect(page.locator("figure figcaption")).to_contain_text("工人们正在加紧施工。")
    expect(page.locator("header .byline")).to_have_text("记者 刘茜 通讯员 宋华敏")
    page.locator(".byline").get_by_role("link", name="宋华敏").click()
    expect(page.locator("h1")).to_have_text("宋华敏")
    expect(page.get_by_role("link", name="昌吉高新区为7家企业发放87万元清洁能源替代补贴")).to_be_visible()


def test_a_reader_turns_the_pages_of_the_paper_in_date_order(page, archive_site):
    page.goto(archive_site + "/pages/")
    expect(page.locator(".page-list h2")).to_have_text(
        ["2023年8月18日", "2023年5月17日", "2023年4月21日", "2023年4月17日", "2023年3月26日"])
    page.get_by_role("link", name="2023年3月26日").click()
    expect(page.locator("h1")).to_have_text("2023年3月26日")
    expect(page.locator(".issue-pages")).to_contain_text("开工! 吹响项目建设“冲锋号”")
    page.get_by_role("link", name="第1版").click()
    seen = [page.locator("h1").inner_text()]
    while page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        seen.append(page.locator("h1").inner_text())
    assert [heading.split(" ")[0] for heading in seen] == [
        "2023年3月26日", "2023年4月17日", "2023年4月21日", "2023年5月17日", "2023年8月18日"]


def test_date_calendar_leads_to_the_articles_of_a_day(page, archive_site):
    page.goto(archive_site + "/")
    page.get_by_role("link", name="按日期", exact=True).first.click()
    page.get_by_role("link", name="2023年").click()
    expect(page.locator("table caption")).to_have_count(4)  # March, April, May, August
    page.get_by_role("link", name="2023年4月17日,3 篇").click()
    expect(page.locator("h1")).to_have_text("2023年4月17日")
    expect(page.locator("article h2")).to_have_text(
        ["昌吉州一季度招商引资实现“开门红”", "昌吉州工信系统开展工业经济观摩活动", "推动总体国家安全观入脑入心"])


def test_calendar_days_are_reachable_with_the_keyboard(page, archive_site):
    page.goto(archive_site + "/dates/2023/4/")
    day = page.get_by_role("link", name="2023年4月17日,3 篇")
    for _ in range(60):
        page.keyboard.press("Tab")
        if day.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dates/2023/4/17/$"))


def test_search_marks_matches_and_leads_to_the_marked_article(page, archive_site):
    page.goto(archive_site + "/")
    page.get_by_label("检索全部版面").fill("招商")
    page.get_by_label("检索全部版面").press("Enter")
    expect(page.locator("#result-summary")).to_contain_text("共 6 条结果")
    expect(page.locator(".search-hit")).to_have_count(6)
    # the photo printed in a matching article is shown under it, not as a hit of its own
    feature = page.locator(".search-hit", has_text="一次共赢发展的全新启航")
    expect(feature.locator(".hit-photos li")).to_have_count(1)
    expect(feature.locator(".hit-photos mark")).to_have_text("招商")
    marks = page.locator(".search-hit mark")
    expect(marks.first).to_have_text("招商")
    first = page.locator(".search-hit h2 a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".article-body mark").first).to_have_text("招商")


def test_an_editor_fixes_a_title_and_readers_and_search_see_it(page, archive_site, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", "correct-horse-battery")
    article = Article.objects.get(title="昌吉州促进外经贸发展培训班在闽结业")
    page.goto(archive_site + "/admin/")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("correct-horse-battery")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{archive_site}/admin/archive/article/{article.pk}/change/")
    page.get_by_label("主题").fill("昌吉州外经贸培训班在福建圆满结业")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    page.goto(archive_site + article.get_absolute_url())
    expect(page.locator("h1")).to_have_text("昌吉州外经贸培训班在福建圆满结业")
    page.goto(archive_site + "/search/?q=圆满结业")
    expect(page.locator(".search-hit h2")).to_have_text(["昌吉州外经贸培训班在福建圆满结业"])
    expect(page.locator(".search-hit h2 mark")).to_have_text("圆满结业")


MAIN_PAGES = {
    "home": "/",
    "page": "/pages/{page}/",
    "article": "/articles/{article}/",
    "search": "/search/?q=招商引资",
    "month": "/dates/2023/4/",
    "person": "/people/{person}/",
    "people": "/people/",
}


@pytest.mark.parametrize("width_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_main_pages_fit_the_screen_and_have_one_heading(browser, archive_site, width_name, viewport):
    article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
    ids = {"page": article.page_id, "article": article.pk, "person": article.contributions.first().person_id}
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    for name, path in MAIN_PAGES.items():
        page.goto(archive_site + path.format(**ids))
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        expect(page.locator("h1")).to_have_count(1)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport['width']}px"
        screenshot(page, f"{name}-{width_name}")
    context.close()
