import pytest

from tests.helpers import ingest
from tests.seeds import SEEDS_DIR
from tools.loadtest import GARBAGE_PAGE  # the load test's page of OCR garbage


@pytest.fixture
def hostile_archive(transactional_db, fresh_index, tmp_path):
    """The seed pages and a page of OCR garbage (a line of 60,000 ``a``, then ``a a a …``),
    ingested and indexed."""
    path = tmp_path / "garbage.txt"
    path.write_text(GARBAGE_PAGE, encoding="utf-8")
    ingest(SEEDS_DIR, path)
