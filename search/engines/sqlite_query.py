"""The FTS5 engine's compiler: a parsed query as FTS5 match expressions, filters as SQL on
``items``, and the statements of a search whose matches are few enough to be counted and
scored one by one (``ExactSearch``; ``sqlite_large.py`` takes the searches that match more).

Item ids (``items.id``, the FTS5 rowid) are made to sort as the scoring's tie order: the date's
ordinal, then articles before photos, then the primary key (``item_id``). So FTS5, which walks a
match in rowid order and can stop early, hands out matches newest first — what lets a search
matching most of the archive read only the rows it shows.
"""

from __future__ import annotations

import datetime

from ..analyzers import bigrams
from ..query import BODY, Clause, ParsedQuery
from ..scoring import HEAD, SCORE_SCALE, TEXT, WORDS, Evidence
from .base import FIRST_DATE, Filters, SearchRequest
from .item_ids import ARTICLE_BIT, FIRST_DATED_ID, id_range

FTS_TABLES = {TEXT: "fts_text", WORDS: "fts_words", HEAD: "fts_head"}  # one per field evidence is counted in
# field → its table, and the columns (units, bigrams) a literal is looked for in: the text is
# both pairs of ``fts_text``'s columns — FTS5 finds a phrase within one column, so a literal
# never runs from the rest of the text into the body — and the body is the second pair alone.
FIELD_TABLES = {**FTS_TABLES, BODY: "fts_text"}
COLUMNS = {TEXT: ("{units body_units}", "{bigrams body_bigrams}"), HEAD: ("units", "bigrams"),
           BODY: ("body_units", "body_bigrams")}
# The fields a match of ``fts_text`` looks in at once: a body clause (正文:招商) is part of the
# match itself; only headline clauses are checked apart (``field_checks``).
IN_MATCH = frozenset({TEXT, BODY})

# --- match expressions -----------------------------------------------------------------------

def literal(atom: str, field: str = TEXT) -> str:
    """Rows whose ``field`` (TEXT, HEAD or BODY) contains ``atom`` literally: one unit is a term
    of the units columns, more are a phrase of their bigrams. Atoms are letters and digits only,
    so they never carry a quote or any other FTS5 syntax."""
    unit_columns, bigram_columns = COLUMNS[field]
    if len(atom) == 1:
        return f'{unit_columns} : "{atom}"'
    return f'{bigram_columns} : "{" ".join(bigrams(atom))}"'


def _clause(clause: Clause) -> str:
    return "(" + " AND ".join(literal(a, clause.field) for a in clause.atoms) + ")"


def any_of(clauses: list[Clause]) -> str:
    return "(" + " OR ".join(_clause(c) for c in clauses) + ")"


def match_expression(query: ParsedQuery) -> str | None:
    """Every group and none of the excluded; None when there is no positive group."""
    if not query.groups:
        return None
    expression = " AND ".join(any_of(group) for group in query.groups)
    if query.excluded:
        expression += " NOT " + any_of(query.excluded)
    return expression


def field_checks(query: ParsedQuery, column: str, settled: tuple[Clause, ...] = ()) -> tuple[str, list]:
    """What the match cannot tell of a query with headline fields (``标题:招商``), as a condition
    on the item id ``column``: each such group has a clause found in its own field's table, and no
    excluded headline clause is found in the headlines. (The match has already required every
    clause somewhere in the text: what a headline holds, the text holds.) Groups that are one
    of the ``settled`` clauses — those the search started from — are not checked again: SQLite
    would drive the statement from the check and probe the match item by item."""
    def found(clause: Clause) -> tuple[str, str]:
        table = FIELD_TABLES[clause.field]
        return f"{column} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)", _clause(clause)

    parts, params = [], []
    for group in query.checked_groups(IN_MATCH):
        if len(group) == 1 and group[0] in settled:
            continue
        pieces = [found(c) for c in group]
        parts.append("(" + " OR ".join(sql for sql, _ in pieces) + ")")
        params += [expression for _, expression in pieces]
    for clause in query.checked_excluded(IN_MATCH):
        sql, expression = found(clause)
        parts.append(f"NOT {sql}")
        params.append(expression)
    return " AND ".join(parts) or "1", params


def has_checks(query: ParsedQuery) -> bool:
    """Whether ``field_checks`` has anything to check (a headline clause)."""
    return bool(query.checked_groups(IN_MATCH) or query.checked_excluded(IN_MATCH))


def literal_expression(field: str, atom: str) -> str:
    return f'"{atom}"' if field == WORDS else literal(atom, field)


def evidence_expression(evidence: Evidence) -> str:
    return " OR ".join(literal_expression(evidence.field, a) for a in evidence.literals)


def text_evidence_in_match(query: ParsedQuery) -> bool:
    """Whether the match expression's own ``bm25()`` is the text evidence. FTS5 sums over the
    expression's phrases, but counts a phrase's occurrences only where its own branch matched:
    in ``("a" AND "b") OR "c"`` a row with a and c gets nothing for a. So: every positive literal
    once, and every alternative (OR) a single literal — then a literal occurs in a hit exactly
    when its branch matched. The excluded literals occur in no hit. And no body clause: its
    phrases are counted in the body alone, the text evidence in all the text."""
    if any(c.field != TEXT for group in query.groups for c in group):
        return False
    single_alternatives = all(len(c.atoms) == 1 for group in query.groups if len(group) > 1 for c in group)
    return single_alternatives and len(query.atoms) == len(query.distinct_atoms)


def filter_sql(filters: Filters, table: str = "items", by_key: bool = False, walked: str | None = None) -> tuple[str, list]:
    """A condition on ``items`` (under the name ``table``) and its parameters.

    ``by_key``: the rows are found by another key (ident, parent), which SQLite must not trade
    for the section index (its guess, without statistics: a section holds few items; the largest
    hold thousands). ``walked``: the id column of a statement that walks ids within
    ``id_range(filters)`` (FTS5's rowid): the kind is read from the id's article bit and the date
    from the range itself, so that only a section or a person needs the item looked up
    (``needs_lookup``) — and the others are tested before any lookup."""
    parts, params = [], []
    if filters.section_id:
        parts.append(f"{'+' if by_key else ''}{table}.section = ?")
        params.append(filters.section_id)
    if filters.kind and walked:
        parts.append(f"({walked} & {ARTICLE_BIT}) {'!=' if filters.kind == 'article' else '='} 0")
    elif filters.kind:
        parts.append(f"{table}.kind = ?")
        params.append(filters.kind)
    if filters.person_id:
        parts.append(f"{table}.id IN (SELECT item FROM item_people WHERE person = ?)")
        params.append(filters.person_id)
    if (filters.start or filters.end) and not walked:  # a date range never matches an undated item
        parts.append(f"{table}.date BETWEEN ? AND ?")
        params += [(filters.start or FIRST_DATE).isoformat(), (filters.end or datetime.date.max).isoformat()]
    return " AND ".join(parts) or "1", params


def needs_lookup(filters: Filters) -> bool:
    """Whether a filter reads what only ``items`` holds (not the id: ``filter_sql(walked=…)``)."""
    return bool(filters.section_id or filters.person_id)


class Matching:
    """Which items a search keeps — matched and passing the filters — as SQL pieces, for
    statements that start from ``items`` rows (``kept(table)``) or walk the match itself."""

    def __init__(self, request: SearchRequest):
        self.request = request
        matched = request.query.matched_in(IN_MATCH)
        self.match = match_expression(matched)
        self.excluded = any_of(matched.excluded) if matched.excluded else None

    def kept(self, table: str, by_key: bool = False) -> tuple[str, str, list]:
        """(join, condition, parameters): ``items AS table`` rows that are kept. The match is
        checked row by row (FTS5 seeks each id in its lists): for a few rows, not for all.
        ``by_key``: as for ``filter_sql``."""
        where, params = filter_sql(self.request.filters, table, by_key)
        fields, field_params = field_checks(self.request.query, f"{table}.id")
        where, params = f"{where} AND {fields}", params + field_params
        if self.match:
            return (f"CROSS JOIN fts_text AS probe ON probe.rowid = {table}.id",
                    f"probe.fts_text MATCH ? AND {where}", [self.match, *params])
        if self.excluded:  # read once per statement from FTS5's lists, not looked up per row (~0.1 ms each)
            return ("", f"{table}.id NOT IN (SELECT rowid FROM fts_text WHERE fts_text MATCH ?) AND {where}",
                    [self.excluded, *params])
        return "", where, params


def score_sql(evidence: list[tuple[int, Evidence]], matched_score: float | None) -> tuple[str, str]:
    """(joins, expression): an item's quantized score (``scoring.quantized``) from the evidence
    tables filled for it (``evidence{n}``) and, when the match computed the text evidence, from
    ``kept.s`` times its weight — summed in the scoring's order."""
    terms = [f"{matched_score!r} * kept.s"] if matched_score is not None else []
    joins = []
    for n, piece in evidence:
        joins.append(f"LEFT JOIN evidence{n} ON evidence{n}.id = kept.id")
        terms.append(f"{piece.weight!r} * coalesce(evidence{n}.s, 0.0)")
    # Truncating score·10⁶ + 0.5 is scoring.quantized.
    score = f"CAST(({' + '.join(terms)}) * {SCORE_SCALE}.0 + 0.5 AS INTEGER)" if terms else "0"
    return " ".join(joins), score


def evidence_filling(evidence: list[tuple[int, Evidence]]) -> list[tuple[str, list]]:
    """Fill one working table per piece of evidence: every item holding one of its literals,
    with their BM25 summed (bounded: no literal left in it is in more than ``common`` items)."""
    statements = []
    for n, piece in evidence:
        table = FTS_TABLES[piece.field]
        statements += [(f"DELETE FROM evidence{n}", []),
                       (f"INSERT INTO evidence{n} SELECT rowid, -bm25({table}) FROM {table} WHERE {table} MATCH ?",
                        [evidence_expression(piece)])]
    return statements


ORDER = {
    "relevance": "score DESC, kept.id DESC",
    "newest": "kept.date DESC, score DESC, kept.id DESC",
    "oldest": f"kept.id < {FIRST_DATED_ID}, kept.date ASC, score DESC, kept.id DESC",
}


class ExactSearch:
    """The statements of a search that counts and scores every match, in order: fill ``kept``
    (the matches that pass the filters), mark the photos folded into a kept article, fill one
    table per piece of evidence, then read the facet counts, the page and the photos folded
    under the page's articles."""

    def __init__(self, request: SearchRequest, evidence: list[Evidence], walk_match: bool = False):
        """``walk_match``: read the match in full and look each item's section up, rather than
        start from the section's items and probe the match for each (``sqlite_fts._walk_match``)."""
        self.request, self.walk_match = request, walk_match
        self.matching = Matching(request)
        self.match = self.matching.match
        by_person = bool(request.filters.person_id)
        # Headline clauses of their own (标题:招商) find few items in the headlines' table: the
        # search starts from those, less what the text match asks besides (``_head_source``).
        self.head_clauses = [] if by_person else [
            group[0] for group in request.query.groups if len(group) == 1 and group[0].field == HEAD]
        # The match's own bm25() is the text evidence when that evidence is whole: no literal of
        # it common, and the match walked in full (not probed item by item).
        self.scored_match = (bool(self.match) and not by_person and not self.head_clauses and bool(evidence)
                             and evidence[0] == request.evidence[0]
                             and text_evidence_in_match(request.query.matched_in(IN_MATCH)))
        self.evidence = list(enumerate(evidence))[1:] if self.scored_match else list(enumerate(evidence))
        self.matched_weight = evidence[0].weight if self.scored_match else None

    def filling(self) -> list[tuple[str, list]]:
        statements = [(f"DELETE FROM {table}", []) for table in ("kept", "kept_articles")]
        statements.append(self._kept())
        statements += [("INSERT INTO kept_articles SELECT pk FROM kept WHERE kind = 'article'", []),
                       ("UPDATE kept SET folded = 1 WHERE kind = 'photo' AND parent IN kept_articles", [])]
        return statements + evidence_filling(self.evidence)

    def _source(self) -> tuple[str, list]:
        """(SELECT id, s, params): the matches, before the filters."""
        query, person = self.request.query.matched_in(IN_MATCH), self.request.filters.person_id
        if person:  # a person's items are few: start from them, and probe the match for each
            people = "SELECT p.item AS id, 0.0 AS s FROM item_people AS p"
            if self.match:
                return (f"{people} CROSS JOIN fts_text AS f ON f.rowid = p.item WHERE p.person = ? AND f.fts_text MATCH ?",
                        [person, self.match])
            if query.excluded:
                return (f"{people} WHERE p.person = ? AND p.item NOT IN (SELECT rowid FROM fts_text WHERE fts_text MATCH ?)",
                        [person, self.matching.excluded])
            return f"{people} WHERE p.person = ?", [person]
        if self.head_clauses:
            return self._head_source()
        if self.match:
            score = "-bm25(fts_text)" if self.scored_match else "0.0"
            return (f"SELECT rowid AS id, {score} AS s FROM fts_text WHERE fts_text MATCH ? AND rowid BETWEEN ? AND ?",
                    [self.match, *id_range(self.request.filters)])
        if query.excluded:
            return ("SELECT id, 0.0 AS s FROM items WHERE id NOT IN (SELECT rowid FROM fts_text WHERE fts_text MATCH ?)",
                    [self.matching.excluded])
        return "SELECT id, 0.0 AS s FROM items", []

    def _head_source(self) -> tuple[str, list]:
        """The items whose headlines hold every headline clause standing alone, intersected with
        the text match of the rest of the query: each walked by FTS5 in its own lists (a few µs
        an item), not probed item by item (~0.1 ms each). What a headline holds, the text holds,
        so the text match need not ask for those clauses again."""
        heads = " AND ".join(_clause(c) for c in self.head_clauses)
        low, high = id_range(self.request.filters)
        statement = "SELECT rowid AS id, 0.0 AS s FROM fts_head WHERE fts_head MATCH ? AND rowid BETWEEN ? AND ?"
        params = [heads, low, high]
        query = self.request.query.matched_in(IN_MATCH)
        standing = {tuple(c.atoms) for c in self.head_clauses}
        rest = ParsedQuery([g for g in query.groups if not (len(g) == 1 and g[0].field == TEXT and tuple(g[0].atoms) in standing)],
                           query.excluded)
        if rest.groups or rest.excluded:
            text = "SELECT rowid, 0.0 FROM fts_text WHERE fts_text MATCH ? AND rowid BETWEEN ? AND ?"
            if rest.groups:
                statement, params = f"{statement} INTERSECT {text}", [*params, match_expression(rest), low, high]
            else:
                statement, params = f"{statement} EXCEPT {text}", [*params, any_of(rest.excluded), low, high]
        return statement, params

    def _kept(self) -> tuple[str, list]:
        source, params = self._source()
        walked = "m.id" if self.match and not self.request.filters.person_id else None  # ids in id_range
        where, where_params = filter_sql(self.request.filters, walked=walked, by_key=self.walk_match)
        fields, field_params = field_checks(self.request.query, "items.id", tuple(self.head_clauses))
        where, where_params = f"{where} AND {fields}", where_params + field_params
        return ("INSERT INTO kept (id, kind, pk, parent, section, month, date, s) SELECT items.id, items.kind, "
                f"items.pk, items.parent, items.section, items.month, items.date, m.s FROM ({source}) AS m "
                f"JOIN items ON items.id = m.id WHERE {where}"), params + where_params

    @staticmethod
    def counts() -> tuple[str, list]:
        return "SELECT section, month, count(*) FROM kept WHERE NOT folded GROUP BY 1, 2", []

    def page(self) -> tuple[str, list]:
        joins, score = score_sql(self.evidence, self.matched_weight)
        return (f"SELECT kept.kind, kept.pk, {score} AS score FROM kept {joins} WHERE NOT kept.folded "
                f"ORDER BY {ORDER[self.request.sort]} LIMIT ? OFFSET ?"), [self.request.per_page, self.request.offset]

    @staticmethod
    def folded_photos(article_pks: list[int]) -> tuple[str, list]:
        marks = ",".join("?" * len(article_pks))
        return f"SELECT parent, pk FROM kept WHERE folded AND parent IN ({marks})", list(article_pks)
