"""What the search code and the engines (Whoosh, SQLite FTS5, Elasticsearch) exchange."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

SORTS = ("relevance", "newest", "oldest")  # relevance: ties go to the newer item


@dataclass
class Filters:
    section_id: int | None = None
    kind: str = ""  # "article" | "photo" | ""
    person_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


@dataclass
class RawHit:
    label: str  # "archive.article" | "archive.photocaption"
    pk: int
    score: float


@dataclass
class RawResults:
    """One page of hits as the engine ranked them, the total, and facet counts of all hits."""

    total: int
    hits: list[RawHit]
    sections: dict[str, int] = field(default_factory=dict)  # section id → count
    months: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" → count
