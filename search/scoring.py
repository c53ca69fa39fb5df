"""The archive's one ranking, the same in every engine.

A hit's score is a weighted sum of BM25 *evidence*. For one literal (a run of units, see
``search/query.py``) in one field of item d:

    BM25 = idf · tf·(k1 + 1) / (tf + k1·(1 − b + b·len/avglen))        k1 = 1.2, b = 0.75
    idf  = ln((N − n + 0.5) / (n + 0.5)), at least 1e-6

tf is how often the literal occurs in that field of d (a literal of two or more units occurs
where its bigrams stand at consecutive positions), len the field's length in tokens (units +
bigrams, or jieba words) and avglen its mean over the index, N the number of items in the index
and n the number that contain the literal in that field. This is the variant SQLite documents
for FTS5's ``bm25()`` (https://www.sqlite.org/fts5.html#the_bm25_function), so the FTS5 engine
computes it natively; every other engine computes the same formula from the same counts.

Evidence, each a field, some literals and a weight (``plan``):

1. text: every distinct literal of the query, in everything printed (weight 1);
2. words: the query's jieba words of two or more characters, as jieba words of the text — a
   one-character word (的, 是) says nothing about relevance and is in nearly every item;
3. headline: distinct literals of two or more units, in the headline (kicker, title,
   subtitle; a photo's caption) — one character printed in a headline is no evidence;
4. whole query: when the query has several literals and no alternatives (OR), all of them as
   one literal, in the text and in the headline, weighted by its length in units — a longer
   exact phrase is stronger evidence than any one of its words.

Common words: a literal found in more than ``SearchRequest.common`` items (5,000 unless set) of a
field is no evidence in that field (``scored_evidence``). Where it is in more than half the items
its idf is ~0 anyway; below that, weighing it would cost a pass over every item that holds it
(the reason it is left out: that pass is what made ``记者`` take a second at 100,000 articles),
and among thousands of items that all hold a word, how often each repeats it says little. Their
hits are ordered by the other evidence and then by date, newest first.

Order: the score in millionths (``quantized``: floor(score · 10⁶ + 0.5), so that two engines'
last-bit arithmetic differences never reorder equal scores), then the newer item, then articles
before photos, then the higher primary key (the item stored later). ``newest``/``oldest`` put
the date first and the score second; undated items come last under both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .analyzers import words
from .query import HEAD, TEXT, ParsedQuery

K1 = 1.2
B = 0.75
IDF_FLOOR = 1e-6
SCORE_SCALE = 1_000_000  # scores are compared in millionths

WORDS = "words"  # the fields evidence is counted in: TEXT, WORDS and HEAD
WORDS_WEIGHT = 1.0
HEAD_WEIGHT = 2.0
WHOLE_WEIGHT_PER_UNIT = 1.0  # whole query in the text: × its length in units
WHOLE_HEAD_WEIGHT_PER_UNIT = 1.0  # … and in the headline


@dataclass(frozen=True)
class Evidence:
    """BM25 of each literal in ``field``, summed, times ``weight``."""

    field: str
    literals: tuple[str, ...]
    weight: float


def ranking_words(parsed: ParsedQuery) -> list[str]:
    """The query's jieba words that count as evidence (two or more characters)."""
    return [w for w in dict.fromkeys(words(" ".join(parsed.atoms))) if len(w) > 1]


def plan(parsed: ParsedQuery) -> list[Evidence]:
    """The evidence a query's hits are scored by, in the order engines add it up."""
    atoms = parsed.distinct_atoms
    if not atoms:
        return []
    evidence = [Evidence(TEXT, tuple(atoms), 1.0)]
    if found := ranking_words(parsed):
        evidence.append(Evidence(WORDS, tuple(found), WORDS_WEIGHT))
    if head_atoms := tuple(a for a in atoms if len(a) > 1):
        evidence.append(Evidence(HEAD, head_atoms, HEAD_WEIGHT))
    if len(atoms) > 1 and parsed.whole:
        whole = (parsed.whole,)
        evidence.append(Evidence(TEXT, whole, WHOLE_WEIGHT_PER_UNIT * len(parsed.whole)))
        evidence.append(Evidence(HEAD, whole, WHOLE_HEAD_WEIGHT_PER_UNIT * len(parsed.whole)))
    return evidence


def scored_evidence(evidence: list[Evidence], containing: Callable[[str, str], int], common: int) -> list[Evidence]:
    """``evidence`` without the literals ``containing(field, literal)`` finds in more than
    ``common`` items; a piece left with no literal is dropped. ``containing`` may stop counting
    past ``common``."""
    kept = []
    for piece in evidence:
        literals = tuple(literal for literal in piece.literals if containing(piece.field, literal) <= common)
        if literals:
            kept.append(piece if literals == piece.literals else Evidence(piece.field, literals, piece.weight))
    return kept


def idf(items: int, containing: int) -> float:
    return max(IDF_FLOOR, math.log((items - containing + 0.5) / (containing + 0.5)))


def bm25(idf_value: float, tf: float, length: float, average_length: float) -> float:
    """One literal's BM25, with the operations in FTS5's order (fts5_aux.c), so that an engine
    computing it in Python gets the very same number."""
    return idf_value * ((tf * (K1 + 1.0)) / (tf + K1 * (1 - B + B * length / average_length)))


def quantized(score: float) -> int:
    """The score as engines compare it. (Not ``round()``: SQLite's rounds through text and can
    differ from Python's in the last bit; truncating score·10⁶ + 0.5 is exact in both.)"""
    return int(score * SCORE_SCALE + 0.5)


def reported(quantized_score: int) -> float:
    return quantized_score / SCORE_SCALE
