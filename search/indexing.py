"""Keeping the index true to the database, with more than one writer about.

An engine that writes in the caller's transaction (``SearchEngine.transactional``: PostgreSQL,
whose index is tables of the archive's own database) is written at once by ``schedule``: the
change and its index rows commit together, and nothing below applies. For the others:

Every change is first written to ``PendingIndexUpdate`` (in the same transaction as the change
when there is one), then applied after commit by ``flush_pending``. When the engine says the
index is unavailable (another process holds its lock, a search server is down) the update stays
queued and a retry thread in this process, or the next writer anywhere, applies it: a request
never waits long and an update is never lost. When the engine says the index has failed (full
disk, broken files) the updates stay queued too, and the failure is reported at once — logged,
and raised to commands — instead of being retried for hours.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from itertools import groupby
from typing import Callable

from django.apps import apps
from django.db import DatabaseError, close_old_connections, connection, transaction

from . import documents
from .engines import IndexFailure, IndexUnavailable, engine
from .engines.base import KINDS
from .models import PendingIndexUpdate

log = logging.getLogger(__name__)

INDEXED_LABELS = tuple(KINDS.values())
INTERACTIVE_LOCK_WAIT = 0.5  # an admin save waits this long for the lock, then queues
BATCH_LOCK_WAIT = 120.0  # a batch job (update_index, an ingest run) waits this long, then queues
BATCH_SIZE = 500
FOLLOW_BATCH_SIZE = 2_000  # a worker beside a bulk ingest: fewer, larger FTS5 segments to merge
FOLLOW_PAUSE = 0.5  # a following worker looks at an empty queue again after this long
RETRY_DELAY = 0.5
RETRY_FOR = 6 * 3600.0


def schedule(label: str, ids, deleted: bool = False, wait: float = INTERACTIVE_LOCK_WAIT, flush: bool = True) -> None:
    """Queue index updates (or deletes) of ``label`` objects; apply them after commit, or, with
    ``flush=False``, leave them for whoever flushes next (an ingest run flushes once at its end)."""
    ids = list(ids)
    if not ids:
        return
    if engine().transactional:  # PostgreSQL: the index changes in the caller's transaction, no queue
        write_now([(label, [] if deleted else ids, ids if deleted else [])])
        return
    rows = [PendingIndexUpdate(label=label, object_id=str(pk), deleted=deleted) for pk in ids]
    PendingIndexUpdate.objects.bulk_create(rows)
    if flush:
        transaction.on_commit(lambda: flush_or_retry(wait))


def write_now(changes: list[tuple[str, list, list]]) -> None:
    """For an engine that writes in the caller's transaction: (label, ids saved, ids deleted)
    written at once, in one batch."""
    changes = [(label, list(saved), list(deleted)) for label, saved, deleted in changes if saved or deleted]
    if changes:
        engine().write(lambda: documents.merged([documents.batch(label, saved, deleted=deleted)
                                                 for label, saved, deleted in changes]),
                       timeout=BATCH_LOCK_WAIT, size=sum(len(saved) + len(deleted) for _, saved, deleted in changes))


def flush_or_retry(wait: float) -> None:
    """After a commit: apply the queue now, or leave it to the retry thread when the index is
    busy. A failed index is logged (the updates stay queued) and never raised into a request."""
    try:
        done = flush_pending(timeout=wait)
    except IndexFailure as failure:
        log.error("%s (%d 项更新留在队列中)", failure, PendingIndexUpdate.objects.count())
        return
    if not done:
        retrier.ensure_running()


def flush_pending(timeout: float) -> bool:
    """Apply queued updates; True when none are left, False when the index stayed unavailable.
    ``IndexFailure`` passes through, the updates still queued."""
    try:
        while _apply_next(timeout, BATCH_SIZE):
            pass
    except IndexUnavailable:
        return False
    return True


def follow_queue(stopped: Callable[[], bool], timeout: float = BATCH_LOCK_WAIT) -> int:
    """Apply the queue as it fills until ``stopped()``, then what is left; the number of
    updates applied. This is the index worker (``manage.py index_queue --follow``): beside a
    bulk ingest it indexes on the second core while the ingest parses and stores.
    ``IndexUnavailable`` (the lock held past ``timeout``) and ``IndexFailure`` pass through."""
    applied = 0
    while True:
        done = _apply_next(timeout, FOLLOW_BATCH_SIZE)
        applied += done
        if not done:
            if stopped():
                return applied
            time.sleep(FOLLOW_PAUSE)


def _apply_next(timeout: float, size: int) -> int:
    """Write the oldest ``size`` queued updates to the index and take them off the queue; how
    many there were (0: the queue is empty)."""
    tasks = list(PendingIndexUpdate.objects.order_by("pk")[:size])
    if tasks:
        engine().write(lambda: _changes(tasks), timeout=timeout, size=len(tasks))
        PendingIndexUpdate.objects.filter(pk__in=[t.pk for t in tasks]).delete()
    return len(tasks)


def _changes(tasks: list[PendingIndexUpdate]) -> documents.Batch:
    """Documents to write and ids to delete for queued tasks, read now; later rows win."""
    batches = []
    for label, group in groupby(sorted(tasks, key=lambda t: (t.label, t.pk)), key=lambda t: t.label):
        latest = {t.object_id: t.deleted for t in group}
        batches.append(documents.batch(label, [pk for pk, gone in latest.items() if not gone],
                                       deleted=[pk for pk, gone in latest.items() if gone]))
    return documents.merged(batches)


class _Retrier:
    """One daemon thread per process that applies queued updates once the index is available."""

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
                except IndexFailure as failure:
                    log.error("%s (更新留在队列中,不再重试;修复后运行 python manage.py check_index --fix)", failure)
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
    indexed = {label: set() for label in INDEXED_LABELS} | engine().indexed_ids()
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
