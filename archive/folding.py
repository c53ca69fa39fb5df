"""How text is folded for matching: traditional to simplified (OpenCC), full-width to half-width
(NFKC), lower-case Latin. Pure Python, no Django.

It lives in ``archive`` because both sides need the one rule: ``search/analyzers.py`` folds
what it indexes and what readers type with it, and the admin's search (``archive/admin.py``)
folds what staff type before it looks in the database — and ``archive`` never imports
``search`` (docs/ARCHITECTURE.md), while ``search`` may import ``archive``.
"""

from __future__ import annotations

import unicodedata

import opencc

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
