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

# What makes a query expensive, bounded before any engine runs it (README, "Limits"). A reader's
# query is a few words; these allow far more and refuse what only a robot or OCR garbage sends.
MAX_LITERALS = 48  # distinct literals, excluded ones too (a pasted 50-character sentence has ~24)
MAX_ALTERNATIVES = 12  # clauses joined by OR, in all
MAX_PHRASES = 8  # quoted phrases
MAX_RUN = 8  # the same letter or character in a row inside one literal ("aaaaaaaaa", "哈哈哈哈哈哈哈哈哈")
MAX_DIGIT_RUN = 16  # … and the same digit ("1000000000" is a number)


class QueryTooComplex(ValueError):
    """A query over one of the limits; the message names the limit, for the reader."""


@dataclass
class Clause:
    """One word or quoted phrase: all of its atoms must occur (each atom literally)."""

    atoms: list[str]

    @property
    def run(self) -> str:
        """The clause as one literal: what the reader typed, normalised (国家 + 安全 → 国家安全)."""
        return "".join(self.atoms)


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

    @property
    def split_clauses(self) -> list[Clause]:
        """Required words typed without quotes that jieba cut into several literals (国家安全 →
        国家, 安全): an item matches when it holds every piece, together or apart. A quoted
        phrase is one literal, so it is never among them; nor is a word joined by OR."""
        clauses = [group[0] for group in self.groups if len(group) == 1 and len(group[0].atoms) > 1]
        return list({clause.run: clause for clause in clauses}.values())


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
    """The query's tree; ``QueryTooComplex`` when it is over a limit."""
    tokens = _raw_tokens(text)
    phrases = sum(quoted for _, quoted, _ in tokens)
    if phrases > MAX_PHRASES:
        raise QueryTooComplex(f"检索过于复杂,请缩短检索词:引号短语最多 {MAX_PHRASES} 个(这里有 {phrases} 个)。")
    parsed = ParsedQuery()
    join_next = after_positive = False
    for raw, quoted, negated in tokens:
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
    _check_limits(parsed)
    return parsed


def _check_limits(parsed: ParsedQuery) -> None:
    literals = list(dict.fromkeys(parsed.atoms + [a for clause in parsed.excluded for a in clause.atoms]))
    alternatives = sum(len(group) for group in parsed.groups if len(group) > 1)
    if len(literals) > MAX_LITERALS:
        raise QueryTooComplex(f"检索过于复杂,请缩短检索词:最多 {MAX_LITERALS} 个词(这里有 {len(literals)} 个)。")
    if alternatives > MAX_ALTERNATIVES:
        raise QueryTooComplex(f"检索过于复杂,请缩短检索词:OR 连接的词最多 {MAX_ALTERNATIVES} 个(这里有 {alternatives} 个)。")
    for literal in literals:
        unit, run = _longest_run(literal)
        limit = MAX_DIGIT_RUN if unit.isdigit() else MAX_RUN
        if run > limit:
            raise QueryTooComplex(f"检索过于复杂,请缩短检索词:同一个{'数字' if unit.isdigit() else '字'}连续最多 "
                                  f"{limit} 次(“{literal[:12]}”里连续 {run} 次)。")


def _longest_run(literal: str) -> tuple[str, int]:
    """The unit repeated most in a row, and how many times."""
    best, longest, current = "", 0, 0
    for i, unit in enumerate(literal):
        current = current + 1 if i and unit == literal[i - 1] else 1
        if current > longest:
            best, longest = unit, current
    return best, longest
