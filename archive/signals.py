"""The one way ``archive`` tells others (the search index) that stored items changed.

Ingest writes in bulk and sends ``items_changed`` once per page after its transaction
commits, so a listener sees committed rows and never one signal per row.
"""

from django.dispatch import Signal

# kwargs: articles_saved, photos_saved, articles_deleted, photos_deleted (lists of ids)
items_changed = Signal()
