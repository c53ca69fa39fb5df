"""Which stored item each item of a re-ingested page is, so that a correction keeps every
item's identity — and its published URL.

Pure: texts in, pairs of indexes out. An item of the new parse is the stored item of the same
kind whose text it shares most character pairs with (at least ``MIN_SHARED``), the nearer
position breaking ties; each stored item is taken once. A corrected title or a rewrapped
paragraph keeps well above the threshold; a different story shares little but common words.
"""

from __future__ import annotations

MIN_SHARED = 0.3


def character_pairs(text: str) -> set[str]:
    chars = "".join(text.split())
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def shared(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets of character pairs."""
    return len(a & b) / len(a | b) if a | b else 1.0


def match(old: list[tuple[int, str]], new: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """(old index, new index) pairs for (position, text) lists, best matches first."""
    if not old or not new:  # a new page: nothing to compare (and its texts' pairs cost time)
        return []
    old_pairs = [character_pairs(text) for _, text in old]
    new_pairs = [character_pairs(text) for _, text in new]
    candidates = sorted(
        ((shared(old_pairs[i], new_pairs[j]), -abs(old[i][0] - new[j][0]), i, j)
         for i in range(len(old)) for j in range(len(new))),
        reverse=True,
    )
    taken_old, taken_new, pairs = set(), set(), []
    for similarity, _, i, j in candidates:
        if similarity < MIN_SHARED:
            break
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j))
    return pairs
