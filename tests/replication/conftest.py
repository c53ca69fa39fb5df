"""Real streaming replication (tests/replication/test_streaming.py): a site served by gunicorn
from its own database on a PostgreSQL primary and replica, never this process's test database or
search index."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def session_index():
    """Nothing here uses this process's search index: the served site has its own."""
    yield None
