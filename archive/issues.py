"""Where a page sits in the paper, read from its file's path: the issue's date and the page's
label in that issue. Pure: no Django.

Archives name files by date, in the name or in the folders above it::

    2023-04-17/01.txt    2023/04/17/A01.txt    20230417_A01.txt    2023-04-17_3.txt

→ (2023-04-17, "1"), (2023-04-17, "A01"), (2023-04-17, "A01"), (2023-04-17, "3").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import PurePath

_SEP = r"[-_./年月]?"
PATH_DATE = re.compile(
    rf"(?<![0-9A-Za-z])((?:19|20)\d\d){_SEP}(0[1-9]|1[0-2]|[1-9](?!\d)){_SEP}(0[1-9]|[12]\d|3[01]|[1-9](?!\d))日?(?!\d)"
)
# What is left of a file name once its date is taken out, when it names a page: 01, A01, 第3版, page03.
PAGE_LABEL = re.compile(r"^[\s_.\-]*(?:第|page|p|版)?\s*([A-Za-z]?)\s*(\d{1,6})\s*版?[\s_.\-]*$", re.IGNORECASE)
FOLDER_LEVELS = 3  # 2023/04/17/01.txt: the date may be spread over three folders


@dataclass(frozen=True)
class PathPlace:
    date: datetime.date | None
    label: str  # "" when the name does not say


def place_from_path(path: str) -> PathPlace:
    """The date and page label the path holds: the file's own name first, then its folders,
    nearest first (a date in a far folder, such as a temporary directory, is not looked for)."""
    pure = PurePath(path)
    stem = pure.stem
    date, rest = _date_in(stem)
    parents = list(pure.parent.parts)[-FOLDER_LEVELS:]
    for levels in range(1, len(parents) + 1):
        if date:
            break
        date, _ = _date_in("/".join(parents[-levels:]))
    return PathPlace(date, page_label(rest if date else stem))


def _date_in(text: str) -> tuple[datetime.date | None, str]:
    """The last valid date in ``text``, and the text without it."""
    for match in reversed(list(PATH_DATE.finditer(text))):
        try:
            date = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            continue
        return date, text[:match.start()] + text[match.end():]
    return None, text


def page_label(text: str) -> str:
    """``A01`` or ``1`` when ``text`` names a page in an issue, else ""."""
    match = PAGE_LABEL.match(text)
    if not match:
        return ""
    letter, number = match.group(1).upper(), int(match.group(2))
    return f"{letter}{number:02d}" if letter else str(number)


LETTER_STEP = 1_000_000  # above any number a label holds (six digits)


def label_sequence(label: str) -> int:
    """Reading order of labels within an issue: 1 < 2 < 10 < 999999 < A01 < A02 < B01."""
    match = re.fullmatch(r"([A-Z]?)(\d+)", label)
    if not match:
        return 0
    letter, number = match.groups()
    return (ord(letter) - ord("A") + 1) * LETTER_STEP + int(number) if letter else int(number)


def dated_source_name(file: PurePath, folder: PurePath, name: str) -> str:
    """``name`` (the file's path below ``folder``) with the folders that hold its date put in
    front, when only they do: ``ingest in/2023-06-01/`` and then ``in/2023-06-02/`` store
    ``2023-06-01/01.txt`` and ``2023-06-02/01.txt``, two pages, not one named ``01.txt``."""
    if place_from_path(name).date or not place_from_path(str(file)).date:
        return name
    folders = folder.parts
    for levels in range(1, FOLDER_LEVELS + 1):
        candidate = "/".join([*folders[-levels:], name])
        if place_from_path(candidate).date:
            return candidate
    return name
