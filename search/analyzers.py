"""How text becomes search tokens. Nothing outside ``search`` knows any of this.

Two token streams are indexed for every piece of text:

- **units and bigrams**, for recall. A *unit* is one letter, digit or
  CJK character after normalisation; spaces and punctuation are skipped, so positions count
  units. Every unit is indexed as a unigram and every pair of neighbouring units as a bigram,
  both at the position of the first unit. Any literal substring of the text is then a phrase of
  bigrams (or one unigram) at consecutive positions: literal recall is 100% by construction,
  whatever jieba does with the text.
- **jieba words**, for ranking: whole words, with sequential positions, scored with BM25
  (``search/scoring.py``).

Every engine is sent these tokens, made here, and only splits them at spaces: no engine
analyses Chinese itself, so all of them agree on what a match is.

Normalisation (``normalize``, defined in ``archive/folding.py`` so that the admin's search folds
with the same rule) is the same on both sides, index and query: traditional to
simplified (OpenCC), full-width to half-width (NFKC), lower-case Latin. It maps every
character to exactly one character, so offsets in normalised text are offsets in the original,
which is what the highlighter relies on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import compress, count

import rjieba

# The folding rule is shared with the admin's search, which may not import ``search``.
from archive.folding import normalize  # noqa: F401  (re-exported: search.query imports it from here)


# Indexing asks for the units and the words of the same text one after the other, and
# normalising (OpenCC, NFKC) costs more than either: the last few texts are kept normalised.
_normalized = functools.lru_cache(maxsize=8)(normalize)


def units(text: str) -> tuple[str, list[int]]:
    """The normalised units of ``text`` and the offset of each in ``text``. (Built from C-level
    iterators: this runs over every hit's whole text when results are highlighted.)"""
    normal = _normalized(text)
    offsets = list(compress(count(), map(str.isalnum, normal)))
    return "".join(map(normal.__getitem__, offsets)), offsets


def bigrams(unit_text: str) -> list[str]:
    return [unit_text[i:i + 2] for i in range(len(unit_text) - 1)]


def words(text: str) -> list[str]:
    """jieba words of normalised text, punctuation and spaces dropped."""
    found = []
    for word in rjieba.cut(_normalized(text)):
        if not word.isalnum():  # a unit is a letter or digit: most words are units only
            word = "".join(filter(str.isalnum, word))
        if word:
            found.append(word)
    return found


def ngrams(text: str) -> list[tuple[int, str]]:
    """(position, token): every unit and every pair of neighbouring units, at the first unit's
    position."""
    unit_text, _ = units(text)
    found = []
    for i, ch in enumerate(unit_text):
        found.append((i, ch))
        if i + 1 < len(unit_text):
            found.append((i, unit_text[i:i + 2]))
    return found


@dataclass(frozen=True)
class FieldTokens:
    """A text's tokens as space-separated strings, and its length in tokens: what the scoring
    calls ``len`` (units + bigrams) for the text and headline fields."""

    units: str
    bigrams: str
    length: int


def field_tokens(text: str) -> FieldTokens:
    unit_text, _ = units(text)
    return FieldTokens(" ".join(unit_text), " ".join(bigrams(unit_text)), max(0, 2 * len(unit_text) - 1))
