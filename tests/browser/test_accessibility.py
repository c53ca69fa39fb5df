"""Accessibility in a real browser: axe-core finds no violations on the main pages at desktop and
phone width, and a printed article is the article alone."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Article, Person
from tests.helpers import PHONE

pytestmark = pytest.mark.browser

# axe-core from npm (package.json pins it; `make test` installs it with `npm ci`): nothing is
# downloaded while the tests run.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}
PAGES = ["home", "page", "article", "search", "narrowed-search", "compare", "month", "people", "person", "photos",
         "advanced-search"]


def urls() -> dict[str, str]:
    """The pages' addresses in the seeded archive: an article with a photo, its page, its month
    and one of its contributors; a search, and one narrowed to a month (its year's months
    listed, filter chips) with a value refused (a field marked in error)."""
    article = Article.objects.filter(photos__isnull=False, date__isnull=False).order_by("pk").first()
    return {
        "home": reverse("archive:home"),
        "page": article.page.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": reverse("search:search") + "?q=招商引资",
        "narrowed-search": reverse("search:search") + "?q=昌吉&start=2023-04-01&end=2023-04-30&sort=bogus",
        "compare": reverse("search:search") + "?q=招商 | 投资 | 消防&start=2023-04-01",
        "month": reverse("archive:month", args=[article.date.year, article.date.month]),
        "people": reverse("archive:people"),
        "person": Person.objects.filter(articles=article).order_by("pk").first().get_absolute_url(),
        "photos": reverse("archive:photos"),
        "advanced-search": reverse("search:advanced") + "?all_words=招商&author=无此人",  # a field in error
    }


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(browser, archive_site, name, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci)")
    url = archive_site + urls()[name]
    # The site's CSP allows no inline script, so the <script> holding axe that add_script_tag
    # writes into the page would be refused. bypass_csp lifts the policy for this context only,
    # to inject the test's own tool; every other browser test runs under the real policy.
    context = browser.new_context(viewport=WIDTHS[width], locale="zh-CN", bypass_csp=True)
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response.status == 200, url
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        assert not violations, f"{name} at {WIDTHS[width]['width']}px ({url}):\n{describe(violations)}"
    finally:
        context.close()


def test_a_printed_article_is_the_article_alone(page, archive_site):
    page.goto(archive_site + urls()["article"])
    page.emulate_media(media="print")
    for hidden in ["nav.navbar", "aside", "footer", "form[role=search]", "nav[aria-label=前后稿件与版面]"]:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".article-body p").first).to_be_visible()
    colour = page.locator(".article-body p").first.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(0, 0, 0)"
    page.emulate_media(media="screen")
    expect(page.locator("nav.navbar")).to_be_visible()
    expect(page.locator("aside")).to_be_visible()


@pytest.mark.parametrize("name", ["article", "page"])
def test_axe_finds_no_violations_in_the_research_tools_in_use(browser, archive_site, name):
    """The citations with their copy buttons shown and a copy announced, and the 键盘操作 hint
    open with its switch, at phone width (where a long citation must wrap)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci)")
    url = archive_site + urls()[name]
    # Without motion: axe read the clicked button's colour halfway through Bootstrap's transition
    # (4.35:1) once in a CI run; the settled colours pass.
    context = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True, reduced_motion="reduce")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=archive_site)
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_role("button", name="复制 GB/T 7714-2015 格式").click()
        expect(page.get_by_role("status")).to_contain_text("已复制")
        page.get_by_text("键盘操作").click()
        expect(page.get_by_label("启用单键快捷键")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing runs off the screen
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        assert not violations, f"{name} ({url}):\n{describe(violations)}"
    finally:
        context.close()
