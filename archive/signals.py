"""The one way ``archive`` tells others (the search index) that stored items changed.

Ingest writes in bulk and sends ``items_changed`` once per page, inside the page's transaction
(and merging two people, ``archive/people.py``, once for the items whose credits moved):
a listener records what it must do (the search app queues index updates in the database), and
that record commits or rolls back with the page, so a crash between the two cannot lose it.
Listeners do slow work (writing the index) only after commit.
"""

import contextlib
import contextvars

from django.dispatch import Signal

# kwargs: page_id, articles_saved, photos_saved, articles_deleted, photos_deleted (lists of ids)
items_changed = Signal()

# Sent once when an ingest run has stored all its files (kwargs: report), so that slow work
# (one index commit for the whole run rather than one per page) happens once.
ingest_finished = Signal()

_ingesting = contextvars.ContextVar("ingesting", default=False)


@contextlib.contextmanager
def ingest_run():
    """Marks an ingest run, during which listeners record work and do it at ``ingest_finished``."""
    token = _ingesting.set(True)
    try:
        yield
    finally:
        _ingesting.reset(token)


def ingest_running() -> bool:
    return _ingesting.get()
