"""What several test modules share. Test modules import from here, never from conftest or from
one another."""

from __future__ import annotations

import contextlib
import dataclasses
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
from django.db import connection, connections
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


# --- read replicas: in the test process ---------------------------------------------------------

@contextlib.contextmanager
def replica_alias(alias: str, database: dict):
    """``alias`` is the one read replica meanwhile (config/replicas.py), connected as ``database``
    says, its health asked afresh. The connection is made for this thread only, not in
    settings.DATABASES (which pytest-django's test cases would forbid), so the test client's
    requests reach it. The router sends a request's reads to a replica only outside a transaction
    on the primary: tests of that need ``transactional_db``."""
    from config import replicas

    move_replica(alias, database)
    try:
        with override_settings(DATABASE_REPLICAS=[alias]):
            yield alias
    finally:
        replicas.close_quietly(alias)
        replicas.forget_health()
        del connections[alias]


def move_replica(alias: str, database: dict) -> None:
    """``alias`` is connected as ``database`` says from now on; what its health was is kept."""
    from django.db.utils import load_backend
    from django.utils.connection import ConnectionDoesNotExist

    from config import replicas

    with contextlib.suppress(ConnectionDoesNotExist):  # not connected yet
        replicas.close_quietly(alias)
    connections[alias] = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias)


def primary_as_replica() -> dict:
    """A "replica" that is the primary's test database itself: always current, so healthy."""
    return dict(connections["default"].settings_dict)


def unreachable_replica() -> dict:
    """A PostgreSQL replica at a port of this machine where nothing listens."""
    from tools.server import free_port

    return primary_as_replica() | {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1",
                                   "PORT": free_port(), "NAME": "archive", "USER": "archive",
                                   "PASSWORD": "archive", "OPTIONS": {"connect_timeout": 3}}


# --- read replicas: real servers (scripts/postgres-replicas.sh) -------------------------------------

def database_url(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name``."""
    return urlsplit(url)._replace(path="/" + name).geturl()


def sql(url: str, query: str, params=()) -> list[tuple]:
    """Run ``query`` on its own autocommitted connection; its rows ([] when it returns none)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def wait_until_replayed(primary_url: str, replica_url: str, seconds: float = 30) -> None:
    """Until the replica has replayed everything the primary has logged so far. The insert
    position, not pg_current_wal_lsn(): a transaction that wrote nothing but its commit (an xid
    taken) commits asynchronously, its commit not yet written out when it returns."""
    position = sql(primary_url, "SELECT pg_current_wal_insert_lsn()")[0][0]
    assert wait_until(lambda: sql(replica_url, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (position,))[0][0],
                      seconds), f"the replica did not replay {position} within {seconds} s"


def replicas_script(command: str) -> None:
    """scripts/postgres-replicas.sh ``command``: ``stop-replica``, ``start-replica``."""
    import subprocess

    script = Path(__file__).resolve().parents[1] / "scripts" / "postgres-replicas.sh"
    result = subprocess.run([str(script), command], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@contextlib.contextmanager
def replay_paused(primary_url: str, replica_url: str):
    """The replica stops replaying (as a busy one falls behind) meanwhile: it keeps serving what
    it had. Its lag starts from a transaction committed just before, so it grows from zero."""
    sql(primary_url, "SELECT txid_current()")  # a commit for the replica to have replayed last
    wait_until_replayed(primary_url, replica_url)
    sql(replica_url, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        sql(replica_url, "SELECT pg_wal_replay_resume()")
        wait_until_replayed(primary_url, replica_url)


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict
    text: str


class Browser:
    """A browser against a real server: keeps its cookies, follows redirects, sends the CSRF
    token with a form as the page's own form would."""

    def __init__(self, site: str):
        from http.cookiejar import CookieJar
        from urllib.request import HTTPCookieProcessor, build_opener

        self.site = site
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> Answer:
        """``path`` may hold Chinese characters: they are percent-encoded, as a browser does."""
        from urllib.parse import quote
        from urllib.request import Request

        return self.open(Request(self.site + quote(path, safe="/?&=%+")))

    def post(self, path: str, data: dict) -> Answer:
        from urllib.parse import urlencode
        from urllib.request import Request

        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
        body = urlencode(data | {"csrfmiddlewaretoken": token}, doseq=True).encode()
        return self.open(Request(self.site + path, data=body, headers={"Referer": self.site + path}))

    def open(self, request) -> Answer:
        from urllib.error import HTTPError

        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def log_in(self, username: str, password: str) -> None:
        self.get("/admin/login/")
        answer = self.post("/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"})
        assert answer.status == 200 and "/admin/logout/" in answer.text, answer.text[:500]


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    """What a browser submits from the form ``form_id`` of a page as it stands: text fields,
    hidden fields, textareas, the chosen options, the ticked boxes (no buttons)."""
    from html.parser import HTMLParser

    fields: dict[str, list[str]] = {}

    class Reader(HTMLParser):
        in_form = multiple = False
        textarea = select = None
        chosen: list[str] = []
        first_option: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.in_form = a.get("id") == form_id
            if not self.in_form:
                return
            if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "image", "file"):
                if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                    fields.setdefault(a["name"], []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                fields.setdefault(self.textarea, []).append("")
            elif tag == "select" and a.get("name"):
                self.select, self.chosen, self.first_option = a["name"], [], None
                self.multiple = "multiple" in a
            elif tag == "option" and self.select:
                value = a.get("value", "")
                if self.first_option is None:
                    self.first_option = value
                if "selected" in a:
                    self.chosen.append(value)

        def handle_data(self, data):
            if self.textarea:
                fields[self.textarea][-1] += data

        def handle_endtag(self, tag):
            if tag == "form":
                self.in_form = False
            elif tag == "textarea" and self.textarea:
                text = fields[self.textarea][-1]
                fields[self.textarea][-1] = text[1:] if text.startswith("\n") else text  # as browsers read it
                self.textarea = None
            elif tag == "select" and self.select:
                chosen = self.chosen or ([] if self.multiple or self.first_option is None else [self.first_option])
                if chosen:
                    fields[self.select] = chosen
                self.select = None

    Reader(convert_charrefs=True).feed(html)
    return fields


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


# --- archives spanning months and years (the seeds fill a few months of 2023) ------------------

def dated_pages(folder: Path, stories) -> Path:
    """Page files in the seeds' format, one story a page, each dated by its path
    (``2019-06-02/01.txt``, a second story that day ``02.txt``) and by its dateline: ``stories``
    are (date, text) pairs, ``text`` holding the words a test searches for. Each title names its
    date and place, so that no two pages are alike (ingest skips a page it already holds)."""
    taken: dict = {}
    for day, text in stories:
        taken[day] = taken.get(day, 0) + 1
        page = folder / day.isoformat() / f"{taken[day]:02d}.txt"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"{day.year}年{day.month}月{day.day}日第{taken[day]}篇稿件\n\n"
                        f"本报讯 记者王小明报道:{day.month}月{day.day}日,{text}\n", encoding="utf-8")
    return folder
