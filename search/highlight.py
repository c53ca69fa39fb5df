"""Marks the query's literals in Chinese text.

haystack's highlighter tokenises with an English analyzer and marks nothing in Chinese. Here
every atom of the query is found in the text's units (the same normalisation as the index, so
traditional or full-width queries mark simplified, half-width text) and the characters it
covers are wrapped in ``<mark>``. Everything else is HTML-escaped.
"""

from __future__ import annotations

from bisect import bisect_left

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analyzers import units

SNIPPET_CHARS = 140
SNIPPET_LEAD = 30
SNIPPET_MARGIN = 60  # matches are looked for this far beyond the snippet, to mark those it cuts


def match_ranges(text: str, atoms: list[str]) -> list[tuple[int, int]]:
    """Merged [start, end) character ranges of ``text`` covered by any atom."""
    return _ranges(*units(text), atoms)


def _ranges(unit_text: str, offsets: list[int], atoms: list[str], first: int = 0,
            last: int | None = None) -> list[tuple[int, int]]:
    """``match_ranges`` from a text's units, for matches within units ``first``..``last``."""
    last = len(unit_text) if last is None else last
    ranges = []
    for atom in set(atoms):
        start = unit_text.find(atom, first, last)
        while atom and start >= 0:
            ranges.append((offsets[start], offsets[start + len(atom) - 1] + 1))
            start = unit_text.find(atom, start + 1, last)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, ranges: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    pieces, position = [], start
    for mark_start, mark_end in ranges:
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        if mark_start >= mark_end:
            continue
        pieces += [escape(text[position:mark_start]), "<mark>", escape(text[mark_start:mark_end]), "</mark>"]
        position = mark_end
    pieces.append(escape(text[position:end]))
    return "".join(pieces)


def highlight(text: str, atoms: list[str]) -> SafeString:
    return mark_safe(_render(text, match_ranges(text, atoms)))


def snippet(text: str, atoms: list[str], length: int = SNIPPET_CHARS) -> SafeString:
    """About ``length`` characters around the first match, marked; the opening when none.
    Matches are looked for in that stretch only: a text of OCR garbage may hold a literal tens
    of thousands of times."""
    text = " ".join(text.split())
    unit_text, offsets = units(text)
    firsts = [found for found in (unit_text.find(atom) for atom in set(atoms) if atom) if found >= 0]
    start = max(0, offsets[min(firsts)] - SNIPPET_LEAD) if firsts else 0
    end = min(len(text), start + length)
    # The stretch's matches, from the units already found: folding is character by character
    # (archive/folding.py), so a stretch's units are a run of the whole text's.
    window = bisect_left(offsets, start - SNIPPET_MARGIN), bisect_left(offsets, end + SNIPPET_MARGIN)
    html = _render(text, _ranges(unit_text, offsets, atoms, *window), start, end)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))
