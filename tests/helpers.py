"""What several test modules share. Test modules import from here, never from conftest or from
one another."""

from __future__ import annotations

import contextlib
import html as html_module
import io
import random
import re
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from search.engines import ON_MACHINE, Batch, Filters, build, engine
from search.query import parse_query
from search.results import search


# --- the search engine -------------------------------------------------------------------------

def engines_here() -> list[str]:
    """The engines every test run covers: those that need no server, and PostgreSQL's when the
    archive's database is PostgreSQL (its index lives there)."""
    return list(ON_MACHINE) + (["postgres"] if connection.vendor == "postgresql" else [])


def engine_location(name: str, folder: Path | str) -> str:
    """Where an engine ``name`` under test keeps its index: ``folder``, or for PostgreSQL the
    tables of the test database (its alias)."""
    return "default" if name == "postgres" else str(folder)


def queued_engine_only(test):
    """For a test of the index queue: the PostgreSQL engine has none (it writes the index in the
    archive's own transaction; tests/engines/test_postgres.py tests that instead)."""
    import pytest

    return pytest.mark.skipif(engine_under_test() == "postgres",
                              reason="the PostgreSQL engine writes in the archive's transaction: nothing is queued")(test)


def engine_under_test() -> str:
    """The engine ``ARCHIVE_SEARCH_ENGINE`` chooses when it runs here, else Whoosh: a search
    server (Elasticsearch) is tested by tests/engines alone, when it is reachable."""
    name = settings.ARCHIVE_SEARCH["ENGINE"]
    return name if name in engines_here() else "whoosh"


@contextlib.contextmanager
def search_engine(name: str, location: Path | str, **options):
    """Searches and index writes go to a ``name`` engine at ``location`` meanwhile."""
    config = {"ENGINE": name, "LOCATION": engine_location(name, location), **options}
    with override_settings(ARCHIVE_SEARCH=config):
        yield engine()


def fresh_engine(name: str, location: Path | str, **options):
    """An empty index of engine ``name`` at ``location`` (a folder, or a server URL), built
    through the registry as the app builds its own; ``close()`` it when done."""
    engine_ = build({"ENGINE": name, "LOCATION": engine_location(name, location), **options})
    engine_.clear(timeout=10)
    return engine_


def index_at(path: Path):
    """An empty index of the engine under test in ``path``."""
    return search_engine(engine_under_test(), path)


@contextlib.contextmanager
def write_lock_held(search_engine_):
    """Another writer (a long rebuild) holds the index's write lock meanwhile: a write whose
    ``read`` waits, run in a thread, through the contract — the same for every engine."""
    holding, release = threading.Event(), threading.Event()

    def read():
        holding.set()
        release.wait(60)
        return Batch()

    writer = threading.Thread(target=search_engine_.write, args=(read,), kwargs={"timeout": 5})
    writer.start()
    assert holding.wait(10), "the other writer never got the lock"
    try:
        yield
    finally:
        release.set()
        writer.join()


def break_index_files(config: dict) -> None:
    """Overwrite an on-machine engine's index files with garbage, as a failing disk might."""
    folder = Path(config["LOCATION"])
    targets = [folder / "index.sqlite3"] if config["ENGINE"] == "sqlite" else list(folder.glob("*.toc"))
    assert targets, f"no index files in {folder}"
    for extra in folder.glob("index.sqlite3-*"):
        extra.unlink()
    for path in targets:
        path.write_bytes(b"\x00garbage, not an index\xff" * 100)




# --- searching ---------------------------------------------------------------------------------

def run(query: str, per_page: int = 1000, **filters):
    return search(parse_query(query), Filters(**filters), per_page=per_page)


def names(results) -> list[str]:
    return [str(hit.object) for hit in results.hits]


def titles_found(query: str) -> list[str]:
    return names(run(query))


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


# --- the search page ---------------------------------------------------------------------------

def result_total(html: str) -> int:
    """The number a search page says it found (共 N 条结果)."""
    return int(re.search(r"共 (\d+) 条结果", html).group(1))


def facet_links(html: str) -> list[tuple[str, str, int]]:
    """(label, address, count) of every facet a search page offers (the chosen ones are not links)."""
    found = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="badge text-bg-light">(\d+)</span></li>', html)
    return [(label, html_module.unescape(url), int(count)) for url, label, count in found]


def filter_chips(html: str) -> list[tuple[str, str]]:
    """(label, address) of every chip showing a filter in force on a search page."""
    found = re.findall(r'class="[^"]*filter-chip"[^>]* href="([^"]+)"><span class="visually-hidden">[^<]*</span>'
                       r'([^<]+?) <span', html)
    return [(html_module.unescape(label), html_module.unescape(url)) for url, label in found]


def search_address(path: str) -> dict[str, list[str]]:
    """A search page address's parameters, to compare addresses whatever their order."""
    parts = urlsplit(path)
    assert parts.path == "/search/", path
    return parse_qs(parts.query)


# --- the archive -------------------------------------------------------------------------------

def ingest(*paths) -> str:
    out = io.StringIO()
    call_command("ingest", *map(str, paths), stdout=out)
    return out.getvalue()


def recombined_pages(folder: Path, source_texts: list[tuple[str, list[str]]], pages: int, seed: int = 5) -> Path:
    """Page files in the seeds' format (``bench/pages.py``), their articles recombined from the
    given (title, paragraphs): a larger archive whose items share words, for ranking tests."""
    from bench.corpus import RawArticle
    from bench.pages import make_pages, write_pages

    rng = random.Random(seed)
    paragraphs = [p for _, ps in source_texts for p in ps]
    articles = [RawArticle(rng.choice(source_texts)[0], rng.sample(paragraphs, rng.randint(2, 6)), "recombined")
                for _ in range(pages * 6)]
    write_pages(make_pages(articles, seed=seed), folder)
    return folder


def article_form(article, **changes) -> dict:
    """The admin change form's POST data as the browser would send it, with ``changes``."""
    data = {
        "section": article.section_id or "", "kicker": article.kicker, "title": article.title,
        "subtitle": article.subtitle, "byline": article.byline,
        "date": article.date.isoformat() if article.date else "", "body": article.body,
    }
    if article.date_inferred:
        data["date_inferred"] = "on"
    contributions = list(article.contributions.all())
    data |= {"contributions-TOTAL_FORMS": len(contributions), "contributions-INITIAL_FORMS": len(contributions)}
    for i, c in enumerate(contributions):
        data |= {f"contributions-{i}-id": c.pk, f"contributions-{i}-article": article.pk,
                 f"contributions-{i}-person": c.person_id, f"contributions-{i}-role": c.role,
                 f"contributions-{i}-order": c.order}
    photos = list(article.photos.all())
    data |= {"photos-TOTAL_FORMS": len(photos), "photos-INITIAL_FORMS": len(photos)}
    for i, p in enumerate(photos):
        data |= {f"photos-{i}-id": p.pk, f"photos-{i}-article": article.pk, f"photos-{i}-position": p.position,
                 f"photos-{i}-caption": p.caption, f"photos-{i}-description": p.description,
                 f"photos-{i}-credit": p.credit, f"photos-{i}-date": p.date.isoformat() if p.date else ""}
    return data | changes


def admin_action(client, model_name: str, action: str, objects, **data):
    """POST an admin changelist action on ``objects``, as ticking them and choosing ``action``
    does (an intermediate page's form posts the same, with its own fields in ``data``)."""
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    return client.post(reverse(f"admin:archive_{model_name}_changelist"),
                       {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **data})


def changelist_names(response) -> list[str]:
    """What an admin changelist response lists, as the objects' names."""
    return [str(obj) for obj in response.context["cl"].result_list]


def filter_choices(response, title: str) -> list[str]:
    """The choices an admin changelist offers under the list filter ``title`` ([] when hidden)."""
    cl = response.context["cl"]
    return [choice["display"] for spec in cl.filter_specs if spec.title == title and spec.has_output()
            for choice in spec.choices(cl)]


# --- the browser -------------------------------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def log_in_to_admin(page, site: str, username: str, password: str) -> None:
    page.goto(site + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_entries(client) -> dict:
    """Every address the sitemap index leads to, with its ``lastmod`` element (or None)."""
    import xml.etree.ElementTree as ET

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    entries = {}
    for location in ET.fromstring(index.content).iter(f"{SITEMAP_NS}loc"):
        sitemap = client.get(location.text.replace("http://testserver", ""))
        assert sitemap.status_code == 200, location.text
        for url in ET.fromstring(sitemap.content).iter(f"{SITEMAP_NS}url"):
            entries[url.find(f"{SITEMAP_NS}loc").text] = url.find(f"{SITEMAP_NS}lastmod")
    return entries
