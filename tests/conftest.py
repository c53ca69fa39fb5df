import contextlib
import io
import shutil
from pathlib import Path

import pytest
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


def whoosh_index_at(path: Path):
    """A Whoosh index at ``path``: tests use one whatever the settings' engine."""
    return search_connection(ENGINE="search.backend.ChineseWhooshEngine", PATH=str(path))


@pytest.fixture(scope="session", autouse=True)
def session_index(tmp_path_factory):
    """No test ever writes to the development index in ./data."""
    with whoosh_index_at(tmp_path_factory.mktemp("whoosh-session")) as backend:
        yield backend


@pytest.fixture
def fresh_index(tmp_path):
    with whoosh_index_at(tmp_path / "whoosh") as backend:
        yield backend


@pytest.fixture(scope="class")
def seeded_archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The five seed pages ingested and indexed once for a whole test class (committed, so the
    index is written), removed again afterwards."""
    from archive.models import Page, Person, Section
    from search.models import PendingIndexUpdate

    with django_db_blocker.unblock(), whoosh_index_at(tmp_path_factory.mktemp("whoosh-class")) as backend:
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
