"""Related reports (相关报道): other articles of the whole archive that share an article's
distinctive words, found and ranked by the search engine.

The words: the title's jieba words, then the words the body repeats most, then the subtitle's and
kicker's (``RELATED_WORDS`` in all, two characters or more, no bare numbers). The search: any of them (one OR group),
articles only, ranked by the archive's one ranking (``search/scoring.py``) with a low ``common``
(``RELATED_COMMON``): a word in more items than that — 昌吉, 工作 in a local paper — says nothing
about what an article is about, so it matches but weighs nothing, and a result must score on
the rarer words to be listed (``RELATED_MIN_SCORE``). The article itself and the other articles of its page are left
out (they are linked beside it already). A search of its own time budget
(``ARCHIVE_RELATED_BUDGET_MS``); one that runs out, or an index that cannot be read, lists
nothing. Found lists are cached per article and edit; an article page shows a list from the
cache, else it has its own address (``/articles/<id>/related/``) fetched after the page is shown
(``static/js/related.js``), so the search never adds to the article page's time.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from archive.models import Article

from .analyzers import words
from .engines import Filters, SearchRequest, engine
from .failures import SEARCH_FAILURES
from .query import Clause, ParsedQuery

RELATED = 5  # articles listed
RELATED_WORDS = 8  # words looked for (an OR of at most query.MAX_ALTERNATIVES)
RELATED_COMMON = 500  # a word in more items than this weighs nothing here
# The score a related article must reach: about one shared word that fewer than a quarter of the
# archive holds (BM25's idf is ln 3 ≈ 1.1 there). Below it an article shares only words most of
# a small archive holds — weighed at BM25's floor, 10⁻⁶ — and is no more related than any other.
RELATED_MIN_SCORE = 1.0
CACHE_SECONDS = 6 * 3600  # a list is found again after an edit of the article, or after this
FAILED_SECONDS = 60  # … or after this, when the search could not run
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelatedArticle:
    pk: int
    title: str
    url: str
    date: str | None  # ISO date shown
    section: str | None
    score: float

    @property
    def shown_date(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.date) if self.date else None


def distinctive_words(title: str, body: str, also: str = "") -> list[str]:
    """The words a related article should share: the title's, then the body's most repeated,
    then those of ``also`` (the kicker and subtitle: often a campaign's slogan, which says less
    about this article than its own title does)."""
    def wanted(word: str) -> bool:
        return len(word) >= 2 and not word.isdigit()

    chosen = list(dict.fromkeys(w for w in words(title) if wanted(w)))
    counts = Counter(w for w in words(body) if wanted(w))
    chosen += [w for w, n in counts.most_common() if n > 1 and w not in chosen]
    chosen += [w for w in dict.fromkeys(words(also)) if wanted(w) and w not in chosen]
    return chosen[:RELATED_WORDS]


def related_articles(article: Article) -> list[RelatedArticle]:
    """Up to ``RELATED`` articles related to ``article``, best first (cached)."""
    found = cached_related(article)
    if found is None:
        found, ok = _search(article)
        cache.set(_key(article), found, CACHE_SECONDS if ok else FAILED_SECONDS)
    return found


def cached_related(article: Article) -> list[RelatedArticle] | None:
    """The list found for ``article`` since its last edit, if one is in the cache: what an article
    page shows at once (else it has the list fetched after it is shown)."""
    return cache.get(_key(article))


def _key(article: Article) -> str:
    return f"related:{article.pk}:{(article.edited_at or article.page.updated_at).timestamp()}"


def _search(article: Article) -> tuple[list[RelatedArticle], bool]:
    chosen = distinctive_words(article.title, "\n".join(block.text for block in article.blocks()),
                               f"{article.subtitle}\n{article.kicker}")
    if not chosen:
        return [], True
    beside = set(Article.objects.filter(page_id=article.page_id).values_list("pk", flat=True))
    request = SearchRequest(ParsedQuery([[Clause([w]) for w in chosen]]), Filters(kind="article"),
                            per_page=RELATED + len(beside), budget=settings.ARCHIVE_RELATED_BUDGET_MS / 1000,
                            common=RELATED_COMMON, counts=False)
    try:
        raw = engine().search(request)
    except SEARCH_FAILURES as error:
        log.warning("related reports of article %s not found: %s", article.pk, error)
        return [], False
    hits = [hit for hit in raw.hits if hit.score >= RELATED_MIN_SCORE and hit.pk not in beside][:RELATED]
    loaded = Article.objects.for_results().in_bulk([hit.pk for hit in hits])
    return [_related(loaded[hit.pk], hit.score) for hit in hits if hit.pk in loaded], True


def _related(article: Article, score: float) -> RelatedArticle:
    shown = article.shown_date
    return RelatedArticle(article.pk, article.title or article.kicker or "(无标题)", article.get_absolute_url(),
                          shown.isoformat() if shown else None, article.section.name if article.section else None,
                          round(score, 4))
