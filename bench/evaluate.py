"""Known-item ranking: does the article a reader has in mind come first?

    python -m bench.evaluate [--articles 1400] [--per-type 250] [--engines whoosh sqlite]

A scratch archive of real articles from the benchmark corpus (``bench/corpus.py``: none of them
seen by the judged tests) is ingested as pages and indexed by each engine. Queries are built
from the archive's own articles, each with its source article as the known item:

- ``title``: two words of its title, as a reader remembers them (any two, in any order);
- ``phrase``: a run of 4–8 characters from its body, as copied (unquoted), printed in at most
  three articles;
- ``name_topic``: its reporter's name and a word of its title;
- ``traditional``: the ``title`` query in traditional characters.

Prints MRR@10, success@1 and success@10 per engine and per query type, beside two references
over the same articles: plain BM25 over jieba words (``rank_bm25``) and SQLite FTS5's bm25 over
character bigrams (``bench/fts5.py``). Writes ``bench/results/ranking/known-items.json`` and the
ranking section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

TYPES = ("title", "phrase", "name_topic", "traditional")
CUTOFF = 10


def scratch_archive(folder: Path) -> None:
    """Environment for an in-process Django on a scratch SQLite archive; must precede setup."""
    os.environ.pop("DATABASE_URL", None)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ARCHIVE_DATA_DIR": str(folder),
                       "ARCHIVE_LIVE_INDEX": "0", "DJANGO_LOG_LEVEL": "WARNING"})


def build_archive(folder: Path, count: int, seed: int) -> None:
    from django.core.management import call_command

    from .corpus import real_articles
    from .pages import make_pages, write_pages

    real = real_articles()
    chosen = random.Random(seed).sample(real, count)
    write_pages(make_pages(chosen, seed=seed), folder / "pages")
    call_command("migrate", verbosity=0)
    call_command("ingest", str(folder / "pages"), stdout=open(os.devnull, "w"))


def known_items(per_type: int, seed: int) -> list[dict]:
    """Queries, each with the article it was made from."""
    import opencc
    import rjieba

    from archive.models import Article, ArticleContribution, Role

    articles = list(Article.objects.all())
    reporters: dict[int, list[str]] = {}
    for article, name in (ArticleContribution.objects.filter(role=Role.REPORTER).order_by("order")
                          .values_list("article_id", "person__name")):
        reporters.setdefault(article, []).append(name)
    texts = {a.pk: a.title + "\n" + a.body for a in articles}
    titles = Counter(a.title for a in articles)
    rng = random.Random(seed)
    candidates = [a for a in articles if titles[a.title] == 1 and len(a.body) > 300]
    rng.shuffle(candidates)
    to_traditional = opencc.OpenCC("s2t")
    queries: dict[str, list[dict]] = {kind: [] for kind in TYPES}

    def title_words(text: str, n: int) -> list[str]:
        found = sorted({w for w in rjieba.cut(text) if len(w) >= 2 and w.isalnum()})
        return rng.sample(found, n) if len(found) >= n else []

    def phrase(article) -> str | None:
        runs = re.findall(r"[\u4e00-\u9fff]{4,}", article.body)
        for _ in range(20):
            if not runs:
                return None
            run = rng.choice(runs)
            length = rng.randint(4, min(8, len(run)))
            start = rng.randrange(len(run) - length + 1)
            text = run[start:start + length]
            if sum(text in other for other in texts.values()) <= 3:
                return text
        return None

    for article in candidates:
        words = title_words(article.title, 2)
        names = reporters.get(article.pk)
        made = {
            "title": " ".join(words) if len(words) == 2 else None,
            "phrase": phrase(article),
            "name_topic": f"{names[0]} {words[0]}" if names and words else None,
        }
        made["traditional"] = to_traditional.convert(made["title"]) if made["title"] else None
        for kind, query in made.items():
            if query and len(queries[kind]) < per_type:
                queries[kind].append({"type": kind, "q": query, "article": article.pk})
        if all(len(found) >= per_type for found in queries.values()):
            break
    return [q for kind in TYPES for q in queries[kind]]


def engine_ranks(name: str, location: Path, queries: list[dict]) -> list[int | None]:
    from django.core.management import call_command
    from django.test.utils import override_settings

    from search.engines import SearchRequest, engine
    from search.query import parse_query

    with override_settings(ARCHIVE_SEARCH={"ENGINE": name, "LOCATION": str(location)}):
        call_command("rebuild_index", interactive=False, verbosity=0)
        ranks = []
        for query in queries:
            hits = engine().search(SearchRequest(parse_query(query["q"]), per_page=CUTOFF)).hits
            found = [("article", query["article"]) == (h.kind, h.pk) for h in hits]
            ranks.append(found.index(True) + 1 if True in found else None)
        return ranks


def article_texts() -> tuple[list[int], list[str]]:
    """What the engines index of each article (``search/documents.py``), for the references."""
    from archive.models import Article
    from search.documents import batch

    docs = batch("archive.article", list(Article.objects.values_list("pk", flat=True))).documents
    return [d.pk for d in docs], [d.text for d in docs]


def bm25_jieba_ranks(queries: list[dict]) -> list[int | None]:
    from rank_bm25 import BM25Okapi

    from search.analyzers import words

    pks, texts = article_texts()
    model = BM25Okapi([words(t) for t in texts])
    ranks = []
    for query in queries:
        scores = model.get_scores(words(query["q"]))
        top = sorted(range(len(pks)), key=lambda i: -scores[i])[:CUTOFF]
        found = [pks[i] == query["article"] for i in top if scores[i] > 0]
        ranks.append(found.index(True) + 1 if True in found else None)
    return ranks


def fts5_bigram_ranks(queries: list[dict], folder: Path) -> list[int | None]:
    import sqlite3

    from . import fts5

    pks, texts = article_texts()
    fts5.build(folder / "reference.sqlite3", texts)
    db = sqlite3.connect(folder / "reference.sqlite3")
    ranks = []
    for query in queries:
        match = fts5.to_match(query["q"])
        rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (match, CUTOFF)).fetchall() \
            if match else []
        found = [pks[rowid] == query["article"] for (rowid,) in rows]
        ranks.append(found.index(True) + 1 if True in found else None)
    return ranks


def summary(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {"queries": len(ranks), "mrr@10": sum(1 / r for r in ranks if r) / n,
            "success@1": sum(r == 1 for r in ranks) / n, "success@10": sum(r is not None for r in ranks) / n}


def print_table(queries: list[dict], ranked: dict[str, list[int | None]]) -> dict:
    table = {}
    for system, ranks in ranked.items():
        table[system] = {"all": summary(ranks)} | {
            kind: summary([r for r, q in zip(ranks, queries) if q["type"] == kind]) for kind in TYPES}
    width = max(map(len, ranked)) + 2
    print(f"{'':{width}}" + "".join(f"{kind:>26}" for kind in ("all", *TYPES)))
    print(f"{'':{width}}" + "".join(f"{'MRR@10  s@1  s@10':>26}" for _ in ("all", *TYPES)))
    for system, rows in table.items():
        cells = "".join(f"{rows[k]['mrr@10']:>12.3f}{rows[k]['success@1']:>6.2f}{rows[k]['success@10']:>6.2f}"
                        .rjust(26) for k in ("all", *TYPES))
        print(f"{system:{width}}{cells}")
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="known-item ranking evaluation")
    parser.add_argument("--articles", type=int, default=1400)
    parser.add_argument("--per-type", type=int, default=250)
    parser.add_argument("--engines", nargs="+", default=["whoosh", "sqlite"])
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="archive-ranking-"))
    try:
        scratch_archive(folder)
        import django

        django.setup()
        build_archive(folder, args.articles, args.seed)
        queries = known_items(args.per_type, args.seed)
        ranked = {name: engine_ranks(name, folder / f"index-{name}", queries) for name in args.engines}
        ranked["reference: BM25 over jieba words (rank_bm25)"] = bm25_jieba_ranks(queries)
        ranked["reference: FTS5 bm25 over bigrams"] = fts5_bigram_ranks(queries, folder)
        table = print_table(queries, ranked)
        from . import report as benchmarks
        from .run import machine

        benchmarks.RANKING.parent.mkdir(parents=True, exist_ok=True)
        benchmarks.RANKING.write_text(json.dumps(
            {"machine": machine(), "articles": args.articles, "table": table,
             "queries": [q | {r: ranks[i] for r, ranks in ranked.items()} for i, q in enumerate(queries)]},
            indent=1, ensure_ascii=False), encoding="utf-8")
        benchmarks.write()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
