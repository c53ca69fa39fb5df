"""What the archive's own index engines (Whoosh, SQLite FTS5) share about writing.

An engine provides ``open_writer(timeout, size)`` — a context manager holding its index lock,
committing on leaving, raising a ``indexing.UNAVAILABLE`` error when the lock stays taken — and
``write_changes(writer, docs, deleted_ids)``. This mixin makes haystack's ``update``/``remove``
and the index queue's ``apply`` out of them.
"""

from __future__ import annotations

from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier

# How long a batch job (update_index, ingest) waits for another writer before queueing.
BATCH_LOCK_WAIT = 120.0


def prepared_document(index, obj) -> dict | None:
    """haystack's document for ``obj`` (``search_indexes.py``), or None when it is skipped."""
    try:
        doc = index.full_prepare(obj)
    except SkipDocument:
        return None
    doc.pop("boost", None)
    return doc


def fresh_documents(backend, index, pks: list) -> list[dict]:
    """Documents of these objects, read from the database now. ``update_index`` hands a batch
    over already read; read again under the index lock, an edit saved (and indexed) since then
    is not overwritten by its older copy — the edit waits in the queue until the lock is free."""
    objects = index.index_queryset().filter(pk__in=pks)
    return [doc for doc in (backend.document(index, obj) for obj in objects) if doc]


class QueuedWrites:
    def apply(self, docs: list[dict], deleted_ids: list[str], timeout: float) -> None:
        """Write documents and delete ids in one commit; an UNAVAILABLE error if the index
        stays busy for ``timeout`` seconds."""
        with self.open_writer(timeout, size=len(docs)) as writer:
            self.write_changes(writer, docs, deleted_ids)

    def update(self, index, iterable, commit=True):
        """Used by ``update_index``/``rebuild_index``: waits for the lock like any batch job."""
        from .indexing import flush_pending

        pks = [obj.pk for obj in iterable]
        if pks:
            with self.open_writer(BATCH_LOCK_WAIT, size=len(pks)) as writer:
                self.write_changes(writer, fresh_documents(self, index, pks), [])
        flush_pending(timeout=0)

    def remove(self, obj_or_string, commit=True):
        """Never dropped: a delete that cannot get the lock now is queued and retried."""
        from .indexing import schedule

        label, _, pk = get_identifier(obj_or_string).rpartition(".")
        schedule(label, [pk], deleted=True)
