"""The registry: ``ARCHIVE_SEARCH["ENGINE"]`` (set from ``ARCHIVE_SEARCH_ENGINE``) names the
engine; this is the one place that turns the name into an engine. The app, the tests and the
benchmark all get theirs from ``engine()``. An engine's module, and its library, is imported
only when that engine is chosen.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import (
    Batch, Filters, IndexDocument, IndexFailure, IndexUnavailable, RawHit, RawResults, SearchEngine, SearchRequest,
    SearchTooExpensive,
)

ENGINES = {
    "whoosh": "search.engines.whoosh.WhooshEngine",
    "sqlite": "search.engines.sqlite_fts.SqliteFtsEngine",
    "elasticsearch": "search.engines.elasticsearch.ElasticsearchEngine",
    "postgres": "search.engines.postgres.PostgresEngine",  # the archive's own PostgreSQL database
}
ON_MACHINE = ("whoosh", "sqlite")  # need no server: every test run covers them

_current: SearchEngine | None = None
_lock = threading.Lock()


def engine_class(name: str) -> type[SearchEngine]:
    if name not in ENGINES:
        raise ImproperlyConfigured(f"ARCHIVE_SEARCH_ENGINE={name!r}: use one of {', '.join(ENGINES)}")
    return import_string(ENGINES[name])


def build(config: dict) -> SearchEngine:
    """An engine from a configuration like ``settings.ARCHIVE_SEARCH``:
    ``{"ENGINE": "sqlite", "LOCATION": "/srv/archive/fts5_index"}`` (a folder, or a server URL),
    plus that engine's own options (``INDEX_NAME`` for Elasticsearch)."""
    name = config.get("ENGINE", "")
    cls = engine_class(name)
    location = config.get("LOCATION") or ""
    if not location:
        raise ImproperlyConfigured(f"the {name} search engine needs a LOCATION (an index folder or a server URL)")
    options = {k.lower(): v for k, v in config.items() if k not in ("ENGINE", "LOCATION")}
    return cls(location, **options)


def engine() -> SearchEngine:
    """The engine the settings choose (one per process, made on first use)."""
    global _current
    with _lock:
        if _current is None:
            _current = build(settings.ARCHIVE_SEARCH)
        return _current


def reset() -> None:
    global _current
    with _lock:
        if _current is not None:
            _current.close()
        _current = None


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting == "ARCHIVE_SEARCH":
        reset()


__all__ = ["Batch", "ENGINES", "Filters", "IndexDocument", "IndexFailure", "IndexUnavailable", "ON_MACHINE",
           "RawHit", "RawResults", "SearchEngine", "SearchRequest", "SearchTooExpensive", "build", "engine",
           "engine_class", "reset"]
