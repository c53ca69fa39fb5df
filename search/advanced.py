"""The advanced-search form's boxes written as a query in the search syntax (``search/query.py``),
so that the results page shows the reader the query it ran and they learn to type it.

Pure: strings in, one query string out. A word that the syntax would read otherwise (``OR``, a
leading ``-``, a colon that looks like a field, a quote) is quoted, so it is looked for as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .query import BODY, FIELD_PREFIX, HEAD, QUOTE_PAIRS, TEXT

FIELD_PREFIXES = {TEXT: "", HEAD: "标题:", BODY: "正文:"}  # where the words are looked for → what precedes each


@dataclass(frozen=True)
class AdvancedQuery:
    all_words: str = ""  # every one of these words
    phrase: str = ""  # this exact phrase
    any_words: str = ""  # at least one of these
    none_words: str = ""  # none of these
    where: str = TEXT  # TEXT: anywhere; HEAD: in the headline; BODY: in an article's body
    author: str = ""  # a person's name, as printed

    def written(self) -> str:
        prefix = FIELD_PREFIXES[self.where]
        parts = [prefix + _word(w) for w in self.all_words.split()]
        if phrase := _unquoted(self.phrase).strip():
            parts.append(f'{prefix}"{phrase}"')
        alternatives = [prefix + _word(w) for w in self.any_words.split()]
        if alternatives:
            parts.append(" OR ".join(alternatives))
        parts += [f"-{prefix}{_word(w)}" for w in self.none_words.split()]
        if author := self.author.strip():
            parts.append(f"作者:{_word(author) if ' ' not in author else _quoted(author)}")
        return " ".join(parts)


def _unquoted(text: str) -> str:
    """``text`` without the quote marks the syntax reads (a phrase cannot hold them)."""
    return "".join(" " if ch in QUOTE_PAIRS else ch for ch in text)


def _quoted(text: str) -> str:
    return f'"{_unquoted(text).strip()}"'


def _word(word: str) -> str:
    """A word as typed, quoted when the syntax would read it as something else."""
    special = word == "OR" or word[0] in "-－" or FIELD_PREFIX.search(word) or any(ch in QUOTE_PAIRS for ch in word)
    return _quoted(word) if special else word
