import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.seeds import SEED_FILES, SEEDS_DIR


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    """A private copy of the seed folder that a test may change."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    return folder


@pytest.fixture
def ingested(db):
    call_command("ingest", str(SEEDS_DIR), stdout=open("/dev/null", "w"))


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-password")
    client.force_login(user)
    return client


__all__ = ["SEED_FILES"]
