"""How text becomes search tokens. Nothing outside ``search`` knows any of this.

Two token streams are indexed for every piece of text:

- **units and bigrams** (``NgramTokenizer``), for recall. A *unit* is one letter, digit or
  CJK character after normalisation; spaces and punctuation are skipped, so positions count
  units. Every unit is indexed as a unigram and every pair of neighbouring units as a bigram,
  both at the position of the first unit. Any literal substring of the text is then a phrase of
  bigrams (or one unigram) at consecutive positions: literal recall is 100% by construction,
  whatever jieba does with the text.
- **jieba words** (``WordTokenizer``), for ranking: whole words, with sequential positions,
  scored with BM25.

Normalisation (``normalize``) is the same on both sides, index and query: traditional to
simplified (OpenCC), full-width to half-width (NFKC), lower-case Latin. It maps every
character to exactly one character, so offsets in normalised text are offsets in the original,
which is what the highlighter relies on.
"""

from __future__ import annotations

import unicodedata
from itertools import compress, count

import opencc
import rjieba
from whoosh.analysis import Token, Tokenizer

_T2S = opencc.OpenCC("t2s")


def _normalize_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    if len(folded.lower()) == 1:
        folded = folded.lower()
    simplified = _T2S.convert(folded)
    return simplified if len(simplified) == 1 else folded


class _CharMap(dict):
    """Code point → normalised character, filled on first sight. Per character on purpose:
    OpenCC's phrase-aware conversion could map a character differently inside a longer text
    (乾隆 vs 乾) and a substring would then not find the text it was copied from."""

    def __missing__(self, codepoint: int) -> str:
        mapped = self[codepoint] = _normalize_char(chr(codepoint))
        return mapped


_CHAR_MAP = _CharMap()


def normalize(text: str) -> str:
    """Same length as ``text``; one output character per input character."""
    return text.translate(_CHAR_MAP)


def is_unit(ch: str) -> bool:
    return ch.isalnum()


def units(text: str) -> tuple[str, list[int]]:
    """The normalised units of ``text`` and the offset of each in ``text``. (Built from C-level
    iterators: this runs over every hit's whole text when results are highlighted.)"""
    normal = normalize(text)
    offsets = list(compress(count(), map(str.isalnum, normal)))
    return "".join(map(normal.__getitem__, offsets)), offsets


def bigrams(unit_text: str) -> list[str]:
    return [unit_text[i:i + 2] for i in range(len(unit_text) - 1)]


def words(text: str) -> list[str]:
    """jieba words of normalised text, punctuation and spaces dropped."""
    found = []
    for word in rjieba.cut(normalize(text)):
        kept = "".join(ch for ch in word if is_unit(ch))
        if kept:
            found.append(kept)
    return found


class _TokenStream(Tokenizer):
    def tokens(self, value: str):  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, text in self.tokens(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = token.endchar = start_char
            yield token


class NgramTokenizer(_TokenStream):
    """Unigrams and bigrams of units, both at the first unit's position."""

    def tokens(self, value):
        unit_text, _ = units(value)
        for i, ch in enumerate(unit_text):
            yield i, ch
            if i + 1 < len(unit_text):
                yield i, unit_text[i:i + 2]


class WordTokenizer(_TokenStream):
    def tokens(self, value):
        return enumerate(words(value))


def ngram_analyzer():
    return NgramTokenizer()


def word_analyzer():
    return WordTokenizer()


def token_strings(text: str) -> tuple[str, str]:
    """Units and bigrams of ``text`` as space-separated strings, for engines that are sent
    tokens made here and only split them at the spaces (Elasticsearch, SQLite FTS5)."""
    unit_text, _ = units(text)
    return " ".join(unit_text), " ".join(bigrams(unit_text))
