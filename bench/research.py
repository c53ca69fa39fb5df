"""Time the research tools on a benchmark archive, in a fresh process set up as a web worker:

- field queries through the search form (``标题:`` with common and rare title words, ``作者:``
  with a word, ``栏目:``), warm, as ``bench/search_timing.py`` times the search mix;
- body queries (``正文:`` with common and rare words, a phrase, excluded, beside ``标题:``), warm;
- compare mode (``招商 | 投资``, ``search/compare.py``) of two to five common words, warm;
- related reports (``search/related.py``) of articles drawn across the archive, each found cold
  (the cache emptied first): what the first reader of an article waits for.

    python -m bench.research [--articles 60]   (with the archive's environment variables set)
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter

import rjieba

from .search_timing import percentiles


def sampled(rng: random.Random, column: str, count: int) -> list[str]:
    """``column`` of ``count`` articles drawn by ``rng`` (the same ones each run, for the same
    archive: ``order_by("?")`` would draw other words every time)."""
    from archive.models import Article

    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(ids, min(count, len(ids)))
    return list(Article.objects.filter(pk__in=chosen).order_by("pk").values_list(column, flat=True))


def field_queries(rng: random.Random) -> list[dict]:
    from archive.models import Person, Section

    titles = sampled(rng, "title", 2000)
    counts = Counter(w for t in titles for w in rjieba.cut(t) if len(w) >= 2 and w.isalnum())
    common = [w for w, _ in counts.most_common(40)]
    rare = [w for w, n in counts.items() if n == 1]
    people = rng.sample(sorted(Person.objects.values_list("name", flat=True)), 20)
    sections = list(Section.objects.with_counts().values_list("name", flat=True)[:10])
    mix = [{"q": f"标题:{rng.choice(common)}"} for _ in range(20)]
    mix += [{"q": f"标题:{rng.choice(rare)}"} for _ in range(20)]
    mix += [{"q": f"标题:{rng.choice(common)} {rng.choice(common)}"} for _ in range(10)]
    mix += [{"q": f"{rng.choice(common)} -标题:{rng.choice(common)}"} for _ in range(10)]
    mix += [{"q": f"作者:{rng.choice(people)} {rng.choice(common)}"} for _ in range(10)]
    mix += [{"q": f'栏目:"{rng.choice(sections)}" {rng.choice(common)}'} for _ in range(10)]
    return mix


def body_queries(rng: random.Random) -> list[dict]:
    bodies = sampled(rng, "body", 300)
    counts = Counter(w for b in bodies for w in rjieba.cut(b) if len(w) >= 2 and w.isalnum())
    common = [w for w, _ in counts.most_common(60)]
    rare = [w for w, n in counts.items() if n == 1]
    titles = Counter(w for t in sampled(rng, "title", 2000) for w in rjieba.cut(t) if len(w) >= 2 and w.isalnum())
    mix = [{"q": f"正文:{rng.choice(common)}"} for _ in range(20)]
    mix += [{"q": f"正文:{rng.choice(rare)}"} for _ in range(20)]
    mix += [{"q": f'正文:"{rng.choice(common)}{rng.choice(common)}"'} for _ in range(10)]
    mix += [{"q": f"{rng.choice(common)} -正文:{rng.choice(common)}"} for _ in range(10)]
    mix += [{"q": f"标题:{rng.choice([w for w, _ in titles.most_common(40)])} 正文:{rng.choice(common)}"} for _ in range(10)]
    return mix


def compare_queries(rng: random.Random) -> list[dict]:
    titles = sampled(rng, "title", 2000)
    counts = Counter(w for t in titles for w in rjieba.cut(t) if len(w) >= 2 and w.isalnum())
    common = [w for w, _ in counts.most_common(60)]
    return [{"q": " | ".join(rng.sample(common, rng.randint(2, 5)))} for _ in range(30)]


def _searched(params: dict) -> float:
    """One search through the form, as the page runs it (a comparison when ``q`` has bars)."""
    from search.forms import SearchForm

    begin = time.perf_counter()
    form = SearchForm(params)
    assert form.is_valid(), (params, form.errors)
    if form.terms:
        form.compare()
    else:
        results = form.search()
        [str(hit.snippet) for hit in (results.hits if results else [])]
    return (time.perf_counter() - begin) * 1000


def time_queries(mix: list[dict]) -> dict:
    run = _searched

    for params in mix:
        run(params)
    warm = [run(params) for params in mix]
    slowest = max(range(len(mix)), key=warm.__getitem__)
    return {"queries": len(mix), **percentiles(warm), "slowest": {"query": mix[slowest], "ms": warm[slowest]}}


def time_related(count: int, rng: random.Random) -> dict:
    from django.core.cache import cache

    from archive.models import Article
    from search.related import related_articles

    highest = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    chosen = []
    while len(chosen) < count:
        article = Article.objects.for_results().filter(pk__gte=rng.randint(1, highest)).order_by("pk").first()
        if article and article not in chosen:
            chosen.append(article)
    timings, listed = [], []
    for article in chosen:
        cache.clear()
        begin = time.perf_counter()
        listed.append(len(related_articles(article)))
        timings.append((time.perf_counter() - begin) * 1000)
    cached_begin = time.perf_counter()
    related_articles(chosen[-1])
    return {"articles": count, **percentiles(timings), "listed_mean": sum(listed) / count,
            "none_listed": listed.count(0), "cached_ms": (time.perf_counter() - cached_begin) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60)
    args = parser.parse_args()
    import config.wsgi  # noqa: F401 - set up as a web worker is

    rng = random.Random(14)
    print(json.dumps({"field_queries": time_queries(field_queries(rng)), "compare": time_queries(compare_queries(rng)),
                      "related_cold": time_related(args.articles, rng),
                      "body_queries": time_queries(body_queries(random.Random(15)))}, ensure_ascii=False))


if __name__ == "__main__":
    main()
