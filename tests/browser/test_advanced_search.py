"""A reader building a query with the advanced-search form, then typing fields themselves."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PHONE

pytestmark = pytest.mark.browser


def test_the_advanced_form_writes_the_query_and_shows_it(page, archive_site):
    page.goto(archive_site + "/search/")
    page.get_by_role("link", name="高级检索").first.click()
    page.get_by_label("包含全部词语").fill("招商")
    page.get_by_label("包含完整词组").fill("开门红")
    page.get_by_label("不包含这些词语").fill("消博会")
    page.get_by_label("词语出现在").select_option(label="标题中")
    page.get_by_label("类型").select_option(label="稿件")
    page.get_by_role("form", name="高级检索条件").get_by_role("button", name="检索").click()
    written = '标题:招商 标题:"开门红" -标题:消博会'
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.get_by_label("检索词")).to_have_value(written)
    expect(page.locator("#written-query code")).to_have_text(written)
    expect(page.locator("#result-summary")).to_contain_text("共 1 条结果")
    expect(page.locator("ol .hit-title, ol h2, ol h3").first).to_contain_text("开门红")
    # the query, typed again by hand, finds the same
    page.get_by_label("检索词").fill("title:开门红")
    page.get_by_role("search", name="检索条件").get_by_role("button", name="检索").click()
    expect(page.locator("#result-summary")).to_contain_text("共 1 条结果")
    expect(page.locator("#written-query")).to_have_count(0)  # shown only when the form wrote it


def test_an_unknown_field_is_a_message_on_a_phone(browser, archive_site):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(archive_site + "/search/?q=titel:招商")
        expect(page.get_by_text("没有“titel”这个检索字段")).to_be_visible()
        expect(page.get_by_label("检索词")).to_have_attribute("aria-invalid", "true")
        page.get_by_text("检索语法").click()
        expect(page.locator("#search-syntax")).to_contain_text("标题:招商")
    finally:
        context.close()


def test_from_a_search_the_advanced_form_opens_with_its_words_and_filters(page, archive_site):
    page.goto(archive_site + "/search/?q=招商&type=article&start=2023-04-01")
    page.get_by_role("link", name="高级检索").first.click()
    expect(page.get_by_label("包含全部词语")).to_have_value("招商")
    expect(page.get_by_label("类型")).to_have_value("article")
    expect(page.get_by_label("起始日期")).to_have_value("2023-04-01")
    page.get_by_label("包含完整词组").fill("开门红")
    page.get_by_role("form", name="高级检索条件").get_by_role("button", name="检索").click()
    expect(page.get_by_label("检索词")).to_have_value('招商 "开门红"')
    expect(page).to_have_url(re.compile(r"start=2023-04-01"))


def test_words_in_the_body_alone(page, archive_site):
    """刘茜 is in bylines (本报讯 记者刘茜…报道:) and credits, never in a paragraph: 正文中 finds none."""
    page.goto(archive_site + "/search/advanced/")
    page.get_by_label("包含全部词语").fill("刘茜")
    page.get_by_label("词语出现在").select_option(label="正文中")
    page.get_by_role("form", name="高级检索条件").get_by_role("button", name="检索").click()
    expect(page.get_by_label("检索词")).to_have_value("正文:刘茜")
    expect(page.locator("#result-summary")).to_contain_text("共 0 条结果")
    page.get_by_label("检索词").fill("刘茜")
    page.get_by_role("search", name="检索条件").get_by_role("button", name="检索").click()
    expect(page.locator("#result-summary")).not_to_contain_text("共 0 条结果")
