"""From stored articles and photos to the engines' ``IndexDocument``s, read from the database
at the moment an engine asks (under its write lock: see ``SearchEngine.write``)."""

from __future__ import annotations

from django.apps import apps
from django.db import router
from haystack import connections
from haystack.exceptions import SkipDocument

from .engines.base import KINDS, Batch, IndexDocument, ident

LABEL_KINDS = {label: kind for kind, label in KINDS.items()}


def search_index(label: str):
    return connections["default"].get_unified_index().get_index(apps.get_model(label))


def document(index, obj) -> IndexDocument | None:
    """``obj`` as the index holds it, or None when its index class skips it."""
    try:
        prepared = index.full_prepare(obj)
    except SkipDocument:
        return None
    return IndexDocument(
        kind=prepared["kind"], pk=obj.pk, text=prepared["text"], head=prepared["head"] or "", body=prepared["body"] or "",
        date=prepared.get("date"), section_id=prepared.get("section"),
        people=tuple(prepared.get("people") or ()), parent=prepared.get("parent"),
    )


def batch(label: str, pks, deleted=()) -> Batch:
    """Documents of ``label`` objects ``pks`` as stored now; those gone (or skipped) are
    deleted from the index, with ``deleted``."""
    index = search_index(label)
    stored = index.index_queryset().using(router.db_for_write(index.get_model()))  # the primary: never a lagging replica
    documents = [doc for doc in (document(index, obj) for obj in stored.filter(pk__in=pks)) if doc]
    found = {doc.pk for doc in documents}
    kind = LABEL_KINDS[label]
    gone = [ident(kind, pk) for pk in dict.fromkeys([*pks, *deleted]) if int(pk) not in found]
    return Batch(documents, gone)


def merged(batches: list[Batch]) -> Batch:
    return Batch([d for b in batches for d in b.documents], [i for b in batches for i in b.deleted])
