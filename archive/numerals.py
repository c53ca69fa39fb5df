"""Dates written with full-width digits (``１９９８年``) or Chinese numerals (``二〇二三年四月十七日``),
read as ASCII digits. Pure: used by the parser to read datelines, never to change stored text.

The numerals themselves are converted by ``cn2an`` (a maintained library for Chinese numbers);
this module only finds the date-shaped runs, so that other numbers on a page (``一季度``) are
left alone and the library never sees a whole page.
"""

from __future__ import annotations

import re
import warnings

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# OCR sets the zero of a year as 〇, ○ (white circle) or 零.
_ZERO = "〇○零"
_DIGIT = f"[{_ZERO}一二三四五六七八九]"
_SMALL = "[一二三四五六七八九十]"
CHINESE_DATE = re.compile(
    rf"(?P<year>{_DIGIT}{{4}}年)?(?P<month>{_SMALL}{{1,2}}月)(?P<day>{_SMALL}{{1,3}}日)"
    rf"|(?P<only_year>{_DIGIT}{{4}})(?=年)"
)


def ascii_dates(text: str) -> str:
    """``text`` with full-width digits and Chinese-numeral dates in ASCII digits."""
    return CHINESE_DATE.sub(_ascii_date, text.translate(FULL_WIDTH_DIGITS))


def _ascii_date(match: re.Match) -> str:
    parts = []
    for name, suffix in (("year", "年"), ("month", "月"), ("day", "日"), ("only_year", "")):
        run = match.group(name)
        if run:
            parts.append(f"{_number(run.rstrip('年月日'))}{suffix}")
    return "".join(parts)


def _number(run: str) -> str:
    """Digits for a numeral run; the run itself when it is not a number (``十十``)."""
    import cn2an  # imported here: only pages that print such dates need it

    run = re.sub(f"[{_ZERO}]", "〇", run)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cn2an warns instead of raising on some inputs
            return str(cn2an.cn2an(run, "smart"))
    except (ValueError, KeyError):
        return run
