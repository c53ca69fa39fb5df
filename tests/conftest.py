import shutil
from pathlib import Path

import pytest

from tests.helpers import index_at, ingest
from tests.seeds import SEEDS_DIR


@pytest.fixture(scope="session", autouse=True)
def session_index(tmp_path_factory):
    """No test ever writes to the development index in ./data."""
    with index_at(tmp_path_factory.mktemp("index-session")) as engine:
        yield engine


@pytest.fixture
def fresh_index(tmp_path):
    with index_at(tmp_path / "index") as engine:
        yield engine


@pytest.fixture(scope="class")
def seeded_archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The five seed pages ingested and indexed once for a whole test class (committed, so the
    index is written), removed again afterwards."""
    from archive.models import Page, Person, Section
    from search.models import PendingIndexUpdate

    with django_db_blocker.unblock(), index_at(tmp_path_factory.mktemp("index-class")) as engine:
        ingest(SEEDS_DIR)
        yield engine
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
    ingest(SEEDS_DIR)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-password")
    client.force_login(user)
    return client
