"""Turn the text of one newspaper page into articles and photos, in reading order.

Pure Python: no Django, no search. Every non-whitespace character of the page ends up in
exactly one output field, except the markdown heading markers (``#``) and the dashes that
open a subtitle (``——``). ``tests/test_parser.py`` checks that on every seed page.

How a page is read (each step is a function below):

1. ``decode_page``: bytes to text (a byte-order mark's encoding, UTF-8, or GB18030 when it is
   recognisably that), rejecting empty, binary and other-encoded files.
2. ``_blocks``: lines grouped into blocks separated by blank lines; heading markers are
   stripped and remembered as a level, because they are unreliable (a kicker may carry
   ``##`` and its title ``#``).
3. ``_units``: each block becomes a photo (caption [+ description] + credit ``… 摄``), a
   byline (``本报讯 记者…报道:`` or ``本报记者 A 通讯员 B``) or plain text.
4. Bylines anchor articles: the heading-shaped lines right above a byline are its headline
   (banner / kicker / title / subtitle, decided by position and shape in ``split_headline``).
5. Everything else is body: paragraphs broken by a column wrap are rejoined, also across a
   photo; two short heading-shaped lines inside a body are a subheading.
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Union

import charset_normalizer

from .contributors import CORRESPONDENT, REPORTER, parse_credit_names
from .numerals import ascii_dates

# --- public data -------------------------------------------------------------------------


class PageParseError(ValueError):
    """A page that cannot be read; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def located(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.message}"


@dataclass
class Paragraph:
    text: str


@dataclass
class Subheading:
    text: str  # the printed lines, joined by "\n"


@dataclass
class Photo:
    caption: str
    description: str = ""
    credit: str = ""
    photographers: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    year_printed: bool = False  # the dateline gave its year (2023年4月17日), not just 4月17日
    line: int = 0


Block = Union[Paragraph, Subheading, Photo]


@dataclass
class Article:
    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    section: str = ""
    byline: str = ""
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    year_printed: bool = False
    blocks: list[Block] = field(default_factory=list)
    line: int = 0

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def subheadings(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Subheading)]

    @property
    def photos(self) -> list[Photo]:
        return [b for b in self.blocks if isinstance(b, Photo)]


Item = Union[Article, Photo]


@dataclass
class ParsedPage:
    items: list[Item]
    year: int | None
    year_inferred: bool
    date: datetime.date | None = None  # see ``page_date``
    date_source: str = ""  # DATELINE or MENTION, or "" without a date

    @property
    def articles(self) -> list[Article]:
        return [i for i in self.items if isinstance(i, Article)]

    @property
    def photos(self) -> list[Photo]:
        """Stand-alone photos only; photos inside articles are in their blocks."""
        return [i for i in self.items if isinstance(i, Photo)]


# --- shapes ------------------------------------------------------------------------------

HEADING_MARKER = re.compile(r"^#{1,6}(?!#)")  # seven or more "#" are printed text, not a marker
SUBTITLE_DASHES = re.compile(r"^[—–\-─－]{1,4}\s*")
SENTENCE_END = "。!?!?…;;::—"
CLOSING_QUOTES = "”’」』\"'"
CONTINUATION_END = ",,、"
MAX_HEADING_CHARS = 64
MAX_SUBHEADING_CHARS = 32
CLAUSE_PUNCTUATION = ",,、;;::"
MAX_HEADLINE_LINES = 6
HAN = r"\u3400-\u9fff"
# 强信心 起好步 开新局: three or more short phrases of Han characters set apart by spaces.
SLOGAN = re.compile(rf"^[{HAN}]{{2,8}}(?:\s+[{HAN}]{{2,8}}){{2,}}$")
YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=\s*[年((])")
LEADING_DATE_CHARS = 16  # 二〇二三年十二月三十一日 is 12
MONTH_DAY = re.compile(r"^(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})月(\d{1,2})日")
ANY_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
NEWS_BYLINE = re.compile(
    r"^本报讯\s*(?:"
    r"[((][^))\n]{0,60}[))]\s*[::]?"  # 本报讯(记者 张三)
    r"|[^::。\n]{0,60}?报道\s*[::]"  # 本报讯 记者刘茜、通讯员高祥钧报道:
    r"|[::]"  # 本报讯:
    r")?"
)
MAX_CREDIT_CHARS = 30


def is_sentence_complete(text: str) -> bool:
    """False for a paragraph that a column wrap cut in the middle of a sentence."""
    stripped = text.rstrip(CLOSING_QUOTES)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def is_heading_shaped(text: str) -> bool:
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and "。" not in text
        and text[-1] not in SENTENCE_END + CONTINUATION_END
    )


def is_subheading_shaped(text: str) -> bool:
    """In-article heads (``“链”上招商新赛道``) are short and carry no clause punctuation,
    unlike the first half of a paragraph cut by a column wrap."""
    return is_heading_shaped(text) and len(text) <= MAX_SUBHEADING_CHARS and not any(
        ch in CLAUSE_PUNCTUATION for ch in text
    )


def is_subtitle(text: str) -> bool:
    return text.startswith(("——", "—", "--", "──", "－－"))


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


# --- step 1: bytes to text ---------------------------------------------------------------


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise PageParseError(f"unknown encoding {encoding!r}", line=1) from None
    except UnicodeDecodeError as error:
        raise PageParseError(f"not {encoding} text (byte 0x{data[error.start]:02x})",
                             _line_of_offset(data, error.start)) from None


def _decode_guessed(data: bytes, utf8_error: UnicodeDecodeError) -> str:
    where = (f"byte 0x{data[utf8_error.start]:02x}", _line_of_offset(data, utf8_error.start))
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise PageParseError(f"not UTF-8 or GB18030 text ({where[0]})", where[1]) from None
    if _common_share(text) >= MIN_COMMON_SHARE:
        return text
    best = charset_normalizer.from_bytes(data).best()
    guess = best.encoding if best else "unknown"
    raise PageParseError(f"not UTF-8 or GB18030 text ({where[0]}; as GB18030 it reads as rare characters); "
                         f"it looks like {guess} (pass --encoding if so)", where[1])


def _common_share(text: str) -> float:
    """The share of the text's CJK characters that GB2312, the common set, has."""
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 1.0
    return sum(1 for ch in cjk if ch.encode("gb2312", "ignore")) / len(cjk)


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# A byte-order mark says the encoding outright (UTF-32's marks begin like UTF-16's: first).
BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig")]
# A simplified-Chinese page read as GB18030 uses the common characters of GB2312 almost only
# (the seeds: 100%); Big5 or Shift-JIS bytes read as GB18030 give rare characters and symbols
# (臺灣 → 籓芖: 34% and 0% common in the tests' samples). Below this share, GB18030 is the wrong
# reading, and charset-normalizer names the likely one.
MIN_COMMON_SHARE = 0.9
# Unicode's control characters (category Cc: U+0000–U+001F, U+007F–U+009F) but the line breaks
# and tabs a page may hold: one regular expression over the page, not a lookup per character.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode_page(data: bytes, encoding: str | None = None) -> str:
    """Decode a page file, or raise PageParseError naming the offending line: a byte-order
    mark's encoding, else the given ``encoding``, else UTF-8, else GB18030 when that reads as
    common simplified characters. Big5 and Shift-JIS bytes often decode as GB18030 too — into
    nonsense (臺灣 becomes 籓芖): such a file is refused, naming charset-normalizer's guess, and
    ``--encoding`` lets the archivist say what it is."""
    if not data.strip():
        raise PageParseError("the file is empty", line=1)
    # A byte-order mark wins over a named encoding (utf-8 named for a file with a BOM would keep it).
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), None) or encoding
    if encoding:
        text = _decode_as(data, encoding)
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise PageParseError("binary data (NUL byte), not a text page", _line_of_offset(data, nul))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as utf8_error:
            text = _decode_guessed(data, utf8_error)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_CHARACTER.search(text)
    if control:
        raise PageParseError("binary data (control characters), not a text page", text.count("\n", 0, control.start()) + 1)
    if not text.strip():
        raise PageParseError("the file is empty", line=1)
    return text


# --- step 2: lines and blocks ------------------------------------------------------------


@dataclass
class Line:
    number: int
    text: str
    level: int = 0  # number of leading "#", 0 when unmarked


@dataclass
class TextBlock:
    lines: list[Line]
    gap: int  # blank lines above the block; photos sit after wide gaps

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def first_line(self) -> int:
        return self.lines[0].number


def _line(number: int, raw: str) -> Line:
    text = raw.strip()
    marker = HEADING_MARKER.match(text)
    if marker:
        return Line(number, text[marker.end():].strip(), len(marker.group()))
    return Line(number, text)


def _blocks(text: str) -> list[TextBlock]:
    blocks: list[TextBlock] = []
    current: list[Line] = []
    gap = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _line(number, raw)
        if line.text:
            current.append(line)
            continue
        if current:
            blocks.append(TextBlock(current, gap))
            current, gap = [], 0
        gap += 1
    if current:
        blocks.append(TextBlock(current, gap))
    return blocks


# --- step 3: units -----------------------------------------------------------------------


@dataclass
class TextUnit:
    block: TextBlock

    @property
    def heading_shaped(self) -> bool:
        return all(is_heading_shaped(line.text) for line in self.block.lines)

    @property
    def marked(self) -> bool:
        return any(line.level for line in self.block.lines)


@dataclass
class BylineUnit:
    byline: str
    rest: str  # the text after a 本报讯 byline: the article's first paragraph
    roles: list[tuple[str, str]]
    line: int


@dataclass
class PhotoUnit:
    photo: Photo


Unit = Union[TextUnit, BylineUnit, PhotoUnit]


def _split_credit(text: str) -> tuple[str, str] | None:
    """Split ``caption。 本报记者 刘茜 摄`` into caption and credit; None when no credit.

    The credit is the longest tail (at most ``MAX_CREDIT_CHARS``) that starts the line or
    follows a space or a sentence end, holds only roles and names, and ends in ``摄`` set
    apart by a space or a slash.
    """
    if not text.endswith("摄") or text[-2:-1] not in (" ", "\u3000", "/", "\t"):
        return None
    for start in range(max(0, len(text) - MAX_CREDIT_CHARS), len(text) - 1):
        if start and not (text[start - 1].isspace() or text[start - 1] in SENTENCE_END + CLOSING_QUOTES):
            continue
        names = text[start:-1].strip(" \u3000/\t")
        if names and parse_credit_names(names):
            return text[:start].rstrip(), text[start:].strip()
    return None


def _byline(block: TextBlock) -> BylineUnit | None:
    first = block.lines[0]
    text = block.text
    news = NEWS_BYLINE.match(text)
    if news and text.startswith("本报讯"):
        byline = news.group().strip()
        roles = parse_credit_names(byline[len("本报讯"):].strip(" ((::)").removesuffix("报道"))
        return BylineUnit(byline, text[news.end():].strip(), roles or [], first.number)
    if len(block.lines) == 1 and len(text) <= 40 and not text.endswith("摄"):
        roles = parse_credit_names(text, require_role=True)
        if roles:
            return BylineUnit(text, "", roles, first.number)
    return None


def _units(blocks: list[TextBlock]) -> list[Unit]:
    units: list[Unit] = []
    for block in blocks:
        photo = _photo_ending_at(block, units)
        if photo:
            units.append(PhotoUnit(photo))
            continue
        byline = _byline(block)
        units.append(byline if byline else TextUnit(block))
    return units


def _photo_ending_at(block: TextBlock, units: list[Unit]) -> Photo | None:
    """The photo whose credit line closes ``block``, or None.

    The caption is on the credit's own line (``…施工。 本报记者 刘茜 摄``) or on the lines
    above it in the block; failing that, it is in the blocks above, which are taken out of
    ``units``. Photos stand after a wide gap (two or more blank lines), so those blocks are
    the ones since that gap, at most two (caption, description); with no such gap only the
    block right above is the caption.
    """
    split = _split_credit(block.lines[-1].text)
    if not split:
        return None
    caption_tail, credit = split
    texts = [line.text for line in block.lines[:-1]] + ([caption_tail] if caption_tail else [])
    first_line = block.first_line
    if not texts:
        above = _caption_blocks_above(units) if block.gap < 2 else []
        if not above:
            return None
        del units[-len(above):]
        texts = [_unwrap(b.lines) for b in above]
        first_line = above[0].first_line
    names = [name for _role, name in parse_credit_names(credit[:-1].strip(" \u3000/\t"))]
    return Photo(texts[0], "\n\n".join(texts[1:]), credit, names, None, first_line)


def _caption_blocks_above(units: list[Unit]) -> list[TextBlock]:
    taken: list[TextBlock] = []
    for unit in reversed(units[-2:]):
        if not isinstance(unit, TextUnit) or unit.marked:
            break
        taken.insert(0, unit.block)
        if unit.block.gap >= 2:
            return taken
    return taken[-1:]


# --- step 4: headlines -------------------------------------------------------------------


@dataclass
class Headline:
    section: str = ""
    kicker: str = ""
    title: str = ""
    subtitle: str = ""


def _joined(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)


def split_headline(lines: list[Line]) -> Headline:
    """Name the parts of a headline run by position and shape, not by markers alone.

    - a slogan (``强信心 起好步 开新局``) below the other lines is the banner (section);
    - a line opening with dashes is the subtitle;
    - in a run of three or more lines without a banner below, the top line is the banner;
    - of two remaining lines, see ``_kicker_or_subtitle``.
    """
    lines = list(lines)
    head = Headline()
    if len(lines) >= 2 and SLOGAN.match(lines[-1].text):
        head.section = lines.pop().text
    dashed = next((i for i, line in enumerate(lines) if is_subtitle(line.text)), None)
    if dashed is not None:
        above, below = lines[:dashed], lines[dashed:]
        head.subtitle = SUBTITLE_DASHES.sub("", _joined(below), count=1)
        if len(above) >= 2 and not head.section:
            head.section = above.pop(0).text
        if above:
            head.title = above[-1].text
            head.kicker = _joined(above[:-1])
        return head
    if len(lines) >= 3 and not head.section:
        head.section = lines.pop(0).text
    if len(lines) == 1:
        head.title = lines[0].text
    elif len(lines) == 2:
        _kicker_or_subtitle(head, *lines)
    elif lines:
        head.kicker, head.title, head.subtitle = lines[0].text, lines[1].text, _joined(lines[2:])
    return head


def _kicker_or_subtitle(head: Headline, first: Line, second: Line) -> None:
    """Two headline lines: kicker + title, or title + subtitle.

    Heading markers decide when both carry different ones (``#`` is the title). Otherwise
    the line with figures is the secondary one (``签订招商引资项目17个…`` under a title,
    ``…10个项目集中复工开工 总投资20亿元`` over one); failing that, kicker + title.
    """
    if first.level and second.level and first.level != second.level:
        title_first = first.level < second.level
    elif has_digit(first.text) != has_digit(second.text):
        title_first = has_digit(second.text)
    else:
        title_first = False
    if title_first:
        head.title, head.subtitle = first.text, second.text
    else:
        head.kicker, head.title = first.text, second.text


# --- step 5: assembling the page ---------------------------------------------------------


def _leading_date(text: str, year: int | None) -> tuple[datetime.date | None, bool]:
    """The date a dateline opens with, and whether it printed its year."""
    match = MONTH_DAY.match(ascii_dates(text[:LEADING_DATE_CHARS]))
    if not match or not (match.group(1) or year):
        return None, False
    try:
        date = datetime.date(int(match.group(1) or year), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None, False
    return date, bool(match.group(1))


def _dates_in(item: Item):
    if item.date:
        yield item.date
    if isinstance(item, Article):
        yield from (photo.date for photo in item.photos if photo.date)


DATELINE, MENTION = "dateline", "mention"  # where ``page_date`` found the date


def page_date(text: str, items: list[Item], year: int | None) -> tuple[datetime.date | None, str]:
    """The newest dateline or photo date on the page; for a page with none (a feature page),
    the newest day its text mentions. With where it was found."""
    dated = [d for item in items for d in _dates_in(item)]
    if dated or year is None:
        return max(dated, default=None), DATELINE if dated else ""
    mentioned = []
    for month, day in ANY_MONTH_DAY.findall(ascii_dates(text)):
        try:
            mentioned.append(datetime.date(year, int(month), int(day)))
        except ValueError:
            continue
    return max(mentioned, default=None), MENTION if mentioned else ""


def infer_year(text: str) -> int | None:
    """The four-digit year the page mentions most; on a tie, the latest."""
    counts = Counter(int(y) for y in YEAR.findall(ascii_dates(text)))
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def _unwrap(lines: list[Line]) -> str:
    """One paragraph from lines that a hard wrap split."""
    text = lines[0].text
    for line in lines[1:]:
        text = _join_paragraphs(text, line.text)
    return text


def _join_paragraphs(head: str, tail: str) -> str:
    if head[-1:].isascii() and head[-1:].isalnum() and tail[:1].isascii() and tail[:1].isalnum():
        return f"{head} {tail}"
    return head + tail


class _PageAssembler:
    def __init__(self, units: list[Unit], year: int | None):
        self.units = units
        self.year = year
        self.items: list[Item] = []
        self.article: Article | None = None
        self.starts = self._headline_runs()

    def _headline_runs(self) -> dict[int, tuple[int, BylineUnit | None]]:
        """Map the index of each headline's first unit to (units it spans, its byline)."""
        starts: dict[int, tuple[int, BylineUnit | None]] = {}
        claimed: set[int] = set()
        for index, unit in enumerate(self.units):
            if isinstance(unit, BylineUnit):
                first = index
                lines = 0
                while first > 0 and first - 1 not in claimed:
                    above = self.units[first - 1]
                    if not (isinstance(above, TextUnit) and above.heading_shaped):
                        break
                    lines += len(above.block.lines)
                    if lines > MAX_HEADLINE_LINES:
                        break
                    first -= 1
                starts[first] = (index - first + 1, unit)
                claimed.update(range(first, index + 1))
        for index, unit in enumerate(self.units):
            if index in claimed or not (isinstance(unit, TextUnit) and unit.marked and unit.heading_shaped):
                continue
            end = index + 1
            while end < len(self.units) and end not in claimed and isinstance(self.units[end], TextUnit) \
                    and self.units[end].marked and self.units[end].heading_shaped:
                end += 1
            starts[index] = (end - index, None)
            claimed.update(range(index, end))
        return starts

    def assemble(self) -> list[Item]:
        index = 0
        while index < len(self.units):
            if index in self.starts:
                span, byline = self.starts[index]
                headed = [u for u in self.units[index:index + span] if isinstance(u, TextUnit)]
                self._start_article(headed, byline)
                index += span
                continue
            unit = self.units[index]
            if isinstance(unit, PhotoUnit):
                self._place_photo(unit.photo, index)
            elif isinstance(unit, BylineUnit):
                self._start_article([], unit)
            else:
                self._add_text(unit)
            index += 1
        return self.items

    def _start_article(self, headed: list[TextUnit], byline: BylineUnit | None) -> None:
        lines = [line for unit in headed for line in unit.block.lines]
        head = split_headline(lines)
        article = Article(head.title, head.kicker, head.subtitle, head.section)
        article.line = lines[0].number if lines else (byline.line if byline else 0)
        if byline:
            article.byline = byline.byline
            article.reporters = [n for role, n in byline.roles if role == REPORTER]
            article.correspondents = [n for role, n in byline.roles if role == CORRESPONDENT]
            if byline.rest:
                article.date, article.year_printed = _leading_date(byline.rest, self.year)
                article.blocks.append(Paragraph(byline.rest))
        self.items.append(article)
        self.article = article

    def _place_photo(self, photo: Photo, index: int) -> None:
        """Inside the current article when its text goes on below the photo; after its last
        paragraph when the photo has no text of its own; otherwise a stand-alone photo."""
        photo.date, photo.year_printed = _leading_date(photo.caption, self.year)
        # Look ahead by position from here (units.index() would rescan the page from the top).
        next_index = next((i for i in range(index + 1, len(self.units))
                           if not isinstance(self.units[i], PhotoUnit)), None)
        following = self.units[next_index] if next_index is not None else None
        text_follows = isinstance(following, TextUnit) and next_index not in self.starts
        if self.article and (text_follows or not photo.description):
            self.article.blocks.append(photo)
        else:
            self.items.append(photo)
            if not text_follows:
                self.article = None

    def _add_text(self, unit: TextUnit) -> None:
        if self.article is None:
            self.article = Article(line=unit.block.first_line)
            self.items.append(self.article)
            if unit.heading_shaped and not self.article.blocks:
                self.article.title = unit.block.text
                return
        broken = self._broken_paragraph()
        if broken is not None:
            broken.text = _join_paragraphs(broken.text, _unwrap(unit.block.lines))
        elif all(is_subheading_shaped(line.text) for line in unit.block.lines):
            self.article.blocks.append(Subheading(unit.block.text))
        else:
            self.article.blocks.append(Paragraph(_unwrap(unit.block.lines)))

    def _broken_paragraph(self) -> Paragraph | None:
        for block in reversed(self.article.blocks):
            if isinstance(block, Photo):
                continue
            if isinstance(block, Paragraph) and not is_sentence_complete(block.text):
                return block
            return None
        return None


def parse_page(text: str, year: int | None = None) -> ParsedPage:
    """Parse the text of one page. ``year`` overrides the year inferred from the page."""
    inferred = year is None
    if inferred:
        year = infer_year(text)
    blocks = _blocks(text)
    if not blocks:
        raise PageParseError("the page has no text", line=1)
    items = _PageAssembler(_units(blocks), year).assemble()
    if not any(isinstance(i, Photo) or i.title or i.byline for i in items):
        raise PageParseError("no article headline, byline or photo credit found", blocks[0].first_line)
    date, source = page_date(text, items, year)
    printed = any(i.date == date and i.year_printed for item in items for i in (item, *getattr(item, "photos", [])))
    return ParsedPage(items, year, inferred and year is not None and not printed, date, source)
