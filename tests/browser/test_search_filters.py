"""A reader narrowing a search in a real browser: facets, the chips that undo them, a person's
filter, and the filter panel on a phone (issue 11, items 2, 3 and 12)."""

import re

import pytest
from playwright.sync_api import expect

from archive.models import Person
from tests.helpers import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser
SECTION = "强信心 起好步 开新局"


def test_a_facet_keeps_the_dates_and_its_chip_removes_it(page, archive_site):
    page.goto(archive_site + "/search/?q=昌吉&start=2023-04-01&end=2023-04-30")
    facet = page.locator("#search-filters li", has_text=SECTION)
    count = facet.locator(".badge").inner_text()
    facet.get_by_role("link", name=SECTION).click()
    expect(page.locator("#result-summary")).to_contain_text(f"共 {count} 条结果")
    chips = page.locator("#active-filters .filter-chip")
    expect(chips).to_have_text([f"去掉筛选 栏目:{SECTION} ×", "去掉筛选 起始日期:2023-04-01 ×",
                                "去掉筛选 截止日期:2023-04-30 ×"])
    # the other sections stay on offer, the chosen one is marked
    expect(page.locator("#search-filters [aria-current]")).to_have_text([SECTION, "2023年4月"])
    expect(page.get_by_role("link", name="新时代新征程新伟业")).to_be_visible()
    page.get_by_role("link", name=f"去掉筛选 栏目:{SECTION}").click()
    expect(page).not_to_have_url(re.compile("section="))
    expect(page).to_have_url(re.compile("start=2023-04-01"))
    expect(chips).to_have_count(2)
    page.get_by_role("link", name="清除全部筛选").click()
    expect(chips).to_have_count(0)
    expect(page.get_by_label("检索词")).to_have_value("昌吉")


def test_a_year_then_one_of_its_months_narrows_the_dates(page, archive_site):
    page.goto(archive_site + "/search/?q=昌吉")
    filters = page.locator("#search-filters")
    expect(filters.get_by_role("link", name="2023年4月")).to_have_count(0)  # years first
    filters.get_by_role("link", name="2023年", exact=True).click()
    expect(page.locator("#search-filters [aria-current]")).to_have_text(["2023年"])
    month = filters.locator("li", has_text="2023年4月")
    count = month.locator(".badge").inner_text()
    month.get_by_role("link").click()
    expect(page.locator("#result-summary")).to_contain_text(f"共 {count} 条结果")
    expect(page.locator("#active-filters .filter-chip")).to_have_text(
        ["去掉筛选 起始日期:2023-04-01 ×", "去掉筛选 截止日期:2023-04-30 ×"])
    expect(page.locator("#search-filters [aria-current]")).to_have_text(["2023年4月"])


def test_only_this_person_is_shown_as_a_name_and_can_be_removed(page, archive_site):
    person = Person.objects.get(name="刘茜")
    page.goto(archive_site + person.get_absolute_url())
    page.get_by_role("link", name="在检索中只看刘茜的稿件和图片").click()
    chip = page.get_by_role("link", name="去掉筛选 作者:刘茜")
    expect(chip).to_be_visible()
    # a query typed next keeps the filter, and still says so
    page.get_by_label("检索词").fill("消博会")
    page.get_by_role("search", name="检索条件").get_by_role("button", name="检索").click()
    expect(page).to_have_url(re.compile(f"person={person.pk}"))
    expect(chip).to_be_visible()
    chip.click()
    expect(page).not_to_have_url(re.compile("person="))
    expect(page.locator(".filter-chip")).to_have_count(0)
    expect(page.get_by_label("检索词")).to_have_value("消博会")


def test_on_a_phone_the_filters_fold_above_the_results(browser, archive_site):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(archive_site + "/search/?q=昌吉")
    toggle = page.get_by_role("button", name="按栏目、年月筛选")
    first_hit = page.locator(".search-hit").first
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert toggle.bounding_box()["y"] + toggle.bounding_box()["height"] <= first_hit.bounding_box()["y"]
    facet = page.get_by_role("link", name=SECTION)
    expect(facet).to_be_hidden()
    toggle.click()
    expect(facet).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    screenshot(page, "search-filters-phone")
    context.close()


def test_on_a_desktop_the_filters_are_open_beside_the_results(browser, archive_site):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(archive_site + "/search/?q=昌吉")
    expect(page.get_by_role("button", name="按栏目、年月筛选")).to_be_hidden()
    facet = page.get_by_role("link", name=SECTION)
    expect(facet).to_be_visible()
    assert facet.bounding_box()["x"] > page.locator(".search-hit").first.bounding_box()["x"]
    context.close()
