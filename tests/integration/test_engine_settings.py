"""Choosing the search engine: one setting, checked at start, and an engine's library loaded
only when that engine is chosen."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage_check(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ELASTICSEARCH_URL", "ARCHIVE_SEARCH_ENGINE")}
    env |= {"ARCHIVE_DATA_DIR": str(tmp_path), **environment}
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_an_unknown_engine_name_is_refused_at_start_naming_the_variable(tmp_path):
    done = manage_check(tmp_path, ARCHIVE_SEARCH_ENGINE="lucene")
    assert done.returncode != 0
    assert "ARCHIVE_SEARCH_ENGINE='lucene'" in done.stderr and "sqlite" in done.stderr


def test_elasticsearch_needs_its_url_and_its_url_alone_chooses_nothing(tmp_path):
    done = manage_check(tmp_path, ARCHIVE_SEARCH_ENGINE="elasticsearch")
    assert done.returncode != 0 and "LOCATION" in done.stderr
    done = manage_check(tmp_path, ELASTICSEARCH_URL="http://127.0.0.1:9")
    assert done.returncode != 0 and "ELASTICSEARCH_URL is set but ARCHIVE_SEARCH_ENGINE=whoosh" in done.stderr
    assert manage_check(tmp_path, ARCHIVE_SEARCH_ENGINE="sqlite").returncode == 0


def test_the_postgresql_engine_needs_the_archive_in_postgresql(tmp_path):
    done = manage_check(tmp_path, ARCHIVE_SEARCH_ENGINE="postgres")  # the archive in SQLite
    assert done.returncode != 0 and "DATABASE_URL=postgres://" in done.stderr


SEARCH_ONCE = """
import django, sys
django.setup()
from search.engines import Filters
from search.query import parse_query
from search.results import search
search(parse_query("招商"), Filters())
print(" ".join(sorted(m for m in ("whoosh", "elasticsearch") if m in sys.modules)))
"""


@pytest.mark.parametrize("name, loaded", [("sqlite", ""), ("whoosh", "whoosh")])
def test_an_engine_library_is_loaded_only_when_that_engine_is_chosen(tmp_path, name, loaded):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ELASTICSEARCH_URL")}
    env |= {"ARCHIVE_SEARCH_ENGINE": name, "ARCHIVE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run([sys.executable, "-c", SEARCH_ONCE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == loaded
