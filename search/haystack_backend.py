"""haystack's side of the index: its ``rebuild_index``, ``update_index`` and ``clear_index``
commands, and its index classes (``search_indexes.py``), drive whichever engine the settings
choose. This backend only translates: it holds no index of its own, and searching goes through
``search.results``, not haystack's ``SearchQuerySet``."""

from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery
from haystack.utils import get_identifier

from . import documents
from .engines import engine
from .indexing import BATCH_LOCK_WAIT, flush_pending, schedule


class ArchiveSearchBackend(BaseSearchBackend):
    def update(self, index, iterable, commit=True):
        """A batch of ``update_index``: the documents are read again under the index lock, so
        an edit saved (and indexed) since haystack read this batch is not overwritten by its
        older copy."""
        label = index.get_model()._meta.label_lower
        pks = [obj.pk for obj in iterable]
        if pks:
            engine().write(lambda: documents.batch(label, pks), timeout=BATCH_LOCK_WAIT, size=len(pks))
        flush_pending(timeout=0)

    def remove(self, obj_or_string, commit=True):
        """Never dropped: a delete that cannot be written now is queued and retried."""
        label, _, pk = get_identifier(obj_or_string).rpartition(".")
        schedule(label, [pk], deleted=True)

    def clear(self, models=None, commit=True):
        engine().clear(timeout=BATCH_LOCK_WAIT)

    def search(self, query_string, **kwargs):
        raise NotImplementedError("search with search.results.search(), not haystack's SearchQuerySet")


class ArchiveSearchEngine(BaseEngine):
    backend = ArchiveSearchBackend
    query = BaseSearchQuery
