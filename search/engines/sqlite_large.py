"""FTS5 searches that match more than ``SearchRequest.common`` items: the commonest words of a
large archive (``记者`` is in nearly every byline). Counting and scoring every match would cost
a pass over most of the archive per search; instead:

- **the page** is read in item-id order, which is the tie order (``item_ids.item_id``):
  FTS5 walks the match newest first and stops once the page is full. Every literal still
  scored is in at most ``common`` items (``scoring.scored_evidence``), so the items that score
  at all are few: they are scored in full and put first; the rest score 0 and follow in id
  order. Date sorts read whole days from the walk and order each day by score. The hits and
  their order are exactly those of ``ExactSearch`` (the engine contract tests both).
- **the counts** (total, sections, months) are estimated from a sample of days
  (``sqlite_estimate.py``), and the results say so (``approximate``). How many sampled
  photos are folded into a kept article is estimated from a few of them.

Checking one item against a match costs FTS5 ~0.1 ms (it sets up the whole expression), so
nothing here checks more than a page's worth of items one by one.
"""

from __future__ import annotations

from collections.abc import Iterator

from .base import KINDS, Deadline, RawHit, RawResults
from .sqlite_estimate import DaySample
from .sqlite_query import (
    Matching, evidence_filling, filter_sql, literal, score_sql,
)
from .item_ids import FIRST_DATED_ID, NO_DAY, day_of, id_range, whole_days
from ..scoring import TEXT, reported

CHUNK = 200  # rows read from the walk at a time (after the first, page-sized chunk)
FOLD_PROBES = 32  # sampled photos whose article is looked up, to estimate how many are folded
# What choosing the candidates costs (measured at 300,000 articles): checking one id against a
# match ~100 µs, walking one match and looking it up among the evidence ~0.3 µs.
PROBE_COST, WALK_COST = 100.0, 0.3
WALKED_PER_EVIDENCE = 200  # a match up to this many times the evidence is walked, not intersected by FTS5


class LargeSearch:
    def __init__(self, db, request, evidence, deadline: Deadline):
        self.db, self.request, self.deadline = db, request, deadline
        self.kept = Matching(request)
        self.evidence = list(enumerate(evidence))  # no table is the match's own bm25 here

    def run(self) -> RawResults:
        for statement in evidence_filling(self.evidence):
            self.db.execute(*statement)
            self.deadline.check()
        if self.request.counts:
            counts = DaySample(self.db, self.kept, self.request.common, self.deadline).estimate(self._folded_share)
            self.matches = counts.matches  # to choose how the scoring items are found (``_choose_candidates``)
            total, sections, months = counts.total, counts.sections, counts.months
        else:  # no counts asked for: of the matches it is known only that they are more than common
            self.matches, total, sections, months = self.request.common + 1, 0, {}, {}
        ranked = self._ranked() if self.request.hits else []
        photos = self._photos_under([pk for _, kind, pk, _, _ in ranked if kind == "article"])
        hits = [RawHit(kind, pk, reported(score), photos.get(pk, ()) if kind == "article" else ())
                for _, kind, pk, _, score in ranked]
        shown_to = self.request.offset + len(hits)
        # The estimate never says fewer than the hits there are: a short page is the last one.
        total = shown_to if hits and len(hits) < self.request.per_page else max(total, shown_to)
        return RawResults(total=total, hits=hits, sections=sections, months=months, approximate=True)

    # --- the page --------------------------------------------------------------------------

    def _ranked(self) -> list[tuple]:
        """(id, kind, pk, parent, score) of the page's hits, in order."""
        need, offset = self.request.offset + self.request.per_page, self.request.offset
        if self.request.sort == "relevance":
            return self._by_relevance(need)[offset:need]
        if self.request.sort == "newest":
            rows = whole_days(self._walk(descending=True), need)
            return sorted(self._scored(rows), key=lambda r: (-day_of(r[0]), -r[4], -r[0]))[offset:need]
        rows = whole_days(self._walk(descending=False, start=FIRST_DATED_ID - 1), need)
        if len(rows) < need:  # undated items last
            rows += whole_days(self._walk(descending=True, start=FIRST_DATED_ID), need - len(rows))
        return sorted(self._scored(rows), key=lambda r: (day_of(r[0]) == NO_DAY, day_of(r[0]), -r[4], -r[0]))[offset:need]

    def _by_relevance(self, need: int) -> list[tuple]:
        """The items that score, best first, then the rest in id order (score 0)."""
        scoring = self._best_scoring(need)
        if len(scoring) >= need:
            return scoring
        taken = {r[0] for r in scoring}  # every item that scores: fewer than a page
        rest = []
        for row in self._walk(descending=True):
            if len(scoring) + len(rest) >= need:
                break
            if row[0] not in taken:
                rest.append((*row, 0))
        return scoring + rest

    def _best_scoring(self, need: int) -> list[tuple]:
        """The first ``need`` kept items with a score above 0 (all of them, when fewer), best
        first, read in chunks from the candidates ordered by score."""
        if not self.evidence:
            return []
        self._choose_candidates()
        where, params = filter_sql(self.request.filters)
        joins, score = score_sql(self.evidence, None)
        statement = (f"SELECT kept.id, items.kind, items.pk, items.parent, {score} AS score FROM chosen AS kept "
                     f"CROSS JOIN items ON items.id = kept.id {joins} WHERE {where} AND score > 0 "
                     f"ORDER BY score DESC, kept.id DESC LIMIT ? OFFSET ?")
        found: list[tuple] = []
        offset, chunk = 0, need + 10
        while len(found) < need:
            rows = self.db.execute(statement, [*params, chunk, offset]).fetchall()
            self.deadline.check()
            unfolded = {row[0] for row in self._unfolded([row[:4] for row in rows])}
            found += [row for row in rows if row[0] in unfolded]
            if len(rows) < chunk:
                break
            offset, chunk = offset + chunk, CHUNK
        return found

    def _choose_candidates(self) -> None:
        """``chosen``: the matched items that hold some scored evidence — few: no scored literal
        is in more than ``common`` items of its field, and the evidence tables hold exactly
        those. When they hold only matches, they are the candidates; else the cheapest of:

        - walking the match and keeping the ids in the evidence (~0.3 µs a match);
        - checking each evidence id against the match (~0.1 ms each: FTS5 sets the whole
          expression up per id), when the evidence is tiny beside the match;
        - FTS5 finding the match AND any evidence literal in the text, when neither is small
          (it skips through its lists: cheap when the literals are rarer in the text than the
          match — but a literal that is a query word is in every match)."""
        literals = dict.fromkeys(a for _, piece in self.evidence for a in piece.literals)
        low, high = id_range(self.request.filters)
        self.db.execute("DELETE FROM chosen")
        self.db.execute("DELETE FROM evidenced")
        for n, _ in self.evidence:
            self.db.execute(f"INSERT OR IGNORE INTO evidenced SELECT id FROM evidence{n} WHERE id BETWEEN ? AND ?", (low, high))
        evidenced = self.db.execute("SELECT count(*) FROM evidenced").fetchone()[0]
        if self._evidence_implies_match(literals):  # the evidence tables hold only matches
            self.db.execute("INSERT INTO chosen SELECT id FROM evidenced")
        elif evidenced * PROBE_COST < self.matches * WALK_COST:
            self.db.execute("INSERT INTO chosen SELECT e.id FROM evidenced AS e CROSS JOIN fts_text AS f "
                            "ON f.rowid = e.id WHERE f.fts_text MATCH ?", [self.kept.match])
        elif self.matches <= evidenced * WALKED_PER_EVIDENCE:
            self.db.execute("INSERT INTO chosen SELECT f.rowid FROM fts_text AS f CROSS JOIN evidenced AS e ON e.id = f.rowid "
                            "WHERE f.fts_text MATCH ? AND f.rowid BETWEEN ? AND ?", [self.kept.match, low, high])
        else:
            holding = f"({self.kept.match}) AND ({' OR '.join(literal(a) for a in literals)})"
            self.db.execute("INSERT INTO chosen SELECT rowid FROM fts_text WHERE fts_text MATCH ? AND rowid BETWEEN ? AND ?",
                            [holding, low, high])
        self.deadline.check()

    def _evidence_implies_match(self, literals) -> bool:
        """Whether an item holding any evidence literal is a match: a query of alternatives of
        single literals (``记者``, ``招商 OR 投资``), nothing excluded, every evidence literal one
        of them (a jieba word of a literal is not: 工作 of 工作人员)."""
        query = self.request.query
        if query.excluded or len(query.groups) != 1 or any(len(c.atoms) != 1 or c.field != TEXT for c in query.groups[0]):
            return False
        return set(literals) <= {c.atoms[0] for c in query.groups[0]}

    def _walk(self, descending: bool, start: int | None = None) -> Iterator[tuple]:
        """(id, kind, pk, parent) of every kept, unfolded item in id order, from after
        ``start`` (an id; by default the first), read in chunks: the first about a page's
        worth (each photo in a chunk costs a lookup of its article), then larger ones."""
        low, high = id_range(self.request.filters)  # both bounds exclusive below
        low, high = low - 1, high + 1
        if start is not None:
            low, high = (low, min(high, start)) if descending else (max(low, start), high)
        statement, params = self._walk_sql("DESC" if descending else "ASC")
        chunk = min(CHUNK, self.request.offset + self.request.per_page + 10)
        while True:
            rows = self.db.execute(statement, [*params, low, high, chunk]).fetchall()
            self.deadline.check()
            yield from self._unfolded(rows)
            if len(rows) < chunk:
                return
            if descending:
                high = rows[-1][0]
            else:
                low = rows[-1][0]
            chunk = CHUNK

    def _walk_sql(self, order: str) -> tuple[str, list]:
        columns = "items.kind, items.pk, items.parent"
        if self.kept.match:  # FTS5 walks its lists in rowid order and stops at the LIMIT
            where, params = filter_sql(self.request.filters, walked="f.rowid")
            return (f"SELECT f.rowid, {columns} FROM fts_text AS f CROSS JOIN items ON items.id = f.rowid "
                    f"WHERE f.fts_text MATCH ? AND {where} AND f.rowid > ? AND f.rowid < ? "
                    f"ORDER BY f.rowid {order} LIMIT ?"), [self.kept.match, *params]
        join, kept_where, kept_params = self.kept.kept("items")
        return (f"SELECT items.id, {columns} FROM items {join} WHERE {kept_where} "
                f"AND items.id > ? AND items.id < ? ORDER BY items.id {order} LIMIT ?"), kept_params

    # --- folding, scores, photos -------------------------------------------------------------

    def _unfolded(self, rows: list[tuple]) -> list[tuple]:
        """``rows`` without the photos printed in a kept article (shown under it instead)."""
        parents = {row[3] for row in rows if row[1] == "photo" and row[3] is not None}
        kept_articles = self._kept_articles(parents) if parents else set()
        return [row for row in rows if not (row[1] == "photo" and row[3] in kept_articles)]

    def _kept_articles(self, pks: set[int]) -> set[int]:
        found: set[int] = set()
        pks = sorted(pks)
        join, where, params = self.kept.kept("a", by_key=True)
        for start in range(0, len(pks), 500):
            chunk = pks[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(pk for (pk,) in self.db.execute(
                f"SELECT a.pk FROM items AS a {join} WHERE a.ident IN ({marks}) AND {where}",
                [f"{KINDS['article']}.{pk}" for pk in chunk] + params))
        return found

    def _scored(self, rows: list[tuple]) -> list[tuple]:
        """``rows`` with their quantized scores appended."""
        if not rows or not self.evidence:
            return [(*row, 0) for row in rows]
        self.db.execute("DELETE FROM chosen")
        self.db.executemany("INSERT OR IGNORE INTO chosen VALUES (?)", [(row[0],) for row in rows])
        joins, score = score_sql(self.evidence, None)
        scores = dict(self.db.execute(f"SELECT kept.id, {score} FROM chosen AS kept {joins}"))
        return [(*row, scores[row[0]]) for row in rows]

    def _photos_under(self, articles: list[int]) -> dict[int, tuple[int, ...]]:
        """The kept photos printed in each of ``articles``."""
        if not articles:
            return {}
        join, where, params = self.kept.kept("items", by_key=True)
        marks = ",".join("?" * len(articles))
        photos: dict[int, list[int]] = {}
        for parent, pk in sorted(self.db.execute(
                f"SELECT items.parent, items.pk FROM items {join} WHERE items.kind = 'photo' "
                f"AND items.parent IN ({marks}) AND {where}", [*articles, *params])):
            photos.setdefault(parent, []).append(pk)
        return {parent: tuple(pks) for parent, pks in photos.items()}

    # --- the counts --------------------------------------------------------------------------

    def _folded_share(self, parents: list[int]) -> float:
        """The share of the sampled photos printed in an article whose article is kept — they
        are shown under it, not counted — from up to FOLD_PROBES of them, spread evenly."""
        if not parents:
            return 0.0
        probed = parents[::max(1, len(parents) // FOLD_PROBES)][:FOLD_PROBES]
        kept = self._kept_articles(set(probed))
        return sum(parent in kept for parent in probed) / len(probed)
