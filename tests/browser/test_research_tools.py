"""A researcher in a real browser: copies a citation to the clipboard (or, where the clipboard
cannot be written, gets it selected), and reads on with the keyboard — keys that never fire
while typing in the search box, and that can be switched off."""

import re

import pytest
from playwright.sync_api import expect

from archive.models import Article, Page
from tests.helpers import DESKTOP

pytestmark = pytest.mark.browser
OPENING = "昌吉州一季度招商引资实现“开门红”"  # the first article of 2023-04-17's page
SEED_GBT = "刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, [2023-04-17]."


@pytest.fixture
def clipboard_page(browser, archive_site):
    """A page whose context may read and write the clipboard of the live server's origin."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=archive_site)
    page = context.new_page()
    yield page
    context.close()


def article_url(site: str, title: str) -> str:
    return site + Article.objects.get(title=title).get_absolute_url()


def test_the_copy_button_puts_the_gbt_citation_on_the_clipboard(clipboard_page, archive_site):
    page = clipboard_page
    page.goto(article_url(archive_site, OPENING))
    citation = page.locator("#citation-gbt7714")
    expect(citation).to_have_text(SEED_GBT)
    page.get_by_role("button", name="复制 GB/T 7714-2015 格式").click()
    status = page.get_by_role("status")
    expect(status).to_have_text("已复制 GB/T 7714-2015 格式引文")
    expect(status).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == SEED_GBT
    page.get_by_role("button", name="复制 MLA 格式").click()
    expect(status).to_have_text("已复制 MLA 格式引文")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#citation-mla").inner_text()


def test_without_a_clipboard_the_citation_is_selected_to_copy_by_hand(browser, archive_site):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    # as on an address that is neither https nor localhost: no navigator.clipboard at all
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})")
    try:
        page = context.new_page()
        page.goto(archive_site + Page.objects.get(date="2023-04-17").get_absolute_url())
        page.get_by_role("button", name="复制 APA 格式").click()
        expect(page.get_by_role("status")).to_contain_text("APA 格式引文")
        assert page.evaluate("window.getSelection().toString()") == "昌吉日报. ([2023, April 17])."
    finally:
        context.close()


def test_without_javascript_the_citation_is_there_and_no_button_that_does_nothing(browser, archive_site):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(article_url(archive_site, OPENING))
        expect(page.locator("#citation-gbt7714")).to_have_text(SEED_GBT)
        expect(page.locator("button.copy-citation")).to_have_count(3)
        for button in page.locator("button.copy-citation").all():
            expect(button).to_be_hidden()
    finally:
        context.close()


def test_j_k_n_p_read_on_through_articles_and_pages(page, archive_site):
    opening = article_url(archive_site, OPENING)
    page.goto(opening)
    page.keyboard.press("j")
    expect(page.locator("h1")).to_have_text("在第三届消博会上昌吉州参展企业签约近2亿元")
    page.keyboard.press("k")
    expect(page).to_have_url(opening)
    page.keyboard.press("k")  # past the top of the page: the last article of the page before
    expect(page.locator("h1")).to_have_text("昌吉高新区为7家企业发放87万元清洁能源替代补贴")
    page.keyboard.press("n")
    expect(page).to_have_url(archive_site + "/issues/2023-04-17/1/")
    page.keyboard.press("n")
    expect(page).to_have_url(archive_site + "/issues/2023-04-21/1/")
    page.keyboard.press("p")
    expect(page).to_have_url(archive_site + "/issues/2023-04-17/1/")
    page.keyboard.press("j")  # on a page: its first article
    expect(page).to_have_url(opening)


def test_keys_typed_into_the_search_box_or_with_a_modifier_stay_there(page, archive_site):
    opening = article_url(archive_site, OPENING)
    page.goto(opening)
    search = page.get_by_label("检索全部版面")
    search.press_sequentially("jknp")
    page.wait_for_timeout(300)
    expect(search).to_have_value("jknp")
    assert page.url == opening
    search.press("Escape")
    page.locator("h1").click()  # focus back on the text
    for chord in ["Shift+J", "Alt+j", "Control+k"]:
        page.keyboard.press(chord)
    page.wait_for_timeout(300)
    assert page.url == opening


def test_the_reader_can_switch_the_keys_off_and_it_is_remembered(page, archive_site):
    opening = article_url(archive_site, OPENING)
    page.goto(opening)
    page.get_by_text("键盘操作").click()
    switch = page.get_by_label("启用单键快捷键")
    expect(switch).to_be_checked()
    switch.uncheck()
    page.locator("h1").click()
    page.keyboard.press("j")
    page.wait_for_timeout(300)
    assert page.url == opening
    page.reload()
    page.keyboard.press("j")
    page.wait_for_timeout(300)
    assert page.url == opening
    page.get_by_text("键盘操作").click()
    expect(page.get_by_label("启用单键快捷键")).not_to_be_checked()
    page.get_by_label("启用单键快捷键").check()
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    expect(page.locator("h1")).to_have_text("在第三届消博会上昌吉州参展企业签约近2亿元")
