"""What a request answers when its search could not run, the same for the search page, its API,
the exports and the feeds: over its time budget (400, the reader is asked for a shorter query)
or with the index busy, unreachable or unreadable (503, 检索暂时不可用) — never a 500."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .engines import IndexFailure, IndexUnavailable, SearchTooExpensive

SEARCH_FAILURES = (SearchTooExpensive, IndexUnavailable, IndexFailure)
UNAVAILABLE_MESSAGE = "检索暂时不可用,请稍后再试。"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    status: int
    message: str

    @property
    def too_expensive(self) -> bool:
        return self.status == 400


def failure(error: Exception, what: str, query: str) -> Failure:
    """The answer to ``error`` (one of ``SEARCH_FAILURES``), logged once: a stopped search as a
    warning (the reader's query), an index that cannot answer as an error (the operator's)."""
    if isinstance(error, SearchTooExpensive):
        log.warning("%s %r stopped: %s", what, query, error)
        return Failure(400, str(error))
    log.error("%s %r: %s", what, query, error)
    return Failure(503, UNAVAILABLE_MESSAGE)
