"""Related reports (相关报道) fetched by the article page after it is shown, in a real browser."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from archive.models import Article

pytestmark = pytest.mark.browser


def test_the_related_reports_appear_after_the_article_and_lead_to_another_article(page, archive_site):
    cache.clear()
    article = Article.objects.get(title__contains="招商引资实现")
    page.goto(archive_site + article.get_absolute_url())
    related = page.locator("#related-reports")
    expect(related.locator("li")).not_to_have_count(0)  # fetched from the list's page and put in place
    expect(related.get_by_role("heading", name="相关报道")).to_be_visible()
    expect(related.locator("[data-related-src]")).to_have_count(0)
    first = related.get_by_role("link").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_without_script_the_section_links_to_the_list(browser, archive_site):
    cache.clear()
    article = Article.objects.get(title__contains="招商引资实现")
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(archive_site + article.get_absolute_url())
        page.get_by_role("link", name="查看相关报道").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("相关报道")
        expect(page.locator("#related-reports li")).not_to_have_count(0)
    finally:
        context.close()
