"""What the user typed → an engine-neutral query. No engine's syntax is ever parsed from input.

Syntax: words separated by spaces must all match; ``"…"`` (or “…”, 「…」) is an exact phrase;
``OR`` between two words matches either; a leading ``-`` excludes. A word without spaces is
segmented by jieba and each segment must match; runs of one-character segments (and of Latin
letters and figures, ``15+4``) are matched as one piece (``全警`` is not split into 全 + 警).
A field name and a colon before a word or phrase (``标题:招商``, ``正文:"开门红"``,
``-标题:会议``) looks for it in that field only (``FIELDS``); ``作者:`` and ``栏目:`` name a person
and a section, which the search page turns into its person and section filters
(``ParsedQuery.named``). Latin letters before a colon that name no field (``titel:``) are an error
(``UnknownField``): the reader is told the fields and to quote the text. Chinese words before a
colon are text unless they are a field's name: news text is full of them (``记者刘茜报道:``), and a
piece of it pasted must find what it finds printed.
Anything else — ``[a TO b]``, ``*`` — is plain text.

The result is a tree of *literals* (runs of units, ``search/analyzers.py``): an item matches a
literal when its text contains it. Each engine compiles that tree in its own module
(``search/engines/``); how matches are ranked is ``search/scoring.py``.
"""

from __future__ import annotations

import re
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


class QueryError(ValueError):
    """A query that cannot be run as typed; the message says why, for the reader."""


class QueryTooComplex(QueryError):
    """A query over one of the limits; the message names the limit."""


class UnknownField(QueryError):
    """A field name the archive does not have, or one used where it cannot be."""


# Where a literal is looked for: everything printed, the headline (kicker, title, subtitle; a
# photo's caption), or an article's body (its paragraphs and subheadings: not the banner, the
# headline, the byline or the photo captions). TEXT and HEAD are also the scoring's fields
# (``search/scoring.py``); the body is only looked in, never scored apart.
TEXT, HEAD, BODY = "text", "head", "body"
# Fields that name a row rather than hold text: resolved to the search's filters by the form.
AUTHOR, SECTION = "author", "section"
FIELDS = {"标题": HEAD, "title": HEAD, "正文": BODY, "body": BODY, "作者": AUTHOR, "author": AUTHOR,
          "栏目": SECTION, "section": SECTION}
FIELD_NAMES = "标题、正文、作者、栏目(title、body、author、section)"
# What is read as a field name before a colon: Latin letters (``titel:`` and ``http:`` are refused
# as unknown fields), or a field's Chinese name (``时间:4月`` is text).
FIELD_PREFIX = re.compile("([A-Za-z]{1,12}|" + "|".join(name for name in FIELDS if not name.isascii()) + ")[:：]")


@dataclass
class Clause:
    """One word or quoted phrase: all of its atoms must occur (each atom literally), in
    ``field`` (``TEXT``, ``HEAD`` or ``BODY``)."""

    atoms: list[str]
    field: str = TEXT

    @property
    def run(self) -> str:
        """The clause as one literal: what the reader typed, normalised (国家 + 安全 → 国家安全)."""
        return "".join(self.atoms)


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of groups; a group is an OR
    excluded: list[Clause] = field(default_factory=list)
    whole: str = ""  # every positive literal in order, as one; empty when the query has alternatives (OR) or fields
    named: dict[str, str] = field(default_factory=dict)  # AUTHOR/SECTION → the name typed (作者:刘茜)

    def matched_in(self, fields: frozenset[str] = frozenset({TEXT})) -> ParsedQuery:
        """What an engine matches in one pass when it can look in each of ``fields`` (the text
        among them): every group, each clause in its own field when that is one of ``fields``,
        else in the text (what a field holds, the text holds too); and the excluded clauses of
        ``fields``. An engine matches this, then checks ``checked_groups(fields)`` and
        ``checked_excluded(fields)``."""
        groups = [[c if c.field in fields else Clause(c.atoms) for c in group] for group in self.groups]
        return ParsedQuery(groups, [c for c in self.excluded if c.field in fields], self.whole)

    def checked_groups(self, fields: frozenset[str] = frozenset({TEXT})) -> list[list[Clause]]:
        """Groups with a clause that looks outside ``fields``: one of their clauses must be found
        where it looks."""
        return [group for group in self.groups if any(c.field not in fields for c in group)]

    def checked_excluded(self, fields: frozenset[str] = frozenset({TEXT})) -> list[Clause]:
        return [c for c in self.excluded if c.field not in fields]

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


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False
    negated: bool = False
    field: str = TEXT


def _field_at(text: str, i: int) -> tuple[str, int]:
    """(field, where its value starts) for a field prefix at ``i``; (TEXT, i) when there is none."""
    prefix = FIELD_PREFIX.match(text, i)
    if not prefix:
        return TEXT, i
    name = prefix.group(1)
    known = FIELDS.get(name) or FIELDS.get(name.lower())
    if not known:
        raise UnknownField(f"没有“{name}”这个检索字段。可用的字段:{FIELD_NAMES}。"
                           f"要查找“{prefix.group(0)}”这几个字,请给它加上引号。")
    end = prefix.end()
    if end >= len(text) or text[end].isspace():
        raise UnknownField(f"“{prefix.group(0)}”后面缺少要查找的文字(冒号与文字之间不要留空格)。")
    return known, end


def _raw_tokens(text: str) -> list[Token]:
    """Tokens in order; an unclosed quote runs to the end."""
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = ch in "-－" and i + 1 < len(text) and not text[i + 1].isspace()
        if negated:
            i += 1
        where, i = _field_at(text, i)
        ch = text[i]
        if ch in QUOTE_PAIRS:
            closer = QUOTE_PAIRS[ch]
            end = text.find(closer, i + 1)
            end = len(text) if end < 0 else end
            tokens.append(Token(text[i + 1:end], True, negated, where))
            i = end + 1
            continue
        end = i
        while end < len(text) and not text[end].isspace() and text[end] not in QUOTE_PAIRS:
            end += 1
        tokens.append(Token(text[i:end], False, negated, where))
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
    phrases = sum(token.quoted for token in tokens)
    if phrases > MAX_PHRASES:
        raise QueryTooComplex(f"检索过于复杂,请缩短检索词:引号短语最多 {MAX_PHRASES} 个(这里有 {phrases} 个)。")
    parsed = ParsedQuery()
    join_next = after_positive = False
    for n, token in enumerate(tokens):
        if token.text == "OR" and not token.quoted and not token.negated and token.field == TEXT:
            join_next = after_positive  # "a OR b"; a lone or leading OR means nothing
            continue
        if token.field in (AUTHOR, SECTION):
            _name(parsed, token, joined=join_next or _or_follows(tokens, n))
            join_next = after_positive = False
            continue
        atoms = _atoms(token.text, token.quoted)
        if not atoms:
            continue
        clause = Clause(atoms, token.field)
        if token.negated:
            parsed.excluded.append(clause)
        elif join_next:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        join_next, after_positive = False, not token.negated
    # "a OR b" printed as one makes no sense, nor a headline word and a text word as one.
    if all(len(group) == 1 and group[0].field == TEXT for group in parsed.groups):
        parsed.whole = "".join(parsed.atoms)
    _check_limits(parsed)
    return parsed


NAMED_LABELS = {AUTHOR: "作者", SECTION: "栏目"}


def _or_follows(tokens: list[Token], n: int) -> bool:
    later = tokens[n + 1] if n + 1 < len(tokens) else None
    return bool(later and later.text == "OR" and not later.quoted and not later.negated)


def _name(parsed: ParsedQuery, token: Token, joined: bool) -> None:
    """``作者:刘茜`` or ``栏目:"…"``: kept as typed, for the form to resolve into a filter."""
    label = NAMED_LABELS[token.field]
    if token.negated or joined:
        raise UnknownField(f"“{label}:”只能用来限定范围,不能排除(-)或用 OR 连接。")
    name = token.text.strip()
    if token.field in parsed.named and parsed.named[token.field] != name:
        raise UnknownField(f"一次检索只能限定一个{label}(这里有“{parsed.named[token.field]}”和“{name}”)。")
    if not name:
        raise UnknownField(f"“{label}:”后面缺少{label}名。")
    parsed.named[token.field] = name


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
