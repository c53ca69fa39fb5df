"""The one way ``archive`` tells others (the search index) that stored items changed.

Ingest writes in bulk and sends ``items_changed`` once per page, inside the page's transaction:
a listener records what it must do (the search app queues index updates in the database), and
that record commits or rolls back with the page, so a crash between the two cannot lose it.
Listeners do slow work (writing the index) only after commit.
"""

from django.dispatch import Signal

# kwargs: page_id, articles_saved, photos_saved, articles_deleted, photos_deleted (lists of ids)
items_changed = Signal()
