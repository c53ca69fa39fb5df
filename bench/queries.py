"""A fixed mix of 200 queries drawn from the corpus: common and rare words, names, phrases,
several words, filters, sort by date, deep pages."""

from __future__ import annotations

import random
from collections import Counter

import rjieba

from .corpus import RawArticle
from .pages import person


def query_mix(articles: list[RawArticle], seed: int = 200) -> list[dict]:
    rng = random.Random(seed)
    sample = rng.sample(articles, min(2000, len(articles)))
    counts = Counter(w for a in sample for p in a.paragraphs[:3] for w in rjieba.cut(p)
                     if len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w))
    common = [w for w, _ in counts.most_common(300)]
    rare = [w for w, n in counts.items() if 2 <= n <= 4]
    name_rng = random.Random(7)  # the generator's byline names
    names = [person(name_rng) for _ in range(400)]

    def phrase():
        text = rng.choice(rng.choice(sample).paragraphs)
        start = rng.randrange(max(1, len(text) - 8))
        return '"' + text[start:start + rng.randint(4, 8)].replace('"', "") + '"'

    mix = [{"q": rng.choice(common)} for _ in range(50)]
    mix += [{"q": rng.choice(rare)} for _ in range(30)]
    mix += [{"q": rng.choice(names)} for _ in range(20)]
    mix += [{"q": phrase()} for _ in range(40)]
    mix += [{"q": f"{rng.choice(common)} {rng.choice(common)}"} for _ in range(30)]
    mix += [{"q": rng.choice(common), "type": "photo"} for _ in range(4)]
    mix += [{"q": rng.choice(common), "start": f"{y}-01-01", "end": f"{y}-12-31"}
            for y in rng.sample(range(2016, 2026), 6)]
    mix += [{"q": rng.choice(common), "sort": "newest"} for _ in range(10)]
    mix += [{"q": rng.choice(common[:50]), "page": "5"} for _ in range(10)]
    return mix
