"""The admin's lists as staff see them on a laptop screen (issue 11, item 11)."""

import pytest
from playwright.sync_api import expect

from tests.helpers import log_in_to_admin, screenshot

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_article_list_is_readable_at_1280_px(browser, archive_site, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", "correct-horse-battery")
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    log_in_to_admin(page, archive_site, "editor", "correct-horse-battery")
    page.goto(archive_site + "/admin/archive/article/")
    expect(page.locator("#changelist-filter")).to_contain_text("年份")
    screenshot(page, "admin-article-list-1280")

    title = box(page, "#result_list th.column-headline")
    assert title["width"] >= 300, f"the title column is {title['width']:.0f}px wide"
    results, last = box(page, "#changelist .results"), box(page, "#result_list thead th:last-child")
    assert last["x"] + last["width"] <= results["x"] + results["width"], "the right-hand columns are cut off"
    hidden = page.locator("#changelist .results").evaluate("el => el.scrollWidth - el.clientWidth")
    assert hidden <= 0, f"the list hides {hidden}px behind a sideways scroll"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    context.close()
