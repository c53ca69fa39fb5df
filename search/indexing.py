"""Keeping the index true to the database, with more than one writer about.

Every change is first written to ``PendingIndexUpdate`` (in the same transaction as the change
when there is one), then applied after commit by ``flush_pending``. When another process holds
the index lock (a long ``rebuild_index``, an ingest), the update stays queued and a retry
thread in this process, or the next writer anywhere, applies it: a request never waits long and
an update is never lost.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from itertools import groupby

from django.apps import apps
from django.db import DatabaseError, close_old_connections, connection, transaction
from haystack import connections

from .backend import LockError
from .writing import BATCH_LOCK_WAIT
from .models import PendingIndexUpdate

# The index is busy (another writer holds the lock) or unreachable (a search server is down):
# the update stays queued.
UNAVAILABLE = (LockError, ConnectionError, OSError)

log = logging.getLogger(__name__)

INDEXED_LABELS = ("archive.article", "archive.photocaption")
INTERACTIVE_LOCK_WAIT = 0.5  # an admin save waits this long for the lock, then queues
BATCH_SIZE = 500
RETRY_DELAY = 0.5
RETRY_FOR = 6 * 3600.0


def backend():
    return connections["default"].get_backend()


def schedule(label: str, ids, deleted: bool = False, wait: float = INTERACTIVE_LOCK_WAIT, flush: bool = True) -> None:
    """Queue index updates (or deletes) of ``label`` objects; apply them after commit, or, with
    ``flush=False``, leave them for whoever flushes next (an ingest run flushes once at its end)."""
    rows = [PendingIndexUpdate(label=label, object_id=str(pk), deleted=deleted) for pk in ids]
    if not rows:
        return
    PendingIndexUpdate.objects.bulk_create(rows)
    if flush:
        transaction.on_commit(lambda: flush_or_retry(wait))


def flush_or_retry(wait: float) -> None:
    if not flush_pending(timeout=wait):
        retrier.ensure_running()


def flush_pending(timeout: float) -> bool:
    """Apply queued updates; True when none are left, False when the index stayed locked."""
    while True:
        tasks = list(PendingIndexUpdate.objects.order_by("pk")[:BATCH_SIZE])
        if not tasks:
            return True
        docs, deleted = [], []
        for label, group in groupby(sorted(tasks, key=lambda t: (t.label, t.pk)), key=lambda t: t.label):
            label_docs, label_deleted = _changes(label, list(group))
            docs += label_docs
            deleted += label_deleted
        try:
            backend().apply(docs, deleted, timeout=timeout)
        except UNAVAILABLE:
            return False
        PendingIndexUpdate.objects.filter(pk__in=[t.pk for t in tasks]).delete()


def _changes(label: str, tasks: list[PendingIndexUpdate]) -> tuple[list[dict], list[str]]:
    """Documents to write and ids to delete for one model's queued tasks."""
    latest = {t.object_id: t.deleted for t in tasks}  # later rows win
    model = apps.get_model(label)
    index = connections["default"].get_unified_index().get_index(model)
    wanted = [pk for pk, deleted in latest.items() if not deleted]
    docs, found = [], set()
    for obj in index.index_queryset().filter(pk__in=wanted):
        doc = backend().document(index, obj)
        if doc:
            docs.append(doc)
            found.add(str(obj.pk))
    return docs, [f"{label}.{pk}" for pk in latest.keys() - found]


class _Retrier:
    """One daemon thread per process that applies queued updates once the lock is free."""

    def __init__(self):
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def ensure_running(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="index-retry", daemon=True)
                self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        deadline = time.monotonic() + RETRY_FOR
        try:
            while time.monotonic() < deadline:
                time.sleep(RETRY_DELAY)
                try:
                    if flush_pending(timeout=RETRY_DELAY):
                        return
                except DatabaseError:
                    log.exception("index retry could not read the queue; trying again")
                    close_old_connections()
            log.error("index updates still queued after %.0f s; the next writer will apply them", RETRY_FOR)
        finally:
            connection.close()


retrier = _Retrier()


@dataclass
class IndexCheck:
    """Objects the database has and the index lacks (``missing``), and the reverse (``extra``)."""

    counts: dict[str, int]
    missing: dict[str, set[str]]
    extra: dict[str, set[str]]

    @property
    def agrees(self) -> bool:
        return not any(self.missing.values()) and not any(self.extra.values())


def check_index() -> IndexCheck:
    """Compare the ids in the index with those in the database, after applying the queue."""
    flush_pending(timeout=BATCH_LOCK_WAIT)
    indexed = {label: set() for label in INDEXED_LABELS} | backend().indexed_ids()
    stored = {label: {str(pk) for pk in apps.get_model(label).objects.values_list("pk", flat=True)}
              for label in INDEXED_LABELS}
    return IndexCheck(
        counts={label: len(ids) for label, ids in stored.items()},
        missing={label: stored[label] - indexed.get(label, set()) for label in stored},
        extra={label: ids - stored.get(label, set()) for label, ids in indexed.items()},
    )


def repair_index(check: IndexCheck) -> None:
    for label, ids in check.missing.items():
        schedule(label, ids)
    for label, ids in check.extra.items():
        schedule(label, ids, deleted=True)
    flush_pending(timeout=BATCH_LOCK_WAIT)
