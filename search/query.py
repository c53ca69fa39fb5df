"""What the user typed → an engine-neutral query. No engine's syntax is ever parsed from input.

Syntax: words separated by spaces must all match; ``"…"`` (or “…”, 「…」) is an exact phrase;
``OR`` between two words matches either; a leading ``-`` excludes. A word without spaces is
segmented by jieba and each segment must match; runs of one-character segments (and of Latin
letters and figures, ``15+4``) are matched as one piece (``全警`` is not split into 全 + 警).
Anything else — ``title:``, ``[a TO b]``, ``*`` — is plain text.

The result is a tree of *literals* (runs of units, ``search/analyzers.py``): an item matches a
literal when its text contains it. Each engine compiles that tree in its own module
(``search/engines/``); how matches are ranked is ``search/scoring.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rjieba

from .analyzers import normalize, units

QUOTE_PAIRS = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "“"}


@dataclass
class Clause:
    """One word or quoted phrase: all of its atoms must occur (each atom literally)."""

    atoms: list[str]


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of groups; a group is an OR
    excluded: list[Clause] = field(default_factory=list)
    whole: str = ""  # every positive literal in order, as one; empty when the query has alternatives (OR)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def atoms(self) -> list[str]:
        """Every literal the results are expected to contain, for highlighting."""
        return [a for group in self.groups for clause in group for a in clause.atoms]

    @property
    def distinct_atoms(self) -> list[str]:
        return list(dict.fromkeys(self.atoms))


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
    if all(len(group) == 1 for group in parsed.groups):  # "a OR b" printed as one makes no sense
        parsed.whole = "".join(parsed.atoms)
    return parsed
