"""The PostgreSQL engine's compiler: a parsed query, a literal and the filters as SQL conditions
on ``search_pg_item`` (``search/models.py``, migration 0002), and how often a literal occurs in
an item's field.

Each field is kept twice: as the set of its tokens (a ``tsvector`` of units and bigrams, or of
jieba words, built with ``array_to_tsvector`` so PostgreSQL parses nothing), which the GIN
indexes find, and as its normalised units (or words) in order, which settle what the token set
cannot. A literal of one or two units is exactly one token; a longer one is in an item when all
its bigrams are (the index finds those) *and* its units are a substring of the field's
(``strpos``: what FTS5 calls a phrase, without tsvector's limits of 256 positions per token and
16,383 per field). The text's units are two columns, the body's (``body_units``) and the
rest's (``text_units``), so that no literal runs from one into the other; the body has no token
set of its own: a body clause (``正文:``) is found in the text's tokens, then in the body's
units — read only when the rest's (small, kept in the row) hold it too (``_in_body``). The
tsquery is passed as a parameter and built from lexemes quoted here: literals are letters and
digits only (``search/analyzers.py``), so there is nothing to escape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analyzers import bigrams
from ..query import BODY, Clause, ParsedQuery
from ..scoring import HEAD, TEXT, WORDS
from .base import Filters
from .item_ids import id_range

TABLE = "search_pg_item"
PEOPLE = "search_pg_item_people"
TOTALS = "search_pg_totals"
# field → (its units in order: one column or several, its token set, its length column). The
# body is looked for in the text's tokens, then in its own units.
COLUMNS = {TEXT: (("text_units", "body_units"), "text_tokens", "text_len"),
           HEAD: (("head_units",), "head_tokens", "head_len"),
           WORDS: (("words",), "words_tokens", "words_len"), BODY: (("body_units",), "text_tokens", None)}


@dataclass
class Condition:
    """A piece of SQL and its parameters."""

    sql: str = "TRUE"
    params: list = field(default_factory=list)

    def __and__(self, other: Condition) -> Condition:
        if self.sql == "TRUE":
            return other
        if other.sql == "TRUE":
            return self
        return Condition(f"{self.sql} AND {other.sql}", self.params + other.params)


def _lexeme(token: str) -> str:
    return f"'{token}'"


def _tokens_query(field_name: str, atom: str) -> str:
    """The tokens an item holding ``atom`` in the field has, as a tsquery."""
    if field_name == WORDS or len(atom) <= 2:
        return _lexeme(atom)
    return "(" + " & ".join(_lexeme(gram) for gram in dict.fromkeys(bigrams(atom))) + ")"


def _substring(field_name: str, atom: str) -> Condition:
    columns = COLUMNS[field_name][0]
    found = " OR ".join(f"strpos({column}, %s) > 0" for column in columns)
    return Condition(f"({found})" if len(columns) > 1 else found, [atom] * len(columns))


def _in_body(atom: str) -> Condition:
    """For an item whose text's tokens hold ``atom`` of one or two units — so that it is in the
    rest of the text or in the body — whether it is in the body: at once when the rest does not
    hold it (the rest's units are short and kept in the row), else read from the body's."""
    return Condition("(strpos(text_units, %s) = 0 OR strpos(body_units, %s) > 0)", [atom, atom])


def _tokens_settle(field_name: str, atom: str) -> bool:
    """Whether holding the tokens is holding the literal (else its substring is checked too).
    The tokens are the whole text's: they never settle the body."""
    return field_name == WORDS or (len(atom) <= 2 and field_name != BODY)


def literal_condition(field_name: str, atom: str) -> Condition:
    """Items whose field holds ``atom``."""
    found = Condition(f"{COLUMNS[field_name][1]} @@ %s::tsquery", [_tokens_query(field_name, atom)])
    if _tokens_settle(field_name, atom):
        return found
    if field_name == BODY and len(atom) <= 2:
        return found & _in_body(atom)
    return found & _substring(field_name, atom)


def _clause_tokens(clause: Clause) -> str:
    return "(" + " & ".join(_tokens_query(TEXT, atom) for atom in clause.atoms) + ")"


def _clause_exact(clause: Clause) -> Condition:
    """Every atom a substring of the text: exact, read from the units (for a clause the tokens
    alone cannot settle, inside an alternative or an exclusion)."""
    found = Condition()
    for atom in clause.atoms:
        found = found & _substring(TEXT, atom)
    return found


def _any(conditions: list[Condition]) -> Condition:
    return Condition("(" + " OR ".join(c.sql for c in conditions) + ")", [p for c in conditions for p in c.params])


def match_condition(query: ParsedQuery) -> Condition:
    """Items holding every group and none of the excluded clauses. One tsquery does what the
    tokens settle — the GIN index finds it, and PostgreSQL need not read the item to check it;
    the substrings of longer literals are checked only on the rows it finds."""
    positive = [" | ".join(_clause_tokens(c) for c in group) for group in query.groups]
    checks = Condition()
    for group in query.groups:
        unsettled = [c for c in group if not all(_tokens_settle(TEXT, a) for a in c.atoms)]
        if not unsettled:
            continue
        if len(group) == 1:
            for atom in group[0].atoms:
                if not _tokens_settle(TEXT, atom):
                    checks = checks & _substring(TEXT, atom)
        else:
            checks = checks & _any([_clause_exact(c) for c in group])
    negated = []
    for clause in query.excluded:
        if all(_tokens_settle(TEXT, a) for a in clause.atoms):
            negated.append(_clause_tokens(clause))
        else:
            exact = Condition("text_tokens @@ %s::tsquery", [_clause_tokens(clause)]) & _clause_exact(clause)
            checks = checks & Condition(f"NOT ({exact.sql})", exact.params)
    if positive:
        tokens = " & ".join(f"({p})" for p in positive) + "".join(f" & !{n}" for n in negated)
        return Condition("text_tokens @@ %s::tsquery", [tokens]) & checks
    if negated:
        return Condition("NOT (text_tokens @@ %s::tsquery)", [" | ".join(negated)]) & checks
    return checks


def filter_condition(filters: Filters) -> Condition:
    found = Condition()
    if filters.section_id:
        found = found & Condition("section = %s", [filters.section_id])
    if filters.kind:
        found = found & Condition("kind = %s", [filters.kind])
    if filters.person_id:
        found = found & Condition(f"id IN (SELECT item FROM {PEOPLE} WHERE person = %s)", [filters.person_id])
    if filters.start or filters.end:  # a date range never matches an undated item: ids start with the date
        found = found & Condition("id BETWEEN %s AND %s", list(id_range(filters)))
    return found


def _clause_in_field(clause: Clause) -> Condition:
    found = Condition()
    for atom in clause.atoms:
        found = found & literal_condition(clause.field, atom)
    return found


def field_condition(query: ParsedQuery) -> Condition:
    """What the text match cannot tell of a query with fields (``标题:招商``): each such group
    has a clause found in its own field, and no excluded field clause is found in its field.
    (The text match has required every clause somewhere in the text: what a headline holds, the
    text holds.)"""
    found = Condition()
    for group in query.checked_groups():
        found = found & _any([_clause_in_field(c) for c in group])
    for clause in query.checked_excluded():
        inside = _clause_in_field(clause)
        found = found & Condition(f"NOT ({inside.sql})", inside.params)
    return found


def kept_condition(query: ParsedQuery, filters: Filters) -> Condition:
    """Items a search keeps: matched, and passing every filter."""
    return match_condition(query.matched_in()) & field_condition(query) & filter_condition(filters)


def _has_border(atom: str) -> bool:
    """Whether ``atom`` can overlap itself (哈哈 in 哈哈哈), so occurrences must be counted one
    start at a time."""
    return any(atom[:k] == atom[-k:] for k in range(1, len(atom)))


def occurrences_sql(field_name: str, atom: str) -> Condition:
    """How often ``atom`` occurs in an item's field, as FTS5 counts a phrase: every start,
    overlapping ones too. ``replace`` counts what cannot overlap (most literals) in C; a
    literal that can overlap itself is counted by a look-ahead, one start at a time. A field of
    several columns (the text) is the sum of theirs."""
    counts = [_occurrences_in(column, field_name, atom) for column in COLUMNS[field_name][0]]
    return Condition(" + ".join(c.sql for c in counts), [p for c in counts for p in c.params])


def _occurrences_in(column: str, field_name: str, atom: str) -> Condition:
    needle = f" {atom} " if field_name == WORDS else atom  # each word stands between two spaces of its own
    if field_name != WORDS and _has_border(atom):
        return Condition(f"regexp_count({column}, %s)", [f"(?={atom})"])
    # In bytes: a text's byte length is known without reading it, its length in characters is not.
    return Condition(f"(octet_length({column}) - octet_length(replace({column}, %s, ''))) / %s",
                     [needle, len(needle.encode())])
