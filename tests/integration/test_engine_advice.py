"""Past the size Whoosh serves well, ingest and check_index tell the archivist, naming the
command that moves the archive to the FTS5 engine; below it, or on FTS5, they say nothing."""

import io

import pytest
from django.core.management import call_command

from search.capacity import MOVE_COMMAND
from tests.helpers import ingest
from tests.seeds import SEEDS_DIR

pytestmark = pytest.mark.django_db(transaction=True)


def check_index_output() -> str:
    out = io.StringIO()
    call_command("check_index", stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("fresh_index")
def test_past_the_ceiling_whoosh_archives_are_told_to_move(settings, tmp_path):
    settings.ARCHIVE_SEARCH = {"ENGINE": "whoosh", "LOCATION": str(tmp_path / "whoosh")}
    settings.ARCHIVE_WHOOSH_CEILING = 10  # the seeds hold 17 articles
    report = ingest(SEEDS_DIR)
    assert "超过 Whoosh 检索引擎的适用上限 10 篇" in report and MOVE_COMMAND in report
    call_command("rebuild_index", "--noinput", verbosity=0)
    assert MOVE_COMMAND in check_index_output()


@pytest.mark.usefixtures("fresh_index")
def test_below_the_ceiling_nothing_is_said(settings, tmp_path):
    settings.ARCHIVE_SEARCH = {"ENGINE": "whoosh", "LOCATION": str(tmp_path / "whoosh")}
    settings.ARCHIVE_WHOOSH_CEILING = 20000
    assert MOVE_COMMAND not in ingest(SEEDS_DIR)
