"""A researcher in a real browser: downloads a search's results from its page, and follows the
search (订阅此检索)."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers import PHONE, screenshot

pytestmark = pytest.mark.browser
ATOM = "{http://www.w3.org/2005/Atom}"
KNOWN_TITLE = "昌吉州一季度招商引资实现“开门红”"


def download(page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as started:
        page.get_by_role("link", name=link_name, exact=True).click()
    done = started.value
    assert done.failure() is None, done.failure()
    return done.suggested_filename, Path(done.path()).read_bytes()


def test_the_results_download_as_csv_for_excel(page, archive_site):
    page.goto(archive_site + "/search/?q=招商引资")
    count = int(page.locator("#result-summary").inner_text().split("共 ")[1].split(" 条")[0])
    name, body = download(page, "导出 CSV")
    assert name == "检索_招商引资.csv"
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == ["id", "type", "permalink", "date", "issue_date", "section", "title", "byline", "names"]
    assert len(rows) == count and KNOWN_TITLE in [row["title"] for row in rows]
    known = next(row for row in rows if row["title"] == KNOWN_TITLE)
    assert known["permalink"].startswith(archive_site + "/issues/2023-04-17/")
    assert known["names"] == "刘茜、高祥钧" and known["date"] == "2023-04-17"
    page.goto(known["permalink"])  # the permalink is the article
    expect(page.locator("article h1")).to_contain_text(KNOWN_TITLE)


def test_the_results_with_their_text_download_as_json_lines(page, archive_site):
    page.goto(archive_site + "/search/?q=产业集群&sort=newest")
    name, body = download(page, "导出 JSON Lines(含全文)")
    assert name == "检索_产业集群_全文.jsonl"  # not the name of the export without the text
    rows = [json.loads(line) for line in body.decode("utf-8").splitlines()]
    assert rows and all(set(row) >= {"id", "title", "names", "text"} for row in rows)
    assert [row["date"] for row in rows] == sorted((row["date"] for row in rows), reverse=True)
    assert any("“链”上招商新赛道\n打造经济发展增长极" in row["text"] for row in rows)


def test_following_a_search_gives_its_atom_feed(page, archive_site):
    page.goto(archive_site + "/search/?q=招商")
    follow = page.get_by_role("link", name="订阅此检索")
    expect(follow).to_be_visible()
    address = follow.get_attribute("href")
    assert page.locator("head link[rel=alternate][type='application/atom+xml'][title='订阅检索“招商”']").get_attribute(
        "href") == address
    response = page.request.get(archive_site + address)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())
    assert root.findtext(f"{ATOM}title") == "检索“招商” · 昌吉报纸档案"
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert len(titles) == 6 and KNOWN_TITLE in titles


def test_a_cut_export_says_so_on_the_page(browser, archive_site, settings):
    settings.ARCHIVE_EXPORT_LIMIT = 5
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(archive_site + "/search/?q=昌吉")
        link = page.get_by_role("link", name="导出 CSV(前 5 条)")
        expect(link).to_be_visible()
        box = page.locator("#search-exports").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # it fits a phone
        screenshot(page, "search-exports-phone")
        with page.expect_download() as started:
            link.click()
        rows = list(csv.DictReader(io.StringIO(Path(started.value.path()).read_text(encoding="utf-8-sig"), newline="")))
        assert len(rows) == 5
    finally:
        context.close()
