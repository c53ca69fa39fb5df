"""Month calendars for the date archive (pure Python)."""

import calendar
import datetime
from dataclasses import dataclass

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


@dataclass(frozen=True)
class Day:
    date: datetime.date
    count: int  # items that day; 0 renders as plain text, not a link
    in_month: bool


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[Day | None]]  # None: a day beyond the calendar's range (year 10000)

    @property
    def total(self) -> int:
        return sum(day.count for week in self.weeks for day in week if day and day.in_month)


def month_calendar(year: int, month: int, counts: dict) -> Month:
    """Weeks Monday to Sunday; the days of the neighbouring months that fill them are shown
    greyed (and, past 9999-12-31 or before 0001-01-01, left blank)."""
    weeks = calendar.Calendar(firstweekday=0).monthdays2calendar(year, month)
    first = datetime.date(year, month, 1)
    leading = weeks[0].index(next(pair for pair in weeks[0] if pair[0]))  # days of the month before
    return Month(year, month, [
        [_day(first, row * 7 + column - leading, month, counts) for column in range(7)]
        for row in range(len(weeks))
    ])


def _day(first: datetime.date, offset: int, month: int, counts: dict) -> Day | None:
    try:
        day = first + datetime.timedelta(days=offset)
    except OverflowError:
        return None
    return Day(day, counts.get(day, 0) if day.month == month else 0, day.month == month)


def months_with_items(counts: dict, year: int) -> list[Month]:
    months = sorted({day.month for day in counts if day.year == year})
    return [month_calendar(year, month, counts) for month in months]
