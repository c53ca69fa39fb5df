"""Citations of an article, or of a whole page, of the newspaper in three styles. Pure: plain
data in, strings out (``archive/citing.py`` reads the data from the stored rows).

    GB/T 7714-2015  刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, 2023-04-17(第1版).
    APA (7th ed.)   刘茜, & 高祥钧. (2023, April 17). 昌吉州一季度招商引资实现“开门红”. 昌吉日报, 1.
    MLA (9th ed.)   刘茜 and 高祥钧. "昌吉州一季度招商引资实现“开门红”." 昌吉日报, 17 Apr. 2023, p. 1.

    a page          昌吉日报[N]. 2023-04-17(第1版).
                    昌吉日报. (2023, April 17). [Page 1].
                    昌吉日报, 17 Apr. 2023, p. 1.

Rules kept everywhere (README, "Citing"):
- Names and titles are written as printed: no inversion, no initials, no pinyin; a title is
  never altered (a line break inside it becomes a space: a citation is one line).
- The date is the issue's. One the archive read from the page's own datelines (not from the
  file's path or ``ingest --date``) is an estimate, and is put in square brackets, as GB/T 7714
  asks of an estimated year (8.4); with no date at all GB/T says ``[出版日期不详]`` (as it says
  ``[出版地不详]``), APA ``n.d.``, MLA leaves it out.
- The page part is there only when the page's label was printed in its file's name: a page
  numbered by ingest order is not cited by that number.
- Plain text throughout (what the copy button copies): no italics, which Chinese titles do not
  take anyway; MLA's quotation marks are ASCII so that a title's own “” stay as printed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

GBT_MAX_AUTHORS = 3  # GB/T 7714-2015 8.1.2: more than three → the first three, then ", 等"
APA_MAX_AUTHORS = 20  # APA 7 (9.8): up to twenty; more → the first nineteen, ". . .", the last
UNTITLED = "[无题名]"
GBT_NO_DATE = "[出版日期不详]"
MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
APA_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
CLOSING = tuple("?!？！。.")  # a title ending so takes no added period


@dataclass(frozen=True)
class Issue:
    """Where an item was printed."""

    newspaper: str  # the newspaper's title; "" leaves it out
    date: datetime.date | None  # the issue's date
    date_estimated: bool = False  # read from the page's text, not from its file's path or --date
    page: str = ""  # the page's label as its file's name printed it ("1", "A01"); "" not known


@dataclass(frozen=True)
class ArticleFacts:
    title: str  # as printed ("" when the article printed none)
    authors: tuple[str, ...]  # as printed, in byline order
    issue: Issue


STYLES = (("gbt7714", "GB/T 7714-2015"), ("apa", "APA"), ("mla", "MLA"))


def article_citations(article: ArticleFacts) -> dict[str, str]:
    return {"gbt7714": gbt7714_article(article), "apa": apa_article(article), "mla": mla_article(article)}


def page_citations(issue: Issue) -> dict[str, str]:
    return {"gbt7714": gbt7714_page(issue), "apa": apa_page(issue), "mla": mla_page(issue)}


# --- GB/T 7714-2015 ------------------------------------------------------------------------------

def gbt7714_article(article: ArticleFacts) -> str:
    """主要责任者. 题名[N]. 报纸名, 出版日期(版次)."""
    authors = list(article.authors[:GBT_MAX_AUTHORS]) + (["等"] if len(article.authors) > GBT_MAX_AUTHORS else [])
    head = f"{', '.join(authors)}. " if authors else ""
    issue = article.issue
    where = ", ".join(part for part in (issue.newspaper, _gbt_date(issue) + _gbt_page(issue)) if part)
    return f"{head}{_title(article.title)}[N]. {where}."


def gbt7714_page(issue: Issue) -> str:
    """报纸名[N]. 出版日期(版次). — the title and its type code first, as GB/T cites a whole
    serial (地质论评[J]. 1936, 1(1)-.), then the issue and page as for an article in it."""
    return f"{issue.newspaper}[N]. {_gbt_date(issue)}{_gbt_page(issue)}."


def _gbt_date(issue: Issue) -> str:
    if not issue.date:
        return GBT_NO_DATE
    return _estimated(issue.date.isoformat(), issue.date_estimated)


def _gbt_page(issue: Issue) -> str:
    if not issue.page:
        return ""
    return f"(第{issue.page}版)" if issue.page.isdigit() else f"({issue.page}版)"


# --- APA -----------------------------------------------------------------------------------------

def apa_article(article: ArticleFacts) -> str:
    """Author, & Author. (2023, April 17). Title. Newspaper, page. — with no author, the title
    takes the author's place (APA 9.12)."""
    title = _sentence(_title(article.title))
    source = ", ".join(part for part in (article.issue.newspaper, article.issue.page) if part)
    parts = [f"{_apa_authors(article.authors)}.", _apa_date(article.issue), title] if article.authors else \
        [title, _apa_date(article.issue)]
    return " ".join(parts + ([f"{source}."] if source else []))


def apa_page(issue: Issue) -> str:
    """Newspaper. (2023, April 17). [Page 1]. — the newspaper in the author's place, and the page,
    which has no title, described in square brackets (APA 9.21)."""
    parts = [_sentence(issue.newspaper) if issue.newspaper else "", _apa_date(issue),
             f"[Page {issue.page}]." if issue.page else ""]
    return " ".join(part for part in parts if part)


def _apa_authors(authors: tuple[str, ...]) -> str:
    if len(authors) > APA_MAX_AUTHORS:
        return ", ".join(authors[:APA_MAX_AUTHORS - 1]) + ", . . . " + authors[-1]
    if len(authors) == 1:
        return authors[0]
    return ", ".join(authors[:-1]) + ", & " + authors[-1]


def _apa_date(issue: Issue) -> str:
    if not issue.date:
        return "(n.d.)."
    day = issue.date
    return f"({_estimated(f'{day.year}, {APA_MONTHS[day.month - 1]} {day.day}', issue.date_estimated)})."


# --- MLA -----------------------------------------------------------------------------------------

def mla_article(article: ArticleFacts) -> str:
    """Author and Author. "Title." Newspaper, 17 Apr. 2023, p. 1. — names as printed take no
    comma of inversion; three or more: the first, et al."""
    authors = article.authors
    head = (f"{authors[0]}. " if len(authors) == 1 else f"{authors[0]} and {authors[1]}. " if len(authors) == 2
            else f"{authors[0]} et al. " if authors else "")
    return f'{head}"{_sentence(_title(article.title))}" {_mla_container(article.issue)}'.rstrip()


def mla_page(issue: Issue) -> str:
    return _mla_container(issue)


def _mla_container(issue: Issue) -> str:
    date = (_estimated(f"{issue.date.day} {MLA_MONTHS[issue.date.month - 1]} {issue.date.year}", issue.date_estimated)
            if issue.date else "")
    parts = [issue.newspaper, date, f"p. {issue.page}" if issue.page else ""]
    text = ", ".join(part for part in parts if part)
    return f"{text}." if text else ""


# --- shared --------------------------------------------------------------------------------------

def _title(title: str) -> str:
    return " ".join(title.splitlines()).strip() or UNTITLED


def _sentence(text: str) -> str:
    """The text closed by a period, unless it already ends a sentence (开工!)."""
    return text if text.endswith(CLOSING) else f"{text}."


def _estimated(date: str, estimated: bool) -> str:
    return f"[{date}]" if estimated else date
