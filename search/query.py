"""What the user typed → a Whoosh query.

Syntax: words separated by spaces must all match; ``"…"`` (or “…”, 「…」) is an exact phrase;
``OR`` between two words matches either; a leading ``-`` excludes. A word without spaces is
segmented by jieba and each segment must match; runs of one-character segments (and of Latin
letters and figures, ``15+4``) are matched as one piece (``全警`` is not split into 全 + 警). Anything else — ``title:``, ``[a TO b]``, ``*`` —
is plain text: no Whoosh syntax is ever parsed from user input.

Matching is on the unit/bigram field (``ngrams``), so every literal occurrence is found;
ranking adds matches in the headline (``head``), the whole query as one phrase, and the jieba
words (``text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rjieba
from whoosh import query as wq

from .analyzers import bigrams, normalize, units, words

QUOTE_PAIRS = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "“"}
# Flat bonuses, so that a headline match or the whole query as one phrase lifts an item above
# those without, and BM25 (how often, in how long a text) orders items within each tier.
HEAD_BONUS = 10.0
PHRASE_BONUS = 10.0
WORD_BOOST = 1.0


@dataclass
class Clause:
    """One word or quoted phrase: all of its atoms must occur (each atom literally)."""

    atoms: list[str]


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of groups; a group is an OR
    excluded: list[Clause] = field(default_factory=list)
    whole: str = ""  # units of every positive clause, for the exact-phrase bonus

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def atoms(self) -> list[str]:
        """Every literal the results are expected to contain, for highlighting."""
        return [a for group in self.groups for clause in group for a in clause.atoms]


def _raw_tokens(text: str) -> list[tuple[str, bool, bool]]:
    """(text, quoted, negated) in order; an unclosed quote runs to the end."""
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = ch in "-－" and i + 1 < len(text) and not text[i + 1].isspace()
        if negated:
            i += 1
            ch = text[i]
        if ch in QUOTE_PAIRS:
            closer = QUOTE_PAIRS[ch]
            end = text.find(closer, i + 1)
            end = len(text) if end < 0 else end
            tokens.append((text[i + 1:end], True, negated))
            i = end + 1
            continue
        end = i
        while end < len(text) and not text[end].isspace() and text[end] not in QUOTE_PAIRS:
            end += 1
        tokens.append((text[i:end], False, negated))
        i = end
    return tokens


def _atoms(text: str, quoted: bool) -> list[str]:
    """Literals a clause must contain. Unquoted text is cut by jieba; neighbouring one-character
    pieces, and neighbouring Latin/number pieces (``15+4``), are kept together as one literal."""
    if quoted:
        unit_text, _ = units(text)
        return [unit_text] if unit_text else []
    atoms: list[str] = []
    kinds: list[str] = []
    for segment in rjieba.cut(normalize(text)):
        unit_text = "".join(ch for ch in segment if ch.isalnum())
        if not unit_text:
            continue
        kind = "latin" if unit_text.isascii() else "single" if len(unit_text) == 1 else "word"
        if atoms and kind == kinds[-1] and kind != "word":
            atoms[-1] += unit_text
        else:
            atoms.append(unit_text)
            kinds.append(kind)
    return atoms


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    join_next = after_positive = False
    for raw, quoted, negated in _raw_tokens(text):
        if raw == "OR" and not quoted and not negated:
            join_next = after_positive  # "a OR b"; a lone or leading OR means nothing
            continue
        atoms = _atoms(raw, quoted)
        if not atoms:
            continue
        clause = Clause(atoms)
        if negated:
            parsed.excluded.append(clause)
        elif join_next:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        join_next, after_positive = False, not negated
    parsed.whole = "".join(parsed.atoms)
    return parsed


def ranking_words(parsed: ParsedQuery) -> list[str]:
    """The query's jieba words that add BM25 to a match's score. One-character words are left
    out: a function word (的, 有) says nothing about relevance and is in nearly every item, which
    made scoring it cost more than the search; a lone character is scored by the match itself."""
    return [w for w in dict.fromkeys(words(" ".join(parsed.atoms))) if len(w) > 1]


def literal(fieldname: str, atom: str, boost: float = 1.0) -> wq.Query:
    """Documents whose ``fieldname`` contains ``atom`` literally (units at consecutive positions)."""
    if len(atom) == 1:
        return wq.Term(fieldname, atom, boost=boost)
    grams = bigrams(atom)
    if len(grams) == 1:
        return wq.Term(fieldname, grams[0], boost=boost)
    return wq.Phrase(fieldname, grams, boost=boost)


def _clause(clause: Clause, fieldname: str = "ngrams") -> wq.Query:
    parts = [literal(fieldname, a) for a in clause.atoms]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _any(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def to_whoosh(parsed: ParsedQuery) -> wq.Query:
    """Matching: every group (the excluded are ``excluded_whoosh``). Ranking: headline, whole
    phrase, words."""
    if parsed.groups:
        required = [_any([_clause(c) for c in group]) for group in parsed.groups]
        match = required[0] if len(required) == 1 else wq.And(required)
    else:
        match = wq.Every()
    bonus = [wq.ConstantScoreQuery(literal("head", a), HEAD_BONUS) for a in dict.fromkeys(parsed.atoms)]
    if len(parsed.atoms) > 1:
        bonus.append(wq.ConstantScoreQuery(literal("ngrams", parsed.whole), PHRASE_BONUS))
    bonus += [wq.Term("text", w, boost=WORD_BOOST) for w in ranking_words(parsed)]
    return wq.AndMaybe(match, wq.Or(bonus)) if bonus else match


def excluded_whoosh(parsed: ParsedQuery) -> wq.Query | None:
    """Items to leave out, which the backend removes as a set of document numbers. Not Whoosh's
    ``AndNot``: in Whoosh 2.7.4 it keeps an excluded item when, in its segment, the excluded
    word's first occurrence comes before the query's first match (``AndNotMatcher._find_first``
    only looks at equal ids); ``招商 -昌吉`` found a photo whose caption says 昌吉."""
    return _any([_clause(c) for c in parsed.excluded]) if parsed.excluded else None
