import contextlib
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from haystack import connections

from tests.seeds import SEEDS_DIR


@contextlib.contextmanager
def search_connection(**options):
    """Point haystack's default connection somewhere else for the duration."""
    info = connections.connections_info["default"]
    previous = dict(info)
    info.clear()
    info.update(options)
    connections.reload("default")
    try:
        yield connections["default"].get_backend()
    finally:
        info.clear()
        info.update(previous)
        connections.reload("default")


WHOOSH = "search.backend.ChineseWhooshEngine"
SQLITE = "search.sqlite_fts.ChineseSqliteEngine"


def engine_under_test() -> str:
    """The settings' engine (ARCHIVE_SEARCH_ENGINE) when it runs on this machine, else Whoosh:
    a search server (Elasticsearch) is tested by tests/test_elastic.py alone."""
    configured = settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"]
    return configured if configured in (WHOOSH, SQLITE) else WHOOSH


def whoosh_index_at(path: Path):
    return search_connection(ENGINE=WHOOSH, PATH=str(path))


def index_at(path: Path):
    """An empty index of the engine under test in ``path``."""
    return search_connection(ENGINE=engine_under_test(), PATH=str(path))


def pytest_collection_modifyitems(config, items):
    if engine_under_test() != WHOOSH:
        skip = pytest.mark.skip(reason="checks Whoosh's own machinery; the engine under test is not Whoosh")
        for item in items:
            if item.get_closest_marker("whoosh"):
                item.add_marker(skip)


@contextlib.contextmanager
def write_lock_held(backend):
    """Another writer (a long rebuild in another process) holds the index's lock meanwhile."""
    if engine_under_test() == WHOOSH:
        writer = backend.index.writer()
        try:
            yield
        finally:
            writer.cancel()
    else:
        with backend.writer(timeout=1):
            yield


@pytest.fixture(scope="session", autouse=True)
def session_index(tmp_path_factory):
    """No test ever writes to the development index in ./data."""
    with index_at(tmp_path_factory.mktemp("index-session")) as backend:
        yield backend


@pytest.fixture
def fresh_index(tmp_path):
    with index_at(tmp_path / "index") as backend:
        yield backend


@pytest.fixture(scope="class")
def seeded_archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The five seed pages ingested and indexed once for a whole test class (committed, so the
    index is written), removed again afterwards."""
    from archive.models import Page, Person, Section
    from search.models import PendingIndexUpdate

    with django_db_blocker.unblock(), index_at(tmp_path_factory.mktemp("index-class")) as backend:
        call_command("ingest", str(SEEDS_DIR), stdout=io.StringIO())
        yield backend
        Page.objects.all().delete()
        Person.objects.all().delete()
        Section.objects.all().delete()
        PendingIndexUpdate.objects.all().delete()


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    """A private copy of the seed folder that a test may change."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    return folder


@pytest.fixture
def ingested(db):
    call_command("ingest", str(SEEDS_DIR), stdout=io.StringIO())


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-password")
    client.force_login(user)
    return client
