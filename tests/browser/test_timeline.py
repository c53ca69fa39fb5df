"""Hits over time in a real browser: a bar of the chart narrows the search to its month, and
compare mode fits a 375 px phone (axe-core checks both pages: tests/browser/test_accessibility.py)."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PHONE, screenshot

pytestmark = pytest.mark.browser


def test_a_bar_narrows_the_search_to_its_month_keeping_the_filters(page, archive_site):
    page.goto(archive_site + "/search/?q=昌吉&type=article&sort=newest")
    chart = page.locator("#timeline svg")
    expect(chart).to_be_visible()
    bar = chart.get_by_role("link", name=re.compile(r"^2023年4月:\d+ 条$"))
    count = re.search(r":(\d+) 条", bar.get_attribute("aria-label")).group(1)
    bar.click()
    expect(page).to_have_url(re.compile(r"start=2023-04-01&end=2023-04-30"))
    assert "q=%E6%98%8C%E5%90%89" in page.url and "type=article" in page.url and "sort=newest" in page.url
    expect(page.locator("#result-summary")).to_contain_text(f"共 {count} 条结果")
    # the whole span is still drawn, the chosen month marked; its table says the same
    expect(chart.locator("a[aria-current=true]")).to_have_count(1)
    expect(chart.get_by_role("link", name=re.compile("^2023年8月"))).to_be_visible()
    page.get_by_text("以表格查看每月结果数").click()
    expect(page.locator("#timeline tr.table-active")).to_have_text(re.compile(f"2023年4月\\s*{count}"))


def test_compare_mode_fits_a_phone_with_a_line_and_a_legend_per_term(browser, archive_site):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(archive_site + "/search/?q=" + "招商 | 投资 | 消防")
    chart = page.locator("#comparison svg.timeline-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.series")).to_have_count(3)
    expect(page.locator("#comparison .compare-terms li")).to_have_count(3)
    # each term drawn differently, not by colour alone
    dashes = chart.locator("g.series .line").evaluate_all("lines => lines.map(l => getComputedStyle(l).strokeDasharray)")
    colours = chart.locator("g.series").evaluate_all("groups => groups.map(g => getComputedStyle(g).stroke)")
    assert len(set(dashes)) == 3 and len(set(colours)) == 3
    page.get_by_text("以表格查看每月结果数").click()
    expect(page.locator("#comparison table th[scope=col]")).to_have_text(["月份", "招商", "投资", "消防"])
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the axis labels stay readable: at least 9 px on the phone
    label = chart.locator(".ticks text").first.bounding_box()
    assert label["height"] >= 9
    screenshot(page, "search-compare-phone")
    context.close()
